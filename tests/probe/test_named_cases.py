"""The inputs issue 13 names, each answered with a 4xx and a message, the same on SQLite and
PostgreSQL, storing nothing: JSON nested 1000 deep, numbers beyond a column, ' ' in a number's
select, NUL characters; and values the app builds itself fit their columns, and a survey label
with no Latin letter still gets an address."""

import html
import json
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select, update
from werkzeug.datastructures import MultiDict

from planner.agenda.models import Meeting
from planner.availability.models import AvailabilityWindow
from planner.calendar.operations import office_feed_token
from planner.extensions import db
from planner.offices.models import Office
from planner.presenters.models import Invitation
from planner.proposals.models import ProposalEvent
from planner.recommendations.models import Recommendation
from planner.survey.models import Survey
from planner.survey.records import slugify
from tests.probe.support import (
    PROPOSAL,
    build_world,
    check_answer,
    colead_pages,
    public_pages,
    read_forms,
    row_counts,
)
from tests.support import BUNDLED, csrf_token

DEEP = "[" * 1000 + "]" * 1000


def _json(client, method: str, url: str, body: str):
    before = row_counts()
    response = client.open(url, method=method, data=body, content_type="application/json")
    check_answer(response, before, f"{method} {url}")
    return response


def test_json_nested_1000_deep_is_a_400_everywhere(client, colead_client, survey):
    world = build_world(client, colead_client)
    for method, url in (
        ("post", "/api/v1/proposals"),
        ("post", "/api/v1/lineups"),
        ("post", "/api/v1/meetings"),
        ("patch", f"/api/v1/meetings/{world.meeting}"),
        ("post", f"/api/v1/meetings/{world.meeting}/slots"),
        ("patch", f"/api/v1/slots/{world.slot}"),
        ("post", f"/api/v1/slots/{world.slot}/invite"),
        ("patch", f"/api/v1/proposals/{world.proposal}"),
    ):
        for body in (DEEP, '{"title": ' + DEEP + "}"):
            response = _json(colead_client, method, url, body)
            assert response.status_code == 400
            assert response.get_json()["message"] == "The JSON body nests deeper than 32 levels."
    # The anonymous proposals API reads the body the same way.
    assert _json(client, "post", "/api/v1/proposals", DEEP).status_code == 400


def test_a_name_given_twice_in_a_json_object_is_a_400_not_the_last_kept(
    client, colead_client, survey
):
    """json keeps the last of two values silently; one of them was typed in vain (helper-51)."""
    world = build_world(client, colead_client)
    body = '{"title": "Kept?", "title": "Or this?"}'
    for method, url in (
        ("post", "/api/v1/meetings"),
        ("patch", f"/api/v1/meetings/{world.meeting}"),
        ("patch", f"/api/v1/slots/{world.slot}"),
        ("post", f"/api/v1/slots/{world.slot}/invite"),
    ):
        response = _json(colead_client, method, url, body)
        assert response.status_code == 400, (url, response.get_json())
        assert response.get_json()["message"] == (
            'The JSON names "title" twice in one object: send each name once.'
        )
    assert _json(client, "post", "/api/v1/proposals", body).status_code == 400


@pytest.mark.parametrize("numbers", [(2**31, -(2**63) - 1), (2**63, 10**30)])
def test_numbers_beyond_a_column_are_4xx(client, colead_client, survey, numbers):
    world = build_world(client, colead_client)
    for number in numbers:
        _refused_everywhere(colead_client, world, number)


