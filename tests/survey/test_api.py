"""The public read API, and the acceptance figures of paragraphs 13–17 of CWS/13/26."""

import io
import json

import pytest
from sqlalchemy import func, select

from planner.extensions import db

# Paragraphs 13-17 of the document, as the data README lists them.
FOCUS = {1: 67, 5: 57, 10: 57, 9: 14}
CHALLENGE = {1: 38, 10: 38, 9: 10}
DISCUSS = {10: 48, 6: 0, 2: 19, 3: 19, 8: 19, 9: 19}


@pytest.fixture
def summary(client, survey):
    response = client.get("/api/v1/surveys/CWS-13-26/summary")
    assert response.status_code == 200
    return response.get_json()


def percents(summary, question):
    return {
        row["recommendation"]: row["percent"]
        for row in summary["questions"][question]["recommendations"]
    }


def test_respondents(summary):
    assert summary["respondents"] == 21


def test_focus_percentages_of_paragraph_14(summary):
    focus = percents(summary, "focus")
    for number, expected in FOCUS.items():
        assert focus[number] == expected, number
    for number in (2, 3, 4, 6, 7, 8):
        assert 24 <= focus[number] <= 43, number


def test_low_priority_percentages_of_paragraph_15(summary):
    low = percents(summary, "low_priority")
    assert low[9] == 19
    assert all(low[n] <= 5 for n in low if n != 9)
    assert summary["questions"]["low_priority"]["named_none"]["percent"] == 71


def test_challenge_percentages_of_paragraph_16(summary):
    challenge = percents(summary, "challenge")
    for number, expected in CHALLENGE.items():
        assert challenge[number] == expected, number
    for number in range(2, 9):
        assert 14 <= challenge[number] <= 24, number


def test_discussion_percentages_of_paragraph_17(summary):
    discuss = percents(summary, "discuss")
    for number, expected in DISCUSS.items():
        assert discuss[number] == expected, number
    assert all(0 <= discuss[n] <= 19 for n in discuss if n != 10)


def test_the_summary_says_who_declined_and_who_answered_on_none_in_particular(summary):
    """The CSV no longer said BR, EP, GM, NO and PY declined questions 3 and 7 (helper-196), but
    the API's `declined` still listed them: BR proposed an SDLC policy (lines 1199-1201), EP
    commented on "Nearly all Recommendations" (lines 374-380). `answered_naming_none` lists
    who answered naming none, `naming_none_declines` says whether that declines; `declined`
    stays as it was, said to be deprecated, so that no script reads other numbers unawares."""
    questions = summary["questions"]
    for question in ("implementation", "proposal"):
        part = questions[question]
        assert part["naming_none_declines"] is False, question
        assert part["declined"] == part["answered_naming_none"], question
    assert "BR" in questions["proposal"]["answered_naming_none"]["offices"]
    assert "EP" in questions["implementation"]["answered_naming_none"]["offices"]
    for question in ("focus", "low_priority", "challenge", "discuss"):
        assert questions[question]["naming_none_declines"] is True, question
    assert questions["discuss"]["answered_naming_none"]["offices"] == ["DE"]
    assert "declined nothing" in summary["deprecated"]["declined"]
    for part in questions.values():
        named_none = part["answered_naming_none"]["count"] + part["no_answer"]["count"]
        assert named_none == part["named_none"]["count"]


def test_summary_lists_offices(summary):
    row = summary["questions"]["discuss"]["recommendations"][9]
    assert row == {
        "recommendation": 10,
        "count": 10,
        "percent": 48,
        "offices": ["AU", "BR", "EM", "EP", "ES", "HR", "IL", "PY", "RU", "US"],
    }


def test_survey_list(client, survey):
    data = client.get("/api/v1/surveys").get_json()
    [entry] = data["surveys"]
    assert list(entry)[:2] == ["label", "slug"]
    assert entry["label"] == "CWS/13/26"
    assert entry["slug"] == "CWS-13-26"
    assert entry["imported_at"].endswith("+00:00")
    assert (entry["respondents"], entry["answers"]) == (21, 202)
    assert entry["answered_from"] == "2025-05-02"
    assert entry["links"]["summary"] == "/api/v1/surveys/CWS-13-26/summary"
    assert any(w["line"] == 272 for w in entry["warnings"])


def test_answers_are_the_export_rows(client, cli, survey):
    exported = cli.invoke(args=["survey", "export", "--format", "json"]).stdout
    import json

    rows = client.get("/api/v1/surveys/CWS-13-26/answers").get_json()["answers"]
    assert rows == json.loads(exported)["answers"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("question=discuss&recommendation=10", 10),
        ("question=focus&office=au", 4),
        ("office=DE", 1),
        ("question=proposal&recommendation=none", 13),
        ("office=CN", 0),
        ("office=%20de%E2%80%8B", 1),  # pasted with a space and a zero-width space
    ],
)
def test_answer_filters(client, survey, query, expected):
    data = client.get(f"/api/v1/surveys/CWS-13-26/answers?{query}").get_json()
    assert data["count"] == expected == len(data["answers"])


