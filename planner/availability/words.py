"""The words `reading.read_text` reads besides English, in the languages the pages are shown in
(Spanish, French, Portuguese, Russian): weekday and month names from CLDR (through Babel), and
the few forms CLDR does not list (plurals, Russian cases), each added on purpose; and Chinese's
characters, read apart (see the end). Words are compared `plain`: lower case, without accents
("miércoles", "miercoles"; "terça", "terca")."""

import unicodedata
from functools import cache

from babel.dates import get_day_names, get_month_names

LANGUAGES = ("es", "fr", "pt", "ru")

# How sure a weekday word is a weekday when it stands alone.
SURE = "sure"
# An ordinary word as well ("vie" life, "mer" sea, "dom" gift, "sexta" sixth, "среда"
# surroundings): a day when listed with another day ("ven., sam."), in a range ("lun-vie"), or
# just before hours that are clearly times ("dom. de 9h à 12h").
WEAK = "weak"
# A weekday only in a list or range of days: "mar" is March in English and the sea in Spanish,
# "ter" is Portuguese for "to have", "qui" French for "who".
LISTED = "listed"

_WEAK_DAYS = frozenset(
    {
        "ven",
        "vie",
        "jeu",
        "mer",
        "dim",
        "sam",
        "sex",
        "dom",
        "segunda",
        "quarta",
        "quinta",
        "sexta",
        "segundas",
        "quartas",
        "quintas",
        "sextas",
        "среда",
        "среды",
    }
)
_LISTED_DAYS = frozenset({"mar", "ter", "qui"})

# Russian days in the cases people write them in ("по вторникам", "с понедельника по пятницу",
# "в среду", "кроме пятницы"); CLDR lists the nominative only.
_RUSSIAN_CASES = {
    0: ("понедельника", "понедельники", "понедельникам", "понедельников"),
    1: ("вторника", "вторники", "вторникам", "вторников"),
    2: ("среду", "среды", "средам"),
    3: ("четверга", "четверги", "четвергам", "четвергов"),
    4: ("пятницу", "пятницы", "пятницам", "пятниц"),
    5: ("субботу", "субботы", "субботам", "суббот"),
    6: ("воскресенья", "воскресеньям", "воскресений"),
}


def russian_genitive(name: str) -> str | None:
    """A Russian country's name of one word in the genitive, as it follows "по времени"
    ("Парагвай": "Парагвая", "Колумбия": "Колумбии", "Куба": "Кубы"; CLDR lists the nominative
    only); None for a name that does not change ("Перу", "Чили") or of several words."""
    if not name or not name.isalpha():
        return None
    stem, last = name[:-1], name[-1]
    if last in "яь":
        return stem + ("и" if last == "я" else "я")
    if last == "й":
        return stem + "я"
    if last == "а":
        return stem + ("и" if stem[-1:] in "гкхжчшщ" else "ы")
    if last in "бвгджзклмнпрстфхцчшщ":
        return name + "а"
    return None


# "setiembre": how Peru and Uruguay spell September (CLDR's es has "septiembre" only).
_MORE_MONTHS = {"setiembre": 9, "set": 9}
# Months that are English words ("12 out of 20", "2 days ago", "a set"): a date only with "de"
# before them, a dot after them or a year ("12 de out", "12 out. 2027").
WEAK_MONTHS = frozenset({"out", "set", "ago"})

# Weekdays as a group: "días hábiles", "jours ouvrés", "dias úteis", "по будням".
WEEKDAY_PHRASES = (
    r"dias?\s+(?:laborables?|laborales?|habiles?|uteis|util|de\s+semana)",
    r"entre\s+semana",
    r"jours?\s+(?:ouvrables?|ouvres?)",
    r"en\s+semaine",
    r"будни(?:е\s+дни)?",
    r"будням",
    r"будним\s+дням",
    r"рабочие\s+дни",
    r"рабочим\s+дням",
)

# Words before a day that take it out ("excepto los viernes", "sauf le mercredi", "exceto às
# sextas", "кроме пятницы", "не в среду"). Not "menos" ("al menos los martes": at least) nor
# "no" (Portuguese "no sábado": on Saturday).
EXCEPT_WORDS = (
    "except",
    "excluding",
    "excepto",
    "exceto",
    "salvo",
    "sauf",
    "hormis",
    "pas",
    "nao",
    "nem",
    "ni",
    "кроме",
    "не",
    "исключением",
)


