"""Availability windows as plain data: checks, inside or outside across DST changes, and the
reading of free text that only pre-fills the form."""

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest

from planner.availability.reading import find_zone, read_text
from planner.availability.windows import (
    Window,
    check_window,
    describe,
    inside,
    mask_days,
    weekday_mask,
)
from planner.errors import PlannerError

MON, TUE, WED, THU = 0, 1, 2, 3


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def hour(start: datetime, minutes: int = 60) -> tuple[datetime, datetime]:
    return start, start + timedelta(minutes=minutes)


def test_masks_round_trip():
    assert weekday_mask({TUE, THU}) == "0101000"
    assert mask_days("0101000") == {TUE, THU}


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone", "not a time zone"),
        ({"time_zone": "EST"}, "time_zone", "not a time zone"),
        ({"weekdays": ()}, "weekdays", "tick its weekdays, or give its one date"),
        ({"on": date(2027, 3, 9)}, "weekdays", "not both"),
        ({"weekdays": (7,)}, "weekdays", "0 (Monday) to 6"),
        ({"ends": time(8)}, "ends", "ends when it starts"),
        ({"starts": None}, "starts", "start and end"),
        ({"weekdays": (), "on": date(1999, 1, 1)}, "on", "between 2000 and 2100"),
        # 14 March 2027 in New York (the zone below): 02:00–03:00 is skipped.
        (
            {"time_zone": "America/New_York", "weekdays": (), "on": date(2027, 3, 14)}
            | {"starts": time(2), "ends": time(3)},
            "starts",
            "There is no 02:00 on 14 March 2027 in New York",
        ),
        (
            {"time_zone": "America/New_York", "weekdays": (), "on": date(2027, 3, 13)}
            | {"starts": time(23), "ends": time(2, 30)},
            "ends",
            "There is no 02:30 on 14 March 2027",
        ),
    ],
)
def test_a_wrong_window_says_why(fields, field, words):
    given = {
        "time_zone": "America/Lima",
        "weekdays": (TUE,),
        "on": None,
        "starts": time(8),
        "ends": time(11),
        **fields,
    }
    with pytest.raises(PlannerError) as refused:
        check_window(**given)
    assert refused.value.field == field and words in refused.value.message


def test_lima_mornings_have_no_dst():
    lima = check_window("America/Lima", (TUE, THU), None, time(8), time(11))
    # 08:00 in Lima is 13:00 UTC all year round: Tuesday 9 March 2027 and 9 November 2027.
    assert inside([lima], *hour(utc(2027, 3, 9, 13)))
    assert inside([lima], *hour(utc(2027, 11, 9, 15)))  # 10:00–11:00 Lima
    assert not inside([lima], *hour(utc(2027, 11, 9, 15, 30)))  # ends 11:30 Lima
    assert not inside([lima], *hour(utc(2027, 3, 10, 13)))  # a Wednesday
    assert not inside([lima], *hour(utc(2027, 3, 9, 12)))  # 07:00 Lima


def test_sydney_follows_its_dst_change():
    sydney = check_window("Australia/Sydney", (TUE,), None, time(9), time(12))
    # Daylight saving time ends on Sunday 4 April 2027: 09:00 is 22:00 UTC on Monday before,
    # 23:00 UTC on Monday after.
    assert inside([sydney], *hour(utc(2027, 3, 29, 22)))
    assert not inside([sydney], *hour(utc(2027, 4, 5, 22)))  # 08:00 in Sydney now
    assert inside([sydney], *hour(utc(2027, 4, 5, 23)))


