"""What every benchmark needs: an app on an empty, migrated database, the real survey, and the
co-lead, contacts and measures the benchmarks of years of planning share.

The database is SQLite in a temporary folder, or TEST_DATABASE_URL (such as the PostgreSQL that
scripts/with-postgres.sh starts).
"""

import os
import re
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import MetaData, event, select, text

from planner.accounts.models import ApiToken, User
from planner.app import create_app
from planner.bootstrap import BUNDLED_ALIASES, DATA, seed_reference_data
from planner.extensions import db
from planner.offices.models import OfficeContact
from planner.survey.document import parse_document
from planner.survey.records import SurveyRecord

COLEAD, PASSWORD = "colead@example.org", "correct horse battery staple"


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


def add_colead() -> None:
    """The co-lead the benchmark acts as, with a password to sign in with."""
    user = User(email=COLEAD, role="colead", password_hash="!")
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()


def with_token(client: FlaskClient) -> FlaskClient:
    """`client`, its requests carrying an API token of the co-lead."""
    user = db.session.scalar(select(User).where(User.email == COLEAD))
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(user)}"
    db.session.commit()
    return client


def signed_in(app: Flask) -> FlaskClient:
    """A client signed in as the co-lead through the login form, as a browser is."""
    client = app.test_client()
    login = fresh_get(client, "/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login)[1]
    answer = client.post(
        "/login", data={"csrf_token": token, "email": COLEAD, "password": PASSWORD}
    )
    assert answer.status_code == 302, answer.status_code
    return client


def add_contacts(codes: list[str]) -> None:
    """Two contacts an office, as a co-lead enters them."""
    for i, code in enumerate(codes):
        for k in range(2):
            db.session.add(
                OfficeContact(
                    office_code=code,
                    name=f"Contact {k} of {code}",
                    email=f"contact{k}.{i}@{code.lower()}.example",
                    role="head of IT",
                    source=f"entered by {COLEAD}",
                )
            )
    db.session.commit()


def fresh_get(client: FlaskClient, url: str, headers: dict | None = None):
    """`url` as a server meets it: the requests of a benchmark share its app context, and with it
    `g`, where Flask-Login keeps who is signed in and Flask-WTF the CSRF token, and its session,
    which would keep what earlier requests loaded (a server's request starts with an empty one)."""
    db.session.remove()
    g.pop("_login_user", None)
    g.pop("csrf_token", None)
    return client.get(url, headers=headers or {})


def counted(client: FlaskClient, url: str, runs: int) -> tuple[int, int, float, int]:
    """(HTTP status, SQL statements, median ms, bytes) of `fresh_get(client, url)`."""
    fresh_get(client, url)  # caches warm, as every request after the first
    statements = []

    def count(*_args) -> None:
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = fresh_get(client, url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fresh_get(client, url)
        times.append(time.perf_counter() - start)
    return (
        response.status_code,
        len(statements),
        statistics.median(times) * 1000,
        len(response.data),
    )
