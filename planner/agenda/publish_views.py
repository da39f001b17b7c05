"""Publishing a meeting, cancelling it (deleting it while a draft), bringing a cancelled one
back, and copying one as a new draft: each asked first on a page that says what it sends and to
whom (or what it brings along), and asked again if the meeting changed since."""

from flask import current_app, flash, redirect, render_template, url_for
from sqlalchemy import select

from planner.accounts.security import colead_required
from planner.agenda.blueprint import bp
from planner.agenda.checks import AgendaError
from planner.agenda.edit_page import editor_page
from planner.agenda.models import Meeting, MeetingStatus, SlotStatus, presenter_to_copy
from planner.agenda.operations import (
    copy_meeting,
    copy_plan,
    publish,
    publish_problem,
    refuse_if_ended,
    reinstate,
    reinstate_problem,
    remove_meeting,
    titles_of,
)
from planner.agenda.view_helpers import (
    JUST_MADE,
    asked_version,
    changed_since_asked,
    emailed_note,
    meeting_crumbs,
    meeting_or_404,
    twin_of,
    unless_asked_again,
)
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.messages import back_on_news
from planner.mail.outbox import hold_invitations
from planner.offices.contacts import contacts_for
from planner.timezones import moment_in
from planner.web import refuse_changes


@bp.get("/meetings/<int:meeting_id>/publish")
@colead_required
def confirm_publish(meeting_id: int):
    """Asks first, saying who sees and who is sent what once the meeting is published."""
    found = meeting_or_404(meeting_id, drafts=True)
    if found.status != MeetingStatus.draft:
        flash("It is already published (or cancelled): nothing to publish.", "warning")
        return redirect(url_for(".meeting", meeting_id=found.id))
    if problem := publish_problem(found):
        flash(f"Not ready to publish: {problem}", "error")
        return redirect(url_for(".edit", meeting_id=found.id))
    return _confirm_publish(found)


def _confirm_publish(found: Meeting, status: int = 200):
    talks = [
        s
        for s in found.slots
        if s.kind == "presentation" and s.office_code and s.status != SlotStatus.cancelled
    ]
    offices = sorted({s.office_code for s in talks})
    # Only offices with a contact are written to (helper-60: it named offices with none).
    told = [code for code in offices if contacts_for(code)]
    silent = [code for code in offices if code not in told]
    return render_template(
        "confirm.html",
        question=f"Publish “{found.title}”?",
        consequences=[
            "The agenda becomes public, and the meeting and its slots appear in every calendar "
            "feed: subscribers see them at their next refresh. It cannot become a draft again, "
            "only be cancelled.",
            "Invited presenters are emailed that their slot is on a published agenda."
            if any(s.invitation for s in found.slots)
            else "No presenter is invited yet.",
            (
                f"The contacts of the presenting offices ({', '.join(told)}) are emailed the "
                "slot for their calendars, unless they turned such messages off."
                if told
                else "No office presents yet: no office contact is emailed."
                if not offices
                else "No presenting office has a contact saved: no office contact is emailed."
            )
            + (
                f" {', '.join(silent)} ha{'s' if len(silent) == 1 else 've'} no contact saved."
                if told and silent
                else ""
            ),
            *_without_mail_server(),
            *_before_publishing(found),
        ],
        action=url_for(".publish_view", meeting_id=found.id),
        fields={"version": asked_version(found)},
        button="Publish",
        back=url_for(".edit", meeting_id=found.id),
        back_label="Not yet",
        crumbs=meeting_crumbs(found),
    ), status


def _without_mail_server() -> list[str]:
    """What a page that asks first says of the messages it writes while no mail server is set."""
    if current_app.config.get("MAIL_SERVER"):
        return []
    return [
        "No mail server is configured (MAIL_SERVER): these messages wait in the outbox, marked "
        "not sent, until one is and a co-lead sends them again."
    ]


def _before_publishing(meeting: Meeting) -> list[str]:
    """What the co-lead may want to settle before publishing (helper-66): it goes out as it is."""
    checks = []
    uninvited = [
        s
        for s in meeting.slots
        if s.kind == "presentation" and s.status == SlotStatus.proposed and s.invitation is None
    ]
    if uninvited:
        checks.append(
            f"Check first: {titles_of(uninvited)} ha{'s' if len(uninvited) == 1 else 've'} no "
            "presenter invited yet; the public agenda shows "
            f"{'it' if len(uninvited) == 1 else 'them'} as proposed."
        )
    if not meeting.video_url:
        checks.append(
            "Check first: the meeting has no video link, so calendars and emails carry none; "
            "added later, subscribers get it at their next refresh."
        )
    return checks


