"""A database that cannot be reached is a 503 with Retry-After and a message, as a page and as
JSON, and the app answers again by itself once the database is back."""

import contextlib
import logging
import os
import socket
import threading

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from planner.app import create_app
from planner.extensions import db
from planner.http_errors import (
    COLLIDED,
    NOT_RESTARTED,
    NOT_UPGRADED,
    RETRY_AFTER,
    UNAVAILABLE,
    UPGRADE_RETRY_AFTER,
)
from tests.support import csrf_token, database_of_its_own, session_csrf_token

NOT_MIGRATED = (
    "The database lacks a table or column this version of the app needs (it is not migrated to "
    "it yet): run `flask --app app db upgrade`."
)


def _app(url: str):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _assert_unavailable(client) -> None:
    page = client.get("/surveys")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == str(RETRY_AFTER)
    assert "cannot be reached right now" in page.get_data(as_text=True)
    api = client.get("/api/v1/surveys")
    assert api.status_code == 503
    assert api.headers["Retry-After"] == str(RETRY_AFTER)
    assert api.get_json() == {
        "error": "Service Unavailable",
        "status": 503,
        "message": UNAVAILABLE,
    }


def test_a_postgresql_server_that_refuses_connections_is_a_503():
    # Nothing listens on this port: the connection is refused at once.
    app = _app(f"postgresql+psycopg://planner@127.0.0.1:{_free_port()}/planner")
    _assert_unavailable(app.test_client())


def test_an_sqlite_file_that_cannot_be_opened_is_a_503_until_it_can(tmp_path):
    folder = tmp_path / "not-yet"
    app = _app(f"sqlite:///{folder / 'planner.sqlite3'}")
    client = app.test_client()
    _assert_unavailable(client)
    folder.mkdir()  # the volume is mounted again: no restart needed
    with app.app_context():
        upgrade()
    assert client.get("/surveys").status_code == 200
    assert client.get("/api/v1/surveys").get_json() == {"surveys": []}


class _Link:
    """A TCP relay to the test's PostgreSQL server that can be cut and restored, as a database
    restart or a network failure would cut it, without stopping the shared server."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                end.close()

    def cut(self) -> None:
        self.up = False
        for end in self.sockets:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
        self.sockets.clear()

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs the PostgreSQL test server",
)
@pytest.mark.committed  # an instance of its own, through a proxy
def test_a_postgresql_server_that_goes_away_is_a_503_and_the_app_recovers(app, survey):
    url = db.engine.url
    link = _Link(url.host, url.port)
    other = _app(url.set(host="127.0.0.1", port=link.port).render_as_string(hide_password=False))
    other.test_client_class = app.test_client_class
    client = other.test_client()
    try:
        assert client.get("/surveys").status_code == 200  # a pooled connection is open
        link.cut()
        _assert_unavailable(client)
        link.up = True
        assert client.get("/surveys").status_code == 200
        assert client.get("/api/v1/surveys").status_code == 200
    finally:
        with other.app_context():
            db.session.remove()
            db.engines[None].dispose()
        link.close()


def test_a_command_says_the_database_cannot_be_reached_or_has_no_tables(tmp_path):
    """helper-183: `flask db upgrade`, `setup` and every other command printed SQLAlchemy's
    traceback when DATABASE_URL named a server that was down, a database that is not there, or a
    database not migrated yet."""
    away = _app(f"postgresql+psycopg://planner:secret@127.0.0.1:{_free_port()}/planner")
    missing = _app(f"sqlite:///{tmp_path / 'missing' / 'planner.sqlite3'}")
    for app in (away, missing):
        for command in (["db", "upgrade"], ["setup"], ["survey", "list"]):
            result = app.test_cli_runner().invoke(args=command)
            assert result.exit_code == 1, result.output
            assert result.output.startswith("Error: The database cannot be reached: ")
            assert "Traceback" not in result.output and "secret" not in result.output
    empty = _app(f"sqlite:///{tmp_path / 'planner.sqlite3'}")
    result = empty.test_cli_runner().invoke(args=["users", "create", "--email", "a@example.org"])
    assert result.exit_code == 1, result.output
    assert NOT_MIGRATED in result.output


def test_a_command_before_the_upgrade_says_to_migrate(tmp_path):
    """helper-199: new code on a database of the release before (its new column not there yet):
    `flask users password` and the rest printed SQLAlchemy's traceback, where a database never
    migrated is told to run `db upgrade`."""
    app = _app(f"sqlite:///{tmp_path / 'planner.sqlite3'}")
    with app.app_context():
        upgrade(revision="7e2cafd3b340")  # the release before `users.password_set_at`
        db.engine.dispose()
    for command in ("create", "password"):
        result = app.test_cli_runner().invoke(args=["users", command, "--email", "a@example.org"])
        assert result.exit_code == 1, result.output
        assert NOT_MIGRATED in result.output and "Traceback" not in result.output


class _Said(logging.Handler):
    """What an app logs, kept here: Alembic's logging set-up, run by each upgrade, takes
    pytest's handler off the root logger."""

    def __init__(self) -> None:
        super().__init__()
        self.said: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.said.append(record.getMessage())


