"""A co-lead explores the survey in a real browser: heatmap → answer → office → recommendation."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    FITS_WIDTH,
    HEADINGS_IN_ORDER,
    PHONE,
    boxes,
    shoot,
    the_message_has_the_focus,
)

# The explorer's pages at a desktop's width: headings, the main menu, tables with heads. At a
# phone's width they are in tests/browser/test_every_page.py (nothing sideways, axe).
PAGES = {
    "overview": "/",
    "overview-discuss": "/?question=discuss",
    "summary": "/surveys/CWS-13-26/summary",
    "recommendation-10": "/recommendations/10",
    "recommendations": "/recommendations",
    "office-ES": "/offices/ES",
    "offices": "/offices",
    "survey": "/surveys/CWS-13-26",
}


def test_click_through_heatmap_answer_office_recommendation(page, live_server, survey):
    page.goto(live_server + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Who focuses on what")
    page.get_by_role("link", name="Wanted for discussion (Q8)").click()
    expect(page).to_have_url(re.compile(r"question=discuss"))
    shoot(page, "explorer-1-overview-discuss")

    # Spain's row, found by its tooltip as a mouse user would: its wishes, on its page.
    row = page.locator("svg a.label", has=page.locator("title", has_text="ES: Spanish"))
    expect(row.locator("title")).to_contain_text("(named Rec 10)")
    row.click()
    expect(page).to_have_url(re.compile(r"/offices/ES\?survey=CWS-13-26#discuss-heading$"))
    expect(page.locator("#discuss-heading")).to_be_in_viewport()
    page.go_back()

    # The answer itself, from the heatmap as a table.
    page.get_by_role("link", name="The heatmap as a table").click()
    page.get_by_role("link", name="yes, ES, Rec 10").click()
    expect(page.locator("blockquote.answer-text")).to_have_text(
        "Rec.10, with special focus on governance and risk management and assessment."
    )
    expect(page.locator("pre.source")).to_contain_text("1264 ES Rec.10")
    shoot(page, "explorer-2-answer")

    page.get_by_role("link", name="Everything ES answered").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Spanish Patent and Trademark")
    expect(page.get_by_text("Europe/Madrid")).to_be_visible()
    shoot(page, "explorer-3-office")

    wants = page.locator("section", has=page.locator("#discuss-heading"))
    wants.get_by_role("link", name=re.compile(r"^Rec 10:")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("New and emerging technologies")
    expect(page.get_by_text("applying a risk-based governance framework")).to_be_visible()
    shoot(page, "explorer-4-recommendation")

    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Recommendations"
    ).click()
    expect(page).to_have_url(live_server + "/recommendations")


@pytest.mark.parametrize(("name", "path"), PAGES.items())
def test_each_page_at_desktop_width(page, live_server, survey, name, path):
    page.goto(live_server + path)
    headings = page.evaluate(HEADINGS_IN_ORDER)
    assert headings == {"h1": 1, "first": 1, "skips": 0}, headings
    assert page.locator("header.site nav[aria-label=Main] a[aria-current=page]").count() == 1
    for table in page.locator("table").all():
        assert table.locator("th").count() > 0
    shoot(page, f"desktop-{name}")


def test_office_filter_and_search(page, live_server, survey):
    page.goto(live_server + "/")
    page.get_by_label("Filter offices").fill("europe")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("svg:has(#heatmap-title) a.label")).to_have_count(2 + 10)
    page.get_by_role("link", name="The heatmap as a table").click()
    expect(page.get_by_label("Filter offices")).to_have_value("europe")
    expect(page.locator("table.heatmap-table tbody tr")).to_have_count(2)
    page.get_by_role("link", name="Offices", exact=True).click()
    page.get_by_label("Find an office").fill("lima")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody")).to_contain_text("INDECOPI")


def test_editing_an_office_in_the_browser(page, live_server, survey, colead):
    page.goto(live_server + "/offices/PE/edit")
    # Editing is for co-leads: the page asks to sign in first, then comes back.
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Email").fill("colead@example.org")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/offices/PE/edit$"))
    page.get_by_label("Time zone").fill("PET")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field .error")).to_contain_text('"PET" is not a time zone name')
    expect(page.get_by_label("Time zone")).to_have_value("PET")
    shoot(page, "office-edit-error")
    page.get_by_label("Time zone").fill("America/Lima")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("PE saved.")


def test_unknown_places_are_404_pages_in_the_app_style(page, live_server, survey):
    response = page.goto(live_server + "/offices/XX")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not Found")
    expect(page.locator("header.site")).to_be_visible()
    response = page.goto(live_server + "/recommendations/42")
    assert response.status == 404


def test_matches_from_a_recommendation_page(page, live_server, survey):
    page.goto(live_server + "/recommendations/10")
    page.get_by_role("link", name="Matches: who could present to whom").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Matches for Rec 10")
    israel = page.locator("section", has=page.locator("#audience-IL"))
    expect(israel.locator("tbody tr").first.locator(".tag").first).to_have_text("working")
    aside = page.locator("#set-aside + p + .table-scroll")
    paraguay = aside.locator("tr", has=page.get_by_role("link", name="PY · DINAPI"))
    expect(paraguay).to_contain_text("counted as demand")
    expect(paraguay).to_contain_text("“we need”")
    shoot(page, "matches-rec-10", full_page=False)
    page.get_by_label("Also consider plans as presenters").check()
    page.get_by_role("button", name="Rank again").click()
    expect(page).to_have_url(re.compile(r"include_plans=1"))
    expect(page.get_by_label("Also consider plans as presenters")).to_be_checked()
    page.get_by_role("link", name="Show every match").click()
    expect(page).to_have_url(re.compile(r"include_plans=1.*show=all|show=all.*include_plans=1"))
    expect(page.locator("#presenter-ES")).to_contain_text("plan")


def test_a_colead_marks_a_pair_and_the_ranking_follows(colead_page, live_server, survey):
    page = colead_page
    page.goto(live_server + "/recommendations/10/matches?show=all")
    spain = page.locator("section", has=page.locator("#audience-ES"))
    row = spain.locator("tbody tr", has=page.get_by_role("link", name="EM · EUIPO"))
    if not row.is_visible():
        # Below the best few: unfold the rest of ES's list.
        spain.locator("details.more-matches > summary").click()
    # On the pair's own page (helper-251: a form in each row was a fifth of the page).
    row.get_by_role("link", name="Mark this pair (EM for ES)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mark EM for ES on Rec 10")
    expect(page.get_by_text("Not marked: the score ranks this pair.")).to_be_visible()
    page.get_by_label("Your judgement").select_option("must_present")
    page.get_by_label("Note").fill("They build AI examination tools, ES asked us")
    page.get_by_role("button", name="Save mark").click()
    spain = page.locator("section", has=page.locator("#audience-ES"))
    # Said beside ES's list, where the page comes back to, and in view.
    said = spain.get_by_role("status")
    expect(said).to_have_text("Marked EM for ES on Rec 10: must present to.")
    expect(said).to_be_in_viewport()
    the_message_has_the_focus(page, "Marked EM for ES on Rec 10: must present to.")
    first = spain.locator("tbody tr").first
    expect(first).to_contain_text("EM · EUIPO")
    expect(first).to_contain_text("Co-lead: must present to")
    expect(first).to_contain_text("They build AI examination tools")
    first.scroll_into_view_if_needed()
    shoot(page, "matches-marked", full_page=False)


def test_matches_fit_a_phone(phone, live_server, survey):
    phone.goto(live_server + "/recommendations/10/matches")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Matches for Rec 10")
    assert phone.evaluate(FITS_WIDTH)
    phone.locator("#audience-ES").scroll_into_view_if_needed()
    shoot(phone, "matches-rec-10-phone", full_page=False)


def test_what_the_ranking_did_not_read_wraps_on_a_phone(phone, live_server, survey):
    """helper-345: EP's cost efficiency, which no topic and no presenter's words meet on Rec 1,
    is quoted in EP's section: wrapped within a phone's width, in sight above its presenters."""
    phone.goto(live_server + "/recommendations/1/matches")
    said = phone.locator("section", has=phone.locator("#audience-EP")).locator("p.not-read")
    expect(said).to_contain_text("Cost efficiency and optimization (Financial Sustainability)")
    said.scroll_into_view_if_needed()
    expect(said).to_be_in_viewport()
    box = said.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert box["height"] > 30, "one line cut at the edge rather than wrapped"
    assert phone.evaluate(FITS_WIDTH)
    shoot(phone, "matches-not-read-phone", full_page=False)


def test_the_recommendations_are_cards_on_a_phone(phone, live_server, survey):
    """helper-90: the five-column table was cut at "Demand" inside its scroll box; on a phone
    each recommendation is a card, every figure in view and named."""
    phone.goto(live_server + "/recommendations")
    table = phone.locator("table.data")
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1"), "the table scrolls"
    struggle = table.locator("td[data-label^='Struggle']").first
    box = struggle.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390, box
    assert phone.evaluate(FITS_WIDTH)


def test_the_charts_keep_their_size_on_a_phone(phone, live_server, survey):
    """Both charts of the overview scroll sideways at their own size rather than shrink to the
    screen: the bars' labels were 7–8 px on a phone (helper-53)."""
    phone.goto(live_server + "/")
    assert phone.evaluate(FITS_WIDTH)
    for chart in ("svg:has(#heatmap-title)", "svg:has(#bars-title)"):
        drawn = phone.locator(chart).evaluate(
            "svg => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width"
        )
        assert drawn >= 0.99, chart


