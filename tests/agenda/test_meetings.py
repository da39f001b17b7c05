"""Meetings and slots through the pages and the API: times, order, publishing, and bad input."""

import html
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select, update

from planner.agenda.models import Meeting, MeetingSeries, Slot
from planner.extensions import db
from planner.timezones import local_time
from tests.presenters.support import invite
from tests.support import (
    VOLUNTEERED,
    add_slot_on_page,
    ahead,
    csrf_token,
    form_of,
    held_workshop,
    hidden_fields,
    publish_as_planned,
    zones_offered,
)

MEETING = {
    "title": "Rec 10 workshop",
    "starts_at": "2026-03-10T12:00:00+01:00",
    "duration_minutes": 90,
    "time_zone": "Europe/Zurich",
    "video_url": "https://video.example/rec10",
}


def shift(days: str, by: str) -> str:
    """The dates in `days` moved by as many weeks as `by` (see `ahead`)."""
    weeks = (date.fromisoformat(ahead(by)) - date.fromisoformat(by)).days // 7
    return re.sub(
        r"\d{4}-\d{2}-\d{2}",
        lambda m: (date.fromisoformat(m[0]) + timedelta(weeks=weeks)).isoformat(),
        days,
    )


@pytest.fixture
def before_it():
    """A day before the meeting below (10 March 2026), for the tests that cancel it: a meeting
    is not cancelled once it has ended. First among a test's fixtures, before any sign-in,
    whose session is stamped with the time."""
    with time_machine.travel(datetime(2026, 2, 2, 9, tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def meeting(api, survey):
    body = api.post("/api/v1/meetings", json=MEETING).get_json()
    for slot in (
        {"title": "Opening", "kind": "discussion", "duration_minutes": 10},
        {
            "title": "IP Australia on governance",
            "office": "AU",
            "recommendations": [10],
            "duration_minutes": 20,
        },
        {
            "title": "Poland on Autopatent",
            "office": "PL",
            "recommendations": [10],
            "duration_minutes": 20,
        },
    ):
        assert api.post(f"/api/v1/meetings/{body['id']}/slots", json=slot).status_code == 201
    return db.session.get(Meeting, body["id"])


def test_api_round_trip(api, meeting):
    body = api.get(f"/api/v1/meetings/{meeting.id}").get_json()
    assert body["starts_at"] == "2026-03-10T12:00:00+01:00"
    assert body["ends_at"] == "2026-03-10T13:30:00+01:00"
    assert [(s["title"], s["starts_at"]) for s in body["slots"]] == [
        ("Opening", "2026-03-10T12:00:00+01:00"),
        ("IP Australia on governance", "2026-03-10T12:10:00+01:00"),
        ("Poland on Autopatent", "2026-03-10T12:30:00+01:00"),
    ]
    assert meeting.starts_at == datetime(2026, 3, 10, 11, tzinfo=UTC)  # stored in UTC
    # Made with a start and lengths of their own, yet in no calendar: SEQUENCE is still 0.
    assert [body["sequence"], *(s["sequence"] for s in body["slots"])] == [0, 0, 0, 0]


def test_every_meeting_field_the_api_takes_it_also_answers(api, meeting):
    """materials_public was taken by PATCH and answered by no GET (helper-187): a script that
    made slides public could not read back whether they were."""
    url = f"/api/v1/meetings/{meeting.id}"
    assert api.get(url).get_json()["materials_public"] == "after"
    changed = api.patch(url, json={"materials_public": "now"}).get_json()
    assert changed["materials_public"] == "now"
    assert api.get(url).get_json()["materials_public"] == "now"
    listed = api.get("/api/v1/meetings").get_json()["meetings"]
    assert [m["materials_public"] for m in listed if m["id"] == meeting.id] == ["now"]
    unknown = api.patch(url, json={"colour": "red"}).get_json()["message"]
    taken = unknown.partition("The meeting fields are: ")[2].rstrip(".").split(", ")
    assert set(taken) <= set(changed)


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("Geneva", "Europe/Zurich"), ("Ginebra", "Europe/Zurich"), ("Lima", "America/Lima")],
)
def test_a_city_names_the_home_zone(api, meeting, typed, zone):
    response = api.patch(f"/api/v1/meetings/{meeting.id}", json={"time_zone": typed})
    assert response.status_code == 200
    assert response.get_json()["time_zone"] == zone


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"starts_at": "2026-03-29T02:30:00"}, "does not exist in Europe/Zurich"),
        ({"starts_at": "2026-10-25T02:30:00"}, "happens twice in Europe/Zurich"),
        # An offset given, not one the zone has then (helper-94: it was asked for).
        (
            {"starts_at": "2026-10-25T02:30:00+03:00"},
            "2026-10-25T02:30:00+03:00 has another offset than Europe/Zurich has then: "
            "2026-10-25 02:30 there is UTC+2 or UTC+1 (it happens twice",
        ),
        ({"time_zone": "CET"}, '"CET" is not a time zone name'),
        ({"time_zone": "Mars/Olympus"}, "is not a time zone name"),
        ({"time_zone": "Brazil"}, "fits several time zones; choose one: America/Araguaina"),
        ({"duration_minutes": -30}, "The duration must be positive."),
        ({"starts_at": "next Tuesday"}, 'starts_at "next Tuesday" is not an ISO 8601 date-time'),
        ({"starts_at": 20270101}, "starts_at 20270101 is not an ISO 8601 date-time"),
        # A date alone was midnight, the compact form taken unread (helper-60).
        ({"starts_at": "2027-01-01"}, "is not an ISO 8601 date-time"),
        ({"starts_at": "20270101T100000Z"}, "is not an ISO 8601 date-time"),
        # Written right, but no such day or hour: said as such (helper-100).
        (
            {"starts_at": "2030-02-30T10:00:00"},
            'starts_at "2030-02-30T10:00:00" is no date and time that exists: February 2030 '
            "has 28 days.",
        ),
        ({"starts_at": "2028-02-30T10:00"}, "exists: February 2028 has 29 days."),
        ({"starts_at": "2030-13-01T10:00"}, "exists: there is no month 13."),
        ({"starts_at": "2030-01-01T25:00"}, "exists: an hour is 00 to 23, not 25."),
        ({"starts_at": "2030-01-01T10:60"}, "exists: a minute is 00 to 59, not 60."),
        ({"video_url": "javascript:alert(1)"}, "must be a web address"),
        ({"colour": "red"}, "Unknown meeting field(s): colour. The meeting fields are: title,"),
        ({"x" * 5000: 1}, "Unknown meeting field(s): " + "x" * 40 + "…. The meeting fields"),
        ({"starts_at": "0001-01-01T00:30:00+05:00"}, "Give a date between 2000 and 2100."),
        ({"starts_at": "9999-12-31T23:30:00"}, "Give a date between 2000 and 2100."),
        # The page saves minutes: seconds would move the meeting at its next save (helper-85).
        (
            {"starts_at": "2027-06-01T10:00:00.123456789Z"},
            "Give the start to the minute, such as 2027-06-01T10:00:00+00:00",
        ),
        ({"starts_at": "2027-06-01T10:00:30-05:00"}, "Give the start to the minute"),
    ],
)
def test_bad_meeting_input_is_a_clear_400(api, meeting, payload, message):
    response = api.patch(f"/api/v1/meetings/{meeting.id}", json=payload)
    assert response.status_code == 400
    assert message in response.get_json()["message"]
    if "starts_at" in payload and ("ISO 8601" in message or "minute" in message):
        assert response.get_json()["field"] == "starts_at"  # named, as the others (helper-84)
    if set(payload) <= {"colour", "x" * 5000}:
        # An unknown field named in fields, under its name as sent (helper-187, helper-189).
        (name,) = payload
        assert response.get_json()["fields"] == {name: [response.get_json()["message"]]}


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"title": "Far", "offset_minutes": 10**9}, "within 24 hours of its meeting's start"),
        ({"title": "Far", "starts_at": "2026-03-12T12:00:00+01:00"}, "within 24 hours"),
        ({"title": "Early", "offset_minutes": -5}, "cannot start before its meeting"),
        ({"title": "Odd", "starts_at": "2026-03-10T13:20:05+01:00"}, "Give the start to the"),
        # A number in quotes is no proposal's id, not a proposal that does not exist (helper-187:
        # "No proposal '1'." where proposal 1 was there).
        ({"title": "Quoted", "proposal_id": "1"}, "proposal_id is a proposal's number, such as 3"),
        ({"title": "Yes", "proposal_id": True}, "proposal_id is a proposal's number, such as 3"),
    ],
)
def test_bad_slot_input_is_a_clear_400(api, meeting, payload, message):
    response = api.post(f"/api/v1/meetings/{meeting.id}/slots", json=payload)
    assert response.status_code == 400
    assert message in response.get_json()["message"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/meetings/99999999999999999999",
        "/api/v1/meetings/2147483648",
        "/meetings/99999999999999999999",
        "/meetings/2147483648.ics",
    ],
)
def test_ids_beyond_what_the_database_holds_are_404(api, survey, url):
    assert api.get(url).status_code == 404


@pytest.mark.parametrize("method", ["get", "patch", "delete", "options"])
@pytest.mark.parametrize("url", ["/api/v1/slots/2147483648", "/api/v1/meetings/2147483648"])
def test_every_method_on_an_id_beyond_the_database_is_404_not_405(api, survey, url, method):
    """Werkzeug's own refusal skipped the rule, and a rule for other methods answered 405."""
    response = getattr(api, method)(url, json={})
    assert response.status_code == 404
    assert "the number is too large" in response.get_json()["message"]


def test_a_published_meeting_cannot_quietly_disappear(before_it, api, meeting):
    assert publish_as_planned(api, meeting.id).status_code == 200
    for payload, message in (
        ({"status": "draft"}, "cannot become a draft again; cancel it"),
        ({"starts_at": None}, "keeps a start; move it, or cancel it"),
    ):
        response = api.patch(f"/api/v1/meetings/{meeting.id}", json=payload)
        assert response.status_code == 400
        assert message in response.get_json()["message"]
    assert (
        api.patch(f"/api/v1/meetings/{meeting.id}", json={"status": "cancelled"}).status_code == 200
    )


def test_a_published_meeting_is_not_moved_into_the_past(before_it, api, meeting):
    """Its subscribers and presenters would be told it took place without them: the API and the
    edit page refuse, the page keeps what the co-lead typed; a move to a day to come is fine."""
    assert publish_as_planned(api, meeting.id).status_code == 200
    url = f"/api/v1/meetings/{meeting.id}"
    sequence = api.get(url).get_json()["sequence"]
    refused = api.patch(url, json={"starts_at": "2026-02-01T10:00:00+01:00"})
    assert refused.status_code == 400
    message = refused.get_json()["message"]
    assert "not moved into the past (1 February 2026 at 09:00 UTC has passed)" in message
    edit = f"/meetings/{meeting.id}/edit"
    form = {
        "csrf_token": csrf_token(api, edit),
        "title": "Moved by mistake",
        "kind": "taskforce",
        "day": "2026-01-20",
        "start": "10:00",
        "time_zone": "Europe/Zurich",
        "materials_public": "after",
        "version": re.search(r'name="version" value="([^"]+)"', api.get(edit).text)[1],
    }
    page = api.post(edit, data=form)
    assert page.status_code == 400
    assert "not moved into the past" in html.unescape(page.text)
    assert 'value="Moved by mistake"' in page.text and 'value="2026-01-20"' in page.text
    body = api.get(url).get_json()
    assert body["sequence"] == sequence and body["title"] == MEETING["title"]
    later = api.patch(url, json={"starts_at": "2026-03-17T10:00:00+01:00"})
    assert later.status_code == 200 and later.get_json()["sequence"] > sequence


def test_a_cancelled_meeting_is_never_published_again(before_it, api, meeting):
    """Its cancellation went to every calendar: neither the API nor a tab opened before the
    cancellation brings it back."""
    token = csrf_token(api, f"/meetings/{meeting.id}/edit")  # the tab, opened while a draft
    assert publish_as_planned(api, meeting.id).status_code == 200
    cancelled = api.patch(f"/api/v1/meetings/{meeting.id}", json={"status": "cancelled"})
    sequence = cancelled.get_json()["sequence"]
    again = publish_as_planned(api, meeting.id)
    assert again.status_code == 409
    assert "cancelled, so it cannot be published again" in again.get_json()["message"]
    patched = api.patch(f"/api/v1/meetings/{meeting.id}", json={"status": "published"})
    assert patched.status_code in (400, 409)
    page = api.post(
        f"/meetings/{meeting.id}/publish", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Not published: the meeting was cancelled since" in html.unescape(page.text)
    body = api.get(f"/api/v1/meetings/{meeting.id}").get_json()
    assert (body["status"], body["sequence"]) == ("cancelled", sequence)


def move_form(client, edit: str, direction: str = "up") -> dict:
    """A move button's form on the editor, as a browser sends it (the agenda's version too)."""
    page = client.get(edit).get_data(as_text=True)
    version = re.search(r'name="agenda_version" value="([^"]+)"', page)[1]
    return {
        "csrf_token": csrf_token(client, edit),
        "agenda_version": version,
        "direction": direction,
    }


def test_a_cancelled_meeting_and_a_cancelled_slot_no_longer_change(before_it, api, meeting):
    """Their cancellation went to presenters and calendars: a later change would send the event
    again as a REQUEST, and bringing a slot back would skip the proposal rules."""
    url = f"/api/v1/meetings/{meeting.id}"
    assert api.post(f"{url}/publish").status_code == 200
    first, second = api.get(url).get_json()["slots"][:2]
    slot_url = f"/api/v1/slots/{first['id']}"
    assert api.patch(slot_url, json={"status": "cancelled"}).status_code == 200
    for status in ("proposed", "confirmed"):
        back = api.patch(slot_url, json={"status": status})
        assert back.status_code == 409
        assert "A cancelled slot stays cancelled" in back.get_json()["message"]
    assert api.patch(slot_url, json={"title": "Renamed, still cancelled"}).status_code == 200
    assert api.patch(url, json={"status": "cancelled"}).status_code == 200
    before = api.get(url).get_json()
    edit = f"/meetings/{meeting.id}/edit"
    for attempt in (
        lambda: api.patch(url, json={"starts_at": "2026-12-05T08:00:00"}),
        lambda: api.patch(url, json={"title": "Renamed"}),
        lambda: api.post(f"{url}/slots", json={"title": "Late addition"}),
        lambda: api.patch(f"/api/v1/slots/{second['id']}", json={"status": "confirmed"}),
        lambda: api.post(
            f"/slots/{second['id']}/move",
            data={"csrf_token": csrf_token(api, edit), "direction": "up"},
        ),
    ):
        response = attempt()
        assert response.status_code == 409, response.get_data(as_text=True)
        assert "The meeting is cancelled, so it no longer changes" in html.unescape(response.text)
    assert api.get(url).get_json() == before


def test_a_slot_answers_its_pin_and_each_save_raises_its_version_once(api, meeting):
    """helper-187: a slot took `offset_minutes` but answered only `pinned`, and every save
    raised its version by two (the change was written, then its touch in a second UPDATE), so a
    client counting on version + 1 was refused as stale. Each save is one version now."""
    slot = api.get(f"/api/v1/meetings/{meeting.id}").get_json()["slots"][1]
    assert (slot["pinned"], slot["offset_minutes"]) == (False, None)
    version = slot["version"]
    for change in ({"offset_minutes": 15}, {"title": "AU on AI governance"}, {"office": "PE"}):
        answer = api.patch(f"/api/v1/slots/{slot['id']}", json={**change, "version": version})
        assert answer.status_code == 200, answer.get_json()
        assert answer.get_json()["version"] == version + 1, change
        version += 1
    body = answer.get_json()
    assert (body["pinned"], body["offset_minutes"]) == (True, 15)
    assert body["starts_at"] == "2026-03-10T12:15:00+01:00"
    unpinned = api.patch(f"/api/v1/slots/{slot['id']}", json={"offset_minutes": None}).get_json()
    assert (unpinned["pinned"], unpinned["offset_minutes"]) == (False, None)


def test_a_slot_presenting_another_offices_proposal_says_so(api, meeting):
    """helper-187: an AU slot took PE's accepted proposal without a word; the volunteer would
    present in a slot their office's feed and contacts never see. The co-lead's choice stands
    (a joint talk, say), and is said; a slot of no office takes the proposal's."""
    peru = {**VOLUNTEERED, "office": "PE", "email": "dana@indecopi.example"}
    proposal = api.post("/api/v1/proposals", json=peru).get_json()
    accepted = api.patch(
        f"/api/v1/proposals/{proposal['id']}",
        json={"status": "accepted", "reason": "A fit.", "version": proposal["version"]},
    )
    assert accepted.status_code == 200
    australia = api.get(f"/api/v1/meetings/{meeting.id}").get_json()["slots"][1]
    url = f"/api/v1/slots/{australia['id']}"
    linked = api.patch(url, json={"proposal_id": proposal["id"]}).get_json()
    assert (linked["office"], linked["proposal_id"]) == ("AU", proposal["id"])
    assert linked["warning"] == (
        f"“IP Australia on governance” presents proposal {proposal['id']}, which is PE's, as "
        "AU's: it is in AU's feed and its contacts hear of it, not PE's. If the volunteer "
        "presents for PE, give the slot that office."
    )
    # Said when it changes, not at every save after.
    assert "warning" not in api.patch(url, json={"title": "AU and PE on AI"}).get_json()
    assert "warning" not in api.patch(url, json={"office": "PE"}).get_json()
    api.patch(url, json={"proposal_id": None})
    new = api.post(
        f"/api/v1/meetings/{meeting.id}/slots",
        json={"title": "Peru", "proposal_id": proposal["id"]},
    ).get_json()
    assert (new["office"], new["proposal_id"], "warning" in new) == ("PE", proposal["id"], False)


def test_overlapping_slots_are_refused(api, meeting):
    response = api.post(
        f"/api/v1/meetings/{meeting.id}/slots",
        json={
            "title": "Squeezed",
            "duration_minutes": 10,
            "starts_at": "2026-03-10T12:05:00+01:00",
        },
    )
    assert response.status_code == 400
    assert "slots cannot overlap" in response.get_json()["message"]
    negative = api.post(
        f"/api/v1/meetings/{meeting.id}/slots", json={"title": "Minus", "duration_minutes": -5}
    )
    assert negative.get_json()["message"] == "The slot duration must be positive."
    early = api.post(
        f"/api/v1/meetings/{meeting.id}/slots",
        json={"title": "Early", "duration_minutes": 5, "starts_at": "2026-03-10T11:00:00+01:00"},
    )
    assert "before its meeting" in early.get_json()["message"]


def test_changes_raise_the_sequence_of_what_moved(api, meeting):
    slots = {s.title: s for s in meeting.slots}
    before = {t: s.sequence for t, s in slots.items()}
    api.patch(f"/api/v1/meetings/{meeting.id}", json={"description": "Bring questions."})
    db.session.refresh(meeting)
    assert meeting.sequence == 0  # the meeting event's description only: not significant
    # Its title is its event's SUMMARY and each slot's "Part of" (their SEQUENCE counts on from
    # the meeting's).
    api.patch(f"/api/v1/meetings/{meeting.id}", json={"title": "Renamed"})
    db.session.refresh(meeting)
    assert meeting.sequence == 1
    api.patch(f"/api/v1/meetings/{meeting.id}", json={"starts_at": "2026-03-10T13:00:00+01:00"})
    db.session.refresh(meeting)
    assert meeting.sequence == 2
    for title, slot in slots.items():
        db.session.refresh(slot)
        assert slot.sequence == before[title] + 1, title
    opening = slots["Opening"]
    api.patch(f"/api/v1/slots/{opening.id}", json={"duration_minutes": 15})
    for slot in slots.values():
        db.session.refresh(slot)
    # The opening got longer; the talks after it moved; all three changed.
    assert [s.sequence for s in meeting.slots] == [2, 2, 2]


def test_a_meeting_that_has_ended_is_not_published(api, meeting):
    """Publishing the draft of a meeting whose date has passed would put it in calendars and
    send presenters requests for a past meeting: refused by the API and the page, and the
    page that asks first says so instead of asking."""
    from planner.mail.models import OutboxMessage
    from planner.offices.models import OfficeContact

    assert meeting.ends_at < datetime.now(UTC)  # 10 March 2026
    # AU presents: published, its contact would be sent the slot.
    db.session.add(
        OfficeContact(office_code="AU", name="Kim", email="kim@ipa.example", source="test")
    )
    db.session.commit()
    sent = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    refused = api.post(f"/api/v1/meetings/{meeting.id}/publish")
    assert refused.status_code == 409
    assert refused.get_json()["message"] == (
        "The meeting's date has passed (it ended 10 March 2026 at 13:30 in Geneva (UTC+1)): set "
        "a date to come before publishing, or delete the draft."
    )
    edit = f"/meetings/{meeting.id}/edit"
    asked = api.get(f"/meetings/{meeting.id}/publish")
    assert asked.status_code == 302 and asked.headers["Location"].endswith(edit)
    assert "Not ready to publish: The meeting's date has passed" in html.unescape(
        api.get(edit).text
    )
    page = api.post(f"/meetings/{meeting.id}/publish", data={"csrf_token": csrf_token(api, edit)})
    assert page.status_code == 409
    assert "Not published: The meeting's date has passed" in html.unescape(page.text)
    db.session.refresh(meeting)
    assert meeting.status == "draft" and meeting.published_at is None
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == sent
    # Moved to a date to come, it is published.
    later = api.patch(
        f"/api/v1/meetings/{meeting.id}",
        json={"starts_at": f"{ahead('2026-03-10')}T12:00:00+00:00"},
    )
    assert later.status_code == 200
    assert api.post(f"/api/v1/meetings/{meeting.id}/publish").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) > sent


