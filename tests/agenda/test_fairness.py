"""Unsocial hours, DST changes and the date line: Sydney, Asunción, Lima, in March and November."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from planner.agenda.fairness import (
    Weighed,
    by_clock_time,
    candidate_starts,
    office_times,
    outside_social_hours,
    penalty,
    rank,
    series_burden,
)
from planner.agenda.public_holidays import _of_year, holiday_on, holidays_between
from planner.timezones import LocalTimeError, to_utc

SYDNEY, ASUNCION, LIMA = "Australia/Sydney", "America/Asuncion", "America/Lima"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_office_hours_cost_nothing_and_nights_cost_most():
    assert penalty(utc(2026, 3, 11, 14), 90, LIMA) == 0  # Wed 09:00–10:30 in Lima
    assert penalty(utc(2026, 3, 11, 6), 60, LIMA) == 8  # 01:00–02:00 in Lima
    assert penalty(utc(2026, 3, 11, 12), 60, LIMA) == 1  # 07:00–08:00 in Lima


def test_a_last_part_of_a_quarter_hour_counts_for_its_minutes():
    """130 minutes were scored as 135: the last part of a quarter-hour counted whole (helper-184).
    At night in Lima every minute costs 8/60: 130 minutes from 01:00 cost 130 × 8/60."""
    assert penalty(utc(2026, 3, 11, 6), 130, LIMA) == pytest.approx(130 * 8 / 60)
    assert penalty(utc(2026, 3, 11, 6), 5, LIMA) == pytest.approx(5 * 8 / 60)
    (ranked,) = rank([utc(2026, 3, 11, 6)], 130, {"PE": LIMA})
    assert ranked.worst == pytest.approx(130 * 8 / 60, abs=1e-3) and ranked.total == ranked.worst


def test_a_local_weekend_costs_more():
    # Friday 22:00 UTC is Saturday 09:00 in Sydney (AEDT, UTC+11): office hours, but Saturday.
    assert penalty(utc(2026, 3, 13, 22), 60, SYDNEY) == 3


def test_the_date_line():
    # A Wednesday-evening UTC start is Thursday morning in Sydney.
    start = utc(2026, 3, 11, 20)
    local = start.astimezone(ZoneInfo(SYDNEY))
    assert (local.strftime("%A %H:%M"), local.utcoffset()) == (
        "Thursday 07:00",
        timedelta(hours=11),
    )
    assert outside_social_hours(local, local + timedelta(minutes=90)) is False
    early = utc(2026, 3, 11, 19).astimezone(ZoneInfo(SYDNEY))
    assert outside_social_hours(early, early + timedelta(minutes=90)) is True  # 06:00


def test_local_times_of_each_office():
    # Wednesday 20:00–21:30 UTC is 21:00–22:30 in Zurich, the home zone.
    start = utc(2026, 3, 11, 20)
    times = office_times(
        start,
        start + timedelta(minutes=90),
        "Europe/Zurich",
        {"AU": SYDNEY, "PE": LIMA, "ES": "Europe/Madrid", "XX": None},
    )
    assert list(times) == ["AU", "PE", "ES"]  # in the order given; no zone, no local time
    sydney = times["AU"]
    assert (sydney.start.strftime("%a %H:%M"), sydney.end.strftime("%a %H:%M")) == (
        "Thu 07:00",
        "Thu 08:30",
    )
    assert (sydney.unsocial, sydney.other_day) == (False, True)
    assert (times["PE"].start.strftime("%a %H:%M"), times["PE"].unsocial) == ("Wed 15:00", False)
    assert (times["ES"].unsocial, times["ES"].other_day) == (True, False)  # ends 22:30


@pytest.mark.parametrize(
    ("zone", "first", "last", "crosses_a_change"),
    [
        (ASUNCION, date(2024, 3, 20), date(2024, 3, 27), True),  # DST ends
        (ASUNCION, date(2024, 10, 3), date(2024, 10, 9), True),  # DST starts
        (SYDNEY, date(2024, 10, 3), date(2024, 10, 9), True),  # DST starts
        (SYDNEY, date(2026, 4, 1), date(2026, 4, 8), True),  # DST ends
        ("America/New_York", date(2026, 10, 28), date(2026, 11, 4), True),
        ("Europe/Madrid", date(2026, 3, 25), date(2026, 3, 31), True),
        (LIMA, date(2026, 11, 1), date(2026, 11, 14), False),
    ],
)
def test_ranking_follows_the_clock_changes(zone, first, last, crosses_a_change):
    zones = {"XX": zone, "LI": LIMA}
    starts = candidate_starts(first, last, "Europe/Zurich")
    # The case is what it says: the office's clock changes within the days ranked, or not.
    offsets = {s.astimezone(ZoneInfo(zone)).utcoffset() for s in starts}
    assert len(offsets) == (2 if crosses_a_change else 1)
    for candidate in rank(starts, 90, zones):
        for office, office_zone in zones.items():
            assert candidate.penalties[office] == pytest.approx(
                penalty(candidate.start, 90, office_zone)
            ), (candidate.start, office)


def test_a_meeting_across_the_change_is_scored_by_the_hour_it_really_is():
    # Sydney, Sunday 5 April 2026: 03:00 AEDT becomes 02:00 AEST. A three-hour meeting from
    # 01:00 AEDT ends at 03:00 AEST: its hours are 01–02, 02–03 and 02–03 again, all at night
    # (8 an hour) on a Sunday (3 more an hour).
    start = to_utc(datetime(2026, 4, 5, 1, 0), SYDNEY)
    end = (start + timedelta(hours=3)).astimezone(ZoneInfo(SYDNEY))
    assert end.strftime("%H:%M %Z") == "03:00 AEST"
    assert penalty(start, 180, SYDNEY) == (8 + 3) * 3


def test_times_the_clocks_skip_or_repeat_are_refused():
    with pytest.raises(LocalTimeError, match="does not exist in Australia/Sydney"):
        to_utc(datetime(2026, 10, 4, 2, 30), SYDNEY)
    with pytest.raises(LocalTimeError, match="does not exist in America/Asuncion"):
        to_utc(datetime(2024, 10, 6, 0, 30), ASUNCION)
    with pytest.raises(LocalTimeError, match="happens twice in Australia/Sydney"):
        to_utc(datetime(2026, 4, 5, 2, 30), SYDNEY)
    assert to_utc(datetime(2026, 11, 10, 9, 0), LIMA) == utc(2026, 11, 10, 14)


def test_candidates_are_every_half_hour_of_local_days():
    zurich_spring = candidate_starts(date(2026, 3, 29), date(2026, 3, 29), "Europe/Zurich")
    assert len(zurich_spring) == 46  # a 23-hour day
    zurich_autumn = candidate_starts(date(2026, 10, 25), date(2026, 10, 25), "Europe/Zurich")
    assert len(zurich_autumn) == 50  # a 25-hour day
    assert candidate_starts(date(2026, 3, 1), date(2026, 3, 14), "Europe/Zurich")[0] == utc(
        2026, 2, 28, 23
    )


def test_the_worst_office_first_then_the_total():
    zones = {"AU": SYDNEY, "PE": LIMA, "ES": "Europe/Madrid"}
    ranked = rank(candidate_starts(date(2026, 3, 9), date(2026, 3, 13), "Europe/Zurich"), 60, zones)
    keys = [(c.worst, c.total) for c in ranked]
    assert keys == sorted(keys)
    best = ranked[0]
    assert best.worst == max(best.penalties.values())
    assert best.total == pytest.approx(sum(best.penalties.values()))


def test_a_series_rotates_the_burden():
    zones = {"AU": SYDNEY, "PE": LIMA, "ES": "Europe/Madrid", "JP": "Asia/Tokyo"}
    starts = candidate_starts(date(2026, 3, 16), date(2026, 3, 20), "Europe/Zurich")
    first = rank(starts, 90, zones)[0]
    # Two meetings at the same time have made the same offices pay twice.
    earlier = [(first.start - timedelta(days=14), 90), (first.start - timedelta(days=7), 90)]
    burden = series_burden(earlier, zones)
    rotated = rank(starts, 90, zones, carried=burden)[0]
    same = next(c for c in rank(starts, 90, zones, carried=burden) if c.start == first.start)
    assert (
        rotated.start.astimezone(ZoneInfo("Europe/Zurich")).time()
        != first.start.astimezone(ZoneInfo("Europe/Zurich")).time()
    )
    # Rotation trades a higher total for a lower worst: 10 against 15, but 30 against 28.5.
    assert rotated.worst < same.worst
    assert rotated.total > same.total


def test_the_second_time_the_clocks_show_is_no_other_day():
    """Geneva's clocks go back at 03:00 on 31 October 2027: 02:00 comes twice. The fair-start
    table gave the second as the first's "1 more day" (31 October again), with no button of its
    own (helper-185)."""
    zones = {"AU": SYDNEY, "CN": "Asia/Shanghai"}
    starts = candidate_starts(date(2027, 10, 31), date(2027, 10, 31), "Europe/Zurich")
    grouped = by_clock_time(rank(starts, 60, zones), "Europe/Zurich")
    at_two = sorted(
        (c.start, also)
        for c, also in grouped
        if c.start.astimezone(ZoneInfo("Europe/Zurich")).time() == time(2)
    )
    assert at_two == [(utc(2027, 10, 31, 0), []), (utc(2027, 10, 31, 1), [])]


def test_a_start_says_who_carries_its_worst_burden():
    """The fair-start table said how bad the worst was, not whose it was (helper-57)."""
    from planner.agenda.fairness import CandidateStart

    start = datetime(2027, 3, 9, 12, tzinfo=UTC)
    c = CandidateStart(start, {"AU": 4.0, "PE": 1.0, "JP": 4.0}, 4.0, 9.0, {"alex": 2.0})
    assert c.worst_for == ["AU", "JP"]
    assert CandidateStart(start, {"AU": 0.0}, 0.0, 0.0).worst_for == []
    # A presenter's weighted burden counts too, named before the offices.
    both = CandidateStart(start, {"AU": 6.0, "PE": 1.0}, 6.0, 13.0, {"alex": 6.0})
    assert both.worst_for == ["alex", "AU"]


def test_the_suggestions_look_from_the_meetings_date_or_a_week_on():
    """helper-66: a meeting without a date was offered starts from today, with no time to tell
    anyone; one with a date to come is looked for around that date."""
    from datetime import UTC, datetime, timedelta

    from planner.agenda.models import Meeting
    from planner.agenda.suggestions import next_dates
    from planner.db_types import utcnow

    undated = Meeting(title="W", time_zone="UTC", starts_at=None)
    first, last = next_dates(undated)
    assert first == (utcnow() + timedelta(days=7)).date() and (last - first).days == 13
    dated = Meeting(title="W", time_zone="UTC", starts_at=datetime(2031, 3, 11, 12, tzinfo=UTC))
    assert next_dates(dated)[0].isoformat() == "2031-03-11"
    past = Meeting(title="W", time_zone="UTC", starts_at=datetime(2024, 3, 11, 12, tzinfo=UTC))
    assert next_dates(past)[0] == first


def test_a_public_holiday_weighs_as_a_saturday():
    """An office's public holiday on a weekday costs what a Saturday does; one on a weekend
    costs no more than the weekend already does."""
    christmas = {date(2030, 12, 25), date(2030, 12, 28)}  # a Wednesday; the 28th a Saturday
    wednesday = utc(2030, 12, 25, 14)  # 09:00–10:30 in Lima
    assert penalty(wednesday, 90, LIMA) == 0
    assert penalty(wednesday, 90, LIMA, christmas) == pytest.approx(4.5)
    saturday = utc(2030, 12, 28, 14)
    assert penalty(saturday, 90, LIMA, christmas) == penalty(saturday, 90, LIMA) == 4.5
    # Only the hours on the holiday: 23:00–00:30 in Lima runs into the 26th.
    late = utc(2030, 12, 26, 4)
    assert penalty(late, 90, LIMA, christmas) - penalty(late, 90, LIMA) == pytest.approx(3)


def test_the_ranking_weighs_each_offices_own_holidays_as_penalty_does():
    """The ranking's sums over each zone's clocks agree with `penalty` start by start, each
    office with its own holidays, across the date line (Sydney is a day ahead of Lima)."""
    zones = {"AU": SYDNEY, "PE": LIMA, "PY": ASUNCION}
    days_off = {"AU": {date(2030, 12, 25), date(2030, 12, 26)}, "PE": {date(2030, 12, 25)}}
    starts = candidate_starts(date(2030, 12, 23), date(2030, 12, 27), "Europe/Zurich")
    presenter = Weighed("AU (presenter)", SYDNEY, days_off=frozenset(days_off["AU"]))
    ranked = rank(starts, 75, zones, presenters=[presenter], days_off=days_off)
    assert len(ranked) == len(starts)
    for candidate in ranked:
        for office, zone in zones.items():
            assert candidate.penalties[office] == pytest.approx(
                penalty(candidate.start, 75, zone, days_off.get(office, ()))
            ), (candidate.start, office)
        assert candidate.presenters["AU (presenter)"] == pytest.approx(
            2 * penalty(candidate.start, 75, SYDNEY, days_off["AU"])
        )


@pytest.mark.parametrize("locale", [None, "es_ES.UTF-8", "ru_RU.UTF-8"])
def test_public_holidays_are_named_in_english_whatever_the_servers_locale(monkeypatch, locale):
    """The pages and the API that name them are English: python-holidays named them in the
    server's locale, else in the country's own language, so a server started without LANG
    (a service, a container) listed Peru's Christmas as "Navidad" and China's New Year as "元旦"."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    if locale:
        monkeypatch.setenv("LANG", locale)
    _of_year.cache_clear()
    try:
        assert holidays_between("PE", date(2030, 12, 25), date(2030, 12, 25)) == {
            date(2030, 12, 25): "Christmas Day"
        }
        assert holiday_on("CN", date(2031, 1, 1)) == "New Year's Day"
    finally:
        _of_year.cache_clear()  # not kept for the tests after, read in another locale