def test_the_charts_links_are_targets_and_the_bars_labels_whole(page, phone, live_server, survey):
    """helper-102: the heatmap's column links were their digits (8×14 px) and the bars' labels
    were cut to 32 characters ("1 Digital transformation of bus…"). Every link of both charts is
    at least 24×24 px (WCAG 2.5.8), and the bars' labels are written whole, at 1280 px and on a
    phone, where the bars fit the screen."""
    for browser_page in (page, phone):
        browser_page.goto(live_server + "/")
        links = browser_page.locator("svg.chart a")
        for n, box in enumerate(boxes(browser_page, "svg.chart a")):
            assert box["width"] >= 24 and box["height"] >= 24, (
                links.nth(n).get_attribute("href"),
                box,
            )
        bars = browser_page.locator("svg:has(#bars-title)")
        labels = bars.evaluate(
            """svg => [...svg.querySelectorAll('a.label text')].map(text =>
                 [...text.querySelectorAll('tspan')].map(line => line.textContent).join(' '))"""
        )
        assert "…" not in "".join(labels)
        assert labels[8] == (
            "9 Sharing experience in planning, managing, delivering and evaluating ICT projects"
        )
        drawn = bars.evaluate(
            "svg => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width"
        )
        assert drawn >= 0.99
        assert bars.evaluate("svg => svg.getBoundingClientRect().right <= innerWidth")


