"""`flask users ...`: create and delete co-leads, reset their passwords, and make, list and revoke
API tokens."""

import secrets
import shlex
import sys

import click
from flask.cli import AppGroup
from sqlalchemy import func, select, update

from planner.accounts.forms import PASSWORD_MIN, weak_password
from planner.accounts.models import (
    ONE_TIME_PASSWORD_LASTS,
    ROLES,
    TOKEN_DAYS_DEFAULT,
    TOKEN_DAYS_MAX,
    ApiToken,
    User,
    account_by_email,
    digest,
)
from planner.accounts.tokens import (
    WHEN,
    NameTaken,
    free_name,
    how_ended,
    make_token,
    tokens_of,
)
from planner.addresses import mailbox, normal_address
from planner.db_types import utcnow
from planner.errors import PlannerError
from planner.extensions import db
from planner.mail.models import MessageKind, MessageStatus, OutboxMessage
from planner.turns import hold

users_cli = AppGroup("users", help="Co-lead accounts and API tokens.")


def _user(email: str) -> User:
    user = account_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    return user


ONE_TIME = "One-time password (to be changed at first sign-in, within {days} days): {password}"


def _password_problem(password: str, email: str) -> str | None:
    if len(password) < PASSWORD_MIN:
        return f"Use at least {PASSWORD_MIN} characters."
    return weak_password(password, email)


def _at_a_terminal() -> bool:
    return sys.stdin.isatty()


def _typed_password(email: str) -> str:
    """The password for `email`: typed by a person at a terminal, asked twice (it is never shown,
    and a typo would lock them out), and asked again, saying why, when it is refused or the two
    differ; piped in by a script, read once from its first line (helper-229: asked twice, one
    line piped in ended in "Aborted!"), and refused, saying why."""
    if not _at_a_terminal():
        password = sys.stdin.readline().rstrip("\r\n")
        if problem := _password_problem(password, email):
            raise click.ClickException(f"{problem} Nothing was changed.")
        return password
    while True:
        password = click.prompt("Password", hide_input=True)
        if problem := _password_problem(password, email):
            click.echo(f"{problem} Type another one.", err=True)
            continue
        if click.prompt("The same password again", hide_input=True) == password:
            return password
        click.echo("The two passwords typed differ: type it again, twice.", err=True)


def _new_password(user: User, prompt: bool) -> str:
    """Set a password typed at the prompt, or a one-time one to change at first sign-in."""
    password = _typed_password(user.email or "") if prompt else secrets.token_urlsafe(12)
    if user.id is not None:
        # A stored account is held once the password is typed, and its session number counted
        # on as stored then: a password a co-lead chose in their browser meanwhile (another
        # process) kept that browser signed in with the number this wrote again.
        hold(user)
    user.set_password(password, one_time=not prompt)
    return password


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(ROLES), default="colead", show_default=True)
@click.option(
    "--password-prompt",
    is_flag=True,
    help="Set the password now instead of a one-time one: typed twice at a terminal, or the "
    "first line of what a script pipes in.",
)
def create_command(email: str, role: str, password_prompt: bool) -> None:
    """Create an account; prints a one-time password to change at first sign-in."""
    # In the one form every page stores an address in, refused as they refuse one (helper-271:
    # "kim\u200b@example.org" pasted from a chat, "@" or "a b@c" made an account no one could
    # sign in to as the address it printed looked).
    try:
        email = normal_address(email).lower()
    except PlannerError as error:
        # repr writes an invisible character as its escape (\u200b), to be seen.
        raise click.BadParameter(
            f"{email.strip()!r}: {error.message}", param_hint="--email"
        ) from None
    if (taken := account_by_email(email)) is not None:
        from planner.bootstrap import flask_command

        raise click.ClickException(
            f"An account for {taken.email} exists already. To give it a new one-time password: "
            f"{flask_command()} --app app users password --email {shlex.quote(taken.email)}"
        )
    user = User(email=email, role=role)
    password = _new_password(user, password_prompt)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {email}.")
    if not password_prompt:
        click.echo(ONE_TIME.format(password=password, days=ONE_TIME_PASSWORD_LASTS.days))


