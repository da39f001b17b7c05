"""Shared fixtures: an app on a migrated database (SQLite or TEST_DATABASE_URL), clean per test."""

import functools
import os
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import MetaData, delete

from planner.app import create_app
from planner.bootstrap import load_bundled_survey, seed_reference_data
from planner.calendar.operations import cache as feed_cache
from planner.extensions import db
from tests.support import COLEAD_EMAIL, COLEAD_PASSWORD, sign_in


def pytest_report_header(config):
    return f"database: {os.environ.get('TEST_DATABASE_URL') or 'SQLite (temporary file)'}"


class ServerLikeClient(FlaskClient):
    """Each request in an application context of its own, as under a real server.

    Tests hold an app context to use the database between requests; Flask would otherwise run
    the request inside it, sharing `g` (the signed-in user, the CSRF token) and the database
    session between the test and every client in it.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'planner-test.sqlite3'}"
    )
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret-key",
            "BASE_URL": "http://localhost",  # where the test client's requests go
        }
    )
    app.test_client_class = ServerLikeClient
    with app.app_context():
        # Start from an empty database, then build the schema through the migrations.
        existing = MetaData()
        existing.reflect(db.engine)
        existing.drop_all(db.engine)
        upgrade()
    return app


@pytest.fixture(autouse=True)
def _feeds_answer_at_once(request, monkeypatch):
    """A feed asked for within a second of a change waits for that second to end, so that its
    Last-Modified stays true (planner/calendar/views.py, SETTLE). Only the tests of dates and
    conditional requests need that wait (`@pytest.mark.settle`); in the others it is a second of
    sleep per edit, and the feeds' content is the same without it."""
    if "app" in request.fixturenames and request.node.get_closest_marker("settle") is None:
        monkeypatch.setattr("planner.calendar.views.SETTLE", timedelta(0))


@pytest.fixture(autouse=True)
def _clean_database(request):
    """A test that uses the app (directly or through a fixture) starts with only the reference
    data (offices, recommendations); a test of a pure module touches no database at all."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        seed_reference_data()
        db.session.commit()
    yield
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()
        db.session.remove()
    # Feeds are cached by the agenda's change time, which only moves forward in a real
    # database; wiping it between tests can repeat a time, so the cache goes too.
    feed_cache.entries.clear()


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield


@pytest.fixture
def survey(app_context):
    """The bundled CWS/13/26 survey, imported as `make run` imports it."""
    survey = load_bundled_survey().survey
    db.session.commit()
    return survey


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


@functools.cache
def colead_password_hash() -> str:
    """The co-lead's password hashed once per test run, with scrypt at a lower work factor than
    the app's (n=2^10 rather than 2^15: about 3 ms a check instead of 100, over hundreds of
    sign-ins). Signing in still checks it through the app's own code, as on any day; the hash
    names its parameters, so the check reads them from it."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(COLEAD_PASSWORD, method="scrypt:1024:8:1")


@pytest.fixture
def colead(app_context):
    """A co-lead account with a password of its own."""
    from planner.accounts.models import User

    user = User(email=COLEAD_EMAIL, role="colead", password_hash=colead_password_hash())
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def colead_client(app, colead):
    """A test client of its own (so `client` stays anonymous in the same test), signed in as a
    co-lead, as a person would sign in, that also sends the co-lead's API token, as a script
    would, for the API (which does not trust the cookie)."""
    from planner.accounts.models import ApiToken

    client = app.test_client()
    response = sign_in(client)
    assert response.status_code == 302, response.get_data(as_text=True)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(colead)}"
    db.session.commit()
    return client
