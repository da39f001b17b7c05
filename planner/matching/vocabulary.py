"""The topics of IP-office ICT work, read from `data/topics.json`, and which of them a text names.

Pure: no Flask, no database. A term matches a word that starts with it (terms of three letters or
fewer match whole words, with an optional plural "s"; "st9", with a digit, is a prefix); a phrase
matches its words in order. Longer terms are read first and use up the words they match, so
"data governance" is the data topic and not also governance. A phrase the file says names no
topic ("internal standards": an office's own rules, not WIPO's) uses up its words alike.
"""

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib.resources import files

LANGUAGES = ("en", "es", "fr", "pt", "ru")


def plain(text: str) -> str:
    """Lower case without accents, so "Clasificación" and "clasificacion" read the same."""
    return plain_with_origins(text)[0]


def plain_with_origins(text: str) -> tuple[str, list[int]]:
    """`plain(text)`, and for each of its characters the position it came from in `text`."""
    if text.isascii():
        # No accents to take off: lower case keeps every character where it was.
        return text.lower(), list(range(len(text)))
    out: list[str] = []
    origins: list[int] = []
    for position, char in enumerate(text):
        if char.isascii():
            out.append(char.lower())
            origins.append(position)
            continue
        for ch in unicodedata.normalize("NFKD", char.lower()):
            if not unicodedata.combining(ch):
                out.append(ch)
                origins.append(position)
    return "".join(out), origins


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    terms: tuple[str, ...]
    # Broader topics a project on this one also meets ("ai" covers "adoption": an AI project is
    # an office adopting a new technology), for the coverage of a wish; not named by the text.
    covers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """A topic named in a text, the words that named it (as written), and those words with a
    few of their neighbours in the same clause, to quote (`phrase`: "a pilot has been
    successfully launched", where the words alone, "pilot", told a co-lead little; helper-82)."""

    topic: str
    words: str
    # Where the words are in the text they were read from: the phrase is made when asked for
    # (a quote on a page), not for every text the scorer reads.
    text: str = field(default="", compare=False, repr=False)
    span: tuple[int, int] = field(default=(0, 0), compare=False, repr=False)

    @cached_property
    def phrase(self) -> str:
        return _phrase(self.text, *self.span) if self.text else self.words


# Words of context a quote takes on each side of the words that named a topic, within a clause.
QUOTE_CONTEXT = 3
# Where a clause ends. A full stop, comma or colon with a word right after it is inside a name or
# number ("ST.91", "Version 1.0.0", "Drivers 2,3,4", "https://data.uspto.gov"), and a dash
# between two words joins them ("2021–2025"): a quote cut there cut the name ("WIPO standards
# ST" for "ST.91"). A hyphen standing alone is a dash, or a list's bullet: CA's "Recommendation
# 8 - Common Reference architecture" was quoted "… - Common Reference architecture would be
# most …", US's "- Agreement amongst partner IP offices" with its bullet (CWS/13/26, Rec 8).
_DASH = r"|(?<!\w)[–—]|[–—](?!\w)|(?<!\S)-(?!\S)"
_CLAUSE_END = re.compile(r"[;!?()\n]|[.,:](?![\w/])" + _DASH)


# Where a clause ends, leaving out commas: for words that are a whole item of a list.
_STATEMENT_END = re.compile(r"[;!?()\n]|[.:](?![\w/])" + _DASH)
# Where a part of a wish ends (`parts`): a statement's ends, but a bracket is an aside within
# it (EP's "Cost efficiency and optimization (Financial Sustainability)"), and a full stop
# before a comma or bracket ends an abbreviation ("(e.g., parity for parity sake)"); "…" joins
# the items of a list a wish was cut from (`survey.interest.wish_for`).
_PART_END = re.compile(r"[;!?\n…]|[.:](?![\w/,)])" + _DASH)


def _phrase(text: str, start: int, end: int) -> str:
    """The whole words of `text[start:end]` ("classif" quotes "classification") with up to
    QUOTE_CONTEXT words either side, not past the clause they are in; "…" where the clause
    goes on, so that a quote cut short reads as one ("a pilot has been successfully …").
    Words that are a whole item of a list between commas take their neighbours past the
    commas: US's "coordination between business, legal, and IT groups" was quoted as
    "legal" alone (Rec 1, CWS/13/26 line 934)."""
    quote, alone = _quote(text, start, end, {m.start() for m in _CLAUSE_END.finditer(text)})
    if alone:
        quote, _ = _quote(text, start, end, {m.start() for m in _STATEMENT_END.finditer(text)})
    return quote


def parts(text: str) -> list[str]:
    """The parts of a wish, each as written: its statements, a list's items. A clause that
    leads into the next with a colon ("There are three items: ...") is no part of its own."""
    found, start = [], 0
    for end in _PART_END.finditer(text + "\n"):
        part = text[start : end.start()].strip()
        if part and end.group() != ":":
            found.append(part)
        start = end.end()
    return found


