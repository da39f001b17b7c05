"""Versions of what two co-leads may edit at once (meetings, slots, offices, recommendations):
a save based on an older version is refused with the current state, never silently lost.

Each versioned model has a `version` column that SQLAlchemy raises on every UPDATE of its row
(`version_id_col`) and checks in the UPDATE itself, so that two saves racing each other are
caught by the database too. Pure: no Flask.
"""

import hashlib
import hmac
from collections.abc import Callable

from sqlalchemy import inspect
from sqlalchemy.orm import Mapped, mapped_column

from planner.errors import ConflictError
from planner.translation import gettext

RACED = (
    "Someone else saved a change to the same item at the same moment; yours was not saved. "
    "Look at it again and repeat your change."
)


CLASHED = (
    "Someone else saved the same thing at the same moment; yours was not saved. Look at it "
    "again: it may be there already."
)


class StaleVersion(ConflictError):
    """The person saw an older version than the stored one. `current` is the item as it is
    now, in the shape the API answers with (None where no one asked for it)."""

    def __init__(self, message: str, current: dict | None = None) -> None:
        super().__init__(message, field="version")
        self.current = current


def version_column() -> Mapped[int]:
    return mapped_column(default=1, server_default="1")


def changed_columns(item) -> set[str]:
    """The columns of `item` given a value other than the stored one. A value set again as it
    was is no change: the row is not written, and its version does not move (helper-83: an
    office saved unchanged took a new version, and a colleague's real edit was refused)."""
    state = inspect(item)
    return {
        attr.key
        for attr in state.attrs
        if attr.key in state.mapper.column_attrs and attr.history.has_changes()
    }


def check_version(
    item,
    seen: int | None,
    what: str,
    current: Callable[[], dict] | None = None,
) -> None:
    """Refuse a change to `item` made from version `seen` if it has moved on since (None: the
    client sent no version, as a JSON PATCH of single fields may)."""
    if seen is None or seen == item.version:
        return
    by = getattr(item, "updated_by", None)
    versions = {"what": what, "seen": seen, "now": item.version}
    message = (
        gettext(
            "%(what)s changed by %(by)s since you opened it (you saw version %(seen)s; it is now "
            "version %(now)s). Your change was not saved: look at it as it is now, then save "
            "again.",
            by=by,
            **versions,
        )
        if by
        else gettext(
            "%(what)s changed since you opened it (you saw version %(seen)s; it is now version "
            "%(now)s). Your change was not saved: look at it as it is now, then save again.",
            **versions,
        )
    )
    raise StaleVersion(message, current() if current else None)


def parse_version(value) -> int:
    """A version as a client sends it: a whole number (in JSON) or its digits (in a form)."""
    if isinstance(value, bool):
        raise ValueError("not a version")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdecimal():
        number = int(value.strip())
    else:
        raise ValueError("not a version")
    if not 1 <= number <= 2**31 - 1:
        raise ValueError("not a version")
    return number


def link_seen(current: str | int | None) -> str:
    """What a form that acts on a private link (revoke it, make a new one) carries of the link
    its page showed: a short fingerprint of the link's stored digest or number, never the link
    itself. Sent back, `link_changed` says whether the link is still the one the co-lead saw:
    a page opened before someone else invited a new presenter, or a form sent twice, must not
    revoke the link made since."""
    return hashlib.sha256(f"planner-link:{current}".encode()).hexdigest()[:16]


def link_changed(current: str | int | None, sent: str | None) -> bool:
    """Whether the link is no longer the one whose `link_seen` the form sent back."""
    # As bytes: compare_digest refuses a str with a character beyond ASCII (a TypeError, a 500
    # on a form sent back with anything in its hidden field).
    return not hmac.compare_digest(link_seen(current).encode(), (sent or "").encode())
