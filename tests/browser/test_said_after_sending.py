"""What a co-lead's form did is where the focus is when the next page opens, at a desktop's and a
phone's width: the line-up found, its acceptance, a start taken from the fair start times, the
publication, and a refusal (helper-338). A screen reader did not say a status the page opened
with, and the focus was on the page itself: a co-lead on NVDA or VoiceOver heard nothing."""

import re

import pytest
from axe_playwright_python.sync_playwright import AxeResults
from playwright.sync_api import expect

from tests.browser.checks import AXE, AXE_OPTIONS
from tests.browser.conftest import DESKTOP, ON_A_PHONE, shoot, sign_in, the_message_has_the_focus
from tests.presenters.support import MEETING

WIDTHS = {"desktop": {"viewport": DESKTOP}, "phone": ON_A_PHONE}


def no_axe_violation(page) -> None:
    """axe-core's rules (tests/browser/checks.py) hold with the messages gathered and focused."""
    results = AxeResults(page.evaluate("options => axe.run(document, options)", AXE_OPTIONS))
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("width", WIDTHS)
def test_each_result_a_co_lead_sends_opens_with_the_focus_on_it(
    browser, live_server, colead_client, survey, width
):
    meeting = colead_client.post("/api/v1/meetings", json=MEETING).get_json()["id"]
    talk = {"title": "Risk-based governance", "office": "AU", "duration_minutes": 20}
    assert colead_client.post(f"/api/v1/meetings/{meeting}/slots", json=talk).status_code == 201
    context = browser.new_context(**WIDTHS[width])
    context.add_init_script(script=AXE.axe_script)
    page = context.new_page()
    sign_in(page, live_server)

    page.goto(f"{live_server}/lineups/new")
    page.get_by_label("Number of presentations").fill("3")
    page.get_by_role("button", name="Find the best line-up").click()
    page.wait_for_url("**#result")
    the_message_has_the_focus(page, "Saved as line-up #")
    shoot(page, f"said-1-lineup-found-{width}", full_page=False)
    no_axe_violation(page)

    page.get_by_role("link", name=re.compile("line-up #")).click()
    page.get_by_role("button", name="Accept: make it a draft agenda").click()
    the_message_has_the_focus(page, "is now a draft agenda")
    shoot(page, f"said-2-accepted-{width}", full_page=False)

    page.goto(f"{live_server}/meetings/{meeting}/suggest")
    page.get_by_role("button", name="Rank start times").click()
    page.locator("table.suggestions tbody tr").first.get_by_role(
        "button", name=re.compile("Use this start")
    ).click()
    the_message_has_the_focus(page, "The meeting now starts")

    page.get_by_role("link", name="Publish…").click()
    page.get_by_role("button", name="Publish").click()
    the_message_has_the_focus(page, "Published")
    shoot(page, f"said-3-published-{width}", full_page=False)
    no_axe_violation(page)

    # Refused: the summary has the focus, not the message, and what was typed is kept.
    page.goto(f"{live_server}/meetings/{meeting}/edit")
    page.get_by_label("Home time zone").fill("Atlantis/Poseidonis")
    page.get_by_role("button", name="Save the meeting").click()
    summary = page.locator(".error-summary").first
    expect(summary).to_contain_text("not saved")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(page.get_by_label("Home time zone")).to_have_value("Atlantis/Poseidonis")
    shoot(page, f"said-4-refused-{width}", full_page=False)
    context.close()


def test_the_fair_start_page_asking_for_offices_opens_at_its_top(
    browser, live_server, colead_client
):
    """A meeting with no participating office yet (no survey names them): its fair start times
    page asks to tick them. Nothing was sent, yet the ask was an alert that took the focus and
    scrolled the page to it, as a refusal does; it is a notice, and the page opens at its top."""
    meeting = colead_client.post("/api/v1/meetings", json=MEETING).get_json()["id"]
    context = browser.new_context(**ON_A_PHONE)
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(f"{live_server}/meetings/{meeting}/suggest")
    expect(page.get_by_text("No participating offices are chosen")).to_be_visible()
    page.wait_for_load_state("load")
    assert page.evaluate("document.activeElement === document.body")
    assert page.evaluate("window.scrollY") == 0
    assert page.locator(".error-summary").count() == 0
    # Ranking with none ticked is a refusal: that has the focus.
    page.get_by_role("button", name="Rank start times").click()
    summary = page.locator(".error-summary").first
    expect(summary).to_be_focused()
    context.close()
