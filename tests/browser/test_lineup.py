"""A co-lead asks for a Rec 10 line-up in the browser, adjusts it, and accepts it; at 200 offices,
picks the offices it must include by name."""

import re
from itertools import pairwise

from playwright.sync_api import expect

from planner.extensions import db
from planner.survey.operations import import_record
from planner.survey.synthetic import scaled_survey
from tests.browser.checks import AXE, check_page
from tests.browser.conftest import (
    DESKTOP,
    FITS_WIDTH,
    ON_A_PHONE,
    shoot,
    sign_in,
    the_refusal_has_the_focus,
)
from tests.browser.test_tap_targets import _too_small
from tests.conftest import _bundled_record


def test_propose_adjust_and_accept(colead_page, live_server, survey):
    page = colead_page
    page.goto(live_server + "/lineups")
    page.get_by_role("link", name="Propose a line-up").click()
    # The form whole before choosing in it: a click returns as the new page begins, and the
    # parser, reaching the focus list's preselected option after "4" was chosen, chose it again.
    page.wait_for_url("**/lineups/new")
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
    dropped = page.get_by_role("group", name="Must exclude").get_by_role("checkbox")
    expect(dropped).to_have_count(1)  # ticked; the survey's others are folded away
    expect(dropped.first).to_be_checked()
    expect(dropped.first).to_have_value(first)
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
    the_refusal_has_the_focus(page).get_by_role("link", name="At least this many").click()
    expect(page.get_by_label("At least this many from smaller offices")).to_be_focused()
    expect(
        page.get_by_label("At least this many from smaller offices")
    ).to_have_accessible_description(re.compile("Part of why these rules cannot be met"))
    shoot(page, "lineup-2-infeasible")

    page.get_by_label("At least this many from smaller offices").fill("1")
    page.get_by_role("button", name="Find the best line-up").click()
    page.get_by_role("link", name="line-up #").click()
    # Three hours, asked as it is accepted (helper-369): its five talks share what the half
    # hour of discussion leaves, 30 minutes each.
    page.get_by_label("lasting").fill("180")
    shoot(page, "lineup-3-accept-lasting")
    page.get_by_role("button", name="Accept: make it a draft agenda").click()
    expect(page.get_by_role("status")).to_contain_text("is now a draft agenda, 180 minutes long")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Workshop on Rec 10")
    # Five presentations, then half an hour of discussion: the draft ends with it.
    expect(page.locator("table tbody tr")).to_have_count(6)
    expect(page.locator("table tbody tr").last).to_contain_text("Discussion")
    shoot(page, "lineup-3-draft-agenda")


def test_offices_a_line_up_must_include_are_picked_by_name_among_200(
    browser, live_server, colead, app_context
):
    """helper-216: at 200 offices "Must include" and "Must exclude" were boxes for codes nobody
    knows. Each lists the survey's offices to tick, narrowed to a name typed (with script),
    codes typed taken too; at a laptop's width and a phone's, with script and without."""
    import_record(scaled_survey(_bundled_record(), 200))
    db.session.commit()
    for width, options in (("desktop", {"viewport": DESKTOP}), ("phone", ON_A_PHONE)):
        context = browser.new_context(**options)
        context.add_init_script(script=AXE.axe_script)
        page = context.new_page()
        sign_in(page, live_server)
        url = live_server + "/lineups/new"
        check_page(page, url, "/lineups/new", width, f"lineup-picker-{width}-checked")
        page.goto(url)
        page.get_by_label("Focus recommendation").select_option("10")
        include = page.get_by_role("group", name="Must include")
        expect(include.get_by_text("None yet.")).to_be_visible()
        include.get_by_text("Choose from the 200 offices of SYNTHETIC/200/0").click()
        find = include.get_by_label("Show the offices whose code or name holds")
        # Each box is named with its rule unseen ("… (must include)"), found by no word of it.
        find.fill("include")
        expect(include.get_by_role("status")).to_have_text("0 of 200 shown")
        find.fill("polish")
        expect(include.locator(".office-fold li:visible")).to_have_count(1)
        expect(include.get_by_role("status")).to_have_text("1 of 200 shown")
        find.press("Enter")  # narrows the list; it does not send the rules half chosen
        expect(page.locator(".verdict")).to_have_count(0)
        include.get_by_role("checkbox", name="PL · Polish Patent Office").check()
        include.get_by_label("Or type their codes").fill("au")
        assert page.evaluate(FITS_WIDTH), width
        if width == "phone":
            assert not _too_small(page), _too_small(page)
        shoot(page, f"lineup-picker-{width}", full_page=False)
        page.get_by_role("button", name="Find the best line-up").click()
        expect(page.locator(".verdict")).to_be_visible()
        presenters = page.locator("table").filter(has_text="If left out").locator("tbody th")
        expect(presenters.filter(has_text="AU · ")).to_have_count(1)
        expect(presenters.filter(has_text="PL · ")).to_have_count(1)
        # What the rule holds shows without unfolding the list: both ticked, to untick.
        chosen = include.locator(".office-boxes.chosen").get_by_role("checkbox")
        expect(chosen).to_have_count(2)
        expect(include.get_by_role("checkbox", name="AU · IP Australia")).to_be_checked()
        expect(include.get_by_label("Or type their codes")).to_have_value("")
        expect(include.get_by_text("Choose from the other 198 offices")).to_be_visible()
        context.close()
    # Without script the whole list shows, for the browser's Find, and ticks all the same.
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(live_server + "/lineups/new")
    page.get_by_label("Focus recommendation").select_option("10")
    exclude = page.get_by_role("group", name="Must exclude")
    exclude.get_by_text("Choose from the 200 offices").click()
    expect(exclude.get_by_label("Show the offices whose code or name holds")).to_be_hidden()
    expect(exclude.locator(".office-fold li:visible")).to_have_count(200)
    exclude.get_by_role("checkbox", name="PL · Polish Patent Office").check()
    page.get_by_role("button", name="Find the best line-up").click()
    expect(page.locator(".verdict")).to_be_visible()
    expect(exclude.get_by_role("checkbox", name="PL · Polish Patent Office")).to_be_checked()
    presenters = page.locator("table").filter(has_text="If left out").locator("tbody th")
    expect(presenters.filter(has_text="PL · ")).to_have_count(0)
    context.close()


