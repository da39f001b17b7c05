"""Survey files as a data steward's spreadsheet really saves them: the bytes of Excel's and
LibreOffice's exports (byte-order marks, semicolons, code pages, CR line ends, headings typed by
hand), each imported whole and read back right, or refused whole saying where and what to do."""

import codecs
import csv
import html
import io
import json
import re
import zipfile

import pytest
from sqlalchemy import delete, func, select

from planner.extensions import db
from planner.offices.models import Office
from planner.survey.models import Answer, Survey
from tests.support import csrf_token, import_checked_on_page

HEADER = [
    "survey",
    "office",
    "office_name",
    "time_zone",
    "question",
    "recommendation",
    "text",
    "lines",
    "basis",
    "answered_from",
    "answered_until",
]
DATES = ["2026-01-12", "2026-02-27"]
# A second round as a steward edits it: names and answers beyond ASCII, a cell of two lines
# holding double quotes, a separator inside a cell.
ROWS = [
    [
        "Round 2026",
        "FR",
        "Institut national de la propriété industrielle (INPI)",
        "Europe/Paris",
        "focus",
        "10",
        "Projet « IA » – déploiement en cours ; coût 1,5 M€",
        "",
        "",
        *DATES,
    ],
    [
        "Round 2026",
        "FR",
        "Institut national de la propriété industrielle (INPI)",
        "Europe/Paris",
        "discuss",
        "10",
        "Intelligence artificielle",
        "",
        "",
        *DATES,
    ],
    [
        "Round 2026",
        "AT",
        "Österreichisches Patentamt",
        "Europe/Vienna",
        "focus",
        "4",
        'Größere Änderungen:\nISO 27001 "Zertifizierung" läuft',
        "",
        "",
        *DATES,
    ],
]
TEXTS = {
    ("FR", "focus"): "Projet « IA » – déploiement en cours ; coût 1,5 M€",
    ("FR", "discuss"): "Intelligence artificielle",
    ("AT", "focus"): 'Größere Änderungen:\nISO 27001 "Zertifizierung" läuft',
}


def table(separator: str = ",", header=HEADER, rows=ROWS, line_end: str = "\r\n") -> str:
    """The rows as a spreadsheet writes them: quoted where a cell needs it, `line_end` between
    rows (a cell's own line break stays as typed, as Alt+Enter gives it)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator=line_end)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def excel_utf8(text: str) -> bytes:
    """Excel's "CSV UTF-8 (Comma delimited)": a byte-order mark, then UTF-8."""
    return codecs.BOM_UTF8 + text.encode("utf-8")


def import_bytes(cli, tmp_path, data: bytes, name: str = "round.csv", *args):
    path = tmp_path / name
    path.write_bytes(data)
    return cli.invoke(args=["survey", "import", str(path), *args])


def assert_round_read_right() -> None:
    """The round, as the steward typed it: every answer's text, the offices' names and zones,
    and the dates it was answered between."""
    survey = db.session.scalar(select(Survey).where(Survey.label == "Round 2026"))
    assert survey is not None
    assert (str(survey.answered_from), str(survey.answered_until)) == tuple(DATES)
    stored = {
        (a.office_code, a.question): a.text
        for a in db.session.scalars(select(Answer).where(Answer.survey_id == survey.id))
    }
    assert stored == TEXTS
    offices = {o.code: (o.name, o.time_zone) for o in db.session.scalars(select(Office))}
    assert offices["FR"] == (
        "Institut national de la propriété industrielle (INPI)",
        "Europe/Paris",
    )
    assert offices["AT"] == ("Österreichisches Patentamt", "Europe/Vienna")


def surveys_stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Survey))


def test_headings_typed_with_spaces_name_the_export_s_columns(cli, app_context, tmp_path):
    """A heading row typed as people write headings ("Office Name", "Time Zone", "Answered
    From", "answered-until"): those columns were left out with a warning, so the new offices
    were named by their codes, had no time zone, and the round had no dates (and so was not
    the latest)."""
    typed = [
        "Survey",
        " Office",
        "Office Name",
        "Time  Zone",
        "QUESTION",
        "Recommendation",
        "Text",
        "Lines",
        "Basis",
        "Answered From",
        "answered-until",
    ]
    result = import_bytes(cli, tmp_path, excel_utf8(table(header=typed)))
    assert result.exit_code == 0, result.output
    assert "does not read" not in result.output
    assert_round_read_right()


