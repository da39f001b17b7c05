"""IANA time zone names: validation shared by imports, office edits and meetings, and the reading
of the city and country names people type instead (through CLDR's data in Babel)."""

import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale
from babel.core import get_global
from babel.dates import (
    format_date,
    format_datetime,
    format_interval,
    format_skeleton,
    format_time,
    format_timedelta,
    get_timezone_location,
)

from planner.text import shorten
from planner.translation import gettext


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_info(name: str | None) -> ZoneInfo:
    """The zone `name`, read once per process; UTC for a zone this machine's time zone database
    does not know (`known`): a zone kept from a newer one, or dropped since. Every page, feed
    and message reads stored zones through here, so none is a 500 for one (helper-350): the
    instants stay right, each shown with its offset (UTC+0), and `place_name` says the zone is
    not known here.

    ZoneInfo keeps only a handful of zones in memory; with offices in hundreds of zones (a feed,
    the offices page) it would read their files from disk again and again.
    """
    return _zone_info(name if known(name) else "UTC")


@cache
def _zone_info(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def known(name: str | None) -> str | None:
    """`name`, or None where this machine's time zone database does not know it: a zone kept
    from a newer one ("Europe/Kyiv" in a copy of the database on a machine with older tzdata),
    or one it has since dropped, which no time can be read in (a page showing one was a 500)."""
    return name if name and name in known_time_zones() else None


def is_time_zone(name: str) -> bool:
    """Whether `name` is an IANA place zone such as "Australia/Sydney".

    Abbreviations ("GMT", "EST") and fixed offsets ("Etc/GMT+5") are refused: they ignore DST.
    UTC itself is taken: no place keeps it by mistake, and some read every time in it.
    """
    if name == "UTC":
        return True
    return name in known_time_zones() and "/" in name and not name.startswith("Etc/")


def local_time(zone: str, at: datetime | None = None) -> datetime:
    """The wall-clock time in `zone` at the instant `at` (default: now)."""
    return (at or datetime.now(UTC)).astimezone(zone_info(zone))


def moment_in(zone: str, at: datetime) -> str:
    """ "17 November 2026 at 19:00 in Lima (UTC−5)": a moment as the people of `zone` read it,
    for a sentence (never bare UTC where the reader's zone is known; helper-81)."""
    there = local_time(zone, at)
    return f"{there:%-d %B %Y at %H:%M} in {place_name(zone)} ({utc_offset(there)})"


# The city a zone is said by where its own is not the one people there mean: CLDR names
# Europe/Zurich after Zurich, but the meetings this app plans in it are at WIPO, in Geneva
# (helper-150: a presenter read "16:00–16:20 Цюрих" for a Geneva meeting). The zone's id stays.
SAID_AS = {
    "Europe/Zurich": {
        "en": "Geneva",
        "es": "Ginebra",
        "fr": "Genève",
        "pt": "Genebra",
        "ru": "Женева",
        "zh": "日内瓦",
        "ar": "جنيف",
        "de": "Genf",
    }
}


@lru_cache(maxsize=1024)
def place_name(zone: str) -> str:
    """ "Lima" for America/Lima, "Buenos Aires" for America/Argentina/Buenos_Aires, "New York"
    for US/Eastern (CLDR's English, as the other languages get theirs: the id's last word would
    be "Eastern", helper-186); "Geneva" for Europe/Zurich (`SAID_AS`)."""
    if zone in SAID_AS:
        return SAID_AS[zone]["en"]
    if not known(zone):
        return not_known_here("en", zone)
    try:
        return get_timezone_location(zone, locale="en", return_city=True)
    except LookupError:  # a zone CLDR does not know: its id's own city
        return zone_city(zone)


def happens_twice(moment: datetime) -> bool:
    """Whether the clocks show this aware local time twice: in the hour they go back, 02:30
    names two instants an hour apart, and only its offset tells which."""
    return moment.replace(fold=1 - moment.fold).utcoffset() != moment.utcoffset()


def utc_offset(moment: datetime) -> str:
    """The offset of an aware datetime as people write it: "UTC+11", "UTC−5", "UTC+5:30"."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def time_span(
    zone: str,
    start: datetime,
    end: datetime,
    first: str = "%A %-d %B %Y, %H:%M",
    *,
    named: bool = False,
) -> str:
    """From `start` to `end` on the clocks of `zone`: "Sunday 4 April 2027, 01:00–01:30 (UTC+11)";
    the end's weekday when it falls on another day (short when `first` writes it short); the
    zone's city before the offset when `named` (text read away from the page: mail, calendars;
    "Geneva" for Europe/Zurich, as `moment_in` and the other languages say it);
    and, when the clocks change in between, each end with its own offset ("02:30 (UTC+11) –
    02:00 (UTC+10, after the clocks change)"), never a range that seems to end before it
    starts. Every page, message and event writes a span this one way."""
    begins, ends = local_time(zone, start), local_time(zone, end)
    day = ""
    if ends.date() != begins.date():
        day = f"{ends:%A} " if "%A" in first else f"{ends:%a} "
    name = f" {place_name(zone)}" if named else ""
    if begins.utcoffset() == ends.utcoffset():
        return f"{begins.strftime(first)}–{day}{ends:%H:%M}{name} ({utc_offset(begins)})"
    return (
        f"{begins.strftime(first)} ({utc_offset(begins)}) – {day}{ends:%H:%M} "
        f"({utc_offset(ends)}, after the clocks change){name}"
    )


# "after the clocks change", beside the end of a span across a change, in the languages messages
# are written in besides English (templates/mail/*.<language>.txt).
_AFTER_THE_CHANGE = {
    "es": "tras el cambio de hora",
    "fr": "après le changement d’heure",
    "pt": "após a mudança de horário",
    "ru": "после перевода часов",
    "zh": "时钟调整后",
}
# What stands between a span's day and its hours: a comma ("martes, 9 de marzo de 2027, 23:10–
# 23:30"), but a space in Chinese, which puts no comma after a date
# ("2027年3月9日星期二 23:10–23:30").
_DAY_THEN_HOURS = {"zh": " "}
# Between a city and its country: Chinese writes its own comma, full width and with no space
# after it ("加德满都，尼泊尔"), as a Chinese keyboard types it.
_CITY_THEN_COUNTRY = {"zh": "，"}


# Where a zone's city goes, for a zone this machine's time zone database does not know: its times
# are read in UTC (`zone_info`), and the reader is told why.
_NOT_KNOWN_HERE = {
    "en": "UTC ({zone} is not known here)",
    "es": "UTC ({zone} no se conoce aquí)",
    "fr": "UTC ({zone} n’est pas connu ici)",
    "pt": "UTC ({zone} não é conhecido aqui)",
    "ru": "UTC ({zone} здесь неизвестен)",
    "zh": "UTC（此处未知的时区 {zone}）",
}


def not_known_here(language: str, zone: str) -> str:
    """ "UTC (America/Nowhere is not known here)": what stands for the city of a zone this
    machine's time zone database does not know, in `language` (English for any other)."""
    return _NOT_KNOWN_HERE.get(language, _NOT_KNOWN_HERE["en"]).format(zone=zone)


# The same, for clock times kept as they were given in such a zone (an availability window's
# "09:00-12:00"), which are not UTC's and cannot be read in any other zone here.
_CLOCKS_NOT_KNOWN_HERE = {
    "en": "{zone} (not known here)",
    "es": "{zone} (no se conoce aquí)",
    "fr": "{zone} (pas connu ici)",
    "pt": "{zone} (não é conhecido aqui)",
    "ru": "{zone} (здесь неизвестен)",
    "zh": "{zone}（此处未知的时区）",
}


def clocks_not_known_here(language: str, zone: str) -> str:
    """ "America/Nowhere (not known here)": what names the zone of clock times given in a zone
    this machine's time zone database does not know (`not_known_here` names UTC instead, for
    instants read in it), in `language` (English for any other)."""
    return _CLOCKS_NOT_KNOWN_HERE.get(language, _CLOCKS_NOT_KNOWN_HERE["en"]).format(zone=zone)


def in_own_words(language: str) -> bool:
    """Whether times and days are written in `language`'s own words (CLDR's, through Babel):
    one of the languages messages are written in besides English (each has its words for
    "after the clocks change"); any other is written in English."""
    return language in _AFTER_THE_CHANGE


def time_span_in(
    language: str,
    zone: str,
    start: datetime,
    end: datetime,
    *,
    short: bool = False,
    named: bool = True,
) -> str:
    """`time_span` with the zone named, as `language` writes it (CLDR's words, through Babel):
    "domingo, 4 de abril de 2027, 1:00–1:30 Sídney (UTC+11)", the city in that language; short,
    "dom, 4 abr 2027, …"; without the city unless `named` (a page that names the zone beside
    it). English is `time_span`'s own, word for word."""
    # Kept once made, by instant (two wall times of one zone an hour apart in the hour the
    # clocks go back are equal datetimes): every contact of an office is told the same span.
    return _time_span_in(language, zone, start.astimezone(UTC), end.astimezone(UTC), short, named)


@lru_cache(maxsize=1024)
def _time_span_in(
    language: str, zone: str, start: datetime, end: datetime, short: bool, named: bool
) -> str:
    if not in_own_words(language):
        first = "%a %-d %b %Y, %H:%M" if short else "%A %-d %B %Y, %H:%M"
        return time_span(zone, start, end, first, named=named)
    begins, ends = local_time(zone, start), local_time(zone, end)
    tz = zone_info(zone)
    if short:
        day = format_skeleton("yMMMEd", begins, tzinfo=tz, locale=language)
    else:
        day = format_date(begins, "full", locale=language)
    city = f" {place_in(language, zone)}" if named else ""

    def clock(moment: datetime) -> str:
        return format_time(moment, "short", tzinfo=tz, locale=language)

    then = _DAY_THEN_HOURS.get(language, ", ")
    later = ""
    if ends.date() != begins.date():
        later = format_datetime(ends, "EEE" if short else "EEEE", tzinfo=tz, locale=language) + " "
    if begins.utcoffset() != ends.utcoffset():
        return (
            f"{day}{then}{clock(begins)} ({utc_offset(begins)}) – {later}{clock(ends)} "
            f"({utc_offset(ends)}, {_AFTER_THE_CHANGE[language]}){city}"
        )
    if later:
        hours = f"{clock(begins)}–{later}{clock(ends)}"
    else:
        hours = format_interval(begins, ends, "Hm", tzinfo=tz, locale=language)
    return f"{day}{then}{hours}{city} ({utc_offset(begins)})"


def moment_in_language(language: str, zone: str, at: datetime) -> str:
    """`moment_in` as `language` writes it: "17 de noviembre de 2026, 19:00, Lima (UTC−5)";
    English is `moment_in`'s own."""
    if not in_own_words(language):
        return moment_in(zone, at)
    there = local_time(zone, at)
    day = format_date(there, "long", locale=language)
    clock = format_time(there, "short", tzinfo=there.tzinfo, locale=language)
    then = _DAY_THEN_HOURS.get(language, ", ")
    return f"{day}{then}{clock}, {place_in(language, zone)} ({utc_offset(there)})"


def place_in(language: str, zone: str) -> str:
    """A zone's city as `language` writes it: "Sídney" for Australia/Sydney in Spanish."""
    if not in_own_words(language) or "/" not in zone:
        return place_name(zone)
    if not known(zone):
        return not_known_here(language, zone)
    if zone in SAID_AS:
        return SAID_AS[zone].get(language, SAID_AS[zone]["en"])
    return get_timezone_location(zone, locale=language, return_city=True)


def day_in(language: str, day: date) -> str:
    """A day as `language` writes it in a sentence: "4 April 2027", "4 de abril de 2027"."""
    if not in_own_words(language):
        return f"{day:%-d %B %Y}"
    if language == "ru":
        # Russian's long date ends "2026 г.", and a sentence ending with one then ends "г.."
        # (helper-150); in running text Russian writes the year out: "5 декабря 2026 года".
        return format_date(day, "d MMMM y 'года'", locale=language)
    return format_date(day, "long", locale=language)


# Closer than this, how soon something starts is said in hours (or minutes), also when it is
# tomorrow on the reader's clock: "in 2 hours" at 23:00 for a talk at 01:00, not "tomorrow".
_SAID_IN_HOURS = timedelta(hours=6)


def until_in(language: str, zone: str, start: datetime, now: datetime) -> str:
    """How soon `start` is, seen at `now` on the clocks of `zone`, as `language` says it in a
    sentence (CLDR's words, through Babel; English where it has no words of its own): "in 45
    minutes", "in 2 hours" the same day (or within six hours), then by the reader's calendar
    days, "tomorrow", "pasado mañana" where the language has a word for it, "in 3 days"."""
    language = language if in_own_words(language) else "en"
    ahead = max(start - now, timedelta(0))
    days = (local_time(zone, start).date() - local_time(zone, now).date()).days
    if days <= 0 or ahead < _SAID_IN_HOURS:
        # Whole hours from an hour on (1 h 40 min is "in 2 hours"), minutes below.
        return format_timedelta(
            ahead,
            granularity="minute",
            threshold=1,
            add_direction=True,
            format="long",
            locale=language,
        )
    fields = Locale.parse(language)._data["date_fields"]["day"]
    if named := fields["relative"].get(days):  # "tomorrow"; "pasado mañana", "后天"
        return named
    future = fields["future"]
    plural = Locale.parse(language).plural_form(days)
    return future.get(plural, future["other"]).format(days)


def clock_span(
    zone: str,
    start: datetime,
    end: datetime,
    since: datetime | None = None,
    *,
    language: str = "en",
) -> str:
    """From `start` to `end` as clock times of `zone`, for a row of an agenda: "13:00–13:20";
    the weekday before a time on another day than the one before it ("23:40–Sun 00:00"), and
    before the start when it falls on a later day than `since` (the meeting's start):
    "Sun 00:00–00:20" (in `language`'s words: "dom 00:00–00:20"); and its offset after the
    clocks changed since `since`: "02:00–02:30 (UTC+10)"."""
    begins, ends = local_time(zone, start), local_time(zone, end)
    first = local_time(zone, since) if since is not None else begins
    head = f"{short_weekday(begins, language)} " if begins.date() != first.date() else ""
    end_text = clock_end(zone, start, end, language=language)
    if begins.utcoffset() != ends.utcoffset():
        # The clocks change in between: each end with its offset ("02:00 (UTC+11)–02:00
        # (UTC+10)"), never a range that seems to end when or before it starts.
        return f"{head}{begins:%H:%M} ({utc_offset(begins)})–{end_text} ({utc_offset(ends)})"
    if begins.utcoffset() != first.utcoffset():
        # The clocks changed since the meeting began: the rows under a heading with the
        # start's offset read otherwise, and where they went back, as the hour before the
        # change, whose times the clocks repeat ("02:00–02:30" twice in one agenda).
        return f"{head}{begins:%H:%M}–{end_text} ({utc_offset(begins)})"
    return f"{head}{begins:%H:%M}–{end_text}"


def clock_end(zone: str, start: datetime, end: datetime, *, language: str = "en") -> str:
    """When something that starts at `start` ends, on the clocks of `zone`: "13:20", or with
    its weekday when that is another day than the start's ("Sun 01:15")."""
    begins, ends = local_time(zone, start), local_time(zone, end)
    if ends.date() != begins.date():
        return f"{short_weekday(ends, language)} {ends:%H:%M}"
    return f"{ends:%H:%M}"


def short_weekday(moment: datetime, language: str = "en") -> str:
    """A local time's weekday, short, as `language` writes it: "Sun", "dom", "вс"."""
    if not in_own_words(language):
        return f"{moment:%a}"
    return format_datetime(moment, "EEE", tzinfo=moment.tzinfo, locale=language)


def short_day(moment: "datetime | date", language: str = "en") -> str:
    """A day, short, as `language` writes it: "Sun 4 Apr" for a time, "4 Apr 2027" for a date;
    "dom, 4 abr", "4 abr 2027"."""
    timed = isinstance(moment, datetime)
    if not in_own_words(language):
        return f"{moment:%a %-d %b}" if timed else f"{moment:%-d %b %Y}"
    if timed:
        return format_skeleton("MMMEd", moment, tzinfo=moment.tzinfo, locale=language)
    return format_date(moment, "medium", locale=language)


@lru_cache(maxsize=1)
def place_time_zones() -> tuple[str, ...]:
    """The zones a person may choose, sorted: place names only (see `is_time_zone`)."""
    return tuple(sorted(name for name in known_time_zones() if is_time_zone(name)))


class LocalTimeError(ValueError):
    """A wall-clock time that does not exist, or exists twice, in a zone (DST changes). For a
    time that exists twice, `twice` holds the two UTC offsets it may have ("UTC+2", "UTC+1"),
    so that a page whose field takes no offset can say it its own way."""

    def __init__(self, message: str, twice: tuple[str, str] | None = None) -> None:
        super().__init__(message)
        self.twice = twice
        self.what = message.partition(";")[0]  # what is wrong, without what to do about it


def is_skipped(local: datetime, zone: str) -> bool:
    """Whether the clocks skip this wall-clock time in `zone` (the hour lost when daylight saving
    time starts): it names no instant."""
    naive = local.replace(tzinfo=None)
    tz = zone_info(zone)
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive


def to_utc(local: datetime, zone: str) -> datetime:
    """The instant of a wall-clock time in `zone`; refuses times a DST change skips or repeats."""
    tz = zone_info(zone)
    naive = local.replace(tzinfo=None)
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if is_skipped(naive, zone):
        raise LocalTimeError(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {zone}: the clocks skip it when daylight "
            "saving time starts. Choose another time."
        )
    if first.utcoffset() != second.utcoffset():
        offsets = (utc_offset(first), utc_offset(second))
        raise LocalTimeError(
            f"{naive:%Y-%m-%d %H:%M} happens twice in {zone} when daylight saving time ends; "
            f"give the UTC offset too ({offsets[0]} or {offsets[1]}).",
            twice=offsets,
        )
    return first.astimezone(UTC)


# The languages people type place names in: WIPO's working languages and Portuguese, as the
# offices' contacts prefer them (planner/offices/models.py LANGUAGES), and German for the offices
# in Munich. CLDR keeps a city's name in a locale only where it differs from the English one.
NAME_LANGUAGES = ("en", "es", "fr", "ru", "pt", "ar", "zh", "de")

# Places the offices sit in or people name, which CLDR's exemplar cities do not hold (CLDR names
# one city per zone: Zurich, not Geneva or Bern; Sydney, not Canberra). Names in the offices'
# languages; each maps to the zones it may mean, the likelier first.
PLACES: dict[str, tuple[str, ...]] = {
    "Geneva": ("Europe/Zurich",),
    "Ginebra": ("Europe/Zurich",),
    "Genève": ("Europe/Zurich",),
    "Genebra": ("Europe/Zurich",),
    "Genf": ("Europe/Zurich",),
    "Женева": ("Europe/Zurich",),
    "جنيف": ("Europe/Zurich",),
    "日内瓦": ("Europe/Zurich",),
    "Bern": ("Europe/Zurich",),
    "Berne": ("Europe/Zurich",),
    "Berna": ("Europe/Zurich",),
    "Берн": ("Europe/Zurich",),
    # Moscow time as Russian writes it: "по Москве", "МСК" (no summer time since 2014, so the
    # abbreviation means one offset all year, unlike CET).
    "Москве": ("Europe/Moscow",),
    "Московское время": ("Europe/Moscow",),
    "Московскому времени": ("Europe/Moscow",),
    "МСК": ("Europe/Moscow",),
    "MSK": ("Europe/Moscow",),
    "Canberra": ("Australia/Sydney",),
    "Канберра": ("Australia/Sydney",),
    "堪培拉": ("Australia/Sydney",),
    "Ottawa": ("America/Toronto",),
    "Оттава": ("America/Toronto",),
    "Gatineau": ("America/Toronto",),
    "Washington": ("America/New_York",),
    "Вашингтон": ("America/New_York",),
    "华盛顿": ("America/New_York",),
    # The USPTO's Alexandria (Virginia), and Egypt's.
    "Alexandria": ("America/New_York", "Africa/Cairo"),
    "Alejandría": ("America/New_York", "Africa/Cairo"),
    "Alexandrie": ("America/New_York", "Africa/Cairo"),
    "Александрия": ("America/New_York", "Africa/Cairo"),
    "Beijing": ("Asia/Shanghai",),
    "Pekín": ("Asia/Shanghai",),
    "Pékin": ("Asia/Shanghai",),
    "Pequim": ("Asia/Shanghai",),
    "Пекин": ("Asia/Shanghai",),
    "北京": ("Asia/Shanghai",),
    "Brasília": ("America/Sao_Paulo",),
    "Бразилиа": ("America/Sao_Paulo",),
    "Rio de Janeiro": ("America/Sao_Paulo",),
    "Рио-де-Жанейро": ("America/Sao_Paulo",),
    "Munich": ("Europe/Berlin",),
    "Múnich": ("Europe/Berlin",),
    "Munique": ("Europe/Berlin",),
    "München": ("Europe/Berlin",),
    "Мюнхен": ("Europe/Berlin",),
    "慕尼黑": ("Europe/Berlin",),
    "Alicante": ("Europe/Madrid",),
    "Аликанте": ("Europe/Madrid",),
    "Kilkenny": ("Europe/Dublin",),
    "New Delhi": ("Asia/Kolkata",),
    "Delhi": ("Asia/Kolkata",),
    "Mumbai": ("Asia/Kolkata",),
    "Bombay": ("Asia/Kolkata",),
    "Chennai": ("Asia/Kolkata",),
    "Bengaluru": ("Asia/Kolkata",),
    "Bangalore": ("Asia/Kolkata",),
    "Мумбаи": ("Asia/Kolkata",),
    "孟买": ("Asia/Kolkata",),
    "The Hague": ("Europe/Amsterdam",),
    "Den Haag": ("Europe/Amsterdam",),
    "La Haye": ("Europe/Amsterdam",),
    "La Haya": ("Europe/Amsterdam",),
    "Haia": ("Europe/Amsterdam",),
    "Гаага": ("Europe/Amsterdam",),
    "海牙": ("Europe/Amsterdam",),
    "Warszawa": ("Europe/Warsaw",),
    "Kraków": ("Europe/Warsaw",),
    "Strasbourg": ("Europe/Paris",),
    "Daejeon": ("Asia/Seoul",),
    "Tel Aviv": ("Asia/Jerusalem",),
    "Quito": ("America/Guayaquil",),
    "Ankara": ("Europe/Istanbul",),
    "Islamabad": ("Asia/Karachi",),
    "Astana": ("Asia/Almaty",),
    "Hanoi": ("Asia/Ho_Chi_Minh",),
    "Doha": ("Asia/Qatar",),
    "Pretoria": ("Africa/Johannesburg",),
    "Cape Town": ("Africa/Johannesburg",),
    "Yaoundé": ("Africa/Douala",),
    "Putrajaya": ("Asia/Kuala_Lumpur",),
    "Washington, D.C.": ("America/New_York",),
    "Washington DC": ("America/New_York",),
    "Washington D.C.": ("America/New_York",),
    "Wellington": ("Pacific/Auckland",),
    # Oregon's and Maine's.
    "Portland": ("America/Los_Angeles", "America/New_York"),
    # The country, and the US state.
    "Georgia": ("Asia/Tbilisi", "America/New_York"),
}


# Apostrophes as keyboards and CLDR write them: CLDR's "St. John’s" and "Côte d’Ivoire" have a
# typographic one, which no one types (helper-230: "St. John's" named no zone).
_APOSTROPHES = str.maketrans("", "", "'’‘ʼ`´")


def place_key(text: str) -> str:
    """`text` as names are compared: case, accents, apostrophes, dots, underscores and extra
    spaces ignored ("St Johns", the zone id's own city, is CLDR's "St. John’s")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_APOSTROPHES))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.replace("_", " ").replace("-", " ").replace(".", " ").split())


@lru_cache(maxsize=1)
def _place_names() -> dict[str, tuple[str, ...]]:
    """Every place name people may type, by `place_key`, with the zones it may mean."""
    return _names()[0]


@lru_cache(maxsize=1)
def _city_names() -> dict[str, tuple[str, ...]]:
    """The names of cities among them (CLDR's exemplar cities and `PLACES`), without the
    countries': French calls Mexico City "Mexico", English the country."""
    return _names()[1]


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    found: dict[str, list[str]] = {}
    cities: dict[str, list[str]] = {}

    def add(name: str, zones: list[str] | tuple[str, ...], *, city: bool) -> None:
        for names in (found, cities) if city else (found,):
            bucket = names.setdefault(place_key(name), [])
            bucket.extend(z for z in zones if is_time_zone(z) and z not in bucket)

    for name, zones in PLACES.items():
        add(name, zones, city=True)
    aliases = get_global("zone_aliases")
    # Old names ("Brazil/East", "Asia/Calcutta") stay valid when typed but are never offered.
    canonical = [zone for zone in place_time_zones() if zone not in aliases]
    for language in NAME_LANGUAGES:
        locale = Locale.parse(language)
        for zone in canonical:
            add(get_timezone_location(zone, locale=locale, return_city=True), [zone], city=True)
        for name, zones in country_names(language).items():
            add(name, zones, city=False)
    return tuple(  # type: ignore[return-value]
        {key: tuple(zones) for key, zones in names.items() if zones} for names in (found, cities)
    )


@cache
def country_names(language: str) -> dict[str, list[str]]:
    """Each country's name as CLDR writes it in `language` ("Perú", "Pérou", "Перу", "秘鲁"),
    with its territory's zones, sorted (Brazil has sixteen)."""
    territories = Locale.parse(language).territories
    return {
        name: sorted(zones)
        for territory, zones in get_global("territory_zones").items()
        if (name := territories.get(territory))
    }


def place_zones(name: str) -> tuple[str, ...]:
    """The zones a city's or country's name may mean, in any of the offices' languages ("Lima",
    "Perú": America/Lima; "Georgia": the country's and the US state's); none for another."""
    return _place_names().get(place_key(name), ())


# More commas than a place and its country hold ("Knox, Indiana, United States"), or longer than
# they are written (CLDR's longest name has 44 letters): read only as one part between each two,
# as the ways to cut a text in parts double with each comma, each reading the whole text again
# (a megabyte pasted into a zone field with five commas took three seconds).
_MOST_PARTS = 6
_MOST_CHARACTERS = 200


def _city_and_country(text: str) -> list[str] | None:
    """The zones "city, country" names (or "city, region, country", each part a place), read
    where the whole is no one place name; None where it is not written so. Names hold commas
    too: CLDR's city "Knox, Indiana", its territory "Hong Kong, RAE da China" (Portuguese), so
    the text is cut where its parts are names. The first part is read as a city where it is
    one: "Mexico, Mexique" is Mexico City (French), not every zone of the country (English's
    "Mexico"). A city in another country than the one named ("Lima, Mexico") is the city's."""
    names = _place_names()
    if whole := names.get(place_key(text)):
        return list(whole)
    pieces = text.split(",")
    if not any(piece.strip() for piece in pieces):
        return []  # only commas: no place named
    readings = []
    for parts in _ways_to_cut(pieces):
        parts = [part for part in parts if part.strip()]  # "Lima,, Peru"
        zones = [names.get(place_key(part), ()) for part in parts]
        if len(parts) < 2 or not all(zones):
            continue
        common = [z for z in zones[0] if all(z in other for other in zones[1:])]
        city = [z for z in _city_names().get(place_key(parts[0]), ()) if z in common]
        readings.append((not common, city or common or list(zones[0])))
    # Of the ways the text reads, one whose parts agree, naming fewest zones: the place said
    # most closely.
    return min(readings, key=lambda reading: (reading[0], len(reading[1])))[1] if readings else None


def _ways_to_cut(pieces: list[str]) -> Iterator[list[str]]:
    """Every way to join `pieces` back into consecutive parts, at the commas left between them:
    "Knox", "Indiana", "United States" as "Knox, Indiana" and "United States", and the rest;
    past `_MOST_PARTS` or `_MOST_CHARACTERS`, the pieces alone."""
    if len(pieces) > _MOST_PARTS or sum(map(len, pieces)) > _MOST_CHARACTERS:
        yield pieces
        return
    for cuts in range(1 << (len(pieces) - 1)):
        parts, start = [], 0
        for at in range(1, len(pieces)):
            if cuts >> (at - 1) & 1:
                parts.append(",".join(pieces[start:at]))
                start = at
        yield [*parts, ",".join(pieces[start:])]


def zone_city(zone: str) -> str:
    """The English name of the city a zone is named after: "Sao Paulo" for America/Sao_Paulo."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


# The commas a city and its country may be typed apart with, read as ",": the full-width one
# a Chinese keyboard types ("悉尼，澳大利亚", as the Chinese pages write it) and the Arabic one
# ("جنيف، سويسرا").
_COMMAS = str.maketrans({"，": ",", "،": ","})

_UTC_NAMES = (
    "utc",
    "etc/utc",
    "etc/universal",
    "universal",
    "zulu",
    "z",
    "coordinated universal time",
)


def resolve_zone(text: str) -> list[str]:
    """The IANA zones `text` may mean: a zone name, or a city or country in an office's language.

    One zone when the text is clear ("Lima" → America/Lima, "Ginebra" → Europe/Zurich), several
    to choose from when it fits more ("Brazil", "Portland"), none for text that names no place.
    "City, country" narrows a city to the country's zones.
    """
    text = text.strip()
    if not text:
        return []
    if is_time_zone(text):
        return [text]
    if text.casefold() in _UTC_NAMES:
        return ["UTC"]
    if text.casefold() in ("gmt", "etc/gmt", "greenwich mean time"):
        return ["UTC", "Europe/London"]  # the same in winter; London keeps summer time
    by_name = {name.casefold(): name for name in place_time_zones()}
    if text.casefold() in by_name:
        return [by_name[text.casefold()]]
    # Old place names only ("Asia/Calcutta"): CLDR also aliases abbreviations (CET, EST), which
    # are refused as they ignore daylight saving time where the place keeps it.
    alias = get_global("zone_aliases").get(text) if "/" in text else None
    if alias and is_time_zone(alias):
        return [alias]
    names = _place_names()
    text = text.translate(_COMMAS)
    if "," in text and (named := _city_and_country(text)) is not None:
        return named
    if "/" in text:
        # Written as a zone IANA does not have ("Europe/Geneva", "Asia/Mumbai"): its
        # city may be a place we know, in the region it names where it fits.
        region, _, city = text.rpartition("/")
        zones = list(names.get(place_key(city.replace("_", " ")), ()))
        within = [z for z in zones if z.casefold().startswith(region.strip().casefold() + "/")]
        return within or zones
    return list(place_zones(text))


def current_id(zone: str) -> str:
    """The id a zone goes by today: "Asia/Kathmandu" for "Asia/Katmandu", "Asia/Kolkata" for
    "Asia/Calcutta", old ids browsers still report (Chromium's Intl does) and IANA keeps as
    links to the same rules."""
    newer = get_global("zone_aliases").get(zone)
    return newer if newer and is_time_zone(newer) else zone


def zone_place(zone: str, language: str = "en") -> str:
    """A zone as a person looks for it, by its city and country in `language`: "Kathmandu,
    Nepal", "Katmandú, Nepal", "加德满都，尼泊尔", "Geneva, Switzerland" (`SAID_AS`); the city
    alone where the country is called alike ("Singapore") or there is none ("UTC")."""
    if "/" not in zone:
        return zone
    city = place_in(language, zone)
    territory = get_global("zone_territories").get(current_id(zone))
    names = Locale.parse(language if in_own_words(language) else "en").territories
    country = names.get(territory) if territory and territory != "001" else None
    if not country or place_key(country) == place_key(city):
        return city
    return f"{city}{_CITY_THEN_COUNTRY.get(language, ', ')}{country}"


def zone_shown(zone: str, language: str = "en") -> str:
    """What a zone field shows for `zone`: its place (`zone_place`), which typed back names the
    same zone; its id where the place would not ("Asia/Calcutta" shows as "Kolkata, India",
    the zone's name today). Text that names no zone, as typed."""
    # Not kept: the volunteer form shows anyone's refused text back through here, and a
    # megabyte of it, each time other, was kept by the thousand (helper-243).
    return _zone_shown(zone, language) if is_time_zone(zone) else zone


@lru_cache(maxsize=4096)  # every zone in every page language
def _zone_shown(zone: str, language: str) -> str:
    place = zone_place(zone, language)
    return place if resolve_zone(place) in ([zone], [current_id(zone)]) else zone


def zone_offsets(zone: str, since: date) -> str:
    """The UTC offsets `zone` keeps in the year from `since`: "UTC+5:45", "UTC+9:30 / UTC+10:30"
    (summer time), as a person searching by offset types them."""
    tz = zone_info(zone)
    noon = datetime.combine(since, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    seen = {(noon + timedelta(days=d)).astimezone(tz).utcoffset() for d in range(0, 366, 7)}
    ordered = sorted(seen, key=lambda offset: offset or timedelta(0))
    return " / ".join(utc_offset(datetime(2000, 1, 1, tzinfo=timezone(o))) for o in ordered)


@lru_cache(maxsize=16)
def zone_choices(
    language: str = "en", since: date | None = None
) -> tuple[tuple[str, str, str], ...]:
    """(zone, place, offsets) for a list to pick from, sorted by place: each zone by its city
    and country in `language` (`zone_shown`), and the extra places ("Canberra, Australia"),
    with the offsets it keeps in the year from `since` (left out without it). A person finds
    their zone by their city, their country, its id or its offset; the field keeps the place
    and the form the zone it names."""
    aliases = get_global("zone_aliases")
    # UTC too, which CLDR calls an alias of Etc/UTC: some read every time in it.
    zones = [zone for zone in place_time_zones() if zone not in aliases or zone == "UTC"]
    choices = {zone_shown(zone, language): zone for zone in zones}
    said = {place_key(name) for names in SAID_AS.values() for name in names.values()}
    for name, named in PLACES.items():
        # Abbreviations ("MSK") are read when typed, not offered; nor are the names a zone is
        # said by in other languages ("Ginebra, Switzerland" beside "Geneva, Switzerland").
        if place_key(name) in said or name.isupper() or not name.isascii():
            continue
        if len(named) == 1 and is_time_zone(named[0]):
            # Written in English (the names are), the country too: "Canberra, Australia".
            shown = zone_place(named[0]).replace(place_name(named[0]), name, 1)
            place = shown if resolve_zone(shown) == [named[0]] else name
            choices.setdefault(place, named[0])
    return tuple(
        (zone, place, zone_offsets(zone, since) if since else "")
        for place, zone in sorted(choices.items(), key=lambda item: place_key(item[0]))
    )


class ZoneError(ValueError):
    """Text that names no time zone, or several: the message says which to choose from."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.message = message
        self.candidates = candidates


def stored_zone_not_known(zone: str) -> str:
    """What a form says of the zone it came filled in with, as stored, which this machine's
    time zone database does not know (`known`): not that nobody knows it, as of a zone typed,
    but what the office's page says of it, and to choose one."""
    return gettext(
        '"%(zone)s" is not known to this server\'s time zone database: kept from a newer one, '
        "or dropped since. Choose the zone again: type a city such as Lima or Geneva, or a zone "
        "such as America/Lima.",
        zone=shorten(zone, 41),
    )


def pick_zone(text: str, stored: str | None = None) -> str:
    """The one zone `text` names (see `resolve_zone`), by the id it goes by today
    (`current_id`: "Asia/Kolkata" for a browser's "Asia/Calcutta", so that a presenter's zone
    and their meeting's compare equal), or a ZoneError saying what to type. `stored` is the
    zone the item has now: sent back unchanged where this machine does not know it, the
    co-lead is told so (`stored_zone_not_known`), not that they typed a name nobody knows."""
    zones = resolve_zone(text)
    if len(zones) == 1:
        return current_id(zones[0])
    shown = text.strip()
    if stored and shown == stored and not known(stored):
        raise ZoneError(stored_zone_not_known(stored), [])
    shown = shorten(shown, 41)  # a pasted page is not said back whole
    if not zones:
        raise ZoneError(
            gettext(
                '"%(text)s" is not a time zone name, nor a city or country we know. Type a city '
                "such as Lima or Geneva, or a zone such as America/Lima (abbreviations like CET "
                "and fixed offsets ignore daylight saving time).",
                text=shown,
            ),
            [],
        )
    # Each by its id, which the API and a typed field take, and its place in the page's
    # language, which a person recognises: "Pacific/Kanton (Isla Kanton)", the country too
    # where they are in several ("Europe/Paris (París, Francia)").
    from planner.languages import page_language  # which reads this module

    language = page_language()
    territories = get_global("zone_territories")
    one_country = len({territories.get(current_id(zone)) for zone in zones}) == 1
    places = [
        (zone, place_in(language, zone) if one_country else zone_place(zone, language))
        for zone in zones
    ]
    if language == "zh":
        # Chinese punctuation, full width: "Asia/Tbilisi（第比利斯，格鲁吉亚）、America/…".
        listed = "、".join(f"{zone}（{place}）" for zone, place in places)
    else:
        listed = ", ".join(f"{zone} ({place})" for zone, place in places)
    raise ZoneError(
        gettext(
            '"%(text)s" fits several time zones; choose one: %(zones)s.', text=shown, zones=listed
        ),
        zones,
    )
