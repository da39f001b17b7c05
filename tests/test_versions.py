"""Two co-leads editing the same meeting, slot, office, recommendation or proposal: a save based
on what someone else has changed since is refused with the current state, never silently lost,
through pages and the JSON API alike; racing saves are caught by the database."""

import html
import re
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from planner.agenda.models import Meeting, Slot
from planner.extensions import db
from planner.lineup.models import Lineup
from planner.offices.models import Office
from planner.proposals.models import Proposal
from planner.recommendations.models import Recommendation
from tests.support import (
    ahead,
    csrf_token,
    form_in,
    form_of,
    publish_as_planned,
    saved_first_by_someone_else,
)

MEETING = {"title": "Rec 10 workshop", "duration_minutes": 120, "time_zone": "Europe/Zurich"}
VOLUNTEERED = {
    "office": "JP",
    "title": "AI for classification",
    "abstract": "How we classify with AI.",
    "recommendations": "10",
    "duration_minutes": "20",
    "maturity": "pilot",
    "contact_name": "Aiko",
    "contact_email": "aiko@example.org",
}


def test_the_api_answers_with_a_version_and_an_etag(api, survey):
    created = api.post("/api/v1/meetings", json=MEETING)
    assert created.status_code == 201
    body = created.get_json()
    assert body["version"] == 1 and created.headers["ETag"] == '"1"'
    read = api.get(f"/api/v1/meetings/{body['id']}")
    assert read.headers["ETag"] == '"1"'
    changed = api.patch(
        f"/api/v1/meetings/{body['id']}", json={"title": "Renamed"}, headers={"If-Match": '"1"'}
    )
    assert changed.status_code == 200
    assert changed.get_json()["version"] == 2 and changed.headers["ETag"] == '"2"'
    # The weak form (a compressing proxy weakens ETags) and "*" match too.
    url = f"/api/v1/meetings/{body['id']}"
    weak = api.patch(url, json={"title": "Again"}, headers={"If-Match": 'W/"2"'})
    assert weak.status_code == 200 and weak.headers["ETag"] == '"3"'
    assert api.patch(url, json={"title": "Star"}, headers={"If-Match": "*"}).status_code == 200
    stale = api.patch(url, json={"title": "Late"}, headers={"If-Match": 'W/"2"'})
    assert stale.status_code == 409 and "you saw version 2" in stale.get_json()["message"]
    # Several old tags: the refusal names the newest the client had, whatever their order.
    for tags in ('"1", "3", "2"', '"2", "1", "3"', 'W/"3", "1"'):
        several = api.patch(url, json={"title": "Late"}, headers={"If-Match": tags})
        assert several.status_code == 409 and "you saw version 3" in several.get_json()["message"]
    # A tag this API never sends is a mistake, said as such.
    # An empty tag, strong or weak, is read as none at all (a 500, helper-301).
    for tag in ('"abc"', '"99999999999999999999"', "garbage", '""', 'W/""', 'W/"", "abc"'):
        wrong = api.patch(url, json={"title": "Late"}, headers={"If-Match": tag})
        assert wrong.status_code == 400, tag
        assert "If-Match must be the ETag this API sent" in wrong.get_json()["message"]


@pytest.mark.parametrize("how", ["if-match", "version"])
def test_a_stale_api_save_is_409_with_the_current_state(api, survey, how):
    meeting = api.post("/api/v1/meetings", json=MEETING).get_json()
    url = f"/api/v1/meetings/{meeting['id']}"
    # Co-lead B renames it; co-lead A, who read version 1, then changes the duration.
    assert api.patch(url, json={"title": "B's title", "version": 1}).status_code == 200
    stale = (
        api.patch(url, json={"duration_minutes": 90}, headers={"If-Match": '"1"'})
        if how == "if-match"
        else api.patch(url, json={"duration_minutes": 90, "version": 1})
    )
    assert stale.status_code == 409
    body = stale.get_json()
    assert "changed since you opened it" in body["message"]
    assert body["current"]["title"] == "B's title" and body["current"]["version"] == 2
    stored = db.session.get(Meeting, meeting["id"])
    db.session.refresh(stored)
    assert (stored.title, stored.duration_minutes) == ("B's title", 120)


def test_patches_without_a_version_change_only_their_own_fields(api, survey):
    meeting = api.post("/api/v1/meetings", json=MEETING).get_json()
    url = f"/api/v1/meetings/{meeting['id']}"
    assert api.patch(url, json={"title": "B's title"}).status_code == 200
    assert api.patch(url, json={"duration_minutes": 90}).status_code == 200
    body = api.get(url).get_json()
    assert (body["title"], body["duration_minutes"]) == ("B's title", 90)


