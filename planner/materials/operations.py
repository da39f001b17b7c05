"""Adding and removing a slot's materials, who may see them when, and a meeting's archive: every
slot presented, with its materials and the evidence it came from. Changes only flush."""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from planner.agenda.models import NOT_GIVEN, Meeting, MeetingStatus, Slot, SlotStatus
from planner.db_types import fit, utcnow
from planner.errors import ConflictError
from planner.extensions import db
from planner.languages import short_day_here
from planner.materials.checks import (
    CONTENT_TYPES,
    DEFAULT_MAX_BYTES,
    MaterialError,
    check_filename,
    check_link,
    check_size,
    clean_filename,
    file_type,
)
from planner.materials.models import MATERIAL_KINDS, Material
from planner.materials.storage import DatabaseStore, Store
from planner.proposals.models import Proposal
from planner.survey.models import Answer
from planner.survey.operations import list_surveys
from planner.survey.records import Question
from planner.text import same_name

# A slot or meeting holds a handful of materials; a bound keeps a link-happy page short.
MAX_PER_SLOT = 20


def _open_for(meeting: Meeting, slot: Slot | None) -> list[Material]:
    """The materials the slot (or the meeting) holds, when it takes another: not cancelled,
    and not full."""
    if meeting.status == MeetingStatus.cancelled or (
        slot is not None and slot.status == SlotStatus.cancelled
    ):
        raise ConflictError(_("This slot is cancelled: it takes no materials."))
    held = materials_of(meeting, slot)
    count = len(held)
    if count >= MAX_PER_SLOT:
        raise ConflictError(
            _(
                "This slot has %(count)s materials already; remove one before adding another.",
                count=count,
            )
            if slot
            else _(
                "This meeting has %(count)s materials already; remove one before adding another.",
                count=count,
            )
        )
    return held


# How `added_by` begins for a material added from a presenter's page (`presenter_actor`).
_PRESENTER = "presenter "


def presenter_actor(name: str) -> str:
    """Who added a material from the presenter's page, as it is recorded: "presenter Ana
    Quispe". Their page says "added by you" of theirs alone: a slot's earlier presenter (one
    who declined, replaced) added the others."""
    return fit(f"{_PRESENTER}{name}", Material.added_by)


def added_by_a_presenter(material: Material) -> bool:
    """Whether `material` was added from a presenter's page (`presenter_actor`), this slot's
    presenter's or an earlier one's; else the co-leads added it."""
    return material.added_by.startswith(_PRESENTER)


def added_by_presenter(material: Material, name: str) -> bool:
    """Whether `material` was added from the page of the presenter named `name`
    (`presenter_actor`), under the name they were invited by then or by one the co-leads
    corrected since: Élise's slides, added as "presenter Elise Dupont", are hers (`same_name`).
    Not those of someone else invited at her address."""
    return added_by_a_presenter(material) and same_name(
        material.added_by.removeprefix(_PRESENTER), name
    )


def add_file(
    slot: Slot,
    filename: str | None,
    data: bytes,
    by: str,
    *,
    limit: int = DEFAULT_MAX_BYTES,
    store: Store | None = None,
) -> Material:
    """Slides for `slot`, checked by their content; stored under their cleaned base name with
    the extension of the format they are in. The same file on the slot already is a conflict,
    also when only the database's rule finds it (another upload saved it meanwhile)."""
    check_size(len(data), limit)
    kind = file_type(data)
    held = _open_for(slot.meeting, slot)
    sha256 = hashlib.sha256(data).hexdigest()
    if same := next((m for m in held if m.sha256 == sha256), None):
        # The same file twice (a second press of Upload, a browser's retry): listed twice, the
        # agenda would offer two downloads of one thing.
        raise _already_there(same)
    store = store or DatabaseStore()
    material = Material(
        meeting=slot.meeting,
        slot=slot,
        kind="slides",
        filename=check_filename(clean_filename(filename, kind)),
        file_type=kind,
        size=len(data),
        sha256=sha256,
        storage=store.name,
        added_at=utcnow(),
        added_by=fit(by, Material.added_by),
    )
    try:
        # Before the bytes are stored anywhere: a lost race writes nothing to a bucket. In a
        # savepoint: the refusal takes back this insert only, and the caller's transaction
        # goes on to its own end.
        with db.session.begin_nested():
            db.session.add(material)
    except IntegrityError:
        # The same file saved by another upload (another instance) between the check above and
        # this insert: the database's rule (uq_materials_slot_sha256) refused it.
        if same := _file_on(slot, sha256):
            raise _already_there(same) from None
        raise
    store.put(material, data, CONTENT_TYPES[kind])
    db.session.flush()
    materials_changed(slot.meeting)
    return material


