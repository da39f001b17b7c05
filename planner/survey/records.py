"""Plain records of a survey as read from a file, shared by importers, exporters and the database.

Nothing here knows about Flask or SQL: the document and tabular readers produce a `SurveyRecord`,
`operations` stores one, and the exporters write one back out.
"""

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from planner.db_types import FIRST_YEAR, LAST_YEAR
from planner.text import printable


class Question(StrEnum):
    """The survey questions that carry answers, in the order the questionnaire asks them."""

    implementation = "implementation"  # Q2/Q3: comments on the level of implementation
    focus = "focus"  # Q4: current focus, with the office's projects
    low_priority = "low_priority"  # Q5
    challenge = "challenge"  # Q6: big implementation challenges
    proposal = "proposal"  # Q7: proposals to update the recommendations
    discuss = "discuss"  # Q8: wanted for discussion at future meetings

    @property
    def label(self) -> str:
        return QUESTION_LABELS[self]

    @property
    def order(self) -> int:
        """Its place in the questionnaire."""
        return _QUESTION_ORDER[self]


_QUESTION_ORDER = {question: index for index, question in enumerate(Question)}


QUESTION_LABELS = {
    Question.implementation: "Implementation comments (Q2/Q3)",
    Question.focus: "Current focus (Q4)",
    Question.low_priority: "Low priority (Q5)",
    Question.challenge: "Big challenge (Q6)",
    Question.proposal: "Proposals to update (Q7)",
    Question.discuss: "Wanted for discussion (Q8)",
}


# Whole answers that say there is nothing to say, in English and the offices' languages. Matched
# after `_normal` (case folded, spaces collapsed, trailing full stops and spaces dropped), and
# optionally followed by a time qualifier ("N/A at present", "Not at this time"). Only whole
# answers: "No, but Rec 1 should ..." says something and stays an answer.
_NOTHING = (
    r"no|none|nothing|nil|n/?a|n\.a|not applicable|-+|–|—"
    r"|no comments?(?: provided)?|no proposals?|not"
    # Said in a sentence (helper-196: CA's and RU's answers to question 7 counted as proposals).
    r"|no,? no (?:improvements?|changes?|proposals?) to propose"
    r"|(?:we )?(?:do not|don[’']t) have any proposals?|we have no proposals?"
    r"|ninguno|ninguna|nada|no aplica|sin comentarios"
    r"|aucun|aucune|rien|néant|sans objet|pas de commentaires?"
    r"|nenhum|nenhuma|não|nao"
    r"|нет|не применимо|никаких"
)
_WHEN = r"at present|at this time|at this moment|at the moment|for now|currently|yet"
_SAYS_NOTHING = re.compile(rf"^(?:{_NOTHING})(?:,?\s+(?:{_WHEN}))?$")


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold().rstrip(" .;!")


def says_nothing(text: str) -> bool:
    """Whether an answer is no answer: "No", "n/a", "No comments provided", "None", "-", "Nil",
    "Ninguno", "Aucun", "Нет" and the like, alone (the one rule for every importer and page).

    Such an answer is kept with its text, as the office wrote it, but counts for nothing: not as a
    proposal (Q7), a focus (Q4) or a wish (Q8), and in the summary as "no answer".
    """
    return bool(_SAYS_NOTHING.match(_normal(text)))


