"""A meeting copied as a new draft (helper-241): a cancelled workshop held anew, on another
day, without typing its slots and presenters again; nothing sent until the co-leads invite and
publish."""

import html
import re
from datetime import UTC, datetime

import time_machine

from planner.agenda.models import Meeting, MeetingSeries, Slot
from planner.extensions import db
from planner.mail.models import OutboxMessage
from planner.proposals.models import Proposal
from tests.agenda.test_meetings import MEETING
from tests.agenda.test_meetings import before_it as before_it
from tests.agenda.test_meetings import meeting as meeting
from tests.support import VOLUNTEERED, ahead, form_in, hidden_fields, publish_as_planned


def volunteered_talk(api, client, meeting: Meeting) -> int:
    """An accepted proposal, scheduled in the meeting as its last talk. Its id."""
    sent = client.post("/api/v1/proposals", json={**VOLUNTEERED, "email": "eva@ipa.example"})
    assert sent.status_code == 201, sent.get_json()
    proposal = sent.get_json()
    decision = {"status": "accepted", "reason": "A fit.", "version": proposal["version"]}
    assert api.patch(f"/api/v1/proposals/{proposal['id']}", json=decision).status_code == 200
    talk = {"title": "Governing AI trials", "proposal_id": proposal["id"]}
    assert api.post(f"/api/v1/meetings/{meeting.id}/slots", json=talk).status_code == 201
    return proposal["id"]


def _invited_and_cancelled(api, meeting: Meeting) -> dict:
    """Published; AU's talk's presenter invited (in Spanish, in Lima's zone); PL's talk
    cancelled; then the meeting cancelled."""
    url = f"/api/v1/meetings/{meeting.id}"
    assert publish_as_planned(api, meeting.id).status_code == 200
    _, australia, poland, *_ = api.get(url).get_json()["slots"]
    presenter = {
        "name": "Alex Example",
        "email": "alex@ipaustralia.example",
        "time_zone": "America/Lima",
        "language": "es",
    }
    assert api.post(f"/api/v1/slots/{australia['id']}/invite", json=presenter).status_code == 201
    assert api.patch(f"/api/v1/slots/{poland['id']}", json={"status": "cancelled"}).status_code
    assert api.patch(url, json={"status": "cancelled"}).status_code == 200
    return api.get(url).get_json()


