"""`flask db restored`: a database restored from last night's backup (a SQLite file copied back;
on PostgreSQL, a database made from the backup's) neither gives again the ids, nor sends again
the SEQUENCEs and messages, that went out in the hours after the backup."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from planner.accounts.models import User
from planner.agenda.models import Meeting, MeetingStatus
from planner.extensions import db
from planner.mail.models import MessageStatus, OutboxMessage
from tests.conftest import colead_password_hash
from tests.support import COLEAD_PASSWORD, database_of_its_own, sign_in
from tests.test_database_copy import _migrated

pytestmark = pytest.mark.committed

_SEQUENCE = re.compile(r"^SEQUENCE:(\d+)\r?$", re.MULTILINE)


def _colead(made, email: str) -> int:
    with made.app_context():
        user = User(email=email, role="colead", password_hash=colead_password_hash())
        db.session.add(user)
        db.session.commit()
        made_id = user.id
        db.session.remove()
        return made_id


def _last_night(made) -> tuple[int, int]:
    """What the backup holds: a co-lead, a published meeting and an invitation waiting to go."""
    _colead(made, "ana@example.org")
    with made.app_context():
        meeting = Meeting(
            title="Rec 4 workshop",
            status=MeetingStatus.published,
            starts_at=datetime.now(UTC) + timedelta(days=30),
            published_at=datetime.now(UTC),
        )
        waiting = OutboxMessage(
            kind="invitation",
            recipient_email="kim@example.org",
            subject="Invitation",
            text_body="Please present",
            message_id="<restored-test@example.org>",
        )
        db.session.add_all([meeting, waiting])
        db.session.commit()
        ids = meeting.id, waiting.id
        db.session.remove()
    return ids


def _feed_sequence(made, meeting_id: int) -> int:
    body = made.test_client().get(f"/meetings/{meeting_id}.ics").get_data(as_text=True)
    return max(map(int, _SEQUENCE.findall(body)))


def _today(made, meeting_id: int) -> tuple[int, int]:
    """The hours after the backup: the invitation goes, the meeting changes three times (each
    attendee's calendar takes the SEQUENCE), a co-lead is added and signs in."""
    with made.app_context():
        for message in db.session.scalars(select(OutboxMessage)):
            message.status, message.sent_at = MessageStatus.sent, datetime.now(UTC)
        for _ in range(3):
            meeting = db.session.get(Meeting, meeting_id)
            meeting.title += "!"
            meeting.sequence += 1
            db.session.commit()
        db.session.remove()
    seen = _feed_sequence(made, meeting_id)
    bob = _colead(made, "bob@example.org")
    return seen, bob


def _folder(tmp_path, name: str):
    (tmp_path / name).mkdir()
    return tmp_path / name


def test_a_restored_database_moves_past_what_the_hours_after_its_backup_handed_out(app, tmp_path):
    with (
        database_of_its_own(_folder(tmp_path, "live")) as live,
        _migrated(live) as before,
    ):
        meeting_id, waiting_id = _last_night(before)
        with before.app_context():
            db.engine.dispose()  # no one connected: PostgreSQL copies it as a template
        with database_of_its_own(_folder(tmp_path, "backup"), like=live) as backup:
            seen, bob = _today(before, meeting_id)
            bobs_browser = before.test_client()
            assert sign_in(bobs_browser, "bob@example.org", COLEAD_PASSWORD).status_code == 302
            with before.app_context():
                db.engine.dispose()

            # The restore, as the README says: the backup's copy, and `db restored` on it.
            with (
                database_of_its_own(_folder(tmp_path, "as-is"), like=backup) as as_is,
                _migrated(as_is, migrate=False) as unmoved,
            ):
                # Without it: Bob's id is handed out again, to whoever comes next.
                assert _colead(unmoved, "carol@example.org") == bob
            with _migrated(backup, migrate=False) as after:
                done = after.test_cli_runner().invoke(args=["db", "restored"])
                assert done.exit_code == 0, done.output
                assert "held for review" in done.output

                carol = _colead(after, "carol@example.org")
                assert carol > bob
                # Bob's cookie names his id and session version: it opens nobody's account.
                cookie = bobs_browser.get_cookie("session")
                restored_browser = after.test_client()
                restored_browser.set_cookie(cookie.key, cookie.value)
                assert restored_browser.get("/outbox").status_code == 302
                # Last night's co-lead signs in again: her session ended with the others.
                ana = after.test_client()
                assert sign_in(ana, "ana@example.org", COLEAD_PASSWORD).status_code == 302

                # Attendees hold `seen` from today's mail and feed: the next change is above it.
                assert _feed_sequence(after, meeting_id) > seen
                with after.app_context():
                    waiting = db.session.get(OutboxMessage, waiting_id)
                    assert waiting.status == MessageStatus.held
                    assert "restoring a backup" in waiting.last_error
                    highest = db.session.scalar(select(func.max(OutboxMessage.id)))
                    assert highest == waiting_id
                    db.session.remove()
