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


def _ids_left_out(rows_by_table: dict[str, list[dict]]) -> dict[str, list[tuple]]:
    """Each table's rows without the ids the database gives (and the columns pointing at them)
    or a clock (now): what two imports at other moments, on other sequences, store alike."""
    tables = {table.name: table for table in db.metadata.sorted_tables}
    given = {t.name for t in tables.values() for c in t.primary_key.columns if c.autoincrement}
    kept = {}
    for name, rows in rows_by_table.items():
        left_out = {
            c.name
            for c in tables[name].columns
            if (c.primary_key and name in given)
            or any(fk.column.table.name in given for fk in c.foreign_keys)
            or (c.default is not None and c.default.is_callable)
            or name == "calendar_state"
        }
        kept[name] = sorted(
            tuple(sorted((k, repr(v)) for k, v in row.items() if k not in left_out)) for row in rows
        )
    return kept


def test_the_survey_fixture_stores_what_importing_the_bundled_survey_stores(app, app_context):
    """The `survey` fixture writes the rows one import wrote at the start of the run
    (tests/conftest.py, `_BundledRows`): they are what importing it stores now, but for the
    ids and the time."""
    from planner.survey.operations import import_record
    from tests.conftest import _bundled_record, _table_rows

    rows = app.extensions["tests.bundled_rows"]
    assert rows.fit()
    before = _table_rows()
    savepoint = db.session.begin_nested()
    written = rows.write()
    db.session.flush()
    assert written.label == "CWS/13/26"
    from_the_rows = _table_rows()
    savepoint.rollback()
    assert _table_rows() == before
    imported = import_record(_bundled_record()).survey
    db.session.flush()
    assert imported.label == "CWS/13/26"
    assert _ids_left_out(_table_rows()) == _ids_left_out(from_the_rows) != _ids_left_out(before)


def test_the_survey_fixture_imports_where_the_rows_would_not_be_the_imports(
    app, app_context, request
):
    """Where one more office is known, importing would not store the office the rows hold: the
    survey is imported, as the first time."""
    from planner.offices.models import Office
    from planner.survey.models import Respondent

    db.session.add(Office(code="ZZ", name="An office the survey does not name"))
    db.session.commit()
    assert not app.extensions["tests.bundled_rows"].fit()
    survey = request.getfixturevalue("survey")
    assert survey.label == "CWS/13/26"
    assert db.session.scalar(select(func.count()).select_from(Respondent)) == 21
