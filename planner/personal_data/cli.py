"""`flask personal-data ...`: what is held about an address, exported or erased at the person's
request, and what is kept no longer than needed cleared at once."""

import json

import click
from flask import current_app
from flask.cli import AppGroup

from planner.addresses import mailbox
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.messages import working_links
from planner.materials.storage import store_of
from planner.personal_data.coleads import ERASED_COLEAD
from planner.personal_data.operations import (
    ERASED_PRESENTER,
    Held,
    erase,
    export,
    held_about,
    in_their_calendar,
    why_not,
)
from planner.personal_data.retention import keep_for, prune
from planner.survey import pending

personal_data_cli = AppGroup(
    "personal-data", help="Export or erase what is held about a person; clear what is kept."
)


def _held(email: str) -> Held:
    if not mailbox(email) or "@" not in email:
        raise click.BadParameter(f"{email!r} is not an email address", param_hint="--email")
    return held_about(email.strip())


@personal_data_cli.command("export")
@click.option("--email", required=True, help="The person's address, in any spelling.")
def export_command(email: str) -> None:
    """Print, as JSON, everything held about an address (to give the person who asks)."""
    held = _held(email)
    click.echo(json.dumps(export(held), ensure_ascii=False, indent=2))
    # Other people's addresses, by the app's rule: to whoever runs it, not in what is handed over.
    if note := _other_presenters(held):
        click.echo(note, err=True)


def _other_presenters(held: Held) -> str | None:
    """What whoever erases is told of the slots' earlier presenters at other addresses, whom the
    app counts as other people by their names (`same_name`): one may be the same person, renamed
    with a word added or taken away ("Elise Dupont", then "Élise Dupont-Martin"), whose data
    erasing this address leaves. It is theirs to decide."""
    if not held.other_presenters:
        return None
    return (
        "Earlier presenters of these slots, at other addresses, still hold data: "
        f"{', '.join(held.other_presenters)}. They were invited under other names, so they count "
        "as other people; if one is this person under a name changed since, export and erase "
        "that address too."
    )


def _summary(held: Held) -> list[str]:
    lines = []
    for contact in held.contacts:
        lines.append(f"contact of {contact.office_code}: {contact.name} (deleted)")
    for proposal in held.proposals:
        lines.append(
            f"proposal #{proposal.id} of {proposal.office_code}, “{proposal.title}” "
            f"({proposal.status}): stays as the office's, without name, address or availability"
        )
    for invitation in held.invitations:
        slot = invitation.slot
        lines.append(
            f"invited to present “{slot.title}” in “{slot.meeting.title}” "
            f"({slot.meeting.home_day}): stays as “presenter removed at their request”, "
            "with its answer; their link, zone, note and hours go"
        )
    for material in held.materials:
        lines.append(f"{material.kind} they added to “{material.slot.title}”: {material.label}")
    if held.messages:
        lines.append(f"{len(held.messages)} message(s) to them in the outbox (deleted)")
    if held.naming:
        lines.append(f"{len(held.naming)} message(s) to the co-leads naming them (deleted)")
    if held.naming_others:
        lines.append(
            f"{len(held.naming_others)} message(s) to others naming them (kept, their name "
            f"replaced by “{ERASED_PRESENTER}”)"
        )
    if held.unsubscriptions:
        kinds = ", ".join(u.kind for u in held.unsubscriptions)
        lines.append(f"unsubscribed from: {kinds} (deleted)")
    if held.as_colead:
        counted: dict[str, int] = {}
        for trace in held.as_colead:
            counted[trace.kept.what] = counted.get(trace.kept.what, 0) + 1
        did = ", ".join(f"{what}: {count}" for what, count in counted.items())
        lines.append(
            f"{len(held.as_colead)} record(s) of what they did as a co-lead ({did}): kept as the "
            f"Task Force's, with their dates, notes and reasons, their address replaced by "
            f"“{ERASED_COLEAD}”"
        )
    return lines


def _theirs(held: Held) -> list[str]:
    """What stays with them, outside the planner, after erasing: erasing writes to no one."""
    lines = []
    slots = in_their_calendar(held, utcnow())
    if slots:
        named = ", ".join(f"“{s.title}” ({s.meeting.home_day})" for s in slots)
        lines.append(
            f"{len(slots)} talk(s) still to come in their calendar, from the planner's emails: "
            f"{named}. They stay there, no longer updated: no cancellation is sent, which would "
            "tell them the talk is called off."
        )
    for office, message in working_links(held.messages):
        lines.append(
            f"{office.code}'s private calendar feed, whose link they were emailed on "
            f"{message.sent_at:%-d %B %Y}: it shows them the office's talks for as long as it "
            f"works. If they should no longer read it, revoke it on {office.code}'s page and "
            "email the new one to its other contacts."
        )
    return lines


@personal_data_cli.command("erase")
@click.option("--email", required=True, help="The person's address, in any spelling.")
@click.option("--yes", is_flag=True, help="Do not ask first.")
def erase_command(email: str, yes: bool) -> None:
    """Erase what is held about a presenter, volunteer or contact at their request: nothing is
    sent to them. Asks first, listing it."""
    held = _held(email)
    if held.nothing:
        click.echo(f"Nothing is held about {email}.")
        return
    if refusal := why_not(held, utcnow()):
        raise click.ClickException(refusal)
    lines, theirs, others = _summary(held), _theirs(held), _other_presenters(held)
    if not yes:
        click.echo(f"Held about {email}:")
        click.echo("\n".join(f"  - {line}" for line in lines))
        if theirs:
            click.echo("Not in the planner, and kept after erasing:")
            click.echo("\n".join(f"  - {line}" for line in theirs))
        if others:
            click.echo(others)
        click.confirm("Erase it? This cannot be undone", abort=True)
    erased = erase(held, utcnow(), lambda m: store_of(m, current_app.config))
    db.session.commit()
    click.echo(
        f"Erased {email}: {erased.contacts} contact(s) and {erased.messages} message(s) "
        f"deleted, {erased.materials} material(s) removed, {erased.proposals} proposal(s) and "
        f"{erased.invitations} invitation(s) kept without their name, address or link"
        + (
            f", {erased.colead_records} record(s) of what they did as a co-lead kept without "
            "their address."
            if erased.colead_records
            else "."
        )
    )
    for line in theirs:
        click.echo(f"Kept outside the planner: {line}")
    if others:
        click.echo(others)


@personal_data_cli.command("prune")
def prune_command() -> None:
    """Clear now what is kept no longer than RETENTION_DAYS (the mail sender does it hourly)."""
    keep = keep_for(current_app.config)
    pruned = prune(utcnow(), keep)
    db.session.commit()
    click.echo(
        f"Cleared the text of {pruned.messages} message(s) and ended {pruned.links} presenter "
        f"link(s) kept over {keep.days} days; deleted {pruned.survey_files} survey file(s) "
        f"kept past their check ({pending.UPLOAD_HOURS} hours) and {pruned.idempotency_keys} "
        "API answer(s) kept for a retry past their day."
    )
