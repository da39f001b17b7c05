"""Shared fixtures: an app on a migrated database (SQLite or TEST_DATABASE_URL), each test in a
transaction of its own that is rolled back after it."""

import functools
import gc
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from flask import current_app
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from jinja2 import BytecodeCache
from sqlalchemy import MetaData, event, func, insert, select
from sqlalchemy import inspect as sa_inspect

from planner.app import Planner, create_app
from planner.bootstrap import bundled_record, seed_reference_data
from planner.calendar.operations import cache as feed_cache
from planner.extensions import db
from planner.survey.operations import import_record
from tests import statements
from tests.support import COLEAD_EMAIL, COLEAD_PASSWORD, reset_database, sign_in


def pytest_report_header(config):
    database = os.environ.get("TEST_DATABASE_URL")
    if not database:
        return "database: SQLite (temporary file)"
    if os.environ.get("PLANNER_POSTGRESQL_EVERY_TEST"):
        return f"database: {database}, every test that uses it"
    return (
        f"database: {database}, leaving out the tests whose statements others send "
        f"({statements.LEFT_OUT.name}, tests/statements.py)"
    )


def pytest_configure(config):
    statements.install(config)
    # Python's collector of reference cycles runs after every 700 objects made and not yet
    # freed: each request and each query makes thousands, so it ran some 2,000 times in a
    # folder's tests, going through every object the run holds (the app, its modules, the
    # database's metadata), for 6 to 8% of the run's time. Every 50,000 it runs some 50 times
    # and collects the same cycles, the run's memory no larger (helper-287).
    gc.set_threshold(50_000, 20, 10)


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL (`make test` runs the suite on SQLite beside it) only the tests that use the
    app's database: a test of a pure module (a parser, the scorer, the solver) would pass or fail
    the same way on both, so the SQLite run is where it runs. So is a module of many
    combinations of the same flows (`one_database`): each step's queries run on PostgreSQL in
    the tests of that step. And so is a test whose every statement, with every kind of value,
    other tests send on PostgreSQL too (tests/statements.py), unless
    PLANNER_POSTGRESQL_EVERY_TEST is set."""
    _keep_share(config, items)
    if not os.environ.get("TEST_DATABASE_URL"):
        return
    out = frozenset() if os.environ.get("PLANNER_POSTGRESQL_EVERY_TEST") else statements.left_out()
    sqlite_only = [
        item
        for item in items
        if not statements.runs_on_postgresql(item)
        or (item.nodeid in out and not statements.must_run(item))
    ]
    _deselect(config, items, sqlite_only)


def _keep_share(config, items) -> None:
    """With PLANNER_TEST_SHARE=k/n, only the k-th of n shares of the test modules:
    `make test` runs the SQLite suite as two processes, one a core, beside the PostgreSQL and
    browser runs. A module stays whole (its fixtures are built once); the largest modules are
    dealt first, each to the share with the fewest tests so far, so that the shares end
    together (dealt in turn, one had 1,498 tests and the other 1,032)."""
    share = os.environ.get("PLANNER_TEST_SHARE")
    if not share:
        return
    which, shares = (int(number) for number in share.split("/"))
    sizes: dict[str, int] = {}
    for item in items:
        module = item.nodeid.split("::")[0]
        sizes[module] = sizes.get(module, 0) + 1
    dealt, load = {}, [0] * shares
    for module in sorted(sizes, key=lambda m: (-sizes[m], m)):
        least = load.index(min(load))
        dealt[module] = least
        load[least] += sizes[module]
    others = [item for item in items if dealt[item.nodeid.split("::")[0]] != which - 1]
    _deselect(config, items, others)


def _deselect(config, items, deselected) -> None:
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        gone = set(map(id, deselected))
        items[:] = [item for item in items if id(item) not in gone]


class _CompiledOnce(BytecodeCache):
    """Each template compiled once in the run, for every app the tests build (the session's,
    and those on databases of their own: tests/test_database_copy.py's source and target
    rendered every page again, 1.3 s of compiling an app), by its name and source as Jinja
    keys a file cache (every app is built alike, by `create_app`, so their Jinja compiles a
    template alike); the code objects are shared as they are, never changed."""

    def __init__(self):
        self.compiled: dict[tuple[str, str], object] = {}

    def load_bytecode(self, bucket) -> None:
        bucket.code = self.compiled.get((bucket.key, bucket.checksum))

    def dump_bytecode(self, bucket) -> None:
        self.compiled[(bucket.key, bucket.checksum)] = bucket.code


Planner.jinja_options = {**Planner.jinja_options, "bytecode_cache": _CompiledOnce()}


class ServerLikeClient(FlaskClient):
    """Each request in an application context of its own, as under a real server.

    Tests hold an app context to use the database between requests; Flask would otherwise run
    the request inside it, sharing `g` (the signed-in user, the CSRF token) and the database
    session between the test and every client in it.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _sqlite_folder(tmp_path_factory) -> Path:
    """Where the test database lives: in memory-backed /dev/shm where there is one (thousands of
    commits, each waiting for the disk otherwise), else the test run's temporary folder."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and _free_bytes(shm) >= 512 * 1024**2:
        return Path(tempfile.mkdtemp(prefix="planner-test-", dir=shm))
    return tmp_path_factory.mktemp("db")


def _free_bytes(folder: Path) -> int:
    # A container's small /dev/shm (64 MiB by default) is Chromium's: the database goes elsewhere.
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    folder = None if os.environ.get("TEST_DATABASE_URL") else _sqlite_folder(tmp_path_factory)
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{folder / 'planner-test.sqlite3'}"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret-key",
            "BASE_URL": "http://localhost",  # where the test client's requests go
            "PASSWORD_HASH_METHOD": PASSWORD_HASH_METHOD,
        }
    )
    app.test_client_class = ServerLikeClient
    with app.app_context():
        # Start from an empty database, then build the schema through the migrations.
        existing = MetaData()
        existing.reflect(db.engine)
        existing.drop_all(db.engine)
        upgrade()
        seed_reference_data()
        db.session.commit()
    app.extensions["tests.bundled_rows"] = _bundled_rows(app)
    app.extensions["tests.signed_in_session"] = _signed_in_session(app)
    # What the run holds by now (the app, every module imported, the reference data's rows)
    # lives until its end: the collector is told to leave it out of its rounds.
    gc.collect()
    gc.freeze()
    yield app
    if folder is not None and folder.parent == Path("/dev/shm"):
        with app.app_context():
            db.engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _feeds_settle(request, monkeypatch):
    """A feed asked for within a second of a change waits for that second to end, so that its
    Last-Modified stays true (planner/calendar/views.py, SETTLE). The tests of dates and
    conditional requests keep that wait (`@pytest.mark.settle`) on a clock that moves forward
    instead of sleeping (`clock`); in the other tests the feeds answer at once, with the same
    content."""
    if "app" not in request.fixturenames:
        return
    if request.node.get_closest_marker("settle") is None:
        monkeypatch.setattr("planner.calendar.views.SETTLE", timedelta(0))
    else:
        clock = request.getfixturevalue("clock")
        monkeypatch.setattr("planner.calendar.views.time", SimpleNamespace(sleep=clock.sleep))


class Clock:
    """The time a test runs in: real time, ticking, that `sleep` moves forward at once."""

    def __init__(self, traveller):
        self.traveller = traveller

    def sleep(self, seconds: float) -> None:
        self.traveller.shift(timedelta(seconds=seconds))


@pytest.fixture
def clock():
    with time_machine.travel(datetime.now(UTC), tick=True) as traveller:
        yield Clock(traveller)


@pytest.fixture(autouse=True)
def _clean_database(request):
    """A test that uses the app (directly or through a fixture) starts with only the reference
    data (offices, recommendations), stored once per run; a test of a pure module touches no
    database at all.

    What a test stores is rolled back after it (`_rolled_back`): the test and every request it
    makes share one connection, in one transaction that is never committed. A test whose changes
    another connection must see (another process, an app of its own, a server thread: marked
    `committed`) commits for real, and the database is emptied back to its reference data after
    it."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    if request.node.get_closest_marker("committed"):
        yield
        with app.app_context():
            reset_database()
            db.session.remove()
    else:
        with _rolled_back(app):
            yield
    # Feeds are cached by the agenda's change time, which only moves forward in a real
    # database; rolling it back can repeat a time, so the cache goes too.
    feed_cache.clear()


