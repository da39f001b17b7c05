"""Presenter links made from a salt, so reminders and updates can carry them again

Revision ID: b8e4d1c7a2f6
Revises: a3f5c8e1d902
Create Date: 2026-12-02 03:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b8e4d1c7a2f6"
down_revision = "a3f5c8e1d902"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invitations") as batch:
        batch.add_column(sa.Column("link_salt", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("invitations") as batch:
        batch.drop_column("link_salt")
