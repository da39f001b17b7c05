"""Reading what people write about when they can present ("Tuesdays 14-16 Geneva time except
3 March", "martes y jueves de 8:00 a 11:00", "每周二和周四上午9点到11点") into availability
windows, to pre-fill the form: a best effort, never stored as it is. Pure."""

import re
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from babel.dates import get_timezone_location

from planner.availability.windows import Window
from planner.availability.words import (
    CHINESE_AFTER_DAY,
    CHINESE_AFTERNOON,
    CHINESE_COUNTERS,
    CHINESE_DAYS,
    CHINESE_HOURS,
    CHINESE_MORNING,
    EXCEPT_WORDS,
    FULL_WIDTH,
    LISTED,
    SURE,
    WEAK,
    WEAK_MONTHS,
    WEEKDAY_PHRASES,
    day_words,
    has_chinese,
    month_words,
    plain,
    russian_genitive,
    unaccented,
)
from planner.db_types import FIRST_YEAR, LAST_YEAR
from planner.timezones import (
    NAME_LANGUAGES,
    PLACES,
    country_names,
    current_id,
    is_time_zone,
    place_key,
    place_name,
    place_time_zones,
    place_zones,
    resolve_zone,
)

_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


# Zones' city names that are common words in what people write about when they can present
# ("not around Easter", "Central European Time", "Davis will present"): read as no place.
_NOT_A_PLACE = frozenset(
    {
        "easter",
        "christmas",
        "reunion",
        "central",
        "center",
        "eastern",
        "western",
        "pacific",
        "mountain",
        "atlantic",
        "casey",
        "davis",
        "palmer",
        "troll",
        "regina",
        "knox",
        # Names of people and of things more than of the zones' islands and bases.
        "stanley",
        "victoria",
        "dawson",
        "currie",
        "johnston",
        "mendoza",
        "chatham",
        "midway",
        "wake",
        "jersey",
    }
)


@cache
def _places() -> dict[str, str]:
    """City names as `place_key` spells them ("lima", "buenos aires", "warszawa") to their zone:
    each zone's city, and the places people name that are not a zone's (`PLACES`) where the name
    means one zone ("Georgia", "Portland" mean two: free text does not guess)."""
    places = {}
    for zone in place_time_zones():
        places.setdefault(place_key(zone.rsplit("/", 1)[-1]), zone)
    # And by CLDR's English name where it is another ("Chatham Islands", "Lord Howe Island",
    # "Ho Chi Minh City"; helper-230): two words no one writes but for the place.
    for zone in place_time_zones():
        places.setdefault(place_key(place_name(zone)), current_id(zone))  # not "Australia/LHI"
    for name, zones in PLACES.items():
        key = place_key(name)
        if len(zones) == 1:
            places[key] = zones[0]
        else:
            places.pop(key, None)
    places["alexandria"] = "America/New_York"  # the USPTO's, for this app's offices
    for word in _NOT_A_PLACE:
        places.pop(word, None)
    return places


_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
# Hours as other languages mark them: "9h", "9-12 h", "de 9 a 12 horas", "с 9 до 12 ч".
_UNIT = r"(?:h|hs|hrs?|horas?|heures?|ч|час(?:а|ов)?)"
# "2ª feira", "6ª": Portuguese weekdays by their number (Monday is the second day).
_NUMBERED_DAY = r"[2-6](?:ª(?:[\s-]feiras?)?|a[\s-]feiras?)"


# Before a range's first hour: not a digit after another's colon or point ("9:5", "9.5"), nor
# after a lone number's comma ("9,5": nine and a half where a comma marks decimals); after a
# range's end, its hour or its minutes ("8-9,14-16", "8:00-9:00,14:00-16:00"), a comma is the
# next range's.
_NOT_AFTER_A_CLOCK = r"(?<!\d[:.])(?<!(?<![\d:.-])\d,)(?<!(?<![\d:.-])\d\d,)"


def _clock_pattern(name: str) -> str:
    """An English clock time: "9", "09:30", "9.30", "2pm"; its parts named `name`_h, _m, _x."""
    return (
        rf"(?P<{name}_h>\d{{1,2}})(?:[:h.](?P<{name}_m>\d{{2}}))?"
        rf"\s*(?P<{name}_x>am|pm|a\.m\.|p\.m\.)?"
    )


def _local_clock_pattern(name: str) -> str:
    """A clock time as the other languages write it: "9h", "9h30", "09:00 h", "9 h 30", "12 ч";
    "2 pm", "2 p. m." as Spanish writes a 12-hour clock (`name`_half)."""
    return (
        rf"(?P<{name}_h>\d{{1,2}})(?:(?:[:.]|\s?h\s?)(?P<{name}_m>\d{{2}}))?"
        rf"(?:(?P<{name}_x>\s?{_UNIT}\b\.?)|\s?(?P<{name}_half>[ap]\.?\s?m\b\.?))?"
    )


def _year_pattern(name: str) -> str:
    """A year after a day and month: "12 mars 2027", "12 de marzo de 2027", "12 марта 2027 г."."""
    return rf"(?:,?\s+(?:del?\s+)?(?P<{name}>\d{{4}})\b)?(?:\s*(?:года|год|г)\b\.?)?"


def _alternatives(words: Iterable[str]) -> str:
    """Words as alternatives of a pattern, longest first ("segunda-feira" before "segunda");
    a hyphen in one may be written as a space ("segunda feira")."""
    escaped = (re.escape(word) for word in sorted(words, key=len, reverse=True))
    return "|".join(word.replace(r"\-", r"[\s-]") for word in escaped)


