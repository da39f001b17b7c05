"""`flask db copy`: a deployment that began on `make run`'s SQLite and was used for a while,
copied into an empty database (PostgreSQL in the run against it, a SQLite file in the other),
answers every request as before: each feed's body, ETag and Last-Modified, every private link,
sessions and API tokens; and the target's ids go on from the source's."""

import dataclasses
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from planner.accounts.models import ApiToken, User
from planner.app import create_app
from planner.calendar.operations import cache as feed_cache
from planner.extensions import db
from planner.mail.outbox import OutboxMessage
from planner.matching.operations import adopt_weights, weights_in_use
from tests.availability.test_pages import volunteer
from tests.conftest import (
    PASSWORD_HASH_METHOD,
    ServerLikeClient,
    ServerLikeCliRunner,
    colead_password_hash,
)
from tests.mail.smtp_server import SmtpServer
from tests.support import (
    COLEAD_EMAIL,
    COLEAD_PASSWORD,
    VOLUNTEERED,
    csrf_token,
    database_of_its_own,
    sign_in,
)
from tests.test_authorization_matrix import (
    MEETING,
    Caller,
    addresses,
    build_world,
    endpoints,
    make_callers,
)

# Apps on databases of their own, not the test's (with `app`: run on PostgreSQL too).
pytestmark = pytest.mark.committed

SECRET_KEY = "the deployment's own key"
LEFT = "left.last@example.org"
# What a client keeps of an answer, besides its status and body.
HEADERS = (
    "Content-Type",
    "ETag",
    "Last-Modified",
    "Location",
    "Cache-Control",
    "Content-Disposition",
    "Set-Cookie",
)


def _app(url: str):
    made = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET_KEY,
            "BASE_URL": "http://localhost",
            "PASSWORD_HASH_METHOD": PASSWORD_HASH_METHOD,
        }
    )
    made.test_client_class = ServerLikeClient
    made.test_cli_runner_class = ServerLikeCliRunner
    return made


@contextmanager
def _migrated(url: str, *, migrate: bool = True):
    """An app on `url`, migrated as `flask db upgrade` does (unless `migrate` is False); its
    connections closed after."""
    made = _app(url)
    if migrate:
        with made.app_context():
            upgrade()
    try:
        yield made
    finally:
        with made.app_context():
            db.engine.dispose()


def _rows(made) -> dict[str, list[dict]]:
    """Every row of every table, in the order of their keys."""
    with made.app_context():
        rows = {
            table.name: [
                dict(row._mapping)
                for row in db.session.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in db.metadata.sorted_tables
        }
        db.session.remove()
    return rows


def _a_year_of_use(source) -> tuple:
    """The world of tests/test_authorization_matrix.py, built through the source app, with
    what it leaves empty done as people do it: a series of meetings and the offices taking part,
    a talk another office gives (sent with an Idempotency-Key), a volunteer's hours, a contact
    unsubscribed, invitations held for review, score weights adopted, mail sent and mail
    waiting."""
    with source.app_context():
        colead = User(email=COLEAD_EMAIL, role="colead", password_hash=colead_password_hash())
        db.session.add(colead)
        db.session.commit()
        api = source.test_client()
        api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(colead)}"
        db.session.commit()
        anyone = source.test_client()
        world = build_world(source, api, anyone)
        callers = make_callers(source, colead, world)
        weights = weights_in_use()
        adopt_weights(dataclasses.replace(weights, measured=1 / 3), {"pairs": 12}, COLEAD_EMAIL)
        db.session.commit()
        db.session.remove()

    server = SmtpServer().start()
    source.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    try:
        with time_machine.travel(datetime.now(UTC) + timedelta(minutes=5), tick=True):
            sent = source.test_cli_runner().invoke(args=["mail", "send", "--once"])
    finally:
        server.stop()
        source.config.update(MAIL_SERVER=None)
    assert sent.exit_code == 0 and " sent" in sent.output, sent.output

    colead_pages = next(c.client for c in callers if c.name == "co-lead signed in")
    m1 = world.meetings["M1"]
    made = colead_pages.post(
        "/meetings/new",
        data={
            "csrf_token": csrf_token(colead_pages, "/meetings/new"),
            "title": "Rec 4 workshop",
            "kind": "workshop",
            "time_zone": "Europe/Zurich",
            "new_series": "Workshops on the Recommendations",
        },
    )
    assert made.status_code == 302, made.get_data(as_text=True)
    edit = f"/meetings/{m1}/edit"
    taking_part = {"csrf_token": csrf_token(colead_pages, edit), "offices": ["AU", "JP", "ES"]}
    assert colead_pages.post(f"/meetings/{m1}/offices", data=taking_part).status_code == 302
    talk = {"title": "Given by another office", "duration_minutes": 15, "office": "ES"}
    # Sent by a script that may send it again: its answer is kept with the key.
    sent_once = {"Idempotency-Key": "8e03978e-40d5-43e8-bc93-6894a57f9324"}
    added = api.post(f"/api/v1/meetings/{m1}/slots", json=talk, headers=sent_once)
    assert added.status_code == 201, added.get_json()
    confirmed = {"status": "confirmed"}
    assert api.patch(f"/api/v1/slots/{added.get_json()['id']}", json=confirmed).status_code == 200
    # Another office presents it: the first one's feed loses it.
    moved = api.patch(f"/api/v1/slots/{added.get_json()['id']}", json={"office": "PE"})
    assert moved.status_code == 200, moved.get_json()
    hours = {
        "windows-0-weekdays": ["1", "3"],
        "windows-0-starts": "08:00",
        "windows-0-ends": "11:00",
    }
    volunteered = volunteer(anyone, **hours)  # a volunteer's hours: availability windows
    assert volunteered.status_code == 302, volunteered.get_data(as_text=True)
    unsubscribed = anyone.post(f"/unsubscribe/{world.tokens['unsubscribe']}")
    assert unsubscribed.status_code in (200, 302), unsubscribed.get_data(as_text=True)
    hold = {"csrf_token": csrf_token(colead_pages, "/outbox"), "hold_invitations": "y"}
    assert colead_pages.post("/outbox/settings", data=hold).status_code == 302
    return world, [*callers, _the_last_to_leave(source)], api


