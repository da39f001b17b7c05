"""Answers that say nothing ("No", "n/a", "No comments provided") count as no answer, by one rule
for the published document and the tabular import, and stay visible as written."""

import json
import re
from pathlib import Path

import pytest

from planner.survey.document import parse_document
from planner.survey.records import Question, says_nothing
from tests.support import VOLUNTEERED

# Every statement these tests send to the database, other tests send on PostgreSQL too
# (measured: each statement's shape, over the PostgreSQL run): SQLite only (`one_database`).
pytestmark = pytest.mark.one_database

BUNDLED = Path(__file__).parents[2] / "planner" / "data" / "CWS-13-26.txt"


@pytest.mark.parametrize(
    "text",
    [
        "No",
        "No ",
        "n/a",
        "N/A",
        "N/A at present.",
        "No comments provided",
        "None",
        "-",
        "Not applicable",
        "Nil",
        "Ninguno",
        "Aucun",
        "Нет",
        "No proposal.",
        "Not at this time",
    ],
)
def test_says_nothing(text):
    assert says_nothing(text)


@pytest.mark.parametrize(
    "text",
    [
        "No, but Rec 1 should name cloud services.",
        "Recommendation 5",
        "N/A at present. Notes inserted from Q.7 - EPO Strategic Plan 2028",
        "Nothing to add except that Rec 9 needs examples",
        "Nov 2025",
    ],
)
def test_an_answer_that_says_something_is_an_answer(text):
    assert not says_nothing(text)


def test_the_bundled_survey_reads_pe_no_to_question_7_as_no_answer():
    record = parse_document(BUNDLED.read_bytes(), "CWS-13-26.txt", aliases={"GE": "DE"})
    proposals = {a.office: a for a in record.answers if a.question is Question.proposal}
    assert proposals["PE"].text == "No"
    assert proposals["PE"].no_answer
    assert not proposals["BR"].no_answer  # the SDLC policy is a proposal
    nothing = sorted(office for office, a in proposals.items() if a.no_answer)
    # CA's "No, no improvements to propose at this time." and RU's "We don't have any proposal
    # at the moment." too (helper-196: they counted as proposals).
    assert nothing == ["AU", "CA", "EM", "FI", "IE", "PE", "PY", "RU", "US"]


def test_office_page_shows_the_text_but_does_not_count_it(client, survey):
    page = client.get("/offices/PE").get_data(as_text=True)
    section = page.split('id="proposal-heading"')[1].split("</section>")[0]
    assert '<span class="count">0</span>' in section
    assert "No answer: the office wrote “No”" in section
    assert ">line 1231<" in section  # the source line, for provenance


def test_answer_page_says_it_was_read_as_no_answer(client, survey):
    rows = client.get("/api/v1/surveys/CWS-13-26/answers?question=proposal&office=PE").get_json()
    assert rows["answers"][0]["no_answer"] is True
    assert rows["answers"][0]["text"] == "No"


def test_summary_counts_only_real_answers(client, survey):
    summary = client.get("/api/v1/surveys/CWS-13-26/summary").get_json()
    proposal = summary["questions"]["proposal"]
    assert "PE" not in proposal["answered"]["offices"]
    assert "BR" in proposal["answered"]["offices"]


def test_tabular_import_reads_no_answers_by_the_same_rule(cli, client, app_context, tmp_path):
    payload = {
        "survey": {"label": "Pilot"},
        "offices": [
            {"code": "AU", "name": "IP Australia", "time_zone": "Australia/Sydney"},
            {"code": "PE", "name": "INDECOPI", "time_zone": "America/Lima"},
        ],
        "answers": [
            {"office": "AU", "question": "focus", "recommendation": 10, "text": "AI search"},
            {"office": "PE", "question": "focus", "recommendation": 10, "text": "n/a"},
            {"office": "PE", "question": "proposal", "recommendation": None, "text": "Ninguno"},
        ],
    }
    path = tmp_path / "pilot.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    result = cli.invoke(args=["survey", "import", str(path)])
    assert result.exit_code == 0, result.output
    summary = client.get("/api/v1/surveys/Pilot/summary").get_json()
    focus = summary["questions"]["focus"]
    assert focus["recommendations"][9]["offices"] == ["AU"]
    assert focus["no_answer"]["offices"] == ["PE"]
    assert summary["questions"]["proposal"]["answered"]["count"] == 0
    # Kept as written: the export gives the text back.
    exported = cli.invoke(args=["survey", "export", "--survey", "Pilot", "--format", "json"])
    assert "Ninguno" in exported.stdout


