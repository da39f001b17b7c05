"""The time zones a zone field offers come from their own address, which the browser keeps and
which goes out compressed, not inside every page with a zone field (helper-357): a presenter in
Paraguay on a phone took 69 kB at each view of her page, 46 of them the list of some 470 zones,
again after every post, and never compressed, as the page carries a CSRF token (BREACH)."""

import gzip
import re

import pytest

from planner.languages import PAGE_LANGUAGES
from tests.conftest import signed_in
from tests.presenters.support import invite, reads
from tests.support import in_page, publish_as_planned, zones_offered

YEAR = 365 * 24 * 3600
GZIP = {"Accept-Encoding": "gzip"}


def _list_address(page: str) -> str:
    return re.search(r'<datalist id="zones" data-options="([^"]+)"></datalist>', page)[1]


def _lists_in(page: str) -> list[str]:
    """What each datalist of the page holds as it is sent."""
    return re.findall(r"<datalist[^>]*>(.*?)</datalist>", page, re.S)


def test_a_presenter_s_page_names_the_zone_list_instead_of_carrying_it(api, slot, presenter):
    reads("es")
    body = presenter.get(invite(api, slot, time_zone="America/Asuncion")).get_data(as_text=True)
    assert _lists_in(body) == [""]  # one list, for the zone picker and the availability's field
    assert "data-zone=" not in body and "America/Asuncion · UTC" not in body
    assert re.fullmatch(r"/zones/es\?v=[0-9a-f]{12}", _list_address(body))
    # Its script fills the list from there: the zone by its place in Spanish.
    offered = zones_offered(presenter, body)
    assert '<option value="Asunción, Paraguay" label="America/Asuncion · UTC−3"' in offered
    assert offered.count("<option ") > 400


def test_every_page_with_a_zone_field_names_the_list(app, api, slot, colead_client):
    """The volunteer form, the invite page, the meeting's and the office's forms, and the
    public agenda's zone picker: each sends the list's address, none the list."""
    publish_as_planned(api, slot.meeting_id)
    anyone = app.test_client()
    pages = [
        anyone.get("/volunteer"),
        anyone.get(f"/meetings/{slot.meeting_id}"),
        colead_client.get(f"/slots/{slot.id}/invite"),
        colead_client.get("/meetings/new"),
        colead_client.get(f"/meetings/{slot.meeting_id}/edit"),
        colead_client.get("/offices/new"),
        colead_client.get("/offices/AU/edit"),
    ]
    for page in pages:
        assert page.status_code == 200, page.request.path
        body = page.get_data(as_text=True)
        assert _lists_in(body) == [""], page.request.path
        assert "data-zone=" not in body, page.request.path
        assert re.search(r'data-options="/zones/en\?v=[0-9a-f]{12}"', body), page.request.path


def test_the_zone_list_is_kept_a_year_and_compressed_to_anyone(app, api, colead, slot, presenter):
    reads("es")
    body = presenter.get(invite(api, slot)).get_data(as_text=True)
    address = _list_address(body)
    answer = presenter.get(address, headers=GZIP)
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    assert answer.headers["Cache-Control"] == f"public, max-age={YEAR}, immutable"
    assert answer.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in answer.headers["Vary"]
    assert "Set-Cookie" not in answer.headers
    assert len(answer.data) < 15_000  # some 45 kB as it is
    listed = gzip.decompress(answer.data).decode()
    assert listed == zones_offered(presenter, body)
    # A co-lead's browser, signed in, gets the same bytes, compressed too: no session is
    # opened for it, and nothing private is in it.
    browser = app.test_client()
    signed_in(browser, colead)
    theirs = browser.get(address, headers=GZIP)
    assert theirs.data == answer.data and "Set-Cookie" not in theirs.headers
    assert theirs.headers["Cache-Control"] == answer.headers["Cache-Control"]


def test_the_zone_list_at_another_version_is_checked_again(app, api, slot, presenter):
    body = presenter.get(invite(api, slot)).get_data(as_text=True)
    path, version = _list_address(body).split("?v=")
    for other in (path, f"{path}?v={version[::-1]}"):
        answer = presenter.get(other)
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "public, no-cache", other
        again = presenter.get(other, headers={"If-None-Match": answer.headers["ETag"]})
        assert again.status_code == 304 and not again.data
    assert presenter.get("/zones/de").status_code == 404
    assert presenter.get("/zones/").status_code == 404


@pytest.mark.parametrize(
    ("language", "kathmandu"),
    [
        ("en", "Kathmandu, Nepal"),
        ("es", "Katmandú, Nepal"),
        ("fr", "Katmandou, Népal"),
        ("pt", "Katmandu, Nepal"),
        ("ru", "Катманду, Непал"),
        ("zh", "加德满都，尼泊尔"),
    ],
)
def test_the_zone_list_names_each_zone_in_the_page_s_language(app, language, kathmandu):
    assert language in PAGE_LANGUAGES
    listed = app.test_client().get(f"/zones/{language}").get_data(as_text=True)
    option = f'<option value="{kathmandu}" label="Asia/Kathmandu · UTC+5:45" data-zone='
    assert option in listed


def test_without_script_a_city_typed_is_still_read(api, slot, presenter):
    """With no script the list stays empty: "Asunción" typed, as the hint says, is her zone."""
    reads("es")
    link = invite(api, slot)
    sent = {"zone": "Asunción", "zone_seen": "Australia/Sydney"}
    assert presenter.post(link + "/zone", data=sent).status_code == 302
    again = presenter.get(link).get_data(as_text=True)
    assert in_page("es", "Your time (%(zone)s)", zone="Asunción") in again
