"""What `make run` does to the database: migrations that match the models, seeding, first import."""

from concurrent.futures import ThreadPoolExecutor

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from planner.config import secret_key
from planner.db_types import utcnow
from planner.extensions import db
from planner.offices.models import Office
from planner.recommendations.models import Recommendation
from planner.survey.models import Survey


def test_migrations_match_the_models(app_context):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_setup_imports_the_bundled_survey_once(cli, app_context):
    first = cli.invoke(args=["setup"])
    assert first.exit_code == 0, first.output
    assert "Imported CWS/13/26" in first.stdout
    second = cli.invoke(args=["setup"])
    assert second.exit_code == 0
    assert "Imported" not in second.stdout
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 1


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


def test_seeding_never_refills_what_a_co_lead_cleared(cli, app_context):
    office = db.session.get(Office, "AU")
    assert (office.size, office.region) == ("medium", "Asia and the Pacific")  # seeded
    office.size = office.region = None
    office.updated_at = utcnow()  # as an edit on the office page leaves it
    db.session.commit()
    assert cli.invoke(args=["setup"]).exit_code == 0
    db.session.expire_all()
    assert (db.session.get(Office, "AU").size, db.session.get(Office, "AU").region) == (None, None)


def test_workers_starting_together_share_one_generated_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _: secret_key(tmp_path), range(32)))
    assert len(keys) == 1
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert secret_key(tmp_path) == keys.pop()


def test_a_wrong_method_says_which_are_allowed(client, survey):
    for url in ("/offices", "/api/v1/surveys"):
        response = client.post(url)
        assert response.status_code == 405
        assert "GET" in response.headers["Allow"]
