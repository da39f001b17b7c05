"""Static files at addresses that name their version: kept by the browser for a year at the
current one, checked again each time at any other, and at a new address once changed."""

import os
import re

from flask import Flask

from planner import static_files

KEPT = "public, max-age=31536000"


def test_a_page_s_static_files_are_kept_at_their_version_and_checked_again_without_it(client):
    page = client.get("/login").get_data(as_text=True)
    addresses = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert len(addresses) == 10, addresses  # the style sheet, the icon, eight scripts
    for address in addresses:
        path, version = address.split("?v=")
        assert re.fullmatch(r"[0-9a-f]{12}", version), address
        assert client.get(address).headers["Cache-Control"] == KEPT
        for other in (path, f"{path}?v=", f"{path}?v={version[::-1]}"):
            response = client.get(other)
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "no-cache", other


def test_a_changed_file_has_a_new_version(tmp_path):
    app = Flask(__name__, static_folder=tmp_path)
    style = tmp_path / "app.css"
    style.write_text("body { color: black; }")
    first = static_files.version(app, "app.css")
    assert static_files.version(app, "app.css") == first
    style.write_text("body { color: navy; }")
    os.utime(style, ns=(0, style.stat().st_mtime_ns + 1))  # a change within the clock's tick
    assert static_files.version(app, "app.css") not in (None, first)
    assert static_files.version(app, "missing.css") is None
    assert static_files.version(app, "../app.css") is None
