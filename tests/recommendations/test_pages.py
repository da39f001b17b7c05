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


def test_a_recommendation_s_page_links_the_meetings_on_it(client, api, survey):
    """helper-369: the Rec 5 page did not link to the workshops on it; they were only on the
    Meetings list. Planned ones soonest first, held ones latest first, a draft to co-leads only,
    a general meeting with a talk on it too; a cancelled one, or one on another, not."""
    from tests.support import publish_as_planned

    def meeting(title: str, starts_at: str, **fields) -> int:
        made = api.post(
            "/api/v1/meetings",
            json={"title": title, "starts_at": starts_at, "time_zone": "Europe/Zurich", **fields},
        )
        assert made.status_code == 201, made.get_json()
        return made.get_json()["id"]

    def talk(meeting_id: int, number: int) -> None:
        slot = {
            "title": "Talk",
            "office": "AU",
            "recommendations": [number],
            "duration_minutes": 20,
        }
        assert api.post(f"/api/v1/meetings/{meeting_id}/slots", json=slot).status_code == 201

    held = meeting("Rec 5 workshop 2025", "2025-11-04T13:00:00+01:00", recommendation=5)
    coming = meeting(
        "Rec 5 workshop, Sydney's hours", "2027-03-09T08:00:00+01:00", recommendation=5
    )
    draft = meeting("Rec 5 workshop, Lima's hours", "2027-03-16T15:00:00+01:00", recommendation=5)
    general = meeting("Task Force plenary", "2027-04-20T13:00:00+02:00")
    other = meeting("Rec 10 workshop", "2027-05-11T13:00:00+02:00", recommendation=10)
    cancelled = meeting("Rec 5 workshop, withdrawn", "2027-06-08T13:00:00+02:00", recommendation=5)
    for meeting_id, number in (
        (held, 5),
        (coming, 5),
        (draft, 5),
        (general, 5),
        (other, 10),
        (cancelled, 5),
    ):
        talk(meeting_id, number)
    for meeting_id in (held, coming, general, other, cancelled):
        assert publish_as_planned(api, meeting_id).status_code == 200
    assert api.delete(f"/api/v1/meetings/{cancelled}").status_code == 200

    def listed(page: str, heading: str) -> list[str]:
        part = page.split(f">{heading}</h3>", 1)[1].split("</ul>", 1)[0]
        return re.findall(r'<a href="/meetings/(\d+)">', part)

    seen = client.get("/recommendations/5").get_data(as_text=True)
    assert listed(seen, "Planned") == [str(coming), str(general)]
    assert listed(seen, "Held") == [str(held)]
    assert (
        "Lima&#39;s hours" not in seen and "withdrawn" not in seen and "Rec 10 workshop" not in seen
    )
    assert "Tue 9 Mar 2027, 08:00–08:20 (UTC+1) in Geneva" in html.unescape(seen)
    assert 'href="#meetings-heading">Meetings on it (3)' in seen
    by_colead = api.get("/recommendations/5").get_data(as_text=True)
    assert listed(by_colead, "Planned") == [str(coming), str(draft), str(general)]
    assert '<span class="status status-draft">draft</span>' in by_colead
    # A recommendation no meeting is on says so, and offers the co-leads a line-up for it.
    none = api.get("/recommendations/7").get_data(as_text=True)
    assert "No meeting on Rec 7 yet: " in none and 'href="/lineups/new?focus=7"' in none


def test_a_draft_whose_date_has_passed_is_listed_as_such_not_as_planned(client, api, survey):
    """A co-lead's draft on Rec 5 dated last year was listed under "Planned" on the Rec 5 page,
    as if it were to come: it is neither planned nor held, and the page now says what it is."""
    made = api.post(
        "/api/v1/meetings",
        json={
            "title": "Rec 5 workshop, never published",
            "starts_at": "2025-11-04T13:00:00+01:00",
            "time_zone": "Europe/Zurich",
            "recommendation": 5,
        },
    )
    assert made.status_code == 201
    page = api.get("/recommendations/5").get_data(as_text=True)
    assert ">Planned</h3>" not in page and ">Held</h3>" not in page
    past = page.split(">Drafts whose date has passed</h3>", 1)[1].split("</ul>", 1)[0]
    assert f'<a href="/meetings/{made.get_json()["id"]}">' in past
    assert '<span class="status status-draft">draft, its date has passed</span>' in past
    assert 'href="#meetings-heading">Meetings on it (1)' in page
    # Drafts are the co-leads': anyone else is shown none, and the page says so.
    anyone = client.get("/recommendations/5")
    assert anyone.status_code == 200
    shown = anyone.get_data(as_text=True)
    assert "Drafts whose date has passed" not in shown
    assert "No meeting on Rec 5 yet." in shown