# Scrolled anywhere over the heatmap, the numbers of its columns that the window shows: the
# top's or a repeat's, read above a row of squares in view, not cut at the window's top.
NUMBERED_AT = """() => {
  const chart = document.querySelector('svg:has(#heatmap-title)');
  // A linked number's tooltip is a <title> inside its text: its own words are the text's.
  const own = t => [...t.childNodes].filter(n => n.nodeType === Node.TEXT_NODE)
    .map(n => n.textContent).join('');
  // The columns' numbers, bold, not a row's total of 10 in the row's link.
  const numbers = [...chart.querySelectorAll('a.label text[font-weight], g[aria-hidden] text')]
    .filter(t => own(t) === '10');
  const top = chart.getBoundingClientRect().top + scrollY;
  const bottom = top + chart.getBoundingClientRect().height;
  const unnumbered = [];
  for (let y = top; y < bottom - innerHeight; y += 250) {
    scrollTo(0, y);
    const seen = numbers.map(n => n.getBoundingClientRect())
      .filter(box => box.top >= 0 && box.bottom <= innerHeight);
    if (!seen.length) unnumbered.push(Math.round(y - top));
  }
  return unnumbered;
}"""


def test_a_heatmap_of_200_offices_keeps_its_columns_numbered(browser, live_server, app_context):
    """helper-216: at 200 offices the heatmap is some 5,200 px tall and its recommendation
    numbers were at its top only: wherever it is scrolled, at a laptop's width and a phone's,
    numbers are in view. Its table scrolls in a pane whose heads stay at the pane's top (and on
    a phone, the office at its left), the page no wider than the window."""
    from planner.extensions import db
    from planner.survey.operations import import_record
    from planner.survey.synthetic import scaled_survey
    from tests.browser.conftest import DESKTOP, ON_A_PHONE
    from tests.conftest import _bundled_record

    import_record(scaled_survey(_bundled_record(), 200))
    db.session.commit()
    for width, options in (("desktop", {"viewport": DESKTOP}), ("phone", ON_A_PHONE)):
        context = browser.new_context(**options)
        page = context.new_page()
        page.goto(live_server + "/")
        assert page.evaluate(NUMBERED_AT) == [], width
        page.locator("svg:has(#heatmap-title) a.label").nth(10 + 150).scroll_into_view_if_needed()
        shoot(page, f"overview-200-{width}", full_page=False)
        page.get_by_role("link", name="The heatmap as a table").click()
        # Scrolled once the table is whole: scrolled halfway down a table still coming (a click
        # returns as the new page begins), the pane was scrolled nowhere on a loaded machine.
        page.wait_for_url("**/heatmap?question=focus")
        pane = page.locator(".heatmap-pane")
        pane.evaluate("pane => { pane.scrollTop = pane.scrollHeight / 2; pane.scrollLeft = 80; }")
        pane.scroll_into_view_if_needed()
        pane_box = pane.bounding_box()
        assert pane_box["height"] < options["viewport"]["height"]
        head = pane.get_by_role("columnheader", name="10", exact=True)
        assert abs(head.bounding_box()["y"] - pane_box["y"]) < 2, width
        if width == "phone":
            office = pane.locator("tbody th").nth(100)
            assert abs(office.bounding_box()["x"] - pane_box["x"]) < 2
        assert page.evaluate(FITS_WIDTH), width
        shoot(page, f"overview-200-table-{width}", full_page=False)
        context.close()


