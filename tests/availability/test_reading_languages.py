"""Availability written in Spanish, French, Portuguese and Russian is read as the English is:
weekdays (names, abbreviations, plurals, Russian cases), ranges of days, working days, dates
with month names, hours with the languages' own connectors. An ordinary word that may be a day
("mar", "vie", "dom", "ter", "sexta") is one only in a list beside a day that is clearly one
("mar y jue") or before hours its language joins to it ("vie de 9 a 12"), not alone before bare
hours ("mar 9:00-12:00") nor beside another such word ("lun, mar 9-12"): a reading is a
suggestion, and none is better than a wrong one."""

import html
import re
from datetime import date

import pytest

from planner.availability.reading import read_text
from planner.availability.windows import weekday_mask
from planner.mail.models import language_tag
from tests.availability.test_pages import volunteer

TODAY = date(2026, 12, 2)
WEEKDAYS = "1111100"


def read(text: str, zone: str = "Europe/Zurich") -> list[tuple]:
    reading = read_text(text, zone, today=TODAY)
    return [
        (
            weekday_mask(w.weekdays) if w.on is None else w.on,
            f"{w.starts:%H:%M}-{w.ends:%H:%M}",
            w.time_zone,
        )
        for w in reading.windows
    ]


def one(days, hours: str, zone: str = "Europe/Zurich") -> list[tuple]:
    return [(days, hours, zone)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("martes y jueves de 8:00 a 11:00", one("0101000", "08:00-11:00")),
        ("martes y jueves, 08:00–11:00", one("0101000", "08:00-11:00")),  # the form's hint
        ("los martes de 9 a 12, hora de Lima", one("0100000", "09:00-12:00", "America/Lima")),
        ("De lunes a viernes de 9:00 a 12:00", one(WEEKDAYS, "09:00-12:00")),
        ("lun-vie 9h-12h", one(WEEKDAYS, "09:00-12:00")),
        ("lun, mar, mié 10:00-12:00", one("1110000", "10:00-12:00")),
        ("Miercoles y Viernes 15:00-17:00", one("0010100", "15:00-17:00")),
        ("sábados y domingos de 10 a 12 h", one("0000011", "10:00-12:00")),
        ("días hábiles, de 14:00 a 16:00, Bogotá", one(WEEKDAYS, "14:00-16:00", "America/Bogota")),
        ("días laborables entre las 9 y las 13 h", one(WEEKDAYS, "09:00-13:00")),
        ("el 12 de marzo de 2027, de 14 a 16 h", one(date(2027, 3, 12), "14:00-16:00")),
        # The weekday before a date names the date: not every Tuesday.
        ("martes 12 de marzo de 9 a 12", one(date(2027, 3, 12), "09:00-12:00")),
        (
            "del 15 al 17 de marzo, de 9 a 12",
            [(date(2027, 3, d), "09:00-12:00", "Europe/Zurich") for d in (15, 16, 17)],
        ),
        ("de lunes a viernes de 9 a 12, excepto el miércoles", one("1101100", "09:00-12:00")),
        ("al menos los martes de 9 a 12", one("0100000", "09:00-12:00")),  # at least
        ("Santo Domingo, martes de 9 a 11", one("0100000", "09:00-11:00", "America/Santo_Domingo")),
    ],
)
def test_spanish(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mardi et jeudi 8h-11h", one("0101000", "08:00-11:00")),
        ("les mardis de 9h à 12h", one("0100000", "09:00-12:00")),
        ("du lundi au vendredi, de 9h à 12h", one(WEEKDAYS, "09:00-12:00")),
        ("lun. au ven. 9h30-11h", one(WEEKDAYS, "09:30-11:00")),
        ("ven., sam. 9-12 h", one("0000110", "09:00-12:00")),
        ("dim. de 10h à 12h", one("0000001", "10:00-12:00")),
        ("les lundis et mercredis entre 9h et 11h", one("1010000", "09:00-11:00")),
        ("jours ouvrés de 14h à 16h, heure de Paris", one(WEEKDAYS, "14:00-16:00", "Europe/Paris")),
        ("jours ouvrables 9 h - 12 h", one(WEEKDAYS, "09:00-12:00")),
        ("le 12 mars 2027 de 14h à 16h", one(date(2027, 3, 12), "14:00-16:00")),
        ("1er mars, 9h30-11h", one(date(2027, 3, 1), "09:30-11:00")),
        (
            "du 28 février au 2 mars, 9h-12h",
            [
                (day, "09:00-12:00", "Europe/Zurich")
                for day in (date(2027, 2, 28), date(2027, 3, 1), date(2027, 3, 2))
            ],
        ),
        # "mon" is "my" in a French sentence, not Monday.
        ("mon équipe est disponible le mardi de 9h à 12h", one("0100000", "09:00-12:00")),
        ("du lundi au vendredi 9h-12h, sauf le mercredi", one("1101100", "09:00-12:00")),
    ],
)
def test_french(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("terças e quintas, 08:00–11:00", one("0101000", "08:00-11:00")),  # the form's hint
        ("às terças, das 9h às 12h", one("0100000", "09:00-12:00")),
        ("de segunda a sexta, das 9h às 12h", one(WEEKDAYS, "09:00-12:00")),
        ("segunda-feira e quarta-feira 14h-16h", one("1010000", "14:00-16:00")),
        ("seg a sex 9h-12h", one(WEEKDAYS, "09:00-12:00")),
        ("ter, qua e qui 10h-12h", one("0111000", "10:00-12:00")),
        ("2ª a 6ª feira, 9h-12h", one(WEEKDAYS, "09:00-12:00")),
        ("às quintas de 14h às 16h", one("0001000", "14:00-16:00")),
        (
            "dias úteis, das 9 às 12, horário de Brasília",
            one(WEEKDAYS, "09:00-12:00", "America/Sao_Paulo"),
        ),
        ("12 de março, das 14h às 16h", one(date(2027, 3, 12), "14:00-16:00")),
        ("12 de out. de 2027, 9h-12h", one(date(2027, 10, 12), "09:00-12:00")),
        ("de segunda a sexta das 9h às 12h, exceto às quartas", one("1101100", "09:00-12:00")),
    ],
)
def test_portuguese(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("вторник и четверг 08:00–11:00", one("0101000", "08:00-11:00")),  # the form's hint
        ("по вторникам и четвергам с 9 до 12", one("0101000", "09:00-12:00")),
        ("во вторник и в пятницу с 9:00 до 12:00", one("0100100", "09:00-12:00")),
        ("в среду с 9 до 11", one("0010000", "09:00-11:00")),
        ("в субботу 10:00-12:00", one("0000010", "10:00-12:00")),
        ("с понедельника по пятницу с 9 до 12", one(WEEKDAYS, "09:00-12:00")),
        ("Пн–Пт 9-12", one(WEEKDAYS, "09:00-12:00")),
        ("пн, ср, пт 14:00–16:00", one("1010100", "14:00-16:00")),
        ("будни с 10 до 12 ч", one(WEEKDAYS, "10:00-12:00")),
        ("в рабочие дни с 9.00 до 12.00", one(WEEKDAYS, "09:00-12:00")),
        ("12 марта с 14 до 16", one(date(2027, 3, 12), "14:00-16:00")),
        ("12 марта 2027 г., 14:00-16:00", one(date(2027, 3, 12), "14:00-16:00")),
        ("с понедельника по пятницу, кроме среды, с 9 до 12", one("1101100", "09:00-12:00")),
    ],
)
def test_russian(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Ordinary words that are also weekdays or connectors, with no days around them.
        "el mar está tranquilo 9-12",
        "Nos vemos a las 9",
        "de 2 a 3 presentaciones por año",
        "martes 9 a 12 personas",  # two numbers joined by "a" are no hours by themselves
        "mar 9:00-12:00",  # Tuesday in Spanish, 9 March in English: neither
        "lun, mar 9-12",  # two words that may be days, none clearly one
        "dom 10-12",  # a gift, or Sunday: 10-12 is not clearly hours
        "la vie est belle 9h-12h",
        "qui peut présenter 9h-12h",
        "a segunda semana de março, das 9h às 12h",
        "posso ter 2-3 apresentações, das 9h às 12h",
        "12 out of 20 slots 9-12",
        "среда разработки 9-12",
        "del 1 al 30 de abril de 9 a 12",  # a month is not a week's rows: read as nothing
        "cualquier día excepto los viernes, de 9 a 12",
    ],
)
def test_what_is_not_read(text):
    assert read(text) == []


