"""A presenter's pages in the language their emails come in (Spanish, French, Portuguese,
Russian, Chinese), the others one click away; the co-leads' pages stay English whatever the
browser."""

import html
import io
import re

import pytest
from flask_babel import gettext
from icalendar import Calendar

from planner.languages import show_in
from planner.mail.messages.writing import render
from planner.mail.models import language_tag
from planner.presenters.models import ANSWER_LABELS
from tests.mail.test_messages import PRESENTER, outbox
from tests.presenters.support import TALK, confirm, invite, reads
from tests.support import in_page, publish_as_planned, said_in, zones_offered

# What the page says in English, which a translated page must say in its language instead.
PAGE_WORDS = (
    "Will you present?",
    "Send my answer",
    "Title and abstract",
    "Save title and abstract",
    "Your time zone",
    "When you can present",
    "Materials",
    "Add to the slot",
    "The programme",
    "I confirm: I will present",
)


@pytest.mark.parametrize(
    ("language", "their_time", "own_name"),
    [
        # Tuesday 23:10 in Sydney, as CLDR writes it (Chinese with no comma before the hours).
        ("es", "martes, 9 de marzo de 2027, 23:10–23:30 (UTC+11)", "Español"),
        ("zh", "2027年3月9日星期二 23:10–23:30 (UTC+11)", "中文"),
    ],
)
def test_a_presenter_reads_their_page_in_their_language(
    api, slot, presenter, language, their_time, own_name
):
    reads(language)
    link = invite(api, slot)
    page = presenter.get(link)
    assert page.status_code == 200
    assert page.headers["Content-Language"] == language_tag(language)
    body = page.get_data(as_text=True)
    assert f'<html lang="{language_tag(language)}">' in body
    for english in PAGE_WORDS:
        translated = in_page(language, english)
        assert translated != english and translated in body, english
        assert f">{english}<" not in body
    assert their_time in body
    # The switcher offers each language in itself, the current one marked, and says which
    # each is in the page's language (helper-238: "Spanish", "English" on a Chinese page).
    assert re.search(r'<a href="[^"]*\?lang=en"[^>]*>English</a>', body)
    assert re.search(rf'\?lang={language}"[^>]*aria-current="true"[^>]*>{own_name}</a>', body)
    titles = re.findall(r'<a href="[^"]*\?lang=[^"]*"[^>]* title="([^"]*)"', body)
    english = {"English", "Spanish", "French", "Portuguese", "Russian", "Chinese"}
    assert len(titles) == 5 and not english & set(titles), titles
    assert {"es": "inglés", "zh": "英语"}[language] in titles


def test_the_line_up_s_closing_discussion_is_named_in_their_language(api, slot, presenter):
    """The closing slot a line-up adds is titled "Discussion" by the app: a Spanish presenter
    reads "Debate" in the programme. A title a co-lead wrote ("Opening", of the same kind) is
    theirs, shown as written."""
    reads("es")
    added = api.post(
        f"/api/v1/meetings/{slot.meeting_id}/slots",
        json={"title": "Discussion", "kind": "discussion", "duration_minutes": 30},
    )
    assert added.status_code == 201
    body = presenter.get(invite(api, slot)).get_data(as_text=True)
    programme = body[body.index('id="programme-heading"') :]
    assert '<span class="slot-title">Debate</span>' in programme
    assert '<span class="slot-title">Opening</span>' in programme
    assert ">Discussion<" not in programme


@pytest.mark.parametrize(("language", "status"), [("zh", "状态：<span"), ("es", "Estado: <span")])
def test_a_label_is_followed_as_the_language_writes_it(api, slot, presenter, language, status):
    """Chinese puts no space after its full-width colon ("状态：已邀请", not "状态： 已邀请");
    the other languages keep theirs."""
    reads(language)
    body = presenter.get(invite(api, slot)).get_data(as_text=True)
    assert status in body


