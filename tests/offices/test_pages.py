"""Office pages: what an office could present and wants, its local time, and editing it."""

import html
import json
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from planner.extensions import db
from planner.offices.models import Office
from planner.survey.operations import import_file
from planner.timezones import local_time, utc_offset
from tests.support import csrf_token, form_in, held_workshop, import_second_round, since_rows


def test_office_page_shows_what_it_could_present_and_wants(client, survey):
    page = client.get("/offices/ES").get_data(as_text=True)
    assert "Spanish Patent and Trademark Office (OEPM)" in page
    assert "Current focus" in page and "Wants discussed" in page
    assert "specific projects to detect, analyze and implement possible use cases" in page
    assert "Rec.10, with special focus on governance" in page
    assert "Europe/Madrid" in page
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d\+0[12]:00">', page)
    assert re.search(r"\(UTC\+[12]\)", page)  # Madrid: CET or CEST


def test_an_answer_that_asks_for_help_is_not_listed_as_a_presentation(client, survey):
    """PY's Rec 9 and Rec 10 answers to question 4 ask for help ("we need the guidance, support
    and cooperation of IP offices that have already implemented these new technologies", lines
    802–808): its page listed them under "Could present" as if they were projects to show. Each
    Q4 answer now reads as the matches and the recommendation's page read it."""
    page = client.get("/offices/PY").get_data(as_text=True)
    assert "Could present" not in page
    focus = page[page.index('id="focus-heading"') : page.index('id="discuss-heading"')]
    items = re.findall(r'<li id="answer-\d+">(.*?)</li>', focus, re.S)
    heads = {
        int(re.search(r">Rec (\d+):", item)[1]): re.sub(r"\s+", " ", html.unescape(item))
        for item in items
    }
    assert "need" in heads[10] and "asks for help, counted as demand: “we need”" in heads[10]
    assert "asks for help, counted as demand" in heads[9]
    assert "a plan, presents only when plans are considered" in heads[1]  # "drafting them"
    assert "evidence-under-way" in heads[5] and "counted as demand" not in heads[5]


def test_a_focus_the_matches_do_not_read_is_not_tagged(client, app_context):
    """An answer to question 4 that names no recommendation ("we have implemented all of them")
    is neither a project nor a need to the matches (matching.sources), but the office's page
    tagged it "working", as if it could present; the one naming a recommendation is read."""
    payload = {
        "survey": {"label": "Pilot"},
        "offices": [{"code": "AU", "name": "IP Australia", "time_zone": "Australia/Sydney"}],
        "answers": [
            {"office": "AU", "question": "focus", "text": "We have implemented all of them"},
            {"office": "AU", "question": "focus", "recommendation": 10, "text": "AI search, live"},
        ],
    }
    import_file(json.dumps(payload).encode(), "pilot.json")
    db.session.commit()
    page = client.get("/offices/AU?survey=Pilot").get_data(as_text=True)
    [named, unnamed] = sorted(
        re.findall(r'<li id="answer-\d+">(.*?)</li>', page, re.S),
        key=lambda item: "No recommendation named" in item,
    )
    assert "No recommendation named" in unnamed and "evidence-" not in unnamed, unnamed
    assert "evidence-" in named


def test_local_time_is_the_office_zone():
    winter = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    assert local_time("Australia/Sydney", winter).hour == 23
    assert utc_offset(local_time("Australia/Sydney", winter)) == "UTC+11"
    assert utc_offset(local_time("America/Lima", winter)) == "UTC−5"
    assert utc_offset(local_time("Asia/Kolkata", winter)) == "UTC+5:30"


def test_lower_case_code_redirects(client, survey):
    response = client.get("/offices/es")
    assert response.status_code == 302
    pasted = client.get("/offices/%20es%E2%80%8B")  # a space before, a zero-width space after
    assert pasted.status_code == 302 and pasted.headers["Location"] == "/offices/ES"
    # A Turkish dotless "ıe" is no code, not Ireland's (as str.upper read it).
    spoofed = client.get("/offices/%C4%B1e")
    assert spoofed.status_code == 404 and "Ireland" not in spoofed.text
    assert response.headers["Location"].endswith("/offices/ES")
    kept = client.get("/offices/es?survey=CWS-13-26&next=https://evil.example")
    assert kept.headers["Location"].endswith("/offices/ES?survey=CWS-13-26")


