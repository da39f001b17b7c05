"""Sessions end: signing out, a new password (page or command) and the CSRF token's rotation."""

import html
import io
import re

import pytest
from sqlalchemy import select

from planner.accounts.models import ApiToken, User
from planner.agenda.models import Slot
from planner.extensions import db
from planner.offices.models import OfficeContact
from tests.conftest import signed_in as given_the_sign_in_cookie
from tests.support import (
    COLEAD_EMAIL,
    COLEAD_PASSWORD,
    VOLUNTEERED,
    csrf_token,
    form_in,
    form_of,
    sent_at_once,
    sign_in,
)

NEW_PASSWORD = "a much longer secret"


def signed_in(client) -> bool:
    response = client.get("/proposals")
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def sign_out(client):
    return client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def test_a_cookie_copied_before_sign_out_is_anonymous_after_it(app, client, colead):
    assert sign_in(client).status_code == 302
    copy = copy_of(app, client)
    assert signed_in(copy)
    assert sign_out(client).status_code == 302
    assert not signed_in(client)
    response = copy.get("/proposals")
    assert response.headers["Location"].startswith("/login")


def test_signing_out_ends_every_session_of_the_account(app, client, colead):
    """The documented choice: one sign-out signs the account out everywhere."""
    laptop, phone = app.test_client(), app.test_client()
    assert sign_in(laptop).status_code == 302 and sign_in(phone).status_code == 302
    sign_out(laptop)
    assert not signed_in(phone)
    assert sign_in(phone).status_code == 302 and signed_in(phone)


def test_a_new_password_signs_out_the_other_sessions_but_not_this_one(app, colead):
    here, elsewhere = app.test_client(), app.test_client()
    assert sign_in(here).status_code == 302 and sign_in(elsewhere).status_code == 302
    stolen = copy_of(app, elsewhere)
    response = here.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(here, "/account/password"),
            "current": COLEAD_PASSWORD,
            "new": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert signed_in(here)
    assert not signed_in(elsewhere) and not signed_in(stolen)
    assert sign_in(elsewhere).status_code == 401
    assert sign_in(elsewhere, password=NEW_PASSWORD).status_code == 302


@pytest.mark.committed  # two requests at once, each on a connection of its own
def test_two_browsers_choosing_a_password_at_once_are_not_both_told_it_changed(app, colead):
    """The one-time password was opened in two browsers (or by someone it leaked to), and a
    password chosen in each at the same moment, on two instances. Both were told "Password
    changed. Any other browser ... is signed out": the later write replaced the other's
    password, which then signed in nowhere, and both browsers stayed signed in. Now the second
    waits for the first, whose password stands, and is told its current one is not the one
    it typed any more."""
    laptop, phone = app.test_client(), app.test_client()
    forms = []
    for browser, chosen in ((laptop, NEW_PASSWORD), (phone, "another long secret")):
        assert sign_in(browser).status_code == 302
        forms.append(
            {
                "csrf_token": csrf_token(browser, "/account/password"),
                "current": COLEAD_PASSWORD,
                "new": chosen,
                "confirm": chosen,
            }
        )
    first, second, _ = sent_at_once(
        lambda: laptop.post("/account/password", data=forms[0]),
        lambda: phone.post("/account/password", data=forms[1]),
        User,
        changing=True,
    )
    assert first.status_code == 302
    assert second.status_code == 400
    assert "That is not your current password." in html.unescape(second.text)
    assert signed_in(laptop) and not signed_in(phone)
    assert sign_in(app.test_client(), password=NEW_PASSWORD).status_code == 302
    assert sign_in(app.test_client(), password="another long secret").status_code == 401


