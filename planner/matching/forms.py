"""The form a co-lead marks a pair with on the matches page."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from planner.matching.models import NOTE_MAX
from planner.matching.scorer import MARKS

_CODE = [DataRequired(), Regexp(r"^[A-Z]{2}$", message="An ST.3 office code, two capital letters.")]


def _no_control_characters(form, field) -> None:
    if field.data and any(ord(ch) < 32 and ch not in "\t" for ch in field.data):
        raise ValidationError("The note is one line of text.")


class MarkForm(FlaskForm):
    audience = HiddenField(validators=_CODE)
    presenter = HiddenField(validators=_CODE)
    verdict = SelectField(
        "Your judgement",
        choices=[SelectChoice("", "no mark (use the score)")]
        + [SelectChoice(key, label) for key, (label, _) in MARKS.items()],
    )
    note = StringField(
        "Note",
        validators=[Length(max=NOTE_MAX), _no_control_characters],
        description="Why, for the other co-leads (optional).",
    )
