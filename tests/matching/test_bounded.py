"""Anonymous matches come a page at a time, however large the survey; the cached scorer follows
every change to what it was built from, whoever made it."""

import html
import re
from itertools import pairwise

import pytest
from sqlalchemy import text

from planner.bootstrap import load_bundled_survey
from planner.extensions import db
from planner.matching.operations import adopt_weights, scorers, set_mark, survey_scorer
from planner.matching.scorer import FEATURES, Weights
from planner.matching.views import PER_PAGE as PAGE_ROWS
from planner.pagination import API_MAX_PER_PAGE as MAX_PER_PAGE
from planner.pagination import API_PER_PAGE as PER_PAGE
from planner.survey.document import parse_document
from planner.survey.operations import import_record
from planner.survey.synthetic import scaled_survey
from tests.support import BUNDLED, csrf_token, every_page


@pytest.fixture
def large(app_context):
    """A generated survey of 80 offices: more matches on Rec 10 than one page holds."""
    real = parse_document(BUNDLED.read_bytes(), "CWS-13-26.txt")
    survey = import_record(scaled_survey(real, 80, seed=1)).survey
    db.session.commit()
    return survey


def api(survey, query: str = "") -> str:
    return f"/api/v1/matches?recommendation=10&survey={survey.slug}&limit=all{query}"


def test_the_api_answers_a_page_at_a_time_with_a_link_to_the_next(client, large):
    every = survey_scorer(large).matches([10])
    assert len(every) > 2 * PER_PAGE
    first = client.get(api(large)).get_json()
    assert len(first["matches"]) == PER_PAGE
    assert (first["count"], first["page"], first["per_page"]) == (len(every), 1, PER_PAGE)
    assert first["pages"] == -(-len(every) // PER_PAGE)
    assert first["previous"] is None and "page=2" in first["next"]
    second = client.get(first["next"]).get_json()
    assert second["page"] == 2 and "page=1" in second["previous"]
    # Following `next` to the end gives every match once, in the order of the whole list.
    rows = every_page(client, api(large))
    assert [(r["audience"], r["presenter"], r["rank"]) for r in rows] == [
        (m.audience, m.presenter, m.rank) for m in every
    ]
    last = client.get(api(large, f"&page={first['pages']}")).get_json()
    assert last["next"] is None and 0 < len(last["matches"]) <= PER_PAGE


def test_the_api_keeps_the_query_in_its_links(client, large):
    body = client.get(api(large, "&include_plans=true&per_page=7")).get_json()
    assert len(body["matches"]) == 7
    following = client.get(body["next"]).get_json()
    assert following["per_page"] == 7 and following["page"] == 2
    plans = survey_scorer(large, include_plans=True).matches([10])
    assert following["count"] == len(plans)
    assert [r["presenter"] for r in following["matches"]] == [m.presenter for m in plans[7:14]]


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        (f"&per_page={MAX_PER_PAGE + 1}", 400, f"per_page is at most {MAX_PER_PAGE}"),
        ("&per_page=0", 400, "per_page is a number of items per page"),
        ("&per_page=lots", 400, "per_page is a number of items per page"),
        ("&page=0", 400, "page is a page number"),
        ("&page=99999999999999999999", 400, "page is a page number"),
        ("&page=9999", 404, "There is no page 9999"),
    ],
)
def test_the_api_refuses_pages_it_cannot_give(client, large, query, status, words):
    response = client.get(api(large, query))
    assert response.status_code == status
    assert words in response.get_json()["message"]


def test_the_largest_page_the_api_gives(client, large):
    body = client.get(api(large, f"&per_page={MAX_PER_PAGE}")).get_json()
    assert len(body["matches"]) == MAX_PER_PAGE


def test_a_short_answer_is_one_page(client, survey):
    for number in range(1, 11):
        body = client.get(f"/api/v1/matches?recommendation={number}&limit=1").get_json()
        # Even a recommendation without a match has its (empty) first page.
        assert (body["page"], body["pages"], body["next"]) == (1, 1, None)
        assert len(body["matches"]) == body["count"]


def rows_on(page: str) -> int:
    """Matches on a matches page: one 'Their project' per row of the audiences' tables."""
    return page.count('class="project-link"')


