"""JSON API over imported surveys: /api/v1/surveys and below, public and read-only, and the
import of a survey file by a co-lead (POST /api/v1/surveys)."""

from flask import Blueprint, abort, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from planner.accounts.idempotency import idempotent
from planner.accounts.security import colead_required
from planner.db_types import db_int
from planner.errors import ConflictError, PlannerError
from planner.http_errors import api_error
from planner.offices.models import typed_code
from planner.request_input import unknown_fields
from planner.survey import preview, uploads
from planner.survey.charsets import CHARSETS, ChooseCharset
from planner.survey.models import Survey
from planner.survey.operations import (
    SurveyConflict,
    SurveyImportRaced,
    answer_count,
    answer_records,
    delete_survey,
    find_survey,
    import_checked,
    import_file,
    list_surveys,
    parse_aliases,
    survey_summary,
)
from planner.survey.preview import Preview
from planner.survey.records import Question, SurveyFormatError
from planner.survey.summary import COUNTED
from planner.survey.tabular import answer_row
from planner.text import as_json, blank
from planner.web import flag_from

bp = Blueprint("survey_api", __name__, url_prefix="/api/v1")


def survey_json(survey: Survey) -> dict:
    return {
        "label": survey.label,
        "slug": survey.slug,
        "source": survey.source_name,
        "answered_from": survey.answered_from.isoformat() if survey.answered_from else None,
        "answered_until": survey.answered_until.isoformat() if survey.answered_until else None,
        "imported_at": survey.imported_at.isoformat(),
        "respondents": len(survey.respondents),
        "answers": answer_count(survey),
        "warnings": [
            {"line": warning.line, "message": warning.message} for warning in survey.warnings
        ],
        "links": {
            "answers": url_for(".answers", slug=survey.slug),
            "summary": url_for(".summary", slug=survey.slug),
        },
    }


@bp.get("/surveys")
def surveys():
    return {"surveys": [survey_json(s) for s in list_surveys()]}


@bp.url_value_preprocessor
def _upload_limit(endpoint: str | None, _values: dict | None) -> None:
    uploads.allow_survey_files(endpoint)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    return api_error(413, uploads.too_large())


@bp.errorhandler(uploads.UploadCut)
def _cut_short(error: uploads.UploadCut):
    return api_error(400, f"{error.message} Send the file again.")


# How the API names what the command line's --replace and --alias do, and the fields it reads.
API_WORDS = {"replace": "replace=true", "alias": "alias=NEW=KNOWN"}
IMPORT_FIELDS = ("file", "label", "alias", "replace", "encoding", "dry_run", "check")


@bp.post("/surveys")
@colead_required
@idempotent
def import_survey():
    """A survey file as `file` in a multipart/form-data body, with `label`, `alias` (LABEL=CODE,
    repeatable) and `replace` as the command line's options: 201 with the survey when stored,
    200 when the same answers are stored already; 400, 409 or 413 with nothing changed. With
    `dry_run=true`, 200 with what importing it does (`preview`, as the page's check shows it)
    and its `check`, nothing changed; with that `check`, imported only if it still does that,
    else 409 with what it does now."""
    problem = unknown_fields([*request.form.keys(), *request.files.keys()], IMPORT_FIELDS, "field")
    if problem:
        raise PlannerError(problem)
    for name in ("file", "label", "replace", "encoding", "dry_run", "check"):
        if len(request.files.getlist(name)) + len(request.form.getlist(name)) > 1:
            raise PlannerError(f"Send one {name}: a survey is imported from one file.", name)
    # A value sent as a file (curl -F dry_run=@yes.txt) is not read as one: a dry run so sent
    # imported the file, and a check so sent was no check (helper-234).
    for name in request.files:
        if name != "file":
            raise PlannerError(
                f"Send {name} as a value (curl -F {name}=...), not as a file; only the survey "
                "is a file. Nothing was imported.",
                name,
            )
    upload = request.files.get("file")
    if upload is None:
        raise PlannerError(
            "Send the survey file as the field 'file' of a multipart/form-data body (curl -F "
            "file=@CWS-13-26.txt), with 'label', 'alias' (GE=DE) and 'replace' if needed.",
            "file",
        )
    try:
        aliases = parse_aliases(
            value
            for given in request.form.getlist("alias")
            for value in uploads.alias_values(given)
        )
    except SurveyFormatError as error:
        raise PlannerError(str(error), "alias") from None
    label = request.form.get("label")
    if label is not None and blank(label):
        raise PlannerError(
            "The survey label is blank: give the survey a label, or leave the field out to use "
            "the file's own.",
            "label",
        )
    encoding = (request.form.get("encoding") or "").strip().lower() or None
    if encoding is not None and encoding not in CHARSETS:
        raise PlannerError(
            f"encoding {as_json(request.form['encoding'])} is not one of the character sets the "
            f"import reads besides UTF-8: {', '.join(CHARSETS)}.",
            "encoding",
        )
    dry_run, check = flag_from(request.form, "dry_run"), request.form.get("check")
    if check is not None:
        # Hexadecimal, in either case, with the line end `curl -F check=<file` keeps.
        check = check.strip().lower()
    if dry_run and check is not None:
        raise PlannerError(
            "Send dry_run=true to see what importing the file does, or check (the check a dry "
            "run gave) to import it if it still does that; not both.",
            "check",
        )
    if check is not None and not preview.is_check(check):
        # Not a check a dry run gave (empty, cut when copied): a 409 said that importing the
        # file "no longer does" what it was given for.
        raise PlannerError(
            f"check {as_json(check)} is not a check a dry run gives: send the file with "
            "dry_run=true, and its answer's check (32 letters and digits) with the file again.",
            "check",
        )
    read = {
        "data": uploads.read_file(upload),
        "name": uploads.upload_name(upload.filename),
        "label": label,
        "aliases": aliases,
        "replace": flag_from(request.form, "replace"),
        "encoding": encoding,
    }
    try:
        if dry_run or check is not None:
            checked = import_checked(**read, check=check, words=API_WORDS)
            if checked.outcome is None:
                return _checked(checked.preview, dry_run)
            outcome = checked.outcome
        else:
            outcome = import_file(**read)
    except SurveyConflict as error:
        raise ConflictError(f"{error} Send replace=true to replace it, or another label.") from None
    except SurveyImportRaced as error:
        raise ConflictError(str(error)) from None
    except ChooseCharset as error:
        said = error.said("send the file again with encoding set to its name (encoding=gb18030)")
        raise PlannerError(said, "file") from None
    except SurveyFormatError as error:
        raise PlannerError(str(error), "file") from None
    body = {
        "status": outcome.status,
        "message": outcome.describe(**API_WORDS),
        "survey": survey_json(outcome.survey),
        "lineups_removed": outcome.lineups_removed,
        "offices_added": list(outcome.offices_added),
        "offices_removed": list(outcome.offices_removed),
        # What this file's reading said (the stored survey's are under `survey`): an alias it
        # did not use, parts it could not place.
        "warnings": [{"line": w.line, "message": w.message} for w in outcome.warnings],
    }
    if outcome.status == "unchanged":
        return body, 200
    where = url_for(".summary", slug=outcome.survey.slug)
    return body, 201 if outcome.status == "created" else 200, {"Location": where}


