"""The volunteer form in the language of the browser that opens it (or the one picked on it),
and the proposal's private pages in the language its volunteer chose for their emails."""

import html
import re

import pytest

from planner.extensions import db
from planner.proposals.models import Proposal
from planner.timezones import moment_in_language
from tests.proposals.test_proposals import VALID, token_of
from tests.proposals.test_schedule import decide, meeting, schedule, the_proposal
from tests.support import csrf_token, in_page, publish_as_planned, said_in

SPANISH = {"Accept-Language": "es-PE,es;q=0.9,en;q=0.5"}


def _send(client, headers=SPANISH, **changes):
    data = {**VALID, "csrf_token": csrf_token(client, "/volunteer"), **changes}
    return client.post("/volunteer", data=data, headers=headers)


def test_the_volunteer_form_reads_the_browser_s_language(client, survey):
    page = client.get("/volunteer", headers=SPANISH)
    assert page.headers["Content-Language"] == "es"
    body = page.get_data(as_text=True)
    assert '<html lang="es">' in body
    for english in ("Volunteer a presentation", "Send the proposal", "Your name", "Maturity"):
        assert in_page("es", english) in body and f">{english}<" not in body
    # The emails' language is offered as the one the form is read in, each named in Spanish.
    assert '<option selected value="es">español</option>' in body
    assert '<option value="fr">francés</option>' in body
    # Offices and recommendations are named as the survey names them.
    assert "AU – " in body and "Rec 10: " in body
    english = client.get("/volunteer", headers={"Accept-Language": "de, en;q=0.5"})
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert '<option selected value="en">English</option>' in english.get_data(as_text=True)


def test_a_volunteer_is_told_in_spanish_whom_to_ask_for_an_office_not_listed(client, survey):
    body = client.get("/volunteer", headers=SPANISH).get_data(as_text=True)
    hint = "Your office is not in the list? Ask the co-leads of the Task Force to add it: you can "
    assert in_page("es", hint + "then choose it here.") in body


# Each spelling a browser gives of one preference, with English lower down, and the page it
# gets: the first language the browser prefers that the pages are written in, by its primary
# subtag (as Babel's negotiate_locale and Django's, and so pretalx's, match it). Chinese in
# Traditional script reads the Chinese written (Simplified), as zh-TW did, not English.
BROWSERS = [
    ("zh-TW,zh;q=0.9,en-US;q=0.8,en;q=0.7", "zh-Hans"),
    ("zh-TW,en;q=0.8", "zh-Hans"),
    ("zh-Hant-TW,en;q=0.8", "zh-Hans"),
    ("zh-Hant,en;q=0.8", "zh-Hans"),
    ("zh-HK,zh-TW;q=0.9,en-US;q=0.8,en;q=0.7", "zh-Hans"),
    ("zh-Hant-TW,zh-Hant;q=0.9,en;q=0.8", "zh-Hans"),
    ("zh-Hans-CN,en;q=0.8", "zh-Hans"),
    ("es-ES,en;q=0.5", "es"),
    ("pt-PT,en;q=0.5", "pt-BR"),
    ("en-GB,en;q=0.9,zh-Hant-TW;q=0.5", "en"),
    ("de-CH,de;q=0.9,fr;q=0.4,en;q=0.3", "fr"),
    ("en;q=0,zh-Hant-TW;q=0.5", "zh-Hans"),
    ("*,zh-HK;q=0.1", "en"),  # any language before Chinese: English, the default
    ("de-DE,*;q=0.5", "en"),
]


@pytest.mark.parametrize(("accepted", "tag"), BROWSERS)
def test_every_spelling_of_a_preference_gets_the_same_page(client, survey, accepted, tag):
    """helper-250: a browser sending zh-Hant-TW, zh-Hant or zh-HK with English lower down got
    English, one sending zh-TW alone Simplified Chinese; es-ES or pt-PT with English lower down
    got English too: Werkzeug's best_match takes an exact match anywhere in the list over an
    earlier preference matched by its primary language."""
    page = client.get("/volunteer", headers={"Accept-Language": accepted})
    assert page.status_code == 200
    assert page.headers["Content-Language"] == tag


