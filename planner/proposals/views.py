"""Volunteering (public), the volunteer's private proposal link, and the co-leads' review."""

from urllib.parse import parse_qsl, urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from planner.accounts import throttle
from planner.accounts.security import colead_required, editor
from planner.agenda.checks import AgendaError
from planner.agenda.models import Meeting, MeetingStatus, Slot, SlotStatus
from planner.agenda.operations import before_closing, create_slot
from planner.agenda.queries import (
    given_presentations,
    office_presents_already,
    published_to_come,
    slot_target_choices,
)
from planner.availability.forms import office_zone, read_into, save_proposal_windows
from planner.availability.operations import windows_of
from planner.calendar.operations import published_meetings_with
from planner.db_types import db_int, utcnow
from planner.extensions import db
from planner.forms import carry_version, stale
from planner.languages import readers_page, show_in
from planner.mail.messages import invitation_mailed, link_mailed, taskforce_address
from planner.mail.models import OutboxMessage
from planner.mail.outbox import fate
from planner.offices.contacts import language_code
from planner.offices.models import typed_code
from planner.pagination import Page, counted, paged, requested
from planner.proposals.forms import (
    ProposalEditForm,
    ProposalFields,
    ScheduleForm,
    StatusForm,
    VolunteerForm,
    decide_from,
    fill_choices,
    form_fields,
    office_not_listed,
    submit_from,
)
from planner.proposals.models import EMAILED_DECISIONS, STATUSES, Proposal, ProposalStatus
from planner.proposals.operations import (
    Conflict,
    SentBefore,
    by_token,
    closed_reason,
    decision,
    edit_by_office,
    evidence,
    evidence_for,
    from_same_office,
    reissue_link,
    review_query,
    revoke_link,
    slots_of,
    suggested_abstract,
    volunteer_part,
    why_not_withdrawable,
    withdraw,
)
from planner.recommendations.operations import all_recommendations
from planner.request_input import query_int
from planner.survey.operations import latest_survey, respondent_codes
from planner.timezones import moment_in
from planner.versioning import link_changed, link_seen
from planner.web import dead_link, reading, refuse_changes

bp = Blueprint("proposals", __name__)
# The volunteer's page says what became of the email inviting them to present (and the
# co-leads' "invited" page, and the email carrying the volunteer's own link).
bp.add_app_template_global(invitation_mailed, "invitation_mailed")
bp.add_app_template_global(fate, "email_fate")

# How many of the published meetings still to come the volunteer form names.
COMING_NAMED = 3


@bp.app_template_global()
def meetings_coming() -> list[Meeting]:
    """The published meetings still to come, soonest first, that the volunteer form names: what
    an office could volunteer for now (helper-204: a recommendation named in the form's words
    went on steering offices to a workshop that had been held)."""
    return published_to_come(utcnow(), COMING_NAMED)


# Proposals on a page of the review, newest first: a Task Force that has run for years has
# thousands, each shown with its evidence under each recommendation it names.
PAGE_SIZE = 50


def _suggest(form: ProposalFields, office: str) -> str | None:
    """Fill the abstract from the survey, unless the person has written one."""
    if not office or not form.recommendations.data:
        return None
    survey = latest_survey()
    suggestion = suggested_abstract(survey, office, form.recommendations.data or [])
    if suggestion and not (form.abstract.data or "").strip():
        form.abstract.data = suggestion
        return _(
            "Suggested from your office's own answer to question 4 of %(survey)s: change it as "
            "you like.",
            survey=survey.label,
        )
    return None


def _nothing_to_suggest(office: str) -> str:
    """Why no abstract was suggested: the office answered the survey with no project on these
    recommendations, or did not answer it (helper-252: SG's volunteer read that their office
    "reported no project", of a survey it never answered)."""
    survey = latest_survey()
    if survey is not None and office and office not in respondent_codes(survey):
        return _(
            "Your office did not answer %(survey)s, so there is nothing to suggest from; please "
            "describe your presentation yourself.",
            survey=survey.label,
        )
    return _(
        "Your office reported no project on these recommendations in the survey; please "
        "describe it yourself."
    )


def _chosen_on_the_form() -> str | None:
    """The language a volunteer form was sent in: its emails' language, which the form offers
    as the page's (a language picked on the page is kept in a session that may be gone)."""
    return request.form.get("language")


