"""On a phone, every link of the site's menu, every button and every field is a finger's width to
tap (44 px high), the agenda editor's row of slot buttons, the overview's questions and the lists
of a page's sections too; the heatmap's squares are 24 px each way and its table's links a
finger's width; and the editor's stacked slots name the zone of their times."""

import re
from itertools import pairwise

import pytest
from playwright.sync_api import expect

from planner.extensions import db
from planner.proposals.models import Proposal
from planner.proposals.views import PAGE_SIZE as PROPOSALS_PAGE
from tests.browser.conftest import (
    ARTIFACTS,
    DESKTOP,
    FITS_WIDTH,
    ON_A_PHONE,
    boxes,
    rosa_invited,
    shoot,
    sign_in,
)
from tests.presenters.support import MEETING
from tests.support import publish_as_planned

TARGETS = "header.site nav a, header.site .user-menu a, main button, main .button, main summary"
# Fields (helper-303: 35 to 41 px high) and the overview's questions above its chart (33 px).
FIELDS = ", ".join(
    f"main input[type={kind}]"
    for kind in ("text", "search", "email", "number", "password", "url", "date", "time")
)
TARGETS += f", {FIELDS}, main select, main .segmented a, main nav.pager a"
# The lists of a page's sections ("On this page": a recommendation's, the matches'): 19 px high
# lines of links a thumb hit two of (helper-203).
TARGETS += ", main nav.in-page a"
# The languages a presenter's or volunteer's page is offered in (16 px high), and a link among a
# form's buttons, "Cancel" or "Back" (20 px: helper-330).
TARGETS += ", main nav.languages a, main .actions > a"
PROPOSAL = {
    "abstract": "",
    "contact_name": "Rosa",
    "contact_email": "rosa@office.example",
    "duration_minutes": 15,
    "availability": "",
    "maturity": "pilot",
}
# Boxes and round buttons: 24 px each way (their labels are tappable beside them).
CHOICES = 'main input[type="checkbox"], main input[type="radio"]'


# Each target's box as Playwright's bounding_box() gives it (none where nothing is laid out: not
# shown, such as a hidden Copy button waiting for its script) and, for those too small, the name
# a failure gives: measured in the page in one call. An element at a time, three calls each,
# the matches' 270 targets took nine seconds.
TOO_SMALL = """([selector, high, wide, named]) => [...document.querySelectorAll(selector)]
  .map(e => [e, e.getClientRects().length ? e.getBoundingClientRect() : null])
  .filter(([e, box]) => box && (box.height < high || box.width < wide))
  .map(([e, box]) => [named ? e.innerText || e.getAttribute('name') : e.getAttribute('name'),
                      box.width, box.height])"""


def _too_small(page) -> list[str]:
    small = [
        f"{name!r}: {width:.0f}×{height:.0f}"
        for name, width, height in page.evaluate(TOO_SMALL, [TARGETS, 44, 24, True])
    ]
    small += [
        f"{name!r} box: {width:.0f}×{height:.0f}"
        for name, width, height in page.evaluate(TOO_SMALL, [CHOICES, 24, 24, False])
    ]
    return small


def test_the_editor_and_the_menu_are_easy_to_tap(phone, live_server, api, survey):
    meeting = api.post(
        "/api/v1/meetings",
        json={"title": "W", "starts_at": "2030-03-10T12:00:00+01:00", "time_zone": "Europe/Zurich"},
    ).get_json()["id"]
    for title in ("Talk one", "Talk two"):
        made = api.post(
            f"/api/v1/meetings/{meeting}/slots",
            json={"title": title, "office": "AU", "recommendations": [10]},
        )
        assert made.status_code == 201
    assert publish_as_planned(api, meeting).status_code == 200
    # Enough proposals for the review's second page: its Newer and Older (helper-104).
    for n in range(PROPOSALS_PAGE + 1):
        db.session.add(Proposal(office_code="AU", title=f"Talk {n}", **PROPOSAL))
    db.session.commit()
    sign_in(phone, live_server)
    pages = (
        "/",
        "/recommendations/10",
        "/recommendations/3",
        f"/meetings/{meeting}/edit",
        f"/meetings/{meeting}",
        "/recommendations/10/matches",
        "/proposals",
        "/proposals?page=2",
    )
    for path in (*pages, "/volunteer"):
        phone.goto(live_server + path)
        phone.get_by_role("button", name="Menu").click()  # the site's links, unfolded
        assert _too_small(phone) == [], path
    phone.goto(live_server + f"/meetings/{meeting}/edit")
    ARTIFACTS.mkdir(exist_ok=True)
    phone.locator("table.agenda-edit").screenshot(path=str(ARTIFACTS / "phone-editor-slots.png"))
    times = phone.locator("table.agenda-edit td.time").first
    assert "Time in Geneva: 12:00–12:20" in times.evaluate(
        "cell => getComputedStyle(cell, '::before').content.replace(/\"/g, '') + cell.innerText"
    )