@users_cli.command("password")
@click.option("--email", required=True)
@click.option(
    "--password-prompt",
    is_flag=True,
    help="Set the password now instead of a one-time one: typed twice at a terminal, or the "
    "first line of what a script pipes in.",
)
def password_command(email: str, password_prompt: bool) -> None:
    """Give an account a new password; every session signed in with the old one ends."""
    user = _user(email)
    password = _new_password(user, password_prompt)
    db.session.commit()
    click.echo(f"New password for {user.email}; every session of the account is signed out.")
    if not password_prompt:
        click.echo(ONE_TIME.format(password=password, days=ONE_TIME_PASSWORD_LASTS.days))
    click.echo("API tokens stay valid; 'flask users revoke-tokens' revokes them.")


@users_cli.command("token")
@click.option("--email", required=True)
@click.option(
    "--name",
    help="What uses it, as the account page lists it (default: “command line”, numbered if "
    "one of that name works already).",
)
@click.option(
    "--days",
    type=click.IntRange(1, TOKEN_DAYS_MAX),
    default=TOKEN_DAYS_DEFAULT,
    show_default=True,
    help=f"How many days it works (at most {TOKEN_DAYS_MAX}).",
)
@click.option("--read-only", is_flag=True, help="It can only read (GET).")
def token_command(email: str, name: str | None, days: int, read_only: bool) -> None:
    """Print a new API token, for 'Authorization: Bearer <token>'. It is shown only once."""
    user = _user(email)
    try:
        if name is None:
            hold(user)
            name = free_name(user, "command line")
        token = make_token(user, name, days=days, read_only=read_only)
    except NameTaken as taken:
        raise click.ClickException(
            f"{user.email} has a working token named “{taken.twin.name}” already, made "
            f"{taken.twin.created_at.strftime(WHEN)}: give this one another --name, or revoke "
            "that one first (on the account page, /account)."
        ) from None
    except PlannerError as error:  # the name, refused as the account page refuses it
        raise click.BadParameter(error.message, param_hint="--name") from None
    db.session.commit()
    made = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token)))
    # Only the token on standard output, for TOKEN=$(flask users token ...); the rest beside it.
    click.echo(token)
    click.echo(
        f"Token “{made.name}” of {user.email}, "
        f"{'read-only' if read_only else 'reading and writing'}, works until "
        f"{made.expires_at.strftime(WHEN)} ({days} {'day' if days == 1 else 'days'}). "
        "It is not shown again.",
        err=True,
    )


@users_cli.command("tokens")
@click.option("--email", help="One account's (default: every account's).")
@click.option("--all", "every", is_flag=True, help="Also those revoked or expired.")
def tokens_command(email: str | None, every: bool) -> None:
    """List the API tokens that work (who can use the API, and how), never the tokens
    themselves."""
    users = [_user(email)] if email else db.session.scalars(select(User).order_by(User.email))
    listed = 0
    for user in users:
        working, ended = tokens_of(user)
        for token in working + (ended if every else []):
            listed += 1
            if token.works:
                until = (
                    f"expires {token.expires_at.strftime(WHEN)}"
                    if token.expires_at
                    else "never expires (made before tokens expired)"
                )
            else:
                until = how_ended(token)
            used = token.last_used_at.strftime(WHEN) if token.last_used_at else "never"
            click.echo(
                f"{user.email}\t{token.name or '(no name)'}\t"
                f"{'read-only' if token.read_only else 'read-write'}\t"
                f"made {token.created_at.strftime(WHEN)}\tlast used {used}\t{until}"
            )
    if not listed:
        click.echo("No API token works." if not every else "No API tokens.", err=True)


