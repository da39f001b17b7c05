"""The base of every form: what a person types is text, and every text field refuses NUL and
control characters (line breaks only in fields of several lines), with the same words as the
domain checks and the JSON API (`planner.text`)."""

from collections.abc import Callable
from datetime import datetime, time
from hashlib import sha256
from typing import ClassVar

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import (
    FieldList,
    FileField,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectFieldBase
from wtforms.validators import NumberRange, Optional, StopValidation
from wtforms.widgets import HiddenInput, ListWidget

from planner.addresses import normal_address
from planner.errors import PlannerError
from planner.languages import page_language, semicolons, sentences, zone_field_here
from planner.private_links import holds_a_secret, names_a_secret
from planner.text import blank, line_breaks, refusal, shorten
from planner.timezones import ZoneError, pick_zone
from planner.versioning import CLASHED, RACED, check_version


def checked(check: Callable, *args, **kwargs) -> Callable:
    """A form validator that is the domain's own check: the page says what the API says."""

    def validator(form, field) -> None:
        # What could not even be read ("abc" for a number) is checked as missing: the domain's
        # words replace the form library's.
        value = None if field.process_errors else field.data
        try:
            check(value, *args, **kwargs)
        except PlannerError as error:
            field.errors.clear()
            raise StopValidation(error.message) from None

    return validator


def time_zone(required: bool = False) -> Callable:
    """A validator for a time-zone field: a zone, city or country ("Lima", "Ginebra") becomes the
    zone it names; text fitting several zones is refused with the list to choose from."""

    def validator(form, field) -> None:
        text = (field.data or "").strip()
        if not text:
            field.data = ""
            if required:
                raise StopValidation(_("Give a time zone: a city such as Lima will do."))
            return
        try:
            # The zone the form came filled in with, from the item (`obj`): one this machine
            # does not know is said to be that, not a name nobody knows.
            stored = field.object_data if isinstance(field.object_data, str) else None
            field.data = pick_zone(text, stored)
        except ZoneError as error:
            field.errors.clear()
            raise StopValidation(error.message) from None

    return validator


class ZoneField(StringField):
    """A time-zone field (with the `time_zone` validator): typed as a city, a country or a zone's
    id, kept as the id, and shown by its place in the page's language ("Kathmandu, Nepal"), as
    the list to choose from offers it (helper-230: it showed "Asia/Kathmandu"). Text that names
    no zone is shown as typed."""

    def _value(self) -> str:
        return zone_field_here(self.data) if isinstance(self.data, str) else super()._value()


def email_address() -> Callable:
    """A validator for an email field, after DataRequired or Optional: the address is kept in
    its one normal form (`planner.addresses`: `Eva@EXÄMPLE.org` and `eva@xn--exmple-cua.org`
    are `…@exämple.org`), and refused with the same words on every page and in the API."""

    def validator(form, field) -> None:
        if not isinstance(field.data, str) or not field.data.strip():
            return  # DataRequired or Optional has had its say
        try:
            field.data = normal_address(field.data)
        except PlannerError as error:
            field.errors.clear()
            raise StopValidation(error.message) from None

    return validator


def published(what: str) -> Callable:
    """A validator for a text everyone is shown (an accepted proposal's title and abstract, a
    recommendation's wording, an office's name): the secret of a private link in it is refused,
    as the link fields refuse the link (`check_published_text` is the agenda's)."""

    def validator(form, field) -> None:
        # Not a text refused already (too long: the work of reading it grows with it).
        if not field.errors and isinstance(field.data, str) and names_a_secret(field.data):
            raise StopValidation(holds_a_secret(str(what)))

    return validator


def _leaves(fields):
    """Every field of a form, the rows of a list of subforms (availability windows) included."""
    for field in fields:
        if isinstance(field, FieldList):
            yield from _leaves(field.entries)
        elif isinstance(field, FormField):
            yield from _leaves(field.form)
        else:
            yield field


def _number_in_other_digits(field) -> bool:
    """Whether a field that is not free text (a number, a choice, a date, a time) without other
    errors was sent with digits other than 0–9, or with the underscores Python writes between
    digits ("1_0"), both of which int() reads."""
    if isinstance(field, StringField) or field.errors:
        return False
    return any(
        isinstance(raw, str)
        and any((ch.isdigit() and not ch.isascii()) or ch == "_" for ch in raw)
        and not _a_choice(field, raw)
        for raw in field.raw_data or ()
    )


def _a_choice(field, raw: str) -> bool:
    """Whether `raw` is one of the field's choices as they are (a value may hold "_")."""
    return isinstance(field, SelectFieldBase) and any(
        str(choice[0]) == raw for choice in field.iter_choices()
    )


# The form library's words for a choice it cannot take (in its own catalogue, not ours).
_VAGUE = (
    "Not a valid choice.",
    "Invalid Choice: could not coerce.",
    "Invalid choice(s): one or more data inputs could not be coerced.",
)


def _name_the_choices(field) -> None:
    """The form library's "Not a valid choice." says which values there are, when they are few
    (the API sends values, not clicks: "maturity" is idea, pilot or production)."""
    if not isinstance(field, SelectFieldBase):
        return
    # As the form library says them in the page's language (its own catalogue's words).
    vague = {field.gettext(said) for said in _VAGUE}
    if not vague & {str(e) for e in field.errors}:
        return
    values = [str(choice[0]) for choice in field.iter_choices() if str(choice[0])]
    named = field.gettext(_VAGUE[0])
    if len(values) == 1:
        named = _("Not a valid choice: choose %(value)s.", value=values[0])
    elif 1 < len(values) <= 12:
        named = _(
            "Not a valid choice: choose %(values)s or %(last)s.",
            values=", ".join(values[:-1]),
            last=values[-1],
        )
    field.errors = [named if str(e) in vague else e for e in field.errors]


# What the form library says of a value it cannot read, and what the planner says instead.
UNREAD = {
    "Not a valid integer value.": _l("Write a whole number with the digits 0 to 9, such as 20."),
    "Not a valid float value.": _l("Write a number with the digits 0 to 9, such as 1.5."),
    "Not a valid decimal value.": _l("Write a number with the digits 0 to 9, such as 1.5."),
    "Not a valid date value.": _l("Give a date such as 2027-03-09."),
    "Not a valid time value.": _l("Give a time such as 09:30, on the 24-hour clock."),
    "Not a valid datetime value.": _l("Give a date and a time such as 2027-03-09 09:30."),
}


class PlannerForm(FlaskForm):
    # What messages call a field whose label does not name it ("Or a link"): {name: words}.
    called: ClassVar[dict[str, str]] = {}

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            """A file reaches a file field only: one sent under a text field's name (a script's
            `-F label=@file`) was that field's value, and its checks, which read text, a 500
            (helper-234). A browser sends a file under no other name."""
            wrapped = super().wrap_formdata(form, formdata)
            if not isinstance(wrapped, CombinedMultiDict):
                return wrapped
            takes_files = {field.name for field in form if isinstance(field, FileField)}
            files = [(n, f) for n, f in request.files.items(multi=True) if n in takes_files]
            return CombinedMultiDict((MultiDict(files), request.form))

    def validate(self, extra_validators=None) -> bool:
        for field in self:
            if isinstance(field, TextAreaField) and isinstance(field.data, str):
                field.data = line_breaks(field.data)
            if (
                isinstance(field, StringField)
                and not isinstance(field, PasswordField)
                and isinstance(field.data, str)
                and blank(field.data)
            ):
                # Nothing that shows (a zero-width space alone) is nothing: a required field
                # says so, an optional one is stored empty.
                field.data = ""
            if isinstance(field, SelectField) and isinstance(field.data, str):
                # A choice of only blanks (" ", a tab, a no-break space) is no choice: `Optional`
                # lets it through as such, so it must not reach the view as " ".
                field.data = field.data.strip() and field.data
        valid = super().validate(extra_validators)
        for leaf in _leaves(self):
            _name_the_choices(leaf)
            unread = list(leaf.process_errors)
            if unread and all(e in leaf.errors for e in unread):
                # A value that could not be read ("5.5" for a whole number) is said to be so,
                # once: not also out of a range it never entered (helper-87: two messages that
                # contradicted each other), and in words that say what to write (helper-89: the
                # form library's "Not a valid integer value."). A domain check that put its own
                # words is left be.
                # The library says it in the page's language: its words are looked up so.
                said = {leaf.gettext(words): ours for words, ours in UNREAD.items()}
                leaf.errors = [str(said.get(str(e), e)) for e in unread]
            if _number_in_other_digits(leaf):
                # int() reads "５" and "٣" too: one spelling of a number, as the API has it.
                leaf.errors = [*leaf.errors, _("Write the number with the digits 0 to 9.")]
                valid = False
        for field in self:
            if not isinstance(field, StringField) or isinstance(field, PasswordField):
                continue
            if not isinstance(field.data, str) or not field.data or field.errors:
                continue  # a field with an error says it once (a domain check says this too)
            problem = refusal(
                field.data,
                self.called.get(field.short_name, field.label.text),
                multiline=isinstance(field, TextAreaField),
            )
            if problem:
                field.errors = [*field.errors, problem]
                valid = False
        return valid


def error_target(field) -> str:
    """The id of the control the error summary's link for `field` moves to: the field itself,
    or the first box of a group of boxes, or the first control with an error in a list of
    rows (helper-89: links to a group's <ul> or <fieldset> moved focus nowhere)."""
    if isinstance(field, FieldList):
        for entry in field.entries:
            for sub in entry.form if isinstance(entry, FormField) else (entry,):
                if sub.errors:
                    return error_target(sub)
        return error_target(field.entries[0]) if field.entries else field.id
    if isinstance(field, FormField):
        return error_target(next(iter(field.form)))
    if isinstance(field.widget, ListWidget):
        return f"{field.id}-0"
    return field.id


def version_field() -> IntegerField:
    """The version of the item the form was filled in from, carried along to the save."""
    return IntegerField(widget=HiddenInput(), validators=[Optional(), NumberRange(1, 2**31 - 1)])


def opened_field() -> HiddenField:
    """What the form showed when it was opened, field by field (`opened_of`): on a save that
    someone else's came before, what they changed is told apart from what the person typed."""
    return HiddenField()


# Fields that carry the form's own state, not the item's.
_OWN = ("csrf_token", "version", "opened", "overnight_kept", "start_zone", "shown_time")


def _compared(form: FlaskForm) -> list:
    # Rows of fields (FieldList) have no one value to show or compare.
    return [f for f in form if f.name not in _OWN and not isinstance(f, FieldList)]


def _said(field, value) -> str:
    """A field's value in a sentence, as the field shows it: a zone by its place ("New York,
    United States"), as its field and list do, not by the id it is stored as."""
    if isinstance(field, ZoneField) and isinstance(value, str) and value:
        return zone_field_here(value)
    return _shown(value)


def _fingerprint(value) -> str:
    return sha256(_shown(value, limit=None).encode()).hexdigest()[:12]


def _fingerprints(form: FlaskForm) -> str:
    return ";".join(f"{f.name}={_fingerprint(f.data)}" for f in _compared(form))


def opened_of(form: FlaskForm) -> str:
    """The `opened` field's value for the page: what was sent back, or (a form just filled in
    from the item) a fingerprint of each field as shown. A fingerprint, not the text: the
    page carries no second copy of what it shows."""
    if "opened" not in form:
        return ""
    return form.opened.data or _fingerprints(form)


def _opened(form: FlaskForm) -> dict[str, str] | None:
    if "opened" not in form or not form.opened.data:
        return None
    pairs = (pair.partition("=") for pair in form.opened.data.split(";"))
    return {name: value for name, sep, value in pairs if sep}


def changed_by_sender(form: FlaskForm, *names: str) -> bool:
    """Whether the person changed any of these fields from what their form showed when it was
    opened (`opened`); False for a post that does not say (a script's)."""
    opened = _opened(form)
    return opened is not None and any(
        name in opened and _fingerprint(form[name].data) != opened[name] for name in names
    )


def _take(field, value) -> None:
    """`field` shows `value` (the stored one), not what was sent."""
    field.data = value
    field.raw_data = []


def stale(
    form: FlaskForm, stored: FlaskForm, item, what: str, unseen: str | None = None
) -> str | None:
    """Why saving `form` is refused: `item` changed since the form was filled in (its version
    moved on). None when the form is up to date. `unseen`: a sentence saying what changed
    that the form does not show (a slot moved by the slots before it), said in place of "none
    of the fields here was changed".

    With what the form showed when opened (`opened`), each field is one of three: changed by
    no one else (not mentioned, the person's input stays); changed by someone else and not by
    the person (the stored value is taken into the form, and named); changed by both (the
    person's input stays, and both values are named: saving again replaces the other's on
    purpose). Without it, every field where the stored item differs is named (helper-82: a
    field only the person changed was listed as "now" the old value, and a field only the
    other changed kept the person's stale value, which saving again put back). The form now
    carries the current version and fingerprints.
    """
    # A post without the field at all (a script's, as a JSON PATCH without a version) is
    # checked against nothing: WTForms fills it from the item. A browser always sends it.
    seen = form.version.data
    if seen == item.version:
        return None
    if seen is None:
        # "office PE", not "office pe"; another language's words as they are ("Ваше предложение").
        named = what[:1].lower() + what[1:] if page_language() == "en" else what
        problem = _(
            "This form did not say which version of %(what)s it was filled in from.", what=named
        )
    else:
        try:
            check_version(item, seen, what)
            return None
        except PlannerError as error:
            problem = error.message
    opened = _opened(form)
    taken, both = [], []
    for field in _compared(form):
        if field.name not in stored:
            continue
        now, mine = stored[field.name].data, field.data
        if _shown(now, limit=None) == _shown(mine, limit=None):
            continue
        was = None if opened is None else opened.get(field.name)
        if was is not None and _fingerprint(now) == was:
            continue  # only the person changed it
        if was is not None and _fingerprint(mine) == was:
            _take(field, now)
            taken.append(
                _("%(field)s is now “%(now)s”", field=field.label.text, now=_said(field, now))
            )
        else:
            both.append(
                _(
                    "%(field)s is now “%(now)s”, yours “%(mine)s”",
                    field=field.label.text,
                    now=_said(field, now),
                    mine=_said(field, mine),
                )
            )
    carry_version(form, item)
    if "opened" in form:
        refill(form.opened, _fingerprints(stored))
    if opened is None:
        if both:
            stored_now = _(
                "Stored now, where it differs from yours: %(changes)s.", changes=semicolons(both)
            )
            problem = sentences(problem, stored_now)
        return problem
    if taken:
        problem = sentences(
            problem, _("Their change is now in the form: %(changes)s.", changes=semicolons(taken))
        )
    if both:
        problem = sentences(
            problem,
            _(
                "You both changed: %(changes)s (yours is kept: saving again replaces theirs).",
                changes=semicolons(both),
            ),
        )
    if unseen:
        problem = sentences(problem, unseen)
    elif not (taken or both):
        # A meeting's slots moved or added, say (helper-236: the refusal named nothing, and the
        # co-lead looked in vain for what had changed).
        problem = sentences(
            problem,
            _(
                "None of the fields here was changed meanwhile: the change was to something "
                "this form does not show."
            ),
        )
    return sentences(problem, _("Nothing of yours is lost: check the form and save again."))


def carry_version(form: FlaskForm, item) -> None:
    """The form comes back carrying `item`'s version now: sent again, having looked, it is not
    refused again."""
    refill(form.version, item.version)


def refill(field, value) -> None:
    """A field shown again with `value`, not with what was sent (which a field renders unless
    told otherwise): what a form carries of the state it was filled in from."""
    field.data = value
    field.raw_data = [str(value)]


def lost_race(save: Callable[[], object]) -> str | None:
    """Run `save` and write its changes now, inside the view: None once written. If another
    save won at the same moment, between this request's checks (`stale`, a uniqueness check)
    and its write, the database notices (the item's version moved on, or a uniqueness rule):
    the session is rolled back, the item reads as the other save left it, and the answer is
    what to tell the person (`RACED` or `CLASHED`), for the page to show the form again with
    what was typed. Noticed at the request's commit, the race was a bare 409 page that
    dropped the typing (helper-79)."""
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm.exc import StaleDataError

    from planner.extensions import db

    try:
        save()
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        return RACED
    except IntegrityError:
        db.session.rollback()
        return CLASHED
    return None


def saved_unless_stale(
    form: FlaskForm,
    stored: Callable[[], FlaskForm],
    item,
    what: str,
    save: Callable[[], object],
    unseen: Callable[[], str | None] = lambda: None,
) -> str | None:
    """Save `form`'s changes to `item` (`save`) unless someone else saved it since the form was
    filled in: None once saved, else why not, for the page to show with the form as typed.
    `stale` says why, with what is stored now (`stored()`: the form filled in from the item
    as it is); a save at the same moment that the database noticed (`lost_race`) is said the
    same way once the item is read again; `unseen()`, what changed that the form does not
    show, as `item` is then. A PlannerError from `save` goes to the caller."""
    if problem := stale(form, stored(), item, what, unseen()):
        return problem
    if (lost := lost_race(save)) is None:
        return None
    return stale(form, stored(), item, what, unseen()) or lost


def keep_when_left_out(field, value) -> None:
    """A field left out of a post keeps the stored `value`, as a text field named as the
    item's attribute keeps its own: WTForms fills a field from the object's attribute of its
    name, which for a relationship is the related object, not the code or id the form holds (a
    500 on int(), helper-77), and for a field the item stores otherwise (a meeting's date and
    start, one instant) is none, which read as the field cleared. Sent empty, it is cleared."""
    if not field.raw_data:
        field.data = value


def _shown(value, limit: int | None = 80) -> str:
    """A field's value as the person typed it: no seconds on a time, "(empty)" for nothing;
    cut at `limit` characters."""
    if value is None or value == "" or value == [] or value == ():
        return "(empty)"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "(none)"
    text = str(value)
    return text if limit is None else shorten(text, limit)
