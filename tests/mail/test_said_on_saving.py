"""What a co-lead's page says a save emails: before it (the contact form and its delete page
foretell it, asking the mail package) and after it (the message shown once saved counts what
the save wrote to the outbox)."""

import html
import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.messages import UPDATE_SETTLE
from planner.mail.outbox import set_hold_invitations
from planner.offices.models import OfficeContact
from tests.mail.test_messages import invitations_went, outbox
from tests.presenters.support import TALK, invite
from tests.support import (
    add_slot_on_page,
    counted_queries,
    form_of,
    hidden_fields,
    publish_as_planned,
)


def _said(client, response) -> str:
    """The message a redirect after a save shows, as the page it leads to reads."""
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _contact(office: str, name: str, email: str, language: str = "en") -> None:
    db.session.add(
        OfficeContact(office_code=office, name=name, email=email, language=language, source="test")
    )
    db.session.commit()


def test_a_meeting_saved_says_how_many_people_are_emailed_the_change(api, slot):
    """helper-164: a published meeting renamed said only "Meeting saved." while its presenter
    and its offices' contacts were each sent "Changed: …". Counted in what was written: the
    presenter and AU's contact (JP has none), once their first news has gone."""
    invite(api, slot)
    _contact("AU", "Kim", "kim@ipaustralia.example")
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invitations_went()  # before it went, the rename writes it again (helper-348, helper-352)
    edit = f"/meetings/{slot.meeting_id}/edit"
    with time_machine.travel(utcnow() + UPDATE_SETTLE + timedelta(seconds=1)):
        before = len(outbox())
        form = {**form_of(api, edit), "title": "Rec 10 workshop (renamed)"}
        said = _said(api, api.post(edit, data=form))
        written = outbox()[before:]
        assert {m.recipient_email for m in written} == {
            "alex@ipaustralia.example",
            "kim@ipaustralia.example",
        }
        assert "Meeting saved. 2 people are emailed the change." in said
        # Saved again unchanged: nothing is written, nothing said of it.
        said = _said(api, api.post(edit, data=form_of(api, edit)))
        assert len(outbox()) == before + 2
        assert "Meeting saved." in said and "emailed" not in said


def test_a_slot_changed_or_cancelled_says_how_many_people_are_emailed(api, slot):
    """The slot's presenter and AU's two contacts; JP's slot beside it tells no one."""
    invite(api, slot)
    _contact("AU", "Kim", "kim@ipaustralia.example")
    _contact("AU", "Lee", "lee@ipaustralia.example")
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invitations_went()
    edit = f"/slots/{slot.id}/edit"
    with time_machine.travel(utcnow() + UPDATE_SETTLE + timedelta(seconds=1)):
        said = _said(api, api.post(edit, data={**form_of(api, edit), "duration_minutes": "25"}))
        assert "Slot saved. 3 people are emailed the change." in said
        delete = f"/slots/{slot.id}/delete"
        said = _said(api, api.post(delete, data=hidden_fields(api, delete)))
        assert "3 people are emailed the cancellation." in said
    assert [m.ics_method for m in outbox(recipient_email="lee@ipaustralia.example")] == [
        "REQUEST",
        "REQUEST",
        "CANCEL",
    ]


def _two_au_slots_published(api, slot) -> None:
    second = {**TALK, "title": "AI search in practice"}
    assert api.post(f"/api/v1/meetings/{slot.meeting_id}/slots", json=second).status_code == 201
    assert publish_as_planned(api, slot.meeting_id).status_code == 200


