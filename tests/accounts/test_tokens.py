"""A co-lead's API tokens on their account page and the command line: named, expiring, shown
once, listed, revoked one at a time; read-only ones only read."""

import html
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from planner.accounts.models import ApiToken, User, digest
from planner.db_types import utcnow
from planner.extensions import db
from tests.support import (
    COLEAD_EMAIL,
    VOLUNTEERED,
    csrf_token,
    form_in,
    sent_at_once,
    sign_in,
)

TOKEN = re.compile(r"cwsp_[A-Za-z0-9_\-]{20,}")


@pytest.fixture
def signed_in(client, colead):
    """The co-lead's browser: signed in, with no token of its own sent."""
    assert sign_in(client).status_code == 302
    return client


def make(client, name: str = "laptop script", days: str = "90", **more):
    data = {"csrf_token": csrf_token(client, "/account"), "name": name, "days": days, **more}
    return client.post("/account/tokens", data=data)


def text_of(response) -> str:
    """A page's words, as read: tags taken out, entities read."""
    return html.unescape(re.sub(r"<[^>]+>", "", response.text))


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_made_on_the_account_page_is_shown_once(signed_in, client, survey, caplog):
    caplog.set_level(logging.DEBUG)
    page = signed_in.get("/account")
    assert page.status_code == 200
    assert '<h2 id="tokens-heading">API tokens</h2>' in page.text
    assert '<option selected value="90">in 90 days</option>' in page.text
    made = make(signed_in, "laptop script", "30")
    assert made.status_code == 200
    assert made.headers["Cache-Control"] == "private, no-store"
    shown = TOKEN.findall(made.text)
    assert len(set(shown)) == 1, shown
    token = shown[0]
    assert "Copy it now: it is shown this once" in made.text
    assert 'data-copy="new-token"' in made.text and "readonly" in made.text
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash == digest(token) and stored.name == "laptop script"
    assert stored.expires_at - stored.created_at == timedelta(days=30)
    # The form under it is blank: sent again it would only be a twin.
    assert form_in(made.text, "Make the token")["name"] == [""]
    # Never again: not on the page, not when the same form is sent again (a reload, a double
    # click), which makes nothing and says why.
    assert token not in signed_in.get("/account").text
    again = make(signed_in, "laptop script", "30")
    assert again.status_code == 409
    said = html.unescape(again.text)
    assert "You have a working token named “laptop script” already" in said
    assert "nothing was made" in said and "revoke it and make a new one" in said
    assert TOKEN.search(again.text) is None
    assert 'value="laptop script"' in again.text  # the form as typed
    assert len(db.session.scalars(select(ApiToken)).all()) == 1
    # The list says what it is, and the API takes it.
    listed = signed_in.get("/account").text
    assert "laptop script" in listed and "read and write" in listed and "(in 30 days)" in listed
    assert client.get("/api/v1/proposals", headers=bearer(token)).status_code == 200
    assert token not in caplog.text


@pytest.mark.committed  # two requests at once, each on a connection of its own
def test_one_form_sent_twice_at_the_same_moment_makes_one_token(app, colead):
    """A double click reaching two workers: the second waits for the first's turn, then finds
    its token and makes none (no second token that nobody copied)."""
    one, two = app.test_client(), app.test_client()
    forms = []
    for browser in (one, two):
        assert sign_in(browser).status_code == 302
        forms.append({"csrf_token": csrf_token(browser, "/account"), "name": "CI", "days": "30"})
    first, second, meanwhile = sent_at_once(
        lambda: one.post("/account/tokens", data=forms[0]),
        lambda: two.post("/account/tokens", data=forms[1]),
        held_before=ApiToken,
    )
    assert not meanwhile, "the second send did not wait for the first"
    assert first.status_code == 200 and TOKEN.search(first.text)
    assert second.status_code == 409 and TOKEN.search(second.text) is None
    assert len(db.session.scalars(select(ApiToken)).all()) == 1


@pytest.mark.parametrize(
    ("name", "days", "said"),
    [
        ("", "90", "Name the token after what uses it"),
        ("   ", "90", "Name the token after what uses it"),
        ("x" * 101, "90", "Use at most 100 characters."),
        ("laptop\tscript", "90", "cannot contain a tab"),
        ("CI job", "36500", "Not a valid choice: choose 7, 30, 90 or 365."),
        ("CI job", "abc", "Not a valid choice: choose 7, 30, 90 or 365."),
        ("CI job", "", "Not a valid choice: choose 7, 30, 90 or 365."),
    ],
)
def test_a_token_form_refused_comes_back_as_typed(signed_in, name, days, said):
    refused = make(signed_in, name, days)
    assert refused.status_code == 400
    assert said in html.unescape(refused.text)
    assert TOKEN.search(refused.text) is None
    assert db.session.scalar(select(ApiToken)) is None


