"""The account page's API tokens in a browser: made at a phone's width, copied with the button,
shown once (Back and reload bring it back nowhere), listed and revoked; nothing wider than
the screen."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import FITS_WIDTH, ON_A_PHONE, shoot, sign_in, sign_in_on_the_page

TOKEN = re.compile(r"cwsp_[A-Za-z0-9_\-]{20,}")
LONG_NAME = "nightly-export-of-the-task-force-agenda-to-the-intranet-" + "x" * 40


@pytest.mark.parametrize("width", [390, 1280])
def test_a_token_is_made_copied_once_and_revoked(browser, live_server, colead, width):
    viewport = ON_A_PHONE if width == 390 else {"viewport": {"width": 1280, "height": 900}}
    context = browser.new_context(**viewport, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(live_server + "/")
    page.get_by_role("link", name="Your account: password and API tokens").click()
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    page.get_by_label("Name").fill("laptop script")
    page.get_by_label("Expires").select_option("30")
    page.get_by_role("button", name="Make the token").click()
    field = page.get_by_label("Your new API token")
    token = field.input_value()
    assert TOKEN.fullmatch(token)
    copy = page.locator("button[data-copy='new-token']")
    expect(copy).to_have_text("Copy token")  # shown by the app's own script
    copy.click()
    expect(copy).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == token
    assert page.evaluate(FITS_WIDTH)
    shoot(page, f"account-token-made-{width}")
    # A second with a name as long as one may be, in one word: the list breaks it.
    page.get_by_label("Name").fill(LONG_NAME)
    page.get_by_role("button", name="Make the token").click()
    second = page.get_by_label("Your new API token").input_value()
    # Sent again (a reload), the form makes no twin and shows no token.
    page.reload()
    expect(page.locator("#name-error")).to_contain_text("nothing was made")
    assert token not in page.content() and second not in page.content()
    page.goto(live_server + "/account")
    content = page.content()
    assert token not in content and second not in content
    rows = page.locator("#working-tokens tbody tr")
    expect(rows).to_have_count(2)
    assert page.evaluate(FITS_WIDTH)
    shoot(page, f"account-tokens-{width}")
    page.get_by_role("link", name="Revoke laptop script").click()
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.get_by_role("status")).to_contain_text("“laptop script” is revoked")
    expect(rows).to_have_count(1)
    page.get_by_text("Ended tokens").click()
    ended = page.locator("details.ended-tokens")
    expect(ended).to_contain_text("laptop script")
    expect(ended).to_contain_text("revoked")
    assert page.evaluate(FITS_WIDTH)
    shoot(page, f"account-ended-{width}")
    refused = page.request.get(
        live_server + "/api/v1/proposals", headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status == 401
    context.close()


def test_the_tests_sign_in_leaves_a_browser_as_the_sign_in_page_does(
    app, browser, live_server, colead
):
    """`sign_in` posts the sign-in for the browser and hands it the cookie (tests/browser/
    conftest.py): the browser must hold what signing in on the page leaves it, a session
    alike (but for its CSRF token, made at random) and a cookie sent alike, and be on the same
    page."""
    held = {}
    for name, signing_in in (("page", sign_in_on_the_page), ("posted", sign_in)):
        context = browser.new_context()
        page = context.new_page()
        signing_in(page, live_server)
        cookies = context.cookies()
        assert len(cookies) == 1, f"signed in ({name}), the browser holds {cookies}"
        (cookie,) = cookies
        session = app.session_interface.get_signing_serializer(app).loads(cookie.pop("value"))
        assert session.pop("csrf_token")
        held[name] = (session, cookie, page.url)
        context.close()
    assert held["posted"] == held["page"]
    assert held["page"][0]["_user_id"] == f"{colead.id}:{colead.session_version}"
