"""The presenter's journey in a browser: a co-lead invites from the agenda editor, the presenter
opens the private link (no account, no cookies needed), sees their time and confirms; another
declines and the co-lead sees it. At desktop and phone widths, with screenshots."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import expect

from tests.browser.conftest import (
    DESKTOP,
    FITS_WIDTH,
    ON_A_PHONE,
    PHONE,
    rosa_invited,
    shoot,
    sign_in,
    the_message_has_the_focus,
    the_refusal_has_the_focus,
)
from tests.presenters.support import MEETING
from tests.support import publish_as_planned

TALKS = (
    {"title": "Risk-based governance of new technologies", "office": "AU", "duration_minutes": 20},
    {"title": "Autopatent: AI classification", "office": "PL", "duration_minutes": 20},
)


def a_meeting(colead_client) -> int:
    meeting = colead_client.post("/api/v1/meetings", json=MEETING).get_json()["id"]
    for talk in TALKS:
        made = colead_client.post(f"/api/v1/meetings/{meeting}/slots", json=talk)
        assert made.status_code == 201
    return meeting


def invite(page, live_server, meeting: int, title: str, name: str, zone: str) -> str:
    page.goto(f"{live_server}/meetings/{meeting}/edit")
    page.get_by_role("link", name=f"Invite the presenter of “{title}”").click()
    page.get_by_label("Presenter's name").fill(name)
    page.get_by_label("Presenter's time zone").fill(zone)
    page.get_by_role("button", name="Invite and show the private link").click()
    link = page.get_by_label("The presenter's private link").input_value()
    assert "/presenter/" in link
    return link


def test_invite_confirm_and_decline(browser, page, live_server, colead_client, survey):
    meeting = a_meeting(colead_client)
    sign_in(page, live_server)
    first = invite(
        page, live_server, meeting, TALKS[0]["title"], "Alex Example", "Australia/Sydney"
    )
    shoot(page, "presenter-0-invited")
    second = invite(page, live_server, meeting, TALKS[1]["title"], "Pat Example", "Europe/Warsaw")

    # The presenter, on a phone, with a browser of their own.
    context = browser.new_context(**ON_A_PHONE)
    phone = context.new_page()
    phone.goto(first)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Rec 10 workshop")
    expect(phone.locator("dl.times")).to_contain_text("Tuesday 9 March 2027, 23:00–23:20")
    assert phone.evaluate(FITS_WIDTH), "the presenter page is wider than the phone"
    shoot(phone, "presenter-1-phone")
    # A new title typed, not saved, then the answer sent: the page asks first, as sending
    # reloads it (helper-146: the title was lost without a word); kept when they say no.
    title = phone.get_by_label("Title", exact=True)
    title.fill("A title typed and not saved")
    phone.get_by_label("I confirm: I will present").check()
    asked = []
    phone.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    phone.get_by_role("button", name="Send my answer").click()
    expect(title).to_have_value("A title typed and not saved")
    assert asked and "not saved yet" in asked[0]
    title.fill(TALKS[0]["title"])  # back as it was: nothing to lose, nothing asked
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_role("status")).to_contain_text("your presentation is confirmed")
    the_message_has_the_focus(phone, "your presentation is confirmed")
    expect(phone.locator(".card p").first).to_have_text("Status: confirmed")
    shoot(phone, "presenter-2-confirmed")

    # The second presenter declines, without a reason first.
    phone.goto(second)
    phone.get_by_label("I decline: I cannot present in this slot").check()
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.locator(".error-summary")).to_contain_text("Say why you decline")
    # On the phone the summary is far down the page: it is brought into view and focused.
    expect(phone.locator(".error-summary")).to_be_focused()
    expect(phone.locator(".error-summary")).to_be_in_viewport()
    phone.get_by_label("Reason or times that suit you").fill("Our minister visits that week.")
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_role("status")).to_contain_text("you do not present in this slot")
    the_message_has_the_focus(phone, "you do not present in this slot")
    context.close()

    # The co-lead sees both answers in the editor, on a desktop and on a phone.
    page.goto(f"{live_server}/meetings/{meeting}/edit")
    expect(page.locator("#declined")).to_contain_text(
        "Pat Example declined: “Our minister visits that week.”"
    )
    row = page.get_by_role("row").filter(has_text=TALKS[0]["title"])
    expect(row.locator(".status")).to_have_text("confirmed")
    shoot(page, "presenter-3-editor")
    # The decline stands on the editor, whatever was sent: it is no refusal of the form sent,
    # and the focus goes to what the save did (helper-338: it went to the decline, unsaid).
    page.get_by_role("link", name=f"Edit “{TALKS[1]['title']}”").click()
    page.get_by_role("button", name="Save the slot").click()
    the_message_has_the_focus(page, "Slot saved.")
    expect(page.locator("#declined")).not_to_be_focused()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/meetings/{meeting}/edit")
    assert page.evaluate(FITS_WIDTH), "the agenda editor is wider than the phone"
    shoot(page, "presenter-4-editor-phone")


def test_the_answer_is_a_group_with_its_error(page, live_server, colead_client, survey):
    """helper-161: "Your answer" was a label of nothing: a screen reader heard three radio
    buttons without the question, and, once sent without one chosen, not the error beside them.
    The question is the group's name and its error the group's description."""
    meeting = a_meeting(colead_client)
    sign_in(page, live_server)
    link = invite(page, live_server, meeting, TALKS[0]["title"], "Alex Example", "Australia/Sydney")
    page.goto(link)
    page.get_by_role("button", name="Send my answer").click()
    answer = page.get_by_role("group", name="Your answer")
    expect(answer).to_have_accessible_description("Choose an answer.")
    expect(answer.get_by_role("radio")).to_have_count(3)
    the_refusal_has_the_focus(page).get_by_role("link", name="Your answer").click()
    expect(answer.get_by_role("radio", name="I confirm: I will present")).to_be_focused()


def test_the_whole_journey_from_volunteer_to_slides(
    browser, page, live_server, colead_client, survey, tmp_path
):
    """Volunteer → co-lead accepts with a reason → schedules → invites → the presenter confirms
    and adds a PDF → the public agenda shows the talk confirmed and, after the meeting, the
    slides; the volunteer's page shows the decision and the time."""
    from tests.browser.test_proposals import volunteer

    meeting = colead_client.post("/api/v1/meetings", json=MEETING).get_json()["id"]
    private = volunteer(
        page, live_server, office="IL", title="AI search tools", abstract="Search with AI."
    )
    sign_in(page, live_server)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Proposals").click()
    page.get_by_role("link", name="AI search tools").click()
    page.get_by_label("Accept", exact=True).check()
    page.get_by_label("Reason", exact=True).fill("Concrete tools in use; a good opener.")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_role("status")).to_contain_text("is accepted")
    page.get_by_label("Meeting", exact=True).select_option(str(meeting))
    page.get_by_role("button", name="Schedule").click()
    # The slot comes filled in from the proposal.
    expect(page.get_by_label("Slot title", exact=True)).to_have_value("AI search tools")
    shoot(page, "journey-1-scheduled")
    link = invite(page, live_server, meeting, "AI search tools", "Pat Example", "Asia/Jerusalem")
    assert publish_as_planned(colead_client, meeting).status_code == 200

    # The presenter, on a phone, confirms and adds their slides.
    # The co-lead guessed Jerusalem; the phone is in Lima, and offers its own zone.
    context = browser.new_context(
        **ON_A_PHONE,
        timezone_id="America/Lima",
    )
    phone = context.new_page()
    phone.goto(link)
    expect(phone.locator("dl.times")).to_contain_text("Your time (Jerusalem)")
    phone.get_by_role("button", name="Use my time zone (Lima, Peru)").click()
    expect(phone.locator("dl.times")).to_contain_text("Your time (Lima)")
    phone.get_by_label("I confirm: I will present").check()
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_role("status")).to_contain_text("your presentation is confirmed")
    the_message_has_the_focus(phone, "your presentation is confirmed")
    slides = tmp_path / "ai-search.pdf"
    slides.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    phone.locator("input[type=file]").set_input_files(str(slides))
    phone.locator("#materials").get_by_role("button").last.click()
    expect(phone.locator("#materials")).to_contain_text("ai-search.pdf")
    # Named by its word and then what it removes (helper-161: one "Remove…" after another;
    # helper-294: described, one name in a list of buttons and to speech control).
    remove = phone.locator("#materials").get_by_role("button", name="Remove…")
    expect(remove).to_have_accessible_name("Remove… ai-search.pdf")
    assert phone.evaluate(FITS_WIDTH), "the presenter page is wider than the phone"
    shoot(phone, "journey-2-presenter-confirmed-with-slides")

    # The volunteer's page: the decision with its reason, and when they present.
    phone.goto(private)
    expect(phone.locator("main")).to_contain_text("Concrete tools in use; a good opener.")
    expect(phone.locator("main")).to_contain_text("9 March 2027")
    shoot(phone, "journey-3-volunteer-page")
    context.close()

    # The public agenda: confirmed; the slides once the meeting is over.
    visitor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    visitor.goto(f"{live_server}/meetings/{meeting}")
    row = visitor.get_by_role("row").filter(has_text="AI search tools")
    expect(row).to_contain_text("confirmed")
    expect(visitor.get_by_role("link", name="ai-search.pdf")).to_have_count(0)
    # The meeting takes place (the server's clock moves on to the day after).
    with time_machine.travel(datetime(2027, 3, 10, 12, tzinfo=UTC), tick=True):
        visitor.goto(f"{live_server}/meetings/{meeting}")
        expect(visitor.get_by_role("link", name="ai-search.pdf")).to_be_visible()
        shoot(visitor, "journey-4-public-agenda-after")
        with visitor.expect_download() as download:
            visitor.get_by_role("link", name="ai-search.pdf").click()
        assert download.value.suggested_filename == "ai-search.pdf"


