"""Email addresses: every form and the JSON API refuse a bad one with the same words and store a
good one in one normal form (an internationalised domain in Unicode, however it was typed), and
the sender's ASCII form of a domain is the one the check accepted."""

import html

import pytest
from sqlalchemy import select

from planner.addresses import (
    NOT_AN_ADDRESS,
    AddressError,
    ascii_domain,
    needs_smtputf8,
    normal_address,
)
from planner.errors import PlannerError
from planner.extensions import db
from planner.offices.models import OfficeContact
from planner.presenters.models import Invitation
from planner.proposals.models import Proposal
from tests.presenters.support import before_the_meeting as before_the_meeting
from tests.presenters.support import invite
from tests.presenters.support import slot as slot
from tests.support import VOLUNTEERED as PROPOSAL
from tests.support import csrf_token

BAD = ["eva@exämple", "eva@@example.org", "eva@exämple..org", "josé", "eva@\ud800.org", " @x.org"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("eva@exämple.org", "eva@exämple.org"),
        (" Eva@EXÄMPLE.org ", "Eva@exämple.org"),
        ("eva@xn--exmple-cua.org", "eva@exämple.org"),
        ("josé@example.org", "josé@example.org"),
        ("Dana@ILPO.example", "Dana@ilpo.example"),
    ],
)
def test_an_address_is_stored_in_one_form(typed, stored):
    assert normal_address(typed) == stored


@pytest.mark.parametrize("typed", BAD)
def test_what_is_no_address_is_refused_in_words(typed):
    with pytest.raises(PlannerError) as refused:
        normal_address(typed, field="email")
    assert (refused.value.message, refused.value.field) == (NOT_AN_ADDRESS, "email")
    # helper-303: it says how to put it right, not only that it is wrong.
    assert refused.value.message.endswith("Write it whole, such as name@office.org.")


def test_the_sender_writes_the_domain_the_check_accepted_in_ascii():
    assert ascii_domain("eva@exämple.org") == "eva@xn--exmple-cua.org"
    assert ascii_domain("Eva@EXÄMPLE.org") == "Eva@xn--exmple-cua.org"  # UTS #46 maps case
    assert ascii_domain("a@faß.de") == "a@xn--fa-hia.de"  # IDNA 2008, as the check: not fass.de
    assert ascii_domain("ana@Example.org") == "ana@Example.org"  # ASCII stays as it is
    assert ascii_domain("josé@exämple.org") == "josé@xn--exmple-cua.org"
    assert needs_smtputf8("josé@example.org") and not needs_smtputf8("eva@exämple.org")
    with pytest.raises(AddressError):
        ascii_domain("eva@exämple..org")  # stored before the check: a message fails, no 500


def _contact(client, email: str):
    url = "/offices/AU/contacts/new"
    data = {"csrf_token": csrf_token(client, url), "name": "Eva", "email": email, "language": "en"}
    return client.post(url, data=data)


def _volunteer(client, email: str):
    data = {
        "office": "AU",
        "contact_name": "Eva Volunteer",
        "contact_email": email,
        "title": "Governing AI trials",
        "abstract": "What we learned.",
        "recommendations": ["10"],
        "duration_minutes": "20",
        "maturity": "pilot",
        "csrf_token": csrf_token(client, "/volunteer"),
    }
    return client.post("/volunteer", data=data)


def _invite_page(api, slot, email: str):
    url = f"/slots/{slot.id}/invite"
    data = {"name": "Eva", "email": email, "time_zone": "", "csrf_token": csrf_token(api, url)}
    return api.post(url, data=data)


@pytest.mark.parametrize("typed", BAD[:3])
def test_every_form_and_the_api_refuse_a_bad_address_with_the_same_words(client, api, slot, typed):
    refused = client.post("/api/v1/proposals", json={**PROPOSAL, "email": typed})
    assert refused.status_code == 400
    assert refused.get_json()["fields"]["email"] == [NOT_AN_ADDRESS]
    for page in (_volunteer(client, typed), _contact(api, typed), _invite_page(api, slot, typed)):
        assert page.status_code == 400
        assert str(NOT_AN_ADDRESS) in html.unescape(page.get_data(as_text=True))
    assert db.session.scalars(select(Proposal)).all() == []
    assert db.session.scalars(select(OfficeContact)).all() == []
    assert db.session.scalars(select(Invitation)).all() == []


