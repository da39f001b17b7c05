"""The words `windows.read_text` reads besides English, in the languages the pages are shown in
(Spanish, French, Portuguese, Russian): weekday and month names from CLDR (through Babel), and
the few forms CLDR does not list (plurals, Russian cases), each added on purpose. Words are
compared `plain`: lower case, without accents ("miércoles", "miercoles"; "terça", "terca")."""

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
