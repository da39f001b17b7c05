"""Every API error has one shape: {"error": reason, "status": code, "message": ..., details}."""

import pytest

# Every statement these tests send to the database, other tests send on PostgreSQL too
# (measured: each statement's shape, over the PostgreSQL run): SQLite only (`one_database`).
pytestmark = pytest.mark.one_database


@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        ("post", "/api/v1/proposals", {"office": "IL", "recommendations": "10"}, 400),
        ("post", "/api/v1/proposals", {"office": "IL"}, 400),  # with per-field details
        ("post", "/api/v1/lineups", {"recommendation": 10, "min_small": 4}, 422),
        ("post", "/api/v1/lineups", {"slots": "five"}, 400),
        ("post", "/api/v1/meetings", {"title": "x", "time_zone": "CET"}, 400),
        ("get", "/api/v1/meetings/999", None, 404),
        ("get", "/api/v1/matches?recommendation=ten", None, 400),
        ("get", "/api/v1/matches?survey=CWS-99-1", None, 404),
        ("post", "/api/v1/lineups", {"survey": "CWS-99-1"}, 404),
    ],
)
def test_one_error_shape(colead_client, survey, method, url, body, status):
    response = getattr(colead_client, method)(url, json=body)
    assert response.status_code == status
    error = response.get_json()
    assert error["status"] == status
    assert error["error"] and error["message"]


def test_publishing_an_undated_meeting_is_a_conflict_in_that_shape(colead_client, survey):
    meeting = colead_client.post("/api/v1/meetings", json={"title": "Undated"}).get_json()
    response = colead_client.post(f"/api/v1/meetings/{meeting['id']}/publish")
    assert response.get_json() == {
        "error": "Conflict",
        "status": 409,
        "message": "Set the date and start time before publishing.",
    }


def test_without_a_token_it_is_401_in_that_shape(client, survey):
    response = client.post("/api/v1/lineups", json={})
    assert response.get_json()["error"] == "Unauthorized"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="cws-planner"'


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/meetings?per_page=1&per_page=500", "per_page"),
        ("/api/v1/meetings?page=2&page=1", "page"),
        ("/api/v1/matches?recommendation=10&office=AU&office=JP", "office"),
        ("/api/v1/matches?recommendation=10&recommendation=3", "recommendation"),
        ("/api/v1/proposals?status=accepted&status=declined", "status"),
        ("/api/v1/surveys/CWS-13-26/answers?office=AU&office=PE", "office"),
    ],
)
def test_a_query_parameter_given_twice_is_refused_not_one_value_kept(
    colead_client, survey, url, name
):
    """helper-163: ?per_page=1&per_page=500 answered one meeting a page, and ?office=AU&
    office=JP the matches of AU alone, without a word of the value left out; no API address
    reads a list from its query (suggest-times takes offices=AU,PE)."""
    response = colead_client.get(url)
    assert response.status_code == 400, response.get_json()
    error = response.get_json()
    assert error["field"] == name
    assert error["message"].startswith(f"{name} is given twice")
    # The same value twice says nothing new: read as once.
    assert colead_client.get("/api/v1/meetings?per_page=5&per_page=5").status_code == 200


@pytest.mark.parametrize(
    ("method", "url", "content_type"),
    [
        ("post", "/api/v1/proposals", "application/x-www-form-urlencoded"),
        ("post", "/api/v1/meetings", "text/plain"),
        ("post", "/api/v1/lineups", "multipart/form-data; boundary=x"),
        ("post", "/api/v1/meetings", None),
    ],
)
def test_a_body_that_is_not_json_is_a_415_saying_what_came(
    colead_client, survey, method, url, content_type
):
    """A script's `curl -d '{...}'` (sent as a form) or `fetch(url, {body})` (as text): the
    type is what is wrong, said as 415 in the one shape, not a 400 to search the body for."""
    response = colead_client.open(
        url, method=method, data='{"title": "Rec 10"}', content_type=content_type
    )
    assert response.status_code == 415
    error = response.get_json()
    assert error["status"] == 415 and error["error"] == "Unsupported Media Type"
    assert "application/json" in error["message"]
    said = content_type.split(";")[0] if content_type else "no Content-Type"
    assert said in error["message"]


def test_a_write_with_no_body_is_still_told_to_send_one(colead_client, survey):
    response = colead_client.post("/api/v1/meetings")
    assert response.status_code == 400
    assert response.get_json()["message"].startswith("Send a JSON object")
