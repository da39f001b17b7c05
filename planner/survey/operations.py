"""Storing, finding and exporting surveys: the database side of the importers and exporters."""

import codecs
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import replace as replace_fields
from pathlib import PurePath

from sqlalchemy import func, insert, nulls_last, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from planner.db_types import utcnow
from planner.errors import NotFoundError
from planner.extensions import db
from planner.offices.models import Office
from planner.private_links import holds_a_secret, secrets_named
from planner.recommendations.models import Recommendation
from planner.survey import preview
from planner.survey.changes import Shift, compare
from planner.survey.charsets import ChooseCharset, in_utf8
from planner.survey.document import NotUTF8, parse_document
from planner.survey.models import Answer, Respondent, Survey, SurveyWarning
from planner.survey.preview import LineupGone, MarkChange, OfficeRead, Preview
from planner.survey.records import (
    AnswerRecord,
    ImportWarning,
    Question,
    RespondentRecord,
    SurveyFormatError,
    SurveyRecord,
    folded,
    lines_of,
    named_as,
    office_names,
    period_problems,
    period_text,
    says_nothing,
)
from planner.survey.summary import Summary, summarise
from planner.survey.tabular import read_csv, read_json, tabular_form, with_aliases
from planner.text import SURROGATE, as_json, blank, refusal, shorten
from planner.timezones import current_id, is_time_zone
from planner.turns import take_turn


class SurveyNotFound(NotFoundError):
    pass


class SurveyConflict(SurveyFormatError):
    """Another survey with the same label is stored; replacing it must be asked for.
    `source_name` is the file that survey came from."""

    def __init__(self, message: str, source_name: str | None = None) -> None:
        super().__init__(message)
        self.source_name = source_name


class SurveyImportRaced(SurveyFormatError):
    """Another import or edit stored something this one needed to be unique (the label, the
    answers) between its checks and its save: nothing was changed, and trying again decides."""


@dataclass(frozen=True)
class ImportOutcome:
    survey: Survey
    status: str  # "created", "replaced" or "unchanged"
    warnings: list[ImportWarning]
    # Saved line-ups of the replaced survey, which went with it.
    lineups_removed: int = 0
    # Offices only the replaced survey brought, that nothing else refers to: they went with it.
    offices_removed: tuple[str, ...] = ()
    # The label the file or the person gave, when it is not the stored survey's.
    label_not_used: str | None = None
    # A survey --replace was asked to replace and did not (the answers are stored already).
    replace_unused: str | None = None
    # Whether the survey is now the one pages and the API show by default, among several.
    now_default: bool = False
    default: str | None = None  # the survey shown by default otherwise
    # Offices the file named that were not known before: made by the import (a mistyped code
    # makes one; an --alias maps it to the office it meant).
    offices_added: tuple[str, ...] = ()
    # The answers were stored already, under another answer period: the one the file gives,
    # left unused without --replace (`period_given`), or the one it corrected (`period_was`).
    period_given: str | None = None
    period_was: str | None = None
    # Offices known here that the file names or places otherwise (`offices_kept`).
    offices_kept: tuple[str, ...] = ()
    # Of `offices_added`, those the file gave no time zone (or none that is one).
    offices_without_zone: tuple[str, ...] = ()

    @property
    def stored_before(self) -> bool:
        """Whether the survey's answers and warnings are those stored before this file."""
        return self.status == "unchanged" or self.period_was is not None

    @property
    def message(self) -> str:
        """What happened, in the command line's words."""
        return self.describe()

    def describe(
        self, replace: str = "--replace", alias: str = "--alias NEW=KNOWN", page: str = ""
    ) -> str:
        """What happened, naming the ways to replace a survey and to map a code as the person
        asks for them (`replace`, `alias`): options on the command line, fields on the page; and
        the survey's page as they reach it (`page`: its path by default, as a page links it)."""
        page = page or f"/surveys/{self.survey.slug}"
        if not self.offices_kept:
            return self._happened(replace, alias, page)
        return (
            f"{self._happened(replace, alias, page)} Offices stay as they are here, not as the "
            "file gives them (an import changes no office known before: edit one on its page, "
            f"under Offices): {listed(self.offices_kept, 10)}."
        )

    def _happened(self, replace: str, alias: str, page: str) -> str:
        survey = self.survey
        if self.period_was is not None:
            return (
                f"Corrected the answer period of {survey.label} ({page}) to "
                f"{survey.period or 'unknown'} (it was {self.period_was}); its answers are the "
                f"file's already, and nothing else changed.{self._shown()}"
            )
        if self.status == "unchanged":
            unused = (
                f" The label {self.label_not_used} was not used: a survey is stored once, "
                "under the label it was first imported with."
                if self.label_not_used
                else ""
            )
            kept = (
                f" {self.replace_unused} was not replaced: {replace} stores new answers in its "
                "place, and these are stored already."
                if self.replace_unused
                else ""
            )
            period = (
                f" The file gives the answer period {self.period_given}, and {survey.label} "
                f"keeps {survey.period or 'none'}: import the file again with {replace} to "
                "correct it."
                if self.period_given
                else ""
            )
            return (
                f"{survey.label} is already imported with the same answers; nothing changed."
                + unused
                + kept
                + period
            )
        verb = "Imported" if self.status == "created" else "Replaced"
        removed = (
            f" {self.lineups_removed} saved line-up(s) of the replaced survey were removed with "
            "it (accepted ones live on as their meetings)."
            if self.lineups_removed
            else ""
        )
        if self.offices_removed:
            removed += (
                f" Offices only the replaced survey named, with nothing else of theirs kept, "
                f"went with it: {listed(self.offices_removed)}."
            )
        shown = self._shown()
        if self.offices_added:
            shown += (
                f" New offices, not known before: {listed(self.offices_added)}; if one is an "
                f"office already here under another code, import again with {replace} and "
                f"{alias}. {self._to_fill_in()}"
            )
        return (
            f"{verb} {survey.label} ({page}): {len(survey.respondents)} "
            f"respondents, {answer_count(survey)} answers, {len(self.warnings)} warning(s)."
            f"{removed}{shown}"
        )

    def _to_fill_in(self) -> str:
        """What a new office lacks until a co-lead sets it on its page: a file gives no WIPO
        group or size, which the line-up rules (at most so many per group, at least so many
        smaller offices) and the matches' peer fit read, and maybe no time zone, which meeting
        times read."""
        zone = (
            f", and the time zone of {listed(self.offices_without_zone)}, which the file does "
            "not give (fair meeting times and local times need it)"
            if self.offices_without_zone
            else ""
        )
        return (
            f"Set each new office's WIPO group and size on its page, under Offices{zone}: until "
            "then the line-up rules count it in no group and not among the smaller offices, and "
            "the matches find it no one's peer."
        )

    def _shown(self) -> str:
        """Which survey pages and the API show when none is asked for, if it is news."""
        if self.now_default:
            return (
                f" It is now the survey that pages and the API show when none is asked for "
                f"(the newest answers; of surveys as new, the one imported last); {self.default} "
                "is still there with ?survey=."
            )
        if self.default:
            return (
                f" Pages and the API still show {self.default} when no survey is asked for (its "
                f"answers are newer); this one is at ?survey={self.survey.slug}."
            )
        return ""


