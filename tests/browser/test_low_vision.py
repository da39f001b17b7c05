"""A reader with low vision: a 1280 px window zoomed to 400% lays pages out 320 CSS px wide, and
to 200% 640 px (a narrower viewport, as browser zoom gives, not CSS zoom); with the wider
letters, words, lines and paragraphs WCAG 1.4.12 lets a reader set, nothing runs out of sight;
in Windows high contrast (forced colours) what a fill alone marked keeps a mark; and a link
reached by keyboard is never hidden under a table's column that stays in view (WCAG 2.4.11)."""

import struct
import zlib

from sqlalchemy import select

from planner.extensions import db
from planner.mail.models import MessageKind
from planner.mail.outbox import OutboxMessage, Recipient, enqueue
from planner.offices.models import OfficeContact
from tests.browser.conftest import FITS_WIDTH, shoot, sign_in
from tests.support import hidden_fields

# 400% and 200% of a 1280 × 900 window.
AT_400 = {"width": 320, "height": 225}
AT_200 = {"width": 640, "height": 450}
# WCAG 1.4.12's spacing, as the reader's own style sheet (a browser extension) sets it.
TEXT_SPACING = """* { line-height: 1.5 !important; letter-spacing: .12em !important;
  word-spacing: .16em !important; } p { margin-bottom: 2em !important; }"""
# Boxes of the page's own that scroll sideways: what they hold past their edge is out of sight
# until scrolled to. Only the charts may (the heatmap keeps its squares big enough to read).
SCROLLED_SIDEWAYS = """() => [...document.querySelectorAll('main *')]
  .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
  .filter(e => e.scrollWidth > e.clientWidth + 1 && !e.matches('.chart-scroll'))
  .map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.') +
            ` ${e.scrollWidth} px in ${e.clientWidth}`)"""
# The focused element, where another element is drawn over its middle: what covers it.
COVERED = """() => {
  const focused = document.activeElement, box = focused.getBoundingClientRect();
  const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return top === null || focused.contains(top) ? null
    : `${focused.getAttribute('aria-label')} under ${(top.closest('th, td') || top).innerText}`;
}"""
LONG_ADDRESS = "kim.example-international-cooperation@ipaustralia.example"


def colour_at(tab, x: float, y: float) -> tuple[int, int, int]:
    """The colour the screen shows at (x, y) of the window: forced colours change what is
    painted, not what getComputedStyle says."""
    png = tab.screenshot(clip={"x": x, "y": y, "width": 1, "height": 1})
    chunks, at = b"", 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        if png[at + 4 : at + 8] == b"IDAT":
            chunks += png[at + 8 : at + 8 + length]
        at += 12 + length
    # One pixel: its row's filter byte, then its red, green and blue, as they are (no pixel
    # before it for a filter to have taken from).
    return tuple(zlib.decompress(chunks)[1:4])


def test_at_400_percent_with_wider_text_spacing_nothing_runs_out_of_sight(
    browser, live_server, api, survey
):
    meeting = api.post(
        "/api/v1/meetings",
        json={"title": "Rec 10 workshop", "starts_at": "2030-03-12T13:00:00+01:00"},
    ).get_json()["id"]
    made = api.post(
        f"/api/v1/meetings/{meeting}/slots",
        json={"title": "Risk-based governance", "office": "AU", "duration_minutes": 20},
    )
    assert made.status_code == 201
    # The HTML part of an office's feed link, as the outbox shows it and a phone's mail app
    # lays it out: the feed's address, one word of some 100 letters, made it 718 px wide at
    # 640 px (helper-270).
    contact = OfficeContact(office_code="AU", name="Kim Example", email=LONG_ADDRESS, source="t")
    db.session.add(contact)
    db.session.commit()
    url = "/offices/AU/feed/email"
    assert api.post(url, data=hidden_fields(api, url)).status_code == 302
    feed_mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.feed)
    ).one()
    enqueue(
        Recipient(LONG_ADDRESS, "Kim Example"),
        kind=MessageKind.update,
        subject="On the agenda: Risk-based governance",
        text="Dear Kim Example,\n",
    )
    db.session.commit()
    # The page's Content-Security-Policy does not stop a reader's own style sheet.
    context = browser.new_context(viewport=AT_400, device_scale_factor=1, bypass_csp=True)
    tab = context.new_page()
    sign_in(tab, live_server)
    try:
        # A card's zone ("Australia/Sydney") and a slot's time ("13:00–13:20") ran past the
        # card's edge; the outbox's Status column sat beyond a long address (helper-220).
        # The new line-up's box of offices to tick scrolled sideways at 320 px (helper-270).
        for path in (
            "/offices",
            f"/meetings/{meeting}/edit",
            "/outbox",
            "/lineups/new",
            f"/outbox/{feed_mail.id}/part.html",
        ):
            tab.goto(live_server + path)
            tab.add_style_tag(content=TEXT_SPACING)
            shoot(tab, "low-vision-400-spaced" + path.replace("/", "-"), full_page=False)
            assert tab.evaluate(FITS_WIDTH), f"{path} is wider than 320 px"
            assert tab.evaluate(SCROLLED_SIDEWAYS) == [], path

        # Forced colours paint no background: a slot's status and a tag keep an edge, not read
        # as more words of the title beside them.
        tab.goto(f"{live_server}/meetings/{meeting}/edit")
        tab.emulate_media(forced_colors="active")
        edges = tab.evaluate(
            """() => [...document.querySelectorAll('main .status, main .tag')]
                 .map(e => getComputedStyle(e).borderTopStyle)"""
        )
        assert edges and set(edges) == {"solid"}, edges
    finally:
        context.close()


def test_at_200_percent_the_heatmap_table_and_questions_stay_marked_and_in_sight(
    browser, live_server, survey
):
    context = browser.new_context(viewport=AT_200, device_scale_factor=1)
    tab = context.new_page()
    try:
        tab.goto(live_server + "/")
        table = tab.get_by_role("link", name="The heatmap as a table")
        table.focus()
        tab.keyboard.press("Enter")
        tab.wait_for_url("**/heatmap?question=focus")
        # The office column stays in view while the table scrolls sideways: Tab put a "yes" of
        # the columns just scrolled past wholly under it, as the browser counts that in view
        # and scrolls nothing (helper-220).
        hidden = []
        for _ in range(60):
            tab.keyboard.press("Tab")
            if tab.evaluate("document.activeElement.closest('table.heatmap-table td')"):
                hidden.append(tab.evaluate(COVERED))
        assert len(hidden) > 20, "Tab went through the table's links"
        assert [where for where in hidden if where] == []

        # In forced colours the question shown is still told apart from the others: its fill,
        # all that marked it, was not painted, and the four looked alike (helper-220).
        tab.emulate_media(forced_colors="active")
        tab.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
        questions = tab.evaluate(
            """() => [...document.querySelectorAll('.segmented a')].map(a => {
                 const box = a.getBoundingClientRect();
                 return [a.hasAttribute('aria-current'), box.left + 6, box.top + box.height / 2];
               })"""
        )
        fills = {current: colour_at(tab, x, y) for current, x, y in questions}
        assert fills[True] != fills[False], fills
    finally:
        context.close()
