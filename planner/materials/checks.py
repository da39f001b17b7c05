"""What an uploaded file really is, read from its bytes rather than its name or the browser's
word; the clean base name it is stored under; the headers it is served with. Pure: its words come
in the page's language through `planner.translation` (English outside the app)."""

import io
import re
import unicodedata
import zipfile
import zlib
from urllib.parse import quote

from babel.units import format_unit

from planner import translation
from planner.errors import PlannerError
from planner.private_links import names_a_secret, private_page
from planner.text import (
    carries_credentials,
    is_web_address,
    refusal,
    shorten,
    shown_web_address,
)
from planner.translation import gettext as _

# The formats slides come in, with the one content type each is served as, whatever was sent.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
FORMAT_NAMES = {"pdf": "PDF", "pptx": "PowerPoint (.pptx)", "odp": "OpenDocument (.odp)"}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# A presentation is a ZIP archive; what it claims to unpack to is bounded without unpacking it,
# so that a small upload built to expand to gigabytes (a zip bomb) is refused on sight.
MAX_ENTRIES = 5000
MAX_UNPACKED = 512 * 1024 * 1024
MAX_RATIO = 200  # unpacked to packed, per entry; slide XML compresses about 10:1
ODP_MIMETYPE = b"application/vnd.oasis.opendocument.presentation"

# The first bytes of programs: Linux (ELF), Windows (MZ), macOS (Mach-O and fat binaries), and
# scripts. Named slides.pdf, they are still programs.
_PROGRAMS = (
    b"\x7fELF",
    b"MZ",
    b"\xca\xfe\xba\xbe",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"#!",
)
# Control and reserved characters, and the bidirectional controls that make "‮gnp.pdf" show as
# "fdp.png": a file's name must read as what it is.
_UNSAFE_NAME = re.compile(
    r'[\x00-\x1f\x7f-\x9f<>:"|?*\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]'
)
MAX_NAME = 200


def accepted() -> str:
    """The formats slides are taken in, named in the page's language."""
    return _("PDF, PowerPoint (.pptx) or OpenDocument (.odp)")


def too_large(limit: int) -> str:
    return _(
        "The file is larger than %(limit)s, the limit for slides; make it smaller (export as PDF, "
        "compress the pictures) or give a link to it instead.",
        limit=megabytes(limit),
    )


class MaterialError(PlannerError):
    """An upload or a link that is refused; the message says why in the presenter's words."""


def megabytes(size: int, locale: str | None = None) -> str:
    """A file's size as people read it, in the page's language (CLDR's units, through Babel):
    "340 kB" below a megabyte, "2.5 MB" above; "2,5 Mo" in French, "340 кБ" in Russian. A
    sentence written in English only gives `locale="en"`: its units are English too."""
    locale = locale or translation.language()
    if size < 1024 * 1024:
        return format_unit(max(1, round(size / 1024)), "digital-kilobyte", "short", locale=locale)
    megas = round(size / (1024 * 1024), 1)
    return format_unit(megas, "digital-megabyte", "short", format="#,##0.#", locale=locale)


def check_size(size: int, limit: int) -> None:
    if size == 0:
        raise MaterialError(_("The file is empty; choose the file with your slides."), "file")
    if size > limit:
        raise MaterialError(too_large(limit), "file", status=413)


def file_type(data: bytes) -> str:
    """The format the content shows ("pdf", "pptx" or "odp"); MaterialError for any other."""
    if not data:
        raise MaterialError(_("The file is empty; choose the file with your slides."), "file")
    if data.startswith(_PROGRAMS):
        raise MaterialError(
            _(
                "This file is a program, not slides, whatever its name says; send %(formats)s "
                "slides.",
                formats=accepted(),
            ),
            "file",
        )
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _archive_type(data)
    raise MaterialError(
        _(
            "This file is not %(formats)s slides, whatever its name says; export your slides in "
            "one of these formats, or give a link to them.",
            formats=accepted(),
        ),
        "file",
    )


def _archive_type(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            _check_bounds(entries)
            names = {entry.filename for entry in entries}
            if entries and entries[0].filename == "mimetype":
                with archive.open(entries[0]) as first:
                    if first.read(len(ODP_MIMETYPE) + 1).strip() == ODP_MIMETYPE:
                        return "odp"
            if "[Content_Types].xml" in names and "ppt/presentation.xml" in names:
                return "pptx"
    except MaterialError:
        raise
    except (NotImplementedError, RuntimeError):
        # zipfile's words for a password or a packing it cannot read, in English: the
        # presenter is told what to do instead, in theirs.
        raise MaterialError(
            _(
                "This presentation is protected by a password, or packed in a way that cannot be "
                "read; save it again without a password (or export it as PDF), then choose it "
                "again."
            ),
            "file",
        ) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError, zlib.error):
        # Most often a file cut short: a download or a copy that stopped half-way.
        raise MaterialError(
            _(
                "This file is damaged or incomplete (cut short while it was copied or downloaded?) "
                "and cannot be read; save or export your slides again, then choose the new file."
            ),
            "file",
        ) from None
    raise MaterialError(
        _(
            "This archive is not a presentation (a Word or Excel file, say); send %(formats)s "
            "slides.",
            formats=accepted(),
        ),
        "file",
    )


