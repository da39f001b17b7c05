"""A presenter, a volunteer or an office contact who asks to be forgotten: a co-lead erases them
with `flask personal-data erase`, and nothing of them is left in the pages, the API, the feeds,
the exports or the outbox, while their talk keeps its shape."""

import html
import io
import json

from sqlalchemy import func, or_, select

from planner.agenda.models import Slot
from planner.extensions import db
from planner.mail.models import OutboxMessage, Unsubscription
from planner.materials.models import Material
from planner.offices.models import OfficeContact
from planner.personal_data.operations import ERASED_PRESENTER, ERASED_VOLUNTEER
from planner.presenters.models import Invitation
from tests.materials.files import PDF, PPTX
from tests.presenters.support import confirm, invite
from tests.support import (
    COLEAD_EMAIL,
    VOLUNTEERED,
    csrf_token,
    form_of,
    hidden_fields,
    publish_as_planned,
)

EVA, EVA_NAME = "eva@ipaustralia.example", "Eva Quispe"
PHONE = "+61 400 000 000"


def erase(cli, email: str):
    return cli.invoke(args=["personal-data", "erase", "--email", email, "--yes"])


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def mentions(*words: str) -> int:
    """Outbox messages that name any of `words`, in their address, subject or text."""
    db.session.expire_all()
    return db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            or_(
                *(
                    func.lower(column).contains(word.lower())
                    for word in words
                    for column in (
                        OutboxMessage.recipient_email,
                        OutboxMessage.subject,
                        OutboxMessage.text_body,
                    )
                )
            )
        )
    )


def test_a_presenter_who_asks_to_be_forgotten_leaves_no_trace_and_their_talk_its_shape(
    api, client, cli, slot, presenter
):
    # Eva, an AU contact, is invited, confirms with a note, adds her slides; the co-leads are
    # told of her answer.
    db.session.add(
        OfficeContact(office_code="AU", name=EVA_NAME, email=EVA, language="es", source="t")
    )
    db.session.commit()
    link = invite(api, slot, name=EVA_NAME, email=EVA.upper())
    assert confirm(presenter, link, note=f"Call me on {PHONE}").status_code == 302
    added = presenter.post(
        link + "/materials",
        data={"material-file": (io.BytesIO(PDF), "eva-quispe.pdf"), "material-kind": "slides"},
    )
    assert added.status_code == 302
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    assert mentions(EVA_NAME, EVA) >= 3
    exported = json.loads(cli.invoke(args=["personal-data", "export", "--email", EVA]).output)
    assert exported["office_contacts"][0]["name"] == EVA_NAME
    assert exported["invitations_to_present"][0]["note"] == f"Call me on {PHONE}"
    assert exported["materials_added"][0]["file"] == "eva-quispe.pdf"
    assert {m["kind"] for m in exported["messages"]} >= {"invitation", "update"}
    # Her private link is not in the export, which is passed on.
    assert link not in json.dumps(exported)
    assert exported["messages_to_the_coleads_naming_them"][0]["kind"] == "answer"

    # While she presents a slot still to come, the co-leads take her off it first.
    refused = erase(cli, EVA)
    assert refused.exit_code == 1
    assert "presents slots still to come: “Risk-based governance of new technologies”" in (
        refused.output
    )
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "proposed"}).status_code == 200

    erased = erase(cli, EVA)
    assert erased.exit_code == 0, erased.output
    assert "Erased eva@ipaustralia.example" in erased.output
    db.session.expire_all()
    # Nothing to her or naming her is left in the outbox; nothing of her in the database.
    assert mentions(EVA_NAME, EVA, "Quispe", PHONE) == 0
    assert db.session.scalar(select(func.count()).select_from(OfficeContact)) == 0
    assert db.session.scalars(select(Material)).all() == []
    invitation = db.session.scalar(select(Invitation).where(Invitation.slot_id == slot.id))
    assert (invitation.name, invitation.email, invitation.note) == (ERASED_PRESENTER, None, "")
    assert invitation.time_zone is None and invitation.link_hash is invitation.link_salt is None
    assert invitation.erased_at is not None and invitation.answer == "confirmed"
    # Her link opens nothing.
    assert presenter.get(link).status_code == 404
    # The slot keeps its shape: what it is, who was invited and what they answered.
    page = text(api.get(f"/slots/{slot.id}/edit"))
    assert "The presenter invited was removed at their request on 1 December 2026; they had " in (
        page
    )
    # Inviting someone in her place fills in no one.
    assert f'value="{ERASED_PRESENTER}"' not in text(api.get(f"/slots/{slot.id}/invite"))
    answer = api.get(f"/slots/{slot.id}/invite")
    assert answer.status_code == 200
    for url in (
        f"/meetings/{slot.meeting_id}/edit",
        f"/slots/{slot.id}/edit",
        f"/slots/{slot.id}/invite",
        "/offices/AU",
        "/offices/contacts.csv",
        "/outbox",
        f"/api/v1/meetings/{slot.meeting_id}",
        f"/api/v1/slots/{slot.id}",
    ):
        shown = text(api.get(url))
        assert not any(w in shown for w in (EVA_NAME, "Quispe", EVA, PHONE)), url
    for url in (f"/meetings/{slot.meeting_id}", "/feeds/taskforce-talks.ics", "/offices/AU"):
        shown = text(client.get(url))
        assert "Risk-based governance" in shown or url == "/offices/AU"
        assert not any(w in shown for w in (EVA_NAME, "Quispe", EVA, PHONE)), url
    # Someone invited in her place is the slot's presenter, as any other.
    invite(api, slot, name="Jo Contact", email="jo@ipaustralia.example")
    assert "Jo Contact is invited." in text(api.get(f"/slots/{slot.id}/edit"))
    assert api.get(f"/api/v1/slots/{slot.id}").status_code == 200
    # Asked again, nothing is held about her.
    again = cli.invoke(args=["personal-data", "export", "--email", EVA])
    assert not any(v for k, v in json.loads(again.output).items() if k != "email")
    assert erase(cli, EVA).output.strip() == f"Nothing is held about {EVA}."


