"""What `make run` does to the database: migrations that match the models, seeding, first import."""

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, make_url, select, text
from sqlalchemy.exc import IntegrityError

from planner.config import secret_key
from planner.db_types import utcnow
from planner.extensions import db
from planner.offices.models import Office
from planner.recommendations.models import Recommendation
from planner.survey.models import Survey
from tests.support import database_of_its_own

ROOT = Path(__file__).resolve().parents[1]


def test_migrations_match_the_models(app_context):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_partial_indexes_hold_the_rows_the_models_say(app_context):
    """compare_metadata compares an index's columns, not its condition: a partial unique index
    whose condition the migration wrote otherwise than the model would hold other rows to the
    rule. Compared as each database gives it back, its parentheses and spacing aside."""
    from sqlalchemy import inspect

    key = f"{db.engine.dialect.name}_where"

    def condition(clause) -> str:
        return " ".join(re.sub(r"[()]", " ", str(clause)).split()).lower()

    declared = {
        index.name: condition(index.dialect_kwargs[key])
        for table in db.metadata.sorted_tables
        for index in table.indexes
        if index.dialect_kwargs.get(key) is not None
    }
    inspector = inspect(db.engine)
    migrated = {
        index["name"]: condition(index["dialect_options"][key])
        for table in db.metadata.sorted_tables
        for index in inspector.get_indexes(table.name)
        if index.get("dialect_options", {}).get(key) is not None
    }
    assert migrated == declared
    assert declared["uq_materials_meeting_url"] == "slot_id is null and url is not null"


def test_setup_imports_the_bundled_survey_once(cli, app_context):
    first = cli.invoke(args=["setup"])
    assert first.exit_code == 0, first.output
    assert "Imported CWS/13/26" in first.stdout
    second = cli.invoke(args=["setup"])
    assert second.exit_code == 0
    assert "Imported" not in second.stdout
    # A start that adds no reference data (the offices and recommendations are there) says
    # nothing of it: each start printed "Reference data: 0 office(s), 0 recommendation(s) added."
    assert "Reference data" not in second.stdout
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 1


def test_first_start_says_what_the_warning_is_where_to_see_it_and_how_to_make_a_co_lead(
    cli, app_context
):
    output = cli.invoke(args=["setup"]).stdout
    assert "See them at http://localhost/\n" in output
    assert "1 import warning, also listed at http://localhost/surveys/CWS-13-26:" in output
    assert "question 2 is a chart whose counts did not survive text extraction" in output
    assert "make colead EMAIL=you@example.org\n" in output
    assert "flask --app app users create --email you@example.org --role colead" in output
    assert "/flask --app app users create" in output  # a path: no activated venv needed
    # `users create` names no address (its terminal may lack make run's BASE_URL): this does.
    assert "sign in with it at http://localhost/login and choose your own" in output
    # `make run PORT=8080` passes its port on: the hint names it, for the sign-in address.
    moved = cli.invoke(args=["setup"], env={"MAKE_RUN_ARGS": " PORT=8080"}).stdout
    assert "make colead EMAIL=you@example.org PORT=8080\n" in moved
    assert cli.invoke(args=["users", "create", "--email", "ana@example.org"]).exit_code == 0
    assert "make colead" not in cli.invoke(args=["setup"]).stdout