def test_unknown_office_is_a_404_page(client, survey):
    response = client.get("/offices/ZZ")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "No office with the ST.3 code ZZ is known." in page
    assert "Traceback" not in page


def test_office_that_did_not_answer(client, survey):
    page = client.get("/offices/WO").get_data(as_text=True)
    assert "did not answer CWS/13/26" in page


def test_office_named_among_respondents_with_no_written_answer_says_so(client, survey):
    """helper-150: CN's page ended with "Answers from survey CWS/13/26" and nothing after."""
    page = html.unescape(client.get("/offices/CN").get_data(as_text=True))
    assert (
        "is named among the offices that answered CWS/13/26, but the survey holds no written "
        "answer of theirs."
    ) in page
    assert "did not answer" not in page
    es = html.unescape(client.get("/offices/ES").get_data(as_text=True))
    assert "no written answer" not in es


def listed(page: str) -> list[str]:
    return re.findall(r'<a href="/offices/([A-Z]{2})">', page)


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("euro", ["EM", "EP"]),
        ("canberra", ["AU"]),
        ("_", []),  # a character, not a wildcard
        ("%", []),
        ("CANBERRA", ["AU"]),
    ],
)
def test_office_search(client, survey, query, codes):
    page = client.get("/offices", query_string={"q": query}).get_data(as_text=True)
    assert listed(page) == codes
    if codes:
        assert f"<caption>{len(codes)} office{'' if len(codes) == 1 else 's'} matching" in page
    else:
        assert f"No office matches “{query}”" in page


def test_office_search_on_the_overview_is_the_same_rule(client, survey):
    page = client.get("/?office=pe").get_data(as_text=True)
    assert "/offices/PE" in page and "/offices/EP" in page  # Peru; "European Patent"


def test_an_office_search_in_a_link_does_not_turn_the_page_s_words_around(client, survey):
    """helper-243: /offices?q= and the overview's ?office= were quoted back whole, right-to-left
    override (U+202E) too: a link's search turned the rest of "No office matches …. Search by
    ST.3 code (AU), …" around, to read as whatever its author reversed into it; a pasted page
    came back whole in the sentence. The override is dropped (it is in no office's name: with
    it, "AU" is still Australia) and the search quoted cut short; the field keeps it."""
    for url, name in (("/offices", "q"), ("/", "office")):
        spoof = client.get(url, query_string={name: "\u202e.ecnerefnoc eht ni tsap si gniteem"})
        page = spoof.get_data(as_text=True)
        assert spoof.status_code == 200 and "\u202e" not in page
        assert "No office matches “.ecnerefnoc eht ni tsap si gniteem”" in page
        found = client.get(url, query_string={name: "\u202eAU"}).get_data(as_text=True)
        assert "/offices/AU" in found and "\u202e" not in found
        pasted = "y" * 5000
        long = client.get(url, query_string={name: pasted}).get_data(as_text=True)
        assert f'value="{pasted}"' in long and f"No office matches “{'y' * 40}…”" in long


def test_office_list_counts_what_each_office_named(client, survey):
    page = client.get("/offices").get_data(as_text=True)
    row = re.search(r'<a href="/offices/ES">.*?</tr>', page, re.S)[0]
    assert re.findall(r'<td class="num" data-label="[^"]+">(\d*)</td>', row) == ["6", "1", "2"]

    def counts(code: str) -> list[str]:
        row = re.search(rf'<a href="/offices/{code}">.*?</tr>', page, re.S)[0]
        return re.findall(r'<td class="num" data-label="[^"]+">(\d*)</td>', row)

    # A respondent that named none says 0; an office that did not answer says nothing.
    zeros = [code for code in ("CN", "DE") if counts(code) == ["0", "0", "0"]]
    assert zeros, "a respondent with no counts shows blanks"
    assert counts("WO") == ["", "", ""]  # the International Bureau did not answer


def test_editing_refuses_an_abbreviated_time_zone(colead_client, app_context):
    client = colead_client
    url = "/offices/AU/edit"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "name": "IP Australia",
            "city": "Canberra",
            "time_zone": "AEST",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "&#34;AEST&#34; is not a time zone name" in page or '"AEST" is not a time zone' in page
    assert 'value="AEST"' in page and 'value="Canberra"' in page