def test_summary_shows_declined_apart_from_no_answer(client, survey):
    discuss = client.get("/api/v1/surveys/CWS-13-26/summary").get_json()["questions"]["discuss"]
    assert discuss["declined"]["offices"] == ["DE"]
    assert discuss["no_answer"]["count"] == 5
    assert discuss["named_none"]["count"] == 6
    assert (
        "not implementation levels"
        in (
            client.get("/api/v1/surveys/CWS-13-26/summary").get_json()["questions"][
                "implementation"
            ]["counts"]
        )
    )
    page = client.get("/surveys/CWS-13-26/summary").get_data(as_text=True)
    assert "Named none: declined explicitly" in page
    assert "Named none: no answer" in page
    assert "declined explicitly" in client.get("/surveys/CWS-13-26/summary.csv").get_data(
        as_text=True
    )


def _pilot_saying_nothing_under_rec_3(cli, tmp_path) -> None:
    """A survey where AU's focus and BR's wish on Rec 3 say nothing ("n/a", "No"), and on Rec 4
    say something."""
    rows = [
        ("AU", "focus", 3, "n/a"),
        ("AU", "focus", 4, "Zero trust rollout in progress"),
        ("BR", "discuss", 3, "No"),
        ("BR", "discuss", 4, "Recommendation 4"),
    ]
    path = tmp_path / "pilot.csv"
    path.write_text(
        "survey,office,question,recommendation,text\n"
        + "".join(f"Pilot,{o},{q},{n},{t}\n" for o, q, n, t in rows),
        encoding="utf-8",
    )
    result = cli.invoke(args=["survey", "import", str(path)])
    assert result.exit_code == 0, result.output


def test_an_answer_saying_nothing_under_a_recommendation_counts_nowhere(
    cli, client, app_context, tmp_path
):
    """An "n/a" under Rec 3 is no focus and a "No" no wish (README): the summary said so, while
    the offices list, the heatmap, the recommendation's page and the matches counted them, and
    paired AU's "n/a" as the presenter for BR's "No"."""
    _pilot_saying_nothing_under_rec_3(cli, tmp_path)

    matches = client.get("/api/v1/matches?survey=Pilot&recommendation=3").get_json()
    assert matches["matches"] == []
    assert client.get("/api/v1/matches?survey=Pilot&recommendation=4").get_json()["count"] == 1

    offices = client.get("/offices?survey=Pilot").get_data(as_text=True)
    for code, counts in (("AU", ["1", "0", "0"]), ("BR", ["0", "1", "0"])):
        row = re.search(rf'<a href="/offices/{code}\?survey=Pilot">.*?</tr>', offices, re.S)[0]
        assert re.findall(r'<td class="num" data-label="[^"]+">(\d*)</td>', row) == counts

    heatmap = client.get("/?survey=Pilot&question=focus").get_data(as_text=True)
    assert re.search(r"<title>AU: [^<]*\(named Rec 4\)</title>", heatmap)
    table = client.get("/surveys/Pilot/heatmap?question=focus").get_data(as_text=True)
    assert "yes, AU, Rec 4" in table and "AU, Rec 3" not in table

    page = client.get("/recommendations/3?survey=Pilot").get_data(as_text=True)
    assert "Offices focused on it (0)" in page and "Offices wanting it discussed (0)" in page
    assert "wrote “n/a”" in page and "wrote “No”" in page  # kept as written


def test_an_answer_saying_nothing_is_no_proposals_evidence_nor_its_abstract(
    cli, client, colead_client, tmp_path
):
    """A volunteer of AU choosing Rec 3 had "n/a" put in their abstract, "suggested from your
    office's own answer to question 4"; the co-leads' review showed it as AU's project on Rec 3
    and BR's "No" as an office wanting it discussed, where the recommendation's page says 0."""
    _pilot_saying_nothing_under_rec_3(cli, tmp_path)
    page = client.get("/volunteer?office=AU&recommendation=3").get_data(as_text=True)
    assert "Suggested from your office" not in page and "n/a" not in page
    page = client.get("/volunteer?office=AU&recommendation=4").get_data(as_text=True)
    assert "Zero trust rollout in progress" in page
    volunteer = {**VOLUNTEERED, "email": "eva@ipaustralia.example", "recommendations": [3, 4]}
    assert client.post("/api/v1/proposals", json=volunteer).status_code == 201
    review = colead_client.get("/proposals").get_data(as_text=True)
    three, four = review.split("<strong>Rec 3</strong>")[1].split("<strong>Rec 4</strong>")
    assert "no project of AU on it in the survey" in three and "n/a" not in three
    assert "Demand: 0 other offices want it discussed." in three
    assert "AU reported:" in four and "Demand: 1 other office wants it discussed (BR)" in four