def test_every_match_on_the_page_comes_a_page_at_a_time(client, large):
    total = len(survey_scorer(large).matches([10]))
    assert total > 2 * PAGE_ROWS
    url = f"/recommendations/10/matches?survey={large.slug}&show=all"
    seen, pages = 0, 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        pages += 1
        assert rows_on(page) <= PAGE_ROWS
        seen += rows_on(page)
        assert f"Page {pages} of {-(-total // PAGE_ROWS)}" in page
        found = re.search(r'<a href="([^"]+)" rel="next">Next page</a>', page)
        url = found[1].replace("&amp;", "&") if found else None
    assert seen == total
    # The needs and plans are listed on the first page only.
    assert "Not presenting" in client.get(f"/recommendations/10/matches?survey={large.slug}").text
    second = client.get(f"/recommendations/10/matches?survey={large.slug}&show=all&page=2").text
    assert "Not presenting" not in second and "Continued" in second
    missing = client.get(f"/recommendations/10/matches?survey={large.slug}&page=999")
    assert missing.status_code == 404 and "There is no page 999" in missing.text
    # The way back is the listing's first page, as it was asked for (helper-82).
    first = f'<a href="/recommendations/10/matches?survey={large.slug}">The first page</a>'
    assert first in missing.text
    assert client.get("/recommendations/10/matches?page=x").status_code == 400


