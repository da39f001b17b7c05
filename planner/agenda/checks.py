"""Checks of the agenda's fields, as every page, the API and the line-up's acceptance reach them:
each returns the value to store or raises AgendaError naming the field. Times are refused where a
time zone skips or repeats them.
"""

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from planner.agenda.models import HOME_ZONE, Meeting
from planner.db_types import FIRST_YEAR, LAST_YEAR, MAX_INT
from planner.errors import ConflictError, PlannerError
from planner.extensions import db
from planner.offices.models import Office, typed_code
from planner.private_links import PRIVATE_PAGE, holds_a_secret, names_a_secret, private_page
from planner.proposals.models import Proposal, ProposalStatus
from planner.recommendations.models import Recommendation
from planner.request_input import unknown_fields
from planner.text import (
    CREDENTIALS,
    blank,
    carries_credentials,
    is_web_address,
    line_breaks,
    refusal,
    shorten,
    shown_web_address,
)
from planner.timezones import (
    LocalTimeError,
    ZoneError,
    local_time,
    pick_zone,
    to_utc,
    zone_info,
)

MAX_MINUTES = 12 * 60
MAX_OFFSET = 24 * 60  # a slot starts within a day of its meeting's start


class AgendaError(PlannerError):
    """A change to the agenda that cannot be made; the message says why, in the co-lead's words,
    and `field` names the field it is about (as the API names it), if it is about one. `local`:
    the wall-clock time refused, when that is why (a page words what to do its own way)."""

    local: LocalTimeError | None = None

    @classmethod
    def of_local_time(cls, error: LocalTimeError) -> "AgendaError":
        refused = cls(str(error))
        refused.local = error
        return refused


class PublishRefused(AgendaError, ConflictError):
    """The meeting is not ready to be published (no start, no slot, ...)."""


def on_field(name: str, check: Callable, value):
    """`check(value)`, its refusal blamed on the field `name` unless it names a field itself."""
    try:
        return check(value)
    except AgendaError as error:
        error.field = error.field or name
        raise


def validated(checks: Mapping[str, Callable], changes: Mapping, what: str) -> dict:
    if problem := unknown_fields(changes, list(checks), f"{what} field"):
        # Under each name as sent in `fields` too, as the proposals' API says them (helper-187).
        refused = AgendaError(problem)
        refused.errors = {name: [problem] for name in sorted(set(changes) - set(checks))}
        raise refused
    return {name: on_field(name, checks[name], value) for name, value in changes.items()}