def test_on_a_phone_the_menu_folds_behind_one_button(phone, page, live_server, colead):
    """helper-81: a co-lead's nine links and their account took half a phone's screen before
    any content. Below 640 px they fold behind "Menu" (script); on a desktop all show."""
    sign_in(phone, live_server)
    phone.goto(live_server + "/recommendations/10")
    menu = phone.get_by_role("button", name="Menu")
    nav = phone.get_by_role("navigation", name="Main")
    assert menu.get_attribute("aria-expanded") == "false" and not nav.is_visible()
    header = phone.locator("header.site").bounding_box()
    assert header["height"] < 90, header  # one row: the name and the button
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert nav.get_by_role("link", name="Outbox").is_visible()
    assert phone.get_by_role("button", name="Sign out").is_visible()
    phone.keyboard.press("Escape")
    assert not nav.is_visible() and menu.evaluate("b => b === document.activeElement")
    sign_in(page, live_server)
    page.goto(live_server + "/recommendations/10")
    assert not page.get_by_role("button", name="Menu").is_visible()
    assert (
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Outbox").is_visible()
    )


def test_a_co_leads_menu_is_one_row_at_1280_and_fits_a_phone(page, phone, live_server, colead):
    """helper-102: at 1280 px the co-lead's links, the name and the account took two rows (Sign
    out and the address on the second). Now one; the address is still read out, and named by
    Sign out's tooltip. On a phone the unfolded menu still fits the screen's width."""
    sign_in(page, live_server)
    page.goto(live_server + "/meetings")
    nav = page.get_by_role("navigation", name="Main")
    sign_out = page.get_by_role("button", name="Sign out")
    rows = {
        round(box["y"] + box["height"] / 2)
        for box in [page.locator(".brand").bounding_box(), sign_out.bounding_box()]
        + [link.bounding_box() for link in nav.get_by_role("link").all()]
    }
    assert max(rows) - min(rows) <= 4, rows
    assert page.locator("header.site").bounding_box()["height"] < 64
    assert sign_out.get_attribute("title") == "Signed in as colead@example.org"
    assert page.get_by_role("banner").get_by_text("colead@example.org").count() == 1
    page.locator("header.site").screenshot(path=str(ARTIFACTS / "menu-1280.png"))
    sign_in(phone, live_server)
    phone.goto(live_server + "/meetings")
    phone.get_by_role("button", name="Menu").click()
    assert phone.get_by_role("banner").get_by_text("colead@example.org").is_visible()
    assert phone.evaluate(FITS_WIDTH)


def test_on_a_phone_a_marks_note_sits_beside_its_box(phone, live_server, colead, survey):
    """helper-201: at 390 px "Note" ended the verdict's line and its box began the next. A mark
    is made on the pair's own page now (helper-251), each label just above its own box."""
    sign_in(phone, live_server)
    phone.goto(live_server + "/recommendations/10/matches")
    phone.get_by_role("link", name=re.compile(r"^Mark this pair \(")).first.click()
    for name in ("Your judgement", "Note"):
        label = phone.locator("label", has_text=re.compile(f"^{name}$")).bounding_box()
        box = phone.get_by_label(name).bounding_box()
        assert 0 <= box["y"] - (label["y"] + label["height"]) < 16, (name, label, box)
        assert abs(label["x"] - box["x"]) < 4, (name, label, box)
    assert phone.evaluate(FITS_WIDTH)


def _heard(page, text: str) -> list[tuple]:
    """Where a screen reader meets `text`: every node of the accessibility tree not ignored
    whose name or description holds it (text shown, hidden copies, tooltips alike)."""
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    said = [
        (n["role"]["value"], n.get("name", {}).get("value"), n.get("description", {}).get("value"))
        for n in nodes
        if not n.get("ignored")
    ]
    return [s for s in said if text in f"{s[1]} {s[2]}"]


@pytest.mark.parametrize("width", [700, 900, 1100])
def test_between_a_phone_and_1280_the_menu_folds_rather_than_wrapping(
    browser, live_server, colead, width
):
    """helper-201: at 700–1100 px a co-lead's menu took two or three rows (the links wrapped
    under the name, Sign out on a row of its own). Where it would wrap it folds behind "Menu"
    (one row: the name and the button); opened, it shows every link and the account."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(live_server + "/meetings")
    header = page.locator("header.site")
    assert header.bounding_box()["height"] < 70, header.bounding_box()
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main")
    assert menu.is_visible() and not nav.is_visible()
    menu.click()
    assert nav.get_by_role("link", name="Outbox").is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert page.get_by_role("banner").get_by_text("colead@example.org").is_visible()
    assert page.evaluate(FITS_WIDTH)
    header.screenshot(path=str(ARTIFACTS / f"menu-open-{width}.png"))
    context.close()


@pytest.mark.parametrize("width", [390, 800, 1280, 1400, 1600])
def test_a_screen_reader_hears_the_signed_in_address_once(browser, live_server, colead, width):
    """helper-201: at 641–1499 px the address was read twice, as a hidden copy and as Sign
    out's tooltip. It is heard once, as Sign out's description, whether it shows or not."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(live_server + "/meetings")
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    assert _heard(page, "colead@example.org") == [
        ("button", "Sign out", "Signed in as colead@example.org")
    ]
    context.close()


