"""A meeting's history: every change of it and its slots, recorded once as it commits, whoever
made it (a co-lead's page or token, the presenter's link, a command), shown to co-leads only."""

import html
import re

from sqlalchemy import func, select

from planner.agenda.models import MeetingChange, Slot
from planner.extensions import db
from tests.presenters.support import before_the_meeting as before_the_meeting
from tests.presenters.support import confirm, invite
from tests.presenters.support import presenter as presenter
from tests.presenters.support import slot as slot
from tests.support import (
    COLEAD_EMAIL,
    counted_queries,
    csrf_token,
    form_in,
    form_of,
    publish_as_planned,
)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def changes(slot_id: int, what: str) -> list[MeetingChange]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(MeetingChange)
            .where(MeetingChange.slot_id == slot_id, MeetingChange.what == what)
            .order_by(MeetingChange.id)
        )
    )


def lengthened(slot, count: int, by_kind: str = "colead") -> None:
    """`count` lines of the slot's length changed by the co-lead, stored at once: a long history."""
    db.session.execute(
        MeetingChange.__table__.insert(),
        [
            {
                "meeting_id": slot.meeting_id,
                "at": slot.created_at,
                "by_kind": by_kind,
                "by": COLEAD_EMAIL,
                "slot_id": slot.id,
                "slot_title": slot.title,
                "office_code": "AU",
                "what": "length",
                "before": str(n),
                "after": str(n + 1),
            }
            for n in range(count)
        ],
    )
    db.session.commit()


def test_a_move_a_confirmation_and_an_api_change_are_each_recorded_once(api, slot, presenter):
    edit = f"/slots/{slot.id}/edit"
    form = form_of(api, edit)
    form["start"] = ["13:30"]
    assert api.post(edit, data=form).status_code == 302
    (moved,) = changes(slot.id, "time")
    assert (moved.by_kind, moved.by) == ("colead", COLEAD_EMAIL)
    assert (moved.before, moved.after) == ("2027-03-09T12:10:00+00:00", "2027-03-09T12:30:00+00:00")
    assert (moved.office_code, moved.slot_title) == ("AU", slot.title)

    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    (invited,) = changes(slot.id, "presenter")
    assert (invited.by_kind, invited.after) == ("colead", "invited")
    (status,) = changes(slot.id, "status")
    assert (status.by_kind, status.before, status.after) == ("presenter", "invited", "confirmed")
    assert status.by == ""  # the presenter is never named

    patched = api.patch(f"/api/v1/slots/{slot.id}", json={"duration_minutes": 30})
    assert patched.status_code == 200
    (length,) = changes(slot.id, "length")
    assert (length.by_kind, length.by, length.before, length.after) == (
        "api",
        COLEAD_EMAIL,
        "20",
        "30",
    )

    page = text(api.get(f"/meetings/{slot.meeting_id}/edit"))
    history = page.split('id="history-heading"', 1)[1]
    assert f"{COLEAD_EMAIL} (co-lead) · AU: {slot.title}: time 9 Mar 2027 13:10 → 13:30" in history
    assert f"by the presenter · AU: {slot.title}: status invited → confirmed" in history
    assert f"{COLEAD_EMAIL} (co-lead, API) · AU: {slot.title}: length 20 → 30 min" in history
    assert "times in Geneva" in history
    # Latest first.
    assert history.index("length 20") < history.index("status invited → confirmed")


def test_the_presenter_erased_leaves_no_name_in_the_history(api, cli, slot, presenter):
    link = invite(api, slot, name="Eva Quispe", email="eva@ipaustralia.example")
    assert confirm(presenter, link).status_code == 302
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "proposed"}).status_code == 200
    erased = cli.invoke(
        args=["personal-data", "erase", "--email", "eva@ipaustralia.example", "--yes"]
    )
    assert erased.exit_code == 0, erased.output
    db.session.expire_all()
    rows = db.session.scalars(select(MeetingChange)).all()
    kept = " ".join(f"{r.by} {r.slot_title} {r.before} {r.after}" for r in rows)
    assert "status" in {r.what for r in rows}
    assert "Eva" not in kept and "ipaustralia" not in kept and "/presenter/" not in kept
    page = text(api.get(f"/meetings/{slot.meeting_id}/history"))
    assert "by the presenter" in page and "Eva" not in page and "eva@" not in page