def _the_last_to_leave(source) -> Caller:
    """The newest co-lead, deleted: the highest id users handed out is theirs, and no row holds
    it. Their browser keeps its session cookie."""
    with source.app_context():
        db.session.add(User(email=LEFT, role="colead", password_hash=colead_password_hash()))
        db.session.commit()
        db.session.remove()
    browser = source.test_client()
    assert sign_in(browser, LEFT, COLEAD_PASSWORD).status_code == 302
    deleted = source.test_cli_runner().invoke(args=["users", "delete", "--email", LEFT, "--yes"])
    assert deleted.exit_code == 0, deleted.output
    csrf = csrf_token(browser, "/login")
    return Caller("the co-lead who left last", browser, session="deleted", csrf=csrf)


def _twin(client, target):
    """A client of the target app holding what `client` holds: its cookies (a co-lead's
    session, a language chosen), and the API token it sends."""
    twin = target.test_client()
    twin.environ_base.update(client.environ_base)
    _same_cookies(client, twin)
    return twin


def _same_cookies(client, twin) -> None:
    twin._cookies.clear()
    for cookie in client._cookies.values():
        twin.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


# A form's key, made afresh each time its page is shown (a form sent twice is saved once).
_FORM_KEY = re.compile(rb'name="key" value="[0-9a-f-]{36}"')


def _answer(response) -> tuple:
    return (
        response.status_code,
        {name: response.headers.get(name) for name in HEADERS},
        _FORM_KEY.sub(b'name="key" value="..."', response.get_data()),
    )


def _alike(one, two, said: str) -> list[str]:
    (status, headers, body), (status_2, headers_2, body_2) = _answer(one), _answer(two)
    if (status, headers, body) == (status_2, headers_2, body_2):
        return []
    if status != status_2:
        return [f"{said}: {status} before, {status_2} after"]
    if headers != headers_2:
        differ = {k: (v, headers_2[k]) for k, v in headers.items() if v != headers_2[k]}
        return [f"{said}: headers {differ}"]
    at = next(i for i, (a, b) in enumerate(zip(body, body_2, strict=False)) if a != b)
    return [
        f"{said}: bodies part at {at}: {body[at - 60 : at + 60]!r} / {body_2[at - 60 : at + 60]!r}"
    ]


def _both(source_caller: Caller, target_caller: Caller, path: str, query: dict, headers=None):
    """The same request to each app, each on a feed cache of its own (as on two machines)."""
    answers = []
    for caller in (source_caller, target_caller):
        feed_cache.clear()
        extra = dict(caller.headers, **(headers or {}))
        answers.append(caller.client.get(path, query_string=query, headers=extra))
    _same_cookies(source_caller.client, target_caller.client)
    return answers


def _links_in_messages(source) -> set[str]:
    """Every address the outbox's messages gave their readers: private links, feeds."""
    with source.app_context():
        texts = db.session.execute(
            select(
                OutboxMessage.text_body,
                OutboxMessage.html_body,
                OutboxMessage.ics,
                OutboxMessage.unsubscribe_url,
            )
        ).all()
        db.session.remove()
    found = set()
    for written in (t or "" for row in texts for t in row):
        written = written.replace("\r\n ", "")  # a calendar part's lines, unfolded
        found.update(re.findall(r"(?:http|webcal)://localhost(/[^\s\"'<>)\]]*)", written))
    return found


def _is_feed(made, path: str) -> bool:
    """Whether `path` is a calendar feed or schedule, which subscribers fetch again and again,
    revalidating what they hold."""
    try:
        endpoint, _ = made.url_map.bind("localhost").match(path)
    except HTTPException:
        return False
    return endpoint.startswith("calendar.")


