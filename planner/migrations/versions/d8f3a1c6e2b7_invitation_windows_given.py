"""When the presenter gave their availability on their own page

A presenter's windows stood in for their proposal's only while they had any: one who removed
every window the proposal gave saw them come back, still warned of (helper-67). The invitation
now keeps when its presenter saved their windows; from then on theirs stand, even none.
Invitations with windows stored already count as given then.

Revision ID: d8f3a1c6e2b7
Revises: c5e2b7a9d4f1
Create Date: 2026-12-03 08:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d8f3a1c6e2b7"
down_revision = "c5e2b7a9d4f1"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "invitations", sa.Column("windows_given_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.execute(
        "UPDATE invitations SET windows_given_at = invited_at WHERE EXISTS "
        "(SELECT 1 FROM availability_windows w WHERE w.invitation_id = invitations.id)"
    )


def downgrade():
    with op.batch_alter_table("invitations") as batch:
        batch.drop_column("windows_given_at")
