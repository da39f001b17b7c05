"""Office pages: the searchable list, each office's answers and local time, editing, and the
office's contacts (co-leads only)."""

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from planner.accounts.security import colead_required, editor, is_colead
from planner.agenda.models import Slot
from planner.agenda.operations import upcoming_for_office
from planner.agenda.queries import given_presentations
from planner.agenda.report import held_meetings, topics
from planner.db_types import utcnow
from planner.errors import PlannerError
from planner.extensions import db
from planner.forms import lost_race, saved_unless_stale
from planner.matching.sources import focus_readings
from planner.offices import said
from planner.offices.contacts import (
    add_contact,
    all_contacts,
    contact_rows,
    contacts_for,
    remove_contact,
    update_contact,
)
from planner.offices.forms import ContactForm, NewOfficeForm, OfficeForm
from planner.offices.models import Office, OfficeContact, typed_code
from planner.offices.operations import (
    add_office,
    entered_details,
    find_offices,
    office_named,
    update_office,
)
from planner.survey.operations import (
    answer_counts,
    changes_since_previous,
    query_answers,
    respondent_codes,
    surveys_answered,
)
from planner.survey.records import Question
from planner.text import readable
from planner.timezones import known, local_time, utc_offset
from planner.web import office_feed_url, survey_from_request, table_download


def served_on(code: str) -> list[tuple[int, list[Slot]]]:
    """The recommendations another office presented on at a meeting that took place which
    office `code` took part in, by number, each with those talks, latest first: what it was
    already offered, for the co-leads planning its next meeting."""
    history = topics(held_meetings(utcnow()))
    return [
        (number, history[number].took_part[code])
        for number in sorted(history)
        if code in history[number].took_part
    ]


bp = Blueprint("offices", __name__, url_prefix="/offices")
# A new office's form sent again within this time by the co-lead who added it, with the same
# name, is the same form sent twice (a double click, a reload): it leads to the office.
TWICE = timedelta(minutes=30)

SECTIONS = (
    (
        Question.focus,
        "Current focus",
        "Projects it reported as a current focus (Q4), each read as the matches read it: working "
        "and under-way projects could present, a plan only when plans are considered; an answer "
        "that asks for help counts as demand.",
    ),
    (Question.discuss, "Wants discussed", "What it asked the Task Force to present (Q8)."),
    (Question.challenge, "Big challenges", "Q6"),
    (Question.low_priority, "Low priorities", "Q5"),
    (Question.implementation, "Comments on implementation", "Q3"),
    (Question.proposal, "Proposals to update the recommendations", "Q7"),
)
# The sections that count recommendations, as the offices list and the summary do: an answer
# naming none there (DE's "no need for further ... discussing" to Q8) is shown, not counted.
COUNT_RECOMMENDATIONS = {
    Question.focus,
    Question.discuss,
    Question.challenge,
    Question.low_priority,
}


def _office(code: str) -> Office:
    # "/offices/sg" and "/offices/%20SG" (a code pasted with a space) lead to SG's page.
    office = office_named(code)
    if office is None:
        abort(404, f"No office with the ST.3 code {code} is known.")
    return office


@bp.get("")
def index():
    # Quoted back on the page: without the bidirectional formatting that would turn the words
    # around it ("No office matches …") into what whoever wrote the link wanted (helper-243).
    text = readable(request.args.get("q", ""))
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
        # A search for a code no office has: adding it is offered with that code.
        new_code=typed_code(text),
    )


@bp.route("/new", methods=["GET", "POST"])
@colead_required
def new():
    form = NewOfficeForm()
    if request.method == "GET":
        # "Add it" from a search that found nothing names the code searched for.
        form.code.data = typed_code(request.args.get("code")) or ""
    problem = known = None
    if form.validate_on_submit():
        code = form.code.data
        known = db.session.get(Office, code)
        if known is None:
            problem = lost_race(lambda: add_office(code, **_office_fields(form), editor=editor()))
            if problem is None:
                flash(
                    f"{code} added. It can volunteer, present and take part in meetings as the "
                    "offices that answered a survey do; add its contacts below.",
                    "success",
                )
                return redirect(url_for(".detail", code=code))
            # Another co-lead added it at the same moment: said as any office known already.
            known = db.session.get(Office, code)
        elif _sent_twice(known, form):
            return redirect(url_for(".detail", code=code))
        if known is not None:
            problem = None
            form.code.errors = [
                f"An office with the ST.3 code {code} is known here already: {known.name}."
            ]
    status = 409 if problem or known else 400 if form.errors else 200
    return render_template("offices/new.html", form=form, problem=problem, known=known), status