def test_a_cancelled_meeting_is_copied_as_a_new_draft_ready_to_invite_again(
    before_it, api, client, meeting
):
    proposal = volunteered_talk(api, client, meeting)
    before = _invited_and_cancelled(api, meeting)
    messages = db.session.query(OutboxMessage).count()
    asked_at = f"/meetings/{meeting.id}/copy"
    editor = api.get(f"/meetings/{meeting.id}/edit").text
    assert f'href="{asked_at}"' in editor and "Copy as a new draft…" in editor
    assert f'href="{asked_at}"' in api.get(f"/meetings/{meeting.id}").text
    asked = html.unescape(api.get(asked_at).text)
    assert "Copy “Rec 10 workshop” as a new draft?" in asked
    assert (
        "A new draft, “Rec 10 workshop”, on 10 March 2026 at 12:00 in Geneva (UTC+1) for now "
        "(set its day on its editor), with its 3 slots in order" in asked
    )
    assert "“Invite” on each talk is filled in with who was invited to it here: Alex " in asked
    assert "Not brought along: “Poland on Autopatent”, cancelled before the meeting was." in asked
    assert "“Rec 10 workshop” itself stays as it is, cancelled." in asked
    done = api.post(asked_at, data=hidden_fields(api, asked_at))
    assert done.status_code == 302
    copy_id = int(re.fullmatch(r"/meetings/(\d+)/edit", done.headers["Location"])[1])
    said = html.unescape(api.get(done.headers["Location"]).text)
    assert "Copied as a new draft from “Rec 10 workshop”" in said
    assert "to invite: Alex Example, as in the meeting copied" in said
    copy = api.get(f"/api/v1/meetings/{copy_id}").get_json()
    assert (copy["status"], copy["sequence"], copy["title"]) == ("draft", 0, before["title"])
    assert copy["uid"] != before["uid"] and copy["starts_at"] == before["starts_at"]
    kept = [s for s in before["slots"] if s["title"] != "Poland on Autopatent"]
    assert [(s["title"], s["kind"], s["starts_at"]) for s in copy["slots"]] == [
        (s["title"], s["kind"], s["starts_at"])
        for s in [kept[0], kept[1], {**kept[2], "starts_at": "2026-03-10T12:30:00+01:00"}]
    ]
    assert {s["uid"] for s in copy["slots"]}.isdisjoint({s["uid"] for s in before["slots"]})
    assert [s["status"] for s in copy["slots"]] == ["proposed", "proposed", "proposed"]
    assert copy["slots"][2]["proposal_id"] == proposal
    # Nothing was sent, nothing of the original changed: it is a draft, no one is invited.
    assert db.session.query(OutboxMessage).count() == messages
    assert api.get(f"/api/v1/meetings/{meeting.id}").get_json() == before
    feed = client.get("/feeds/taskforce-talks.ics").text
    assert before["slots"][1]["uid"] in feed  # the original, cancelled, as it was
    assert all(uid not in feed for uid in [copy["uid"], *(s["uid"] for s in copy["slots"])])
    # "Invite" on the copied talk is filled in with the one invited to it before, in their
    # zone and language; inviting sends them a new invitation.
    talk = copy["slots"][1]["id"]
    form = api.get(f"/slots/{talk}/invite").text
    assert 'value="Alex Example"' in form and 'value="alex@ipaustralia.example"' in form
    assert re.search(r'<option selected value="es">|<option value="es" selected', form)
    assert "Lima" in html.unescape(form)
    invited = api.post(f"/slots/{talk}/invite", data=form_in(form, 'name="email"'))
    assert invited.status_code == 302, invited.text
    (invitation,) = db.session.query(OutboxMessage).filter_by(slot_id=talk).all()
    assert invitation.kind == "invitation" and invitation.language == "es"
    assert invitation.recipient_email == "alex@ipaustralia.example"
    assert db.session.get(Slot, talk).copied_from_id == kept[1]["id"]


def test_a_copy_sent_twice_makes_no_twin_unless_asked_again(before_it, api, meeting):
    _invited_and_cancelled(api, meeting)
    asked_at = f"/meetings/{meeting.id}/copy"
    form = hidden_fields(api, asked_at)
    first = api.post(asked_at, data=form)
    assert first.status_code == 302
    again = api.post(asked_at, data=form)
    assert again.status_code == 409
    shown = html.unescape(again.text)
    assert "It was copied already less than a minute ago, as the draft “Rec 10 workshop”" in shown
    assert "nothing was copied this time" in shown and "Copy again anyway" in shown
    copies = db.session.query(Meeting).filter(Meeting.id != meeting.id).count()
    assert copies == 1
    anyway = api.post(asked_at, data=form_in(again.text))
    assert anyway.status_code == 302
    assert db.session.query(Meeting).filter(Meeting.id != meeting.id).count() == 2


def test_a_published_meeting_copied_keeps_its_talks_where_they_are(before_it, api, client, meeting):
    """Copied while it is still on (to plan a second session, say): its volunteered talk stays
    on its agenda, so the copy does not present that proposal (a proposal is on one agenda);
    the page says so, and that the original stays published."""
    proposal = volunteered_talk(api, client, meeting)
    assert publish_as_planned(api, meeting.id).status_code == 200
    asked = html.unescape(api.get(f"/meetings/{meeting.id}/copy").text)
    left = (
        f"Not brought along: the link of “Governing AI trials” to proposal {proposal}: it stays "
        "on the agenda of “Rec 10 workshop”."
    )
    assert left in asked
    assert "“Rec 10 workshop” itself stays as it is: cancel it if the draft replaces it." in asked
    made = api.post(f"/api/v1/meetings/{meeting.id}/copy")
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert made.headers["Location"] == f"/api/v1/meetings/{body['id']}"
    assert body["left_out"] == [left.removeprefix("Not brought along: ").removesuffix(".")]
    assert body["status"] == "draft" and body["slots"][-1]["proposal_id"] is None
    assert len(body["slots"]) == 4