def test_publish_needs_a_start_and_no_overrun(api, survey):
    draft = api.post("/api/v1/meetings", json={"title": "Undated"}).get_json()
    refused = api.post(f"/api/v1/meetings/{draft['id']}/publish")
    assert refused.status_code == 409
    assert refused.get_json()["message"] == "Set the date and start time before publishing."
    short = api.post("/api/v1/meetings", json={**MEETING, "duration_minutes": 15}).get_json()
    api.post(
        f"/api/v1/meetings/{short['id']}/slots", json={"title": "Long", "duration_minutes": 30}
    )
    overrun = publish_as_planned(api, short["id"])
    assert "runs past the end of the meeting" in overrun.get_json()["message"]


def test_the_editor_of_an_undated_draft_leads_to_its_date(api, survey):
    """helper-303: "Not ready to publish: Set the date and start time" (and a line-up's new draft,
    "set its date and times") left the co-lead at the top of the editor; the date's fields are
    at its end, under "The meeting", past the slots and "Add a slot"."""
    draft = api.post("/api/v1/meetings", json={"title": "Undated"}).get_json()["id"]
    page = api.get(f"/meetings/{draft}/publish", follow_redirects=True)
    text = html.unescape(page.get_data(as_text=True))
    assert "Not ready to publish: Set the date and start time before publishing." in text
    assert (
        'No date yet: <a href="#meeting-heading">set its date and start under “The meeting”</a>'
        f' below (or see <a href="/meetings/{draft}/suggest">fair start times</a>)' in text
    )
    assert 'id="meeting-heading"' in text
    suggest = api.get(f"/meetings/{draft}/suggest")
    assert suggest.status_code == 200
    # Its zone by its city, as the editor names it ("Time in Geneva"), not "Europe/Zurich".
    assert "Every half hour of the chosen days (in Geneva time)" in suggest.get_data(as_text=True)
    dated = api.post("/api/v1/meetings", json=MEETING).get_json()["id"]
    assert "No date yet" not in api.get(f"/meetings/{dated}/edit").get_data(as_text=True)


def test_deleting_cancels_what_subscribers_may_have(before_it, api, meeting):
    talk = meeting.slots[2]
    assert api.delete(f"/api/v1/slots/{talk.id}").get_json()["result"] == "deleted"
    assert publish_as_planned(api, meeting.id).status_code == 200
    opening = meeting.slots[0]
    cancelled = api.delete(f"/api/v1/slots/{opening.id}").get_json()
    assert cancelled["result"] == "cancelled" and cancelled["slot"]["status"] == "cancelled"
    gone = api.delete(f"/api/v1/meetings/{meeting.id}").get_json()
    assert gone["result"] == "cancelled" and gone["meeting"]["status"] == "cancelled"
    draft = api.post("/api/v1/meetings", json={"title": "Never published"}).get_json()
    assert api.delete(f"/api/v1/meetings/{draft['id']}").get_json()["result"] == "deleted"
    assert db.session.get(Meeting, draft["id"]) is None


def test_a_draft_is_deleted_not_cancelled_and_stays_private(api, client):
    """Cancelling a meeting no one was shown would show it, marked cancelled, and mail its
    offices: a draft is refused that, and stays a draft no one else sees."""
    draft = api.post("/api/v1/meetings", json={**MEETING, "description": "Our notes"}).get_json()
    refused = api.patch(f"/api/v1/meetings/{draft['id']}", json={"status": "cancelled"})
    assert refused.status_code == 400
    assert refused.get_json()["message"] == (
        "A meeting that was never published is deleted, not cancelled: no one has it yet."
    )
    assert refused.get_json()["field"] == "status"
    assert db.session.get(Meeting, draft["id"]).status == "draft"
    assert client.get(f"/meetings/{draft['id']}").status_code == 404
    assert "Our notes" not in client.get("/meetings").get_data(as_text=True)


def test_suggest_times_api(api, meeting):
    dates = shift("from=2026-03-01&to=2026-03-14", "2026-03-01")
    response = api.get(
        f"/api/v1/meetings/{meeting.id}/suggest-times?offices=AU,PE,ES&duration_minutes=90"
        f"&{dates}&limit=5"
    )
    body = response.get_json()
    assert response.status_code == 200
    assert set(body["offices"]) == {"AU", "PE", "ES"}
    first = body["candidates"][0]
    assert set(first["penalties"]) == {"AU", "PE", "ES"}
    # The slots' presenting offices (AU, PL) count too, with their weight.
    assert set(first["presenters"]) == {"AU (presenter)", "PL (presenter)"}
    assert first["worst"] == max([*first["penalties"].values(), *first["presenters"].values()])
    keys = [(c["worst"], c["total"]) for c in body["candidates"]]
    assert keys == sorted(keys)
    bad = api.get(
        f"/api/v1/meetings/{meeting.id}/suggest-times?offices=ZZ&from=2026-03-01&to=2026-03-02"
    )
    assert bad.status_code == 400 and "ZZ" in bad.get_json()["message"]
    backwards = api.get(
        f"/api/v1/meetings/{meeting.id}/suggest-times?from=2026-03-10&to=2026-03-01"
    )
    assert backwards.get_json()["message"] == "The date range ends before it starts."
    for query, message in (
        ("from=9999-12-30&to=9999-12-31", "Look for dates between 2000 and 2100."),
        ("from=2026-03-01&to=2026-03-02&limit=0", "limit must be a whole number from 1 to 100"),
        ("from=2026-03-01&to=2026-03-02&limit=-3", "limit must be a whole number from 1 to 100"),
        # One range, whatever the wrong value (helper-88: 0 was told "from 1 to 2147483647").
        *(
            (
                f"from=2026-03-01&to=2026-03-02&duration_minutes={minutes}",
                "The duration is a whole number of minutes from 15 to 720.",
            )
            for minutes in ("x", "0", "5", "721", "1e3", "9" * 30)
        ),
    ):
        response = api.get(f"/api/v1/meetings/{meeting.id}/suggest-times?{query}")
        assert response.status_code == 400, query
        assert message in response.get_json()["message"]


def test_suggest_times_and_versions_name_the_field_they_refuse(api, meeting):
    """README: the meetings and slots API names the field of its first problem in `field`; the
    fair start times' dates and limit, and a version that is no number, were said in words only
    (helper-187)."""
    url = f"/api/v1/meetings/{meeting.id}/suggest-times"
    for query, field in (
        ("to=2026-03-02", "from"),
        ("from=2026-03-01", "to"),
        ("from=1 March&to=2026-03-02", "from"),
        ("from=2026-03-01&to=2026-03-02&limit=0", "limit"),
        ("from=2026-03-01&to=2026-03-02&duration_minutes=5", "duration_minutes"),
    ):
        refused = api.get(f"{url}?{query}")
        assert (refused.status_code, refused.get_json().get("field")) == (400, field), query
    for change in (
        lambda: api.patch(f"/api/v1/meetings/{meeting.id}", json={"version": "two"}),
        lambda: api.delete(f"/api/v1/meetings/{meeting.id}", json={"version": True}),
        lambda: api.post(f"/api/v1/meetings/{meeting.id}/publish", json={"version": 0}),
    ):
        refused = change()
        assert (refused.status_code, refused.get_json().get("field")) == (400, "version")


def test_suggest_times_for_a_series(api, survey):
    series = MeetingSeries(title="Task Force 2026")
    db.session.add(series)
    for day in (shift("2026-03-03", "2026-03-16"), shift("2026-03-10", "2026-03-16")):
        created = api.post(
            "/api/v1/meetings", json={**MEETING, "starts_at": f"{day}T12:00:00+01:00"}
        )
        db.session.get(Meeting, created.get_json()["id"]).series = series
        db.session.commit()
    upcoming = Meeting(title="Next", time_zone="Europe/Zurich", duration_minutes=90, series=series)
    db.session.add(upcoming)
    db.session.commit()
    body = api.get(
        f"/api/v1/meetings/{upcoming.id}/suggest-times?offices=AU,PE,ES,JP"
        f"&{shift('from=2026-03-16&to=2026-03-20', '2026-03-16')}"
    ).get_json()
    series_info = body["series"]
    assert len(series_info["earlier_meetings"]) == 2
    # Looking at dates before the series' second meeting, only the first came earlier.
    before = api.get(
        f"/api/v1/meetings/{upcoming.id}/suggest-times?offices=AU,PE&"
        + shift("from=2026-03-09&to=2026-03-09", "2026-03-16")
    ).get_json()
    assert len(before["series"]["earlier_meetings"]) == 1
    assert series_info["burden_so_far"]["AU"] > 0
    same = series_info["same_time"]
    assert same["starts_at"].endswith("T12:00:00+01:00")
    assert body["candidates"][0]["worst"] < same["worst"]  # 12 against 18: rotated


def test_pages_create_reorder_publish_and_show(colead_client, client, survey):
    url = "/meetings/new"
    token = csrf_token(colead_client, url)
    bad = colead_client.post(
        url,
        data={
            "csrf_token": token,
            "title": "Workshop",
            "kind": "workshop",
            "day": "2026-03-29",
            "start": "02:30",
            "duration_minutes": "90",
            "time_zone": "Europe/Zurich",
        },
    )
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert "does not exist in Europe/Zurich" in page and 'value="Workshop"' in page
    created = colead_client.post(
        url,
        data={
            "csrf_token": token,
            "title": "Workshop",
            "kind": "workshop",
            "day": "2026-03-10",
            "start": "12:00",
            "duration_minutes": "60",
            "time_zone": "Europe/Zurich",
        },
    )
    meeting = db.session.scalar(select(Meeting))
    assert created.headers["Location"].endswith(f"/meetings/{meeting.id}/edit")
    assert meeting.starts_at == datetime(2026, 3, 10, 11, tzinfo=UTC)
    edit = f"/meetings/{meeting.id}/edit"
    for title, minutes in (("First", "30"), ("Second", "40")):
        colead_client.post(
            f"/meetings/{meeting.id}/slots",
            data={
                "csrf_token": csrf_token(colead_client, edit),
                "title": title,
                "kind": "presentation",
                "duration_minutes": minutes,
                "status": "confirmed",
                "office": "",
                "proposal": "",
            },
        )
    page = colead_client.get(edit).get_data(as_text=True)
    assert "runs past the end of the meeting" in page  # 30 + 40 > 60
    second = db.session.scalar(select(Slot).where(Slot.title == "Second"))
    moved = colead_client.post(f"/slots/{second.id}/move", data=move_form(colead_client, edit))
    # Back at the row moved, not at the top of the table.
    assert moved.headers["Location"] == f"/meetings/{meeting.id}/edit#slot-{second.id}"
    db.session.expire_all()
    assert [s.title for s in meeting.slots] == ["Second", "First"]
    assert meeting.slots[1].starts_at == datetime(2026, 3, 10, 11, 40, tzinfo=UTC)
    for direction in ("sideways", "UP", ""):
        odd = colead_client.post(
            f"/slots/{second.id}/move", data=move_form(colead_client, edit, direction)
        )
        assert odd.status_code == 400 and "send direction=up or direction=down" in odd.text
    # From a page opened before someone pinned a slot (a move goes around a pinned one, or is
    # refused at it): refused, the agenda shown as it is now.
    stale = move_form(colead_client, edit, "down")
    first = db.session.scalar(select(Slot).where(Slot.title == "First"))
    pin = {"starts_at": "2026-03-10T12:45:00+01:00"}
    assert colead_client.patch(f"/api/v1/slots/{first.id}", json=pin).status_code == 200
    refused_move = colead_client.post(f"/slots/{second.id}/move", data=stale)
    assert refused_move.status_code == 409
    assert "The agenda changed since you opened the page" in html.unescape(refused_move.text)
    assert "nothing was moved" in html.unescape(refused_move.text)
    unsaid = colead_client.post(f"/slots/{second.id}/move", data={**stale, "agenda_version": ""})
    assert unsaid.status_code == 409
    db.session.expire_all()
    assert [s.title for s in meeting.slots] == ["Second", "First"]
    assert meeting.slots[1].offset_minutes is not None  # still pinned
    refused = colead_client.post(
        f"/meetings/{meeting.id}/publish", data={"csrf_token": csrf_token(colead_client, edit)}
    )
    assert refused.status_code == 409  # the editor, saying why
    assert "runs past the end of the meeting" in html.unescape(refused.text)
    assert "Not published: “" in html.unescape(refused.text)
    assert client.get(f"/meetings/{meeting.id}").status_code == 404  # still a draft