def test_a_volunteer_who_withdrew_is_erased_and_their_proposal_stays_the_offices(api, client, cli):
    walt = {**VOLUNTEERED, "name": "Walt Weber", "email": "walt@ipaustralia.example"}
    sent = client.post(
        "/api/v1/proposals", json={**walt, "consent": True, "availability": "Mondays 9-11"}
    )
    assert sent.status_code == 201
    link = sent.get_json()["link"].removeprefix("http://localhost")
    withdrawn = client.post(link + "/withdraw", data=hidden_fields(client, link + "/withdraw"))
    assert withdrawn.status_code == 302
    kept = {**VOLUNTEERED, "title": "Another talk", "email": "ana@ipaustralia.example"}
    assert client.post("/api/v1/proposals", json=kept).status_code == 201
    # Walt unsubscribed from updates once (a one-click link in an email).
    db.session.add(Unsubscription(email="walt@ipaustralia.example", kind="update"))
    db.session.commit()
    assert mentions("Walt Weber") == 2  # his receipt, and the co-leads' news of his proposal

    assert erase(cli, "Walt@IPAustralia.example").exit_code == 0
    assert mentions("Walt", "walt@") == 0
    assert db.session.scalars(select(Unsubscription)).all() == []
    proposals = api.get("/api/v1/proposals").get_json()["proposals"]
    erased = next(p for p in proposals if p["title"] == VOLUNTEERED["title"])
    assert (erased["name"], erased["email"], erased["availability"]) == (ERASED_VOLUNTEER, "", "")
    assert erased["consent"] is False and erased["erased_at"] is not None
    assert erased["status"] == "withdrawn"
    assert [e["actor"] for e in erased["history"]] == [f"{ERASED_VOLUNTEER} for AU"] * 2
    review = text(api.get(f"/proposals/{erased['id']}"))
    assert "Walt" not in review and "walt@" not in review
    assert "Contact</dt><dd>Volunteer removed at their request</dd>" in review
    # His link opens nothing; the other volunteer's proposal and news are as they were.
    assert client.get(link).status_code == 404
    other = next(p for p in proposals if p["title"] == "Another talk")
    assert other["name"] == "Eva Volunteer" and mentions("ana@ipaustralia.example") == 1


def test_an_office_contact_erased_is_written_nothing(api, cli, slot):
    """A contact removed on the office's page is sent the CANCEL of each coming slot in their
    calendar; one erased at their request is written nothing more."""
    db.session.add(
        OfficeContact(office_code="AU", name=EVA_NAME, email=EVA, language="en", source="t")
    )
    db.session.commit()
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    assert mentions(EVA) == 1  # the slot, in her calendar as the office's contact

    assert erase(cli, EVA).exit_code == 0
    assert mentions(EVA, EVA_NAME) == 0
    assert db.session.get(Slot, slot.id).status == "proposed"


