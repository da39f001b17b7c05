"""Reads the survey annex of CWS/13/26 as published: the text extracted from the PDF.

`parse_document` turns the bytes of that text into a `SurveyRecord`, or refuses them with a
`SurveyFormatError`. It never drops text silently: whatever it cannot place becomes a warning that
names the line.
"""

import calendar
import codecs
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from planner.matching.vocabulary import plain_with_origins
from planner.survey.interest import read_interest
from planner.survey.records import (
    AnswerRecord,
    ImportWarning,
    Question,
    RespondentRecord,
    SurveyFormatError,
    SurveyRecord,
    lines_of,
    says_nothing,
)
from planner.text import shorten


@dataclass(frozen=True)
class _QuestionForm:
    number: int
    kind: Question | None  # None: question 1 (respondents) and question 2 (a chart)
    keyword: re.Pattern[str]  # must appear in the heading's first line
    description: str


_FORMS = {
    form.number: form
    for form in (
        _QuestionForm(
            1, None, re.compile(r"two-letter code", re.I), "the ST.3 codes of respondents"
        ),
        _QuestionForm(
            2, None, re.compile(r"level of implementation", re.I), "implementation levels"
        ),
        _QuestionForm(
            3,
            Question.implementation,
            re.compile(r"level of implementation", re.I),
            "comments on implementation",
        ),
        _QuestionForm(4, Question.focus, re.compile(r"current focus", re.I), "current focus"),
        _QuestionForm(5, Question.low_priority, re.compile(r"low priorit", re.I), "low priorities"),
        _QuestionForm(6, Question.challenge, re.compile(r"challenge", re.I), "big challenges"),
        _QuestionForm(7, Question.proposal, re.compile(r"proposals?", re.I), "proposals"),
        _QuestionForm(8, Question.discuss, re.compile(r"discussed", re.I), "topics to discuss"),
    )
}
_LAST_QUESTION = max(_FORMS)
_PER_RECOMMENDATION = {Question.focus, Question.low_priority, Question.challenge}

_HEADING = re.compile(r"^(\d)\.\s+\S")
_SYMBOL = re.compile(r"^[A-Z]{2,}/\d+/\d+$")
_TABLE_HEADER = re.compile(r"^ST\.3 Code\b\s*(.*)$")
_SECTION = re.compile(r"^Rec\.?\s*(\d{1,3})\.?$")
_ANSWER_START = re.compile(r"^([A-Z]{2})(?:\s+(.*))?$")
_RESPONDENT = re.compile(r"^([A-Z]{2})\s+(.+)$")
# "Rec 5:" inside a question-3 comment; on the comment's first line the colon may be missing.
_REC_LABEL = re.compile(r"^(Rec\.?\s*(\d{1,3}))(?:\s*(:)\s*|\s+|$)(.*)$")
_NO_COMMENTS = re.compile(r"^no comments? provided\.?$", re.I)
_PAGE_FURNITURE = re.compile(
    r"^(?:Annex,?\s+page\s+\d+|page\s+\d+(?:\s+of\s+\d+)?|第\s*\d+\s*页|\[[^\]]{1,40}\])$", re.I
)
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_BULLET = re.compile(r"^(?:[-–•*]|[a-z]\.|\d+\.)\s")
# A line ending like this continues on the next one, whatever that one starts with. Case matters:
# a line ending in "AT" (an office code) does not dangle the way one ending in "at" does.
_DANGLING = re.compile(
    r"(?:[,&/(–-]|\b(?:and|or|of|the|a|an|to|in|for|with|by|on|at|from|as|into|via|than)"
    r"|\b[Rr]ec(?:ommendations?|\.)?)$"
)
# The ligatures a PDF's text may be copied with ("speciﬁcation"): letters the office typed,
# drawn as one glyph. Read as those letters, the same answer copied by another viewer is the
# same answer, and "artiﬁcial intelligence" is the topic it names.
_LIGATURES = {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0xFB00, 0xFB07)}
# The months as each edition's body names them, in `plain` letters (lower case, no accents):
# English, French, Spanish, Portuguese, and Russian in the genitive a date takes ("2 мая").
_MONTHS = {
    name: number
    for names in (
        [name.lower() for name in calendar.month_name[1:]],
        "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre",
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
        "janeiro fevereiro marco abril maio junho julho agosto setembro outubro novembro dezembro",
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    )
    for number, name in enumerate(names.split() if isinstance(names, str) else names, start=1)
}
_MONTHS["setiembre"] = 9  # as Peru and Uruguay write it
_WINDOW_ZH = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*至\s*(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日"
)
# Two dates of one period as the body of an edition in a language of `_MONTHS` states it, in
# `plain` letters: "between 2 May and 7 July 2025", "du 2 mai au 7 juillet 2025", "entre el 2
# de mayo y el 7 de julio de 2025", "de 1º de maio a 7 de julho de 2025", "с 2 мая по 7 июля
# 2025 г."; the first date's year may be left out.
_DAY = r"(\d{1,2})(?:er|o|°)?"
_WINDOW = re.compile(
    rf"(?<!\d){_DAY}\s+(?:de\s+)?([^\W\d_]+)(?:\s+(?:de\s+)?(\d{{4}}))?,?\s+"
    r"(?:and|to|until|through|et|au|jusqu'au|y|al|a|hasta|e|ate|и|по|до)\s+"
    rf"(?:(?:le|el|the|o)\s+)?{_DAY}\s+(?:de\s+)?([^\W\d_]+),?\s+(?:de\s+)?(\d{{4}})(?!\d)"
)


