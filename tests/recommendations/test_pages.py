"""Recommendation pages: the evidence a co-lead drafts a session from, and editing the wording."""

import html
import re

from planner.extensions import db
from planner.recommendations.models import Recommendation
from tests.support import csrf_token, import_second_round, since_rows


def test_recommendation_page_gathers_the_evidence(client, survey):
    page = client.get("/recommendations/10").get_data(as_text=True)
    assert "New and emerging technologies (AI, blockchain)" in page
    assert "Offices focused on it" in page and "Offices wanting it discussed" in page
    assert "applying a risk-based governance framework" in page  # AU's project (Q4)
    assert "with special focus on governance and risk management" in page  # ES's wish (Q8)
    assert "Rapid technology changes; Ethical considerations" in page  # EP's challenge (Q6)
    assert "Rapid implementation of new and emerging technologies" in page  # IE's low priority
    assert '<h2 id="focus-heading">Offices focused on it <span class="count">12</span>' in page
    # Each answer links to its source lines; one line is "line", not "lines" (helper-90).
    links = re.findall(r'class="source-link"[^>]*>([^<]+)<span class="visually-hidden">', page)
    assert links and all(re.fullmatch(r"lines \d+–\d+|line \d+|answer", t) for t in links)
    assert any(t.startswith("line ") for t in links)


def test_each_project_says_whether_it_presents(client, survey):
    """helper-191: Rec 9's page listed CA, PY and RU under "who could present", PY's answer a
    plea for WIPO's support that the matches count as demand and no line-up ever takes; Rec 4's
    listed ES, which is still waiting for a policy to be approved. Each project is read as the
    matches read it, and one that does not present says why."""

    def project(number: int, office: str) -> str:
        page = html.unescape(client.get(f"/recommendations/{number}").get_data(as_text=True))
        section = page[page.index('<section id="focus"') :]
        section = section[: section.index("</section>")]
        assert "who could present" not in section
        assert "Working and under-way projects present" in section
        item = section[section.index(f">{office} · ") :]
        return item[: item.index("</li>")]

    paraguay = project(9, "PY")
    assert 'class="tag evidence-need">need</span>' in paraguay
    assert "asks for help, counted as demand: “to have the support”, “help us”" in paraguay
    assert 'class="tag evidence-under-way">under way</span>' in project(9, "CA")
    spain = project(4, "ES")
    assert 'class="tag evidence-plan">plan</span>' in spain
    assert "a plan, presents only when plans are considered: “waiting for”" in spain
    poland = project(10, "PL")
    assert 'class="tag evidence-working">working</span>' in poland and "presents only" not in poland


def test_list_of_recommendations(client, survey):
    page = client.get("/recommendations").get_data(as_text=True)
    assert page.count('<th scope="row"><a href="/recommendations/') == 10
    assert '12 <span class="muted">(57%)</span>' in page


def test_unknown_recommendation_is_a_404_page(client, survey):
    for url in ("/recommendations/11", "/recommendations/0", "/recommendations/ten"):
        response = client.get(url)
        assert response.status_code == 404
        assert "CWS ICT Task Force planner" in response.get_data(as_text=True)


def test_editing_keeps_what_was_typed_on_error(colead_client, app_context):
    client = colead_client
    url = "/recommendations/3/edit"
    token = csrf_token(client, url)
    response = client.post(url, data={"csrf_token": token, "short_title": "", "text": "Kept"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Give the recommendation a short title." in page
    assert "Kept</textarea>" in page


def test_editing_saves_and_records_when(colead_client, client, app_context):
    visitor, client = client, colead_client
    url = "/recommendations/3/edit"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "short_title": "Data governance",
            "text": "IP offices should ensure that a data governance framework is in place.",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    recommendation = db.session.get(Recommendation, 3)
    assert recommendation.text.startswith("IP offices should ensure")
    assert recommendation.updated_at is not None
    page = client.get("/recommendations/3").get_data(as_text=True)
    assert "Recommendation 3 saved." in page
    assert "Wording: edited" in page and "by colead@example.org" in page
    # Who edited it is for co-leads (helper-56).
    public = visitor.get("/recommendations/3").get_data(as_text=True)
    assert "Wording: edited" in public and "@example.org" not in public


def test_editing_without_csrf_token_is_refused(colead_client, app_context):
    client = colead_client
    response = client.post("/recommendations/3/edit", data={"short_title": "x"})
    assert response.status_code == 400


def test_the_recommendation_s_talks_feed_is_offered_on_its_page(client, survey):
    """The feed of every talk on a recommendation existed, but no page linked to it
    (helper-53)."""
    page = client.get("/recommendations/10").get_data(as_text=True)
    assert 'href="webcal://localhost/feeds/recommendations/10.ics"' in page
    assert 'value="http://localhost/feeds/recommendations/10.ics"' in page
    assert client.get("/feeds/recommendations/10.ics").status_code == 200


def test_a_recommendation_page_says_who_names_it_now_and_no_longer(client, survey):
    """helper-208: with the 2026 round imported, Rec 1's page listed this round's offices only;
    which offices had taken it up or dropped it since CWS/13/26, and which had only not answered
    again, was for the co-lead to work out from two pages."""
    import_second_round()
    page = client.get("/recommendations/1").get_data(as_text=True)
    assert 'href="#since-heading">Since CWS/13/26</a>' in page
    rows = since_rows(page)
    assert rows["Wanted for discussion (Q8)"] == [
        "KG; ZA (did not answer CWS/13/26)",
        "EM; PY (did not answer CWS/14/2026)",
        "none",
    ]
    focus = rows["Current focus (Q4)"]
    assert focus[0] == "none" and focus[2] == "AU, EM"
    assert focus[1].endswith("(did not answer CWS/14/2026)") and "AU" not in focus[1]
    assert rows["Big challenge (Q6)"][2] == "KG"
    assert 'href="/offices/EM?survey=CWS-13-26">EM</a>' in page
    assert 'href="/offices/ZA?survey=CWS-14-2026">ZA</a>' in page
