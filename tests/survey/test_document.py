"""The reader for the published text, on the bundled CWS/13/26 annex and on crafted damage."""

import re

import pytest

from planner.bootstrap import BUNDLED_ALIASES
from planner.survey.document import _rejoined, parse_document
from planner.survey.records import Question, SurveyFormatError
from tests.support import BUNDLED

RAW = BUNDLED.read_bytes()
LINES = RAW.decode("utf-8").splitlines()


@pytest.fixture(scope="module")
def record():
    return parse_document(RAW, "CWS-13-26.txt", aliases=BUNDLED_ALIASES)


def answer(record, office, question, recommendation):
    found = [
        a
        for a in record.answers
        if (a.office, a.question, a.recommendation) == (office, question, recommendation)
    ]
    assert len(found) == 1, f"{office} {question} {recommendation}: {found}"
    return found[0]


def test_label_window_and_respondents_come_from_the_document(record):
    assert record.label == "CWS/13/26"
    assert (record.answered_from.isoformat(), record.answered_until.isoformat()) == (
        "2025-05-02",
        "2025-07-07",
    )
    codes = [r.code for r in record.respondents]
    assert codes == sorted(codes)
    assert len(codes) == 21
    assert "GE" not in codes and "DE" in codes
    russia = next(r for r in record.respondents if r.code == "RU")
    # The respondent's name wraps onto a second line in question 1.
    assert russia.name.endswith("Service for Intellectual Property (ROSPATENT)")


def test_wrapped_line_starting_with_two_capitals_stays_in_its_answer(record):
    euipo = answer(record, "EM", Question.focus, 1)
    assert "new EU Design and GI Legislative Regulation" in euipo.text
    assert not any(a.office == "GI" for a in record.answers)


def test_office_code_inside_a_line_is_text(record):
    canada = answer(record, "CA", Question.focus, 5)
    assert canada.text.endswith("IE - Madrid, Hague, PCT, Publications")
    ireland = answer(record, "IE", Question.focus, 5)
    assert ireland.text == "Digital transformation of Journal and EPO data exchange projects"


def test_page_headers_and_numbers_are_not_answers(record):
    for a in record.answers:
        assert "Annex, page" not in a.text
        assert "CWS/13/26" not in a.text
    # The page break falls inside Paraguay's answer; its last line is still part of it.
    paraguay = answer(record, "PY", Question.challenge, 1)
    assert paraguay.text.endswith("level, the biggest challenge is “time”.")
    assert paraguay.lines == (942, 945)


def test_text_copied_with_ligatures_reads_as_the_same_answers(record):
    """A PDF viewer may copy "speciﬁcation" with the ligature ﬁ: the answers differed from the
    same document copied by pdftotext, so importing it again needed "replace" (which takes the
    saved line-ups with the survey), and "artiﬁcial intelligence" named no topic."""
    ligatures = {"ffi": "\ufb03", "ffl": "\ufb04", "ff": "\ufb00", "fi": "\ufb01", "fl": "\ufb02"}
    text = RAW.decode("utf-8")
    for letters, ligature in ligatures.items():
        text = text.replace(letters, ligature)
    assert "\ufb01" in text
    copied = parse_document(text.encode(), "CWS-13-26.txt", aliases=BUNDLED_ALIASES)
    assert copied.fingerprint() == record.fingerprint()


@pytest.mark.parametrize("hyphen", ["-", "\u00ad", "\u2010"], ids=["hyphen", "soft", "u2010"])
def test_words_a_pdf_hyphenated_at_line_ends_read_as_the_same_answers(record, hyphen):
    """The text of a later document, copied from a PDF that breaks words at line ends: "mas-"
    and "sive undertaking" read "mas- sive undertaking", an answer differing from the same
    document unbroken (importing it again needed "replace"), and "artificial intelli- gence"
    named no topic. Some of the breaks fall at a page's end, its footer and the next page's
    header between the two halves."""
    lines = [line.rstrip() for line in LINES]
    out: list[str] = []
    broken = 0
    for at, line in enumerate(lines):
        head, _, word = line.rpartition(" ")
        after = lines[at + 2] if at + 2 < len(lines) else ""
        if (
            at > 500
            and head
            and re.fullmatch(r"[a-z]{6,}", word)
            and not lines[at + 1]
            and re.match(r"[a-z]", after)
        ):
            out.append(f"{head} {word[:3]}{hyphen}")
            if broken % 5 == 0:
                out += ["", "CWS/13/26", "", "Annex, page 99", "", "17"]
            lines[at + 2] = f"{word[3:]} {after}"
            broken += 1
        else:
            out.append(line)
    assert broken > 40
    copied = parse_document("\n".join(out).encode(), "CWS-13-26.txt", aliases=BUNDLED_ALIASES)
    assert copied.fingerprint() == record.fingerprint()