def test_a_version_that_is_no_number_is_400(api, survey):
    meeting = api.post("/api/v1/meetings", json=MEETING).get_json()
    for bad in ("two", True, -1, 2**40, 1.5):
        answer = api.patch(f"/api/v1/meetings/{meeting['id']}", json={"version": bad})
        assert answer.status_code == 400, bad
        assert "version" in answer.get_json()["message"]


def test_stale_slot_delete_and_publish_are_refused(api, survey):
    meeting = api.post(
        "/api/v1/meetings", json={**MEETING, "starts_at": f"{ahead('2027-03-10')}T13:00:00+01:00"}
    ).get_json()
    slot = api.post(f"/api/v1/meetings/{meeting['id']}/slots", json={"title": "A talk"}).get_json()
    assert api.get(f"/api/v1/slots/{slot['id']}").headers["ETag"] == '"1"'
    assert api.patch(f"/api/v1/slots/{slot['id']}", json={"title": "Renamed"}).status_code == 200
    gone = api.delete(f"/api/v1/slots/{slot['id']}", headers={"If-Match": '"1"'})
    assert gone.status_code == 409 and gone.get_json()["current"]["title"] == "Renamed"
    assert db.session.get(Slot, slot["id"]) is not None
    current = api.get(f"/api/v1/meetings/{meeting['id']}").get_json()["version"]
    published = api.post(
        f"/api/v1/meetings/{meeting['id']}/publish", headers={"If-Match": f'"{current - 1}"'}
    )
    assert published.status_code == 409
    published = api.post(
        f"/api/v1/meetings/{meeting['id']}/publish", headers={"If-Match": f'"{current}"'}
    )
    assert published.status_code == 200 and published.get_json()["status"] == "published"


def test_a_stale_delete_sending_its_version_in_the_body_is_refused(api, survey):
    """README: a DELETE may send the version read as If-Match or as `{"version": 3}`; the body's
    was not read, and a meeting or slot someone had changed since went all the same."""
    meeting = api.post("/api/v1/meetings", json=MEETING).get_json()
    slot = api.post(f"/api/v1/meetings/{meeting['id']}/slots", json={"title": "A talk"}).get_json()
    assert api.patch(f"/api/v1/slots/{slot['id']}", json={"title": "Renamed"}).status_code == 200
    gone = api.delete(f"/api/v1/slots/{slot['id']}", json={"version": 1})
    assert gone.status_code == 409 and gone.get_json()["current"]["title"] == "Renamed"
    assert db.session.get(Slot, slot["id"]) is not None
    url = f"/api/v1/meetings/{meeting['id']}"
    assert api.patch(url, json={"title": "B's title"}).status_code == 200
    stale = api.delete(url, json={"version": 1})
    assert stale.status_code == 409 and stale.get_json()["current"]["title"] == "B's title"
    assert db.session.get(Meeting, meeting["id"]) is not None
    # Nothing else is an option of a deletion, and a body is a JSON object or nothing.
    for body in ({"version": 3, "force": True}, [3]):
        refused = api.delete(url, json=body)
        assert refused.status_code == 400, body
    current = api.get(url).get_json()["version"]
    slot_now = api.get(f"/api/v1/slots/{slot['id']}").get_json()["version"]
    assert api.delete(f"/api/v1/slots/{slot['id']}", json={"version": slot_now}).status_code == 200
    assert api.delete(url, json={"version": current + 1}).status_code == 409
    assert api.delete(url, json={"version": current}).get_json()["result"] == "deleted"


def test_two_coleads_on_the_meeting_form_and_the_api(api, other, survey):
    """A opens the edit page; B renames the meeting through the API; A saves the form (every
    field, with A's new description): refused, A's input still on the page, B's title kept.
    A, having looked, saves again: now it is on purpose."""
    meeting = api.post("/api/v1/meetings", json=MEETING).get_json()
    page = f"/meetings/{meeting['id']}/edit"
    fields = form_of(other, page)
    assert fields["version"] == ["1"]
    renamed = api.patch(f"/api/v1/meetings/{meeting['id']}", json={"title": "B's title"})
    assert renamed.status_code == 200
    fields["description"] = ["A's description of the workshop"]
    refused = other.post(page, data=fields)
    assert refused.status_code == 409
    text = html.unescape(refused.get_data(as_text=True))
    assert "Not saved" in text and "The meeting changed since you opened it" in text
    assert "Title is now “B's title”" in text
    assert "A's description of the workshop" in text  # the input is kept
    # Said at the top of the long page, with a way to the form.
    top = text.split('id="slots"')[0]
    assert "Your changes to the meeting were not saved" in top and 'href="#meeting-heading"' in top
    assert "<title>Not saved: " in text
    assert 'name="version" type="hidden" value="2"' in refused.get_data(as_text=True)
    stored = db.session.get(Meeting, meeting["id"])
    db.session.refresh(stored)
    assert (stored.title, stored.description) == ("B's title", "")
    # A adopts B's title and saves again, from the version the page now carries.
    fields.update(title=["B's title"], version=["2"])
    assert other.post(page, data=fields).status_code == 302
    db.session.refresh(stored)
    assert (stored.title, stored.description) == ("B's title", "A's description of the workshop")


