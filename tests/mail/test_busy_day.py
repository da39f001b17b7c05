"""A busy day of agenda work, read in the inboxes of those it reaches (helper-340): the co-leads
invite, publish and cancel within minutes, while the mail sender goes round every minute
(`flask mail send --once`) and delivers to a real SMTP server on loopback. An invitation the
sender has not taken yet when the meeting is published is written again as published, and one
whose talk is cancelled never goes (as one held for review), so no presenter reads "the agenda
is still a draft" followed, in the same round, by "Published", nor the cancellation of a talk
they were never told of. So does a title corrected or a slot moved before the round: one
invitation, as the talk now is; after it went, "Changed" follows (helper-348)."""

import html
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from planner.agenda.models import Slot
from planner.calendar.operations import slot_sequence
from planner.extensions import db
from planner.mail.models import LANGUAGES_WRITTEN
from planner.mail.outbox import set_hold_invitations
from planner.offices.models import OfficeContact
from tests.calendar.readers import read_calendar_in
from tests.mail.smtp_server import SmtpServer
from tests.mail.test_languages import _part
from tests.mail.test_messages import outbox
from tests.presenters.support import MEETING, invite
from tests.support import csrf_token, hidden_fields, publish_as_planned

ROSA, BEN = "rosa@indecopi.example", "ict@indecopi.example"
AIKO, AIKO_TYPO = "aiko@jpo.example", "aiko@jpo.exmaple"
TALK = {"office": "PE", "recommendations": [10], "duration_minutes": 20}
TEMPLATES = Path(__file__).parents[2] / "templates" / "mail"


@pytest.fixture
def smtp(app, monkeypatch):
    """The mail server the sender delivers through; Ben reads PE's shared mailbox."""
    server = SmtpServer().start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    db.session.add(
        OfficeContact(office_code="PE", name="Ben", email=BEN, language="en", source="t")
    )
    db.session.commit()
    yield server
    server.stop()


@pytest.fixture
def agenda(api, survey) -> dict:
    """A draft Rec 10 workshop: Rosa's talk for PE, Aiko's for JP."""
    meeting = api.post("/api/v1/meetings", json=MEETING).get_json()
    slots = {}
    for name, office, title in (
        ("rosa", "PE", "Digital transformation at INDECOPI"),
        ("aiko", "JP", "AI search at the JPO"),
    ):
        made = api.post(
            f"/api/v1/meetings/{meeting['id']}/slots",
            json={**TALK, "office": office, "title": title},
        ).get_json()
        slots[name] = db.session.get(Slot, made["id"])
    return {"meeting": meeting["id"], **slots}


def sender_round(cli, clock) -> None:
    """A minute on, the sender's round, as `make run` runs it."""
    clock.sleep(60)
    result = cli.invoke(args=["mail", "send", "--once"])
    assert result.exit_code == 0, result.output


def inbox(smtp: SmtpServer, address: str) -> list:
    return [m for m in smtp.messages() if m["To"].addresses[0].addr_spec == address]


def calendar(message) -> str:
    return _part(message, "calendar").replace("\r\n ", "")


def draft_sentence(language: str) -> str:
    """What an invitation to a draft's slot says of the draft, in `language`."""
    suffix = "" if language == "en" else f".{language}"
    template = (TEMPLATES / f"_draft{suffix}.txt").read_text(encoding="utf-8")
    return template.split("%}", 1)[1].split("\n", 1)[0].strip()


@pytest.mark.parametrize("language", ["en", *LANGUAGES_WRITTEN])
def test_invited_and_published_before_the_round_the_presenter_gets_one_invitation_as_published(
    api, agenda, smtp, cli, clock, language
):
    """Rosa is invited to the draft, and the co-lead publishes a few seconds later: the
    invitation, not gone yet, said "the agenda is still a draft", and a "Published" update
    followed it in the same round. Now one email reaches her: the invitation, as the agenda
    is published (its video link and agenda page), its calendar entry at the feeds' SEQUENCE."""
    invite(
        api,
        agenda["rosa"],
        name="Rosa Quispe",
        email=ROSA,
        time_zone="America/Lima",
        language=language,
    )
    (written,) = outbox(kind="invitation", recipient_email=ROSA)
    draft = draft_sentence(language)
    assert draft in written.text_body  # as it was true when written
    clock.sleep(10)
    # Lengthened meanwhile: the invitation written again says it, with no "Changed" after it.
    lengthened = api.patch(f"/api/v1/slots/{agenda['rosa'].id}", json={"duration_minutes": 25})
    assert lengthened.status_code == 200, lengthened.get_json()
    clock.sleep(10)
    assert publish_as_planned(api, agenda["meeting"]).status_code == 200
    sender_round(cli, clock)
    (invitation,) = inbox(smtp, ROSA)
    assert invitation["Subject"] == written.subject
    text = _part(invitation, "plain")
    assert draft not in text
    assert f"/meetings/{agenda['meeting']}" in text and "https://video.example/rec10" in text
    assert "METHOD:REQUEST" in calendar(invitation)
    slot = agenda["rosa"]
    db.session.refresh(slot)
    assert f"SEQUENCE:{slot_sequence(slot, slot.meeting)}" in calendar(invitation)
    # Ben, PE's contact, hears once that the talk is on the published agenda.
    (news,) = inbox(smtp, BEN)
    assert news["Subject"] == "On the agenda: Digital transformation at INDECOPI"
    sender_round(cli, clock)
    assert len(inbox(smtp, ROSA)) == 1


