"""The catalogues the translated pages read (planner/translations): every string the code marks
is in the template, every language translates each of them with the same placeholders, and the
compiled catalogue a page reads is the one its source compiles to."""

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from planner.languages import PAGE_LANGUAGES, TRANSLATIONS
from planner.timezones import _AFTER_THE_CHANGE

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [language for language in PAGE_LANGUAGES if language != "en"]


def _catalogue(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as source:
        return read_po(source, locale=language)


def _ids(catalogue) -> set:
    return {message.id for message in catalogue if message.id}


def test_the_template_holds_every_string_the_code_marks(tmp_path):
    """`make translations` was run after the last marked string changed: one added since
    would show in English on a translated page."""
    extracted = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "--quiet",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "--no-location",
            "-o",
            str(extracted),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with open(extracted, "rb") as now, open(TRANSLATIONS / "messages.pot", "rb") as kept:
        assert _ids(read_po(now)) == _ids(read_po(kept))


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_language_translates_every_string_with_its_placeholders(language):
    catalogue = _catalogue(language)
    with open(TRANSLATIONS / "messages.pot", "rb") as kept:
        assert _ids(catalogue) == _ids(read_po(kept))
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{language}: not translated: {message.id!r}"
        assert not message.fuzzy, f"{language}: fuzzy: {message.id!r}"
        if message.pluralizable:
            assert len(strings) == catalogue.num_plurals, message.id
    # Babel's own checks: the same %(name)s placeholders, of the same types, in each string.
    problems = [(message.id, errors) for message, errors in catalogue.check() if errors]
    assert not problems, problems


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_is_its_source_compiled(language):
    """Pages read the .mo kept in git: one compiled from an older .po would show old words."""
    compiled = io.BytesIO()
    write_mo(compiled, _catalogue(language))
    kept = TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo"
    compiled.seek(0)
    with open(kept, "rb") as mo:
        assert _messages(read_mo(mo)) == _messages(read_mo(compiled))


def _messages(catalogue) -> set:
    """(id, translation) of each message, a plural's forms as one tuple."""
    return {
        (
            tuple(m.id) if isinstance(m.id, list | tuple) else m.id,
            tuple(m.string) if isinstance(m.string, list | tuple) else m.string,
        )
        for m in catalogue
        if m.id
    }


def test_chinese_says_what_the_documents_chinese_edition_says():
    """The bundled CWS/13/26 is WIPO's Chinese edition: its title, the Task Force's name and the
    word for its workshop there are the ones Chinese pages and messages use, not a translation
    of our own."""
    published = (ROOT / "planner" / "data" / "CWS-13-26.txt").read_text(encoding="utf-8")
    title = "主管局用信息和通信技术（信通技术）相关建议的实施"
    task_force = "信通技术策略工作队"
    assert title in published and task_force + "共同牵头人" in published
    said = {m.id: m.string for m in _catalogue("zh") if isinstance(m.id, str) and m.id}
    citation = next(s for i, s in said.items() if i.startswith("Survey data: CWS/13/26"))
    assert f"《{title}》" in citation
    naming = [s for i, s in said.items() if "ICT Strategy Task Force" in i or "ICT Task" in i]
    assert naming and all(task_force in s for s in naming), naming
    # Its paragraph 25 proposes the workshop as a 讲习班.
    assert "讲习班" in published
    workshop = [s for i, s in said.items() if "workshop" in i.lower()]
    assert workshop and all("讲习班" in s for s in workshop), workshop


# The one Portuguese-speaking office among the respondents is Brazil's INPI: what the app writes
# in Portuguese is Brazilian, addressing the reader as "você" with possessives without an article
# ("sua proposta", not "a sua proposta"). These forms are European Portuguese only (or, for the
# possessives, the European habit): none of them may creep back into a page or an email.
EUROPEAN_ONLY = re.compile(
    r"\b(?:"
    r"o seu|os seus|a sua|as suas|o meu|os meus|a minha|as minhas"
    r"|o nosso|os nossos|a nossa|as nossas"
    # "está a fazer": Brazil says "está fazendo"
    r"|(?:estar|está|estão|estava|estavam|estou|estamos|continua|continuam|anda|andam)"
    r" a (?!partir\b)\w+(?:ar|er|ir)"
    r"|ficheiros?|contactos?|registos?|equipas?|utilizador(?:es|as?)?|ecrãs?|telemóve(?:l|is)"
    r"|factos?|acção|acções|receção|secção|secções|comité|projecto|planeador"
    r"|definições|partilhar|descarregar|iniciar sessão|sessão iniciada"
    r")\b",
    re.IGNORECASE,
)


def test_portuguese_is_brazilian():
    """Every Portuguese string the app writes (catalogue, emails, calendar descriptions) is
    Brazilian Portuguese; the readers of availability texts still accept either spelling."""
    from planner.calendar.operations import slot_words

    found = lambda text: EUROPEAN_ONLY.findall(text)  # noqa: E731
    # The pattern itself catches what it is meant to.
    sample = "Está a carregar o seu ficheiro no ecrã do telemóvel; à sua disposição."
    assert found(sample) == ["Está a carregar", "o seu", "ficheiro", "ecrã", "telemóvel"]
    said = {}
    for message in _catalogue("pt"):
        if message.id:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            said[f"msgstr of {message.id!r}"] = " ".join(strings)
    for path in sorted((ROOT / "templates" / "mail").glob("*.pt.*")):
        said[path.name] = path.read_text(encoding="utf-8")
    said["calendar descriptions"] = " ".join(slot_words("pt").values())
    said["a span across a clock change"] = _AFTER_THE_CHANGE["pt"]
    european = {where: found(text) for where, text in said.items() if found(text)}
    assert not european, european


def test_the_reasons_flask_wtf_refuses_a_form_for_are_in_the_catalogues():
    """The sent-again page says what Flask-WTF's reason means to its reader, and the reason
    itself for support, in the page's language (`http_errors._CSRF_REASONS`): every reason the
    installed Flask-WTF gives, in its words, or one would show in English on a translated page."""
    import inspect
    import re

    import flask_wtf.csrf

    from planner.http_errors import _CSRF_REASONS

    source = inspect.getsource(flask_wtf.csrf)
    given = set(re.findall(r'(?:ValidationError|_error_response)\("([^"]+)"\)', source))
    assert len(given) >= 7 and given == set(_CSRF_REASONS)
    for language in TRANSLATED:
        translated = {m.id for m in _catalogue(language) if m.string}
        assert given | set(_CSRF_REASONS.values()) <= translated, language


# French typography: a no-break space (U+00A0, or the narrow U+202F) before ":", ";", "?", "!"
# and "»" and after "«", so that no line of a page or an email begins with the mark alone.
FRENCH_SPACE_LOST = re.compile(r" [:;?!»]|« ")


def _words_of_a_template(source: str) -> str:
    """A mail template's words: its text, and the strings of its code ({% set ... %}), not the
    code itself (`!=`)."""
    source = re.sub(r"\{#.*?#\}", "", source, flags=re.DOTALL)
    code = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
    strings = [s for block in code.findall(source) for s in re.findall(r'"([^"]*)"', block)]
    return "\n".join([code.sub(" ", source), *strings])


def test_french_keeps_its_no_break_spaces():
    """Every French string the app writes (catalogue, emails, calendar descriptions) puts a
    no-break space before a colon, semicolon, question or exclamation mark and inside
    guillemets; a plain one lets a narrow page or mail client start a line with "?" or ":"
    (helper-238: 29 strings of the catalogue, and the cancellation and update emails)."""
    from planner.calendar.operations import slot_words

    def found(text: str) -> list[str]:
        return [
            text[max(0, m.start() - 20) : m.end() + 5] for m in FRENCH_SPACE_LOST.finditer(text)
        ]

    # The pattern itself catches each mark, and no no-break space.
    assert len(found("Changements : titre ; « oui » ? Non ! Oui\u00a0: «\u00a0ok\u00a0»")) == 6
    said = {}
    for message in _catalogue("fr"):
        if message.id:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            said[f"msgstr of {message.id!r}"] = " ".join(strings)
    for path in sorted((ROOT / "templates" / "mail").glob("*.fr.*")):
        said[path.name] = _words_of_a_template(path.read_text(encoding="utf-8"))
    said["calendar descriptions"] = " ".join(slot_words("fr").values())
    said["a span across a clock change"] = _AFTER_THE_CHANGE["fr"]
    lost = {where: found(text) for where, text in said.items() if found(text)}
    assert not lost, lost
