"""JSON API for inviting a slot's presenter (co-leads): what the agenda editor's "Invite" does, by
the same form and operation, answered with the invitation and its private link."""

from flask import Blueprint, jsonify, url_for

from planner.accounts.idempotency import idempotent
from planner.accounts.security import colead_required
from planner.agenda.api import slot_json
from planner.agenda.models import Slot
from planner.errors import ConflictError, PlannerError
from planner.extensions import db
from planner.mail import messages
from planner.mail.outbox import fate
from planner.presenters.forms import InviteForm, invite_from
from planner.presenters.models import Invitation
from planner.presenters.operations import also_presenting, invited_stamp, where_it_stands
from planner.request_input import json_object, scalar_fields, unknown_fields

bp = Blueprint("presenters_api", __name__, url_prefix="/api/v1")

# The invite page's fields, by the names the API and the form give them.
_NAMES = {
    "name": "name",
    "email": "email",
    "time_zone": "time_zone",
    "language": "language",
    "invited": "invited",
}


def invitation_json(invitation: Invitation) -> dict:
    """The invitation as the co-leads see it: who, in which zone and language their page and
    emails are, when and by whom invited, their answer, and what became of the email."""
    return {
        "slot_id": invitation.slot_id,
        "name": invitation.name,
        "email": invitation.email,
        "time_zone": invitation.own_zone,
        "language": messages.presenter_language(invitation),
        "invited_at": invitation.invited_at.isoformat(),
        "invited_by": invitation.invited_by,
        "answer": invitation.answer,
        "note": invitation.note,
        # sent, queued, held (for review in the outbox), failed or not_sent, as /invited says.
        "email_status": fate(messages.invitation_mailed(invitation)) if invitation.email else None,
        # When the presenter's data was erased at their request (`flask personal-data erase`).
        "erased_at": invitation.erased_at.isoformat() if invitation.erased_at else None,
    }


@bp.post("/slots/<int:slot_id>/invite")
@colead_required
@idempotent
def invite(slot_id: int):
    slot = db.get_or_404(Slot, slot_id, description=f"There is no slot {slot_id}.")
    payload = json_object()
    if problem := unknown_fields(payload, list(_NAMES), "invitation field"):
        raise PlannerError(problem)
    data, wrong = scalar_fields(payload, _NAMES)
    if wrong:
        raise PlannerError(f"Give {', '.join(wrong)} as text.", field=wrong[0])
    if (data.get("invited") or "") != invited_stamp(slot):
        # As the page checks its form first: sent twice, a script would end the link it was
        # just given, and another co-lead's.
        raise _invited_already(slot)
    form = InviteForm(formdata=data, meta={"csrf": False})
    if not form.validate():
        field, refusals = next(iter(form.errors.items()))
        refused = PlannerError(refusals[0], field=field)
        refused.errors = form.errors
        raise refused
    invitation, token = invite_from(form, slot)
    db.session.flush()
    body = {
        **invitation_json(invitation),
        # Shown once here, as the page shows it to the co-lead who invites: theirs to pass on.
        "link": url_for("presenters.page", token=token, _external=True),
        "slot": slot_json(slot),
    }
    if warning := also_presenting(slot, invitation):
        body["warning"] = warning
    response = jsonify(body)
    response.status_code = 201
    response.headers["Cache-Control"] = "private, no-store"  # the presenter's private link
    return response


def _invited_already(slot: Slot) -> ConflictError:
    invitation = slot.invitation
    if invitation is None:
        return ConflictError(
            "This slot has no invitation (none any more, or none ever): send no `invited` to "
            "invite its presenter.",
            field="invited",
        )
    # What is true of it: declined, it is no refusal to invite someone else, only the check
    # that the caller saw it (helper-174: "is invited already ... whose private link works").
    refused = ConflictError(
        f"{where_it_stands(invitation)}; invited at {invitation.invited_at.isoformat()}. To "
        "invite someone (again), send `invited` as that invitation's `invited_at` (in "
        "`current`): a script sent twice must not end the link it was just given.",
        field="invited",
    )
    refused.current = invitation_json(invitation)
    return refused
