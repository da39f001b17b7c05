"""Two instances of the app on one database, as deployed (a sender beside each): one's round
says a late message again as it goes (an office contact's news of a talk, turned away for now by
their server) while the other's sender takes the same message and sends it. Whichever takes it
first, what the co-leads' outbox keeps of it is what reached the contact. Read in the inbox of a
real SMTP server on loopback, after the senders' rounds (`flask mail send --once`); the instances
as in test_invitation_two_instances.py."""

import pytest

from planner.db_types import utcnow
from planner.mail.sender import claim
from tests.mail import test_invitation_two_instances as two_instances
from tests.mail.test_busy_day import BEN, BUSY, inbox, sender_round
from tests.mail.test_invitation_two_instances import (
    Instance,
    a_round,
    another_session_waits_for_a_lock,
    row_locks,
    sender_b_sends,
    sender_b_takes_it,
)
from tests.mail.test_languages import _part
from tests.mail.test_messages import outbox
from tests.presenters.support import invite
from tests.support import publish_as_planned

pytestmark = pytest.mark.committed

smtp, agenda, _listening = two_instances.smtp, two_instances.agenda, two_instances._listening


def test_a_late_news_another_instance_s_sender_sends_as_this_round_reads_it_is_kept_as_it_went(
    app, api, agenda, smtp, cli, clock, monkeypatch
):
    """The workshop is published; Ben's server turns away "On the agenda" (no presenter invited
    yet), and the co-lead invites Rosa meanwhile. As A's round reads what is due, B's sender
    takes Ben's news and sends it as written. A's round rewrote it in place all the same: the
    outbox said "its presenter is invited" of a message that reached Ben saying no one was.
    Now A leaves it to B: the outbox keeps what Ben read."""
    from planner.mail.messages import late

    news = turned_away_then_rosa_invited(api, agenda, smtp, cli, clock)
    read_what_is_due = late.news_behind

    def b_sends_it_meanwhile(*args):
        monkeypatch.setattr(late, "news_behind", read_what_is_due)

        def b_round():
            lease = claim(utcnow())
            assert news.id in lease
            sender_b_sends(app, lease)

        Instance(app, b_round).finish()
        return read_what_is_due(*args)

    monkeypatch.setattr(late, "news_behind", b_sends_it_meanwhile)
    for _ in range(3):
        sender_round(cli, clock)
    ben_read_what_the_outbox_keeps(smtp)


@row_locks
def test_a_late_news_another_instance_s_sender_is_taking_as_this_round_comes_is_kept_as_it_went(
    app, api, agenda, smtp, cli, clock
):
    """B's sender has leased Ben's news (not committed yet) as A's round would say it again:
    A waits for the row, finds it taken, and leaves it as written; B sends it."""
    news = turned_away_then_rosa_invited(api, agenda, smtp, cli, clock)
    b = sender_b_takes_it(app)
    a = Instance(app, a_round(cli))
    another_session_waits_for_a_lock(app)
    lease = b.finish()
    assert news.id in lease  # with Rosa's invitation
    a.finish()
    sender_b_sends(app, lease)
    ben_read_what_the_outbox_keeps(smtp)


def turned_away_then_rosa_invited(api, agenda, smtp, cli, clock):
    """The workshop published, Ben's "On the agenda" turned away for now (no presenter invited
    yet, it says), Rosa invited meanwhile, and Ben's server takes mail again: its retry is due."""
    assert publish_as_planned(api, agenda["meeting"]).status_code == 200
    smtp.refuse[BEN] = BUSY
    sender_round(cli, clock)
    (news,) = outbox(recipient_email=BEN)
    assert (news.status, news.attempts) == ("queued", 1)
    assert "no presenter invited yet" in news.text_body
    invite(api, agenda["rosa"], name="Rosa Quispe", email="rosa@indecopi.example")
    smtp.refuse.clear()
    clock.sleep(60)
    return news


def ben_read_what_the_outbox_keeps(smtp) -> None:
    """Ben got the news once, as written when it was turned away, and its outbox row says that."""
    (received,) = inbox(smtp, BEN)
    text = _part(received, "plain")
    assert "no presenter invited yet" in text
    (kept,) = outbox(recipient_email=BEN)
    assert kept.status == "sent"
    assert kept.text_body.strip() == text.replace("\r\n", "\n").strip()
