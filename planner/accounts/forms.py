"""Sign-in and password forms."""

from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from planner.forms import PlannerForm

PASSWORD_MIN = 12


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
