"""The form a co-lead imports a survey with: the file, and what the command line's options say."""

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from planner.forms import PlannerForm
from planner.survey.charsets import CHARSETS


class SurveyImportForm(PlannerForm):
    file = FileField("Survey file", validators=[FileRequired("Choose the survey file to import.")])
    label = StringField(
        "Label",
        validators=[Optional(), Length(max=100)],
        description="Leave empty to use the document symbol the file gives (CWS/13/26).",
    )
    aliases = StringField(
        "Aliases",
        validators=[Optional(), Length(max=500)],
        description="GE=DE counts the answers labelled GE for the office DE (in a CSV or JSON "
        "file, the office written GE is DE). Several are separated by spaces or commas.",
    )
    replace = BooleanField("Replace the survey with the same label, if there is one")
    encoding = SelectField(
        "Character set",
        choices=[SelectChoice("", "UTF-8 or UTF-16: Excel's “CSV UTF-8” and “Unicode Text”")]
        + [SelectChoice(name, f"{name}: {where}") for name, where in CHARSETS.items()],
        default="",
        description="Only for a file that is not UTF-8: one refused for it shows how its words "
        "read in each.",
    )

    def describe(self, limit_text: str) -> "SurveyImportForm":
        self.file.description = (
            "The annex as published (.txt, as CWS/13/26), or the tabular form a survey's export "
            f"writes (.json or .csv); at most {limit_text}."
        )
        return self