def test_two_coleads_on_the_slot_form(api, other, survey):
    meeting = api.post("/api/v1/meetings", json=MEETING).get_json()
    slot = api.post(f"/api/v1/meetings/{meeting['id']}/slots", json={"title": "Talk"}).get_json()
    page = f"/slots/{slot['id']}/edit"
    fields = form_of(other, page)
    assert api.patch(f"/api/v1/slots/{slot['id']}", json={"duration_minutes": 30}).status_code
    fields["abstract"] = ["A's abstract"]
    refused = other.post(page, data=fields)
    assert refused.status_code == 409
    assert "Slot duration (minutes) is now “30”" in html.unescape(refused.get_data(as_text=True))
    stored = db.session.get(Slot, slot["id"])
    db.session.refresh(stored)
    assert (stored.duration_minutes, stored.abstract) == (30, "")


@pytest.mark.parametrize("theirs", ["zone", "zone and start"])
@pytest.mark.parametrize(
    ("mine", "meant", "utc"),
    [
        (
            {"start": ["14:00"]},
            "12 March 2030 at 14:00 in Geneva (UTC+1) is 12 March 2030 at 09:00",
            datetime(2030, 3, 12, 13, tzinfo=UTC),
        ),
        (
            {"day": ["2030-03-19"]},
            "19 March 2030 at 12:00 in Geneva (UTC+1) is 19 March 2030 at 07:00",
            datetime(2030, 3, 19, 11, tzinfo=UTC),
        ),
    ],
)
def test_a_start_typed_before_another_changed_the_home_zone_is_read_where_it_was_typed(
    api, other, survey, theirs, mine, meant, utc
):
    """helper-236: A opens the meeting's page (12:00 in Geneva) and moves it to 14:00, or a
    week later; B has meanwhile made the home zone New York on their page (moving it to 12:00
    there, or keeping the moment at 07:00). A's save is refused, and the form took B's zone in
    beside A's date and start (or B's start beside A's date), which saving again put hours from
    what A typed. The form now shows A's date and start on New York's clocks, and says so."""
    meeting = api.post(
        "/api/v1/meetings", json={**MEETING, "starts_at": "2030-03-12T12:00:00+01:00"}
    ).get_json()
    page = f"/meetings/{meeting['id']}/edit"
    opened = form_of(other, page)
    assert (opened["day"], opened["start"]) == (["2030-03-12"], ["12:00"])
    changed = {**form_of(api, page), "time_zone": ["America/New_York"]}
    if theirs == "zone and start":
        changed["start"] = ["07:00"]
    assert api.post(page, data=changed).status_code == 302
    refused = other.post(page, data={**opened, **mine})
    assert refused.status_code == 409
    said = html.unescape(refused.text)
    # The zone taken in is named as its field shows it, not by its id.
    assert "Home time zone is now “New York, United States”" in said
    assert (
        "Your date and start were typed in Geneva, the home zone your form had: "
        f"{meant} in New York (UTC−4), which the form now says." in said
    )
    again = form_in(refused.text)
    assert again["time_zone"] == ["New York, United States"]
    assert other.post(page, data=again).status_code == 302
    stored = db.session.get(Meeting, meeting["id"])
    db.session.refresh(stored)
    assert (stored.starts_at, stored.time_zone) == (utc, "America/New_York")


def test_a_start_taken_in_from_another_s_save_is_not_read_again(api, other, survey):
    """A start the refused form took in from the other co-lead's save (A changed the title
    only) stays theirs: B's zone and start, read where B typed them."""
    meeting = api.post(
        "/api/v1/meetings", json={**MEETING, "starts_at": "2030-03-12T12:00:00+01:00"}
    ).get_json()
    page = f"/meetings/{meeting['id']}/edit"
    mine = form_of(other, page)
    changed = {**form_of(api, page), "time_zone": ["America/New_York"], "start": ["07:00"]}
    assert api.post(page, data=changed).status_code == 302
    refused = other.post(page, data={**mine, "title": ["A's title"]})
    assert refused.status_code == 409
    assert "typed in Geneva" not in html.unescape(refused.text)
    again = form_in(refused.text)
    assert (again["start"], again["title"]) == (["07:00"], ["A's title"])
    assert other.post(page, data=again).status_code == 302
    stored = db.session.get(Meeting, meeting["id"])
    db.session.refresh(stored)
    assert stored.starts_at == datetime(2030, 3, 12, 11, tzinfo=UTC)


