"""Configuration from the environment: DATABASE_URL, SECRET_KEY and their defaults."""

import os
import secrets
from pathlib import Path


def database_url(instance_path: Path) -> str:
    """The SQLAlchemy URL: DATABASE_URL if set (PostgreSQL through psycopg 3), else SQLite."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'planner.sqlite3'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/.

    Several instances behind a proxy must share one key, so deployments set SECRET_KEY.
    """
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key
