"""The mail pages: unsubscribing with one click (no account: the signed link is the credential)
and, for co-leads, the outbox."""

from flask import Blueprint, abort, render_template, request

from planner.extensions import csrf
from planner.mail import unsubscribe as unsubscribing

bp = Blueprint("mail", __name__)

KIND_NAMES = {"reminder": "reminders", "update": "updates about slots and meetings"}
PRIVATE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """GET asks to confirm with a button (a link checker's visit changes nothing); POST, from
    that button or from a mail client's one-click List-Unsubscribe-Post, unsubscribes."""
    value = unsubscribing.read_token(token)
    if value is None:
        abort(404, "This unsubscribe link is not valid: it may be mistyped or cut short.")
    email, kind = value
    done = request.method == "POST"
    if done:
        unsubscribing.unsubscribe(email, kind)
    page = render_template(
        "mail/unsubscribe.html",
        token=token,
        email=email,
        kind=KIND_NAMES.get(kind, kind),
        done=done,
    )
    return page, 200, PRIVATE