def test_seeding_keeps_edits(cli, app_context):
    office = db.session.get(Office, "AU")
    office.name = "IP Australia (edited)"
    recommendation = db.session.get(Recommendation, 10)
    recommendation.text = "IP offices should explore new and emerging technologies."
    db.session.commit()
    assert cli.invoke(args=["setup"]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(Office, "AU").name == "IP Australia (edited)"
    assert db.session.get(Recommendation, 10).text.startswith("IP offices should explore")


def test_seeded_reference_data(app_context):
    assert db.session.scalar(select(func.count()).select_from(Office)) == 22
    assert db.session.get(Office, "PE").time_zone == "America/Lima"
    assert db.session.get(Recommendation, 10).short_title.startswith("New and emerging")


def test_offices_are_seeded_with_wipo_groups_and_where_each_value_came_from(app_context):
    groups = {o.code: o.region for o in db.session.scalars(select(Office))}
    assert groups["RU"] == groups["KG"] == "CACEEC"
    assert groups["HR"] == groups["PL"] == "CEBS"
    assert groups["BR"] == groups["PE"] == groups["PY"] == "GRULAC"
    assert (groups["GM"], groups["CN"], groups["JP"]) == ("African Group", "China", "Group B")
    assert groups["EP"] == groups["EM"] == "Regional organisation"
    europe = db.session.get(Office, "EP")
    assert "belongs to no WIPO group" in europe.region_source
    assert "annual patent and trademark filings" in europe.size_source


@contextmanager
def database_at(tmp_path, revision: str):
    """An app on a database of its own, migrated up to `revision`, to store what a database of
    that time held before migrating it further. On PostgreSQL in the run against it (a test that
    asks for `app`, marked `committed`, is run there too). A SQLite file is a copy of one
    migrated to `revision` once for the module (`_migrated_file`)."""
    from flask_migrate import upgrade

    from planner.app import create_app

    with database_of_its_own(tmp_path) as url:
        sqlite = make_url(url).get_backend_name() == "sqlite"
        if sqlite:
            shutil.copyfile(_migrated_file(revision), make_url(url).database)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
        with app.app_context():
            try:
                if not sqlite:
                    upgrade(revision=revision)
                yield
            finally:
                db.session.remove()
                db.engine.dispose()


# SQLite files migrated up to the revisions the tests start from, each made once for the module
# and copied by each test that starts there: migrating a database from the first revision again
# in each test was most of this module's time. Each is made from a copy of the latest one made
# before it among its revision's ancestors, then migrated on from there.
_MIGRATED: dict[str, Path] = {}
_MIGRATED_FOLDER: list[Path] = []


@pytest.fixture(scope="module", autouse=True)
def _migrated_files(tmp_path_factory):
    _MIGRATED.clear()
    _MIGRATED_FOLDER[:] = [tmp_path_factory.mktemp("migrated")]
    yield
    _MIGRATED.clear()


def _migrated_file(revision: str) -> Path:
    if revision in _MIGRATED:
        return _MIGRATED[revision]
    from alembic.script import ScriptDirectory
    from flask import current_app
    from flask_migrate import upgrade

    from planner.app import create_app

    path = _MIGRATED_FOLDER[0] / f"{revision}.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "x"})
    with app.app_context():
        script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
        # The revision itself first, then its ancestors, latest first.
        ancestors = [r.revision for r in script.iterate_revisions(revision, "base")]
        if start := next((r for r in ancestors if r in _MIGRATED), None):
            shutil.copyfile(_MIGRATED[start], path)
        try:
            upgrade(revision=revision)
        finally:
            db.session.remove()
            db.engine.dispose()
    _MIGRATED[revision] = path
    return path


def test_the_migration_moves_unedited_offices_to_wipo_groups(tmp_path):
    from flask_migrate import downgrade, upgrade

    with database_at(tmp_path, "20fc693e0582"):
        db.session.execute(
            text(
                "INSERT INTO offices (code, name, size, region, feed_version, updated_at) VALUES "
                "('RU', 'FIPS', 'large', 'Europe', 0, NULL), "
                "('KG', 'Kyrgyzpatent', 'small', 'Asia and the Pacific', 0, NULL), "
                "('US', 'USPTO', 'medium', 'North America', 0, '2026-01-01 00:00:00'), "
                "('FI', 'PRH', 'small', 'Europe', 0, '2026-01-01 00:00:00'), "
                "('JP', 'JPO', 'large', 'Europe', 0, '2026-01-01 00:00:00')"
            )
        )
        db.session.commit()
        upgrade()
        rows = db.session.execute(
            text("SELECT code, region, region_source, size_source FROM offices ORDER BY code")
        ).all()
        assert {code: region for code, region, _, _ in rows} == {
            "FI": "Group B",  # edited, but its region was still the seeded one
            "JP": None,  # a co-lead chose "Europe", which is no WIPO group: cleared, not guessed
            "KG": "CACEEC",
            "RU": "CACEEC",
            "US": "Group B",  # as seeded ("North America")
        }
        sources = {code: (region, size) for code, _, region, size in rows}
        assert sources["US"][1] == "edited by a co-lead"  # the seed said large
        assert sources["JP"] == (None, sources["RU"][1])  # JP's size is still the seeded one
        assert sources["RU"][0] == "the WIPO regional group of the member state"
        downgrade(revision="20fc693e0582")


def test_migrations_on_sqlite_keep_the_rows_that_point_at_a_rebuilt_table(tmp_path):
    """A batch migration rebuilds a table on SQLite; with foreign keys on, dropping the old
    table ran the ON DELETE rules of the tables pointing at it (a proposal's history, its
    recommendations, its windows, and its slots' link were lost). Up and down again, with rows."""
    from flask_migrate import downgrade, upgrade

    counts = (
        "SELECT (SELECT count(*) FROM proposal_events), (SELECT count(*) FROM "
        "proposal_recommendations), (SELECT count(*) FROM availability_windows), (SELECT "
        "count(*) FROM slots WHERE proposal_id = 1)"
    )
    with database_at(tmp_path, "e5c9a1f3b7d2"):
        for statement in (
            "INSERT INTO offices (code, name, feed_version, version) VALUES ('AU', 'IPA', 0, 1)",
            "INSERT INTO recommendations (number, short_title, text, version) "
            "VALUES (10, 'AI', '', 1)",
            "INSERT INTO proposals (id, office_code, contact_name, contact_email, title, "
            "abstract, duration_minutes, availability, maturity, status, created_at, "
            "updated_at, version) VALUES (1, 'AU', 'Eva', 'eva@example.org', 'T', 'A', 20, '', "
            "'pilot', 'accepted', '2026-01-01', '2026-01-01', 2)",
            "INSERT INTO proposal_events (proposal_id, at, actor, action, reason) "
            "VALUES (1, '2026-01-01', 'AU', 'submitted', '')",
            "INSERT INTO proposal_recommendations VALUES (1, 10)",
            "INSERT INTO availability_windows (proposal_id, time_zone, weekdays, starts, ends, "
            "created_at) VALUES (1, 'Australia/Sydney', '0100000', '09:00', '11:00', "
            "'2026-01-01')",
            "INSERT INTO meetings (id, uid, title, kind, status, duration_minutes, time_zone, "
            "description, sequence, created_at, updated_at) VALUES (1, 'm1', 'M', 'workshop', "
            "'draft', 60, 'Europe/Zurich', '', 0, '2026-01-01', '2026-01-01')",
            "INSERT INTO slots (uid, meeting_id, position, title, kind, duration_minutes, "
            "status, abstract, sequence, created_at, updated_at, proposal_id) VALUES ('s1', 1, "
            "0, 'T', 'presentation', 20, 'proposed', '', 0, '2026-01-01', '2026-01-01', 1)",
        ):
            db.session.execute(text(statement))
        # A row pointing nowhere from before foreign keys were on is not the migration's doing:
        # it does not stop the upgrade.
        db.session.commit()
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.exec_driver_sql(
                "INSERT INTO proposal_events (proposal_id, at, actor, action, reason) "
                "VALUES (999, '2026-01-01', 'AU', 'submitted', '')"
            )
            connection.commit()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")  # as the pool gave it
        counts = counts.replace(
            "FROM proposal_events)", "FROM proposal_events WHERE proposal_id = 1)"
        )
        assert db.session.execute(text(counts)).one() == (1, 1, 1, 1)
        upgrade()
        assert db.session.execute(text(counts)).one() == (1, 1, 1, 1)
        consent = "SELECT contact_consent, contact_language FROM proposals"
        assert db.session.execute(text(consent)).one() == (0, None)
        downgrade(revision="e5c9a1f3b7d2")
        assert db.session.execute(text(counts)).one() == (1, 1, 1, 1)
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1  # on again


def test_the_migration_strips_bidirectional_formatting_from_stored_text(tmp_path):
    """Text stored before input refused them keeps its letters and loses the invisible
    reordering characters, so that an unrelated edit of the same record is not refused."""
    from flask_migrate import upgrade

    with database_at(tmp_path, "c9f2a6e3d4b1"):
        db.session.execute(
            text(
                "INSERT INTO offices (code, name, feed_version, version) VALUES "
                "('AU', :au, 0, 1), ('IL', :il, 0, 1), ('PE', '50% off_[x]', 0, 1)"
            ),
            {
                "au": "IP \u202eAustralia\u202c",
                "il": "\u2067ILPO\u2069 \u05e8\u05e9\u05d5\u05ea\u200f",
            },
        )
        # Two series that differ only by an override (their titles are unique), a title of
        # nothing else, and a non-character.
        db.session.execute(
            text(
                "INSERT INTO meeting_series (id, title) VALUES "
                "(1, 'Series S'), (2, :clash), (3, :only), (4, :nonchar)"
            ),
            {"clash": "Series S\u202e", "only": "\u202e\u202c", "nonchar": "Two\ufffe"},
        )
        db.session.commit()
        upgrade()
        names = dict(db.session.execute(text("SELECT code, name FROM offices")).all())
        assert names == {
            "AU": "IP Australia",
            "IL": "ILPO \u05e8\u05e9\u05d5\u05ea\u200f",  # Hebrew and its mark stay
            "PE": "50% off_[x]",  # untouched: LIKE's wildcards are escaped
        }
        series = dict(db.session.execute(text("SELECT id, title FROM meeting_series")).all())
        assert series == {
            1: "Series S",
            2: "Series S\u202e",  # cleaned it would be the first one's: it stays, not the upgrade
            3: "\u202e\u202c",  # nothing would be left: it stays, to be retyped
            4: "Two",
        }


def test_seeding_never_refills_what_a_co_lead_cleared(cli, app_context):
    office = db.session.get(Office, "AU")
    assert (office.size, office.region) == ("medium", "Group B")  # seeded
    office.size = office.region = None
    office.updated_at = utcnow()  # as an edit on the office page leaves it
    db.session.commit()
    assert cli.invoke(args=["setup"]).exit_code == 0
    db.session.expire_all()
    assert (db.session.get(Office, "AU").size, db.session.get(Office, "AU").region) == (None, None)


def test_workers_starting_together_share_one_generated_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _: secret_key(tmp_path)[0], range(32)))
    assert len(keys) == 1
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert secret_key(tmp_path) == (keys.pop(), True)


def test_a_generated_secret_key_on_postgresql_is_warned_of(monkeypatch, caplog):
    """On PostgreSQL, the way the app grows past one machine, a key generated on each machine
    would have each instance refuse the others' sessions and private links: the start says so
    (helper-183). Set, or on SQLite (one machine), it says nothing."""
    from planner.app import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    postgresql = "postgresql+psycopg://planner@127.0.0.1:1/planner"
    with caplog.at_level("WARNING"):
        create_app({"SQLALCHEMY_DATABASE_URI": postgresql})
    assert "SECRET_KEY is not set" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING"):
        create_app({"SQLALCHEMY_DATABASE_URI": postgresql, "SECRET_KEY": "shared"})
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "SECRET_KEY" not in caplog.text


def test_a_wrong_method_says_which_are_allowed(client, survey):
    for url in ("/offices", "/api/v1/surveys/CWS-13-26/summary"):
        response = client.post(url)
        assert response.status_code == 405
        assert "GET" in response.headers["Allow"]


def test_ids_are_never_handed_out_twice(app_context):
    """On SQLite as on PostgreSQL: a new row never takes the id of one deleted, so a page or form
    opened on the deleted one cannot act on the new one (helper-73)."""
    if db.engine.dialect.name == "sqlite":
        tables = {
            name: sql
            for name, sql in db.session.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
            )
        }
        surrogate = [
            t.name
            for t in db.metadata.sorted_tables
            if [c.name for c in t.primary_key.columns] == ["id"] and t.name != "calendar_state"
        ]
        plain = [name for name in surrogate if "AUTOINCREMENT" not in tables[name]]
        assert plain == [], "tables whose ids SQLite would hand out again"
    else:
        # PostgreSQL: every surrogate id comes from a sequence, which never goes back.
        assert (
            db.session.execute(
                text(
                    "SELECT column_default FROM information_schema.columns WHERE table_name = "
                    "'meetings' AND column_name = 'id'"
                )
            )
            .scalar()
            .startswith("nextval(")
        )


