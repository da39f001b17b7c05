"""Office contacts: co-leads enter, edit, delete and export them; a volunteer becomes one only
with consent; no public page, API answer or feed ever shows one."""

import csv
import html
import io
import re

import pytest
from sqlalchemy import func, select

from planner.agenda.models import Slot
from planner.extensions import db
from planner.offices.contacts import contacts_for
from planner.offices.models import OfficeContact
from planner.proposals.models import Proposal
from planner.spreadsheet import written
from tests.support import (
    COLEAD_EMAIL,
    counted_queries,
    csrf_token,
    form_in,
    hidden_fields,
    publish_as_planned,
    session_csrf_token,
)

NAME, EMAIL = "Zephyrine Quillfeather", "zephyrine@ipaustralia.example"
PROPOSAL = {
    "office": "AU",
    "contact_name": NAME,
    "contact_email": EMAIL,
    "title": "Trialling new technologies safely",
    "abstract": "How a risk-based governance framework lets us try AI early.",
    "recommendations": ["10"],
    "duration_minutes": "20",
    "availability": "Tuesdays 08:00-11:00",
    "maturity": "pilot",
}


def add(client, code: str = "AU", **changes):
    url = f"/offices/{code}/contacts/new"
    data = {
        "csrf_token": csrf_token(client, url),
        "name": NAME,
        "email": EMAIL,
        "role": "ICT director",
        "language": "en",
        **changes,
    }
    return client.post(url, data=data)


def stored() -> list[OfficeContact]:
    db.session.expire_all()
    return list(db.session.scalars(select(OfficeContact).order_by(OfficeContact.id)))


def volunteer(client, **changes):
    data = {**PROPOSAL, "csrf_token": csrf_token(client, "/volunteer"), **changes}
    return client.post("/volunteer", data=data)


def decide(colead_client, status: str = "accepted", title: str | None = None) -> int:
    """A co-lead's decision on the latest proposal (or the one with `title`); its id."""
    query = select(Proposal).order_by(Proposal.id.desc())
    if title is not None:
        query = query.where(Proposal.title == title)
    proposal = db.session.scalars(query).first()
    body = {"status": status, "reason": "Fits.", "version": proposal.version}
    response = colead_client.patch(f"/api/v1/proposals/{proposal.id}", json=body)
    assert response.status_code == 200, response.get_json()
    return proposal.id


def test_a_colead_adds_edits_and_deletes_a_contact(colead_client, survey):
    assert add(colead_client).status_code == 302
    [contact] = stored()
    assert (contact.name, contact.email, contact.role, contact.language) == (
        NAME,
        EMAIL,
        "ICT director",
        "en",
    )
    assert contact.source == "entered by colead@example.org"
    page = colead_client.get("/offices/AU").get_data(as_text=True)
    assert 'id="contacts"' in page and NAME in page and EMAIL in page and "English" in page

    edit = f"/offices/contacts/{contact.id}/edit"
    form = colead_client.get(edit).get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in form
    saved = colead_client.post(
        edit,
        data={
            "csrf_token": csrf_token(colead_client, edit),
            "name": NAME,
            "email": EMAIL,
            "role": "Focal point",
            "language": "fr",
            "version": "1",
        },
    )
    assert saved.status_code == 302
    [contact] = stored()
    assert (contact.role, contact.language, contact.version) == ("Focal point", "fr", 2)
    assert contact.source == "entered by colead@example.org"  # where it came from stays

    delete = f"/offices/contacts/{contact.id}/delete"
    confirm = colead_client.get(delete)
    assert confirm.status_code == 200 and "Delete the contact" in confirm.get_data(as_text=True)
    assert stored(), "asking is not deleting"
    gone = colead_client.post(
        delete, data={"csrf_token": csrf_token(colead_client, delete), "version": "2"}
    )
    assert gone.status_code == 302 and stored() == []


