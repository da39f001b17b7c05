"""First start: seed offices and recommendations, and load the bundled CWS/13/26 survey.

Seeding only adds what is missing, so a co-lead's edits to names, titles or time zones survive
every restart. What it prints is what a newcomer needs next: what the import found, where to see
it, and how to create the first co-lead.
"""

import csv
import functools
import os
import sys
from importlib.resources import files
from pathlib import Path

import click
from flask import current_app, url_for
from flask.cli import with_appcontext
from sqlalchemy import select

from planner.accounts.models import User
from planner.extensions import db
from planner.matching.evidence import names_of
from planner.matching.scorer import Peer
from planner.offices.models import Office
from planner.recommendations.models import Recommendation
from planner.survey.models import BundledSurveyLoad, Survey
from planner.survey.operations import (
    ImportOutcome,
    answer_count,
    import_record,
    read_survey_file,
)
from planner.survey.records import SurveyRecord
from planner.turns import SQLITE_WAIT_MS, take_turn

DATA = files("planner") / "data"
BUNDLED_SURVEY = "CWS-13-26.txt"
# The German office's answer to question 8 is labelled with Georgia's code (see data README).
BUNDLED_ALIASES = {"GE": "DE"}


def reference_rows(name: str) -> list[dict[str, str]]:
    return [dict(row) for row in _read_reference(name)]


@functools.cache
def _read_reference(name: str) -> tuple[dict[str, str], ...]:
    """A bundled data file, read once: it is part of the package and does not change."""
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def office_peers() -> dict[str, Peer]:
    """Each office's seeded size, WIPO group and names, as the scorer compares them (no
    database)."""
    names = {row["code"]: names_of(row["name"]) for row in reference_rows("offices.csv")}
    return {
        row["code"]: Peer(row["size"] or None, row["region"] or None, names.get(row["code"], ()))
        for row in reference_rows("office_attributes.csv")
    }


def seed_reference_data() -> tuple[int, int]:
    """Add the offices and recommendations that are not stored yet; return how many were added."""
    offices = set(db.session.scalars(select(Office.code)))
    new_offices = [
        Office(code=row["code"], name=row["name"], city=row["city"], time_zone=row["time_zone"])
        for row in reference_rows("offices.csv")
        if row["code"] not in offices
    ]
    attributes = {row["code"]: row for row in reference_rows("office_attributes.csv")}
    for office in [*db.session.scalars(select(Office)), *new_offices]:
        seeded = attributes.get(office.code)
        # Never over a co-lead's edit, even one that cleared both.
        if seeded and office.updated_at is None and office.size is None and office.region is None:
            office.size, office.region = seeded["size"], seeded["region"]
            office.size_source = seeded["size_source"]
            office.region_source = seeded["region_source"]
    recommendations = set(db.session.scalars(select(Recommendation.number)))
    new_recommendations = [
        Recommendation(
            number=int(row["number"]),
            short_title=row["short_title"],
            text=row["text"],
            source=row["source"],
        )
        for row in reference_rows("recommendations.csv")
        if int(row["number"]) not in recommendations
    ]
    db.session.add_all(new_offices + new_recommendations)
    db.session.flush()
    return len(new_offices), len(new_recommendations)


def bundled_record() -> SurveyRecord:
    """The bundled CWS/13/26 survey as read from its published text."""
    data = (DATA / BUNDLED_SURVEY).read_bytes()
    return read_survey_file(data, BUNDLED_SURVEY, aliases=BUNDLED_ALIASES)


def load_bundled_survey() -> ImportOutcome:
    return import_record(bundled_record())


@click.command("setup")
@with_appcontext
def setup_command() -> None:
    """Seed reference data; on first start, import the bundled CWS/13/26 survey (once: not
    again after a co-lead deleted it). Safe to run from several instances starting together:
    each waits for the one before it."""
    # One instance at a time, in one transaction: instances started together each ran it, and
    # both found the offices missing (one then failed on those the other had stored) and the
    # survey not loaded yet (both imported it, and both said so). Each now waits for the one
    # before it to commit, then finds what it stored.
    take_turn(db.session.connection(), "planner setup", sqlite_wait_ms=SQLITE_WAIT_MS)
    offices, recommendations = seed_reference_data()
    outcome = None
    if db.session.scalar(select(BundledSurveyLoad.id).limit(1)) is None:
        # First start: the bundled survey, unless a survey was imported before this start.
        if db.session.scalar(select(Survey.id).limit(1)) is None:
            outcome = load_bundled_survey()
        db.session.add(BundledSurveyLoad())
    db.session.commit()
    if offices or recommendations:  # every later start adds none: nothing to say
        click.echo(
            f"Reference data: {offices} office(s), {recommendations} recommendation(s) added."
        )
    if outcome is not None:
        click.echo(imported(outcome))
    if db.session.scalar(select(User.id).where(User.role == "colead").limit(1)) is None:
        # The same PORT and HOST as `make run` was given, for the sign-in address it prints.
        make_args = os.environ.get("MAKE_RUN_ARGS", "")
        click.echo(
            FIRST_COLEAD.format(
                flask=flask_command(), make_args=make_args, login=address("accounts.login")
            )
        )


def address(endpoint: str, **values) -> str:
    """A page's full address, from BASE_URL, as a terminal shows it for a click."""
    with current_app.test_request_context():
        return url_for(endpoint, _external=True, **values)


def imported(outcome: ImportOutcome) -> str:
    """What the first import read, each warning in words, and the page that lists them."""
    survey = outcome.survey
    lines = [
        f"Imported {survey.label}: {len(survey.respondents)} offices answered, "
        f"{answer_count(survey)} answers in all. See them at {address('survey.overview')}"
    ]
    if count := len(outcome.warnings):
        lines.append(
            f"{count} import warning{'' if count == 1 else 's'}, also listed at "
            f"{address('survey.detail', slug=survey.slug)}:"
        )
        lines += [f"  - {warning.message}" for warning in outcome.warnings]
    return "\n".join(lines)


FIRST_COLEAD = """\
No co-lead yet: pages can be read, but nothing can be planned or edited without one.
Create the first one in another terminal, in this folder:
  make colead EMAIL=you@example.org{make_args}
or, without make:
  {flask} --app app users create --email you@example.org --role colead
It prints a one-time password: sign in with it at {login} and choose your own."""


def flask_command() -> str:
    """The `flask` of the environment running this, as a path to type from here (the virtual
    environment need not be activated)."""
    script = Path(sys.executable).with_name("flask")
    try:
        relative = os.path.relpath(script)
    except ValueError:  # on another drive (Windows)
        return str(script)
    return str(script) if relative.startswith("..") else relative