@pytest.mark.committed  # two requests at once, each on a connection of its own
def test_signing_out_while_another_browser_changes_the_password_signs_that_one_out_too(app, colead):
    """Sign-out ends every session; a new password every session but its own. Sent at the same
    moment, on two instances, both wrote the account's session number as each had read it: the
    same number, so the browser that changed the password stayed signed in after the sign-out
    that came after it. Now the sign-out waits for the change and ends that session too."""
    laptop, phone = app.test_client(), app.test_client()
    assert sign_in(laptop).status_code == 302 and sign_in(phone).status_code == 302
    change = {
        "csrf_token": csrf_token(laptop, "/account/password"),
        "current": COLEAD_PASSWORD,
        "new": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    signing_out = {"csrf_token": csrf_token(phone, "/")}
    changed, signed_out, _ = sent_at_once(
        lambda: laptop.post("/account/password", data=change),
        lambda: phone.post("/logout", data=signing_out),
        User,
        changing=True,
    )
    assert changed.status_code == 302 and signed_out.status_code == 302
    assert not signed_in(phone)
    assert not signed_in(laptop)
    assert sign_in(app.test_client(), password=NEW_PASSWORD).status_code == 302


def test_a_password_reset_from_the_command_line_signs_out_everywhere(app, cli, colead):
    browser = app.test_client()
    assert sign_in(browser).status_code == 302
    token = ApiToken.issue(db.session.get(User, colead.id))
    db.session.commit()
    result = cli.invoke(args=["users", "password", "--email", COLEAD_EMAIL])
    assert result.exit_code == 0, result.output
    assert "API tokens stay valid" in result.stdout
    one_time = re.search(r"One-time password \(.*\): (\S+)", result.stdout)[1]
    assert not signed_in(browser)
    assert sign_in(browser).status_code == 401
    assert sign_in(browser, password=one_time).headers["Location"].startswith("/account/password")
    # A script's token is a credential of its own, ended by revoking it.
    headers = {"Authorization": f"Bearer {token}"}
    assert browser.get("/api/v1/proposals", headers=headers).status_code == 200
    cli.invoke(args=["users", "revoke-tokens", "--email", COLEAD_EMAIL])
    assert browser.get("/api/v1/proposals", headers=headers).status_code == 401


@pytest.mark.committed  # a command and a request at once, each on a connection of its own
def test_a_password_reset_from_the_command_line_while_a_browser_changes_it_signs_that_one_out(
    app, cli, colead
):
    """The administrator sets a co-lead's password from the command line (typed at its prompt:
    "every session of the account is signed out") while the co-lead chooses a new one in their
    browser. The command wrote the account's session number as it had read it before the
    change, the same number the change kept the browser signed in with: the browser stayed
    signed in after the command said it was signed out. Now the change waits for the command,
    then is told the password it typed is not the current one any more, signed out."""
    laptop = app.test_client()
    assert sign_in(laptop).status_code == 302
    change = {
        "csrf_token": csrf_token(laptop, "/account/password"),
        "current": COLEAD_PASSWORD,
        "new": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    typed = "set by the administrator"
    reset, changed, _ = sent_at_once(
        lambda: cli.invoke(
            args=["users", "password", "--email", COLEAD_EMAIL, "--password-prompt"],
            input=typed + "\n",
        ),
        lambda: laptop.post("/account/password", data=change),
        User,
        changing=True,
    )
    assert reset.exit_code == 0, reset.output
    assert changed.status_code == 400
    assert "That is not your current password." in html.unescape(changed.text)
    assert not signed_in(laptop)
    assert sign_in(app.test_client(), password=typed).status_code == 302


def test_an_unknown_account_on_the_command_line(cli, app_context):
    result = cli.invoke(args=["users", "password", "--email", "nobody@example.org"])
    assert result.exit_code == 1
    assert "No account for nobody@example.org." in result.stderr


def test_a_csrf_token_from_before_sign_in_is_refused_after_it(client, colead):
    before = csrf_token(client, "/login")
    assert sign_in(client).status_code == 302
    # The token an attacker planted or read before sign-in cannot sign the co-lead out (or
    # anything else); the page's new token can.
    refused = client.post("/logout", data={"csrf_token": before})
    assert refused.status_code == 400
    assert "CSRF" in refused.get_data(as_text=True)
    assert signed_in(client)
    assert csrf_token(client, "/") != before
    assert sign_out(client).status_code == 302


def test_a_csrf_token_from_before_sign_out_is_refused_after_it(client, colead):
    assert sign_in(client).status_code == 302
    during = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": during}).status_code == 302
    refused = client.post(
        "/login",
        data={"csrf_token": during, "email": COLEAD_EMAIL, "password": COLEAD_PASSWORD},
    )
    assert refused.status_code == 400
    assert not signed_in(client)


def test_the_tests_co_lead_holds_the_cookie_signing_in_gives(app, client, colead):
    """`colead_client` is not signed in on the sign-in page, for speed: it is given the
    cookie the page gives (tests/conftest.py, `signed_in`), which must hold what signing in
    leaves in a browser, and leave the account as signing in leaves it."""
    assert sign_in(client).status_code == 302
    with client.session_transaction() as session:
        on_the_page = dict(session)
    signed_at = colead.last_login_at
    colead.last_login_at = None
    given = app.test_client()
    given_the_sign_in_cookie(given, colead)
    with given.session_transaction() as session:
        assert dict(session) == on_the_page
    assert colead.last_login_at is not None and colead.last_login_at >= signed_at
    assert signed_in(given)


def test_a_session_naming_an_old_version_or_nonsense_is_anonymous(app, client, colead):
    assert sign_in(client).status_code == 302
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{colead.id}:{colead.session_version}"
    for forged in (f"{colead.id}", f"{colead.id}:0", f"{colead.id}:x", "x:1", f"{2**40}:1"):
        with client.session_transaction() as session:
            session["_user_id"] = forged
        assert not signed_in(client), forged


def _form_fields(page: str) -> dict[str, str]:
    """The hidden fields of a page's last form, as a browser would send them."""
    form = page[page.rindex("<form") :]
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]+)"', tag)[1]
            fields[html.unescape(name)] = html.unescape(re.search(r'value="([^"]*)"', tag)[1])
    return fields


