"""A survey file is shown as it would be imported before it is: its offices' names as read (so
that a wrong character set is seen, not stored), a few answers, the warnings, and what replacing
a stored round changes; then "Import", or "Go back" to the form as sent, the file kept. The file
waits in the database, for the co-lead who sent it, and "Import" sent twice imports once."""

import html
import io
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from planner.db_types import utcnow
from planner.extensions import db
from planner.lineup.models import Lineup
from planner.matching.operations import set_mark, survey_matches
from planner.offices.models import Office
from planner.survey import pending, preview, views
from planner.survey.models import Answer, Survey, SurveyUpload
from planner.survey.operations import survey_record
from planner.survey.preview import changed_texts, marked_words
from planner.survey.synthetic import render_document, scaled_survey
from planner.survey.tabular import write_csv
from tests.support import (
    BUNDLED,
    COLEAD_PASSWORD,
    csrf_token,
    import_second_round,
    second_round_csv,
    sent_at_once,
    sign_in,
)
from tests.survey.test_spreadsheet_files import DATES, pandas_records, table

KZ = ["Round 2026", "KZ", "Казпатент", "Asia/Almaty", "discuss", "10", "Искусственный интеллект"]
KZ_ROWS = [[*KZ, "", "", *DATES], ["Round 2026", "FR", "INPI", "Europe/Paris", "focus", "4"]]
KZ_ROWS[1] += ["Projet « IA » en cours", "", "", *DATES]
IN_1251 = table(rows=KZ_ROWS).encode("cp1251")


def text_of(response) -> str:
    """A page's words as read: its cells and items apart, the rest of its markup left out."""
    page = response.get_data(as_text=True)
    page = re.sub(r"</?(?:dt|dd|td|th|tr|li|p|h\d|div|section|table|caption|ul)\b[^>]*>", " ", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())


def surveys_stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Survey))


def check_file(client, data: bytes | None, name: str = "round.csv", **fields):
    """The import form sent ("Check the file"), with a file or, given `upload`, the one kept."""
    form = {"csrf_token": csrf_token(client, "/surveys"), **fields}
    if data is not None:
        form["file"] = (io.BytesIO(data), name)
    return client.post("/surveys", data=form, content_type="multipart/form-data")


def shown(client, sent) -> tuple[str, str, str]:
    """The page a check leads to: its address, its words and the check its "Import" sends."""
    assert sent.status_code == 303, text_of(sent)[:3000]
    where = sent.headers["Location"]
    assert "/surveys/check/" in where
    page = client.get(where)
    assert page.status_code == 200, text_of(page)[:3000]
    check = re.search(r'name="check" value="([^"]*)"', page.get_data(as_text=True))
    return where, text_of(page), check[1] if check else ""


def press_import(client, where: str, check: str):
    token = csrf_token(client, where)
    return client.post(where, data={"csrf_token": token, "check": check})


def test_a_wrong_character_set_is_seen_before_import_and_corrected_without_the_file_again(
    colead_client, app_context
):
    """The steward names windows-1252 for a file saved in windows-1251: it was imported with
    "Êàçïàòåíò" for a name, without a word. The check shows the name so, how the word reads in
    the other sets ("Казпатент" in windows-1251), and imports nothing; "Go back" gives the form
    as sent with the file kept; windows-1251 chosen, the check reads right, and "Import"
    stores it so."""
    sent = check_file(colead_client, IN_1251, label="Round 2026", encoding="windows-1252")
    where, page, _ = shown(colead_client, sent)
    assert "Check before importing" in page and "Nothing is imported until" in page
    assert "Survey Round 2026: a new survey." in page
    assert "Answered 12 January – 27 February 2026" in page
    assert "read as CSV in windows-1252" in page
    assert "KZ Êàçïàòåíò Asia/Almaty" in page  # the new office, as read
    assert "“Казпатент” in windows-1251" in page
    assert "Èñêóññòâåííûé èíòåëëåêò" in page  # its answer, as read
    assert "Offices 2, of which 2 new to the planner" in page
    assert surveys_stored() == 0 and db.session.get(Office, "KZ") is None
    upload_id = int(where.rsplit("/", 1)[1])

    back = colead_client.get(f"/surveys?upload={upload_id}")
    form = back.get_data(as_text=True)
    assert 'value="Round 2026"' in form and '<option selected value="windows-1252">' in form
    assert f'name="upload" type="hidden" value="{upload_id}"' in form
    assert "File kept: round.csv" in text_of(back)

    again = check_file(
        colead_client, None, upload=str(upload_id), label="Round 2026", encoding="windows-1251"
    )
    where, page, check = shown(colead_client, again)
    assert "KZ Казпатент Asia/Almaty" in page and "Искусственный интеллект" in page
    assert "read as CSV in windows-1251" in page
    assert surveys_stored() == 0
    imported = press_import(colead_client, where, check)
    assert imported.status_code == 303 and imported.headers["Location"].endswith(
        "/surveys/Round-2026"
    )
    assert "Imported Round 2026" in text_of(colead_client.get(imported.headers["Location"]))
    assert db.session.get(Office, "KZ").name == "Казпатент"
    # Imported, the file's bytes are no longer kept.
    assert db.session.get(SurveyUpload, upload_id).data == b""


