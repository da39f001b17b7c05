"""Importing a survey from the surveys page and the API, as a co-lead does without a shell: all of
the file or nothing, a message that says what happened, and the form kept when it is refused."""

import html
import io
import json
import os
import re

import pytest
from sqlalchemy import func, select

from planner.extensions import db
from planner.offices.models import Office
from planner.survey.models import Answer, Survey
from tests.proposals.test_proposals import API_VALID
from tests.support import (
    BUNDLED,
    counted_queries,
    csrf_token,
    import_checked_on_page,
    saved_first_by_someone_else,
)

BUNDLED_BYTES = BUNDLED.read_bytes()


def answers_stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Answer))


def send(client, data: bytes, name: str = "CWS-13-26.txt", **fields):
    form = {"csrf_token": csrf_token(client, "/surveys"), **fields}
    form["file"] = (io.BytesIO(data), name)
    sent = client.post("/surveys", data=form, content_type="multipart/form-data")
    return import_checked_on_page(client, sent)


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def test_only_a_colead_sees_the_form_and_may_import(client, colead_client, app_context):
    assert "Import a survey" not in client.get("/surveys").get_data(as_text=True)
    assert "Import a survey" in colead_client.get("/surveys").get_data(as_text=True)
    # Anonymous: the CSRF token of the sign-in page does not help; the post goes to sign-in.
    refused = client.post(
        "/surveys",
        data={"file": (io.BytesIO(BUNDLED_BYTES), "CWS-13-26.txt")},
        content_type="multipart/form-data",
    )
    assert refused.status_code in (302, 400, 401)
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


def test_a_colead_imports_the_published_text_with_its_alias(colead_client, app_context):
    response = send(colead_client, BUNDLED_BYTES, aliases="GE=DE")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/surveys/CWS-13-26")
    page = text_of(colead_client.get(response.headers["Location"]))
    assert "Imported CWS/13/26 (/surveys/CWS-13-26): 21 respondents, 202 answers" in page
    assert "could not be placed; they are listed under Import warnings below" in page
    assert answers_stored() == 202
    survey = db.session.scalar(select(Survey))
    assert (survey.label, survey.source_name) == ("CWS/13/26", "CWS-13-26.txt")
    # The same file again stores nothing twice, and says so.
    again = send(colead_client, BUNDLED_BYTES, aliases="GE=DE")
    assert again.status_code == 303
    assert "already imported with the same answers; nothing changed" in text_of(
        colead_client.get(again.headers["Location"])
    )
    assert answers_stored() == 202


def test_a_corrected_answer_period_is_taken_on_the_page_with_the_box_ticked(
    colead_client, app_context
):
    """The page says what the file's period is and how to take it; ticked, it corrects the
    dates, and what this file's reading found is said as this file's, not as the warnings
    listed below (the survey's, from the file it was imported from)."""
    assert send(colead_client, BUNDLED_BYTES, aliases="GE=DE").status_code == 303
    corrected = BUNDLED_BYTES.replace("月 7日期间".encode(), "月 17日期间".encode())
    said = send(colead_client, corrected, aliases="GE=DE")
    page = text_of(colead_client.get(said.headers["Location"]))
    assert (
        "The file gives the answer period 2 May – 17 July 2025, and CWS/13/26 keeps 2 May – 7 "
        "July 2025: import the file again with “Replace the survey with the same label” to "
        "correct it."
    ) in page
    taken = send(colead_client, corrected, aliases="GE=DE", replace="y")
    page = text_of(colead_client.get(taken.headers["Location"]))
    assert "Corrected the answer period of CWS/13/26 (/surveys/CWS-13-26) to 2 May – 17" in page
    assert "Reading this file: lines 272–325: question 2 is a chart" in page
    assert "listed under Import warnings below" not in page
    assert db.session.scalar(select(Survey.answered_until)).isoformat() == "2025-07-17"