def test_a_refusal_for_a_change_the_form_does_not_show_says_so(api, other, survey):
    """helper-236: A opens the meeting's page; B swaps two of its slots (Up), which is a change
    of the meeting; A's save of its title was refused without naming any change, and A looked
    in vain at a form where nothing had. It says that none of its fields changed."""
    meeting = api.post("/api/v1/meetings", json=MEETING).get_json()
    for title in ("First", "Second"):
        made = api.post(f"/api/v1/meetings/{meeting['id']}/slots", json={"title": title})
    page = f"/meetings/{meeting['id']}/edit"
    mine = form_of(other, page)
    version = re.search(r'name="agenda_version" value="([^"]+)"', api.get(page).text)[1]
    moved = api.post(
        f"/slots/{made.get_json()['id']}/move",
        data={"csrf_token": csrf_token(api, page), "agenda_version": version, "direction": "up"},
    )
    assert moved.status_code == 302
    refused = other.post(page, data={**mine, "title": ["A's title"]})
    assert refused.status_code == 409
    said = html.unescape(refused.text)
    assert (
        "None of the fields here was changed meanwhile: the change was to something this form "
        "does not show. Nothing of yours is lost" in said
    )
    assert other.post(page, data=form_in(refused.text)).status_code == 302


def _pinned_in_geneva(api) -> tuple[dict, dict]:
    """A meeting at 12:00 in Geneva (11:00 UTC) with a 10-minute opening and a talk pinned to
    12:30 there."""
    meeting = api.post(
        "/api/v1/meetings", json={**MEETING, "starts_at": "2030-03-12T12:00:00+01:00"}
    ).get_json()
    opening = {"title": "Opening", "kind": "discussion", "duration_minutes": 10}
    assert api.post(f"/api/v1/meetings/{meeting['id']}/slots", json=opening).status_code == 201
    talk = {"title": "Talk", "office": "AU", "starts_at": "2030-03-12T12:30:00+01:00"}
    slot = api.post(f"/api/v1/meetings/{meeting['id']}/slots", json=talk).get_json()
    assert slot["pinned"]
    return meeting, slot


def _slot_start(slot_id: int) -> datetime:
    stored = db.session.get(Slot, slot_id)
    db.session.refresh(stored)
    return stored.starts_at


def test_a_slot_page_opened_before_the_home_zone_changed_reads_its_start_where_it_was_typed(
    api, other, survey
):
    """helper-236: A opens the talk's page ("pin it to a time in Geneva"); B makes the home zone
    New York, the meeting at the same moment. A's save of the abstract alone moved the talk pinned
    to 12:30 in Geneva to 12:30 in New York, six hours later (the meeting grew to end with it),
    and a start A typed was read in New York too, without a word. The page's start is read in
    the zone it showed, and a start A typed is said as both."""
    meeting, slot = _pinned_in_geneva(api)
    page = f"/slots/{slot['id']}/edit"
    opened = form_of(other, page)
    assert opened["start"] == ["12:30"]
    url = f"/api/v1/meetings/{meeting['id']}"
    assert api.patch(url, json={"time_zone": "America/New_York"}).status_code == 200

    saved = other.post(page, data={**opened, "abstract": ["Only the abstract."]})
    assert saved.status_code == 302
    assert _slot_start(slot["id"]) == datetime(2030, 3, 12, 11, 30, tzinfo=UTC)
    assert "The meeting's home time zone changed" not in other.get(saved.location).text
    assert api.get(url).get_json()["duration_minutes"] == 120

    # Another page opened before B's change (its version as now): A pins the talk at 12:40.
    again = {**form_of(other, page), "start_zone": ["Europe/Zurich"], "start": ["12:40"]}
    moved = other.post(page, data=again, follow_redirects=True)
    assert moved.status_code == 200
    assert _slot_start(slot["id"]) == datetime(2030, 3, 12, 11, 40, tzinfo=UTC)
    said = html.unescape(moved.text)
    assert (
        "The meeting's home time zone changed since this page was opened: it is now New York, "
        "not Geneva. The fixed start you typed, 12:40 in Geneva, is read as that moment: 07:40 "
        "in New York." in said
    )

    # The editor's new-slot form, opened before too: its start is Geneva's.
    edit = f"/meetings/{meeting['id']}/edit"
    new = form_in(other.get(edit).text, 'name="abstract"')
    assert new["start_zone"] == ["America/New_York"]
    new["start_zone"] = ["Europe/Zurich"]  # as a page opened before B's change sends it
    new.update(title=["Later talk"], start=["13:00"], duration_minutes=["20"])
    added = other.post(f"/meetings/{meeting['id']}/slots", data=new, follow_redirects=True)
    assert added.status_code == 200
    later = next(s for s in api.get(url).get_json()["slots"] if s["title"] == "Later talk")
    assert later["starts_at"] == "2030-03-12T08:00:00-04:00"
    assert "13:00 in Geneva, is read as that moment: 08:00 in New York." in html.unescape(
        added.text
    )


