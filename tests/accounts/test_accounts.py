"""Co-lead accounts: creation, one-time passwords, tokens, and who may write."""

import hashlib
import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from planner.accounts.models import ApiToken, User
from planner.agenda.models import Meeting
from planner.db_types import utcnow
from planner.extensions import db
from planner.offices.models import OfficeContact
from tests.conftest import colead_password_hash
from tests.support import COLEAD_EMAIL, COLEAD_PASSWORD, csrf_token, sign_in


def test_create_prints_a_one_time_password_that_must_be_changed(cli, client, app_context):
    result = cli.invoke(args=["users", "create", "--email", "Ana@Example.org", "--role", "colead"])
    assert result.exit_code == 0, result.output
    password = re.search(r"One-time password \(.*\): (\S+)", result.stdout)[1]
    user = db.session.scalar(select(User))
    assert user.email == "ana@example.org"
    assert user.password_hash.startswith("scrypt:") and password not in user.password_hash
    response = sign_in(client, "ana@example.org", password)
    assert response.headers["Location"].startswith("/account/password")
    # Until the password is changed, co-lead pages lead back to the password form.
    assert client.get("/proposals").headers["Location"].startswith("/account/password")
    url = "/account/password"
    token = csrf_token(client, url)
    short = client.post(
        url, data={"csrf_token": token, "current": password, "new": "short", "confirm": "short"}
    )
    assert short.status_code == 400
    assert "Use at least 12 characters." in short.get_data(as_text=True)
    long = "x" * 201
    too_long = client.post(
        url, data={"csrf_token": token, "current": password, "new": long, "confirm": long}
    )
    assert too_long.status_code == 400
    page = too_long.get_data(as_text=True)
    assert "Use at most 200 characters." in page and "Use at least" not in page
    # Long enough is not enough: a common password, a repeat or the account's own address is
    # refused, saying why (zxcvbn's judgement).
    for guessable, why in (
        ("password1234", "This is a very common password."),
        ("aaaaaaaaaaaaaaaa", 'Repeats like "aaa" are easy to guess.'),
        ("ana@example.org", "it contains your email address"),
        ("Ana-likes-long-passwords", "it contains “ana”, a name in your email address"),
    ):
        weak = client.post(
            url,
            data={"csrf_token": token, "current": password, "new": guessable, "confirm": guessable},
        )
        assert weak.status_code == 400
        page = html.unescape(weak.get_data(as_text=True))
        assert "This password is too easy to guess" in page and why in page
    changed = client.post(
        url,
        data={
            "csrf_token": token,
            "current": password,
            "new": "a much longer secret",
            "confirm": "a much longer secret",
        },
    )
    assert changed.status_code == 302
    assert client.get("/proposals").status_code == 200


def test_a_one_time_password_signs_in_for_a_week(cli, client, app_context, time_machine):
    """helper-194: a one-time password printed and never used still signed in months later.
    It lasts 7 days; after that the one who typed it is told so, and nobody else learns more
    than "wrong" about the account."""
    result = cli.invoke(args=["users", "create", "--email", "ana@example.org"])
    assert "(to be changed at first sign-in, within 7 days)" in result.stdout
    password = re.search(r"One-time password \(.*\): (\S+)", result.stdout)[1]
    time_machine.move_to(utcnow() + timedelta(days=6, hours=23), tick=False)
    assert sign_in(client, "ana@example.org", password).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account/password")})
    time_machine.move_to(utcnow() + timedelta(days=1, hours=2), tick=False)
    late = sign_in(client, "ana@example.org", password)
    assert late.status_code == 401
    assert "This one-time password has expired" in html.unescape(late.text)
    assert "expired" not in sign_in(client, "ana@example.org", "a wrong one").text
    # A new one from `users password` works again.
    again = cli.invoke(args=["users", "password", "--email", "ana@example.org"])
    fresh = re.search(r"One-time password \(.*\): (\S+)", again.stdout)[1]
    assert sign_in(client, "ana@example.org", fresh).status_code == 302


def test_create_with_a_prompted_password(cli, app_context):
    result = cli.invoke(
        args=["users", "create", "--email", "b@example.org", "--password-prompt"],
        input="twelve chars ok\ntwelve chars ok\n",
    )
    assert result.exit_code == 0, result.output
    assert "One-time password" not in result.stdout
    user = db.session.scalar(select(User).where(User.email == "b@example.org"))
    assert user.check_password("twelve chars ok") and not user.must_change_password
    again = cli.invoke(args=["users", "create", "--email", "b@example.org"])
    assert again.exit_code == 1
    assert "exists already" in again.stderr
    weak = cli.invoke(
        args=["users", "create", "--email", "c@example.org", "--password-prompt"],
        input="qwertyuiopasdf\nqwertyuiopasdf\n",
    )
    assert weak.exit_code == 1 and "too easy to guess" in weak.stderr
    assert db.session.scalar(select(User).where(User.email == "c@example.org")) is None


