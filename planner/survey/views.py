"""Survey pages: the overview charts, the summary table, each answer with its source lines."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from planner.accounts.security import colead_required, is_colead
from planner.extensions import db
from planner.materials.checks import megabytes
from planner.offices.operations import matching
from planner.recommendations.models import Recommendation
from planner.recommendations.operations import all_recommendations
from planner.survey import charts, pending, preview, uploads
from planner.survey.charsets import ChooseCharset
from planner.survey.forms import SurveyImportForm
from planner.survey.models import Answer, Survey, SurveyUpload
from planner.survey.operations import (
    Checked,
    SurveyConflict,
    SurveyImportRaced,
    answer_cells,
    answer_count,
    delete_survey,
    find_survey,
    import_checked,
    list_surveys,
    parse_aliases,
    removal_preview,
    respondent_offices,
    source_lines,
    survey_record,
    survey_summary,
)
from planner.survey.preview import Preview
from planner.survey.records import Question, SurveyFormatError
from planner.survey.summary import Summary
from planner.survey.tabular import write_csv, write_json
from planner.survey.uploads import FileTooLarge
from planner.text import readable
from planner.turns import take_turn
from planner.web import (
    csv_download,
    survey_from_request,
    table_download,
    text_download,
)

bp = Blueprint("survey", __name__)
# Coordinates as the charts write them: "35", not "35.0" (thousands of them at 200 offices).
bp.add_app_template_filter(charts.pixels, "px")

# The questions the overview can show, with the paragraph of CWS/13/26 that reports each.
OVERVIEW_QUESTIONS = (Question.focus, Question.discuss, Question.challenge, Question.low_priority)
PARAGRAPHS = {
    Question.focus: "§14",
    Question.low_priority: "§15",
    Question.challenge: "§16",
    Question.discuss: "§17",
}
# Another survey has no such paragraphs: its columns are named by the questions they count.
QUESTIONS_ASKED = {
    Question.focus: "Q4",
    Question.low_priority: "Q5",
    Question.challenge: "Q6",
    Question.discuss: "Q8",
}
# The survey whose document the summary reproduces (its paragraphs 13-17).
THE_DOCUMENT = "CWS/13/26"
SUPPLY = charts.Series(
    "Supply", "focus, Q4", "offices with a current-focus project (Q4)", charts.BLUE
)
DEMAND = charts.Series("Demand", "discuss, Q8", "offices wanting it discussed (Q8)", charts.ORANGE)
STRUGGLE = charts.Series(
    "Struggle", "challenge, Q6", "offices finding it a big challenge (Q6)", charts.VERMILLION
)


def _question() -> Question:
    value = request.args.get("question") or Question.focus.value
    if value not in {q.value for q in OVERVIEW_QUESTIONS}:
        choices = ", ".join(q.value for q in OVERVIEW_QUESTIONS)
        abort(400, f"The overview shows one of these questions: {choices}.")
    return Question(value)


def build_heatmap(
    survey: Survey,
    question: Question,
    office_filter: str,
    recommendations: list[Recommendation],
    *,
    caption: str | None = None,
) -> charts.Heatmap:
    offices = matching(respondent_offices(survey), office_filter)
    # One url_for per page, not per square: at 200 offices there are thousands of squares.
    answers_url = url_for("survey.answer", slug=survey.slug, answer_id=0).removesuffix("/0")
    # Each square is named by its office and recommendation, not by an excerpt of the answer
    # it links to: at 200 offices the excerpts were 130 kB of the overview (helper-257).
    marks = {
        (office, number): charts.Mark(f"{answers_url}/{answer_id}", f"{office}, Rec {number}")
        for answer_id, office, number, _text in answer_cells(survey, question)
    }
    return charts.heatmap(
        [
            (
                o.code,
                charts.Label(
                    f"{o.code} {o.short_name}",
                    f"{o.code}: {o.name}",
                    # Its answers to the question shown, on its page.
                    url_for(
                        "offices.detail",
                        code=o.code,
                        survey=survey.slug,
                        _anchor=f"{question.value}-heading",
                    ),
                ),
            )
            for o in offices
        ],
        [
            (
                r.number,
                charts.Label(
                    str(r.number),
                    f"Rec {r.number}: {r.short_title}",
                    url_for("recommendations.detail", number=r.number, survey=survey.slug),
                ),
            )
            for r in recommendations
        ],
        marks,
        charts.QUESTION_COLOURS[question],
        caption=caption,
    )


# Each bar series counts the answers to one question.
SERIES_QUESTIONS = {SUPPLY: Question.focus, DEMAND: Question.discuss, STRUGGLE: Question.challenge}


def build_bars(
    survey: Survey,
    summary: Summary,
    recommendations: list[Recommendation],
    *,
    caption: str | None = None,
) -> charts.BarChart:
    groups = [
        (
            charts.Label(
                f"{r.number} {r.short_title}",
                f"Rec {r.number}: {r.short_title}",
                url_for("recommendations.detail", number=r.number, survey=survey.slug),
            ),
            {
                series.name: summary.questions[question].by_recommendation[r.number].count
                for series, question in SERIES_QUESTIONS.items()
            },
        )
        for r in recommendations
    ]
    return charts.grouped_bars(
        groups, tuple(SERIES_QUESTIONS), caption=caption, out_of=len(summary.respondents)
    )


def _chart_context() -> dict:
    return {
        "font": charts.FONT,
        "ink": charts.INK,
        "muted": charts.MUTED,
        "empty": charts.EMPTY,
        "grid": charts.GRID,
    }


@bp.get("/")
def overview():
    survey = survey_from_request()
    if survey is None:
        return render_template("survey/overview.html", survey=None)
    question = _question()
    office_filter = readable(request.args.get("office", ""))  # quoted back, as /offices?q=
    summary = survey_summary(survey)
    recommendations = all_recommendations()
    return render_template(
        "survey/overview.html",
        survey=survey,
        surveys=list_surveys(),
        question=question,
        questions=OVERVIEW_QUESTIONS,
        office_filter=office_filter,
        heatmap=build_heatmap(survey, question, office_filter, recommendations),
        heatmap_title=_heatmap_title(survey, question),
        heatmap_description=_heatmap_description(survey, question),
        bars=build_bars(survey, summary, recommendations),
        bars_title=_bars_title(survey),
        bars_description=BARS_DESCRIPTION,
        summary=summary,
        series=tuple(SERIES_QUESTIONS),
        **_chart_context(),
    )


@bp.get("/surveys/<slug>/heatmap")
def heatmap_table(slug: str):
    """The overview's heatmap as a table, each answer a link: a page of its own, linked from the
    chart, rather than folded under it (helper-257: 300 kB of the overview at 200 offices)."""
    survey = find_survey(slug)
    question = _question()
    office_filter = readable(request.args.get("office", ""))  # quoted back, as on the overview
    return render_template(
        "survey/heatmap_table.html",
        survey=survey,
        question=question,
        questions=OVERVIEW_QUESTIONS,
        office_filter=office_filter,
        heatmap=build_heatmap(survey, question, office_filter, all_recommendations()),
    )


@bp.get("/charts/<slug>/heatmap.svg")
def heatmap_svg(slug: str):
    survey = find_survey(slug)
    question = _question()
    title = _heatmap_title(survey, question)
    heatmap = build_heatmap(
        survey, question, request.args.get("office", ""), all_recommendations(), caption=title
    )
    svg = render_template(
        "charts/heatmap.svg",
        chart=heatmap,
        chart_id="heatmap",
        title=title,
        description=_heatmap_description(survey, question),
        **_chart_context(),
    )
    return _svg_download(svg, f"{survey.slug}-{question.value}-heatmap.svg")


@bp.get("/charts/<slug>/bars.svg")
def bars_svg(slug: str):
    survey = find_survey(slug)
    title = _bars_title(survey)
    chart = build_bars(survey, survey_summary(survey), all_recommendations(), caption=title)
    svg = render_template(
        "charts/bars.svg",
        chart=chart,
        chart_id="bars",
        title=title,
        description=BARS_DESCRIPTION,
        **_chart_context(),
    )
    return _svg_download(svg, f"{survey.slug}-supply-demand-struggle.svg")


BARS_DESCRIPTION = (
    "For each recommendation, three bars: supply (offices with a current-focus project), "
    "demand (offices wanting it discussed) and struggle (offices finding it a big challenge)."
)


def _bars_title(survey: Survey) -> str:
    return f"{survey.label}: supply, demand and struggle per recommendation"


def _heatmap_title(survey: Survey, question: Question) -> str:
    return f"{survey.label}: {question.label}, offices × recommendations"


def _heatmap_description(survey: Survey, question: Question) -> str:
    return (
        f"Each row is an office that answered {survey.label}, each column a recommendation; "
        f"a filled square means the office named that recommendation in: {question.label}."
    )


def _svg_download(svg: str, filename: str) -> Response:
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.url_value_preprocessor
def _upload_limit(endpoint: str | None, _values: dict | None) -> None:
    uploads.allow_survey_files(endpoint)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    """A file over the limit, refused before it was read: the import form says so, filled in
    with the fields sent before the file."""
    if request.endpoint == "survey.import_survey" and is_colead():
        kept = uploads.fields_kept()
        if kept:
            problem = f"{uploads.too_large()} Choose a smaller file; the other fields are as sent."
        else:
            # A form sent from elsewhere, or with the file first: the browser has what was
            # typed (helper-163: the form came back empty, without a word of them).
            problem = (
                f"{uploads.too_large()} Go back with your browser's Back button (it keeps the "
                "label and aliases you typed) and choose a smaller file."
            )
        return _index(SurveyImportForm(formdata=kept), problem=problem, status=413)
    return render_template("errors/error.html", error=_error), 413


@bp.errorhandler(uploads.UploadCut)
def _cut_short(error: uploads.UploadCut):
    """An upload that stopped short: the import form says so, filled in with the fields that
    arrived before the file, rather than a page saying the session expired."""
    kept = uploads.fields_kept()
    problem = f"{error.message} Choose the file again and import it"
    problem += "; the other fields are as sent." if kept else "."
    return _index(SurveyImportForm(formdata=kept), problem=problem, status=400)


def _index(form: SurveyImportForm | None = None, problem: str | None = None, status: int = 200):
    if form is None and is_colead():
        form = SurveyImportForm(formdata=None)
    kept = _kept(form.upload.data) if form is not None else None
    if form is not None:
        form.upload.data = str(kept.id) if kept is not None else ""
        # A file kept is checked again when none is chosen: choosing one is not required.
        form.file.flags.required = kept is None
    page = render_template(
        "survey/index.html",
        surveys=[(s, answer_count(s)) for s in list_surveys()],
        form=form.describe(uploads.limit(), megabytes(uploads.limit())) if form else None,
        kept=kept,
        kept_size=megabytes(kept.size) if kept is not None else None,
        problem=problem,
    )
    return page, status


def _kept(upload_id: object) -> SurveyUpload | None:
    """The file this co-lead checked before, still kept and not imported, that a form names."""
    if not upload_id or not is_colead():
        return None
    kept = pending.find(upload_id, current_user.id)
    return kept if kept is not None and kept.imported_at is None else None


@bp.get("/surveys")
def index():
    """The surveys, and for a co-lead the import form: after "Go back" from a check
    (`?upload=`), filled in as it was sent, with the file kept; or saying it is no longer."""
    asked = request.args.get("upload")
    if not asked or not is_colead():
        return _index()
    upload = pending.find(asked, current_user.id)
    if upload is None:
        return _index(problem=NOT_KEPT)
    return _index(_form_of(upload) if upload.imported_at is None else None)


# How the page names what the command line's --replace and --alias do.
PAGE_WORDS = {"replace": "“Replace the survey with the same label”", "alias": "the alias NEW=KNOWN"}


@bp.post("/surveys")
@colead_required
def import_survey():
    """Step one of an import: keep the file (`pending`), then show what importing it would
    do (`check`). A file the check refuses comes back there on the form, kept, to be sent again
    with other choices (the character set) without choosing it again."""
    form = SurveyImportForm()
    # In the import's turn before the file kept is found: a check in another tab that keeps a
    # fourth deletes the co-lead's oldest, which this would then update (gone: a conflict).
    take_turn(db.session.connection(), "survey import")
    kept = _kept(form.upload.data)
    chosen = form.file.data
    if not (isinstance(chosen, FileStorage) and chosen.filename):
        chosen = None
        if kept is not None:
            form.file.validators = []  # the file kept is checked again
    if not form.validate():
        # Sent again naming a file no longer kept (expired, or gone as the co-lead's oldest
        # when another tab checked one more): said, rather than only "choose the file".
        gone = NOT_KEPT if form.upload.data and kept is None and chosen is None else None
        return _index(_choose_again(form, kept), gone, status=400)
    choices = pending.Choices(
        (form.label.data or "").strip() or None,
        (form.aliases.data or "").strip(),
        bool(form.replace.data),
        form.encoding.data or None,
    )
    try:
        parse_aliases(uploads.alias_values(choices.aliases))
    except SurveyFormatError as error:
        form.aliases.errors = [str(error)]
        return _index(_choose_again(form, kept), status=400)
    try:
        data = uploads.read_file(chosen) if chosen is not None else None
    except FileTooLarge as error:
        return _index(form, problem=f"{error} {CHOOSE_AGAIN}", status=413)
    name = uploads.upload_name(chosen.filename) if chosen is not None else kept.source_name
    # Kept, refused or not (the check page says why, with the form): a refused file is sent
    # again with other choices, not chosen again. The file is read once, by the check page.
    upload = pending.keep(current_user.id, choices, data, name, kept)
    return redirect(url_for(".check", upload_id=upload.id), 303)


CHOOSE_AGAIN = "Choose the file again: a browser does not keep it."


def _kept_words(upload: SurveyUpload) -> str:
    return (
        f"The file {upload.source_name} is kept: correct the choices and check it again, or "
        "choose another file."
    )


def _checked(
    upload: SurveyUpload, check: str | None = None
) -> tuple[Checked | None, tuple[str, int] | None]:
    """The file kept checked (and imported when `check` is what it does), or why it is
    refused."""
    choices = pending.choices_of(upload)
    try:
        return (
            import_checked(
                upload.data,
                upload.source_name,
                label=choices.label,
                aliases=parse_aliases(uploads.alias_values(choices.aliases)),
                replace=choices.replace,
                encoding=choices.encoding,
                check=check,
                words=PAGE_WORDS,
            ),
            None,
        )
    except SurveyConflict as error:
        return None, (
            f"{error} Tick {PAGE_WORDS['replace']} to replace it, or give another label.",
            409,
        )
    except SurveyImportRaced as error:
        return None, (str(error), 409)
    except SurveyFormatError as error:
        said = str(error)
        if isinstance(error, ChooseCharset):
            said = error.said("choose it under “Character set”")
        if "nothing was changed" not in said.lower():
            said += " Nothing was changed."
        # After a list of problems, on a line of its own (helper-82: it ran on from the last).
        return None, (said + ("\n" if "\n" in said else ""), 400)


def _choose_again(form: SurveyImportForm, kept: SurveyUpload | None = None) -> SurveyImportForm:
    """A form refused for another field than the file: the file field says to choose it again
    (the browser sends a page back without it), among the fields to correct; unless a file is
    kept, which is checked again when none is chosen."""
    if not form.file.errors and kept is None:
        form.file.errors = [CHOOSE_AGAIN]
    return form


NOT_KEPT = (
    f"The file you checked is no longer kept: a file waits {pending.UPLOAD_HOURS} hours for its "
    f"import, and a co-lead's {pending.WAITING_PER_COLEAD} latest only. Choose it again below; "
    "nothing was imported."
)


def _upload_of_mine(upload_id: int) -> SurveyUpload:
    """The file the address names, if this co-lead's and still kept; else (expired, one of more
    than their latest, another's) the import form, saying so: an error page led nowhere.

    Found in the import's turn, held until the request ends: a second "Import" (a double
    click, Back and send) waits for the first and finds its import; and a check that keeps a
    file takes the turn before it deletes the co-lead's oldest, so this takes it before the
    file's row too. Holding the row first, then waiting for the turn, each waited for the other
    on PostgreSQL (a deadlock), and on SQLite the row read was gone by the time it was held."""
    take_turn(db.session.connection(), "survey import")
    upload = pending.find(upload_id, current_user.id)
    if upload is None:
        abort(make_response(_index(problem=NOT_KEPT, status=404)))
    return upload


def _form_of(upload: SurveyUpload) -> SurveyImportForm:
    choices = pending.choices_of(upload)
    return SurveyImportForm(
        formdata=None,
        upload=str(upload.id),
        label=choices.label or "",
        aliases=choices.aliases,
        replace=choices.replace,
        encoding=choices.encoding or "",
    )


def _done(upload: SurveyUpload):
    """The import this file made already (a second "Import": a double click, Back and send):
    its result, and nothing imported twice."""
    when = upload.imported_at.strftime("%H:%M UTC")
    if upload.survey is None:
        flash(
            f"{upload.source_name} was imported at {when}, and the survey deleted since; "
            "nothing was imported again.",
            "info",
        )
        return redirect(url_for(".index"), 303)
    flash(
        f"{upload.source_name} was imported already, at {when}; nothing was imported again. "
        f"{upload.said or ''}".strip(),
        "info",
    )
    return redirect(url_for(".detail", slug=upload.survey.slug), 303)


@bp.get("/surveys/check/<int:upload_id>")
@colead_required
def check(upload_id: int):
    """Step two: what importing the file kept would do, to import it or go back."""
    upload = _upload_of_mine(upload_id)
    if upload.imported_at is not None:
        return _done(upload)
    checked, refused = _checked(upload)
    if refused is not None:  # a character set to name, a label taken, ...: choose again
        return _index(_form_of(upload), f"{refused[0]} {_kept_words(upload)}", refused[1])
    return _check_page(upload, checked.preview)


def _check_page(upload: SurveyUpload, seen: Preview, changed: bool = False, status: int = 200):
    page = render_template(
        "survey/check.html",
        upload=upload,
        size=megabytes(upload.size),
        preview=seen,
        changed=changed,
        listed=preview.CHANGES_LISTED,
        warnings_listed=preview.WARNINGS_LISTED,
    )
    return page, status


@bp.post("/surveys/check/<int:upload_id>")
@colead_required
def import_checked_file(upload_id: int):
    """Import the file checked, if importing it still does what the page showed (`check`):
    else the page shows what it does now (409), to import or not. Sent twice (a double
    click, Back and send), the second finds the first's import and shows it (`_done`)."""
    upload = _upload_of_mine(upload_id)
    if upload.imported_at is not None:
        return _done(upload)
    checked, refused = _checked(upload, check=request.form.get("check") or "none")
    if refused is not None:
        return _index(_form_of(upload), f"{refused[0]} {_kept_words(upload)}", refused[1])
    if checked.outcome is None:
        return _check_page(upload, checked.preview, changed=True, status=409)
    outcome = checked.outcome
    said = outcome.describe(**PAGE_WORDS)
    pending.imported(upload, outcome.survey.id, said)
    flash(said, "success" if outcome.status != "unchanged" else "info")
    if outcome.warnings and outcome.stored_before:
        # The survey below is the one stored before: its warnings are not this file's.
        shown = "; ".join(w.message for w in outcome.warnings[:3])
        more = f" (and {len(outcome.warnings) - 3} more)" if len(outcome.warnings) > 3 else ""
        flash(f"Reading this file: {shown}{more}.", "warning")
    elif outcome.warnings:
        flash(
            f"{len(outcome.warnings)} part(s) of the file could not be placed; they are listed "
            "under Import warnings below, with their lines.",
            "warning",
        )
    return redirect(url_for(".detail", slug=outcome.survey.slug), 303)