def _volunteers_language(token: str) -> str | None:
    """The language a proposal's volunteer chose, from its private link (None: no proposal)."""
    proposal = by_token(token)
    return proposal.contact_language if proposal else None


@bp.route("/volunteer", methods=["GET", "POST"])
@readers_page(_chosen_on_the_form, form=VolunteerForm)
def volunteer():
    shown_in = show_in()  # anyone's: in the language of their browser, or the one they pick
    form = VolunteerForm()
    fill_choices(form)
    form.office.description = office_not_listed()
    note = None
    if reading():
        # Whoever reads the form in Spanish likely wants the emails in it: offered, not forced.
        form.language.data = shown_in
        # A link's office read as a code typed anywhere (not str.upper: "ıe" was Ireland).
        form.office.data = typed_code(request.args.get("office"))
        number = query_int("recommendation")
        if number:
            form.recommendations.data = [number]
        note = _suggest(form, form.office.data or "")
    elif "suggest" in request.form:
        note = _suggest(form, form.office.data or "") or _nothing_to_suggest(form.office.data or "")
    elif "read_availability" in request.form:
        note = read_into(form, form.availability.data or "", office_zone(form.office.data))
    elif form.validate_on_submit():
        try:
            throttle.spend_proposal_budget()
        except throttle.Throttled as refusal:
            flash(
                _(
                    "%(refusal)s Your proposal is still in the form below.",
                    refusal=refusal.message,
                ),
                "error",
            )
            page = render_template("proposals/volunteer.html", form=form, note=note)
            return page, 429, refusal.headers()
        try:
            proposal, token = submit_from(form)
        except SentBefore as error:
            refuse_changes()
            if (kept := _sent_from_here(error.proposal)) is not None:
                # Sent again from the browser that sent it (back, then send): its page again.
                show_in(error.proposal.contact_language)
                flash(
                    _(
                        "This proposal was sent already, from this browser: here it is again. "
                        "Nothing new was sent."
                    ),
                    "info",
                )
                return redirect(url_for(".private", token=kept))
            flash(str(error), "error")
            return render_template("proposals/volunteer.html", form=form, note=note), 409
        except Conflict as error:
            refuse_changes()
            flash(str(error), "error")
            return render_template("proposals/volunteer.html", form=form, note=note), 409
        _remember_sent(proposal, token)
        # Said on the proposal's page, in the language it is shown in: the one chosen for the
        # emails (unless one was picked on a page), which may not be this form's.
        show_in(proposal.contact_language)
        flash(
            _(
                "Thank you: your proposal is with the co-leads. Keep the link of this page: it is "
                "the only way to see, edit or withdraw your proposal."
            ),
            "success",
        )
        return redirect(url_for(".private", token=token))
    status = 400 if form.errors else 200
    return render_template("proposals/volunteer.html", form=form, note=note), status


# How many proposals a browser remembers having sent (their private links, in its own session
# cookie): enough for a volunteer sending several, small enough for a cookie.
REMEMBERED = 5


def _remember_sent(proposal: Proposal, token: str) -> None:
    """The browser that sent a proposal keeps its private link in its session: sent again from
    there (back, then send, the page after sending lost), it is led to the proposal's page
    instead of being told of a link shown once (helper-142)."""
    sent = [pair for pair in session.get("sent_proposals", []) if pair[0] != proposal.id]
    session["sent_proposals"] = [*sent, [proposal.id, token]][-REMEMBERED:]


def _sent_from_here(proposal: Proposal) -> str | None:
    """The private link of `proposal` if this browser sent it and the link still opens it."""
    for number, token in session.get("sent_proposals", []):
        if number == proposal.id and isinstance(token, str) and by_token(token) is proposal:
            return token
    return None


def _by_token_or_404(token: str) -> Proposal:
    """The proposal a private link leads to; its pages are in the language its volunteer
    chose."""
    proposal = by_token(token)
    if proposal is None:
        abort(404, dead_link("proposal"))
    show_in(proposal.contact_language)
    return proposal


