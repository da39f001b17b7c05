"""Stored text without bidirectional formatting characters, which input now refuses

Embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069) show text in another
order than it is written; forms and the API refuse them since this revision. Text stored before
may hold one, invisible, which would make an unrelated edit of the same record fail: every text
column loses them (they carry no letters of their own, so nothing readable is lost).

Revision ID: d2b8f6a4c1e7
Revises: c9f2a6e3d4b1
Create Date: 2026-12-02 13:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d2b8f6a4c1e7"
down_revision = "c9f2a6e3d4b1"
branch_labels = None
depends_on = None

FORMATTING = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]


def upgrade():
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        for column in inspector.get_columns(table):
            if not isinstance(column["type"], sa.String):  # Text and VARCHAR are Strings
                continue
            name = sa.column(column["name"], sa.UnicodeText())
            cleaned = name
            for char in FORMATTING:
                cleaned = sa.func.replace(cleaned, char, "")
            bind.execute(
                sa.table(table, name)
                .update()
                .where(sa.or_(*(name.contains(char, autoescape=True) for char in FORMATTING)))
                .values({column["name"]: cleaned})
            )


def downgrade():
    pass  # what was removed was refused input: nothing to put back
