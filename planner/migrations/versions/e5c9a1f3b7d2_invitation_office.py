"""The office a presenter was invited for, kept on the invitation

A slot can be given to another office after its presenter was invited; the warning that says so
compares with the office they were invited for (not the one just before the last change, which
would warn again when the slot is set back). Existing invitations take their slot's office.

Revision ID: e5c9a1f3b7d2
Revises: d2b8f6a4c1e7
Create Date: 2026-12-02 14:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e5c9a1f3b7d2"
down_revision = "d2b8f6a4c1e7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invitations") as batch:
        batch.add_column(sa.Column("office_code", sa.String(length=2), nullable=True))
    invitations = sa.table("invitations", sa.column("slot_id"), sa.column("office_code"))
    slots = sa.table("slots", sa.column("id"), sa.column("office_code"))
    op.execute(
        invitations.update().values(
            office_code=sa.select(slots.c.office_code)
            .where(slots.c.id == invitations.c.slot_id)
            .scalar_subquery()
        )
    )


def downgrade():
    with op.batch_alter_table("invitations") as batch:
        batch.drop_column("office_code")