def listed(codes: Iterable[str], at_most: int = 40) -> str:
    """Codes for a message, the first `at_most` of them and how many more: a survey of a
    thousand new offices makes a message one can read (and a page's notice that fits)."""
    codes = list(codes)
    more = f" and {len(codes) - at_most} more" if len(codes) > at_most else ""
    return ", ".join(codes[:at_most]) + more


_ALIAS = re.compile(r"^([A-Z]{2})=([A-Z]{2})$")


def parse_aliases(values: Iterable[str]) -> dict[str, str]:
    """Aliases written LABEL=CODE ("GE=DE": count answers labelled GE for the office DE)."""
    aliases: dict[str, str] = {}
    for value in values:
        match = _ALIAS.match(value.strip().upper())
        if not match:
            raise SurveyFormatError(
                f"{value[:40]!r} is not an alias: write the label the file uses, '=', and the "
                "office's two-letter code, as in GE=DE."
            )
        if aliases.get(match[1], match[2]) != match[2]:
            raise SurveyFormatError(
                f"The aliases give {match[1]} two codes ({aliases[match[1]]} and {match[2]}): "
                "keep the one it stands for."
            )
        aliases[match[1]] = match[2]
    return aliases


def import_file(
    data: bytes,
    name: str,
    *,
    label: str | None = None,
    aliases: Mapping[str, str] | None = None,
    replace: bool = False,
    encoding: str | None = None,
) -> ImportOutcome:
    """Read a survey file (`read_survey_file`) and store it (`import_record`) in the caller's
    transaction: all of it or nothing. `encoding`: the character set (`charsets.CHARSETS`) the
    person says a file that is not UTF-8 is in. Whatever else a hostile file trips is said as a
    SurveyFormatError, never a trace."""
    with _said_as_format_errors():
        record = read_survey_file(in_utf8(data, encoding), name, label=label, aliases=aliases)
        return import_record(record, replace=replace)


@contextmanager
def _said_as_format_errors() -> Iterator[None]:
    try:
        yield
    except SurveyFormatError:
        raise
    except (ValueError, RecursionError) as error:
        # UnicodeError is a ValueError.
        raise SurveyFormatError(
            f"The file cannot be imported ({type(error).__name__}: {str(error)[:200]}); "
            "nothing was changed."
        ) from None


@dataclass(frozen=True)
class Checked:
    """What importing a file does (`preview`), and the import itself (`outcome`) when it was
    kept: None when it was only looked at."""

    preview: Preview
    outcome: ImportOutcome | None


def import_checked(
    data: bytes,
    name: str,
    *,
    label: str | None = None,
    aliases: Mapping[str, str] | None = None,
    replace: bool = False,
    encoding: str | None = None,
    check: str | None = None,
    words: Mapping[str, str] | None = None,
) -> Checked:
    """Import a survey file as `import_file` does, inside a savepoint, and say what the import
    did (`preview.Preview`): the survey and offices as read, a few answers, and, replacing a
    stored round, its answers added, removed and changed, the saved line-ups that go and the
    co-leads' marks that stop (or start) applying. The import is kept only when `check` is the
    preview's own `check`: what the person saw is what it does (another import since, or an
    office edited, changes it, and it is rolled back to be shown again). Without `check`, it
    is a dry run: nothing is kept. `words`: how `describe` names the options (page, API)."""
    with _said_as_format_errors():
        text = in_utf8(data, encoding)
        record = read_survey_file(text, name, label=label, aliases=aliases)
        # One check or checked import at a time, across instances: what one reads of the
        # stored surveys is not changed by another's trial before it is done. On SQLite, the
        # write lock is taken before the first read: a trial that read, then wrote, while
        # another request wrote, would fail at once rather than wait its turn.
        take_turn(db.session.connection(), "survey import")
        form = _form_read(text, name)
        # The round it replaces, or the one pages show now, read before the import changes them.
        existing = _named_in_any_case(record.label, record.slug) if replace else None
        before = _round_before(existing) if existing is not None else None
        compared = existing or latest_survey()
        before_marks = _mark_readings(compared) if compared is not None else None
        compared_label = compared.label if compared is not None else None
        savepoint = db.session.begin_nested()
        try:
            outcome = import_record(record, replace=replace)
            seen = _preview(record, data, form, encoding, outcome, before, words or {})
            if before_marks is not None and not outcome.stored_before:
                after = _mark_readings(outcome.survey)
                seen = replace_fields(
                    seen,
                    marks_compared_with=compared_label,
                    marks=_mark_changes(before_marks, after),
                )
        except BaseException:
            if savepoint.is_active:
                savepoint.rollback()
            raise
        if check is not None and check == seen.check:
            savepoint.commit()
            return Checked(seen, outcome)
        savepoint.rollback()
        return Checked(seen, None)


