"""Stored text without the characters input now refuses: bidirectional formatting, non-characters

Embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069) show text in another
order than it is written, and U+FFFE and U+FFFF are no characters at all; forms and the API
refuse them since this revision. Text stored before may hold one, invisible, which would make an
unrelated edit of the same record fail: every text column loses them (they carry no letters of
their own, so nothing readable is lost).

A value is left as it was where removing them would leave nothing (a title made of them alone)
or would make it equal to another row's under a uniqueness rule (two series titled "S" and
"S" with an override): each row is changed in a savepoint of its own, so one such row never
stops the upgrade. Line-ups' saved results (JSON) are read through `planner.text.readable` when
used.

Revision ID: d2b8f6a4c1e7
Revises: c9f2a6e3d4b1
Create Date: 2026-12-02 13:40:00

"""

import re

import sqlalchemy as sa
from alembic import op

revision = "d2b8f6a4c1e7"
down_revision = "c9f2a6e3d4b1"
branch_labels = None
depends_on = None

REFUSED = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFFFE, 0xFFFF)]
_REFUSED = re.compile("[" + "".join(REFUSED) + "]")


def upgrade():
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        keys = inspector.get_pk_constraint(table).get("constrained_columns") or []
        if not keys or _empty(bind, table):
            continue
        for column in inspector.get_columns(table):
            if not isinstance(column["type"], sa.String):  # Text and VARCHAR are Strings
                continue
            _clean(bind, table, keys, column["name"])


def _empty(bind, table: str) -> bool:
    """Whether a table holds no row: nothing to clean, and no query of each of its text columns
    to write (on a new database, written for every column of every table, they were half the
    time its first `db upgrade` took)."""
    return (
        bind.execute(sa.select(sa.literal(1)).select_from(sa.table(table)).limit(1)).first() is None
    )


def _clean(bind, table: str, keys: list[str], name: str) -> None:
    value = sa.column(name, sa.UnicodeText())
    rows = sa.table(table, value, *(sa.column(k) for k in keys))
    found = bind.execute(
        sa.select(*(rows.c[k] for k in keys), value).where(
            sa.or_(*(value.contains(char, autoescape=True) for char in REFUSED))
        )
    ).all()
    for *key, text in found:
        cleaned = _REFUSED.sub("", text)
        if not cleaned.strip():
            continue  # nothing would be left: the value stays, to be retyped
        match = sa.and_(*(rows.c[k] == v for k, v in zip(keys, key, strict=True)))
        savepoint = bind.begin_nested()
        try:
            bind.execute(rows.update().where(match).values({name: cleaned}))
        except sa.exc.IntegrityError:
            savepoint.rollback()  # another row already holds the cleaned value: this one stays
        else:
            savepoint.commit()


def downgrade():
    pass  # what was removed was refused input: nothing to put back
