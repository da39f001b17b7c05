"""What tests share that is not a fixture: the bundled survey's path, the co-lead's sign-in, a
form's CSRF token as a browser submits it, a count of the SQL a block sends, every page of a
paginated API answer, the database emptied back to its reference data, someone else's save
landing between a request's checks and its own save, a database of a test's own, and the survey's
second round beside the bundled one."""

import csv
import html
import io
import os
import re
import shutil
import threading
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import session
from flask_babel import force_locale, gettext
from flask_wtf.csrf import generate_csrf
from sqlalchemy import create_engine, delete, event, make_url

from planner.bootstrap import seed_reference_data
from planner.extensions import db
from planner.offices.models import Office
from planner.offices.operations import update_office

BUNDLED = Path(__file__).resolve().parents[1] / "planner" / "data" / "CWS-13-26.txt"
COLEAD_EMAIL, COLEAD_PASSWORD = "colead@example.org", "correct horse battery staple"
# A proposal as an office sends it through the JSON API (its address left to each test).
VOLUNTEERED = {
    "office": "AU",
    "name": "Eva Volunteer",
    "title": "Governing AI trials",
    "abstract": "What we learned.",
    "recommendations": [10],
    "duration": 25,
    "maturity": "production",
}

# The survey's next round (`second_round_csv`), as a co-lead writes it in the import's tabular form:
# AU answers again with another focus, KG and EM again, ZA for the first time (no time zone
# given) and KR too; the other offices of CWS/13/26 do not answer.
_NAMES = {
    "AU": ("IP Australia", "Australia/Sydney"),
    "KG": ("Kyrgyzpatent", "Asia/Bishkek"),
    "EM": ("European Union Intellectual Property Office (EUIPO)", "Europe/Madrid"),
    "ZA": ("Companies and Intellectual Property Commission (CIPC)", ""),
    "KR": ("Korean Intellectual Property Office (KIPO)", "Asia/Seoul"),
}
_SECOND_ROUND_ANSWERS = (
    ("AU", "focus", 1, "IP Australia completed the cloud migration of its forms in 2025."),
    ("AU", "focus", 4, "A zero-trust architecture is in production for all IP systems."),
    ("AU", "focus", 10, "Our AI image search for trade marks is in production."),
    ("AU", "discuss", 6, "Recommendation 6"),
    ("KG", "challenge", 1, "We need guidance on moving to the cloud; limited resources."),
    ("KG", "discuss", 1, "Recommendation 1"),
    ("EM", "focus", 1, "EUIPO completed its migration to the cloud."),
    ("ZA", "discuss", 1, "Recommendations 1 and 10"),
    ("ZA", "discuss", 10, "Recommendations 1 and 10"),
    ("KR", "focus", 10, "KIPO uses AI prior-art search in production."),
)


_COLUMNS = ["survey", "office", "office_name", "time_zone", "question", "recommendation", "text"]
_COLUMNS += ["answered_from", "answered_until"]


