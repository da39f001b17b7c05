"""A co-lead builds a workshop agenda in the browser: create, fill from a line-up, reorder,
publish, and open the public page (also as printed)."""

import re
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import (
    FITS_WIDTH,
    ON_A_PHONE,
    shoot,
    sign_in,
    the_message_has_the_focus,
)
from tests.support import ahead, publish_as_planned

# The focus on a date field's calendar button: the field is the active element, not :focus.
ON_THE_PICKER = (
    "() => document.activeElement.id === 'day' && !document.activeElement.matches(':focus')"
)


def test_create_fill_reorder_publish(colead_page, live_server, survey, browser):
    page = colead_page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
    page.get_by_role("link", name="New meeting").click()
    # The last Tab stop of a date field, its calendar button, keeps the field's ring (helper-188:
    # the field matches no :focus there, and the ring gave way to Chromium's thin square).
    page.get_by_label("Date").focus()
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate(ON_THE_PICKER):
            break
    assert page.evaluate(ON_THE_PICKER), "no Tab stop on the date field's calendar button"
    assert page.get_by_label("Date").evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    page.get_by_label("Title").fill("Rec 10 workshop: AI and blockchain")
    page.get_by_label("Date").fill(ahead("2026-03-10"))  # a Tuesday to come, in CET
    page.get_by_label("Start").fill("12:00")
    page.get_by_label("Duration (minutes)").fill("150")
    page.get_by_label("Home time zone").fill("Europe/Zurich")
    page.get_by_label("Video link").fill("https://video.example/rec10")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("status")).to_have_text("Meeting created as a draft.")
    edit_url = page.url

    # A line-up from the proposer goes into this meeting.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Line-ups").click()
    page.get_by_role("link", name="Propose a line-up").click()
    page.get_by_label("Number of presentations").fill("4")
    page.get_by_role("button", name="Find the best line-up").click()
    page.get_by_role("link", name=re.compile("line-up #")).click()
    page.get_by_label("Into").select_option(
        label=f"draft: Rec 10 workshop: AI and blockchain ({ahead('2026-03-10')})"
    )
    page.get_by_role("button", name="Accept: make it a draft agenda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rec 10 workshop: AI and blockchain")

    page.goto(edit_url)
    rows = page.locator("table.agenda-edit tbody tr")
    expect(rows).to_have_count(4)
    first_title = rows.nth(0).locator("th").inner_text().split(" ·")[0]
    second_title = rows.nth(1).locator("th").inner_text().split(" ·")[0]
    expect(rows.nth(1).locator("td.time")).to_contain_text("12:20–12:40")
    rows.nth(1).get_by_role("button", name="Up").click()
    rows = page.locator("table.agenda-edit tbody tr")
    expect(rows.nth(0).locator("th")).to_contain_text(second_title)
    # The moved row is where the page opens, marked, with the keyboard on it.
    expect(rows.nth(0)).to_be_in_viewport()
    expect(rows.nth(0)).to_be_focused()
    expect(rows.nth(1).locator("th")).to_contain_text(first_title)
    expect(rows.nth(0).locator("td.time")).to_contain_text("12:00–12:20")
    shoot(page, "agenda-1-edit")

    page.get_by_role("link", name="Publish…").click()
    # Asked first, told who is sent what.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Publish “")
    expect(page.locator(".consequences")).to_contain_text("appear in every calendar feed")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("Published")
    public_url = page.url

    # Anyone can open the published agenda, and choose the zone to read it in.
    visitor = browser.new_context(viewport={"width": 1280, "height": 900})
    public = visitor.new_page()
    public.goto(public_url)
    expect(public.get_by_role("heading", level=1)).to_have_text(
        "Rec 10 workshop: AI and blockchain"
    )
    expect(public.locator("table.agenda tbody tr")).to_have_count(4)
    sydney = public.locator("table.local-times tr", has_text="IP Australia")
    expect(sydney).to_contain_text("Tue 22:00")
    expect(sydney).to_contain_text("outside 07:00–21:00")
    shoot(public, "agenda-2-public")
    public.get_by_label("Show times in").fill("America/Lima")
    public.get_by_role("button", name="Apply").click()
    expect(public.locator("table.agenda thead")).to_contain_text("Time in Lima")
    expect(public.locator("table.agenda tbody tr").first.locator("td.time").first).to_have_text(
        "06:00–06:20"
    )
    public.reload()
    expect(public.locator("table.agenda thead")).to_contain_text("Time in Lima")  # remembered
    public.emulate_media(media="print")
    expect(public.locator(".zone-picker")).to_be_hidden()
    expect(public.locator("header.site nav")).to_be_hidden()
    shoot(public, "agenda-3-print")
    visitor.close()

    # A reader whose browser is in Sydney is offered their zone, in one click.
    phone = browser.new_context(**ON_A_PHONE, timezone_id="Australia/Sydney")
    small = phone.new_page()
    small.goto(public_url)
    shoot(small, "agenda-4-phone")
    small.get_by_role("button", name="Use my time zone (Sydney, Australia)").click()
    expect(small.locator("table.agenda thead")).to_contain_text("Time in Sydney")
    expect(small.get_by_label("Show times in")).to_have_value("Sydney, Australia")
    expect(small.locator("button[data-my-zone]")).to_be_hidden()
    phone.close()

    # Chromium names some zones by their old ids ("Asia/Katmandu", "Asia/Calcutta"): the button
    # said those, and stayed offered over times already in the reader's zone (helper-230).
    nepal = browser.new_context(**ON_A_PHONE, timezone_id="Asia/Kathmandu")
    small = nepal.new_page()
    small.goto(public_url)
    small.get_by_role("button", name="Use my time zone (Kathmandu, Nepal)").click()
    expect(small.locator("table.agenda thead")).to_contain_text("Time in Kathmandu (UTC+5:45)")
    expect(small.locator("button[data-my-zone]")).to_be_hidden()
    nepal.close()
    india = browser.new_context(**ON_A_PHONE, timezone_id="Asia/Kolkata")
    small = india.new_page()
    small.goto(public_url + "?zone=India")
    expect(small.locator("table.agenda thead")).to_contain_text("Time in Kolkata (UTC+5:30)")
    expect(small.get_by_label("Show times in")).to_have_value("Kolkata, India")
    expect(small.locator("button[data-my-zone]")).to_be_hidden()
    # A long place with its country is read whole on the phone, not cut short in its field.
    small.goto(public_url + "?zone=Chatham")
    field = small.get_by_label("Show times in")
    expect(field).to_have_value("Chatham Islands, New Zealand")
    assert field.evaluate("f => f.scrollWidth <= f.clientWidth"), "the place is cut short"
    india.close()


