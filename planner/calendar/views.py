"""Calendar downloads and subscription feeds (.ics), and the frab schedule JSON.

Answers carry a strong ETag (a hash of the body) and Last-Modified (when their content last
changed, removals included: the same content has the same date, but for an edit of a meeting
already out of a feed's window), and 304 to a client that has the current version. Each is
built from one view of the database (`one_snapshot`).
"""

import hashlib
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from planner.accounts.security import colead_required
from planner.agenda.models import Meeting
from planner.agenda.queries import get_meeting
from planner.calendar.ics import FeedInfo, build, one_line
from planner.calendar.operations import (
    Built,
    cached,
    cutoff,
    is_public,
    meeting_feed,
    office_feed,
    recommendation_feed,
    revoke_office_feed,
    schedule_for,
    taskforce_feed,
    token_is_valid,
)
from planner.config import signing_keys
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail import messages
from planner.mail.outbox import queued_note
from planner.materials.views import material_json
from planner.offices.models import Office
from planner.offices.operations import office_named
from planner.recommendations.models import Recommendation
from planner.turns import hold
from planner.versioning import link_changed, link_seen
from planner.web import office_feed_url, read_one_snapshot

bp = Blueprint("calendar", __name__)

SCOPES = ("meeting", "slots")
CALENDAR = "text/calendar"
# Last-Modified has whole seconds. Content that changed within the current second may change
# again within it, which If-Modified-Since could not tell apart: such an answer waits until
# that second (and a commit running late in it) is over, and looks again.
SETTLE = timedelta(seconds=1, milliseconds=100)


def meeting_url(meeting: Meeting) -> str:
    return url_for("agenda.meeting", meeting_id=meeting.id, _external=True)


def _settled(changed: datetime) -> datetime:
    return changed.replace(microsecond=0) + SETTLE


class _Unsettled(Exception):
    """The feed changed within the current second: it is read again once that is over."""

    def __init__(self, wait: timedelta) -> None:
        super().__init__(wait)
        self.wait = wait


def _current(key: tuple, make: Callable[[], Built]) -> tuple[bytes, str, datetime]:
    """(body, etag, changed) of a feed, built or from the cache, once its last second is over:
    a feed that changed within it is answered by the whole view again, from a new view of the
    database, once that second is over (`one_snapshot`)."""
    body, etag, changed = cached(key, make)
    wait = _settled(changed) - utcnow()
    if timedelta(0) < wait <= SETTLE and not g.get("waited"):
        raise _Unsettled(wait)
    return body, etag, changed


def _answer(
    body: bytes,
    etag: str,
    changed: datetime,
    *,
    mimetype: str = CALENDAR,
    filename: str | None = None,
    private: bool = False,
) -> Response:
    """A cached body with its ETag and Last-Modified, or 304 to a client that has it."""
    response = Response(body, mimetype=mimetype)
    response.set_etag(etag)
    # Never later than Date: content that is still changing (edits in a steady stream) or
    # that claims a change in the future (a damaged row) is validated by its ETag alone.
    if _settled(changed) <= utcnow():
        response.last_modified = changed.replace(microsecond=0)
    response.cache_control.no_cache = True
    if private:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    environ = request.environ
    since = request.if_modified_since
    if since is not None and since > utcnow():
        # A date later than the server's clock is invalid (RFC 7232, 3.3): ignored, so a
        # client with a wrong clock is not told its stale copy is current.
        environ = {k: v for k, v in environ.items() if k != "HTTP_IF_MODIFIED_SINCE"}
    return response.make_conditional(environ)


def one_snapshot(view: Callable) -> Callable:
    """A feed is built from one view of the database, taken before it reads anything
    (`planner.web.read_one_snapshot`). Asked within the second of a change, the view runs
    again once that second is over, from a new view: its checks too (the meeting still
    published, the office's link not revoked), not only the feed."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        read_one_snapshot()
        try:
            return view(*args, **kwargs)
        except _Unsettled as unsettled:
            time.sleep(unsettled.wait.total_seconds())
            g.waited = True
            db.session.expire_all()  # read what was committed meanwhile (SQLite too)
            read_one_snapshot()
            return view(*args, **kwargs)

    return wrapper


def _published(meeting_id: int) -> Meeting:
    meeting = get_meeting(meeting_id, planning=False)
    if meeting is None or not is_public(meeting):
        abort(404, f"There is no published meeting {meeting_id}.")
    return meeting


def _calendar(feed: FeedInfo, content: Callable[[], tuple]) -> Callable[[], Built]:
    """What builds a calendar's body: its events as iCalendar, and when they last changed."""

    def make() -> Built:
        events, changed = content()
        return build(feed, events), changed

    return make


