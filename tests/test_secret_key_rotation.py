"""Rotating SECRET_KEY: with the old key among SECRET_KEY_FALLBACKS, sessions, office feed links
and unsubscribe links made with it go on working; without it (the key leaked), they end."""

import icalendar
import pytest
from sqlalchemy import select

from planner.agenda.models import Meeting
from planner.calendar.operations import office_feed_token
from planner.extensions import db
from planner.mail.models import MessageKind
from planner.mail.unsubscribe import unsubscribe_token
from planner.offices.models import Office
from tests.support import csrf_token

NEW = "the-key-after-the-rotation-0123456789"


@pytest.fixture
def old(app) -> str:
    """The key the app ran with before the rotation."""
    return app.config["SECRET_KEY"]


@pytest.fixture
def rotate(app, old, monkeypatch):
    """`rotate(fallbacks)` makes NEW the key, accepting the keys `fallbacks` too."""
    monkeypatch.setitem(app.config, "SECRET_KEY", old)
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])

    def rotate(fallbacks: list[str]) -> None:
        app.config.update(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=fallbacks)

    return rotate


def test_the_old_keys_are_read_from_the_environment(monkeypatch):
    from planner.app import create_app

    monkeypatch.setenv("SECRET_KEY_FALLBACKS", " older-key, old-key\n")
    config = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "new-key"}).config
    assert config["SECRET_KEY_FALLBACKS"] == ["older-key", "old-key"]
    monkeypatch.delenv("SECRET_KEY_FALLBACKS")
    config = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "new-key"}).config
    assert config["SECRET_KEY_FALLBACKS"] == []


def test_an_office_feed_subscribed_before_a_rotation(app, client, app_context, old, rotate):
    """A calendar subscribed to the office's feed goes on reading it while the old key is a
    fallback, and gets "not found" once it is dropped; the office's page then shows a link
    signed with the new key, which works."""
    office = db.session.get(Office, "JP")
    old_link = f"/feeds/offices/JP.ics?token={office_feed_token(office, old)}"
    assert client.get(old_link).status_code == 200
    rotate([old])
    feed = client.get(old_link)
    assert feed.status_code == 200
    assert icalendar.Calendar.from_ical(feed.data).get("X-WR-CALNAME")
    new_link = f"/feeds/offices/JP.ics?token={office_feed_token(office, NEW)}"
    assert client.get(new_link).status_code == 200
    rotate([])
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200


def test_an_unsubscribe_link_sent_before_a_rotation(app, client, app_context, old, rotate):
    link = f"/unsubscribe/{unsubscribe_token('dana@ilpo.example', MessageKind.reminder)}"
    rotate([old])
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 200
    rotate([])
    assert client.get(link).status_code == 404


def test_a_session_signed_in_before_a_rotation(app, colead_client, old, rotate):
    """A session cookie is signed with the key: one from before the rotation is signed in while
    the old key is a fallback, and signed out once it is dropped (a leaked key's sessions)."""
    colead_client.get("/proposals")  # the cookie, signed with old
    rotate([old])
    assert colead_client.get("/proposals").status_code == 200
    rotate([])
    assert colead_client.get("/proposals").status_code == 302


@pytest.mark.committed  # a second app (the restart) on the same database
def test_a_form_opened_before_a_rotation_is_taken_after_it(app, colead_client, old, monkeypatch):
    """A co-lead fills in a form opened before the restart with the new key (the old one a
    fallback): it is saved, not refused with "Your session expired" and sent again."""
    from planner.app import create_app

    token = csrf_token(colead_client, "/meetings/new")
    monkeypatch.setenv("SECRET_KEY_FALLBACKS", old)
    restarted = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": NEW,
            "BASE_URL": app.config["BASE_URL"],
        }
    )
    restarted.test_client_class = type(colead_client)
    after = restarted.test_client()
    after.environ_base.update(colead_client.environ_base)
    after.set_cookie("session", colead_client.get_cookie("session").value)
    saved = after.post(
        "/meetings/new",
        data={"csrf_token": token, "title": "Typed before the restart", "kind": "workshop"},
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert db.session.scalar(select(Meeting).where(Meeting.title == "Typed before the restart"))