@pytest.mark.committed  # the other co-lead's move is saved on a connection of its own
def test_a_move_that_loses_a_race_shows_the_agenda_as_it_is_now(api, meeting):
    """helper-202: two co-leads moved slots of one agenda at the same moment, on two instances;
    the one the database refused got a bare "Conflict" page leading to the start page. It gets
    the editor, as for an agenda changed since the page was opened, with the other's change."""
    from tests.support import saved_first_by_someone_else

    edit = f"/meetings/{meeting.id}/edit"
    opening, australia, poland = meeting.slots
    slots = Slot.__table__

    def swapped(slot: Slot, position: int):
        return (
            slots.update()
            .where(slots.c.id == slot.id)
            .values(position=position, version=slots.c.version + 1)
        )

    # The other co-lead's move of Poland up, saved while this request swaps Opening and AU.
    with saved_first_by_someone_else(
        lambda other: (
            other.execute(swapped(australia, poland.position)),
            other.execute(swapped(poland, australia.position)),
        ),
        before=lambda session: any(isinstance(item, Slot) for item in session.dirty),
    ) as raced:
        answer = api.post(f"/slots/{opening.id}/move", data=move_form(api, edit, "down"))
    assert raced, "the move never reached its save"
    assert answer.status_code == 409
    page = html.unescape(answer.get_data(as_text=True))
    assert "The agenda changed at the same moment (another co-lead saved it)" in page
    assert "nothing was moved" in page
    assert 'name="agenda_version"' in page  # the editor, to decide again
    db.session.expire_all()
    assert [s.title for s in meeting.slots] == [
        "Opening",
        "Poland on Autopatent",
        "IP Australia on governance",
    ]


def test_a_meeting_across_a_clock_change_says_each_time_after_it_with_its_offset(
    api, client, survey
):
    """Sydney's clocks go back at 03:00 (UTC+11) on 4 April 2027, to 02:00 (UTC+10). The page of
    a 90-minute meeting from 02:00 there listed its first and third talks both at 02:00–02:30
    under "Time in Sydney (UTC+11)", and gave Sydney's office 02:00 to 02:30, as if it lasted
    half an hour (helper-185)."""
    made = api.post(
        "/api/v1/meetings",
        json={
            "title": "Across the fall-back",
            "starts_at": "2027-04-04T02:00:00+11:00",
            "duration_minutes": 90,
            "time_zone": "Australia/Sydney",
        },
    ).get_json()
    for title in ("First", "Second", "Third"):
        talk = {"title": title, "office": "AU", "recommendations": [10], "duration_minutes": 30}
        assert api.post(f"/api/v1/meetings/{made['id']}/slots", json=talk).status_code == 201
    assert publish_as_planned(api, made["id"]).status_code == 200
    page = client.get(f"/meetings/{made['id']}").text
    rows = re.findall(r'<td class="time"[^>]*>(.*?)</td>', page)
    assert rows == ["02:00–02:30", "02:30 (UTC+11)–02:00 (UTC+10)", "02:00–02:30 (UTC+10)"]
    sydney = re.search(r"AU · IP Australia</th>(.*?)</tr>", page, re.S)[1]
    assert "Sun 02:00" in sydney
    assert 'Sun 02:30 <span class="muted">(UTC+10, after the clocks change)</span>' in sydney
    lima = re.search(r"PE · INDECOPI</th>(.*?)</tr>", page, re.S)[1]
    assert "after the clocks change" not in lima


def test_public_page_local_times_and_zone_choice(api, client, meeting):
    assert client.get(f"/meetings/{meeting.id}").status_code == 404  # a draft
    publish_as_planned(api, meeting.id)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "IP Australia on governance" in page
    # "Opening" is a discussion, said once; a slot titled by its kind is not said twice.
    assert '<span class="slot-title">Opening</span>' in page
    assert page.count('<span class="tag">discussion</span>') == 1
    api.patch(f"/api/v1/slots/{meeting.slots[0].id}", json={"title": "Discussion"})
    again = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert '<span class="tag">discussion</span>' not in again
    # 12:00 in Geneva (UTC+1) is 22:00 in Sydney (UTC+11) and 06:00 in Lima.
    sydney = re.search(r"AU · IP Australia</th>(.*?)</tr>", page, re.S)[1]
    assert "Tue 22:00" in sydney and "outside 07:00–21:00" in sydney
    # Each office's zone by its place, as the time columns name theirs (helper-218).
    assert '<td data-label="Time zone">Sydney <span class="muted">UTC+11</span></td>' in sydney
    assert "Australia/Sydney" not in sydney
    lima = re.search(r"PE · INDECOPI</th>(.*?)</tr>", page, re.S)[1]
    assert "Tue 06:00" in lima and "outside 07:00–21:00" in lima
    japan = re.search(r"JP · JPO</th>(.*?)</tr>", page, re.S)[1]
    assert "Tue 20:00" in japan and "outside" in japan  # ends 21:30
    chosen = client.get(f"/meetings/{meeting.id}?zone=America/Lima")
    assert "06:00–06:10" in chosen.get_data(as_text=True)  # the opening, in Lima
    # The time columns are named by place, as the editor's and the emails' are, not by zone id.
    heads = re.search(r"<thead><tr>(.*?)</tr></thead>", chosen.text, re.S)[1]
    assert '<th scope="col">Time in Lima (UTC−5)</th>' in heads
    assert '<th scope="col">Time in Geneva (UTC+1)</th>' in heads
    assert "America/Lima" not in heads and "Europe/Zurich" not in heads
    assert "on another day than in Geneva, or on a public holiday" in page
    # Remembered for a year in a cookie of its own, not with the session (which ends with the
    # browser), and only as a zone name.
    cookie = chosen.headers["Set-Cookie"]
    assert cookie.startswith("zone=America/Lima;") and "Max-Age=31536000" in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    remembered = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "06:00–06:10" in remembered
    client.set_cookie("zone", "Mars/Olympus")
    assert "12:00–12:10" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    client.set_cookie("zone", "America/Lima")
    tokyo = client.get(f"/meetings/{meeting.id}?zone=Tokio")  # a city, in Spanish
    assert tokyo.status_code == 200 and "20:00–20:10" in tokyo.get_data(as_text=True)
    several = client.get(f"/meetings/{meeting.id}?zone=Portland")
    assert several.status_code == 400
    page = several.get_data(as_text=True)
    assert "fits several time zones" in page and "?zone=America/Los_Angeles" in page
    wrong = client.get(f"/meetings/{meeting.id}?zone=Atlantis")
    assert wrong.status_code == 400
    assert "is not a time zone name" in wrong.get_data(as_text=True)


def test_accept_a_lineup_into_an_existing_meeting(api, meeting):
    data = {
        "focus": "10",
        "slots": "3",
        "one_per_office": "y",
        "min_small": "0",
        "maturity_weight": "0.5",
        "csrf_token": csrf_token(api, "/lineups/new"),
    }
    api.post("/lineups/new", data=data)
    from planner.lineup.models import Lineup

    lineup = db.session.scalar(select(Lineup))
    api.post(
        f"/lineups/{lineup.id}/accept",
        data={"csrf_token": csrf_token(api, f"/lineups/{lineup.id}"), "meeting": meeting.id},
    )
    db.session.expire_all()
    # Each office presents Rec 10 once: a line-up's AU or PL is already there, not added twice.
    proposed = {t["office"] for t in lineup.result["talks"]}
    added = len(proposed - {"AU", "PL"})
    assert len(meeting.slots) == 3 + added
    offices = [s.office_code for s in meeting.slots if s.office_code]
    assert sorted(offices) == sorted({"AU", "PL"} | proposed)
    assert [s.position for s in meeting.slots] == list(range(3 + added))
    assert meeting.slots[3].starts_at == datetime(2026, 3, 10, 11, 50, tzinfo=UTC)


def test_a_line_up_into_a_meeting_that_is_no_draft_or_none(api, meeting):
    """The form was opened while the meeting was a draft; it was published since: the line-up's
    page comes back saying so (409), with nothing added. An unknown meeting is a 404."""
    from planner.lineup.models import Lineup

    data = {"focus": "10", "slots": "3", "min_small": "0", "maturity_weight": "0.5"}
    api.post("/lineups/new", data={**data, "csrf_token": csrf_token(api, "/lineups/new")})
    lineup = db.session.scalar(select(Lineup))
    token = csrf_token(api, f"/lineups/{lineup.id}")
    url = f"/lineups/{lineup.id}/accept"
    slots = len(meeting.slots)
    assert publish_as_planned(api, meeting.id).status_code == 200
    refused = api.post(url, data={"csrf_token": token, "meeting": meeting.id})
    assert refused.status_code == 409
    page = html.unescape(refused.get_data(as_text=True))
    assert f"“{meeting.title}” is published now, no longer a draft" in page
    assert "Accept: make it a draft agenda" in page  # to choose again
    # A draft deleted since (or no meeting at all): 404, on the line-up's page, to choose again.
    for unknown in ("0", "999999"):
        missing = api.post(url, data={"csrf_token": token, "meeting": unknown})
        assert missing.status_code == 404
        page = html.unescape(missing.get_data(as_text=True))
        assert f"There is no meeting {unknown} (deleted since this page was opened?)" in page
        assert "Accept: make it a draft agenda" in page
    db.session.expire_all()
    assert len(meeting.slots) == slots and lineup.meeting is None


def _seen_start(page: str) -> str:
    return re.search(r'name="start_seen" value="([^"]+)"', page)[1]


def test_suggest_page_sets_the_start(api, meeting):
    page = api.get(f"/meetings/{meeting.id}/suggest").get_data(as_text=True)
    assert "Best start times" in page
    start = re.search(r'name="starts_at" value="([^"]+)"', page)[1]
    # Each office's column says the start on its own clock, not only a score (helper-82).
    first_row = page.split("<tbody>")[1].split("</tr>")[0]
    at_pe = local_time("America/Lima", datetime.fromisoformat(start)).strftime("%a %H:%M")
    assert f'<span class="local-start">{at_pe}</span>' in first_row
    token = csrf_token(api, f"/meetings/{meeting.id}/edit")
    data = {"csrf_token": token, "starts_at": start, "start_seen": _seen_start(page)}
    used = api.post(f"/meetings/{meeting.id}/suggest", data=data)
    assert used.status_code == 302
    # It says the start it set, in the meeting's zone named by its place, as the editor names
    # it ("Time in Geneva"), not by the zone's id (helper-218: "(Europe/Zurich)").
    said = html.unescape(api.get(used.headers["Location"]).text)
    at_home = local_time("Europe/Zurich", datetime.fromisoformat(start))
    assert f"The meeting now starts {at_home:%A %-d %B %Y, %H:%M} in Geneva;" in said
    assert "Europe/Zurich)" not in said
    db.session.refresh(meeting)
    assert meeting.starts_at == datetime.fromisoformat(start)


def test_suggest_page_writes_scores_as_people_read_them(api, meeting):
    """A meeting of 20 minutes scores a third of each unsocial hour: the page said "6.6667",
    and "35.0" and "0.0" (helper-218). To a tenth at most, no trailing zero."""
    default = api.get(f"/meetings/{meeting.id}/suggest").get_data(as_text=True)
    first_day, last_day = (
        re.search(rf'name="{name}"[^>]*value="([^"]+)"', default)[1] for name in ("first", "last")
    )
    page = api.get(
        f"/meetings/{meeting.id}/suggest?duration_minutes=20&offices=AU&offices=PE&offices=JP"
        f"&first={first_day}&last={last_day}"
    ).get_data(as_text=True)
    table = page.split('class="data compact suggestions"')[1]
    scores = re.findall(r"<strong>([^<]*)</strong>|<span class=\"muted\">([\d.]+)</span>", table)
    said = [a or b for a, b in scores]
    assert len(said) > 10
    assert all(re.fullmatch(r"\d+(\.[1-9])?", s) for s in said), said
    assert any("." in s for s in said)  # a third of an hour is still said as one


def test_use_this_start_from_an_older_page_does_not_overwrite_anothers(api, meeting):
    """Two co-leads open the suggestions; the first uses the best start; the second, from the
    page they opened before, picks another: refused (409) with the start that stands named and
    the ranking shown again, nothing changed; a post that does not say which start it saw is
    refused the same way."""
    default = api.get(f"/meetings/{meeting.id}/suggest").get_data(as_text=True)
    first_day, last_day = (
        re.search(rf'name="{name}"[^>]*value="([^"]+)"', default)[1] for name in ("first", "last")
    )
    url = (
        f"/meetings/{meeting.id}/suggest?duration_minutes=90&offices=AU&offices=PE"
        f"&first={first_day}&last={last_day}"
    )
    page = api.get(url).get_data(as_text=True)
    first, second = re.findall(r'name="starts_at" value="([^"]+)"', page)[:2]
    token = csrf_token(api, f"/meetings/{meeting.id}/edit")
    seen = _seen_start(page)
    data = {"csrf_token": token, "start_seen": seen}
    assert api.post(url, data={**data, "starts_at": first}).status_code == 302
    refused = api.post(url, data={**data, "starts_at": second})
    assert refused.status_code == 409
    shown = html.unescape(refused.get_data(as_text=True))
    assert "The meeting's start changed since you opened this page (it now starts" in shown
    assert "in Geneva): nothing was changed" in shown and "(Europe/Zurich)" not in shown
    assert "Best start times" in shown and 'value="90"' in shown  # the same ranking asked for
    db.session.refresh(meeting)
    assert meeting.starts_at == datetime.fromisoformat(first)
    blind = api.post(url, data={"csrf_token": token, "starts_at": second})
    assert blind.status_code == 409
    assert "The choice did not say which start the page showed" in html.unescape(blind.text)
    # The first co-lead's second click on the same start: nothing to refuse, nothing changes.
    twice = api.post(url, data={**data, "starts_at": first})
    assert twice.status_code == 302
    assert "The meeting already starts then" in html.unescape(
        api.get(twice.headers["Location"]).text
    )
    # Chosen again from the page as it is now, it is applied.
    again = {**data, "start_seen": _seen_start(shown), "starts_at": second}
    assert api.post(url, data=again).status_code == 302
    db.session.refresh(meeting)
    assert meeting.starts_at == datetime.fromisoformat(second)


def ticked(page: str) -> set[str]:
    return set(re.findall(r'name="offices" value="(\w+)" checked', page))


def test_unknown_office_codes_are_refused_with_a_message(api, meeting):
    edit = f"/meetings/{meeting.id}/edit"
    response = api.post(
        f"/meetings/{meeting.id}/offices",
        data={"csrf_token": csrf_token(api, edit), "offices": ["AU", "PE", "ZZ"]},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Offices not saved: Unknown office code(s): ZZ." in page
    assert ticked(page) == {"AU", "PE"}  # the choice comes back as it was sent
    db.session.refresh(meeting)
    assert meeting.offices == []


def test_an_office_code_as_typed_or_pasted_is_the_office_s(api, meeting):
    """helper-252: a slot's office sent as " wo" or "WO" pasted with a zero-width space was "not
    a known office code", where the suggestions took " pe" as PE; both now read codes as the
    offices list, the volunteering API and the survey import do."""
    added = api.post(
        f"/api/v1/meetings/{meeting.id}/slots",
        json={"title": "WIPO on AI", "office": " wo\u200b", "duration_minutes": 10},
    )
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["office"] == "WO"
    suggested = api.get(
        f"/api/v1/meetings/{meeting.id}/suggest-times",
        query_string={"offices": " pe,WO\u200b", "from": "2030-03-04", "to": "2030-03-05"},
    )
    assert suggested.status_code == 200, suggested.get_json()


def test_an_office_code_is_not_read_by_str_upper(api, meeting):
    """helper-256: a meeting's offices and the suggestions' read what was no code with
    str.upper, so a Turkish dotless "ıe" was IE: Ireland took part under a code no one typed.
    Refused as sent, as a slot's office is."""
    edit = f"/meetings/{meeting.id}/edit"
    refused = api.post(
        f"/meetings/{meeting.id}/offices",
        data={"csrf_token": csrf_token(api, edit), "offices": ["AU", "ıe"]},
    )
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Offices not saved: Unknown office code(s): ıe." in page
    assert ticked(page) == {"AU"}
    db.session.refresh(meeting)
    assert meeting.offices == []
    suggested = api.get(
        f"/api/v1/meetings/{meeting.id}/suggest-times",
        query_string={"offices": "AU,ıe", "from": "2030-03-04", "to": "2030-03-05"},
    )
    assert suggested.status_code == 400
    assert "Unknown office code(s): ıe." in suggested.get_json()["message"]


def test_participating_offices_from_an_older_page_do_not_overwrite(api, meeting):
    """Two co-leads opened the editor; the first saves AU and PE; the second, from the older
    page, JP: refused with their choice kept, then saved once they send it again."""
    edit = f"/meetings/{meeting.id}/edit"
    page = api.get(edit).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page.split('id="offices"')[1])[1]
    url, token = f"/meetings/{meeting.id}/offices", csrf_token(api, edit)
    first = {"csrf_token": token, "version": version, "offices": ["AU", "PE"]}
    assert api.post(url, data=first).status_code == 302
    second = {"csrf_token": token, "version": version, "offices": ["JP"]}
    refused = api.post(url, data=second)
    assert refused.status_code == 409
    shown = refused.get_data(as_text=True)
    assert "The meeting changed since you opened this page" in shown
    assert ticked(shown) == {"JP"}
    db.session.refresh(meeting)
    assert sorted(o.code for o in meeting.offices) == ["AU", "PE"]
    now = re.search(r'name="version" value="(\d+)"', shown.split('id="offices"')[1])[1]
    assert api.post(url, data={**second, "version": now}).status_code == 302
    db.session.refresh(meeting)
    assert [o.code for o in meeting.offices] == ["JP"]