def test_cancelled_and_brought_back_before_the_round_the_invitation_still_goes_once(
    api, agenda, smtp, cli, clock
):
    """Rosa is invited and the meeting published; within the minute a co-lead cancels the
    meeting by mistake and brings it back. Her invitation, taken away with the cancellation,
    is written again and goes (not held: the co-leads do not review invitations), once; Ben
    hears once that the talk is on the agenda; neither reads of a cancellation."""
    invite(
        api, agenda["rosa"], name="Rosa Quispe", email=ROSA, time_zone="America/Lima", language="es"
    )
    assert publish_as_planned(api, agenda["meeting"]).status_code == 200
    clock.sleep(10)
    cancel = f"/meetings/{agenda['meeting']}/delete"
    assert api.post(cancel, data=hidden_fields(api, cancel)).status_code == 302
    clock.sleep(10)
    back = f"/meetings/{agenda['meeting']}/reinstate"
    assert api.post(back, data=hidden_fields(api, back)).status_code == 302
    for _ in range(3):
        sender_round(cli, clock)
    assert [m["Subject"] for m in inbox(smtp, ROSA)] == [
        "Invitación a presentar: Digital transformation at INDECOPI"
    ]
    assert [m["Subject"] for m in inbox(smtp, BEN)] == [
        "On the agenda: Digital transformation at INDECOPI"
    ]


def test_a_talk_cancelled_before_its_invitation_went_reaches_no_one(api, agenda, smtp, cli, clock):
    """Aiko is invited at a mistyped address, the co-lead corrects it, then cancels her talk,
    all within the minute on a published agenda: she got an invitation and its cancellation
    together. Now neither address gets anything: she was never told of the talk."""
    assert publish_as_planned(api, agenda["meeting"]).status_code == 200
    sender_round(cli, clock)
    aiko = agenda["aiko"]
    invite(api, aiko, name="Aiko Sato", email=AIKO_TYPO, time_zone="Asia/Tokyo", language="en")
    clock.sleep(10)
    invite(api, aiko, name="Aiko Sato", email=AIKO, time_zone="Asia/Tokyo", language="en")
    clock.sleep(10)
    # Moved first: the "Changed" of a talk she never heard of does not go either.
    moved = api.patch(f"/api/v1/slots/{aiko.id}", json={"duration_minutes": 30})
    assert moved.status_code == 200, moved.get_json()
    clock.sleep(10)
    url = f"/slots/{aiko.id}/delete"
    assert api.post(url, data=hidden_fields(api, url)).status_code == 302
    for _ in range(3):
        sender_round(cli, clock)
    assert inbox(smtp, AIKO) == [] and inbox(smtp, AIKO_TYPO) == []


@pytest.mark.parametrize("removed", ["slot", "meeting"])
def test_a_draft_talk_deleted_before_its_invitation_went_reaches_no_one(
    api, agenda, smtp, cli, clock, removed
):
    """Rosa is invited to the draft, and within the minute the co-lead deletes her slot (or
    the whole draft meeting): she got the invitation and "Cancelled" together, the
    cancellation of a talk she was told of in the same breath. Now nothing reaches her."""
    invite(
        api, agenda["rosa"], name="Rosa Quispe", email=ROSA, time_zone="America/Lima", language="en"
    )
    clock.sleep(10)
    # Lengthened first: the "Changed" of a talk she never heard of does not go either.
    moved = api.patch(f"/api/v1/slots/{agenda['rosa'].id}", json={"duration_minutes": 30})
    assert moved.status_code == 200, moved.get_json()
    clock.sleep(10)
    removed_from_the_draft(api, agenda, agenda["rosa"], removed)
    for _ in range(3):
        sender_round(cli, clock)
    assert inbox(smtp, ROSA) == []


def aiko_invited(api, agenda, cli, clock):
    """The workshop published and its news out; Aiko invited to present JP's talk, in Tokyo's
    zone: (her slot, the invitation written, not gone yet)."""
    assert publish_as_planned(api, agenda["meeting"]).status_code == 200
    sender_round(cli, clock)
    aiko = agenda["aiko"]
    invite(api, aiko, name="Aiko Sato", email=AIKO, time_zone="Asia/Tokyo", language="en")
    (written,) = outbox(kind="invitation", recipient_email=AIKO)
    return aiko, written


def turned_away_for_now(api, agenda, cli, clock, smtp):
    """Aiko invited, and her server turning the invitation away for now (451) in a round:
    (her slot, the invitation written, the invitation as it stands after that attempt)."""
    aiko, written = aiko_invited(api, agenda, cli, clock)
    smtp.refuse[AIKO] = BUSY
    sender_round(cli, clock)
    (tried,) = outbox(kind="invitation", recipient_email=AIKO)
    return aiko, written, tried


def retitled(api, aiko) -> None:
    """A co-lead corrects the title of Aiko's talk."""
    renamed = api.patch(f"/api/v1/slots/{aiko.id}", json={"title": "AI-assisted search at the JPO"})
    assert renamed.status_code == 200, renamed.get_json()


def event_in(message):
    """The one event of an email's calendar part, as icalendar reads it (ical.js and vobject
    read it last, in `read_calendar_in`: without ical.js the test stops there, skipped)."""
    part = _part(message, "calendar")
    calendar = Calendar.from_ical(part.encode("utf-8") if isinstance(part, str) else part)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_a_title_corrected_before_the_round_reaches_the_presenter_once_with_the_new_title(
    api, agenda, smtp, cli, clock
):
    """Aiko is invited, and a few seconds later the co-lead corrects the talk's title: she got
    the invitation with the old title and, under it in the same round, "Changed: ... (title)",
    the first email already wrong. Now she gets one email: the invitation, with the new title
    in its subject, its text and its calendar entry, at the feeds' SEQUENCE."""
    aiko, written = aiko_invited(api, agenda, cli, clock)
    clock.sleep(10)
    retitled(api, aiko)
    for _ in range(3):
        sender_round(cli, clock)
    (invitation,) = inbox(smtp, AIKO)
    assert invitation["Subject"] == "Invitation to present: AI-assisted search at the JPO"
    assert invitation["Message-ID"] != written.message_id  # written again, not the old one
    text = _part(invitation, "plain")
    assert "AI-assisted search at the JPO" in text and "AI search at the JPO" not in text
    calendar, event = event_in(invitation)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["SUMMARY"]) == "AI-assisted search at the JPO"
    db.session.refresh(aiko)
    assert str(event["UID"]) == aiko.uid
    assert int(event["SEQUENCE"]) == slot_sequence(aiko, aiko.meeting)
    (seen,) = read_calendar_in(invitation)["events"]
    assert seen["summary"] == "AI-assisted search at the JPO"
    assert seen["sequence"] == int(event["SEQUENCE"])


