"""Fixtures shared by the calendar tests."""

from datetime import UTC, datetime, timedelta

import pytest


@pytest.fixture
def later(monkeypatch):
    """A clock an hour ahead, so that Last-Modified is never held back to "now" although the
    test makes its changes within one second."""
    import planner.calendar.views as views

    monkeypatch.setattr(views, "utcnow", lambda: datetime.now(UTC) + timedelta(hours=1))