def test_answers_of_one_office_and_recommendation(client, survey):
    data = client.get("/api/v1/surveys/CWS-13-26/answers?office=AU&recommendation=10").get_json()
    assert [(a["question"], a["recommendation"]) for a in data["answers"]] == [
        ("focus", 10),
        ("challenge", 10),
        ("discuss", 10),
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("question=wishes", "question must be one of: implementation, focus"),
        ("recommendation=ten", "recommendation must be a number"),
        ("recommendation=%C2%B2", "recommendation must be a number"),
        ("office=Australia", "office must be a two-letter ST.3 code"),
        # helper-256: str.isalpha and str.upper took the Turkish dotless "ıe" for IE.
        ("office=%C4%B1e", "office must be a two-letter ST.3 code"),
    ],
)
def test_bad_filters_are_400_with_a_message(client, survey, query, message):
    response = client.get(f"/api/v1/surveys/CWS-13-26/answers?{query}")
    assert response.status_code == 400
    assert response.is_json
    assert message in response.get_json()["message"]


def test_unknown_survey_is_a_json_404(client, survey):
    response = client.get("/api/v1/surveys/CWS-99-1/summary")
    assert response.status_code == 404
    assert response.get_json()["message"] == "No survey 'CWS-99-1' has been imported."


def test_unknown_page_is_a_page_in_the_app_style(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"CWS ICT Task Force planner" in response.data
    assert b"Traceback" not in response.data


def test_survey_pages(client, survey):
    listing = client.get("/surveys")
    assert listing.status_code == 200
    assert b"CWS/13/26" in listing.data
    assert "an answer that names several recommendations counts once for each" in listing.text
    detail = client.get("/surveys/CWS-13-26")
    assert detail.status_code == 200
    assert "question 2 is a chart" in detail.get_data(as_text=True)
    # 202 stored answers, not 202 answers given (helper-196: 16 to question 8 are 36 rows).
    assert '202 <span class="muted">(an answer that names several recommendations counts ' in (
        detail.text
    )
    assert client.get("/").status_code == 200


def test_a_co_lead_deletes_a_survey_through_the_api_and_the_command_line(client, api, cli, survey):
    """Deleting a survey is not only the page's (helper-84's note): the API and the command line
    delete it the same way, for co-leads only, and say what went and what pages show now."""
    from planner.lineup.models import Lineup
    from planner.survey.models import Answer, Survey

    got = api.get(f"/surveys/{survey.slug}/survey.json").get_json()
    got["survey"].update(label="Trial", slug="trial")
    got["survey"]["answered_from"] = got["survey"]["answered_until"] = "2026-09-01"
    got["answers"] = [a for a in got["answers"] if a["office"] in ("AU", "IL")]
    got["offices"] = [o for o in got["offices"] if o["code"] in ("AU", "IL")]
    sent = {"file": (io.BytesIO(json.dumps(got).encode()), "trial.json")}
    assert api.post("/api/v1/surveys", data=sent).status_code == 201
    assert api.post("/api/v1/lineups", json={"survey": "trial", "slots": 2}).status_code == 201
    kept = db.session.scalar(select(func.count()).select_from(Answer))

    assert client.delete("/api/v1/surveys/trial").status_code == 401
    gone = api.delete("/api/v1/surveys/trial")
    assert gone.status_code == 200, gone.get_json()
    body = gone.get_json()
    assert body["deleted"] == "Trial" and body["lineups_removed"] == 1
    assert body["answers"] == len(got["answers"]) and body["offices_removed"] == []
    assert body["latest"]["label"] == "CWS/13/26"
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Lineup)) == 0
    assert db.session.scalar(select(func.count()).select_from(Answer)) == kept - len(got["answers"])
    again = api.delete("/api/v1/surveys/trial")
    assert again.status_code == 404 and "trial" in again.get_json()["message"]

    asked = cli.invoke(args=["survey", "delete", "--survey", "CWS-13-26"], input="n\n")
    assert asked.exit_code == 1 and "Delete CWS/13/26 (CWS-13-26):" in asked.output
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 1
    done = cli.invoke(args=["survey", "delete", "--survey", "CWS-13-26", "--yes"])
    assert done.exit_code == 0, done.output
    assert done.output.startswith("Deleted the survey CWS/13/26: ")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 0
    missing = cli.invoke(args=["survey", "delete", "--survey", "CWS-13-26", "--yes"])
    assert missing.exit_code == 1 and "Error:" in missing.output
