"""Submitting, editing and reviewing proposals; the survey evidence beside each."""

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.orm.exc import StaleDataError

from planner.accounts.models import digest
from planner.addresses import same_address
from planner.agenda.models import Meeting, MeetingStatus, Slot, SlotStatus
from planner.agenda.queries import given_presentations
from planner.db_types import fit, utcnow
from planner.errors import ConflictError
from planner.extensions import db
from planner.languages import moment_here
from planner.mail import messages
from planner.mail.models import OutboxMessage
from planner.offices.contacts import from_proposal
from planner.proposals.models import NEW_LINK, Proposal, ProposalEvent, ProposalStatus
from planner.recommendations.models import Recommendation
from planner.survey.models import Answer, Survey
from planner.survey.operations import respondent_codes
from planner.survey.records import Question, says_nothing
from planner.turns import take_turn
from planner.versioning import changed_columns

TOKEN_BYTES = 32
EDITABLE = (
    "contact_name",
    "contact_email",
    "title",
    "abstract",
    "duration_minutes",
    "availability",
    "maturity",
)


class Conflict(ConflictError):
    """The change cannot be made as asked (someone else changed it, or it is closed)."""


class SentBefore(Conflict):
    """The same proposal was sent already (`proposal`): nothing new is stored."""

    def __init__(self, message: str, proposal: Proposal) -> None:
        super().__init__(message)
        self.proposal = proposal


def _recommendations(numbers: list[int]) -> list[Recommendation]:
    return list(
        db.session.scalars(select(Recommendation).where(Recommendation.number.in_(numbers)))
    )


def _office_actor(proposal: Proposal) -> str:
    who = f"{proposal.contact_name} <{proposal.contact_email}> for {proposal.office_code}"
    return fit(who, ProposalEvent.actor)


# A proposal sent again within this time, word for word by the same person, is the same one
# (the browser's Back and Send again, a double click), not a second proposal.
RESENT_WITHIN = timedelta(hours=24)


def _sent_before(office: str, fields: dict) -> Proposal | None:
    same_words = db.session.scalars(
        select(Proposal)
        .where(
            Proposal.office_code == office,
            Proposal.title == fields["title"],
            Proposal.abstract == fields["abstract"],
            Proposal.status == ProposalStatus.submitted,
            Proposal.created_at > utcnow() - RESENT_WITHIN,
        )
        .order_by(Proposal.id)
    )
    # By the same person in any case, in any script (SQL's lower() folds only ASCII).
    email = fields["contact_email"] or ""
    return next((p for p in same_words if same_address(p.contact_email, email)), None)


def submit(
    office: str,
    fields: dict,
    recommendations: list[int],
    *,
    consent: bool = False,
    language: str | None = None,
    mail_sent: bool = True,
) -> tuple[Proposal, str]:
    """Store a proposal; return it and its private link's token (never stored in the clear).
    The same proposal sent again is refused, saying where its link went (`mail_sent`: whether
    this site sends email, to say if the link could be emailed)."""
    # The two requests of a double click, on two instances, each found no such proposal
    # before the other's was stored: one at a time, the second finds the first's. (Sent
    # without an account, the address's turn at the budget holds them already.)
    take_turn(db.session.connection(), f"proposal {office} {fields['title']}")
    if earlier := _sent_before(office, fields):
        # In the office's zone: the volunteer's own, most likely.
        zone = (earlier.office.zone if earlier.office else None) or "UTC"
        sent = {"when": moment_here(zone, earlier.created_at), "email": earlier.contact_email}
        if not earlier.contact_email:
            said = _(
                "This proposal was sent already, on %(when)s; its private link was shown once, "
                "on the page after sending. To change it, use that link; nothing new was sent.",
                **sent,
            )
        elif mail_sent:
            said = _(
                "This proposal was sent already, on %(when)s; its private link was emailed to "
                "%(email)s. To change it, use that link; nothing new was sent.",
                **sent,
            )
        else:
            # Said as the proposal's page says it (helper-56): no email went.
            said = _(
                "This proposal was sent already, on %(when)s; its private link could not be "
                "emailed to %(email)s (this site sends no email yet); it was shown once, on the "
                "page after sending. To change it, use that link; nothing new was sent.",
                **sent,
            )
        raise SentBefore(said, earlier)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    proposal = Proposal(
        office_code=office,
        link_hash=digest(token),
        status=ProposalStatus.submitted,
        recommendations=_recommendations(recommendations),
        contact_consent=consent,
        contact_language=language,
        **{name: fields[name] for name in EDITABLE},
    )
    proposal.events.append(
        ProposalEvent(
            actor=_office_actor(proposal), action="submitted", to_status=ProposalStatus.submitted
        )
    )
    db.session.add(proposal)
    db.session.flush()
    messages.received(proposal, token)
    messages.proposal_arrived(proposal)
    return proposal, token


