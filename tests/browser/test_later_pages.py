"""The pages as they read once the Task Force has gone on: a second survey round imported beside
the first (the "Since" tables, "Show this page for" links) and a workshop held (what offices
presented, on their pages and in line-ups), each at 1280 and 390 px, checked as
test_every_page checks every page (nothing wider than the window, no axe-core violation, and on a
phone every button and field a finger's width), and read as a screen reader reads them."""

import re
from datetime import timedelta

import pytest
import time_machine

from planner.agenda.models import Slot
from planner.extensions import db
from planner.presenters.operations import invite
from tests.browser.checks import WIDTHS, check_page, tabs_by_width_and_role
from tests.browser.conftest import shoot
from tests.support import held_workshop, import_second_round, reset_database

TALK = {"recommendations": [10], "duration_minutes": 20}
PAGES = [
    ("anyone", "/"),
    ("anyone", "/offices/AU"),  # since CWS/13/26, and what it presented
    ("anyone", "/recommendations/10"),  # who names it since CWS/13/26
    ("anyone", "/offices/ES"),  # did not answer the latest round
    ("anyone", "/meetings/{held}/archive"),
    ("colead", "/offices/AU"),
    ("colead", "/lineups/{lineup}"),  # who presented before
    # What the meetings that took place gave on Rec 10 (helper-272): who presented on it, who
    # took part in a meeting where another office did, and "Leave them out".
    ("colead", "/lineups/new?from={lineup}"),
    ("colead", "/recommendations/10/matches"),
    ("colead", "/recommendations/10/matches/marks?audience=ZA&presenter=AU"),
    ("anyone", "/offices/ZA"),  # took part in talks on Rec 10
    # A week after the workshop (helper-254): what the co-leads and its presenter are offered.
    ("anyone", "/meetings/{held}"),  # presented, cancelled
    ("anyone", "/presenter/{token}"),  # nothing to answer, the archive, slides
    ("anyone", "/presenter/{token}/availability"),  # no time to choose
    ("colead", "/meetings/{held}/edit"),  # no invitation
    ("colead", "/slots/{given}/edit"),  # until when the presenter's link works
    ("colead", "/slots/{given}/invite"),
    ("colead", "/slots/{given}/delete"),  # record as not given
]


@pytest.fixture(scope="module", autouse=True)
def _clean_database(app):
    """One world for the module, emptied back to the reference data after it."""
    yield
    with app.app_context():
        reset_database()
        db.session.remove()


@pytest.fixture(scope="module")
def world(app, _clean_database) -> dict[str, str]:
    from planner.accounts.models import ApiToken, User
    from planner.bootstrap import load_bundled_survey
    from tests.conftest import colead_password_hash
    from tests.support import COLEAD_EMAIL

    with app.app_context():
        load_bundled_survey()
        colead = User(email=COLEAD_EMAIL, role="colead", password_hash=colead_password_hash())
        db.session.add(colead)
        db.session.flush()
        api = app.test_client()
        api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(colead, 'tests')}"
        db.session.commit()
        import_second_round()
        first = held_workshop(
            api,
            [
                {**TALK, "title": "AI at IP Australia", "office": "AU"},
                {**TALK, "title": "Blockchain at the Polish Patent Office", "office": "PL"},
            ],
        )
        given = db.session.scalars(
            db.select(Slot).where(Slot.meeting_id == first, Slot.office_code == "AU")
        ).one()
        with time_machine.travel(given.meeting.starts_at - timedelta(days=2)):
            _, token = invite(
                given, name="Alex", email="alex@ipaustralia.example", time_zone=None, by="t"
            )
            db.session.commit()
        pl = db.session.scalars(
            db.select(Slot).where(Slot.meeting_id == first, Slot.office_code == "PL")
        ).one()
        # Its presenter did not come: recorded as not given.
        assert api.patch(f"/api/v1/slots/{pl.id}", json={"status": "cancelled"}).status_code == 200
        held_workshop(
            api,
            [{**TALK, "title": "Risk-based AI governance", "office": "AU"}],
            title="Workshop on Recommendation 4",
            starts_at="2026-06-16T13:00:00+02:00",
        )
        lineup = api.post("/api/v1/lineups", json={"recommendation": 10, "slots": 2})
        assert lineup.status_code == 201, lineup.get_json()
        return {
            "held": str(first),
            "lineup": str(lineup.get_json()["id"]),
            "given": str(given.id),
            "token": token,
        }


@pytest.fixture(scope="module")
def tabs(browser, live_server, world):
    with tabs_by_width_and_role(browser, live_server) as opened:
        yield opened


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("who", "path"), PAGES, ids=[f"{w}:{p}" for w, p in PAGES])
def test_fits_and_passes_axe(tabs, live_server, world, width, who, path):
    place = path.strip("/").replace("/", "-").replace("{", "").replace("}", "") or "home"
    url = live_server + path.format(**world)
    check_page(tabs[width, who], url, path, width, f"later-{width}-{who}-{place}", taps=True)


