"""Slides and links through the pages: co-leads on the slot's edit page, the presenter on their
private page; downloads as attachments that no browser sniffs; who sees them when; and the
meeting's archive with the evidence each slot came from."""

import html
import io
import re

import pytest
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from planner.agenda.models import Meeting, Slot
from planner.errors import ConflictError
from planner.extensions import db
from planner.materials.checks import MaterialError, check_link
from planner.materials.models import Material, MaterialFile
from planner.materials.operations import add_file, add_link
from planner.presenters.operations import by_token, invite, revoke
from planner.survey.models import Answer
from planner.survey.records import Question
from tests.materials.files import DOCX, ELF, ODP, PDF, PPTX
from tests.support import csrf_token, publish_as_planned, sent_at_once

PAST = {
    "title": "Rec 10 workshop",
    "starts_at": "2024-03-12T13:00:00+01:00",
    "duration_minutes": 90,
    "time_zone": "Europe/Zurich",
}
FUTURE = {**PAST, "starts_at": "2031-03-11T13:00:00+01:00"}
TALK = {"title": "AI search", "office": "AU", "recommendations": [10], "duration_minutes": 20}


def _meeting(api, fields: dict, *, publish: bool = True, talks=(TALK,)) -> Meeting:
    made = api.post("/api/v1/meetings", json=fields)
    assert made.status_code == 201, made.get_json()
    meeting_id = made.get_json()["id"]
    for talk in talks:
        answer = api.post(f"/api/v1/meetings/{meeting_id}/slots", json=talk)
        assert answer.status_code == 201, answer.get_json()
    if publish:
        assert publish_as_planned(api, meeting_id).status_code == 200
    return db.session.get(Meeting, meeting_id)


@pytest.fixture
def past(colead_client) -> Slot:
    return _meeting(colead_client, PAST).slots[0]


@pytest.fixture
def future(colead_client) -> Slot:
    return _meeting(colead_client, FUTURE).slots[0]


def _presenter(slot: Slot, name: str = "Alex Example") -> str:
    _, token = invite(slot, name=name, email=None, time_zone=None, by="co-lead")
    db.session.commit()
    return token


def _send(client, address: str, name, data: bytes | None, *, csrf: str | None, **fields):
    form = {f"material-{key}": value for key, value in fields.items()}
    if data is not None:
        form["material-file"] = (io.BytesIO(data), name)
    if csrf:
        form["csrf_token"] = csrf
    return client.post(address, data=form, content_type="multipart/form-data")


def colead_upload(client, slot: Slot, name=None, data=None, **fields):
    token = csrf_token(client, f"/slots/{slot.id}/edit")
    return _send(client, f"/slots/{slot.id}/materials", name, data, csrf=token, **fields)


def presenter_upload(client, token: str, name=None, data=None, **fields):
    return _send(client, f"/presenter/{token}/materials", name, data, csrf=None, **fields)


def _stored() -> list[Material]:
    db.session.expire_all()
    return list(db.session.scalars(select(Material).order_by(Material.id)))


@pytest.mark.parametrize(
    ("name", "data", "kind", "content_type"),
    [
        ("slides.pdf", PDF, "pdf", "application/pdf"),
        (
            "Talk.pptx",
            PPTX,
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("Talk.odp", ODP, "odp", "application/vnd.oasis.opendocument.presentation"),
    ],
)
def test_a_colead_adds_slides_and_downloads_them_as_an_attachment(
    colead_client, future, name, data, kind, content_type
):
    answer = colead_upload(colead_client, future, name, data)
    assert answer.status_code == 302
    assert answer.location.endswith(f"/slots/{future.id}/edit#materials")
    (material,) = _stored()
    assert (material.file_type, material.filename, material.size) == (kind, name, len(data))
    assert material.added_by == "co-lead colead@example.org"
    page = colead_client.get(f"/slots/{future.id}/edit").get_data(as_text=True)
    url = f"/materials/{material.id}/{name}"
    assert f'href="{url}"' in page

    download = colead_client.get(url)
    assert download.status_code == 200
    assert download.data == data
    assert download.headers["Content-Type"] == content_type
    assert download.headers["Content-Disposition"] == (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    )
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "private, no-store"


def test_the_content_type_is_the_checked_kind_never_the_senders(colead_client, future):
    form = {
        "csrf_token": csrf_token(colead_client, f"/slots/{future.id}/edit"),
        "material-file": (io.BytesIO(PDF), "x.html", "text/html"),
    }
    assert colead_client.post(f"/slots/{future.id}/materials", data=form).status_code == 302
    (material,) = _stored()
    assert material.filename == "x.pdf"
    download = colead_client.get(f"/materials/{material.id}/x.pdf")
    assert download.headers["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("slides.pdf", ELF, "program"),
        ("slides.pdf", b"MZ\x90\x00" + bytes(100), "program"),
        ("report.pptx", DOCX, "not a presentation"),
        ("slides.pdf", b"", "empty"),
    ],
)
def test_what_is_not_slides_is_refused_and_nothing_is_stored(
    colead_client, future, name, data, words
):
    answer = colead_upload(colead_client, future, name, data)
    assert answer.status_code == 400
    assert words in answer.get_data(as_text=True)
    assert 'name="material-file"' in answer.get_data(as_text=True)
    assert _stored() == []
    assert db.session.scalar(select(MaterialFile.material_id)) is None


def test_an_oversized_file_is_refused_with_the_form_kept(app, colead_client, future, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_MATERIAL_BYTES", 1000)
    big = PDF + b"%" * 1200
    answer = colead_upload(colead_client, future, "big.pdf", big, kind="recording")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 413
    assert "larger than" in page and "limit for slides" in page
    assert 'name="material-file"' in page and '<option selected value="recording">' in page
    # Far beyond the limit: refused before the body is read, with the same page.
    huge = PDF + b"%" * (2 * 1024 * 1024)
    answer = colead_upload(colead_client, future, "huge.pdf", huge)
    assert answer.status_code == 413
    assert 'name="material-file"' in answer.get_data(as_text=True)
    assert _stored() == []


def test_uploads_may_exceed_the_apps_1_mb_elsewhere_not(colead_client, future):
    big = PDF + b"%" * (3 * 1024 * 1024)
    assert colead_upload(colead_client, future, "big.pdf", big).status_code == 302
    form = {"csrf_token": csrf_token(colead_client, "/meetings/new"), "title": "x" * (2 << 20)}
    assert colead_client.post("/meetings/new", data=form).status_code == 413


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        # C:\x\y.pdf with its backslashes escaped, as in a quoted header parameter ...
        ("C:\\\\x\\\\y.pdf", "y.pdf"),
        # ... and sent raw, whose backslashes Werkzeug reads as escapes: the drive still goes.
        ("C:\\x\\y.pdf", "xy.pdf"),
    ],
)
def test_a_path_in_the_name_is_cut_to_the_base_name(colead_client, future, sent, stored):
    assert colead_upload(colead_client, future, sent, PDF).status_code == 302
    assert [m.filename for m in _stored()] == [stored]


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        # A family emoji is one character to its reader, seven code points: cut inside, the
        # name ended in a joiner with the family's last member gone.
        ("a" + "👩‍👩‍👧‍👦" * 30 + ".pdf", "a" + "👩‍👩‍👧‍👦" * 27 + ".pdf"),
        # A flag is two code points: cut between them, the next flag read otherwise (🇺🇦 🇦🇺).
        ("a" + "🇺🇦" * 120 + ".pdf", "a" + "🇺🇦" * 97 + ".pdf"),
        # A Devanagari syllable with its virama and vowel sign: "स्ते" was cut to "स".
        ("x" * 195 + "स्ते.pdf", "x" * 195 + ".pdf"),
    ],
)
def test_a_long_file_name_is_cut_between_characters_as_its_reader_sees_them(
    colead_client, future, sent, stored
):
    assert colead_upload(colead_client, future, sent, PDF).status_code == 302
    assert [m.filename for m in _stored()] == [stored]