def _quote(text: str, start: int, end: int, ends: set[int]) -> tuple[str, bool]:
    """`_phrase` within the clauses that `ends` (the positions where one ends) mark, and
    whether the words are alone in theirs."""

    def inside(position: int) -> bool:
        return not text[position].isspace() and position not in ends

    while start > 0 and inside(start - 1):
        start -= 1
    while end < len(text) and inside(end):
        end += 1
    clause_start = max((e + 1 for e in ends if e < start), default=0)
    clause_end = min((e for e in ends if e >= end), default=len(text))
    before = text[clause_start:start].split()
    after = text[end:clause_end].split()
    quote = " ".join(
        [
            *(["…"] if len(before) > QUOTE_CONTEXT else []),
            *before[-QUOTE_CONTEXT:],
            text[start:end],
            *after[:QUOTE_CONTEXT],
            *(["…"] if len(after) > QUOTE_CONTEXT else []),
        ]
    )
    return quote, not before and not after


class Vocabulary:
    def __init__(
        self, version: int, topics: tuple[Topic, ...], not_topics: tuple[str, ...] = ()
    ) -> None:
        self.version = version
        self.topics = {topic.id: topic for topic in topics}
        # A topic covering one the file does not have is a typing mistake in the file, said when
        # it is read rather than as a KeyError on the first text that names the topic.
        for topic in topics:
            unknown = [other for other in topic.covers if other not in self.topics]
            if unknown:
                raise ValueError(
                    f"Topic {topic.id!r} covers {', '.join(map(repr, unknown))}, "
                    "which the vocabulary does not have."
                )
        # A term listed under two topics names both ("WIPO Publish" is a WIPO business solution
        # and a way to disseminate data).
        named: dict[str, list[str]] = {}
        for topic in topics:
            for term in topic.terms:
                ids = named.setdefault(plain(term), [])
                if topic.id not in ids:
                    ids.append(topic.id)
        # A phrase that names no topic, although a shorter term in it would: it names nothing,
        # and its words stay for word similarity to compare.
        for phrase in not_topics:
            named.setdefault(plain(phrase), [])
        # Each pattern with the first word of its term: a text without that word (a plain
        # substring test, fast) cannot match it, so its regular expression is not run.
        self._patterns = [
            (re.compile(_pattern(term)), tuple(named[term]), _first_word(term))
            for term in sorted(named, key=lambda term: (-len(term), term))
        ]

    @classmethod
    def from_json(cls, data: dict) -> "Vocabulary":
        topics = tuple(
            Topic(
                item["id"],
                item["label"],
                tuple(term for language in LANGUAGES for term in item.get(language, ())),
                tuple(item.get("covers", ())),
            )
            for item in data["topics"]
        )
        not_topics = data.get("not_topics", {})
        phrases = tuple(term for language in LANGUAGES for term in not_topics.get(language, ()))
        return cls(int(data["version"]), topics, phrases)

    def label(self, topic: str) -> str:
        return self.topics[topic].label

    def mentions(self, text: str) -> tuple[Mention, ...]:
        """The topics a text names, each once, in the order they first appear."""
        return _read(self, text)[0]

    def covered(self, mentions, *, quoted: bool = False) -> dict[str, str]:
        """The topics a text's `mentions` meet, with the words that meet each (with `quoted`,
        their `phrase`): those it names, and the broader ones they cover (`Topic.covers`)
        through the words of the first."""
        said = {m.topic: m.phrase if quoted else m.words for m in mentions}
        found = dict(said)
        for m in mentions:
            for broader in self.topics[m.topic].covers:
                found.setdefault(broader, said[m.topic])
        return found

    def residual(self, text: str) -> str:
        """The text without the words that named topics: what word similarity still compares."""
        return _read(self, text)[1]


def _first_word(term: str) -> str:
    return next((word for word in re.split(r"[\s\-]+", term) if word), term)


def _pattern(term: str) -> str:
    words = [re.escape(word) for word in re.split(r"[\s\-]+", term) if word]
    joined = r"[\s\-/]+".join(words)
    # Terms that end in a letter take any ending ("classif" → classification); short ones only a
    # plural, so "ai" is not "aim".
    if len(term) <= 3 and term.isalpha():
        tail = r"s?(?!\w)"
    elif term[-1].isalnum():
        tail = r"\w*"
    else:
        tail = ""
    return r"(?<!\w)" + joined + tail


@lru_cache(maxsize=16384)
def _read(vocabulary: Vocabulary, text: str) -> tuple[tuple[Mention, ...], str]:
    lowered, origins = plain_with_origins(text)
    taken = [False] * len(lowered)
    # The words that named a topic, which the residual leaves out (a phrase naming none keeps its).
    named = [False] * len(lowered)
    found: dict[str, tuple[int, int, int]] = {}  # topic: where (plain), where in `text`
    for pattern, topics, first in vocabulary._patterns:
        if first not in lowered:
            continue
        for match in pattern.finditer(lowered):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            taken[start:end] = [True] * (end - start)
            if topics:
                named[start:end] = [True] * (end - start)
            for topic in topics:
                if topic not in found or start < found[topic][0]:
                    found[topic] = (start, origins[start], origins[end - 1] + 1)
    mentions = tuple(
        Mention(topic, text[begin:stop], text, (begin, stop))
        for topic, (_, begin, stop) in sorted(found.items(), key=lambda i: i[1][0])
    )
    residual = "".join(" " if used else ch for ch, used in zip(lowered, named, strict=True))
    return mentions, residual


@lru_cache(maxsize=1)
def bundled() -> Vocabulary:
    """The vocabulary the app ships with."""
    data = json.loads((files("planner") / "data" / "topics.json").read_text(encoding="utf-8"))
    return Vocabulary.from_json(data)
