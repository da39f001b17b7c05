"""Reading the time zones people type: zone names, and city and country names in the offices'
languages, one zone or a list to choose from."""

from datetime import UTC, date, datetime, timedelta

import pytest

from planner import timezones
from planner.languages import PAGE_LANGUAGES
from planner.timezones import (
    ZoneError,
    day_in,
    pick_zone,
    resolve_zone,
    time_span,
    time_span_in,
    until_in,
    zone_choices,
    zone_shown,
)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("America/Lima", "America/Lima"),
        ("america/lima", "America/Lima"),
        ("Lima", "America/Lima"),
        ("  lima ", "America/Lima"),
        ("Geneva", "Europe/Zurich"),
        ("Canberra", "Australia/Sydney"),
        ("Sao Paulo", "America/Sao_Paulo"),
        ("São Paulo", "America/Sao_Paulo"),
        ("Asunción", "America/Asuncion"),
        ("Buenos Aires", "America/Argentina/Buenos_Aires"),
        ("Kiev", "Europe/Kyiv"),
        ("Asia/Calcutta", "Asia/Calcutta"),  # an old name stays valid when typed
        ("Japan", "Asia/Tokyo"),
        ("Lima, Peru", "America/Lima"),
        # Where offices sit, or cities people name, that are not a zone's city.
        ("The Hague", "Europe/Amsterdam"),
        ("Mumbai", "Asia/Kolkata"),
        ("Daejeon", "Asia/Seoul"),
        ("Washington, D.C.", "America/New_York"),
        # Written as a zone, with a city that is not a zone's: the place it names.
        ("Europe/Geneva", "Europe/Zurich"),
        ("europe/geneva", "Europe/Zurich"),
        ("Asia/Mumbai", "Asia/Kolkata"),
        ("Europe/The_Hague", "Europe/Amsterdam"),
    ],
)
def test_english_names_and_zone_names(text, zone):
    assert resolve_zone(text) == [zone]


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Ginebra", "Europe/Zurich"),  # Spanish
        ("Tokio", "Asia/Tokyo"),
        ("Perú", "America/Lima"),
        ("Suiza", "Europe/Zurich"),
        ("Warszawa", "Europe/Warsaw"),  # Polish, as the office writes it
        ("Den Haag", "Europe/Amsterdam"),  # Dutch
        ("La Haya", "Europe/Amsterdam"),
        ("Genève", "Europe/Zurich"),  # French
        ("geneve", "Europe/Zurich"),
        ("Pérou", "America/Lima"),
        ("Женева", "Europe/Zurich"),  # Russian
        ("Москва", "Europe/Moscow"),
        ("МСК", "Europe/Moscow"),  # Moscow time: one offset all year since 2014, unlike CET
        ("MSK", "Europe/Moscow"),
        ("московское время", "Europe/Moscow"),  # a phrase, typed in lower case
        ("Московскому времени", "Europe/Moscow"),
        ("Лима", "America/Lima"),
        ("Pequim", "Asia/Shanghai"),  # Portuguese
        ("北京", "Asia/Shanghai"),  # Chinese
        ("جنيف", "Europe/Zurich"),  # Arabic
    ],
)
def test_names_in_the_offices_languages(text, zone):
    assert resolve_zone(text) == [zone]


@pytest.mark.parametrize(
    ("text", "some"),
    [
        ("Georgia", {"Asia/Tbilisi", "America/New_York"}),
        ("Portland", {"America/Los_Angeles", "America/New_York"}),
        ("Brazil", {"America/Sao_Paulo", "America/Manaus", "America/Noronha"}),
        ("Brasil", {"America/Sao_Paulo", "America/Manaus"}),
        ("Australia", {"Australia/Sydney", "Australia/Perth"}),
    ],
)
def test_a_name_fitting_several_zones_lists_them(text, some):
    zones = resolve_zone(text)
    assert len(zones) > 1 and some <= set(zones)
    with pytest.raises(ZoneError) as raised:
        pick_zone(text)
    assert "fits several time zones" in raised.value.message
    assert raised.value.candidates == zones
    assert all(zone in raised.value.message for zone in zones)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("悉尼，澳大利亚", "Australia/Sydney"),  # as a Chinese keyboard types a comma
        ("加德满都，尼泊尔", "Asia/Kathmandu"),
        ("加德满都 ， 尼泊尔", "Asia/Kathmandu"),
        ("جنيف، سويسرا", "Europe/Zurich"),  # the Arabic comma
        ("Сидней,Австралия", "Australia/Sydney"),
    ],
)
def test_a_city_and_its_country_are_read_apart_by_any_script_s_comma(text, zone):
    """helper-238: "悉尼，澳大利亚", city and country typed on a Chinese keyboard (its comma is
    full width), named no zone, while "悉尼, 澳大利亚" did; so did the Arabic comma."""
    assert resolve_zone(text) == [zone]