def unaccented(text: str) -> str:
    """`text` without the accents of Latin letters: "Miércoles" is "Miercoles", "às" "as";
    Cyrillic letters stay as they are ("й" is not "и")."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def plain(text: str) -> str:
    """How words are compared: "Miércoles" is "miercoles", "Terça" "terca"."""
    return unaccented(text).lower()


def _cldr_names(names_of, language: str) -> dict[str, int]:
    found = {}
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for number, name in names_of(width, context, language).items():
                found[plain(name).rstrip(".")] = number
    return found


@cache
def day_words() -> dict[str, tuple[int, str]]:
    """Each weekday word (`plain`) to its day (0 = Monday) and how sure it is a day alone."""
    words: dict[str, int] = {}
    for language in LANGUAGES:
        for name, day in _cldr_names(get_day_names, language).items():
            words[name] = day
            if language == "ru" or len(name) <= 3:
                continue
            # Plurals: "los sábados", "les mardis", "às terças(-feiras)", "aos domingos".
            if name.endswith("-feira"):
                short = name.removesuffix("-feira")
                words[f"{short}s-feiras"] = day
                words[short] = day
                words[f"{short}s"] = day
            elif not name.endswith("s"):
                words[f"{name}s"] = day
    for day, forms in _RUSSIAN_CASES.items():
        words.update(dict.fromkeys(map(plain, forms), day))
    return {
        word: (
            day,
            LISTED if word in _LISTED_DAYS else WEAK if word in _WEAK_DAYS else SURE,
        )
        for word, day in words.items()
    }


@cache
def month_words() -> dict[str, int]:
    """Each month word (`plain`, genitive and nominative in Russian) to its number."""
    words = dict(_MORE_MONTHS)
    for language in LANGUAGES:
        words.update(_cldr_names(get_month_names, language))
    return words


# --- Chinese ------------------------------------------------------------------------------------
# Chinese has no spaces between words: its days, dates and hours are read by characters
# (`reading._chinese_patterns`), and only in a text with Han characters (`has_chinese`).

# The weekday after 星期, 礼拜 or 周 ("星期二", "礼拜天", "周日"), 0 = Monday.
CHINESE_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}

# Han characters that may follow a day written with 周 ("周二和周四", "周一至周五", "周三上午",
# "周二下午", "周三除外", "周二有空"): 周 is also a surname ("周一鸣" is a person), and a day
# followed by any other character is not read ("周二北京时间", "周二按北京时间" are days).
CHINESE_AFTER_DAY = (
    "和与及或跟至到从上下中早晚白全整凌傍夜午除外以之的也都均每周星礼有可能不没在是需方空北按"
)

# Half of the day before an hour: 下午, 傍晚 and 晚上 add 12 to hours 1–11 ("下午2点" is 14:00),
# 中午 to hours 1–5 ("中午1点" is 13:00); 晚上 and 凌晨 read 12 as midnight.
CHINESE_MORNING = ("上午", "早上", "早晨", "凌晨")
CHINESE_AFTERNOON = ("中午", "下午", "傍晚", "晚上")

# Hours in Chinese numerals, before 点 or 时 only ("九点", "十一点", "两点").
CHINESE_HOURS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "两": 2,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
    **{"十" + digit: 10 + n for n, digit in enumerate("三四五六七八九", start=3)},
    "二十": 20,
    "二十一": 21,
    "二十二": 22,
    "二十三": 23,
    "二十四": 24,
}

# What follows a number that counts things, not hours: "2至3人", "1-2个", "2到3小时", "2-3次".
CHINESE_COUNTERS = "人个位名次场节项篇页岁元天周年月日号"

# Full-width digits and signs as Chinese input methods type them ("９：００－１２：００").
FULL_WIDTH = str.maketrans("０１２３４５６７８９：～〜－　", "0123456789:~~- ")


def has_chinese(text: str) -> bool:
    """Whether `text` has a Han character: only then are Chinese days and hours looked for."""
    return any("\u4e00" <= char <= "\u9fff" for char in text)