def test_a_contact_deleted_while_another_co_lead_edits_it_comes_back_to_add_again(
    colead_client, survey
):
    """helper-89: a save of a contact deleted meanwhile answered a bare 404, and what the
    co-lead typed was gone. It comes back as a new contact of the office, to add again."""
    assert add(colead_client).status_code == 302
    [contact] = stored()
    edit = f"/offices/contacts/{contact.id}/edit"
    fields = form_in(colead_client.get(edit).get_data(as_text=True))
    delete = f"/offices/contacts/{contact.id}/delete"
    gone = colead_client.post(
        delete, data={"csrf_token": csrf_token(colead_client, delete), "version": "1"}
    )
    assert gone.status_code == 302 and stored() == []
    refused = colead_client.post(edit, data={**fields, "role": "Typed after the delete"})
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 409
    assert "This contact was deleted since you opened the page" in page
    assert 'value="Typed after the delete"' in page and f'value="{EMAIL}"' in page
    again = form_in(refused.get_data(as_text=True))
    assert colead_client.post("/offices/AU/contacts/new", data=again).status_code == 302
    [contact] = stored()
    assert contact.role == "Typed after the delete"
    # Its page is not found; a form naming no office is not found either.
    assert colead_client.get(edit).status_code == 404
    bare = {k: v for k, v in fields.items() if k != "office"}
    assert colead_client.post(edit, data=bare).status_code == 404


def test_deleting_a_contact_with_no_role_says_none(colead_client, survey):
    """helper-278: the page that asks before deleting a contact gave a role left empty as "—",
    which a screen reader says nothing for: "Role" and then silence. A dash to the eye, "none"
    read aloud, as on the office's page."""
    assert add(colead_client, role="").status_code == 302
    [contact] = stored()
    page = colead_client.get(f"/offices/contacts/{contact.id}/delete").get_data(as_text=True)
    role = re.search(r"<dt>Role</dt><dd>(.*?)</dd>", page, re.S)[1]
    assert role == '<span aria-hidden="true">–</span><span class="visually-hidden">none</span>'


def test_a_second_contact_with_the_same_address_is_refused(colead_client, survey):
    assert add(colead_client).status_code == 302
    again = add(colead_client, email=EMAIL.upper(), name="Someone else")
    assert again.status_code == 409
    assert "is already a contact of AU" in again.get_data(as_text=True)
    assert len(stored()) == 1
    # Another office may have the same person.
    assert add(colead_client, code="CA").status_code == 302
    assert len(stored()) == 2


@pytest.mark.parametrize(
    ("first", "again"),
    [
        ("ÉLISE@example.org", "élise@example.org"),
        ("ØYVIND@exämple.org", "øyvind@xn--exmple-cua.org"),
    ],
)
def test_the_same_address_in_other_capitals_of_any_script_is_the_same_contact(
    colead_client, survey, first, again
):
    """helper-79: SQL's lower() folds only ASCII capitals, so ÉLISE@ and élise@ were two
    contacts of one office; addresses are compared as one mailbox (`same_address`)."""
    assert add(colead_client, email=first).status_code == 302
    refused = add(colead_client, email=again, name="Someone else")
    assert refused.status_code == 409
    assert "is already a contact of AU" in refused.get_data(as_text=True)
    assert len(stored()) == 1


def test_a_stale_edit_or_delete_is_refused_and_keeps_the_input(colead_client, survey):
    add(colead_client)
    [contact] = stored()
    edit = f"/offices/contacts/{contact.id}/edit"
    fields = {"name": NAME, "email": EMAIL, "role": "", "language": "en"}
    first = colead_client.post(
        edit, data={"csrf_token": csrf_token(colead_client, edit), **fields, "version": "1"}
    )
    assert first.status_code == 302
    late = colead_client.post(
        edit,
        data={
            "csrf_token": csrf_token(colead_client, edit),
            **fields,
            "role": "Typed late",
            "version": "1",
        },
    )
    assert late.status_code == 409
    page = late.get_data(as_text=True)
    assert "Typed late" in page and "you saw version 1" in page
    delete = f"/offices/contacts/{contact.id}/delete"
    refused = colead_client.post(
        delete, data={"csrf_token": csrf_token(colead_client, delete), "version": "1"}
    )
    assert refused.status_code == 409 and len(stored()) == 1


def test_a_wrong_language_or_address_is_refused(colead_client, survey):
    assert add(colead_client, language="xx").status_code == 400
    assert add(colead_client, email="not-an-address").status_code == 400
    assert stored() == []


