"""Public read-only JSON as WIPO's web team reads it from wipo.int (helper-277): a page there
fetches it from the browser (CORS, with no cookie nor token), and a nightly job asks again with
If-None-Match and is answered 304 when nothing changed. Nothing private is readable from
another site: answers to a token, the co-leads' API and writes carry no CORS headers."""

import gzip
from datetime import timedelta

import pytest
import time_machine
from werkzeug.routing import MapAdapter

from planner.extensions import db
from planner.materials.operations import add_link
from tests.calendar.support import clock as clock
from tests.calendar.support import the_day_before_the_workshop as the_day_before_the_workshop
from tests.calendar.test_feeds import MEETING
from tests.calendar.test_schedule_json import published_meeting
from tests.conftest import signed_in
from tests.materials.files import PDF, PPTX
from tests.materials.test_materials import (
    FUTURE,
    TALK,
    _meeting,
    _presenter,
    colead_upload,
    presenter_upload,
)
from tests.support import publish_as_planned

WIPO = {"Origin": "https://www.wipo.int"}
PUBLIC = [
    "/api/v1/surveys",
    "/api/v1/surveys/CWS-13-26/summary",
    "/api/v1/surveys/CWS-13-26/answers?office=ES",
    "/api/v1/matches?recommendation=10",
    "/api/v1/offices",
    "/api/v1/offices/AU",
]


def readable_from_anywhere(response) -> bool:
    return (
        response.headers.get("Access-Control-Allow-Origin") == "*"
        and "Access-Control-Allow-Credentials" not in response.headers
        and "ETag" in response.headers["Access-Control-Expose-Headers"]
    )


@pytest.mark.parametrize("url", PUBLIC)
def test_a_public_read_is_readable_from_another_site(client, survey, url):
    response = client.get(url, headers=WIPO)
    assert response.status_code == 200
    assert readable_from_anywhere(response)


def test_a_public_refusal_is_readable_from_another_site_too(client, survey):
    """The page elsewhere reads why: the error's JSON, not a network error."""
    response = client.get("/api/v1/matches?page=999", headers=WIPO)
    assert response.status_code == 404 and response.get_json()["status"] == 404
    assert readable_from_anywhere(response)


