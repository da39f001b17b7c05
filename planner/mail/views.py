"""The mail pages: unsubscribing with one click (no account: the signed link is the credential)
and, for co-leads, the outbox with its held messages, errors and "Send again"."""

import re

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from icalendar.parser import Contentline
from sqlalchemy import func, select

from planner.accounts.security import colead_required, editor
from planner.addresses import mailbox
from planner.db_types import utcnow
from planner.errors import ConflictError, PlannerError
from planner.extensions import csrf, db
from planner.languages import show_in
from planner.log_masking import HIDDEN, mask
from planner.mail import imip, outbox, sender
from planner.mail import unsubscribe as unsubscribing
from planner.mail.forms import HoldForm
from planner.mail.messages import (
    invitation_discarded,
    send_again,
    why_superseded,
    withdraw_waiting,
)
from planner.mail.models import MessageKind, MessageStatus, OutboxMessage
from planner.pagination import paged, requested

bp = Blueprint("mail", __name__)

KIND_NAMES = {
    "reminder": _l("reminders"),
    # As the messages name them: contacts hear of their office's presentations.
    "update": _l("updates about your office's presentations"),
    "proposal": _l("news of proposals that offices send"),
}
PRIVATE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}
PAGE_SIZE = 50
STATUS_LABELS = {
    MessageStatus.held: "held for review",
    MessageStatus.queued: "queued",
    MessageStatus.sent: "sent",
    MessageStatus.failed: "failed",
    MessageStatus.not_sent: "not sent",
    MessageStatus.superseded: "superseded (not sent)",
    MessageStatus.discarded: "discarded (not sent)",
}
# The HTML part is shown in a sandboxed frame: no script, no request to any other site, no form.
HTML_PART_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"
)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """GET asks to confirm with a button (a link checker's visit changes nothing); POST, from
    that button or from a mail client's one-click List-Unsubscribe-Post, unsubscribes."""
    value = unsubscribing.read_token(token)
    if value is None:
        show_in()  # the browser's language: a link cut short names no address (helper-163)
        abort(404, _("This unsubscribe link is not valid: it may be mistyped or cut short."))
    email, kind = value
    # In the language of the messages the link came in (helper-146: English under "Отказаться
    # от этих сообщений:"), else the browser's.
    show_in(_written_in(email))
    done = request.method == "POST"
    again = done and request.form.get("action") == "resubscribe"
    if again:
        unsubscribing.resubscribe(email, kind)
    elif done:
        unsubscribing.unsubscribe(email, kind)
        withdraw_waiting(email, kind)
    page = render_template(
        "mail/unsubscribe.html",
        token=token,
        email=email,
        kind=KIND_NAMES.get(kind, kind),
        kind_code=kind,
        done=done and not again,
        again=again,
    )
    return page, 200, PRIVATE


def _written_in(email: str) -> str | None:
    """The language of the last message written to `email` (None if none was)."""
    return db.session.scalar(
        select(OutboxMessage.language)
        .where(OutboxMessage.recipient_mailbox == mailbox(email))
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )


def _choice(name: str, allowed) -> str | None:
    value = (request.args.get(name) or "").strip()
    if value and value not in allowed:
        raise PlannerError(f"{name} is one of: {', '.join(allowed)}.", field=name)
    return value or None


@bp.get("/outbox")
@colead_required
def index():
    status = _choice("status", [s.value for s in MessageStatus])
    kind = _choice("kind", [k.value for k in MessageKind])
    number, size = requested(request.args, size=PAGE_SIZE, max_size=PAGE_SIZE)
    query = select(OutboxMessage)
    if status:
        query = query.where(OutboxMessage.status == status)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    page, messages = paged(query.order_by(OutboxMessage.id.desc()), number, size)
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    held = outbox.hold_invitations()
    return render_template(
        "mail/outbox.html",
        messages=messages,
        page=page,
        status=status,
        kind=kind,
        counts=counts,
        labels=STATUS_LABELS,
        kinds=[k.value for k in MessageKind],
        hold_form=HoldForm(formdata=None, hold_invitations=held, shown="1" if held else "0"),
        server=_server_address(current_app.config),
    )


def _server_address(config) -> str | None:
    """Where the sender delivers, as host and port ("127.0.0.1:8025", "[::1]:25")."""
    if not config.get("MAIL_SERVER"):
        return None
    host, port = sender.server(config)
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


