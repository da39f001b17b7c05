"""Which survey answers the matches read as demand, and what each asks for."""

from planner.matching.sources import interests_and_projects
from planner.survey.interest import read_interest
from planner.survey.records import Question
from tests.support import SAME_WISH, WORD_FOR_AND


def test_each_language_asks_for_the_same_under_each_recommendation():
    """A question-8 answer in Spanish, French, Portuguese or Russian is, in the matches, the same
    wishes as in English: cloud migration under Rec 1, cybersecurity under Rec 4, AI under Rec 10
    (the Spanish and French were the whole answer under Rec 10 alone; helper-327)."""
    rows = []
    for language, (security, ai, cloud) in SAME_WISH.items():
        text = f"{security}, {ai} {WORD_FOR_AND[language]} {cloud}"
        for named in read_interest(text, frozenset(range(1, 11))).named:
            rows.append((None, language.upper(), Question.discuss, named.number, text))
    interests, _ = interests_and_projects(rows)
    wishes = {(i.office, i.recommendation): i.text for i in interests}
    for language, (security, ai, cloud) in SAME_WISH.items():
        office = language.upper()
        assert {n: wishes.get((office, n)) for n in (1, 4, 10)} == {1: cloud, 4: security, 10: ai}
    assert len(wishes) == 3 * len(SAME_WISH)
