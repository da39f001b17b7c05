"""When an account's password was given: a one-time password lasts a week

A one-time password printed by `flask users create` or `flask users password` signed in months
later, as long as it was not changed (helper-194). One given before this change has no date of
its own: it is dated at the upgrade, so it lasts a week from then (helper-199: it signed in for
ever, though the README says a week). A password a co-lead chose needs none.

Revision ID: 1dd38583f37d
Revises: 7e2cafd3b340
Create Date: 2026-12-05 17:45:00

"""

from datetime import UTC, datetime

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
    users = sa.table(
        "users",
        sa.column("must_change_password", sa.Boolean()),
        sa.column("password_set_at", sa.DateTime(timezone=True)),
    )
    op.execute(
        users.update()
        .where(users.c.must_change_password)
        .values(password_set_at=datetime.now(UTC))
    )


def downgrade():
    # Rebuilt on SQLite: its ids stay never handed out twice (migration c7a4e2f9b1d6).
    with op.batch_alter_table("users", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("password_set_at")