@pytest.mark.parametrize(
    ("language", "theirs", "meetings"),
    [("es", "Sídney", "Ginebra"), ("ru", "Сидней", "Женева"), ("en", "Sydney", "Geneva")],
)
def test_the_page_names_the_zones_as_the_emails_do(
    api, slot, presenter, language, theirs, meetings
):
    """Their invitation names the zones by their cities in their language ("Sídney (UTC+11)",
    and "Ginebra" for Europe/Zurich): the page's headings said "Su hora (Australia/Sydney)"
    and "Hora de la reunión (Europe/Zurich)", ids the emails never show. English says the
    cities too ("Sydney", "Geneva"), as its emails now do: the id "Europe/Zurich" for a meeting
    at WIPO in Geneva misled (helper-182)."""
    reads(language)
    body = presenter.get(invite(api, slot)).get_data(as_text=True)
    assert in_page(language, "Your time (%(zone)s)", zone=theirs) in body
    assert f", {theirs}, UTC+11</caption>" in body  # the programme's caption
    assert in_page(language, "Meeting's time (%(zone)s)", zone=meetings) in body
    for zone_id in ("Australia/Sydney", "Europe/Zurich"):
        assert f"({zone_id})" not in body, zone_id


@pytest.mark.parametrize(
    ("language", "typed", "shown", "city"),
    [
        ("es", "Nepal", "Katmandú, Nepal", "Katmandú"),
        ("zh", "Asia/Kathmandu", "加德满都，尼泊尔", "加德满都"),
        ("en", "Kathmandu", "Kathmandu, Nepal", "Kathmandu"),
    ],
)
def test_their_zone_is_found_and_shown_by_its_place_in_their_language(
    api, slot, presenter, language, typed, shown, city
):
    """Their zone field showed "Asia/Kathmandu", and its list offered ids labelled with their
    English last word: no one found theirs by their country, nor in their language
    (helper-230). The list offers each zone by its city and country in their language, with
    its id and offsets beside it, the field shows theirs so, and it reads back as that zone."""
    reads(language)
    link = invite(api, slot, time_zone=typed)
    body = presenter.get(link).get_data(as_text=True)
    assert re.search(rf'<input id="zone" name="zone" list="zones" value="{shown}"', body)
    offered = (
        f'<option value="{shown}" label="Asia/Kathmandu · UTC+5:45" data-zone="Asia/Kathmandu">'
    )
    assert offered in zones_offered(presenter, body)
    # Sent back as it is shown, it is the zone they have.
    sent = {"zone": shown, "zone_seen": "Asia/Kathmandu"}
    assert presenter.post(link + "/zone", data=sent).status_code == 302
    again = presenter.get(link).get_data(as_text=True)
    assert in_page(language, "Your time (%(zone)s)", zone=city) in again


