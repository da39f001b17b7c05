"""Pages that show a contact, a private link or a token are kept in no shared cache, and a
private link's page sends its address to no other site."""

from tests.proposals.test_schedule import PROPOSAL, volunteer
from tests.support import VOLUNTEERED, csrf_token


def test_a_private_links_page_is_not_cached_and_leaks_no_referrer(client, survey):
    token = volunteer(client)
    for url in (f"/proposals/{token}", f"/proposals/{token}/edit"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private, no-store", url
        assert response.headers["Referrer-Policy"] == "no-referrer", url


def test_an_address_under_a_private_link_that_leads_nowhere_is_kept_private_too(client, survey):
    """A private link cut or extended in a mail client ("/presenter/<token>/junk") matches no
    route: its 404 still keeps the address out of Referer and caches (helper-181)."""
    token = volunteer(client)
    for url in (f"/proposals/{token}/junk", f"/presenter/{token}/x/y", "/unsubscribe/a/b/c"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.headers["Cache-Control"] == "private, no-store", url
        assert response.headers["Referrer-Policy"] == "no-referrer", url
    public = client.get("/nowhere/at/all")
    assert public.status_code == 404 and public.headers["Referrer-Policy"] == "same-origin"


def test_co_leads_pages_are_not_cached(colead_client, survey):
    for url in ("/offices/AU", "/offices/AU/contacts/new", "/proposals", "/"):
        response = colead_client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private, no-store", url


def test_a_form_shown_again_with_what_was_typed_is_not_cached(client, survey):
    """The volunteer form refused (a field missing) or shown again with its availability read
    holds the name and address the volunteer typed, to someone signed out: kept by no cache, as
    a private link's page and the co-leads' pages are (helper-181)."""
    sent = {**PROPOSAL, "csrf_token": csrf_token(client, "/volunteer")}
    for data in ({**sent, "title": ""}, {**sent, "read_availability": "1"}):
        response = client.post("/volunteer", data=data)
        assert response.status_code in (200, 400)
        assert PROPOSAL["contact_email"] in response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "private, no-store"
    # A public page without a form, read, keeps its caching (the volunteer form holds the
    # session's CSRF token: tests/probe/test_shared_cache.py).
    assert "no-store" not in client.get("/offices/AU").headers.get("Cache-Control", "")


def test_public_pages_keep_their_caching_and_referrer(client, survey):
    response = client.get("/offices/AU")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert response.headers["Referrer-Policy"] == "same-origin"
    # A feed sets its own caching; a public one stays shared.
    feed = client.get("/feeds/taskforce.ics")
    assert "public" in feed.headers["Cache-Control"]


def test_api_answers_for_a_co_leads_token_or_with_a_private_link_are_not_cached(
    app, api, client, survey
):
    """helper-80: answers made for a Bearer token (contacts, co-leads' notes, drafts) and the
    answer that carries a volunteer's private link are kept in no cache; a public answer that
    a token adds to says it varies with it."""
    for url in ("/api/v1/proposals", "/api/v1/matches?recommendation=10&office=AU"):
        response = api.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private, no-store", url
        assert "Authorization" in response.headers["Vary"], url
    public = client.get("/api/v1/matches?recommendation=10&office=AU")
    assert "no-store" not in public.headers.get("Cache-Control", "")
    assert "Authorization" in public.headers["Vary"]
    sent = app.test_client().post(
        "/api/v1/proposals",
        json={**VOLUNTEERED, "email": "eva@ipaustralia.example"},
    )
    assert sent.status_code == 201 and "link" in sent.get_json()
    assert sent.headers["Cache-Control"] == "private, no-store"