@cache
def _token_pattern(chinese: bool = False) -> re.Pattern:
    """Dates, weekdays and hours in free text (`unaccented`), English and the pages' other
    languages; the English alternatives come before theirs where both could match. Chinese
    ones (`_chinese_patterns`) come last, and only for a text with Han characters: any other
    text is read as before."""
    days, months = day_words(), month_words()
    day = rf"(?:{_alternatives(days)}|{_NUMBERED_DAY})"
    month = _alternatives(months)
    # Months both English and theirs ("mar", "may", "dec"): "12-16 Mar" is read as English
    # (hours), "12-16 de marzo" as dates.
    shared = _alternatives(word for word in months if _english_month(word) is not None)
    every_month = _alternatives({*months, *_MONTHS, *(name[:3] for name in _MONTHS)})
    # "martes", "mardi": days that the English month pattern would take for March.
    march_days = _alternatives(w for w in days if w != "mar" and re.fullmatch(_MONTH, w))
    return re.compile(
        rf"(?P<iso>\b\d{{4}}-\d{{2}}-\d{{2}}\b)"
        # "del 12 al 16 de marzo", "du 12 au 16 mars", "с 12 по 16 марта", "12-16 de março"
        rf"|(?P<span>\b(?!\d{{1,2}}\s*-\s*\d{{1,2}}\s+(?:{shared})\b)"
        rf"(?P<span_a>\d{{1,2}})(?:er|o|º)?\s*(?:-|\b(?:al|au|a|ao|по|до)\b)\s*"
        rf"(?P<span_b>\d{{1,2}})(?:er|o|º)?\s+(?:de\s+)?(?P<span_month>{month})\b\.?"
        rf"{_year_pattern('span_year')})"
        # "12 de marzo (de 2027)", "1er mars", "12 de março", "12 марта 2027 г."
        rf"|(?P<ldm>\b(?P<ldm_day>\d{{1,2}})(?:er|o|º)?\s+(?P<ldm_de>de\s+)?"
        rf"(?P<ldm_month>{month})\b(?P<ldm_dot>\.)?{_year_pattern('ldm_year')})"
        rf"|(?P<dm>\b(?P<dm_day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<dm_month>{_MONTH})\b\.?"
        rf"(?:\s+(?P<dm_year>\d{{4}}))?)"
        # "Mar 12"; not "mar 9:00" (Tuesday in Spanish, not 9 March) nor "martes 12".
        rf"|(?P<md>\b(?!(?:{march_days})\b)(?P<md_month>{_MONTH})\.?\s+(?P<md_day>\d{{1,2}})"
        rf"(?:st|nd|rd|th)?\b(?![:.]\d),?(?:\s+(?P<md_year>\d{{4}}))?)"
        # Not from the middle of "9:5", "9.5" or "9,5": its 5 is no hour ("9.5-12" is not
        # 05:00-12:00).
        rf"|(?P<range>{_NOT_AFTER_A_CLOCK}\b{_clock_pattern('ra')}"
        rf"\s*(?:-|to|until|till)\s*{_clock_pattern('rb')})"
        # "9h-12h", "de 9:00 a 12:00", "das 9h às 12h", "с 9 до 12", "entre 9 y 12 h"; not
        # "de 12 a 16 de marzo" (days of March)
        rf"|(?P<lrange>{_NOT_AFTER_A_CLOCK}\b{_local_clock_pattern('la')}\s*"
        rf"(?P<lrange_by>-|\b(?:a|as|hasta|ate|до|y|e|et|и)\b)\s*(?:(?:las|les|as|os)\s+)?"
        rf"{_local_clock_pattern('lb')}(?!\s*(?:de\s+)?(?:{every_month})\b))"
        rf"|(?P<days>\b(?P<days_a>{_DAY})\s*(?:-|to|through|thru)\s*(?P<days_b>{_DAY})\b)"
        rf"|(?P<day>\b{_DAY}\b)"
        # "de lunes a viernes", "du lundi au vendredi", "de segunda a sexta", "пн-пт"
        rf"|(?P<ldays>\b(?P<ldays_a>{day})\b\.?\s*"
        rf"(?:-|\b(?:a|al|au|ao|hasta|ate|jusqu'?au|jusqu'?a|по|до)\b)\s*"
        rf"(?P<ldays_b>{day})\b\.?)"
        rf"|(?P<lday>\b{day}\b\.?)"
        rf"|(?P<weekdays>\bweekdays\b|\bworking days\b)"
        rf"|(?P<lweekdays>\b(?:{'|'.join(WEEKDAY_PHRASES)})\b)"
        rf"|(?P<but>\b(?:{'|'.join(EXCEPT_WORDS)})\b)" + (_chinese_patterns() if chinese else ""),
        re.IGNORECASE,
    )


# --- Chinese: by characters, as Chinese has no spaces between words --------------------------

_ZH_NUMBER = "[" + "".join(CHINESE_DAYS) + "]"  # 一…六, 日, 天 after 星期, 礼拜 or 周
# 周 is a surname, and "周一鸣" a person: a day written with 周 is one only before a character
# that may follow a day (`words.CHINESE_AFTER_DAY`), a sign, a digit, a space or the end.
_ZH_FOLLOW = rf"(?=$|[^\u4e00-\u9fff]|[{CHINESE_AFTER_DAY}])"
# Not "上周一", "下周一", "本周一", "这个星期一": one Monday, not every one.
_ZH_NOT_ONE = r"(?<![上下本这])(?<!上个)(?<!下个)(?<!这个)"
_ZH_DAY = rf"(?:(?:星期|礼拜){_ZH_NUMBER}|周{_ZH_NUMBER}{_ZH_FOLLOW})"
_ZH_TO = r"\s*(?:至|到|-|~)\s*"
_ZH_HALF = "|".join((*CHINESE_MORNING, *CHINESE_AFTERNOON))
_ZH_NUMERAL_HOUR = "|".join(sorted(CHINESE_HOURS, key=len, reverse=True))
# Before an hour: not "第2点" (the second point), "差一点", "早一点", "多一点" (a little).
_ZH_NOT_HOUR = r"(?<![\d.:第差快慢早晚多少好些这那])"


def _zh_clock_pattern(name: str) -> str:
    """A Chinese clock time: "9:00", "9点", "9点半", "9点30分", "9时", "下午2点", "九点"; its
    parts named `name`_half, _h, _c (a Chinese numeral), _u (":", 点 or 时), _m, _30."""
    return (
        rf"(?:(?P<{name}_half>{_ZH_HALF})\s*)?{_ZH_NOT_HOUR}"
        rf"(?:(?P<{name}_h>\d{{1,2}})|(?P<{name}_c>{_ZH_NUMERAL_HOUR})(?=[点时]))"
        rf"(?:(?P<{name}_u>:)(?P<{name}_m>\d{{2}})"
        rf"|(?P<{name}_unit>[点时])(?:(?P<{name}_30>半)|(?P<{name}_mm>\d{{1,2}})分|(?P<{name}_m2>\d{{2}})(?!\d))?)?"
    )


