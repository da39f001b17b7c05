"""A co-lead imports a survey in a real browser: refused with the form kept, then imported."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import FITS_WIDTH, shoot, sign_in
from tests.support import BUNDLED


def test_a_colead_imports_the_published_survey_on_the_page(phone, live_server, colead):
    page = phone
    sign_in(page, live_server)
    page.goto(live_server + "/surveys")
    expect(page.get_by_text("No survey has been imported yet.")).to_be_visible()
    form = page.locator("form", has=page.get_by_label("Survey file"))
    # Without the alias, and with an alias written wrong: refused, with what was typed kept.
    form.get_by_label("Survey file").set_input_files(str(BUNDLED))
    form.get_by_label("Aliases").fill("Georgia")
    form.get_by_role("button", name="Check the file").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("'Georgia' is not an alias")
    expect(summary).to_contain_text("Survey file: Choose the file again")
    # In the order of the page, where the file comes last.
    expect(summary.get_by_role("listitem").first).to_contain_text("Aliases")
    expect(page.get_by_label("Aliases")).to_have_value("Georgia")
    assert page.evaluate(FITS_WIDTH), "the refused form is wider than the phone"
    shoot(page, "survey-import-1-refused")

    page.get_by_label("Aliases").fill("GE=DE")
    page.get_by_label("Survey file").set_input_files(str(BUNDLED))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before importing")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CWS/13/26")
    expect(page.get_by_role("status").first).to_contain_text(
        "Imported CWS/13/26 (/surveys/CWS-13-26): 21 respondents, 202 answers"
    )
    assert page.evaluate(FITS_WIDTH), "the survey page is wider than the phone"
    shoot(page, "survey-import-2-imported")


def test_a_survey_label_as_long_as_allowed_fits_a_phone(phone, live_server, app):
    """helper-87: a label of 94 letters without a break made every page 740 px wide at 390,
    from the footer that names the survey."""
    from dataclasses import replace

    from planner.bootstrap import bundled_record
    from planner.extensions import db
    from planner.survey.operations import import_record

    label = "L" * 100
    with app.app_context():
        import_record(replace(bundled_record(), label=label))
        db.session.commit()
    for path in ("/", "/recommendations/10/matches?office=AU", "/offices/AU"):
        phone.goto(live_server + path)
        expect(phone.locator("footer.site")).to_contain_text(label)
        assert phone.evaluate(FITS_WIDTH), f"{path} is wider than the phone"


def test_a_steward_imports_excel_s_plain_csv_naming_its_character_set(
    page, live_server, colead, app, monkeypatch, tmp_path
):
    """A French Excel's plain "CSV" (semicolons, Windows-1252): a file over the limit is
    refused as soon as it is chosen, with the label typed kept; the file is refused showing
    how its words read in each character set; with "windows-1252" chosen it imports, and the
    office's page shows its name as typed."""
    from tests.survey.test_spreadsheet_files import table

    sign_in(page, live_server)
    page.goto(live_server + "/surveys")
    monkeypatch.setitem(app.config, "SURVEY_MAX_BYTES", 2000)
    page.reload()
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 5000)
    page.get_by_label("Label", exact=True).fill("Round 2026")
    page.get_by_label("Survey file").set_input_files(str(big))
    expect(page.get_by_role("alert")).to_contain_text("The file is larger than 2 kB")
    assert page.get_by_label("Survey file").evaluate("input => input.files.length") == 0
    plain = tmp_path / "tour 2026.csv"
    plain.write_bytes(table(";").encode("cp1252"))
    page.get_by_label("Survey file").set_input_files(str(plain))
    page.get_by_role("button", name="Check the file").click()
    summary = page.get_by_role("alert").first
    expect(summary).to_contain_text("“propriété” in windows-1252")
    expect(page.get_by_label("Label", exact=True)).to_have_value("Round 2026")
    assert page.evaluate(FITS_WIDTH), "the refusal is wider than the window"
    shoot(page, "survey-import-plain-csv-refused")
    # The file is kept: the character set chosen, it is checked again without choosing it.
    expect(page.get_by_text("File kept: tour 2026.csv")).to_be_visible()
    page.get_by_label("Character set").select_option("windows-1252")
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before importing")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Round 2026")
    page.goto(live_server + "/offices/AT")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Österreichisches Patentamt")
    expect(page.get_by_text('ISO 27001 "Zertifizierung" läuft')).to_be_visible()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_steward_sees_a_wrong_character_set_before_importing(
    browser, live_server, colead, survey, tmp_path, width
):
    """A file saved in windows-1251 checked as windows-1252: the check page shows the new
    office's name and its answer garbled ("Êàçïàòåíò"), and how the word reads in windows-1251;
    "Go back" gives the form as it was sent, the file kept; checked again in windows-1251, the
    names read right, and "Import" imports it. Replacing a round shows what changes."""
    from tests.survey.test_import_check import IN_1251

    context = browser.new_context(
        viewport={"width": width, "height": 900}, is_mobile=width < 500, device_scale_factor=1
    )
    page = context.new_page()
    try:
        sign_in(page, live_server)
        page.goto(live_server + "/surveys")
        path = tmp_path / "round 2026.csv"
        path.write_bytes(IN_1251)
        page.get_by_label("Label", exact=True).fill("Round 2026")
        page.get_by_label("Character set").select_option("windows-1252")
        page.get_by_label("Survey file").set_input_files(str(path))
        page.get_by_role("button", name="Check the file").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Check before importing")
        new = page.get_by_role("region", name="New offices, as read")
        expect(new).to_contain_text("Êàçïàòåíò")
        expect(page.get_by_text("“Казпатент” in windows-1251")).to_be_visible()
        assert page.evaluate(FITS_WIDTH), "the check page is wider than the window"
        shoot(page, f"survey-check-{width}-garbled")

        page.get_by_role("link", name="Go back").click()
        expect(page.get_by_label("Label", exact=True)).to_have_value("Round 2026")
        expect(page.get_by_label("Character set")).to_have_value("windows-1252")
        expect(page.get_by_text("File kept: round 2026.csv")).to_be_visible()
        assert page.evaluate(FITS_WIDTH), "the form with a file kept is wider than the window"
        shoot(page, f"survey-check-{width}-back")
        page.get_by_label("Character set").select_option("windows-1251")
        page.get_by_role("button", name="Check the file").click()
        expect(new).to_contain_text("Казпатент")
        expect(page.get_by_text("Искусственный интеллект")).to_be_visible()
        page.get_by_role("button", name="Import").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Survey Round 2026")
        expect(page.get_by_role("status").first).to_contain_text("Imported Round 2026")

        # Replacing CWS/13/26 with one answer reworded: the check says what changes.
        export = page.request.get(live_server + f"/surveys/{survey.slug}/survey.csv").body()
        corrected = tmp_path / "CWS-13-26 corrected.csv"
        corrected.write_bytes(
            export.replace(b"Auto classification, Search", b"Auto classification")
        )
        page.goto(live_server + "/surveys")
        page.get_by_label("Replace the survey with the same label").check()
        page.get_by_label("Survey file").set_input_files(str(corrected))
        page.get_by_role("button", name="Check the file").click()
        changes = page.get_by_role("region", name="What replacing CWS/13/26 changes")
        expect(changes).to_contain_text("Answers: 0 added, 0 removed, 1 changed.")
        expect(changes.get_by_role("table")).to_contain_text("Auto classification, Search")
        # The words the file takes out are struck through, and said so to a screen reader.
        expect(changes.locator("del.changed")).to_have_text(", Search")
        said = changes.locator("del.changed").evaluate(
            "e => getComputedStyle(e, '::before').content"
        )
        assert "taken out" in said
        assert page.evaluate(FITS_WIDTH), "the changes are wider than the window"
        shoot(page, f"survey-check-{width}-replace")
    finally:
        context.close()
