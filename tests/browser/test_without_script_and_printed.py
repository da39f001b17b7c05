"""What a page shows without JavaScript and on paper: nothing that does nothing."""

import pytest

from tests.browser.conftest import DESKTOP


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
