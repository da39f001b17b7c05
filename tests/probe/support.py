"""What the probes share: a small world to probe (a survey, meetings, a line-up, a proposal), the
forms its pages offer (read from the pages, as a browser sees them), awkward values, and the
checks every answer must pass: no 5xx, a refusal says why, a refusal stores nothing, and nothing
the input layer refuses is ever stored."""

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from sqlalchemy import String, Text, func, select, union_all
from sqlalchemy import literal as sql_literal
from werkzeug.datastructures import MultiDict

from planner.accounts.models import ApiToken, User
from planner.agenda.models import Meeting, MeetingSeries, Slot
from planner.database_restore import RESTORED_NOTE
from planner.db_types import MAX_INT
from planner.extensions import db
from planner.mail.outbox import Recipient, enqueue
from planner.mail.unsubscribe import unsubscribe_token
from planner.materials.operations import add_link
from planner.offices.models import OfficeContact
from planner.presenters.operations import invite
from planner.survey import pending
from planner.text import control_character
from tests.support import publish_as_planned, read_afresh, second_round_csv

# Reproducible in CI, no example database in the repository, no per-example deadline (a line-up
# takes its time). The examples share the app's database on purpose: they probe the state that
# earlier ones left behind, which is also why a failure is reported as found, not shrunk.
PROBE = settings(
    phases=(Phase.explicit, Phase.generate),
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

# Tables a refused request may still write to: failed sign-ins are counted whatever the answer.
KEPT_ON_REFUSAL = {"throttle_events", "failed_logins"}
# Filled only by survey imports, which no page or API offers: not scanned after every request.
IMPORTED = {"answers", "respondents", "surveys", "survey_warnings"}
# Columns the app writes in a format of its own, not text anyone typed: an invitation's
# calendar part is iCalendar, whose lines end in CR LF (RFC 5545).
WRITTEN_BY_THE_APP = {("outbox", "ics")}

# Ids that name nothing, or more than a column holds (a 404 from the address).
STRANGE_IDS = [0, 999999, MAX_INT, MAX_INT + 1, 2**63]

NASTY_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "two\nlines",
    "cr\rhere",
    "\r\n",
    "tab\there",
    "bell\x07",
    "\x85",
    "line\u2028sep",
    "调查",
    "🙂",
    "x" * 201,
    "y" * 5000,
    "0",
    "-1",
    "1.5",
    " 7 ",
    str(MAX_INT),
    str(MAX_INT + 1),
    str(-MAX_INT - 2),
    str(2**63),
    "1" * 40,
    "1e400",
    "NaN",
    "true",
    "null",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "javascript:alert(1)",
    "https://video.example/a\nb",
    "https://video.example/ok",
    "2026-02-30",
    "2026-03-10T25:00",
    "9999-12-31",
    "0001-01-01",
    "Mars/Base",
    ",",
    "Lima, ,",
    "UTC",
    "Europe/Zurich",
    "AU",
    "ZZ",
    "10",
]

nasty_text = st.one_of(
    st.sampled_from(NASTY_TEXT),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)