@bp.post("/outbox/settings")
@colead_required
def settings():
    form = HoldForm()
    if not form.validate():
        flash("The setting was not saved: reload the page and try again.", "error")
        return redirect(url_for(".index"))
    wanted, now = form.hold_invitations.data, outbox.hold_invitations()
    shown = {"0": False, "1": True}.get(form.shown.data)
    if shown is not None and shown != now and wanted != now:
        # Changed by another co-lead since this page was shown: saving would undo it unseen.
        # The outbox is shown again as it is now, with why.
        flash(
            "Another co-lead changed this setting since you opened the page: new invitations "
            f"are {'held for review' if now else 'sent without review'} now. Nothing was "
            "saved; save again if you still want them "
            f"{'held' if wanted else 'sent without review'}.",
            "error",
        )
        return index(), 409
    if wanted != shown:
        # A save asking for what the page showed writes nothing: were it to write, another
        # co-lead's change committed between the read above and this write would be undone.
        # A change is safe to write: a setting of two values holds either the one this page
        # showed or the one asked for.
        outbox.set_hold_invitations(wanted)
    flash(
        "New invitations are held here for review."
        if wanted
        else "New invitations are sent without review.",
        "success",
    )
    return redirect(url_for(".index"))


def _message(message_id: int) -> OutboxMessage:
    return db.get_or_404(
        OutboxMessage, message_id, description=f"There is no message {message_id} in the outbox."
    )


def _unshared(text: str) -> str:
    """A message as co-leads see it: the recipient's private links and tokens (a volunteer's
    proposal link, a presenter's link, an unsubscribe link) shown as [hidden]. With one, a
    co-lead could act as the volunteer unseen; the message as sent keeps them."""
    return mask(text)


def _unshared_calendar(ics: str) -> bytes:
    """`_unshared` for a calendar: read unfolded (a link may be folded in two), each line folded
    again. Not read and written again by icalendar, which takes a backslash before a capital N
    in a value it wrote for a line break: the co-leads' copy is the calendar that goes."""
    unfolded = re.sub(r"\r?\n[ \t]", "", ics)
    lines = _unshared(unfolded).replace("\r\n", "\n").split("\n")
    return b"".join(Contentline(line).to_ical() + b"\r\n" for line in lines if line)


@bp.get("/outbox/<int:message_id>")
@colead_required
def message_page(message_id: int, status: int = 200):
    message = _message(message_id)
    newer = (
        outbox.newer_about_slot(message)
        if message.status in (MessageStatus.failed, MessageStatus.not_sent, MessageStatus.discarded)
        else None
    )
    superseded = message.status == MessageStatus.superseded
    return (
        render_template(
            "mail/outbox_message.html",
            message=message,
            newer=newer,
            why_not=why_superseded(message) if superseded else None,
            held_by_restore=outbox.held_by_restore(message),
            now=utcnow(),
            text_body=_unshared(message.text_body),
            hidden=HIDDEN,
            labels=STATUS_LABELS,
        ),
        status,
        PRIVATE,
    )


@bp.get("/outbox/<int:message_id>/part.html")
@colead_required
def html_part(message_id: int):
    """The HTML part, for the sandboxed frame on the message page only."""
    message = _message(message_id)
    if not message.html_body:
        abort(404, "This message has no HTML part.")
    headers = {
        **PRIVATE,
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": HTML_PART_POLICY,
        "X-Frame-Options": "SAMEORIGIN",
    }
    return _unshared(message.html_body), 200, headers


@bp.get("/outbox/<int:message_id>/invite.ics")
@colead_required
def ics(message_id: int):
    message = _message(message_id)
    if not message.ics:
        abort(404, "This message has no calendar.")
    headers = {
        **PRIVATE,
        "Content-Type": f"text/calendar; charset=utf-8; method={message.ics_method or 'PUBLISH'}",
        "Content-Disposition": f'attachment; filename="message-{message.id}.ics"',
    }
    # With the ORGANIZER the sender gives it as it goes out (one written before MAIL_FROM was
    # set named the built-in address): the calendar the co-lead checks is the one sent.
    written = imip.with_organizer(message.ics, sender.taskforce_email(current_app.config))
    return _unshared_calendar(written), 200, headers


@bp.post("/outbox/<int:message_id>/send")
@colead_required
def send(message_id: int):
    message = _message(message_id)
    try:
        sent = send_again(message, utcnow(), editor())
    except ConflictError as error:
        db.session.rollback()  # a message written again in its place goes neither
        flash(str(error), "error")
        return message_page(message_id, 409)
    if sent.rewritten:
        # The co-lead opened what was written then; they are shown what goes instead.
        with_link = (
            "its time, status, calendar SEQUENCE and the presenter's link"
            if sent.link
            else "its time, status and calendar SEQUENCE; without the presenter's link, which "
            "was revoked and no longer opens their page"
        )
        # An invitation is written again whatever changed: one that nothing about the slot
        # changed since is not said to have been wrong (helper-218).
        said = (
            "said the same (nothing it tells them changed since)"
            if _says_the_same(message, sent.message)
            else "said what no longer holds"
        )
        flash(
            f"Rewritten with the slot as it is now ({with_link}), as message {sent.message.id}: "
            f"the one you opened (message {message_id}) {said}, and never goes.",
            "success",
        )
    flash(outbox.queued_note(1), "success")
    return redirect(url_for(".message_page", message_id=sent.message.id))


