"""The tabular form of a survey: JSON and CSV, one row per office, question and recommendation.

`write_json`/`write_csv` and `read_json`/`read_csv` are inverses: export, import, export gives the
same bytes. Readers refuse the whole file on the first batch of problems, naming each row.
"""

import bisect
import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from planner.db_types import MAX_INT
from planner.matching.vocabulary import plain
from planner.offices.codes import typed_code
from planner.spreadsheet import read_back, written
from planner.survey.charsets import ChooseCharset
from planner.survey.document import NOT_UTF8_BYTE, SAVE_AS_CSV, NotUTF8, decode
from planner.survey.interest import REC_WORD
from planner.survey.records import (
    AnswerRecord,
    ImportWarning,
    Question,
    RespondentRecord,
    SurveyFormatError,
    SurveyRecord,
    folded,
    lines_of,
    named_as,
    office_names,
    period_problems,
)
from planner.text import as_json, blank, printable, refusal, shorten
from planner.timezones import is_time_zone

CSV_COLUMNS = (
    "survey",
    "office",
    "office_name",
    "time_zone",
    "question",
    "recommendation",
    "text",
    "lines",
    "basis",
    # When the survey was answered, on every row as its label is (both may be left empty).
    "answered_from",
    "answered_until",
)
_REQUIRED_CSV_COLUMNS = ("office", "question", "recommendation", "text")
# Columns of free text, written spreadsheet-safe (planner.spreadsheet).
_TEXT_COLUMNS = ("survey", "office_name", "text", "basis")
_CODE = re.compile(r"^[A-Z]{2}$")
_LINES = re.compile(r"^([0-9]{1,9})(?:-([0-9]{1,9}))?$", re.ASCII)
# What Excel writes for a range it took for a date: "2-Mar" (2-3), "02-mar", "3/2/2025",
# "02.03.2025", "2025-03-02".
_DATE_LIKE = re.compile(r"[^\W\d_]|[/.]|^\d{4}-\d{1,2}-\d{1,2}$")
# A recommendation number as written in a cell: ASCII digits, not "١٠" or "１"; a whole number
# as a spreadsheet or pandas writes one of a column with decimals or gaps, "10.0", or where the
# comma is the decimal sign, "10,0" or "10,00", is the number. Not "1,000" nor "1.000": a
# thousand, where a comma or a full stop groups the digits.
_NUMBER = re.compile(r"([0-9]{1,9})(?:[.,]0{1,2})?")
# A recommendation's cell as a person types it: "Rec. 10", "Recommendation 10", "R10", "Rec 10:"
# or "10." (the word read as in the free-text answers, `REC_WORD`); what follows the word is
# read as `_NUMBER` reads a number, so "Rec. 1,000" and "Rec. 10, 11" are still none.
# The word is what comes before the number, spaces after it left off in `_recommendation`:
# a lazy word before "\s*" was tried at each of a long run of spaces' ends, and a cell of
# "a", a hundred thousand spaces and "a" took a minute.
_REC_CELL = re.compile(r"(\D*)([0-9]+(?:[.,][0-9]+)?)\s*[.:]?")
_REC_NAMED = re.compile(rf"(?:{REC_WORD}|r\.?)\s*(?:no\.?\s*)?")
_MAX_ERRORS = 10
# How a file comes to end before its last row or value does.
_CUT_SHORT = "saved, copied or downloaded only in part"
# The fields of the JSON form that the import reads; others are said to be left out.
_JSON_FIELDS = {
    "": {"survey", "offices", "answers"},
    "survey": {"label", "slug", "source", "answered_from", "answered_until"},
    "offices": {"code", "name", "time_zone"},
    # no_answer is read again from the text (see answer_row).
    "answers": {"office", "question", "recommendation", "text", "lines", "basis", "no_answer"},
}


def _names(names: Iterable[str], quoted: bool = True) -> str:
    """Column or field names (or other values of a file) as a message quotes them: each cut
    short, at most ten; `quoted`: as JSON writes them, else as given (already cut short)."""
    shown = [as_json(n) for n in names] if quoted else list(names)
    more = f" and {len(shown) - 10} more" if len(shown) > 10 else ""
    return ", ".join(shown[:10]) + more


def _cut(value: str, limit: int = 40) -> str:
    """A cell quoted as written, unquoted, cut short and printable."""
    return printable(shorten(value, limit + 1))


def _unread_fields(payload: dict) -> list[ImportWarning]:
    """A warning for each part of a JSON survey carrying fields the import does not read (a
    misspelt "txet" would otherwise be dropped without a word)."""
    found: dict[str, list[str]] = {}
    for part, known in _JSON_FIELDS.items():
        items = [payload] if not part else payload.get(part)
        items = [items] if isinstance(items, dict) else items if isinstance(items, list) else []
        for item in items:
            if isinstance(item, dict):
                for name in item.keys() - known:
                    if name not in found.setdefault(part, []):
                        found[part].append(name)
    return [
        ImportWarning(
            None,
            f"{part or 'the file'} has field(s) the import does not read, left "
            f"out: {_names(sorted(names))}",
        )
        for part, names in found.items()
        if names
    ]


def office_row(office: RespondentRecord) -> dict[str, Any]:
    return {"code": office.code, "name": office.name, "time_zone": office.time_zone}


def answer_row(answer: AnswerRecord) -> dict[str, Any]:
    return {
        "office": answer.office,
        "question": answer.question.value,
        "recommendation": answer.recommendation,
        "text": answer.text,
        "lines": list(answer.lines) if answer.lines else None,
        "basis": answer.basis,
        # Read from the text by `says_nothing` ("No", "n/a"); ignored on import, which reads it
        # again from the text by the same rule.
        "no_answer": answer.no_answer,
    }


