"""Fixtures shared by the calendar tests: the day they run on, a published meeting, and someone
with no account."""

import pytest

from planner.agenda.models import Meeting
from planner.extensions import db
from tests.calendar.support import clock as clock
from tests.calendar.support import the_day_before_the_workshop as the_day_before_the_workshop
from tests.calendar.test_feeds import MEETING, SLOTS
from tests.support import publish_as_planned


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
