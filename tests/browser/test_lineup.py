"""A co-lead asks for a Rec 10 line-up in the browser, adjusts it, and accepts it."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import shoot


def test_propose_adjust_and_accept(colead_page, live_server, survey):
    page = colead_page
    page.goto(live_server + "/lineups")
    page.get_by_role("link", name="Propose a line-up").click()
    # No box to reserve slots for the focus itself, whichever is chosen (helper-53).
    focus_box = page.locator(".extra-for-10")
    expect(focus_box).to_be_hidden()
    page.get_by_label("Focus recommendation").select_option("4")
    expect(focus_box).to_be_visible()
    expect(page.locator(".extra-for-4")).to_be_hidden()
    page.get_by_label("Focus recommendation").select_option("10")
    page.get_by_label("At least this many from smaller offices").fill("2")
    page.get_by_label("At most this many per WIPO group").fill("4")
    page.get_by_role("button", name="Find the best line-up").click()
    expect(page.locator(".verdict")).to_have_text("No better line-up exists under these rules.")
    talks = page.locator("table").filter(has_text="If left out").locator("tbody tr")
    expect(talks).to_have_count(5)
    # The answer opens where the result begins, not at the top of the rules above it.
    expect(page.locator("#result")).to_be_in_viewport()
    shoot(page, "lineup-1-proposed")

    first = talks.first.locator("th a").inner_text().split(" ")[0]
    talks.first.get_by_role("button", name="Drop").click()
    expect(page.get_by_label("Must exclude")).to_have_value(first)
    expect(page.locator("#result")).to_be_in_viewport()
    # Solving again may replace more than the one dropped: the page says who went and came.
    expect(page.locator("#result")).to_contain_text(
        re.compile(rf"Against line-up #\d+: out {first}\b")
    )
    expect(page.locator("table").filter(has_text="If left out")).not_to_contain_text(first + " ·")

    page.get_by_label("At least this many from smaller offices").fill("4")
    page.get_by_role("button", name="Find the best line-up").click()
    expect(page.get_by_role("alert")).to_contain_text("These rules cannot be met")
    expect(page.get_by_role("alert")).to_contain_text("smaller offices")
    expect(page.get_by_label("At least this many from smaller offices")).to_have_value("4")
    # The refusal leads to the box of the rule it names, which says so beside it.
    page.get_by_role("alert").get_by_role("link", name="At least this many").click()
    expect(page.get_by_label("At least this many from smaller offices")).to_be_focused()
    expect(
        page.get_by_label("At least this many from smaller offices")
    ).to_have_accessible_description(re.compile("Part of why these rules cannot be met"))
    shoot(page, "lineup-2-infeasible")

    page.get_by_label("At least this many from smaller offices").fill("1")
    page.get_by_role("button", name="Find the best line-up").click()
    page.get_by_role("link", name="line-up #").click()
    page.get_by_role("button", name="Accept: make it a draft agenda").click()
    expect(page.get_by_role("status")).to_contain_text("is now a draft agenda")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Workshop on Rec 10")
    # Five presentations, then half an hour of discussion: the draft ends with it.
    expect(page.locator("table tbody tr")).to_have_count(6)
    expect(page.locator("table tbody tr").last).to_contain_text("Discussion")
    shoot(page, "lineup-3-draft-agenda")