def test_a_word_a_pdf_broke_keeps_the_hyphen_it_is_written_with():
    """ "long-" and "standing" read "long-standing" where the text writes it so elsewhere, and a
    letter or an acronym before the break keeps its hyphen: "e-filing", "ICT-related"."""
    assert _rejoined(["A long-standing need, and long-", "", "standing issues"]) == [
        "A long-standing need, and long-standing",
        "",
        "issues",
    ]
    assert _rejoined(["an e-", "filing system and ICT-", "related, tools"]) == [
        "an e-filing",
        "system and ICT-related,",
        "tools",
    ]


def test_a_compound_a_pdf_broke_at_its_hyphen_keeps_it():
    """AU's "applying a risk-based governance framework" (CWS/13/26, its only "risk-based"), in
    an edition whose PDF broke the line at the compound's hyphen, read "riskbased": a word no
    reader of topics knows, where "risk" had met the wishes about risk. A word broken before
    the end of a compound ("-based", "-related", "-driven" ...) keeps its hyphen; one broken
    elsewhere is joined as before."""
    assert _rejoined(["applying a risk-", "based governance framework, on paper-", "based"]) == [
        "applying a risk-based",
        "governance framework, on paper-based",
        "",
    ]
    # EM's "cloud-first strategy", the "machine-readable full text" and the "high-level"
    # environment, each written once, alike.
    assert _rejoined(["a cloud-", "first strategy in a machine-", "readable, high-", "level"]) == [
        "a cloud-first",
        "strategy in a machine-readable,",
        "high-level",
        "",
    ]
    assert _rejoined(["an imple-", "mentation of AI-", "powered tools, un-", "related"]) == [
        "an implementation",
        "of AI-powered",
        "tools, unrelated",
        "",
    ]


def test_a_word_broken_after_a_million_letters_still_reads_whole():
    """A line of a million letters before a word a PDF broke, or a million letters before two
    hyphens (a pasted table rule, a file of filler), is read like any other line. The search
    for the broken word read the run of letters again from each of its letters: the import
    of such a text never came back (hours: 20,000 letters took 5 s, 200,000 ten minutes)."""
    run = "x" * 1_000_000
    assert _rejoined([f"{run} imple-", "mentation of AI"]) == [f"{run} implementation", "of AI"]
    assert _rejoined([f"{run}--", "mentation"]) == [f"{run}--", "mentation"]
    with pytest.raises(SurveyFormatError, match="does not look like the CWS survey annex"):
        parse_document(f"{run}--\nmentation\n".encode(), "filler.txt")


def test_no_comments_provided_is_not_an_answer(record):
    assert not [a for a in record.answers if "No comments provided" in a.text]
    low = {a.recommendation for a in record.answers if a.question is Question.low_priority}
    assert 4 not in low and 6 not in low


def test_every_answer_keeps_the_lines_it_came_from(record):
    australia = answer(record, "AU", Question.focus, 1)
    assert australia.lines == (413, 415)
    assert LINES[412].startswith("AU IP Australia is working on cloud migration")
    poland = answer(record, "PL", Question.focus, 10)
    assert poland.lines == (768, 800)
    assert poland.text.endswith("The average accuracy of the classification reached 92%.")
    for a in record.answers:
        first, last = a.lines
        assert first <= last
        assert a.text.split()[0] in " ".join(LINES[first - 1 : last])


