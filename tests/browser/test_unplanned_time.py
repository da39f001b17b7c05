"""Ana's Rec 5 workshop in the browser (helper-369): given three hours, its editor says the 70
minutes its slots leave and shares them among the talks in one click, at 1280 and 390 px; the
recommendation's page links the workshop, on a phone too."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import (
    FITS_WIDTH,
    ON_A_PHONE,
    shoot,
    sign_in,
    the_message_has_the_focus,
)
from tests.support import publish_as_planned

# Whether each link of the page's contents leads further down than the one before.
IN_THE_ORDER_LISTED = """() => {
  const targets = [...document.querySelectorAll('nav.in-page a')]
    .map(link => document.getElementById(link.hash.slice(1)));
  return targets.every((target, i) => i === 0 ||
    (targets[i - 1].compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING));
}"""


def _workshop(api) -> int:
    made = api.post(
        "/api/v1/meetings",
        json={
            "title": "Rec 5 workshop",
            "starts_at": "2027-03-09T14:00:00+01:00",
            "time_zone": "Europe/Zurich",
            "recommendation": 5,
        },
    )
    meeting = made.get_json()["id"]
    for office in ("AU", "JP", "PE", "EP"):
        talk = {"title": f"{office} on Rec 5", "office": office, "recommendations": [5]}
        api.post(f"/api/v1/meetings/{meeting}/slots", json={**talk, "duration_minutes": 20})
    discussion = {"title": "Discussion", "kind": "discussion", "duration_minutes": 30}
    api.post(f"/api/v1/meetings/{meeting}/slots", json=discussion)
    assert api.patch(f"/api/v1/meetings/{meeting}", json={"duration_minutes": 180}).status_code
    return meeting


def test_three_hours_shared_among_four_talks_and_linked_from_rec_5(
    browser, live_server, colead_client, survey
):
    meeting = _workshop(colead_client)
    phone = browser.new_context(**ON_A_PHONE)
    small = phone.new_page()
    sign_in(small, live_server)
    small.goto(f"{live_server}/meetings/{meeting}/edit")
    panel = small.locator("#length-mismatch")
    expect(panel).to_contain_text("70 minutes of this meeting are not planned")
    assert small.evaluate(FITS_WIDTH), "the editor is wider than a phone"
    panel.scroll_into_view_if_needed()
    shoot(small, "unplanned-1-phone", full_page=False)
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    sign_in(page, live_server)
    page.goto(f"{live_server}/meetings/{meeting}/edit")
    # By keyboard: the button says what it shares, among whom, and how (its description).
    share = page.get_by_role("button", name="Share the 70 minutes among the 4 talks")
    expect(share).to_have_accessible_description(
        re.compile(r"^Each talk gets 17 or 18 minutes more; breaks and the discussion keep")
    )
    share.focus()
    page.keyboard.press("Enter")
    the_message_has_the_focus(page, "The 70 unplanned minutes are shared")
    minutes = page.locator("table.agenda-edit tbody td[data-label=Minutes]")
    expect(minutes).to_have_text(["38", "38", "37", "37", "30"])
    expect(page.locator("table.agenda-edit tbody tr").last.locator("td.time")).to_contain_text(
        "16:30–17:00"
    )
    expect(page.locator("#length-mismatch")).to_have_count(0)
    shoot(page, "unplanned-2-shared")
    desk.close()

    assert publish_as_planned(colead_client, meeting).status_code == 200
    small.goto(f"{live_server}/recommendations/5")
    # The page's contents list its parts in the order they come (helper-377: "Meetings on it",
    # listed first, came after every survey answer), and the keyboard reaches the workshop's
    # link right after the contents.
    assert small.evaluate(IN_THE_ORDER_LISTED), "the contents' order is not the page's"
    small.get_by_role("navigation", name="On this page").get_by_role("link").last.focus()
    small.keyboard.press("Tab")
    expect(small.locator(":focus")).to_have_accessible_name("Rec 5 workshop")
    on_it = small.locator("#meetings")
    on_it.scroll_into_view_if_needed()
    assert small.evaluate(FITS_WIDTH), "the recommendation's page is wider than a phone"
    shoot(small, "unplanned-3-rec-5-phone", full_page=False)
    on_it.get_by_role("link", name="Rec 5 workshop").click()
    expect(small.get_by_role("heading", level=1)).to_have_text("Rec 5 workshop")
    phone.close()
