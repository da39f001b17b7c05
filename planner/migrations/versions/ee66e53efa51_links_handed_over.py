"""Presenters' links handed over

A presenter's private link ended because the co-leads invited someone else to present its slot
is kept by its digest, with the slot and the language the presenter's page was in: opened again,
it says the presentation is no longer theirs, rather than that the link may be mistyped or was
replaced (helper-250). Links handed over before the upgrade were not kept: they say what they
said.

Revision ID: ee66e53efa51
Revises: a4dde355d2dd
Create Date: 2026-12-06 08:10:13

"""

import sqlalchemy as sa
from alembic import op

from planner.db_types import UTCDateTime

revision = "ee66e53efa51"
down_revision = "a4dde355d2dd"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "handed_over_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_hash", sa.String(length=64), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("handed_over_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["slots.id"],
            name=op.f("fk_handed_over_links_slot_id_slots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handed_over_links")),
        sa.UniqueConstraint("link_hash", name=op.f("uq_handed_over_links_link_hash")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_handed_over_links_slot_id"), "handed_over_links", ["slot_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_handed_over_links_slot_id"), table_name="handed_over_links")
    op.drop_table("handed_over_links")