def _chinese_patterns() -> str:
    """Alternatives of `_token_pattern` for Chinese: "3月12日", "2027年3月12日（星期五）",
    "3月12日至14日", "星期二", "周一至周五", "周二、四", "工作日", "除周三外", "周三除外",
    "9点到12点", "上午9:00至11:00", "下午2点至4点"."""
    return (
        # A weekday after a date names it: "3月12日（星期五）", "3月12日 周五".
        rf"|(?P<zdate>(?<!\d)(?:(?P<zd_year>\d{{4}})\s*年\s*)?(?P<zd_month>\d{{1,2}})\s*月\s*"
        rf"(?P<zd_day>\d{{1,2}})\s*(?P<zd_ri>[日号])?"
        rf"(?:{_ZH_TO}(?:(?P<zd_month2>\d{{1,2}})\s*月\s*)?(?P<zd_day2>\d{{1,2}})\s*[日号])?"
        rf"(?:\s*[（(]?\s*(?:星期|礼拜|周)(?P<zd_named>{_ZH_NUMBER})\s*[)）]?)?)"
        rf"|(?P<zhours>{_zh_clock_pattern('za')}{_ZH_TO}{_zh_clock_pattern('zb')})"
        # "周一至周五", "星期一到星期五", "周一至五", "周一~周五"
        rf"|(?P<zdays>{_ZH_NOT_ONE}(?:星期|礼拜|周)(?P<zdays_a>{_ZH_NUMBER}){_ZH_TO}"
        rf"(?:(?:星期|礼拜|周)(?P<zdays_b>{_ZH_NUMBER})|(?P<zdays_c>{_ZH_NUMBER}){_ZH_FOLLOW}))"
        # "星期二", "每周二", "周二和周四", "周一、三、五"
        rf"|(?P<zday>{_ZH_NOT_ONE}{_ZH_DAY}"
        rf"(?:\s*[、和与及或]\s*(?:{_ZH_DAY}|{_ZH_NUMBER}{_ZH_FOLLOW}))*)"
        # Working days; not "3个工作日" (within three working days) nor "非工作日".
        r"|(?P<zweekdays>(?<![\d一二两三四五六七八九十几]个)(?<![非\d一二两三四五六七八九十几])工作日)"
        # "周三除外": the days just before are taken out; "除（了）周三（以）外" the days after.
        r"|(?P<zout>除外)"
        r"|(?P<zbut>除了|除)"
    )


def _day(word: str) -> int | None:
    word = word.lower().rstrip(".")
    if len(word) > 3 and word.endswith("s"):
        word = word[:-1]
    matches = [i for i, name in enumerate(_FULL_DAYS) if len(word) >= 3 and name.startswith(word)]
    return matches[0] if matches else None


def _local_day(word: str) -> tuple[int, str] | None:
    """A weekday word of the other languages: its day and how sure it is one (`words`)."""
    word = re.sub(r"[\s-]+", "-", plain(word).rstrip("."))
    numbered = re.fullmatch(r"([2-6])[ªa](.*)", word)
    if numbered:
        return int(numbered[1]) - 2, SURE if numbered[2] else WEAK
    return day_words().get(word)


def _english_month(word: str) -> int | None:
    word = word.lower().rstrip(".")
    matches = [i + 1 for i, name in enumerate(_MONTHS) if len(word) >= 3 and name.startswith(word)]
    return matches[0] if matches else None


def _month(word: str) -> int | None:
    """An English month ("Mar", "March"), else one of the other languages' ("marzo", "mars")."""
    return _english_month(word) or month_words().get(plain(word).rstrip("."))


def _clock(hour: str, minute: str | None, half: str | None) -> time | None:
    h, m = int(hour), int(minute or 0)
    half = re.sub(r"[.\s]", "", half or "").lower()  # "p. m." is "pm"
    if half == "pm" and h < 12:
        h += 12
    elif half == "am" and h == 12:
        h = 0
    if h == 24 and m == 0:
        h = 0
    return time(h, m) if 0 <= h < 24 and 0 <= m < 60 else None


def _hours(groups: Sequence[str | None]) -> tuple[time, time] | None:
    h1, m1, half1, h2, m2, half2 = groups
    if half2 and not half1:
        # "2-4pm": the first time shares the second's half of the day where that reads forward.
        shared, second = _clock(h1, m1, half2), _clock(h2, m2, half2)
        if shared is not None and second is not None and shared < second:
            half1 = half2
    first, second = _clock(h1, m1, half1), _clock(h2, m2, half2)
    if first is None or second is None or first == second:
        return None
    return first, second if half2 else _forward(first, second, h1, h2)


def _forward(first: time, second: time, first_hour: str, second_hour: str) -> time:
    """The end of hours on a 12-hour clock with no half of the day to it ("12-1", "10am-2",
    "de 10 a 2", "12点半到1点"): the afternoon's (13:00, 14:00) where that comes after the start,
    not a time past midnight. A 24-hour clock (a start after 12, an end with a leading zero:
    "23-1", "16-5", "22:00-01:00") is read as written: a window across midnight."""
    twelve_hour = int(first_hour) <= 12 and not second_hour.startswith("0")
    if twelve_hour and second < first and 1 <= int(second_hour) <= 11:
        afternoon = second.replace(hour=second.hour + 12)
        if afternoon > first:
            return afternoon
    return second


def _date(year: str | None, month: int | None, day: str, today: date) -> date | None:
    """The day a date names: in its year, or with none the next one to come ("12 March"
    written in December: next March's; "29 February": the next leap year's)."""
    if month is None:
        return None
    years = [int(year)] if year else range(today.year, today.year + 9)
    for number in years:
        with suppress(ValueError):
            found = date(number, month, int(day))
            if year or found >= today:
                # A year the form refuses ("1 January 0001", the "1000" of "10000") pre-fills
                # no window.
                return found if _a_year_kept(found) else None
    return None


