"""The day the calendar tests run on, and the tests elsewhere whose meetings are theirs (MEETING,
on 8 December 2026): the fixtures `the_day_before_the_workshop` (autouse where imported) and
`clock`, re-exported by the folder's conftest.py."""

from datetime import UTC, datetime

import pytest
import time_machine

from planner.calendar.operations import FORMAT_CHANGED, SCHEDULE_FORMAT_CHANGED

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
