"""Mail settings: whether invitations are held for review

Revision ID: a3f5c8e1d902
Revises: f7d1a2c3b4e5
Create Date: 2026-12-02 02:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a3f5c8e1d902"
down_revision = "f7d1a2c3b4e5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mail_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hold_invitations", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade():
    op.drop_table("mail_settings")
