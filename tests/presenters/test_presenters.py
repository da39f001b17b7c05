"""The presenter's journey from the co-lead's invitation: a private page that works without an
account or cookies, shows the slot in the presenter's own zone, takes their answer (which the
agenda editor and the calendars follow), their title and abstract until the freeze date."""

import html
import re
from contextlib import contextmanager
from datetime import UTC, date, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from planner.agenda.models import Meeting, Slot
from planner.extensions import db
from planner.mail.messages import UPDATE_SETTLE
from planner.mail.messages.waiting import settles
from planner.mail.models import MessageStatus, OutboxMessage
from planner.mail.sender import DEFAULT_FROM
from planner.offices.models import Office
from planner.presenters.forms import slot_time
from planner.presenters.models import Invitation
from planner.presenters.operations import frozen
from planner.timezones import local_time
from tests.calendar.readers import read_everywhere
from tests.presenters.support import MEETING, TALK, confirm, invite, shown_time
from tests.support import (
    csrf_token,
    form_in,
    form_of,
    hidden_fields,
    publish_as_planned,
    sent_at_once,
)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_inviting_makes_the_slot_invited_and_a_private_page(api, slot, presenter):
    # The invite page says what the presenter is asked to, and that the agenda is a draft.
    asking = text(api.get(f"/slots/{slot.id}/invite"))
    # The time as the emails write it, and in the presenting office's zone too.
    assert (
        "Rec 10 workshop · IP Australia · Tuesday 9 March 2027, 13:10–13:30 Geneva "
        "(UTC+1); Tuesday 9 March 2027, 23:10–23:30 Sydney (UTC+11) for AU."
    ) in asking
    assert "The agenda is still a draft: the presenter is asked now" in asking
    link = invite(api, slot)
    db.session.refresh(slot)
    assert slot.status == "invited" and slot.invitation.name == "Alex Example"
    # Only a digest is kept.
    assert link.rsplit("/", 1)[1] not in (slot.invitation.link_hash or "")
    page = presenter.get(link)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    body = text(page)
    # The slot in the presenter's zone (Sydney, UTC+11 in March) and in the meeting's.
    assert "Your time (Sydney)" in body
    assert "Tuesday 9 March 2027, 23:10–23:30" in body and "(UTC+11)" in body
    assert "Tuesday 9 March 2027, 13:10–13:30" in body
    # The other talks, without anyone's contact; no video link before publishing.
    assert "Blockchain for priority documents" in body
    assert "alex@ipaustralia.example" not in body and "@" not in body.split("</header>", 1)[1]
    assert "video.example" not in body


def test_a_tab_opened_before_the_slot_moved_after_confirming_in_another(app, api, slot):
    """Moved, then confirmed at the new time in one tab: "confirm" from a tab opened before
    the move says the slot is confirmed at its time now, not that it was moved back."""
    presenter = app.test_client()
    link = invite(api, slot)
    opened = presenter.get(link).get_data(as_text=True)
    shown = shown_time(opened)
    slot_url = f"/api/v1/slots/{slot.id}"
    assert api.patch(slot_url, json={"starts_at": "2027-03-09T13:30:00+01:00"}).status_code == 200
    assert confirm(presenter, link).status_code == 302  # the other tab, at the new time
    again = confirm(presenter, link, shown_time=shown)
    assert again.status_code == 302
    page = text(presenter.get(again.headers["Location"]))
    assert "Your slot is at Tuesday 9 March 2027, 23:30–23:50 (UTC+11)" in page
    assert "your confirmation stands" in page
    assert "changed your slot's time since you opened this page" not in page


def test_the_invite_page_flags_a_slot_at_night_at_its_office(api, slot):
    """23:10 in Sydney is flagged on the invite page, as the meeting's page flags it, before the
    co-lead asks AU's presenter to give it (helper-142); 09:10 there is not."""
    assert "outside 07:00–21:00 for AU" in text(api.get(f"/slots/{slot.id}/invite"))
    morning = {"starts_at": "2027-03-08T23:00:00+01:00"}  # the slot at 23:10 in Zurich
    assert api.patch(f"/api/v1/meetings/{slot.meeting_id}", json=morning).status_code == 200
    asking = text(api.get(f"/slots/{slot.id}/invite"))
    assert "Tuesday 9 March 2027, 09:10–09:30 Sydney (UTC+11) for AU." in asking
    assert "outside 07:00" not in asking


def test_the_co_lead_form_starts_from_the_proposal_contact(api, client, survey):
    sent = client.post(
        "/api/v1/proposals",
        json={
            "office": "AU",
            "name": "Robin Volunteer",
            "email": "robin@ipaustralia.example",
            "title": "Governing AI trials",
            "abstract": "What we learned.",
            "recommendations": [10],
            "duration": 25,
            "maturity": "production",
        },
    ).get_json()
    decision = {"status": "accepted", "reason": "Fits.", "version": sent["version"]}
    assert api.patch(f"/api/v1/proposals/{sent['id']}", json=decision).status_code == 200
    meeting = api.post("/api/v1/meetings", json=MEETING).get_json()
    slot = api.post(
        f"/api/v1/meetings/{meeting['id']}/slots", json={"proposal_id": sent["id"]}
    ).get_json()
    page = text(api.get(f"/slots/{slot['id']}/invite"))
    assert 'value="Robin Volunteer"' in page
    assert 'value="robin@ipaustralia.example"' in page
    assert 'value="Sydney, Australia"' in page  # the office's zone


def test_confirming_moves_the_slot_and_the_calendars(api, slot, presenter):
    link = invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    feed = lambda: read_everywhere(presenter.get("/feeds/taskforce-talks.ics").data)  # noqa: E731
    before = next(e for e in feed()["events"] if e["summary"] == TALK["title"])
    assert before["status"] == "TENTATIVE"
    answered = confirm(presenter, link)
    assert answered.status_code == 302
    db.session.refresh(slot)
    assert slot.status == "confirmed" and slot.invitation.answer == "confirmed"
    after = next(e for e in feed()["events"] if e["summary"] == TALK["title"])
    assert after["status"] == "CONFIRMED" and after["sequence"] > before["sequence"]
    page = text(presenter.get(link))
    assert 'Status: <span class="status status-confirmed">confirmed</span></p>' in page
    assert "https://video.example/rec10" in page  # published now


def test_a_decline_needs_a_reason_and_is_flagged_to_the_co_leads(api, slot, presenter):
    link = invite(api, slot)
    refused = presenter.post(link + "/answer", data={"answer": "declined", "note": ""})
    assert refused.status_code == 400
    assert "Say why you decline" in text(refused)
    declined = presenter.post(
        link + "/answer", data={"answer": "declined", "note": "Our minister's visit that week."}
    )
    assert declined.status_code == 302
    db.session.refresh(slot)
    assert slot.status == "declined"
    editor = text(api.get(f"/meetings/{slot.meeting_id}/edit"))
    assert "Declined: find another presenter or remove the slot" in editor
    assert "Alex Example declined: “Our minister's visit that week.”" in editor
    # The reason ends the sentence: no second full stop after its quote (helper-218).
    assert "week.”." not in editor
    # Their page says it once, with their reason.
    page = text(presenter.get(link))
    assert (
        'Status: <span class="status status-declined">declined</span> '
        "(“Our minister's visit that week.”)</p>"
    ) in page
    assert "your answer:" not in page


def test_after_a_decline_the_slot_reads_in_its_offices_zone_again(api, client, slot, presenter):
    """The one who declined no longer presents: their zone leaves the co-leads' agenda with
    them. Anyone else only ever reads the time at the office (their zone is private)."""
    link = invite(api, slot, time_zone="Pacific/Auckland")
    meeting = f"/meetings/{slot.meeting_id}"
    assert api.post(f"/api/v1{meeting}/publish").status_code == 200
    # With its day: 13:10 in Zurich on Tuesday is already Wednesday in Auckland.
    assert "Presenter's time: Wed 10 Mar 01:10 in Auckland (UTC+13)" in text(api.get(meeting))
    public = text(client.get(meeting))
    assert "in Auckland" not in public and "in Sydney" in public
    declined = presenter.post(link + "/answer", data={"answer": "declined", "note": "Away."})
    assert declined.status_code == 302
    page = text(api.get(meeting))
    assert "in Auckland" not in page and "in Sydney" in page


def test_the_editor_flags_a_presenter_s_night(api, client, slot, presenter):
    """helper-170: a presenter invited in a zone of their own (Sydney, while their office is
    in Lima) read their slot at 01:40 on Wednesday; the invite page flags only the office's
    hours, and the agenda editor showed "Presenter's time: Wed 16 Dec 01:40 in Sydney" with no
    flag. It is flagged beside it, for the co-leads only; a presenter in the day is not."""
    edit, meeting = f"/meetings/{slot.meeting_id}/edit", f"/meetings/{slot.meeting_id}"
    flag = "outside 07:00–21:00 for the presenter"
    tag = 'class="tag tag-warning presenter-night"'
    invite(api, slot, time_zone="Pacific/Auckland")
    page = text(api.get(edit))
    assert (
        f"Presenter's time: Wed 10 Mar 01:10 in Auckland (UTC+13)</span> <span {tag}>{flag}" in page
    )
    assert api.post(f"/api/v1{meeting}/publish").status_code == 200
    assert flag in text(api.get(meeting)) and flag not in text(client.get(meeting))
    invite(api, slot, time_zone="Europe/Zurich")  # in Geneva, at 13:10
    page = text(api.get(edit))
    geneva = "Presenter's time: Tue 9 Mar 13:10 in Geneva (UTC+1)</span>"
    assert geneva in page and f"{geneva} <span" not in page
    # JP's talk, 21:30 in Tokyo, is flagged all along: at the office, as nobody is invited yet.
    assert (
        "At the presenting office: Tue 9 Mar 21:30 in Tokyo (UTC+9)</span> "
        '<span class="tag tag-warning presenter-night">outside 07:00–21:00 at the office</span>'
    ) in page


def test_the_page_after_inviting_says_the_presenter_s_time_and_flags_their_night(api, slot):
    """helper-335: a co-lead invited PL's presenter, typing Lima as their zone: the invite page
    had flagged nothing (11:00 in Warsaw), and the page that says they are invited gave no time
    at all, while the invitation asked them for 05:00. It says their time, flagged at night
    there; in the day, unflagged."""
    invite(api, slot, time_zone="Pacific/Auckland")
    page = text(api.get(f"/slots/{slot.id}/invited"))
    assert (
        "Presenter's time: Wed 10 Mar 01:10 in Auckland (UTC+13) "
        '<span class="tag tag-warning presenter-night">outside 07:00–21:00 for the presenter'
    ) in page
    invite(api, slot, time_zone="Europe/Zurich")
    page = text(api.get(f"/slots/{slot.id}/invited"))
    assert "Presenter's time: Tue 9 Mar 13:10 in Geneva (UTC+1)." in page
    assert "outside 07:00" not in page


def test_a_presenter_s_zone_the_time_zone_database_no_longer_knows_shows_the_office_s_time(
    api, slot, presenter
):
    """A presenter invited in a zone this machine's time zone database does not know (kept
    from a newer one, "Europe/Kyiv" in a copy restored on older tzdata, or dropped since):
    the page after inviting, the agenda editor, the meeting page, the fair-start page and the
    presenter's own page were each a 500. Each opens, with the time at the presenting office."""
    link = invite(api, slot, time_zone="Asia/Tokyo")
    db.session.execute(update(Invitation).values(time_zone="Mars/Olympus"))
    db.session.commit()
    invited = text(api.get(f"/slots/{slot.id}/invited"))
    assert "Presenter's time: Tue 9 Mar 23:10 in Sydney (UTC+11)" in invited  # AU's talk
    for url in (f"/meetings/{slot.meeting_id}/edit", f"/meetings/{slot.meeting_id}"):
        assert api.get(url).status_code == 200, url
    assert api.get(f"/meetings/{slot.meeting_id}/suggest").status_code == 200
    assert presenter.get(link).status_code == 200


