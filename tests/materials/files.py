"""Tiny real files of each kind the tests upload, built here rather than kept as binaries."""

import io
import zipfile

PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01" + bytes(64)
MZ = b"MZ\x90\x00" + bytes(64)


def archive(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as made:
        for index, (name, data) in enumerate(entries):
            kind = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            made.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


PPTX = archive(
    [
        ("[Content_Types].xml", b"<Types/>"),
        ("_rels/.rels", b"<Relationships/>"),
        ("ppt/presentation.xml", b"<p:presentation/>"),
    ]
)
ODP = archive(
    [
        ("mimetype", b"application/vnd.oasis.opendocument.presentation"),
        ("content.xml", b"<office:document-content/>"),
        ("META-INF/manifest.xml", b"<manifest:manifest/>"),
    ],
    stored_first=True,
)
DOCX = archive([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")])
# 20 MB of zeros packs into some 20 kB: a small upload that would unpack to far more.
BOMB = archive(
    [
        ("[Content_Types].xml", b"<Types/>"),
        ("ppt/presentation.xml", b"<p:presentation/>"),
        ("ppt/media/huge.bin", bytes(20 * 1024 * 1024)),
    ]
)