def _file_on(slot: Slot, sha256: str) -> Material | None:
    return db.session.scalar(
        select(Material).where(Material.slot_id == slot.id, Material.sha256 == sha256)
    )


def _already_there(same: Material) -> ConflictError:
    return ConflictError(
        _(
            "This file is on the slot already, as “%(name)s” (added %(day)s): nothing was added.",
            name=same.label,
            day=short_day_here(same.added_at.date()),
        )
    )


def add_link(target: Slot | Meeting, url: str | None, kind: str, by: str) -> Material:
    """A link to slides, a recording or anything else, for a slot or (a recording of the whole
    meeting, say) for a meeting. The same link there already is a conflict, also when only the
    database's rule finds it (another request saved it meanwhile)."""
    url = check_link(url)
    if kind not in MATERIAL_KINDS:
        raise MaterialError("Say whether the link is to slides, a recording or something else.")
    slot = target if isinstance(target, Slot) else None
    meeting = target.meeting if isinstance(target, Slot) else target
    held = _open_for(meeting, slot)
    if same := next((m for m in held if m.url == url), None):
        # The same link twice (a second press of Add, Back and send again): listed twice, the
        # agenda would offer it twice, as it would a file (`add_file`).
        raise _link_there(same, slot)
    material = Material(
        meeting=meeting,
        slot=slot,
        kind=kind,
        url=url,
        added_at=utcnow(),
        added_by=fit(by, Material.added_by),
    )
    try:
        # In a savepoint: the refusal takes back this insert only, and the caller's transaction
        # goes on to its own end.
        with db.session.begin_nested():
            db.session.add(material)
    except IntegrityError:
        # The same link saved by another request (another instance, another tab) between the
        # check above and this insert: the database's rule (uq_materials_slot_url, or
        # uq_materials_meeting_url for the meeting's own) refused it.
        if same := next((m for m in materials_of(meeting, slot) if m.url == url), None):
            raise _link_there(same, slot) from None
        raise
    materials_changed(meeting)
    return material


def _link_there(same: Material, slot: Slot | None) -> ConflictError:
    day = short_day_here(same.added_at.date())
    if slot:
        said = _("This link is on the slot already (added %(day)s): nothing was added.", day=day)
    else:
        said = _("This link is on the meeting already (added %(day)s): nothing was added.", day=day)
    return ConflictError(said, field="url")


def remove(material: Material, *, store: Store | None = None) -> None:
    """Delete the material; its bytes go with it (an S3 object once the deletion commits)."""
    if material.storage:
        (store or DatabaseStore()).delete(material)
    meeting = material.meeting
    db.session.delete(material)
    db.session.flush()
    materials_changed(meeting)


def materials_changed(meeting: Meeting) -> None:
    """Date what the meeting's schedule.json lists (its Last-Modified, and the key its cached
    body is kept under): a material added or removed, or someone else invited to present a
    slot (whose slides are the talk's, `_of_the_talk`). Not a change of the meeting's row, which
    would raise its version (a co-lead's save based on it refused for a presenter's slides)
    and move its calendar event's LAST-MODIFIED, which shows no material."""
    now = utcnow()
    db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id)
        .values(materials_changed_at=now)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(meeting, "materials_changed_at", now)


def data_of(material: Material, store: Store | None = None) -> bytes:
    return (store or DatabaseStore()).get(material)


