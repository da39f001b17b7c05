"""The language of a presenter's emails, chosen on the invite form (helper-148): pre-selected
with the one the app knows them by, kept with the invitation, refused when unknown."""

import html
import re

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.offices.models import OfficeContact
from planner.presenters.models import Invitation
from tests.mail.test_messages import PRESENTER, outbox
from tests.presenters.support import confirm, invite, reads, shown_time
from tests.support import form_in, hidden_fields, publish_as_planned


def _selected(client, slot) -> list[str]:
    page = client.get(f"/slots/{slot.id}/invite").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="language".*?</select>', page, re.S)
    assert select, "no language on the invite form"
    return re.findall(r'<option selected value="([^"]+)"', select[0])


def test_the_form_offers_the_languages_the_emails_are_written_in(api, slot):
    page = api.get(f"/slots/{slot.id}/invite").get_data(as_text=True)
    assert "Language of their emails" in page
    offered = re.findall(r'<option(?: selected)? value="([^"]+)">([^<]+)</option>', page)
    assert [code for code, _ in offered] == ["en", "es", "fr", "pt", "ru", "zh"]
    assert dict(offered)["pt"] == "Portuguese" and dict(offered)["zh"] == "Chinese"
    # No contact, no one invited: English, as they would be written to.
    assert _selected(api, slot) == ["en"]


def test_the_contact_filled_in_comes_with_their_language(api, slot):
    reads("fr")
    assert _selected(api, slot) == ["fr"]


def test_a_contact_in_a_language_not_written_in_is_offered_english(api, slot):
    reads("ar")
    assert _selected(api, slot) == ["en"]


def test_the_volunteer_filled_in_comes_with_the_language_they_chose(client, colead_client, survey):
    from tests.proposals.test_schedule import decide, meeting, schedule, slots, the_proposal
    from tests.proposals.test_schedule import volunteer as propose

    propose(colead_client, language="es")
    proposal = the_proposal()
    decide(colead_client, proposal)
    schedule(colead_client, proposal, meeting(colead_client, time_zone="Europe/Zurich"))
    (slot,) = slots()
    assert _selected(colead_client, slot) == ["es"]


def test_inviting_again_shows_the_language_chosen(api, slot):
    invite(api, slot, name="Ольга Смирнова", email="olga@example.org", language="ru")
    assert db.session.get(Invitation, slot.invitation.id).language == "ru"
    assert _selected(api, slot) == ["ru"]
    invite(api, slot, name="Ольга Смирнова", email="olga@example.org", language="ru")
    db.session.expire_all()
    assert slot.invitation.language == "ru"


def test_a_language_the_app_knows_them_by_is_not_kept_as_a_choice(api, slot):
    """A contact's own language stays theirs to change; English for someone whose language
    is not known leaves their page to read their browser's."""
    reads("fr")
    invite(api, slot, language="fr")
    db.session.expire_all()
    assert slot.invitation.language is None
    invite(api, slot, name="Sam", email="sam@example.org", language="en")
    db.session.expire_all()
    assert slot.invitation.language is None
    # English chosen for the French contact is a choice: kept. The form, filled in for Sam
    # in English, asks first (Alex's language is French: helper-240), then takes English.
    url = f"/slots/{slot.id}/invite"
    alex = {"name": "Alex Example", "email": PRESENTER, "time_zone": "Australia/Sydney"}
    asked = api.post(url, data={**hidden_fields(api, url), **alex, "language": "en"})
    assert asked.status_code == 409
    form = form_in(asked.get_data(as_text=True), 'name="invited"')
    assert form["language"] == ["fr"]
    assert api.post(url, data={**form, "language": "en"}).status_code == 302
    db.session.expire_all()
    assert slot.invitation.language == "en"
    assert outbox(kind="invitation", recipient_email=PRESENTER)[-1].language == "en"