def test_a_different_survey_under_a_taken_label_is_refused_with_the_form_kept(
    colead_client, app_context
):
    assert send(colead_client, BUNDLED_BYTES, aliases="GE=DE").status_code == 303
    changed = BUNDLED_BYTES.replace(b"Auto classification, Search", b"Auto classification")
    refused = send(colead_client, changed, "annex v2.txt", aliases="GE=DE")
    assert refused.status_code == 409
    page = text_of(refused)
    assert "A different survey labelled CWS/13/26 is already imported" in page
    assert "Tick “Replace the survey with the same label”" in page
    # The file is kept, to be checked again with the box ticked, not chosen again.
    assert "The file annex v2.txt is kept: correct the choices and check it again" in page
    assert "Choose the file again" not in page
    assert 'value="GE=DE"' in refused.get_data(as_text=True)
    assert answers_stored() == 202
    # Under another label it is a survey of its own; with "Replace" it takes the place of the first.
    other = send(colead_client, changed, "annex v2.txt", aliases="GE=DE", label="CWS/13/26 v2")
    assert other.status_code == 303 and other.headers["Location"].endswith("/surveys/CWS-13-26-v2")
    replaced = send(
        colead_client,
        changed.replace(b"DINAPI", b"DINAPI."),
        "v3.txt",
        aliases="GE=DE",
        replace="y",
    )
    assert replaced.status_code == 303
    assert "Replaced CWS/13/26" in text_of(colead_client.get(replaced.headers["Location"]))
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 2


@pytest.mark.parametrize(
    ("data", "name", "fields", "said"),
    [
        (b"\xff\xfe\x00garbage", "annex.txt", {}, "othing was changed"),
        (b'{"survey": [1, 2', "survey.json", {}, "othing was changed"),
        (b"label,office\n", "survey.csv", {}, "othing was changed"),
        (b"[" * 5000 + b"]" * 5000, "survey.json", {}, "othing was changed"),
        (BUNDLED_BYTES, "CWS-13-26.txt", {"aliases": "Georgia"}, "'Georgia' is not an alias"),
        (BUNDLED_BYTES, "x.json", {"aliases": "GE=DE"}, "not valid JSON"),
        (BUNDLED_BYTES, "CWS-13-26.txt", {"label": "L" * 101}, "100"),
        (BUNDLED_BYTES, "CWS-13-26.txt", {"label": "bad\x00label"}, "Label"),
    ],
)
def test_a_file_that_cannot_be_imported_changes_nothing_and_says_why(
    colead_client, app_context, data, name, fields, said
):
    response = send(colead_client, data, name, **fields)
    assert response.status_code == 400, response.get_data(as_text=True)[:2000]
    assert said in text_of(response)
    assert "Import a survey" in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 0
    for value in fields.values():
        if "\x00" not in value:
            assert f'value="{value}"' in response.get_data(as_text=True)


