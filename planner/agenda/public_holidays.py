"""Public holidays of the offices' countries, which the fair start times weigh as a weekend day.

An office's code is its country's ISO code for a national office (AU, PE, BR…); the regional
organisations (EP, EM…) have no country's holidays, and none is guessed for them. The days are
a country's nationwide public holidays, as the `holidays` package (python-holidays) knows them:
a state's or province's own days are not counted. Their names are in English, as the pages
that show them are. Pure: no Flask, no database.
"""

from collections.abc import Iterable
from datetime import date
from functools import cache


@cache
def _of_year(country: str, year: int) -> dict[date, str]:
    # Imported when first asked, not as every process starts (a tenth of a second: a `flask`
    # command, each gunicorn worker): only the fair start times and a meeting's page ask.
    import holidays

    try:
        # The language said, not the server's locale: without it python-holidays names them
        # in the locale's language, else the country's own ("Año Nuevo" for PE, "元旦" for CN).
        found = holidays.country_holidays(
            country, years=year, categories=holidays.PUBLIC, language="en_US"
        )
    except NotImplementedError:  # no country's code, or one the package does not know
        return {}
    return dict(found)


def holidays_between(code: str | None, first: date, last: date) -> dict[date, str]:
    """The public holidays of office `code`'s country from `first` to `last` (both included),
    each with its name; empty for an office that is no country's."""
    if not code:
        return {}
    return {
        day: name
        for year in range(first.year, last.year + 1)
        for day, name in _of_year(code, year).items()
        if first <= day <= last
    }


def holidays_of(codes: Iterable[str | None], first: date, last: date) -> dict[str, dict[date, str]]:
    """`holidays_between` for each office that has any in those days, by code."""
    found = {code: holidays_between(code, first, last) for code in codes if code}
    return {code: days for code, days in found.items() if days}


def holiday_on(code: str | None, day: date) -> str | None:
    """The name of office `code`'s public holiday on `day`, if it is one."""
    return holidays_between(code, day, day).get(day)