def test_erasing_a_contact_says_what_stays_with_them_outside_the_planner(api, cli, slot):
    """Erasing writes to no one: not even a cancellation of the talks an email put in Eva's
    calendar, which would tell her they are called off (she may well attend), nor the end of
    her office's feed, which its other contacts read. The co-lead erasing is told both before
    and after: the entries stay hers, no longer updated, and the feed link works until a
    co-lead revokes it on the office's page."""
    db.session.add(
        OfficeContact(office_code="AU", name=EVA_NAME, email=EVA, language="en", source="t")
    )
    db.session.commit()
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    emailed = api.post("/offices/AU/feed/email", data=hidden_fields(api, "/offices/AU/feed/email"))
    assert emailed.status_code == 302
    for message in db.session.scalars(select(OutboxMessage)):
        message.status, message.sent_at = "sent", message.created_at
    db.session.commit()

    asked = cli.invoke(args=["personal-data", "erase", "--email", EVA], input="n\n")
    assert asked.exit_code == 1 and mentions(EVA) == 2  # nothing erased yet
    said = " ".join(asked.output.split())
    assert "Not in the planner, and kept after erasing:" in said
    assert (
        f"1 talk(s) still to come in their calendar, from the planner's emails: “{slot.title}” "
        "(2027-03-09). They stay there, no longer updated: no cancellation is sent, which "
        "would tell them the talk is called off." in said
    )
    assert (
        "AU's private calendar feed, whose link they were emailed on 1 December 2026: it shows "
        "them the office's talks for as long as it works. If they should no longer read it, "
        "revoke it on AU's page and email the new one to its other contacts." in said
    )
    erased = erase(cli, EVA)
    assert erased.exit_code == 0 and mentions(EVA, EVA_NAME) == 0
    assert "Kept outside the planner: AU's private calendar feed" in erased.output


def test_a_colead_is_not_erased_while_their_account_stands(cli, colead):
    refused = erase(cli, COLEAD_EMAIL.upper())
    assert refused.exit_code == 1
    assert "is a co-lead's account: delete it first" in refused.output
    assert "flask --app app users delete --email colead@example.org" in refused.output


def test_an_address_that_is_not_one_is_refused(cli):
    refused = erase(cli, "not an address")
    assert refused.exit_code == 2 and "is not an email address" in refused.output


def test_the_talk_of_a_volunteer_erased_is_offered_to_the_offices_contacts_alone(
    api, client, cli, slot
):
    """Their accepted proposal stays a talk on the agenda; inviting its presenter fills in the
    office's contacts, no longer the volunteer (nameless, without an address)."""
    sent = client.post(
        "/api/v1/proposals", json={**VOLUNTEERED, "name": EVA_NAME, "email": EVA}
    ).get_json()
    decided = {"status": "accepted", "reason": "Welcome", "version": sent["version"]}
    assert api.patch(f"/api/v1/proposals/{sent['id']}", json=decided).status_code == 200
    made = api.post(f"/api/v1/meetings/{slot.meeting_id}/slots", json={"proposal_id": sent["id"]})
    assert made.status_code == 201
    talk = made.get_json()["id"]
    db.session.add(
        OfficeContact(
            office_code="AU", name="Jo Contact", email="jo@ipaustralia.example", source="t"
        )
    )
    db.session.commit()
    assert f'value="{EVA_NAME}"' in text(api.get(f"/slots/{talk}/invite"))

    assert erase(cli, EVA).exit_code == 0
    asking = text(api.get(f"/slots/{talk}/invite"))
    assert ERASED_VOLUNTEER not in asking and 'value="Jo Contact"' in asking
    # Invited, Jo presents it: the slot is theirs, as any other.
    invite(api, db.session.get(Slot, talk), name="Jo Contact", email="jo@ipaustralia.example")
    assert "Jo Contact is invited." in text(api.get(f"/slots/{talk}/edit"))


def test_a_presenter_handed_over_then_erased_leaves_no_trace_of_them(api, cli, slot, presenter):
    """A slot has one invitation, which the next presenter's replaces: once Eva's talk was
    handed to Jo, her invitation no longer named her, and erasing her left the co-leads' news
    of her answer ("Eva Quispe confirmed: ...") in the outbox and her slides on the slot
    "added by presenter Eva Quispe". They are found from the invitation written to her."""
    eva = invite(api, slot, name=EVA_NAME, email=EVA)
    assert confirm(presenter, eva).status_code == 302
    added = presenter.post(
        eva + "/materials",
        data={"material-file": (io.BytesIO(PDF), "risk.pdf"), "material-kind": "slides"},
    )
    assert added.status_code == 302
    # The talk is handed to Jo, who confirms and adds slides of their own.
    jo = invite(api, slot, name="Jo Contact", email="jo@ipaustralia.example")
    assert confirm(presenter, jo).status_code == 302
    added = presenter.post(
        jo + "/materials",
        data={"material-url": "https://slides.example/jo", "material-kind": "slides"},
    )
    assert added.status_code == 302
    assert mentions(f"{EVA_NAME} confirmed") == 1  # the co-leads' news of her answer
    exported = json.loads(cli.invoke(args=["personal-data", "export", "--email", EVA]).output)
    assert [m["kind"] for m in exported["messages_to_the_coleads_naming_them"]] == ["answer"]
    assert [m["file"] for m in exported["materials_added"]] == ["risk.pdf"]

    asked = cli.invoke(args=["personal-data", "erase", "--email", EVA], input="n\n")
    assert f"slides they added to “{slot.title}”: risk.pdf" in asked.output
    assert "1 message(s) to the co-leads naming them (deleted)" in asked.output
    erased = erase(cli, EVA)
    assert erased.exit_code == 0, erased.output
    assert "1 material(s) removed" in erased.output
    assert mentions(EVA_NAME, EVA, "Quispe") == 0
    assert [m.added_by for m in db.session.scalars(select(Material))] == ["presenter Jo Contact"]
    assert "Quispe" not in text(api.get("/outbox"))
    assert "Quispe" not in text(api.get(f"/slots/{slot.id}/edit"))
    # Jo's answer, invitation and slides are theirs, untouched.
    assert mentions("Jo Contact confirmed") >= 1
    invitation = db.session.scalar(select(Invitation).where(Invitation.slot_id == slot.id))
    assert (invitation.name, invitation.answer, invitation.erased_at) == (
        "Jo Contact",
        "confirmed",
        None,
    )