class NotUTF8(SurveyFormatError):
    """A file that is not UTF-8, with where its first byte that is not: `text` is the file with
    each such byte as a lone surrogate (NOT_UTF8_BYTE), `line` the first one's line; a reader
    says in its own words how to fix it."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.text = codecs.decode(data, "utf-8-sig", "surrogateescape")
        position = NOT_UTF8_BYTE.search(self.text).start()
        self.byte = ord(self.text[position]) - 0xDC00
        self.line = len(lines_of(self.text[:position]))
        # Where the byte is in `data`, for how the word it is in reads in other character sets.
        self.at = len(self.text[:position].encode("utf-8", "surrogateescape"))
        if data.startswith(codecs.BOM_UTF8):
            self.at += len(codecs.BOM_UTF8)
        super().__init__(
            f"The file is not UTF-8 text (line {self.line} has the byte {self.byte:#04x}); "
            "save the extracted text as UTF-8 and import it again."
        )


# A byte that is not UTF-8 as "surrogateescape" reads it: a lone surrogate, which UTF-8 never gives.
NOT_UTF8_BYTE = re.compile("[\udc80-\udcff]")


# How a spreadsheet is saved as the CSV the import reads.
SAVE_AS_CSV = (
    "in Excel, Save As → “CSV UTF-8 (Comma delimited)” (in LibreOffice Calc, Save As with “Edit "
    "filter settings” and the character set “Unicode (UTF-8)”) and import that file"
)
_SAVE_AS_TEXT = (
    "Save As “Plain Text” (.txt) with the encoding “Unicode (UTF-8)” and import that file, or "
    "copy its text into a text editor and save that as UTF-8"
)
# The files of other programs a secretariat has at hand, by the bytes they start with (and, in
# an archive, the parts they hold), each with what it is and how to get the file the import reads.
_OTHER_PROGRAMS = (
    (
        b"%PDF-",
        (),
        "a PDF",
        "open it, select all its text, copy it into a text editor (Notepad, "
        "TextEdit) and save that as UTF-8 text (.txt), or extract it with pdftotext; then import "
        "that file",
    ),
    (b"PK\x03\x04", (b"xl/workbook.xml",), "an Excel workbook (.xlsx)", SAVE_AS_CSV),
    (
        b"PK\x03\x04",
        (b"opendocument.spreadsheet",),
        "a LibreOffice Calc spreadsheet (.ods)",
        SAVE_AS_CSV,
    ),
    (
        b"PK\x03\x04",
        (b"word/document.xml", b"opendocument.text"),
        "a word-processor document (.docx, .odt)",
        _SAVE_AS_TEXT,
    ),
    (b"PK\x03\x04", (), "a ZIP archive", "unpack it and import the survey file it holds"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        ("Workbook".encode("utf-16-le"),),
        "an Excel 97-2003 workbook (.xls)",
        SAVE_AS_CSV,
    ),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        ("WordDocument".encode("utf-16-le"),),
        "a Word 97-2003 document (.doc)",
        _SAVE_AS_TEXT,
    ),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        (),
        "an Office 97-2003 file",
        "save it from its program as CSV UTF-8 (a spreadsheet) or as UTF-8 text (a document) and "
        "import that file",
    ),
)


def _other_program(data: bytes) -> str | None:
    """What a file another program wrote is and how to save it as what the import reads, for a
    workbook or a PDF chosen by mistake, which was "a binary file" or "not UTF-8 text"."""
    for start, holds, what, how in _OTHER_PROGRAMS:
        if data.startswith(start) and (not holds or any(part in data for part in holds)):
            return f"This is {what}, not a survey file the import reads: {how}."
    return None


def decode(data: bytes) -> str:
    """The text of an uploaded file, or a SurveyFormatError saying why it is not text (NotUTF8
    when it is neither UTF-8 nor UTF-16 with a byte-order mark: no other encoding is guessed)."""
    if not data.strip():
        raise SurveyFormatError("The file is empty.")
    if said := _other_program(data):
        raise SurveyFormatError(said)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise SurveyFormatError(
                "The file starts like UTF-16 text but is not; save the text as UTF-8 and import "
                "it again."
            ) from None
        if "\x00" in text:
            raise SurveyFormatError("This is a binary file, not the text of a survey document.")
        return text
    if b"\x00" in data:
        raise SurveyFormatError("This is a binary file, not the text of a survey document.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data" and error.end == len(error.object):
            # UTF-8 up to a letter of several bytes that is not whole: not another encoding.
            raise SurveyFormatError(
                f"The file ends in the middle of a letter (its last byte, {data[-1]:#04x}, "
                "starts one): was it cut short (saved, copied or downloaded only in part)? "
                "Save or export it again; nothing was changed."
            ) from None
        raise NotUTF8(data) from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > max(8, len(text) // 100):
        raise SurveyFormatError("This is a binary file, not the text of a survey document.")
    return text


@dataclass
class _Answer:
    """An answer being collected: the label as written, the office it counts for, its lines."""

    label: str
    office: str
    question: Question
    section: int | None
    section_line: int | None
    lines: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Unplaced:
    """Text the reader cannot give to any office, reported as one warning."""

    first: int
    reason: str
    lines: list[str] = field(default_factory=list)
    last: int = 0


class _Reader:
    def __init__(self, aliases: Mapping[str, str], recommendations: set[int]) -> None:
        self.aliases = dict(aliases)
        self.recommendations = recommendations
        self.symbol: str | None = None
        self.window: tuple[date, date] | None = None
        # Where the text states its period with a date no calendar has, and in which words.
        self.impossible: tuple[int, str] | None = None
        self.question = 0
        self.question_lines: dict[int, int] = {}
        self.in_heading = False
        self.respondents: dict[str, RespondentRecord] = {}
        self.section: int | None = None
        self.section_line: int | None = None
        self.section_labels: list[str] = []
        self.current: _Answer | _Unplaced | None = None
        self.collected: list[_Answer] = []
        self.warnings: list[ImportWarning] = []
        self.chart_lines: list[int] = []
        self.previous = ""

    @property
    def kind(self) -> Question | None:
        return _FORMS[self.question].kind if self.question else None

    def read(self, text: str) -> None:
        lines = [" ".join(raw.split()).translate(_LIGATURES) for raw in lines_of(text)]
        for number, line in enumerate(_rejoined(lines), start=1):
            if not line:
                continue
            if self._is_page_furniture(line):
                continue
            self._line(number, line)
            self.previous = line
        self._close()

    def _is_page_furniture(self, line: str) -> bool:
        if self.question == 0:
            return False
        if _SYMBOL.match(line) or _PAGE_FURNITURE.match(line):
            return True
        return bool(_PAGE_NUMBER.match(line)) and not _DANGLING.search(self.previous)

    def _line(self, number: int, line: str) -> None:
        if self.question == 0:
            self._body(number, line)
            return
        heading = _HEADING.match(line)
        following = _FORMS.get(self.question + 1)
        if (
            heading
            and following
            and int(heading[1]) == following.number
            and following.keyword.search(line)
        ):
            self._start_question(number)
            return
        if heading and not self.in_heading:
            # "9. Another question" where the survey has none: its text joins the answer above,
            # which a co-lead must know (the annex's answers never start so).
            expected = f"question {following.number}" if following else "no further question"
            self.warnings.append(
                ImportWarning(
                    number,
                    f'"{line[:80]}" looks like a question heading, but {expected} was '
                    "expected here: read as part of the answer above; check the text",
                )
            )
        if self.in_heading:
            header = _TABLE_HEADER.match(line)
            if header:
                self.in_heading = False
                self._section_from(header[1], number)
            elif self.question == 2:
                self.chart_lines.append(number)
            return
        if self.question == 1:
            self._respondent(number, line)
        else:
            self._answer_line(number, line)

    def _body(self, number: int, line: str) -> None:
        if self.symbol is None and _SYMBOL.match(line):
            self.symbol = line
        if self.window is None:
            # With the line before: a PDF's text wraps the sentence where the page did.
            self.window, impossible = _find_window(f"{self.previous} {line}")
            if impossible and self.impossible is None:
                self.impossible = (number, impossible)
        if _HEADING.match(line) and line.startswith("1.") and _FORMS[1].keyword.search(line):
            self._start_question(number)

    def _start_question(self, number: int) -> None:
        self._close()
        self.question += 1
        self.question_lines[self.question] = number
        self.in_heading = True
        self.section = None
        self.section_line = None
        self.section_labels = []

    def _section_from(self, text: str, number: int) -> None:
        match = _SECTION.match(text)
        if match and self.kind in _PER_RECOMMENDATION:
            self._close()
            recommendation = int(match[1])
            if recommendation not in self.recommendations:
                raise SurveyFormatError(
                    f'Line {number}: the section "{text}" names a recommendation that does not '
                    f"exist (known: {_span(self.recommendations)})."
                )
            self.section = recommendation
            self.section_line = number
            self.section_labels = []

    def _respondent(self, number: int, line: str) -> None:
        match = _RESPONDENT.match(line)
        starts_a_respondent = match and not _DANGLING.search(self.previous)
        if starts_a_respondent and match[1] in self.respondents:
            first = self.respondents[match[1]].line
            self.warnings.append(
                ImportWarning(number, f"{match[1]} is listed again (first on line {first})")
            )
        elif starts_a_respondent:
            self.respondents[match[1]] = RespondentRecord(match[1], match[2], line=number)
        elif self.respondents:
            last = list(self.respondents.values())[-1]
            self.respondents[last.code] = RespondentRecord(
                last.code, f"{last.name} {line}", line=last.line
            )
        else:
            self.warnings.append(ImportWarning(number, f'not a respondent line: "{line}"'))

    def _answer_line(self, number: int, line: str) -> None:
        header = _TABLE_HEADER.match(line)
        if header:
            self._section_from(header[1], number)
            return
        if self.kind in _PER_RECOMMENDATION and _SECTION.match(line):
            self._section_from(line, number)
            return
        if _NO_COMMENTS.match(line):
            self._close()
            return
        start = _ANSWER_START.match(line)
        if start and not self._continues(start[1]):
            self._start_answer(number, start[1], start[2] or "")
            return
        if isinstance(self.current, _Answer):
            self.current.lines.append((number, line))
        elif isinstance(self.current, _Unplaced):
            self.current.lines.append(line)
            self.current.last = number
        else:
            self.current = _Unplaced(number, "text outside any answer", [line], number)

    def _continues(self, label: str) -> bool:
        """Whether a line starting with two capitals continues the answer before it."""
        if self.current is None or not _DANGLING.search(self.previous):
            return False
        office = self.aliases.get(label, label)
        if office not in self.respondents:
            return True
        # Answers are listed in code order; an earlier code after a dangling line is a wrap.
        return bool(self.section_labels) and label <= self.section_labels[-1]

    def _start_answer(self, number: int, label: str, text: str) -> None:
        self._close()
        office = self.aliases.get(label, label)
        if office not in self.respondents:
            # Said alike on the page, the API and the command line, and kept with the survey.
            hint = (
                f" (if it is another office's answer, give the alias {label}=<that office's "
                "code> when importing)"
            )
            self.current = _Unplaced(
                number, f"answer labelled {label}, which is not a respondent in question 1{hint}"
            )
            if text:
                self.current.lines.append(text)
            self.current.last = number
            return
        if self.kind in _PER_RECOMMENDATION and self.section is None:
            self.warnings.append(
                ImportWarning(number, f'{office}\'s answer comes before any "Rec. N" section')
            )
        self.section_labels.append(label)
        answer = _Answer(label, office, self.kind, self.section, self.section_line)
        answer.lines.append((number, text))
        self.current = answer

    def _close(self) -> None:
        if isinstance(self.current, _Answer):
            self.collected.append(self.current)
        elif isinstance(self.current, _Unplaced):
            excerpt = " ".join(self.current.lines)
            excerpt = shorten(excerpt, 240)
            where = (
                f"lines {self.current.first}–{self.current.last}"
                if self.current.last > self.current.first
                else None
            )
            prefix = f"{where}: " if where else ""
            self.warnings.append(
                ImportWarning(
                    self.current.first,
                    f'{prefix}{self.current.reason}; not imported: "{excerpt}"',
                )
            )
        self.current = None


def parse_document(
    data: bytes,
    source_name: str,
    *,
    label: str | None = None,
    aliases: Mapping[str, str] | None = None,
    recommendations: Iterable[int] = range(1, 11),
) -> SurveyRecord:
    """Read the published survey text. `aliases` maps a label as written to a respondent's code."""
    text = decode(data)
    known = set(recommendations)
    aliases = dict(aliases or {})
    reader = _Reader(aliases, known)
    reader.read(text)

    if 1 not in reader.question_lines:
        raise SurveyFormatError(
            "This does not look like the CWS survey annex: question 1 (the respondents' "
            "two-letter ST.3 codes) was not found."
        )
    missing = [n for n in _FORMS if n not in reader.question_lines]
    if missing:
        last = max(reader.question_lines.values())
        names = ", ".join(f"{n} ({_FORMS[n].description})" for n in missing)
        raise SurveyFormatError(
            f"The file is truncated or incomplete: question {names} not found after line {last}."
        )
    if not reader.respondents:
        raise SurveyFormatError("Question 1 lists no respondents, so no answer can be placed.")
    for alias, office in aliases.items():
        if alias in reader.respondents:
            raise SurveyFormatError(
                f"Alias {alias}={office}: {alias} is itself a respondent in question 1."
            )
        if office not in reader.respondents:
            raise SurveyFormatError(
                f"Alias {alias}={office}: {office} is not a respondent in question 1."
            )
    survey_label = label or reader.symbol
    if not survey_label:
        raise SurveyFormatError(
            "No document symbol (such as CWS/13/26) was found in the file; give the survey a label."
        )

    warnings = list(reader.warnings)
    if reader.chart_lines:
        warnings.append(
            ImportWarning(
                reader.chart_lines[0],
                f"lines {reader.chart_lines[0]}–{reader.chart_lines[-1]}: question 2 is a chart "
                "whose counts did not survive text extraction; no answers taken from it",
            )
        )
    answers = _answers(reader.collected, known, warnings)
    used = {a.label for a in reader.collected}
    for alias, office in aliases.items():
        if alias not in used:
            warnings.append(ImportWarning(None, f"alias {alias}={office} was not used"))
    for number in range(3, _LAST_QUESTION + 1):
        kind = _FORMS[number].kind
        if not any(a.question is kind for a in answers):
            if number == _LAST_QUESTION:
                raise SurveyFormatError(
                    f"Question {number} (line {reader.question_lines[number]}) has no answers: "
                    "the file seems truncated."
                )
            warnings.append(
                ImportWarning(reader.question_lines[number], f"question {number} has no answers")
            )
    window = reader.window
    if window is None and reader.impossible:
        # It says when, with a date no calendar has: said so where, not "does not say".
        line, said = reader.impossible
        warnings.append(
            ImportWarning(
                line,
                f"the answer period “{shorten(said, 80)}” names a date no calendar has: the "
                "survey has no answer period, and pages show a survey that has one before it",
            )
        )
    elif window is None:
        # Else lost without a word: a survey without one is listed after those with one, so a
        # later round read without its period did not become the one pages show.
        warnings.append(
            ImportWarning(
                None,
                "the text does not say when the offices answered (as “between 2 May and 7 July "
                "2025” or “du 2 mai au 7 juillet 2025”): the survey has no answer period, and "
                "pages show a survey that has one before it",
            )
        )
    warnings.sort(key=lambda w: w.line or 0)
    return SurveyRecord(
        label=survey_label,
        source_name=source_name,
        respondents=list(reader.respondents.values()),
        answers=answers,
        answered_from=window[0] if window else None,
        answered_until=window[1] if window else None,
        warnings=warnings,
        source_text=text,
    )


