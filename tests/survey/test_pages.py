"""The survey explorer pages: overview charts, summary table and CSV, answers with their sources."""

import csv
import io
import re

import pytest

from planner.survey import charts


def text(response):
    return response.get_data(as_text=True)


def named_squares(svg: str) -> int:
    """The squares a heatmap draws filled: its path in the question's colour (not EMPTY's)."""
    (path,) = [
        d for d, fill in re.findall(r'<path d="([^"]*)" fill="(#\w+)"', svg) if fill != charts.EMPTY
    ]
    return path.count("M")


def named_in_rows(svg: str) -> int:
    """The recommendations the heatmap's rows name, as their links' names say them."""
    return sum(len(n.split(", ")) for n in re.findall(r"\(named Rec ([\d, ]+)\)</title>", svg))


def test_overview_shows_both_charts_with_text_alternatives(client, survey):
    page = text(client.get("/"))
    assert "<h1>Who focuses on what" in page
    assert page.count('role="graphics-document"') >= 2
    assert '<title id="heatmap-title">CWS/13/26: Current focus (Q4)' in page
    assert '<desc id="bars-desc">' in page
    # A square per answer with a recommendation: 85 focus answers in CWS/13/26, each named by
    # its office's row.
    assert named_squares(page) == named_in_rows(page) == 85
    assert ">The heatmap as a table</a>" in page and "The bars as a table" in page


@pytest.mark.parametrize(
    ("question", "squares"), [("discuss", 35), ("challenge", 48), ("low_priority", 11)]
)
def test_overview_switches_question(client, survey, question, squares):
    page = text(client.get(f"/?question={question}"))
    assert named_squares(page) == named_in_rows(page) == squares
    assert re.search(rf'question={question}[^"]*" aria-current="true"', page)
    table = text(client.get(f"/surveys/CWS-13-26/heatmap?question={question}"))
    assert table.count(">yes</a>") == squares
    assert re.search(rf'question={question}[^"]*" aria-current="true"', table)


def test_each_answer_is_a_link_on_the_table_and_each_office_on_the_chart(client, survey):
    page = text(client.get("/?question=discuss"))
    # Spain's row on the chart: its answers to the question shown, on its page.
    row = re.search(
        r'<a href="(/offices/ES[^"]*)" class="label"><title>ES: [^<]*\(named Rec ([\d, ]+)\)',
        page,
    )
    assert row and "10" in row[2].split(", "), "Spain's row does not name Rec 10"
    assert row[1] == "/offices/ES?survey=CWS-13-26#discuss-heading"
    office = text(client.get(row[1]))
    assert 'id="discuss-heading"' in office
    assert "Rec.10, with special focus on governance" in office
    # The table, linked from the chart, has the answer itself.
    table_url = re.search(r'<a href="([^"]+)">The heatmap as a table</a>', page)[1]
    assert table_url == "/surveys/CWS-13-26/heatmap?question=discuss"
    table = text(client.get(table_url))
    link = re.search(
        r'<a href="(/surveys/CWS-13-26/answers/\d+)" aria-label="yes, ES, Rec 10">yes</a>', table
    )
    assert link, "no link for Spain's wish to discuss Rec 10"
    answer = text(client.get(link[1]))
    assert "Rec.10, with special focus on governance and risk management and assessment." in answer
    assert "line 1264" in answer
    assert '<span class="line-number">1264</span> ES Rec.10, with special focus' in answer


def test_overview_filters_offices(client, survey):
    page = text(client.get("/?office=europe"))
    rows = re.findall(r'class="label"><title>([A-Z]{2}):', page)
    assert rows == ["EM", "EP"]
    empty = text(client.get("/?office=atlantis"))
    assert "No office matches “atlantis”." in empty


def test_overview_without_a_survey(client):
    page = text(client.get("/"))
    assert "No survey has been imported yet." in page


def test_overview_rejects_an_unknown_question(client, survey):
    response = client.get("/?question=wishes")
    assert response.status_code == 400
    assert "The overview shows one of these questions" in text(response)


def test_overview_of_an_unknown_survey_is_404(client, survey):
    assert client.get("/?survey=CWS-99-1").status_code == 404


