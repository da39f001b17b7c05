"""A number in an address or a query has one spelling: ASCII digits (werkzeug's converter and
int() also read "١٠", Arabic-Indic digits, and "010"), so one resource has one address."""

import pytest


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/feeds/recommendations/10.ics", 200),
        ("/feeds/recommendations/%31%30.ics", 200),  # percent-encoded ASCII: the same address
        ("/feeds/recommendations/١٠.ics", 404),
        ("/feeds/recommendations/010.ics", 404),
        ("/meetings/١.ics", 404),
    ],
)
def test_numbers_in_addresses_have_one_spelling(client, survey, url, status):
    assert client.get(url).status_code == status


@pytest.mark.parametrize("value", ["١٠", "1_0", "²"])
def test_numbers_in_queries_are_ascii(client, survey, value):
    answer = client.get(f"/api/v1/matches?per_page={value}")
    assert answer.status_code == 400
    assert "per_page" in answer.get_json()["message"]


def test_an_ascii_number_in_a_query_is_read(client, survey):
    assert client.get("/api/v1/matches?per_page=10").status_code == 200
