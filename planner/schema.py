"""Whether the database's schema is the one this release was written for: a table or column it
lacks, read as the migrations not run yet (`flask db upgrade`) or run by a newer release than
the one this process runs, by the revision the database records."""

import sqlite3
from functools import cache
from pathlib import Path
from typing import Literal

import psycopg
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

MIGRATIONS = Path(__file__).parent / "migrations"

Schema = Literal["behind", "ahead", "current"]


def not_migrated(error: BaseException | None) -> bool:
    """Whether the database's `error` says a table or column is not there: the migrations never
    ran, or not those of this version (or, the database upgraded by a newer release, one it
    dropped)."""
    if isinstance(error, DBAPIError):
        error = error.orig
    if isinstance(error, psycopg.errors.UndefinedTable | psycopg.errors.UndefinedColumn):
        return True
    said = str(error)
    return isinstance(error, sqlite3.OperationalError) and (
        said.startswith(("no such table", "no such column")) or " has no column named " in said
    )


@cache  # the release's migrations do not change while it runs
def _revisions() -> tuple[str, frozenset[str]]:
    """This release's newest migration, and every one it knows."""
    script = ScriptDirectory(str(MIGRATIONS))
    return script.get_current_head(), frozenset(s.revision for s in script.walk_revisions())


def head_revision() -> str:
    """This release's newest migration: the schema its models describe."""
    return _revisions()[0]


def recorded_revision(session: Session) -> str | None:
    """The migration the database says it is at; None if it was never migrated."""
    try:
        return session.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError as error:
        session.rollback()
        if not_migrated(error):
            return None
        raise


def state_at(revision: str | None) -> Schema:
    """Where a database recording `revision` (None: never migrated) stands against this
    release's migrations: "behind" (`flask db upgrade` not run yet), "ahead" (upgraded by a
    newer release: this process runs the one before) or "current"."""
    head, known = _revisions()
    if revision == head:
        return "current"
    return "behind" if revision is None or revision in known else "ahead"


def schema_state(session: Session) -> tuple[Schema, str | None]:
    """Where the database's schema stands (`state_at`), and the revision it records."""
    revision = recorded_revision(session)
    return state_at(revision), revision