def test_invisible_characters_around_codes_and_numbers_are_no_part_of_them(
    cli, app_context, tmp_path
):
    """Codes pasted from a web page, a mail or a right-to-left document bring invisible
    characters along: "FR" after a zero-width space was refused as 'office "FR" is not a
    two-letter ST.3 code', which reads as one. A code, question, number or zone holds none;
    an answer's text keeps what it was given."""
    rows = [list(row) for row in ROWS]
    rows[0][1] = "\u200bFR"  # zero-width space, as a web page's table gives it
    rows[1][1] = "FR\u200f"  # right-to-left mark, from an Arabic or Hebrew document
    rows[2][1] = "\u202bAT\u202c"  # right-to-left embedding and its end
    rows[0][4] = "focus\ufeff"  # a byte-order mark in the middle of a file
    rows[1][5] = "\u200e10"  # left-to-right mark
    rows[2][3] = "Europe/Vienna\u200b"
    result = import_bytes(cli, tmp_path, excel_utf8(table(rows=rows)))
    assert result.exit_code == 0, result.output
    assert_round_read_right()


def test_recommendations_a_spreadsheet_wrote_with_decimals_are_the_numbers(
    cli, app_context, tmp_path
):
    """pandas writes a column of numbers with gaps as 10.0, and with decimal=',' (as French
    and German settings have it) 10,0; a spreadsheet showing two decimals saves 10,00: each
    row was refused as 'recommendation "10,0" is not a number'. 10,5 is still refused."""
    rows = [list(row) for row in ROWS]
    rows[0][5], rows[1][5], rows[2][5] = "10.0", "10,0", "4,00"
    result = import_bytes(cli, tmp_path, excel_utf8(table(";", rows=rows)))
    assert result.exit_code == 0, result.output
    assert_round_read_right()
    rows[0][5] = "10,5"
    rows[0][0] = rows[1][0] = rows[2][0] = "Round 2026b"
    result = import_bytes(cli, tmp_path, excel_utf8(table(";", rows=rows)))
    assert result.exit_code == 1
    assert 'line 2: recommendation "10,5" is not a number' in result.stderr


def read_right_as_typed(cli, tmp_path, column: str, in_csv: tuple, in_json: tuple) -> list:
    """The round's three rows with `column` typed as `in_csv` in a semicolon CSV, then as
    `in_json` in a JSON file, each imported and read as the round is; the CSV's rows returned
    (the import of the JSON kept)."""
    at = HEADER.index(column)
    rows = [list(row) for row in ROWS]
    for row, typed in zip(rows, in_csv, strict=True):
        row[at] = typed
    result = import_bytes(cli, tmp_path, excel_utf8(table(";", rows=rows)))
    assert result.exit_code == 0, result.output
    assert_round_read_right()
    db.session.execute(delete(Survey))
    db.session.commit()
    answers = [dict(zip(HEADER, row, strict=True)) for row in ROWS]
    for answer, typed in zip(answers, in_json, strict=True):
        answer[column] = typed
    result = import_bytes(cli, tmp_path, json.dumps(answers).encode(), "round.json")
    assert result.exit_code == 0, result.output
    assert_round_read_right()
    return rows


def test_recommendations_typed_with_their_word_or_a_full_stop_are_the_numbers(
    cli, app_context, tmp_path
):
    """A steward types the recommendation as the document names it: "Rec. 10", "Recommendation
    4", "R10", or "10." from a numbered list. Each row was refused as 'recommendation "Rec. 10"
    is not a number', in the CSV as in the JSON; now each is the number, and a word with no
    one number after it is still refused, quoted as typed."""
    rows = read_right_as_typed(
        cli,
        tmp_path,
        "recommendation",
        ("Rec. 10", "10.", "Recommendation 4"),
        ("R10", "Rec.10", "Recomendación 4"),
    )
    for typed in ("Rec. 10, 11", "Rec. 1,000", "Rec."):
        rows[0][5] = typed
        rows[0][0] = rows[1][0] = rows[2][0] = "Round 2026b"
        result = import_bytes(cli, tmp_path, excel_utf8(table(";", rows=rows)))
        assert result.exit_code == 1
        assert f'line 2: recommendation "{typed}" is not a number' in result.stderr


