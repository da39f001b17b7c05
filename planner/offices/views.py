"""Office pages: the searchable list, each office's answers and local time, editing, and the
office's contacts (co-leads only)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from planner.accounts.security import colead_required, editor, is_colead
from planner.addresses import mailbox
from planner.agenda.operations import upcoming_for_office
from planner.db_types import utcnow
from planner.errors import PlannerError
from planner.extensions import db
from planner.forms import lost_race, saved_unless_stale
from planner.mail.messages import (
    language_said,
    news_for_contact,
    taken_from_contact,
    written_language,
    written_now,
)
from planner.mail.models import MessageKind, OutboxMessage
from planner.mail.outbox import unsent_note
from planner.offices.contacts import (
    add_contact,
    all_contacts,
    contacts_csv,
    contacts_for,
    remove_contact,
    update_contact,
)
from planner.offices.forms import ContactForm, OfficeForm
from planner.offices.models import LANGUAGES, Office, OfficeContact
from planner.offices.operations import find_offices, update_office
from planner.survey.operations import (
    answer_counts,
    query_answers,
    respondent_codes,
)
from planner.survey.records import Question
from planner.timezones import local_time, utc_offset
from planner.web import csv_download, office_feed_url, survey_from_request

bp = Blueprint("offices", __name__, url_prefix="/offices")

SECTIONS = (
    (Question.focus, "Could present", "Projects it reported as a current focus (Q4)."),
    (Question.discuss, "Wants discussed", "What it asked the Task Force to present (Q8)."),
    (Question.challenge, "Big challenges", "Q6"),
    (Question.low_priority, "Low priorities", "Q5"),
    (Question.implementation, "Comments on implementation", "Q3"),
    (Question.proposal, "Proposals to update the recommendations", "Q7"),
)


def _office(code: str) -> Office:
    office = db.session.get(Office, code.upper())
    if office is None:
        abort(404, f"No office with the ST.3 code {code} is known.")
    return office


@bp.get("")
def index():
    text = request.args.get("q", "")
    survey = survey_from_request()
    respondents = respondent_codes(survey) if survey else set()
    counts = answer_counts(survey) if survey else {}
    offices = find_offices(text)
    return render_template(
        "offices/index.html",
        offices=offices,
        text=text,
        survey=survey,
        respondents=respondents,
        counts=counts,
    )


@bp.get("/<code>")
def detail(code: str):
    office = _office(code)
    if office.code != code:
        survey = request.args.get("survey")
        return redirect(url_for(".detail", code=office.code, survey=survey))
    survey = survey_from_request()
    answers = query_answers(survey, office=office.code) if survey else []
    sections = [
        (question, heading, note, [a for a in answers if a.question is question])
        for question, heading, note in SECTIONS
    ]
    now = local_time(office.time_zone) if office.time_zone else None
    # The office's feed link is a secret: co-leads pass it on.
    feed_url = office_feed_url(office) if is_colead() else None
    return render_template(
        "offices/detail.html",
        office=office,
        survey=survey,
        responded=bool(answers) or (survey and office.code in respondent_codes(survey)),
        sections=sections,
        now=now,
        offset=utc_offset(now) if now else None,
        feed_url=feed_url,
        # Contacts are private: co-leads only.
        contacts=contacts_for(office.code) if is_colead() else None,
        upcoming=upcoming_for_office(office.code, utcnow()),
    )


@bp.route("/<code>/edit", methods=["GET", "POST"])
@colead_required
def edit(code: str):
    office = _office(code)
    form = OfficeForm(obj=office)
    problem = None
    if form.validate_on_submit():
        problem = saved_unless_stale(
            form,
            lambda: OfficeForm(formdata=None, obj=office),
            office,
            f"Office {office.code}",
            lambda: update_office(
                office,
                name=form.name.data,
                city=form.city.data or "",
                time_zone=form.time_zone.data or "",
                size=form.size.data,
                region=form.region.data,
                editor=editor(),
            ),
        )
        if problem is None:
            flash(f"{office.code} saved.", "success")
            return redirect(url_for(".detail", code=office.code))
    return render_template("offices/edit.html", office=office, form=form, problem=problem), (
        409 if problem else 400 if form.errors else 200
    )


def _contact(contact_id: int) -> OfficeContact:
    return db.get_or_404(
        OfficeContact, contact_id, description=f"There is no office contact {contact_id}."
    )


def _contact_fields(form: ContactForm) -> dict:
    return {
        "name": form.name.data,
        "email": form.email.data,
        "role": form.role.data or "",
        "language": form.language.data,
    }


def _language_hint() -> str:
    """The contact form's language field: what comes in it, and the languages the emails are
    not written in, whose contacts are written to in English (helper-164: Arabic was offered
    as if it were one)."""
    kinds = (MessageKind.update, MessageKind.cancellation, MessageKind.feed)
    unwritten = [
        name
        for code, name in LANGUAGES.items()
        if any(written_language(kind, code) != code for kind in kinds)
    ]
    hint = "Their emails come in it: the calendar invitations of the office's slots, its feed link."
    if unwritten:
        hint += (
            f" The emails have no {' or '.join(unwritten)} version: a contact who prefers "
            f"{'it' if len(unwritten) == 1 else 'one of them'} is written to in English."
        )
    return hint


def _slots(count: int) -> str:
    return f"{count} slot{'s' if count != 1 else ''}"


def _foretold(office: Office, contact: OfficeContact | None) -> str:
    """What saving the contact form will email, as the mail package would send it
    (`news_for_contact`, `taken_from_contact`), said before the co-lead saves."""
    news = len(news_for_contact(office.code))
    presents = (
        f"{office.code} presents {_slots(news)} on published agendas"
        if news
        else f"{office.code} presents no slot on a published agenda"
    )
    each = "each" if news > 1 else "it"
    if contact is None:
        if not news:
            return (
                f"{presents}: adding a contact emails them nothing now (the office's contacts "
                "are sent its slots once their meeting is published)."
            )
        return (
            f"{presents}: the new contact will be sent {each} as a calendar invitation, about a "
            "minute after you add them, in the language chosen below."
        )
    held = len(taken_from_contact(office.code, contact.email))
    if not news and not held:
        return f"{presents}: saving emails no one."
    written = written_language(MessageKind.update, contact.language)
    sent = (
        f"is sent {each} as a calendar invitation ({language_said(contact.language, written)})"
        if news
        else "is sent nothing"
    )
    cancelled = (
        f"{contact.email} a cancellation of the {_slots(held)} its calendar holds"
        if held
        else f"{contact.email} nothing (its calendar holds none of them)"
    )
    return (
        f"{presents}. Only a new email address sends anything: the new address {sent}, and "
        f"{cancelled}."
    )


def _foretold_removal(contact: OfficeContact) -> str:
    """What deleting the contact will email them, as the mail package would send it."""
    held = taken_from_contact(contact.office_code, contact.email)
    if not held:
        if not news_for_contact(contact.office_code):
            return (
                f"No email is sent: {contact.office_code} presents no slot on a published agenda."
            )
        return (
            f"No email is sent: {contact.name}'s calendar holds none of "
            f"{contact.office_code}'s slots on published agendas."
        )
    language = language_said(
        contact.language, written_language(MessageKind.cancellation, contact.language)
    )
    return (
        f"{contact.name}'s calendar holds {_slots(len(held))} {contact.office_code} presents "
        f"on published agendas: {contact.name} will be sent a cancellation of "
        f"{'each' if len(held) != 1 else 'it'} ({language})."
    )


def _to(email: str, method: str) -> list[OutboxMessage]:
    """The calendar messages (REQUEST or CANCEL) this save wrote to `email`."""
    return [
        m for m in written_now() if m.recipient_mailbox == mailbox(email) and m.ics_method == method
    ]


def _counted(messages: list[OutboxMessage], what: str, language: str) -> str:
    """ "2 calendar invitations (in Spanish)": what was written, in the language it was."""
    count = len(messages)
    said = f"{count} {what}{'s' if count != 1 else ''}"
    return f"{said} ({language_said(language, messages[0].language)})"


def _told(done: str, parts: list[str]) -> str:
    """`done`, then what the save emailed (`parts`, already counted), if anything."""
    if not parts:
        return done
    return " ".join(filter(None, (done, " ".join(parts), unsent_note())))


def _refused(form: ContactForm, error: PlannerError) -> str | None:
    """A refusal next to its field; one about no field is shown above the form."""
    if error.field and error.field in form:
        form[error.field].errors.append(error.message)
        return None
    return error.message


@bp.route("/<code>/contacts/new", methods=["GET", "POST"])
@colead_required
def new_contact(code: str):
    office = _office(code)
    form = ContactForm()
    problem, status = None, 200
    if form.validate_on_submit():
        try:
            lost = lost_race(lambda: add_contact(office, **_contact_fields(form), editor=editor()))
        except PlannerError as error:
            problem, status = _refused(form, error), error.status
        else:
            if lost is None:
                flash(_added(office, form), "success")
                return redirect(url_for(".detail", code=office.code) + "#contacts")
            problem, status = lost, 409
    elif form.errors:
        status = 400
    return _contact_page(office, form, None, problem), status


def _contact_page(office: Office, form: ContactForm, contact: OfficeContact | None, problem):
    form.language.description = _language_hint()
    return render_template(
        "offices/contact.html",
        office=office,
        form=form,
        contact=contact,
        problem=problem,
        foretold=_foretold(office, contact),
    )


def _added(office: Office, form: ContactForm) -> str:
    """What a co-lead is told of a contact added: the invitations it was sent (helper-164:
    "Contact added to PE." alone, while each of PE's slots was on its way to them)."""
    parts = []
    if sent := _to(form.email.data, "REQUEST"):
        invitations = _counted(sent, "calendar invitation", form.language.data)
        whose = (
            f"one for each of {office.code}'s slots"
            if len(sent) > 1
            else f"for {office.code}'s slot"
        )
        parts.append(
            f"{form.name.data.strip()} is sent {invitations}, {whose} on published agendas."
        )
    return _told(f"Contact added to {office.code}.", parts)


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@colead_required
def edit_contact(contact_id: int):
    # A save of a contact deleted meanwhile: the form names its office (`_deleted_meanwhile`).
    gone = request.method == "POST" and db.session.get(OfficeContact, contact_id) is None
    if gone and (office := request.form.get("office")):
        return _deleted_meanwhile(office)
    contact = _contact(contact_id)
    form = ContactForm(obj=contact)
    problem, status = None, 200
    if form.validate_on_submit():
        address = contact.email
        try:
            problem = saved_unless_stale(
                form,
                lambda: ContactForm(formdata=None, obj=contact),
                contact,
                "The contact",
                lambda: update_contact(contact, **_contact_fields(form)),
            )
        except PlannerError as error:
            problem, status = _refused(form, error), error.status
        else:
            if problem is None:
                flash(_saved(contact, address), "success")
                return redirect(url_for(".detail", code=contact.office_code) + "#contacts")
            status = 409
    elif form.errors:
        status = 400
    return _contact_page(contact.office, form, contact, problem), status


def _saved(contact: OfficeContact, address: str) -> str:
    """What a co-lead is told of a contact saved: what a new address (the contact's, once
    `address`) was sent, and the old one."""
    parts = []
    if mailbox(address) != contact.mailbox:
        if sent := _to(contact.email, "REQUEST"):
            invitations = _counted(sent, "calendar invitation", contact.language)
            parts.append(f"{contact.email} is sent {invitations}.")
        if gone := _to(address, "CANCEL"):
            parts.append(f"{address} is sent {_counted(gone, 'cancellation', contact.language)}.")
    return _told(f"{contact.name} saved.", parts)


def _deleted_meanwhile(code: str):
    """A save of a contact someone deleted since the page was opened: nothing is saved, and
    what was typed comes back as a new contact of its office, to add again or leave (helper-89:
    a bare 404 lost it)."""
    office = _office(code)
    form = ContactForm()
    form.validate()  # what is wrong with it is said now, not on the next try
    problem = (
        "This contact was deleted since you opened the page (by another co-lead): nothing was "
        f"saved. What you typed is below, as a new contact of {office.code}: add it again, or "
        "leave it."
    )
    return _contact_page(office, form, None, problem), 409


@bp.route("/contacts/<int:contact_id>/delete", methods=["GET", "POST"])
@colead_required
def delete_contact(contact_id: int):
    """Asks first (a page with a button, no script needed), then deletes."""
    contact = _contact(contact_id)
    problem = None
    if request.method == "POST":
        seen = request.form.get("version", "")
        if seen != str(contact.version):
            problem = (
                "The contact changed since you opened this page; look at it as it is now "
                "before deleting it."
            )
        else:
            code, name, email, language = (
                contact.office_code,
                contact.name,
                contact.email,
                contact.language,
            )
            remove_contact(contact)
            parts = []
            if gone := _to(email, "CANCEL"):
                cancellations = _counted(gone, "cancellation", language)
                parts.append(
                    f"{name} is sent {cancellations} for {code}'s slots in their calendar."
                )
            flash(_told(f"{name} is no longer a contact of {code}.", parts), "success")
            return redirect(url_for(".detail", code=code) + "#contacts")
    page = render_template(
        "offices/contact_delete.html",
        contact=contact,
        problem=problem,
        foretold=_foretold_removal(contact),
    )
    return page, 409 if problem else 200


@bp.get("/contacts.csv")
@colead_required
def contacts_export():
    """Every office's contacts, for co-leads, as a spreadsheet opens them safely."""
    response = csv_download(contacts_csv(all_contacts()), "office-contacts.csv")
    response.headers["Cache-Control"] = "private, no-store"
    return response
