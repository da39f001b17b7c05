"""What feeds give away: an office's signed link only to co-leads, and no draft in any feed."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy import update

from planner.agenda.models import Meeting
from planner.calendar.operations import office_feed_token
from planner.extensions import db
from planner.offices.models import Office
from tests.calendar.test_feeds import MEETING, SLOTS, events_by_uid
from tests.support import csrf_token, hidden_fields, publish_as_planned

PROPOSAL = {
    "office": "JP",
    "name": "Kenji",
    "email": "kenji@jpo.example",
    "title": "AI-assisted classification at the JPO",
    "abstract": "What we built and learned.",
    "recommendations": [10],
    "duration": 20,
    "maturity": "production",
}


def volunteer(client, **changes) -> str:
    """A proposal sent by anyone, without an account; the path of its private page."""
    created = client.post("/api/v1/proposals", json={**PROPOSAL, **changes})
    assert created.status_code == 201, created.get_json()
    return urlsplit(created.get_json()["link"]).path


def feed_links(page: str) -> set[str]:
    return {part.split('"')[0] for part in page.split("/feeds/")[1:]}


def test_a_proposal_page_never_shows_the_offices_feed_link(client, colead_client, survey):
    page = client.get(volunteer(client)).get_data(as_text=True)
    assert feed_links(page) == {"taskforce.ics"}
    assert "webcal://localhost/feeds/taskforce.ics" in page
    assert office_feed_token(db.session.get(Office, "JP"), "test-secret-key") not in page

    # Revoked, the office's new link is not on the next anonymous proposal's page either.
    colead_client.post(
        "/offices/JP/feed/revoke", data={"csrf_token": csrf_token(colead_client, "/offices/JP")}
    )
    fresh = office_feed_token(db.session.get(Office, "JP"), "test-secret-key")
    page = client.get(volunteer(client, title="Another proposal")).get_data(as_text=True)
    assert feed_links(page) == {"taskforce.ics"} and fresh not in page

    # Co-leads find it on the office's page; anyone else does not.
    assert f"/feeds/offices/JP.ics?token={fresh}" in colead_client.get("/offices/JP").text
    assert "/feeds/offices/" not in client.get("/offices/JP").text


def test_a_proposal_page_links_the_published_meetings_it_is_in(client, colead_client, survey):
    path = volunteer(client)
    proposal_id = colead_client.get("/api/v1/proposals").get_json()["proposals"][0]["id"]
    accepted = colead_client.patch(
        f"/api/v1/proposals/{proposal_id}",
        json={"status": "accepted", "reason": "Fits", "version": 1},
    )
    assert accepted.status_code == 200, accepted.get_json()
    meeting = colead_client.post("/api/v1/meetings", json=MEETING).get_json()
    placed = colead_client.post(
        f"/api/v1/meetings/{meeting['id']}/slots",
        json={"title": "JPO", "office": "JP", "proposal_id": proposal_id, "duration_minutes": 20},
    )
    assert placed.status_code == 201, placed.get_json()
    download = f'href="/meetings/{meeting["id"]}.ics?download=1"'
    assert download not in client.get(path).text  # a draft: not yet
    publish_as_planned(colead_client, meeting["id"])
    page = client.get(path).text
    assert download in page and feed_links(page) == {"taskforce.ics"}


def every_feed(visitor, meeting_id: int) -> dict[str, object]:
    """Each feed and schedule that could show the meeting: its answer."""
    tokens = {c: office_feed_token(db.session.get(Office, c), "test-secret-key") for c in SEEN}
    urls = {
        "task force": "/feeds/taskforce.ics",
        **{f"office {c}": f"/feeds/offices/{c}.ics?token={t}" for c, t in tokens.items()},
        "meeting": f"/meetings/{meeting_id}.ics",
        "meeting's slots": f"/meetings/{meeting_id}.ics?scope=slots",
        "schedule": f"/meetings/{meeting_id}/schedule.json",
    }
    return {name: visitor.get(url) for name, url in urls.items()}


SEEN = ("AU", "PL")  # the offices presenting in SLOTS


def in_no_feed(visitor, meeting: Meeting) -> None:
    uids = {meeting.uid, *(s.uid for s in meeting.slots)}
    for name, response in every_feed(visitor, meeting.id).items():
        if name in ("meeting", "meeting's slots", "schedule"):
            assert response.status_code == 404, name
        else:
            assert response.status_code == 200, name
            assert not uids & set(events_by_uid(response.data)), name
            assert meeting.title not in response.text, name


def test_a_draft_is_in_no_feed(colead_client, visitor, survey):
    created = colead_client.post("/api/v1/meetings", json=MEETING).get_json()
    for slot in SLOTS:
        colead_client.post(f"/api/v1/meetings/{created['id']}/slots", json=slot)
    draft = db.session.get(Meeting, created["id"])
    in_no_feed(visitor, draft)

    # Published, it is everywhere: the test above can see a meeting where it is.
    assert publish_as_planned(colead_client, draft.id).status_code == 200
    answers = every_feed(visitor, draft.id)
    assert all(r.status_code == 200 for r in answers.values())
    assert draft.uid in events_by_uid(answers["task force"].data)
    for code in SEEN:
        talk = next(s for s in draft.slots if s.office_code == code)
        assert set(events_by_uid(answers[f"office {code}"].data)) == {talk.uid}


def test_a_stored_draft_with_a_publication_date_is_in_no_feed(colead_client, visitor, survey):
    """An old row (or one written by hand) that says draft is a draft, whatever else it says."""
    created = colead_client.post("/api/v1/meetings", json=MEETING).get_json()
    for slot in SLOTS:
        colead_client.post(f"/api/v1/meetings/{created['id']}/slots", json=slot)
    db.session.execute(
        update(Meeting)
        .where(Meeting.id == created["id"])
        .values(status="draft", published_at=datetime(2026, 1, 1, tzinfo=UTC))
    )
    db.session.commit()
    in_no_feed(visitor, db.session.get(Meeting, created["id"]))


def test_an_office_feed_address_holding_no_code_leads_to_no_office(client, colead_client, survey):
    """helper-260: the office feed and the co-leads' revoke and email pages read the code in
    their address with str.upper, so a Turkish dotless "ıe" opened Ireland's feed (with its
    token) and revoked or emailed its link. They read it as every other address does: "ie"
    and a code pasted with a zero-width space are IE, "ıe" is no office."""
    ireland = db.session.get(Office, "IE")
    token = office_feed_token(ireland, "test-secret-key")
    version = ireland.feed_version
    assert client.get(f"/feeds/offices/%20ie%E2%80%8B.ics?token={token}").status_code == 200
    assert client.get(f"/feeds/offices/%C4%B1e.ics?token={token}").status_code == 404
    form = hidden_fields(colead_client, "/offices/IE/feed/revoke")
    for path in ("/offices/%C4%B1e/feed/revoke", "/offices/%C4%B1e/feed/email"):
        assert colead_client.get(path).status_code == 404, path
        assert colead_client.post(path, data=form).status_code == 404, path
    db.session.expire_all()
    assert db.session.get(Office, "IE").feed_version == version
    assert colead_client.get("/offices/ie/feed/revoke").status_code == 200
