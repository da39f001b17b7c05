"""An accepted proposal flows into an agenda ("Schedule", "Add a slot" with a linked proposal,
the API, a line-up), and its volunteer sees the decision and when they present."""

import html
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from planner.agenda.models import Meeting, Slot
from planner.extensions import db
from planner.lineup.models import Lineup
from planner.proposals.models import Proposal
from tests.presenters.support import invite
from tests.support import (
    add_slot_on_page,
    counted_queries,
    csrf_token,
    form_of,
    held_workshop,
    hidden_fields,
    in_page,
    publish_as_planned,
    said_in,
    session_csrf_token,
)

PROPOSAL = {
    "office": "PE",
    "contact_name": "Lucía Example",
    "contact_email": "lucia@indecopi.example",
    "title": "Chatbots for applicants in Spanish",
    "abstract": "What our virtual assistant answers, and what it cannot.",
    "recommendations": ["10", "3"],
    "duration_minutes": "25",
    "availability": "Tuesdays 08:00-11:00",
    "maturity": "production",
}
REASON = "A working service that small offices asked to see."


def volunteer(client, **changes) -> str:
    data = {**PROPOSAL, "csrf_token": session_csrf_token(client), **changes}
    response = client.post("/volunteer", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def decide(colead_client, proposal: Proposal, status: str = "accepted", reason: str = REASON):
    url = f"/proposals/{proposal.id}"
    page = colead_client.get(url).get_data(as_text=True)
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', page)[1]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]  # the page's form's
    response = colead_client.post(
        url,
        data={
            "csrf_token": token,
            "version": version,
            "status": status,
            "reason": reason,
        },
    )
    assert response.status_code == 302


def meeting(colead_client, title: str = "Rec 10 workshop", **fields) -> int:
    body = {"title": title, "starts_at": "2030-03-12T14:00:00+01:00", **fields}
    response = colead_client.post("/api/v1/meetings", json=body)
    assert response.status_code == 201
    return response.get_json()["id"]


def the_proposal() -> Proposal:
    db.session.expire_all()
    return db.session.scalar(select(Proposal))


def slots() -> list[Slot]:
    db.session.expire_all()
    return list(db.session.scalars(select(Slot).order_by(Slot.id)))


def schedule(colead_client, proposal: Proposal, meeting_id: int | str):
    url = f"/proposals/{proposal.id}"
    return colead_client.post(
        f"{url}/schedule",
        data={"csrf_token": session_csrf_token(colead_client), "meeting": str(meeting_id)},
    )


def assert_filled_from(slot: Slot, proposal: Proposal) -> None:
    assert (slot.title, slot.abstract, slot.office_code, slot.duration_minutes) == (
        proposal.title,
        proposal.abstract,
        proposal.office_code,
        proposal.duration_minutes,
    )
    assert [r.number for r in slot.recommendations] == [3, 10]
    assert (slot.proposal_id, slot.status) == (proposal.id, "proposed")


@pytest.mark.one_database  # the statements are the ORM's loading, the same on both databases
def test_the_proposal_page_offers_meetings_without_reading_their_agendas(
    client, colead_client, survey
):
    """For "Schedule", every meeting ever held is looked at: their slots, presenters and
    recommendations are not read for it, however many there are."""
    volunteer(client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    for n in range(2):
        meeting_id = meeting(colead_client, title=f"Workshop {n}")
        for s in range(3):
            talk = {"title": f"Talk {s}", "office": "AU", "recommendations": [10]}
            added = colead_client.post(f"/api/v1/meetings/{meeting_id}/slots", json=talk)
            assert added.status_code == 201
    db.session.expire_all()  # the meetings as a request meets them: not yet loaded
    with counted_queries() as statements:
        page = colead_client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Workshop 0 (draft, 2030-03-12)" in page and "Workshop 1 (draft, 2030-03-12)" in page
    read = "\n".join(statements)
    assert "slot_recommendations" not in read and "invitations" not in read


def test_schedule_an_accepted_proposal(client, colead_client, survey):
    volunteer(client)
    proposal = the_proposal()
    draft = meeting(colead_client)
    page = colead_client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Accept the proposal to schedule it." in page
    refused = schedule(colead_client, proposal, draft)
    assert refused.status_code == 400 and "only accepted ones go in" in refused.get_data(
        as_text=True
    )
    assert slots() == []

    decide(colead_client, proposal)
    cancelled = meeting(colead_client, "Cancelled one")
    colead_client.delete(f"/api/v1/meetings/{cancelled}")
    # A published meeting that is over (time has passed since it was published) is no place
    # for a new talk either.
    over = meeting(colead_client, "Last year's workshop")
    opening = {"title": "Opening", "kind": "discussion", "duration_minutes": 10}
    assert colead_client.post(f"/api/v1/meetings/{over}/slots", json=opening).status_code == 201
    assert publish_as_planned(colead_client, over).status_code == 200
    db.session.get(Meeting, over).starts_at = datetime(2020, 3, 10, 13, tzinfo=UTC)
    db.session.commit()
    page = colead_client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    offered = re.findall(r'<option value="(\d+)">([^<]+)</option>', page)
    assert offered == [(str(draft), "Rec 10 workshop (draft, 2030-03-12)")]
    refused = schedule(colead_client, proposal, over)
    assert refused.status_code == 409
    said = html.unescape(refused.get_data(as_text=True))
    assert "“Last year's workshop” is over: it takes no new slot. Choose another." in said
    assert [s for s in slots() if s.proposal_id] == []

    response = schedule(colead_client, proposal, draft)
    [slot] = [s for s in slots() if s.meeting_id == draft]
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/slots/{slot.id}/edit")
    assert_filled_from(slot, proposal)
    page = colead_client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f'href="/slots/{slot.id}/edit">Chatbots for applicants in Spanish</a>' in page
    assert schedule(colead_client, proposal, 10**6).status_code == 404  # no such meeting
    # A meeting is listed by its date where it is held, not in UTC (09:00 in Sydney is the
    # evening before in UTC).
    meeting(
        colead_client,
        "Sydney morning",
        starts_at="2030-04-01T09:00:00+11:00",
        time_zone="Australia/Sydney",
    )
    page = colead_client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Sydney morning (draft, 2030-04-01)" in page


def test_scheduling_a_second_talk_of_an_office_into_a_meeting_says_so(
    client, colead_client, survey
):
    """helper-150: an accepted RU proposal scheduled into a meeting whose line-up already gave
    RU a talk went in as a second one without a word. It still goes in (a second talk may be
    meant), and the co-lead is told which talk the office already gives; a cancelled one, or
    another office's, is no reason to say so. "Add a slot" says the same."""
    volunteer(client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    draft = meeting(colead_client)
    first = {"title": "Virtual assistant, year one", "office": "PE", "recommendations": [10]}
    assert colead_client.post(f"/api/v1/meetings/{draft}/slots", json=first).status_code == 201
    other = {"title": "Risk-based governance", "office": "AU", "recommendations": [10]}
    assert colead_client.post(f"/api/v1/meetings/{draft}/slots", json=other).status_code == 201
    response = schedule(colead_client, proposal, draft)
    assert response.status_code == 302
    page = html.unescape(colead_client.get(response.headers["Location"]).get_data(as_text=True))
    said = (
        "INDECOPI already presents in Rec 10 workshop: “Virtual assistant, year one”. Both are on "
        "the agenda now (and in the office's calendars once it is published); cancel or remove "
        "one if a single talk per office was meant."
    )
    assert said in page and "Risk-based governance”" not in page.split("already presents")[1]
    assert len([s for s in slots() if s.office_code == "PE"]) == 2
    # By hand, on the meeting's page, the same.
    added = add_slot_on_page(
        colead_client, draft, title="A third from Lima", office="PE", follow_redirects=True
    )
    shown = html.unescape(added.get_data(as_text=True))
    assert "INDECOPI already presents in Rec 10 workshop: “Virtual assistant, year one”; " in shown
    assert "All 3 are on the agenda now" in shown  # helper-154: it said "Both" of three
    # Cancelled, a talk is none the office gives.
    for slot in slots():
        if slot.office_code == "PE":
            gone = colead_client.patch(f"/api/v1/slots/{slot.id}", json={"status": "cancelled"})
            assert gone.status_code == 200, gone.get_json()
    again = add_slot_on_page(
        colead_client, draft, title="A fourth, alone", office="PE", follow_redirects=True
    )
    assert "Slot added." in again.get_data(as_text=True)
    assert "already presents" not in again.get_data(as_text=True)


def test_the_invitation_page_does_not_call_the_volunteer_a_saved_contact(
    client, colead_client, survey
):
    """helper-303: a volunteer who did not ask to be kept was listed under "PE's contacts" on
    the invitation page, as if saved with the office's."""
    volunteer(client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    schedule(colead_client, proposal, meeting(colead_client))
    [slot] = slots()
    page = html.unescape(colead_client.get(f"/slots/{slot.id}/invite").get_data(as_text=True))
    assert (
        f"<li>Lucía Example <lucia@indecopi.example>: volunteered it (proposal #{proposal.id}), "
        "not saved as a contact</li>"
    ) in page


def test_a_proposal_is_scheduled_once_per_meeting(client, colead_client, survey):
    """A second click on "Schedule" (or the API, or "Add a slot" naming it) does not put the
    proposal in the meeting twice; once its slot is cancelled it may go in again."""
    volunteer(client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    draft = meeting(colead_client)
    assert schedule(colead_client, proposal, draft).status_code == 302
    again = schedule(colead_client, proposal, draft)
    assert again.status_code == 409
    assert f"Proposal {proposal.id} is in this meeting already, as “Chatbots" in html.unescape(
        again.get_data(as_text=True)
    )
    api = colead_client.post(
        f"/api/v1/meetings/{draft}/slots", json={"title": "Again", "proposal_id": proposal.id}
    )
    assert api.status_code == 409 and api.get_json()["field"] == "proposal_id"
    [slot] = slots()
    other = colead_client.post(f"/api/v1/meetings/{draft}/slots", json={"title": "Other"})
    relinked = colead_client.patch(
        f"/api/v1/slots/{other.get_json()['id']}", json={"proposal_id": proposal.id}
    )
    assert relinked.status_code == 409
    # Another meeting may have it too; and this one again once its slot is cancelled.
    assert schedule(colead_client, proposal, meeting(colead_client, "Second")).status_code == 302
    cancelled = colead_client.patch(f"/api/v1/slots/{slot.id}", json={"status": "cancelled"})
    assert cancelled.status_code == 200
    assert schedule(colead_client, proposal, draft).status_code == 302
    assert len([s for s in slots() if s.proposal_id == proposal.id]) == 3


def test_scheduling_into_a_meeting_gone_since_the_page_was_opened_says_so(
    client, colead_client, survey
):
    """helper-179: "Schedule" into a draft another co-lead deleted (or cancelled) after the
    review page was opened answered "Not a valid choice." beside the meeting, as if it had
    been mistyped. It says what became of the meeting, to choose again."""
    volunteer(client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    gone, cancelled = meeting(colead_client), meeting(colead_client, "Second")
    page = f"/proposals/{proposal.id}"
    token = csrf_token(colead_client, page)
    # Meanwhile, in another tab: one draft deleted, the other published and cancelled.
    assert colead_client.delete(f"/api/v1/meetings/{gone}").status_code == 200
    talk = {"title": "Opening", "kind": "discussion", "duration_minutes": 10}
    colead_client.post(f"/api/v1/meetings/{cancelled}/slots", json=talk)
    assert publish_as_planned(colead_client, cancelled).status_code == 200
    assert colead_client.delete(f"/api/v1/meetings/{cancelled}").status_code == 200
    url = f"/proposals/{proposal.id}/schedule"
    missing = colead_client.post(url, data={"csrf_token": token, "meeting": str(gone)})
    assert missing.status_code == 404
    said = html.unescape(missing.get_data(as_text=True))
    assert f"There is no meeting {gone} (deleted since this page was opened?)" in said
    assert "Not a valid choice" not in said
    off = colead_client.post(url, data={"csrf_token": token, "meeting": str(cancelled)})
    assert off.status_code == 409
    said = html.unescape(off.get_data(as_text=True))
    assert "“Second” is cancelled now: it takes no new slot. Choose another." in said
    # A number beyond any meeting's is no meeting either.
    huge = colead_client.post(url, data={"csrf_token": token, "meeting": "9" * 30})
    assert huge.status_code == 400
    assert [s.title for s in slots()] == ["Opening"]


def test_the_review_page_does_not_offer_to_schedule_into_the_meeting_holding_it(
    client, colead_client, survey
):
    """helper-174: once scheduled, the review page still offered "Schedule" into the meeting
    whose agenda held it, which refused it (409). It says where the proposal is scheduled, and
    offers only the other meetings; with none, no form."""
    volunteer(client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    draft = meeting(colead_client)
    assert schedule(colead_client, proposal, draft).status_code == 302
    page = html.unescape(colead_client.get(f"/proposals/{proposal.id}").get_data(as_text=True))
    schedule_part = page.split('id="schedule"')[1].split("The volunteer's proposal link")[0]
    words = re.sub(r"<[^>]+>", "", schedule_part)
    assert "It is scheduled: “Chatbots for applicants in Spanish” in Rec 10 workshop." in words
    assert "There is no other draft or upcoming meeting to schedule it into." in schedule_part
    assert '<button type="submit">Schedule</button>' not in schedule_part
    assert f'value="{draft}"' not in schedule_part
    other = meeting(colead_client, title="Rec 3 workshop")
    page = html.unescape(colead_client.get(f"/proposals/{proposal.id}").get_data(as_text=True))
    schedule_part = page.split('id="schedule"')[1].split("The volunteer's proposal link")[0]
    assert "To present it in another meeting as well, choose that meeting below." in schedule_part
    assert f'<option value="{other}">' in schedule_part
    assert f'<option value="{draft}">' not in schedule_part
    assert '<button type="submit">Schedule</button>' in schedule_part


def test_a_proposal_presented_at_a_meeting_that_took_place_is_said_so_and_not_offered_again(
    client, colead_client, survey
):
    """helper-204: months after the Rec 10 workshop, its review page said PE's proposal "is
    scheduled" there, and the next workshop's "Add a slot" offered it as a linked proposal
    among those still to place. It says it was presented, with a link to the archive; only
    "Schedule" on its own page presents it again, on purpose."""
    volunteer(client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    first = held_workshop(colead_client, [{"proposal_id": proposal.id}])
    (given,) = slots()
    page = html.unescape(colead_client.get(f"/proposals/{proposal.id}").get_data(as_text=True))
    words = re.sub(r"<[^>]+>", "", page.split('id="schedule"')[1])
    assert (
        "It was presented: “Chatbots for applicants in Spanish” at Workshop on Recommendation 10 "
        "on 20 January 2026." in words
    )
    assert "It is scheduled" not in words
    assert f'href="/meetings/{first}/archive#slot-{given.id}"' in page
    review = html.unescape(colead_client.get("/proposals").get_data(as_text=True))
    status = re.search(r'<td data-label="Status">(.*?)</td>', review, re.S)[1]
    assert " ".join(re.sub(r"<[^>]+>", "", status).split()) == (
        "accepted presented at Workshop on Recommendation 10, 20 January 2026"
    )
    second = meeting(colead_client, title="Workshop on Recommendation 4")
    editor = colead_client.get(f"/meetings/{second}/edit").get_data(as_text=True)
    linked = re.search(r'<select[^>]*id="slot-proposal".*?</select>', editor, re.S)[0]
    assert f'<option value="{proposal.id}">' not in linked
    refused = add_slot_on_page(colead_client, second, proposal=str(proposal.id))
    # Sent from a page opened before the workshop ended: said why, as the API says it.
    assert refused.status_code == 409
    assert (
        f"Proposal {proposal.id}'s talk was given at “Workshop on Recommendation 10” on 20 "
        "January 2026: a talk given is not linked to another slot."
    ) in html.unescape(refused.get_data(as_text=True))
    assert [s.meeting_id for s in slots()] == [first]
    # On purpose, from its own page: offered there, and said when done.
    page = colead_client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f'<option value="{second}">' in page
    assert schedule(colead_client, proposal, second).status_code == 302
    page = html.unescape(colead_client.get(f"/proposals/{proposal.id}").get_data(as_text=True))
    words = re.sub(r"<[^>]+>", "", page.split('id="schedule"')[1])
    assert "It was presented: “Chatbots" in words
    assert (
        "It is scheduled: “Chatbots for applicants in Spanish” in Workshop on Recommendation 4."
        in words
    )


def test_every_page_gives_the_day_a_talk_was_presented_alike(client, colead_client, survey):
    """The day a talk was presented read "20 Jan 2026" on the proposals' list and a line-up,
    "20 January 2026" on the proposal's own page, the office's, the archive and the
    volunteer's: one way, the page's language's (Babel's, as the translated pages say it)."""
    token = volunteer(client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    # In the evening in Lima it is the next day in Geneva: each page gives the meeting's day.
    first = held_workshop(
        colead_client,
        [
            {"proposal_id": proposal.id},
            {
                "title": "Blockchain at the Polish Patent Office",
                "office": "PL",
                "recommendations": [10],
            },
        ],
        starts_at="2026-01-20T19:00:00-05:00",
        time_zone="America/Lima",
    )
    lineup = colead_client.post("/api/v1/lineups", json={"recommendation": 10, "slots": 5})
    assert lineup.status_code == 201
    pages = {
        "the proposals": "/proposals",
        "the proposal": f"/proposals/{proposal.id}",
        "the office": "/offices/PE",
        "the archive": f"/meetings/{first}/archive",
        "the volunteer's": f"/proposals/{token}",
        "a line-up": f"/lineups/{lineup.get_json()['id']}",
    }
    for name, url in pages.items():
        page = html.unescape(colead_client.get(url).get_data(as_text=True))
        words = " ".join(re.sub(r"<[^>]+>", " ", page).split())
        assert "20 January 2026" in words, name
        assert not re.search(r"\b2[01] Jan(uary)? 2026\b", words.replace("20 January 2026", "")), (
            name
        )


def test_the_volunteer_reads_in_the_past_of_a_talk_given_at_a_meeting_that_took_place(
    client, colead_client, survey
):
    """helper-204: months after the workshop, the volunteer's page still said "When it is
    presented" and that "the co-leads have arranged who presents it", as of a talk to come. It
    says when it was presented, in their language, and leads to the archive."""
    token = volunteer(client, language="es")
    proposal = the_proposal()
    decide(colead_client, proposal)
    first = held_workshop(colead_client, [{"proposal_id": proposal.id}])
    (given,) = slots()
    page = html.unescape(client.get(f"/proposals/{token}").get_data(as_text=True))
    words = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Cuándo se presentó" in words and "Cuándo se presenta " not in words
    assert "Se presentó el 20 de enero de 2026: esta reunión ya se ha celebrado." in words
    assert f'href="/meetings/{first}/archive#slot-{given.id}"' in page
    assert (
        said_in("es", "The co-leads have arranged who presents it and confirmed it.") not in words
    )


def test_the_api_links_no_slot_to_a_proposal_whose_talk_was_given(client, colead_client, survey):
    """The slot editor offers a proposal presented at a meeting that took place no more, but the
    API linked it to a new slot, or to another slot, as if it were still to place: 409, saying
    where it was given and how to present it again on purpose. The slot that gave it keeps its
    link, and a slot of another proposal is still made."""
    volunteer(client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    first = held_workshop(colead_client, [{"proposal_id": proposal.id}])
    (given,) = slots()
    second = meeting(colead_client, title="Workshop on Recommendation 4")
    said = (
        f"Proposal {proposal.id}'s talk was given at “Workshop on Recommendation 10” on 20 "
        "January 2026: a talk given is not linked to another slot. To present it once more on "
        f"purpose, use “Schedule” on the proposal's page (/proposals/{proposal.id})."
    )
    refused = colead_client.post(
        f"/api/v1/meetings/{second}/slots", json={"proposal_id": proposal.id}
    )
    assert refused.status_code == 409
    assert refused.get_json()["message"] == said
    assert refused.get_json()["field"] == "proposal_id"
    other = colead_client.post(
        f"/api/v1/meetings/{second}/slots", json={"title": "Open floor", "duration_minutes": 20}
    )
    assert other.status_code == 201
    linked = colead_client.patch(
        f"/api/v1/slots/{other.get_json()['id']}", json={"proposal_id": proposal.id}
    )
    assert linked.status_code == 409 and linked.get_json()["message"] == said
    edit = f"/slots/{other.get_json()['id']}/edit"
    on_page = colead_client.post(
        edit, data={**form_of(colead_client, edit), "proposal": proposal.id}
    )
    assert on_page.status_code == 409 and said in html.unescape(on_page.get_data(as_text=True))
    kept = colead_client.patch(
        f"/api/v1/slots/{given.id}", json={"proposal_id": proposal.id, "title": "As given"}
    )
    assert kept.status_code == 200, kept.get_json()
    assert [(s.meeting_id, s.proposal_id) for s in slots()] == [
        (first, proposal.id),
        (second, None),
    ]


def test_a_scheduled_proposal_is_not_declined_while_an_agenda_holds_it(
    client, colead_client, survey
):
    volunteer(client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    draft = meeting(colead_client)
    assert schedule(colead_client, proposal, draft).status_code == 302
    [slot] = slots()
    version = the_proposal().version
    body = {"status": "declined", "reason": "Changed our mind.", "version": version}
    refused = colead_client.patch(f"/api/v1/proposals/{proposal.id}", json=body)
    assert refused.status_code == 409
    assert (
        "It is on an agenda: “Chatbots for applicants in Spanish” in Rec 10 workshop"
        in (refused.get_json()["message"])
    )
    url = f"/proposals/{proposal.id}"
    # The page says so before a reason is written, and offers no decision to be refused.
    shown = html.unescape(colead_client.get(url).get_data(as_text=True))
    assert (
        "It is accepted and on an agenda: “Chatbots for applicants in Spanish” in Rec 10 "
        "workshop. To change the decision, cancel or remove that slot first"
    ) in re.sub(r"<[^>]+>", "", shown)
    assert "Save the decision" not in shown and 'name="status"' not in shown
    # A page opened before the slot was made: refused, the reason typed kept.
    page = colead_client.post(
        url,
        data={
            "csrf_token": csrf_token(colead_client, url),
            "version": str(version),
            "status": "declined",
            "reason": "Changed our mind.",
        },
    )
    assert page.status_code == 409
    refusal = html.unescape(page.get_data(as_text=True))
    assert "Cancel or remove that slot first" in refusal
    assert "Changed our mind.</textarea>" in refusal
    assert the_proposal().status == "accepted"
    cancelled = colead_client.patch(f"/api/v1/slots/{slot.id}", json={"status": "cancelled"})
    assert cancelled.status_code == 200
    assert "Save the decision" in colead_client.get(url).get_data(as_text=True)
    assert colead_client.patch(url.replace("/", "/api/v1/", 1), json=body).status_code == 200
    assert the_proposal().status == "declined"


def test_only_a_presentation_presents_a_proposal(client, colead_client, survey):
    """helper-163: a scheduled talk made a break (its office emptied, as a break is no office's)
    or a discussion kept its proposal: the volunteer's page listed the coffee break under "When
    you present", waiting for a presenter no one could invite, and the proposal stayed "on an
    agenda", so no decision could change and no other meeting took it. Refused, naming the
    field, until the proposal is taken off the slot too."""
    token = volunteer(client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    draft = meeting(colead_client)
    assert schedule(colead_client, proposal, draft).status_code == 302
    assert publish_as_planned(colead_client, draft).status_code == 200
    [slot] = [s for s in slots() if s.proposal_id]
    url = f"/api/v1/slots/{slot.id}"
    said = "A break presents no proposal: leave its proposal empty."
    for change in ({"kind": "break"}, {"kind": "break", "office": None}, {"kind": "discussion"}):
        refused = colead_client.patch(url, json=change)
        assert refused.status_code == 400, refused.get_json()
        words = said.replace("break", change["kind"])
        assert (refused.get_json()["message"], refused.get_json()["field"]) == (words, "kind")
    assert [s.kind for s in slots() if s.proposal_id] == ["presentation"]
    coffee = {"title": "Coffee", "kind": "break", "proposal_id": proposal.id}
    other = meeting(colead_client, "Another workshop")
    added = colead_client.post(f"/api/v1/meetings/{other}/slots", json=coffee)
    assert added.status_code == 400, added.get_json()
    assert (added.get_json()["message"], added.get_json()["field"]) == (said, "proposal_id")
    # On the slot's page: refused on its field, the form as typed.
    page = f"/slots/{slot.id}/edit"
    sent = {**form_of(colead_client, page), "kind": "break", "office": "", "title": "Coffee"}
    answer = colead_client.post(page, data=sent)
    assert answer.status_code == 400
    shown = html.unescape(answer.get_data(as_text=True))
    assert said in shown and 'value="Coffee"' in shown
    # Taken off the slot with it, the break is no one's talk.
    emptied = colead_client.patch(url, json={"kind": "break", "office": None, "proposal_id": None})
    assert emptied.status_code == 200, emptied.get_json()
    assert "When you present" not in client.get(f"/proposals/{token}").get_data(as_text=True)


def test_saving_a_slot_keeps_its_link_to_a_proposal_declined_since(client, colead_client, survey):
    volunteer(client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    assert schedule(colead_client, proposal, meeting(colead_client)).status_code == 302
    [slot] = slots()
    assert (
        colead_client.patch(f"/api/v1/slots/{slot.id}", json={"status": "cancelled"}).status_code
        == 200
    )
    decide(colead_client, the_proposal(), "declined", "Not this year.")
    edit = f"/slots/{slot.id}/edit"
    form = form_of(colead_client, edit)
    assert form["proposal"] == [str(proposal.id)]
    form["title"] = ["Chatbots (moved to next year)"]
    saved = colead_client.post(edit, data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    [slot] = slots()
    assert (slot.title, slot.proposal_id) == ("Chatbots (moved to next year)", proposal.id)
    # The API alike: the link sent back as it is is kept, not checked again.
    again = {"proposal_id": proposal.id, "title": "Chatbots, next year"}
    assert colead_client.patch(f"/api/v1/slots/{slot.id}", json=again).status_code == 200


def test_scheduling_writes_the_proposal_so_a_decline_taken_meanwhile_conflicts(
    client, colead_client, survey
):
    """A decline decided on the proposal as it was before a "Schedule" (two co-leads at the
    same moment) is refused as stale: the scheduling raised the proposal's version, so the
    two cannot both succeed and leave a declined proposal on an agenda."""
    volunteer(client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    seen = the_proposal().version
    assert schedule(colead_client, proposal, meeting(colead_client)).status_code == 302
    assert the_proposal().version == seen + 1
    body = {"status": "declined", "reason": "No.", "version": seen}
    stale = colead_client.patch(f"/api/v1/proposals/{proposal.id}", json=body)
    assert stale.status_code == 409
    message = stale.get_json()["message"]
    assert "This proposal changed since you opened it: it was put on an agenda (“Chatbots" in (
        message
    )
    assert the_proposal().status == "accepted"


def test_a_scheduled_proposal_goes_before_the_closing_discussion_and_says_where(
    client, colead_client, survey
):
    volunteer(client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    published = meeting(colead_client, "Published workshop", time_zone="Europe/Zurich")
    for slot in (
        {"title": "Opening", "kind": "discussion", "duration_minutes": 10},
        {"title": "A talk", "kind": "presentation", "duration_minutes": 20, "office": "AU"},
        {"title": "Closing discussion", "kind": "discussion", "duration_minutes": 15},
    ):
        added = colead_client.post(f"/api/v1/meetings/{published}/slots", json=slot)
        assert added.status_code == 201
    assert publish_as_planned(colead_client, published).status_code == 200
    response = schedule(colead_client, proposal, published)
    assert response.status_code == 302
    titles = [s.title for s in sorted(slots(), key=lambda s: s.position)]
    assert titles == ["Opening", "A talk", proposal.title, "Closing discussion"]
    page = html.unescape(colead_client.get(response.headers["Location"]).get_data(as_text=True))
    said = r"is in Published workshop, \d+ \w+ \d{4} at 14:30 in Geneva \(UTC\+1\), filled from"
    assert re.search(said, page), page
    assert "already show it, as to be confirmed" in page
    # What the message says to do next is on the page: invite the presenter.
    assert "then invite its presenter (below)" in page
    slot_id = response.headers["Location"].split("/")[-2]
    assert f'href="/slots/{slot_id}/invite">Invite the presenter</a>' in page


@pytest.mark.parametrize("left_out", [("proposal",), ("office",), ("proposal", "office")])
def test_a_slot_saved_without_its_selects_keeps_its_office_and_proposal(
    client, colead_client, survey, left_out
):
    """A script (or a page cut short) that leaves a select out of the post changes nothing
    there, as with a text field left out: it was a 500 for the linked proposal (helper-77)."""
    volunteer(client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    schedule(colead_client, proposal, meeting(colead_client))
    [slot] = slots()
    url = f"/slots/{slot.id}/edit"
    fields = form_of(colead_client, url)
    for name in left_out:
        del fields[name]
    fields["title"] = ["Chatbots, as scheduled"]
    response = colead_client.post(url, data=fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    [slot] = slots()
    assert (slot.title, slot.office_code, slot.proposal_id) == (
        "Chatbots, as scheduled",
        "PE",
        proposal.id,
    )


def test_add_a_slot_with_a_linked_proposal_fills_what_was_left_empty(client, colead_client, survey):
    volunteer(client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    draft = meeting(colead_client)
    edit = f"/meetings/{draft}/edit"
    empty = {
        "title": "",
        "kind": "presentation",
        "duration_minutes": "20",  # as the form shows it before anyone types
        "start": "",
        "office": "",
        "proposal": str(proposal.id),
        "status": "proposed",
        "abstract": "",
    }
    response = colead_client.post(
        f"/meetings/{draft}/slots", data={"csrf_token": csrf_token(colead_client, edit), **empty}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    [slot] = slots()
    assert_filled_from(slot, proposal)
    # What the co-lead typed stays (in another meeting: one slot per proposal in a meeting).
    other = meeting(colead_client, "Another workshop")
    own = {**empty, "title": "Chatbots (short)", "duration_minutes": "15", "office": "ES"}
    colead_client.post(
        f"/meetings/{other}/slots",
        data={"csrf_token": csrf_token(colead_client, f"/meetings/{other}/edit"), **own},
    )
    # Another office's than the proposal's: kept, and said (helper-187).
    told = html.unescape(colead_client.get(f"/meetings/{other}/edit").text)
    assert f"presents proposal {proposal.id}, which is {proposal.office_code}'s, as ES's" in told
    second = slots()[1]
    assert (second.title, second.duration_minutes, second.office_code) == (
        "Chatbots (short)",
        15,
        "ES",
    )
    assert (second.abstract, second.proposal_id) == (proposal.abstract, proposal.id)
    # Without a proposal a title is still needed.
    none = colead_client.post(
        f"/meetings/{draft}/slots",
        data={"csrf_token": csrf_token(colead_client, edit), **empty, "proposal": ""},
    )
    assert none.status_code == 400 and "The slot title is required." in none.get_data(as_text=True)
    assert len(slots()) == 2


def test_the_api_fills_a_slot_from_its_proposal(client, colead_client, survey):
    volunteer(client)
    proposal = the_proposal()
    draft = meeting(colead_client)
    url = f"/api/v1/meetings/{draft}/slots"
    refused = colead_client.post(url, json={"proposal_id": proposal.id})
    assert refused.status_code == 400
    assert "only accepted ones go in" in refused.get_json()["message"]
    decide(colead_client, proposal)
    made = colead_client.post(url, json={"proposal_id": proposal.id})
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["title"], body["duration_minutes"], body["office"]) == (
        proposal.title,
        25,
        "PE",
    )
    assert body["recommendations"] == [3, 10] and body["proposal_id"] == proposal.id
    other = f"/api/v1/meetings/{meeting(colead_client, 'Another workshop')}/slots"
    kept = colead_client.post(other, json={"proposal_id": proposal.id, "title": "Mine"}).get_json()
    assert kept["title"] == "Mine" and kept["abstract"] == proposal.abstract


def lineup_with_gm(colead_client) -> Lineup:
    """A Rec 10 line-up that must include GM (whose proposal is accepted), as saved."""
    rules = {
        "focus": "10",
        "slots": "4",
        "one_per_office": "y",
        "min_small": "0",
        "maturity_weight": "0.5",
        "include": "GM",
        "csrf_token": csrf_token(colead_client, "/lineups/new"),
    }
    colead_client.post("/lineups/new", data=rules)
    return db.session.scalar(select(Lineup))


def test_a_lineup_carries_the_proposal_link_and_the_evidence(client, colead_client, survey):
    volunteer(client, office="GM", recommendations=["10"], title="IPAS and AI at a small office")
    proposal = the_proposal()
    decide(colead_client, proposal)
    lineup = lineup_with_gm(colead_client)
    colead_client.post(
        f"/lineups/{lineup.id}/accept",
        data={"csrf_token": csrf_token(colead_client, f"/lineups/{lineup.id}")},
    )
    agenda = db.session.scalar(select(Meeting))
    talks = {t["office"]: t for t in lineup.result["talks"]}
    presentations = [s for s in agenda.slots if s.kind == "presentation"]
    assert {s.office_code for s in presentations} == set(talks)
    for slot in presentations:
        if slot.office_code == "GM":
            carried = (slot.proposal_id, slot.title, slot.abstract)
            assert carried == (proposal.id, proposal.title, proposal.abstract)
        else:
            # The office's own words from the survey: the evidence it was chosen on.
            assert slot.proposal_id is None
            assert slot.abstract == talks[slot.office_code]["quote"] != ""


def test_a_lineup_accepted_into_a_meeting_holding_its_proposal_leaves_it_there(
    client, colead_client, survey
):
    """The proposal is in the draft already (its slot given to another office since): the
    line-up's acceptance says so and adds the rest, rather than failing whole on the rule that
    a proposal goes into a meeting once."""
    volunteer(client, office="GM", recommendations=["10"], title="IPAS and AI at a small office")
    proposal = the_proposal()
    decide(colead_client, proposal)
    draft = meeting(colead_client)
    assert schedule(colead_client, proposal, draft).status_code == 302
    [slot] = slots()
    assert colead_client.patch(f"/api/v1/slots/{slot.id}", json={"office": "US"}).status_code == 200
    lineup = lineup_with_gm(colead_client)
    assert "GM" in {t["office"] for t in lineup.result["talks"]}
    accepted = colead_client.post(
        f"/lineups/{lineup.id}/accept",
        data={
            "csrf_token": csrf_token(colead_client, f"/lineups/{lineup.id}"),
            "meeting": str(draft),
        },
        follow_redirects=True,
    )
    assert accepted.status_code == 200
    assert "GM on Rec 10" in html.unescape(accepted.get_data(as_text=True))
    linked = [s for s in slots() if s.proposal_id == proposal.id]
    assert [s.id for s in linked] == [slot.id]
    assert len([s for s in slots() if s.meeting_id == draft]) == len(lineup.result["talks"])


@pytest.mark.parametrize("into_a_draft", [False, True])
def test_a_lineup_leaves_a_proposal_another_agenda_holds_there(
    client, colead_client, survey, into_a_draft
):
    """GM's proposal is on a published meeting's agenda: a line-up including GM, accepted as a
    new draft or into another, does not put it on that one too (helper-146: RU's talk,
    confirmed in a published meeting, went into a draft as well, unsaid), and says so."""
    volunteer(client, office="GM", recommendations=["10"], title="IPAS and AI at a small office")
    proposal = the_proposal()
    decide(colead_client, proposal)
    published = meeting(colead_client, "Rec 10 workshop, first round")
    assert schedule(colead_client, proposal, published).status_code == 302
    assert publish_as_planned(colead_client, published).status_code == 200
    lineup = lineup_with_gm(colead_client)
    target = {"meeting": str(meeting(colead_client, "Second round"))} if into_a_draft else {}
    accepted = colead_client.post(
        f"/lineups/{lineup.id}/accept",
        data={"csrf_token": csrf_token(colead_client, f"/lineups/{lineup.id}"), **target},
        follow_redirects=True,
    )
    assert accepted.status_code == 200
    assert (
        "A volunteered presentation goes into one agenda, so not added: GM on Rec 10 (on “Rec "
        "10 workshop, first round”)."
    ) in html.unescape(accepted.get_data(as_text=True))
    assert [s.meeting_id for s in slots() if s.proposal_id == proposal.id] == [published]
    assert "GM" not in {s.office_code for s in slots() if s.meeting_id != published}


def test_the_volunteer_sees_the_decision_and_when_they_present(client, colead_client, survey):
    token = volunteer(client)
    proposal = the_proposal()
    page = client.get(f"/proposals/{token}").get_data(as_text=True)
    assert "The co-leads' decision" not in page and "When you present" not in page
    assert "anyone with it can see, edit or withdraw the proposal" in page
    decide(colead_client, proposal)
    page = client.get(f"/proposals/{token}").get_data(as_text=True)
    assert "Your proposal is <strong>accepted</strong>" in page and REASON in page
    # The decision's day written as the page writes every other date ("4 December 2026").
    assert re.search(r"the co-leads decided on <time[^>]*>\d{1,2} [A-Z][a-z]+ \d{4}</time>", page)
    # Decided, it can no longer be edited or withdrawn: the page no longer says it can.
    assert "anyone with it can see the proposal and what became of it" in page
    assert "edit or withdraw" not in page

    draft = meeting(colead_client, "Rec 10 workshop", time_zone="Europe/Zurich")
    schedule(colead_client, proposal, draft)
    page = client.get(f"/proposals/{token}").get_data(as_text=True)
    assert "have not published yet" in page
    assert "Rec 10 workshop" not in page  # a draft is the co-leads' own until published

    assert publish_as_planned(colead_client, draft).status_code == 200
    page = client.get(f"/proposals/{token}").get_data(as_text=True)
    assert f'<a href="/meetings/{draft}">Rec 10 workshop</a>' in page
    # helper-173: "Its meeting is in this public feed …, and follows every change": whose
    # meeting, and what follows, was left to guess.
    assert (
        "The meeting that includes your presentation is in this public feed of every meeting, "
        "with your presentation in the event's programme; the feed follows every change."
    ) in page
    assert "Once the co-leads place your presentation" not in page
    # 14:00 in Geneva on 12 March 2030 is 08:00 in Lima (UTC-5), both shown; at the office,
    # not "your time", as its presenter may not be the volunteer (helper-172).
    assert "Time at your office (Lima)" in page
    assert "Tuesday 12 March 2030, 08:00–08:25" in page and "(UTC−5)" in page
    assert "Meeting time (Geneva)" in page
    assert "Tuesday 12 March 2030, 14:00–14:25" in page and "(UTC+1)" in page
    assert '<span class="status status-proposed">proposed</span>' in page
    assert "The co-leads have not invited a presenter yet: they will send the presenter a " in page
    # Invited, the volunteer who presents is told where their link is (this site sends no
    # email: the co-leads pass it on; test_the_volunteer_is_told_what_became_of_the_invitation
    # has the email); the link is the presenter's secret, never shown here.
    slot = slots()[0]
    invite(colead_client, slot, name=proposal.contact_name, email=proposal.contact_email.upper())
    page = html.unescape(client.get(f"/proposals/{token}").text)
    assert (
        "You are invited to present it: you confirm or ask for another time, add your slides "
        "and see the time in your zone from a private link of your own (a page of its own, not "
        "this one). This site could not email it to LUCIA@indecopi.example: the co-leads pass "
        "it on to you."
    ) in page
    assert "they will send the presenter" not in page
    assert "/presenter/" not in page
    # In Lima, PE's zone: the form, filled in for the one before in Sydney, would ask.
    invite(
        colead_client, slot, name="Someone Else", email="else@indecopi.example", time_zone="Lima"
    )
    page = html.unescape(client.get(f"/proposals/{token}").text)
    assert "The co-leads invited another person to present it in your place; it is not" in page
    assert "Someone Else" not in page and "else@indecopi.example" not in page
    assert "When you present" not in page and "When it is presented" in page

    # Once the presenter has confirmed, there is nothing left to wait for.
    colead_client.patch(f"/api/v1/slots/{slot.id}", json={"status": "confirmed"})
    page = client.get(f"/proposals/{token}").get_data(as_text=True)
    assert "status-confirmed" in page
    assert "Someone else presents it: the co-leads invited another person in your place, who" in (
        page
    )


ROSA = {"contact_name": "Rosa Example", "contact_email": "rosa@indecopi.example"}


def _when(page: str) -> str:
    """The volunteer page's section on their slot, its words as a reader reads them."""
    section = page.split('<section id="when"')[1].split("</section>")[0]
    return " ".join(html.unescape(section).split())


def test_a_volunteer_who_declined_is_not_told_when_they_present(app, client, colead_client, survey):
    """helper-172: Rosa volunteered (in Spanish), was invited to present her accepted talk,
    declined, and Ana was invited in her place; Rosa's page still said "Cuándo presenta" and
    "Su hora" as if she presented. It says what became of it: she declined, then someone else
    (not named: the public agenda names only the office) presents it in her place, at that
    time, and that nothing is left for her to do."""
    token = volunteer(client, language="es", **ROSA)
    proposal = the_proposal()
    decide(colead_client, proposal)
    workshop = meeting(colead_client, time_zone="Europe/Zurich")
    schedule(colead_client, proposal, workshop)
    assert publish_as_planned(colead_client, workshop).status_code == 200
    (slot,) = slots()
    # Invited in her office's zone, which her page and emails then give her times in.
    link = invite(
        colead_client,
        slot,
        name="Rosa Example",
        email=ROSA["contact_email"],
        time_zone="America/Lima",
    )
    page = client.get(f"/proposals/{token}").text
    assert f">{in_page('es', 'When you present')}</h2>" in page
    assert in_page("es", "Your time (%(zone)s)", zone="Lima") in page

    presenter = app.test_client(use_cookies=False)
    said = presenter.post(link + "/answer", data={"answer": "declined", "note": "De viaje."})
    assert said.status_code == 302
    page = client.get(f"/proposals/{token}").text
    assert '<html lang="es">' in page
    assert f">{in_page('es', 'When it is presented')}</h2>" in page
    assert in_page("es", "When you present") not in page and "Su hora" not in page
    assert in_page("es", "Time at your office (%(zone)s)", zone="Lima") in page
    assert "martes, 12 de marzo de 2030, 8:00–8:25" in _when(page)  # still at that time
    assert said_in("es", "declined") in _when(page)
    declined = said_in(
        "es",
        "You declined to present it. It stays in the programme: the co-leads may invite "
        "someone else in your place.",
    )
    still = said_in(
        "es",
        "Until they do, you can still change your answer from your private link to present it "
        "(a page of its own, not this one).",
    )
    assert f"{declined} {still}" in _when(page)
    # Her link revoked, it changes nothing any more: the page does not send her to it.
    revoke = f"/slots/{slot.id}/invitation/revoke"
    assert colead_client.post(revoke, data=hidden_fields(colead_client, revoke)).status_code == 302
    when = _when(client.get(f"/proposals/{token}").text)
    assert declined in when and still not in when

    invite(colead_client, slot, name="Ana Example", email="ana@indecopi.example")
    page = client.get(f"/proposals/{token}").text
    when = _when(page)
    assert f">{in_page('es', 'When it is presented')}</h2>" in page
    assert in_page("es", "When you present") not in page and "Su hora" not in page
    assert "martes, 12 de marzo de 2030, 8:00–8:25" in when
    for english in (
        "The co-leads invited another person to present it in your place; it is not confirmed yet.",
        "The private link you were sent to present it no longer opens its page.",
        "Nothing is left for you to do: its meeting's page, above, shows it as everyone sees "
        "it, and the calendar feed below follows every change.",
    ):
        assert said_in("es", english) in when, english
    # As the public agenda shows it: "to be confirmed", not Ana's "invited" nor Rosa's decline.
    assert f'<span class="status status-invited">{in_page("es", "to be confirmed")}</span>' in (
        page
    )
    assert said_in("es", "declined") not in when
    # Who presents in her place is not hers to know: the public agenda names the office only.
    assert "Ana" not in page and "ana@" not in page
    assert f'<a href="/meetings/{workshop}">' in page  # the public agenda, to follow it on

    assert presenter.get(link).status_code == 404  # her own link no longer opens the slot
    confirmed = colead_client.patch(f"/api/v1/slots/{slot.id}", json={"status": "confirmed"})
    assert confirmed.status_code == 200
    when = _when(client.get(f"/proposals/{token}").text)
    assert (
        said_in(
            "es",
            "Someone else presents it: the co-leads invited another person in your place, who "
            "confirmed.",
        )
        in when
    )
    assert said_in("es", "confirmed") in when


def test_each_state_of_a_volunteer_s_slot_says_what_is_true(client, colead_client, survey):
    """helper-172: each state of the slot made of a proposal, relative to its volunteer, on
    their page: nobody invited; confirmed by the co-leads without an invitation; another
    person invited from the start (not "in your place"); the volunteer invited, then taken off
    (set back to proposed, or declined on their behalf); and cancelled."""
    token, proposal, slot = _scheduled_and_published(client, colead_client)

    def when() -> str:
        return _when(client.get(f"/proposals/{token}").text)

    def status(value: str) -> None:
        answer = colead_client.patch(f"/api/v1/slots/{slot.id}", json={"status": value})
        assert answer.status_code == 200, answer.get_json()

    assert "The co-leads have not invited a presenter yet" in when()
    status("confirmed")
    assert "The co-leads have arranged who presents it and confirmed it." in when()
    status("proposed")

    invite(colead_client, slot, name="A Colleague", email="colleague@indecopi.example")
    page = client.get(f"/proposals/{token}").text
    assert "When it is presented" in page and "When you present" not in page
    assert "Time at your office (Lima)" in page and "Your time" not in page
    assert "<dt>Presentation</dt>" in page and "Your slot" not in page
    said = _when(page)
    assert "The co-leads invited another person to present it; it is not confirmed yet." in said
    assert "in your place" not in said and "no longer opens" not in said
    assert "Colleague" not in page and "colleague@" not in page

    invite(
        colead_client,
        slot,
        name=proposal.contact_name,
        email=proposal.contact_email,
        time_zone="Lima",
    )
    assert "You are invited to present it" in when()
    status("proposed")
    taken_off = (
        "The co-leads have taken you off this presentation for now. It stays in the programme: "
        "they may invite you again, with a new private link, or someone else in your place."
    )
    assert taken_off in when() and "status-proposed" in when()
    status("invited")
    status("declined")  # by the co-leads, for them: not their own decline
    assert taken_off in when() and "You declined" not in when()

    status("cancelled")
    said = when()
    assert "This slot is cancelled. Your proposal stays accepted" in said
    assert "taken you off" not in said


def test_the_volunteer_invited_by_name_alone_is_told_it_is_theirs(client, colead_client, survey):
    """helper-176: a co-lead may invite without an address, passing the link on by hand. The
    volunteer invited so, by their own name, presents it (as their windows say: availability's
    `volunteer_presents`); their page said "The co-leads invited another person to present it",
    and would have named the address as "None"."""
    token, proposal, slot = _scheduled_and_published(client, colead_client)
    invite(colead_client, slot, name=proposal.contact_name, email="")
    said = _when(client.get(f"/proposals/{token}").text)
    assert "You are invited to present it" in said, said
    assert "which the co-leads pass on to you" in said
    assert "another person" not in said and "None" not in said


def test_the_volunteer_invited_by_name_alone_spelt_right_is_still_the_volunteer(
    client, colead_client, survey
):
    """Invited without an address by their name as a co-lead spelt it right ("Élise Dupont"
    for "Elise Dupont" typed on the form) is the volunteer still, by the app's one rule of the
    same name (`text.same_name`): their page said someone else presents it, and their windows
    were no longer the presenter's."""
    token, proposal, slot = _scheduled_and_published(client, colead_client)
    proposal.contact_name = "Elise Dupont"
    db.session.commit()
    invite(colead_client, slot, name="Élise  Dupont", email="")
    said = _when(client.get(f"/proposals/{token}").text)
    assert "You are invited to present it" in said, said
    assert "another person" not in said


def test_another_name_at_the_volunteers_shared_mailbox_is_another_presenter(
    client, colead_client, survey
):
    """helper-329: Lucía volunteered from her office's shared mailbox (ict@); Ben, invited at
    that mailbox, was taken for her, as the volunteer was whoever the address was, and her
    page said "You are invited to present it". A person is their name, as
    `presenters.models.reinvited` has it: Ben is another person; Lucía, invited by her name
    at her own address, is the volunteer, her address corrected."""
    token, _, slot = _scheduled_and_published(
        client, colead_client, contact_email="ict@indecopi.example"
    )
    invite(colead_client, slot, name="Ben Other", email="ICT@indecopi.example", time_zone="Lima")
    said = _when(client.get(f"/proposals/{token}").text)
    # Not "in your place", nor "The private link you were sent": she was sent none.
    assert "The co-leads invited another person to present it; it is not confirmed" in said
    assert "in your place" not in said and "you were sent" not in said, said
    assert "You are invited" not in said and "When you present" not in said
    invite(
        colead_client, slot, name="Lucía Example", email="lucia@indecopi.example", time_zone="Lima"
    )
    said = _when(client.get(f"/proposals/{token}").text)
    assert "You are invited to present it" in said, said
    assert "another person" not in said
    # Ben again, at the office's mailbox: now in her place, the link she was sent ended.
    invite(colead_client, slot, name="Ben Other", email="ict@indecopi.example", time_zone="Lima")
    said = _when(client.get(f"/proposals/{token}").text)
    assert "The co-leads invited another person to present it in your place" in said, said


def test_the_volunteer_whose_link_was_revoked_is_not_sent_to_it(client, colead_client, survey):
    """helper-175: invited, the volunteer's page sent them to "the private link in the email"
    even after the co-leads revoked that link, which opens nothing any more."""
    token, proposal, slot = _scheduled_and_published(client, colead_client)
    invite(colead_client, slot, name=proposal.contact_name, email=proposal.contact_email)
    # (No mail server here: the page says the co-leads pass the link on.)
    assert "private link of your own" in _when(client.get(f"/proposals/{token}").text)
    revoke = f"/slots/{slot.id}/invitation/revoke"
    assert colead_client.post(revoke, data=hidden_fields(colead_client, revoke)).status_code == 302
    said = _when(client.get(f"/proposals/{token}").text)
    assert "the co-leads have revoked the private link they gave you for it" in said
    assert "from the private link" not in said and "private link of your own" not in said


def test_a_slot_given_to_another_office_says_which(client, colead_client, survey):
    """The volunteer's page names the office the programme now gives their talk to, as the
    public agenda does (its name, no one's contact)."""
    token, _proposal, slot = _scheduled_and_published(client, colead_client)
    moved = colead_client.patch(f"/api/v1/slots/{slot.id}", json={"office": "BR"})
    assert moved.status_code == 200, moved.get_json()
    said = _when(client.get(f"/proposals/{token}").text)
    assert "<dt>Presenting office</dt><dd>National Institute of Industrial Property (INPI)" in said


@pytest.mark.parametrize(
    ("agenda", "expected"),
    [
        # No presentation yet: nothing to go after, it stays last.
        ([("Opening", "discussion"), ("Closing", "discussion")], ["Opening", "Closing", "NEW"]),
        # A presentation: right after it, before the closing ones.
        (
            [("Opening", "discussion"), ("Talk", "presentation"), ("Break", "break")],
            ["Opening", "Talk", "NEW", "Break"],
        ),
    ],
)
def test_where_a_scheduled_proposal_goes(client, colead_client, survey, agenda, expected):
    volunteer(client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    draft = meeting(colead_client, "Draft")
    for title, kind in agenda:
        body = {"title": title, "kind": kind, "duration_minutes": 10}
        if kind == "presentation":
            body["office"] = "AU"
        assert colead_client.post(f"/api/v1/meetings/{draft}/slots", json=body).status_code == 201
    assert schedule(colead_client, proposal, draft).status_code == 302
    titles = [s.title for s in sorted(slots(), key=lambda s: s.position)]
    assert titles == [proposal.title if t == "NEW" else t for t in expected]


def test_a_pinned_closing_slot_keeps_its_time(client, colead_client, survey):
    volunteer(client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    draft = meeting(colead_client, "Draft")
    talk = {"title": "Talk", "kind": "presentation", "duration_minutes": 20, "office": "AU"}
    assert colead_client.post(f"/api/v1/meetings/{draft}/slots", json=talk).status_code == 201
    closing = colead_client.post(
        f"/api/v1/meetings/{draft}/slots",
        json={"title": "Closing", "kind": "discussion", "duration_minutes": 10},
    ).get_json()
    pinned = colead_client.patch(
        f"/api/v1/slots/{closing['id']}", json={"starts_at": "2030-03-12T15:30:00+01:00"}
    )
    assert pinned.status_code == 200, pinned.get_json()
    assert schedule(colead_client, proposal, draft).status_code == 302
    stored = {s.title: s for s in slots()}
    assert stored["Closing"].starts_at.isoformat() == "2030-03-12T14:30:00+00:00"
    assert [s.title for s in sorted(slots(), key=lambda s: s.position)][-1] == proposal.title


def test_a_cancelled_meeting_s_slots_show_as_cancelled_everywhere(client, colead_client, survey):
    """helper-70: cancelled with its meeting, a confirmed talk still said "confirmed" on the
    public agenda, in the API and on its volunteer's page (its presenter's page said cancelled)."""
    private = volunteer(client)
    proposal = the_proposal()
    decide(colead_client, proposal)
    workshop = meeting(colead_client)
    assert schedule(colead_client, proposal, workshop).status_code == 302
    (slot,) = slots()
    confirmed = colead_client.patch(f"/api/v1/slots/{slot.id}", json={"status": "confirmed"})
    assert confirmed.status_code == 200
    assert publish_as_planned(colead_client, workshop).status_code == 200
    gone = colead_client.patch(f"/api/v1/meetings/{workshop}", json={"status": "cancelled"})
    assert gone.status_code == 200
    assert colead_client.get(f"/api/v1/slots/{slot.id}").get_json()["status"] == "cancelled"
    public = client.get(f"/meetings/{workshop}").get_data(as_text=True)
    assert '<tr class="cancelled">' in public
    assert '<span class="tag">cancelled</span>' in public and "to be confirmed" not in public
    assert ">confirmed</span>" not in public
    page = client.get(f"/proposals/{private}").get_data(as_text=True)
    assert '<span class="status status-cancelled">cancelled</span>' in page
    assert "status-confirmed" not in page
    # Accepted and cancelled at once, said so the two agree (helper-81).
    assert "This slot is cancelled. Your proposal stays accepted: if the co-leads place it" in (
        html.unescape(page)
    )


def _scheduled_and_published(client, colead_client, **form) -> tuple[str, Proposal, Slot]:
    """A volunteered proposal (the volunteer form as `form` changes it), accepted, scheduled
    and published: its private link's token, the proposal and its slot."""
    token = volunteer(client, **form)
    proposal = the_proposal()
    decide(colead_client, proposal)
    draft = meeting(colead_client)
    schedule(colead_client, proposal, draft)
    assert publish_as_planned(colead_client, draft).status_code == 200
    return token, proposal, slots()[0]


def test_the_volunteer_is_told_what_became_of_the_invitation(app, client, colead_client, survey):
    """The volunteer's page and the co-leads' "invited" page say of the invitation email what
    is true: sent on a day, on its way, or never sent (no mail server), when the link reaches
    the presenter only by hand (helper-142: "sent to … on 5 December" of an email the outbox
    showed as not sent, and "the invitation email carries it too")."""
    from tests.presenters.test_presenters import a_mail_server

    token, proposal, slot = _scheduled_and_published(client, colead_client)

    def pages() -> tuple[str, str]:
        theirs = html.unescape(client.get(f"/proposals/{token}").text)
        ours = html.unescape(colead_client.get(f"/slots/{slot.id}/invited").text)
        return " ".join(theirs.split()), " ".join(ours.split())

    invite(colead_client, slot, name=proposal.contact_name, email=proposal.contact_email)
    theirs, ours = pages()
    assert "This site could not email it to lucia@indecopi.example" in theirs
    assert "sent to lucia" not in theirs
    assert (
        "Send them this private link (no email takes it to lucia@indecopi.example: this site "
        "has no mail server configured, so it reaches them only if you pass it on)"
    ) in ours

    subject = f"“Invitation to present: {slot.title}”"
    before = app.config.get("MAIL_SERVER")
    with a_mail_server(colead_client) as send:
        app.config["MAIL_SERVER"] = "127.0.0.1"
        try:
            invite(colead_client, slot, name=proposal.contact_name, email=proposal.contact_email)
            theirs, ours = pages()
            assert f"the private link in the email {subject}, on its way to lucia@" in theirs
            assert "(the invitation email to lucia@indecopi.example, on its way, " in ours
            assert send() >= 1
            theirs, ours = pages()
        finally:
            app.config["MAIL_SERVER"] = before
    day = r"\d{1,2} [A-Z][a-z]+ \d{4}"  # as the pages write every date: "5 December 2026"
    assert re.search(
        f"the private link in the email {subject} sent to lucia@indecopi.example on {day}", theirs
    )
    assert re.search(f"the invitation email to lucia@indecopi.example, sent on {day}, car", ours)


def test_whoever_holds_the_proposal_link_is_not_told_the_address_the_volunteer_was_invited_at(
    client, colead_client, survey
):
    """Lucía typed her address wrong on the form (luica@), so the email with her proposal's
    private link went to that mailbox; the co-leads invited her to present at her real address.
    Her proposal's page said "This site could not email it to lucia@…": whoever reads the
    mistyped mailbox, holding the link, learnt her address, which the presenter's link ended by
    a corrected address never tells (`presenters.views._no_longer_theirs`). It names the
    address the proposal was sent from only."""
    token, proposal, slot = _scheduled_and_published(
        client, colead_client, contact_email="luica@indecopi.example"
    )
    invite(colead_client, slot, name=proposal.contact_name, email="lucia@indecopi.example")
    said = _when(client.get(f"/proposals/{token}").text)
    assert "You are invited to present it" in said, said
    assert "lucia@" not in client.get(f"/proposals/{token}").text
    assert "This site could not email it to another address the co-leads have for you" in said
    # Invited at the address the proposal came from, the page names it, as before.
    invite(colead_client, slot, name=proposal.contact_name, email="LUICA@indecopi.example")
    said = _when(client.get(f"/proposals/{token}").text)
    assert "This site could not email it to LUICA@indecopi.example" in said, said


def test_an_invitation_email_with_an_older_link_is_not_the_one_pointed_to(
    app, client, colead_client, survey
):
    """Invited again with a new link whose email was then discarded from the outbox, the
    volunteer was pointed to the first email ("sent … on" its day), whose link works no more,
    and the co-leads told that email "carries it too": only an email of this invitation is."""
    from planner.db_types import utcnow
    from planner.mail.models import MessageStatus, OutboxMessage
    from planner.mail.outbox import discard, set_hold_invitations
    from tests.presenters.test_presenters import a_mail_server

    token, proposal, slot = _scheduled_and_published(client, colead_client)
    before = app.config.get("MAIL_SERVER")
    with a_mail_server(colead_client) as send:
        app.config["MAIL_SERVER"] = "127.0.0.1"
        try:
            invite(colead_client, slot, name=proposal.contact_name, email=proposal.contact_email)
            assert send() >= 1
            set_hold_invitations(True)
            db.session.commit()
            invite(
                colead_client, slot, name=proposal.contact_name, email=proposal.contact_email
            )  # a new link, held
            held = db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.status == MessageStatus.held)
            ).one()
            discard(held, "colead@example.org", utcnow())
            db.session.commit()
            theirs = " ".join(html.unescape(client.get(f"/proposals/{token}").text).split())
            ours = " ".join(
                html.unescape(colead_client.get(f"/slots/{slot.id}/invited").text).split()
            )
        finally:
            app.config["MAIL_SERVER"] = before
    assert "sent to lucia@indecopi.example on" not in theirs
    assert "This site could not email it to lucia@indecopi.example" in theirs
    assert "carries it too" not in ours
    assert "(no email takes it to lucia@indecopi.example, so it reaches them only if you" in ours


def test_a_proposal_declined_or_withdrawn_is_not_promised_a_place_in_the_feed(
    client, colead_client, survey
):
    """helper-198: the page of a declined or withdrawn proposal said "Once the co-leads place
    your presentation in an agenda and publish it, its meeting appears in this public feed":
    they will not (a withdrawn one, never). It offers the feed of every meeting all the same."""
    once = "Once the co-leads place your presentation in an agenda"
    every = "This public feed has every meeting of the Task Force, and follows every change."
    declined = volunteer(client)
    assert once in client.get(f"/proposals/{declined}").text
    decide(colead_client, the_proposal(), "declined", "Out of scope this year.")
    page = client.get(f"/proposals/{declined}").text
    assert once not in page and every in page and "/feeds/taskforce.ics" in page

    withdrawn = volunteer(client, title="Another talk")
    proposal = db.session.scalar(select(Proposal).where(Proposal.title == "Another talk"))
    url = f"/proposals/{withdrawn}/withdraw"
    sent = client.post(
        url, data={"csrf_token": csrf_token(client, url), "version": proposal.version}
    )
    assert sent.status_code == 302
    page = client.get(f"/proposals/{withdrawn}").text
    assert once not in page and every in page


def test_the_volunteer_who_presents_reads_their_time_as_their_presenter_page_gives_it(
    client, colead_client, survey
):
    """helper-198: invited in Paris's zone (or choosing it on their presenter's page), the
    volunteer read "Your time (Paris) 14:30" there and in their emails, and "Your time (Lima)
    08:00" on their proposal's page, the office's zone; until they present it, the page gives
    the time at the office, and says so."""
    token, proposal, slot = _scheduled_and_published(client, colead_client)
    invite(
        colead_client,
        slot,
        name=proposal.contact_name,
        email=proposal.contact_email,
        time_zone="Europe/Paris",
    )
    page = " ".join(re.sub(r"<[^>]+>", " ", _when(client.get(f"/proposals/{token}").text)).split())
    # 14:00 in Geneva on 12 March 2030 is 14:00 in Paris, 08:00 in Lima.
    assert "Your time (Paris) Tuesday 12 March 2030, 14:00–14:25" in page
    assert "Lima" not in page
    invite(colead_client, slot, name="Someone Else", email="else@indecopi.example")
    page = " ".join(re.sub(r"<[^>]+>", " ", _when(client.get(f"/proposals/{token}").text)).split())
    assert "Time at your office (Lima) Tuesday 12 March 2030, 08:00–08:25" in page
    assert "Paris" not in page