def check_minutes(value, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise AgendaError(f"{what} must be a whole number of minutes.")
    if value <= 0:
        raise AgendaError(f"{what} must be positive.")
    if value > MAX_MINUTES:
        raise AgendaError(f"{what} must be at most {MAX_MINUTES} minutes.")
    return value


def check_start(value: datetime | None, zone: str) -> datetime | None:
    """A start as given: a wall-clock time in the home zone (no offset), an instant in UTC, or a
    wall-clock time with the offset the home zone has then. Anything else is a mistake."""
    if value is None:
        return None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise AgendaError(f"Give a date between {FIRST_YEAR} and {LAST_YEAR}.")
    if value.second or value.microsecond:
        # Pages show and take minutes: a start with seconds would move at the next page save,
        # and every subscribed calendar with it (helper-85).
        minute = value.replace(second=0, microsecond=0).isoformat()
        raise AgendaError(
            f"Give the start to the minute, such as {minute}: pages and calendars show "
            "minutes, not seconds."
        )
    if value.tzinfo is None:
        try:
            return to_utc(value, zone)
        except LocalTimeError as error:
            raise AgendaError.of_local_time(error) from None
    if value.utcoffset() == timedelta(0):
        return value.astimezone(UTC)
    there = value.astimezone(zone_info(zone))
    if there.utcoffset() != value.utcoffset():
        try:
            to_utc(value.replace(tzinfo=None), zone)
        except LocalTimeError as error:
            if error.twice:  # an offset was given, just not one of the two it may have
                raise AgendaError(
                    f"{value.isoformat()} has another offset than {zone} has then: "
                    f"{value:%Y-%m-%d %H:%M} there is {error.twice[0]} or {error.twice[1]} "
                    "(it happens twice when daylight saving time ends); give one of those, "
                    "or the time in UTC."
                ) from None
            raise AgendaError.of_local_time(error) from None
        raise AgendaError(
            f"{value.isoformat()} has another offset than {zone} has then "
            f"({there.isoformat()}); give the time in UTC or with {zone}'s offset."
        )
    return value.astimezone(UTC)


def check_text(
    value, what: str, limit: int, *, required: bool = False, multiline: bool = False
) -> str:
    if not isinstance(value, str):
        raise AgendaError(_("%(what)s must be text.", what=what))
    value = line_breaks(value).strip() if multiline else value.strip()
    if required and blank(value):
        raise AgendaError(_("%(what)s is required.", what=what))
    if len(value) > limit:
        raise AgendaError(_("%(what)s is limited to %(limit)s characters.", what=what, limit=limit))
    if problem := refusal(value, what, multiline=multiline):
        raise AgendaError(problem)
    return value


def check_published_text(
    value, what: str, limit: int, *, required: bool = False, multiline: bool = False
) -> str:
    """`check_text` for a text the agenda publishes (a title, an abstract, a description): one
    that holds the secret of a private link is refused, as the link fields refuse the link (a
    presenter's own page pasted into their abstract was on the public agenda)."""
    value = check_text(value, what, limit, required=required, multiline=multiline)
    if names_a_secret(value):
        raise AgendaError(holds_a_secret(what))
    return value


def check_day(value, what: str) -> date | None:
    """A calendar day as given: a date, or its ISO text (2027-03-01) from JSON; None clears."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise AgendaError(f"{what} is a date such as 2027-03-01.") from None
    if not isinstance(value, date) or isinstance(value, datetime):
        raise AgendaError(f"{what} is a date such as 2027-03-01.")
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise AgendaError(f"Give a date between {FIRST_YEAR} and {LAST_YEAR}.")
    return value


def check_choice(value, choices: tuple[str, ...], what: str) -> str:
    if value not in choices:
        raise AgendaError(f"The {what} is one of: {', '.join(choices)}.")
    return value


def check_zone(value, stored: str | None = None) -> str:
    """The zone `value` names: an IANA name, or a city or country that fits one zone only;
    `stored`, the meeting's zone now, sent back as it is (`pick_zone`)."""
    if not isinstance(value, str):
        raise AgendaError(f"The time zone is an IANA name such as {HOME_ZONE}, or a city.")
    try:
        return pick_zone(value, stored)
    except ZoneError as error:
        raise AgendaError(error.message) from None


def check_url(value) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not is_web_address(value.strip()):
        raise AgendaError(
            "The video link must be a web address starting with https:// (or http://), with no "
            "spaces or line breaks."
        )
    # In the one form a link is kept and shown in (an internationalised host in Unicode), then
    # its length: the work of reading it as a page of the planner grows with it.
    value = check_text(shown_web_address(value.strip()), "The video link", 500)
    if carries_credentials(value):
        raise AgendaError(f"The video link {CREDENTIALS}.")
    if private_page(value):
        raise AgendaError(f"The video link {PRIVATE_PAGE}.")
    return value


def check_office(value) -> str | None:
    if value in (None, ""):
        return None
    # " wo", or "WO" pasted with a zero-width space, is WO, as wherever a code is typed.
    code = typed_code(value)
    if code is None or db.session.get(Office, code) is None:
        shown = shorten(repr(value), 21)
        raise AgendaError(f"{shown} is not a known office code.")
    return code


def check_recommendations(value) -> list[Recommendation]:
    # true is an int to Python, but no number to PostgreSQL, which refuses to compare it.
    numbers = isinstance(value, list) and all(
        isinstance(n, int) and not isinstance(n, bool) for n in value
    )
    if not numbers:
        raise AgendaError("The recommendations are a list of numbers, e.g. [10].")
    # Numbers beyond what the column holds name nothing (and PostgreSQL refuses to compare them).
    storable = [n for n in value if -MAX_INT <= n <= MAX_INT]
    query = select(Recommendation).where(Recommendation.number.in_(storable))
    found = list(db.session.scalars(query))
    missing = sorted(set(value) - {r.number for r in found})
    if missing:
        raise AgendaError(f"No recommendation {', '.join(map(str, missing))}.")
    return sorted(found, key=lambda r: r.number)


def check_recommendation(value) -> Recommendation | None:
    """The recommendation a meeting is on, by number; None for a general meeting."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise AgendaError(
            "recommendation is the number of the recommendation the meeting is on, such as 10, "
            "or null for a general meeting."
        )
    found = db.session.get(Recommendation, value) if -MAX_INT <= value <= MAX_INT else None
    if found is None:
        raise AgendaError(f"No recommendation {value}.")
    return found


def check_proposal(value) -> Proposal | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise AgendaError("proposal_id is a proposal's number, such as 3.")
    proposal = db.session.get(Proposal, value) if 0 < value <= MAX_INT else None
    if proposal is None:
        raise AgendaError(f"No proposal {value!r}.")
    if proposal.status != ProposalStatus.accepted:
        raise AgendaError(f"Proposal {value} is {proposal.status}; only accepted ones go in.")
    return proposal


def check_offset(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise AgendaError("A slot cannot start before its meeting.")
    if value > MAX_OFFSET:
        raise AgendaError("A slot starts within 24 hours of its meeting's start.")
    return value


def check_pinned(value, meeting: Meeting) -> int | None:
    """A slot's own start, as minutes after the meeting's start."""
    if value is None:
        return None
    if meeting.starts_at is None:
        raise AgendaError("Give the meeting a start before pinning a slot to a time.")
    if isinstance(value, time):
        # A time earlier than the meeting's start is on the next day: 00:30 in a meeting that
        # starts at 23:00. Further on than a meeting lasts, it is a time before the start
        # (07:30 in a meeting at 08:00), not one the next day (helper-150: "The slots would
        # end 1560 minutes after the meeting's start").
        home = local_time(meeting.time_zone, meeting.starts_at)
        if value < home.time():
            later = datetime.combine(home.date() + timedelta(days=1), value)
            if (later - home.replace(tzinfo=None)).total_seconds() > MAX_MINUTES * 60:
                raise AgendaError(
                    f"{value:%H:%M} is before the meeting starts ({home:%H:%M} "
                    f"{meeting.time_zone}): a slot starts at its meeting's start or later."
                )
        day = home.date() + timedelta(days=0 if value >= home.time() else 1)
        value = datetime.combine(day, value)
    value = check_start(value, meeting.time_zone)
    seconds = (value - meeting.starts_at).total_seconds()
    if seconds < 0:
        raise AgendaError("A slot cannot start before its meeting.")
    if seconds % 60:
        raise AgendaError("Slots start on whole minutes.")
    return check_offset(int(seconds // 60))
