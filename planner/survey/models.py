"""Surveys, who responded, what they answered, and what the importer could not place."""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db_types import UTCDateTime, utcnow
from planner.extensions import db
from planner.offices.models import Office
from planner.recommendations.models import Recommendation
from planner.survey.records import Question, period_text, says_nothing


class BundledSurveyLoad(db.Model):
    """When first start loaded the bundled CWS/13/26 survey (one row, or none before). `setup`
    loads it once: a co-lead who deleted it does not find it back at the next start
    (helper-84)."""

    __tablename__ = "bundled_survey_loads"

    id: Mapped[int] = mapped_column(primary_key=True)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Survey(db.Model):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(100), unique=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    source_name: Mapped[str] = mapped_column(String(255))
    # The published text as imported, so any answer can be shown beside its source lines.
    source_text: Mapped[str | None] = mapped_column(Text, deferred=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    answered_from: Mapped[date | None] = mapped_column(Date)
    answered_until: Mapped[date | None] = mapped_column(Date)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    respondents: Mapped[list["Respondent"]] = relationship(
        back_populates="survey",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Respondent.office_code",
    )
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", passive_deletes=True
    )
    warnings: Mapped[list["SurveyWarning"]] = relationship(
        back_populates="survey",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SurveyWarning.id",
    )

    @property
    def period(self) -> str | None:
        """When offices answered, as people write it (`period_text`)."""
        return period_text(self.answered_from, self.answered_until)

    def __repr__(self) -> str:
        return f"<Survey {self.label}>"


class Respondent(db.Model):
    """An office listed in question 1, with its name as the survey gives it."""

    __tablename__ = "respondents"
    __table_args__ = (UniqueConstraint("survey_id", "office_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    office_code: Mapped[str] = mapped_column(ForeignKey("offices.code"))
    name_in_source: Mapped[str] = mapped_column(String(300))
    line: Mapped[int | None]

    survey: Mapped[Survey] = relationship(back_populates="respondents")
    office: Mapped[Office] = relationship()


class Answer(db.Model):
    """One office's answer to one question, for one recommendation or none."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint(
            "survey_id", "office_code", "question", "recommendation_number", name="uq_answers_key"
        ),
        Index("ix_answers_survey_question", "survey_id", "question", "recommendation_number"),
        CheckConstraint("line_start IS NULL OR line_end >= line_start", name="line_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    office_code: Mapped[str] = mapped_column(ForeignKey("offices.code"), index=True)
    question: Mapped[Question] = mapped_column(
        SAEnum(
            Question,
            native_enum=False,
            create_constraint=True,
            length=20,
            name="question",
            values_callable=lambda kinds: [kind.value for kind in kinds],
        )
    )
    recommendation_number: Mapped[int | None] = mapped_column(ForeignKey("recommendations.number"))
    text: Mapped[str] = mapped_column(Text)
    # Provenance: the lines of the survey's source file the text came from.
    line_start: Mapped[int | None]
    line_end: Mapped[int | None]
    # How the recommendation was determined, e.g. 'section "Rec. 10" (line 728)'.
    basis: Mapped[str | None] = mapped_column(Text)

    survey: Mapped[Survey] = relationship(back_populates="answers")
    office: Mapped[Office] = relationship()
    recommendation: Mapped[Recommendation | None] = relationship()

    @property
    def no_answer(self) -> bool:
        """Whether the text only says there is nothing to say ("No", "n/a"): kept as written,
        counted as no answer (`says_nothing`, the importers' rule too)."""
        return says_nothing(self.text)


class SurveyWarning(db.Model):
    """Something the importer could not place, kept so a co-lead can check the source."""

    __tablename__ = "survey_warnings"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    line: Mapped[int | None]
    message: Mapped[str] = mapped_column(Text)

    survey: Mapped[Survey] = relationship(back_populates="warnings")


class SurveyUpload(db.Model):
    """A survey file a co-lead sent to check before importing it, with the choices it was sent
    with. Kept in the database, not in a process or on an instance's disk: the "Import" that
    follows may reach any instance behind the proxy. Kept `pending.UPLOAD_HOURS`, a few per
    co-lead, and for them only. Once imported its bytes are dropped, and it says what the
    import did: the same "Import" sent again (a double click, Back and send) shows that rather
    than importing twice."""

    __tablename__ = "survey_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    source_name: Mapped[str] = mapped_column(String(255))
    # At most SURVEY_MAX_BYTES; deferred, so that finding an upload never loads it.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int]
    label: Mapped[str | None] = mapped_column(String(100))
    aliases: Mapped[str] = mapped_column(String(500), default="")
    replace_stored: Mapped[bool] = mapped_column(default=False)
    encoding: Mapped[str | None] = mapped_column(String(20))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id", ondelete="SET NULL"))
    # What the import said, for the same "Import" sent again.
    said: Mapped[str | None] = mapped_column(Text)

    survey: Mapped[Survey | None] = relationship()
