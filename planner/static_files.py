"""Static files at addresses that name their version, so that a browser keeps them rather than
asking again on every page, and still fetches a file again once it has changed."""

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_request_context, request
from werkzeug.security import safe_join

# How long a browser keeps a static file asked for at its current version.
KEPT = timedelta(days=365)

_versions: dict[Path, tuple[int, str]] = {}


def version(app: Flask, filename: str) -> str | None:
    """A short digest of the static file's content, read again when the file changes (an edit
    under `make run`); None for a file that is not there."""
    joined = app.static_folder and safe_join(app.static_folder, filename)
    if not joined or not (path := Path(joined)).is_file():
        return None
    changed = path.stat().st_mtime_ns
    known = _versions.get(path)
    if known is None or known[0] != changed:
        known = _versions[path] = (changed, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
    return known[1]


def add_version(endpoint: str | None, values: dict[str, Any]) -> None:
    """Every address of a static file carries its version (?v=), for `max_age`."""
    if endpoint == "static" and "v" not in values and "filename" in values:
        values["v"] = version(current_app, values["filename"])


def max_age(app: Flask, filename: str | None) -> int | None:
    """Seconds a browser may keep the static file: a year when asked for at its current
    version; None (checked again each time) otherwise, as for an old page's address."""
    asked = request.args.get("v") if has_request_context() else None
    if asked and filename and asked == version(app, filename):
        return int(KEPT.total_seconds())
    return None