def test_a_browser_reading_chinese_reads_the_page_in_it(api, slot, presenter):
    """No language of theirs known: a browser asking for zh-CN gets Simplified Chinese."""
    link = invite(api, slot)
    read = presenter.get(link, headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert read.headers["Content-Language"] == "zh-Hans"
    assert in_page("zh", "Send my answer") in read.get_data(as_text=True)
    assert in_page("zh", "Will you present?") == "您是否进行演讲？"


def test_a_refusal_and_the_answer_come_back_in_their_language(api, slot, presenter):
    reads("es")
    link = invite(api, slot)
    refused = presenter.post(link + "/answer", data={"answer": "declined", "note": ""})
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert in_page("es", "Say why you decline, so the co-leads can plan around it.") in body
    assert in_page("es", "Please correct %(num)d field", num=1) in body
    assert confirm(presenter, link).status_code == 302
    # The co-leads' message about it is theirs, in English, though sent from a Spanish page.
    (told,) = outbox(kind="answer")
    assert told.language == "en"
    assert f'Alex Example (IP Australia) confirmed "{TALK["title"]}"' in told.text_body
    again = presenter.get(link).get_data(as_text=True)
    status = f'<span class="status status-confirmed">{in_page("es", "confirmed")}</span></p>'
    assert f"{in_page('es', 'Status:')} {status}" in again


def test_a_language_picked_on_the_page_is_kept_for_the_next(app, api, slot):
    reads("ru")
    link = invite(api, slot)
    browser = app.test_client()  # one that keeps cookies: the choice is remembered in them
    assert '<html lang="ru">' in browser.get(link).get_data(as_text=True)
    english = browser.get(link + "?lang=en")
    assert english.headers["Content-Language"] == "en"
    assert "Will you present?" in english.get_data(as_text=True)
    assert '<html lang="en">' in browser.get(link).get_data(as_text=True)
    # A language the pages are not written in changes nothing.
    assert '<html lang="en">' in browser.get(link + "?lang=de").get_data(as_text=True)
    assert '<html lang="pt-BR">' in browser.get(link + "?lang=pt").get_data(as_text=True)


def test_without_a_language_of_their_own_the_browser_s_is_read(api, slot, presenter):
    link = invite(api, slot)
    french = presenter.get(link, headers={"Accept-Language": "fr-CH, fr;q=0.9, en;q=0.8"})
    assert french.headers["Content-Language"] == "fr"
    assert in_page("fr", "Will you present?") in french.get_data(as_text=True)
    assert "Accept-Language" in french.headers["Vary"]
    german = presenter.get(link, headers={"Accept-Language": "de-DE, de;q=0.9"})
    assert german.headers["Content-Language"] == "en"
    assert "Will you present?" in german.get_data(as_text=True)


def test_the_co_leads_pages_stay_english(api, slot):
    for url in ("/", f"/meetings/{slot.meeting_id}/edit", f"/slots/{slot.id}/invite"):
        page = api.get(url, headers={"Accept-Language": "es"})
        assert page.status_code == 200, url
        assert '<html lang="en">' in page.get_data(as_text=True)
        assert "Content-Language" not in page.headers
        assert "?lang=" not in page.get_data(as_text=True)


def test_their_availability_and_materials_in_their_language(api, slot, presenter):
    reads("pt")
    link = invite(api, slot)
    windows = presenter.get(link + "/availability").get_data(as_text=True)
    assert '<html lang="pt-BR">' in windows
    assert in_page("pt", "Your availability windows") in windows
    # Weekdays as Portuguese writes them (CLDR), and a refusal in Portuguese.
    assert ">seg.<" in windows or ">seg<" in windows
    refused = presenter.post(
        link + "/availability",
        data={"availability_zone": "Australia/Sydney", "windows-0-weekdays": "1"},
    )
    assert refused.status_code == 400
    assert in_page("pt", "Give the window's start and end times.") in refused.get_data(as_text=True)
    empty = presenter.post(
        link + "/materials",
        data={"material-file": (io.BytesIO(b""), "slides.pdf")},
        content_type="multipart/form-data",
    )
    assert empty.status_code == 400
    body = empty.get_data(as_text=True)
    assert '<html lang="pt-BR">' in body
    assert in_page("pt", "The file is empty; choose the file with your slides.") in body
    too_long = presenter.post(link + "/talk", data={"title": "x" * 201, "abstract": ""})
    assert too_long.status_code == 400
    assert in_page(
        "pt",
        "%(what)s is limited to %(limit)s characters.",
        what=in_page("pt", "The slot title"),
        limit=200,
    ) in too_long.get_data(as_text=True)


def test_an_email_written_from_a_translated_page_keeps_its_own_language(app, api, slot):
    """A word made to follow the page's language (a lazy one), given to a message rendered
    while a page is shown in Spanish, is written in the message's language."""
    invite(api, slot)
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        assert show_in() == "es"
        word = ANSWER_LABELS["declined"]
        assert str(word) == gettext("declined") != "declined"
        context = {
            "invitation": slot.invitation,
            "answer": "confirmed",
            "slot": slot,
            "meeting": slot.meeting,
            "times": [],
            "office": word,
            "editor_url": "http://localhost/",
        }
        _subject, text, _html, written = render("answer", "en", **context)
        assert written == "en"
        assert "Alex Example (declined) confirmed" in text
        _subject, text, _html, written = render("answer", "es", **context)
        assert written == "en"  # the co-leads' kinds are written in English only


def test_a_presenter_who_chose_english_reads_english_whatever_the_browser(api, slot, presenter):
    reads("en")
    link = invite(api, slot)
    page = presenter.get(link, headers={"Accept-Language": "es"})
    assert page.headers["Content-Language"] == "en"
    assert "Will you present?" in page.get_data(as_text=True)


def test_the_slot_to_add_to_their_calendar_reads_as_their_invitation_s_entry(api, slot, presenter):
    """The download replaces the entry their invitation put in their calendar (the same UID):
    described in the same language, and a calendar file, not a page in one."""
    reads("es")
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    (invitation,) = outbox(kind="invitation", recipient_email=PRESENTER)
    download = presenter.get(link + "/slot.ics")
    assert download.status_code == 200
    assert "Content-Language" not in download.headers
    (event,) = Calendar.from_ical(download.data).walk("VEVENT")
    (sent,) = Calendar.from_ical(invitation.ics).walk("VEVENT")
    assert event["UID"] == sent["UID"]
    assert "Zona horaria de la reunión" in str(event["DESCRIPTION"])
    assert str(event["DESCRIPTION"]) == str(sent["DESCRIPTION"])


def test_once_published_their_page_leads_to_the_agenda_and_its_feed(api, slot, presenter):
    """Their invitation names the public agenda, and their proposal's page offers the Task
    Force's feed; their own page offered only their slot's .ics (helper-182: a presenter from
    DINAPI wanted the workshop's programme in her calendar and found no way there). Once the
    meeting is published, it links the agenda and offers the feed, in their language."""
    reads("es")
    link = invite(api, slot)
    draft = presenter.get(link).get_data(as_text=True)
    assert "/feeds/taskforce.ics" not in draft and f'/meetings/{slot.meeting_id}"' not in draft
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    body = presenter.get(link).get_data(as_text=True)
    assert f'href="/meetings/{slot.meeting_id}"' in body
    assert f'href="/meetings/{slot.meeting_id}.ics?download=1"' in body
    assert 'href="webcal://localhost/feeds/taskforce.ics"' in body
    for english in ("The Task Force's meetings in your calendar", "Task Force meetings"):
        assert in_page("es", english) in body, english
    assert in_page("es", "Subscribe: %(feed)s", feed=said_in("es", "Task Force meetings")) in body
    # Declined, the talk is no longer in the programme for them: the page does not say it is
    # (helper-186).
    assert confirm(presenter, link, answer="declined", note="Away that week.").status_code == 302
    body = presenter.get(link).get_data(as_text=True)
    assert "/feeds/taskforce.ics" not in body


def test_a_pasted_tab_is_refused_in_their_language(api, slot, presenter):
    """The refusals the pure checks make (a character no title may hold) read in the page's
    language too, the field named as the page names it."""
    reads("fr")
    link = invite(api, slot)
    refused = presenter.post(link + "/talk", data={"title": "Un\ttitre", "abstract": ""})
    assert refused.status_code == 400
    body = html.unescape(refused.get_data(as_text=True))
    said = said_in(
        "fr",
        "%(what)s cannot contain %(char)s; keep it on one line.",
        what=said_in("fr", "The slot title"),
        char=said_in("fr", "a tab"),
    )
    assert said in body and "cannot contain" not in body


def test_a_refusal_page_on_their_pages_is_wholly_in_their_language(api, slot, presenter):
    """A refusal page a translated page leads to (a material not theirs, their slot's calendar
    entry once declined: both 404) says its heading, title and way back in their language too,
    not "Not Found" and "Back to the start page" around a Chinese sentence."""
    reads("zh")
    link = invite(api, slot)
    missing = presenter.get(link + "/materials/999")
    assert missing.status_code == 404
    assert missing.headers["Content-Language"] == "zh-Hans"
    body = missing.get_data(as_text=True)
    assert in_page("zh", "Your slot has no material %(number)s.", number=999) in body
    for english in ("Not Found", "Back to the start page"):
        assert english not in body, english
    assert in_page("zh", "Back to the start page") in body
    declined = confirm(presenter, link, answer="declined", note="Away that week.")
    assert declined.status_code == 302, declined.get_data(as_text=True)
    gone = presenter.get(link + "/slot.ics")
    assert gone.status_code == 404 and gone.headers["Content-Language"] == "zh-Hans"
    body = gone.get_data(as_text=True)
    assert "Not Found" not in body and in_page("zh", "Not Found") in body


DEAD_LINK = (
    "This link does not lead to a presentation: it may be mistyped, or the co-leads replaced it "
    "with a new one or revoked it. Ask the co-leads of the Task Force for the current link."
)


def test_a_link_that_leads_nowhere_says_so_in_the_reader_s_language(api, slot, presenter):
    """helper-163: a presenter's link mistyped, or revoked since, opened a page that said so in
    English only, whatever the browser's language or the one picked: the link names no one, so
    the browser's (or the one picked) is read, as on the volunteer form."""
    dead = invite(api, slot)[:-2]
    for headers, query, language in (
        ({"Accept-Language": "ru-RU,ru;q=0.9"}, "", "ru"),
        ({}, "?lang=zh", "zh"),
        ({"Accept-Language": "es"}, "/materials", "es"),
        ({"Accept-Language": "pt-BR"}, "/availability", "pt"),
    ):
        page = presenter.get(dead + query, headers=headers)
        assert page.status_code == 404
        assert page.headers["Content-Language"] == language_tag(language)
        body = page.get_data(as_text=True)
        assert in_page(language, DEAD_LINK) in body, query
        assert "Not Found" not in body and "This link does not lead" not in body


@pytest.mark.parametrize(
    ("language", "minutes", "said"),
    [
        ("ru", 21, "21 минута"),
        ("ru", 22, "22 минуты"),
        ("ru", 25, "25 минут"),
        ("es", 1, "1 minuto,"),
        ("fr", 1, "1 minute."),
        ("en", 1, "1 minute,"),
        ("zh", 21, "21分钟"),
    ],
)
def test_their_slot_s_length_is_counted_as_their_language_counts(
    api, slot, presenter, language, minutes, said
):
    """A slot's length in a sentence takes the plural its number does in the page's language
    (CLDR's rules, through ngettext): Russian has three forms ("21 минута", "22 минуты", "25
    минут"), where the catalogue wrote "мин" for all; a slot of one minute was "1 minutos",
    "1 minutes" (helper-238)."""
    reads(language)
    moved = api.patch(f"/api/v1/slots/{slot.id}", json={"duration_minutes": minutes})
    assert moved.status_code == 200, moved.get_json()
    link = invite(api, slot)
    # Sent with a time the page did not show: refused, saying the slot's time and length.
    sent = presenter.post(link + "/answer", data={"answer": "confirmed", "shown_time": "then"})
    assert sent.status_code == 409
    assert said in html.unescape(sent.get_data(as_text=True))


HANDED_OVER = (
    "The co-leads have invited someone else to give the presentation this link was for, so you "
    "no longer present it, and the link no longer opens its page. If they invite you to present "
    "again, their email brings a new link. Write to the co-leads of the Task Force with any "
    "question."
)


def test_a_link_handed_over_says_the_talk_is_no_longer_theirs_in_their_language(
    api, slot, presenter
):
    """helper-250: Alex's link, once the co-leads invited a colleague in their place, said "it
    may be mistyped, or the co-leads replaced it with a new one or revoked it": nothing told
    them the talk is no longer theirs. It says so, in the language their page was in (not the
    browser's, nor the colleague's), naming neither who presents it now nor the talk as it is
    now; a link revoked or mistyped says what it said. Once the meeting's links end, it is a
    link like any."""
    from datetime import timedelta

    from planner.db_types import utcnow
    from planner.extensions import db
    from planner.personal_data.retention import prune
    from planner.presenters.operations import invited_stamp

    reads("ru")
    link = invite(api, slot)
    db.session.expire_all()
    colleague = {
        "name": "Sam Colleague",
        "email": "sam@ipaustralia.example",
        "language": "en",
        "invited": invited_stamp(slot),
    }
    handed = api.post(f"/api/v1/slots/{slot.id}/invite", json=colleague)
    assert handed.status_code == 201, handed.get_json()
    for path in ("", "/materials", "/availability"):
        page = presenter.get(link + path, headers={"Accept-Language": "en"})
        assert page.status_code == 404
        assert page.headers["Content-Language"] == language_tag("ru")
        body = page.get_data(as_text=True)
        assert in_page("ru", HANDED_OVER) in body, path
        assert "Sam" not in body and "Not Found" not in body and TALK["title"] not in body
    mistyped = presenter.get(link[:-2], headers={"Accept-Language": "en"})
    assert DEAD_LINK in mistyped.get_data(as_text=True)
    prune(utcnow() + timedelta(days=400), timedelta(days=180))
    db.session.commit()
    gone = presenter.get(link, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert DEAD_LINK in gone


READDRESSED = (
    "The co-leads have corrected the address of the presentation this link was for: its "
    "invitation now goes to another address, with a new link, so this link no longer opens its "
    "page. If you give this presentation and did not get that invitation, write to the co-leads "
    "of the Task Force."
)


@pytest.mark.parametrize("language", ["en", "es", "fr", "pt", "ru", "zh"])
def test_a_link_ended_by_correcting_its_presenter_s_address_says_so(api, slot, presenter, language):
    """helper-309: Ola Nowak, invited at pl@example.org and invited again under her name at
    ola.nowak@example.org, is the same person, her address corrected (README); her old link
    said the co-leads "invited someone else" to give the talk. It says the address was
    corrected, in the language her page was in, without the address it now goes to: whoever
    opens it may read a mailbox that is not hers (the typo was someone's address)."""
    from planner.extensions import db
    from planner.presenters.operations import invited_stamp

    link = invite(api, slot, name="Ola Nowak", email="pl@example.org", language=language)
    db.session.expire_all()
    again = {
        "name": "Ola Nowak",
        "email": "ola.nowak@example.org",
        "language": language,
        "invited": invited_stamp(slot),
    }
    corrected = api.post(f"/api/v1/slots/{slot.id}/invite", json=again)
    assert corrected.status_code == 201, corrected.get_json()
    page = presenter.get(link, headers={"Accept-Language": "en"})
    assert page.status_code == 404
    assert page.headers["Content-Language"] == language_tag(language)
    body = page.get_data(as_text=True)
    assert in_page(language, READDRESSED) in body
    assert in_page(language, HANDED_OVER) not in body
    assert "ola.nowak" not in body and TALK["title"] not in body


@pytest.mark.parametrize("language", ["en", "fr", "zh"])
def test_a_link_ended_by_inviting_its_presenter_again_without_an_address_says_no_address(
    api, slot, presenter, language
):
    """helper-323: Ola Nowak, invited at pl@example.org, invited again under her name with no
    address (the co-lead hands her the new link in person). Her old link said the address was
    corrected and the invitation "now goes to another address": none does. It says what a link
    replaced by a new one says (the meeting's history says "invited again, with a new link"):
    to ask the co-leads for the current link."""
    from planner.extensions import db
    from planner.presenters.operations import invited_stamp

    link = invite(api, slot, name="Ola Nowak", email="pl@example.org", language=language)
    db.session.expire_all()
    again = {"name": "Ola Nowak", "email": "", "invited": invited_stamp(slot)}
    handed = api.post(f"/api/v1/slots/{slot.id}/invite", json=again)
    assert handed.status_code == 201, handed.get_json()
    page = presenter.get(link, headers={"Accept-Language": "en"})
    assert page.status_code == 404
    body = page.get_data(as_text=True)
    assert DEAD_LINK in body
    for ended in (READDRESSED, HANDED_OVER):
        assert in_page(language, ended) not in body and ended not in body


@pytest.mark.parametrize(("second", "then"), [("ict@ipaustralia.example", "ict@"), ("", "")])
def test_a_link_ended_by_inviting_someone_else_at_the_same_address_says_so(
    api, slot, presenter, second, then
):
    """helper-326: Rosa Quispe, invited at her office's shared mailbox (or with no address, the
    link handed over in person), then Ben Other invited at the same one (or with none again).
    Her old link said what any replaced link says, to ask the co-leads for the current one,
    which would be Ben's: another name is another person, at the same address too, as her
    slides and the meeting's history have it. It says someone else was invited, naming no
    one."""
    from planner.extensions import db
    from planner.presenters.operations import invited_stamp

    link = invite(api, slot, name="Rosa Quispe", email=second, language="es")
    db.session.expire_all()
    ben = {"name": "Ben Other", "email": then and second, "invited": invited_stamp(slot)}
    assert api.post(f"/api/v1/slots/{slot.id}/invite", json=ben).status_code == 201
    page = presenter.get(link, headers={"Accept-Language": "en"})
    assert page.status_code == 404
    body = page.get_data(as_text=True)
    assert in_page("es", HANDED_OVER) in body
    assert DEAD_LINK not in body and "Ben" not in body and TALK["title"] not in body
