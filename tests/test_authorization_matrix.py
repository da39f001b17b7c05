"""Who may do what: every endpoint of the URL map, with every method, called as every kind of
caller (anyone, a volunteer or a presenter with their private link, an office feed's holder,
co-leads signed in or with a token, a co-lead who kept a one-time password, one deleted), with
the ids of what is not theirs put in its address (another presenter's materials, another
proposal, a draft meeting, another office's feed). Each answer must be the one `EXPECTED` says
(let through, or refused with 401, 403, 404 or a redirect to sign in), never a server error, and
no answer to anyone but a co-lead may show what is private: a contact's or a volunteer's name or
address, a private link or token, a draft's title, a co-lead's note.

An endpoint added later fails `test_every_endpoint_is_classified` until `EXPECTED` says who may
call it."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from flask import current_app
from sqlalchemy import select

from planner.accounts.models import ApiToken, User
from planner.agenda.models import Slot
from planner.calendar.operations import office_feed_token, revoke_office_feed
from planner.extensions import db
from planner.mail.outbox import OutboxMessage
from planner.mail.unsubscribe import unsubscribe_token
from planner.matching.models import MatchMark
from planner.materials.operations import add_file, add_link
from planner.offices.contacts import add_contact
from planner.offices.models import Office
from planner.presenters.operations import answer, invite
from planner.proposals.models import Proposal
from planner.proposals.operations import reissue_link
from planner.survey import pending
from planner.survey.models import Answer
from tests.materials.files import PDF
from tests.support import (
    COLEAD_PASSWORD,
    csrf_token,
    publish_as_planned,
    second_round_csv,
    sign_in,
    size_edited,
)

# Many flows of the same requests: their statements run on PostgreSQL in each area's own tests.
pytestmark = pytest.mark.one_database

# What only some may read, each a word no page shows by chance.
VOLUNTEER_A = {"name": "Vera Alphavolunteer", "email": "vera.alpha@ilpo.example"}
VOLUNTEER_B = {"name": "Bruno Betavolunteer", "email": "bruno.beta@inpi-br.example"}
VOLUNTEER_C = {"name": "Cora Gammavolunteer", "email": "cora.gamma@ipaustralia.example"}
VOLUNTEER_G = {"name": "Gil Deltavolunteer", "email": "gil.delta@jpo.example"}
PROPOSAL_A_TITLE = "Alphaproposal secret plans"
PROPOSAL_B_TITLE = "Betaproposal secret plans"
CONTACT = {"name": "Connie Contactperson", "email": "connie.contact@ipaustralia.example"}
PRESENTER_X = {"name": "Xavier Presenterex", "email": "xavier.presenter@ipaustralia.example"}
PRESENTER_Y = {"name": "Yolanda Presenterwhy", "email": "yolanda.presenter@jpo.example"}
PRESENTER_Z = {"name": "Zora Presenterzed", "email": "zora.presenter@kipo.example"}
PRESENTER_W = {"name": "Wanda Presenterdouble", "email": "wanda.presenter@ipaustralia.example"}
PRESENTER_OLD = {"name": "Olga Oldpresenter", "email": "olga.old@ipaustralia.example"}
DRAFT_TITLE = "Draftmeeting Hushhush"
DRAFT_SLOT_TITLE = "Draftslot Hushhush"
DRAFT_VIDEO = "https://video.example/draft-hushhush"
MARK_NOTE = "Marknote only for coleads"
# What the co-leads hear from presenters, and a contact's role.
DECLINE_REASON = "Declinereason for coleads"
ANOTHER_TIME_NOTE = "Anothertime note for coleads"
ROLE = "Rolesecret chief officer"
# The reasons of the co-leads' decisions, which go to each volunteer only.
REASON_C = "Acceptreason for Cora only"
REASON_G = "Acceptreason for Gil only"
ONE_TIME_EMAIL = "onetime.lead@example.org"
DELETED_EMAIL = "deleted.lead@example.org"
COLEAD_EMAIL = "colead@example.org"

# A private link of the right shape that names nothing.
FORGED = "A" * 43


@dataclass
class World:
    """What the callers are called about: ids by a short label."""

    meetings: dict[str, int] = field(default_factory=dict)  # M1, M2 published; D draft; E ended
    slots: dict[str, int] = field(default_factory=dict)  # X, W in M1; Y, YC in M2; DS; E
    materials: dict[str, tuple[int, str]] = field(default_factory=dict)  # label: (id, filename)
    proposals: dict[str, int] = field(default_factory=dict)  # B (BR), A (IL): sent, not decided
    contact: int = 0
    messages: dict[str, int] = field(default_factory=dict)
    lineup: int = 0
    answer: int = 0
    api_token: int = 0  # a co-lead's spare API token, to revoke (not the one the API caller sends)
    upload: int = 0  # a survey file the co-lead sent to check
    tokens: dict[str, str] = field(default_factory=dict)


@dataclass
class Caller:
    """Someone calling: their browser (its cookies), the API token they send, the private
    links they hold, and what of the private they know already (their own name, address, link)."""

    name: str
    client: object
    session: str | None = None  # whose account their cookie signs in: co-lead, one-time, deleted
    token: str | None = None  # an API token, sent as Authorization: Bearer
    colead_api: bool = False  # whether it is a co-lead's that works
    presenter: str | None = None  # a presenter's private link (its token)
    slot: str | None = None  # the slot it is for, while it works
    proposal: str | None = None  # a proposal's private link
    works: bool = True  # whether that proposal link still works
    feed: str | None = None  # an office feed token (AU's)
    feed_works: bool = False  # whether it is AU's current one
    unsubscribe: str | None = None
    knows: frozenset[str] = frozenset()
    csrf: str = ""  # the CSRF token of their own session, sent with every form

    @property
    def colead_pages(self) -> bool:
        """A co-lead on the pages: signed in, with a password of their own."""
        return self.session == "co-lead"

    @property
    def bare(self) -> bool:
        """No account's cookie nor token: to the app, whatever they hold, anyone."""
        return self.session is None and self.token is None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