def test_an_office_zone_the_time_zone_database_does_not_know_is_not_filled_in_to_invite(
    api, slot, presenter
):
    """The office's zone fills in the invite form; one this machine's time zone database does
    not know (kept from a newer one) filled it in too, so the co-lead sending the form as it
    came was told "America/Nowhere" is no time zone, a zone they never typed. The form comes
    without it: the presenter is invited, reading times in the meeting's zone until they or the
    co-lead choose theirs."""
    db.session.execute(
        update(Office).where(Office.code == "AU").values(time_zone="America/Nowhere")
    )
    db.session.commit()
    url = f"/slots/{slot.id}/invite"
    sent = form_in(api.get(url).get_data(as_text=True), 'name="time_zone"')
    assert sent["time_zone"] == [""]
    answer = api.post(
        url, data={**sent, "name": "Alex Example", "email": "alex@ipaustralia.example"}
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert db.session.scalar(select(Invitation.time_zone)) is None


def test_a_slot_nobody_presents_is_flagged_at_the_office_not_for_the_presenter(
    api, slot, presenter
):
    """helper-174: the agenda editor and the co-leads' meeting page said "Presenter's time …
    outside 07:00–21:00 for the presenter" of a slot nobody was invited to: the zone is the
    office's (`Slot.presenter_zone`), and so it is said, also once the one invited declined."""
    edit, meeting = f"/meetings/{slot.meeting_id}/edit", f"/meetings/{slot.meeting_id}"
    office = "At the presenting office: Tue 9 Mar 23:10 in Sydney (UTC+11)"  # AU's talk
    for page in (text(api.get(edit)), text(api.get(meeting))):
        assert f"{office}</span>" in page
        assert "outside 07:00–21:00 at the office" in page
        assert "Presenter's time" not in page
        assert "for the presenter" not in page
    link = invite(api, slot, time_zone="Asia/Tokyo")
    page = text(api.get(edit))
    assert "Presenter's time: Tue 9 Mar 21:10 in Tokyo (UTC+9)</span>" in page
    assert "outside 07:00–21:00 for the presenter" in page
    declined = presenter.post(link + "/answer", data={"answer": "declined", "note": "Away."})
    assert declined.status_code == 302
    for page in (text(api.get(edit)), text(api.get(meeting))):
        assert f"{office}</span>" in page and "for the presenter" not in page


def test_after_a_decline_their_own_page_keeps_the_zone_they_chose(api, slot, presenter):
    """h206: the office's zone speaks for its next presenter, not on the page of the one who
    declined. They still read their slot (and may answer again) in the zone they chose; saving
    a zone there showed "Your times now show in Pacific/Auckland" over times in Sydney."""
    link = invite(api, slot, time_zone="Pacific/Auckland")
    declined = presenter.post(link + "/answer", data={"answer": "declined", "note": "Away."})
    assert declined.status_code == 302
    page = text(presenter.get(link))
    assert "Your time (Auckland)" in page and "Your time (Sydney)" not in page
    assert re.search(r'name="zone_seen" value="([^"]+)"', page)[1] == "Pacific/Auckland"
    # A zone chosen after the decline is the one the page then shows.
    saved = presenter.post(f"{link}/zone", data={"zone": "Lima", "zone_seen": "Pacific/Auckland"})
    assert saved.status_code == 302
    page = text(presenter.get(saved.headers["Location"]))
    assert "Your time (Lima)" in page and "Your time (Auckland)" not in page


def test_their_zone_by_its_old_id_is_their_meetings_zone(api, slot, presenter):
    """helper-230: Chromium reports India's zone as "Asia/Calcutta", which "Use my time zone"
    sends: the presenter of a meeting at home in Kolkata then read their time twice, as
    "Your time (Kolkata)" and "Meeting's time (Kolkata)". A zone is kept by the id it goes by
    today."""
    url = f"/api/v1/meetings/{slot.meeting_id}"
    assert api.patch(url, json={"time_zone": "Asia/Calcutta"}).get_json()["time_zone"] == (
        "Asia/Kolkata"
    )
    link = invite(api, slot)
    sent = {"zone": "Asia/Calcutta", "zone_seen": "Australia/Sydney"}
    assert presenter.post(f"{link}/zone", data=sent).status_code == 302
    page = text(presenter.get(link))
    assert "Your time (Kolkata)" in page and "Meeting's time" not in page
    assert db.session.scalar(select(Invitation.time_zone)) == "Asia/Kolkata"


def test_after_a_decline_a_moved_time_is_told_in_the_zone_they_chose(api, slot, presenter):
    """One who declined may still confirm from their page: if the slot moved meanwhile, the
    refusal says the new time on their clocks (Auckland), not the office's (Sydney)."""
    link = invite(api, slot, time_zone="Pacific/Auckland")
    opened = presenter.get(link).get_data(as_text=True)
    shown = shown_time(opened)
    declined = presenter.post(link + "/answer", data={"answer": "declined", "note": "Away."})
    assert declined.status_code == 302
    later = {"starts_at": "2027-03-09T13:30:00+01:00"}
    assert api.patch(f"/api/v1/slots/{slot.id}", json=later).status_code == 200
    stale = presenter.post(link + "/answer", data={"answer": "confirmed", "shown_time": shown})
    assert stale.status_code == 409
    assert (
        "it is now Wednesday 10 March 2027, 01:30–01:50 (UTC+13), 20 minutes, in Auckland"
    ) in text(stale)


def test_a_page_opened_while_the_slot_was_moved_confirms_the_time_it_is_back_at(app, api, slot):
    """Confirmed, then the slot moved (they are asked again) and moved back (confirmed again):
    confirming from the page opened while it was moved says their confirmation stands, not
    "not saved; check the time" beside "Status: confirmed" (helper-142)."""
    presenter = app.test_client()  # a browser keeping its cookie: the page says what happened
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    slot_url = f"/api/v1/slots/{slot.id}"
    assert api.patch(slot_url, json={"starts_at": "2027-03-09T13:30:00+01:00"}).status_code == 200
    opened = presenter.get(link).get_data(as_text=True)
    shown = shown_time(opened)
    assert api.patch(slot_url, json={"starts_at": "2027-03-09T13:10:00+01:00"}).status_code == 200
    db.session.expire_all()
    assert slot.status == "confirmed" and slot.invitation.answer == "confirmed"
    again = confirm(presenter, link, shown_time=shown)
    assert again.status_code == 302
    page = text(presenter.get(again.headers["Location"]))
    assert (
        "Your slot is at Tuesday 9 March 2027, 23:10–23:30 (UTC+11), 20 minutes, in Sydney, not "
        "the time this page showed, and you have confirmed it at that time: your confirmation "
        "stands"
    ) in page
    assert "answer was not saved" not in page
    # Set back to invited instead, the slot asks for a new answer: the stale page is refused.
    assert api.patch(slot_url, json={"status": "invited"}).status_code == 200
    assert confirm(presenter, link, shown_time=shown).status_code == 409


def test_moving_a_slot_to_another_office_warns_that_its_presenter_is_still_invited(api, slot):
    invite(api, slot)
    url = f"/slots/{slot.id}/edit"
    fields = {**form_of(api, url), "office": ["JP"]}
    saved = api.post(url, data=fields)
    assert saved.status_code == 302
    editor = text(api.get(saved.headers["Location"]))
    assert (
        f"Alex Example, invited for AU, still presents “{slot.title}”, now JP's. Invite JP's "
        "presenter (the link sent before stops working and they are told), or set the office "
        "back."
    ) in editor
    # A save that keeps the office says nothing of it.
    again = api.post(url, data={**form_of(api, url), "title": "Renamed"})
    assert "still presents" not in text(api.get(again.headers["Location"]))
    # The API says the same, beside the slot it answers with.
    moved = api.patch(f"/api/v1/slots/{slot.id}", json={"office": "PE"}).get_json()
    assert moved["warning"].startswith("Alex Example, invited for AU, still presents “Renamed”")
    assert "warning" not in api.patch(f"/api/v1/slots/{slot.id}", json={"title": "R"}).get_json()
    # Set back to the office they were invited for, as the warning advises: nothing to say.
    back = api.patch(f"/api/v1/slots/{slot.id}", json={"office": "AU"}).get_json()
    assert "warning" not in back


@pytest.mark.parametrize(
    ("answer", "note", "shown"),
    [
        ("declined", "我们的专家那周出差。", "declined: “我们的专家那周出差。”</li>"),
        ("declined", "Unsere Expertin ist verreist", "declined: “Unsere Expertin ist verreist”."),
        ("another_time", "下周三可以吗？", "asks for another time: “下周三可以吗？”</li>"),
        ("another_time", "Any Wednesday morning", "another time: “Any Wednesday morning”.</li>"),
    ],
)
def test_a_note_that_ends_a_sentence_in_any_script_ends_the_editor_s_line(
    api, slot, presenter, answer, note, shown
):
    """A presenter writes in their language: a Chinese reason ends with "。" or "？", and the
    editor's lists put no second full stop after it, as after "." (helper-218)."""
    link = invite(api, slot)
    answered = presenter.post(link + "/answer", data={"answer": answer, "note": note})
    assert answered.status_code == 302
    assert shown in text(api.get(f"/meetings/{slot.meeting_id}/edit"))


def test_asking_for_another_time_keeps_the_slot_invited_with_the_note(api, slot, presenter):
    link = invite(api, slot)
    asked = presenter.post(
        link + "/answer", data={"answer": "another_time", "note": "Any Wednesday morning."}
    )
    assert asked.status_code == 302
    db.session.refresh(slot)
    assert slot.status == "invited"
    editor = text(api.get(f"/meetings/{slot.meeting_id}/edit"))
    assert "asks for another time: “Any Wednesday morning.”" in editor
    # The note ends the sentence: no second full stop after its quote.
    assert "morning.”." not in editor
    # Confirmed later with that note still in the form, the confirmation does not carry it as
    # its own (helper-150: "Status: confirmed (“Any Wednesday morning.”)").
    assert confirm(presenter, link, note="Any Wednesday morning.").status_code == 302
    page = " ".join(re.sub(r"<[^>]+>", " ", text(presenter.get(link))).split())
    assert "Status: confirmed" in page and "Wednesday" not in page.split("Will you present?")[0]
    db.session.refresh(slot)
    assert slot.status == "confirmed" and slot.invitation.note == ""
    # A note of its own is kept.
    asked = presenter.post(
        link + "/answer", data={"answer": "another_time", "note": "Thursdays, then."}
    )
    kept = confirm(presenter, link, note="Fine after all")
    assert asked.status_code == kept.status_code == 302
    db.session.refresh(slot)
    assert slot.invitation.note == "Fine after all"


def test_the_editor_lists_who_has_not_answered(api, slot):
    editor = text(api.get(f"/meetings/{slot.meeting_id}/edit"))
    assert "“Risk-based governance of new technologies”: no presenter invited yet." in editor
    invite(api, slot)
    editor = text(api.get(f"/meetings/{slot.meeting_id}/edit"))
    assert "“Risk-based governance of new technologies”: Alex Example, invited" in editor


def seen_on(presenter, link: str) -> str:
    """What the presenter's page says its title and abstract form was filled in from."""
    page = presenter.get(link).get_data(as_text=True)
    return re.search(r'id="seen" name="seen" type="hidden" value="([^"]+)"', page)[1]


def test_title_and_abstract_until_the_freeze_date(api, slot, presenter):
    link = invite(api, slot)
    changed = presenter.post(
        link + "/talk",
        data={
            "title": "Governing AI trials",
            "abstract": "Line one.\r\nLine two.",
            "seen": seen_on(presenter, link),
        },
    )
    assert changed.status_code == 302
    db.session.refresh(slot)
    assert (slot.title, slot.abstract) == ("Governing AI trials", "Line one.\nLine two.")
    opened = seen_on(presenter, link)  # a page opened before the freeze, sent after it
    slot.meeting.freeze_on = date.today() - timedelta(days=2)
    db.session.commit()
    frozen = presenter.post(
        link + "/talk", data={"title": "Too late", "abstract": "", "seen": opened}
    )
    assert frozen.status_code == 409
    db.session.refresh(slot)
    assert slot.title == "Governing AI trials"
    assert "The programme was frozen on" in text(presenter.get(link))


def test_the_freeze_is_said_as_its_last_minute_on_the_presenters_clocks(api, slot, presenter):
    """helper-195: "You can change them until 1 March 2027" meant until midnight in Geneva,
    18:00 in Lima; a presenter there found it frozen on their own 1 March. The page and the
    invitation say the last minute in the presenter's zone, in their language."""
    url = f"/api/v1/meetings/{slot.meeting_id}"
    assert api.patch(url, json={"freeze_on": "2027-03-01"}).status_code == 200
    link = invite(api, slot, time_zone="America/Lima")
    said = "until 1 March 2027 at 17:59 in Lima (UTC−5)"
    assert f"You can change them {said}." in text(presenter.get(link))
    invitation = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "invitation")
    ).one()
    assert f"edit your title and abstract {said}," in " ".join(invitation.text_body.split())
    link = invite(api, slot, time_zone="America/Lima", language="es")
    assert "hasta el 1 de marzo de 2027, 17:59, Lima (UTC−5)" in text(presenter.get(link))


