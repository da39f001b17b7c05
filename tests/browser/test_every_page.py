"""Every page, at a desktop's 1280 px and a phone's 390 px: nothing wider than the window (tables
reflow or scroll inside their own box) and no axe-core violation (every rule at 390 px; at 1280
those the layout changes). One world is built for the
module (a published meeting with an invited presenter, a past one with materials, a proposal, a
line-up, a contact, mail in the outbox) and one browser page per width and role is reused."""

import pytest
from sqlalchemy import select

from planner.extensions import db
from tests.browser.checks import (
    SAID_AS_SHOWN,
    WIDTHS,
    _unnamed_tables,
    check_page,
    tabs_by_width_and_role,
)
from tests.support import publish_as_planned, reset_database

MEETING = {
    "title": "Rec 10 workshop: AI and blockchain",
    "starts_at": "2031-03-11T13:00:00+01:00",
    "duration_minutes": 120,
    "time_zone": "Europe/Zurich",
    # A real meeting link is long and has no break: the pages must break it, not widen.
    "video_url": "https://wipo-int.zoom.us/j/98765432101?pwd=aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
    ".1&uname=Task+Force",
}
PAST = {**MEETING, "title": "Rec 4 workshop: security", "starts_at": "2024-03-12T13:00:00+01:00"}
# Words as long as German makes them, in titles on every page that lists talks and proposals.
LONG_WORD = "Patentinformationsdienstleistungsmodernisierungsprogramm"
TALKS = (
    {
        "title": "Risk-based governance of new technologies",
        "office": "AU",
        "recommendations": [10],
        "duration_minutes": 20,
    },
    {
        "title": f"{LONG_WORD} des DPMA",
        "office": "PL",
        "recommendations": [10],
        "duration_minutes": 25,
    },
    {
        "title": "Chatbots for applicants in Spanish",
        "office": "PE",
        "recommendations": [10, 3],
        "duration_minutes": 25,
    },
)
PROPOSAL = {
    "contact_name": "Lucía Example",
    "contact_email": "lucia@indecopi.example",
    "title": f"Chatbots for applicants in Spanish: {LONG_WORD}",
    "abstract": "What our virtual assistant answers, and what it cannot.",
    "duration_minutes": 25,
    "availability": "Tuesdays 08:00-11:00",
    "maturity": "production",
}

PUBLIC = (
    "/",
    "/?question=discuss",  # the heatmap of another question
    "/surveys/{survey}/heatmap?question=challenge",  # the heatmap as a table
    "/surveys/{survey}/heatmap",  # its first question
    "/surveys",
    "/surveys/{survey}",
    "/surveys/{survey}/summary",
    "/surveys/{survey}/answers/{answer}",
    "/recommendations",
    "/recommendations/10",
    "/recommendations/10/matches",
    "/offices",
    "/offices/PE",
    "/volunteer",
    "/proposals/{proposal_token}",
    "/proposals/{proposal_token}/edit",
    "/proposals/{proposal_token}/withdraw",
    "/meetings",
    "/meetings/{meeting}",
    "/meetings/{meeting}?zone=Australia/Sydney",  # a second column of times
    "/meetings/{past}/archive",
    "/presenter/{presenter_token}",
    "/presenter/{presenter_token}/availability",
    "/presenter/{presenter_token}/materials",
    "/unsubscribe/{unsubscribe_token}",
    "/login",
    # The pages people outside the Task Force read in their own language, last: the language
    # picked sticks for the tab (the pages above are checked in English first).
    "/volunteer?lang=es",
    "/proposals/{proposal_token}?lang=ru",
    "/proposals/{proposal_token}/edit?lang=fr",
    "/presenter/{presenter_token}?lang=ru",
    "/presenter/{presenter_token}/availability?lang=pt",
    "/presenter/{presenter_token}?lang=zh",
)
COLEAD = (
    "/",
    "/surveys",  # with the import form
    "/surveys?upload={upload}",  # after "Go back" from a check, the file kept
    "/surveys/check/{upload}",  # what replacing CWS/13/26 with a corrected file changes
    "/offices",  # with "Add an office"
    "/offices/new?code=SG",
    "/offices/AU",
    "/offices/AU/edit",
    "/offices/AU/contacts/new",
    "/offices/AU/feed/email",
    "/offices/contacts/{contact}/edit",
    "/offices/contacts/{contact}/delete",
    "/recommendations/10",  # the meetings on it, drafts too (helper-369)
    "/recommendations/10/edit",
    "/recommendations/10/matches",
    "/recommendations/10/matches/marks?audience=ES&presenter=AU",
    "/proposals",
    "/proposals/{proposal}",
    "/lineups",
    "/lineups/new",
    "/lineups/{lineup}",
    "/lineups/{lineup}/figures",
    "/meetings",
    "/meetings/new",
    "/meetings/{meeting}",
    "/meetings/{meeting}/edit",  # ends with its history
    "/meetings/{meeting}/history",  # a long title changed, every line a long one
    "/meetings/{meeting}/suggest",
    "/meetings/{past}/archive",
    "/meetings/report",  # what became of each talk, offices' names in cards
    # The pages that ask before doing (helper-270: none of them was checked).
    "/meetings/{meeting}/copy",
    "/meetings/{meeting}/delete",
    "/meetings/{meeting}/publish",
    "/slots/{slot}/delete",
    "/slots/{slot}/invitation/revoke",
    "/surveys/{survey}/delete",
    "/offices/AU/feed/revoke",
    "/proposals/{proposal}/link",
    "/account/tokens/{token}/revoke",
    "/slots/{slot}/edit",
    "/slots/{slot}/invite",
    "/slots/{slot}/invited",
    "/outbox",
    "/outbox/{message}",
    "/account/password",
    "/account",
)
PAGES = [("anyone", path) for path in PUBLIC] + [("colead", path) for path in COLEAD]