def test_the_bundled_survey_s_best_few_fit_on_one_page(client, survey):
    page = client.get("/recommendations/10/matches").get_data(as_text=True)
    assert "Next page" not in page and "Page 1 of" not in page
    assert rows_on(page) == len(survey_scorer(survey).matches([10], limit=3))
    # Every match comes a page at a time, each of them once.
    every = every_match_page(client, "/recommendations/10/matches?show=all")
    assert sum(map(rows_on, every)) == len(survey_scorer(survey).matches([10]))
    assert len(every) == -(-len(survey_scorer(survey).matches([10])) // PAGE_ROWS) > 1


def every_match_page(client, url: str) -> list[str]:
    """The matches page at `url` and each one after it, following "Next page"."""
    pages = []
    while url:
        pages.append(client.get(url).get_data(as_text=True))
        found = re.search(r'<a href="([^"]+)" rel="next">Next page</a>', pages[-1])
        url = html.unescape(found[1]) if found else None
    return pages


def test_a_mark_made_on_a_later_page_returns_to_it(colead_client, large):
    url = f"/recommendations/10/matches?survey={large.slug}&show=all&page=2"
    page = colead_client.get(url).get_data(as_text=True)
    link = re.search(r'<a href="(/recommendations/10/matches/marks[^"]+)">Mark this pair', page)[1]
    opened = colead_client.get(html.unescape(link)).get_data(as_text=True)
    action = html.unescape(
        re.search(r'action="(/recommendations/10/matches/marks[^"]+)"', opened)[1]
    )
    assert "page=2" in action
    audience, presenter = re.search(r"audience=(\w\w)&presenter=(\w\w)", action).groups()
    response = colead_client.post(
        action,
        data={
            "csrf_token": csrf_token(colead_client, url),
            "audience": audience,
            "presenter": presenter,
            "verdict": "useful",
        },
    )
    assert response.status_code == 302 and "page=2" in response.headers["Location"]


def spain(client) -> list[dict]:
    url = "/api/v1/matches?recommendation=10&survey=CWS/13/26&limit=all&per_page=500"
    return [r for r in client.get(url).get_json()["matches"] if r["audience"] == "ES"]


def test_the_scorer_is_cached_while_nothing_changes(survey):
    scorers.entries.clear()
    first = survey_scorer(survey)
    assert survey_scorer(survey) is first
    assert survey_scorer(survey, include_plans=True) is not first


def test_the_cache_follows_a_mark(client, colead_client, survey):
    before = spain(client)
    last = before[-1]["presenter"]
    token = csrf_token(colead_client, "/recommendations/10/matches")
    colead_client.post(
        "/recommendations/10/matches/marks",
        data={"csrf_token": token, "audience": "ES", "presenter": last, "verdict": "must_present"},
    )
    marked = spain(client)
    assert marked[0]["presenter"] == last
    assert marked[0]["reasons"]["mark"]["verdict"] == "must_present"
    seen = "must_present|"  # the mark the page showed, as its form sends it back
    colead_client.post(
        "/recommendations/10/matches/marks",
        data={
            "csrf_token": token,
            "audience": "ES",
            "presenter": last,
            "verdict": "",
            "seen": seen,
        },
    )
    assert spain(client) == before


def test_the_cache_follows_a_change_made_by_another_instance(client, survey):
    """Another instance of the app changes the database behind this one's back: no message
    reaches this process, yet its next answer follows the database."""
    set_mark("ES", "AU", 10, "not_useful", "", "c@example.org")
    db.session.commit()
    assert "AU" not in {r["presenter"] for r in spain(client)}
    db.session.execute(text("UPDATE match_marks SET verdict = 'must_present'"))
    db.session.commit()
    assert spain(client)[0]["presenter"] == "AU"
    db.session.execute(text("DELETE FROM match_marks"))
    db.session.commit()
    assert spain(client)[0]["reasons"]["mark"] is None


def test_the_cache_follows_the_weights(client, survey):
    before = spain(client)
    # Weights that count only how close the two offices are in size.
    only_size = Weights(**{name: (1.0 if name == "size" else 0.0) for name in FEATURES})
    adopt_weights(only_size, {"note": "test"}, "c@example.org")
    db.session.commit()
    after = spain(client)
    assert {(r["presenter"], r["score"]) for r in after} != {
        (r["presenter"], r["score"]) for r in before
    }
    assert all(
        r["score"]
        == pytest.approx(r["reasons"]["features"]["size"] * r["reasons"]["relevance_factor"], 1e-3)
        for r in after
    )


def test_the_cache_follows_a_reimport(client, survey):
    scorer = survey_scorer(survey)
    db.session.delete(survey)
    db.session.flush()
    again = load_bundled_survey().survey
    db.session.commit()
    assert survey_scorer(again) is not scorer


def test_each_audience_shows_its_best_few_and_links_to_the_rest(client, colead_client, survey):
    """Each audience's best three; the rest of its list is on its own page, not folded below
    them (helper-251: two more presenters folded under each office made the page at 200 offices
    heavier by two fifths, and its own page lists them all)."""
    page = client.get("/recommendations/10/matches").get_data(as_text=True)
    audience = page[
        page.index('id="audience-AU"') : page.index("</section>", page.index('id="audience-AU"'))
    ]
    assert audience.count('<td class="num" data-label="Rank">') == 3
    assert '<details class="more-matches">' not in audience
    assert re.search(r"All \d+ presenters for AU, with the \d+ ranked lower</a>", audience)
    # With every match asked for, the rest fold under the best few, as before.
    every = client.get("/recommendations/10/matches?office=AU&role=audience&show=all").text
    assert "presenters for AU</summary>" in every and '<details class="more-matches">' in every
    # Co-leads go from here to a line-up on this recommendation.
    colead = colead_client.get("/recommendations/10/matches").get_data(as_text=True)
    assert "Propose a line-up from these" in colead and "Propose a line-up" not in page
    form = colead_client.get("/lineups/new?focus=9").get_data(as_text=True)
    assert '<option selected value="9">' in form or 'value="9" selected' in form


def test_filters_by_office_and_by_what_the_presenter_has_to_show(client, survey):
    every = client.get("/api/v1/matches?recommendation=10&limit=all&per_page=500").get_json()
    page = client.get("/recommendations/10/matches?office=IL&show=all").get_data(as_text=True)
    expected = {
        (m["audience"], m["presenter"])
        for m in every["matches"]
        if "IL" in (m["audience"], m["presenter"])
    }
    shown = set(re.findall(r'id="audience-([A-Z]{2})"', page))
    assert shown == {a for a, _ in expected}
    assert "Clear the filters" in page
    working = client.get("/recommendations/10/matches?maturity=working&show=all")
    assert working.status_code == 200
    audiences = working.get_data(as_text=True).split('id="presenters"')[0]
    assert "evidence-working" in audiences and "evidence-under-way" not in audiences
    unfiltered = client.get("/recommendations/10/matches?show=all").get_data(as_text=True)
    assert "evidence-under-way" in unfiltered.split('id="presenters"')[0]
    assert client.get("/recommendations/10/matches?office=A1").status_code == 400
    assert client.get("/recommendations/10/matches?maturity=need").status_code == 400


@pytest.mark.parametrize(
    ("query", "says"),
    [
        (
            "office=ZZ",
            "No match with ZZ as audience or presenter (no office known here has the ST.3 code "
            "ZZ).",
        ),
        ("office=WO", "No match with WO as audience or presenter (WO did not answer this survey)."),
        ("office=IL&maturity=plan", "No match with IL as audience or presenter with a presenter"),
    ],
)
def test_a_filter_that_leaves_nothing_says_so_and_can_be_cleared(client, survey, query, says):
    page = client.get(f"/recommendations/10/matches?{query}")
    assert page.status_code == 200
    shown = html.unescape(page.get_data(as_text=True))
    assert says in shown
    assert "No office both wants this recommendation discussed" not in shown
    assert "Clear the filters" in shown and 'id="filter-office"' in shown  # the form stays


def test_the_needs_and_plans_follow_the_office_filter(client, survey):
    every = client.get("/recommendations/10/matches").get_data(as_text=True)
    assert 'id="set-aside"' in every and ">PY · " in every.split('id="set-aside"')[1]
    only_il = client.get("/recommendations/10/matches?office=IL").get_data(as_text=True)
    assert 'id="set-aside"' not in only_il


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("office=A1", "office is an ST.3 code of two letters, such as AU."),
        ("office=ß", "office is an ST.3 code of two letters, such as AU."),
        ("maturity=need", "maturity is one of: working, under way, plan."),
    ],
)
def test_page_and_api_refuse_a_bad_filter_alike(client, survey, query, message):
    page = client.get(f"/recommendations/10/matches?{query}")
    api = client.get(f"/api/v1/matches?recommendation=10&{query}")
    assert page.status_code == api.status_code == 400
    assert message in html.unescape(page.get_data(as_text=True))
    assert api.get_json()["message"] == message


