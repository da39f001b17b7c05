"""The volunteering form (public), the office's edit form, and the co-lead's status form."""

from collections import OrderedDict
from typing import ClassVar

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from planner.accounts.security import editor
from planner.availability.forms import (
    AVAILABILITY_MAX,
    AvailabilityFields,
    OfficesWindows,
    save_proposal_windows,
)
from planner.forms import PlannerForm, email_address, opened_field, published, version_field
from planner.languages import english_attrs, language_name, page_language, word_list
from planner.mail.messages import taskforce_address
from planner.mail.models import LANGUAGES_WRITTEN
from planner.offices.contacts import language_code
from planner.offices.models import LANGUAGES, typed_code
from planner.offices.operations import find_offices
from planner.proposals.models import MATURITIES, Proposal, ProposalStatus
from planner.proposals.operations import EDITABLE, change_status, submit
from planner.recommendations.operations import all_recommendations

NAME_MAX, TITLE_MAX, ABSTRACT_MAX, REASON_MAX = 120, 150, 2000, 500


def office_not_listed() -> str:
    """What a volunteer whose office is not among those known here does: the co-leads add it
    (helper-252: the Intellectual Property Office of Singapore's volunteer found no word)."""
    if address := taskforce_address():
        return _(
            "Your office is not in the list? Write to the co-leads of the Task Force at "
            "%(address)s: they add it, and you can then choose it here.",
            address=address,
        )
    return _(
        "Your office is not in the list? Ask the co-leads of the Task Force to add it: you can "
        "then choose it here."
    )


class OfficeChoiceField(SelectField):
    """The volunteer's office, one of those known here. A code sent that no office has (through
    the API) is said to be so, with whom to ask, not "Not a valid choice"."""

    def pre_validate(self, form) -> None:
        code = typed_code(self.data)
        if code is None or any(str(c[0]) == code for c in self.iter_choices()):
            super().pre_validate(form)
            return
        if address := taskforce_address():
            raise ValidationError(
                _(
                    "No office with the ST.3 code %(code)s is known here. Write to the co-leads "
                    "of the Task Force at %(address)s: they add it first.",
                    code=code,
                    address=address,
                )
            )
        raise ValidationError(
            _(
                "No office with the ST.3 code %(code)s is known here. Ask the co-leads of the "
                "Task Force to add it first.",
                code=code,
            )
        )


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __iter__(self):
        # Only the group is required: `required` on each box would ask for every one of them.
        for option in super().__iter__():
            option.flags.required = False
            yield option


class ProposalFields(PlannerForm):
    """What an office tells about its presentation (all but which office it is)."""

    # A refusal names a text as a sentence does, as the refusal of a private link in it does
    # ("Le titre ne peut pas contenir …"; its label made it "Titre ne peut pas contenir …").
    called: ClassVar[dict[str, str]] = {"title": _l("The title"), "abstract": _l("The abstract")}

    contact_name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Tell us who you are.")), Length(max=NAME_MAX)],
        description=_l("Up to %(limit)s characters.", limit=NAME_MAX),
    )
    contact_email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("We need an email to reach you.")),
            email_address(),
            Length(max=254),
        ],
        description=_l("Only the Task Force co-leads see it."),
    )
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(_l("Give the presentation a title.")),
            Length(max=TITLE_MAX),
            published(_l("The title")),
        ],
        description=_l("Up to %(limit)s characters.", limit=TITLE_MAX),
    )
    abstract = TextAreaField(
        _l("Abstract"),
        validators=[
            DataRequired(_l("Describe what you would present.")),
            Length(max=ABSTRACT_MAX),
            published(_l("The abstract")),
        ],
        description=_l(
            "What you would show and what others could learn; up to %(limit)s characters.",
            limit=ABSTRACT_MAX,
        ),
    )
    recommendations = CheckboxesField(
        _l("Recommendations"),
        coerce=int,
        validators=[DataRequired(_l("Choose at least one recommendation."))],
        description=_l("One or more."),
    )
    duration_minutes = IntegerField(
        _l("Duration (minutes)"),
        default=20,
        validators=[
            InputRequired(_l("How long would it take?")),
            NumberRange(5, 90, _l("Too long or too short: give 5 to 90 minutes.")),
        ],
        description=_l("Between 5 and 90 minutes, questions included."),
    )
    availability = TextAreaField(
        _l("Availability"),
        default="",
        validators=[Length(max=AVAILABILITY_MAX)],
        description=_l(
            "When you could present, in your office's own time zone, e.g. “Tuesdays and "
            "Thursdays 08:00–11:00”. Up to %(limit)s characters.",
            limit=AVAILABILITY_MAX,
        ),
    )
    maturity = RadioField(
        _l("Maturity"),
        choices=[SelectChoice(key, label) for key, label in MATURITIES.items()],
        validators=[DataRequired(_l("How far along is it?"))],
    )

    def set_recommendations(self, recommendations: list[tuple[int, str]]) -> None:
        self.recommendations.choices = [
            SelectChoice(n, f"Rec {n}: {title}") for n, title in recommendations
        ]