def test_links_to_slides_and_recordings(colead_client, future):
    answer = colead_upload(colead_client, future, url="https://video.example/rec", kind="recording")
    assert answer.status_code == 302
    for url in ("javascript:alert(1)", "ftp://files.example/x.pdf"):
        refused = colead_upload(colead_client, future, url=url, kind="slides")
        assert refused.status_code == 400
        assert url in refused.get_data(as_text=True)  # the form keeps what was typed
    # The message names the link, not the label's words ("Or a link").
    refused = colead_upload(colead_client, future, url="https://video.example/\x00", kind="slides")
    assert refused.status_code == 400
    assert "The link cannot contain" in refused.get_data(as_text=True)
    (material,) = _stored()
    assert (material.kind, material.url, material.filename) == (
        "recording",
        "https://video.example/rec",
        None,
    )


def test_removing_asks_first(colead_client, future):
    colead_upload(colead_client, future, "slides.pdf", PDF)
    (material,) = _stored()
    token = csrf_token(colead_client, f"/slots/{future.id}/edit")
    asked = colead_client.post(f"/materials/{material.id}/remove", data={"csrf_token": token})
    assert asked.status_code == 200 and "Remove this material?" in asked.get_data(as_text=True)
    assert len(_stored()) == 1
    done = colead_client.post(
        f"/materials/{material.id}/remove", data={"csrf_token": token, "confirmed": "yes"}
    )
    assert done.status_code == 302
    assert _stored() == []
    assert db.session.scalar(select(MaterialFile.material_id)) is None


def test_only_coleads_upload_on_the_slot(client, future):
    answer = client.post(f"/slots/{future.id}/materials", data={})
    assert answer.status_code in (302, 400)
    assert _stored() == []


def test_a_body_too_large_sent_by_no_colead_shows_nothing_of_the_slot(
    app, client, colead_client, monkeypatch
):
    """The upload's page in its refusal is the co-leads': a draft's slot, its materials and
    their remove buttons. Without a co-lead the body stops at the app's 1 MB, unread."""
    monkeypatch.setitem(app.config, "MAX_MATERIAL_BYTES", 1000)
    slot = _meeting(colead_client, FUTURE, publish=False, talks=[{**TALK, "title": "Secret"}])
    slot = slot.slots[0]
    token = csrf_token(colead_client, f"/slots/{slot.id}/edit")
    link = {"csrf_token": token, "material-url": "https://slides.example/draft"}
    assert colead_client.post(f"/slots/{slot.id}/materials", data=link).status_code == 302
    big = PDF + b"%" * (2 * 1024 * 1024)
    answer = _send(client, f"/slots/{slot.id}/materials", "big.pdf", big, csrf=None)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 413
    assert "Secret" not in page and "slides.example/draft" not in page
    assert 'name="material-file"' not in page and "/remove" not in page
    assert "sign in" in page
    assert len(_stored()) == 1
    # The presenter's own link is what lets a body through to their page's refusal.
    presenter = f"/presenter/{_presenter(slot)}/materials"
    answer = _send(client, presenter, "big.pdf", big, csrf=None)
    assert answer.status_code == 413 and 'name="material-file"' in answer.get_data(as_text=True)
    # A link that leads nowhere says so, as to a smaller body (helper-260).
    answer = _send(client, "/presenter/" + "x" * 43 + "/materials", "big.pdf", big, csrf=None)
    assert answer.status_code == 404 and "/remove" not in answer.get_data(as_text=True)


# --- The presenter --------------------------------------------------------------------------