@bp.get("/proposals/<token>")
def private(token: str):
    proposal = _by_token_or_404(token)
    return render_template(
        "proposals/private.html",
        proposal=proposal,
        token=token,
        decision=decision(proposal),
        mailed=link_mailed(proposal),
        slots=(slots := slots_of(proposal)),
        parts={slot.id: volunteer_part(proposal, slot) for slot in slots},
        # Presented at a meeting that took place: said in the past (helper-204).
        given=_given_slots(proposal),
        # Public calendars only: the office's own feed link is a secret of its contacts and the
        # co-leads, not of whoever holds a proposal link (anyone can volunteer).
        feed_url=url_for("calendar.taskforce_ics", _external=True),
        meetings=published_meetings_with(proposal.id),
    )


@bp.route("/proposals/<token>/edit", methods=["GET", "POST"])
@readers_page(_volunteers_language, form=ProposalEditForm)
def edit(token: str):
    proposal = _by_token_or_404(token)
    decided = closed_reason(proposal)
    if not proposal.open_to_office and reading():
        flash(decided, "warning")
        return redirect(url_for(".private", token=token))
    form = ProposalEditForm(obj=proposal)
    fill_choices(form)
    form.kept_dates = frozenset(w.on for w in windows_of(proposal=proposal) if w.on is not None)
    form.empty_zone = office_zone(proposal.office_code)  # left empty, saved in it
    note = None
    if reading():
        form.recommendations.data = [r.number for r in proposal.recommendations]
        form.fill_contact(proposal)
        stored_windows = windows_of(proposal=proposal)
        form.fill(stored_windows, stored_windows[0].time_zone if stored_windows else None)
    problem = None
    if not proposal.open_to_office:
        # Decided while this form was open: what was typed comes back to copy, saved nowhere,
        # with the address to send it to where one is set (helper-150).
        if address := taskforce_address():
            problem = _(
                "%(decided)s Your changes were not saved; they are still below, to copy into a "
                "message to the co-leads at %(address)s.",
                decided=decided,
                address=address,
            )
        else:
            problem = _(
                "%(decided)s Your changes were not saved; they are still below, to copy into a "
                "message to the co-leads.",
                decided=decided,
            )
    elif "read_availability" in request.form:
        note = read_into(form, form.availability.data or "", office_zone(proposal.office_code))
    elif form.validate_on_submit():
        stored = ProposalEditForm(formdata=None, obj=proposal)
        stored.recommendations.data = [r.number for r in proposal.recommendations]
        stored.fill_contact(proposal)
        kept = windows_of(proposal=proposal)
        stored.fill(kept, kept[0].time_zone if kept else None)
        problem = stale(form, stored, proposal, _("Your proposal"))
        if problem is None:
            try:
                edit_by_office(
                    proposal,
                    form_fields(form),
                    form.recommendations.data,
                    consent=bool(form.consent.data),
                    language=language_code(form.language.data),
                )
                save_proposal_windows(form, proposal)
            except Conflict as error:
                problem = str(error)
            else:
                flash(_("Your changes are saved."), "success")
                return redirect(url_for(".private", token=token))
    status = 409 if problem else 400 if form.errors else 200
    page = render_template(
        "proposals/edit.html",
        form=form,
        proposal=proposal,
        token=token,
        problem=problem,
        note=note,
    )
    return page, status


@bp.route("/proposals/<token>/withdraw", methods=["GET", "POST"])
@readers_page(_volunteers_language)
def withdraw_view(token: str):
    """Withdrawing cannot be undone: the page asks first, and the withdrawal is of the proposal
    as the question showed it (its version); a post without it, or of an older version, asks
    again."""
    proposal = _by_token_or_404(token)
    if refused := why_not_withdrawable(proposal):
        flash(refused, "warning")
        return redirect(url_for(".private", token=token))
    asked = request.form.get("version") if request.method == "POST" else None
    if asked != str(proposal.version):
        if asked is not None and asked.isascii() and asked.isdigit():
            flash(
                _(
                    "Your proposal changed since you were asked (edited on another page): "
                    "nothing is withdrawn. Here is the question about it as it is now."
                ),
                "warning",
            )
        elif request.method == "POST":
            flash(_("Nothing is withdrawn yet: confirm below."), "warning")
        return render_template(
            "confirm.html",
            question=_("Withdraw “%(title)s”?", title=proposal.title),
            consequences=[
                _(
                    "The co-leads will no longer consider it, and it can no longer be edited: "
                    "this cannot be undone. To offer it again, you would send a new proposal."
                ),
                _("No one is emailed; the co-leads see it as withdrawn."),
            ],
            action=url_for(".withdraw_view", token=token),
            fields={"version": proposal.version},
            button=_("Withdraw the proposal"),
            back=url_for(".private", token=token),
            back_label=_("Keep my proposal"),
            crumbs=[(_("Your proposal"), url_for(".private", token=token))],
        ), 409 if request.method == "POST" else 200
    try:
        withdraw(proposal)
    except Conflict as error:
        flash(str(error), "error")
    else:
        flash(_("Your proposal is withdrawn."), "success")
    return redirect(url_for(".private", token=token))


