"""The meeting editor page (the meeting's form, the new-slot form, the participating offices),
which the meeting, slot and publishing views show again with what they refused; and those two
forms, as posted or filled in from what is stored."""

from flask import current_app, render_template
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from planner.agenda import history
from planner.agenda.forms import MeetingForm, SlotForm
from planner.agenda.models import HELD, Meeting, MeetingSeries, Slot
from planner.agenda.operations import (
    layout,
    left_out_of_sharing,
    sharing_talks,
    unplanned_minutes,
)
from planner.agenda.queries import taking_part, to_invite_again
from planner.agenda.view_helpers import Twin, asked_version, offices_by_code
from planner.db_types import utcnow
from planner.extensions import db
from planner.forms import keep_when_left_out
from planner.lineup.models import Lineup
from planner.mail.models import MessageStatus
from planner.mail.outbox import UNDELIVERED, undelivered_invitations
from planner.offices.models import Office
from planner.personal_data.retention import keep_for, links_end
from planner.presenters.forms import slot_time
from planner.proposals.models import ProposalStatus
from planner.proposals.operations import accepted_proposals
from planner.recommendations.models import Recommendation
from planner.recommendations.operations import all_recommendations
from planner.timezones import local_time, place_name


def meeting_form_for(
    meeting: Meeting | None = None,
    *,
    submitted: bool = True,
    recommendations: list[Recommendation] | None = None,
) -> MeetingForm:
    """The meeting form as posted, or (not submitted) filled in from the meeting;
    `recommendations`: every one, when the caller has read them already."""
    form = MeetingForm(obj=meeting) if submitted else MeetingForm(formdata=None, obj=meeting)
    series = db.session.scalars(select(MeetingSeries).order_by(MeetingSeries.title))
    form.series.choices = [
        SelectChoice("", "none"),
        *[SelectChoice(str(s.id), s.title) for s in series],
    ]
    form.recommendation.choices = [
        SelectChoice("", "none (a general meeting)"),
        *[
            SelectChoice(str(r.number), f"Rec {r.number}: {r.short_title}")
            for r in (all_recommendations() if recommendations is None else recommendations)
        ],
    ]
    if meeting is not None and not submitted:
        if meeting.starts_at:
            local = local_time(meeting.time_zone, meeting.starts_at)
            form.day.data, form.start.data = local.date(), local.time()
        form.series.data = str(meeting.series_id or "")
        form.recommendation.data = str(meeting.recommendation_number or "")
        if not meeting.duration_pinned:
            form.duration_minutes.data = None  # empty: the length follows the slots
    elif meeting is not None:
        # A field left out of the post (a script's; a browser sends every one, empty or not)
        # keeps what is stored, as the fields named as the meeting's attributes do: not the
        # date cleared, nor a length that follows the slots pinned.
        keep_when_left_out(form.series, str(meeting.series_id or ""))
        if meeting.starts_at:
            local = local_time(meeting.time_zone, meeting.starts_at)
            keep_when_left_out(form.day, local.date())
            keep_when_left_out(form.start, local.time())
        if not meeting.duration_pinned:
            keep_when_left_out(form.duration_minutes, None)
        keep_when_left_out(form.recommendation, str(meeting.recommendation_number or ""))
    return form


