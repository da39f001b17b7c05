"""The report across meetings: what the Secretariat reports the Task Force's progress from
(helper-263: each meeting had its own agenda.csv, and nothing said who had heard a talk on what
they asked for)."""

import csv
import io

from planner.agenda.models import Meeting
from planner.agenda.queries import offices_by_code
from planner.extensions import db
from planner.materials.operations import add_link
from planner.survey.operations import latest_survey, named_in, respondent_offices
from planner.survey.records import Question
from tests.support import counted_queries, held_workshop


def _status(client, slot_id: int, status: str) -> None:
    version = client.get(f"/api/v1/slots/{slot_id}").get_json()["version"]
    changed = client.patch(f"/api/v1/slots/{slot_id}", json={"status": status, "version": version})
    assert changed.status_code == 200, changed.get_json()


def _two_meetings(colead_client) -> None:
    first = held_workshop(
        colead_client,
        [
            {"title": '=HYPERLINK("https://x.example")', "office": "AU", "recommendations": [10]},
            {"title": "Chatbot para usuarios", "office": "PE", "recommendations": [10]},
        ],
        recommendation=10,
    )
    # The offices the co-leads ticked as taking part (the meeting's page).
    db.session.get(Meeting, first).offices = offices_by_code(["AU", "PE", "PL"])
    db.session.commit()
    second = held_workshop(
        colead_client,
        [
            {"title": "Cloud migration", "office": "JP", "recommendations": [4]},
            {"title": "Security operations", "office": "BR", "recommendations": [4]},
        ],
        title="Recommendation 4 exchange",
        starts_at="2026-03-10T08:00:00+01:00",
        recommendation=4,
        materials_public="never",
    )
    slots = colead_client.get(f"/api/v1/meetings/{second}").get_json()["slots"]
    # Recorded after the meeting as not given.
    _status(colead_client, slots[1]["id"], "cancelled")
    # A meeting to come is not in the report.
    made = colead_client.post(
        "/api/v1/meetings",
        json={"title": "Workshop on Rec 1", "starts_at": "2099-03-09T13:00:00+01:00"},
    )
    assert made.status_code == 201


def test_the_report_lists_each_meeting_held_with_its_talks_and_who_is_still_waiting(
    survey, colead_client
):
    _two_meetings(colead_client)
    page = colead_client.get("/meetings/report")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Workshop on Recommendation 10" in text
    assert "Recommendation 4 exchange" in text
    assert "Workshop on Rec 1" not in text
    assert "Offices taking part (3):</strong> AU, PE, PL" in text
    assert "Presentations: 1 presented of 2" in text
    # Offices taking part are those a meeting was planned for, which the page says; the app
    # does not record who attended, so nothing says an office heard a talk.
    respondents = len(respondent_offices(latest_survey()))
    assert f"Offices taking part ({respondents}: every respondent of CWS/13/26):" in text
    assert "who attended is not recorded" in text
    assert "heard" not in text
    # Of the offices that asked for Rec 10 to be discussed, those not taking part are waiting.
    asked = {
        code
        for question, code in named_in(latest_survey(), recommendation=10)
        if question is Question.discuss
    }
    waiting = sorted(asked - {"AU", "PE", "PL"})
    assert waiting, "the survey names offices asking for Rec 10 beyond AU, PE and PL"
    assert f'<td data-label="Asked, still waiting">{", ".join(waiting)}</td>' in text
    # Linked from the list of meetings, for the co-leads.
    assert 'href="/meetings/report"' in colead_client.get("/meetings").get_data(as_text=True)


def test_the_report_table_is_every_talk_across_meetings_safe_for_a_spreadsheet(
    survey, colead_client
):
    _two_meetings(colead_client)
    answer = colead_client.get("/meetings/report.csv")
    assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0][:2] == ["Meeting", "Day"]
    # The office's name, then its code, as each meeting's agenda.csv gives them.
    assert rows[0][6:8] == ["Presenting office", "Office code"]
    talks = [(r[0], r[5], r[7], r[9]) for r in rows[1:]]
    assert talks == [
        ("Workshop on Recommendation 10", '\'=HYPERLINK("https://x.example")', "AU", "presented"),
        ("Workshop on Recommendation 10", "Chatbot para usuarios", "PE", "presented"),
        ("Recommendation 4 exchange", "Cloud migration", "JP", "presented"),
        ("Recommendation 4 exchange", "Security operations", "BR", "cancelled"),
    ]
    assert [r[4] for r in rows[1:3]] == ["3", "3"]
    semicolons = colead_client.get("/meetings/report.csv?separator=semicolon")
    assert semicolons.get_data(as_text=True).startswith('\ufeff"Meeting";"Day"')