def test_another_co_lead_reads_the_history_and_no_one_else(api, app, client, slot, presenter):
    from planner.accounts.models import User
    from tests.support import sign_in

    other = User(email="lee@wipo.example", role="colead")
    other.set_password("another long pass phrase 42")
    db.session.add(other)
    db.session.commit()
    other_client = app.test_client()
    sign_in(other_client, "lee@wipo.example", "another long pass phrase 42")
    url = f"/meetings/{slot.meeting_id}/history"
    assert other_client.get(url).status_code == 200
    assert slot.title in text(other_client.get(url))
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert slot.title not in text(client.get(f"/meetings/{slot.meeting_id}"))
    assert api.get(f"/meetings/{slot.meeting_id + 1000}/history").status_code == 404


def test_the_editor_reads_its_history_in_a_few_statements(api, slot):
    meeting_id = slot.meeting_id
    lengthened(slot, 200)
    with counted_queries() as few:
        page = api.get(f"/meetings/{meeting_id}/edit")
    with counted_queries() as more:
        third = api.get(f"/meetings/{meeting_id}/history?page=3")
    assert page.status_code == 200
    assert len(re.findall(r"length \d+ → \d+ min", text(page))) == 50
    assert "The last 50:" in text(page)
    # A later page's lines go on numbering from the page before: the third starts at 101.
    assert '<ol class="history" start="101">' in text(third)
    changed = [s for s in few if "meeting_changes" in s]
    assert len(changed) == 1, changed
    assert len([s for s in more if "meeting_changes" in s]) == 2  # counted, then read
    assert db.session.scalar(select(func.count()).select_from(MeetingChange)) >= 200


def test_nothing_is_recorded_of_a_change_undone(api, slot):
    before = db.session.scalar(select(func.count()).select_from(MeetingChange))
    title = slot.title
    same = db.session.get(Slot, slot.id)
    same.title = "Renamed"
    db.session.flush()
    same.title = title
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(MeetingChange)) == before


def test_the_history_goes_retention_days_after_the_meeting_ended(api, slot):
    from datetime import timedelta

    from planner.personal_data.retention import prune

    assert api.patch(f"/api/v1/slots/{slot.id}", json={"duration_minutes": 25}).status_code == 200
    days = timedelta(days=180)
    ended = slot.meeting.ends_at
    prune(ended + days - timedelta(hours=1), days)
    db.session.commit()
    assert changes(slot.id, "length")
    prune(ended + days + timedelta(hours=1), days)
    db.session.commit()
    assert not changes(slot.id, "length")


def test_an_erased_co_lead_is_a_former_co_lead_in_the_history(api, slot):
    from planner.personal_data.coleads import ERASED_COLEAD, anonymise, traces_of

    assert api.patch(f"/api/v1/slots/{slot.id}", json={"duration_minutes": 25}).status_code == 200
    traces = [t for t in traces_of(COLEAD_EMAIL) if t.kept.column is MeetingChange.by]
    assert traces and traces[0].described()["what"] == "meeting or slot changed"
    anonymise(traces, COLEAD_EMAIL)
    db.session.commit()
    (length,) = changes(slot.id, "length")
    assert length.by == ERASED_COLEAD


def test_a_commit_writes_its_lines_in_one_statement(api, slot):
    """The meeting's line, a slot with an office and one without (the opening discussion) have
    NULLs in different columns: still one INSERT."""
    opening = next(s for s in slot.meeting.slots if s.office_code is None)
    slot.meeting.title, slot.title, opening.title = "Renamed", "Retitled", "Welcome"
    with counted_queries() as sent:
        db.session.commit()
    inserts = [s for s in sent if s.startswith("INSERT INTO meeting_changes")]
    assert len(inserts) == 1, inserts
    titles = select(MeetingChange).where(MeetingChange.what == "title")
    assert len(db.session.scalars(titles).all()) == 3


def test_a_meeting_moved_is_one_line_not_one_per_slot(api, slot):
    """Its slots move with it: the meeting's line says so; a slot is named when it moved on
    its own."""
    moved = api.patch(
        f"/api/v1/meetings/{slot.meeting_id}", json={"starts_at": "2027-03-10T13:00:00+01:00"}
    )
    assert moved.status_code == 200, moved.get_json()
    db.session.expire_all()
    times = db.session.scalars(select(MeetingChange).where(MeetingChange.what == "time")).all()
    assert [(c.slot_id, c.before, c.after) for c in times] == [
        (None, "2027-03-09T12:00:00+00:00", "2027-03-10T12:00:00+00:00")
    ]
    assert db.session.get(Slot, slot.id).starts_at.isoformat() == "2027-03-10T12:10:00+00:00"
    page = text(api.get(f"/meetings/{slot.meeting_id}/history"))
    assert "meeting time 9 Mar 2027 13:00 → 10 Mar 2027 13:00" in page


