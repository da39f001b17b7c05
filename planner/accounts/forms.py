"""Sign-in, password and API token forms."""

import re
from collections.abc import Callable

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from planner.accounts.models import TOKEN_DAYS, TOKEN_DAYS_DEFAULT, TOKEN_NAME_MAX
from planner.accounts.tokens import check_token_name
from planner.forms import PlannerForm, checked

PASSWORD_MIN = 12
# zxcvbn's scores run 0 (guessed at once) to 4; 3 is "safely unguessable" against an attacker
# who has stolen the hashes and guesses offline (about 10^10 guesses).
PASSWORD_SCORE = 3
# zxcvbn reads at most this much (its own limit): the rest of a longer password only adds.
_ZXCVBN_LENGTH = 72


def weak_password(password: str, email: str = "") -> str | None:
    """Why a password is too easy to guess (common words, repeats, keyboard rows, dates, the
    account's own address), as zxcvbn judges it; None when it is strong enough."""
    from zxcvbn import zxcvbn

    # The address, or a word of its part before the @ ("ana" of ana.silva@…) as a word of the
    # password: "banana split" holds the letters, not the name.
    names = {w for w in re.split(r"[\W_]+", email.partition("@")[0].casefold()) if len(w) >= 3}
    words = set(re.split(r"[\W_\d]+", password.casefold()))
    if email and email.casefold() in password.casefold():
        return "This password is too easy to guess: it contains your email address."
    if found := sorted(names & words):
        # Said as it is: a name from the address, not the address (helper-150).
        return (
            f"This password is too easy to guess: it contains “{found[0]}”, a name in your "
            "email address."
        )
    found = zxcvbn(password[:_ZXCVBN_LENGTH], user_inputs=[email, *email.split("@")])
    if found["score"] >= PASSWORD_SCORE:
        return None
    advice = [found["feedback"]["warning"], *found["feedback"]["suggestions"]]
    said = " ".join(a.rstrip(".") + "." for a in advice if a)
    return "This password is too easy to guess. " + (said or "Add more words or characters.")


class LoginForm(PlannerForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email."), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])


PASSWORD_MAX = 200


class PasswordForm(PlannerForm):
    current = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password.")]
    )
    new = PasswordField(
        "New password",
        validators=[
            DataRequired("Choose a new password."),
            Length(min=PASSWORD_MIN, message=f"Use at least {PASSWORD_MIN} characters."),
            Length(max=PASSWORD_MAX, message=f"Use at most {PASSWORD_MAX} characters."),
        ],
        description=f"From {PASSWORD_MIN} to {PASSWORD_MAX} characters.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[
            DataRequired("Repeat the new password."),
            EqualTo("new", "The two new passwords differ."),
        ],
    )


def _expiry(days: int) -> str:
    return "in a year (365 days)" if days == 365 else f"in {days} days"


def _token_name() -> Callable:
    """The token's name checked as the command line checks it (`check_token_name`), the field
    marked required and as long as a name may be, as a browser shows it."""
    validator = checked(check_token_name)
    validator.field_flags = {"required": True, "maxlength": TOKEN_NAME_MAX}
    return validator


class TokenForm(PlannerForm):
    """A new API token on the account page (`planner.accounts.tokens.make_token`)."""

    name = StringField(
        "Name",
        validators=[_token_name()],
        description="What uses it, such as “laptop script” or “CI export job”: your list of "
        "tokens names it so.",
    )
    days = SelectField(
        "Expires",
        choices=[SelectChoice(days, _expiry(days)) for days in TOKEN_DAYS],
        coerce=int,
        default=TOKEN_DAYS_DEFAULT,
        description="After that the API refuses it, saying it expired; make a new one then.",
    )
    read_only = BooleanField(
        "Read only",
        description="It can only read (GET): a script that only fetches matches, meetings or "
        "proposals cannot change anything with it, whoever gets hold of it.",
    )