def test_a_slot_moved_before_the_round_reaches_the_presenter_once_at_the_new_time(
    api, agenda, smtp, cli, clock
):
    """The co-lead moves Aiko's talk 15 minutes later right after inviting her: one invitation
    reaches her, at the new time on her clock (Tokyo) and in her calendar, no "Changed"."""
    aiko, written = aiko_invited(api, agenda, cli, clock)
    was = aiko.starts_at
    assert "Tuesday 9 March 2027, 21:20–21:40 Tokyo (UTC+9)" in written.text_body
    clock.sleep(10)
    later = (was + timedelta(minutes=15)).isoformat()
    moved = api.patch(f"/api/v1/slots/{aiko.id}", json={"starts_at": later})
    assert moved.status_code == 200, moved.get_json()
    for _ in range(3):
        sender_round(cli, clock)
    (invitation,) = inbox(smtp, AIKO)
    assert invitation["Subject"] == "Invitation to present: AI search at the JPO"
    text = _part(invitation, "plain")
    assert "Tuesday 9 March 2027, 21:35–21:55 Tokyo (UTC+9)" in text
    assert "21:20" not in text
    _, event = event_in(invitation)
    assert event.decoded("DTSTART") == was + timedelta(minutes=15)
    db.session.refresh(aiko)
    assert int(event["SEQUENCE"]) == slot_sequence(aiko, aiko.meeting)
    (seen,) = read_calendar_in(invitation)["events"]
    assert seen["start"] == f"{(was + timedelta(minutes=15)):%Y-%m-%dT%H:%M}:00.000Z"


def test_a_title_corrected_after_the_invitation_went_reaches_the_presenter_as_changed(
    api, agenda, smtp, cli, clock
):
    """Once the invitation reached Aiko, a corrected title is news: "Changed: ... (title)"
    follows it, its calendar entry under the same UID at a higher SEQUENCE, so her calendar
    replaces the event rather than ignore the change."""
    aiko, _ = aiko_invited(api, agenda, cli, clock)
    sender_round(cli, clock)
    retitled(api, aiko)
    for _ in range(3):
        sender_round(cli, clock)
    invitation, changed = inbox(smtp, AIKO)
    assert invitation["Subject"] == "Invitation to present: AI search at the JPO"
    assert changed["Subject"] == "Changed: AI-assisted search at the JPO (title)"
    (_, first), (_, then) = event_in(invitation), event_in(changed)
    assert str(then["UID"]) == str(first["UID"]) == aiko.uid
    assert str(then["SUMMARY"]) == "AI-assisted search at the JPO"
    assert int(then["SEQUENCE"]) > int(first["SEQUENCE"])
    (seen,) = read_calendar_in(changed)["events"]
    assert seen["summary"] == "AI-assisted search at the JPO"
    assert seen["sequence"] == int(then["SEQUENCE"])


def test_a_held_invitation_shows_the_talk_as_it_now_is_when_reviewed(api, agenda, smtp, cli, clock):
    """Where the co-leads review invitations, the one held for Aiko says the talk as it is when
    a co-lead opens it (title corrected, moved meanwhile), and Send now sends that, alone."""
    set_hold_invitations(True)
    db.session.commit()
    aiko, _ = aiko_invited(api, agenda, cli, clock)
    changed = {"title": "AI-assisted search at the JPO", "duration_minutes": 25}
    assert api.patch(f"/api/v1/slots/{aiko.id}", json=changed).status_code == 200
    sender_round(cli, clock)
    assert inbox(smtp, AIKO) == []
    (held,) = outbox(kind="invitation", recipient_email=AIKO, status="held")
    page = html.unescape(api.get(f"/outbox/{held.id}").get_data(as_text=True))
    assert "Invitation to present: AI-assisted search at the JPO" in page
    assert "21:20–21:45 Tokyo (UTC+9)" in page
    url = f"/outbox/{held.id}/send"
    assert (
        api.post(url, data={"csrf_token": csrf_token(api, f"/outbox/{held.id}")}).status_code == 302
    )
    for _ in range(2):
        sender_round(cli, clock)
    (invitation,) = inbox(smtp, AIKO)
    assert invitation["Subject"] == "Invitation to present: AI-assisted search at the JPO"
    (seen,) = read_calendar_in(invitation)["events"]
    assert seen["summary"] == "AI-assisted search at the JPO"


BUSY = "451 4.3.0 Mailbox unavailable, try again later"
GONE = "550 5.1.1 No such mailbox here"