def _form_read(data: bytes, name: str) -> str:
    """The form `read_survey_file` read the file in, as the check names it."""
    form = file_form(data, name)
    if form is None:
        return "published text"
    if form == "csv":
        return "CSV"
    # Its start, as the reader decodes it: Notepad saves "Unicode" as UTF-16 (a JSON list of
    # rows was named a CSV).
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    start = data[:4096].decode("utf-16" if utf16 else "utf-8", "ignore")
    return "JSON list of rows" if start.lstrip("\ufeff \t\r\n").startswith("[") else "JSON"


@dataclass(frozen=True)
class _RoundBefore:
    described: str
    answers: list[AnswerRecord]
    respondents: set[str]
    lineups: list[LineupGone]


def _round_before(survey: Survey) -> _RoundBefore:
    from planner.agenda.models import Meeting
    from planner.lineup.models import Lineup

    lineups = [
        LineupGone(
            lineup_id,
            (rules or {}).get("focus"),
            f"{made:%d %b %Y}",
            title,
        )
        for lineup_id, rules, made, title in db.session.execute(
            select(Lineup.id, Lineup.rules, Lineup.created_at, Meeting.title)
            .outerjoin(Meeting, Meeting.id == Lineup.meeting_id)
            .where(Lineup.survey_id == survey.id)
            .order_by(Lineup.id)
        )
    ]
    return _RoundBefore(
        f"{survey.label} (from {survey.source_name}, imported "
        f"{survey.imported_at:%d %b %Y %H:%M} UTC)",
        answer_records(survey),
        respondent_codes(survey),
        lineups,
    )


def _preview(
    record: SurveyRecord,
    data: bytes,
    form: str,
    encoding: str | None,
    outcome: ImportOutcome,
    before: _RoundBefore | None,
    words: Mapping[str, str],
) -> Preview:
    added = set(outcome.offices_added)
    replaced = before is not None and outcome.status == "replaced" and not outcome.stored_before
    changes = preview.answer_changes(before.answers, record.answers) if replaced else (0, 0, 0, [])
    codes = {r.code for r in record.respondents}
    return Preview(
        source_name=record.source_name,
        form=form,
        label=outcome.survey.label,
        period=period_text(record.answered_from, record.answered_until),
        status=outcome.status,
        said=outcome.describe(**words),
        respondents=len(record.respondents),
        answers=len(record.answers),
        warnings=[(w.line, w.message) for w in record.warnings],
        offices_added=[
            OfficeRead(r.code, r.name, r.time_zone) for r in record.respondents if r.code in added
        ],
        offices_kept=list(outcome.offices_kept),
        offices_removed=list(outcome.offices_removed),
        samples=preview.samples(record, added),
        reading=preview.reading(data, encoding),
        replaces=before.described if replaced else None,
        respondents_gone=sorted(before.respondents - codes) if replaced else [],
        respondents_new=sorted(codes - before.respondents) if replaced else [],
        added=changes[0],
        removed=changes[1],
        changed=changes[2],
        answer_changes=changes[3],
        lineups_gone=before.lineups if replaced else [],
    )


def _mark_readings(survey: Survey) -> dict[tuple[str, str, int], tuple[str, str | None]]:
    """Each co-lead's mark (its verdict), and why it does not apply to `survey`'s answers (its
    presenter shows nothing there, or its audience does not ask), None where it does: as the
    matches read it (`Scorer.unranked_marks`). {} when there are no marks."""
    from planner.matching.models import MatchMark
    from planner.matching.operations import (
        marks,
        office_peers,
        survey_interests_and_projects,
        weights_in_use,
    )
    from planner.matching.scorer import Scorer

    if db.session.scalar(select(MatchMark.id).limit(1)) is None:
        return {}
    marked = marks()
    interests, projects = survey_interests_and_projects(survey)
    scorer = Scorer(interests, projects, office_peers(), marked, weights_in_use())
    readings = {}
    for (audience, presenter, number), mark in marked.items():
        why = None
        if not scorer.presents(presenter, number):
            why = scorer.not_presenting(presenter, number)
        elif not scorer.wants(audience, number):
            why = f"{audience} does not ask for Rec {number} in this survey"
        readings[(audience, presenter, number)] = (mark.verdict, why)
    return readings


def _mark_changes(before: dict, after: dict) -> list[MarkChange]:
    return [
        MarkChange(audience, presenter, number, verdict, before[key][1], why)
        for key, (verdict, why) in sorted(after.items())
        for audience, presenter, number in [key]
        if key in before and (before[key][1] is None) != (why is None)
    ]


def known_recommendations() -> set[int]:
    return set(db.session.scalars(select(Recommendation.number)))


def known_offices() -> dict[str, str]:
    """Every office's code and name."""
    return {code: name for code, name in db.session.execute(select(Office.code, Office.name))}


def file_form(data: bytes, name: str) -> str | None:
    """The tabular form ("json" or "csv") the file is read in, by its name's suffix or else its
    content (`tabular_form`); None for the published text."""
    suffix = PurePath(name).suffix.lower()
    return suffix[1:] if suffix in (".json", ".csv") else tabular_form(data)


