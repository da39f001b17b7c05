"""Co-lead accounts, their API tokens, the events throttling counts (across instances), and the
API answers kept for a script's retry (`IdempotencyKey`).

Passwords are stored as scrypt hashes and API tokens as SHA-256 digests: neither is recoverable
from the database. A token has a name, an expiry and, if it was made so, reads only.
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint, false, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from planner.addresses import spellings
from planner.db_types import UTCDateTime, utcnow
from planner.extensions import db

ROLES = ("colead",)
TOKEN_PREFIX = "cwsp_"


def digest(secret: str) -> str:
    """SHA-256 of a high-entropy secret (an API token or a private link): what the app stores."""
    return hashlib.sha256(secret.encode()).hexdigest()


# How long a one-time password signs in, from when it was given.
ONE_TIME_PASSWORD_LASTS = timedelta(days=7)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="colead")
    # Set for a password printed by `flask users create`: it must be changed at first sign-in,
    # within `ONE_TIME_PASSWORD_LASTS` of when it was given (`password_set_at`).
    must_change_password: Mapped[bool] = mapped_column(default=False)
    password_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the id the session cookie carries (Flask-Login's "alternative id"): raising it
    # ends every session signed in before, copies of the cookie included.
    session_version: Mapped[int] = mapped_column(default=1)

    tokens: Mapped[list["ApiToken"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Sign out every session of this account, wherever its cookie is."""
        self.session_version = (self.session_version or 0) + 1

    def set_password(self, password: str, *, one_time: bool = False) -> None:
        """A new password also ends the sessions signed in with the old one."""
        self.password_hash = _hashed(password)
        self.must_change_password = one_time
        self.password_set_at = utcnow()
        self.end_sessions()

    @property
    def one_time_password_expired(self) -> bool:
        """A one-time password not changed within `ONE_TIME_PASSWORD_LASTS` signs in no more:
        one left in a chat or an email would otherwise work for ever (helper-194). One given
        before the date was kept lasts from the upgrade that added it (migration 1dd38583f37d);
        one an instance of the release before gave meanwhile has none, and works until changed."""
        given = self.password_set_at
        return (
            self.must_change_password
            and given is not None
            and utcnow() - given > ONE_TIME_PASSWORD_LASTS
        )

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_colead(self) -> bool:
        return self.role == "colead"


def _hashed(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@cache
def _decoy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(), method=method)


def password_matches(user: User | None, password: str) -> bool:
    """Check a sign-in. An unknown email costs as much time as a wrong password, so response
    times do not tell which addresses have accounts."""
    if user is None:
        check_password_hash(_decoy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return False
    return user.check_password(password)


# How many days a new API token works: the choices of the account page, the default there and
# of `flask users token --days`, and the most either gives. None lasts for ever: a token copied
# into a CI job's settings, a laptop's shell history or a backup would work as long as the
# account does, unseen; a year is as long as a script needs before its token is renewed.
TOKEN_DAYS = (7, 30, 90, 365)
TOKEN_DAYS_DEFAULT = 90
TOKEN_DAYS_MAX = 365
TOKEN_NAME_MAX = 100
# The methods a read-only token may send: those that change nothing.
READING = frozenset({"GET", "HEAD", "OPTIONS"})


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # What the co-lead calls it ("laptop script"); "" for one made before tokens had names.
    name: Mapped[str] = mapped_column(String(TOKEN_NAME_MAX), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None only for a token made before tokens expired (migration 5b2e8c1d9f47): it goes on
    # working, as the scripts holding it were promised, until revoked; every later one expires.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    @staticmethod
    def issue(
        user: User, name: str = "", *, days: int = TOKEN_DAYS_DEFAULT, read_only: bool = False
    ) -> str:
        """A new token for `user`, working `days` days from now; the plain token is returned
        once and never stored."""
        if not 1 <= days <= TOKEN_DAYS_MAX:
            raise ValueError(f"a token works 1 to {TOKEN_DAYS_MAX} days, not {days}")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = utcnow()
        user.tokens.append(
            ApiToken(
                token_hash=digest(token),
                name=name,
                created_at=now,
                expires_at=now + timedelta(days=days),
                read_only=read_only,
            )
        )
        return token

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and utcnow() >= self.expires_at

    @property
    def works(self) -> bool:
        """Whether the API takes it: neither revoked nor expired."""
        return self.revoked_at is None and not self.expired

    def allows(self, method: str) -> bool:
        """Whether it may send a request with this method: a read-only token only reads."""
        return not self.read_only or method.upper() in READING


class ThrottleEvent(db.Model):
    """One failed sign-in (`account` is the email typed) or one proposal without an account,
    from a client address; `planner.accounts.throttle` counts them."""

    __tablename__ = "throttle_events"
    __table_args__ = (
        Index("ix_throttle_events_action_address_at", "action", "address", "at"),
        Index("ix_throttle_events_action_address_account", "action", "address", "account"),
        Index("ix_throttle_events_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(64))
    account: Mapped[str] = mapped_column(String(254), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyKey(db.Model):
    """A POST to the API sent with an `Idempotency-Key`, by an account (its token) or, without
    one, a client address (`owner`), and what it was answered: the same request sent again with
    the key (a retry after a lost answer) is given that answer, nothing done again
    (`planner.accounts.idempotency`). Kept until `expires_at`, then deleted by
    `personal_data.retention.prune`. The key itself is kept as its digest, the answer sealed
    with it: the answer may hold a private link (a volunteer's, a presenter's)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("owner", "key_digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "account:3", or "address:203.0.113.7" (an IPv6 client's /64) for a proposal sent without
    # a token.
    owner: Mapped[str] = mapped_column(String(80))
    key_digest: Mapped[str] = mapped_column(String(64))
    # The request the key was first sent with: its method, address, content type and body.
    request_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[int]
    # The answer's headers a client reads and its body, sealed (`idempotency._sealed`).
    answer: Mapped[bytes] = mapped_column(LargeBinary)


def account_by_email(typed: str) -> User | None:
    """The account whose address `typed` is, in capitals or not, its domain in Unicode or in
    ASCII (`eva@exämple.org`, `eva@xn--exmple-cua.org`): as the sign-in page and `flask users`
    read an address, whichever way it was stored."""
    return db.session.scalars(
        select(User).where(User.email.in_(spellings(typed))).order_by(User.id)
    ).first()