def test_a_presenter_of_a_slot_deleted_since_leaves_no_answer_naming_them(
    api, cli, slot, presenter
):
    """A draft's slot deleted takes its invitation and slides, while the co-leads' news of
    Eva's answer ("Eva Quispe confirmed: ...") stayed with no slot, and erasing her, which
    looked for it by the slot, left it. It is found by the invitation written to her, which
    keeps its meeting and the name she was invited by."""
    eva = invite(api, slot, name=EVA_NAME, email=EVA)
    assert confirm(presenter, eva).status_code == 302
    slot_id = slot.id
    assert api.delete(f"/api/v1/slots/{slot_id}").status_code in (200, 204)
    db.session.expire_all()
    assert db.session.get(Slot, slot_id) is None
    assert mentions(f"{EVA_NAME} confirmed") == 1
    exported = json.loads(cli.invoke(args=["personal-data", "export", "--email", EVA]).output)
    assert [m["kind"] for m in exported["messages_to_the_coleads_naming_them"]] == ["answer"]
    erased = erase(cli, EVA)
    assert erased.exit_code == 0, erased.output
    assert mentions(EVA_NAME, EVA, "Quispe") == 0
    assert "Quispe" not in text(api.get("/outbox"))


def test_a_former_colead_erased_is_named_on_nothing_they_did(api, other, client, cli, slot):
    """helper-255: Ana left the Task Force (`users delete`) and asked to be forgotten. What she
    did stays the Task Force's record: her marks with their notes, her line-up, her decision on
    a proposal with its reason, the presenter she invited, the contact accepted from it, the
    slides she added. The export listed none of it (the right of access covers it), and
    erasing left her address on every one, shown to the co-leads. It lists them now, and
    erasing keeps each without her address: "a former co-lead" did it. A form another co-lead
    opened on one of them is not refused for it."""
    from tests.materials.test_materials import colead_upload

    erased_colead = "a former co-lead"

    token = csrf_token(api, "/recommendations/10/matches")
    mark = {"audience": "ES", "presenter": "AU", "verdict": "must_present", "note": "Ask them"}
    marked = api.post("/recommendations/10/matches/marks", data={"csrf_token": token, **mark})
    assert marked.status_code == 302
    lineup = api.post("/api/v1/lineups", json={"recommendation": 10, "slots": 2})
    assert lineup.status_code == 201
    volunteered = {**VOLUNTEERED, "email": "eva@ipaustralia.example", "consent": True}
    proposal = client.post("/api/v1/proposals", json=volunteered).get_json()
    decided = api.patch(
        f"/api/v1/proposals/{proposal['id']}",
        json={"status": "accepted", "reason": "Just what Rec 10 needs", "version": 1},
    )
    assert decided.status_code == 200, decided.get_json()
    invite(api, slot)
    assert colead_upload(api, slot, "slides.pdf", PDF).status_code == 302
    (contact,) = db.session.scalars(select(OfficeContact)).all()
    contact_url = f"/offices/contacts/{contact.id}/edit"
    opened = form_of(other, contact_url)

    deleted = cli.invoke(args=["users", "delete", "--email", COLEAD_EMAIL, "--yes"])
    assert deleted.exit_code == 0
    exported = json.loads(
        cli.invoke(args=["personal-data", "export", "--email", COLEAD_EMAIL]).stdout
    )
    # And every change of the meeting or its slots she made, in its history.
    changed = [r for r in exported["as_a_colead"] if r["what"] == "meeting or slot changed"]
    assert {r["about"] for r in changed} >= {
        f"meeting #{slot.meeting_id}: created",
        f"meeting #{slot.meeting_id}: presenter of “{slot.title}”",
    }
    assert [r["what"] for r in exported["as_a_colead"] if r not in changed] == [
        "mark on a pair",
        "line-up proposed",
        "presenter invited",
        "proposal decided or its link changed",
        "office contact entered or accepted",
        "slides or link added",
    ]
    assert exported["as_a_colead"][0]["about"] == "Rec 10: AU for ES, must_present: “Ask them”"
    asked = cli.invoke(args=["personal-data", "erase", "--email", COLEAD_EMAIL], input="n\n")
    assert (
        f"{6 + len(changed)} record(s) of what they did as a co-lead (mark on a pair: 1, "
        "line-up proposed: 1, presenter invited: 1, proposal decided or its link changed: 1, "
        f"meeting or slot changed: {len(changed)}, office contact entered "
        "or accepted: 1, slides or link added: 1): kept as the Task Force's, with their dates, "
        f"notes and reasons, their address replaced by “{erased_colead}”" in asked.output
    )
    erased = erase(cli, COLEAD_EMAIL)
    assert erased.exit_code == 0, erased.output
    assert (
        f"{6 + len(changed)} record(s) of what they did as a co-lead kept without their address"
        in erased.output
    )

    invited = f"invited {slot.invitation.invited_at:%-d %b} by {erased_colead}"
    said = {
        "/recommendations/10/matches": f"({erased_colead}, 20",
        f"/lineups/{lineup.get_json()['id']}": f"by {erased_colead} from survey",
        f"/proposals/{proposal['id']}": f"Accepted by {erased_colead} on ",
        f"/meetings/{slot.meeting_id}/edit": invited,
        f"/slots/{slot.id}/edit": f"added by {erased_colead} on ",
        "/offices/AU": f"accepted by {erased_colead}",
    }
    for url, words in said.items():
        page = text(other.get(url))
        assert COLEAD_EMAIL not in page and words in page, url
    # What she wrote stays with it: the note of her mark, the reason of her decision.
    assert "“Ask them”" in text(other.get("/recommendations/10/matches"))
    assert "Just what Rec 10 needs" in text(other.get(f"/proposals/{proposal['id']}"))
    after = cli.invoke(args=["personal-data", "export", "--email", COLEAD_EMAIL]).stdout
    assert json.loads(after)["as_a_colead"] == []
    # The contact form opened before is saved: nothing it showed changed.
    saved = other.post(contact_url, data={**opened, "role": "CIO"})
    assert saved.status_code == 302, text(saved)