def test_a_pinned_time_before_the_start_is_on_the_next_day(api, survey):
    late = api.post(
        "/api/v1/meetings",
        json={**MEETING, "starts_at": "2026-03-10T23:00:00+01:00", "duration_minutes": 120},
    ).get_json()
    response = add_slot_on_page(
        api, late["id"], title="After midnight", status="confirmed", start="00:30"
    )
    assert response.status_code == 302
    slot = db.session.scalar(select(Slot).where(Slot.title == "After midnight"))
    assert slot.starts_at == datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # 00:30 on the 11th


def test_a_pinned_time_just_before_the_start_is_refused_as_before_it(api, survey):
    """helper-150: 07:30 in a meeting that starts at 08:00 was read as 07:30 the next day, and
    refused as "The slots would end 1560 minutes after the meeting's start". Further on than a
    meeting lasts, it is a time before the start, and said so; the form keeps what was typed."""
    early = api.post(
        "/api/v1/meetings",
        json={**MEETING, "starts_at": "2027-03-10T08:00:00+01:00", "duration_minutes": 120},
    ).get_json()
    response = add_slot_on_page(
        api, early["id"], title="Before breakfast", status="confirmed", start="07:30"
    )
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    said = (
        "07:30 is before the meeting starts (08:00 Europe/Zurich): a slot starts at its "
        "meeting's start or later."
    )
    assert said in page and "1560 minutes" not in page
    assert 'value="Before breakfast"' in page and 'value="07:30"' in page
    assert db.session.scalar(select(Slot).where(Slot.title == "Before breakfast")) is None


def test_a_pinned_slot_keeps_its_clock_time_when_the_meeting_moves_across_a_clock_change(
    api, survey
):
    """Pinned to 03:00 in New York the night the clocks go forward, a slot stays at 03:00 when
    its meeting moves to the same time a week later (two hours after the start, not three);
    a move that would put it in the skipped hour is refused, naming it."""
    made = api.post(
        "/api/v1/meetings",
        json={
            "title": "Night session",
            "starts_at": "2027-03-13T23:00",
            "time_zone": "America/New_York",
            "duration_minutes": 300,
        },
    ).get_json()
    slot = api.post(
        f"/api/v1/meetings/{made['id']}/slots",
        json={"title": "Pinned", "duration_minutes": 20, "starts_at": "2027-03-14T03:00"},
    ).get_json()
    assert slot["starts_at"] == "2027-03-14T03:00:00-04:00"
    url = f"/api/v1/meetings/{made['id']}"

    def move(start: str, pin: str) -> None:
        assert api.patch(url, json={"starts_at": start}).status_code == 200
        [moved] = api.get(url).get_json()["slots"]
        assert moved["starts_at"] == pin

    move("2027-03-20T23:00", "2027-03-21T03:00:00-04:00")  # a week later: 03:00 still
    # Back across the change, and an hour later: the pin keeps its distance on the clock.
    move("2027-03-14T00:00", "2027-03-14T04:00:00-04:00")
    # 22:00 the night before would put the pin at 02:00, which that night skips.
    refused = api.patch(url, json={"starts_at": "2027-03-13T22:00"})
    assert refused.status_code == 400
    assert "“Pinned” is pinned to 04:00" in refused.get_json()["message"]
    assert "does not exist in America/New_York" in refused.get_json()["message"]
    assert api.get(url).get_json()["starts_at"] == "2027-03-14T00:00:00-05:00"
    # Into the night the clocks go back, 01:00-02:00 happens twice: the pin takes the first,
    # nearer its old distance from the start (three hours), not the one an hour later.
    move("2027-11-06T21:00", "2027-11-07T01:00:00-04:00")
    move("2027-11-06T21:30", "2027-11-07T01:30:00-04:00")


