"""When an account's password was given: a one-time password lasts a week

A one-time password printed by `flask users create` or `flask users password` signed in months
later, as long as it was not changed (helper-194). Passwords given before this change have no
date, and keep working until changed, as before.

Revision ID: 1dd38583f37d
Revises: 7e2cafd3b340
Create Date: 2026-12-05 17:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "1dd38583f37d"
down_revision = "7e2cafd3b340"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "users", sa.Column("password_set_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("password_set_at")