@bp.get("/surveys/<slug>")
def detail(slug: str):
    survey = find_survey(slug)
    return render_template("survey/detail.html", survey=survey, answers=answer_count(survey))


@bp.get("/surveys/<slug>/delete")
@colead_required
def confirm_delete(slug: str):
    """Asks first, saying what deleting the survey takes with it and what stays."""
    return _confirm_delete(find_survey(slug))


def _confirm_delete(survey: Survey, status: int = 200):
    answers, lineups = removal_preview(survey)
    others = [s for s in list_surveys() if s.id != survey.id]
    consequences = [
        f"Its {answers} answer{'s' if answers != 1 else ''}, {len(survey.respondents)} "
        "respondent(s) and import warnings are deleted for good; the file can be imported "
        "again.",
        f"Its {lineups} saved line-up{'s go' if lineups != 1 else ' goes'} with it."
        if lineups
        else "It has no saved line-up.",
        "Meetings, slots, proposals, office contacts and the co-leads' marks on matches stay.",
        f"Pages then show {others[0].label}, the latest survey left."
        if others
        else "No survey is left: pages say so until one is imported.",
    ]
    page = render_template(
        "confirm.html",
        question=f"Delete the survey {survey.label}?",
        consequences=consequences,
        action=url_for(".delete", slug=survey.slug),
        fields={"survey_id": survey.id},
        button="Delete the survey",
        back=url_for(".detail", slug=survey.slug),
        crumbs=[
            ("Surveys", url_for(".index")),
            (survey.label, url_for(".detail", slug=survey.slug)),
        ],
    )
    return page, status