def _refused_everywhere(colead_client, world, number: int) -> None:
    for url in (
        f"/api/v1/meetings/{number}",
        f"/meetings/{number}",
        f"/lineups/{number}",
        f"/recommendations/{number}",
        f"/surveys/CWS-13-26/answers/{number}",
        f"/api/v1/proposals?recommendation={number}",
        f"/api/v1/meetings?page={number}",
        f"/api/v1/meetings?per_page={number}",
        f"/api/v1/matches?recommendation={number}",
        f"/api/v1/matches?limit={number}",
        f"/api/v1/surveys/CWS-13-26/answers?recommendation={number}",
        f"/api/v1/meetings/{world.meeting}/suggest-times?duration_minutes={number}",
        f"/proposals?recommendation={number}",
        f"/lineups/new?from={number}",
    ):
        before = row_counts()
        response = colead_client.get(url)
        check_answer(response, before, f"GET {url}")
        assert 400 <= response.status_code < 500, url
    bodies = [
        ("post", "/api/v1/proposals", {**PROPOSAL, "recommendations": [number]}),
        ("post", "/api/v1/proposals", {**PROPOSAL, "duration": number}),
        ("post", "/api/v1/meetings", {"title": "T", "duration_minutes": number}),
        ("post", "/api/v1/lineups", {"recommendation": number, "slots": 3}),
        ("post", f"/api/v1/meetings/{world.meeting}/slots", {"title": "S", "proposal_id": number}),
        ("patch", f"/api/v1/proposals/{world.proposal}", {"status": "accepted", "version": number}),
    ]
    for method, url, body in bodies:
        response = _json(colead_client, method, url, json.dumps(body))
        assert response.status_code == 400
        answer = response.get_json()
        assert f"takes a number beyond {2**31 - 1} either way" in answer["message"]
        # Named, as a field's own problem is (helper-84).
        where = answer["field"]
        assert where.split("[")[0] in body and where in answer["fields"], (url, answer)
    page = f"/lineups/{world.lineup}"
    before = row_counts()
    response = colead_client.post(
        f"/lineups/{world.lineup}/accept",
        data={"csrf_token": csrf_token(colead_client, page), "meeting": str(number)},
    )
    check_answer(response, before, "accept into a meeting no column holds")
    assert 400 <= response.status_code < 500


def test_a_blank_in_a_number_select_is_refused_or_ignored(client, colead_client, survey):
    world = build_world(client, colead_client)
    posts = [
        (colead_client, f"/lineups/{world.lineup}", f"/lineups/{world.lineup}/accept", {}),
        (
            colead_client,
            f"/meetings/{world.meeting}",
            f"/meetings/{world.meeting}/slots",
            {"title": "S", "duration_minutes": "20"},
        ),
        (colead_client, "/meetings/new", "/meetings/new", {"title": "T"}),
        (client, "/volunteer", "/volunteer", {"office": "IL", "title": "T"}),
    ]
    for who, page, action, data in posts:
        token = csrf_token(who, page)
        for name in ("meeting", "proposal", "series", "recommendations", "duration_minutes"):
            before = row_counts()
            response = who.post(action, data={**data, "csrf_token": token, name: " "})
            check_answer(response, before, f"POST {action} {name}=' '")


# Blanks that `str.strip` removes and `int` refuses.
BLANKS = (" ", "\t", "\xa0", "\u2028", "\u3000", "\x1c", "\x85")


def test_a_blank_choice_in_a_filled_in_form_is_no_choice(client, colead_client, survey):
    """The meeting's series and the slot's linked proposal, chosen as blanks in a form that is
    otherwise as the page filled it in: saved as no choice, never a server error."""
    world = build_world(client, colead_client)
    for page, name in (
        (f"/meetings/{world.meeting}/edit", "series"),
        (f"/slots/{world.slot}/edit", "proposal"),
    ):
        for blank in BLANKS:
            # Read again each time: a save may have moved the version the form carries.
            (form,) = [f for f in read_forms(colead_client, [page]) if name in f.names]
            sent = MultiDict([(n, blank if n == name else v) for n, v in form.fields])
            before = row_counts()
            response = colead_client.post(form.action, data=sent)
            check_answer(response, before, f"POST {form.action} {name}={blank!r}")
            assert response.status_code == 302, (name, blank, response.status_code)


