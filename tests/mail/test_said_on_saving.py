"""What a co-lead's page says a save emails: before it (the contact form and its delete page
foretell it, asking the mail package) and after it (the message shown once saved counts what
the save wrote to the outbox)."""

import html
import re
from datetime import timedelta

import time_machine

from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.messages import UPDATE_SETTLE
from planner.offices.models import OfficeContact
from tests.mail.test_messages import outbox
from tests.presenters.support import invite
from tests.support import form_of, hidden_fields, publish_as_planned


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