@bp.post("/surveys/<slug>/delete")
@colead_required
def delete(slug: str):
    survey = find_survey(slug)
    asked = request.form.get("survey_id")
    if asked != str(survey.id):
        # Replaced by another import since the page asked: not the survey the co-lead saw.
        flash(
            f"{survey.label} was imported again since you opened the page: nothing was "
            "deleted. Here is what deleting it now would do."
            if asked
            else "This form did not say which survey it asked about: nothing was deleted. "
            "Here is what deleting it would do.",
            "error",
        )
        return _confirm_delete(survey, 409)
    label = survey.label
    if (removal := delete_survey(survey)) is None:
        flash(f"{label} was deleted meanwhile, by someone else.", "info")
        return redirect(url_for(".index"), 303)
    flash(removal.describe(), "success")
    return redirect(url_for(".index"), 303)


@bp.get("/surveys/<slug>/survey.<any(csv, json):form>")
def download(slug: str, form: str):
    """The survey in the CSV or JSON form an import reads (README, "Importing surveys"): for
    a co-lead to start a new survey's file from, or to correct one and import it again
    (helper-82: the layout was only to be had from the command line or an error message)."""
    record = survey_record(find_survey(slug))
    if form == "csv":
        return csv_download(write_csv(record), f"{record.slug}.csv")
    return text_download(write_json(record), f"{record.slug}.json", "application/json")


