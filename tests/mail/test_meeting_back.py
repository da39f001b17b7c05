"""A meeting cancelled by mistake and brought back (helper-241): everyone its cancellation
reached is told once that it is back, as a REQUEST above the CANCEL they hold, in their
language; a presenter is asked to confirm again only where what they confirmed changed (it did
not); a cancellation not gone yet is taken back instead, and goes to no one."""

import html
from datetime import timedelta

from planner.extensions import db
from planner.mail.messages import enqueue_reminders
from planner.mail.models import MessageStatus
from planner.mail.unsubscribe import unsubscribe
from planner.offices.models import OfficeContact
from tests.mail.test_languages import _delivered, _part
from tests.mail.test_messages import PRESENTER, outbox, vevent
from tests.presenters.support import confirm, invite
from tests.support import hidden_fields, publish_as_planned

KIM, LUCIA, PAT, JUN = (
    "kim@ipaustralia.example",
    "lucia@ipaustralia.example",
    "pat@ipaustralia.example",
    "jun@jpo.example",
)
JP_PRESENTER = "hana@jpo.example"


def _contacts() -> None:
    for office, name, email, language in (
        ("AU", "Kim", KIM, "en"),
        ("AU", "Lucía", LUCIA, "es"),
        ("AU", "Pat", PAT, "en"),
        ("JP", "Jun", JUN, "en"),
    ):
        db.session.add(
            OfficeContact(office_code=office, name=name, email=email, language=language, source="t")
        )
    db.session.commit()


def _workshop(app, api, slot, presenter):
    """The Rec 10 workshop published with its contacts; AU's talk confirmed by its presenter,
    JP's presenter invited and not answered yet; everything delivered, then it is cancelled
    (the mistake) and its cancellations delivered too."""
    _contacts()
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    (japan,) = [s for s in slot.meeting.slots if s.office_code == "JP"]
    invite(api, japan, name="Hana Example", email=JP_PRESENTER, time_zone="Asia/Tokyo")
    _delivered(app.config)
    # Pat turned the updates off: the cancellation still reaches them (it only takes out what
    # their calendar holds); its return is news they stopped.
    unsubscribe(PAT, "update")
    db.session.commit()
    cancel = f"/meetings/{slot.meeting_id}/delete"
    assert api.post(cancel, data=hidden_fields(api, cancel)).status_code == 302
    _delivered(app.config)
    return japan


def _bring_back(api, slot):
    url = f"/meetings/{slot.meeting_id}/reinstate"
    return api.post(url, data=hidden_fields(api, url))