@bp.post("/meetings/<int:meeting_id>/publish")
@colead_required
def publish_view(meeting_id: int):
    found = meeting_or_404(meeting_id, drafts=True)
    if found.status == MeetingStatus.published:
        # A second click, or a tab opened before someone published it.
        flash("It was already published: nothing changed.", "warning")
        return redirect(url_for(".meeting", meeting_id=found.id))
    if found.status == MeetingStatus.cancelled:
        # A tab opened before someone cancelled it: a cancellation is not undone.
        flash("Not published: the meeting was cancelled since, and stays cancelled.", "error")
        return redirect(url_for(".meeting", meeting_id=found.id))
    # What the page said publishing sends, and to whom, is about the meeting it showed; a
    # meeting that could not be published anyway is refused for that reason below.
    if publish_problem(found) is None and changed_since_asked(found, "meeting", "published"):
        return _confirm_publish(found, 409)
    try:
        publish(found)
    except AgendaError as error:
        refuse_changes()
        flash(f"Not published: {error}", "error")
        return editor_page(found, status=409)
    flash(
        emailed_note("Published: the agenda is public and in the calendar feeds.", "their slots"),
        "success",
    )
    return redirect(url_for(".meeting", meeting_id=found.id))


@bp.get("/meetings/<int:meeting_id>/delete")
@colead_required
def confirm_delete(meeting_id: int):
    """Asks first, saying what cancelling the meeting (or deleting the draft) sends or changes."""
    return _confirm_delete(meeting_or_404(meeting_id, drafts=True))


def _confirm_delete(found: Meeting, status: int = 200):
    back = url_for(".edit", meeting_id=found.id)
    if found.status == MeetingStatus.cancelled:
        flash("The meeting is already cancelled.", "warning")
        return redirect(back)
    if found.was_published:
        try:
            refuse_if_ended(found)  # the rule the cancellation itself keeps
        except AgendaError as error:
            flash(str(error), "warning")
            return redirect(back)
        # Presenters who still hold their slot: one no longer holding it was told already.
        invited = sum(1 for s in found.slots if s.held_by is not None)
        question = f"Cancel “{found.title}”?"
        consequences = [
            "The meeting and its agenda stay visible, marked cancelled. Until its time has "
            "passed, “Bring the meeting back…” on its editor publishes it again as it was, "
            "telling whoever this cancellation reached.",
            "Subscribers' calendars show the meeting and every slot cancelled at their next "
            "refresh.",
            f"The {invited} invited presenter{'s' if invited != 1 else ''} and the office "
            "contacts who had it in their calendars get a cancellation email."
            if invited
            else "No presenter holds a slot in it now (none was invited, or theirs was "
            "cancelled or given up, and they were told then); office contacts who had it in "
            "their calendars get a cancellation email.",
        ]
        button = "Cancel the meeting"
    else:
        question = f"Delete the draft “{found.title}”?"
        consequences = [
            f"The draft and its {len(found.slots)} slot{'s' if len(found.slots) != 1 else ''} "
            "are deleted for good.",
            "It was never published, so no subscriber's calendar holds it; presenters invited "
            "to its slots get a cancellation email.",
        ]
        button = "Delete the draft"
    return render_template(
        "confirm.html",
        question=question,
        consequences=consequences,
        action=url_for(".delete", meeting_id=found.id),
        fields={"version": asked_version(found)},
        button=button,
        back=back,
        crumbs=meeting_crumbs(found),
    ), status


@bp.post("/meetings/<int:meeting_id>/delete")
@colead_required
def delete(meeting_id: int):
    found = meeting_or_404(meeting_id, drafts=True)
    if changed_since_asked(found, "meeting"):
        return _confirm_delete(found, 409)
    try:
        outcome = remove_meeting(found)
    except AgendaError as error:
        # Refused (an ended meeting is not cancelled): said on the editor, as a 4xx.
        flash(str(error), "warning")
        return editor_page(found, status=error.status)
    if outcome == "deleted":
        flash(emailed_note("The draft meeting is deleted.", "the cancellation"), "success")
        return redirect(url_for(".index"))
    flash(
        emailed_note(
            "The meeting is cancelled; subscribers see it as cancelled.", "the cancellation"
        ),
        "success",
    )
    return redirect(url_for(".meeting", meeting_id=found.id))


