"""Co-lead accounts, their API tokens, and failed sign-ins (for rate limiting across instances).

Passwords are stored as scrypt hashes and API tokens as SHA-256 digests: neither is recoverable
from the database.
"""

import hashlib
import secrets
from datetime import datetime
from functools import cache

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from planner.db_types import UTCDateTime, utcnow
from planner.extensions import db

ROLES = ("colead",)
TOKEN_PREFIX = "cwsp_"


def digest(secret: str) -> str:
    """SHA-256 of a high-entropy secret (an API token or a private link): what the app stores."""
    return hashlib.sha256(secret.encode()).hexdigest()


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="colead")
    # Set for a password printed by `flask users create`: it must be changed at first sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tokens: Mapped[list["ApiToken"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def set_password(self, password: str, *, one_time: bool = False) -> None:
        self.password_hash = generate_password_hash(password)
        self.must_change_password = one_time

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_colead(self) -> bool:
        return self.role == "colead"


@cache
def _decoy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe())


def password_matches(user: User | None, password: str) -> bool:
    """Check a sign-in. An unknown email costs as much time as a wrong password, so response
    times do not tell which addresses have accounts."""
    if user is None:
        check_password_hash(_decoy_hash(), password)
        return False
    return user.check_password(password)


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    @staticmethod
    def issue(user: User) -> str:
        """A new token for `user`; the plain token is returned once and never stored."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        user.tokens.append(ApiToken(token_hash=digest(token)))
        return token


class FailedLogin(db.Model):
    __tablename__ = "failed_logins"
    __table_args__ = (
        Index("ix_failed_logins_email_at", "email", "at"),
        Index("ix_failed_logins_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