@pytest.mark.committed  # databases of their own (`app`: on PostgreSQL too)
def test_pages_and_the_api_before_the_upgrade_say_the_database_needs_it(app, tmp_path):
    """helper-202: new code served on a database of the release before it (`flask db upgrade`
    not run yet, as the README's upgrade runs it after `git pull`) answered 500, "Something
    went wrong on our side", and logged a traceback on every request. Now pages and the API say
    the database needs `flask db upgrade`, with 503 and Retry-After, logged once, and answer as
    before once it is run."""
    with database_of_its_own(tmp_path) as url:
        new = _app(url)
        new.test_client_class = app.test_client_class
        client = new.test_client()
        # Never migrated: an anonymous visitor's page.
        page = client.get("/surveys")
        assert page.status_code == 503, page.get_data(as_text=True)[:300]
        assert page.headers["Retry-After"] == str(UPGRADE_RETRY_AFTER)
        assert "the database needs `flask db upgrade`" in page.get_data(as_text=True)
        with new.app_context():
            upgrade(revision="7e2cafd3b340")  # the release before `users.password_set_at`
        log = _Said()
        new.logger.addHandler(log)
        # A co-lead signing in (`users` is read) and a script's call with a token, several
        # times: each is told, the log once.
        for _ in range(3):
            page = client.post(
                "/login",
                data={
                    "email": "ana@example.org",
                    "password": "a password of hers",
                    "csrf_token": csrf_token(client, "/login"),
                },
            )
            assert page.status_code == 503
            assert page.headers["Retry-After"] == str(UPGRADE_RETRY_AFTER)
            assert "flask db upgrade" in page.get_data(as_text=True)
            api = client.get("/api/v1/meetings", headers={"Authorization": "Bearer cwsp_x"})
            assert api.status_code == 503
            assert api.headers["Retry-After"] == str(UPGRADE_RETRY_AFTER)
            assert api.get_json() == {
                "error": "Service Unavailable",
                "status": 503,
                "message": NOT_UPGRADED,
            }
        assert len(log.said) == 1, log.said  # no traceback, nor "Unhandled error"
        assert log.said[0].startswith("The database's schema is at migration 7e2cafd3b340")
        assert "run `flask --app app db upgrade`" in log.said[0]
        with new.app_context():
            upgrade()
        assert client.get("/meetings").status_code == 200
        api = client.get("/api/v1/meetings", headers={"Authorization": "Bearer cwsp_x"})
        assert api.status_code == 401
        with new.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.committed  # a database of its own (`app`: on PostgreSQL too)