def test_a_title_corrected_while_the_invitation_waits_to_retry_reaches_the_presenter_once(
    api, agenda, smtp, cli, clock
):
    """Aiko's server turns her invitation away for now (451), and the co-lead corrects the
    talk's title before the sender tries again: the retried invitation went with the old title
    and "Changed: ... (title)" followed it. Now the round that retries it writes it again as
    the talk now is: one invitation with the new title, its calendar entry at the feeds'
    SEQUENCE. A correction after it went is news: "Changed", same UID, a higher SEQUENCE."""
    aiko, written, tried = turned_away_for_now(api, agenda, cli, clock, smtp)
    assert (tried.id, tried.status, tried.attempts) == (written.id, "queued", 1)
    retitled(api, aiko)
    smtp.refuse.clear()
    for _ in range(3):
        sender_round(cli, clock)
    (invitation,) = inbox(smtp, AIKO)
    assert invitation["Subject"] == "Invitation to present: AI-assisted search at the JPO"
    text = _part(invitation, "plain")
    assert "AI-assisted search at the JPO" in text and "AI search at the JPO" not in text
    assert "/presenter/" in text
    _, event = event_in(invitation)
    db.session.refresh(aiko)
    assert str(event["UID"]) == aiko.uid
    assert int(event["SEQUENCE"]) == slot_sequence(aiko, aiko.meeting)
    (seen,) = read_calendar_in(invitation)["events"]
    assert seen["summary"] == "AI-assisted search at the JPO"
    assert seen["sequence"] == int(event["SEQUENCE"])

    again = api.patch(f"/api/v1/slots/{aiko.id}", json={"title": "AI search at the JPO, in use"})
    assert again.status_code == 200, again.get_json()
    for _ in range(3):
        sender_round(cli, clock)
    first, changed = inbox(smtp, AIKO)
    assert first["Message-ID"] == invitation["Message-ID"]
    assert changed["Subject"] == "Changed: AI search at the JPO, in use (title)"
    _, then = event_in(changed)
    assert str(then["UID"]) == aiko.uid
    assert int(then["SEQUENCE"]) > int(event["SEQUENCE"])
    (seen,) = read_calendar_in(changed)["events"]
    assert seen["summary"] == "AI search at the JPO, in use"


def _slot_cancelled(api, aiko, meeting) -> None:
    assert api.patch(f"/api/v1/slots/{aiko.id}", json={"status": "cancelled"}).status_code == 200


def _slot_declined(api, aiko, meeting) -> None:
    # She said no on the phone: the co-lead records it.
    assert api.patch(f"/api/v1/slots/{aiko.id}", json={"status": "declined"}).status_code == 200


def _meeting_cancelled(api, aiko, meeting) -> None:
    url = f"/meetings/{meeting}/delete"
    assert api.post(url, data=hidden_fields(api, url)).status_code == 302


def _slot_deleted(api, aiko, meeting) -> None:
    url = f"/slots/{aiko.id}/delete"
    assert api.post(url, data=hidden_fields(api, url)).status_code == 302


def removed_from_the_draft(api, agenda, slot, removed: str) -> None:
    """The co-lead deletes `slot` from the draft (its page's Delete), or the whole draft
    meeting (the API), as `removed` says: "slot" or "meeting"."""
    if removed == "slot":
        _slot_deleted(api, slot, agenda["meeting"])
    else:
        deleted = api.delete(f"/api/v1/meetings/{agenda['meeting']}")
        assert deleted.get_json()["result"] == "deleted"


@pytest.mark.parametrize(
    "gone", [_slot_cancelled, _slot_declined, _meeting_cancelled, _slot_deleted]
)
def test_a_talk_gone_while_its_invitation_waits_to_retry_reaches_no_one(
    api, agenda, smtp, cli, clock, gone
):
    """Aiko's server turns her invitation away for now (451); before the sender tries again,
    the talk is gone (cancelled, declined on her behalf, its meeting cancelled, the slot
    deleted). The retry went, then its cancellation: an invitation to a talk and, in the same
    round, the news that it is off. Now neither goes: she was never told of the talk."""
    aiko, written, tried = turned_away_for_now(api, agenda, cli, clock, smtp)
    assert (tried.id, tried.status, tried.attempts) == (written.id, "queued", 1)
    gone(api, aiko, agenda["meeting"])
    smtp.refuse.clear()
    for _ in range(4):
        sender_round(cli, clock)
    assert inbox(smtp, AIKO) == []
    assert outbox(recipient_email=AIKO, status="queued") == []


@pytest.mark.parametrize("removed", ["slot", "meeting"])
def test_a_draft_talk_deleted_while_its_invitation_waits_to_retry_reaches_no_one(
    api, agenda, smtp, cli, clock, removed
):
    """Aiko is invited to the draft; her server turns the invitation away for now (451), and
    the co-lead deletes her slot (or the whole draft meeting) before the sender tries again.
    The retry went, then "Cancelled": a talk she was told of and told was off in one breath.
    Now nothing reaches her."""
    aiko = agenda["aiko"]
    invite(api, aiko, name="Aiko Sato", email=AIKO, time_zone="Asia/Tokyo", language="en")
    smtp.refuse[AIKO] = BUSY
    sender_round(cli, clock)
    (tried,) = outbox(kind="invitation", recipient_email=AIKO)
    assert (tried.status, tried.attempts) == ("queued", 1)
    removed_from_the_draft(api, agenda, aiko, removed)
    smtp.refuse.clear()
    for _ in range(4):
        sender_round(cli, clock)
    assert inbox(smtp, AIKO) == []
    assert outbox(recipient_email=AIKO, status="queued") == []


def test_an_invitation_written_again_while_it_waits_to_retry_shows_the_co_leads_it_was_turned_away(
    api, agenda, smtp, cli, clock
):
    """Aiko's server turns her invitation away for now (451); the co-lead corrects the title;
    the round writes the invitation again and her server turns that away too, then takes it.
    The row of the one written again said "1 attempt", then "sent" as if it had gone at once,
    and the old row, superseded, no longer showed the 451: nothing on the outbox page told the
    co-leads that her address had deferred it, nor when. Now the row counts on from the first
    attempt and says when and how her server turned the first one away."""
    aiko, written, tried = turned_away_for_now(api, agenda, cli, clock, smtp)
    turned_away = tried.next_attempt_at - timedelta(minutes=1)
    retitled(api, aiko)
    sender_round(cli, clock)
    assert inbox(smtp, AIKO) == []
    old, again = outbox(kind="invitation", recipient_email=AIKO)
    assert (old.id, old.status) == (written.id, "superseded")
    assert (again.status, again.attempts) == ("queued", 2)
    assert again.subject == "Invitation to present: AI-assisted search at the JPO"
    said = f"Its server turned it away for now at {turned_away:%-d %b %Y %H:%M} UTC"
    row = html.unescape(api.get("/outbox?kind=invitation").get_data(as_text=True))
    assert "2 attempts." in row and said in row and f"as message {old.id}" in row
    assert again.last_error == f"refused by the mail server: {BUSY}"
    smtp.refuse.clear()
    for _ in range(2):  # its next try two minutes on
        sender_round(cli, clock)
    (invitation,) = inbox(smtp, AIKO)
    assert invitation["Subject"] == "Invitation to present: AI-assisted search at the JPO"
    (sent,) = outbox(kind="invitation", recipient_email=AIKO, status="sent")
    assert (sent.id, sent.attempts, sent.last_error) == (again.id, 3, None)
    row = html.unescape(api.get("/outbox?kind=invitation").get_data(as_text=True))
    assert "3 attempts" in row and f"{said} (refused by the mail server: {BUSY})" in row
    page = html.unescape(api.get(f"/outbox/{sent.id}").get_data(as_text=True))
    assert "Turned away for now" in page
    assert f"at {turned_away:%-d %b %Y %H:%M} UTC (refused by the mail server: {BUSY})" in page


