"""The form a co-lead marks a pair with on the matches page."""

from wtforms import HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from planner.forms import PlannerForm
from planner.matching.models import NOTE_MAX
from planner.matching.scorer import MARKS

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