def test_suggested_start_times(colead_page, live_server, survey):
    page = colead_page
    page.goto(live_server + "/meetings/new")
    page.get_by_label("Title").fill("Task force meeting")
    page.get_by_label("Duration (minutes)").fill("90")
    page.get_by_role("button", name="Create the draft").click()
    page.get_by_role("link", name="Suggest fair start times").click()
    # Two working weeks from a Monday ahead: start times in the past are never suggested.
    monday = date.today() + timedelta(days=7 - date.today().weekday() + 7)
    page.get_by_label("From", exact=True).fill(monday.isoformat())
    page.get_by_label("To", exact=True).fill((monday + timedelta(days=11)).isoformat())
    page.get_by_role("button", name="Rank start times").click()
    rows = page.locator("table.suggestions tbody tr")
    expect(rows).to_have_count(10)
    shoot(page, "agenda-5-suggest")
    rows.first.get_by_role("button", name="Use this start").click()
    expect(page.get_by_role("status")).to_contain_text("The meeting now starts ")
    expect(page.get_by_label("Date")).not_to_have_value("")


def ranked_by_keyboard(browser, live_server, api):
    """A new meeting's fair start times, ranked by Enter on "Rank start times" in a co-lead's
    phone-sized window: its id, the browser context and the page."""
    meeting = api.post("/api/v1/meetings", json={"title": "Rec 10 workshop"}).get_json()["id"]
    context = browser.new_context(**ON_A_PHONE)
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(f"{live_server}/meetings/{meeting}/suggest")
    page.get_by_role("button", name="Rank start times").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return meeting, context, page