def _says_the_same(opened: OutboxMessage, written: OutboxMessage) -> bool:
    """Whether a message written again says what the one a co-lead opened said: the same
    subject, text, HTML and calendar part but for its DTSTAMP (when it was written)."""

    def calendar(message: OutboxMessage) -> str:
        return re.sub(r"(?m)^DTSTAMP:.*\r?\n", "", message.ics or "")

    return (opened.subject, opened.text_body, opened.html_body, calendar(opened)) == (
        written.subject,
        written.text_body,
        written.html_body,
        calendar(written),
    )


@bp.post("/outbox/send-held")
@colead_required
def send_held():
    held = outbox.held_messages()
    if request.form.get("confirmed") != "yes":
        return render_template("mail/outbox_confirm.html", what="send_held", held=held)
    # The confirmation names the messages it showed: one held since (another co-lead's
    # invitation) was sent unseen, and one sent or discarded meanwhile was counted (helper-86).
    shown = set(request.form.getlist("message"))
    if shown != {str(message.id) for message in held}:
        return _held_again(
            "The held messages changed since you opened this page (a co-lead held, sent or "
            "discarded one meanwhile): nothing was sent."
        )
    try:
        count = outbox.release_held(utcnow(), held, editor())
    except ConflictError as error:
        db.session.rollback()  # the ones queued before it stay held too
        return _held_again(str(error))
    flash(outbox.queued_note(count) if count else "No message was held.", "success")
    return redirect(url_for(".index"))


def _held_again(why: str):
    """ "Send all held" refused: why, and the held messages as they are now, to decide again."""
    flash(f"{why} Here they are as they are now; decide again.", "error")
    page = render_template(
        "mail/outbox_confirm.html", what="send_held", held=outbox.held_messages()
    )
    return page, 409


@bp.post("/outbox/<int:message_id>/discard")
@colead_required
def discard(message_id: int):
    message = _message(message_id)
    if request.form.get("confirmed") != "yes":
        return render_template("mail/outbox_confirm.html", what="discard", message=message)
    try:
        outbox.discard(message, editor(), utcnow())
    except ConflictError as error:
        db.session.rollback()
        flash(str(error), "error")
        return message_page(message_id, 409)
    # What the copy of the talk its presenter holds as an office contact needs, now that the
    # invitation will not take its place.
    invitation_discarded(message)
    flash(
        f"Discarded: “{message.subject}” is not sent, and stays in the outbox marked discarded.",
        "success",
    )
    if message.kind == MessageKind.invitation and message.slot_id is not None:
        # Not sent is not revoked: the link was shown to the co-lead, who may have passed it on.
        flash(
            f"Nothing else about the slot is written to {message.recipient_email} as its "
            "presenter until their invitation reaches them (as an office contact, they hear of "
            "it as the other contacts do): “Send again” on the message or the meeting's editor "
            "sends it, written with the slot as it is then. Their private link still works (the "
            "co-lead who invited saw it): revoke it on the meeting's editor if no one should "
            "use it.",
            "warning",
        )
    return redirect(url_for(".index", status=MessageStatus.held))


@bp.post("/outbox/<int:message_id>/went")
@colead_required
def went(message_id: int):
    """ "It went before the restore": a message `db restored` held that the mail server's log
    (or its recipient) says went in the hours after the backup is recorded as sent, confirmed
    first. Not discarded: an invitation discarded counts as not reaching its presenter, and
    nothing about the slot followed it."""
    message = _message(message_id)
    if not outbox.held_by_restore(message):
        flash(
            "Only a message held after restoring a backup can be recorded as gone before the "
            "restore: this one is not.",
            "error",
        )
        return message_page(message_id, 409)
    if request.form.get("confirmed") != "yes":
        return render_template("mail/outbox_confirm.html", what="went", message=message)
    try:
        outbox.went_before_restore(message, editor(), utcnow())
    except ConflictError as error:
        db.session.rollback()
        flash(str(error), "error")
        return message_page(message_id, 409)
    flash(
        f"Recorded as sent: “{message.subject}” to {message.recipient_email} went before the "
        "restore, and does not go again. What follows it about its slot goes as after any "
        "message sent.",
        "success",
    )
    return redirect(url_for(".index", status=MessageStatus.held))
