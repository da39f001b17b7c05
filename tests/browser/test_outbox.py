"""The outbox in a browser: a co-lead turns on holding invitations for review, an invitation
waits as held, they read it (its HTML shown sandboxed) and send every held message in one click,
confirmed without JavaScript; the sender delivers it to a real SMTP server. 1280 and 390 px."""

import pytest
from playwright.sync_api import expect

from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.models import MessageKind
from planner.mail.outbox import Recipient, enqueue, hold_invitations
from planner.mail.sender import send_due
from tests.browser.conftest import (
    FITS_WIDTH,
    ON_A_PHONE,
    shoot,
    sign_in,
    the_message_has_the_focus,
)
from tests.mail.smtp_server import SmtpServer

INVITATION = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//CWS ICT Task Force//planner//EN\r
METHOD:REQUEST\r
BEGIN:VEVENT\r
UID:slot-7@cws-ict-planner\r
SEQUENCE:0\r
DTSTAMP:20270101T000000Z\r
DTSTART:20270309T120000Z\r
DTEND:20270309T122000Z\r
SUMMARY:Risk-based governance of new technologies\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture
def smtp(app):
    server = SmtpServer().start()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    yield server
    server.stop()
    app.config.update(saved)


def an_invitation() -> None:
    """What inviting a presenter enqueues, held if the co-leads asked for review."""
    enqueue(
        Recipient("alex@ipaustralia.example", "Alex Example"),
        kind=MessageKind.invitation,
        subject="Please present “Risk-based governance of new technologies” on 9 March",
        text="Dear Alex Example,\n\nYour private page: https://planner.example/presenter/abc\n",
        html="<p>Dear <b>Alex Example</b>,</p><p>Your <a href='#'>private page</a>.</p>"
        "<script>document.body.innerHTML = 'ran'</script>",
        ics=INVITATION,
        ics_method="REQUEST",
        hold=hold_invitations(),
    )
    db.session.commit()


def test_hold_review_and_send_all_held(app, browser, page, live_server, colead, smtp):
    sign_in(page, live_server)
    page.get_by_role("link", name="Outbox").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outbox")
    page.get_by_label("Hold invitations for review").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("held here for review")

    an_invitation()
    page.reload()
    expect(page.locator("table.data")).to_contain_text("held for review")
    expect(page.locator("table.data")).to_contain_text("alex@ipaustralia.example")
    shoot(page, "outbox-0-held")

    page.get_by_role("link", name="Please present").click()
    frame = page.frame_locator("iframe.mail-html")
    expect(frame.locator("b")).to_have_text("Alex Example")  # the HTML is shown...
    expect(frame.locator("body")).not_to_have_text("ran")  # ...and its script never runs
    expect(page.get_by_role("link", name="download the .ics")).to_be_visible()
    shoot(page, "outbox-1-message")

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Outbox").click()
    page.get_by_role("button", name="Send all held (1)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send all held messages?")
    page.get_by_role("button", name="Send 1 now").click()
    expect(page.get_by_role("status")).to_contain_text("1 message is queued")

    # The worker's next round (`flask mail send` does this every few seconds).
    with app.app_context():
        assert send_due(app.config, utcnow()).sent == 1
    page.reload()
    expect(page.locator("table.data")).to_contain_text("sent")
    expect(page.locator("table.data")).not_to_contain_text("held for review")
    shoot(page, "outbox-2-sent")
    (received,) = smtp.received
    assert received.rcpt_tos == ["alex@ipaustralia.example"]
    assert received.message["Subject"].startswith("Please present")

    phone = browser.new_context(**ON_A_PHONE).new_page()
    sign_in(phone, live_server)
    phone.goto(live_server + "/outbox")
    assert phone.evaluate(FITS_WIDTH), "the outbox is wider than the phone"
    shoot(phone, "outbox-3-phone")
    phone.get_by_role("link", name="Please present").click()
    expect(phone.frame_locator("iframe.mail-html").locator("b")).to_have_text("Alex Example")
    assert phone.evaluate(FITS_WIDTH), "the message page is wider than the phone"
    shoot(phone, "outbox-4-message-phone")
    phone.context.close()


def test_a_message_s_history_reads_as_sentences(app, browser, page, live_server, colead):
    """Ana, by keyboard with a screen reader, sends again an invitation that could not go (no
    mail server yet): the page opens on what was done, and the message's row, read as one run
    as a screen reader reads a table's cell, says its history in sentences, each begun with a
    capital and ended with a stop (helper-377: "not sent 1 attempt sent again by ana@... at
    ..." ran on as fragments), at 1280 px as at 390."""
    an_invitation()
    with app.app_context():
        config = {**app.config, "MAIL_SERVER": None}
        assert send_due(config, utcnow()).not_sent == 1
    sign_in(page, live_server)
    page.goto(live_server + "/outbox")
    page.get_by_role("link", name="Please present").click()
    send = page.get_by_role("button", name="Send again")
    send.focus()
    page.keyboard.press("Enter")
    the_message_has_the_focus(page, "1 message is queued")
    phone = browser.new_context(**ON_A_PHONE).new_page()
    sign_in(phone, live_server)
    for tab in (page, phone):
        tab.goto(live_server + "/outbox")
        cell = tab.locator("table.data tbody tr").first.locator("td").nth(1)
        status, *lines = [line.strip() for line in cell.inner_text().splitlines() if line.strip()]
        assert status == "queued"
        assert any(line.startswith(f"Sent again by {colead.email} at ") for line in lines), lines
        for line in lines:
            assert line[0].isupper() or line[0].isdigit(), lines
            assert line.endswith("."), lines
        assert tab.evaluate(FITS_WIDTH), "the outbox is wider than the window"
        shoot(tab, f"outbox-history-{tab.viewport_size['width']}")
    phone.context.close()
