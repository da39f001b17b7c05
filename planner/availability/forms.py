"""The availability form: a few rows of weekdays (or a date) with from and to times, in one
time zone; used on the volunteer form and on the presenter's page."""

import hashlib
import json
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_babel.speaklater import LazyString
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectMultipleField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from planner.agenda.models import HOME_ZONE
from planner.availability.operations import replace_windows
from planner.availability.reading import read_text
from planner.availability.windows import (
    DAY_NAMES,
    Window,
    as_json,
    check_window,
    day_names,
    describe,
    runs_long_overnight,
)
from planner.db_types import utcnow
from planner.errors import PlannerError
from planner.extensions import db
from planner.forms import PlannerForm, ZoneField, refill, time_zone
from planner.languages import day_here, page_language, sentences, word_list
from planner.offices.models import Office
from planner.timezones import is_time_zone, local_time, place_in, resolve_zone

ROWS = 3  # rows shown; a row left empty is no window
AVAILABILITY_MAX = 500  # the longest availability a proposal keeps in words
MAX_ROWS = 7


def day_name(number: int) -> str:
    """A weekday's short name (0 is Monday) in the page's language: "Mon", "lun", "пн"."""
    return day_names(page_language())[number]


class DayBoxes(SelectMultipleField):
    # A group of boxes (the error summary links to its first, `error_target`); the rows write
    # each box's label themselves, naming its row too (availability/_windows.html).
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WindowRow(Form):
    """One window: a row of the repeating group (no CSRF token of its own)."""

    weekdays = DayBoxes(
        _l("Days"),
        coerce=int,
        choices=[SelectChoice(i, LazyString(day_name, i)) for i in range(len(DAY_NAMES))],
        validators=[Optional()],
    )
    on = DateField(_l("Or on"), validators=[Optional()])
    starts = TimeField(_l("From"), validators=[Optional()])
    ends = TimeField(_l("To"), validators=[Optional()])

    @property
    def empty(self) -> bool:
        return not (self.weekdays.data or self.on.data or self.starts.data or self.ends.data)


class _Rows(FieldList):
    """Rows of windows that remember how many were sent: rows beyond `max_entries` are not
    read, and must not be dropped without a word."""

    sent = 0
    # What is said of the rows as a whole (too many sent), under the group; what is wrong in a
    # row is said beside its field, and in the error summary with the row's number.
    group_errors: tuple[str, ...] = ()

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.sent = len(set(self._extract_indices(self.name, formdata))) if formdata else 0
        super().process(formdata, data, extra_filters)