@pytest.fixture(scope="module", autouse=True)
def _clean_database(app):
    """One world for the whole module (replacing the per-test cleaning in tests/conftest.py),
    emptied back to the reference data after it, as that cleaning would."""
    yield
    with app.app_context():
        reset_database()
        db.session.remove()


def _meeting(api, fields: dict) -> int:
    made = api.post("/api/v1/meetings", json=fields)
    assert made.status_code == 201, made.get_json()
    meeting = made.get_json()["id"]
    for talk in TALKS:
        slot = api.post(f"/api/v1/meetings/{meeting}/slots", json=talk)
        assert slot.status_code == 201, slot.get_json()
    assert publish_as_planned(api, meeting).status_code == 200
    return meeting


@pytest.fixture(scope="module")
def world(app, _clean_database) -> dict[str, str]:
    """What every page needs to show something: the addresses' missing parts."""
    from planner.accounts.models import ApiToken, User
    from planner.agenda.models import Meeting
    from planner.bootstrap import load_bundled_survey
    from planner.lineup.operations import propose_lineup, save_lineup
    from planner.lineup.rules import Rules
    from planner.mail import messages
    from planner.mail.models import OutboxMessage
    from planner.mail.unsubscribe import unsubscribe_token
    from planner.materials.operations import add_file, add_link
    from planner.offices.models import OfficeContact
    from planner.presenters.operations import invite
    from planner.proposals.operations import submit
    from planner.survey import pending
    from planner.survey.models import Answer
    from planner.survey.operations import survey_record
    from planner.survey.tabular import write_csv
    from tests.conftest import colead_password_hash
    from tests.materials.files import PDF
    from tests.support import COLEAD_EMAIL

    with app.app_context():
        survey = load_bundled_survey().survey
        colead = User(email=COLEAD_EMAIL, role="colead", password_hash=colead_password_hash())
        db.session.add(colead)
        db.session.flush()
        api = app.test_client()
        api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(colead, 'tests')}"
        # The account page lists a name as long as a token's may be, in one word.
        ApiToken.issue(colead, "nightly-export-of-the-task-force-agenda-" + "x" * 60, days=7)
        db.session.commit()

        meeting = db.session.get(Meeting, _meeting(api, MEETING))
        past = db.session.get(Meeting, _meeting(api, PAST))
        # A draft with a long title: the line-up's "Into" list names it (helper-71: 665 px).
        long_title = "Rec 10 workshop: new and emerging technologies, AI, blockchain and more"
        assert api.post("/api/v1/meetings", json={"title": long_title}).status_code == 201
        slot = meeting.slots[0]
        # In its history: a title of long words changed for another, and an abstract edited.
        retitled = api.patch(
            f"/api/v1/slots/{meeting.slots[1].id}",
            json={"title": f"{LONG_WORD} der Zukunft", "abstract": "Was das Amt plant."},
        )
        assert retitled.status_code == 200, retitled.get_json()
        invitation, presenter_token = invite(
            slot,
            name="Alex Example",
            email="alex@ipaustralia.example",
            time_zone="Australia/Sydney",
            by=COLEAD_EMAIL,
        )
        with app.test_request_context():
            messages.invitation(invitation, f"/presenter/{presenter_token}")
        for number, talk in enumerate(past.slots):
            add_link(talk, f"https://slides.example/{number}.pdf", "slides", COLEAD_EMAIL)
        add_link(past, "https://video.example/recording", "recording", COLEAD_EMAIL)
        # A file whose name is one long word: it must break, not widen the pages that list it.
        add_file(past.slots[0], "slides" + "x" * 190 + ".pdf", PDF, COLEAD_EMAIL)
        proposal, proposal_token = submit("PE", PROPOSAL, [10, 3])
        lineup = save_lineup(survey, propose_lineup(survey, Rules()), editor=COLEAD_EMAIL)
        contact = OfficeContact(
            office_code="AU",
            name="Kim Example",
            email="kim.example-international-cooperation@ipaustralia.example",
            role="CIO",
            language="en",
            source="entered by a co-lead",
        )
        db.session.add(contact)
        # CWS/13/26 corrected, to replace it: one answer reworded, one office's answers gone.
        corrected = write_csv(survey_record(survey)).replace(
            "Auto classification, Search", "Auto classification"
        )
        corrected = "".join(
            line for line in corrected.splitlines(keepends=True) if ",PY," not in line
        )
        upload = pending.keep(
            colead.id, pending.Choices(replace=True), corrected.encode(), "CWS-13-26 v2.csv"
        )
        db.session.commit()
        message = db.session.scalar(select(OutboxMessage.id).limit(1))
        token = db.session.scalar(select(ApiToken.id).order_by(ApiToken.id.desc()).limit(1))
        assert message is not None, "inviting a presenter with an address writes to the outbox"
        return {
            "survey": survey.slug,
            "answer": str(db.session.scalar(select(Answer.id).limit(1))),
            "meeting": str(meeting.id),
            "past": str(past.id),
            "slot": str(slot.id),
            "presenter_token": presenter_token,
            "proposal": str(proposal.id),
            "proposal_token": proposal_token,
            "lineup": str(lineup.id),
            "contact": str(contact.id),
            "upload": str(upload.id),
            "message": str(message),
            "token": str(token),
            "unsubscribe_token": unsubscribe_token(
                "kim.example-international-cooperation@ipaustralia.example", "update"
            ),
        }