def second_round_csv() -> bytes:
    """The second round's file, as the import's tabular form reads it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_COLUMNS)
    for office, question, number, text in _SECOND_ROUND_ANSWERS:
        name, zone = _NAMES[office]
        writer.writerow(
            ["CWS/14/2026", office, name, zone, question, number, text, "2026-04-13", "2026-06-30"]
        )
    return out.getvalue().encode()


def import_second_round():
    """Store the second round (in the caller's app context, committed) beside the bundled
    survey: the import's outcome."""
    from planner.survey.operations import import_file

    outcome = import_file(second_round_csv(), "cws-2026.csv")
    db.session.commit()
    return outcome


def accepted_proposal(office: str, title: str = "AI-assisted classification"):
    """A proposal of `office` on Rec 10, accepted (committed): a presenter in the matches and
    line-ups whether the office answered the survey or not."""
    from planner.proposals.models import ProposalStatus
    from planner.proposals.operations import submit

    fields = {
        "contact_name": "Wen Li",
        "contact_email": f"wen.li@{office.lower()}.example",
        "title": title,
        "abstract": "Machine-learning classification and image search for trademarks, in use.",
        "duration_minutes": 20,
        "availability": "",
        "maturity": "production",
    }
    proposal, _ = submit(office, fields, [10], mail_sent=False)
    proposal.status = ProposalStatus.accepted
    db.session.commit()
    return proposal


def since_rows(page: str) -> dict[str, list[str]]:
    """The table of what changed since the round before: each question's cells, as a screen
    reader reads them (what is hidden from it left out: an empty cell's dash reads "none")."""
    (table,) = re.findall(r'<table class="data cards since-table">.*?</table>', page, re.S)
    table = re.sub(r'<span aria-hidden="true">.*?</span>', "", table, flags=re.S)
    return {
        re.sub(r"<[^>]+>", "", heading).strip(): [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells
        ]
        for heading, cells in (
            (row[0], re.findall(r"<td[^>]*>(.*?)</td>", row[1], re.S))
            for row in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table, re.S)
        )
    }


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on `url`, as a browser would submit it."""
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, f"no CSRF token on {url}"
    return match[1]


def session_csrf_token(client) -> str:
    """A CSRF token of `client`'s session, as any form of the app would give it (Flask-WTF's
    own `generate_csrf`), without rendering a page: for a test that posts data of its own and
    only needs a valid token to reach the view. A test of a form posts the token its page gave
    (`csrf_token`, `hidden_fields`)."""
    app = client.application
    with client.session_transaction() as held, app.app_context(), app.test_request_context():
        session.update(held)
        token = generate_csrf()
        held.update(session)
    return token


def import_checked_on_page(client, response):
    """The import form's answer followed as a co-lead does: to the page that shows what the
    file would import, then its "Import". Any other answer (a refusal: of the form, or the
    check page's of the file) is given back as it is."""
    where = response.headers.get("Location", "")
    if response.status_code != 303 or "/surveys/check/" not in where:
        return response
    shown = client.get(where)
    if shown.status_code != 200:
        return shown
    page = shown.get_data(as_text=True)
    check = re.search(r'name="check" value="([^"]*)"', page)
    assert check, page[:3000]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    return client.post(where, data={"csrf_token": token, "check": check[1]})


def add_slot_on_page(client, meeting_id: int, *, follow_redirects: bool = False, **fields):
    """A co-lead adds a slot with the meeting page's form: a 20-minute proposed presentation of
    no office, after the last presentation (before the slots closing the agenda, a closing
    discussion), unless `fields` say otherwise."""
    edit = f"/meetings/{meeting_id}/edit"
    data = {
        "csrf_token": csrf_token(client, edit),
        "title": "Squeezed in",
        "kind": "presentation",
        "duration_minutes": "20",
        "status": "proposed",
        "office": "",
        "proposal": "",
        "start": "",
        **fields,
    }
    return client.post(
        f"/meetings/{meeting_id}/slots", data=data, follow_redirects=follow_redirects
    )


def zones_offered(client, page: str) -> str:
    """The time zones a page's zone field offers, as its script fills its list (zone.js): the
    options at the address its datalist names."""
    address = re.search(r'<datalist id="[^"]+" data-options="([^"]+)"></datalist>', page)
    assert address, "no list of zones on the page"
    answer = client.get(html.unescape(address[1]))
    assert answer.status_code == 200, address[1]
    return answer.get_data(as_text=True)


def hidden_fields(client, url: str) -> dict[str, str]:
    """The hidden fields of the form on `url` (its CSRF token, the version or invitation it was
    filled in from), as a browser sends them back."""
    page = client.get(url).get_data(as_text=True)
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        if 'type="hidden"' in tag and (name := re.search(r'name="([^"]+)"', tag)):
            value = re.search(r'value="([^"]*)"', tag)
            fields[name[1]] = html.unescape(value[1]) if value else ""
    assert "csrf_token" in fields, f"no form on {url}"
    return fields


def form_of(client, url: str) -> dict:
    """The fields of the (last) form on `url` as a browser would post them unchanged."""
    return form_in(client.get(url).get_data(as_text=True))


def form_in(page: str, marker: str = 'name="version"') -> dict:
    """The fields of the form with a version (or the `marker` given) on `page` (a page's HTML,
    a refused save's too), as a browser would post them unchanged."""
    form = page[page.rindex("<form", 0, page.index(marker)) :]
    form = form[: form.index("</form>")]
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or (kind and kind[1] in ("checkbox", "radio") and "checked" not in tag):
            continue
        fields.setdefault(name[1], []).append(html.unescape(value[1]) if value else "")
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        # A browser drops the line break that follows <textarea> and sends breaks as CR LF.
        text = html.unescape(body.removeprefix("\r\n").removeprefix("\n"))
        fields[name] = [text.replace("\r\n", "\n").replace("\n", "\r\n")]
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        options = re.findall(r"<option[^>]*>", body)
        chosen = [
            html.unescape(re.search(r'value="([^"]*)"', o)[1])
            for o in options
            if re.search(r"\sselected\b", o)
        ]
        fields[name] = chosen or [re.search(r'value="([^"]*)"', body)[1]]
    return fields


def sign_in(client, email: str = COLEAD_EMAIL, password: str = COLEAD_PASSWORD):
    return client.post(
        "/login",
        data={"csrf_token": csrf_token(client, "/login"), "email": email, "password": password},
    )


def every_page(client, url: str, key: str = "matches") -> list:
    """The items of every page of a paginated API answer, following its `next` links."""
    items: list = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_json())
        body = response.get_json()
        items += body[key]
        url = body["next"]
    return items