def test_a_migrated_sqlite_database_keeps_its_rows_and_goes_on_from_its_highest_id(tmp_path):
    from flask_migrate import downgrade, upgrade

    with database_at(tmp_path, "b6d2e8f4a1c3"):
        for number in (1, 2, 3):
            db.session.execute(
                text(
                    "INSERT INTO meetings (id, uid, title, kind, status, duration_minutes, "
                    "time_zone, description, sequence, created_at, updated_at) VALUES "
                    f"({number}, 'm{number}', 'M{number}', 'workshop', 'draft', 60, "
                    "'Europe/Zurich', '', 0, '2026-01-01', '2026-01-01')"
                )
            )
        db.session.execute(
            text(
                "INSERT INTO slots (uid, meeting_id, position, title, kind, duration_minutes, "
                "status, abstract, sequence, created_at, updated_at) VALUES ('s1', 3, 0, 'T', "
                "'presentation', 20, 'proposed', '', 0, '2026-01-01', '2026-01-01')"
            )
        )
        db.session.commit()
        upgrade(revision="c7a4e2f9b1d6")  # the rebuild, and back: its indexes are kept
        slots = "SELECT count(*) FROM slots WHERE meeting_id = 3"
        assert db.session.execute(text(slots)).scalar() == 1  # not cascaded away
        db.session.execute(text("DELETE FROM slots"))
        db.session.execute(text("DELETE FROM meetings WHERE id = 3"))
        db.session.execute(
            text(
                "INSERT INTO meetings (uid, title, kind, status, duration_minutes, time_zone, "
                "description, sequence, created_at, updated_at) VALUES ('m4', 'New', "
                "'workshop', 'draft', 60, 'Europe/Zurich', '', 0, '2026-01-01', '2026-01-01')"
            )
        )
        db.session.commit()
        assert db.session.execute(text("SELECT id FROM meetings WHERE uid = 'm4'")).scalar() == 4
        indexes = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_%'"
        kept = db.session.execute(text(indexes)).scalar()
        downgrade(revision="b6d2e8f4a1c3")
        assert db.session.execute(text(indexes)).scalar() == kept
        assert db.session.execute(text("SELECT count(*) FROM meetings")).scalar() == 3
        assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def test_the_migration_keeps_each_stored_address_with_its_mailbox(tmp_path):
    """Rows stored before: their mailbox (lower-case in any script, the domain in ASCII) is
    filled in, so a recipient's messages and a contact's language are found in SQL."""
    from flask_migrate import downgrade, upgrade

    from planner.addresses import mailbox

    with database_at(tmp_path, "c7a4e2f9b1d6"):
        db.session.execute(
            text(
                "INSERT INTO offices (code, name, size, feed_version) VALUES ('FR', 'INPI', "
                "'large', 0); "
            )
        )
        db.session.execute(
            text(
                "INSERT INTO office_contacts (office_code, name, email, role, language, source, "
                "created_at, updated_at, version) VALUES ('FR', 'Élise', 'ÉLISE@inpi.example', "
                "'', 'fr', 'test', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO outbox (kind, status, recipient_name, recipient_email, language, "
                "subject, text_body, created_at, next_attempt_at, attempts, message_id) VALUES "
                "('update', 'queued', 'Eva', 'Eva@Exämple.org', 'en', 'S', 'T', "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00', 0, '<1@test>')"
            )
        )
        db.session.commit()
        upgrade()
        assert db.session.execute(text("SELECT mailbox FROM office_contacts")).scalar() == (
            mailbox("élise@inpi.example")
        )
        assert db.session.execute(text("SELECT recipient_mailbox FROM outbox")).scalar() == (
            "eva@xn--exmple-cua.org"
        )
        downgrade(revision="c7a4e2f9b1d6")
        assert db.session.execute(text("SELECT email FROM office_contacts")).scalar() == (
            "ÉLISE@inpi.example"
        )


def test_setup_does_not_bring_back_a_survey_a_co_lead_deleted(cli, app_context):
    """helper-84: `make run` runs `setup` at every start, which imported CWS/13/26 whenever no
    survey was stored: a co-lead who deleted it found it back at the next start."""
    from planner.survey.operations import delete_survey

    assert "Imported CWS/13/26" in cli.invoke(args=["setup"]).stdout
    delete_survey(db.session.scalar(select(Survey)))
    db.session.commit()
    again = cli.invoke(args=["setup"])
    assert again.exit_code == 0 and "Imported" not in again.stdout
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


def test_a_database_that_had_its_first_start_is_marked_so(tmp_path):
    """Migrated with a survey stored, a database is one whose first start loaded it: the next
    start imports nothing, even once that survey is deleted. Without one, first start is to
    come."""
    from flask_migrate import upgrade

    for has_survey in (True, False):
        folder = tmp_path / str(has_survey)
        folder.mkdir()
        with database_at(folder, "d3f8b2a6c1e9"):
            if has_survey:
                db.session.execute(
                    text(
                        "INSERT INTO surveys (label, slug, source_name, imported_at, fingerprint)"
                        " VALUES ('S', 's', 's.txt', '2026-01-01 00:00:00', 'x')"
                    )
                )
                db.session.commit()
            upgrade()
            loads = db.session.execute(text("SELECT count(*) FROM bundled_survey_loads")).scalar()
            assert loads == (1 if has_survey else 0)


def test_contacts_stored_twice_before_keep_their_rows_under_the_new_rule(tmp_path):
    """One contact per mailbox: two rows of one person stored before the rule both stay, the
    later one marked as a duplicate so that lookups find the first, as they did."""
    from flask_migrate import upgrade

    with database_at(tmp_path, "e9a4c6b2d8f1"):
        db.session.execute(
            text(
                "INSERT INTO offices (code, name, size, feed_version) VALUES ('AU', 'IPA', NULL, 0)"
            )
        )
        for email in ("élise@inpi.example", "ÉLISE@inpi.example"):
            db.session.execute(
                text(
                    "INSERT INTO office_contacts (office_code, name, email, mailbox, role, "
                    "language, source, created_at, updated_at, version) VALUES ('AU', 'Élise', "
                    ":email, 'élise@inpi.example', '', 'fr', 't', '2026-01-01', '2026-01-01', 1)"
                ),
                {"email": email},
            )
        db.session.commit()
        upgrade()
        rows = db.session.execute(text("SELECT mailbox FROM office_contacts ORDER BY id")).all()
        assert [r[0] for r in rows] == ["élise@inpi.example", "élise@inpi.example (duplicate #2)"]


@pytest.mark.committed  # a database of its own (`app`: on PostgreSQL too), not the test's
def test_files_stored_twice_on_a_slot_keep_the_earliest_under_the_new_rule(app, tmp_path):
    """Two uploads at the same moment both passed the check for the same file on the slot. The
    migration keeps the earliest row of each set (what pages listed first), deletes the later
    ones with their bytes, and the database refuses a third; links and other slots are left
    alone. Downgrade drops the rule only."""
    from flask_migrate import downgrade, upgrade

    before = "c4d9e2a7f6b8"

    def material(id_, slot, sha, added, storage=None, key=None, url=None):
        db.session.execute(
            text(
                "INSERT INTO materials (id, meeting_id, slot_id, kind, filename, sha256, "
                "storage, storage_key, url, added_at, added_by) VALUES (:id, 1, :slot, "
                "'slides', :name, :sha, :storage, :key, :url, :added, 'co-lead')"
            ),
            {
                "id": id_,
                "slot": slot,
                "name": None if url else f"file{id_}.pdf",
                "sha": sha,
                "storage": storage or (None if url else "database"),
                "key": key,
                "url": url,
                "added": f"2026-01-0{added} 10:00:00.000000",
            },
        )
        if (storage or "database") == "database" and not url:
            db.session.execute(
                text("INSERT INTO material_files (material_id, data) VALUES (:id, :data)"),
                {"id": id_, "data": b"%PDF " + sha.encode()},
            )

    with database_at(tmp_path, before):
        db.session.execute(
            text(
                "INSERT INTO meetings (id, uid, title, kind, status, duration_minutes, "
                "time_zone, description, sequence, created_at, updated_at) VALUES (1, 'm1', "
                "'M', 'workshop', 'draft', 60, 'Europe/Zurich', '', 0, '2026-01-01', "
                "'2026-01-01')"
            )
        )
        for slot in (1, 2):
            db.session.execute(
                text(
                    "INSERT INTO slots (id, uid, meeting_id, position, title, kind, "
                    "duration_minutes, status, abstract, sequence, created_at, updated_at) "
                    "VALUES (:id, :uid, 1, :id, 'T', 'presentation', 20, 'proposed', '', 0, "
                    "'2026-01-01', '2026-01-01')"
                ),
                {"id": slot, "uid": f"s{slot}"},
            )
        a, b = "a" * 64, "b" * 64
        material(1, 1, a, added=2)
        material(2, 1, a, added=1)  # the earliest of slot 1's three, though not the first id
        material(3, 1, a, added=3, storage="s3", key="materials/1/3-aaa")
        material(4, 1, b, added=4)
        material(5, 2, a, added=5)  # the same file on another slot
        material(6, 1, None, added=6, url="https://example.org/slides")
        material(7, 1, None, added=7, url="https://example.org/slides")  # links: no rule
        material(8, None, None, added=8, url="https://example.org/recording")
        db.session.commit()

        upgrade(revision="ed3747f3ddbd")
        ids = "SELECT id FROM materials ORDER BY id"
        assert db.session.scalars(text(ids)).all() == [2, 4, 5, 6, 7, 8]
        files = "SELECT material_id FROM material_files ORDER BY material_id"
        assert db.session.scalars(text(files)).all() == [2, 4, 5]
        with pytest.raises(IntegrityError):
            material(9, 1, a, added=9)
        db.session.rollback()

        downgrade(revision=before)
        material(9, 1, a, added=9)
        db.session.commit()
        assert db.session.scalars(text(ids)).all() == [2, 4, 5, 6, 7, 8, 9]