def test_a_recommendation_of_a_word_and_a_million_spaces_is_refused_saying_so(api, app_context):
    """A recommendation sent as "Rec", a million spaces and "x" (a cell padded by a script, or
    sent to hurt) held the API's import for hours: the word before the number was tried at
    each end of the run of spaces, 20,000 of them taking 3 s. It is refused as any word that
    is not a number, and nothing is imported."""
    answers = [dict(zip(HEADER, row, strict=True)) for row in ROWS]
    answers[0]["recommendation"] = "Rec" + " " * 1_000_000 + "x"
    sent = {"file": (io.BytesIO(json.dumps(answers).encode()), "round.json")}
    response = api.post("/api/v1/surveys", data=sent, content_type="multipart/form-data")
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert "recommendation" in response.get_json()["message"]
    assert "is not a number" in response.get_json()["message"]
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


def test_questions_typed_with_capitals_spaces_or_as_the_pages_label_them_are_the_questions(
    cli, app_context, tmp_path
):
    """Headings with other capitals were read, but a question typed "Focus", "Low priority" or
    copied from the pages as "Wanted for discussion (Q8)" refused the file ('question "Focus"
    is not one of implementation, focus, ...'), in the CSV as in the JSON. Now each is its
    question; a word that names none is still refused."""
    rows = read_right_as_typed(
        cli,
        tmp_path,
        "question",
        ("Focus", "Wanted for discussion (Q8)", "CURRENT FOCUS (Q4)"),
        (" focus", "Discuss", "Focus"),
    )
    rows[0][4] = "Low-priority"
    rows[1][4] = "Priority"
    rows[0][0] = rows[1][0] = rows[2][0] = "Round 2026b"
    result = import_bytes(cli, tmp_path, excel_utf8(table(";", rows=rows)))
    assert result.exit_code == 1
    assert 'line 3: question "Priority" is not one of implementation, focus,' in result.stderr
    assert "line 2" not in result.stderr


@pytest.mark.parametrize("written", ["1,000", "1.000", "4,000"])
def test_a_thousand_is_no_recommendation(cli, app_context, tmp_path, written):
    """One or two decimals of zero are a spreadsheet's (10,0 and 4,00 are 10 and 4), but "1,000"
    is a thousand in English and "1.000" in German: a count or a line number in the wrong
    column, read as Rec 1 without a word. It is refused, as 10,5 is."""
    rows = [list(row) for row in ROWS]
    rows[0][5] = written
    result = import_bytes(cli, tmp_path, excel_utf8(table(";", rows=rows)))
    assert result.exit_code == 1
    assert f'line 2: recommendation "{written}" is not a number' in result.stderr
    assert surveys_stored() == 0


def test_excel_s_plain_csv_in_a_french_setting_is_read_in_the_character_set_named(
    cli, app_context, tmp_path
):
    """Excel's plain "CSV" where the comma is the decimal sign: semicolons and Windows-1252
    ("é", "«", "–", "€", "Ö" as single bytes). Refused naming the cell and how its word reads
    in each character set, none guessed; with --encoding windows-1252, read as typed."""
    data = table(";").encode("cp1252")
    refused = import_bytes(cli, tmp_path, data)
    assert refused.exit_code == 1
    assert 'line 2, column "office_name": the byte 0xe9 is not UTF-8.' in refused.stderr
    assert "“propriété” in windows-1252 or windows-1250" in refused.stderr
    assert "“propriйtй” in windows-1251" in refused.stderr
    assert surveys_stored() == 0
    result = import_bytes(cli, tmp_path, data, "round.csv", "--encoding", "Windows-1252")
    assert result.exit_code == 0, result.output
    assert_round_read_right()


def test_excel_for_mac_s_csv_is_read_in_mac_roman_with_its_cr_line_ends(cli, app_context, tmp_path):
    """Excel for Mac's "CSV (Macintosh)": Mac Roman, and a CR alone between rows. The refusal
    said the byte was "Ž" in Windows-1252, Excel's plain CSV: in Mac Roman it is "é"."""
    data = table(line_end="\r").encode("mac_roman")
    refused = import_bytes(cli, tmp_path, data)
    assert "“propriété” in mac-roman" in refused.stderr
    result = import_bytes(cli, tmp_path, data, "round.csv", "--encoding", "mac-roman")
    assert result.exit_code == 0, result.output
    assert_round_read_right()