@contextmanager
def counted_queries():
    """The SQL statements sent to the database inside the block."""
    statements = []

    def count(_connection, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def reset_database() -> None:
    """Every row deleted, children first, then the reference data (offices, recommendations)
    stored again and committed: the state each test starts from. Run in an app context."""
    db.session.rollback()
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        # In one round trip (a statement without parameters may hold several), not thirty.
        cursor = db.session.connection().connection.cursor()
        cursor.execute("; ".join(f'DELETE FROM "{table.name}"' for table in tables))
        cursor.close()
    else:
        for table in tables:
            db.session.execute(delete(table))
    seed_reference_data()
    db.session.commit()


def read_afresh() -> None:
    """End the test's own reading transaction, so that its next query reads what the requests
    committed since, as a new transaction would anywhere. A commit rather than a rollback: the
    test holds no change of its own here, and on the test's one connection (tests/conftest.py)
    returning to where its transaction began would undo the requests' changes too."""
    pending = db.session.new or db.session.dirty or db.session.deleted
    assert not pending, f"the test holds changes of its own: {pending}"
    db.session.commit()


def publish_as_planned(client, meeting_id: int, url: str | None = None, **post):
    """Publish the meeting as its co-leads did, before it took place: a meeting dated in the
    past (the tests of past meetings) is published a day before its start, since a meeting
    that has ended is not published. `url` and `post` for the page's form instead of the API."""
    import time_machine

    from planner.agenda.models import Meeting
    from planner.db_types import utcnow

    meeting = db.session.get(Meeting, meeting_id)
    db.session.refresh(meeting)
    url = url or f"/api/v1/meetings/{meeting_id}/publish"
    if meeting.ends_at is None or meeting.ends_at > utcnow():
        return client.post(url, **post)
    with time_machine.travel(meeting.starts_at - timedelta(days=1), tick=True):
        return client.post(url, **post)


def held_workshop(client, talks: list[dict], **meeting) -> int:
    """A workshop that took place (on 20 January 2026, unless `meeting` says otherwise), its
    `talks` (slots as the API takes them) given: confirmed, and published before it started, as
    its co-leads did. Its id. The tests of the next workshop look back on it."""
    fields = {
        "title": "Workshop on Recommendation 10",
        "starts_at": "2026-01-20T13:00:00+01:00",
        "time_zone": "Europe/Zurich",
        **meeting,
    }
    made = client.post("/api/v1/meetings", json=fields)
    assert made.status_code == 201, made.get_json()
    meeting_id = made.get_json()["id"]
    for talk in talks:
        slot = client.post(f"/api/v1/meetings/{meeting_id}/slots", json=talk)
        assert slot.status_code == 201, slot.get_json()
        confirmed = client.patch(
            f"/api/v1/slots/{slot.get_json()['id']}", json={"status": "confirmed"}
        )
        assert confirmed.status_code == 200, confirmed.get_json()
    assert publish_as_planned(client, meeting_id).status_code == 200
    return meeting_id


def ahead(day: str) -> str:
    """`day` moved on by whole 52-week years until it is after today: the same weekday in the
    same season (DST alike), for tests whose meeting must be to come (start times in the past
    are never suggested; a meeting that has ended is not published)."""
    moved = date.fromisoformat(day)
    while moved <= datetime.now(UTC).date() + timedelta(days=1):
        moved += timedelta(weeks=52)
    return moved.isoformat()


@contextmanager
def saved_first_by_someone_else(write, before):
    """Someone else's save lands between the request's checks and its own save: at the
    request's first flush for which `before(session)` holds, `write(connection)` runs on a
    connection of its own and is committed (tests marked `committed`). Yields a list that
    holds True once it has run, for the test to check that the race happened."""
    from sqlalchemy.orm import Session

    done: list[bool] = []

    def race(session, _context, _instances) -> None:
        if done or not before(session):
            return
        done.append(True)
        with db.engine.begin() as connection:
            write(connection)

    event.listen(Session, "before_flush", race)
    try:
        yield done
    finally:
        event.remove(Session, "before_flush", race)


def sent_at_once(
    first: Callable,
    second: Callable,
    held_before: type,
    given: float = 1.0,
    *,
    changing: bool = False,
) -> tuple:
    """Two requests at the same moment, in threads of their own (tests marked `committed`):
    `first` is held just before it flushes a new `held_before` row (with `changing`, a change
    to one it read), its checks done; `second`
    then runs and is given `given` seconds to finish; then `first` goes on. Returns both answers
    and whether `second` finished while `first` was held (False when it had to wait its turn).
    A test that expects `second` to finish meanwhile gives it longer: on a loaded machine a
    request can take more than a second, and the wait ends as soon as it is done."""
    from sqlalchemy.orm import Session

    holding, release = threading.Event(), threading.Event()
    first_thread: list[int] = []

    def hold(session, _context, _instances) -> None:
        mine = threading.get_ident() in first_thread and not holding.is_set()
        rows = session.dirty if changing else session.new
        if mine and any(isinstance(row, held_before) for row in rows):
            holding.set()
            release.wait(30)

    answers: dict[str, object] = {}

    def run(name: str, request: Callable) -> None:
        if name == "first":
            first_thread.append(threading.get_ident())
        answers[name] = request()

    event.listen(Session, "before_flush", hold)
    try:
        one = threading.Thread(target=run, args=("first", first))
        one.start()
        assert holding.wait(30), "the first request never reached its flush"
        two = threading.Thread(target=run, args=("second", second))
        two.start()
        two.join(given)
        finished_meanwhile = not two.is_alive()
        release.set()
        one.join(30)
        two.join(30)
    finally:
        release.set()
        event.remove(Session, "before_flush", hold)
    return answers["first"], answers["second"], finished_meanwhile


def said_in(language: str, english: str, **values) -> str:
    """`english` as the pages and messages in `language` say it (from its catalogue)."""
    with force_locale(language):
        return gettext(english, **values)


def in_page(language: str, english: str, **values) -> str:
    """`said_in`, as a page's source holds it (HTML-escaped; quotes as they are)."""
    return html.escape(said_in(language, english, **values), quote=False)


def summaries_in_tables(page: str) -> list[list[str]]:
    """What each disclosure in each table of `page` says, as a screen reader names it."""
    return [
        [
            re.sub(r"<[^>]+>", "", s).strip()
            for s in re.findall(r"<summary>(.*?)</summary>", t, re.S)
        ]
        for t in re.findall(r"<table.*?</table>", page, re.S)
    ]


@contextmanager
def database_of_its_own(tmp_path, like: str | None = None):
    """A SQLite file; on the test run's PostgreSQL server (TEST_DATABASE_URL), a database made
    for the test and dropped after it. `like`, another such database's address: a copy of it
    (the file copied; on PostgreSQL, made from it as a template, no one connected to it)."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        path = tmp_path / "m.sqlite3"
        if like is not None:
            shutil.copyfile(make_url(like).database, path)
        yield f"sqlite:///{path}"
        return
    name = f"planner_migration_{uuid.uuid4().hex[:12]}"
    template = f' TEMPLATE "{make_url(like).database}"' if like is not None else ""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"{template}')
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


def size_edited(office: Office, size: str, editor: str) -> None:
    """The office's size as a co-lead saved it on its edit page, the rest as it was: its source
    then names them ("edited by ...")."""
    update_office(
        office,
        name=office.name,
        city=office.city or "",
        time_zone=office.time_zone or "",
        size=size,
        region=office.region or "",
        editor=editor,
    )


# The same answer to question 8 in the five languages of the matching vocabulary.
SAME_WISH = {
    "en": ("Cybersecurity", "artificial intelligence", "cloud migration"),
    "es": ("Ciberseguridad", "inteligencia artificial", "migración a la nube"),
    "fr": ("Cybersécurité", "intelligence artificielle", "migration vers le cloud"),
    "pt": ("Cibersegurança", "inteligência artificial", "migração para a nuvem"),
    "ru": ("Кибербезопасность", "искусственный интеллект", "миграция в облако"),
}
WORD_FOR_AND = {"en": "and", "es": "y", "fr": "et", "pt": "e", "ru": "и"}