def _check_bounds(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > MAX_ENTRIES:
        raise MaterialError(
            _(
                "This archive holds %(count)s files; a presentation holds far fewer.",
                count=len(entries),
            ),
            "file",
        )
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED:
        raise MaterialError(
            _(
                "This archive would unpack to more than %(limit)s; it is refused.",
                limit=megabytes(MAX_UNPACKED),
            ),
            "file",
        )
    for entry in entries:
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise MaterialError(
                _("This archive is packed suspiciously tightly (a zip bomb?); it is refused."),
                "file",
            )


def clean_filename(name: str | None, kind: str | None, *, fallback: str = "slides") -> str:
    """The base name to store: no folders (`../../etc/passwd.pdf` is `passwd.pdf`, `C:\\x\\y.pdf`
    is `y.pdf`), no control, reserved or bidirectional characters, no leading dot, at most
    MAX_NAME characters, and the extension of the format the content showed (`kind`), or the
    name's own when the name is what says the format (None: a survey file)."""
    # A colon too: it ends a drive letter (C:) and was the classic Mac OS folder separator.
    base = re.split(r"[\\/:]", unicodedata.normalize("NFC", name or ""))[-1]
    base = " ".join(_UNSAFE_NAME.sub("", base).split()).strip(". ")
    stem, _dot, own = base.rpartition(".") if "." in base else (base, "", "")
    stem = stem.strip(". ") or fallback
    extension = kind or own[:10]
    wanted = "." + extension if extension else ""
    # Cut between characters as a reader sees them (`shorten`): never an emoji family without
    # its last member, a flag halved into another, or a syllable without its vowel sign.
    stem = shorten(stem, MAX_NAME - len(wanted), end="").rstrip(". ") or fallback
    return stem + wanted


def check_filename(name: str) -> str:
    """A file's cleaned name, refused when it holds the secret of a private link: the agenda
    shows it and its download address carries it, as a link would."""
    if names_a_secret(name):
        raise MaterialError(
            _(
                "The file's name holds the secret of a private link of this planner: it would be "
                "published, and whoever read it could act for its owner. Rename the file, then "
                "choose it again."
            ),
            "file",
        )
    return name


def ascii_filename(name: str) -> str:
    """The name in plain ASCII, for the `filename=` that every browser reads."""
    stem, _dot, extension = name.rpartition(".")
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"[^A-Za-z0-9._ ()-]+", "_", plain).strip("._ ")
    return f"{plain or 'slides'}.{extension}"


def content_disposition(name: str) -> str:
    """An attachment header with a safe ASCII name and the exact name in RFC 5987 form."""
    return f"attachment; filename=\"{ascii_filename(name)}\"; filename*=UTF-8''{quote(name)}"


def check_link(url: str | None) -> str:
    """A link to slides or a recording: an http(s) address on one line, fitting its column."""
    url = (url or "").strip()
    if not url:
        raise MaterialError(_("Give the link's address, starting with https://."), "url")
    problem = refusal(url, _("The link"))
    if problem:
        raise MaterialError(problem, "url")
    if not is_web_address(url):
        raise MaterialError(
            _(
                "The link must be a web address starting with https:// (or http://), with no "
                "spaces."
            ),
            "url",
        )
    # Kept and shown in one form, its host in Unicode: `https://xn--bcher-kva.example/` and
    # `https://bücher.example/` are one link, which a slot holds once.
    url = shown_web_address(url)
    # Before what reads the link as a page of the planner: that work grows with its length.
    if len(url) > 500:
        raise MaterialError(_("The link must be at most 500 characters long."), "url")
    if carries_credentials(url):
        raise MaterialError(
            _(
                "The link must not hold a user name or password (“name:password@”): everyone who "
                "sees the link would read them."
            ),
            "url",
        )
    if private_page(url):
        raise MaterialError(
            _(
                "The link leads to a private page of this planner (a presenter's or a volunteer's "
                "own page, an unsubscribe link or an office's own feed): whoever has it could act "
                "for its owner, so it is never published. Link the slides themselves, or upload "
                "the file."
            ),
            "url",
        )
    return url