class AvailabilityFields(PlannerForm):
    """The structured windows; the free-text availability stays beside them for what people
    write."""

    availability_zone = ZoneField(
        _l("Time zone of these times"),
        validators=[time_zone()],
        description=_l("A city such as Lima, or an IANA name such as America/Lima."),
    )
    # Named as the group's legend: the error summary's link to the rows says it too.
    windows = _Rows(
        FormField(WindowRow),
        _l("Your availability windows"),
        min_entries=ROWS,
        max_entries=MAX_ROWS,
    )
    # The hours of windows across more than half a day of night the form asked about ("12:00-
    # 09:00"): sent again as they are, they are what the person meant.
    overnight_kept = HiddenField()
    # The dates of the windows already stored: one that has passed since may stay (the form
    # sends every row back), a new one may not.
    kept_dates: frozenset[date] = frozenset()
    # The zone an empty zone field stands for, which the windows are then saved in (the view
    # says: the presenter's page's zone, the office's); the rows are checked in it too.
    empty_zone: str | None = None

    def blank_zone(self) -> str:
        """The zone the windows are in when the zone field is left empty."""
        return self.empty_zone or HOME_ZONE

    def validate_windows(self, field) -> None:
        if field.sent > MAX_ROWS:
            raise ValidationError(_too_many_rows(field.sent))
        zone = (self.availability_zone.data or "").strip()
        kept = set((self.overnight_kept.data or "").split())
        asked = []
        for row in field:
            if row.form.empty or row.form.errors:
                continue
            # Checked in the zone they are saved in (helper-176: left empty, a presenter's were
            # checked in Geneva's, saved in Sydney's where the hour did not exist: form lost).
            place = zone if is_time_zone(zone) else HOME_ZONE if zone else self.blank_zone()
            try:
                window = check_window(
                    place,
                    row.form.weekdays.data or (),
                    row.form.on.data,
                    row.form.starts.data,
                    row.form.ends.data,
                )
            except PlannerError as error:
                name = error.field if error.field in row.form else "starts"
                row.form[name].errors = [*row.form[name].errors, error.message]
                continue
            if window.long_overnight:
                hours = f"{window.starts:%H:%M}-{window.ends:%H:%M}"
                asked.append(hours)
                if hours not in kept:
                    row.form.ends.errors = [*row.form.ends.errors, _overnight_question(window)]
            today = local_time(place, utcnow()).date()
            if window.on is not None and window.on < today and window.on not in self.kept_dates:
                passed = _(
                    "%(day)s has passed (it is %(today)s in %(place)s): give a later date, or "
                    "leave this window empty.",
                    day=day_here(window.on),
                    today=day_here(today),
                    place=place_in(page_language(), place),
                )
                row.form.on.errors = [*row.form.on.errors, passed]
        refill(self.overnight_kept, " ".join(asked))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        group = tuple(error for error in self.windows.errors if isinstance(error, str))
        self.windows.group_errors = group
        # Each row's problems stay beside its fields; the summary says which rows, in words.
        problems = [
            _(
                "Window %(number)s, %(field)s: %(message)s",
                number=number,
                field=row.form[name].label.text,
                message=message,
            )
            for number, row in enumerate(self.windows, 1)
            for name, messages in row.form.errors.items()
            for message in messages
        ]
        if problems:
            self.windows.errors = [*group, *problems]
        return valid and not problems

    def chosen_windows(self, zone: str) -> list[Window]:
        """The filled-in rows as windows in `zone` (a validated form)."""
        return [
            check_window(
                zone,
                row.form.weekdays.data or (),
                row.form.on.data,
                row.form.starts.data,
                row.form.ends.data,
            )
            for row in self.windows
            if not row.form.empty
        ]

    def fill(self, windows: list[Window], zone: str | None) -> tuple[int, list[Window]]:
        """Show `windows` (stored, or read from text) in the rows, with empty rows to add more
        (`add`'s counts)."""
        self.availability_zone.data = zone or ""
        while len(self.windows):
            self.windows.pop_entry()
        return self.add(windows)

    def typed_rows(self) -> list:
        """The rows of a sent form something was typed in, even what cannot be read."""
        return [
            row
            for row in self.windows
            if any(value.strip() for field in row.form for value in field.raw_data or ())
        ]

    def add(self, windows: list[Window]) -> tuple[int, list[Window]]:
        """Add `windows` after the rows typed in, which stay as they were typed, and none twice;
        empty rows follow, to add more. Returns how many were added, and the windows there was
        no row left for (`MAX_ROWS`)."""
        self.windows.entries = self.typed_rows()
        shown = {
            _row(row.form.weekdays.data, row.form.on.data, row.form.starts.data, row.form.ends.data)
            for row in self.windows
        }
        added, left_out = 0, []
        for window in windows:
            row = _row(window.weekdays, window.on, window.starts, window.ends)
            if row in shown:
                continue
            if len(self.windows) == MAX_ROWS:
                left_out.append(window)
                continue
            shown.add(row)
            self.windows.append_entry(dict(zip(_ROW_FIELDS, row, strict=True)))
            added += 1
        rows = max(ROWS, min(len(self.windows) + 1, MAX_ROWS))
        while len(self.windows) < rows:
            self.windows.append_entry()
        return added, left_out


_ROW_FIELDS = ("weekdays", "on", "starts", "ends")


def _overnight_question(window: Window) -> str:
    """What the form asks of a window across more than half a day of night (`Window.
    long_overnight`): likely its times swapped, or an evening's end typed as the morning's."""
    times = {"starts": window.starts.strftime("%H:%M"), "ends": window.ends.strftime("%H:%M")}
    evening = window.ends.replace(hour=window.ends.hour + 12) if window.ends.hour < 12 else None
    if evening is not None and evening > window.starts:
        return _(
            "%(ends)s is before %(starts)s: this window runs overnight, from %(starts)s until "
            "%(ends)s the next day. If you meant %(evening)s, or the two times are the wrong way "
            "round, change them; to keep the window as it is, send the form again.",
            evening=evening.strftime("%H:%M"),
            **times,
        )
    return _(
        "%(ends)s is before %(starts)s: this window runs overnight, from %(starts)s until "
        "%(ends)s the next day. If the two times are the wrong way round, swap them; to keep "
        "the window as it is, send the form again.",
        **times,
    )


def overnight_note(form: AvailabilityFields) -> str:
    """Said of the rows a reading filled that run across more than half a day of night, where
    they are shown (the form asks again when they are sent): "12:00-09:00" read as written."""
    said = []
    for number, row in enumerate(form.windows, 1):
        starts, ends = row.form.starts.data, row.form.ends.data
        if starts is not None and ends is not None and runs_long_overnight(starts, ends):
            said.append(
                _(
                    "Window %(number)s runs overnight, from %(starts)s until %(ends)s the next "
                    "day: check that this is what you meant.",
                    number=number,
                    starts=starts.strftime("%H:%M"),
                    ends=ends.strftime("%H:%M"),
                )
            )
    return sentences(*said)


def _row(weekdays, on, starts, ends) -> tuple:
    """A row as it shows a window: what two rows showing the same window have alike."""
    return tuple(sorted(weekdays or ())), on, starts, ends