def _contact_form_filled_in(client, role: str) -> tuple[str, dict]:
    """A co-lead, signed in, fills in the form of a new contact: its address and fields."""
    assert sign_in(client).status_code == 302
    url = "/offices/AU/contacts/new"
    typed = {
        "csrf_token": csrf_token(client, url),
        "name": "Kim Example",
        "email": "kim@ipaustralia.example",
        "role": role,
        "language": "en",
    }
    return url, typed


def test_a_form_sent_after_signing_out_elsewhere_is_kept_through_sign_in(
    app, client, colead, survey
):
    """The co-lead fills in a form; meanwhile their account is signed out from another window.
    Sent, the form is not lost: the sign-in page holds it, and signing in leads to a page that
    sends it again (with a token of the new session)."""
    url, typed = _contact_form_filled_in(client, "ICT director, 20 years")
    elsewhere = app.test_client()
    assert sign_in(elsewhere).status_code == 302 and sign_out(elsewhere).status_code == 302
    sent = client.post(url, data=typed, headers={"Origin": "http://localhost"})
    assert sent.status_code == 401
    page = html.unescape(sent.get_data(as_text=True))
    assert "You were signed out (in another window, or after a while)" in page
    carried = _form_fields(page)
    assert carried["carried:role"] == "ICT director, 20 years"
    assert carried["carried_to"] == url and "carried:csrf_token" not in carried
    login = {**carried, "email": COLEAD_EMAIL, "password": COLEAD_PASSWORD}
    again = client.post("/login", data=login)
    assert again.status_code == 200
    page = html.unescape(again.get_data(as_text=True))
    assert "Signed in: sending your changes" in page
    resend = _form_fields(page)
    assert (
        resend["role"] == "ICT director, 20 years" and resend["csrf_token"] != typed["csrf_token"]
    )
    assert db.session.scalar(select(OfficeContact.id)) is None  # nothing saved until sent
    assert client.post(url, data=resend).status_code == 302
    assert db.session.scalar(select(OfficeContact.role)) == "ICT director, 20 years"