def _every_answer_alike(source, target, world, callers) -> tuple[list[str], int]:
    """Every GET the app answers, as every caller of the authorization matrix sends it (their
    cookies, API tokens and private links), then every address the outbox's messages gave
    their readers, sent to both apps: what differs. A feed's answer is then asked again as a
    subscribed calendar revalidates it, with its ETag and its Last-Modified: both must answer
    304, Not Modified."""
    problems, sent = [], 0  # what differs, of how many requests
    twins = {c.name: dataclasses.replace(c, client=_twin(c.client, target)) for c in callers}
    anyone = next(c for c in callers if c.bare)
    requests = []
    for _, method, rule in endpoints(source):
        if method == "GET":
            for caller in callers:
                # What a session or token that no longer works is answered, once an address:
                # what it is answered is the same about every meeting or slot.
                every = caller.bare or caller.colead_pages or caller.colead_api
                requests += [(caller, p, q) for _, p, q in addresses(world, caller, rule, every)]
    requests += [(anyone, path, {}) for path in sorted(_links_in_messages(source))]
    answered = set()  # what a caller without a session or token asked: the same for another
    for caller, path, query in requests:
        if caller.bare:
            if (path, str(query)) in answered:
                continue
            answered.add((path, str(query)))
        said = f"GET {path} {query or ''} as {caller.name}"
        one, two = _both(caller, twins[caller.name], path, query)
        problems += _alike(one, two, said)
        sent += 1
        if one.status_code == 200 and _is_feed(source, path):
            for asked, held in (("If-None-Match", "ETag"), ("If-Modified-Since", "Last-Modified")):
                if held not in one.headers:
                    continue
                again = _both(caller, twins[caller.name], path, query, {asked: one.headers[held]})
                problems += _alike(*again, f"{said}, {asked}")
                if again[1].status_code != 304:
                    problems.append(f"{said}, {asked}: {again[1].status_code}, not 304")
                sent += 1
    return problems, sent


def _ids(made) -> dict[str, list]:
    return {
        name: [tuple(row.get(k) for k in ("id", "code", "number")) for row in rows]
        for name, rows in _rows(made).items()
    }


def _new_rows_alike(source, target, callers) -> None:
    """What people do next, done on both apps, started as instances start (`db upgrade`,
    `setup`): a co-lead account made, a meeting with a talk
    made through the API, a proposal sent. Each new row gets the same id on both, after the
    highest either ever handed out: the account made after the last co-lead left does not get
    their id, which their browser's cookie still names, on PostgreSQL either."""
    by_name = {caller.name: caller for caller in callers}
    left = by_name["the co-lead who left last"]
    scripts = by_name["co-lead's token"]
    answers = []
    for made in (source, target):
        feed_cache.clear()
        runner = made.test_cli_runner()
        for starting in (["db", "upgrade"], ["setup"]):  # as each instance starts
            assert runner.invoke(args=starting).exit_code == 0
        created = runner.invoke(args=["users", "create", "--email", "next.lead@example.org"])
        assert created.exit_code == 0, created.output
        api = made.test_client()
        api.environ_base["HTTP_AUTHORIZATION"] = scripts.headers["Authorization"]
        meeting = api.post(
            "/api/v1/meetings",
            json={**MEETING, "title": "After the move", "starts_at": "2031-02-11T13:00:00+01:00"},
        )
        assert meeting.status_code == 201, meeting.get_json()
        slot = api.post(
            f"/api/v1/meetings/{meeting.get_json()['id']}/slots",
            json={"title": "Moving house", "duration_minutes": 20, "office": "AU"},
        )
        proposal = made.test_client().post(
            "/api/v1/proposals",
            json=VOLUNTEERED | {"email": "nora@ipaustralia.example", "consent": True},
        )
        answers.append([r.status_code for r in (meeting, slot, proposal)])
        answers.append(_twin(left.client, made).get("/account"))
    assert answers[0] == answers[2] == [201, 201, 201]
    assert _alike(answers[1], answers[3], "GET /account as the co-lead who left") == []
    assert answers[3].headers["Location"].startswith("/login")
    assert _ids(source) == _ids(target)


@pytest.fixture(scope="module")
def _first_start(tmp_path_factory) -> Path:
    """A deployment's first start on SQLite, as `make run` makes it: migrated, then set up
    (the offices, the recommendations, the bundled survey). Made once for the module: each
    test's source is a copy of the file (migrating and setting up again in each test was a
    quarter of the module's time, in each of the SQLite and PostgreSQL runs)."""
    path = tmp_path_factory.mktemp("first-start") / "planner.sqlite3"
    with _migrated(f"sqlite:///{path}") as made:
        assert made.test_cli_runner().invoke(args=["setup"]).exit_code == 0
    return path


@pytest.fixture
def source(tmp_path, _first_start):
    """A copy of the deployment's first start (`_first_start`), for the test to use and change."""
    path = tmp_path / "planner.sqlite3"
    shutil.copyfile(_first_start, path)
    with _migrated(f"sqlite:///{path}", migrate=False) as made:
        yield made


