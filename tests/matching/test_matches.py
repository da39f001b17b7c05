"""Matches on the real survey, through the page, the API and the command line."""

import json

import pytest

from planner.matching.operations import survey_interests_and_projects, survey_matches


def test_no_self_match_and_each_list_is_sorted(survey):
    matches = survey_matches(survey)
    assert matches
    assert all(m.audience != m.presenter for m in matches)
    by_audience: dict[tuple[str, int], list[float]] = {}
    for m in matches:
        by_audience.setdefault((m.audience, m.recommendation), []).append(m.score)
    for scores in by_audience.values():
        assert scores == sorted(scores, reverse=True)


def test_the_governance_example_holds(survey):
    spain = [m for m in survey_matches(survey, [10]) if m.audience == "ES"]
    assert spain[0].presenter == "AU"
    assert "governance" in {t["term"] for t in spain[0].reasons["terms"]}


def test_matches_exist_wherever_demand_meets_supply(survey):
    interests, projects = survey_interests_and_projects(survey)
    matches = survey_matches(survey)
    for number in range(1, 11):
        wanted = {i.office for i in interests if i.recommendation == number}
        offered = {p.office for p in projects if p.recommendation == number}
        pairs = {(a, p) for a in wanted for p in offered if a != p}
        found = {(m.audience, m.presenter) for m in matches if m.recommendation == number}
        assert found == pairs, number


def test_an_office_that_has_implemented_everything_is_not_demand(survey):
    interests, _ = survey_interests_and_projects(survey)
    assert "DE" not in {i.office for i in interests}


def test_demand_counts_discussion_and_challenge(survey):
    interests, _ = survey_interests_and_projects(survey)
    rec10 = {i.office: i for i in interests if i.recommendation == 10}
    assert rec10["ES"].kinds == ("discuss", "challenge")
    assert rec10["IE"].kinds == ("challenge",)  # IE finds it a challenge; it did not ask for it
    assert rec10["IL"].kinds == ("discuss",)


def test_api_matches(client, survey):
    response = client.get("/api/v1/matches?recommendation=10&survey=CWS/13/26")
    assert response.status_code == 200
    rows = response.get_json()
    assert set(rows[0]) == {
        "audience",
        "presenter",
        "recommendation",
        "score",
        "relevance",
        "maturity",
        "reasons",
    }
    keys = [(r["audience"], -r["score"]) for r in rows]
    assert keys == sorted(keys)
    spain = [r for r in rows if r["audience"] == "ES"]
    assert spain[0]["presenter"] == "AU"
    assert spain[0]["reasons"]["recommendations"] == [4, 10]
    assert spain[0]["reasons"]["audience_text"].startswith("Rec.10, with special focus")


def test_api_defaults_to_rec_10_and_the_latest_survey(client, survey):
    rows = client.get("/api/v1/matches").get_json()
    assert {r["recommendation"] for r in rows} == {10}


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("recommendation=ten", 400),
        ("recommendation=%C2%B2", 400),
        ("recommendation=99999999999999999999", 400),
        ("recommendation=11", 404),
        ("survey=CWS/1/1", 404),
        ("maturity_weight=2", 400),
        ("maturity_weight=much", 400),
    ],
)
def test_api_refuses_bad_parameters(client, survey, query, status):
    response = client.get(f"/api/v1/matches?{query}")
    assert response.status_code == status
    assert response.is_json and response.get_json()["message"]


def test_cli_json_equals_the_api(cli, client, survey):
    result = cli.invoke(args=["match", "--recommendation", "10", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == client.get("/api/v1/matches?recommendation=10").get_json()


def test_cli_text(cli, survey):
    result = cli.invoke(args=["match", "--recommendation", "4"])
    assert result.exit_code == 0
    assert "EM wants: Cybersecurity, AI tools evolution" in result.stdout


def test_cli_unknown_recommendation(cli, survey):
    result = cli.invoke(args=["match", "--recommendation", "12"])
    assert result.exit_code == 2
    assert "there is no recommendation 12" in result.stderr


def first_row(page: str, audience: str) -> str:
    """The best presenter's row in an interested office's table."""
    section = page[page.index(f'id="audience-{audience}"') :]
    body = section[section.index("<tbody>") :]
    return body[: body.index("</tr>")]


def test_matches_page(client, survey):
    page = client.get("/recommendations/10/matches").get_data(as_text=True)
    assert "For each interested office: who to hear from" in page
    assert "For each presenting office: who would benefit" in page
    row = first_row(page, "ES")
    assert "AU · IP Australia" in row
    assert '<span class="term">governance' in row
    assert "Maturity: 1 in use, 0.65 in progress, 0.5 not stated, 0.25 planned." in page


def test_matches_page_weight_changes_the_order(client, survey):
    # Spain asks about governance and risk: by relevance alone Australia's risk-based governance
    # framework comes first; when maturity counts fully, Poland's classifier, in use since 2021.
    relevance_only = client.get("/recommendations/10/matches?maturity_weight=0").get_data(
        as_text=True
    )
    assert '<option value="0.0" selected>' in relevance_only
    assert "AU · IP Australia" in first_row(relevance_only, "ES")
    maturity_counts = client.get("/recommendations/10/matches?maturity_weight=1").get_data(
        as_text=True
    )
    assert '<option value="1.0" selected>' in maturity_counts
    assert "PL · " in first_row(maturity_counts, "ES")
    assert client.get("/recommendations/10/matches?maturity_weight=x").status_code == 400
    assert client.get("/recommendations/99/matches").status_code == 404
