"""What a page about one meeting costs the database: the same number of queries, however many
slots the meeting has and however many offices present in it."""

import sys
from datetime import time

import pytest

from planner.agenda.models import Slot
from planner.availability.operations import replace_windows
from planner.availability.windows import check_window
from planner.extensions import db
from planner.offices.models import Office
from planner.presenters.operations import invite
from planner.proposals.models import Proposal
from tests.support import ahead, counted_queries, form_of, publish_as_planned

PRESENTERS = ("AU", "BR", "CA", "CN", "DE", "ES", "FI", "JP")


def published_meeting(api, slots: int) -> int:
    """A published meeting of `slots` talks, each by another office, each on Rec 10."""
    meeting = api.post(
        "/api/v1/meetings",
        json={
            "title": f"{slots} talks",
            "starts_at": f"{ahead('2026-12-08')}T12:00:00+01:00",
            "duration_minutes": 180,
            "time_zone": "Europe/Zurich",
        },
    ).get_json()
    for n in range(slots):
        created = api.post(
            f"/api/v1/meetings/{meeting['id']}/slots",
            json={
                "title": f"Talk {n + 1}",
                "office": PRESENTERS[n],
                "recommendations": [10],
                "duration_minutes": 15,
            },
        )
        assert created.status_code == 201
    assert publish_as_planned(api, meeting["id"]).status_code == 200
    return meeting["id"]


def twenty_talks(api) -> int:
    """A co-lead's workshop as it is planned: a published meeting of 20 talks, each by another
    office on Rec 10 and Rec 4, each scheduled from a proposal and its presenter invited, both
    with the hours they gave."""
    offices = db.session.scalars(db.select(Office.code).order_by(Office.code).limit(20)).all()
    meeting = api.post(
        "/api/v1/meetings",
        json={
            "title": "Twenty talks",
            "starts_at": f"{ahead('2026-12-08')}T08:00:00+01:00",
            "duration_minutes": 300,
            "time_zone": "Europe/Zurich",
        },
    ).get_json()
    for n, office in enumerate(offices):
        created = api.post(
            f"/api/v1/meetings/{meeting['id']}/slots",
            json={
                "title": f"Talk {n + 1}",
                "office": office,
                "recommendations": [10, 4],
                "duration_minutes": 15,
            },
        )
        assert created.status_code == 201
    assert publish_as_planned(api, meeting["id"]).status_code == 200
    with_presenters(meeting["id"])
    db.session.expire_all()  # nothing loaded by the requests above hides a query
    return meeting["id"]


def with_presenters(meeting_id: int, *, words_only: bool = False) -> None:
    """Each slot scheduled from a volunteer's proposal, its presenter invited, and both with
    availability windows: what the editor and the API warn about. `words_only`: the volunteers
    only wrote their availability, which the pages read into windows, and no one is invited."""
    lima = check_window("America/Lima", (1, 2), None, time(8), time(12))
    for slot in db.session.scalars(db.select(Slot).where(Slot.meeting_id == meeting_id)):
        proposal = Proposal(
            office_code=slot.office_code,
            title=slot.title,
            abstract="",
            contact_name="Rosa",
            contact_email="rosa@office.example",
            duration_minutes=15,
            availability="Mondays 8-12 Lima" if words_only else "",
            maturity="pilot",
            status="accepted",
        )
        db.session.add(proposal)
        slot.proposal = proposal
        if words_only:
            continue
        replace_windows([lima], proposal=proposal)
        invitation, _ = invite(slot, name="Rosa", email=None, time_zone="America/Lima", by=None)
        replace_windows([lima], invitation=invitation)
    db.session.commit()


def queries_for(api, url: str, slots: int, presenters: str = "") -> int:
    meeting_id = published_meeting(api, slots)
    if presenters:
        with_presenters(meeting_id, words_only=presenters == "words")
    with counted_queries() as statements:
        response = api.get(url.format(id=meeting_id))
    assert response.status_code == 200, url
    return len(statements)


@pytest.mark.parametrize(
    "url",
    [
        "/meetings",
        "/meetings/{id}",
        "/meetings/{id}/edit",
        "/api/v1/meetings/{id}",
        "/meetings/{id}/schedule.json",
        "/meetings/{id}.ics",
        "/meetings/{id}.ics?scope=slots",
    ],
)
@pytest.mark.parametrize(
    "presenters",
    ["", "invited", "words"],
    ids=["talks", "invited presenters", "availability in words"],
)
# How many statements a page sends is the ORM's loading, the same on both databases; the pages
# themselves run on PostgreSQL in their own tests.
@pytest.mark.one_database
def test_queries_do_not_grow_with_the_slots(colead_client, survey, url, presenters):
    # The second meeting also makes the list of meetings one longer.
    few = queries_for(colead_client, url, 3, presenters)
    many = queries_for(colead_client, url, 8, presenters)
    assert few == many, f"{url}: {few} queries with 3 slots, {many} with 8"


