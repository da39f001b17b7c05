"""Volunteering, the private link, and the co-leads' review, with history and conflicts."""

import hashlib
import html
import re
from datetime import date
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from planner.agenda.models import Meeting
from planner.extensions import db
from planner.lineup.models import Lineup
from planner.lineup.operations import workshop_instance
from planner.mail.models import OutboxMessage
from planner.matching.operations import survey_interests_and_projects
from planner.offices.models import OfficeContact
from planner.proposals.models import Proposal, ProposalEvent
from planner.timezones import moment_in
from tests.support import (
    ahead,
    counted_queries,
    csrf_token,
    every_page,
    form_of,
    held_workshop,
    hidden_fields,
    publish_as_planned,
    session_csrf_token,
)

SCRIPT = "<script>alert('x')</script> AI search"
VALID = {
    "office": "AU",
    "contact_name": "Alex Example",
    "contact_email": "alex@ipaustralia.example",
    "title": "Trialling new technologies safely",
    "abstract": "How a risk-based governance framework lets us try AI early.",
    "recommendations": ["10"],
    "duration_minutes": "20",
    "availability": "Tuesdays 08:00-11:00",
    "maturity": "pilot",
}
API_VALID = {
    "office": "IL",
    "name": "Dana",
    "email": "dana@ilpo.example",
    "title": "AI search for examiners",
    "abstract": "What we built and learned.",
    "recommendations": [10],
    "duration": 25,
    "maturity": "production",
}
LINEUP = {
    "focus": "10",
    "slots": "5",
    "one_per_office": "y",
    "min_small": "0",
    "maturity_weight": "0.5",
}
LABELS = [
    "Office",
    "Your name",
    "Email",
    "Title",
    "Abstract",
    "Recommendations",
    "Duration (minutes)",
    "Availability",
    "Maturity",
]


def send(client, **changes):
    data = {**VALID, "csrf_token": session_csrf_token(client), **changes}
    return client.post("/volunteer", data=data)


def token_of(response) -> str:
    return response.headers["Location"].rsplit("/", 1)[1]


def test_the_form_has_the_labels_asked_for(client, survey):
    page = client.get("/volunteer").get_data(as_text=True)
    labels = re.findall(r"<label for=\"[^\"]+\">([^<]+)</label>|<legend>([^<]+?) <span", page)
    found = [a or b for a, b in labels]
    for label in LABELS:
        assert label in found, label
    assert "Up to 150 characters." in page and 'maxlength="150"' in page
    assert "up to 2000 characters." in page


def test_the_form_names_the_meetings_coming_up_not_a_recommendation_once_and_for_all(
    client, colead_client, survey
):
    """helper-204: after the Rec 10 workshop, the form still asked offices what they could
    present "for instance on Recommendation 10". It names the published meetings to come, in the
    reader's language (their titles marked as English); none held, nor a draft."""
    lead = "for instance on Recommendation 10"
    assert lead not in client.get("/volunteer").get_data(as_text=True)
    held_workshop(colead_client, [{"title": "AI", "office": "PL", "recommendations": [10]}])
    coming = colead_client.post(
        "/api/v1/meetings",
        json={
            "title": "Workshop on Recommendation 4",
            "starts_at": ahead("2027-06-15") + "T13:00:00+02:00",
            "time_zone": "Europe/Zurich",
        },
    ).get_json()
    colead_client.post(
        f"/api/v1/meetings/{coming['id']}/slots",
        json={"title": "Zero trust", "office": "AU", "recommendations": [4]},
    )
    colead_client.post(
        "/api/v1/meetings",
        json={"title": "A draft", "starts_at": ahead("2027-06-16") + "T13:00:00+02:00"},
    )
    page = html.unescape(client.get("/volunteer").get_data(as_text=True))
    assert "Meetings coming up" not in page  # a draft is nobody's yet, and one held is over
    assert publish_as_planned(colead_client, coming["id"]).status_code == 200
    page = html.unescape(client.get("/volunteer?lang=es").get_data(as_text=True))
    day = date.fromisoformat(coming["starts_at"][:10])
    items = re.search(r'<p id="coming">Próximas reuniones:</p>\s*<ul[^>]*>(.*?)</ul>', page, re.S)[
        1
    ]
    assert re.sub(r"<[^>]+>", "", items).strip() == (
        f"Workshop on Recommendation 4, {day.day} de junio de {day.year}"
    )
    assert f'<a href="/meetings/{coming["id"]}" lang="en">' in items
    assert "Workshop on Recommendation 10" not in page and "A draft" not in page


def test_an_abstract_pasted_beyond_its_limit_comes_back_whole(client, survey):
    """helper-198: the abstract's box had maxlength="2000", and a browser cuts a paste at it
    without a word: 2,500 characters pasted from a document kept their first 2,000, the end
    lost unseen. A box of several lines takes it whole; the form refuses it, the text kept to
    shorten (a line's box, whose end shows, keeps its maxlength)."""
    page = client.get("/volunteer").text
    for box in re.findall(r"<textarea[^>]*>", page):
        assert "maxlength" not in box, box
    pasted = "A long abstract. " * 150  # 2,550 characters
    refused = send(client, abstract=pasted)
    assert refused.status_code == 400
    body = html.unescape(refused.text)
    assert pasted in body and "Field cannot be longer than 2000 characters." in body
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0


def test_errors_keep_everything_typed(client, survey):
    response = send(client, contact_email="not-an-email", recommendations=[], maturity="")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "That does not look like an email address." in page
    assert "Choose at least one recommendation." in page
    assert "How far along is it?" in page
    assert 'value="Trialling new technologies safely"' in page
    assert "How a risk-based governance framework lets us try AI early.</textarea>" in page
    assert 'value="not-an-email"' in page
    assert db.session.scalar(select(Proposal)) is None


def test_too_long_text_is_refused_with_the_limit(client, survey):
    response = send(client, title="x" * 151)
    assert response.status_code == 400
    assert "Field cannot be longer than 150 characters." in response.get_data(as_text=True)


def test_sending_gives_a_private_link_and_stores_only_its_hash(client, survey):
    response = send(client)
    assert response.status_code == 302
    token = token_of(response)
    assert len(token) >= 40
    proposal = db.session.scalar(select(Proposal))
    assert proposal.link_hash == hashlib.sha256(token.encode()).hexdigest()
    columns = [str(getattr(proposal, c.key)) for c in Proposal.__table__.columns]
    assert not any(token in value for value in columns)
    page = client.get(f"/proposals/{token}").get_data(as_text=True)
    assert "Thank you: your proposal is with the co-leads." in page
    assert "Trialling new technologies safely" in page
    assert [e.action for e in proposal.events] == ["submitted"]


def test_the_abstract_is_suggested_from_the_survey(client, survey):
    page = client.get("/volunteer?office=AU&recommendation=10").get_data(as_text=True)
    assert "IP Australia is open to exploring use case scenarios" in page
    assert "Suggested from your office&#39;s own answer to question 4 of CWS/13/26" in page
    response = send(client, abstract="", suggest="1", office="PL")
    page = response.get_data(as_text=True)
    assert "The Polish Patent Office is one of the pioneers" in page
    assert 'value="Trialling new technologies safely"' in page  # nothing else is lost
    assert db.session.scalar(select(Proposal)) is None


def test_a_link_s_office_is_read_as_a_code_typed_anywhere(client, survey):
    """helper-256: /volunteer?office= was read by str.upper, so a link saying "ıe" (a Turkish
    dotless i) chose Ireland for its volunteer, while " au" pasted with a zero-width space chose
    no office. Read as every field reads a code (`typed_code`)."""
    pasted = client.get("/volunteer?office=%20au%E2%80%8B&recommendation=10").text
    assert '<option selected value="AU">' in pasted
    assert "IP Australia is open to exploring use case scenarios" in pasted
    spoofed = client.get("/volunteer?office=%C4%B1e").text
    assert '<option selected value="IE">' not in spoofed