def test_an_operator_sets_the_limits_in_the_environment(monkeypatch):
    """helper-84: the README listed them as variables, but only code could set them."""
    from planner.app import create_app

    default = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"}).config
    assert default["RETENTION_DAYS"] == 180
    for name, value in (("MAX_MATERIAL_BYTES", "5000000"), ("PROPOSALS_PER_HOUR", "30")):
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SURVEY_MAX_BYTES", " 1000 ")
    monkeypatch.setenv("RETENTION_DAYS", "365")
    config = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"}).config
    assert (config["MAX_MATERIAL_BYTES"], config["PROPOSALS_PER_HOUR"]) == (5000000, 30)
    assert config["RETENTION_DAYS"] == 365
    assert config["SURVEY_MAX_BYTES"] == 1000
    monkeypatch.setenv("SURVEY_MAX_BYTES", "8 MB")
    with pytest.raises(SystemExit, match="SURVEY_MAX_BYTES must be a whole number above 0"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})


def test_the_migration_clears_an_infinite_bound_stored_with_a_line_up(tmp_path):
    """A line-up cut short before any bound was found stored Infinity (SQLite took it; the
    pages had to read it beside the null stored since): it reads as null, nothing else moves."""
    from flask_migrate import upgrade

    with database_at(tmp_path, "a2c8e5f1b7d4"):
        db.session.execute(
            text(
                "INSERT INTO surveys (id, label, slug, source_name, fingerprint, imported_at) "
                "VALUES (1, 'S', 's', 's.txt', 'f', '2026-01-01')"
            )
        )
        stored = (
            '{"status": "feasible", "objective": 2.5, "upper_bound": Infinity, "gap": NaN, '
            '"price_of_rules": {"loss": Infinity, "constrained": 2.5}, "note": "Infinity"}'
        )
        db.session.execute(
            text(
                "INSERT INTO lineups (id, survey_id, created_at, rules, result, version) "
                "VALUES (1, 1, '2026-01-01', '{}', :cut, 1), (2, 1, '2026-01-01', '{}', :fine, 1)"
            ),
            {"cut": stored, "fine": '{"objective": 1.0, "upper_bound": 1.0}'},
        )
        db.session.commit()
        upgrade()
        rows = dict(db.session.execute(text("SELECT id, result FROM lineups")).all())
        assert json.loads(rows[1]) == {
            "status": "feasible",
            "objective": 2.5,
            "upper_bound": None,
            "gap": None,
            "price_of_rules": {"loss": None, "constrained": 2.5},
            "note": "Infinity",
        }
        assert rows[2] == '{"objective": 1.0, "upper_bound": 1.0}'


@pytest.mark.committed  # a database of its own (`app`: on PostgreSQL too), not the test's
def test_the_migration_gives_each_meeting_the_survey_it_was_planned_with(app, tmp_path):
    """helper-214: a meeting naming no offices listed the latest survey's respondents, so one
    held in March 2026 listed the 2026 round's once it was imported. The upgrade gives a meeting
    made from a line-up that line-up's survey, and one that took place the latest survey
    imported by its end; a draft, and a meeting still to come, go on following the latest. Feeds
    dated such a meeting by the latest import: it keeps that date, or, where what it lists
    changes, is dated at the upgrade. Downgraded, the rows stay."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    before = "3c8e1f5a9b27"
    meetings = [
        # id, status, starts_at, created_at, updated_at
        (1, "published", "2026-03-10 12:00:00", "2026-02-01", "2026-02-20"),  # held
        (2, "published", "2026-12-01 12:00:00", "2026-11-25", "2026-11-25"),  # held after
        (3, "published", "2030-03-12 12:00:00", "2026-01-05", "2026-01-05"),  # to come
        (4, "draft", "2030-04-09 12:00:00", "2025-12-02", "2025-12-02"),  # from a line-up
        (5, "draft", "2030-05-07 12:00:00", "2025-11-05", "2025-11-05"),  # one added later
        (6, "draft", "2026-02-10 12:00:00", "2026-01-10", "2026-01-10"),  # never published
        (7, "cancelled", "2026-04-14 12:00:00", "2026-03-01", "2026-03-01"),  # owns offices
    ]
    with database_at(tmp_path, before):
        db.session.execute(
            text(
                "INSERT INTO surveys (id, label, slug, source_name, fingerprint, answered_until, "
                "imported_at) VALUES (1, 'CWS/13/26', 'CWS-13-26', 'a.txt', 'a', '2025-07-07', "
                "'2025-11-01'), (2, 'CWS/14/2026', 'CWS-14-2026', 'b.csv', 'b', '2026-06-30', "
                "'2026-11-20')"
            )
        )
        db.session.execute(text("INSERT INTO offices (code, name) VALUES ('AU', 'IP Australia')"))
        for meeting_id, status, starts, created, updated in meetings:
            db.session.execute(
                text(
                    "INSERT INTO meetings (id, uid, title, kind, status, starts_at, "
                    "duration_minutes, time_zone, description, sequence, duration_pinned, "
                    "created_at, updated_at, version) VALUES (:id, :uid, 'M', 'workshop', "
                    ":status, :starts, 90, 'Europe/Zurich', '', 0, true, :created, :updated, 1)"
                ),
                {
                    "id": meeting_id,
                    "uid": f"m{meeting_id}",
                    "status": status,
                    "starts": starts,
                    "created": created,
                    "updated": updated,
                },
            )
        db.session.execute(text("INSERT INTO meeting_offices VALUES (7, 'AU')"))
        db.session.execute(
            text(
                "INSERT INTO lineups (id, survey_id, meeting_id, created_at, rules, result, "
                "version) VALUES (1, 1, 4, '2025-12-01', '{}', '{}', 1), "
                "(2, 1, 5, '2025-12-10', '{}', '{}', 1)"
            )
        )
        db.session.commit()
        started = utcnow()
        upgrade()
        rows = {
            meeting_id: (survey_id, updated)
            for meeting_id, survey_id, updated in db.session.execute(
                text("SELECT id, survey_id, updated_at FROM meetings")
            )
        }
        db.session.remove()  # its read lock would hold PostgreSQL's downgrade up

        def day(value) -> str:
            return str(value)[:10]

        assert {m: survey for m, (survey, _) in rows.items()} == {
            1: 1,
            2: 2,
            3: None,
            4: 1,
            5: None,
            6: None,
            7: 1,
        }
        # Lists CWS/13/26's offices again, not the 2026 round's: dated at the upgrade.
        assert day(rows[1][1]) == day(rows[4][1]) == started.date().isoformat()
        # What they list is as it was: dated by the latest import at least, as feeds did.
        assert [day(rows[m][1]) for m in (2, 3, 5, 6)] == ["2026-11-25", *["2026-11-20"] * 3]
        assert day(rows[7][1]) == "2026-03-01"  # its own offices: what it lists is the same
        downgrade(revision=before)
        assert "survey_id" not in [c["name"] for c in inspect(db.engine).get_columns("meetings")]
        assert db.session.execute(text("SELECT count(*) FROM meetings")).scalar() == 7


@pytest.mark.committed  # a database of its own (`app`: on PostgreSQL too), not the test's
def test_the_migration_puts_a_workshop_made_from_a_line_up_on_its_focus(app, tmp_path):
    """helper-214: a meeting says which recommendation it is on. One made from a line-up is on
    the line-up's focus; one a line-up was accepted into later, or none was, is on none (a
    workshop is then read from its talks, as before). Downgraded, the rows stay."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    before = "b3e7d9a1c5f2"
    with database_at(tmp_path, before):
        db.session.execute(
            text(
                "INSERT INTO surveys (id, label, slug, source_name, fingerprint, imported_at) "
                "VALUES (1, 'S', 's', 's.txt', 'f', '2025-11-01')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO recommendations (number, short_title, text) VALUES "
                "(4, 'Information security', ''), (10, 'New and emerging technologies', '')"
            )
        )
        for meeting_id, created in ((1, "2025-12-02"), (2, "2025-11-05"), (3, "2025-11-06")):
            db.session.execute(
                text(
                    "INSERT INTO meetings (id, uid, title, kind, status, duration_minutes, "
                    "time_zone, description, sequence, duration_pinned, created_at, updated_at, "
                    "version) VALUES (:id, :uid, 'M', 'workshop', 'draft', 90, 'Europe/Zurich', "
                    "'', 0, true, :created, :created, 1)"
                ),
                {"id": meeting_id, "uid": f"m{meeting_id}", "created": created},
            )
        db.session.execute(
            text(
                "INSERT INTO lineups (id, survey_id, meeting_id, created_at, rules, result, "
                "version) VALUES (1, 1, 1, '2025-12-01', :ten, '{}', 1), "
                "(2, 1, 1, '2025-12-03', :four, '{}', 1), (3, 1, 2, '2025-12-10', :four, '{}', 1)"
            ),
            {"ten": '{"focus": 10, "slots": 5}', "four": '{"focus": 4}'},
        )
        db.session.commit()
        upgrade(revision="c1d5e8f2a7b4")
        rows = dict(
            db.session.execute(text("SELECT id, recommendation_number FROM meetings")).all()
        )
        db.session.remove()  # its read lock would hold PostgreSQL's downgrade up
        assert rows == {1: 10, 2: None, 3: None}
        downgrade(revision=before)
        columns = [c["name"] for c in inspect(db.engine).get_columns("meetings")]
        assert "recommendation_number" not in columns and "survey_id" in columns
        assert db.session.execute(text("SELECT count(*) FROM meetings")).scalar() == 3


