"""The forms a co-lead edits an office and its contacts with."""

from wtforms import EmailField, SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from planner.forms import PlannerForm, version_field
from planner.offices.models import LANGUAGES, REGIONS, SIZES
from planner.timezones import is_time_zone

NAME_MAX, CITY_MAX = 200, 100


def _iana_zone(form, field) -> None:
    if field.data and not is_time_zone(field.data.strip()):
        raise ValidationError(
            f'"{field.data}" is not a time zone name. Choose a place name such as '
            "Europe/Madrid or America/Lima (abbreviations like CET or fixed offsets ignore "
            "daylight saving time)."
        )


class OfficeForm(PlannerForm):
    name = StringField(
        "Name",
        validators=[DataRequired("Give the office a name."), Length(max=NAME_MAX)],
        description=f"Up to {NAME_MAX} characters.",
    )
    city = StringField(
        "City",
        validators=[Optional(), Length(max=CITY_MAX)],
        description=f"Where the office sits, up to {CITY_MAX} characters.",
    )
    time_zone = StringField(
        "Time zone",
        validators=[Optional(), _iana_zone],
        description="An IANA time zone such as Australia/Sydney; start typing a city.",
    )
    size = SelectField(
        "Size",
        choices=[SelectChoice("", "not set"), *[SelectChoice(s) for s in SIZES]],
        description="Line-up rules can ask for presentations from smaller offices; matching "
        "favours peers of the same size for offices with limited capacity.",
    )
    region = SelectField(
        "WIPO group",
        choices=[SelectChoice("", "not set"), *[SelectChoice(r) for r in REGIONS]],
        description="WIPO's regional group; line-up rules can limit presentations per group, and "
        "matching favours peers of the same group for offices with limited capacity.",
    )
    version = version_field()


class ContactForm(PlannerForm):
    name = StringField(
        "Name",
        validators=[DataRequired("Give the contact's name."), Length(max=120)],
        description="Up to 120 characters.",
    )
    email = EmailField(
        "Email",
        validators=[
            DataRequired("Give the contact's email address."),
            Email("That does not look like an email address."),
            Length(max=254),
        ],
    )
    role = StringField(
        "Role",
        validators=[Optional(), Length(max=120)],
        description="What they do for the office, e.g. “ICT director” or “focal point for "
        "the survey”; up to 120 characters.",
    )
    language = SelectField(
        "Preferred language",
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
        default="en",
    )
    version = version_field()