def test_who_invited_the_presenter_again_or_another_and_who_revoked_their_link(
    api, slot, presenter
):
    """Inviting again leaves the slot invited, and a revoked link changes no status: each is a
    line of its own, which never names the presenter; the first invitation is one line, not
    also "status proposed → invited"."""
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    invite(api, slot)  # the same person, a new link
    invite(api, slot, name="Kim Other", email="kim@ipaustralia.example")
    url = f"/slots/{slot.id}/invitation/revoke"
    revoked = api.post(url, data=form_in(api.get(url).get_data(as_text=True), 'name="link_seen"'))
    assert revoked.status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(
        select(MeetingChange)
        .where(MeetingChange.slot_id == slot.id, MeetingChange.what.in_(("presenter", "status")))
        .order_by(MeetingChange.id)
    ).all()
    assert [(r.by_kind, r.what, r.after) for r in rows] == [
        ("colead", "presenter", "invited"),
        ("presenter", "status", "confirmed"),
        ("colead", "presenter", "invited again"),
        ("colead", "presenter", "another invited"),
        ("colead", "presenter", "link revoked"),
    ]
    page = text(api.get(f"/meetings/{slot.meeting_id}/history"))
    for said in (
        "presenter invited",
        "presenter invited again, with a new link",
        "another presenter invited in their place",
        "presenter's link revoked",
    ):
        assert f"{COLEAD_EMAIL} (co-lead) · AU: {slot.title}: {said}</li>" in page
    assert "Kim" not in page and "Alex" not in page and "ipaustralia" not in page


def test_the_same_presenter_at_a_corrected_address_is_not_another_presenter(api, slot):
    """helper-309: Ola Nowak, invited at a mistyped address and invited again under her name at
    the right one, read in the history as "another presenter invited in their place". The
    same name at another address is the same person, their address corrected (README), which
    the line says, naming neither her nor either address; spaces and capitals in the name do
    not make another person, another name does."""
    invite(api, slot, name="Ola Nowak", email="pl@example.org")
    invite(api, slot, name=" ola  nowak ", email="ola.nowak@example.org")
    invite(api, slot, name="Kim Other", email="kim@ipaustralia.example")
    # Her link handed over by hand, then an address given again: no address was corrected.
    invite(api, slot, name="Kim Other", email="")
    invite(api, slot, name="Kim Other", email="kim@ipaustralia.example")
    db.session.expire_all()
    rows = db.session.scalars(
        select(MeetingChange)
        .where(MeetingChange.slot_id == slot.id, MeetingChange.what == "presenter")
        .order_by(MeetingChange.id)
    ).all()
    assert [r.after for r in rows] == [
        "invited",
        "address corrected",
        "another invited",
        "invited again",
        "invited again",
    ]
    page = text(api.get(f"/meetings/{slot.meeting_id}/history"))
    said = "presenter's address corrected, invited again there with a new link"
    assert f"{COLEAD_EMAIL} (co-lead) · AU: {slot.title}: {said}</li>" in page
    assert page.count("another presenter invited in their place") == 1
    for private in ("Ola", "Nowak", "pl@example", "ola.nowak", "Kim"):
        assert private not in page


def test_what_the_history_says_of_a_presenter_invited_again_is_what_they_were_told(api, slot):
    """helper-323: Ola Nowak, invited at pl@example.org, invited again under her name with no
    address (the link handed over in person): the history said "invited again, with a new
    link", while `invite` wrote to pl@ "Address corrected: … now goes to another address" and
    her old link said so. Both decide by one rule (`presenters.models.reinvited`): what the
    history says of each invitation is what the address before was told."""
    from planner.mail.models import OutboxMessage
    from planner.presenters.models import HandedOverLink

    told = {
        "address corrected": "Address corrected: ",
        "another invited": "You no longer present: ",
        "invited again": "Link replaced: ",
    }
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot, name="Ola Nowak", email="pl@example.org")
    was = "pl@example.org"
    for name, email, said in (
        ("Ola Nowak", "", "invited again"),  # the new link handed over in person
        ("Ola Nowak", "pl@example.org", "invited again"),
        ("Ola Nowak", "ola.nowak@example.org", "address corrected"),
        ("Kim Other", "kim@ipaustralia.example", "another invited"),
    ):
        for message in db.session.scalars(select(OutboxMessage)):
            message.status = "sent"  # each message reached its address
        db.session.commit()
        handed_before = db.session.scalar(select(func.count(HandedOverLink.id)))
        invite(api, slot, name=name, email=email)
        db.session.expire_all()
        line = db.session.scalars(
            select(MeetingChange.after)
            .where(MeetingChange.slot_id == slot.id, MeetingChange.what == "presenter")
            .order_by(MeetingChange.id.desc())
        ).first()
        assert line == said
        written = db.session.scalars(
            select(OutboxMessage.subject).where(
                OutboxMessage.recipient_email == was,
                OutboxMessage.kind == "cancellation",
                OutboxMessage.status != "sent",
            )
        ).all()
        assert written == ([told[said] + slot.title] if was else []), said
        # Opened again, the old link says it went to someone else, or its address was
        # corrected; invited again, it says what any link replaced says.
        handed = db.session.scalars(
            select(HandedOverLink.readdressed).order_by(HandedOverLink.id)
        ).all()[handed_before:]
        assert handed == ([] if said == "invited again" else [said == "address corrected"])
        was = email


