"""What a page about one meeting costs the database: the same number of queries, however many
slots the meeting has and however many offices present in it."""

import pytest

from tests.support import counted_queries

PRESENTERS = ("AU", "BR", "CA", "CN", "DE", "ES", "FI", "JP")


def published_meeting(api, slots: int) -> int:
    """A published meeting of `slots` talks, each by another office, each on Rec 10."""
    meeting = api.post(
        "/api/v1/meetings",
        json={
            "title": f"{slots} talks",
            "starts_at": "2026-12-08T12:00:00+01:00",
            "duration_minutes": 180,
            "time_zone": "Europe/Zurich",
        },
    ).get_json()
    for n in range(slots):
        created = api.post(
            f"/api/v1/meetings/{meeting['id']}/slots",
            json={
                "title": f"Talk {n + 1}",
                "office": PRESENTERS[n],
                "recommendations": [10],
                "duration_minutes": 15,
            },
        )
        assert created.status_code == 201
    assert api.post(f"/api/v1/meetings/{meeting['id']}/publish").status_code == 200
    return meeting["id"]


def queries_for(api, url: str, slots: int) -> int:
    meeting_id = published_meeting(api, slots)
    with counted_queries() as statements:
        response = api.get(url.format(id=meeting_id))
    assert response.status_code == 200, url
    return len(statements)


@pytest.mark.parametrize(
    "url",
    [
        "/meetings",
        "/meetings/{id}",
        "/meetings/{id}/edit",
        "/api/v1/meetings/{id}",
        "/meetings/{id}/schedule.json",
        "/meetings/{id}.ics",
        "/meetings/{id}.ics?scope=slots",
    ],
)
def test_queries_do_not_grow_with_the_slots(colead_client, survey, url):
    # The second meeting also makes the list of meetings one longer.
    few, many = queries_for(colead_client, url, 3), queries_for(colead_client, url, 8)
    assert few == many, f"{url}: {few} queries with 3 slots, {many} with 8"