def test_nul_characters_are_refused_and_never_stored(client, colead_client, survey):
    world = build_world(client, colead_client)
    urls = ("/offices/A%00", "/surveys/C%00/summary", "/api/v1/matches?survey=%00", "/?survey=%00")
    # Also a NUL in a name's second value, which a view reading getlist() would meet.
    urls += ("/?question=focus&question=%00", "/recommendations/10/matches?office=AU&office=%00")
    for url in urls:
        before = row_counts()
        response = client.get(url)
        check_answer(response, before, f"GET {url}")
        assert response.status_code in (400, 404), url
    token = csrf_token(client, "/volunteer")
    forms = ({"title": "a\x00b"}, {"office": "I\x00"}, {"recommendations": "1\x00"}, {"x\x00": "1"})
    for data in forms:
        before = row_counts()
        response = client.post("/volunteer", data={"csrf_token": token, **data})
        check_answer(response, before, f"POST /volunteer {data!r}")
        assert response.status_code == 400
    for body in ({**PROPOSAL, "title": "a\x00b"}, {**PROPOSAL, "office": "I\x00"}, {"\x00": 1}):
        response = _json(client, "post", "/api/v1/proposals", json.dumps(body))
        assert response.status_code == 400
    response = _json(
        colead_client, "patch", f"/api/v1/meetings/{world.meeting}", '{"title": "a\\u0000b"}'
    )
    assert response.status_code == 400
    # Values that name something to look up (helper-79: a 500 on PostgreSQL each).
    for method, url, body in (
        ("patch", f"/api/v1/slots/{world.slot}", '{"office": "A\\u0000U"}'),
        (
            "post",
            f"/api/v1/meetings/{world.meeting}/slots",
            '{"title": "t", "office": "A\\u0000U"}',
        ),
        ("post", "/api/v1/lineups", '{"recommendation": 10, "slots": 3, "survey": "CWS\\u0000"}'),
    ):
        before = row_counts()
        response = _json(colead_client, method, url, body)
        check_answer(response, before, f"{method.upper()} {url} {body}")
        assert response.status_code in (400, 404), (url, response.get_json())
    edit = f"/meetings/{world.meeting}/edit"
    before = row_counts()
    response = colead_client.post(
        f"/meetings/{world.meeting}/offices",
        data={"csrf_token": csrf_token(colead_client, edit), "offices": ["AU", "A\x00U"]},
    )
    check_answer(response, before, "POST offices A\\x00U")
    assert response.status_code == 400
    assert "Unknown office code(s): A" in response.get_data(as_text=True)


def test_a_form_that_is_not_utf8_is_refused_not_stored_as_escapes(client, survey):
    """Percent-escapes that are no UTF-8 (raw bytes, half a surrogate pair) would reach the
    database as the letters "%FF%FE": the form is refused instead; real UTF-8 passes."""
    token = csrf_token(client, "/volunteer")
    for escaped in ("%FF%FE", "a%ED%A0%80b", "%C3"):
        before = row_counts()
        body = f"csrf_token={token}&office=IL&title={escaped}&abstract=x"
        response = client.post(
            "/volunteer", data=body, content_type="application/x-www-form-urlencoded"
        )
        check_answer(response, before, f"POST /volunteer title={escaped}")
        assert response.status_code == 400
        assert "not sent as UTF-8" in response.get_data(as_text=True)
    fine = client.post(
        "/volunteer",
        data=f"csrf_token={token}&office=IL&title=Caf%C3%A9%20%25FF",
        content_type="application/x-www-form-urlencoded",
    )
    assert fine.status_code == 400  # other fields are missing, but the title comes back as sent
    assert 'value="Café %FF"' in fine.get_data(as_text=True)


def _multipart(fields: dict[str, bytes], charset: str | None = None) -> tuple[bytes, str]:
    boundary = "----planner-test-boundary"
    kind = f"Content-Type: text/plain; charset={charset}\r\n" if charset else ""
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n{kind}\r\n'.encode()
        + value
        + b"\r\n"
        for name, value in fields.items()
    )
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_a_multipart_form_that_is_not_utf8_is_refused_not_stored_with_replacements(client, survey):
    """The multipart parser would keep bytes it cannot read as U+FFFD: refused as the urlencoded
    form is; a U+FFFD really sent (as UTF-8) comes back as sent."""
    token = csrf_token(client, "/volunteer").encode()
    for raw, charset in (
        (b"\xff\xfe", None),
        (b"a\xed\xa0\x80b", None),
        (b"caf\xe9", None),
        (b"Ascii \xff\xfe title", "us-ascii"),
        (b"caf\xe9", "ascii"),
        (b"caf\xe9", "UTF-8"),
    ):
        before = row_counts()
        body, kind = _multipart({"csrf_token": token, "office": b"IL", "title": raw}, charset)
        response = client.post("/volunteer", data=body, content_type=kind)
        check_answer(response, before, f"POST /volunteer multipart title={raw!r}")
        assert response.status_code == 400
        assert "not sent as UTF-8" in response.get_data(as_text=True)
    for charset in (None, "ascii"):  # UTF-8 said to be ASCII is read as the UTF-8 it is
        fields = {"csrf_token": token, "office": b"IL", "title": "Café �".encode()}
        body, kind = _multipart(fields, charset)
        fine = client.post("/volunteer", data=body, content_type=kind)
        assert fine.status_code == 400  # other fields are missing; the title comes back as sent
        assert 'value="Café �"' in fine.get_data(as_text=True)