def test_a_meeting_saved_without_its_series_select_stays_in_its_series(api, meeting):
    """A select left out of the post changes nothing, as a text field left out does: without
    `series` the save was a 500 on int() of the series itself (helper-77)."""
    meeting.series = MeetingSeries(title="Task Force 2027")
    db.session.commit()
    edit = f"/meetings/{meeting.id}/edit"
    form = form_of(api, edit)
    assert form["series"] == [str(meeting.series_id)]
    del form["series"]
    form["title"] = ["Rec 10 workshop, renamed"]
    response = api.post(edit, data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert (meeting.title, meeting.series.title) == ("Rec 10 workshop, renamed", "Task Force 2027")


def test_a_script_keeps_a_workshops_copied_session_in_its_series(api, meeting):
    """A script copying a workshop's second session puts it in the first one's series as the
    form's "Series" and "Or a new series" do: by the series' title, a new one made once; `null`
    takes it out. Before, `series` was refused as an unknown field."""
    address = f"/api/v1/meetings/{meeting.id}"
    named = api.patch(address, json={"series": "  Rec 10 workshops "})
    assert named.status_code == 200, named.get_data(as_text=True)
    assert named.get_json()["series"] == "Rec 10 workshops"
    history = api.get(f"{address}/history").get_json()["changes"]
    assert [c["after"] for c in history if c["what"] == "series"] == ["Rec 10 workshops"]
    copy = api.post(f"{address}/copy").get_json()
    assert copy["series"] == "Rec 10 workshops"  # a copy stays in it (helper-365)
    second = api.post("/api/v1/meetings", json={**MEETING, "title": "Rec 10, second session"})
    second_address = f"/api/v1/meetings/{second.get_json()['id']}"
    joined = api.patch(second_address, json={"series": "Rec 10 workshops"})
    assert joined.get_json()["series"] == "Rec 10 workshops"
    assert db.session.scalar(select(func.count()).select_from(MeetingSeries)) == 1
    # Checked as the form's title of a new series: text, at most 200 characters.
    for wrong, said in (
        (["Rec 10"], "The series must be text."),
        ("R" * 201, "The series is limited to 200 characters."),
    ):
        refused = api.patch(second_address, json={"series": wrong})
        assert refused.status_code == 400
        assert (refused.get_json()["message"], refused.get_json()["field"]) == (said, "series")
    # A stale version is refused with the meeting as it is, nothing changed.
    stale = api.patch(second_address, json={"series": None, "version": 1})
    assert stale.status_code == 409
    assert stale.get_json()["current"]["series"] == "Rec 10 workshops"
    left = api.patch(second_address, json={"series": None})
    assert left.get_json()["series"] is None
    made = api.post(
        "/api/v1/meetings", json={**MEETING, "title": "Rec 10, third", "series": "Rec 10 workshops"}
    )
    assert made.status_code == 201 and made.get_json()["series"] == "Rec 10 workshops"


def test_a_series_title_of_spaces_takes_no_meeting_out_of_its_series(api, meeting):
    """A script whose series cell held a stray space sent `{"series": " "}`: the API answered
    200 and took the workshop out of its series, unsaid, and its start times no longer shared
    the unsocial hours with its other session's. A title of spaces or of invisible characters
    alone (a zero-width space) names no series: the API refuses it, saying how to take the
    meeting out, as the form's "Or a new series" reads it as nothing typed (the base form
    empties a text that shows nothing), never as a new series whose title shows nothing."""
    address = f"/api/v1/meetings/{meeting.id}"
    assert api.patch(address, json={"series": "Rec 10 workshops"}).status_code == 200
    for blank in (" ", "\t \u200b", "\u200b"):
        refused = api.patch(address, json={"series": blank})
        assert refused.status_code == 400, repr(blank)
        assert (refused.get_json()["message"], refused.get_json()["field"]) == (
            "The series has no title: give its title, or null to take the meeting out of "
            "its series.",
            "series",
        )
    made = api.post("/api/v1/meetings", json={**MEETING, "series": "\u200b"})
    assert made.status_code == 400
    assert api.get(address).get_json()["series"] == "Rec 10 workshops"
    edit = f"/meetings/{meeting.id}/edit"
    form = form_of(api, edit)
    form["new_series"] = ["\u200b"]
    assert api.post(edit, data=form).status_code == 302
    assert api.get(address).get_json()["series"] == "Rec 10 workshops"
    assert db.session.scalar(select(func.count()).select_from(MeetingSeries)) == 1


@pytest.mark.parametrize("pinned", [True, False])
def test_a_meeting_form_sent_without_its_fields_changes_nothing(api, meeting, pinned):
    """A field left out of the post is no field cleared: no browser leaves one out, but a
    script posting the form can. The date and start (which the meeting stores as one instant)
    were cleared, and a length that follows the slots was pinned (the form's two length fields
    left out read as the meeting's length typed)."""
    if not pinned:
        assert (
            api.patch(f"/api/v1/meetings/{meeting.id}", json={"duration_pinned": False}).status_code
            == 200
        )
    db.session.expire_all()
    before = (meeting.starts_at, meeting.duration_minutes, meeting.duration_pinned)
    before += (meeting.title, meeting.time_zone, meeting.video_url, meeting.freeze_on)
    edit = f"/meetings/{meeting.id}/edit"
    sent = hidden_fields(api, edit)  # the CSRF token and the version: no field of the meeting
    response = api.post(edit, data=sent)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    after = (meeting.starts_at, meeting.duration_minutes, meeting.duration_pinned)
    after += (meeting.title, meeting.time_zone, meeting.video_url, meeting.freeze_on)
    assert after == before
    # Sent empty, as a browser sends a field emptied, they are cleared as before.
    form = form_of(api, edit)
    form["day"], form["start"] = [""], [""]
    assert api.post(edit, data=form).status_code == 302
    db.session.expire_all()
    assert meeting.starts_at is None


def test_a_slot_form_sent_without_its_start_keeps_the_slot_pinned(api, meeting):
    """As the meeting's form: a pinned start left out of the post was read as cleared, and the
    slot unpinned (a box group cannot be told apart so: a browser sends none when no box is
    ticked)."""
    slot = meeting.slots[1]
    pinned = api.patch(f"/api/v1/slots/{slot.id}", json={"offset_minutes": 15})
    assert pinned.status_code == 200
    edit = f"/slots/{slot.id}/edit"
    form = form_of(api, edit)
    del form["start"]
    form["abstract"] = ["Governance, with the start left out of the post."]
    assert api.post(edit, data=form).status_code == 302
    db.session.expire_all()
    assert slot.offset_minutes == 15 and slot.abstract.startswith("Governance")


def test_a_video_link_to_an_internationalised_host_is_one_link_however_it_is_spelt(
    api, client, meeting
):
    """The video link is kept with its host in Unicode, as people read it: typed in its xn--
    spelling it was shown so, and sent again in the other spelling it counted as a change of
    link (a new version, an update to presenters of a published meeting)."""
    url = f"/api/v1/meetings/{meeting.id}"
    typed = api.patch(url, json={"video_url": "https://xn--bcher-kva.example/Raum?pwd=1"})
    assert typed.status_code == 200, typed.get_json()
    assert typed.get_json()["video_url"] == "https://bücher.example/Raum?pwd=1"
    version = typed.get_json()["version"]
    for again in ("https://bücher.example/Raum?pwd=1", "https://BÜCHER.example/Raum?pwd=1"):
        same = api.patch(url, json={"video_url": again})
        assert same.get_json()["version"] == version, again
    page = html.unescape(api.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    assert ">https://bücher.example/Raum?pwd=1</a>" in page and "xn--" not in page


def test_a_time_that_happens_twice_is_refused_on_the_page_in_the_pages_words(api, meeting):
    """The page's time field takes no offset: the refusal says how to get round that, not to
    type an offset it cannot take; the form comes back as typed."""
    edit = f"/meetings/{meeting.id}/edit"
    form = form_of(api, edit)
    form["day"], form["start"] = ["2027-10-31"], ["02:30"]
    refused = api.post(edit, data=form)
    assert refused.status_code == 400
    page = html.unescape(refused.get_data(as_text=True))
    assert "2027-10-31 02:30 happens twice in Europe/Zurich" in page
    assert "this page's time field cannot say which" in page and "(UTC+2 or UTC+1)" in page
    assert "give the UTC offset too" not in page
    assert 'value="2027-10-31"' in page and 'value="02:30"' in page


def test_slots_cannot_make_a_meeting_longer_than_one_may_be_typed(api, survey):
    """A meeting whose length follows its slots is held to the 720 minutes a typed length is:
    neither a slot pinned the next day nor one slot too many stretches it past them."""
    fields = {k: v for k, v in MEETING.items() if k != "duration_minutes"}
    meeting = api.post("/api/v1/meetings", json=fields).get_json()
    slots = f"/api/v1/meetings/{meeting['id']}/slots"
    tomorrow = api.post(slots, json={"title": "Next day", "starts_at": "2026-03-11T12:00:00+01:00"})
    assert tomorrow.status_code == 400
    assert tomorrow.get_json()["message"] == (
        "The slots would end 1460 minutes after the meeting's start; a meeting lasts at most 720 "
        "minutes. Shorten, move or remove a slot."
    )
    for n in range(6):
        assert (
            api.post(slots, json={"title": f"Talk {n}", "duration_minutes": 120}).status_code == 201
        )
    one_more = api.post(slots, json={"title": "One more", "duration_minutes": 15})
    assert one_more.status_code == 400 and "735 minutes" in one_more.get_json()["message"]
    stored = db.session.get(Meeting, meeting["id"])
    db.session.refresh(stored)
    assert stored.duration_minutes == 720 and len(stored.slots) == 6


def test_suggestions_look_from_the_home_zone_date(api, survey):
    # 00:30 on 1 April in Sydney is still 31 March in UTC.
    sydney = api.post(
        "/api/v1/meetings",
        json={
            **MEETING,
            "starts_at": f"{ahead('2026-04-01')}T00:30:00+11:00",
            "time_zone": "Australia/Sydney",
        },
    ).get_json()
    page = api.get(f"/meetings/{sydney['id']}/suggest").get_data(as_text=True)
    assert f'name="first" required type="date" value="{ahead("2026-04-01")}"' in page


def test_saving_a_meeting_whose_stored_zone_this_server_does_not_know_says_so(api, meeting):
    """A meeting's home zone kept from a newer machine's time zone database comes back into
    the edit form as stored; saving the form as it came (a new title), or sending the zone
    back unchanged through the API, was refused as a zone the co-lead typed and nobody knows.
    Both say this server's time zone database does not know the stored zone, and to choose
    one."""
    db.session.execute(
        update(Meeting).where(Meeting.id == meeting.id).values(time_zone="America/Nowhere")
    )
    db.session.commit()
    said = (
        '"America/Nowhere" is not known to this server\'s time zone database: kept from a '
        "newer one, or dropped since. Choose the zone again"
    )
    edit = f"/meetings/{meeting.id}/edit"
    form = form_of(api, edit)
    refused = api.post(edit, data={**form, "title": "Rec 10 workshop, renamed"})
    assert refused.status_code == 400
    page = html.unescape(refused.get_data(as_text=True))
    assert said in page and "is not a time zone name" not in page
    assert 'value="Rec 10 workshop, renamed"' in page
    sent = api.patch(f"/api/v1/meetings/{meeting.id}", json={"time_zone": "America/Nowhere"})
    assert sent.status_code == 400
    assert sent.get_json()["message"].startswith(said)


def test_a_wrong_zone_falls_back_like_no_zone(app, api, meeting):
    publish_as_planned(api, meeting.id)
    visitor = app.test_client()
    plain = visitor.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    wrong = visitor.get(f"/meetings/{meeting.id}?zone=Mars/Olympus")
    assert wrong.status_code == 400
    page = wrong.get_data(as_text=True)
    assert "“Mars/Olympus” is not a time zone name; showing Geneva, Switzerland instead" in page
    assert 'name="zone" list="zones" value="Geneva, Switzerland"' in plain
    # What was typed stays in the field, marked invalid, the message above it where a phone
    # shows it (it came below the buttons, off the screen; helper-57).
    assert 'value="Mars/Olympus"' in page and 'aria-invalid="true"' in page
    assert page.index('id="zone-error"') < page.index('name="zone"')


def test_a_zone_in_a_link_does_not_put_words_in_the_agenda_s_mouth(app, api, meeting):
    """helper-243: the agenda quoted `?zone=` back whole, bidirectional formatting too. A link
    whose zone began with U+202E (right-to-left override) turned the rest of the message around,
    so that the agenda's own red banner read "register at https://evil.xyz. This meeting moved"
    (reversed in the link, read the right way on the page), and a zone of 50 000 characters
    was said back twice. The override names no zone (dropped, as the presenter's zone field
    drops it), and the message quotes what was typed cut short, as a zone field's refusal
    does; the field keeps it."""
    publish_as_planned(api, meeting.id)
    visitor = app.test_client()
    reversed_words = "\u202e" + "devom gniteem sihT .zyx.live//:sptth ta retsiger"
    spoof = visitor.get(f"/meetings/{meeting.id}", query_string={"zone": reversed_words})
    assert spoof.status_code == 400
    page = spoof.get_data(as_text=True)
    assert "\u202e" not in page
    assert "“devom gniteem sihT .zyx.live//:sptth ta…” is not a time zone name" in page
    assert 'value="devom gniteem sihT .zyx.live//:sptth ta retsiger"' in page
    table = visitor.get(f"/meetings/{meeting.id}/agenda.csv", query_string={"zone": reversed_words})
    assert table.status_code == 400 and "\u202e" not in table.get_data(as_text=True)
    # A zone wrapped in the characters (pasted from a right-to-left page) is the zone.
    wrapped = visitor.get(f"/meetings/{meeting.id}", query_string={"zone": "\u2067Lima\u2069"})
    assert wrapped.status_code == 200 and "Time in Lima" in wrapped.get_data(as_text=True)
    pasted = "x" * 50_000
    long = visitor.get("/meetings", query_string={"zone": pasted}).get_data(as_text=True)
    assert long.count(pasted) == 1 and f"“{'x' * 40}…” is not a time zone name" in long
    several = visitor.get("/meetings", query_string={"zone": "Brazil, " * 2000})
    assert several.status_code == 400
    assert "“Brazil, Brazil, Brazil, Brazil, Brazil,…” fits several" in several.get_data(
        as_text=True
    )
    table = visitor.get(f"/meetings/{meeting.id}/agenda.csv", query_string={"zone": pasted})
    assert table.status_code == 400 and pasted not in table.get_data(as_text=True)


def test_the_zone_picker_finds_a_zone_by_its_country_and_shows_its_place(app, api, meeting):
    """helper-230: the picker's list offered "Asia/Kathmandu" labelled "Kathmandu", and the
    field showed the id back: a reader looking for Nepal, or for UTC+5:45, found nothing, and
    "St. John's" as a keyboard types it was no zone (CLDR writes "St. John’s")."""
    publish_as_planned(api, meeting.id)
    visitor = app.test_client()
    page = visitor.get(f"/meetings/{meeting.id}?zone=Nepal").get_data(as_text=True)
    assert 'name="zone" list="zones" value="Kathmandu, Nepal"' in page
    assert "Time in Kathmandu (UTC+5:45)" in page
    offered = zones_offered(visitor, page)
    kathmandu = 'label="Asia/Kathmandu · UTC+5:45" data-zone="Asia/Kathmandu">'
    assert f'<option value="Kathmandu, Nepal" {kathmandu}' in offered
    chatham = 'label="Pacific/Chatham · UTC+12:45 / UTC+13:45" data-zone="Pacific/Chatham">'
    assert f'<option value="Chatham Islands, New Zealand" {chatham}' in offered
    # What the field shows, sent again, and the apostrophe a keyboard types name their zones.
    for typed, heading in [
        ("Chatham Islands, New Zealand", "Time in Chatham Islands (UTC+"),
        ("St. John's", "Time in St. John’s (UTC−"),
    ]:
        shown = visitor.get(f"/meetings/{meeting.id}", query_string={"zone": typed})
        assert shown.status_code == 200 and heading in shown.get_data(as_text=True), typed
    # A country of several zones lists them by their places, each with its id.
    kiribati = visitor.get(f"/meetings/{meeting.id}?zone=Kiribati").get_data(as_text=True)
    assert "“Kiribati” fits several time zones; showing St. John’s, Canada. Choose" in kiribati
    line_islands = '<a href="?zone=Pacific/Kiritimati">Kiritimati, Kiribati</a>'
    assert f'{line_islands} <span class="muted">Pacific/Kiritimati</span>' in kiribati


def test_the_home_zone_by_its_old_id_is_the_home_zone(app, api, meeting):
    """helper-230: Chromium reports Nepal's zone as "Asia/Katmandu" and India's as
    "Asia/Calcutta", which "Use my time zone" sends: a meeting at home in Kathmandu then showed
    every time twice, in "Time in Kathmandu" and "Time in Kathmandu" columns."""
    url = f"/api/v1/meetings/{meeting.id}"
    assert api.patch(url, json={"time_zone": "Asia/Kathmandu"}).status_code == 200
    publish_as_planned(api, meeting.id)
    visitor = app.test_client()
    page = visitor.get(f"/meetings/{meeting.id}?zone=Asia/Katmandu").get_data(as_text=True)
    assert page.count('<th scope="col">Time in Kathmandu') == 1
    assert "the home time zone" not in page
    table = visitor.get(f"/meetings/{meeting.id}/agenda.csv").get_data(as_text=True)
    assert table.splitlines()[0].count("time in Kathmandu") == 1


def test_a_zone_asked_or_remembered_by_its_old_id_is_kept_by_its_id_today(app, api, meeting):
    """helper-239: `?zone=Asia/Calcutta` (what "Use my time zone" sends from Chromium) was
    remembered as Asia/Calcutta, and a cookie holding an old id (set before zones were kept by
    today's id) stayed so: the agenda's links, its download and "Use my time zone" went on
    naming the old id. Both are kept and shown as Asia/Kolkata, as the zone fields keep them."""
    publish_as_planned(api, meeting.id)
    visitor = app.test_client()
    asked = visitor.get(f"/meetings/{meeting.id}?zone=Asia/Calcutta")
    assert asked.headers["Set-Cookie"].startswith("zone=Asia/Kolkata;")
    page = asked.get_data(as_text=True)
    assert "Calcutta" not in page
    assert 'data-my-zone="Asia/Kolkata"' in page and 'value="Kolkata, India"' in page
    assert f"/meetings/{meeting.id}/agenda.csv?zone=Asia/Kolkata" in page
    # Remembered by an earlier release under the old id: shown, and kept again, by today's.
    remembered = app.test_client()
    remembered.set_cookie("zone", "Asia/Calcutta")
    again = remembered.get("/meetings")
    assert again.headers["Set-Cookie"].startswith("zone=Asia/Kolkata;")
    assert 'data-my-zone="Asia/Kolkata"' in again.get_data(as_text=True)
    # A zone remembered by its id today is not written again on every page.
    assert "Set-Cookie" not in remembered.get("/meetings").headers


def field_error(page: str, name: str) -> str | None:
    """The error shown under the form field `name`, if any."""
    match = re.search(rf'<p class="error" id="{name}-error">(.*?)</p>', page, re.S)
    return match[1] if match else None


def meeting_form(**fields) -> dict:
    return {
        "title": "Workshop",
        "kind": "workshop",
        "day": "2026-03-10",
        "start": "12:00",
        "duration_minutes": "90",
        "time_zone": "Europe/Zurich",
        **fields,
    }


def test_a_meeting_says_which_recommendation_it_is_on(colead_client, client, survey):
    """helper-214: a workshop's recommendation was read from its talks; nothing said it on its
    agenda or archive, and a workshop without talks yet was on none. A co-lead sets it on the
    new-meeting and edit forms (none for a general meeting) and the API; the agenda and the
    archive name it, linked to the recommendation."""
    url = "/meetings/new"
    made = colead_client.post(
        url,
        data={
            "csrf_token": csrf_token(colead_client, url),
            **meeting_form(title="Workshop on AI", recommendation="10"),
        },
    )
    assert made.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    api = f"/api/v1/meetings/{meeting.id}"
    assert colead_client.get(api).get_json()["recommendation"] == 10
    edit = f"/meetings/{meeting.id}/edit"
    shown = colead_client.get(edit).get_data(as_text=True)
    assert '<option selected value="10">Rec 10: New and emerging technologies' in shown
    # Saved as shown, it stays; a page opened before the field was there keeps it too.
    fields = form_of(colead_client, edit)
    assert colead_client.post(edit, data=fields).status_code == 302
    assert colead_client.get(api).get_json()["recommendation"] == 10
    version = colead_client.get(api).get_json()["version"]
    older = {k: v for k, v in form_of(colead_client, edit).items() if k != "recommendation"}
    assert (
        colead_client.post(edit, data={**older, "title": "Workshop on AI, renamed"}).status_code
        == 302
    )
    assert colead_client.get(api).get_json()["recommendation"] == 10
    assert colead_client.get(api).get_json()["version"] == version + 1
    agenda = html.unescape(colead_client.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    assert (
        '<dt>Recommendation</dt><dd><a href="/recommendations/10">Rec 10: New and emerging '
        "technologies (AI, blockchain)</a></dd>"
    ) in agenda
    held = held_workshop(
        colead_client, [{"title": "AI", "office": "AU", "recommendations": [10]}], recommendation=4
    )
    archive = html.unescape(client.get(f"/meetings/{held}/archive").get_data(as_text=True))
    assert (
        'at this workshop on <a href="/recommendations/4">Rec 4: Information security'
    ) in archive
    # None for a general meeting; a number that names none, or no number, is refused.
    assert (
        colead_client.patch(api, json={"recommendation": None}).get_json()["recommendation"] is None
    )
    assert "<dt>Recommendation</dt>" not in colead_client.get(f"/meetings/{meeting.id}").get_data(
        as_text=True
    )
    for wrong, said in (
        (11, "No recommendation 11."),
        (2**40, f"recommendation is {2**40}; no field of the planner takes a number beyond"),
        (True, "recommendation is the number of the recommendation the meeting is on"),
        ("10", "recommendation is the number of the recommendation the meeting is on"),
    ):
        refused = colead_client.patch(api, json={"recommendation": wrong})
        assert refused.status_code == 400, wrong
        assert refused.get_json()["field"] == "recommendation"
        assert refused.get_json()["message"].startswith(said)
    refused = colead_client.post(
        edit, data={**form_of(colead_client, edit), "recommendation": "11"}
    )
    assert refused.status_code == 400
    assert "Not a valid choice" in (
        field_error(refused.get_data(as_text=True), "recommendation") or ""
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"video_url": "ftp://x.example"}, "video_url", "The video link must be a web address"),
        (
            {"video_url": "http://localhost/presenter/abc"},
            "video_url",
            "The video link leads to a private page of this planner",
        ),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "is not a time zone name"),
        ({"day": "2026-03-29", "start": "02:30"}, "start", "does not exist in Europe/Zurich"),
        ({"day": ""}, "start", "Give both the date and the start time, or neither."),
    ],
)
def test_a_refused_meeting_shows_why_next_to_the_field(
    colead_client, survey, fields, field, message
):
    url = "/meetings/new"
    response = colead_client.post(
        url, data={"csrf_token": csrf_token(colead_client, url), **meeting_form(**fields)}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in (field_error(page, field) or "")
    assert field_error(page, "title") is None
    assert 'value="Workshop"' in page  # the form comes back as it was sent
    assert db.session.scalar(select(Meeting)) is None


def test_the_new_meeting_form_sent_twice_makes_one_meeting(colead_client, survey):
    """A double click, or a reload that sends the form again: the second finds the meeting the
    first made; a refused send keeps the form's key, and another page of the form makes another
    meeting. A key that is not one is replaced, not stored."""
    url = "/meetings/new"
    page = colead_client.get(url).get_data(as_text=True)
    key = re.search(r'name="key" value="([^"]+)"', page)[1]
    data = {"csrf_token": csrf_token(colead_client, url), "key": key, **meeting_form()}
    refused = colead_client.post(url, data={**data, "time_zone": "Mars/Olympus"})
    assert refused.status_code == 400
    assert f'name="key" value="{key}"' in refused.get_data(as_text=True)
    first = colead_client.post(url, data=data)
    second = colead_client.post(url, data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    shown = html.unescape(colead_client.get(second.headers["Location"]).text)
    assert "This form had already created the meeting (it was sent twice)" in shown
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1
    made = db.session.scalar(select(Meeting))
    assert key not in made.uid  # derived from the key: a feed's UID sent as one makes no twin
    # Back, changed, sent again: another meeting, not the first one shown as if it were it.
    changed = colead_client.post(url, data={**data, "title": "Another workshop"})
    assert changed.status_code == 302 and changed.headers["Location"] != first.headers["Location"]
    other = re.search(r'name="key" value="([^"]+)"', colead_client.get(url).text)[1]
    assert other != key
    # (Other titles: the same details from another page are found by them, tested below.)
    assert colead_client.post(url, data={**data, "key": other, "title": "B"}).status_code == 302
    assert colead_client.post(url, data={**data, "key": "<x>", "title": "C"}).status_code == 302
    # A slot's UID (public in every feed) as the key: a meeting of its own UID.
    slot = colead_client.post(f"/api/v1/meetings/{made.id}/slots", json={"title": "Talk"})
    slot_uid = slot.get_json()["uid"]
    sent = {**data, "key": slot_uid.split("@")[0], "title": "D"}
    assert colead_client.post(url, data=sent).status_code == 302
    uids = db.session.scalars(select(Meeting.uid)).all()
    assert len(uids) == len(set(uids)) == 5 and slot_uid not in uids


def test_the_new_meeting_form_sent_again_from_a_new_page_finds_the_meeting(
    colead_client, survey, clock
):
    """The usability tester's Back and send: co-lead pages are not stored, so Back fetches the
    form anew, with a new key. The same details sent again make no twin: the page says which
    meeting they made, keeps what was typed, and makes a second one only when asked again."""
    url = "/meetings/new"

    def send(**fields):
        page = colead_client.get(url).text  # a new page each time, as Back or a second tab
        key = re.search(r'name="key" value="([^"]+)"', page)[1]
        data = meeting_form(day="2027-04-13", start="09:00", time_zone="Europe/Zurich")
        data |= {"description": "Agenda to follow", **fields}
        return colead_client.post(
            url, data={"csrf_token": csrf_token(colead_client, url), "key": key, **data}
        )

    def count():
        return db.session.scalar(select(func.count()).select_from(Meeting))

    first = send()
    assert first.status_code == 302 and count() == 1
    made = db.session.scalar(select(Meeting))
    again = send()
    assert again.status_code == 409 and count() == 1
    shown = html.unescape(again.text)
    assert "This meeting was already created less than a minute ago" in shown
    assert f'<a href="/meetings/{made.id}/edit">“Workshop”</a>' in shown
    assert 'value="Workshop"' in shown and "Agenda to follow" in shown  # nothing typed is lost
    assert f'name="again" value="{made.id}" class="secondary">Create another anyway' in shown
    # Asked for: a second one; that one sent again in turn is found as it.
    second = send(again=str(made.id))
    assert second.status_code == 302 and count() == 2
    assert second.headers["Location"] != first.headers["Location"]
    twice = send(again=str(made.id))
    assert twice.status_code == 409 and count() == 2
    assert second.headers["Location"] in twice.text
    # Other details are another meeting; the same, long after, a meeting meant again.
    assert send(start="10:00").status_code == 302 and count() == 3
    clock.sleep(31 * 60)
    assert send().status_code == 302 and count() == 4


def test_the_new_slot_form_sent_again_finds_the_slot(before_it, api, meeting):
    """Back and "Add the slot" again on a published meeting made a twin that went straight into
    the public agenda and feeds (and, published, could then only be cancelled). The same slot
    sent again as the last one added is found instead; a second one is one press away."""
    assert publish_as_planned(api, meeting.id).status_code == 200
    edit = f"/meetings/{meeting.id}/edit"

    def send(**fields):
        data = slot_form(title="Coffee break", kind="break", duration_minutes="10", **fields)
        return api.post(
            f"/meetings/{meeting.id}/slots", data={"csrf_token": csrf_token(api, edit), **data}
        )

    def breaks():
        db.session.expire_all()
        return [s for s in meeting.slots if s.title == "Coffee break"]

    first = send()
    assert first.status_code == 302 and len(breaks()) == 1
    added = breaks()[0]
    again = send()
    assert again.status_code == 409 and len(breaks()) == 1
    shown = html.unescape(again.text)
    assert "This slot was already added less than a minute ago" in shown
    assert f'<a href="{edit}#slot-{added.id}">“Coffee break”</a>' in shown
    assert 'value="Coffee break"' in shown  # the form as sent
    assert f'name="again" value="{added.id}" class="secondary">Add another anyway' in shown
    assert "Slot added." not in shown
    public = api.get(f"/meetings/{meeting.id}").text
    assert public.count("Coffee break") == 1
    # Asked for: a second one; that request sent twice makes no third.
    assert send(again=str(added.id)).status_code == 302 and len(breaks()) == 2
    assert send(again=str(added.id)).status_code == 409 and len(breaks()) == 2
    # Only the last slot added is compared: another break after a talk is another break.
    talk = api.post(
        f"/meetings/{meeting.id}/slots",
        data={"csrf_token": csrf_token(api, edit), **slot_form(title="Late talk")},
    )
    assert talk.status_code == 302
    assert send().status_code == 302 and len(breaks()) == 3
    # And the same slot, long after, is meant.
    breaks()[-1].created_at -= timedelta(minutes=31)
    db.session.commit()
    assert send().status_code == 302 and len(breaks()) == 4


def test_a_meeting_that_took_place_offers_no_cancel_button(api, meeting):
    """Cancelling it is refused (its calendars would be told a past meeting is off): the editor
    no longer offers a button that only leads to the refusal, and says why."""
    assert publish_as_planned(api, meeting.id).status_code == 200
    editor = html.unescape(api.get(f"/meetings/{meeting.id}/edit").text)
    assert f"/meetings/{meeting.id}/delete" not in editor and "Cancel the meeting" not in editor
    assert "It has taken place: it stays among the past meetings as it was" in editor


def test_a_draft_dated_in_the_past_is_kept_and_said_to_be_unpublishable(api, colead_client, survey):
    """A year mistyped, or a record of a meeting held: the draft is made, and the co-lead is
    told at once that it will not publish, not only when publishing is refused. One to come
    says nothing of the kind."""
    url = "/meetings/new"
    data = {"csrf_token": csrf_token(colead_client, url), **meeting_form(day="2025-03-10")}
    made = colead_client.post(url, data=data, follow_redirects=True)
    shown = html.unescape(made.text)
    assert made.status_code == 200 and "Meeting created as a draft." in shown
    # In the meeting's zone, as its co-leads read it (helper-81).
    assert "Its date has passed (it ended 10 March 2025 at 13:30 in Geneva (UTC+1))" in shown
    assert "cannot be published" in shown
    editor = html.unescape(made.text)
    assert "/publish" not in editor and "Its date has passed: a meeting that has ended" in editor
    to_come = meeting_form(day=ahead("2026-03-10"), title="Later")
    data = {"csrf_token": csrf_token(colead_client, url), **to_come}
    later = colead_client.post(url, data=data, follow_redirects=True)
    assert later.status_code == 200 and "Its date has passed" not in later.text
    assert "/publish" in later.text
    # Through the API too, as its answer's warning (helper-155: a 201 without a word).
    body = {"title": "Typed 2020", "starts_at": "2020-03-10T12:00:00+00:00", "time_zone": "UTC"}
    created = api.post("/api/v1/meetings", json=body)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["warning"].startswith("Its date has passed (it ended 10 March 2020")
    moved = api.patch(
        f"/api/v1/meetings/{created.get_json()['id']}",
        json={"starts_at": f"{ahead('2026-03-10')}T12:00:00+00:00"},
    )
    assert moved.status_code == 200 and "warning" not in moved.get_json()


def slot_form(**fields) -> dict:
    return {
        "title": "Squeezed in",
        "kind": "presentation",
        "duration_minutes": "10",
        "status": "proposed",
        "office": "",
        "proposal": "",
        **fields,
    }


def test_a_presentation_added_on_the_editor_goes_before_the_closing_discussion(api, meeting):
    """helper-164: a talk added with "Add the slot" went after the agenda's closing discussion,
    and needed "Up" to come before it, where a line-up accepted or a proposal scheduled puts its
    talks before it. A presentation goes there too, and the page says so; a break or discussion
    added, or a talk given a time of its own, still goes at the end."""
    closing = {"title": "Discussion", "kind": "discussion", "duration_minutes": 30}
    assert api.post(f"/api/v1/meetings/{meeting.id}/slots", json=closing).status_code == 201
    edit = f"/meetings/{meeting.id}/edit"

    def add(**fields):
        data = {"csrf_token": csrf_token(api, edit), **slot_form(**fields)}
        return api.post(f"/meetings/{meeting.id}/slots", data=data, follow_redirects=True)

    def titles():
        db.session.expire_all()
        return [s.title for s in meeting.slots]

    page = html.unescape(add(title="Late talk", office="EP").get_data(as_text=True))
    opening_and_talks = ["Opening", "IP Australia on governance", "Poland on Autopatent"]
    assert titles() == [*opening_and_talks, "Late talk", "Discussion"]
    assert "Slot added before “Discussion”, which closes the agenda; “Down” moves it later." in page
    assert add(title="Coffee", kind="break").status_code == 200
    assert titles() == [*opening_and_talks, "Late talk", "Discussion", "Coffee"]
    # At a time of its own (14:00, after the others), it stays there, at its time.
    assert add(title="Pinned talk", office="EM", start="14:00").status_code == 200
    assert titles()[-1] == "Pinned talk"
    assert meeting.slots[-1].offset_minutes is not None


def test_a_refused_slot_shows_why_next_to_the_field(api, meeting):
    # Opening 12:00–12:10, Australia 12:10–12:30, Poland 12:30–12:50.
    edit = f"/meetings/{meeting.id}/edit"
    added = api.post(
        f"/meetings/{meeting.id}/slots",
        data={"csrf_token": csrf_token(api, edit), **slot_form(start="12:05")},
    )
    assert added.status_code == 400
    page = added.get_data(as_text=True)
    assert "slots cannot overlap" in (field_error(page, "slot-start") or "")
    assert 'value="Squeezed in"' in page  # the new slot as sent
    assert 'value="Rec 10 workshop"' in page  # the meeting as stored, not the slot's fields
    db.session.expire_all()
    assert len(meeting.slots) == 3

    poland = meeting.slots[2]
    url = f"/slots/{poland.id}/edit"
    moved = api.post(
        url, data={"csrf_token": csrf_token(api, url), **slot_form(title="Poland", start="12:15")}
    )
    assert moved.status_code == 400
    page = moved.get_data(as_text=True)
    assert "slots cannot overlap" in (field_error(page, "slot-start") or "")
    assert 'value="Poland"' in page


def test_a_refusal_about_another_slot_is_shown_above_the_form(api, meeting):
    opening, _, poland = meeting.slots
    api.patch(f"/api/v1/slots/{poland.id}", json={"offset_minutes": 40})  # pinned at 12:40
    url = f"/slots/{opening.id}/edit"
    # A longer opening would push Australia's talk past Poland's pinned start.
    response = api.post(
        url,
        data={
            "csrf_token": csrf_token(api, url),
            **slot_form(title="Opening", kind="discussion", duration_minutes="25"),
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    summary = re.search(
        r'<div class="error-summary" role="alert"><h2>Not saved</h2>(.*?)</div>', page, re.S
    )
    assert summary and (
        "“Poland on Autopatent” would start at 12:40, before the slot before it ends (12:45)"
    ) in html.unescape(summary[1])
    assert 'class="error"' not in page  # on no field
    db.session.refresh(opening)
    assert opening.duration_minutes == 10


def test_the_edit_page_has_one_element_per_id(api, meeting):
    page = api.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for target in re.findall(r'<label for="([^"]+)"', page):
        assert target in ids, target


@pytest.fixture
def before_the_clocks_go_back():
    """A day before 31 October 2027, when Geneva's clocks go back: a start in the past is
    never suggested. First among a test's fixtures, before any sign-in."""
    with time_machine.travel(datetime(2027, 10, 1, 9, tzinfo=UTC), tick=True):
        yield


def test_fair_starts_in_the_hour_the_clocks_repeat_say_which_they_are(
    before_the_clocks_go_back, api, survey
):
    """Geneva's clocks go back at 03:00 on 31 October 2027, so 02:00 there comes twice. The
    fair-start table showed one "Sun 31 Oct 02:00", "and 1 more day" (the same day), and
    offered only the first; moving the meeting to the second asked "Move the published meeting
    to Sunday 31 October 2027, 02:00 in Geneva?" (helper-185)."""
    made = api.post(
        "/api/v1/meetings",
        json={**MEETING, "starts_at": "2027-11-02T22:00:00", "duration_minutes": 60},
    ).get_json()
    talk = {"title": "A talk", "office": "AU", "recommendations": [10], "duration_minutes": 60}
    assert api.post(f"/api/v1/meetings/{made['id']}/slots", json=talk).status_code == 201
    assert publish_as_planned(api, made["id"]).status_code == 200
    url = f"/meetings/{made['id']}/suggest"
    days = "duration_minutes=60&first=2027-10-31&last=2027-10-31"
    page = api.get(f"{url}?offices=AU&offices=CN&{days}").text
    assert "Sun 31 Oct 02:00 (UTC+2)" in page and "Sun 31 Oct 02:00 (UTC+1)" in page
    assert "more day" not in page
    second = "2027-10-31T01:00:00+00:00"  # 02:00 (UTC+1)
    assert f'name="starts_at" value="{second}"' in page
    asked = api.post(
        url,
        data={
            "csrf_token": csrf_token(api, f"/meetings/{made['id']}/edit"),
            "starts_at": second,
            "start_seen": _seen_start(page),
        },
    )
    question = "Move the published meeting to Sunday 31 October 2027, 02:00 (UTC+1) in Geneva?"
    assert question in html.unescape(asked.text)


def test_the_editor_says_which_of_two_equal_clock_times_a_meeting_starts_at(api, survey):
    """Its start field takes no offset: a meeting at the second 02:30 of 31 October 2027 in
    Geneva (UTC+1, after the clocks went back) showed "02:30" there and in its rows, as one at
    the first would (helper-185)."""
    for offset, which, said_offset in (("+01:00", "second", "+1"), ("+02:00", "first", "+2")):
        made = api.post(
            "/api/v1/meetings", json={**MEETING, "starts_at": f"2027-10-31T02:30:00{offset}"}
        ).get_json()
        page = html.unescape(api.get(f"/meetings/{made['id']}/edit").text)
        said = (
            "02:30 comes twice in Geneva on 31 October 2027, when the clocks go back: the "
            f"meeting starts at the {which}, 02:30 (UTC{said_offset}), and stays "
            "there when saved as shown."
        )
        assert said in page
    ordinary = api.post("/api/v1/meetings", json=MEETING).get_json()
    assert "comes twice" not in api.get(f"/meetings/{ordinary['id']}/edit").text


def test_moving_a_published_meeting_from_the_suggestions_asks_first(before_it, api, meeting):
    """Subscribers and presenters of a published meeting are told of a new start: the co-lead
    is asked first, told so, and nothing moves until they confirm (before the meeting: one
    that took place keeps its start)."""
    assert publish_as_planned(api, meeting.id).status_code == 200
    db.session.refresh(meeting)
    before = meeting.starts_at
    page = api.get(f"/meetings/{meeting.id}/suggest").get_data(as_text=True)
    start = re.search(r'name="starts_at" value="([^"]+)"', page)[1]
    token = csrf_token(api, f"/meetings/{meeting.id}/edit")
    seen = _seen_start(page)
    asked = api.post(
        f"/meetings/{meeting.id}/suggest",
        data={"csrf_token": token, "starts_at": start, "start_seen": seen},
    )
    assert asked.status_code == 200
    text = html.unescape(asked.get_data(as_text=True))
    assert "Move the published meeting to" in text and "are emailed the new time" in text
    assert 'name="confirmed" value="1"' in text
    db.session.refresh(meeting)
    assert meeting.starts_at == before
    moved = api.post(
        f"/meetings/{meeting.id}/suggest",
        data={"csrf_token": token, "starts_at": start, "start_seen": seen, "confirmed": "1"},
    )
    assert moved.status_code == 302
    db.session.refresh(meeting)
    assert meeting.starts_at == datetime.fromisoformat(start)


@pytest.mark.parametrize("confirmed", ["", "1"])
@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("9999-12-31T23:30:00+00:00", "Give a date between 2000 and 2100."),
        ("0001-01-01T00:10:00+05:00", "Give a date between 2000 and 2100."),
        ("2027-03-09T13:00:00", "the start chosen is not a date and time."),
        ("x" * 5000, "the start chosen is not a date and time."),
    ],
)
def test_a_start_out_of_range_is_refused_before_anything_is_asked(
    before_it, api, meeting, confirmed, sent, message
):
    """The published meeting's "Use this start" checks the start as any start is checked, and
    the message does not repeat what was sent; the refusal is a 400 with the ranking shown."""
    assert publish_as_planned(api, meeting.id).status_code == 200
    db.session.refresh(meeting)
    before = meeting.starts_at
    token = csrf_token(api, f"/meetings/{meeting.id}/edit")
    seen = _seen_start(api.get(f"/meetings/{meeting.id}/suggest").get_data(as_text=True))
    answer = api.post(
        f"/meetings/{meeting.id}/suggest",
        data={"csrf_token": token, "starts_at": sent, "confirmed": confirmed, "start_seen": seen},
    )
    assert answer.status_code == 400
    assert len(answer.headers.get("Set-Cookie", "")) < 1000
    shown = html.unescape(answer.get_data(as_text=True))
    assert f"Not changed: {message}" in shown
    assert "x" * 100 not in shown
    db.session.refresh(meeting)
    assert meeting.starts_at == before


def test_publishing_asks_first_saying_who_is_sent_what(before_it, api, meeting):
    # Offices without a contact are not said to be written to (helper-60).
    none = html.unescape(api.get(f"/meetings/{meeting.id}/publish").get_data(as_text=True))
    assert "No presenting office has a contact saved: no office contact is emailed." in none
    from planner.offices.models import OfficeContact

    db.session.add(
        OfficeContact(office_code="AU", name="Kim", email="kim@ipa.example", source="test")
    )
    db.session.commit()
    asked = api.get(f"/meetings/{meeting.id}/publish")
    assert asked.status_code == 200
    text = html.unescape(asked.get_data(as_text=True))
    assert f"Publish “{meeting.title}”?" in text
    assert "appear in every calendar feed" in text and "No presenter is invited yet." in text
    assert "The contacts of the presenting offices (AU) are emailed" in text
    assert "PL has no contact saved." in text
    # Without a mail server, it says the messages wait (helper-53: "are emailed" regardless).
    assert "No mail server is configured (MAIL_SERVER): these messages wait in the outbox" in text
    # What is worth settling first is said (helper-66): the talks no one was invited to.
    assert (
        "Check first: “IP Australia on governance”, “Poland on Autopatent” have no presenter "
        "invited yet; the public agenda shows them as proposed."
    ) in text
    assert "no video link" not in text
    unlinked = {"video_url": None}
    assert api.patch(f"/api/v1/meetings/{meeting.id}", json=unlinked).status_code == 200
    text = html.unescape(api.get(f"/meetings/{meeting.id}/publish").text)
    assert "Check first: the meeting has no video link, so calendars and emails carry none" in text
    assert f'action="/meetings/{meeting.id}/publish"' in text
    db.session.refresh(meeting)
    assert meeting.status == "draft"  # asking changes nothing
    asked = hidden_fields(api, f"/meetings/{meeting.id}/publish")
    assert api.post(f"/meetings/{meeting.id}/publish", data=asked).status_code == 302
    again = api.get(f"/meetings/{meeting.id}/publish")
    assert again.status_code == 302 and again.headers["Location"] == f"/meetings/{meeting.id}"


def test_publishing_from_a_page_opened_before_another_co_lead_changed_the_meeting_asks_again(
    before_it, api, other, meeting
):
    """The publish page says what publishing sends and to whom; A opened it, B then changed
    the meeting on its edit page, and A's "Publish" published what A never saw. As a
    cancellation's page does, it carries what it asked on: the meeting as it is now is asked
    about again, nothing published; sent from that page, it is."""
    from planner.mail.models import OutboxMessage

    url = f"/meetings/{meeting.id}/publish"
    asked = hidden_fields(api, url)
    edit = f"/meetings/{meeting.id}/edit"
    assert other.post(edit, data={**form_of(other, edit), "title": ["Moved"]}).status_code == 302
    sent = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    refused = api.post(url, data=asked)
    assert refused.status_code == 409
    said = html.unescape(refused.get_data(as_text=True))
    assert "The meeting changed since you opened the page" in said
    assert "Publish “Moved”?" in said
    db.session.refresh(meeting)
    assert meeting.status == "draft" and meeting.published_at is None
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == sent
    again = api.post(url, data=hidden_fields(api, url))
    assert again.status_code == 302
    db.session.refresh(meeting)
    assert meeting.status == "published"


def test_publishing_twice_says_it_was_already_published(before_it, api, meeting):
    url = f"/meetings/{meeting.id}/publish"
    asked = hidden_fields(api, url)
    assert api.post(url, data=asked).status_code == 302
    db.session.refresh(meeting)
    sequence = meeting.sequence
    again = api.post(url, data=asked, follow_redirects=True)
    assert "It was already published: nothing changed." in html.unescape(
        again.get_data(as_text=True)
    )
    db.session.refresh(meeting)
    assert meeting.sequence == sequence


def test_a_cancelled_slot_runs_past_nothing(api, meeting):
    """The last slot ran past the meeting's end; cancelled, it is no longer flagged so (it
    takes no time), in the API and so on the pages that read the same layout."""
    long = api.post(
        f"/api/v1/meetings/{meeting.id}/slots", json={"title": "Long one", "duration_minutes": 90}
    ).get_json()
    body = api.get(f"/api/v1/meetings/{meeting.id}").get_json()
    assert [s["overruns"] for s in body["slots"] if s["id"] == long["id"]] == [True]
    assert api.patch(f"/api/v1/slots/{long['id']}", json={"status": "cancelled"}).status_code == 200
    body = api.get(f"/api/v1/meetings/{meeting.id}").get_json()
    assert not any(s["overruns"] for s in body["slots"])


def test_a_slot_pinned_in_the_hour_the_clocks_repeat_can_still_be_saved_on_its_page(api, survey):
    """helper-58: a meeting moved onto the night Europe's clocks go back put a pinned slot at
    the first 02:30; its page showed "02:30", which names two instants, and refused every save
    of the slot, even of its title alone."""
    meeting = api.post(
        "/api/v1/meetings",
        json={
            "title": "Night of the change",
            "starts_at": "2027-10-31T01:30:00+02:00",
            "duration_minutes": 120,
            "time_zone": "Europe/Zurich",
        },
    ).get_json()
    made = api.post(
        f"/api/v1/meetings/{meeting['id']}/slots",
        json={"title": "Pinned", "duration_minutes": 20, "offset_minutes": 60},
    ).get_json()
    url = f"/slots/{made['id']}/edit"
    page = api.get(url).get_data(as_text=True)
    assert 'value="02:30"' in page
    saved = api.post(
        url,
        data={
            **hidden_fields(api, url),
            **slot_form(title="Pinned, renamed", kind="discussion", duration_minutes="20"),
            "start": "02:30",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    slot = api.get(f"/api/v1/slots/{made['id']}").get_json()
    assert slot["title"] == "Pinned, renamed" and slot["pinned"]
    assert slot["starts_at"] == "2027-10-31T02:30:00+02:00"  # the first 02:30, as it was


def test_a_refused_slot_edit_shows_the_slot_as_saved_around_the_form_as_typed(api, survey):
    """helper-150: refused ("The slots would end … minutes after the meeting's start"), the
    slot's page said it was "starting … at 23:00", the start typed and not saved."""
    meeting = api.post("/api/v1/meetings", json={**MEETING, "duration_pinned": False}).get_json()
    made = api.post(
        f"/api/v1/meetings/{meeting['id']}/slots",
        json={"title": "Opening", "duration_minutes": 20},
    ).get_json()
    url = f"/slots/{made['id']}/edit"
    refused = api.post(
        url,
        data={
            **hidden_fields(api, url),
            **slot_form(title="Opening, renamed", duration_minutes="20"),
            "start": "23:50",
        },
    )
    assert refused.status_code == 400
    page = html.unescape(refused.get_data(as_text=True))
    assert "after the meeting's start; a meeting lasts at most 720 minutes" in page
    assert "In Rec 10 workshop, starting 10 March 2026 at 12:00 in Geneva (UTC+1)." in page
    assert 'value="23:50"' in page and 'value="Opening, renamed"' in page
    assert api.get(f"/api/v1/slots/{made['id']}").get_json()["title"] == "Opening"


@pytest.mark.parametrize(
    ("zone", "start", "shown"),
    [
        ("America/New_York", "2027-11-07T01:30:00-04:00", "01:30"),
        ("America/New_York", "2027-11-07T01:30:00-05:00", "01:30"),
        ("Europe/Zurich", "2027-10-31T02:30:00+01:00", "02:30"),
        ("Australia/Sydney", "2027-04-04T02:30:00+10:00", "02:30"),
    ],
)
def test_a_meeting_in_the_hour_the_clocks_repeat_can_still_be_saved_on_its_page(
    api, survey, zone, start, shown
):
    """helper-88: a meeting starting in the repeated hour (given with its offset through the
    API, or taken from "Use this start") could not be saved on its edit page, even with only its
    title changed: the page's time names two instants. Sent back as shown, it stays the instant
    it was; typed anew, the hour is still refused, naming both offsets."""
    made = api.post(
        "/api/v1/meetings",
        json={"title": "Night of the change", "starts_at": start, "duration_minutes": 90}
        | {"time_zone": zone},
    ).get_json()
    url = f"/meetings/{made['id']}/edit"
    fields = form_of(api, url)
    assert fields["start"] == [shown]
    saved = api.post(url, data={**fields, "title": "Night of the change, renamed"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    body = api.get(f"/api/v1/meetings/{made['id']}").get_json()
    assert body["title"] == "Night of the change, renamed"
    assert body["starts_at"] == start  # the same instant: the same offset
    # Another day, then back to that hour by hand: which of the two is not known.
    day = form_of(api, url)["day"][0]
    moved = api.post(url, data={**form_of(api, url), "day": "2027-12-01"})
    assert moved.status_code == 302
    refused = api.post(url, data={**form_of(api, url), "day": day, "start": shown})
    assert refused.status_code == 400
    assert "happens twice" in html.unescape(refused.get_data(as_text=True))


def test_a_meeting_that_has_ended_is_not_cancelled_afterwards(api, meeting):
    """helper-60: a meeting that ended in March could be cancelled in December, sending its
    presenters and calendars word that it was off."""
    assert publish_as_planned(api, meeting.id).status_code == 200
    refused = api.patch(f"/api/v1/meetings/{meeting.id}", json={"status": "cancelled"})
    assert refused.status_code == 400
    assert "The meeting has ended: there is nothing to cancel" in refused.get_json()["message"]
    assert api.delete(f"/api/v1/meetings/{meeting.id}").status_code == 400
    asked = api.get(f"/meetings/{meeting.id}/delete")
    assert asked.status_code == 302
    # A form from a page opened before it ended: refused with a 4xx on the editor (helper-73).
    from planner.agenda.view_helpers import asked_version

    db.session.refresh(meeting)
    form = {
        "csrf_token": csrf_token(api, f"/meetings/{meeting.id}/edit"),
        "version": asked_version(meeting),
    }
    sent = api.post(f"/meetings/{meeting.id}/delete", data=form)
    assert sent.status_code == 400
    assert "The meeting has ended: there is nothing to cancel" in html.unescape(sent.text)
    db.session.refresh(meeting)
    assert meeting.status == "published"


def test_a_published_meeting_that_has_ended_takes_no_new_slot(api, meeting):
    """helper-163: a slot added to a published meeting that took place months ago was stored,
    and the office's contacts were emailed "On the agenda: ..." for it; the editor says such a
    meeting "stays among the past meetings as it was". Refused (409) through the API and the
    page, the page's form as typed, nothing written to the outbox; the editor offers no form."""
    from planner.mail.models import OutboxMessage
    from planner.offices.models import OfficeContact

    assert publish_as_planned(api, meeting.id).status_code == 200
    db.session.add(
        OfficeContact(office_code="AU", name="Ana", email="ana@ipaustralia.example", source="t")
    )
    db.session.commit()
    written = db.session.scalar(select(func.count(OutboxMessage.id)))
    said = (
        "The meeting has ended: it takes no new slot. It stays among the past meetings as it "
        "took place."
    )
    talk = {"title": "After the fact", "office": "AU", "duration_minutes": 10}
    refused = api.post(f"/api/v1/meetings/{meeting.id}/slots", json=talk)
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["message"] == said
    editor = api.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert "Add the slot" not in editor
    # From an editor opened before it ended: refused there, with what was typed.
    page = add_slot_on_page(api, meeting.id, title="After the fact", office="AU")
    assert page.status_code == 409
    shown = html.unescape(page.get_data(as_text=True))
    assert said in shown and 'value="After the fact"' in shown
    db.session.expire_all()
    assert [s.title for s in db.session.get(Meeting, meeting.id).slots] == [
        "Opening",
        "IP Australia on governance",
        "Poland on Autopatent",
    ]
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == written


def test_a_meeting_that_took_place_is_not_moved_to_a_date_to_come(api, meeting):
    """helper-254: a week after the workshop, its start changed to a date to come (the API, or
    the editor's date) was saved: the meeting no longer had taken place, so its archive and the
    talks given went, every presenter was asked to confirm the new time, and it could then be
    cancelled, each presenter emailed "Meeting cancelled" for a talk given a week before.
    Refused through the API and the page, nothing changed and nothing written to the outbox."""
    from planner.mail.models import OutboxMessage

    assert publish_as_planned(api, meeting.id).status_code == 200
    talk = meeting.slots[1]
    assert api.patch(f"/api/v1/slots/{talk.id}", json={"status": "confirmed"}).status_code == 200
    written = db.session.scalar(select(func.count(OutboxMessage.id)))
    said = (
        "The meeting has taken place: its date and start stay as they were, on the record and "
        "in calendars. To hold it again, copy it as a new draft."
    )
    url = f"/api/v1/meetings/{meeting.id}"
    to_come = ahead("2026-03-10") + "T12:00:00+01:00"
    for start in (to_come, "2026-03-09T12:00:00+01:00"):
        refused = api.patch(url, json={"starts_at": start})
        assert refused.status_code == 400, refused.get_json()
        assert (refused.get_json()["message"], refused.get_json()["field"]) == (said, "starts_at")
    # Its own start sent back (a script sending the whole meeting) changes nothing, and passes.
    assert api.patch(url, json={"starts_at": "2026-03-10T12:00:00+01:00"}).status_code == 200
    edit = f"/meetings/{meeting.id}/edit"
    editor = html.unescape(api.get(edit).get_data(as_text=True))
    assert "on its date and at its start (a meeting that has ended is not moved" in editor
    page = api.post(edit, data={**form_of(api, edit), "day": ahead("2026-03-10")})
    assert page.status_code == 400
    assert said in html.unescape(page.get_data(as_text=True))
    # Fair start times rank starts to read, with no "Use this start"; one sent from a page
    # opened before the meeting ended is refused before anything is asked.
    suggest = f"/meetings/{meeting.id}/suggest"
    ranked = html.unescape(api.get(suggest).get_data(as_text=True))
    assert "Rec 10 workshop has taken place: its start stays as it was." in ranked
    assert "Use this start" not in ranked
    seen = meeting.starts_at.isoformat()
    for confirmed in ("", "1"):
        sent = {"starts_at": to_come, "start_seen": seen, "confirmed": confirmed}
        refused = api.post(suggest, data={"csrf_token": csrf_token(api, edit), **sent})
        assert refused.status_code == 400
        assert f"Not changed: {said}" in html.unescape(refused.get_data(as_text=True))
    db.session.expire_all()
    assert meeting.starts_at == datetime(2026, 3, 10, 11, tzinfo=UTC)
    assert (meeting.status, talk.status) == ("published", "confirmed")
    assert "IP Australia on governance" in api.get(f"{edit.removesuffix('/edit')}/archive").text
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == written


def test_the_meetings_list_says_a_zone_it_cannot_use_and_what_is_on_now(api, app, meeting):
    """helper-60: ?zone=CET was ignored without a word on the list; a meeting under way was
    listed as one of the coming ones, nothing more."""
    visitor = app.test_client()
    wrong = visitor.get("/meetings?zone=CET")
    assert wrong.status_code == 400
    assert "“CET”" in wrong.get_data(as_text=True)
    assert publish_as_planned(api, meeting.id).status_code == 200
    with time_machine.travel(datetime(2026, 3, 10, 11, 30, tzinfo=UTC)):
        page = visitor.get("/meetings").get_data(as_text=True)
    assert "happening now" in page
    assert "happening now" not in visitor.get("/meetings").get_data(as_text=True)


def test_publishing_through_the_api_honours_the_version_sent(api, meeting):
    """helper-67: a publish with a stale version went through, and any body was taken."""
    url = f"/api/v1/meetings/{meeting.id}/publish"
    version = api.get(f"/api/v1/meetings/{meeting.id}").get_json()["version"]
    with time_machine.travel(datetime(2026, 2, 2, 9, tzinfo=UTC), tick=True):
        stale = api.post(url, json={"version": version + 5})
        assert stale.status_code == 409 and "since you opened it" in stale.get_json()["message"]
        junk = api.post(url, json={"foo": 1})
        assert junk.status_code == 400
        assert junk.get_json()["message"] == (
            'Publishing takes only a version; "foo" is no option of it.'
        )
        # Named in fields, as any unknown field of this API (helper-189).
        assert junk.get_json()["fields"] == {"foo": [junk.get_json()["message"]]}
        assert api.post(url, data="[1]", content_type="application/json").status_code == 400
        db.session.refresh(meeting)
        assert meeting.status == "draft"
        assert api.post(url, json={"version": version}).status_code == 200


def test_the_editor_says_where_a_pinned_slot_leaves_time_unfilled(api, meeting):
    """helper-66: pinning a slot later left a silent gap before it."""
    talk = meeting.slots[2]  # after 10 + 20 minutes, at 12:30
    pinned = api.patch(f"/api/v1/slots/{talk.id}", json={"starts_at": "2026-03-10T13:00:00+01:00"})
    assert pinned.status_code == 200, pinned.get_json()
    page = html.unescape(api.get(f"/meetings/{meeting.id}/edit").text)
    assert "pinned 30 min after the slot before ends: nothing fills that time" in page
    assert page.count("nothing fills that time") == 1
    # Moving it unpins it: the co-lead is told (helper-69: it went silently).
    edit = f"/meetings/{meeting.id}/edit"
    moved = api.post(f"/slots/{talk.id}/move", data=move_form(api, edit, "up"))
    assert moved.status_code == 302
    shown = html.unescape(api.get(moved.headers["Location"]).text)
    assert f"“{talk.title}” was pinned to a time; moved, it now follows the slots" in shown
    assert "nothing fills that time" not in shown


def test_moving_a_slot_past_a_pinned_one_leaves_that_one_at_its_time(api, meeting):
    """helper-239: a break pinned to 13:00 was unpinned, and so moved, by a talk moved past it
    (only a warning said so): a co-lead pins a slot so that its start does not move. It stays
    pinned; the slot moved goes before or after it, and where it does not fit before it, the
    move is refused, saying what to do. A pinned slot moved itself is still unpinned, and said
    so (`test_the_editor_says_where_a_pinned_slot_leaves_time_unfilled`)."""
    url = f"/api/v1/meetings/{meeting.id}/slots"
    for slot in (
        {"title": "Break", "kind": "break", "duration_minutes": 15},
        {"title": "Closing", "kind": "discussion", "duration_minutes": 10},
    ):
        assert api.post(url, json=slot).status_code == 201
    db.session.expire_all()
    brk, closing = meeting.slots[3], meeting.slots[4]
    pin = {"starts_at": "2026-03-10T13:00:00+01:00"}  # 10 minutes after the talks end
    assert api.patch(f"/api/v1/slots/{brk.id}", json=pin).status_code == 200
    edit = f"/meetings/{meeting.id}/edit"
    moved = api.post(f"/slots/{closing.id}/move", data=move_form(api, edit, "up"))
    assert moved.headers["Location"] == f"{edit}#slot-{closing.id}"
    db.session.expire_all()
    assert [s.title for s in meeting.slots][3:] == ["Closing", "Break"]
    assert brk.offset_minutes == 60 and brk.starts_at == datetime(2026, 3, 10, 12, tzinfo=UTC)
    assert closing.starts_at == datetime(2026, 3, 10, 11, 50, tzinfo=UTC)  # 12:50, after PL
    shown = html.unescape(api.get(moved.headers["Location"]).text)
    assert "“Break” stays pinned to 13:00; “Closing” now starts at 12:50." in shown
    assert "was pinned to a time" not in shown
    # Down past it again: after the break, which stays where it is.
    api.post(f"/slots/{closing.id}/move", data=move_form(api, edit, "down"))
    db.session.expire_all()
    assert [s.title for s in meeting.slots][3:] == ["Break", "Closing"]
    assert brk.offset_minutes == 60 and closing.starts_at == datetime(
        2026, 3, 10, 12, 15, tzinfo=UTC
    )
    # A talk of 20 minutes does not fit in the 10 before the break: refused, nothing moved.
    api.patch(f"/api/v1/slots/{closing.id}", json={"duration_minutes": 20})
    db.session.expire_all()
    versions = {s.id: s.version for s in meeting.slots}
    refused = api.post(f"/slots/{closing.id}/move", data=move_form(api, edit, "up"))
    assert refused.headers["Location"] == f"{edit}#slot-{closing.id}"
    db.session.expire_all()
    assert [s.title for s in meeting.slots][3:] == ["Break", "Closing"]
    assert {s.id: s.version for s in meeting.slots} == versions
    said = html.unescape(api.get(refused.headers["Location"]).text)
    assert (
        "“Closing” was not moved: before “Break”, pinned to 13:00, it would end at 13:10. "
        "Shorten it, or unpin “Break” first (on its Edit page, leave its start empty)."
    ) in said


def test_the_editor_says_how_long_a_meeting_without_slots_lasts(colead_client, survey):
    """helper-81: "The length follows the slots: 120 minutes now" on a meeting with no slot."""
    url = "/meetings/new"
    fields = meeting_form(day="2030-03-12", duration_minutes="")  # no length typed
    data = {"csrf_token": csrf_token(colead_client, url), **fields}
    made = colead_client.post(url, data=data, follow_redirects=True)
    shown = html.unescape(made.text)
    assert "120 minutes for now: with its first slot, the length follows the slots." in shown
    assert "The length follows the slots" not in shown


def test_a_new_home_zone_that_moves_the_meeting_says_so(colead_client, survey):
    """The day and start are read on the home zone's clocks: changing only the zone moves the
    meeting to another moment. Saved as asked, and said, with the start that keeps the moment
    (helper-82)."""
    url = "/meetings/new"
    data = {"csrf_token": csrf_token(colead_client, url), **meeting_form(day="2030-03-12")}
    made = colead_client.post(url, data=data)
    assert made.status_code == 302
    edit = made.headers["Location"].split("#")[0]
    fields = form_of(colead_client, edit)
    fields["time_zone"] = ["Australia/Sydney"]
    saved = colead_client.post(edit, data=fields, follow_redirects=True)
    said = html.unescape(saved.text)
    assert (
        "The home time zone is now Sydney (Australia/Sydney), and the meeting starts at "
        "12 March 2030 " in said
    )
    assert (
        "at 12:00 in Sydney (UTC+11): that is 12 March 2030 at 02:00 in Geneva (UTC+1), where "
        in said
    )
    assert (
        "it was 12 March 2030 at 12:00 in Geneva (UTC+1). If you meant the same moment as " in said
    )
    assert "before, set the start to 12 March 2030 at 22:00 in Sydney (UTC+11)." in said
    # Saved again unchanged: nothing moved, nothing said.
    again = colead_client.post(edit, data=form_of(colead_client, edit), follow_redirects=True)
    assert "The home time zone is now" not in html.unescape(again.text)


def test_fair_start_times_without_a_survey_ask_for_offices(api, meeting):
    """helper-83: with no survey left to name who takes part, the page was a 400 saying no
    office had a time zone. It asks for the offices instead; none ticked is said so. The
    offices presenting in it take part all the same (helper-252), ticked."""
    from planner.survey.models import Survey
    from planner.survey.operations import delete_survey

    meeting.offices = []
    for survey in db.session.scalars(select(Survey)).all():
        delete_survey(survey)
    db.session.commit()
    presenting = api.get(f"/meetings/{meeting.id}/suggest").text
    assert re.findall(
        r'<input checked id="offices-\d+" name="offices" type="checkbox" value="(\w\w)"', presenting
    ) == [
        "AU",
        "PL",
    ]
    for slot in meeting.slots:
        slot.office_code = None
    db.session.commit()
    page = api.get(f"/meetings/{meeting.id}/suggest")
    assert page.status_code == 200
    said = html.unescape(page.text)
    assert "No participating offices are chosen: tick those that take part, then rank." in said
    none = api.get(
        f"/meetings/{meeting.id}/suggest?duration_minutes=60&first=2030-03-04&last=2030-03-08"
    )
    assert none.status_code == 400 and "Tick at least one participating office." in none.text


def test_a_break_or_discussion_is_never_invited_or_declined(api, meeting):
    """Only a presentation has a presenter to invite, who may decline: a break or a discussion
    is proposed, confirmed or cancelled, on the page (the form kept) and in the API."""
    opening = meeting.slots[0]
    refused = api.post(
        f"/api/v1/meetings/{meeting.id}/slots",
        json={"title": "Coffee", "kind": "break", "duration_minutes": 5, "status": "invited"},
    )
    assert refused.status_code == 400
    assert refused.get_json()["field"] == "status"
    assert refused.get_json()["message"] == (
        "A break has no presenter to be invited: give it the status proposed, confirmed or "
        "cancelled."
    )
    declined = api.patch(f"/api/v1/slots/{opening.id}", json={"status": "declined"})
    assert declined.status_code == 400 and declined.get_json()["field"] == "status"
    url = f"/slots/{opening.id}/edit"
    page = api.post(
        url,
        data={
            "csrf_token": csrf_token(api, url),
            **slot_form(title="Welcome", kind="discussion", status="invited"),
        },
    )
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "A discussion has no presenter to be invited" in (field_error(text, "slot-status") or "")
    assert 'value="Welcome"' in text
    # What a break or discussion may be is still taken.
    assert api.patch(f"/api/v1/slots/{opening.id}", json={"status": "confirmed"}).status_code == 200
    db.session.expire_all()
    assert [s.status for s in meeting.slots] == ["confirmed", "proposed", "proposed"]


def test_a_presentation_is_invited_or_declined_only_once_someone_is_invited(api, meeting):
    """helper-155: a slot added "invited" (or made "declined") with nobody invited was published
    so, and its office's contacts were told "its presenter is invited and has not confirmed
    yet". Only an invitation makes it invited, and an answer declined; a co-lead may still
    confirm a talk arranged otherwise."""
    _, australia, _ = meeting.slots
    later = api.patch(
        f"/api/v1/meetings/{meeting.id}", json={"starts_at": f"{ahead('2027-03-10')}T12:00"}
    )
    assert later.status_code == 200  # a meeting to come: one that has ended invites no one
    said = (
        "Nobody is invited to present “{}”: it becomes invited when you invite its presenter "
        "(the slot's Invite page, or POST /api/v1/slots/<id>/invite), and declined when they "
        "decline. Until then it is proposed, confirmed (if you confirm it yourself) or cancelled."
    )
    added = api.post(
        f"/api/v1/meetings/{meeting.id}/slots",
        json={"title": "Bad", "office": "PE", "duration_minutes": 10, "status": "invited"},
    )
    assert added.status_code == 400 and added.get_json()["field"] == "status"
    assert added.get_json()["message"] == said.format("Bad")
    for status in ("invited", "declined"):
        refused = api.patch(f"/api/v1/slots/{australia.id}", json={"status": status})
        assert refused.status_code == 400 and refused.get_json()["field"] == "status"
        assert refused.get_json()["message"] == said.format(australia.title)
    url = f"/slots/{australia.id}/edit"
    page = api.post(
        url,
        data={
            "csrf_token": csrf_token(api, url),
            **slot_form(title="Retitled", office="AU", status="invited"),
        },
    )
    assert page.status_code == 400
    text = html.unescape(page.get_data(as_text=True))
    assert said.format("Retitled") in (html.unescape(field_error(text, "slot-status") or ""))
    assert 'value="Retitled"' in text
    assert api.patch(f"/api/v1/slots/{australia.id}", json={"status": "confirmed"}).status_code == (
        200
    )
    # Once someone is invited, it is invited; set back and invited again by hand, as before.
    invite(api, australia)
    for status in ("proposed", "invited"):
        again = api.patch(f"/api/v1/slots/{australia.id}", json={"status": status})
        assert again.status_code == 200, again.get_json()


def test_a_break_is_no_office_s(api, meeting):
    """helper-155: a break added with an office counted among the talks the office gives ("PE
    presents 7") and went into its feed. Refused, with the field it is about."""
    added = api.post(
        f"/api/v1/meetings/{meeting.id}/slots",
        json={"title": "Coffee", "kind": "break", "office": "PE", "duration_minutes": 10},
    )
    assert added.status_code == 400
    assert added.get_json()["message"] == "A break is no office's: leave its office empty."
    assert added.get_json()["field"] == "office"
    _, australia, _ = meeting.slots
    made_break = api.patch(f"/api/v1/slots/{australia.id}", json={"kind": "break"})
    assert made_break.status_code == 400 and made_break.get_json()["field"] == "kind"
    emptied = api.patch(f"/api/v1/slots/{australia.id}", json={"kind": "break", "office": None})
    assert emptied.status_code == 200, emptied.get_json()


def test_the_agenda_says_where_a_pinned_slot_leaves_time_unfilled(api, meeting):
    """helper-102: a slot pinned past the one before's end left 12:30 → 13:00 on the agenda
    with nothing shown in between; the editor flagged it, the agenda only showed the times."""
    poland = meeting.slots[2]
    assert api.patch(f"/api/v1/slots/{poland.id}", json={"offset_minutes": 60}).status_code == 200
    page = html.unescape(api.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    gap = page.index("30 min with nothing scheduled</td>")
    assert page.index("IP Australia on governance") < gap < page.index("Poland on Autopatent")
    assert page.count("with nothing scheduled") == 1
    # Unpinned, the slots follow each other again: nothing to say.
    assert api.patch(f"/api/v1/slots/{poland.id}", json={"offset_minutes": None}).status_code == 200
    assert "with nothing scheduled" not in api.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_a_discussion_stored_as_invited_made_a_break_is_not_told_to_stay_a_presentation(
    api, meeting
):
    """A slot stored before the rule (a discussion left invited) keeps its status until its kind
    or status changes; made a break, the refusal does not say to keep it a presentation, which
    it never was."""
    opening = meeting.slots[0]
    opening.kind, opening.status = "discussion", "invited"
    db.session.commit()
    made_break = api.patch(f"/api/v1/slots/{opening.id}", json={"kind": "break"})
    assert made_break.status_code == 400 and made_break.get_json()["field"] == "kind"
    assert made_break.get_json()["message"] == (
        "A break has no presenter to be invited: give it the status proposed, confirmed or "
        "cancelled."
    )


def test_the_co_leads_pages_name_the_home_zone_as_the_slot_page_does(colead_client, survey):
    """helper-172: the slot's page said "starting ... at 12:00 in Geneva (UTC+1)", while the
    agenda editor headed its times "Time (Europe/Zurich)", the slot's fixed start was to be
    typed "in Europe/Zurich", the meeting's "When" (also on the page publishing leads to) ended
    in "Europe/Zurich", and a proposal's review page listed its slot "13:00 Europe/Zurich".
    They name the zone as `timezones.place_name` does, the city the meeting is held in."""
    from tests.proposals.test_schedule import decide, schedule, the_proposal, volunteer

    made = colead_client.post(
        "/api/v1/meetings", json={**MEETING, "starts_at": f"{ahead('2026-03-10')}T12:00:00+01:00"}
    ).get_json()
    talk = {"title": "Talk", "kind": "presentation", "duration_minutes": 20, "office": "AU"}
    slot = colead_client.post(f"/api/v1/meetings/{made['id']}/slots", json=talk).get_json()

    editor = html.unescape(colead_client.get(f"/meetings/{made['id']}/edit").text)
    assert '<th scope="col">Time in Geneva</th>' in editor
    assert 'data-label="Time in Geneva"' in editor and "Time (Europe/Zurich)" not in editor
    slot_page = html.unescape(colead_client.get(f"/slots/{slot['id']}/edit").text)
    assert "or pin it to a time in Geneva, the meeting's home zone." in slot_page
    asking = f"/meetings/{made['id']}/publish"
    published = colead_client.post(
        asking, data=hidden_fields(colead_client, asking), follow_redirects=True
    )
    assert "Published: the agenda is public" in published.text
    when = html.unescape(published.text).split("<dt>When</dt>")[1].split("</dd>")[0]
    assert '<span class="muted">in Geneva</span>' in when and "Europe/Zurich" not in when
    lima = html.unescape(colead_client.get(f"/meetings/{made['id']}?zone=America/Lima").text)
    when = lima.split("<dt>When</dt>")[1].split("</dd>")[0]
    assert '<span class="muted">in Lima</span>' in when
    assert '<span class="muted">in Geneva, the home time zone</span>' in when

    volunteer(colead_client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    assert schedule(colead_client, proposal, made["id"]).status_code == 302
    review = html.unescape(colead_client.get(f"/proposals/{proposal.id}").text)
    assert re.search(r"\(published, \d{4}-\d{2}-\d{2} \d{2}:\d{2} in Geneva\)", review)


def test_suggestions_weigh_and_name_the_offices_public_holidays(api, survey):
    """helper-184: the default days ran over 24 and 25 December and ranked Christmas Day as any
    Wednesday. A nationwide public holiday of an office's country weighs as a Saturday there;
    the page lists the holidays with whose they are and marks the starts on one; the API
    answers them; the meeting's page flags it. EP, a regional organisation, has none."""
    created = api.post(
        "/api/v1/meetings",
        json={**MEETING, "starts_at": "2030-12-23T14:00:00+01:00", "duration_minutes": 60},
    ).get_json()
    url = f"/api/v1/meetings/{created['id']}/suggest-times"
    body = api.get(f"{url}?offices=PE,EP&from=2030-12-23&to=2030-12-27&limit=100").get_json()
    assert body["holidays"] == {"PE": {"2030-12-25": "Christmas Day"}}
    by_start = {c["starts_at"]: c["penalties"] for c in body["candidates"]}
    # 15:00 in Geneva is 09:00 in Lima: free on Monday the 23rd, a Saturday's 3 on the 25th.
    assert by_start["2030-12-23T15:00:00+01:00"] == {"PE": 0.0, "EP": 0.0}
    assert by_start["2030-12-25T15:00:00+01:00"] == {"PE": 3.0, "EP": 0.0}
    page = api.get(
        f"/meetings/{created['id']}/suggest?offices=PE&offices=EP&duration_minutes=60"
        "&first=2030-12-25&last=2030-12-25"
    )
    shown = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 200
    assert '<span class="nowrap">Wed 25 Dec</span>: Christmas Day (PE)</li>' in shown
    assert '<span class="holiday" title="Christmas Day">holiday</span>' in shown
    # The meeting's page flags each office whose holiday it falls on, on the office's own date.
    api.patch(f"/api/v1/meetings/{created['id']}", json={"starts_at": "2030-12-25T15:00"})
    rows = {
        row.split("</th>")[0].split(">")[-1].split(" ")[0]: row
        for row in api.get(f"/meetings/{created['id']}").text.split('<th scope="row">')[1:]
    }
    assert "public holiday there: Christmas Day" in rows["PE"]  # Wednesday 09:00 in Lima
    assert "public holiday there: Boxing Day" in rows["AU"]  # Thursday 01:00 in Sydney
    assert "public holiday" not in rows["EP"]


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("2147483648", "too large"),
        ("99999999999999999999", "too large"),
        ("9" * 5000, "too large"),
        # helper-299: another spelling matched no route, so it was refused as an unknown address,
        # the feed's opening the session (a co-lead's own 404, Vary: Cookie), the JSON file's an
        # HTML page without CORS.
        ("01", "ASCII digits"),
        ("-1", "ASCII digits"),
        ("+1", "ASCII digits"),
        ("١", "ASCII digits"),
        ("１", "ASCII digits"),
        ("٠" * 5000, "ASCII digits"),
    ],
)
def test_an_id_beyond_the_database_is_refused_as_its_address_refuses(
    client, colead_client, survey, number, why
):
    """helper-292: the number was refused while the address was matched, before any route was
    chosen, so a schedule.json's and the API's 404 came without the public headers (CORS) and
    the JSON file's as an HTML page; a feed's, like a schedule.json's, opened the session and
    answered `Vary: Cookie`. They are refused as their addresses refuse any missing number, to a
    co-lead signed in as to anyone."""
    wipo = {"Origin": "https://www.wipo.int"}
    for url in (f"/meetings/{number}/schedule.json", f"/api/v1/meetings/{number}"):
        response = client.get(url, headers=wipo)
        assert response.status_code == 404 and response.is_json, url
        assert why in response.get_json()["message"]
        assert response.headers["Access-Control-Allow-Origin"] == "*", url
        assert response.vary.as_set() == {"authorization"}, url
    colead_client.environ_base.pop("HTTP_AUTHORIZATION")  # a browser, signed in
    for url in (f"/meetings/{number}.ics", f"/feeds/recommendations/{number}.ics"):
        for who in (client, colead_client):
            response = who.get(url)
            assert response.status_code == 404 and why in response.text, url
            assert "cookie" not in response.vary.as_set() and "Set-Cookie" not in response.headers
            assert "no-store" not in response.headers.get("Cache-Control", ""), url
    # A page keeps its session: the co-lead is still signed in on its 404.
    page = colead_client.get(f"/meetings/{number}")
    assert page.status_code == 404 and why in page.text and "Sign out" in page.text


def test_a_workshop_s_page_offers_the_feed_of_its_recommendation(client, api, survey):
    """helper-365: the Rec 5 workshop, held in two sessions (Sydney's hours and Lima's), offered
    a subscription to one session or to every Task Force meeting; the feed of every presentation
    on Rec 5, both sessions in one, was on the recommendation's page only. A general meeting,
    on no recommendation, offers none."""
    made = {}
    for title, start, recommendation in (
        ("Workshop on Rec 5, session 1", "T08:00:00+01:00", 5),
        ("Workshop on Rec 5, session 2", "T15:00:00+01:00", 5),
        ("Task Force meeting", "T17:00:00+01:00", None),
    ):
        body = {
            "title": title,
            "starts_at": ahead("2026-03-10") + start,
            "duration_minutes": 60,
            "time_zone": "Europe/Zurich",
            "recommendation": recommendation,
        }
        made[title] = api.post("/api/v1/meetings", json=body).get_json()["id"]
        talk = {"title": "Open data", "office": "PL", "recommendations": [recommendation or 1]}
        api.post(f"/api/v1/meetings/{made[title]}/slots", json=talk)
        published = publish_as_planned(api, made[title])
        assert published.status_code == 200, published.get_json()
    for session in ("Workshop on Rec 5, session 1", "Workshop on Rec 5, session 2"):
        page = client.get(f"/meetings/{made[session]}").get_data(as_text=True)
        assert "Subscribe: every presentation on Rec 5" in page
        assert 'href="webcal://localhost/feeds/recommendations/5.ics"' in page
        assert 'value="http://localhost/feeds/recommendations/5.ics"' in page
        assert "recommendations/10.ics" not in page
    general = client.get(f"/meetings/{made['Task Force meeting']}").get_data(as_text=True)
    assert "Subscribe: this meeting" in general and "feeds/recommendations/" not in general