@bp.get("/proposals")
@colead_required
def review():
    status = request.args.get("status") or None
    if status and status not in STATUSES:
        abort(400, f"Status is one of: {', '.join(STATUSES)}.")
    number = query_int("recommendation")
    page_number, size = requested(request.args, size=PAGE_SIZE, max_size=PAGE_SIZE)
    page, proposals = paged(review_query(status, number), page_number, size)
    survey = latest_survey()
    recommendations = all_recommendations()
    groups = [
        (r, [p for p in proposals if r in p.recommendations])
        for r in recommendations
        if number in (None, r.number)
    ]
    return render_template(
        "proposals/review.html",
        groups=[(r, ps) for r, ps in groups if ps],
        proposals=proposals,
        page=page,
        back=urlencode(_review_args(status, number, page.number)) or None,
        statuses=STATUSES,
        status=status,
        number=number,
        recommendations=recommendations,
        evidence=evidence_for(proposals, survey),
        survey=survey,
        # Accepted ones presented at a meeting that took place say so (helper-204): still
        # "accepted", they read as talks to place.
        given=_given_by_proposal(),
    )


def _given_slots(proposal: Proposal) -> set[int]:
    """The slots of the proposal whose talk was given, at meetings that took place."""
    return {slot.id for slot in given_presentations(utcnow(), proposal_id=proposal.id)}


def _given_by_proposal() -> dict[int, Slot]:
    """The latest talk given of each proposal presented at a meeting that took place."""
    given: dict[int, Slot] = {}
    for slot in given_presentations(utcnow()):  # latest meeting first
        if slot.proposal_id is not None:
            given.setdefault(slot.proposal_id, slot)
    return given


def _review_args(status: str | None, number: int | None, page: int) -> dict:
    """The review's filters and page, as its address names them."""
    args = {"status": status, "recommendation": number, "page": page if page > 1 else None}
    return {name: value for name, value in args.items() if value is not None}


def _back() -> tuple[str | None, str]:
    """A proposal's page carries the review's filters and page it was opened from, as
    `?back=status=submitted&page=3`, to lead back to them (helper-203: its breadcrumb led to the
    review's first page, unfiltered). Returns (`back` to carry on, the review's address).

    Only the review's own arguments are read from it, each checked as the review checks it;
    anything else is dropped, so it leads nowhere but the review. A page that is gone (a
    decision took the last proposal of the filter's last page out of it) is the last page."""
    given = dict(parse_qsl(request.args.get("back", "")))
    status = given.get("status") if given.get("status") in STATUSES else None
    number, page = (_positive(given.get(name)) for name in ("recommendation", "page"))
    if page and page > 1:
        page = min(page, Page(1, PAGE_SIZE, counted(review_query(status, number))).pages)
    args = _review_args(status, number, page or 1)
    return urlencode(args) or None, url_for(".review", **args)


def _positive(text: str | None) -> int | None:
    try:
        number = db_int((text or "").strip())
    except ValueError:
        return None
    return number if number > 0 else None


@bp.route("/proposals/<int:proposal_id>", methods=["GET", "POST"])
@colead_required
def decide(proposal_id: int):
    proposal = db.get_or_404(Proposal, proposal_id, description=f"No proposal {proposal_id}.")
    form = StatusForm()
    status = 200
    if reading():
        form.version.data = proposal.version
    elif form.validate_on_submit():
        try:
            message = decide_from(form, proposal)
        except Conflict as error:
            form.status.errors.append(str(error))
            carry_version(form, proposal)
            status = 409
        else:
            flash(_decided(proposal, message), "success")
            return redirect(url_for(".decide", proposal_id=proposal.id, back=_back()[0]))
    else:
        status = 400
    return _decide_page(proposal, form), status