def test_a_utf8_file_stays_utf8_whatever_character_set_is_named(cli, app_context, tmp_path):
    """The choice is for a file that is not UTF-8: Excel's "CSV UTF-8" with a character set
    left chosen from the file before is not read as that set ("Ã©" for "é")."""
    result = import_bytes(cli, tmp_path, excel_utf8(table()), "round.csv", "--encoding", "big5")
    assert result.exit_code == 0, result.output
    assert_round_read_right()


def test_a_byte_the_named_character_set_lacks_is_refused_naming_its_line(
    cli, app_context, tmp_path
):
    """Windows-1251 has no character for 0x98: a file named so wrongly is refused, not read
    with a replacement character."""
    rows = [
        ["Round 2026", "RU", "Роспатент", "Europe/Moscow", "focus", "10", "ИИ", "", "", *DATES],
        ["Round 2026", "RU", "Роспатент", "Europe/Moscow", "discuss", "10", "ИИ", "", "", *DATES],
    ]
    data = table(rows=rows).encode("cp1251").replace("ИИ".encode("cp1251"), b"\x98", 2)
    result = import_bytes(cli, tmp_path, data, "round.csv", "--encoding", "windows-1251")
    assert result.exit_code == 1
    assert "The file is not in windows-1251 either: line 2 has the byte 0x98" in result.stderr
    assert surveys_stored() == 0


def send(client, data: bytes, name: str = "round.csv", **fields):
    form = {
        "csrf_token": csrf_token(client, "/surveys"),
        **fields,
        "file": (io.BytesIO(data), name),
    }
    sent = client.post("/surveys", data=form, content_type="multipart/form-data")
    return import_checked_on_page(client, sent)


def page_text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def test_the_page_reads_a_plain_csv_in_the_character_set_chosen_and_shows_it_as_typed(
    colead_client, app_context
):
    """On the Surveys page: refused with the label and the choices kept, and the readings to
    choose from; chosen, imported, and the offices' and answers' pages show the letters typed."""
    data = table(";").encode("cp1252")
    refused = send(colead_client, data, label="Round 2026", aliases="ZZ=FR")
    assert refused.status_code == 400
    said = page_text(refused)
    assert "“propriété” in windows-1252" in said
    assert "If one reads right, choose it under “Character set”" in said
    assert 'value="Round 2026"' in refused.get_data(as_text=True)
    assert 'value="ZZ=FR"' in refused.get_data(as_text=True)
    wrong = send(colead_client, data.replace(b"INPI", b"\x98"), encoding="windows-1251")
    assert "The file is not in windows-1251 either" in page_text(wrong)
    assert '<option selected value="windows-1251">' in wrong.get_data(as_text=True)
    imported = send(colead_client, data, encoding="windows-1252")
    assert imported.status_code == 303, page_text(imported)
    assert_round_read_right()
    office = page_text(colead_client.get("/offices/AT"))
    assert "Österreichisches Patentamt" in office
    assert "Größere Änderungen:" in office and 'ISO 27001 "Zertifizierung" läuft' in office
    assert "Projet « IA » – déploiement en cours ; coût 1,5 M€" in page_text(
        colead_client.get("/offices/FR")
    )


def test_the_api_reads_a_plain_csv_in_the_character_set_sent(api, app_context):
    data = table(";").encode("cp1252")
    body = {"file": (io.BytesIO(data), "round.csv"), "encoding": "latin-9"}
    refused = api.post("/api/v1/surveys", data=body, content_type="multipart/form-data")
    assert refused.status_code == 400
    assert refused.json["message"].startswith(
        'encoding "latin-9" is not one of the character sets the import reads besides UTF-8: '
        "windows-1252, windows-1250,"
    )
    body = {"file": (io.BytesIO(data), "round.csv"), "encoding": "windows-1252"}
    created = api.post("/api/v1/surveys", data=body, content_type="multipart/form-data")
    assert created.status_code == 201, created.json
    assert_round_read_right()


