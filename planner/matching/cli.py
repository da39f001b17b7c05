"""`flask match`: the matches for one recommendation; `flask match fit`: weights from marks."""

import json

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from planner.accounts.models import User
from planner.addresses import matches_address
from planner.agenda.report import given_before, given_on
from planner.extensions import db
from planner.matching.fitting import MARK_GRADES, cross_validate, graded_pairs
from planner.matching.operations import (
    DEFAULT_LIMIT,
    adopt_weights,
    marks,
    survey_matches,
    survey_scorer,
    weights_in_use,
)
from planner.recommendations.models import Recommendation
from planner.survey.operations import SurveyNotFound, find_survey

# Fewer marked pairs than this say too little to fit a weight per feature on.
MIN_MARKS = 20


def _survey(reference: str | None):
    try:
        return find_survey(reference)
    except SurveyNotFound as error:
        raise click.ClickException(str(error)) from None


@click.group("match", invoke_without_command=True)
@click.option("--recommendation", type=int, default=10, show_default=True)
@click.option("--survey", "reference", help="Label or slug; default: the latest survey.")
@click.option("--include-plans", is_flag=True, help="Let plans present too.")
@click.option(
    "--limit",
    type=click.IntRange(1),
    default=DEFAULT_LIMIT,
    show_default=True,
    help="At most this many presenters per office.",
)
@click.option("--all", "every", is_flag=True, help="Every presenter for every office.")
@click.option("--format", "form", type=click.Choice(["json", "text"]), default="text")
@click.pass_context
@with_appcontext
def match_command(ctx, recommendation, reference, include_plans, limit, every, form):
    """Pair offices that want a recommendation discussed with offices that have projects on it."""
    if ctx.invoked_subcommand is not None:
        return
    if every and ctx.get_parameter_source("limit") is not click.core.ParameterSource.DEFAULT:
        # One or the other, as the README writes them (helper-84: both were taken silently).
        raise click.UsageError("give --limit or --all, not both")
    if db.session.get(Recommendation, recommendation) is None:
        raise click.BadParameter(f"there is no recommendation {recommendation}")
    found = survey_matches(
        _survey(reference),
        [recommendation],
        include_plans=include_plans,
        limit=None if every else limit,
    )
    if form == "json":
        history = given_on(recommendation)
        # The archive's address from BASE_URL, as the API writes it.
        with current_app.test_request_context():
            shown = [{**m.as_dict(), **given_before(m, history)} for m in found]
        click.echo(json.dumps(shown, ensure_ascii=False, indent=2))
        return
    audience = None
    for match in found:
        if match.audience != audience:
            audience = match.audience
            click.echo(f"\n{audience} wants: {' '.join(match.reasons['audience_text'].split())}")
        topics = ", ".join(t["label"] for t in match.reasons["topics"])
        mark = match.reasons["mark"]
        click.echo(
            f"  {match.rank}. {match.presenter}  score {match.score:.2f}  {match.evidence}"
            f" ({match.reasons['evidence']['reason']})"
            + (f"  both about: {topics}" if topics else "")
            + (f"  [co-lead: {mark['label']}]" if mark else "")
        )


def _colead(address: str) -> str:
    """The address of a co-lead's account, as stored; refused (a clear error) otherwise."""
    user = db.session.scalar(
        select(User).where(User.role == "colead", matches_address(User.email, address.strip()))
    )
    if user is None:
        raise click.BadParameter("give the address of a co-lead's account.", param_hint="--by")
    return user.email


@match_command.command("fit")
@click.option("--survey", "reference", help="Label or slug; default: the latest survey.")
@click.option(
    "--adopt", is_flag=True, help="Use the fitted weights from now on, if they do better."
)
@click.option(
    "--by",
    "adopter",
    help="The co-lead who adopts them (their address, recorded with them); needed with --adopt.",
)
@with_appcontext
def fit_command(reference, adopt, adopter):
    """Fit the score's weights to the co-leads' marks, cross-validated by recommendation, and say
    whether the fit ranks held-out recommendations better than the weights in use."""
    if adopt and adopter is None:
        # Weights that change every ranking are adopted by someone the co-leads can ask.
        raise click.UsageError("--adopt needs --by, the address of the co-lead who adopts them.")
    if adopter is not None:
        adopter = _colead(adopter)
    survey = _survey(reference)
    # A mark grades the pair as the survey it was made on described it: fitted against another
    # round's answers, it would teach the weights what that round's features never showed.
    # A mark of no known survey (made before marks recorded theirs) counts, as it always did.
    stored = marks()
    other_rounds = sum(m.survey not in (None, survey.label) for m in stored.values())
    grades = {
        key: MARK_GRADES[mark.verdict]
        for key, mark in stored.items()
        if mark.survey in (None, survey.label)
    }
    if other_rounds:
        click.echo(
            f"{other_rounds} mark(s) made on another survey's answers are left out: they grade "
            f"what that survey said, not {survey.label}'s answers."
        )
    current = weights_in_use()
    pairs = graded_pairs(survey_scorer(survey), grades)
    numbers = {p.recommendation for p in pairs}
    if len(pairs) < MIN_MARKS or len(numbers) < 2:
        raise click.ClickException(
            f"{len(pairs)} marked pair(s) on {len(numbers)} recommendation(s) match this survey's "
            f"presenters; fitting needs at least {MIN_MARKS} on two or more recommendations. "
            "Mark more pairs on the matches pages."
        )
    report = cross_validate(pairs, current)
    if not report.rankings:
        # Every figure would be 0 for want of a ranking, not for ranking badly (helper-231).
        raise click.ClickException(
            f"{report.pairs} marked pairs on {report.recommendations} recommendations, but no "
            "office has two or more marked presenters on one recommendation graded differently "
            "(one useful, another not): a fit is judged on how it orders an office's "
            "presenters, so it cannot be compared with the weights in use; nothing changes. "
            "Mark several presenters for the same offices, as they deserve."
        )
    unscored = ", ".join(f"Rec {number}" for number in report.unscored)
    click.echo(
        f"{report.pairs} marked pairs on {report.recommendations} recommendations; "
        "each recommendation scored by weights fitted on the others, on "
        f"{report.rankings} ranking(s) of an office's marked presenters graded differently"
        + (f" ({unscored}: none such, not scored)" if unscored else "")
        + ":"
    )
    click.echo(f"  fitted:  nDCG@3 {report.fitted[0]:.3f}  P@1 {report.fitted[1]:.2f}")
    click.echo(f"  in use:  nDCG@3 {report.current[0]:.3f}  P@1 {report.current[1]:.2f}")
    for name, value in report.weights.as_dict().items():
        click.echo(f"  {name:<18} {current.as_dict()[name]:>7.3f} -> {value:.3f}")
    if not report.better:
        click.echo("The fit does not beat the weights in use on nDCG@3; nothing changes.")
        return
    worse = (
        f" (P@1 {report.current[1]:.2f} -> {report.fitted[1]:.2f}: lower; weigh that too)"
        if report.fitted[1] < report.current[1]
        else ""
    )
    if not adopt:
        click.echo(
            f"The fit does better on nDCG@3{worse}. Run again with --adopt --by <your co-lead "
            "address> to use it; nothing changes until then."
        )
        return
    adopt_weights(
        report.weights,
        {
            "survey": survey.label,
            "pairs": report.pairs,
            "recommendations": report.recommendations,
            "held_out_fitted": list(report.fitted),
            "held_out_previous": list(report.current),
        },
        adopter,
    )
    db.session.commit()
    click.echo("Adopted: matches and line-ups use the fitted weights from now on.")
