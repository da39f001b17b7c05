"""Erasing a presenter named in what was sent to others (an office's contacts): the outbox
keeps the record of what was sent, without their name. Through a real SMTP server on loopback,
by the sender's own rounds (`flask mail send --once`)."""

import json

from planner.extensions import db
from planner.mail.models import MessageStatus
from planner.personal_data.operations import ERASED_PRESENTER
from tests.mail.test_late_messages import declined_while_kim_is_away, sender_round
from tests.mail.test_messages import outbox
from tests.personal_data.test_erasure import EVA, EVA_NAME, erase, mentions, text
from tests.presenters.support import TALK, confirm, invite


def test_a_contacts_message_naming_the_presenter_erased_keeps_its_record_without_them(
    api,
    slot,
    presenter,
    smtp,
    cli,
):
    """Alex declines; the news to Kim, AU's contact, waits while Kim's server turns it away.
    Eva is invited in Alex's place and confirms, and the news does not go: the outbox says
    why, "it has a presenter again: Eva Quispe has confirmed it". Erasing Eva deleted only the
    co-leads' news of her answer and left her name there; it is now replaced."""
    news = declined_while_kim_is_away(api, slot, presenter, smtp, cli)
    assert confirm(presenter, invite(api, slot, name=EVA_NAME, email=EVA)).status_code == 302
    smtp.refuse.clear()
    sender_round(cli, 10)
    (news,) = outbox(id=news.id)
    assert news.status == MessageStatus.superseded
    assert f"{EVA_NAME} has confirmed it" in news.last_error
    exported = json.loads(cli.invoke(args=["personal-data", "export", "--email", EVA]).stdout)
    assert [m["id"] for m in exported["messages_to_others_naming_them"]] == [news.id]

    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "proposed"}).status_code == 200
    asked = cli.invoke(args=["personal-data", "erase", "--email", EVA], input="n\n")
    assert "1 message(s) to others naming them (kept, their name replaced" in asked.output
    assert erase(cli, EVA).exit_code == 0
    assert mentions(EVA_NAME, EVA, "Quispe") == 0
    db.session.expire_all()
    (news,) = outbox(id=news.id)
    assert news.subject == f"Presenter declined: {TALK['title']}" and news.text_body
    assert f"{ERASED_PRESENTER} has confirmed it" in news.last_error
    for url in ("/outbox", f"/outbox/{news.id}"):
        shown = text(api.get(url))
        assert "Quispe" not in shown and ERASED_PRESENTER in shown, url