def by_token(token: str) -> Proposal | None:
    if len(token) < TOKEN_BYTES:
        return None
    return db.session.scalar(select(Proposal).where(Proposal.link_hash == digest(token)))


def _save(proposal: Proposal) -> None:
    """Write the change now, so that a co-lead's or the office's change made meanwhile is caught
    here (the version column) rather than at the end of the request. Saved unchanged, it is no
    new version."""
    if changed_columns(proposal):
        proposal.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        # The failed write leaves the session unusable: undo it, so the page can show the
        # proposal as it is now.
        db.session.rollback()
        raise Conflict(
            "Someone else changed this proposal at the same moment; your change was not saved. "
            "Reload the page and try again."
        ) from None


def edit_by_office(
    proposal: Proposal,
    fields: dict,
    recommendations: list[int],
    *,
    consent: bool | None = None,
    language: str | None = None,
) -> None:
    """The office's change to its proposal, until the co-leads decide (its consent to be kept as
    a contact and its language too, when given)."""
    if not proposal.open_to_office:
        raise Conflict(closed_reason(proposal))
    # Read before changing anything: a read would flush the change early, where a co-lead's
    # decision made meanwhile would be found outside _save.
    chosen = _recommendations(recommendations)
    events = proposal.events
    for name in EDITABLE:
        setattr(proposal, name, fields[name])
    if consent is not None:
        proposal.contact_consent = consent
    if language is not None:
        proposal.contact_language = language
    proposal.recommendations = chosen
    events.append(ProposalEvent(actor=_office_actor(proposal), action="edited"))
    _save(proposal)


def closed_reason(proposal: Proposal, *, write_instead: bool = False) -> str:
    """Why the office can no longer change its proposal: it withdrew it, or the co-leads
    decided (and, to withdraw it, it writes to them instead)."""
    if proposal.status == ProposalStatus.withdrawn:
        return _(
            "You withdrew this proposal; it can no longer change. To offer it again, send a new "
            "one."
        )
    if write_instead:
        return _(
            "The co-leads have decided: your proposal is %(status)s, so write to them instead.",
            status=proposal.status_label,
        )
    return _(
        "The co-leads have decided: your proposal is %(status)s, so it can no longer change.",
        status=proposal.status_label,
    )


def why_not_withdrawable(proposal: Proposal) -> str | None:
    """Why the office cannot withdraw its proposal (already withdrawn, or decided), or None."""
    if proposal.status == ProposalStatus.withdrawn:
        return _("You withdrew this proposal already: nothing changed.")
    if not proposal.open_to_office:
        return closed_reason(proposal, write_instead=True)
    return None


def withdraw(proposal: Proposal) -> None:
    if refused := why_not_withdrawable(proposal):
        raise Conflict(refused)
    proposal.events.append(
        ProposalEvent(
            actor=_office_actor(proposal),
            action="withdrawn",
            from_status=proposal.status,
            to_status=ProposalStatus.withdrawn,
        )
    )
    proposal.status = ProposalStatus.withdrawn
    _save(proposal)


def change_status(
    proposal: Proposal, status: str, reason: str, *, actor: str, seen_version: int
) -> OutboxMessage | None:
    """A co-lead's decision. Refused if the proposal changed since the co-lead looked at it.
    Returns the email telling the volunteer (an acceptance or a decline with an address)."""
    if proposal.version != seen_version:
        last = proposal.events[-1] if proposal.events else None
        held = slots_of(proposal, live=True)
        if held and (last is None or last.at < proposal.updated_at):
            # Put on an agenda since (a slot links to it; no event of its own records that).
            what = f": it was put on an agenda (“{held[-1].title}” in {held[-1].meeting.title})"
        elif last is not None:
            # As the proposal's history says it (helper-201: "(status, 2026-12-04 07:29 UTC)").
            what = f". Last change: {last.what} by {last.actor} on {last.at:%-d %b %Y, %H:%M} UTC"
        else:
            what = ""
        raise Conflict(
            f"This proposal changed since you opened it{what}. It is now {proposal.status}; "
            "your decision was not saved: look again and decide."
        )
    if proposal.status == ProposalStatus.withdrawn:
        raise Conflict("The office withdrew this proposal.")
    if status == proposal.status:
        raise Conflict(f"It is {status} already.")
    if proposal.status == ProposalStatus.accepted and (held := slots_of(proposal, live=True)):
        where = "; ".join(f"“{s.title}” in {s.meeting.title}" for s in held[:3])
        raise Conflict(
            f"It is on an agenda: {where}. Cancel or remove "
            f"{'that slot' if len(held) == 1 else 'those slots'} first, so that no agenda "
            "shows a presentation its proposal no longer backs; nothing was changed."
        )
    # Only the first acceptance keeps the volunteer as a contact: one removed since (the
    # volunteer asked to be) is not made again by accepting once more.
    first_acceptance = status == ProposalStatus.accepted and not proposal.was_accepted
    proposal.events.append(
        ProposalEvent(
            actor=actor,
            action="status",
            from_status=proposal.status,
            to_status=status,
            reason=reason.strip(),
        )
    )
    proposal.status = status
    _save(proposal)
    if first_acceptance:
        from_proposal(proposal, actor)
    return messages.decision(proposal, reason)


