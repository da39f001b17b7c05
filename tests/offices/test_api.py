"""The offices through the read API (helper-306): WIPO's web team scraped /offices for each
office's code, name, size and WIPO group. GET /api/v1/offices gives them a page at a time, as
every API listing, with what the page shows anyone and no more."""

import re
from contextlib import contextmanager

from sqlalchemy import event

from planner.extensions import db
from planner.offices.contacts import add_contact
from planner.offices.models import Office
from planner.survey.operations import answer_counts
from planner.survey.records import Question
from tests.support import COLEAD_EMAIL, counted_queries, size_edited

WIPO = {"Origin": "https://www.wipo.int"}
FIELDS = {
    "code",
    "name",
    "city",
    "time_zone",
    "size",
    "size_source",
    "wipo_group",
    "wipo_group_source",
    "url",
    "survey",
    "answered",
    "recommendations",
}


def _edited_with_a_contact() -> Office:
    """AU with a co-lead's edit of its size (its source names them) and a contact."""
    au = db.session.get(Office, "AU")
    size_edited(au, "large", COLEAD_EMAIL)
    add_contact(
        au, name="Pat Focal", email="pat.focal@example.org", role="", language="en", editor=None
    )
    db.session.commit()
    return au


def test_the_offices_are_listed_to_anyone_a_page_at_a_time(client, survey):
    _edited_with_a_contact()
    first = client.get("/api/v1/offices?per_page=5", headers=WIPO)
    assert first.status_code == 200
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    body = first.get_json()
    total = db.session.query(Office).count()
    assert (body["count"], body["page"], body["per_page"]) == (total, 1, 5)
    assert body["next"] == "/api/v1/offices?per_page=5&page=2" and body["previous"] is None
    codes = [o["code"] for o in body["offices"]]
    assert codes == sorted(codes) and len(codes) == 5
    everyone = client.get("/api/v1/offices").get_json()["offices"]
    assert [o["code"] for o in everyone] == sorted(o.code for o in db.session.query(Office))
    au = next(o for o in everyone if o["code"] == "AU")
    assert set(au) == FIELDS
    assert (au["name"], au["size"], au["wipo_group"]) == ("IP Australia", "large", "Group B")
    # Who edited it is the co-leads' to know, as on the office's page.
    assert au["size_source"] == "edited by a co-lead"
    assert au["wipo_group_source"] == "the WIPO regional group of the member state"
    assert au["url"] == "http://localhost/offices/AU"
    # Counted as the offices list counts them, from the survey it read.
    counts = answer_counts(survey)
    assert au["survey"] == "CWS-13-26" and au["answered"] is True
    assert au["recommendations"] == {q.value: counts.get(("AU", q), 0) for q in Question}
    page = client.get("/offices").get_data(as_text=True)
    assert f'data-label="Focus (Q4)">{au["recommendations"]["focus"]}<' in page
    # An office that did not answer says so, with no counts.
    silent = [o for o in everyone if not o["answered"]]
    assert silent and all(o["recommendations"] is None for o in silent)
    # Nothing private: no contact, no feed link, no co-lead.
    answer = client.get("/api/v1/offices").get_data(as_text=True)
    for private in ("pat.focal@example.org", "Pat Focal", COLEAD_EMAIL, "/feeds/", "feed"):
        assert private not in answer


def test_one_office_is_read_as_the_list_gives_it(client, survey):
    listed = client.get("/api/v1/offices").get_json()["offices"]
    one = client.get("/api/v1/offices/au", headers=WIPO)
    assert one.status_code == 200 and one.headers["Access-Control-Allow-Origin"] == "*"
    assert one.get_json() == next(o for o in listed if o["code"] == "AU")
    again = client.get("/api/v1/offices/AU", headers={"If-None-Match": one.headers["ETag"]})
    assert again.status_code == 304
    for code in ("XX", "A", "AUS", "1A"):
        missing = client.get(f"/api/v1/offices/{code}", headers=WIPO)
        assert missing.status_code == 404 and missing.is_json, code
        assert missing.get_json()["status"] == 404
        assert missing.headers["Access-Control-Allow-Origin"] == "*"