def _answers(
    collected: list[_Answer], known: set[int], warnings: list[ImportWarning]
) -> list[AnswerRecord]:
    by_key: dict[tuple[str, str, int | None], AnswerRecord] = {}
    more: dict[tuple[str, str, int | None], list[str]] = {}
    last: dict[tuple[str, str, int | None], tuple[int, int] | None] = {}
    for answer in collected:
        if not any(text for _, text in answer.lines):
            warnings.append(
                ImportWarning(answer.lines[0][0], f"{answer.office}'s answer has no text")
            )
            continue
        alias_note = (
            f"labelled {answer.label} in the source, counted for {answer.office}; "
            if answer.label != answer.office
            else ""
        )
        for record in _records(answer, known, warnings):
            record = AnswerRecord(
                record.office,
                record.question,
                record.recommendation,
                record.text,
                record.lines,
                alias_note + (record.basis or "") if alias_note or record.basis else None,
            )
            earlier = by_key.get(record.key)
            if earlier:
                warnings.append(
                    ImportWarning(
                        record.lines[0] if record.lines else None,
                        f"{record.office} answers {record.question.value} "
                        f"{_rec_name(record.recommendation)} twice; the texts are joined",
                    )
                )
                # Joined once at the end: joining as they come copied the text so far each
                # time, and a file answering one question 100 000 times took minutes.
                more[record.key].append(record.text)
                last[record.key] = record.lines
                continue
            by_key[record.key] = record
            more[record.key] = [record.text]
            last[record.key] = record.lines
    joined = []
    for key, record in by_key.items():
        if len(more[key]) > 1:
            lines = last[key]
            record = replace(
                record,
                text="\n".join(more[key]),
                lines=(record.lines[0], lines[1]) if record.lines and lines else None,
            )
        joined.append(record)
    return sorted(joined, key=AnswerRecord.sort_key)


