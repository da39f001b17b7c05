"""The public read API, and the acceptance figures of paragraphs 13–17 of CWS/13/26."""

import pytest

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
    detail = client.get("/surveys/CWS-13-26")
    assert detail.status_code == 200
    assert "question 2 is a chart" in detail.get_data(as_text=True)
    assert client.get("/").status_code == 200
