"""Configuration from the environment: DATABASE_URL, SECRET_KEY (and the keys before it), BASE_URL
and their defaults."""

import os
import re
import secrets
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

# Where `make run` serves the app; deployments set BASE_URL to their public address.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


def database_url(instance_path: Path) -> str:
    """The SQLAlchemy URL: DATABASE_URL if set (PostgreSQL through psycopg 3), else SQLite."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'planner.sqlite3'}"
    return database_address(url, "DATABASE_URL")


def database_address(url: str, name: str) -> str:
    """`url` as SQLAlchemy takes it, PostgreSQL's through psycopg 3; ValueError naming `name`
    (the variable or option it came from) if the planner cannot use it."""
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    # Refused here, naming the variable, rather than as a traceback from deep in SQLAlchemy;
    # the address is not repeated, as it may hold the database's password.
    try:
        make_url(url).get_dialect().import_dbapi()
    except (NoSuchModuleError, ImportError):  # before ArgumentError, which it is
        raise ValueError(
            f"{name} names {url.partition(':')[0]!r}, which the planner cannot use: "
            "give PostgreSQL as postgresql://user:password@host/planner"
        ) from None
    except ArgumentError:
        raise ValueError(
            f"{name} is not a database address: give one such as "
            "postgresql://user:password@host/planner"
        ) from None
    return url


def secret_key(instance_path: Path) -> tuple[str, bool]:
    """SECRET_KEY from the environment, else one generated once and kept in instance/; and
    whether it is that machine's own (kept in instance/).

    Several instances behind a proxy must share one key, so deployments set SECRET_KEY.
    """
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key, False
    return _kept_key(instance_path), True


def secret_key_fallbacks() -> list[str]:
    """SECRET_KEY_FALLBACKS from the environment: the keys used before SECRET_KEY, separated by
    spaces or commas, whose signatures are still accepted (Flask's sessions read them too)."""
    return [key for key in re.split(r"[\s,]+", os.environ.get("SECRET_KEY_FALLBACKS", "")) if key]


def signing_keys(config: Mapping[str, Any]) -> list[str]:
    """Every key a signature the app checks may be made with, oldest first and SECRET_KEY last,
    as itsdangerous takes them: it signs with the last and accepts any."""
    return [*(config.get("SECRET_KEY_FALLBACKS") or ()), config["SECRET_KEY"]]


def _kept_key(instance_path: Path) -> str:
    key_file = instance_path / "secret_key"
    key = secrets.token_urlsafe(48)
    try:
        # Created only if absent, readable by the owner only from the start: workers starting
        # together all end up with the first one's key.
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another worker may be writing it right now
            if existing := key_file.read_text().strip():
                return existing
            time.sleep(0.01)
        raise RuntimeError(f"{key_file} is empty; delete it or set SECRET_KEY.") from None
    with os.fdopen(descriptor, "w") as file:
        file.write(key)
    return key


def base_url(value: str | None = None) -> str:
    """The public address absolute links start with (private links, feeds, webcal://), from
    BASE_URL: never from the request's Host header, which whoever sends the request chooses."""
    url = (value if value is not None else os.environ.get("BASE_URL", "")).strip()
    url = (url or DEVELOPMENT_BASE_URL).rstrip("/")
    refused = ValueError(f"BASE_URL {url!r} must be an address such as https://planner.example.org")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (read for its check: a port beyond 65535, or not a number)
    except ValueError:  # "http://[::1": Python's words would not name the setting
        raise refused from None
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise refused
    # Written as links are: "HTTPS://Planner.Example.org" went into every email and feed so.
    return urlunsplit(parts._replace(netloc=parts.netloc.lower()))