def test_a_phone_goes_from_200_offices_matches_to_one_office_s_on_another_recommendation(
    browser, live_server, app_context
):
    """helper-216: the matches of 200 offices were some 130,000 px on a phone (40 interested
    offices on a page, a presenter's 40 audiences each). A co-lead picks the recommendation and
    the office in the filters and has their matches at an address to send on; a presenter's
    audiences beyond the first three fold away. Nothing is wider than the window."""
    from planner.extensions import db
    from planner.survey.operations import import_record
    from planner.survey.synthetic import scaled_survey
    from tests.browser.checks import AXE, check_page
    from tests.browser.conftest import ON_A_PHONE
    from tests.conftest import _bundled_record

    import_record(scaled_survey(_bundled_record(), 200))
    db.session.commit()
    context = browser.new_context(**ON_A_PHONE)
    context.add_init_script(script=AXE.axe_script)
    phone = context.new_page()
    phone.goto(live_server + "/recommendations/10/matches")
    assert phone.evaluate(FITS_WIDTH)
    in_view = phone.evaluate(
        """() => [...document.querySelectorAll('#presenters ~ section.match-group')]
             .map(section => section.querySelector('table tbody').rows.length)"""
    )
    assert in_view and max(in_view) == 3, in_view
    filters = phone.get_by_role("form", name="Filter the matches")
    filters.get_by_label("Recommendation").select_option("4")
    filters.get_by_label("Office").select_option("AK")
    filters.get_by_role("button", name="Show the matches").click()
    expect(phone).to_have_url(re.compile(r"/recommendations/4/matches\?survey=[^&]+&office=AK$"))
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Matches for Rec 4")
    expect(filters.get_by_label("Office")).to_have_value("AK")
    shoot(phone, "matches-200-rec-4-AK-phone", full_page=False)
    address = phone.url
    check_page(phone, address, "/recommendations/4/matches?office=AK", "phone", "matches-200-AK")
    context.close()


# Every link that opens or names something in a match's card on a phone, and the folds of the
# card: boxes of at least 24 px high (44 for the folds, as every summary on a phone).
CARD_TARGETS = """() => [...document.querySelectorAll(
    'table.cards th[scope=row] a, table.cards td > a, table.matches summary')]
  .filter(e => e.getClientRects().length)
  .map(e => [e.innerText.trim(), e.getBoundingClientRect()])
  .filter(([text, box]) => box.height < 24 || box.width < 24)
  .map(([text, box]) => `${text} ${Math.round(box.width)}x${Math.round(box.height)}`)"""


