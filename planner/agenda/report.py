"""The Task Force's meetings read together, for its progress report to the CWS session: which
meetings took place and which offices took part, each talk and what became of it, and for each
recommendation talked on, which offices that asked for it to be discussed were among those
taking part when another office presented on it, and which are still waiting."""

from dataclasses import dataclass, field
from datetime import datetime

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from planner.agenda.models import Meeting, MeetingStatus, Slot
from planner.agenda.queries import taking_part
from planner.db_types import utcnow
from planner.extensions import db
from planner.offices.models import Office
from planner.survey.models import Survey
from planner.survey.operations import named_in
from planner.survey.records import Question
from planner.timezones import local_time


@dataclass
class Held:
    """A meeting that took place, the offices taking part in it and its presentations. The
    offices are those it was planned for (`taking_part`: ticked on its page, else every
    respondent of `survey` and `besides`, the others presenting), not a record of attendance."""

    meeting: Meeting
    offices: list[Office]
    talks: list[Slot]
    besides: list[Office] = field(default_factory=list)
    survey: Survey | None = None

    @property
    def given(self) -> list[Slot]:
        return [s for s in self.talks if s.agenda_status == "presented"]


@dataclass
class Demand:
    """A recommendation presented on: the offices that asked for it to be discussed (Q8 of
    `survey`), those of them taking part in a meeting where another office presented on it
    (`Held.offices`: planned for, not seen attending), and the others, still waiting."""

    number: int
    presenters: list[str]
    taking_part: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)


# What is read of each meeting that took place: its slots with their offices and
# recommendations, and the offices it names; not what an agenda's editor reads besides
# (`queries.with_agenda`: invitations, proposals, their windows, series), which no page of
# past meetings shows (the matches page spent a third of its time on them).
_TALKS = (
    selectinload(Meeting.slots).options(
        selectinload(Slot.recommendations), selectinload(Slot.office)
    ),
    selectinload(Meeting.offices),
)


def held_meetings(now: datetime) -> list[Held]:
    """The meetings that took place (published and ended: not a cancelled one, nor a draft
    dated in the past), oldest first, each with its offices and presentations in agenda order."""
    published = db.session.scalars(
        select(Meeting)
        .where(Meeting.status == MeetingStatus.published, Meeting.starts_at <= now)
        .order_by(Meeting.starts_at, Meeting.id)
        .options(*_TALKS)
    )
    # The survey of each meeting planned with none of its own is the latest: read once, not a
    # query a meeting (helper-275: 15 of ten years' meetings, on every page that reads them).
    known: dict = {}
    held = []
    for meeting in published:
        if not meeting.took_place(now):
            continue
        offices, besides, survey = taking_part(meeting, known)
        talks = [s for s in meeting.slots if s.kind == "presentation"]
        held.append(Held(meeting, offices, talks, besides, survey))
    return held


def held_in(one: Held) -> int:
    """The year a meeting that took place was held in, where it was held (its home zone)."""
    return local_time(one.meeting.time_zone or "UTC", one.meeting.starts_at).year


def by_year(held: list[Held]) -> dict[int, list[Held]]:
    """The meetings that took place, grouped by the year each was held in, oldest first: the
    report shows a year at a time (ten years of meetings were one page of 123 kB)."""
    years: dict[int, list[Held]] = {}
    for one in held:
        years.setdefault(held_in(one), []).append(one)
    return years


@dataclass
class Topic:
    """What the meetings that took place gave on one recommendation: by office, the talks it
    presented on it, and the talks on it by other offices at meetings it took part in (planned
    for, as `Held.offices`: not seen attending); each latest first."""

    presented: dict[str, list[Slot]] = field(default_factory=dict)
    took_part: dict[str, list[Slot]] = field(default_factory=dict)
    # Every talk on it, by the meeting it was given at, latest meeting first: the matches page
    # says each once and its rows link to it (written in each row it concerned, the same talks
    # were 222 kB of the page at ten years of meetings).
    meetings: dict[int, list[Slot]] = field(default_factory=dict)

    def served(self, audience: str, presenter: str) -> Slot | None:
        """The latest talk `presenter` gave on it at a meeting `audience` took part in."""
        return next(
            (s for s in self.took_part.get(audience, []) if s.office_code == presenter), None
        )


