"""An office's private calendar feed, emailed by a co-lead to the office's contacts: each in their
language, with the link that opens the feed and how each calendar program subscribes; asked
before it goes, never a revoked link, and only ever by a co-lead."""

import html
import re

import pytest
from sqlalchemy import select

from planner.calendar.operations import office_feed_token
from planner.extensions import db
from planner.offices.models import Office, OfficeContact
from tests.mail.test_languages import _delivered, _part
from tests.mail.test_messages import outbox
from tests.support import form_of, hidden_fields, sign_in

pytestmark = pytest.mark.usefixtures("survey")


def _contacts(*people: tuple[str, str, str]) -> None:
    for name, email, language in people:
        db.session.add(
            OfficeContact(office_code="PE", name=name, email=email, language=language, source="t")
        )
    db.session.commit()


def _feed_url(app) -> str:
    token = office_feed_token(db.session.get(Office, "PE"), app.config["SECRET_KEY"])
    return f"http://localhost/feeds/offices/PE.ics?token={token}"


def _email_link(client):
    """A co-lead presses "Email the link" on the confirmation, as the page filled it in."""
    return client.post(
        "/offices/PE/feed/email", data=hidden_fields(client, "/offices/PE/feed/email")
    )


def _send_again(client, message):
    """A co-lead presses "Send again" on the message's outbox page."""
    page = client.get(f"/outbox/{message.id}")
    return client.post(f"/outbox/{message.id}/send", data=hidden_fields_of(page.text))


def test_a_co_lead_emails_the_feed_link_to_each_contact_in_their_language(app, colead_client):
    _contacts(("Ana Quispe", "ana@indecopi.example", "es"), ("Lee", "lee@indecopi.example", "en"))
    office = html.unescape(colead_client.get("/offices/PE").get_data(as_text=True))
    assert "Email this link to PE's 2 contacts…" in office
    asked = html.unescape(colead_client.get("/offices/PE/feed/email").get_data(as_text=True))
    assert "Ana Quispe <ana@indecopi.example> (in Spanish)" in asked
    assert "Lee <lee@indecopi.example> (in English)" in asked
    assert not outbox(kind="feed")  # asking sends nothing

    sent = _email_link(colead_client)
    assert sent.status_code == 302 and sent.location.endswith("/offices/PE#feed")
    shown = html.unescape(colead_client.get("/offices/PE").get_data(as_text=True))
    assert "PE's feed link goes to Ana Quispe, Lee." in shown

    url = _feed_url(app)
    spanish, english = sorted(outbox(kind="feed"), key=lambda m: m.language != "es")
    assert (spanish.language, english.language) == ("es", "en")
    assert spanish.subject.startswith("El calendario de las presentaciones de PE")
    for message in (spanish, english):
        assert url in message.text_body and url.replace("http://", "webcal://") in message.text_body
        assert f'href="{url.replace("http://", "webcal://")}"' in message.html_body
        assert message.ics is None and message.unsubscribe_kind is None
    # How each calendar program subscribes, as the pages say it in that language.
    assert "- Google Calendar (en un ordenador): junto a «Otros calendarios»" in spanish.text_body
    assert "<strong>Desde URL</strong>" in spanish.html_body
    assert "Estimado/a Ana Quispe:" in spanish.text_body and "Dear Lee," in english.text_body

    # As a real SMTP server receives them; the link in the email opens the office's feed.
    delivered = {m["To"].addresses[0].addr_spec: m for m in _delivered(app.config)}
    ana = delivered["ana@indecopi.example"]
    assert ana["Content-Language"] == "es"
    (link,) = set(re.findall(r"http://\S+/feeds/\S+token=\S+", _part(ana, "plain")))
    feed = app.test_client().get(link.removeprefix("http://localhost"))
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    # Each slot of PE also reaches them as an emailed invitation: their calendar may show it
    # twice once subscribed, so they are told, with the way to stop those (helper-164).
    assert "Subscribed, your calendar may show each presentation twice" in english.text_body
    stop = re.search(r"stop those emails: (\S+)", english.text_body)[1]
    assert "/unsubscribe/" in stop and f'<a href="{stop}">stop those emails</a>' in (
        english.html_body
    )
    assert "New link" not in english.subject and "replaces" not in english.text_body