def test_the_report_is_for_the_co_leads(survey, client, colead_client):
    _two_meetings(colead_client)
    for address in ("/meetings/report", "/meetings/report.csv"):
        assert client.get(address).status_code == 302
    assert 'href="/meetings/report"' not in client.get("/meetings").get_data(as_text=True)


def _held_with_slides(colead_client, day: str, office: str) -> None:
    meeting = held_workshop(
        colead_client,
        [{"title": f"Talk of {office}", "office": office, "recommendations": [10]}],
        starts_at=f"{day}T13:00:00+01:00",
    )
    slot = db.session.get(Meeting, meeting).slots[0]
    add_link(slot, f"https://slides.example/{office}", "slides", "colead@example.org")
    db.session.commit()


def test_the_report_reads_ten_years_of_meetings_in_as_many_statements_as_one(survey, colead_client):
    # helper-275: on ten years of meetings the table read each meeting's materials apart, and
    # both pages the latest survey once for each meeting planned with none of its own (40 and
    # 15 statements more than for one meeting, on each request).
    _held_with_slides(colead_client, "2026-01-20", "AU")

    def sent(address: str) -> int:
        with counted_queries() as statements:
            assert colead_client.get(address).status_code == 200
        return len(statements)

    one = {address: sent(address) for address in ("/meetings/report", "/meetings/report.csv")}
    _held_with_slides(colead_client, "2026-02-17", "PE")
    _held_with_slides(colead_client, "2026-03-17", "JP")
    three = {address: sent(address) for address in one}
    assert three == one
    rows = colead_client.get("/meetings/report.csv").get_data(as_text=True)
    for office in ("AU", "PE", "JP"):
        assert f"https://slides.example/{office}" in rows


def test_the_report_shows_a_year_at_a_time_with_a_link_to_each(survey, colead_client):
    # helper-280: ten years of meetings were one page of 123 kB, growing with each meeting held.
    _held_with_slides(colead_client, "2025-11-18", "AU")
    _held_with_slides(colead_client, "2026-01-20", "PE")
    _held_with_slides(colead_client, "2026-02-17", "JP")
    text = colead_client.get("/meetings/report").get_data(as_text=True)
    # The latest year, and a link to each other year.
    assert "Talk of PE" in text and "Talk of JP" in text
    assert "Talk of AU" not in text
    assert '<strong aria-current="page">2026</strong>' in text
    # Said where a printed page says it too: the years' links are not printed.
    assert "<h1>Report across meetings: 2026</h1>" in text
    assert 'href="/meetings/report?year=2025">2025</a> <span class="muted">(1 meeting)' in text
    earlier = colead_client.get("/meetings/report?year=2025").get_data(as_text=True)
    assert "Talk of AU" in earlier and "Talk of PE" not in earlier
    # Who is still waiting is read from every year's meetings, whichever year is shown.
    assert earlier.split("demand-heading")[1] == text.split("demand-heading")[1]
    every = colead_client.get("/meetings/report?year=all").get_data(as_text=True)
    assert all(f"Talk of {office}" in every for office in ("AU", "PE", "JP"))
    assert "<h1>Report across meetings</h1>" in every
    for wrong in ("2019", "20x6", "²⁰²⁶", "-1", "9" * 40):
        assert colead_client.get(f"/meetings/report?year={wrong}").status_code == 404


def test_a_meeting_is_in_the_year_it_was_held_where_it_was_held(survey, colead_client):
    """A Lima meeting on the evening of 31 December 2025 is on 1 January 2026 in UTC: the report
    counts it in 2025, the day its own agenda and archive say it was held (helper-283 found the
    year read in the home zone, as `held_on` reads the day, with no test of it)."""
    held_workshop(
        colead_client,
        [{"title": "Talk of PE", "office": "PE", "recommendations": [10]}],
        title="New Year's Eve workshop",
        starts_at="2025-12-31T20:00:00-05:00",
        time_zone="America/Lima",
    )
    held_workshop(colead_client, [{"title": "Talk of AU", "office": "AU"}])  # 20 January 2026
    text = colead_client.get("/meetings/report?year=2025").get_data(as_text=True)
    assert "Talk of PE" in text and "Talk of AU" not in text
    assert "31 December 2025" in text
    assert "Talk of PE" not in colead_client.get("/meetings/report?year=2026").get_data(
        as_text=True
    )
