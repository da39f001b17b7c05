"""A volunteer's consent and language kept on the proposal

The office contact a volunteer consented to is made when a co-lead accepts the proposal, not when
it is sent: an unreviewed proposal no longer adds (or changes) an office's contact. Proposals sent
before keep no consent: their contacts were made when they were sent.

Revision ID: f3a7c2e9d1b4
Revises: e5c9a1f3b7d2
Create Date: 2026-12-02 16:15:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f3a7c2e9d1b4"
down_revision = "e5c9a1f3b7d2"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN on every database: a batch operation would rebuild the table on SQLite
    # (a default given as an expression), which is never needed to add a column.
    op.add_column(
        "proposals",
        sa.Column("contact_consent", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("proposals", sa.Column("contact_language", sa.String(length=35), nullable=True))


def downgrade():
    with op.batch_alter_table("proposals") as batch:
        batch.drop_column("contact_language")
        batch.drop_column("contact_consent")
