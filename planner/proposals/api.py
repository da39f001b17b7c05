"""JSON API for proposals: anyone may propose; co-leads list them (a page at a time, as every
API listing: `pagination.api_page`) and change their status."""

from flask import Blueprint, Response, abort, jsonify, request, url_for

from planner.accounts import throttle
from planner.accounts.idempotency import idempotent
from planner.accounts.security import colead_required
from planner.extensions import db
from planner.http_errors import api_error
from planner.pagination import api_page, api_requested, paged
from planner.proposals.forms import (
    StatusForm,
    VolunteerForm,
    decide_from,
    fill_choices,
    submit_from,
)
from planner.proposals.models import STATUSES, Proposal
from planner.proposals.operations import Conflict, review_query
from planner.request_input import json_object, query_int, scalar_fields, unknown_fields

bp = Blueprint("proposals_api", __name__, url_prefix="/api/v1")


def proposal_json(proposal: Proposal) -> dict:
    return {
        "id": proposal.id,
        "office": proposal.office_code,
        "name": proposal.contact_name,
        "email": proposal.contact_email,
        "consent": proposal.contact_consent,
        "language": proposal.contact_language,
        "title": proposal.title,
        "abstract": proposal.abstract,
        "recommendations": [r.number for r in proposal.recommendations],
        "duration": proposal.duration_minutes,
        "availability": proposal.availability,
        "maturity": proposal.maturity,
        "status": proposal.status,
        "version": proposal.version,
        "created_at": proposal.created_at.isoformat(),
        "updated_at": proposal.updated_at.isoformat(),
        # When its volunteer's data was erased at their request (`flask personal-data erase`).
        "erased_at": proposal.erased_at.isoformat() if proposal.erased_at else None,
        "history": [
            {
                "at": event.at.isoformat(),
                "actor": event.actor,
                "action": event.action,
                "from": event.from_status,
                "to": event.to_status,
                "reason": event.reason,
            }
            for event in proposal.events
        ],
    }


# JSON names of the form's fields.
_NAMES = {
    "office": "office",
    "name": "contact_name",
    "email": "contact_email",
    "title": "title",
    "abstract": "abstract",
    "duration": "duration_minutes",
    "availability": "availability",
    "maturity": "maturity",
    "language": "language",
}


@bp.get("/proposals")
@colead_required
def index():
    status = request.args.get("status") or None
    if status and status not in STATUSES:
        abort(400, f"status is one of: {', '.join(STATUSES)}")
    number = query_int("recommendation")
    page_number, size = api_requested()
    page, proposals = paged(review_query(status, number), page_number, size)
    return {**api_page(page), "proposals": [proposal_json(p) for p in proposals]}


def _unknown(payload: dict, known: list[str]) -> Response | None:
    """A script sending the page's names ("contact_name") is told so, not what is missing;
    in `fields` too, under each unknown name, as the line-ups API says it."""
    problem = unknown_fields(payload, known, "proposal field")
    if not problem:
        return None
    return api_error(400, problem, fields={name: [problem] for name in set(payload) - set(known)})


def _wrong_type(names: list[str], problem: str) -> Response:
    """A refusal of values of the wrong type, in `fields` too under each name, as every other
    problem of a form-like body."""
    return api_error(400, problem, fields={name: [problem] for name in names})


@bp.post("/proposals")
@idempotent
def create():
    payload = json_object()
    if refused := _unknown(payload, [*_NAMES, "recommendations", "consent"]):
        return refused
    data, wrong = scalar_fields(payload, _NAMES)
    if wrong:
        return _wrong_type(wrong, f"Give {', '.join(wrong)} as text or a whole number.")
    consent = payload.get("consent", False)
    if not isinstance(consent, bool):
        return _wrong_type(["consent"], "Give consent as true or false.")
    numbers = payload.get("recommendations") or []
    if not isinstance(numbers, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) for n in numbers
    ):
        return _wrong_type(
            ["recommendations"], "Give recommendations as a list of numbers, e.g. [10]."
        )
    for number in numbers:
        data.add("recommendations", str(number))
    if consent:
        data["consent"] = "y"
    form = VolunteerForm(formdata=data, meta={"csrf": False})
    fill_choices(form)
    if not form.validate():
        return api_error(
            400, "The proposal has problems; see fields.", fields=_renamed(form.errors)
        )
    try:
        throttle.spend_proposal_budget()
    except throttle.Throttled as refusal:
        return api_error(429, refusal.message), 429, refusal.headers()
    try:
        proposal, token = submit_from(form)
    except Conflict as error:
        return api_error(409, str(error))
    body = proposal_json(proposal)
    body["link"] = url_for("proposals.private", token=token, _external=True)
    response = jsonify(body)
    response.status_code = 201
    response.headers["Cache-Control"] = "private, no-store"  # the volunteer's private link
    return response


def _renamed(errors: dict) -> dict:
    back = {form_name: json_name for json_name, form_name in _NAMES.items()}
    return {back.get(name, name): messages for name, messages in errors.items()}


@bp.patch("/proposals/<int:proposal_id>")
@colead_required
def update(proposal_id: int):
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        abort(404, f"No proposal {proposal_id}.")
    payload = json_object()
    if refused := _unknown(payload, ["status", "reason", "version"]):
        return refused
    if "version" not in payload:
        return api_error(
            428, "Send the version you last read, so that no one's change is lost silently."
        )
    data, wrong = scalar_fields(payload, {k: k for k in ("status", "reason", "version")})
    if wrong:
        return _wrong_type(wrong, f"Give {', '.join(wrong)} as text or a whole number.")
    form = StatusForm(formdata=data, meta={"csrf": False})
    if not form.validate():
        return api_error(400, "The change has problems; see fields.", fields=form.errors)
    try:
        decide_from(form, proposal)
    except Conflict as error:
        return api_error(409, str(error), current=proposal_json(proposal))
    return jsonify(proposal_json(proposal))
