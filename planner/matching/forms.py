"""The form a co-lead marks a pair with on the matches page, and the matches' filters."""

from typing import NamedTuple

from flask import abort
from wtforms import HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from planner.forms import PlannerForm
from planner.matching.models import NOTE_MAX
from planner.matching.scorer import MARKS
from planner.offices.models import typed_code

_CODE = [DataRequired(), Regexp(r"^[A-Z]{2}$", message="An ST.3 office code, two capital letters.")]


class MarkForm(PlannerForm):
    audience = HiddenField(validators=_CODE)
    presenter = HiddenField(validators=_CODE)
    verdict = SelectField(
        "Your judgement",
        choices=[SelectChoice("", "no mark (use the score)")]
        + [SelectChoice(key, label) for key, (label, _) in MARKS.items()],
    )
    note = StringField(
        "Note",
        validators=[Length(max=NOTE_MAX)],
        description="Why, for the other co-leads (optional).",
    )
    # The mark as the page showed it ("none", or verdict|note): one changed since by another
    # co-lead is not overwritten unseen.
    seen = HiddenField()


# What a presenter's project may read as, to filter by ("need" never presents).
MATURITY_FILTERS = ("working", "under way", "plan")
# The side of its matches an office is kept on: the audience (whom it should hear), or the
# presenter (who would hear it); either, when none is given.
OFFICE_ROLES = ("audience", "presenter")


class Filters(NamedTuple):
    office: str | None
    role: str | None
    maturity: str | None


def read_filters(args) -> Filters:
    """?office=, ?role= and ?maturity= of the matches page and the API, read alike (400 with the
    same words for the same bad value): an ST.3 code, the side of its matches it is kept on (read
    only with an office), and a stage a presenting project reads as."""
    typed = args.get("office") or ""
    # Read as wherever a code is typed (" au" with a zero-width space along is AU).
    office = typed_code(typed)
    if office is None and typed.strip():
        abort(400, "office is an ST.3 code of two letters, such as AU.")
    role = args.get("role") or None
    if role is not None and role not in OFFICE_ROLES:
        abort(400, f"role is one of: {', '.join(OFFICE_ROLES)}.")
    maturity = args.get("maturity") or None
    if maturity is not None and maturity not in MATURITY_FILTERS:
        abort(400, f"maturity is one of: {', '.join(MATURITY_FILTERS)}.")
    return Filters(office, role if office else None, maturity)
