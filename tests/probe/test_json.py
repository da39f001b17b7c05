"""Every JSON endpoint that takes a body, found in the app's URL map, sent valid bodies with
fields changed, left out or added, and bodies that are no object at all, by a co-lead and by
anyone: no answer is a server error, a refusal says why and stores nothing."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from planner.agenda.models import Meeting, Slot
from planner.extensions import db
from planner.proposals.models import Proposal
from tests.probe.support import (
    LINEUP,
    MEETING,
    PROBE,
    PROPOSAL,
    SLOT,
    STRANGE_IDS,
    check_answer,
    json_values,
    row_counts,
)
from tests.support import read_afresh

# A valid body for each endpoint, for the probe to change one field at a time.
BODIES = {
    "proposals_api.create": PROPOSAL,
    "proposals_api.update": {"status": "accepted", "reason": "Fits the workshop.", "version": 1},
    "lineup_api.create": LINEUP,
    "agenda_api.create": MEETING,
    "agenda_api.update": {"title": "Renamed", "duration_minutes": 90},
    "agenda_api.create_slot_view": SLOT,
    "agenda_api.update_slot": {"title": "Renamed", "duration_minutes": 25},
    "agenda_api.publish_meeting": {},
    "agenda_api.reinstate_meeting": {},
    "agenda_api.copy_meeting_view": {},
    "agenda_api.delete": {},
    "agenda_api.delete_slot": {},
    "presenters_api.invite": {
        "name": "Alex",
        "email": "alex@ipaustralia.example",
        "time_zone": "Australia/Sydney",
        "language": "es",
    },
    # A survey file comes as multipart/form-data: every JSON body is refused with a message.
    "survey_api.import_survey": {"label": "CWS/13/26", "replace": True},
    "survey_api.delete": {},
}
_IDS = {"meeting_id": Meeting, "slot_id": Slot, "proposal_id": Proposal}


def json_endpoints(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) for every API endpoint that reads a body."""
    return sorted(
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods & {"POST", "PATCH", "PUT", "DELETE"}
    )


def test_every_endpoint_that_reads_a_body_has_a_valid_one(app):
    assert {endpoint for endpoint, _, _ in json_endpoints(app)} == set(BODIES)


@st.composite
def bodies(draw, valid: dict):
    """A valid body with fields changed, left out or added; or something that is not one."""
    shape = draw(st.sampled_from(["fields", "fields", "fields", "other value", "raw"]))
    if shape == "other value":
        return json.dumps(draw(json_values), allow_nan=True)
    if shape == "raw":
        return draw(
            st.sampled_from(
                [
                    "",
                    "{",
                    "[" * 1000 + "]" * 1000,
                    '{"a":' * 1000 + "1" + "}" * 1000,
                    '{"title": "\\u0000"}',
                    '{"title": "\\ud800"}',
                    '{"duration_minutes": 1e999}',
                    '{"duration_minutes": NaN}',
                    "\xff\xfe",
                ]
            )
        )
    body = {}
    for name, value in valid.items():
        choice = draw(st.sampled_from(["keep", "keep", "change", "leave out"]))
        if choice == "keep":
            body[name] = value
        elif choice == "change":
            body[name] = draw(json_values)
    if draw(st.booleans()):
        body[draw(st.sampled_from([*valid, "version", "id", "status", "x"]))] = draw(json_values)
    return json.dumps(body, allow_nan=True)


def _address(rule: str, draw) -> str:
    for name, model in _IDS.items():
        if f"<int:{name}>" in rule:
            # Drawn without looking at the database, so that the same draws make the same example.
            choice = draw(st.sampled_from(["first", "last", *STRANGE_IDS]))
            existing = list(db.session.scalars(select(model.id).order_by(model.id)))
            read_afresh()
            if isinstance(choice, str):
                number = (existing[0 if choice == "first" else -1]) if existing else 1
            else:
                number = choice
            rule = rule.replace(f"<int:{name}>", str(number))
    # Surveys by slugs that name none: the world's own survey stays for the other examples.
    slug = draw(st.sampled_from(["no-such-survey", "CWS-13-26-", "%C3%A9", "x" * 300]))
    return rule.replace("<slug>", slug)


def _probe(app, client, data) -> None:
    endpoint, method, rule = data.draw(st.sampled_from(json_endpoints(app)), label="endpoint")
    url = _address(rule, data.draw)
    body = data.draw(bodies(BODIES[endpoint]), label="body")
    kind = data.draw(st.sampled_from(["application/json"] * 4 + ["text/plain"]))
    before = row_counts()
    sent = body.encode(errors="surrogatepass")
    response = client.open(url, method=method, data=sent, content_type=kind)
    check_answer(response, before, f"{method} {url} {body[:300]!r}")


def test_the_api_as_a_colead(app, colead_client, world):
    @settings(PROBE, max_examples=110)
    @given(data=st.data())
    def probe(data):
        _probe(app, colead_client, data)

    probe()


def test_the_api_as_anyone(app, client, world):
    @settings(PROBE, max_examples=40)
    @given(data=st.data())
    def probe(data):
        _probe(app, client, data)

    probe()