def test_a_start_the_clocks_skip_where_it_was_typed_is_refused_not_moved(api, other, survey):
    """helper-245: read in the zone its page showed, a start typed there was taken whatever the
    clocks did: 02:30 on the night Geneva's skip from 02:00 to 03:00 became 01:30 UTC, where the
    same time typed in the meeting's own zone is refused. It is refused so, nothing saved, the
    form kept."""
    meeting = api.post(
        "/api/v1/meetings", json={**MEETING, "starts_at": "2030-03-31T01:00:00+01:00"}
    ).get_json()
    talk = {"title": "Talk", "office": "AU", "duration_minutes": 20}
    slot = api.post(f"/api/v1/meetings/{meeting['id']}/slots", json=talk).get_json()
    page = f"/slots/{slot['id']}/edit"
    opened = form_of(other, page)
    assert opened["start_zone"] == ["Europe/Zurich"]
    url = f"/api/v1/meetings/{meeting['id']}"
    assert api.patch(url, json={"time_zone": "America/New_York"}).status_code == 200
    before = _slot_start(slot["id"])

    refused = other.post(page, data={**opened, "start": ["02:30"], "abstract": ["Kept."]})
    assert refused.status_code == 400
    said = html.unescape(refused.text)
    assert "does not exist in Europe/Zurich" in said and "Give the fixed start in New York" in said
    assert "Kept." in said
    assert _slot_start(slot["id"]) == before and not api.get(url).get_json()["slots"][0]["pinned"]


def test_a_slot_deleted_while_another_co_lead_edits_it_comes_back_to_add_again(api, other, survey):
    """helper-179: A opens a draft's slot to write its abstract; B deletes the slot; A's save
    answered a bare 404 "There is no slot 2." and the abstract was gone. It comes back on the
    meeting's page as a new slot, as typed, to add again or leave."""
    meeting = api.post("/api/v1/meetings", json=MEETING).get_json()
    slot = api.post(f"/api/v1/meetings/{meeting['id']}/slots", json={"title": "Talk"}).get_json()
    page = f"/slots/{slot['id']}/edit"
    fields = form_of(other, page)
    assert api.delete(f"/api/v1/slots/{slot['id']}").status_code == 200
    fields["abstract"] = ["What A typed after the delete"]
    refused = other.post(page, data=fields)
    text = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 409
    assert "This slot was deleted since you opened its page" in text
    assert "What A typed after the delete" in text and 'value="Talk"' in text
    again = form_in(refused.get_data(as_text=True), 'name="abstract"')
    added = other.post(f"/meetings/{meeting['id']}/slots", data=again)
    assert added.status_code == 302, added.get_data(as_text=True)
    (stored,) = db.session.scalars(select(Slot)).all()
    assert (stored.title, stored.abstract) == ("Talk", "What A typed after the delete")
    # Its page is not found; a form naming no meeting is not found either.
    assert other.get(page).status_code == 404
    bare = {k: v for k, v in fields.items() if k != "meeting"}
    assert other.post(page, data=bare).status_code == 404
    assert other.post(page, data={**fields, "meeting": "x"}).status_code == 404
    # A number beyond any column is no meeting either (int() of it reached the database: 500).
    assert other.post(page, data={**fields, "meeting": "9" * 25}).status_code == 404


def test_a_meeting_deleted_while_another_co_lead_edits_it_comes_back_to_create_again(
    api, other, survey
):
    """helper-179: A opens a draft to write its description; B deletes the draft; A's save
    answered a bare 404 "There is no meeting 1." and the description was gone. It comes back
    on the new-meeting page, as typed, to create again or leave."""
    meeting = api.post("/api/v1/meetings", json={**MEETING, "title": "Draft"}).get_json()
    page = f"/meetings/{meeting['id']}/edit"
    fields = form_in(other.get(page).get_data(as_text=True), 'name="description"')
    delete = f"/meetings/{meeting['id']}/delete"
    assert api.delete(f"/api/v1/meetings/{meeting['id']}").status_code in (200, 204)
    fields["description"] = ["What A typed after the delete"]
    refused = other.post(page, data=fields)
    text = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 409
    assert "This meeting was deleted since you opened its page" in text
    assert "What A typed after the delete" in text and 'value="Draft"' in text
    assert 'action="/meetings/new"' in text
    again = form_in(refused.get_data(as_text=True), 'name="key"')
    made = other.post("/meetings/new", data=again)
    assert made.status_code == 302, made.get_data(as_text=True)
    (stored,) = db.session.scalars(select(Meeting)).all()
    assert (stored.title, stored.description) == ("Draft", "What A typed after the delete")
    assert other.get(page).status_code == 404 and other.get(delete).status_code == 404