@bp.get("/meetings/<int:meeting_id>/reinstate")
@colead_required
def confirm_reinstate(meeting_id: int):
    """Asks first, saying who is told that the cancelled meeting is back, and how."""
    found = meeting_or_404(meeting_id, drafts=True)
    if problem := reinstate_problem(found):
        flash(f"Not brought back: {problem}", "warning")
        return redirect(url_for(".edit", meeting_id=found.id))
    return _confirm_reinstate(found)


def _confirm_reinstate(found: Meeting, status: int = 200):
    news = back_on_news(found)
    cancelled = [s for s in found.slots if s.status == SlotStatus.cancelled]
    consequences = [
        "It is published again as it was when it was cancelled: on "
        f"{moment_in(found.time_zone, found.starts_at)}, with its slots, who presents them "
        "and their answers. Every calendar entry keeps its identity (its UID) with a higher "
        "SEQUENCE, so calendars put it back rather than add a second one.",
        "Subscribers' calendars show the meeting and its slots again at their next refresh"
        + (
            f"; {titles_of(cancelled)}, cancelled before the meeting was, "
            f"stay{'s' if len(cancelled) == 1 else ''} cancelled."
            if cancelled
            else "."
        ),
    ]
    if news.presenters:
        named = "; ".join(
            f"{invitation.name or invitation.email} (“{slot.title}”, "
            + (
                "confirmed: stays confirmed"
                if slot.status == SlotStatus.confirmed
                else "not answered yet: asked to answer"
                if invitation.answer is None
                else "asked for another time: still with you"
            )
            + ")"
            for slot, invitation in news.presenters
        )
        consequences.append(
            "Emailed that it is back, once each, as its cancellation reached them: "
            f"{named}. Nothing they confirmed changed: whoever had confirmed stays confirmed."
        )
    else:
        consequences.append("No presenter holding a slot in it was sent its cancellation.")
    if news.contacts:
        offices = ", ".join(f"{code} ({count})" for code, count in news.contacts.items())
        consequences.append(
            "Emailed that their office's presentations are back on the agenda, once each: the "
            f"office contacts its cancellation reached, {offices} (a contact who never had a "
            "slot gets it as its first news)."
        )
    else:
        consequences.append(
            "No office contact is emailed: none was sent its cancellation (or they turned "
            "such messages off)."
        )
    if news.held_again:
        named = "; ".join(
            f"the invitation to {invitation.name or invitation.email} (“{slot.title}”)"
            for slot, invitation in news.held_again
        )
        # Taken away before it went (held for review, or queued for the sender's next round:
        # `mail.messages.waiting.waiting_invitation`), it is written again as invitations are.
        consequences.append(
            f"Held again for your review in the outbox, as it never went: {named}."
            if hold_invitations()
            else f"Sent, as it never went before the meeting was cancelled: {named}."
        )
    taken_back = news.presenters_taken_back + [
        f"{count} office contact{'s' if count != 1 else ''} of {code}"
        for code, count in news.contacts_taken_back.items()
    ]
    if taken_back:
        consequences.append(
            "Not sent yet, so taken back instead (they hear of neither): the cancellation to "
            f"{', '.join(taken_back)}."
        )
    consequences += _without_mail_server()
    return render_template(
        "confirm.html",
        question=f"Bring “{found.title}” back?",
        consequences=consequences,
        action=url_for(".reinstate_view", meeting_id=found.id),
        fields={"version": asked_version(found)},
        button="Bring the meeting back",
        back=url_for(".edit", meeting_id=found.id),
        back_label="Keep it cancelled",
        crumbs=meeting_crumbs(found),
    ), status


@bp.post("/meetings/<int:meeting_id>/reinstate")
@colead_required
def reinstate_view(meeting_id: int):
    found = meeting_or_404(meeting_id, drafts=True)
    if found.status == MeetingStatus.published:
        # A second click, or another co-lead brought it back first.
        flash("It was brought back already: nothing changed.", "warning")
        return redirect(url_for(".meeting", meeting_id=found.id))
    if reinstate_problem(found) is None and changed_since_asked(found, "meeting", "brought back"):
        return _confirm_reinstate(found, 409)
    try:
        reinstate(found)
    except AgendaError as error:
        refuse_changes()
        flash(f"Not brought back: {error}", "error")
        return redirect(url_for(".edit", meeting_id=found.id))
    flash(
        emailed_note(
            "The meeting is back: published again as it was, and in the calendar feeds.",
            "that it is back",
        ),
        "success",
    )
    return redirect(url_for(".meeting", meeting_id=found.id))