def test_nothing_suggested_to_an_office_that_did_not_answer_says_so(client, survey):
    """helper-252: WO answered no question of CWS/13/26; "Suggest an abstract" told its volunteer
    that their office "reported no project on these recommendations in the survey"."""
    page = html.unescape(send(client, abstract="", suggest="1", office="WO").text)
    assert (
        "Your office did not answer CWS/13/26, so there is nothing to suggest from; please "
        "describe your presentation yourself."
    ) in page
    answered = html.unescape(send(client, abstract="", suggest="1", office="CN").text)
    assert "Your office reported no project on these recommendations" in answered


def test_a_volunteer_whose_office_is_not_listed_is_told_whom_to_ask(
    app, client, survey, monkeypatch
):
    """helper-252: the volunteer of an office that answered no survey (the Intellectual Property
    Office of Singapore) found it in no list and no word of what to do; the API refused SG as
    "Not a valid choice.". A code in small letters or with spaces around ("pe", " PE ") is the
    office's, as wherever a code is typed."""
    page = html.unescape(client.get("/volunteer").text)
    assert (
        "Your office is not in the list? Ask the co-leads of the Task Force to add it: you can "
        "then choose it here."
    ) in page
    refused = client.post("/api/v1/proposals", json={**API_VALID, "office": "sg"})
    assert refused.status_code == 400
    assert refused.get_json()["fields"]["office"] == [
        "No office with the ST.3 code SG is known here. Ask the co-leads of the Task Force to "
        "add it first."
    ]
    monkeypatch.setitem(app.config, "TASKFORCE_EMAIL", "taskforce@wipo.example")
    page = html.unescape(client.get("/volunteer").text)
    assert "Write to the co-leads of the Task Force at taskforce@wipo.example: they add" in page
    for code in ("pe", " PE "):
        taken = client.post(
            "/api/v1/proposals",
            json={**API_VALID, "office": code, "email": f"dana{len(code)}@indecopi.example"},
        )
        assert taken.status_code == 201 and taken.get_json()["office"] == "PE"


def test_the_volunteer_changes_language_and_consent_until_the_co_leads_decide(
    client, colead_client, survey
):
    token = token_of(send(client))
    url = f"/proposals/{token}/edit"
    form = form_of(client, url)
    assert form["language"] == ["en"] and "consent" not in form  # as sent: no consent
    form.update(language=["fr"], consent=["y"])
    assert client.post(url, data=form).status_code == 302
    proposal = db.session.scalar(select(Proposal))
    db.session.refresh(proposal)
    assert (proposal.contact_consent, proposal.contact_language) == (True, "fr")
    form = form_of(client, url)
    assert form["language"] == ["fr"] and form["consent"] == ["y"]
    # Unticked again before the co-leads decide: accepting keeps no contact.
    del form["consent"]
    assert client.post(url, data=form).status_code == 302
    db.session.refresh(proposal)
    body = {"status": "accepted", "reason": "Fits.", "version": proposal.version}
    assert colead_client.patch(f"/api/v1/proposals/{proposal.id}", json=body).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(OfficeContact)) == 0


def test_edit_and_withdraw_through_the_link(client, survey):
    token = token_of(send(client))
    url = f"/proposals/{token}/edit"
    data = {**VALID, "csrf_token": csrf_token(client, url), "title": "A better title"}
    del data["office"]
    assert client.post(url, data=data).status_code == 302
    proposal = db.session.scalar(select(Proposal))
    db.session.refresh(proposal)
    assert proposal.title == "A better title"
    # Withdrawing asks first: a post that does not say what it was asked on withdraws nothing.
    form = {"csrf_token": csrf_token(client, f"/proposals/{token}/withdraw")}
    unasked = client.post(f"/proposals/{token}/withdraw", data=form)
    assert unasked.status_code == 409
    assert "this cannot be undone" in html.unescape(unasked.get_data(as_text=True))
    asked = client.get(f"/proposals/{token}/withdraw")
    assert asked.status_code == 200
    shown = html.unescape(asked.get_data(as_text=True))
    assert "Withdraw “A better title”?" in shown and "Keep my proposal" in shown
    form = hidden_fields(client, f"/proposals/{token}/withdraw")
    # Edited in another tab meanwhile: asked again, about the proposal as it is now.
    edited = client.post(url, data={**form_of(client, url), "title": "An even better title"})
    assert edited.status_code == 302
    stale = client.post(f"/proposals/{token}/withdraw", data=form)
    assert stale.status_code == 409
    assert "Withdraw “An even better title”?" in html.unescape(stale.get_data(as_text=True))
    db.session.refresh(proposal)
    assert proposal.status == "submitted"
    form = hidden_fields(client, f"/proposals/{token}/withdraw")
    withdraw = client.post(f"/proposals/{token}/withdraw", data=form)
    assert withdraw.status_code == 302
    db.session.refresh(proposal)
    assert proposal.status == "withdrawn"
    assert [e.action for e in proposal.events] == ["submitted", "edited", "edited", "withdrawn"]
    # A second tab, opened before, withdraws it again.
    again = client.post(f"/proposals/{token}/withdraw", data=form, follow_redirects=True)
    page = html.unescape(again.get_data(as_text=True))
    assert "You withdrew this proposal already: nothing changed." in page
    assert "The co-leads have decided" not in page


def test_a_private_link_in_the_title_or_abstract_is_refused_and_kept(client, survey):
    """An accepted proposal's title and abstract are public (the archive, the matches): the
    volunteer's own link pasted into them would let anyone edit or withdraw it, so it is
    refused with the words the link fields use, and what was typed comes back."""
    token = token_of(send(client))
    url = f"/proposals/{token}/edit"
    proposal = db.session.scalar(select(Proposal))
    for field, value in (
        ("abstract", f"Details: http://localhost/proposals/{token}/edit"),
        ("title", f"Ours ({token})"),
    ):
        refused = client.post(url, data={**form_of(client, url), field: value})
        assert refused.status_code == 400, field
        page = html.unescape(refused.get_data(as_text=True))
        assert "holds the secret of a private link of this planner" in page
        assert value in page
        db.session.refresh(proposal)
        assert token not in getattr(proposal, field)
    assert [e.action for e in proposal.events] == ["submitted"]


def test_a_private_link_in_a_decisions_reason_is_refused_and_kept(client, colead_client, survey):
    """The reason goes to the volunteer (email and page): another person's private link in it,
    a presenter's pasted from the agenda, say, would let the volunteer act for them."""
    first = token_of(send(client))
    other = token_of(send(client, title="A second talk"))
    proposal = db.session.scalar(select(Proposal).order_by(Proposal.id))
    reason = f"As discussed, see http://localhost/proposals/{other}"
    refused = colead_client.post(
        f"/proposals/{proposal.id}",
        data={**review_form(colead_client, proposal.id), "status": "declined", "reason": reason},
    )
    assert refused.status_code == 400
    page = html.unescape(refused.get_data(as_text=True))
    assert "The reason holds the secret of a private link of this planner" in page
    assert reason in page
    db.session.refresh(proposal)
    assert proposal.status == "submitted" and first != other