def materials_of(meeting: Meeting, slot: Slot | None) -> list[Material]:
    """A slot's materials, or (slot None) the whole meeting's own, oldest first."""
    query = select(Material).where(Material.meeting_id == meeting.id)
    query = query.where(Material.slot_id == slot.id if slot else Material.slot_id.is_(None))
    return list(db.session.scalars(query.order_by(Material.added_at, Material.id)))


def by_slot(meeting: Meeting) -> dict[int | None, list[Material]]:
    """Every material of a meeting in one query, by slot id (None: the whole meeting's)."""
    found: dict[int | None, list[Material]] = defaultdict(list)
    for material in db.session.scalars(
        select(Material)
        .where(Material.meeting_id == meeting.id)
        .order_by(Material.added_at, Material.id)
    ):
        found[material.slot_id].append(material)
    return found


def is_public(meeting: Meeting, now: datetime | None = None) -> bool:
    """Whether anyone may see the meeting's materials now, as its setting says."""
    if meeting.status != MeetingStatus.published:
        return False
    if meeting.materials_public == "now":
        return True
    return meeting.materials_public == "after" and meeting.ended(now)


def shown_to_anyone(material: Material, now: datetime | None = None) -> bool:
    """Whether anyone may see this material now: its meeting's are public and it is of a talk
    still to be given (`_of_a_talk_given`)."""
    return _of_a_talk_given(material, material.slot) and is_public(material.meeting, now)


def _of_a_talk_given(material: Material, slot: Slot | None) -> bool:
    """Whether a material is the meeting's own, or of its slot's talk as it will be given: not
    cancelled or declined (`NOT_GIVEN`: those are the co-leads' only; helper-181: the slides of
    a presenter who declined stayed on the public agenda), and added by the co-leads or the
    slot's presenter now."""
    return slot is None or (slot.status not in NOT_GIVEN and _of_the_talk(material, slot))


def _evidence_surveys(meeting: Meeting, slots: list[Slot]) -> dict[int, list[int]]:
    """For each slot, the surveys its evidence is read from, in turn: those of the line-ups
    accepted into the meeting (newest first: their presentations quoted those answers), then
    the survey the meeting was planned with (`Meeting.survey`: its line-up's, or the one it
    took place under, `agenda.participants`), and no other. A meeting that names none yet
    (still to come, following the latest survey) reads the survey pages showed when the slot
    was made (the latest of those imported by then), then the latest. A meeting planned from
    last year's answers keeps them as its evidence once this year's are imported (helper-208:
    it showed the new answers as where its talks came from), also for a slot added for the
    record since, or made before its survey's corrected file (`--replace`) was imported
    (helper-229: those read the latest round's answers, which no one had read then)."""
    from planner.lineup.models import Lineup

    lineups = db.session.scalars(
        select(Lineup.survey_id).where(Lineup.meeting_id == meeting.id).order_by(Lineup.id.desc())
    ).all()
    if meeting.survey_id is not None:
        planned = list(dict.fromkeys([*lineups, meeting.survey_id]))
        return {slot.id: planned for slot in slots}
    surveys = list_surveys()
    latest = [surveys[0].id] if surveys else []

    def shown_at(made: datetime) -> list[int]:
        return next(([s.id] for s in surveys if s.imported_at <= made), [])

    return {
        slot.id: list(dict.fromkeys([*lineups, *shown_at(slot.created_at), *latest]))
        for slot in slots
    }


def _of_the_talk(material: Material, slot: Slot) -> bool:
    """Whether a slot's material belongs to the talk it holds now: the co-leads', or its
    presenter's. An earlier presenter's (one who declined, replaced) is not (helper-186: Rosa's
    slides came back on the public agenda under Ben's talk once he was invited in her place);
    the co-leads still see it, and Ben's page says whose it is."""
    if not added_by_a_presenter(material):
        return True
    invitation = slot.invitation
    return invitation is not None and added_by_presenter(material, invitation.name)