def test_english_is_read_as_before_and_beside_the_other_languages():
    assert read("Tuesdays and Thursdays 08:00–11:00") == one("0101000", "08:00-11:00")
    assert read("Mar 12 9-12") == one(date(2027, 3, 12), "09:00-12:00")
    assert read("12-16 Mar 9-12") == []  # hours, with no day before them, as before
    assert read("Mon-Fri 9-12 Lima") == one(WEEKDAYS, "09:00-12:00", "America/Lima")
    assert read("mon, wed 9h-12h") == one("1010000", "09:00-12:00")
    # A day taken out in English as in the others (review-130: it was read as Mon-Fri).
    assert read("Mon-Fri 9-12 except Wed") == one("1101100", "09:00-12:00")
    assert read("weekdays 9:00-12:00, excluding Fridays") == one("1111000", "09:00-12:00")
    # English and Spanish in one text: each read.
    assert read("Tue 9-11; jueves de 14 a 16") == [
        ("0100000", "09:00-11:00", "Europe/Zurich"),
        ("0001000", "14:00-16:00", "Europe/Zurich"),
    ]


@pytest.mark.parametrize(
    ("language", "text", "starts", "ends"),
    [
        ("es", "martes y jueves de 8:00 a 11:00", "08:00", "11:00"),
        ("zh", "每周二和周四上午9点到11点", "09:00", "11:00"),
    ],
)
def test_a_translated_volunteer_form_is_filled_from_its_language(
    client, survey, language, text, starts, ends
):
    response = volunteer(
        client, {"Accept-Language": language}, availability=text, read_availability="1"
    )
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert f'<html lang="{language_tag(language)}">' in page
    assert '<input checked id="windows-0-weekdays-1" name="windows-0-weekdays"' in page  # Tue
    assert '<input checked id="windows-0-weekdays-3" name="windows-0-weekdays"' in page  # Thu
    assert 'id="windows-0-weekdays-2" name="windows-0-weekdays"' in page
    assert '<input checked id="windows-0-weekdays-2"' not in page
    assert f'name="windows-0-starts" type="time" value="{starts}"' in page
    assert f'name="windows-0-ends" type="time" value="{ends}"' in page
    assert '<input checked id="windows-1-' not in page  # one window, no other


