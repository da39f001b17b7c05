"""The relevance scorer on its own: maturity cues, reasons that add up, other languages."""

import pytest

from planner.matching.scorer import Interest, Project, match_offices, maturity

AU_PROJECT = (
    "IP Australia is open to exploring use case scenarios for new technologies, applying a "
    "risk-based governance framework that enables early trial and error without needing to "
    "commit to failed concepts."
)
PL_PROJECT = (
    "System of automatic classification of invention and utility model applications - "
    "Autopatent was implemented in April 2021. The average accuracy reached 92%."
)
IL_PROJECT = "A new AI-based search tool has been provided to patent examiners."
PROJECTS = [
    Project("AU", 10, AU_PROJECT),
    Project("PL", 10, PL_PROJECT),
    Project("IL", 10, IL_PROJECT),
]


def wish(office, text, kind="discuss", recommendation=10):
    return Interest(office, recommendation, ((kind, text),), "New and emerging technologies (AI)")


@pytest.mark.parametrize(
    ("text", "level", "cue"),
    [
        ("In use – Neural network for patents deposit classification.", 1.0, "in use"),
        (PL_PROJECT, 1.0, "measured result: 92%"),
        ("A pilot has been successfully launched.", 1.0, "launched"),
        ("Developing AI-powered examination tools", 0.65, "developing"),
        ("Planned – AI powered search database.", 0.25, "planned"),
        ("Adopting the ICT strategy is our goal for 2025", 0.25, "our goal"),
        ("Auto classification, Search", 0.5, None),
        # What other offices did is not the presenter's maturity.
        (
            "We are exploring; we need the support of offices that have already implemented them.",
            0.25,
            "exploring",
        ),
        ("Sistema de clasificación en producción desde 2021", 1.0, "en producción"),
    ],
)
def test_maturity_cues(text, level, cue):
    found, cues = maturity(text)
    assert found == level
    if cue:
        assert cue in cues
    else:
        assert cues == []


def test_the_governance_wish_points_first_at_the_governance_framework():
    matches = match_offices(
        [
            wish(
                "ES", "Rec.10, with special focus on governance and risk management and assessment."
            )
        ],
        PROJECTS,
    )
    assert matches[0].presenter == "AU"
    top = matches[0]
    assert {t["term"] for t in top.reasons["terms"]} >= {"governance", "risk"}
    assert top.reasons["presenter_text"] == AU_PROJECT
    # Maturity stays visible beside relevance: AU only explores, PL has results.
    pl = next(m for m in matches if m.presenter == "PL")
    assert top.relevance > pl.relevance and top.maturity < pl.maturity


def test_spanish_words_find_the_same_project():
    matches = match_offices(
        [wish("ES", "Recomendación 10: gobernanza y gestión de riesgos")], PROJECTS
    )
    assert matches[0].presenter == "AU"
    assert "governance" in {t["term"] for t in matches[0].reasons["terms"]}


def test_an_office_never_meets_itself():
    matches = match_offices([wish("AU", "risk-based governance")], PROJECTS)
    assert "AU" not in {m.presenter for m in matches}
    assert {m.presenter for m in matches} == {"PL", "IL"}


def test_terms_add_up_to_the_text_similarity_and_scores_stay_in_range():
    matches = match_offices([wish("ES", "AI search tools and their governance")], PROJECTS)
    for m in matches:
        assert sum(t["weight"] for t in m.reasons["terms"]) == pytest.approx(
            m.reasons["text_similarity"], abs=1e-3
        )
        assert 0 <= m.score <= m.relevance <= 1
        assert 0 <= m.maturity <= 1


def test_maturity_weight_zero_ranks_by_relevance_alone():
    matches = match_offices([wish("ES", "governance and risk")], PROJECTS, maturity_weight=0)
    assert all(m.score == m.relevance for m in matches)
    with pytest.raises(ValueError):
        match_offices([wish("ES", "x")], PROJECTS, maturity_weight=1.5)


def test_a_wish_without_words_reads_the_recommendation_topic():
    matches = match_offices([wish("HR", "Recommendations 3, 5 and 10.")], PROJECTS)
    assert all(m.reasons["read_topic"] for m in matches)
    assert matches[0].presenter == "IL"  # "AI" is the topic word it shares


def test_the_result_is_deterministic():
    interests = [wish("ES", "governance and risk"), wish("EM", "AI tools evolution")]
    first = [m.as_dict() for m in match_offices(interests, PROJECTS)]
    second = [m.as_dict() for m in match_offices(list(reversed(interests)), PROJECTS[::-1])]
    assert first == second


def test_a_challenge_is_weaker_demand_than_a_wish_to_discuss():
    [challenge] = match_offices([wish("IE", "Limited resources", "challenge")], PROJECTS[:1])
    [discuss] = match_offices([wish("IE", "Limited resources")], PROJECTS[:1])
    assert challenge.reasons["interest_weight"] == 0.5
    assert discuss.reasons["interest_weight"] == 1.0
