"""The line-up rules as a form, for the page and (with the same validation) the JSON API and
the command line."""

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, FloatField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from planner.errors import PlannerError
from planner.extensions import db
from planner.forms import PlannerForm
from planner.lineup.rules import (
    DEFAULT_MATURITY_WEIGHT,
    MAX_MATURITY_WEIGHT,
    MAX_RESERVED,
    MAX_SLOTS,
    Rules,
)
from planner.offices.models import Office, typed_code
from planner.recommendations.models import Recommendation
from planner.recommendations.operations import all_recommendations
from planner.request_input import unknown_fields
from planner.text import blank, shorten

_SEPARATORS = re.compile(r"[\s,;]+")


def _tokens(text: str | None) -> list[str]:
    # A zero-width space pasted between two codes ("AU,\u200b ES") separates nothing.
    return [token for token in _SEPARATORS.split(text or "") if not blank(token)]


def office_codes(text: str | None) -> frozenset[str]:
    """The codes in a list such as "AU, es; PY", each read as everywhere a code is typed
    (`typed_code`: a zero-width space along, not `str.upper`, which read the Turkish dotless
    "ıe" as IE; helper-256). Anything else is kept as typed, for the validator below to refuse:
    "Keep" beside a presentation adjusts the rules before they are checked."""
    return frozenset(typed_code(token) or token for token in _tokens(text))


def _said(value) -> str:
    """A JSON value as sent, cut short whole characters at a time, printable."""
    return _shown_token(json.dumps(value, ensure_ascii=False), 20)


def _shown_token(token: str, length: int = 12) -> str:
    printable = "".join(ch if ch.isprintable() else "\N{REPLACEMENT CHARACTER}" for ch in token)
    return shorten(printable, length + 1)


class _Codes:
    """Validates a list of ST.3 codes such as "AU, ES" against the offices the app knows."""

    def __init__(self, known: set[str]) -> None:
        self.known = known

    def __call__(self, form, field) -> None:
        unknown = [t for t in _tokens(field.data) if typed_code(t) not in self.known]
        if unknown:
            # Said as typed, but not all of a pasted page back: a few, each cut short, printable.
            shown = [_shown_token(t) for t in unknown[:5]]
            more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
            # Not "not ST.3 codes": SG is one, of an office that answered no survey, which a
            # co-lead adds first (helper-252).
            raise ValidationError(
                f"No office known here has these codes: {', '.join(shown)}{more}. "
                "Write ST.3 codes such as AU, ES; an office that answered no survey is added on "
                "the Offices page first."
            )


class OfficeCodesField(StringField):
    """Office codes typed ("AU, ES") and ticked in the page's lists of offices: every value sent
    under the field's name, as one list."""

    def process_formdata(self, valuelist) -> None:
        if valuelist:
            self.data = ", ".join(value for value in valuelist if value.strip())


@dataclass(frozen=True)
class OfficePicker:
    """A must include or must exclude rule as the page shows it: the offices it names, ticked;
    the survey's other offices, to tick; and what was typed that names no office, kept in the
    box with the message that says so."""

    chosen: list[Office]
    others: list[Office]
    typed: str


def office_picker(
    text: str | None, offices: Mapping[str, Office], listed: Iterable[str]
) -> OfficePicker:
    """The picker of a rule given as `text`, with `offices` the offices the planner knows and
    `listed` the codes of those to offer (the survey's)."""
    codes = sorted({code for token in _tokens(text) if (code := typed_code(token)) in offices})
    typed = [token for token in _tokens(text) if typed_code(token) not in offices]
    return OfficePicker(
        chosen=[offices[code] for code in codes],
        others=[offices[code] for code in sorted(set(listed) - set(codes)) if code in offices],
        typed=", ".join(typed),
    )


# The focus a script's rules take when they name none (the line-up page proposes the most
# wanted recommendation without a workshop yet).
DEFAULT_FOCUS = 10