def test_another_name_at_the_same_address_is_another_presenter(api, slot):
    """helper-326: Rosa Quispe invited at her office's shared mailbox, then Ben Other at the same
    one: the history said "presenter invited again, with a new link", though her slides left
    the agenda as someone else's and her old link says someone else was invited. A person is
    their name: another name is another presenter, at the same address or with none either
    time; the same name at the same address, invited again."""
    shared = "ict@ipaustralia.example"
    invite(api, slot, name="Rosa Quispe", email=shared)
    invite(api, slot, name="Ben Other", email=shared)
    invite(api, slot, name="Ben Other", email=shared)
    invite(api, slot, name="Ben Other", email="")
    invite(api, slot, name="Ana Other", email="")
    rows = changes(slot.id, "presenter")
    assert [r.after for r in rows] == [
        "invited",
        "another invited",
        "invited again",
        "invited again",
        "another invited",
    ]
    page = text(api.get(f"/meetings/{slot.meeting_id}/history"))
    said = "another presenter invited in their place"
    assert page.count(f"{COLEAD_EMAIL} (co-lead) · AU: {slot.title}: {said}</li>") == 2
    for private in ("Rosa", "Ben", "Ana", "ict@"):
        assert private not in page


def test_a_meeting_length_a_co_lead_set_and_its_description_are_recorded(api, slot):
    """A length given (pinned) and a description edited are a co-lead's changes of the meeting;
    a length that follows its slots is not (their lines say what moved)."""
    meeting_id = slot.meeting_id
    set_length = api.patch(
        f"/api/v1/meetings/{meeting_id}",
        json={"duration_minutes": 150, "description": "Bring your questions on AI."},
    )
    assert set_length.status_code == 200, set_length.get_json()
    page = text(api.get(f"/meetings/{meeting_id}/history"))
    assert re.search(r"meeting length \d+ → 150 min", page), page
    assert "description edited" in page
    assert "Bring your questions" not in page  # typed text is said changed, not quoted

    follows = api.patch(f"/api/v1/meetings/{meeting_id}", json={"duration_pinned": False})
    assert follows.status_code == 200, follows.get_json()
    longer = api.patch(f"/api/v1/slots/{slot.id}", json={"duration_minutes": 45})
    assert longer.status_code == 200, longer.get_json()
    db.session.expire_all()
    followed = api.get(f"/api/v1/meetings/{meeting_id}").get_json()["duration_minutes"]
    assert followed != 150  # the meeting's length did change, with its slot
    lengths = db.session.scalars(
        select(MeetingChange)
        .where(MeetingChange.meeting_id == meeting_id, MeetingChange.what == "length")
        .order_by(MeetingChange.id)
    ).all()
    # The co-lead's 150, then the slot's own line: none for the meeting following it.
    assert [(c.slot_id, c.after) for c in lengths] == [(None, "150"), (slot.id, "45")]


