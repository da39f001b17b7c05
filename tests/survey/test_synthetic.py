"""The layout writer and the reader agree: what is written in the annex layout reads back."""

from planner.bootstrap import BUNDLED_ALIASES
from planner.survey.document import parse_document
from planner.survey.synthetic import render_document, scaled_survey
from tests.support import BUNDLED


def content(record):
    return sorted((a.office, a.question, a.recommendation or 0, a.text) for a in record.answers)


def test_the_real_survey_reads_back_the_same_from_the_annex_layout():
    real = parse_document(BUNDLED.read_bytes(), "CWS-13-26.txt", aliases=BUNDLED_ALIASES)
    again = parse_document(render_document(real).encode(), "rendered.txt")
    assert content(again) == content(real)
    assert [r.code for r in again.respondents] == [r.code for r in real.respondents]
    assert (again.label, again.answered_from) == (real.label, real.answered_from)


def test_a_survey_of_200_offices_reads_back_the_same():
    real = parse_document(BUNDLED.read_bytes(), "CWS-13-26.txt", aliases=BUNDLED_ALIASES)
    large = scaled_survey(real, 200, seed=3)
    assert len(large.respondents) == 200
    again = parse_document(render_document(large).encode(), "large.txt")
    assert len(again.respondents) == 200
    assert content(again) == content(large)
    # Codes such as AN, AT or IN end lines in question 1 without making the next line a wrap.
    assert not [w for w in again.warnings if "not a respondent" in w.message]


def test_generate_command(cli, survey):
    result = cli.invoke(args=["survey", "generate", "--offices", "40"])
    assert result.exit_code == 0
    record = parse_document(result.stdout.encode(), "generated.txt")
    assert (record.label, len(record.respondents)) == ("SYNTHETIC/40/0", 40)


def test_more_offices_than_two_letter_codes_is_refused(cli, survey):
    result = cli.invoke(args=["survey", "generate", "--offices", "1000"])
    assert result.exit_code != 0
    assert "two-letter codes allow at most 675 offices" in result.output
