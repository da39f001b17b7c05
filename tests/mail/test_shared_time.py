"""The unplanned time of a meeting shared among its talks reaches presenters and calendars as
any edit of the talks' lengths does: a presenter whose talk's time changes is sent the update
(asked to confirm the new time), one whose talk keeps its time is sent nothing, and the feeds,
as Mozilla's ical.js reads them, hold the new times (helper-369)."""

from datetime import UTC, datetime, timedelta

import time_machine

from planner.agenda.models import SlotStatus
from planner.db_types import utcnow
from planner.mail.messages import UPDATE_SETTLE
from tests.calendar.readers import read_everywhere
from tests.mail.test_message_sequences import _mine
from tests.mail.test_messages import invitations_went, outbox
from tests.presenters.support import confirm, invite
from tests.support import form_in, publish_as_planned

ALEX = "alex@ipaustralia.example"


def _confirmed_by_alex(api, slot, presenter) -> None:
    """The Rec 10 workshop (90 minutes; an opening, AU's talk, JP's talk: 50) published, Alex
    invited to AU's talk and confirming, the invitation gone."""
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, _mine(slot.id))
    assert confirm(presenter, link).status_code == 302
    invitations_went()


def _share(api, meeting_id: int):
    page = api.get(f"/meetings/{meeting_id}/edit").get_data(as_text=True)
    form = form_in(page[page.index('id="unplanned"') :], 'name="agenda_version"')
    shared = api.post(f"/meetings/{meeting_id}/share-time", data=form)
    assert shared.status_code == 302, shared.get_data(as_text=True)[:2000]
    return api.get(shared.headers["Location"]).get_data(as_text=True)


def _talks_feed(api) -> dict[str, tuple[str, str]]:
    parsed = read_everywhere(api.get("/feeds/taskforce-talks.ics").data)
    return {e["summary"]: (e["start"], e["end"]) for e in parsed["events"]}


def test_a_presenter_whose_talk_grows_is_asked_to_confirm_its_new_time(api, slot, presenter):
    _confirmed_by_alex(api, slot, presenter)
    with time_machine.travel(utcnow() + UPDATE_SETTLE + timedelta(seconds=1), tick=True):
        before = len(outbox())
        page = _share(api, slot.meeting_id)
        written = outbox()[before:]
    assert "The 40 unplanned minutes are shared among 2 talks" in page
    assert "1 person is emailed the change." in page
    assert "moved or changed length: its presenter confirmed it as it was" in page
    # Alex's talk is 13:10–13:50 now (was 13:10–13:30): the update says so, read by ical.js.
    (update,) = written
    assert update.recipient_email == ALEX and update.ics_method == "REQUEST"
    (event,) = read_everywhere(update.ics.encode())["events"]
    assert (event["start"], event["end"]) == (
        "2027-03-09T12:10:00.000Z",
        "2027-03-09T12:50:00.000Z",
    )
    assert _mine(slot.id).status == SlotStatus.invited  # to confirm again
    talks = _talks_feed(api)
    assert talks["Risk-based governance of new technologies"] == (
        "2027-03-09T12:10:00.000Z",
        "2027-03-09T12:50:00.000Z",
    )
    # JP's talk, no presenter yet, after it: 13:50–14:30, the meeting's end.
    assert talks["Blockchain for priority documents"] == (
        "2027-03-09T12:50:00.000Z",
        "2027-03-09T13:30:00.000Z",
    )
    assert datetime(2027, 3, 9, 13, 30, tzinfo=UTC) == _mine(slot.id).meeting.ends_at


def test_a_presenter_whose_talk_keeps_its_time_is_sent_nothing(api, slot, presenter):
    _confirmed_by_alex(api, slot, presenter)
    other = next(s for s in _mine(slot.id).meeting.slots if s.office_code == "JP")
    # JP's talk pinned to 13:40, ten minutes after Alex's: only it can take the time left.
    pinned = api.patch(f"/api/v1/slots/{other.id}", json={"offset_minutes": 40})
    assert pinned.status_code == 200, pinned.get_json()
    with time_machine.travel(utcnow() + UPDATE_SETTLE + timedelta(seconds=1), tick=True):
        before = len(outbox())
        page = _share(api, slot.meeting_id)
        written = outbox()[before:]
    assert "The 30 unplanned minutes are shared among 1 talk" in page
    assert written == [] and "emailed" not in page
    assert _mine(slot.id).status == SlotStatus.confirmed
    assert _talks_feed(api)["Blockchain for priority documents"] == (
        "2027-03-09T12:40:00.000Z",
        "2027-03-09T13:30:00.000Z",
    )
