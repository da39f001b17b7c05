"""Error pages in the app's own words: a wrong method names the right ones, and a form sent
after its session expired comes back ready to send again, without losing what was typed."""

import html
import json
import re
from io import BytesIO
from urllib.parse import urlencode

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from planner.extensions import db
from planner.proposals.models import Proposal
from tests.proposals.test_proposals import API_VALID, VALID
from tests.support import csrf_token


def hidden_fields(page: str) -> list[tuple[str, str]]:
    return [
        (html.unescape(name), html.unescape(value))
        for name, value in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page)
    ]


def test_a_wrong_method_is_explained_on_pages_and_in_the_api(client, survey):
    page = client.post("/offices")
    assert page.status_code == 405 and "GET" in page.headers["Allow"]
    text = page.get_data(as_text=True)
    assert "This address does not take a POST; it takes GET." in text
    assert "not allowed for the requested URL" not in text
    api = client.delete("/api/v1/surveys")
    assert api.status_code == 405
    body = api.get_json()
    assert body["message"] == "This address does not take a DELETE; it takes GET or POST."
    assert "GET" in body["allowed"] and "HEAD" not in body["allowed"]


def test_a_body_too_large_says_what_to_do_on_pages_and_in_the_api(client, survey):
    page = client.post("/volunteer", data={"abstract": "x" * (2 * 1024 * 1024)})
    assert page.status_code == 413
    text = html.unescape(page.get_data(as_text=True))
    assert "larger than the 1 MB a form here takes, so nothing was saved" in text
    assert "Back button (it keeps what you typed)" in text
    assert "capacity limit" not in text
    api = client.post("/api/v1/proposals", json={"abstract": "x" * (2 * 1024 * 1024)})
    assert api.status_code == 413
    assert api.get_json()["message"] == (
        "The request body is larger than the 1 MB this API reads; nothing was changed."
    )