def test_question_3_comments_are_split_by_recommendation(record):
    assert answer(record, "AU", Question.implementation, 5).text.startswith(
        "- In relation to ST.37"
    )
    assert answer(record, "AU", Question.implementation, 7).text.startswith(
        "- IP Australia has implemented ST.26"
    )
    assert answer(record, "GM", Question.implementation, 1).lines == (382, 384)
    assert answer(record, "EP", Question.implementation, None).text.startswith("Nearly all")


def test_lists_keep_their_items_on_separate_lines(record):
    usa = answer(record, "US", Question.challenge, 10)
    assert usa.text == "- data privacy\n- interoperability\n- Federal regulatory changes"


def test_question_8_rows_name_recommendations_with_reasons(record):
    discuss = {
        (a.office, a.recommendation): a for a in record.answers if a.question is Question.discuss
    }
    assert {n for (o, n) in discuss if o == "US"} == {2, 3, 4, 8, 9, 10}
    assert {n for (o, n) in discuss if o == "EM"} == {1, 4, 10}
    assert 'topic words "AI"' in discuss["EM", 10].basis
    assert {n for (o, n) in discuss if o == "PY"} == {1, 2, 10}
    assert discuss["DE", None].basis.startswith("labelled GE in the source, counted for DE")
    assert "declines" in discuss["DE", None].basis


def test_without_the_alias_the_mislabelled_answer_is_reported_not_dropped():
    record = parse_document(RAW, "CWS-13-26.txt")
    assert not [a for a in record.answers if a.office == "DE"]
    warning = next(w for w in record.warnings if "labelled GE" in w.message)
    assert warning.line == 1268
    assert "lines 1268–1274" in warning.message
    assert "give the alias GE=<that office's code> when importing" in warning.message
    assert "DPMA has already implemented these 10 recommendations" in warning.message


def test_every_line_of_the_annex_is_placed_or_reported(record):
    """Nothing is dropped silently: each non-blank line is structure, an answer, or a warning."""
    structure = re.compile(
        r"^(ST\.3 Code\b.*|Rec\.? ?\d+|No comments provided|CWS/13/26|Annex, page \d+)$"
    )
    covered = set()
    for a in record.answers:
        covered.update(range(a.lines[0], a.lines[1] + 1))
    for w in record.warnings:
        span = re.match(r"lines (\d+)–(\d+)", w.message)
        covered.update(range(int(span[1]), int(span[2]) + 1) if span else [w.line])
    # Question 1 (the respondents, checked above) ends where question 2 begins.
    first_question = next(i for i, line in enumerate(LINES, 1) if "2. Please" in line)
    unplaced = []
    in_heading = False
    for number, raw in enumerate(LINES, 1):
        line = raw.strip()
        if number < first_question or not line:
            continue
        if re.match(r"^[1-8]\. (Please|Select|Does|Which)", line):
            in_heading = True
        if in_heading:
            in_heading = not line.startswith("ST.3 Code")
            continue
        if number in covered or structure.match(line):
            continue
        unplaced.append((number, line))
    assert unplaced == []


def test_alias_to_an_office_that_did_not_respond_is_refused():
    with pytest.raises(SurveyFormatError, match="XX is not a respondent"):
        parse_document(RAW, "x.txt", aliases={"GE": "XX"})


def test_alias_hiding_a_respondent_is_refused():
    with pytest.raises(SurveyFormatError, match="AU is itself a respondent"):
        parse_document(RAW, "x.txt", aliases={"AU": "DE"})


def test_an_unused_alias_is_reported():
    record = parse_document(RAW, "x.txt", aliases={"GE": "DE", "XK": "FI"})
    assert any("alias XK=FI was not used" in w.message for w in record.warnings)


def test_label_given_by_the_user_wins():
    assert parse_document(RAW, "x.txt", label="Pilot 2025").label == "Pilot 2025"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"  \n\n \t\n", "The file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
        ("Caf\u00e9 du Commerce".encode("latin-1"), "not UTF-8 text"),
        (b"name,code\nIP Australia,AU\n", "does not look like the CWS survey annex"),
        (
            "\n".join(LINES[:700]).encode(),
            r"truncated or incomplete: question 5 \(low priorities\), 6 .*, 7 .*, 8 .* not found",
        ),
        (
            "\n".join(LINES[:1246]).encode(),
            "Question 8 .* has no answers: the file seems truncated",
        ),
    ],
    ids=["empty", "blank", "binary", "latin-1", "foreign", "truncated", "truncated-in-q8"],
)
def test_malformed_files_are_refused_with_a_reason(data, message):
    with pytest.raises(SurveyFormatError, match=message):
        parse_document(data, "broken.txt")


