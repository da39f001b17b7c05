"""Last-Modified and ETag as subscribers' clients use them: the same content has the same date,
the date never runs ahead of the answer, conditional requests get 304 exactly when nothing
changed, and an event that leaves a feed stays there, cancelled."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
import time_machine
from sqlalchemy import select

from planner.agenda.models import Meeting, Slot
from planner.calendar.operations import cache, cutoff, office_feed_token, taskforce_feed
from planner.extensions import db
from planner.offices.models import Office
from planner.offices.operations import update_office
from planner.recommendations.models import Recommendation
from planner.recommendations.operations import update_recommendation
from tests.calendar.readers import read_everywhere, with_icalendar
from tests.calendar.test_feeds import MEETING, events_by_uid
from tests.conftest import signed_in
from tests.support import publish_as_planned

FEED = "/feeds/taskforce.ics"
TALKS = "/feeds/taskforce-talks.ics"
# Every test here is about dates: the feeds wait for a changed second to end, as served.
pytestmark = pytest.mark.settle


def date_of(response, header: str):
    return parsedate_to_datetime(response.headers[header])


def answered(client, url: str):
    """The answer and when it came: the HTTP server dates it then (the app sends no Date)."""
    response = client.get(url)
    return response, datetime.now(UTC)


def revalidate(client, url: str, response) -> tuple[int, int]:
    """(status with If-None-Match, status with If-Modified-Since) for what `response` gave."""
    return (
        client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code,
        client.get(
            url, headers={"If-Modified-Since": response.headers["Last-Modified"]}
        ).status_code,
    )


def test_after_a_burst_of_edits_last_modified_holds_still(colead_client, visitor, published, clock):
    for n in range(5):
        colead_client.patch(f"/api/v1/meetings/{published.id}", json={"title": f"Title {n}"})
    first, first_at = answered(visitor, FEED)
    second, second_at = answered(visitor, FEED)
    clock.sleep(1.1)
    later, later_at = answered(visitor, FEED)
    for response, at in ((first, first_at), (second, second_at), (later, later_at)):
        assert response.headers["ETag"] == first.headers["ETag"]
        assert response.headers["Last-Modified"] == first.headers["Last-Modified"]
        assert date_of(response, "Last-Modified") <= at
    assert revalidate(visitor, FEED, first) == (304, 304)
    assert "Title 4" in first.text


def test_a_recommendation_feed_keeps_its_date_while_other_meetings_change(
    colead_client, visitor, published, clock
):
    """helper-78: renaming a Rec 7 talk in another meeting moved the Rec 10 feed's date, so a
    client asking If-Modified-Since fetched the same feed again. A change in a meeting with a
    Rec 10 talk still moves it: the talks' times follow the slots before them."""
    api = colead_client
    other = api.post(
        "/api/v1/meetings",
        json={**MEETING, "title": "Rec 7 workshop", "starts_at": "2026-12-09T12:00:00+01:00"},
    ).get_json()
    talk = {"title": "Rec 7 talk", "office": "ES", "recommendations": [7], "duration_minutes": 20}
    rec7 = api.post(f"/api/v1/meetings/{other['id']}/slots", json=talk).get_json()
    assert publish_as_planned(api, other["id"]).status_code == 200
    url = "/feeds/recommendations/10.ics"
    clock.sleep(1.1)
    before = visitor.get(url)
    renamed = api.patch(f"/api/v1/slots/{rec7['id']}", json={"title": "Rec 7 talk, renamed"})
    assert renamed.status_code == 200, renamed.get_json()
    clock.sleep(1.1)
    after = visitor.get(url)
    assert after.data == before.data
    assert after.headers["Last-Modified"] == before.headers["Last-Modified"]
    assert revalidate(visitor, url, before) == (304, 304)

    opening = published.slots[0]  # before the Rec 10 talks: longer, it moves them
    longer = api.patch(f"/api/v1/slots/{opening.id}", json={"duration_minutes": 15})
    assert longer.status_code == 200, longer.get_json()
    clock.sleep(1.1)
    moved = visitor.get(url)
    assert moved.data != before.data
    assert date_of(moved, "Last-Modified") > date_of(before, "Last-Modified")
    assert revalidate(visitor, url, before) == (200, 200)