@pytest.mark.committed  # a database of its own (`app`: on PostgreSQL too), not the test's
def test_the_migration_stores_each_zone_by_the_id_it_goes_by_today(app, tmp_path):
    """helper-235: forms store a zone by today's id since helper-230 ("Asia/Kolkata" for a
    browser's "Asia/Calcutta"), but rows stored before kept the old one, so a presenter's
    "Asia/Kolkata" and their meeting's "Asia/Calcutta" read as two zones ("Kolkata" twice). The
    migration gives every stored zone today's id; other zones and empty ones stay."""
    from flask_migrate import upgrade

    with database_at(tmp_path, "b3e7d2a9c5f1"):
        for statement in (
            "INSERT INTO offices (code, name, feed_version, version, time_zone) VALUES "
            "('IN', 'CGPDTM', 0, 1, 'Asia/Calcutta'), ('NP', 'DOI', 0, 1, 'Asia/Katmandu'), "
            "('AU', 'IPA', 0, 1, 'Australia/Sydney'), ('ZZ', 'Z', 0, 1, NULL)",
            "INSERT INTO proposals (id, office_code, contact_name, contact_email, title, "
            "abstract, duration_minutes, availability, maturity, status, created_at, "
            "updated_at, version) VALUES (1, 'IN', 'Eva', 'eva@example.org', 'T', 'A', 20, '', "
            "'pilot', 'accepted', '2026-01-01', '2026-01-01', 2)",
            "INSERT INTO availability_windows (proposal_id, time_zone, weekdays, starts, ends, "
            "created_at) VALUES (1, 'Asia/Calcutta', '0100000', '09:00', '11:00', "
            "'2026-01-01'), (1, 'Europe/Kiev', '0010000', '09:00', '11:00', '2026-01-01')",
            "INSERT INTO meetings (id, uid, title, kind, status, duration_minutes, time_zone, "
            "description, sequence, duration_pinned, created_at, updated_at, version) VALUES "
            "(1, 'm1', 'M', 'workshop', 'draft', 60, 'Asia/Calcutta', '', 0, true, "
            "'2026-01-01', '2026-01-01', 1), (2, 'm2', 'M', 'workshop', 'draft', 60, "
            "'Europe/Zurich', '', 0, true, '2026-01-01', '2026-01-01', 1)",
        ):
            db.session.execute(text(statement))
        db.session.commit()
        upgrade()
        zones = {
            table: sorted(
                (str(key), zone)
                for key, zone in db.session.execute(text(f"SELECT {key}, time_zone FROM {table}"))
            )
            for table, key in (
                ("offices", "code"),
                ("meetings", "id"),
                ("availability_windows", "starts || weekdays"),
            )
        }
        db.session.remove()
    assert zones["offices"] == [
        ("AU", "Australia/Sydney"),
        ("IN", "Asia/Kolkata"),
        ("NP", "Asia/Kathmandu"),
        ("ZZ", None),
    ]
    assert zones["meetings"] == [("1", "Asia/Kolkata"), ("2", "Europe/Zurich")]
    assert [zone for _, zone in zones["availability_windows"]] == ["Europe/Kyiv", "Asia/Kolkata"]