def test_the_same_proposal_sent_again_is_not_a_second_one(app, client, survey, monkeypatch):
    """Back and Send again (or a double click): the proposal is not stored twice. The browser
    that sent it is led to its page again (helper-142: told of a link "shown once", which a
    volunteer who had not copied it had lost); from another, the page says where its link
    went, with the form still filled in; that it could not be emailed when no mail server is
    set up (it said "emailed"; helper-56)."""
    first = send(client)
    assert first.status_code == 302
    same_browser = send(client)
    assert same_browser.status_code == 302
    assert same_browser.headers["Location"] == first.headers["Location"]
    page = html.unescape(client.get(same_browser.headers["Location"]).get_data(as_text=True))
    assert "This proposal was sent already, from this browser: here it is again." in page
    client = app.test_client()  # another browser: its session never had the link
    again = send(client)
    assert again.status_code == 409
    page = html.unescape(again.get_data(as_text=True))
    assert "This proposal was sent already" in page
    # When, in the office's zone (the volunteer's, most likely), not bare UTC (helper-81).
    sent_at = db.session.scalar(select(Proposal.created_at))
    office_zone = db.session.scalar(select(Proposal)).office.time_zone
    assert f"sent already, on {moment_in(office_zone, sent_at)};" in page
    assert f"its private link could not be emailed to {VALID['contact_email']}" in page
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    page = html.unescape(send(client).get_data(as_text=True))
    assert f"its private link was emailed to {VALID['contact_email']}" in page
    assert f'value="{VALID["title"]}"' in page
    assert client.post("/api/v1/proposals", json=API_VALID).status_code == 201
    twice = client.post("/api/v1/proposals", json=API_VALID)
    assert twice.status_code == 409 and "sent already" in twice.get_json()["message"]
    assert send(client, title="A second, different proposal").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 3


def test_a_wrong_link_is_404(client, survey):
    assert client.get("/proposals/" + "x" * 43).status_code == 404
    assert client.get("/proposals/short").status_code == 404
    assert client.get("/proposals/" + "x" * 43 + "/edit").status_code == 404


def review_form(client, proposal_id):
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', page)[1]
    return {"csrf_token": csrf_token(client, f"/proposals/{proposal_id}"), "version": version}


def test_the_review_says_when_the_office_did_not_answer_the_survey(client, colead_client, survey):
    """WO answered no question of CWS/13/26: its proposal's evidence read "no project of WO on
    it in the survey", as if it had answered naming none, where it did not answer at all."""
    send(client, office="WO")
    proposal = db.session.scalar(select(Proposal))
    for url in (f"/proposals/{proposal.id}", "/proposals"):
        page = html.unescape(colead_client.get(url).get_data(as_text=True))
        assert "WO did not answer the survey: no project of its own there to compare." in page
        assert "no project of WO on it" not in page


def test_co_lead_decides_with_a_reason_and_history(client, colead_client, survey):
    token = token_of(send(client))
    proposal = db.session.scalar(select(Proposal))
    review = colead_client.get("/proposals").get_data(as_text=True)
    assert "Trialling new technologies safely" in review
    assert "IP Australia is open to exploring use case scenarios" in review  # survey evidence
    # The proposing office (AU wants Rec 10 discussed too) is not its own audience.
    assert "Demand: 9 other offices want it discussed" in review
    listed = review.split("Demand: 9 other offices want it discussed (")[1].split(")")[0]
    assert len(listed.split(", ")) == 9 and "AU" not in listed
    # The co-lead is told, where they write it, that the reason goes to the volunteer.
    decide = html.unescape(colead_client.get(f"/proposals/{proposal.id}").text)
    assert (
        f"Accepting, declining or putting it on the waiting list emails it to "
        f"{proposal.contact_name} with the decision"
    ) in decide
    form = review_form(colead_client, proposal.id)
    response = colead_client.post(
        f"/proposals/{proposal.id}", data={**form, "status": "accepted", "reason": "Strong fit"}
    )
    assert response.status_code == 302
    # The co-lead is told what the decision did and what comes next (helper-102).
    told = html.unescape(colead_client.get(response.headers["Location"]).text)
    assert (
        f"Proposal #{proposal.id} is accepted. The email telling the volunteer is in the outbox, "
        "not sent: no mail server is set up, so tell them yourself. Next: put it on an agenda "
        "under “Schedule” below."
    ) in told
    db.session.refresh(proposal)
    assert proposal.status == "accepted"
    last = proposal.events[-1]
    assert (last.actor, last.from_status, last.to_status, last.reason) == (
        "colead@example.org",
        "submitted",
        "accepted",
        "Strong fit",
    )
    # The office can no longer edit, and is told why.
    edit = client.get(f"/proposals/{token}/edit", follow_redirects=True)
    assert edit.request.path == f"/proposals/{token}"
    assert (
        "The co-leads have decided: your proposal is accepted, so it can no longer change."
        in edit.get_data(as_text=True)
    )
    # The decision's date in the sentence, not a "(decided 2026-12-04)" after the status.
    decision = db.session.scalar(select(ProposalEvent).order_by(ProposalEvent.id.desc()))
    assert (
        f"Your proposal is <strong>accepted</strong>: the co-leads decided on <time "
        f'datetime="{decision.at.date().isoformat()}">{decision.at:%-d %B %Y}</time>.'
        in edit.get_data(as_text=True)
    )


def test_two_people_of_one_office_volunteering_are_told_apart_in_the_review(
    api, client, colead_client, survey
):
    """helper-240: IE's focal point volunteered a talk, accepted and on an agenda; a colleague
    volunteered another. The review listed both as "IE · IPOI, 20 min", whoever sent them, and
    the second's page said nothing of the office's first: the co-lead deciding on it did not
    see that IE already presents at that workshop, nor by whom."""
    assert send(client, office="IE", contact_name="Siobhán Ní Bhriain").status_code == 302
    first = db.session.scalar(select(Proposal))
    form = review_form(colead_client, first.id)
    decided = {**form, "status": "accepted", "reason": "Fits"}
    assert colead_client.post(f"/proposals/{first.id}", data=decided).status_code == 302
    meeting = api.post(
        "/api/v1/meetings",
        json={"title": "Rec 10 workshop", "starts_at": ahead("2027-03-09") + "T13:00:00+01:00"},
    ).get_json()
    made = api.post(f"/api/v1/meetings/{meeting['id']}/slots", json={"proposal_id": first.id})
    assert made.status_code == 201
    second = {
        "office": "IE",
        "contact_name": "Declan Murphy",
        "contact_email": "declan@ipoi.example",
        "title": "Chatbot for applicants",
    }
    assert send(client, **second).status_code == 302
    later = db.session.scalar(select(Proposal).where(Proposal.title == second["title"]))

    review = " ".join(
        html.unescape(re.sub(r"<[^>]+>", " ", colead_client.get("/proposals").text)).split()
    )
    assert "Chatbot for applicants IE · IPOI, by Declan Murphy, 20 min, pilot" in review
    assert f"{VALID['title']} IE · IPOI, by Siobhán Ní Bhriain, 20 min, pilot" in review
    page = colead_client.get(f"/proposals/{later.id}").text
    said = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert (
        f"IE's other proposals: “{VALID['title']}” (#{first.id}, by Siobhán Ní Bhriain, "
        "accepted, on the agenda of Rec 10 workshop)."
    ) in said
    assert f'href="/proposals/{first.id}"' in page
    # The first's page names the second, undecided yet.
    said = " ".join(
        html.unescape(
            re.sub(r"<[^>]+>", " ", colead_client.get(f"/proposals/{first.id}").text)
        ).split()
    )
    assert (
        f"IE's other proposals: “Chatbot for applicants” (#{later.id}, by Declan Murphy, "
        "submitted)."
    ) in said