def test_a_bad_csrf_token_is_a_400_that_stores_nothing(client, survey):
    before = row_counts()
    response = client.post("/volunteer", data={"csrf_token": "forged", "office": "IL"})
    check_answer(response, before, "POST /volunteer with a forged token")
    assert response.status_code == 400


def test_forms_that_end_something_refuse_awkward_values(client, colead_client, survey):
    world = build_world(client, colead_client)
    for who, page, action in (
        (colead_client, f"/meetings/{world.meeting}", f"/meetings/{world.meeting}/delete"),
        (colead_client, f"/slots/{world.slot}/edit", f"/slots/{world.slot}/delete"),
        (colead_client, "/offices/AU", "/offices/AU/feed/revoke"),
        (colead_client, "/offices/IL", "/offices/IL/feed/email"),
        (
            colead_client,
            f"/slots/{world.invited}/edit",
            f"/slots/{world.invited}/invitation/revoke",
        ),
        (client, f"/proposals/{world.token}/withdraw", f"/proposals/{world.token}/withdraw"),
        (colead_client, "/account/password", "/account/password"),
    ):
        token = csrf_token(who, page)
        for value in ("\x00", " ", str(2**63), "x" * 5000, "a\nb", "é", "\U000d3ee5"):
            data = {"csrf_token": token, "version": value, "current": value, "new": value}
            data["confirm"] = data["link_seen"] = value
            before = row_counts()
            response = who.post(action, data=data)
            check_answer(response, before, f"POST {action} with {value[:10]!r}")
    assert colead_client.get("/account/password").status_code == 200  # still signed in


def test_head_of_a_page_past_a_listings_last_answers_as_get_does(client, survey):
    """The 404 of a page past a listing's last leads to its first page (helper-82); a HEAD of
    it said nothing of the way back, so its headers (the length) were not GET's."""
    url = "/recommendations/10/matches?survey=CWS-13-26&page=999"
    got, head = client.get(url), client.head(url)
    assert (head.status_code, got.status_code) == (404, 404)
    assert "The first page" in got.text
    assert head.headers["Content-Length"] == got.headers["Content-Length"]


def test_head_answers_as_get_does_and_writes_nothing(client, colead_client, survey):
    """HEAD is GET without the body (RFC 9110), and CSRF protection guards no HEAD: a view of
    both a page and its form that takes any method but GET for the form's must not take HEAD
    for it (a meeting's start was moved by a HEAD carrying a form)."""
    world = build_world(client, colead_client)
    presenter = f"/presenter/{world.presenter}/materials"
    for who, pages in (
        (colead_client, [*colead_pages(world), presenter, f"/lineups/new?from={world.lineup}"]),
        (client, [*public_pages(world), presenter]),
    ):
        for page in pages:
            got, head = who.get(page).status_code, who.head(page).status_code
            assert head == got, f"HEAD {page}: {head}, GET: {got}"
    meeting = db.session.get(Meeting, world.meeting)
    was = meeting.starts_at
    form = {"starts_at": (was + timedelta(hours=1)).isoformat(), "start_seen": was.isoformat()}
    colead_client.open(f"/meetings/{world.meeting}/suggest", method="HEAD", data=form)
    db.session.expire_all()
    assert db.session.get(Meeting, world.meeting).starts_at == was