def _records(
    answer: _Answer, known: set[int], warnings: list[ImportWarning]
) -> Iterable[AnswerRecord]:
    first, last = answer.lines[0][0], answer.lines[-1][0]
    if answer.question is Question.implementation:
        yield from _implementation_parts(answer, known, warnings)
    elif answer.question in _PER_RECOMMENDATION:
        basis = (
            f'section "Rec. {answer.section}" (line {answer.section_line})'
            if answer.section
            else None
        )
        yield AnswerRecord(
            answer.office,
            answer.question,
            answer.section,
            _join(answer.lines),
            (first, last),
            basis,
        )
    elif answer.question is Question.discuss and says_nothing(_join(answer.lines)):
        # "No" or "n/a": kept as written, read as no answer rather than a wish naming nothing.
        yield AnswerRecord(
            answer.office,
            answer.question,
            None,
            _join(answer.lines),
            (first, last),
            "no answer: the text says there is nothing to say",
        )
    elif answer.question is Question.discuss:
        text = _join(answer.lines)
        interest = read_interest(text, known)
        for number in interest.unknown_numbers:
            warnings.append(
                ImportWarning(
                    first,
                    f"{answer.office}'s answer to question 8 names recommendation {number}, "
                    f"which does not exist (known: {_span(known)})",
                )
            )
        if not interest.named:
            if not interest.explanation.startswith("declines"):
                warnings.append(
                    ImportWarning(
                        first,
                        f"{answer.office}'s answer to question 8 names no recommendation; "
                        "kept without one",
                    )
                )
            yield AnswerRecord(
                answer.office, answer.question, None, text, (first, last), interest.explanation
            )
        for named in interest.named:
            yield AnswerRecord(
                answer.office,
                answer.question,
                named.number,
                text,
                (first, last),
                f"{interest.explanation}: {named.reason}",
            )
    else:
        yield AnswerRecord(answer.office, answer.question, None, _join(answer.lines), (first, last))


