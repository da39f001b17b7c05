"""What a page shows without JavaScript and on paper: nothing that does nothing."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, ON_A_PHONE, shoot, sign_in
from tests.support import ahead, publish_as_planned


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


# What would print as a control: on paper nothing can be pressed, typed in or chosen, so none is
# printed (a co-lead's "Keep"/"Drop", a filter form, "Volunteer"); nor a fold's summary with
# nothing under it, which paper cannot open (a closed fold prints not at all).
CONTROLS_OR_FOLDS_SHOWN = """() => {
  const seen = e => e.checkVisibility({visibilityProperty: true});
  const controls = [...document.querySelectorAll(
    'button, a.button, input:not([type=hidden]), select, textarea')].filter(seen);
  const folded = [...document.querySelectorAll('details')].filter(seen).flatMap(
    d => [...d.children].filter(c => c.tagName !== 'SUMMARY' && !seen(c)));
  return [...controls, ...folded].map(e => e.outerHTML.slice(0, 80));
}"""

# Text that paper would show on a dark background (printed with "Background graphics") or,
# without it, white on white: every element whose background or text is nearly black or white.
DARK_OR_WHITE = """() => {
  const light = c => { const [r, g, b, a = 1] = c.match(/[\\d.]+/g).map(Number);
                       return a === 0 ? null : (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255; };
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getClientRects().length)
    .filter(e => { const s = getComputedStyle(e), back = light(s.backgroundColor);
                   const text = e.childNodes.length && [...e.childNodes].some(
                     n => n.nodeType === 3 && n.textContent.trim()) ? light(s.color) : null;
                   return (back !== null && back < 0.5) || (text !== null && text > 0.85); })
    .map(e => e.outerHTML.slice(0, 80));
}"""


def _published_workshop(api) -> tuple[int, str]:
    """A workshop to come with a presentation whose abstract is long enough to fold on screen."""
    abstract = "Auto classification of trade marks with a model trained on examiners' work. " * 8
    meeting = api.post(
        "/api/v1/meetings",
        json={
            "title": "Workshop on Rec 10",
            "starts_at": f"{ahead('2027-03-09')}T13:00:00",
            "time_zone": "Europe/Zurich",
            "video_url": "https://wipo.example.org/j/123",
        },
    ).get_json()["id"]
    for slot in (
        {"title": "Welcome", "kind": "discussion", "duration_minutes": 10},
        {
            "title": "Auto classification",
            "office": "AU",
            "recommendations": [10],
            "abstract": abstract,
        },
        {"title": "Break", "kind": "break", "duration_minutes": 15},
        {"title": "Machine translation", "office": "PE", "recommendations": [10]},
    ):
        assert api.post(f"/api/v1/meetings/{meeting}/slots", json=slot).status_code == 201
    assert publish_as_planned(api, meeting).status_code == 200
    return meeting, abstract


def test_a_printed_agenda_has_every_abstract_whole_and_no_slot_cut_across_pages(
    page, live_server, api, survey
):
    """On screen a long abstract folds behind "the whole abstract"; paper cannot unfold it, so it
    printed cut ("… the whole abstract", underlined). And a slot's row, like an answer, was cut
    across two pages (its title on one, its status and presenter on the next)."""
    meeting, abstract = _published_workshop(api)
    page.goto(f"{live_server}/meetings/{meeting}")
    expect(page.get_by_text("the whole abstract")).to_be_visible()
    page.emulate_media(media="print")
    whole = page.locator("p.abstract")
    expect(whole).to_be_visible()
    expect(whole).to_have_text(abstract.strip())
    expect(page.get_by_text("the whole abstract")).to_be_hidden()
    # Each row whole, but the one of the long abstract: kept whole, it left most of a page blank.
    kept_whole = page.evaluate(
        """() => [...document.querySelectorAll('table.agenda tr, table.local-times tr')]
              .map(row => [!!row.querySelector('details.abstract'),
                           getComputedStyle(row).breakInside])"""
    )
    assert {tuple(row) for row in kept_whole} == {(False, "avoid"), (True, "auto")}, kept_whole
    shoot(page, "agenda-printed")


def test_printed_pages_show_no_controls_and_nothing_dark(page, live_server, api, survey):
    """The Secretariat prints the agenda, a meeting, the matches, an office and a line-up for a
    meeting: no button, filter form, field or closed fold prints (the office page printed
    "Volunteer a presentation for AU" as a button, the matches page its filter form with "Rank
    again", the line-up its rules as a form and "Keep"/"Drop" in a column that squeezed "Best
    match for" to a word a line); with background graphics on, the header printed as a dark blue
    bar and an answer's source lines white on near-black, and without them the planner's name
    white on white."""
    meeting, _ = _published_workshop(api)
    sign_in(page, live_server)
    page.goto(f"{live_server}/offices/AU")
    answer = page.locator("a[href*='/answers/']").first.get_attribute("href")
    page.goto(f"{live_server}/lineups/new")
    page.get_by_role("button", name="Find the best line-up").click()
    expect(page.locator(".verdict")).to_be_visible()
    found, lineup = page.url, page.get_by_role("link", name="line-up #").get_attribute("href")
    for address in (
        "/meetings",
        f"/meetings/{meeting}",
        "/recommendations/10/matches",
        "/offices/AU",
        answer,
        lineup,
        found.removeprefix(live_server),  # the line-up just found, on the page of its rules
    ):
        page.goto(live_server + address)
        page.emulate_media(media="print")
        assert page.evaluate(CONTROLS_OR_FOLDS_SHOWN) == [], page.url
        assert page.evaluate(DARK_OR_WHITE) == [], page.url
        page.emulate_media(media="screen")
    # The rules the line-up was found under are said in words on paper, as its own page says them.
    page.emulate_media(media="print")
    expect(page.locator(".rules-summary")).to_be_visible()
    expect(page.locator(".rules-summary")).to_contain_text("5 presentations")