def test_only_coleads_see_or_change_contacts(client, colead_client, survey):
    add(colead_client)
    [contact] = stored()
    for url in (
        "/offices/AU/contacts/new",
        f"/offices/contacts/{contact.id}/edit",
        f"/offices/contacts/{contact.id}/delete",
        "/offices/contacts.csv",
    ):
        answer = client.get(url)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"], url
    page = client.get("/offices/AU").get_data(as_text=True)
    assert NAME not in page and EMAIL not in page and 'id="contacts"' not in page


def test_the_export_lists_every_office_and_is_safe_in_a_spreadsheet(colead_client, survey):
    add(colead_client)
    add(colead_client, code="PE", name='=HYPERLINK("http://evil.example")', email="a@pe.example")
    add(colead_client, code="ES", name="@SUM(A1)", email="b@es.example", role="+34 ICT")
    response = colead_client.get("/offices/contacts.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "no-store" in response.headers["Cache-Control"]
    # UTF-8 with its byte-order mark, which Excel needs to read it as UTF-8 (helper-89).
    assert (
        response.data.startswith("\ufeff".encode())
        and response.mimetype_params["charset"] == "utf-8"
    )
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r["office"] for r in rows] == ["AU", "ES", "PE"]
    assert rows[2]["name"] == '\'=HYPERLINK("http://evil.example")'
    assert rows[1]["name"] == "'@SUM(A1)" and rows[1]["role"] == "'+34 ICT"
    assert rows[0]["email"] == EMAIL and rows[0]["source"] == "entered by colead@example.org"


def test_the_export_opens_in_columns_in_any_spreadsheet(colead_client, survey):
    """Excel where the comma is the decimal sign (French, Spanish, German settings) splits a CSV
    at ";" alone, so the comma-separated export opened there as one column: the export also comes
    with semicolons. Either way every cell is quoted, so that the other separator inside a cell
    cuts nothing: LibreOffice's import ticks comma, semicolon and tab alike, and split a role
    "ICT; AI" in two, moving the language, source and dates a column on."""
    add(colead_client, role="ICT; AI, data")
    comma = colead_client.get("/offices/contacts.csv").data.decode("utf-8-sig")
    semicolons = colead_client.get("/offices/contacts.csv?separator=semicolon")
    assert semicolons.status_code == 200 and semicolons.data.startswith("\ufeff".encode())
    semicolons = semicolons.data.decode("utf-8-sig")
    assert semicolons.startswith('"office";"office name";"name";"email";"role"')
    assert list(csv.reader(io.StringIO(semicolons), delimiter=";")) == list(
        csv.reader(io.StringIO(comma))
    )
    for text, separator in ((comma, ","), (semicolons, ";")):
        assert '"ICT; AI, data"' in text
        # Every cell in quotes (these hold none of their own).
        quoted = rf'"[^"]*"(?:{separator}"[^"]*")*'
        assert all(re.fullmatch(quoted, line) for line in text.splitlines()), text
    assert colead_client.get("/offices/contacts.csv?separator=tab").status_code == 400


def test_every_table_offers_its_two_downloads_alike(colead_client, survey):
    """The contacts' export, a survey's summary and a meeting's agenda (`csv_downloads`) offer
    the same two links, both marked as downloads, with the same words: each page had said it
    its own way, the office page's without naming the settings that need semicolons."""

    def downloads(page: str) -> list[str]:
        return re.findall(r'<a[^>]*href="([^"]*\.csv[^"]*)"[^>]*download>', page)

    office = colead_client.get("/offices/AU").get_data(as_text=True)
    summary = colead_client.get("/surveys/CWS-13-26/summary").get_data(as_text=True)
    assert downloads(office) == [
        "/offices/contacts.csv",
        "/offices/contacts.csv?separator=semicolon",
    ]
    assert downloads(summary) == [
        "/surveys/CWS-13-26/summary.csv",
        "/surveys/CWS-13-26/summary.csv?separator=semicolon",
    ]
    said = "</a>, for Excel where the comma is the decimal sign: French, Spanish"
    assert said in office and said in summary
    # Out of context, in a screen reader's list of links, the second says what it downloads,
    # after the words shown (helper-294: speech control matches a name from its start).
    assert 'with semicolons<span class="visually-hidden">: Export every office' in office
    assert 'with semicolons<span class="visually-hidden">: Download as CSV</span></a>' in summary