@pytest.mark.parametrize(
    ("zone", "freeze_on"),
    [
        ("America/Santiago", date(2027, 4, 3)),  # the clocks go back at its midnight: 23:59 twice
        ("America/Santiago", date(2027, 9, 4)),  # and forward: the 5th begins at 01:00
        ("America/Asuncion", date(2024, 3, 23)),  # its clocks went back at midnight too
        ("Europe/Zurich", date(2027, 3, 1)),
    ],
)
def test_the_freezes_last_minute_is_the_last_before_it_freezes(monkeypatch, zone, freeze_on):
    """The last minute said is the one before the page freezes (`frozen`), also where the
    clocks change at midnight: on Santiago's 3 April 2027 it was the first 23:59 (UTC−3), an
    hour before the freeze, which comes after the second (UTC−4)."""
    slot = Slot(title="T", meeting=Meeting(title="M", time_zone=zone, freeze_on=freeze_on))
    until = slot.meeting.editable_until.astimezone(UTC)  # instants, not the zone's clocks
    assert local_time(zone, until).date() == freeze_on
    assert local_time(zone, until).strftime("%H:%M") == "23:59"
    for at, is_frozen in (
        (until + timedelta(seconds=59), False),
        (until + timedelta(minutes=1), True),
    ):
        monkeypatch.setattr("planner.presenters.operations.utcnow", lambda at=at: at)
        assert frozen(slot) is is_frozen, at


def test_a_private_link_in_the_title_or_abstract_is_refused_and_kept(api, client, slot, presenter):
    """The slot's title and abstract are on the public agenda, in the feeds and in mail to the
    office's contacts: a presenter's own link pasted there would let anyone answer for them,
    so it is refused as the slides link refuses it, whoever types it, and the text comes back."""
    link = invite(api, slot)
    token = link.rsplit("/", 1)[1]
    before = (slot.title, slot.abstract)
    refused = presenter.post(
        link + "/talk",
        data={
            "title": "Governing AI trials",
            "abstract": f"Ask me at http://localhost{link} please.",
            "seen": seen_on(presenter, link),
        },
    )
    assert refused.status_code == 400
    page = text(refused)
    # Under the abstract, not the title: the refusal names its field.
    under = re.search(
        r'<p class="error" id="(\w+)-error">The abstract holds the secret of a private '
        r"link of this planner",
        page,
    )
    assert under and under[1] == "abstract"
    assert f"Ask me at http://localhost{link} please.</textarea>" in page
    assert 'value="Governing AI trials"' in page
    for path, change in (
        (f"/api/v1/slots/{slot.id}", {"title": f"Talk {token}"}),
        (f"/api/v1/slots/{slot.id}", {"abstract": f"https://x.example/?next=/presenter/{token}"}),
        (f"/api/v1/meetings/{slot.meeting_id}", {"description": f"Presenter: {token}"}),
        (f"/api/v1/meetings/{slot.meeting_id}", {"title": f"Workshop {token}"}),
    ):
        answer = api.patch(path, json=change)
        assert answer.status_code == 400, change
        assert "holds the secret of a private link" in answer.get_json()["message"]
    db.session.refresh(slot)
    assert (slot.title, slot.abstract) == before
    assert token not in slot.meeting.description + slot.meeting.title
    assert token not in client.get(f"/meetings/{slot.meeting_id}").get_data(as_text=True)


@pytest.mark.parametrize("how", ["taken off", "declined for them", "cancelled", "declined"])
def test_a_slot_that_is_no_longer_theirs_takes_nothing_from_its_presenter(
    api, client, slot, presenter, how
):
    """Taken off by the co-leads, cancelled, or declined (until they answer again), the slot is
    not the presenter's to change (helper-80): their title, a slides link or their windows
    would reach the public agenda, the feeds and the office's contacts. Each form is refused
    (409) with why, what they typed comes back, and their page offers none of the forms."""
    from planner.mail.models import OutboxMessage
    from planner.materials.models import Material

    link = invite(api, slot)
    kept = presenter.post(
        link + "/materials",
        data={"material-url": "https://slides.example/mine", "material-kind": "slides"},
    )
    assert kept.status_code == 302
    opened = seen_on(presenter, link)
    windows_seen = re.search(
        r'name="windows_seen" type="hidden" value="([^"]*)"', text(presenter.get(link))
    )[1]
    if how == "declined":
        gone = presenter.post(link + "/answer", data={"answer": "declined", "note": "Away."})
    else:
        status = {"taken off": "proposed", "declined for them": "declined"}.get(how, how)
        gone = api.patch(f"/api/v1/slots/{slot.id}", json={"status": status})
    assert gone.status_code in (200, 302)
    title, messages = slot.title, db.session.query(OutboxMessage).count()

    talk = presenter.post(
        link + "/talk", data={"title": "Rewritten by me", "abstract": "Mine.", "seen": opened}
    )
    assert talk.status_code == 409 and 'value="Rewritten by me"' in text(talk)
    added = presenter.post(
        link + "/materials",
        data={"material-url": "https://slides.example/later", "material-kind": "slides"},
    )
    assert added.status_code == 409 and 'value="https://slides.example/later"' in text(added)
    (material,) = db.session.scalars(select(Material)).all()
    removed = presenter.post(f"{link}/materials/{material.id}/remove", data={"confirmed": "yes"})
    assert removed.status_code == 409
    windows = presenter.post(
        link + "/availability",
        data={
            "windows_seen": windows_seen,
            "availability_zone": "Australia/Sydney",
            "windows-0-weekdays": ["1"],
            "windows-0-starts": "08:00",
            "windows-0-ends": "11:00",
        },
    )
    assert windows.status_code == 409
    # The windows typed come back, with why, said once (helper-83).
    back = text(windows)
    assert 'value="08:00"' in back and 'value="11:00"' in back
    why = {"declined": "You declined", "cancelled": "This slot is cancelled"}.get(how, "taken")
    assert back.count(why) == 1, back
    if how == "cancelled":
        zone = presenter.post(link + "/zone", data={"zone": "Lima", "zone_seen": "x"})
        assert zone.status_code == 409 and "This slot is cancelled: there are no times" in text(
            zone
        )
    db.session.expire_all()
    assert db.session.get(Slot, slot.id).title == title
    assert db.session.scalars(select(Material.url)).all() == ["https://slides.example/mine"]
    assert db.session.query(OutboxMessage).count() == messages  # nobody told of anything
    page = text(presenter.get(link))
    for form in ("/talk", "/materials", "/availability"):
        assert f'action="{link}{form}"' not in page
    assert "/remove" not in page
    assert "https://slides.example/mine" in page  # still listed, to download
    if how != "cancelled":
        assert "first change your answer" in page if how == "declined" else "taken you off" in page


@pytest.mark.parametrize("form", ["answer", "talk"])
def test_a_forms_address_opened_again_leads_back_to_the_page(api, slot, presenter, form):
    """A refused form leaves its address in the browser; reopening it is not a 405."""
    link = invite(api, slot)
    again = presenter.get(f"{link}/{form}")
    assert again.status_code == 302 and again.headers["Location"] == link
    assert presenter.get(f"/presenter/{'x' * 43}/{form}").status_code == 404


def test_a_title_saved_in_another_tab_is_not_said_to_be_the_co_leads(api, slot, presenter):
    """helper-170: a presenter with their page open in two tabs saved a title in the first;
    the second tab's save was refused with "The co-leads changed your slot since you opened
    this page", though no co-lead had touched it. Who changed it is not known: it says so."""
    link = invite(api, slot)
    first, second = seen_on(presenter, link), seen_on(presenter, link)
    mine = {"title": "Tab one", "abstract": TALK["abstract"], "seen": first}
    assert presenter.post(link + "/talk", data=mine).status_code == 302
    other = {"title": "Tab two", "abstract": TALK["abstract"], "seen": second}
    refused = presenter.post(link + "/talk", data=other)
    assert refused.status_code == 409
    page = text(refused)
    assert "The co-leads changed" not in page
    assert "Your slot changed since you opened this page (the co-leads, or another tab): " in page
    assert "the title is now “Tab one”. Your text is still below and was not saved" in page


def test_a_presenters_save_does_not_overwrite_a_co_leads_later_change(api, slot, presenter):
    link = invite(api, slot)
    opened = seen_on(presenter, link)
    # The co-lead corrects the title while the presenter's page is open.
    fixed = api.patch(f"/api/v1/slots/{slot.id}", json={"title": "Co-lead corrected title"})
    assert fixed.status_code == 200
    mine = {"title": TALK["title"], "abstract": "My new abstract.", "seen": opened}
    refused = presenter.post(link + "/talk", data=mine)
    assert refused.status_code == 409
    page = text(refused)
    assert "Your slot changed since you opened this page (the co-leads, or another tab)" in page
    assert "the title is now “Co-lead corrected title”" in page
    assert "My new abstract." in page  # what they typed comes back
    db.session.refresh(slot)
    assert (slot.title, slot.abstract) == ("Co-lead corrected title", TALK["abstract"])
    # Having looked, sending again (the form now based on the co-lead's change) replaces it.
    again = re.search(r'name="seen" type="hidden" value="([^"]+)"', page)[1]
    assert presenter.post(link + "/talk", data={**mine, "seen": again}).status_code == 302
    db.session.refresh(slot)
    assert (slot.title, slot.abstract) == (TALK["title"], "My new abstract.")
    # A change elsewhere in the slot (its length) is no reason to refuse.
    api.patch(f"/api/v1/slots/{slot.id}", json={"duration_minutes": 25})
    fresh = {
        "title": "Later title",
        "abstract": "My new abstract.",
        "seen": seen_on(presenter, link),
    }
    api.patch(f"/api/v1/slots/{slot.id}", json={"duration_minutes": 30})
    assert presenter.post(link + "/talk", data=fresh).status_code == 302
    # A form that does not say what it was filled in from is refused, not trusted.
    assert presenter.post(link + "/talk", data={"title": "x", "abstract": ""}).status_code == 409


def test_a_revoked_or_replaced_link_leads_nowhere(api, slot, presenter):
    first = invite(api, slot)
    asked = hidden_fields(api, f"/slots/{slot.id}/invitation/revoke")  # a tab opened now
    second = invite(api, slot, name="Sam Other")
    assert presenter.get(first).status_code == 404
    assert presenter.get(second).status_code == 200
    # The tab asked about the first link: it does not revoke the one Sam was just given.
    stale = api.post(f"/slots/{slot.id}/invitation/revoke", data=asked)
    assert stale.status_code == 409
    assert "Nothing was revoked: Sam Other was invited with a new link since" in text(stale)
    assert presenter.get(second).status_code == 200
    form = hidden_fields(api, f"/slots/{slot.id}/invitation/revoke")
    revoked = api.post(f"/slots/{slot.id}/invitation/revoke", data=form)
    assert revoked.status_code == 302
    # The same form sent again: nothing to revoke, said as a refusal (helper-73: a 302).
    twice = api.post(f"/slots/{slot.id}/invitation/revoke", data=form)
    assert twice.status_code == 409 and "it was revoked already" in text(twice)
    gone = presenter.get(second)
    assert gone.status_code == 404 and "replaced it with a new one or revoked it" in text(gone)
    config = api.application.config
    # The built-in sender (MAIL_FROM unset) reaches nobody: no address is named.
    kept = config["TASKFORCE_EMAIL"], config.get("MAIL_FROM")
    config["TASKFORCE_EMAIL"], config["MAIL_FROM"] = "", DEFAULT_FROM
    try:
        said = text(presenter.get(second))
    finally:
        config["TASKFORCE_EMAIL"], config["MAIL_FROM"] = kept
    assert "Ask the co-leads of the Task Force for the current link" in said
    # Whom to ask, when the Task Force's address is set.
    before, config["TASKFORCE_EMAIL"] = config["TASKFORCE_EMAIL"], "taskforce@wipo.example"
    try:
        said = text(presenter.get(second))
    finally:
        config["TASKFORCE_EMAIL"] = before
    assert "Ask the co-leads of the Task Force at taskforce@wipo.example" in said
    assert presenter.post(second + "/answer", data={"answer": "confirmed"}).status_code == 404
    assert presenter.get("/presenter/" + "x" * 43).status_code == 404


