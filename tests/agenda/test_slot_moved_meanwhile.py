"""A co-lead's save of a slot refused because another's change moved it (a slot before it
lengthened, or the slots reordered): the refusal says where the slot is now, not only that
none of the form's fields changed (helper-311)."""

import html
import re

from planner.agenda.models import Slot
from planner.extensions import db
from tests.support import csrf_token, form_in, form_of

# 13:00 in Geneva on 12 March 2030.
MEETING = {
    "title": "Rec 10 workshop",
    "duration_minutes": 120,
    "time_zone": "Europe/Zurich",
    "starts_at": "2030-03-12T13:00:00+01:00",
}


def _meeting_with(api, *titles: str) -> tuple[dict, list[dict]]:
    meeting = api.post("/api/v1/meetings", json=MEETING).get_json()
    slots = [
        api.post(f"/api/v1/meetings/{meeting['id']}/slots", json={"title": t}).get_json()
        for t in titles
    ]
    return meeting, slots


def _refused(other, page: str, opened: dict) -> tuple[int, str, dict]:
    refused = other.post(page, data={**opened, "title": ["A's title"]})
    return refused.status_code, html.unescape(refused.text), form_in(refused.text)


def test_a_slot_moved_by_a_longer_slot_before_it_is_said_moved(api, other, survey):
    """A opens the second talk's page (13:20–13:40); B lengthens the first to 30 minutes, so the
    second now starts at 13:30. A's save of its title is refused, saying it was moved and
    where it is now; saved again, it goes through."""
    _, (first, second) = _meeting_with(api, "First", "Second")
    page = f"/slots/{second['id']}/edit"
    opened = form_of(other, page)
    patched = api.patch(f"/api/v1/slots/{first['id']}", json={"duration_minutes": 30})
    assert patched.status_code == 200

    status, said, again = _refused(other, page, opened)
    assert status == 409
    assert "It was moved meanwhile: now 13:30–13:50." in said
    assert "None of the fields here was changed meanwhile" not in said
    assert again["title"] == ["A's title"]

    saved = other.post(page, data=again)
    assert saved.status_code == 302
    assert db.session.get(Slot, second["id"]).title == "A's title"


def test_a_slot_reordered_meanwhile_is_said_moved(api, other, survey):
    """B moves the second talk up (Up): the first now starts at 13:20; A's save of the first's
    title says it was moved."""
    meeting, (first, second) = _meeting_with(api, "First", "Second")
    page = f"/slots/{first['id']}/edit"
    opened = form_of(other, page)
    editor = f"/meetings/{meeting['id']}/edit"
    version = re.search(r'name="agenda_version" value="([^"]+)"', api.get(editor).text)[1]
    moved = api.post(
        f"/slots/{second['id']}/move",
        data={"csrf_token": csrf_token(api, editor), "agenda_version": version, "direction": "up"},
    )
    assert moved.status_code == 302

    status, said, again = _refused(other, page, opened)
    assert status == 409
    assert "It was moved meanwhile: now 13:20–13:40." in said
    assert other.post(page, data=again).status_code == 302


def test_a_tampered_shown_time_neither_fails_nor_lets_a_stale_save_through(api, other, survey):
    """The page's time, sent back garbled, too long, or as a well-formed time the page never
    showed: the stale save is still refused (409, never a 500), the move said only from a time
    written as the page writes it; a save of the current version goes through whatever it
    carries."""
    _, (first, second) = _meeting_with(api, "First", "Second")
    page = f"/slots/{second['id']}/edit"
    opened = form_of(other, page)
    assert opened["shown_time"] == ["2030-03-12T12:20:00+00:00/20"]
    assert api.patch(f"/api/v1/slots/{first['id']}", json={"duration_minutes": 30}).status_code
    garbled = ("", "garbage", "x" * 100_000, "/", "9999-99-99T99:99/9999", "٢٠٣٠-03-12T12:20/20")
    for shown in (*garbled, "none/20", "2030-03-12T09:00:00+00:00/20"):
        status, said, _ = _refused(other, page, {**opened, "shown_time": [shown]})
        assert status == 409, shown
        # As the page writes it (if not as it showed it): the slot's time now is said. A time
        # that is none, or in other digits, is garbled (helper-325: it said a slot moved).
        written = shown not in garbled
        assert ("It was moved meanwhile: now 13:30–13:50." in said) == written, shown
        assert db.session.get(Slot, second["id"]).title == "Second"
    fresh = {**form_of(other, page), "shown_time": ["garbage"], "title": ["Fresh"]}
    assert other.post(page, data=fresh).status_code == 302
    assert db.session.get(Slot, second["id"]).title == "Fresh"


def test_a_slot_of_a_meeting_moved_or_left_without_a_date_is_said_moved(api, other, survey):
    """B moves the meeting to 15:00, then clears its date: A's save says where the slot is now,
    then that the meeting has no date."""
    meeting, (_, second) = _meeting_with(api, "First", "Second")
    page, url = f"/slots/{second['id']}/edit", f"/api/v1/meetings/{meeting['id']}"
    opened = form_of(other, page)
    assert api.patch(url, json={"starts_at": "2030-03-12T15:00:00+01:00"}).status_code == 200
    status, said, again = _refused(other, page, opened)
    assert status == 409 and "It was moved meanwhile: now 15:20–15:40." in said
    assert api.patch(url, json={"starts_at": None}).status_code == 200
    status, said, _ = _refused(other, page, again)
    assert status == 409 and "It was moved meanwhile: its meeting has no date now." in said
