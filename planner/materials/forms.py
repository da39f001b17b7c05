"""The form that adds a material: a file of slides, or a link to slides, a recording or anything
else. The presenter's carries no CSRF token: their page's address is the secret, and it must
work without cookies."""

from typing import ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from planner.forms import PlannerForm
from planner.materials.checks import accepted, megabytes, too_large

# What the link is to, as the form's choice says it (in the page's language).
KIND_WORDS = {"slides": _l("slides"), "recording": _l("recording"), "other": _l("link")}


class MaterialForm(PlannerForm):
    # In the page's language, as the rest of the message (helper-212: "The link no puede ...").
    called: ClassVar[dict[str, str]] = {"url": _l("The link")}
    file = FileField(_l("Slides file"))
    url = URLField(_l("Or a link"), validators=[Optional()])
    kind = SelectField(
        _l("The link is to"),
        choices=[SelectChoice(k, label) for k, label in KIND_WORDS.items()],
        default="slides",
    )

    def describe(self, limit: int) -> "MaterialForm":
        self.file.description = _(
            "%(formats)s, at most %(limit)s.", formats=accepted(), limit=megabytes(limit)
        )
        # For upload.js, which refuses a file too large before a byte of it is sent.
        self.file.render_kw = {"data-max-bytes": limit, "data-too-large": too_large(limit)}
        self.url.description = _("Slides elsewhere, or the recording once it is online.")
        return self


class PresenterMaterialForm(MaterialForm):
    class Meta:
        csrf = False


class MeetingRecordingForm(PlannerForm):
    """A link for the whole meeting (its recording, say), added by a co-lead."""

    url = URLField("Link", validators=[Optional()])
    kind = SelectField(
        _l("The link is to"),
        choices=[SelectChoice(k, label) for k, label in KIND_WORDS.items()],
        default="recording",
    )