class AvailabilityForm(AvailabilityFields):
    """The presenter's page form: the private address is the credential, so it works without
    cookies (as the page's other forms)."""

    class Meta:
        csrf = False

    # The stored windows the page was filled in from (`seen_windows`): a save over windows
    # changed since, in another tab, is refused rather than silently replacing them.
    windows_seen = HiddenField()

    def set_seen(self, stored: list[Window]) -> None:
        refill(self.windows_seen, seen_windows(stored))

    def stale(self, stored: list[Window]) -> bool:
        """Whether the stored windows changed since the page was filled in; a form that does
        not say what it was filled in from is stale if any windows are stored."""
        if not self.windows_seen.data:
            return bool(stored)
        return self.windows_seen.data != seen_windows(stored)


def seen_windows(windows: list[Window]) -> str:
    """A short fingerprint of the windows as stored: their data, not their words, which a new
    wording or Babel's names would change, making every form open then stale (helper-189)."""
    stored = [{k: v for k, v in as_json(w).items() if k != "text"} for w in windows]
    text = json.dumps(stored, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def save_proposal_windows(form: AvailabilityFields, proposal) -> None:
    """Store the volunteer's windows with their proposal; times with no zone given are in
    the office's zone."""
    zone = (form.availability_zone.data or "").strip()
    office = proposal.office
    zone = zone or (office.zone if office is not None else None) or HOME_ZONE
    replace_windows(form.chosen_windows(zone), proposal=proposal)


class OfficesWindows:
    """A volunteer's form: an empty zone field stands for the chosen office's zone
    (`save_proposal_windows`), in which the rows are checked."""

    def blank_zone(self) -> str:
        office = getattr(self, "office", None)
        chosen = office.data if office is not None else None
        chosen = chosen if isinstance(chosen, str) else None
        return self.empty_zone or office_zone(chosen) or HOME_ZONE


def read_into(form: AvailabilityFields, text: str, office_zone: str | None) -> str:
    """Pre-fill the windows from the free-text availability; says what was read (or not), as
    a suggestion to check: the text is never taken as the windows by itself."""
    note = _read_into(form, text, office_zone)
    if form.windows.sent > MAX_ROWS:
        # Rows beyond the last were not read (no page shows more): said, as saving would.
        return _too_many_rows(form.windows.sent) + " " + note
    return note


def _read_into(form: AvailabilityFields, text: str, office_zone: str | None) -> str:
    if len(text) > AVAILABILITY_MAX:
        # The form refuses it anyway; reading it first is work for nothing (1 MB: seconds).
        return _(
            "Your availability text is longer than %(limit)s characters: shorten it, then fill "
            "the windows from it.",
            limit=AVAILABILITY_MAX,
        )
    typed = resolve_zone(form.availability_zone.data or "")
    # The zone the rows are in: as typed, else the office's, else the one they are saved in.
    rows_zone = typed[0] if len(typed) == 1 else office_zone or HOME_ZONE
    reading = read_text(text, rows_zone)
    if not reading.windows:
        return _(
            "No days and hours could be read from your availability text; fill in the windows "
            "below yourself."
        )
    kept = form.typed_rows()
    # What was typed in the rows stays: the windows read come after it, in the same zone.
    elsewhere = reading.zone_named and reading.time_zone != rows_zone
    if kept and (elsewhere or reading.offset):
        return _(
            "Your text gives its times in %(zone)s, and the windows below are in %(rows)s: "
            "nothing was added. Empty the windows (or give them your text's time zone), then "
            "fill them from your text again.",
            zone=reading.offset or place_in(page_language(), reading.time_zone),
            rows=place_in(page_language(), rows_zone),
        )
    if kept:
        added, left_out = form.add(reading.windows)
        if not added and not left_out:
            return _("The windows your text gives are already below: nothing was added.")
        read = (
            ngettext(
                "Read %(num)d window from your text and added it after yours: check it (and the "
                "time zone) before sending.",
                "Read %(num)d windows from your text and added them after yours: check them (and "
                "the time zone) before sending.",
                added,
            )
            if added
            else ""
        )
    else:
        added, left_out = form.fill(
            reading.windows,
            reading.time_zone if reading.zone_named else form.availability_zone.data,
        )
        read = ngettext(
            "Read %(num)d window from your text: check it (and the time zone) before sending.",
            "Read %(num)d windows from your text: check them (and the time zone) before sending.",
            added,
        )
    if left_out:
        said = [describe(window, page_language()) for window in left_out]
        read = sentences(
            read,
            _(
                "No row is left for %(windows)s (%(most)s rows at most): write over a row you "
                "do not need.",
                windows=word_list(said, page_language()),
                most=MAX_ROWS,
            ),
        )
    if reading.offset:
        read = sentences(
            read,
            _(
                "Your text gives the offset “%(offset)s”, not a place: choose your time zone (a "
                "city such as Asia/Singapore), or the times are read in your office's.",
                offset=reading.offset,
            ),
        )
    return sentences(read, overnight_note(form))


def _too_many_rows(sent: int) -> str:
    return _(
        "Give at most %(most)s windows here (%(sent)s were sent); write any others in the text "
        "box.",
        most=MAX_ROWS,
        sent=sent,
    )


def office_zone(code: str | None) -> str | None:
    """The time zone of the office chosen on the form, if it has one."""
    office = db.session.get(Office, code) if code else None
    return office.zone if office is not None else None
