"""What counts as text a person typed: no NUL or other control characters (line breaks and tabs
only where a field is several lines long), and web addresses without any space or control
character. One rule for the domain checks, every form and the JSON API. Pure: no Flask (its words
come in the page's language through `planner.translation`).
"""

import html
import json
import re
import unicodedata
from urllib.parse import urlsplit

import idna
import regex

from planner.translation import gettext

# The explicit bidirectional formatting characters (embeddings, overrides, isolates: U+202A to
# U+202E, U+2066 to U+2069) show what follows them in an order other than the one stored
# ("Trojan Source"), and one left open reorders the page around the field: a title could read
# as something else, or carry a badge into itself. Right-to-left text needs none of them: the
# Unicode algorithm orders it, and the marks (U+200E, U+200F, U+061C) stay allowed.
_OVERRIDES = "\u202a-\u202e\u2066-\u2069"
# U+FFFE and U+FFFF are no characters at all: calendars cannot write them.
_NONCHARACTERS = "\ufffe\uffff"
_CONTROL = re.compile(rf"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u2028\u2029{_OVERRIDES}{_NONCHARACTERS}]")
_CONTROL_ONE_LINE = re.compile(rf"[\x00-\x1f\x7f\x80-\x9f\u2028\u2029{_OVERRIDES}{_NONCHARACTERS}]")
_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f<>\"]+\Z", re.IGNORECASE)  # HTTPS:// too


def blank(value: str) -> bool:
    """Whether text shows nothing: only spaces, line breaks and invisible characters (a
    zero-width space, a byte-order mark, a joiner). A required field is not filled by it: a
    title of U+200B alone reads as no title on every page."""
    return all(
        c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp") for c in value
    )


def line_breaks(value: str) -> str:
    """Text of several lines with the one line break stored: browsers send a textarea's breaks
    as CR LF, which is one break, not a forbidden CR."""
    return value.replace("\r\n", "\n")


# Half of a UTF-16 surrogate pair: JSON can spell one ("\ud800"), no database stores it.
SURROGATE = re.compile("[\ud800-\udfff]")


# Characters refused in every text, however many lines it has: they are not line-like, so the
# refusal does not ask to keep the text on one line.
_INVISIBLE = re.compile(rf"[{_OVERRIDES}{_NONCHARACTERS}]")


def _first_refused(value: str, multiline: bool) -> str | None:
    found = (_CONTROL if multiline else _CONTROL_ONE_LINE).search(value)
    return found.group(0) if found else None


def _described(char: str, multiline: bool) -> str:
    code = f"U+{ord(char):04X}"
    if _INVISIBLE.match(char):
        if char in _NONCHARACTERS:
            return gettext("%(code)s, which is no character", code=code)
        return gettext(
            "the bidirectional formatting character %(code)s, which shows the text in another "
            "order than it is written",
            code=code,
        )
    if char in "\n\r" and not (multiline and char == "\r"):
        return gettext("a line break")
    if char == "\r":
        return gettext("a carriage return that is no line break (CR without LF)")
    if char == "\t":
        return gettext("a tab")
    if char == "\x00":
        return gettext("a NUL character")
    return gettext("the control character %(code)s", code=code)


