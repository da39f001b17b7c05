"""Counts and percentages per question and recommendation, as paragraphs 14–17 of CWS/13/26 give
(paragraph 13, on question 2, was a chart that did not survive extraction).

Percentages are shares of all respondents, rounded half up to whole numbers as the document does
(14 of 21 is 67%, 2 of 21 is 10%).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from planner.survey.records import Question, says_nothing

# What a recommendation's count is, per question, in words: the percentages are shares of the
# respondents, never implementation levels (question 2's levels were a chart that did not survive).
COUNTED = {
    Question.implementation: "offices that commented on the recommendation in Q3 (comments, "
    "not implementation levels: Q2's levels were a chart and were not imported)",
    Question.focus: "offices naming the recommendation as a current focus (Q4)",
    Question.low_priority: "offices naming the recommendation as a low priority (Q5)",
    Question.challenge: "offices naming the recommendation as a big challenge (Q6)",
    Question.proposal: "offices proposing an update to the recommendation (Q7)",
    Question.discuss: "offices wanting the recommendation discussed (Q8)",
}


# Questions 3 and 7 ask for comments and proposals, not for a choice of recommendations: an answer
# naming none (EP's "Nearly all Recommendations ...", BR's SDLC policy) is on none in particular,
# and declines nothing. An answer naming none to the others (DE's to question 8) declines.
NOT_A_CHOICE = frozenset({Question.implementation, Question.proposal})


def percent(count: int, total: int) -> int:
    if total <= 0:
        return 0
    return int((Decimal(100 * count) / Decimal(total)).quantize(Decimal(1), ROUND_HALF_UP))


@dataclass(frozen=True)
class Cell:
    offices: tuple[str, ...]
    respondents: int

    @property
    def count(self) -> int:
        return len(self.offices)

    @property
    def percent(self) -> int:
        return percent(self.count, self.respondents)

    def as_dict(self) -> dict:
        return {"count": self.count, "percent": self.percent, "offices": list(self.offices)}


@dataclass(frozen=True)
class QuestionSummary:
    question: Question
    by_recommendation: dict[int, Cell]
    # Offices that answered the question (an answer that says nothing, such as "No", is none),
    # and those that named no recommendation in it: `answered_naming_none` answered without
    # naming one (DE: "no need for further ... discussing"; BR's SDLC policy, to question 7),
    # `no_answer` gave none. `named_none` is both.
    answered: Cell
    named_none: Cell
    answered_naming_none: Cell
    no_answer: Cell

    @property
    def naming_none_declines(self) -> bool:
        """Whether an answer naming no recommendation declines them all (DE's to question 8),
        or (questions 3 and 7, `NOT_A_CHOICE`) is on none in particular."""
        return self.question not in NOT_A_CHOICE


@dataclass(frozen=True)
class Summary:
    respondents: tuple[str, ...]
    questions: dict[Question, QuestionSummary]


def summarise(
    respondents: Iterable[str],
    answers: Iterable[tuple[str, Question, int | None, str]],
    recommendations: Iterable[int],
) -> Summary:
    """Summarise (office, question, recommendation, text) rows against the list of respondents.

    A row whose text says nothing (`says_nothing`: "No", "n/a") counts as no answer at all.
    """
    who = tuple(sorted(set(respondents)))
    total = len(who)
    numbers = sorted(recommendations)
    named: dict[tuple[Question, int], set[str]] = {}
    answered: dict[Question, set[str]] = {q: set() for q in Question}
    naming: dict[Question, set[str]] = {q: set() for q in Question}
    for office, question, recommendation, text in answers:
        if says_nothing(text):
            continue
        answered[question].add(office)
        if recommendation is not None:
            named.setdefault((question, recommendation), set()).add(office)
            naming[question].add(office)

    def cell(offices: Iterable[str]) -> Cell:
        return Cell(tuple(sorted(offices)), total)

    questions = {
        q: QuestionSummary(
            question=q,
            by_recommendation={n: cell(named.get((q, n), ())) for n in numbers},
            answered=cell(answered[q]),
            named_none=cell(set(who) - naming[q]),
            answered_naming_none=cell((answered[q] - naming[q]) & set(who)),
            no_answer=cell(set(who) - answered[q]),
        )
        for q in Question
    }
    return Summary(who, questions)