BOUNDARY = "----planner-steward"


def as_the_page_sends_it(client, data: bytes, **typed) -> bytes:
    """The body a browser sends from the import form: every field of the page's form in the
    order the page has them (the file where the page puts it), with `typed` filled in."""
    page = client.get("/surveys").get_data(as_text=True)
    form = page[page.index('action="/surveys"') :]
    form = form[: form.index("</form>")]
    names = list(dict.fromkeys(re.findall(r'<(?:input|select)[^>]*\bname="([^"]+)"', form)))
    parts = []
    for name in names:
        if name == "file":
            head = 'name="file"; filename="round.csv"\r\nContent-Type: text/csv'
            parts.append((head, data))
        elif name == "csrf_token":
            parts.append((f'name="{name}"', csrf_token(client, "/surveys").encode()))
        elif name in typed:
            parts.append((f'name="{name}"', typed[name].encode()))
    body = b"".join(
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; {head}\r\n\r\n".encode() + value + b"\r\n"
        for head, value in parts
    )
    return body + f"--{BOUNDARY}--\r\n".encode()


CHOICES = {"label": "Round 2026", "aliases": "ZZ=FR", "replace": "y", "encoding": "windows-1252"}


def assert_form_kept(response) -> None:
    page = response.get_data(as_text=True)
    assert 'value="Round 2026"' in page and 'value="ZZ=FR"' in page
    assert re.search(r'<input checked[^>]*name="replace"', page)
    assert '<option selected value="windows-1252">' in page


