"""An integrator's POST sent again after its answer was lost (a flaky network, a script's retry)
with the same `Idempotency-Key` is given the first answer, and nothing is done twice: no second
draft copy, meeting, slot, line-up, proposal, survey import or invitation email."""

import io
import uuid
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from planner.accounts.idempotency import KEPT
from planner.accounts.models import TOKEN_DAYS_MAX, ApiToken, IdempotencyKey, User
from planner.agenda.models import Meeting, Slot
from planner.db_types import utcnow
from planner.extensions import db
from planner.lineup.models import Lineup
from planner.mail.models import MessageKind, OutboxMessage
from planner.personal_data.retention import keep_for, prune
from planner.proposals.models import Proposal
from planner.survey.models import Survey
from tests.presenters.support import MEETING
from tests.presenters.support import before_the_meeting as before_the_meeting
from tests.presenters.support import presenter as presenter
from tests.presenters.support import slot as slot
from tests.support import BUNDLED, VOLUNTEERED, sent_at_once

PROPOSAL = {**VOLUNTEERED, "email": "eva@ipa.example"}


def keyed(key: str | None = None) -> dict:
    return {"Idempotency-Key": key or str(uuid.uuid4())}


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def assert_replayed(first, again) -> None:
    """The same answer again, said to be one: status, body and the headers a client reads."""
    assert again.status_code == first.status_code, again.get_json()
    assert again.get_json() == first.get_json()
    for header in ("Location", "ETag", "Cache-Control", "Content-Type"):
        assert again.headers.get(header) == first.headers.get(header), header
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers


def _meeting(api) -> int:
    return api.post("/api/v1/meetings", json=MEETING).get_json()["id"]


def _survey_file() -> dict:
    # A new multipart boundary each time, as a client sending it again draws one.
    return {"file": (io.BytesIO(BUNDLED.read_bytes()), "CWS-13-26.txt")}


# Each POST of the API: how to send it (a client and the key's headers), and what it makes.
POSTS = {
    "meeting": (lambda api, client, slot, key: api.post(
        "/api/v1/meetings", json=MEETING, headers=key
    ), Meeting),
    "copy": (lambda api, client, slot, key: api.post(
        f"/api/v1/meetings/{slot.meeting_id}/copy", headers=key
    ), Meeting),
    "slot": (lambda api, client, slot, key: api.post(
        f"/api/v1/meetings/{slot.meeting_id}/slots",
        json={"title": "Closing", "kind": "discussion", "duration_minutes": 10},
        headers=key,
    ), Slot),
    "line-up": (lambda api, client, slot, key: api.post(
        "/api/v1/lineups", json={"recommendation": 10, "slots": 3}, headers=key
    ), Lineup),
    "proposal, without a token": (lambda api, client, slot, key: client.post(
        "/api/v1/proposals", json=PROPOSAL, headers=key
    ), Proposal),
    "invitation": (lambda api, client, slot, key: api.post(
        f"/api/v1/slots/{slot.id}/invite",
        json={"name": "Alex Example", "email": "alex@ipaustralia.example"},
        headers=key,
    ), OutboxMessage),
}  # fmt: skip


@pytest.mark.parametrize("what", POSTS)
def test_a_post_sent_again_with_its_key_is_answered_as_before_and_done_once(
    api, client, slot, what
):
    send, made = POSTS[what]
    key = keyed()
    before = count(made)
    first = send(api, client, slot, key)
    assert first.status_code in (200, 201), first.get_json()
    assert count(made) > before
    after = count(made)
    again = send(api, client, slot, key)
    assert_replayed(first, again)
    assert count(made) == after
    # A new key is a new request: done again (or refused as the API refuses a second one).
    assert send(api, client, slot, keyed()).headers.get("Idempotent-Replayed") is None


def test_a_copy_sent_twice_makes_one_draft(api, slot):
    """The brief's case: the answer to "copy" lost, the script copies again."""
    url = f"/api/v1/meetings/{slot.meeting_id}/copy"
    key = keyed()
    first = api.post(url, headers=key)
    assert first.status_code == 201
    drafts = count(Meeting)
    again = api.post(url, headers=key)
    assert_replayed(first, again)
    assert again.headers["Location"] == f"/api/v1/meetings/{first.get_json()['id']}"
    assert count(Meeting) == drafts
    # Without a key, as before: each copy is a new draft.
    assert api.post(url).status_code == 201
    assert count(Meeting) == drafts + 1


