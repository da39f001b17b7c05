"""A Rec 10 workshop with a talk to invite a presenter to, shared by the presenter and mail tests:
the fixtures `slot` and `presenter` (re-exported by their folders' conftest.py) and `invite`."""

import html
import re
from datetime import UTC, datetime

import pytest
import time_machine

from planner.agenda.models import Slot
from planner.extensions import db
from planner.offices.models import OfficeContact
from tests.support import hidden_fields

MEETING = {
    "title": "Rec 10 workshop",
    "starts_at": "2027-03-09T13:00:00+01:00",
    "duration_minutes": 90,
    "time_zone": "Europe/Zurich",
    "video_url": "https://video.example/rec10",
}
TALK = {
    "title": "Risk-based governance of new technologies",
    "office": "AU",
    "recommendations": [10],
    "duration_minutes": 20,
    "abstract": "How IP Australia trials new technologies.",
}


# The day these tests run on, whatever the calendar says: the workshop on 9 March 2027 is then
# three months ahead (not ended, not yet frozen, too far for a reminder), as the tests expect.
TODAY = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def before_the_meeting():
    """Autouse where it is imported (the presenter and mail tests): it must come before any
    sign-in, whose session is stamped with the time."""
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def slot(api, survey):
    meeting = api.post("/api/v1/meetings", json=MEETING).get_json()
    api.post(
        f"/api/v1/meetings/{meeting['id']}/slots",
        json={"title": "Opening", "kind": "discussion", "duration_minutes": 10},
    )
    made = api.post(f"/api/v1/meetings/{meeting['id']}/slots", json=TALK).get_json()
    other = {**TALK, "title": "Blockchain for priority documents", "office": "JP"}
    assert api.post(f"/api/v1/meetings/{meeting['id']}/slots", json=other).status_code == 201
    return db.session.get(Slot, made["id"])


def invite(api, slot, **fields) -> str:
    """The co-lead invites through the page; the private link shown once."""
    url = f"/slots/{slot.id}/invite"
    data = {
        "name": "Alex Example",
        "email": "alex@ipaustralia.example",
        "time_zone": "Australia/Sydney",
        **fields,
    }
    answer = api.post(url, data={**hidden_fields(api, url), **data})
    # Post, then redirect: reloading the page that shows the link does not invite again.
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert answer.headers["Location"] == f"/slots/{slot.id}/invited"
    answer = api.get(answer.headers["Location"])
    assert answer.status_code == 200
    link = re.search(r'value="(http://localhost/presenter/[^"]+)"', answer.get_data(as_text=True))
    assert link, "no private link shown"
    return link[1].removeprefix("http://localhost")


def reads(language: str) -> None:
    """The presenter `invite` invites (alex@ipaustralia.example) is an AU contact who reads
    `language`: their invitation, emails and private page are in it."""
    db.session.add(
        OfficeContact(
            office_code="AU",
            name="Alex Example",
            email="alex@ipaustralia.example",
            language=language,
            source="t",
        )
    )
    db.session.commit()


@pytest.fixture
def presenter(app):
    """The presenter's browser, which keeps no cookies."""
    return app.test_client(use_cookies=False)


def shown_time(page: str) -> str:
    """The slot's time a presenter's page showed, as its answer form sends it back."""
    found = re.search(r'name="shown_time" type="hidden" value="([^"]*)"', page)
    assert found, "no time on the presenter's page"
    return html.unescape(found[1])


def confirm(presenter, link: str, **fields):
    """The presenter confirms from their page, as the page's form does: with the time it
    showed (or `shown_time`, the time a page opened earlier showed)."""
    if "shown_time" not in fields:
        fields["shown_time"] = shown_time(presenter.get(link).get_data(as_text=True))
    data = {"answer": "confirmed", **fields}
    return presenter.post(link + "/answer", data=data)