def read_survey_file(
    data: bytes,
    name: str,
    *,
    label: str | None = None,
    aliases: Mapping[str, str] | None = None,
) -> SurveyRecord:
    """Read a survey in whichever form its name says: .json, .csv, or the published text."""
    if label is not None:
        label = label.strip()
        if blank(label):
            raise SurveyFormatError(
                "The survey label is blank: give the survey a label, or none to use the file's own."
            )
    recommendations = known_recommendations()
    form = file_form(data, name)
    if form:
        reader = read_json if form == "json" else read_csv
        record = reader(
            data, name, label=label, recommendations=recommendations, offices=known_offices()
        )
        return with_aliases(record, aliases) if aliases else record
    try:
        return parse_document(
            data, name, label=label, aliases=aliases, recommendations=recommendations
        )
    except NotUTF8 as error:
        where = f"{name} cannot be imported; nothing was changed:\n  line {error.line}"
        raise ChooseCharset(where, error.data, error.at, "save the text as UTF-8") from None


# The longest answer of CWS/13/26 has some 2 000 characters; ten times that is still an answer.
ANSWER_MAX = 20_000
# Warnings kept with a survey: the first ones, and how many more there were.
WARNINGS_KEPT = 200


def _kept(warnings: list[ImportWarning]) -> list[ImportWarning]:
    if len(warnings) <= WARNINGS_KEPT:
        return warnings
    more = len(warnings) - WARNINGS_KEPT
    return [*warnings[:WARNINGS_KEPT], ImportWarning(None, f"… and {more} more warnings.")]


def refusals(record: SurveyRecord) -> list[str]:
    """What in a survey cannot be stored as it is: texts longer than their columns (or, for
    answers, than ANSWER_MAX), control characters (line breaks only in answers), half of a
    surrogate pair. The same on every database: PostgreSQL would refuse them, SQLite store them."""
    problems: list[str] = []

    def check(value: str | None, what: str, limit: int, *, multiline: bool = False) -> None:
        if not value:
            return
        if multiline:
            value = value.replace("\r\n", "\n")
        if len(value) > limit:
            problems.append(f"{what} is longer than {limit:,} characters")
        elif why := refusal(value, what, multiline=multiline):
            problems.append(why.rstrip("."))
        elif SURROGATE.search(value):
            problems.append(f"{what} cannot contain half of a surrogate pair")

    # Of invisible characters alone (a zero-width space), every page shows it as no label.
    if blank(record.label):
        problems.append(
            "The survey label is blank: give the survey a label, in the file or on import"
        )
    check(record.label, "The survey label", _length(Survey.label))
    problems += [
        f"The survey's {name}: {message}"
        for name, message in period_problems(record.answered_from, record.answered_until)
    ]
    if record.source_text and "\x00" in record.source_text:
        problems.append("The source text cannot contain a NUL character (is it a binary file?)")
    check(record.source_name, "The source's name", _length(Survey.source_name))
    for respondent in record.respondents:
        limit = min(_length(Respondent.name_in_source), _length(Office.name))
        check(respondent.name, f"{respondent.code}'s name", limit)
    for answer in record.answers:
        where = f"{answer.office}'s {answer.question.value} answer" + (
            f" on Rec {answer.recommendation}" if answer.recommendation else ""
        )
        check(answer.text, where, ANSWER_MAX, multiline=True)
        check(answer.basis, f"The basis of {where}", ANSWER_MAX, multiline=True)
    # Texts that can be stored, checked for what must not be (its work grows with the text).
    return problems or mistyped_codes(record) or secrets_held(record)


def mistyped_codes(record: SurveyRecord) -> list[str]:
    """New offices named as another office is (one known here, or another code of the same
    file): most likely that office under a mistyped code, which would become a second office of
    the same name on every page (helper-146: "PF" for PE made a second INDECOPI on the
    volunteer form). Refused, saying how to import it as meant."""
    known = known_offices()
    names = office_names([*known.items(), *((r.code, r.name) for r in record.respondents)])
    problems = []
    for respondent in record.respondents:
        if respondent.code in known:
            continue
        other = named_as(respondent.name, names, other_than=respondent.code)
        if other is not None:
            where = respondent.where or (f"line {respondent.line}" if respondent.line else None)
            said = (
                f"{respondent.code} is not an office known here, yet it is named as {other} is "
                f"(“{respondent.name.strip()}”): if it is {other} under a mistyped code, correct "
                f"the code (or give the alias {respondent.code}={other}); if it is another "
                "office, give it a name of its own"
            )
            problems.append(f"{where}: {said}" if where else said)
    return problems


def secrets_held(record: SurveyRecord) -> list[str]:
    """Where a survey holds the secret of one of the planner's private links (a presenter's or
    a volunteer's page, an unsubscribe link, an office feed): the pages publish what it
    brings (offices' names, answers, the source's lines, its label), so it is refused as a
    typed text holding one is (`forms.published`), naming the line or row and the field.
    A line of the published text is said once, not again as each answer read from it. All of
    it is looked up at once (`secrets_named`): a few queries, however long the file."""
    lines = lines_of(record.source_text or "")
    # (value, what it is, where it is, the published text's lines it came from)
    fields: list[tuple[str, str, str | None, tuple[int, int] | None]] = [
        (record.label, "the survey label", None, None),
        (record.source_name, "the source's name", None, None),
    ]
    for respondent in record.respondents:
        line = respondent.line
        fields.append(
            (
                respondent.name,
                f"the name of office {respondent.code}",
                respondent.where or (f"line {line}" if line else None),
                (line, line) if line else None,
            )
        )
    for answer in record.answers:
        what = f"{answer.office}'s {answer.question.value} answer" + (
            f" on Rec {answer.recommendation}" if answer.recommendation else ""
        )
        # In the published text an answer's lines are the file's; in a tabular file, the
        # lines of the text it was once read from.
        span = answer.lines if record.source_text is not None else None
        where = answer.where or (f"lines {span[0]}–{span[1]}" if span else None)
        fields.append((answer.text, f"the text of {what}", where, span))
        fields.append((answer.basis, f"the basis of {what}", where, span))
    for warning in record.warnings:
        # A warning quotes the file (a column it does not read), and the survey's page shows it.
        line = warning.line if record.source_text is not None else None
        fields.append(
            (
                warning.message,
                "what the import warns about",
                f"line {warning.line}" if warning.line else None,
                (line, line) if line else None,
            )
        )
    fields = [field for field in fields if field[0]]
    held = secrets_named([*lines, *(value for value, *_ in fields)])
    flagged = {position + 1 for position in held if position < len(lines)}
    # Said as the other refusals here are, without their final stop.
    problems = [
        f"line {number}: " + holds_a_secret("the file's text").rstrip(".")
        for number in sorted(flagged)
    ]
    for position, (_value, what, where, span) in enumerate(fields, start=len(lines)):
        if position not in held:
            continue
        if span is not None and flagged.intersection(range(span[0], span[1] + 1)):
            continue  # said for its line
        said = holds_a_secret(what).rstrip(".")
        problems.append(f"{where}: {said}" if where else said[0].upper() + said[1:])
    return problems


