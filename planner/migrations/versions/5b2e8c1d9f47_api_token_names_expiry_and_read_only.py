"""API tokens get a name, an expiry and, if made so, read only

A co-lead makes, lists and revokes their tokens on their account page, each named ("laptop
script") and working 7 to 365 days. A token made before has no expiry, honestly: the scripts
holding it were promised one that lasts until revoked, and ending it at the upgrade would stop
them unannounced. It keeps none, and the account page lists it as made before tokens expired,
with no name, for its co-lead to revoke once its scripts have a new one. No token made from now
on lasts for ever. Every token made before can write, as it could.

Revision ID: 5b2e8c1d9f47
Revises: 5e8b3d1a7c42
Create Date: 2026-12-05 20:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5b2e8c1d9f47"
down_revision = "5e8b3d1a7c42"
branch_labels = None
depends_on = None


def upgrade():
    # Added, not rebuilt: on SQLite a rebuild would lose the table's AUTOINCREMENT.
    op.add_column(
        "api_tokens", sa.Column("name", sa.String(length=100), nullable=False, server_default="")
    )
    op.add_column("api_tokens", sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "api_tokens",
        sa.Column("read_only", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade():
    # The release before knows no expiry and no read-only token: each token made since the
    # upgrade would work for ever there, and write, whatever it was made for (an expired one
    # would come back to life). They are revoked; those made before work on as they did.
    tokens = sa.table(
        "api_tokens",
        sa.column("expires_at", sa.DateTime(timezone=True)),
        sa.column("read_only", sa.Boolean()),
        sa.column("revoked_at", sa.DateTime(timezone=True)),
    )
    now = sa.func.current_timestamp()
    op.execute(
        tokens.update()
        .where(tokens.c.revoked_at.is_(None))
        .where(sa.or_(tokens.c.expires_at.is_not(None), tokens.c.read_only))
        .values(revoked_at=now)
    )
    for column in ("read_only", "expires_at", "name"):
        op.drop_column("api_tokens", column)  # SQLite 3.35+ drops a column without a rebuild