def slots_of(proposal: Proposal, *, live: bool = False) -> list[Slot]:
    """The slots made for a proposal, by the meeting's start; `live`: only those not cancelled,
    in meetings not cancelled (what an agenda still holds)."""
    return list(db.session.scalars(_slots_made_for([proposal.id], live=live)))


def _slots_made_for(proposal_ids: list[int], *, live: bool) -> Select:
    """`slots_of` the proposals, their meetings loaded with them."""
    query = (
        select(Slot)
        .join(Slot.meeting)
        .options(contains_eager(Slot.meeting))
        .where(Slot.proposal_id.in_(proposal_ids))
    )
    if live:
        query = query.where(
            Slot.status != SlotStatus.cancelled, Meeting.status != MeetingStatus.cancelled
        )
    return query.order_by(Meeting.starts_at, Slot.starts_at, Slot.id)


@dataclass(frozen=True)
class VolunteerPart:
    """What became of a proposal's slot, as its volunteer's page says it (`volunteer_part`)."""

    # draft: in an agenda not published yet; cancelled: the slot or its meeting; open: nobody
    # invited to present it (`status` proposed), or confirmed by the co-leads without an
    # invitation (confirmed); yours: the volunteer is invited or confirmed; you_declined: they
    # declined it; taken_off: the co-leads set it back, or declined it, on their behalf;
    # someone_else: another person is invited (or was: whatever became of it since).
    state: str
    # The status the page shows: the slot's own while it is the volunteer's or nobody's; of
    # another person's, only what the public agenda shows ("confirmed" or "to be confirmed"),
    # nothing of who they are nor of their answers.
    status: str
    # someone_else only: the volunteer was invited to it before (the other is in their place).
    in_your_place: bool = False

    @property
    def presenting(self) -> bool:
        """Whether the volunteer presents it (invited or confirmed): "When you present"."""
        return self.state == "yours"


def volunteer_part(proposal: Proposal, slot: Slot) -> VolunteerPart:
    """The volunteer's part in the slot made of their proposal: whether they present it,
    declined it, were taken off it, or someone else presents it, so that their page says
    what is true rather than "when you present" of a talk another person gives (helper-172)."""
    if slot.meeting.status == MeetingStatus.draft:
        return VolunteerPart("draft", slot.status)
    if slot.status_shown == SlotStatus.cancelled:
        return VolunteerPart("cancelled", SlotStatus.cancelled)
    invitation = slot.invitation
    if invitation is None:
        return VolunteerPart("open", slot.status)
    if not proposal.volunteer_is(invitation.name):
        public = SlotStatus.confirmed if slot.status == SlotStatus.confirmed else "to_confirm"
        return VolunteerPart(
            "someone_else", public, in_your_place=messages.invited_to_present(proposal, slot)
        )
    if slot.status in (SlotStatus.invited, SlotStatus.confirmed):
        return VolunteerPart("yours", slot.status)
    return VolunteerPart("taken_off" if slot.presenter_taken_off else "you_declined", slot.status)


def revoke_link(proposal: Proposal, *, actor: str) -> None:
    if proposal.link_hash is None:
        # A second click, or a tab opened before: nothing to revoke, nothing to record.
        raise Conflict("The proposal link was revoked already: nothing changed.")
    proposal.link_hash = None
    proposal.events.append(ProposalEvent(actor=actor, action="link revoked"))
    messages.link_withdrawn(proposal)
    _save(proposal)


def reissue_link(proposal: Proposal, *, actor: str) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    proposal.link_hash = digest(token)
    proposal.events.append(ProposalEvent(actor=actor, action=NEW_LINK))
    messages.link_withdrawn(proposal)
    _save(proposal)
    return token


