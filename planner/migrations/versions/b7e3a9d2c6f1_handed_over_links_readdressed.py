"""A presenter's link handed over to the same person at another address

A presenter invited again under the same name at another address is the same person, their
address corrected: their old link, opened again, says so (the invitation goes to the address the
co-leads now have for them), not that the co-leads invited someone else. Links handed over
before the upgrade were handed to someone else, as far as anything recorded then says.

Revision ID: b7e3a9d2c6f1
Revises: 0b7c6f08783b
Create Date: 2026-12-07 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b7e3a9d2c6f1"
down_revision = "0b7c6f08783b"
branch_labels = None
depends_on = None


def upgrade():
    # Added, not rebuilt: on SQLite a rebuild would lose the table's AUTOINCREMENT.
    op.add_column(
        "handed_over_links",
        sa.Column("readdressed", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade():
    # The release before says of each such link that someone else was invited in their place.
    op.drop_column("handed_over_links", "readdressed")  # SQLite 3.35+: without a rebuild