def lineup_form(recommendations: list[tuple[int, str]], offices: set[str], **kwargs):
    """The form, with one "extra slots" field per recommendation."""

    class LineupForm(PlannerForm):
        focus = SelectField(
            "Focus recommendation",
            coerce=int,
            choices=[SelectChoice(n, f"Rec {n}: {title}") for n, title in recommendations],
            default=DEFAULT_FOCUS,
        )
        slots = IntegerField(
            "Number of presentations",
            default=5,
            validators=[InputRequired("How many presentations?"), NumberRange(1, MAX_SLOTS)],
            description=f"In total, including any reserved below (1–{MAX_SLOTS}).",
        )
        one_per_office = BooleanField("At most one presentation per office", default=True)
        include = OfficeCodesField(
            "Must include",
            validators=[_Codes(offices)],
            description="Offices that must present.",
        )
        exclude = OfficeCodesField(
            "Must exclude",
            validators=[_Codes(offices)],
            description="Offices that must not present.",
        )
        min_small = IntegerField(
            "At least this many from smaller offices",
            default=0,
            validators=[Optional(), NumberRange(0, MAX_SLOTS)],
            description="Office size is set on each office's page.",
        )
        max_per_region = IntegerField(
            "At most this many per WIPO group",
            validators=[Optional(), NumberRange(1, MAX_SLOTS)],
            description="Leave empty for no limit; 4 of 5 means “not all from one group”. "
            "Groups are set on each office's page.",
        )
        include_plans = BooleanField(
            "Also consider plans",
            default=False,
            description="Offices whose answer is only a plan present too; a need never does.",
        )
        maturity_weight = FloatField(
            "Weight of maturity",
            default=DEFAULT_MATURITY_WEIGHT,
            validators=[Optional(), NumberRange(0, MAX_MATURITY_WEIGHT)],
            description="How much more a working project counts than one under way or a plan, "
            "beside how well it meets the audiences: 0 counts only what they asked for; higher "
            "favours projects already in use (each presentation gains this number times how "
            "far along it is, 0 to 1).",
        )

        def validate_slots(self, field) -> None:
            reserved = sum(
                (getattr(self, f"extra_{n}").data or 0)
                for n, _ in recommendations
                if n != self.focus.data
            )
            if field.errors or field.data is None:
                return  # out of range already said: one message
            if reserved >= field.data:
                counted = f"{reserved} slots are" if reserved != 1 else "1 slot is"
                raise ValidationError(
                    f"{counted} reserved for other recommendations; leave at least one for the "
                    "focus recommendation."
                )

        def rules(self) -> Rules:
            secondary = tuple(
                (n, getattr(self, f"extra_{n}").data)
                for n, _ in recommendations
                if n != self.focus.data and getattr(self, f"extra_{n}").data
            )
            return Rules(
                focus=self.focus.data,
                slots=self.slots.data,
                secondary=secondary,
                one_per_office=self.one_per_office.data,
                include=office_codes(self.include.data),
                exclude=office_codes(self.exclude.data),
                min_small=self.min_small.data or 0,
                max_per_region=self.max_per_region.data,
                maturity_weight=self.maturity_weight.data or 0.0,
                include_plans=bool(self.include_plans.data),
            )

    for number, title in recommendations:
        setattr(
            LineupForm,
            f"extra_{number}",
            IntegerField(
                f"Rec {number}",
                default=0,
                validators=[Optional(), NumberRange(0, MAX_RESERVED)],
                description=title,
            ),
        )
    return LineupForm(**kwargs)


def make_form(
    recommendations: Iterable[Recommendation] | None = None,
    offices: Iterable[str] | None = None,
    **kwargs,
):
    """The form for the recommendations and office codes given, by default all that are stored."""
    if recommendations is None:
        recommendations = all_recommendations()
    if offices is None:
        offices = db.session.scalars(select(Office.code))
    return lineup_form([(r.number, r.short_title) for r in recommendations], set(offices), **kwargs)


