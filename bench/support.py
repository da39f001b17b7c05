"""What every benchmark needs: an app on an empty, migrated database, and the real survey.

The database is SQLite in a temporary folder, or TEST_DATABASE_URL (such as the PostgreSQL that
scripts/with-postgres.sh starts).
"""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import MetaData, text

from planner.app import create_app
from planner.bootstrap import BUNDLED_ALIASES, DATA, seed_reference_data
from planner.extensions import db
from planner.survey.document import parse_document
from planner.survey.records import SurveyRecord


@contextmanager
def bench_app() -> Iterator[Flask]:
    """An app context on a fresh database with the schema and reference data."""
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            # An external database may hold an earlier benchmark's data: start from nothing.
            existing = MetaData()
            existing.reflect(db.engine)
            existing.drop_all(db.engine)
            upgrade()
            seed_reference_data()
            db.session.commit()
            yield app
            db.session.remove()


def settle() -> None:
    """After loading data, gather the planner statistics that PostgreSQL's autovacuum would
    gather a little later; reads are then measured in the steady state, not in the minute after
    an import (whose plans vary with when autovacuum happens to run)."""
    db.session.commit()
    if backend() == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def backend() -> str:
    return db.engine.url.get_backend_name()


def bundled_bytes() -> bytes:
    return (DATA / "CWS-13-26.txt").read_bytes()


def bundled_record() -> SurveyRecord:
    return parse_document(bundled_bytes(), "CWS-13-26.txt", aliases=BUNDLED_ALIASES)