def test_a_text_longer_than_the_form_keeps_is_not_read(client, survey):
    """The button reads before the form is checked: a text past the form's limit (which the
    form refuses anyway) is not read, whatever it holds, and the page says why."""
    long = "martes y jueves de 8:00 a 11:00; " * 1500  # 49,500 characters
    response = volunteer(client, availability=long, read_availability="1")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Your availability text is longer than 500 characters: shorten it" in page
    assert '<input checked id="windows-0-weekdays-1"' not in page
    # What was typed stays in the form, to shorten.
    assert "martes y jueves de 8:00 a 11:00; martes" in page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lunes a viernes, 8 a 10", one(WEEKDAYS, "08:00-10:00")),
        ("martes 8 a 10", one("0100000", "08:00-10:00")),
        ("martes y jueves: 9 a 11, hora de Lima", one("0101000", "09:00-11:00", "America/Lima")),
        (
            "lunes 8 a 10 y miércoles 14 a 16",
            [
                ("1000000", "08:00-10:00", "Europe/Zurich"),
                ("0010000", "14:00-16:00", "Europe/Zurich"),
            ],
        ),
        ("mardi 8 à 10", one("0100000", "08:00-10:00")),
        ("mardi 8 à 10 h", one("0100000", "08:00-10:00")),
        ("lundi au vendredi, 9h-11h", one(WEEKDAYS, "09:00-11:00")),
        ("terça 8 às 10", one("0100000", "08:00-10:00")),
        ("segunda a sexta, 9 às 11", one(WEEKDAYS, "09:00-11:00")),
        ("вторник 9 до 11", one("0100000", "09:00-11:00")),
        (
            "martes 8 a 10 y 14 a 16",
            [("0100000", h, "Europe/Zurich") for h in ("08:00-10:00", "14:00-16:00")],
        ),
        ("martes 9 a 12 y 3 personas", one("0100000", "09:00-12:00")),
        # As "martes de 12 a 9": the evening's 9, not 21 hours across the night.
        ("martes 12 a 9", one("0100000", "12:00-21:00")),
    ],
)
def test_hours_right_after_days_need_no_word_before_them(text, expected):
    """Office staff in Peru and Paraguay wrote "lunes a viernes, 8 a 10" and "martes 8 a 10":
    nothing was read, where "de lunes a viernes de 8 a 10" was. Two numbers joined by "a",
    "à", "às" or "до" right after days are hours, as "9-12" is, unless a word they count
    follows ("martes 9 a 12 personas")."""
    assert read(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "martes 9 a 12 personas",
        "lunes 2 a 3 veces",
        "terça 2 às 3 vezes",
        "mardi 2 à 3 fois",
        "вторник 2 до 3 раз",
        "sexta 9 às 11",  # the sixth, or Friday: bare numbers do not make it a day
        "dom 10 a 12",
    ],
)
def test_numbers_after_days_that_count_things_are_no_hours(text):
    assert read(text) == []