def test_a_file_refused_is_kept_for_another_choice(colead_client, app_context):
    """Refused (no character set named for a file that is not UTF-8), the page said to choose
    the file again; it is kept, and checked again with the set chosen."""
    sent = check_file(colead_client, IN_1251, label="Round 2026")
    assert sent.status_code == 303
    refused = colead_client.get(sent.headers["Location"])
    assert refused.status_code == 400
    said = text_of(refused)
    assert "“Казпатент” in windows-1251" in said
    assert "The file round.csv is kept: correct the choices and check it again" in said
    assert "Choose the file again" not in said
    upload = re.search(r'name="upload" type="hidden" value="(\d+)"', refused.get_data(as_text=True))
    again = check_file(
        colead_client, None, upload=upload[1], label="Round 2026", encoding="windows-1251"
    )
    assert "KZ Казпатент" in shown(colead_client, again)[1]


def test_a_file_checked_is_imported_in_trial_once(colead_client, app_context, monkeypatch):
    """Checking a file imported it in trial (and rolled it back) to see whether it was
    refused, then the check page did it again to show it: twice the wait for a large file.
    The check page's trial is the one."""
    trials = []
    trial = views.import_checked
    monkeypatch.setattr(views, "import_checked", lambda *a, **k: trials.append(1) or trial(*a, **k))
    sent = check_file(colead_client, BUNDLED.read_bytes(), BUNDLED.name, aliases="GE=DE")
    where, _, check = shown(colead_client, sent)
    assert check and len(trials) == 1
    assert press_import(colead_client, where, check).status_code == 303


def test_replacing_a_round_says_what_changes_before_it_does(colead_client, survey):
    """Replacing a round replaced its answers with no view of what changed: the check lists
    the answers added, removed and changed, the saved line-ups that go, and the co-leads' marks
    that no longer apply; nothing of it is done until "Import"."""
    match = next(m for m in survey_matches(survey, [10]) if m.presenter != "US")
    set_mark(match.audience, match.presenter, 10, "useful", "", "colead@example.org")
    made = colead_client.post("/api/v1/lineups", json={"recommendation": 10, "slots": 3})
    assert made.status_code == 201, made.json
    db.session.commit()
    record = survey_record(survey)
    rows = write_csv(record).splitlines(keepends=True)
    focus = f",{match.presenter},"
    # The presenter's focus on Rec 10 goes; US's is reworded; KR answers for the first time.
    kept = [r for r in rows if not (focus in r and ",focus,10," in r and r.count(focus) == 1)]
    assert len(kept) < len(rows)
    corrected = "".join(kept).replace("Auto classification, Search", "Auto classification")
    corrected += (
        '"CWS/13/26",KR,KIPO,Asia/Seoul,discuss,10,Recommendation 10,,,2025-05-02,2025-07-07\n'
    )
    sent = check_file(colead_client, corrected.encode(), "corrected.csv", replace="y")
    where, page, check = shown(colead_client, sent)
    assert "What replacing CWS/13/26 changes" in page
    assert "It replaces CWS/13/26 (from CWS-13-26.txt, imported" in page
    assert re.search(r"Answers: 1 added, \d+ removed, 1 changed\.", page)
    assert "US, Current focus (Q4), Rec 10 Auto classification, Search Auto classification" in page
    # What changed in it is marked, struck through before and (here nothing) put in after.
    markup = colead_client.get(where).get_data(as_text=True)
    struck = '<del class="changed">, Search</del>'
    assert f'<td data-label="Before">Auto classification{struck}</td>' in markup
    assert '<td data-label="After">Auto classification</td>' in markup
    assert "KR, Wanted for discussion (Q8), Rec 10 (added) Recommendation 10" in page
    assert "Offices answering now: KR." in page
    assert f"line-up {made.json['id']} on Rec 10, made" in page
    assert (
        f"{match.presenter} → {match.audience}, Rec 10 (“useful”): no longer applies: "
        f"{match.presenter}"
    ) in page
    # Nothing changed yet.
    assert db.session.scalar(select(func.count()).select_from(Lineup)) == 1
    assert db.session.scalar(select(Survey.source_name)) == "CWS-13-26.txt"
    assert press_import(colead_client, where, check).status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(Survey.source_name)) == "corrected.csv"
    assert db.session.scalar(select(func.count()).select_from(Lineup)) == 0