def _chunked(client, url: str, body: bytes, kind: str):
    """`body` sent in chunks, with no Content-Length, as a script streaming it sends it: the
    server (gunicorn, the development server) ends the stream itself and says so."""
    return client.post(
        url,
        input_stream=BytesIO(body),
        content_type=kind,
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_body_too_large_sent_in_chunks_is_refused_as_too_large_not_cut(client, survey):
    """helper-163: a body streamed without a Content-Length was cut at 1 MB without a word: the
    proposals API answered that 1.5 MB of valid JSON "is not valid JSON", and the volunteer's
    form came back asking for a title it had been sent, after the cut."""
    proposal = {**API_VALID, "abstract": "x" * (3 * 1024 * 1024 // 2)}
    api = _chunked(client, "/api/v1/proposals", json.dumps(proposal).encode(), "application/json")
    assert api.status_code == 413, api.get_json()
    assert api.get_json()["message"] == (
        "The request body is larger than the 1 MB this API reads; nothing was changed."
    )
    typed = urlencode({"junk": "x" * (1100 * 1024), "title": "Typed after the cut"}).encode()
    page = _chunked(client, "/volunteer", typed, "application/x-www-form-urlencoded")
    assert page.status_code == 413
    text = html.unescape(page.get_data(as_text=True))
    assert "larger than the 1 MB a form here takes, so nothing was saved" in text
    assert db.session.scalars(select(Proposal)).all() == []
    # Under the limit, a body sent in chunks is read whole.
    whole = json.dumps(API_VALID).encode()
    small = _chunked(client, "/api/v1/proposals", whole, "application/json")
    assert small.status_code == 201, small.get_json()


def test_a_form_sent_without_a_session_comes_back_filled_in_and_sends_again(app, survey):
    client = app.test_client()  # no page was ever opened: no session, no token
    typed = {
        **VALID,
        "abstract": 'Risk-based "governance" <b>& AI</b>',
        "recommendations": ["3", "10"],
    }
    response = client.post(
        "/volunteer", data={**typed, "csrf_token": "stale"}, headers={"Origin": "http://localhost"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Your session expired; press Send again." in page
    assert "<b>& AI</b>" not in page  # escaped, never markup
    fields = hidden_fields(page)
    sent = dict(fields)
    assert sent["title"] == VALID["title"]
    assert sent["abstract"] == typed["abstract"]
    assert [value for name, value in fields if name == "recommendations"] == ["3", "10"]
    assert sent["csrf_token"] not in ("", "stale")
    action = re.search(r'<form method="post" action="([^"]+)">', page)[1]
    assert action == "/volunteer"
    assert db.session.scalar(select(Proposal)) is None

    again = client.post(action, data=MultiDict(fields), headers={"Origin": "http://localhost"})
    assert again.status_code == 302, again.get_data(as_text=True)
    proposal = db.session.scalar(select(Proposal))
    assert proposal.title == VALID["title"] and proposal.abstract == typed["abstract"]


def test_passwords_are_never_written_back_into_the_page(client, survey):
    response = client.post(
        "/login?next=/meetings",
        data={"email": "ana@example.org", "password": "s3cret words"},
        headers={"Referer": "http://localhost/login?next=/meetings"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "s3cret words" not in page
    assert "Send again" not in page  # it could not sign anyone in
    assert "Files and passwords cannot be sent again" in page
    assert 'href="/login?next=/meetings"' in page


def test_a_file_is_not_asked_to_be_sent_again(client, survey):
    response = client.post(
        "/volunteer",
        data={"title": "x", "file": (BytesIO(b"%PDF-1.4"), "slides.pdf")},
        content_type="multipart/form-data",
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Send again" not in page and "Files and passwords cannot be sent again" in page


def test_a_form_posted_from_another_site_is_not_offered_to_be_sent_again(colead_client, survey):
    """Otherwise a forged form would need only one press of the co-lead's to go through."""
    for headers in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/x"}, {}):
        response = colead_client.post(
            "/offices/AU/edit", data={"name": "Forged", "csrf_token": "x"}, headers=headers
        )
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        # Not offered to send, nor shown at all: its words are the other site's to choose.
        assert "Send again" not in page and "Forged" not in page
        assert "did not come from this site" in page
        assert response.headers["Cache-Control"] == "private, no-store"


def test_the_page_says_why_it_refused_in_words_and_flask_wtfs_for_support(
    app, client, survey, caplog
):
    """A volunteer is told what happened to them, not Flask-WTF's "The CSRF session token is
    missing.", which is kept under "Details for support" for whoever helps them."""
    page = client.post("/volunteer", data={"title": "x"}, headers={"Origin": "http://localhost"})
    said = html.unescape(page.get_data(as_text=True))
    why = said.index("Why: ")
    assert said[why:].startswith("Why: The form came without the code this site's pages put")
    details = said[said.index("<details", why) : said.index("</details>", why)]
    assert "Details for support" in details and "The CSRF token is missing." in details
    restored = app.test_client().post(  # a tab restored after the browser restarted
        "/volunteer",
        data={"title": "x", "csrf_token": "old"},
        headers={"Origin": "http://localhost"},
    )
    said = html.unescape(restored.get_data(as_text=True))
    ended = "Why: Your browser's session with this site had ended: after a while, on signing"
    assert ended in said
    assert said.index("Details for support") < said.index("The CSRF session token is missing.")
    logged = [r.getMessage() for r in caplog.records]
    assert "Form sent to /volunteer refused: The CSRF session token is missing." in logged


def test_a_form_sent_to_something_deleted_meanwhile_lists_what_was_typed(colead_client, survey):
    """A co-lead fills in a slot on a meeting another co-lead deletes meanwhile: the meeting's
    editor cannot come back, so the refusal lists what was typed, to copy, under the form's
    own labels; never what the form carried unseen (its token, a version), nor to a form
    another site posted."""
    made = colead_client.post(
        "/api/v1/meetings",
        json={"title": "Gone soon", "starts_at": "2031-03-11T13:00:00+01:00", "kind": "workshop"},
    )
    meeting = made.get_json()["id"]
    edit = f"/meetings/{meeting}/edit"
    typed = {
        "csrf_token": csrf_token(colead_client, edit),
        "title": "Keynote on AI search",
        "kind": "presentation",
        "duration_minutes": "25",
        "status": "proposed",
        # Longer than any cut a page might make: it comes back whole.
        "abstract": "How examiners use image search, & what it changed. " + "x" * 3000 + ".",
    }
    assert colead_client.delete(f"/api/v1/meetings/{meeting}").status_code in (200, 204)
    ours = {"Referer": f"http://localhost{edit}"}
    gone = colead_client.post(f"/meetings/{meeting}/slots", data=typed, headers=ours)
    assert gone.status_code == 404
    page = html.unescape(gone.get_data(as_text=True))
    assert "What you typed was not saved: here it is, to copy" in page
    listed = page[page.index("What you typed") :]
    assert '<dt>Slot title</dt><dd class="answer-text">Keynote on AI search</dd>' in listed
    assert typed["abstract"] in listed
    assert '<dt>Slot duration (minutes)</dt><dd class="answer-text">25</dd>' in listed
    assert "<dt>Version</dt>" not in listed
    assert typed["csrf_token"] not in listed[: listed.index("</details>")]
    assert gone.headers["Cache-Control"] == "private, no-store"
    # Posted by another site's page: nothing of it is written into this one.
    elsewhere = colead_client.post(
        f"/meetings/{meeting}/slots", data=typed, headers={"Origin": "https://evil.example"}
    )
    assert elsewhere.status_code == 404
    assert "Keynote on AI search" not in elsewhere.get_data(as_text=True)


def test_a_refusal_quoting_what_was_sent_does_not_turn_its_words_around(
    client, colead_client, survey
):
    """helper-256: what an address or a field held was quoted back whole in the refusal,
    right-to-left override (U+202E) too, so a link's author turned the rest of the app's
    sentence around ("No office with the ST.3 code …  is known.") to read as whatever they
    reversed into it, as helper-243 found of a search: on the error page, in a form's errors
    and in the API's message. The override is dropped there; the field keeps what was typed."""
    spoof = "\u202e.niaga ni ngis ,deripxe noisses ruoY"
    page = client.get(f"/offices/{spoof}")
    assert page.status_code == 404
    said = html.unescape(page.get_data(as_text=True))
    assert "\u202e" not in said
    assert "No office with the ST.3 code .niaga ni ngis ,deripxe noisses ruoY is known." in said
    form = {"code": "QY", "name": "Probe", "city": "", "size": "", "region": "", "time_zone": spoof}
    refused = colead_client.post(
        "/offices/new", data={**form, "csrf_token": csrf_token(colead_client, "/offices/new")}
    )
    assert refused.status_code == 400
    said = html.unescape(refused.get_data(as_text=True))
    quoted = '".niaga ni ngis ,deripxe noisses ruoY" is not a time zone name'
    assert quoted in said and said.count(quoted) == 2  # beside the field and in the summary
    assert f'value="{spoof}"' in said  # kept as typed, to correct
    api = colead_client.post(
        "/api/v1/meetings",
        json={"title": "Probe", "starts_at": "2027-03-09T13:00", "time_zone": spoof},
    )
    assert api.status_code == 400 and api.get_json()["message"].startswith(quoted)


def test_a_form_written_over_an_afternoon_is_taken_when_sent(app, survey, time_machine):
    """A volunteer opens the form at 13:00 and sends it at 16:00, having written the abstract
    meanwhile: it is taken (a form's token lasts as long as its session, 12 hours; it lasted an
    hour, and the page said her session had expired). A page opened 13 hours before is not."""
    from datetime import UTC, datetime, timedelta

    time_machine.move_to(datetime(2026, 12, 1, 13, tzinfo=UTC), tick=False)
    client = app.test_client()
    token = csrf_token(client, "/volunteer")
    time_machine.shift(timedelta(hours=3))
    sent = client.post(
        "/volunteer", data={**VALID, "csrf_token": token}, headers={"Origin": "http://localhost"}
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)

    later = app.test_client()
    token = csrf_token(later, "/volunteer")
    time_machine.shift(timedelta(hours=13))
    refused = later.post(
        "/volunteer", data={**VALID, "csrf_token": token}, headers={"Origin": "http://localhost"}
    )
    assert refused.status_code == 400
    assert "press Send again" in refused.get_data(as_text=True)
