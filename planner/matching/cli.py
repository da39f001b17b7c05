"""`flask match`: the matches for one recommendation, as JSON or as a readable list."""

import json

import click
from flask.cli import with_appcontext

from planner.extensions import db
from planner.matching.operations import survey_matches
from planner.matching.scorer import DEFAULT_MATURITY_WEIGHT
from planner.recommendations.models import Recommendation
from planner.survey.operations import SurveyNotFound, find_survey


@click.command("match")
@click.option("--recommendation", type=int, default=10, show_default=True)
@click.option("--survey", "reference", help="Label or slug; default: the latest survey.")
@click.option(
    "--maturity-weight",
    type=click.FloatRange(0, 1),
    default=DEFAULT_MATURITY_WEIGHT,
    show_default=True,
    help="How much a project's maturity weighs in the score (0: not at all).",
)
@click.option("--format", "form", type=click.Choice(["json", "text"]), default="text")
@with_appcontext
def match_command(recommendation: int, reference: str | None, maturity_weight: float, form: str):
    """Pair offices that want a recommendation discussed with offices that have projects on it."""
    if db.session.get(Recommendation, recommendation) is None:
        raise click.BadParameter(f"there is no recommendation {recommendation}")
    try:
        survey = find_survey(reference)
    except SurveyNotFound as error:
        raise click.ClickException(str(error)) from None
    found = survey_matches(survey, [recommendation], maturity_weight=maturity_weight)
    if form == "json":
        click.echo(json.dumps([m.as_dict() for m in found], ensure_ascii=False, indent=2))
        return
    audience = None
    for match in found:
        if match.audience != audience:
            audience = match.audience
            click.echo(f"\n{audience} wants: {' '.join(match.reasons['audience_text'].split())}")
        terms = ", ".join(f"{t['term']} {t['weight']:.2f}" for t in match.reasons["terms"])
        click.echo(
            f"  {match.presenter}  score {match.score:.2f}  relevance {match.relevance:.2f}  "
            f"maturity {match.maturity:.2f}" + (f"  [{terms}]" if terms else "")
        )