def test_geneva_on_the_day_clocks_go_forward():
    # Sunday 28 March 2027 in Geneva (Europe/Zurich): 02:00 jumps to 03:00.
    geneva = check_window("Europe/Zurich", (), date(2027, 3, 28), time(9), time(12))
    assert inside([geneva], *hour(utc(2027, 3, 28, 7)))  # 09:00 CEST
    assert not inside([geneva], *hour(utc(2027, 3, 28, 6, 30)))  # 08:30 CEST: before
    assert inside([geneva], *hour(utc(2027, 3, 28, 9)))  # 11:00–12:00 CEST
    assert not inside([geneva], *hour(utc(2027, 3, 28, 10)))  # 12:00 CEST: after
    assert not inside([geneva], *hour(utc(2027, 3, 29, 7)))  # another day
    # A window on that date around the change, but not in the skipped hour, is one.
    check_window("Europe/Zurich", (), date(2027, 3, 28), time(1), time(3))
    # A weekly window meets the change once a year: it is taken, read with the earlier offset.
    check_window("Europe/Zurich", (6,), None, time(2, 30), time(4))
    # A day earlier, in winter time, 09:00 was 08:00 UTC.
    saturdays = check_window("Europe/Zurich", (5, 6), None, time(9), time(12))
    assert inside([saturdays], *hour(utc(2027, 3, 27, 8)))
    assert not inside([saturdays], *hour(utc(2027, 3, 28, 10, 30)))  # 12:30 CEST on Sunday


def test_a_window_across_midnight():
    tokyo = check_window("Asia/Tokyo", (TUE,), None, time(22), time(1))
    assert tokyo.crosses_midnight
    # Tuesday 23:00–00:30 in Tokyo is 14:00–15:30 UTC on Tuesday.
    assert inside([tokyo], *hour(utc(2027, 3, 9, 14), 90))
    assert not inside([tokyo], *hour(utc(2027, 3, 9, 15, 30), 60))  # 00:30–01:30 Wednesday
    assert not inside([tokyo], *hour(utc(2027, 3, 10, 14), 60))  # Wednesday night
    assert "(to the next day)" in describe(tokyo)
    assert not tokyo.long_overnight  # three hours of a night


@pytest.mark.parametrize(
    ("starts", "ends", "long"),
    [
        (time(12), time(9), True),  # 21 hours: 09:00 typed for 21:00, or the times swapped
        (time(10), time(2), True),  # 16 hours
        (time(14), time(13), True),
        (time(18), time(6), False),  # half a day: a night's
        (time(22), time(2), False),
        (time(12), time(0), False),  # noon to midnight
        # Until midnight ("24:00", which a time field cannot hold): the day's end, no night
        # (helper-167: 09:00-00:00 was asked "If you meant 12:00", as a slip for noon).
        (time(9), time(0), False),
        (time(0, 30), time(0), False),
        (time(9), time(12), False),
    ],
)
def test_a_window_across_more_than_half_a_day_of_night_is_long(starts, ends, long):
    window = check_window("Australia/Sydney", (TUE,), None, starts, ends)
    assert window.long_overnight is long


def test_any_window_will_do():
    windows = [
        Window("America/Lima", frozenset({TUE}), None, time(8), time(9)),
        Window("America/Lima", frozenset({TUE}), None, time(14), time(16)),
    ]
    assert inside(windows, *hour(utc(2027, 3, 9, 19)))
    assert not inside([], *hour(utc(2027, 3, 9, 19)))


def test_describe():
    window = check_window("America/Lima", (THU, TUE), None, time(8), time(11))
    assert describe(window) == "Tue, Thu 08:00–11:00 Lima"
    # A translated page's: the days as the language writes them, and lists them, and the zone
    # named by its city in that language, as the page's times beside it name it (helper-182:
    # "пн, вт, ср 14:00–17:00 Asia/Bishkek" under "Ваше время (Бишкек)").
    assert describe(window, "es") == "mar, jue 08:00–11:00 Lima"
    assert describe(window, "zh") == "周二、周四 08:00–11:00 利马"
    bishkek = check_window("Asia/Bishkek", (MON, TUE, WED), None, time(14), time(17))
    assert describe(bishkek, "ru") == "пн, вт, ср 14:00–17:00 Бишкек"
    asuncion = check_window("America/Asuncion", (TUE,), None, time(8), time(11))
    assert describe(asuncion, "es") == "mar 08:00–11:00 Asunción"
    assert describe(asuncion) == "Tue 08:00–11:00 Asunción"  # the co-leads' pages, the API


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        (
            "Tuesdays and Thursdays 08:00–11:00",
            "Europe/Zurich",
            [("0101000", None, "08:00", "11:00")],
        ),
        ("Mon-Fri 9-12 Lima", "America/Lima", [("1111100", None, "09:00", "12:00")]),
        (
            "Tue, Thu 08:00-11:00; Wed 2-4pm",
            "Europe/Zurich",
            [("0101000", None, "08:00", "11:00"), ("0010000", None, "14:00", "16:00")],
        ),
        (
            "12 March 2027 14:00–16:00 Geneva",
            "Europe/Zurich",
            [(None, date(2027, 3, 12), "14:00", "16:00")],
        ),
        ("weekdays 22:00-01:00 Tokyo", "Asia/Tokyo", [("1111100", None, "22:00", "01:00")]),
        ("Any time, just write to me", "Europe/Zurich", []),
    ],
)
def test_free_text_is_read_for_the_form(text, zone, expected):
    reading = read_text(text, "Europe/Zurich", today=date(2026, 12, 2))
    assert reading.time_zone == zone
    got = [
        (
            weekday_mask(w.weekdays) if w.on is None else None,
            w.on,
            f"{w.starts:%H:%M}",
            f"{w.ends:%H:%M}",
        )
        for w in reading.windows
    ]
    assert got == expected