def test_a_refused_proposal_comes_back_in_spanish_as_typed(client, survey):
    refused = _send(client, contact_email="not an address", title="")
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert '<html lang="es">' in body
    assert in_page("es", "Give the presentation a title.") in body
    assert in_page("es", "Please correct %(num)d field", num=2) in body
    not_an_address = (
        "That does not look like an email address. Write it whole, such as name@office.org."
    )
    assert in_page("es", not_an_address) in body
    assert 'value="not an address"' in body and VALID["abstract"] in body


def test_the_summary_names_the_windows_in_spanish(client, survey):
    """helper-164: a window typed backwards (12:00 to 09:00) was asked about in Spanish, but the
    error summary's link to the rows said "Windows", the rows' name in the code (they had no
    label). It names them as their group does: "Sus franjas de disponibilidad"."""
    backwards = {
        "availability_zone": "America/Asuncion",
        "windows-0-weekdays": "1",
        "windows-0-starts": "12:00",
        "windows-0-ends": "09:00",
    }
    asked = _send(client, **backwards)
    assert asked.status_code == 400
    body = asked.get_data(as_text=True)
    assert '<html lang="es">' in body
    named = in_page("es", "Your availability windows")
    assert f">{named}</a>: Franja 1, Hasta: 09:00 es antes de 12:00" in body
    assert ">Windows</a>" not in body


def test_the_private_page_follows_the_language_the_volunteer_chose(client, survey):
    sent = _send(client, language="pt")  # a Spanish browser; Portuguese chosen for the emails
    assert sent.status_code == 302
    token = token_of(sent)
    private = client.get(f"/proposals/{token}", headers=SPANISH)
    body = private.get_data(as_text=True)
    assert '<html lang="pt-BR">' in body
    assert in_page("pt", "Your proposal") in body
    assert in_page("pt", "submitted") in body  # the status badge
    assert (
        in_page(
            "pt",
            "Thank you: your proposal is with the co-leads. Keep the link of this page: it is the "
            "only way to see, edit or withdraw your proposal.",
        )
        in body
    )
    edit = client.get(f"/proposals/{token}/edit").get_data(as_text=True)
    assert '<html lang="pt-BR">' in edit and in_page("pt", "Save changes") in edit
    ask = client.get(f"/proposals/{token}/withdraw").get_data(as_text=True)
    assert in_page("pt", "Withdraw “%(title)s”?", title=VALID["title"]) in ask
    # One who chose English reads English, whatever their browser says.
    english = _send(client, contact_email="b@ipaustralia.example", language="en")
    page = client.get(f"/proposals/{token_of(english)}", headers=SPANISH).get_data(as_text=True)
    assert '<html lang="en">' in page and "Your proposal" in page


def test_a_decision_reads_in_the_volunteer_s_language(client, api, survey):
    token = token_of(_send(client, language="fr"))
    proposal = db.session.scalar(db.select(Proposal).where(Proposal.title == VALID["title"]))
    decided = api.patch(
        f"/api/v1/proposals/{proposal.id}",
        json={"status": "declined", "reason": "Out of scope.", "version": proposal.version},
    )
    assert decided.status_code == 200, decided.get_data(as_text=True)
    body = client.get(f"/proposals/{token}").get_data(as_text=True)
    assert in_page("fr", "The co-leads' decision") in body
    assert in_page("fr", "declined") in body and "Out of scope." in body
    refused = client.get(f"/proposals/{token}/withdraw", follow_redirects=True)
    assert in_page(
        "fr",
        "The co-leads have decided: your proposal is %(status)s, so write to them instead.",
        status=in_page("fr", "declined"),
    ) in refused.get_data(as_text=True)


def test_another_language_keeps_what_the_link_chose(client, survey):
    """A volunteer form opened from a recommendation's page comes filled in (office,
    recommendation); read in another language, it still is."""
    page = client.get("/volunteer?office=PE&recommendation=10", headers=SPANISH)
    links = page.get_data(as_text=True)
    assert 'href="/volunteer?office=PE&amp;recommendation=10&amp;lang=en"' in links
    english = client.get("/volunteer?office=PE&recommendation=10&lang=en", headers=SPANISH)
    body = english.get_data(as_text=True)
    assert '<html lang="en">' in body
    assert '<option selected value="PE">' in body
    assert re.search(r'<input checked id="recommendations-\d+" [^>]*value="10">', body)