def test_a_new_link_says_which_one_it_replaces_and_what_to_do(app, colead_client):
    """helper-164: the email with the link made after a revocation read exactly as the first,
    so a contact took it for a copy, and their calendar, subscribed to the dead link, stopped
    changing without a word."""
    _contacts(("Ana Quispe", "ana@indecopi.example", "es"), ("Lee", "lee@indecopi.example", "en"))
    _email_link(colead_client)
    delivered = _delivered(app.config)
    first = {m.recipient_email: m for m in outbox(kind="feed")}
    assert {m.status for m in first.values()} == {"sent"} and len(delivered) == 2
    revoke = hidden_fields(colead_client, "/offices/PE/feed/revoke")
    assert colead_client.post("/offices/PE/feed/revoke", data=revoke).status_code == 302
    _email_link(colead_client)
    again = {m.recipient_email: m for m in outbox(kind="feed") if m.status != "sent"}
    english, spanish = again["lee@indecopi.example"], again["ana@indecopi.example"]
    assert english.subject == f"New link: {first['lee@indecopi.example'].subject}"
    day = first["lee@indecopi.example"].created_at
    assert (
        f"This link replaces the one in our email “{first['lee@indecopi.example'].subject}” of "
        f"{day.day} {day:%B} {day.year}, which no longer works"
    ) in english.text_body
    assert "Remove that calendar from your calendar program" in english.html_body
    assert spanish.subject.startswith("Nuevo enlace: El calendario")
    assert "Este enlace sustituye al de nuestro correo «El calendario" in spanish.text_body
    assert _feed_url(app) in english.text_body
    # Sent once more, the same link replaces nothing.
    _delivered(app.config)
    _email_link(colead_client)
    (third,) = [m for m in outbox(kind="feed", recipient_email="lee@indecopi.example")][2:]
    assert not third.subject.startswith("New link") and "replaces" not in third.text_body


def test_a_new_link_still_says_which_one_it_replaces_once_that_email_was_cleared(
    app, colead_client
):
    """helper-210: a feed email's text is cleared RETENTION_DAYS after it went (its words to
    the contact, the unsubscribe link); the link it gave went with it, so a link revoked and
    emailed a year on read as a first email ("The calendar of PE's presentations"), and the
    contact, already subscribed to the dead link, subscribed again and kept a calendar that no
    longer changed beside the new one. The cleared email keeps the office's feed links it gave
    (nothing of the person): the new one still names it and says to remove that calendar; the
    same link sent again still replaces nothing."""
    from datetime import timedelta

    from planner.db_types import utcnow
    from planner.personal_data.retention import keep_for, prune

    _contacts(("Lee", "lee@indecopi.example", "en"))
    _email_link(colead_client)
    _delivered(app.config)
    (first,) = outbox(kind="feed")
    a_year_on = utcnow() + timedelta(days=365)
    assert prune(a_year_on, keep_for(app.config)).messages == 1
    db.session.commit()
    (cleared,) = outbox(kind="feed")
    assert cleared.cleared_at is not None and cleared.html_body is None
    assert "Lee" not in cleared.text_body and "/unsubscribe/" not in cleared.text_body
    assert colead_client.get(f"/outbox/{cleared.id}").status_code == 200

    _email_link(colead_client)  # the same link: nothing replaced
    *_, same = outbox(kind="feed")
    assert not same.subject.startswith("New link") and "replaces" not in same.text_body
    _delivered(app.config)
    revoke = hidden_fields(colead_client, "/offices/PE/feed/revoke")
    assert colead_client.post("/offices/PE/feed/revoke", data=revoke).status_code == 302
    assert prune(a_year_on, keep_for(app.config)).messages == 1
    db.session.commit()
    _email_link(colead_client)
    *_, new = outbox(kind="feed")
    assert new.subject == f"New link: {first.subject}"
    assert "Remove that calendar from your calendar program" in new.text_body
    assert _feed_url(app) in new.text_body


def test_the_page_names_the_language_each_email_is_written_in(colead_client):
    """helper-164: a contact who prefers Arabic was promised "(Arabic)", and sent English."""
    _contacts(("Layla Haddad", "layla@jpo.example", "ar"))
    asked = html.unescape(colead_client.get("/offices/PE/feed/email").get_data(as_text=True))
    assert (
        "Layla Haddad <layla@jpo.example> (in English: the emails have no Arabic version)"
    ) in asked