# An empty database as `flask db upgrade` leaves it (its address), made once for the module:
# each test's target is a copy of it (`_target`), not migrated again in each test.
_UPGRADED: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def _upgraded(tmp_path_factory):
    with database_of_its_own(tmp_path_factory.mktemp("upgraded")) as url:
        with _migrated(url):
            pass
        _UPGRADED[:] = [url]
        yield
        _UPGRADED.clear()


@contextmanager
def _target(tmp_path, *, migrated: bool = True):
    """An empty database of its own (on the PostgreSQL server in the run against it), as
    `flask db upgrade` leaves it (a copy of `_upgraded`'s); or `migrated=False`, as it is made
    (SQLite: an empty file)."""
    with database_of_its_own(tmp_path, like=_UPGRADED[0] if migrated else None) as url:
        if migrated:
            with _migrated(url, migrate=False) as made:
                yield url, made
            return
        if make_url(url).get_backend_name() == "sqlite":
            Path(make_url(url).database).touch()
        yield url, None


def _copy(made, *args: str):
    return made.test_cli_runner().invoke(args=["db", "copy", *args])


def test_a_year_on_sqlite_copied_answers_as_before(app, source, tmp_path):
    """Every table, its rows as they were; every answer alike, a feed's ETag and Last-Modified,
    private links, sessions and tokens; new rows with the ids the source would have given."""
    world, callers, _ = _a_year_of_use(source)
    before = _rows(source)
    empty = [name for name, rows in before.items() if not rows]
    assert not empty, f"fill these in _a_year_of_use, so that their copy is tested: {empty}"
    with _target(tmp_path) as (url, target):
        copied = _copy(source, "--to", url)
        assert copied.exit_code == 0, copied.output
        rows = sum(map(len, before.values()))
        assert f"Copied {rows} row(s) of {len(before)} tables" in copied.output
        assert _rows(target) == before
        with time_machine.travel(datetime.now(UTC), tick=False):
            problems, sent = _every_answer_alike(source, target, world, callers)
            assert not problems, f"{len(problems)} of {sent} answers differ:\n" + "\n".join(
                problems[:40]
            )
            _new_rows_alike(source, target, callers)


def test_a_copy_back_goes_on_from_the_highest_id_ever_handed_out(app, source, tmp_path):
    """From the database copied into (PostgreSQL, in the run against it) back into SQLite,
    with `--from`: the ids go on after the newest account's there, which was deleted."""
    with _target(tmp_path) as (url, middle):
        assert _copy(source, "--to", url).exit_code == 0
        runner = middle.test_cli_runner()
        for email in ("stays@example.org", "leaves@example.org"):
            assert runner.invoke(args=["users", "create", "--email", email]).exit_code == 0
        assert runner.invoke(args=["users", "delete", "--email", email, "--yes"]).exit_code == 0
        left = _ids(middle)["users"][-1][0] + 1
        with _migrated(f"sqlite:///{tmp_path / 'back.sqlite3'}") as back:
            copied = _copy(back, "--from", url)
            assert copied.exit_code == 0, copied.output
            assert _rows(back) == _rows(middle)
            made = back.test_cli_runner().invoke(args=["users", "create", "--email", email])
            assert made.exit_code == 0, made.output
            assert _ids(back)["users"][-1][0] == left + 1


def test_a_target_that_is_not_empty_is_refused_and_nothing_is_written(app, source, tmp_path):
    """`make run` (or `setup`) started on it first: the copy would mix two deployments."""
    with _target(tmp_path) as (url, target):
        assert target.test_cli_runner().invoke(args=["setup"]).exit_code == 0
        before = _rows(target)
        refused = _copy(source, "--to", url)
        assert refused.exit_code == 1
        assert "The target is not empty (bundled_survey_loads: 1, offices: 22, " in refused.output
        assert "copy into a new database on which only `flask --app app db upgrade` ran" in (
            refused.output
        )
        assert _rows(target) == before


@pytest.mark.parametrize("which", ["source", "target"])
def test_a_database_at_another_migration_is_refused(app, source, tmp_path, which):
    """Not at this release's last migration: its tables are not those the release copies."""
    with _target(tmp_path) as (url, target):
        behind = {"source": source, "target": target}[which]
        with behind.app_context():
            downgrade(revision="-1")
        refused = _copy(source, "--to", url)
        assert refused.exit_code == 1
        assert f"The {which} is at migration " in refused.output
        assert (
            f"run `flask --app app db upgrade` with DATABASE_URL set to the {which}'s address"
            in refused.output
        )
        with target.app_context():
            upgrade()
        held = {name for name, rows in _rows(target).items() if rows}
        assert held == {"calendar_state"}  # the migrations' row: nothing copied


def test_a_target_upgraded_by_a_newer_release_is_refused(app, source, tmp_path):
    """At a migration this release does not know: `db upgrade` from here cannot mend it."""
    with _target(tmp_path) as (url, target):
        with target.app_context():
            db.session.execute(text("UPDATE alembic_version SET version_num = 'f00dfeedcafe'"))
            db.session.commit()
        refused = _copy(source, "--to", url)
        assert refused.exit_code == 1
        assert (
            "The target was upgraded by a newer release (migration f00dfeedcafe): copy with that "
            "release." in refused.output
        )