def test_charts_download_as_standalone_svg(client, survey):
    heatmap = client.get("/charts/CWS-13-26/heatmap.svg?question=challenge")
    assert heatmap.mimetype == "image/svg+xml"
    assert "CWS-13-26-challenge-heatmap.svg" in heatmap.headers["Content-Disposition"]
    svg = text(heatmap)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert named_squares(svg) == named_in_rows(svg) == 48
    bars = text(client.get("/charts/CWS-13-26/bars.svg"))
    # Supply, demand and struggle for Rec 10: 12 focus, 10 discuss, 8 challenge.
    assert "Rec 10: New and emerging technologies (AI, blockchain): Supply 12" in bars
    assert "Rec 10: New and emerging technologies (AI, blockchain): Demand 10" in bars
    assert "Rec 10: New and emerging technologies (AI, blockchain): Struggle 8" in bars
    # The axis runs to the 21 respondents the counts are out of, not to the largest count
    # (helper-155: "out of 21", and its last tick was 14).
    ticks = re.findall(r'font-size="11">(\d+)</text>', bars)
    assert ticks and ticks[-1] == "20" and int(ticks[-1]) <= 21


def test_a_full_bar_is_every_respondent():
    chart = charts.grouped_bars(
        [(charts.Label("1 A", "Rec 1"), {"Supply": 2})],
        (charts.Series("Supply", "focus", "what offices focus on", "#000"),),
        out_of=3,
    )
    (group,) = chart.groups
    (bar,) = group.bars
    full = chart.ticks[-1]
    assert full.label.text == "3"
    assert abs(bar.width - (full.x - chart.axis_x) * 2 / 3) < 0.01