def test_the_presenter_adds_and_removes_their_own_slides_without_cookies(app, future):
    token = _presenter(future)
    presenter = app.test_client(use_cookies=False)
    answer = presenter_upload(presenter, token, "my talk.pdf", PDF)
    assert answer.status_code == 302
    (material,) = _stored()
    assert material.added_by == "presenter Alex Example"
    page = presenter.get(f"/presenter/{token}/materials")
    assert page.headers["Cache-Control"] == "private, no-store"
    assert "my talk.pdf" in page.get_data(as_text=True)
    download = presenter.get(f"/presenter/{token}/materials/{material.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    remove = f"/presenter/{token}/materials/{material.id}/remove"
    assert presenter.post(remove).status_code == 200
    assert presenter.post(remove, data={"confirmed": "yes"}).status_code == 302
    assert _stored() == []


def test_every_refusal_speaks_the_presenters_language(app, future, monkeypatch):
    """A Spanish presenter's refusals are in Spanish, whole: a body too large, refused before
    their page's view chose its language, came in English; a refused link began "The link no
    puede ..."; a file cut short told them Python's "(File is not a zip file)" (helper-212)."""
    from tests.materials.files import BOMB

    monkeypatch.setitem(app.config, "MAX_MATERIAL_BYTES", 1000)
    _, token = invite(
        future, name="Eva Quispe", email=None, time_zone=None, by="co-lead", language="es"
    )
    db.session.commit()
    presenter = app.test_client(use_cookies=False)

    def said(answer) -> str:
        return html.unescape(answer.get_data(as_text=True))

    huge = presenter_upload(presenter, token, "big.pptx", PDF + b"%" * (2 * 1024 * 1024))
    assert huge.status_code == 413
    assert "El archivo supera" in said(huge) and "larger than" not in said(huge)
    assert "Corrija 1 campo" in said(huge)
    link = presenter_upload(presenter, token, url="https://slides.example/\u202egnp.pdf")
    assert link.status_code == 400
    assert "El enlace no puede contener" in said(link) and "The link" not in said(link)
    monkeypatch.setitem(app.config, "MAX_MATERIAL_BYTES", 20 * 1024 * 1024)
    cut = presenter_upload(presenter, token, "talk.pptx", BOMB[:5000])
    assert cut.status_code == 400
    assert "dañado o incompleto" in said(cut) and "zip file" not in said(cut)
    assert _stored() == []


def test_a_replaced_presenters_large_slides_are_told_the_talk_is_no_longer_theirs(
    app, future, monkeypatch
):
    """helper-260: a presenter replaced by a colleague, sending slides over the size limit
    from their old link, was told in English that "the request is larger than 1 MB" and that
    adding slides is for the slot's presenter, not that the talk is no longer theirs, as the
    page says to a smaller file. A mistyped link says, whatever the size, that it leads nowhere."""
    monkeypatch.setitem(app.config, "MAX_MATERIAL_BYTES", 1000)
    _, token = invite(
        future, name="Eva", email="eva@example.org", time_zone=None, by="x", language="es"
    )
    invite(future, name="Sam", email="sam@example.org", time_zone=None, by="x", language="en")
    db.session.commit()
    presenter = app.test_client(use_cookies=False)
    no_longer = "ya no es usted quien la presenta"
    for data in (PDF, PDF + b"%" * (2 * 1024 * 1024)):
        refused = presenter_upload(presenter, token, "talk.pdf", data)
        said = html.unescape(refused.get_data(as_text=True))
        assert refused.status_code == 404 and no_longer in said, len(data)
        assert "larger than" not in said and "Sam" not in said
    mistyped = presenter_upload(presenter, token[:-2], "talk.pdf", PDF + b"%" * (2 << 20))
    said = html.unescape(mistyped.get_data(as_text=True))
    assert mistyped.status_code == 404 and "larger than" not in said and no_longer not in said
    assert _stored() == []


def test_slides_an_earlier_presenter_added_are_not_called_yours(app, colead_client, future):
    """helper-170: Rosa added her slides, then declined; Ana, invited in her place, read them on
    her page as "added by you on 5 Dec 2026". They are "added by an earlier presenter of this
    slot"; hers, and the co-leads', are said as before, on both pages that list them."""
    rosa = _presenter(future, "Rosa Vega")
    presenter = app.test_client(use_cookies=False)
    assert presenter_upload(presenter, rosa, "rosa.pdf", PDF).status_code == 302
    ana = _presenter(future, "Ana Quispe")
    assert presenter_upload(presenter, ana, "ana.pptx", PPTX).status_code == 302
    linked = colead_upload(colead_client, future, url="https://slides.example/deck")
    assert linked.status_code == 302
    for page in (f"/presenter/{ana}", f"/presenter/{ana}/materials"):
        said = html.unescape(presenter.get(page).get_data(as_text=True))
        listed = said[said.index('id="materials"') :]
        rows = {name: listed[listed.index(name) :][:400] for name in ("rosa.pdf", "ana.pptx")}
        assert "added by an earlier presenter of this slot on " in rows["rosa.pdf"], page
        assert "added by you on " not in rows["rosa.pdf"].split("</li>")[0], page
        assert "added by you on " in rows["ana.pptx"].split("</li>")[0], page
        assert "added by the co-leads on " in listed, page
    # In Russian the earlier presenter is "докладчик", a noun of one gender: its verb agrees
    # with it (helper-173: "добавил(а) ранее приглашённый докладчик", as if of a name).
    said = presenter.get(f"/presenter/{ana}/materials?lang=ru").get_data(as_text=True)
    assert "добавил ранее приглашённый докладчик " in said
    assert "добавил(а) ранее" not in said
    # Its size as Russian writes it (CLDR's units): "N кБ", not the English "KB".
    assert re.search(r"PDF, \d+\s?кБ", html.unescape(said)), said[said.index("rosa.pdf") :][:300]


def test_the_same_file_twice_is_added_once(app, colead_client, future):
    """helper-102: the same slides uploaded twice were listed twice, two downloads of one
    thing; under another name too (the bytes are what is the same)."""
    token = _presenter(future)
    presenter = app.test_client(use_cookies=False)
    assert presenter_upload(presenter, token, "my talk.pdf", PDF).status_code == 302
    again = presenter_upload(presenter, token, "my talk (1).pdf", PDF)
    assert again.status_code == 409
    said = html.unescape(again.get_data(as_text=True))
    assert "This file is on the slot already, as “my talk.pdf” (added " in said
    assert "nothing was added." in said
    assert colead_upload(colead_client, future, "slides.pdf", PDF).status_code == 409
    assert [m.filename for m in _stored()] == ["my talk.pdf"]
    # Other slides are taken.
    assert colead_upload(colead_client, future, "Talk.odp", ODP).status_code == 302
    assert [m.filename for m in _stored()] == ["my talk.pdf", "Talk.odp"]


def test_the_same_link_twice_is_added_once(app, colead_client, future, past):
    """helper-179: a link sent twice (a double click on Add, Back and send again, the presenter
    and a co-lead both adding it) was listed twice on the agenda, as a file no longer is; so
    was a meeting's recording on its archive."""
    token = _presenter(future)
    presenter = app.test_client(use_cookies=False)
    link = "https://slides.example/ai-search"
    assert presenter_upload(presenter, token, url=link, kind="slides").status_code == 302
    again = presenter_upload(presenter, token, url=link, kind="slides")
    assert again.status_code == 409
    said = html.unescape(again.get_data(as_text=True))
    assert "This link is on the slot already (added " in said
    assert "nothing was added." in said and f'value="{link}"' in said
    assert colead_upload(colead_client, future, url=link, kind="recording").status_code == 409
    assert [m.url for m in _stored()] == [link]
    # Another link is taken, and the same one on another slot.
    other = "https://slides.example/ai-search-v2"
    assert colead_upload(colead_client, future, url=other, kind="slides").status_code == 302
    assert colead_upload(colead_client, past, url=link, kind="slides").status_code == 302
    assert [m.url for m in _stored()] == [link, other, link]

    archive = f"/meetings/{past.meeting_id}/archive"
    recording = {
        "csrf_token": csrf_token(colead_client, archive),
        "meeting-material-url": "https://video.example/rec10",
        "meeting-material-kind": "recording",
    }
    assert (
        colead_client.post(f"/meetings/{past.meeting_id}/materials", data=recording).status_code
        == 302
    )
    again = colead_client.post(f"/meetings/{past.meeting_id}/materials", data=recording)
    assert again.status_code == 409
    assert "This link is on the meeting already" in html.unescape(again.get_data(as_text=True))
    assert [m.url for m in _stored()].count("https://video.example/rec10") == 1


def test_a_lost_race_for_the_same_file_undoes_the_upload_alone(app_context, future, monkeypatch):
    """The database's rule refuses a file another upload stored after the check: the refusal
    takes back that insert only. An operation only flushes: what its caller changed before in
    the same transaction is the caller's to keep or roll back, not gone under it."""
    add_file(future, "first.pdf", PDF, "co-lead")  # the other upload's, saved
    db.session.commit()
    future.title = "Renamed"
    db.session.flush()
    # The check found no such file: another upload stored it just after.
    monkeypatch.setattr("planner.materials.operations._open_for", lambda _meeting, _slot: [])
    with pytest.raises(ConflictError, match=r"as “first\.pdf”"):
        add_file(future, "again.pdf", PDF, "co-lead")
    db.session.commit()  # the caller keeps its own change
    db.session.expire_all()
    assert future.title == "Renamed"
    assert [m.filename for m in _stored()] == ["first.pdf"]


@pytest.mark.committed  # two requests at once, each on a connection of its own
def test_the_same_file_sent_twice_at_the_same_moment_is_stored_once(app, future):
    """Two presses of Upload reaching two workers: both found no such file on the slot before
    either saved, and both were stored. The database's rule refuses the one that saves second,
    which answers as the check does, and keeps nothing of it."""
    token = _presenter(future)
    one, two = (app.test_client(use_cookies=False) for _ in range(2))
    first, second, meanwhile = sent_at_once(
        lambda: presenter_upload(one, token, "my talk.pdf", PDF),
        lambda: presenter_upload(two, token, "my talk (1).pdf", PDF),
        held_before=Material,
        given=20,
    )
    assert meanwhile, "the second upload waited for the first: no race was run"
    assert second.status_code == 302
    assert first.status_code == 409
    said = html.unescape(first.get_data(as_text=True))
    assert "This file is on the slot already, as “my talk (1).pdf” (added " in said
    assert "nothing was added." in said
    assert [m.filename for m in _stored()] == ["my talk (1).pdf"]
    assert db.session.scalar(select(func.count()).select_from(MaterialFile)) == 1


def test_a_link_to_an_internationalised_host_is_one_link_however_it_is_spelt(
    app, colead_client, future
):
    """`https://bücher.example/…` and its xn-- spelling were two links: a slot took both, and
    the agenda showed the xn-- one to people. Kept in one form, the host in Unicode; the
    calendars still carry the host in ASCII, which every client opens."""
    typed = "https://xn--bcher-kva.example/Folien?v=2"
    assert colead_upload(colead_client, future, url=typed, kind="slides").status_code == 302
    for again in ("https://bücher.example/Folien?v=2", "https://BÜCHER.example/Folien?v=2"):
        refused = colead_upload(colead_client, future, url=again, kind="slides")
        assert refused.status_code == 409, again
        assert "This link is on the slot already" in html.unescape(refused.get_data(as_text=True))
    assert [m.url for m in _stored()] == ["https://bücher.example/Folien?v=2"]
    page = colead_client.get(f"/slots/{future.id}/edit").get_data(as_text=True)
    assert ">https://bücher.example/Folien?v=2</a>" in page and "xn--" not in page
    # The path is the site's own: another path, or capitals in it, is another link.
    other = "https://bücher.example/folien?v=2"
    assert colead_upload(colead_client, future, url=other, kind="slides").status_code == 302


def test_a_lost_race_for_the_same_link_undoes_the_add_alone(app_context, future, monkeypatch):
    """As for a file: the database's rule refuses a link another request stored after the
    check, on the slot or on the meeting itself, and the refusal takes back that insert only."""
    link = "https://slides.example/ai-search"
    add_link(future, link, "slides", "co-lead")  # the other requests', saved
    add_link(future.meeting, link, "recording", "co-lead")
    db.session.commit()
    future.title = "Renamed"
    db.session.flush()
    # The check found no such link: another request stored it just after.
    monkeypatch.setattr("planner.materials.operations._open_for", lambda _meeting, _slot: [])
    with pytest.raises(ConflictError, match=r"on the slot already \(added ") as refused:
        add_link(future, link, "other", "presenter Alex Example")
    assert refused.value.field == "url"
    with pytest.raises(ConflictError, match=r"on the meeting already \(added "):
        add_link(future.meeting, link, "recording", "co-lead")
    db.session.commit()  # the caller keeps its own change
    db.session.expire_all()
    assert future.title == "Renamed"
    assert [(m.slot_id, m.url) for m in _stored()] == [(future.id, link), (None, link)]


def test_the_longest_link_fits_the_index_that_holds_it_once(app_context, future):
    """The rule indexes a link's whole address: the longest the check takes, 500 characters of
    four bytes each in UTF-8, fits an entry of a PostgreSQL index (at most 2704 bytes)."""
    start = "https://slides.example/"
    link = start + "\U0001f600" * (500 - len(start))
    assert check_link(link) == link and len(link.encode()) > 1900
    with pytest.raises(MaterialError, match="at most 500 characters"):
        check_link(link + "x")
    add_link(future, link, "slides", "co-lead")
    add_link(future.meeting, link, "recording", "co-lead")
    db.session.commit()
    assert [m.url for m in _stored()] == [link, link]


@pytest.mark.committed  # two requests at once, each on a connection of its own
def test_the_same_link_sent_twice_at_the_same_moment_is_stored_once(
    app, colead_client, other, future
):
    """The presenter and a co-lead adding the same link, or two co-leads the meeting's
    recording, on two instances: both found no such link before either saved, and both were
    stored. The database's rule refuses the one that saves second, which answers as the check
    does, and keeps nothing of it."""
    token = _presenter(future)
    presenter = app.test_client(use_cookies=False)
    link = "https://slides.example/ai-search"
    upload = f"/slots/{future.id}/materials"
    csrf = csrf_token(colead_client, f"/slots/{future.id}/edit")
    first, second, meanwhile = sent_at_once(
        lambda: presenter_upload(presenter, token, url=link, kind="slides"),
        lambda: _send(colead_client, upload, None, None, csrf=csrf, url=link, kind="slides"),
        held_before=Material,
        given=20,
    )
    assert meanwhile, "the co-lead's add waited for the presenter's: no race was run"
    assert second.status_code == 302
    assert first.status_code == 409
    said = html.unescape(first.get_data(as_text=True))
    assert "This link is on the slot already (added " in said
    assert "nothing was added." in said and f'value="{link}"' in said

    archive = f"/meetings/{future.meeting_id}/archive"
    recording = {
        "meeting-material-url": "https://video.example/rec10",
        "meeting-material-kind": "recording",
    }
    ours = {**recording, "csrf_token": csrf_token(colead_client, archive)}
    theirs = {**recording, "csrf_token": csrf_token(other, archive)}
    address = f"/meetings/{future.meeting_id}/materials"
    first, second, meanwhile = sent_at_once(
        lambda: colead_client.post(address, data=ours),
        lambda: other.post(address, data=theirs),
        held_before=Material,
        given=20,
    )
    assert meanwhile, "the second co-lead's add waited for the first's: no race was run"
    assert second.status_code == 302
    assert first.status_code == 409
    said = html.unescape(first.get_data(as_text=True))
    assert "This link is on the meeting already (added " in said
    assert [(m.slot_id, m.url) for m in _stored()] == [
        (future.id, link),
        (None, "https://video.example/rec10"),
    ]


def test_a_private_page_of_the_planner_is_no_slides_link(app, future):
    """helper-86: a presenter pasted their own page's address as their slides link; once the
    meeting's materials were public, anyone reading the agenda could answer for them. Links to
    the planner's private pages are refused with the form kept; the same paths elsewhere, and
    the planner's public pages, are links like any other."""
    token = _presenter(future)
    presenter = app.test_client(use_cookies=False)
    base = app.config["BASE_URL"]
    for url in (
        f"{base}/presenter/{token}",
        f"{base}/presenter/{token}/materials",
        f"{base.replace('localhost', 'LOCALHOST')}/proposals/{token}/edit",
        f"{base}/unsubscribe/{token}",
        f"{base}/pres%65nter/{token}",
        f"{base}/feeds/offices/AU.ics?token=abc",
        # Read as a browser reads them, they lead there too, or show the secret (helper-91).
        f"{base}/a/../presenter/{token}",
        f"{base}/%2e/presenter/{token}",
        f"{base.replace('http:', 'https:')}:8443/presenter/{token}",
        f"{base}/presenter/{token}/materials/1/remove",  # a form's target, not a page to GET
        f"{base}/presenter/{token}/",
        f"{base}/presenter/{token}/anything",
        # Loopback spelt as browsers read it, like localhost (helper-94).
        f"http://127.1/presenter/{token}",
        f"http://0x7f.1/presenter/{token}",
        f"http://2130706433/presenter/{token}",
        f"http://0177.0.0.2/presenter/{token}",
        f"http://[::ffff:127.0.0.1]/presenter/{token}",
        # As the URL standard reads them (helper-95): "0x" alone is 0, IDNA maps first.
        f"http://0x7f.0x.0x.1/presenter/{token}",
        f"http://１２７.１/presenter/{token}",
        f"http://127。0。1/presenter/{token}",
        # A backslash in the path is a slash to a browser.
        f"{base}/presenter\\{token}",
        f"{base}/a\\..\\presenter\\{token}",
    ):
        refused = presenter_upload(presenter, token, url=url, kind="slides")
        page = html.unescape(refused.get_data(as_text=True))
        assert refused.status_code == 400, url
        assert "leads to a private page of this planner" in page
        assert f'value="{url}"' in page  # kept, to correct
    assert _stored() == []
    for url in (
        "https://slides.example/presenter/Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5",  # no secret of ours
        f"http://10.1/presenter/{token[::-1]}",  # another machine, no secret of ours
        f"{base}/meetings/1",  # a public page of the planner
    ):
        assert presenter_upload(presenter, token, url=url, kind="slides").status_code == 302
    assert [m.url for m in _stored()] == [
        "https://slides.example/presenter/Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5",
        f"http://10.1/presenter/{token[::-1]}",
        f"{base}/meetings/1",
    ]


def test_a_link_that_holds_a_secret_of_the_planner_anywhere_is_refused(app, future):
    """helper-202: whoever reads a private link's secret can open its page on the planner, so a
    link that holds one is refused wherever the secret sits: another site's path, a query
    value other than `token`, a fragment, escaped; a presenter's, a volunteer's, an office
    feed's or an unsubscribe link's."""
    from planner.calendar.operations import office_feed_token
    from planner.mail.unsubscribe import unsubscribe_token
    from planner.offices.models import Office
    from planner.private_links import names_a_secret
    from planner.proposals.operations import EDITABLE, submit

    token = _presenter(future)
    presenter = app.test_client(use_cookies=False)
    base = app.config["BASE_URL"]
    escaped = "".join(f"%{ord(c):02X}" for c in token)
    for url in (
        f"https://slides.example/presenter/{token}",
        f"{base}/login?next=/presenter/{token}",
        f"https://slides.example/deck#/presenter/{token}",
        f"https://slides.example/deck?ref={escaped}",
        f"https://slides.example/{token}.pdf",
        # Run on into letters of its own alphabet (helper-301: these were published).
        f"https://slides.example/deck-{token}",
        f"https://slides.example/{token}_v2.pdf",
    ):
        refused = presenter_upload(presenter, token, url=url, kind="slides")
        assert refused.status_code == 400, url
        assert "leads to a private page of this planner" in html.unescape(
            refused.get_data(as_text=True)
        )
    assert _stored() == []
    with app.test_request_context():
        fields = {name: None for name in EDITABLE} | {
            "title": "Our AI search",
            "abstract": "How we search with AI.",
            "contact_name": "Alex",
            "contact_email": "",
            "duration_minutes": 20,
            "availability": "",
            "maturity": "production",
        }
        _, proposal_token = submit("AU", fields, [10])
        assert names_a_secret(f"https://x.example/?p={proposal_token}")
        office = db.session.get(Office, "AU")
        feed = office_feed_token(office, app.config["SECRET_KEY"])
        assert names_a_secret(f"https://x.example/calendar?u={feed}")
        assert names_a_secret(f"https://x.example/u/{unsubscribe_token('a@b.example', 'update')}")
        # Run on into letters of their own alphabet (helper-301).
        assert names_a_secret(f"https://x.example/cal-{feed}_v2")
        assert names_a_secret(f"https://x.example/u-{unsubscribe_token('a@b.example', 'update')}-x")
        # One compressed (a long address that repeats itself signs as ".eJ..."), run on too.
        compressed = unsubscribe_token("ab" * 30 + "@b.example", "update")
        assert compressed.startswith(".eJ")
        assert names_a_secret(f"https://x.example/u-{compressed}-x")
        assert not names_a_secret("https://x.example/a-long-slug-of-words-that-is-no-secret")
        db.session.rollback()


def test_a_file_named_with_a_secret_of_the_planner_is_refused(app, colead_client, future):
    """A file's name is on the agenda and in its download address: one that holds a private
    link's secret is refused as a link holding it is, from the presenter and a co-lead."""
    token = _presenter(future)
    presenter = app.test_client(use_cookies=False)
    for answer in (
        presenter_upload(presenter, token, f"talk {token}.pdf", PDF),
        colead_upload(colead_client, future, f"{token}.pdf", PDF),
    ):
        assert answer.status_code == 400
        assert "The file's name holds the secret of a private link of this planner" in (
            html.unescape(answer.get_data(as_text=True))
        )
    assert _stored() == []
    assert presenter_upload(presenter, token, "talk.pdf", PDF).status_code == 302


def test_a_long_link_is_refused_for_its_length_before_it_is_read(app, colead_client, future):
    """helper-301: a slides or video link of many secret-like runs (the slides form takes 20 MB)
    was looked up whole, every run in one statement: seconds of work, and on PostgreSQL more
    parameters than a statement takes (a 503 saying the database could not be reached). Its
    length is refused first, and a long text is looked up a bounded part at a time."""
    from planner.private_links import names_a_secret
    from tests.support import counted_queries

    runs = "/".join(f"abcdefghij.klmnopq{i:07d}" for i in range(36000))  # 940 KB
    url = f"https://slides.example/{runs}"
    token = _presenter(future)
    presenter = app.test_client(use_cookies=False)
    with counted_queries() as statements:
        # Within the 500 KB a form's text field may hold.
        refused = presenter_upload(presenter, token, url=url[:400_000], kind="slides")
    assert refused.status_code == 400
    assert "at most 500 characters" in refused.get_data(as_text=True)
    assert not [s for s in statements if "link_hash IN" in s]
    video = colead_client.patch(f"/api/v1/meetings/{future.meeting_id}", json={"video_url": url})
    assert video.status_code == 400
    assert "limited to 500 characters" in video.get_json()["message"]
    with app.test_request_context(), counted_queries() as statements:
        assert not names_a_secret(runs)
    # At most 5000 digests in a statement (and its LIMIT, with an OFFSET on SQLite).
    assert max(s.count("?") + s.count("%(") for s in statements) <= 5002


def test_only_what_has_the_shape_of_a_signed_token_is_verified(app, monkeypatch):
    """A signature is checked on exactly what was signed: every token the planner signs (an
    office feed's, an unsubscribe link's, compressed or not) has one shape, and a run of another
    is not verified, so a text of many runs costs no HMAC each (helper-131: the 940 KB text of
    the test above was 72,000 of them; a part of it says the same)."""
    import planner.calendar.operations as calendar_operations
    import planner.private_links as private_links
    from planner.calendar.operations import office_feed_token
    from planner.mail.unsubscribe import unsubscribe_token
    from planner.offices.models import Office

    verified = []

    def counted(check):
        def verify(token, *args):
            verified.append(token)
            return check(token, *args)

        return verify

    monkeypatch.setattr(private_links, "read_token", counted(private_links.read_token))
    monkeypatch.setattr(
        calendar_operations,
        "signed_as_feed_token",
        counted(calendar_operations.signed_as_feed_token),
    )
    with app.test_request_context():
        secret = app.config["SECRET_KEY"]
        tokens = [
            office_feed_token(Office(code="AU", name="IP Australia", feed_version=3), secret),
            unsubscribe_token("a@b.example", "update"),
            unsubscribe_token("ab" * 30 + "@b.example", "update"),
            unsubscribe_token("é" * 600 + "@b.example", "reminder"),
        ]
        for token in tokens:
            assert private_links._SIGNED_SHAPE.fullmatch(token), token
            assert private_links.names_a_secret(f"https://x.example/u/{token}"), token
        assert verified
        verified.clear()
        runs = "/".join(f"abcdefghij.klmnopq{i:07d}" for i in range(2000))
        assert not private_links.names_a_secret(runs)
        assert verified == []


def test_the_planners_ip_address_is_its_address_however_spelt(app):
    """helper-94: with BASE_URL an IP address, a browser opens the same page at its decimal,
    hex, octal or shortened spellings; each is the planner's own address."""
    from planner.private_links import private_page

    before = app.config["BASE_URL"]
    app.config["BASE_URL"] = "http://192.168.1.5:8000"
    try:
        with app.app_context():
            for host in (
                "192.168.1.5",
                "3232235781",
                "0xc0.0xa8.1.5",
                "0300.0250.1.5",
                "192.168.261",
            ):
                assert private_page(f"http://{host}:8000/presenter/abc"), host
            for host in ("192.168.1.6", "3232235782", "192.168.1.5.example", "1.2.3.4.5"):
                assert not private_page(f"http://{host}:8000/presenter/abc"), host
    finally:
        app.config["BASE_URL"] = before


def test_a_presenter_cannot_touch_another_slots_materials(app, colead_client):
    meeting = _meeting(
        colead_client, FUTURE, talks=(TALK, {**TALK, "title": "Other", "office": "JP"})
    )
    mine, theirs = meeting.slots
    colead_upload(colead_client, theirs, "theirs.pdf", PDF)
    (material,) = _stored()
    token = _presenter(mine, "Alex")
    presenter = app.test_client(use_cookies=False)
    base = f"/presenter/{token}/materials/{material.id}"
    assert presenter.get(base).status_code == 404
    assert presenter.post(f"{base}/remove", data={"confirmed": "yes"}).status_code == 404
    assert len(_stored()) == 1


def test_a_revoked_presenter_link_leads_nowhere(app, future):
    token = _presenter(future)
    presenter = app.test_client(use_cookies=False)
    presenter_upload(presenter, token, "a.pdf", PDF)
    (material,) = _stored()
    revoke(future.invitation)
    db.session.commit()
    for answer in (
        presenter.get(f"/presenter/{token}/materials"),
        presenter_upload(presenter, token, "b.pdf", PDF),
        presenter.get(f"/presenter/{token}/materials/{material.id}"),
    ):
        assert answer.status_code == 404
        assert "revoked" in answer.get_data(as_text=True)
    assert len(_stored()) == 1


def test_a_presenter_upload_refuses_a_renamed_program(app, future):
    token = _presenter(future)
    answer = presenter_upload(app.test_client(use_cookies=False), token, "slides.pdf", ELF)
    assert answer.status_code == 400 and "program" in answer.get_data(as_text=True)
    assert _stored() == []


# --- Who sees them, when --------------------------------------------------------------------


def test_anyone_sees_them_only_after_the_meeting_by_default(client, colead_client, future, past):
    for slot in (future, past):
        colead_upload(colead_client, slot, "slides.pdf", PDF)
    before, after = _stored()
    refused = client.get(f"/materials/{before.id}/slides.pdf")
    assert refused.status_code == 404
    assert "once it has ended" in refused.get_data(as_text=True)
    assert "slides.pdf" not in client.get(f"/meetings/{future.meeting_id}").get_data(as_text=True)

    shown = client.get(f"/materials/{after.id}/slides.pdf")
    assert shown.status_code == 200 and shown.data == PDF
    assert shown.headers["Cache-Control"].startswith("public")
    page = client.get(f"/meetings/{past.meeting_id}").get_data(as_text=True)
    assert f'href="/materials/{after.id}/slides.pdf"' in page
    assert f"/meetings/{past.meeting_id}/archive" in page


def test_the_setting_never_and_as_soon_as_added(client, colead_client, future, past):
    colead_upload(colead_client, future, "slides.pdf", PDF)
    colead_upload(colead_client, past, "slides.pdf", PDF)
    soon, late = _stored()
    future.meeting.materials_public = "now"
    past.meeting.materials_public = "never"
    db.session.commit()
    assert client.get(f"/materials/{soon.id}/slides.pdf").status_code == 200
    assert client.get(f"/materials/{late.id}/slides.pdf").status_code == 404


def test_the_slides_of_a_talk_not_given_are_shown_to_co_leads_only(
    app, client, colead_client, future
):
    """helper-181: a presenter added slides, then declined; the agenda, public "as soon as
    added", still offered them for download, as it did a cancelled slot's. The archive leaves
    such slots out; the agenda and the download now do too, until the slot is given again."""
    from planner.materials.operations import archive
    from planner.presenters.operations import answer

    future.meeting.materials_public = "now"
    db.session.commit()
    rosa = _presenter(future, "Rosa Vega")
    presenter = app.test_client(use_cookies=False)
    assert presenter_upload(presenter, rosa, "rosa.pdf", PDF).status_code == 302
    (slides,) = _stored()
    agenda, file = f"/meetings/{future.meeting_id}", f"/materials/{slides.id}/rosa.pdf"
    assert "rosa.pdf" in client.get(agenda).get_data(as_text=True)
    assert client.get(file).status_code == 200

    answer(by_token(rosa), "declined", "I cannot travel that week.")
    db.session.commit()
    assert "rosa.pdf" not in client.get(agenda).get_data(as_text=True)
    refused = client.get(file)
    assert refused.status_code == 404 and b"PDF" not in refused.data
    assert colead_client.get(file).data == PDF

    # A talk given again (the co-leads set it back) shows them again.
    future.status = "confirmed"
    db.session.commit()
    assert client.get(file).status_code == 200

    # Given by another presenter, invited in Rosa's place: her slides are not theirs, and stay
    # off the public agenda (helper-186); what the new presenter adds is shown.
    answer(by_token(rosa), "declined", "I cannot travel that week.")
    db.session.commit()
    ben = _presenter(future, "Ben Li")
    assert presenter_upload(presenter, ben, "ben.pptx", PPTX).status_code == 302
    page = client.get(agenda).get_data(as_text=True)
    assert "rosa.pdf" not in page and "ben.pptx" in page
    assert client.get(file).status_code == 404
    assert colead_client.get(file).data == PDF
    # Nor is it in the archive of what was presented.
    (presented,) = [p for p in archive(future.meeting) if p.slot.id == future.id]
    assert [m.filename for m in presented.materials] == ["ben.pptx"]


def test_a_slot_no_longer_theirs_reads_no_large_upload(app, future):
    """Any valid presenter link raised the request limit to the slides' 20 MB, so a declined
    slot's link read a whole large body only to refuse it (helper-181). It stops at the app's
    1 MB and says why it takes nothing: the slot is no longer theirs to change."""
    from planner.presenters.operations import answer

    rosa = _presenter(future, "Rosa Vega")
    answer(by_token(rosa), "declined", "I cannot travel that week.")
    db.session.commit()
    big = PDF + b"%" * (2 * 1024 * 1024)
    sent = EnvironBuilder(
        path=f"/presenter/{rosa}/materials",
        method="POST",
        data={"material-file": (io.BytesIO(big), "big.pdf")},
        content_type="multipart/form-data",
    ).get_environ()
    body = sent["wsgi.input"]  # the bytes sent: how far the app read them is its position
    refused = app.test_client(use_cookies=False).open(sent)
    assert refused.status_code == 409
    said = html.unescape(refused.get_data(as_text=True))
    # Said as a refusal, that is (the file input carries the words for upload.js).
    refusals = re.findall(r'<p class="error"[^>]*>([^<]*)</p>', said)
    assert "You declined this presentation" in said
    assert refusals and not any("larger than" in refusal for refusal in refusals)
    assert body.tell() < 1024 * 1024
    assert _stored() == []


def test_the_setting_is_on_the_meeting_form(colead_client, future):
    url = f"/meetings/{future.meeting_id}/edit"
    page = colead_client.get(url).get_data(as_text=True)
    assert 'name="materials_public"' in page
    form = {
        "csrf_token": csrf_token(colead_client, url),
        "title": "Rec 10 workshop",
        "kind": "workshop",
        "day": "2031-03-11",
        "start": "13:00",
        "duration_minutes": "90",
        "time_zone": "Europe/Zurich",
        "materials_public": "now",
        "version": str(future.meeting.version),
    }
    answer = colead_client.post(url, data=form)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, future.meeting_id).materials_public == "now"