def test_an_invitation_sent_again_sends_one_email_and_gives_the_same_link(api, slot, presenter):
    key = keyed()
    alex = {"name": "Alex Example", "email": "alex@ipaustralia.example"}
    first = api.post(f"/api/v1/slots/{slot.id}/invite", json=alex, headers=key)
    assert first.status_code == 201
    again = api.post(f"/api/v1/slots/{slot.id}/invite", json=alex, headers=key)
    assert_replayed(first, again)
    assert again.get_json()["link"] == first.get_json()["link"]
    assert again.headers["Cache-Control"] == "private, no-store"
    invitations = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.invitation)
    ).all()
    assert len(invitations) == 1
    # The link given again still opens the presenter's page: it was not replaced.
    assert (
        presenter.get(first.get_json()["link"].removeprefix("http://localhost")).status_code == 200
    )


def test_a_survey_file_sent_again_is_imported_once_and_answered_as_the_first_time(api):
    key = keyed()
    first = api.post("/api/v1/surveys", data=_survey_file(), headers=key)
    assert first.status_code == 201, first.get_json()
    again = api.post("/api/v1/surveys", data=_survey_file(), headers=key)
    assert_replayed(first, again)
    assert count(Survey) == 1
    # Without the key the planner says it has those answers already.
    assert api.post("/api/v1/surveys", data=_survey_file()).get_json()["status"] == "unchanged"


def test_the_key_sent_with_another_request_is_refused(api, slot):
    key = keyed()
    url = f"/api/v1/meetings/{slot.meeting_id}/slots"
    closing = {"title": "Closing", "kind": "discussion", "duration_minutes": 10}
    assert api.post(url, json=closing, headers=key).status_code == 201
    slots = count(Slot)
    for other in (
        lambda: api.post(url, json={**closing, "title": "Wrap-up"}, headers=key),
        lambda: api.post("/api/v1/meetings", json=closing, headers=key),
        lambda: api.post(url, data="title=Closing", headers=key),
    ):
        refused = other()
        assert refused.status_code == 422
        said = refused.get_json()
        assert said["status"] == 422 and "a key names one request" in said["message"]
        assert "Idempotent-Replayed" not in refused.headers
    assert count(Slot) == slots


def test_a_refused_request_is_not_kept_and_may_be_corrected_and_sent_again(api, slot):
    key = keyed()
    url = f"/api/v1/meetings/{slot.meeting_id}/slots"
    refused = api.post(url, json={"title": "Closing", "kind": "nap"}, headers=key)
    assert refused.status_code == 400
    assert count(IdempotencyKey) == 0
    corrected = api.post(url, json={"title": "Closing", "kind": "discussion"}, headers=key)
    assert corrected.status_code == 201 and "Idempotent-Replayed" not in corrected.headers
    assert_replayed(
        corrected, api.post(url, json={"title": "Closing", "kind": "discussion"}, headers=key)
    )