def test_every_refusal_of_the_spanish_form_is_in_spanish(app, client, survey, monkeypatch):
    """The refusals the form's checks do not make: a number it cannot read, the same proposal
    sent twice, one proposal too many from an address."""
    unread = _send(client, duration_minutes="5.5")
    assert unread.status_code == 400
    assert in_page("es", "Write a whole number with the digits 0 to 9, such as 20.") in (
        unread.get_data(as_text=True)
    )
    assert _send(client, language="es").status_code == 302
    again = _send(client, language="es")  # from the browser that sent it: its page, in Spanish
    assert again.status_code == 302
    page = html.unescape(client.get(again.headers["Location"], headers=SPANISH).text)
    assert "Esta propuesta ya se había enviado desde este navegador" in page
    client = app.test_client()  # another browser
    twice = _send(client)
    assert twice.status_code == 409
    body = html.unescape(twice.get_data(as_text=True))
    assert "Esta propuesta ya se envió el " in body and "This proposal" not in body
    # When, as Spanish writes it, in the office's zone ("1 de diciembre de 2026, 20:00, Sídney").
    sent = db.session.scalar(db.select(Proposal.created_at).where(Proposal.title == VALID["title"]))
    assert moment_in_language("es", "Australia/Sydney", sent) in body and "Sídney" in body
    monkeypatch.setitem(app.config, "PROPOSALS_PER_HOUR", 1)
    refused = _send(client, title="Otra propuesta")
    assert refused.status_code == 429
    body = html.unescape(refused.get_data(as_text=True))
    too_many = said_in(
        "es",
        "Your address has sent %(limit)s proposals within the hour, as many as the planner "
        "takes without an account.",
        limit=1,
    )
    assert too_many in body and "Try again" not in body
    assert "Vuelva a intentarlo dentro de 1 hora." in body


def _sent_again(page: str) -> dict[str, list[str]]:
    """The fields the "Send again" form carries, as a browser would send them."""
    form = re.search(r'<form method="post" action="[^"]+">(.*?)</form>', page, re.S)[1]
    sent: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form):
        sent.setdefault(name, []).append(html.unescape(value))
    return sent


def test_a_form_whose_session_expired_comes_back_in_the_language_it_was_in(app, survey):
    """The page a form comes back on when its session is gone (a tab restored after the browser
    restarted) is the form's page in its reader's language: the volunteer form's browser's, a
    proposal's pages' the volunteer's. What it lists is named as the form names it; what the
    page carried unseen goes again without a word."""
    chinese = {"Origin": "http://localhost", "Accept-Language": "zh-CN,zh;q=0.9"}
    restarted = app.test_client()  # no session: no token
    back = restarted.post("/volunteer", data={**VALID, "csrf_token": "stale"}, headers=chinese)
    assert back.status_code == 400 and back.headers["Content-Language"] == "zh-Hans"
    page = back.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page
    for english in (
        "Your session expired; press Send again.",
        "Send again",
        "What will be sent",
        "Title",
    ):
        assert in_page("zh", english) in page, english
    assert f"<dt>{in_page('zh', 'Title')}</dt>" in page
    assert f'<dd class="answer-text">{VALID["title"]}</dd>' in page
    ended = said_in(
        "zh",
        "Your browser's session with this site had ended: after a while, on signing out (in "
        "another window too), or when its cookies were cleared.",
    )
    assert in_page("zh", "Why: %(reason)s", reason=ended) in page
    assert in_page("zh", "Details for support") in page
    assert in_page("zh", "The CSRF session token is missing.") in page
    assert "Your session expired" not in page and ">Title<" not in page

    token = token_of(_send(app.test_client(), language="ru"))
    proposal = db.session.scalar(db.select(Proposal).where(Proposal.title == VALID["title"]))
    edited = {**VALID, "title": "Новое название", "version": str(proposal.version)}
    back = app.test_client().post(
        f"/proposals/{token}/edit", data=edited, headers={"Origin": "http://localhost"}
    )
    assert back.status_code == 400 and back.headers["Content-Language"] == "ru"
    page = back.get_data(as_text=True)
    assert in_page("ru", "Your session expired; press Send again.") in page
    assert f"<dt>{in_page('ru', 'Title')}</dt>" in page and "Новое название" in page
    assert "<dt>Version</dt>" not in page  # unseen on the form, sent again all the same
    assert _sent_again(page)["version"] == [str(proposal.version)]
    again = app.test_client().post(
        f"/proposals/{token}/withdraw",
        data={"version": str(proposal.version)},
        headers={"Origin": "http://localhost"},
    )
    assert again.headers["Content-Language"] == "ru"
    assert in_page("ru", "Send again") in again.get_data(as_text=True)
    assert in_page("ru", "What will be sent") not in again.get_data(as_text=True)

    # A link that leads to no proposal tells nothing: the browser's language, as elsewhere.
    none = app.test_client().post(
        "/proposals/not-a-token/edit", data=edited, headers={"Origin": "http://localhost"}
    )
    assert none.status_code == 400 and "Content-Language" in none.headers
    assert none.headers["Content-Language"] == "en"