class _OneConnection(FlaskSQLAlchemySession):
    """A session on the test's one connection, in a savepoint of its own: its commit releases
    the savepoint, its rollback returns to it (`join_transaction_mode="create_savepoint"`).
    Flask-SQLAlchemy's session picks an engine by table, which would ignore the connection.

    The sessions of one test (the test's, each request's, each CLI command's) nest on that
    connection. Returning to a savepoint undoes what later sessions committed inside it, which
    separate connections would have kept: a session that rolls back while a later one has
    committed since it began fails the test, rather than let it pass on lost changes."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if current_app._get_current_object() is not _nesting.app:
            raise AssertionError(
                "another instance of the app, on the database of a test that is rolled back: "
                "it would share the test's connection, not open its own. Mark the test "
                "`committed`."
            )
        if threading.get_ident() != _nesting.thread:
            raise AssertionError(
                "a thread of its own, on the database of a test that is rolled back: it would "
                "share the test's connection. Mark the test `committed`."
            )
        return self.bind

    def rollback(self) -> None:
        self._refuse_to_undo_others("rolls back")
        super().rollback()

    def close(self) -> None:
        self._refuse_to_undo_others("closes")
        super().close()

    def _refuse_to_undo_others(self, action: str) -> None:
        began = self.info.pop("commits_when_begun", None)
        if _nesting.watching and began is not None and _nesting.commits > began:
            _nesting.watching = False  # once is enough: the teardown closes it again
            raise AssertionError(
                f"a session {action} after another session committed inside its transaction: "
                "on the test's one connection that would undo the other's changes. Commit "
                "(or end the app context) before the next request, or mark the test "
                "`committed`."
            )


_nesting = SimpleNamespace(watching=False, commits=0, app=None, thread=None, unsaved={}, misread=[])


@event.listens_for(_OneConnection, "after_begin")
def _began(session, _transaction, _connection) -> None:
    session.info["commits_when_begun"] = _nesting.commits
    # On separate connections a session never reads what another has only flushed: here it
    # would (a missing commit hidden), so the test is failed at its end.
    others = [s for key, s in _nesting.unsaved.items() if key != id(session)]
    if _nesting.watching and others:
        _nesting.misread.append(
            f"a session began while another held changes it had flushed but not committed "
            f"({_pending(others[0])}): on separate connections it would not see them. Commit "
            "them before the request (or the command) that should see them."
        )


def _pending(session) -> str:
    return ", ".join(sorted(session.info.get("flushed", ()))) or "rows"


@event.listens_for(_OneConnection, "after_flush")
def _flushed(session, _context) -> None:
    written = {type(o).__name__ for o in (*session.new, *session.dirty, *session.deleted)}
    session.info.setdefault("flushed", set()).update(written)
    _nesting.unsaved[id(session)] = session


@event.listens_for(_OneConnection, "after_commit")
def _committed(session) -> None:
    _saved(session)
    if session.info.pop("commits_when_begun", None) is not None:  # it had begun: it released
        _nesting.commits += 1


@event.listens_for(_OneConnection, "after_soft_rollback")
def _rolled_back_session(session, _previous) -> None:
    _saved(session)


def _saved(session) -> None:
    """Its flushed changes are committed or gone: nothing left for another session to misread."""
    session.info.pop("flushed", None)
    _nesting.unsaved.pop(id(session), None)


@contextmanager
def _rolled_back(app):
    """Every session the test opens on one connection, in one transaction rolled back at its
    end (as Indico's and pretalx's test suites do)."""
    with app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # The sqlite3 module begins transactions on its own and would let the first
        # savepoint's release commit: it is told not to, and the transaction begins here.
        connection.connection.driver_connection.isolation_level = None
        connection.exec_driver_sql("BEGIN")
    shared = db.session
    db.session = db._make_scoped_session(
        {"class_": _OneConnection, "bind": connection, "join_transaction_mode": "create_savepoint"}
    )
    _nesting.watching, _nesting.commits = True, 0
    _nesting.app, _nesting.thread = app, threading.get_ident()
    _nesting.unsaved, _nesting.misread = {}, []
    try:
        yield
        assert not _nesting.misread, _nesting.misread[0]
    finally:
        _nesting.watching = False
        _nesting.unsaved = {}
        with app.app_context():
            db.session.remove()
        db.session = shared
        outer.rollback()
        if sqlite:
            connection.connection.driver_connection.isolation_level = ""
        connection.close()


def pytest_runtest_teardown(item):
    # Ending the test closes its sessions: no longer a lost change, whatever they held.
    _nesting.watching = False


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield


@functools.cache
def _bundled_record():
    """The bundled survey as `make run` reads it, read once per test run: it is the same file
    every time, and reading it again in hundreds of tests cost seconds."""
    return bundled_record()


@pytest.fixture
def survey(app, app_context):
    """The bundled CWS/13/26 survey, read and stored as `make run` stores it.

    Stored once per run by `import_record` (`_bundled_rows`, in the `app` fixture), and in
    each test by writing the rows that import wrote: 5 ms rather than 13, in some 1,900 tests.
    Where the import could have written other rows (a survey stored already, other offices
    known), the test imports it as the first time."""
    rows = app.extensions["tests.bundled_rows"]
    if not rows.fit():
        survey = import_record(_bundled_record()).survey
        db.session.commit()
        return survey
    survey = rows.write()
    db.session.commit()
    return survey


class _BundledRows:
    """The rows `import_record` wrote for the bundled survey into a database holding only the
    reference data, to be written again as they were (ids too) without reading and checking
    the survey again.

    The surveys row is written through the session, so that what a session does when a survey
    is stored (the calendar's change time, `planner.calendar.operations`) happens as on any
    import; the others in bulk. A column whose default is computed (`imported_at`, now) is
    computed again. Only new rows are expected: an import that changes or deletes a row
    (the reference data's) fails the run here, to be taught to this class."""

    def __init__(self, before: dict, after: dict, offices: frozenset[str]):
        from planner.calendar.models import CalendarState

        self.offices = offices
        self.rows: dict = {}
        for table in db.metadata.sorted_tables:
            gone = [row for row in before[table.name] if row not in after[table.name]]
            new = [row for row in after[table.name] if row not in before[table.name]]
            if table is CalendarState.__table__:
                continue  # the session's doing: done again by the session
            assert not gone, f"importing the bundled survey changed {table.name}: {gone[:3]}"
            computed = {
                c.name for c in table.columns if c.default is not None and c.default.is_callable
            }
            if new:
                self.rows[table] = [
                    {k: v for k, v in row.items() if k not in computed} for row in new
                ]
        from planner.survey.models import Survey

        assert len(self.rows.get(Survey.__table__, ())) == 1, self.rows.keys()

    def fit(self) -> bool:
        """Whether the import would write these rows now: no survey, respondent, answer or
        warning stored (the import reads surveys by fingerprint and label), the same offices
        known (it stores those the survey brings that are not)."""
        from planner.offices.models import Office

        written = [t for t in self.rows if t is not Office.__table__]
        counts = (select(func.count()).select_from(t).scalar_subquery() for t in written)
        if any(db.session.execute(select(*counts)).one()):
            return False
        return frozenset(db.session.scalars(select(Office.code))) == self.offices

    def write(self):
        from planner.survey.models import Survey

        mapper = sa_inspect(Survey)
        survey = None
        for table, rows in self.rows.items():
            if table is Survey.__table__:
                (row,) = rows
                survey = Survey(
                    **{mapper.get_property_by_column(table.c[k]).key: v for k, v in row.items()}
                )
                db.session.add(survey)
                db.session.flush()
            else:
                db.session.execute(insert(table), rows)
        return survey


def _table_rows() -> dict[str, list[dict]]:
    return {
        table.name: [dict(row) for row in db.session.execute(select(table)).mappings()]
        for table in db.metadata.sorted_tables
    }


def _bundled_rows(app) -> _BundledRows:
    """What importing the bundled survey writes into the reference data, seen in a transaction
    rolled back (its ids are then never given again, on PostgreSQL as on SQLite)."""
    from planner.offices.models import Office

    with _rolled_back(app), app.app_context():
        before = _table_rows()
        offices = frozenset(db.session.scalars(select(Office.code)))
        import_record(_bundled_record())
        db.session.commit()
        after = _table_rows()
    return _BundledRows(before, after, offices)


@pytest.fixture
def client(app):
    return app.test_client()


class ServerLikeCliRunner(FlaskCliRunner):
    """Each command in an application context of its own, as from a shell: otherwise a command
    run while the test holds one would share the test's session (reading what the test has not
    committed, committing or dropping the test's changes)."""

    def invoke(self, *args, **kwargs):
        with self.app.app_context():
            return super().invoke(*args, **kwargs)


@pytest.fixture
def cli(app):
    app.test_cli_runner_class = ServerLikeCliRunner
    return app.test_cli_runner()


# Passwords hashed with scrypt at a lower work factor than the app's (n=2^7 rather than 2^15:
# under half a millisecond a check instead of 100, over some 1,700 sign-ins and failed ones in
# the three runs; 2^10 was 3 ms; below 2^7 OpenSSL refuses werkzeug's memory limit). Signing in
# still checks them through the app's own code, as on any day; a hash names its parameters, so
# the check reads them from it.
PASSWORD_HASH_METHOD = "scrypt:128:8:1"


@functools.cache
def colead_password_hash() -> str:
    """The co-lead's password hashed once per test run."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(COLEAD_PASSWORD, method=PASSWORD_HASH_METHOD)


@pytest.fixture
def colead(app_context):
    """A co-lead account with a password of its own."""
    from planner.accounts.models import User

    user = User(email=COLEAD_EMAIL, role="colead", password_hash=colead_password_hash())
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def other(app, colead):
    """A second co-lead, in a browser of their own."""
    from planner.accounts.models import User

    user = User(email="other@example.org", role="colead", password_hash=colead.password_hash)
    db.session.add(user)
    db.session.commit()
    client = app.test_client()
    assert sign_in(client, "other@example.org", COLEAD_PASSWORD).status_code == 302
    return client


def _signed_in_session(app) -> dict:
    """The session cookie's content once a co-lead has signed in on the sign-in page, as a
    browser then holds it, but for the account it names: signed in once per run (in a
    transaction rolled back), for `colead_client` to hand each test's co-lead (`signed_in`)."""
    from planner.accounts.models import User

    with _rolled_back(app), app.app_context():
        user = User(email=COLEAD_EMAIL, role="colead", password_hash=colead_password_hash())
        db.session.add(user)
        db.session.commit()
        client = app.test_client()
        response = sign_in(client)
        assert response.status_code == 302, response.get_data(as_text=True)
        with client.session_transaction() as session:
            held = dict(session)
        assert held.pop("_user_id") == f"{user.id}:{user.session_version}", held
    return held


def signed_in(client, user) -> None:
    """`client` holds the cookie signing in on the sign-in page gives `user`, signed now
    (`_signed_in_session`), and the account is left as signing in leaves it: two requests fewer
    for each of some 1,500 tests that need a co-lead signed in and test something else
    (tests/accounts/test_sessions.py proves the cookie the same as a sign-in's)."""
    from planner.db_types import utcnow

    with client.session_transaction() as held:
        held.clear()
        held.update(
            client.application.extensions["tests.signed_in_session"],
            _user_id=f"{user.id}:{user.session_version}",
        )
    user.last_login_at = utcnow()


@pytest.fixture
def colead_client(app, colead):
    """A test client of its own (so `client` stays anonymous in the same test), signed in as a
    co-lead (the cookie signing in gives, `signed_in`), that also sends the co-lead's API
    token, as a script would, for the API (which does not trust the cookie)."""
    from planner.accounts.models import TOKEN_DAYS_MAX, ApiToken

    client = app.test_client()
    signed_in(client, colead)
    # The longest a token works: tests travel to meetings months ahead, the token in hand.
    token = ApiToken.issue(colead, "tests", days=TOKEN_DAYS_MAX)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    db.session.commit()
    return client


@pytest.fixture
def api(colead_client):
    """The co-lead's client by the name the API tests give it."""
    return colead_client