@pytest.mark.committed  # a database of its own (`app`: on PostgreSQL too), not the test's
def test_the_migration_keeps_as_whom_each_message_was_written(app, tmp_path):
    """helper-237: what reached a presenter as their office's contact was told from its calendar
    part (ROLE=OPT-PARTICIPANT), which RETENTION_DAYS clears. The migration keeps each stored
    message's role: by its kind where that says it, else by its calendar part (unfolded) while
    it is there; an update or cancellation already cleared keeps none. Downgraded, the rows stay."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    attendee = "ATTENDEE;CN=Alex Example;PARTSTAT=NEEDS-ACTION;ROLE={}:mailto:alex@example.org"
    # As the builder folds a long line (RFC 5545 3.1): here within the role.
    contact = attendee.format("OPT-PARTICIPANT").replace("OPT-PARTI", "OPT-PARTI\r\n ")
    messages = [
        ("invitation", None),
        ("reminder", None),
        ("update", f"BEGIN:VCALENDAR\r\n{attendee.format('REQ-PARTICIPANT')}\r\n"),
        ("update", f"BEGIN:VCALENDAR\r\n{contact}\r\nEND:VCALENDAR\r\n"),
        ("cancellation", f"BEGIN:VCALENDAR\r\n{attendee.format('OPT-PARTICIPANT')}\r\n"),
        ("cancellation", None),  # cleared: to a presenter or a contact, nothing says
        ("feed", None),
        ("received", None),
        ("decision", None),
        ("answer", None),
        ("proposal", None),
    ]
    with database_at(tmp_path, "d4f7a2c9e1b3"):
        for number, (kind, ics) in enumerate(messages, start=1):
            db.session.execute(
                text(
                    "INSERT INTO outbox (id, kind, status, recipient_name, recipient_email, "
                    "recipient_mailbox, language, subject, text_body, ics, created_at, "
                    "next_attempt_at, attempts, message_id) VALUES (:id, :kind, 'sent', 'Alex', "
                    "'alex@example.org', 'alex@example.org', 'en', 'S', '', :ics, "
                    "'2026-01-01 00:00:00', '2026-01-01 00:00:00', 1, :message_id)"
                ),
                {"id": number, "kind": kind, "ics": ics, "message_id": f"<{number}@test>"},
            )
        db.session.commit()
        upgrade()
        roles = db.session.execute(text("SELECT kind, role FROM outbox ORDER BY id")).all()
        assert [tuple(row) for row in roles] == [
            ("invitation", "presenter"),
            ("reminder", "presenter"),
            ("update", "presenter"),
            ("update", "contact"),
            ("cancellation", "contact"),
            ("cancellation", None),
            ("feed", "contact"),
            ("received", "volunteer"),
            ("decision", "volunteer"),
            ("answer", "colead"),
            ("proposal", "colead"),
        ]
        db.session.remove()  # its read ends: PostgreSQL's ALTER TABLE waits for none
        downgrade(revision="d4f7a2c9e1b3")
        assert "role" not in [c["name"] for c in inspect(db.engine).get_columns("outbox")]
        count = db.session.execute(text("SELECT count(*) FROM outbox")).scalar()
        assert count == len(messages)


@pytest.mark.committed  # a database of its own (`app`: on PostgreSQL too), not the test's
def test_the_migration_keeps_when_each_message_was_last_tried_where_it_is_known(app, tmp_path):
    """helper-366: when a message was last tried was read back from its next attempt, which a
    sender's lease or a sender stopped for the upgrade moves. The migration fills it where it is
    known: a message sent, when it went; one waiting more than a lease (10 minutes) for its next
    attempt, the wait before it (1, 2, 4 ... minutes, at most an hour). Not one due now or
    within a lease (a sender may hold it), nor a failed one: NULL, which its page says."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import bindparam, column, inspect, table

    from planner.db_types import UTCDateTime

    now = utcnow().replace(microsecond=0)
    messages = [  # status, attempts, next attempt, sent
        ("sent", 2, now - timedelta(hours=3), now - timedelta(hours=2)),
        ("queued", 7, now + timedelta(minutes=40), None),  # an hour after its 7th attempt
        ("queued", 2, now + timedelta(minutes=5), None),  # or a sender's lease
        ("queued", 3, now - timedelta(minutes=1), None),  # due, or given back by a sender
        ("failed", 8, now - timedelta(hours=1), None),
        ("queued", 0, now, None),
    ]
    with database_at(tmp_path, "b7e3a9d2c6f1"):
        insert = text(
            "INSERT INTO outbox (id, kind, status, recipient_name, recipient_email, "
            "recipient_mailbox, language, subject, text_body, created_at, next_attempt_at, "
            "sent_at, attempts, message_id) VALUES (:id, 'invitation', :status, 'Aiko', "
            "'aiko@jpo.example', 'aiko@jpo.example', 'en', 'S', '', :created, :due, :sent, "
            ":attempts, :message_id)"
        ).bindparams(*(bindparam(n, type_=UTCDateTime()) for n in ("created", "due", "sent")))
        for number, (status, attempts, due, sent) in enumerate(messages, start=1):
            db.session.execute(
                insert,
                {
                    "id": number,
                    "status": status,
                    "attempts": attempts,
                    "created": now - timedelta(days=1),
                    "due": due,
                    "sent": sent,
                    "message_id": f"<{number}@test>",
                },
            )
        db.session.commit()
        upgrade()
        outbox = table("outbox", column("id"), column("last_attempt_at", UTCDateTime()))
        last = db.session.scalars(select(outbox.c.last_attempt_at).order_by(outbox.c.id)).all()
        assert last == [
            now - timedelta(hours=2),
            now - timedelta(minutes=20),
            None,
            None,
            None,
            None,
        ]
        db.session.remove()  # its read ends: PostgreSQL's ALTER TABLE waits for none
        downgrade(revision="b7e3a9d2c6f1")
        columns = [c["name"] for c in inspect(db.engine).get_columns("outbox")]
        assert "last_attempt_at" not in columns


@pytest.mark.committed  # a database of its own (`app`: on PostgreSQL too), not the test's
def test_the_migration_gives_each_copied_meeting_the_meeting_it_was_copied_from(app, tmp_path):
    """helper-250: a draft copied from a meeting remembers it, as its slots remember theirs (a
    copy sent twice finds it). One copied before the upgrade is given it from its slots';
    others none. Downgraded, the rows stay."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    before = "e6b2d8f4a1c3"
    # id, status; then slot id, meeting id, copied from
    meetings = [(1, "cancelled"), (2, "draft"), (3, "draft"), (4, "draft")]
    slots = [(1, 1, None), (2, 1, None), (3, 2, 1), (4, 2, 2), (5, 4, None)]
    with database_at(tmp_path, before):
        for meeting_id, status in meetings:
            db.session.execute(
                text(
                    "INSERT INTO meetings (id, uid, title, kind, status, duration_minutes, "
                    "time_zone, description, sequence, duration_pinned, created_at, updated_at, "
                    "version) VALUES (:id, :uid, 'M', 'workshop', :status, 90, 'Europe/Zurich', "
                    "'', 0, false, '2026-12-01', '2026-12-01', 1)"
                ),
                {"id": meeting_id, "uid": f"m{meeting_id}", "status": status},
            )
        for slot_id, meeting_id, source in slots:
            db.session.execute(
                text(
                    "INSERT INTO slots (id, uid, meeting_id, position, title, kind, "
                    "duration_minutes, status, abstract, sequence, copied_from_id, created_at, "
                    "updated_at, version) VALUES (:id, :uid, :meeting, :id, 'S', 'presentation', "
                    "20, 'proposed', '', 0, :source, '2026-12-01', '2026-12-01', 1)"
                ),
                {"id": slot_id, "uid": f"s{slot_id}", "meeting": meeting_id, "source": source},
            )
        db.session.commit()
        upgrade()
        copied = db.session.execute(text("SELECT id, copied_from_id FROM meetings ORDER BY id"))
        assert [tuple(row) for row in copied] == [(1, None), (2, 1), (3, None), (4, None)]
        db.session.remove()  # its read ends: PostgreSQL's ALTER TABLE waits for none
        downgrade(revision=before)
        columns = [c["name"] for c in inspect(db.engine).get_columns("meetings")]
        assert "copied_from_id" not in columns
        assert db.session.execute(text("SELECT count(*) FROM meetings")).scalar() == 4
        assert db.session.execute(text("SELECT count(*) FROM slots")).scalar() == 5


@pytest.mark.committed  # a database of its own (`app`: on PostgreSQL too), not the test's
def test_materials_are_read_by_slot_through_the_unique_index_alone(app, tmp_path):
    """ix_materials_slot_id doubled the unique (slot_id, sha256) index, which begins with
    slot_id: the migration drops it, and downgrade makes it again. The unique (slot_id, url)
    index that came later holds links alone (partial), so it cannot serve them."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    before = "0ab0b4e54098"

    def indexes() -> set[str]:
        db.session.remove()
        return {index["name"] for index in inspect(db.engine).get_indexes("materials")}

    with database_at(tmp_path, before):
        assert "ix_materials_slot_id" in indexes()
        upgrade()
        assert indexes() == {
            "ix_materials_meeting_id",
            "uq_materials_slot_sha256",
            "uq_materials_slot_url",
            "uq_materials_meeting_url",
        }
        if db.engine.dialect.name == "sqlite":
            # What the pages read by slot finds its rows through the unique index.
            for query in (
                "SELECT id FROM materials WHERE slot_id = 1",
                "SELECT id FROM materials WHERE slot_id IN (1, 2)",
                "SELECT id FROM materials WHERE slot_id = 1 AND sha256 = 'a'",
            ):
                plan = " ".join(
                    r[-1] for r in db.session.execute(text(f"EXPLAIN QUERY PLAN {query}"))
                )
                assert "uq_materials_slot_sha256" in plan, (query, plan)
        downgrade(revision=before)
        assert "ix_materials_slot_id" in indexes()
        upgrade()
        assert "ix_materials_slot_id" not in indexes()


