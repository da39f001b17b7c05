"""The form a co-lead edits a recommendation's wording with."""

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from planner.forms import PlannerForm, opened_field, published, version_field

TITLE_MAX, TEXT_MAX = 200, 4000


class RecommendationForm(PlannerForm):
    short_title = StringField(
        "Short title",
        validators=[
            DataRequired("Give the recommendation a short title."),
            Length(max=TITLE_MAX),
            published("The short title"),
        ],
        description=f"Up to {TITLE_MAX} characters, as shown in charts and lists.",
    )
    text = TextAreaField(
        "Text",
        validators=[Length(max=TEXT_MAX), published("The text")],
        description=f"The recommendation as adopted, up to {TEXT_MAX} characters.",
    )
    version = version_field()
    opened = opened_field()
