"""The presenter's and volunteer's pages in a browser set to another language, on a phone: the
page reads in it (Russian runs long: nothing is wider than the phone), refusals too, and one
click gives English. Screenshots of each."""

from playwright.sync_api import expect

from planner.mail.models import language_tag
from tests.browser.conftest import FITS_WIDTH, ON_A_PHONE, shoot, sign_in
from tests.browser.test_presenter import TALKS, a_meeting, invite
from tests.support import said_in


def _invited_on_a_phone(browser, page, live_server, colead_client, app, locale, zones, words):
    """A presenter invited (in the first of `zones`) opens their page on a phone whose browser
    reads `locale`, in the second zone: the phone's context and page, their link, and `words`
    as the page's catalogue says them, its heading among them ("heading"), once the page is
    checked to be in that language."""
    invited_in, phone_in = zones
    meeting = a_meeting(colead_client)
    sign_in(page, live_server)
    link = invite(page, live_server, meeting, TALKS[0]["title"], "Alex Example", invited_in)
    context = browser.new_context(**ON_A_PHONE, locale=locale, timezone_id=phone_in)
    phone = context.new_page()
    phone.goto(link)
    language = locale.split("-")[0]
    with app.app_context():
        said = {english: said_in(language, english) for english in words}
        said["heading"] = said_in(
            language, "Your presentation at “%(meeting)s”", meeting="Rec 10 workshop"
        )
    expect(phone.locator("html")).to_have_attribute("lang", language_tag(language))
    expect(phone.get_by_role("heading", level=1)).to_have_text(said["heading"])
    return context, phone, link, said


def test_a_presenter_whose_browser_reads_russian(browser, page, live_server, colead_client, app):
    words = (
        "Will you present?",
        "Use my time zone",
        "Send my answer",
        "I decline: I cannot present in this slot",
        "Say why you decline, so the co-leads can plan around it.",
        "Language",
    )
    context, phone, link, ru = _invited_on_a_phone(
        browser,
        page,
        live_server,
        colead_client,
        app,
        "ru-RU",
        ("Asia/Almaty", "Europe/Moscow"),
        words,
    )
    expect(phone.get_by_role("heading", name=ru["Will you present?"])).to_be_visible()
    # The phone's own zone is offered in the page's words.
    expect(
        phone.get_by_role("button", name=f"{ru['Use my time zone']} (Москва, Россия)")
    ).to_be_visible()
    assert phone.evaluate(FITS_WIDTH), "the Russian presenter page is wider than the phone"
    shoot(phone, "languages-1-presenter-ru-phone")
    phone.get_by_label(ru["I decline: I cannot present in this slot"]).check()
    phone.get_by_role("button", name=ru["Send my answer"]).click()
    summary = phone.locator(".error-summary")
    expect(summary).to_contain_text(ru["Say why you decline, so the co-leads can plan around it."])
    expect(summary).to_be_focused()
    assert phone.evaluate(FITS_WIDTH), "the refused Russian page is wider than the phone"
    shoot(phone, "languages-2-presenter-ru-refused")
    # One click, and the page is in English (remembered for the next page too).
    phone.goto(link)
    phone.get_by_role("navigation", name=ru["Language"]).get_by_role("link", name="English").click()
    expect(phone.get_by_role("heading", name="Will you present?")).to_be_visible()
    phone.goto(link)
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    context.close()


def test_a_presenter_whose_browser_reads_chinese(browser, page, live_server, colead_client, app):
    """Simplified Chinese on a 390 px phone: the page's words from the catalogue, the time as
    Chinese writes it, and nothing wider than the phone (CJK text breaks between any two
    characters, a long Latin title or address does not)."""
    words = ("Will you present?", "Send my answer", "Materials", "Language")
    context, phone, _, zh = _invited_on_a_phone(
        browser, page, live_server, colead_client, app, "zh-CN", ("Asia/Shanghai",) * 2, words
    )
    expect(phone.get_by_role("heading", name=zh["Will you present?"])).to_be_visible()
    expect(phone.get_by_role("button", name=zh["Send my answer"])).to_be_visible()
    expect(phone.get_by_role("heading", name=zh["Materials"])).to_be_visible()
    # 20:00 in Shanghai on Tuesday 9 March 2027 (the meeting's 13:00 in Zurich, UTC+1).
    expect(phone.locator("dl.times")).to_contain_text("2027年3月9日星期二 20:00–20:20")
    expect(
        phone.get_by_role("navigation", name=zh["Language"]).get_by_role("link", name="中文")
    ).to_have_attribute("aria-current", "true")
    assert phone.evaluate(FITS_WIDTH), "the Chinese presenter page is wider than the phone"
    shoot(phone, "languages-5-presenter-zh-phone")
    context.close()