def test_the_migration_adds_the_invitation_s_language_and_takes_it_away(tmp_path):
    """Invitations stored before have no language chosen (their presenters are written to as
    before); downgraded, the table keeps its rows."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    with database_at(tmp_path, "c6d04684c81b"):
        db.session.execute(
            text(
                "INSERT INTO meetings (id, uid, title, kind, status, duration_minutes, "
                "time_zone, description, sequence, duration_pinned, created_at, updated_at, "
                "version) VALUES (1, 'm1', 'M1', 'workshop', 'draft', 60, 'Europe/Zurich', '', "
                "0, true, '2026-01-01', '2026-01-01', 1)"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO slots (id, uid, meeting_id, position, title, kind, duration_minutes, "
                "status, abstract, sequence, created_at, updated_at, version) VALUES (1, 's1', 1, "
                "0, 'T', 'presentation', 20, 'invited', '', 0, '2026-01-01', '2026-01-01', 1)"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO invitations (slot_id, name, email, invited_at, note, version) "
                "VALUES (1, 'Ольга', 'olga@example.org', '2026-01-01', '', 1)"
            )
        )
        db.session.commit()
        upgrade()
        assert db.session.execute(text("SELECT language FROM invitations")).all() == [(None,)]
        db.session.execute(text("UPDATE invitations SET language = 'ru'"))
        db.session.commit()
        downgrade(revision="c6d04684c81b")
        assert db.session.execute(text("SELECT name FROM invitations")).scalar() == "Ольга"
        columns = [c["name"] for c in inspect(db.engine).get_columns("invitations")]
        assert "language" not in columns and "windows_given_at" in columns


@pytest.mark.committed  # a database of its own (`app`: on PostgreSQL too), not the test's
def test_a_one_time_password_given_before_the_upgrade_lasts_a_week_from_it(app, tmp_path):
    """helper-199: one printed by the release before had no date, and so signed in for ever,
    though the README says 7 days; a password a co-lead chose is given none."""
    from flask_migrate import upgrade

    from planner.accounts.models import User

    with database_at(tmp_path, "7e2cafd3b340"):
        for id_, one_time in ((1, True), (2, False)):
            db.session.execute(
                text(
                    "INSERT INTO users (id, email, password_hash, role, must_change_password, "
                    "created_at, session_version) VALUES (:id, :email, 'x', 'colead', "
                    ":one_time, '2026-01-01', 1)"
                ),
                {"id": id_, "email": f"u{id_}@example.org", "one_time": one_time},
            )
        db.session.commit()
        upgrade(revision="1dd38583f37d")
        given, chosen = db.session.get(User, 1), db.session.get(User, 2)
        assert chosen.password_set_at is None
        assert abs(given.password_set_at - utcnow()) < timedelta(minutes=5)
        assert not given.one_time_password_expired
        with time_machine.travel(utcnow() + timedelta(days=8)):
            assert given.one_time_password_expired


@pytest.mark.committed  # a database of its own (`app`: on PostgreSQL too), not the test's
def test_api_tokens_made_before_the_upgrade_work_on_and_a_downgrade_ends_those_made_since(
    app, tmp_path
):
    """A token made before tokens had names and expiries keeps working for its scripts, with no
    expiry invented for it, and writing as it did; downgraded, the release before would let a
    token made since work for ever and write, whatever it was made for: it is revoked."""
    from flask_migrate import downgrade, upgrade

    from planner.accounts.models import ApiToken, User, digest

    with database_at(tmp_path, "5e8b3d1a7c42"):
        db.session.execute(
            text(
                "INSERT INTO users (id, email, password_hash, role, must_change_password, "
                "created_at, session_version) VALUES (1, 'u@example.org', 'x', 'colead', "
                "false, '2026-01-01', 1)"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO api_tokens (user_id, token_hash, created_at) "
                "VALUES (1, :hash, '2026-01-01')"
            ),
            {"hash": digest("cwsp_before")},
        )
        db.session.commit()
        upgrade(revision="5b2e8c1d9f47")
        before = db.session.scalar(select(ApiToken))
        assert (before.name, before.expires_at, before.read_only) == ("", None, False)
        assert before.works and before.allows("POST")
        with time_machine.travel(utcnow() + timedelta(days=5 * 365)):
            assert before.works
        user = db.session.get(User, 1)
        ApiToken.issue(user, "laptop")
        ApiToken.issue(user, "reader", read_only=True)
        db.session.commit()
        downgrade(revision="5e8b3d1a7c42")
        rows = db.session.execute(
            text("SELECT token_hash, revoked_at FROM api_tokens ORDER BY id")
        ).all()
        assert rows[0] == (digest("cwsp_before"), None)
        assert [revoked is not None for _, revoked in rows[1:]] == [True, True]


def test_a_downgrade_on_sqlite_keeps_ids_never_handed_out_twice(tmp_path):
    """helper-199: `flask db downgrade` rebuilt `users` and `invitations` without AUTOINCREMENT,
    and a deleted co-lead's id (in their session cookie) went to the next account made. Rebuilt
    with it, a table counted on from the highest id it still held: the id of the newest
    co-lead, deleted, went to the next account all the same."""
    from flask_migrate import downgrade

    with database_at(tmp_path, "1dd38583f37d"):
        for email in ("stays@example.org", "left@example.org"):
            db.session.execute(
                text(
                    "INSERT INTO users (email, password_hash, role, must_change_password, "
                    "created_at, session_version) VALUES (:email, 'x', 'colead', 0, "
                    "'2026-01-01', 1)"
                ),
                {"email": email},
            )
        db.session.execute(text("DELETE FROM users WHERE email = 'left@example.org'"))
        # Seven invitations made, and all discarded: the table is rebuilt empty.
        db.session.execute(
            text("INSERT INTO sqlite_sequence (name, seq) VALUES ('invitations', 7)")
        )
        db.session.commit()
        downgrade(revision="c7a4e2f9b1d6")
        issued = db.session.execute(
            text("SELECT name, seq FROM sqlite_sequence WHERE name IN ('users', 'invitations')")
        ).all()
        assert sorted(issued) == [("invitations", 7), ("users", 2)]
        plain = db.session.execute(
            text(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name IN ('users', 'invitations') AND sql NOT LIKE '%AUTOINCREMENT%'"
            )
        ).all()
        assert plain == []


def _two_slots_on_meeting_1() -> None:
    """Slots 1 and 2 on meeting 1, as a database of the revision before a migration holds them."""
    for slot in (1, 2):
        db.session.execute(
            text(
                "INSERT INTO slots (id, uid, meeting_id, position, title, kind, "
                "duration_minutes, status, abstract, sequence, created_at, updated_at, "
                "version) VALUES (:id, :uid, 1, :id, 'T', 'presentation', 20, 'proposed', "
                "'', 0, '2026-01-01', '2026-01-01', 1)"
            ),
            {"id": slot, "uid": f"s{slot}"},
        )


@pytest.mark.committed  # a database of its own (`app`: on PostgreSQL too), not the test's
def test_links_stored_twice_keep_the_earliest_under_the_new_rules(app, tmp_path):
    """Two adds at the same moment both passed the check for the same link on the slot (or on
    the meeting, for its own). The migration keeps the earliest row of each set (what pages
    listed first) and deletes the later ones; the database refuses a third. The same link on
    another slot, on the meeting beside its slot's, and files are left alone. Downgrade drops
    the rules only."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    before = "b9e4c2a7d5f3"
    slides, recording = "https://example.org/slides", "https://example.org/recording"

    def material(id_, meeting, slot, added, url=None, sha=None):
        db.session.execute(
            text(
                "INSERT INTO materials (id, meeting_id, slot_id, kind, filename, sha256, storage, "
                "url, added_at, added_by) VALUES (:id, :meeting, :slot, 'slides', :name, :sha, "
                ":storage, :url, :added, 'co-lead')"
            ),
            {
                "id": id_,
                "meeting": meeting,
                "slot": slot,
                "name": None if url else f"file{id_}.pdf",
                "sha": sha,
                "storage": None if url else "database",
                "url": url,
                "added": f"2026-01-{added:02d} 10:00:00.000000",
            },
        )

    def ids() -> list[int]:
        return db.session.scalars(text("SELECT id FROM materials ORDER BY id")).all()

    def indexes() -> set[str]:
        db.session.remove()
        return {index["name"] for index in inspect(db.engine).get_indexes("materials")}

    with database_at(tmp_path, before):
        for meeting in (1, 2):
            db.session.execute(
                text(
                    "INSERT INTO meetings (id, uid, title, kind, status, duration_minutes, "
                    "time_zone, description, sequence, duration_pinned, created_at, updated_at, "
                    "version) VALUES (:id, :uid, 'M', 'workshop', 'draft', 60, 'Europe/Zurich', "
                    "'', 0, true, '2026-01-01', '2026-01-01', 1)"
                ),
                {"id": meeting, "uid": f"m{meeting}"},
            )
        _two_slots_on_meeting_1()
        material(1, 1, 1, added=2, url=slides)
        material(2, 1, 1, added=1, url=slides)  # the earliest of slot 1's three, not the first id
        material(3, 1, 1, added=3, url=slides)
        material(4, 1, 1, added=4, url=recording)
        material(5, 1, 2, added=5, url=slides)  # the same link on another slot
        material(6, 1, None, added=6, url=slides)  # the meeting's own, beside its slot's
        material(7, 1, None, added=7, url=slides)
        material(8, 2, None, added=8, url=slides)  # another meeting's own
        material(9, 1, 1, added=9, sha="a" * 64)  # files: no url, held to a rule of their own
        material(10, 1, 1, added=10, sha="b" * 64)
        db.session.commit()

        upgrade()
        assert ids() == [2, 4, 5, 6, 8, 9, 10]
        assert {"uq_materials_slot_url", "uq_materials_meeting_url"} <= indexes()
        for again in ((11, 1, 1), (11, 1, None)):
            with pytest.raises(IntegrityError):
                material(*again, added=11, url=slides)
            db.session.rollback()

        downgrade(revision=before)
        assert not {"uq_materials_slot_url", "uq_materials_meeting_url"} & indexes()
        material(11, 1, 1, added=11, url=slides)
        material(12, 1, None, added=12, url=slides)
        db.session.commit()
        assert ids() == [2, 4, 5, 6, 8, 9, 10, 11, 12]