def test_a_zone_named_by_its_place():
    assert find_zone("Tuesdays 08:00-11:00 Lima") == "America/Lima"
    assert find_zone("mornings in Buenos Aires") == "America/Argentina/Buenos_Aires"
    assert find_zone("America/Lima please") == "America/Lima"
    assert find_zone("mornings") is None
    # The places the timezone fields know, in the offices' spellings, accents or none.
    assert find_zone("Mondays 9-11, Warszawa time") == "Europe/Warsaw"
    assert find_zone("any day but Friday (Den Haag)") == "Europe/Amsterdam"
    assert find_zone("afternoons in Asuncion") == "America/Asuncion"
    assert find_zone("afternoons in Genève") == "Europe/Zurich"
    # Moscow time as Russian writes it (helper-146: read in the presenter's own zone).
    assert find_zone("вторник 9-12 по Москве") == "Europe/Moscow"
    assert find_zone("вторник 9-12 МСК") == "Europe/Moscow"
    # Said as a phrase, not a place, and in lower case.
    assert find_zone("вторник 9-12 по московскому времени") == "Europe/Moscow"
    assert find_zone("среда, 10:00–12:00 (московское время)") == "Europe/Moscow"
    assert find_zone("Московское время: вторник 9-12") == "Europe/Moscow"
    assert find_zone("вторник 9-12 мск") == "Europe/Moscow"
    assert find_zone("вторник с 9 до 12 (время московское)") == "Europe/Moscow"  # helper-150
    assert find_zone("вторник 9-12 по местному времени") is None
    # A name of two places is no guess, nor a word that only happens to be a zone's city.
    assert find_zone("Georgia will present; Tuesdays 9-11") is None
    assert find_zone("Portland time") is None
    assert find_zone("not around Easter or Christmas") is None
    assert find_zone("Central European Time") is None
    assert find_zone("not around Easter; Tuesdays 9-11 Lima") == "America/Lima"
    # A place is a proper name, and some zones' islands are more often people or things.
    assert find_zone("after I wake up") is None
    assert find_zone("Tuesdays 9-12, midway through the morning") is None
    assert find_zone("Stanley presents; New Jersey office; Chatham House rule") is None
    # The islands by the names people give them, and a keyboard's apostrophe (helper-230).
    assert find_zone("Wed 8-10 Chatham Islands") == "Pacific/Chatham"
    assert find_zone("Mon 9-11, Lord Howe Island time") == "Australia/Lord_Howe"
    assert find_zone("Mon-Fri 10:00-12:00 St. John's") == "America/St_Johns"
    assert find_zone("Tue 9-12 Ho Chi Minh City") == "Asia/Ho_Chi_Minh"
    assert find_zone("not around Easter Sunday, Tuesdays 9-11") is None
    assert find_zone("Christmas Island time 9-12") == "Indian/Christmas"  # not German Iceland
    assert find_zone("9-12 Iceland time") == "Atlantic/Reykjavik"