def test_one_office_is_counted_from_its_own_answers(client, survey):
    """helper-313: each GET /api/v1/offices/<code> counted every office's answers and read
    every respondent of the survey to answer for one; a script reading the offices one by one
    read the whole survey each time. What it reads of the survey is that office's rows."""
    with counted_queries() as statements:
        assert client.get("/api/v1/offices/AU").get_json()["answered"] is True
    survey_reads = [s for s in statements if re.search(r"\bFROM (answers|respondents)\b", s)]
    assert len(survey_reads) == 2, statements
    for statement in survey_reads:
        assert re.search(r"\b(answers|respondents)\.office_code IN ", statement), statement


def test_a_page_of_offices_is_counted_from_its_offices_answers_alone(client, survey):
    """helper-318: each page of GET /api/v1/offices counted every office's answers of the
    survey, 28 of a page's 36 ms at 400 offices, whatever the page's size. A page reads the
    survey's rows of its own offices, in one statement for the answers and one for who
    answered, however many offices it lists."""
    reads = {}
    for size, page in ((5, 2), (20, 1)):
        with survey_reads() as reads[size]:
            body = client.get(f"/api/v1/offices?per_page={size}&page={page}").get_json()
        codes = {o["code"] for o in body["offices"]}
        assert len(codes) == size and any(o["answered"] for o in body["offices"])
        assert len(reads[size]) == 2, reads[size]
        for statement, codes_read in reads[size]:
            assert codes_read == codes, statement
    # Counted as before: the same counts as the survey's whole.
    counts = answer_counts(survey)
    listed = client.get("/api/v1/offices?per_page=500").get_json()["offices"]
    for office in listed:
        if office["answered"]:
            mine = {q.value: counts.get((office["code"], q), 0) for q in Question}
            assert office["recommendations"] == mine, office["code"]


@contextmanager
def survey_reads():
    """The statements reading the survey's answers or respondents inside the block, each with
    the strings it was sent (the office codes it asks for)."""
    found = []

    def read(_connection, _cursor, statement, parameters, *_args):
        if re.search(r"\bFROM (answers|respondents)\b", statement):
            values = parameters.values() if isinstance(parameters, dict) else parameters
            found.append((statement, {v for v in values if isinstance(v, str)}))

    event.listen(db.engine, "before_cursor_execute", read)
    try:
        yield found
    finally:
        event.remove(db.engine, "before_cursor_execute", read)


def test_the_offices_before_any_survey_and_refusals(client, colead_client, app_context):
    """Before a survey is imported the offices are known, and nothing is counted; a survey or
    page that does not exist, or a token that does not work, is refused with its reason."""
    body = client.get("/api/v1/offices").get_json()
    assert body["count"] > 0
    assert all(o["survey"] is None and o["recommendations"] is None for o in body["offices"])
    refusals = {
        "/api/v1/offices?survey=nope": 404,
        "/api/v1/offices?page=99": 404,
        "/api/v1/offices?per_page=501": 400,
        "/api/v1/offices?per_page=1&per_page=2": 400,
        "/api/v1/offices/AU?survey=nope": 404,
    }
    for url, status in refusals.items():
        answer = client.get(url)
        assert answer.status_code == status and answer.get_json()["message"], url
    bad = client.get("/api/v1/offices", headers={"Authorization": "Bearer nonsense"})
    assert bad.status_code == 401
    # A co-lead's token reads the same offices, with nothing more and no CORS header.
    theirs = colead_client.get("/api/v1/offices")
    assert theirs.get_json() == body and "Access-Control-Allow-Origin" not in theirs.headers
    assert colead_client.post("/api/v1/offices", json={}).status_code == 405