def test_ranking_start_times_by_keyboard_opens_at_the_ranking(browser, live_server, survey, api):
    """helper-335: a co-lead with the keyboard alone, on a phone-sized window, pressed Enter on
    "Rank start times" and the page came back at its top: the same boxes as before, the
    ranking screens below and some fifty Tab stops away. It comes back at "Best start times",
    the next Tab on the best start's "Use this start"."""
    _meeting, context, page = ranked_by_keyboard(browser, live_server, api)
    expect(page.get_by_role("heading", name="Best start times")).to_be_in_viewport()
    page.keyboard.press("Tab")
    first = page.locator("table.suggestions tbody tr").first.get_by_role("button")
    expect(first).to_be_focused()
    # Tabbing from one "Use this start" to the next, a screen reader says which start each is.
    start = page.locator("table.suggestions tbody tr").first.locator("th").inner_text()
    expect(first).to_have_accessible_name(f"Use this start, {start.split(chr(10))[0]} in Geneva")
    shoot(page, "agenda-5-ranked-by-keyboard", full_page=False)
    context.close()


def test_a_start_refused_after_ranking_is_said_in_view(browser, live_server, survey, api):
    """Ranked, the page is at "Best start times"; a "Use this start" refused there (another
    co-lead set a start meanwhile) came back at the ranking too, its message at the top out of
    sight. It comes back at the top, the message in view."""
    meeting, context, page = ranked_by_keyboard(browser, live_server, api)
    later = {"starts_at": f"{ahead('2027-03-09')}T12:00:00+01:00"}
    assert api.patch(f"/api/v1/meetings/{meeting}", json=later).status_code == 200
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("The meeting's start changed since you opened this page")
    expect(refusal).to_be_in_viewport()
    context.close()


def test_calendar_links_on_the_public_page(colead_page, colead, live_server, survey, browser):
    from planner.accounts.models import ApiToken
    from planner.extensions import db
    from tests.calendar.test_feeds import MEETING, SLOTS

    page = colead_page
    token = ApiToken.issue(colead)
    db.session.commit()
    api = page.request
    auth = {"Authorization": f"Bearer {token}"}
    to_come = {**MEETING, "starts_at": f"{ahead('2026-12-08')}T12:00:00+01:00"}
    meeting = api.post(live_server + "/api/v1/meetings", data=to_come, headers=auth).json()
    for slot in SLOTS:
        api.post(f"{live_server}/api/v1/meetings/{meeting['id']}/slots", data=slot, headers=auth)
    api.post(f"{live_server}/api/v1/meetings/{meeting['id']}/publish", headers=auth)
    visitor = browser.new_context(
        viewport={"width": 1280, "height": 900}, permissions=["clipboard-read", "clipboard-write"]
    )
    public = visitor.new_page()
    public.goto(f"{live_server}/meetings/{meeting['id']}")
    subscribe = public.get_by_role("link", name="Subscribe: this meeting")
    expect(subscribe).to_have_attribute("href", re.compile(r"^webcal://127\.0\.0\.1:\d+/meetings/"))
    with public.expect_download() as download:
        public.get_by_role("link", name="Add to calendar (.ics)").click()
    body = Path(download.value.path()).read_bytes()
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    copy = public.locator("button[data-copy='meeting-feed']")
    expect(copy).to_be_visible()  # shown by the app's own script, which the CSP allows
    # Which feed it copies is in its description; its "Copied" is said in a live region.
    expect(copy).to_have_attribute("aria-describedby", "meeting-feed-label")
    expect(public.locator("#meeting-feed-label")).to_contain_text("this meeting")
    copy.click()
    expect(copy).to_have_text("Copied")
    expect(copy.locator("xpath=following-sibling::*[@aria-live='polite'][1]")).to_have_text(
        "Copied"
    )
    copied = public.evaluate("navigator.clipboard.readText()")
    assert copied == f"{live_server}/meetings/{meeting['id']}.ics"
    shoot(public, "calendar-links")
    visitor.close()