def from_same_office(proposal: Proposal) -> list[tuple[Proposal, list[Slot]]]:
    """The office's other proposals, newest first, each with the slots an agenda holds of it:
    for the co-leads deciding on one to see what else the office offers, and who sent it
    (helper-240: a second person of an office volunteering, while the first one's talk was on
    the workshop's agenda). Withdrawn ones are left out: the office took them back."""
    others = db.session.scalars(
        select(Proposal)
        .where(
            Proposal.office_code == proposal.office_code,
            Proposal.id != proposal.id,
            Proposal.status != ProposalStatus.withdrawn,
        )
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
    ).all()
    held: dict[int, list[Slot]] = defaultdict(list)
    for slot in db.session.scalars(_slots_made_for([o.id for o in others], live=True)):
        held[slot.proposal_id].append(slot)
    return [(other, held[other.id]) for other in others]


def review_query(status: str | None = None, recommendation: int | None = None) -> Select:
    """The proposals the review lists (of a status, naming a recommendation), newest first,
    with what it shows of them loaded in a few queries; the pages read a page of them."""
    query = (
        select(Proposal)
        .options(
            selectinload(Proposal.recommendations),
            selectinload(Proposal.office),
            selectinload(Proposal.events),
        )
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
    )
    if status:
        query = query.where(Proposal.status == status)
    if recommendation:
        query = query.where(Proposal.recommendations.any(Recommendation.number == recommendation))
    return query


@dataclass(frozen=True)
class Evidence:
    """What the survey says about an office and a recommendation it proposes to present."""

    recommendation: Recommendation
    project: Answer | None  # the office's own Q4 answer on it
    wanting: list[str]  # other offices that want it discussed (Q8): its audience
    answered: bool = True  # whether the office answered the survey at all


def evidence_for(proposals: list[Proposal], survey: Survey | None) -> dict[int, list[Evidence]]:
    """The survey's evidence for each proposal (by id), read in one query for all of them."""
    if survey is None:
        return {p.id: [] for p in proposals}
    numbers = {r.number for p in proposals for r in p.recommendations}
    projects: dict[tuple[str, int], Answer] = {}
    wanting: dict[int, list[str]] = defaultdict(list)
    for answer in db.session.scalars(
        select(Answer).where(
            Answer.survey_id == survey.id,
            Answer.recommendation_number.in_(numbers),
            Answer.question.in_([Question.focus, Question.discuss]),
        )
    ):
        if answer.no_answer:  # "n/a" under Rec 3 is no project, "No" no wish (`says_nothing`)
            continue
        if answer.question is Question.focus:
            projects[answer.office_code, answer.recommendation_number] = answer
        else:
            wanting[answer.recommendation_number].append(answer.office_code)
    # An office that answered no question has no project to show, as one that named none: said
    # apart (helper-252: SG's proposal read "no project of SG on it in the survey", as if it had
    # answered without one).
    answered = respondent_codes(survey)
    return {
        p.id: [
            Evidence(
                r,
                projects.get((p.office_code, r.number)),
                sorted(o for o in wanting[r.number] if o != p.office_code),
                p.office_code in answered,
            )
            for r in p.recommendations
        ]
        for p in proposals
    }


def evidence(proposal: Proposal, survey: Survey | None) -> list[Evidence]:
    return evidence_for([proposal], survey)[proposal.id]


def suggested_abstract(survey: Survey | None, office: str, numbers: list[int]) -> str:
    """The office's own words about its projects (Q4) on the chosen recommendations: an "n/a"
    under one says nothing (`says_nothing`), and is no abstract."""
    if survey is None or not office or not numbers:
        return ""
    texts = db.session.scalars(
        select(Answer.text)
        .where(
            Answer.survey_id == survey.id,
            Answer.office_code == office,
            Answer.question == Question.focus,
            Answer.recommendation_number.in_(numbers),
        )
        .order_by(Answer.recommendation_number)
    )
    return "\n\n".join(text for text in texts if not says_nothing(text))


def accepted_proposals(*, include_given: bool = True) -> list[Proposal]:
    """The proposals the co-leads accepted, with their recommendations; `include_given=False`:
    only those whose talk has not been given yet (`given_presentations`), which the matching and
    the line-ups still offer: a talk given at one workshop is not proposed for the next."""
    query = (
        select(Proposal)
        .where(Proposal.status == ProposalStatus.accepted)
        .options(selectinload(Proposal.recommendations))
    )
    if not include_given:
        given = {slot.proposal_id for slot in given_presentations(utcnow())}
        query = query.where(Proposal.id.not_in(given - {None}))
    return list(db.session.scalars(query))


def decision(proposal: Proposal) -> ProposalEvent | None:
    """The co-leads' latest decision on a proposal, with its reason (None: none yet)."""
    return next((e for e in reversed(proposal.events) if e.action == "status"), None)