def test_saving_an_office_whose_stored_zone_this_server_does_not_know_says_so(
    colead_client, app_context
):
    """An office's zone kept from a newer machine's time zone database (a copy of its database)
    comes back into the edit form as it is stored. Saving the form as it came, to change the
    city, was refused as if the co-lead had typed a zone nobody knows ("“America/Nowhere” is not
    a time zone name, nor a city or country we know"). It says, as the office's page does, that
    this server's time zone database does not know the stored zone, and to choose one."""
    db.session.execute(
        update(Office).where(Office.code == "AU").values(time_zone="America/Nowhere")
    )
    db.session.commit()
    url = "/offices/AU/edit"
    sent = form_in(colead_client.get(url).get_data(as_text=True))
    refused = colead_client.post(url, data={**sent, "city": "Sydney"})
    assert refused.status_code == 400
    page = html.unescape(refused.get_data(as_text=True))
    assert (
        '"America/Nowhere" is not known to this server\'s time zone database: kept from a newer '
        "one, or dropped since. Choose the zone again" in page
    )
    assert "is not a time zone name" not in page
    assert 'value="Sydney"' in page  # what was typed is kept
    typed = colead_client.post(url, data={**sent, "time_zone": "America/Elsewhere"})
    # Another name typed that nobody knows is said to be that, as ever.
    said = html.unescape(typed.get_data(as_text=True))
    assert '"America/Elsewhere" is not a time zone name' in said


def test_a_private_link_in_a_public_text_is_refused_and_kept(app, colead_client, app_context):
    """An office's name and city, a recommendation's wording and a meeting series' title are
    on public pages: an office feed's signed link (which a co-lead copies from the office's
    page) pasted into one is refused, with what was typed kept."""
    from planner.calendar.operations import office_feed_token

    feed = office_feed_token(db.session.get(Office, "AU"), app.config["SECRET_KEY"])
    link = f"http://localhost/feeds/offices/AU.ics?token={feed}"
    for url, data, field in (
        ("/offices/AU/edit", {"name": "IP Australia", "city": link}, "The city"),
        ("/offices/AU/edit", {"name": f"IP Australia {feed}", "city": ""}, "The name"),
        ("/recommendations/3/edit", {"short_title": "Data", "text": f"See {link}"}, "The text"),
        ("/meetings/new", {"title": "Workshop", "new_series": f"Feeds {feed}"}, "The series"),
    ):
        form = {"csrf_token": csrf_token(colead_client, url), "time_zone": "Europe/Zurich"}
        refused = colead_client.post(url, data={**form, **data})
        assert refused.status_code == 400, url
        page = html.unescape(refused.get_data(as_text=True))
        assert f"{field} holds the secret of a private link of this planner" in page
        assert all(value in page for value in data.values())
    db.session.expire_all()
    assert db.session.get(Office, "AU").name == "IP Australia"
    assert feed not in colead_client.get("/recommendations/3").get_data(as_text=True)


def test_editing_saves(colead_client, app_context):
    client = colead_client
    url = "/offices/AU/edit"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "name": "IP Australia",
            "city": "Canberra",
            # Not "Australia/Canberra": an old id is kept as the one it goes by, Sydney's,
            # which the office had (helper-230).
            "time_zone": "Australia/Melbourne",
            "size": "small",
            "region": "Group B",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    office = db.session.get(Office, "AU")
    assert (office.time_zone, office.size, office.region) == (
        "Australia/Melbourne",
        "small",
        "Group B",
    )
    # The size changed and says who changed it; the group stayed as seeded, with its source.
    assert office.size_source == "edited by colead@example.org"
    assert office.region_source == "the WIPO regional group of the member state"
    page = client.get("/offices/AU").get_data(as_text=True)
    assert "edited by colead@example.org" in page and "WIPO group" in page


def test_who_edited_an_office_is_for_co_leads(colead_client, client, app_context):
    """Anyone read "Last edited … by colead@example.org" and "(edited by colead@…)" on the
    office's page (helper-56): a co-lead's address is a contact like any other."""
    url = "/offices/AU/edit"
    data = {"name": "IP Australia", "city": "Canberra", "time_zone": "Australia/Sydney"}
    data |= {"size": "small", "region": "Group B"}
    response = colead_client.post(url, data={"csrf_token": csrf_token(colead_client, url), **data})
    assert response.status_code == 302
    assert "colead@example.org" in colead_client.get("/offices/AU").get_data(as_text=True)
    page = client.get("/offices/AU").get_data(as_text=True)
    assert "Last edited" in page and "(edited by a co-lead)" in page
    assert "@example.org" not in page


