"""Idempotency keys

A POST to the API sent with an `Idempotency-Key` header is kept with its answer for 24 hours, by
the account of its token (or, for a proposal sent without one, the client's address): the same
request sent again with the key (a retry after the answer was lost) is given that answer, and
nothing is done twice. Nothing to fill in: keys are kept from the upgrade on.

Revision ID: 2a85b71a8e43
Revises: ee66e53efa51
Create Date: 2026-12-06 14:39:39

"""

import sqlalchemy as sa
from alembic import op

from planner.db_types import UTCDateTime

revision = "2a85b71a8e43"
down_revision = "ee66e53efa51"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("answer", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint(
            "owner", "key_digest", name=op.f("uq_idempotency_keys_owner_key_digest")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_idempotency_keys_expires_at"), "idempotency_keys", ["expires_at"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_idempotency_keys_expires_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