def test_a_token_form_needs_its_csrf_token(signed_in, client):
    refused = signed_in.post("/account/tokens", data={"name": "x", "days": "90"})
    assert refused.status_code == 400
    assert db.session.scalar(select(ApiToken)) is None
    anyone = client.application.test_client()
    assert anyone.get("/account").headers["Location"].startswith("/login")


def test_revoking_asks_first_and_a_second_send_changes_nothing(signed_in, client, survey):
    token = TOKEN.search(make(signed_in, "CI export job").text)[0]
    stored = db.session.scalar(select(ApiToken))
    confirm = signed_in.get(f"/account/tokens/{stored.id}/revoke")
    assert confirm.status_code == 200
    said = html.unescape(confirm.text)
    assert "Revoke the API token “CI export job”?" in said
    assert "refused (401) from its next request on" in said
    form = form_in(confirm.text, "Revoke the token")
    revoked = signed_in.post(f"/account/tokens/{stored.id}/revoke", data=form)
    assert revoked.status_code == 302 and revoked.headers["Location"] == "/account#tokens"
    refused = client.get("/api/v1/proposals", headers=bearer(token))
    assert refused.status_code == 401
    assert refused.get_json()["message"].startswith("This API token is not one the planner knows")
    # Sent again (a double click, the Back button): a 409 that says so, and nothing moves.
    when = db.session.scalar(select(ApiToken.revoked_at))
    twice = signed_in.post(f"/account/tokens/{stored.id}/revoke", data=form)
    assert twice.status_code == 409
    assert "was revoked already" in html.unescape(twice.text)
    assert db.session.scalar(select(ApiToken.revoked_at)) == when
    # It is listed among the ended ones, with no Revoke button.
    page = signed_in.get("/account").text
    assert "Ended tokens" in page and f"/account/tokens/{stored.id}/revoke" not in page
    assert signed_in.get(f"/account/tokens/{stored.id}/revoke").status_code == 302


def test_another_co_lead_neither_sees_nor_revokes_yours(signed_in, other, client, survey):
    token = TOKEN.search(make(signed_in, "Ana's laptop").text)[0]
    stored = db.session.scalar(select(ApiToken))
    theirs = other.get("/account").text
    assert "Ana&#39;s laptop" not in theirs and "Ana's laptop" not in theirs
    assert "You have no working API token." in theirs
    assert other.get(f"/account/tokens/{stored.id}/revoke").status_code == 404
    form = {"csrf_token": csrf_token(other, "/account")}
    assert other.post(f"/account/tokens/{stored.id}/revoke", data=form).status_code == 404
    assert db.session.scalar(select(ApiToken.revoked_at)) is None
    assert client.get("/api/v1/proposals", headers=bearer(token)).status_code == 200
    # The same name is theirs to use: names are each co-lead's own.
    assert make(other, "Ana's laptop").status_code == 200


def test_an_expired_token_is_told_it_expired(signed_in, client, survey, time_machine):
    token = TOKEN.search(make(signed_in, "laptop script", "7").text)[0]
    stored = db.session.scalar(select(ApiToken))
    time_machine.move_to(stored.expires_at - timedelta(minutes=1), tick=False)
    assert client.get("/api/v1/proposals", headers=bearer(token)).status_code == 200
    time_machine.move_to(stored.expires_at, tick=False)
    expired = client.get("/api/v1/proposals", headers=bearer(token))
    assert expired.status_code == 401
    assert expired.headers["WWW-Authenticate"] == 'Bearer realm="cws-planner"'
    ended = stored.expires_at.strftime("%-d %b %Y %H:%M UTC")
    assert expired.get_json()["message"] == (
        f"This API token (“laptop script”) expired on {ended}: make a new one on your account "
        "page (http://localhost/account), or with 'flask --app app users token --email <your "
        "address>'."
    )
    # On a public address too: a script is told, not answered as anyone (without the
    # co-leads' notes it expects).
    public = client.get("/api/v1/matches?recommendation=10", headers=bearer(token))
    assert public.status_code == 401 and "expired on" in public.get_json()["message"]
    assert client.get("/api/v1/matches?recommendation=10").status_code == 200
    # Listed as ended, and its name is free again.
    assert sign_in(signed_in).status_code == 302  # the session is 7 days older too
    page = text_of(signed_in.get("/account"))
    assert f"expired {ended}" in page and "You have no working API token." in page
    assert make(signed_in, "laptop script").status_code == 200