def test_a_phone_finds_one_audience_s_presenters_among_200_offices_and_marks_one(
    browser, live_server, app_context, colead
):
    """helper-242: a co-lead on a train, 200 offices. Each presenter's reasons were a phone's
    screen or more (an audience's best three, three and a half screens: the page 126), so its
    reasons fold under what they come to, one tap away, and its mark stays in sight. One
    audience's presenters are an address of their own, chosen in the filters ("AT" as office
    kept every match AT presents too: 650 kB, 143 screens), where marking a pair comes back to.
    Links and folds in a card are a thumb's size, the folds show where the keyboard is, and
    nothing is wider than the window."""
    from planner.extensions import db
    from planner.survey.operations import import_record
    from planner.survey.synthetic import scaled_survey
    from tests.browser.checks import AXE, check_page
    from tests.browser.conftest import ON_A_PHONE, sign_in
    from tests.conftest import _bundled_record

    import_record(scaled_survey(_bundled_record(), 200))
    db.session.commit()
    context = browser.new_context(**ON_A_PHONE)
    context.add_init_script(script=AXE.axe_script)
    phone = context.new_page()
    sign_in(phone, live_server)
    phone.goto(live_server + "/recommendations/10/matches")
    first = phone.locator("section.match-group").first
    best = first.locator("table.matches").first
    assert best.bounding_box()["height"] < PHONE["height"], best.bounding_box()
    row = best.locator("tbody tr").first
    expect(row.locator("ul.reasons")).to_be_hidden()
    why = row.locator("details.why > summary")
    expect(why).to_have_text(re.compile(r"^Why: working, \d+ (topic|word)s? in common"))
    # From the link before it (to its presenter's project), Tab reaches it, and the ring shows it.
    row.locator("a.project-link").focus()
    phone.keyboard.press("Tab")
    expect(why).to_be_focused()
    assert phone.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    why.click()
    expect(row.locator("ul.reasons")).to_be_visible()
    assert phone.evaluate(CARD_TARGETS) == []
    assert phone.evaluate(FITS_WIDTH)
    shoot(phone, "matches-200-folded-phone", full_page=False)

    filters = phone.get_by_role("form", name="Filter the matches")
    filters.get_by_label("Office").select_option("AT")
    filters.get_by_label("In its matches as").select_option("audience")
    filters.get_by_role("button", name="Show the matches").click()
    expect(phone).to_have_url(re.compile(r"\?survey=[^&]+&office=AT&role=audience$"))
    sections = phone.locator("section.match-group[aria-labelledby^=audience-]")
    expect(sections).to_have_count(1)
    size = phone.evaluate("performance.getEntriesByType('navigation')[0].decodedBodySize")
    assert size < 150_000, size
    screens = phone.evaluate("document.documentElement.scrollHeight / innerHeight")
    assert screens < 20, screens
    row = phone.locator("#audience-AT ~ table tbody tr, section:has(#audience-AT) tbody tr")
    second = row.nth(1)
    presenter = second.locator("th[scope=row] a").first.inner_text().split(" · ")[0]
    second.get_by_role("link", name=f"Mark this pair ({presenter} for AT)").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Mark {presenter} for AT on Rec 10")
    assert phone.evaluate(FITS_WIDTH)
    phone.get_by_label("Your judgement").select_option("not_useful")
    phone.get_by_label("Note").fill("Heard them in Geneva last year")
    shoot(phone, "matches-200-AT-mark-phone", full_page=False)
    phone.get_by_role("button", name="Save mark").click()
    expect(phone).to_have_url(re.compile(r"&office=AT&role=audience#audience-AT$"))
    said = phone.get_by_role("status")
    expect(said).to_contain_text(f"Marked {presenter} for AT on Rec 10: not useful.")
    expect(said).to_be_in_viewport()
    the_message_has_the_focus(phone, f"Marked {presenter} for AT on Rec 10: not useful.")
    ruled_out = phone.locator(f"#unranked-AT-{presenter}")
    expect(ruled_out).to_contain_text("Heard them in Geneva last year")
    shoot(phone, "matches-200-AT-marked-phone", full_page=False)
    check_page(
        phone,
        phone.url.partition("#")[0],
        "/recommendations/10/matches?office=AT&role=audience",
        "phone",
        "matches-200-AT-audience",
        taps=True,
    )
    context.close()


def test_a_wide_screen_shows_each_pair_s_reasons_unfolded(page, live_server, survey):
    """The reasons a phone folds (above) are in view on a wide screen, with no fold to open, and
    on paper."""
    page.goto(live_server + "/recommendations/10/matches")
    spain = page.locator("section", has=page.locator("#audience-ES"))
    row = spain.locator("tbody tr").first
    expect(row.locator("ul.reasons")).to_be_visible()
    expect(row.locator("details.why > summary")).to_have_count(1)
    expect(row.locator("details.why > summary")).to_be_hidden()
    spain.scroll_into_view_if_needed()
    shoot(page, "matches-reasons-desktop", full_page=False)
    page.emulate_media(media="print")
    expect(row.locator("ul.reasons")).to_be_visible()
    expect(row.locator("details.why > summary")).to_be_hidden()