@pytest.mark.parametrize("how", ["connection dropped", "ended early"])
def test_an_upload_cut_short_comes_back_on_the_import_page_with_the_choices_kept(
    colead_client, app_context, how
):
    """A file cut off mid-upload: fewer bytes than announced (the connection dropped) got
    Werkzeug's English "Bad Request" page; a body whose framing ended early (a proxy, a
    script) read as no form at all, and the page said the session had expired. The import
    page says the file did not arrive whole, with everything chosen before the file kept."""
    body = as_the_page_sends_it(colead_client, table().encode() * 50, **CHOICES)
    sent = body[: len(body) // 2]
    response = colead_client.post(
        "/surveys",
        input_stream=io.BytesIO(sent),
        environ_overrides={
            "CONTENT_LENGTH": str(len(body if how == "connection dropped" else sent))
        },
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert response.status_code == 400
    said = page_text(response)
    if how == "connection dropped":
        assert "The file did not arrive whole: the upload stopped after 14 kB of 29 kB" in said
    else:
        assert (
            "The file did not arrive whole: the upload ended before the file did, after 14 kB"
            in said
        )
    assert "nothing was changed. Choose the file again and import it; the other fields" in said
    assert "session" not in said.lower() and "Bad Request" not in said
    assert_form_kept(response)
    assert surveys_stored() == 0
    # Sent whole, the same form imports.
    body = as_the_page_sends_it(colead_client, table().encode(), **CHOICES)
    whole = colead_client.post(
        "/surveys", data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )
    whole = import_checked_on_page(colead_client, whole)
    assert whole.status_code == 303, page_text(whole)
    assert_round_read_right()


def test_a_file_too_large_comes_back_with_the_choices_kept(app, colead_client, app_context):
    app.config["SURVEY_MAX_BYTES"] = 100_000
    try:
        body = as_the_page_sends_it(colead_client, b"x" * 300_000, **CHOICES)
        response = colead_client.post(
            "/surveys", data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}"
        )
    finally:
        del app.config["SURVEY_MAX_BYTES"]
    assert response.status_code == 413
    said = page_text(response)
    assert "The file is larger than 98 kB, the limit for a survey file" in said
    assert "Choose a smaller file; the other fields are as sent." in said
    assert_form_kept(response)


def test_the_api_says_an_upload_cut_short_in_json(api, app_context):
    body = as_the_page_sends_it(api, table().encode() * 50)
    response = api.post(
        "/api/v1/surveys",
        input_stream=io.BytesIO(body[:1000]),
        environ_overrides={"CONTENT_LENGTH": str(len(body))},
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert response.status_code == 400
    assert response.json["message"] == (
        "The file did not arrive whole: the upload stopped after 1 kB of 29 kB (the "
        "connection was cut, or something on the way gave up); nothing was changed. Send the "
        "file again."
    )


def test_a_file_cut_short_says_it_may_be(cli, app_context, tmp_path):
    """A file saved, copied or downloaded only in part: a CSV ending inside a letter of two bytes
    was refused as not UTF-8 (choose its character set), one inside a cell of two lines as a
    stray double quote, one ending mid-row as a row of too few cells, a JSON
    survey as 'a field's name in double quotes was expected: remove a comma before "}"'."""
    whole = excel_utf8(table())
    in_a_letter = import_bytes(cli, tmp_path, whole[: whole.index("Größere".encode()) + 5])
    assert in_a_letter.stderr == (
        "Error: round.csv: The file ends in the middle of a letter (its last byte, 0xc3, starts "
        "one): was it cut short (saved, copied or downloaded only in part)? Save or export it "
        "again; nothing was changed.\n"
    )
    in_a_cell = import_bytes(cli, tmp_path, whole[: whole.index("Größere".encode()) + 6])
    assert (
        "line 4: the file ends inside a cell that opens with a double quote on this line: was "
        "the file cut short (saved, copied or downloaded only in part)?"
    ) in in_a_cell.stderr
    mid_row = import_bytes(cli, tmp_path, whole[: whole.index(b"Europe/Vienna")])
    assert (
        "line 4: 4 field(s) where the header has 11, on the file's last line, which stops "
        "without a line end: was the file cut short"
    ) in mid_row.stderr
    cli.invoke(args=["survey", "import", str(import_path(tmp_path, whole))])
    exported = cli.invoke(args=["survey", "export", "--format", "json"]).stdout.encode()
    db.session.execute(delete(Survey))
    db.session.commit()
    cut = import_bytes(
        cli, tmp_path, exported[: exported.index(b'"text": "Intelligence')], "round.json"
    )
    assert "the file ends before the JSON does: was it cut short" in cut.stderr
    cut = import_bytes(cli, tmp_path, exported[: exported.index(b"Intelligence") + 5], "a.json")
    assert "the file ends inside the text that starts here: was it cut short" in cut.stderr
    assert surveys_stored() == 0


def import_path(tmp_path, data: bytes):
    path = tmp_path / "whole.csv"
    path.write_bytes(data)
    return path


def pandas_records(rows=ROWS) -> bytes:
    """The rows as pandas writes the spreadsheet it read (`read_csv(...).to_json(
    orient="records")`): one line, letters beyond ASCII and "/" escaped, an empty cell null and
    a column of numbers and gaps as decimals (10.0)."""
    records = []
    for row in rows:
        record = {name: cell or None for name, cell in zip(HEADER, row, strict=True)}
        if record["recommendation"] is not None:
            record["recommendation"] = float(record["recommendation"])
        records.append(record)
    return json.dumps(records, separators=(",", ":")).replace("/", "\\/").encode()


def test_json_rows_as_pandas_or_a_converter_writes_a_spreadsheet_import_as_its_csv(
    cli, app_context, tmp_path
):
    """A spreadsheet turned into JSON by pandas (`to_json(orient="records")`) or a converter (every
    cell as text, an empty one left out, one row a line): a list of rows keyed by the CSV's
    columns. It was refused, saying to import the spreadsheet saved as CSV instead; the page
    says it imports "a tabular CSV/JSON form"."""
    result = import_bytes(cli, tmp_path, pandas_records(), "round.json")
    assert result.exit_code == 0, result.output
    assert "Imported Round 2026" in result.stdout and "0 warning(s)" in result.stdout
    assert_round_read_right()
    db.session.execute(delete(Survey))
    db.session.commit()
    converted = [
        {name: cell for name, cell in zip(HEADER, row, strict=True) if cell} for row in ROWS
    ]
    text = "[\n" + ",\n".join(json.dumps(row, ensure_ascii=False) for row in converted) + "\n]\n"
    # Named as Notepad saves it: read as JSON by what it holds.
    result = import_bytes(cli, tmp_path, text.encode(), "round.json.txt")
    assert result.exit_code == 0, result.output
    assert_round_read_right()


def test_json_rows_are_refused_as_the_csv_is_naming_each_row(cli, app_context, tmp_path):
    """The CSV's checks, each naming the row by its place in the list and, where the file has
    lines, its line."""
    rows = [dict(zip(HEADER, row, strict=True)) for row in ROWS]
    rows[1] = {**rows[1], "office": "FRA"}
    rows.append(dict(rows[2]))
    rows.append({**rows[0], "office": "BE", "recommendation": True})
    rows.append(None)  # a row that is null was said to be "text"
    text = "[\n" + ",\n".join(json.dumps(row) for row in rows) + "\n]"
    result = import_bytes(cli, tmp_path, text.encode(), "round.json")
    assert result.exit_code == 1
    assert 'line 3, [1]: office "FRA" is not a two-letter ST.3 code' in result.stderr
    assert (
        "line 5, [3]: AT answers focus for recommendation 4 more than once (first at line 4, "
        "[2]), the same answer again: delete one of the two"
    ) in result.stderr
    assert 'line 6, [4]: "recommendation" must be text or a number, not true or false' in (
        result.stderr
    )
    assert "line 7, [5]: must be an object (a row), not null" in result.stderr
    assert surveys_stored() == 0
    result = import_bytes(cli, tmp_path, b"null", "round.json")
    assert "a list of rows with the columns of its CSV download; this one is null." in (
        result.stderr
    )
    french = [{"bureau": "FR", "question": "focus", "texte": "IA"}]
    result = import_bytes(cli, tmp_path, json.dumps(french).encode(), "round.json")
    assert (
        "The list of rows lacks the column(s) office, recommendation, text. Each row names the "
        "columns in English, as a survey's CSV download does: survey, office,"
    ) in result.stderr
    assert "; this one names “bureau”, “texte”." in result.stderr
    result = import_bytes(cli, tmp_path, b"[1, 2, 3]", "round.json")
    assert (
        "or a list of rows with the columns of its CSV download; this one is a list of 3 value(s)."
    ) in result.stderr
    result = import_bytes(cli, tmp_path, b'{"answers": []}', "round.json")
    assert '; this one is an object with "answers".' in result.stderr


def test_a_row_pasted_twice_is_named_with_the_row_to_delete(cli, app_context, tmp_path):
    """Refused whole, naming both lines, as any answer given twice; a row that repeats another
    exactly says so, as no choice between the two is to be made."""
    rows = [*ROWS, ROWS[1], [*ROWS[2][:6], "Another answer", *ROWS[2][7:]]]
    result = import_bytes(cli, tmp_path, excel_utf8(table(rows=rows)))
    assert result.exit_code == 1
    assert (
        "line 6 (row 5 in a spreadsheet): FR answers discuss for recommendation 10 more than "
        "once (first at line 3), the same answer again: delete one of the two"
    ) in result.stderr
    assert (
        "line 7 (row 6 in a spreadsheet): AT answers focus for recommendation 4 more than once "
        "(first at line 4)\n"
    ) in result.stderr
    assert surveys_stored() == 0


def test_a_heading_row_in_another_language_is_refused_saying_what_it_names(
    cli, app_context, tmp_path
):
    """A steward who translated the headings: refused whole, quoting the file's own headings
    beside the columns wanted (it read as if the file's first line named those)."""
    french = [
        "enquête",
        "bureau",
        "nom du bureau",
        "fuseau horaire",
        "question",
        "recommandation",
        "texte",
        "lignes",
        "base",
        "répondu du",
        "répondu au",
    ]
    result = import_bytes(cli, tmp_path, excel_utf8(table(";", header=french)))
    assert result.exit_code == 1
    assert (
        "The CSV lacks the column(s) office, recommendation, text. Its first line names the "
        "columns in English, as a survey's CSV download does, separated by commas, semicolons "
        "or tabs: survey, office, office_name,"
    ) in result.stderr
    assert "; this one names “enquête”, “bureau”, “nom du bureau”, “fuseau horaire”," in (
        result.stderr
    )
    assert surveys_stored() == 0


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("round.csv", excel_utf8(table())),  # Excel's "CSV UTF-8 (Comma delimited)"
        ("round.csv", table(";").encode()),  # LibreOffice: UTF-8 without a mark, as asked
        # Excel's "Unicode Text": UTF-16 with its mark, tabs, saved as .txt.
        ("round.txt", codecs.BOM_UTF16_LE + table("\t").encode("utf-16-le")),
        ("round.csv", excel_utf8(table(line_end="\r"))),  # a CR alone between rows
        # The empty columns and rows a spreadsheet leaves around what was typed.
        (
            "round.csv",
            excel_utf8(
                table(header=[*HEADER, "", ""], rows=[[*r, "", ""] for r in ROWS] + [[""] * 13] * 3)
            ),
        ),
    ],
    ids=["excel-csv-utf8", "libreoffice", "unicode-text", "cr-only", "empty-columns-and-rows"],
)
def test_a_spreadsheet_s_own_exports_are_read_as_typed(cli, app_context, tmp_path, name, data):
    result = import_bytes(cli, tmp_path, data, name)
    assert result.exit_code == 0, result.output
    assert "0 warning(s)" in result.stdout
    assert_round_read_right()