def test_the_co_lead_is_told_how_the_volunteer_hears_of_a_decision(
    app, client, colead_client, survey, monkeypatch
):
    """helper-102: "Proposal #1 is declined." said nothing of the email the decision sends."""
    send(client)
    proposal = db.session.scalar(select(Proposal))
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    form = review_form(colead_client, proposal.id)
    declined = colead_client.post(
        f"/proposals/{proposal.id}",
        data={**form, "status": "declined", "reason": "Not this year"},
        follow_redirects=True,
    )
    assert (
        f"Proposal #{proposal.id} is declined. The volunteer is emailed the decision and its "
        "reason."
    ) in html.unescape(declined.text)
    assert "Schedule” below" not in html.unescape(declined.text)


def test_the_volunteer_is_told_what_happens_next_and_how_they_hear(
    app, client, colead_client, survey, monkeypatch
):
    """helper-303: the page after sending said only "your proposal is with the co-leads": not
    that a decision comes by email and on this page, nor, once on the waiting list, that a
    later one would."""
    token = token_of(send(client))
    proposal = db.session.scalar(select(Proposal))
    told = (
        "What happens next: the co-leads review it. When they accept or decline it, this page "
        "shows their decision and its reason. Until then you can edit or withdraw it here."
    )
    assert told in html.unescape(client.get(f"/proposals/{token}").text)
    # With a mail server, the email too (without one, nothing would reach them).
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    assert (
        "When they accept or decline it, an email tells you at alex@ipaustralia.example, and "
        "this page shows their decision and its reason."
    ) in html.unescape(client.get(f"/proposals/{token}").text)
    form = review_form(colead_client, proposal.id)
    colead_client.post(
        f"/proposals/{proposal.id}", data={**form, "status": "waitlisted", "reason": "Full"}
    )
    page = html.unescape(client.get(f"/proposals/{token}").text)
    assert "What happens next" not in page
    assert (
        "If they later accept or decline it, an email tells you at alex@ipaustralia.example, "
        "and this page shows it."
    ) in page


def test_a_refused_zone_is_not_kept_in_the_server_s_memory(client, survey):
    """helper-243: the volunteer form shows a zone it refuses as typed, through the function
    that names a zone by its place, which kept what it was given (4096 of them): anyone sending
    the form again and again, a megabyte of other text in the zone each time, had each kept in
    every worker, up to gigabytes. The refused text still comes back in the field."""
    import planner.timezones

    def kept() -> int:
        caches = (getattr(f, "cache_info", None) for f in vars(planner.timezones).values())
        return sum(cache().currsize for cache in caches if cache is not None)

    send(client, availability_zone="Lima")  # what is kept of zones, kept before counting
    before = kept()
    for n in range(5):
        typed = f"{n} {'x' * 100_000}"
        refused = send(client, availability_zone=typed)
        assert refused.status_code == 400 and typed in refused.get_data(as_text=True)
    assert kept() == before


def test_the_availability_written_says_in_which_zone_it_was_asked(client, colead_client, survey):
    """helper-303: "Tuesdays 08:00-11:00" on the review page named no zone; the form asks for
    the office's own."""
    token = token_of(send(client))
    proposal = db.session.scalar(select(Proposal))
    zone = "(the form asks for times in AU's time zone: Sydney)"
    for page in (colead_client.get(f"/proposals/{proposal.id}"), client.get(f"/proposals/{token}")):
        text = re.sub(r"<[^>]+>", "", html.unescape(page.text))
        assert f"Tuesdays 08:00-11:00 {zone}" in text


def test_an_edit_sent_after_the_decision_comes_back_with_what_was_typed(
    app, client, colead_client, survey, monkeypatch
):
    """The volunteer opened the edit form; the co-leads decided meanwhile; the typed change is
    not saved, and not lost either: it is there to copy into a message to the co-leads, whose
    address is given, and no "Save changes" is offered that could not save (helper-150)."""
    monkeypatch.setitem(app.config, "MAIL_FROM", "CWS ICT Task Force <ict-taskforce@wipo.example>")
    token = token_of(send(client))
    url = f"/proposals/{token}/edit"
    typed = {**VALID, "csrf_token": csrf_token(client, url), "title": "My retitled talk"}
    del typed["office"]
    proposal = db.session.scalar(select(Proposal))
    form = review_form(colead_client, proposal.id)
    decided = {**form, "status": "declined", "reason": "Full programme"}
    assert colead_client.post(f"/proposals/{proposal.id}", data=decided).status_code == 302
    refused = client.post(url, data=typed)
    assert refused.status_code == 409
    page = html.unescape(refused.get_data(as_text=True))
    assert (
        "The co-leads have decided: your proposal is declined, so it can no longer change." in page
    )
    assert "Your changes were not saved" in page and 'value="My retitled talk"' in page
    assert "to copy into a message to the co-leads at ict-taskforce@wipo.example." in page
    assert "Save changes" not in page and "Back to your proposal" in page
    db.session.refresh(proposal)
    assert proposal.title == VALID["title"]


def test_the_later_of_two_concurrent_decisions_is_told(client, colead_client, survey):
    send(client)
    proposal = db.session.scalar(select(Proposal))
    first = review_form(colead_client, proposal.id)
    second = dict(first)  # a second co-lead opened the same version
    assert (
        colead_client.post(
            f"/proposals/{proposal.id}", data={**first, "status": "accepted", "reason": "Yes"}
        ).status_code
        == 302
    )
    late = colead_client.post(
        f"/proposals/{proposal.id}", data={**second, "status": "declined", "reason": "No"}
    )
    assert late.status_code == 409
    page = late.get_data(as_text=True)
    assert "changed since you opened it" in page
    # In a sentence, as the history says it (helper-201: "(status, 2026-12-04 07:29 UTC)").
    decided = db.session.scalar(select(ProposalEvent).order_by(ProposalEvent.id.desc()))
    assert (
        f"This proposal changed since you opened it. Last change: Accepted by {decided.actor} "
        f"on {decided.at:%-d %b %Y, %H:%M} UTC. It is now accepted; your decision was not "
        "saved: look again and decide." in html.unescape(page)
    )
    db.session.refresh(proposal)
    assert proposal.status == "accepted"
    # Having looked, the second co-lead sends the form as it came back: it decides.
    carried = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', page)
    assert int(carried[1] or carried[2]) == proposal.version
    again = {**second, "version": carried[1] or carried[2], "status": "declined", "reason": "No"}
    assert colead_client.post(f"/proposals/{proposal.id}", data=again).status_code == 302
    db.session.refresh(proposal)
    assert proposal.status == "declined"


def test_the_decision_starts_unchosen_and_keeps_what_was_typed(client, colead_client, survey):
    """helper-102: the decide control started on the proposal's own status, so "Save" with
    nothing chosen re-sent it. Nothing is chosen now, the current status is not offered, and a
    save without a choice is refused with the reason still in the form."""
    send(client)
    proposal = db.session.scalar(select(Proposal))
    page = colead_client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    offered = re.findall(r'type="radio" value="(\w+)"', page)
    assert offered == ["accepted", "waitlisted", "declined"]
    assert "checked" not in page.split('name="status"')[1].split("</fieldset>")[0]
    form = review_form(colead_client, proposal.id)
    unchosen = colead_client.post(
        f"/proposals/{proposal.id}", data={**form, "reason": "Fits <the> programme"}
    )
    assert unchosen.status_code == 400
    answer = unchosen.get_data(as_text=True)
    assert "Choose a decision." in answer
    assert "Fits &lt;the&gt; programme</textarea>" in answer
    db.session.refresh(proposal)
    assert proposal.status == "submitted" and len(proposal.events) == 1
    # Chosen but without a reason: the choice stays chosen.
    reasonless = colead_client.post(
        f"/proposals/{proposal.id}", data={**form, "status": "declined"}
    )
    assert reasonless.status_code == 400
    assert re.search(r'checked[^>]*value="declined"|value="declined"[^>]*checked', reasonless.text)
    # Once accepted, "accepted" is no longer among the choices; the others are.
    decided = {**form, "status": "accepted", "reason": "Fits"}
    assert colead_client.post(f"/proposals/{proposal.id}", data=decided).status_code == 302
    page = colead_client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert re.findall(r'type="radio" value="(\w+)"', page) == [
        "waitlisted",
        "declined",
        "submitted",
    ]