def test_a_presenter_s_page_says_beside_the_time_that_a_draft_may_still_change(
    api, slot, presenter
):
    """The page said that the agenda is a draft in grey small print below the calendar button;
    it is said in plain words beside the time it is about, until the agenda is published."""
    link = invite(api, slot)
    page = re.sub(r"<[^>]+>", "", text(presenter.get(link)))
    said = "The agenda is still a draft: this time may still change until the co-leads publish"
    time = page.index("Your time (Sydney)")
    assert time < page.index(said) < page.index("Add my slot to my calendar")
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    assert "still a draft" not in text(presenter.get(link))


def test_the_slot_in_the_presenters_calendar(api, slot, presenter):
    link = invite(api, slot)
    answer = presenter.get(link + "/slot.ics")
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    assert answer.headers["Cache-Control"] == "private, no-store"
    parsed = read_everywhere(answer.data)
    assert [e["summary"] for e in parsed["events"]] == [TALK["title"]]
    assert "video.example" not in answer.get_data(as_text=True)  # a draft: no link yet
    # The same entry as the invitation's (same UID), and like it without the private link,
    # which a shared calendar would show: neither in the event nor in the calendar's own URL.
    assert parsed["events"][0]["uid"] == slot.uid
    assert "/presenter/" not in answer.get_data(as_text=True)
    # Confirmed in a draft, the entry stays tentative: the page says why.
    assert confirm(presenter, link).status_code == 302
    assert read_everywhere(presenter.get(link + "/slot.ics").data)["events"][0]["status"] == (
        "TENTATIVE"
    )
    assert "calendars show your slot as tentative, though you confirmed it." in text(
        presenter.get(link)
    )
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    published = presenter.get(link + "/slot.ics").get_data(as_text=True)
    assert "/presenter/" not in published and "video.example" in published
    assert f"/meetings/{slot.meeting_id}" in published  # the public agenda page instead
    # A one-off download, not a subscription: no address to fetch it again from, no refresh
    # (SOURCE pointed at the agenda's HTML page; helper-52).
    for line in ("SOURCE", "REFRESH-INTERVAL", "X-PUBLISHED-TTL"):
        assert f"\n{line};" not in published and f"\n{line}:" not in published


def test_the_slot_to_add_is_not_older_than_the_one_their_calendar_holds(api, slot, presenter):
    """Invited again (a new link), a presenter is sent the slot one SEQUENCE above what their
    calendar holds, ahead of the feeds: the entry their page offers is that same entry, not an
    older one (at a lower SEQUENCE, calendars ignore it or call it out of date)."""

    def mailed() -> int:
        db.session.expire_all()
        sent = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.ics.is_not(None), OutboxMessage.status == MessageStatus.queued)
            .order_by(OutboxMessage.id)
        ).all()
        for message in sent:
            message.status = MessageStatus.sent  # as the sender does
        db.session.commit()
        return int(Calendar.from_ical(sent[-1].ics).walk("VEVENT")[0]["SEQUENCE"])

    invite(api, slot)
    first = mailed()
    link = invite(api, slot)
    held = mailed()
    assert held > first
    shown = read_everywhere(presenter.get(link + "/slot.ics").data)["events"][0]
    assert shown["uid"] == slot.uid and shown["sequence"] == held
    # A later change counts on from there, in the message and in the entry alike.
    moved = api.patch(
        f"/api/v1/meetings/{slot.meeting_id}", json={"starts_at": "2027-03-09T14:00:00+01:00"}
    )
    assert moved.status_code == 200
    updated = mailed()
    shown = read_everywhere(presenter.get(link + "/slot.ics").data)["events"][0]
    assert shown["sequence"] == updated > held


def test_a_slot_declined_or_cancelled_is_no_calendar_entry_to_add(api, slot, presenter):
    """Its CANCEL took it out of the presenter's calendar: the page offers no .ics and the
    address gives none (a TENTATIVE entry of the same SEQUENCE would contradict the CANCEL)."""
    link = invite(api, slot)
    assert "/slot.ics" in text(presenter.get(link))
    declined = presenter.post(link + "/answer", data={"answer": "declined", "note": "Away."})
    assert declined.status_code == 302
    assert "/slot.ics" not in text(presenter.get(link))
    refused = presenter.get(link + "/slot.ics")
    assert refused.status_code == 404 and "declined, cancelled or set back" in text(refused)
    # Confirmed again, the slot is theirs: the entry comes back.
    confirm(presenter, link)
    assert presenter.get(link + "/slot.ics").status_code == 200
    # Set back to proposed by a co-lead, it is no longer theirs to add (helper-64).
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "proposed"}).status_code == 200
    assert presenter.get(link + "/slot.ics").status_code == 404
    page = text(presenter.get(link))
    assert "/slot.ics" not in page
    assert "The co-leads have taken you off this presentation for now" in page
    assert "Send my answer" not in page
    # A page opened before holds the form still: its confirmation would undo the co-leads'
    # decision, so it is refused, the note typed kept.
    refused = confirm(presenter, link, shown_time=slot_time(slot), note="I can still do it.")
    assert refused.status_code == 409
    assert "nothing to answer" in text(refused) and "I can still do it." in text(refused)
    assert db.session.get(Slot, slot.id).status == "proposed"
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "invited"}).status_code == 200
    confirm(presenter, link)
    url = f"/api/v1/meetings/{slot.meeting_id}"
    assert api.post(f"{url}/publish").status_code == 200
    assert api.patch(url, json={"status": "cancelled"}).status_code == 200
    page = text(presenter.get(link))
    assert "/slot.ics" not in page and "video link comes here" not in page
    assert 'status-cancelled">cancelled' in page
    assert presenter.get(link + "/slot.ics").status_code == 404


def test_only_co_leads_invite(client, slot):
    assert client.get(f"/slots/{slot.id}/invite").status_code in (302, 401, 403)


def test_reloading_the_invited_page_keeps_the_link_working(api, slot, presenter):
    """The co-lead reloads the page that shows the link (or comes back from the editor's
    "Presenter link"): the same link, still working, and no second invitation."""
    link = invite(api, slot)
    again = api.get(f"/slots/{slot.id}/invited")
    assert again.status_code == 200 and f'value="http://localhost{link}"' in text(again)
    assert presenter.get(link).status_code == 200
    editor = text(api.get(f"/meetings/{slot.meeting_id}/edit"))
    assert f'href="/slots/{slot.id}/invited"' in editor
    from planner.mail.models import OutboxMessage

    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_the_invite_form_sent_again_after_a_newer_invitation_asks_first(api, slot, presenter):
    """Back to the invite form and "Invite" again (or a second tab): the link just sent would
    end. The form comes back filled in, saying who was invited; sent from there, it invites."""
    url = f"/slots/{slot.id}/invite"
    opened = hidden_fields(api, url)  # the form as first shown: no one invited yet
    link = invite(api, slot)
    sent = {**opened, "name": "Bea Other", "email": "bea@ipaustralia.example", "time_zone": ""}
    again = api.post(url, data=sent)
    assert again.status_code == 409
    page = text(again)
    assert (
        "Alex Example was invited to this slot since this page was opened (in another tab, or "
        "by another co-lead), and sent a private link. Inviting again would end that link. If "
        "you mean to, send the form again."
    ) in page
    assert 'value="Bea Other"' in page and 'value="bea@ipaustralia.example"' in page
    assert presenter.get(link).status_code == 200  # the link sent still works
    resent = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    assert api.post(url, data={**resent, "time_zone": ""}).status_code == 302
    assert presenter.get(link).status_code == 404


def test_an_invite_form_from_before_a_decline_says_the_presenter_declined(api, slot, presenter):
    """helper-174: a form opened before Alex was invited, sent after Alex declined, was refused
    saying Alex "was invited to this slot since ... and sent a private link", not that Alex
    declined. It says so; sent again, Bea is invited in Alex's place, as a form opened after the
    decline invites her at once."""
    url = f"/slots/{slot.id}/invite"
    opened = hidden_fields(api, url)  # no one invited yet
    link = invite(api, slot)
    declined = presenter.post(link + "/answer", data={"answer": "declined", "note": "Away."})
    assert declined.status_code == 302
    sent = {**opened, "name": "Bea Other", "email": "bea@ipaustralia.example", "time_zone": ""}
    again = api.post(url, data=sent)
    assert again.status_code == 409
    page = text(again)
    assert "Alex Example declined this slot on " in page
    assert "was invited to this slot since" not in page
    assert "To invite as the form below says, send it again." in page
    resent = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    assert api.post(url, data={**resent, "time_zone": ""}).status_code == 302
    assert db.session.get(Slot, slot.id).invitation.name == "Bea Other"


def test_a_stale_invite_form_with_a_mistake_still_says_who_was_invited(api, slot, presenter):
    """A typo in the stale form is no reason to keep quiet about the newer invitation: the page
    says both, so the link just sent is not ended unawares once the typo is fixed."""
    url = f"/slots/{slot.id}/invite"
    opened = hidden_fields(api, url)
    link = invite(api, slot)
    typo = api.post(url, data={**opened, "name": "Bea", "email": "bea@", "time_zone": ""})
    assert typo.status_code == 409
    page = text(typo)
    assert "Alex Example was invited to this slot since this page was opened" in page
    assert presenter.get(link).status_code == 200


def test_the_invited_page_is_for_co_leads_and_working_links_only(api, client, slot, presenter):
    link = invite(api, slot)
    assert client.get(f"/slots/{slot.id}/invited").status_code in (302, 401, 403)
    assert link not in text(client.get(f"/slots/{slot.id}/invited"))
    api.post(
        f"/slots/{slot.id}/invitation/revoke",
        data=hidden_fields(api, f"/slots/{slot.id}/invitation/revoke"),
    )
    gone = api.get(f"/slots/{slot.id}/invited")
    assert gone.status_code == 302 and "/edit" in gone.headers["Location"]
    assert link not in text(api.get(gone.headers["Location"]))


def test_a_break_has_no_presenter(api, slot):
    opening = slot.meeting.slots[0]
    url = f"/slots/{opening.id}/invite"
    answer = api.post(url, data={**hidden_fields(api, url), "name": "X"})
    assert answer.status_code == 400
    assert "Only a presentation has a presenter to invite." in text(answer)


def test_a_draft_with_an_invited_presenter_can_be_deleted(api, slot):
    invite(api, slot)
    meeting = slot.meeting_id
    assert api.delete(f"/api/v1/slots/{slot.id}").get_json()["result"] == "deleted"
    other = api.get(f"/api/v1/meetings/{meeting}").get_json()["slots"][-1]["id"]
    invite(api, db.session.get(Slot, other))
    assert api.delete(f"/api/v1/meetings/{meeting}").get_json()["result"] == "deleted"
    from planner.presenters.models import Invitation

    assert db.session.query(Invitation).count() == 0


def test_co_leads_set_the_freeze_date_on_the_form_and_the_api(api, slot):
    url = f"/api/v1/meetings/{slot.meeting_id}"
    assert api.patch(url, json={"freeze_on": "2027-03-01"}).get_json()["freeze_on"] == "2027-03-01"
    bad = api.patch(url, json={"freeze_on": "next week"})
    assert bad.status_code == 400 and "freeze_on is a date" in bad.get_json()["message"]
    page = text(api.get(f"/meetings/{slot.meeting_id}/edit"))
    assert 'name="freeze_on"' in page and 'value="2027-03-01"' in page
    assert api.patch(url, json={"freeze_on": None}).get_json()["freeze_on"] is None