def test_the_heatmap_shows_each_office_name_whole(client, survey):
    """helper-201: row labels were cut at 30 characters ("GM The Gambia Industrial Prop…").
    A longer one wraps onto a second line in its row; the link's tooltip and name are whole."""
    svg = text(client.get("/"))
    # The chart itself: the legend's squares before it are small <svg>s of their own.
    assert "…" not in re.search(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg>', svg, re.S)[0]
    assert re.search(
        r'<a href="/offices/GM[^"]*" class="label"><title>GM: The Gambia Industrial Property '
        r"Office \(named Rec 1\)</title><rect [^>]*/><text [^>]*><tspan [^>]*>GM The Gambia "
        r'Industrial</tspan><tspan [^>]*dy="12[^"]*">Property Office</tspan></text>',
        svg,
    )


def _heatmap_of(offices: int) -> charts.Heatmap:
    codes = [f"O{n:03}" for n in range(offices)]
    rows = [(code, charts.Label(f"{code} Office", f"Office {code}")) for code in codes]
    columns = [(r, charts.Label(str(r), f"Rec {r}")) for r in range(1, 11)]
    marks = {(f"O{n:03}", 1 + n % 10): charts.Mark("/a", "yes") for n in range(offices)}
    return charts.heatmap(rows, columns, marks, charts.BLUE)


def test_a_tall_heatmap_numbers_its_columns_again_every_twenty_rows():
    """helper-216: at 200 offices the heatmap is some 5,200 px tall, its recommendation numbers
    only at the top. They are drawn again above every 20th row, in a row of their own that
    pushes the rows below down; each office's squares and total stay on its row."""
    chart = _heatmap_of(200)
    assert len(chart.repeated_columns) == 9 * 10  # above rows 20, 40, ... 180
    numbers = sorted({round(p.y) for p in chart.repeated_columns})
    assert [p.label.text for p in chart.repeated_columns[:10]] == [str(r) for r in range(1, 11)]
    assert [p.x for p in chart.repeated_columns[:10]] == [p.x for p in chart.columns]
    tops = [row.box.y for row in chart.rows]
    for i, y in enumerate(numbers, start=1):
        # Between the row above and the 20th row below, never over a square.
        assert tops[20 * i - 1] + chart.cell < y < tops[20 * i], (i, y)
    assert tops[20] - tops[19] == 2 * chart.cell and tops[21] - tops[20] == chart.cell
    for i, row in enumerate(chart.rows):
        squares = chart.cells[i * 10 : (i + 1) * 10]
        assert {cell.y for cell in squares} == {round(row.box.y + 1, 1)}
        assert row.box.y < chart.row_totals[i].y < row.box.y + chart.cell
    assert chart.column_totals[0].y > tops[-1] + chart.cell
    assert chart.height > chart.column_totals[0].y


def test_a_heatmap_of_a_screen_or_so_numbers_its_columns_at_the_top_only():
    # CWS/13/26's 21 offices, and a last block too short to need them again.
    assert _heatmap_of(21).repeated_columns == ()
    assert len(_heatmap_of(49).repeated_columns) == 10  # above row 20; row 40 has 9 below


def test_the_repeated_column_numbers_are_drawn_for_the_eye_only(app_context):
    """Links and names are the numbers at the top: the repeats are no tab stops, nor read."""
    chart = _heatmap_of(60)
    svg = render_heatmap(chart)
    group = re.search(r'<g aria-hidden="true"[^>]*>(.*?)</g>', svg, re.S)[1]
    assert group.count("<text ") == 20 and "<a " not in group and "<title>" not in group


def render_heatmap(chart: charts.Heatmap) -> str:
    from flask import render_template

    return render_template(
        "charts/heatmap.svg",
        chart=chart,
        chart_id="heatmap",
        title="t",
        description="d",
        font=charts.FONT,
        ink=charts.INK,
        muted=charts.MUTED,
        empty=charts.EMPTY,
    )


def test_a_row_label_longer_than_two_lines_is_cut_on_the_second():
    assert charts._two_lines("AB " + "word " * 20, 30) == (
        "AB word word word word word",
        "word word word word word word…",
    )
    assert charts._two_lines("XY Short", 30) == ("XY Short",)


def test_summary_page_reproduces_the_document(client, survey):
    page = text(client.get("/surveys/CWS-13-26/summary"))
    assert "21 respondents" in page
    assert "highest Rec 1 (67%), lowest Rec 9 (14%)" in page
    assert "highest Recs 1 and 10 (38%), lowest Rec 9 (10%)" in page
    assert "highest Rec 10 (48%), lowest Rec 6 (0%)" in page
    assert "71% named none" in page


def test_a_question_whose_shares_are_all_equal_has_no_highest_nor_lowest():
    """helper-155: a survey where no office named a recommendation in a question read "highest
    Recs 1, 2, 3, 4, 5, 6, 7, 8, 9 and 10 (0%), lowest Recs 1, … (0%)"."""
    from planner.survey.records import Question
    from planner.survey.summary import summarise
    from planner.survey.views import _findings

    rows = [("AA", Question.focus, 1, "Cloud"), ("BB", Question.focus, 2, "Strategy")]
    rows += [("AA", Question.discuss, None, "No need for further discussion")]
    findings = dict(_findings(summarise(["AA", "BB"], rows, range(1, 3))))
    assert findings[Question.focus].startswith("every recommendation 50%; 0% named none")
    assert findings[Question.discuss].startswith("no recommendation named; 100% named none")
    assert "highest" not in findings[Question.discuss]


def test_another_survey_s_summary_names_its_questions_not_the_document_s_paragraphs(client, survey):
    """helper-155: an imported CSV's summary said its shares were "as paragraphs 14–17 of the
    document report them", and that "Paragraph 13" was a chart: only CWS/13/26 is that
    document. Another names its columns by the questions they count."""
    from dataclasses import replace

    from planner.bootstrap import bundled_record
    from planner.extensions import db
    from planner.survey.operations import import_record

    bundled = bundled_record()
    # Another survey: one answer fewer (the same answers would be the same survey).
    pilot = replace(
        bundled, label="Pilot 2026", source_name="pilot.csv", answers=bundled.answers[1:]
    )
    stored = import_record(pilot).survey
    db.session.commit()
    assert stored.label == "Pilot 2026"
    page = text(client.get(f"/surveys/{stored.slug}/summary"))
    assert "21 respondents naming each recommendation (rounded half up)." in page
    assert "paragraphs 14–17" not in page and "Paragraph 13" not in page and "§14" not in page
    assert "Q4" in page and "Q8" in page
    document = text(client.get("/surveys/CWS-13-26/summary"))
    assert "as paragraphs 14–17 of the document report them" in document and "§14" in document
    # Its download neither (helper-163: every row named CWS/13/26's paragraph, §14 to §17).
    for slug, paragraphs in ((stored.slug, {""}), ("CWS-13-26", {"", "§14", "§15", "§16", "§17"})):
        download = client.get(f"/surveys/{slug}/summary.csv").data.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(download)))
        assert rows and {row["paragraph"] for row in rows} == paragraphs, slug


