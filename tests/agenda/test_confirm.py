"""Destructive actions ask first, on a page of their own (no script needed) that says what will
be sent or changed; the editor's buttons lead there, and the action is only taken on POST."""

import html
import re

import pytest
from sqlalchemy import func, select

from planner.agenda.models import Meeting, MeetingStatus, SlotStatus
from planner.extensions import db
from planner.presenters.operations import invite
from tests.support import hidden_fields, publish_as_planned

# Every statement these tests send to the database, other tests send on PostgreSQL too
# (measured: each statement's shape, over the PostgreSQL run): SQLite only (`one_database`).
pytestmark = pytest.mark.one_database

MEETING = {
    "title": "Rec 10 workshop",
    "starts_at": "2030-03-12T12:00:00+01:00",
    "duration_minutes": 60,
    "time_zone": "Europe/Zurich",
}


@pytest.fixture
def meeting(colead_client, survey):
    body = colead_client.post("/api/v1/meetings", json=MEETING).get_json()
    for title in ("AI search", "Open data"):
        slot = {"title": title, "office": "AU", "recommendations": [10], "duration_minutes": 20}
        made = colead_client.post(f"/api/v1/meetings/{body['id']}/slots", json=slot)
        assert made.status_code == 201
    return db.session.get(Meeting, body["id"])


