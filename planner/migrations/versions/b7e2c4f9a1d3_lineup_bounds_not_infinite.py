"""Line-ups saved with an infinite bound keep none

A search cut short before it found any bound answered an infinite one, which a line-up's result
stored as JSON's non-standard Infinity (and its gap as 0, its price of the rules as NaN or 0):
PostgreSQL's json refused the line-up, SQLite kept it. Results now carry null for a bound not
found; those stored before are read the same way: every number that is not finite becomes null.

Revision ID: b7e2c4f9a1d3
Revises: a2c8e5f1b7d4
Create Date: 2026-12-03 23:40:00

"""

import json
import math

import sqlalchemy as sa
from alembic import op

revision = "b7e2c4f9a1d3"
down_revision = "a2c8e5f1b7d4"
branch_labels = None
depends_on = None


def _finite(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        return  # its json never took a number that is not finite
    lineups = sa.table("lineups", sa.column("id"), sa.column("result", sa.UnicodeText()))
    result = lineups.c.result
    found = bind.execute(
        sa.select(lineups.c.id, result).where(
            sa.or_(result.contains("Infinity"), result.contains("NaN"))
        )
    ).all()
    for key, text in found:
        cleaned = json.dumps(_finite(json.loads(text)))
        if cleaned != text:
            bind.execute(sa.update(lineups).where(lineups.c.id == key).values(result=cleaned))


def downgrade():
    pass  # null is what a bound not found reads as, before this revision too
