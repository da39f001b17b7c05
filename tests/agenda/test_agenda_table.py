"""A meeting's agenda as a table (CSV) for the meeting document: what its public page shows, with
the zones its times are read in, opening in columns in any spreadsheet."""

import csv
import io
import re
from datetime import timedelta

from planner.agenda.models import Slot
from planner.extensions import db
from planner.materials.models import Material
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
    # links gives without the sentence around them. The words shown start the name, for speech
    # control (helper-294).
    links = dict(re.findall(r'<a href="(/meetings/\d+/agenda\.csv[^"]*)" download>(.*?)</a>', page))
    assert [re.sub(r"<[^>]+>", "", name) for name in links.values()] == [
        "Agenda (CSV)",
        "with semicolons: Agenda (CSV)",
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
        "Materials",
    ]
    assert welcome == ["13:00–13:10", "Welcome", "discussion", "", "", "", "", "", "", ""]
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
        "",
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
    assert comma[2][-2] == ABSTRACT
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


def test_once_the_workshop_took_place_the_table_says_what_was_presented_with_its_slides(
    client, api, survey
):
    """helper-254: the Secretariat, reporting a workshop to the CWS from its agenda's table a
    week later, read "to be confirmed" beside a talk given whose presenter had not answered,
    "to be confirmed" beside one whose presenter declined and that no one gave, and no slides:
    the table said what was planned, not what was presented. Once the meeting has ended it says
    "presented" or "not given", as the archive and the offices' pages count them, and gives the
    slides and links the page shows, where anyone opens them; the page says the same."""
    import time_machine

    from planner.materials.operations import add_file, add_link
    from planner.presenters.operations import answer
    from tests.materials.files import PDF

    meeting = _workshop(api)
    talks = db.session.scalars(
        db.select(Slot).where(Slot.meeting_id == meeting, Slot.kind == "presentation")
    ).all()
    au, pe = sorted(talks, key=lambda s: s.office_code)
    add_file(au, "au-slides.pdf", PDF, "co-lead")
    add_link(au, "https://slides.example/au", "slides", "co-lead")
    invite(api, pe, name="Rosa", email="rosa@indecopi.example", time_zone="America/Lima")
    db.session.refresh(pe)
    answer(pe.invitation, "declined", "Cannot make it")
    db.session.commit()
    before = _rows(client.get(f"/meetings/{meeting}/agenda.csv"))
    assert [row[3] for row in before[1:]] == ["", "to be confirmed", "", "to be confirmed"]
    assert before[2][-1] == ""  # slides are public once the meeting is over
    ends = db.session.get(Slot, au.id).meeting.ends_at
    with time_machine.travel(ends + timedelta(days=7), tick=True):
        _, welcome, talk, pause, last = _rows(client.get(f"/meetings/{meeting}/agenda.csv"))
        page = client.get(f"/meetings/{meeting}").get_data(as_text=True)
    assert [row[3] for row in (welcome, talk, pause, last)] == ["", "presented", "", "not given"]
    file_id = db.session.scalars(db.select(Material.id).where(Material.filename.is_not(None))).one()
    assert talk[-1].splitlines() == [
        f"au-slides.pdf <http://localhost/materials/{file_id}/au-slides.pdf>",
        "https://slides.example/au",
    ]
    assert last[-1] == "" and welcome[-1] == ""
    assert 'title="Given at the meeting.">presented</span>' in page
    assert '<span class="tag">not given</span>' in page and "to be confirmed" not in page
