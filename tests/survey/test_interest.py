"""Reading which recommendations a question-8 answer names."""

import pytest

from planner.survey.interest import read_interest, wish_for
from tests.support import SAME_WISH, WORD_FOR_AND

KNOWN = frozenset(range(1, 11))


def named(text):
    return [n.number for n in read_interest(text, KNOWN).named]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("2, 3, 10", [2, 3, 10]),
        ("Recommendations 3, 5 and 10.", [3, 5, 10]),
        ("Rec. 9.. This is our area of interest.", [9]),
        ("recommendations 2, 3, 4,8,9,10", [2, 3, 4, 8, 9, 10]),
        (
            "We would appreciate it if you could present recommendations: 3, 7, 8, and 10.",
            [3, 7, 8, 10],
        ),
        ("Rec.10, with special focus on governance and risk management and assessment.", [10]),
        (
            "There are three items: Recommendation 1, Recommendation 10, Recommendation 2.",
            [1, 2, 10],
        ),
        ("Recommendation 9 - Sharing experiences is of great value", [9]),
        ("Recommendations 2-4", [2, 3, 4]),
        ("Recomendaciones 3 y 5", [3, 5]),
        ("Recommandations 8 et 9", [8, 9]),
        ("Cybersecurity, AI tools evolution, Cloud migration strategies,", [1, 4, 10]),
        ("Experiences with blockchain registers", [10]),
        ("Uso de inteligencia artificial en el examen", [10]),
    ],
)
def test_numbers_and_topic_words(text, numbers):
    assert named(text) == numbers


def test_numbers_win_over_topic_words():
    # "share their experiences" must not add Rec 9 when the office named Rec 5.
    text = "Recommendation 5, where the IP offices would share their experiences and ICT projects."
    assert named(text) == [5]


def test_interest_in_all_counts_only_the_named_ones():
    interest = read_interest(
        "Interested in all recommendations, especially recommendations 2, 3, 4,8,9,10", KNOWN
    )
    assert [n.number for n in interest.named] == [2, 3, 4, 8, 9, 10]
    assert "only the named ones count" in interest.explanation


def test_a_count_of_recommendations_is_not_a_recommendation():
    interest = read_interest(
        "Due to the fact that DPMA has already implemented these 10 recommendations, we see no "
        "need for further updating or discussing these recommendations.",
        KNOWN,
    )
    assert interest.named == ()
    assert interest.explanation.startswith("declines")


def test_reasons_say_which_words_mapped():
    interest = read_interest("Cybersecurity, AI tools evolution", KNOWN)
    reasons = {n.number: n.reason for n in interest.named}
    assert reasons[4] == 'topic words "Cybersecurity" (glossary: cybersecurity)'
    assert reasons[10] == 'topic words "AI" (glossary: AI)'


def test_unknown_numbers_are_reported():
    interest = read_interest("Recommendations 10 and 12", KNOWN)
    assert [n.number for n in interest.named] == [10]
    assert interest.unknown_numbers == (12,)


@pytest.mark.parametrize(
    ("text", "unknown"),
    [("Rec 10000", (10000,)), ("Recommendation 2025", (2025,)), ("Recommendation " + "1" * 30, ())],
)
def test_a_longer_number_is_not_its_first_two_digits(text, unknown):
    """It was read as Rec 10 (helper-51); it is said back as a recommendation that does not
    exist, or, beyond nine digits, taken for no number at all."""
    interest = read_interest(text, KNOWN)
    assert interest.named == () and interest.unknown_numbers == unknown


def test_ai_inside_words_is_not_ai():
    assert named("We maintain our email archive") == []


def test_an_answer_naming_topics_of_several_recommendations_is_a_wish_for_each_of_its_items():
    """EM's answer (CWS/13/26 line 1260) names Recs 1, 4 and 10 by their topics: its wish for
    Rec 1 was the whole answer, AI and cybersecurity too, which ranked PL's AI on court
    decisions third for EM on Rec 1. Each recommendation gets the item naming its topic."""
    em = "Cybersecurity, AI tools evolution, Cloud migration strategies,  "
    assert wish_for(em, 1) == "Cloud migration strategies"
    assert wish_for(em, 4) == "Cybersecurity"
    assert wish_for(em, 10) == "AI tools evolution"
    # A recommendation the answer does not name by its topic (one given by hand) gets it whole.
    assert wish_for(em, 5) == em
    # Items naming no recommendation go with the one before them, or, before any, with each.
    text = "Topics: cybersecurity and zero trust; AI, especially its ethics and risks"
    assert wish_for(text, 4) == "Topics: cybersecurity and zero trust"
    assert wish_for(text, 10) == "Topics … AI, especially its ethics and risks"
    assert wish_for("Cybersecurity\n- cloud migration, business models", 1) == (
        "- cloud migration, business models"
    )