def control_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character a text of this kind may not hold, shown readably, or None."""
    char = _first_refused(value, multiline)
    return None if char is None else _described(char, multiline)


def readable(value: str) -> str:
    """Stored text as input would take it now: without the invisible characters it refuses
    (bidirectional formatting, non-characters), which older data may hold (a line-up's saved
    quote, copied into a slot)."""
    return _INVISIBLE.sub("", value)


def printable(value: str) -> str:
    """Text quoted from a file (an importer's warning) as a page may show it: each character
    that input refuses (control, bidirectional formatting, non-characters) replaced by U+FFFD."""
    return _CONTROL_ONE_LINE.sub("\ufffd", value)


# What ends a sentence, in the scripts presenters write in: a full stop, "!", "?" and "…", and
# their full-width forms in Chinese ("。", "！", "？").
_SENTENCE_END = (".", "!", "?", "…", "。", "！", "？")


def ends_sentence(value: str | None) -> bool:
    """Whether `value` (a presenter's reason, say) ends a sentence itself, so that the sentence
    quoting it takes no full stop of its own after it ("…away that week.”", not ".”.")."""
    return (value or "").rstrip().endswith(_SENTENCE_END)


# A grapheme cluster (Unicode's extended one, UAX #29): what a reader sees as one character, a
# letter with its combining accents, an emoji with its skin tone or joined to others (👩🏽‍💻, a
# flag), a Devanagari syllable with its virama and vowel signs (स्ते).
_GRAPHEME = regex.compile(r"\X")


def shorten(value: str, limit: int, *, end: str = "…", at_space: bool = False) -> str:
    """`value` whole if it has at most `limit` characters (code points, as a column counts
    them), else cut to fit with `end`: after a whole grapheme cluster, never inside one (an
    emoji without its modifier, an "é" without its accent, half a Devanagari syllable), and
    with `at_space` after a whole word where there is a space to cut at (text without spaces,
    Chinese, is cut between clusters). The one way the app shortens text."""
    if len(value) <= limit:
        return value
    room = max(limit - len(end), 0)
    kept = 0
    # Only the clusters that end by `room` are kept, and whether one ends at a character depends
    # on that character and those before it (UAX #29 looks back, never ahead): the text past it
    # is not read (a page cuts hundreds of kilobyte-long answers to 140 characters).
    for cluster in _GRAPHEME.finditer(value, 0, room + 1):
        if cluster.end() > room:
            break
        kept = cluster.end()
    cut = value[:kept]
    if at_space and (space := cut.rfind(" ")) > 0 and not value[kept : kept + 1].isspace():
        cut = cut[:space]
    return cut.rstrip() + end


def as_json(value, limit: int = 40) -> str:
    """A value someone sent, quoted in a message as JSON writes it ("AU", true, ["AU"]; not
    Python's 'AU', True, ['AU']), text cut to `limit` characters, printable."""
    if isinstance(value, str):
        value = shorten(value, limit + 1)
    shown = json.dumps(value, ensure_ascii=False)
    # A list or an object is cut as it is written (a file may hold a long one anywhere).
    return printable(shorten(shown, 2 * limit + 1))


def refusal(value: str, what: str, *, multiline: bool = False) -> str | None:
    """Why `value` is refused as the text `what`, or None when it may be stored."""
    char = _first_refused(value, multiline)
    if char is None:
        return None
    said = {"what": what, "char": _described(char, multiline)}
    if not multiline and not _INVISIBLE.match(char):
        return gettext("%(what)s cannot contain %(char)s; keep it on one line.", **said)
    return gettext("%(what)s cannot contain %(char)s.", **said)


def is_web_address(value: str) -> bool:
    """An http(s) address with nothing a calendar or a page could break on, whose host and
    port can be read ("https://[::1", "https://xn--/" and port 99999 cannot; helper-85)."""
    if not _URL.match(value):
        return False
    try:
        ascii_web_address(value)
    except ValueError:
        return False
    return True


def ascii_web_address(value: str) -> str:
    """`value` with its host in ASCII (`ascii_host`), the rest as written. ValueError for a host
    or port that cannot be read."""
    parts = urlsplit(value)
    parts.port  # noqa: B018 (ValueError when it is no port at all)
    host = parts.hostname
    if not host:
        raise ValueError("no host")
    if host.isascii():
        # As written (an underscore too, which some intranets use); an xn-- label must decode.
        labels = host.removesuffix(".").split(".")
        if ":" not in host and (
            not all(_HOST_LABEL.fullmatch(label) for label in labels)
            or any(label.lower().startswith("xn--") and not _decodes(label) for label in labels)
        ):
            raise ValueError("not a host name")
        return value
    return _with_host(value, ascii_host(host))


def shown_web_address(value: str) -> str:
    """`value` in the one form the planner keeps and shows a link in, however its host was
    typed: an internationalised host in Unicode, lower-case, as people write it
    (`https://bücher.example/x`, also when typed `https://xn--bcher-kva.example/x` or
    `https://BÜCHER.example/x`; IDNA 2008 with UTS #46), so that its spellings are one link;
    the rest as written. A label mixing Latin letters with Cyrillic or Greek ones stays in its
    xn-- form, as browsers show it: "аpple.com" with a Cyrillic "а" would read as another site;
    so does one spelt wholly in Cyrillic letters that look Latin under a Latin TLD ("аррӏе.com").
    An ASCII host without xn-- labels stays as typed. ValueError for a host that cannot be
    read (`is_web_address` refuses it).

    Materials' links and meetings' video links are stored in this form, and the unique indexes
    compare it: a change to what it returns needs a migration writing the stored links anew (as
    3c8e1f5a9b27 did), or a link stored before and the same one added after are two."""
    parts = urlsplit(value)
    parts.port  # noqa: B018 (ValueError when it is no port at all)
    host = parts.hostname
    if not host:
        raise ValueError("no host")
    if host.isascii() and not any(label.startswith("xn--") for label in host.split(".")):
        return value
    ascii_form = ascii_host(host)
    try:
        labels = [
            idna.decode(label) if label.startswith("xn--") else label
            for label in ascii_form.split(".")
        ]
    except (idna.IDNAError, UnicodeError) as error:
        raise ValueError(str(error)) from None
    latin_tld = labels[-1].isascii()
    shown = ".".join(
        label
        if _LOOKALIKE_MIX.search(unicode) or (latin_tld and _LOOKS_LATIN.fullmatch(unicode))
        else unicode
        for label, unicode in zip(ascii_form.split("."), labels, strict=True)
    )
    return _with_host(value, shown)


# A label with Latin letters beside Cyrillic or Greek ones: how look-alike hosts are spelt.
_LOOKALIKE_MIX = regex.compile(r"^(?=.*\p{Latin})(?=.*[\p{Cyrillic}\p{Greek}])")
# A label of Cyrillic letters that each look like a Latin one (with digits and hyphens): a whole
# word can be spelt so ("аррӏе"), which Chrome shows in its xn-- form under a TLD not Cyrillic.
_LOOKS_LATIN = regex.compile(r"[асԁеһіјӏорԛѕԝхуъьҽпгѵѡ0-9-]+")


def _with_host(value: str, host: str) -> str:
    """`value` with its host written as `host`, its user, port and the rest as written."""
    parts = urlsplit(value)
    user = parts.netloc.rpartition("@")[0]
    netloc = (f"{user}@" if user else "") + host
    netloc += f":{parts.port}" if parts.port is not None else ""
    start = value.index("//") + 2
    return value[:start] + netloc + value[start + len(parts.netloc) :]


def ascii_host(host: str) -> str:
    """A domain name in the ASCII form every server and calendar reads: an internationalised one
    (`exämple.org`) as its xn-- form (`xn--exmple-cua.org`; IDNA 2008 with UTS #46), an ASCII
    one as it is. ValueError for a name that has none."""
    if host.isascii():
        return host
    try:
        return idna.encode(host, uts46=True, std3_rules=False, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError) as error:
        raise ValueError(str(error)) from None


_HOST_LABEL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")


def _decodes(label: str) -> bool:
    try:
        idna.decode(label)
    except (idna.IDNAError, UnicodeError):
        return False
    return True


def carries_credentials(value: str) -> bool:
    """Whether a web address holds a user name or password ("https://user:pass@host/"), which
    everyone it is shown to would read."""
    try:
        return urlsplit(value).username is not None
    except ValueError:  # no address at all: is_web_address says so
        return False


CREDENTIALS = (
    "must not hold a user name or password (“name:password@”): everyone who sees the link "
    "would read them"
)


def by_name(value: str) -> str:
    """A name as people look it up in a list: capitals and accents aside, in any script
    ("Élise" beside "Elena", not after "Zoe", as SQL's lower() put it: it folds only ASCII)."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Letters with a stroke or joined, which no decomposition takes apart: typed as their plain
# letters where a keyboard has none ("Lukasz" for "Łukasz", "Gudrun" for "Guðrún").
_PLAIN_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ı": "i", "ħ": "h", "æ": "ae", "œ": "oe"}
)


def _spelled(name: str) -> str:
    """A name's letters as `same_name` compares them: in lower case, without the accents of
    Latin, Greek and Cyrillic letters (U+0300 to U+036F, which NFKD splits off), and without
    spaces, punctuation or invisible characters. The marks of other scripts stay: a Devanagari
    virama, a Japanese dakuten ("ガ" is not "カ") spell another name. A name of no letters
    ("—", "?" for an office's unnamed presenter) is its punctuation as typed, spaces and capitals
    aside: folded to nothing, it would be no one's, not even its own, and the slides added under
    it no one's to show or erase."""
    decomposed = unicodedata.normalize("NFKD", name.casefold()).translate(_PLAIN_LETTERS)
    letters = "".join(
        c
        for c in decomposed
        if not "\u0300" <= c <= "\u036f" and unicodedata.category(c)[0] not in "ZPC"
    )
    return letters or " ".join(name.split()).casefold()


def same_name(one: str | None, other: str | None) -> bool:
    """Whether two names typed for a person are the same name, spelt more or less carefully:
    capitals, accents, spaces and punctuation aside ("Elise Dupont" corrected to "Élise
    Dupont", "Jean Pierre" to "Jean-Pierre"). The same name is the same person: at another
    address, their address corrected (README, "The presenter's journey"); at the same, still the
    one whose slides the talk's are (`materials.operations.added_by_presenter`). A name with a
    word added or taken away is another's ("María Quispe" and "María Elena Quispe" may share an
    office's mailbox), as is one whose words are in another order. A blank name is no one's."""
    one, other = (_spelled(name or "") for name in (one, other))
    return bool(one) and one == other


# What joins a name to the word it stands in when a letter follows it: "Dupont-Martin", "O'Brien"
# (hyphens and apostrophes as typed, and in their typographic forms).
_HYPHENS = "-\u2010\u2011"
_APOSTROPHES = "'\u2019\u02bc"
_MARK = regex.compile(r"\A\p{M}+")
# Characters read on each side of a name in HTML: enough for the longest escape of one.
_AROUND = 12


def _script(char: str) -> str | None:
    """The script a letter is written in, as its Unicode name starts ("LATIN", "CYRILLIC",
    "ARABIC", "CJK" for Han ideographs, "HIRAGANA", "HANGUL"), of its compatibility form
    (fullwidth "Ａ" is Latin); None for what is no letter."""
    folded = unicodedata.normalize("NFKC", char)[:1] or char
    if not unicodedata.category(folded).startswith("L"):
        return None
    return unicodedata.name(folded, "").split(" ")[0] or None


def _goes_on(edge: str, beyond: str, *, after: bool) -> bool:
    """Whether the word a name's `edge` letter ends (or starts) goes on in `beyond`, the text
    next to it read away from it: with a letter of its script ("Eva" in "Evangelina", "张伟" in
    "张伟明"), or one joined by a hyphen or apostrophe ("Dupont-Martin", "O'Brien"; not an
    English possessive, "Dupont's", which is the name whole). After it, an accent goes on with
    its last letter; before it, an accent is its letter's, which decides."""
    script = _script(edge)
    if script is None or not beyond:
        return False
    if after and _MARK.match(beyond):
        return True
    beyond = _MARK.sub("", beyond, count=1)
    if beyond[:1] and beyond[0] in _HYPHENS + _APOSTROPHES:
        if after and beyond[0] in _APOSTROPHES and beyond[1:2] == "s":
            return _goes_on("s", beyond[2:], after=True)
        beyond = beyond[1:]
    return bool(beyond) and _script(beyond[0]) == script


def replace_name(value: str, name: str, by: str, *, markup: bool = False) -> str:
    """`value` with `name` replaced by `by` wherever it stands whole (`_goes_on` neither side):
    not inside a longer name ("Élise Dupont" in "Élise Dupont-Martin"), while a Latin name
    beside Chinese text stands whole ("Eva Quispe已确认"). A name of no letters ("—" for an
    office's unnamed presenter) names no one, and is left (it would take every dash). With
    `markup`, `value` is HTML: `name` is found escaped and what is around it read unescaped."""
    if not any(c.isalnum() for c in name):
        return value
    said = html.escape(name) if markup else name
    kept, done = [], 0
    start = value.find(said)
    while start != -1:
        end = start + len(said)
        before, after = value[max(start - _AROUND, 0) : start], value[end : end + _AROUND]
        if markup:
            before, after = html.unescape(before), html.unescape(after)
        if _goes_on(name[0], before[::-1], after=False) or _goes_on(name[-1], after, after=True):
            start = value.find(said, start + 1)
            continue
        kept += [value[done:start], by]
        done = end
        start = value.find(said, end)
    return "".join(kept) + value[done:]