def test_last_modified_is_the_newest_revision_in_the_feed(visitor, published):
    response = visitor.get(FEED)
    revisions = [e["LAST-MODIFIED"].dt for e in with_icalendar(response.data).walk("VEVENT")]
    assert date_of(response, "Last-Modified") == max(revisions)


def test_the_same_content_has_the_same_date(colead_client, visitor, published):
    first = visitor.get(FEED)
    # A draft is in no feed: creating one rebuilds the feed (the agenda changed) into the same
    # bytes, which keep their date.
    draft = colead_client.post("/api/v1/meetings", json={**MEETING, "title": "Draft"})
    assert draft.status_code == 201
    cache.clear()  # as in another worker, or after a restart
    again = visitor.get(FEED)
    assert again.data == first.data
    assert again.headers["Last-Modified"] == first.headers["Last-Modified"]
    assert revalidate(visitor, FEED, first) == (304, 304)


def test_conditional_requests_both_ways(colead_client, visitor, published):
    before = visitor.get(FEED)
    assert revalidate(visitor, FEED, before) == (304, 304)
    earlier = (date_of(before, "Last-Modified") - timedelta(seconds=1)).strftime(
        "%a, %d %b %Y %H:%M:%S GMT"
    )
    assert visitor.get(FEED, headers={"If-Modified-Since": earlier}).status_code == 200
    assert visitor.get(FEED, headers={"If-None-Match": '"other"'}).status_code == 200

    colead_client.patch(f"/api/v1/meetings/{published.id}", json={"title": "Renamed"})
    assert revalidate(visitor, FEED, before) == (200, 200)
    after, after_at = answered(visitor, FEED)
    assert date_of(after, "Last-Modified") > date_of(before, "Last-Modified")
    assert date_of(after, "Last-Modified") <= after_at
    assert revalidate(visitor, FEED, after) == (304, 304)
    # An ETag that no longer matches wins over a date that would.
    stale_tag = {
        "If-None-Match": before.headers["ETag"],
        "If-Modified-Since": after.headers["Last-Modified"],
    }
    assert visitor.get(FEED, headers=stale_tag).status_code == 200


def test_a_feed_whose_name_changed_is_new_to_clients_that_revalidate_by_date(
    app, visitor, published, clock
):
    """An office's and a recommendation's feed name them (NAME, X-WR-CALNAME, DESCRIPTION):
    renamed by a co-lead, the feed is new also to a client that asks "changed since?", when it
    holds no event that would say so (its date was 1 January 1970)."""
    token = office_feed_token(db.session.get(Office, "JP"), "test-secret-key")
    office = f"/feeds/offices/JP.ics?token={token}"
    recommendation = "/feeds/recommendations/7.ics"
    before = {url: visitor.get(url) for url in (office, recommendation)}
    clock.sleep(2)
    with app.app_context():
        update_office(
            db.session.get(Office, "JP"),
            name="Japan Patent Office (JPO Tokyo)",
            city="Tokyo",
            time_zone="Asia/Tokyo",
            size="",
            region="",
            editor="ana@example.org",
        )
        rec = db.session.get(Recommendation, 7)
        update_recommendation(rec, short_title="Renamed; Rec 7", text=rec.text, editor=None)
        db.session.commit()
    for url, first in before.items():
        after = visitor.get(url)
        assert after.data != first.data
        assert revalidate(visitor, url, first) == (200, 200), url
        assert date_of(after, "Last-Modified") > date_of(first, "Last-Modified")
        assert revalidate(visitor, url, after) == (304, 304)
    assert "Japan Patent Office (JPO Tokyo)" in read_everywhere(visitor.get(office).data)["name"]