def test_no_file_chosen_is_said_at_the_field(colead_client, app_context):
    response = colead_client.post(
        "/surveys",
        data={"csrf_token": csrf_token(colead_client, "/surveys"), "label": "Mine"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Choose the survey file to import." in text_of(response)
    assert 'value="Mine"' in response.get_data(as_text=True)


def test_a_file_over_the_limit_is_refused_before_it_is_read(app, colead_client, app_context):
    app.config["SURVEY_MAX_BYTES"] = 100_000
    try:
        response = send(colead_client, BUNDLED_BYTES * 5, label="Mine", aliases="GE=DE")
        assert response.status_code == 413
        assert "larger than 98 kB, the limit for a survey" in text_of(response)
        # Refused unread but for the fields sent before the file: the form comes back with them.
        assert "Choose a smaller file; the other fields are as sent." in text_of(response)
        assert 'value="Mine"' in response.get_data(as_text=True)
        # Sent after the file, they did not come: the page says how to get them back
        # (helper-163: the form came back empty, without a word of the label and aliases).
        token = csrf_token(colead_client, "/surveys")
        file_first = (
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'
            + BUNDLED_BYTES * 5
            + b'\r\n--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            + token.encode()
            + b'\r\n--b\r\nContent-Disposition: form-data; name="label"\r\n\r\nMine\r\n--b--\r\n'
        )
        response = colead_client.post(
            "/surveys", data=file_first, content_type="multipart/form-data; boundary=b"
        )
        assert response.status_code == 413
        assert (
            "Go back with your browser's Back button (it keeps the label and aliases you typed) "
            "and choose a smaller file."
        ) in text_of(response)
        # A file over the limit by less than the form's margin is read: the form is kept.
        kept = send(colead_client, BUNDLED_BYTES * 3, label="Mine")
        assert kept.status_code == 413 and 'value="Mine"' in kept.get_data(as_text=True)
        assert "Back button" not in text_of(kept)
        api = colead_client.post(
            "/api/v1/surveys",
            data={"file": (io.BytesIO(BUNDLED_BYTES * 5), "a.txt")},
            content_type="multipart/form-data",
        )
        assert api.status_code == 413 and "the limit for a survey" in api.json["message"]
    finally:
        del app.config["SURVEY_MAX_BYTES"]
    # The bundled text itself (40 KB) is under the default and over the app's 1 MB for forms
    # is not needed: a 2 MB survey goes through.
    large = BUNDLED_BYTES + b"\n" * (2 * 1024 * 1024)
    assert send(colead_client, large, aliases="GE=DE").status_code == 303


def test_a_large_body_without_a_colead_is_refused_unread(client, app_context):
    """The survey limit (8 MB) is for co-leads: anyone else's body stops at the app's 1 MB."""
    large = {"file": (io.BytesIO(b"x" * (2 * 1024 * 1024)), "a.txt")}
    assert client.post("/api/v1/surveys", data=large).status_code == 413
    large = {"file": (io.BytesIO(b"x" * (2 * 1024 * 1024)), "a.txt")}
    assert client.post("/surveys", data=large).status_code == 413


@pytest.mark.parametrize("token", ["made-up", "", "read-only"])
def test_a_large_body_with_a_token_that_does_not_work_is_refused_unread(
    app, client, colead, app_context, token
):
    """The survey limit is read before the view checks the token: a made-up token (any
    "Bearer ..." header) had the body read whole into memory, up to 8 MB a request, before the
    401. Only a co-lead's working token raises the limit; any other stops at the app's 1 MB."""
    from planner.accounts.models import ApiToken

    if token == "read-only":
        token = ApiToken.issue(colead, "reader", read_only=True)
        db.session.commit()
    large = {"file": (io.BytesIO(b"x" * (2 * 1024 * 1024)), "a.txt")}
    refused = client.post(
        "/api/v1/surveys", data=large, headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 413 and "for co-leads" in refused.json["message"]


def test_the_api_imports_for_a_colead_token_only(client, api, app_context):
    body = {"file": (io.BytesIO(BUNDLED_BYTES), "CWS-13-26.txt"), "alias": "GE=DE"}
    anonymous = client.post("/api/v1/surveys", data=body, content_type="multipart/form-data")
    assert anonymous.status_code == 401
    body = {"file": (io.BytesIO(BUNDLED_BYTES), "CWS-13-26.txt"), "alias": "GE=DE"}
    created = api.post("/api/v1/surveys", data=body, content_type="multipart/form-data")
    assert created.status_code == 201, created.json
    assert created.headers["Location"].endswith("/api/v1/surveys/CWS-13-26/summary")
    assert created.json["status"] == "created"
    assert created.json["survey"]["respondents"] == 21
    assert created.json["survey"]["answers"] == 202
    assert created.json["message"].startswith("Imported CWS/13/26")
    again = api.post(
        "/api/v1/surveys",
        data={"file": (io.BytesIO(BUNDLED_BYTES), "CWS-13-26.txt"), "alias": "GE=DE"},
        content_type="multipart/form-data",
    )
    assert (again.status_code, again.json["status"]) == (200, "unchanged")
    assert (
        again.json["warnings"] and "question 2 is a chart" in again.json["warnings"][0]["message"]
    )
    changed = BUNDLED_BYTES.replace(b"Auto classification, Search", b"Auto classification")
    conflict = api.post(
        "/api/v1/surveys",
        data={"file": (io.BytesIO(changed), "v2.txt"), "alias": "GE=DE"},
        content_type="multipart/form-data",
    )
    assert conflict.status_code == 409
    assert "Send replace=true to replace it" in conflict.json["message"]
    replaced = api.post(
        "/api/v1/surveys",
        data={"file": (io.BytesIO(changed), "v2.txt"), "alias": "GE=DE", "replace": "true"},
        content_type="multipart/form-data",
    )
    assert (replaced.status_code, replaced.json["status"]) == (200, "replaced")


@pytest.mark.parametrize(
    ("body", "content_type", "field"),
    [
        ({}, "multipart/form-data", "file"),
        ({"file": (io.BytesIO(b"\xff\xfe"), "a.txt")}, "multipart/form-data", "file"),
        (
            {"file": (io.BytesIO(BUNDLED_BYTES), "a.txt"), "alias": "GE"},
            "multipart/form-data",
            "alias",
        ),
        (
            {"file": (io.BytesIO(BUNDLED_BYTES), "a.txt"), "replace": "maybe"},
            "multipart/form-data",
            None,
        ),
        ('{"label": "x"}', "application/json", "file"),
        # The page's name for the field: refused by name, never silently left out.
        (
            {"file": (io.BytesIO(BUNDLED_BYTES), "a.txt"), "aliases": "GE=DE"},
            "multipart/form-data",
            None,
        ),
        (
            {"file": (io.BytesIO(BUNDLED_BYTES), "a.txt"), "label": " "},
            "multipart/form-data",
            "label",
        ),
        # A value sent as a file (curl -F dry_run=@yes.txt) was not read: the dry run imported
        # the file, the check was none (helper-234).
        *(
            (
                {"file": (io.BytesIO(BUNDLED_BYTES), "a.txt"), name: (io.BytesIO(value), "v")},
                "multipart/form-data",
                name,
            )
            for name, value in (
                ("dry_run", b"true"),
                ("check", b"0" * 32),
                ("label", b"CWS/13/26"),
                ("replace", b"true"),
            )
        ),
    ],
)
def test_the_api_refuses_what_it_cannot_import_with_a_message(
    api, app_context, body, content_type, field
):
    response = api.post("/api/v1/surveys", data=body, content_type=content_type)
    assert response.status_code == 400, response.json
    assert response.json["message"]
    if field:
        assert response.json.get("field") == field
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


@pytest.mark.parametrize("name", ["label", "aliases", "encoding", "replace", "upload"])
def test_a_field_sent_as_a_file_is_not_a_server_error(colead_client, app_context, name):
    """A script's `-F label=@file` on the page's form: the form's checks read its text, and a
    file there was a 500 (helper-234). A file goes to the file field only; the others read as
    not sent."""
    form = {
        "csrf_token": csrf_token(colead_client, "/surveys"),
        "file": (io.BytesIO(BUNDLED_BYTES), "CWS-13-26.txt"),
        name: (io.BytesIO(b"CWS/13/26"), "value.txt"),
    }
    sent = colead_client.post("/surveys", data=form, content_type="multipart/form-data")
    assert sent.status_code == 303, text_of(sent)[-3000:]
    assert colead_client.get(sent.headers["Location"]).status_code == 200
    assert answers_stored() == 0


def test_hostile_imports_are_refused_whole(api, client, app, app_context):
    """helper-76: an alias giving one label two codes, two files in one request, a file just
    over the limit with the form's room left, and a non-Latin label in another case."""

    def post(**fields):
        return api.post("/api/v1/surveys", data=fields, content_type="multipart/form-data")

    twice = post(file=(io.BytesIO(BUNDLED_BYTES), "a.txt"), alias=["GE=DE", "GE=AU"])
    assert twice.status_code == 400 and "two codes (DE and AU)" in twice.json["message"]
    two_files = post(file=[(io.BytesIO(BUNDLED_BYTES), "a.txt"), (io.BytesIO(b"x"), "b.txt")])
    assert two_files.status_code == 400 and two_files.json["field"] == "file"
    app.config["SURVEY_MAX_BYTES"] = 100_000
    try:
        padded = post(
            file=(io.BytesIO(BUNDLED_BYTES + b" " * (100_001 - len(BUNDLED_BYTES))), "a.txt")
        )
        assert padded.status_code == 413 and "the limit for a survey file" in padded.json["message"]
    finally:
        del app.config["SURVEY_MAX_BYTES"]
    anonymous = client.post(
        "/api/v1/surveys", data={"file": (io.BytesIO(b"x" * (2 * 1024 * 1024)), "a.txt")}
    )
    assert anonymous.status_code == 413 and "for co-leads" in anonymous.json["message"]
    first = post(file=(io.BytesIO(BUNDLED_BYTES), "a.txt"), alias="GE=DE", label="ДОКЛАД")
    assert first.status_code == 201
    changed = BUNDLED_BYTES.replace(b"Auto classification, Search", b"Auto classification")
    other = post(file=(io.BytesIO(changed), "b.txt"), alias="GE=DE", label="доклад")
    assert other.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 1


def test_replacing_keeps_the_offices_a_saved_line_up_names(api, survey):
    """helper-76: a replaced survey took with it an office that only another survey's saved
    line-up named (in its rules), and "Adjust the rules" then refused the line-up's own rules."""
    import json

    from planner.offices.models import Office

    def pilot(*offices):
        body = {
            "survey": {"label": "Pilot"},
            "offices": [{"code": c, "name": f"Office {c}", "time_zone": None} for c in offices],
            "answers": [
                {"office": c, "question": "focus", "recommendation": 10, "text": f"AI at {c}"}
                for c in offices
            ],
        }
        return (io.BytesIO(json.dumps(body).encode()), "pilot.json")

    made = api.post("/api/v1/surveys", data={"file": pilot("AU", "XA")})
    assert made.status_code == 201 and made.json["offices_added"] == ["XA"]
    rules = {"survey": "CWS-13-26", "recommendation": 10, "slots": 2, "exclude": ["XA"]}
    assert api.post("/api/v1/lineups", json=rules).status_code == 201
    replaced = api.post("/api/v1/surveys", data={"file": pilot("AU"), "replace": "true"})
    assert replaced.status_code == 200 and replaced.json["offices_removed"] == []
    assert db.session.get(Office, "XA") is not None


# On SQLite an API request holds the database's write lock from its token's check on (the
# token's last use is written): another import waits for it and then finds the label taken (the
# 409 of a conflict above). On PostgreSQL the API can lose the race too.
# On SQLite an import holds the database's one write lock from its first write, and a checked
# one (the page's) from its start (`take_turn`): no one else's save lands in between.
RACING = ["page", "api"] if os.environ.get("TEST_DATABASE_URL") else []


@pytest.mark.committed  # the other import saves on a connection of its own
@pytest.mark.parametrize("where", RACING)
def test_an_import_that_loses_the_race_for_its_label_is_a_409_and_stores_nothing(
    api, app_context, where
):
    """Two co-leads import under one label at the same time: each one's checks find the label
    free, and the one that saves second meets the other's survey at the database's rule that
    labels are unique. It is told so, as a conflict, and nothing of it is stored."""
    from planner.db_types import utcnow

    other_survey = Survey.__table__.insert().values(
        label="CWS/13/26",
        slug="CWS-13-26",
        source_name="saved-by-the-other.txt",
        fingerprint="0" * 64,
        imported_at=utcnow(),
    )
    with saved_first_by_someone_else(
        lambda other: other.execute(other_survey),
        before=lambda session: any(isinstance(added, Survey) for added in session.new),
    ) as saved:
        if where == "api":
            body = {"file": (io.BytesIO(BUNDLED_BYTES), "CWS-13-26.txt"), "alias": "GE=DE"}
            response = api.post("/api/v1/surveys", data=body, content_type="multipart/form-data")
            message = response.json["message"]
        else:
            response = send(api, BUNDLED_BYTES, aliases="GE=DE")
            message = text_of(response)
    assert saved, "the import never reached its save"
    assert response.status_code == 409, message
    assert "the database changed during the import" in message
    assert "Try again" in message
    db.session.expire_all()
    stored = db.session.scalars(select(Survey)).all()
    assert [s.source_name for s in stored] == ["saved-by-the-other.txt"]
    assert answers_stored() == 0


@pytest.mark.parametrize("form", ["csv", "json"])
def test_a_survey_downloads_in_the_form_an_import_reads(colead_client, survey, form):
    """helper-82: the import's layout was only to be had from the command line. The survey's
    page (and the import form) offers the survey as CSV and JSON; such a file, read back, is
    the very same survey."""
    page = colead_client.get("/surveys").get_data(as_text=True)
    url = f"/surveys/{survey.slug}/survey.{form}"
    assert f'href="{url}"' in page
    assert f'href="{url}"' in colead_client.get(f"/surveys/{survey.slug}").get_data(as_text=True)
    got = colead_client.get(url)
    assert got.status_code == 200
    assert got.headers["Content-Disposition"] == f'attachment; filename="{survey.slug}.{form}"'
    assert got.mimetype == ("text/csv" if form == "csv" else "application/json")
    # Read back, it is the very same survey: every answer, line and office as stored.
    before = answers_stored()
    sent = send(colead_client, got.data, name=f"copy.{form}")
    assert sent.status_code == 303, text_of(sent)
    said = text_of(colead_client.get(sent.headers["Location"]))
    assert "already imported with the same answers; nothing changed" in said
    assert answers_stored() == before
    assert colead_client.get("/surveys/no-such/survey.csv").status_code == 404


def test_the_footer_names_the_survey_a_page_shows(colead_client, survey):
    """helper-82: with another survey imported and shown, the footer still cited CWS/13/26."""
    got = colead_client.get(f"/surveys/{survey.slug}/survey.json").get_json()
    got["survey"].update(label="TF JSON 2026", slug="tf-json-2026")
    got["survey"]["answered_from"] = got["survey"]["answered_until"] = "2026-09-01"
    got["offices"] = [o for o in got["offices"] if o["code"] in ("AU", "IL")]
    got["answers"] = [a for a in got["answers"] if a["office"] in ("AU", "IL")]
    sent = send(colead_client, json.dumps(got).encode(), name="tf.json")
    assert sent.status_code == 303, text_of(sent)
    for url in ("/", "/recommendations/10/matches", "/surveys/tf-json-2026"):
        footer = text_of(colead_client.get(url)).split('<footer class="site">')[1]
        assert "Survey data: TF JSON 2026, imported from" in footer, url
    footer = text_of(colead_client.get("/?survey=CWS-13-26")).split('<footer class="site">')[1]
    assert "Survey data: CWS/13/26, “Implementation of the ICT-related" in footer
    # A page that shows no survey names none (helper-83).
    footer = text_of(colead_client.get("/meetings")).split('<footer class="site">')[1]
    assert "CWS/13/26" not in footer
    assert re.search(
        r"Survey data: see the <a [^>]*>Surveys</a> page for each survey and its source\.", footer
    )


def test_a_co_lead_deletes_a_survey_imported_by_mistake(client, colead_client, survey):
    """helper-82: an import became the survey every page shows and could not be taken back.
    The survey's page offers a co-lead to delete it, asking first; its answers and line-ups
    go, the pages show the survey left; a page opened before the survey was imported again
    deletes nothing."""
    from planner.lineup.models import Lineup

    got = colead_client.get(f"/surveys/{survey.slug}/survey.json").get_json()
    got["survey"].update(label="Trial", slug="trial")
    got["survey"]["answered_from"] = got["survey"]["answered_until"] = "2026-09-01"
    got["answers"] = [a for a in got["answers"] if a["office"] in ("AU", "IL")]
    got["offices"] = [o for o in got["offices"] if o["code"] in ("AU", "IL")]
    assert send(colead_client, json.dumps(got).encode(), name="t.json").status_code == 303
    assert "Trial" in text_of(colead_client.get("/"))  # now what every page shows
    rules = {"recommendation": 10, "survey": "trial", "slots": 2}
    made = colead_client.post("/api/v1/lineups", json=rules)
    assert made.status_code == 201, made.get_json()
    assert "Delete this survey" not in text_of(client.get("/surveys/trial"))
    assert client.post("/surveys/trial/delete").status_code in (302, 400, 401)
    asked = text_of(colead_client.get("/surveys/trial/delete"))
    assert "Delete the survey Trial?" in asked and "Its 1 saved line-up goes with it." in asked
    assert "Pages then show CWS/13/26, the latest survey left." in asked
    trial = db.session.scalar(select(Survey).where(Survey.label == "Trial"))
    token = csrf_token(colead_client, "/surveys/trial/delete")
    stale = colead_client.post(
        "/surveys/trial/delete", data={"csrf_token": token, "survey_id": str(trial.id + 1)}
    )
    assert stale.status_code == 409 and db.session.get(Survey, trial.id) is not None
    blind = colead_client.post("/surveys/trial/delete", data={"csrf_token": token})
    assert blind.status_code == 409
    assert "This form did not say which survey it asked about" in text_of(blind)
    done = colead_client.post(
        "/surveys/trial/delete", data={"csrf_token": token, "survey_id": str(trial.id)}
    )
    assert done.status_code == 303
    said = text_of(colead_client.get(done.headers["Location"]))
    assert "Deleted the survey Trial:" in said and "Pages now show CWS/13/26." in said
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 1
    assert db.session.scalar(select(func.count()).select_from(Lineup)) == 0
    assert "CWS/13/26" in text_of(colead_client.get("/"))
    assert colead_client.get("/surveys/trial").status_code == 404


def _volunteer_link(client) -> str:
    """A live private link: a volunteer's page, made by proposing."""
    made = client.post("/api/v1/proposals", json=API_VALID)
    assert made.status_code == 201, made.json
    return made.json["link"]


def _tabular(kind: str, name: str, text: str) -> tuple[bytes, str]:
    if kind == "json":
        body = {
            "survey": {"label": "Pilot"},
            "offices": [
                {"code": "AU", "name": "IP Australia"},
                {"code": "XA", "name": name},
            ],
            "answers": [
                {"office": "AU", "question": "focus", "recommendation": 10, "text": "AI"},
                {"office": "XA", "question": "focus", "recommendation": 10, "text": text},
            ],
        }
        return json.dumps(body).encode(), "pilot.json"
    rows = [
        "survey,office,office_name,question,recommendation,text",
        "Pilot,AU,IP Australia,focus,10,AI",
        f'Pilot,XA,"{name}",focus,10,"{text}"',
    ]
    return "\n".join(rows).encode(), "pilot.csv"


@pytest.mark.parametrize(
    ("form", "where", "field"),
    [
        ("csv", "line 3", "the name of office XA"),
        ("json", "offices[1]", "the name of office XA"),
        ("csv-answer", "line 3", "the text of XA's focus answer on Rec 10"),
        ("json-answer", "answers[1]", "the text of XA's focus answer on Rec 10"),
        ("txt", "line 812", "the file's text"),
        ("label", None, "The survey label"),
    ],
)
def test_an_import_holding_a_private_link_is_refused_whole_naming_where(
    api, client, app_context, form, where, field
):
    """An office's name (or an answer) typed on a page is refused when it holds the secret of
    a private link, as the pages publish it; brought in by a survey file it was stored and
    published. Refused alike, naming the row and the field, and nothing of the file stored."""
    link = _volunteer_link(client)
    fields: dict = {}
    if form == "txt":
        data = BUNDLED_BYTES.replace(b"Auto classification, Search", f"See {link}".encode())
        name, fields["alias"] = "CWS-13-26.txt", "GE=DE"
    elif form == "label":
        data, name = BUNDLED_BYTES, "CWS-13-26.txt"
        fields["alias"], fields["label"] = "GE=DE", f"Pilot {link.rsplit('/', 1)[1]}"
    elif form.endswith("-answer"):
        data, name = _tabular(form.removesuffix("-answer"), "Pilot office", f"Our page: {link}")
    else:
        data, name = _tabular(form, f"Pilot office {link}", "AI")
    offices = db.session.scalar(select(func.count()).select_from(Office))
    refused = api.post(
        "/api/v1/surveys",
        data={"file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400, refused.json
    said = f"{where}: {field}" if where else field
    assert f"{said} holds the secret of a private link of this planner" in refused.json["message"]
    assert "nothing was changed" in refused.json["message"]
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 0
    assert answers_stored() == 0
    assert db.session.scalar(select(func.count()).select_from(Office)) == offices
    # The page says the same, with the form kept.
    page = send(api, data, name, **{"aliases" if k == "alias" else k: v for k, v in fields.items()})
    assert page.status_code == 400 and said in text_of(page)
    # Without the link it imports.
    clean = data.replace(link.encode(), b"https://example.org/plan")
    fields.pop("label", None)
    stored = api.post(
        "/api/v1/surveys",
        data={"file": (io.BytesIO(clean), name), **fields},
        content_type="multipart/form-data",
    )
    assert stored.status_code == 201, stored.json


def test_a_long_file_s_secrets_are_looked_up_in_a_few_queries(api, client, app_context):
    """Every line and field of a survey is checked for a live private link's secret: all of
    them at once, in a few queries, not two for each line holding a long run of letters (a
    co-lead's 8 MB file of such lines cost tens of thousands). The one live link among 400
    decoys is still found, named by its row."""
    link = _volunteer_link(client)
    rows = [
        "survey,office,office_name,question,recommendation,text",
        "Pilot,AU,IP Australia,focus,10,AI",
    ]
    rows += [
        f"Pilot,Q{chr(65 + n % 20)},Office {n % 20},{('focus', 'discuss')[n // 200]},"
        f"{n // 20 % 10 + 1},Decoy {n:03d} {'Q' * 30}{n:03d}{'z' * 20}"
        for n in range(400)
    ]
    rows.append(f'Pilot,XA,"Pilot office",focus,10,"Our page: {link}"')
    with counted_queries() as statements:
        refused = api.post(
            "/api/v1/surveys",
            data={"file": (io.BytesIO("\n".join(rows).encode()), "pilot.csv")},
            content_type="multipart/form-data",
        )
    assert refused.status_code == 400, refused.json
    assert f"line {len(rows)}: the text of XA's focus answer on Rec 10" in refused.json["message"]
    lookups = [s for s in statements if "link_hash" in s]
    assert 1 <= len(lookups) <= 4, len(lookups)


def test_a_line_said_twice_is_named_both_times(api, client, app_context):
    """A file's lines are read once per distinct text (a 2 MB file of blank lines costs no more
    than its distinct lines): a line holding a secret that comes twice is still named twice."""
    link = _volunteer_link(client)
    data = BUNDLED_BYTES.replace(b"Auto classification, Search", f"See {link}".encode(), 1)
    lines = data.split(b"\n")
    held = next(number for number, line in enumerate(lines, start=1) if link.encode() in line)
    data = b"\n".join([*lines, lines[held - 1]])
    refused = api.post(
        "/api/v1/surveys",
        data={"file": (io.BytesIO(data), "CWS-13-26.txt"), "alias": "GE=DE"},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400, refused.json
    for number in (held, len(lines) + 1):
        assert f"line {number}: the file's text holds the secret" in refused.json["message"]


LIMA_ROWS = [
    "survey;office;office_name;time_zone;question;recommendation;text;lines",
    "Pilot;pe;INDECOPI;America/Lima;focus;10;Búsqueda con IA, en pruebas;",
    "Pilot;PE;INDECOPI;America/Lima;discuss;;Recomendaciones 3 y 10;",
    ";;;;;;;",
    ";;;;;;;",
]


def test_the_lima_tester_s_excel_file_on_the_page_and_the_api(colead_client, api, app_context):
    """As Excel saves "CSV" in a Spanish locale: semicolons, Windows-1252, CRLF, empty rows at
    the end, a code in small letters. Refused (400) naming the line and column, how its word
    reads in each character set, where to choose one and Excel's "CSV UTF-8", with the form
    kept; saved as "CSV UTF-8", imported."""
    plain = "\r\n".join(LIMA_ROWS).encode("cp1252")
    refused = send(colead_client, plain, "lima.csv", label="Lima pilot")
    assert refused.status_code == 400
    said = text_of(refused)
    assert 'line 2, column "text": the byte 0xfa is not UTF-8.' in said
    assert "“Búsqueda” in windows-1252" in said
    assert "If one reads right, choose it under “Character set”" in said
    assert "Save As → “CSV UTF-8 (Comma delimited)”" in said
    assert 'value="Lima pilot"' in refused.get_data(as_text=True)
    body = {"file": (io.BytesIO(plain), "lima.csv")}
    api_refused = api.post("/api/v1/surveys", data=body, content_type="multipart/form-data")
    assert api_refused.status_code == 400
    assert 'line 2, column "text"' in api_refused.json["message"]
    assert "send the file again with encoding set to its name" in api_refused.json["message"]
    assert answers_stored() == 0
    utf8 = b"\xef\xbb\xbf" + "\r\n".join(LIMA_ROWS).encode("utf-8")
    body = {"file": (io.BytesIO(utf8), "lima.csv")}
    created = api.post("/api/v1/surveys", data=body, content_type="multipart/form-data")
    assert created.status_code == 201, created.json
    assert (created.json["survey"]["respondents"], created.json["survey"]["answers"]) == (1, 2)