def test_drafts_materials_are_no_ones_but_the_coleads(client, colead_client):
    slot = _meeting(colead_client, PAST, publish=False).slots[0]
    colead_upload(colead_client, slot, "slides.pdf", PDF)
    (material,) = _stored()
    assert client.get(f"/materials/{material.id}/slides.pdf").status_code == 404
    assert client.get(f"/meetings/{slot.meeting_id}/archive").status_code == 404
    assert colead_client.get(f"/materials/{material.id}/slides.pdf").status_code == 200


# --- The archive ----------------------------------------------------------------------------


def test_the_archive_lists_what_was_presented_with_its_evidence(client, colead_client, survey):
    project = db.session.scalars(
        select(Answer).where(
            Answer.survey_id == survey.id,
            Answer.question == Question.focus,
            Answer.recommendation_number == 10,
        )
    ).first()
    proposal = client.post(
        "/api/v1/proposals",
        json={
            "office": "IL",
            "name": "Dana",
            "email": "dana@ilpo.example",
            "title": "AI search for examiners",
            "abstract": "What we built and learned.",
            "recommendations": [10],
            "duration": 25,
            "maturity": "production",
        },
    ).get_json()
    accepted = colead_client.patch(
        f"/api/v1/proposals/{proposal['id']}",
        json={"status": "accepted", "reason": "A fit.", "version": proposal["version"]},
    )
    assert accepted.status_code == 200, accepted.get_json()
    talks = (
        {**TALK, "title": "From the survey", "office": project.office_code},
        {**TALK, "title": "From a proposal", "office": "IL", "proposal_id": proposal["id"]},
    )
    meeting = _meeting(colead_client, PAST, talks=talks)
    from_survey, _ = meeting.slots
    colead_upload(colead_client, from_survey, "survey-talk.pdf", PDF)
    answer = colead_client.post(
        f"/meetings/{meeting.id}/materials",
        data={
            "csrf_token": csrf_token(colead_client, f"/meetings/{meeting.id}/archive"),
            "meeting-material-url": "https://video.example/whole",
            "meeting-material-kind": "recording",
        },
    )
    assert answer.status_code == 302

    page = client.get(f"/meetings/{meeting.id}/archive")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "From the survey" in text and "From a proposal" in text
    assert "AI search for examiners" in text and "What we built and learned." in text
    assert f"/surveys/{survey.slug}/answers/{project.id}" in text
    assert "survey-talk.pdf" in text and "https://video.example/whole" in text
    assert "Add a link for the whole meeting" not in text  # the co-leads' form