def test_a_meeting_cancelled_and_over_is_copied_to_hold_it_another_day(api, meeting):
    """Un-cancelled a week too late: its time has passed. Copied, the draft keeps its day for
    now, and its editor says to set one to come before publishing."""
    with time_machine.travel(datetime(2026, 2, 2, 9, tzinfo=UTC), tick=True):
        frozen = {"freeze_on": "2026-03-03"}
        assert api.patch(f"/api/v1/meetings/{meeting.id}", json=frozen).status_code == 200
        _invited_and_cancelled(api, meeting)
    stale = api.post(f"/api/v1/meetings/{meeting.id}/copy", json={"version": 1})
    assert stale.status_code == 409
    asked = html.unescape(api.get(f"/meetings/{meeting.id}/copy").text)
    left = (
        "the programme freeze of 3 March 2026, which has passed (its presenters could have "
        "changed nothing): set one on its editor"
    )
    assert left in asked
    made = api.post(f"/api/v1/meetings/{meeting.id}/copy")
    assert made.status_code == 201
    # Kept, the copy would be frozen before its first presenter is invited: their page would
    # say "The programme was frozen on 3 March 2026", their invitation to edit until then.
    assert made.get_json()["freeze_on"] is None and left in made.get_json()["left_out"]
    editor = html.unescape(api.get(f"/meetings/{made.get_json()['id']}/edit").text)
    assert "Its date has passed: a meeting that has ended is not published." in editor
    later = {"starts_at": "2027-03-09T13:00:00+01:00"}
    moved = api.patch(f"/api/v1/meetings/{made.get_json()['id']}", json=later)
    assert moved.status_code == 200
    assert [s["starts_at"][:16] for s in moved.get_json()["slots"]] == [
        "2027-03-09T13:00",
        "2027-03-09T13:10",
    ]


def test_a_past_dated_copy_says_its_date_passed_not_that_it_took_place(api, meeting):
    """helper-254's slot and invite pages told of any meeting whose end has passed that "The
    meeting has taken place: no one is invited to it any more", also of the draft a workshop
    that took place is copied to (it keeps its day until one to come is set): a co-lead doing
    as the refusals advise ("To hold it again, copy it as a new draft") read that the copy took
    place. They now say its date has passed, and that its editor sets one to come."""
    assert publish_as_planned(api, meeting.id).status_code == 200
    made = api.post(f"/api/v1/meetings/{meeting.id}/copy")
    assert made.status_code == 201
    talk = made.get_json()["slots"][1]
    assert talk["kind"] == "presentation"
    said = "The meeting's date has passed: no one is invited to it until its editor sets a date"
    for url in (f"/slots/{talk['id']}/edit", f"/slots/{talk['id']}/invite"):
        page = html.unescape(re.sub(r"<[^>]+>", "", api.get(url).text))
        assert said in page, url
        assert "has taken place" not in page, url
    # The workshop itself took place, and says so.
    held = api.get(f"/api/v1/meetings/{meeting.id}").get_json()["slots"][1]["id"]
    page = html.unescape(api.get(f"/slots/{held}/edit").text)
    assert "The meeting has taken place: no one is invited to it any more." in page