def test_an_answer_corrected_past_its_first_lines_reads_apart_before_and_after(
    colead_client, survey
):
    """A long answer corrected near its end was listed as changed with the same 200 characters
    from its start before and after, so the check did not show what changed: both are shown
    from a little before where they first differ."""
    record = survey_record(survey)
    long = next(a.text for a in record.answers if len(a.text) > 400 and '"' not in a.text)
    tail = " ".join(long.split()[-6:])
    corrected = write_csv(record).replace(tail, tail + " (as of 2026)", 1)
    sent = check_file(colead_client, corrected.encode(), "corrected.csv", replace="y")
    page = shown(colead_client, sent)[1]
    assert "Answers: 0 added, 0 removed, 1 changed." in page
    # Before, then after: each ends as the file has it.
    assert page.count(tail) == 2 and f"{tail} (as of 2026)" in page


def test_what_a_corrected_answer_changes_is_marked_word_by_word():
    """A corrected answer was shown before and after as two 200-character excerpts that read
    alike: the data steward hunted for the word that changed. The words taken out and put in
    are marked; words changed together, with only spaces between, are one change; Chinese is
    compared character by character, having no spaces; an accent stays with its letter."""
    before, after = marked_words(
        "We use AI for classification and search.", "We use AI-based tools for search."
    )
    assert before == [("We use AI for ", False), ("classification and", True), (" search.", False)]
    assert after == [("We use AI", False), ("-based tools", True), (" for search.", False)]
    assert "".join(t for t, _ in before) == "We use AI for classification and search."
    before, after = marked_words("知识产权局使用人工智能", "知识产权局使用区块链")
    assert [t for t, c in before if c] == ["人工智能"] and [t for t, c in after if c] == ["区块链"]
    before, after = marked_words("café open", "café closed")
    assert before == [("café ", False), ("open", True)]
    assert marked_words("same", "same") == ([("same", False)], [("same", False)])


def test_a_change_of_spacing_alone_is_shown():
    """A file correcting only spaces or line breaks listed each answer as changed, marked by an
    empty box (a space struck through shows nothing), and on the command line by two texts that
    read the same (helper-234)."""
    assert marked_words("We use  AI.", "We use AI.") == (
        [("We use", False), ("␣␣", True), ("AI.", False)],
        [("We use", False), ("␣", True), ("AI.", False)],
    )
    before, after = marked_words("Done.\nMore\tsoon", "Done. More soon ")
    assert [t for t, c in before if c] == ["↵", "⇥"]
    assert [t for t, c in after if c] == ["␣", "␣", "␣"]
    change = preview.AnswerChange("AU", "Focus", 10, "We use  AI.", "We use AI.")
    assert preview._change_line(change).endswith("“We use AI.” (spacing only)")
    change = preview.AnswerChange("AU", "Focus", 10, "We use AI.", "We use ML.")
    assert "spacing" not in preview._change_line(change)


