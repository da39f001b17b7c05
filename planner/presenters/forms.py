"""Forms of the presenter's page (answer, title and abstract) and the co-lead's invitation.

The presenter's forms carry no CSRF token: the page's address holds the secret, which a forged
request from elsewhere cannot know, and the page must work without cookies."""

from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from planner.agenda.checks import check_text
from planner.forms import PlannerForm, checked
from planner.presenters.models import Answer
from planner.timezones import is_time_zone


def _zone(form, field) -> None:
    if field.data and not is_time_zone(field.data.strip()):
        raise ValidationError(
            f'"{field.data}" is not a time zone name; choose one such as America/Lima.'
        )


class InviteForm(PlannerForm):
    name = StringField(
        "Presenter's name", validators=[DataRequired("Who presents?"), Length(max=120)]
    )
    email = StringField(
        "Email",
        validators=[
            Optional(),
            Email("Give an email address such as ana@example.org."),
            Length(max=254),
        ],
        description="Where the invitation goes; the private link is also shown to you once.",
    )
    time_zone = StringField(
        "Presenter's time zone",
        validators=[Optional(), _zone],
        description="Their page shows the slot in it; the office's zone when empty.",
    )


class AnswerForm(PlannerForm):
    class Meta:
        csrf = False

    answer = RadioField(
        "Your answer",
        choices=[
            SelectChoice(Answer.confirmed, "I confirm: I will present"),
            SelectChoice(Answer.declined, "I decline: I cannot present in this slot"),
            SelectChoice(Answer.another_time, "I would present, at another time"),
        ],
        validators=[DataRequired("Choose an answer.")],
    )
    note = TextAreaField(
        "Reason or times that suit you",
        validators=[Optional(), Length(max=2000)],
        description="Needed when you decline or ask for another time.",
    )


class TalkForm(PlannerForm):
    class Meta:
        csrf = False

    title = StringField(
        "Title", validators=[checked(check_text, "The slot title", 200, required=True)]
    )
    abstract = TextAreaField(
        "Abstract",
        validators=[checked(lambda v: check_text(v or "", "The abstract", 4000, multiline=True))],
    )
