"""POST /api/v1/slots/<id>/invite: a script invites a slot's presenter as the agenda editor's
"Invite" does (the same form and operation, the same email), with the same refusals, and is
answered with the invitation and the private link the page shows the co-lead."""

import pytest

from planner.agenda.models import Slot
from planner.extensions import db
from planner.mail.models import MessageKind
from tests.mail.test_messages import PRESENTER, outbox
from tests.presenters.support import invite

ALEX = {
    "name": "Alex Example",
    "email": PRESENTER,
    "time_zone": "Sydney",
    "language": "es",
}


def url(slot) -> str:
    return f"/api/v1/slots/{slot.id}/invite"


def test_a_script_invites_as_the_page_does(api, slot, presenter):
    answer = api.post(url(slot), json=ALEX)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert answer.headers["Cache-Control"] == "private, no-store"
    assert {k: body[k] for k in ("slot_id", "name", "email", "time_zone", "language")} == {
        "slot_id": slot.id,
        "name": "Alex Example",
        "email": PRESENTER,
        "time_zone": "Australia/Sydney",  # a city, read as the page reads it
        "language": "es",
    }
    assert body["answer"] is None and body["invited_by"] == "colead@example.org"
    assert body["slot"]["status"] == "invited" and body["slot"]["id"] == slot.id
    # No mail server in the tests: written to the outbox, and going nowhere.
    assert body["email_status"] == "not_sent"
    assert "warning" not in body
    # The private link opens the presenter's page, in the language chosen.
    link = body["link"].removeprefix("http://localhost")
    page = presenter.get(link)
    assert page.status_code == 200 and 'lang="es"' in page.get_data(as_text=True)
    # The email goes as from the page: the invitation, in Spanish, carrying the link.
    (sent,) = outbox(kind=MessageKind.invitation)
    assert (sent.recipient_email, sent.language, sent.slot_id) == (PRESENTER, "es", slot.id)
    assert body["link"] in sent.text_body
    assert sent.ics_method == "REQUEST"
    # The page shows the same link to the co-leads.
    assert body["link"] in api.get(f"/slots/{slot.id}/invited").get_data(as_text=True)


def test_the_page_and_the_api_write_the_same_invitation(api, slot):
    """One operation for both: the same person invited to two talks, one from each, is sent
    two invitations that differ only in their slot and link."""
    other = db.session.scalar(db.select(Slot).where(Slot.title.like("Blockchain%")))
    invite(api, slot, language="es")
    assert api.post(url(other), json=ALEX).status_code == 201
    by_page, by_api = outbox(kind=MessageKind.invitation)
    assert (by_page.slot_id, by_api.slot_id) == (slot.id, other.id)
    for message in (by_page, by_api):
        assert (message.recipient_email, message.language, message.status) == (
            PRESENTER,
            "es",
            by_page.status,
        )
    assert by_page.subject.replace(slot.title, other.title) == by_api.subject


def test_inviting_again_needs_the_invitation_it_replaces(api, slot, presenter):
    """As the page: a form sent again from an older page (here, a script sent twice) would end
    the link just given out."""
    first = api.post(url(slot), json=ALEX).get_json()
    again = api.post(url(slot), json={**ALEX, "name": "Sam Other"})
    assert again.status_code == 409
    refusal = again.get_json()
    assert refusal["field"] == "invited"
    assert "Alex Example is invited to this slot already" in refusal["message"]
    assert refusal["current"]["invited_at"] == first["invited_at"]
    assert "link" not in refusal["current"]  # the link only to whoever invites
    # Still Alex's, and their link still works.
    assert presenter.get(first["link"].removeprefix("http://localhost")).status_code == 200
    stale = api.post(url(slot), json={**ALEX, "invited": "2026-01-01T00:00:00+00:00"})
    assert stale.status_code == 409
    # Meant: Sam is invited, and Alex's link ends.
    replaced = api.post(
        url(slot), json={**ALEX, "name": "Sam Other", "invited": first["invited_at"]}
    )
    assert replaced.status_code == 201, replaced.get_json()
    assert replaced.get_json()["name"] == "Sam Other"
    assert presenter.get(first["link"].removeprefix("http://localhost")).status_code == 404


