"""Office contacts: focal points entered by co-leads or kept from a proposal with consent

Revision ID: b5d2e8f41c60
Revises: a7c2e4b91d03
Create Date: 2026-12-02 01:30:00

"""

import sqlalchemy as sa
from alembic import op


revision = "b5d2e8f41c60"
down_revision = "a7c2e4b91d03"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "office_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_code", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("language", sa.String(length=35), server_default="en", nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["office_code"], ["offices.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("office_code", "email"),
    )
    with op.batch_alter_table("office_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_office_contacts_office_code"), ["office_code"], unique=False
        )


def downgrade():
    with op.batch_alter_table("office_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_office_contacts_office_code"))
    op.drop_table("office_contacts")