def test_back_and_save_again_never_confirms_for_the_presenter(
    browser, page, live_server, colead_client, app, survey
):
    """helper-81: the co-lead moves a confirmed slot (it goes back to invited, the presenter is
    asked again), presses Back and moves it once more. Chromium restored the form as it was
    left, status "confirmed" included, and saving it marked the slot confirmed for a time the
    presenter never confirmed. Edit forms restore nothing: they show what is stored now."""
    from planner.agenda.models import Slot
    from planner.extensions import db

    meeting = a_meeting(colead_client)
    sign_in(page, live_server)
    link = invite(page, live_server, meeting, TALKS[0]["title"], "Alex Example", "Australia/Sydney")
    presenter = app.test_client(use_cookies=False)
    from tests.presenters.support import confirm

    assert confirm(presenter, link.removeprefix(live_server)).status_code == 302
    slot_id = db.session.scalar(
        db.select(Slot.id).where(Slot.meeting_id == meeting, Slot.title == TALKS[0]["title"])
    )
    page.goto(f"{live_server}/slots/{slot_id}/edit")
    expect(page.get_by_label("Status")).to_have_value("confirmed")
    page.get_by_label("Fixed start").fill("13:30")
    page.get_by_role("button", name="Save the slot").click()
    page.wait_for_url(lambda url: "/slots/" not in url)
    page.go_back()
    expect(page.get_by_label("Status")).to_have_value("invited")  # as stored, not as left
    page.get_by_label("Fixed start").fill("14:00")
    page.get_by_role("button", name="Save the slot").click()
    page.wait_for_url(lambda url: "/slots/" not in url)
    db.session.expire_all()
    slot = db.session.get(Slot, slot_id)
    assert (slot.status, slot.invitation.answer) == ("invited", None)


