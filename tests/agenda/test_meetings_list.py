"""GET /api/v1/meetings: the meetings a co-lead sees on /meetings, in its order, a page at a time,
each as GET /api/v1/meetings/<id> answers it; to anyone, the published ones."""

from datetime import UTC, datetime

import pytest
import time_machine

from planner.agenda.models import Meeting
from planner.extensions import db
from planner.offices.models import Office
from tests.agenda.test_queries import with_presenters
from tests.support import counted_queries, every_page, publish_as_planned

NOW = datetime(2027, 6, 1, 9, tzinfo=UTC)
OFFICES = ("AU", "BR", "CA", "CN", "DE")


def made(api, title: str, starts_at: str | None, *, publish: bool = False, slots: int = 1) -> int:
    body = {"title": title, "time_zone": "Europe/Zurich", "duration_minutes": 60}
    if starts_at:
        body["starts_at"] = starts_at
    meeting = api.post("/api/v1/meetings", json=body)
    assert meeting.status_code == 201, meeting.get_json()
    meeting_id = meeting.get_json()["id"]
    for n in range(slots):
        slot = {
            "title": f"Talk {n + 1}",
            "office": OFFICES[n],
            "recommendations": [10],
            "duration_minutes": 10,
        }
        assert api.post(f"/api/v1/meetings/{meeting_id}/slots", json=slot).status_code == 201
    if publish:
        assert publish_as_planned(api, meeting_id).status_code == 200
    return meeting_id


@pytest.fixture
def june_2027():
    """Before any sign-in, whose session is stamped with the time."""
    with time_machine.travel(NOW, tick=True):
        yield


def test_the_list_is_the_pages_order_with_drafts(june_2027, api, client, survey):
    later = made(api, "Later", "2027-09-07T13:00:00+02:00", publish=True)
    sooner = made(api, "Sooner", "2027-07-06T13:00:00+02:00")
    undated = made(api, "Undated draft", None)
    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=UTC), tick=True):
        # Made while they were still to come.
        older = made(api, "Older", "2027-02-02T13:00:00+01:00", publish=True)
        latest_past = made(api, "Latest past", "2027-05-04T13:00:00+02:00", publish=True)
    answer = api.get("/api/v1/meetings")
    assert answer.status_code == 200
    body = answer.get_json()
    ids = [m["id"] for m in body["meetings"]]
    assert ids == [sooner, later, undated, latest_past, older]
    assert (body["count"], body["page"], body["pages"], body["next"]) == (5, 1, 1, None)
    # Each as the one-meeting GET answers it.
    for listed in body["meetings"]:
        assert listed == api.get(f"/api/v1/meetings/{listed['id']}").get_json()
    # The page lists them in the same order.
    page = api.get("/meetings").get_data(as_text=True)
    titles = ["Sooner", "Later", "Undated draft", "Latest past", "Older"]
    assert sorted(titles, key=page.index) == titles
    # A page at a time, as every API listing.
    second = api.get("/api/v1/meetings?per_page=2&page=2").get_json()
    assert [m["id"] for m in second["meetings"]] == [undated, latest_past]
    assert second["next"] == "/api/v1/meetings?per_page=2&page=3"
    assert second["previous"] == "/api/v1/meetings?per_page=2&page=1"
    assert [m["id"] for m in every_page(api, "/api/v1/meetings?per_page=2", "meetings")] == ids
    past_the_end = api.get("/api/v1/meetings?per_page=2&page=4")
    assert past_the_end.status_code == 404
    assert past_the_end.get_json()["field"] == "page"
    assert api.get("/api/v1/meetings?per_page=501").status_code == 400


def test_anyone_lists_the_published_meetings_in_the_same_order(june_2027, api, client, survey):
    """As /meetings lists them to anyone (tests/test_public_json.py: with what their pages
    show anyone), and each by its own address as listed; a draft is a co-lead's token's only."""
    later = made(api, "Later", "2027-09-07T13:00:00+02:00", publish=True)
    made(api, "Sooner draft", "2027-07-06T13:00:00+02:00")
    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=UTC), tick=True):
        older = made(api, "Older", "2027-02-02T13:00:00+01:00", publish=True)
    answer = client.get("/api/v1/meetings")
    assert answer.status_code == 200
    assert [m["id"] for m in answer.get_json()["meetings"]] == [later, older]
    assert [s["agenda_status"] for s in answer.get_json()["meetings"][1]["slots"]] == ["presented"]
    assert "draft" not in answer.get_data(as_text=True)
    one = client.get(f"/api/v1/meetings/{later}")
    assert one.status_code == 200 and one.get_json() == answer.get_json()["meetings"][0]


@pytest.mark.one_database
def test_the_list_costs_the_same_queries_however_many_meetings_and_slots(
    june_2027, api, client, survey
):
    def queries() -> tuple[int, int]:
        counted = []
        for reader in (api, client):  # a co-lead's token, and anyone
            db.session.expire_all()  # nothing loaded by the requests above hides a query
            with counted_queries() as statements:
                assert reader.get("/api/v1/meetings").status_code == 200
            counted.append(len(statements))
        return tuple(counted)

    def more(n: int, slots: int) -> None:
        # One with offices of its own and presenters invited with their hours; one that has
        # the survey's offices and no one invited yet.
        own = made(api, f"Own {n}", f"2027-07-{6 + n:02}T13:00:00+02:00", publish=True, slots=slots)
        db.session.get(Meeting, own).offices = [db.session.get(Office, c) for c in ("AU", "BR")]
        with_presenters(own)
        made(api, f"Plain {n}", None, slots=slots)

    more(1, 2)
    few = queries()
    for n in (2, 3):
        more(n, 5)
    many = queries()
    assert few == many, f"{few} queries for one meeting, {many} for three"
    assert max(many) <= 20