def test_an_unknown_language_is_refused_saying_which_are_accepted(api, slot):
    url = f"/slots/{slot.id}/invite"
    data = {"name": "Olga", "email": "olga@example.org", "time_zone": "", "language": "de"}
    answer = api.post(url, data={**hidden_fields(api, url), **data})
    assert answer.status_code == 400
    assert "Choose one of en, es, fr, pt, ru, zh." in answer.get_data(as_text=True)
    db.session.expire_all()
    assert slot.invitation is None and outbox(kind="invitation") == []


@pytest.mark.parametrize("leaving", ["someone else is invited", "they decline"])
def test_a_contact_no_longer_presenting_is_told_so_in_the_language_chosen_for_them(
    api, slot, presenter, leaving
):
    """A contact of the office (who reads Spanish as one) invited in Russian, the co-lead's
    choice: the message that they no longer present the slot, the last to them as its
    presenter, came in Spanish after an invitation and confirmations in Russian (helper-238).
    It is in the language their messages about the slot came in, as its times are in the zone
    their page showed."""
    reads("es")
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot, language="ru")
    assert confirm(presenter, link).status_code == 302
    if leaving == "someone else is invited":
        invite(api, slot, name="Sam Example", email="sam@example.org")
    else:
        shown = shown_time(presenter.get(link).get_data(as_text=True))
        answer = {"answer": "declined", "note": "Не смогу.", "shown_time": shown}
        assert presenter.post(link + "/answer", data=answer).status_code == 302
    told = outbox(recipient_email=PRESENTER)
    # As a contact, before the invitation, in Spanish; from the invitation on, in Russian.
    kinds = [m.kind for m in told]
    since = told[kinds.index("invitation") :]
    assert {m.language for m in since} == {"ru"}, [(m.kind, m.language) for m in told]
    last = told[-1]
    assert last.kind == "update" and last.language == "ru", (last.language, last.subject)
    assert '<html lang="ru">' in last.html_body and "Вы больше не выступаете" in last.subject


def test_a_talk_handed_to_a_colleague_is_not_in_the_last_presenter_s_language_or_zone(api, slot):
    """helper-240: handing a talk over, the co-lead opens "Invite" (filled in with whoever is
    invited now: their language, the zone given for them) and types the colleague's name and
    address. The colleague, a contact of the office who reads Spanish, was invited in English,
    their page and emails in Lisbon time, as the presenter before them had been. The zone and
    language filled in for someone else are no choice made for the colleague: the form comes
    back filled in with theirs, saying so, to check and send again; a field the co-lead changed
    is their choice and stays."""
    db.session.add(
        OfficeContact(
            office_code="AU",
            name="Rosa Vega",
            email="rosa@ipaustralia.example",
            language="es",
            source="t",
        )
    )
    db.session.commit()
    eva = {"name": "Eva Quispe", "email": "eva@ipaustralia.example", "time_zone": "Lisbon"}
    invite(api, slot, language="en", **eva)
    url = f"/slots/{slot.id}/invite"
    form = form_in(api.get(url).get_data(as_text=True), 'name="invited"')
    assert (form["time_zone"], form["language"]) == (["Lisbon, Portugal"], ["en"])
    rosa = {"name": "Rosa Vega", "email": "rosa@ipaustralia.example"}
    asked = api.post(url, data={**form, **rosa})
    assert asked.status_code == 409
    page = html.unescape(asked.get_data(as_text=True))
    assert (
        "The form was filled in for Eva Quispe, not for Rosa Vega: check their time zone, now "
        "the office's and language, now Spanish, the one the app knows them by, then send it "
        "again. Nothing was sent yet."
    ) in " ".join(page.split())
    assert not outbox(kind="invitation", recipient_email=rosa["email"])
    form = form_in(asked.get_data(as_text=True), 'name="invited"')
    assert (form["name"], form["email"]) == ([rosa["name"]], [rosa["email"]])
    assert (form["time_zone"], form["language"]) == (["Sydney, Australia"], ["es"])
    assert api.post(url, data=form).status_code == 302
    db.session.expire_all()
    invited = db.session.scalar(select(Invitation))
    assert (invited.name, invited.own_zone) == ("Rosa Vega", "Australia/Sydney")
    (invitation,) = outbox(kind="invitation", recipient_email=rosa["email"])
    assert invitation.language == "es" and "Sídney" in invitation.text_body
    assert "Lisboa" not in invitation.text_body

    # Changed on the form for the colleague, the language and zone are the co-lead's choice.
    form = form_in(api.get(url).get_data(as_text=True), 'name="invited"')
    chosen = {"name": "Jo", "email": "jo@ipaustralia.example", "time_zone": "Perth"}
    assert api.post(url, data={**form, **chosen, "language": "fr"}).status_code == 302
    db.session.expire_all()
    jo = db.session.scalar(select(Invitation))
    assert (jo.language, jo.own_zone) == ("fr", "Australia/Perth")


