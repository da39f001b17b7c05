"""Materials: no index on slot_id alone, which the unique (slot_id, sha256) index covers

uq_materials_slot_sha256 (ed3747f3ddbd) begins with slot_id and holds every row, links (no
digest) too, so it serves each read by slot (a slot's materials, a file it holds already, the
slots of a meeting's files) and the ON DELETE CASCADE from slots, on SQLite and PostgreSQL
alike. ix_materials_slot_id only cost space and a write on every upload.

Downgrade creates it again.

Revision ID: c6d04684c81b
Revises: 0ab0b4e54098
Create Date: 2026-12-05 11:00:00

"""

from alembic import op

revision = "c6d04684c81b"
down_revision = "0ab0b4e54098"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_materials_slot_id", table_name="materials")


def downgrade():
    op.create_index("ix_materials_slot_id", "materials", ["slot_id"])
