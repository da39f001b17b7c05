"""An office volunteers, edits and withdraws; a co-lead accepts one proposal and declines one."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import (
    shoot,
    sign_in,
    the_message_has_the_focus,
    the_refusal_has_the_focus,
)

SCRIPT_TITLE = "<script>document.title='pwned'</script>Blockchain registers"


def fill_proposal(page, *, office, title, abstract, email="person@office.example"):
    page.get_by_label("Office", exact=True).select_option(office)
    page.get_by_label("Your name", exact=True).fill("Pat Example")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Rec 10: New and emerging technologies (AI, blockchain)", exact=True).check()
    page.get_by_label("Abstract", exact=True).fill(abstract)
    page.get_by_label("Duration (minutes)", exact=True).fill("25")
    page.get_by_label("Availability", exact=True).fill("Mornings, Mon–Wed")
    page.get_by_label("in production", exact=True).check()


def volunteer(page, live_server, **fields) -> str:
    page.goto(live_server + "/volunteer")
    fill_proposal(page, **fields)
    page.get_by_role("button", name="Send the proposal").click()
    expect(page.get_by_role("status")).to_contain_text("your proposal is with the co-leads")
    return page.url


def test_an_office_submits_with_errors_then_edits_and_withdraws(page, live_server, survey):
    page.goto(live_server + "/volunteer")
    fill_proposal(page, office="PL", title="Autopatent", abstract="", email="not an email")
    page.get_by_role("button", name="Send the proposal").click()
    expect(page.locator(".error-summary")).to_contain_text("Please correct")
    expect(page.locator("#contact_email-error")).to_have_text(
        "That does not look like an email address. Write it whole, such as name@office.org."
    )
    expect(page.locator("#abstract-error")).to_have_text("Describe what you would present.")
    expect(page.get_by_label("Title", exact=True)).to_have_value("Autopatent")
    expect(page.get_by_label("Availability", exact=True)).to_have_value("Mornings, Mon–Wed")
    shoot(page, "volunteer-1-errors")

    page.get_by_role("button", name="Suggest an abstract from our survey answers").click()
    expect(page.get_by_label("Abstract", exact=True)).to_have_value(
        re.compile("one of the pioneers")
    )
    # The page the suggestion came back on is whole before typing into it (under load, a fill
    # could land on it while it was still loading, and the old address was sent).
    page.wait_for_load_state("load")
    email = page.get_by_label("Email", exact=True)
    email.fill("pat@uprp.example")
    expect(email).to_have_value("pat@uprp.example")
    page.get_by_role("button", name="Send the proposal").click()
    expect(page.get_by_role("status")).to_contain_text("Keep the link of this page")
    the_message_has_the_focus(page, "your proposal is with the co-leads")
    private = page.url
    shoot(page, "volunteer-2-private-link")

    page.get_by_role("link", name="Edit the proposal").click()
    page.get_by_label("Title", exact=True).fill("Autopatent: AI classification with explanations")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".proposal-title")).to_have_text(
        "Autopatent: AI classification with explanations"
    )
    the_message_has_the_focus(page, "Your changes are saved.")
    page.get_by_role("link", name="Withdraw the proposal…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Withdraw “Autopatent: AI classification with explanations”?"
    )
    page.get_by_role("button", name="Withdraw the proposal").click()
    expect(page.locator(".status")).to_have_text("withdrawn")
    the_message_has_the_focus(page, "Your proposal is withdrawn.")
    expect(page.get_by_role("link", name="Edit the proposal")).to_have_count(0)
    assert page.url == private


def test_a_co_lead_accepts_one_and_declines_one(page, live_server, survey, colead):
    first = volunteer(
        page,
        live_server,
        office="IL",
        title="AI search tools",
        abstract="Free-text and image search with AI.",
    )
    volunteer(page, live_server, office="HR", title=SCRIPT_TITLE, abstract="TM and DS data.")
    # The script typed into the title is shown as text to the office ...
    expect(page.locator(".proposal-title")).to_have_text(SCRIPT_TITLE)
    assert page.title() != "pwned"

    sign_in(page, live_server)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Proposals").click()
    # ... and to the co-leads.
    expect(page.get_by_role("link", name=SCRIPT_TITLE)).to_be_visible()
    assert page.title() != "pwned"
    shoot(page, "review-1-list")

    page.get_by_role("link", name="AI search tools").click()
    page.get_by_label("Accept", exact=True).check()
    page.get_by_label("Reason", exact=True).fill("Concrete tools in use; a good opener.")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_role("status")).to_contain_text("is accepted")
    expect(page.locator("ol.history li").first).to_contain_text("Accepted by colead@example.org on")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Proposals").click()
    page.get_by_label("Status").select_option("submitted")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name=SCRIPT_TITLE).click()
    expect(page.locator(".proposal-title")).to_have_text(SCRIPT_TITLE)
    page.get_by_label("Decline", exact=True).check()
    page.get_by_label("Reason", exact=True).fill("Please resubmit without markup in the title.")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".status").first).to_have_text("declined")
    shoot(page, "review-2-declined")
    assert page.title() != "pwned"
    # The breadcrumb leads back to the review as filtered (helper-203), where nothing is left.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Proposals").click()
    assert page.url.endswith("/proposals?status=submitted")
    expect(page.get_by_label("Status")).to_have_value("submitted")
    expect(page.get_by_text("No proposals match.")).to_be_visible()

    # The office sees the decision through its link, and can no longer edit.
    page.goto(first)
    expect(page.locator(".status")).to_have_text("accepted")
    expect(page.get_by_role("link", name="Edit the proposal")).to_have_count(0)


def test_the_error_summary_moves_to_a_group_of_boxes(phone, live_server, survey):
    """helper-89: the summary's links to a group (recommendations, maturity) pointed at its
    list, which takes no focus: a click moved nowhere. They move to the group's first box."""
    phone.goto(live_server + "/volunteer")
    phone.get_by_role("button", name="Send the proposal").click()
    summary = the_refusal_has_the_focus(phone)
    for name, first in (("Recommendations", "recommendations-0"), ("Maturity", "maturity-0")):
        summary.get_by_role("link", name=name, exact=True).click()
        expect(phone.locator(f"#{first}")).to_be_focused()