def _links(page: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', page)


def test_cancelling_a_published_slot_asks_first_and_says_what_it_sends(colead_client, meeting):
    slot = meeting.slots[0]
    invite(slot, name="Alex", email="alex@ip.example", time_zone=None, by="co-lead")
    db.session.commit()
    assert publish_as_planned(colead_client, meeting.id).status_code == 200
    editor = colead_client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert f"/slots/{slot.id}/delete" in _links(editor)  # a link to the question, not a form
    assert f'action="/slots/{slot.id}/delete"' not in editor

    asked = colead_client.get(f"/slots/{slot.id}/delete")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Cancel “AI search”?" in page
    assert "Subscribers&#39; calendars show it cancelled" in page
    assert "Alex, invited to present it, gets a cancellation email" in page
    db.session.refresh(slot)
    assert slot.status != SlotStatus.cancelled  # asking changed nothing

    asked = f"/slots/{slot.id}/delete"
    sent = colead_client.post(asked, data=hidden_fields(colead_client, asked))
    assert sent.status_code == 302
    # Its row stays, cancelled: back to it, as from the slot's other pages (helper-189).
    assert sent.headers["Location"] == f"/meetings/{meeting.id}/edit#slot-{slot.id}"
    db.session.refresh(slot)
    assert slot.status == SlotStatus.cancelled
    editor = colead_client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert f"/slots/{slot.id}/delete" not in editor  # a cancelled row offers no "Cancel"
    assert f"/slots/{meeting.slots[1].id}/delete" in editor
    again = colead_client.get(f"/slots/{slot.id}/delete")
    assert again.status_code == 302  # already cancelled: back to the editor


def test_deleting_a_draft_slot_and_the_draft_ask_first(colead_client, meeting):
    asked = colead_client.get(f"/slots/{meeting.slots[0].id}/delete").get_data(as_text=True)
    assert "Delete “AI search”?" in asked and "never published" in asked
    editor = colead_client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert f"/meetings/{meeting.id}/delete" in _links(editor)
    asked = colead_client.get(f"/meetings/{meeting.id}/delete").get_data(as_text=True)
    assert "Delete the draft “Rec 10 workshop”?" in asked and "2 slots" in asked
    assert db.session.get(Meeting, meeting.id) is not None


def test_cancelling_a_published_meeting_asks_first(colead_client, meeting):
    assert publish_as_planned(colead_client, meeting.id).status_code == 200
    asked = colead_client.get(f"/meetings/{meeting.id}/delete").get_data(as_text=True)
    assert "Cancel “Rec 10 workshop”?" in asked and "every slot cancelled" in asked
    asked = f"/meetings/{meeting.id}/delete"
    colead_client.post(asked, data=hidden_fields(colead_client, asked))
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.cancelled
    editor = colead_client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert f"/meetings/{meeting.id}/delete" not in editor


def test_a_deletion_asked_before_someone_else_saved_is_asked_again(colead_client, meeting):
    """Two co-leads: one opens "Delete", the other saves the draft meanwhile. The deletion is
    not carried out on what the first never saw: the page asks again (409), and then it goes."""
    slot = meeting.slots[0]
    for asked, changed, title in (
        (f"/slots/{slot.id}/delete", f"/api/v1/slots/{slot.id}", "AI search, renamed"),
        (f"/meetings/{meeting.id}/delete", f"/api/v1/meetings/{meeting.id}", "Renamed workshop"),
    ):
        form = hidden_fields(colead_client, asked)
        assert "version" in form
        # A form that says nothing of what it was asked on is asked again too.
        unsaid = colead_client.post(asked, data={"csrf_token": form["csrf_token"]})
        assert unsaid.status_code == 409
        assert colead_client.patch(changed, json={"title": title}).status_code == 200
        stale = colead_client.post(asked, data=form)
        assert stale.status_code == 409
        page = html.unescape(stale.get_data(as_text=True))
        assert "changed since you opened the page" in page and title in page
        again = colead_client.post(asked, data=hidden_fields(colead_client, asked))
        assert again.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0  # a draft: gone


def test_cancelling_a_meeting_asks_again_when_a_slot_changed_meanwhile(colead_client, meeting):
    """The page counts the presenters the cancellation goes to: a presenter invited to one of
    its slots meanwhile (the meeting's own row unchanged) makes it ask again."""
    assert publish_as_planned(colead_client, meeting.id).status_code == 200
    asked = f"/meetings/{meeting.id}/delete"
    form = hidden_fields(colead_client, asked)
    invite(meeting.slots[1], name="Bruno", email="bruno@example.org", time_zone=None, by="x")
    db.session.commit()
    stale = colead_client.post(asked, data=form)
    assert stale.status_code == 409
    assert "The 1 invited presenter" in html.unescape(stale.text)
    assert colead_client.post(asked, data=hidden_fields(colead_client, asked)).status_code == 302
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.cancelled


def test_revoking_a_presenter_link_asks_first(colead_client, meeting):
    slot = meeting.slots[0]
    invite(slot, name="Alex", email=None, time_zone=None, by="co-lead")
    db.session.commit()
    editor = colead_client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert f"/slots/{slot.id}/invitation/revoke" in _links(editor)
    asked = colead_client.get(f"/slots/{slot.id}/invitation/revoke").get_data(as_text=True)
    assert "Revoke Alex&#39;s link" in asked and "stops working at once" in asked
    db.session.refresh(slot)
    assert slot.invitation.link_hash is not None


def test_revoking_an_office_feed_link_asks_first(colead_client, survey):
    office = colead_client.get("/offices/AU").get_data(as_text=True)
    assert "/offices/AU/feed/revoke" in _links(office)
    asked = colead_client.get("/offices/AU/feed/revoke").get_data(as_text=True)
    assert "stop receiving updates" in asked and 'action="/offices/AU/feed/revoke"' in asked


def test_a_delete_form_from_an_old_tab_never_deletes_a_newer_meeting_or_slot(
    colead_client, meeting
):
    """helper-73: on SQLite a new row took the id of the newest one deleted, and a second tab's
    "Delete" form (its id and a version any new row also has) deleted a colleague's new draft."""
    slot = meeting.slots[-1]
    slot_form = hidden_fields(colead_client, f"/slots/{slot.id}/delete")
    assert colead_client.post(f"/slots/{slot.id}/delete", data=slot_form).status_code == 302
    made = {"title": "New talk", "office": "PL", "recommendations": [10], "duration_minutes": 20}
    new_slot = colead_client.post(f"/api/v1/meetings/{meeting.id}/slots", json=made).get_json()
    assert new_slot["id"] != slot.id
    assert colead_client.post(f"/slots/{slot.id}/delete", data=slot_form).status_code == 404

    old = meeting.id
    form = hidden_fields(colead_client, f"/meetings/{old}/delete")
    assert colead_client.post(f"/meetings/{old}/delete", data=form).status_code == 302
    newer = colead_client.post("/api/v1/meetings", json={**MEETING, "title": "Colleague's"})
    assert newer.status_code == 201 and newer.get_json()["id"] != old
    assert colead_client.post(f"/meetings/{old}/delete", data=form).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1
