"""What several packages' views need from a request: the survey asked for, yes/no flags in the
query string, and the addresses of calendar feeds. Views import from here, never from each other."""

from flask import abort, current_app, request, url_for

from planner.calendar.operations import office_feed_token
from planner.offices.models import Office
from planner.survey.models import Survey
from planner.survey.operations import find_survey, latest_survey

_YES = ("1", "true", "yes", "on")
_NO = ("", "0", "false", "no", "off")


def survey_from_request() -> Survey | None:
    """The survey named by ?survey= (404 if unknown), else the latest, else None."""
    reference = request.args.get("survey")
    return find_survey(reference) if reference else latest_survey()


def flag_from(args, name: str) -> bool:
    """?name= as a yes/no flag: absent is no; anything but yes/no words is 400."""
    value = (args.get(name) or "").strip().lower()
    if value in _NO:
        return False
    if value in _YES:
        return True
    abort(400, f"{name} is true or false.")


def webcal(url: str) -> str:
    """The same address for calendar apps to subscribe to: webcal://host/..."""
    return "webcal://" + url.split("://", 1)[1]


def office_feed_url(office: Office) -> str:
    """The address of the office's signed feed: a secret for the office and the co-leads."""
    token = office_feed_token(office, current_app.config["SECRET_KEY"])
    return url_for("calendar.office_ics", code=office.code, token=token, _external=True)
