"""What each page is checked for in a browser, at a desktop's and a phone's width: nothing
wider than the window and no axe-core violation (and, where asked, on a phone every button
and field a finger's width). Shared by test_every_page (the app's pages in one world) and
test_later_pages (the pages once a second survey round and a held workshop exist)."""

from collections.abc import Iterator
from contextlib import contextmanager

from axe_playwright_python.sync_playwright import Axe, AxeResults

from tests.browser.conftest import DESKTOP, FITS_WIDTH, PHONE, shoot, sign_in_on_the_page
from tests.browser.test_tap_targets import _too_small

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}

AXE = Axe()
# axe's default rules, and one it still calls experimental: a control's visible words must be
# part of its accessible name, or someone who says "click Cancel" to speech control gets nothing.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "rules": {"label-content-name-mismatch": {"enabled": True}},
}
# The page is the same HTML at both widths: every rule runs at a phone's width, and at a
# desktop's those whose answer the layout changes. Targets are sized and boxes scroll
# differently; tables a phone shows as cards (their column heads hidden) are tables again, and
# colours (a cell's background from 641 px) are checked on what each width shows. (Half the
# module's time was axe at 1280 checking again what it had checked at 390.)
AXE_DESKTOP_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "rule",
        "values": [
            "target-size",
            "scrollable-region-focusable",
            "color-contrast",
            "th-has-data-cells",
            "td-has-header",
            "td-headers-attr",
            "scope-attr-valid",
            "empty-table-header",
            "table-duplicate-name",
            "empty-heading",
            "heading-order",
        ],
    },
}
# Where a page is wider than the window: the elements that stick out on the right, by a short
# selector, so that a failure says what to fix.
WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(e =>
    e.parentElement.getBoundingClientRect().right <= document.documentElement.clientWidth + 1)
  .slice(0, 8)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
            (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : '')
            + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')"""


@contextmanager
def tabs_by_width_and_role(browser, live_server) -> Iterator[dict]:
    """One page per width and role ("anyone", "colead": signed in), for a module's tests to
    reuse."""
    opened, contexts = {}, []
    for width, viewport in WIDTHS.items():
        for who in ("anyone", "colead"):
            context = browser.new_context(
                viewport=viewport, is_mobile=width == "phone", device_scale_factor=1
            )
            contexts.append(context)
            # axe-core comes with every page the tab loads, rather than sent over for each.
            context.add_init_script(script=AXE.axe_script)
            tab = context.new_page()
            if who == "colead":
                sign_in_on_the_page(tab, live_server)
            opened[width, who] = tab
    try:
        yield opened
    finally:
        for context in contexts:
            context.close()


def check_page(tab, url: str, path: str, width: str, shot: str, *, taps: bool = False) -> None:
    """Opens `url` (the page `path` names) in `tab` and checks it: answered 200, nothing wider
    than the window, on a phone (with `taps`) nothing too small to tap, and no axe-core
    violation, with what it folds away unfolded. A screenshot of the window is `shot`."""
    response = tab.goto(url)
    assert response.status == 200, f"{path}: {response.status}"
    shoot(tab, shot, full_page=False)
    assert tab.evaluate(FITS_WIDTH), (
        f"{path} is {tab.evaluate('document.documentElement.scrollWidth')} px wide at "
        f"{tab.viewport_size['width']} px, sticking out: {tab.evaluate(WIDE_ELEMENTS)}"
    )
    if taps and width == "phone":
        assert not _too_small(tab), f"{path}: too small to tap: {_too_small(tab)}"
    # axe checks what is shown: what a page folds away (a chart as a table, a project's text) is
    # checked unfolded (helper-161: the heatmap's table named its "yes" links without "yes").
    tab.evaluate("document.querySelectorAll('details').forEach(folded => { folded.open = true; })")
    unnamed = _unnamed_tables(tab) if width == "phone" else []
    assert not unnamed, f"{path}: tables with no name, by their first row: {unnamed}"
    options = AXE_OPTIONS if width == "phone" else AXE_DESKTOP_OPTIONS
    results = AxeResults(tab.evaluate("options => axe.run(document, options)", options))
    assert results.violations_count == 0, results.generate_report()
    if width == "phone":
        said = tab.evaluate(SAID_AS_SHOWN)
        assert not said["late"], (
            f"{path}: names that do not start with the words shown: {said['late']}"
        )
        assert not said["twice"], f"{path}: one name, different places: {said['twice']}"
        assert not said["same"], f"{path}: fields of one name: {said['same']}"