def test_a_contact_who_stopped_invitations_is_not_asked_to_stop_them(colead_client):
    from planner.mail.unsubscribe import unsubscribe

    _contacts(("Lee", "lee@indecopi.example", "en"))
    unsubscribe("lee@indecopi.example", "update")
    db.session.commit()
    _email_link(colead_client)
    (message,) = outbox(kind="feed")
    assert "stop those emails" not in message.text_body and "twice" not in message.html_body


def test_a_link_revoked_since_the_page_asked_is_not_emailed(colead_client):
    _contacts(("Ana Quispe", "ana@indecopi.example", "es"))
    asked = hidden_fields(colead_client, "/offices/PE/feed/email")
    revoke = hidden_fields(colead_client, "/offices/PE/feed/revoke")
    assert colead_client.post("/offices/PE/feed/revoke", data=revoke).status_code == 302
    late = colead_client.post("/offices/PE/feed/email", data=asked)
    assert late.status_code == 409
    assert (
        "Nothing was emailed: PE's feed link was replaced since this page asked"
        in html.unescape(late.text)
    )
    assert not outbox(kind="feed")
    # The page asks again, about the new link.
    again = colead_client.post("/offices/PE/feed/email", data=hidden_fields_of(late.text))
    assert again.status_code == 302 and len(outbox(kind="feed")) == 1


def test_a_message_whose_link_is_revoked_before_it_goes_never_goes(colead_client):
    _contacts(("Ana Quispe", "ana@indecopi.example", "es"))
    fields = hidden_fields(colead_client, "/offices/PE/feed/email")
    assert colead_client.post("/offices/PE/feed/email", data=fields).status_code == 302
    (message,) = outbox(kind="feed")
    assert message.status != "superseded"
    revoke = hidden_fields(colead_client, "/offices/PE/feed/revoke")
    assert colead_client.post("/offices/PE/feed/revoke", data=revoke).status_code == 302
    db.session.refresh(message)
    assert message.status == "superseded"
    shown = html.unescape(colead_client.get(f"/outbox/{message.id}").get_data(as_text=True))
    assert "The office's feed link in it was revoked before it went." in shown