@bp.get("/meetings/<int:meeting_id>.ics")
@one_snapshot
def meeting_ics(meeting_id: int):
    meeting = _published(meeting_id)
    scope = request.args.get("scope", "meeting")
    if scope not in SCOPES:
        abort(400, "scope is 'meeting' (one event) or 'slots' (one event per slot).")
    url = url_for(".meeting_ics", meeting_id=meeting.id, scope=scope, _external=True)
    body, etag, changed = _current(
        ("meeting", meeting.id, scope, url),
        _calendar(
            FeedInfo(meeting.title, url, "CWS ICT Strategy Task Force"),
            lambda: meeting_feed(meeting, scope, meeting_url),
        ),
    )
    filename = f"cws-meeting-{meeting.id}{'-slots' if scope == 'slots' else ''}.ics"
    return _answer(body, etag, changed, filename=filename if "download" in request.args else None)


def _taskforce(endpoint: str, name: str, about: str, content, **values) -> Response:
    """A public feed of the Task Force's published meetings from six months ago on."""
    url = url_for(endpoint, _external=True, **values)
    since = cutoff()
    body, etag, changed = _current(
        (endpoint, url, since),
        _calendar(FeedInfo(name, url, about), lambda: content(since)),
    )
    return _answer(body, etag, changed)


@bp.get("/feeds/taskforce.ics")
@one_snapshot
def taskforce_ics():
    return _taskforce(
        ".taskforce_ics",
        "CWS ICT Strategy Task Force",
        "Meetings and workshops of the ICT Strategy Task Force, one event each, "
        "with the programme in its description.",
        lambda since: taskforce_feed(meeting_url, since),
    )


@bp.get("/feeds/taskforce-talks.ics")
@one_snapshot
def taskforce_talks_ics():
    return _taskforce(
        ".taskforce_talks_ics",
        "CWS ICT Strategy Task Force: every talk",
        "Every presentation and discussion of the ICT Strategy Task Force's meetings, "
        "each its own event.",
        lambda since: taskforce_feed(meeting_url, since, talks=True),
    )


@bp.get("/feeds/recommendations/<int:number>.ics")
@one_snapshot
def recommendation_ics(number: int):
    recommendation = db.session.get(Recommendation, number) if 0 < number < 1000 else None
    if recommendation is None:
        abort(404, f"There is no Recommendation {number}.")
    return _taskforce(
        ".recommendation_ics",
        f"CWS ICT Task Force: Rec {number} talks",
        f"Every Task Force presentation on Recommendation {number}: "
        f"{one_line(recommendation.short_title)}.",
        lambda since: recommendation_feed(number, meeting_url, since),
        number=number,
    )


@bp.get("/feeds/offices/<code>.ics")
@one_snapshot
def office_ics(code: str):
    office = office_named(code)
    keys = signing_keys(current_app.config)
    if office is None or not token_is_valid(office, request.args.get("token"), keys):
        abort(404, "No such feed: the link may be mistyped or revoked.")
    url = url_for(".office_ics", code=office.code, token=request.args["token"], _external=True)
    since = cutoff()
    body, etag, changed = _current(
        ("office", office.code, office.feed_version, url, since),
        _calendar(
            FeedInfo(
                f"{office.short_name}: CWS ICT Task Force presentations",
                url,
                f"The slots {office.name} presents in published meetings, tentative ones included.",
            ),
            lambda: office_feed(office, meeting_url, since),
        ),
    )
    return _answer(body, etag, changed, private=True)


def _office(code: str) -> Office:
    """The office a co-lead's address names, read as its page reads it (`office_named`)."""
    office = office_named(code)
    if office is None:
        abort(404, f"No office {code}.")
    return office


@bp.get("/offices/<code>/feed/revoke")
@colead_required
def confirm_revoke(code: str):
    """Asks before replacing the office's feed link, saying what it changes."""
    office = _office(code)
    back = url_for("offices.detail", code=office.code) + "#feed"
    return render_template(
        "confirm.html",
        question=f"Revoke the calendar feed link of {office.code}?",
        consequences=[
            f"Calendars subscribed to {office.code}'s current link stop receiving updates: "
            "the link answers “not found” from now on.",
            "A new link is made at once. Nobody is emailed: the office's page then offers to "
            "email the new link to its contacts.",
        ],
        action=url_for(".revoke", code=office.code),
        fields={"link_seen": link_seen(office.feed_version)},
        button="Revoke and make a new link",
        back=back,
        back_label="Keep the link",
        crumbs=[("Offices", url_for("offices.index")), (office.code, back)],
    )


@bp.post("/offices/<code>/feed/revoke")
@colead_required
def revoke(code: str):
    office = _office(code)
    if link_changed(office.feed_version, request.form.get("link_seen")):
        # Sent twice, or from a page opened before someone else made a new link: the link made
        # since is the one subscribers may have now.
        flash(
            f"Nothing was revoked: {office.code}'s feed link was replaced since this page asked "
            "(the form was sent twice, or by someone else). Is it the new link you want to "
            "revoke?",
            "error",
        )
        return confirm_revoke(office.code), 409
    revoke_office_feed(office)
    messages.feed_link_revoked(office)
    flash(
        f"The old feed link of {office.code} no longer works; email the office the new one "
        "(below).",
        "success",
    )
    return redirect(url_for("offices.detail", code=office.code) + "#feed")


