"""`flask survey import`: all-or-nothing, idempotent, with warnings that name lines."""

import io
import json
import re

import pytest
from sqlalchemy import func, select

from planner.extensions import db
from planner.offices.models import Office
from planner.survey.models import Answer, Respondent, Survey, SurveyWarning
from planner.survey.operations import import_record
from planner.survey.records import (
    AnswerRecord,
    Question,
    RespondentRecord,
    SurveyFormatError,
    SurveyRecord,
)
from tests.support import BUNDLED

LINES = BUNDLED.read_text(encoding="utf-8").splitlines()


def counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Survey, Respondent, Answer, SurveyWarning, Office)
    )


def import_file(cli, path, *args):
    return cli.invoke(args=["survey", "import", str(path), *args])


def test_import_of_the_published_text(cli, app_context):
    result = import_file(cli, BUNDLED, "--alias", "GE=DE")
    assert result.exit_code == 0, result.output
    assert (
        "Imported CWS/13/26 (http://localhost/surveys/CWS-13-26): 21 respondents, 202 answers"
        in result.stdout
    )
    assert "warning: lines 272–325: question 2 is a chart" in result.stderr  # not "line 272: lines"
    survey = db.session.scalar(select(Survey))
    assert (survey.label, survey.slug, survey.source_name) == (
        "CWS/13/26",
        "CWS-13-26",
        "CWS-13-26.txt",
    )
    assert survey.answered_from.isoformat() == "2025-05-02"
    stored = db.session.scalar(
        select(Answer).where(
            Answer.office_code == "ES",
            Answer.question == "discuss",
            Answer.recommendation_number == 10,
        )
    )
    assert stored.text == (
        "Rec.10, with special focus on governance and risk management and assessment."
    )
    assert (stored.line_start, stored.line_end) == (1264, 1264)


def test_import_without_alias_reports_the_unplaced_answer(cli, app_context):
    result = import_file(cli, BUNDLED)
    assert result.exit_code == 0
    assert "warning: lines 1268–1274: answer labelled GE" in result.stderr
    warnings = db.session.scalars(select(SurveyWarning.message)).all()
    assert any("labelled GE" in message for message in warnings)
    # Said so that the page, the API and the command line read it alike: the page has no
    # --alias, only the field "Aliases".
    said = next(message for message in warnings if "labelled GE" in message)
    assert "give the alias GE=<that office's code> when importing" in said
    assert "--alias" not in said


def test_importing_the_same_document_twice_does_not_duplicate_it(cli, app_context):
    assert import_file(cli, BUNDLED, "--alias", "GE=DE").exit_code == 0
    before = counts()
    again = import_file(cli, BUNDLED, "--alias", "GE=DE")
    assert again.exit_code == 0
    assert "already imported with the same answers; nothing changed" in again.stdout
    relabelled = import_file(cli, BUNDLED, "--alias", "GE=DE", "--label", "Copy")
    assert "already imported" in relabelled.stdout
    assert counts() == before
    # Without the alias it reads otherwise: the refusal says how the bundled copy is read.
    bare = import_file(cli, BUNDLED)
    assert bare.exit_code == 1
    assert "the bundled CWS/13/26 is imported with --alias GE=DE." in bare.stderr
    assert counts() == before


def test_a_different_survey_under_the_same_label_needs_replace(cli, app_context):
    assert import_file(cli, BUNDLED).exit_code == 0
    before = counts()
    refused = import_file(cli, BUNDLED, "--alias", "GE=DE")
    assert refused.exit_code == 1
    assert "A different survey labelled CWS/13/26 is already imported" in refused.stderr
    assert "--replace" in refused.stderr
    assert counts() == before
    replaced = import_file(cli, BUNDLED, "--alias", "GE=DE", "--replace")
    assert replaced.exit_code == 0
    assert replaced.stdout.startswith("Replaced CWS/13/26")
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 1
    assert db.session.scalar(select(func.count()).where(Answer.office_code == "DE")) == 1


def test_a_label_that_differs_only_in_case_is_the_same_survey(cli, app_context):
    """helper-71: "cws/13/26" was stored beside "CWS/13/26" (and ?survey= named either), while
    "CWS 13 26" was refused as the same. Case is no difference either."""
    assert import_file(cli, BUNDLED).exit_code == 0
    before = counts()
    refused = import_file(cli, BUNDLED, "--alias", "GE=DE", "--label", "cws/13/26")
    assert refused.exit_code == 1, refused.output
    assert "A different survey labelled CWS/13/26 is already imported" in refused.stderr
    assert counts() == before
    from planner.survey.operations import find_survey

    assert find_survey("cws-13-26").label == find_survey("CWS/13/26").label == "CWS/13/26"