def _a_year_kept(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


# "UTC+8", "GMT -5", "UTC+05:30": an offset names no place, and the app's zones are places
# (one with summer time, or none): it is not read as UTC, nor as a zone (helper-70).
_OFFSET = re.compile(r"\b(?:UTC|GMT)\s*([+\-−])\s*(\d{1,2})(?::?(\d{2}))?\b", re.IGNORECASE)


def _off_utc(offset: re.Match) -> bool:
    """Whether an `_OFFSET` match is other than zero ("UTC+0" is UTC)."""
    return bool(int(offset[2]) or int(offset[3] or 0))


def find_offset(text: str) -> str | None:
    """The first UTC offset other than zero written in `text` ("UTC+8"), as written."""
    return next((m[0] for m in _OFFSET.finditer(text or "") if _off_utc(m)), None)


def find_zone(text: str) -> str | None:
    """The first time zone or place named in `text` ("America/Lima", "Lima"), if any; before
    any place, a country named as the time's ("hora de Perú", `_country_as_the_time`). A UTC
    offset ("UTC+8") is none (`find_offset`); "UTC+0" is UTC."""
    text = _OFFSET.sub(lambda m: " " if _off_utc(m) else " UTC ", text or "")
    for name in re.findall(r"\b[A-Z][A-Za-z_]+/[A-Za-z_/]+\b", text):
        if is_time_zone(name):
            return name
    if country := _country_as_the_time(text):
        return country
    # A place is a proper name: it starts with a capital ("after I wake up" names no Wake).
    # A word keeps its apostrophe: "St. John's" is "St John's", not "St John s".
    words = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*", text)
    places = _places()
    for i in range(len(words)):
        if not words[i][0].isupper():
            continue
        for size in (3, 2, 1):
            phrase = words[i : i + size]
            key = place_key(" ".join(phrase))
            if len(phrase) == size and key in places:
                return places[key]
    # Moscow time as Russian says it, in lower case too: "по московскому времени", "мск".
    if _MOSCOW_TIME.search(text):
        return "Europe/Moscow"
    found = _chinese_place().search(text) if has_chinese(text) else None
    return None if found is None else _chinese_places()[found[0]]


def _country_as_the_time(text: str) -> str | None:
    """The zone of the first country named as the time's ("hora de Perú", "horário do
    Paraguai", "heure du Pérou", "по времени Перу", "Peru time"), where it has one zone. A
    country named elsewhere ("I will be in Peru next week", "Chad will present") is where
    someone is or was, and many countries' names are people's or words too: it names no zone.
    Looked for from the few words for the time, a few words either side of them."""
    text = plain(text)
    for word in _TIME_WORD.finditer(text):
        zones, longest = _country_zones()
        found = None
        if not word["after"]:  # "hora de Perú", "time zone: Peru": the country just after
            words = text[word.end() : word.end() + _CONTEXT].split()
            if words and words[0] in ("el", "la", "le", "o", "a", "the"):
                words = words[1:]
            found = _country_in(zones, words[:longest], forward=True)
        if found is None and word[0].startswith("time"):  # "Peru time", "Peru time zone"
            start = _before(word.start())
            words = _BEFORE_TIME.sub("", text[start : word.start()]).split()
            if start and not text[start - 1].isspace():
                words = words[1:]  # the end of a word the context cut
            found = _country_in(zones, words[-longest:], forward=False)
        if found is not None:
            return found
    return None


def _country_in(zones: dict[str, str], words: list[str], *, forward: bool) -> str | None:
    """The zone of the country `words` start with (`forward`) or end with, the longest ("Costa
    Rica", not a "Rica"), signs around its words left out ("(Perú),", "Costa Rica:")."""
    keys = [place_key(re.sub(r"^\W+|\W+$", "", word)) for word in words]
    for size in range(len(keys), 0, -1):
        if zone := zones.get(" ".join(keys[:size] if forward else keys[-size:])):
            if not forward and any(
                " ".join(keys[-longer:]) in _places() for longer in range(size + 1, len(keys) + 1)
            ):
                # The end of a place's name: "Lord Howe Island time" is no "Island" (German
                # for Iceland) time (helper-230); the place is read as one.
                return None
            return zone
    return None


# Words for the time a country may be named beside, as each language does: before it ("hora de
# Perú", "hora del Perú", "horario de Paraguay", "zona horaria de Perú", "horário do Peru",
# "heure du Pérou", "heure de l'Uruguay", "fuseau horaire du Pérou", "по (местному) времени
# Перу", "часовой пояс Перу", "local time in Peru", "time zone: Peru"), or after it ("Peru
# time", "Colombia local time").
_TIME_WORD = re.compile(
    r"\b(?:(?:hora|horario|horaria|heures?|horaire|врем(?:я|ени)|часово\w*\s+пояс\w*"
    r"|local\s+time\s+in|time\s*zone)\b"
    r"(?:\s+(?:local|oficial|locale|legale|officielle))?"
    r"(?:\s+(?:de\s+la|de\s+l|del|de|do|da|du|des|d|en|em|au|в)\b)?['’]?[\s:]*"
    r"|(?P<after>time)\b)"
)
# Between a country and "time" after it: "Peru's local time".
_BEFORE_TIME = re.compile(r"(?:['’]s)?\s+(?:(?:local|standard|official)\s+)?$")


@cache
def _country_zones() -> tuple[dict[str, str], int]:
    """Countries' names (`place_key`), CLDR's in the offices' languages (Russian's in the
    genitive too, as it follows "по времени": "Парагвая"), to their zone where the name means
    one as the zone fields read it (`place_zones`: not "Georgia", a country and a US state, nor
    "Brasil", with sixteen zones); and how many words the longest has."""
    zones = {}
    for language in NAME_LANGUAGES:
        for name in country_names(language):
            found = place_zones(name)
            if len(found) != 1:
                continue
            zones[place_key(name)] = found[0]
            genitive = russian_genitive(name) if language == "ru" else None
            if genitive and not place_zones(genitive):  # not another place's name
                zones[place_key(genitive)] = found[0]
    return zones, max(len(name.split()) for name in zones)


_MOSCOW_TIME = re.compile(
    r"\bмосковск\w*\s+врем\w*|\bврем\w*\s+(?:по\s+)?московск\w*|\bмск\b", re.IGNORECASE
)


@cache
def _chinese_places() -> dict[str, str]:
    """Places as Chinese writes them, to their zone: each zone's city in CLDR's zh ("东京",
    "利马", "上海"), the offices' cities (`PLACES`: "北京", "日内瓦") and the countries ("秘鲁"),
    where the name means one zone."""
    names = {name for name in PLACES if re.fullmatch(r"[\u4e00-\u9fff]+", name)}
    cities = (
        get_timezone_location(zone, locale="zh", return_city=True) for zone in place_time_zones()
    )
    for name in (*cities, *country_names("zh")):
        if re.fullmatch(r"[\u4e00-\u9fff]+", name):
            names.add(name)
    return {name: zones[0] for name in names if len(zones := resolve_zone(name)) == 1}


@cache
def _chinese_place() -> re.Pattern:
    """A place in Chinese text: a city or country before 时间 ("北京时间", "东京时间", "利马时间",
    "秘鲁时间"), as Chinese says a zone, or one of the offices' cities alone ("北京", "日内瓦").
    Chinese has no spaces: a CLDR city alone may be part of another word, and is not read."""
    cities = _alternatives(_chinese_places())
    offices = _alternatives(name for name in _chinese_places() if name in PLACES)
    return re.compile(rf"(?P<place>{cities})(?=时间)|(?P<office>{offices})")


@dataclass(frozen=True)
class Reading:
    """What could be read from free text, to pre-fill the form: never stored as it is."""

    windows: list[Window]
    time_zone: str
    zone_named: bool  # the text named the zone (else the default was taken)
    offset: str | None = None  # a UTC offset the text gave instead of a place ("UTC+8")


def read_text(text: str, default_zone: str, *, today: date | None = None) -> Reading:
    """A best-effort reading of "Tuesdays and Thursdays 08:00–11:00 Lima", "Mon-Fri 9-12",
    "12 March 2026 14:00-16:00", and of the same in Spanish, French, Portuguese, Russian and
    Chinese ("martes y jueves de 8:00 a 11:00", "du lundi au vendredi, 9h-12h", "12 de março,
    das 14h às 16h", "по вторникам с 9 до 12", "每周二和周四上午9点到11点"): days or dates are
    collected until hours follow, and those hours go with them (hours with no days before them
    go with the last days read); a day after "except", "excepto", "sauf", "кроме", 除… is taken
    out, and one before 除外. Times given with an offset ("9-12 UTC+8") are read in the default
    zone, and `offset` says so: the person chooses the zone."""
    today = today or datetime.now(UTC).date()
    text = (text or "").replace("–", "-").replace("—", "-").replace("‑", "-")
    text = text.translate(FULL_WIDTH)  # "９：００－１２：００" as typed in Chinese
    named = find_zone(text)
    zone = named or default_zone
    windows: list[Window | None] = []
    days: set[int] = set()
    dates: list[date] = []
    last: tuple[frozenset[int], list[date]] = (frozenset(), [])
    weekly: list[int] = []  # the windows made of `last`'s weekdays, to take a day out of
    ahead: set[int] = set()  # "除周三外" before any days: out of the days that follow
    before: tuple[time, time] | None = None  # the hours read last, of the same days

    def take_out(out: Iterable[int]) -> None:
        nonlocal last
        last = (last[0] - frozenset(out), last[1])
        for i in weekly:
            windows[i] = replace(windows[i], weekdays=last[0]) if last[0] else None

    for token in _tokens(unaccented(text), today):
        if token.kind == "dates":
            dates.extend(token.dates)
        elif token.kind == "days" and not token.taken_out:
            days.update(token.days)
        elif token.kind == "days" and days:
            days -= token.days
        elif token.kind == "days" and token.forward:
            ahead |= token.days
        elif token.kind == "days" and last[0]:
            take_out(token.days)
        elif token.kind == "hours":
            hours = token.hours
            if days or dates:
                last = (frozenset(days - ahead), list(dates))
                days, dates, weekly, ahead = set(), [], [], set()
            elif before is not None and token.twelve_hour:
                hours = _afternoon(hours, before)
            before = hours
            chosen_days, chosen_dates = last
            if chosen_days:
                weekly.append(len(windows))
                windows.append(Window(zone, chosen_days, None, *hours))
            windows.extend(Window(zone, frozenset(), on, *hours) for on in chosen_dates)
    if ahead and last[0]:
        take_out(ahead)  # "周一至周五9点到12点，除周三外"
    offset = None if named is not None else find_offset(text)
    return Reading(_unique([w for w in windows if w is not None]), zone, named is not None, offset)


@dataclass
class _Token:
    """What one match of `_token_pattern` says: days, dates or hours (or "but", the word before
    a day taken out)."""

    kind: str
    start: int
    end: int
    days: frozenset[int] = frozenset()
    dates: tuple[date, ...] = ()
    hours: tuple[time, time] = (time(0), time(0))
    sure: str = SURE  # for a weekday word: how sure it is one (`words`)
    local: bool = False  # words of the other languages than English
    clear: bool = False  # for hours: clearly times ("9:00", "9h", "de 9 a 12"), not "2-3"
    word: str = ""
    taken_out: bool = False  # days after "excepto", "sauf", "кроме"…
    # Hours only right after days: Chinese ones with no mark ("周二 9-12"), and two numbers
    # joined by a word ("martes 8 a 10", "terça 8 às 10").
    needs_day: bool = False
    forward: bool = False  # days after 除 ("除周三外"): out of the days that follow, if none before
    # Hours written on a 12-hour clock with no half of the day ("1-5", not "13-17", "1pm-5pm"
    # nor "01:00-05:00"): after other hours of the same days, they may be the afternoon's.
    twelve_hour: bool = False


# Between two weekdays of a list: "ven., sam.", "mar y jue", "terças e quintas", "вт и чт".
_LISTED = re.compile(
    r"\.?\s*(?:[,/&+;]|\b(?:y|e|et|и|and|o|ou|или)\b)\s*(?:(?:el|los|le|les|o|os|a|as|в|во|по)\s+)?",
    re.IGNORECASE,
)
# Between a weekday and its hours: "dom. de 9h à 12h", "sexta, das 9h às 12h".
_BEFORE_HOURS = re.compile(
    r"\.?[\s,:]*(?:(?:de|desde|das|du|des|entre|с|со|от)\s+(?:(?:las|les|as|os)\s+)?)?",
    re.IGNORECASE,
)
# Words before hours that make a number a time ("de 9 a 12", "с 9 до 12"); "entre 9 y 12".
_FROM = re.compile(
    r"\b(?:de|desde|das|du|des|entre|с|со|от|между|from)\s+(?:(?:las|les|as|os)\s+)?$",
    re.IGNORECASE,
)
_BETWEEN = re.compile(r"\b(?:entre|между)\s+(?:(?:las|les|as|os)\s+)?$", re.IGNORECASE)
# "às quintas", "nas sextas": a Portuguese plural after its article is a weekday.
_PLURAL_ARTICLE = re.compile(r"\b(?:as|nas|aos|todas\s+as)\s+$", re.IGNORECASE)
# Between "excepto"/"sauf"/"кроме" and the day taken out.
_ARTICLES = re.compile(r"\s*(?:(?:el|los|la|las|le|les|o|os|a|as|в|во|по|на)\s+)*", re.IGNORECASE)
# A weekday naming the date after it ("martes 12 de marzo", "jeudi, le 12 mars").
_NAMING = re.compile(r"[\s,]*(?:(?:el|le|o)\s+)?", re.IGNORECASE)
_A_WORD_NEXT = re.compile(r"\s+[^\W\d_]")  # "mon équipe": a word after "mon"
_SAINT = re.compile(r"\bsanto\s+$", re.IGNORECASE)  # "Santo Domingo" is a city
# How far before a word the words that change its reading are looked for ("de" before hours,
# "as" before a plural day): a few words, never the whole text before it, whose reading would
# then grow with the square of its length (review-130: 40 KB took 8 s on the volunteer form).
_CONTEXT = 40


def _before(start: int) -> int:
    """Where the context of a word starting at `start` begins (`_CONTEXT`)."""
    return max(0, start - _CONTEXT)


def _tokens(text: str, today: date) -> list[_Token]:
    """The dates, days and hours of `text` (`unaccented`), in order, each read in its context:
    an ordinary word that may be a weekday ("mar", "vie", "sexta") is one only among days or
    before hours."""
    found = [
        token
        for match in _token_pattern(has_chinese(text)).finditer(text)
        if (token := _token(match, text, today)) is not None
    ]
    found = _join_spans(found, text)
    local = any(token.local and token.sure == SURE for token in found)
    kept = []
    for i, token in enumerate(found):
        before = found[i - 1] if i else None
        after = found[i + 1] if i + 1 < len(found) else None
        if token.kind == "out":  # "周三除外": the days just before are taken out
            if (
                before is not None
                and before.kind == "days"
                and not text[before.end : token.start].strip()
            ):
                before.taken_out = True
            continue
        if token.needs_day and not _right_after_days(token, before, kept, text):
            continue
        if token.kind == "but":
            if (
                after is not None
                and after.kind == "days"
                and _ARTICLES.fullmatch(text, token.end, after.start)
            ):
                after.taken_out = True
                after.forward = text[token.start] == "除"
            continue
        if (
            token.kind == "days"
            and not token.taken_out
            and not _a_day_here(token, before, after, text, local)
        ):
            continue
        kept.append(token)
    return kept


def _right_after_days(token: _Token, before: _Token | None, kept: list[_Token], text: str) -> bool:
    """Whether hours that are hours only right after days (`_Token.needs_day`) are: after days
    or dates read as such ("martes 8 a 10"; not "dom 10 a 12", where "dom" is no day without
    clear hours), or after other such hours ("martes 8 a 10 y 14 a 16")."""
    if before is None or not kept or kept[-1] is not before:
        return False
    if before.kind in ("days", "dates"):
        return bool(_TO_BARE_HOURS.fullmatch(text, before.end, token.start))
    return before.kind == "hours" and bool(_LISTED.fullmatch(text, before.end, token.start))


# Between the two dates of a span across months: "del 28 de febrero al 3 de marzo", "du 28
# février au 3 mars", "с 28 февраля по 3 марта".
_SPAN_WORD = re.compile(r"\s*(?:al|au|a|ao|hasta|ate|jusqu'?au|по|до)\s+", re.IGNORECASE)


def _join_spans(found: list[_Token], text: str) -> list[_Token]:
    """Two dates joined by "al", "au", "по"… as the days from one to the other: a week at most,
    as "del 12 al 16 de marzo"; a longer span is read as nothing, not as its two ends."""
    joined: list[_Token] = []
    for token in found:
        before = joined[-1] if joined else None
        if (
            token.kind == "dates"
            and before is not None
            and before.kind == "dates"
            and len(before.dates) == len(token.dates) == 1
            and (token.local or before.local)
            and _SPAN_WORD.fullmatch(text, before.end, token.start)
        ):
            first, final = before.dates[0], token.dates[0]
            if first > final and first.year > final.year:
                # "del 28 de febrero al 3 de marzo" read on 1 March: February has passed, and
                # went to next year alone.
                with suppress(ValueError):
                    first = first.replace(year=final.year)
            joined[-1] = replace(before, end=token.end, dates=_a_week(first, final), local=True)
            continue
        joined.append(token)
    return joined


def _a_day_here(
    token: _Token, before: _Token | None, after: _Token | None, text: str, local: bool
) -> bool:
    """Whether weekday `token` is one where it stands."""
    if not token.local:
        # French "mon" (my) in a French text: "mon équipe", not Monday ("Mon 9-12" is).
        return not (local and token.word == "mon" and _A_WORD_NEXT.match(text, token.end))
    if _SAINT.search(text, _before(token.start), token.start):
        return False
    if (
        after is not None
        and after.kind == "dates"
        and _NAMING.fullmatch(text, token.end, after.start)
    ):
        return False  # the date says the day
    if token.sure == SURE:
        return True
    listed = (
        before is not None
        and before.kind == "days"
        and _LISTED.fullmatch(text, before.end, token.start)
    ) or (
        after is not None
        and after.kind == "days"
        and _LISTED.fullmatch(text, token.end, after.start)
    )
    if listed or token.sure == LISTED:
        return bool(listed)
    hours_next = (
        after is not None
        and after.kind == "hours"
        and after.clear
        and _BEFORE_HOURS.fullmatch(text, token.end, after.start)
    )
    plural = token.word.lower().endswith("s") and _PLURAL_ARTICLE.search(
        text, _before(token.start), token.start
    )
    return bool(hours_next or plural)


def _token(match: re.Match, text: str, today: date) -> _Token | None:
    """The token a match of `_token_pattern` is, or None where it reads as nothing."""
    kind, group = match.lastgroup, match.group
    at = {"start": match.start(), "end": match.end()}
    if kind == "iso":
        with suppress(ValueError):
            found = date.fromisoformat(group("iso"))
            return _Token("dates", **at, dates=(found,)) if _a_year_kept(found) else None
        return None
    if kind in ("dm", "md"):
        found = _date(
            group(f"{kind}_year"), _month(group(f"{kind}_month")), group(f"{kind}_day"), today
        )
        return _Token("dates", **at, dates=(found,)) if found else None
    if kind == "ldm":
        word = plain(group("ldm_month"))
        if word in WEAK_MONTHS and not (group("ldm_de") or group("ldm_dot") or group("ldm_year")):
            return None  # "12 out of 20"
        found = _date(group("ldm_year"), month_words()[word], group("ldm_day"), today)
        return _Token("dates", **at, dates=(found,), local=True) if found else None
    if kind == "span":
        return _Token("dates", **at, dates=_span(match, today), local=True)
    if kind in ("range", "lrange"):
        return _hours_token(match, text)
    if kind == "zhours":
        return _zh_hours_token(match, text)
    if kind == "zdate":
        found = _zh_date(match, today)
        return None if found is None else _Token("dates", **at, dates=found, local=True)
    if kind in ("zdays", "zday"):
        if kind == "zday":
            days = _zh_days(group("zday"))
        else:
            final = CHINESE_DAYS[group("zdays_b") or group("zdays_c")]
            days = _through(CHINESE_DAYS[group("zdays_a")], final)
        return _Token("days", **at, days=days, local=True, word=group(0))
    if kind == "zweekdays":
        return _Token("days", **at, days=frozenset(range(5)), local=True)
    if kind == "zout":
        return _Token("out", **at)
    if kind in ("days", "day", "weekdays"):
        if kind == "weekdays":
            return _Token("days", **at, days=frozenset(range(5)))
        first = _day(group("days_a") if kind == "days" else group("day"))
        final = _day(group("days_b")) if kind == "days" else first
        if first is None or final is None:
            return None
        return _Token("days", **at, days=_through(first, final), word=group(0))
    if kind == "lweekdays":
        return _Token("days", **at, days=frozenset(range(5)), local=True)
    if kind == "ldays":
        first, final = _local_day(group("ldays_a")), _local_day(group("ldays_b"))
        if first is None or final is None:
            return None
        return _Token("days", **at, days=_through(first[0], final[0]), local=True)
    if kind == "lday":
        found = _local_day(group("lday"))
        if found is None:
            return None
        day, sure = found
        return _Token("days", **at, days=frozenset({day}), sure=sure, local=True, word=group(0))
    return _Token("but", **at)


def _a_week(first: date, final: date) -> tuple[date, ...]:
    """The dates from `first` to `final`: a week at most (the form has seven rows); a longer
    span, or one that ends before it starts, is none, not its two ends; so is one reaching
    into a year the form refuses."""
    days = (final - first).days
    if not 0 < days < 7 or not (_a_year_kept(first) and _a_year_kept(final)):
        return ()  # nor one that reaches into a year the form refuses
    return tuple(first + timedelta(days=k) for k in range(days + 1))


def _through(first: int, final: int) -> frozenset[int]:
    """The weekdays from `first` to `final`, across Sunday if need be ("Fri-Mon")."""
    return frozenset((first + k) % 7 for k in range((final - first) % 7 + 1))


def _span(match: re.Match, today: date) -> tuple[date, ...]:
    """The dates of "del 12 al 16 de marzo": a week at most (the form has seven rows); a
    longer span is read as nothing, not as its last day."""
    first, final = int(match.group("span_a")), int(match.group("span_b"))
    month = month_words()[plain(match.group("span_month"))]
    start = _date(match.group("span_year"), month, str(first), today)
    if start is None or not 0 < final - first < 7:
        return ()
    found = []
    for number in range(first, final + 1):
        with suppress(ValueError):
            found.append(start.replace(day=number))
    return tuple(found)


def _hours_token(match: re.Match, text: str) -> _Token | None:
    english = match.lastgroup == "range"
    names = ("ra", "rb") if english else ("la", "lb")
    # The other languages' "x" is a unit ("h", "horas"), not a half of the day.
    half, marks = ("x", "mx") if english else ("half", ("m", "x", "half"))
    parts = [match.group(f"{name}_{part}") for name in names for part in ("h", "m", half)]
    hours = _hours(parts)
    if hours is None:
        return None
    after_from = bool(_FROM.search(text, _before(match.start()), match.start()))
    marked = any(match.group(f"{name}_{part}") for name in names for part in marks)
    needs_day = False
    if not marked and _ZH_COUNTED.match(text, match.end()):
        return None  # "2-3人": two to three people, "12-14日" days
    if not english:
        by = match.group("lrange_by").lower()
        between = _BETWEEN.search(text, _before(match.start()), match.start())
        if by in ("y", "e", "et", "и") and not between:
            return None  # "9 y 12" is two numbers; "entre 9 y 12" hours
        if by != "-" and not (after_from or marked):
            # "de 2 a 3", "2h a 3h" are hours, and "martes 8 a 10" right after days; "2 a 3
            # veces", "martes 9 a 12 personas" are not.
            if not _AFTER_BARE_HOURS.match(text, match.end()):
                return None
            needs_day = True
    twelve_hour = not (parts[2] or parts[5]) and _on_twelve_hours(parts[0], parts[3])
    return _Token(
        "hours",
        match.start(),
        match.end(),
        hours=hours,
        clear=after_from or marked,
        twelve_hour=twelve_hour,
        needs_day=needs_day,
    )


# What may follow two numbers joined by a word right after days for them to be hours: the end,
# a sign, a word before more days or hours, the time's zone or place ("hora de Lima", "Lima",
# "en Lima"); not a word they count ("martes 9 a 12 personas", "lunes 2 a 3 veces").
_AFTER_BARE_HOURS = re.compile(
    r"\s*(?:$|[^\w\s]"
    r"|(?i:y|e|et|и|and|hora|horario|heure|time|utc|gmt|по|время|времени|мск)\b"
    r"|(?:(?i:en|em|in|a|в|во)\s+)?[A-ZА-ЯЁ])"
)


def _on_twelve_hours(*hours: str) -> bool:
    """Hours as a 12-hour clock writes them: 1 to 11, with no leading zero."""
    return all(not hour.startswith("0") and 1 <= int(hour) <= 11 for hour in hours)


def _afternoon(hours: tuple[time, time], before: tuple[time, time]) -> tuple[time, time]:
    """Hours on a 12-hour clock that start before the hours read before them for the same days
    ("9-12, 1-5": 13:00 to 17:00, not 01:00 to 05:00): the afternoon's, where they then come
    after those; as they are otherwise: an overlap ("8-10, 9-11"), an end already read as the
    afternoon's ("9-12, 11-1": 11:00 to 13:00), hours after night ones ("22-23, 1-2")."""
    starts, ends = hours
    if before[0] < before[1] and starts < before[0] and starts < ends and ends.hour < 12:
        later = (starts.replace(hour=starts.hour + 12), ends.replace(hour=ends.hour + 12))
        if later[0] >= before[1]:
            return later
    return hours


def _zh_days(word: str) -> frozenset[int]:
    """The days of "星期二", "周二和周四", "周一、三、五" (星期 and 礼拜 hold no day's number)."""
    return frozenset(CHINESE_DAYS[char] for char in word if char in CHINESE_DAYS)


def _zh_date(match: re.Match, today: date) -> tuple[date, ...] | None:
    """The dates of "3月12日", "2027年3月12日", "3月12日至14日", "2月28日至3月2日" (a week at most,
    as the other languages' spans; a longer one is none). A weekday after a single date must be
    its own ("3月12日（星期五）"): a date and a weekday that disagree are not read."""
    group = match.group
    first = _date(group("zd_year"), int(group("zd_month")), group("zd_day"), today)
    if first is None:
        return None
    if group("zd_day2") is None:
        if group("zd_ri") is None:
            return None  # "3月12": a date written so is too loose to read
        named = group("zd_named")
        if named is not None and CHINESE_DAYS[named] != first.weekday():
            return None
        return (first,)
    month = int(group("zd_month2") or group("zd_month"))
    try:
        final = date(first.year, month, int(group("zd_day2")))
    except ValueError:
        return None
    if final < first and not group("zd_year"):
        with suppress(ValueError):
            final = final.replace(year=final.year + 1)  # "12月30日至1月2日"
    return _a_week(first, final)


def _zh_hour(match: re.Match, name: str) -> tuple[int, int, str | None] | None:
    """Hour, minute and half of the day (`words.CHINESE_MORNING`…) of one `_zh_clock_pattern`."""
    group = match.group
    hour = int(group(f"{name}_h")) if group(f"{name}_h") else CHINESE_HOURS[group(f"{name}_c")]
    if group(f"{name}_30"):
        minute = 30
    else:
        minute = int(group(f"{name}_m") or group(f"{name}_mm") or group(f"{name}_m2") or 0)
    half = group(f"{name}_half")
    if half is None:
        return hour, minute, None
    if hour > 12:
        return None  # "上午14点" says two things
    if (half in ("下午", "傍晚", "晚上") and 1 <= hour <= 11) or (
        half == "中午" and 1 <= hour <= 5
    ):
        hour += 12
    elif half in ("晚上", "凌晨") and hour == 12:
        hour = 0
    return hour, minute, half


def _zh_nearest(hour: int, minute: int, other: time, forward: bool) -> time | None:
    """The time of `hour` (in the same half of the day as `other`'s, or the other half)
    nearest after `other` (`forward`) or before it: "下午2点到4点" is 14:00 to 16:00, "上午11点到
    1点" 11:00 to 13:00, "晚上11点到1点" 23:00 to 01:00."""
    if not (0 <= hour <= 12 and 0 <= minute < 60):
        return _clock(str(hour), str(minute), None)
    mark = other.hour * 60 + other.minute
    choices = [(hour % 12) * 60 + minute, (hour % 12 + 12) * 60 + minute]
    best = min(choices, key=lambda at: (at - mark) % 1440 if forward else (mark - at) % 1440)
    return time(best // 60, best % 60)


def _zh_hours_token(match: re.Match, text: str) -> _Token | None:
    """Hours as Chinese writes them. Times with no mark (no ":", 点, 时 nor half of the day:
    "9-12", "9至12") are hours only right after days (`_tokens`), and a number that counts
    things is none ("2至3人", "1到2小时")."""
    first, second = _zh_hour(match, "za"), _zh_hour(match, "zb")
    if first is None or second is None:
        return None
    marked = any(match.group(f"{name}_{part}") for name in ("za", "zb") for part in ("u", "unit"))
    halves = first[2] is not None or second[2] is not None
    if not (marked or halves) and _ZH_COUNTED.match(text, match.end()):
        return None
    if (first[2] is None) != (second[2] is None):
        # One half of the day for both: "下午2点至4点", "9点到下午1点".
        if first[2] is not None:
            starts = _clock(str(first[0]), str(first[1]), None)
            ends = _zh_nearest(second[0], second[1], starts, True) if starts else None
        else:
            ends = _clock(str(second[0]), str(second[1]), None)
            starts = _zh_nearest(first[0], first[1], ends, False) if ends else None
    else:
        starts = _clock(str(first[0]), str(first[1]), None)
        ends = _clock(str(second[0]), str(second[1]), None)
        if starts is not None and ends is not None and first[2] is None:
            # As written ("01:00" has its leading zero), or in Chinese numerals ("一点").
            written = match.group("zb_h") or str(second[0])
            ends = _forward(starts, ends, str(first[0]), written)
    if starts is None or ends is None or starts == ends:
        return None
    return _Token(
        "hours",
        match.start(),
        match.end(),
        hours=(starts, ends),
        clear=marked or halves,
        needs_day=not (marked or halves),
    )


# A number that counts things after it: "2至3人", "2-3次", "1到2小时", "2到3个".
_ZH_COUNTED = re.compile(rf"\s*(?:[{CHINESE_COUNTERS}]|小时|分钟)")
# Between days (or dates) and hours with no mark: "周二 9-12", "周一至周五，9至12", "lunes a
# viernes, 8 a 10".
_TO_BARE_HOURS = re.compile(r"[\s,，、:：]*")


def _unique(windows: list[Window]) -> list[Window]:
    seen, kept = set(), []
    for window in windows:
        if window not in seen:
            seen.add(window)
            kept.append(window)
    return kept
