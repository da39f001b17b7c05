"""The unplanned time of a meeting shared among its talks reaches presenters and calendars as
any edit of the talks' lengths does: a presenter whose talk's time changes is sent the update
(asked to confirm the new time), one whose talk keeps its time is sent nothing, and the feeds,
as Mozilla's ical.js reads them, hold the new times (helper-369)."""

from datetime import UTC, datetime, timedelta

import time_machine

from planner.agenda.models import SlotStatus
from planner.db_types import utcnow
from planner.mail.messages import UPDATE_SETTLE
from planner.mail.sender import send_due
from tests.calendar.readers import read_calendar_in, read_everywhere
from tests.mail.smtp_server import SmtpServer
from tests.mail.test_message_sequences import _mine
from tests.mail.test_messages import invitations_went, outbox
from tests.presenters.support import confirm, invite, shown_time
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


def _talk(api, meeting_id: int, title: str) -> int:
    made = api.post(
        f"/api/v1/meetings/{meeting_id}/slots",
        json={"title": title, "office": "AU", "duration_minutes": 20},
    )
    assert made.status_code == 201, made.get_json()
    return made.get_json()["id"]


def _answer(presenter, link: str, answer: str, note: str) -> None:
    page = presenter.get(link).get_data(as_text=True)
    answered = presenter.post(
        link + "/answer", data={"answer": answer, "note": note, "shown_time": shown_time(page)}
    )
    assert answered.status_code == 302


def test_only_talks_that_stand_take_the_unplanned_time(api, slot, presenter):
    """Alex confirmed AU's talk; JP's presenter declined; the co-leads took Cai off "Digital
    certificates"; Dan asked for another time for "Patent analytics"; "Open data" has no
    presenter yet. Given three hours, the 70 minutes go to Alex's talk and "Open data", 35
    each: the others keep their 20 (before, each of the five took 14)."""
    meeting = slot.meeting_id
    jp = next(s for s in _mine(slot.id).meeting.slots if s.office_code == "JP").id
    certificates = _talk(api, meeting, "Digital certificates")
    analytics = _talk(api, meeting, "Patent analytics")
    _talk(api, meeting, "Open data")
    assert (
        api.patch(f"/api/v1/meetings/{meeting}", json={"duration_minutes": 180}).status_code == 200
    )
    _confirmed_by_alex(api, slot, presenter)
    bea = invite(api, _mine(jp), name="Bea Example", email="bea@jpo.example")
    _answer(presenter, bea, "declined", "I am away that week.")
    invite(api, _mine(certificates), name="Cai Example", email="cai@ipaustralia.example")
    set_back = api.patch(f"/api/v1/slots/{certificates}", json={"status": "proposed"})
    assert set_back.status_code == 200, set_back.get_json()
    dan = invite(api, _mine(analytics), name="Dan Example", email="dan@ipaustralia.example")
    _answer(presenter, dan, "another_time", "Any Wednesday morning.")

    page = api.get(f"/meetings/{meeting}/edit").get_data(as_text=True)
    assert "Share the 70 minutes among the 2 talks" in page
    assert (
        "“Blockchain for priority documents” its own (its presenter declined), “Digital "
        "certificates” its own (the co-leads took its presenter off it), and “Patent "
        "analytics” its own (its presenter asked for another time)." in page
    )
    page = _share(api, meeting)
    assert (
        "among 2 talks, now (in minutes): “Risk-based governance of new technologies” 55 and "
        "“Open data” 55" in page
    )
    lengths = {s.title: s.duration_minutes for s in _mine(slot.id).meeting.slots}
    assert lengths == {
        "Opening": 10,
        "Risk-based governance of new technologies": 55,
        "Blockchain for priority documents": 20,
        "Digital certificates": 20,
        "Patent analytics": 20,
        "Open data": 55,
    }
    assert _mine(slot.id).meeting.slots[-1].ends_at == _mine(slot.id).meeting.ends_at