def test_a_link_to_a_field_stops_below_its_label(phone, live_server, survey):
    """helper-161: the summary's links put the field at the window's top edge, its label (a
    box's group legend and hint) out of sight above it; and a group's error looked like a hint,
    where a field's is red and bold."""
    phone.goto(live_server + "/volunteer")
    phone.get_by_role("button", name="Send the proposal").click()
    summary = the_refusal_has_the_focus(phone)
    for name, heading in (
        ("Abstract", "label[for=abstract]"),
        ("Recommendations", "fieldset:has(#recommendations-0) legend"),
        ("Maturity", "fieldset:has(#maturity-0) legend"),
    ):
        summary.get_by_role("link", name=name, exact=True).click()
        expect(phone.locator(heading)).to_be_in_viewport(ratio=1)
    # The group's hint is heard with it, as its error is (helper-161: the hint described the
    # list inside, which no one reaches).
    expect(phone.get_by_role("group", name="Recommendations")).to_have_accessible_description(
        "One or more. Choose at least one recommendation."
    )
    colour = "element => getComputedStyle(element).color"
    field_error = phone.locator("#title-error").evaluate(colour)
    assert phone.locator("#recommendations-error").evaluate(colour) == field_error


def test_what_a_helper_button_did_is_said_where_it_leads(phone, live_server, survey):
    """helper-161: "Suggest an abstract" moved to the abstract and "Fill the windows" to the
    windows, but what each did ("no project on these recommendations", "read 1 window") was
    said above the abstract's label: out of sight, and heard with neither. It is under the
    field or button the page comes back to, and read out with it."""
    phone.goto(live_server + "/volunteer")
    phone.get_by_label("Office", exact=True).select_option("PE")
    phone.get_by_label("Rec 10: New and emerging technologies (AI, blockchain)").check()
    phone.get_by_role("button", name="Suggest an abstract from our survey answers").click()
    abstract = phone.get_by_label("Abstract", exact=True)
    expect(abstract).to_be_focused()
    said = re.compile("Your office reported no project on these recommendations")
    expect(abstract).to_have_accessible_description(said)
    expect(phone.get_by_text(said)).to_be_in_viewport(ratio=1)
    expect(phone.locator("label[for=abstract]")).to_be_in_viewport(ratio=1)

    phone.get_by_label("Availability", exact=True).fill("Tuesdays 08:00-11:00")
    phone.get_by_text("Exact windows, if you like").click()
    phone.get_by_role("button", name="Fill the windows below from what I wrote").click()
    read = re.compile("Read 1 window from your text")
    button = phone.get_by_role("button", name="Fill the windows below from what I wrote")
    expect(button).to_have_accessible_description(read)
    expect(phone.get_by_text(read)).to_be_in_viewport(ratio=1)
    shoot(phone, "proposals-windows-read")


def test_a_window_typed_backwards_is_said_in_the_summary_and_at_its_row(phone, live_server, survey):
    """helper-164: a window from 12:00 to 09:00 was asked about three times on a phone: in the
    summary, under the row's "To", and again under the whole group. Said as any field's error
    is: in the summary, whose link moves to the row, and beside the row."""
    phone.goto(live_server + "/volunteer")
    fill_proposal(phone, office="PE", title="Patent translation", abstract="What we learned.")
    phone.get_by_text("Exact windows, if you like").click()
    phone.get_by_label("Time zone of these times").fill("America/Lima")
    phone.get_by_role("group", name="Window 1: days").get_by_label("Tue").check()
    phone.get_by_role("group", name="Window 1", exact=True).get_by_label("From").fill("12:00")
    phone.get_by_role("group", name="Window 1", exact=True).get_by_label("To").fill("09:00")
    phone.get_by_role("button", name="Send the proposal").click()
    asked = "09:00 is before 12:00: this window runs overnight"
    expect(phone.get_by_text(asked)).to_have_count(2)
    summary = the_refusal_has_the_focus(phone)
    expect(summary).to_contain_text("Your availability windows: Window 1, To: " + asked)
    summary.get_by_role("link", name="Your availability windows", exact=True).click()
    ends = phone.locator("#windows-0-ends")
    expect(ends).to_be_focused()
    expect(ends).to_have_accessible_description(re.compile(asked))
    expect(phone.locator("#windows-0-ends-error")).to_be_in_viewport(ratio=1)
    shoot(phone, "proposals-window-backwards", full_page=False)