def test_a_former_colead_erased_is_not_named_on_the_messages_she_sent_now(api, other, cli, slot):
    """Ana pressed "Send now" on an invitation the co-leads held for review; its outbox page
    and row say who sent it and when (helper-368). She left the Task Force and asked to be
    forgotten: the export did not list it, and erasing left her address on both pages. Now
    the export lists it, and erasing keeps it as "a former co-lead"'s."""
    from planner.mail.outbox import set_hold_invitations

    set_hold_invitations(True)
    db.session.commit()
    invite(api, slot)
    (held,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == "held"))
    token = csrf_token(api, f"/outbox/{held.id}")
    assert api.post(f"/outbox/{held.id}/send", data={"csrf_token": token}).status_code == 302
    assert f"Sent now</dt><dd>by {COLEAD_EMAIL} on " in text(other.get(f"/outbox/{held.id}"))

    assert cli.invoke(args=["users", "delete", "--email", COLEAD_EMAIL, "--yes"]).exit_code == 0
    exported = json.loads(
        cli.invoke(args=["personal-data", "export", "--email", COLEAD_EMAIL]).stdout
    )
    (sent,) = [r for r in exported["as_a_colead"] if r["what"] == "message sent now or again"]
    assert sent["about"] == f"message #{held.id} (invitation)"
    assert sent["recorded_as"] == COLEAD_EMAIL
    erased = erase(cli, COLEAD_EMAIL)
    assert erased.exit_code == 0, erased.output

    for url in (f"/outbox/{held.id}", "/outbox?kind=invitation"):
        page = text(other.get(url))
        assert COLEAD_EMAIL not in page, url
        assert "by a former co-lead" in page, url
    after = cli.invoke(args=["personal-data", "export", "--email", COLEAD_EMAIL]).stdout
    assert json.loads(after)["as_a_colead"] == []


def test_a_former_colead_erased_is_not_named_on_what_she_discarded_and_another_sent_again(
    api, other, cli, slot
):
    """Ana discarded an invitation the co-leads held for review ("discarded by ana@…"); Ben
    pressed "Send again" on it, and its page says what came before: her words. She left and
    asked to be forgotten: erasing her kept her address there, and the export did not list it.
    Now it is listed, and kept as "a former co-lead"'s."""
    from planner.mail.outbox import set_hold_invitations

    set_hold_invitations(True)
    db.session.commit()
    invite(api, slot)
    (held,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == "held"))
    url = f"/outbox/{held.id}"
    discarded = api.post(
        f"{url}/discard", data={"csrf_token": csrf_token(api, url), "confirmed": "yes"}
    )
    assert discarded.status_code == 302
    sent = other.post(f"{url}/send", data={"csrf_token": csrf_token(other, url)})
    assert sent.status_code == 302
    again = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == "queued"))
    pages = [url, *(f"/outbox/{m.id}" for m in again), "/outbox?kind=invitation"]
    assert any(f"discarded by {COLEAD_EMAIL}" in text(other.get(page)) for page in pages)

    assert cli.invoke(args=["users", "delete", "--email", COLEAD_EMAIL, "--yes"]).exit_code == 0
    exported = json.loads(
        cli.invoke(args=["personal-data", "export", "--email", COLEAD_EMAIL]).stdout
    )
    assert "held message discarded" in [r["what"] for r in exported["as_a_colead"]]
    erased = erase(cli, COLEAD_EMAIL)
    assert erased.exit_code == 0, erased.output

    for page in pages:
        assert COLEAD_EMAIL not in text(other.get(page)), page
    assert any("discarded by a former co-lead" in text(other.get(page)) for page in pages)


