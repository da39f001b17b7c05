"""Surveys shaped like CWS/13/26 at any size, for benchmarks, tests and trying the app with load.

`render_document` writes a survey in the layout of the published annex (the inverse of
`parse_document`); `scaled_survey` grows a real survey to more offices by giving new offices the
answers of existing ones.
"""

import itertools
import random
import string
import textwrap
from collections import defaultdict

from planner.survey.records import AnswerRecord, Question, RespondentRecord, SurveyRecord

_WIDTH = 88
_PER_RECOMMENDATION = (
    (4, Question.focus, "Select which Recommendation(s) represent a current focus for your Office"),
    (5, Question.low_priority, "Select which Recommendation(s), if any, are low priorities"),
    (6, Question.challenge, "Select which Recommendation(s), if any, pose big challenges"),
)


def _wrap(text: str) -> list[str]:
    """Wrap like a PDF extraction, but never start a line with something that reads as a code."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        for line in textwrap.wrap(paragraph, _WIDTH, break_on_hyphens=False) or [""]:
            words = line.split(" ")
            if lines and _looks_like_label(words[0]) and len(lines[-1]) < _WIDTH + 20:
                lines[-1] += " " + words[0]
                line = " ".join(words[1:])
            if line:
                lines.append(line)
    return lines


def _looks_like_label(word: str) -> bool:
    return len(word) == 2 and word.isalpha() and word.isupper()


def _block(label: str, text: str) -> list[str]:
    lines = _wrap(text)
    return [f"{label} {lines[0]}", *lines[1:]]


def render_document(record: SurveyRecord, recommendations: range = range(1, 11)) -> str:
    """The survey in the layout of the published annex, with blank lines between text lines."""
    out: list[str] = [record.label, "", "SUMMARY OF SURVEY RESPONSES", ""]
    if record.answered_from and record.answered_until:
        out.append(
            f"Offices answered between {record.answered_from:%-d %B %Y} and "
            f"{record.answered_until:%-d %B %Y}."
        )
    out += [
        "1. Please enter the two-letter code of the member state or organization you represent, "
        "which is defined in WIPO Standard ST.3.",
        "ST.3 Code Country or Office",
    ]
    out += [f"{r.code} {r.name}" for r in sorted(record.respondents, key=lambda r: r.code)]
    out += [
        "2. Please select your Office's current level of implementation of each Recommendation.",
        *(f"Rec: {n}\nCount" for n in recommendations),
        "3. Please select your Office's current level of implementation of each "
        "Recommendation. – comments.",
        "ST.3 Code Response",
    ]
    by_question: dict[Question, list[AnswerRecord]] = defaultdict(list)
    for answer in sorted(record.answers, key=lambda a: (a.office, a.recommendation or 0)):
        by_question[answer.question].append(answer)

    for office, answers in itertools.groupby(
        by_question[Question.implementation], key=lambda a: a.office
    ):
        text = "\n".join(
            f"Rec {a.recommendation}: {a.text}" if a.recommendation else a.text for a in answers
        )
        out += _block(office, text)
    for number, question, heading in _PER_RECOMMENDATION:
        out.append(f"{number}. {heading} and briefly explain in the comments box beside.")
        for recommendation in recommendations:
            rows = [a for a in by_question[question] if a.recommendation == recommendation]
            out.append(f"ST.3 Code Rec. {recommendation}")
            if not rows:
                out.append("No comments provided")
            for answer in rows:
                out += _block(answer.office, answer.text)
        out.append(f"{record.label}\nAnnex, page {number + 6}")
    out += [
        "7. Does your Office have any proposals to improve or update the Recommendations?",
        "ST.3 Code Response",
    ]
    for answer in by_question[Question.proposal]:
        out += _block(answer.office, answer.text)
    out += [
        "8. Which of the current 10 Recommendations would you most like to be discussed and "
        "presented at future Task Force meetings?",
        "ST.3 Code Response",
    ]
    written: set[str] = set()
    for answer in sorted(by_question[Question.discuss], key=lambda a: a.office):
        if answer.office not in written:
            written.add(answer.office)
            out += _block(answer.office, answer.text)
    return "\n\n".join(out) + "\n"


def _codes(taken: set[str]) -> list[str]:
    pairs = ("".join(p) for p in itertools.product(string.ascii_uppercase, repeat=2))
    return [code for code in pairs if code not in taken and code != "GE"]


def scaled_survey(base: SurveyRecord, offices: int, *, seed: int = 0) -> SurveyRecord:
    """`base` grown to `offices` respondents; each new office answers as a random existing one."""
    if offices < len(base.respondents):
        raise ValueError(f"a scaled survey needs at least {len(base.respondents)} offices")
    rng = random.Random(seed)
    originals = sorted(base.respondents, key=lambda r: r.code)
    answers_of: dict[str, list[AnswerRecord]] = defaultdict(list)
    for answer in base.answers:
        answers_of[answer.office].append(answer)
    codes = _codes({r.code for r in originals})
    if offices - len(originals) > len(codes):
        raise ValueError(f"two-letter codes allow at most {len(originals) + len(codes)} offices")
    respondents = list(originals)
    answers = list(base.answers)
    for code in codes[: offices - len(originals)]:
        model = rng.choice(originals)
        respondents.append(RespondentRecord(code, f"Synthetic office {code}", model.time_zone))
        answers += [
            AnswerRecord(code, a.question, a.recommendation, a.text) for a in answers_of[model.code]
        ]
    return SurveyRecord(
        label=f"SYNTHETIC/{offices}/{seed}",
        source_name=f"synthetic-{offices}.txt",
        respondents=respondents,
        answers=answers,
        answered_from=base.answered_from,
        answered_until=base.answered_until,
    )
