"""`flask users ...`: create and delete co-leads, reset their passwords and issue API tokens."""

import secrets
import shlex

import click
from flask.cli import AppGroup
from sqlalchemy import select, update

from planner.accounts.forms import PASSWORD_MIN, weak_password
from planner.accounts.models import ONE_TIME_PASSWORD_LASTS, ROLES, ApiToken, User
from planner.addresses import mailbox
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.models import MessageKind, MessageStatus, OutboxMessage

users_cli = AppGroup("users", help="Co-lead accounts and API tokens.")


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    return user


ONE_TIME = "One-time password (to be changed at first sign-in, within {days} days): {password}"


def _new_password(user: User, prompt: bool) -> str:
    """Set a password typed at the prompt, or a one-time one to change at first sign-in."""
    if prompt:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        if len(password) < PASSWORD_MIN:
            raise click.ClickException(f"Use at least {PASSWORD_MIN} characters.")
        if weakness := weak_password(password, user.email or ""):
            raise click.ClickException(weakness)
        user.set_password(password)
    else:
        password = secrets.token_urlsafe(12)
        user.set_password(password, one_time=True)
    return password


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(ROLES), default="colead", show_default=True)
@click.option(
    "--password-prompt", is_flag=True, help="Set the password now instead of a one-time one."
)
def create_command(email: str, role: str, password_prompt: bool) -> None:
    """Create an account; prints a one-time password to change at first sign-in."""
    email = email.strip().lower()
    if "@" not in email:
        raise click.BadParameter(f"{email!r} is not an email address", param_hint="--email")
    if db.session.scalar(select(User.id).where(User.email == email)):
        from planner.bootstrap import flask_command

        raise click.ClickException(
            f"An account for {email} exists already. To give it a new one-time password: "
            f"{flask_command()} --app app users password --email {shlex.quote(email)}"
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
    "--password-prompt", is_flag=True, help="Set the password now instead of a one-time one."
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
def token_command(email: str) -> None:
    """Print a new API token, for 'Authorization: Bearer <token>'. It is shown only once."""
    user = _user(email)
    token = ApiToken.issue(user)
    db.session.commit()
    click.echo(token)


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
    if not yes:
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