@bp.get("/meetings/<int:meeting_id>/copy")
@colead_required
def confirm_copy(meeting_id: int):
    """Asks first, saying what the new draft brings along, and what it does not."""
    return _confirm_copy(meeting_or_404(meeting_id, drafts=True))


def _confirm_copy(found: Meeting, status: int = 200, again: int | None = None):
    kept, left = copy_plan(found)
    when = (
        f"on {moment_in(found.time_zone, found.starts_at)} for now"
        if found.starts_at
        else "with no date yet"
    )
    consequences = [
        f"A new draft, “{found.title}”, {when} (set its day on its editor), "
        + (f"in its series “{found.series.title}”, " if found.series else "")
        + "with "
        + (
            f"its {len(kept)} slot{'s' if len(kept) != 1 else ''} in order: their lengths, "
            "pins, offices, abstracts, recommendations and proposals."
            if kept
            else "no slot."
        ),
        "No one is invited and nothing is sent: the draft is seen by co-leads only until you "
        "publish it, and is a new event for calendars (its own UIDs).",
    ]
    # Who "Invite" fills in on the copy's talks (`presenters.views._invite_defaults`).
    presenters = [
        f"{presenter.name or presenter.email} (“{slot.title}”)"
        for slot, proposal in kept
        if (presenter := presenter_to_copy(slot, proposal)) is not None
    ]
    if presenters:
        consequences.append(
            "On its editor, “Invite” on each talk is filled in with who was invited to it "
            f"here: {'; '.join(presenters)}. Inviting them sends a new invitation, with a new "
            "private link, to confirm again."
        )
    if left:
        consequences.append(f"Not brought along: {'; '.join(left)}.")
    consequences.append(
        f"“{found.title}” itself stays as it is"
        + (
            ", cancelled."
            if found.status == MeetingStatus.cancelled
            else ": cancel it if the draft replaces it."
            if found.status == MeetingStatus.published and not found.ended()
            else "."
        )
    )
    fields = {"version": asked_version(found)}
    if again is not None:
        fields["again"] = str(again)
    return render_template(
        "confirm.html",
        question=f"Copy “{found.title}” as a new draft?",
        consequences=consequences,
        action=url_for(".copy_view", meeting_id=found.id),
        fields=fields,
        button="Copy as a new draft" if again is None else "Copy again anyway",
        back=url_for(".edit", meeting_id=found.id),
        back_label="Not now",
        crumbs=meeting_crumbs(found),
    ), status


def _copied_just_now(found: Meeting) -> Meeting | None:
    """A draft copied from `found` in the last `JUST_MADE` (a form sent twice: Back and send,
    a double click, a second tab), unless the co-lead asked for another all the same."""
    copies = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.created_at >= utcnow() - JUST_MADE,
            Meeting.status == MeetingStatus.draft,
            Meeting.copied_from_id == found.id,
        )
        .order_by(Meeting.id.desc())
        .limit(1)
    ).first()
    return unless_asked_again(copies)


@bp.post("/meetings/<int:meeting_id>/copy")
@colead_required
def copy_view(meeting_id: int):
    found = meeting_or_404(meeting_id, drafts=True)
    if changed_since_asked(found, "meeting", "copied"):
        return _confirm_copy(found, 409)
    if (twin := _copied_just_now(found)) is not None:
        made = twin_of(twin)
        flash(
            f"It was copied already {made.ago}, as the draft “{made.title}” (on its editor: "
            f"{made.url}): nothing was copied this time. To make a second copy all the same, "
            "press “Copy again anyway”.",
            "error",
        )
        return _confirm_copy(found, 409, again=twin.id)
    draft, left = copy_meeting(found)
    said = [
        f"Copied as a new draft from “{found.title}”: set its day and start below, invite its "
        "presenters (“Invite” is filled in with those of the meeting copied), then publish it."
    ]
    if left:
        said.append(f"Not brought along: {'; '.join(left)}.")
    flash(" ".join(said), "success")
    return redirect(url_for(".edit", meeting_id=draft.id))