def test_text_without_spaces_is_shown_from_a_whole_character_before_its_change():
    """Chinese has no spaces to start at: the text is shown from a whole character (an "é"
    written as e and its accent is not cut from it either)."""
    was = "知识产权局" * 50 + "e\u0301" * 100
    before, after = changed_texts(was, was[:-1] + "x")
    assert before.startswith("…e\u0301") and after.endswith("e\u0301ex")
    chinese = "知识产权局" * 60
    before, after = changed_texts(chinese, chinese[:250] + "改" + chinese[251:])
    assert before != after and "改" in after and len(after) <= preview.SAMPLE_CHARS


def test_many_new_offices_fold_away_but_the_first_few(colead_client, survey):
    """A file of 200 offices listed a hundred new ones, "… and 79 more" unseen, between the
    summary and "Import": some 10 000 pixels on a phone. The first ten stay in view, every
    other folds away under one line."""
    grown = render_document(scaled_survey(survey_record(survey), 60)).encode()
    sent = check_file(colead_client, grown, "grown.txt", label="Grown", aliases="GE=DE")
    where, page, _ = shown(colead_client, sent)
    new = int(re.search(r"Offices 60, of which (\d+) new to the planner", page)[1])
    assert new > 20
    html = colead_client.get(where).get_data(as_text=True)
    listed = html[html.index('id="new-heading"') : html.index('id="samples-heading"')]
    in_view, folded = listed.split("<details>")
    assert in_view.count('<th scope="row">') == 10
    assert f"The other {new - 10} new offices</summary>" in folded
    assert folded.count('<th scope="row">') == new - 10


def test_offices_a_file_names_otherwise_fold_away_but_the_first_few(colead_client, survey):
    """The offices a file names otherwise than the planner (kept as they are) fold as new ones
    do: the first ten in view, the others under one line."""
    import dataclasses

    record = survey_record(survey)
    renamed = [dataclasses.replace(r, name=f"{r.name} (renamed)") for r in record.respondents]
    table = write_csv(dataclasses.replace(record, respondents=renamed, label="Renamed"))
    sent = check_file(colead_client, table.encode(), "renamed.csv")
    where = shown(colead_client, sent)[0]
    html = colead_client.get(where).get_data(as_text=True)
    listed = html[html.index('id="kept-heading"') : html.index('id="samples-heading"')]
    in_view, folded = listed.split("<details>")
    assert in_view.count("<li>") == 10 and "(renamed)" in in_view
    assert f"The other {len(renamed) - 10} offices named otherwise</summary>" in folded
    assert folded.count("<li>") == len(renamed) - 10


def test_import_sent_again_imports_nothing_twice(colead_client, app_context):
    """A double click or Back and "Import" again: the second finds the first's import and shows
    it, and nothing is imported twice."""
    import_second_round()
    sent = check_file(
        colead_client, BUNDLED.read_bytes(), "CWS-13-26.txt", aliases="GE=DE", label=AS_PUBLISHED
    )
    where, _, check = shown(colead_client, sent)
    form = {"csrf_token": csrf_token(colead_client, where), "check": check}
    first = colead_client.post(where, data=form)
    assert first.status_code == 303
    second = colead_client.post(where, data=form)  # the page as it was: Back, and send again
    assert second.status_code == 303 and second.headers["Location"] == first.headers["Location"]
    said = text_of(colead_client.get(second.headers["Location"]))
    assert "CWS-13-26.txt was imported already, at" in said
    assert f"nothing was imported again. Imported {AS_PUBLISHED} (" in said
    assert "Pages and the API still show CWS/14/2026 when no survey is asked for" in said
    assert surveys_stored() == 2
    assert colead_client.get(where).status_code == 303  # the check page leads there too


# Long enough for what the import says to be a long text (over 255 characters), as a label
# of its own said beside the survey pages show makes it.
AS_PUBLISHED = "CWS/13/26 as first published"


def test_what_importing_does_is_checked_again_at_import(colead_client, cli, app_context, tmp_path):
    """Another co-lead imported the same label meanwhile: importing no longer does what the
    page said. Nothing is imported; the page says so (409) and shows what it does now."""
    where, page, check = shown(
        colead_client, check_file(colead_client, second_round_csv(), replace="y")
    )
    assert "a new survey" in page
    other = tmp_path / "other.csv"
    other.write_bytes(second_round_csv().replace(b"AI image search", b"AI search"))
    assert cli.invoke(args=["survey", "import", str(other)]).exit_code == 0
    stale = press_import(colead_client, where, check)
    assert stale.status_code == 409
    said = text_of(stale)
    assert "Not imported: importing this file now does something else" in said
    assert "What replacing CWS/14/2026 changes" in said and "0 added, 0 removed, 1 changed" in said
    assert db.session.scalar(select(Survey.source_name)) == "other.csv"
    now = re.search(r'name="check" value="([^"]*)"', stale.get_data(as_text=True))[1]
    assert now != check
    assert press_import(colead_client, where, now).status_code == 303
    assert db.session.scalar(select(Survey.source_name)) == "round.csv"