def test_the_programme_freezes_before_the_meeting_or_on_its_day(api, slot):
    """A freeze after the meeting would let a presenter rewrite a talk already given: refused
    on the API and on the form (which comes back as typed), also when the meeting moves to a
    day before the freeze; the meeting's own day is fine."""
    url = f"/api/v1/meetings/{slot.meeting_id}"
    late = api.patch(url, json={"freeze_on": "2027-03-10"})
    assert late.status_code == 400 and late.get_json()["field"] == "freeze_on"
    assert "(9 March 2027)" in late.get_json()["message"]
    assert api.patch(url, json={"freeze_on": "2027-03-09"}).status_code == 200
    earlier = api.patch(url, json={"starts_at": "2027-03-08T13:00:00+01:00"})
    assert earlier.status_code == 400 and "freeze" in earlier.get_json()["message"]
    edit = f"/meetings/{slot.meeting_id}/edit"
    form = {**form_of(api, edit), "freeze_on": ["2027-04-01"], "title": ["Rec 10, typed"]}
    page = text(api.post(edit, data=form))
    assert "The programme freeze (1 April 2027) comes before the meeting" in page
    assert 'value="2027-04-01"' in page and 'value="Rec 10, typed"' in page
    assert api.get(url).get_json()["freeze_on"] == "2027-03-09"


def test_a_new_home_zone_does_not_leave_the_freeze_after_the_meetings_day(api, slot):
    """The meeting keeps its instant in a new home zone, where its day may be an earlier one:
    a freeze on the old day would then fall after the meeting, as a freeze typed so would."""
    url = f"/api/v1/meetings/{slot.meeting_id}"
    early = {"starts_at": "2027-03-09T00:30:00+01:00", "freeze_on": "2027-03-09"}
    assert api.patch(url, json=early).status_code == 200
    moved = api.patch(url, json={"time_zone": "America/Lima"})  # 8 March, 18:30 there
    assert moved.status_code == 400 and moved.get_json()["field"] == "freeze_on"
    assert "(8 March 2027)" in moved.get_json()["message"]
    assert api.get(url).get_json()["time_zone"] != "America/Lima"


def test_a_presenters_pages_are_private_too(api, slot, presenter):
    link = invite(api, slot)
    for url in (link, f"{link}/availability", f"{link}/slot.ics"):
        response = presenter.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private, no-store", url
        assert response.headers["Referrer-Policy"] == "no-referrer", url


def test_a_confirmation_is_of_the_time_the_presenter_saw(api, slot, presenter):
    """The page showed one time; a co-lead moved the slot meanwhile: confirming from the old
    page is refused, saying the new time; sent again from the page as it comes back, it counts."""
    link = invite(api, slot)
    opened = presenter.get(link).get_data(as_text=True)
    shown = shown_time(opened)
    later = {"starts_at": "2027-03-09T13:30:00+01:00"}
    assert api.patch(f"/api/v1/slots/{slot.id}", json=later).status_code == 200
    stale = presenter.post(link + "/answer", data={"answer": "confirmed", "shown_time": shown})
    assert stale.status_code == 409
    page = text(stale)
    assert (
        "The co-leads changed your slot's time since you opened this page: it is now Tuesday "
        "9 March 2027, 23:30–23:50 (UTC+11), 20 minutes, in Sydney"
    ) in page
    db.session.refresh(slot)
    assert slot.status == "invited"
    # Only longer, the start unchanged: the message says the new length, not just a clock time.
    seen = shown_time(page)
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"duration_minutes": 30}).status_code == 200
    longer = presenter.post(link + "/answer", data={"answer": "confirmed", "shown_time": seen})
    assert longer.status_code == 409
    assert "23:30–Wednesday 00:00 (UTC+11), 30 minutes" in text(longer)
    page = text(longer)
    garbled = presenter.post(link + "/answer", data={"answer": "confirmed", "shown_time": "x"})
    assert garbled.status_code == 409
    assert "did not carry the time your page showed" in text(garbled)  # no one moved anything
    missing = presenter.post(link + "/answer", data={"answer": "confirmed"})
    assert missing.status_code == 409 and "did not carry the time" in text(missing)
    now = shown_time(page)
    again = presenter.post(link + "/answer", data={"answer": "confirmed", "shown_time": now})
    assert again.status_code == 302
    db.session.refresh(slot)
    assert slot.status == "confirmed"


def test_a_confirmed_presenter_is_asked_again_when_the_time_changes(api, slot, presenter):
    """A confirmation is of a time: the meeting moved a week (or the talk got longer), the slot
    is invited again, the feeds say TENTATIVE, the presenter's page and email ask them to
    confirm the new time, and their calendar is asked for an answer. A new title asks nothing;
    a co-lead who confirms it at the new time in the same change is taken at their word."""
    from planner.mail.models import OutboxMessage

    link = invite(api, slot)
    meeting = f"/api/v1/meetings/{slot.meeting_id}"
    assert api.post(f"{meeting}/publish").status_code == 200
    assert confirm(presenter, link).status_code == 302
    week_later = {"starts_at": "2027-03-16T13:00:00+01:00"}
    assert api.patch(meeting, json=week_later).status_code == 200
    db.session.expire_all()
    assert slot.status == "invited" and slot.invitation.answer is None
    feed = read_everywhere(presenter.get("/feeds/taskforce-talks.ics").data)
    event = next(e for e in feed["events"] if e["summary"] == TALK["title"])
    assert event["status"] == "TENTATIVE"
    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()[-1]
    assert mail.recipient_email == "alex@ipaustralia.example"
    assert mail.subject == f"New time, please confirm: {TALK['title']}"
    assert "You confirmed the time it had before, so please confirm again" in mail.text_body
    assert "It was:" in mail.text_body
    assert "Status: waiting for your confirmation" in mail.text_body  # no jargon (helper-81)
    read_everywhere(mail.ics.encode())
    (request,) = Calendar.from_ical(mail.ics).walk("VEVENT")
    assert request["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
    assert request["ATTENDEE"].params["RSVP"] == "TRUE"
    page = text(presenter.get(link))
    # The time they had confirmed is named, in their zone (helper-150: only the email said it).
    assert (
        "You had confirmed it for Tuesday 9 March 2027, 23:10–23:30 (UTC+11); the co-leads have "
        "changed the slot since. Please confirm it as it is now (below), or ask for another time."
    ) in page
    assert "Tuesday 16 March 2027" in page
    assert confirm(presenter, link).status_code == 302
    db.session.expire_all()
    assert slot.status == "confirmed" and slot.invitation.answer == "confirmed"
    assert "You had confirmed" not in text(presenter.get(link))
    # A new title: still confirmed. A longer talk: asked again.
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"title": "Renamed"}).status_code == 200
    db.session.expire_all()
    assert slot.status == "confirmed"
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"duration_minutes": 30}).status_code == 200
    db.session.expire_all()
    assert slot.status == "invited"
    both = {"duration_minutes": 25, "status": "confirmed"}
    assert api.patch(f"/api/v1/slots/{slot.id}", json=both).status_code == 200
    db.session.expire_all()
    assert slot.status == "confirmed"


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (
            {"answer": "another_time", "note": "A week later, please"},
            "asked for another time (“A week later, please”)",
        ),
        ({"answer": "confirmed"}, "confirmed"),
    ],
)
def test_inviting_again_says_what_the_presenter_answered_before_a_move_asked_again(
    api, slot, presenter, answer, said
):
    """helper-193: the presenter asked for another time (or confirmed), a co-lead moved the
    slot, which asks them to confirm it again; the invite page, where a co-lead decides to
    invite someone else, said they "had not answered yet", as if they had never replied."""
    link = invite(api, slot)
    if answer["answer"] == "confirmed":
        assert confirm(presenter, link).status_code == 302
    else:
        assert presenter.post(link + "/answer", data=answer).status_code == 302
    later = {"starts_at": "2027-03-09T13:30:00+01:00"}
    assert api.patch(f"/api/v1/slots/{slot.id}", json=later).status_code == 200
    page = text(api.get(f"/slots/{slot.id}/invite"))
    assert "has not answered yet" not in page
    assert (
        f"Alex Example was invited on 1 December 2026, {said}, and has not yet answered the "
        "request to confirm the slot's new time." in page
    )


@pytest.mark.parametrize(
    ("change", "about"),
    [
        ({"duration_minutes": 25}, "new length"),
        ({"starts_at": "2027-03-09T13:30:00+01:00", "duration_minutes": 25}, "new time and length"),
    ],
)
def test_the_co_leads_pages_say_a_confirmed_slot_asked_again_is_asked_about_its_length(
    api, slot, presenter, change, about
):
    """A confirmed talk shortened, not moved: the presenter's email and page say its length
    changed (helper-260), but the editor and the invite page told the co-leads they had been
    asked to confirm "the new time", which had not changed."""
    assert confirm(presenter, invite(api, slot)).status_code == 302
    assert api.patch(f"/api/v1/slots/{slot.id}", json=change).status_code == 200
    editor = text(api.get(f"/meetings/{slot.meeting_id}/edit"))
    assert f"asked to confirm the {about} (had confirmed)." in editor
    assert f"Alex Example · asked to confirm the {about}" in editor
    assert "the new time" not in editor.replace("the new time and length", "")
    page = text(api.get(f"/slots/{slot.id}/invite"))
    assert f"has not yet answered the request to confirm the slot's {about}." in page


def test_a_presenter_who_asked_for_another_time_is_asked_to_confirm_the_new_one(
    api, slot, presenter
):
    """The co-leads move a slot whose presenter asked for another time: the time they answered
    about is gone, so they are asked to confirm the new one, in words that say so (not "you
    confirmed"), by an update whose calendar entry asks for their answer; the co-lead is told
    whom, and the presenter's note stays with the co-leads."""
    from planner.mail.models import OutboxMessage

    link = invite(api, slot)
    meeting = f"/api/v1/meetings/{slot.meeting_id}"
    assert api.post(f"{meeting}/publish").status_code == 200
    asked = {"answer": "another_time", "note": "A week later, please"}
    assert presenter.post(link + "/answer", data=asked).status_code == 302
    moved = api.patch(meeting, json={"starts_at": "2027-03-16T13:00:00+01:00"})
    assert moved.status_code == 200
    assert (
        "its presenter had asked for another time and is asked to confirm the new one"
        in (moved.get_json()["warning"])
    )
    db.session.expire_all()
    invitation = slot.invitation
    assert (slot.status, invitation.answer, invitation.previous_answer) == (
        "invited",
        None,
        "another_time",
    )
    assert invitation.note == "A week later, please"
    editor = text(api.get(f"/meetings/{slot.meeting_id}/edit"))
    assert "asked to confirm the new time (had asked for another time: “A week later, please”)" in (
        editor
    )
    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()[-1]
    assert mail.recipient_email == "alex@ipaustralia.example"
    assert mail.subject == f"New time, please confirm: {TALK['title']}"
    said = "The co-leads have changed the presentation you asked to give at another time: its time"
    assert said in mail.text_body and "You confirmed" not in mail.text_body
    assert "Please confirm it as it is now on your private page" in mail.text_body
    assert "you asked to give at another time" in mail.html_body
    (request,) = Calendar.from_ical(mail.ics).walk("VEVENT")
    assert request["ATTENDEE"].params["RSVP"] == "TRUE"
    page = text(presenter.get(link))
    assert "You had asked for another time; the co-leads have changed the slot since." in page
    assert "You had confirmed" not in page
    assert confirm(presenter, link).status_code == 302
    db.session.expire_all()
    assert slot.status == "confirmed" and slot.invitation.previous_answer is None
    assert "You had asked for another time" not in text(presenter.get(link))


