"""When first start loaded the bundled survey: loaded once, not again after a co-lead deleted it

`flask setup` (run by `make run` at every start) imported CWS/13/26 whenever no survey was
stored; now that a co-lead can delete a survey, the next start brought it back. A database
that holds a survey already had its first start.

Revision ID: e9a4c6b2d8f1
Revises: d3f8b2a6c1e9
Create Date: 2026-12-03 17:30:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from planner.db_types import UTCDateTime

revision = "e9a4c6b2d8f1"
down_revision = "d3f8b2a6c1e9"
branch_labels = None
depends_on = None


def upgrade():
    loads = op.create_table(
        "bundled_survey_loads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("loaded_at", UTCDateTime(), nullable=False),
        sqlite_autoincrement=True,  # ids never handed out twice (migration c7a4e2f9b1d6)
    )
    if op.get_bind().execute(sa.text("SELECT id FROM surveys LIMIT 1")).first() is not None:
        op.bulk_insert(loads, [{"id": 1, "loaded_at": datetime.now(UTC)}], multiinsert=False)


def downgrade():
    op.drop_table("bundled_survey_loads")