@pytest.fixture(scope="module")
def tabs(browser, live_server, world):
    """One page per width and role, reused by every test of the module."""
    with tabs_by_width_and_role(browser, live_server) as opened:
        yield opened


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("who", "path"), PAGES, ids=[f"{w}:{p}" for w, p in PAGES])
def test_fits_and_passes_axe(tabs, live_server, world, width, who, path):
    place = path.strip("/").replace("/", "-").replace("{", "").replace("}", "") or "home"
    url = live_server + path.format(**world)
    check_page(tabs[width, who], url, path, width, f"every-{width}-{who}-{place}")


def test_a_long_name_in_a_card_reads_from_the_left(tabs, live_server, world):
    """On a phone the report's talks are cards; an office's name over several lines starts at
    the left of its box, as text does: centred, INDECOPI's name read as a button's label, its
    code on a line of its own (helper-270)."""
    tab = tabs["phone", "colead"]
    tab.goto(live_server + "/meetings/report")
    name = tab.get_by_role("link", name="National Institute for the Defense", exact=False)
    lines = name.evaluate(
        """a => { const text = document.createRange(); text.selectNodeContents(a);
                  const box = a.getBoundingClientRect();
                  return [...text.getClientRects()].map(line => line.left - box.left); }"""
    )
    assert len(lines) > 1, "the name takes more than a line at 390 px"
    assert [round(left) for left in lines] == [0] * len(lines)


def test_the_check_finds_a_table_named_by_nothing_and_only_that(phone):
    """check_page asks for the accessibility tree only where the page has a table, an ARIA one
    too; each table named by nothing is found, by its first row, and a named one is not."""
    phone.set_content(
        "<main><h1>Tables</h1><table><caption>Named</caption><tr><th>A</th></tr></table>"
        "<table><tr><th>Date</th><th>Talk</th></tr></table></main>"
    )
    assert _unnamed_tables(phone) == ['- row "Date Talk":']
    phone.set_content(
        "<main><h1>A table of divs</h1><div role='table'><div role='row'>"
        "<span role='columnheader'>Office</span></div></div></main>"
    )
    assert _unnamed_tables(phone) == ['- row "Office":']
    phone.set_content("<main><h1>No table</h1><p>Words.</p></main>")
    assert _unnamed_tables(phone) == []


def test_the_check_finds_two_fields_of_one_name_and_a_name_not_as_shown(phone):
    """Two fields named alike on one page are found, by their labels' words (a legend or a
    heading above them adds none, as Chromium reckons), a row's field in rows alike too unless
    its name says its row after its words; and a field whose name does not start with its
    label's words shown."""
    phone.set_content(
        "<main><h1>Fields</h1><form><label for=a>Title</label><input id=a name=title>"
        "<fieldset><legend>Add a slot</legend><label for=b>Title</label>"
        "<input id=b name=title></fieldset>"
        "<label for=c>Kind</label><select id=c name=kind><option>x</select>"
        "<label for=d>Slot kind</label><select id=d name=kind><option>x</select>"
        "<input type=hidden name=title aria-label=Title></form>"
        "<form><fieldset><legend>Window 1: days</legend><input type=checkbox id=e "
        "name=windows-0-days><label for=e>Mon</label></fieldset><fieldset><legend>Window 2: "
        "days</legend><input type=checkbox id=f name=windows-1-days><label for=f>Mon</label>"
        "</fieldset><input type=checkbox id=g name=windows-0-days><label for=g>Tue<span "
        "class=visually-hidden>, window 1</span></label><input type=checkbox id=h "
        "name=windows-1-days><label for=h>Tue<span class=visually-hidden>, window 2</span>"
        "</label><label for=i>From</label><input id=i name=starts aria-label='Window 1 start'>"
        "</form></main>"
    )
    assert phone.get_by_role("textbox", name="Title", exact=True).count() == 2
    said = phone.evaluate(SAID_AS_SHOWN)
    assert said["same"] == ['"Title" ×2', '"Mon" ×2']
    assert said["late"] == ['"From" named "Window 1 start"']