def test_another_talk_titled_with_one_long_word_stays_in_the_window(
    page, live_server, colead_client, survey
):
    """helper-173: the agenda's tables break a title of one long word (helper-170), but the
    programme on a presenter's page did not: beside a 150-letter compound, Ana's page ran 135 px
    past a 1280 px window, in every language. The title breaks there too."""
    meeting = a_meeting(colead_client)
    word = "Donaudampfschifffahrts" + "Markenrecherchesystem" * 6
    made = colead_client.post(
        f"/api/v1/meetings/{meeting}/slots", json={"title": word, "office": "DE"}
    )
    assert made.status_code == 201
    sign_in(page, live_server)
    link = invite(page, live_server, meeting, TALKS[0]["title"], "Alex Example", "Australia/Sydney")
    page.goto(link)
    expect(page.locator("table.cards")).to_contain_text(word[:40])
    shoot(page, "presenter-long-title-programme", full_page=False)
    assert page.evaluate(FITS_WIDTH), "the presenter page is wider than the window"


def test_a_presenter_who_saves_their_title_is_back_where_they_typed(
    browser, page, live_server, colead_client, survey
):
    """helper-188: saving the title and abstract returned a presenter on a phone to the top of
    their page, the form far below. They are back at it, with "saved" under its heading."""
    meeting = a_meeting(colead_client)
    sign_in(page, live_server)
    link = invite(page, live_server, meeting, TALKS[0]["title"], "Alex Example", "Australia/Sydney")
    context = browser.new_context(**ON_A_PHONE)
    phone = context.new_page()
    phone.goto(link)
    phone.get_by_role("textbox", name="Title").fill("Risk-based governance of AI")
    phone.get_by_role("button", name="Save title and abstract").click()
    phone.wait_for_url("**#talk-heading")
    saved = phone.locator("#talk-heading + .messages [data-flashed]")
    expect(saved).to_have_text("Your title and abstract are saved.")
    the_message_has_the_focus(phone, "Your title and abstract are saved.")
    context.close()


