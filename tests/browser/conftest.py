"""Browser tests: the app served on a free loopback port, driven by Playwright in Debian's Chromium.

Screenshots go to tests/artifacts/ (git-ignored) for a person to look at.
"""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
# What Playwright's launch disables itself: Chromium reads only the last --disable-features on its
# command line, so ours repeats these (the `browser` fixture checks it does).
PLAYWRIGHT_DISABLES = [
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
]
# Debian's Chromium has no headless shell: headless, it is the whole browser, and opens each page
# in a window of its own, for which it preloads the address bar's two popups as pages of its own
# (chrome://omnibox-popup.top-chrome/), two renderers no test looks at. They were half of what a
# new page cost Chromium (0.55 -> 0.27 CPU-seconds) and kept it busy while it waited (0.2 CPU).
OUR_DISABLES = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup"]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-features=" + ",".join(PLAYWRIGHT_DISABLES + OUR_DISABLES),
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# A phone's browser: its width in CSS pixels, touch, mobile viewport. One device pixel per CSS
# pixel: what is laid out, measured and tapped is the same at any density, and painting (and
# screenshotting) twice as many pixels cost Chromium a tenth of the browser run.
ON_A_PHONE = {"viewport": PHONE, "is_mobile": True, "device_scale_factor": 1}


def pytest_collection_modifyitems(items):
    # The live server answers from threads of its own, on connections of its own: what a test
    # stores must be committed for them to see it (tests/conftest.py, `_clean_database`).
    browser = Path(__file__).parent
    for item in items:
        if browser in item.path.parents:
            item.add_marker(pytest.mark.committed)


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _SERVED["app"] = app
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    _SERVED.clear()


# The app `live_server` serves, for `sign_in` to sign a browser in with.
_SERVED: dict = {}