@bp.get("/surveys/<slug>/summary")
def summary(slug: str):
    survey = find_survey(slug)
    result = survey_summary(survey)
    return render_template(
        "survey/summary.html",
        survey=survey,
        summary=result,
        recommendations=all_recommendations(),
        questions=[q for q in PARAGRAPHS],
        # Only CWS/13/26 is the document of paragraphs 14-17 (helper-155: an imported CSV's
        # summary said so of itself).
        the_document=survey.label == THE_DOCUMENT,
        paragraphs=PARAGRAPHS if survey.label == THE_DOCUMENT else QUESTIONS_ASKED,
        findings=_findings(result),
    )


@bp.get("/surveys/<slug>/summary.csv")
def summary_csv(slug: str):
    survey = find_survey(slug)
    result = survey_summary(survey)
    # Only CWS/13/26 has those paragraphs: another survey's rows name none (helper-163).
    paragraphs = PARAGRAPHS if survey.label == THE_DOCUMENT else {}
    rows = [["question", "paragraph", "recommendation", "count", "percent", "offices"]]
    for question, part in result.questions.items():
        for number, cell in part.by_recommendation.items():
            rows.append(
                [
                    question.value,
                    paragraphs.get(question, ""),
                    number,
                    cell.count,
                    cell.percent,
                    " ".join(cell.offices),
                ]
            )
        # "none" is both of the next two rows: answered naming none, and gave no answer.
        for row, cell in (
            ("none", part.named_none),
            (
                "none: declined explicitly"
                if part.naming_none_declines
                else "none: answered on none in particular",
                part.answered_naming_none,
            ),
            ("none: no answer", part.no_answer),
        ):
            rows.append(
                [
                    question.value,
                    paragraphs.get(question, ""),
                    row,
                    cell.count,
                    cell.percent,
                    " ".join(cell.offices),
                ]
            )
    return table_download(rows, f"{survey.slug}-summary.csv")


