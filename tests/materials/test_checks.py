"""The content checks, without an app: what a file is comes from its bytes, never its name."""

import pytest

from planner.materials.checks import (
    MaterialError,
    ascii_filename,
    check_link,
    check_size,
    clean_filename,
    content_disposition,
    file_type,
    megabytes,
)
from tests.materials.files import BOMB, DOCX, ELF, MZ, ODP, PDF, PPTX, archive


@pytest.mark.parametrize(("data", "kind"), [(PDF, "pdf"), (PPTX, "pptx"), (ODP, "odp")])
def test_slides_are_known_by_their_content(data, kind):
    assert file_type(data) == kind


@pytest.mark.parametrize("data", [ELF, MZ, b"#!/bin/sh\nrm -rf /\n"])
def test_a_program_is_refused_whatever_its_name(data):
    with pytest.raises(MaterialError, match="program"):
        file_type(data)


@pytest.mark.parametrize(
    "data",
    [
        DOCX,
        b"<html><script>alert(1)</script></html>",
        b"PK\x03\x04 not really a zip",
        archive([("mimetype", b"application/vnd.oasis.opendocument.text")]),
    ],
)
def test_other_files_are_refused(data):
    with pytest.raises(MaterialError):
        file_type(data)


def test_a_zip_bomb_is_refused_without_unpacking_it():
    assert len(BOMB) < 200_000
    with pytest.raises(MaterialError, match="zip bomb"):
        file_type(BOMB)


def test_an_archive_of_too_many_entries_is_refused():
    many = archive([("[Content_Types].xml", b"")] + [(f"x/{i}", b"") for i in range(5001)])
    with pytest.raises(MaterialError, match="holds 5002 files"):
        file_type(many)


def test_empty_and_oversized():
    with pytest.raises(MaterialError, match="empty"):
        check_size(0, 100)
    with pytest.raises(MaterialError, match="larger than") as refused:
        check_size(101, 100)
    assert refused.value.status == 413
    check_size(100, 100)


@pytest.mark.parametrize(
    ("sent", "kind", "stored"),
    [
        ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
        ("C:\\x\\y.pdf", "pdf", "y.pdf"),
        ("/abs/Rec 10 – IP Australia.pptx", "pptx", "Rec 10 – IP Australia.pptx"),
        (".hidden.pdf", "pdf", "hidden.pdf"),
        ("..", "pdf", "slides.pdf"),
        ("", "odp", "slides.odp"),
        ("slides.pdf", "pptx", "slides.pptx"),  # the content decides the extension
        ("a\x00b\nc<>.pdf", "pdf", "abc.pdf"),
        # A right-to-left override would show "\u202egnp.pdf" as "fdp.png".
        ("\u202egnp.pdf", "pdf", "gnp.pdf"),
        ("report\u2066\u200f\u2069.pdf", "pdf", "report.pdf"),
        ("تقرير.pdf", "pdf", "تقرير.pdf"),  # right-to-left letters themselves stay
        ("x" * 300 + ".pdf", "pdf", "x" * 196 + ".pdf"),
    ],
)
def test_a_filename_keeps_its_base_name_only(sent, kind, stored):
    assert clean_filename(sent, kind) == stored


def test_the_download_name_is_safe_ascii_with_the_exact_name_beside_it():
    assert ascii_filename("Présentation «OMPI».pdf") == "Presentation OMPI.pdf"
    assert ascii_filename("调查.pdf") == "slides.pdf"
    header = content_disposition('调查 "x".pdf')
    assert header.startswith('attachment; filename="')
    assert "filename*=UTF-8''%E8%B0%83%E6%9F%A5%20%22x%22.pdf" in header


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://x.example/a", "file:///etc/passwd", "", "https://a b"]
)
def test_a_link_is_http_or_https(url):
    with pytest.raises(MaterialError):
        check_link(url)


def test_a_link_holds_no_user_name_or_password():
    with pytest.raises(MaterialError, match="must not hold a user name or password"):
        check_link("https://ana:s3cret@slides.example/deck.pdf")
    assert check_link("https://slides.example/deck.pdf?pwd=abc") is not None  # a query is fine


def test_a_good_link():
    assert check_link(" https://video.example/rec10 ") == "https://video.example/rec10"


def test_an_archive_refusal_is_said_whole_in_the_readers_language(app):
    """Sizes are said in the reader's language (`translation.language`), and so is the
    sentence around them: the archive refusals were English on a Spanish or Russian page, with
    zipfile's own words in them (helper-212), and a Russian page's "МБ" in an English one."""
    import zipfile

    from planner.languages import show_in
    from planner.materials.checks import _check_bounds

    huge = zipfile.ZipInfo("ppt/media/image1.png")
    huge.file_size, huge.compress_size = 600 * 1024 * 1024, 300 * 1024 * 1024
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        show_in()
        assert megabytes(3 * 1024 * 1024) == "3 МБ"
        with pytest.raises(MaterialError, match=r"больше 512 МБ; он не принят"):
            _check_bounds([huge])
        with pytest.raises(MaterialError, match=r"повреждён или неполон"):
            file_type(PPTX[: len(PPTX) // 2])
    with pytest.raises(MaterialError, match=r"more than 512 MB; it is refused"):
        _check_bounds([huge])