def test_a_form_from_another_site_sent_signed_out_is_not_carried(app, client, colead, survey):
    url = "/offices/AU/contacts/new"
    sent = client.post(
        url,
        data={"csrf_token": csrf_token(client, "/login"), "name": "X", "email": "x@example.org"},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert sent.status_code == 302 and sent.headers["Location"].startswith("/login")


def test_a_carried_form_goes_on_through_choosing_a_password(app, client, colead, survey):
    """Signed out by a password reset (a one-time password to change first): the form sent
    meanwhile is held through sign-in and the new password, then sent again."""
    url, typed = _contact_form_filled_in(client, "CIO")
    user = db.session.scalar(select(User).where(User.email == COLEAD_EMAIL))
    user.set_password(COLEAD_PASSWORD, one_time=True)  # as `flask users password` does
    db.session.commit()
    sent = client.post(url, data=typed, headers={"Origin": "http://localhost"})
    assert sent.status_code == 401
    assert sent.headers["Cache-Control"] == "private, no-store"
    carried = _form_fields(html.unescape(sent.get_data(as_text=True)))
    chosen = client.post(
        "/login", data={**carried, "email": COLEAD_EMAIL, "password": COLEAD_PASSWORD}
    )
    assert chosen.status_code == 200 and chosen.headers["Cache-Control"] == "private, no-store"
    page = html.unescape(chosen.get_data(as_text=True))
    assert "Choose your own to continue" in page and "your changes are sent" in page
    fields = _form_fields(page)
    assert fields["carried:role"] == "CIO" and fields["carried_to"] == url
    new = {"current": COLEAD_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    again = client.post("/account/password", data={**fields, **new})
    assert again.status_code == 200
    resend = _form_fields(html.unescape(again.get_data(as_text=True)))
    assert resend["role"] == "CIO"
    assert client.post(url, data=resend).status_code == 302
    assert db.session.scalar(select(OfficeContact.role)) == "CIO"


OURS = {"Origin": "http://localhost"}


def test_a_form_sent_after_signing_out_in_another_tab_goes_straight_to_sign_in(
    app, client, colead, survey
):
    """Ana fills in a form in one tab and signs out in another (the same browser, whose session
    and its form token then end): Save takes her straight to the sign-in page holding what she
    typed, saying why in her words, not first to a page asking her to send it again; signing in
    sends it (the page after it sends the form at once, its button without script)."""
    url, typed = _contact_form_filled_in(client, "Head of IT")
    assert sign_out(client).status_code == 302  # the other tab
    sent = client.post(url, data=typed, headers=OURS)
    assert sent.status_code == 401 and sent.headers["Cache-Control"] == "private, no-store"
    page = html.unescape(sent.get_data(as_text=True))
    assert "You were signed out (in another window, or after a while)" in page
    assert "Sign in and your changes are sent" in page
    assert "Send again" not in page and "CSRF" not in page
    carried = _form_fields(page)
    assert carried["carried:role"] == "Head of IT" and carried["carried_to"] == url
    assert "carried:csrf_token" not in carried
    signed = client.post(
        "/login", data={**carried, "email": COLEAD_EMAIL, "password": COLEAD_PASSWORD}
    )
    assert signed.status_code == 200
    page = html.unescape(signed.get_data(as_text=True))
    assert f'<form method="post" action="{url}" data-send-now>' in page
    assert db.session.scalar(select(OfficeContact.id)) is None
    assert client.post(url, data=_form_fields(page)).status_code == 302
    assert db.session.scalar(select(OfficeContact.role)) == "Head of IT"


def test_a_form_held_by_sign_in_is_still_held_after_signing_in_in_another_tab(
    app, client, colead, survey
):
    """Ana's Save, signed out, took her to the sign-in page holding her form; before signing in
    there she signed in in another tab, which gives the browser a new form token. Her sign-in
    was refused as a form of an earlier session: "Files and passwords cannot be sent again",
    her typing listed under names such as "Carried:role", and nothing to sign in with. Now the
    sign-in page comes back holding her form, her address filled in, and signing in sends it."""
    url, typed = _contact_form_filled_in(client, "Head of IT")
    assert sign_out(client).status_code == 302  # the other tab
    carried = _form_fields(client.post(url, data=typed, headers=OURS).get_data(as_text=True))
    assert sign_in(client).status_code == 302  # the other tab again
    login = {**carried, "email": COLEAD_EMAIL, "password": COLEAD_PASSWORD}
    refused = client.post("/login", data=login, headers=OURS)
    assert refused.status_code == 400
    assert refused.headers["Cache-Control"] == "private, no-store"
    page = html.unescape(refused.get_data(as_text=True))
    assert "opened before someone signed in or out in another window: sign in again" in page
    assert "Sign in and your changes are sent" in page
    assert f'value="{COLEAD_EMAIL}"' in page and COLEAD_PASSWORD not in page
    kept = _form_fields(page)
    assert kept["carried:role"] == "Head of IT" and kept["carried_to"] == url
    signed = client.post(
        "/login", data={**kept, "email": COLEAD_EMAIL, "password": COLEAD_PASSWORD}
    )
    assert signed.status_code == 200
    assert client.post(url, data=_form_fields(signed.get_data(as_text=True))).status_code == 302
    assert db.session.scalar(select(OfficeContact.role)) == "Head of IT"


def test_a_sign_in_page_holding_a_form_posted_by_another_site_holds_nothing(
    app, client, colead, survey
):
    """Another site cannot hand the sign-in page a form to send: its post is refused, holding
    nothing, as any form of another site's is."""
    assert sign_in(client).status_code == 302
    forged = {"carried_to": "/offices/AU/contacts/new", "carried:role": "Intruder"}
    login = {**forged, "email": COLEAD_EMAIL, "password": COLEAD_PASSWORD}
    refused = client.post("/login", data=login, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 400
    page = html.unescape(refused.get_data(as_text=True))
    assert "carried" not in page and "Intruder" not in page and "data-send-now" not in page


def test_a_slot_saved_by_another_while_signed_out_is_still_a_conflict_after_sign_in(
    app, api, other, survey
):
    """Ana edits a slot, signs out in another tab, and meanwhile a co-lead saves the slot: once
    she has signed in, her save is refused as any stale save is (409), with what she typed
    kept in the form to save again."""
    meeting = api.post(
        "/api/v1/meetings", json={"title": "Rec 10", "starts_at": "2030-03-12T13:00:00+01:00"}
    ).get_json()
    slot = api.post(f"/api/v1/meetings/{meeting['id']}/slots", json={"title": "Old"}).get_json()
    page = f"/slots/{slot['id']}/edit"
    opened = form_of(other, page)
    assert sign_out(other).status_code == 302
    assert (
        api.patch(f"/api/v1/slots/{slot['id']}", json={"title": "Their title"}).status_code == 200
    )
    sent = other.post(page, data={**opened, "title": ["Ana's title"]}, headers=OURS)
    assert sent.status_code == 401
    carried = _form_fields(sent.get_data(as_text=True))
    login = {**carried, "email": "other@example.org", "password": COLEAD_PASSWORD}
    resend = _form_fields(html.unescape(other.post("/login", data=login).get_data(as_text=True)))
    refused = other.post(page, data=resend)
    assert refused.status_code == 409
    again = form_in(refused.get_data(as_text=True))
    assert again["title"] == ["Ana's title"]
    assert other.post(page, data=again).status_code == 302
    assert db.session.get(Slot, slot["id"]).title == "Ana's title"


def test_a_file_or_password_sent_signed_out_in_another_tab_is_not_carried(
    app, client, colead, survey
):
    """Files cannot go back into a page, nor passwords into any: the form is refused as one
    whose session ended, saying so, and nothing of it is carried to sign-in."""
    url, typed = _contact_form_filled_in(client, "CIO")
    assert sign_out(client).status_code == 302
    sent = client.post(
        url,
        data={**typed, "file": (io.BytesIO(b"%PDF-1.4"), "cv.pdf")},
        content_type="multipart/form-data",
        headers=OURS,
    )
    assert sent.status_code == 400
    page = sent.get_data(as_text=True)
    assert "Files and passwords cannot be sent again" in page and "carried_to" not in page


def test_a_form_from_another_site_is_not_carried_when_the_session_ended(
    app, client, colead, survey
):
    url, typed = _contact_form_filled_in(client, "Forged role")
    assert sign_out(client).status_code == 302
    sent = client.post(url, data=typed, headers={"Origin": "https://elsewhere.example"})
    assert sent.status_code == 400
    page = sent.get_data(as_text=True)
    assert "did not come from this site" in page
    assert "carried_to" not in page and "Forged role" not in page


def test_a_deleted_co_lead_is_signed_out_and_their_tokens_stop(app, cli, colead):
    """A co-lead who left the Task Force: until `users delete`, their password, sessions and
    tokens went on working, and co-leads' emails went on reaching them."""
    browser = app.test_client()
    assert sign_in(browser).status_code == 302
    token = ApiToken.issue(db.session.get(User, colead.id))
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    old = copy_of(app, browser)
    asked = cli.invoke(args=["users", "delete", "--email", COLEAD_EMAIL], input="n\n")
    assert asked.exit_code == 1 and signed_in(browser)
    result = cli.invoke(args=["users", "delete", "--email", COLEAD_EMAIL.upper(), "--yes"])
    assert result.exit_code == 0, result.output
    assert f"Deleted {COLEAD_EMAIL}" in result.stdout
    assert not signed_in(browser)
    assert browser.get("/api/v1/proposals", headers=headers).status_code == 401
    assert sign_in(browser).status_code == 401
    assert db.session.scalar(select(ApiToken)) is None
    # An account made again for the address is a new one: the old cookie does not open it.
    cli.invoke(args=["users", "create", "--email", COLEAD_EMAIL])
    assert not signed_in(old)


def test_a_deleted_co_leads_mail_not_yet_gone_never_goes(app, cli, colead, survey):
    """helper-197: after `users delete`, the co-leads' mail to them still in the outbox (the
    mail server away, say) went once it could; another co-lead's stays as it was."""
    from planner.mail.models import MessageKind, MessageStatus, OutboxMessage

    cli.invoke(args=["users", "create", "--email", "bo@example.org"])
    volunteer = {**VOLUNTEERED, "email": "eva@ipaustralia.example"}
    assert app.test_client().post("/api/v1/proposals", json=volunteer).status_code == 201
    to_coleads = select(OutboxMessage.recipient_email, OutboxMessage.status).where(
        OutboxMessage.kind == MessageKind.proposal
    )
    assert dict(db.session.execute(to_coleads).all()) == {
        COLEAD_EMAIL: MessageStatus.queued,
        "bo@example.org": MessageStatus.queued,
    }
    result = cli.invoke(args=["users", "delete", "--email", COLEAD_EMAIL, "--yes"])
    assert "1 message(s) to it not sent yet never go." in result.stdout
    db.session.expire_all()
    assert dict(db.session.execute(to_coleads).all()) == {
        COLEAD_EMAIL: MessageStatus.superseded,
        "bo@example.org": MessageStatus.queued,
    }


def _from(app, client, address: str, forwarded: str | None = None):
    """A browser holding `client`'s session cookie, sending from `address` (and an
    X-Forwarded-For header it wrote itself, where given)."""
    other = copy_of(app, client)
    other.environ_base["REMOTE_ADDR"] = address
    if forwarded is not None:
        other.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded
    return other


def test_a_copied_cookie_naming_the_owners_address_in_a_header_is_still_anonymous(
    app, client, colead
):
    """Strong session protection binds a session to its network and browser; a copy of the
    cookie sent from elsewhere with the owner's address written in X-Forwarded-For (no proxy
    is trusted) is not signed in (Flask-Login's own check read that header)."""
    client.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    assert sign_in(client).status_code == 302 and signed_in(client)
    assert not signed_in(_from(app, client, "198.51.100.7", forwarded="192.0.2.10"))
    assert signed_in(_from(app, client, "192.0.2.10", forwarded="198.51.100.7"))


def test_a_laptop_whose_ipv6_address_changes_within_its_network_stays_signed_in(
    app, client, colead
):
    """An IPv6 laptop takes a new privacy address within its /64 every day or so: still the
    same network (as throttling counts it), still signed in; another network is not."""
    client.environ_base["REMOTE_ADDR"] = "2001:db8:1:2::10"
    assert sign_in(client).status_code == 302 and signed_in(client)
    assert signed_in(_from(app, client, "2001:db8:1:2:a1b2:c3d4:e5f6:1"))
    assert not signed_in(_from(app, client, "2001:db8:1:3::10"))


def test_delete_says_which_tokens_stop_and_when_no_co_lead_is_left(cli, colead):
    """helper-255: Ana's script token stopped unannounced when her account was deleted, and
    deleting the last co-lead left presenters' answers and new proposals to no one, unsaid.
    `users delete` says both before it asks (and after deleting, with --yes)."""
    from planner.accounts.models import ApiToken

    ApiToken.issue(colead, "CI export job")
    cli.invoke(args=["users", "create", "--email", "bo@example.org"])
    db.session.commit()
    asked = cli.invoke(args=["users", "delete", "--email", COLEAD_EMAIL], input="n\n")
    assert asked.exit_code == 1
    assert (
        "Its working API token “CI export job” stops (last used never): a script using it "
        "needs another co-lead's token." in asked.stdout
    )
    assert "last co-lead account" not in asked.stdout
    assert cli.invoke(args=["users", "delete", "--email", COLEAD_EMAIL, "--yes"]).exit_code == 0
    last = cli.invoke(args=["users", "delete", "--email", "bo@example.org"], input="n\n")
    assert (
        "It is the last co-lead account: until another is made ('users create'), presenters' "
        "answers and new proposals are emailed to no one, and no one can sign in to plan."
    ) in last.stdout
    deleted = cli.invoke(args=["users", "delete", "--email", "bo@example.org", "--yes"])
    assert (
        deleted.stdout.startswith("Deleted bo@example.org") and "the last co-lead" in deleted.stdout
    )


def test_delete_with_nothing_more_to_say_says_no_empty_line(cli, colead):
    """An account with no working token, another co-lead left: nothing stops but the account,
    and `users delete` said so with an empty line before its question (and after, with --yes)."""
    cli.invoke(args=["users", "create", "--email", "bo@example.org"])
    asked = cli.invoke(args=["users", "delete", "--email", "bo@example.org"], input="n\n")
    assert asked.stdout.startswith("Delete the account of bo@example.org"), asked.stdout
    deleted = cli.invoke(args=["users", "delete", "--email", "bo@example.org", "--yes"])
    assert deleted.stdout.splitlines() == [
        "Deleted bo@example.org: its sessions and API tokens no longer work."
    ]


def test_an_answer_to_a_request_sent_before_signing_in_leaves_the_sign_in_standing(
    app, client, colead, survey
):
    """The volunteer form, then signing in, while the form's stylesheet or icon, asked for with
    the cookie from before, is still on its way back: its answer set that cookie again, and the
    co-lead was signed out (a browser test on a loaded CI machine, after Flask-Login's strong
    protection cleared, and so set again, every session without an account on every answer).
    Nothing answered sets the session cookie unless the session changed; a static file never."""
    page = client.get("/volunteer").get_data(as_text=True)
    icon = re.search(r'href="(/static/favicon\.svg[^"]*)"', page).group(1)
    before = copy_of(app, client)  # the cookie the icon's request left with
    assert sign_in(client).status_code == 302 and signed_in(client)
    for late in (before.get(icon), before.get("/volunteer"), before.get("/")):
        assert late.status_code == 200
        assert not late.headers.getlist("Set-Cookie"), late.request.path
    assert signed_in(client)
    # Anyone's unchanged session is left as it is, however often asked.
    assert not client.get(icon).headers.getlist("Set-Cookie")


def test_a_copied_signed_in_cookie_sent_from_elsewhere_is_cleared(app, client, colead):
    """Strong protection still guards a signed-in session: the copy's first answer clears it,
    so that the copy is no longer signed in even when sent from the owner's network after."""
    client.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    assert sign_in(client).status_code == 302
    thief = _from(app, client, "198.51.100.7")
    assert not signed_in(thief)
    thief.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    assert not signed_in(thief)
    assert signed_in(client)


def test_a_language_link_answered_after_signing_in_leaves_the_sign_in_standing(app, client, colead):
    """A co-lead reads the volunteer form in French, then signs in in another tab while the
    French page, asked again with the cookie from before, is on its way back: its answer set
    that cookie again, the language being written into the session on every ?lang= answer, and
    signed the co-lead out (helper-363). The language is written only when it changes."""
    assert client.get("/volunteer?lang=fr").headers.getlist("Set-Cookie")
    before = copy_of(app, client)
    assert sign_in(client).status_code == 302 and signed_in(client)
    late = before.get("/volunteer?lang=fr")
    assert late.status_code == 200 and 'lang="fr"' in late.get_data(as_text=True)
    assert not late.headers.getlist("Set-Cookie")
    # Another language is a change: written, as before.
    assert client.get("/volunteer?lang=es").headers.getlist("Set-Cookie")
    assert 'lang="es"' in client.get("/volunteer").get_data(as_text=True)
    assert signed_in(client)
