"""Ids never reused on SQLite, as on PostgreSQL

SQLite gives a new row the highest id plus one: delete the newest meeting, slot or message and
the next one made takes its id. A page or form opened on the deleted one then acts on the new
one ("Delete" from an old tab deleted a colleague's new draft; an old "Discard" threw away
another invitation). PostgreSQL's sequences never hand an id out twice. On SQLite, every table
with a surrogate integer id is rebuilt with AUTOINCREMENT, which does the same. Nothing is done
on PostgreSQL.

The rebuild follows SQLite's own procedure for schema changes (sqlite.org/lang_altertable.html,
"other kinds of table schema changes"): foreign keys are off while migrating (env.py), the table
is made again from its stored CREATE TABLE text with only the primary key written the other way,
its rows copied, the old one dropped, the new one renamed, its indexes made again.

Revision ID: c7a4e2f9b1d6
Revises: b6d2e8f4a1c3
Create Date: 2026-12-03 12:00:00

"""

import re

from alembic import op

revision = "c7a4e2f9b1d6"
down_revision = "b6d2e8f4a1c3"
branch_labels = None
depends_on = None

# Every table whose primary key is a surrogate integer `id`.
TABLES = (
    "answers",
    "api_tokens",
    "availability_windows",
    "calendar_removed_events",
    "invitations",
    "lineups",
    "mail_settings",
    "match_marks",
    "materials",
    "meeting_series",
    "meetings",
    "office_contacts",
    "outbox",
    "proposal_events",
    "proposals",
    "respondents",
    "scoring_weights",
    "slots",
    "survey_warnings",
    "surveys",
    "throttle_events",
    "unsubscriptions",
    "users",
)


def _rebuild(connection, table: str, rewrite) -> None:
    sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar_one()
    indexes = [
        row[0]
        for row in connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table,),
        )
    ]
    made = rewrite(table, sql)
    if made is None:
        return  # already as wanted
    temporary = f"_rebuilt_{table}"
    created = re.sub(
        rf'^CREATE TABLE "?{re.escape(table)}"?', f'CREATE TABLE "{temporary}"', made, count=1
    )
    connection.exec_driver_sql(created)
    connection.exec_driver_sql(f'INSERT INTO "{temporary}" SELECT * FROM "{table}"')
    connection.exec_driver_sql(f'DROP TABLE "{table}"')
    connection.exec_driver_sql(f'ALTER TABLE "{temporary}" RENAME TO "{table}"')
    for index in indexes:
        connection.exec_driver_sql(index)


def _with_autoincrement(table: str, sql: str) -> str | None:
    if "AUTOINCREMENT" in sql:
        return None
    name = f"pk_{table}"
    column = re.compile(r"(\n\s*)id INTEGER NOT NULL,")
    # The key among the table's constraints ("…, CONSTRAINT pk_x PRIMARY KEY (id), …"), or last.
    keys = (
        re.compile(rf"CONSTRAINT {name} PRIMARY KEY \(id\),\s*"),
        re.compile(rf",\s*CONSTRAINT {name} PRIMARY KEY \(id\)(?=\s*\)\s*$)"),
    )
    key = next((k for k in keys if k.search(sql)), None)
    if key is None or not column.search(sql):
        raise RuntimeError(f"The table {table} is not as expected: {sql[:300]}")
    sql = key.sub("", sql, count=1)
    return column.sub(
        rf"\1id INTEGER NOT NULL CONSTRAINT {name} PRIMARY KEY AUTOINCREMENT,", sql, count=1
    )


def _without_autoincrement(table: str, sql: str) -> str | None:
    name = f"pk_{table}"
    column = re.compile(rf"(\n\s*)id INTEGER NOT NULL CONSTRAINT {name} PRIMARY KEY AUTOINCREMENT,")
    if not column.search(sql):
        return None
    sql = column.sub(r"\1id INTEGER NOT NULL,", sql, count=1)
    # The key goes back where SQLAlchemy writes it: first of the table's constraints, or last.
    if re.search(r"\n\s*CONSTRAINT ", sql):
        return re.sub(
            r"(\n\s*)CONSTRAINT ",
            rf"\1CONSTRAINT {name} PRIMARY KEY (id), \1CONSTRAINT ",
            sql,
            count=1,
        )
    return re.sub(r"\s*\)\s*$", f", \n\tCONSTRAINT {name} PRIMARY KEY (id)\n)", sql, count=1)


def _each_table(rewrite) -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    for table in TABLES:
        _rebuild(connection, table, rewrite)


def upgrade():
    _each_table(_with_autoincrement)


def downgrade():
    _each_table(_without_autoincrement)
