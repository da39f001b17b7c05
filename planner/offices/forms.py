"""The forms a co-lead edits an office and its contacts with."""

from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from planner.forms import (
    PlannerForm,
    ZoneField,
    email_address,
    opened_field,
    published,
    time_zone,
    version_field,
)
from planner.offices.groups import REGIONS
from planner.offices.models import LANGUAGES, SIZES, typed_code

NAME_MAX, CITY_MAX = 200, 100


class OfficeFields(PlannerForm):
    """What a co-lead says of an office, new or known."""

    name = StringField(
        "Name",
        validators=[
            DataRequired("Give the office a name."),
            Length(max=NAME_MAX),
            published("The name"),
        ],
        description=f"Up to {NAME_MAX} characters.",
    )
    city = StringField(
        "City",
        validators=[Optional(), Length(max=CITY_MAX), published("The city")],
        description=f"Where the office sits, up to {CITY_MAX} characters.",
    )
    time_zone = ZoneField(
        "Time zone",
        validators=[time_zone()],
        description="A city or country such as Canberra, or an IANA zone such as Australia/Sydney.",
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


class OfficeForm(OfficeFields):
    version = version_field()
    opened = opened_field()


def _st3_code(form, field) -> None:
    code = typed_code(field.data)
    if code is None:
        raise StopValidation(
            "Write the office's ST.3 code: two letters, such as SG for Singapore or AP for ARIPO."
        )
    field.data = code


class NewOfficeForm(OfficeFields):
    """An office not known here yet (one that answered no survey imported here)."""

    code = StringField(
        "ST.3 code",
        validators=[DataRequired("Give the office's ST.3 code, such as SG."), _st3_code],
        description="Two letters, as WIPO Standard ST.3 writes them: the country's code for a "
        "national office (SG), the organisation's for a regional one (AP for ARIPO, OA for "
        "OAPI, EA for the Eurasian Patent Office, GC for the GCC Patent Office).",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The code first, as the page shows it (and its error summary follows).
        self._fields.move_to_end("code", last=False)


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
            email_address(),
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
    opened = opened_field()