def test_an_offset_names_no_zone():
    """Zones here are places: "UTC+8" is none of them, nor is it UTC (helper-70)."""
    for text, offset in (
        ("Tuesdays 9-12 UTC+8", "UTC+8"),
        ("Tue 9-12 GMT -3", "GMT -3"),
        ("Mon 10-12 (UTC+05:30)", "UTC+05:30"),
    ):
        reading = read_text(text, "America/Lima", today=date(2026, 12, 2))
        assert (reading.time_zone, reading.zone_named, reading.offset) == (
            "America/Lima",
            False,
            offset,
        )
        assert reading.windows and reading.windows[0].time_zone == "America/Lima"
    assert read_text("Tue 9-12 UTC", "America/Lima").time_zone == "UTC"
    assert read_text("Tue 9-12 UTC+0", "America/Lima").time_zone == "UTC"
    named = read_text("Tue 9-12 UTC+8 Singapore", "America/Lima")
    assert (named.time_zone, named.offset) == ("Asia/Singapore", None)


@pytest.mark.parametrize(
    "text",
    ["Tue 9:5-12", "Mon 9.5-12", "Tue 1.5-3", "lundi 9.5-12h", "Mon 9,5-12", "lunes 14,5-16h"],
)
def test_a_digit_after_a_time_s_colon_or_point_is_no_hour(text):
    """ "9:5", "9.5" or "9,5" (a decimal comma) is no time the reader knows; its 5 is not the
    start of "5-12", which pre-filled the form with a window from 05:00 (and "1.5-3" with 05:00
    to 03:00 the next day)."""
    assert read_text(text, "Europe/Zurich", today=date(2026, 12, 2)).windows == []
    # Ranges after one another, with or without a space, are read as before.
    for two, hours in {
        "Tue 8-9,14-16": ["08-09", "14-16"],
        "Tue 8-9,5-7pm": ["08-09", "17-19"],
        "Tue 8-9, 17-19": ["08-09", "17-19"],
        # A comma after a range's minutes ends it too: only a lone number's is a decimal one.
        "Tue 8:00-9:00,14:00-16:00": ["08-09", "14-16"],
        "Tue 8.00-9.00,14.00-16.00": ["08-09", "14-16"],
    }.items():
        windows = read_text(two, "Europe/Zurich", today=date(2026, 12, 2)).windows
        assert [f"{w.starts:%H}-{w.ends:%H}" for w in windows] == hours


@pytest.mark.parametrize(
    "text",
    ["1 January 0001 9-12", "0001-01-01 9-12", "31 December 9999 9-12", "2 January 10000 9-12"],
)
def test_a_date_in_a_year_the_form_refuses_pre_fills_no_window(text):
    """The form takes dates from 2000 to 2100 only: a window read on 1 January 0001 (or on
    2 January 1000, from "10000") came to the presenter's page as a date field holding
    "1-01-01", which browsers show empty, and was refused as having no day on saving."""
    assert read_text(text, "Europe/Zurich", today=date(2026, 12, 2)).windows == []


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        # A 12-hour clock with no half of the day to the end: the afternoon's, after the start.
        ("Tue 12-1", "12:00-13:00"),
        ("Tue 10am-2", "10:00-14:00"),
        ("Tue 9-5", "09:00-17:00"),
        ("Tue 11:30-1:30", "11:30-13:30"),
        ("martes de 12 a 1", "12:00-13:00"),
        ("周二 12点半到1点", "12:30-13:00"),
        # Past midnight where the clock says so: a half of the day, a 24-hour start or end.
        ("Tue 9pm-2", "21:00-02:00"),
        ("Tue 11pm-1am", "23:00-01:00"),
        ("Tue 23-1", "23:00-01:00"),
        ("Tue 16-5", "16:00-05:00"),
        ("Tue 10:00-02:00", "10:00-02:00"),
        ("周二 晚上11点到1点", "23:00-01:00"),
        # Forward already: as before.
        ("Tue 9-12", "09:00-12:00"),
        ("Tue 0-1", "00:00-01:00"),
    ],
)
def test_hours_on_a_twelve_hour_clock_read_forward(text, hours):
    """ "Tue 12-1" is an hour at lunch, not thirteen hours through the night: the reader
    pre-filled the form with a window from 12:00 to 01:00 the next day."""
    (window,) = read_text(text, "Europe/Zurich", today=date(2026, 12, 2)).windows
    assert f"{window.starts:%H:%M}-{window.ends:%H:%M}" == hours


