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


@pytest.mark.parametrize(
    ("method", "path", "endpoint"),
    [
        ("GET", "/meetings/new", "agenda.new"),
        ("GET", "/meetings/report", "agenda.report"),
        ("GET", "/meetings/report.csv", "agenda.report_csv"),
        ("GET", "/lineups/new", "lineup.new"),
        ("POST", "/outbox/settings", "mail.settings"),
        ("POST", "/outbox/send-held", "mail.send_held"),
        # A volunteer's private link is URL-safe base64: it may start with a sign or a digit.
        ("GET", "/proposals/-1Zx8q_0aB3", "proposals.private"),
        ("GET", "/proposals/0123456789abc", "proposals.private"),
        ("GET", "/proposals/+1", "proposals.decide"),  # no token holds a "+": a number misspelled
        ("GET", "/proposals/12", "proposals.decide"),
    ],
)
def test_a_word_or_a_link_beside_a_number_reaches_its_own_page(app, method, path, endpoint):
    """The int converter matches any spelling of a number, to refuse all but one (404 as its
    address refuses): a word or a private link at the same place is not one."""
    assert app.url_map.bind("localhost").match(path, method=method)[0] == endpoint