def test_the_history_says_who_did_what_when(client, colead_client, survey):
    """helper-102: the first entry read "submitted: — → submitted"."""
    send(client)
    proposal = db.session.scalar(select(Proposal))
    form = review_form(colead_client, proposal.id)
    decided = {**form, "status": "waitlisted", "reason": "Full\nprogramme"}
    assert colead_client.post(f"/proposals/{proposal.id}", data=decided).status_code == 302
    page = colead_client.get(f"/proposals/{proposal.id}").text.split("<h2>History</h2>")[1]
    history = html.unescape(re.sub(r"<[^>]+>", "", page))
    sent, waitlisted = proposal.events
    assert "→" not in history
    assert (
        f"Submitted by {proposal.contact_name} <{proposal.contact_email}> for AU on "
        f"{sent.at:%-d %b %Y, %H:%M} UTC." in history
    )
    assert (
        f"Put on the waiting list by colead@example.org on {waitlisted.at:%-d %b %Y, %H:%M} "
        "UTC (it was submitted)." in history
    )
    assert history.index("Put on the waiting list") < history.index("Submitted by")
    assert '<blockquote class="answer-text">Full\nprogramme</blockquote>' in page


def test_revoke_and_reissue_the_link(client, colead_client, survey):
    """As the pages send them: revoking from the page that asks first, a new link from the
    review page. A form sent twice, or from a page opened before another co-lead made a new
    link, changes nothing (409): the link made since, perhaps sent to the office, stays."""
    token = token_of(send(client))
    proposal = db.session.scalar(select(Proposal))
    url = f"/proposals/{proposal.id}"
    asked = hidden_fields(colead_client, f"{url}/link")
    assert asked["action"] == "revoke" and token not in str(asked)
    revoked = colead_client.post(f"{url}/link", data=asked)
    assert revoked.status_code == 302 and revoked.headers["Location"] == url
    assert client.get(f"/proposals/{token}").status_code == 404
    again = colead_client.post(f"{url}/link", data=asked, follow_redirects=True)
    assert "The proposal link was revoked already: nothing changed." in html.unescape(again.text)
    review = hidden_fields(colead_client, url)  # a tab opened now, with no link
    page = colead_client.post(f"{url}/link", data={**review, "action": "reissue"}).text
    new = re.search(r"/proposals/([A-Za-z0-9_-]{40,})", page)[1]
    assert client.get(f"/proposals/{new}").status_code == 200
    for stale in ({**review, "action": "reissue"}, asked):  # sent twice; the old "revoke" tab
        refused = colead_client.post(f"{url}/link", data=stale)
        assert refused.status_code == 409
        assert "the volunteer's proposal link was replaced since" in html.unescape(refused.text)
        assert client.get(f"/proposals/{new}").status_code == 200
    assert colead_client.post(f"{url}/link", data={**review, "action": "x"}).status_code == 400
    db.session.refresh(proposal)
    assert [e.action for e in proposal.events][-2:] == ["link revoked", "new link"]


def test_revoking_the_proposal_link_is_not_mistaken_for_the_office_s_feed_link(
    client, colead_client, survey
):
    """helper-172: the review page's "Revoke the office's link…" revoked the volunteer's
    private proposal link, and read as the office's private calendar feed link (also revoked
    on the office's page). It names the volunteer's proposal link, and its confirmation says
    whose it is, what stops working and that the office's feed link does not."""
    send(client)
    proposal = db.session.scalar(select(Proposal))
    url = f"/proposals/{proposal.id}"
    review = html.unescape(colead_client.get(url).text)
    assert "Revoke the office's link" not in review
    assert "Revoke the volunteer's proposal link…</a>" in review
    assert ">Make a new proposal link</button>" in review
    assert "It is not the office's calendar feed link, which is on" in review
    assert f'href="/offices/{proposal.office_code}#feed"' in review
    asked = " ".join(html.unescape(colead_client.get(f"{url}/link").text).split())
    assert (
        f"Revoke the private link to proposal #{proposal.id}, “{proposal.title}”, given to its "
        f"volunteer {proposal.contact_name}?"
    ) in asked
    assert (
        f"Whoever has it ({proposal.contact_name}, and anyone they passed it to) can no longer "
        "open the proposal's page: see it and what became of it, edit or withdraw it."
    ) in asked
    assert (
        "Only this link ends: the office's calendar feed link (on the office's page) and the "
        "private links of presenters keep working."
    ) in asked
    assert ">Revoke the proposal link</button>" in asked
    revoked = colead_client.post(
        f"{url}/link", data=hidden_fields(colead_client, f"{url}/link"), follow_redirects=True
    )
    assert "The volunteer's proposal link is revoked: it now leads nowhere." in html.unescape(
        revoked.text
    )


def test_the_proposal_link_section_says_what_the_link_still_does(client, colead_client, survey):
    """helper-173: "The volunteer's proposal link" said the link was given "to follow it (and
    edit or withdraw it until you decide)" on a proposal decided already, and the same once
    revoked. It says what holds: edit or withdraw until decided, follow once decided, nothing
    once revoked."""
    send(client)
    proposal = db.session.scalar(select(Proposal))
    url = f"/proposals/{proposal.id}"
    name = proposal.contact_name

    def section() -> str:
        page = " ".join(html.unescape(colead_client.get(url).text).split())
        return page.split("The volunteer's proposal link</h2>", 1)[1].split("</p>", 1)[0]

    assert (
        f"{name} was given a private link to this proposal's page, to follow it, and to edit or "
        "withdraw it until you decide."
    ) in section()
    body = {"status": "accepted", "reason": "Fits.", "version": proposal.version}
    assert colead_client.patch(f"/api/v1{url}", json=body).status_code == 200
    decided = section()
    assert "until you decide" not in decided
    assert (
        f"{name} was given a private link to this proposal's page, to follow what becomes of "
        "it; they can no longer edit or withdraw it there."
    ) in decided
    revoked = colead_client.post(f"{url}/link", data=hidden_fields(colead_client, f"{url}/link"))
    assert revoked.status_code == 302
    assert (
        f"{name} was given a private link to this proposal's page; it is revoked and now leads "
        "nowhere."
    ) in section()


def test_the_decision_form_on_the_page_a_new_link_is_shown_on_decides(
    client, colead_client, survey
):
    """Making a new link answers with the proposal's page at /proposals/<id>/link (the link is
    shown once, on that answer). Its decision form named no address, so a browser sent the
    decision there, which refused it (400: "revoke or make a new link?"). It goes to the
    proposal's own address, with the review's filters it carries."""
    send(client)
    proposal = db.session.scalar(select(Proposal))
    url = f"/proposals/{proposal.id}"
    back = "?back=status%3Dsubmitted"
    review = hidden_fields(colead_client, url + back)
    page = colead_client.post(f"{url}/link{back}", data={**review, "action": "reissue"}).text
    form = re.search(r'<form method="post"([^>]*)>\s*<input id="csrf_token"', page)
    assert form is not None, "no decision form on the page"
    action = re.search(r'action="([^"]*)"', form[1])
    sent_to = html.unescape(action[1]) if action else f"{url}/link{back}"  # a browser's way
    fields = dict(
        re.findall(
            r'<input id="(?:csrf_token|version)" name="(\w+)" type="hidden" '
            r'value="([^"]*)"',
            page,
        )
    )
    decision = {**fields, "status": "waitlisted", "reason": "Later in the year."}
    decided = colead_client.post(sent_to, data=decision)
    assert decided.status_code == 302
    assert decided.headers["Location"] == url + back
    db.session.refresh(proposal)
    assert proposal.status == "waitlisted"


