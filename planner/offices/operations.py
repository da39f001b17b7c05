"""Reading and editing offices."""

import re
from collections.abc import Iterable

from sqlalchemy import select

from planner.db_types import utcnow
from planner.extensions import db
from planner.offices.models import Office, typed_code
from planner.versioning import changed_columns


def matching(offices: Iterable[Office], text: str) -> list[Office]:
    """The offices whose code, name or city contains `text`, ignoring case (all for no text).

    One rule for every search box, the same on every database (SQL LIKE treats "_" and "%" as
    wildcards, and SQLite ignores the case of ASCII letters only).
    """
    needle = text.strip().casefold()
    return [
        o
        for o in offices
        if not needle
        or needle in o.code.casefold()
        or needle in o.name.casefold()
        or needle in (o.city or "").casefold()
    ]


_BY_SOMEONE = re.compile(r"\bby \S+@\S+")


def editor_hidden(source: str) -> str:
    """A value's source ("edited by ana@example.org") as anyone may read it: which co-lead
    edited it is for co-leads ("edited by a co-lead"); an address is a contact."""
    return _BY_SOMEONE.sub("by a co-lead", source)


def find_offices(text: str = "") -> list[Office]:
    """Offices matching `text` (see `matching`), by code."""
    return matching(db.session.scalars(select(Office).order_by(Office.code)), text)


def office_named(code: str) -> Office | None:
    """The office an address names by its ST.3 code, read as typed (`typed_code`: "sg", and a
    code pasted with a space or a zero-width space along, are SG), or None: what is no code
    names no office (str.upper read the Turkish dotless "ıe" as IE)."""
    read = typed_code(code)
    return db.session.get(Office, read) if read else None


def entered_details(
    *, name: str, city: str, time_zone: str, size: str, region: str
) -> dict[str, str | None]:
    """What a new office's form stores of what was typed: its texts trimmed, nothing as None."""
    return {
        "name": name.strip(),
        "city": city.strip() or None,
        "time_zone": time_zone.strip() or None,
        "size": size or None,
        "region": region or None,
    }


def add_office(
    code: str,
    *,
    name: str,
    city: str,
    time_zone: str,
    size: str,
    region: str,
    editor: str | None,
) -> Office:
    """A new office, entered by a co-lead: one that did not answer any survey imported here (an
    office that volunteers, or is to be invited, before or without answering one). `code` is
    its ST.3 code, in capitals. Kept as an office edited by hand is: deleting a survey that
    later names it does not take it away."""
    entered = f"entered by {editor or 'a co-lead'}"
    office = Office(
        code=code,
        **entered_details(name=name, city=city, time_zone=time_zone, size=size, region=region),
        size_source=entered if size else None,
        region_source=entered if region else None,
        updated_by=editor,
        updated_at=utcnow(),
    )
    db.session.add(office)
    return office


def update_office(
    office: Office,
    *,
    name: str,
    city: str,
    time_zone: str,
    size: str,
    region: str,
    editor: str | None,
) -> None:
    office.name = name.strip()
    office.city = city.strip() or None
    office.time_zone = time_zone.strip() or None
    edited = f"edited by {editor or 'a co-lead'}"
    if (size or None) != office.size:
        office.size, office.size_source = size or None, edited if size else None
    if (region or None) != office.region:
        office.region, office.region_source = region or None, edited if region else None
    if changed_columns(office):  # saved unchanged: no new version, no "edited by"
        office.updated_by = editor
        office.updated_at = utcnow()
