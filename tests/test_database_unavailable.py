"""A database that cannot be reached is a 503 with Retry-After and a message, as a page and as
JSON, and the app answers again by itself once the database is back."""

import contextlib
import os
import socket
import threading

import pytest
from flask_migrate import upgrade

from planner.app import create_app
from planner.extensions import db
from planner.http_errors import RETRY_AFTER, UNAVAILABLE

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