@pytest.mark.one_database  # statement counts are the ORM's loading, the same on both databases
def test_the_export_costs_the_same_queries_for_3_or_12_offices(colead_client, survey):
    offices = ["AU", "BR", "CA", "CN", "DE", "ES", "FI", "HR", "IE", "IL", "JP", "PE"]

    def queries_with(count: int) -> int:
        for code in offices[len(stored()) : count]:
            assert add(colead_client, code=code, email=f"it@{code.lower()}.example").status_code
        db.session.expire_all()  # the offices as a request meets them: not yet loaded
        with counted_queries() as statements:
            response = colead_client.get("/offices/contacts.csv")
        assert response.data.count(b"\r\n") == 1 + count  # the header, a line per contact
        return len(statements)

    assert queries_with(3) == queries_with(12)


def test_formula_cells():
    """A cell that would start a formula is written as text, also after a ";": Excel, where the
    comma is the decimal sign, opens a comma-separated file cut at each ";" (a volunteer named
    "Ana ;=1+1;" would have given a cell "=1+1")."""
    assert [written(v) for v in ("=1", "+1", "-1", "@a", "a=1", "", "Ana ;=1+1;", "a; -b")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@a",
        "a=1",
        "",
        "Ana ;'=1+1;",
        "a; -b",
    ]


def test_a_volunteer_becomes_a_contact_with_consent_once_a_colead_accepts(
    client, colead_client, survey
):
    assert volunteer(client).status_code == 302
    decide(colead_client)
    assert stored() == []  # accepted, but no consent
    second = {"title": "A second proposal"}
    assert volunteer(client, consent="y", language="es", **second).status_code == 302
    assert stored() == []  # consent, but no co-lead has looked at it yet
    waiting = db.session.scalar(select(func.max(Proposal.id)))
    page = html.unescape(colead_client.get(f"/proposals/{waiting}").text)
    assert "Asked for: once the proposal is accepted" in page
    accepted = decide(colead_client)
    [contact] = stored()
    assert (contact.office_code, contact.name, contact.email, contact.language) == (
        "AU",
        NAME,
        EMAIL,
        "es",
    )
    assert contact.source == f"from proposal #{accepted} with consent, accepted by {COLEAD_EMAIL}"
    # The co-lead saw it coming: the decision page said so, and the API says so too.
    page = html.unescape(colead_client.get(f"/proposals/{accepted}").text)
    assert "Yes, as consented, since the proposal was accepted" in page
    assert "writes in Spanish" in page
    listed = colead_client.get("/api/v1/proposals").get_json()["proposals"]
    [body] = [p for p in listed if p["id"] == accepted]
    assert (body["consent"], body["language"]) == (True, "es")
    # Removed at the volunteer's request, the contact is not made again by accepting again.
    decide(colead_client, "submitted")
    delete = f"/offices/contacts/{contact.id}/delete"
    removed = colead_client.post(delete, data=hidden_fields(colead_client, delete))
    assert removed.status_code == 302 and stored() == []
    decide(colead_client)
    assert stored() == []
    page = html.unescape(colead_client.get(f"/proposals/{accepted}").text)
    assert "No longer: the co-leads removed the contact since" in page
    assert add(colead_client, name=NAME, language="es").status_code == 302
    # The same address again, accepted too, leaves the contact as it is.
    again = {"contact_email": EMAIL.upper(), "contact_name": "Z. Q.", "title": "A third one"}
    assert volunteer(client, consent="y", language="fr", **again).status_code == 302
    decide(colead_client)
    [kept] = stored()
    assert (kept.name, kept.language, kept.version) == (NAME, "es", 1)