def test_a_sent_again_page_names_only_the_fields_the_form_has(app, survey):
    """What a hostile post adds to a volunteer's form ("0", "-", "windows--", a row beyond the
    last) goes again as it came, but is not listed under a name the form does not give it."""
    odd = {"0": "a", "-": "b", "windows--": "c", "windows-99-starts": "10:00", "": "d"}
    back = app.test_client().post(
        "/volunteer",
        data={**VALID, **odd, "csrf_token": "stale"},
        headers={"Origin": "http://localhost", "Accept-Language": "es"},
    )
    assert back.status_code == 400
    page = back.get_data(as_text=True)
    assert f"<dt>{in_page('es', 'From')}</dt>" in page  # windows-99-starts: a row's "From"
    for name in ("0", "-", "windows--"):
        assert f"<dt>{name}</dt>" not in page
    assert _sent_again(page)["windows--"] == ["c"]


def test_a_form_read_in_a_language_picked_on_it_comes_back_in_it(app, survey):
    """A language picked on the form (`?lang=zh`) is kept in the session, which is what is gone
    when a form comes back to be sent again: the page is in the language the form sent (its
    emails' language, offered as the page's), not the English browser's."""
    client = app.test_client()
    form = client.get("/volunteer?lang=zh", headers={"Accept-Language": "en"})
    assert '<option selected value="zh">' in form.get_data(as_text=True)
    client.delete_cookie("session")
    back = client.post(
        "/volunteer",
        data={**VALID, "language": "zh", "csrf_token": "stale"},
        headers={"Origin": "http://localhost", "Accept-Language": "en"},
    )
    assert back.status_code == 400 and back.headers["Content-Language"] == "zh-Hans"
    assert in_page("zh", "Your session expired; press Send again.") in back.get_data(as_text=True)


def test_a_link_that_leads_nowhere_says_so_in_the_browser_s_language(client, survey):
    """helper-163: a volunteer's link mistyped, or replaced since, opened a page that said so in
    English only, after a Spanish form and emails."""
    dead = "/proposals/" + "x" * 43
    for address in (dead, dead + "/edit", dead + "/withdraw"):
        page = client.get(address, headers=SPANISH)
        assert page.status_code == 404
        assert page.headers["Content-Language"] == "es"
        said = (
            "This link does not lead to a proposal: it may be mistyped, or the co-leads replaced "
            "it with a new one or revoked it. Ask the co-leads of the Task Force for the current "
            "link."
        )
        assert in_page("es", said) in page.get_data(as_text=True), address


def test_the_private_page_names_the_office_s_zone_by_its_city(client, survey):
    """The form asks for times in the office's zone, said on the Spanish page as "(el formulario
    pide las horas en la zona horaria de la oficina AU: Australia/Sydney)", an id its emails
    never show: it is "Sídney", as they write it."""
    token = token_of(_send(client, language="es"))
    body = client.get(f"/proposals/{token}").get_data(as_text=True)
    asks = "(the form asks for times in %(office)s's time zone: %(zone)s)"
    assert in_page("es", asks, office="AU", zone="Sídney") in body
    assert "Australia/Sydney" not in body


