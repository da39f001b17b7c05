"""A meeting given a longer length than its slots fill says how much of it is not planned, and
shares that time evenly among its talks in one action (helper-369: Ana set the Rec 5 workshop
to 180 minutes, its agenda ran 110, and she lengthened four talks by hand)."""

import pytest

from planner.agenda.models import Meeting, Slot
from planner.extensions import db
from tests.support import form_in, sent_at_once

START = "2027-03-09T14:00:00+01:00"
SHARE = 'name="agenda_version"'


def workshop(api, *, talks: int = 4, length: int = 180) -> int:
    """Four 20-minute talks and a 30-minute discussion, as a line-up makes them, then the
    length a co-lead gives the meeting."""
    made = api.post("/api/v1/meetings", json={"title": "Rec 5 workshop", "starts_at": START})
    meeting = made.get_json()["id"]
    for number in range(1, talks + 1):
        api.post(
            f"/api/v1/meetings/{meeting}/slots",
            json={"title": f"Talk {number}", "office": "AU", "duration_minutes": 20},
        )
    api.post(
        f"/api/v1/meetings/{meeting}/slots",
        json={"title": "Discussion", "kind": "discussion", "duration_minutes": 30},
    )
    set_to = api.patch(f"/api/v1/meetings/{meeting}", json={"duration_minutes": length})
    assert set_to.status_code == 200, set_to.get_json()
    return meeting


def lengths(meeting_id: int) -> list[tuple[str, int]]:
    meeting = db.session.get(Meeting, meeting_id)
    db.session.refresh(meeting)
    return [(s.title, s.duration_minutes) for s in meeting.slots]


def share_button(page: str) -> dict:
    return form_in(page, SHARE)


def test_the_editor_says_the_unplanned_time_and_shares_it_among_the_talks(api, survey):
    meeting = workshop(api)
    url = f"/meetings/{meeting}/edit"
    page = api.get(url).get_data(as_text=True)
    assert "70 minutes of this meeting are not planned: slots end at 15:50, the meeting at " in (
        page
    )
    assert "Share the 70 minutes among the 4 talks" in page
    assert "Each talk gets 17 or 18 minutes more" in page
    form = page[page.index('id="unplanned"') :]
    shared = api.post(f"/meetings/{meeting}/share-time", data=share_button(form))
    assert shared.status_code == 302
    assert shared.headers["Location"] == f"/meetings/{meeting}/edit#slots"
    # Whole minutes, the first ones a minute more; the discussion keeps its half hour.
    assert lengths(meeting) == [
        ("Talk 1", 38),
        ("Talk 2", 38),
        ("Talk 3", 37),
        ("Talk 4", 37),
        ("Discussion", 30),
    ]
    body = api.get(f"/api/v1/meetings/{meeting}").get_json()
    assert body["duration_minutes"] == 180 and body["duration_pinned"] is True
    assert body["slots"][-1]["ends_at"] == body["ends_at"] == "2027-03-09T17:00:00+01:00"
    page = api.get(url).get_data(as_text=True)
    assert "The 70 unplanned minutes are shared among 4 talks" in page
    assert "“Talk 1” 38, “Talk 2” 38, “Talk 3” 37 and “Talk 4” 37" in page
    assert "not planned" not in page and "length-mismatch" not in page
    # The history says what changed, as for a length edited by hand.
    assert "Talk 4" in api.get(f"/meetings/{meeting}/history").get_data(as_text=True)


def test_a_share_from_a_page_opened_before_another_edit_is_refused(api, survey):
    meeting = workshop(api)
    page = api.get(f"/meetings/{meeting}/edit").get_data(as_text=True)
    stale = share_button(page[page.index('id="unplanned"') :])
    # Another co-lead lengthens the discussion meanwhile: 60 minutes are left, not 70.
    discussion = api.get(f"/api/v1/meetings/{meeting}").get_json()["slots"][-1]["id"]
    api.patch(f"/api/v1/slots/{discussion}", json={"duration_minutes": 40})
    refused = api.post(f"/meetings/{meeting}/share-time", data=stale)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "The agenda changed since you opened the page" in page
    assert "60 minutes of this meeting are not planned" in page
    assert [minutes for _, minutes in lengths(meeting)] == [20, 20, 20, 20, 40]


def test_only_talks_after_the_last_pinned_slot_take_the_time(api, survey):
    meeting = workshop(api, length=150)
    body = api.get(f"/api/v1/meetings/{meeting}").get_json()
    # Talk 3 is pinned to 15:00: the talks before it cannot grow without running into it.
    api.patch(f"/api/v1/slots/{body['slots'][2]['id']}", json={"offset_minutes": 60})
    page = api.get(f"/meetings/{meeting}/edit").get_data(as_text=True)
    assert "Share the 20 minutes among the 2 talks" in page
    assert (
        "breaks and the discussion keep their length, “Talk 1” its own (it comes before the "
        "last slot pinned to a time), and “Talk 2” its own (it comes before the last slot "
        "pinned to a time)." in page
    )
    api.post(
        f"/meetings/{meeting}/share-time", data=share_button(page[page.index('id="unplanned"') :])
    )
    assert [minutes for _, minutes in lengths(meeting)] == [20, 20, 30, 30, 30]


def test_a_meeting_its_slots_fill_offers_nothing_to_share(api, survey):
    meeting = workshop(api, length=110)
    page = api.get(f"/meetings/{meeting}/edit").get_data(as_text=True)
    assert "not planned" not in page and "share-time" not in page
    # A share sent all the same (a script's, or a page's from before the length was set back):
    # with the agenda's version its Up/Down forms carry.
    refused = api.post(f"/meetings/{meeting}/share-time", data=share_button(page))
    assert refused.status_code == 409
    assert "no time is left to share" in refused.get_data(as_text=True)
    # Overrun: said as before, nothing offered; a share sent all the same says it overruns.
    api.patch(f"/api/v1/meetings/{meeting}", json={"duration_minutes": 100})
    page = api.get(f"/meetings/{meeting}/edit").get_data(as_text=True)
    assert "The length is pinned to 100 minutes" in page and "share-time" not in page
    refused = api.post(f"/meetings/{meeting}/share-time", data=share_button(page))
    assert refused.status_code == 409
    said = refused.get_data(as_text=True)
    assert "The slots run 10 minutes past the meeting&#39;s end: no time is left to share." in said
    assert "The slots fill the meeting" not in said


@pytest.mark.committed  # two requests at once, on connections of their own
def test_two_co_leads_sharing_at_once_share_the_time_once(api, survey):
    """Two co-leads press "Share" on the same page at the same moment (two instances on one
    PostgreSQL: the second waits for the first's rows, then finds them changed). The talks
    grow once, 38, 38, 37, 37, not twice; the other is told the agenda changed meanwhile."""
    meeting = workshop(api)
    page = api.get(f"/meetings/{meeting}/edit").get_data(as_text=True)
    form = share_button(page[page.index('id="unplanned"') :])
    first, second, _ = sent_at_once(
        lambda: api.post(f"/meetings/{meeting}/share-time", data=form),
        lambda: api.post(f"/meetings/{meeting}/share-time", data=form),
        Slot,
        changing=True,
    )
    assert sorted([first.status_code, second.status_code]) == [302, 409]
    lost = first if first.status_code == 409 else second
    assert "nothing was shared out" in lost.get_data(as_text=True)
    assert [minutes for _, minutes in lengths(meeting)] == [38, 38, 37, 37, 30]