def test_editing_refuses_an_unknown_region(colead_client, app_context):
    client = colead_client
    url = "/offices/AU/edit"
    response = client.post(
        url,
        data={"csrf_token": csrf_token(client, url), "name": "IP Australia", "region": "Oceania"},
    )
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_an_office_page_says_when_the_office_presents(api, client, survey):
    """helper-90: an office's page offered only a calendar feed, and nothing said that it
    presents at the published workshop. It lists its slots on published agendas that have not
    ended, in its own zone and the meeting's; not a draft's, nor a cancelled slot."""
    from tests.support import ahead, publish_as_planned

    def meeting(title: str, starts: str, talks: list[dict]) -> int:
        made = api.post(
            "/api/v1/meetings",
            json={"title": title, "starts_at": starts, "duration_minutes": 90}
            | {"time_zone": "Europe/Zurich"},
        ).get_json()["id"]
        for talk in talks:
            assert api.post(f"/api/v1/meetings/{made}/slots", json=talk).status_code == 201
        return made

    day = ahead("2027-03-09")  # a Tuesday in March: Sydney on summer time, Zurich not
    talk = {"office": "AU", "recommendations": [10], "duration_minutes": 20}
    published = meeting(
        "Rec 10 workshop",
        f"{day}T13:00:00+01:00",
        [{**talk, "title": "Risk-based AI governance"}, {**talk, "title": "Withdrawn talk"}],
    )
    assert publish_as_planned(api, published).status_code == 200
    withdrawn = api.get(f"/api/v1/meetings/{published}").get_json()["slots"][1]
    assert (
        api.patch(f"/api/v1/slots/{withdrawn['id']}", json={"status": "cancelled"}).status_code
        == 200
    )
    meeting("A draft", f"{day}T15:00:00+01:00", [{**talk, "title": "Not yet public"}])
    page = html.unescape(client.get("/offices/AU").get_data(as_text=True))
    section = page[page.index('id="upcoming"') :]
    section = section[: section.index("</section>")]
    assert "AU presents" in section and "Risk-based AI governance" in section
    assert f'href="/meetings/{published}"' in section and "to be confirmed" in section
    assert "at 23:00 in Sydney (UTC+11)" in section and "at 13:00 in Geneva (UTC+1)" in section
    assert "Withdrawn talk" not in section and "Not yet public" not in page
    assert 'id="upcoming"' not in client.get("/offices/PE").get_data(as_text=True)


def test_an_office_page_says_what_it_presented_at_meetings_that_took_place(api, client, survey):
    """helper-204: once the Rec 10 workshop was over, AU's page no longer said it had presented
    there (only slots still to come were listed), so the co-leads planning the next workshop
    could not see who had had a turn. Talks given are listed, latest meeting first, each linked
    to the archive; one declined or cancelled was not given, and a draft's is nobody's."""
    talk = {"office": "AU", "recommendations": [10], "duration_minutes": 20}
    first = held_workshop(api, [{**talk, "title": "AI at IP Australia"}])
    second = held_workshop(
        api,
        [{**talk, "title": "Risk-based AI governance"}, {**talk, "title": "Declined talk"}],
        title="Workshop on Recommendation 4",
        starts_at="2026-06-16T13:00:00+02:00",
    )
    declined = api.get(f"/api/v1/meetings/{second}").get_json()["slots"][1]
    assert (
        api.patch(f"/api/v1/slots/{declined['id']}", json={"status": "cancelled"}).status_code
        == 200
    )
    page = html.unescape(client.get("/offices/AU").get_data(as_text=True))
    section = page[page.index('<h2 id="presented-heading"') :]
    section = section[: section.index("</section>")]
    # Each talk reads as one sentence, as a screen reader says it (helper-211: "· Rec 10 16 June
    # 2026" ran the recommendation into the date).
    said = [
        " ".join(re.sub(r"<[^>]+>", "", talk).split())
        for talk in re.findall(r"<li>(.*?)</li>", section, re.S)
    ]
    assert said == [
        "Risk-based AI governance (Rec 10), at Workshop on Recommendation 4, 16 June 2026",
        "AI at IP Australia (Rec 10), at Workshop on Recommendation 10, 20 January 2026",
    ]
    assert '<time datetime="2026-06-16">16 June 2026</time>' in section
    assert f'href="/meetings/{first}/archive#slot-' in page
    assert 'id="upcoming"' not in page  # nothing to come
    assert 'id="presented"' not in client.get("/offices/PE").get_data(as_text=True)