def test_a_file_checked_is_its_co_lead_s_only_and_kept_a_while(app, colead_client, app_context):
    """Another co-lead, a file expired, or one of more than a co-lead's latest three: 404,
    never another's file or a server error; anyone is sent to sign in."""
    where, _, check = shown(colead_client, check_file(colead_client, second_round_csv()))
    from planner.accounts.models import User

    other = User(email="other.lead@example.org", role="colead", password_hash="")
    other.set_password(COLEAD_PASSWORD)
    db.session.add(other)
    db.session.commit()
    theirs = app.test_client()
    assert sign_in(theirs, "other.lead@example.org").status_code == 302
    assert theirs.get(where).status_code == 404
    assert press_import(theirs, where, check).status_code == 404
    assert "Round" not in theirs.get(f"/surveys?upload={where.rsplit('/', 1)[1]}").get_data(
        as_text=True
    )
    anyone = app.test_client()
    assert anyone.get(where).status_code == 302
    for hostile in ("abc", "-1", "99999999999999999999", "1e3", "\u0661"):
        assert colead_client.get(f"/surveys?upload={hostile}").status_code == 200
        assert check_file(colead_client, None, upload=hostile).status_code == 400
    assert colead_client.get("/surveys/check/99999999999999999999").status_code == 404
    # A co-lead's latest three are kept; older ones, and anyone's expired, go.
    for n in range(3):
        shown(colead_client, check_file(colead_client, second_round_csv(), f"try {n}.csv"))
    assert colead_client.get(where).status_code == 404
    assert "no longer kept" in text_of(colead_client.get(where))
    kept = db.session.scalars(select(SurveyUpload)).all()
    assert sorted(u.source_name for u in kept) == ["try 0.csv", "try 1.csv", "try 2.csv"]
    for upload in kept:
        upload.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    shown(colead_client, check_file(colead_client, second_round_csv(), "fresh.csv"))
    assert [u.source_name for u in db.session.scalars(select(SurveyUpload))] == ["fresh.csv"]
    assert pending.WAITING_PER_COLEAD == 3


def test_a_file_no_longer_kept_leads_back_to_the_form_saying_so(colead_client, app_context):
    """Two hours later, "Import" or "Go back" led to an error page with a link to the start
    page, or to the empty form without a word: each shows the import form and says why the file
    must be chosen again."""
    where, _, check = shown(colead_client, check_file(colead_client, second_round_csv()))
    upload_id = where.rsplit("/", 1)[1]
    db.session.get(SurveyUpload, int(upload_id)).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    said = "The file you checked is no longer kept: a file waits 2 hours for its import"
    for gone in (
        press_import(colead_client, where, check),
        colead_client.get(where),
        colead_client.get(f"/surveys?upload={upload_id}"),
    ):
        page = text_of(gone)
        assert gone.status_code in (404, 200) and said in page, page[:2000]
        assert "Choose it again below; nothing was imported." in page
        assert "Import a survey" in page and 'name="file"' in gone.get_data(as_text=True)
    assert surveys_stored() == 0


def test_the_file_checked_again_is_kept_before_those_sent_since(colead_client, app_context):
    """A co-lead's latest three are those they sent latest: a file checked again (another
    character set chosen) went as the oldest once a fourth was checked, from under its page."""
    wrong = check_file(colead_client, IN_1251, label="Round 2026", encoding="windows-1252")
    first = shown(colead_client, wrong)[0]
    later = [
        shown(colead_client, check_file(colead_client, second_round_csv(), f"{n}.csv"))[0]
        for n in range(2)
    ]
    upload = first.rsplit("/", 1)[1]
    again = check_file(colead_client, None, upload=upload, encoding="windows-1251")
    assert shown(colead_client, again)[0] == first
    shown(colead_client, check_file(colead_client, second_round_csv(), "fourth.csv"))
    assert colead_client.get(first).status_code == 200
    assert colead_client.get(later[0]).status_code == 404