def editor_page(
    meeting: Meeting,
    *,
    form: MeetingForm | None = None,
    slot_form: SlotForm | None = None,
    problem: str | None = None,
    slot_problem: str | None = None,
    offices_problem: str | None = None,
    slot_twin: Twin | None = None,
    chosen_offices: set[str] | None = None,
    status: int | None = None,
):
    """The edit page, with the meeting form, the new-slot form and the participating offices
    as posted or as stored."""
    offices = offices_by_code()
    # Both forms offer every recommendation: read once.
    recommendations = all_recommendations() if form is None and slot_form is None else None
    if form is None:
        form = meeting_form_for(meeting, submitted=False, recommendations=recommendations)
    if slot_form is None:
        slot_form = slot_form_for(
            meeting, offices, submitted=False, recommendations=recommendations
        )
    failed = form.errors or slot_form.errors or problem or slot_problem or offices_problem
    participants, also_presenting, planned = taking_part(meeting)
    laid, sharing = layout(meeting), sharing_talks(meeting)
    return render_template(
        "agenda/edit.html",
        meeting=meeting,
        # Ended: a draft is not published, a published meeting not cancelled (the buttons would
        # only lead to a refusal).
        over=meeting.ended(),
        # Its presenters' links ended with RETENTION_DAYS, not revoked by anyone (helper-254).
        links_ended=(end := links_end(meeting, keep_for(current_app.config))) is not None
        and end <= utcnow(),
        # The line-ups accepted into it: how it was planned, for the co-leads only.
        lineups=db.session.scalars(
            select(Lineup.id).where(Lineup.meeting_id == meeting.id).order_by(Lineup.id)
        ).all(),
        form=form,
        slot_form=slot_form,
        # Who changed what, latest first: the full history has its own pages.
        history=history.lines(meeting, history.latest(meeting)),
        history_size=history.PAGE_SIZE,
        home_place=place_name(meeting.time_zone or "UTC"),
        problem=problem,
        slot_problem=slot_problem,
        slot_twin=slot_twin,
        slots=laid,
        # Time a pinned length leaves after the last slot, the talks that can share it, and
        # those that keep their length (and why).
        unplanned=unplanned_minutes(meeting, laid),
        sharing=sharing,
        left_out=left_out_of_sharing(meeting, sharing),
        # Of a copied draft's talks: whom "Invite" offers, as in the meeting copied.
        invite_again=to_invite_again(meeting.slots),
        # Invitations that did not reach their presenter: nothing else about the slot goes to
        # them until one does, so the co-leads send it again or invite another address. Without
        # a mail server none goes, as the pages say: those not sent are flagged once one is set
        # (a failed or discarded one at once).
        undelivered=undelivered_invitations(
            [(s.id, s.invitation) for s in meeting.slots if s.status in HELD],
            UNDELIVERED
            if current_app.config.get("MAIL_SERVER")
            else (MessageStatus.failed, MessageStatus.discarded),
        ),
        # Invitations held for review: "invited" on the agenda, while the presenter has been
        # written nothing yet (helper-255: a co-lead who joined took them for sent).
        held=undelivered_invitations(
            [(s.id, s.invitation) for s in meeting.slots if s.status in HELD],
            (MessageStatus.held,),
        ),
        offices=offices,
        planned=planned,
        participating=chosen_offices
        if chosen_offices is not None
        else {o.code for o in participants},
        also_presenting=also_presenting,
        offices_problem=offices_problem,
        agenda_version=asked_version(meeting),
    ), status or (400 if failed else 200)


def slot_form_for(
    meeting: Meeting,
    offices: list[Office],
    slot: Slot | None = None,
    *,
    submitted: bool = True,
    recommendations: list[Recommendation] | None = None,
) -> SlotForm:
    """The slot form as posted, or (not submitted) filled in from the slot; `recommendations`:
    every one, when the caller has read them already."""
    form = SlotForm(obj=slot) if submitted else SlotForm(formdata=None, obj=slot)
    # The edit page shows this form under the meeting's: its own ids keep every label on its
    # field (the posted names stay the same).
    for field in form:
        field.id = field.label.field_id = f"slot-{field.name}"
    form.office.choices = [
        SelectChoice("", "none"),
        *[SelectChoice(o.code, f"{o.code} – {o.short_name}") for o in offices],
    ]
    form.recommendations.choices = [
        SelectChoice(r.number, f"Rec {r.number}")
        for r in (all_recommendations() if recommendations is None else recommendations)
    ]
    # A talk given at an earlier meeting is not offered again ("Schedule" on its proposal still
    # presents it once more, on purpose).
    accepted = sorted(accepted_proposals(include_given=False), key=lambda p: p.id)
    if slot is not None and slot.proposal is not None and slot.proposal not in accepted:
        # Linked while it was accepted: saving the slot keeps the link (and its history).
        accepted.insert(0, slot.proposal)
    form.proposal.choices = [
        SelectChoice("", "none"),
        *[
            SelectChoice(
                str(p.id),
                f"#{p.id} {p.office_code}: {p.title}"
                + ("" if p.status == ProposalStatus.accepted else f" ({p.status})"),
            )
            for p in accepted
        ],
    ]
    if not submitted:
        form.start_zone.data = meeting.time_zone
    if slot is not None and not submitted:
        form.shown_time.data = slot_time(slot)
        form.office.data = slot.office_code or ""
        form.recommendations.data = [r.number for r in slot.recommendations]
        form.proposal.data = str(slot.proposal_id or "")
        if slot.offset_minutes is not None and slot.starts_at:
            form.start.data = local_time(meeting.time_zone, slot.starts_at).time()
    elif slot is not None:
        # As the meeting's form (`meeting_form_for`): a pinned start left out stays pinned. The
        # recommendations cannot: a browser sends no box at all when none is ticked.
        keep_when_left_out(form.office, slot.office_code or "")
        keep_when_left_out(form.proposal, str(slot.proposal_id or ""))
        if slot.offset_minutes is not None and slot.starts_at:
            keep_when_left_out(form.start, local_time(meeting.time_zone, slot.starts_at).time())
    return form