def _implementation_parts(
    answer: _Answer, known: set[int], warnings: list[ImportWarning]
) -> Iterable[AnswerRecord]:
    """Split a question-3 comment at its "Rec 5:" labels, one record per recommendation."""
    parts: list[tuple[int | None, str | None, list[tuple[int, str]]]] = [(None, None, [])]
    for index, (number, text) in enumerate(answer.lines):
        label = _REC_LABEL.match(text)
        if label and (label[3] or index == 0):
            recommendation: int | None = int(label[2])
            if recommendation not in known:
                warnings.append(
                    ImportWarning(
                        number,
                        f'label "{label[1]}" names a recommendation that does not exist; '
                        "the comment is kept without a recommendation",
                    )
                )
                recommendation = None
            parts.append((recommendation, label[1], [(number, label[4])]))
        else:
            parts[-1][2].append((number, text))
    for recommendation, label, lines in parts:
        if not any(text for _, text in lines):
            continue
        basis = f'label "{label}" in the answer' if recommendation else None
        yield AnswerRecord(
            answer.office,
            Question.implementation,
            recommendation,
            _join(lines),
            (lines[0][0], lines[-1][0]),
            basis,
        )


# A word a PDF's text breaks at a line's end, "imple-" (a hyphen, a soft one or U+2010), and
# the rest of it at the start of the next line of text, in small letters. `_BROKEN` reads the
# line backwards ("-elpmi"): searched for at the end, a long run of letters before two hyphens
# was read again from each of its letters, and one line of a million took hours.
_BROKEN = re.compile(r"([-\u00ad\u2010])([^\W\d_]+)")
_REST = re.compile(r"([^\W\d_]+)(\S*)\s*")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# The second word of a compound written with its hyphen ("risk-based", "paper-based",
# "cloud-first", "machine-readable", "high-level" in CWS/13/26, each once): a word of three
# letters or more broken before one keeps its hyphen though the text writes the compound nowhere
# else. None that ends a word written whole ("text": "con-text").
_COMPOUND_ENDS = frozenset(
    (
        "based",
        "related",
        "driven",
        "oriented",
        "friendly",
        "specific",
        "powered",
        "enabled",
        "first",
        "readable",
        "level",
    )
)


