"""The offices taking part in a meeting that names none of its own: the respondents of the survey
it was planned with. A meeting that took place keeps the one it took place under when the next
round is imported; one still to come follows the latest survey; feeds date what they list."""

import html
import json

import pytest
from sqlalchemy import select

from planner.agenda.models import Meeting
from planner.extensions import db
from planner.survey.models import Survey
from planner.survey.operations import delete_survey, import_file, respondent_codes
from tests.support import (
    ahead,
    held_workshop,
    import_second_round,
    publish_as_planned,
    second_round_csv,
)

SECOND_ROUND = ["AU", "EM", "KG", "KR", "ZA"]
ROUND_TABLE = {"title": "Round table", "kind": "discussion", "duration_minutes": 60}


def _to_come(client) -> int:
    """A Task Force meeting still to come, published, naming no offices."""
    made = client.post(
        "/api/v1/meetings",
        json={
            "title": "Task Force meeting, spring",
            "kind": "taskforce",
            "starts_at": f"{ahead('2027-03-09')}T13:00:00+01:00",
        },
    )
    assert made.status_code == 201, made.get_json()
    added = client.post(f"/api/v1/meetings/{made.get_json()['id']}/slots", json=ROUND_TABLE)
    assert added.status_code == 201, added.get_json()
    published = publish_as_planned(client, made.get_json()["id"])
    assert published.status_code == 200, published.get_json()
    return made.get_json()["id"]


def _workshop(client) -> int:
    """A draft workshop of an hour in January, naming no offices; its id."""
    made = client.post(
        "/api/v1/meetings",
        json={
            "title": "Rec 10 workshop",
            "starts_at": f"{ahead('2027-01-19')}T13:00:00+01:00",
            "time_zone": "Europe/Zurich",
            "duration_minutes": 60,
        },
    )
    assert made.status_code == 201, made.get_json()
    return made.get_json()["id"]


def _offices(client, meeting_id: int) -> list[str]:
    return client.get(f"/api/v1/meetings/{meeting_id}").get_json()["offices"]


def _survey(label: str) -> Survey:
    return db.session.scalar(select(Survey).where(Survey.label == label))


@pytest.mark.settle
def test_a_meeting_that_took_place_keeps_its_offices_when_the_next_round_is_imported(
    colead_client, client, survey
):
    """helper-214: a Task Force meeting held in January 2026 listed, once the 2026 round was
    imported, that round's five respondents as its participating offices (its page's local
    times, its calendar event, the API) instead of the 21 offices it was held for. It keeps
    CWS/13/26's, and its calendar's date stays (nothing it shows changed); a meeting still to
    come lists the new round's, and its calendar is dated by the import."""
    held = held_workshop(
        colead_client, [ROUND_TABLE], title="Task Force meeting, January", kind="taskforce"
    )
    coming = _to_come(colead_client)
    first = sorted(respondent_codes(survey))
    assert _offices(colead_client, held) == _offices(colead_client, coming) == first
    feeds = {m: client.get(f"/meetings/{m}.ics") for m in (held, coming)}

    import_second_round()

    assert _offices(colead_client, held) == first
    page = html.unescape(client.get(f"/meetings/{held}").get_data(as_text=True))
    assert "each participating office (every respondent of CWS/13/26)" in page
    assert "PE · INDECOPI" in page
    event = client.get(f"/meetings/{held}.ics").get_data(as_text=True).replace("\r\n ", "")
    assert "PE INDECOPI" in event and "KR KIPO" not in event
    asked = {"If-Modified-Since": feeds[held].headers["Last-Modified"]}
    assert client.get(f"/meetings/{held}.ics", headers=asked).status_code == 304

    assert _offices(colead_client, coming) == SECOND_ROUND
    edit = html.unescape(colead_client.get(f"/meetings/{coming}/edit").get_data(as_text=True))
    assert (
        "Now: every respondent of the latest survey, CWS/14/2026: a meeting follows the latest "
        "survey until it has taken place, then keeps that one."
    ) in edit
    asked = {"If-Modified-Since": feeds[coming].headers["Last-Modified"]}
    again = client.get(f"/meetings/{coming}.ics", headers=asked)
    assert again.status_code == 200
    assert "KR KIPO" in again.get_data(as_text=True).replace("\r\n ", "")
    assert db.session.get(Meeting, held).survey_id == survey.id
    assert db.session.get(Meeting, coming).survey_id is None


@pytest.mark.settle
def test_deleting_the_latest_survey_dates_the_meetings_whose_offices_it_changes(
    colead_client, client, survey
):
    """Feeds dated a meeting's default offices by the latest import: deleting that survey took
    the date back, and a client asking "changed since?" was told no, though the meeting now
    listed the offices of the survey before. The meeting is dated by the deletion; one that took
    place under CWS/13/26 is not."""
    held = held_workshop(
        colead_client, [ROUND_TABLE], title="Task Force meeting, January", kind="taskforce"
    )
    import_second_round()
    coming = _to_come(colead_client)
    assert _offices(colead_client, coming) == SECOND_ROUND
    before = {m: client.get(f"/meetings/{m}.ics").headers["Last-Modified"] for m in (held, coming)}

    assert delete_survey(_survey("CWS/14/2026")) is not None
    db.session.commit()

    assert _offices(colead_client, coming) == sorted(respondent_codes(survey))
    asked = {"If-Modified-Since": before[coming]}
    assert client.get(f"/meetings/{coming}.ics", headers=asked).status_code == 200
    asked = {"If-Modified-Since": before[held]}
    assert client.get(f"/meetings/{held}.ics", headers=asked).status_code == 304