@pytest.fixture(autouse=True)
def _links_to_the_live_server(request):
    """Absolute links (webcal://, private links) point at the server the browser is on, as
    BASE_URL makes them in a deployment."""
    if "live_server" not in request.fixturenames:
        yield
        return
    app, address = request.getfixturevalue("app"), request.getfixturevalue("live_server")
    previous, app.config["BASE_URL"] = app.config["BASE_URL"], address
    yield
    app.config["BASE_URL"] = previous


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM} (make test installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        _check_disabled_features(browser)
        yield browser
        browser.close()


def _check_disabled_features(browser) -> None:
    """Every feature an earlier --disable-features (Playwright's) names is in the last one, ours,
    the only one Chromium reads: a Playwright that disables more fails here, to be copied."""
    tab = browser.new_page()
    try:
        tab.goto("chrome://version")
        switches = tab.locator("#command_line").inner_text().split()
    finally:
        tab.close()
    lists = [s.split("=", 1)[1].split(",") for s in switches if s.startswith("--disable-features=")]
    assert lists and lists[-1] == PLAYWRIGHT_DISABLES + OUR_DISABLES, lists
    missing = {name for earlier in lists[:-1] for name in earlier} - set(lists[-1])
    assert not missing, f"Playwright disables {sorted(missing)}: add them to PLAYWRIGHT_DISABLES"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(**ON_A_PHONE)
    page = context.new_page()
    yield page
    context.close()


def shoot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot as tests/artifacts/<name>.png: the whole page, or (for pages many
    screens long) what the window shows."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


HEADINGS_IN_ORDER = """() => {
  const levels = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]);
  const skips = levels.filter((level, i) => i > 0 && level > levels[i - 1] + 1);
  return {h1: levels.filter(l => l === 1).length, first: levels[0], skips: skips.length};
}"""

# The layout viewport's width (clientWidth), not window.innerWidth: on a phone (is_mobile) Chromium
# widens innerWidth to whatever the content needs, so a page too wide would always "fit".
FITS_WIDTH = (
    "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
)


# Every element `selector` finds, its box as Playwright's bounding_box() gives it (x, y, width
# and height in the viewport; None where nothing is laid out, as for an element not shown), in
# one call rather than one an element: a chart's hundreds of links took seconds each way.
BOXES = """selector => [...document.querySelectorAll(selector)].map(e => {
  if (!e.getClientRects().length) return null;
  const box = e.getBoundingClientRect();
  return {x: box.x, y: box.y, width: box.width, height: box.height};
})"""


def boxes(page, selector: str) -> list[dict | None]:
    """The boxes of the elements `selector` finds, in the order `page.locator(selector).all()`
    gives them (`BOXES`)."""
    return page.evaluate(BOXES, selector)


def sign_in_on_the_page(page, live_server: str) -> None:
    """Sign in through the page, as a co-lead would."""
    from tests.support import COLEAD_EMAIL, COLEAD_PASSWORD

    page.goto(live_server + "/login")
    page.get_by_label("Email").fill(COLEAD_EMAIL)
    page.get_by_label("Password").fill(COLEAD_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def sign_in(page, live_server: str) -> None:
    """Signed in as the co-lead, on the page signing in leads to, as after
    `sign_in_on_the_page`: the sign-in is posted to the app by a test client as this browser
    (its User-Agent, which the session is bound to, and its address), and the browser is handed
    the cookie it answers with. The sign-in page's two navigations and its typing cost Chromium
    a third of a CPU-second, in some 45 tests that sign in to test something else; the page
    itself is signed in on by `colead_page` and the tabs of test_every_page."""
    from tests.support import sign_in as post_the_sign_in

    client = _SERVED["app"].test_client()
    client.environ_base["HTTP_USER_AGENT"] = page.evaluate("navigator.userAgent")
    answer = post_the_sign_in(client)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    cookie = client.get_cookie("session")
    held = {"name": cookie.key, "value": cookie.value, "url": live_server}
    held |= {"httpOnly": cookie.http_only, "secure": cookie.secure, "sameSite": cookie.same_site}
    page.context.add_cookies([held])
    page.goto(live_server + answer.headers["Location"])


@pytest.fixture
def colead_page(page, live_server, colead):
    sign_in_on_the_page(page, live_server)
    return page


def the_message_has_the_focus(page, text: str) -> None:
    """After a form was sent, the page opens with the focus on what it says was done (or not):
    in sight, and in Chromium's accessibility tree, the tree a screen reader reads, as the
    focused node with the words in it (helper-338: a status the page opened with went unsaid,
    the focus on the page itself)."""
    from playwright.sync_api import expect

    focused = page.locator(":focus")
    expect(focused).to_have_class("messages")
    expect(focused).to_contain_text(text)
    expect(focused).to_be_in_viewport()
    said = " ".join(focused_in_the_accessibility_tree(page).split())
    assert " ".join(text.split()) in said, said


def the_refusal_has_the_focus(page):
    """A refused form's page, once its script ran: the error summary has the focus (messages.js,
    once the page is read whole), and is returned. A link of the summary clicked before that
    moved the focus to its field, and the script then took it back to the summary (a loaded
    CI machine: "Recommendations" left the focus on the summary, not on the group's first box)."""
    from playwright.sync_api import expect

    summary = page.locator(".error-summary").first
    expect(summary).to_be_focused()
    return summary


def focused_in_the_accessibility_tree(page) -> str:
    """The words of the node Chromium's accessibility tree says is focused, and of all the
    nodes under it; "" where it says none is (an element hidden from it)."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    by_id = {node["nodeId"]: node for node in nodes}
    focused = [
        node
        for node in nodes
        if any(p["name"] == "focused" and p["value"]["value"] for p in node.get("properties", []))
    ]
    if not focused:
        return ""
    words, waiting = [], [focused[0]["nodeId"]]
    while waiting:
        node = by_id[waiting.pop(0)]
        if node.get("role", {}).get("value") in ("StaticText", "text") and not node["ignored"]:
            words.append(node.get("name", {}).get("value", ""))
        waiting[:0] = [child for child in node.get("childIds", []) if child in by_id]
    return " ".join(words)


def rosa_invited(colead_client, meeting: int):
    """Rosa Quispe (PE, in Spanish) invited to a new talk of `meeting`: the API's answer, with
    her private link."""
    slot = colead_client.post(
        f"/api/v1/meetings/{meeting}/slots", json={"title": "Clasificación con IA", "office": "PE"}
    ).get_json()["id"]
    return colead_client.post(
        f"/api/v1/slots/{slot}/invite",
        json={"name": "Rosa Quispe", "email": "rosa@indecopi.example", "language": "es"},
    )