def test_the_summary_csv_comes_with_semicolons_for_excel_where_the_comma_is_the_decimal_sign(
    client, survey
):
    """The summary was comma-separated only: Excel with French, Spanish or German settings opens
    it as one column of "discuss,§17,10,10,48,AU BR ..." text."""
    comma = client.get("/surveys/CWS-13-26/summary.csv").data.decode("utf-8-sig")
    response = client.get("/surveys/CWS-13-26/summary.csv?separator=semicolon")
    assert response.status_code == 200 and response.data.startswith("\ufeff".encode())
    semicolons = response.data.decode("utf-8-sig")
    assert semicolons.startswith('"question";"paragraph";"recommendation";"count"')
    assert list(csv.reader(io.StringIO(semicolons), delimiter=";")) == list(
        csv.reader(io.StringIO(comma))
    )
    assert client.get("/surveys/CWS-13-26/summary.csv?separator=%3B").status_code == 400


def test_summary_csv(client, survey):
    response = client.get("/surveys/CWS-13-26/summary.csv")
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())  # for Excel: UTF-8 (helper-89)
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    discuss_10 = next(r for r in rows if r["question"] == "discuss" and r["recommendation"] == "10")
    assert discuss_10 == {
        "question": "discuss",
        "paragraph": "§17",
        "recommendation": "10",
        "count": "10",
        "percent": "48",
        "offices": "AU BR EM EP ES HR IL PY RU US",
    }
    none_low = next(
        r for r in rows if r["question"] == "low_priority" and r["recommendation"] == "none"
    )
    assert none_low["percent"] == "71"
    # BR proposed an SDLC policy (lines 1199-1201) and EP commented on "Nearly all
    # Recommendations" (lines 374-380): naming none, but declining nothing.
    said = {
        (r["question"], r["recommendation"]): r["offices"].split()
        for r in rows
        if r["question"] in ("proposal", "implementation")
    }
    assert "BR" in said["proposal", "none: answered on none in particular"]
    assert "EP" in said["implementation", "none: answered on none in particular"]
    assert ("proposal", "none: declined explicitly") not in said
    declined = [r for r in rows if r["recommendation"] == "none: declined explicitly"]
    assert [(r["question"], r["offices"]) for r in declined if r["offices"]] == [("discuss", "DE")]


def test_an_answer_of_another_survey_is_404(client, survey):
    assert client.get("/surveys/CWS-13-26/answers/999999").status_code == 404
    assert client.get("/surveys/CWS-99-1/summary").status_code == 404


def test_an_answer_imported_from_a_table_gives_its_lines_as_the_text_s(
    client, cli, survey, tmp_path
):
    """A survey imported from its exported CSV named "corrected.csv, line 1264": the lines are
    those of the published text the answer was first read from, not the table's."""
    from sqlalchemy import select

    from planner.extensions import db
    from planner.survey.models import Answer, Survey

    exported = cli.invoke(args=["survey", "export", "--format", "csv"]).stdout
    path = tmp_path / "corrected.csv"
    path.write_text(exported.replace("special focus", "a special focus"), encoding="utf-8")
    result = cli.invoke(args=["survey", "import", str(path), "--label", "Corrected"])
    assert result.exit_code == 0, result.output
    spain = db.session.scalar(
        select(Answer.id)
        .join(Survey)
        .where(
            Survey.label == "Corrected", Answer.office_code == "ES", Answer.question == "discuss"
        )
    )
    page = text(client.get(f"/surveys/Corrected/answers/{spain}"))
    assert "<code>corrected.csv</code>, from line 1264 of the text it was first read from" in page
    assert "line-number" not in page


def test_each_page_of_a_survey_offers_itself_for_the_other_surveys(client, survey):
    """helper-208: once the 2026 round was imported, an office's, a recommendation's and the
    matches' pages read it, and the 2025 answers were reached only by typing ?survey= into
    the address: the overview alone offered a choice."""
    from tests.support import import_second_round

    one = client.get("/offices/AU").get_data(as_text=True)
    assert "Show this page for" not in one
    import_second_round()
    for url, other in (
        ("/offices/AU", "/offices/AU?survey=CWS-13-26"),
        ("/offices?q=pat", "/offices?q=pat&amp;survey=CWS-13-26"),
        ("/recommendations", "/recommendations?survey=CWS-13-26"),
        ("/recommendations/1", "/recommendations/1?survey=CWS-13-26"),
        # Its place in the listing stays behind: the other survey's matches start on page 1.
        (
            "/recommendations/1/matches?office=KG&page=1",
            "/recommendations/1/matches?office=KG&amp;survey=CWS-13-26",
        ),
    ):
        page = client.get(url).get_data(as_text=True)
        assert (
            f'Show this page for\n  <a href="{other}">CWS/13/26</a> (2 May – 7 July 2025).' in page
        ), url
    back = client.get("/offices/AU?survey=CWS-13-26").get_data(as_text=True)
    assert (
        '<a href="/offices/AU?survey=CWS-14-2026">CWS/14/2026</a> (13 April – 30 June 2026)' in back
    )


