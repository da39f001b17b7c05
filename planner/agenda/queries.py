"""Reading agendas: a meeting with everything its pages show, the list of meetings, the offices
taking part, and the drafts a line-up can go into; each in a fixed number of queries.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from planner.agenda.checks import AgendaError
from planner.agenda.models import NOT_GIVEN, Meeting, MeetingStatus, Slot, SlotStatus
from planner.extensions import db
from planner.offices.models import OFFICE_CODE, Office, typed_code
from planner.presenters.models import Invitation
from planner.proposals.models import Proposal
from planner.recommendations.models import Recommendation
from planner.survey.models import Survey
from planner.survey.operations import latest_survey, respondent_offices


def participating_offices(
    meeting: Meeting, known: dict[int | None, list[Office]] | None = None
) -> list[Office]:
    """The meeting's offices: those it names, else every respondent of the survey it was planned
    with (`planned_survey`) and each office presenting in it besides (`presenting_besides`), by
    code. `known`: the surveys and their respondents read so far, by survey id (None: the
    latest survey), which a caller reading several meetings shares between them."""
    return taking_part(meeting, known).offices


class TakingPart(NamedTuple):
    offices: list[Office]
    besides: list[Office]
    # The survey whose respondents take part (`planned_survey`); None when the meeting names
    # its offices.
    survey: Survey | None


def taking_part(
    meeting: Meeting, known: dict[int | None, tuple[Survey | None, list[Office]]] | None = None
) -> TakingPart:
    """The meeting's offices (`participating_offices`), and those of them presenting besides
    the survey's respondents (none when the meeting names its offices), which its pages name
    apart ("every respondent of CWS/13/26, and SG, presenting"), and the survey they answered,
    which the pages name too: each worked out once (the latest survey was read twice a page)."""
    if meeting.offices:
        return TakingPart(list(meeting.offices), [], None)
    known = {} if known is None else known
    if meeting.survey_id not in known:
        survey = planned_survey(meeting)
        known[meeting.survey_id] = (survey, respondent_offices(survey) if survey else [])
    survey, respondents = known[meeting.survey_id]
    besides = presenting_besides(meeting, respondents)
    if not besides:
        return TakingPart(respondents, [], survey)
    return TakingPart(sorted([*respondents, *besides], key=lambda o: o.code), besides, survey)


def to_invite_again(slots: Iterable[Slot]) -> dict[int, Invitation]:
    """Whom each of `slots` that has no presenter invited yet is to invite again
    (`Slot.to_invite_again`: one copied with its meeting), by slot id; the slots they were
    copied from, and their invitations, read together (helper-260: two queries a talk)."""
    waiting = [s for s in slots if s.invitation is None and s.copied_from_id is not None]
    if not waiting:
        return {}
    # Held here while they are read: the session keeps no object no one holds.
    sources = db.session.scalars(  # noqa: F841
        select(Slot)
        .where(Slot.id.in_({s.copied_from_id for s in waiting}))
        .options(selectinload(Slot.invitation))
    ).all()
    return {s.id: who for s in waiting if (who := s.to_invite_again) is not None}


def presenting_besides(meeting: Meeting, offices: list[Office]) -> list[Office]:
    """The offices presenting in `meeting` (a presentation not cancelled) that are not among
    `offices`, by code. helper-252: SG, which answered no survey, presented at a workshop whose
    local times, feed and fair start times were every respondent's but not SG's own, 20:00
    there."""
    listed = {o.code for o in offices}
    presenting = {
        slot.office_code: slot.office
        for slot in meeting.slots
        if slot.office_code is not None
        and slot.office_code not in listed
        and slot.kind == "presentation"
        and slot.status != SlotStatus.cancelled
    }
    return [presenting[code] for code in sorted(presenting)]


def planned_survey(meeting: Meeting) -> Survey | None:
    """The survey a meeting was planned with: its own (its line-up's, or the one it took place
    under), else the latest, as a meeting still to come follows it."""
    return meeting.survey if meeting.survey_id is not None else latest_survey()


def office_presents_already(slot: Slot) -> str | None:
    """What says that `slot`'s office already presents in its meeting (another presentation of
    the same office, not cancelled), for the page that just put `slot` there; None if it does
    not. A line-up keeps one talk per office; a slot added by hand may be a second on purpose,
    so it is said, not refused (helper-150: a second RU slot went in unwarned, and RU's contact
    was sent both)."""
    if not slot.office_code or slot.kind != "presentation":
        return None
    others = [
        s.title
        for s in slot.meeting.slots
        if s is not slot
        and s.office_code == slot.office_code
        and s.kind == "presentation"
        and s.status != SlotStatus.cancelled
    ]
    if not others:
        return None
    named = "; ".join(f"“{title}”" for title in others[:3])
    talks = "Both are" if len(others) == 1 else f"All {len(others) + 1} are"
    calendars = (
        "in the office's calendars"
        if slot.meeting.status == MeetingStatus.published
        else "in the office's calendars once it is published"
    )
    return (
        f"{slot.office.short_name} already presents in {slot.meeting.title}: {named}. {talks} "
        f"on the agenda now (and {calendars}); cancel or remove one if a single talk per office "
        "was meant."
    )


def offices_by_code(codes: Iterable[str]) -> list[Office]:
    """The offices with these codes (in any case), by code; an unknown code is refused."""
    # A code as typed or pasted (a zero-width space along) is the office's; anything else is
    # refused as sent, not read by str.upper (the Turkish dotless "ıe" was IE, helper-256).
    wanted = {typed_code(c) or c.strip() for c in codes}
    # Only what looks like a code is looked up (a NUL would be PostgreSQL's error, helper-79).
    shaped = {c for c in wanted if OFFICE_CODE.fullmatch(c)}
    offices = db.session.scalars(
        select(Office).where(Office.code.in_(shaped)).order_by(Office.code)
    ).all()
    missing = sorted(wanted - {o.code for o in offices})
    if missing:
        # Named as sent, but only a few and short: the message may travel in a cookie.
        named = ", ".join(code[:12] for code in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise AgendaError(f"Unknown office code(s): {named}{more}.", field="offices")
    return list(offices)


def _agenda(*, planning: bool) -> tuple:
    slots = (selectinload(Slot.recommendations), selectinload(Slot.office))
    if planning:
        slots += (
            selectinload(Slot.invitation).selectinload(Invitation.windows),
            selectinload(Slot.proposal).selectinload(Proposal.windows),
        )
    else:
        slots += (selectinload(Slot.invitation),)
    return (
        selectinload(Meeting.slots).options(*slots),
        selectinload(Meeting.offices),
        selectinload(Meeting.series),
    )


# What a meeting's page, its table, the API's answers and the calendars show of it, loaded in a
# fixed number of queries whatever the number of slots: not the proposals its talks were
# scheduled from, nor the hours presenters and volunteers gave, which none of them shows (three
# queries of a 20-slot agenda's nine, on every feed's poll, and the volunteers' contacts).
_AGENDA = _agenda(planning=False)
# And those, which the co-leads' planning pages read: the editor's warnings about each start,
# whom a copied draft invites again, fair start times, the API's availability.
_PLANNING = _agenda(planning=True)
_IN_ORDER = (Meeting.starts_at.is_(None), Meeting.starts_at, Meeting.id)


def with_agenda(query, *, planning: bool = False):
    """`query` (of meetings) loading their slots, presenters, recommendations, offices, series;
    with `planning`, the proposals and the hours given too."""
    return query.options(*(_PLANNING if planning else _AGENDA))


def get_meeting(meeting_id: int, *, planning: bool = True) -> Meeting | None:
    """The meeting with its agenda (`with_agenda`), and what planning it reads unless a page
    that only shows the agenda asks without."""
    return db.session.get(Meeting, meeting_id, options=_PLANNING if planning else _AGENDA)


def meeting_to_add_to(meeting_id: int) -> Meeting | None:
    """The meeting with its slots in order, no more: what adding a slot reads (their times, to
    lay the new one out after them and check it overlaps none), in two queries. Their
    presenters, recommendations and offices, which a new slot's checks and answer do not read,
    are not loaded (four queries a slot added, helper-131); what is read after all is loaded
    then."""
    return db.session.get(Meeting, meeting_id, options=(selectinload(Meeting.slots),))


def meetings(*, include_drafts: bool) -> list[tuple[Meeting, int]]:
    """Every meeting (drafts too for co-leads) with its number of slots, for the list of
    meetings: three queries (with their series and recommendations), their agendas unread
    (every meeting ever held is listed)."""
    slots = select(func.count(Slot.id)).where(Slot.meeting_id == Meeting.id).scalar_subquery()
    query = (
        select(Meeting, slots)
        .options(selectinload(Meeting.series), selectinload(Meeting.recommendation))
        .order_by(*_IN_ORDER)
    )
    if not include_drafts:
        query = query.where(Meeting.status != MeetingStatus.draft)
    return [(meeting, count) for meeting, count in db.session.execute(query)]


def meetings_on(number: int, *, include_drafts: bool) -> list[Meeting]:
    """The meetings on a recommendation, for its page, in the list's order: those set on it, and
    any other holding a talk on it still on (a general meeting's, or a workshop on another
    recommendation's); not a cancelled one, drafts for co-leads only. One query, their agendas
    unread."""
    talk_on_it = Slot.recommendations.any(Recommendation.number == number)
    query = (
        select(Meeting)
        .where(
            or_(
                Meeting.recommendation_number == number,
                Meeting.slots.any(
                    and_(Slot.kind == "presentation", Slot.status.not_in(NOT_GIVEN), talk_on_it)
                ),
            ),
            Meeting.status != MeetingStatus.cancelled,
        )
        .order_by(*_IN_ORDER)
    )
    if not include_drafts:
        query = query.where(Meeting.status != MeetingStatus.draft)
    return list(db.session.scalars(query))


def in_list_order(
    listed: list[tuple[Meeting, int]], now: datetime
) -> tuple[list[tuple[Meeting, int]], list[tuple[Meeting, int]]]:
    """The meetings (as `meetings` lists them) in the order of the list of meetings: those still
    to come, soonest first (a draft without a date last), then those over, latest first."""
    coming = [(m, n) for m, n in listed if not m.ended(now)]
    past = [(m, n) for m, n in reversed(listed) if m.ended(now)]
    return coming, past


def agendas(ids: list[int], *, planning: bool) -> list[Meeting]:
    """The meetings with these ids, in that order, with what `get_meeting` loads: a fixed
    number of queries however many meetings and slots."""
    query = with_agenda(select(Meeting).where(Meeting.id.in_(ids)), planning=planning)
    found = db.session.scalars(query).all()
    by_id = {m.id: m for m in found}
    return [by_id[i] for i in ids if i in by_id]


def slot_target_choices(now: datetime) -> list[Meeting]:
    """The meetings a slot can go into: drafts (their date can still change) and published
    meetings that are not over; not a cancelled meeting, not one that has ended. Their agendas
    are not read: a choice names the meeting, and every meeting ever held is looked at."""
    open_ = Meeting.status.in_((MeetingStatus.draft, MeetingStatus.published))
    return [
        m
        for m in db.session.scalars(select(Meeting).where(open_).order_by(*_IN_ORDER))
        if m.status == MeetingStatus.draft or not m.ended(now)
    ]


def lineup_target_choices(now: datetime) -> list[Meeting]:
    """The draft meetings a line-up can go into: not one that has ended (helper-155: a draft
    dated in the past was offered, and a line-up put there could never be published)."""
    drafts = select(Meeting).where(Meeting.status == MeetingStatus.draft).order_by(*_IN_ORDER)
    return [m for m in db.session.scalars(drafts) if not m.ended(now)]


def given_presentations(
    now: datetime, office: str | None = None, *, proposal_id: int | None = None
) -> list[Slot]:
    """The presentations given (of an office, or of every office; of one proposal): in published
    meetings that have ended, not cancelled nor declined; latest meeting first, in agenda order.
    The workshops are held one after another, and what was presented at one is what the next
    one's co-leads look back on (helper-204: once the Rec 10 workshop was over, nothing said AU,
    PE and PL had presented there, and a line-up for a second one proposed PE's proposal
    again)."""
    query = (
        select(Slot)
        .join(Slot.meeting)
        .where(
            Slot.kind == "presentation",
            Slot.office_code.is_not(None),
            Slot.status.not_in(NOT_GIVEN),
            Meeting.status == MeetingStatus.published,
            Meeting.starts_at <= now,
        )
        .options(selectinload(Slot.meeting), selectinload(Slot.recommendations))
        .order_by(Meeting.starts_at.desc(), Meeting.id, Slot.position, Slot.id)
    )
    if office is not None:
        query = query.where(Slot.office_code == office)
    if proposal_id is not None:
        query = query.where(Slot.proposal_id == proposal_id)
    return [slot for slot in db.session.scalars(query) if slot.meeting.ended(now)]


def workshop_focuses() -> dict[int, Meeting]:
    """Each recommendation a workshop is on (not a cancelled one), with the latest such workshop:
    the one its co-leads set, else the one most of its presentations still given are on (the
    lowest number of a tie). What the next line-up leaves for later, as covered. Read from its
    talks alone, a Rec 10 workshop whose Rec 10 presenter declined read as on Rec 4, its other
    recommendation, and the next line-up proposed Rec 10 again (helper-214)."""
    workshops = db.session.scalars(
        select(Meeting)
        .where(Meeting.kind == "workshop", Meeting.status != MeetingStatus.cancelled)
        .options(selectinload(Meeting.slots).selectinload(Slot.recommendations))
        .order_by(*_IN_ORDER)
    )
    focuses: dict[int, Meeting] = {}
    for meeting in workshops:
        if meeting.recommendation_number is not None:
            focuses[meeting.recommendation_number] = meeting
            continue
        counted: dict[int, int] = {}
        for slot in meeting.slots:
            if slot.kind == "presentation" and slot.status not in NOT_GIVEN:
                for recommendation in slot.recommendations:
                    counted[recommendation.number] = counted.get(recommendation.number, 0) + 1
        if counted:
            # In the list's order (by start, a draft without a date last): the latest stays.
            focuses[min(counted, key=lambda number: (-counted[number], number))] = meeting
    return focuses


def published_to_come(now: datetime, at_most: int) -> list[Meeting]:
    """The published meetings that have not ended, soonest first, at most `at_most`. A meeting
    lasts less than a day, so those that started before yesterday are not read."""
    published = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.status == MeetingStatus.published, Meeting.starts_at > now - timedelta(days=1)
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return [meeting for meeting in published if not meeting.ended(now)][:at_most]