def test_slides_added_before_a_presenter_s_name_was_corrected_are_erased_with_her(
    api, cli, slot, presenter
):
    """helper-313: Elise added her slides; a co-lead corrected her name to "Élise Quispe" at her
    address. Her slides, "added by presenter Elise Quispe", were neither in her export nor
    erased with her: hers were found by the name as now spelt, to the letter."""
    elise = invite(api, slot, name="Elise Quispe", email=EVA)
    added = presenter.post(
        elise + "/materials",
        data={"material-file": (io.BytesIO(PDF), "risk.pdf"), "material-kind": "slides"},
    )
    assert added.status_code == 302
    invite(api, slot, name="Élise Quispe", email=EVA)
    exported = json.loads(cli.invoke(args=["personal-data", "export", "--email", EVA]).output)
    assert [m["file"] for m in exported["materials_added"]] == ["risk.pdf"]

    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "proposed"}).status_code == 200
    erased = erase(cli, EVA)
    assert erased.exit_code == 0, erased.output
    assert "1 material(s) removed" in erased.output
    assert db.session.scalars(select(Material)).all() == []


def _upload(presenter, link: str, filename: str, data: bytes = PDF):
    added = presenter.post(
        link + "/materials",
        data={"material-file": (io.BytesIO(data), filename), "material-kind": "slides"},
    )
    assert added.status_code == 302


def test_the_coleads_news_of_her_answer_under_her_name_as_spelt_before_goes_with_her(
    api, cli, slot, presenter
):
    """helper-316: Elise confirmed ("Elise Dupont confirmed: ..." to the co-leads); a co-lead
    corrected her name to "Élise Dupont" at her address. Erasing her looked for that news by
    her name as now spelt, to the letter, and left it, naming her, in the outbox. Her earlier
    spellings are those the invitations written to her were addressed by."""
    elise = invite(api, slot, name="Elise Dupont", email=EVA)
    assert confirm(presenter, elise).status_code == 302
    invite(api, slot, name="Élise Dupont", email=EVA)
    assert mentions("Elise Dupont confirmed") == 1
    exported = json.loads(cli.invoke(args=["personal-data", "export", "--email", EVA]).output)
    assert [m["kind"] for m in exported["messages_to_the_coleads_naming_them"]] == ["answer"]

    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "proposed"}).status_code == 200
    assert erase(cli, EVA).exit_code == 0
    assert mentions("Dupont", EVA) == 0
    assert "Dupont" not in text(api.get("/outbox"))


OLA, OLA_TYPO, OLA_NAME = "ola.nowak@example.org", "pl@example.org", "Ola Nowak"


def _readdressed(api, slot, presenter) -> None:
    """Ola is invited at pl@example.org (a typo: Piotr's, AU's contact), confirms and adds her
    slides; a co-lead corrects her address: pl@example.org is sent "Address corrected: ..."."""
    db.session.add(
        OfficeContact(office_code="AU", name="Piotr Lis", email=OLA_TYPO, language="en", source="t")
    )
    db.session.commit()
    ola = invite(api, slot, name=OLA_NAME, email=OLA_TYPO)
    assert confirm(presenter, ola).status_code == 302
    _upload(presenter, ola, "nowak.pdf")
    invite(api, slot, name=OLA_NAME, email=OLA)
    db.session.expire_all()
    assert any(
        m.subject.startswith("Address corrected")
        for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient_mailbox == OLA_TYPO)
        )
    )