def _decided(proposal: Proposal, message: OutboxMessage | None) -> str:
    """What a decision did, and what comes next: whether the volunteer is told (the email was
    just queued: it goes unless no mail server is set up), and, once accepted, the way onto an
    agenda."""
    said = [f"Proposal #{proposal.id} is {proposal.status}."]
    if proposal.status in EMAILED_DECISIONS:
        if message is None:
            said.append("The volunteer gave no email address: tell them yourself.")
        elif not current_app.config.get("MAIL_SERVER"):
            said.append(
                "The email telling the volunteer is in the outbox, not sent: no mail server is "
                "set up, so tell them yourself."
            )
        else:
            said.append("The volunteer is emailed the decision and its reason.")
    if proposal.status == ProposalStatus.accepted:
        said.append("Next: put it on an agenda under “Schedule” below.")
    return " ".join(said)


def _schedule_form(proposal: Proposal | None = None, *, submitted: bool = False) -> ScheduleForm:
    """The meetings a slot for the proposal may go in. As shown (`proposal`), not those whose
    agenda holds it already, which would refuse it (409, helper-174: "Schedule" was offered
    into the meeting it was in); sent, any, so that a page opened before says why."""
    form = ScheduleForm() if submitted else ScheduleForm(formdata=None)
    meetings = slot_target_choices(utcnow())
    if proposal is not None:
        holding = {slot.meeting_id for slot in slots_of(proposal, live=True)}
        meetings = [m for m in meetings if m.id not in holding]
    form.set_meetings(meetings)
    return form


def _decide_page(
    proposal: Proposal,
    form: StatusForm,
    new_link: str | None = None,
    schedule_form: ScheduleForm | None = None,
) -> str:
    # The reason of an acceptance or a refusal goes to the volunteer with it: say so where it
    # is written (helper-66: co-leads wrote it as a note to each other).
    if (proposal.contact_email or "").strip():
        form.reason.description = (
            f"Kept in the history. Accepting, declining or putting it on the waiting list emails "
            f"it to {proposal.contact_name} with the decision: write it for them."
        )
    form.offer(proposal.status)
    back, review = _back()
    return render_template(
        "proposals/decide.html",
        back=back,
        review=review,
        proposal=proposal,
        form=form,
        evidence=evidence(proposal, latest_survey()),
        new_link=new_link,
        schedule_form=schedule_form or _schedule_form(proposal),
        slots=slots_of(proposal),
        on_agenda=slots_of(proposal, live=True) if proposal.status == "accepted" else [],
        others=from_same_office(proposal),
        # Presented at a meeting that took place: said so, not "scheduled" (helper-204).
        given=_given_slots(proposal),
        link_seen=link_seen,
    )


@bp.post("/proposals/<int:proposal_id>/schedule")
@colead_required
def schedule(proposal_id: int):
    """A slot for an accepted proposal in the chosen meeting, filled from the proposal; the
    co-lead goes on to check it on the slot's page."""
    proposal = db.get_or_404(Proposal, proposal_id, description=f"No proposal {proposal_id}.")
    form = _schedule_form(submitted=True)
    status_form = StatusForm(formdata=None, version=proposal.version)
    if not form.validate_on_submit():
        status = _no_longer_offered(form) or 400
        return _decide_page(proposal, status_form, schedule_form=form), status
    meeting = db.session.get(Meeting, int(form.meeting.data))
    try:
        slot = create_slot(meeting, {"proposal_id": proposal.id, "status": SlotStatus.proposed})
        db.session.flush()
        before_closing(slot)
        db.session.flush()
    except AgendaError as error:
        refuse_changes()
        form.meeting.errors.append(str(error))
        return _decide_page(proposal, status_form, schedule_form=form), error.status
    where = f", {moment_in(meeting.time_zone, slot.starts_at)}" if slot.starts_at else ""
    public = (
        " The meeting is published: its agenda and calendars already show it, as to be confirmed."
        if meeting.status == MeetingStatus.published
        else ""
    )
    flash(
        f"“{slot.title}” is in {meeting.title}{where}, filled from proposal #{proposal.id}, "
        f"as proposed.{public} Check its details here, then invite its presenter (below)."
        + ("" if slot.starts_at else " The meeting has no date yet: its time follows once set."),
        "success",
    )
    if twice := office_presents_already(slot):
        flash(twice, "warning")
    return redirect(url_for("agenda.edit_slot", slot_id=slot.id))