def test_moved_back_to_the_time_the_presenter_confirmed_it_is_confirmed_again(api, slot, presenter):
    """A co-lead's move undone: the presenter asked to confirm the new time finds the slot back
    at the time they confirmed, confirmed again; the feeds say CONFIRMED, their calendar
    ACCEPTED, the co-lead is told. Undone within the minute the question waits (as a plain
    change does), the question never goes and nothing is sent: they were never asked. Undone
    after it went, they are told their confirmation stands. Likewise a length changed and set
    back. Not once they answered otherwise, nor after a co-lead set the slot back to invited."""
    from planner.db_types import utcnow
    from planner.mail.messages import UPDATE_SETTLE
    from planner.mail.models import OutboxMessage
    from planner.mail.sender import send_due
    from tests.mail.smtp_server import SmtpServer

    def last_mail():
        return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()

    server = SmtpServer().start()
    config = {**api.application.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port}
    later = utcnow() + UPDATE_SETTLE + timedelta(seconds=1)
    link = invite(api, slot)
    meeting = f"/api/v1/meetings/{slot.meeting_id}"
    try:
        assert api.post(f"{meeting}/publish").status_code == 200
        assert confirm(presenter, link).status_code == 302
        # The invitation (written again as published: helper-340) and the co-leads', then, its
        # minute waited (as a change's), the news of their confirmation.
        assert send_due(config, utcnow() + timedelta(seconds=1)).sent == 2
        assert send_due(config, utcnow() + UPDATE_SETTLE + timedelta(seconds=1)).sent == 1
        moved = {"starts_at": "2027-03-16T13:00:00+01:00"}
        assert api.patch(meeting, json=moved).status_code == 200
        question = last_mail()
        assert question.subject == f"New time, please confirm: {TALK['title']}"
        assert question.status == "queued" and question.basis["asked_again"] is True
        back = api.patch(meeting, json={"starts_at": "2027-03-09T13:00:00+01:00"})
        assert back.status_code == 200
        assert back.get_json()["warning"] == (
            f"“{TALK['title']}” is back at the time its presenter confirmed: confirmed again "
            "(told it stands if the question had gone out)."
        )
        db.session.expire_all()
        assert slot.status == "confirmed" and slot.invitation.answer == "confirmed"
        assert db.session.get(OutboxMessage, question.id).status == "superseded"
        assert last_mail().id == question.id  # nothing after it: they were never asked
        assert send_due(config, later).sent == 0
        assert "You had confirmed" not in text(presenter.get(link))
        # Moved again, and the question goes before the move is undone: told it stands.
        assert api.patch(meeting, json=moved).status_code == 200
        # Its wait is counted from this move (`later` may be past by now on a busy machine).
        assert send_due(config, utcnow() + UPDATE_SETTLE + timedelta(seconds=1)).sent == 1
        back = api.patch(meeting, json={"starts_at": "2027-03-09T13:00:00+01:00"})
        assert back.status_code == 200
        mail = last_mail()
        assert mail.recipient_email == "alex@ipaustralia.example" and mail.status == "queued"
        assert mail.subject == f"Back at the time you confirmed: {TALK['title']}"
        assert "Your confirmation stands: there is nothing to do." in mail.text_body
        assert "It was:\nTuesday 16 March 2027" in mail.text_body
        assert not settles(mail.basis)  # not held back a minute: the question went
        read_everywhere(mail.ics.encode())
        (request,) = Calendar.from_ical(mail.ics).walk("VEVENT")
        assert request["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
        assert send_due(config, utcnow() + timedelta(seconds=1)).sent == 1
        db.session.commit()
    finally:
        server.stop()
    to_presenter = [
        m["Subject"]
        for m in server.messages()
        if m["To"].addresses[0].addr_spec == "alex@ipaustralia.example"
    ]
    assert to_presenter[-2:] == [
        f"New time, please confirm: {TALK['title']}",
        f"Back at the time you confirmed: {TALK['title']}",
    ]
    assert to_presenter.count(f"New time, please confirm: {TALK['title']}") == 1
    feed = read_everywhere(presenter.get("/feeds/taskforce-talks.ics").data)
    event = next(e for e in feed["events"] if e["summary"] == TALK["title"])
    assert event["status"] == "CONFIRMED"
    assert "You had confirmed" not in text(presenter.get(link))
    # A length changed and set back, by the slot's own form.
    url = f"/slots/{slot.id}/edit"
    assert api.post(url, data={**form_of(api, url), "duration_minutes": "30"}).status_code == 302
    db.session.expire_all()
    assert slot.status == "invited"
    saved = api.post(url, data={**form_of(api, url), "duration_minutes": "20"})
    db.session.expire_all()
    assert slot.status == "confirmed"
    assert "is back at the time its presenter confirmed" in text(api.get(saved.headers["Location"]))
    # They asked for another time meanwhile: a move back is no confirmation of theirs (they
    # are asked to confirm the time it now has).
    assert api.patch(meeting, json={"starts_at": "2027-03-16T13:00:00+01:00"}).status_code == 200
    answer = confirm(presenter, link, answer="another_time", note="Any Wednesday.")
    assert answer.status_code == 302
    assert api.patch(meeting, json={"starts_at": "2027-03-09T13:00:00+01:00"}).status_code == 200
    db.session.expire_all()
    assert (slot.status, slot.invitation.answer, slot.invitation.previous_answer) == (
        "invited",
        None,
        "another_time",
    )
    # Confirmed, set back to invited by a co-lead, moved and back: still invited.
    assert confirm(presenter, link).status_code == 302
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "invited"}).status_code == 200
    assert api.patch(meeting, json={"starts_at": "2027-03-16T13:00:00+01:00"}).status_code == 200
    assert api.patch(meeting, json={"starts_at": "2027-03-09T13:00:00+01:00"}).status_code == 200
    db.session.expire_all()
    assert slot.status == "invited" and slot.invitation.answer is None


def to_presenter():
    """Every message to the presenter of the `slot` fixture, oldest first, as stored now."""
    from planner.mail.models import OutboxMessage

    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient_email == "alex@ipaustralia.example")
        .order_by(OutboxMessage.id)
    ).all()