def test_import_without_its_csrf_token_imports_nothing(colead_client, app_context):
    where, _, check = shown(colead_client, check_file(colead_client, second_round_csv()))
    refused = colead_client.post(where, data={"check": check})
    assert refused.status_code == 400
    assert surveys_stored() == 0


@pytest.mark.committed  # two requests at once, each on a connection of its own
def test_two_presses_of_import_at_the_same_moment_import_once(app, colead_client):
    """A double click reaching two workers: the second waits for the first, then shows its
    import; the survey is stored once."""
    where, _, check = shown(colead_client, check_file(colead_client, second_round_csv()))
    token = csrf_token(colead_client, where)
    form = {"csrf_token": token, "check": check}
    first, second, meanwhile = sent_at_once(
        lambda: colead_client.post(where, data=form),
        lambda: colead_client.post(where, data=form),
        held_before=Survey,
    )
    assert not meanwhile, "the second import did not wait for the first"
    assert first.status_code == second.status_code == 303
    assert "/surveys/CWS-14-2026" in second.headers["Location"]
    with app.app_context():
        assert surveys_stored() == 1
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 10


@pytest.mark.committed  # two requests at once, each on a connection of its own
def test_an_import_and_a_check_that_takes_its_file_away_wait_their_turns(app, colead_client):
    """In two tabs, "Import" on the oldest of three files kept while a fourth is checked: the
    check held the import's turn and went to delete that file, whose row the import held while
    it waited for the turn. On PostgreSQL each waited for the other (a deadlock, one of them
    answered 503 'The database cannot be reached'); now the import waits for the check, then
    finds its file gone."""
    where, _, check = shown(colead_client, check_file(colead_client, second_round_csv(), "a.csv"))
    for name in ("b.csv", "c.csv"):
        shown(colead_client, check_file(colead_client, second_round_csv(), name))
    token = csrf_token(colead_client, "/surveys")
    fourth = {"csrf_token": token, "file": (io.BytesIO(second_round_csv()), "d.csv")}
    checked, imported, meanwhile = sent_at_once(
        lambda: colead_client.post("/surveys", data=fourth, content_type="multipart/form-data"),
        lambda: colead_client.post(where, data={"csrf_token": token, "check": check}),
        held_before=SurveyUpload,
    )
    assert not meanwhile
    assert checked.status_code == 303, text_of(checked)[:2000]
    assert imported.status_code == 404, text_of(imported)[:2000]
    assert "The file you checked is no longer kept" in text_of(imported)
    with app.app_context():
        assert surveys_stored() == 0


@pytest.mark.committed  # two requests at once, each on a connection of its own
def test_a_file_sent_again_while_another_tab_checks_a_fourth_is_no_server_error(app, colead_client):
    """In two tabs, the oldest of three files kept sent again with another character set while
    a fourth is checked: the form found the file, then waited for the check, which deleted it
    (the co-lead's oldest), and updated a row that was gone (500). Now it waits its turn
    before it finds the file, finds it gone, and asks for the file again."""
    upload = re.search(r"/surveys/check/(\d+)", check_file(colead_client, IN_1251).location)[1]
    for name in ("b.csv", "c.csv"):
        shown(colead_client, check_file(colead_client, second_round_csv(), name))
    token = csrf_token(colead_client, "/surveys")
    fourth = {"csrf_token": token, "file": (io.BytesIO(second_round_csv()), "d.csv")}
    again = {"csrf_token": token, "upload": upload, "encoding": "windows-1251"}
    checked, sent, meanwhile = sent_at_once(
        lambda: colead_client.post("/surveys", data=fourth, content_type="multipart/form-data"),
        lambda: colead_client.post("/surveys", data=again, content_type="multipart/form-data"),
        held_before=SurveyUpload,
    )
    assert not meanwhile
    assert checked.status_code == 303, text_of(checked)[:2000]
    assert sent.status_code == 400, text_of(sent)[:2000]
    assert "The file you checked is no longer kept" in text_of(sent)
    assert '<option selected value="windows-1251">' in sent.get_data(as_text=True)