def test_a_script_pipes_a_prompted_password_in_once(cli, app_context):
    """A script gives the password on one line: asked for it twice, it ended in "Aborted!"."""
    result = cli.invoke(
        args=["users", "create", "--email", "d@example.org", "--password-prompt"],
        input="twelve chars ok\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "d@example.org"))
    assert user.check_password("twelve chars ok")
    changed = cli.invoke(
        args=["users", "password", "--email", "d@example.org", "--password-prompt"],
        input="another twelve ok\n",
    )
    assert changed.exit_code == 0, changed.output
    db.session.refresh(user)
    assert user.check_password("another twelve ok")
    short = cli.invoke(
        args=["users", "password", "--email", "d@example.org", "--password-prompt"], input=""
    )
    assert short.exit_code == 1
    assert "Use at least 12 characters. Nothing was changed." in short.stderr


def test_a_person_at_a_terminal_types_the_password_twice(cli, app_context, monkeypatch):
    """Never shown, a typo would lock them out: asked twice, and again, saying why, when the
    two differ or it is refused."""
    monkeypatch.setattr("planner.accounts.cli._at_a_terminal", lambda: True)
    typed = ["short", "twelve chars ok", "twelve chars OK", "twelve chars ok", "twelve chars ok"]
    result = cli.invoke(
        args=["users", "create", "--email", "e@example.org", "--password-prompt"],
        input="\n".join(typed) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Use at least 12 characters. Type another one." in result.stderr
    assert "The two passwords typed differ: type it again, twice." in result.stderr
    assert result.output.count("The same password again:") == 2
    user = db.session.scalar(select(User).where(User.email == "e@example.org"))
    assert user.check_password("twelve chars ok")


def test_a_one_time_password_shows_nothing_of_the_co_leads_until_changed(cli, client, survey):
    """Pages readable by anyone showed co-leads' contacts and the office's private feed link to
    a session signed in with the one-time password, which had not chosen its own."""
    contact = "ana@ipaustralia.example"
    db.session.add(
        OfficeContact(office_code="AU", name="Ana Silva", email=contact, source="entered by a")
    )
    db.session.commit()
    result = cli.invoke(args=["users", "create", "--email", "b@example.org"])
    one_time = re.search(r"One-time password \(.*\): (\S+)", result.stdout)[1]
    assert sign_in(client, "b@example.org", one_time).status_code == 302
    page = client.get("/offices/AU").get_data(as_text=True)
    assert contact not in page and "token=" not in page
    # Nor the co-leads' menu, whose pages would only lead to choosing a password (helper-207).
    assert 'href="/lineups"' not in page and 'href="/outbox"' not in page
    assert "Change your password" in client.get("/account/password").get_data(as_text=True)
    changed = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(client, "/account/password"),
            "current": one_time,
            "new": "a much longer secret",
            "confirm": "a much longer secret",
        },
    )
    assert changed.status_code == 302
    page = client.get("/offices/AU").get_data(as_text=True)
    assert contact in page and "token=" in page
    assert 'href="/lineups"' in page and 'href="/outbox"' in page


def test_api_token_is_shown_once_and_stored_hashed(cli, client, colead, survey):
    result = cli.invoke(args=["users", "token", "--email", COLEAD_EMAIL])
    assert result.exit_code == 0
    token = result.stdout.strip()
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/proposals", headers=headers).status_code == 200
    # The scheme's name in any case, as HTTP has it (RFC 9110, 11.1).
    lower = {"Authorization": f"bearer {token}"}
    assert client.get("/api/v1/proposals", headers=lower).status_code == 200
    missing = client.get("/api/v1/proposals", headers={"Authorization": "Bearer"})
    assert missing.status_code == 401
    assert missing.get_json()["message"] == (
        "'Authorization: Bearer' came with no token. "
        "Send a co-lead's API token as 'Authorization: Bearer ...'."
    )
    # A token sent and not known is said to be so (helper-155: told to send a token).
    unknown = (
        "This API token is not one the planner knows, or it was revoked: check it, or make a "
        "new one on your account page (http://localhost/account), or with 'flask --app app "
        "users token --email <your address>'."
    )
    wrong = client.get("/api/v1/proposals", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.get_json()["message"] == unknown
    revoked = cli.invoke(args=["users", "revoke-tokens", "--email", COLEAD_EMAIL])
    assert "Revoked 1 token(s)" in revoked.stdout
    gone = client.get("/api/v1/proposals", headers=headers)
    assert gone.status_code == 401 and gone.get_json()["message"] == unknown


def test_wrong_password(client, colead):
    response = sign_in(client, password="not the password")
    assert response.status_code == 401
    assert "Email or password is wrong." in response.get_data(as_text=True)
    assert 'value="colead@example.org"' in response.get_data(as_text=True)


def test_sign_in_redirects_only_within_the_site(client, colead):
    token = csrf_token(client, "/login")
    for target, expected in (
        ("/offices", "/offices"),
        ("/offices?sort=code", "/offices?sort=code"),
        ("//evil.example/x", "/"),
        ("https://evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/%09/evil.example", "/"),
        ("/%0a/evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ):
        client.post("/logout", data={"csrf_token": token})
        response = client.post(
            f"/login?next={target}",
            data={
                "csrf_token": csrf_token(client, "/login"),
                "email": COLEAD_EMAIL,
                "password": COLEAD_PASSWORD,
            },
        )
        assert response.headers["Location"] == expected
        token = csrf_token(client, "/login")


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/offices/AU/edit"),
        ("get", "/recommendations/10/edit"),
        ("get", "/lineups/new"),
        ("get", "/lineups"),
        ("get", "/proposals"),
    ],
)
def test_co_lead_pages_send_others_to_sign_in(client, survey, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/api/v1/lineups", {"recommendation": 10}),
        ("get", "/api/v1/proposals", None),
        ("patch", "/api/v1/proposals/1", {"status": "accepted", "reason": "x", "version": 1}),
    ],
)
def test_co_lead_api_answers_401(client, survey, method, url, body):
    response = getattr(client, method)(url, json=body)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Bearer" in response.get_json()["message"]


