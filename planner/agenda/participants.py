"""The offices taking part in meetings that name none of their own, as surveys come and go: a
meeting keeps the survey it took place under, and one whose participants change is dated then.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select, update

from planner.agenda.models import Meeting, MeetingStatus, meeting_offices
from planner.db_types import utcnow
from planner.extensions import db
from planner.survey.models import Respondent, Survey
from planner.survey.operations import latest_survey


@contextmanager
def participants_kept() -> Iterator[None]:
    """Around a change of the surveys (an import, a file replacing one, a corrected answer period,
    a deletion), which may change the latest one: each meeting that took place while following
    the latest survey keeps that one as the survey it was planned with, and each meeting whose
    participants the change alters is dated now (`updated_at`), so that feeds revalidated by
    date fetch it again. Neither is an edit of the meeting: its version stays.

    helper-214: once a second round was imported, a Task Force meeting held months before
    listed the new round's five respondents as its participating offices (page, feed, API)."""
    now = utcnow()
    latest = latest_survey()
    if latest is not None:
        held = [
            meeting.id
            for meeting in db.session.scalars(
                select(Meeting).where(
                    Meeting.survey_id.is_(None),
                    Meeting.status != MeetingStatus.draft,
                    Meeting.starts_at <= now,
                )
            )
            if meeting.ended(now)
        ]
        if held:
            db.session.execute(
                update(Meeting).where(Meeting.id.in_(held)).values(survey_id=latest.id)
            )
    before = _default_participants()
    yield
    db.session.flush()
    changed = [
        meeting_id
        for meeting_id, codes in _default_participants().items()
        if before.get(meeting_id) != codes
    ]
    if changed:
        db.session.execute(
            update(Meeting).where(Meeting.id.in_(changed)).values(updated_at=utcnow())
        )
    # A deleted survey's meetings lost it in the database (ON DELETE SET NULL), not in the
    # session's copies.
    for item in list(db.session.identity_map.values()):
        if isinstance(item, Meeting):
            db.session.expire(item, ["survey_id", "survey", "updated_at"])


def planned_with(survey: Survey) -> list[int]:
    """The meetings planned with `survey`, by id."""
    return list(db.session.scalars(select(Meeting.id).where(Meeting.survey_id == survey.id)))


def plan_with(meeting_ids: list[int], survey: Survey) -> None:
    """The meetings `meeting_ids` are now planned with `survey`: the file that replaced the one
    they were planned with (the same survey, corrected)."""
    if meeting_ids:
        db.session.execute(
            update(Meeting).where(Meeting.id.in_(meeting_ids)).values(survey_id=survey.id)
        )


def _default_participants() -> dict[int, frozenset[str]]:
    """The codes of the offices taking part in each meeting that names none of its own: the
    respondents of its survey, or of the latest one."""
    own = select(meeting_offices.c.meeting_id)
    rows = db.session.execute(
        select(Meeting.id, Meeting.survey_id).where(Meeting.id.not_in(own))
    ).all()
    if not rows:
        return {}
    latest = latest_survey()
    latest_id = latest.id if latest is not None else None
    wanted = {survey_id for _, survey_id in rows if survey_id is not None} | {latest_id}
    codes: dict[int | None, set[str]] = {}
    for survey_id, code in db.session.execute(
        select(Respondent.survey_id, Respondent.office_code).where(
            Respondent.survey_id.in_(wanted - {None})
        )
    ):
        codes.setdefault(survey_id, set()).add(code)
    return {
        meeting_id: frozenset(codes.get(latest_id if survey_id is None else survey_id, ()))
        for meeting_id, survey_id in rows
    }
