"""The form a co-lead imports a survey with: the file, and what the command line's options say."""

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from planner.forms import PlannerForm
from planner.survey.charsets import CHARSETS


class SurveyImportForm(PlannerForm):
    # The file checked before (`pending`), used again when no other is chosen: sent first, so
    # that an upload cut short or too large still says which file the form was about.
    upload = HiddenField()
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
        choices=[SelectChoice("", "UTF-8 or UTF-16 (“CSV UTF-8”, “Unicode Text”)")]
        + [SelectChoice(name, f"{name}: {where}") for name, where in CHARSETS.items()],
        default="",
        description="Only for a file that is not UTF-8: one refused for it shows how its words "
        "read in each.",
    )
    # Last, as on the page (its refusals list the fields in this order): a browser sends the
    # fields in the page's order, so what was typed arrives before a file cut short.
    file = FileField("Survey file", validators=[FileRequired("Choose the survey file to import.")])

    def describe(self, limit: int, limit_text: str) -> "SurveyImportForm":
        """The file's limit, said beside it and, by upload.js, as soon as a larger file is
        chosen: before it is sent, with the fields typed kept."""
        self.file.description = (
            "The annex as published (.txt, as CWS/13/26), or the tabular form a survey's export "
            f"writes (.json or .csv); at most {limit_text}."
        )
        self.file.render_kw = {
            "data-max-bytes": limit,
            "data-too-large": f"The file is larger than {limit_text}, the limit for a survey "
            "file. Split the survey, or import it on the command line (flask --app app survey "
            "import).",
        }
        return self