@pytest.mark.committed  # a database of its own (`app`: on PostgreSQL too), not the test's
def test_links_stored_in_either_spelling_of_their_host_are_kept_in_one(app, tmp_path):
    """A link stored with its host in xn-- and again in Unicode was two links on a slot: the
    migration keeps the earliest, in the form links are now kept in (the host in Unicode), and
    deletes the later; the other links are written so too, a meeting's video link as well. A
    host mixing Latin and Cyrillic letters keeps its xn-- form, as browsers show it."""
    from flask_migrate import upgrade

    before = "a9d3c5e7f208"
    shown, ascii = "https://bücher.example/Folien", "https://xn--bcher-kva.example/Folien"
    lookalike = "https://xn--pple-43d.com/slides"  # "аpple", its "а" Cyrillic

    def material(id_, slot, added, url):
        db.session.execute(
            text(
                "INSERT INTO materials (id, meeting_id, slot_id, kind, url, added_at, added_by) "
                "VALUES (:id, 1, :slot, 'slides', :url, :added, 'co-lead')"
            ),
            {"id": id_, "slot": slot, "url": url, "added": f"2026-01-{added:02d} 10:00:00"},
        )

    with database_at(tmp_path, before):
        db.session.execute(
            text(
                "INSERT INTO meetings (id, uid, title, kind, status, duration_minutes, "
                "time_zone, description, sequence, duration_pinned, created_at, updated_at, "
                "version, video_url) VALUES (1, 'm1', 'M', 'workshop', 'draft', 60, "
                "'Europe/Zurich', '', 0, true, '2026-01-01', '2026-01-01', 1, :video)"
            ),
            {"video": "https://XN--BCHER-KVA.example/Raum"},
        )
        _two_slots_on_meeting_1()
        material(1, 1, added=2, url=shown)
        material(2, 1, added=1, url=ascii)  # the earliest of the two: kept, in Unicode
        material(3, 2, added=3, url=ascii)  # another slot's: kept, in Unicode
        material(4, 2, added=4, url=lookalike)
        material(5, None, added=5, url=ascii)  # the meeting's own
        db.session.commit()

        upgrade()
        rows = db.session.execute(text("SELECT id, url FROM materials ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [(2, shown), (3, shown), (4, lookalike), (5, shown)]
        video = db.session.scalar(text("SELECT video_url FROM meetings"))
        assert video == "https://bücher.example/Raum"


def _at_once(url: str, *command: str) -> list[tuple[int, str]]:
    """`flask --app app <command>` run by two processes started together on the database
    `url`, as two instances starting at the same moment: each one's exit code and output."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "x", "BASE_URL": "http://localhost"}
    env.pop("MAKE_RUN_ARGS", None)
    flask = [sys.executable, "-m", "flask", "--app", "app", *command]
    started = [
        subprocess.Popen(flask, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(2)
    ]
    return [(p.wait(timeout=300), p.communicate()[0].decode()) for p in started]


def _last_lines(runs: list[tuple[int, str]]) -> list[str]:
    return [output.strip().splitlines()[-1] if output.strip() else "" for _, output in runs]


@pytest.mark.committed  # a database of its own (`app`: on PostgreSQL too), not the test's
def test_two_instances_starting_together_migrate_once(app, tmp_path):
    """Two instances started at once each run `db upgrade` on a new database. Both read the
    same revision and ran the same steps: one failed on a table the other had made ("table
    offices already exists"; on PostgreSQL a duplicate type). Now one waits for the other's
    turn, then finds nothing left to do."""
    with database_of_its_own(tmp_path) as url:
        migrated = _at_once(url, "db", "upgrade")
        assert [code for code, _ in migrated] == [0, 0], _last_lines(migrated)
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
        finally:
            engine.dispose()
        with app.app_context():
            assert revision == _head()


@pytest.mark.committed  # a database of its own (`app`: on PostgreSQL too), not the test's
def test_two_instances_setting_up_together_seed_and_import_once(app, tmp_path):
    """Two instances started at once each run `setup` on a new database. The first is held
    just before it stores the offices, until the second has finished (or could not go on):
    both had found the offices missing, and the first failed on those the second had stored
    (a server error at start); or both found the bundled survey not loaded and imported it.
    Now the second waits for the first's turn to end, then finds everything there."""
    import click
    from flask_migrate import upgrade
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from planner.app import create_app
    from planner.bootstrap import setup_command
    from planner.survey.models import BundledSurveyLoad

    with database_of_its_own(tmp_path) as url:
        apps = [create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"}) for _ in "ab"]
        with apps[0].app_context():
            upgrade()
        first_writes, second_done = threading.Event(), threading.Event()
        first = threading.local()

        def hold_first(_session, _context, _instances):
            if getattr(first, "held", False) and not first_writes.is_set():
                first_writes.set()
                second_done.wait(3)  # with turns, the second waits for this one instead

        failed = {}

        def set_up(name, instance, held):
            first.held = held
            try:
                with instance.app_context(), click.Context(setup_command) as context:
                    context.invoke(setup_command)
            except Exception as error:  # a failure at start, as the command would exit
                failed[name] = f"{type(error).__name__}: {str(error).splitlines()[0]}"
            finally:
                with instance.app_context():
                    db.session.remove()
                    db.engine.dispose()

        event.listen(Session, "before_flush", hold_first)
        try:
            one = threading.Thread(target=set_up, args=("one", apps[0], True))
            one.start()
            assert first_writes.wait(30)
            two = threading.Thread(target=set_up, args=("two", apps[1], False))
            two.start()
            two.join(10)
            second_done.set()
            one.join(60)
            two.join(60)
        finally:
            event.remove(Session, "before_flush", hold_first)
        assert failed == {}
        with apps[0].app_context():
            counted = [
                db.session.scalar(select(func.count()).select_from(model))
                for model in (Survey, BundledSurveyLoad, Office)
            ]
            db.session.remove()
            db.engine.dispose()
        assert counted == [1, 1, 22]


def _head() -> str:
    from alembic.script import ScriptDirectory
    from flask import current_app

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    return script.get_current_head()


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("DATABASE_URL", "postgresql//planner:secret@db", "DATABASE_URL is not a database address"),
        ("DATABASE_URL", "mysql://planner:secret@db/p", "DATABASE_URL names 'mysql', which the"),
        ("DATABASE_URL", "postgresql+psycopg2://planner:secret@db/p", "names 'postgresql+psy"),
        ("BASE_URL", "planner.example.org", "BASE_URL 'planner.example.org' must be an address"),
        # Python's own words ("Invalid IPv6 URL") would not name the setting (helper-186).
        ("BASE_URL", "http://[::1", "BASE_URL 'http://[::1' must be an address"),
        ("BASE_URL", "http://host:99999", "BASE_URL 'http://host:99999' must be an address"),
        ("TRUSTED_PROXIES", "one", "TRUSTED_PROXIES must be a whole number 0 or above"),
        ("TRUSTED_PROXIES", "-1", "TRUSTED_PROXIES must be a whole number 0 or above"),
        ("MAIL_PORT", "smtp", "MAIL_PORT must be a port number from 1 to 65535, not 'smtp'"),
    ],
)
def test_a_setting_that_cannot_work_stops_the_start_saying_so(monkeypatch, name, value, said):
    """helper-183: these stopped `flask` and gunicorn with a traceback (ValueError from int() or
    from SQLAlchemy's URL parser), where MAIL_FROM and the limits stop them with a sentence. A
    database address is not repeated: it may hold the password."""
    from planner.app import create_app

    monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit, match=re.escape(said)) as stopped:
        create_app({"SECRET_KEY": "x"})
    assert "secret" not in str(stopped.value)
    monkeypatch.setenv("TRUSTED_PROXIES", "0")
    monkeypatch.delenv(name)
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