def test_an_office_page_counts_the_recommendations_named_as_the_list_does(client, survey):
    """DE's answer to Q8 (lines 1268-1274, labelled GE) declines: "no need for further ...
    discussing". The list and the summary count it as none wanted; its page said "Wants
    discussed 1" above it."""
    page = client.get("/offices/DE").get_data(as_text=True)
    section = page.split('id="discuss-heading"')[1].split("</section>")[0]
    assert '<span class="count">0</span>' in section
    assert "we see no need for further updating or discussing" in section  # shown all the same
    listed = client.get("/offices").get_data(as_text=True)
    row = re.search(r'<a href="/offices/DE">.*?</tr>', listed, re.S)[0]
    assert re.findall(r'<td class="num" data-label="Discuss \(Q8\)">(\d*)</td>', row) == ["0"]
    # Comments and proposals are counted as answers, naming a recommendation or not.
    page = client.get("/offices/BR").get_data(as_text=True)
    section = page.split('id="proposal-heading"')[1].split("</section>")[0]
    assert '<span class="count">1</span>' in section  # the SDLC policy, line 1199


def test_an_office_page_says_what_changed_since_the_round_before(client, survey):
    """helper-208: with the 2026 round imported, AU's page showed its new answers alone: what
    it no longer focuses on or wants discussed was on another page (?survey=CWS-13-26, which
    nothing linked to), to compare by eye."""
    import_second_round()
    page = client.get("/offices/AU").get_data(as_text=True)
    assert "Since CWS/13/26" in page
    assert since_rows(page) == {
        "Current focus (Q4)": ["none", "Rec\xa05", "Rec\xa01, Rec\xa04, Rec\xa010"],
        "Wanted for discussion (Q8)": ["Rec\xa06", "Rec\xa010", "none"],
        "Big challenge (Q6)": ["none", "Rec\xa07, Rec\xa08, Rec\xa010", "none"],
        "Low priority (Q5)": ["none", "Rec\xa02, Rec\xa03", "none"],
    }
    # What it no longer names leads to where it did; what it names now, to this round's page.
    assert 'href="/recommendations/5?survey=CWS-13-26"' in page
    assert 'href="/recommendations/6?survey=CWS-14-2026"' in page
    # The first round has none before it.
    assert 'id="since-heading"' not in client.get("/offices/AU?survey=CWS-13-26").get_data(
        as_text=True
    )
    new = client.get("/offices/ZA").get_data(as_text=True)
    assert "ZA did not answer CWS/13/26: every answer here is its first." in new
    assert "since-table" not in new


def test_an_office_that_did_not_answer_the_latest_round_links_the_ones_it_did(client, survey):
    import_second_round()
    page = client.get("/offices/ES").get_data(as_text=True)
    assert "did not answer CWS/14/2026. Its answers to" in page
    assert '<a href="/offices/ES?survey=CWS-13-26">CWS/13/26</a> (2 May – 7 July 2025)' in page
    assert "since-table" not in page


def _add_office(client, **fields):
    url = "/offices/new"
    form = {"csrf_token": csrf_token(client, url), "city": "", "size": "", "region": ""}
    return client.post(url, data={**form, **fields})


def test_a_co_lead_adds_an_office_that_answered_no_survey(colead_client, client, survey):
    """The Intellectual Property Office of Singapore answered no round imported here: no page let
    a co-lead add it, so its volunteer could not choose it, nor could it present, take part in
    a meeting or have contacts and a feed (an office came only from a survey's import). A search
    that finds no office offers to add it, with the code typed as a code; the code is read as a
    person types or pastes it (small letters, spaces around, a zero-width space)."""
    searched = colead_client.get("/offices?q=sg").get_data(as_text=True)
    assert 'href="/offices/new?code=SG"' in searched
    assert 'value="SG"' in colead_client.get("/offices/new?code=sg").get_data(as_text=True)
    response = _add_office(
        colead_client,
        code=" sg\u200b",
        name="Intellectual Property Office of Singapore (IPOS)",
        city="Singapore",
        time_zone="Singapore",
        region="Asia and the Pacific",
    )
    assert response.status_code == 302 and response.headers["Location"] == "/offices/SG"
    db.session.expire_all()
    office = db.session.get(Office, "SG")
    assert (office.name, office.city, office.time_zone) == (
        "Intellectual Property Office of Singapore (IPOS)",
        "Singapore",
        "Asia/Singapore",
    )
    assert (office.region, office.region_source) == (
        "Asia and the Pacific",
        "entered by colead@example.org",
    )
    assert (office.size, office.size_source) == (None, None)
    listed = client.get("/offices").get_data(as_text=True)
    assert "IPOS" in listed and "did not answer CWS/13/26" in listed
    assert '<option value="SG">' in client.get("/volunteer").get_data(as_text=True)


