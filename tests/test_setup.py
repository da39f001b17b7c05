"""What `make run` does to the database: migrations that match the models, seeding, first import."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

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