def _length(column) -> int:
    return column.property.columns[0].type.length


def import_record(record: SurveyRecord, *, replace: bool = False) -> ImportOutcome:
    """Store a survey within the caller's transaction: all of it, or (on any error) nothing. The
    request boundary or the command commits it."""
    if problems := refusals(record):
        shown = problems[:20]
        tail = f"\n  … and {len(problems) - 20} more." if len(problems) > 20 else ""
        raise SurveyFormatError(
            "The survey cannot be imported; nothing was changed:\n  " + "\n  ".join(shown) + tail
        )
    kept = offices_kept(record)
    fingerprint = record.fingerprint()
    same = db.session.scalar(select(Survey).where(Survey.fingerprint == fingerprint))
    if same is not None:
        unused = record.label if record.label != same.label else None
        # What the reader could not place is said again: this file may differ from the stored
        # one in text that no answer holds.
        other = None
        if replace and unused:
            # --replace asked to replace the survey under that label; the answers are stored
            # already (under another label), so nothing was, and it is said (helper-60).
            other = db.session.scalar(select(Survey.label).where(Survey.label == record.label))
        period = (record.answered_from, record.answered_until)
        if unused or period in ((None, None), (same.answered_from, same.answered_until)):
            return ImportOutcome(
                same,
                "unchanged",
                record.warnings,
                label_not_used=unused,
                replace_unused=other,
                offices_kept=kept,
            )
        # The same answers, answered over another period: the file corrects the dates, which
        # nothing else does (they decide which survey pages show), and keeps the saved
        # line-ups that a replaced survey takes with it.
        if not replace:
            given = period_text(*period)
            return ImportOutcome(
                same, "unchanged", record.warnings, period_given=given, offices_kept=kept
            )
        from planner.agenda.participants import participants_kept

        shown_before, was = latest_survey(), same.period or "unknown"
        with participants_kept():
            # The dates decide which survey is the latest, whose respondents take part in the
            # meetings that name no offices and follow it.
            same.answered_from, same.answered_until = period
            same.imported_at = utcnow()
            db.session.flush()
        return ImportOutcome(
            same,
            "replaced",
            record.warnings,
            period_was=was,
            offices_kept=kept,
            **_default_after(same, shown_before),
        )
    shown_before = latest_survey()
    # Labels and slugs that differ only in case are one survey ("large" is "LARGE"), as those
    # that differ only in punctuation are (their slugs are the same) (helper-71).
    existing = _named_in_any_case(record.label, record.slug)
    if existing is not None and not replace:
        raise SurveyConflict(
            f"A different survey labelled {existing.label} is already imported "
            f"(from {existing.source_name}); nothing was changed.",
            existing.source_name,
        )
    from planner.agenda.participants import participants_kept, plan_with, planned_with

    lineups_removed = 0
    offices_removed: tuple[str, ...] = ()
    try:
        with participants_kept():
            if existing is not None:
                from planner.lineup.models import Lineup

                lineups_removed = db.session.scalar(
                    select(func.count()).select_from(Lineup).where(Lineup.survey_id == existing.id)
                )
                brought = {r.office_code for r in existing.respondents}
                # The meetings planned with it are planned with the file that replaces it.
                planned = planned_with(existing)
                db.session.delete(existing)
                db.session.flush()
            survey, added = _store(record, fingerprint)
            db.session.flush()
            if existing is not None:
                plan_with(planned, survey)
                offices_removed = _remove_left_behind(
                    brought - {r.code for r in record.respondents}
                )
    except IntegrityError:
        db.session.rollback()
        raise SurveyImportRaced(
            f"{record.label} could not be stored because the database changed during the import "
            "(another import or edit at the same time); nothing was changed. Try again."
        ) from None
    except BaseException:
        db.session.rollback()
        raise
    before = shown_before if shown_before is not existing else None
    return ImportOutcome(
        survey,
        "replaced" if existing else "created",
        record.warnings,
        lineups_removed,
        offices_removed,
        offices_added=added,
        offices_without_zone=tuple(
            o.code
            for o in db.session.scalars(select(Office).where(Office.code.in_(added)))
            if not o.time_zone
        ),
        offices_kept=kept,
        **_default_after(survey, before),
    )