def test_a_label_spelt_with_other_code_points_is_the_same_survey(cli, app_context):
    """ "Café" typed with é as one character or as e and a combining accent (as macOS names
    files) reads the same: it was stored as a second survey labelled "Café" (their slugs
    differed, "Caf" and "Cafe"), and either could be deleted or replaced for the other."""
    assert import_file(cli, BUNDLED, "--alias", "GE=DE", "--label", "Caf\u00e9").exit_code == 0
    before = counts()
    other = "Cafe\u0301"
    refused = import_file(cli, BUNDLED, "--label", other)
    assert refused.exit_code == 1, refused.output
    assert "A different survey labelled Caf\u00e9 is already imported" in refused.stderr
    assert counts() == before
    from planner.survey.operations import find_survey

    assert find_survey(other).label == "Caf\u00e9"


def test_replacing_says_which_saved_line_ups_go_with_the_survey(cli, app_context, colead_client):
    from planner.lineup.models import Lineup
    from planner.lineup.operations import propose_lineup, save_lineup
    from planner.lineup.rules import Rules

    assert import_file(cli, BUNDLED).exit_code == 0
    survey = db.session.scalar(select(Survey))
    saved = save_lineup(survey, propose_lineup(survey, Rules()), editor="lead@example.org")
    db.session.commit()
    link = f"/lineups/{saved.id}"
    replaced = import_file(cli, BUNDLED, "--alias", "GE=DE", "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert "1 saved line-up(s) of the replaced survey were removed with it" in replaced.stdout
    assert db.session.scalar(select(func.count()).select_from(Lineup)) == 0
    # A link kept from before says where the line-up went (helper-51: a bare "no line-up").
    gone = colead_client.get(link)
    assert gone.status_code == 404
    assert "go with the survey they were made from" in gone.get_data(as_text=True)


def test_a_corrected_answer_period_is_said_and_taken_with_replace(cli, app_context, tmp_path):
    """The survey closed on 17 July, not 7 July: the corrected text was "already imported with
    the same answers; nothing changed", with --replace too, and no page corrects the dates,
    which decide the survey pages show. With --replace they are corrected, and the saved
    line-ups a replaced survey takes with it stay (the answers are the same)."""
    from planner.lineup.models import Lineup
    from planner.lineup.operations import propose_lineup, save_lineup
    from planner.lineup.rules import Rules

    assert import_file(cli, BUNDLED, "--alias", "GE=DE").exit_code == 0
    survey = db.session.scalar(select(Survey))
    save_lineup(survey, propose_lineup(survey, Rules()), editor="lead@example.org")
    db.session.commit()
    corrected = tmp_path / "CWS-13-26.txt"
    text = BUNDLED.read_text(encoding="utf-8")
    corrected.write_text(text.replace("月 7日期间", "月 17日期间"), encoding="utf-8")
    before, imported = counts(), survey.imported_at

    said = import_file(cli, corrected, "--alias", "GE=DE")
    assert said.exit_code == 0, said.output
    assert (
        "The file gives the answer period 2 May – 17 July 2025, and CWS/13/26 keeps 2 May – "
        "7 July 2025: import the file again with --replace to correct it."
    ) in said.stdout
    db.session.expire_all()
    assert survey.period == "2 May – 7 July 2025"

    taken = import_file(cli, corrected, "--alias", "GE=DE", "--replace")
    assert taken.exit_code == 0, taken.output
    assert taken.stdout.startswith(
        "Corrected the answer period of CWS/13/26 (http://localhost/surveys/CWS-13-26) to "
        "2 May – 17 July 2025 "
        "(it was 2 May – 7 July 2025)"
    )
    db.session.expire_all()
    assert survey.period == "2 May – 17 July 2025"
    # Feeds date a meeting's default participants by the latest import.
    assert survey.imported_at > imported
    assert counts() == before
    assert db.session.scalar(select(func.count()).select_from(Lineup)) == 1
    again = import_file(cli, corrected, "--alias", "GE=DE", "--replace")
    assert "is already imported with the same answers; nothing changed." in again.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\x00\x01\x02binary\xff\xfe", "This is a binary file"),
        ("\n".join(LINES[:900]).encode(), "The file is truncated or incomplete: question 6"),
        (b"# Notes\nNothing to see here.\n", "This does not look like the CWS survey annex"),
        (
            "Résumé".encode("cp1252"),
            "broken.txt cannot be imported; nothing was changed:\n  line 1: the byte 0xe9 is not "
            "UTF-8.",
        ),
    ],
    ids=["empty", "binary", "truncated", "foreign", "wrong-encoding"],
)
def test_malformed_files_change_nothing(cli, app_context, tmp_path, content, message):
    assert import_file(cli, BUNDLED, "--alias", "GE=DE").exit_code == 0
    before = counts()
    broken = tmp_path / "broken.txt"
    broken.write_bytes(content)
    result = import_file(cli, broken)
    assert result.exit_code == 1
    assert f"Error: broken.txt: {message}" in result.stderr
    assert "Traceback" not in result.output
    assert counts() == before