def test_the_messages_to_her_address_before_it_was_corrected_are_hers(api, cli, slot, presenter):
    """helper-316: Ola's address corrected, the messages written to her at the old one (her
    invitation, "Address corrected: ...") were neither in her export nor erased with her. They
    are hers, found by the invitation to her slot at another address in her name; Piotr's own
    messages at that address are not."""
    _readdressed(api, slot, presenter)
    db.session.add(
        OutboxMessage(
            kind="feed",
            recipient_email=OLA_TYPO,
            recipient_name="Piotr Lis",
            role="contact",
            subject="AU's calendar feed",
            message_id="<feed-au@example.org>",
            text_body="Subscribe to AU's talks",
        )
    )
    db.session.commit()
    exported = json.loads(cli.invoke(args=["personal-data", "export", "--email", OLA]).output)
    subjects = [m["subject"] for m in exported["messages"]]
    assert any(s.startswith("Address corrected") for s in subjects), subjects
    assert any(s.startswith("Invitation") or "invit" in s.lower() for s in subjects), subjects
    assert "AU's calendar feed" not in subjects
    assert [m["file"] for m in exported["materials_added"]] == ["nowak.pdf"]

    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "proposed"}).status_code == 200
    assert erase(cli, OLA).exit_code == 0
    assert mentions(OLA_NAME, OLA, "Nowak") == 0
    db.session.expire_all()
    # Piotr's message at that address is his, untouched.
    assert [
        m.subject
        for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient_mailbox == OLA_TYPO)
        )
    ] == ["AU's calendar feed"]
    assert db.session.scalar(select(func.count()).select_from(OfficeContact)) == 1
    # The meeting's history names neither her nor either address.
    history = text(api.get(f"/api/v1/meetings/{slot.meeting_id}/history"))
    assert not any(w in history for w in ("Nowak", OLA, OLA_TYPO))


def test_erasing_the_address_she_was_invited_at_by_mistake_leaves_her_own(
    api, cli, slot, presenter
):
    """helper-316: Piotr, whose address Ola's was mistyped as, asks to be erased. What went to
    his mailbox goes; Ola's slides, the co-leads' news of her answer and her invitation, which
    followed her to her address corrected, are hers and stay."""
    _readdressed(api, slot, presenter)
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "proposed"}).status_code == 200
    exported = json.loads(cli.invoke(args=["personal-data", "export", "--email", OLA_TYPO]).output)
    assert exported["materials_added"] == []
    assert exported["messages_to_the_coleads_naming_them"] == []
    assert erase(cli, OLA_TYPO).exit_code == 0
    assert mentions(OLA_TYPO) == 0
    assert mentions(f"{OLA_NAME} confirmed") == 1
    assert [m.filename for m in db.session.scalars(select(Material))] == ["nowak.pdf"]
    invitation = db.session.scalar(select(Invitation).where(Invitation.slot_id == slot.id))
    assert (invitation.name, invitation.email, invitation.erased_at) == (OLA_NAME, OLA, None)


OFFICE = "office@ipaustralia.example"


def test_slides_of_an_earlier_presenter_at_a_shared_mailbox_are_found_by_it(
    api, cli, slot, presenter
):
    """helper-316: at AU's shared mailbox, Rosa was invited and added her slides; Ben was then
    invited in her place at the same address. Erasing that mailbox found the slides by Ben's
    name alone, the slot's invitation now, and left Rosa's "added by presenter Rosa Lima". They
    are found by the invitation written to her at that address. A co-lead's slides stay."""
    from tests.materials.test_materials import colead_upload

    rosa = invite(api, slot, name="Rosa Lima", email=OFFICE)
    assert confirm(presenter, rosa).status_code == 302
    _upload(presenter, rosa, "lima.pdf")
    ben = invite(api, slot, name="Ben Okafor", email=OFFICE)
    _upload(presenter, ben, "okafor.pptx", PPTX)
    assert colead_upload(api, slot, "agenda.pdf", PDF + b"% agenda\n").status_code == 302
    exported = json.loads(cli.invoke(args=["personal-data", "export", "--email", OFFICE]).output)
    assert sorted(m["file"] for m in exported["materials_added"]) == ["lima.pdf", "okafor.pptx"]
    assert [m["kind"] for m in exported["messages_to_the_coleads_naming_them"]] == ["answer"]

    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "proposed"}).status_code == 200
    assert erase(cli, OFFICE).exit_code == 0
    assert mentions("Rosa Lima", "Okafor", OFFICE) == 0
    assert [m.filename for m in db.session.scalars(select(Material))] == ["agenda.pdf"]


def test_slides_of_a_presenter_named_by_a_dash_are_theirs_and_erased_with_them(
    api, cli, slot, presenter
):
    """helper-317: an office's presenter invited as "—" (no name known yet) added slides. Their
    name, folded to no letters, was no one's, not even their own (`same_name`): their page
    called the slides an earlier presenter's, and erasing the mailbox found none and left them."""
    link = invite(api, slot, name="—", email=OFFICE)
    assert confirm(presenter, link).status_code == 302
    _upload(presenter, link, "unnamed.pdf")
    assert "added by you" in text(presenter.get(link))
    exported = json.loads(cli.invoke(args=["personal-data", "export", "--email", OFFICE]).output)
    assert [m["file"] for m in exported["materials_added"]] == ["unnamed.pdf"]

    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "proposed"}).status_code == 200
    assert erase(cli, OFFICE).exit_code == 0
    assert db.session.scalars(select(Material)).all() == []


ELISE, ELISE_NAME = "elise@ipaustralia.example", "Élise Dupont-Martin"


