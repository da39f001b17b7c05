"""No value breaks a feed: what reaches a calendar is refused at input, through pages and the
API alike, and whatever is stored anyway (old rows, rows written straight into the database)
still gives every feed as valid, escaped content that every reader sees the same."""

import json
import re

import pytest
from sqlalchemy import select, update

from planner.agenda.models import Meeting, Slot
from planner.calendar.ics import one_line, web_address
from planner.calendar.operations import office_feed_token
from planner.extensions import db
from planner.offices.models import Office
from planner.recommendations.models import Recommendation
from tests.calendar.readers import read_everywhere, with_vobject
from tests.calendar.test_feeds import MEETING
from tests.support import csrf_token

# Every character that ends a line somewhere (CR, LF, VT, FF, the file separators, NEL, U+2028,
# U+2029), NUL, DEL, a tab, and what TEXT escapes; an attempt to start an event of its own.
HOSTILE = "A\x00B\rBEGIN:VEVENT\r\nUID:evil\nC\u2028D\u2029E\x85F;G,H\\I\x0bJ\x0cK\x1cL\x7fM\tN"
# HOSTILE as every reader reads it back from a title.
SHOWN = "AB BEGIN:VEVENT UID:evil C D E F;G,H\\I J K LM N"
VIDEO = 'https://video.example/a b\r\nBEGIN:VEVENT\u2028"<>%zz?q=ü'


def storable(value: str) -> str:
    """PostgreSQL keeps no NUL in text; everything else it stores as given."""
    return value.replace("\x00", "") if db.engine.dialect.name == "postgresql" else value


def unfolded(body: bytes) -> str:
    return re.sub(r"\r\n[ \t]", "", body.decode())


def test_whatever_is_stored_every_feed_is_valid(visitor, published):
    talk, other = (s for s in published.slots if s.office_code)
    title = storable(HOSTILE)
    db.session.execute(
        update(Meeting)
        .where(Meeting.id == published.id)
        .values(
            title=title,
            video_url=storable(VIDEO),
            description=storable(HOSTILE * 3000),  # 180,000 characters
            time_zone="Mars/Olympus_Mons",
        )
    )
    db.session.execute(
        update(Slot).where(Slot.id == talk.id).values(title=title, abstract=title, uid=title[:80])
    )
    db.session.execute(update(Slot).where(Slot.id == other.id).values(duration_minutes=2**31 - 1))
    db.session.execute(update(Office).where(Office.code == "PL").values(name=title))
    db.session.execute(update(Office).where(Office.code == "AU").values(time_zone="Not/A_Zone"))
    db.session.execute(
        update(Recommendation).where(Recommendation.number == 10).values(short_title=title)
    )
    db.session.commit()
    uid = db.session.scalar(select(Slot.uid).where(Slot.id == talk.id))

    tokens = {
        c: office_feed_token(db.session.get(Office, c), "test-secret-key") for c in ("AU", "PL")
    }
    feeds = {
        "/feeds/taskforce.ics": 1,
        "/feeds/taskforce-talks.ics": 3,
        f"/meetings/{published.id}.ics": 1,
        f"/meetings/{published.id}.ics?scope=slots": 3,
        **{f"/feeds/offices/{c}.ics?token={t}": 1 for c, t in tokens.items()},
    }
    for url, count in feeds.items():
        response = visitor.get(url)
        assert response.status_code == 200, url
        parsed = read_everywhere(response.data)
        assert len(parsed["events"]) == count, url
        summaries = {e["uid"]: e["summary"] for e in parsed["events"]}
        for shown in (published.uid, one_line(uid)):
            # The title reads back as stored, on one line: escaped, nothing lost but breaks.
            assert summaries.get(shown, SHOWN) == SHOWN, url
        text = unfolded(response.data)
        addresses = re.findall(r"^(?:URL|SOURCE|LOCATION|CONFERENCE)[^:]*:(.*)\r$", text, re.M)
        assert addresses and all(re.fullmatch(r"https?://[!-~]+", a) for a in addresses), url
        assert len(re.findall(r"^BEGIN:VEVENT\r$", text, re.M)) == count, url

    # The video link is written percent-encoded, never raw.
    feed = unfolded(visitor.get("/feeds/taskforce-talks.ics").data)
    assert f"LOCATION:{web_address(storable(VIDEO))}\r\n" in feed
    assert "%0D%0ABEGIN:VEVENT%E2%80%A8%22%3C%3E%25zz?q=%C3%BC" in feed

    schedule = visitor.get(f"/meetings/{published.id}/schedule.json")
    assert schedule.status_code == 200
    conference = json.loads(schedule.data)["schedule"]["conference"]
    assert conference["title"] == one_line(title)
    assert conference["time_zone_name"] == "UTC"