def test_a_failure_while_storing_leaves_nothing_behind(app_context):
    # A record the readers would refuse (Rec 99 does not exist) fails only inside the database,
    # after the new office and the survey row were already sent: all of it is rolled back.
    record = SurveyRecord(
        label="Broken",
        source_name="broken.json",
        respondents=[RespondentRecord("ZZ", "Office of Nowhere")],
        answers=[AnswerRecord("ZZ", Question.focus, 99, "A project")],
    )
    before = counts()
    with pytest.raises(SurveyFormatError, match="nothing was changed"):
        import_record(record)
    assert counts() == before


def test_bad_alias_syntax_is_a_usage_error(cli, app_context):
    result = import_file(cli, BUNDLED, "--alias", "Georgia")
    assert result.exit_code == 2
    assert "'Georgia' is not an alias" in result.stderr and "GE=DE" in result.stderr


def test_offices_first_seen_in_a_survey_are_created(cli, app_context, tmp_path):
    text = BUNDLED.read_text(encoding="utf-8").replace(
        "AU Australia, IP Australia", "AU Australia, IP Australia \n\nXA Atlantis, Patent Office"
    )
    path = tmp_path / "with-atlantis.txt"
    path.write_text(text, encoding="utf-8")
    assert import_file(cli, path, "--alias", "GE=DE").exit_code == 0
    atlantis = db.session.get(Office, "XA")
    assert (atlantis.name, atlantis.time_zone) == ("Atlantis, Patent Office", None)


def _edited(tmp_path, name: str, edit, encoding: str = "utf-8"):
    """The bundled text with `edit` applied to its lines, and one answer changed (so it is a
    survey of its own, not the one already imported)."""
    lines = list(LINES)
    at = next(k for k, line in enumerate(lines) if "Evaluation includes sub level" in line)
    lines[at] = lines[at].rstrip() + " X"
    lines = edit(lines)
    path = tmp_path / name
    path.write_bytes("\n".join(lines).encode(encoding))
    return path


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ("9999年 5月 2日至 7月 7日", "answered_from: give a date between"),
        ("2025年 7月 7日至 5月 2日", "the period ends before it starts"),
    ],
    ids=["year-9999", "reversed"],
)
def test_the_published_text_s_answer_period_is_checked_as_the_tabular_one_is(
    cli, app_context, tmp_path, window, message
):
    """helper-51: a document of the year 9999 became everyone's default survey, and its export
    could not be imported again."""
    assert import_file(cli, BUNDLED, "--alias", "GE=DE").exit_code == 0
    before = counts()

    def edit(lines):
        return [line.replace("2025年 5月 2日至 7月 7日", window) for line in lines]

    result = import_file(cli, _edited(tmp_path, "dated.txt", edit), "--alias", "GE=DE")
    assert result.exit_code == 1 and message in result.stderr, result.output
    assert counts() == before


def test_a_nul_in_utf_16_text_is_refused_as_binary(cli, app_context, tmp_path):
    """helper-51: NUL was refused in UTF-8 only; in UTF-16 it reached PostgreSQL (a traceback)."""
    assert import_file(cli, BUNDLED, "--alias", "GE=DE").exit_code == 0
    before = counts()
    path = _edited(tmp_path, "nul.txt", lambda lines: ["Preamble\x00line", *lines], "utf-16")
    result = import_file(cli, path, "--alias", "GE=DE", "--label", "NUL")
    assert result.exit_code == 1
    assert "This is a binary file" in result.stderr and "Traceback" not in result.output
    assert counts() == before


def test_unplaced_text_is_reported_also_when_the_answers_are_unchanged(cli, app_context, tmp_path):
    assert import_file(cli, BUNDLED, "--alias", "GE=DE").exit_code == 0

    def edit(lines):
        at = next(k for k, line in enumerate(lines) if line.startswith("BR In progress – Dev"))
        return [*lines[:at], "XY Please discuss Rec 4", *lines[at:]]

    lines = edit(list(LINES))
    path = tmp_path / "same.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = import_file(cli, path, "--alias", "GE=DE")
    assert result.exit_code == 0 and "nothing changed" in result.stdout
    assert "labelled XY" in result.stderr