def folded(text: str) -> str:
    """A name or label as a person tells it apart: not by case ("ДОКЛАД" is "доклад"), nor by
    the code points that write the same letters ("é" as one, or as "e" and its accent)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def office_names(offices: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    """Each name of (code, name) pairs, folded, with the first code it is the name of: a code
    the planner does not know, given a known office's name, is most likely that office's code
    mistyped (`named_as` says so)."""
    named: dict[str, str] = {}
    for code, name in offices:
        if name and name.strip():
            named.setdefault(folded(name.strip()), code)
    return named


def named_as(name: str | None, names: dict[str, str], other_than: str = "") -> str | None:
    """The code of the office named `name` (in `names`, from `office_names`), unless it is
    `other_than`, or None."""
    code = names.get(folded(name.strip())) if name and name.strip() else None
    return code if code != other_than else None


class SurveyFormatError(ValueError):
    """The input cannot be imported; the message says why in words a co-lead understands."""


@dataclass(frozen=True)
class ImportWarning:
    """Something the importer could not place; `line` is 1-based (None: the whole file). The
    message quotes the file as any reader may show it (`text.printable`): the page, the command
    line and the log all print it, and a control character from the file must not reach them."""

    line: int | None
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", printable(self.message))

    def __str__(self) -> str:
        # A message that names its lines itself ("lines 272–325: question 2 is a chart") is
        # not said "line 272: lines 272–325: ..." (helper-183).
        if not self.line or re.match(r"lines? \d", self.message):
            return self.message
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class RespondentRecord:
    code: str
    name: str
    time_zone: str | None = None
    line: int | None = None
    # Where a tabular file gave it ("line 12" of a CSV, "offices[3]" of JSON), for a refusal.
    where: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class AnswerRecord:
    office: str
    question: Question
    recommendation: int | None
    text: str
    # First and last line of the source the text came from.
    lines: tuple[int, int] | None = None
    # How the recommendation was determined, e.g. 'section "Rec. 10"' or 'topic words "AI"'.
    basis: str | None = None
    # Where a tabular file gave it ("line 12" of a CSV, "answers[3]" of JSON), for a refusal.
    where: str | None = field(default=None, compare=False)

    @property
    def no_answer(self) -> bool:
        """Whether the text only says there is nothing to say ("No", "n/a"): see `says_nothing`."""
        return says_nothing(self.text)

    @property
    def key(self) -> tuple[str, str, int | None]:
        return (self.office, self.question.value, self.recommendation)

    def sort_key(self) -> tuple[int, int, str]:
        return (
            self.question.order,
            self.recommendation if self.recommendation is not None else 0,
            self.office,
        )


@dataclass
class SurveyRecord:
    label: str
    source_name: str
    respondents: list[RespondentRecord]
    answers: list[AnswerRecord]
    answered_from: date | None = None
    answered_until: date | None = None
    warnings: list[ImportWarning] = field(default_factory=list)
    # The published text the answers' line numbers refer to (None for tabular imports).
    source_text: str | None = None

    @property
    def slug(self) -> str:
        return slugify(self.label)

    def fingerprint(self) -> str:
        """A hash of who answered what, independent of label, file name and provenance.

        Two imports with the same fingerprint are the same survey, whatever form they came in.
        """
        content = {
            "respondents": sorted(r.code for r in self.respondents),
            "answers": sorted(
                [a.office, a.question.value, a.recommendation or 0, a.text] for a in self.answers
            ),
        }
        encoded = json.dumps(content, ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha256(encoded).hexdigest()


def slugify(label: str) -> str:
    """URL slug of a survey label: "CWS/13/26" -> "CWS-13-26". A label with no Latin letter or
    digit ("调查") gets one made from its hash, so that every survey has an address of its own."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-")[:100].rstrip("-")
    return slug or "survey-" + hashlib.sha256(label.encode()).hexdigest()[:12]


def period_problems(
    answered_from: date | None, answered_until: date | None
) -> list[tuple[str, str]]:
    """What is wrong with a survey's answer period, as (field, message): its dates (either may
    be unknown) of this era (a survey of the year 9999 would become everyone's default, as the
    latest), not ending before it starts. The same for every form a survey is read from."""
    problems = []
    for name, value in (("answered_from", answered_from), ("answered_until", answered_until)):
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            problems.append((name, f"give a date between {FIRST_YEAR} and {LAST_YEAR}"))
    if answered_from and answered_until and answered_from > answered_until:
        problems.append(
            (
                "answered_from",
                f"{answered_from.isoformat()} is after answered_until "
                f"({answered_until.isoformat()}): the period ends before it starts",
            )
        )
    return problems


def period_text(start: date | None, end: date | None) -> str | None:
    """When offices answered, as people write it: "2 May – 7 July 2025"; "from 2 May 2025"
    or "until 7 July 2025" when one end is unknown; None when both are."""
    if start and end:
        head = f"{start:%-d %B}" if start.year == end.year else f"{start:%-d %B %Y}"
        return f"{head} – {end:%-d %B %Y}"
    if start:
        return f"from {start:%-d %B %Y}"
    return f"until {end:%-d %B %Y}" if end else None


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def lines_of(text: str) -> list[str]:
    """A text's lines as editors and people count them: split at line breaks only (CRLF, LF, or
    a lone CR as old Mac files end lines; `grep -n` would not split at that last one), not at
    the form feeds pdftotext puts at page breaks, which `str.splitlines` also splits at.

    Surveys imported before this counted the old way: on their stored warnings a line number
    after the first page break is one too high per page break before it."""
    return _LINE_BREAK.split(text)