def test_a_presenter_s_address_corrected_keeps_the_zone_given_for_them(api, slot):
    """Eva's invitation went to a mistyped address; the co-lead opens "Invite" (filled in with
    Eva, in Lisbon) and corrects the address alone. It is still Eva: the zone given for her is
    hers, not one filled in for someone else, and the invitation goes in it, nothing asked."""
    eva = {"name": "Eva Quispe", "email": "eva@ipaustralia.exmaple", "time_zone": "Lisbon"}
    invite(api, slot, language="en", **eva)
    url = f"/slots/{slot.id}/invite"
    form = form_in(api.get(url).get_data(as_text=True), 'name="invited"')
    sent = api.post(url, data={**form, "email": "eva@ipaustralia.example"})
    assert sent.status_code == 302, html.unescape(sent.get_data(as_text=True))
    db.session.expire_all()
    invited = db.session.scalar(select(Invitation))
    assert (invited.email, invited.own_zone) == ("eva@ipaustralia.example", "Europe/Lisbon")


def test_a_volunteer_at_a_shared_mailbox_is_written_to_in_the_language_they_chose(
    client, colead_client, survey
):
    """Ben, who reads English, is the office's contact at ict@; Rosa volunteered from ict@ too,
    asking for Spanish. Invited by a script that chose no language (the language the app knows
    her by), her invitation came in English, Ben's: the language was the contact's at her
    address, whoever was invited there. It is hers, at any address; Ben still reads English."""
    from tests.offices.test_contacts import add, decide, volunteer
    from tests.proposals.test_schedule import meeting, schedule, slots, the_proposal

    shared = "ict@ipaustralia.example"
    add(colead_client, name="Ben Ward", email=shared)
    volunteer(client, contact_name="Rosa Quispe", contact_email=shared, language="es")
    decide(colead_client)
    schedule(colead_client, the_proposal(), meeting(colead_client))
    (slot,) = slots()
    url = f"/api/v1/slots/{slot.id}/invite"
    rosa = {"name": "Rosa Quispe", "email": shared, "time_zone": "Lima"}
    assert colead_client.post(url, json=rosa).status_code == 201
    (sent,) = outbox(kind="invitation")
    assert sent.language == "es", sent.subject
    # The form, opened again, says the language her emails come in: Spanish.
    assert _selected(colead_client, slot) == ["es"]
    for who, email, language in (
        ("Ben Ward", shared, "en"),
        # Her own address, which the co-leads learnt since: still Spanish, as she asked.
        ("Rosa Quispe", "rosa.quispe@ipaustralia.example", "es"),
    ):
        db.session.expire_all()
        invited = slot.invitation.invited_at.isoformat()
        again = {"name": who, "email": email, "invited": invited}
        assert colead_client.post(url, json=again).status_code == 201
        assert outbox(kind="invitation")[-1].language == language, who
