"""The frab schedule JSON, checked against what the c3voc schema requires of each part.

The schema itself (https://c3voc.de/schedule/schema.json) is not in any package registry, so
its requirements for what this export produces are written out here.
"""

import re
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from planner.agenda.models import Meeting
from planner.calendar.frab import ScheduleInfo, TalkInfo
from planner.calendar.frab import schedule as frab_schedule
from planner.extensions import db
from planner.materials.operations import add_link
from planner.presenters.operations import invite
from tests.calendar.test_feeds import MEETING, SLOTS, conditional
from tests.materials.files import PDF
from tests.materials.test_materials import (
    FUTURE,
    TALK,
    _meeting,
    _presenter,
    colead_upload,
    presenter_upload,
)
from tests.support import csrf_token, form_of, publish_as_planned

# Every statement these tests send to the database, other tests send on PostgreSQL too
# (measured: each statement's shape, over the PostgreSQL run): SQLite only (`one_database`).
pytestmark = pytest.mark.one_database

ACRONYM = re.compile(r"^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$")
SLUG = re.compile(r"^[a-z0-9_-]+[a-z0-9]$")
DURATION = re.compile(r"^[0-9]+:[0-9]{2}$")
ZONE = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
EVENT_KEYS = {
    "id",
    "guid",
    "logo",
    "date",
    "start",
    "duration",
    "room",
    "slug",
    "url",
    "title",
    "subtitle",
    "track",
    "type",
    "language",
    "abstract",
    "description",
    "recording_license",
    "do_not_record",
    "do_not_stream",
    "persons",
    "links",
    "attachments",
    "answers",
}
EVENT_REQUIRED = {
    "abstract",
    "date",
    "duration",
    "guid",
    "id",
    "language",
    "links",
    "persons",
    "room",
    "slug",
    "start",
    "subtitle",
    "title",
    "track",
    "type",
    "url",
}
CONFERENCE_KEYS = {
    "acronym",
    "title",
    "description",
    "start",
    "end",
    "daysCount",
    "timeslot_duration",
    "time_zone_name",
    "logo",
    "colors",
    "keywords",
    "url",
    "tracks",
    "rooms",
    "meta",
    "days",
}


def published_meeting(client) -> tuple[int, dict]:
    """A published meeting of SLOTS and a cancelled slot: its id, and the cancelled slot."""
    meeting = client.post("/api/v1/meetings", json=MEETING).get_json()
    for slot in SLOTS:
        client.post(f"/api/v1/meetings/{meeting['id']}/slots", json=slot)
    cancelled = client.post(
        f"/api/v1/meetings/{meeting['id']}/slots",
        json={"title": "Dropped", "duration_minutes": 10, "status": "cancelled"},
    ).get_json()
    assert draft_is_hidden(client, meeting["id"])
    publish_as_planned(client, meeting["id"])
    return meeting["id"], cancelled


@pytest.fixture
def schedule(colead_client, survey):
    meeting_id, cancelled = published_meeting(colead_client)
    response = colead_client.get(f"/meetings/{meeting_id}/schedule.json")
    assert response.status_code == 200 and response.is_json
    return response.get_json(), cancelled


def draft_is_hidden(client, meeting_id) -> bool:
    """Not found, said as JSON to the program that reads the file (helper-187: it was HTML);
    an address of no such file, a typo, is a person's 404 page (helper-189)."""
    answer = client.get(f"/meetings/{meeting_id}/schedule.json")
    typo = client.get("/offices.json")
    return (
        answer.status_code == 404
        and answer.is_json
        and answer.get_json()["status"] == 404
        and typo.status_code == 404
        and not typo.is_json
    )


def test_top_level(schedule):
    body, _ = schedule
    assert set(body) <= {"schedule", "$schema", "generator"}
    assert body["$schema"] == "https://c3voc.de/schedule/schema.json"
    assert {"conference", "version"} <= set(body["schedule"])
    assert "rooms" not in body["schedule"]