def write_json(record: SurveyRecord) -> str:
    payload = {
        "survey": {
            "label": record.label,
            "slug": record.slug,
            "source": record.source_name,
            "answered_from": _iso(record.answered_from),
            "answered_until": _iso(record.answered_until),
        },
        "offices": [office_row(r) for r in sorted(record.respondents, key=lambda r: r.code)],
        "answers": [answer_row(a) for a in sorted(record.answers, key=AnswerRecord.sort_key)],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def write_csv(record: SurveyRecord) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    offices = {r.code: r for r in record.respondents}
    dates = [_iso(record.answered_from) or "", _iso(record.answered_until) or ""]
    answered = set()
    for a in sorted(record.answers, key=AnswerRecord.sort_key):
        office = offices[a.office]
        answered.add(a.office)
        lines = "" if not a.lines else f"{a.lines[0]}-{a.lines[1]}"
        writer.writerow(
            [
                written(record.label),
                a.office,
                written(office.name),
                office.time_zone or "",
                a.question.value,
                "" if a.recommendation is None else a.recommendation,
                written(a.text),
                lines,
                written(a.basis or ""),
                *dates,
            ]
        )
    # A respondent without answers still counts towards percentages: a row with no question.
    for code in sorted(set(offices) - answered):
        office = offices[code]
        writer.writerow(
            [written(record.label), code, written(office.name), office.time_zone or ""]
            + [""] * 5
            + dates
        )
    return out.getvalue()


class _Problems:
    """Collects row-level problems so the refusal lists them all at once (up to a limit)."""

    def __init__(self) -> None:
        self.items: list[str] = []
        # Offices listed but refused (said once, where they are listed): their answers are not
        # each refused again for an office "not among the offices".
        self.refused_offices: set[str] = set()

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def raise_if_any(self, what: str) -> None:
        if not self.items:
            return
        shown = self.items[:_MAX_ERRORS]
        more = len(self.items) - len(shown)
        tail = f"\n  … and {more} more" if more else ""
        raise SurveyFormatError(
            f"{what} cannot be imported; nothing was changed:\n  " + "\n  ".join(shown) + tail
        )


# What json's messages most often mean in a file a person edited, in their words: "Expecting
# property name enclosed in double quotes" was all a steward was told of a comma left before }.
_JSON_MISTAKES = {
    "Expecting property name enclosed in double quotes": (
        'a field\'s name in double quotes was expected: remove a comma before "}", and write '
        'names in straight double quotes ("text"), not single ones'
    ),
    "Expecting value": (
        'a value was expected: remove a comma before "]", write texts in straight double quotes '
        '("), not curly ones (“ ”), and leave out comments, which JSON has none of'
    ),
    "Expecting ',' delimiter": (
        "a comma is missing between two values, most likely at the end of the line before, or "
        "the file ends too soon"
    ),
    "Expecting ':' delimiter": "a colon is missing after a field's name",
    "Invalid control character at": (
        "a line break or tab inside a text: write it as \\n (or \\t) within the quotes"
    ),
    "Unterminated string starting at": "a text's closing double quote is missing",
    "Extra data": 'more follows the survey\'s closing "}": remove it',
}


def read_json_text(text: str):
    """JSON as the API reads it: at most MAX_DEPTH levels deep, whole numbers a column can
    hold, no NaN or Infinity, no half of a surrogate pair (ValueError saying which)."""
    from planner.request_input import parse_json

    return parse_json(text.encode("utf-8", "surrogatepass"))


def _decoded(data: bytes, source_name: str, form: str) -> str:
    """The text of a JSON or CSV file; one that is not UTF-8 is refused naming the line (and a
    CSV's column) of its first byte that is not, how the word it is in reads in the character
    sets spreadsheets save in, and how to save it as UTF-8: Excel's plain "CSV" is in the code
    page of the Windows that saved it (the Lima tester was told to save "the extracted text" as
    UTF-8 and given a byte offset). None is guessed (`planner.survey.charsets`)."""
    try:
        return decode(data)
    except NotUTF8 as error:
        where = f"{source_name} cannot be imported; nothing was changed:\n  line {error.line}"
        if form == "csv" and (column := _column_at(error.text)):
            where += f", column {as_json(column)}"
        saved_as = "save the file with the encoding UTF-8 and import that"
        if form == "csv":
            saved_as = SAVE_AS_CSV
        raise ChooseCharset(where, error.data, error.at, saved_as) from None


def _column_at(text: str) -> str | None:
    """The column of a CSV holding its first byte that is not UTF-8 (as NotUTF8.text holds
    it): the header's name of the first cell holding one."""
    try:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text))
        header = next(rows, [])
        if any(NOT_UTF8_BYTE.search(name) for name in header):
            return None  # in the header itself: its line says where
        for row in rows:
            for index, cell in enumerate(row):
                if NOT_UTF8_BYTE.search(cell):
                    return _column_name(header[index]) if index < len(header) else None
    except csv.Error:
        pass
    return None


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _item_lines(text: str) -> dict[str, list[int]]:
    """The line each item of the top-level "offices" and "answers" lists starts on, for a
    refusal to name as a CSV's names its lines ({} for a file of one line, where it says
    nothing). json gives no positions of what it reads, so the top level is walked here, each
    value read by `raw_decode`; only text that parsed as JSON comes here, and whatever would
    still surprise the walk gives no lines rather than wrong ones."""
    breaks = [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    if not breaks:
        return {}
    decoder = json.JSONDecoder()

    def skip(at: int, past: str = "") -> int:
        """`at` after the white space there, and after `past` (a character that must follow)."""
        at = _JSON_SPACE.match(text, at).end()
        if past:
            if text[at] != past:
                raise ValueError(past)
            at = _JSON_SPACE.match(text, at + 1).end()
        return at

    starts: dict[str, list[int]] = {}
    try:
        at = skip(0, "{")
        while text[at] != "}":
            key, at = decoder.raw_decode(text, at)
            at = skip(at, ":")
            if key in ("offices", "answers") and text[at] == "[":
                starts[key] = []
                at = skip(at, "[")
                while text[at] != "]":
                    starts[key].append(at)
                    at = skip(decoder.raw_decode(text, at)[1])
                    at = skip(at, ",") if text[at] == "," else at
                at += 1
            else:
                at = decoder.raw_decode(text, at)[1]
            at = skip(at)
            at = skip(at, ",") if text[at] == "," else at
    except (ValueError, IndexError):
        return {}
    return {key: [bisect.bisect_right(breaks, at) + 1 for at in ats] for key, ats in starts.items()}


def read_json(
    data: bytes,
    source_name: str,
    *,
    label: str | None = None,
    recommendations: Iterable[int],
    offices: Mapping[str, str] | None = None,
) -> SurveyRecord:
    """`offices`: the code and name of each office known, for a code that is none to be said
    to be the code of an office named as it is."""
    text = _decoded(data, source_name, "json")
    try:
        payload = read_json_text(text)
    except json.JSONDecodeError as error:
        said = _JSON_MISTAKES.get(error.msg, error.msg)
        if error.pos >= len(text.rstrip()):
            said = f"the file ends before the JSON does: was it cut short ({_CUT_SHORT})?"
        elif error.msg == "Unterminated string starting at":
            # A line break would have ended it sooner ("Invalid control character"): it runs on
            # to the end of the file.
            said = (
                f"the file ends inside the text that starts here: was it cut short ({_CUT_SHORT})?"
            )
        raise SurveyFormatError(
            f"The file is not valid JSON (line {error.lineno}, column {error.colno}: {said})."
        ) from None
    except ValueError as error:
        raise SurveyFormatError(f"The file cannot be imported: {error}") from None
    if isinstance(payload, list) and any(isinstance(row, dict) for row in payload):
        return _read_json_rows(payload, text, source_name, label, recommendations, offices)
    if not isinstance(payload, dict) or not {"offices", "answers"} <= payload.keys():
        raise SurveyFormatError(
            'The JSON is not a survey: expected an object with "survey", "offices" and '
            f'"answers", as a survey\'s JSON download writes it, or a list of rows with the '
            f"columns of its CSV download{_json_instead(payload)}."
        )
    problems = _Problems()
    # Left out or null: no survey block. An empty list or text is still not an object.
    survey = {} if payload.get("survey") is None else payload["survey"]
    if not isinstance(survey, dict):
        problems.add("survey", "must be an object")
        survey = {}
    survey_label = label or survey.get("label")
    if survey_label is not None and not isinstance(survey_label, str):
        # helper-87: a number here was said to be missing.
        problems.add("survey.label", f"must be text in quotes, not {_json_kind(survey_label)}")
    elif not survey_label or not survey_label.strip():
        problems.add("survey.label", "missing; give the survey a label")
    for name in ("slug", "source"):
        if survey.get(name) is not None and not isinstance(survey[name], str):
            problems.add(
                f"survey.{name}", f"must be text in quotes, not {_json_kind(survey[name])}"
            )
    answered_from = _date(survey.get("answered_from"), "survey.answered_from", problems)
    answered_until = _date(survey.get("answered_until"), "survey.answered_until", problems)

    lines_of_items = _item_lines(text)

    def where_is(part: str, index: int) -> str:
        """answers[7] as the file's line says it too, where it has lines."""
        line = lines_of_items.get(part, [])[index : index + 1]
        return f"line {line[0]}, {part}[{index}]" if line else f"{part}[{index}]"

    respondents = _offices(
        payload.get("offices"), office_names((offices or {}).items()), problems, where_is
    )
    known = set(recommendations)
    answers: list[AnswerRecord] = []
    wheres: list[str] = []
    unused: list[ImportWarning] = []  # no_answer values the text says otherwise
    rows = payload.get("answers")
    given = len(rows) if isinstance(rows, list) else None
    if not isinstance(rows, list):
        problems.add("answers", "must be a list")
        rows = []
    for index, row in enumerate(rows):
        where = where_is("answers", index)
        if not isinstance(row, dict):
            problems.add(where, "must be an object")
            continue
        lines = row.get("lines")
        if isinstance(lines, list):
            lines = [_number(n) for n in lines]
        parsed_lines = None
        if lines is not None:
            if (
                isinstance(lines, list)
                and len(lines) == 2
                and all(
                    isinstance(n, int) and not isinstance(n, bool) and 0 < n <= MAX_INT
                    for n in lines
                )
                and lines[0] <= lines[1]
            ):
                parsed_lines = (lines[0], lines[1])
            else:
                problems.add(
                    where,
                    "lines must be [first, last] line numbers, the first not after the last",
                )
        answer = _answer(
            where,
            _code(row.get("office")),
            _question(row.get("question")),
            _recommendation(row.get("recommendation")),
            row.get("text"),
            parsed_lines,
            row.get("basis"),
            respondents,
            known,
            problems,
        )
        if answer:
            answers.append(answer)
            wheres.append(where)
            stated = row.get("no_answer")
            if isinstance(stated, bool) and stated != answer.no_answer:
                unused.append(_no_answer_unused(where, stated))
    _check_duplicates(answers, problems, wheres)
    _check_whole(answers, given, answered_from, answered_until, "survey.", problems)
    problems.raise_if_any(source_name)
    return SurveyRecord(
        label=survey_label.strip(),
        source_name=str(survey.get("source") or source_name),
        respondents=list(respondents.values()),
        answers=sorted(answers, key=AnswerRecord.sort_key),
        answered_from=answered_from,
        answered_until=answered_until,
        warnings=[*_unread_fields(payload), *unused],
    )


def _json_instead(payload: Any) -> str:
    """What a JSON file that is no survey holds instead, for its refusal."""
    if isinstance(payload, dict):
        return f"; this one is an object with {_names(sorted(payload)) or 'no fields'}"
    if not isinstance(payload, list):
        return f"; this one is {_json_kind(payload)}"
    return f"; this one is a list of {len(payload)} value(s)"


def _read_json_rows(
    payload: list,
    text: str,
    source_name: str,
    label: str | None,
    recommendations: Iterable[int],
    offices: Mapping[str, str] | None,
) -> SurveyRecord:
    """A list of rows keyed by the CSV's columns, as a converter or pandas
    (`to_json(orient="records")`) writes a spreadsheet: read as the CSV it was made from, with
    the same columns, checks and refusals, each row named by its place in the list (and its
    line). A cell may be text, a number (pandas writes a column of numbers and gaps as 10.0) or
    null (an empty cell); a key a row leaves out is an empty cell."""
    written = list(
        dict.fromkeys(str(name) for row in payload if isinstance(row, dict) for name in row)
    )
    unread = _columns_checked(
        written,
        "The list of rows",
        "Each row names the columns in English, as a survey's CSV download does",
    )
    rows = _Rows(recommendations, offices, [ImportWarning(None, unread)] if unread else [])
    starts = _list_lines(text)
    for index, row in enumerate(payload):
        line = starts[index : index + 1]
        where = f"line {line[0]}, [{index}]" if line else f"[{index}]"
        if not isinstance(row, dict):
            rows.problems.add(where, f"must be an object (a row), not {_json_kind(row)}")
            continue
        cells: dict[str, str] = dict.fromkeys(CSV_COLUMNS, "")
        refused = False
        for name, value in row.items():
            column = _column_name(str(name))
            if isinstance(value, bool | list | dict):
                rows.problems.add(
                    where, f"{as_json(str(name))} must be text or a number, not {_json_kind(value)}"
                )
                refused = True
            elif isinstance(value, float) and value.is_integer():
                cells[column] = str(int(value))
            elif value is not None:
                cells[column] = str(value)
        if refused or not any(cell.strip() for cell in cells.values()):
            continue  # a row of nulls, as a spreadsheet's empty rows convert
        rows.add(where, cells)
    return rows.record(source_name, label)


def _list_lines(text: str) -> list[int]:
    """The line each item of a top-level JSON list starts on ([] for a file of one line), as
    `_item_lines` finds them in an object's lists."""
    breaks = [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    if not breaks:
        return []
    decoder = json.JSONDecoder()
    starts = []
    try:
        at = _JSON_SPACE.match(text).end()
        if text[at] != "[":
            return []
        at = _JSON_SPACE.match(text, at + 1).end()
        while text[at] != "]":
            starts.append(at)
            at = _JSON_SPACE.match(text, decoder.raw_decode(text, at)[1]).end()
            if text[at] == ",":
                at = _JSON_SPACE.match(text, at + 1).end()
    except (ValueError, IndexError):
        return []
    return [bisect.bisect_right(breaks, at) + 1 for at in starts]


def _no_answer_unused(where: str, given: bool) -> ImportWarning:
    """An answer's no_answer edited against its text: the export writes it, and the import
    reads it again from the text (`says_nothing`), so true set on an answer would otherwise
    leave it counting without a word."""
    return ImportWarning(
        None,
        f"{where}: no_answer {as_json(given)} is not used: whether an answer counts for nothing "
        f"is read from its text (“No”, “n/a”), and this one's says "
        + ("something" if given else "nothing"),
    )


def read_csv(
    data: bytes,
    source_name: str,
    *,
    label: str | None = None,
    recommendations: Iterable[int],
    offices: Mapping[str, str] | None = None,
) -> SurveyRecord:
    """`offices`: the code and name of each office known, for a code that is none to be said
    to be the code of an office named as it is."""
    text = _decoded(data, source_name, "csv")
    separator = _separator(text)
    try:
        # strict: a quote left open to the end of the file is an error, not one long field.
        source = io.StringIO(text, newline="")
        reader = csv.DictReader(source, delimiter=separator, strict=True)
        # " Office" and "OFFICE" are the office column, as a person typing the header means.
        written = list(reader.fieldnames or [])
        header = [_column_name(name) for name in written]
        reader.fieldnames = header
    except csv.Error as error:
        raise _not_csv(error, 1, separator) from None
    unread = _columns_checked(
        written,
        "The CSV",
        "Its first line names the columns in English, as a survey's CSV download does, "
        "separated by commas, semicolons or tabs",
    )
    rows = _Rows(recommendations, offices, [ImportWarning(1, unread)] if unread else [])
    try:
        # Line breaks inside the cells of the rows read so far: a spreadsheet shows each row
        # on one of its rows, so after a cell of two lines its row numbers are the file's lines
        # less these (the export of CWS/13/26 has nine such cells).
        inside = 0
        ended = reader.line_num  # the last line of the rows read so far
        for row in reader:
            cells = [v for k, v in row.items() if k is not None] + row.get(None, [])
            breaks = sum(len(lines_of(cell or "")) - 1 for cell in cells)
            # The line the row starts on, not the one it ends on, which the reader counts.
            first = reader.line_num - breaks
            where = f"line {first}" + (
                f" (row {first - inside} in a spreadsheet)" if inside else ""
            )
            inside += breaks
            ended = reader.line_num
            if not any((cell or "").strip() for cell in cells):
                continue  # ",,,,,": a row a spreadsheet leaves at the end, holding nothing
            if None in row:
                rows.problems.add(where, "more fields than columns")
                continue
            if None in row.values():
                given = sum(v is not None for v in row.values())
                said = f"{given} field(s) where the header has {len(header)}"
                if source.tell() == len(text) and not text.endswith(("\n", "\r")):
                    said += (
                        ", on the file's last line, which stops without a line end: was the "
                        f"file cut short ({_CUT_SHORT})?"
                    )
                rows.problems.add(where, said)
                continue
            rows.add(where, row)
    except csv.Error as error:
        raise _not_csv(error, ended + 1, separator) from None
    return rows.record(source_name, label)


def _columns_checked(written: list[str], what: str, how: str) -> str | None:
    """The columns a CSV's first line, or the rows of a JSON list, name as `written`: refused
    if they lack one the import needs or name one twice; else what the warning about the
    columns the import does not read says, if there are any."""
    header = [_column_name(name) for name in written]
    missing = [c for c in _REQUIRED_CSV_COLUMNS if c not in header]
    if missing:
        # What the first line names instead: a heading in French ("bureau", "texte") or a
        # table of something else, which the person sees at once.
        given = [
            f"“{_cut(name.strip(), 30)}”"
            for name, column in zip(written, header, strict=True)
            if column and column not in CSV_COLUMNS
        ]
        instead = f"; this one names {_names(given, False)}" if given else ""
        raise SurveyFormatError(
            f"{what} lacks the column(s) {', '.join(missing)}. {how}: "
            f"{', '.join(CSV_COLUMNS)}{instead}."
        )
    # A column named twice: the reader keeps the last, so the other's cells would be lost
    # without a word (helper-56); which one holds the answers is for the person to say.
    twice = sorted({name for name in CSV_COLUMNS if header.count(name) > 1})
    if twice:
        raise SurveyFormatError(
            f"{what} names the column(s) {_names(twice)} more than once; keep one of each "
            "(the import cannot tell which holds the answers). Nothing was changed."
        )
    # Blank names are the empty columns a spreadsheet adds at the end of a row: not worth a word.
    unread = list(dict.fromkeys(n for n in header if n.strip() and n not in CSV_COLUMNS))
    if not unread:
        return None
    return f"column(s) the import does not read, left out: {_names(unread)}"


class _Rows:
    """The rows of a table, a CSV's or a JSON list's, read into a survey: each given with where
    it is (`add`), then checked whole (`record`)."""

    def __init__(
        self,
        recommendations: Iterable[int],
        offices: Mapping[str, str] | None,
        warnings: list[ImportWarning],
    ) -> None:
        self.problems = _Problems()
        self.warnings = warnings
        self.labels: set[str] = set()
        # Each date a column gives, with the first row that gives it.
        self.given_dates: dict[str, dict[str, str]] = {"answered_from": {}, "answered_until": {}}
        self.respondents: dict[str, RespondentRecord] = {}
        self.names = office_names((offices or {}).items())
        self.first_line: dict[str, str] = {}  # where each office's name and zone were first given
        self.pending: list[tuple[str, dict[str, str]]] = []
        self.known = set(recommendations)

    def add(self, where: str, row: dict[str, str]) -> None:
        """A row that holds something: its cells by column (`_column_name`)."""
        problems, respondents, first_line = self.problems, self.respondents, self.first_line
        row = {k: (v or "").strip() if k != "text" else (v or "") for k, v in row.items()}
        row = {k: v if k in _TEXT_COLUMNS else _bare(v) for k, v in row.items()}
        # Cells written so a spreadsheet shows them as text ('=…) read as they were.
        row = {k: read_back(v) if k in _TEXT_COLUMNS else v for k, v in row.items()}
        if row.get("survey"):
            self.labels.add(row["survey"])
        for name, found in self.given_dates.items():
            if row.get(name):
                found.setdefault(row[name], where)
        code = row["office"] = _code(row["office"])
        if not _CODE.match(code):
            said = f"office {as_json(code)} is not a two-letter ST.3 code"
            problems.add(where, said + _named_so(row.get("office_name"), self.names))
            return
        # A name of invisible characters alone (a zero-width space) is no name, as an
        # empty cell is: the office is named by its code.
        name = row.get("office_name") or ""
        office = RespondentRecord(
            code, code if blank(name) else name, row.get("time_zone") or None, where=where
        )
        earlier = respondents.get(code)
        if earlier and (earlier.name, earlier.time_zone) != (office.name, office.time_zone):
            # Which, and where it was said first: one row corrected and not the others
            # read as two errors before (helper-82).
            differ = [
                f"{what} {as_json(mine)}, where {first_line[code]} has {as_json(theirs)}"
                for what, mine, theirs in (
                    ("name", office.name, earlier.name),
                    ("time zone", office.time_zone or "", earlier.time_zone or ""),
                )
                if mine != theirs
            ]
            problems.add(
                where,
                f"office {code} has the {' and the '.join(differ)}; give each of its rows the same",
            )
        elif not earlier:
            first_line[code] = where
            if office.time_zone and not is_time_zone(office.time_zone):
                problems.add(where, f"{as_json(office.time_zone)} is not an IANA time zone name")
            if problem := refusal(office.name, f"The name of office {code}"):
                problems.add(where, problem)
            respondents[code] = office
            self.names.setdefault(folded(office.name.strip()), code)
        if row["question"]:
            self.pending.append((where, row))
        elif any(row.get(name) for name in ("recommendation", "text", "lines", "basis")):
            # A row with no question lists an office that answered nothing; an answer
            # there would be dropped without a word.
            problems.add(
                where,
                "the row has an answer but no question; give its question (one of "
                f"{', '.join(Question)}), or empty its recommendation, text, lines and "
                "basis",
            )

    def record(self, source_name: str, label: str | None) -> SurveyRecord:
        """The survey the rows make, all of them read; refused whole (SurveyFormatError) naming
        each row at fault."""
        problems, labels, respondents = self.problems, self.labels, self.respondents
        if not respondents and not problems.items:
            problems.add("rows", "the file has a header but no office rows")
        if len(labels) > 1:
            problems.add("survey", f"the rows name several surveys: {_names(sorted(labels))}")
        dates = {}
        for name, found in self.given_dates.items():
            if len(found) > 1:
                # Where each first appears, and how to write them (helper-82: "2026-9-1" beside
                # "2026-09-01", said without a line).
                given = _names(
                    (f"{_cut(value)} ({where})" for value, where in found.items()), False
                )
                problems.add(
                    name,
                    f"the rows give several dates: {given}; every row gives the same one, "
                    "written in full like 2025-05-02",
                )
            dates[name] = None
            if len(found) == 1:
                ((value, where),) = found.items()
                dates[name] = _date(value, f"{where}, {name}", problems, cell=True)
        survey_label = label or (labels.pop() if len(labels) == 1 else None)
        if not survey_label and len(labels) <= 1:  # several labels are said above
            problems.add("survey", "no survey label in the file; give the survey a label")
        answers, wheres = [], []
        for where, row in self.pending:
            lines = None
            if row.get("lines"):
                match = _LINES.match(row["lines"])
                first, last = (int(match[1]), int(match[2] or match[1])) if match else (0, 0)
                if 0 < first <= last <= MAX_INT:
                    lines = (first, last)
                else:
                    said = f"lines {as_json(row['lines'])} must look like 413-415"
                    if _DATE_LIKE.search(row["lines"]):
                        said += (
                            "; a spreadsheet may have turned the range into a date: format the "
                            "lines column as text and type the range again"
                        )
                    problems.add(where, said)
            answer = _answer(
                where,
                row["office"],
                _question(row["question"]),
                _recommendation(row["recommendation"]),
                row["text"],
                lines,
                row.get("basis") or None,
                respondents,
                self.known,
                problems,
            )
            if answer:
                answers.append(answer)
                wheres.append(where)
        _check_duplicates(answers, problems, wheres)
        _check_whole(
            answers,
            len(self.pending),
            dates["answered_from"],
            dates["answered_until"],
            "",
            problems,
        )
        problems.raise_if_any(source_name)
        return SurveyRecord(
            label=survey_label,
            source_name=source_name,
            respondents=list(respondents.values()),
            answers=sorted(answers, key=AnswerRecord.sort_key),
            answered_from=dates["answered_from"],
            answered_until=dates["answered_until"],
            warnings=self.warnings,
        )


# What may separate the columns: Excel writes semicolons where the comma is the decimal sign
# (Spanish, French, German locales), and tabs as "Text (Tab delimited)".
_SEPARATORS = (",", ";", "\t")
_SEPARATOR_NAMES = {",": "a comma", ";": "a semicolon", "\t": "a tab"}


def _not_csv(error: csv.Error, line: int, separator: str) -> SurveyFormatError:
    """A file the CSV reader cannot read, saying the line of the row it stopped in and, for the
    mistakes a person editing it makes, how to write it: it said "',' expected after '"'" of a
    stray double quote, without a line, in a file of thousands."""
    said = str(error)
    if said.startswith("field larger than field limit"):
        said = (
            f"a cell of more than {csv.field_size_limit():,} characters, far longer than any "
            "answer: is a double quote left open, or is the file not a CSV?"
        )
    elif said.endswith("expected after '\"'") or said == "unexpected end of data":
        said = (
            'a double quote (") in a cell: a cell holding one is written in double quotes, '
            f'each one inside it twice ("Rec ""5"""), and {_SEPARATOR_NAMES[separator]} '
            "follows it; a spreadsheet saving the file does so itself"
        )
        if str(error) == "unexpected end of data":
            # The cell opened there runs to the end of the file: as likely a file cut short.
            said = (
                "the file ends inside a cell that opens with a double quote on this line: was "
                f"the file cut short ({_CUT_SHORT})? If not, that quote is one a cell holds: "
                "such a cell is written in double quotes, each one inside it twice "
                f'("Rec ""5"""), and {_SEPARATOR_NAMES[separator]} follows it'
            )
    return SurveyFormatError(
        f"The file is not valid CSV; nothing was changed:\n  line {line}: {said}"
    )


def _column_name(name: str) -> str:
    """The column a header cell names: in any case, spaces around it and invisible characters
    (a second byte-order mark, a zero-width space) ignored, and words apart by spaces or
    hyphens as the export's by "_": "Office Name" and "Answered-From", as a person types a
    heading, were left out as columns the import does not read, and the offices' names, time
    zones and answer dates with them."""
    shown = "".join(c for c in name if unicodedata.category(c) != "Cf")
    return re.sub(r"[\s_-]+", "_", shown.strip()).lower()


def _separator(text: str) -> str:
    """The separator the header line is written with: the one that makes it name the most
    columns of the tabular form (commas when none does, for the refusal to say what is missing)."""
    return max(_SEPARATORS, key=lambda separator: len(_header(text, separator) & set(CSV_COLUMNS)))


def _header(text: str, separator: str) -> set[str]:
    """The names the first line gives its columns, read with `separator` (none, where it is no
    line of a CSV: the reader then says why)."""
    first = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    try:
        return {_column_name(cell) for cell in next(csv.reader([first], delimiter=separator), [])}
    except csv.Error:
        return set()


def tabular_form(data: bytes) -> str | None:
    """The tabular form ("json" or "csv") of a file whose name does not say it, else None: JSON
    is an object (or a list of rows), and a CSV's first line names the columns an import
    needs. Excel saves "Unicode Text" (UTF-16, tabs) and "Text (Tab delimited)" as .txt,
    Notepad a JSON file as "survey.json.txt": they were read as the published text and refused
    as no survey annex."""
    try:
        text = decode(data)
    except NotUTF8 as error:
        text = error.text  # the start is read; a letter that is not UTF-8 is said by the reader
    except SurveyFormatError:
        return None
    if text.lstrip().startswith(("{", "[")):
        return "json"
    return "csv" if set(_REQUIRED_CSV_COLUMNS) <= _header(text, _separator(text)) else None


def _named_so(name: str | None, names: dict[str, str]) -> str:
    """For a code that is none: the office whose name it is given, as a message goes on
    (helper-157: "PEE" named as PE is), or nothing. A two-letter code no office has is said
    at the import (`operations.mistyped_codes`), with the alias to give."""
    other = named_as(name, names)
    if not other:
        return ""
    shown = printable(name.strip())
    return f", yet it is named as {other} is (“{shown}”): if it is {other}, write {other}"


def _bare(value: Any) -> Any:
    """A code, number, date or zone as typed, without the invisible characters a copy from a
    web page, a mail or a right-to-left document brings along (a zero-width space, a
    right-to-left mark, a byte-order mark): "PE" followed by U+200F was refused as no
    two-letter code, quoted as "PE", which reads as one. Texts keep theirs."""
    if not isinstance(value, str):
        return value
    return "".join(c for c in value if unicodedata.category(c) != "Cf").strip()


def _code(value: Any) -> Any:
    """An office code as typed, read as every form reads it (`typed_code`: "pe" is PE); anything
    else is left for the check to say what it is."""
    return typed_code(value) or _bare(value)


def _number(value: Any) -> Any:
    """A number as written in either form: "10" is 10 in a JSON file as in a CSV cell (a script
    or a spreadsheet's converter may quote every value), as 10.0 is (pandas writes a column of
    numbers and nulls so, "10.0" in a CSV, and "10,0" with the decimal comma); "" is none;
    anything else is left for the check to say what it is."""
    value = _bare(value)
    if isinstance(value, str) and (number := _NUMBER.fullmatch(value)):
        return int(number[1])
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None if isinstance(value, str) and not value.strip() else value


# A question as a person types it, by its name in the export or its label on the pages, in any
# case, with spaces or hyphens for underscores: "Focus", "Low priority", "Current focus (Q4)".
_QUESTION_NAMES = {
    " ".join(re.split(r"[\s_-]+", folded(name))): question.value
    for question in Question
    for name in (question.value, question.label)
}


def _question(value: Any) -> Any:
    """The question a cell or a JSON value names (`_QUESTION_NAMES`); anything else is left for
    the check to say what it is."""
    value = _bare(value)
    if not isinstance(value, str):
        return value
    return _QUESTION_NAMES.get(" ".join(re.split(r"[\s_-]+", folded(value))), value)


def _recommendation(value: Any) -> Any:
    """A recommendation's number as written in either form, with the word for it or a full stop
    a person adds (`_REC_CELL`): "Rec. 10" is 10, as "10" is (`_number`)."""
    value = _bare(value)
    cell = _REC_CELL.fullmatch(value) if isinstance(value, str) else None
    word = cell[1].rstrip() if cell else ""
    if cell and (not word or _REC_NAMED.fullmatch(plain(word))):
        number = _number(cell[2])
        if isinstance(number, int):
            return number
    return _number(value)


def _offices(
    rows: Any, names: dict[str, str], problems: _Problems, where_is: Callable[[str, int], str]
) -> dict[str, RespondentRecord]:
    offices: dict[str, RespondentRecord] = {}
    if not isinstance(rows, list) or not rows:
        problems.add("offices", "must be a non-empty list")
        return offices
    for index, row in enumerate(rows):
        where = where_is("offices", index)
        if not isinstance(row, dict):
            problems.add(where, "must be an object")
            continue
        code, name, zone = _code(row.get("code")), row.get("name"), _bare(row.get("time_zone"))
        if not isinstance(code, str) or not _CODE.match(code):
            said = f"code {as_json(code)} is not a two-letter ST.3 code"
            problems.add(where, said + _named_so(name if isinstance(name, str) else None, names))
            continue
        if code in offices:
            problems.add(where, f"office {code} is listed twice")
            continue
        problems.refused_offices.add(code)  # until it is read whole, below
        if name is not None and not isinstance(name, str):
            problems.add(where, f"the name of office {code} must be text, not {_json_kind(name)}")
            continue
        if not isinstance(name, str) or blank(name):  # a zero-width space alone is none
            problems.add(where, f"office {code} has no name")
            continue
        if problem := refusal(name.strip(), f"The name of office {code}"):
            problems.add(where, problem)
            continue
        if zone is not None and (not isinstance(zone, str) or not is_time_zone(zone)):
            problems.add(where, f"{as_json(zone)} is not an IANA time zone name")
            continue
        offices[code] = RespondentRecord(code, name.strip(), zone or None, where=where)
        names.setdefault(folded(name.strip()), code)
        problems.refused_offices.discard(code)
    return offices


def _answer(
    where: str,
    office: Any,
    question: Any,
    recommendation: Any,
    text: Any,
    lines: tuple[int, int] | None,
    basis: Any,
    respondents: dict[str, RespondentRecord],
    known: set[int],
    problems: _Problems,
) -> AnswerRecord | None:
    count = len(problems.items)
    if isinstance(office, str) and office in problems.refused_offices:
        pass  # said where the office is listed
    elif not isinstance(office, str) or office not in respondents:
        problems.add(where, f"office {as_json(office)} is not among the offices of this survey")
    if not isinstance(question, str) or question not in set(Question):
        choices = ", ".join(q.value for q in Question)
        problems.add(where, f"question {as_json(question)} is not one of {choices}")
    if recommendation is not None and (
        not isinstance(recommendation, int) or isinstance(recommendation, bool)
    ):
        problems.add(
            where,
            f"recommendation {as_json(recommendation)} is not a number: write it with the digits "
            "0 to 9 (or leave it empty, for none)",
        )
    elif recommendation is not None and recommendation not in known:
        problems.add(where, f"recommendation {as_json(recommendation)} does not exist")
    if text is not None and not isinstance(text, str):
        problems.add(where, f"text must be text in quotes, not {_json_kind(text)}")
    elif not text or not text.strip():
        problems.add(where, "text is empty")
    if basis is not None and not isinstance(basis, str):
        problems.add(where, "basis must be text")
    if len(problems.items) > count:
        return None
    return AnswerRecord(office, Question(question), recommendation, text, lines, basis, where=where)


def with_aliases(record: SurveyRecord, aliases: Mapping[str, str]) -> SurveyRecord:
    """A tabular survey with the offices `aliases` names under the codes they map to ("ZZ=PE":
    a mistyped code is the office it meant), respondent and answers alike; one answering as both
    is one respondent. An alias the file does not use is warned about, as in the published
    text; two answers of one office to the same question and recommendation are refused."""
    named = {r.code for r in record.respondents} | {a.office for a in record.answers}
    warnings = [
        ImportWarning(None, f"alias {alias}={code} was not used")
        for alias, code in aliases.items()
        if alias not in named
    ]
    respondents, seen = [], set()
    for respondent in record.respondents:
        code = aliases.get(respondent.code, respondent.code)
        if code not in seen:
            seen.add(code)
            respondents.append(replace(respondent, code=code))
    answers = [replace(a, office=aliases.get(a.office, a.office)) for a in record.answers]
    problems = _Problems()
    _check_duplicates(answers, problems)
    problems.raise_if_any(f"{record.source_name}, with the aliases,")
    return replace(
        record, respondents=respondents, answers=answers, warnings=[*record.warnings, *warnings]
    )


def _check_duplicates(
    answers: list[AnswerRecord], problems: _Problems, wheres: list[str] | None = None
) -> None:
    """One answer per office, question and recommendation; `wheres`: where each answer was
    given (its line, its place in the JSON), for the message to point at both."""
    first: dict[tuple[str, str, int | None], tuple[str, AnswerRecord]] = {}
    for k, answer in enumerate(answers):
        where = wheres[k] if wheres else "answers"
        if answer.key in first:
            office, question, recommendation = answer.key
            about = f"recommendation {recommendation}"
            if recommendation is None:
                about = "no recommendation"
            said = f"{office} answers {question} for {about} more than once"
            there, earlier = first[answer.key]
            if wheres:
                said += f" (first at {there})"
            if (earlier.text, earlier.lines, earlier.basis) == (
                answer.text,
                answer.lines,
                answer.basis,
            ):
                # A row pasted twice: which to keep is no question.
                said += ", the same answer again: delete one of the two"
            problems.add(where, said)
        first.setdefault(answer.key, (where, answer))


def _check_whole(
    answers: list[AnswerRecord],
    given: int | None,
    answered_from: date | None,
    answered_until: date | None,
    prefix: str,
    problems: _Problems,
) -> None:
    """What only the whole survey can say: it has answers, and its dates make a period of this
    era (`records.period_problems`). `given`: how many answer rows the file holds (None where
    it holds no list of them, said already): rows each refused are not also "no answers"."""
    if not answers and given == 0:
        problems.add("answers", "the survey has no answers; there is nothing to import")
    for name, message in period_problems(answered_from, answered_until):
        problems.add(prefix + name, message)


def _json_kind(value: Any) -> str:
    """What a JSON value is, as its writer would call it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else "text"


# A date written in full, as the export writes it: Python also reads "20250502" and "2025-W18-5"
# as dates, which a person reading the file would not take for one.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(value: Any, where: str, problems: _Problems, cell: bool = False) -> date | None:
    """`cell`: the value is a CSV's, which a spreadsheet may have rewritten in its own way."""
    if value in (None, ""):
        return None
    try:
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        said = f"{as_json(value)} is not a date like 2025-05-02"
        if cell and not _ISO_DATE.fullmatch(value) and _DATE_LIKE.search(value):
            # Excel saves the export's 2025-05-02 as it shows it: 02/05/2025, 5/2/2025.
            said += (
                "; a spreadsheet may have written it its own way: format the column as text "
                "and type the date again like 2025-05-02"
            )
        problems.add(where, said)
        return None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
