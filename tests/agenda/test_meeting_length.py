"""A meeting's length follows its slots unless a co-lead pins it, and a pinned length that the
slots do not fill (or overrun) is shown in the editor."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from planner.agenda.models import Meeting
from planner.extensions import db
from tests.support import csrf_token, publish_as_planned

# Every statement these tests send to the database, other tests send on PostgreSQL too
# (measured: each statement's shape, over the PostgreSQL run): SQLite only (`one_database`).
pytestmark = pytest.mark.one_database

START = "2027-03-09T14:00:00+01:00"


def slots(api, meeting_id: int, *minutes: int) -> None:
    for number, length in enumerate(minutes, 1):
        made = api.post(
            f"/api/v1/meetings/{meeting_id}/slots",
            json={"title": f"Talk {number}", "duration_minutes": length},
        )
        assert made.status_code == 201


def test_an_unpinned_meeting_ends_with_its_last_slot(api, survey):
    made = api.post("/api/v1/meetings", json={"title": "Workshop", "starts_at": START}).get_json()
    assert made["duration_pinned"] is False
    slots(api, made["id"], 20, 20, 30)
    body = api.get(f"/api/v1/meetings/{made['id']}").get_json()
    assert body["duration_minutes"] == 70
    assert body["ends_at"] == "2027-03-09T15:10:00+01:00"
    sequence = body["sequence"]
    # Every slot change re-flows: a longer slot, a deleted one.
    api.patch(f"/api/v1/slots/{body['slots'][0]['id']}", json={"duration_minutes": 40})
    body = api.get(f"/api/v1/meetings/{made['id']}").get_json()
    assert body["duration_minutes"] == 90 and body["sequence"] > sequence
    api.delete(f"/api/v1/slots/{body['slots'][2]['id']}")
    assert api.get(f"/api/v1/meetings/{made['id']}").get_json()["duration_minutes"] == 60


def test_a_given_length_is_pinned_and_the_mismatch_shown(api, survey):
    made = api.post(
        "/api/v1/meetings",
        json={"title": "Workshop", "starts_at": START, "duration_minutes": 90},
    ).get_json()
    assert made["duration_pinned"] is True
    slots(api, made["id"], 50, 50)
    body = api.get(f"/api/v1/meetings/{made['id']}").get_json()
    assert body["duration_minutes"] == 90
    assert body["slots"][1]["overruns"] is True
    page = api.get(f"/meetings/{made['id']}/edit").get_data(as_text=True)
    assert "slots end at 15:40, the meeting at 15:30" in page
    # Unpinning makes the meeting follow again.
    unpinned = api.patch(f"/api/v1/meetings/{made['id']}", json={"duration_pinned": False})
    assert unpinned.get_json()["duration_minutes"] == 100
    page = api.get(f"/meetings/{made['id']}/edit").get_data(as_text=True)
    assert "length-mismatch" not in page
    refused = api.patch(f"/api/v1/meetings/{made['id']}", json={"duration_pinned": "yes"})
    assert refused.status_code == 400


def test_the_form_pins_a_typed_length_and_follows_on_request(api, survey):
    made = api.post("/api/v1/meetings", json={"title": "Workshop", "starts_at": START}).get_json()
    slots(api, made["id"], 20, 20)
    url = f"/meetings/{made['id']}/edit"
    meeting = db.session.get(Meeting, made["id"])

    def save(**fields):
        db.session.refresh(meeting)
        data = {
            "csrf_token": csrf_token(api, url),
            "version": str(meeting.version),
            "title": "Workshop",
            "kind": "workshop",
            "day": "2027-03-09",
            "start": "14:00",
            "time_zone": "Europe/Zurich",
            **fields,
        }
        response = api.post(url, data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
        db.session.refresh(meeting)

    page = api.get(url).get_data(as_text=True)
    assert 'name="duration_minutes" placeholder="40" type="number" value=""' in page
    save(duration_minutes="")  # nothing typed: still following
    assert (meeting.duration_pinned, meeting.duration_minutes) == (False, 40)
    save(duration_minutes="60")
    assert (meeting.duration_pinned, meeting.duration_minutes) == (True, 60)
    assert "slots end at 14:40, the meeting at 15:00" in api.get(url).get_data(as_text=True)
    save(duration_minutes="60", follow_slots="y")
    assert (meeting.duration_pinned, meeting.duration_minutes) == (False, 40)


def test_the_calendar_event_ends_with_the_last_slot(api, survey):
    made = api.post("/api/v1/meetings", json={"title": "Workshop", "starts_at": START}).get_json()
    slots(api, made["id"], 20, 20, 20, 20, 20, 30)
    assert publish_as_planned(api, made["id"]).status_code == 200
    calendar = Calendar.from_ical(api.get(f"/meetings/{made['id']}.ics").data)
    (event,) = [e for e in calendar.walk("VEVENT")]
    start = datetime(2027, 3, 9, 13, tzinfo=UTC)
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") == start + timedelta(minutes=130)
