"""Absolute links start with the configured BASE_URL, whatever Host header a request sends: a
private link or a feed's address can never be pointed at someone else's server."""

import re

import pytest
from sqlalchemy import func, select

from planner.config import DEVELOPMENT_BASE_URL, base_url
from planner.extensions import db
from planner.proposals.models import Proposal
from tests.support import publish_as_planned

EVIL = {"Host": "evil.example"}
PROPOSAL = {
    "office": "IL",
    "name": "Dana",
    "email": "dana@ilpo.example",
    "title": "AI search for examiners",
    "abstract": "What we built and learned.",
    "recommendations": [10],
    "duration": 25,
    "maturity": "production",
}


def test_the_private_link_ignores_the_host_header(app, client, survey):
    response = client.post("/api/v1/proposals", json=PROPOSAL, headers=EVIL)
    assert response.status_code == 201, response.get_json()
    link = response.get_json()["link"]
    assert link.startswith(f"{app.config['BASE_URL']}/proposals/")
    assert "evil.example" not in link
    # The link works.
    path = link.removeprefix(app.config["BASE_URL"])
    assert client.get(path).status_code == 200


def test_feed_addresses_ignore_the_host_header(app, client, colead_client, survey):
    meeting = colead_client.post(
        "/api/v1/meetings",
        json={"title": "Rec 10", "starts_at": "2030-03-10T13:00:00+01:00", "duration_minutes": 60},
    ).get_json()
    colead_client.post(
        f"/api/v1/meetings/{meeting['id']}/slots", json={"title": "Opening", "duration_minutes": 10}
    )
    published = publish_as_planned(colead_client, meeting["id"])
    assert published.status_code == 200, published.get_json()
    page = client.get(f"/meetings/{meeting['id']}", headers=EVIL)
    assert page.status_code == 200
    index = client.get("/meetings", headers=EVIL)
    text = page.get_data(as_text=True) + index.get_data(as_text=True)
    assert "evil.example" not in text
    addresses = re.findall(r"webcal://[^\"'<\s]+", text)
    assert len(addresses) >= 3, addresses
    assert all(a.startswith("webcal://localhost/") for a in addresses), addresses
    ics = client.get(f"/meetings/{meeting['id']}.ics", headers=EVIL).get_data(as_text=True)
    assert "evil.example" not in ics
    assert "http://localhost/meetings/" in ics.replace("\r\n ", "")


def test_another_base_url_is_used_as_configured(app, client, survey):
    app.config["BASE_URL"] = "https://planner.example.org/cws"
    try:
        link = client.post("/api/v1/proposals", json=PROPOSAL, headers=EVIL).get_json()["link"]
    finally:
        app.config["BASE_URL"] = "http://localhost"
    assert link.startswith("https://planner.example.org/cws/proposals/")


def test_a_redirect_to_the_tidy_address_ignores_the_host_header(app, client, survey):
    """An address with a doubled slash is redirected by the router to its tidy form: that
    redirect named the request's Host, so that "/proposals//<token>" sent with another Host led
    to the private link on evil.example. It names a path on this site, as every redirect of the
    app does."""
    link = client.post("/api/v1/proposals", json=PROPOSAL).get_json()["link"]
    path = link.removeprefix(app.config["BASE_URL"])
    for asked, tidy in (
        (path.replace("/proposals/", "/proposals//"), path),
        ("/feeds//taskforce.ics?download", "/feeds/taskforce.ics?download"),
    ):
        response = client.get(asked, headers=EVIL)
        assert response.status_code == 308, asked
        assert response.headers["Location"] == tidy
        assert client.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize("host", ["a..example", "a" * 64, "x" * 64 + ".example:8000", "."])
def test_a_host_header_that_names_no_host_is_a_400_that_says_so(client, survey, host):
    """Werkzeug cannot read such a header as a host name (an empty label, one over 63
    characters); the error page, built without it, said nothing: the server's bare 500."""
    bad = {"Host": host}
    for path in ("/", "/meetings", "/feeds/taskforce.ics"):
        page = client.get(path, headers=bad)
        assert page.status_code == 400, path
        assert "Host header" in page.get_data(as_text=True)
    assert client.get("/no-such-page", headers=bad).status_code == 404
    answer = client.get("/api/v1/surveys", headers=bad)
    assert answer.status_code == 400
    assert "Host header" in answer.get_json()["message"]
    assert client.post("/api/v1/proposals", json=PROPOSAL, headers=bad).status_code == 400
    assert db.session.scalar(select(func.count(Proposal.id))) == 0


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("", DEVELOPMENT_BASE_URL),
        ("https://planner.example.org/", "https://planner.example.org"),
        ("  http://10.0.0.5:8000  ", "http://10.0.0.5:8000"),
        # Written as links are, in every email and feed (helper-200); the path as given.
        ("HTTPS://Planner.Example.ORG/Tasks/", "https://planner.example.org/Tasks"),
    ],
)
def test_base_url_setting(given, used):
    assert base_url(given) == used


@pytest.mark.parametrize("given", ["planner.example.org", "ftp://x", "https://x/?a=1", "https://"])
def test_a_base_url_that_is_no_web_address_stops_the_app(given):
    with pytest.raises(ValueError, match="BASE_URL"):
        base_url(given)