def test_a_script_reads_the_history_with_a_token_as_the_page_says_it(api, client, slot, presenter):
    """`GET /api/v1/meetings/<id>/history`: each line with when (in the home zone, with its
    offset), who (never the presenter), which slot, before and after as recorded (times in the
    home zone too) and what the page says; latest first."""
    meeting_id = slot.meeting_id
    link = invite(api, slot, name="Eva Quispe", email="eva@ipaustralia.example")
    assert confirm(presenter, link).status_code == 302
    edit = f"/slots/{slot.id}/edit"
    form = form_of(api, edit)
    form["start"] = ["13:30"]
    assert api.post(edit, data=form).status_code == 302

    answer = api.get(f"/api/v1/meetings/{meeting_id}/history")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert {k: body[k] for k in ("count", "page", "pages", "per_page", "next", "previous")} == {
        "count": len(body["changes"]),
        "page": 1,
        "pages": 1,
        "per_page": 100,
        "next": None,
        "previous": None,
    }
    listed = body["changes"]
    assert [c["id"] for c in listed] == sorted((c["id"] for c in listed), reverse=True)
    jp, au = slot.id + 1, slot.id
    said = [(c["what"], c["slot"] and c["slot"]["id"], c["before"], c["after"]) for c in listed]
    # Latest first. The move (its lines in no order of their own): the talk moved, pinned 30
    # minutes after the meeting's start, is to be confirmed again, and the JP talk after it
    # follows.
    assert set(said[:4]) == {
        ("time", jp, "2027-03-09T13:30:00+01:00", "2027-03-09T13:50:00+01:00"),
        ("status", au, "confirmed", "invited"),
        ("time", au, "2027-03-09T13:10:00+01:00", "2027-03-09T13:30:00+01:00"),
        ("fixed start", au, None, "30"),
    }
    assert said[4:6] == [("status", au, "invited", "confirmed"), ("presenter", au, None, "invited")]
    assert set(said[6:9]) == {
        ("created", jp, None, "2027-03-09T13:30:00+01:00"),
        ("created", au, None, "2027-03-09T13:10:00+01:00"),
        ("created", au - 1, None, "2027-03-09T13:00:00+01:00"),
    }
    assert said[9:] == [("created", None, None, None)]
    moved = next(c for c in listed[:4] if c["what"] == "time" and c["slot"]["id"] == au)
    pinned = next(c for c in listed[:4] if c["what"] == "fixed start")
    assert pinned["said"] == "start pinned"
    confirmed, created = listed[4], listed[-1]
    assert re.fullmatch(r"2026-12-01T\d\d:\d\d:\d\d(\.\d+)?\+01:00", moved["at"]), moved["at"]
    assert moved["by"] == {"kind": "colead", "name": COLEAD_EMAIL, "api": False}
    assert moved["slot"] == {"id": slot.id, "title": slot.title, "office": "AU"}
    assert moved["said"] == "time 9 Mar 2027 13:10 → 13:30"
    assert confirmed["by"] == {"kind": "presenter", "name": None, "api": False}
    assert confirmed["said"] == "status invited → confirmed"
    assert listed[5]["said"] == "presenter invited"
    assert created["by"] == {"kind": "colead", "name": COLEAD_EMAIL, "api": True}
    assert created["said"] == "meeting created"
    assert "Eva" not in answer.text and "ipaustralia" not in answer.text
    assert "/presenter/" not in answer.text
    # The page says each line alike.
    page = text(api.get(f"/meetings/{meeting_id}/history"))
    for change in body["changes"]:
        assert f"{change['said']}</li>" in page

    assert client.get(f"/api/v1/meetings/{meeting_id}/history").status_code == 401
    assert api.get(f"/api/v1/meetings/{meeting_id + 1000}/history").status_code == 404


