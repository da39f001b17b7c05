"""A co-lead brings back a meeting cancelled by mistake, in the browser (helper-241): the button
where "Cancel the meeting" was, a confirmation saying who is told, all by keyboard, at 1280 and
390 px, with nothing wider than the window and no axe-core violation."""

from datetime import timedelta

from flask import current_app
from playwright.sync_api import expect

from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.sender import send_due
from tests.browser.checks import check_page, tabs_by_width_and_role
from tests.browser.conftest import shoot
from tests.mail.smtp_server import SmtpServer
from tests.presenters.support import MEETING, TALK
from tests.support import hidden_fields, publish_as_planned


def _cancelled_workshop(api, title: str) -> int:
    meeting = api.post("/api/v1/meetings", json={**MEETING, "title": title}).get_json()
    made = api.post(f"/api/v1/meetings/{meeting['id']}/slots", json=TALK)
    assert made.status_code == 201, made.get_json()
    assert publish_as_planned(api, meeting["id"]).status_code == 200
    presenter = {"name": "Alex Example", "email": "alex@ipaustralia.example"}
    invited = api.post(f"/api/v1/slots/{made.get_json()['id']}/invite", json=presenter)
    assert invited.status_code == 201, invited.get_json()
    delivered()  # the invitation reached them (one not gone yet is taken back: helper-340)
    cancel = f"/meetings/{meeting['id']}/delete"
    assert api.post(cancel, data=hidden_fields(api, cancel)).status_code == 302
    delivered()  # and the cancellation
    return meeting["id"]


def delivered() -> None:
    """One round of the mail sender, to a real SMTP server on loopback."""
    server = SmtpServer().start()
    try:
        config = {**current_app.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port}
        send_due(config, utcnow() + timedelta(hours=1))
        db.session.commit()
    finally:
        server.stop()


def tab_to(tab, control) -> None:
    """Press Tab, from where the focus is, until `control` has it (as a keyboard user does)."""
    for _ in range(40):
        tab.keyboard.press("Tab")
        if control.evaluate("c => c === document.activeElement"):
            break
    expect(control).to_be_focused()


def test_a_cancelled_meeting_is_brought_back_by_keyboard_at_both_widths(
    browser, live_server, api, survey
):
    with tabs_by_width_and_role(browser, live_server) as tabs:
        for width in ("desktop", "phone"):
            title = f"Rec 10 workshop ({width})"
            meeting_id = _cancelled_workshop(api, title)
            tab = tabs[width, "colead"]
            edit = f"{live_server}/meetings/{meeting_id}/edit"
            check_page(tab, edit, "/meetings/<id>/edit (cancelled)", width, f"back-0-{width}")
            expect(tab.locator("h1")).to_contain_text("cancelled")
            expect(tab.get_by_text("It is cancelled, so it no longer changes")).to_be_visible()
            button = tab.get_by_role("link", name="Bring the meeting back…")
            expect(button).to_be_visible()
            expect(tab.get_by_role("link", name="Cancel the meeting…")).to_have_count(0)
            button.focus()
            expect(button).to_be_focused()
            tab.keyboard.press("Enter")
            expect(tab.get_by_role("heading", level=1)).to_have_text(f"Bring “{title}” back?")
            asked = tab.url
            check_page(tab, asked, "/meetings/<id>/reinstate", width, f"back-1-{width}")
            said = tab.locator(".consequences")
            expect(said).to_contain_text("It is published again as it was when it was cancelled")
            expect(said).to_contain_text(
                "Emailed that it is back, once each, as its cancellation reached them: Alex "
                "Example (“Risk-based governance of new technologies”, not answered yet"
            )
            # Tab, from the top of the page, reaches the button.
            tab_to(tab, tab.get_by_role("button", name="Bring the meeting back"))
            tab.keyboard.press("Enter")
            expect(tab.get_by_role("status")).to_contain_text("The meeting is back")
            expect(tab.get_by_role("status")).to_contain_text("1 person is emailed")
            expect(tab.get_by_role("heading", level=1)).to_have_text(title)
            shoot(tab, f"back-2-{width}", full_page=False)
            expect(tab.get_by_role("link", name="Bring the meeting back…")).to_have_count(0)
            # Anyone sees it published again, no longer marked cancelled.
            anyone = tabs[width, "anyone"]
            anyone.goto(f"{live_server}/meetings/{meeting_id}")
            expect(anyone.get_by_role("heading", level=1)).to_have_text(title)


def test_a_cancelled_meeting_is_copied_as_a_new_draft_by_keyboard_at_both_widths(
    browser, live_server, api, survey
):
    """The other way back: a new draft, its talks ready to invite again (the editor names who
    "Invite" fills in)."""
    with tabs_by_width_and_role(browser, live_server) as tabs:
        for width in ("desktop", "phone"):
            title = f"Rec 10 workshop, again ({width})"
            meeting_id = _cancelled_workshop(api, title)
            tab = tabs[width, "colead"]
            tab.goto(f"{live_server}/meetings/{meeting_id}")
            copy = tab.get_by_role("link", name="Copy as a new draft…")
            copy.focus()
            tab.keyboard.press("Enter")
            expect(tab.get_by_role("heading", level=1)).to_have_text(
                f"Copy “{title}” as a new draft?"
            )
            check_page(tab, tab.url, "/meetings/<id>/copy", width, f"copy-1-{width}")
            said = tab.locator(".consequences")
            expect(said).to_contain_text("No one is invited and nothing is sent")
            expect(said).to_contain_text("filled in with who was invited to it here: Alex Example")
            tab_to(tab, tab.get_by_role("button", name="Copy as a new draft"))
            tab.keyboard.press("Enter")
            expect(tab.get_by_role("status")).to_contain_text("Copied as a new draft")
            expect(tab.locator("h1")).to_contain_text(f"Edit: {title}")
            expect(tab.locator("h1")).to_contain_text("draft")
            expect(
                tab.get_by_text("to invite: Alex Example, as in the meeting copied")
            ).to_be_visible()
            check_page(tab, tab.url, "/meetings/<id>/edit (the copy)", width, f"copy-2-{width}")