def _findings(summary: Summary) -> list[tuple[Question, str]]:
    """One sentence per question in the document's manner: the highest and lowest shares."""
    findings = []
    for question in PARAGRAPHS:
        cells = summary.questions[question].by_recommendation
        if not cells:
            continue
        top = max(c.percent for c in cells.values())
        low = min(c.percent for c in cells.values())
        highest = [n for n, c in cells.items() if c.percent == top]
        lowest = [n for n, c in cells.items() if c.percent == low]
        part = summary.questions[question]
        if top == low:  # no highest or lowest: "highest Recs 1, …, 10 (0%)" said nothing
            shares = f"every recommendation {top}%" if top else "no recommendation named"
        else:
            shares = f"highest {_recs(highest)} ({top}%), lowest {_recs(lowest)} ({low}%)"
        findings.append(
            (
                question,
                f"{shares}; "
                f"{part.named_none.percent}% named none "
                f"({part.answered_naming_none.percent}% declined explicitly, "
                f"{part.no_answer.percent}% gave no answer).",
            )
        )
    return findings


def _recs(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"Rec {numbers[0]}"
    return "Recs " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


@bp.get("/surveys/<slug>/answers/<int:answer_id>")
def answer(slug: str, answer_id: int):
    survey = find_survey(slug)
    found = db.session.scalar(
        select(Answer).where(Answer.id == answer_id, Answer.survey_id == survey.id)
    )
    if found is None:
        abort(404, f"{survey.label} has no answer {answer_id}.")
    lines = (
        source_lines(survey, found.line_start, found.line_end)
        if found.line_start is not None
        else []
    )
    # A survey imported from a table has no text of its own: its answers' lines are those of
    # the text they were first read from, not the table's (it named "corr.csv, line 386").
    tabular = survey.source_text is None
    return render_template(
        "survey/answer.html", survey=survey, answer=found, lines=lines, tabular=tabular
    )
