"""A slot holds a file once: a unique index on materials (slot_id, sha256)

An upload of a file the slot holds already was refused by a query before saving; two uploads
at the same moment (two instances, a double press reaching two workers) both passed it and both
were stored, so the agenda offered two downloads of one thing. The database now keeps to it.

Files stored twice before are resolved first: of each set of rows with the same slot and digest
the earliest (added_at, then id: the one every page lists first and the refusal names) is kept,
and the later ones are deleted. They hold the same bytes, so no content is lost; what goes is
the later row's own name, uploader and time (each deleted row is logged with them) and its
address (/materials/<id>/...), which the agenda and archive now give as the kept row's.

What points at a deleted row: its bytes in material_files, deleted with it here explicitly
(foreign keys, and so ON DELETE CASCADE, are off on SQLite while migrating); an S3 object, which
is not deleted (the bucket is outside the transaction: a migration rolled back after deleting
it would lose a file), but logged by key for an operator to remove. Nothing else refers to a
material: outbox messages, calendar feeds and the API name none.

Downgrade drops the index only; the deleted duplicates do not come back.

Revision ID: ed3747f3ddbd
Revises: c4d9e2a7f6b8
Create Date: 2026-12-05 09:00:00

"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "ed3747f3ddbd"
down_revision = "c4d9e2a7f6b8"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.materials")

materials = sa.table(
    "materials",
    sa.column("id"),
    sa.column("slot_id"),
    sa.column("sha256"),
    sa.column("filename"),
    sa.column("added_at"),
    sa.column("added_by"),
    sa.column("storage"),
    sa.column("storage_key"),
)
material_files = sa.table("material_files", sa.column("material_id"))


def upgrade():
    connection = op.get_bind()
    m = materials.c
    rows = connection.execute(
        sa.select(m.id, m.slot_id, m.sha256, m.filename, m.added_at, m.added_by, m.storage_key)
        .where(m.slot_id.is_not(None), m.sha256.is_not(None))
        .order_by(m.slot_id, m.sha256, m.added_at, m.id)
    ).all()
    kept: dict[tuple[int, str], int] = {}
    doomed: list[int] = []
    for row in rows:
        first = kept.setdefault((row.slot_id, row.sha256), row.id)
        if first == row.id:
            continue
        doomed.append(row.id)
        log.warning(
            "Slot %s: material %s (%r, added %s by %s) is the same file as material %s; "
            "deleted.",
            row.slot_id,
            row.id,
            row.filename,
            row.added_at,
            row.added_by,
            first,
        )
        if row.storage_key:
            log.warning("Its S3 object %s is left in the bucket.", row.storage_key)
    for start in range(0, len(doomed), 500):
        some = doomed[start : start + 500]
        connection.execute(sa.delete(material_files).where(material_files.c.material_id.in_(some)))
        connection.execute(sa.delete(materials).where(m.id.in_(some)))
    op.create_index("uq_materials_slot_sha256", "materials", ["slot_id", "sha256"], unique=True)


def downgrade():
    op.drop_index("uq_materials_slot_sha256", table_name="materials")
