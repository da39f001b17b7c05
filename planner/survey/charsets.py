"""The character sets besides UTF-8 that spreadsheets save survey files in, which the person
importing one names: Excel's plain "CSV" and "Text (Tab delimited)" are in the code page of the
Windows that saved them, Excel for Mac's "CSV (Macintosh)" in Mac Roman.

None is guessed. Measured on one-row files such as a steward saves, a detector
(charset-normalizer, even held to these sets) read a French Windows-1252 file as Windows-1250
("coût" as "coűt") and "Österreichisches" as Mac Roman's "÷sterreichisches": wrong letters in
offices' names, stored without a word. A file that is not UTF-8 is refused showing how its
first such word reads in each of these, for the person to choose the one that reads right.
"""

import codecs
import re

from planner.survey.records import SurveyFormatError

# Name (as the command line, the API and the page's choice give it): where it is used.
CHARSETS = {
    "windows-1252": "Excel's plain “CSV” in Western Europe and the Americas",
    "windows-1250": "Central and Eastern Europe",
    "windows-1251": "Cyrillic",
    "windows-1253": "Greek",
    "windows-1254": "Turkish",
    "windows-1256": "Arabic",
    "gb18030": "Chinese, simplified (GBK)",
    "big5": "Chinese, traditional",
    "shift_jis": "Japanese (Windows-932)",
    "windows-949": "Korean",
    "mac-roman": "Excel for Mac's “CSV (Macintosh)”",
}
# Python's codecs for the names it does not know as such; Excel writes Microsoft's variants.
_CODECS = {"shift_jis": "cp932", "windows-949": "cp949", "mac-roman": "mac_roman"}

# Around a byte that is not UTF-8, the word it is in: up to a space, a separator or a quote.
_WORD = re.compile(rb'[^\s,;"{}\[\]]{0,30}$'), re.compile(rb'^[^\s,;"{}\[\]]{0,30}')


class CharsetError(SurveyFormatError):
    """Bytes that the named character set has no character for."""

    def __init__(self, name: str, line: int, byte: int) -> None:
        self.name, self.line, self.byte = name, line, byte
        super().__init__(
            f"The file is not in {name} either: line {line} has the byte {byte:#04x}, which "
            f"{name} has no character for. Choose the character set it was saved in, or save "
            "it as UTF-8 (in Excel, “CSV UTF-8 (Comma delimited)”)."
        )


def codec(name: str) -> str:
    return _CODECS.get(name, name)


def in_utf8(data: bytes, name: str | None) -> bytes:
    """The file's bytes as UTF-8: a file in the character set `name` the person chose, written
    again in UTF-8; a file that is UTF-8 already, or marked as UTF-16, as it is (the choice is
    for a file that is not: text that reads as UTF-8 is almost never another character set)."""
    if not name or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(codec(name)).encode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CharsetError(name, line, data[error.start]) from None


def readings(data: bytes, at: int) -> list[tuple[str, list[str]]]:
    """How the word holding the byte at `at` (one that is not UTF-8) reads in each character
    set: each different reading with the names of those that give it, in the order of
    CHARSETS (the most common first). A set that has no character for one of its bytes gives
    none."""
    before = _WORD[0].search(data[max(0, at - 30) : at])
    after = _WORD[1].match(data[at : at + 30])
    word = (before[0] if before else b"") + (after[0] if after else data[at : at + 1])
    found: dict[str, list[str]] = {}
    for name in CHARSETS:
        # Cut at 30 bytes, the word may end or start inside a character of two bytes.
        for part in (word, word[1:], word[:-1], word[1:-1]):
            try:
                reading = part.decode(codec(name))
            except UnicodeDecodeError:
                continue
            if reading.isprintable():
                found.setdefault(reading, []).append(name)
            break
    return list(found.items())


class ChooseCharset(SurveyFormatError):
    """A file that is not UTF-8, refused saying how its first such word reads in each
    character set and, in the words of the page, the API or the command line (`said`), how to
    name the one that reads right."""

    def __init__(self, where: str, data: bytes, at: int, saved_as: str) -> None:
        """`where`: what the refusal starts with (the file, the line, the column); `saved_as`:
        how to save the file as UTF-8 instead."""
        self.where, self.saved_as = where, saved_as
        self.read = "".join(
            f"\n    “{reading}” in {' or '.join(names)}" for reading, names in readings(data, at)
        )
        self.byte = data[at]
        super().__init__(self.said("import it again with --encoding and its name"))

    def said(self, how: str) -> str:
        return (
            f"{self.where}: the byte {self.byte:#04x} is not UTF-8. The file was saved in an older "
            "character set, as Excel saves its plain “CSV” (and Notepad its “ANSI”); the word it "
            f"is in reads:{self.read}"
            f"\n  If one reads right, {how}; or {self.saved_as}."
        )
