"""`flask survey ...`: import, export and list surveys from the command line."""

from pathlib import Path

import click
from flask.cli import AppGroup

from planner.bootstrap import BUNDLED_ALIASES, BUNDLED_SURVEY, address
from planner.extensions import db
from planner.survey.charsets import CHARSETS
from planner.survey.operations import (
    SurveyConflict,
    SurveyNotFound,
    delete_survey,
    find_survey,
    import_checked,
    import_file,
    list_surveys,
    parse_aliases,
    removal_preview,
    survey_record,
)
from planner.survey.records import SurveyFormatError
from planner.survey.synthetic import render_document, scaled_survey
from planner.survey.tabular import write_csv, write_json

survey_cli = AppGroup("survey", help="Import, export and list surveys.")


def aliases_of(values: tuple[str, ...]) -> dict[str, str]:
    try:
        return parse_aliases(values)
    except SurveyFormatError as error:
        raise click.BadParameter(str(error), param_hint="--alias") from None


@survey_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--label", help="Survey label; default: the document symbol found in the text.")
@click.option(
    "--alias",
    "aliases",
    multiple=True,
    metavar="LABEL=CODE",
    help="Count answers labelled LABEL for respondent CODE, e.g. GE=DE. Repeatable.",
)
@click.option("--replace", is_flag=True, help="Replace a different survey with the same label.")
@click.option(
    "--encoding",
    type=click.Choice(list(CHARSETS), case_sensitive=False),
    help="The character set of a file that is not UTF-8, such as Excel's plain CSV "
    "(windows-1252 in Western Europe and the Americas); refused, the file shows how it reads "
    "in each.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Say what importing the file would do (the survey and its offices as read, a few "
    "answers, the warnings, what a replaced survey's answers, line-ups and marks would "
    "change) and import nothing.",
)
def import_command(
    path: Path,
    label: str | None,
    aliases: tuple[str, ...],
    replace: bool,
    encoding: str | None,
    dry_run: bool,
) -> None:
    """Import a survey: the published text (.txt), or the tabular form (.json, .csv)."""
    read = {
        "label": label,
        "aliases": aliases_of(aliases),
        "replace": replace,
        "encoding": encoding and encoding.lower(),
    }
    try:
        if dry_run:
            checked = import_checked(path.read_bytes(), path.name, **read)
            db.session.rollback()
            click.echo("\n".join(checked.preview.lines()))
            return
        outcome = import_file(path.read_bytes(), path.name, **read)
        db.session.commit()
    except SurveyConflict as error:
        hint = "Use --replace to replace it, or --label to import it under another label."
        if error.source_name == path.name == BUNDLED_SURVEY and not aliases:
            # The same file, read otherwise: the bundled copy is read with its alias.
            hint += (
                " If it is the same document, it was read with --alias the first time: the "
                "bundled CWS/13/26 is imported with --alias "
                + " ".join(f"{k}={v}" for k, v in BUNDLED_ALIASES.items())
                + "."
            )
        raise click.ClickException(f"{path.name}: {error} {hint}") from None
    except SurveyFormatError as error:
        raise click.ClickException(f"{path.name}: {error}") from None
    # The survey's page whole, to click, as first start prints it.
    click.echo(outcome.describe(page=address("survey.detail", slug=outcome.survey.slug)))
    for warning in outcome.warnings:
        click.echo(f"warning: {warning}", err=True)


@survey_cli.command("export")
@click.option("--survey", "reference", help="Label or slug; default: the latest survey.")
@click.option("--format", "form", type=click.Choice(["json", "csv"]), required=True)
def export_command(reference: str | None, form: str) -> None:
    """Write a survey to standard output as JSON or CSV."""
    try:
        record = survey_record(find_survey(reference))
    except SurveyNotFound as error:
        raise click.ClickException(str(error)) from None
    click.echo(write_json(record) if form == "json" else write_csv(record), nl=False)


@survey_cli.command("generate")
@click.option(
    "--offices",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="How many offices answer: at least the survey's own (21 for CWS/13/26).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--survey", "reference", help="Survey to grow; default: the latest survey.")
def generate_command(offices: int, seed: int, reference: str | None) -> None:
    """Write a larger survey in the published layout, for trying the app under load."""
    try:
        base = survey_record(find_survey(reference))
        click.echo(render_document(scaled_survey(base, offices, seed=seed)), nl=False)
    except (SurveyNotFound, ValueError) as error:
        raise click.ClickException(str(error)) from None


@survey_cli.command("delete")
@click.option("--survey", "reference", required=True, help="Label or slug of the survey.")
@click.option("--yes", is_flag=True, help="Do not ask first.")
def delete_command(reference: str, yes: bool) -> None:
    """Delete a survey (a file imported by mistake, a trial): its answers, respondents, warnings
    and saved line-ups; meetings, slots, proposals, contacts and marks stay."""
    try:
        survey = find_survey(reference)
    except SurveyNotFound as error:
        raise click.ClickException(str(error)) from None
    if not yes:
        answers, lineups = removal_preview(survey)
        click.confirm(
            f"Delete {survey.label} ({survey.slug}): {answers} answer(s), "
            f"{len(survey.respondents)} respondent(s) and {lineups} saved line-up(s)?",
            abort=True,
        )
    removal = delete_survey(survey)
    if removal is None:
        raise click.ClickException(f"{reference} was deleted meanwhile, by someone else.")
    db.session.commit()
    click.echo(removal.describe())


@survey_cli.command("list")
def list_command() -> None:
    """List imported surveys, latest first."""
    for survey in list_surveys():
        click.echo(
            f"{survey.slug}\t{survey.label}\t{survey.source_name}\t"
            f"{len(survey.respondents)} respondents"
        )