def _emails_language_hint() -> str:
    """The language field's hint, the languages named in the page's ("Spanish, French,
    Portuguese or Russian"; CLDR's list of alternatives in another)."""
    names = [language_name(code) for code in LANGUAGES_WRITTEN]
    written = word_list(names, page_language(), alternatives=True)
    return _(
        "Our automatic emails (your proposal's link and the decision; if you present, the "
        "invitation, reminders and updates) come in %(languages)s when you choose it, otherwise "
        "in English. The co-leads write to you in your language where they can.",
        languages=written,
    )


class ContactChoices(PlannerForm):
    """The volunteer's language and consent to be kept as a contact: asked when they volunteer,
    changed with the proposal until the co-leads decide."""

    language = SelectField(
        _l("Preferred language"),
        choices=[SelectChoice(code, LazyString(language_name, code)) for code in LANGUAGES],
        default="en",
        description=LazyString(_emails_language_hint),
    )
    consent = BooleanField(
        _l("Keep me as a contact of my office for the Task Force (name, email, language)"),
        description=_l(
            "Kept once the co-leads accept your proposal. Only the co-leads see it; they may "
            "write to you about future meetings. Ask them to remove you at any time."
        ),
    )

    def fill_contact(self, proposal) -> None:
        """The choices as the proposal keeps them (a page to edit it, or to compare with)."""
        self.language.data = proposal.contact_language or "en"
        self.consent.data = bool(proposal.contact_consent)


class ProposalEditForm(ProposalFields, AvailabilityFields, ContactChoices):
    """The office editing its proposal, its availability windows too: what it saw is carried
    along, so that two people with the link (or a co-lead deciding meanwhile) never lose a
    change silently."""

    version = version_field()
    opened = opened_field()