def topics(held: list[Held], only: int | None = None) -> dict[int, Topic]:
    """`Topic` for each recommendation a talk given was on (or the `only` one), by number: what
    the next meeting's co-leads weigh (an office that presented on it, an office already
    served)."""
    found: dict[int, Topic] = {}
    for one in reversed(held):
        taking_part = {o.code for o in one.offices}
        for slot in one.given:
            for recommendation in slot.recommendations:
                if only is not None and recommendation.number != only:
                    continue
                topic = found.setdefault(recommendation.number, Topic())
                topic.meetings.setdefault(slot.meeting_id, []).append(slot)
                if slot.office_code:  # a guest of no office is no office that presented
                    topic.presented.setdefault(slot.office_code, []).append(slot)
                # An office hears the others' talks, not its own.
                for code in taking_part - {slot.office_code}:
                    topic.took_part.setdefault(code, []).append(slot)
    return found


def given_on(number: int, now: datetime | None = None) -> Topic:
    """What the meetings that took place gave on recommendation `number` (`Topic`), shown beside
    matches and line-ups for the next meeting's co-leads: context, which changes no score."""
    return topics(held_meetings(now or utcnow()), only=number).get(number) or Topic()


def given_as_dict(slot: Slot) -> dict:
    """A talk given, as the API names it: its meeting, day and title, and where its archive is."""
    return {
        "meeting_id": slot.meeting_id,
        "meeting": slot.meeting.title,
        # In the meeting's home zone, as the meetings API gives it.
        "starts_at": local_time(
            slot.meeting.time_zone or "UTC", slot.meeting.starts_at
        ).isoformat(),
        "slot_id": slot.id,
        "title": slot.title,
        "archive": url_for("materials.archive_page", meeting_id=slot.meeting_id, _external=True)
        + f"#slot-{slot.id}",
    }


def given_before(match, history: Topic) -> dict:
    """What the meetings that took place gave of a match's pair (`audience`, `presenter`) on its
    recommendation, as the API and `flask match --format json` give it: the presenter's latest
    talk on it, and its latest at a meeting the audience took part in (null when none). Context
    for planning the next meeting; the score is the same either way."""
    gave = history.presented.get(match.presenter)
    served = history.served(match.audience, match.presenter)
    return {
        "presented_before": given_as_dict(gave[0]) if gave else None,
        "audience_took_part": given_as_dict(served) if served else None,
    }


def demand(held: list[Held], survey: Survey | None) -> list[Demand]:
    """For each recommendation a talk given was on, by number: who asked for it (`Demand`)."""
    given = topics(held)
    presenters = {number: set(topic.presented) for number, topic in given.items()}
    audiences = {number: set(topic.took_part) for number, topic in given.items()}
    report = []
    for number in sorted(presenters):
        asked = (
            {
                code
                for question, code in named_in(survey, recommendation=number)
                if question is Question.discuss
            }
            if survey
            else set()
        )
        report.append(
            Demand(
                number,
                sorted(presenters[number]),
                sorted(asked & audiences[number]),
                sorted(asked - audiences[number]),
            )
        )
    return report


def talk_table(held: list[Held], materials: dict[int, list[str]]) -> list[list[str]]:
    """The heading row, then a row for each presentation of the meetings that took place: the
    meeting (title, its day where it was held, kind, recommendation, how many offices took
    part), the talk (title, presenting office and its code, as `agenda_table` orders them,
    recommendations), what became of it ("presented", "not given" or "cancelled", as the agenda
    says it) and `materials` (by slot id, each a line: the ones its agenda shows anyone)."""
    rows = [
        [
            "Meeting",
            "Day",
            "Kind",
            "Meeting's recommendation",
            "Offices taking part",
            "Slot",
            "Presenting office",
            "Office code",
            "Recommendations",
            "What became of it",
            "Materials",
        ]
    ]
    for one in held:
        meeting = one.meeting
        for slot in one.talks:
            rows.append(
                [
                    meeting.title,
                    meeting.home_day,
                    meeting.kind_label,
                    f"Rec {meeting.recommendation_number}" if meeting.recommendation_number else "",
                    str(len(one.offices)),
                    slot.title,
                    slot.office.name if slot.office else "",
                    slot.office_code or "",
                    ", ".join(f"Rec {r.number}" for r in slot.recommendations),
                    slot.agenda_status,
                    "\n".join(materials.get(slot.id, [])),
                ]
            )
    return rows