def test_what_changed_reads_aloud_as_a_table(tabs, live_server, world):
    """A screen reader names the table by its caption, each row by its question and each cell
    by its column; an empty cell says "none", where a dash was silence (helper-211)."""
    tab = tabs["desktop", "anyone"]
    tab.goto(live_server + "/offices/AU")
    table = tab.get_by_role("table", name="What AU names in CWS/14/2026 against CWS/13/26")
    headers = table.get_by_role("columnheader").all_inner_texts()
    assert headers == ["Question", "Now also", "No longer", "In both"]
    # Each cell by the name a screen reader gives it (what is hidden from it left out).
    focus = table.get_by_role("row", name="Current focus (Q4)").aria_snapshot()
    assert [line.strip() for line in focus.splitlines() if "- cell" in line] == [
        '- cell "none"',
        '- cell "Rec 5":',
        '- cell "Rec 1, Rec 4, Rec 10":',
    ]
    presented = tab.get_by_role("region", name="AU presented 2").get_by_role("listitem")
    assert " ".join(presented.first.text_content().split()) == (
        "Risk-based AI governance (Rec 10), at Workshop on Recommendation 4, 16 June 2026"
    )


def test_the_report_reads_aloud_out_of_context(tabs, live_server, world):
    """The report across meetings, heard by a screen reader (helper-276): in its list of links
    each says what it opens ("Archive" twice, and "separated by semicolons", said not of what),
    its table of who asked is named by its heading, and a column with no office in it says
    "none", where a dash was silence."""
    tab = tabs["desktop", "colead"]
    tab.goto(live_server + "/meetings/report")
    main = tab.get_by_role("main")
    for title in ("Workshop on Recommendation 10", "Workshop on Recommendation 4"):
        assert main.get_by_role("link", name=f"Archive of {title}", exact=True).count() == 1
    # A name a screen reader lists links by leads to one place.
    links = main.get_by_role("link").evaluate_all(
        "links => links.map(link => [link.textContent.replace(/\\s+/g, ' ').trim(), link.href])"
    )
    leads_to: dict[str, set[str]] = {}
    for name, href in links:
        leads_to.setdefault(name, set()).add(href)
    assert all(len(places) == 1 for places in leads_to.values()), leads_to
    assert "with semicolons: Every talk as a table (CSV)" in leads_to
    table = main.get_by_role(
        "table", name="Who asked, and who took part in a meeting with a talk on it"
    )
    rec10 = table.get_by_role("row", name="Rec 10").aria_snapshot()
    assert [line.strip() for line in rec10.splitlines() if "- cell" in line] == [
        '- cell "AU"',
        '- cell "ZA"',
        '- cell "none"',
    ]


def test_leave_them_out_says_whom(tabs, live_server, world):
    """A line-up's "Leave them out", heard alone (a screen reader's list of buttons, speech
    control), says whom it leaves out and why: "them" named no one (helper-276)."""
    tab = tabs["desktop", "colead"]
    tab.goto(live_server + f"/lineups/new?survey=CWS-14-2026&from={world['lineup']}")
    tab.get_by_role("button", name="Find the best line-up").click()
    leave = tab.get_by_role("button", name="Leave them out")
    assert leave.evaluate("button => button.textContent.replace(/\\s+/g, ' ').trim()") == (
        "Leave them out: AU, who presented on Rec 10 before"
    )


def test_each_answer_link_says_which_answer(tabs, live_server, world):
    """An office's page links each answer to its place in the survey: in a screen reader's list
    of links, four all named "answer" (a survey imported from a table has no lines) said not
    which; each now names the office, the question and the recommendation, unseen (helper-278)."""
    tab = tabs["desktop", "anyone"]
    tab.goto(live_server + "/offices/AU")
    links = tab.locator("a.source-link").evaluate_all(
        "links => links.map(link => [link.textContent.replace(/\\s+/g, ' ').trim(), link.href])"
    )
    assert len(links) > 1
    names = [name for name, _ in links]
    assert len(set(names)) == len(names), names
    assert all(": AU, " in name for name in names), names


def test_the_matches_say_each_talk_once(tabs, live_server, world):
    """On a phone, the matches page says each talk given on Rec 10 once, under a section of its
    own, and a row's short fact links to it (helper-284: each row wrote the talk, its meeting,
    day and archive out again). Heard alone, a link names the office and the talk or meeting."""
    tab = tabs["phone", "colead"]
    tab.goto(live_server + "/recommendations/10/matches?survey=CWS-14-2026&show=all")
    main = tab.get_by_role("main")
    for title in ("AI at IP Australia", "Risk-based AI governance"):
        assert main.get_by_text(title).count() == 1
    presented = main.get_by_role("link", name="AU's talk of 16 June 2026", exact=True)
    assert presented.count() >= 1
    presented.first.click()
    talk = tab.locator(":target")
    assert " ".join(talk.text_content().split()) == "AU: “Risk-based AI governance”"
    assert talk.evaluate(
        "e => e.getBoundingClientRect().top >= 0 && e.getBoundingClientRect().top < innerHeight"
    )
    archive = talk.get_by_role("link", name="“Risk-based AI governance”")
    assert "/archive#slot-" in archive.get_attribute("href")
    shoot(tab, "later-phone-colead-matches-talks-given", full_page=False)
    served = main.get_by_role(
        "link", name=re.compile(r"^ZA took part in \d meetings? where Rec 10 was presented$")
    )
    assert served.count() == 1
    served.click()
    assert "Workshop on Recommendation" in tab.locator(":target").text_content()