def test_html_typed_into_the_title_shows_as_text_everywhere(client, colead_client, survey):
    token = token_of(send(client, title=SCRIPT))
    proposal = db.session.scalar(select(Proposal))
    for page_client, url in (
        (client, f"/proposals/{token}"),
        (colead_client, "/proposals"),
        (colead_client, f"/proposals/{proposal.id}"),
    ):
        page = page_client.get(url).get_data(as_text=True)
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; AI search" in page, url
        assert "<script>" not in page, url
    assert colead_client.get("/api/v1/proposals").get_json()["proposals"][0]["title"] == SCRIPT


def test_api_refusals_of_a_fields_type_are_in_fields_too(client, colead_client, survey):
    """README: a form-like body's per-field problems are all in `fields`; a value of the wrong
    type (consent "yes", recommendations "10", a title as an object) was said in the message
    only, so a script showing `fields` beside its inputs showed nothing (helper-187)."""
    for payload, name in (
        ({"consent": "yes"}, "consent"),
        ({"recommendations": "10"}, "recommendations"),
        ({"title": {"en": "AI"}}, "title"),
        ({"duration": 20.5}, "duration"),
    ):
        refused = client.post("/api/v1/proposals", json={**API_VALID, **payload})
        body = refused.get_json()
        assert refused.status_code == 400, payload
        assert body["fields"] == {name: [body["message"]]}, payload
    made = client.post("/api/v1/proposals", json=API_VALID).get_json()
    refused = colead_client.patch(
        f"/api/v1/proposals/{made['id']}",
        json={"status": "accepted", "reason": ["a", "list"], "version": 1},
    )
    assert refused.status_code == 400
    assert refused.get_json()["fields"] == {"reason": [refused.get_json()["message"]]}


def test_api_proposals(client, colead_client, survey):
    created = client.post("/api/v1/proposals", json=API_VALID)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "submitted" and "/proposals/" in body["link"]
    bad = client.post("/api/v1/proposals", json={"office": "IL", "email": "nope", "duration": 300})
    assert bad.status_code == 400
    fields = bad.get_json()["fields"]
    assert {"email", "title", "recommendations", "duration", "maturity"} <= fields.keys()
    for payload, message in (
        ({"recommendations": "10"}, "Give recommendations as a list of numbers"),
        ({"recommendations": 10}, "Give recommendations as a list of numbers"),
        (
            {"title": {"en": "AI"}},
            "Give title as text or a whole number.",
        ),
    ):
        refused = client.post("/api/v1/proposals", json={"office": "IL", **payload})
        assert refused.status_code == 400
        assert message in refused.get_json()["message"]
    # The page's field names are not the API's: refused by name, not "Tell us who you are".
    renamed = {**API_VALID, "contact_name": "Dana", "contact_email": "dana@ilpo.example"}
    del renamed["name"], renamed["email"]
    unknown = client.post("/api/v1/proposals", json=renamed)
    assert unknown.status_code == 400
    assert unknown.get_json()["message"].startswith(
        "Unknown proposal field(s): contact_email, contact_name. The proposal fields are: office, "
        "name, email,"
    )
    # In `fields` too, under each unknown name, as every form-like body says its problems.
    assert sorted(unknown.get_json()["fields"]) == ["contact_email", "contact_name"]
    listed = colead_client.get("/api/v1/proposals?status=submitted").get_json()["proposals"]
    assert [p["id"] for p in listed] == [body["id"]]
    url = f"/api/v1/proposals/{body['id']}"
    assert colead_client.patch(url, json={"status": "accepted", "reason": "x"}).status_code == 428
    # A list or an object is not a reason: refused, never stored as its Python text.
    for reason in (["list", "reason"], {"a": None}, True):
        wrong = colead_client.patch(
            url, json={"status": "accepted", "reason": reason, "version": 1}
        )
        assert wrong.status_code == 400
        assert wrong.get_json()["message"] == ("Give reason as text or a whole number.")
    extra = colead_client.patch(url, json={"status": "accepted", "version": 1, "note": "x"})
    assert extra.status_code == 400
    assert extra.get_json()["message"] == (
        "Unknown proposal field(s): note. The proposal fields are: status, reason, version."
    )
    ok = colead_client.patch(url, json={"status": "accepted", "reason": "Fits", "version": 1})
    assert ok.status_code == 200 and ok.get_json()["status"] == "accepted"
    stale = colead_client.patch(url, json={"status": "declined", "reason": "No", "version": 1})
    assert stale.status_code == 409
    assert stale.get_json()["current"]["status"] == "accepted"


def test_accepted_proposals_become_candidates(client, colead_client, survey):
    send(client, office="GM", title="IPAS and AI at a small office", maturity="production")
    proposal = db.session.scalar(select(Proposal))
    form = review_form(colead_client, proposal.id)
    colead_client.post(
        f"/proposals/{proposal.id}",
        data={**form, "status": "accepted", "reason": "Small office voice"},
    )
    _, projects = survey_interests_and_projects(survey)
    volunteered = [p for p in projects if p.source == "proposal"]
    assert [(p.office, p.recommendation) for p in volunteered] == [("GM", 10)]
    instance = workshop_instance(survey, [10])
    gambia = next(c for c in instance.candidates if c.office == "GM")
    assert gambia.volunteer and gambia.maturity == 1.0
    # In a line-up and its draft agenda, the slot is the volunteered presentation.
    rules = {**LINEUP, "include": "GM", "csrf_token": csrf_token(colead_client, "/lineups/new")}
    colead_client.post("/lineups/new", data=rules)
    lineup = db.session.scalar(select(Lineup))
    assert {t["office"]: t["volunteer"] for t in lineup.result["talks"]}["GM"] is True
    colead_client.post(
        f"/lineups/{lineup.id}/accept",
        data={"csrf_token": csrf_token(colead_client, f"/lineups/{lineup.id}")},
    )
    slot = next(s for s in db.session.scalar(select(Meeting)).slots if s.office_code == "GM")
    assert (slot.proposal_id, slot.title) == (proposal.id, "IPAS and AI at a small office")


@pytest.mark.parametrize("status", ["submitted", "declined", "waitlisted"])
def test_only_accepted_proposals_are_candidates(client, colead_client, survey, status):
    send(client, office="GM")
    if status != "submitted":
        proposal = db.session.scalar(select(Proposal))
        form = review_form(colead_client, proposal.id)
        colead_client.post(
            f"/proposals/{proposal.id}", data={**form, "status": status, "reason": "Reviewed"}
        )
        db.session.refresh(proposal)
        assert proposal.status == status
    _, projects = survey_interests_and_projects(survey)
    assert not [p for p in projects if p.source == "proposal"]


def test_a_tampered_version_is_a_bad_request(client, colead_client, survey):
    send(client)
    proposal = db.session.scalar(select(Proposal))
    form = {**review_form(colead_client, proposal.id), "version": "abc"}
    response = colead_client.post(
        f"/proposals/{proposal.id}", data={**form, "status": "accepted", "reason": "x"}
    )
    assert response.status_code == 400
    db.session.refresh(proposal)
    assert proposal.status == "submitted"