def test_the_volunteer_form_in_spanish_on_a_phone(browser, live_server, app, survey):
    context = browser.new_context(**ON_A_PHONE, locale="es-PE", timezone_id="America/Lima")
    phone = context.new_page()
    phone.goto(f"{live_server}/volunteer")
    with app.app_context():
        title = said_in("es", "Volunteer a presentation")
        send = said_in("es", "Send the proposal")
        choose = said_in("es", "Choose your office.")
        language = said_in("es", "Preferred language")
    expect(phone.get_by_role("heading", level=1)).to_have_text(title)
    expect(phone.get_by_label(language)).to_have_value("es")
    assert phone.evaluate(FITS_WIDTH), "the Spanish volunteer form is wider than the phone"
    shoot(phone, "languages-3-volunteer-es-phone")
    phone.locator("main form").get_by_role("button", name=send).last.click()
    expect(phone.locator(".error-summary")).to_contain_text(choose)
    assert phone.evaluate(FITS_WIDTH), "the refused Spanish form is wider than the phone"
    shoot(phone, "languages-4-volunteer-es-refused")
    context.close()


def test_a_volunteer_who_reads_russian_follows_their_proposal_on_a_phone(
    browser, live_server, app, survey
):
    """The proposal's private page, its edit form and the subscription help in Russian, which
    runs long: nothing wider than the phone."""
    from tests.proposals.test_proposals import API_VALID

    made = app.test_client().post("/api/v1/proposals", json={**API_VALID, "language": "ru"})
    assert made.status_code == 201, made.get_data(as_text=True)
    link = made.get_json()["link"]
    context = browser.new_context(**ON_A_PHONE, locale="en-US")
    phone = context.new_page()
    phone.goto(link.replace("http://localhost", live_server))
    with app.app_context():
        heading = said_in("ru", "Your proposal")
        edit = said_in("ru", "Edit the proposal")
        how = said_in(
            "ru", "How to subscribe in Google, Outlook, Apple Calendar, Thunderbird or on Android"
        )
    expect(phone.get_by_role("heading", level=1)).to_have_text(heading)
    phone.get_by_text(how).click()  # the help unfolds
    assert phone.evaluate(FITS_WIDTH), "the Russian proposal page is wider than the phone"
    shoot(phone, "languages-6-proposal-ru-phone")
    phone.get_by_role("link", name=edit).click()
    expect(phone.locator("html")).to_have_attribute("lang", "ru")
    assert phone.evaluate(FITS_WIDTH), "the Russian edit form is wider than the phone"
    shoot(phone, "languages-6-proposal-edit-ru-phone")
    context.close()


def test_a_presenter_in_paraguay_finds_her_zone_from_a_list_her_phone_keeps(
    browser, page, live_server, colead_client, app, monkeypatch
):
    """helper-357: on a weak connection her page took 69 kB at each view, 46 of them the list
    of zones, again after every post. The list now comes once from its own address, kept by
    the phone: typing "Asun" still offers Asunción, and "Use my time zone" still names it."""
    asked = []
    served = app.wsgi_app

    def counting(environ, start_response):
        if environ["PATH_INFO"] == "/zones/es":  # her page's (the co-lead's is in English)
            asked.append(environ["PATH_INFO"] + "?" + environ["QUERY_STRING"])
        return served(environ, start_response)

    monkeypatch.setattr(app, "wsgi_app", counting)
    words = ("Your time zone", "Use my time zone")
    context, phone, link, es = _invited_on_a_phone(
        browser,
        page,
        live_server,
        colead_client,
        app,
        "es-PY",
        ("Asia/Jerusalem", "America/Asuncion"),
        words,
    )
    use_mine = phone.get_by_role("button", name=f"{es['Use my time zone']} (Asunción, Paraguay)")
    expect(use_mine).to_be_visible()
    # The field is the combobox it was, its list filled by the script, in Spanish.
    field = phone.get_by_role("combobox", name=es["Your time zone"])
    field.fill("Asun")
    # What Chromium's suggestions show: the options whose value or label holds what is typed.
    offered = field.evaluate(
        """field => [...field.list.options]
             .filter(o => `${o.value} ${o.label}`.toLowerCase().includes(field.value.toLowerCase()))
             .map(o => o.value)"""
    )
    assert offered == ["Asunción, Paraguay"]
    assert len(asked) == 1 and asked[0].startswith("/zones/es?v="), asked
    shoot(phone, "languages-7-presenter-es-paraguay-zone")
    # Her zone saved (a post, and the page again), then her page opened again: the list is
    # filled from what the phone kept, not asked for again.
    asuncion = phone.locator('#zones option[value="Asunción, Paraguay"]')
    use_mine.click()
    expect(phone.locator("dl.times")).to_contain_text("Asunción")
    expect(asuncion).to_have_count(1)
    phone.goto(link)
    expect(asuncion).to_have_count(1)
    assert phone.locator("#zones option").count() > 400
    assert len(asked) == 1, asked
    context.close()
