"""What changed between two rounds of the survey: which recommendations an office names now and
no longer, and which offices name a recommendation now and no longer, question by question."""

from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass

from planner.survey.records import Question

# The questions that name recommendations for what an office does, wants or finds hard: those
# the overview's heatmap, the matches and the offices list count.
COMPARED = (Question.focus, Question.discuss, Question.challenge, Question.low_priority)


@dataclass(frozen=True)
class Shift:
    """One question's answers in two surveys, compared: what both name (`kept`), what only the
    later one names (`gained`) and only the earlier (`dropped`). Comparing offices, those that
    answered only one of the surveys are set apart: `joined` (answered only the later one) and
    `left` (only the earlier), since not answering again is not dropping a recommendation."""

    question: Question
    kept: tuple = ()
    gained: tuple = ()
    dropped: tuple = ()
    joined: tuple = ()
    left: tuple = ()

    @property
    def changed(self) -> bool:
        return bool(self.gained or self.dropped or self.joined or self.left)


def compare(
    before: Iterable[tuple[Question, Hashable]],
    after: Iterable[tuple[Question, Hashable]],
    *,
    answered_before: Collection | None = None,
    answered_after: Collection | None = None,
) -> list[Shift]:
    """Each compared question's shift from `before` to `after`, pairs of (question, what it
    names): recommendations for one office, or offices for one recommendation. With the
    surveys' respondents (`answered_before`, `answered_after`), an office named by one survey
    only that did not answer the other is joined or left, not gained or dropped."""
    earlier, later = _by_question(before), _by_question(after)
    shifts = []
    for question in COMPARED:
        was, now = earlier.get(question, set()), later.get(question, set())
        gained, dropped = now - was, was - now
        joined = left = set()
        if answered_before is not None:
            joined = {item for item in gained if item not in answered_before}
        if answered_after is not None:
            left = {item for item in dropped if item not in answered_after}
        shifts.append(
            Shift(
                question,
                kept=_sorted(was & now),
                gained=_sorted(gained - joined),
                dropped=_sorted(dropped - left),
                joined=_sorted(joined),
                left=_sorted(left),
            )
        )
    return shifts


def _by_question(pairs: Iterable[tuple[Question, Hashable]]) -> Mapping[Question, set]:
    named: dict[Question, set] = {}
    for question, item in pairs:
        named.setdefault(question, set()).add(item)
    return named


def _sorted(items: set) -> tuple:
    return tuple(sorted(items))