def _no_longer_offered(form: ScheduleForm) -> int | None:
    """A meeting chosen on a page opened before it was deleted, cancelled or ended: said so
    beside the choice, to choose again (helper-179: "Not a valid choice.", as if mistyped)."""
    sent = form.meeting.data or ""
    if sent in {choice.value for choice in form.meeting.choices}:
        return None
    try:
        meeting = db.session.get(Meeting, db_int(sent))
    except ValueError:  # not a number, or beyond any id: mistyped, as the form library says
        return None
    if meeting is None:
        form.meeting.errors = [
            f"There is no meeting {sent} (deleted since this page was opened?): choose again."
        ]
        return 404
    now = "cancelled now" if meeting.status == MeetingStatus.cancelled else "over"
    form.meeting.errors = [f"“{meeting.title}” is {now}: it takes no new slot. Choose another."]
    return 409


@bp.get("/proposals/<int:proposal_id>/link")
@colead_required
def confirm_revoke_link(proposal_id: int):
    """Asks before revoking the volunteer's private link to the proposal's page, saying what it
    changes and what it does not (the office's calendar feed link, a presenter's link)."""
    proposal = db.get_or_404(Proposal, proposal_id, description=f"No proposal {proposal_id}.")
    carried, review = _back()
    back = url_for(".decide", proposal_id=proposal.id, back=carried)
    if not proposal.link_hash:
        flash("The proposal link is already revoked.", "warning")
        return redirect(back)
    return render_template(
        "confirm.html",
        question=(
            f"Revoke the private link to proposal #{proposal.id}, “{proposal.title}”, given to "
            f"its volunteer {proposal.contact_name}?"
        ),
        consequences=[
            f"Whoever has it ({proposal.contact_name}, and anyone they passed it to) can no "
            "longer open the proposal's page: see it and what became of it"
            + (", edit or withdraw it." if proposal.open_to_office else "."),
            "Nobody is emailed; the proposal itself stays as it is.",
            "Only this link ends: the office's calendar feed link (on the office's page) and the "
            "private links of presenters keep working.",
            f"“Make a new proposal link” gives {proposal.contact_name} another one, shown once "
            "to send them.",
        ],
        action=url_for(".link", proposal_id=proposal.id, back=carried),
        fields={"action": "revoke", "link_seen": link_seen(proposal.link_hash)},
        button="Revoke the proposal link",
        back=back,
        crumbs=[("Proposals", review), (f"#{proposal.id}", back)],
    )


@bp.post("/proposals/<int:proposal_id>/link")
@colead_required
def link(proposal_id: int):
    """Revoke the volunteer's private proposal link, or make a new one (shown once, on this
    answer)."""
    proposal = db.get_or_404(Proposal, proposal_id, description=f"No proposal {proposal_id}.")
    action = request.form.get("action")
    if action not in ("revoke", "reissue"):
        abort(400, "Say whether to revoke the link or make a new one.")
    if proposal.link_hash is not None and link_changed(
        proposal.link_hash, request.form.get("link_seen")
    ):
        # A page opened before someone else made a new link (shown to them once, perhaps sent
        # to the office already), or a form sent twice: that link stays.
        flash(
            "Nothing changed: the volunteer's proposal link was replaced since this page was "
            "opened (the form was sent twice, or by another co-lead). This is the page as it is "
            "now: decide again.",
            "error",
        )
        form = StatusForm(formdata=None, version=proposal.version)
        return _decide_page(proposal, form), 409
    try:
        if action == "revoke":
            revoke_link(proposal, actor=editor())
        else:
            token = reissue_link(proposal, actor=editor())
    except Conflict as error:
        flash(str(error), "error")
        return redirect(url_for(".decide", proposal_id=proposal.id, back=_back()[0]))
    if action == "revoke":
        flash("The volunteer's proposal link is revoked: it now leads nowhere.", "success")
        return redirect(url_for(".decide", proposal_id=proposal.id, back=_back()[0]))
    form = StatusForm(formdata=None, version=proposal.version)
    return _decide_page(proposal, form, url_for(".private", token=token, _external=True))