def test_a_confirmed_presenter_whose_invitation_waits_to_retry_still_gets_their_reminder(
    api, survey, smtp, cli, clock
):
    """Aiko's talk, two days away, is confirmed by the co-leads before her invitation goes;
    her server turns it away for now (451), and the round that wrote it also wrote her
    reminder, to follow it. Nothing about the talk changes. The retry wrote the invitation
    again (a reminder is no news of a change) and withdrew the reminder, which was never
    written again: she got the invitation alone. Now the invitation goes as it was, and the
    reminder after it."""
    starts = (datetime.now(UTC) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    meeting = api.post(
        "/api/v1/meetings", json={**MEETING, "starts_at": starts.isoformat()}
    ).get_json()
    made = api.post(
        f"/api/v1/meetings/{meeting['id']}/slots",
        json={**TALK, "office": "JP", "title": "AI search at the JPO"},
    ).get_json()
    aiko = db.session.get(Slot, made["id"])
    invite(api, aiko, name="Aiko Sato", email=AIKO, time_zone="Asia/Tokyo", language="en")
    confirmed = api.patch(f"/api/v1/slots/{aiko.id}", json={"status": "confirmed"})
    assert confirmed.status_code == 200, confirmed.get_json()
    smtp.refuse[AIKO] = BUSY
    sender_round(cli, clock)
    (tried,) = outbox(kind="invitation", recipient_email=AIKO, status="queued")
    assert tried.attempts == 1
    assert outbox(kind="reminder", recipient_email=AIKO, status="queued")
    smtp.refuse.clear()
    for _ in range(3):
        sender_round(cli, clock)
    invitation, reminder = inbox(smtp, AIKO)
    assert invitation["Message-ID"] == tried.message_id
    assert invitation["Subject"] == "Invitation to present: AI search at the JPO"
    assert "AI search at the JPO" in reminder["Subject"]
    (went,) = outbox(kind="reminder", recipient_email=AIKO)
    assert went.status == "sent"


def test_an_invitation_a_sender_took_and_lost_says_when_its_server_really_turned_it_away(
    api, agenda, smtp, cli, clock
):
    """Aiko's server turns her invitation away for now (451). A sender takes it when it is due
    again and dies before trying it (its lease left, ten minutes on); once the lease ends, the
    co-lead corrects the title and the round writes it again. Its row said her server turned
    it away nine minutes after the sender took it: when was read back from the next attempt,
    which the lease had moved. Now each attempt records when it was made, and the row, the
    page and the sender's next wait read that."""
    from planner.db_types import utcnow
    from planner.mail.sender import LEASE, claim

    aiko, _, tried = turned_away_for_now(api, agenda, cli, clock, smtp)
    # Due a minute after it was turned away (`delay_after(1)`), as the sender set it.
    turned_away = tried.next_attempt_at - timedelta(minutes=1)
    clock.sleep(120)
    assert tried.id in claim(utcnow())  # the sender that took it dies here
    page = html.unescape(api.get(f"/outbox/{tried.id}").get_data(as_text=True))
    assert f"1, the last at {turned_away:%-d %b %Y %H:%M} UTC" in page
    # Not the time it was due, gone by as the sender tries it, nor its lease's end as if due then.
    lease_ends = db.session.get(type(tried), tried.id).next_attempt_at
    assert (
        f"next attempt under way: a sender has it (were it to stop, it is tried again from "
        f"{lease_ends:%-d %b %Y %H:%M} UTC)" in page
    )
    clock.sleep(LEASE.total_seconds())
    retitled(api, aiko)
    smtp.refuse.clear()
    sender_round(cli, clock)
    (invitation,) = inbox(smtp, AIKO)
    assert invitation["Subject"] == "Invitation to present: AI-assisted search at the JPO"
    (sent,) = outbox(kind="invitation", recipient_email=AIKO, status="sent")
    assert sent.attempts == 2 and sent.last_attempt_at == sent.sent_at
    row = html.unescape(api.get("/outbox?kind=invitation").get_data(as_text=True))
    assert f"Its server turned it away for now at {turned_away:%-d %b %Y %H:%M} UTC" in row


def press_send(api, message_id: int) -> None:
    """A co-lead's "Send now" or "Send again" on the message's outbox page."""
    token = csrf_token(api, f"/outbox/{message_id}")
    pressed = api.post(f"/outbox/{message_id}/send", data={"csrf_token": token})
    assert pressed.status_code in (200, 302, 303), pressed.status_code


def test_an_invitation_sent_again_after_it_failed_says_what_came_before_it(
    api, agenda, smtp, cli, clock, colead
):
    """Aiko's server turns her invitation away for now (451); the title is corrected and the
    round writes it again, which her server then refuses for good (550): it failed after two
    attempts. Her office fixes the mailbox and a co-lead presses "Send again": the invitation
    written again started at 0 attempts with nothing of what came before, as if it had been
    written that minute. Now its row and page say it was sent again in place of the failed
    one, after its two attempts and its server's answer, and when her server first turned it
    away for now, as which message; the sender tries it afresh (its own attempts from 0)."""
    aiko, written, tried = turned_away_for_now(api, agenda, cli, clock, smtp)
    turned_away = tried.last_attempt_at
    retitled(api, aiko)
    smtp.refuse[AIKO] = GONE
    sender_round(cli, clock)
    (failed,) = outbox(kind="invitation", recipient_email=AIKO, status="failed")
    assert failed.attempts == 2
    smtp.refuse.clear()
    token = csrf_token(api, f"/outbox/{failed.id}")
    pressed = api.post(f"/outbox/{failed.id}/send", data={"csrf_token": token})
    assert pressed.status_code in (200, 302, 303), pressed.status_code
    (again,) = outbox(kind="invitation", recipient_email=AIKO, status="queued")
    assert again.attempts == 0
    first = f"at {turned_away:%-d %b %Y %H:%M} UTC (refused by the mail server: {BUSY})"
    page = html.unescape(api.get(f"/outbox/{again.id}").get_data(as_text=True))
    assert (
        f"message {failed.id}</a>, after its 2 attempts (refused by the mail server: {GONE})"
        in page
    )
    assert f"Turned away for now</dt><dd>{first}, as <a" in page
    assert f"message {written.id}</a>, then written again" in page
    assert "waits until" not in page  # it is not an update waiting for further changes
    sender_round(cli, clock)
    (invitation,) = inbox(smtp, AIKO)
    assert invitation["Subject"] == "Invitation to present: AI-assisted search at the JPO"
    db.session.refresh(again)
    assert (again.status, again.attempts) == ("sent", 1)
    row = html.unescape(api.get("/outbox?kind=invitation").get_data(as_text=True))
    assert f"Sent again by {colead.email} at " in row
    assert f"UTC after message {failed.id} (2 attempts: refused by the mail server: {GONE})" in row
    assert f"Its server turned it away for now {first}, as message {written.id}" in row


def test_invitations_turned_away_before_the_workshop_had_a_date_go_dated_after_one_read(
    api, survey, smtp, cli, clock
):
    """Aiko and Rosa are invited to a workshop with no date yet (their invitations carry no
    calendar entry), and their servers turn the invitations away for now (451). The co-lead
    dates and publishes the workshop: "Published" waits behind each. The round that tries
    them again writes both again, dated, with their calendar entries. Whether news waits
    behind each was read for all of them at once, then again for each invitation written
    again (its calendar entry, absent, could not say it was behind): one query more per
    invitation. Now it is read once, and one rule (`waiting.talk_changed`) is asked of each."""
    from planner.db_types import utcnow
    from planner.mail.messages import reword_due
    from tests.support import counted_queries

    undated = {key: value for key, value in MEETING.items() if key != "starts_at"}
    meeting = api.post("/api/v1/meetings", json=undated).get_json()
    for office, name, email in (("JP", "Aiko Sato", AIKO), ("PE", "Rosa", ROSA)):
        made = api.post(
            f"/api/v1/meetings/{meeting['id']}/slots",
            json={**TALK, "office": office, "title": f"{office} talk"},
        ).get_json()
        talk = db.session.get(Slot, made["id"])
        invite(api, talk, name=name, email=email, time_zone="UTC", language="en")
    smtp.refuse.update({AIKO: BUSY, ROSA: BUSY})
    sender_round(cli, clock)
    dated = api.patch(f"/api/v1/meetings/{meeting['id']}", json={"starts_at": MEETING["starts_at"]})
    assert dated.status_code == 200, dated.get_json()
    assert publish_as_planned(api, meeting["id"]).status_code == 200
    clock.sleep(600)
    retried = outbox(kind="invitation", status="queued")
    assert [(m.attempts, m.ics) for m in retried] == [(1, None), (1, None)]
    with counted_queries() as statements:
        reword_due(utcnow())
    db.session.commit()
    # `waiting.news_behind`: the updates queued to the retried invitations' recipients.
    news = "SELECT outbox.id, outbox.slot_id, outbox.recipient_mailbox"
    assert len([s for s in statements if s.startswith(news)]) == 1
    again = outbox(kind="invitation", status="queued")
    assert [(m.attempts, m.ics is not None) for m in again] == [(1, True), (1, True)]
    for address in (AIKO, ROSA):  # "Published" no longer follows it
        assert outbox(kind="update", status="queued", recipient_email=address) == []
    smtp.refuse.clear()
    sender_round(cli, clock)
    for address in (AIKO, ROSA):
        (invitation,) = inbox(smtp, address)
        assert "BEGIN:VEVENT" in calendar(invitation)


def test_news_sent_again_after_it_failed_keeps_its_attempts_and_server_answer_on_its_page(
    api, agenda, smtp, cli, clock, colead
):
    """The workshop is published and Ben's mailbox refuses PE's "On the agenda" news for good
    (550): failed after one attempt. A co-lead presses "Send again" once PE fixes it; the news
    is not written again (nothing it says changed), and the same message went back to "0
    attempts" with its server's answer gone: nothing on its page or its row said it had
    failed, nor that a co-lead had restarted it. Now both say who sent it again and when,
    after how many attempts and what its server answered; the sender counts afresh."""
    smtp.refuse[BEN] = GONE
    assert publish_as_planned(api, agenda["meeting"]).status_code == 200
    sender_round(cli, clock)
    (failed,) = outbox(kind="update", recipient_email=BEN)
    assert (failed.status, failed.attempts) == ("failed", 1)
    smtp.refuse.clear()
    press_send(api, failed.id)
    (again,) = outbox(kind="update", recipient_email=BEN)
    assert (again.id, again.status, again.attempts) == (failed.id, "queued", 0)
    page = html.unescape(api.get(f"/outbox/{again.id}").get_data(as_text=True))
    pressed = again.sent_again_after.at
    assert (
        f"<dt>Sent again</dt><dd>by {colead.email} on {pressed:%-d %b %Y %H:%M} UTC, after 1 "
        f"attempt (refused by the mail server: {GONE}); the attempts above count from then"
    ) in page
    assert "waits until" not in page  # not an update waiting for further changes
    sender_round(cli, clock)
    (news,) = inbox(smtp, BEN)
    assert news["Subject"] == "On the agenda: Digital transformation at INDECOPI"
    (sent,) = outbox(kind="update", recipient_email=BEN, status="sent")
    assert sent.attempts == 1 and sent.last_error is None
    row = html.unescape(api.get("/outbox?kind=update").get_data(as_text=True))
    assert (
        f"Sent again by {colead.email} at {pressed:%-d %b %Y %H:%M} UTC (after 1 attempt: "
        f"refused by the mail server: {GONE})"
    ) in row


def test_a_failed_invitation_sent_again_still_shows_what_its_server_answered(
    api, agenda, smtp, cli, clock
):
    """Aiko's mailbox refuses her invitation for good (550). A co-lead presses "Send again"
    once her office fixes it, and the invitation is written again in its place: the failed
    one's own page then showed "superseded" and nothing of its server's answer. Now it keeps
    the answer, and links to the invitation written in its place."""
    _, written = aiko_invited(api, agenda, cli, clock)
    smtp.refuse[AIKO] = GONE
    sender_round(cli, clock)
    (failed,) = outbox(kind="invitation", recipient_email=AIKO)
    assert (failed.id, failed.status) == (written.id, "failed")
    smtp.refuse.clear()
    press_send(api, failed.id)
    (again,) = outbox(kind="invitation", recipient_email=AIKO, status="queued")
    page = html.unescape(api.get(f"/outbox/{failed.id}").get_data(as_text=True))
    assert "superseded (not sent)" in page
    assert f'<dt>Error</dt><dd class="error">refused by the mail server: {GONE}</dd>' in page
    assert f'<dt>Sent again</dt><dd>as <a href="/outbox/{again.id}">message {again.id}</a>' in page
    assert (
        f"A co-lead sent it again: it was written again as its slot then was, as message "
        f"{again.id}, “{again.subject}”." in page
    )
    row = html.unescape(api.get("/outbox?kind=invitation").get_data(as_text=True))
    assert f"Sent again as message {again.id}" in row
    sender_round(cli, clock)
    assert len(inbox(smtp, AIKO)) == 1


def test_an_invitation_written_again_while_it_waits_to_retry_says_it_goes_in_the_next_round(
    api, agenda, smtp, cli, clock
):
    """Aiko's server turns her invitation away for now (451): due again a minute later. The
    co-lead corrects the title, and ten minutes on the round's first step (`flask mail
    remind`, as `flask mail send --once` begins) writes it again, due at once. Its page said
    "next attempt" at the time the old one was due, ten minutes gone, though it goes in that
    round. Now it says it goes in the sender's next round; then it goes."""
    aiko, _, tried = turned_away_for_now(api, agenda, cli, clock, smtp)
    was_due = tried.next_attempt_at
    retitled(api, aiko)
    clock.sleep(600)
    smtp.refuse.clear()
    result = cli.invoke(args=["mail", "remind"])
    assert result.exit_code == 0, result.output
    (again,) = outbox(kind="invitation", recipient_email=AIKO, status="queued")
    assert again.id != tried.id and again.attempts == 1
    page = html.unescape(api.get(f"/outbox/{again.id}").get_data(as_text=True))
    assert f"next attempt {was_due:%-d %b %Y %H:%M}" not in page
    assert "next attempt in the sender's next round (it is due)" in page
    sender_round(cli, clock)
    (invitation,) = inbox(smtp, AIKO)
    assert invitation["Subject"] == "Invitation to present: AI-assisted search at the JPO"


def test_news_that_goes_at_once_does_not_say_it_waits_for_further_changes(
    api, agenda, smtp, cli, clock
):
    """The workshop, published and its news out, is cancelled, and a co-lead brings it back:
    Ben's news that it is back goes at once (his calendar lost it), while news of a plain
    change waits a minute for more (UPDATE_SETTLE). Before the sender's next round its outbox
    row and page said it "waits for further changes until" the minute it was written: any
    update not yet tried said so. Now only one that waits says it."""
    assert publish_as_planned(api, agenda["meeting"]).status_code == 200
    sender_round(cli, clock)
    cancel = f"/meetings/{agenda['meeting']}/delete"
    assert api.post(cancel, data=hidden_fields(api, cancel)).status_code == 302
    sender_round(cli, clock)
    back = f"/meetings/{agenda['meeting']}/reinstate"
    assert api.post(back, data=hidden_fields(api, back)).status_code == 302
    (news,) = outbox(kind="update", status="queued", recipient_email=BEN)
    assert news.attempts == 0 and "since" not in news.basis  # it goes at once
    page = html.unescape(api.get(f"/outbox/{news.id}").get_data(as_text=True))
    assert "for further changes" not in page
    row = html.unescape(api.get("/outbox?kind=update").get_data(as_text=True))
    assert "waits for further changes" not in row


def test_only_an_update_that_waits_for_further_changes_says_so_in_the_outbox(
    api, agenda, smtp, cli, clock
):
    """Rosa's invitation went; the workshop is published: Ben, PE's contact, is written "On the
    agenda", which goes as it is in the sender's next round. Its row and page said it "waits
    for further changes" until the minute it was written, gone by: a co-lead waited for a
    change it never would say. Now it says nothing of the kind. Once it went a co-lead
    corrects the talk's title: "Changed" does wait a minute for further changes, which it
    would then say too, and says so, on its row and its page, until it goes."""
    invite(api, agenda["rosa"], name="Rosa Quispe", email=ROSA, time_zone="America/Lima")
    sender_round(cli, clock)
    assert publish_as_planned(api, agenda["meeting"]).status_code == 200
    (news,) = outbox(kind="update", recipient_email=BEN)
    assert news.subject == "On the agenda: Digital transformation at INDECOPI"
    page = html.unescape(api.get(f"/outbox/{news.id}").get_data(as_text=True))
    assert "for further changes" not in page
    rows = html.unescape(api.get("/outbox?kind=update").get_data(as_text=True))
    assert "waits for further changes" not in rows
    sender_round(cli, clock)
    assert [m["Subject"] for m in inbox(smtp, BEN)] == [news.subject]
    corrected = api.patch(
        f"/api/v1/slots/{agenda['rosa'].id}", json={"title": "Digital transformation at PE"}
    )
    assert corrected.status_code == 200, corrected.get_json()
    (changed,) = outbox(kind="update", recipient_email=BEN, status="queued")
    assert changed.subject == "Changed: Digital transformation at PE (title)"
    page = html.unescape(api.get(f"/outbox/{changed.id}").get_data(as_text=True))
    assert (
        f"waits until {changed.next_attempt_at:%-d %b %Y %H:%M} UTC for further changes to the "
        "slot, which it would then say too"
    ) in page
    rows = html.unescape(api.get("/outbox?kind=update").get_data(as_text=True))
    waiting = outbox(kind="update", status="queued")  # Rosa's "Changed" too, not the news
    assert {m.subject for m in waiting} == {changed.subject}
    assert rows.count("Waits for further changes") == len(waiting) == 2
    assert f"Waits for further changes until {changed.next_attempt_at:%H:%M} UTC." in rows
    cli.invoke(args=["mail", "send", "--once"])  # a round within its minute
    assert len(inbox(smtp, BEN)) == 1
    sender_round(cli, clock)
    assert [m["Subject"] for m in inbox(smtp, BEN)] == [news.subject, changed.subject]


def test_an_invitation_the_round_wrote_again_keeps_what_its_server_answered_on_its_page(
    api, agenda, smtp, cli, clock
):
    """Aiko's server turns her invitation away for now (451) and the co-lead corrects the
    title: the round writes the invitation again as the talk now is. The first one's own page,
    superseded, then showed nothing of its server's answer, only "a newer message": the 451
    was on the one written in its place alone. Now it keeps it, as one a co-lead sends again
    does, and says the round wrote it again, linking to that one."""
    aiko, written = aiko_invited(api, agenda, cli, clock)
    smtp.refuse[AIKO] = BUSY
    sender_round(cli, clock)
    retitled(api, aiko)
    sender_round(cli, clock)
    old, again = outbox(kind="invitation", recipient_email=AIKO)
    assert (old.id, old.status, again.status) == (written.id, "superseded", "queued")
    answered = f"refused by the mail server: {BUSY}"
    assert old.last_error == answered
    page = html.unescape(api.get(f"/outbox/{old.id}").get_data(as_text=True))
    assert f'<dt>Error</dt><dd class="error">{answered}</dd>' in page
    assert (
        f'<dt>Written again</dt><dd>as <a href="/outbox/{again.id}">message {again.id}</a> by '
        "the sender's round, as the talk then was, before it was tried again"
    ) in page
    assert (
        "This message is superseded: it never goes. Its recipient's server had turned it away "
        "for now, and the talk changed before it was tried again: the sender's round wrote it "
        f"again as the talk then was, as message {again.id}, “{again.subject}”."
    ) in page
    row = html.unescape(api.get("/outbox?kind=invitation").get_data(as_text=True))
    assert f"Written again as message {again.id} by the sender's round" in row
    smtp.refuse.clear()
    for _ in range(2):  # its next try two minutes on
        sender_round(cli, clock)
    (invitation,) = inbox(smtp, AIKO)
    assert invitation["Subject"] == again.subject


def test_a_held_invitation_sent_now_says_who_sent_it_and_when(
    api, agenda, smtp, cli, clock, colead
):
    """Where the co-leads review invitations, Aiko's waits, held, on the outbox page. A co-lead
    reads it and presses "Send now": its page and its row then say who sent it and when ("Sent
    now by ..."), as "Send again" does, with no attempt nor server answer before it; the
    sender's next round delivers it, once, and the page still says who let it go."""
    set_hold_invitations(True)
    db.session.commit()
    _, written = aiko_invited(api, agenda, cli, clock)
    sender_round(cli, clock)
    (held,) = outbox(kind="invitation", recipient_email=AIKO)
    assert (held.id, held.status) == (written.id, "held")
    page = html.unescape(api.get(f"/outbox/{held.id}").get_data(as_text=True))
    assert "Send now" in page and "Sent now" not in page
    press_send(api, held.id)
    (queued,) = outbox(kind="invitation", recipient_email=AIKO)
    assert (queued.id, queued.status, queued.attempts) == (held.id, "queued", 0)
    pressed = queued.sent_again_after.at
    page = html.unescape(api.get(f"/outbox/{held.id}").get_data(as_text=True))
    assert (
        f"<dt>Sent now</dt><dd>by {colead.email} on {pressed:%-d %b %Y %H:%M} UTC; the attempts "
        "above count from then</dd>"
    ) in page
    row = html.unescape(api.get("/outbox?kind=invitation").get_data(as_text=True))
    assert f"Sent now by {colead.email} at {pressed:%-d %b %Y %H:%M} UTC.</span>" in row
    sender_round(cli, clock)
    (invitation,) = inbox(smtp, AIKO)
    assert invitation["Subject"] == held.subject
    (sent,) = outbox(kind="invitation", recipient_email=AIKO)
    assert (sent.id, sent.status, sent.attempts) == (held.id, "sent", 1)
    page = html.unescape(api.get(f"/outbox/{sent.id}").get_data(as_text=True))
    assert f"<dt>Sent now</dt><dd>by {colead.email} on {pressed:%-d %b %Y %H:%M} UTC;" in page
    sender_round(cli, clock)
    assert len(inbox(smtp, AIKO)) == 1
