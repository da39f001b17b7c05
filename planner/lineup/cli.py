"""`flask lineup propose`: the best line-up for the given rules, as JSON or as text."""

import json

import click
from flask.cli import AppGroup

from planner.lineup.forms import BadRules, rules_from
from planner.lineup.operations import propose_lineup
from planner.lineup.report import NEGLIGIBLE, by_best_match
from planner.lineup.rules import (
    DEFAULT_MATURITY_WEIGHT,
    MAX_MATURITY_WEIGHT,
    MAX_SLOTS,
    InfeasibleRules,
)
from planner.survey.operations import SurveyNotFound, find_survey

lineup_cli = AppGroup("lineup", help="Propose workshop line-ups.")


def _option(field: str) -> str:
    """The option that sets a field of the form, to name it in messages."""
    if field == "focus":
        return "--recommendation"
    if field.startswith("extra_"):
        return "--secondary"
    return "--" + field.replace("_", "-")


def _stand_in(presentation: dict) -> str:
    """What the page says beside a presentation's contribution (its slot left empty): who would
    best take its slot, and what the line-up would lose then."""
    stand_in = presentation["stand_in"]
    if not stand_in or presentation["score"] <= NEGLIGIBLE:
        return ""
    if stand_in["loss"] > 0:
        return f" ({stand_in['loss']:.3f} lost with {stand_in['office']} in its place)"
    return f" ({stand_in['office']} would fill its slot at no loss)"


@lineup_cli.command("propose")
@click.option("--recommendation", "focus", type=int, default=10, show_default=True)
@click.option("--slots", type=click.IntRange(1, MAX_SLOTS), default=5, show_default=True)
@click.option("--secondary", multiple=True, metavar="REC:SLOTS", help="e.g. 4:1; repeatable.")
@click.option("--min-small", type=click.IntRange(0, MAX_SLOTS), default=0, show_default=True)
@click.option("--max-per-region", type=click.IntRange(1, MAX_SLOTS), default=None)
@click.option("--include", multiple=True, help="Office code; repeatable or comma-separated.")
@click.option("--exclude", multiple=True, help="Office code; repeatable or comma-separated.")
@click.option(
    "--several-per-office", is_flag=True, help="Allow more than one presentation per office."
)
@click.option("--include-plans", is_flag=True, help="Let offices with only a plan present too.")
@click.option(
    "--maturity-weight",
    type=click.FloatRange(0, MAX_MATURITY_WEIGHT),
    default=DEFAULT_MATURITY_WEIGHT,
    show_default=True,
)
@click.option("--survey", "reference", help="Label or slug; default: the latest survey.")
@click.option("--format", "form", type=click.Choice(["json", "text"]), default="text")
def propose_command(
    focus,
    slots,
    secondary,
    min_small,
    max_per_region,
    include,
    exclude,
    several_per_office,
    include_plans,
    maturity_weight,
    reference,
    form,
):
    """The best line-up under the rules, with its value, bound and alternatives."""
    try:
        # The page's validation, so that the command refuses what the page refuses.
        rules = rules_from(
            {
                "recommendation": focus,
                "slots": slots,
                "secondary": list(secondary),
                "one_per_office": not several_per_office,
                "include": ",".join(include),
                "exclude": ",".join(exclude),
                "min_small": min_small,
                "max_per_region": max_per_region,
                "maturity_weight": maturity_weight,
                "include_plans": include_plans,
            }
        )
    except BadRules as error:
        problems = (
            f"{_option(field)}: {message}"
            for field, messages in error.errors.items()
            for message in messages
        )
        raise click.UsageError("\n".join(problems)) from None
    try:
        survey = find_survey(reference)
        report = propose_lineup(survey, rules)
    except (SurveyNotFound, InfeasibleRules) as error:
        raise click.ClickException(str(error)) from None
    result = report.as_dict()
    if form == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    bound = result["upper_bound"]
    if result["status"] == "optimal":
        verdict = f"optimal to within {result['tolerance']:.2%}"
    elif bound is None:
        verdict = "feasible, not proved optimal (no bound found in time)"
    else:
        verdict = f"feasible, not proved optimal (at most {result['gap']:.1%} below the best)"
    click.echo(
        f"{verdict}: value {result['objective']:.3f}"
        + (f" (bound {bound:.3f})" if bound is not None else "")
        + f", {result['coverage']['share']:.0%} of weighted demand covered"
    )
    for chosen in result["presentations"]:
        click.echo(
            f"  {chosen['office']}  Rec {chosen['recommendation']}  contribution "
            f"{chosen['score']:.3f}{_stand_in(chosen)}  {chosen['evidence']} "
            f"({chosen['evidence_reason']})"
        )
    coverage = result["coverage"]

    not_working = [d for d in coverage["without_working_project"] if d["best"]]
    # As the page says it: grouped by best match, each group once, then its offices; and the
    # working presentations on its recommendation each hears all the same, none of them its
    # best match (once for them all where all hear the same).
    alike, groups = by_best_match(result["presentations"], not_working)
    if groups:
        click.echo("  best match not working yet:")
    for group in groups:
        named = (
            office + (f" (hears a working project all the same: {', '.join(also)})" if also else "")
            for office, also in zip(group.offices, group.hears, strict=True)
        )
        click.echo(
            f"    {group.best} (Rec {group.recommendation}) is {group.evidence}: "
            f"the best match of {', '.join(named)}"
        )
    if alike:
        click.echo(f"    each of them hears a working project all the same: {', '.join(alike)}")
    # An office with no match at all is said once, as left with nothing, as the page says it.
    if coverage["left_out"]:
        left = (f"{d['office']} (Rec {d['recommendation']})" for d in coverage["left_out"])
        click.echo(f"  left with nothing: {', '.join(left)}")
    for number, alternative in enumerate(result["alternatives"], start=2):
        offices = ", ".join(t["office"] for t in alternative["presentations"])
        click.echo(f"  alternative {number}: {offices} (value {alternative['objective']:.3f})")
