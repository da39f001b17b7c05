"""Forms of the presenter's page (answer, title and abstract) and the co-lead's invitation.

The presenter's forms carry no CSRF token: the page's address holds the secret, which a forged
request from elsewhere cannot know, and the page must work without cookies."""

import hashlib
import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from planner.accounts.security import editor
from planner.addresses import mailbox
from planner.agenda.checks import check_text
from planner.forms import PlannerForm, ZoneField, checked, email_address, refill, time_zone
from planner.languages import PAGE_LANGUAGES, language_name
from planner.presenters.models import Answer, Invitation
from planner.presenters.operations import invite, known_language
from planner.text import same_name


class InviteForm(PlannerForm):
    name = StringField(
        "Presenter's name", validators=[DataRequired("Who presents?"), Length(max=120)]
    )
    email = StringField(
        "Email",
        validators=[
            Optional(),
            email_address(),
            Length(max=254),
        ],
        description="Where the invitation goes; the next page shows you the private link too.",
    )
    time_zone = ZoneField(
        "Presenter's time zone",
        validators=[time_zone()],
        description="A city such as Lima, or a zone; their page shows the slot in it. The "
        "office's zone when empty. Filled in for the one invited now: typing in someone else, "
        "you are asked to check theirs.",
    )
    language = SelectField(
        "Language of their emails",
        choices=[SelectChoice(code, language_name(code)) for code in PAGE_LANGUAGES],
        # Sent without one (a form from before it asked): the language the app knows them by.
        validators=[
            Optional(),
            AnyOf(PAGE_LANGUAGES, f"Choose one of {', '.join(PAGE_LANGUAGES)}."),
        ],
        validate_choice=False,
        description="The invitation, reminders and updates come in it, and their page opens in "
        "it. Chosen for the person filled in (their language as a contact or on the volunteer "
        "form, else English): typing in someone else, you are asked to check theirs.",
    )
    # When the slot's presenter was last invited as the page was filled in ("" for never): a
    # form sent again (Back, another tab) after a newer invitation would end the link just sent.
    invited = HiddenField()
    # Whom the page filled the form in for, and with which zone and language (`filled_in`).
    filled = HiddenField()


def _print(value: str | None) -> str:
    return hashlib.sha256((value or "").encode()).hexdigest()[:12]


def filled_in(form: InviteForm) -> None:
    """Note on the form whom it was filled in for (their address), and the zone and language
    filled in with them, as fingerprints, for `filled_for_someone_else` to tell them from a
    choice."""
    refill(
        form.filled,
        ";".join(
            (
                _print(mailbox(form.email.data or "")),
                _print(form.time_zone.data or ""),
                _print(form.language.data or ""),
            )
        ),
    )


def filled_for_someone_else(form: InviteForm, slot, filled_for: str | None) -> str | None:
    """When the address typed is not the one the form was filled in for (`filled_for`, its
    name: a talk handed to a colleague), the zone and language left as filled in for that
    person are not theirs (helper-240: the colleague was invited in the last presenter's
    language and zone): the form is filled in again with the new person's (the office's zone,
    the language the app knows them by) and what it says is returned, for the co-lead to check
    and send again. None when nothing left as filled in differs from theirs; a field the
    co-lead changed is their choice, and stays. The same name with another address is the same
    person, their address corrected (an invitation that failed on a typo): what was filled in
    for them stays."""
    filled = (form.filled.data or "").split(";")
    if len(filled) != 3 or filled[0] == _print(mailbox(form.email.data or "")):
        return None
    if filled_for is not None and same_name(form.name.data, filled_for):
        return None
    office_zone = slot.office_zone
    theirs = known_language(slot, form.email.data, form.name.data)
    said = []
    zone = form.time_zone.data or None
    if filled[1] == _print(zone) and zone != office_zone:
        form.time_zone.data = office_zone or ""
        said.append("time zone, now the office's" if office_zone else "time zone, now none")
    if filled[2] == _print(form.language.data) and form.language.data != theirs:
        form.language.data = theirs
        said.append(f"language, now {language_name(theirs)}, the one the app knows them by")
    filled_in(form)
    if not said:
        return None
    return (
        f"The form was filled in for {filled_for or 'someone else'}, not for "
        f"{form.name.data.strip() or form.email.data}: check their {' and '.join(said)}, then "
        "send it again. Nothing was sent yet."
    )


def invite_from(form: InviteForm, slot) -> tuple[Invitation, str]:
    """Invite as a validated invite form (the page's or the API's) says, as the co-lead making
    the request: the invitation and the private link's token (`operations.invite`)."""
    return invite(
        slot,
        name=form.name.data,
        email=form.email.data,
        time_zone=(form.time_zone.data or "").strip() or None,
        by=editor(),
        language=form.language.data or None,
    )


class AnswerForm(PlannerForm):
    class Meta:
        csrf = False

    answer = RadioField(
        _l("Your answer"),
        choices=[
            SelectChoice(Answer.confirmed, _l("I confirm: I will present")),
            SelectChoice(Answer.declined, _l("I decline: I cannot present in this slot")),
            SelectChoice(Answer.another_time, _l("I would present, at another time")),
        ],
        validators=[DataRequired(_l("Choose an answer."))],
    )
    note = TextAreaField(
        _l("Reason or times that suit you"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Needed when you decline or ask for another time."),
    )
    # The slot's time as the page showed it (`slot_time`): a confirmation is of that time.
    shown_time = HiddenField()


def slot_time(slot) -> str:
    """A slot's start and length, as a form carries what the page showed."""
    start = slot.starts_at.isoformat() if slot.starts_at else "none"
    return f"{start}/{slot.duration_minutes}"


# What `slot_time` writes: "none" or an ISO start, then "/" and the minutes (ASCII digits
# only: `\d` would take "٢٠٢٧").
_SLOT_TIME = re.compile(r"(?:none|\d{4}-\d{2}-\d{2}T[0-9:.+-]+)/\d{1,4}", re.ASCII)


def is_slot_time(text: str | None) -> bool:
    """Whether `text` is what `slot_time` writes (a form's own, not a garbled one): a start
    that is a time ("9999-99-99T99:99" is none; helper-325: a slot's 409 then said it was moved
    where it had not been)."""
    if not text or not _SLOT_TIME.fullmatch(text):
        return False
    start = text.partition("/")[0]
    try:
        return start == "none" or datetime.fromisoformat(start).tzinfo is not None
    except ValueError:
        return False


class TalkForm(PlannerForm):
    class Meta:
        csrf = False

    title = StringField(
        _l("Title"), validators=[checked(check_text, _l("The slot title"), 200, required=True)]
    )
    abstract = TextAreaField(
        _l("Abstract"),
        validators=[
            checked(lambda v: check_text(v or "", _l("The abstract"), 4000, multiline=True))
        ],
    )
    # What the title and abstract were when the page was filled in (`seen`): a save over a
    # co-lead's later change to either is refused, not a silent overwrite.
    seen = HiddenField()

    def set_seen(self, slot) -> None:
        refill(self.seen, seen(slot))

    def changed_since(self, slot) -> list[str]:
        """The fields someone else changed since the page was filled in (all, if it did not
        say what it was filled in from)."""
        before = (self.seen.data or "").split(":")
        now = seen(slot).split(":")
        if len(before) != len(now):
            return ["title", "abstract"]
        return [
            name for name, a, b in zip(("title", "abstract"), before, now, strict=True) if a != b
        ]


def _digest(text: str | None) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()[:16]


def seen(slot) -> str:
    return f"{_digest(slot.title)}:{_digest(slot.abstract)}"