def test_with_no_talk_that_stands_nothing_is_offered_and_a_share_is_refused(api, slot, presenter):
    meeting = slot.meeting_id
    jp = next(s for s in _mine(slot.id).meeting.slots if s.office_code == "JP").id
    assert (
        api.patch(f"/api/v1/meetings/{meeting}", json={"duration_minutes": 120}).status_code == 200
    )
    assert publish_as_planned(api, meeting).status_code == 200
    _answer(presenter, invite(api, _mine(slot.id)), "declined", "Not this year.")
    bea = invite(api, _mine(jp), name="Bea Example", email="bea@jpo.example")
    _answer(presenter, bea, "another_time", "Later in the day, please.")
    page = api.get(f"/meetings/{meeting}/edit").get_data(as_text=True)
    assert "70 minutes of this meeting are not planned" in page
    assert "share-time" not in page
    assert (
        "No talk can take them: “Risk-based governance of new technologies” (its presenter "
        "declined); “Blockchain for priority documents” (its presenter asked for another time)."
        in page
    )
    version = form_in(page, 'name="agenda_version"')
    refused = api.post(f"/meetings/{meeting}/share-time", data=version)
    assert refused.status_code == 409
    assert "No talk can take the 70 minutes" in refused.get_data(as_text=True)
    assert [s.duration_minutes for s in _mine(slot.id).meeting.slots] == [10, 20, 20]


def test_each_presenter_hears_once_and_each_event_s_sequence_rises_once(api, slot, presenter):
    """Alex (AU's talk) and Jun (JP's, after it) confirmed; "Open data" has no presenter yet.
    Three hours given, the 110 minutes go to the three talks: JP's talk moves (Alex's grew) and
    grows, "Open data" moves twice and grows. Each of them is one change: in the feed ical.js
    reads, each talk's SEQUENCE rises by one and the opening's stays; through a real SMTP
    server, Alex and Jun each get one update, at the feed's SEQUENCE and times (before, JP's
    talk rose by two, "Open data" by three)."""
    meeting = slot.meeting_id
    jp = next(s for s in _mine(slot.id).meeting.slots if s.office_code == "JP")
    _talk(api, meeting, "Open data")
    assert (
        api.patch(f"/api/v1/meetings/{meeting}", json={"duration_minutes": 180}).status_code == 200
    )
    _confirmed_by_alex(api, slot, presenter)
    jun = invite(api, jp, name="Jun Example", email="jun@jpo.example", time_zone="Asia/Tokyo")
    assert confirm(presenter, jun).status_code == 302
    invitations_went()
    talks = "/feeds/taskforce-talks.ics"
    before = {e["summary"]: e for e in read_everywhere(api.get(talks).data)["events"]}
    server = SmtpServer().start()
    try:
        config = {**api.application.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port}
        send_due(config, utcnow() + timedelta(hours=1))  # what was waiting goes first
        sent_before = len(server.messages())
        with time_machine.travel(utcnow() + UPDATE_SETTLE + timedelta(seconds=1), tick=True):
            _share(api, meeting)
            after = {e["summary"]: e for e in read_everywhere(api.get(talks).data)["events"]}
            send_due(config, utcnow() + timedelta(hours=1))
        sent = server.messages()[sent_before:]
    finally:
        server.stop()
    rose = {title: after[title]["sequence"] - before[title]["sequence"] for title in after}
    assert rose == {
        "Opening": 0,
        "Risk-based governance of new technologies": 1,
        "Blockchain for priority documents": 1,
        "Open data": 1,
    }
    to = sorted(str(m["To"]) for m in sent)
    assert to == ["Alex Example <alex@ipaustralia.example>", "Jun Example <jun@jpo.example>"]
    for message, title in (
        (next(m for m in sent if "alex@" in str(m["To"])), slot.title),
        (next(m for m in sent if "jun@" in str(m["To"])), "Blockchain for priority documents"),
    ):
        (event,) = read_calendar_in(message)["events"]
        assert event["summary"] == title
        assert (event["sequence"], event["start"], event["end"]) == (
            after[title]["sequence"],
            after[title]["start"],
            after[title]["end"],
        )