def test_a_deleted_slot_stays_in_every_feed_it_was_in_as_cancelled(visitor, published):
    """However a slot of a published meeting is deleted (the pages and the API cancel it; this
    deletes the row), subscribers are told, in every feed that showed it."""
    talk = next(s for s in published.slots if s.office_code == "AU")
    token = office_feed_token(db.session.get(Office, "AU"), "test-secret-key")
    feeds = (
        TALKS,
        f"/feeds/offices/AU.ics?token={token}",
        f"/meetings/{published.id}.ics?scope=slots",
    )
    before = {url: visitor.get(url) for url in feeds}
    db.session.delete(talk)
    db.session.commit()
    for url, shown in before.items():
        after = visitor.get(url, headers={"If-Modified-Since": shown.headers["Last-Modified"]})
        assert after.status_code == 200, url
        assert date_of(after, "Last-Modified") > date_of(shown, "Last-Modified"), url
        parsed = read_everywhere(after.data)
        event = events_by_uid(after.data)[talk.uid]
        assert str(event["STATUS"]) == "CANCELLED", url
        assert event["SEQUENCE"] > events_by_uid(shown.data)[talk.uid]["SEQUENCE"], url
        assert str(event["SUMMARY"]) == "Cancelled: Risk-based governance of new technologies"
        assert len(parsed["events"]) == len(events_by_uid(shown.data)), url
        assert revalidate(visitor, url, after) == (304, 304)


def test_a_deleted_slot_changes_its_meetings_programme(visitor, published):
    """The meetings feed shows no slot, but the meeting's programme lists it: deleting the slot
    moves the meeting's LAST-MODIFIED and the feed's Last-Modified."""
    talk = next(s for s in published.slots if s.office_code == "AU")
    shown = visitor.get(FEED)
    db.session.delete(talk)
    db.session.commit()
    after = visitor.get(FEED, headers={"If-Modified-Since": shown.headers["Last-Modified"]})
    assert after.status_code == 200
    assert date_of(after, "Last-Modified") > date_of(shown, "Last-Modified")
    assert "Risk-based governance" not in after.data.decode()
    assert set(events_by_uid(after.data)) == {published.uid}


def test_a_deleted_published_meeting_stays_cancelled(visitor, published):
    slots = {s.uid for s in published.slots}
    db.session.delete(published)
    db.session.commit()
    assert db.session.scalar(select(Slot)) is None
    # Each feed cancels what it showed: the meeting in the meetings feed, the talks in the other.
    for url, uids in ((FEED, {published.uid}), (TALKS, slots)):
        response = visitor.get(url)
        statuses = {
            str(e["UID"]): str(e["STATUS"]) for e in with_icalendar(response.data).walk("VEVENT")
        }
        assert statuses == dict.fromkeys(uids, "CANCELLED"), url
        read_everywhere(response.data)


def test_a_deleted_draft_leaves_nothing_behind(colead_client, visitor, survey):
    draft = colead_client.post("/api/v1/meetings", json=MEETING).get_json()
    colead_client.post(
        f"/api/v1/meetings/{draft['id']}/slots",
        json={"title": "Draft talk", "office": "PL", "duration_minutes": 20},
    )
    assert colead_client.delete(f"/api/v1/meetings/{draft['id']}").get_json()["result"] == "deleted"
    token = office_feed_token(db.session.get(Office, "PL"), "test-secret-key")
    for url in (FEED, f"/feeds/offices/PL.ics?token={token}"):
        assert read_everywhere(visitor.get(url).data)["events"] == [], url


def test_a_meeting_leaving_the_window_moves_the_date(app_context, published):
    """Six months after its start a meeting leaves the feed; the feed's date is then the
    midnight it left at, whatever day the feed is asked for after that."""
    start = published.starts_at
    url = lambda meeting: f"https://planner.example/meetings/{meeting.id}"  # noqa: E731
    shown, changed = taskforce_feed(url, cutoff(start.date()), talks=True)
    assert len(shown) == 3 and changed == max(e.last_modified for e in shown)
    left_on = start.date() + timedelta(days=184)
    assert taskforce_feed(url, cutoff(left_on - timedelta(days=1)), talks=True)[0] == shown
    for day in (left_on, left_on + timedelta(days=30)):
        events, changed = taskforce_feed(url, cutoff(day), talks=True)
        assert events == [] and changed.date() == left_on and changed.time().hour == 0
    assert db.session.get(Meeting, published.id).starts_at == start


def test_a_date_in_the_future_is_ignored(visitor, published):
    """A client whose clock runs ahead sends a date later than the server's: invalid (RFC 7232,
    3.3), so it gets the feed rather than a 304 for a copy that may be stale."""
    future = {"If-Modified-Since": "Fri, 31 Dec 9999 23:59:59 GMT"}
    assert visitor.get(FEED, headers=future).status_code == 200
    current = visitor.get(FEED)
    same = {"If-Modified-Since": current.headers["Last-Modified"]}
    assert visitor.get(FEED, headers=same).status_code == 304


