"""Throttling kept in the database, so that every instance behind the proxy counts the same: an
address guessing one account's password waits longer after each failure, and anonymous
proposals are limited per address. The account's owner signing in from elsewhere never waits."""

import math
from datetime import datetime, timedelta

from babel.dates import format_timedelta
from flask import current_app
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, func, select
from sqlalchemy.exc import DBAPIError

from planner.accounts.models import ThrottleEvent
from planner.accounts.security import bearer_user, client_address
from planner.db_types import utcnow
from planner.errors import PlannerError
from planner.extensions import db
from planner.http_errors import is_api_request
from planner.languages import page_language

SIGN_IN, PROPOSAL = "sign-in", "proposal"

# Failed sign-ins to one account from one address: the first FREE_FAILURES cost nothing (people
# mistype), then each failure doubles the wait before the next try: 1 s, 2 s, 4 s ... MAX_DELAY.
FREE_FAILURES = 5
MAX_DELAY = timedelta(minutes=15)
# Failures are remembered for a day, so that waiting out the longest delay does not reset them.
PAIR_MEMORY = timedelta(days=1)
# One address trying many accounts (password spraying) stops at a ceiling far above what a
# person mistyping ever reaches, even many people behind one proxy.
ADDRESS_CEILING, ADDRESS_WINDOW = 100, timedelta(hours=1)
# Proposals without an account per address and hour; the app setting PROPOSALS_PER_HOUR
# changes it.
PROPOSALS_PER_HOUR, PROPOSAL_WINDOW = 10, timedelta(hours=1)

_MEMORY = {SIGN_IN: max(PAIR_MEMORY, ADDRESS_WINDOW), PROPOSAL: PROPOSAL_WINDOW}
# No rule looks further back: older events are deleted (here as new ones come, and by
# `personal_data.retention` however few come), as they name a client address.
LONGEST_MEMORY = max(_MEMORY.values())


class Throttled(PlannerError):
    """Refused for now: the message says when to try again, as Retry-After does in seconds."""

    status = 429

    def __init__(self, message: str, wait: timedelta) -> None:
        self.retry_after = max(1, math.ceil(wait.total_seconds()))
        super().__init__(
            _(
                "%(refusal)s Try again in %(wait)s.",
                refusal=message,
                wait=in_words(self.retry_after, page_language()),
            )
        )

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def in_words(seconds: int, language: str = "en") -> str:
    """A wait as people say it, rounded up: '1 second', '4 seconds', '15 minutes', '1 hour'; in
    another `language` as CLDR says it ("1 hora", "15 минут")."""
    # Rounded up before the unit is chosen: 3599 seconds are "1 hour", not "60 minutes".
    if seconds < 60:
        amount, unit, size = seconds, "second", 1
    elif math.ceil(seconds / 60) < 60:
        amount, unit, size = math.ceil(seconds / 60), "minute", 60
    else:
        amount, unit, size = math.ceil(seconds / 3600), "hour", 3600
    if language != "en":
        return format_timedelta(
            amount * size, granularity=unit, threshold=1, format="long", locale=language
        )
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


