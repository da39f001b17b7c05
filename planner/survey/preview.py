"""What importing a survey file would do, shown before it is done: the survey and its offices as
read (names in the letters the character set gave them), a few answers, the warnings, and what
replacing a stored round would change. Plain data, for the page, the API and the command line."""

import difflib
import hashlib
import json
from dataclasses import asdict, dataclass, field

import regex

from planner.survey.charsets import codec, readings
from planner.survey.records import AnswerRecord, Question, RespondentRecord, SurveyRecord
from planner.text import shorten

# How many offices' first answers are shown as read, and how much of each.
SAMPLES = 5
SAMPLE_CHARS = 200
# How many of each kind of change to the answers are listed (all are counted).
CHANGES_LISTED = 20
# How much of a changed answer is shown before the place it changes, when that lies past what
# SAMPLE_CHARS shows from its start.
CONTEXT_CHARS = 60
_GRAPHEME = regex.compile(r"\X")
# What a changed answer is compared in: spaces, a word (letters and the marks on them, digits),
# a Han, Kana or Hangul character (those scripts write no spaces between words), or anything
# else as one character as a person sees it.
_WORDS = regex.compile(r"\s+|[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]|[\p{L}\p{M}\p{N}]+|\X")
# A preview's `check`: the start of a SHA-256 digest, in hexadecimal.
CHECK_LENGTH = 32
WARNINGS_LISTED = 20


@dataclass(frozen=True)
class OfficeRead:
    code: str
    name: str
    time_zone: str | None


@dataclass(frozen=True)
class Sample:
    """An office's first answer, as the file was read."""

    office: str
    name: str
    question: str
    recommendation: int | None
    text: str


@dataclass(frozen=True)
class AnswerChange:
    office: str
    question: str
    recommendation: int | None
    before: str | None  # None: added
    after: str | None  # None: removed

    def words(self) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
        """`before` and `after` in pieces, each marked True where it is not in the other: what
        the corrected file changes in the answer, for the page to show (the words of a
        200-character excerpt read alike otherwise)."""
        return marked_words(self.before or "", self.after or "")


