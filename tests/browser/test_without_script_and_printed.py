"""What a page shows without JavaScript and on paper: nothing that does nothing."""

import pytest

from tests.browser.conftest import DESKTOP, ON_A_PHONE


@pytest.fixture
def scriptless(browser):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def test_copy_buttons_appear_only_where_a_script_makes_them_work(
    page, scriptless, live_server, survey
):
    scriptless.goto(live_server + "/meetings")
    copy = scriptless.locator("button[data-copy]")
    assert copy.count() >= 1
    assert not any(copy.nth(i).is_visible() for i in range(copy.count()))
    page.goto(live_server + "/meetings")
    assert page.get_by_role("button", name="Copy link").first.is_visible()


def test_a_printed_page_has_margins_and_no_sign_in(page, live_server, survey):
    page.goto(live_server + "/meetings")
    page.emulate_media(media="print")
    assert not page.get_by_role("link", name="Sign in").is_visible()
    margins = page.evaluate(
        """() => [...document.styleSheets].flatMap(s => [...s.cssRules])
              .filter(r => r instanceof CSSPageRule).map(r => r.style.margin)"""
    )
    assert margins == ["15mm"]


def test_without_script_a_phone_shows_every_link_and_no_menu_button(browser, live_server, survey):
    """The phone's "Menu" button needs its script: without it there is none, and the links
    stay in sight, as before it existed."""
    context = browser.new_context(**ON_A_PHONE, java_script_enabled=False)
    phone = context.new_page()
    phone.goto(live_server + "/recommendations/10")
    assert not phone.get_by_role("button", name="Menu").is_visible()
    nav = phone.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Volunteer").is_visible()
    assert phone.get_by_role("link", name="Sign in").is_visible()
    context.close()