def test_a_contact_given_another_address_no_longer_claims_the_volunteer_s_consent(
    client, colead_client, survey
):
    """helper-240: AU's focal point, kept from her proposal with her consent, left; a co-lead
    gave her contact her successor's name and address, and the successor was listed as kept
    "from proposal #N with consent", a consent they never gave. Consent goes with the address
    the volunteer gave: another address is the co-lead's entry. A new name, role or language
    (a typo corrected) keeps where the contact came from."""
    assert volunteer(client, consent="y").status_code == 302
    accepted = decide(colead_client)
    [contact] = stored()
    consented = f"from proposal #{accepted} with consent, accepted by {COLEAD_EMAIL}"
    assert contact.source == consented
    edit = f"/offices/contacts/{contact.id}/edit"
    form = {**form_in(colead_client.get(edit).text), "name": "Zephyrine Quill-Feather"}
    assert colead_client.post(edit, data=form).status_code == 302
    assert stored()[0].source == consented

    form = {
        **form_in(colead_client.get(edit).text),
        "name": "Oona Successor",
        "email": "oona@ipaustralia.example",
    }
    assert colead_client.post(edit, data=form).status_code == 302
    [contact] = stored()
    assert (contact.name, contact.source) == ("Oona Successor", f"entered by {COLEAD_EMAIL}")
    office = html.unescape(colead_client.get("/offices/AU").text)
    assert "with consent" not in office.split('id="contacts"')[1]
    # The proposal says what became of the consent: the contact it made is gone.
    page = html.unescape(colead_client.get(f"/proposals/{accepted}").text)
    assert "No longer: the co-leads removed the contact since" in page


def test_a_proposal_never_changes_a_contact_nor_adds_one_unreviewed(client, colead_client, survey):
    """Anyone may send a proposal: one naming a contact's address, with consent, does not
    overwrite what the co-leads entered, before or after it is accepted; a declined one adds no
    contact, for its office or another."""
    assert add(colead_client, name="Dr Official", role="Head of ICT").status_code == 302
    mallory = {"contact_name": "Mallory", "contact_email": EMAIL.upper(), "language": "ru"}
    assert volunteer(client, consent="y", **mallory).status_code == 302
    elsewhere = {**mallory, "office": "PE", "title": "Another office"}
    assert volunteer(client, consent="y", **elsewhere).status_code == 302
    stranger = {"contact_email": "stranger@example.org", "title": "A stranger's"}
    assert volunteer(client, consent="y", **stranger).status_code == 302
    [contact] = stored()
    assert (contact.name, contact.role, contact.language, contact.version) == (
        "Dr Official",
        "Head of ICT",
        "en",
        1,
    )
    decide(colead_client, "declined", title="Another office")
    decide(colead_client, "declined", title="A stranger's")
    accepted = decide(colead_client, title=PROPOSAL["title"])
    page = html.unescape(colead_client.get(f"/proposals/{accepted}").text)
    assert "The address was a contact of AU already: that contact stays" in page
    [contact] = stored()
    assert (contact.office_code, contact.name, contact.language, contact.version) == (
        "AU",
        "Dr Official",
        "en",
        1,
    )


def test_the_volunteer_form_asks_for_consent_and_a_language(client, survey):
    page = client.get("/volunteer").get_data(as_text=True)
    assert "Keep me as a contact of my office for the Task Force (name, email, language)" in page
    assert 'id="language" name="language"><option selected value="en">English' in page


def test_the_api_keeps_a_contact_with_consent(client, colead_client, survey):
    body = {
        "office": "IL",
        "name": "Dana",
        "email": "dana@ilpo.example",
        "title": "AI search for examiners",
        "abstract": "What we built and learned.",
        "recommendations": [10],
        "duration": 25,
        "maturity": "production",
    }
    assert client.post("/api/v1/proposals", json=body).status_code == 201
    assert stored() == []
    refused = client.post("/api/v1/proposals", json={**body, "consent": "yes"})
    assert refused.status_code == 400 and "consent" in refused.get_json()["message"]
    wrong = client.post("/api/v1/proposals", json={**body, "consent": True, "language": "xx"})
    assert wrong.status_code == 400 and "language" in wrong.get_json()["fields"]
    assert stored() == []
    made = client.post(
        "/api/v1/proposals",
        json={**body, "consent": True, "language": "ar", "title": "AI search, a second talk"},
    )
    assert made.status_code == 201
    assert stored() == []
    decide(colead_client)
    [contact] = stored()
    assert (contact.office_code, contact.email, contact.language) == ("IL", body["email"], "ar")


def test_contacts_for_puts_the_proposals_contact_first(client, colead_client, survey):
    add(colead_client, name="Aaron Early", email="aaron@ipaustralia.example")
    volunteer(client, consent="y")
    decide(colead_client)
    proposal = db.session.scalar(select(Proposal))
    assert [c.name for c in contacts_for("AU")] == ["Aaron Early", NAME]
    assert [c.name for c in contacts_for("AU", proposal)] == [NAME, "Aaron Early"]
    # Without consent the volunteer is offered for their own presentation, and not stored.
    volunteer(client, contact_name="Bea Private", contact_email="bea@ipaustralia.example")
    private = db.session.scalar(select(Proposal).where(Proposal.contact_name == "Bea Private"))
    offered = contacts_for("AU", private)
    assert [c.name for c in offered] == ["Bea Private", "Aaron Early", NAME]
    assert offered[0].id is None and len(stored()) == 2
    assert contacts_for("CA", private) == []