def test_a_column_missing_after_the_upgrade_says_to_restart_or_is_a_fault(app, tmp_path):
    """An instance not restarted after `db upgrade` (the database at a revision this release
    does not know, a column the new release dropped) is told to restart, not to upgrade; a
    column missing from a database at this release's own revision is a fault, the 500 it was."""
    with database_of_its_own(tmp_path) as url:
        new = _app(url)
        client = new.test_client()
        with new.app_context():
            upgrade()
            head = db.session.scalar(text("SELECT version_num FROM alembic_version"))
            db.session.execute(text("ALTER TABLE users DROP COLUMN password_set_at"))
            db.session.commit()
        for recorded, status, said in (
            ("f00dfeedbeef", 503, NOT_RESTARTED),  # a newer release's migration
            (head, 500, "Something went wrong on our side"),
        ):
            with new.app_context():
                revision = text("UPDATE alembic_version SET version_num = :revision")
                db.session.execute(revision, {"revision": recorded})
                db.session.commit()
            api = client.get("/api/v1/meetings", headers={"Authorization": "Bearer cwsp_x"})
            assert api.status_code == status
            assert said in api.get_json()["message"]
        with new.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.committed  # a database of its own (`app`: on PostgreSQL too)
def test_a_command_on_a_database_a_newer_release_upgraded_says_to_run_that_release(app, tmp_path):
    """A command of the release before, run on a database a newer release upgraded (its
    migration unknown here, a column this release reads gone), was told to run `db upgrade`,
    which only fails there: it is told what the pages say, that a newer release holds the
    database; a database at this release's own migration that lacks a column is no upgrade to
    run either."""
    with database_of_its_own(tmp_path) as url:
        new = _app(url)
        with new.app_context():
            upgrade()
            head = db.session.scalar(text("SELECT version_num FROM alembic_version"))
            db.session.execute(text("ALTER TABLE users DROP COLUMN password_set_at"))
            db.session.commit()
        for recorded, said in (
            ("f00dfeedbeef", "a newer release upgraded it, to migration f00dfeedbeef"),
            (head, f"though it records this version's last migration ({head})"),
        ):
            with new.app_context():
                revision = text("UPDATE alembic_version SET version_num = :revision")
                db.session.execute(revision, {"revision": recorded})
                db.session.commit()
            result = new.test_cli_runner().invoke(
                args=["users", "password", "--email", "a@example.org"]
            )
            assert result.exit_code == 1, result.output
            assert said in result.output and "Traceback" not in result.output
            assert "run `flask --app app db upgrade`" not in result.output
        with new.app_context():
            db.session.remove()
            db.engine.dispose()


def _deadlocked(*args, **kwargs):
    """What a view's commit raises when PostgreSQL ends its transaction as one of two that
    waited on each other (helper-334 saw it live between two instances: a 503 "cannot be
    reached" for what was a collision)."""
    raise OperationalError(
        "UPDATE meetings SET …", {}, psycopg.errors.DeadlockDetected("deadlock detected")
    )


def test_a_save_ended_by_a_deadlock_is_a_conflict_to_save_again_not_an_outage(
    app, colead_client, monkeypatch
):
    monkeypatch.setitem(app.view_functions, "agenda.new", _deadlocked)
    monkeypatch.setitem(app.view_functions, "agenda_api.create", _deadlocked)
    page = colead_client.post(
        "/meetings/new",
        data={"csrf_token": session_csrf_token(colead_client), "title": "Rec 10 workshop"},
        headers={"Origin": "http://localhost"},
    )
    assert page.status_code == 409 and "Retry-After" not in page.headers
    text = page.get_data(as_text=True)
    assert COLLIDED in text and "cannot be reached" not in text
    assert "Rec 10 workshop" in text  # what was typed is shown, to copy
    api = colead_client.post("/api/v1/meetings", json={"title": "Rec 10 workshop"})
    assert api.status_code == 409
    assert api.get_json()["message"] == COLLIDED
