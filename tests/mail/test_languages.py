"""Messages in the language their reader chose: a volunteer's (on the volunteer form), an office
contact's; Spanish and French first, English entirely where a kind has no translation yet."""

import html
import re
from datetime import timedelta

from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.models import OutboxMessage
from planner.mail.sender import send_due
from tests.mail.smtp_server import SmtpServer
from tests.mail.test_messages import _proposal, outbox


def _words(message: OutboxMessage) -> str:
    """The HTML part's text, as a reader sees it."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(message.html_body)))


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


def test_a_time_kept_with_a_settling_update_is_read_back_in_any_language():
    """A settling update keeps the time its reader knew ("It was …"); the one that replaces it
    says that time in its own language, so it is kept as a time, not as English words."""
    from datetime import UTC, datetime

    from planner.mail.messages.addressing import When, in_language, stored

    start = datetime(2027, 3, 9, 12, 10, tzinfo=UTC)
    time = When(start, 20, "Australia/Sydney")
    assert time == "Tuesday 9 March 2027, 23:10–23:30 Australia/Sydney (UTC+11)"
    back = When.read(stored(time))
    assert back == time and in_language(back, "es") == (
        "martes, 9 de marzo de 2027, 23:10–23:30 Sídney (UTC+11)"
    )
    # Kept as English words (written before times were kept so): said as they were.
    assert in_language(When.read(str(time)), "es") == str(time)