def test_after_a_decline_the_refusal_says_so_and_someone_else_is_invited(api, slot, presenter):
    """helper-174: Rosa declined; inviting Ana in her place without `invited` was refused saying
    "Rosa Quispe is invited to this slot already (whose private link works ...)". It says she
    declined, and how to invite someone else; sent so, Ana is invited."""
    rosa = api.post(url(slot), json={**ALEX, "name": "Rosa Quispe"}).get_json()
    link = rosa["link"].removeprefix("http://localhost")
    declined = presenter.post(link + "/answer", data={"answer": "declined", "note": "Away."})
    assert declined.status_code == 302
    ana = {**ALEX, "name": "Ana", "email": "ana@ipaustralia.example"}
    refused = api.post(url(slot), json=ana)
    assert refused.status_code == 409
    message = refused.get_json()["message"]
    assert message.startswith("Rosa Quispe declined this slot on ")
    assert "is invited" not in message and "private link works" not in message
    assert "To invite someone (again), send `invited` as that invitation's `invited_at`" in message
    assert refused.get_json()["current"]["answer"] == "declined"
    invited = api.post(url(slot), json={**ana, "invited": rosa["invited_at"]})
    assert invited.status_code == 201, invited.get_json()
    assert invited.get_json()["name"] == "Ana"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"name": ""}, "name", "Who presents?"),
        ({"email": "not an address"}, "email", ""),
        ({"time_zone": "CET"}, "time_zone", ""),
        ({"language": "xx"}, "language", "Choose one of en, es, fr, pt, ru, zh."),
        ({"name": ["Alex"]}, "name", "Give name as text."),
        ({"name": "A\u0000lex"}, "name", ""),
        ({"token": "x"}, None, "Unknown invitation field(s): token."),
    ],
)
def test_bad_fields_are_400_naming_them(api, slot, fields, field, words):
    answer = api.post(url(slot), json={**ALEX, **fields})
    assert answer.status_code == 400
    refusal = answer.get_json()
    assert refusal.get("field") == field and words in refusal["message"], refusal
    assert db.session.get(Slot, slot.id).invitation is None
    assert outbox() == []


def test_the_page_s_refusals(api, slot):
    cancelled = api.patch(f"/api/v1/slots/{slot.id}", json={"status": "cancelled"})
    assert cancelled.status_code == 200
    refused = api.post(url(slot), json=ALEX)
    assert refused.status_code == 409
    assert refused.get_json()["message"] == "This slot is cancelled: there is no one to invite."
    opening = db.session.scalar(db.select(Slot).where(Slot.title == "Opening"))
    refused = api.post(url(opening), json=ALEX)
    assert refused.status_code == 400
    assert refused.get_json()["message"] == "Only a presentation has a presenter to invite."
    assert api.post("/api/v1/slots/999999/invite", json=ALEX).status_code == 404


def test_only_co_leads_invite(client, slot):
    answer = client.post(url(slot), json=ALEX)
    assert answer.status_code == 401
    assert db.session.get(Slot, slot.id).invitation is None


def test_a_presenter_of_another_talk_is_a_warning(api, slot):
    other = db.session.scalar(db.select(Slot).where(Slot.title.like("Blockchain%")))
    assert api.post(url(other), json=ALEX).status_code == 201
    body = api.post(url(slot), json=ALEX).get_json()
    assert body["warning"].startswith("Alex Example is also invited to present “Blockchain")


def test_the_refusal_for_a_presenter_taken_off_does_not_offer_them_an_answer(api, slot):
    """A presenter the co-leads took off (set back to proposed) cannot answer from their link
    (`answer` refuses them): the refusal said inviting someone ends their link, "with which they
    could still change their answer"."""
    rosa = api.post(url(slot), json={**ALEX, "name": "Rosa Quispe"}).get_json()
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "proposed"}).status_code == 200
    refused = api.post(url(slot), json={**ALEX, "name": "Ana"})
    assert refused.status_code == 409
    message = refused.get_json()["message"]
    assert message.startswith(
        "Rosa Quispe was invited to this slot and the co-leads took them off it (inviting "
        "someone makes a new link and ends theirs); invited at " + rosa["invited_at"]
    )
    assert "change their answer" not in message