# Speech control ("click Remove", Dragon, Voice Control) finds a link or button by the words it
# shows, and a screen reader's list of links or buttons gives names alone: each link's and
# button's name starts with its words shown, what it adds unseen after them (axe's
# label-content-name-mismatch asks them only to be in the name: "Move “…” up" passed for "Up",
# "Agenda (CSV), with semicolons" for "with semicolons"), and one name leads to one place: a
# link's page (its ?survey= round or #part are views of one place), a button's form and value
# (helper-294: five "Remove…" on a meeting's archive, each removing another file, and three
# "Materials of this slot"). The name is reckoned as a browser does for what the app writes
# (aria-labelledby, aria-label, the text but what aria-hidden hides): axe's own reckoning, which
# sets up its tree of the page again, took 30-90 ms a page, this one a few. And no two fields
# share a name, their labels' words (helper-303: "click Title" on a meeting's editor met the
# meeting's and the new slot's; a heading or legend above joins no field's name in Chromium),
# a row's field in rows alike neither (helper-314: each availability window's "Mon" is "Mon,
# window 2"), and each field's name starts with its label's words shown.
SAID_AS_SHOWN = r"""() => {
  // Letters and digits alone: a count in an element of its own ('workflows' '1') is no word apart.
  const words = text => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  const text = (element, skip) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    let said = '';
    for (let node; (node = walker.nextNode());) {
      if (!node.parentElement.closest(skip)) said += node.data;
    }
    return said;
  };
  const heard = '[aria-hidden="true"], title, style, script';
  const shown = '.visually-hidden, ' + heard;
  const name = control => {
    const by = control.getAttribute('aria-labelledby');
    if (by) return by.split(/\s+/).map(id => document.getElementById(id))
      .map(part => part ? (part === control ? text(part, heard) : part.textContent) : '').join(' ');
    return control.getAttribute('aria-label') || text(control, heard) || control.value
      || control.title || '';
  };
  const late = [], places = new Map();
  for (const control of document.querySelectorAll('a[href], button, summary')) {
    if (!control.getClientRects().length || control.closest('[aria-hidden="true"]')) continue;
    const named = words(name(control)), seen = words(text(control, shown) || control.value || '');
    if (!named.startsWith(seen)) {
      late.push(`"${text(control, shown).trim()}" named "${name(control).trim()}"`);
    }
    const place = control.matches('a')
      ? new URL(control.getAttribute('href') ?? control.getAttribute('xlink:href'),
                document.baseURI).href.split(/[?#]/)[0]
      : control.matches('button') ? `${control.form?.action} ${control.name}=${control.value}`
      : null;
    if (!place || !named) continue;
    if (!places.has(named)) places.set(named, {said: name(control).trim(), to: new Set()});
    places.get(named).to.add(place);
  }
  const twice = [...places.values()].filter(({to}) => to.size > 1)
    .map(({said, to}) => `"${said}": ${[...to].slice(0, 3).join(' ')}`);
  // A field's name: its label's words (a legend or a heading above joins no field's name).
  const called = field => {
    const by = field.getAttribute('aria-labelledby');
    if (by) return by.split(/\s+/).map(id => document.getElementById(id)?.textContent ?? '')
      .join(' ');
    return field.getAttribute('aria-label')
      || [...field.labels].map(label => text(label, heard)).join(' ')
      || field.title || field.placeholder || '';
  };
  const fields = new Map();
  for (const field of document.querySelectorAll(
      'input:not([type=hidden], [type=submit], [type=button], [type=reset], [type=image]),' +
      ' select, textarea')) {
    if (!field.getClientRects().length || field.closest('[aria-hidden="true"]')) continue;
    const named = words(called(field));
    const seen = [...field.labels].map(label => text(label, shown)).join(' ');
    if (!named.startsWith(words(seen))) {
      late.push(`"${seen.trim()}" named "${called(field).trim()}"`);
    }
    if (!named) continue;
    if (!fields.has(named)) fields.set(named, {said: called(field).trim(), count: 0});
    fields.get(named).count += 1;
  }
  const same = [...fields.values()].filter(({count}) => count > 1)
    .map(({said, count}) => `"${said}" ×${count}`);
  return {late: late.slice(0, 8), twice: twice.slice(0, 8), same: same.slice(0, 8)};
}"""


def _unnamed_tables(tab) -> list[str]:
    """The tables a screen reader names by nothing but "table", each by its first row. Every
    table sits under a heading, but a list of tables (NVDA's elements list, or jumping from table
    to table with T) reads no heading (helper-278: the slots on a meeting's edit page, the API
    tokens on the account page, the matches' small table of two header cells)."""
    # The accessibility tree of a whole page costs Chromium a tenth of a second and more (the
    # matches: 0.15 CPU-s); a page with no table has none to name, and is not asked for it.
    if not tab.evaluate("() => !!document.querySelector('table, [role~=table]')"):
        return []
    lines = [line.strip() for line in tab.locator("body").aria_snapshot().splitlines()]
    return [
        next((row for row in lines[index:] if row.startswith(("- row ", "- row:"))), "no row")[:80]
        for index, line in enumerate(lines)
        if line == "- table:"
    ]