def test_a_target_never_migrated_is_refused(app, source, tmp_path):
    with _target(tmp_path, migrated=False) as (url, _):
        refused = _copy(source, "--to", url)
        assert refused.exit_code == 1
        assert "The target has no tables of the planner (no migration ran on it)" in refused.output


def test_a_copy_stopped_half_way_leaves_the_target_as_it_was(app, source, tmp_path, monkeypatch):
    """The connection lost once some tables are written: all or nothing."""
    from planner import database_copy

    copy_rows = database_copy._copy_rows

    def lost_at_the_answers(reading, writing, table, unfit):
        if table.name == "answers":
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return copy_rows(reading, writing, table, unfit)

    monkeypatch.setattr(database_copy, "_copy_rows", lost_at_the_answers)
    with _target(tmp_path) as (url, target):
        before = _rows(target)
        refused = _copy(source, "--to", url)
        assert refused.exit_code == 1
        assert "The copy stopped, and nothing was copied: server closed the connection" in (
            refused.output
        )
        assert _rows(target) == before


def test_what_postgresql_refuses_is_named_before_anything_is_written(app, source, tmp_path):
    """SQLite keeps a text longer than its column and a NUL character (a row written by an
    older release, or by hand); PostgreSQL refuses them. Each is named by its row, and nothing
    is written; into another SQLite file they are copied as they are."""
    engine = create_engine(source.config["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE offices SET name = :name WHERE code = 'AU'"),
            {"name": "IP Australia " * 20},
        )
        connection.execute(
            text("UPDATE recommendations SET short_title = :title WHERE number = 1"),
            {"title": "Cloud\x00"},
        )
    engine.dispose()
    with _target(tmp_path) as (url, target):
        before = _rows(target)
        said = _copy(source, "--to", url)
        if make_url(url).get_backend_name() == "sqlite":
            assert said.exit_code == 0, said.output
            return
        assert said.exit_code == 1
        assert "Some values do not fit the target" in said.output
        assert "offices (code AU): name holds 260 characters, the column 200" in said.output
        assert "recommendations (number 1): short_title holds a NUL character" in said.output
        assert _rows(target) == before


def test_rows_pointing_nowhere_are_named(app, source, tmp_path):
    """Kept by SQLite from before foreign keys were checked: the target would refuse them."""
    engine = create_engine(source.config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
        connection.exec_driver_sql("UPDATE respondents SET survey_id = 999 WHERE id = 1")
        connection.commit()
    engine.dispose()
    with _target(tmp_path) as (url, _):
        refused = _copy(source, "--to", url)
        assert refused.exit_code == 1
        said = "Rows of the source point at rows it no longer holds: respondents row 1 (its surveys"
        assert said in refused.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ([], "Name the database to copy into (--to URL) or from (--from URL)"),
        (["--to", "{here}"], "--from and --to name the same database"),
        (["--to", "sqlite:///{folder}/none.sqlite3"], "there is no SQLite database at"),
        # helper-243: "The copy stopped, and nothing was copied: file is not a database".
        (
            ["--to", "sqlite:///{folder}/planner.dump"],
            "--to: {folder}/planner.dump is not a SQLite database (a SQLite file starts",
        ),
        (["--from", "sqlite:///{folder}/planner.dump"], "--from: {folder}/planner.dump is not"),
        (["--from", "mysql://planner@db/planner"], "names 'mysql', which the planner cannot use"),
        (
            ["--to", "postgresql://planner:s3cret@127.0.0.1:1/planner"],
            "The target (postgresql+psycopg://planner:***@127.0.0.1:1/planner) cannot be reached",
        ),
    ],
)
def test_the_command_says_what_it_cannot_copy(source, tmp_path, args, said):
    here = source.config["SQLALCHEMY_DATABASE_URI"]
    args = [a.format(here=here, folder=tmp_path) for a in args]
    (tmp_path / "planner.dump").write_bytes(b"PGDMP\x01\x0f\x00" + b"\x00" * 100)  # pg_dump's
    answer = _copy(source, *args)
    assert answer.exit_code == 2 if "Usage" in answer.output else answer.exit_code == 1
    assert said.format(folder=tmp_path) in answer.output
    assert "s3cret" not in answer.output
    assert not (tmp_path / "none.sqlite3").exists()


def test_a_sqlite_file_the_operator_may_not_read_is_named(source, tmp_path, monkeypatch):
    """Another account's file (mode 600) is said so, not a traceback (the tests run as root,
    who reads every file: its refusal is made up here)."""
    theirs = tmp_path / "theirs.sqlite3"
    theirs.write_bytes(b"")
    opened = Path.open

    def refused(path, *args, **kwargs):
        if path == theirs:
            raise PermissionError(13, "Permission denied")
        return opened(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refused)
    answer = _copy(source, "--from", f"sqlite:///{theirs}")
    assert answer.exit_code == 2
    assert f"--from: {theirs} cannot be read: Permission denied" in answer.output