@bp.get("/offices/<code>/feed/email")
@colead_required
def confirm_email(code: str):
    """Asks before emailing the office's feed link to its contacts, naming them."""
    office = _office(code)
    back = url_for("offices.detail", code=office.code) + "#feed"
    contacts = messages.feed_contacts(office)
    if not contacts:
        flash(f"{office.code} has no contacts to email its feed link to: add one first.", "error")
        return redirect(url_for("offices.detail", code=office.code) + "#contacts")
    who = _recipients(contacts)
    return render_template(
        "confirm.html",
        question=f"Email the calendar feed link of {office.code} to its contacts?",
        consequences=[
            f"{len(who)} {'contact gets' if len(who) == 1 else 'contacts get'} the link, with "
            "how each calendar program subscribes, in their language: " + "; ".join(who) + ".",
            f"Anyone with the link sees {office.code}'s slots in published meetings, tentative "
            "ones included; the email asks them to share it only within their office.",
        ],
        action=url_for(".email_feed", code=office.code),
        fields={"link_seen": link_seen(office.feed_version), "contacts_seen": _seen(who)},
        button="Email the link",
        back=back,
        back_label="Do not email it",
        crumbs=[("Offices", url_for("offices.index")), (office.code, back)],
    )


def _link_replaced(office: Office):
    """The link was replaced since the page asked: the co-lead may not want the new one sent
    without seeing it (or the form was sent twice, after a revocation)."""
    flash(
        f"Nothing was emailed: {office.code}'s feed link was replaced since this page asked. "
        "Email the new link?",
        "error",
    )
    return confirm_email(office.code), 409


def _recipients(contacts) -> list[str]:
    """Each contact as the confirmation names them: who gets the link, at which address, in
    which language."""
    return [
        f"{c.name} <{c.email}> "
        f"({messages.language_said(c.language, messages.written_language('feed', c.language))})"
        for c in contacts
    ]


def _seen(recipients: list[str]) -> str:
    """A fingerprint of the recipients the confirmation named, for its form to carry back."""
    return hashlib.sha256("\n".join(recipients).encode()).hexdigest()[:16]


@bp.post("/offices/<code>/feed/email")
@colead_required
def email_feed(code: str):
    office = _office(code)
    # One request at a time per office: the two of a double click, reaching two instances,
    # each found no email with this link on its way yet, and both wrote one to every contact.
    hold(office)
    if link_changed(office.feed_version, request.form.get("link_seen")):
        return _link_replaced(office)
    contacts = messages.feed_contacts(office)
    if not contacts:  # its contacts were removed since the page asked
        from planner.offices.views import detail

        flash(f"Nothing was emailed: {office.code} has no contacts now; add one first.", "error")
        return detail(office.code), 409
    if request.form.get("contacts_seen") != _seen(_recipients(contacts)):
        # A private link goes only to the people the co-lead saw named (another co-lead added
        # a contact, or changed an address, since), as "Send all held" sends only the
        # messages it showed (helper-86).
        flash(
            f"Nothing was emailed: {office.code}'s contacts changed since this page asked. "
            "Email the link to them as they are now?",
            "error",
        )
        return confirm_email(office.code), 409
    version = office.feed_version
    sent, waiting = messages.feed_link(office, office_feed_url(office))
    # Read again, and held until these emails are stored: a revocation that landed while they
    # were written withdrew none of them, and they would carry the link it revoked.
    db.session.refresh(office, with_for_update=True)
    if office.feed_version != version:
        return _link_replaced(office)  # the error answer stores none of them
    if sent:
        names = ", ".join(m.recipient_name or m.recipient_email for m in sent)
        flash(f"{office.code}'s feed link goes to {names}. {queued_note(len(sent))}", "success")
    if waiting:
        names = ", ".join(c.name or c.email for c in waiting)
        flash(
            f"{office.code}'s feed link is on its way to {names} already: nothing was emailed "
            "again.",
            "success" if sent else "warning",
        )
    return redirect(url_for("offices.detail", code=office.code) + "#feed")


@bp.get("/meetings/<int:meeting_id>/schedule.json")
@one_snapshot
def schedule_json(meeting_id: int):
    meeting = _published(meeting_id)
    base_url = url_for("survey.overview", _external=True)
    body, etag, changed = _current(
        # Its materials are no change of the agenda's state (`changed_at`): their own date.
        ("schedule", meeting.id, meeting_url(meeting), base_url, meeting.materials_changed_at),
        lambda: schedule_for(meeting, meeting_url, base_url, material_json),
    )
    return _answer(body, etag, changed, mimetype="application/json")
