"""A co-lead's API tokens: made with a name and an expiry, listed, and revoked one at a time.

A name is the co-lead's handle on a token in their list, so two that still work never share
one: the same form sent twice (a double click, a reload) makes one token, not a second that
nobody copied.
"""

from sqlalchemy import select

from planner.accounts.models import TOKEN_DAYS_DEFAULT, TOKEN_NAME_MAX, ApiToken, User
from planner.db_types import utcnow
from planner.errors import ConflictError, PlannerError
from planner.extensions import db
from planner.text import blank, refusal
from planner.turns import hold

WHEN = "%-d %b %Y %H:%M UTC"


def called(token: ApiToken) -> str:
    """A token as a sentence names it: “laptop script”, or, without a name, when it was made."""
    return f"“{token.name}”" if token.name else f"made {token.created_at.strftime(WHEN)}"


def working_named(user: User, name: str) -> ApiToken | None:
    """The account's working token of this name, in any case ("Laptop" is "laptop")."""
    wanted = name.strip().casefold()
    return next((t for t in user.tokens if t.works and t.name.strip().casefold() == wanted), None)


def check_token_name(name: str | None) -> str:
    """A token's name as it is kept (without spaces around it), or PlannerError (field
    "name") saying why it cannot be one: the one check of the account page's form and of
    `flask users token --name`."""
    if name is None or blank(name):
        raise PlannerError(
            "Name the token after what uses it, such as “laptop script”.", field="name"
        )
    if len(name.strip()) > TOKEN_NAME_MAX:
        raise PlannerError(f"Use at most {TOKEN_NAME_MAX} characters.", field="name")
    if problem := refusal(name, "The token's name"):
        raise PlannerError(problem, field="name")
    return name.strip()


class NameTaken(ConflictError):
    """One of the account's working tokens has the name already (`twin`): nothing is made."""

    def __init__(self, twin: ApiToken) -> None:
        super().__init__(
            f"You have a working token named “{twin.name}” already, made "
            f"{twin.created_at.strftime(WHEN)}, so nothing was made (was the form sent twice?). "
            "A token is shown only once: if you did not copy that one, revoke it and make a "
            "new one. For a second token, give it another name.",
            field="name",
        )
        self.twin = twin


def make_token(
    user: User, name: str, *, days: int = TOKEN_DAYS_DEFAULT, read_only: bool = False
) -> str:
    """A new token for `user`, the plain token to show once. PlannerError for a name that
    cannot be one (`check_token_name`), NameTaken when one of the account's working tokens has
    it already: nothing is made."""
    name = check_token_name(name)
    # One at a time per account: two sends of one form at the same moment make one token.
    hold(user)
    db.session.expire(user, ["tokens"])
    if (twin := working_named(user, name)) is not None:
        raise NameTaken(twin)
    return ApiToken.issue(user, name, days=days, read_only=read_only)


def free_name(user: User, wanted: str) -> str:
    """`wanted`, or the first of "wanted 2", "wanted 3" ... no working token of the account
    has: the name of a token the command line makes without one."""
    name, number = wanted, 1
    while working_named(user, name) is not None:
        number += 1
        name = f"{wanted} {number}"
    return name


def tokens_of(user: User) -> tuple[list[ApiToken], list[ApiToken]]:
    """The account's tokens that work, newest first, and those that ended (revoked or
    expired), the latest ended first."""
    tokens = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()
    working = [t for t in tokens if t.works]
    ended = sorted((t for t in tokens if not t.works), key=lambda t: ended_at(t), reverse=True)
    return working, ended


def ended_at(token: ApiToken):
    """When a token stopped working: revoked, or expired (whichever came first)."""
    if _revoked_first(token):
        return token.revoked_at
    return token.expires_at


def how_ended(token: ApiToken) -> str:
    """ "revoked 4 Mar 2027 20:31 UTC" or "expired ...": how and when a token stopped working,
    as the account page and `flask users tokens --all` list it."""
    return f"{'revoked' if _revoked_first(token) else 'expired'} {ended_at(token).strftime(WHEN)}"


def _revoked_first(token: ApiToken) -> bool:
    return token.revoked_at is not None and (
        token.expires_at is None or token.revoked_at < token.expires_at
    )


def own_token(user: User, token_id: int) -> ApiToken | None:
    """One of the account's tokens; another co-lead's is none (their ids tell nothing)."""
    return db.session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    )


def revoke_token(token: ApiToken) -> None:
    """End a working token at once, on every instance. ConflictError when it ended already
    (revoked by a form sent twice, or from another tab; expired): nothing changes."""
    hold(token)
    if token.revoked_at is not None:
        raise ConflictError(
            f"The token {called(token)} was revoked already, "
            f"{token.revoked_at.strftime(WHEN)} (the form was sent twice, or from another "
            "tab). Nothing changed."
        )
    if token.expired:
        raise ConflictError(
            f"The token {called(token)} expired "
            f"{token.expires_at.strftime(WHEN)}: the API refuses it already. Nothing changed."
        )
    token.revoked_at = utcnow()