def test_the_archive_of_a_meeting_planned_from_last_year_s_answers_keeps_them(
    client, colead_client, survey
):
    """helper-208: a workshop accepted from a line-up on CWS/13/26's answers, its slots quoting
    them, said once the 2026 round was imported that each talk "came from" the office's 2026
    answer ("IP Australia completed the cloud migration ... in 2025"), which no one had read
    when it was planned. Its evidence is the survey its line-up read, and a slot added by hand
    reads the survey pages showed when it was added."""
    from tests.support import import_second_round

    made = colead_client.post(
        "/api/v1/lineups", json={"recommendation": 1, "slots": 2, "include": ["AU"]}
    ).get_json()
    token = csrf_token(colead_client, f"/lineups/{made['id']}")
    accepted = colead_client.post(f"/lineups/{made['id']}/accept", data={"csrf_token": token})
    planned = int(accepted.headers["Location"].rsplit("/", 1)[1])
    talk = {**TALK, "recommendations": [1]}
    by_hand = _meeting(colead_client, PAST, talks=(talk,), publish=False).id
    import_second_round()
    for meeting_id in (planned, by_hand):
        text = html.unescape(
            colead_client.get(f"/meetings/{meeting_id}/archive").get_data(as_text=True)
        )
        assert "survey CWS/13/26: AU's current focus (Q4) on Rec 1" in text, meeting_id
        assert "completed the cloud migration" not in text, meeting_id
    # Added now, a slot's evidence is this round's.
    added = colead_client.post(f"/api/v1/meetings/{by_hand}/slots", json={**talk, "office": "EM"})
    assert added.status_code == 201, added.get_json()
    text = html.unescape(colead_client.get(f"/meetings/{by_hand}/archive").get_data(as_text=True))
    assert "survey CWS/14/2026: EM's current focus (Q4) on Rec 1" in text
    assert "EUIPO completed its migration to the cloud." in text