def test_calendar_names_are_escaped_text(visitor, published):
    """NAME, X-WR-CALNAME and X-WR-CALDESC are TEXT, as SUMMARY is: ";", "," and "\\" escaped,
    and a reader that knows them (vobject, libical) reads back what was stored."""
    tricky = "Risk; governance, AI \\ blockchain"
    db.session.execute(update(Meeting).where(Meeting.id == published.id).values(title=tricky))
    db.session.execute(update(Office).where(Office.code == "AU").values(name=tricky))
    db.session.commit()
    body = visitor.get(f"/meetings/{published.id}.ics").data
    parsed = read_everywhere(body)
    assert parsed["events"][0]["summary"] == tricky
    calendar = with_vobject(body)
    assert calendar.contents["name"][0].value == tricky
    assert calendar.contents["x-wr-calname"][0].value == tricky
    escaped = "Risk\\; governance\\, AI \\\\ blockchain"
    text = unfolded(body)
    for name in ("NAME", "X-WR-CALNAME", "SUMMARY"):
        assert f"\r\n{name}:{escaped}\r\n" in text, name

    token = office_feed_token(db.session.get(Office, "AU"), "test-secret-key")
    body = visitor.get(f"/feeds/offices/AU.ics?token={token}").data
    read_everywhere(body)
    described = f"The slots {tricky} presents in published meetings, tentative ones included."
    assert with_vobject(body).contents["x-wr-caldesc"][0].value == described
    assert "X-WR-CALDESC:The slots " + escaped in unfolded(body)


# Input: every field that reaches a calendar refuses what could break one.

CONTROLS = [
    "a\nb",
    "a\rb",
    "a\x00b",
    "a\u2028b",
    "a\x85b",
    "a\x1cb",
    "a\u202eb",
    "a\u2067b",
    "a\ufffeb",
]
ADDRESSES = [
    "https://video.example/a\nb",
    "https://video.example/a\rb",
    "https://video.example/a\u2028b",
    "https://video.example/a\x00b",
    "https://video.example/a b",
    "javascript:alert(1)",
    "https://name:secret@video.example/room",
    # A host or port no calendar can read (helper-85).
    "https://[::1",
    "https://xn--/",
    "https://exämple.org:99999/",
    "https://video..example/",
]


def refused(response, field: str) -> None:
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert field in body.get("fields", {}) or body.get("field") == field, body


@pytest.mark.parametrize("value", CONTROLS)
def test_the_api_refuses_control_characters(colead_client, published, value):
    api = colead_client
    slot = published.slots[1]
    for field, refusals in (("title", [value]), ("description", [value.replace("\n", "\r")])):
        for sent in refusals:
            refused(api.post("/api/v1/meetings", json={**MEETING, field: sent}), field)
            refused(api.patch(f"/api/v1/meetings/{published.id}", json={field: sent}), field)
    for field in ("title", "abstract"):
        sent = value.replace("\n", "\r") if field == "abstract" else value
        slot_json = {"title": "x", "duration_minutes": 10, field: sent}
        refused(api.post(f"/api/v1/meetings/{published.id}/slots", json=slot_json), field)
        refused(api.patch(f"/api/v1/slots/{slot.id}", json={field: sent}), field)
    db.session.expire_all()
    assert db.session.get(Meeting, published.id).title == MEETING["title"]
    assert db.session.scalar(select(Meeting).where(Meeting.id != published.id)) is None


@pytest.mark.parametrize("address", ADDRESSES)
def test_the_api_refuses_video_links_with_anything_a_link_cannot_hold(
    colead_client, published, address
):
    refused(
        colead_client.post("/api/v1/meetings", json={**MEETING, "video_url": address}), "video_url"
    )
    refused(
        colead_client.patch(f"/api/v1/meetings/{published.id}", json={"video_url": address}),
        "video_url",
    )
    # Spaces and breaks around a link are not part of it: it is stored without them.
    ok = colead_client.patch(
        f"/api/v1/meetings/{published.id}", json={"video_url": " https://video.example/b\r\n"}
    )
    assert ok.status_code == 200 and ok.get_json()["video_url"] == "https://video.example/b"
    # A scheme in capitals (pasted from a printed invitation) is a web address too.
    loud = colead_client.patch(
        f"/api/v1/meetings/{published.id}", json={"video_url": "HTTPS://ZOOM.EXAMPLE/J/1"}
    )
    assert loud.status_code == 200