def test_a_label_and_its_text_are_joined_as_the_page_s_language_joins_them(
    client, colead_client, survey
):
    """helper-198: the error summary joined a field and its refusal with an English colon,
    "Titre: Donnez un titre …" and "标题: 请填写演讲标题。", as did a published meeting's line
    on the volunteer's page ("Workshop: ajouter au calendrier (.ics)"); French puts a no-break
    space before it, Chinese writes the full-width colon."""
    for language, colon in (("fr", "\u00a0: "), ("zh", "：")):
        refused = _send(client, headers={"Accept-Language": language}, language=language, title="")
        body = refused.get_data(as_text=True)
        title, why = in_page(language, "Title"), in_page(language, "Give the presentation a title.")
        assert f'<a href="#title">{title}</a>{colon}{why}</li>' in body, language

    token = token_of(_send(client, language="zh"))
    decide(colead_client, the_proposal())
    workshop = meeting(colead_client, "Rec 10 workshop")
    schedule(colead_client, the_proposal(), workshop)
    assert publish_as_planned(colead_client, workshop).status_code == 200
    body = client.get(f"/proposals/{token}").get_data(as_text=True)
    add = in_page("zh", "add to calendar (.ics)")
    assert f'<span lang="en">Rec 10 workshop</span></a>：<a href="/meetings/{workshop}.ics' in body
    assert f">{add}</a></li>" in body


def test_the_chinese_page_puts_no_space_between_sentences(client, colead_client, survey):
    """helper-198: the volunteer's page in Chinese read "…撤回该提案。 请保存此链接…" and
    "…作出决定）。 如需修改…", a space after each full stop, as English joins sentences;
    Chinese joins them with none (`gap`), as the presenter's page does."""
    token = token_of(_send(client, language="zh", availability="每周二上午（北京时间）"))

    def spaced() -> list[str]:
        page = client.get(f"/proposals/{token}").get_data(as_text=True)
        said = re.findall(r"<(?:p|dd)\b[^>]*>(.*?)</(?:p|dd)>", page, re.S)
        text = html.unescape(re.sub(r"<[^>]+>", "", "|".join(said)))
        return re.findall(r".{6}[。：；）]\s+\S.{6}", text)

    assert spaced() == []
    decide(colead_client, the_proposal(), "waitlisted")
    assert spaced() == []


def test_a_character_refused_in_a_text_is_said_of_it_as_a_sentence_says_it(client, survey):
    """helper-198: a title pasted with a bidirectional override was refused in French as
    "Titre ne peut pas contenir …", its label made the subject of a sentence; it is "Le titre",
    as the refusal of a private link in it says."""
    refused = _send(
        client,
        headers={"Accept-Language": "fr"},
        language="fr",
        title="Numérisation \u202eevil",
        abstract="Un\u202e résumé",
    )
    assert refused.status_code == 400
    body = html.unescape(refused.get_data(as_text=True))
    assert "Le titre ne peut pas contenir le caractère de mise en forme bidirectionnelle" in body
    assert "Le résumé ne peut pas contenir le caractère de mise en forme bidirectionnelle" in body
    assert "Titre ne peut pas" not in body


def test_the_proposal_s_length_is_counted_as_the_volunteer_s_language_counts(client, survey):
    """Its length takes the plural its number does in the volunteer's language: "21 минута",
    "22 минуты", "25 минут" in Russian (the catalogue wrote "мин" for all; helper-238)."""
    for minutes, said in ((21, "21 минута"), (22, "22 минуты"), (25, "25 минут")):
        sent = _send(
            client,
            language="ru",
            duration_minutes=str(minutes),
            contact_email=f"alex{minutes}@ipaustralia.example",
        )
        assert sent.status_code == 302, sent.get_data(as_text=True)
        page = client.get(f"/proposals/{token_of(sent)}").get_data(as_text=True)
        assert f"<dd>{said}</dd>" in page, minutes


def test_a_language_picked_by_the_tag_the_page_announces_is_shown(client, survey):
    """Pages say they are in "pt-BR" and "zh-Hans" (`<html lang>`, Content-Language); a link
    asking for the page so, or in other case, was ignored and the browser's language shown."""
    for asked, code, tag in (
        ("pt-BR", "pt", "pt-BR"),
        ("zh-hans", "zh", "zh-Hans"),
        ("ES", "es", "es"),
    ):
        page = client.get(f"/volunteer?lang={asked}", headers={"Accept-Language": "en"})
        assert page.headers["Content-Language"] == tag, asked
        assert in_page(code, "Volunteer a presentation") in page.get_data(as_text=True)
    # Remembered as picked, as a code: the next page without ?lang= is in it.
    assert client.get("/volunteer").headers["Content-Language"] == "es"
    assert client.get("/volunteer?lang=pt-PT").headers["Content-Language"] == "es"