def test_the_api_filters_as_the_page_does(client, survey):
    every = client.get("/api/v1/matches?recommendation=10&limit=all&per_page=500").get_json()
    only = client.get("/api/v1/matches?recommendation=10&limit=all&per_page=500&office=il")
    expected = [m for m in every["matches"] if "IL" in (m["audience"], m["presenter"])]
    assert only.get_json()["matches"] == expected
    working = client.get("/api/v1/matches?recommendation=10&maturity=working").get_json()
    assert working["matches"] and {m["evidence"] for m in working["matches"]} == {"working"}


def test_the_office_filter_reads_a_code_as_typed_or_pasted(client, colead_client, survey):
    """A code pasted with a space or a zero-width space along (' au' + U+200B) is AU, on the page
    and in the API, as the offices' pages, the survey API and the volunteer form read it: it was
    refused as 'office is an ST.3 code of two letters'. So is a pair's mark page's pair."""
    pasted = "office=%20au%E2%80%8B"
    page = client.get(f"/recommendations/10/matches?{pasted}")
    assert page.status_code == 200
    assert page.text == client.get("/recommendations/10/matches?office=AU").text
    api = client.get(f"/api/v1/matches?recommendation=10&{pasted}")
    assert api.status_code == 200
    assert api.get_json() == client.get("/api/v1/matches?recommendation=10&office=AU").get_json()
    marks = "/recommendations/10/matches/marks?audience=%20es%E2%80%8B&presenter=au%E2%80%8B"
    opened = colead_client.get(marks)
    assert opened.status_code == 200 and "<h1>Mark AU for ES on Rec 10</h1>" in opened.text
    # What is no code is refused still, a Turkish dotless "ıe" too (not read as IE).
    assert client.get("/recommendations/10/matches?office=%C4%B1e").status_code == 400
    spoofed = "/recommendations/10/matches/marks?audience=%C4%B1e&presenter=AU"
    assert colead_client.get(spoofed).status_code == 400


def test_a_long_unknown_survey_name_is_not_repeated_whole(client, survey):
    answer = client.get("/api/v1/matches?survey=" + "x" * 5000)
    assert answer.status_code == 404
    assert len(answer.get_json()["message"]) < 200


