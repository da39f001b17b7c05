"""Survey files a co-lead sent to check before importing them (`SurveyUpload`): kept in the
database for a while, for the co-lead who sent them only, and taken away once too old or once
the co-lead has sent more."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from planner.db_types import utcnow
from planner.extensions import db
from planner.survey.models import SurveyUpload

# How long a file checked waits for its "Import": a steward compares what was read with the
# spreadsheet, maybe goes back to choose another character set, then imports.
UPLOAD_HOURS = 2
# Files waiting per co-lead: the one being checked and a couple tried before. Each is at most
# SURVEY_MAX_BYTES (8 MB).
WAITING_PER_COLEAD = 3


@dataclass(frozen=True)
class Choices:
    """What the import form was sent with besides the file, as typed."""

    label: str | None = None
    aliases: str = ""
    replace: bool = False
    encoding: str | None = None


def choices_of(upload: SurveyUpload) -> Choices:
    return Choices(upload.label, upload.aliases, upload.replace_stored, upload.encoding)


def keep(
    user_id: int,
    choices: Choices,
    data: bytes | None = None,
    source_name: str | None = None,
    kept: SurveyUpload | None = None,
) -> SurveyUpload:
    """Keep a file sent to check, with its choices: a new one (`data`, `source_name`, in place
    of `kept` if given), or the one kept already (`kept`) sent again with other choices (the
    character set corrected). The co-lead's files sent longest ago beyond WAITING_PER_COLEAD
    go, and anyone's expired ones."""
    now = utcnow()
    forget_expired(now)
    if data is not None:
        if kept is not None:
            db.session.delete(kept)
        kept = SurveyUpload(user_id=user_id, source_name=source_name, data=data, size=len(data))
    kept.label, kept.aliases = choices.label, choices.aliases
    kept.replace_stored, kept.encoding = choices.replace, choices.encoding
    kept.sent_at, kept.expires_at = now, now + timedelta(hours=UPLOAD_HOURS)
    db.session.add(kept)
    db.session.flush()
    beyond = db.session.scalars(
        select(SurveyUpload.id)
        .where(SurveyUpload.user_id == user_id, SurveyUpload.imported_at.is_(None))
        # The latest sent: a file checked again (another character set) is the one in hand.
        .order_by(SurveyUpload.sent_at.desc(), SurveyUpload.id.desc())
        .offset(WAITING_PER_COLEAD)
    ).all()
    if beyond:
        db.session.execute(delete(SurveyUpload).where(SurveyUpload.id.in_(beyond)))
    return kept


def forget_expired(now: datetime) -> int:
    """Delete anyone's files whose time is over (how many): each check does, and so does the
    hourly clearing of personal data (`retention.prune`), since a file may name people and a
    co-lead who never checks another would leave theirs behind for good."""
    return db.session.execute(delete(SurveyUpload).where(SurveyUpload.expires_at <= now)).rowcount


def find(upload_id: object, user_id: int) -> SurveyUpload | None:
    """The file `upload_id` (as a form or an address gives it) that `user_id` sent and that is
    still kept; None for anyone else's, an expired one, or no number."""
    text = str(upload_id)
    # ASCII digits only: int() reads "١" (Arabic-Indic) as 1, and "1_0" as 10.
    if not (text.isascii() and text.isdigit() and 0 < int(text) < 2**31):
        return None
    number = int(text)
    return db.session.scalar(
        select(SurveyUpload).where(
            SurveyUpload.id == number,
            SurveyUpload.user_id == user_id,
            SurveyUpload.expires_at > utcnow(),
        )
    )


def imported(upload: SurveyUpload, survey_id: int, said: str, at: datetime | None = None) -> None:
    """The file was imported: its bytes go, and what the import said stays until it expires."""
    upload.imported_at = at or utcnow()
    upload.survey_id, upload.said = survey_id, said
    upload.data, upload.size = b"", 0
    db.session.flush()