def test_a_volunteer_at_a_shared_mailbox_is_offered_before_the_colleague_kept_there(
    client, colead_client, survey
):
    """Ben is the office's contact at ict@; Rosa volunteered from ict@ too. Her talk's invite
    form was filled in for Ben, and she was not offered at all (the contact at her address
    stood for her)."""
    shared = "ict@ipaustralia.example"
    add(colead_client, name="Ben Ward", email=shared)
    volunteer(client, consent="y", contact_name="Rosa Quispe", contact_email=shared, language="es")
    decide(colead_client)
    proposal = db.session.scalar(select(Proposal))
    offered = contacts_for("AU", proposal)
    assert [(c.name, c.id is None) for c in offered] == [
        ("Rosa Quispe", True),
        ("Ben Ward", False),
    ]
    # Her talk's invite form is filled in for her, in the language she chose.
    meeting = colead_client.post(
        "/api/v1/meetings", json={"title": "Rec 10", "starts_at": "2030-03-10T13:00:00+01:00"}
    ).get_json()["id"]
    colead_client.post(
        f"/proposals/{proposal.id}/schedule",
        data={"csrf_token": session_csrf_token(colead_client), "meeting": str(meeting)},
    )
    slot = db.session.scalar(select(Slot.id).where(Slot.proposal_id == proposal.id))
    form = colead_client.get(f"/slots/{slot}/invite").get_data(as_text=True)
    assert 'value="Rosa Quispe"' in form and '<option selected value="es">' in form
    # Kept under her name as the co-leads spell it, she is the stored contact offered first.
    stored()[0].name = "rosa quispe"
    db.session.commit()
    assert [c.name for c in contacts_for("AU", proposal)] == ["rosa quispe"]


def test_contacts_are_in_no_public_page_api_answer_or_feed(client, colead_client, survey):
    add(colead_client)
    volunteer(client, consent="y", contact_name="Private Person", contact_email="pp@au.example")
    meeting = colead_client.post(
        "/api/v1/meetings",
        json={"title": "Rec 10", "starts_at": "2030-03-10T13:00:00+01:00"},
    ).get_json()["id"]
    colead_client.post(
        f"/api/v1/meetings/{meeting}/slots",
        json={"title": "AI at IP Australia", "office": "AU", "recommendations": [10]},
    )
    assert publish_as_planned(colead_client, meeting).status_code == 200
    colead_page = colead_client.get("/offices/AU").get_data(as_text=True)
    feed = next(
        line.split('"')[0]
        for line in colead_page.split('href="')
        if "/feeds/offices/AU.ics" in line.split('"')[0]
    )
    public = [
        "/offices/AU",
        "/offices",
        "/meetings",
        f"/meetings/{meeting}",
        f"/meetings/{meeting}.ics",
        f"/meetings/{meeting}/schedule.json",
        "/feeds/taskforce.ics",
        feed.replace("http://localhost", "").replace("&amp;", "&"),
        "/recommendations/10",
        "/recommendations/10/matches",
        "/api/v1/matches?recommendation=10",
        "/api/v1/surveys",
    ]
    for url in public:
        answer = client.get(url)
        assert answer.status_code == 200, url
        text = answer.get_data(as_text=True)
        for secret in (NAME, EMAIL, "Private Person", "pp@au.example"):
            assert secret not in text, (url, secret)


def test_contacts_are_listed_by_name_accents_and_capitals_aside(colead_client, survey):
    """SQL's lower() folds only ASCII: "Élise" came after "Zoe"."""
    for name, email in (
        ("Zoe Ward", "zoe@ipa.example"),
        ("Élise Aubert", "elise@ipa.example"),
        ("aaron Early", "aaron@ipa.example"),
    ):
        add(colead_client, name=name, email=email)
    assert [c.name for c in contacts_for("AU")] == ["aaron Early", "Élise Aubert", "Zoe Ward"]