def test_the_zones_a_name_fits_are_listed_by_their_places_in_the_page_s_language(app):
    """ "Brasil" typed on a Spanish page listed "America/Araguaina (Araguaina), ...": ids and
    the English words of the ids. Each is listed by its id (what the API and the field take)
    and its place, as the zone list offers it, in the page's language."""
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("es"), pytest.raises(ZoneError) as raised:
        pick_zone("Brasil")
    # Named by its city where all are in one country, which the reader typed.
    assert "America/Sao_Paulo (São Paulo)" in raised.value.message
    assert "America/Araguaina (Araguaína)" in raised.value.message
    with app.test_request_context(), pytest.raises(ZoneError) as raised:
        pick_zone("Kiribati")
    assert "Pacific/Kanton (Canton Island)" in raised.value.message
    # In several countries, by city and country.
    with app.test_request_context(), pytest.raises(ZoneError) as raised:
        pick_zone("Georgia")
    assert "Asia/Tbilisi (Tbilisi, Georgia)" in raised.value.message
    assert "America/New_York (New York, United States)" in raised.value.message
    # In Chinese with Chinese punctuation, full width: brackets, commas and the list's 、
    # (helper-238: "Asia/Tbilisi (第比利斯, 格鲁吉亚), America/New_York (纽约, 美国)").
    with app.test_request_context(), force_locale("zh"), pytest.raises(ZoneError) as raised:
        pick_zone("Georgia")
    listed = "Asia/Tbilisi（第比利斯，格鲁吉亚）、America/New_York（纽约，美国）。"
    assert listed in raised.value.message, raised.value.message


@pytest.mark.parametrize(
    "text", ["", "   ", "Atlantis", "xyzzy", "Mars/Olympus", "CET", "EST", ",", " , ,, "]
)
def test_nonsense_and_abbreviations_name_no_zone(text):
    assert resolve_zone(text) == []
    if text.strip():
        with pytest.raises(ZoneError, match="is not a time zone name"):
            pick_zone(text)


def test_a_long_paste_is_not_said_back_whole():
    with pytest.raises(ZoneError) as raised:
        pick_zone("A" * 100_000)
    assert len(raised.value.message) < 400 and '"' + "A" * 40 + '…"' in raised.value.message


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        # CLDR writes "St. John’s" and "Côte d’Ivoire" with a typographic apostrophe, and the
        # zone's id "St_Johns": a keyboard's apostrophe, or none, named no zone (helper-230).
        ("St. John's", "America/St_Johns"),
        ("St Johns", "America/St_Johns"),
        ("St.John’s", "America/St_Johns"),
        ("St. John's, Canada", "America/St_Johns"),
        ("Côte d'Ivoire", "Africa/Abidjan"),
        ("N'Djamena", "Africa/Ndjamena"),
        ("St Helena", "Atlantic/St_Helena"),
    ],
)
def test_apostrophes_and_dots_are_typed_as_anyone_types_them(text, zone):
    assert resolve_zone(text) == [zone]