def test_on_a_phone_each_best_match_not_working_yet_is_said_once_then_its_offices(
    colead, survey, browser, live_server
):
    """helper-358: at 390 px a co-lead building the Rec 10 workshop without PL, IL and BR read
    "(Rec 10): its best match, CA, is under way" once per audience, twelve times run together.
    Each best match is an item of its own, said once, then the offices it is the best match of,
    each a link to its office; and a slot another presenter fills at no loss says so."""
    context = browser.new_context(**ON_A_PHONE)
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(live_server + "/lineups/new")
    page.get_by_label("Focus recommendation").select_option("10")
    page.get_by_role("group", name="Must exclude").get_by_label("Or type their codes").fill(
        "PL, IL, BR"
    )
    page.get_by_label("At least this many from smaller offices").fill("0")
    page.get_by_label("At most this many per WIPO group").fill("")
    page.get_by_role("button", name="Find the best line-up").click()
    expect(page.locator(".verdict")).to_be_visible()
    facts = page.locator("dl.facts").first
    groups = facts.get_by_role("list").get_by_role("listitem")
    expect(groups).to_have_text(
        [
            "AU (Rec 10) is under way: the best match of BR, EP, ES, IE",
            "CA (Rec 10) is under way: the best match of AU, EM, HR, PL, PY, RU",
            "EM (Rec 10) is under way: the best match of IL",
            "HR (Rec 10) is under way: the best match of US",
        ]
    )
    for office in ("AU", "BR", "EM", "EP", "ES", "HR", "IE", "IL", "PL", "PY", "RU", "US"):
        expect(groups.get_by_role("link", name=office, exact=True)).to_have_count(1)
    # Each group begins a line of its own, one under the other, within the phone's width.
    boxes = [groups.nth(n).bounding_box() for n in range(4)]
    assert len({round(box["x"]) for box in boxes}) == 1, boxes
    assert all(a["y"] + a["height"] <= b["y"] + 1 for a, b in pairwise(boxes)), boxes
    assert page.evaluate(FITS_WIDTH)
    us = (
        page.locator("table")
        .filter(has_text="If left out")
        .get_by_role("row", name=re.compile("^US · "))
    )
    expect(us.locator('td[data-label="If left out"]')).to_have_text(
        "worth 5% less with its slot empty; another presenter, RU, would fill it at no loss"
    )
    shoot(page, "lineup-not-working-grouped-phone")
    context.close()


def test_a_length_refused_is_said_at_its_field_with_what_was_typed(
    page, live_server, colead, survey
):
    """Ana, by keyboard with a screen reader, types 0 minutes for the new workshop and presses
    Enter: the app's refusal comes back (not the browser's bubble, which refused it unsaid),
    with the focus on it, the 0 kept, and the field itself saying why (helper-377)."""
    sign_in(page, live_server)
    page.goto(live_server + "/lineups/new")
    page.wait_for_url("**/lineups/new")
    page.get_by_label("Focus recommendation").select_option("10")
    page.get_by_role("button", name="Find the best line-up").click()
    page.get_by_role("link", name="line-up #").click()
    length = page.get_by_role("spinbutton", name="lasting (the new workshop's length)")
    expect(length).to_have_accessible_description(re.compile("^minutes, if new"))
    length.fill("0")
    length.press("Enter")
    summary = the_refusal_has_the_focus(page)
    expect(summary).to_contain_text("The workshop's length")
    length = page.get_by_label("lasting")
    expect(length).to_have_value("0")
    expect(length).to_have_attribute("aria-invalid", "true")
    expect(length).to_have_accessible_description(re.compile("The workshop's length .* empty"))
    assert page.evaluate(FITS_WIDTH)
    shoot(page, "lineup-length-refused")