def test_on_a_phone_the_heatmap_and_its_table_are_easy_to_tap(phone, live_server, survey):
    """helper-203: the heatmap's targets are 24 px each way (WCAG 2.5.8), apart from each other;
    the table that says the same, its links and the downloads below the charts, a finger's
    width (44 px). helper-257: each office's row is the target, over its squares, and the table
    a page of its own."""
    phone.goto(live_server + "/")
    rows = [box for box in boxes(phone, "svg:has(#heatmap-title) a.label rect") if box]
    assert len(rows) == 21 + 10
    small = [box for box in rows if box["width"] < 24 or box["height"] < 24]
    assert small == [], small[:3]
    # Neighbours, as the chart draws them: no office's row overlaps the next.
    offices = rows[10:]
    assert all(a["y"] + a["height"] <= b["y"] + 0.5 for a, b in pairwise(offices))
    for table in phone.locator("main details").all():
        table.locator("summary").click()
    selector = "main details table a, main .chart-actions a"
    assert phone.locator(selector).count() > 10
    _finger_sized(phone, selector)
    phone.get_by_role("link", name="The heatmap as a table").click()
    # Counted and measured once the table's page is whole: a click returns as soon as the new
    # page begins to come, and on a loaded machine its table was a few rows yet (16 links).
    phone.wait_for_url("**/heatmap?question=focus")
    selector = "main table a"
    assert phone.locator(selector).count() > 50
    _finger_sized(phone, selector)
    assert phone.evaluate(FITS_WIDTH)


def _finger_sized(phone, selector: str) -> None:
    links = phone.locator(selector)
    small = [
        f"{links.nth(n).inner_text()!r}: {box['width']:.0f}×{box['height']:.0f}"
        for n, box in enumerate(boxes(phone, selector))
        if box and (box["height"] < 44 or box["width"] < 44)
    ]
    assert small == [], small[:5]


def test_on_a_phone_a_file_chooser_looks_as_big_as_it_is(phone, live_server, colead):
    """helper-203: the file box was 44 px high, its browser-drawn button a 20 px grey chip."""
    sign_in(phone, live_server)
    phone.goto(live_server + "/surveys")
    chooser = phone.locator("main input[type=file]").first
    assert chooser.bounding_box()["height"] >= 44
    button = chooser.evaluate("e => getComputedStyle(e, '::file-selector-button').minHeight")
    assert button == "44px"
    assert phone.evaluate(FITS_WIDTH)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_a_presenter_taps_her_language_and_her_way_back(
    browser, live_server, colead_client, survey, width
):
    """helper-330: Rosa, in Lima, reads her pages on her phone in Spanish. The languages above
    each of them were 16 px high, "Español" a thumb from "Français"; "Conservarlo" beside
    "Eliminarlo" and "Volver" under a refused link, 20 px. Each is a finger's height on a phone;
    at 1280 px the languages stay one row."""
    meeting = colead_client.post("/api/v1/meetings", json=MEETING).get_json()["id"]
    invited = rosa_invited(colead_client, meeting)
    link = invited.get_json()["link"]
    assert publish_as_planned(colead_client, meeting).status_code == 200
    shown = ON_A_PHONE if width == "phone" else {"viewport": DESKTOP}
    context = browser.new_context(**shown, locale="es-PE", timezone_id="America/Lima")
    rosa = context.new_page()

    def tapped(step: str, way_on: str | None = None) -> None:
        shoot(rosa, f"presenter-taps-{width}-{step}", full_page=False)
        assert rosa.evaluate(FITS_WIDTH), step
        if way_on and width == "phone":
            assert rosa.get_by_role("link", name=way_on).bounding_box()["height"] >= 44, step
        languages = boxes(rosa, "main nav.languages a")
        if width == "phone":
            assert _too_small(rosa) == [], step
        else:
            assert len({round(box["y"]) for box in languages}) <= 1, (step, languages)

    rosa.goto(live_server + "/volunteer")
    expect(rosa.get_by_role("navigation", name="Idioma").get_by_role("link")).to_have_count(6)
    tapped("volunteer")
    rosa.goto(link)
    tapped("page")
    materials = rosa.locator("#materials")
    materials.get_by_label("O un enlace").fill("https://slides.example/rosa.pdf")
    materials.get_by_role("button", name="Añadir a la presentación").click()
    materials.get_by_role("button", name="Eliminar…").click()
    expect(rosa.get_by_role("heading", level=1)).to_have_text("¿Eliminar este material?")
    tapped("remove", "Conservarlo")
    rosa.get_by_role("link", name="Conservarlo").click()
    rosa.goto(f"{link}/materials")
    rosa.get_by_label("O un enlace").fill("mis diapositivas")
    rosa.get_by_role("button", name="Añadir a la presentación").click()
    expect(rosa.locator(".error-summary")).to_contain_text("O un enlace")
    tapped("refused", "Volver")
    rosa.get_by_role("link", name="Volver").click()
    assert rosa.url.startswith(link)
    context.close()