def test_a_read_only_token_reads_a_draft_s_history(app, colead, slot):
    from planner.accounts.models import ApiToken

    token = ApiToken.issue(colead, "audit trail", read_only=True)
    db.session.commit()
    reader = app.test_client(use_cookies=False)
    answer = reader.get(
        f"/api/v1/meetings/{slot.meeting_id}/history",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.get_json()
    assert slot.meeting.status == "draft"
    assert answer.get_json()["changes"]


def test_the_history_api_comes_a_page_at_a_time_in_two_statements(api, slot):
    """As every API listing: ?page= and ?per_page= (at most 500), `next` and `previous` with the
    query kept, a page past the last 404, the headers of the co-leads' answers; counted, then
    the page read, however long the page."""
    meeting_id = slot.meeting_id
    lengthened(slot, 250, by_kind="api")
    url = f"/api/v1/meetings/{meeting_id}/history"
    total = db.session.scalar(
        select(func.count())
        .select_from(MeetingChange)
        .where(MeetingChange.meeting_id == meeting_id)
    )
    statements = {}
    for size in (5, 100):
        with counted_queries() as sent:
            answer = api.get(f"{url}?per_page={size}&page=2")
        assert answer.status_code == 200, answer.get_json()
        statements[size] = sent
        body = answer.get_json()
        assert len(body["changes"]) == size
        assert (body["count"], body["page"], body["per_page"]) == (total, 2, size)
        assert body["previous"] == f"{url}?per_page={size}&page=1"
        assert body["next"] == (f"{url}?per_page={size}&page=3" if size * 2 < total else None)
    assert body["changes"][0]["said"] == "length 149 → 150 min"
    assert len([s for s in statements[100] if "meeting_changes" in s]) == 2  # counted, read
    assert len(statements[100]) == len(statements[5])

    assert api.get(f"{url}?per_page=501").status_code == 400
    assert api.get(f"{url}?per_page=1&per_page=500").status_code == 400
    assert api.get(f"{url}?page=0").status_code == 400
    assert api.get(f"{url}?page=99").status_code == 404
    # The headers of the co-leads' listings: kept in no shared cache, read by no other site.
    short, listed = api.get(f"{url}?per_page=1"), api.get("/api/v1/proposals")
    for name in ("Cache-Control", "Vary", "Access-Control-Allow-Origin", "Link"):
        assert short.headers.get(name) == listed.headers.get(name), name
    assert short.headers["Cache-Control"] == "private, no-store"


def test_every_change_of_a_status_reads_in_words(api, slot):
    """A meeting's status and a slot's (the presenter's request for another time too), from each
    to each other, before the meeting and once it took place: said in words, as "meeting
    published" is, never as the stored values ("meeting cancelled → draft", "another_time")."""
    from datetime import UTC, datetime

    from planner.agenda.history import lines
    from planner.agenda.models import MEETING_STATUSES, SLOT_STATUSES
    from planner.presenters.models import Answer

    meeting = slot.meeting
    before_it, once_over = datetime(2027, 1, 4, tzinfo=UTC), datetime(2027, 4, 1, tzinfo=UTC)
    assert before_it < meeting.starts_at and meeting.ends_at < once_over

    def said(before, after, at=before_it, slot_id=None) -> str:
        change = MeetingChange(
            at=at, by_kind="colead", by=COLEAD_EMAIL, slot_id=slot_id, slot_title="Talk",
            office_code="AU", what="status", before=before, after=after,
        )  # fmt: skip
        return lines(meeting, [change])[0].said

    meeting_said = {
        (before, after): said(before, after)
        for before in MEETING_STATUSES
        for after in MEETING_STATUSES
        if before != after
    }
    assert meeting_said == {
        ("draft", "published"): "meeting published",
        ("published", "cancelled"): "meeting cancelled",
        ("draft", "cancelled"): "meeting cancelled",
        ("cancelled", "published"): "meeting brought back",
        ("cancelled", "draft"): "meeting brought back (as a draft)",
        ("published", "draft"): "meeting made a draft again",
    }
    words = {**{s: str(s) for s in SLOT_STATUSES}, Answer.another_time: "asked for another time"}
    assert said(None, Answer.another_time, slot_id=slot.id) == "asked for another time"
    for before in words:
        for after in words:
            for at in (before_it, once_over):
                if before == after:
                    continue
                line = said(before, after, at, slot.id)
                assert "_" not in line and "none" not in line.lower(), (before, after, line)
                assert f"{words[before]} → {words[after]}" in line, (before, after, line)


def test_a_cancelled_meeting_made_a_draft_by_a_command_is_said_brought_back(api, slot):
    """The pages refuse it; `flask shell` may do it, and its history says so in words."""
    meeting_id = slot.meeting_id
    assert api.post(f"/api/v1/meetings/{meeting_id}/publish").status_code == 200
    assert api.delete(f"/api/v1/meetings/{meeting_id}").get_json()["result"] == "cancelled"
    db.session.expire_all()
    slot.meeting.status = "draft"
    db.session.commit()
    said = [c["said"] for c in api.get(f"/api/v1/meetings/{meeting_id}/history").json["changes"]]
    assert said[:3] == [
        "meeting brought back (as a draft)",
        "meeting cancelled",
        "meeting published",
    ]
    page = text(api.get(f"/meetings/{meeting_id}/history"))
    assert "meeting brought back (as a draft)</li>" in page


def meeting_lines(meeting_id: int, *whats: str) -> list[tuple]:
    """The meeting's own lines of these fields, oldest first: (who, what, before, after)."""
    db.session.expire_all()
    rows = db.session.scalars(
        select(MeetingChange)
        .where(MeetingChange.meeting_id == meeting_id, MeetingChange.what.in_(whats))
        .order_by(MeetingChange.id)
    )
    return [(r.by_kind, r.what, r.slot_id, r.before, r.after) for r in rows]


def test_a_meeting_s_kind_focus_freeze_and_when_its_materials_are_public_are_recorded(api, slot):
    """What a co-lead sets on the meeting's form or through the API, before → after, in one
    INSERT for the save."""
    meeting_id = slot.meeting_id
    with counted_queries() as sent:
        patched = api.patch(
            f"/api/v1/meetings/{meeting_id}",
            json={
                "kind": "taskforce",
                "recommendation": 10,
                "freeze_on": "2027-03-01",
                "materials_public": "now",
            },
        )
    assert patched.status_code == 200, patched.get_json()
    assert len([s for s in sent if s.startswith("INSERT INTO meeting_changes")]) == 1
    settings = ("kind", "recommendation", "programme freeze", "materials public")
    assert set(meeting_lines(meeting_id, *settings)) == {
        ("api", "kind", None, "workshop", "taskforce"),
        ("api", "recommendation", None, None, "10"),
        ("api", "programme freeze", None, None, "2027-03-01"),
        ("api", "materials public", None, "after", "now"),
    }
    again = {"recommendation": None, "freeze_on": "2027-02-26", "materials_public": "never"}
    assert api.patch(f"/api/v1/meetings/{meeting_id}", json=again).status_code == 200
    page = text(api.get(f"/meetings/{meeting_id}/history"))
    for said in (
        "kind workshop → Task Force meeting",
        "recommendation none → 10",
        "recommendation 10 → none",
        "programme freeze none → 1 Mar 2027",
        "programme freeze 1 Mar 2027 → 26 Feb 2027",
        "slides and recordings public after the meeting → as soon as added",
        "slides and recordings public as soon as added → never",
    ):
        assert f"{COLEAD_EMAIL} (co-lead, API) · {said}</li>" in page, said
    listed = api.get(f"/api/v1/meetings/{meeting_id}/history").get_json()["changes"]
    freeze = next(c for c in listed if c["what"] == "programme freeze")
    assert (freeze["before"], freeze["after"]) == ("2027-03-01", "2027-02-26")  # a day, no zone


def test_the_participating_offices_and_the_series_a_co_lead_chose_are_recorded(api, slot):
    """On the editor's page: the offices chosen, changed (which added, which removed) and
    cleared (the survey's respondents take part); the series it joined, by its title."""
    meeting_id = slot.meeting_id
    edit, url = f"/meetings/{meeting_id}/edit", f"/meetings/{meeting_id}/offices"
    for offices in (["PE", "AU"], ["AU", "JP", "BR"], []):
        sent = {"csrf_token": csrf_token(api, edit), "offices": offices}
        assert api.post(url, data=sent).status_code == 302
    assert meeting_lines(meeting_id, "offices") == [
        ("colead", "offices", None, "", "AU, PE"),
        ("colead", "offices", None, "AU, PE", "AU, BR, JP"),
        ("colead", "offices", None, "AU, BR, JP", ""),
    ]
    form = form_in(api.get(edit).get_data(as_text=True), 'name="new_series"')
    form["new_series"] = ["Rotating 2027"]
    assert api.post(edit, data=form).status_code == 302
    form = form_in(api.get(edit).get_data(as_text=True), 'name="new_series"')
    assert api.post(edit, data=form).status_code == 302  # saved as it is: no line
    assert meeting_lines(meeting_id, "series") == [
        ("colead", "series", None, None, "Rotating 2027")
    ]
    page = text(api.get(f"/meetings/{meeting_id}/history"))
    for said in (
        "participating offices chosen: AU, PE",
        "participating offices: BR, JP added; PE removed",
        "participating offices cleared: the survey's respondents take part",
        "series none → “Rotating 2027”",
    ):
        assert f"{COLEAD_EMAIL} (co-lead) · {said}</li>" in page, said


def test_a_length_let_follow_the_slots_and_pinned_again_is_recorded(api, slot):
    """Unpinned, the meeting's length follows its slots (their lines say how): that it does is
    the meeting's line; pinned again at the length it has, that it is pinned."""
    meeting_id = slot.meeting_id
    url = f"/api/v1/meetings/{meeting_id}"
    assert api.patch(url, json={"duration_pinned": False}).status_code == 200
    length = api.get(url).get_json()["duration_minutes"]
    assert api.patch(url, json={"duration_minutes": length}).status_code == 200
    assert api.patch(url, json={"duration_pinned": False}).status_code == 200
    # Pinned at another length: its length's line says so, no line more.
    assert api.patch(url, json={"duration_minutes": length + 30}).status_code == 200
    assert meeting_lines(meeting_id, "length pinned", "length") == [
        ("api", "length pinned", None, "true", "false"),
        ("api", "length pinned", None, "false", "true"),
        ("api", "length pinned", None, "true", "false"),
        ("api", "length", None, str(length), str(length + 30)),
    ]
    said = [c["said"] for c in api.get(f"{url}/history").get_json()["changes"]]
    assert said[:4] == [
        f"meeting length {length} → {length + 30} min",
        "meeting length follows its slots",
        "meeting length pinned",
        "meeting length follows its slots",
    ]


def test_a_slot_s_proposal_and_fixed_start_are_recorded(api, slot):
    """Its proposal linked and unlinked (by number: the proposal names its volunteer); its
    start pinned and let follow the slot before, each a line beside the time it moved to."""
    from tests.support import accepted_proposal

    proposal = accepted_proposal("AU")
    url = f"/api/v1/slots/{slot.id}"
    assert api.patch(url, json={"proposal_id": proposal.id}).status_code == 200
    assert api.patch(url, json={"proposal_id": None}).status_code == 200
    assert api.patch(url, json={"offset_minutes": 15}).status_code == 200
    assert api.patch(url, json={"offset_minutes": 20}).status_code == 200  # pinned still
    assert api.patch(url, json={"offset_minutes": None}).status_code == 200
    assert [(c.before, c.after) for c in changes(slot.id, "proposal")] == [
        (None, str(proposal.id)),
        (str(proposal.id), None),
    ]
    assert [(c.before, c.after) for c in changes(slot.id, "fixed start")] == [
        (None, "15"),
        ("20", None),
    ]
    assert len(changes(slot.id, "time")) == 3
    page = text(api.get(f"/meetings/{slot.meeting_id}/history"))
    at = f"{COLEAD_EMAIL} (co-lead, API) · AU: {slot.title}: "
    for said in (
        f"linked proposal none → #{proposal.id}",
        f"linked proposal #{proposal.id} → none",
        "start pinned",
        "start follows the slot before",
    ):
        assert f"{at}{said}</li>" in page, said
    assert "Wen Li" not in page and proposal.title not in page


def test_materials_added_and_removed_are_recorded_without_their_names_or_links(
    app, api, slot, presenter
):
    """Slides and links on a slot, by a co-lead or its presenter, and the meeting's own
    recording: said by kind and format, never by the file's name (which may name the
    presenter) nor the link's address."""
    from planner.materials.models import Material
    from tests.materials.files import PDF
    from tests.materials.test_materials import colead_upload, presenter_upload

    link = invite(api, slot, name="Eva Quispe", email="eva@ipaustralia.example")
    assert colead_upload(api, slot, "Quispe talk.pdf", PDF).status_code == 302
    recording = {"url": "https://video.example/quispe-recording", "kind": "recording"}
    token = link.removeprefix("/presenter/")
    assert presenter_upload(presenter, token, **recording).status_code == 302
    archive = f"/meetings/{slot.meeting_id}/archive"
    whole = {
        "csrf_token": csrf_token(api, archive),
        "meeting-material-url": "https://video.example/whole-day",
        "meeting-material-kind": "recording",
    }
    assert api.post(f"/meetings/{slot.meeting_id}/materials", data=whole).status_code == 302
    db.session.expire_all()
    pdf, link_added = db.session.scalars(
        select(Material).where(Material.slot_id == slot.id).order_by(Material.id)
    ).all()
    token = csrf_token(api, f"/slots/{slot.id}/edit")
    removed = api.post(
        f"/materials/{pdf.id}/remove", data={"csrf_token": token, "confirmed": "yes"}
    )
    assert removed.status_code == 302
    removed = presenter.post(f"{link}/materials/{link_added.id}/remove", data={"confirmed": "yes"})
    assert removed.status_code == 302
    assert [(c.by_kind, c.before, c.after) for c in changes(slot.id, "material")] == [
        ("colead", None, "slides (PDF)"),
        ("presenter", None, "recording link"),
        ("colead", "slides (PDF)", None),
        ("presenter", "recording link", None),
    ]
    assert meeting_lines(slot.meeting_id, "material")[2] == (
        "colead",
        "material",
        None,
        None,
        "recording link",
    )
    page = text(api.get(f"/meetings/{slot.meeting_id}/history"))
    for said in (
        f"{COLEAD_EMAIL} (co-lead) · AU: {slot.title}: slides (PDF) added",
        f"by the presenter · AU: {slot.title}: recording link added",
        f"{COLEAD_EMAIL} (co-lead) · AU: {slot.title}: slides (PDF) removed",
        f"by the presenter · AU: {slot.title}: recording link removed",
        f"{COLEAD_EMAIL} (co-lead) · recording link added",
    ):
        assert f"{said}</li>" in page, said
    listed = page.split('<ol class="history"', 1)[1].split("</ol>", 1)[0]
    answer = api.get(f"/api/v1/meetings/{slot.meeting_id}/history").text
    for private in ("Quispe", "video.example", "/presenter/"):
        assert private not in listed and private not in answer, private