def test_every_form_and_the_api_store_the_one_form(client, api, slot):
    created = client.post("/api/v1/proposals", json={**PROPOSAL, "email": "Eva@XN--EXMPLE-CUA.org"})
    assert created.status_code == 201
    assert created.get_json()["email"] == "Eva@exämple.org"
    assert _volunteer(client, "kim@EXÄMPLE.org").status_code == 302
    assert _contact(api, "eva@xn--exmple-cua.org").status_code == 302
    # The same address typed the other way is the same contact.
    again = _contact(api, "eva@exämple.org")
    assert again.status_code == 409 and "is already a contact of AU" in again.get_data(as_text=True)
    invite(api, slot, email="ALEX@Exämple.ORG")
    db.session.expire_all()
    proposals = db.session.scalars(select(Proposal.contact_email).order_by(Proposal.id)).all()
    assert proposals == ["Eva@exämple.org", "kim@exämple.org"]
    assert db.session.scalars(select(OfficeContact.email)).all() == ["eva@exämple.org"]
    assert db.session.scalars(select(Invitation.email)).all() == ["ALEX@exämple.org"]


def test_an_address_stored_in_its_other_spelling_is_the_same_person(app_context):
    """Stored before every address was kept in one form (its domain in ASCII, or in capitals),
    an unsubscribe still holds for the address as it is written now."""
    from planner.addresses import spellings
    from planner.mail.models import Unsubscription
    from planner.mail.outbox import unsubscribed

    assert set(spellings("Eva@Exämple.org")) == {"eva@exämple.org", "eva@xn--exmple-cua.org"}
    db.session.add(Unsubscription(email="eva@xn--exmple-cua.org", kind="update"))
    db.session.flush()
    assert unsubscribed("eva@exämple.org", "update")
    assert unsubscribed("EVA@EXÄMPLE.ORG", "update")
    assert not unsubscribed("ava@exämple.org", "update")


def test_one_mailbox_in_any_spelling():
    """Messages compare contacts' addresses as mailboxes: a contact stored with its domain in
    ASCII and saved again in Unicode is not a new address (helper-59)."""
    from planner.addresses import mailbox, same_address

    assert same_address("eva@exämple.org", "EVA@xn--exmple-cua.org")
    assert mailbox(" Eva@Exämple.org ") == mailbox("eva@xn--exmple-cua.org")
    assert not same_address("eva@example.org", "ева@example.org")
    assert not same_address("", "") and mailbox(None) == ""
    # Labels some in Unicode, some in ASCII (helper-62): still one mailbox.
    assert same_address("a@xn--zrich-kva.bücher.de", "A@zürich.xn--bcher-kva.de")


def test_capitals_in_any_script_are_one_recipient_for_the_outbox(app, app_context):
    """SQLite's lower() (and PostgreSQL's in the C locale) folds only ASCII capitals: the outbox
    and the contacts keep each address's mailbox, so ÉLISE@ and élise@ are one person. A
    contact's language reaches the invitation to her address in the other case, and her later
    message waits while an earlier one to her waits for a retry."""
    from datetime import timedelta

    from planner.db_types import utcnow
    from planner.mail.messages import language_of
    from planner.mail.outbox import Recipient, enqueue
    from planner.mail.sender import claim

    db.session.add(
        OfficeContact(
            office_code="ES", name="Élise", email="ÉLISE@oepm.example", language="fr", source="t"
        )
    )
    db.session.flush()
    assert language_of("élise@oepm.example") == "fr"
    assert language_of("élise@oepm.example", "ES") == "fr"
    assert language_of("elise@oepm.example") == "en"

    first = enqueue(
        Recipient("ÉLISE@oepm.example", "Élise", "fr"), kind="update", subject="1", text="1"
    )
    later = enqueue(
        Recipient("élise@oepm.example", "Élise", "fr"), kind="update", subject="2", text="2"
    )
    other = enqueue(
        Recipient("eva@oepm.example", "Eva", "en"), kind="update", subject="3", text="3"
    )
    # Read once every message is written, however long that took (a second was counted ahead
    # of a clock read before them, and a loaded machine can take longer to write three).
    now = utcnow() + timedelta(seconds=1)
    first.attempts, first.next_attempt_at = 1, now + timedelta(minutes=2)  # waits for a retry
    db.session.commit()
    assert claim(now) == [other.id]
    assert later.id not in claim(now + timedelta(minutes=3))  # the earlier one goes first
