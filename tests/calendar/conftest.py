"""Fixtures shared by the calendar tests: the day they run on, a published meeting, and someone
with no account."""

from datetime import UTC, datetime

import pytest
import time_machine

from planner.agenda.models import Meeting
from planner.calendar.operations import FORMAT_CHANGED, SCHEDULE_FORMAT_CHANGED
from planner.extensions import db
from tests.calendar.test_feeds import MEETING, SLOTS
from tests.support import publish_as_planned

# The day these tests run on, whatever the calendar says: the workshop of 8 December 2026
# (MEETING) is the next day, and what the feeds say of their events last changed before
# (FORMAT_CHANGED), so a feed is dated by its events, as the tests expect.
TODAY = datetime(2026, 12, 7, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def the_day_before_the_workshop():
    """Before any sign-in, whose session is stamped with the time."""
    assert max(FORMAT_CHANGED, SCHEDULE_FORMAT_CHANGED) < TODAY, (
        "The feeds' format changed after the calendar tests' TODAY: move TODAY (and MEETING) on"
    )
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def clock(the_day_before_the_workshop, clock):
    """The clock that settles the feeds (`@pytest.mark.settle`) starts on TODAY: begun before
    it, its sleeps would move a clock TODAY hides."""
    return clock


@pytest.fixture
def published(colead_client, survey):
    """MEETING with its SLOTS (AU confirmed, PL proposed), published through the API."""
    api = colead_client
    meeting = api.post("/api/v1/meetings", json=MEETING).get_json()
    for slot in SLOTS:
        api.post(f"/api/v1/meetings/{meeting['id']}/slots", json=slot)
    assert publish_as_planned(api, meeting["id"]).status_code == 200
    return db.session.get(Meeting, meeting["id"])


@pytest.fixture
def visitor(app):
    return app.test_client()