def _recipes() -> list[str]:
    """The README's commands for backing up and restoring: SQLite's backup, its restore, and
    PostgreSQL's backup and restore."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n### Backups and restore\n", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


def _run(recipe: str, folder: Path, **environment: str) -> None:
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", recipe],
        cwd=folder,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_the_readme_s_sqlite_backup_restores_what_it_saved(tmp_path):
    """Taken while a co-lead's save is under way, which it leaves out, then restored over what
    was saved since (and a key made anew)."""
    backup, restore, _ = _recipes()
    folder = tmp_path / "planner"
    (folder / "instance").mkdir(parents=True)
    (folder / ".venv").symlink_to(sys.prefix)  # `make run`'s virtual environment
    (folder / "instance" / "secret_key").write_text(SECRET_KEY)
    url = f"sqlite:///{folder / 'instance' / 'planner.sqlite3'}"
    with _migrated(url) as deployed:
        assert deployed.test_cli_runner().invoke(args=["setup"]).exit_code == 0
        saved = _rows(deployed)
        engine = create_engine(url)
        with engine.connect() as saving:
            saving.exec_driver_sql("BEGIN IMMEDIATE")
            saving.exec_driver_sql("DELETE FROM answers")
            _run(backup, folder)
            saving.commit()
        engine.dispose()
        (folder / "instance" / "secret_key").write_text("a key made anew")
        assert _rows(deployed) != saved
        *putting_back, restored = restore.strip().splitlines()
        _run("\n".join(putting_back), folder)
        with deployed.app_context():
            db.engine.dispose()  # `make run` stopped: its connections held the file moved aside
        assert _rows(deployed) == saved
        assert (folder / "instance" / "secret_key").read_text() == SECRET_KEY
        _run_restored(restored, folder, deployed, DATABASE_URL=url)


def _run_restored(line: str, folder: Path, restored, **environment: str) -> None:
    """The recipe's last line, `db restored`, run as written where `make run` ran (app.py
    there): a co-lead account made after it gets an id past the margin, not the next one."""
    assert line.split("#")[0].strip().endswith(".venv/bin/flask --app app db restored"), line
    (folder / "app.py").symlink_to(Path(__file__).parents[1] / "app.py")
    if not (folder / ".venv").exists():
        (folder / ".venv").symlink_to(sys.prefix)
    highest = max((row[0] for row in _ids(restored)["users"]), default=0)
    _run(line, folder, **environment)
    runner = restored.test_cli_runner()
    assert runner.invoke(args=["users", "create", "--email", "next@example.org"]).exit_code == 0
    assert max(row[0] for row in _ids(restored)["users"]) > highest + 1000


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs the PostgreSQL test server",
)
def test_the_readme_s_postgresql_backup_restores_what_it_saved(app, tmp_path):
    """Into a new database, ids going on as they did (the newest account's, deleted, is not
    given again)."""
    *_, recipe = _recipes()
    with database_of_its_own(tmp_path) as url, _migrated(url) as deployed:
        runner = deployed.test_cli_runner()
        assert runner.invoke(args=["setup"]).exit_code == 0
        for email in ("stays@example.org", "leaves@example.org"):
            assert runner.invoke(args=["users", "create", "--email", email]).exit_code == 0
        assert runner.invoke(args=["users", "delete", "--email", email, "--yes"]).exit_code == 0
        saved = _rows(deployed)
        with database_of_its_own(tmp_path) as into, _migrated(into, migrate=False) as restored:
            *dumping, restoring = recipe.strip().splitlines()
            urls = {"DATABASE_URL": url, "RESTORED_URL": into.replace("+psycopg", "")}
            _run("\n".join(dumping), tmp_path, **urls)
            assert _rows(restored) == saved
            for made in (deployed, restored):
                created = made.test_cli_runner().invoke(args=["users", "create", "--email", email])
                assert created.exit_code == 0, created.output
            assert _ids(restored) == _ids(deployed)
            _run_restored(restoring, tmp_path, restored, **urls)


def test_the_same_sqlite_file_spelt_otherwise_is_the_same_database(source, tmp_path):
    """`--from sqlite:///instance/planner.sqlite3`, as the README writes it, run where the app's
    database is that file: it was "not empty", as if another database were full."""
    here = Path(make_url(source.config["SQLALCHEMY_DATABASE_URI"]).database)
    (tmp_path / "link.sqlite3").symlink_to(here)
    for spelt in (
        os.path.relpath(here),
        f"{here.parent}/../{here.parent.name}/{here.name}",
        str(tmp_path / "link.sqlite3"),
    ):
        answer = _copy(source, "--to", f"sqlite:///{spelt}")
        assert answer.exit_code == 2, answer.output
        assert "--from and --to name the same database" in answer.output


def test_a_target_in_use_is_said_before_the_copy_waits_for_it(app, source, tmp_path):
    """An instance left running on the target holds its write lock: the copy waits for it (up to
    ten minutes) and said nothing meanwhile, as if it hung."""
    with _target(tmp_path) as (url, _):
        if make_url(url).get_backend_name() != "sqlite":
            pytest.skip("a SQLite file's lock")
        holder = sqlite3.connect(make_url(url).database, check_same_thread=False)
        holder.isolation_level = None
        holder.execute("BEGIN EXCLUSIVE")
        threading.Timer(1.5, holder.rollback).start()
        try:
            answer = _copy(source, "--to", url)
        finally:
            holder.close()
        assert answer.exit_code == 0, answer.output
        said = f"The target ({url}) is in use: another process is writing to it"
        assert said in answer.output
        assert "Waiting up to 10 minutes for it to end" in answer.output
        assert "Copied " in answer.output


def test_a_target_not_in_use_is_copied_into_without_a_word_of_waiting(app, source, tmp_path):
    with _target(tmp_path) as (url, _):
        answer = _copy(source, "--to", url)
        assert answer.exit_code == 0, answer.output
        assert "is in use" not in answer.output


def test_a_source_in_use_is_named_with_what_to_do(app, source, tmp_path):
    """helper-239: a SQLite source another process holds locked (an instance, its mail sender
    or `setup` writing to it; a sqlite3 shell in a transaction) stopped the copy with only "The
    copy stopped, and nothing was copied: database is locked", naming neither database nor
    what to do."""
    held = make_url(source.config["SQLALCHEMY_DATABASE_URI"]).database
    holder = sqlite3.connect(held)
    holder.isolation_level = None
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with _target(tmp_path) as (url, target):
            before = _rows(target)
            answer = _copy(source, "--to", url)
            assert _rows(target) == before
    finally:
        holder.close()
    assert answer.exit_code == 1, answer.output
    said = (
        f"The source (sqlite:///{held}) is locked: another process is writing to it (an "
        "instance or mail sender started on it, its `db upgrade` or `setup`, a sqlite3 shell "
        "in a transaction). Stop it (Ctrl-C stops `make run` and its mail sender), then copy "
        "again; nothing was copied."
    )
    assert said in " ".join(answer.output.split())


def test_a_target_still_in_use_after_the_wait_says_so(app, source, tmp_path, monkeypatch):
    """After waiting for the target's lock in vain, the copy ended "database is locked"."""
    monkeypatch.setattr("planner.database_copy.TARGET_WAIT_MS", 200)
    with _target(tmp_path) as (url, _):
        if make_url(url).get_backend_name() != "sqlite":
            pytest.skip("a SQLite file's lock")
        holder = sqlite3.connect(make_url(url).database)
        holder.isolation_level = None
        holder.execute("BEGIN EXCLUSIVE")
        try:
            answer = _copy(source, "--to", url)
        finally:
            holder.close()
    assert answer.exit_code == 1, answer.output
    said = (
        f"The target ({url}) is still in use after the wait: stop the instances on it (and "
        "their `db upgrade` or `setup`, or a shell's open transaction), then copy again; "
        "nothing was copied."
    )
    assert said in " ".join(answer.output.split())


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs the PostgreSQL test server",
)
def test_one_postgresql_database_under_two_host_names_is_the_same_database(app, tmp_path):
    """helper-239: `--from` naming a PostgreSQL database by localhost and `--to` by 127.0.0.1
    (or the machine's name) was refused only as "The target is not empty", as if another
    database were full."""
    with database_of_its_own(tmp_path) as url, _migrated(url) as deployed:
        assert deployed.test_cli_runner().invoke(args=["setup"]).exit_code == 0
        assert make_url(url).host == "127.0.0.1"
        elsewise = make_url(url).set(host="localhost").render_as_string(hide_password=False)
        for args in (["--to", elsewise], ["--from", elsewise]):
            answer = _copy(deployed, *args)
            assert answer.exit_code == 2, answer.output
            assert "--from and --to name the same database" in answer.output
            assert "is not empty" not in answer.output


