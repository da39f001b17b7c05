"""A cancelled meeting brought back as it was (helper-241): on its editor, asked first, and
through the API; its slots, UIDs and answers as they were, its SEQUENCE raised."""

import html
import re
from datetime import UTC, datetime

import time_machine

from planner.agenda.models import Meeting
from planner.extensions import db
from tests.agenda.test_copy_meeting import volunteered_talk
from tests.agenda.test_meetings import before_it as before_it
from tests.agenda.test_meetings import meeting as meeting
from tests.support import form_in, hidden_fields, publish_as_planned, sign_in


def _cancelled(api, meeting: Meeting) -> dict:
    """The meeting published, one talk confirmed by hand and one cancelled, then cancelled."""
    url = f"/api/v1/meetings/{meeting.id}"
    assert publish_as_planned(api, meeting.id).status_code == 200
    talks = api.get(url).get_json()["slots"][1:]
    confirmed = api.patch(f"/api/v1/slots/{talks[0]['id']}", json={"status": "confirmed"})
    assert confirmed.status_code == 200
    dropped = api.patch(f"/api/v1/slots/{talks[1]['id']}", json={"status": "cancelled"})
    assert dropped.status_code == 200
    cancelled = api.patch(url, json={"status": "cancelled"})
    assert cancelled.status_code == 200
    return cancelled.get_json()


def test_a_cancelled_meeting_comes_back_as_it_was(before_it, api, meeting):
    """Cancelled by mistake the day before: "Bring back" publishes it again with the same
    slots, UIDs and statuses (a talk cancelled before the meeting stays cancelled), and a higher
    SEQUENCE for the meeting and every slot's event, so that calendars put it back."""
    before = _cancelled(api, meeting)
    url = f"/api/v1/meetings/{meeting.id}"
    back = api.post(f"{url}/reinstate")
    assert back.status_code == 200, back.get_json()
    after = back.get_json()
    assert after["status"] == "published" and after["uid"] == before["uid"]
    assert after["sequence"] == before["sequence"] + 1
    assert back.headers["ETag"] == f'"{after["version"]}"'
    assert [(s["uid"], s["starts_at"]) for s in after["slots"]] == [
        (s["uid"], s["starts_at"]) for s in before["slots"]
    ]
    assert {s["status"] for s in before["slots"]} == {"cancelled"}  # as its slots read then
    assert [s["status"] for s in after["slots"]] == ["proposed", "confirmed", "cancelled"]
    # Published again: it changes as any published meeting does, and is cancelled again.
    assert api.patch(url, json={"title": "Rec 10 workshop, on again"}).status_code == 200
    again = api.post(f"{url}/reinstate")
    assert again.status_code == 409
    assert again.get_json()["message"] == "It is not cancelled: there is nothing to bring back."
    assert api.patch(url, json={"status": "cancelled"}).status_code == 200


def test_bringing_back_is_refused_once_the_meeting_has_ended(api, meeting):
    """The Task Force un-cancels it too late: its time has passed (today is after 10 March
    2026). Nothing changes; the pages offer no button, and say to copy it as a new draft."""
    with time_machine.travel(datetime(2026, 2, 2, 9, tzinfo=UTC), tick=True):
        before = _cancelled(api, meeting)
    url = f"/api/v1/meetings/{meeting.id}"
    refused = api.post(f"{url}/reinstate")
    assert refused.status_code == 409
    assert "it cannot be brought back. Copy it as a new draft" in refused.get_json()["message"]
    editor = html.unescape(api.get(f"/meetings/{meeting.id}/edit").text)
    assert "Bring the meeting back" not in editor
    assert "It was cancelled, and its time has passed" in editor
    assert "Bring the meeting back" not in api.get(f"/meetings/{meeting.id}").text
    asked = api.get(f"/meetings/{meeting.id}/reinstate", follow_redirects=True)
    assert "Not brought back: The meeting's time has passed" in html.unescape(asked.text)
    assert api.get(url).get_json() == before


def test_a_stale_version_or_a_second_click_brings_nothing_back_twice(before_it, api, meeting):
    before = _cancelled(api, meeting)
    url = f"/api/v1/meetings/{meeting.id}"
    stale = api.post(f"{url}/reinstate", json={"version": before["version"] - 1})
    assert stale.status_code == 409 and stale.get_json()["current"]["status"] == "cancelled"
    tagged = api.post(f"{url}/reinstate", headers={"If-Match": '"1"'})
    assert tagged.status_code == 409
    extra = api.post(f"{url}/reinstate", json={"version": before["version"], "notify": False})
    assert extra.status_code == 400 and "notify" in extra.get_json()["fields"]
    assert api.get(url).get_json()["status"] == "cancelled"
    assert api.post(f"{url}/reinstate", json={"version": before["version"]}).status_code == 200


