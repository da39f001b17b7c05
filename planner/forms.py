"""The base of every form: what a person types is text, and every text field refuses NUL and
control characters (line breaks only in fields of several lines), with the same words as the
domain checks and the JSON API (`planner.text`)."""

from collections.abc import Callable

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import StopValidation

from planner.errors import PlannerError
from planner.text import refusal


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


class PlannerForm(FlaskForm):
    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if not isinstance(field, StringField) or isinstance(field, PasswordField):
                continue
            if not isinstance(field.data, str) or not field.data:
                continue
            problem = refusal(
                field.data, field.label.text, multiline=isinstance(field, TextAreaField)
            )
            if problem:
                field.errors = [*field.errors, problem]
                valid = False
        return valid