def test_the_history_actor_fits_its_column(client, survey):
    long_email = "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".org"
    body = {**PROPOSAL, "name": "N" * 120, "email": long_email}
    response = client.post("/api/v1/proposals", json=body)
    assert response.status_code == 201, response.get_json()
    actor = response.get_json()["history"][0]["actor"]
    column = ProposalEvent.__table__.c.actor.type.length
    assert 0 < len(actor) <= column
    stored = db.session.scalar(select(func.max(func.length(ProposalEvent.actor))))
    assert stored <= column


def test_a_line_up_meeting_title_fits_its_column(client, colead_client, survey):
    recommendation = db.session.get(Recommendation, 10)
    recommendation.short_title = "Long " * 40  # 200 characters, the column's limit
    db.session.commit()
    world = build_world(client, colead_client)
    page = f"/lineups/{world.lineup}"
    response = colead_client.post(
        f"/lineups/{world.lineup}/accept", data={"csrf_token": csrf_token(colead_client, page)}
    )
    assert response.status_code == 302
    titles = db.session.scalars(select(Meeting.title)).all()
    assert all(len(title) <= Meeting.__table__.c.title.type.length for title in titles)


def test_a_survey_label_without_latin_letters_gets_an_address(cli, client, app_context):
    assert slugify("调查") and slugify("问卷") and slugify("调查") != slugify("问卷")
    assert slugify("CWS/13/26") == "CWS-13-26"
    result = cli.invoke(args=["survey", "import", str(BUNDLED), "--label", "调查"])
    assert result.exit_code == 0, result.output
    survey = db.session.scalar(select(Survey))
    assert survey.slug.startswith("survey-")
    for url in (
        f"/surveys/{survey.slug}",
        f"/surveys/{survey.slug}/summary",
        f"/api/v1/surveys/{survey.slug}/answers?office=AU",
        "/?survey=调查",
    ):
        assert client.get(url).status_code == 200, url


def test_no_nul_reaches_postgresql_whatever_the_code_path(app_context):
    """The last guard (planner/app.py): a value with a NUL that no check refused is the
    request's fault (a 400) on PostgreSQL, which would raise a server error; on SQLite it
    names nothing."""
    from planner.errors import PlannerError
    from planner.offices.models import Office

    if db.engine.dialect.name == "postgresql":
        with pytest.raises(PlannerError, match="NUL character"):
            db.session.get(Office, "A\x00")
        db.session.rollback()
    else:
        assert db.session.get(Office, "A\x00") is None
    assert db.session.get(Office, "AU") is not None


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff", "\u200b \u2060\u00a0", "\u200d\u200c"])
def test_a_required_text_of_invisible_characters_alone_is_no_text(
    client, colead_client, survey, invisible
):
    """helper-202: a title of a zero-width space alone was taken, and showed as no title on
    every page. On the volunteer's form and API, and a meeting's title on the API, it is
    refused as missing; nothing is stored. Text with a joiner between letters is kept."""
    before = row_counts()
    form = {**PROPOSAL, "title": invisible}
    answer = client.post("/api/v1/proposals", json=form)
    assert answer.status_code == 400
    assert answer.get_json()["fields"]["title"] == ["Give the presentation a title."]
    meeting = colead_client.post("/api/v1/meetings", json={"title": invisible})
    assert meeting.status_code == 400 and "title is required" in meeting.get_json()["message"]
    assert row_counts() == before
    joined = colead_client.post("/api/v1/meetings", json={"title": "AI\u200dsearch"})
    assert joined.status_code == 201 and joined.get_json()["title"] == "AI\u200dsearch"