def test_cancelling_says_the_meeting_can_be_brought_back(before_it, api, meeting):
    """The page that asks before cancelling said "it cannot be brought back"."""
    assert publish_as_planned(api, meeting.id).status_code == 200
    asked = html.unescape(api.get(f"/meetings/{meeting.id}/delete").text)
    assert "cannot be brought back" not in asked
    assert "Until its time has passed, “Bring the meeting back…” on its editor" in asked


def test_the_editor_offers_to_bring_it_back_asks_first_and_says_who_is_told(
    before_it, api, meeting
):
    _cancelled(api, meeting)
    edit = f"/meetings/{meeting.id}/edit"
    editor = api.get(edit).text
    asked_at = f"/meetings/{meeting.id}/reinstate"
    assert f'href="{asked_at}"' in editor and "Bring the meeting back…" in editor
    assert f'href="{asked_at}"' in api.get(f"/meetings/{meeting.id}").text
    asked = html.unescape(api.get(asked_at).text)
    assert "Bring “Rec 10 workshop” back?" in asked
    assert "as it was when it was cancelled: on 10 March 2026 at 12:00 in Geneva (UTC+1)" in asked
    assert "“Poland on Autopatent”, cancelled before the meeting was, stays cancelled" in asked
    assert "No presenter holding a slot in it was sent its cancellation." in asked
    assert "No office contact is emailed" in asked and "taken back" not in asked
    assert "No mail server is configured" in asked
    form = hidden_fields(api, asked_at)
    # Someone renamed a slot meanwhile (here: changed it under the page's feet).
    db.session.get(Meeting, meeting.id).slots[1].abstract = "Changed meanwhile"
    db.session.commit()
    again = api.post(asked_at, data=form)
    assert again.status_code == 409
    assert "nothing was brought back" in html.unescape(again.text)
    assert api.get(f"/api/v1/meetings/{meeting.id}").get_json()["status"] == "cancelled"
    done = api.post(asked_at, data=hidden_fields(api, asked_at))
    assert done.status_code == 302 and done.headers["Location"] == f"/meetings/{meeting.id}"
    shown = html.unescape(api.get(done.headers["Location"]).text)
    assert "The meeting is back: published again as it was" in shown
    assert "Bring the meeting back" not in shown
    # A tab opened before, sent again: nothing happens twice.
    twice = api.post(asked_at, data=form, follow_redirects=True)
    assert "It was brought back already: nothing changed." in html.unescape(twice.text)


def test_a_talk_now_on_another_agenda_keeps_the_meeting_cancelled(before_it, api, client, meeting):
    """Once the meeting was cancelled, its volunteered talk was scheduled elsewhere: bringing
    it back would put it on two agendas, its presenter invited to both. Refused, naming it and
    what to do; nothing changes until it is cancelled there."""
    proposal = volunteered_talk(api, client, meeting)
    talk = {"title": "Governing AI trials", "proposal_id": proposal}
    before = _cancelled(api, meeting)
    other = api.post("/api/v1/meetings", json={"title": "Rec 10, take two"}).get_json()
    elsewhere = api.post(f"/api/v1/meetings/{other['id']}/slots", json=talk)
    assert elsewhere.status_code == 201, elsewhere.get_json()
    url = f"/api/v1/meetings/{meeting.id}"
    refused = api.post(f"{url}/reinstate")
    assert refused.status_code == 409
    assert refused.get_json()["message"] == (
        f"“Governing AI trials” (proposal {proposal}) is on the agenda of “Rec 10, take "
        "two” now: cancel it there first, or copy this meeting as a new draft without it."
    )
    asked = api.get(f"/meetings/{meeting.id}/reinstate", follow_redirects=True)
    assert "Not brought back: “Governing AI trials”" in html.unescape(asked.text)
    assert api.get(url).get_json() == before
    assert api.delete(f"/api/v1/slots/{elsewhere.get_json()['id']}").status_code in (200, 204)
    assert api.post(f"{url}/reinstate").status_code == 200


