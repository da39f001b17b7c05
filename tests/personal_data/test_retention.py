"""What is kept no longer than needed: a message's text, HTML and calendar part (its private
links, its words to the person) are cleared RETENTION_DAYS after it went, and after its meeting
ended; a presenter's private link ends as long after their meeting."""

import html
import io
from datetime import timedelta

import time_machine
from sqlalchemy import select

from planner.accounts.models import ThrottleEvent
from planner.agenda.models import Meeting
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.models import MessageKind, MessageStatus, OutboxMessage
from planner.mail.outbox import set_hold_invitations
from planner.personal_data.retention import prune
from planner.survey import pending
from planner.survey.models import SurveyUpload
from tests.presenters.support import invite
from tests.support import VOLUNTEERED, csrf_token, publish_as_planned, second_round_csv

DAYS = timedelta(days=180)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def messages() -> dict[str, OutboxMessage]:
    db.session.expire_all()
    return {m.kind: m for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))}


def test_the_sender_clears_what_was_kept_long_enough_and_ends_presenter_links(
    api, client, cli, slot, presenter
):
    link = invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    volunteered = {**VOLUNTEERED, "email": "eva@ipaustralia.example"}
    assert client.post("/api/v1/proposals", json=volunteered).status_code == 201
    set_hold_invitations(True)
    db.session.commit()
    other = db.session.get(Meeting, slot.meeting_id).slots[-1]
    invite(api, other, name="Jun Tanaka", email="jun@jpo.example")  # held for review
    db.session.commit()
    ends = db.session.get(Meeting, slot.meeting_id).ends_at

    # The volunteer's client address, counted against the hourly limit of proposals.
    assert db.session.scalar(select(ThrottleEvent.address)) is not None

    # Within the time: the sender (no mail server: "not sent") clears nothing of the messages;
    # the address, which no rule reads after a day, is gone.
    with time_machine.travel(utcnow() + DAYS - timedelta(days=1)):
        assert cli.invoke(args=["mail", "send", "--once"]).exit_code == 0
    kept = messages()
    assert all(m.cleared_at is None and m.text_body for m in kept.values())
    assert kept[MessageKind.received].status == MessageStatus.not_sent
    assert db.session.scalars(select(ThrottleEvent)).all() == []

    # Past it: the volunteer's receipt (its private link) is cleared, while the messages about
    # the meeting to come stay whole: the next one about the slot reads its SEQUENCE.
    with time_machine.travel(utcnow() + DAYS + timedelta(days=1)):
        assert cli.invoke(args=["mail", "send", "--once"]).exit_code == 0
    gone, kept = messages()[MessageKind.received], messages()[MessageKind.invitation]
    assert gone.cleared_at is not None and gone.text_body == "" and gone.html_body is None
    assert gone.subject.startswith("Your proposal is with the co-leads")
    assert gone.recipient_email == "eva@ipaustralia.example"
    assert kept.cleared_at is None and "/presenter/" in kept.text_body and kept.ics

    # Its meeting ended long enough ago: the messages about it are cleared, the presenter's
    # link opens nothing; a message held for review is a co-lead's to send or discard.
    with time_machine.travel(ends + DAYS + timedelta(days=1)):
        assert cli.invoke(args=["personal-data", "prune"]).exit_code == 0
        ended = presenter.get(link)
        assert ended.status_code == 404
        # Said among why a link opens nothing (helper-254: only a typo or a revocation was).
        assert (
            "A presenter's link also ends 180 days after their meeting; what was presented "
            "stays on the meeting's public page."
        ) in text(ended)
    for message in db.session.scalars(select(OutboxMessage)):
        if message.status == MessageStatus.held:
            assert message.cleared_at is None and message.text_body
        else:
            assert message.cleared_at is not None and message.ics is None, message.kind


def test_a_cleared_message_says_so_and_is_not_sent_again(api, client):
    volunteered = {**VOLUNTEERED, "email": "eva@ipaustralia.example"}
    assert client.post("/api/v1/proposals", json=volunteered).status_code == 201
    receipt = messages()[MessageKind.received]
    receipt.status = MessageStatus.failed
    prune(utcnow() + DAYS + timedelta(days=1), DAYS)
    db.session.commit()

    page = text(api.get(f"/outbox/{receipt.id}"))
    assert "Its text, HTML and calendar part were cleared on" in page
    assert "the planner keeps them 180 days after a message went" in page
    assert "Send again" not in page and "<h2>Text</h2>" not in page
    # Sent from a page opened before it was cleared.
    refused = api.post(
        f"/outbox/{receipt.id}/send", data={"csrf_token": csrf_token(api, "/outbox")}
    )
    assert refused.status_code == 409
    assert "Not sent: its text was cleared on" in text(refused)


def test_a_message_is_kept_as_long_from_when_it_went_not_from_when_it_was_written(api, client):
    """A message that went long after it was written (failed, then sent again by a co-lead
    months later) is kept RETENTION_DAYS from when it went, as README says: counted from when it
    was written, it was cleared within the hour after it reached the volunteer."""
    volunteered = {**VOLUNTEERED, "email": "eva@ipaustralia.example"}
    assert client.post("/api/v1/proposals", json=volunteered).status_code == 201
    receipt = messages()[MessageKind.received]
    written = receipt.created_at
    receipt.status, receipt.sent_at = MessageStatus.sent, written + timedelta(days=100)
    db.session.flush()

    prune(written + DAYS + timedelta(days=1), DAYS)
    assert messages()[MessageKind.received].cleared_at is None

    prune(written + timedelta(days=100) + DAYS + timedelta(days=1), DAYS)
    assert messages()[MessageKind.received].cleared_at is not None


def kept() -> list[str]:
    db.session.expire_all()
    return db.session.scalars(select(SurveyUpload.source_name)).all()


def test_a_survey_file_kept_for_its_check_is_deleted_once_its_time_is_over(colead_client, cli):
    """A file checked and never imported waited in the database for good unless its co-lead
    checked another one: it may name people, and "two hours" was said. The hourly clearing
    (the mail sender's, `personal-data prune`) deletes it once they are over."""
    form = {
        "csrf_token": csrf_token(colead_client, "/surveys"),
        "file": (io.BytesIO(second_round_csv()), "round.csv"),
    }
    sent = colead_client.post("/surveys", data=form, content_type="multipart/form-data")
    assert sent.status_code == 303
    with time_machine.travel(utcnow() + timedelta(hours=pending.UPLOAD_HOURS - 1)):
        assert cli.invoke(args=["mail", "send", "--once"]).exit_code == 0
    assert kept() == ["round.csv"]
    with time_machine.travel(utcnow() + timedelta(hours=pending.UPLOAD_HOURS, minutes=1)):
        assert cli.invoke(args=["mail", "send", "--once"]).exit_code == 0
    assert kept() == []
    colead_client.post("/surveys", data={**form, "file": (io.BytesIO(second_round_csv()), "b.csv")})
    with time_machine.travel(utcnow() + timedelta(hours=pending.UPLOAD_HOURS, minutes=1)):
        said = cli.invoke(args=["personal-data", "prune"])
    assert said.exit_code == 0
    assert "deleted 1 survey file(s) kept past their check (2 hours)" in said.output
    assert kept() == []