def pair_delay(failures: int) -> timedelta:
    """How long one address waits after its latest failure before trying the account again."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    # 2**10 s is past the cap already; a bounded exponent keeps timedelta from overflowing.
    return min(timedelta(seconds=2 ** min(failures - FREE_FAILURES, 10)), MAX_DELAY)


def check_sign_in(address: str, account: str) -> int:
    """Raise Throttled while `address` must wait before trying `account`'s password again;
    otherwise count this try as a failure, until a right password forgets it
    (`forget_sign_in_failures`) or the server fails before checking it (`take_back`), and
    return the try's number.

    Checked before the password, so a right password during the wait is refused as well: that
    is what stops a guesser. Only this address waits; the owner elsewhere signs in. The try is
    committed at once, the one commit before a request's end in the app: the password check
    that follows is slow by design, and a try sent at the same moment must count this one
    (helper-86: 18 of 30 wrong passwords sent at once were checked, where five are free),
    without the turn (`_one_at_a_time`) held while the password is checked.
    """
    now, account = utcnow(), _fits(account)
    _one_at_a_time(SIGN_IN, address, now)
    # The pair's failures and the address's tries, counted in one statement.
    pair = (ThrottleEvent.account == account) & (ThrottleEvent.at >= now - PAIR_MEMORY)
    failures, latest, tries = db.session.execute(
        select(
            func.count().filter(pair),
            func.max(ThrottleEvent.at).filter(pair),
            func.count().filter(ThrottleEvent.at >= now - ADDRESS_WINDOW),
        ).where(
            ThrottleEvent.action == SIGN_IN,
            ThrottleEvent.address == address,
            ThrottleEvent.at >= now - max(PAIR_MEMORY, ADDRESS_WINDOW),
        )
    ).one()
    if failures >= FREE_FAILURES and (until := latest + pair_delay(failures)) > now:
        raise Throttled("Too many failed sign-ins to this account from your address.", until - now)
    if wait := _budget_wait(SIGN_IN, address, ADDRESS_CEILING, ADDRESS_WINDOW, now, tries):
        raise Throttled("Too many failed sign-ins from your address.", wait)
    tried = _record(SIGN_IN, address, account)
    db.session.commit()
    return tried.id


def take_back(tried: int) -> None:
    """Count no more the try `tried` (`check_sign_in`), committed: the server failed before
    its password was checked (a database not upgraded yet, helper-202), so it told the person
    nothing, and a co-lead trying again during an upgrade was held up as a guesser, then for
    up to 15 minutes once it was over. If the database cannot be reached, it stays counted."""
    db.session.rollback()
    try:
        db.session.execute(delete(ThrottleEvent).where(ThrottleEvent.id == tried))
        db.session.commit()
    except DBAPIError:
        db.session.rollback()


def forget_sign_in_failures(address: str, account: str) -> None:
    """A right password from the pair starts its count afresh; other addresses keep theirs."""
    db.session.execute(
        delete(ThrottleEvent).where(
            ThrottleEvent.action == SIGN_IN,
            ThrottleEvent.address == address,
            ThrottleEvent.account == _fits(account),
        )
    )


def spend_proposal_budget() -> None:
    """Count a proposal sent without an account from the client's address; Throttled once the
    address has sent PROPOSALS_PER_HOUR within the hour. Co-leads (signed in on the pages, with
    a token on the API) are not counted."""
    colead = bearer_user() if is_api_request() else current_user
    if colead is not None and colead.is_authenticated and colead.is_colead:
        return
    address, now = client_address(), utcnow()
    limit = max(1, int(current_app.config.get("PROPOSALS_PER_HOUR", PROPOSALS_PER_HOUR)))
    _one_at_a_time(PROPOSAL, address, now)
    if wait := _budget_wait(PROPOSAL, address, limit, PROPOSAL_WINDOW, now):
        raise Throttled(
            _(
                "Your address has sent %(limit)s proposals within the hour, as many as the "
                "planner takes without an account.",
                limit=limit,
            ),
            wait,
        )
    _record(PROPOSAL, address)


def _budget_wait(
    action: str,
    address: str,
    limit: int,
    window: timedelta,
    now: datetime,
    count: int | None = None,
) -> timedelta | None:
    """How long until `address` has fewer than `limit` events of `action` within `window`;
    None if it has fewer now. `count`: how many it has, when the caller counted them already."""
    recent = (
        ThrottleEvent.action == action,
        ThrottleEvent.address == address,
        ThrottleEvent.at >= now - window,
    )
    if count is None:
        count = db.session.scalar(select(func.count()).select_from(ThrottleEvent).where(*recent))
    if count < limit:
        return None
    # Below the limit again once the oldest count - limit + 1 of them have left the window.
    last_to_leave = db.session.scalar(
        select(ThrottleEvent.at)
        .where(*recent)
        .order_by(ThrottleEvent.at)
        .offset(count - limit)
        .limit(1)
    )
    return last_to_leave + window - now


def _fits(account: str) -> str:
    # Lower-casing can lengthen an email ("İ" becomes two characters) past the column.
    return account[: ThrottleEvent.account.type.length]


def _one_at_a_time(action: str, address: str, now: datetime) -> None:
    """Requests that count one address's events for `action` take turns, each until its
    transaction ends: counted, checked and recorded by one before the next counts. Without
    turns, requests sent at once all counted the events before any was recorded, and all
    passed (helper-86: 21 of 25 simultaneous proposals taken with a limit of 10).

    PostgreSQL: a transaction-level advisory lock on the action and address (another key with
    the same hash only waits its turn too). SQLite: the transaction's first write takes the
    database's one write lock, held until the transaction ends. That write is the removal of
    the events no rule looks at any more, which keeps the table small; on PostgreSQL it passes
    over rows another request is removing (SKIP LOCKED), so requests from other addresses
    never wait on each other there."""
    if db.session.get_bind().dialect.name == "postgresql":
        key = f"throttle {action} {address}"
        db.session.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))
    expired = (
        select(ThrottleEvent.id)
        .where(ThrottleEvent.action == action, ThrottleEvent.at < now - _MEMORY[action])
        .with_for_update(skip_locked=True)
    )
    db.session.execute(
        delete(ThrottleEvent)
        .where(ThrottleEvent.id.in_(expired))
        .execution_options(synchronize_session=False)
    )


def _record(action: str, address: str, account: str = "") -> ThrottleEvent:
    event = ThrottleEvent(action=action, address=address, account=account, at=utcnow())
    db.session.add(event)
    return event