def test_the_meetings_list_the_volunteer_form_and_the_archive_follow_it_back(
    before_it, api, client, meeting
):
    """Brought back, it is listed as published again (not cancelled), offered on the volunteer
    form among the meetings to come, and once it has taken place its archive lists the talks
    given: the one confirmed, not the one cancelled before the meeting was."""

    def listed() -> str:
        found = re.search(
            rf'href="/meetings/{meeting.id}".*?</tr>', client.get("/meetings").text, re.S
        )
        assert found, "not listed"
        return found[0]

    _cancelled(api, meeting)
    assert "status-cancelled" in listed()
    assert "Rec 10 workshop" not in client.get("/volunteer").text
    assert api.post(f"/api/v1/meetings/{meeting.id}/reinstate").status_code == 200
    assert "status-published" in listed() and "status-cancelled" not in listed()
    assert "Rec 10 workshop" in client.get("/volunteer").text
    with time_machine.travel(datetime(2026, 3, 11, 9, tzinfo=UTC), tick=True):
        archive = client.get(f"/meetings/{meeting.id}/archive")
        assert archive.status_code == 200
        assert "IP Australia on governance" in archive.text
        assert "Poland on Autopatent" not in archive.text


def test_a_cancelled_meeting_s_editor_offers_only_what_can_be_done(before_it, api, meeting):
    """helper-250: a cancelled meeting's editor still offered its forms (move a slot, add one,
    edit, invite, cancel a slot, save the meeting, use a fair start), each answered 409 "The
    meeting is cancelled, so it no longer changes" once filled in and sent. It offers what can
    be done: bring it back, copy it, see its agenda and its slots, a presenter's link (to give
    again, or revoke), the participating offices; each form on it, sent as it is, is taken."""
    url = f"/api/v1/meetings/{meeting.id}"
    assert publish_as_planned(api, meeting.id).status_code == 200
    talk = api.get(url).get_json()["slots"][1]
    alex = {"name": "Alex Example", "email": "alex@ipaustralia.example"}
    assert api.post(f"/api/v1/slots/{talk['id']}/invite", json=alex).status_code == 201
    assert api.patch(url, json={"status": "cancelled"}).status_code == 200
    editor = api.get(f"/meetings/{meeting.id}/edit").text
    shown = html.unescape(editor)
    assert "Bring the meeting back…" in shown and "Copy as a new draft…" in shown
    assert f'href="/slots/{talk["id"]}/invited"' in editor  # "Presenter link"
    for refused in (
        f'href="/meetings/{meeting.id}/suggest"',
        f'href="/slots/{talk["id"]}/invite"',
        f'href="/slots/{talk["id"]}/delete"',
        f'action="/meetings/{meeting.id}/slots"',
        f'action="/meetings/{meeting.id}/edit"',
    ):
        assert refused not in editor, refused
    assert "Add a slot" not in shown and "Save the meeting" not in shown
    assert "find another presenter" not in shown and "no presenter invited yet" not in shown
    actions = set(re.findall(r'<form method="post" action="([^"]+)"', editor)) - {"/logout"}
    assert actions == {f"/meetings/{meeting.id}/offices"}
    for action in actions:
        sent = api.post(action, data=form_in(editor, f'action="{action}"'))
        assert sent.status_code == 302, (action, sent.status_code)
    # A slot's own page, linked from its row, says so too, and offers no form to save it.
    page = html.unescape(api.get(f"/slots/{talk['id']}/edit").text)
    assert "Save the slot" not in page and "Add to the slot" not in page
    assert "The meeting is cancelled, so its slots no longer change" in page


def test_a_cancelled_meeting_s_fair_start_times_offer_no_start_to_use(before_it, api, meeting):
    """helper-250 took "Suggest fair start times" off a cancelled meeting's editor, but its page
    still offered "Use this start" on every row, each refused once sent ("The meeting is
    cancelled, so it no longer changes"); and once its time had passed, the page said it "has
    taken place", from a test of its own (published once, and ended) that a cancelled meeting
    passes. It ranks to read, saying it is cancelled, before and after its time."""
    _cancelled(api, meeting)
    suggest = f"/meetings/{meeting.id}/suggest"
    for moment in (datetime(2026, 2, 3, 9, tzinfo=UTC), datetime(2026, 3, 17, 9, tzinfo=UTC)):
        with time_machine.travel(moment, tick=True):
            assert sign_in(api).status_code == 302
            page = html.unescape(api.get(suggest).text)
        assert "Rec 10 workshop is cancelled: its start stays as it was." in page, moment
        assert "Use this start" not in page and "has taken place" not in page, moment
