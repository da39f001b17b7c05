"""The language of a presenter's emails, chosen on the invite form (helper-148): pre-selected
with the one the app knows them by, kept with the invitation, refused when unknown."""

import re

from planner.extensions import db
from planner.presenters.models import Invitation
from tests.mail.test_messages import PRESENTER, outbox
from tests.presenters.support import invite, reads
from tests.support import hidden_fields


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
    # English chosen for the French contact is a choice: kept.
    invite(api, slot, language="en")
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