@pytest.mark.parametrize("language", sorted(SAME_WISH))
def test_an_answer_in_any_language_of_the_vocabulary_is_read_as_in_english(language):
    """Only "inteligencia artificial" and "intelligence artificielle" were known, with their
    accents: the Spanish and French answers were a wish for Rec 10 alone, the Portuguese and
    Russian ones for none, and "e" and "и" did not end an item (helper-327)."""
    security, ai, cloud = SAME_WISH[language]
    text = f"{security}, {ai} {WORD_FOR_AND[language]} {cloud}"
    assert named(text) == [1, 4, 10]
    assert (wish_for(text, 1), wish_for(text, 4), wish_for(text, 10)) == (cloud, security, ai)
    # In capitals, quoted as written; without accents, as typed on a keyboard without them.
    reasons = {n.number: n.reason for n in read_interest(text.upper(), KNOWN).named}
    assert reasons[1].startswith(f'topic words "{cloud.upper()}"')
    assert named(text.replace("é", "e").replace("ç", "c").replace("ê", "e")) == [1, 4, 10]


@pytest.mark.parametrize(
    "text",
    [
        "Recommendations: 2, 4, 8, 10.",  # bare: read from the office's other answers
        "Rec.10, with special focus on governance and risk management and assessment.",
        "Recommendation 1 for cloud migration and Recommendation 10 for AI",  # numbers win
        "AI and blockchain in examination",  # one recommendation's topics
        "Nothing in particular",
    ],
)
def test_any_other_answer_is_its_wish_whole(text):
    assert wish_for(text, 10) == text


@pytest.mark.parametrize("filler", [",", "\n", " and", ", "])
def test_a_list_padded_to_an_answers_length_is_read_at_once(filler):
    """An answer of the longest length an import takes (operations.ANSWER_MAX), a topic list
    padded with commas, line breaks or "and", is read as its items: its end was taken off by a
    pattern tried at every place of the run, 13 seconds for each recommendation the matches
    read it for (helper-325). Its time grows as its length does, not as the square of it:
    bench/matching_bench.py prints the ratio (a timed test fails on a busy machine)."""
    text = "AI, cybersecurity" + filler * (19_900 // len(filler)) + " x"
    assert wish_for(text, 10) == "AI"
    # The items naming nothing after it go with it ("x").
    cybersecurity = wish_for(text, 4)
    assert cybersecurity.startswith("cybersecurity") and cybersecurity.endswith(" x")
    assert "AI" not in cybersecurity


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Rec. 3", [3]),
        ("recomendación 3 y 5", [3, 5]),
        ("recommandations 3 et 5", [3, 5]),
        ("Recomendações 3 e 5", [3, 5]),
        ("Recomendacoes 3 e 5", [3, 5]),
        ("Recomendação nº 7", [7]),
        ("Рекомендации 3 и 5", [3, 5]),
        ("рек. 3", [3]),
        ("Рекомендаций 2, 4 и 7", [2, 4, 7]),
        ("Рекомендация № 9", [9]),
        ("Recomendaciones 3 o 4", [3, 4]),
        ("Recommandations 3 ou 4", [3, 4]),
        ("Рекомендации 3 или 4", [3, 4]),
    ],
)
def test_numbers_are_read_alike_in_every_language_of_the_vocabulary(text, numbers):
    """Only the English, Spanish and French words were known, and no "e" or "и" between
    numbers: "Recomendações 3 e 5" and "Рекомендации 3 и 5" named nothing (helper-328)."""
    interest = read_interest(text, KNOWN)
    assert [n.number for n in interest.named] == numbers
    assert interest.named[0].reason == f'number in "{text}"'  # quoted as written


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("Ya implementado en nuestra oficina.", "Ya implementado"),
        ("Déjà mis en œuvre.", "Déjà mis en œuvre"),
        ("Deja mis en oeuvre", "Deja mis en oeuvre"),
        ("Não há necessidade de discutir.", "Não há necessidade"),
        ("Nao ha necessidade", "Nao ha necessidade"),
        ("Уже внедрено.", "Уже внедрено"),
        ("We see no need for it", "no need"),
    ],
)
def test_a_decline_is_read_in_every_language_of_the_vocabulary(text, quoted):
    """Only English phrases were known: the others named nothing, and the import warned that
    they named no recommendation (helper-328)."""
    interest = read_interest(text, KNOWN)
    assert interest.named == ()
    assert interest.explanation == f'declines ("{quoted}"): no recommendation wanted'


def test_a_decline_phrase_starts_a_word():
    assert not read_interest("Piano needs", KNOWN).explanation.startswith("declines")
