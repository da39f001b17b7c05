"""Every kind of answer as the operator of a shared cache in front of the planner reads it (nginx
proxy_cache, Varnish, a CDN, which calendar programs poll feeds through): what it may keep
(neither private nor no-store) sets no cookie and holds nothing personal; a 304 says what its
200 says; and where a co-lead, a script with a token or a browser taking gzip is answered
otherwise at the same address, the kept answer says so in Vary, so that the cache asks again."""

import re

import pytest
from sqlalchemy import select

from planner.accounts.models import User
from planner.extensions import db
from planner.materials.operations import add_file
from planner.presenters.operations import by_token
from tests.conftest import signed_in
from tests.materials.files import PDF
from tests.probe.support import PROPOSAL, World
from tests.support import csrf_token, sign_in


def kept_by_a_shared_cache(response) -> bool:
    """RFC 9111: a shared cache may keep any answer but a private or no-store one."""
    return not (response.cache_control.private or response.cache_control.no_store)


def varies_on(response) -> set[str]:
    return {name.strip().lower() for name in response.headers.get("Vary", "").split(",")}


def addresses(world: World, client) -> list[str]:
    """An address of every kind the planner answers."""
    office = client.application.test_client()
    signed_in(office, db.session.scalar(select(User).where(User.role == "colead")))
    feed = re.search(r'(/feeds/offices/AU\.ics\?token=[^"<\s]+)', office.get("/offices/AU").text)[1]
    page = client.get("/volunteer").text
    static = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    slides = add_file(by_token(world.presenter).slot, "slides.pdf", PDF, "presenter Alex")
    db.session.commit()
    return [
        # Pages anyone reads, pages only a co-lead reads (a redirect to sign-in for others).
        *("/", "/volunteer", "/login", "/surveys", "/offices/AU", "/recommendations/10"),
        *(f"/meetings/{world.published}", f"/meetings/{world.meeting}", "/proposals"),
        *(f"/meetings/{world.published}/archive", "/offices/contacts.csv"),
        # Downloads: a survey's table, a chart, a meeting's agenda, slides.
        *("/surveys/CWS-13-26/summary.csv", "/charts/CWS-13-26/bars.svg"),
        *(f"/meetings/{world.meeting}/agenda.csv", f"/materials/{slides.id}/slides.pdf"),
        # Private links: a volunteer's proposal, a presenter's page, their slides and time.
        *(f"/proposals/{world.token}", f"/proposals/{world.token}/edit"),
        *(f"/presenter/{world.presenter}", f"/presenter/{world.presenter}/slot.ics"),
        f"/presenter/{world.presenter}/materials/{slides.id}",
        world.unsubscribe,
        # Feeds and files programs poll: an office's private feed among them.
        *(f"/meetings/{world.published}.ics", "/feeds/taskforce.ics", feed),
        *("/feeds/recommendations/10.ics", f"/meetings/{world.published}/schedule.json"),
        *("/zones/en", "/zones/fr"),
        # The API, public reads and a co-lead's.
        *("/api/v1/surveys", f"/api/v1/meetings/{world.published}", "/api/v1/proposals"),
        # Refusals: an address that is nowhere, a meeting that is not there, in each kind.
        *("/nowhere", "/meetings/999999", "/api/v1/meetings/999999", "/feeds/offices/AU.ics"),
        *static,
    ]


@pytest.fixture
def visitors(app, client, colead_client, world) -> dict[str, tuple]:
    """Who asks, and how: anyone (a browser that has been here before, holding a session
    cookie), the same taking gzip, a co-lead's browser (signed in: the cookie, no token) and a
    co-lead's script (the token, no cookie)."""
    browser = app.test_client()
    signed_in(browser, db.session.scalar(select(User).where(User.role == "colead")))
    script = app.test_client()
    script.environ_base["HTTP_AUTHORIZATION"] = colead_client.environ_base["HTTP_AUTHORIZATION"]
    db.session.commit()
    client.get("/volunteer")
    return {
        "anyone": (client, {}),
        "anyone taking gzip": (client, {"Accept-Encoding": "gzip"}),
        "a co-lead": (browser, {}),
        "a script": (script, {}),
    }