def _office_fields(form: OfficeForm | NewOfficeForm) -> dict:
    return {
        "name": form.name.data,
        "city": form.city.data or "",
        "time_zone": form.time_zone.data or "",
        "size": form.size.data,
        "region": form.region.data,
    }


def _sent_twice(office: Office, form: NewOfficeForm) -> bool:
    """Whether a new office's form is the one that just added `office`, sent again (a double
    click, a reload): by the same co-lead, with the same details, within `TWICE`. One from a
    second tab with the same name but another city, zone, size or group is not: led to the
    office, what it said differently was lost without a word; it is told the office is known,
    to edit there."""
    return (
        office.updated_at is not None
        and utcnow() - office.updated_at < TWICE
        and office.updated_by == editor()
        and all(
            getattr(office, column) == value
            for column, value in entered_details(**_office_fields(form)).items()
        )
    )


@bp.get("/<code>")
def detail(code: str):
    office = _office(code)
    if office.code != code:
        survey = request.args.get("survey")
        return redirect(url_for(".detail", code=office.code, survey=survey))
    survey = survey_from_request()
    answers = query_answers(survey, office=office.code) if survey else []
    sections = []
    for question, heading, note in SECTIONS:
        given = [a for a in answers if a.question is question]
        counted = [
            a
            for a in given
            if not a.no_answer
            and (a.recommendation_number or question not in COUNT_RECOMMENDATIONS)
        ]
        sections.append((question, heading, note, given, len(counted)))
    now = local_time(office.time_zone) if known(office.time_zone) else None
    # The office's feed link is a secret: co-leads pass it on.
    feed_url = office_feed_url(office) if is_colead() else None
    contacts = contacts_for(office.code) if is_colead() else None
    responded = bool(answers) or (
        survey is not None and office.code in respondent_codes(survey, [office.code])
    )
    return render_template(
        "offices/detail.html",
        office=office,
        survey=survey,
        responded=responded,
        # Against the round before: what it names now and no longer (a survey it did not
        # answer has nothing to compare); the surveys it did answer, when not this one.
        since=changes_since_previous(survey, office=office.code) if responded else None,
        answered=surveys_answered(office.code) if survey and not responded else [],
        sections=sections,
        # A Q4 answer that only plans or asks for help is no presenter: each says how it reads,
        # as on the recommendation's page (PY's Rec 10 need was listed under "Could present").
        readings=focus_readings(answers),
        now=now,
        offset=utc_offset(now) if now else None,
        feed_url=feed_url,
        # Who was emailed the feed link, contacts or no longer: co-leads only, as the link.
        feed_holders=said.feed_holders(office, contacts) if is_colead() else None,
        # Contacts are private: co-leads only.
        contacts=contacts,
        upcoming=upcoming_for_office(office.code, utcnow()),
        presented=given_presentations(utcnow(), office.code),
        served=served_on(office.code),
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
            lambda: update_office(office, **_office_fields(form), editor=editor()),
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
                flash(said.added(office, form), "success")
                return redirect(url_for(".detail", code=office.code) + "#contacts")
            problem, status = lost, 409
    elif form.errors:
        status = 400
    return _contact_page(office, form, None, problem), status


def _contact_page(office: Office, form: ContactForm, contact: OfficeContact | None, problem):
    form.language.description = said.language_hint()
    return render_template(
        "offices/contact.html",
        office=office,
        form=form,
        contact=contact,
        problem=problem,
        foretold=said.foretold(office, contact),
    )


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
                lambda: update_contact(contact, **_contact_fields(form), editor=editor()),
            )
        except PlannerError as error:
            problem, status = _refused(form, error), error.status
        else:
            if problem is None:
                flash(said.saved(contact, address), "success")
                return redirect(url_for(".detail", code=contact.office_code) + "#contacts")
            status = 409
    elif form.errors:
        status = 400
    return _contact_page(contact.office, form, contact, problem), status


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
            flash(said.removed(name, code, email, language), "success")
            return redirect(url_for(".detail", code=code) + "#contacts")
    page = render_template(
        "offices/contact_delete.html",
        contact=contact,
        problem=problem,
        foretold=said.foretold_removal(contact),
    )
    return page, 409 if problem else 200


@bp.get("/contacts.csv")
@colead_required
def contacts_export():
    """Every office's contacts, for co-leads, as a spreadsheet opens them safely."""
    response = table_download(contact_rows(all_contacts()), "office-contacts.csv")
    response.headers["Cache-Control"] = "private, no-store"
    return response