def talk_materials(slots: list[Slot]) -> dict[int, list[Material]]:
    """Each slot's materials of the talk it holds now (`_of_the_talk`), oldest first, by slot
    id: what its presenter's reminder names as in. One query, however many slots."""
    by_id = {slot.id: slot for slot in slots}
    found: dict[int, list[Material]] = {slot_id: [] for slot_id in by_id}
    if not by_id:
        return found
    query = select(Material).where(Material.slot_id.in_(by_id))
    for material in db.session.scalars(query.order_by(Material.added_at, Material.id)):
        if _of_the_talk(material, by_id[material.slot_id]):
            found[material.slot_id].append(material)
    return found


def public_by_slot(meeting: Meeting) -> dict[int | None, list[Material]]:
    """The meeting's materials anyone may see now, by slot id (None: the whole meeting's)."""
    return public_by_meeting([meeting]).get(meeting.id, {})


def public_by_meeting(meetings: Iterable[Meeting]) -> dict[int, dict[int | None, list[Material]]]:
    """`public_by_slot` of each of `meetings`, by meeting id, in one query however many there
    are (helper-275: the report across meetings read each meeting's apart, 40 queries for ten
    years of meetings)."""
    public = {meeting.id: meeting for meeting in meetings if is_public(meeting)}
    if not public:
        return {}
    slots = {slot.id: slot for meeting in public.values() for slot in meeting.slots}
    found: dict[int, dict[int | None, list[Material]]] = defaultdict(lambda: defaultdict(list))
    query = select(Material).where(Material.meeting_id.in_(public))
    for material in db.session.scalars(query.order_by(Material.added_at, Material.id)):
        if _of_a_talk_given(material, slots.get(material.slot_id)):
            found[material.meeting_id][material.slot_id].append(material)
    return {key: dict(shown) for key, shown in found.items()}


@dataclass
class Presented:
    """One slot of an archive: what was presented, its materials, and where it came from."""

    slot: Slot
    materials: list[Material] = field(default_factory=list)
    proposal: Proposal | None = None
    answers: list[Answer] = field(default_factory=list)  # the office's Q4 answers on its recs


def archive(meeting: Meeting) -> list[Presented]:
    """The meeting's slots that took place (cancelled and declined ones left out), each with its
    materials and its evidence: the linked proposal, else the office's own survey answer on the
    slot's recommendations (which a line-up quoted as the abstract), from the survey it was
    planned from (`_evidence_surveys`)."""
    slots = [s for s in meeting.slots if s.status not in NOT_GIVEN and s.kind != "break"]
    materials = by_slot(meeting)
    wanted = {
        (s.office_code, r.number)
        for s in slots
        if s.proposal is None and s.office_code
        for r in s.recommendations
    }
    read_from = _evidence_surveys(meeting, slots) if wanted else {}
    found: dict[tuple[int, str, int], Answer] = {}
    surveys = {survey_id for order in read_from.values() for survey_id in order}
    if surveys:
        for answer in db.session.scalars(
            select(Answer).where(
                Answer.survey_id.in_(surveys),
                Answer.question == Question.focus,
                Answer.office_code.in_({office for office, _ in wanted}),
            )
        ):
            key = (answer.office_code, answer.recommendation_number)
            if key in wanted:
                found[(answer.survey_id, *key)] = answer

    def answer(slot: Slot, number: int) -> Answer | None:
        return next(
            (
                found[key]
                for survey_id in read_from.get(slot.id, ())
                if (key := (survey_id, slot.office_code, number)) in found
            ),
            None,
        )

    answers = {
        (s.id, r.number): a
        for s in slots
        if s.proposal is None and s.office_code
        for r in s.recommendations
        if (a := answer(s, r.number)) is not None
    }
    return [
        Presented(
            slot=s,
            # What was presented: an earlier presenter's slides were not.
            materials=[m for m in materials.get(s.id, []) if _of_the_talk(m, s)],
            proposal=s.proposal,
            answers=[
                answers[s.id, r.number] for r in s.recommendations if (s.id, r.number) in answers
            ],
        )
        for s in slots
    ]