# The year from this day: Sydney, Adelaide and Lord Howe (half an hour of summer time), Chatham
# and St. John's change their clocks; São Paulo (since 2019), Apia (2021) and Tehran (2022) no
# longer do. Dublin's summer time is its standard time in tzdata ("negative DST"): the clocks
# read the same.
SINCE = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("zone", "place", "offsets"),
    [
        ("Asia/Kathmandu", "Kathmandu, Nepal", "UTC+5:45"),
        ("Asia/Kolkata", "Kolkata, India", "UTC+5:30"),
        ("Asia/Kolkata", "New Delhi, India", "UTC+5:30"),
        ("Asia/Tehran", "Tehran, Iran", "UTC+3:30"),
        ("Australia/Adelaide", "Adelaide, Australia", "UTC+9:30 / UTC+10:30"),
        ("Australia/Lord_Howe", "Lord Howe Island, Australia", "UTC+10:30 / UTC+11"),
        ("Australia/Sydney", "Canberra, Australia", "UTC+10 / UTC+11"),
        ("Pacific/Chatham", "Chatham Islands, New Zealand", "UTC+12:45 / UTC+13:45"),
        ("Pacific/Kiritimati", "Kiritimati, Kiribati", "UTC+14"),
        ("Pacific/Apia", "Apia, Samoa", "UTC+13"),
        ("America/Lima", "Lima, Peru", "UTC−5"),
        ("America/St_Johns", "St. John’s, Canada", "UTC−3:30 / UTC−2:30"),
        ("America/Sao_Paulo", "São Paulo, Brazil", "UTC−3"),
        ("Europe/Dublin", "Dublin, Ireland", "UTC+0 / UTC+1"),
        ("Europe/Zurich", "Geneva, Switzerland", "UTC+1 / UTC+2"),
        ("Asia/Singapore", "Singapore", "UTC+8"),
        ("UTC", "UTC", "UTC+0"),
    ],
)
def test_the_list_to_choose_from_offers_places_by_city_country_and_offset(zone, place, offsets):
    """The list offered zones by their ids' last word ("Asia/Kathmandu" as "Kathmandu"): no
    one found theirs by country or offset, and picking one filled the field with the id."""
    assert (zone, place, offsets) in zone_choices("en", SINCE)


def test_the_list_to_choose_from_is_in_the_pages_language():
    spanish = {place: zone for zone, place, _ in zone_choices("es")}
    assert spanish["Katmandú, Nepal"] == "Asia/Kathmandu"
    assert spanish["Ginebra, Suiza"] == "Europe/Zurich"
    # Geneva once, by its name in the page's language: not again as "Genf, Switzerland".
    assert {"Geneva, Switzerland", "Genf, Switzerland", "MSK, Russia"}.isdisjoint(spanish)
    # Chinese with its own comma, full width and with no space after it (helper-238).
    chinese = {place: zone for zone, place, _ in zone_choices("zh")}
    assert chinese["加德满都，尼泊尔"] == "Asia/Kathmandu" and "加德满都, 尼泊尔" not in chinese
    zones = {zone for zone, _, _ in zone_choices("en")}
    assert "Brazil/East" not in zones and "Asia/Calcutta" not in zones  # old names not offered


@pytest.mark.parametrize("language", PAGE_LANGUAGES)
def test_every_place_offered_names_its_zone_when_typed_back(language):
    """A field shows the place it was filled with, and is sent back with it: each place offered
    (its id, where the place names another zone too) is read as its own zone again."""
    offered: dict[str, set[str]] = {}
    for zone, place, _ in zone_choices(language):
        assert pick_zone(place) == zone, (place, zone)
        offered.setdefault(zone, {zone}).add(place)
    assert all(zone_shown(zone, language) in places for zone, places in offered.items())
    assert zone_shown("Asia/Calcutta") == "Kolkata, India"  # an old id, by its place today
    assert zone_shown("Atlantis") == "Atlantis"  # what names no zone is shown as typed


@pytest.mark.parametrize("language", PAGE_LANGUAGES)
def test_every_zone_is_offered_by_its_place_not_its_id(language):
    """helper-239: where a zone's place read back as several zones or none, the list offered it
    by its id: Mexico City in French ("Mexico, Mexique": English's "Mexico" is the country),
    Hong Kong and Macau in Portuguese (the territory's name holds a comma: "Hong Kong, RAE da
    China"), Indiana's, Kentucky's and North Dakota's zones in most languages (CLDR's city does:
    "Knox, Indiana")."""
    by_id = [zone for zone, place, _ in zone_choices(language) if place == zone != "UTC"]
    assert by_id == []


@pytest.mark.parametrize(
    ("language", "zone", "place"),
    [
        ("fr", "America/Mexico_City", "Mexico, Mexique"),
        ("pt", "Asia/Hong_Kong", "Hong Kong, Hong Kong, RAE da China"),
        ("pt", "Asia/Macau", "Macau, Macau, RAE da China"),
        ("en", "America/Indiana/Knox", "Knox, Indiana, United States"),
        ("es", "America/Kentucky/Monticello", "Monticello, Kentucky, Estados Unidos"),
        ("ru", "America/Kralendijk", "Кралендейк, Бонэйр, Синт-Эстатиус и Саба"),
        ("en", "Atlantic/St_Helena", "St. Helena, St. Helena, Ascension & Tristan da Cunha"),
    ],
)
def test_a_place_whose_names_hold_commas_reads_back_as_its_zone(language, zone, place):
    assert zone_shown(zone, language) == place
    assert resolve_zone(place) == [zone]