def test_everyone_the_cancellation_reached_is_told_once_that_it_is_back(app, api, slot, presenter):
    japan = _workshop(app, api, slot, presenter)
    cancelled = {m.recipient_email: m for m in _delivered_cancellations(app)}
    assert set(cancelled) == {PRESENTER, KIM, LUCIA, PAT, JUN, JP_PRESENTER}
    before = len(outbox())
    asked = html.unescape(api.get(f"/meetings/{slot.meeting_id}/reinstate").text)
    assert (
        "Emailed that it is back, once each, as its cancellation reached them: Alex Example "
        "(“Risk-based governance of new technologies”, confirmed: stays confirmed); Hana "
        "Example (“Blockchain for priority documents”, not answered yet: asked to answer). "
        "Nothing they confirmed changed: whoever had confirmed stays confirmed."
    ) in asked
    assert (
        "Emailed that their office's presentations are back on the agenda, once each: the "
        "office contacts its cancellation reached, AU (2), JP (1)"
    ) in asked
    assert "taken back" not in asked
    done = _bring_back(api, slot)
    assert done.status_code == 302
    said = html.unescape(api.get(done.headers["Location"]).text)
    assert "The meeting is back: published again as it was, and in the calendar feeds. " in said
    assert "5 people are emailed that it is back." in said
    written = outbox()[before:]
    assert sorted(m.recipient_email for m in written) == sorted(
        [PRESENTER, JP_PRESENTER, KIM, LUCIA, JUN]
    )
    assert {m.kind for m in written} == {"update"}
    assert all(m.status == MessageStatus.queued for m in written)
    mine = {m.recipient_email: m for m in written}
    alex = mine[PRESENTER]
    assert alex.subject == f"Back on the agenda: {slot.title}"
    for body in (alex.text_body, html.unescape(alex.html_body)):
        assert "the co-leads have brought it back as it was" in body
        assert "It stays confirmed: there is nothing to do." in body
        assert "please confirm" not in body.lower()
        assert "Status: confirmed" in body
    hana = mine[JP_PRESENTER]
    assert (
        "Please confirm it on your private page (below), decline it or ask for another time."
    ) in hana.text_body
    assert "Status: waiting for your confirmation" in hana.text_body
    assert mine[KIM].subject == f"Back on the agenda: {slot.title}"
    assert "this presentation by your office is on its agenda again" in mine[KIM].text_body
    assert mine[LUCIA].subject == f"De nuevo en el orden del día: {slot.title}"
    assert "vuelve a figurar en su orden del día" in mine[LUCIA].text_body
    assert mine[JUN].subject == f"Back on the agenda: {japan.title}"
    # Each a REQUEST of the same UID above the CANCEL it puts back, with the slot's status.
    for email, message in mine.items():
        event, cancel = vevent(message), vevent(cancelled[email])
        assert str(event["UID"]) == str(cancel["UID"])
        assert int(event["SEQUENCE"]) > int(cancel["SEQUENCE"])
        assert message.ics_method == "REQUEST" and str(cancel["STATUS"]) == "CANCELLED"
    assert str(vevent(alex)["STATUS"]) == "CONFIRMED"
    assert "PARTSTAT=ACCEPTED" in _unfolded(alex.ics) and "RSVP=TRUE" not in _unfolded(alex.ics)
    assert str(vevent(hana)["STATUS"]) == "TENTATIVE" and "RSVP=TRUE" in _unfolded(hana.ics)
    # As a real SMTP server receives them, once each; nothing more on the next round.
    delivered = _delivered(app.config)
    assert sorted(m["To"].addresses[0].addr_spec for m in delivered) == sorted(mine)
    (spanish,) = [m for m in delivered if m["To"].addresses[0].addr_spec == LUCIA]
    assert spanish["Subject"] == mine[LUCIA].subject and spanish["Content-Language"] == "es"
    assert "METHOD:REQUEST" in _part(spanish, "calendar")
    assert _delivered(app.config) == []
    # The outbox says what went.
    page = html.unescape(api.get("/outbox?kind=update&status=sent").text)
    assert page.count("Back on the agenda: ") == 4 and "De nuevo en el orden del día" in page
    # The confirmed presenter is reminded again as the day comes (their reminder of the
    # cancelled meeting was withdrawn with it).
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 1


def _unfolded(ics: str) -> str:
    return ics.replace("\r\n ", "")


def _delivered_cancellations(app):
    return [m for m in outbox(kind="cancellation") if m.status == MessageStatus.sent]


def test_a_cancellation_not_gone_yet_is_taken_back_and_no_one_hears_of_either(
    app, api, slot, presenter
):
    """Cancelled by mistake and brought back within seconds, before the mail sender's next
    round: the cancellations never go (the outbox says why), and nothing else does."""
    _contacts()
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    _delivered(app.config)
    before = len(outbox())
    cancel = f"/meetings/{slot.meeting_id}/delete"
    assert api.post(cancel, data=hidden_fields(api, cancel)).status_code == 302
    written = outbox()[before:]
    assert written and {m.kind for m in written} == {"cancellation"}
    asked = html.unescape(api.get(f"/meetings/{slot.meeting_id}/reinstate").text)
    assert (
        "Not sent yet, so taken back instead (they hear of neither): the cancellation to Alex "
        "Example, 3 office contacts of AU, 1 office contact of JP."
    ) in asked
    assert "No presenter holding a slot in it was sent its cancellation." in asked
    done = _bring_back(api, slot)
    said = html.unescape(api.get(done.headers["Location"]).text)
    assert "The meeting is back: published again as it was" in said and "emailed" not in said
    assert len(outbox()) == before + len(written)
    assert {m.status for m in outbox()[before:]} == {MessageStatus.superseded}
    page = html.unescape(api.get(f"/outbox/{written[0].id}").text)
    assert "The meeting was brought back before this cancellation went" in page
    assert _delivered(app.config) == []


def test_a_contact_added_while_it_was_cancelled_hears_of_it_as_new(app, api, slot, presenter):
    """Someone became a contact of the office while the meeting was cancelled: nothing of it
    was in their calendar, so its return is their first news of the talk, "On the agenda"."""
    _workshop(app, api, slot, presenter)
    _delivered(app.config)
    db.session.add(
        OfficeContact(office_code="AU", name="Noor", email="noor@ipa.example", source="t")
    )
    db.session.commit()
    assert outbox(recipient_email="noor@ipa.example") == []
    assert _bring_back(api, slot).status_code == 302
    (news,) = outbox(recipient_email="noor@ipa.example")
    assert news.subject == f"On the agenda: {slot.title}"
    assert "The attached calendar entry puts it in your calendar" in news.text_body


