"""The calendar output filed on a real CalDAV server (Radicale) as clients file it: every event of
a meeting's and an office's feed, and the REQUEST and CANCEL parts of the emails a presenter and
an office's contact get, one object per UID, updated with If-Match. The server must take every
object; read back by GET and by time-range queries, each event is at its instant, found in the
day it falls on from Sydney to Lima, replaced (never doubled) when it moves, and cancelled or
removed when it is."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from planner.agenda.models import Meeting
from planner.calendar.ics import CANCELLED_PREFIX, one_line
from planner.calendar.operations import office_feed_token
from planner.extensions import db
from planner.offices.models import Office
from tests.calendar.caldav_server import (
    CalDavCalendar,
    calendar_objects,
    event_properties,
    started_radicale,
)
from tests.presenters.support import before_the_meeting as before_the_meeting
from tests.presenters.support import invite
from tests.presenters.support import presenter as presenter
from tests.presenters.support import slot as slot
from tests.support import publish_as_planned

SYDNEY, LIMA = ZoneInfo("Australia/Sydney"), ZoneInfo("America/Lima")
PRESENTER = "alex@ipaustralia.example"
# Titles and texts as people paste them. Titles are one line (the API refuses a line break in
# one); texts of several lines keep theirs. 200 characters is the longest title there is.
LONG_TITLE = ("知的財産 ИИ 🧑🏽‍💻🇦🇺 " * 20)[:200]
PUNCTUATED = 'Cómo; INDECOPI, con العربية y Ελληνικά: "qué" \\n, \\; \\, back\\slash'
TEXT = (
    "First line\r\nSecond line\n\nEND:VEVENT\nBEGIN:VEVENT\nUID:smuggled@example\n"
    "\tTabbed; commas, semicolons; back\\slash; emoji 🚀; 日本語"
)
# An old row, written before input refused line breaks in titles: one pasted break once broke
# every feed.
PASTED = "Pasted\r\nline break; END:VEVENT\nUID:smuggled@example\u2028and more"
LIMA_MEETING = {
    "title": 'Rec 10; AI, blockchain \\ IP: "what next?" 🚀',
    # 08:00 in Lima is 13:00 UTC, midnight starting 9 December in Sydney (UTC+11).
    "starts_at": "2026-12-08T08:00:00-05:00",
    "duration_minutes": 60,
    "time_zone": "America/Lima",
    "video_url": "https://video.example/rec10?room=a;b,c",
    "description": TEXT,
}
LIMA_SLOTS = (
    {
        "title": LONG_TITLE,
        "office": "AU",
        "recommendations": [10],
        "duration_minutes": 20,
        "status": "confirmed",
        "abstract": TEXT,
    },
    {"title": PUNCTUATED, "office": "PE", "recommendations": [10], "duration_minutes": 20},
    {"title": "Questions, answers; and 💬", "kind": "discussion", "duration_minutes": 20},
)


@pytest.fixture(scope="module")
def radicale(tmp_path_factory):
    server = started_radicale(tmp_path_factory.mktemp("radicale"))
    yield server
    server.stop()


@pytest.fixture
def lima(colead_client, survey):
    """A published meeting in Lima with hostile titles and texts, one title an old row."""
    api = colead_client
    meeting = api.post("/api/v1/meetings", json=LIMA_MEETING).get_json()
    for fields in LIMA_SLOTS:
        made = api.post(f"/api/v1/meetings/{meeting['id']}/slots", json=fields)
        assert made.status_code == 201, made.get_json()
    pasted = db.session.get(Meeting, meeting["id"]).slots[-1]
    pasted.title = PASTED
    db.session.commit()
    assert publish_as_planned(api, meeting["id"]).status_code == 200
    return db.session.get(Meeting, meeting["id"])


def stored(calendar: CalDavCalendar, uid: str):
    """The UID's object as the server gives it back: one event, of that UID, no METHOD, with
    every property of the event as it was filed."""
    body = calendar.get(uid).body
    assert event_properties(body) == event_properties(calendar.sent[uid])
    read = Calendar.from_ical(body)
    for component in read.walk():
        assert not component.errors, (component.name, component.errors)
    assert "METHOD" not in read
    (event,) = read.walk("VEVENT")
    assert str(event["UID"]) == uid
    return event


def instants(event) -> tuple[datetime, datetime]:
    """DTSTART and DTEND as UTC instants (the app writes UTC; a TZID would be resolved)."""
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start.tzinfo is not None and end.tzinfo is not None, "floating time"
    return start.astimezone(UTC), end.astimezone(UTC)


def uids_found(calendar: CalDavCalendar, start: datetime, end: datetime) -> set[str]:
    found = calendar.query(start, end)
    uids = [str(Calendar.from_ical(data).walk("VEVENT")[0]["UID"]) for data in found.values()]
    assert len(uids) == len(set(uids)), f"a UID in two resources: {uids}"
    return set(uids)


def local_day(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return (
        datetime.combine(day, time(), zone),
        datetime.combine(day + timedelta(days=1), time(), zone),
    )


def check_filed(calendar: CalDavCalendar, times: dict[str, tuple[datetime, datetime]]) -> dict:
    """Every UID is one resource holding its event at the stored UTC instants; the server holds
    nothing else. The events as read back, by UID."""
    assert set(calendar.held) == set(times)
    assert len(calendar.query()) == len(times), "not one resource per UID"
    events = {uid: stored(calendar, uid) for uid in times}
    for uid, event in events.items():
        assert instants(event) == times[uid], uid
    return events


def test_a_meetings_feeds_are_filed_event_by_event_and_found_in_each_zones_day(
    visitor, lima, radicale
):
    meeting_times = {lima.uid: (lima.starts_at, lima.ends_at)}
    slot_times = {s.uid: (s.starts_at, s.ends_at) for s in lima.slots}
    talk, _, pasted = lima.slots
    for url, times in (
        (f"/meetings/{lima.id}.ics", meeting_times),
        (f"/meetings/{lima.id}.ics?scope=slots", slot_times),
    ):
        calendar = radicale.new_calendar()
        assert calendar.sync(visitor.get(url).data) == dict.fromkeys(times, 201)
        events = check_filed(calendar, times)
    # From here on, the calendar of the slots' feed.
    # The server's copies keep every title and text whole, escapes and all.
    assert {uid: str(e["SUMMARY"]) for uid, e in events.items()} == {
        s.uid: one_line(s.title) for s in lima.slots
    }
    assert str(events[pasted.uid]["SUMMARY"]) == (
        "Pasted line break; END:VEVENT UID:smuggled@example and more"
    )
    assert "Tabbed; commas, semicolons; back\\slash; emoji 🚀; 日本語" in str(
        events[talk.uid]["DESCRIPTION"]
    )
    # The video link whole, in LOCATION (text): as CONFERENCE the server would cut it.
    assert {str(e["LOCATION"]) for e in events.values()} == {LIMA_MEETING["video_url"]}
    assert instants(events[talk.uid]) == (
        datetime(2026, 12, 8, 13, tzinfo=UTC),
        datetime(2026, 12, 8, 13, 20, tzinfo=UTC),
    )

    # Imported whole in one request, the feed is taken too: one object per UID, its name kept.
    whole = visitor.get(f"/meetings/{lima.id}.ics?scope=slots").data
    imported = radicale.upload_calendar(whole)
    objects = [Calendar.from_ical(data).walk("VEVENT") for data in imported.query().values()]
    assert sorted(str(e["UID"]) for obj in objects for e in obj) == sorted(slot_times)
    assert radicale.display_name(imported.path) == LIMA_MEETING["title"]

    # Each zone's day finds the talks that overlap it, and no other: the first starts as
    # 9 December begins in Sydney, on the morning of the 8th in Lima.
    for zone in (SYDNEY, LIMA):
        for day in (date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 9)):
            start, end = local_day(day, zone)
            overlapping = {u for u, (s, e) in slot_times.items() if s < end and e > start}
            assert uids_found(calendar, start, end) == overlapping, (zone, day)
    assert talk.uid in uids_found(calendar, *local_day(date(2026, 12, 9), SYDNEY))
    assert talk.uid not in uids_found(calendar, *local_day(date(2026, 12, 8), SYDNEY))
    assert uids_found(calendar, *local_day(date(2026, 12, 8), LIMA)) == set(slot_times)
    # To the minute: 23:59 to midnight in Sydney holds nothing, 00:00 to 00:01 the talk.
    midnight = datetime(2026, 12, 9, tzinfo=SYDNEY)
    assert uids_found(calendar, midnight - timedelta(minutes=1), midnight) == set()
    assert uids_found(calendar, midnight, midnight + timedelta(minutes=1)) == {talk.uid}


def test_an_offices_feed_filed_on_a_server_follows_moves_and_cancellations(
    colead_client, visitor, lima, radicale
):
    talk = lima.slots[0]
    feeds = {}
    for code in ("AU", "PE"):
        token = office_feed_token(db.session.get(Office, code), "test-secret-key")
        feeds[code] = f"/feeds/offices/{code}.ics?token={token}"
    calendars = {code: radicale.new_calendar() for code in feeds}
    for code, url in feeds.items():
        ours = {s.uid: (s.starts_at, s.ends_at) for s in lima.slots if s.office_code == code}
        assert calendars[code].sync(visitor.get(url).data) == dict.fromkeys(ours, 201)
        check_filed(calendars[code], ours)
    # An office with nothing scheduled: its feed, imported whole, is an empty calendar.
    token = office_feed_token(db.session.get(Office, "JP"), "test-secret-key")
    empty = radicale.upload_calendar(visitor.get(f"/feeds/offices/JP.ics?token={token}").data)
    assert empty.query() == {}

    australia = calendars["AU"]
    before = stored(australia, talk.uid)
    href = australia.held[talk.uid][0]

    # The meeting moves an hour later: the same resource is replaced, SEQUENCE higher.
    later = {"starts_at": "2026-12-08T09:00:00-05:00"}
    assert colead_client.patch(f"/api/v1/meetings/{lima.id}", json=later).status_code == 200
    assert australia.sync(visitor.get(feeds["AU"]).data) == {talk.uid: 204}
    assert australia.held[talk.uid][0] == href
    an_hour_later = tuple(t + timedelta(hours=1) for t in instants(before))
    moved = check_filed(australia, {talk.uid: an_hour_later})[talk.uid]
    assert int(moved["SEQUENCE"]) > int(before["SEQUENCE"])
    assert uids_found(australia, *local_day(date(2026, 12, 9), SYDNEY)) == {talk.uid}

    # The talk is removed: it stays in the calendar, cancelled, above the SEQUENCE it had.
    assert colead_client.delete(f"/api/v1/slots/{talk.id}").status_code in (200, 204)
    assert australia.sync(visitor.get(feeds["AU"]).data) == {talk.uid: 204}
    cancelled = stored(australia, talk.uid)
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["SUMMARY"]) == CANCELLED_PREFIX + one_line(LONG_TITLE)
    assert int(cancelled["SEQUENCE"]) > int(moved["SEQUENCE"])
    assert len(australia.query()) == 1

    # The meeting is cancelled: Peru's talk too, in place.
    peru = calendars["PE"]
    (spoken,) = peru.held
    shown = stored(peru, spoken)
    assert colead_client.delete(f"/api/v1/meetings/{lima.id}").status_code in (200, 204)
    assert peru.sync(visitor.get(feeds["PE"]).data) == {spoken: 204}
    gone = stored(peru, spoken)
    assert str(gone["STATUS"]) == "CANCELLED"
    assert int(gone["SEQUENCE"]) > int(shown["SEQUENCE"])


def the_calendar_part(server, method: str) -> bytes:
    """The text/calendar part of the last message the presenter was sent, with its method."""
    last = [m for m in server.messages() if m["To"].addresses[0].addr_spec == PRESENTER][-1]
    (part,) = [p for p in last.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == method
    body = part.get_content()
    return body if isinstance(body, bytes) else body.encode("utf-8")


def file_invitation(calendar: CalDavCalendar, part: bytes) -> str:
    """What a mail client does with a REQUEST (or a CANCEL it keeps, struck through): the event
    filed in the calendar without METHOD, created or replaced. Its UID."""
    assert b"\r\nMETHOD:" in part
    ((uid, obj),) = calendar_objects(part).items()
    assert b"METHOD" not in obj
    calendar.put(uid, obj)
    return uid


@pytest.fixture
def mail(api):
    """A real SMTP server on loopback, and one round of the app's mail sender to it."""
    from planner.db_types import utcnow
    from planner.mail.messages import UPDATE_SETTLE
    from planner.mail.sender import send_due
    from tests.mail.smtp_server import SmtpServer

    server = SmtpServer().start()
    config = {**api.application.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port}

    def send() -> None:
        # Past UPDATE_SETTLE, the wait of an update for another change.
        assert send_due(config, utcnow() + UPDATE_SETTLE + timedelta(seconds=1)).sent == 1
        db.session.commit()

    yield server, send
    server.stop()