@pytest.mark.committed  # an app of its own, on the same database
def test_the_import_is_found_by_another_instance(app, colead_client):
    """Instances behind a proxy share the database, not their memory or disk: the file checked
    on one is imported by another."""
    from planner.app import create_app

    where, _, check = shown(colead_client, check_file(colead_client, second_round_csv()))
    other = create_app({**{k: app.config[k] for k in INSTANCE_CONFIG}, "TESTING": True})
    browser = other.test_client()
    browser.set_cookie("session", colead_client.get_cookie("session").value, domain="localhost")
    page = browser.get(where)
    assert page.status_code == 200 and "CWS/14/2026" in text_of(page)
    imported = press_import(browser, where, check)
    assert imported.status_code == 303, text_of(imported)[:2000]
    with app.app_context():
        assert surveys_stored() == 1


INSTANCE_CONFIG = ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "BASE_URL", "PASSWORD_HASH_METHOD")


def test_the_api_says_what_importing_does_and_imports_only_that(api, app_context):
    """dry_run=true: what the page's check shows, and its check, with nothing stored; sent with
    that check, imported if it still does that, else 409 with what it does now."""

    def post(**fields):
        body = {"file": (io.BytesIO(IN_1251), "round.csv"), "label": "Round 2026", **fields}
        return api.post("/api/v1/surveys", data=body, content_type="multipart/form-data")

    dry = post(encoding="windows-1252", dry_run="true")
    assert dry.status_code == 200, dry.json
    assert dry.json["status"] == "checked"
    preview = dry.json["preview"]
    assert {"code": "KZ", "name": "Êàçïàòåíò", "time_zone": "Asia/Almaty"} in (
        preview["offices_added"]
    )
    assert {"reads": "Казпатент", "in": ["windows-1251"]} in preview["reading"]["others"]
    assert preview["status"] == "created" and preview["respondents"] == 2
    assert surveys_stored() == 0
    right = post(encoding="windows-1251", dry_run="true").json["check"]
    assert post(encoding="windows-1251", check=dry.json["check"]).status_code == 409
    assert surveys_stored() == 0
    # Sent as a script may send it: in capitals, from a file ending its line (curl -F check=<f).
    created = post(encoding="windows-1251", check=right.upper() + "\n")
    assert created.status_code == 201, created.json
    assert db.session.get(Office, "KZ").name == "Казпатент"
    both = post(dry_run="true", check=right)
    assert both.status_code == 400 and "not both" in both.json["message"]
    # No check a dry run gives (empty, cut short when copied): not "no longer does" (409).
    for made_up in ("", right[:-1], "x" * 32, right + "\u0301"):
        refused = post(encoding="windows-1251", check=made_up)
        assert refused.status_code == 400, (made_up, refused.json)
        assert refused.json["field"] == "check"
        assert (
            "is not a check a dry run gives: send the file with dry_run=true"
            in (refused.json["message"])
        )


def test_the_command_line_dry_run_prints_what_importing_does(cli, survey, tmp_path):
    path = tmp_path / "round.csv"
    path.write_bytes(IN_1251)
    result = cli.invoke(
        args=["survey", "import", str(path), "--dry-run", "--encoding", "windows-1252"]
    )
    assert result.exit_code == 0, result.output
    assert "round.csv, read as CSV in windows-1252: nothing was imported (--dry-run)." in (
        result.stdout
    )
    assert "  KZ  Êàçïàòåíò  (Asia/Almaty)" in result.stdout
    assert "  “Казпатент” in windows-1251" in result.stdout
    assert surveys_stored() == 1 and db.session.get(Office, "KZ") is None


def test_the_form_named_is_the_one_read_in_utf_16_too(cli, survey, tmp_path):
    """A JSON list of rows saved as UTF-16 (Notepad's "Unicode") was read as JSON, and the
    check named it a CSV."""
    rows = json.loads(pandas_records())
    path = tmp_path / "round.json"
    path.write_bytes(json.dumps(rows, ensure_ascii=False).encode("utf-16"))
    said = cli.invoke(args=["survey", "import", str(path), "--dry-run"])
    assert said.exit_code == 0, said.output
    assert "round.json, read as JSON list of rows: nothing was imported" in said.stdout
