"""Slot times: they follow one another, pinned ones keep their time, problems are flagged."""

from datetime import UTC, datetime

from planner.agenda.schedule import SlotPlan, lay_out

START = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)


def test_slots_follow_one_another():
    times = lay_out(START, 60, [SlotPlan(10), SlotPlan(20), SlotPlan(20)])
    assert [(t.offset_minutes, t.end_minutes) for t in times] == [(0, 10), (10, 30), (30, 50)]
    assert times[1].starts_at == datetime(2026, 3, 10, 11, 10, tzinfo=UTC)
    assert not any(t.overruns or t.overlaps for t in times)


def test_a_pinned_slot_leaves_a_gap_and_the_next_follows_it():
    times = lay_out(START, 120, [SlotPlan(10), SlotPlan(20, offset_minutes=45), SlotPlan(5)])
    assert [(t.offset_minutes, t.end_minutes) for t in times] == [(0, 10), (45, 65), (65, 70)]
    assert [t.gap_before for t in times] == [0, 35, 0]  # said on the editor (helper-66)


def test_overruns_and_overlaps_are_flagged():
    times = lay_out(START, 25, [SlotPlan(20), SlotPlan(20, offset_minutes=10)])
    assert times[1].overlaps and times[1].overruns


def test_without_a_date_offsets_still_flow():
    times = lay_out(None, 60, [SlotPlan(15), SlotPlan(15)])
    assert [t.offset_minutes for t in times] == [0, 15]
    assert times[0].starts_at is None