def test_conference(schedule):
    conference = schedule[0]["schedule"]["conference"]
    assert set(conference) <= CONFERENCE_KEYS
    assert {"title", "acronym", "days", "daysCount", "start", "end", "timeslot_duration"} <= set(
        conference
    )
    assert ACRONYM.match(conference["acronym"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", conference["end"])
    assert conference["start"] == "2026-12-08T12:00:00+01:00"
    assert ZONE.match(conference["time_zone_name"])
    assert conference["daysCount"] == len(conference["days"]) == 1
    for room in conference["rooms"]:
        assert set(room) <= {"name", "guid", "description", "capacity"}
        uuid.UUID(room["guid"])


def test_days_and_events(schedule):
    body, cancelled = schedule
    day = body["schedule"]["conference"]["days"][0]
    assert set(day) == {"index", "date", "day_start", "day_end", "rooms"}
    events = day["rooms"]["Video call"]
    assert [e["title"] for e in events] == [s["title"] for s in SLOTS]  # the cancelled one is out
    assert cancelled["id"] not in {e["id"] for e in events}
    for event in events:
        assert set(event) <= EVENT_KEYS and set(event) >= EVENT_REQUIRED
        assert isinstance(event["id"], int) and event["id"] >= 1
        uuid.UUID(event["guid"])
        assert SLUG.match(event["slug"])
        assert DURATION.match(event["duration"])
        for person in event["persons"]:
            # A person is either frab-style (public_name and id) or pretalx-style (name).
            assert "name" in person and not {"public_name", "id"} <= set(person)
    talk = events[1]
    assert (talk["date"], talk["start"], talk["duration"]) == (
        "2026-12-08T12:10:00+01:00",
        "12:10",
        "00:20",
    )
    assert talk["persons"][0]["name"] == "IP Australia"
    assert talk["track"] == "Rec 10"


def test_guids_follow_the_calendar_uids(schedule, app_context):
    from planner.agenda.models import Slot

    body, _ = schedule
    events = body["schedule"]["conference"]["days"][0]["rooms"]["Video call"]
    for event in events:
        slot = db.session.get(Slot, event["id"])
        assert slot.uid.startswith(event["guid"])


@pytest.mark.parametrize(
    ("start", "minutes", "days"),
    [
        ("2026-12-08T22:30:00+01:00", 90, ["2026-12-08"]),  # ends at midnight: one day
        ("2026-12-08T23:00:00+01:00", 90, ["2026-12-08", "2026-12-09"]),
    ],
)
def test_days_end_where_the_meeting_ends(colead_client, survey, start, minutes, days):
    meeting = colead_client.post(
        "/api/v1/meetings", json={**MEETING, "starts_at": start, "duration_minutes": minutes}
    ).get_json()
    colead_client.post(
        f"/api/v1/meetings/{meeting['id']}/slots", json={"title": "Talk", "duration_minutes": 30}
    )
    assert publish_as_planned(colead_client, meeting["id"]).status_code == 200
    conference = colead_client.get(f"/meetings/{meeting['id']}/schedule.json").get_json()[
        "schedule"
    ]["conference"]
    assert [d["date"] for d in conference["days"]] == days
    assert conference["daysCount"] == len(days) and conference["end"] == days[-1]
    assert conference["days"][0]["day_start"] == start
    if len(days) > 1:
        assert conference["days"][1]["day_start"] == f"{days[1]}T00:00:00+01:00"


def test_a_method_the_schedule_does_not_take_is_refused_in_json(colead_client, client, survey):
    """A program that POSTs (or PUTs) to the file reads why, as from the API (helper-277: an
    HTML page); an address of no such file is still a person's 404 page."""
    meeting_id, _ = published_meeting(colead_client)
    for method in ("post", "put", "delete"):
        answer = getattr(client, method)(f"/meetings/{meeting_id}/schedule.json")
        assert answer.status_code == 405 and answer.is_json
        assert answer.get_json()["allowed"] == ["GET"]
        assert answer.get_json()["message"] == (
            f"This address does not take a {method.upper()}; it takes GET."
        )
        assert "GET" in answer.headers["Allow"]
    assert not client.post("/offices.json").is_json


@pytest.mark.settle
def test_an_unchanged_schedule_is_not_sent_again(colead_client, client, survey):
    meeting_id, _ = published_meeting(colead_client)
    url = f"/meetings/{meeting_id}/schedule.json"
    first = client.get(url)
    assert first.status_code == 200 and first.is_json
    assert not first.headers["ETag"].startswith("W/")
    assert conditional(client, url, first) == (304, 304)
    colead_client.patch(f"/api/v1/meetings/{meeting_id}", json={"title": "Renamed"})
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert again.headers["ETag"] != first.headers["ETag"]
    assert again.headers["Last-Modified"] != first.headers["Last-Modified"]
    assert again.get_json()["schedule"]["conference"]["title"] == "Renamed"
    assert conditional(client, url, again) == (304, 304)


def test_the_version_follows_the_content(colead_client, client, survey):
    meeting_id, _ = published_meeting(colead_client)
    url = f"/meetings/{meeting_id}/schedule.json"

    def version() -> str:
        return client.get(url).get_json()["schedule"]["version"]

    first = version()
    assert version() == first
    talk = colead_client.get(f"/api/v1/meetings/{meeting_id}").get_json()["slots"][1]
    # A new title is no change of time, so no slot's SEQUENCE moves; the schedule still differs.
    colead_client.patch(f"/api/v1/slots/{talk['id']}", json={"title": "Retitled"})
    retitled = version()
    assert retitled != first
    colead_client.post(
        f"/api/v1/meetings/{meeting_id}/slots", json={"title": "Added", "duration_minutes": 10}
    )
    assert version() not in (first, retitled)


def test_cancelled_talks_are_left_out_by_the_schedule_itself():
    start = datetime(2026, 12, 8, 11, tzinfo=UTC)
    info = ScheduleInfo(
        id=1,
        title="Workshop",
        description="",
        time_zone="Europe/Zurich",
        start=start,
        end=start + timedelta(hours=1),
        url="https://planner.example/meetings/1",
        base_url="https://planner.example/",
    )
    talk = TalkInfo(
        id=7,
        uid="talk-7@cws-ict-planner",
        title="Talk",
        kind="presentation",
        start=info.start,
        minutes=20,
        abstract="",
        presenter=None,
        track=None,
        url=info.url,
    )
    shown = frab_schedule(info, [talk], "1")
    dropped = frab_schedule(info, [replace(talk, cancelled=True)], "1")
    events = [d["rooms"]["Video call"] for d in shown["schedule"]["conference"]["days"]]
    assert [[e["id"] for e in day] for day in events] == [[7]]
    gone = [d["rooms"]["Video call"] for d in dropped["schedule"]["conference"]["days"]]
    assert gone == [[]]
    assert dropped["schedule"]["version"] != shown["schedule"]["version"]


def test_a_cancelled_meeting_s_schedule_says_so_and_has_no_talks(colead_client, client, survey):
    """helper-70: its page linked the schedule, which answered 404; an app that had fetched it
    kept every talk. Now it answers, its title saying the meeting is cancelled, no talk in it."""
    meeting_id, _ = published_meeting(colead_client)
    url = f"/meetings/{meeting_id}/schedule.json"
    before = client.get(url)
    gone = colead_client.patch(f"/api/v1/meetings/{meeting_id}", json={"status": "cancelled"})
    assert gone.status_code == 200
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    conference = after.get_json()["schedule"]["conference"]
    assert conference["title"] == f"{MEETING['title']} (cancelled)"
    assert all(not day["rooms"].get("Video call") for day in conference["days"])
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert url in page


def test_the_meeting_page_says_what_the_schedule_is_for(colead_client, survey):
    """helper-201: "Schedule for conference apps (frab JSON)" named a format, not a use."""
    meeting_id, _ = published_meeting(colead_client)
    page = colead_client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert f'href="/meetings/{meeting_id}/schedule.json" aria-describedby="schedule-hint">' in page
    assert "Agenda for conference apps</a>" in page and "frab" not in page
    assert (
        '<p class="hint" id="schedule-hint">For phone apps that show a conference programme, '
        "such as Giggity: give the app this link to carry this agenda with you.</p>" in page
    )


def _listed(body: dict) -> dict:
    """Every material of a schedule by where it is: "meeting", or the talk's title with "links"
    or "attachments"."""
    conference = body["schedule"]["conference"]
    found = {"meeting": conference["meta"]["materials"]}
    for event in conference["days"][0]["rooms"]["Video call"]:
        found[(event["title"], "links")] = event["links"]
        found[(event["title"], "attachments")] = event["attachments"]
    return {where: shown for where, shown in found.items() if shown}


@pytest.mark.settle
def test_the_schedule_lists_the_materials_the_api_gives_and_revalidates_with_them(
    app, colead_client, client, clock
):
    """helper-306: WIPO's web team reads a meeting's schedule.json, which listed none of the
    slides and links its page and the read API show anyone. They come as the API gives them
    (`material_json`, chosen by `public_by_slot`), in frab's places: a talk's links and, files,
    its attachments, the meeting's own in the conference's `meta`. Added or removed, the
    schedule's ETag and Last-Modified move: a nightly job revalidating either way is sent the
    new list, not a 304 for the old one (its cached body was kept under the agenda's state,
    which a material does not change)."""
    meeting = _meeting(colead_client, {**FUTURE, "materials_public": "now"})
    url = f"/meetings/{meeting.id}/schedule.json"
    first = client.get(url)
    assert _listed(first.get_json()) == {}
    assert conditional(client, url, first) == (304, 304)

    clock.sleep(1)
    assert colead_upload(colead_client, meeting.slots[0], "slides.pdf", PDF).status_code == 302
    demo = {"url": "https://example.org/demo", "kind": "other"}
    assert colead_upload(colead_client, meeting.slots[0], **demo).status_code == 302
    add_link(meeting, "https://example.org/recording", "recording", "co-lead lead@example.org")
    db.session.commit()
    added = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert added.status_code == 200 and added.headers["ETag"] != first.headers["ETag"]
    assert added.headers["Last-Modified"] != first.headers["Last-Modified"]
    since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 200 and since.data == added.data
    assert conditional(client, url, added) == (304, 304)

    listed = _listed(added.get_json())
    api = client.get(f"/api/v1/meetings/{meeting.id}").get_json()
    (recording,) = api["materials"]
    slides, link = api["slots"][0]["materials"]
    assert listed == {
        "meeting": [{**recording, "title": recording["name"]}],
        ("AI search", "links"): [{**link, "title": link["name"]}],
        ("AI search", "attachments"): [{**slides, "title": "slides.pdf"}],
    }
    assert slides["url"] == f"http://localhost/materials/{slides['id']}/slides.pdf"

    clock.sleep(1)
    token = csrf_token(colead_client, f"/slots/{meeting.slots[0].id}/edit")
    removing = {"csrf_token": token, "confirmed": "yes"}
    gone = colead_client.post(f"/materials/{slides['id']}/remove", data=removing)
    assert gone.status_code == 302
    db.session.expire_all()
    removed = client.get(url, headers={"If-None-Match": added.headers["ETag"]})
    assert removed.status_code == 200
    assert ("AI search", "attachments") not in _listed(removed.get_json())
    assert removed.headers["Last-Modified"] != added.headers["Last-Modified"]
    assert conditional(client, url, removed) == (304, 304)


def test_the_schedule_lists_only_what_the_meeting_s_page_shows_anyone(colead_client, client):
    """Slides of a meeting whose materials are public once it ended are not listed before, as
    on its page, nor those of a talk cancelled; after its end they are, and its Last-Modified
    is its end at least (nothing in the database changed then)."""
    meeting = _meeting(colead_client, FUTURE, talks=(TALK, {**TALK, "title": "Dropped"}))
    kept, dropped = meeting.slots
    assert colead_upload(colead_client, kept, "slides.pdf", PDF).status_code == 302
    assert colead_upload(colead_client, dropped, "other.pdf", PDF).status_code == 302
    colead_client.patch(f"/api/v1/slots/{dropped.id}", json={"status": "cancelled"})
    db.session.commit()
    url = f"/meetings/{meeting.id}/schedule.json"
    assert _listed(client.get(url).get_json()) == {}
    with time_machine.travel(meeting.ends_at + timedelta(hours=1), tick=False):
        after = client.get(url)
    (slides,) = _listed(after.get_json())[("AI search", "attachments")]
    assert slides["name"] == "slides.pdf" and "other.pdf" not in after.get_data(as_text=True)
    assert after.last_modified >= meeting.ends_at.replace(microsecond=0)


@pytest.mark.settle
def test_an_earlier_presenter_s_slides_leave_the_schedule_with_them(
    app, colead_client, client, clock
):
    """helper-310: someone else invited to present a slot, at the same address (an office's
    shared mailbox) or with none, is no change of the slot; their predecessor's slides left its
    page and the read API (`_of_the_talk`) but stayed in the cached schedule.json, its ETag and
    Last-Modified unmoved, until any other change of the agenda."""
    meeting = _meeting(colead_client, {**FUTURE, "materials_public": "now"})
    (slot,) = meeting.slots
    mailbox = "cws@ipaustralia.example"
    _, token = invite(slot, name="Rosa Diaz", email=mailbox, time_zone=None, by="co-lead")
    db.session.commit()
    presenter = app.test_client(use_cookies=False)
    assert presenter_upload(presenter, token, "rosa.pdf", PDF).status_code == 302
    url = f"/meetings/{meeting.id}/schedule.json"
    clock.sleep(1)
    first = client.get(url)
    assert _listed(first.get_json())[("AI search", "attachments")][0]["name"] == "rosa.pdf"

    clock.sleep(1)
    invite(slot, name="Ben Ortiz", email=mailbox, time_zone=None, by="co-lead")
    db.session.commit()
    assert client.get(f"/api/v1/meetings/{meeting.id}").get_json()["slots"][0]["materials"] == []
    after = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and _listed(after.get_json()) == {}
    assert after.headers["Last-Modified"] != first.headers["Last-Modified"]
    assert conditional(client, url, after) == (304, 304)


def test_a_presenter_s_slides_refuse_no_co_lead_s_save(app, colead_client):
    """Slides a presenter adds while a co-lead has the meeting and the slot open date the
    schedule (`materials_changed`) without a new version of either: the co-lead's saves, with
    the versions read before (the API's If-Match, the slot's page form), are not refused as
    made over someone else's change."""
    meeting = _meeting(colead_client, {**FUTURE, "materials_public": "now"})
    (slot,) = meeting.slots
    token = _presenter(slot)
    slot_form = form_of(colead_client, f"/slots/{slot.id}/edit")
    read = colead_client.get(f"/api/v1/meetings/{meeting.id}")
    presenter = app.test_client(use_cookies=False)
    assert presenter_upload(presenter, token, "talk.pdf", PDF).status_code == 302
    # Dated by the upload itself (as read from the database; inviting dates nothing now).
    db.session.expire(meeting)
    assert meeting.materials_changed_at is not None
    patched = colead_client.patch(
        f"/api/v1/meetings/{meeting.id}",
        json={"description": "Agenda to follow."},
        headers={"If-Match": read.headers["ETag"]},
    )
    assert patched.status_code == 200, patched.get_json()
    saved = colead_client.post(f"/slots/{slot.id}/edit", data={**slot_form, "title": "Renamed"})
    assert saved.status_code == 302, saved.get_data(as_text=True)


@pytest.mark.settle
def test_a_presenter_s_name_spelt_right_keeps_their_slides(app, colead_client, client, clock):
    """helper-313: Elise added her slides; the co-lead invited her again at her address with her
    name spelt right, "Élise Dupont", and her slides left the public agenda, the read API and
    schedule.json: hers were those added by "presenter Elise Dupont" to the letter. The same
    name (`same_name`) is the same person's, and the schedule, unchanged, keeps its ETag and
    Last-Modified; someone else named at the same address is another's (the test above)."""
    meeting = _meeting(colead_client, {**FUTURE, "materials_public": "now"})
    (slot,) = meeting.slots
    _, token = invite(slot, name="Elise Dupont", email="e@example.org", time_zone=None, by="x")
    db.session.commit()
    presenter = app.test_client(use_cookies=False)
    assert presenter_upload(presenter, token, "elise.pdf", PDF).status_code == 302
    url, api = f"/meetings/{meeting.id}/schedule.json", f"/api/v1/meetings/{meeting.id}"
    clock.sleep(1)
    first = client.get(url)
    assert _listed(first.get_json())[("AI search", "attachments")][0]["name"] == "elise.pdf"
    dated = db.session.get(Meeting, meeting.id).materials_changed_at

    clock.sleep(1)
    _, token = invite(slot, name=" Élise  DUPONT", email="e@example.org", time_zone=None, by="x")
    db.session.commit()
    assert "elise.pdf" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    (slides,) = client.get(api).get_json()["slots"][0]["materials"]
    assert slides["name"] == "elise.pdf"
    after = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 304
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).materials_changed_at == dated
    # Her page still says they are hers.
    page = presenter.get(f"/presenter/{token}").get_data(as_text=True)
    assert "added by you on " in page[page.index("elise.pdf") :][:400]