def test_a_token_made_before_tokens_expired_works_on(signed_in, client, survey, time_machine):
    """Tokens stored before the upgrade have no expiry (migration 5b2e8c1d9f47): their
    scripts go on, and the page says so rather than inventing a date."""
    user = db.session.scalar(select(User))
    old = ApiToken(token_hash=digest("cwsp_from_before"), created_at=utcnow())
    user.tokens.append(old)
    db.session.commit()
    page = text_of(signed_in.get("/account"))
    assert "never (made before tokens expired)" in page
    assert "no name (made before tokens had names)" in page
    assert "once its script has a new token, revoke it" in page
    time_machine.move_to(utcnow() + timedelta(days=3 * 365), tick=False)
    assert client.get("/api/v1/proposals", headers=bearer("cwsp_from_before")).status_code == 200


def test_last_used_is_noted_once_an_hour(signed_in, client, survey, time_machine):
    token = TOKEN.search(make(signed_in).text)[0]
    assert "never" in signed_in.get("/account").text
    start = utcnow()
    client.get("/api/v1/proposals", headers=bearer(token))
    first = db.session.scalar(select(ApiToken.last_used_at))
    assert abs(first - start) < timedelta(minutes=1)
    time_machine.move_to(start + timedelta(minutes=30), tick=False)
    client.get("/api/v1/proposals", headers=bearer(token))
    assert db.session.scalar(select(ApiToken.last_used_at)) == first
    time_machine.move_to(start + timedelta(minutes=61), tick=False)
    client.get("/api/v1/proposals", headers=bearer(token))
    assert db.session.scalar(select(ApiToken.last_used_at)) > first


def test_a_read_only_token_only_reads(signed_in, client, survey):
    made = make(signed_in, "dashboard", read_only="y")
    assert "It can only read." in made.text
    token = TOKEN.search(made.text)[0]
    assert "read only" in signed_in.get("/account").text
    assert client.get("/api/v1/proposals", headers=bearer(token)).status_code == 200
    assert client.get("/api/v1/meetings", headers=bearer(token)).status_code == 200
    refused = client.post("/api/v1/meetings", json={"title": "M"}, headers=bearer(token))
    assert refused.status_code == 403
    assert refused.get_json()["message"] == (
        "This API token (“dashboard”) is read-only: it can only read (GET). To POST here, make "
        "a token that can write on your account page (http://localhost/account)."
    )
    # Nor does it write where anyone may: a volunteer's proposal is no co-lead's to send
    # unthrottled with it.
    sent = client.post(
        "/api/v1/proposals",
        json={**VOLUNTEERED, "email": "eva@example.org"},
        headers=bearer(token),
    )
    assert sent.status_code == 403
    assert client.get("/api/v1/proposals").status_code == 401


def test_the_command_line_names_and_dates_its_tokens(cli, client, colead, survey):
    made = cli.invoke(args=["users", "token", "--email", COLEAD_EMAIL])
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    assert TOKEN.fullmatch(token)  # alone on standard output, for TOKEN=$(...)
    assert "Token “command line” of colead@example.org" in made.stderr
    assert "(90 days). It is not shown again." in made.stderr
    stored = db.session.scalar(select(ApiToken))
    assert stored.expires_at - stored.created_at == timedelta(days=90)
    second = cli.invoke(args=["users", "token", "--email", COLEAD_EMAIL])
    assert "Token “command line 2”" in second.stderr
    named = cli.invoke(
        args=["users", "token", "--email", COLEAD_EMAIL, "--name", "CI job", "--days", "365"]
    )
    assert "works until" in named.stderr and "(365 days)" in named.stderr
    a_day = cli.invoke(args=["users", "token", "--email", COLEAD_EMAIL, "--days", "1"])
    assert "(1 day). It is not shown again." in a_day.stderr
    twin = cli.invoke(args=["users", "token", "--email", COLEAD_EMAIL, "--name", "ci JOB"])
    assert twin.exit_code == 1 and "has a working token named “CI job” already" in twin.stderr
    for refused in (["--days", "0"], ["--days", "366"], ["--name", " "], ["--name", "a\nb"]):
        result = cli.invoke(args=["users", "token", "--email", COLEAD_EMAIL, *refused])
        assert result.exit_code == 2, (refused, result.output)
    read_only = cli.invoke(
        args=["users", "token", "--email", COLEAD_EMAIL, "--name", "reader", "--read-only"]
    )
    reader = read_only.stdout.strip()
    assert client.post("/api/v1/meetings", json={}, headers=bearer(reader)).status_code == 403
    listed = cli.invoke(args=["users", "tokens"]).stdout
    assert listed.count(COLEAD_EMAIL) == 5 and "CI job\tread-write" in listed
    assert "reader\tread-only" in listed and token not in listed
    # `revoke-tokens` still ends every one of them.
    revoked = cli.invoke(args=["users", "revoke-tokens", "--email", COLEAD_EMAIL])
    assert "Revoked 5 token(s)" in revoked.stdout
    assert client.get("/api/v1/proposals", headers=bearer(token)).status_code == 401
    assert cli.invoke(args=["users", "tokens"]).stdout == ""
    assert cli.invoke(args=["users", "tokens", "--all"]).stdout.count("\trevoked ") == 5