def test_a_warning_quoting_hidden_characters_shows_them_replaced(cli, app_context, tmp_path):
    def edit(lines):
        at = next(k for k, line in enumerate(lines) if line.startswith("BR In progress – Dev"))
        return [*lines[:at], "XY \u202etxet desrever\u202c bell\x07 end", *lines[at:]]

    path = _edited(tmp_path, "hidden.txt", edit)
    result = import_file(cli, path, "--alias", "GE=DE", "--label", "Hidden")
    assert result.exit_code == 0, result.output
    [message] = [m for m in db.session.scalars(select(SurveyWarning.message)) if "XY" in m]
    assert "\u202e" not in message and "\x07" not in message and "\ufffd" in message
    # The command line prints the same warning, not the bell or the reversal (helper-54).
    printed = result.stdout + result.stderr
    assert "XY" in printed and "\u202e" not in printed and "\x07" not in printed


# A zero-width space or word joiner alone shows as no label on every page (helper-163).
@pytest.mark.parametrize("label", [" ", "\t", "\u200b", "\u2060 \ufeff"])
def test_a_blank_label_is_refused_and_a_padded_one_stripped(cli, app_context, tmp_path, label):
    result = import_file(cli, BUNDLED, "--alias", "GE=DE", "--label", label)
    assert result.exit_code == 1 and "The survey label is blank" in result.stderr
    assert counts()[0] == 0
    padded = import_file(cli, BUNDLED, "--alias", "GE=DE", "--label", "  Padded  ")
    assert padded.exit_code == 0, padded.output
    assert db.session.scalar(select(Survey.label)) == "Padded"


