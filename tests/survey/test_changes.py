"""What changed between two rounds of the survey, compared question by question."""

from planner.survey.changes import compare
from planner.survey.records import Question

focus, discuss = Question.focus, Question.discuss


def test_an_office_s_recommendations_now_and_no_longer():
    before = {(focus, 1), (focus, 5), (discuss, 10)}
    after = {(focus, 1), (focus, 4), (discuss, 6)}
    shifts = {s.question: s for s in compare(before, after)}
    assert (shifts[focus].kept, shifts[focus].gained, shifts[focus].dropped) == ((1,), (4,), (5,))
    assert (shifts[discuss].gained, shifts[discuss].dropped) == ((6,), (10,))
    assert not shifts[Question.challenge].changed and not shifts[Question.challenge].kept
    # Comments and proposals name recommendations too, but are not what an office does or wants.
    assert set(shifts) == {focus, discuss, Question.challenge, Question.low_priority}


def test_offices_that_answered_one_round_only_are_set_apart():
    """Not answering again is not dropping a recommendation, nor is answering for the first
    time taking one up."""
    before = {(discuss, "AU"), (discuss, "PY"), (discuss, "EM")}
    after = {(discuss, "AU"), (discuss, "KG"), (discuss, "ZA")}
    (shift,) = [
        s
        for s in compare(
            before,
            after,
            answered_before={"AU", "PY", "EM", "KG"},
            answered_after={"AU", "KG", "ZA", "EM"},
        )
        if s.question is discuss
    ]
    assert shift.kept == ("AU",)
    assert (shift.gained, shift.joined) == (("KG",), ("ZA",))
    assert (shift.dropped, shift.left) == (("EM",), ("PY",))
    assert shift.changed