@pytest.mark.parametrize("url", ["/proposals", "/api/v1/proposals", "/proposals?recommendation=10"])
@pytest.mark.one_database  # statement counts are the ORM's loading, the same on both databases
def test_the_review_costs_the_same_queries_for_5_or_20_proposals(
    app, client, colead_client, survey, url, monkeypatch
):
    monkeypatch.setitem(app.config, "PROPOSALS_PER_HOUR", 20)  # all from one address
    offices = ["AU", "BR", "CA", "CN", "DE", "ES", "FI", "HR", "IE", "IL"]

    def queries_with(count: int) -> int:
        while db.session.scalar(select(func.count()).select_from(Proposal)) < count:
            sent = db.session.scalar(select(func.count()).select_from(Proposal))
            office = offices[sent % len(offices)]
            send(client, office=office, title=f"Proposal {sent}", recommendations=["10", "4"])
        colead_client.get(url)  # once before counting: signing in, caches
        with counted_queries() as statements:
            response = colead_client.get(url)
        assert response.status_code == 200
        return len(statements)

    assert queries_with(5) == queries_with(20)


def test_the_review_shows_fifty_proposals_a_page_newest_first(
    app, client, colead_client, survey, monkeypatch
):
    monkeypatch.setitem(app.config, "PROPOSALS_PER_HOUR", 60)  # all from one address
    for n in range(52):
        sent = client.post("/api/v1/proposals", json={**API_VALID, "title": f"Proposal {n:02}"})
        assert sent.status_code == 201

    def listed(url: str) -> list[str]:
        response = colead_client.get(url)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        return re.findall(r'class="proposal-title">Proposal (\d+)</a>', page), page

    first, page = listed("/proposals")
    assert first == [f"{n:02}" for n in range(51, 1, -1)]
    assert "52 proposals, the 1–50 newest on this page" in page
    assert 'href="/proposals?page=2">Older</a>' in page and ">Newer</a>" not in page
    second, page = listed("/proposals?page=2")
    assert second == ["01", "00"]
    assert 'href="/proposals?page=1">Newer</a>' in page and ">Older</a>" not in page
    # The filters stay with the pages; a page past the last is none.
    _, submitted = listed("/proposals?status=submitted")
    assert 'href="/proposals?status=submitted&amp;page=2">Older</a>' in submitted
    assert colead_client.get("/proposals?page=3").status_code == 404
    assert colead_client.get("/proposals?page=0").status_code == 400


def test_the_api_lists_proposals_a_page_at_a_time_as_every_api_listing(
    app, client, colead_client, survey, monkeypatch
):
    """GET /api/v1/proposals answered every proposal in one list, however many there were,
    while the API's other listing (matches) comes a page at a time: the same parameters,
    links, limits and refusals now (README, "Pages of an API answer")."""
    monkeypatch.setitem(app.config, "PROPOSALS_PER_HOUR", 20)  # all from one address
    for n in range(7):
        recommendations = [10] if n % 2 else [4]
        proposal = {**API_VALID, "title": f"Proposal {n}", "recommendations": recommendations}
        assert client.post("/api/v1/proposals", json=proposal).status_code == 201
    first = colead_client.get("/api/v1/proposals").get_json()
    assert (first["count"], first["page"], first["pages"], first["per_page"]) == (7, 1, 1, 100)
    assert first["next"] is None and first["previous"] is None
    assert [p["title"] for p in first["proposals"]] == [f"Proposal {n}" for n in range(6, -1, -1)]
    # Pages of 2 of Rec 10's three, newest first; the links keep the query.
    url = "/api/v1/proposals?recommendation=10&status=submitted&per_page=2"
    page = colead_client.get(url).get_json()
    assert (page["count"], page["pages"], page["previous"]) == (3, 2, None)
    assert [p["title"] for p in page["proposals"]] == ["Proposal 5", "Proposal 3"]
    assert page["next"] == url + "&page=2"
    last = colead_client.get(page["next"]).get_json()
    assert [p["title"] for p in last["proposals"]] == ["Proposal 1"]
    assert last["next"] is None and last["previous"] == url + "&page=1"
    titles = [p["title"] for p in every_page(colead_client, url, key="proposals")]
    assert titles == ["Proposal 5", "Proposal 3", "Proposal 1"]
    # Nothing matches: page 1 still is, empty.
    empty = colead_client.get("/api/v1/proposals?status=accepted").get_json()
    assert (empty["count"], empty["pages"], empty["proposals"]) == (0, 1, [])
    for query, status, words in (
        ("per_page=501", 400, "per_page is at most 500"),
        ("per_page=0", 400, "per_page is a number of items per page"),
        ("per_page=lots", 400, "per_page is a number of items per page"),
        ("page=0", 400, "page is a page number"),
        ("page=99999999999999999999", 400, "page is a page number"),
        ("page=2", 404, "There is no page 2: there is 1 page."),
    ):
        refused = colead_client.get(f"/api/v1/proposals?{query}")
        assert refused.status_code == status, query
        assert words in refused.get_json()["message"], query
    # Still the co-leads' alone, whichever page.
    assert client.get("/api/v1/proposals?page=1").status_code == 401


def test_an_api_page_s_links_keep_a_query_whose_names_look_like_url_for_s_own(
    app, client, colead_client, survey, monkeypatch
):
    """A query name such as "_method" or "_external" is the request's, kept in the links like
    any other: it was taken for an argument of Flask's url_for (500, or a link to another
    scheme or host instead of a path on this site). A name given twice keeps both values."""
    monkeypatch.setitem(app.config, "PROPOSALS_PER_HOUR", 20)  # all from one address
    for n in range(2):
        proposal = {**API_VALID, "title": f"Proposal {n}"}
        assert client.post("/api/v1/proposals", json=proposal).status_code == 201
    for query in ("_method=POST", "_external=1&_scheme=javascript", "_anchor=x&_anchor=y"):
        url = f"/api/v1/proposals?per_page=1&{query}"
        answer = colead_client.get(url)
        assert answer.status_code == 200, query
        assert answer.get_json()["next"] == url + "&page=2", query


def _crumb(page: str) -> str:
    """Where the breadcrumb "Proposals" leads."""
    crumbs = page.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    return html.unescape(re.search(r'<a href="([^"]*)">Proposals</a>', crumbs)[1])


def test_a_proposals_page_leads_back_to_the_reviews_filters_and_page(
    app, client, colead_client, survey, monkeypatch
):
    """helper-203: from /proposals?status=...&page=2, a proposal's breadcrumb led to the
    review's first page, unfiltered. It leads back to the filters and page it was opened from,
    after a decision too (the co-lead stays on the proposal, told what comes next), and to the
    last page when a decision took that page's last proposal out of the filter."""
    monkeypatch.setitem(app.config, "PROPOSALS_PER_HOUR", 60)  # all from one address
    for n in range(52):
        sent = client.post("/api/v1/proposals", json={**API_VALID, "title": f"Proposal {n:02}"})
        assert sent.status_code == 201
    review = "/proposals?status=submitted&recommendation=10&page=2"
    listed = colead_client.get(review).text
    links = re.findall(r'<a href="([^"]+)" class="proposal-title">', listed)
    assert len(links) == 2
    opened = html.unescape(links[0])
    assert opened.endswith("?back=status%3Dsubmitted%26recommendation%3D10%26page%3D2")
    assert _crumb(colead_client.get(opened).text) == review

    def decide(url: str) -> str:
        form = {"csrf_token": csrf_token(colead_client, url), "version": "1", "status": "accepted"}
        decided = colead_client.post(url, data={**form, "reason": "A good fit for the day."})
        assert decided.status_code == 302
        return decided.headers["Location"]

    after = decide(opened)
    assert after == opened  # the proposal's page, still carrying the review's
    assert "is accepted" in html.unescape(colead_client.get(after).text)
    assert _crumb(colead_client.get(after).text) == review
    # 50 left submitted: one page. The other proposal opened from page 2 leads to page 1.
    after = decide(html.unescape(links[1]))
    assert _crumb(colead_client.get(after).text) == "/proposals?status=submitted&recommendation=10"
    # Its private link's pages keep it too.
    proposal = after.split("?")[0]
    asking = after.replace("?", "/link?")
    asked = colead_client.get(asking).text
    assert _crumb(asked) == "/proposals?status=submitted&recommendation=10"
    assert f'action="{proposal}/link?back=status%3Dsubmitted%26recommendation%3D10"' in asked
    revoked = colead_client.post(asking, data=hidden_fields(colead_client, asking))
    assert revoked.headers["Location"] == after


