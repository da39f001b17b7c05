"""Meeting pages: a meeting's agenda with its slots."""

from flask import Blueprint, abort, render_template
from flask_login import current_user

from planner.agenda.models import Meeting
from planner.extensions import db

bp = Blueprint("agenda", __name__, url_prefix="/meetings")


@bp.get("/<int:meeting_id>")
def meeting(meeting_id: int):
    found = db.get_or_404(Meeting, meeting_id, description=f"There is no meeting {meeting_id}.")
    if found.status == "draft" and not (current_user.is_authenticated and current_user.is_colead):
        # Drafts are the co-leads' work in progress: to anyone else they do not exist yet.
        abort(404, f"There is no meeting {meeting_id}.")
    return render_template("agenda/meeting.html", meeting=found)