def _checked(seen: Preview, dry_run: bool):
    """What importing the file does, not done: asked for (dry_run, 200), or found otherwise
    than the check sent was given for (409), with its check to import it now."""
    if dry_run:
        message = (
            f"Nothing was imported (dry_run): {seen.headline()} Send the file again with check "
            "set to the check below to import it, if it still does that then."
        )
        return {
            "status": "checked",
            "message": message,
            "check": seen.check,
            "preview": seen.as_dict(),
        }
    return api_error(
        409,
        "Nothing was imported: importing the file no longer does what the check sent was given "
        "for (another import, a survey deleted, an office or a mark edited since). The preview "
        "says what it does now; send its check to import it.",
        check=seen.check,
        preview=seen.as_dict(),
    )


@bp.delete("/surveys/<slug>")
@colead_required
def delete(slug: str):
    """Delete a survey as its page does ("Delete this survey…"): its answers, respondents,
    warnings and saved line-ups, and offices only it brought that nothing else keeps; meetings,
    slots, proposals, contacts and marks stay. 200 with what went and the survey pages show
    now; 404 if there is none by that slug (or someone deleted it meanwhile)."""
    survey = find_survey(slug)
    removal = delete_survey(survey)
    if removal is None:
        abort(404, f"The survey {slug} was deleted meanwhile, by someone else.")
    return {
        "deleted": removal.label,
        "answers": removal.answers,
        "lineups_removed": removal.lineups,
        "offices_removed": list(removal.offices),
        "latest": survey_json(removal.shown_now) if removal.shown_now else None,
    }


@bp.get("/surveys/<slug>/answers")
def answers(slug: str):
    survey = find_survey(slug)
    filters: dict = {}
    question = request.args.get("question")
    if question is not None:
        if question not in set(Question):
            abort(400, f"question must be one of: {', '.join(q.value for q in Question)}")
        filters["question"] = Question(question)
    recommendation = request.args.get("recommendation")
    if recommendation is not None:
        if recommendation.lower() in ("none", "null", ""):
            filters["recommendation"] = None
        else:
            try:
                filters["recommendation"] = db_int(recommendation)
            except ValueError:
                abort(400, "recommendation must be a number, or 'none' for answers naming none")
    office = request.args.get("office")
    if office is not None:
        # Read as wherever a code is typed: not str.isalpha and str.upper, which took the
        # Turkish dotless "ıe" for IE (helper-256).
        if (code := typed_code(office)) is None:
            abort(400, "office must be a two-letter ST.3 code such as AU")
        filters["office"] = code
    rows = answer_records(survey, **filters)
    return {"survey": survey.label, "count": len(rows), "answers": [answer_row(a) for a in rows]}


# `declined` named every answer naming no recommendation a decline, also to questions 3 and 7,
# which ask for comments and proposals (BR's SDLC policy declined nothing). Kept as it was, so
# that no script reads other numbers under it unawares, and said to be deprecated in the answer.
DECLINED_DEPRECATED = (
    "Deprecated: the offices that answered naming no recommendation, as "
    "`answered_naming_none` gives them; to questions 3 and 7 (implementation, proposal) they "
    "commented or proposed on none in particular, and declined nothing. Read "
    "`answered_naming_none`, and `naming_none_declines` for whether naming none declines. "
    "`declined` will be removed in a later release."
)


@bp.get("/surveys/<slug>/summary")
def summary(slug: str):
    survey = find_survey(slug)
    result = survey_summary(survey)
    return {
        "survey": survey.label,
        "respondents": len(result.respondents),
        "deprecated": {"declined": DECLINED_DEPRECATED},
        "questions": {
            question.value: {
                "label": question.label,
                "counts": COUNTED[question],
                "answered": part.answered.as_dict(),
                "named_none": part.named_none.as_dict(),
                "answered_naming_none": part.answered_naming_none.as_dict(),
                "naming_none_declines": part.naming_none_declines,
                "declined": part.answered_naming_none.as_dict(),
                "no_answer": part.no_answer.as_dict(),
                "recommendations": [
                    {"recommendation": number, **cell.as_dict()}
                    for number, cell in part.by_recommendation.items()
                ],
            }
            for question, part in result.questions.items()
        },
    }