def test_back_and_send_again_makes_no_twin(colead_page, live_server, survey):
    """The usability tester's steps: a form sent, the browser's Back, the same form sent again.
    Co-lead pages are not stored (no-store), so Back fetches the page anew, with what was typed
    put back by the browser; the second sending finds what the first made, for a meeting and
    for a slot of a published meeting alike."""
    from planner.agenda.models import Meeting, Slot
    from planner.extensions import db

    page = colead_page
    page.goto(live_server + "/meetings/new")
    page.get_by_label("Title").fill("Back button workshop")
    page.get_by_label("Date").fill(ahead("2026-04-14"))
    page.get_by_label("Start").fill("09:00")
    page.get_by_label("Home time zone").fill("Geneva")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("status")).to_have_text("Meeting created as a draft.")
    edit_url = page.url
    page.go_back()
    expect(page.get_by_label("Title")).to_have_value("Back button workshop")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("alert")).to_contain_text("This meeting was already created")
    assert db.session.scalars(select(Meeting.id)).all() == [int(edit_url.split("/")[-2])]
    shoot(page, "agenda-6-created-already")
    page.get_by_role("link", name="“Back button workshop”").click()
    assert page.url == edit_url

    adding = page.locator("#add-slot")
    adding.get_by_label("Slot title").fill("Opening")
    adding.get_by_role("button", name="Add the slot").click()
    page.get_by_role("link", name="Publish…").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("Published")
    page.goto(edit_url)
    adding.get_by_label("Slot title").fill("Coffee break")
    adding.get_by_label("Slot kind").select_option("break")
    adding.get_by_label("Slot duration (minutes)").fill("10")
    adding.get_by_role("button", name="Add the slot").click()
    expect(page.get_by_role("status")).to_have_text("Slot added.")
    page.go_back()
    expect(adding.get_by_label("Slot title")).to_have_value("Coffee break")
    adding.get_by_role("button", name="Add the slot").click()
    expect(adding.get_by_role("alert")).to_contain_text("This slot was already added")
    expect(page.get_by_role("status")).to_have_count(0)  # not "Slot added." a second time
    expect(page.locator("table.agenda-edit tbody tr")).to_have_count(2)
    db.session.expire_all()
    assert db.session.scalars(select(Slot.title).order_by(Slot.id)).all() == [
        "Opening",
        "Coffee break",
    ]
    # A second one wanted after all: one press.
    adding.get_by_role("button", name="Add another anyway").click()
    expect(page.get_by_role("status")).to_have_text("Slot added.")
    expect(page.locator("table.agenda-edit tbody tr")).to_have_count(3)


def test_a_title_of_one_long_word_stays_in_the_window(page, live_server, api, survey):
    """helper-170: a presenter titled their talk with one 150-letter word (their page takes
    150 characters); at 1280 px the public agenda grew 334 px past the window and the
    editor 342 px, its status and buttons off screen. The title breaks instead."""
    meeting = api.post(
        "/api/v1/meetings",
        json={"title": "W", "starts_at": "2030-03-10T12:00:00+01:00", "time_zone": "Europe/Zurich"},
    ).get_json()["id"]
    word = "Inteligencia" + "Artificial" * 13
    made = api.post(
        f"/api/v1/meetings/{meeting}/slots",
        json={"title": word, "office": "PE", "recommendations": [10]},
    )
    assert made.status_code == 201
    assert publish_as_planned(api, meeting).status_code == 200
    page.goto(f"{live_server}/meetings/{meeting}")
    assert page.evaluate(FITS_WIDTH), "the public agenda is wider than the window"
    sign_in(page, live_server)
    page.goto(f"{live_server}/meetings/{meeting}/edit")
    shoot(page, "agenda-long-title-edit", full_page=False)
    assert page.evaluate(FITS_WIDTH), "the agenda editor is wider than the window"
    row = page.locator("table.agenda-edit tbody tr").first
    expect(row.get_by_role("button", name="Up")).to_be_in_viewport()