def test_a_question_waiting_to_go_says_what_else_changed_meanwhile(api, slot, presenter):
    """The request to confirm a new time waits a minute, as a plain change does: a new title
    meanwhile goes in the same message, which still asks them to confirm. Moved back before it
    went, what is left to say is their confirmation, whose news the question had replaced and
    never went (helper-218), and the new title: no question, nothing "back"."""
    link = invite(api, slot)
    meeting = f"/api/v1/meetings/{slot.meeting_id}"
    assert api.post(f"{meeting}/publish").status_code == 200
    assert confirm(presenter, link).status_code == 302
    assert api.patch(meeting, json={"starts_at": "2027-03-16T13:00:00+01:00"}).status_code == 200
    renamed = api.patch(f"/api/v1/slots/{slot.id}", json={"title": "AI search, revised"})
    assert renamed.status_code == 200
    *_, question, waiting = to_presenter()
    assert question.status == "superseded" and waiting.status == "queued"
    assert waiting.subject == "New time, please confirm: AI search, revised"
    assert "has changed: its time and title. You confirmed the time" in waiting.text_body
    assert "It was:\nTuesday 9 March 2027" in waiting.text_body
    (request,) = Calendar.from_ical(waiting.ics).walk("VEVENT")
    assert request["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
    assert api.patch(meeting, json={"starts_at": "2027-03-09T13:00:00+01:00"}).status_code == 200
    db.session.expire_all()
    assert slot.status == "confirmed"
    *_, withdrawn, plain = to_presenter()
    assert withdrawn.id == waiting.id and withdrawn.status == "superseded"
    assert plain.status == "queued" and plain.subject == "Confirmed: AI search, revised"
    assert "your confirmation is recorded" in plain.text_body
    assert "its title changed too" in plain.text_body
    assert "It was:" not in plain.text_body and "back at the time" not in plain.text_body
    (request,) = Calendar.from_ical(plain.ics).walk("VEVENT")
    assert request["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"


def test_a_question_answered_before_it_went_is_not_sent(api, slot, presenter):
    """The presenter found the new time on their page and confirmed it while the request to
    confirm it was still waiting to go: the request never goes; their calendar gets the new
    time with their acceptance, in a message that says their confirmation is recorded. A
    decline instead withdraws it for the cancellation."""
    link = invite(api, slot)
    meeting = f"/api/v1/meetings/{slot.meeting_id}"
    assert confirm(presenter, link).status_code == 302  # a draft: no news of it by mail
    assert api.patch(meeting, json={"starts_at": "2027-03-16T13:00:00+01:00"}).status_code == 200
    *_, question = to_presenter()
    assert question.subject.startswith("New time, please confirm") and settles(question.basis)
    assert confirm(presenter, link).status_code == 302
    *_, withdrawn, told = to_presenter()
    assert withdrawn.id == question.id and withdrawn.status == "superseded"
    assert told.status == "queued" and told.subject == f"Confirmed: {TALK['title']}"
    assert "your confirmation is recorded" in told.text_body
    assert "Tuesday 16 March 2027" in told.text_body
    (request,) = Calendar.from_ical(told.ics).walk("VEVENT")
    assert request["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    assert request["DTSTART"].dt.day == 16
    # Moved again, then declined before the question went: only the cancellation goes.
    assert api.patch(meeting, json={"starts_at": "2027-03-23T13:00:00+01:00"}).status_code == 200
    assert confirm(presenter, link, answer="declined", note="Away.").status_code == 302
    *_, withdrawn, cancel = to_presenter()
    assert withdrawn.subject.startswith("New time") and withdrawn.status == "superseded"
    assert cancel.kind == "cancellation" and cancel.ics_method == "CANCEL"


@contextmanager
def a_mail_server(api):
    """A real SMTP server on loopback, and a function sending what is due a moment from now
    (or `later`) through it."""
    from planner.db_types import utcnow
    from planner.mail.sender import send_due
    from tests.mail.smtp_server import SmtpServer

    server = SmtpServer().start()
    config = {**api.application.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port}
    try:
        yield lambda later=timedelta(seconds=1): send_due(config, utcnow() + later).sent
    finally:
        server.stop()


def confirmed_then_moved(api, slot, presenter, *, publish: bool) -> str:
    """Alex invited, (the meeting published,) confirmed, all of it delivered; then the slot
    moved a week: the request to confirm the new time waits its minute. Their private link."""
    link = invite(api, slot)
    meeting = f"/api/v1/meetings/{slot.meeting_id}"
    if publish:
        assert api.post(f"{meeting}/publish").status_code == 200
    assert confirm(presenter, link).status_code == 302
    with a_mail_server(api) as send:
        assert send() >= 1  # their calendar holds 9 March, accepted
    assert api.patch(meeting, json={"starts_at": "2027-03-16T13:00:00+01:00"}).status_code == 200
    *_, question = to_presenter()
    assert question.subject.startswith("New time, please confirm") and settles(question.basis)
    return link


@pytest.mark.parametrize("how", ["replaced", "removed"])
def test_taken_away_while_the_question_waits_cancels_the_time_they_knew(api, slot, presenter, how):
    """helper-95: someone else invited, or the draft's slot deleted, within the minute the
    request to confirm the new time waits: it never goes, and the cancellation names the time
    their calendar holds (it named the new one, which they never heard of)."""
    confirmed_then_moved(api, slot, presenter, publish=how == "replaced")
    uid = slot.uid
    if how == "replaced":
        invite(api, slot, name="Sam Other", email="sam@ipaustralia.example")
    else:
        asked = f"/slots/{slot.id}/delete"
        assert api.post(asked, data=hidden_fields(api, asked)).status_code == 302
    *_, question, cancel = to_presenter()
    assert question.status == "superseded" and cancel.kind == "cancellation"
    assert "Tuesday 9 March 2027, 23:10–23:30 Sydney (UTC+11)" in cancel.text_body
    assert "16 March" not in cancel.text_body
    (event,) = Calendar.from_ical(cancel.ics).walk("VEVENT")
    assert str(event["UID"]) == uid


def test_published_while_the_question_waits_the_publishing_asks_it(api, slot, presenter):
    """helper-95: a draft's confirmed slot moved, then the meeting published within the minute:
    the one message that goes says it is published and still asks them to confirm."""
    confirmed_then_moved(api, slot, presenter, publish=False)
    assert api.post(f"/api/v1/meetings/{slot.meeting_id}/publish").status_code == 200
    *_, question, published = to_presenter()
    assert question.status == "superseded" and published.status == "queued"
    assert published.subject == f"Published: {TALK['title']}"
    assert (
        "The co-leads have published the meeting, and the presentation you confirmed has "
        "changed: its time. You confirmed the time it had before, so please confirm again"
    ) in published.text_body
    (event,) = Calendar.from_ical(published.ics).walk("VEVENT")
    assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"


def test_another_time_asked_while_the_question_waits_asks_it_no_more(api, slot, presenter):
    """helper-95: they found the new time on their page and asked for another; the request to
    confirm it went a minute later all the same. It is written again, no longer asking: their
    calendar gets the time the slot has now."""
    link = confirmed_then_moved(api, slot, presenter, publish=True)
    answered = confirm(presenter, link, answer="another_time", note="Not the 16th, please.")
    assert answered.status_code == 302
    *_, question, update = to_presenter()
    assert question.status == "superseded" and update.status == "queued"
    assert update.subject == f"Changed: {TALK['title']} (time)"
    assert "please confirm" not in update.text_body.lower()
    assert "It was:\nTuesday 9 March 2027" in update.text_body
    # It goes when the question would have.
    assert abs(update.next_attempt_at - question.next_attempt_at) < timedelta(seconds=1)


def test_a_confirmation_rewrites_the_update_waiting_with_their_answer(api, slot, presenter):
    """helper-95: a draft's slot moved again after the question went; they confirmed the newest
    time on their page within the minute. The update waiting (written while their answer was
    awaited, its calendar entry asking for one) went after their confirmation: it is written
    again, saying their confirmation is recorded, their calendar accepting."""
    link = confirmed_then_moved(api, slot, presenter, publish=False)
    with a_mail_server(api) as send:
        assert send(UPDATE_SETTLE + timedelta(seconds=1)) == 1  # the question went
    meeting = f"/api/v1/meetings/{slot.meeting_id}"
    assert api.patch(meeting, json={"starts_at": "2027-03-23T13:00:00+01:00"}).status_code == 200
    *_, waiting = to_presenter()
    assert waiting.status == "queued" and settles(waiting.basis)
    assert confirm(presenter, link).status_code == 302
    *_, withdrawn, told = to_presenter()
    assert withdrawn.id == waiting.id and withdrawn.status == "superseded"
    assert told.subject == f"Confirmed: {TALK['title']}"
    assert "Tuesday 23 March 2027" in told.text_body
    (event,) = Calendar.from_ical(told.ics).walk("VEVENT")
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"


def test_a_length_set_back_while_the_slot_moves_is_no_confirmation(api, slot, presenter):
    """helper-72: the length set back to the one confirmed, in the same change as a new start
    (the slot's form, or the API): judged on the old start, the slot was confirmed at a time
    its presenter never confirmed, and they were told there was nothing to do."""
    link = invite(api, slot)
    meeting = f"/api/v1/meetings/{slot.meeting_id}"
    assert api.post(f"{meeting}/publish").status_code == 200
    assert confirm(presenter, link).status_code == 302
    url = f"/api/v1/slots/{slot.id}"
    assert api.patch(url, json={"duration_minutes": 30}).status_code == 200
    both = api.patch(url, json={"duration_minutes": 20, "starts_at": "2027-03-09T13:15:00+01:00"})
    assert both.status_code == 200
    assert "confirmed again" not in (both.get_json().get("warning") or "")
    db.session.expire_all()
    assert slot.status == "invited" and slot.invitation.answer is None
    # The slot's own form, the same change.
    assert confirm(presenter, link).status_code == 302
    edit = f"/slots/{slot.id}/edit"
    assert api.post(edit, data={**form_of(api, edit), "duration_minutes": "30"}).status_code == 302
    fields = {**form_of(api, edit), "duration_minutes": "20", "start": "13:25"}
    assert api.post(edit, data=fields).status_code == 302
    db.session.expire_all()
    assert slot.status == "invited" and slot.invitation.answer is None


def test_the_co_lead_is_told_whose_confirmation_a_change_asks_again(api, slot, presenter):
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    url = f"/slots/{slot.id}/edit"
    saved = api.post(url, data={**form_of(api, url), "title": "Renamed"})
    assert "asked to confirm" not in text(api.get(saved.headers["Location"]))
    saved = api.post(url, data={**form_of(api, url), "duration_minutes": "30"})
    assert (
        "“Renamed” moved or changed length: its presenter confirmed it as it was and is asked "
        "to confirm it again, on their page and by email."
    ) in text(api.get(saved.headers["Location"]))
    assert confirm(presenter, link).status_code == 302
    edit = f"/meetings/{slot.meeting_id}/edit"
    moved = api.post(edit, data={**form_of(api, edit), "day": "2027-03-10"})
    assert moved.status_code == 302, text(moved)
    assert "“Renamed” moved or changed length" in text(api.get(moved.headers["Location"]))
    # Moving a published meeting to a suggested start asks first, and says whom it asks again.
    assert confirm(presenter, link).status_code == 302
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    suggest = f"/meetings/{slot.meeting_id}/suggest"
    page = text(api.get(suggest))
    start = re.search(r'name="starts_at" value="([^"]+)"', page)[1]
    seen = re.search(r'name="start_seen" value="([^"]+)"', page)[1]
    data = {"csrf_token": csrf_token(api, edit), "starts_at": start, "start_seen": seen}
    asked = api.post(suggest, data=data)
    assert (
        "Presenters who confirmed (“Renamed”) confirmed the old time: they are asked to "
        "confirm the new one."
    ) in text(asked)


def test_only_a_presenter_who_confirmed_is_asked_again(api, slot, presenter):
    """A discussion or an uninvited talk a co-lead confirmed has no one to ask: moved, it stays
    confirmed and no one is named. A co-lead who sets a confirmed slot back to invited by hand
    is no "new time". The API says whom a change asks again, as the pages do."""
    from planner.mail.models import OutboxMessage

    meeting = db.session.get(Slot, slot.id).meeting
    opening, _, other = meeting.slots
    for item in (opening, other):
        confirmed = {"status": "confirmed"}
        assert api.patch(f"/api/v1/slots/{item.id}", json=confirmed).status_code == 200
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    url = f"/api/v1/meetings/{meeting.id}"
    moved = api.patch(url, json={"starts_at": "2027-03-10T13:00:00+01:00"}).get_json()
    assert moved["warning"] == (
        f"“{TALK['title']}” moved or changed length: its presenter confirmed it as it was and "
        "is asked to confirm it again, on their page and by email."
    )
    db.session.expire_all()
    assert [s.status for s in meeting.slots] == ["confirmed", "invited", "confirmed"]
    # Confirmed again, then set back to invited by a co-lead: no "New time" message.
    assert confirm(presenter, link).status_code == 302
    back = api.patch(f"/api/v1/slots/{slot.id}", json={"status": "invited"}).get_json()
    assert "warning" not in back
    last = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert not last.subject.startswith("New time")
    # Still awaiting their answer, a later move asks their calendar for one.
    longer = api.patch(f"/api/v1/slots/{slot.id}", json={"duration_minutes": 25}).get_json()
    assert "warning" not in longer  # not confirmed: nothing asked again
    last = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert last.subject.startswith("Changed: ")
    (request,) = Calendar.from_ical(last.ics).walk("VEVENT")
    assert request["ATTENDEE"].params["RSVP"] == "TRUE"
    # Deleting an earlier slot of a draft moves the confirmed talk: the answer says so.
    assert confirm(presenter, link).status_code == 302
    gone = api.delete(f"/api/v1/slots/{opening.id}").get_json()
    assert gone["result"] == "deleted" and "its presenter confirmed it as it was" in gone["warning"]


def test_no_one_is_invited_to_a_meeting_that_has_ended(api, survey):
    past = api.post(
        "/api/v1/meetings",
        json={**MEETING, "starts_at": "2026-11-20T12:00:00+01:00", "duration_minutes": 60},
    ).get_json()
    made = api.post(f"/api/v1/meetings/{past['id']}/slots", json=TALK).get_json()
    url = f"/slots/{made['id']}/invite"
    data = {**hidden_fields(api, url), "name": "Alex", "email": "alex@ipaustralia.example"}
    refused = api.post(url, data=data)
    assert refused.status_code == 409
    assert "This meeting has ended: there is no one to invite to it." in text(refused)
    assert 'value="Alex"' in refused.get_data(as_text=True)


def test_a_meeting_that_took_place_offers_no_invitation_and_says_how_long_links_work(
    app, api, slot, presenter
):
    """helper-254: a week after the workshop, its editor still offered "Invite again" on every
    talk, the slot's page "Invite someone else, or send a new link", and the invite page its
    whole form, each only to be told on sending that there is no one to invite. They now say
    the meeting took place, and until when the presenter's link works (to add slides); once
    RETENTION_DAYS ended it, the editor says the link ended, not that it was revoked."""
    import time_machine

    from planner.personal_data.retention import keep_for, prune
    from tests.support import sign_in

    link = invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    assert confirm(presenter, link).status_code == 302
    edit, slot_page = f"/meetings/{slot.meeting_id}/edit", f"/slots/{slot.id}/edit"
    invite_page = f"/slots/{slot.id}/invite"
    assert f'href="{invite_page}"' in api.get(edit).get_data(as_text=True)  # before it
    keep = keep_for(app.config)
    with time_machine.travel(slot.meeting.ends_at + timedelta(days=7), tick=True):
        assert sign_in(api).status_code == 302  # months after the session began
        editor = text(api.get(edit))
        assert f'href="{invite_page}"' not in editor and "Invite again" not in editor
        assert f"/slots/{slot.id}/invited" in editor  # the link, to pass on for slides
        page = text(api.get(slot_page))
        assert "Alex Example was invited and answered: confirmed." in page
        assert "The meeting has taken place: no one is invited to it any more." in page
        assert (
            "Alex Example's private link works until 5 September 2027, 180 days after the "
            "meeting: they may still add or replace their slides there."
        ) in page
        assert "Invite someone else" not in page and f'href="{invite_page}"' not in page
        asked = api.get(invite_page)
        assert asked.status_code == 200
        shown = text(asked)
        assert "The meeting has taken place: no one is invited to it any more." in shown
        assert "Inviting again" not in shown and "Invite and show the private link" not in shown
    with time_machine.travel(slot.meeting.ends_at + keep + timedelta(days=1), tick=True):
        prune(slot.meeting.ends_at + keep + timedelta(days=1), keep)
        db.session.commit()
        assert sign_in(api).status_code == 302
        editor = text(api.get(edit))
        assert "Alex Example · link ended" in editor and "link revoked" not in editor
        page = text(api.get(slot_page))
        assert "private link works until" not in page


@contextmanager
def answered_meanwhile(slot, answer: str, note: str = "", slot_status: str | None = None):
    """Another request's answer (and the slot status it sets) lands on another connection just
    before this request writes the invitation: after this one has read it."""
    invitation_id, slot_id, done = slot.invitation.id, slot.id, []

    def listener(session, _context, _instances):
        if done or not any(isinstance(o, Invitation) for o in session.dirty):
            return
        done.append(True)
        with db.engine.begin() as connection:
            connection.execute(
                update(Invitation)
                .where(Invitation.id == invitation_id)
                .values(answer=answer, note=note, version=Invitation.version + 1)
            )
            if slot_status is not None:
                connection.execute(
                    update(Slot)
                    .where(Slot.id == slot_id)
                    .values(status=slot_status, version=Slot.version + 1)
                )

    event.listen(Session, "before_flush", listener)
    try:
        yield
    finally:
        event.remove(Session, "before_flush", listener)
    assert done


@pytest.mark.committed  # another connection races the request
def test_a_double_click_on_the_answer_is_saved_once_and_says_so(api, slot, presenter):
    """The first click's answer lands between the second click's reading and writing: the second
    leads to the page with the answer (it is saved), not to "your answer was not saved"."""
    link = invite(api, slot)
    with answered_meanwhile(slot, "confirmed", slot_status="confirmed"):
        second = confirm(presenter, link)
    assert second.status_code == 302
    page = text(presenter.get(second.headers["Location"]))
    assert 'Status: <span class="status status-confirmed">confirmed</span></p>' in page
    db.session.expire_all()
    assert db.session.get(Slot, slot.id).status == "confirmed"


@pytest.mark.committed  # another connection races the request
def test_an_answer_racing_another_change_comes_back_unsaved_with_what_was_typed(
    api, slot, presenter
):
    link = invite(api, slot)
    invitation_id = slot.invitation.id
    with answered_meanwhile(slot, "declined", "Ill"):
        answer = presenter.post(
            link + "/answer", data={"answer": "another_time", "note": "Any Tuesday morning"}
        )
    assert answer.status_code == 409
    page = text(answer)
    assert "Your slot changed at the same moment" in page
    assert "Any Tuesday morning" in page
    db.session.expire_all()
    assert db.session.get(Invitation, invitation_id).answer == "declined"


@pytest.mark.committed  # two requests at once, on connections of their own
def test_a_presenter_declining_while_a_colead_moves_their_slot_is_told_not_an_outage(
    api, slot, presenter
):
    """Two instances on one PostgreSQL: the presenter who had confirmed declines from their
    page while a co-lead moves the slot down, which asks them again. The move wrote the slot
    (and the calendars' state) first, then the invitation; the answer wrote the invitation
    first, then the calendars' state. Each waited for the other: PostgreSQL ended one as a
    deadlock, and the presenter was told the database could not be reached (503). Now the
    answer waits for the move, then is told its slot changed, with its reason still there."""
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    editor = f"/meetings/{slot.meeting_id}/edit"
    version = re.search(r'name="agenda_version" value="([^"]+)"', text(api.get(editor)))[1]
    move = {"csrf_token": csrf_token(api, editor), "agenda_version": version, "direction": "down"}

    moved, declined, _ = sent_at_once(
        lambda: api.post(f"/slots/{slot.id}/move", data=move),
        lambda: presenter.post(
            link + "/answer", data={"answer": "declined", "note": "Travelling that week"}
        ),
        Invitation,
        changing=True,
    )

    assert moved.status_code == 302
    assert declined.status_code == 409
    page = text(declined)
    assert "Your slot changed at the same moment" in page
    assert "Travelling that week" in page
    db.session.expire_all()
    now = db.session.get(Slot, slot.id)
    assert now.status == "invited" and now.invitation.answer is None  # asked again, as moved


def test_the_presenter_says_which_time_zone_they_are_in(api, slot, presenter):
    """helper-66: the co-lead guessed Sydney; the presenter is in Lima and had no way to say
    so. They type a city: the page, the co-leads' editor and their next email follow it; a
    place that fits several zones or none is refused with what they typed kept, and a page
    opened before another tab changed it is refused rather than undoing that."""
    from planner.mail.models import OutboxMessage

    link = invite(api, slot)  # Australia/Sydney
    page = text(presenter.get(link))
    assert "Your time (Sydney)" in page
    seen = re.search(r'name="zone_seen" value="([^"]+)"', page)[1]
    assert seen == "Australia/Sydney"
    for typed, status, said in (
        ("Portland", 400, '"Portland" fits several time zones'),
        ("United States", 400, "America/New_York (New York)"),  # every one of them, by city
        ("Atlantis", 400, '"Atlantis" is not a time zone name'),
        (",", 400, '"," is not a time zone name'),
        ("", 400, "Type your city or time zone"),
    ):
        refused = presenter.post(f"{link}/zone", data={"zone": typed, "zone_seen": seen})
        assert refused.status_code == status and said in text(refused)
        assert f'name="zone" list="zones" value="{typed}"' in refused.text
    saved = presenter.post(f"{link}/zone", data={"zone": "Lima", "zone_seen": seen})
    assert saved.status_code == 302
    page = text(presenter.get(saved.headers["Location"]))
    assert "Your time (Lima)" in page
    db.session.expire_all()
    assert db.session.get(Slot, slot.id).presenter_zone == "America/Lima"
    assert "in Lima (UTC−5)" in text(api.get(f"/meetings/{slot.meeting_id}/edit"))
    # A second click on the same choice changes nothing and says so.
    again = presenter.post(f"{link}/zone", data={"zone": "Lima", "zone_seen": seen})
    assert again.status_code == 302
    # The tab opened before still says Sydney: refused, nothing changed.
    stale = presenter.post(f"{link}/zone", data={"zone": "Tokyo", "zone_seen": seen})
    assert stale.status_code == 409
    # The zone named by its city, as the page names it (helper-193: "America/Lima").
    assert "it is now Lima. Nothing was changed" in text(stale)
    assert db.session.get(Slot, slot.id).presenter_zone == "America/Lima"
    # The next email about the slot gives the time in Lima.
    later = {"duration_minutes": 25}
    assert api.patch(f"/api/v1/slots/{slot.id}", json=later).status_code == 200
    last = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1))
    assert last.recipient_email == "alex@ipaustralia.example" and "(UTC−5)" in last.text_body
    assert presenter.get(f"{link}/zone").status_code == 302  # a reload of the refused page


def test_inviting_someone_who_already_presents_in_the_meeting_warns(api, slot):
    """A person may give two talks, so it is not refused; but a co-lead who picked the office's
    usual contact twice by mistake is told (helper-81)."""
    invite(api, slot)
    other = db.session.scalar(
        select(Slot).where(Slot.meeting_id == slot.meeting_id, Slot.office_code == "JP")
    )
    url = f"/slots/{other.id}/invite"
    data = {"name": "Alex Example", "email": "ALEX@ipaustralia.example", "time_zone": ""}
    sent = api.post(url, data={**hidden_fields(api, url), **data}, follow_redirects=True)
    said = text(sent)
    assert sent.status_code == 200 and "/presenter/" in said  # invited all the same
    assert (
        f"Alex Example is also invited to present “{slot.title}” in this meeting; if that was "
        "not meant, invite someone else to one of them."
    ) in said
    third = db.session.scalar(
        select(Slot).where(Slot.meeting_id == slot.meeting_id, Slot.title == "Opening")
    )
    url = f"/slots/{third.id}/invite"
    data = {"name": "Kim Other", "email": "kim@jpo.example", "time_zone": ""}
    sent = api.post(url, data={**hidden_fields(api, url), **data}, follow_redirects=True)
    assert "is also invited to present" not in text(sent)


def test_each_way_back_to_the_editor_from_a_slot_returns_to_its_row(api, slot):
    """helper-188: saving a slot, revoking its link, or Back from its edit, invite, invited and
    confirm pages led to the top of the slots (#slots), so a co-lead on the keyboard tabbed
    again through every row's buttons to reach the one they were on; Up and Down come back to
    the row (`#slot-<id>`, which takes the focus), and so do these now."""
    row = f"/meetings/{slot.meeting_id}/edit#slot-{slot.id}"
    link = f'href="{row}"'
    assert link in text(api.get(f"/slots/{slot.id}/edit"))
    assert link in text(api.get(f"/slots/{slot.id}/invite"))
    invite(api, slot)
    assert link in text(api.get(f"/slots/{slot.id}/invited"))
    assert link in text(api.get(f"/slots/{slot.id}/invitation/revoke"))
    assert link in text(api.get(f"/slots/{slot.id}/delete"))
    edit = f"/slots/{slot.id}/edit"
    saved = api.post(edit, data={**form_of(api, edit), "duration_minutes": "25"})
    assert saved.status_code == 302 and saved.headers["Location"] == row
    revoke = f"/slots/{slot.id}/invitation/revoke"
    revoked = api.post(revoke, data=hidden_fields(api, revoke))
    assert revoked.status_code == 302 and revoked.headers["Location"] == row


def test_once_the_meeting_has_taken_place_the_presenter_has_nothing_to_answer(api, slot, presenter):
    """The day after the workshop, the presenter's page asks nothing more of them: declining
    there then took the talk they gave out of the archive, and told the co-leads so."""
    import time_machine

    link = invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    assert confirm(presenter, link).status_code == 302
    answers = db.session.scalar(select(func.count()).where(OutboxMessage.kind == "answer"))
    shown = shown_time(presenter.get(link).get_data(as_text=True))  # a page opened before
    with time_machine.travel(slot.meeting.ends_at + timedelta(days=1), tick=True):
        page = presenter.get(link).get_data(as_text=True)
        assert "This meeting has taken place; there is nothing more to answer." in page
        assert "Will you present?" not in page and "Send my answer" not in page
        note = "I would rather this talk were not on the record"
        refused = presenter.post(
            link + "/answer", data={"answer": "declined", "note": note, "shown_time": shown}
        )
        assert refused.status_code == 409
        assert note in refused.get_data(as_text=True)  # what they typed stays
        archive = api.get(f"/meetings/{slot.meeting_id}/archive").get_data(as_text=True)
    db.session.expire_all()
    assert slot.status == "confirmed" and slot.invitation.answer == "confirmed"
    assert html.escape(slot.title) in archive
    assert db.session.scalar(select(func.count()).where(OutboxMessage.kind == "answer")) == answers


def test_months_after_the_meeting_the_presenter_no_longer_renames_the_talk_given(
    api, slot, presenter
):
    """helper-204: with no freeze date ("empty: until the meeting"), the presenter's old link
    still saved a new title months after the workshop: the archive recorded a talk by a name it
    was never given under, and every calendar was sent the event again (a higher SEQUENCE)."""
    import time_machine

    link = invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    assert confirm(presenter, link).status_code == 302
    opened = seen_on(presenter, link)
    db.session.refresh(slot)
    sequence = slot.sequence
    said = "This meeting has taken place; write to the co-leads to change your title or abstract."
    with time_machine.travel(slot.meeting.ends_at + timedelta(days=120), tick=True):
        page = text(presenter.get(link))
        assert said in page and "Save title and abstract" not in page
        renamed = presenter.post(
            link + "/talk", data={"title": "Renamed months later", "abstract": "", "seen": opened}
        )
        assert renamed.status_code == 409
        assert said in text(renamed) and "Renamed months later" in text(renamed)  # kept as typed
        archive = text(api.get(f"/meetings/{slot.meeting_id}/archive"))
    db.session.expire_all()
    assert (slot.title, slot.sequence) == (TALK["title"], sequence)
    assert TALK["title"] in archive and "Renamed months later" not in archive


def test_a_talk_shifted_while_the_meeting_is_on_stays_confirmed(api, slot, presenter):
    """The opening runs ten minutes long and the co-lead shifts the rest: the presenter, in the
    meeting, is told their new time, not asked to confirm it; their talk stays confirmed on the
    agenda and in the feeds, during the meeting and after (it was "to be confirmed" for good)."""
    import time_machine

    link = invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    assert confirm(presenter, link).status_code == 302
    opening = slot.meeting.slots[0]
    with time_machine.travel(slot.meeting.starts_at + timedelta(minutes=9), tick=True):
        longer = api.patch(f"/api/v1/slots/{opening.id}", json={"duration_minutes": 20})
        assert longer.status_code == 200 and "warning" not in longer.get_json()
        db.session.expire_all()
        assert slot.status == "confirmed" and slot.invitation.answer == "confirmed"
        feed = read_everywhere(presenter.get("/feeds/taskforce-talks.ics").data)
        event = next(e for e in feed["events"] if e["summary"] == TALK["title"])
        assert (event["status"], event["start"]) == ("CONFIRMED", "2027-03-09T12:20:00.000Z")
        mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
        assert mail.subject == f"Changed: {TALK['title']} (time)"
        assert "Status: confirmed" in mail.text_body
    agenda = text(api.get(f"/meetings/{slot.meeting_id}"))
    row = re.search(
        f'"slot-title">{re.escape(TALK["title"])}</span>\\s*<span[^>]*>([^<]+)<', agenda
    )
    assert row[1] == "confirmed"


def test_a_presenter_whose_slot_a_co_lead_confirmed_is_told_there_is_nothing_to_answer(
    api, slot, presenter
):
    """Alex said yes on the phone and a co-lead confirmed the talk: their page said "confirmed"
    above the same question as before, unanswered, as if it waited for them (helper-229)."""
    link = invite(api, slot, language="fr")
    said = "The co-leads have confirmed this slot for you: there is nothing to answer."
    assert said not in presenter.get(link + "?lang=en").get_data(as_text=True)
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "confirmed"}).status_code == 200
    page = html.unescape(presenter.get(link + "?lang=en").get_data(as_text=True))
    assert said in page
    # The agenda is still a draft: its time may change, and it was not Alex who confirmed it.
    assert "calendars show your slot as tentative." in page and "though you confirmed" not in page
    page = html.unescape(presenter.get(link + "?lang=fr").get_data(as_text=True))
    assert "Les coresponsables ont confirmé cette présentation pour vous\u00a0:" in page
    # Once they answer themselves, their answer is what the page says.
    assert confirm(presenter, link).status_code == 302
    assert said not in html.unescape(presenter.get(link + "?lang=en").get_data(as_text=True))