def test_the_archive_quotes_the_survey_the_meeting_was_planned_with_after_a_corrected_file(
    colead_client, survey
):
    """A workshop held in July 2026 was planned with the 2026 round, which it keeps once the
    2027 round is imported. The 2026 round's file is then corrected (--replace: stored anew,
    after the workshop's talks were made): its archive quoted what AU said in CWS/13/26, the
    round before, as the survey pages showed when each talk was made (helper-229). Its evidence
    is the survey it was planned with, as corrected."""
    import json

    from planner.agenda.models import Meeting
    from planner.survey.operations import import_file
    from tests.support import held_workshop, import_second_round, second_round_csv

    import_second_round()
    talk = {**TALK, "recommendations": [1]}
    held = held_workshop(colead_client, [talk], starts_at="2026-07-14T13:00:00+02:00")
    later = {
        "survey": {"label": "CWS/15/2027", "answered_until": "2027-06-30"},
        "offices": [{"code": "JP", "name": "Japan Patent Office", "time_zone": "Asia/Tokyo"}],
        "answers": [{"office": "JP", "question": "focus", "recommendation": 1, "text": "AI."}],
    }
    import_file(json.dumps(later).encode(), "cws-2027.json")
    corrected = second_round_csv() + (
        b"CWS/14/2026,PE,INDECOPI,America/Lima,discuss,10,Recommendation 10,"
        b"2026-04-13,2026-06-30\r\n"
    )
    assert import_file(corrected, "cws-2026.csv", replace=True).status == "replaced"
    db.session.commit()
    assert db.session.get(Meeting, held).survey.label == "CWS/14/2026"
    text = html.unescape(colead_client.get(f"/meetings/{held}/archive").get_data(as_text=True))
    assert "survey CWS/14/2026: AU's current focus (Q4) on Rec 1" in text
    assert "CWS/13/26" not in text