@pytest.mark.parametrize("url", PUBLIC)
def test_the_preflight_lets_revalidation_through_and_never_a_token(client, survey, url):
    preflight = client.options(
        url,
        headers={
            **WIPO,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 204 and preflight.get_data() == b""
    assert "Content-Type" not in preflight.headers  # no empty page said to be HTML
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD"
    allowed = preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "if-none-match" in allowed and "authorization" not in allowed
    assert "Access-Control-Allow-Credentials" not in preflight.headers


def test_nothing_private_nor_a_write_is_readable_from_another_site(colead_client, client, survey):
    with_token = colead_client.get("/api/v1/matches?recommendation=10", headers=WIPO)
    meetings = colead_client.get("/api/v1/meetings", headers=WIPO)
    proposal = client.post("/api/v1/proposals", json={"office": "IL"}, headers=WIPO)
    assert with_token.status_code == meetings.status_code == 200
    for response in (with_token, meetings, proposal):
        assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize("url", PUBLIC)
def test_a_co_lead_s_cookie_changes_nothing_of_a_public_api_answer(
    app, client, colead, survey, url
):
    """The API opens no session (helper-279): a co-lead reading it in the browser they are
    signed in with is answered as anyone is, the same body and the same caching, nothing in it
    being theirs (helper-282 found "private, no-store, no-cache, public" while the session was
    read there)."""
    browser = app.test_client()
    signed_in(browser, colead)
    theirs, anyones = browser.get(url), client.get(url)
    assert theirs.status_code == anyones.status_code == 200
    assert theirs.data == anyones.data
    assert theirs.headers["Cache-Control"] == anyones.headers["Cache-Control"]
    assert theirs.cache_control.public and not theirs.cache_control.private
    assert "Cookie" not in theirs.vary and "Set-Cookie" not in theirs.headers


def test_a_meetings_schedule_is_readable_from_another_site(colead_client, client, survey):
    meeting_id, _ = published_meeting(colead_client)
    response = client.get(f"/meetings/{meeting_id}/schedule.json", headers=WIPO)
    assert response.status_code == 200
    assert readable_from_anywhere(response)
    # Its "public" answer to a script sending a token has no CORS header: a shared cache that
    # kept that one must not give it to a page elsewhere, whose fetch() would then fail.
    assert "Authorization" in response.vary


@pytest.mark.parametrize("url", PUBLIC)
def test_a_public_read_asked_again_unchanged_is_a_304(client, survey, url):
    first = client.get(url)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and "no-cache" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag


def test_the_tag_names_the_content_compressed_or_not(client, survey):
    """The 167 kB of matches still go out as 14 kB: a weak tag is the JSON's, packed or not."""
    url = "/api/v1/matches?recommendation=10"
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert packed.headers["ETag"] == plain.headers["ETag"]
    revalidated = client.get(
        url, headers={"Accept-Encoding": "gzip", "If-None-Match": plain.headers["ETag"]}
    )
    assert revalidated.status_code == 304
    assert "Accept-Encoding" in revalidated.headers["Vary"]


def test_another_page_has_another_tag(client, survey):
    first = client.get("/api/v1/matches?recommendation=10&per_page=1")
    second = client.get("/api/v1/matches?recommendation=10&per_page=1&page=2")
    assert first.headers["ETag"] != second.headers["ETag"]
    assert (
        client.get(
            "/api/v1/matches?recommendation=10&per_page=1&page=2",
            headers={"If-None-Match": first.headers["ETag"]},
        ).status_code
        == 200
    )


def test_the_api_reads_no_cookie_and_its_answers_do_not_vary_with_one(app, client, colead, survey):
    """A co-lead's session cookie, which a browser sends with another site's requests too, grants
    nothing on the API (only a token does) and is not read there: the API's answers neither vary
    with it (a cache in front kept one copy per visitor's cookie) nor set one."""
    browser = app.test_client()
    signed_in(browser, colead)
    assert browser.get("/proposals").status_code == 200  # the pages take the cookie
    for who in (browser, client):
        public = who.get("/api/v1/surveys", headers=WIPO)
        assert public.status_code == 200 and readable_from_anywhere(public)
        assert "Cookie" not in public.headers.get("Vary", "")
        assert "Set-Cookie" not in public.headers
        # Anyone's answer, as public as to anyone: it was "private, no-store, no-cache, public".
        assert public.headers["Cache-Control"] == "no-cache, public"
    refused = [
        browser.get("/api/v1/proposals"),
        browser.post("/api/v1/meetings", json={"title": "Sent from another site"}),
    ]
    for response in refused:
        assert response.status_code == 401
        assert "Cookie" not in response.headers.get("Vary", "")
        assert "Set-Cookie" not in response.headers


def test_options_is_no_content_on_the_pages_too(client, survey):
    answer = client.options("/meetings")
    assert answer.status_code == 204 and answer.get_data() == b""
    assert "Content-Type" not in answer.headers and "GET" in answer.headers["Allow"]


PUBLIC_MEETING = {
    "id",
    "uid",
    "title",
    "kind",
    "starts_at",
    "ends_at",
    "duration_minutes",
    "time_zone",
    "description",
    "status",
    "series",
    "recommendation",
    "video_url",
    "url",
    "schedule",
    "offices",
    "archive",
    "materials",
    "slots",
}
PUBLIC_SLOT = {
    "id",
    "uid",
    "title",
    "kind",
    "starts_at",
    "ends_at",
    "duration_minutes",
    "office",
    "recommendations",
    "agenda_status",
    "abstract",
    "materials",
}


def _published(client, title: str, starts_at: str = MEETING["starts_at"]) -> int:
    made = client.post("/api/v1/meetings", json={**MEETING, "title": title, "starts_at": starts_at})
    meeting_id = made.get_json()["id"]
    client.post(
        f"/api/v1/meetings/{meeting_id}/slots", json={"title": "Talk", "duration_minutes": 20}
    )
    assert publish_as_planned(client, meeting_id).status_code == 200
    return meeting_id


def test_the_published_meetings_are_listed_to_anyone(colead_client, client, survey):
    """A page on wipo.int lists the Task Force's meetings from the API, as /meetings lists them
    to anyone: published and cancelled, never a draft, with what their pages show anyone."""
    published, _ = published_meeting(colead_client)
    called_off = _published(colead_client, "Called off", "2031-01-08T12:00:00+01:00")
    assert colead_client.delete(f"/api/v1/meetings/{called_off}").get_json()["result"] == (
        "cancelled"
    )
    draft = colead_client.post("/api/v1/meetings", json={**MEETING, "title": "Draft hush"})
    response = client.get("/api/v1/meetings", headers=WIPO)
    assert response.status_code == 200 and readable_from_anywhere(response)
    body = response.get_json()
    listed = {m["id"]: m for m in body["meetings"]}
    assert set(listed) == {published, called_off} and body["count"] == 2
    assert "Draft hush" not in response.get_data(as_text=True)
    shown = listed[published]
    assert set(shown) == PUBLIC_MEETING
    assert shown["url"] == f"http://localhost/meetings/{published}"
    assert shown["schedule"] == f"http://localhost/meetings/{published}/schedule.json"
    assert shown["video_url"] == MEETING["video_url"]
    assert all(set(slot) == PUBLIC_SLOT for slot in shown["slots"])
    statuses = {slot["title"]: slot["agenda_status"] for slot in shown["slots"]}
    assert statuses["Opening"] is None and statuses["Dropped"] == "cancelled"
    assert statuses["Risk-based governance of new technologies"] == "confirmed"
    # Cancelled, as its page says it: no video link to join.
    assert listed[called_off]["status"] == "cancelled"
    assert listed[called_off]["video_url"] is None
    # A co-lead's token still reads every meeting, drafts too, with what co-leads read.
    full = colead_client.get("/api/v1/meetings").get_json()["meetings"]
    assert {m["id"] for m in full} == {published, called_off, draft.get_json()["id"]}
    assert all("version" in m and "availability" in m["slots"][0] for m in full if m["slots"])


def test_the_public_list_of_meetings_comes_a_page_at_a_time_and_revalidates(
    colead_client, client, survey
):
    for title in ("First", "Second"):
        _published(colead_client, title)
    first = client.get("/api/v1/meetings?per_page=1", headers=WIPO)
    assert first.get_json()["next"] == "/api/v1/meetings?per_page=1&page=2"
    assert first.get_json()["pages"] == 2
    again = client.get(
        "/api/v1/meetings?per_page=1", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    past = client.get("/api/v1/meetings?per_page=1&page=3", headers=WIPO)
    assert past.status_code == 404 and past.get_json()["status"] == 404
    assert readable_from_anywhere(past)
    preflight = client.options(
        "/api/v1/meetings",
        headers={**WIPO, "Access-Control-Request-Method": "GET"},
    )
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD"


def test_a_published_meeting_is_read_by_anyone_as_the_list_gives_it(colead_client, client, survey):
    """The list names each meeting's id: a page on wipo.int reads one again by it (a draft is
    not found, as its page), from another site, revalidating; a token reads it as before."""
    published, _ = published_meeting(colead_client)
    draft = colead_client.post("/api/v1/meetings", json={**MEETING, "title": "Draft hush"})
    draft_id = draft.get_json()["id"]
    listed = client.get("/api/v1/meetings").get_json()["meetings"]
    one = client.get(f"/api/v1/meetings/{published}", headers=WIPO)
    assert one.status_code == 200 and readable_from_anywhere(one)
    assert one.get_json() == listed[0]
    again = client.get(
        f"/api/v1/meetings/{published}", headers={"If-None-Match": one.headers["ETag"]}
    )
    assert again.status_code == 304
    hidden = client.get(f"/api/v1/meetings/{draft_id}", headers=WIPO)
    assert hidden.status_code == 404 and readable_from_anywhere(hidden)
    assert "Draft hush" not in hidden.get_data(as_text=True)
    full = colead_client.get(f"/api/v1/meetings/{draft_id}")
    assert full.status_code == 200 and "version" in full.get_json()
    assert "Access-Control-Allow-Origin" not in full.headers
    assert full.headers["ETag"] == f'"{full.get_json()["version"]}"'


def _in_public_answers(client, meeting_id: int) -> dict:
    """The meeting as the list gives it to anyone; asked for alone, the same."""
    listed = client.get("/api/v1/meetings", headers=WIPO).get_json()["meetings"]
    shown = next(m for m in listed if m["id"] == meeting_id)
    assert client.get(f"/api/v1/meetings/{meeting_id}", headers=WIPO).get_json() == shown
    return shown


def _materials(meeting: dict) -> dict:
    """Every material of a meeting's answer by where it is: "meeting" or the slot's title."""
    found = {"meeting": meeting["materials"]}
    found.update({slot["title"]: slot["materials"] for slot in meeting["slots"]})
    return {where: shown for where, shown in found.items() if shown}


def test_the_meetings_api_gives_the_materials_its_page_shows_anyone(app, colead_client, client):
    """helper-289: WIPO's web team builds the meeting pages on wipo.int from the public API,
    which gave none of the slides and links the meeting's page shows anyone. They come as the
    page decides (`public_by_slot`): a meeting's whole own, each slot's, with an address that
    downloads a file without a session; to a co-lead's token the same. Nothing private: not
    a material that is not public yet, nor the presenter's private link, nor who added it."""
    talks = (TALK, {**TALK, "title": "Later talk", "office": "JP"})
    meeting = _meeting(colead_client, {**FUTURE, "materials_public": "now"}, talks=talks)
    given = meeting.slots[0]
    assert colead_upload(colead_client, given, "slides.pdf", PDF).status_code == 302
    demo = {"url": "https://example.org/demo", "kind": "other"}
    assert colead_upload(colead_client, given, **demo).status_code == 302
    presenter = app.test_client(use_cookies=False)
    token = _presenter(given, "Ana Quispe")
    assert presenter_upload(presenter, token, "ana talk.pptx", PPTX).status_code == 302
    add_link(meeting, "https://example.org/recording", "recording", "co-lead lead@example.org")
    later = _meeting(colead_client, {**FUTURE, "title": "Later workshop"})
    assert colead_upload(colead_client, later.slots[0], "later.pdf", PDF).status_code == 302
    db.session.commit()

    shown = _in_public_answers(client, meeting.id)
    answer = client.get("/api/v1/meetings").get_data(as_text=True)
    materials = _materials(shown)
    assert set(materials) == {"meeting", "AI search"}
    (recording,) = materials["meeting"]
    assert {k: v for k, v in recording.items() if k != "id"} == {
        "kind": "recording",
        "name": "https://example.org/recording",
        "url": "https://example.org/recording",
        "file_type": None,
        "size": None,
    }
    slides, link, theirs = materials["AI search"]
    assert (slides["name"], slides["kind"], slides["file_type"]) == ("slides.pdf", "slides", "pdf")
    assert slides["size"] == len(PDF)
    assert slides["url"] == f"http://localhost/materials/{slides['id']}/slides.pdf"
    assert (link["kind"], link["url"], link["size"]) == ("other", demo["url"], None)
    assert theirs["name"] == "ana talk.pptx" and theirs["file_type"] == "pptx"
    # Each downloads without a session, as the page's links do.
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    for file, data in ((slides, PDF), (theirs, PPTX)):
        address = file["url"].removeprefix("http://localhost")
        assert address.replace(" ", "%20") in page
        assert presenter.get(address).data == data
    # Nothing private: not yet public, the presenter's link and name, who added what.
    for private in ("later.pdf", token, "/presenter/", "Ana Quispe", "lead@example.org"):
        assert private not in answer
    assert _in_public_answers(client, later.id)["slots"][0]["materials"] == []
    # A co-lead's token reads them as anyone does, in the same shape.
    full = colead_client.get(f"/api/v1/meetings/{meeting.id}").get_json()
    assert _materials(full) == materials
    listed = colead_client.get("/api/v1/meetings").get_json()["meetings"]
    assert _materials(next(m for m in listed if m["id"] == later.id)) == {}

    # Once the later workshop is over its slides are public ("after", the default), and its
    # archive opens: as on its page, at the same addresses.
    with time_machine.travel(later.ends_at + timedelta(hours=1), tick=False):
        ended = _in_public_answers(client, later.id)
        page = client.get(f"/meetings/{later.id}").get_data(as_text=True)
    (after,) = ended["slots"][0]["materials"]
    assert after["name"] == "later.pdf" and after["url"].removeprefix("http://localhost") in page
    assert ended["archive"] == f"http://localhost/meetings/{later.id}/archive"
    assert shown["archive"] is None


def test_a_meetings_schedule_does_not_vary_with_the_cookie(app, colead_client, client, colead):
    """helper-289: schedule.json, the same to anyone, answered `Vary: Cookie` as a page does (it
    opened the session): a cache at WIPO's proxy kept one copy per visitor. Read by a co-lead
    signed in, it is the same answer, body and headers, a draft's 404 too (which said
    "private, no-store" to them alone); it varies with a token only, which takes off CORS."""
    meeting_id, _ = published_meeting(colead_client)
    draft = colead_client.post("/api/v1/meetings", json={**MEETING, "title": "Draft"})
    browser = app.test_client()
    signed_in(browser, colead)
    assert browser.get("/proposals").status_code == 200  # the pages take the cookie
    draft_id = draft.get_json()["id"]
    for url in (f"/meetings/{meeting_id}/schedule.json", f"/meetings/{draft_id}/schedule.json"):
        theirs, anyones = browser.get(url, headers=WIPO), client.get(url, headers=WIPO)
        assert theirs.status_code == anyones.status_code
        assert theirs.data == anyones.data
        for response in (theirs, anyones):
            assert response.vary.as_set() == {"authorization"}, url
            assert "Set-Cookie" not in response.headers
            assert response.headers.get("Cache-Control") == anyones.headers.get("Cache-Control")
        again = client.get(url, headers={"If-None-Match": anyones.headers.get("ETag", "")})
        assert again.status_code == (304 if anyones.status_code == 200 else 404)


def test_each_request_matches_its_address_once(app, colead_client, client, monkeypatch):
    """helper-292: the session is opened before Flask matches the address, and whether to open
    it (schedule.json opens none) matched the address itself, then Flask again: every request,
    a page too, matched it twice. It is matched once, and what the error answers and the CORS
    headers ask of it is read from that one match (`routing.read_endpoint`)."""
    meeting_id, _ = published_meeting(colead_client)
    matched = []
    match = MapAdapter.match

    def counted(adapter, *args, **kwargs):
        matched.append(args or kwargs)
        return match(adapter, *args, **kwargs)

    monkeypatch.setattr(MapAdapter, "match", counted)
    for url in ("/recommendations", f"/meetings/{meeting_id}/schedule.json", "/api/v1/surveys"):
        matched.clear()
        assert client.get(url, headers=WIPO).status_code == 200
        assert len(matched) == 1, url
    matched.clear()
    refused = client.post(f"/meetings/{meeting_id}/schedule.json", headers=WIPO)
    assert refused.status_code == 405 and refused.is_json  # and the GET it reaches, once
    assert len(matched) == 2