def offices_kept(record: SurveyRecord) -> tuple[str, ...]:
    """Offices known here that a tabular file names or places otherwise, each with what differs:
    an import changes no office known before (a co-lead's edit stays), and says so rather than
    leave a time zone corrected in the file unread without a word. The published text names
    offices as the document does ("Peru, National Institute ..."), not as pages do, and gives
    no time zones: it is not compared."""
    if record.source_text is not None:
        return ()
    here = {
        code: (name, zone)
        for code, name, zone in db.session.execute(
            select(Office.code, Office.name, Office.time_zone)
        )
    }
    kept = []
    for respondent in record.respondents:
        if respondent.code not in here:
            continue
        name, zone = here[respondent.code]
        # A file without names names each office by its code: no name given.
        given_name = respondent.name if respondent.name != respondent.code else None
        given_zone = respondent.time_zone
        differ = [
            f"{what} {_where_apart(given, known)} in the file, "
            f"{_where_apart(known, given) if known else 'none'} here"
            for what, given, known, same in (
                ("name", given_name, name, given_name == name),
                # An old id of the zone stored ("Asia/Calcutta" for "Asia/Kolkata") is that zone.
                ("time zone", given_zone, zone, given_zone and current_id(given_zone) == zone),
            )
            if given and not same
        ]
        if differ:
            kept.append(f"{respondent.code} ({'; '.join(differ)})")
    return tuple(kept)


_QUOTED = 40


def _where_apart(text: str, other: str | None) -> str:
    """`text` quoted for a message, cut to where it differs from `other` when their first
    words are the same: two long names cut alike read as one ("National Institute for the
    Defense of Co…" twice, helper-208)."""
    if len(text) <= _QUOTED or not other or text[:_QUOTED] != other[:_QUOTED]:
        return as_json(text, _QUOTED)
    apart = next(
        (i for i, (a, b) in enumerate(zip(text, other, strict=False)) if a != b),
        min(len(text), len(other)),
    )
    start = text.rfind(" ", 0, max(apart - 10, 0)) + 1
    return as_json("…" + text[start:], _QUOTED)


def _default_after(survey: Survey, shown_before: Survey | None) -> dict:
    """Which survey pages show by default now that `survey` is stored, as ImportOutcome says
    it: whether it is now the one (and which other was), or the one still shown."""
    shown_now = latest_survey()
    before = shown_before.label if shown_before is not None and shown_before is not survey else None
    if shown_now is survey:
        return {"now_default": before is not None, "default": before}
    return {"now_default": False, "default": shown_now.label if shown_now else None}


@dataclass(frozen=True)
class SurveyRemoval:
    """What deleting a survey took with it, and which survey pages show now."""

    label: str
    answers: int
    lineups: int
    offices: tuple[str, ...]
    shown_now: Survey | None

    def describe(self) -> str:
        """What the page, and the command line, say once it is done."""
        lineups = f" and {self.lineups} saved line-up(s)" if self.lineups else ""
        offices = (
            f"; offices only it named went with it: {', '.join(self.offices)}"
            if self.offices
            else ""
        )
        now = f" Pages now show {self.shown_now.label}." if self.shown_now else ""
        return f"Deleted the survey {self.label}: {self.answers} answer(s){lineups}{offices}.{now}"


def removal_preview(survey: Survey) -> tuple[int, int]:
    """How many answers and saved line-ups deleting `survey` would take with it."""
    from planner.lineup.models import Lineup

    lineups = db.session.scalar(
        select(func.count()).select_from(Lineup).where(Lineup.survey_id == survey.id)
    )
    return answer_count(survey), lineups


def delete_survey(survey: Survey) -> SurveyRemoval | None:
    """Delete an imported survey (a file imported by mistake, a trial): its respondents,
    answers, warnings and saved line-ups go with it, and offices only it brought that nothing
    else keeps (`_remove_left_behind`). Meetings, slots, proposals, contacts and co-leads'
    marks stay: they are the Task Force's work, not the survey's. Pages then show the latest
    survey left (flushed). None when someone else deleted it meanwhile: its row is locked
    first, so of two co-leads deleting at once one deletes and the other is told (PostgreSQL
    waits for the first; SQLite writes one at a time)."""
    locked = select(Survey.id).where(Survey.id == survey.id).with_for_update()
    if db.session.scalar(locked) is None:
        return None
    from planner.agenda.participants import participants_kept

    answers, lineups = removal_preview(survey)
    label, brought = survey.label, {r.office_code for r in survey.respondents}
    # A meeting planned with it follows the latest survey left.
    with participants_kept():
        db.session.delete(survey)
        db.session.flush()
        offices = _remove_left_behind(brought)
    return SurveyRemoval(label, answers, lineups, offices, latest_survey())


def _remove_left_behind(codes: set[str]) -> tuple[str, ...]:
    """Of the offices `codes` (named by a replaced survey, not by the one replacing it), remove
    those the import had brought and nothing else keeps: not among the reference offices, never
    edited by hand nor its feed link revoked (an office made again would start its feed's
    version afresh, and a revoked link would work again; helper-60), and named by no row of any
    table: another survey, a slot, a meeting, a proposal, a contact, a mark (their foreign keys),
    an invitation or a cancelled event its feed still carries (plain columns). A code mistyped
    in a file leaves no office behind once the corrected file replaces it; an office anyone
    worked with stays."""
    from planner.bootstrap import reference_rows
    from planner.calendar.models import RemovedEvent
    from planner.presenters.models import Invitation

    reference = {row["code"] for row in reference_rows("offices.csv")}
    referring = [
        fk.parent
        for table in db.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == Office.__tablename__ and fk.column.name == "code"
    ]
    referring += [Invitation.office_code, RemovedEvent.office_code]
    # A saved line-up's rules name offices in JSON (include, exclude): "Adjust the rules" must
    # still find them.
    from planner.lineup.models import Lineup

    in_rules = (
        {
            code
            for rules in db.session.scalars(select(Lineup.rules))
            for name in ("include", "exclude")
            for code in (rules or {}).get(name, []) or []
        }
        if codes - reference
        else set()
    )
    removed = []
    for code in sorted(codes - reference):
        office = db.session.get(Office, code)
        if office is None or office.updated_at is not None or office.updated_by is not None:
            continue
        if office.feed_version or code in in_rules:
            continue
        if any(
            db.session.scalar(select(column).where(column == code).limit(1)) is not None
            for column in referring
        ):
            continue
        db.session.delete(office)
        removed.append(code)
    db.session.flush()
    return tuple(removed)


