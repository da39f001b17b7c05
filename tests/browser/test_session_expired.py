"""A volunteer whose session expired while typing: Chromium posts the form, the app shows it
ready to send again, and one press sends it (no JavaScript needed)."""

from sqlalchemy import select

from planner.extensions import db
from planner.proposals.models import Proposal
from tests.browser.conftest import shoot


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
    assert page.get_by_text("Your session expired; press Send again.").is_visible()
    shoot(page, "session-expired")
    assert db.session.scalar(select(Proposal)) is None
    page.get_by_role("button", name="Send again").click()
    page.wait_for_url(lambda url: "/proposals/" in url)
    proposal = db.session.scalar(select(Proposal))
    assert proposal.abstract == "How a risk-based framework lets us try AI early."