# What another session on a PostgreSQL target may hold that the copy waits for: the turn an
# instance's `setup` (or `db upgrade`) takes, or a row an instance's request, or a psql shell's
# open transaction, holds locked.
HOLDERS = {
    "setup running": "SELECT pg_advisory_xact_lock(hashtext('planner setup'))",
    "row locked": "SELECT * FROM calendar_state FOR UPDATE",
}


# Whether a session of this database waits for a lock (a row's waits on its holder's
# transaction id, which names no database: the waiting session's database is read instead).
_WAITED_FOR = """
SELECT EXISTS (
    SELECT 1 FROM pg_locks JOIN pg_stat_activity AS session ON session.pid = pg_locks.pid
    WHERE NOT pg_locks.granted AND session.datname = current_database()
)
"""


def _release_once_waited_for(url: str, holder) -> None:
    """Rolls `holder` back once another session (the copy) waits for what it holds, or after two
    minutes: released after a fixed 1.5 s, a copy that took longer to get there (a machine busy
    with the rest of make test) found the target free and said nothing of waiting."""
    engine = create_engine(url)
    try:
        with engine.connect() as watching:
            deadline = time.monotonic() + 120
            while not watching.execute(text(_WAITED_FOR)).scalar():
                watching.rollback()
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
    finally:
        holder.rollback()
        engine.dispose()


