"""The test suite's own isolation (tests/conftest.py): each test on one connection, rolled back
at its end, and loud about what that connection cannot stand in for."""

import threading

import pytest
from sqlalchemy import func, select

from planner.app import create_app
from planner.extensions import db
from planner.proposals.models import Proposal
from tests.proposals.test_proposals import send


def proposals() -> int:
    return db.session.scalar(select(func.count()).select_from(Proposal))


def test_what_a_test_stores_is_gone_in_the_next_one_first(app_context, client, survey):
    assert send(client).status_code == 302
    assert proposals() == 1


def test_what_a_test_stores_is_gone_in_the_next_one_second(app_context, survey):
    assert proposals() == 0


def test_a_rollback_that_would_undo_a_requests_commit_fails_the_test(app_context, client, survey):
    assert proposals() == 0  # the test's own transaction begins here
    assert send(client).status_code == 302
    with pytest.raises(AssertionError, match="undo the other's changes"):
        db.session.rollback()


def test_another_instance_of_the_app_is_refused(app, app_context):
    other = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    )
    with other.app_context(), pytest.raises(AssertionError, match="another instance"):
        proposals()


def test_another_thread_is_refused(app):
    failures = []

    def count():
        with app.app_context():
            try:
                proposals()
            except AssertionError as error:
                failures.append(str(error))

    thread = threading.Thread(target=count)
    thread.start()
    thread.join()
    assert failures and "a thread of its own" in failures[0]


def test_a_request_reading_what_the_test_only_flushed_fails_the_test(app_context, client, survey):
    """On separate connections a request never sees what the test flushed and did not commit:
    here it would, so the test is failed at its end (a missing commit is not hidden)."""
    from planner.offices.models import Office
    from tests.conftest import _nesting

    db.session.get(Office, "AU").name = "Never committed"
    db.session.flush()
    client.get("/offices/AU")
    assert _nesting.misread and "flushed but not committed (" in _nesting.misread[0]
    assert "Office" in _nesting.misread[0]
    _nesting.misread.clear()  # seen: this test passes; any other would fail at its end
