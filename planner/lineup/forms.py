"""The line-up rules as a form, for the page and (with the same validation) the JSON API."""

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from planner.lineup.solver import Rules

_SEPARATORS = re.compile(r"[\s,;]+")
MAX_SLOTS = 20


def _tokens(text: str | None) -> list[str]:
    return [token for token in _SEPARATORS.split(text or "") if token]


def office_codes(text: str | None) -> frozenset[str]:
    """The codes in a list such as "AU, es; PY" (the validator below has refused anything else)."""
    return frozenset(token.upper() for token in _tokens(text))


class _Codes:
    """Validates a list of ST.3 codes such as "AU, ES" against the offices the app knows."""

    def __init__(self, known: set[str]) -> None:
        self.known = known

    def __call__(self, form, field) -> None:
        unknown = [t for t in _tokens(field.data) if t.upper() not in self.known]
        if unknown:
            raise ValidationError(
                f"Not known as ST.3 office codes: {', '.join(unknown)}. Write codes such as AU, ES."
            )


def lineup_form(recommendations: list[tuple[int, str]], offices: set[str], **kwargs):
    """The form, with one "extra slots" field per recommendation."""

    class LineupForm(FlaskForm):
        focus = SelectField(
            "Focus recommendation",
            coerce=int,
            choices=[SelectChoice(n, f"Rec {n}: {title}") for n, title in recommendations],
            default=10,
        )
        slots = IntegerField(
            "Number of presentations",
            default=5,
            validators=[InputRequired("How many presentations?"), NumberRange(1, MAX_SLOTS)],
            description=f"In total, including any reserved below (1–{MAX_SLOTS}).",
        )
        one_per_office = BooleanField("At most one presentation per office", default=True)
        include = StringField(
            "Must include",
            validators=[_Codes(offices)],
            description="ST.3 codes of offices that must present, e.g. AU, ES.",
        )
        exclude = StringField(
            "Must exclude",
            validators=[_Codes(offices)],
            description="ST.3 codes of offices that must not present.",
        )
        min_small = IntegerField(
            "At least this many from smaller offices",
            default=0,
            validators=[Optional(), NumberRange(0, MAX_SLOTS)],
            description="Office size is set on each office's page.",
        )
        max_per_region = IntegerField(
            "At most this many per region",
            validators=[Optional(), NumberRange(1, MAX_SLOTS)],
            description="Leave empty for no limit; 4 of 5 means “not all from one region”.",
        )
        maturity_weight = FloatField(
            "Weight of maturity",
            default=0.5,
            validators=[Optional(), NumberRange(0, 5)],
            description="Adds weight × maturity (0–1) per talk; 0 ignores maturity.",
        )

        def validate_slots(self, field) -> None:
            reserved = sum(
                (getattr(self, f"extra_{n}").data or 0)
                for n, _ in recommendations
                if n != self.focus.data
            )
            if field.data is not None and reserved >= field.data:
                raise ValidationError(
                    f"{reserved} slots are reserved for other recommendations; leave at least "
                    "one for the focus recommendation."
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
            )

    for number, title in recommendations:
        setattr(
            LineupForm,
            f"extra_{number}",
            IntegerField(
                f"Rec {number}",
                default=0,
                validators=[Optional(), NumberRange(0, 5)],
                description=title,
            ),
        )
    return LineupForm(**kwargs)


def adjust(form, *, keep: str | None, drop: str | None) -> None:
    """Require one office (keep) or rule it out (drop), as the buttons beside a talk ask."""
    if not keep and not drop:
        return
    include, exclude = office_codes(form.include.data), office_codes(form.exclude.data)
    if keep:
        include, exclude = include | {keep.upper()}, exclude - {keep.upper()}
    if drop:
        include, exclude = include - {drop.upper()}, exclude | {drop.upper()}
    form.include.data = ", ".join(sorted(include))
    form.exclude.data = ", ".join(sorted(exclude))


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
    }
    for number, slots in rules["secondary"].items():
        data[f"extra_{number}"] = slots
    return data