def test_the_invite_api_refuses_awkward_invitations_and_stores_a_good_one(
    client, colead_client, survey
):
    """POST /api/v1/slots/<id>/invite, sent what a script might: each awkward invitation is a 4xx
    with a message that stores nothing, and a good one, with an address, is stored with its
    email and calendar part (whose lines end in CR LF, as iCalendar's do: no refused text)."""
    from planner.agenda.models import Slot
    from planner.presenters.operations import invited_stamp

    world = build_world(client, colead_client)
    url = f"/api/v1/slots/{world.slot}/invite"
    good = {"name": "Alex", "email": "alex@ipaustralia.example", "time_zone": "Sydney"}
    awkward = [
        "[]",
        '"Alex"',
        "null",
        '{"name": "Alex", "name": "Sam"}',
        json.dumps({**good, "email": "alex@ipaustralia.example\r\nBcc: eve@example.org"}),
        json.dumps({**good, "email": "Alex <alex@ipaustralia.example>"}),
        json.dumps({**good, "email": "a@b.example, c@d.example"}),
        json.dumps({**good, "name": "Alex\u202eevil"}),
        json.dumps({**good, "name": "x" * 121}),
        json.dumps({**good, "name": {"first": "Alex"}}),
        json.dumps({**good, "time_zone": "x" * 5000}),
        json.dumps({**good, "language": "EN"}),
        json.dumps({**good, "invited": 2**63}),
        json.dumps({**good, "token": "mine"}),
    ]
    for body in awkward:
        before = row_counts()
        response = _json(colead_client, "post", url, body)
        check_answer(response, before, f"POST {url} {body[:80]}")
        assert 400 <= response.status_code < 500, body
    before = row_counts()
    response = _json(colead_client, "post", url, json.dumps(good))
    check_answer(response, before, f"POST {url} {good}")
    assert response.status_code == 201, response.get_json()
    stamp = invited_stamp(db.session.get(Slot, world.slot))
    for body in (good, {**good, "invited": stamp + "x"}, {**good, "invited": stamp[:-1]}):
        before = row_counts()
        again = _json(colead_client, "post", url, json.dumps(body))
        check_answer(again, before, f"POST {url} again")
        assert again.status_code == 409, body


def test_a_time_zone_this_machine_does_not_know_opens_every_page_saying_so(
    client, colead_client, survey
):
    """A database copied from a machine with newer tzdata keeps zones this one does not know
    ("Europe/Kyiv" on older tzdata; here "America/Nowhere", written into the rows as such a copy
    holds it). Each page reading one was a 500: an office's page and the offices list, the
    meeting pages showing an office's or the meeting's time, the agenda editor, fair start
    times, the presenter's page, the proposals and line-ups beside them. Each opens; the
    office's page says its zone is not known here, and times in an unknown zone are said in UTC,
    naming the zone that is not known (helper-350)."""
    world = build_world(client, colead_client)
    # The presenter's and the volunteer's times they can present in.
    invitation = db.session.scalar(select(Invitation))
    for owner in ({"invitation_id": invitation.id}, {"proposal_id": world.accepted}):
        db.session.add(
            AvailabilityWindow(
                **owner, time_zone="UTC", weekdays="1111100", starts=time(9), ends=time(17)
            )
        )
    db.session.commit()
    pages = [*colead_pages(world), "/offices", "/meetings", "/api/v1/meetings", "/volunteer"]
    for rows in (Office, Meeting, Invitation, AvailabilityWindow):
        db.session.execute(update(rows).values(time_zone="America/Nowhere"))
        db.session.commit()
        for url in pages:
            assert colead_client.get(url).status_code == 200, (rows.__name__, url)
        for url in public_pages(world):
            assert client.get(url).status_code == 200, (rows.__name__, url)
    office = html.unescape(colead_client.get("/offices/AU").get_data(as_text=True))
    assert "(not known to this server's time zone database" in office
    assert "unknown: America/Nowhere is not known here" in office
    meeting = html.unescape(client.get(f"/meetings/{world.published}").get_data(as_text=True))
    assert (
        '12:00–14:00 (UTC+0)</time> <span class="muted">in UTC (America/Nowhere is not known here)'
        in meeting
    )
    # The agenda's table, as the page links it.
    assert (
        client.get(f"/meetings/{world.published}/agenda.csv?zone=America/Nowhere").status_code
        == 200
    )
    # The office's feed and the meeting's calendar are written in UTC as ever.
    token = office_feed_token(db.session.get(Office, "AU"), "test-secret-key")
    for url in (f"/feeds/offices/AU.ics?token={token}", f"/meetings/{world.published}.ics"):
        feed = client.get(url)
        assert feed.status_code == 200 and "DTSTART:20300310T120000Z" in feed.get_data(True)