@pytest.mark.parametrize(
    ("text", "zones"),
    [
        ("Knox, Indiana", ["America/Indiana/Knox"]),
        ("Lima,, Peru", ["America/Lima"]),
        ("Lima, Mexico", ["America/Lima"]),  # a city in another country: the city's
        ("Georgia, United States", ["America/New_York"]),
        ("Portland, United States", ["America/Los_Angeles", "America/New_York"]),
        (",".join(["Lima"] * 40), ["America/Lima"]),  # cut at each comma only
    ],
)
def test_a_city_and_its_country_or_region(text, zones):
    assert resolve_zone(text) == zones


def test_a_long_text_with_commas_is_read_once_not_once_per_way_to_cut_it(monkeypatch):
    """A megabyte pasted into a zone field (the volunteer form takes one) with five commas was
    read in each of the 32 ways to cut it at them, three seconds of a worker each time; a text
    longer than any place with its country is read at each comma only, as before the cutting."""
    read = []

    def counted(text: str) -> str:
        read.append(len(text))
        return key(text)

    key = timezones.place_key
    monkeypatch.setattr(timezones, "place_key", counted)
    text = ",".join(["x" * 10_000] * 6)
    assert resolve_zone(text) == []
    assert sum(read) < 4 * len(text)
    assert resolve_zone("Knox, Indiana, United States") == ["America/Indiana/Knox"]


@pytest.mark.parametrize("text", ["UTC", "utc", "Etc/UTC", "Zulu", "Coordinated Universal Time"])
def test_utc_is_a_zone_to_read_times_in(text):
    assert pick_zone(text) == "UTC"


def test_gmt_asks_whether_it_is_utc_or_london():
    with pytest.raises(ZoneError) as raised:
        pick_zone("GMT")
    assert raised.value.candidates == ["UTC", "Europe/London"]


def test_a_span_across_a_change_of_the_clocks_gives_each_end_its_offset():
    """Sydney's clocks go back at 03:00 on 4 April 2027: a talk from 15:30 to 16:00 UTC the
    day before reads 02:30 to 02:00 on the wall; said with both offsets, not as 02:30–02:00."""
    from datetime import UTC, datetime

    start = datetime(2027, 4, 3, 15, 30, tzinfo=UTC)
    end = datetime(2027, 4, 3, 16, 0, tzinfo=UTC)
    assert time_span("Australia/Sydney", start, end) == (
        "Sunday 4 April 2027, 02:30 (UTC+11) – 02:00 (UTC+10, after the clocks change)"
    )
    assert time_span("Europe/Zurich", start, end) == "Saturday 3 April 2027, 17:30–18:00 (UTC+2)"
    late = datetime(2027, 4, 3, 21, 50, tzinfo=UTC)
    assert time_span("Europe/Zurich", late, late.replace(hour=22, minute=20)) == (
        "Saturday 3 April 2027, 23:50–Sunday 00:20 (UTC+2)"
    )
    # The short form (pages' headers, calendar descriptions) and the zone named (mail, events).
    short = "%a %-d %b %Y, %H:%M"
    assert time_span("Europe/Zurich", late, late.replace(hour=22, minute=20), short) == (
        "Sat 3 Apr 2027, 23:50–Sun 00:20 (UTC+2)"
    )
    assert time_span("Australia/Sydney", start, end, short, named=True) == (
        "Sun 4 Apr 2027, 02:30 (UTC+11) – 02:00 (UTC+10, after the clocks change) Sydney"
    )
    assert time_span("Europe/Zurich", start, end, named=True) == (
        "Saturday 3 April 2027, 17:30–18:00 Geneva (UTC+2)"
    )