def test_an_invitation_its_update_and_its_cancel_filed_as_a_mail_client_does(
    api, slot, mail, radicale
):
    server, send = mail
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"title": PUNCTUATED}).status_code == 200
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    send()
    calendar = radicale.new_calendar()
    uid = file_invitation(calendar, the_calendar_part(server, "REQUEST"))
    assert uid == slot.uid
    db.session.refresh(slot)
    invited = stored(calendar, uid)
    assert instants(invited) == (slot.starts_at, slot.ends_at)
    assert str(invited["SUMMARY"]) == one_line(PUNCTUATED)
    assert str(invited["ATTENDEE"]) == f"mailto:{PRESENTER}"
    # 12:10 UTC: the evening of 9 March in Sydney (UTC+11), the morning in Lima.
    assert uids_found(calendar, *local_day(date(2027, 3, 9), SYDNEY)) == {uid}
    assert uids_found(calendar, *local_day(date(2027, 3, 9), LIMA)) == {uid}

    # The slot is moved an hour later: past midnight in Sydney. The update replaces the event.
    later = {"starts_at": "2027-03-09T14:10:00+01:00"}
    assert api.patch(f"/api/v1/slots/{slot.id}", json=later).status_code == 200
    send()
    assert file_invitation(calendar, the_calendar_part(server, "REQUEST")) == uid
    db.session.refresh(slot)
    moved = check_filed(calendar, {uid: (slot.starts_at, slot.ends_at)})[uid]
    assert instants(moved)[0] == instants(invited)[0] + timedelta(hours=1)
    assert int(moved["SEQUENCE"]) > int(invited["SEQUENCE"])
    assert uids_found(calendar, *local_day(date(2027, 3, 9), SYDNEY)) == set()
    assert uids_found(calendar, *local_day(date(2027, 3, 10), SYDNEY)) == {uid}
    assert uids_found(calendar, *local_day(date(2027, 3, 9), LIMA)) == {uid}

    # The slot is removed: the CANCEL, filed, leaves the event cancelled in its place.
    assert api.delete(f"/api/v1/slots/{slot.id}").status_code in (200, 204)
    send()
    assert file_invitation(calendar, the_calendar_part(server, "CANCEL")) == uid
    cancelled = check_filed(calendar, {uid: instants(moved)})[uid]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) > int(moved["SEQUENCE"])
    assert uids_found(calendar, *local_day(date(2027, 3, 10), SYDNEY)) == {uid}