def _rejoined(lines: list[str]) -> list[str]:
    """`lines` with each word broken at a line's end whole again on its first line: "imple-" and
    "mentation of" read "implementation" and "of", not "imple- mentation", whose words no
    reader of topics finds. The hyphen stays where the document writes the word with it
    elsewhere ("long-standing"), or, writing it neither way, after a letter or an acronym
    ("e-filing", "ICT-related") and before the end of a compound ("risk-based"); a soft hyphen
    never does. Blank lines and page headers or
    numbers between the two are passed over."""
    words: set[str] | None = None
    lines = list(lines)
    for at, line in enumerate(lines):
        broken = _BROKEN.match(line[::-1]) if line.endswith(("-", "\u00ad", "\u2010")) else None
        if not broken:
            continue
        after = next(
            (
                k
                for k in range(at + 1, min(at + 12, len(lines)))
                if lines[k]
                and not (
                    _SYMBOL.match(lines[k])
                    or _PAGE_FURNITURE.match(lines[k])
                    or _PAGE_NUMBER.match(lines[k])
                )
            ),
            None,
        )
        rest = _REST.match(lines[after]) if after is not None else None
        if not rest or not lines[after][0].islower():
            continue
        if words is None:
            words = {word.casefold() for text in lines for word in _WORD.findall(text)}
        left, right = broken[2][::-1], rest[1]
        hyphen = broken[1] != "\u00ad" and (
            f"{left}-{right}".casefold() in words
            or (
                f"{left}{right}".casefold() not in words
                and (
                    len(left) == 1
                    or left.isupper()
                    or (len(left) >= 3 and right.casefold() in _COMPOUND_ENDS)
                )
            )
        )
        lines[at] = (
            line[: len(line) - broken.end()] + left + ("-" if hyphen else "") + right + rest[2]
        )
        lines[after] = lines[after][rest.end() :]
    return lines