@pytest.mark.parametrize(
    "back",
    [
        "//evil.example/proposals",
        "https://evil.example/",
        "/\\evil.example",
        "status=evil&page=-1&recommendation=x",
        "next=https://evil.example&page=99999999999999999999999",
        "status=submitted%0d%0aLocation:%20https://evil.example",
    ],
)
def test_a_proposals_back_leads_to_nothing_but_the_review(client, colead_client, back):
    """What `back` says is read as the review's filters and page, or not at all: never another
    address, after a decision neither."""
    send(client)
    proposal = db.session.scalar(select(Proposal))
    url = f"/proposals/{proposal.id}?" + urlencode({"back": back})
    assert _crumb(colead_client.get(url).text) == "/proposals"
    form = {**review_form(colead_client, proposal.id), "status": "waitlisted", "reason": "Later."}
    decided = colead_client.post(url, data=form)
    assert decided.headers["Location"] == f"/proposals/{proposal.id}"


@pytest.mark.parametrize(
    ("page_field", "api_field", "value", "message"),
    [
        (
            "title",
            "title",
            "a\x00b",
            "The title cannot contain a NUL character; keep it on one line.",
        ),
        (
            "title",
            "title",
            "two\nlines",
            "The title cannot contain a line break; keep it on one line.",
        ),
        ("abstract", "abstract", "a\x07b", "cannot contain the control character U+0007."),
        ("contact_name", "name", "Dana\rEvil", "cannot contain a line break"),
    ],
)
def test_the_page_and_the_api_refuse_the_same_text_with_the_same_words(
    client, survey, page_field, api_field, value, message
):
    api = client.post("/api/v1/proposals", json={**API_VALID, api_field: value})
    assert api.status_code == 400
    assert any(message in m for messages in api.get_json()["fields"].values() for m in messages)
    page = send(client, **{page_field: value})
    assert page.status_code == 400
    assert message in html.unescape(page.get_data(as_text=True))
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0


def test_the_error_summary_follows_the_page_and_enter_sends(client, survey):
    response = send(client, office="", contact_email="x", recommendations=[], maturity="")
    page = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S)[0]
    listed = re.findall(r'<li><a href="#([^"]*)">', summary)
    # A group's link moves to its first box, which takes focus (helper-89: to its <ul>), and
    # the group's error describes the group.
    assert listed == ["office", "contact_email", "recommendations-0", "maturity-0"]
    for target in listed:
        assert re.search(rf'<(input|select|textarea)[^>]*id="{target}"', page), target
    assert 'aria-describedby="recommendations-hint recommendations-error"' in page
    assert '<p class="error" id="recommendations-error">' in page
    form = page[page.index('<form method="post" action="/volunteer"') :]
    # The first submit button is the form's default, which Enter in the Title field presses.
    first = re.search(r"<button[^>]*>[^<]*</button>", form)[0]
    assert 'name="suggest"' not in first and "Send the proposal" in first
    boxes = re.findall(r'<input[^>]*name="recommendations"[^>]*>', page)
    assert boxes and not any("required" in box for box in boxes)  # only the group is required


@pytest.mark.parametrize(
    ("fields", "message", "kept"),
    [
        (
            {"duration_minutes": "20.5"},
            "Write a whole number with the digits 0 to 9, such as 20.",
            'value="20.5"',
        ),
        (
            {"windows-0-weekdays": "1", "windows-0-starts": "25:00", "windows-0-ends": "26:00"},
            "Give a time such as 09:30, on the 24-hour clock.",
            'value="25:00"',
        ),
    ],
)
def test_a_value_the_form_cannot_read_is_said_in_words(client, survey, fields, message, kept):
    """helper-89: "Not a valid integer value." and "Not a valid time value.", the form
    library's words; the planner says what to write, and keeps what was typed."""
    response = send(client, **fields)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert message in page and "Not a valid" not in page
    assert kept in page


def test_the_spaces_around_what_a_volunteer_typed_are_not_kept(client, survey):
    """helper-198: a name pasted with spaces around it ("  Élodie Lefèvre ") was kept so, and
    every email greeted "Bonjour   Élodie Lefèvre ,"; the agenda and the contacts store their
    text without them, and so does a proposal, sent or edited, from the page or the API."""
    spaced = {"contact_name": "  Alex Example ", "title": " Trialling AI ", "abstract": "\n AI. "}
    token = token_of(send(client, **spaced))
    proposal = db.session.scalar(select(Proposal))
    assert (proposal.contact_name, proposal.title, proposal.abstract) == (
        "Alex Example",
        "Trialling AI",
        "AI.",
    )
    received = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "received"))
    assert received.recipient_name == "Alex Example"
    assert "Dear Alex Example,\n" in received.text_body
    assert received.subject == "Your proposal is with the co-leads: Trialling AI"
    url = f"/proposals/{token}/edit"
    form = form_of(client, url)
    form.update({name: [value] for name, value in spaced.items()}, title=["  Trialling "])
    assert client.post(url, data=form).status_code == 302
    db.session.refresh(proposal)
    assert (proposal.contact_name, proposal.title) == ("Alex Example", "Trialling")
    sent = client.post(
        "/api/v1/proposals", json={**API_VALID, "name": " Dana  ", "title": "  AI search "}
    )
    assert sent.status_code == 201
    assert (sent.get_json()["name"], sent.get_json()["title"]) == ("Dana", "AI search")


def test_a_proposal_s_page_names_the_office_s_others_in_as_many_queries_however_many(
    api, client, colead_client, survey
):
    """The office's other proposals and the agendas holding them are read together: a page
    naming three of them, each on an agenda, takes no more queries than one naming one."""
    assert send(client, office="IE", title="Chatbot for applicants").status_code == 302
    page_of = f"/proposals/{db.session.scalar(select(Proposal.id))}"
    meeting = api.post(
        "/api/v1/meetings",
        json={"title": "Rec 10 workshop", "starts_at": ahead("2027-03-09") + "T13:00:00+01:00"},
    ).get_json()
    counted = []
    for number in range(3):
        volunteer = {"contact_email": f"v{number}@ipoi.example", "title": f"Talk {number}"}
        assert send(client, office="IE", **volunteer).status_code == 302
        proposal = db.session.scalar(select(Proposal).where(Proposal.title == f"Talk {number}"))
        form = {**review_form(colead_client, proposal.id), "status": "accepted", "reason": "Fits"}
        assert colead_client.post(f"/proposals/{proposal.id}", data=form).status_code == 302
        slot = {"proposal_id": proposal.id}
        assert api.post(f"/api/v1/meetings/{meeting['id']}/slots", json=slot).status_code == 201
        db.session.expire_all()
        with counted_queries() as statements:
            page = colead_client.get(page_of).text
        assert page.count("on the agenda of Rec 10 workshop") == number + 1
        counted.append(len(statements))
    assert counted[-1] <= counted[0], counted
