"""The pages of every API listing (`pagination.api_page`): the links to the next and previous
pages carry the request's query with the page size as it was read."""

import pytest

from tests.proposals.test_proposals import API_VALID


@pytest.fixture
def listed(colead_client, survey) -> int:
    """Two of everything an API lists: meetings, with their changes, and proposals (the offices
    and the survey's matches are many). The meeting whose changes are listed."""
    meetings = [
        colead_client.post("/api/v1/meetings", json={"title": title}).get_json()["id"]
        for title in ("Rec 10 workshop", "Rec 3 workshop")
    ]
    for title in ("AI search for examiners", "Machine translation of claims"):
        made = colead_client.post("/api/v1/proposals", json={**API_VALID, "title": title})
        assert made.status_code == 201, made.get_json()
    answer = colead_client.patch(f"/api/v1/meetings/{meetings[0]}", json={"duration_minutes": 90})
    assert answer.status_code == 200, answer.get_json()
    return meetings[0]


@pytest.mark.parametrize(
    "listing",
    [
        "/api/v1/meetings?",
        "/api/v1/meetings/{meeting}/history?",
        "/api/v1/proposals?",
        "/api/v1/offices?",
        "/api/v1/matches?recommendation=10&",
    ],
)
def test_the_next_and_previous_pages_carry_the_page_size_as_read(colead_client, listed, listing):
    """helper-313: ?per_page=%20%201 is one item a page, and came back in the links as
    "per_page=++1", spaces and all."""
    url = listing.format(meeting=listed)
    second = colead_client.get(url + "per_page=%20%201&page=2")
    assert second.status_code == 200, second.get_json()
    body = second.get_json()
    assert body["per_page"] == 1 and body["count"] >= 2, body
    assert body["previous"] == f"{url}per_page=1&page=1"
    assert body["next"] in (None, f"{url}per_page=1&page=3"), body["next"]
    assert "+" not in (body["next"] or "") + body["previous"]


def test_a_page_size_given_twice_alike_is_written_once(client, survey):
    body = client.get("/api/v1/offices?per_page=5&per_page=5").get_json()
    assert body["next"] == "/api/v1/offices?per_page=5&page=2"