def test_a_span_in_another_language_is_written_with_its_words():
    """Messages in Spanish, French, Portuguese, Russian or Chinese give times as those languages
    write them, the zone's city in them too; English (and a language no message is written in) is
    `time_span`'s own, word for word."""
    from datetime import UTC, date, datetime

    start, end = datetime(2027, 4, 3, 14, 0, tzinfo=UTC), datetime(2027, 4, 3, 14, 30, tzinfo=UTC)
    sydney = "Australia/Sydney"
    assert time_span_in("es", sydney, start, end) == (
        "domingo, 4 de abril de 2027, 1:00–1:30 Sídney (UTC+11)"
    )
    assert time_span_in("es", sydney, start, end, short=True) == (
        "dom, 4 abr 2027, 1:00–1:30 Sídney (UTC+11)"
    )
    assert time_span_in("fr", sydney, start, end) == (
        "dimanche 4 avril 2027, 01:00\u2009–\u200901:30 Sydney (UTC+11)"
    )
    assert time_span_in("ru", "Europe/Zurich", start, end) == (
        "суббота, 3 апреля 2027\u202fг., 16:00—16:30 Женева (UTC+2)"
    )
    for language in ("en", "ar"):
        assert time_span_in(language, sydney, start, end) == time_span(
            sydney, start, end, named=True
        )
        assert time_span_in(language, sydney, start, end, short=True) == time_span(
            sydney, start, end, "%a %-d %b %Y, %H:%M", named=True
        )
    # (CLDR's spaces: thin around a French range, narrow no-break before Russian "г.")
    # Across the change of the clocks, each end its offset; past midnight, the end's weekday.
    start, end = datetime(2027, 4, 3, 15, 30, tzinfo=UTC), datetime(2027, 4, 3, 16, 0, tzinfo=UTC)
    assert time_span_in("fr", sydney, start, end) == (
        "dimanche 4 avril 2027, 02:30 (UTC+11) – 02:00 (UTC+10, après le changement d’heure) Sydney"
    )
    late = datetime(2027, 4, 3, 21, 50, tzinfo=UTC)
    assert time_span_in("es", "Europe/Zurich", late, late.replace(hour=22, minute=20)) == (
        "sábado, 3 de abril de 2027, 23:50–domingo 0:20 Ginebra (UTC+2)"
    )
    assert time_span_in("pt", "UTC", late, late.replace(minute=55)) == (
        "sábado, 3 de abril de 2027, 21:50\u2009–\u200921:55 UTC (UTC+0)"
    )
    assert day_in("es", date(2027, 4, 4)) == "4 de abril de 2027"
    assert day_in("zh", date(2027, 4, 4)) == "2027年4月4日"
    assert day_in("en", date(2027, 4, 4)) == "4 April 2027"
    # Russian writes the year out in a sentence: "г." would end one "г.." (helper-150).
    assert day_in("ru", date(2027, 4, 4)) == "4 апреля 2027 года"


def test_a_span_in_chinese_puts_no_comma_between_the_day_and_its_hours():
    """Chinese writes a date and the hours after it side by side ("2027年3月9日星期二 23:10–23:30"),
    not with the comma the other languages put there; the rest is as each language's: CLDR's
    words and cities, the end's weekday past midnight, each end's offset across the change."""
    from datetime import UTC, datetime

    from planner.timezones import short_day

    start, end = datetime(2027, 3, 9, 12, 10, tzinfo=UTC), datetime(2027, 3, 9, 12, 30, tzinfo=UTC)
    sydney = "Australia/Sydney"
    assert time_span_in("zh", sydney, start, end) == "2027年3月9日星期二 23:10–23:30 悉尼 (UTC+11)"
    assert time_span_in("zh", sydney, start, end, short=True) == (
        "2027年3月9日周二 23:10–23:30 悉尼 (UTC+11)"
    )
    assert time_span_in("zh", sydney, start, end, named=False) == (
        "2027年3月9日星期二 23:10–23:30 (UTC+11)"
    )
    late = datetime(2027, 4, 3, 21, 50, tzinfo=UTC)
    assert time_span_in("zh", "Europe/Zurich", late, late.replace(hour=22, minute=20)) == (
        "2027年4月3日星期六 23:50–星期日 00:20 日内瓦 (UTC+2)"
    )
    start, end = datetime(2027, 4, 3, 15, 30, tzinfo=UTC), datetime(2027, 4, 3, 16, 0, tzinfo=UTC)
    assert time_span_in("zh", sydney, start, end) == (
        "2027年4月4日星期日 02:30 (UTC+11) – 02:00 (UTC+10, 时钟调整后) 悉尼"
    )
    # Every other language keeps its comma.
    assert time_span_in("pt", sydney, start, end).startswith("domingo, 4 de abril de 2027, 02:30")
    assert short_day(datetime(2027, 4, 4, 9, tzinfo=UTC), "zh") == "4月4日周日"