def _store(record: SurveyRecord, fingerprint: str) -> tuple[Survey, tuple[str, ...]]:
    """The survey stored, and the codes of the offices it made (not known before)."""
    known = set(db.session.scalars(select(Office.code)))
    added = tuple(sorted({r.code for r in record.respondents} - known))
    for respondent in record.respondents:
        if respondent.code in added:
            # By the id it goes by today, as the office's page stores it ("Asia/Kolkata" for
            # "Asia/Calcutta").
            zone = (
                current_id(respondent.time_zone)
                if respondent.time_zone and is_time_zone(respondent.time_zone)
                else None
            )
            db.session.add(Office(code=respondent.code, name=respondent.name, time_zone=zone))
    survey = Survey(
        label=record.label,
        slug=record.slug,
        source_name=record.source_name,
        source_text=record.source_text,
        fingerprint=fingerprint,
        answered_from=record.answered_from,
        answered_until=record.answered_until,
        respondents=[
            Respondent(office_code=r.code, name_in_source=r.name, line=r.line)
            for r in record.respondents
        ],
        warnings=[SurveyWarning(line=w.line, message=w.message) for w in _kept(record.warnings)],
    )
    db.session.add(survey)
    db.session.flush()
    if record.answers:
        db.session.execute(
            insert(Answer),
            [
                {
                    "survey_id": survey.id,
                    "office_code": a.office,
                    "question": a.question,
                    "recommendation_number": a.recommendation,
                    "text": a.text,
                    "line_start": a.lines[0] if a.lines else None,
                    "line_end": a.lines[1] if a.lines else None,
                    "basis": a.basis,
                }
                for a in record.answers
            ],
        )
    return survey, added


def _named_in_any_case(label: str, slug: str) -> Survey | None:
    """The (first imported) survey with this label or this slug, in any case: folded in Python,
    in every script ("ДОКЛАД" is "доклад"; SQLite's lower() folds only ASCII), and in any of
    the code points that write the same letters ("é" as one, or as "e" and its accent). Surveys
    are few: their labels are read whole."""
    wanted = folded(label), slug.casefold()
    for found_id, found_label, found_slug in db.session.execute(
        select(Survey.id, Survey.label, Survey.slug).order_by(Survey.id)
    ):
        if folded(found_label) == wanted[0] or found_slug.casefold() == wanted[1]:
            return db.session.get(Survey, found_id)
    return None


def _latest_first() -> tuple:
    return (nulls_last(Survey.answered_until.desc()), Survey.imported_at.desc(), Survey.id.desc())


def list_surveys() -> list[Survey]:
    return list(db.session.scalars(select(Survey).order_by(*_latest_first())))


def latest_survey() -> Survey | None:
    """The survey with the newest answer window, or None before any import."""
    return db.session.scalar(select(Survey).order_by(*_latest_first()).limit(1))


def previous_survey(survey: Survey) -> Survey | None:
    """The survey before `survey` in the order pages list them (the next older answers): the
    round it is compared with."""
    surveys = list_surveys()
    later = [s.id for s in surveys]
    place = later.index(survey.id) if survey.id in later else len(surveys)
    return surveys[place + 1] if place + 1 < len(surveys) else None


def surveys_answered(office: str) -> list[Survey]:
    """The surveys `office` answered, latest first."""
    answered = select(Respondent.survey_id).where(Respondent.office_code == office)
    return list(
        db.session.scalars(select(Survey).where(Survey.id.in_(answered)).order_by(*_latest_first()))
    )


def named_in(
    survey: Survey, *, office: str | None = None, recommendation: int | None = None
) -> set[tuple[Question, object]]:
    """What the survey's counted answers name, as (question, recommendation) pairs for one
    `office`, or (question, office) pairs for one `recommendation`: as the pages count them (an
    answer that says nothing names nothing: `says_nothing`)."""
    query = select(Answer.question, Answer.office_code, Answer.recommendation_number, Answer.text)
    query = _filtered(
        query.where(Answer.recommendation_number.is_not(None)),
        survey,
        office=office,
        recommendation=_ANY if recommendation is None else recommendation,
    )
    return {
        (question, number if recommendation is None else code)
        for question, code, number, text in db.session.execute(query)
        if not says_nothing(text)
    }


@dataclass(frozen=True)
class RoundChanges:
    """What changed for an office or a recommendation from the round before (`earlier`) to the
    survey shown; `shifts` is empty when the office did not answer `earlier`."""

    earlier: Survey
    shifts: list[Shift]
    answered_earlier: bool = True

    @property
    def changed(self) -> bool:
        return any(shift.changed for shift in self.shifts)


def changes_since_previous(
    survey: Survey, *, office: str | None = None, recommendation: int | None = None
) -> RoundChanges | None:
    """How `office`'s answers, or the answers on `recommendation`, differ from those of the
    survey before `survey` (`previous_survey`); None when there is none."""
    earlier = previous_survey(survey)
    if earlier is None:
        return None
    if office is not None:
        if office not in respondent_codes(earlier):
            return RoundChanges(earlier, [], answered_earlier=False)
        before, after = named_in(earlier, office=office), named_in(survey, office=office)
        return RoundChanges(earlier, compare(before, after))
    before = named_in(earlier, recommendation=recommendation)
    after = named_in(survey, recommendation=recommendation)
    shifts = compare(
        before,
        after,
        answered_before=respondent_codes(earlier),
        answered_after=respondent_codes(survey),
    )
    return RoundChanges(earlier, shifts)