def test_the_api_does_not_trust_the_session_cookie(client, colead, survey):
    """A page on another site could make a signed-in browser POST JSON here; without the
    token header that write is refused, although the cookie is a co-lead's."""
    assert sign_in(client).status_code == 302
    response = client.post("/api/v1/meetings", json={"title": "Forged"})
    assert response.status_code == 401
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0
    token = ApiToken.issue(db.session.get(User, colead.id))
    db.session.commit()
    response = client.post(
        "/api/v1/meetings",
        json={"title": "Real"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201


def test_an_unknown_email_costs_a_password_check(client, colead, monkeypatch):
    """Response time must not tell which emails have accounts: an unknown one is hashed too."""
    from planner.accounts import models

    checked = []
    real = models.check_password_hash
    monkeypatch.setattr(models, "check_password_hash", lambda h, p: checked.append(p) or real(h, p))
    response = sign_in(client, email="nobody@example.org", password="a guess")
    assert response.status_code == 401
    assert checked == ["a guess"]


def test_writes_without_csrf_token_are_refused(client, colead_client):
    response = colead_client.post("/offices/AU/edit", data={"name": "x"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_oversized_body_is_413(client, survey):
    response = client.post("/volunteer", data={"abstract": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "CWS ICT Task Force planner" in response.get_data(as_text=True)


PAGES = [
    "/",
    "/surveys/CWS-13-26/summary",
    "/recommendations/10",
    "/recommendations/10/matches",
    "/offices/AU",
    "/volunteer",
    "/login",
]


@pytest.mark.parametrize("url", PAGES)
def test_security_headers_and_no_inline_script(client, survey, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = response.get_data(as_text=True)
    # Scripts come only from the app's own files, never inline.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert all('src="/static/' in attributes and not body.strip() for attributes, body in scripts)
    assert not re.search(r"\sstyle=", page)
    assert not re.search(r"\son[a-z]+=", page)


def test_session_cookie_settings(client, colead):
    response = sign_in(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_draft_meetings_are_the_co_leads_only(client, colead_client, app_context):
    from planner.agenda.models import Meeting

    meeting = Meeting(title="Draft workshop")
    db.session.add(meeting)
    db.session.commit()
    assert colead_client.get(f"/meetings/{meeting.id}").status_code == 200
    colead_client.post("/logout", data={"csrf_token": csrf_token(colead_client, "/")})
    assert client.get(f"/meetings/{meeting.id}").status_code == 404


def test_the_address_counts_as_a_word_not_as_letters():
    from planner.accounts.forms import weak_password

    said = weak_password("my ana2024 passphrase", "ana@x.org")
    assert said == (
        "This password is too easy to guess: it contains “ana”, a name in your email address."
    )
    assert weak_password("banana split on a rainy tuesday", "ana@example.org") is None


def test_a_deployment_hashes_passwords_at_werkzeugs_full_work_factor(tmp_path):
    """The tests hash at a lower work factor (tests/conftest.py); an app started as `make run`
    starts it hashes at scrypt's n=2^15, and still checks a hash made with other parameters."""
    from planner.app import create_app

    deployed = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    with deployed.app_context():
        user = User(email="ana@example.org", role="colead", password_hash=colead_password_hash())
        assert user.check_password(COLEAD_PASSWORD)
        user.set_password("a passphrase of some length")
        assert user.password_hash.startswith("scrypt:32768:8:1$")
        assert user.check_password("a passphrase of some length")


@pytest.mark.parametrize(
    ("base_url", "https", "secure"),
    [
        ("http://127.0.0.1:5000", "", False),
        ("http://127.0.0.1:5000", "1", True),
        # Behind a proxy serving TLS, HTTPS=1 forgotten: the cookie was sent over plain HTTP too.
        ("https://planner.example.org", "", True),
        ("HTTPS://planner.example.org", "", True),  # as BASE_URL takes it, the scheme in capitals
    ],
)
def test_cookies_travel_only_over_https_where_the_planner_is_served_so(
    tmp_path, monkeypatch, base_url, https, secure
):
    from planner.app import create_app

    monkeypatch.setenv("HTTPS", https)
    deployed = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}", "BASE_URL": base_url}
    )
    assert deployed.config["SESSION_COOKIE_SECURE"] is secure
    response = deployed.test_client().get("/static/does-not-matter.css")
    assert ("Strict-Transport-Security" in response.headers) is secure


def test_list_names_every_account_and_where_its_first_sign_in_stands(
    cli, client, colead, app_context
):
    """helper-255: a handover (Ana leaves, Bo joins) starts from who holds an account: nothing
    listed them but `users tokens`, which names only those with a working token. `users list`
    names each, when it was made and last signed in, and whether its one-time password is
    still to be changed, and until when."""
    made = cli.invoke(args=["users", "create", "--email", "bo@example.org"])
    given = db.session.scalar(select(User).where(User.email == "bo@example.org")).password_set_at
    until = (given + timedelta(days=7)).strftime("%-d %b %Y %H:%M UTC")
    listed = cli.invoke(args=["users", "list"])
    assert listed.exit_code == 0, listed.output
    bo, colead = listed.stdout.splitlines()
    assert bo.split("\t")[0:2] == ["bo@example.org", "colead"]
    assert bo.split("\t")[3:] == [
        "never signed in",
        f"one-time password, to be changed by {until}",
        "0 working API token(s)",
    ]
    assert colead.startswith(f"{COLEAD_EMAIL}\tcolead\t")
    assert colead.endswith("\tpassword chosen\t0 working API token(s)")

    password = re.search(r"One-time password \(.*\): (\S+)", made.stdout)[1]
    sign_in(client, "bo@example.org", password)
    client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(client, "/account/password"),
            "current": password,
            "new": "copper kettle dune walrus 77",
            "confirm": "copper kettle dune walrus 77",
        },
    )
    bo = cli.invoke(args=["users", "list"]).stdout.splitlines()[0].split("\t")
    assert bo[3].startswith("last signed in ") and bo[4] == "password chosen"

    assert cli.invoke(args=["users", "delete", "--email", "bo@example.org", "--yes"]).exit_code == 0
    assert cli.invoke(args=["users", "delete", "--email", COLEAD_EMAIL, "--yes"]).exit_code == 0
    empty = cli.invoke(args=["users", "list"])
    assert empty.stdout == "" and "No accounts" in empty.stderr


def test_create_refuses_what_is_no_address_and_signs_in_whichever_way_the_domain_is_typed(
    cli, client, app_context
):
    """helper-271: `users create` took any text with an @ as it was: "kim\\u200b@example.org"
    (pasted from a chat, printed back looking right), "@", "a b@c" and an address ending in a
    dot, accounts no one could sign in to as the address they read; and an address with its
    domain in Unicode did not sign in typed in ASCII (xn--), nor was the same mailbox seen as
    taken."""
    for odd in ("kim\u200b@example.org", "@", "a b@c", "x@example.org.", "\u202eevil@example.org"):
        result = cli.invoke(args=["users", "create", "--email", odd])
        assert result.exit_code == 2, (odd, result.output)
        assert "That does not look like an email address" in result.output
        assert repr(odd) in result.output  # the invisible character written as its escape
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    made = cli.invoke(args=["users", "create", "--email", "Eva@EXÄMPLE.org"])
    assert made.exit_code == 0, made.output
    assert db.session.scalar(select(User.email)) == "eva@exämple.org"
    again = cli.invoke(args=["users", "create", "--email", "eva@xn--exmple-cua.org"])
    assert again.exit_code == 1 and "An account for eva@exämple.org exists already" in again.output
    password = re.search(r"One-time password \(.*\): (\S+)", made.stdout)[1]
    signed = sign_in(client, "EVA@xn--exmple-cua.org", password)
    assert signed.headers["Location"].startswith("/account/password"), signed.status_code
    renewed = cli.invoke(args=["users", "password", "--email", "eva@xn--exmple-cua.org"])
    assert renewed.exit_code == 0, renewed.output