def _renamed_with_a_word_added(api, slot, presenter) -> None:
    """Élise is invited as "Élise Dupont" at eva@ (a mistyped address); a co-lead invites her
    again as "Élise Dupont-Martin" at her own, elise@: by the app's rule (`same_name`) another
    person. She confirms: the co-leads are told "Élise Dupont-Martin confirmed: ..."."""
    invite(api, slot, name="Élise Dupont", email=EVA)
    assert confirm(presenter, invite(api, slot, name=ELISE_NAME, email=ELISE)).status_code == 302
    assert mentions("Dupont-Martin confirmed") == 1


def test_erasing_a_name_leaves_a_longer_name_it_begins(api, cli, slot, presenter):
    """helper-319: erasing "Élise Dupont" (eva@, the address mistyped) replaced her name in the
    co-leads' "Élise Dupont-Martin confirmed: ..." ("-" is no word character), which is another
    presenter's news: it read "Presenter removed at their request-Martin confirmed"."""
    invite(api, slot, name="Élise Dupont", email=EVA)
    assert confirm(presenter, invite(api, slot, name=ELISE_NAME, email=ELISE)).status_code == 302
    assert mentions("Dupont-Martin confirmed") == 1
    exported = json.loads(cli.invoke(args=["personal-data", "export", "--email", EVA]).stdout)
    assert exported["messages_to_others_naming_them"] == []

    assert erase(cli, EVA).exit_code == 0
    assert mentions(EVA) == 0
    assert mentions("Dupont-Martin confirmed") == 1
    assert "removed at their request-Martin" not in text(api.get("/outbox"))


def test_whoever_erases_is_told_of_the_slots_earlier_presenters_at_other_addresses(
    api, cli, slot, presenter
):
    """helper-319: "Élise Dupont-Martin" at elise@ is, by the app's rule, not "Élise Dupont" at
    eva@: erasing elise@ leaves what went to eva@. That may be right, but whoever erased was not
    told: the export and the erasure say so, to them alone (not in the JSON handed over)."""
    _renamed_with_a_word_added(api, slot, presenter)
    exported = cli.invoke(args=["personal-data", "export", "--email", ELISE])
    assert EVA not in exported.stdout
    assert json.loads(exported.stdout)["email"] == ELISE
    said = "Earlier presenters of these slots, at other addresses, still hold data: " + EVA
    assert said in exported.stderr

    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "proposed"}).status_code == 200
    asked = cli.invoke(args=["personal-data", "erase", "--email", ELISE], input="n\n")
    assert said in asked.output and mentions(ELISE) > 0
    erased = erase(cli, ELISE)
    assert erased.exit_code == 0 and said in erased.output
    # eva@ still holds her invitation; erased in turn, nothing of either is left.
    assert mentions(EVA) == 1
    assert erase(cli, EVA).exit_code == 0
    assert mentions("Dupont", EVA, ELISE) == 0


def test_no_earlier_presenter_is_said_where_there_is_none_at_another_address(
    api, cli, slot, presenter
):
    """Her own address before a co-lead corrected it is hers, erased with her: not said."""
    _readdressed(api, slot, presenter)
    exported = cli.invoke(args=["personal-data", "export", "--email", OLA])
    assert exported.exit_code == 0 and exported.stderr == ""


def _presents_and_handed_over(api, presenter, meeting_id: int, n: int) -> None:
    """Ola presents a talk, invited first at a mistyped address, and was handed from another,
    slides added to each."""
    from tests.presenters.support import TALK

    made = [
        api.post(
            f"/api/v1/meetings/{meeting_id}/slots", json={**TALK, "title": f"Talk {n}{kind}"}
        ).get_json()["id"]
        for kind in "ab"
    ]
    presents, handed = (db.session.get(Slot, slot_id) for slot_id in made)
    _upload(presenter, invite(api, presents, name=OLA_NAME, email=OLA_TYPO), f"{n}a.pdf")
    invite(api, presents, name=OLA_NAME, email=OLA)
    _upload(presenter, invite(api, handed, name=OLA_NAME, email=OLA), f"{n}b.pdf")
    invite(api, handed, name="Jo Contact", email="jo@ipaustralia.example")


def test_what_is_held_is_read_in_as_many_statements_for_many_slots_as_for_one(
    api, cli, slot, presenter
):
    """helper-319: the slot handed over since was read once a slot, the messages to an address
    corrected since and the materials likewise (twice for a slot in both)."""
    from planner.personal_data.operations import held_about
    from tests.support import counted_queries

    def statements() -> tuple[int, int]:
        db.session.expire_all()
        with counted_queries() as sent:
            held = held_about(OLA)
        return len(sent), len(held.materials)

    _presents_and_handed_over(api, presenter, slot.meeting_id, 1)
    one, materials = statements()
    assert materials == 2
    for n in (2, 3, 4):
        _presents_and_handed_over(api, presenter, slot.meeting_id, n)
    assert statements() == (one, 8)