def test_an_agenda_row_past_midnight_names_the_day_it_falls_on():
    """A meeting from 13:00 in Zurich is 23:00 on in Sydney: the row that ends after midnight
    says the day it ends on, and a row that starts on the next day says so before its start."""
    from datetime import UTC, datetime

    from planner.timezones import clock_end, clock_span

    meeting = datetime(2027, 3, 27, 12, 0, tzinfo=UTC)  # Saturday 23:00 in Sydney
    last_before = (
        datetime(2027, 3, 27, 12, 40, tzinfo=UTC),
        datetime(2027, 3, 27, 13, 0, tzinfo=UTC),
    )
    across = (datetime(2027, 3, 27, 12, 50, tzinfo=UTC), datetime(2027, 3, 27, 13, 10, tzinfo=UTC))
    after = (datetime(2027, 3, 27, 13, 0, tzinfo=UTC), datetime(2027, 3, 27, 13, 20, tzinfo=UTC))
    sydney, zurich = "Australia/Sydney", "Europe/Zurich"
    assert clock_span(sydney, *last_before, meeting) == "23:40–Sun 00:00"
    assert clock_span(sydney, *across, meeting) == "23:50–Sun 00:10"
    assert clock_span(sydney, *after, meeting) == "Sun 00:00–00:20"
    assert clock_span(zurich, *after, meeting) == "14:00–14:20"
    assert clock_end(sydney, meeting, after[1]) == "Sun 00:20"
    assert clock_end(zurich, meeting, after[1]) == "14:20"


def test_an_agenda_row_across_a_clock_change_gives_each_end_its_offset():
    from datetime import UTC, datetime

    from planner.timezones import clock_span

    # Sydney's clocks go back at 03:00 (UTC+11) on 4 April 2027, to 02:00 (UTC+10).
    start, end = datetime(2027, 4, 3, 15, 30, tzinfo=UTC), datetime(2027, 4, 3, 16, 30, tzinfo=UTC)
    assert clock_span("Australia/Sydney", start, end) == "02:30 (UTC+11)–02:30 (UTC+10)"
    # Zurich's clocks do not change then.
    assert clock_span("Europe/Zurich", start, end) == "17:30–18:30"


def test_an_agenda_row_after_a_clock_change_gives_its_offset():
    """Sydney's clocks go back at 03:00 (UTC+11) on 4 April 2027: in a meeting from 02:00, the
    talk from 02:00 (UTC+10) read "02:00–02:30", as the first talk did, an hour earlier, under a
    heading that says UTC+11 (helper-185)."""
    from datetime import UTC, datetime

    from planner.timezones import clock_span

    meeting = datetime(2027, 4, 3, 15, 0, tzinfo=UTC)  # 02:00 (UTC+11) in Sydney
    first = (meeting, datetime(2027, 4, 3, 15, 30, tzinfo=UTC))
    after = (datetime(2027, 4, 3, 16, 0, tzinfo=UTC), datetime(2027, 4, 3, 16, 30, tzinfo=UTC))
    assert clock_span("Australia/Sydney", *first, meeting) == "02:00–02:30"
    assert clock_span("Australia/Sydney", *after, meeting) == "02:00–02:30 (UTC+10)"
    # Zurich's clocks do not change then.
    assert clock_span("Europe/Zurich", *after, meeting) == "18:00–18:30"


def test_a_zone_of_commas_is_a_4xx_on_every_zone_input(colead_client, client, survey):
    """helper-67: "," split into no places and raised (a 500) on every zone input, public
    pages included."""
    made = colead_client.post(
        "/api/v1/meetings", json={"title": "W", "starts_at": "2030-03-12T14:00:00+01:00"}
    )
    meeting = made.get_json()["id"]
    assert client.get("/meetings?zone=,").status_code == 400
    assert colead_client.get(f"/meetings/{meeting}?zone=,,").status_code == 400
    patched = colead_client.patch(f"/api/v1/meetings/{meeting}", json={"time_zone": ","})
    assert patched.status_code == 400
    assert "is not a time zone" in patched.get_json()["message"]


