"""helper-151: a presentation its presenter holds does not silently become a discussion or a
break, on the slot's page or through the API: refused, naming the presenter and what to do
first, with nothing changed and the form kept as typed."""

import html
import re

from sqlalchemy import func, select

from planner.agenda.models import Slot
from planner.extensions import db
from planner.mail.models import OutboxMessage
from tests.presenters.support import before_the_meeting as before_the_meeting
from tests.presenters.support import confirm, invite
from tests.presenters.support import presenter as presenter
from tests.presenters.support import slot as slot
from tests.support import form_of


def _messages() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def _field_error(page: str, name: str) -> str:
    found = re.search(rf'<p class="error" id="{name}-error">(.*?)</p>', page, re.S)
    return html.unescape(found[1]) if found else ""


def _version(slot_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Slot, slot_id).version


def _unchanged(slot_id: int, version: int) -> None:
    db.session.expire_all()
    stored = db.session.get(Slot, slot_id)
    assert (stored.kind, stored.title, stored.version) == (
        "presentation",
        "Risk-based governance of new technologies",
        version,
    )


def test_a_presentation_its_presenter_holds_keeps_its_kind(api, slot, presenter):
    """Invited, then confirmed: made a discussion or a break, the API answers 409 naming the
    presenter and what to do first; nothing is stored and no message is written."""
    link = invite(api, slot)
    slot_id = slot.id
    version, written = _version(slot_id), _messages()
    refused = api.patch(f"/api/v1/slots/{slot_id}", json={"kind": "discussion"})
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["field"] == "kind"
    assert refused.get_json()["message"] == (
        "“Risk-based governance of new technologies” has a presenter: Alex Example is invited "
        "to it, and a discussion has none. Take them off it first: set its status back to "
        "proposed (they are told it is no longer theirs) or cancel the slot; then change its kind."
    )
    _unchanged(slot_id, version)
    assert _messages() == written

    assert confirm(presenter, link).status_code == 302
    version, written = _version(slot_id), _messages()
    # With other changes in the same request: none of them is saved either.
    refused = api.patch(
        f"/api/v1/slots/{slot_id}", json={"kind": "break", "title": "Coffee", "status": "proposed"}
    )
    assert refused.status_code == 409
    assert "Alex Example has confirmed it, and a break has none" in refused.get_json()["message"]
    _unchanged(slot_id, version)
    assert _messages() == written


def test_the_slot_page_refuses_it_with_the_form_as_typed(api, slot, presenter):
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    slot_id = slot.id
    version = _version(slot_id)
    url = f"/slots/{slot_id}/edit"
    fields = {**form_of(api, url), "kind": ["break"], "title": ["Coffee, typed"]}
    page = api.post(url, data=fields)
    assert page.status_code == 409
    text = page.get_data(as_text=True)
    assert _field_error(text, "slot-kind").startswith(
        "“Risk-based governance of new technologies” has a presenter: Alex Example has "
        "confirmed it, and a break has none. Take them off it first"
    )
    assert 'value="Coffee, typed"' in text
    chosen = re.search(r'<select[^>]*name="kind"[^>]*>(.*?)</select>', text, re.S)[1]
    assert re.search(r"<option[^>]*selected[^>]*>break<", chosen), chosen
    _unchanged(slot_id, version)


def test_taken_off_first_the_presentation_becomes_a_discussion(api, slot, presenter):
    """Set back to proposed (which tells the presenter), it changes kind: while it is a
    discussion, the invitation left from before holds nothing (a discussion has no presenter)
    and a move asks no one to confirm again. Made a presentation again, that invitation names
    its presenter again (`changes._kind_changed`): they are told it is on the agenda, at the
    time it has now, and their page's calendar entry opens again."""
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    slot_id = slot.id
    assert api.patch(f"/api/v1/slots/{slot_id}", json={"status": "proposed"}).status_code == 200
    made = api.patch(f"/api/v1/slots/{slot_id}", json={"kind": "discussion", "status": "confirmed"})
    assert made.status_code == 200, made.get_json()
    stored = db.session.get(Slot, slot_id)
    assert stored.held_by is None
    moved = api.patch(
        f"/api/v1/meetings/{stored.meeting_id}", json={"starts_at": "2027-03-09T14:00:00+01:00"}
    )
    assert moved.status_code == 200
    assert [(s["kind"], s["status"]) for s in moved.get_json()["slots"]][1] == (
        "discussion",
        "confirmed",
    )
    assert presenter.get(link + "/slot.ics").status_code == 404
    before = db.session.scalar(select(func.max(OutboxMessage.id)))
    back = api.patch(f"/api/v1/slots/{slot_id}", json={"kind": "presentation"})
    assert back.status_code == 200, back.get_json()
    db.session.expire_all()
    stored = db.session.get(Slot, slot_id)
    assert stored.held_by is stored.invitation is not None
    told = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id > before)).all()
    assert [(m.kind, m.recipient_email, m.subject) for m in told] == [
        ("update", "alex@ipaustralia.example", f"On the agenda: {stored.title}")
    ]
    assert "14:10–14:30" in told[0].text_body
    assert presenter.get(link + "/slot.ics").status_code == 200