def test_a_failure_is_not_kept(api, slot, monkeypatch):
    def fails(*_args, **_kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("planner.agenda.api.copy_meeting", fails)
    key = keyed()
    assert api.post(f"/api/v1/meetings/{slot.meeting_id}/copy", headers=key).status_code == 500
    assert count(IdempotencyKey) == 0
    monkeypatch.undo()
    again = api.post(f"/api/v1/meetings/{slot.meeting_id}/copy", headers=key)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert_replayed(again, api.post(f"/api/v1/meetings/{slot.meeting_id}/copy", headers=key))


@pytest.mark.parametrize(
    ("key", "said"),
    [
        ("", "is empty"),
        ('""', "is empty"),
        ("   ", "is empty"),
        ("k" * 256, "256 characters long"),
        ("key\x01one", "not printable ASCII"),
        ("key\x7fone", "not printable ASCII"),
        ("clé-1", "not printable ASCII"),
    ],
)
def test_a_key_that_cannot_be_one_is_refused_and_nothing_is_done(api, key, said):
    meetings = count(Meeting)
    refused = api.post("/api/v1/meetings", json=MEETING, headers={"Idempotency-Key": key})
    assert refused.status_code == 400
    assert said in refused.get_json()["message"]
    assert count(Meeting) == meetings and count(IdempotencyKey) == 0


@pytest.mark.parametrize("sent", [["k-1", "k-1"], ['"k-1"', '"k-1"'], ["k-1", '"k-2"']])
def test_the_header_sent_twice_is_refused_not_a_key_of_its_own(api, sent):
    """helper-299: the two lines reach the app as one, joined by a comma ("k-1, k-1"), which
    was taken as a new key: a retry that sent the header twice was done again."""
    first = api.post("/api/v1/meetings", json=MEETING, headers=keyed("k-1"))
    assert first.status_code == 201
    meetings = count(Meeting)
    twice = api.post(
        "/api/v1/meetings", json=MEETING, headers=[("Idempotency-Key", key) for key in sent]
    )
    assert twice.status_code == 400
    assert "came more than once" in twice.get_json()["message"]
    assert count(Meeting) == meetings and count(IdempotencyKey) == 1


def test_the_drafts_quoted_key_and_a_bare_one_are_the_same_and_the_longest_is_taken(api):
    first = api.post("/api/v1/meetings", json=MEETING, headers={"Idempotency-Key": '"abc-1"'})
    again = api.post("/api/v1/meetings", json=MEETING, headers={"Idempotency-Key": "abc-1"})
    assert_replayed(first, again)
    longest = api.post("/api/v1/meetings", json=MEETING, headers=keyed("k" * 255))
    assert longest.status_code == 201


def test_a_token_is_checked_before_a_kept_answer_is_given(app, api, client, slot):
    key = keyed()
    url = f"/api/v1/meetings/{slot.meeting_id}/copy"
    copied = api.post(url, headers=key)
    assert copied.status_code == 201
    assert client.post(url, headers=key).status_code == 401
    reader = app.test_client()
    user = db.session.scalar(select(User))
    reader.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + ApiToken.issue(
        user, "reader", read_only=True
    )
    db.session.commit()
    assert reader.post(url, headers=key).status_code == 403
    assert_replayed(copied, api.post(url, headers=key))


def test_keys_are_each_accounts_own_and_each_addresses_own(app, api, client, slot):
    """Another co-lead's script using the same key (both took "1") makes its own copy, as does
    a volunteer at another address."""
    other = User(email="other@example.org", role="colead", password_hash="x")
    db.session.add(other)
    script = app.test_client()
    script.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + ApiToken.issue(
        other, "script", days=TOKEN_DAYS_MAX
    )
    db.session.commit()
    url = f"/api/v1/meetings/{slot.meeting_id}/copy"
    mine = api.post(url, headers=keyed("1"))
    theirs = script.post(url, headers=keyed("1"))
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert theirs.get_json()["id"] != mine.get_json()["id"]
    assert_replayed(mine, api.post(url, headers=keyed("1")))
    assert_replayed(theirs, script.post(url, headers=keyed("1")))

    here = client.post("/api/v1/proposals", json=PROPOSAL, headers=keyed("1"))
    there = client.post(
        "/api/v1/proposals",
        json={**PROPOSAL, "title": "Another talk"},
        headers=keyed("1"),
        environ_base={"REMOTE_ADDR": "198.51.100.9"},
    )
    assert (here.status_code, there.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in there.headers
    assert_replayed(here, client.post("/api/v1/proposals", json=PROPOSAL, headers=keyed("1")))


def test_a_kept_answer_holds_no_private_link_readable_from_the_database(app_context, client):
    key = keyed()
    sent = client.post("/api/v1/proposals", json=PROPOSAL, headers=key)
    link = sent.get_json()["link"]
    kept = db.session.scalar(select(IdempotencyKey))
    assert kept.status == 201 and kept.owner == "address:127.0.0.1"
    token = link.rsplit("/", 1)[1].encode()
    assert token not in kept.answer and PROPOSAL["email"].encode() not in kept.answer
    assert key["Idempotency-Key"] not in kept.key_digest
    again = client.post("/api/v1/proposals", json=PROPOSAL, headers=key)
    assert again.get_json()["link"] == link


def test_a_key_is_kept_a_day_then_pruned(app, api, slot):
    key = keyed()
    url = f"/api/v1/meetings/{slot.meeting_id}/copy"
    first = api.post(url, headers=key)
    later = utcnow() + KEPT - timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert api.post(url, headers=key).headers["Idempotent-Replayed"] == "true"
        assert prune(utcnow(), keep_for(app.config)).idempotency_keys == 0
    with time_machine.travel(later + timedelta(minutes=2), tick=False):
        assert prune(utcnow(), keep_for(app.config)).idempotency_keys == 1
        db.session.commit()
        again = api.post(url, headers=key)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert again.get_json()["id"] != first.get_json()["id"]


def test_a_key_past_its_day_not_pruned_yet_is_a_new_request(api, slot):
    key = keyed()
    url = f"/api/v1/meetings/{slot.meeting_id}/copy"
    first = api.post(url, headers=key)
    with time_machine.travel(utcnow() + KEPT + timedelta(minutes=1), tick=False):
        again = api.post(url, headers=key)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert again.get_json()["id"] != first.get_json()["id"]
    assert count(IdempotencyKey) == 1


def test_every_post_of_the_api_honours_the_key(app):
    """A new POST address of the API takes the header too, or this test says which does not."""
    posts = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and "POST" in rule.methods
    ]
    assert len(posts) >= 9
    without = [
        rule.rule
        for rule in posts
        if not getattr(app.view_functions[rule.endpoint], "honours_idempotency_key", False)
    ]
    assert without == []


@pytest.mark.committed  # two requests at once, each on a connection of its own
def test_the_same_key_sent_twice_at_once_is_done_once(api, slot):
    """The retry reaches another instance while the first is still being answered: never two
    copies, and the one not done is told to send it again in a moment. On PostgreSQL the second
    is told at once, the first holding the key's turn; on SQLite the first, held, stores the key
    second: what it did is undone."""
    key = keyed()
    url = f"/api/v1/meetings/{slot.meeting_id}/copy"
    meetings = count(Meeting)
    first, second, meanwhile = sent_at_once(
        lambda: api.post(url, headers=key),
        lambda: api.post(url, headers=key),
        held_before=Meeting,
        given=10,
    )
    assert meanwhile, "the second waited for the first"
    answers = {first.status_code: first, second.status_code: second}
    assert sorted(answers) == [201, 409], [a.get_json() for a in answers.values()]
    if db.engine.dialect.name == "postgresql":
        assert second.status_code == 409, "the second was done too, then undone"
    said = answers[409].get_json()["message"]
    assert "still being answered" in said and answers[409].headers["Retry-After"] == "1"
    assert count(Meeting) == meetings + 1
    assert_replayed(answers[201], api.post(url, headers=key))


def _answer(change):
    def spoil(kept: IdempotencyKey) -> None:
        kept.answer = change(bytes(kept.answer))

    return spoil


def _status(kept: IdempotencyKey) -> None:
    kept.status = 200  # sealed with its answer: a 201 does not become another status


@pytest.mark.parametrize(
    "spoilt",
    [
        _answer(lambda sealed: sealed[:-1] + bytes([sealed[-1] ^ 1])),
        _answer(lambda sealed: sealed[:20]),
        _answer(lambda sealed: b""),
        _status,
    ],
    ids=["changed", "cut short", "emptied", "status changed"],
)
def test_a_kept_answer_that_cannot_be_opened_is_refused_not_a_failure_nor_done_again(
    api, slot, spoilt
):
    """A row changed in the database (or cut short by a faulty copy) no longer opens (AES-GCM):
    the request it names was done, so it is not done again; the client is told that its answer
    is lost and how to go on, not given a 500."""
    key = keyed()
    url = f"/api/v1/meetings/{slot.meeting_id}/copy"
    first = api.post(url, headers=key)
    assert first.status_code == 201
    kept = db.session.scalar(select(IdempotencyKey))
    spoilt(kept)
    db.session.commit()
    drafts = count(Meeting)
    refused = api.post(url, headers=key)
    assert refused.status_code == 422, refused.get_data(as_text=True)
    said = refused.get_json()["message"]
    assert "was done" in said and "cannot be read" in said and "new key" in said
    assert "Idempotent-Replayed" not in refused.headers
    assert count(Meeting) == drafts


def test_an_accounts_tokens_share_its_keys(app, api, colead, slot):
    """A script moved to a new token (the old one revoked meanwhile) and sending its retry with
    it is given the first answer: the key is the account's, as Stripe's are."""
    url = f"/api/v1/meetings/{slot.meeting_id}/copy"
    key = keyed()
    first = api.post(url, headers=key)
    assert first.status_code == 201
    drafts = count(Meeting)
    renewed = app.test_client()
    renewed.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + ApiToken.issue(
        colead, "renewed", days=TOKEN_DAYS_MAX
    )
    db.session.commit()
    assert_replayed(first, renewed.post(url, headers=key))
    assert count(Meeting) == drafts


def test_a_replay_is_the_answer_as_it_was_then(api, slot):
    """The draft standard's and Stripe's way: the first answer, not what is there now. The
    draft deleted meanwhile, the copy sent again is still its 201 (not done again), and its
    `Location` now leads to a 404: a script reads what is there now with a GET."""
    url = f"/api/v1/meetings/{slot.meeting_id}/copy"
    key = keyed()
    first = api.post(url, headers=key)
    assert api.delete(first.headers["Location"]).status_code == 200
    drafts = count(Meeting)
    assert_replayed(first, api.post(url, headers=key))
    assert count(Meeting) == drafts
    assert api.get(first.headers["Location"]).status_code == 404