class BadRules(PlannerError):
    """Rules the form refuses, with the messages by field (as `form.errors`)."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__(" ".join(message for found in errors.values() for message in found))
        self.errors = dict(errors)


def secondary_pairs(value: Mapping | Iterable[str] | None) -> list[tuple[str, str]]:
    """(recommendation, slots) as text, from {"9": 1} or ["9:1"].

    ValueError if an item is not of that form, or names a recommendation twice.
    """
    if isinstance(value, Mapping):
        pairs = [(str(number), str(slots)) for number, slots in value.items()]
    else:
        pairs = []
        for item in value or ():
            number, colon, slots = str(item).partition(":")
            if not colon:
                raise ValueError(f"“{item}” is not of the form recommendation:slots, e.g. 9:1.")
            pairs.append((number, slots))
    pairs = [(number.strip(), slots.strip()) for number, slots in pairs]
    numbers = [number for number, _ in pairs]
    for number in numbers:
        if numbers.count(number) > 1:
            raise ValueError(f"Rec {number} is given twice.")
    return pairs


def rules_from(fields: Mapping[str, object]) -> Rules:
    """Rules given as named values (the JSON API's fields, the command line's options), checked
    exactly as the page checks its form. BadRules says what is wrong, by field.

    `recommendation` is the focus; `secondary` gives slots on other recommendations ({"9": 1} or
    ["9:1"]); `include` and `exclude` are lists or comma-separated codes. Fields left out take
    the form's defaults; one_per_office is true unless given as false.
    """
    try:
        secondary = secondary_pairs(fields.get("secondary"))
    except ValueError as error:
        raise BadRules({"secondary": [str(error)]}) from None
    form = make_form(formdata=None, meta={"csrf": False})
    known = ["recommendation", "secondary"] + [
        f.name for f in form if f.name != "focus" and not f.name.startswith("extra_")
    ]
    if problem := unknown_fields(fields, known, "rule"):
        raise BadRules({name: [problem] for name in set(fields) - set(known)})
    switches = {f.name for f in form if f.type == "BooleanField"}
    not_switches = {
        name: [f"{name} is true or false (JSON true or false, not {_said(value)})."]
        for name, value in fields.items()
        if name in switches and not isinstance(value, bool)
    }
    if not_switches:
        raise BadRules(not_switches)
    data = MultiDict(
        (field.name, str(field.default))
        for field in form
        if field.default is not None and field.type != "BooleanField"
    )
    for name, value in fields.items():
        if name == "recommendation":
            data.setlist("focus", [str(value)])
        elif name == "secondary":
            for number, slots in secondary:
                data.setlist(f"extra_{number}", [slots])
        elif name in ("include", "exclude"):
            codes = ", ".join(value) if isinstance(value, list | tuple) else str(value or "")
            data.setlist(name, [codes])
        elif isinstance(value, bool):
            if value:
                data.setlist(name, ["y"])
        elif value is not None:
            data.setlist(name, [str(value)])
    if fields.get("one_per_office", True) is True:
        data["one_per_office"] = "y"
    form.process(formdata=data)
    others = [
        f"Rec {number} is the focus recommendation."
        if number == str(form.focus.data)
        else f"There is no Rec {number}."
        for number, _ in secondary
        if f"extra_{number}" not in form or number == str(form.focus.data)
    ]
    if others:
        raise BadRules({"secondary": others})
    if not form.validate():
        # Named as the caller named them: the focus is `recommendation` in the API and command,
        # and a recommendation's slots are `secondary` (the page's extra_9 is its own name).
        found: dict[str, list[str]] = {}
        for name, errors in form.errors.items():
            if name.startswith("extra_"):
                number = name.removeprefix("extra_")
                found.setdefault("secondary", []).extend(f"Rec {number}: {e}" for e in errors)
            else:
                found.setdefault({"focus": "recommendation"}.get(name, name), []).extend(errors)
        raise BadRules(found)
    return form.rules()


def adjust(form, *, keep: str | None, drop: str | None) -> None:
    """Require one office (keep) or rule it out (drop), as the buttons beside a presentation ask."""
    if not keep and not drop:
        return
    include, exclude = office_codes(form.include.data), office_codes(form.exclude.data)
    # What is no code is kept as sent, for the form to refuse naming it.
    if keep:
        keep = typed_code(keep) or keep
        include, exclude = include | {keep}, exclude - {keep}
    if drop:
        drop = typed_code(drop) or drop
        include, exclude = include - {drop}, exclude | {drop}
    form.include.data = ", ".join(sorted(include))
    form.exclude.data = ", ".join(sorted(exclude))


def adjust_all(form, *, drop: Iterable[str]) -> None:
    """Rule out every office of `drop`, as "Leave out those who presented on it before" asks
    (one required by "Must include" stays: a co-lead inviting it back for a follow-up)."""
    include, exclude = office_codes(form.include.data), office_codes(form.exclude.data)
    form.exclude.data = ", ".join(sorted(exclude | (set(drop) - include)))


def form_data(rules: dict) -> dict:
    """Saved rules (Rules.as_dict()) as form data, to adjust a saved line-up."""
    data = {
        "focus": rules["focus"],
        "slots": rules["slots"],
        "one_per_office": rules["one_per_office"],
        "include": ", ".join(rules["include"]),
        "exclude": ", ".join(rules["exclude"]),
        "min_small": rules["min_small"],
        "max_per_region": rules["max_per_region"],
        "maturity_weight": rules["maturity_weight"],
        "include_plans": rules.get("include_plans", False),
    }
    for number, slots in rules["secondary"].items():
        data[f"extra_{number}"] = slots
    return data