def office_file(*parts: str) -> bytes:
    """An Office Open XML or OpenDocument file as its program saves it: a ZIP of these parts
    (an OpenDocument's first part, "mimetype", stored as it is)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in parts:
            if part == "mimetype":
                value = "application/vnd.oasis.opendocument.spreadsheet"
                archive.writestr(part, value, compress_type=zipfile.ZIP_STORED)
            else:
                archive.writestr(part, "<?xml version='1.0'?><x>" + "Rec 10 " * 200 + "</x>")
    return out.getvalue()


# The start of a PDF as Word or Acrobat saves one: a line of high bytes, then compressed streams.
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Filter/FlateDecode>>stream\nx\x9c\x00\x01\xff"
OTHER_PROGRAMS = {
    "round.xlsx": (
        office_file("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/s.xml"),
        "This is an Excel workbook (.xlsx), not a survey file the import reads: in Excel, Save "
        "As → “CSV UTF-8 (Comma delimited)”",
    ),
    "round.ods": (
        office_file("mimetype", "content.xml", "META-INF/manifest.xml"),
        "This is a LibreOffice Calc spreadsheet (.ods), not a survey file the import reads: in "
        "Excel, Save As → “CSV UTF-8 (Comma delimited)” (in LibreOffice Calc, Save As",
    ),
    "CWS-14-5.docx": (
        office_file("[Content_Types].xml", "word/document.xml"),
        "This is a word-processor document (.docx, .odt), not a survey file the import reads: "
        "Save As “Plain Text” (.txt) with the encoding “Unicode (UTF-8)”",
    ),
    "CWS-14-5.pdf": (
        PDF,
        "This is a PDF, not a survey file the import reads: open it, select all its text, copy "
        "it into a text editor",
    ),
    "round.xls": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "Workbook".encode("utf-16-le"),
        "This is an Excel 97-2003 workbook (.xls), not a survey file the import reads: in Excel",
    ),
}


@pytest.mark.parametrize("name", list(OTHER_PROGRAMS))
@pytest.mark.parametrize("sent_as", ["its own name", "a name ending .csv"])
def test_a_workbook_or_pdf_chosen_by_mistake_is_named_with_how_to_save_what_is_read(
    colead_client, api, app_context, name, sent_as
):
    """The workbook itself, or the PDF of the document, chosen instead of the CSV or the text
    saved from it (or renamed .csv): refused as "a binary file, not the text of a survey
    document", or a PDF as text in an older character set to choose. Now the page and the API
    say what the file is and how to save the one the import reads, with the form kept."""
    data, said = OTHER_PROGRAMS[name]
    name = name if sent_as == "its own name" else "round.csv"
    form = {"csrf_token": csrf_token(colead_client, "/surveys"), "label": "Round 2027"}
    form["file"] = (io.BytesIO(data), name)
    sent = colead_client.post("/surveys", data=form, content_type="multipart/form-data")
    response = import_checked_on_page(colead_client, sent)
    assert response.status_code == 400
    assert said in page_text(response)
    assert 'value="Round 2027"' in response.get_data(as_text=True)
    body = {"file": (io.BytesIO(data), name)}
    refused = api.post("/api/v1/surveys", data=body, content_type="multipart/form-data")
    assert refused.status_code == 400
    assert refused.json["message"].startswith("This is ")
    assert said in refused.json["message"]
    assert surveys_stored() == 0