def test_a_copy_fills_in_no_one_whose_talk_it_no_longer_is(before_it, api, client, meeting):
    """helper-250: "Invite" on a copied talk was filled in with whoever was invited to it, also
    once the co-leads had taken them off it (set back to proposed) or had set its proposal back
    to undecided, which the copy then left out: the editor said "to invite: ..., as in the
    meeting copied", for a talk no longer theirs to give."""
    proposal = volunteered_talk(api, client, meeting)
    url = f"/api/v1/meetings/{meeting.id}"
    assert publish_as_planned(api, meeting.id).status_code == 200
    _, australia, _, volunteered = api.get(url).get_json()["slots"]
    alex = {"name": "Alex Example", "email": "alex@ipaustralia.example"}
    sam = {"name": "Sam Colleague", "email": "sam@ipaustralia.example"}
    for slot, presenter in ((australia, alex), (volunteered, sam)):
        invited = api.post(f"/api/v1/slots/{slot['id']}/invite", json=presenter)
        assert invited.status_code == 201, invited.get_json()
    # Alex taken off their talk for now; the meeting cancelled, then the proposal undecided.
    taken_off = api.patch(f"/api/v1/slots/{australia['id']}", json={"status": "proposed"})
    assert taken_off.status_code == 200, taken_off.get_json()
    assert api.patch(url, json={"status": "cancelled"}).status_code == 200
    version = db.session.get(Proposal, proposal).version
    undecided = {"status": "submitted", "reason": "To weigh again.", "version": version}
    assert api.patch(f"/api/v1/proposals/{proposal}", json=undecided).status_code == 200
    asked = html.unescape(api.get(f"/meetings/{meeting.id}/copy").text)
    assert f"the link of “Governing AI trials” to proposal {proposal}: it is submitted" in asked
    assert "is filled in with who was invited" not in asked
    made = api.post(f"{url}/copy")
    assert made.status_code == 201, made.get_json()
    editor = html.unescape(api.get(f"/meetings/{made.get_json()['id']}/edit").text)
    assert "to invite:" not in editor
    for slot in made.get_json()["slots"][1:]:
        form = api.get(f"/slots/{slot['id']}/invite").text
        assert alex["email"] not in form and sam["email"] not in form, slot["title"]


def test_a_meeting_with_no_slot_copied_twice_makes_no_twin(api):
    """helper-250: a twin was found by its slots, copied from the meeting's: a meeting with none
    (a date held, its talks still to plan), its copy sent twice, made two drafts alike."""
    made = api.post("/api/v1/meetings", json={**MEETING, "title": "Held date"})
    assert made.status_code == 201
    asked_at = f"/meetings/{made.get_json()['id']}/copy"
    form = hidden_fields(api, asked_at)
    assert api.post(asked_at, data=form).status_code == 302
    again = api.post(asked_at, data=form)
    assert again.status_code == 409
    assert "It was copied already less than a minute ago, as the draft “Held date”" in (
        html.unescape(again.text)
    )
    assert db.session.query(Meeting).filter_by(title="Held date").count() == 2


def test_a_workshop_copied_for_its_second_session_stays_in_its_series(api, meeting):
    """helper-365: the Rec 5 workshop in two sessions, Sydney's hours and Lima's: the first put
    in a series, the second copied from it was in none, and its fair start times ignored the
    hours the first had already cost each office."""
    meeting.series = MeetingSeries(title="Rec 5 workshop, two sessions")
    db.session.commit()
    asked_at = f"/meetings/{meeting.id}/copy"
    asked = html.unescape(api.get(asked_at).text)
    assert "in its series “Rec 5 workshop, two sessions”, with its 3 slots" in asked
    done = api.post(asked_at, data=hidden_fields(api, asked_at))
    copy_id = int(re.fullmatch(r"/meetings/(\d+)/edit", done.headers["Location"])[1])
    copy = api.get(f"/api/v1/meetings/{copy_id}").get_json()
    assert copy["series"] == "Rec 5 workshop, two sessions"
    day = ahead("2026-03-10")
    fair = api.get(f"/api/v1/meetings/{copy_id}/suggest-times?offices=AU,PE&from={day}&to={day}")
    assert fair.get_json()["series"]["earlier_meetings"] == [meeting.id]