# --- The world --------------------------------------------------------------------------------

MEETING = {
    "duration_minutes": 120,
    "time_zone": "Europe/Zurich",
    "video_url": "https://video.example/workshop",
}


def _meeting(api, title: str, starts_at: str, **extra) -> int:
    response = api.post(
        "/api/v1/meetings", json={**MEETING, "title": title, "starts_at": starts_at, **extra}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _slot(api, meeting: int, **fields) -> int:
    body = {"title": "Talk Y in two", "duration_minutes": 20, "recommendations": [10], **fields}
    response = api.post(f"/api/v1/meetings/{meeting}/slots", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _proposal(client, office: str, volunteer: dict, title: str) -> tuple[int, str]:
    body = {
        "office": office,
        **volunteer,
        "title": title,
        "abstract": "What we built.",
        "recommendations": [10],
        "duration": 20,
        "maturity": "production",
        "consent": True,
        "language": "en",
    }
    response = client.post("/api/v1/proposals", json=body)
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    return made["id"], made["link"].rsplit("/", 1)[1]


def build_world(app, api, anyone) -> World:
    """Three published meetings (M1 and M2 to come, M2's slides public now; E over, its slides
    public since) and a draft (D); in each a slot with slides (X, Y, DS, E), and in M2 one
    cancelled (YC), whose slides are the co-leads' only. X (replacing an earlier presenter), Y,
    DS and W (beside X in M1) have presenters. Proposals sent (A, B: B's first link replaced),
    one accepted and given on E's slot (C), one accepted into the draft (G); an office contact,
    AU's size as a co-lead edited it, a co-lead's note on a match, AU's feed links (the current
    one and one revoked), the contact's unsubscribe link, a saved line-up and the outbox's
    messages."""
    world, tokens = World(), {}
    a, tokens["proposal A"] = _proposal(anyone, "IL", VOLUNTEER_A, PROPOSAL_A_TITLE)
    b, tokens["proposal B old"] = _proposal(anyone, "BR", VOLUNTEER_B, PROPOSAL_B_TITLE)
    tokens["proposal B"] = reissue_link(db.session.get(Proposal, b), actor=COLEAD_EMAIL)
    db.session.commit()
    c, _ = _proposal(anyone, "AU", VOLUNTEER_C, "Cora's accepted talk")
    g, tokens["proposal G"] = _proposal(anyone, "JP", VOLUNTEER_G, "Gil's accepted talk")
    db.session.commit()
    for accepted, reason in ((c, REASON_C), (g, REASON_G)):
        decision = {"status": "accepted", "reason": reason, "version": 1}
        assert api.patch(f"/api/v1/proposals/{accepted}", json=decision).status_code == 200
    world.proposals = {"B": b, "A": a}

    m1 = _meeting(api, "Published workshop one", "2030-03-10T13:00:00+01:00")
    m2 = _meeting(
        api, "Published workshop two", "2030-04-10T13:00:00+02:00", materials_public="now"
    )
    draft = _meeting(api, DRAFT_TITLE, "2030-05-10T13:00:00+02:00", video_url=DRAFT_VIDEO)
    ended = _meeting(api, "Ended workshop", "2026-03-10T13:00:00+01:00")
    x, y = _slot(api, m1, title="Talk X in one", office="AU"), _slot(api, m2, office="JP")
    w = _slot(api, m1, title="Talk W in one", office="AU")  # beside X: no one's contact to X
    cancelled = _slot(api, m2, title="Talk YC cancelled", office="JP")
    ds = _slot(api, draft, title=DRAFT_SLOT_TITLE, office="AU")
    _slot(api, draft, proposal_id=g)
    e = _slot(api, ended, proposal_id=c)
    for meeting in (m1, m2, ended):
        assert publish_as_planned(api, meeting).status_code == 200
    world.meetings = {"D": draft, "M1": m1, "M2": m2, "E": ended}
    world.slots = {"DS": ds, "X": x, "Y": y, "YC": cancelled, "E": e, "W": w}

    slot = db.session.get(Slot, x)
    _, tokens["presenter OLD"] = invite(slot, **PRESENTER_OLD, time_zone=None, by=COLEAD_EMAIL)
    db.session.commit()
    presenters = (x, PRESENTER_X, "X"), (y, PRESENTER_Y, "Y"), (ds, PRESENTER_Z, "DS")
    for slot_id, who, label in (*presenters, (w, PRESENTER_W, "W")):
        slot = db.session.get(Slot, slot_id)
        _, tokens[f"presenter {label}"] = invite(slot, **who, time_zone=None, by=COLEAD_EMAIL)
        db.session.commit()
    answer(db.session.get(Slot, x).invitation, "another_time", ANOTHER_TIME_NOTE)
    answer(db.session.get(Slot, w).invitation, "declined", DECLINE_REASON)
    db.session.commit()
    for label in ("DS", "X", "Y", "YC", "E"):
        slot = db.session.get(Slot, world.slots[label])
        made = add_file(slot, f"slides-{label}.pdf", PDF, "co-lead " + COLEAD_EMAIL)
        world.materials[label] = (made.id, made.filename)
    add_link(db.session.get(Slot, x), "https://slides.example/x", "slides", "co-lead")
    db.session.commit()  # before the request below, which may be another connection's
    # Its talk is not given: its slides are the co-leads' only, though M2's are public now.
    cancel = {"status": "cancelled"}
    assert api.patch(f"/api/v1/slots/{cancelled}", json=cancel).status_code == 200

    au = db.session.get(Office, "AU")
    contact = add_contact(au, **CONTACT, role=ROLE, language="en", editor=COLEAD_EMAIL)
    # Its size's source names the co-lead who edited it: the co-leads' to read.
    size_edited(au, "large", COLEAD_EMAIL)
    db.session.add(
        MatchMark(
            recommendation_number=10,
            audience_code="ES",
            presenter_code="AU",
            verdict="must_present",
            note=MARK_NOTE,
            marked_by=COLEAD_EMAIL,
        )
    )
    secret = current_app.config["SECRET_KEY"]
    tokens["feed AU old"] = office_feed_token(au, secret)
    revoke_office_feed(au)
    tokens["feed AU"] = office_feed_token(au, secret)
    tokens["unsubscribe"] = unsubscribe_token(CONTACT["email"], "reminder")
    db.session.commit()
    world.contact = contact.id
    # Messages that carry a private link: volunteer A's, presenter X's, the contact's
    # unsubscribe link. The co-leads read them with each shown as [hidden].
    for label, kind, to in (
        ("received", "received", VOLUNTEER_A["email"]),
        ("invitation", "invitation", PRESENTER_X["email"]),
        ("update", "update", CONTACT["email"]),
    ):
        world.messages[label] = db.session.scalar(
            select(OutboxMessage.id)
            .where(OutboxMessage.kind == kind, OutboxMessage.recipient_email == to)
            .order_by(OutboxMessage.id)
        )
    lineup = api.post("/api/v1/lineups", json={"recommendation": 10, "slots": 3})
    assert lineup.status_code == 201, lineup.get_json()
    world.lineup = lineup.get_json()["id"]
    world.answer = db.session.scalar(select(Answer.id).order_by(Answer.id))
    colead = db.session.scalar(select(User).where(User.email == COLEAD_EMAIL))
    # A survey file the co-lead sent to check, waiting for its "Import": theirs only.
    world.upload = pending.keep(colead.id, pending.Choices(), second_round_csv(), "r2.csv").id
    spare = ApiToken.issue(colead, "matrix spare")
    db.session.commit()
    world.api_token = db.session.scalar(select(ApiToken.id).where(ApiToken.name == "matrix spare"))
    assert spare and world.api_token
    world.tokens = tokens
    return world


# --- The callers ------------------------------------------------------------------------------


def _with_csrf(caller: Caller) -> Caller:
    # Each caller's own session's CSRF token: a refusal must come from who they are, not from a
    # form without a token.
    caller.csrf = csrf_token(caller.client, "/login")
    return caller


def make_callers(app, colead, world: World) -> list[Caller]:
    t = world.tokens
    new = app.test_client
    colead_cookie = new()
    assert sign_in(colead_cookie).status_code == 302
    colead_token = ApiToken.issue(colead)

    deleted = User(email=DELETED_EMAIL, role="colead", password_hash=colead.password_hash)
    db.session.add(deleted)
    db.session.commit()
    deleted_cookie = new()
    assert sign_in(deleted_cookie, DELETED_EMAIL).status_code == 302
    deleted_token = ApiToken.issue(deleted)
    db.session.commit()
    db.session.delete(deleted)
    db.session.commit()
    # Made after the deletion: the deleted account's id must not come back as this one's.
    one_time = User(email=ONE_TIME_EMAIL, role="colead", password_hash="")
    one_time.set_password(COLEAD_PASSWORD, one_time=True)
    db.session.add(one_time)
    db.session.commit()
    one_time_cookie = new()
    signed = sign_in(one_time_cookie, ONE_TIME_EMAIL)
    assert signed.status_code == 302 and "/account/password" in signed.headers["Location"]
    t["api colead"], t["api deleted"] = colead_token, deleted_token  # never shown to anyone

    def own(*markers: str) -> frozenset[str]:
        return frozenset(markers)

    callers = [
        Caller("anyone", new()),
        Caller(
            "volunteer A",
            new(),
            proposal=t["proposal A"],
            knows=own(*VOLUNTEER_A.values(), PROPOSAL_A_TITLE, t["proposal A"]),
        ),
        Caller(
            "volunteer B",
            new(),
            proposal=t["proposal B"],
            knows=own(*VOLUNTEER_B.values(), PROPOSAL_B_TITLE, t["proposal B"]),
        ),
        Caller(
            "volunteer B, replaced link",
            new(),
            proposal=t["proposal B old"],
            works=False,
            knows=own(*VOLUNTEER_B.values(), PROPOSAL_B_TITLE, t["proposal B old"]),
        ),
        Caller(
            "volunteer G (in a draft)",
            new(),
            proposal=t["proposal G"],
            knows=own(*VOLUNTEER_G.values(), t["proposal G"], REASON_G),
        ),
        Caller(
            "presenter X",
            new(),
            presenter=t["presenter X"],
            slot="X",
            knows=own(*PRESENTER_X.values(), t["presenter X"], ANOTHER_TIME_NOTE),
        ),
        Caller(
            "presenter Y",
            new(),
            presenter=t["presenter Y"],
            slot="Y",
            knows=own(*PRESENTER_Y.values(), t["presenter Y"]),
        ),
        Caller(
            "presenter Z (draft)",
            new(),
            presenter=t["presenter DS"],
            slot="DS",
            knows=own(*PRESENTER_Z.values(), t["presenter DS"], DRAFT_TITLE, DRAFT_SLOT_TITLE),
        ),
        Caller(
            "presenter replaced",
            new(),
            presenter=t["presenter OLD"],
            knows=own(*PRESENTER_OLD.values(), t["presenter OLD"]),
        ),
        Caller("feed AU", new(), feed=t["feed AU"], feed_works=True, knows=own(t["feed AU"])),
        Caller("feed AU revoked", new(), feed=t["feed AU old"], knows=own(t["feed AU old"])),
        Caller(
            "contact unsubscribing",
            new(),
            unsubscribe=t["unsubscribe"],
            knows=own(CONTACT["email"], t["unsubscribe"]),
        ),
        Caller("co-lead signed in", colead_cookie, session="co-lead"),
        Caller("co-lead's token", new(), token=colead_token, colead_api=True),
        Caller(
            "co-lead, one-time password",
            one_time_cookie,
            session="one-time",
            knows=own(ONE_TIME_EMAIL),
        ),
        Caller(
            "co-lead deleted, cookie", deleted_cookie, session="deleted", knows=own(DELETED_EMAIL)
        ),
        Caller("co-lead deleted, token", new(), token=deleted_token),
    ]
    return [_with_csrf(caller) for caller in callers]


def private_markers(world: World) -> dict[str, str]:
    """Every text only some may read, and what it is."""
    markers = {
        **{value: f"volunteer A's {key}" for key, value in VOLUNTEER_A.items()},
        **{value: f"volunteer B's {key}" for key, value in VOLUNTEER_B.items()},
        **{value: f"volunteer C's {key}" for key, value in VOLUNTEER_C.items()},
        **{value: f"volunteer G's {key}" for key, value in VOLUNTEER_G.items()},
        PROPOSAL_A_TITLE: "proposal A's title (submitted)",
        PROPOSAL_B_TITLE: "proposal B's title (submitted)",
        **{value: f"contact's {key}" for key, value in CONTACT.items()},
        **{value: f"presenter X's {key}" for key, value in PRESENTER_X.items()},
        **{value: f"presenter Y's {key}" for key, value in PRESENTER_Y.items()},
        **{value: f"presenter Z's {key}" for key, value in PRESENTER_Z.items()},
        **{value: f"replaced presenter's {key}" for key, value in PRESENTER_OLD.items()},
        **{value: f"presenter W's {key}" for key, value in PRESENTER_W.items()},
        DRAFT_TITLE: "the draft meeting's title",
        DRAFT_SLOT_TITLE: "the draft's slot title",
        DRAFT_VIDEO: "the draft's video link",
        MARK_NOTE: "a co-lead's note on a mark",
        ANOTHER_TIME_NOTE: "presenter X's note asking for another time",
        DECLINE_REASON: "presenter W's reason for declining",
        ROLE: "the contact's role",
        REASON_C: "the reason of C's acceptance",
        REASON_G: "the reason of G's acceptance",
        COLEAD_EMAIL: "a co-lead's address",
        ONE_TIME_EMAIL: "a co-lead's address",
        DELETED_EMAIL: "a deleted co-lead's address",
    }
    markers.update({token: f"the {name} token" for name, token in world.tokens.items()})
    return markers


# --- Who may call what ------------------------------------------------------------------------

Args = dict[str, str]  # an address's arguments, by name: the label of what each names
Rule = Callable[[Caller, Args], bool]


def anyone(caller: Caller, args: Args) -> bool:
    return True


def public_api(caller: Caller, args: Args) -> bool:
    """Anyone's, but a token sent that does not work (a deleted co-lead's, one revoked or
    expired) is refused: the script is told (401), not answered as if it had sent none."""
    return caller.token is None or caller.colead_api


def colead_page(caller: Caller, args: Args) -> bool:
    return caller.colead_pages


def colead_api(caller: Caller, args: Args) -> bool:
    return caller.colead_api


def signed_in(caller: Caller, args: Args) -> bool:
    """Any account signed in on the pages, its password one-time or not (to change it)."""
    return caller.session in ("co-lead", "one-time")


def published_or_colead(caller: Caller, args: Args) -> bool:
    """A published meeting is anyone's; a draft the co-leads'."""
    return caller.colead_pages or args["meeting_id"] != "D"


def published_api(caller: Caller, args: Args) -> bool:
    """A published meeting is anyone's, as its page; a draft a co-lead's token's."""
    return public_api(caller, args) and (caller.colead_api or args["meeting_id"] != "D")


def published(caller: Caller, args: Args) -> bool:
    """Calendars and schedules hold published meetings only: a draft is in none, even for the
    co-leads (its presenters' own .ics is on their page)."""
    return args["meeting_id"] != "D"


def archive(caller: Caller, args: Args) -> bool:
    """A meeting's archive opens to anyone once it is published and over."""
    return caller.colead_pages or args["meeting_id"] == "E"


def public_material(caller: Caller, args: Args) -> bool:
    """Slides are anyone's once their meeting's setting makes them public: M2's now (but for
    its cancelled slot YC's), E's (after) since it ended; the co-leads' always."""
    return caller.colead_pages or args["material_id"] in ("Y", "E")


def message_calendar(caller: Caller, args: Args) -> bool:
    """A message's calendar part, for the co-leads: a volunteer's receipt has none."""
    return caller.colead_pages and args["message_id"] != "received"


def presenter(caller: Caller, args: Args) -> bool:
    """The presenter whose link works, about their own slot's materials only."""
    if caller.slot is None:
        return False
    return args.get("material_id", caller.slot) == caller.slot


def volunteer(caller: Caller, args: Args) -> bool:
    return caller.proposal is not None and caller.works


def unsubscriber(caller: Caller, args: Args) -> bool:
    return caller.unsubscribe is not None


def office_feed(caller: Caller, args: Args) -> bool:
    return caller.feed_works and args["code"] == "AU"


EXPECTED: dict[tuple[str, str], Rule] = {
    # Public pages, charts, feeds and files.
    ("static", "GET"): anyone,
    ("agenda.zones", "GET"): anyone,
    ("survey.overview", "GET"): anyone,
    ("survey.index", "GET"): anyone,
    ("survey.detail", "GET"): anyone,
    ("survey.answer", "GET"): anyone,
    ("survey.summary", "GET"): anyone,
    ("survey.summary_csv", "GET"): anyone,
    ("survey.download", "GET"): anyone,
    ("survey.bars_svg", "GET"): anyone,
    ("survey.heatmap_svg", "GET"): anyone,
    ("survey.heatmap_table", "GET"): anyone,
    ("recommendations.index", "GET"): anyone,
    ("recommendations.detail", "GET"): anyone,
    ("matching.matches", "GET"): anyone,
    ("offices.index", "GET"): anyone,
    ("offices.detail", "GET"): anyone,
    ("agenda.index", "GET"): anyone,
    ("agenda.meeting", "GET"): published_or_colead,
    ("agenda.agenda_csv", "GET"): published_or_colead,
    ("agenda.report", "GET"): colead_page,
    ("agenda.report_csv", "GET"): colead_page,
    ("calendar.meeting_ics", "GET"): published,
    ("calendar.schedule_json", "GET"): published,
    ("materials.archive_page", "GET"): archive,
    ("materials.download", "GET"): public_material,
    ("calendar.taskforce_ics", "GET"): anyone,
    ("calendar.taskforce_talks_ics", "GET"): anyone,
    ("calendar.recommendation_ics", "GET"): anyone,
    ("calendar.office_ics", "GET"): office_feed,
    ("proposals.volunteer", "GET"): anyone,
    ("proposals.volunteer", "POST"): anyone,
    ("accounts.login", "GET"): anyone,
    ("accounts.login", "POST"): anyone,
    ("accounts.logout", "POST"): anyone,
    ("accounts.password", "GET"): signed_in,
    ("accounts.password", "POST"): signed_in,
    ("accounts.account", "GET"): colead_page,
    ("accounts.make_token_view", "POST"): colead_page,
    ("accounts.confirm_revoke_token", "GET"): colead_page,
    ("accounts.revoke_token_view", "POST"): colead_page,
    # Private links.
    ("proposals.private", "GET"): volunteer,
    ("proposals.edit", "GET"): volunteer,
    ("proposals.edit", "POST"): volunteer,
    ("proposals.withdraw_view", "GET"): volunteer,
    ("proposals.withdraw_view", "POST"): volunteer,
    ("presenters.page", "GET"): presenter,
    ("presenters.back_to_page", "GET"): presenter,
    ("presenters.answer_view", "POST"): presenter,
    ("presenters.talk", "POST"): presenter,
    ("presenters.zone_view", "POST"): presenter,
    ("presenters.slot_ics", "GET"): presenter,
    ("availability.page", "GET"): presenter,
    ("availability.save", "POST"): presenter,
    ("materials.presenter_upload", "GET"): presenter,
    ("materials.presenter_upload", "POST"): presenter,
    ("materials.presenter_download", "GET"): presenter,
    ("materials.presenter_remove", "POST"): presenter,
    ("mail.unsubscribe", "GET"): unsubscriber,
    ("mail.unsubscribe", "POST"): unsubscriber,
    # The co-leads' pages.
    ("lineup.index", "GET"): colead_page,
    ("lineup.detail", "GET"): colead_page,
    ("lineup.figures", "GET"): colead_page,
    ("lineup.new", "GET"): colead_page,
    ("lineup.new", "POST"): colead_page,
    ("lineup.accept", "POST"): colead_page,
    ("agenda.new", "GET"): colead_page,
    ("agenda.new", "POST"): colead_page,
    ("agenda.edit", "GET"): colead_page,
    ("agenda.edit", "POST"): colead_page,
    ("agenda.history", "GET"): colead_page,
    ("agenda.offices", "POST"): colead_page,
    ("agenda.suggest", "GET"): colead_page,
    ("agenda.suggest", "POST"): colead_page,
    ("agenda.confirm_publish", "GET"): colead_page,
    ("agenda.publish_view", "POST"): colead_page,
    ("agenda.confirm_delete", "GET"): colead_page,
    ("agenda.delete", "POST"): colead_page,
    ("agenda.confirm_reinstate", "GET"): colead_page,
    ("agenda.reinstate_view", "POST"): colead_page,
    ("agenda.confirm_copy", "GET"): colead_page,
    ("agenda.copy_view", "POST"): colead_page,
    ("agenda.add_slot", "POST"): colead_page,
    ("agenda.edit_slot", "GET"): colead_page,
    ("agenda.edit_slot", "POST"): colead_page,
    ("agenda.move", "POST"): colead_page,
    ("agenda.share_time", "POST"): colead_page,
    ("agenda.confirm_delete_slot", "GET"): colead_page,
    ("agenda.delete_slot", "POST"): colead_page,
    ("materials.upload", "POST"): colead_page,
    ("materials.remove_view", "POST"): colead_page,
    ("materials.meeting_link", "POST"): colead_page,
    ("presenters.invite_view", "GET"): colead_page,
    ("presenters.invite_view", "POST"): colead_page,
    ("presenters.invited", "GET"): colead_page,
    ("presenters.confirm_revoke", "GET"): colead_page,
    ("presenters.revoke_view", "POST"): colead_page,
    ("offices.edit", "GET"): colead_page,
    ("offices.edit", "POST"): colead_page,
    ("offices.new", "GET"): colead_page,
    ("offices.new", "POST"): colead_page,
    ("offices.new_contact", "GET"): colead_page,
    ("offices.new_contact", "POST"): colead_page,
    ("offices.edit_contact", "GET"): colead_page,
    ("offices.edit_contact", "POST"): colead_page,
    ("offices.delete_contact", "GET"): colead_page,
    ("offices.delete_contact", "POST"): colead_page,
    ("offices.contacts_export", "GET"): colead_page,
    ("calendar.confirm_revoke", "GET"): colead_page,
    ("calendar.revoke", "POST"): colead_page,
    ("calendar.confirm_email", "GET"): colead_page,
    ("calendar.email_feed", "POST"): colead_page,
    ("proposals.review", "GET"): colead_page,
    ("proposals.decide", "GET"): colead_page,
    ("proposals.decide", "POST"): colead_page,
    ("proposals.schedule", "POST"): colead_page,
    ("proposals.confirm_revoke_link", "GET"): colead_page,
    ("proposals.link", "POST"): colead_page,
    ("recommendations.edit", "GET"): colead_page,
    ("recommendations.edit", "POST"): colead_page,
    ("matching.mark_page", "GET"): colead_page,
    ("matching.mark", "POST"): colead_page,
    ("mail.index", "GET"): colead_page,
    ("mail.message_page", "GET"): colead_page,
    ("mail.html_part", "GET"): colead_page,
    ("mail.ics", "GET"): message_calendar,
    ("mail.send", "POST"): colead_page,
    ("mail.discard", "POST"): colead_page,
    ("mail.went", "POST"): colead_page,
    ("mail.send_held", "POST"): colead_page,
    ("mail.settings", "POST"): colead_page,
    ("survey.import_survey", "POST"): colead_page,
    ("survey.check", "GET"): colead_page,
    ("survey.import_checked_file", "POST"): colead_page,
    ("survey.confirm_delete", "GET"): colead_page,
    ("survey.delete", "POST"): colead_page,
    # The API: public reads, anyone's proposal, and the rest for a co-lead's token.
    ("survey_api.surveys", "GET"): public_api,
    ("survey_api.answers", "GET"): public_api,
    ("survey_api.summary", "GET"): public_api,
    ("matching_api.matches", "GET"): public_api,
    ("proposals_api.create", "POST"): public_api,
    ("proposals_api.index", "GET"): colead_api,
    ("proposals_api.update", "PATCH"): colead_api,
    ("survey_api.import_survey", "POST"): colead_api,
    ("survey_api.delete", "DELETE"): colead_api,
    ("lineup_api.create", "POST"): colead_api,
    ("agenda_api.index", "GET"): public_api,
    ("offices_api.index", "GET"): public_api,
    ("offices_api.read", "GET"): public_api,
    ("agenda_api.create", "POST"): colead_api,
    ("agenda_api.read", "GET"): published_api,
    ("agenda_api.history", "GET"): colead_api,
    ("agenda_api.update", "PATCH"): colead_api,
    ("agenda_api.delete", "DELETE"): colead_api,
    ("agenda_api.reinstate_meeting", "POST"): colead_api,
    ("agenda_api.copy_meeting_view", "POST"): colead_api,
    ("agenda_api.publish_meeting", "POST"): colead_api,
    ("agenda_api.create_slot_view", "POST"): colead_api,
    ("agenda_api.suggest", "GET"): colead_api,
    ("agenda_api.read_slot", "GET"): colead_api,
    ("agenda_api.update_slot", "PATCH"): colead_api,
    ("agenda_api.delete_slot", "DELETE"): colead_api,
    ("presenters_api.invite", "POST"): colead_api,
}

# Sent last, in this order: each ends what the requests after it would stand on.
LAST = [
    ("survey.delete", "POST"),
    ("survey_api.delete", "DELETE"),
    ("accounts.logout", "POST"),
]


def endpoints(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) of every address and method the app answers."""
    found = {
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    return sorted(found, key=lambda e: (LAST.index(e[:2]) if e[:2] in LAST else -1, e))


# --- Addresses ---------------------------------------------------------------------------------

# Rules whose answer depends on what the address names: called with every object of each kind.
# Any other rule is called with one of each, the most private first (the draft, its slot, its
# slides; proposal B, another office's than A's).
NAMES_MATTER = {
    published_or_colead,
    published_api,
    published,
    archive,
    public_material,
    presenter,
    office_feed,
    message_calendar,
}

_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([a-z_]+)(?:\([^)]*\))?>")
_TOKEN_KINDS = {"presenter": "presenter", "proposals": "proposal", "unsubscribe": "unsubscribe"}


def _secret(caller: Caller, kind: str) -> str:
    """The caller's private link of that kind; else any other secret they hold (a presenter's
    link where a proposal's goes, a feed token as an unsubscribe link...); else a forged one."""
    held = [caller.presenter, caller.proposal, caller.unsubscribe, caller.feed]
    own = getattr(caller, kind)
    return own or next((token for token in held if token), FORGED)


def _candidates(world: World, rule: str, name: str) -> list[tuple[str, object]]:
    """What an address's argument is filled with: every object of that kind (label, value)."""
    if name == "meeting_id":
        return list(world.meetings.items())
    if name == "slot_id":
        return list(world.slots.items())
    if name == "material_id":
        return list(world.materials.items())
    if name == "message_id":
        return list(world.messages.items())
    if name == "proposal_id":
        return list(world.proposals.items())
    if name == "code":
        return [("AU", "AU"), ("JP", "JP")]
    simple = {
        "contact_id": world.contact,
        "lineup_id": world.lineup,
        "answer_id": world.answer,
        "token_id": world.api_token,
        "upload_id": world.upload,
        "number": 10,
        "slug": "CWS-13-26",
        "form": "csv",
        "filename": "app.css",
        "language": "es",
    }
    return [(name, simple[name])]


# Ids that name nothing: a draft, or what is in it, must be refused in the same words as these.
NOTHING = {
    "meeting_id": 999999,
    "slot_id": 999999,
    "material_id": (999999, "slides-DS.pdf"),
    "message_id": 999999,
}
DRAFT = {"D", "DS"}

QUERIES = {
    "/meetings/<int:meeting_id>.ics": {"scope": "slots"},  # each slot as an event of its own
    "/api/v1/matches": {"recommendation": "10"},
    # The marked pair, whose page shows its note (the form sent to it reads none of these).
    "/recommendations/<int:number>/matches/marks": {"audience": "ES", "presenter": "AU"},
    "/api/v1/meetings/<int:meeting_id>/suggest-times": {
        "offices": "AU,JP",
        "from": "2030-03-01",
        "to": "2030-03-05",
    },
}


def addresses(world: World, caller: Caller, rule: str, every: bool) -> list[tuple[Args, str, dict]]:
    """(args, path, query) for each combination of the rule's arguments (`every`), or one."""
    names = [n for n in _ARGUMENT.findall(rule) if n != "token"]
    if "material_id" in names and "filename" in names:
        names.remove("filename")  # the material's own, with it
    combos: list[dict[str, tuple[str, object]]] = [{}]
    for name in names:
        picks = _candidates(world, rule, name)
        if not every:
            picks = picks[:1]
        elif name in NOTHING:
            picks = [*picks, ("nothing", NOTHING[name])]
        combos = [{**c, name: pick} for c in combos for pick in picks]
    found = []
    for combo in combos:
        values = {name: value for name, (_, value) in combo.items()}
        if "material_id" in values:
            values["material_id"], values["filename"] = values["material_id"]
        if "<token>" in rule:
            values["token"] = _secret(caller, _TOKEN_KINDS[rule.split("/")[1]])
        path = _ARGUMENT.sub(lambda m, named=values: str(named[m[1]]), rule)
        query = dict(QUERIES.get(rule, {}))
        if rule == "/feeds/offices/<code>.ics":
            query["token"] = _secret(caller, "feed")
        found.append(({name: label for name, (label, _) in combo.items()}, path, query))
    return found


# --- The checks -------------------------------------------------------------------------------

REFUSALS = (401, 403, 404)
SIGN_IN_PAGES = ("/login", "/account/password")


def refused(response) -> bool:
    if response.status_code in REFUSALS:
        return True
    if 300 <= response.status_code < 400:
        return response.headers.get("Location", "").split("?")[0] in SIGN_IN_PAGES
    return False


def send(caller: Caller, method: str, path: str, query: dict, answered: dict | None = None):
    """The caller's request; of a caller with no session or header of note (`bare`: anyone,
    a volunteer, a presenter, a feed's holder) the same request another such caller sent gets
    the same answer (`answered`), so it is sent once."""
    key = (method, path, tuple(sorted(query.items())))
    if answered is not None and caller.bare and key in answered:
        return answered[key]
    response = _send(caller, method, path, query)
    if answered is not None and caller.bare:
        answered[key] = response
    return response


def _send(caller: Caller, method: str, path: str, query: dict):
    headers = dict(caller.headers)
    kwargs: dict = {"query_string": query}
    if method != "GET":
        if path.startswith("/api/"):
            kwargs["json"] = {}
            # A version no item has: a write that gets through changes nothing (409).
            headers["If-Match"] = '"999"'
        else:
            kwargs["data"] = {"csrf_token": caller.csrf}
    return caller.client.open(path, method=method, headers=headers, **kwargs)


def privileged(caller: Caller, path: str) -> bool:
    """Whether the request is a co-lead's (who may read everything)."""
    return caller.colead_api if path.startswith("/api/") else caller.colead_pages


def hidden_from_coleads(world: World, endpoint: str) -> set[str]:
    """What co-leads never read either: a volunteer's proposal link (with it a co-lead could act
    as the volunteer unseen; a new one is shown once, to the co-lead who makes it), an unsubscribe
    link, an API token (printed once, by the command line); in the outbox, no private link at
    all (each shown as [hidden])."""
    kinds = ("proposal", "unsubscribe", "api")
    if endpoint.startswith("mail."):
        kinds += ("presenter", "feed")
    return {token for name, token in world.tokens.items() if name.startswith(kinds)}


def check(
    caller: Caller, endpoint: str, method: str, path: str, response, allowed: bool, world: World
) -> list[str]:
    """What is wrong with an answer: a server error, a refusal where it should let through or
    the other way round, a private text shown to someone not a co-lead who does not know it
    already (or to a co-lead, one they never read), or one a shared cache may keep."""
    markers = private_markers(world)
    said = f"{method} {path} as {caller.name}: {response.status_code}"
    if response.status_code >= 500:
        return [f"{said}, a server error"]
    problems = []
    if allowed and refused(response):
        problems.append(f"{said}, refused (expected to be let through)")
    elif not allowed and not refused(response):
        problems.append(f"{said}, let through (expected a refusal)")
    shown_text = _text(response)  # read once, not once a marker (some 60)
    held = {text for text in markers if text in shown_text}
    if not privileged(caller, path):
        shown = {markers[text] for text in held - caller.knows}
        if shown:
            problems.append(f"{said}, shows {', '.join(sorted(shown))}")
    elif shown := {markers[text] for text in held & hidden_from_coleads(world, endpoint)}:
        problems.append(f"{said}, shows the co-lead {', '.join(sorted(shown))}")
    cache = response.headers.get("Cache-Control", "")
    if held and "private" not in cache and "no-store" not in cache:
        problems.append(
            f"{said}, a shared cache may keep {', '.join(sorted(markers[t] for t in held))}"
        )
    return problems


def _never_shown(world: World) -> set[str]:
    """Secrets no page shows anyone: API tokens, links revoked or replaced, a deleted account."""
    names = ("api colead", "api deleted", "proposal B old", "presenter OLD", "feed AU old")
    return {world.tokens[name] for name in names} | {DELETED_EMAIL}


def _text(response) -> str:
    return response.get_data(as_text=True) + response.headers.get("Location", "")


def _words(response) -> str:
    """An answer's body, its numbers as N and its spaces one, without the messages earlier
    answers left in the session (a refusal's "Sign in as a co-lead" shown on the next page)."""
    body = _FLASHED.sub("", response.get_data(as_text=True))
    return " ".join(re.sub(r"\d+", "N", body).split())


# And the session's CSRF token, signed with the time it was signed at.
_FLASHED = re.compile(r'<p class="flash[^>]*>.*?</p>|name="csrf_token" value="[^"]*"', re.S)


def test_every_endpoint_is_classified(app):
    answered = {(endpoint, method) for endpoint, method, _ in endpoints(app)}
    assert answered - EXPECTED.keys() == set(), "say in EXPECTED who may call these"
    assert EXPECTED.keys() - answered == set(), "EXPECTED names endpoints the app no longer has"


def test_every_caller_gets_what_is_theirs_and_nothing_else(app, client, colead, survey):
    api = app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(colead)}"
    db.session.commit()
    world = build_world(app, api, client)
    callers = make_callers(app, colead, world)
    problems: list[str] = []
    writes = []
    answered: dict = {}
    refusals: dict[tuple, dict[str, tuple[int, str]]] = {}
    seen: set[str] = set()  # each private text, as it reaches those who may read it
    sent = 0
    # Every refusal and every read first, on the world as built; then the writes let through,
    # which change it: anyone's first, then the co-leads' (the endpoints in LAST at the end).
    for endpoint, method, rule in endpoints(app):
        expected = EXPECTED[(endpoint, method)]
        for caller in callers:
            # Whoever may read a page reads it about everything; the others are refused it
            # about one thing of each kind, the most private.
            every = (
                expected in NAMES_MATTER
                or endpoint.startswith("mail.")
                or (method == "GET" and expected(caller, {}))
            )
            for args, path, query in addresses(world, caller, rule, every):
                allowed = "nothing" not in args.values() and expected(caller, args)
                if allowed and method != "GET":
                    writes.append((caller, endpoint, method, path, query))
                    continue
                response = send(caller, method, path, query, answered)
                problems += check(caller, endpoint, method, path, response, allowed, world)
                if allowed:
                    shown_text = _text(response)
                    seen.update(t for t in private_markers(world) if t in shown_text)
                sent += 1
                if not allowed and ({"nothing"} | DRAFT) & set(args.values()):
                    kept = tuple((k, v) for k, v in args.items() if v not in {"nothing"} | DRAFT)
                    said = (response.status_code, _words(response))
                    name = "nothing" if "nothing" in args.values() else "draft"
                    refusals.setdefault((caller.name, method, rule, kept), {})[name] = said
    unseen = set(private_markers(world)) - seen - _never_shown(world)
    assert not unseen, f"shown to no one: {sorted(private_markers(world)[t] for t in unseen)}"
    for (who, method, rule, _), said in refusals.items():
        if len(said) == 2 and said["draft"] != said["nothing"]:
            problems.append(f"{method} {rule} as {who}: a draft is refused otherwise than nothing")
    writes.sort(key=lambda write: privileged(write[0], write[3]))
    for caller, endpoint, method, path, query in writes:
        response = send(caller, method, path, query)
        problems += check(caller, endpoint, method, path, response, True, world)
        sent += 1
    assert not problems, f"{len(problems)} of {sent} answers:\n" + "\n".join(problems)