@pytest.mark.parametrize("fragment", ["#%", "#no-such-id", "#title"])
def test_a_message_is_shown_and_said_whatever_the_address_ends_with(
    browser, page, live_server, colead_client, survey, fragment
):
    """A page opened at an address ending "#%" (typed, or cut short) stopped messages.js with a
    URIError: its message was never said. Ending with an id not on the page, or a field's
    (#title), the message stays at the top, in sight: it was moved into the field, unseen."""
    meeting = a_meeting(colead_client)
    sign_in(page, live_server)
    link = invite(page, live_server, meeting, TALKS[0]["title"], "Alex Example", "Australia/Sydney")
    context = browser.new_context()
    presenter = context.new_page()
    errors = []
    presenter.on("pageerror", lambda error: errors.append(error.message))

    def ending_oddly(route):
        response = route.fetch(max_redirects=0)
        there = response.headers["location"].split("#")[0] + fragment
        route.fulfill(response=response, headers={**response.headers, "location": there})

    presenter.route("**/talk", ending_oddly)
    presenter.goto(link)
    presenter.get_by_role("textbox", name="Title").fill("Risk-based governance of AI")
    presenter.get_by_role("button", name="Save title and abstract").click()
    presenter.wait_for_url(f"**{fragment}")
    expect(presenter.locator("main > .messages > [data-flashed]")).to_have_text(
        "Your title and abstract are saved."
    )
    the_message_has_the_focus(presenter, "Your title and abstract are saved.")
    assert errors == []
    context.close()


def test_slides_too_large_are_refused_before_they_are_sent(
    app, browser, live_server, colead_client, monkeypatch, tmp_path
):
    """A presenter in Lima on a phone chooses a 60 MB file: it is refused as soon as chosen, in
    their language, with nothing sent; the link they typed beside it stays, and goes alone
    (helper-212: the file went over a slow connection, minutes, to be refused with the link
    lost)."""
    monkeypatch.setitem(app.config, "MAX_MATERIAL_BYTES", 1000)
    meeting = a_meeting(colead_client)
    slot = colead_client.get(f"/api/v1/meetings/{meeting}").get_json()["slots"][0]["id"]
    invited = colead_client.post(
        f"/api/v1/slots/{slot}/invite", json={"name": "Eva Quispe", "language": "es", "invited": ""}
    )
    link = invited.get_json()["link"]
    assert publish_as_planned(colead_client, meeting).status_code == 200
    context = browser.new_context(**ON_A_PHONE, timezone_id="America/Lima")
    phone = context.new_page()
    posts: list[str] = []
    phone.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    phone.goto(f"{link}/materials")
    phone.get_by_label("O un enlace").fill("https://slides.example/eva.pdf")
    slides = tmp_path / "eva.pptx"
    slides.write_bytes(b"PK\x03\x04" + bytes(2000))
    chooser = phone.get_by_label("Archivo de diapositivas")
    chooser.set_input_files(str(slides))
    expect(phone.get_by_role("alert")).to_contain_text("El archivo supera")
    expect(chooser).to_have_accessible_description(re.compile("El archivo supera"))
    assert chooser.evaluate("input => input.files.length") == 0
    assert posts == []
    shoot(phone, "slides-too-large-on-a-phone")
    phone.locator("#materials").get_by_role("button").last.click()
    expect(phone.locator("#materials")).to_contain_text("https://slides.example/eva.pdf")
    context.close()


# The visible fields whose placeholder is wider than the field: the browser cuts it off unseen.
PLACEHOLDERS_CUT = """() => [...document.querySelectorAll('input[placeholder]')]
  .filter(field => field.getClientRects().length)
  .filter(field => {
    const style = getComputedStyle(field);
    const measure = document.createElement('canvas').getContext('2d');
    measure.font = style.font;
    const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return measure.measureText(field.placeholder).width > room;
  })
  .map(field => `${field.name}: "${field.placeholder}"`)"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_what_an_empty_zone_stands_for_is_read_whole(
    browser, live_server, colead_client, survey, viewport
):
    """helper-330: Rosa, in Lima on her phone, gives the hours she can present. The zone field of
    her windows said what leaving it empty means in its placeholder, cut off at 390 px: "Vacío:
    la zona horaria en la que esta página mu" (Lima, the zone it stands for, unseen). It is said
    under the field, whole, and heard with it; no placeholder on her page is cut off."""
    meeting = a_meeting(colead_client)
    invited = rosa_invited(colead_client, meeting)
    context = browser.new_context(
        viewport=viewport, is_mobile=viewport == PHONE, timezone_id="America/Lima"
    )
    rosa = context.new_page()
    rosa.goto(invited.get_json()["link"])
    zone = rosa.get_by_role("combobox", name="Zona horaria de estas horas")
    expect(zone).to_have_value("")
    said = "Vacío: la zona horaria en la que esta página muestra sus horas (Lima)"
    expect(rosa.locator("#availability")).to_contain_text(said)
    expect(zone).to_have_accessible_description(re.compile(re.escape(said)))
    zone.scroll_into_view_if_needed()
    shoot(rosa, f"presenter-empty-zone-{viewport['width']}", full_page=False)
    assert rosa.evaluate(PLACEHOLDERS_CUT) == []
    assert rosa.evaluate(FITS_WIDTH), "the presenter page is wider than the window"
    context.close()
