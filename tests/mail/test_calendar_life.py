"""A Rec 10 workshop's whole life, read after each step as three subscribers' calendars would
show it (helper-265)."""

from datetime import timedelta

import time_machine

from planner.db_types import utcnow
from planner.extensions import db
from planner.personal_data.retention import prune
from tests.calendar.readers import calendar_parts, read_calendar_part
from tests.mail.smtp_server import SmtpServer
from tests.mail.test_calendars_through_edits import OTHER, Walk
from tests.mail.test_message_sequences import KIM, _contact, _mine, _publish
from tests.presenters.support import confirm, invite

JUN = "jun@jpo.example"
YUKI = "yuki@jpo.example"
PAT = "pat@indecopi.example"
ROSA = "rosa@indecopi.example"
LUZ = "luz@indecopi.example"


class LifeWalk(Walk):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stamps: dict = {}
        self.requested: set = set()
        self.log: list[str] = []
        self.statuses: dict = {}  # (feed, uid) -> (STATUS, SEQUENCE) last read

    def _feed(self, feed: str, url: str) -> dict:
        events = super()._feed(feed, url)
        for uid, event in events.items():
            status, sequence = str(event["STATUS"]), int(event["SEQUENCE"])
            before = self.statuses.get((feed, uid))
            # A calendar that holds this SEQUENCE ignores a change that carries it again.
            if before is not None and before[0] != status and sequence <= before[1]:
                self._problem(f"{feed} {uid}: {before[0]} -> {status} at SEQUENCE {sequence}")
            self.statuses[(feed, uid)] = (status, sequence)
        return events

    def refresh_uids(self, meeting) -> None:
        db.session.expire_all()
        self.uids |= {s.id: s.uid for s in meeting.slots}

    def _email(self, message, shown: dict) -> None:
        (to,) = message["To"].addresses
        who = to.addr_spec
        parts = calendar_parts(message)
        if not parts:
            self.log.append(f"[{self.step_name}] {who}: {message['Subject']} (no calendar)")
            return
        _, calendar, event = read_calendar_part(parts[0])
        method, status = str(calendar["METHOD"]), str(event["STATUS"])
        uid, sequence = str(event["UID"]), int(event["SEQUENCE"])
        stamp = event["DTSTAMP"].dt
        self.log.append(
            f"[{self.step_name}] {who}: {method} {status} seq {sequence} "
            f"{event['DTSTART'].dt:%Y-%m-%d %H:%M}Z “{message['Subject']}”"
        )
        if (who, uid) in self.stamps and stamp < self.stamps[(who, uid)]:
            self._problem(f"DTSTAMP back {who} {uid}")
        self.stamps[(who, uid)] = stamp
        if method == "REQUEST":
            self.requested.add((who, uid))
        elif (who, uid) not in self.requested:
            self._problem(f"CANCEL of what {who} never got: {uid}")
        followed = "talks" if who not in (KIM, JUN) else {KIM: "AU", JUN: "JP"}[who]
        feed = shown[followed].get(uid)
        # Two messages in one step (invited, then confirmed): the feed shows the last one's.
        last = message is [m for m in self.sent if m["To"].addresses[0].addr_spec == who][-1]
        if last and feed is not None and method == "REQUEST" and str(feed["STATUS"]) != status:
            self._problem(f"{who} REQUEST {status}, {followed} feed {feed['STATUS']}: {uid}")
        before = self.mailed.get((who, uid))
        if before is not None and sequence <= before[0]:
            self._problem(f"not above {before[0]}: {who} {method} {uid} {sequence}")
        self.mailed[(who, uid)] = (sequence, method)
        if last and feed is not None and sequence < int(feed["SEQUENCE"]):
            self._problem(f"{who} {uid} {sequence} below the {followed} feed")


def _statuses(shown: dict, feed: str) -> dict:
    return {str(e["SUMMARY"]): (str(e["STATUS"]), int(e["SEQUENCE"])) for e in shown[feed].values()}