@contextmanager
def _held(url: str, holding: str):
    """Another session holding `holding` on the database at `url`, in a transaction."""
    engine = create_engine(url)
    holder = engine.connect()
    holder.begin()
    holder.execute(text(holding))
    try:
        yield holder
    finally:
        holder.close()
        engine.dispose()


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs the PostgreSQL test server",
)
@pytest.mark.parametrize("holding", HOLDERS)
def test_a_postgresql_target_held_locked_is_waited_for_a_while_saying_so(
    app, source, tmp_path, holding
):
    """helper-250: a PostgreSQL target another session holds locked (an instance's `setup`, a
    psql shell left in a transaction) was waited for without limit, the copy printing nothing.
    It says so first, as for SQLite, and goes on once it is free."""
    with _target(tmp_path) as (url, target), _held(url, HOLDERS[holding]) as holder:
        releasing = threading.Thread(target=_release_once_waited_for, args=(url, holder))
        releasing.start()
        answer = _copy(source, "--to", url)
        releasing.join()
        assert answer.exit_code == 0, answer.output
        said = f"The target ({_shown(url)}) is in use: another process is writing to it"
        assert said in answer.output
        assert "Waiting up to 10 minutes for it to end" in answer.output
        assert "Copied " in answer.output and _rows(target) == _rows(source)


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs the PostgreSQL test server",
)
@pytest.mark.parametrize("holding", HOLDERS)
def test_a_postgresql_target_still_locked_after_the_wait_says_what_to_do(
    app, source, tmp_path, monkeypatch, holding
):
    monkeypatch.setattr("planner.database_copy.TARGET_WAIT_MS", 300)
    with _target(tmp_path) as (url, target), _held(url, HOLDERS[holding]):
        before = _rows(target)
        answer = _copy(source, "--to", url)
        assert answer.exit_code == 1, answer.output
        said = (
            f"The target ({_shown(url)}) is still in use after the wait: stop the instances on "
            "it (and their `db upgrade` or `setup`, or a shell's open transaction), then copy "
            "again; nothing was copied."
        )
        assert said in " ".join(answer.output.split())
        assert _rows(target) == before


@contextmanager
def _autovacuum_cleaning(url: str):
    """The server's autovacuum cleaning a table of the database at `url` (slowly: it sleeps
    after each page), as it does after the migrations' or any rows change, holding a lock on
    it; the server told meanwhile to look for such work every second, not every minute."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if not connection.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = user")):
                pytest.skip("setting autovacuum_naptime needs a superuser")
            connection.exec_driver_sql(
                "CREATE TABLE cleaned (n integer) WITH (autovacuum_vacuum_threshold = 0, "
                "autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_cost_delay = 100, "
                "autovacuum_vacuum_cost_limit = 1)"
            )
            connection.exec_driver_sql("INSERT INTO cleaned SELECT generate_series(1, 20000)")
            connection.exec_driver_sql("DELETE FROM cleaned")
            connection.exec_driver_sql("ALTER SYSTEM SET autovacuum_naptime = 1")
            connection.exec_driver_sql("SELECT pg_reload_conf()")
            try:
                for _ in range(600):
                    if connection.scalar(text(_AUTOVACUUM_ON_CLEANED)):
                        break
                    time.sleep(0.1)
                else:
                    pytest.fail("autovacuum did not start cleaning the table within a minute")
            finally:
                connection.exec_driver_sql("ALTER SYSTEM RESET autovacuum_naptime")
                connection.exec_driver_sql("SELECT pg_reload_conf()")
        yield
    finally:
        engine.dispose()


_AUTOVACUUM_ON_CLEANED = """
SELECT EXISTS (
    SELECT 1 FROM pg_locks JOIN pg_stat_activity AS session ON session.pid = pg_locks.pid
    WHERE session.backend_type = 'autovacuum worker' AND relation = 'cleaned'::regclass
)
"""


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs the PostgreSQL test server",
)
def test_a_postgresql_target_autovacuum_is_cleaning_is_not_said_to_be_in_use(app, source, tmp_path):
    """helper-260: autovacuum's lock on a table of the target counted as another session's,
    so the copy said the target was in use, "Waiting up to 10 minutes", then copied at once
    (nothing waits for autovacuum). Only a client's session is said to hold it."""
    with _target(tmp_path) as (url, target), _autovacuum_cleaning(url):
        answer = _copy(source, "--to", url)
        assert answer.exit_code == 0, answer.output
        assert "is in use" not in answer.output and "Waiting" not in answer.output
        assert "Copied " in answer.output and _rows(target) == _rows(source)


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