@users_cli.command("list")
def list_command() -> None:
    """List the accounts (the co-leads as the planner knows them): when each was made and last
    signed in, whether its one-time password is still to be changed, and its working API
    tokens. What a handover reads before `users create` or `users delete` (helper-255)."""
    users = db.session.scalars(select(User).order_by(User.email)).all()
    for user in users:
        signed_in = (
            f"last signed in {user.last_login_at.strftime(WHEN)}"
            if user.last_login_at
            else "never signed in"
        )
        if not user.must_change_password:
            password = "password chosen"
        elif user.password_set_at is None:
            password = "one-time password, not changed yet"
        else:
            until = (user.password_set_at + ONE_TIME_PASSWORD_LASTS).strftime(WHEN)
            password = (
                f"one-time password expired {until}: 'users password' gives a new one"
                if user.one_time_password_expired
                else f"one-time password, to be changed by {until}"
            )
        working, _ = tokens_of(user)
        click.echo(
            f"{user.email}\t{user.role}\tmade {user.created_at.strftime(WHEN)}\t{signed_in}\t"
            f"{password}\t{len(working)} working API token(s)"
        )
    if not users:
        click.echo("No accounts: 'users create --email ... --role colead' makes one.", err=True)


@users_cli.command("revoke-tokens")
@click.option("--email", required=True)
def revoke_command(email: str) -> None:
    """Revoke every API token of an account."""
    user = _user(email)
    count = 0
    for token in user.tokens:
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            count += 1
    db.session.commit()
    click.echo(f"Revoked {count} token(s) of {user.email}.")


# What the co-leads are written (`planner.mail.messages`), and the statuses of mail not gone.
TO_THE_COLEADS = (MessageKind.answer, MessageKind.proposal)
NOT_GONE = (
    MessageStatus.queued,
    MessageStatus.held,
    MessageStatus.failed,
    MessageStatus.not_sent,
)


@users_cli.command("delete")
@click.option("--email", required=True)
@click.option("--yes", is_flag=True, help="Do not ask first.")
def delete_command(email: str, yes: bool) -> None:
    """Delete an account (a co-lead who left the Task Force): its sessions end and its API
    tokens stop at once, on every instance, and co-leads' emails no longer go to it. What it
    did keeps its address as the one who did it."""
    user = _user(email)
    stops = _what_stops(user)
    if not yes:
        for line in stops:
            click.echo(line)
        click.confirm(f"Delete the account of {user.email} and its API tokens?", abort=True)
    db.session.delete(user)
    # Co-leads' mail to it that has not gone (settling, held, the mail server away) never goes
    # (helper-197): it would still reach the one who left.
    stopped = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.recipient_mailbox == mailbox(user.email),
            OutboxMessage.kind.in_(TO_THE_COLEADS),
            OutboxMessage.status.in_(NOT_GONE),
        )
        .values(
            status=MessageStatus.superseded,
            last_error="not sent: its co-lead's account was deleted before it went.",
        )
    ).rowcount
    db.session.commit()
    unsent = f" {stopped} message(s) to it not sent yet never go." if stopped else ""
    click.echo(f"Deleted {user.email}: its sessions and API tokens no longer work.{unsent}")
    if yes:
        for line in stops:
            click.echo(line)


def _what_stops(user: User) -> list[str]:
    """What deleting `user` stops, said before asking (helper-255: a script's token stopped
    unannounced, and the last co-lead's deletion left presenters' answers to no one)."""
    working, _ = tokens_of(user)
    lines = [
        f"Its working API token “{t.name or t.created_at.strftime(WHEN)}” stops (last used "
        f"{t.last_used_at.strftime(WHEN) if t.last_used_at else 'never'}): a script using it "
        "needs another co-lead's token."
        for t in working
    ]
    others = db.session.scalar(
        select(func.count()).select_from(User).where(User.id != user.id, User.role == "colead")
    )
    if not others:
        lines.append(
            "It is the last co-lead account: until another is made ('users create'), "
            "presenters' answers and new proposals are emailed to no one, and no one can sign "
            "in to plan."
        )
    return lines