def marked_words(was: str, now: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """`was` and `now` as runs of words, each run marked True where it differs from the other
    text (removed from `was`, added in `now`), False where both have it. A change of spacing
    alone is shown in `SPACING`'s signs: a space struck through or underlined shows nothing."""
    old, new = _WORDS.findall(was), _WORDS.findall(now)
    before: list[tuple[str, bool]] = []
    after: list[tuple[str, bool]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        _add(before, "".join(old[i1:i2]), tag != "equal")
        _add(after, "".join(new[j1:j2]), tag != "equal")
    return _spacing_shown(_joined(before)), _spacing_shown(_joined(after))


# How a change of spacing shows (helper-234: a file correcting only spaces or line breaks listed
# each answer as changed, marked by an empty box, and the steward hunted for the change).
SPACING = {" ": "␣", "\n": "↵", "\t": "⇥"}


def _spacing_shown(pieces: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    return [
        ("".join(SPACING.get(c, SPACING[" "]) for c in text), True)
        if changed and not text.strip()
        else (text, changed)
        for text, changed in pieces
    ]


def _joined(pieces: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Changed runs with only spaces between them as one: "two words" changed reads as one
    change, not two."""
    out: list[tuple[str, bool]] = []
    for at, (text, changed) in enumerate(pieces):
        between = 0 < at < len(pieces) - 1 and not changed and not text.strip()
        if changed and text.strip():
            # The spaces at its edges are not struck through or underlined.
            core = text.strip()
            start = text.index(core)
            _add(out, text[:start], False)
            _add(out, core, True)
            _add(out, text[start + len(core) :], False)
        else:
            _add(out, text, changed or between)
    return out


def _add(pieces: list[tuple[str, bool]], text: str, changed: bool) -> None:
    if not text:
        return
    if pieces and pieces[-1][1] == changed:
        pieces[-1] = (pieces[-1][0] + text, changed)
    else:
        pieces.append((text, changed))


@dataclass(frozen=True)
class MarkChange:
    """A co-lead's mark whose pair applies (ranks, goes into line-ups) before the import and no
    longer after it, or the other way round; `before` and `after` say why it does not."""

    audience: str
    presenter: str
    recommendation: int
    verdict: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class LineupGone:
    id: int
    recommendation: int | None
    made: str
    meeting: str | None  # the agenda it was accepted into, which stays


@dataclass(frozen=True)
class Reading:
    """How the file's first letters beyond ASCII read in the character set chosen and in the
    others (`readings`), for a person to see whether the choice reads right."""

    chosen: str
    word: str
    others: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class Preview:
    """What importing would do, and what it was read from. `check` is a digest of the rest:
    the same file imported once the database changed (another import, a deleted survey)
    would do something else, and the import is then shown again rather than done."""

    source_name: str
    form: str  # "published text", "CSV", "JSON", "JSON list of rows"
    label: str
    period: str | None
    status: str  # "created", "replaced" or "unchanged"
    said: str  # what the import says once done, in the words of the page, API or command line
    respondents: int
    answers: int
    warnings: list[tuple[int | None, str]]
    offices_added: list[OfficeRead]
    offices_kept: list[str]
    offices_removed: list[str]
    samples: list[Sample]
    reading: Reading | None = None
    replaces: str | None = None  # the stored survey it replaces: label, file and when
    respondents_gone: list[str] = field(default_factory=list)
    respondents_new: list[str] = field(default_factory=list)
    added: int = 0
    removed: int = 0
    changed: int = 0
    answer_changes: list[AnswerChange] = field(default_factory=list)
    lineups_gone: list[LineupGone] = field(default_factory=list)
    marks_compared_with: str | None = None
    marks: list[MarkChange] = field(default_factory=list)

    @property
    def check(self) -> str:
        encoded = json.dumps(self._content(), ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(encoded.encode()).hexdigest()[:CHECK_LENGTH]

    def _content(self) -> dict:
        return asdict(self)

    def as_dict(self) -> dict:
        content = self._content()
        content["warnings"] = [{"line": line, "message": text} for line, text in self.warnings]
        content["reading"] = (
            {
                "chosen": self.reading.chosen,
                "word": self.reading.word,
                "others": [{"reads": r, "in": names} for r, names in self.reading.others],
            }
            if self.reading
            else None
        )
        return {**content, "check": self.check}

    @property
    def importable(self) -> bool:
        """Whether importing changes anything (the same answers stored already change nothing,
        unless the file corrects their dates)."""
        return self.status != "unchanged"

    def lines(self) -> list[str]:
        """The preview as the command line prints it."""
        out = [
            f"{self.source_name}, read as {self.form}"
            + (f" in {self.reading.chosen}" if self.reading else "")
            + ": nothing was imported (--dry-run).",
            f"Survey {self.label}, answered {self.period or 'when: not given'}: " + self.headline(),
            f"{self.respondents} offices ({len(self.offices_added)} new), {self.answers} "
            f"answers, {len(self.warnings)} warning(s).",
        ]
        if self.reading:
            out.append(f"Its first word beyond ASCII reads “{self.reading.word}”; in other sets:")
            out += [f"  “{reads}” in {' or '.join(names)}" for reads, names in self.reading.others]
        if self.offices_added:
            out.append("New offices, as read:")
            out += [
                f"  {o.code}  {o.name}" + (f"  ({o.time_zone})" if o.time_zone else "")
                for o in self.offices_added
            ]
        if self.samples:
            out.append("As read, the first answer of a few offices:")
            out += [
                f"  {s.office}  {s.name}: {s.question}"
                + (f", Rec {s.recommendation}" if s.recommendation else "")
                + f": “{_one_line(s.text)}”"
                for s in self.samples
            ]
        if self.replaces:
            out.append(f"It replaces {self.replaces}:")
            out.append(
                f"  answers: {self.added} added, {self.removed} removed, {self.changed} changed"
            )
            out += [f"  {_change_line(c)}" for c in self.answer_changes]
            if self.respondents_new:
                out.append(f"  offices answering now: {', '.join(self.respondents_new)}")
            if self.respondents_gone:
                out.append(f"  offices no longer answering: {', '.join(self.respondents_gone)}")
            out += [f"  {_lineup_line(lineup)}" for lineup in self.lineups_gone]
        if self.marks:
            out.append(f"Co-leads' marks, compared with {self.marks_compared_with}:")
            out += [f"  {_mark_line(mark)}" for mark in self.marks]
        if self.warnings:
            out.append("Warnings:")
            out += [
                f"  {f'line {line}: ' if line else ''}{text}"
                for line, text in self.warnings[:WARNINGS_LISTED]
            ]
            if len(self.warnings) > WARNINGS_LISTED:
                out.append(f"  … and {len(self.warnings) - WARNINGS_LISTED} more")
        out.append(f"Once imported, the planner says: {self.said}")
        return out

    def headline(self) -> str:
        if self.status == "created":
            return "a new survey."
        if self.status == "unchanged":
            return "already imported with the same answers; importing changes nothing."
        if not self.replaces:
            return "the same answers as the survey stored, with corrected dates."
        return f"replaces {self.replaces}."


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _change_line(change: AnswerChange) -> str:
    where = f"{change.office} {change.question}" + (
        f" Rec {change.recommendation}" if change.recommendation else ""
    )
    if change.before is None:
        return f"+ {where}: “{_one_line(change.after or '')}”"
    if change.after is None:
        return f"- {where}: “{_one_line(change.before)}”"
    was, now = _one_line(change.before), _one_line(change.after)
    # Read on one line, answers that differ in spacing alone read the same.
    spacing = " (spacing only)" if was == now else ""
    return f"~ {where}: “{was}” → “{now}”{spacing}"


def _lineup_line(lineup: LineupGone) -> str:
    about = f" on Rec {lineup.recommendation}" if lineup.recommendation else ""
    kept = f"; the agenda it became, “{lineup.meeting}”, stays" if lineup.meeting else ""
    return f"saved line-up {lineup.id}{about} (made {lineup.made}) goes with it{kept}"


def _mark_line(mark: MarkChange) -> str:
    pair = f"{mark.presenter} → {mark.audience}, Rec {mark.recommendation} ({mark.verdict})"
    if mark.after is not None:
        return f"{pair} no longer applies: {mark.after}"
    return f"{pair} applies again (before: {mark.before})"


def is_check(value: str) -> bool:
    """Whether `value` could be a preview's `check`."""
    return len(value) == CHECK_LENGTH and all(c in "0123456789abcdef" for c in value)


def samples(record: SurveyRecord, new: set[str]) -> list[Sample]:
    """The first answer of a few offices: those whose names or answers hold letters beyond
    ASCII first (a wrong character set shows there: "Ðîñïàòåíò"), then new offices, then the
    others, in the file's order."""
    first: dict[str, AnswerRecord] = {}
    for answer in sorted(record.answers, key=AnswerRecord.sort_key):
        first.setdefault(answer.office, answer)

    def beyond_ascii(respondent: RespondentRecord) -> bool:
        answer = first.get(respondent.code)
        text = respondent.name + (answer.text if answer else "")
        return any(not c.isascii() and c.isalpha() for c in text)

    ranked = sorted(
        (r for r in record.respondents if r.code in first),
        key=lambda r: (not beyond_ascii(r), r.code not in new),
    )
    return [
        Sample(
            r.code,
            r.name,
            first[r.code].question.label,
            first[r.code].recommendation,
            shorten(first[r.code].text, SAMPLE_CHARS),
        )
        for r in ranked[:SAMPLES]
    ]


def reading(data: bytes, encoding: str | None) -> Reading | None:
    """How the file reads in the character set chosen, if one was and the file needed it (a
    file that is UTF-8 is read as UTF-8 whatever is chosen)."""
    if not encoding or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as error:
        at = error.start
    found = readings(data, at)
    chosen = next((r for r, names in found if encoding in names), None)
    if chosen is None:  # the word cut inside a letter of the set chosen: read it whole
        chosen = data[max(0, at - 10) : at + 10].decode(codec(encoding), "replace")
    return Reading(encoding, chosen, [(r, names) for r, names in found if r != chosen])


def answer_changes(
    before: list[AnswerRecord], after: list[AnswerRecord]
) -> tuple[int, int, int, list[AnswerChange]]:
    """How many answers replacing `before` with `after` adds, removes and changes (its text),
    and the first CHANGES_LISTED of each, in the questionnaire's order."""
    old = {a.key: a for a in before}
    new = {a.key: a for a in after}

    def change(key, was: AnswerRecord | None, now: AnswerRecord | None) -> AnswerChange:
        office, question, recommendation = key
        if was and now:
            before, after = changed_texts(was.text, now.text)
        else:
            before = shorten(was.text, SAMPLE_CHARS) if was else None
            after = shorten(now.text, SAMPLE_CHARS) if now else None
        return AnswerChange(office, Question(question).label, recommendation, before, after)

    order = sorted(old.keys() | new.keys(), key=lambda k: (Question(k[1]).order, k[2] or 0, k[0]))
    added = [k for k in order if k not in old]
    removed = [k for k in order if k not in new]
    changed = [k for k in order if k in old and k in new and old[k].text != new[k].text]
    listed = [
        change(k, old.get(k), new.get(k))
        for kind in (added, removed, changed)
        for k in kind[:CHANGES_LISTED]
    ]
    return len(added), len(removed), len(changed), listed


def changed_texts(was: str, now: str) -> tuple[str, str]:
    """A changed answer's text before and after, each cut to SAMPLE_CHARS: from its start, or,
    where the two differ only past that (a word corrected at the end of a long answer), from a
    little before the first place they differ, so that they read apart rather than the same."""
    cut = shorten(was, SAMPLE_CHARS), shorten(now, SAMPLE_CHARS)
    if cut[0] != cut[1]:
        return cut
    at = next((i for i, (a, b) in enumerate(zip(was, now, strict=False)) if a != b), None)
    if at is None:  # one is the other with more at its end
        at = min(len(was), len(now))
    return _from(was, at), _from(now, at)


def _from(text: str, at: int) -> str:
    """`text` from a little before `at`, after "…": from a word's start, or in text without
    spaces (Chinese) a whole character's, never inside one."""
    wanted = max(at - CONTEXT_CHARS, 0)
    start = text.find(" ", wanted, at) + 1
    if not start:
        clusters = _GRAPHEME.finditer(text, max(wanted - 16, 0))
        start = next((c.start() for c in clusters if c.start() >= wanted), at)
    return "…" + shorten(text[start:], SAMPLE_CHARS - 1)