def test_the_archive_opens_once_the_meeting_has_ended(client, future):
    answer = client.get(f"/meetings/{future.meeting_id}/archive")
    assert answer.status_code == 404
    assert "once the meeting has ended" in answer.get_data(as_text=True)


def test_a_co_lead_previewing_the_archive_of_a_meeting_not_held_yet_is_told_so(
    colead_client, future, past
):
    """A co-lead opening the archive of next month's meeting read "Everything presented on"
    its date, as if it had been held."""
    text = html.unescape(
        colead_client.get(f"/meetings/{future.meeting_id}/archive").get_data(as_text=True)
    )
    assert "Not held yet: what is to be presented on" in text
    assert "as it will read once the meeting has ended" in text
    assert "Everything presented" not in text
    text = html.unescape(
        colead_client.get(f"/meetings/{past.meeting_id}/archive").get_data(as_text=True)
    )
    assert "Everything presented on" in text
    assert "Not held yet" not in text


def test_a_co_lead_opening_the_archive_of_a_meeting_never_to_be_held_is_told_why(colead_client):
    """The archive of a cancelled meeting, or of a draft whose date passed unpublished, said
    "Not held yet: what is to be presented on" its date, and that it was the archive "as it will
    read once the meeting has ended": neither will ever be held, nor their archive open."""
    cancelled = _meeting(colead_client, FUTURE)
    url = f"/api/v1/meetings/{cancelled.id}"
    assert colead_client.patch(url, json={"status": "cancelled"}).status_code == 200
    unpublished = _meeting(colead_client, PAST, publish=False)
    for meeting, said, why in (
        (cancelled, "Cancelled: what was to be presented on", "the meeting is cancelled."),
        (
            unpublished,
            "Never published: what was to be presented on",
            "the meeting was never published.",
        ),
    ):
        text = html.unescape(
            colead_client.get(f"/meetings/{meeting.id}/archive").get_data(as_text=True)
        )
        assert said in text
        assert f"Nobody but the co-leads can open this archive: {why}" in text
        assert "Not held yet" not in text and "once the meeting has ended" not in text
        assert "Everything presented" not in text