@pytest.mark.parametrize(
    "name", ["   ", "\u200b", "x" * 101, "laptop\tscript", "CI \u202ejob", " " + "x" * 100 + " "]
)
def test_the_command_line_takes_or_refuses_a_token_name_as_the_account_page_does(
    signed_in, cli, name
):
    """One check of a token's name: `flask users token --name` refused some names in words of
    its own ("Give the token a name", "A token's name cannot contain a tab"), and the page
    refused a name of 100 characters with a space either side, which the command took."""
    page = make(signed_in, name)
    # The page's token revoked: the command's would be its twin.
    cli.invoke(args=["users", "revoke-tokens", "--email", COLEAD_EMAIL])
    typed = cli.invoke(args=["users", "token", "--email", COLEAD_EMAIL, "--name", name])
    if page.status_code == 200:
        assert typed.exit_code == 0, typed.output
        assert db.session.scalars(select(ApiToken.name)).all() == [name.strip()] * 2
        return
    assert page.status_code == 400 and typed.exit_code == 2, typed.output
    said = re.search(r"Invalid value for '?--name'?: (.+)", typed.stderr)[1].strip()
    assert said in text_of(page), (said, text_of(page))


@pytest.mark.parametrize(
    "sent",
    ["Bearer \x00", "Bearer " + "é" * 5000, "Bearer cwsp_" + "a" * 10000, "Bearer a b"],
)
def test_a_hostile_token_is_refused_not_a_server_error(client, survey, sent):
    for url in ("/api/v1/proposals", "/api/v1/matches?recommendation=10", "/api/v1/surveys"):
        answer = client.get(url, environ_overrides={"HTTP_AUTHORIZATION": sent})
        assert answer.status_code == 401, (url, answer.status_code)
        assert answer.get_json()["message"], url


@pytest.mark.parametrize(
    ("sent", "said"),
    [
        ("Basic Y29sZWFkOnB3", "The API takes no 'Basic' credentials."),
        ("Token cwsp_abc", "The API takes no 'Token' credentials."),
        ("Bearer", "'Authorization: Bearer' came with no token."),
        ("Bearer   ", "'Authorization: Bearer' came with no token."),
        ("", "The Authorization header is empty."),
        ("\u202eBasic x", "The API takes no credentials but a token."),
    ],
)
def test_credentials_the_api_does_not_take_are_a_401_on_public_addresses_too(
    client, survey, sent, said
):
    """A script sending a password (`curl -u`), another API's scheme, or `Bearer $TOKEN` with
    the variable unset was answered as anyone, a 200 that looked like its credentials worked
    (and without the co-leads' notes it expects): told instead, as a bad token is."""
    for url in ("/api/v1/surveys", "/api/v1/matches?recommendation=10", "/api/v1/proposals"):
        answer = client.get(url, environ_overrides={"HTTP_AUTHORIZATION": sent})
        assert answer.status_code == 401, (url, answer.status_code)
        assert answer.headers["WWW-Authenticate"] == 'Bearer realm="cws-planner"'
        assert answer.get_json()["message"] == (
            f"{said} Send a co-lead's API token as 'Authorization: Bearer ...'."
        )
        assert "Access-Control-Allow-Origin" not in answer.headers
    assert client.get("/api/v1/surveys").status_code == 200


def test_a_refusal_of_no_one_field_is_said_on_the_page_not_a_server_error(
    signed_in, survey, monkeypatch
):
    """A refusal of making a token that names no field of the form (today only the twin name
    is refused, which names "name") is said at the page's head with the form as typed, never a
    500 (review of helper-206)."""
    from planner.errors import PlannerError

    def refused(*_args, **_kwargs):
        raise PlannerError("No token was made: try again in a minute.", status=409)

    monkeypatch.setattr("planner.accounts.views.make_token", refused)
    response = make(signed_in, name="CI export job")
    assert response.status_code == 409
    assert "No token was made: try again in a minute." in text_of(response)
    assert 'value="CI export job"' in response.text
