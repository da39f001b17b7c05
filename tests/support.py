"""What tests share that is not a fixture: the bundled survey's path, the co-lead's sign-in, a
form's CSRF token as a browser submits it, a count of the SQL a block sends, and every page of a
paginated API answer."""

import re
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event

from planner.extensions import db

BUNDLED = Path(__file__).resolve().parents[1] / "planner" / "data" / "CWS-13-26.txt"
COLEAD_EMAIL, COLEAD_PASSWORD = "colead@example.org", "correct horse battery staple"


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on `url`, as a browser would submit it."""
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, f"no CSRF token on {url}"
    return match[1]


def sign_in(client, email: str = COLEAD_EMAIL, password: str = COLEAD_PASSWORD):
    return client.post(
        "/login",
        data={"csrf_token": csrf_token(client, "/login"), "email": email, "password": password},
    )


def every_page(client, url: str, key: str = "matches") -> list:
    """The items of every page of a paginated API answer, following its `next` links."""
    items: list = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_json())
        body = response.get_json()
        items += body[key]
        url = body["next"]
    return items


@contextmanager
def counted_queries():
    """The SQL statements sent to the database inside the block."""
    statements = []

    def count(_connection, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
