"""What anyone may read comes gzip-compressed to a client that takes it; an answer that holds a
secret (a co-lead's page, a CSRF token, a private link, a flashed message) never does, so that its
length tells nothing of the secret beside text an attacker sends (BREACH)."""

import gzip

import pytest

from tests.presenters.support import before_the_meeting as before_the_meeting
from tests.presenters.support import invite
from tests.presenters.support import slot as slot
from tests.proposals.test_schedule import volunteer

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def compressed(response) -> bool:
    return response.headers.get("Content-Encoding") == "gzip"


@pytest.mark.parametrize(
    "url",
    [
        "/recommendations/10/matches",
        "/recommendations/10/matches?office=ES&role=audience&show=all",
        "/",
        "/offices",
        "/api/v1/matches?recommendation=10",
        "/api/v1/surveys/CWS-13-26/answers",
        "/charts/CWS-13-26/heatmap.svg",
    ],
)
def test_what_anyone_may_read_comes_compressed(client, survey, url):
    """helper-251: the matches of Rec 10 were 29 kB compressed, 1 MB not, over a hotel's 3G."""
    plain = client.get(url)
    packed = client.get(url, headers=GZIP)
    assert plain.status_code == packed.status_code == 200
    assert compressed(packed) and not compressed(plain)
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert int(packed.headers["Content-Length"]) == len(packed.get_data()) < len(plain.get_data())
    # A cache between keeps the two apart.
    assert (
        "Accept-Encoding" in plain.headers["Vary"] and "Accept-Encoding" in packed.headers["Vary"]
    )


def test_a_co_leads_pages_are_never_compressed(colead_client, survey):
    """A co-lead's page shows contacts, marks' notes and authors, and a CSRF token (signing out);
    the API with a token adds notes and drafts: not one of them is compressed."""
    for url in ("/recommendations/10/matches", "/", "/offices/AU", "/proposals"):
        response = colead_client.get(url, headers=GZIP)
        assert response.status_code == 200 and not compressed(response), url
    api = colead_client.get("/api/v1/matches?recommendation=10", headers=GZIP)
    assert api.status_code == 200 and not compressed(api)


def test_a_page_with_a_form_or_a_private_link_is_never_compressed(client, api, survey, slot):
    """Pages anyone opens that hold a CSRF token (a form), a private link's (its token in the
    address and its forms) and what a presenter's link opens: never compressed."""
    proposal = volunteer(client)
    presenter = invite(api, slot)
    for url in ("/volunteer", "/login", f"/proposals/{proposal}", presenter):
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200 and not compressed(response), url
        assert len(response.get_data()) > 1024, url  # large enough to have been compressed


def test_a_flashed_message_is_never_compressed(client, survey):
    """A message flashed to this browser alone (a confirmation) is read from its session."""
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Sent to lucia@indecopi.example.")]
    response = client.get("/recommendations/10/matches", headers=GZIP)
    assert "lucia@indecopi.example" in response.get_data(as_text=True)
    assert not compressed(response)
    assert compressed(client.get("/recommendations/10/matches", headers=GZIP))


def test_feeds_and_static_files_keep_their_validators(client, survey):
    """Answers with a strong ETag (feeds, static files) are sent as they are, so If-None-Match
    goes on answering 304 (pretalx found nginx's gzip dropping its exports' ETags)."""
    for url in ("/feeds/taskforce.ics", "/static/app.css"):
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200 and not compressed(response), url
        again = client.get(url, headers={**GZIP, "If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304, url
