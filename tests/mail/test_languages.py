"""Messages in the language their reader chose: a volunteer's (on the volunteer form), an office
contact's; Spanish, French, Portuguese, Russian and Chinese, English entirely where a kind has no
translation yet."""

import html
import re
from datetime import timedelta

import pytest

from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.messages import enqueue_reminders
from planner.mail.models import OutboxMessage, language_tag
from planner.mail.sender import send_due
from planner.offices.models import OfficeContact
from tests.mail.smtp_server import SmtpServer
from tests.mail.test_messages import PRESENTER, _proposal, invitations_went, outbox
from tests.presenters.support import confirm, invite
from tests.support import BUNDLED, publish_as_planned, said_in


def _words(message: OutboxMessage) -> str:
    """The HTML part's text, as a reader sees it."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html.unescape(message.html_body)))


def _delivered(config) -> list:
    """Everything due, sent through a real SMTP server on loopback, as the server read it."""
    server = SmtpServer().start()
    try:
        send_due(
            {**config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port},
            utcnow() + timedelta(hours=1),
        )
        db.session.commit()
    finally:
        server.stop()
    return server.messages()


def _part(message, kind: str) -> str:
    (part,) = [p for p in message.walk() if p.get_content_type() == f"text/{kind}"]
    return part.get_content()


def test_a_volunteer_who_chose_spanish_is_written_to_in_spanish(app, api, client, survey):
    sent = _proposal(client, api, consent=True, language="es")
    (received,) = outbox(kind="received")
    assert received.language == "es"
    assert received.subject == "Su propuesta está en manos de los codirectores: Governing AI trials"
    assert "Estimado/a Robin Volunteer:" in received.text_body
    assert sent["link"] in received.text_body and f'href="{sent["link"]}"' in received.html_body
    assert '<html lang="es">' in received.html_body
    assert "Conserve este mensaje" in _words(received)
    assert "Equipo Técnico de Estrategia de TIC del CWS" in received.text_body
    reason = "Encaja en el taller de la Rec. 10."
    decision = {"status": "accepted", "reason": reason, "version": sent["version"]}
    assert api.patch(f"/api/v1/proposals/{sent['id']}", json=decision).status_code == 200
    (message,) = outbox(kind="decision")
    assert message.language == "es"
    assert message.subject == "Su propuesta ha sido aceptada: Governing AI trials"
    # The email that carried the link, named by its subject and its day, in Spanish.
    day = received.created_at
    months = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto"]
    months += ["septiembre", "octubre", "noviembre", "diciembre"]
    named = f"nuestro correo «{received.subject}» del {day.day} de {months[day.month - 1]} de"
    assert named in message.text_body and named in _words(message)
    assert reason in message.text_body and "Su motivo:" in _words(message)
    for english in ("Dear", "proposal", "co-leads", "Stop these messages"):
        assert english not in message.text_body and english not in _words(message)
    # As a real SMTP server reads them: Content-Language es, text and HTML in Spanish.
    (first, second) = [
        m for m in _delivered(app.config) if m["To"].addresses[0].addr_spec.startswith("robin@")
    ]
    assert first["Content-Language"] == second["Content-Language"] == "es"
    assert second["Subject"] == message.subject
    assert "han aceptado su propuesta «Governing AI trials»" in _part(second, "plain")
    assert "los codirectores" in _part(second, "html")


def test_a_volunteer_who_chose_portuguese_is_written_to_in_portuguese(app, api, client, survey):
    """The proposal's link and the decision in Portuguese, the day of the email that carried
    the link too, as a real SMTP server reads them."""
    sent = _proposal(client, api, consent=True, language="pt")
    (received,) = outbox(kind="received")
    assert received.language == "pt"
    assert received.subject == "Sua proposta está com os co-líderes: Governing AI trials"
    assert "Prezado(a) Robin Volunteer," in received.text_body
    assert sent["link"] in received.text_body and f'href="{sent["link"]}"' in received.html_body
    assert "Equipe Técnica de Estratégia de TIC do Comitê de Normas da OMPI" in _words(received)
    decision = {"status": "accepted", "reason": "Cabe no workshop.", "version": sent["version"]}
    assert api.patch(f"/api/v1/proposals/{sent['id']}", json=decision).status_code == 200
    (message,) = outbox(kind="decision")
    assert message.language == "pt"
    assert message.subject == "Sua proposta foi aceita: Governing AI trials"
    day = received.created_at
    months = ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto"]
    months += ["setembro", "outubro", "novembro", "dezembro"]
    named = f"nosso e-mail “{received.subject}” de {day.day} de {months[day.month - 1]} de"
    assert named in message.text_body and named in _words(message)
    for english in ENGLISH:
        assert english not in message.text_body and english not in _words(message)
    (first, second) = [
        m for m in _delivered(app.config) if m["To"].addresses[0].addr_spec.startswith("robin@")
    ]
    assert first["Content-Language"] == second["Content-Language"] == "pt-BR"
    assert first["Subject"] == received.subject and second["Subject"] == message.subject
    assert sent["link"] in _part(first, "plain")
    assert "aceitaram sua proposta “Governing AI trials”" in _part(second, "plain")
    assert '<html lang="pt-BR">' in _part(second, "html")


def test_a_time_kept_with_a_settling_update_is_read_back_in_any_language():
    """A settling update keeps the time its reader knew ("It was …"); the one that replaces it
    says that time in its own language, so it is kept as a time, not as English words."""
    from datetime import UTC, datetime

    from planner.mail.messages.addressing import When, in_language, stored

    start = datetime(2027, 3, 9, 12, 10, tzinfo=UTC)
    time = When(start, 20, "Australia/Sydney")
    assert time == "Tuesday 9 March 2027, 23:10–23:30 Sydney (UTC+11)"
    back = When.read(stored(time))
    assert back == time and in_language(back, "es") == (
        "martes, 9 de marzo de 2027, 23:10–23:30 Sídney (UTC+11)"
    )
    # Kept as English words (written before times were kept so): said as they were.
    assert in_language(When.read(str(time)), "es") == str(time)


# Words that would show an English sentence left in a translated message.
SLOT_STATUSES = ("proposed", "invited", "confirmed", "declined", "cancelled")
ENGLISH = (" the ", " your ", " you ", "Dear ", "calendar entry", " is ", "co-leads", "Stop these")


def _contexts():
    """Every kind sent in another language, in each of the ways it is written, with what its
    callers give it (`planner.mail.messages`)."""
    from datetime import UTC, date, datetime
    from types import SimpleNamespace as Row

    from planner.mail.messages.addressing import Soon, When

    start = datetime(2027, 3, 9, 12, 10, tzinfo=UTC)
    times = [When(start, 20, "Australia/Sydney"), When(start, 20, "Europe/Zurich")]
    was = [When(start - timedelta(hours=1), 20, "Australia/Sydney")]
    office = Row(name="IP Australia")
    proposal = Row(title="Gobernanza", office=office, office_code="AU")
    sent = Row(subject="Su propuesta", created_at=datetime(2026, 11, 2, 9, tzinfo=UTC))
    for recipient in (Row(name="Alex"), Row(name="")):
        mail = {"recipient": recipient, "proposal": proposal, "unsubscribe": None}
        yield "received", {**mail, "link": "https://x/p/1"}
        for decided in ("accepted", "waitlisted", "declined"):
            for reason in ("Motivo", ""):
                for link_message in (sent, None):
                    yield (
                        "decision",
                        {
                            **mail,
                            "accepted": decided == "accepted",
                            "waitlisted": decided == "waitlisted",
                            "reason": reason,
                            "link_message": link_message,
                        },
                    )
    # Each slot status in a draft and a published meeting, and a cancelled meeting: the
    # templates branch on each status alone, so this reaches every branch without every
    # combination.
    statuses = [
        *((meeting, slot) for meeting in ("draft", "published") for slot in SLOT_STATUSES),
        ("cancelled", "cancelled"),
    ]
    for meeting_status, slot_status in statuses:
        meeting = Row(title="Taller Rec 10", status=meeting_status)
        slot = Row(title="Gobernanza", status=slot_status)
        for shown in (times, []):
            block = {
                "slot": slot,
                "meeting": meeting,
                "office": "IP Australia",
                "times": shown,
                "agenda_url": "https://x/agenda",
                "video_url": "https://video.example/1",
                "recipient": Row(name="Alex"),
                "unsubscribe": "https://x/unsubscribe/1",
            }
            for answer in (None, "confirmed", "another_time"):
                for freeze_on in (date(2027, 3, 1), None):
                    yield (
                        "invitation",
                        {
                            **block,
                            "link": "https://x/presenter/1",
                            "zone": "Australia/Sydney",
                            "freeze_on": freeze_on,
                            "editable_until": freeze_on and "1 March 2027 at 09:59 in Sydney",
                            "answer": answer,
                        },
                    )
            for private_url in ("https://x/presenter/1", None):
                for slides in (["slides.pdf", "https://x/deck"], []):
                    for soon in (
                        Soon(start, start - timedelta(minutes=40), "Australia/Sydney"),
                        Soon(start, start - timedelta(days=1), "Australia/Sydney"),
                        Soon(start, start - timedelta(days=3), "Australia/Sydney"),
                    ):
                        reminder = {"soon": soon, "private_url": private_url, "slides": slides}
                        yield "reminder", {**block, **reminder}
            for role in ("presenter", "contact"):
                for reason in (
                    "replaced",
                    "readdressed",
                    "reinvited",
                    "declined",
                    "set_back",
                    "removed",
                    "no_longer_contact",
                    "moved",
                    "no_office",
                    "cancelled",
                    None,
                ):
                    for unsubscribed in (True, False):
                        yield (
                            "cancellation",
                            {
                                **block,
                                "role": role,
                                "reason": reason,
                                "unsubscribed": unsubscribed,
                            },
                        )
                for flags in (
                    {"no_longer_presenting": "declined", "first": True},
                    {"no_longer_presenting": "set_back"},
                    {"no_longer_presenting": "replaced"},
                    {"no_longer_presenting": "readdressed"},
                    {"no_longer_presenting": "reinvited"},
                    {"confirmed": "coleads"},
                    {"confirmed": True},
                    {"asked_again": True, "after_request": True, "published": True},
                    {"asked_again": True, "after_request": True},
                    {"asked_again": True, "published": True},
                    {"asked_again": True},
                    {"restored": True},
                    {"first": True},
                    {"published": True},
                    {"published": True, "requested": True},
                    {"presenter_declined": True},
                    {"presenter_declined": True, "reply_to": None},
                    {"reinstated": True},
                    {"reinstated": True, "awaiting": True},
                    {},
                ):
                    # Each list of changes, and the private link there and not: each alone is a
                    # branch of the template.
                    for what, private_url in (
                        ([], "https://x/presenter/1"),
                        (["time"], None),
                        (["length", "meeting title", "status", "time"], "https://x/presenter/1"),
                    ):
                        yield (
                            "update",
                            {
                                **block,
                                "no_longer_presenting": None,
                                "first": False,
                                "published": False,
                                "confirmed": None,
                                "asked_again": False,
                                "after_request": False,
                                "restored": False,
                                "requested": False,
                                "presenter_declined": False,
                                "reinstated": False,
                                "awaiting": False,
                                "reply_to": "taskforce@example.org",
                                **flags,
                                "role": role,
                                "what": what,
                                "was": was if what else [],
                                "private_url": private_url,
                            },
                        )
    # An office's feed link, with the co-leads' address to ask for a new one and without; the
    # link it replaces and none; the way to stop the invitations of its slots and none.
    for reply_to, replaced, stop in (
        ("taskforce@example.org", sent, "https://x/unsubscribe/u"),
        (None, None, None),
    ):
        for recipient in (Row(name="Alex"), Row(name="")):
            yield (
                "feed",
                {
                    "recipient": recipient,
                    "unsubscribe": None,
                    "office": Row(code="AU", name="IP Australia"),
                    "url": "https://x/feeds/offices/AU.ics?token=t",
                    "reply_to": reply_to,
                    "replaced": replaced,
                    "stop_invitations": stop,
                },
            )


@pytest.mark.one_database  # renders templates only: no query to run on PostgreSQL too
def test_every_translated_message_renders_with_the_english_one_s_context(app):
    """Each kind, in every language it is translated into, in each of its branches, renders
    with the variables the English one takes and no other (a misspelt or missing one fails:
    undefined variables are errors here), says its times in that language, and has no English
    sentence left in it."""
    from jinja2 import StrictUndefined

    from planner.mail.messages.writing import render
    from planner.mail.models import LANGUAGES_WRITTEN

    assert {"es", "fr", "pt", "ru", "zh"} <= set(LANGUAGES_WRITTEN)
    lenient, app.jinja_env.undefined = app.jinja_env.undefined, StrictUndefined
    rendered = 0
    try:
        with app.test_request_context():
            for kind, context in _contexts():
                english = render(kind, "en", **context)
                assert english[3] == "en"
                for language in LANGUAGES_WRITTEN:
                    subject, text, html_body, written = render(kind, language, **context)
                    assert written == language, (kind, language)
                    assert subject and subject != english[0]
                    words = re.sub(r"<[^>]+>", " ", html.unescape(html_body))
                    for said in (subject, text, words):
                        left = [w for w in ENGLISH if w in said.replace("\n", " ")]
                        assert not left, (kind, language, left, said)
                    for time in context.get("times") or []:
                        assert time.in_language(language) in text
                        assert str(time) not in text
                    # What the co-leads wrote reaches the reader in both parts, and the HTML
                    # opens no paragraph it does not close (helper-154: the Chinese waiting
                    # list's lost its reason).
                    if kind == "decision":
                        reason = context["reason"]
                        assert (
                            (reason in text and reason in words)
                            if reason
                            else ("<blockquote" not in html_body)
                        ), (kind, language)
                    opened = len(re.findall(r"<p[ >]", html_body))
                    assert opened == html_body.count("</p>"), (kind, language)
                    assert html_body.count("<blockquote") == html_body.count("</blockquote>")
                    assert f'<html lang="{language_tag(language)}">' in html_body
                    rendered += 1
    finally:
        app.jinja_env.undefined = lenient
    assert rendered > 1000


def _contact(email: str, language: str) -> None:
    db.session.add(
        OfficeContact(
            office_code="AU", name="Alex Example", email=email, language=language, source="test"
        )
    )
    db.session.commit()


def test_a_presenter_who_reads_french_is_written_to_in_french(app, api, slot, presenter):
    """A contact of the office who chose French and is invited to present: the invitation, the
    reminder, an update and the cancellation come in French, their times too, with the
    calendar part's UID and SEQUENCE as ever; a real SMTP server reads Content-Language fr."""
    _contact(PRESENTER, "fr")
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    (invitation,) = outbox(kind="invitation", recipient_email=PRESENTER)
    assert invitation.language == "fr"
    assert (
        invitation.subject
        == "Invitation à présenter\u00a0: Risk-based governance of new technologies"
    )
    sydney = "mardi 9 mars 2027, 23:10\u2009–\u200923:30 Sydney (UTC+11)"
    geneva = "mardi 9 mars 2027, 13:10\u2009–\u200913:30 Genève (UTC+1)"
    for body in (invitation.text_body, _words(invitation)):
        assert sydney in body and geneva in body and "Australia/Sydney" not in body
        assert "Merci de confirmer, de refuser ou de demander une autre heure" in body
    assert "http://localhost" + link in invitation.text_body
    assert "DESCRIPTION" in invitation.ics and "Australia/Sydney" not in invitation.text_body
    assert confirm(presenter, link).status_code == 302
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 1
    db.session.commit()
    (reminder,) = outbox(kind="reminder")
    # Two days before, on their clock in Sydney.
    assert reminder.language == "fr" and reminder.subject.startswith("Après-demain\u00a0: ")
    assert "Un rappel\u00a0: vous présentez après-demain." in reminder.text_body
    assert sydney in reminder.text_body and "vos diapositives" in _words(reminder)
    # It names the section of their page the slides go in as that page, in French, names it.
    section = said_in("fr", "Materials")
    assert section != "Materials" and f"«\u00a0{section}\u00a0»" in reminder.text_body
    assert f">{section}</h2>" in presenter.get(link).get_data(as_text=True)
    later = {"starts_at": "2027-03-09T13:30:00+01:00"}
    assert api.patch(f"/api/v1/slots/{slot.id}", json=later).status_code == 200
    # Moved again within the minute: one update, saying the time they knew, in French.
    again = {"starts_at": "2027-03-09T13:40:00+01:00"}
    assert api.patch(f"/api/v1/slots/{slot.id}", json=again).status_code == 200
    update = outbox(kind="update", recipient_email=PRESENTER)[-1]
    assert update.language == "fr"
    assert update.subject.startswith("Nouvelle heure, merci de confirmer")
    for body in (update.text_body, _words(update)):
        assert "Avant" in body and sydney in body  # the time they confirmed
        assert "mardi 9 mars 2027, 23:40\u2009–\u200900:00" not in body  # 00:00 is Wednesday
        assert "mardi 9 mars 2027, 23:40–mercredi 00:00 Sydney (UTC+11)" in body
    assert (
        api.patch(f"/api/v1/meetings/{slot.meeting_id}", json={"status": "cancelled"}).status_code
        == 200
    )
    (cancellation,) = outbox(kind="cancellation", recipient_email=PRESENTER)
    assert cancellation.language == "fr"
    assert cancellation.subject.startswith("Réunion annulée")
    assert "L’annulation jointe la retire de votre calendrier." in cancellation.text_body
    for message in (invitation, reminder, update, cancellation):
        for english in ENGLISH:
            assert english not in message.text_body.replace("\n", " "), (message.kind, english)
    delivered = [m for m in _delivered(app.config) if m["To"].addresses[0].addr_spec == PRESENTER]
    kinds = [re.split(r"\s:", m["Subject"])[0] for m in delivered]
    # Published before the invitation, the news of the slot to them as the office's contact
    # ("no one invited yet") waited its minute: the invitation said it all.
    assert kinds[0] == "Invitation à présenter" and "À l’ordre du jour" not in kinds
    assert kinds[-1] == "Réunion annulée"
    assert {m["Content-Language"] for m in delivered} == {"fr"}
    assert "de votre calendrier" in _part(delivered[-1], "plain")
    assert '<html lang="fr">' in _part(delivered[0], "html")


