"""Materials of slots and meetings (files in the database or an S3 store, links), and when a
meeting's materials are public

Revision ID: c6e9a3d7f2b1
Revises: b5d2e8f41c60
Create Date: 2026-12-02 01:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c6e9a3d7f2b1"
down_revision = "b5d2e8f41c60"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "materials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("file_type", sa.String(length=10), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("storage", sa.String(length=20), nullable=True),
        sa.Column("storage_key", sa.String(length=200), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["slot_id"], ["slots.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("materials", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_materials_meeting_id"), ["meeting_id"])
        batch_op.create_index(batch_op.f("ix_materials_slot_id"), ["slot_id"])
    op.create_table(
        "material_files",
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["material_id"], ["materials.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("material_id"),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "materials_public", sa.String(length=20), server_default="after", nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("materials_public")
    op.drop_table("material_files")
    with op.batch_alter_table("materials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_materials_slot_id"))
        batch_op.drop_index(batch_op.f("ix_materials_meeting_id"))
    op.drop_table("materials")