def _page(client, url: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", client.get(url).text)).split())


def _add(client, code: str, **fields):
    url = f"/offices/{code}/contacts/new"
    return client.post(url, data={**form_of(client, url), "role": "", **fields})


def test_adding_and_deleting_a_contact_says_what_is_emailed_before_and_after(api, slot):
    """helper-164: adding Rosa to an office with two slots on a published agenda sent her each
    as a calendar invitation, and deleting her a cancellation of each, while the pages said
    only "Contacts are private…", "Contact added to AU." and "Rosa Vega will no longer be a
    contact of AU…"."""
    _two_au_slots_published(api, slot)
    rosa = "rosa@ipaustralia.example"
    asked = _page(api, "/offices/AU/contacts/new")
    assert (
        "AU presents 2 slots on published agendas: the new contact will be sent each as a "
        "calendar invitation, about a minute after you add them, in the language chosen below."
    ) in asked
    said = _said(api, _add(api, "AU", name="Rosa Vega", email=rosa, language="es"))
    assert (
        "Contact added to AU. Rosa Vega is sent 2 calendar invitations (in Spanish), one for "
        "each of AU's slots on published agendas."
    ) in said
    sent = outbox(recipient_email=rosa)
    assert [(m.ics_method, m.language) for m in sent] == [("REQUEST", "es")] * 2
    (contact,) = db.session.scalars(select(OfficeContact).where(OfficeContact.email == rosa))
    with time_machine.travel(utcnow() + UPDATE_SETTLE + timedelta(seconds=1)):
        edit = _page(api, f"/offices/contacts/{contact.id}/edit")
        assert (
            "AU presents 2 slots on published agendas. Only a new email address sends anything: "
            "the new address is sent each as a calendar invitation (in Spanish), and "
            f"{rosa} a cancellation of the 2 slots its calendar holds."
        ) in edit
        delete = f"/offices/contacts/{contact.id}/delete"
        assert (
            "Rosa Vega's calendar holds 2 slots AU presents on published agendas: Rosa Vega will "
            "be sent a cancellation of each (in Spanish)."
        ) in _page(api, delete)
        said = _said(api, api.post(delete, data=hidden_fields(api, delete)))
    assert (
        "Rosa Vega is no longer a contact of AU. Rosa Vega is sent 2 cancellations (in Spanish) "
        "for AU's slots in their calendar."
    ) in said
    gone = outbox(recipient_email=rosa)[2:]
    assert [(m.ics_method, m.language) for m in gone] == [("CANCEL", "es")] * 2


def test_a_new_address_says_what_the_new_and_the_old_one_are_sent(api, slot):
    _two_au_slots_published(api, slot)
    assert _add(api, "AU", name="Rosa Vega", email="rosa@ipaustralia.example", language="es")
    (contact,) = db.session.scalars(select(OfficeContact))
    url = f"/offices/contacts/{contact.id}/edit"
    with time_machine.travel(utcnow() + UPDATE_SETTLE + timedelta(seconds=1)):
        form = {**form_of(api, url), "email": "rosa.vega@ipaustralia.example"}
        said = _said(api, api.post(url, data=form))
        assert (
            "Rosa Vega saved. rosa.vega@ipaustralia.example is sent 2 calendar invitations (in "
            "Spanish). rosa@ipaustralia.example is sent 2 cancellations (in Spanish)."
        ) in said
        # A new name or language emails no one, and says nothing of it.
        said = _said(api, api.post(url, data={**form_of(api, url), "language": "fr"}))
        assert "Rosa Vega saved." in said and "is sent" not in said


def test_a_contact_in_a_language_the_emails_are_not_written_in_is_told_english(api, slot):
    """The contact form offers Arabic; the emails have no Arabic version: the pages say the
    invitations go in English, as they do."""
    _two_au_slots_published(api, slot)
    asked = _page(api, "/offices/AU/contacts/new")
    assert (
        "The emails have no Arabic version: a contact who prefers it is written to in English."
    ) in asked
    layla = "layla@ipaustralia.example"
    said = _said(api, _add(api, "AU", name="Layla", email=layla, language="ar"))
    assert (
        "Layla is sent 2 calendar invitations (in English: the emails have no Arabic version)"
    ) in said
    assert {m.language for m in outbox(recipient_email=layla)} == {"en"}
    (contact,) = db.session.scalars(select(OfficeContact))
    assert "(in English: the emails have no Arabic version)" in _page(
        api, f"/offices/contacts/{contact.id}/edit"
    )


def test_an_office_with_nothing_published_says_nothing_is_emailed(api, slot):
    """PE presents nothing; AU's meeting is still a draft."""
    for code in ("PE", "AU"):
        asked = _page(api, f"/offices/{code}/contacts/new")
        assert (
            f"{code} presents no slot on a published agenda: adding a contact emails them "
            "nothing now (the office's contacts are sent its slots once their meeting is "
            "published)."
        ) in asked
    said = _said(api, _add(api, "AU", name="Kim", email="kim@ipaustralia.example"))
    assert "Contact added to AU." in said and "is sent" not in said
    assert outbox() == []
    (contact,) = db.session.scalars(select(OfficeContact))
    delete = f"/offices/contacts/{contact.id}/delete"
    assert "No email is sent: AU presents no slot on a published agenda." in _page(api, delete)


def test_publishing_and_adding_a_slot_say_how_many_people_are_emailed(api, slot):
    """The presenter and AU's contact hear of the publishing; the contact of a slot added."""
    invite(api, slot)
    invitations_went()  # before it went, it is written again as published (helper-340)
    _contact("AU", "Kim", "kim@ipaustralia.example")
    url = f"/meetings/{slot.meeting_id}/publish"
    published = publish_as_planned(api, slot.meeting_id, url, data=hidden_fields(api, url))
    assert (
        "Published: the agenda is public and in the calendar feeds. 2 people are emailed their "
        "slots."
    ) in _said(api, published)
    added = add_slot_on_page(api, slot.meeting_id, title="AI search", office="AU")
    assert "Slot added. 1 person is emailed the new slot." in _said(api, added)


def test_a_contact_deleted_before_their_invitations_went_is_told_nothing_and_so_says_the_page(
    api, slot
):
    """Deleted within the minute their first news waits, a contact is sent nothing (the
    invitations are withdrawn): the delete page does not promise them cancellations."""
    _two_au_slots_published(api, slot)
    assert _add(api, "AU", name="Rosa Vega", email="rosa@ipaustralia.example", language="es")
    (contact,) = db.session.scalars(select(OfficeContact))
    delete = f"/offices/contacts/{contact.id}/delete"
    asked = _page(api, delete)
    assert "will be sent a cancellation" not in asked
    assert "No email is sent: Rosa Vega's calendar holds none of AU's slots" in asked
    said = _said(api, api.post(delete, data=hidden_fields(api, delete)))
    assert "Rosa Vega is no longer a contact of AU." in said and "is sent" not in said
    assert [m.ics_method for m in outbox(recipient_email="rosa@ipaustralia.example")] == [
        "REQUEST",
        "REQUEST",
    ]


def test_deleting_a_slot_no_one_presents_says_no_one_is_emailed_its_cancellation(api, slot):
    """helper-307: a draft's slot no one was invited to, deleted while another slot's update
    waited its minute, said "Slot deleted. 1 person is emailed the cancellation.": the
    meeting's length followed the slots, so that waiting update was written again as it was,
    to go when it would have, and counted as what the deletion sent. Nobody is sent anything
    new, least of all a cancellation."""
    invite(api, slot)
    invitations_went()  # before it went, a change writes it again (helper-348)
    meeting = f"/api/v1/meetings/{slot.meeting_id}"
    assert api.patch(meeting, json={"duration_pinned": False}).status_code == 200
    with time_machine.travel(utcnow() + UPDATE_SETTLE + timedelta(seconds=1)):
        edit = f"/slots/{slot.id}/edit"
        said = _said(api, api.post(edit, data={**form_of(api, edit), "title": "AI governance"}))
        assert "Slot saved. 1 person is emailed the change." in said
        waiting = outbox(recipient_email="alex@ipaustralia.example")[-1]
        other = next(s for s in slot.meeting.slots if s.office_code == "JP")
        delete = f"/slots/{other.id}/delete"
        said = _said(api, api.post(delete, data=hidden_fields(api, delete)))
        assert "Slot deleted. Edit:" in said  # the flash says no more, the editor follows
        # The update waiting its minute still goes, saying what it said.
        going = outbox(recipient_email="alex@ipaustralia.example")[-1]
        assert going.status == "queued"
        assert going.text_body == waiting.text_body


def test_a_second_change_within_the_minute_reads_no_text_of_the_update_it_replaces(api, slot):
    """The update a second change within the minute replaces says it all anew: what the one it
    withdraws said (its subject and text) is read only where that one is written again in its
    place, to go when it would have (`writing._said_before`), not on every save."""
    invite(api, slot)
    invitations_went()
    with time_machine.travel(utcnow() + UPDATE_SETTLE + timedelta(seconds=1)):
        url = f"/api/v1/slots/{slot.id}"
        assert api.patch(url, json={"title": "AI governance"}).status_code == 200
        waiting = outbox(recipient_email="alex@ipaustralia.example")[-1]
        with counted_queries() as statements:
            assert api.patch(url, json={"title": "AI in governance"}).status_code == 200
        db.session.expire_all()
        assert db.session.get(type(waiting), waiting.id).status == "superseded"
        going = outbox(recipient_email="alex@ipaustralia.example")[-1]
        assert going.subject == "Changed: AI in governance (title)"
    read = [s for s in statements if s.startswith("SELECT outbox.subject, outbox.text_body")]
    assert read == []


@pytest.mark.parametrize(("hold", "how"), [(False, "not sent yet"), (True, "held for review")])
def test_a_change_an_invitation_not_sent_yet_now_says_is_said_as_such(api, slot, hold, how):
    """helper-352: Alex invited, and the talk's title corrected before the invitation went,
    said "Slot saved. 1 person is emailed the change." Alex gets no email of the change: one
    invitation, written again as the talk now is. The page says that."""
    set_hold_invitations(hold)
    db.session.commit()
    invite(api, slot)
    (written,) = outbox(kind="invitation")
    edit = f"/slots/{slot.id}/edit"
    said = _said(api, api.post(edit, data={**form_of(api, edit), "title": "AI governance"}))
    assert f"Slot saved. 1 invitation {how} is written again as the talk now is." in said
    assert "emailed" not in said
    assert [(m.kind, m.status) for m in outbox()] == [
        ("invitation", "superseded"),
        ("invitation", "held" if hold else "queued"),
    ]
    assert outbox()[-1].subject == "Invitation to present: AI governance"
    assert outbox()[0].id == written.id