def test_a_feed_asked_within_a_changed_second_is_answered_whole_afterwards(
    monkeypatch, colead_client, visitor, published
):
    """The feed changed within this second: the answer waits for it to end and the whole view
    runs again, its checks too. An office's link revoked during that wait is not answered."""
    from types import SimpleNamespace

    from sqlalchemy import update

    australia = db.session.get(Office, "AU")
    url = f"/feeds/offices/AU.ics?token={office_feed_token(australia, 'test-secret-key')}"
    assert visitor.get(url).status_code == 200
    # The clock stands still between the change and the request (only the wait moves it): on a
    # loaded machine more than the second passed between them, and the request did not wait
    # (the fresh clone's CI at 7c6f2aed).
    with time_machine.travel(datetime.now(UTC), tick=False) as frozen:
        colead_client.patch(f"/api/v1/meetings/{published.id}", json={"title": "Renamed"})

        def revoked_meanwhile(seconds: float) -> None:
            frozen.shift(timedelta(seconds=seconds))
            db.session.execute(update(Office).where(Office.code == "AU").values(feed_version=9))

        monkeypatch.setattr("planner.calendar.views.time", SimpleNamespace(sleep=revoked_meanwhile))
        assert visitor.get(url).status_code == 404


def test_every_feed_reads_one_snapshot(monkeypatch, visitor, published):
    """Each feed and download begins with one view of the database (`read_one_snapshot`: a
    REPEATABLE READ transaction on PostgreSQL, see tests/calendar/test_snapshot.py)."""
    taken = []
    monkeypatch.setattr("planner.calendar.views.read_one_snapshot", lambda: taken.append(1))
    australia = db.session.get(Office, "AU")
    for url in (
        FEED,
        TALKS,
        "/feeds/recommendations/10.ics",
        f"/feeds/offices/AU.ics?token={office_feed_token(australia, 'test-secret-key')}",
        f"/meetings/{published.id}.ics",
        f"/meetings/{published.id}/schedule.json",
    ):
        before = len(taken)
        assert visitor.get(url).status_code == 200, url
        assert len(taken) > before, url


def test_a_feed_is_the_same_to_a_colead_signed_in_and_varies_with_no_cookie(
    app, colead, colead_client, visitor, published
):
    """helper-292: every feed opened the session as a page does, so it answered `Vary: Cookie`
    and a cache in front kept one copy per subscriber's cookie, polled every few minutes; its
    refusals were a co-lead's own page ("private, no-store", their name in it). A feed reads no
    session: the same bytes, headers and revalidation to anyone, and it sets no cookie."""
    draft = colead_client.post("/api/v1/meetings", json={**MEETING, "title": "Draft"})
    token = office_feed_token(db.session.get(Office, "AU"), "test-secret-key")
    browser = app.test_client()
    signed_in(browser, colead)
    db.session.commit()
    assert "Cookie" in browser.get("/meetings").vary  # the pages take the cookie
    meeting = f"/meetings/{published.id}.ics"
    statuses = {
        FEED: 200,
        TALKS: 200,
        "/feeds/recommendations/10.ics": 200,
        f"/feeds/offices/AU.ics?token={token}": 200,
        meeting: 200,
        f"{meeting}?scope=slots": 200,
        f"/meetings/{draft.get_json()['id']}.ics": 404,
        f"{meeting}?scope=all": 400,
        "/feeds/recommendations/999.ics": 404,
        "/feeds/offices/AU.ics?token=mistyped": 404,
    }
    for url, status in statuses.items():
        theirs, anyones = browser.get(url), visitor.get(url)
        assert theirs.status_code == anyones.status_code == status, url
        assert theirs.data == anyones.data, url
        for response in (theirs, anyones):
            assert "cookie" not in response.vary.as_set(), url
            assert "Set-Cookie" not in response.headers, url
        for header in ("Cache-Control", "ETag", "Last-Modified", "Referrer-Policy"):
            assert theirs.headers.get(header) == anyones.headers.get(header), (url, header)
        if status == 200:
            assert revalidate(browser, url, anyones) == (304, 304), url