class VolunteerForm(OfficesWindows, ProposalFields, AvailabilityFields, ContactChoices):
    # The order the page shows the fields in, which the error summary follows (the fields of the
    # parent forms would otherwise come first, and Office last).
    PAGE_ORDER = (
        "office",
        "contact_name",
        "contact_email",
        "title",
        "recommendations",
        "abstract",
        "duration_minutes",
        "availability",
        "maturity",
        "availability_zone",
        "windows",
        "language",
        "consent",
    )

    office = OfficeChoiceField(
        _l("Office"),
        validators=[DataRequired(_l("Choose your office."))],
        # The API's "pe" or " PE " is PE, as everywhere a code is typed.
        filters=[lambda value: typed_code(value) or value],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        ordered = [self._fields[name] for name in self.PAGE_ORDER]
        rest = [f for name, f in self._fields.items() if name not in self.PAGE_ORDER]
        self._fields = OrderedDict((f.short_name, f) for f in ordered + rest)

    def set_offices(self, offices: list[tuple[str, str]]) -> None:
        # The offices' names are English only: each option says so on a page in another
        # language (the first, "Choose your office", is the page's).
        english = english_attrs()
        self.office.choices = [
            SelectChoice("", _("Choose your office")),
            *[
                SelectChoice(code, f"{code} – {name}", render_kw=dict(english))
                for code, name in offices
            ],
        ]


# A co-lead's decision, in the words of the choice; the value is the status it sets.
DECISIONS = {
    ProposalStatus.accepted: "Accept",
    ProposalStatus.waitlisted: "Put on the waiting list",
    ProposalStatus.declined: "Decline",
    ProposalStatus.submitted: "Set back to submitted (undecided)",
}


class StatusForm(PlannerForm):
    # Nothing chosen to begin with: a save the co-lead did not choose (the current status, as a
    # preselected list showed it) is refused, not sent as a decision.
    status = RadioField(
        "Decision",
        choices=[SelectChoice(status, words) for status, words in DECISIONS.items()],
        validators=[DataRequired("Choose a decision.")],
    )
    reason = TextAreaField(
        "Reason",
        validators=[
            DataRequired("Say why: the history keeps it."),
            Length(max=REASON_MAX),
            # It goes to the volunteer, by email and on their page: no one else's private link.
            published(_l("The reason")),
        ],
        description=f"Kept in the history; up to {REASON_MAX} characters.",
    )
    # The version the co-lead saw: a change based on an older one is refused, not lost.
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])

    def offer(self, current: str) -> None:
        """Show only the decisions that change something: the current status is none (every
        one stays valid to send, so that a page opened before a change meets the version check
        and is told what changed)."""
        self.status.choices = [c for c in self.status.choices if c.value != current]


class ScheduleForm(PlannerForm):
    """An accepted proposal into a meeting: a slot filled from it."""

    meeting = SelectField("Meeting", validators=[DataRequired("Choose a meeting.")])

    def set_meetings(self, meetings) -> None:
        self.meeting.choices = [SelectChoice("", "Choose a meeting")] + [
            SelectChoice(
                str(m.id),
                f"{m.title} ({m.status}, {m.home_day})",
            )
            for m in meetings
        ]


def fill_choices(form) -> None:
    """The recommendations (and, to volunteer, the offices) a form offers, as stored now."""
    form.set_recommendations([(r.number, r.short_title) for r in all_recommendations()])
    if isinstance(form, VolunteerForm):
        form.set_offices([(o.code, o.name) for o in find_offices()])


def form_fields(form: ProposalFields) -> dict:
    """The editable fields of a validated form, as the operations take them: text without the
    spaces around it (a name pasted as "  Élodie Lefèvre " was greeted "Bonjour   Élodie
    Lefèvre ," in every email), as the agenda and the contacts store theirs."""
    fields = {name: getattr(form, name).data for name in EDITABLE}
    return {name: v.strip() if isinstance(v, str) else v for name, v in fields.items()}


def submit_from(form: VolunteerForm) -> tuple[Proposal, str]:
    """Store a validated volunteer form (page or API), with the volunteer's consent to be kept as
    a contact of their office once a co-lead accepts it. Returns the proposal and its private
    link's token."""
    proposal, token = submit(
        form.office.data,
        form_fields(form),
        form.recommendations.data,
        consent=bool(form.consent.data),
        language=language_code(form.language.data),
        mail_sent=bool(current_app.config.get("MAIL_SERVER")),
    )
    save_proposal_windows(form, proposal)
    return proposal, token


def decide_from(form: StatusForm, proposal):
    """Apply a validated status form (page or API) as the co-lead making the request; the
    email telling the volunteer, if one is written."""
    return change_status(
        proposal, form.status.data, form.reason.data, actor=editor(), seen_version=form.version.data
    )