def test_missing_symbol_needs_a_label():
    annex = "\n".join(LINES[208:]).encode()
    with pytest.raises(SurveyFormatError, match="No document symbol"):
        parse_document(annex, "annex.txt")
    assert parse_document(annex, "annex.txt", label="CWS/13/26").label == "CWS/13/26"


def test_text_outside_any_answer_is_reported():
    damaged = [*LINES[:411], "a stray remark before any answer", *LINES[411:]]
    record = parse_document("\n".join(damaged).encode(), "x.txt", aliases=BUNDLED_ALIASES)
    warning = next(w for w in record.warnings if "outside any answer" in w.message)
    assert warning.line == 412
    assert "a stray remark before any answer" in warning.message


def test_a_respondent_code_after_a_dangling_line_is_a_wrap_when_out_of_order():
    # PL's answer wraps onto a line starting with "EP" right after "with": not EP's answer.
    damaged = list(LINES)
    damaged[633:636] = [
        "PL PPO representatives actively participate in working groups with",
        "",
        "EP colleagues related to the scope of Recommendation No. 6",
    ]
    record = parse_document("\n".join(damaged).encode(), "x.txt", aliases=BUNDLED_ALIASES)
    poland = answer(record, "PL", Question.focus, 6)
    assert poland.text.endswith(
        "working groups with EP colleagues related to the scope of Recommendation No. 6"
    )


def test_an_office_listed_twice_in_question_1_is_reported_not_merged():
    lines = list(LINES)
    lines.insert(229, "AU Australia, IP Australia ")  # after BR (line 229 in the file)
    record = parse_document("\n".join(lines).encode(), "x.txt", aliases=BUNDLED_ALIASES)
    brazil = next(r for r in record.respondents if r.code == "BR")
    assert brazil.name == "Brazil, National Institute of Industrial Property (INPI)"
    assert any(
        w.line == 230 and w.message == "AU is listed again (first on line 227)"
        for w in record.warnings
    )


def test_an_unknown_question_heading_is_warned_about(app_context):
    """A question the survey does not have, inserted in the text: its lines join the answer
    above, and the import says so instead of merging silently."""
    text = BUNDLED.read_text(encoding="utf-8")
    at = text.index("\n6. Select which Recommendation")
    changed = text[:at] + "\n9. Another question the survey never asked\nAU Blue\n" + text[at:]
    record = parse_document(changed.encode("utf-8"), "changed.txt", recommendations=range(1, 11))
    assert any(
        "looks like a question heading, but question 6 was expected" in w.message
        for w in record.warnings
    )


@pytest.mark.parametrize(
    ("numbers", "decline"),
    [
        ("Recomendações 8 e 9", "Não há necessidade: já implementamos as recomendações."),
        ("Рекомендации 8 и 9", "Уже внедрено, нечего обсуждать."),
    ],
)
def test_question_8_in_portuguese_or_russian_is_read_as_in_english(numbers, decline):
    """FI's numbers named nothing and DE's decline was warned about as naming no recommendation
    when written in Portuguese or Russian (helper-328)."""
    text = BUNDLED.read_text(encoding="utf-8")
    de_start = text.index("GE Due to the fact that DPMA")
    de_end = text.index("further discussions.", de_start) + len("further discussions.")
    text = text[:de_start] + f"GE {decline}" + text[de_end:]
    text = text.replace("FI Recommendations 8 and 9", f"FI {numbers}")
    record = parse_document(text.encode("utf-8"), "x.txt", aliases=BUNDLED_ALIASES)
    fi = {
        a.recommendation
        for a in record.answers
        if (a.office, a.question) == ("FI", Question.discuss)
    }
    assert fi == {8, 9}
    de = answer(record, "DE", Question.discuss, None)
    assert "declines" in de.basis
    assert not any("names no recommendation" in w.message for w in record.warnings)