def hidden_fields_of(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


def test_an_office_without_contacts_is_offered_none_and_nothing_goes(colead_client):
    office = colead_client.get("/offices/PE").get_data(as_text=True)
    assert "Email this link" not in office and "to email them this link" in office
    asked = colead_client.get("/offices/PE/feed/email")
    assert asked.status_code == 302 and asked.location.endswith("/offices/PE#contacts")
    _contacts(("Ana Quispe", "ana@indecopi.example", "es"))
    fields = hidden_fields(colead_client, "/offices/PE/feed/email")
    db.session.delete(db.session.query(OfficeContact).one())
    db.session.commit()
    gone = colead_client.post("/offices/PE/feed/email", data=fields)
    assert gone.status_code == 409 and "Nothing was emailed: PE has no contacts now" in gone.text
    assert not outbox(kind="feed")


def test_only_a_co_lead_sends_or_sees_the_link(client, colead_client):
    _contacts(("Ana Quispe", "ana@indecopi.example", "es"))
    fields = hidden_fields(colead_client, "/offices/PE/feed/email")
    for answer in (client.get("/offices/PE/feed/email"), client.post("/offices/PE/feed/email")):
        assert answer.status_code in (302, 400, 401, 403)
        assert "token=" not in answer.get_data(as_text=True)
    assert client.post("/offices/PE/feed/email", data=fields).status_code in (302, 400, 403)
    assert not outbox(kind="feed")
    # Without the form's CSRF token a co-lead's browser sends nothing either.
    assert colead_client.post("/offices/PE/feed/email", data={}).status_code == 400
    assert not outbox(kind="feed")


def test_a_message_a_sender_has_leased_but_not_sent_never_goes_once_the_link_is_revoked(
    app, colead_client
):
    """A sender leases a batch of due messages (up to ten) and sends them one after another: a
    link revoked while the batch is in its hands was emailed all the same to every contact after
    the first, revoked and opening nothing, as the revocation left leased messages alone."""
    from planner.db_types import utcnow
    from planner.mail.sender import Counts, claim, deliver_leased
    from tests.mail.smtp_server import SmtpServer

    _contacts(("Ana Quispe", "ana@indecopi.example", "es"), ("Lee", "lee@indecopi.example", "en"))
    fields = hidden_fields(colead_client, "/offices/PE/feed/email")
    assert colead_client.post("/offices/PE/feed/email", data=fields).status_code == 302
    claimed = claim(utcnow())
    assert len(claimed) == 2
    revoke = hidden_fields(colead_client, "/offices/PE/feed/revoke")
    assert colead_client.post("/offices/PE/feed/revoke", data=revoke).status_code == 302
    server = SmtpServer().start()
    try:
        config = {**app.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port}
        db.session.expire_all()
        deliver_leased(claimed, config, utcnow(), Counts())
    finally:
        server.stop()
    assert server.messages() == []
    assert {m.status for m in outbox(kind="feed")} == {"superseded"}


@pytest.mark.parametrize("how", ["secret_key", "failed_after_revocation"])
def test_send_again_refuses_a_message_whose_feed_link_no_longer_opens_the_feed(
    app, colead_client, monkeypatch, how
):
    """ "Send again" of a feed email that did not go (no mail server, or it failed) queued it as
    written, though its link no longer opened the office's feed: the app's SECRET_KEY changed
    since (every feed link is signed with it), or the sender marked it failed after the link
    was revoked. The contact got a link answering "not found"."""
    from planner.mail.models import MessageStatus

    _contacts(("Lee", "lee@indecopi.example", "en"))
    fields = hidden_fields(colead_client, "/offices/PE/feed/email")
    assert colead_client.post("/offices/PE/feed/email", data=fields).status_code == 302
    (message,) = outbox(kind="feed")
    if how == "secret_key":
        monkeypatch.setitem(app.config, "SECRET_KEY", "another-secret-key-0123456789abcdef")
        colead_client.delete_cookie("session")
        assert sign_in(colead_client).status_code == 302  # again, under the new key
    else:
        office = db.session.get(Office, "PE")
        office.feed_version += 1
    message.status = MessageStatus.failed
    db.session.commit()
    again = _send_again(colead_client, message)
    assert again.status_code == 409
    assert "no longer opens PE's feed" in html.unescape(again.text)
    assert outbox(kind="feed")[0].status == "failed"


def test_send_again_sends_a_message_whose_feed_link_still_opens_the_feed(colead_client):
    from planner.mail.models import MessageStatus

    _contacts(("Lee", "lee@indecopi.example", "en"))
    fields = hidden_fields(colead_client, "/offices/PE/feed/email")
    assert colead_client.post("/offices/PE/feed/email", data=fields).status_code == 302
    (message,) = outbox(kind="feed")
    message.status = MessageStatus.failed
    db.session.commit()
    again = _send_again(colead_client, message)
    assert again.status_code == 302 and outbox(kind="feed")[0].status == "queued"


def test_contacts_changed_since_the_page_asked_are_asked_about_first(colead_client):
    """The confirmation names whom the link goes to; the link went to the office's contacts as
    they were when the form came back: one another co-lead added meanwhile (or an address
    changed) got the office's private link unseen by the co-lead who sent it."""
    _contacts(("Ana Quispe", "ana@indecopi.example", "es"))
    asked = hidden_fields(colead_client, "/offices/PE/feed/email")
    _contacts(("Someone Else", "someone@elsewhere.example", "en"))
    late = colead_client.post("/offices/PE/feed/email", data=asked)
    assert late.status_code == 409
    page = html.unescape(late.text)
    assert "Nothing was emailed: PE's contacts changed since this page asked" in page
    assert "Someone Else <someone@elsewhere.example> (in English)" in page
    assert not outbox(kind="feed")
    # Asked again, about the contacts as they are now.
    again = colead_client.post("/offices/PE/feed/email", data=hidden_fields_of(late.text))
    assert again.status_code == 302 and len(outbox(kind="feed")) == 2
    # An address changed since is a change too.
    asked = hidden_fields(colead_client, "/offices/PE/feed/email")
    contact = db.session.query(OfficeContact).filter_by(email="someone@elsewhere.example").one()
    contact.email = "someone@other.example"
    db.session.commit()
    late = colead_client.post("/offices/PE/feed/email", data=asked)
    assert late.status_code == 409 and len(outbox(kind="feed")) == 2


def test_a_double_click_emails_the_link_once(colead_client):
    """ "Email the link" pressed twice (a double click, Back and send again) queued the email
    twice for each contact: each got the same link in two identical emails."""
    _contacts(("Ana Quispe", "ana@indecopi.example", "es"), ("Lee", "lee@indecopi.example", "en"))
    fields = hidden_fields(colead_client, "/offices/PE/feed/email")
    assert colead_client.post("/offices/PE/feed/email", data=fields).status_code == 302
    twice = colead_client.post("/offices/PE/feed/email", data=fields, follow_redirects=True)
    assert len(outbox(kind="feed")) == 2
    assert (
        "PE's feed link is on its way to Ana Quispe, Lee already: nothing was emailed again."
        in html.unescape(twice.text)
    )


@pytest.mark.committed  # two requests at once, each on a connection of its own
def test_a_double_click_reaching_two_instances_at_once_emails_the_link_once(colead_client):
    """The two requests of a double click, each on an instance of its own: each looked for an
    email with this link on its way, found none (the other's was not committed yet), and
    wrote one: every contact got the link twice. The second now waits for the first to be
    stored, then finds it on its way."""
    from planner.mail.models import OutboxMessage
    from tests.support import sent_at_once

    _contacts(("Ana Quispe", "ana@indecopi.example", "es"), ("Lee", "lee@indecopi.example", "en"))
    fields = hidden_fields(colead_client, "/offices/PE/feed/email")
    first, second, meanwhile = sent_at_once(
        lambda: colead_client.post("/offices/PE/feed/email", data=fields),
        lambda: colead_client.post("/offices/PE/feed/email", data=fields),
        held_before=OutboxMessage,
    )
    assert (first.status_code, second.status_code) == (302, 302)
    assert sorted(m.recipient_email for m in outbox(kind="feed")) == [
        "ana@indecopi.example",
        "lee@indecopi.example",
    ]
    assert not meanwhile, "the second request did not wait for the first"


def test_send_again_refuses_a_feed_email_to_someone_no_longer_a_contact(colead_client):
    """A feed email that did not go (no mail server yet, or it failed), its contact removed
    since (they left the office): "Send again" sent the office's private link to them all the
    same."""
    from planner.mail.models import MessageStatus

    _contacts(("Lee", "lee@indecopi.example", "en"))
    fields = hidden_fields(colead_client, "/offices/PE/feed/email")
    assert colead_client.post("/offices/PE/feed/email", data=fields).status_code == 302
    (message,) = outbox(kind="feed")
    message.status = MessageStatus.not_sent
    db.session.delete(db.session.query(OfficeContact).one())
    db.session.commit()
    again = _send_again(colead_client, message)
    assert again.status_code == 409
    assert "lee@indecopi.example is no longer a contact of PE" in html.unescape(again.text)
    assert outbox(kind="feed")[0].status == "not_sent"


def test_a_link_revoked_while_the_emails_are_written_is_not_emailed(colead_client, monkeypatch):
    """Another co-lead's revocation landing between the page's check of the link and the
    emails written with it (their revocation withdrew what it found: nothing yet) let the
    emails go with the revoked link, opening nothing."""
    from sqlalchemy import update

    from planner.mail.messages import feeds

    _contacts(("Ana Quispe", "ana@indecopi.example", "es"))
    fields = hidden_fields(colead_client, "/offices/PE/feed/email")
    written = feeds.queue_message

    def revoked_meanwhile(*args, **kwargs):
        # As the other co-lead's request does it: the link raised, the unsent emails withdrawn.
        db.session.execute(
            update(Office)
            .where(Office.code == "PE")
            .values(feed_version=Office.feed_version + 1)
            .execution_options(synchronize_session=False)
        )
        feeds.withdraw_not_out(feeds._carrying(Office(code="PE")), kinds=("feed",))
        monkeypatch.setattr(feeds, "queue_message", written)
        return written(*args, **kwargs)

    monkeypatch.setattr(feeds, "queue_message", revoked_meanwhile)
    late = colead_client.post("/offices/PE/feed/email", data=fields)
    assert late.status_code == 409
    assert "Nothing was emailed: PE's feed link was replaced since this page asked" in (
        html.unescape(late.text)
    )
    assert not outbox(kind="feed")


def _said(client, url: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", client.get(url).text)).split())


def test_a_contact_who_leaves_is_named_while_the_feed_link_they_were_emailed_works(
    app, colead_client
):
    """helper-240: PE's focal point left; a co-lead gave her contact the new person's name and
    address (or deleted it), and the pages said what each calendar was sent, nothing of the
    office's feed link she had been emailed: it went on showing her PE's slots unseen, and her
    successor was never sent it."""
    _contacts(("Ana Quispe", "ana@indecopi.example", "es"), ("Lee", "lee@indecopi.example", "en"))
    _email_link(colead_client)
    assert len(_delivered(app.config)) == 2  # through a real SMTP server
    office = _said(colead_client, "/offices/PE")
    assert "The current link was emailed to Ana Quispe and Lee (1 December 2026)." in office
    lee = next(c for c in db.session.scalars(select(OfficeContact)) if c.name == "Lee")

    url = f"/offices/contacts/{lee.id}/edit"
    assert (
        "lee@indecopi.example was emailed PE's calendar feed link on 1 December 2026: a new "
        "address here does not end it, revoking it on PE's page does."
    ) in _said(colead_client, url)
    form = {**form_of(colead_client, url), "name": "Rosa Vega", "email": "rosa@indecopi.example"}
    saved = colead_client.post(url, data=form)
    assert saved.status_code == 302
    said = _said(colead_client, saved.location)
    assert (
        "Rosa Vega saved. lee@indecopi.example, no longer a contact of PE, was emailed its "
        "calendar feed link on 1 December 2026, which still works: revoke it below if they "
        "should no longer see PE's slots."
    ) in said
    assert (
        "The current link was emailed to Ana Quispe (1 December 2026); not yet to Rosa Vega."
    ) in said
    assert (
        "Also emailed to Lee <lee@indecopi.example> (1 December 2026), no longer a contact of "
        "PE: the link still shows them PE's slots. If they should no longer see them, revoke it "
        "and email the new one to the contacts."
    ) in said
    # A new name alone changes nothing of who has the link, and says nothing of it.
    form = {**form_of(colead_client, url), "name": "Rosa Vega Díaz"}
    said = _said(colead_client, colead_client.post(url, data=form).location)
    assert "Rosa Vega Díaz saved." in said and "no longer a contact" not in said.split("Also")[0]

    ana = next(c for c in db.session.scalars(select(OfficeContact)) if c.name == "Ana Quispe")
    delete = f"/offices/contacts/{ana.id}/delete"
    assert (
        "ana@indecopi.example was emailed PE's calendar feed link on 1 December 2026: deleting "
        "the contact does not end it, revoking it on PE's page does."
    ) in _said(colead_client, delete)
    deleted = colead_client.post(delete, data=hidden_fields(colead_client, delete))
    said = _said(colead_client, deleted.location)
    assert (
        "ana@indecopi.example, no longer a contact of PE, was emailed its calendar feed link on "
        "1 December 2026, which still works"
    ) in said
    assert "Also emailed to Ana Quispe <ana@indecopi.example> and Lee <lee@indecopi.example>" in (
        said
    )

    # Revoked, the link they have opens nothing, and the page names no one but who has none.
    revoke = hidden_fields(colead_client, "/offices/PE/feed/revoke")
    assert colead_client.post("/offices/PE/feed/revoke", data=revoke).status_code == 302
    office = _said(colead_client, "/offices/PE")
    assert "The current link was emailed to no one yet." in office
    assert "Also emailed" not in office and "lee@" not in office.split("Contacts")[0]
    _email_link(colead_client)
    (sent,) = _delivered(app.config)
    assert sent["To"].addresses[0].addr_spec == "rosa@indecopi.example"
    office = _said(colead_client, "/offices/PE")
    assert "The current link was emailed to Rosa Vega Díaz (1 December 2026)." in office