def test_pages_of_a_survey_without_words_to_compare(cli, client, colead_client, survey, tmp_path):
    """A survey whose answers are one letter each (or none): its matches and line-ups answer,
    they do not fail (scikit-learn fits no TF-IDF on an empty vocabulary)."""
    path = tmp_path / "tiny.csv"
    path.write_text(
        "survey,office,office_name,time_zone,question,recommendation,text,lines,basis\n"
        "Tiny,AU,,,focus,1,x,,\n"
        "Tiny,BR,,,discuss,1,y,,\n",
        encoding="utf-8",
    )
    result = cli.invoke(args=["survey", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert client.get("/recommendations/1/matches?survey=Tiny").status_code == 200
    api = client.get("/api/v1/matches?recommendation=1&survey=Tiny")
    assert api.status_code == 200 and [m["presenter"] for m in api.get_json()["matches"]] == ["AU"]
    form = {
        "focus": "1",
        "slots": "1",
        "one_per_office": "y",
        "min_small": "0",
        "maturity_weight": "0.5",
        "csrf_token": csrf_token(colead_client, "/lineups/new?survey=Tiny"),
    }
    sent = colead_client.post("/lineups/new?survey=Tiny", data=form, follow_redirects=True)
    assert sent.status_code in (200, 422)


@pytest.mark.parametrize("query", ["office=IL", "maturity=working", "office=IL&show=all"])
def test_a_filtered_page_has_no_false_paging_notes(client, survey, query):
    """The filter keeps each row's rank in the whole list: gaps in the ranks are the filter's,
    so no row says it continues on a page that does not exist."""
    page = html.unescape(client.get(f"/recommendations/10/matches?{query}").get_data(as_text=True))
    assert 'href="None"' not in page
    assert "Continued from the previous page" not in page
    assert "Continued on the" not in page
    # "Show every match" (or "the top 3 only") keeps the filter.
    every = re.search(r'<a href="([^"]+)">Show (every match|the top 3 only)</a>', page)
    assert every is not None
    for part in query.split("&"):
        if not part.startswith("show="):
            assert part in every[1]


def test_all_of_an_audience_s_presenters_are_its_own_page(client, large):
    """helper-242: "All 97 presenters for AU" opened every match AU is in, as audience and as
    presenter: at 200 offices 300 to 800 kB over two pages, AU's own list among a hundred
    others. It opens AU's list alone, whole."""
    page = client.get(f"/recommendations/10/matches?survey={large.slug}").get_data(as_text=True)
    links = re.findall(r'<a href="([^"]+)#audience-(\w\w)">All (\d+) presenters for \2,', page)
    assert len(links) > 5
    for href, audience, count in links[:5]:
        listed = every_match_page(client, html.unescape(href))
        sections = {
            found
            for page in listed
            for found in re.findall(
                r'<section class="match-group" aria-labelledby="audience-(\w+)"', page
            )
        }
        assert sections == {audience}
        assert sum(map(rows_on, listed)) == int(count)
        assert len(listed) == -(-int(count) // PAGE_ROWS)


def test_a_page_of_matches_stays_light_however_large_the_survey(client, colead_client, large):
    """helper-251: at 200 offices the page a co-lead opens first was 1 MB (98 phone screens over
    a hotel's 3G): each row quoted its presenter's whole project again (a presenter is among the
    best of dozens of audiences) and held a form of its own, a kilobyte with its CSRF token, and
    each audience folded two presenters more below its best three. Each project is quoted once,
    in its presenter's section the rows link to; a pair is marked on a page of its own; the rest
    of a list is on the audience's own page; a page holds 60 matches."""
    url = f"/recommendations/10/matches?survey={large.slug}"
    for who in (client, colead_client):
        page = who.get(url).get_data(as_text=True)
        rows = rows_on(page)
        assert rows == PAGE_ROWS
        assert len(page.encode()) / rows < 3_500, len(page.encode()) / rows
        tables = re.findall(r'<table class="data matches cards">.*?</table>', page, re.S)
        assert len(tables) == page.count('<section class="match-group" aria-labelledby="aud')
        assert not any("answer-text" in table for table in tables)
        for link in set(re.findall(r'class="project-link" href="#(presenter-\w\w)"', page)):
            assert f'<h3 id="{link}">' in page
    # The co-lead's one form is signing out; each row links to its pair's mark instead.
    assert re.findall(r'<form method="post" action="([^"]+)"', page) == ["/logout"]
    assert page.count(">Mark this pair<") == rows


def test_an_audience_s_own_list_gives_each_presenter_s_project_and_nothing_again(
    colead_client, large
):
    """helper-251: on one audience's own list ("All 79 presenters for AU"), each presenter's
    section below repeated a table of one row, the audience itself with the rank and score its
    row had just given and the opening of its wish again: half the page. Each section holds the
    presenter's project, which the rows link to, and nothing else."""
    url = f"/recommendations/10/matches?survey={large.slug}&office=AU&role=audience&show=all"
    page = colead_client.get(url).get_data(as_text=True)
    rows = rows_on(page)
    assert 10 < rows <= PAGE_ROWS
    presenters = page[page.index('<h2 id="presenters">') :]
    assert "The presenters' projects</h2>" in presenters
    sections = re.findall(r'<section class="match-group".*?</section>', presenters, re.S)
    assert len(sections) == rows
    for section in sections:
        assert "<table" not in section and section.count('<blockquote class="answer-text">') == 1
    assert len(page.encode()) / rows < 2_800, len(page.encode()) / rows
    assert f">Their projects ({rows})</a>" in page or f">Their projects ({rows} on this" in page


def test_an_audience_s_own_list_says_where_it_goes_on(client, large, monkeypatch):
    """Its ranks are whole, a page at a time (its rows are not a filter's, with gaps), and each
    page says where the list goes on."""
    monkeypatch.setattr("planner.matching.views.PER_PAGE", 20)
    url = f"/recommendations/10/matches?survey={large.slug}&office=AU&role=audience&show=all"
    listed = [html.unescape(page) for page in every_match_page(client, url)]
    assert len(listed) > 1
    for number, (before, after) in enumerate(pairwise(listed), 1):
        assert f"Continued on the next page: presenters {20 * number + 1}–" in re.sub(
            r"<[^>]+>", "", before
        )
        assert f"Continued from the previous page: presenters {20 * number + 1}–" in after


def test_the_api_says_no_office_has_a_code_as_the_page_does(client, survey):
    """helper-260: ?office=ZZ, a code no office has, answered an empty list (200), as if ZZ had
    no match; the page says no office known here has that code. An office that did not answer
    the survey is still filtered on (WO: no match, 200)."""
    unknown = client.get("/api/v1/matches?recommendation=10&office=zz")
    assert unknown.status_code == 404
    assert unknown.get_json()["message"] == "No office known here has the ST.3 code ZZ."
    absent = client.get("/api/v1/matches?recommendation=10&office=WO")
    assert absent.status_code == 200 and absent.get_json()["matches"] == []


def test_every_match_page_says_a_presenter_s_one_audience_in_a_line(client, colead_client, large):
    """helper-257: the pages of every match (show=all) list an audience or two at a time, 60
    presenters, each with a section for its project and a table of the page's audiences it ranks
    for: one row each, the rank and score its row above had given, and the opening of the same
    wish again, 30 kB of a page's 230 kB to a co-lead at 200 offices. One audience is said in a
    line; a presenter's project is quoted once, as before."""
    url = f"/recommendations/10/matches?survey={large.slug}&show=all"
    for who in (client, colead_client):
        page = who.get(url).get_data(as_text=True)
        presenters = page[page.index('<h2 id="presenters">') :]
        sections = re.findall(
            r'<section class="match-group" aria-labelledby="presenter-(\w+)">(.*?)</section>',
            presenters,
            re.S,
        )
        assert len(sections) > 20
        for code, section in sections:
            assert section.count('<blockquote class="answer-text">') == 1
            # The audience's name says unseen where it leads (helper-294).
            unseen = '<span class="visually-hidden">, what it asked for</span>'
            one = re.search(
                rf'<p>For <a href="#audience-\w\w">[^<]+{unseen}</a>: ranked \d+ of', section
            )
            assert one or section.count('data-label="Rank there"') > 1, (code, section[-300:])
        # 2.8 kB a match before, at 80 offices; 2.6 kB now.
        assert len(page.encode()) / rows_on(page) < 2_700, len(page.encode()) / rows_on(page)