def test_a_message_after_a_save_is_seen_at_the_row_and_heard(
    browser, live_server, colead_client, survey
):
    """helper-188: saving a slot returns to its row (#slot-N), far below the page's top on a
    phone, where "Slot saved." was out of sight; and a screen reader does not say a status
    message a page opens with. The message is moved under the row, and has the focus
    (helper-338): Shift+Tab is back in the row."""
    from tests.presenters.support import MEETING

    meeting = colead_client.post("/api/v1/meetings", json=MEETING).get_json()["id"]
    for n in range(8):
        talk = {"title": f"Talk {n + 1}", "duration_minutes": 10}
        assert colead_client.post(f"/api/v1/meetings/{meeting}/slots", json=talk).status_code == 201
    last = colead_client.get(f"/api/v1/meetings/{meeting}").get_json()["slots"][-1]["id"]
    context = browser.new_context(**ON_A_PHONE)
    phone = context.new_page()
    sign_in(phone, live_server)
    phone.goto(f"{live_server}/slots/{last}/edit")
    phone.get_by_label("Slot title").fill("Talk 8: AI search")
    phone.get_by_role("button", name="Save the slot").click()
    phone.wait_for_url(f"**/meetings/{meeting}/edit#slot-{last}")
    message = phone.locator(f"#slot-{last} + tr.flashed-row [data-flashed]")
    expect(message).to_have_text("Slot saved.")
    expect(message).to_be_in_viewport()
    the_message_has_the_focus(phone, "Slot saved.")
    shoot(phone, "agenda-6-saved-at-the-row", full_page=False)
    context.close()


def test_fair_start_times_of_many_offices_on_a_phone(browser, live_server, colead, app_context):
    """200 offices' boxes were a phone's nine screens above the button and the ranking: once
    there is a ranking they fold behind a count, and still go with the form (helper-213)."""
    from planner.extensions import db
    from planner.survey.operations import import_record
    from planner.survey.synthetic import scaled_survey
    from tests.conftest import _bundled_record

    import_record(scaled_survey(_bundled_record(), 200))
    db.session.commit()
    context = browser.new_context(**ON_A_PHONE)
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(live_server + "/meetings/new")
    page.get_by_label("Title").fill("Task force meeting")
    page.get_by_role("button", name="Create the draft").click()
    page.get_by_role("link", name="Suggest fair start times").click()
    boxes = page.locator("details.office-choices")
    summary = boxes.locator("summary")
    expect(summary).to_have_text(re.compile(r"Participating offices: 200 of \d+ ticked"))
    expect(boxes).not_to_have_attribute("open", "")
    screen = ON_A_PHONE["viewport"]["height"]
    assert page.get_by_role("button", name="Rank start times").bounding_box()["y"] < 1.5 * screen
    ranking = page.get_by_role("heading", name="Best start times")
    assert ranking.bounding_box()["y"] < 3 * screen
    shoot(page, "agenda-6-suggest-200-phone", full_page=False)
    # Folded, the boxes are still the form's: one unticked goes with "Rank start times".
    summary.click()
    page.get_by_role("checkbox", name=re.compile(r"^AU – ")).uncheck()
    page.get_by_role("button", name="Rank start times").click()
    expect(summary).to_have_text(re.compile(r"Participating offices: 199 of \d+ ticked"))
    expect(ranking).to_be_visible()
    context.close()
