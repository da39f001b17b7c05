"""A volunteer whose session expired while typing: Chromium posts the form, the app shows it
ready to send again, and one press sends it (no JavaScript needed). A co-lead signed out in
another tab signs in, and the form is sent."""

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlalchemy import func, select

from planner.agenda.models import Slot
from planner.extensions import db
from planner.proposals.models import Proposal
from tests.browser.conftest import (
    FITS_WIDTH,
    ON_A_PHONE,
    shoot,
    sign_in,
    the_message_has_the_focus,
)
from tests.support import COLEAD_EMAIL, COLEAD_PASSWORD


def test_send_again_after_the_session_expired(page, live_server, survey):
    page.goto(live_server + "/volunteer")
    page.select_option("select[name=office]", "AU")
    page.fill("input[name=contact_name]", "Alex Example")
    page.fill("input[name=contact_email]", "alex@ipaustralia.example")
    page.fill("input[name=title]", "Trialling new technologies safely")
    page.fill("textarea[name=abstract]", "How a risk-based framework lets us try AI early.")
    page.check("input[name=recommendations][value='10']")
    page.fill("input[name=duration_minutes]", "20")
    page.check("input[name=maturity][value=pilot]")
    page.context.clear_cookies()  # the session is gone, as after a long pause
    page.locator("p.actions button").click()
    expect(page.get_by_text("Your session expired; press Send again.")).to_be_visible()
    shoot(page, "session-expired")
    assert db.session.scalar(select(Proposal)) is None
    page.get_by_role("button", name="Send again").click()
    page.wait_for_url(lambda url: "/proposals/" in url)
    proposal = db.session.scalar(select(Proposal))
    assert proposal.abstract == "How a risk-based framework lets us try AI early."


def test_signed_out_in_another_tab_a_co_lead_signs_in_and_the_slot_is_saved(
    browser, live_server, colead_client, survey
):
    """Ana edits a slot on her phone, signs out in another tab, then presses Save in the first:
    the sign-in page holds her slot and says why in her words; she signs in, and the slot is
    saved, with no "Send again" on the way."""
    from tests.presenters.support import MEETING

    meeting = colead_client.post("/api/v1/meetings", json=MEETING).get_json()["id"]
    slot = colead_client.post(
        f"/api/v1/meetings/{meeting}/slots", json={"title": "Talk", "duration_minutes": 20}
    ).get_json()["id"]
    context = browser.new_context(**ON_A_PHONE)
    editing = context.new_page()
    sign_in(editing, live_server)
    editing.goto(f"{live_server}/slots/{slot}/edit")
    editing.get_by_label("Slot title").fill("AI search in examination")

    other_tab = context.new_page()
    other_tab.goto(f"{live_server}/meetings")
    other_tab.get_by_role("button", name="Menu").click()
    other_tab.get_by_role("button", name="Sign out").click()
    other_tab.wait_for_url(lambda url: url.rstrip("/") == live_server or "/meetings" not in url)

    editing.get_by_role("button", name="Save the slot").click()
    editing.wait_for_url("**/slots/*/edit")
    expect(editing.get_by_role("heading", name="Sign in")).to_be_visible()
    said = editing.get_by_role("status").filter(has_text="You were signed out")
    expect(said).to_contain_text("(in another window, or after a while)")
    expect(said).to_contain_text("Sign in and your changes are sent")
    # Said, with the focus on it, and the button says what it does besides (helper-377: the
    # page opened on itself, the status there from the start unsaid, and "Sign in" alone).
    the_message_has_the_focus(editing, "You were signed out")
    expect(editing.get_by_role("button", name="Sign in and send your changes")).to_be_visible()
    expect(editing.get_by_text("CSRF")).to_have_count(0)
    assert editing.evaluate(FITS_WIDTH)
    shoot(editing, "session-signed-out-sign-in-holds-the-slot")
    assert db.session.get(Slot, slot).title == "Talk"

    editing.get_by_label("Email").fill(COLEAD_EMAIL)
    editing.get_by_label("Password").fill(COLEAD_PASSWORD)
    editing.get_by_role("button", name="Sign in").click()
    editing.wait_for_url(f"**/meetings/{meeting}/edit#slot-{slot}")
    expect(editing.locator("[data-flashed]").first).to_have_text("Slot saved.")
    shoot(editing, "session-signed-out-slot-saved", full_page=False)
    db.session.expire_all()
    assert db.session.get(Slot, slot).title == "AI search in examination"
    context.close()


def test_back_after_the_held_slot_was_added_sends_nothing_again(
    browser, live_server, colead_client, survey
):
    """Ana, signed out in another tab, adds a slot: signing in sends it (send.js). Pressing Back
    then never shows the "Signed in: sending your changes" page with a live "Send again": its
    entry was replaced by the sending (it went before the page finished loading), and the page
    before, the sign-in that held the form, is not stored (Chromium asks to send it again). Sent
    again, it carries the token of the session that ended, so the planner asks her to press
    "Send again", and that is told the slot was added just now: still one slot."""
    from tests.presenters.support import MEETING

    meeting = colead_client.post("/api/v1/meetings", json=MEETING).get_json()["id"]
    context = browser.new_context(**ON_A_PHONE)
    editing = context.new_page()
    sign_in(editing, live_server)
    editing.goto(f"{live_server}/meetings/{meeting}/edit")
    editing.locator("#add-slot").get_by_label("Slot title").fill("AI search in examination")
    other_tab = context.new_page()
    other_tab.goto(f"{live_server}/meetings")
    other_tab.get_by_role("button", name="Menu").click()
    other_tab.get_by_role("button", name="Sign out").click()
    other_tab.wait_for_url(lambda url: url.rstrip("/") == live_server or "/meetings" not in url)
    editing.get_by_role("button", name="Add the slot").click()
    expect(editing.get_by_role("heading", name="Sign in")).to_be_visible()
    editing.get_by_label("Email").fill(COLEAD_EMAIL)
    editing.get_by_label("Password").fill(COLEAD_PASSWORD)
    editing.get_by_role("button", name="Sign in").click()
    editing.wait_for_url(f"**/meetings/{meeting}/edit#slots")
    assert db.session.scalar(select(func.count()).select_from(Slot)) == 1

    with pytest.raises(PlaywrightError, match="ERR_CACHE_MISS"):
        editing.go_back()
    expect(editing.get_by_text("Confirm Form Resubmission")).to_be_visible()
    expect(editing.get_by_role("button", name="Send again")).to_have_count(0)
    editing.reload()  # she confirms: the form held by the sign-in goes again, with its old token
    expect(editing.get_by_role("heading", name="Your session expired")).to_be_visible()
    editing.get_by_role("button", name="Send again").click()
    expect(editing.get_by_text("The slot was not added")).to_be_visible()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Slot)) == 1
    context.close()