def test_the_presenters_page_has_the_materials_section(app, future):
    token = _presenter(future)
    presenter = app.test_client(use_cookies=False)
    answer = presenter_upload(presenter, token, "my talk.pdf", PDF)
    assert answer.location.endswith(f"/presenter/{token}#materials")
    page = presenter.get(f"/presenter/{token}").get_data(as_text=True)
    (material,) = _stored()
    assert f'action="/presenter/{token}/materials"' in page
    assert f'href="/presenter/{token}/materials/{material.id}"' in page
    assert "csrf_token" not in page  # the address is the secret; no cookie is needed
    assert "colead@example.org" not in page  # nor shown who among the co-leads did what
    # Who will see what they add, as the meeting's setting says (helper-66).
    assert (
        "Who sees them: you and the co-leads at once; anyone, on the public agenda, once the "
        "meeting is over."
    ) in page
    future.meeting.materials_public = "never"
    db.session.commit()
    page = presenter.get(f"/presenter/{token}").get_data(as_text=True)
    assert "on the public agenda, never (the co-leads keep them to themselves)" in page
    # A talk not given shows none in public, whatever the setting (helper-193).
    future.meeting.materials_public = "after"
    future.status = "cancelled"
    db.session.commit()
    page = presenter.get(f"/presenter/{token}").get_data(as_text=True)
    assert "on the public agenda, never, as the talk will not be given." in page