def test_an_international_host_reaches_the_calendars_in_its_ascii_form(colead_client, published):
    """helper-85: "zoom.exämple.org" went into the feeds percent-encoded, a host no calendar
    finds; it goes in its xn-- form, the rest of the link as written. The page links it as
    typed (a browser encodes it itself)."""
    typed = "https://zoom.exämple.org/j/1?pwd=Ä1"
    ok = colead_client.patch(f"/api/v1/meetings/{published.id}", json={"video_url": typed})
    assert ok.status_code == 200 and ok.get_json()["video_url"] == typed
    feed = colead_client.get(f"/meetings/{published.id}.ics").get_data(as_text=True)
    written = "https://zoom.xn--exmple-cua.org/j/1?pwd=%C3%841"
    assert web_address(typed) == written
    assert f"LOCATION:{written}\r\n" in feed
    assert written in json.dumps(read_everywhere(feed.encode()))
    assert web_address("https://[::1") is None and web_address("https://xn--/") is None


def version_of(client, url: str) -> str:
    match = re.search(r'name="version"[^>]*value="(\d+)"', client.get(url).text)
    assert match, url
    return match[1]


def form_refuses(client, url: str, data: dict, field: str, value: str) -> None:
    """Posting the form with `value` in `field` is refused, naming the problem; the same form
    with a clean value is accepted (so the refusal is about the value)."""
    data = {**data, "csrf_token": csrf_token(client, url)}
    answer = client.post(url, data={**data, field: value})
    assert answer.status_code == 400, (url, field, value)
    assert re.search(r"cannot contain|web address", answer.text), (url, field)
    accepted = client.post(url, data={**data, "csrf_token": csrf_token(client, url)})
    assert accepted.status_code == 302, (url, field, accepted.text[:500])


@pytest.mark.parametrize("value", ["a\nb", "a\rb", "a\x00b", "a\u2028b"])
def test_the_pages_refuse_control_characters(colead_client, published, value):
    client = colead_client
    meeting = {
        "title": "Rec 10 follow-up",
        "kind": "workshop",
        "duration_minutes": "90",
        "time_zone": "Europe/Zurich",
        "video_url": "https://video.example/rec10",
        "description": "Next steps.",
    }
    form_refuses(client, "/meetings/new", meeting, "title", value)
    # Another title: the same meeting again is taken for the form sent twice, and not made.
    again = {**meeting, "title": "Rec 10 follow-up, second"}
    form_refuses(client, "/meetings/new", again, "video_url", "https://video.example/" + value)
    slot = {
        "title": "Talk",
        "kind": "presentation",
        "duration_minutes": "20",
        "status": "proposed",
    }
    add_slot = f"/meetings/{published.id}/slots"
    answer = client.post(
        add_slot,
        data={
            **slot,
            "title": value,
            "csrf_token": csrf_token(client, f"/meetings/{published.id}/edit"),
        },
    )
    assert answer.status_code == 400 and "cannot contain" in answer.text
    office = {"name": "Japan Patent Office (JPO)", "city": "Tokyo", "time_zone": "Asia/Tokyo"}
    office["version"] = version_of(client, "/offices/JP/edit")
    form_refuses(client, "/offices/JP/edit", office, "name", value)
    assert db.session.get(Office, "JP").name == "Japan Patent Office (JPO)"
    recommendation = {"short_title": "New and emerging technologies", "text": "Explore."}
    recommendation["version"] = version_of(client, "/recommendations/10/edit")
    form_refuses(client, "/recommendations/10/edit", recommendation, "short_title", value)
    assert "\n" not in db.session.get(Recommendation, 10).short_title


@pytest.mark.parametrize("value", ["IP\nAustralia", "IP\rAustralia", "IP\x00Australia"])
def test_a_survey_import_refuses_control_characters_in_office_names(cli, survey, tmp_path, value):
    """Offices that first appear in an imported survey take their names from it."""
    survey_json = {
        "survey": {"label": "Follow-up 2027", "answered_from": "2027-01-04"},
        "offices": [{"code": "XA", "name": value, "time_zone": "Australia/Sydney"}],
        "answers": [{"office": "XA", "question": "focus", "recommendation": 10, "text": "AI."}],
    }
    path = tmp_path / "newer.json"
    path.write_text(json.dumps(survey_json))
    imported = cli.invoke(args=["survey", "import", str(path)])
    assert imported.exit_code != 0
    assert "The name of office XA cannot contain" in imported.output
    csv_path = tmp_path / "newer.csv"
    name = '"' + value.replace('"', '""') + '"'
    csv_path.write_text(
        "survey,office,office_name,time_zone,question,recommendation,text,source_page,source_line\n"
        f"Follow-up 2027,XA,{name},Australia/Sydney,focus,10,AI.,,\n"
    )
    imported = cli.invoke(args=["survey", "import", str(csv_path)])
    assert imported.exit_code != 0
    # A NUL makes the whole file binary to the importer, before any name is read.
    assert "The name of office XA cannot contain" in imported.output or "\x00" in value
    assert db.session.get(Office, "XA") is None
    path.write_text(
        json.dumps({**survey_json, "offices": [{**survey_json["offices"][0], "name": "IP A"}]})
    )
    assert cli.invoke(args=["survey", "import", str(path)]).exit_code == 0