@pytest.mark.one_database
def test_the_list_of_meetings_reads_no_agenda(colead_client, survey):
    """helper-103: /meetings read every meeting's slots, presenters and recommendations to show
    a number of slots; 45 meetings took 300-460 ms. It counts them in the database instead."""
    for slots in (3, 5):
        published_meeting(colead_client, slots)
    db.session.expire_all()  # nothing loaded by the requests above hides a query
    with counted_queries() as statements:
        page = colead_client.get("/meetings")
    assert page.status_code == 200
    cells = page.get_data(as_text=True).count('<td class="num" data-label="Slots">')
    assert cells == 2
    assert '<td class="num" data-label="Slots">3</td>' in page.get_data(as_text=True)
    assert '<td class="num" data-label="Slots">5</td>' in page.get_data(as_text=True)
    read_slots = [s for s in statements if "FROM slots" in s and "count(" not in s]
    assert read_slots == []
    assert not any("slot_recommendations" in s or "FROM invitations" in s for s in statements)


def test_a_saved_text_is_read_for_private_links_once(api, survey, monkeypatch):
    """The slot's page checks its title and abstract for a private link's secret where they
    are saved (the API's way too), not in the form first and again in the save: the check
    looks every long run of letters up in the database."""
    import planner.agenda.checks as checks

    meeting_id = published_meeting(api, 1)
    slot_id = db.session.scalar(db.select(Slot.id).where(Slot.meeting_id == meeting_id))
    read = []
    monkeypatch.setattr(checks, "names_a_secret", lambda text: read.append(text) or False)
    url = f"/slots/{slot_id}/edit"
    saved = api.post(
        url,
        data={
            **form_of(api, url),
            "title": "A title",
            "abstract": "An abstract",
        },
    )
    assert saved.status_code == 302
    assert sorted(read) == ["A title", "An abstract"]


def _copied_draft(api, slots: int) -> int:
    """A draft copied from a published meeting of `slots` talks, each presenter invited with an
    address (whom "Invite" offers again on the copy); its id."""
    meeting_id = published_meeting(api, slots)
    for slot in db.session.scalars(db.select(Slot).where(Slot.meeting_id == meeting_id)):
        invite(
            slot,
            name=f"Ana {slot.title}",
            email=f"ana{slot.id}@ip.example",
            time_zone=None,
            by=None,
        )
    db.session.commit()
    copied = api.post(f"/api/v1/meetings/{meeting_id}/copy")
    assert copied.status_code == 201, copied.get_json()
    db.session.expire_all()  # nothing loaded by the requests above hides a query
    return copied.get_json()["id"]


@pytest.mark.one_database
def test_the_editor_of_a_copied_draft_reads_whom_to_invite_again_at_once(
    colead_client, survey, monkeypatch
):
    """helper-260: the editor of a copied draft read each talk's original slot, and its
    invitation, on its own (two queries a talk), asked each slot whom to invite again twice,
    and worked out the offices presenting besides the survey's respondents twice."""
    import planner.agenda.models as models
    import planner.agenda.queries as queries

    few, many = _copied_draft(colead_client, 3), _copied_draft(colead_client, 8)
    asked = {"presenter_to_copy": 0, "presenting_besides": 0}
    counts = {}
    for draft, talks in ((few, 3), (many, 8)):
        with monkeypatch.context() as patched:
            for module, name in ((models, "presenter_to_copy"), (queries, "presenting_besides")):
                original = getattr(module, name)
                counting = _counted(asked, name, original)
                # Wherever it is called from, by whatever name it was imported.
                for there in [m for n, m in sys.modules.items() if n.startswith("planner.")]:
                    if getattr(there, name, None) is original:
                        patched.setattr(there, name, counting)
            with counted_queries() as statements:
                page = colead_client.get(f"/meetings/{draft}/edit")
        assert page.status_code == 200
        assert page.get_data(as_text=True).count(", as in the meeting copied") == talks
        assert asked == {"presenter_to_copy": talks, "presenting_besides": 1}, talks
        asked = dict.fromkeys(asked, 0)
        counts[talks] = len(statements)
    assert counts[3] == counts[8], f"{counts[3]} queries with 3 talks, {counts[8]} with 8"


def _counted(asked: dict, name: str, original):
    def call(*args, **kwargs):
        asked[name] += 1
        return original(*args, **kwargs)

    return call


# Each page's statements for a meeting of 20 talks, as sent now: the meeting once with its agenda
# (slots, their offices, recommendations, presenters; the proposals and the hours given only on
# the editor, which warns about those hours and offers whom to invite again), the survey whose
# respondents take part once, and what the page shows besides. Fewer is welcome: lower the
# number. More is a page that reads something again, or a slot at a time: 20 talks make that
# 20 statements more, at least.
STATEMENTS = {
    ("anyone", "/meetings/{id}"): 10,
    ("co-lead", "/meetings/{id}"): 11,
    ("co-lead", "/meetings/{id}/edit"): 22,
}


@pytest.mark.parametrize(("who", "url"), list(STATEMENTS))
@pytest.mark.one_database
def test_a_meeting_of_twenty_talks_is_read_in_a_fixed_number_of_statements(
    colead_client, client, survey, who, url
):
    """A profile of the agenda's pages: the meeting's page read the talks' proposals and the
    hours presenters gave (three statements of the nine its agenda took), which only the
    editor reads, and the meeting's page and the editor read the latest survey twice; the editor
    read every recommendation twice, once for each of its forms."""
    meeting_id = twenty_talks(colead_client)
    reader = client if who == "anyone" else colead_client
    with counted_queries() as statements:
        page = reader.get(url.format(id=meeting_id))
    assert page.status_code == 200
    assert page.get_data(as_text=True).count("Talk ") >= 20
    assert len(statements) == STATEMENTS[who, url], "\n".join(statements)
