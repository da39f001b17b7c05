"""A meeting's agenda as a table (CSV) for the meeting document: what its public page shows, with
the zones its times are read in, opening in columns in any spreadsheet."""

import csv
import io
import re

from planner.agenda.models import Slot
from planner.extensions import db
from tests.presenters.support import invite
from tests.support import ahead, publish_as_planned

ABSTRACT = "Trained on ten years of examiners' work; 92% agree, with a model of 2024."


def _workshop(api, *, publish: bool = True) -> int:
    meeting = api.post(
        "/api/v1/meetings",
        json={
            "title": "Workshop on Rec 10",
            "starts_at": f"{ahead('2027-03-09')}T13:00:00",
            "time_zone": "Europe/Zurich",
        },
    ).get_json()["id"]
    for slot in (
        {"title": "Welcome", "kind": "discussion", "duration_minutes": 10},
        {
            "title": "=1+1 Auto classification",
            "office": "AU",
            "recommendations": [4, 10],
            "abstract": ABSTRACT,
        },
        {"title": "Break", "kind": "break", "duration_minutes": 15},
        {"title": "Machine translation", "office": "PE", "recommendations": [10]},
    ):
        assert api.post(f"/api/v1/meetings/{meeting}/slots", json=slot).status_code == 201
    if publish:
        assert publish_as_planned(api, meeting).status_code == 200
    return meeting


def _rows(response, separator: str = ",") -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and response.data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=separator))


def test_the_agenda_as_a_table_reads_as_the_page_does(client, api, survey):
    """The Secretariat had no way to take the agenda into a meeting document but to copy the
    page, which gives the zone picker, the calendar links and a long abstract's first lines."""
    meeting = _workshop(api)
    page = client.get(f"/meetings/{meeting}").get_data(as_text=True)
    assert f'href="/meetings/{meeting}/agenda.csv?zone=Europe/Zurich"' in page
    assert f'href="/meetings/{meeting}/agenda.csv?zone=Europe/Zurich&amp;separator=semicolon"' in (
        page
    )
    # helper-211: the links were "CSV" and "with semicolons", which a screen reader's list of
    # links gives without the sentence around them.
    links = dict(re.findall(r'<a href="(/meetings/\d+/agenda\.csv[^"]*)" download>(.*?)</a>', page))
    assert [re.sub(r"<[^>]+>", "", name) for name in links.values()] == [
        "Agenda (CSV)",
        "Agenda (CSV), with semicolons",
    ]
    response = client.get(f"/meetings/{meeting}/agenda.csv")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="meeting-{meeting}-agenda.csv"'
    )
    heading, welcome, talk, pause, last = _rows(response)
    # The day and the zone the times are read in, which each row does not repeat.
    assert heading[0].startswith("Tue ") and heading[0].endswith(", time in Geneva (UTC+1)")
    assert heading[1:] == [
        "Slot",
        "Kind",
        "Status",
        "Presenting office",
        "Office code",
        "At the presenting office",
        "Recommendations",
        "Abstract",
    ]
    assert welcome == ["13:00–13:10", "Welcome", "discussion", "", "", "", "", "", ""]
    assert talk == [
        "13:10–13:30",
        # A title a spreadsheet would run as a formula is shown as text.
        "'=1+1 Auto classification",
        "presentation",
        "to be confirmed",
        "IP Australia",
        "AU",
        talk[6],
        "Rec 4, Rec 10",
        ABSTRACT,
    ]
    assert talk[6].endswith(" 23:10 in Sydney (UTC+11)")
    assert pause[:3] == ["13:30–13:45", "Break", "break"] and pause[3:7] == ["", "", "", ""]
    assert last[0] == "13:45–14:05" and last[6].endswith(" 07:45 in Lima (UTC−5)")


def test_the_table_gives_times_in_the_readers_zone_and_the_home_zone(client, api, survey):
    meeting = _workshop(api)
    page = client.get(f"/meetings/{meeting}?zone=Lima").get_data(as_text=True)
    assert f'href="/meetings/{meeting}/agenda.csv?zone=America/Lima"' in page
    heading, welcome, *_ = _rows(client.get(f"/meetings/{meeting}/agenda.csv?zone=America/Lima"))
    assert heading[0].endswith(", time in Lima (UTC−5)")
    assert heading[1].endswith(", time in Geneva (UTC+1)") and heading[2] == "Slot"
    assert welcome[:3] == ["07:00–07:10", "13:00–13:10", "Welcome"]
    for zone in ("Nowhere", "\x00", "x" * 5000, "Spring"):
        answer = client.get(f"/meetings/{meeting}/agenda.csv", query_string={"zone": zone})
        assert answer.status_code == 400, zone


def test_the_table_with_semicolons_for_excel_where_the_comma_is_the_decimal_sign(
    client, api, survey
):
    """The abstract's own ";" and "," stay in its cell in both files: every cell is quoted."""
    meeting = _workshop(api)
    comma = _rows(client.get(f"/meetings/{meeting}/agenda.csv"))
    assert _rows(client.get(f"/meetings/{meeting}/agenda.csv?separator=semicolon"), ";") == comma
    assert comma[2][-1] == ABSTRACT
    assert client.get(f"/meetings/{meeting}/agenda.csv?separator=tab").status_code == 400


def test_the_table_shows_nothing_the_page_does_not(client, api, survey):
    """A draft is the co-leads' (404 for anyone else, as its page); the presenter's own zone,
    private, is not given: the time at the presenting office is, as on the public page."""
    draft = _workshop(api, publish=False)
    assert client.get(f"/meetings/{draft}/agenda.csv").status_code == 404
    assert len(_rows(api.get(f"/meetings/{draft}/agenda.csv"))) == 5
    meeting = _workshop(api)
    slot = db.session.scalars(
        db.select(Slot).where(Slot.meeting_id == meeting, Slot.office_code == "AU")
    ).one()
    invite(api, slot, time_zone="Europe/London", name="Alex Private", email="alex@au.example")
    rows = _rows(client.get(f"/meetings/{meeting}/agenda.csv"))
    text = repr(rows)
    assert "London" not in text and "Alex" not in text and "alex@" not in text
    assert rows[2][6].endswith(" 23:10 in Sydney (UTC+11)")
    assert client.get("/meetings/999999/agenda.csv").status_code == 404
