"""Forms for meetings, slots and start-time suggestions. Times are typed in the home zone."""

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from planner.agenda.checks import FIRST_YEAR, LAST_YEAR, MAX_MINUTES
from planner.agenda.models import (
    HOME_ZONE,
    MEETING_KIND_LABELS,
    MEETING_KINDS,
    SLOT_KINDS,
    SLOT_STATUSES,
)
from planner.proposals.forms import CheckboxesField


def in_range(form, field) -> None:
    """Dates far in the past or future are typing mistakes (and beyond what time zones know)."""
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(f"Give a date between {FIRST_YEAR} and {LAST_YEAR}.")


class MeetingForm(FlaskForm):
    title = StringField(
        "Title", validators=[DataRequired("Give the meeting a title."), Length(max=200)]
    )
    kind = SelectField(
        "Kind", choices=[SelectChoice(k, MEETING_KIND_LABELS[k]) for k in MEETING_KINDS]
    )
    day = DateField("Date", validators=[Optional(), in_range], description="In the home time zone.")
    start = TimeField("Start", validators=[Optional()], description="In the home time zone.")
    duration_minutes = IntegerField(
        "Duration (minutes)",
        default=120,
        validators=[
            InputRequired("How long is the meeting?"),
            NumberRange(1, MAX_MINUTES, f"Between 1 and {MAX_MINUTES} minutes."),
        ],
    )
    time_zone = StringField(
        "Home time zone",
        default=HOME_ZONE,
        validators=[DataRequired("Choose the meeting's home time zone.")],
        description=f"IANA name, e.g. {HOME_ZONE}; start typing a city.",
    )
    video_url = URLField("Video link", validators=[Optional(), Length(max=500)])
    description = TextAreaField("Description", validators=[Length(max=5000)])
    series = SelectField(
        "Series",
        choices=[],
        validators=[Optional()],
        description="Meetings in a series rotate their start times fairly.",
    )
    new_series = StringField("Or a new series", validators=[Optional(), Length(max=200)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if bool(self.day.data) != bool(self.start.data) and not (
            self.day.errors or self.start.errors
        ):
            self.start.errors.append("Give both the date and the start time, or neither.")
            return False
        return valid


class SlotForm(FlaskForm):
    title = StringField(
        "Title", validators=[DataRequired("Give the slot a title."), Length(max=200)]
    )
    kind = SelectField("Kind", choices=[SelectChoice(k) for k in SLOT_KINDS])
    duration_minutes = IntegerField(
        "Duration (minutes)",
        default=20,
        validators=[
            InputRequired("How long is the slot?"),
            NumberRange(1, MAX_MINUTES, f"Between 1 and {MAX_MINUTES} minutes."),
        ],
    )
    start = TimeField(
        "Fixed start",
        validators=[Optional()],
        description="Leave empty to follow the slot before; or pin it to a time (home zone).",
    )
    office = SelectField("Presenting office", choices=[], validators=[Optional()])
    recommendations = CheckboxesField("Recommendations", coerce=int, validators=[Optional()])
    proposal = SelectField("Linked proposal", choices=[], validators=[Optional()])
    status = SelectField("Status", choices=[SelectChoice(s) for s in SLOT_STATUSES])
    abstract = TextAreaField("Abstract", validators=[Length(max=4000)])


class SuggestForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it only reads

    offices = CheckboxesField("Participating offices", validators=[Optional()])
    # DataRequired, not InputRequired: on the first visit the defaults stand in for input.
    duration_minutes = IntegerField(
        "Duration (minutes)",
        validators=[DataRequired("How long is the meeting?"), NumberRange(15, MAX_MINUTES)],
    )
    first = DateField("From", validators=[DataRequired("From which day?"), in_range])
    last = DateField("To", validators=[DataRequired("Until which day?"), in_range])