def test_a_refused_save_takes_in_the_others_change_and_keeps_yours(api, other, survey):
    """helper-82: A and B open a slot's page; B sets its length to 30; A changes only its
    title. A's save is refused, and the page named A's own title as a change of B's and kept
    A's stale length, which saving again put back over B's. Now B's length is taken into A's
    form and named alone; A's title stays; saving the page again keeps both."""
    meeting = api.post("/api/v1/meetings", json=MEETING).get_json()
    slot = api.post(f"/api/v1/meetings/{meeting['id']}/slots", json={"title": "Talk"}).get_json()
    page = f"/slots/{slot['id']}/edit"
    mine, theirs = form_of(other, page), form_of(api, page)
    assert api.post(page, data={**theirs, "duration_minutes": ["30"]}).status_code == 302
    refused = other.post(page, data={**mine, "title": ["A's title"]})
    assert refused.status_code == 409
    said = html.unescape(refused.get_data(as_text=True))
    assert "Their change is now in the form: Slot duration (minutes) is now “30”." in said
    assert "Slot title is now" not in said and "You both changed" not in said
    again = form_in(refused.get_data(as_text=True))
    assert (again["title"], again["duration_minutes"]) == (["A's title"], ["30"])
    assert other.post(page, data=again).status_code == 302
    stored = db.session.get(Slot, slot["id"])
    db.session.refresh(stored)
    assert (stored.title, stored.duration_minutes) == ("A's title", 30)
    # Both change the length: A's stays in the form, both are named; saving again is A's choice.
    mine, theirs = form_of(other, page), form_of(api, page)
    assert api.post(page, data={**theirs, "duration_minutes": ["40"]}).status_code == 302
    refused = other.post(page, data={**mine, "duration_minutes": ["25"]})
    said = html.unescape(refused.get_data(as_text=True))
    assert "You both changed: Slot duration (minutes) is now “40”, yours “25”" in said
    assert form_in(refused.get_data(as_text=True))["duration_minutes"] == ["25"]


@pytest.mark.parametrize(
    ("page", "model", "key", "field", "theirs"),
    [
        ("/offices/JP/edit", Office, "JP", "city", "Tokyo (edited)"),
        ("/recommendations/10/edit", Recommendation, 10, "short_title", "New technologies"),
    ],
)
def test_two_coleads_on_office_and_recommendation_forms(
    api, other, survey, page, model, key, field, theirs
):
    mine = form_of(other, page)
    theirs_form = form_of(api, page)
    theirs_form[field] = [theirs]
    assert api.post(page, data=theirs_form).status_code == 302
    refused = other.post(page, data=mine)
    assert refused.status_code == 409
    assert "changed by colead@example.org since you opened it" in html.unescape(
        refused.get_data(as_text=True)
    )
    stored = db.session.get(model, key)
    db.session.refresh(stored)
    assert getattr(stored, field) == theirs


def volunteer(client) -> str:
    """A proposal for JP sent through the page; its private link."""
    sent = client.post(
        "/volunteer", data={**VOLUNTEERED, "csrf_token": csrf_token(client, "/volunteer")}
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)
    return sent.headers["Location"]


def test_the_office_editing_its_proposal_after_a_colead_decided(api, client, survey):
    private = volunteer(client)
    fields = form_of(client, private + "/edit")
    proposal = db.session.scalar(select(Proposal))
    decided = api.post(
        f"/proposals/{proposal.id}",
        data={
            "csrf_token": csrf_token(api, f"/proposals/{proposal.id}"),
            "status": "accepted",
            "reason": "A clear fit.",
            "version": str(proposal.version),
        },
    )
    assert decided.status_code == 302
    fields["title"] = ["A new title"]
    answer = client.post(private + "/edit", data=fields, follow_redirects=True)
    assert "The co-leads have decided: your proposal is accepted" in html.unescape(
        answer.get_data(as_text=True)
    )
    db.session.refresh(proposal)
    assert (proposal.status, proposal.title) == ("accepted", "AI for classification")


@pytest.mark.committed  # another connection (or thread) races the request
def test_the_office_editing_its_proposal_while_a_colead_decides(api, client, survey):
    """The co-lead's decision lands between the office's page reading the proposal and writing
    it: a conflict message on the page with the office's input, not a server error."""
    private = volunteer(client)
    fields = form_of(client, private + "/edit")
    fields["title"] = ["A new title"]

    with saved_first_by_someone_else(
        lambda other: other.execute(
            update(Proposal).values(status="accepted", version=Proposal.version + 1)
        ),
        before=lambda session: any(isinstance(o, Proposal) for o in session.dirty),
    ):
        answer = client.post(private + "/edit", data=fields)
    assert answer.status_code == 409
    page = html.unescape(answer.get_data(as_text=True))
    assert "Someone else changed this proposal at the same moment" in page
    assert 'value="A new title"' in page
    proposal = db.session.scalar(select(Proposal))
    assert (proposal.status, proposal.title) == ("accepted", "AI for classification")