def test_a_span_said_again_is_kept_by_its_instants():
    """Each contact of an office is told the same span: it is made once. Kept by instant, not by
    wall time: in the hour the clocks go back, 02:30 before and after the change are equal
    datetimes of one zone, an hour apart, and each is said as itself."""
    from datetime import UTC, datetime, timedelta

    from planner.timezones import _time_span_in, zone_info

    sydney = zone_info("Australia/Sydney")
    start = datetime(2027, 4, 3, 15, 30, tzinfo=UTC)
    before = datetime(2027, 4, 4, 2, 30, tzinfo=sydney)
    after = before.replace(fold=1)
    assert before == after and before.astimezone(UTC) != after.astimezone(UTC)
    hits = _time_span_in.cache_info().hits
    first = time_span_in("pt", "Europe/Zurich", start, start + timedelta(minutes=20))
    again = time_span_in("pt", "Europe/Zurich", start, start + timedelta(minutes=20))
    assert again == first and _time_span_in.cache_info().hits == hits + 1
    end = datetime(2027, 4, 4, 3, 0, tzinfo=sydney)
    assert time_span_in("es", "Australia/Sydney", before, end) == (
        "domingo, 4 de abril de 2027, 2:30 (UTC+11) – 3:00 (UTC+10, tras el cambio de hora) Sídney"
    )
    assert time_span_in("es", "Australia/Sydney", after, end) == (
        "domingo, 4 de abril de 2027, 2:30–3:00 Sídney (UTC+10)"
    )


# 9 March 2027, 13:10 in Geneva: 23:10 in Sydney, 07:10 in Lima.
TALK_STARTS = datetime(2027, 3, 9, 12, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("before", "zone", "language", "said"),
    [
        (timedelta(minutes=40), "Australia/Sydney", "en", "in 40 minutes"),
        (timedelta(seconds=20), "Australia/Sydney", "en", "in 1 minute"),
        (timedelta(hours=2), "Australia/Sydney", "en", "in 2 hours"),
        (timedelta(hours=1, minutes=40), "Australia/Sydney", "en", "in 2 hours"),
        (timedelta(hours=20), "Australia/Sydney", "en", "in 20 hours"),  # 03:10 the same day
        (timedelta(hours=26), "Australia/Sydney", "en", "tomorrow"),
        (timedelta(days=2), "Australia/Sydney", "en", "in 2 days"),
        (timedelta(days=3), "Australia/Sydney", "en", "in 3 days"),
        # 07:10 in Lima; at 21:10 the evening before it is tomorrow there, and ten hours on.
        (timedelta(hours=10), "America/Lima", "en", "tomorrow"),
        # At 03:10 in Lima, four hours before: said in hours, though another day in Sydney.
        (timedelta(hours=4), "America/Lima", "en", "in 4 hours"),
        (timedelta(hours=2), "America/Lima", "es", "dentro de 2 horas"),
        (timedelta(hours=26), "America/Lima", "es", "mañana"),
        (timedelta(days=2), "America/Lima", "es", "pasado mañana"),
        (timedelta(days=3), "America/Lima", "es", "dentro de 3 días"),
        (timedelta(days=1, hours=2), "Europe/Paris", "fr", "demain"),
        (timedelta(hours=2), "Europe/Paris", "fr", "dans 2 heures"),
        (timedelta(days=2), "America/Sao_Paulo", "pt", "depois de amanhã"),
        (timedelta(days=3), "America/Sao_Paulo", "pt", "em 3 dias"),
        (timedelta(hours=1), "Europe/Moscow", "ru", "через 1 час"),
        (timedelta(days=5), "Europe/Moscow", "ru", "через 5 дней"),
        (timedelta(days=3), "Europe/Moscow", "ru", "через 3 дня"),
        (timedelta(days=1, hours=2), "Asia/Shanghai", "zh", "明天"),
        (timedelta(hours=2), "Asia/Shanghai", "zh", "2小时后"),
        (timedelta(days=3), "Asia/Shanghai", "zh", "3天后"),
        # A language the messages are not written in: English.
        (timedelta(hours=26), "Asia/Dubai", "ar", "tomorrow"),
    ],
)
def test_how_soon_is_said_on_the_readers_clock_in_their_language(before, zone, language, said):
    """A reminder said "In 3 days or less" of a talk two hours away: it says how soon, by the
    reader's own calendar days ("tomorrow" is their tomorrow) and in hours within the day."""
    assert until_in(language, zone, TALK_STARTS, TALK_STARTS - before) == said