# An invitation as a reader of each language receives it: its subject, the time in their zone
# and the meeting's (as the language writes it: Chinese puts no comma between the day and its
# hours), how it greets them, and words it must say.
INVITED_IN = {
    "ru": (
        "Приглашение выступить: Risk-based governance of new technologies",
        "вторник, 9 марта 2027\u202fг., 23:10—23:30 Сидней (UTC+11)",
        "вторник, 9 марта 2027\u202fг., 13:10—13:30 Женева (UTC+1)",
        "Уважаемый(-ая) Alex Example!",
        ("Просим Вас подтвердить выступление", "сокоординатор"),
    ),
    "zh": (
        "演讲邀请：Risk-based governance of new technologies",
        "2027年3月9日星期二 23:10–23:30 悉尼 (UTC+11)",
        "2027年3月9日星期二 13:10–13:30 日内瓦 (UTC+1)",
        "尊敬的Alex Example：",
        ("确认、谢绝或申请另定时间", "共同牵头人", "产权组织标准委员会信通技术策略工作队"),
    ),
}


@pytest.mark.parametrize("language", INVITED_IN)
def test_a_presenter_is_invited_in_the_language_they_read(app, api, slot, language):
    """A contact of the office who chose Russian, or Chinese, is invited to present in it, the
    time in it in their zone and the meeting's, as a real SMTP server reads it."""
    subject, sydney, geneva, greeting, words = INVITED_IN[language]
    _contact(PRESENTER, language)
    link = invite(api, slot)
    (invitation,) = outbox(kind="invitation", recipient_email=PRESENTER)
    assert (invitation.language, invitation.subject) == (language, subject)
    (delivered,) = [
        m for m in _delivered(app.config) if m["To"].addresses[0].addr_spec == PRESENTER
    ]
    assert delivered["Content-Language"] == language_tag(language)
    assert delivered["Subject"] == invitation.subject
    text, page = _part(delivered, "plain"), _part(delivered, "html")
    assert text.startswith(greeting)
    for body in (text, re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", page))):
        assert sydney in body and geneva in body and "Australia/Sydney" not in body
        assert all(word in body for word in words), body
    assert "http://localhost" + link in text and f'<html lang="{language_tag(language)}">' in page
    for english in ENGLISH:
        assert english not in text.replace("\n", " "), english


def test_each_language_names_the_committee_the_task_force_and_the_co_leads_one_way():
    """The names WIPO uses in each language, and no other name for the same body."""
    from pathlib import Path

    names = {
        "pt": (
            ("Comitê de Normas da OMPI", "Equipe Técnica", "co-líderes"),
            ("Grupo de", "coorden"),
        ),
        "ru": (
            ("Комитета по стандартам ВОИС", "Целевой группы", "сокоординатор"),
            ("Рабочая группа", "Рабочей группы", "сопредседател", "руководител"),
        ),
        "zh": (
            ("产权组织标准委员会", "信通技术策略工作队", "共同牵头人"),
            (
                "世界知识产权组织标准委员会",
                "信通技术战略",
                "信息和通信技术",
                "工作组",
                "专责小组",
                "任务组",
                "联合主席",
                "协调人",
                "负责人",
            ),
        ),
    }
    # The document's Chinese edition names them: the names are WIPO's, as published.
    published = BUNDLED.read_text(encoding="utf-8")
    assert all(name in published for name in names["zh"][0])
    folder = Path(__file__).resolve().parents[2] / "templates" / "mail"
    for language, (used, never) in names.items():
        said = " ".join(p.read_text() for p in sorted(folder.glob(f"*.{language}.*")))
        for name in used:
            assert name in said, (language, name)
        for name in never:
            assert name not in said, (language, name)


def test_a_french_invitation_s_calendar_entry_is_described_in_french(app, api, client, slot):
    """The calendar part of a message says what the app writes in it in the message's language,
    its time too, as icalendar, vobject and ical.js read it; its title is the slot's, and the
    feeds' event of the same slot stays in English."""
    from tests.calendar.readers import check_bytes, with_ical_js, with_icalendar, with_vobject

    _contact(PRESENTER, "fr")
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    (invitation,) = outbox(kind="invitation", recipient_email=PRESENTER)
    body = invitation.ics.encode("utf-8")
    check_bytes(body)
    (event,) = with_icalendar(body).walk("VEVENT")
    said = str(event["DESCRIPTION"])
    assert with_vobject(body).vevent.description.value == said
    lines = said.split("\n")
    assert lines[:4] == [
        "Fait partie de\u00a0: Rec 10 workshop",
        "Fuseau horaire de la réunion\u00a0: "
        "mar. 9 mars 2027, 13:10\u2009–\u200913:30 Genève (UTC+1)",
        "Présentée par\u00a0: IP Australia",
        f"Recommandation 10\u00a0: {slot.recommendations[0].short_title}",
    ]
    assert "Lien vidéo\u00a0: https://video.example/rec10" in lines
    assert f"Page de l’ordre du jour\u00a0: http://localhost/meetings/{slot.meeting_id}" in lines
    assert str(event["SUMMARY"]) == slot.title and str(event["UID"]) == slot.uid
    # The video call is labelled in French too (helper-151: "Video call").
    assert event["CONFERENCE"].params["LABEL"] == "Visioconférence"
    feed = client.get(f"/meetings/{slot.meeting_id}.ics?scope=slots").data
    (shown,) = [e for e in with_icalendar(feed).walk("VEVENT") if str(e["UID"]) == slot.uid]
    assert str(shown["DESCRIPTION"]).startswith("Part of: Rec 10 workshop\nHome time zone: Tue")
    assert shown["CONFERENCE"].params["LABEL"] == "Video call"
    assert int(shown["SEQUENCE"]) == int(event["SEQUENCE"])
    (read,) = with_ical_js(body)["events"]
    assert read["description"] == said and read["summary"] == slot.title
    # Cancelled, its title says so in French; the feed's, in English.
    title = slot.title
    invitations_went()
    cancelled = api.patch(f"/api/v1/slots/{slot.id}", json={"status": "cancelled"})
    assert cancelled.status_code == 200, cancelled.get_json()
    (cancellation,) = outbox(kind="cancellation", recipient_email=PRESENTER)
    (event,) = with_icalendar(cancellation.ics.encode("utf-8")).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"Annulé\u00a0: {title}"
    feed = client.get(f"/meetings/{slot.meeting_id}.ics?scope=slots").data
    (shown,) = [e for e in with_icalendar(feed).walk("VEVENT") if str(e["UID"]) == slot.uid]
    assert str(shown["SUMMARY"]) == f"Cancelled: {title}"


def test_a_deleted_draft_slot_s_cancellation_is_described_in_russian(api, slot):
    _contact(PRESENTER, "ru")
    invite(api, slot)
    invitations_went()  # one not gone yet would be taken back: nothing to cancel
    title = slot.title
    assert api.delete(f"/api/v1/slots/{slot.id}").status_code in (200, 204)
    (cancellation,) = outbox(kind="cancellation", recipient_email=PRESENTER)
    assert cancellation.language == "ru" and cancellation.ics_method == "CANCEL"
    from icalendar import Calendar

    (event,) = Calendar.from_ical(cancellation.ics).walk("VEVENT")
    assert str(event["DESCRIPTION"]) == "Исключено из повестки дня совещания «Rec 10 workshop»."
    # Its title says it is cancelled in Russian, as the rest of it (helper-151: "Cancelled: ").
    assert str(event["SUMMARY"]) == f"Отменено: {title}"


def test_every_language_written_in_describes_a_calendar_entry_in_it():
    from planner.calendar.operations import slot_words
    from planner.mail.models import LANGUAGES_WRITTEN

    english = slot_words("en")
    assert slot_words("ar") == english
    for language in LANGUAGES_WRITTEN:
        said = slot_words(language)
        assert said.keys() == english.keys() and said != english
        for key, words in said.items():
            assert words.count("{}") == english[key].count("{}"), (language, key)


@pytest.mark.one_database  # renders templates only
def test_every_change_an_update_names_is_said_in_each_language(app):
    """An update names what changed ("Cambios: … (título de la reunión)"): each word the app
    can name is in each language's words, where a missing one would leave it in English."""
    from planner.mail.messages.changes import _MEETING_FIELDS, _SLOT_FIELDS
    from planner.mail.models import LANGUAGES_WRITTEN

    named = {*_SLOT_FIELDS.values(), *_MEETING_FIELDS.values()}
    assert "meeting title" in named
    with app.test_request_context():
        for language in LANGUAGES_WRITTEN:
            words = app.jinja_env.get_template(f"mail/_words.{language}.txt").module.what
            assert named <= set(words), (language, named - set(words))
            # Messages written before the video link was so named say "link": still worded.
            assert words["link"] == words["video link"], language
            assert "meeting title" not in set(words.values()), language


def test_a_contact_who_reads_french_hears_of_a_meeting_renamed_in_french(app, api, slot):
    """A contact who chose French is told in French that the meeting of their office's slot
    has a new title, and the calendar entry that replaces theirs is said "Fait partie de" the
    new one."""
    import time_machine
    from icalendar import Calendar

    from planner.mail.messages import UPDATE_SETTLE

    _contact("kim@ipaustralia.example", "fr")
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    count = len(outbox())
    # Once their first news of the slot has gone ("À l’ordre du jour", which a rename within
    # its minute would be said in).
    with time_machine.travel(utcnow() + UPDATE_SETTLE + timedelta(seconds=1)):
        renamed = {"title": "Atelier Rec 10"}
        assert api.patch(f"/api/v1/meetings/{slot.meeting_id}", json=renamed).status_code == 200
    (update,) = outbox()[count:]
    assert update.language == "fr"
    assert update.subject == f"Modifiée\u00a0: {slot.title} (titre de la réunion)"
    assert "(changements\u00a0: titre de la réunion)" in update.text_body
    assert "Atelier Rec 10" in update.text_body and "Atelier Rec 10" in _words(update)
    (event,) = Calendar.from_ical(update.ics).walk("VEVENT")
    assert str(event["DESCRIPTION"]).startswith("Fait partie de\u00a0: Atelier Rec 10\n")


def test_a_removed_contact_is_told_in_their_language_by_name(api, slot):
    """helper-164: a contact who heard of their office's slot in Spanish, then removed by a
    co-lead, was told in English, as "Dear colleague", that it leaves their calendar: their
    language and name were gone with the contact. The slot's office is AU."""
    import time_machine

    from planner.mail.messages import UPDATE_SETTLE
    from planner.offices.contacts import add_contact, remove_contact
    from planner.offices.models import Office

    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    rosa = "rosa@ipaustralia.example"
    with time_machine.travel(utcnow(), tick=False) as clock:
        contact = add_contact(
            db.session.get(Office, "AU"),
            name="Rosa Vega",
            email=rosa,
            role="",
            language="es",
            editor="co",
        )
        db.session.commit()
        (told,) = outbox(recipient_email=rosa)
        assert told.language == "es" and told.subject.startswith("En el orden del día")
        clock.shift(UPDATE_SETTLE + timedelta(seconds=1))  # once it went
        remove_contact(db.session.get(OfficeContact, contact.id))
        db.session.commit()
    (_, gone) = outbox(recipient_email=rosa)
    assert gone.ics_method == "CANCEL"
    assert (gone.language, gone.subject) == ("es", f"Ya no figura en su programa: {slot.title}")
    assert "Estimado/a Rosa Vega:" in gone.text_body
    assert "Usted ya no es contacto de la oficina" in gone.text_body
    assert gone.recipient_name == "Rosa Vega"


def test_a_language_with_no_translation_gets_english_entirely(api, slot):
    _contact(PRESENTER, "ar")
    invite(api, slot)
    (invitation,) = outbox(kind="invitation", recipient_email=PRESENTER)
    assert invitation.language == "en"
    assert invitation.subject == "Invitation to present: Risk-based governance of new technologies"
    assert "Tuesday 9 March 2027, 23:10–23:30 Sydney (UTC+11)" in invitation.text_body
    assert (
        '<html lang="en">' in invitation.html_body and "Dear Alex Example," in invitation.text_body
    )


def test_the_volunteer_form_says_which_emails_come_in_the_language_chosen(client, survey):
    page = html.unescape(client.get("/volunteer").get_data(as_text=True))
    assert (
        "Our automatic emails (your proposal's link and the decision; if you present, the "
        "invitation, reminders and updates) come in Spanish, French, Portuguese, Russian or "
        "Chinese when you choose it, otherwise in English. The co-leads write to you in your "
        "language where they can."
    ) in page


def test_a_volunteer_not_kept_as_a_contact_is_invited_in_the_language_chosen(
    client, colead_client, survey
):
    """The volunteer form says the invitation, reminders and updates come in the language
    chosen there: also to a volunteer who did not ask to be kept as a contact (no office
    contact holds their language; their proposal does)."""
    from tests.proposals.test_schedule import decide, meeting, schedule, slots, the_proposal
    from tests.proposals.test_schedule import volunteer as propose

    propose(colead_client, language="es")
    proposal = the_proposal()
    assert not proposal.contact_consent and proposal.contact_language == "es"
    decide(colead_client, proposal)
    schedule(colead_client, proposal, meeting(colead_client, time_zone="Europe/Zurich"))
    (slot,) = slots()
    invite(colead_client, slot, name="Lucía Example", email=proposal.contact_email.upper())
    assert db.session.query(OfficeContact).count() == 0
    (message,) = outbox(kind="invitation")
    assert message.language == "es"
    assert message.subject == f"Invitación a presentar: {slot.title}"


@pytest.mark.parametrize("deleted", ["slot", "meeting"])
def test_a_volunteer_s_deleted_draft_slot_is_cancelled_in_the_language_chosen(
    client, colead_client, survey, deleted
):
    """The CANCEL for a draft's slot deleted (alone, or with its whole draft) is made while
    the slot can still be read: in the volunteer's language too, not English."""
    from tests.proposals.test_schedule import decide, meeting, schedule, slots, the_proposal
    from tests.proposals.test_schedule import volunteer as propose

    propose(colead_client, language="es")
    proposal = the_proposal()
    decide(colead_client, proposal)
    draft = meeting(colead_client, time_zone="Europe/Zurich")
    schedule(colead_client, proposal, draft)
    (slot,) = slots()
    invite(colead_client, slot, name="Lucía Example", email=proposal.contact_email)
    invitations_went()  # one not gone yet would be taken back: nothing to cancel
    url = f"/api/v1/slots/{slot.id}" if deleted == "slot" else f"/api/v1/meetings/{draft}"
    assert colead_client.delete(url).get_json()["result"] == "deleted"
    (message,) = outbox(kind="cancellation")
    assert message.language == "es" and message.recipient_email == proposal.contact_email
    assert "Estimado/a Lucía Example" in message.text_body


@pytest.mark.one_database  # renders templates only
def test_an_update_says_the_meeting_is_cancelled_in_plain_english(app):
    """The status line named a meeting that is not published as "a draft", and so a cancelled
    one as "a cancelled"; the translations said it right."""
    from planner.mail.messages.writing import render

    for kind, context in _contexts():
        if kind == "update" and context["meeting"].status != "published":
            with app.test_request_context():
                _subject, text, html_body, _written = render(kind, "en", **context)
            status = context["meeting"].status
            said = f"(the meeting is {'a draft' if status == 'draft' else 'cancelled'})"
            assert said in text and said in html.unescape(html_body)
            assert "is a cancelled" not in text


OLGA = "olga.smirnova@example.org"


def test_a_presenter_invited_in_russian_is_written_to_in_russian(app, api, slot, presenter):
    """helper-148: Ольга, invited for the office's talk but neither one of its contacts nor the
    volunteer, got every email in English. Invited in Russian, the invitation, the news of the
    published agenda and of her confirmation come in it, and her page opens in it."""
    link = invite(api, slot, name="Ольга Смирнова", email=OLGA, language="ru")
    (invitation,) = outbox(kind="invitation", recipient_email=OLGA)
    assert invitation.language == "ru"
    assert invitation.subject == INVITED_IN["ru"][0]
    assert invitation.text_body.startswith("Уважаемый(-ая) Ольга Смирнова!")
    page = presenter.get(link)
    assert page.headers["Content-Language"] == "ru"
    assert confirm(presenter, link).status_code == 302
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    later = {"starts_at": "2027-03-09T13:30:00+01:00"}
    assert api.patch(f"/api/v1/slots/{slot.id}", json=later).status_code == 200
    sent = outbox(recipient_email=OLGA)
    assert [m.subject.split(":")[0] for m in sent] == [
        "Приглашение выступить",
        "Опубликовано",
        "Новое время, просим подтвердить",
    ]
    assert {m.language for m in sent} == {"ru"}
    for message in sent:
        for english in ENGLISH:
            assert english not in message.text_body.replace("\n", " "), (message.kind, english)
    delivered = [m for m in _delivered(app.config) if m["To"].addresses[0].addr_spec == OLGA]
    assert delivered and {m["Content-Language"] for m in delivered} == {"ru"}


@pytest.mark.parametrize("ended", ["meeting deleted", "someone else invited"])
def test_a_presenter_invited_in_russian_is_told_in_russian_the_slot_is_no_longer_theirs(
    api, slot, presenter, ended
):
    link = invite(api, slot, name="Ольга Смирнова", email=OLGA, language="ru")
    assert confirm(presenter, link).status_code == 302
    if ended == "meeting deleted":
        assert api.delete(f"/api/v1/meetings/{slot.meeting_id}").status_code in (200, 204)
    else:
        invite(api, slot)
    (cancellation,) = outbox(kind="cancellation", recipient_email=OLGA)
    assert cancellation.language == "ru" and cancellation.ics_method == "CANCEL"


def _confirmed_by_them(app, api, slot, presenter, language: str) -> str:
    """The presenter, writing in `language`, invited to the published meeting's talk; confirmed
    on their page, every message so far delivered. Their private link."""
    if language != "en":
        _contact(PRESENTER, language)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    _delivered(app.config)
    return link


# What the subject of a request to confirm again says changed, in each language: a new length
# (the slot grew, its start kept) or a new time (it moved).
ASKED_AGAIN = {
    "en": ("New length, please confirm: ", "New time, please confirm: "),
    "es": ("Nueva duración, confirme por favor: ", "Nueva hora, confirme por favor: "),
    "fr": (
        "Nouvelle durée, merci de confirmer\u00a0: ",
        "Nouvelle heure, merci de confirmer\u00a0: ",
    ),
    "pt": ("Nova duração, pedimos sua confirmação: ", "Novo horário, pedimos sua confirmação: "),
    "ru": ("Новая продолжительность, просим подтвердить: ", "Новое время, просим подтвердить: "),
    "zh": ("时长已变更，请确认：", "时间已变更，请确认："),
}


# What the text of that request says the presenter confirmed and what the calendar entry does:
# for a new length (first), for a new time.
ASKED_AGAIN_SAYS = {
    "en": (
        ("You confirmed the length it had before", "changes its length in your calendar"),
        ("You confirmed the time it had before", "moves it in your calendar"),
    ),
    "es": (
        ("confirmó la duración que tenía antes", "cambia su duración en su calendario"),
        ("confirmó la hora que tenía antes", "la mueve en su calendario"),
    ),
    "fr": (
        ("confirmé la durée qu’elle avait avant", "en change la durée dans votre calendrier"),
        ("confirmé l’heure qu’elle avait avant", "la déplace dans votre calendrier"),
    ),
    "pt": (
        ("confirmou a duração que ela tinha antes", "altera a duração dela no seu calendário"),
        ("confirmou o horário que ela tinha antes", "a move no seu calendário"),
    ),
    "ru": (
        ("подтвердили прежнюю продолжительность", "меняет его продолжительность в Вашем"),
        ("подтвердили прежнее время", "переносит его в Вашем календаре"),
    ),
    "zh": (
        ("您确认的是此前的时长", "在您的日历中调整其时长"),
        ("您确认的是此前的时间", "在您的日历中调整其时间"),
    ),
}


@pytest.mark.parametrize("language", ASKED_AGAIN)
def test_a_presenter_asked_again_is_told_in_the_subject_what_changed(
    app, api, slot, presenter, language
):
    """helper-241: a confirmed talk made ten minutes longer, its start kept, asked its
    presenter "New time, please confirm" while the text said its length changed. The subject
    names a new length; a move still names a new time. helper-260: its text and calendar
    sentence went on "You confirmed the time it had before" and "moves it in your calendar":
    they name the length too, in text and HTML."""
    link = _confirmed_by_them(app, api, slot, presenter, language)
    longer = api.patch(f"/api/v1/slots/{slot.id}", json={"duration_minutes": 30})
    assert longer.status_code == 200, longer.get_json()
    asked = outbox(kind="update", recipient_email=PRESENTER)[-1]
    length, time = ASKED_AGAIN[language]
    assert asked.subject == length + slot.title
    assert (asked.language or "en") == language
    assert confirm(presenter, link).status_code == 302
    _delivered(app.config)
    later = api.patch(f"/api/v1/slots/{slot.id}", json={"starts_at": "2027-03-09T13:40:00+01:00"})
    assert later.status_code == 200, later.get_json()
    moved = outbox(kind="update", recipient_email=PRESENTER)[-1]
    assert moved.id != asked.id and moved.subject == time + slot.title
    for message, (said, not_said) in (
        (asked, ASKED_AGAIN_SAYS[language]),
        (moved, ASKED_AGAIN_SAYS[language][::-1]),
    ):
        for body in (message.text_body, message.html_body):
            assert all(words in body for words in said), (message.subject, body)
            assert not any(words in body for words in not_said), (message.subject, body)


# What the subject says when the slot is back as its presenter confirmed it, in each language:
# back at the length they confirmed (its start never moved), or at the time.
RESTORED = {
    "en": ("Back at the length you confirmed: ", "Back at the time you confirmed: "),
    "es": ("De nuevo con la duración que confirmó: ", "De nuevo a la hora que confirmó: "),
    "fr": (
        "De retour à la durée que vous avez confirmée\u00a0: ",
        "De retour à l’heure que vous avez confirmée\u00a0: ",
    ),
    "pt": ("De volta à duração que você confirmou: ", "De volta ao horário que você confirmou: "),
    "ru": (
        "Снова подтверждённая Вами продолжительность: ",
        "Снова в подтверждённое Вами время: ",
    ),
    "zh": ("已恢复至您确认的时长：", "已恢复至您确认的时间："),
}


@pytest.mark.parametrize("language", RESTORED)
def test_a_presenter_whose_talk_is_back_as_confirmed_is_told_what_came_back(
    app, api, slot, presenter, language
):
    """helper-250: a confirmed talk made longer ("New length, please confirm" went), then given
    its length back, told its presenter "Back at the time you confirmed" and that the calendar
    entry "moves it back", when its time never moved. It says its length is back; a talk moved
    and moved back is still back at the time they confirmed."""
    _confirmed_by_them(app, api, slot, presenter, language)
    url = f"/api/v1/slots/{slot.id}"
    for change, back in (
        ({"duration_minutes": 30}, {"duration_minutes": 20}),
        ({"starts_at": "2027-03-09T13:40:00+01:00"}, {"starts_at": "2027-03-09T13:10:00+01:00"}),
    ):
        assert api.patch(url, json=change).status_code == 200
        _delivered(app.config)  # the request to confirm goes
        assert api.patch(url, json=back).status_code == 200
        told = outbox(kind="update", recipient_email=PRESENTER)[-1]
        assert told.basis["said"]["restored"] is True
        subject = RESTORED[language][0 if "duration_minutes" in back else 1]
        assert told.subject == subject + slot.title
        assert (told.language or "en") == language
    if language == "en":
        lengthened = outbox(kind="update", recipient_email=PRESENTER)[-3]
        assert "The presentation is back at the length you confirmed." in lengthened.text_body
        assert "moves it back" not in lengthened.text_body
        assert "gives it back that length" in lengthened.html_body


@pytest.mark.one_database  # renders templates only
def test_a_translated_message_takes_its_words_without_a_per_render_import(app, monkeypatch):
    """Every update and cancellation, in each language, renders its words from the module Jinja
    keeps: an `{% import %}` in the message compared Jinja's 63 template globals with the
    words' on every render (2 million lookups in the test above, and in every email sent)."""
    from jinja2.environment import Template

    from planner.mail.messages.writing import render
    from planner.mail.models import LANGUAGES_WRITTEN

    imports = []
    default_module = Template._get_default_module

    def counted(template, ctx=None):
        if ctx is not None:
            imports.append(template.name)
        return default_module(template, ctx)

    monkeypatch.setattr(Template, "_get_default_module", counted)
    with app.test_request_context():
        kinds = {}
        for kind, context in _contexts():
            kinds.setdefault(kind, context)
        for kind in ("update", "cancellation"):
            for language in LANGUAGES_WRITTEN:
                subject, text, html_body, written = render(kind, language, **kinds[kind])
                assert written == language and subject and text and html_body
    assert imports == []


# What the old address is told when a presenter's address is corrected (the same name at another
# address), in each language: the subject, and a part of the text.
READDRESSED = {
    "en": ("Address corrected: ", "have corrected the address of this presentation's presenter"),
    "es": ("Dirección corregida: ", "han corregido la dirección de la persona que da esta"),
    "fr": ("Adresse corrigée\u00a0: ", "ont corrigé l’adresse de la personne qui donne cette"),
    "pt": ("Endereço corrigido: ", "corrigiram o endereço da pessoa que faz esta apresentação"),
    "ru": ("Адрес исправлен: ", "исправили адрес докладчика этого выступления"),
    "zh": ("地址已更正：", "共同牵头人已更正这场演讲的演讲人的电子邮件地址"),
}
# What it said: that the co-leads invited someone else to give it.
SOMEONE_ELSE = {
    "en": "invited someone else",
    "es": "invitado a otra persona",
    "fr": "invité une autre personne",
    "pt": "convidaram outra pessoa",
    "ru": "другого докладчика",
    "zh": "邀请他人",
}


@pytest.mark.parametrize("language", READDRESSED)
def test_a_presenter_s_address_corrected_is_not_told_someone_else_presents(
    app, api, slot, language
):
    """helper-309: Ola Nowak, invited at pl@example.org, invited again under her name at
    ola.nowak@example.org (the same person, her address corrected: README). The old address
    was emailed "You no longer present: … The co-leads have invited someone else to give this
    presentation". Its CANCEL (that mailbox keeps no live event) now says, in her language,
    that the address was corrected and the invitation goes to another address with a new link,
    never which: the old mailbox may be a stranger's (a typo) or a successor's. The new
    address gets the invitation. As a real SMTP server reads them."""
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot, name="Ola Nowak", email="pl@example.org", language=language)
    _delivered(app.config)
    invite(api, slot, name="Ola Nowak", email="ola.nowak@example.org", language=language)
    delivered = _delivered(app.config)
    (old,) = [m for m in delivered if m["To"].addresses[0].addr_spec == "pl@example.org"]
    (new,) = [m for m in delivered if m["To"].addresses[0].addr_spec == "ola.nowak@example.org"]
    subject, says = READDRESSED[language]
    assert old["Subject"] == subject + slot.title
    assert old["Content-Language"] == language_tag(language)
    text, page = _part(old, "plain"), html.unescape(_part(old, "html"))
    for body in (text, page):
        assert says in " ".join(body.split())
        assert SOMEONE_ELSE[language] not in body
        assert "ola.nowak" not in body
    (calendar,) = [p for p in old.walk() if p.get_content_type() == "text/calendar"]
    assert calendar.get_param("method") == "CANCEL"
    (invitation,) = outbox(kind="invitation", recipient_email="ola.nowak@example.org")
    assert new["Subject"] == invitation.subject and "pl@example.org" not in _part(new, "plain")


