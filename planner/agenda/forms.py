"""Forms for meetings, slots and start-time suggestions. Times are typed in the home zone."""

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
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
    Length,
    Optional,
    ValidationError,
)

from planner.agenda.checks import check_minutes, check_text, check_url
from planner.agenda.models import (
    HOME_ZONE,
    MATERIALS_PUBLIC,
    MEETING_KIND_LABELS,
    MEETING_KINDS,
    SLOT_KINDS,
    SLOT_STATUSES,
)
from planner.agenda.suggestions import check_suggest_minutes
from planner.db_types import FIRST_YEAR, LAST_YEAR
from planner.forms import (
    PlannerForm,
    ZoneField,
    checked,
    opened_field,
    published,
    time_zone,
    version_field,
)
from planner.proposals.forms import CheckboxesField


def in_range(form, field) -> None:
    """Dates far in the past or future are typing mistakes (and beyond what time zones know)."""
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(f"Give a date between {FIRST_YEAR} and {LAST_YEAR}.")


# The texts the agenda publishes are checked for a private link's secret once, where they are
# saved (`operations.apply_meeting`, `apply_slot`: the API's way too), which names the field.


class MeetingForm(PlannerForm):
    title = StringField("Title", validators=[checked(check_text, "The title", 200, required=True)])
    kind = SelectField(
        "Kind", choices=[SelectChoice(k, MEETING_KIND_LABELS[k]) for k in MEETING_KINDS]
    )
    recommendation = SelectField(
        "Recommendation",
        choices=[],
        validators=[Optional()],
        description="The one a workshop is on: its agenda and archive say so, and once it has "
        "taken place a new line-up starts from another. None for a general meeting.",
    )
    day = DateField("Date", validators=[Optional(), in_range], description="In the home time zone.")
    start = TimeField("Start", validators=[Optional()], description="In the home time zone.")
    duration_minutes = IntegerField(
        "Duration (minutes)",
        validators=[Optional(), checked(check_minutes, "The duration")],
        description="Empty: the meeting ends with its last slot. A length typed here is pinned.",
    )
    follow_slots = BooleanField(
        "Follow the slots", description="Unpin the length: the meeting ends with its last slot."
    )
    time_zone = ZoneField(
        "Home time zone",
        default=HOME_ZONE,
        validators=[time_zone(required=True)],
        description=f"A city such as Geneva, or an IANA name such as {HOME_ZONE}.",
    )
    video_url = URLField("Video link", validators=[Optional(), checked(check_url)])
    description = TextAreaField(
        "Description",
        validators=[
            checked(lambda v: check_text(v or "", "The description", 5000, multiline=True))
        ],
    )
    series = SelectField(
        "Series",
        choices=[],
        validators=[Optional()],
        description="Meetings in a series rotate their start times fairly.",
    )
    new_series = StringField(
        "Or a new series", validators=[Optional(), Length(max=200), published("The series")]
    )
    freeze_on = DateField(
        "Programme freeze",
        validators=[Optional(), in_range],
        description="Presenters may change their title and abstract until this day (home "
        "zone); empty: until the meeting.",
    )
    materials_public = SelectField(
        "Slides and recordings are public",
        choices=[SelectChoice(k, label) for k, label in MATERIALS_PUBLIC.items()],
        default="after",
        description="Co-leads and each slot's presenter always see them.",
    )
    version = version_field()
    opened = opened_field()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if bool(self.day.data) != bool(self.start.data) and not (
            self.day.errors or self.start.errors
        ):
            self.start.errors.append("Give both the date and the start time, or neither.")
            return False
        return valid


class SlotForm(PlannerForm):
    # "Slot ...": the meeting's editor shows this form by the meeting's own, whose "Title",
    # "Kind" and "Duration (minutes)" speech control ("click Title") would find twice.
    title = StringField(
        "Slot title", validators=[checked(check_text, "The slot title", 200, required=True)]
    )
    kind = SelectField("Slot kind", choices=[SelectChoice(k) for k in SLOT_KINDS])
    duration_minutes = IntegerField(
        "Slot duration (minutes)",
        default=20,
        validators=[checked(check_minutes, "The slot duration")],
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
    abstract = TextAreaField(
        "Abstract",
        validators=[checked(lambda v: check_text(v or "", "The abstract", 4000, multiline=True))],
    )
    # The home zone the page showed, which its fixed start is typed in: the meeting's may have
    # changed since (another co-lead, another tab), and the time is read where it was meant.
    start_zone = HiddenField()
    # The slot's start and length as the page showed them (`slot_time`): a save refused because
    # the slots before it moved it says so (`slot_views._moved_meanwhile`).
    shown_time = HiddenField()
    version = version_field()
    opened = opened_field()
    # Why the fixed start, typed in the zone the page showed, names no moment there (a time the
    # clocks skip or repeat): set by the view, which reads it so (`slot_views`).
    start_refused: str | None = None

    def validate_start(self, field) -> None:
        if self.start_refused:
            raise ValidationError(self.start_refused)


class SuggestForm(PlannerForm):
    class Meta:
        csrf = False  # a GET form: it only reads

    offices = CheckboxesField("Participating offices", validators=[Optional()])
    # DataRequired, not InputRequired: on the first visit the defaults stand in for input.
    duration_minutes = IntegerField(
        "Duration (minutes)", validators=[checked(check_suggest_minutes)]
    )
    first = DateField("From", validators=[DataRequired("From which day?"), in_range])
    last = DateField("To", validators=[DataRequired("Until which day?"), in_range])
