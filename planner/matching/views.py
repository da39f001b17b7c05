"""The matches page: for each interested office the ranked presenters, and the reverse view;
co-leads mark pairs from there, each on a page of its own."""

from collections import defaultdict

from flask import (
    Blueprint,
    abort,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from planner.accounts.security import colead_required, editor, is_colead
from planner.agenda.report import Topic, given_on
from planner.extensions import db
from planner.forms import refill
from planner.matching.evidence import EvidenceType
from planner.matching.forms import MATURITY_FILTERS, OFFICE_ROLES, MarkForm, read_filters
from planner.matching.models import MatchMark
from planner.matching.operations import (
    MarkChanged,
    MarkError,
    mark_of,
    mark_seen,
    set_mark,
    survey_scorer,
    weights_in_use,
)
from planner.matching.scorer import (
    FEATURES,
    MARKS,
    RELEVANCE_GATE,
    Match,
    more_relevant_below,
)
from planner.offices.models import Office, typed_code
from planner.pagination import Page, requested
from planner.recommendations.models import Recommendation
from planner.recommendations.operations import all_recommendations
from planner.request_input import query_int
from planner.survey.models import Survey
from planner.survey.operations import list_surveys, respondent_offices
from planner.text import shorten
from planner.web import flag_from, refuse_changes, survey_from_request

bp = Blueprint("matching", __name__)

# Presenters shown for each audience; the rest of its list is a link away, on a page of its own
# ("All 101 presenters for AA"), or folded there and under "Show every match".
BEST_FEW = 3
# Matches on one page, twenty offices' best three: every presenter of every office of a
# 400-office survey is tens of megabytes; a page stays under 200 kB, and links to the next
# (helper-251: 200 a page were 1 MB at 200 offices, 20 s over a slow 3G link).
PER_PAGE = 60


# What the matches of another recommendation keep of the page's address (not its page number).
_KEPT_ACROSS = ("survey", "include_plans", "show", "office", "role", "maturity")


def _recommendation(number: int) -> Recommendation:
    recommendation = db.session.get(Recommendation, number)
    if recommendation is None:
        abort(404, f"There is no recommendation {number}; the recommendations are numbered 1–10.")
    return recommendation


def _office_choices(survey, scorer) -> list[Office]:
    """The offices the filter offers: the survey's respondents, and each office that presents
    an accepted proposal without having answered it (helper-252: WO and SG, in 12 matches as
    presenters, could not be chosen; filtered on by hand, WO was said not to have answered)."""
    respondents = respondent_offices(survey) if survey is not None else []
    answered = {o.code for o in respondents}
    others = {p.office for p in scorer.projects} - answered if scorer else set()
    if not others:
        return respondents
    volunteered = db.session.scalars(select(Office).where(Office.code.in_(others)))
    return sorted([*respondents, *volunteered], key=lambda o: o.code)


@bp.get("/recommendations/<int:number>/matches")
def matches(number: int):
    recommendation = _recommendation(number)
    if "recommendation" in request.args:
        # The filters' choice of recommendation: its matches, filtered alike, at an address of
        # their own to share (helper-216: at 200 offices a co-lead follows one office from
        # recommendation to recommendation).
        chosen = _recommendation(query_int("recommendation", number)).number
        kept = {name: request.args.get(name) or None for name in _KEPT_ACROSS}
        return redirect(url_for("matching.matches", number=chosen, **kept))
    survey = survey_from_request()
    include_plans = flag_from(request.args, "include_plans")
    show_all = request.args.get("show") == "all"
    office, role, maturity = read_filters(request.args)
    page_number, _ = requested(request.args, size=PER_PAGE, max_size=PER_PAGE)
    asked = Page(page_number, PER_PAGE, 0)
    scorer = survey_scorer(survey, include_plans=include_plans) if survey else None
    total, found = (
        scorer.window(
            [number],
            limit=None if show_all else BEST_FEW,
            start=asked.start,
            stop=asked.stop,
            strongest_first=True,
            office=office,
            role=role,
            evidence=maturity,
        )
        if scorer
        else (0, [])
    )
    page = Page(page_number, PER_PAGE, total).check()
    # Needs and plans are listed once, on the first page: one row per office at most.
    set_aside = scorer.set_aside.get(number, []) if scorer and page.number == 1 else []
    # The filters hold for the needs and plans too.
    if office is not None:
        set_aside = [p for p in set_aside if p.office == office]
    if maturity is not None:
        set_aside = [p for p in set_aside if p.evidence.type.value == maturity]
    # The co-leads' marks that rank no pair (ruled out, or no longer applying), to see and change.
    unranked = scorer.unranked_marks(number) if scorer and is_colead() else []
    if office is not None:
        unranked = [
            u
            for u in unranked
            if (role != "presenter" and u.audience == office)
            or (role != "audience" and u.presenter == office)
        ]
    office_choices = _office_choices(survey, scorer)
    office_known = office is None or office in {o.code for o in office_choices}
    by_audience: dict[str, list[Match]] = defaultdict(list)
    by_presenter: dict[str, list[Match]] = defaultdict(list)
    for match in found:
        by_audience[match.audience].append(match)
        by_presenter[match.presenter].append(match)
    for listing in by_presenter.values():
        listing.sort(key=lambda m: (m.rank, -m.score, m.audience))
    more_relevant: dict[tuple[str, str], list[str]] = {}
    for listing in by_audience.values():
        more_relevant |= more_relevant_below(listing)
    codes = set(by_audience) | set(by_presenter) | {p.office for p in set_aside}
    codes |= {u.audience for u in unranked} | {u.presenter for u in unranked}
    offices = {o.code: o for o in db.session.scalars(select(Office).where(Office.code.in_(codes)))}
    recommendations = all_recommendations()
    history = given_on(number)
    # Of each meeting where it was presented, the offices listed here that took part in it.
    taking_part: dict[int, list[str]] = defaultdict(list)
    for code in sorted(by_audience):
        for meeting_id in dict.fromkeys(s.meeting_id for s in history.took_part.get(code, [])):
            taking_part[meeting_id].append(code)

    def filtered_url(endpoint: str, number_of_page: int) -> str:
        """`endpoint` with this page's filters, at page `number_of_page`."""
        return url_for(
            endpoint,
            number=number,
            survey=survey.slug if survey else None,
            include_plans="1" if include_plans else None,
            show="all" if show_all else None,
            office=office,
            role=role,
            maturity=maturity,
            page=number_of_page if number_of_page > 1 else None,
        )

    def page_url(other: int | None) -> str | None:
        return None if other is None else filtered_url("matching.matches", other)

    return render_template(
        "matching/matches.html",
        recommendation=recommendation,
        survey=survey,
        include_plans=include_plans,
        history=history,
        taking_part=taking_part,
        audiences=list(by_audience),
        by_audience=by_audience,
        presenters=sorted(by_presenter),
        by_presenter=by_presenter,
        # Each audience's wish as the reverse view opens it, cut once, not in each of its rows.
        wish_excerpts={
            code: shorten(listing[0].reasons["audience_text"], 140, at_space=True)
            for code, listing in by_audience.items()
        },
        set_aside=set_aside,
        unranked=unranked,
        offices=offices,
        # Addresses built once per office, not once per row: a page has hundreds of rows.
        office_url={
            code: url_for("offices.detail", code=code, survey=survey.slug) for code in offices
        },
        recommendations=recommendations,
        recommendation_url={
            r.number: url_for("recommendations.detail", number=r.number) for r in recommendations
        },
        show_all=show_all,
        best_few=BEST_FEW,
        office_filter=office,
        role_filter=role,
        office_roles=OFFICE_ROLES,
        office_known=office_known,
        # Of an office filtered on that is no choice: whether an office has that code at all.
        office_exists=office_known or db.session.get(Office, office) is not None,
        office_choices=office_choices,
        maturity_filter=maturity,
        maturity_filters=MATURITY_FILTERS,
        page=page,
        first_shown=page.start + 1,
        last_shown=page.start + len(found),
        next_url=page_url(page.next),
        # Where each pair's mark page is, with the page to come back to: built once for every
        # row, which adds its pair.
        mark_url=filtered_url("matching.mark", page.number),
        previous_url=page_url(page.previous),
        marks=MARKS,
        # The rounds before this one: a mark made on one of them asks to be checked here.
        earlier_rounds=_earlier_rounds(survey) if is_colead() else set(),
        need=EvidenceType.need.value,
        weights=weights_in_use().as_dict(),
        features=FEATURES,
        gate=RELEVANCE_GATE,
        more_relevant=more_relevant,
        # A mark just saved: its message beside the audience's list, where the co-lead is.
        marked=dict(
            message.split("\t", 1)
            for message in get_flashed_messages(category_filter=["marked"])
            if "\t" in message
        ),
    )


def _earlier_rounds(survey: Survey | None) -> set[str]:
    """The labels of the surveys listed after `survey` (older answers)."""
    labels = [s.label for s in list_surveys()]
    if survey is None or survey.label not in labels:
        return set()
    return set(labels[labels.index(survey.label) + 1 :])


def _back_to_matches(number: int) -> str:
    """The matches page a mark's page was opened from, its filters and page kept."""
    return url_for(
        "matching.matches",
        number=number,
        survey=request.args.get("survey") or None,
        include_plans=request.args.get("include_plans") or None,
        show=request.args.get("show") or None,
        office=request.args.get("office") or None,
        role=request.args.get("role") or None,
        maturity=request.args.get("maturity") or None,
        page=request.args.get("page") or None,
    )


@bp.get("/recommendations/<int:number>/matches/marks")
@colead_required
def mark_page(number: int):
    """One pair's mark to make, change or clear, filled in from the mark it has now."""
    _recommendation(number)
    pair = {name: typed_code(request.args.get(name)) for name in ("audience", "presenter")}
    if None in pair.values():
        abort(400, "Name the pair to mark: ?audience=ES&presenter=AU, two ST.3 office codes.")
    if any(db.session.get(Office, code) is None for code in pair.values()):
        abort(404, "There is no such office.")
    audience, presenter = pair["audience"], pair["presenter"]
    # A pair no mark could rank is said so at once, not offered a form saying "the score ranks
    # this pair" that refuses every mark sent (helper-256); one marked on an earlier round or
    # with plans counted still opens, to clear its mark.
    if audience == presenter:
        abort(
            400,
            "An office never presents to itself: name two offices, as ?audience=ES&presenter=AU.",
        )
    current = mark_of(audience, presenter, number)
    if (problem := _unmarkable(audience, presenter, number)) and current is None:
        abort(400, problem)
    form = MarkForm(
        formdata=None,
        data={
            **pair,
            "verdict": current.verdict if current else "",
            "note": current.note if current else "",
            "seen": mark_seen(current),
        },
    )
    return _mark_form(
        number, form, _back_to_matches(number), current=current, history=given_on(number)
    )


@bp.post("/recommendations/<int:number>/matches/marks")
@colead_required
def mark(number: int):
    _recommendation(number)
    form = MarkForm()
    back = _back_to_matches(number)
    if not form.validate():
        return _mark_refused(number, form, back)
    audience, presenter = form.audience.data, form.presenter.data
    if db.session.get(Office, audience) is None or db.session.get(Office, presenter) is None:
        abort(404, "There is no such office.")
    if (
        form.verdict.data
        and audience != presenter
        and (problem := _unmarkable(audience, presenter, number))
    ):
        return _mark_refused(number, form, back, problem)
    current = mark_of(audience, presenter, number)
    seen = form.seen.data
    unread = seen is not None and seen != "none" and seen.partition("|")[0] not in MARKS
    if unread or (seen is None and current is not None):
        # Not what the matches page writes (or nothing, over a stored mark): no other co-lead
        # to blame, and no mark overwritten unseen.
        refill(form.seen, mark_seen(current))
        problem = (
            "This form did not say which mark it was filled in from, so it was not saved; it "
            "is below, to send again."
        )
        return _mark_refused(number, form, back, problem)
    if seen is not None and seen != mark_seen(current):
        # Sent again from the page below, the mark replaces theirs, knowingly.
        refill(form.seen, mark_seen(current))
        now = (
            f"“{MARKS[current.verdict][0]}”"
            + (f" with the note “{current.note}”" if current.note else "")
            + (f" by {current.marked_by}" if current.marked_by else "")
            if current
            else "no mark"
        )
        who = (
            "You changed this mark in another tab or window"
            if current is not None and current.marked_by == editor()
            else "Another co-lead changed this mark"
        )
        problem = (
            f"{who} since you opened the page: it is now {now}. "
            "Yours was not saved; it is below, to send again if you still mean it."
        )
        return _mark_refused(number, form, back, problem, status=409)
    try:
        # A form sent without its note field (a script, not the page) has no note, not a 500.
        note = form.note.data or ""
        # The round it is made on: marks outlive it, and the matches of the next one say so.
        marked_on = survey_from_request()
        saved = set_mark(
            audience,
            presenter,
            number,
            form.verdict.data,
            note,
            editor(),
            expected=current,
            survey=marked_on.label if marked_on else None,
        )
    except MarkChanged as error:
        # Theirs was saved between this request's reading and writing: as a stale form, the
        # mark comes back to send again knowingly.
        refuse_changes()
        refill(form.seen, mark_seen(mark_of(audience, presenter, number)))
        problem = f"{error} Yours was not saved; it is below, to send again if you still mean it."
        return _mark_refused(number, form, back, problem, status=409)
    except MarkError as error:
        refuse_changes()
        return _mark_refused(number, form, back, str(error))
    if saved is None:
        said = f"Mark cleared: {presenter} for {audience} on Rec {number} is scored again."
    else:
        said = f"Marked {presenter} for {audience} on Rec {number}: {MARKS[saved.verdict][0]}."
        if saved.verdict == "not_useful":
            # Out of the ranking; said where the co-lead was, with where to change it again.
            said += " It is out of the ranking, under “Marks outside the ranking” at the end."
    # Said beside the audience's list the page goes back to, not at the top, out of view.
    flash(f"{audience}\t{said}", "marked")
    return redirect(f"{back}#audience-{audience}")


def _unmarkable(audience: str, presenter: str, number: int) -> str | None:
    """Why a pair cannot be marked in the survey shown (a mark there would rank nothing): the
    presenter does not present on the recommendation, or the audience does not ask for it.
    Clearing a mark is always possible."""
    survey = survey_from_request()
    if survey is None:
        return None
    scorer = survey_scorer(survey, include_plans=flag_from(request.args, "include_plans"))
    if not scorer.presents(presenter, number):
        return scorer.not_presenting(presenter, number) + ", so there is nothing to mark."
    if not scorer.wants(audience, number):
        return f"{audience} does not ask for Rec {number} in this survey: no one to present to."
    return None


def _mark_refused(
    number: int, form: MarkForm, back: str, problem: str | None = None, status: int = 400
):
    """A mark not saved: its own page, with what was typed and why, to send again."""
    return _mark_form(number, form, back, problem=problem), status


def _mark_form(
    number: int,
    form: MarkForm,
    back: str,
    *,
    problem: str | None = None,
    current: MatchMark | None = None,
    history: Topic | None = None,
) -> str:
    """A pair's mark page: its form, and the mark it has now or why the one sent was not
    saved."""
    return render_template(
        "matching/mark.html",
        number=number,
        form=form,
        back=back,
        problem=problem,
        current=current,
        marks=MARKS,
        history=history,
    )