def find_survey(reference: str | None = None) -> Survey:
    """The survey with this label or slug; without one, the latest (newest answer window)."""
    if reference and refusal(reference, "The survey"):
        survey = None  # no label holds a NUL or a line break: nothing to look up
    elif reference:
        # The exact spelling first; then in any case ("?survey=cws-13-26").
        exact = (Survey.label == reference) | (Survey.slug == reference)
        survey = db.session.scalar(select(Survey).where(exact).limit(1))
        survey = survey or _named_in_any_case(reference, reference)
    else:
        survey = latest_survey()
    if survey is None:
        shown = shorten(reference or "", 60)
        raise SurveyNotFound(
            f"No survey {shown!r} has been imported."
            if reference
            else "No survey has been imported yet."
        )
    return survey


def survey_record(survey: Survey) -> SurveyRecord:
    """The stored survey as a record, ready for the JSON and CSV writers."""
    offices = {
        office.code: office
        for office in db.session.scalars(
            select(Office).join(Respondent).where(Respondent.survey_id == survey.id)
        )
    }
    return SurveyRecord(
        label=survey.label,
        source_name=survey.source_name,
        respondents=[
            RespondentRecord(code, offices[code].name, offices[code].time_zone)
            for code in sorted(offices)
        ],
        answers=answer_records(survey),
        answered_from=survey.answered_from,
        answered_until=survey.answered_until,
    )


_ANY = object()


def _filtered(
    query,
    survey: Survey,
    question: Question | None = None,
    recommendation: int | object | None = _ANY,
    office: str | None = None,
):
    query = query.where(Answer.survey_id == survey.id)
    if question is not None:
        query = query.where(Answer.question == question)
    if recommendation is None:
        query = query.where(Answer.recommendation_number.is_(None))
    elif recommendation is not _ANY:
        query = query.where(Answer.recommendation_number == recommendation)
    if office is not None:
        query = query.where(Answer.office_code == office)
    return query


def query_answers(survey: Survey, **filters) -> list[Answer]:
    """The survey's answers, optionally only one `question`, `recommendation` (None: none) or
    `office`. Ordered as the questionnaire asks: question, recommendation, office.
    """
    # Pages show each answer's office and recommendation: load them in the same query.
    query = select(Answer).options(joinedload(Answer.office), joinedload(Answer.recommendation))
    answers = list(db.session.scalars(_filtered(query, survey, **filters)))
    answers.sort(key=lambda a: (a.question.order, a.recommendation_number or 0, a.office_code))
    return answers


def answer_cells(survey: Survey, question: Question) -> list[tuple[int, str, int, str]]:
    """(id, office, recommendation, text) of the answers to `question` that name a recommendation
    and say something (an "n/a" under Rec 3 is no focus: `says_nothing`, as the summary counts).

    The light query behind the heatmap, which needs no ORM objects.
    """
    rows = db.session.execute(
        select(Answer.id, Answer.office_code, Answer.recommendation_number, Answer.text).where(
            Answer.survey_id == survey.id,
            Answer.question == question,
            Answer.recommendation_number.is_not(None),
        )
    )
    return [row for row in rows.tuples() if not says_nothing(row[3])]


def answer_records(survey: Survey, **filters) -> list[AnswerRecord]:
    """The survey's answers as plain records (the export's rows); filters as `query_answers`."""
    columns = select(
        Answer.office_code,
        Answer.question,
        Answer.recommendation_number,
        Answer.text,
        Answer.line_start,
        Answer.line_end,
        Answer.basis,
    )
    records = [
        AnswerRecord(
            office, question, number, text, (first, last) if first is not None else None, basis
        )
        for office, question, number, text, first, last, basis in db.session.execute(
            _filtered(columns, survey, **filters)
        )
    ]
    return sorted(records, key=AnswerRecord.sort_key)


def answer_counts(
    survey: Survey, offices: Iterable[str] | None = None
) -> dict[tuple[str, Question], int]:
    """How many recommendations each office named, per question, as the summary counts them (an
    answer that says nothing, "n/a" under Rec 3, names none: `says_nothing`); with `offices`
    (codes), theirs alone, from their answers alone."""
    query = select(Answer.office_code, Answer.question, Answer.text).where(
        Answer.survey_id == survey.id, Answer.recommendation_number.is_not(None)
    )
    if offices is not None:
        query = query.where(Answer.office_code.in_(list(offices)))
    rows = db.session.execute(query)
    return Counter((office, question) for office, question, text in rows if not says_nothing(text))


def respondent_codes(survey: Survey, offices: Iterable[str] | None = None) -> set[str]:
    """The codes of the offices that answered `survey`; with `offices` (codes), those of them
    that did (their rows read, not the survey's)."""
    query = select(Respondent.office_code).where(Respondent.survey_id == survey.id)
    if offices is not None:
        query = query.where(Respondent.office_code.in_(list(offices)))
    return set(db.session.scalars(query))


def respondent_offices(survey: Survey) -> list[Office]:
    return list(
        db.session.scalars(
            select(Office)
            .join(Respondent)
            .where(Respondent.survey_id == survey.id)
            .order_by(Office.code)
        )
    )


def source_lines(survey: Survey, first: int, last: int) -> list[tuple[int, str]]:
    """The non-blank lines `first`..`last` of the published text, with their numbers."""
    if not survey.source_text:
        return []
    lines = lines_of(survey.source_text)[first - 1 : last]
    return [(first + i, line.strip()) for i, line in enumerate(lines) if line.strip()]


def answer_count(survey: Survey) -> int:
    return db.session.scalar(select(func.count(Answer.id)).where(Answer.survey_id == survey.id))


def survey_summary(survey: Survey) -> Summary:
    respondents = db.session.scalars(
        select(Respondent.office_code).where(Respondent.survey_id == survey.id)
    )
    rows = db.session.execute(
        select(
            Answer.office_code, Answer.question, Answer.recommendation_number, Answer.text
        ).where(Answer.survey_id == survey.id)
    )
    return summarise(respondents, rows.tuples(), known_recommendations())