# What the old address is told when the same name is invited again with no address (the co-lead
# hands the new link over in person), in each language: the subject, and a part of the text.
REINVITED = {
    "en": ("Link replaced: ", "with a new link that is not sent by email"),
    "es": ("Enlace sustituido: ", "con un nuevo enlace que no se envía por correo electrónico"),
    "fr": (
        "Lien remplacé\u00a0: ",
        "avec un nouveau lien qui n’est pas envoyé par courriel",
    ),
    "pt": ("Link substituído: ", "com um novo link que não é enviado por e-mail"),
    "ru": ("Ссылка заменена: ", "с новой ссылкой, которая не отправляется по электронной почте"),
    "zh": ("链接已更换：", "并提供了不通过电子邮件发送的新链接"),
}


@pytest.mark.parametrize("language", REINVITED)
def test_a_presenter_invited_again_without_an_address_is_not_told_it_goes_elsewhere(
    app, api, slot, language
):
    """helper-323: Ola Nowak, invited at pl@example.org, invited again under her name with no
    address (the co-lead hands her the new link in person). pl@ was emailed "Address corrected:
    … the invitation now goes to another address, with a new link": nothing goes to any address.
    It is told, in her language, that the presenter was invited again with a new link not sent
    by email, and to reply if they give the talk and do not have it (no email is promised); its
    CANCEL takes out the calendar entry no update would reach any more. As a real SMTP server
    reads them."""
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot, name="Ola Nowak", email="pl@example.org", language=language)
    _delivered(app.config)
    invite(api, slot, name="Ola Nowak", email="", language=language)
    (old,) = _delivered(app.config)
    assert old["To"].addresses[0].addr_spec == "pl@example.org"
    subject, says = REINVITED[language]
    assert old["Subject"] == subject + slot.title
    assert old["Content-Language"] == language_tag(language)
    text, page = _part(old, "plain"), html.unescape(_part(old, "html"))
    for body in (text, page):
        assert says in " ".join(body.split())
        assert READDRESSED[language][1] not in body and SOMEONE_ELSE[language] not in body
    if language == "fr":
        assert "courriel\u00a0; cette adresse-ci" in text and "calendrier\u00a0:" in text
    (calendar,) = [p for p in old.walk() if p.get_content_type() == "text/calendar"]
    assert calendar.get_param("method") == "CANCEL"