def test_numbers_that_count_things_leave_the_hours_after_them():
    assert read("martes 2 a 3 presentaciones, de 9 a 12") == one("0100000", "09:00-12:00")
    # A word that may be a day, then bare numbers: the hours go with no day read before.
    assert read("lunes 9 a 10, dom 10 a 12") == one("1000000", "09:00-10:00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("martes 8 a 10 am", one("0100000", "08:00-10:00")),
        ("martes de 2 a 4 pm", one("0100000", "14:00-16:00")),
        ("martes de 2 a 4 p. m.", one("0100000", "14:00-16:00")),
        ("jueves 2 p.m. a 4 p.m.", one("0001000", "14:00-16:00")),
        ("jueves de 10 a 2 pm", one("0001000", "10:00-14:00")),
        ("viernes de 9 a. m. a 12 p. m.", one("0000100", "09:00-12:00")),
        ("terças, das 2 às 4 pm", one("0100000", "14:00-16:00")),
    ],
)
def test_a_half_of_the_day_after_hours_in_other_languages_is_read(text, expected):
    """ "martes 8 a 10 am" read as nothing, and "martes de 2 a 4 pm", as Peru and Paraguay
    write an afternoon, as 02:00-04:00: the "pm" was dropped."""
    assert read(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "de lunes a viernes de 8 a 10, hora de Perú",
            one(WEEKDAYS, "08:00-10:00", "America/Lima"),
        ),
        (
            "jueves 14:00 a 16:00 hora de Paraguay",
            one("0001000", "14:00-16:00", "America/Asuncion"),
        ),
        ("martes de 9 a 11 (hora del Perú)", one("0100000", "09:00-11:00", "America/Lima")),
        ("martes de 9 a 11 hora Perú", one("0100000", "09:00-11:00", "America/Lima")),
        ("martes de 9 a 11, horario de peru", one("0100000", "09:00-11:00", "America/Lima")),
        ("Tuesday 8-10am Peru time", one("0100000", "08:00-10:00", "America/Lima")),
        ("Tuesday 8-10am, Colombia local time", one("0100000", "08:00-10:00", "America/Bogota")),
        ("Tuesday 8-10am (time zone: Paraguay)", one("0100000", "08:00-10:00", "America/Asuncion")),
        ("Paraguay time zone, Tuesday 8-10am", one("0100000", "08:00-10:00", "America/Asuncion")),
        ("martes 9 a 11, zona horaria de Perú", one("0100000", "09:00-11:00", "America/Lima")),
        ("mardi 9h-11h, heure du Pérou", one("0100000", "09:00-11:00", "America/Lima")),
        ("mardi 9h-11h, heure de l'Uruguay", one("0100000", "09:00-11:00", "America/Montevideo")),
        ("terça 9h-11h, horário do Peru", one("0100000", "09:00-11:00", "America/Lima")),
        ("quarta 9h-11h, horário do Paraguai", one("0010000", "09:00-11:00", "America/Asuncion")),
        ("вторник 9-11 по времени Перу", one("0100000", "09:00-11:00", "America/Lima")),
        # Russian puts the country after "времени" in the genitive: Парагвай, Парагвая.
        ("вторник 9-11 по времени Парагвая", one("0100000", "09:00-11:00", "America/Asuncion")),
        ("周二 9:00-11:00 秘鲁时间", one("0100000", "09:00-11:00", "America/Lima")),
        # Beside a word for the time, a name that is also a person's is the country's.
        ("Tuesday 9-11 Jordan time", one("0100000", "09:00-11:00", "Asia/Amman")),
        # Brasília, not Brazil: a city the zone fields know.
        (
            "dias úteis, das 9 às 12, horário de Brasília",
            one(WEEKDAYS, "09:00-12:00", "America/Sao_Paulo"),
        ),
        ("martes de 9 a 11, hora de Brasília", one("0100000", "09:00-11:00", "America/Sao_Paulo")),
    ],
)
def test_a_country_named_as_the_time_is_its_one_zone(text, expected):
    """ "hora de Perú", "hora de Paraguay", "Peru time" were read in the office's zone (the
    Peruvians' happened to be theirs, the Paraguayans' not): a country named beside a word for
    the time ("hora de", "horario de", "horário do", "heure du", "время", "X time") is its
    zone, where it has one (CLDR's names, in the offices' languages)."""
    assert read(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Countries with several zones: free text does not guess.
        "martes de 9 a 11, hora de Brasil",
        "Tuesday 9-11 US time",
        "Tuesday 9-11 Australia time",
        "вторник 9-11 по времени России",
        "mardi 9h-11h, heure d'Espagne",  # the Canaries are an hour behind the peninsula
        # A country named elsewhere in the text is where someone is or was, not the time's.
        "I will be in Peru next week, Tuesday 9-11",
        "Peru: Tuesday 9-11",
        "Chad will present, Tuesday 9-11",
        "Jordan and Turkey, Tuesday 9-11",
        "Georgia time, Tuesday 9-11",  # the country, or the US state
    ],
)
def test_a_country_that_is_not_named_as_the_time_names_no_zone(text):
    assert read(text) == one("0100000", "09:00-11:00")


def test_the_volunteer_form_takes_the_zone_of_the_country_named(client, survey):
    text = "jueves 14:00 a 16:00 hora de Paraguay"
    response = volunteer(client, availability=text, availability_zone="", read_availability="1")
    page = html.unescape(response.get_data(as_text=True))
    assert re.search(r'<input[^>]*name="availability_zone"[^>]*value="Asunción, Paraguay"', page)
    assert 'name="windows-0-starts" type="time" value="14:00"' in page