@pytest.mark.committed  # another connection (or thread) races the request
def test_a_race_the_checks_cannot_see_is_caught_by_the_database(app, api, survey):
    """The version check passes, then someone else's save lands before this one is written: the
    UPDATE finds no row of the version it read, and the request answers 409."""
    meeting = api.post("/api/v1/meetings", json=MEETING).get_json()

    with saved_first_by_someone_else(
        lambda other: other.execute(
            update(Meeting).values(title="Theirs", version=Meeting.version + 1)
        ),
        before=lambda session: any(isinstance(o, Meeting) for o in session.dirty),
    ):
        answer = api.patch(f"/api/v1/meetings/{meeting['id']}", json={"title": "Mine"})
    assert answer.status_code == 409
    assert "at the same moment" in answer.get_json()["message"]
    stored = db.session.get(Meeting, meeting["id"])
    db.session.refresh(stored)
    assert stored.title == "Theirs"


@pytest.mark.committed  # another connection (or thread) races the request
def test_two_coleads_accepting_one_lineup_at_once_make_one_meeting(app, api, other, survey):
    from tests.lineup.test_pages import post_rules

    post_rules(api)
    lineup = db.session.scalar(select(Lineup))
    url = f"/lineups/{lineup.id}/accept"
    tokens = [csrf_token(c, f"/lineups/{lineup.id}") for c in (api, other)]
    # The first request is held just before it writes, until the second has finished.
    first_writes, second_done = threading.Event(), threading.Event()
    held = threading.local()

    def hold_first(session, _context, _instances):
        if getattr(held, "first", False) and not first_writes.is_set():
            first_writes.set()
            second_done.wait(30)

    answers = {}

    def accept(name, client, token, first):
        held.first = first
        answers[name] = client.post(url, data={"csrf_token": token})

    event.listen(Session, "before_flush", hold_first)
    try:
        one = threading.Thread(target=accept, args=("one", api, tokens[0], True))
        one.start()
        assert first_writes.wait(30)
        accept("two", other, tokens[1], False)
        second_done.set()
        one.join(30)
    finally:
        event.remove(Session, "before_flush", hold_first)
    assert answers["one"].status_code == answers["two"].status_code == 302
    assert answers["one"].headers["Location"] == answers["two"].headers["Location"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1


@pytest.mark.committed  # another connection (or thread) races the request
@pytest.mark.parametrize("theirs", ["ana@ipaustralia.example", "ANA@ipaustralia.example"])
def test_the_same_contact_added_twice_at_once_is_a_conflict_not_a_server_error(api, survey, theirs):
    """Both co-leads' checks find no contact with that address; the second insert meets the
    database's uniqueness rule, and its page answers 409 with its message and the form as typed.
    The rule holds for the address in another spelling too (helper-83: two contacts)."""
    from sqlalchemy import insert

    from planner.addresses import mailbox
    from planner.offices.models import OfficeContact

    url = "/offices/AU/contacts/new"
    fields = {"name": "Ana", "email": "ana@ipaustralia.example", "role": "", "language": "en"}

    with saved_first_by_someone_else(
        lambda other: other.execute(
            insert(OfficeContact).values(
                office_code="AU",
                source="entered by someone else",
                **{**fields, "email": theirs, "mailbox": mailbox(theirs)},
            )
        ),
        before=lambda session: any(isinstance(o, OfficeContact) for o in session.new),
    ):
        answer = api.post(url, data={**fields, "csrf_token": csrf_token(api, url)})
    assert answer.status_code == 409
    page = html.unescape(answer.get_data(as_text=True))
    assert "Someone else saved the same thing at the same moment" in page
    # The form comes back as typed (helper-79: it was a bare error page).
    assert 'value="ana@ipaustralia.example"' in page and 'value="Ana"' in page
    assert db.session.scalar(select(func.count()).select_from(OfficeContact)) == 1


def test_differences_are_shown_as_typed():
    """No seconds on a time, and an untouched empty field (None on one side, "" on the other)
    is no difference."""
    from datetime import datetime, time

    from planner.forms import _shown

    assert _shown(time(9, 0)) == "09:00"
    assert _shown(datetime(2027, 3, 9, 13, 10)) == "2027-03-09 13:10"
    assert _shown(None) == _shown("") == _shown([]) == "(empty)"


def test_a_save_that_changes_nothing_is_no_new_version(api, client, survey):
    """Saving what is stored (an empty PATCH, or a form sent back as it came) moves neither the
    version (no other co-lead's form goes stale) nor the feeds (no subscriber downloads again)."""
    dated = {**MEETING, "starts_at": "2027-03-09T13:00:00+01:00"}
    meeting = api.post("/api/v1/meetings", json=dated).get_json()
    slot = api.post(
        f"/api/v1/meetings/{meeting['id']}/slots", json={"title": "Talk", "duration_minutes": 20}
    ).get_json()
    assert publish_as_planned(api, meeting["id"]).status_code == 200
    feed = client.get("/feeds/taskforce-talks.ics")
    meeting_url, slot_url = f"/api/v1/meetings/{meeting['id']}", f"/api/v1/slots/{slot['id']}"
    versions = (api.get(meeting_url).get_json()["version"], api.get(slot_url).get_json()["version"])
    for _ in range(3):
        assert api.patch(slot_url, json={}).status_code == 200
        assert api.patch(slot_url, json={"title": "Talk"}).status_code == 200
        assert api.patch(meeting_url, json={"title": MEETING["title"]}).status_code == 200
    after = (api.get(meeting_url).get_json()["version"], api.get(slot_url).get_json()["version"])
    assert after == versions
    again = client.get(
        "/feeds/taskforce-talks.ics", headers={"If-None-Match": feed.headers["ETag"]}
    )
    assert again.status_code == 304
    # A real change is a new version.
    renamed = api.patch(slot_url, json={"title": "Talk, renamed"}).get_json()
    assert renamed["version"] > versions[1]


@pytest.mark.parametrize("kind", ["office", "recommendation", "contact", "proposal"])
def test_an_edit_page_saved_unchanged_is_no_new_version(api, client, survey, kind):
    """helper-83: an office, recommendation, contact or proposal sent back as it came took a
    new version (and an office an "edited by"), so a colleague's real edit from the page they
    had open was refused."""
    from planner.offices.models import Office

    page = {
        "office": "/offices/PE/edit",
        "recommendation": "/recommendations/10/edit",
        "contact": f"/offices/contacts/{_contact_id()}/edit" if kind == "contact" else "",
        "proposal": (volunteer(client) + "/edit") if kind == "proposal" else "",
    }[kind]
    editor = client if kind == "proposal" else api
    colleague = form_of(editor, page)
    unchanged = form_of(editor, page)
    assert unchanged["version"] == colleague["version"]
    assert editor.post(page, data=unchanged).status_code in (302, 303)
    assert form_of(editor, page)["version"] == unchanged["version"]
    if kind == "office":
        stored = db.session.get(Office, "PE")
        db.session.refresh(stored)
        assert stored.updated_by is None  # not "edited by" anyone
    # The colleague's real change, from the page they had open, is saved.
    name = "title" if kind == "proposal" else "name" if kind in ("office", "contact") else "text"
    colleague[name] = ["Changed by the colleague"]
    assert editor.post(page, data=colleague).status_code in (302, 303)


def _contact_id() -> int:
    from planner.offices.models import OfficeContact

    contact = OfficeContact(
        office_code="AU", name="Kim Example", email="kim@ipaustralia.example", source="test"
    )
    db.session.add(contact)
    db.session.commit()
    return contact.id


@pytest.mark.committed  # another connection races the request
@pytest.mark.parametrize("page", ["office", "recommendation", "meeting", "slot", "contact"])
def test_a_form_that_loses_a_race_comes_back_with_what_was_typed(app, api, survey, page):
    """helper-79: two co-leads save the same item at the same moment, on two instances. Both
    pass the version check; the database lets one write. The other's page comes back (409)
    with what they typed and what is stored now, as when the form was posted after a save:
    it was a bare error page that dropped the typing."""
    from planner.offices.models import OfficeContact

    meeting = api.post("/api/v1/meetings", json=MEETING).get_json()
    slot = api.post(f"/api/v1/meetings/{meeting['id']}/slots", json={"title": "Talk"}).get_json()
    url, field, model, key = {
        "office": ("/offices/AU/edit", "city", Office, Office.code == "AU"),
        "recommendation": (
            "/recommendations/10/edit",
            "short_title",
            Recommendation,
            Recommendation.number == 10,
        ),
        "meeting": (
            f"/meetings/{meeting['id']}/edit",
            "title",
            Meeting,
            Meeting.id == meeting["id"],
        ),
        "slot": (f"/slots/{slot['id']}/edit", "title", Slot, Slot.id == slot["id"]),
        "contact": (
            f"/offices/contacts/{_contact_id()}/edit",
            "role",
            OfficeContact,
            OfficeContact.office_code == "AU",
        ),
    }[page]
    fields = form_of(api, url)
    fields[field] = ["Mine, typed"]
    with saved_first_by_someone_else(
        lambda other: other.execute(
            update(model).where(key).values({field: "Theirs", "version": model.version + 1})
        ),
        before=lambda session: any(isinstance(o, model) for o in session.dirty),
    ) as raced:
        answer = api.post(url, data=fields)
    assert raced, "the save never reached the database"
    page_text = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 409, page_text[:3000]
    assert 'value="Mine, typed"' in page_text
    assert "is now “Theirs”" in page_text
    db.session.expire_all()
    assert getattr(db.session.scalar(select(model).where(key)), field) == "Theirs"