def test_a_cancelled_meeting_takes_the_event_out_of_a_calendar_that_removes_cancels(
    api, slot, mail, radicale
):
    server, send = mail
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    send()
    calendar = radicale.new_calendar()
    uid = file_invitation(calendar, the_calendar_part(server, "REQUEST"))
    invited = stored(calendar, uid)

    assert api.delete(f"/api/v1/meetings/{slot.meeting_id}").status_code in (200, 204)
    send()
    ((cancel_uid, cancel),) = calendar_objects(the_calendar_part(server, "CANCEL")).items()
    event = Calendar.from_ical(cancel).walk("VEVENT")[0]
    # A client applies a CANCEL of the event it holds, at or above its SEQUENCE.
    assert cancel_uid == uid and int(event["SEQUENCE"]) > int(invited["SEQUENCE"])
    assert str(event["STATUS"]) == "CANCELLED"
    href = calendar.held[uid][0]
    calendar.delete(uid)
    assert radicale.request("GET", href).status == 404
    assert calendar.query() == {}


def test_a_contact_s_mailed_copy_and_office_feed_filed_side_by_side_never_part(
    app, api, visitor, slot, presenter, radicale
):
    """helper-210: an office contact both receives the talk's invitations (a REQUEST when it is
    published, confirmed, its abstract edited, its presenter declines) and subscribes to the
    office's feed. Filed on a CalDAV server as a mail client and a subscription file them, the
    two copies are one object per UID each, with the same status and times at every step; each
    message carries the feed's SEQUENCE (the mailed copy never runs ahead of the feed, so a
    client weighing the two never goes back), the abstract as it is now; the CANCEL leaves the
    event cancelled in place, as the feed does."""
    from planner.db_types import utcnow
    from planner.mail.messages import UPDATE_SETTLE
    from planner.mail.sender import send_due
    from planner.offices.models import OfficeContact
    from tests.mail.smtp_server import SmtpServer
    from tests.presenters.support import confirm

    kim = "kim@ipaustralia.example"
    db.session.add(
        OfficeContact(office_code="AU", name="Kim", email=kim, language="es", source="t")
    )
    db.session.commit()
    token = office_feed_token(db.session.get(Office, "AU"), app.config["SECRET_KEY"])
    feed_url = f"/feeds/offices/AU.ics?token={token}"
    server = SmtpServer().start()
    config = {**app.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port}
    mailed, subscribed = radicale.new_calendar(), radicale.new_calendar()
    seen = 0

    def step(method: str | None = "REQUEST"):
        nonlocal seen
        send_due(config, utcnow() + UPDATE_SETTLE + timedelta(seconds=1))
        db.session.commit()
        to_kim = [m for m in server.messages()[seen:] if m["To"].addresses[0].addr_spec == kim]
        seen = len(server.messages())
        assert [
            p.get_param("method")
            for m in to_kim
            for p in m.walk()
            if p.get_content_type() == "text/calendar"
        ] == ([method] if method else [])
        for message in to_kim:
            (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
            body = part.get_content()
            file_invitation(mailed, body if isinstance(body, bytes) else body.encode("utf-8"))
        subscribed.sync(visitor.get(feed_url).data)
        assert set(mailed.held) == set(subscribed.held) == {slot.uid}
        assert len(mailed.query()) == len(subscribed.query()) == 1
        mine, theirs = stored(mailed, slot.uid), stored(subscribed, slot.uid)
        assert str(mine["STATUS"]) == str(theirs["STATUS"])
        assert instants(mine) == instants(theirs)
        if method is None:
            # Nothing Kim's copy shows changed: the feed may count a change on (a presenter
            # invited), never the mailed copy ahead of it.
            assert int(mine["SEQUENCE"]) <= int(theirs["SEQUENCE"])
        else:
            assert int(mine["SEQUENCE"]) == int(theirs["SEQUENCE"])
        return mine

    try:
        assert publish_as_planned(api, slot.meeting_id).status_code == 200
        published = step()
        link = invite(api, slot)
        step(method=None)  # its presenter invited: tentative as it was, no news to Kim
        assert confirm(presenter, link).status_code == 302
        confirmed = step()
        assert str(confirmed["STATUS"]) == "CONFIRMED"
        abstract = "Lo que enseñaron los ensayos."
        assert api.patch(f"/api/v1/slots/{slot.id}", json={"abstract": abstract}).status_code == 200
        edited = step()
        assert abstract in str(edited["DESCRIPTION"])
        declined = {"answer": "declined", "note": "Away that week."}
        assert presenter.post(link + "/answer", data=declined).status_code == 302
        told = step()
        assert str(told["STATUS"]) == "TENTATIVE" and "Away" not in str(told["DESCRIPTION"])
        assert (
            api.patch(f"/api/v1/slots/{slot.id}", json={"status": "cancelled"}).status_code == 200
        )
        gone = step(method="CANCEL")
        assert str(gone["STATUS"]) == "CANCELLED"
        sequences = [int(e["SEQUENCE"]) for e in (published, confirmed, edited, told, gone)]
        assert sequences == sorted(set(sequences))
    finally:
        server.stop()


def test_a_meeting_brought_back_is_filed_back_in_place_by_feeds_and_mail_clients(
    api, visitor, slot, mail, radicale
):
    """helper-241: cancelled by mistake, then brought back. The subscribed feeds (the Task
    Force's, its talks', the meeting's, the office's private one) put every event back in
    place, the same resource of the same UID as it was before, at its instants and status, its
    SEQUENCE above the cancellation; read by icalendar, vobject and ical.js alike. The
    presenter's mailed copy comes back too, whether their client kept the CANCEL struck through
    (the event replaced) or removed the event (made again under the same UID, which the server
    takes)."""
    from tests.calendar.readers import read_everywhere

    server, send = mail
    meeting_id = slot.meeting_id
    assert publish_as_planned(api, meeting_id).status_code == 200
    invite(api, slot)
    send()
    token = office_feed_token(db.session.get(Office, "AU"), api.application.config["SECRET_KEY"])
    feeds = {
        "meetings": "/feeds/taskforce.ics",
        "talks": "/feeds/taskforce-talks.ics",
        "slots": f"/meetings/{meeting_id}.ics?scope=slots",
        "office": f"/feeds/offices/AU.ics?token={token}",
    }
    subscribed = {name: radicale.new_calendar() for name in feeds}
    for name, url in feeds.items():
        assert set(subscribed[name].sync(visitor.get(url).data).values()) == {201}
    before = {name: {u: stored(c, u) for u in c.held} for name, c in subscribed.items()}
    hrefs = {name: {u: c.held[u][0] for u in c.held} for name, c in subscribed.items()}
    keeps, removes = radicale.new_calendar(), radicale.new_calendar()
    invitation = the_calendar_part(server, "REQUEST")
    uid = file_invitation(keeps, invitation)
    assert file_invitation(removes, invitation) == uid == slot.uid
    invited = stored(keeps, uid)

    # Cancelled by mistake: every calendar has it cancelled, or no longer has it.
    assert api.delete(f"/api/v1/meetings/{meeting_id}").status_code in (200, 204)
    send()
    file_invitation(keeps, the_calendar_part(server, "CANCEL"))
    cancelled_copy = stored(keeps, uid)
    removes.delete(uid)
    cancelled = {}
    for name, url in feeds.items():
        assert set(subscribed[name].sync(visitor.get(url).data).values()) == {204}
        cancelled[name] = {u: stored(subscribed[name], u) for u in subscribed[name].held}
        assert {str(e["STATUS"]) for e in cancelled[name].values()} == {"CANCELLED"}

    # Brought back: each in place again, as it was.
    assert api.post(f"/api/v1/meetings/{meeting_id}/reinstate").status_code == 200
    send()
    back = the_calendar_part(server, "REQUEST")
    (read,) = read_everywhere(back)["events"]
    assert read["uid"] == uid and read["status"] == str(invited["STATUS"])
    assert read["sequence"] > int(cancelled_copy["SEQUENCE"])
    assert file_invitation(keeps, back) == uid  # replaced (204)
    assert file_invitation(removes, back) == uid  # made again (201)
    for calendar in (keeps, removes):
        event = check_filed(calendar, {uid: instants(invited)})[uid]
        assert str(event["STATUS"]) == str(invited["STATUS"])
        assert str(event["SUMMARY"]) == str(invited["SUMMARY"])
    for name, url in feeds.items():
        body = visitor.get(url).data
        parsed = {e["uid"]: e for e in read_everywhere(body)["events"]}
        assert set(subscribed[name].sync(body).values()) == {204}
        assert {u: c[0] for u, c in subscribed[name].held.items()} == hrefs[name]
        assert len(subscribed[name].query()) == len(before[name])
        for u, was in before[name].items():
            now = stored(subscribed[name], u)
            assert str(now["STATUS"]) == str(was["STATUS"]) == parsed[u]["status"], (name, u)
            assert instants(now) == instants(was)
            assert int(now["SEQUENCE"]) > int(cancelled[name][u]["SEQUENCE"])
            assert parsed[u]["sequence"] == int(now["SEQUENCE"])