@pytest.mark.parametrize(
    ("text", "today", "day"),
    [
        ("Feb 29 9-12", date(2028, 3, 1), date(2032, 2, 29)),
        ("29 de febrero de 10 a 12", date(2028, 3, 1), date(2032, 2, 29)),
        ("2月29日 9点到12点", date(2028, 3, 1), date(2032, 2, 29)),
        ("29 February 9-12", date(2027, 5, 1), date(2028, 2, 29)),
        ("12 March 9-12", date(2026, 12, 2), date(2027, 3, 12)),
    ],
)
def test_a_date_without_its_year_is_the_next_to_come(text, today, day):
    """ "29 February" read after a leap day is the next leap year's: reading it the year after
    (next year's 29 February does not exist) raised, a 500 on the volunteer's form."""
    (window,) = read_text(text, "Europe/Zurich", today=today).windows
    assert window.on == day


@pytest.mark.parametrize(
    ("text", "second"),
    [
        ("Mon 9-12, 1-5", "13:00-17:00"),  # the afternoon after the morning
        ("Mon 8-12:30, 1:30-5", "13:30-17:00"),
        ("lunes de 9 a 12 y de 3 a 6", "15:00-18:00"),
        ("Mon 9-11, 10-12", "10:00-12:00"),  # already after the first start: as written
        ("Mon 22-23, 1-2", "01:00-02:00"),  # the night's: no afternoon comes after 23:00
        ("Mon 9-12, 01:00-05:00", "01:00-05:00"),  # a 24-hour clock says so
        ("Mon 9-12, 1am-5am", "01:00-05:00"),
        ("Mon 9-12; Tue 1-3", "01:00-03:00"),  # other days: nothing to come after
        # helper-139: an end already read as the afternoon's is not moved again (25:00 raised,
        # a 500 on the form), nor an overlap moved to the evening (21:00-23:00).
        ("Mon 9-12, 11-1", "11:00-13:00"),
        ("Mon 9-12, 10-2", "10:00-14:00"),
        ("lunes de 9 a 12 y de 11 a 1", "11:00-13:00"),
        ("Mon 8-10, 9-11", "09:00-11:00"),
        ("Mon 9-11, 10-11", "10:00-11:00"),
    ],
)
def test_hours_after_a_morning_on_the_same_days_are_the_afternoon_s(text, second):
    """ "Mon 9-12, 1-5", as people write a day with a lunch break, pre-filled the form with a
    second window from 01:00 to 05:00."""
    _, window = read_text(text, "Europe/Zurich", today=date(2026, 12, 2)).windows
    assert f"{window.starts:%H:%M}-{window.ends:%H:%M}" == second


def test_a_span_reaching_into_a_year_the_form_refuses_is_no_window():
    """helper-139: read on 31 December 2100, "12月31日至1月2日" pre-filled 1 and 2 January 2101,
    which the form refuses."""
    read = read_text("12月31日至1月2日 9点到12点", "Asia/Shanghai", today=date(2100, 12, 31))
    assert read.windows == []


def test_no_two_ranges_of_hours_make_the_reader_fail():
    """Any two ranges of whole hours for the same day, as the rules that read a 12-hour clock
    see them, are read without failing (one combination raised on 25:00: a 500 on the form),
    as windows that last a while or as nothing."""
    hours = ("0", "1", "5", "9", "11", "12", "13", "23", "24", "01")
    for a, b, c, d in itertools.product(hours, repeat=4):
        for window in read_text(f"Mon {a}-{b}, {c}-{d}", "UTC", today=date(2026, 12, 2)).windows:
            assert window.starts != window.ends


def test_the_fingerprint_of_stored_windows_is_of_their_data_not_their_words(monkeypatch):
    """A form says which windows it was filled in from; that fingerprint hashed their words
    too, so a new wording (or Babel's names for a zone) made every form open then stale
    (helper-189). Other windows still give another fingerprint."""
    from planner.availability import windows
    from planner.availability.forms import seen_windows

    stored = [Window("America/Lima", frozenset({TUE}), None, time(8), time(9))]
    before = seen_windows(stored)
    monkeypatch.setattr(windows, "describe", lambda window, language="en": "reworded")
    assert seen_windows(stored) == before
    later = [Window("America/Lima", frozenset({TUE}), None, time(8), time(10))]
    assert seen_windows(later) != before