def test_a_label_of_invisible_characters_is_refused_in_the_file_and_the_api(
    cli, api, app_context, tmp_path
):
    """helper-163: a CSV whose survey column held a zero-width space, or an import through the
    API labelled so, was stored as a survey whose label every page showed as nothing."""
    path = tmp_path / "invisible.csv"
    path.write_text("survey,office,question,recommendation,text\n\u200b,AU,focus,10,AI\n")
    result = import_file(cli, path)
    assert result.exit_code == 1 and "The survey label is blank" in result.stderr
    body = {"file": (io.BytesIO(b"office,question,recommendation,text\nAU,focus,10,AI\n"), "s.csv")}
    answer = api.post(
        "/api/v1/surveys",
        data={**body, "label": "\u200b\u2060"},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400
    assert answer.get_json()["message"].startswith("The survey label is blank")
    assert counts()[0] == 0
    # An office's name so written is no name: in a CSV, the office is named by its code, as
    # with an empty cell; in JSON, it has none.
    path.write_text(
        "survey,office,office_name,question,recommendation,text\nPilot,ZZ,\u200b,focus,10,AI\n"
    )
    assert import_file(cli, path).exit_code == 0
    assert db.session.get(Office, "ZZ").name == "ZZ"
    listed = {"survey": {"label": "Pilot 2"}, "offices": [{"code": "ZY", "name": "\u2060"}]}
    listed["answers"] = [{"office": "ZY", "question": "focus", "recommendation": 10, "text": "AI"}]
    path = tmp_path / "invisible.json"
    path.write_text(json.dumps(listed))
    result = import_file(cli, path)
    assert result.exit_code == 1 and "office ZY has no name" in result.stderr


def test_line_numbers_are_an_editor_s_when_pages_are_separated_by_form_feeds(
    cli, app_context, tmp_path
):
    """pdftotext puts a form feed at each page break; an editor does not count it as a line,
    and the warnings' and answers' line numbers must be the ones an editor shows (helper-51)."""

    def edit(lines):
        return ["\f" + line if line.startswith("ST.3 Code Rec.") else line for line in lines]

    path = _edited(tmp_path, "pages.txt", edit)
    result = import_file(cli, path, "--alias", "GE=DE", "--label", "Pages")
    assert result.exit_code == 0, result.output
    assert "warning: lines 272–325: question 2 is a chart" in result.stderr  # not "line 272: lines"
    stored = db.session.scalar(
        select(Answer).where(
            Answer.office_code == "ES",
            Answer.question == "discuss",
            Answer.recommendation_number == 10,
        )
    )
    assert (stored.line_start, stored.line_end) == (1264, 1264)


def test_an_office_the_file_brings_is_named_on_import(cli, app_context, tmp_path):
    """helper-71: a row's office changed to an unknown code (ZZ) made a new office without a
    word. The bundled file names none: its offices are known."""
    first = import_file(cli, BUNDLED)
    assert first.exit_code == 0 and "New offices" not in first.stdout
    exported = cli.invoke(args=["survey", "export", "--format", "csv"])
    assert exported.exit_code == 0, exported.output
    rows = exported.stdout.splitlines()
    changed = [rows[0], *(re.sub(r"^([^,]*),AU,[^,]*,", r"\1,ZZ,Zed office,", r) for r in rows[1:])]
    assert changed != rows
    path = tmp_path / "zz.csv"
    path.write_text("\n".join(changed) + "\n", encoding="utf-8")
    result = import_file(cli, path, "--label", "With ZZ")
    assert result.exit_code == 0, result.output
    assert "New offices, not known before: ZZ;" in result.stdout
    assert "--alias NEW=KNOWN" in result.stdout


@pytest.mark.parametrize(
    "period",
    [
        "12. Les membres des 13 équipes d'experts du CWS ont été invités à participer à l'enquête "
        "du 4 mai\n\nau 9 juillet 2027.",
        "12. Se invitó a los miembros de los 13 equipos técnicos del CWS a participar en la "
        "encuesta entre el\n\n4 de mayo y el 9 de julio de 2027.",
        "12. All members of the 13 CWS Task Forces were invited to take part between 4 May\n\n"
        "and 9 July 2027.",
    ],
    ids=["french", "spanish", "english"],
)
def test_the_next_round_s_edition_in_another_language_says_when_it_was_answered(
    cli, survey, tmp_path, period
):
    """The 2027 round's document, copied from its French or Spanish PDF (the sentence of the
    period wrapped where the page did): its answer period was read in the Chinese edition's
    words or in English on one line only, so it was stored without one, without a word, and
    the pages went on showing the 2025 round. Now it is read, and the round is the default."""

    def edit(lines):
        lines = [
            line.replace("CWS/13/26", "CWS/15/8")
            if not line.startswith("12.")
            else period.replace("\n\n", "\n\n\n")
            for line in lines
        ]
        return "\n".join(lines).split("\n")

    result = import_file(cli, _edited(tmp_path, "CWS-15-8.txt", edit), "--alias", "GE=DE")
    assert result.exit_code == 0, result.output
    assert "It is now the survey that pages and the API show" in result.stdout
    stored = db.session.scalar(select(Survey).where(Survey.label == "CWS/15/8"))
    assert (str(stored.answered_from), str(stored.answered_until)) == ("2027-05-04", "2027-07-09")
    assert "does not say when the offices answered" not in result.output


def test_a_text_that_does_not_say_when_it_was_answered_is_warned_about(cli, survey, tmp_path):
    """A period the reader cannot find was left out without a word."""

    def edit(lines):
        return [
            "12. Offices were invited to answer the survey." if line.startswith("12.") else line
            for line in lines
        ]

    result = import_file(
        cli, _edited(tmp_path, "undated.txt", edit), "--alias", "GE=DE", "--label", "Undated"
    )
    assert result.exit_code == 0, result.output
    assert "the text does not say when the offices answered" in result.output
    assert "Pages and the API still show CWS/13/26" in result.stdout


@pytest.mark.parametrize(
    ("period", "quoted"),
    [
        ("between 31 February and 9 July 2027", "“31 February and 9 July 2027”"),
        ("du 4 mai 0000 au 9 juillet 0000", "“4 mai 0000 au 9 juillet 0000”"),
        ("于 2027年 13月 4日至 7月 9日", "“2027年 13月 4日至 7月 9日”"),
    ],
    ids=["31-february", "year-0", "month-13"],
)
def test_a_period_stated_with_a_date_no_calendar_has_is_warned_about_where_it_is(
    cli, survey, tmp_path, period, quoted
):
    """The text states when the offices answered, mistyped with a date no calendar has: the
    import was told "the text does not say when the offices answered", which it does, and
    the steward was left to look for a sentence that was there. Now the warning names the
    line and quotes the period, saying it names no date."""

    def edit(lines):
        return [
            f"12. Offices were invited to answer {period}." if line.startswith("12.") else line
            for line in lines
        ]

    path = _edited(tmp_path, "mistyped.txt", edit)
    line = path.read_text().split("\n").index(f"12. Offices were invited to answer {period}.") + 1
    result = import_file(cli, path, "--alias", "GE=DE", "--label", "Mistyped")
    assert result.exit_code == 0, result.output
    assert f"line {line}: the answer period {quoted} names a date no calendar has" in result.output
    assert "does not say when" not in result.output
    assert "Pages and the API still show CWS/13/26" in result.stdout