def test_a_meeting_keeps_its_survey_through_a_corrected_file_of_it(colead_client, survey):
    """The 2026 round imported again from a corrected file (--replace: the survey stored anew)
    goes on being the survey of the meetings planned with it, even once a later round came in."""
    import_second_round()
    held = held_workshop(
        colead_client, [ROUND_TABLE], title="Task Force meeting, June", kind="taskforce"
    )
    later = {
        "survey": {"label": "CWS/15/2027", "answered_until": "2027-06-30"},
        "offices": [{"code": "JP", "name": "Japan Patent Office", "time_zone": "Asia/Tokyo"}],
        "answers": [{"office": "JP", "question": "focus", "recommendation": 10, "text": "AI."}],
    }
    import_file(json.dumps(later).encode(), "cws-2027.json")
    db.session.commit()
    assert _offices(colead_client, held) == SECOND_ROUND
    corrected = second_round_csv() + (
        b"CWS/14/2026,PE,INDECOPI,America/Lima,discuss,10,Recommendation 10,"
        b"2026-04-13,2026-06-30\r\n"
    )
    assert import_file(corrected, "cws-2026.csv", replace=True).status == "replaced"
    db.session.commit()
    assert _offices(colead_client, held) == sorted([*SECOND_ROUND, "PE"])
    assert db.session.get(Meeting, held).survey_id == _survey("CWS/14/2026").id


def test_an_office_presenting_in_a_meeting_takes_part_in_it_whether_it_answered_or_not(
    colead_client, client, survey
):
    """helper-252: the Intellectual Property Office of Singapore, which answered no survey,
    presented at a workshop naming no offices of its own: its local times, its calendar event's
    and the API's offices were every respondent of CWS/13/26 but SG, for which it fell at 20:00.
    An office presenting in it takes part too (a presentation not cancelled: WO's cancelled talk
    does not make it one)."""
    from planner.offices.models import Office

    db.session.add(
        Office(
            code="SG",
            name="Intellectual Property Office of Singapore (IPOS)",
            time_zone="Asia/Singapore",
        )
    )
    db.session.commit()
    meeting_id = _workshop(colead_client)
    for office in ("SG", "WO"):
        talk = {"title": f"AI at {office}", "office": office, "duration_minutes": 20}
        added = colead_client.post(f"/api/v1/meetings/{meeting_id}/slots", json=talk)
        assert added.status_code == 201, added.get_json()
    withdrawn = added.get_json()
    cancelled = colead_client.patch(
        f"/api/v1/slots/{withdrawn['id']}",
        json={"status": "cancelled", "version": withdrawn["version"]},
    )
    assert cancelled.status_code == 200, cancelled.get_json()
    assert publish_as_planned(colead_client, meeting_id).status_code == 200
    offices = _offices(colead_client, meeting_id)
    assert "SG" in offices and "WO" not in offices and len(offices) == 22
    page = html.unescape(client.get(f"/meetings/{meeting_id}").get_data(as_text=True))
    assert "(every respondent of CWS/13/26, and SG, presenting)" in page
    assert "SG · IPOS" in page
    editor = html.unescape(colead_client.get(f"/meetings/{meeting_id}/edit").get_data(as_text=True))
    assert "every office presenting in it (SG now), whether it answered or not" in editor
    assert 'id="office-SG" name="offices" value="SG" checked' in editor
    feed = client.get("/feeds/taskforce.ics").get_data(as_text=True).replace("\r\n ", "")
    assert "SG IPOS: Tue 20:00–Tue 21:00" in feed


def test_an_office_taking_part_without_a_time_zone_is_said_to_be_left_out_of_local_times(
    colead_client, client, survey
):
    """helper-260: an office presenting in a meeting, with no time zone known, was named among
    its offices ("every respondent of CWS/13/26, and OA, presenting") and left out of the
    local-times table without a word. It is said, as the fair start times say it."""
    from planner.offices.models import Office

    db.session.add(Office(code="OA", name="African Intellectual Property Organization (OAPI)"))
    db.session.commit()
    meeting_id = _workshop(colead_client)
    talk = {"title": "AI at OAPI", "office": "OA", "duration_minutes": 20}
    assert colead_client.post(f"/api/v1/meetings/{meeting_id}/slots", json=talk).status_code == 201
    assert publish_as_planned(colead_client, meeting_id).status_code == 200
    page = html.unescape(client.get(f"/meetings/{meeting_id}").get_data(as_text=True))
    assert "(every respondent of CWS/13/26, and OA, presenting)" in page
    assert "Left out, without a time zone: OA." in page
    table = page.split('<table class="data local-times cards">')[1].split("</table>")[0]
    assert "AU · " in table and "OA · " not in table
