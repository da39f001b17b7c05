"""The survey whose answers a co-lead read when marking a pair

Marks are kept by offices, not by answers, so one made on last year's answers goes on ranking
this year's pairs; the matches say which round it was made on, for co-leads to check that it
still holds (helper-208). A mark made before this change has none recorded.

Revision ID: a9d3c5e7f208
Revises: 5b2e8c1d9f47
Create Date: 2026-12-05 23:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a9d3c5e7f208"
down_revision = "5b2e8c1d9f47"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("match_marks", sa.Column("survey_label", sa.String(100), nullable=True))


def downgrade():
    # Rebuilt on SQLite: its ids stay never handed out twice (migration c7a4e2f9b1d6).
    with op.batch_alter_table("match_marks", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("survey_label")