json_scalars = st.one_of(
    st.sampled_from(NASTY_TEXT),
    st.text(max_size=20),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1, 10, MAX_INT, MAX_INT + 1, 2**63, -(2**63) - 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


# --- The world to probe ---------------------------------------------------------------------


@dataclass
class World:
    meeting: int
    published: int
    slot: int
    lineup: int
    proposal: int
    token: str
    pages: list[str] = field(default_factory=list)
    accepted: int = 0  # an accepted proposal: its review page offers "Schedule"
    contact: int = 0  # the office contact the volunteer consented to
    presenter: str = ""  # the private link of the slot's presenter
    invited: int = 0  # that slot
    held: int = 0  # a message held in the outbox: its page offers "Send now" and "Discard"
    # A message `db restored` held: its page also offers "It went before the restore".
    held_by_restore: int = 0
    spare_token: int = 0  # an API token of the co-lead's that the probe's requests do not send
    unsubscribe: str = ""  # the path of a signed unsubscribe link
    upload: int = 0  # a survey file the co-lead sent to check: its page offers "Import"
    cancelled: int = 0  # a meeting cancelled: its page offers "Bring the meeting back"


PROPOSAL = {
    "office": "IL",
    "name": "Dana",
    "email": "dana@ilpo.example",
    "title": "AI search for examiners",
    "abstract": "What we built and learned.",
    "recommendations": [10],
    "duration": 25,
    "maturity": "production",
    "consent": True,
    "language": "es",
}
MEETING = {
    "title": "Rec 10 workshop",
    "duration_minutes": 120,
    "time_zone": "Europe/Zurich",
    "starts_at": "2030-03-10T13:00:00+01:00",
    "video_url": "https://video.example/rec10",
}
SLOT = {"title": "AI search", "duration_minutes": 20, "office": "AU", "recommendations": [10]}
LINEUP = {"recommendation": 10, "slots": 3}


def _created(response) -> dict:
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def build_world(client, colead_client) -> World:
    """Three meetings (one published, one cancelled), a slot, a line-up and an office's
    proposal, made as the co-leads and an office make them."""
    meeting = _created(colead_client.post("/api/v1/meetings", json=MEETING))["id"]
    slot = _created(colead_client.post(f"/api/v1/meetings/{meeting}/slots", json=SLOT))["id"]
    # The published one is on its recommendation, as a workshop is: its page offers that
    # recommendation's feed too (helper-365).
    workshop = {**MEETING, "recommendation": 10}
    published = _created(colead_client.post("/api/v1/meetings", json=workshop))["id"]
    _created(colead_client.post(f"/api/v1/meetings/{published}/slots", json=SLOT))
    assert publish_as_planned(colead_client, published).status_code == 200
    cancelled = _created(colead_client.post("/api/v1/meetings", json=MEETING))["id"]
    _created(colead_client.post(f"/api/v1/meetings/{cancelled}/slots", json=SLOT))
    assert publish_as_planned(colead_client, cancelled).status_code == 200
    assert colead_client.delete(f"/api/v1/meetings/{cancelled}").status_code == 200
    lineup = _created(colead_client.post("/api/v1/lineups", json=LINEUP))["id"]
    proposal = _created(client.post("/api/v1/proposals", json=PROPOSAL))
    token = proposal["link"].rsplit("/", 1)[1]
    second = {**PROPOSAL, "title": "AI search: the second year"}
    accepted = _created(colead_client.post("/api/v1/proposals", json=second))["id"]
    decision = {"status": "accepted", "reason": "Fits.", "version": 1}
    assert colead_client.patch(f"/api/v1/proposals/{accepted}", json=decision).status_code == 200
    contact = db.session.scalar(select(OfficeContact.id))
    # Forms filled in from a meeting in a series and a slot linked to a proposal: a select left
    # out keeps those, not the related objects themselves (a 500, helper-77).
    db.session.get(Meeting, meeting).series = MeetingSeries(title="Task Force 2030")
    db.session.get(Slot, slot).proposal_id = accepted
    # The published slot's presenter is invited and has added a link, so that their page and the
    # meeting's archive carry every form a presenter and a co-lead meet.
    invited = db.session.get(Meeting, published).slots[0]
    _, presenter = invite(invited, name="Alex", email=None, time_zone=None, by="co-lead")
    add_link(invited, "https://slides.example/ai-search", "slides", "presenter Alex")
    db.session.commit()
    world = World(meeting, published, slot, lineup, proposal["id"], token, presenter=presenter)
    world.accepted, world.contact, world.invited = accepted, contact, invited.id
    world.cancelled = cancelled
    held = enqueue(
        Recipient("dana@ilpo.example"), kind="invitation", subject="s", text="t", hold=True
    )
    restored = enqueue(
        Recipient("eli@ilpo.example"), kind="invitation", subject="r", text="t", hold=True
    )
    restored.last_error = RESTORED_NOTE
    colead = db.session.scalar(select(User).where(User.role == "colead"))
    ApiToken.issue(colead, "spare")
    db.session.commit()
    world.held, world.held_by_restore = held.id, restored.id
    world.spare_token = max(token.id for token in colead.tokens)
    world.unsubscribe = "/unsubscribe/" + unsubscribe_token("dana@ilpo.example", "reminder")
    world.upload = pending.keep(
        colead.id, pending.Choices(), second_round_csv(), "second round.csv"
    ).id
    db.session.commit()
    return world


def colead_pages(world: World) -> list[str]:
    return [
        "/meetings/new",
        f"/meetings/{world.meeting}",
        f"/meetings/{world.meeting}/edit",
        f"/meetings/{world.meeting}/suggest",
        f"/slots/{world.slot}/edit",
        f"/meetings/{world.published}/archive",
        f"/meetings/{world.published}/edit",
        f"/slots/{world.invited}/invite",
        # The confirm pages of destructive actions, which hold their forms.
        f"/meetings/{world.meeting}/publish",
        f"/meetings/{world.meeting}/delete",
        f"/meetings/{world.published}/delete",
        f"/meetings/{world.cancelled}/reinstate",
        f"/meetings/{world.published}/copy",
        f"/slots/{world.slot}/delete",
        f"/slots/{world.invited}/delete",
        f"/slots/{world.invited}/invitation/revoke",
        f"/proposals/{world.proposal}/link",
        "/offices/AU/feed/revoke",
        "/offices/IL/feed/email",  # IL has the contact the volunteer consented to
        "/offices/AU",
        "/offices/AU/edit",
        "/offices/new",
        "/offices/IL",
        "/offices/IL/contacts/new",
        f"/offices/contacts/{world.contact}/edit",
        f"/offices/contacts/{world.contact}/delete",
        f"/proposals/{world.accepted}",
        "/recommendations/10/edit",
        "/recommendations/10/matches",
        "/recommendations/10/matches/marks?audience=ES&presenter=AU",
        "/lineups/new",
        f"/lineups/{world.lineup}",
        f"/proposals/{world.proposal}",
        "/proposals",
        "/account/password",
        "/account",
        f"/account/tokens/{world.spare_token}/revoke",
        "/outbox",
        f"/outbox/{world.held}",
        f"/outbox/{world.held_by_restore}",
        "/surveys",
        f"/surveys?upload={world.upload}",
        f"/surveys/check/{world.upload}",
        "/surveys/CWS-13-26/delete",
        "/",
    ]


def public_pages(world: World) -> list[str]:
    return [
        "/volunteer",
        "/login",
        f"/proposals/{world.token}",
        f"/proposals/{world.token}/edit",
        f"/proposals/{world.token}/withdraw",
        f"/presenter/{world.presenter}",
        world.unsubscribe,
        "/recommendations/10/matches",
        "/surveys",
        "/",
    ]


# --- Forms, as the pages offer them -----------------------------------------------------------


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: list[tuple[str, str]]  # (name, value) as the browser would send them unchanged
    options: dict[str, list[str]]  # every value a select, radio or checkbox offers

    @property
    def names(self) -> list[str]:
        return sorted({name for name, _ in self.fields} | set(self.options))


class _FormReader(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: tuple[str, bool] | None = None  # name, multiple
        self.selected: list[str] = []
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = a.get("action") or self.page
            self.form = Form(self.page, action, a.get("method", "get").lower(), [], {})
        elif self.form is None or (not a.get("name") and tag != "option"):
            return
        elif tag == "input":
            kind, name, value = a.get("type", "text"), a["name"], a.get("value", "")
            if kind in ("checkbox", "radio"):
                self.form.options.setdefault(name, []).append(value or "on")
                if "checked" in a:
                    self.form.fields.append((name, value or "on"))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self.form.fields.append((name, value))
            elif kind == "submit":
                self.form.options.setdefault(name, []).append(value)
        elif tag == "button" and a.get("name"):
            self.form.options.setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "select":
            self.select, self.selected = (a["name"], "multiple" in a), []
        elif tag == "option" and self.select:
            value = a.get("value", "")
            self.form.options.setdefault(self.select[0], []).append(value)
            if "selected" in a:
                self.selected.append(value)
        elif tag == "textarea":
            self.textarea, self.text = a["name"], []

    def handle_data(self, data):
        if self.textarea is not None:
            self.text.append(data)

    def handle_endtag(self, tag):
        if self.form is None:
            return
        if tag == "select" and self.select:
            name, multiple = self.select
            chosen = self.selected or self.form.options.get(name, [])[:1]
            self.form.fields += [(name, v) for v in (chosen if multiple else chosen[:1])]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.form.fields.append((self.textarea, "".join(self.text).removeprefix("\n")))
            self.textarea = None
        elif tag == "form":
            self.forms.append(self.form)
            self.form = None


def read_forms(client, pages: list[str], *, strict: bool = True) -> list[Form]:
    """Every form on these pages, with the values a browser would send unchanged."""
    forms = []
    for page in pages:
        response = client.get(page)
        if response.status_code != 200 and not strict:
            continue
        assert response.status_code == 200, f"{page}: {response.status_code}"
        reader = _FormReader(page)
        reader.feed(response.get_data(as_text=True))
        forms += reader.forms
    return forms


@st.composite
def form_submissions(draw, form: Form) -> MultiDict:
    """The form as sent, with some fields kept, some given another offered value, some given an
    awkward value, some left out. The CSRF token is always the page's: the probe is after what
    lies behind it (a bad token is a named case)."""
    data = MultiDict()
    sent = dict(form.fields)
    for name in form.names:
        if name == "csrf_token":
            data.add(name, sent[name])
            continue
        choice = draw(st.sampled_from(["keep", "keep", "offered", "awkward", "leave out"]))
        if choice == "keep" and name in sent:
            for field_name, value in form.fields:
                if field_name == name:
                    data.add(name, value)
        elif choice == "offered" and form.options.get(name):
            data.add(name, draw(st.sampled_from(form.options[name])))
        elif choice == "awkward":
            data.add(name, draw(nasty_text))
    return data


# --- What every answer must be ----------------------------------------------------------------


class _Visible(HTMLParser):
    """The text of the elements that carry a refusal's words on a page."""

    CLASSES = ("error", "error-summary", "lead", "flash")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.words: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.depth or any(c in self.CLASSES or c.startswith("flash") for c in classes):
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.words.append(data)


def refusal_message(response) -> str:
    """What a refusal says: the JSON `message`, or the visible error text of the page."""
    if response.is_json:
        body = response.get_json(silent=True)
        return body.get("message", "") if isinstance(body, dict) else ""
    reader = _Visible()
    reader.feed(response.get_data(as_text=True))
    return html.unescape(" ".join("".join(reader.words).split()))


def row_counts() -> dict[str, int]:
    tables = db.metadata.sorted_tables
    query = union_all(*(select(sql_literal(t.name), func.count()).select_from(t) for t in tables))
    counts = dict(db.session.execute(query).all())
    read_afresh()
    return counts


def refused_text_stored() -> list[str]:
    """Every stored text the input layer refuses: control characters (line breaks and tabs only
    in columns of several lines), as `planner.text` defines them."""
    found = []
    for table in db.metadata.sorted_tables:
        if table.name in IMPORTED:
            continue
        columns = [c for c in table.columns if isinstance(c.type, String)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if not isinstance(value, str) or (table.name, column.name) in WRITTEN_BY_THE_APP:
                    continue
                multiline = isinstance(column.type, Text)
                if char := control_character(value, multiline=multiline):
                    found.append(f"{table.name}.{column.name} holds {char}: {value[:60]!r}")
    read_afresh()
    return found


def check_answer(response, before: dict[str, int], what: str) -> None:
    """The answer to a probe: no server error; a refusal says why and changed nothing; nothing
    stored that should have been refused."""
    status = response.status_code
    assert status < 500, f"{what} -> {status}: {response.get_data(as_text=True)[:2000]}"
    if status >= 400:
        message = refusal_message(response)
        assert re.search(r"\w{2,}", message), f"{what} -> {status} without a message"
        after = row_counts()
        changed = {
            name: (before[name], after[name])
            for name in before
            if before[name] != after[name] and name not in KEPT_ON_REFUSAL
        }
        assert not changed, f"{what} -> {status} ({message}) but rows changed: {changed}"
    stored = refused_text_stored()
    assert not stored, f"{what} -> {status} stored refused text: {stored}"