def _join(lines: list[tuple[int, str]]) -> str:
    """The answer text: wrapped lines joined with a space, list items kept on lines of their own."""
    text = ""
    for _, line in lines:
        if not line:
            continue
        if not text:
            text = line
        elif _BULLET.match(line):
            text += "\n" + line
        else:
            text += " " + line
    return text


def _find_window(line: str) -> tuple[tuple[date, date] | None, str | None]:
    """The answer window a line states ("between 2 May and 7 July 2025"), else None; and where
    it states one with a date no calendar has ("31 February", a year 0), its words: then the
    window is not known."""
    try:
        return _window_in(line), None
    except _NoSuchDate as error:
        return None, error.said


class _NoSuchDate(ValueError):
    def __init__(self, said: str) -> None:
        super().__init__(said)
        self.said = said


def _dates(said: str, *parts: tuple[int, int, int]) -> tuple[date, date]:
    try:
        first, last = (date(*part) for part in parts)
    except ValueError:
        raise _NoSuchDate(said) from None
    return first, last


def _window_in(line: str) -> tuple[date, date] | None:
    zh = _WINDOW_ZH.search(line)
    if zh:
        year = int(zh[1])
        return _dates(
            zh[0],
            (year, int(zh[2]), int(zh[3])),
            (int(zh[4] or year), int(zh[5]), int(zh[6])),
        )
    text, origins = plain_with_origins(line)
    for said in _WINDOW.finditer(text):
        if said[2] in _MONTHS and said[5] in _MONTHS:
            year = int(said[6])
            return _dates(
                line[origins[said.start()] : origins[said.end() - 1] + 1],
                (int(said[3] or year), _MONTHS[said[2]], int(said[1])),
                (year, _MONTHS[said[5]], int(said[4])),
            )
    return None


def _rec_name(number: int | None) -> str:
    return f"Rec {number}" if number is not None else "without a recommendation"


def _span(numbers: set[int]) -> str:
    return f"{min(numbers)}–{max(numbers)}" if numbers else "none"