def test_a_workshop_s_life_in_three_calendars(api, slot, presenter):
    _contact("AU", "Kim", KIM)
    _contact("JP", "Jun", JUN)
    meeting_id = slot.meeting_id
    other = next(s.id for s in slot.meeting.slots if s.title == OTHER)
    third = api.post(
        f"/api/v1/meetings/{meeting_id}/slots",
        json={"title": "Indecopi's AI pilot", "office": "PE", "duration_minutes": 20},
    ).get_json()["id"]
    server = SmtpServer().start()
    try:
        walk = LifeWalk(api, presenter, slot, server)
        with time_machine.travel(utcnow(), tick=True) as clock:

            def step(name):
                clock.shift(timedelta(minutes=2))
                walk.refresh_uids(_mine(slot.id).meeting)
                shown = walk.step(name)
                return shown

            _publish(api, slot)
            step("published")
            alex = invite(api, _mine(slot.id))
            invite(api, _mine(other), name="Yuki", email=YUKI, time_zone="Asia/Tokyo")
            pat = invite(api, _mine(third), name="Pat", email=PAT, time_zone="America/Lima")
            step("invited")
            assert confirm(presenter, alex).status_code == 302
            step("Alex confirms")
            gone = presenter.post(pat + "/answer", data={"answer": "declined", "note": "Away."})
            assert gone.status_code == 302
            step("Pat declines")
            rosa = invite(api, _mine(third), name="Rosa", email=ROSA, time_zone="America/Lima")
            step("Rosa invited")
            assert confirm(presenter, rosa).status_code == 302
            step("Rosa confirms")
            moved = api.patch(
                f"/api/v1/meetings/{meeting_id}", json={"starts_at": "2027-03-30T13:00:00+02:00"}
            )
            assert moved.status_code == 200, moved.get_json()
            shown = step("moved across DST")
            shorter = api.patch(f"/api/v1/slots/{slot.id}", json={"duration_minutes": 15})
            assert shorter.status_code == 200
            shown = step("shortened")
            assert confirm(presenter, alex).status_code == 302
            step("Alex confirms again")
            assert confirm(presenter, rosa).status_code == 302
            step("Rosa confirms again")
            cancel = api.patch(f"/api/v1/slots/{third}", json={"status": "cancelled"})
            assert cancel.status_code == 200
            step("PE slot cancelled")
            back = api.post(
                f"/api/v1/meetings/{meeting_id}/slots",
                json={"title": "Indecopi's AI pilot", "office": "PE", "duration_minutes": 20},
            ).get_json()["id"]
            luz = invite(api, _mine(back), name="Luz", email=LUZ, time_zone="America/Lima")
            assert confirm(presenter, luz).status_code == 302
            step("PE slot back")
            end = _mine(slot.id).meeting.ends_at
            clock.move_to(end + timedelta(minutes=5))
            before = {f: _statuses(shown, f) for f in shown}
            shown = step("took place")
            # Nothing is mailed once it took place; the talk given unconfirmed is presented in
            # every calendar holding it, as its agenda says, counted as a change of its event.
            assert walk.sent == []
            for feed in shown:
                assert "TENTATIVE" not in {s for s, _ in _statuses(shown, feed).values()}, feed
                if OTHER in before[feed]:
                    assert _statuses(shown, feed)[OTHER] == (
                        "CONFIRMED",
                        before[feed][OTHER][1] + 1,
                    )
            programme = str(next(iter(shown["taskforce"].values()))["DESCRIPTION"])
            assert "to be confirmed" not in programme
            # The talk given unconfirmed, and one confirmed, recorded as not given.
            for not_given in (other, back):
                answer = api.patch(f"/api/v1/slots/{not_given}", json={"status": "cancelled"})
                assert answer.status_code == 200, answer.get_json()
            shown = step("recorded not given")
            clock.move_to(end + timedelta(days=181))
            prune(utcnow(), timedelta(days=180))
            db.session.commit()
            shown = step("retention")
    finally:
        server.stop()
    assert walk.problems == []
