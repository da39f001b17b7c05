"""Column types shared by the models."""

import re
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

from planner.text import shorten


class UTCDateTime(TypeDecorator[datetime]):
    """An instant, stored in UTC and always read back as an aware UTC datetime.

    SQLite keeps no offset, PostgreSQL keeps one; both give the same value to the app. Naive
    datetimes are refused so that a local time can never be stored by mistake.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store instants with a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def fit(text: str, column) -> str:
    """A text the app builds itself (a history's actor, a meeting's title) cut to what its
    column holds, marked with an ellipsis; PostgreSQL would refuse it, SQLite keep it whole."""
    limit = column.type.length
    return text if limit is None else shorten(text, limit)


# The largest value of an INTEGER column in PostgreSQL. Larger numbers in a URL or a query would
# make the database refuse the query; they name nothing, so they are treated as "not found".
MAX_INT = 2**31 - 1
# The years a date the app is given may have (a meeting, a window, a survey's period): a typo
# of 1025 or 9999 is refused rather than sorted before or after everything.
FIRST_YEAR, LAST_YEAR = 2000, 2100


_ASCII_INT = re.compile(r"[+-]?[0-9]+")


def db_int(text: str) -> int:
    """A whole number a database INTEGER can hold, from text; ValueError otherwise.

    Fit for `request.args.get(name, type=db_int)`, which then yields the default.
    """
    if len(text) > 20:  # far beyond any column; int() of a huge text is slow
        raise ValueError(f"{text[:20]!r}... is out of range")
    if not _ASCII_INT.fullmatch(text.strip()):
        # int() also reads "١٠" (Arabic-Indic digits) and "1_000": one number, one spelling.
        raise ValueError(f"{text!r} is not a whole number")
    number = int(text)
    if not -MAX_INT <= number <= MAX_INT:
        raise ValueError(f"{text!r} is out of range")
    return number


class DatabaseIntConverter(IntegerConverter):
    """The `<int:...>` URL converter, bounded to what an INTEGER column holds, in ASCII digits
    without leading zeros: one address per resource (werkzeug's own also reads "١٠" and "010")."""

    # What could be meant as a number ("010", "-1", "+1", "١٠"), matched so that it is refused
    # as a number its address has no row for (`to_python`); only the ASCII spelling names one.
    regex = r"[+-]?\d+"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int = MAX_INT):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max)

    def to_python(self, value: str) -> int:
        """A number too large for a row, or spelled otherwise, is no row: its route is matched
        all the same (`NoRow`, refused by `refuse_no_row` before any view), so that it is
        refused as its address refuses: the API's and a JSON file's in JSON with the public
        headers, a feed's as anyone's. (Werkzeug's refusal would only skip the rule, and a
        sibling rule for other methods then answered 405; raised here, or left to the regex, it
        left the address matched to no route, and a feed's answer opened the session.)"""
        if not _CANONICAL.fullmatch(value):
            return Misspelled(0)
        try:
            return super().to_python(value)
        except ValidationError:
            return TooLarge(MAX_INT + 1)


_CANONICAL = re.compile(r"0|[1-9][0-9]*")


class NoRow(int):
    """A number in an address that names no row (`DatabaseIntConverter`); not its digits, which
    may be thousands (more than int() reads)."""

    why = ""


class TooLarge(NoRow):
    why = "the number is too large"


class Misspelled(NoRow):
    why = "a number here is written in ASCII digits (0-9), without a sign or leading zeros"


def refuse_no_row(_endpoint: str | None, values: dict | None) -> None:
    """A URL value preprocessor: 404 for every method on an address whose number no row has."""
    for value in (values or {}).values():
        if isinstance(value, NoRow):
            raise NotFound(f"There is nothing at this address: {value.why}.")


def render_item(type_: str, obj, autogen_context) -> str | bool:
    """Alembic autogenerate hook: write our column types as the plain SQLAlchemy type they wrap.

    Migrations then never import app code, which may be renamed long after they ran.
    """
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False