@pytest.mark.parametrize("query", ["number=5", "code=ZZ", "_method=POST", "_scheme=https"])
def test_the_other_surveys_links_carry_no_argument_that_breaks_them(client, survey, query):
    """A page's own arguments go on to its other surveys' addresses; one named as a part of its
    path, or as url_for's own option, answered 500."""
    from tests.support import import_second_round

    import_second_round()
    for url in ("/recommendations/1", "/offices/AU", "/recommendations/1/matches"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, (url, query)
        page = response.get_data(as_text=True)
        assert re.search(rf'<a href="{url}\?[^"]*survey=CWS-13-26">CWS/13/26</a>', page), url


def test_a_heatmap_draws_its_squares_as_two_paths_and_names_each_row():
    """helper-257: a rectangle each, with a title and for a named one a link, was 480 kB of the
    overview at 200 offices. The named squares and the empty ones are a path each, every square
    the cell's size with the corners of a 3 px radius its round-joined stroke gives it; the row's
    link names what its squares show."""
    chart = _heatmap_of(60)
    assert chart.named_squares.count("M") == 60 and chart.empty_squares.count("M") == 540
    side = charts.pixels(chart.cells[0].size - chart.stroke)
    assert side + chart.stroke == chart.cells[0].size == 24 and chart.stroke == 2 * 3
    first = chart.cells[0]
    assert first.mark and chart.named_squares.startswith(
        f"M{charts.pixels(first.x + 3)} {charts.pixels(first.y + 3)}h{side}v{side}h-{side}zM"
    )
    assert chart.row_names[:2] == ("Office O000 (named Rec 1)", "Office O001 (named Rec 2)")
    bare = charts.heatmap(
        [("AA", charts.Label("AA", "AA: Office"))], [(1, charts.Label("1", "Rec 1"))], {}, "#000"
    )
    assert bare.row_names == ("AA: Office (named no recommendation)",)
    assert bare.named_squares == "" and bare.empty_squares.count("M") == 1


@pytest.fixture
def two_hundred(app_context):
    from planner.extensions import db
    from planner.survey.operations import import_record
    from planner.survey.synthetic import scaled_survey
    from tests.conftest import _bundled_record

    survey = import_record(scaled_survey(_bundled_record(), 200)).survey
    db.session.commit()
    return survey


def test_the_overview_of_200_offices_stays_light(client, colead_client, two_hundred):
    """helper-257: at 200 offices the overview was 877 kB, 18 s over a slow 3G link, to a
    co-lead too (their pages go uncompressed): each of 876 named squares a link, a rectangle and
    a title quoting the answer's opening; each of 1,124 empty ones a rectangle and a title ("AA:
    Synthetic office AA: no answer for Rec 2: ICT strategy with annual evaluation"); and the same
    again as a table folded under the chart. The squares are two paths, each office's row one
    link to its answers, named by what it named; the table, each answer a link, is a page of its
    own that the chart links to."""
    overview = f"/?survey={two_hundred.slug}"
    for who in (client, colead_client):
        page = text(who.get(overview))
        assert len(page.encode()) < 200_000, len(page.encode())
        svg = re.search(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg>', page, re.S)[0]
        # Each office's row and each recommendation are a link; the chart's title and its axis',
        # and each column's total, a title.
        assert svg.count("<a ") == 200 + 10
        assert svg.count("<title") == 200 + 10 + 2 + 10
        assert "heatmap-table" not in page and "no answer for" not in page
        squares = named_squares(svg)
        assert squares == named_in_rows(svg) > 500
    url = re.search(r'<a href="([^"]+)">The heatmap as a table</a>', page)[1]
    table = client.get(url.replace("&amp;", "&"))
    assert table.status_code == 200 and len(table.data) < 200_000, len(table.data)
    answers = re.findall(r'<a href="(/surveys/[^"]+/answers/\d+)" aria-label="yes, ', table.text)
    assert len(set(answers)) == squares
    assert client.get(answers[-1]).status_code == 200