def test_without_a_mail_server_nothing_is_sent_and_nothing_was_lost(app, api, slot, presenter):
    """No mail server yet: every message waits as not sent, and the cancellation of what
    never went is no message at all. Brought back, no news of the return is written either:
    each contact's first news is written again as the slots are now."""
    _contacts()
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    for message in outbox():
        message.status = MessageStatus.not_sent
    db.session.commit()
    cancel = f"/meetings/{slot.meeting_id}/delete"
    assert api.post(cancel, data=hidden_fields(api, cancel)).status_code == 302
    before = len(outbox())
    # Nothing of the talks reached anyone: no calendar holds them, so no CANCEL is written
    # (helper-237: what was not sent is withdrawn, not cancelled).
    assert outbox(kind="cancellation") == []
    assert _bring_back(api, slot).status_code == 302
    assert outbox(kind="cancellation") == []
    # The contacts' first news of the talks, which never went and was taken back with the
    # cancellation, is written again as the slots are now; the presenter's invitation, not
    # sent either, still says it all once it goes.
    again = outbox()[before:]
    assert sorted((m.recipient_email, m.subject) for m in again) == sorted(
        [
            (KIM, f"On the agenda: {slot.title}"),
            (LUCIA, f"En el orden del día: {slot.title}"),
            (PAT, f"On the agenda: {slot.title}"),
            (JUN, "On the agenda: Blockchain for priority documents"),
        ]
    )
    assert outbox(recipient_email=PRESENTER, kind="update") == []


def test_an_invitation_held_for_review_when_it_was_cancelled_is_held_again(
    app, api, slot, presenter
):
    """The co-leads hold invitations for review; Alex's was still held when the meeting was
    cancelled (which took it away, unsent). Brought back, the slot is theirs again, invited:
    their invitation is held again for the co-leads to send, not dropped without a word, and
    the page that asks first says so."""
    from planner.mail.outbox import set_hold_invitations

    set_hold_invitations(True)
    db.session.commit()
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    (held,) = outbox(kind="invitation", recipient_email=PRESENTER)
    assert held.status == MessageStatus.held
    cancel = f"/meetings/{slot.meeting_id}/delete"
    assert api.post(cancel, data=hidden_fields(api, cancel)).status_code == 302
    assert outbox(kind="invitation", recipient_email=PRESENTER)[-1].status == "superseded"
    assert outbox(recipient_email=PRESENTER, kind="cancellation") == []
    asked = html.unescape(api.get(f"/meetings/{slot.meeting_id}/reinstate").text)
    assert (
        "Held again for your review in the outbox, as it never went: "
        "the invitation to Alex Example (“Risk-based governance of new technologies”)."
    ) in asked
    assert _bring_back(api, slot).status_code == 302
    again = outbox(kind="invitation", recipient_email=PRESENTER)[-1]
    assert again.id != held.id and again.status == MessageStatus.held
    assert again.subject == held.subject
    assert outbox(recipient_email=PRESENTER, kind="update") == []


def test_an_invitation_not_gone_yet_when_it_was_cancelled_is_sent_when_it_is_back(
    app, api, slot, presenter
):
    """Invitations are not reviewed; Alex's was queued for the sender's next round when the
    meeting was cancelled, which took it away unsent (helper-340). The page that asks first
    said it would be "held again for your review", as if the co-leads reviewed invitations:
    it is sent, and the page says so."""
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    (queued,) = outbox(kind="invitation", recipient_email=PRESENTER)
    assert queued.status == MessageStatus.queued
    cancel = f"/meetings/{slot.meeting_id}/delete"
    assert api.post(cancel, data=hidden_fields(api, cancel)).status_code == 302
    assert outbox(recipient_email=PRESENTER, kind="cancellation") == []
    asked = html.unescape(api.get(f"/meetings/{slot.meeting_id}/reinstate").text)
    assert (
        "Sent, as it never went before the meeting was cancelled: "
        "the invitation to Alex Example (“Risk-based governance of new technologies”)."
    ) in asked
    assert "Held again for your review" not in asked
    assert _bring_back(api, slot).status_code == 302
    again = outbox(kind="invitation", recipient_email=PRESENTER)[-1]
    assert again.id != queued.id and again.status == MessageStatus.queued