def shown(response) -> bytes:
    """What an answer shows, but the CSRF token of a form's session, which a visitor without
    a cookie is given anew each time."""
    return re.sub(rb'(name="csrf_token"[^>]*value=")[^"]*', rb"\1", response.data)


def personal(world: World) -> list[str]:
    """What no one but its holder may be handed: private links, a contact's address."""
    return [world.token, world.presenter, world.unsubscribe, PROPOSAL["email"]]


def test_what_a_shared_cache_keeps_sets_no_cookie_and_tells_no_one_anything_personal(
    world, client, visitors
):
    """Every kind of answer (`addresses`) to each visitor (`visitors`)."""
    for url in addresses(world, client):
        answers = {who: asker.get(url, headers=sent) for who, (asker, sent) in visitors.items()}
        for who, answer in answers.items():
            what = f"{url} to {who}"
            assert answer.status_code < 500, what
            if answer.headers.getlist("Set-Cookie"):
                assert not kept_by_a_shared_cache(answer), what
            if kept_by_a_shared_cache(answer) and not answer.content_encoding:
                body = answer.get_data(as_text=True)
                assert not [secret for secret in personal(world) if secret in body], what
                assert 'name="csrf_token"' not in body, what  # a session's own
            if "ETag" in answer.headers:
                asker, sent = visitors[who]
                again = asker.get(url, headers={**sent, "If-None-Match": answer.headers["ETag"]})
                if again.status_code == 304:
                    for name in ("Cache-Control", "Vary", "ETag"):
                        assert again.headers.get(name) == answer.headers.get(name), (what, name)
        kept = answers["anyone"]
        if not kept_by_a_shared_cache(kept):
            continue
        # Whoever else is answered otherwise here, the kept answer says what tells them apart.
        for who, header in (("a co-lead", "cookie"), ("a script", "authorization")):
            other = answers[who]
            if (other.status_code, shown(other)) != (kept.status_code, shown(kept)):
                assert header in varies_on(kept), f"{url}: {who} is answered otherwise"
        if answers["anyone taking gzip"].content_encoding == "gzip":
            assert "accept-encoding" in varies_on(kept), url


def test_an_answer_that_sets_a_cookie_is_kept_by_no_cache(app, client, colead, world):
    """helper-363: the first visit to the volunteer form or sign-in (the session cookie and its
    CSRF token), a link to another time zone, a redirect to sign-in and the page after signing
    out each set a cookie, and said nothing of caching: a cache in front kept them and handed
    the first visitor's session to the next one, and, after one co-lead signed out, a cookie
    ending the session to everyone asking for the same page."""
    first_visits = [
        "/volunteer",
        "/login",
        f"/meetings/{world.published}?zone=Asia/Tokyo",
        "/proposals",
    ]
    for url in first_visits:
        answer = app.test_client().get(url)
        assert answer.headers.getlist("Set-Cookie"), url
        assert answer.headers.get("Cache-Control") == "private, no-store", url
    assert sign_in(client).status_code == 302
    signed_out = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    landing = client.get(signed_out.headers["Location"])
    assert "session=;" in landing.headers["Set-Cookie"]  # the session ends here
    assert landing.headers.get("Cache-Control") == "private, no-store"
    # Asked again with nothing changed, the page is as cacheable as it ever was.
    assert "Cache-Control" not in client.get("/").headers


def test_a_form_page_read_again_holds_the_sessions_token_and_is_kept_by_no_cache(app):
    """The volunteer form and sign-in, read again by a visitor whose session already has its
    CSRF token: no cookie is set, but the page holds that token. A cache in front not told
    apart by the cookie kept it for everyone, and each next volunteer's proposal was refused
    as sent from an expired session (helper-363). A page without a form keeps its caching."""
    visitor = app.test_client()
    for url in ("/volunteer", "/login"):
        visitor.get(url)
        again = visitor.get(url)
        assert not again.headers.getlist("Set-Cookie"), url
        assert again.headers.get("Cache-Control") == "private, no-store", url
    assert "Cache-Control" not in visitor.get("/offices/AU").headers