def test_adding_an_office_refuses_what_is_no_new_st3_code(colead_client, client, survey):
    """A code that is not two letters is refused with what was typed kept; one an office has
    already (in any case) names that office, which is left as it was."""
    for code in ("S G", "SGP", "", "1A"):
        refused = _add_office(colead_client, code=code, name="IPOS", city="Singapore")
        assert refused.status_code == 400, code
        page = html.unescape(refused.get_data(as_text=True))
        assert "ST.3 code" in page and 'value="Singapore"' in page
    known = _add_office(colead_client, code="au", name="Australia again")
    assert known.status_code == 409
    page = html.unescape(known.get_data(as_text=True))
    assert "An office with the ST.3 code AU is known here already: IP Australia." in page
    assert 'href="/offices/AU"' in page and 'value="Australia again"' in page
    db.session.expire_all()
    assert db.session.get(Office, "AU").name == "IP Australia"
    assert client.get("/offices/new").status_code == 302  # to sign in: co-leads only


def test_a_new_office_sent_twice_is_added_once(colead_client, survey):
    """Sent again by the co-lead who added it (a double click, Back and send), the form leads to
    the office: it was added, and nothing says it could not be."""
    fields = {"code": "AP", "name": "African Regional Intellectual Property Organization"}
    assert _add_office(colead_client, **fields).status_code == 302
    again = _add_office(colead_client, **fields)
    assert again.status_code == 302 and again.headers["Location"] == "/offices/AP"


def test_a_new_office_sent_again_from_another_tab_with_other_details_is_refused(
    colead_client, survey
):
    """A second tab's form with the same code and name but another time zone, city and size is
    not the first sent twice: it led to the office as if saved, and the zone, city and size
    typed in it were lost without a word (helper-256). It is told the office is known, with
    what was typed kept and the office as the first form added it."""
    fields = {"code": "AP", "name": "ARIPO", "city": "Harare", "time_zone": "Africa/Harare"}
    assert _add_office(colead_client, **fields).status_code == 302
    other = {**fields, "city": "Nairobi", "time_zone": "Africa/Nairobi", "size": "small"}
    refused = _add_office(colead_client, **other)
    assert refused.status_code == 409
    page = html.unescape(refused.get_data(as_text=True))
    assert "An office with the ST.3 code AP is known here already: ARIPO." in page
    assert 'href="/offices/AP"' in page and 'value="Nairobi"' in page
    db.session.expire_all()
    office = db.session.get(Office, "AP")
    assert (office.city, office.time_zone, office.size) == ("Harare", "Africa/Harare", None)
    # The first form sent again, as it was, still leads to the office.
    again = _add_office(colead_client, **fields)
    assert again.status_code == 302 and again.headers["Location"] == "/offices/AP"


def test_an_office_added_by_hand_stays_when_the_survey_naming_it_goes(colead_client, survey):
    """An office added before it answered keeps its name when a round names it otherwise, gains
    that round's answers, and stays when that round is deleted (as an office edited by hand
    does), while an office only that round brought goes with it."""
    from planner.survey.operations import delete_survey, find_survey

    name = "Companies and Intellectual Property Commission of South Africa"
    assert _add_office(colead_client, code="za", name=name).status_code == 302
    outcome = import_second_round()
    assert "ZA" not in outcome.offices_added and "KR" in outcome.offices_added
    page = colead_client.get("/offices/ZA").get_data(as_text=True)
    assert name in page and "Recommendations 1 and 10" in page
    delete_survey(find_survey("CWS/14/2026"))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Office, "ZA").name == name
    assert db.session.get(Office, "KR") is None
