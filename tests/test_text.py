"""Text people typed: quoting what someone sent in a message (as JSON writes it, cut short,
printable), what counts as the same name, and where a name stands whole."""

import html

import pytest
import regex

from planner.text import as_json, replace_name, same_name, shorten


def test_values_are_quoted_as_json_writes_them_and_cut_short():
    assert as_json("AU") == '"AU"'
    assert as_json(True) == "true" and as_json(["AU"]) == '["AU"]'
    assert as_json("x" * 50) == '"' + "x" * 40 + '…"'
    assert len(as_json(list(range(1000)))) == 81  # 80 characters and "…"
    assert as_json("bell\x07") == '"bell\\u0007"' and "\u202e" not in as_json("a\u202eb")


# What a reader sees as one character, each of several code points.
CLUSTERS = {
    "emoji with a skin tone": "👍🏽",
    "emoji joined": "👩🏽\u200d💻",
    "flag": "🇵🇪",
    "combining accent": "e\u0301",
    "Devanagari syllable": "स्ते",
}


def _boundaries(text: str) -> set[int]:
    return {0} | {m.end() for m in regex.finditer(r"\X", text)}


@pytest.mark.parametrize("cluster", CLUSTERS.values(), ids=CLUSTERS.keys())
def test_text_is_shortened_between_grapheme_clusters(cluster):
    """A long name was cut at a code point: an emoji lost its skin tone or half its family, an
    "é" its accent, a Devanagari syllable its vowel sign."""
    for before in range(1, 12):
        name = "a" * before + cluster + "b" * 20
        for limit in range(2, 16):
            shown = shorten(name, limit)
            assert len(shown) <= limit and shown.endswith("…"), (name, limit)
            kept = shown.removesuffix("…")
            assert name.startswith(kept) and len(kept) in _boundaries(name), (name, limit)
    assert shorten("नमस्ते दुनिया", 5) == "नम…"
    assert shorten("Ana María López", 10, at_space=True) == "Ana María…"
    assert shorten("中文" * 10, 7, at_space=True) == "中文中文中文…"  # no space to cut at
    assert shorten("short", 5) == "short"


@pytest.fixture
def _app_context(app):
    with app.test_request_context():
        yield


def _sites():
    """Every place the app shortens text, as (name, cut, limit, the text as it shows it before
    cutting, the cut text as it shows it)."""
    from planner.calendar import ics
    from planner.db_types import fit
    from planner.forms import _shown
    from planner.lineup.forms import _shown_token
    from planner.materials.models import Material
    from planner.presenters.views import _excerpt as presenter_excerpt
    from planner.survey.charts import _fit
    from planner.survey.tabular import _cut

    same = lambda text: text  # noqa: E731
    # A format character (the emoji's joiner) shown as U+FFFD, as a quoted token shows it.
    printable = lambda text: "".join(c if c.isprintable() else "\ufffd" for c in text)  # noqa: E731
    return [
        ("a column's text", lambda t: fit(t, Material.added_by), 300, same, same),
        ("a calendar's title", lambda t: ics.one_line(t, 40), 40, same, same),
        ("a calendar's description", lambda t: ics.text(t, 40), 40, same, same),
        ("a value quoted as JSON", lambda t: as_json(t, 40), 40, same, lambda s: s[1:-1]),
        ("a field named in a refusal", lambda t: _shown(t, 40), 40, same, same),
        ("a line-up's token", lambda t: _shown_token(t, 40), 40, printable, same),
        ("a chart's label", lambda t: _fit(t, 40), 40, same, same),
        ("a survey cell quoted", lambda t: _cut(t, 40), 40, same, same),
        ("a presenter's title quoted", presenter_excerpt, 200, same, same),
    ]


@pytest.mark.usefixtures("_app_context")
@pytest.mark.parametrize("cluster", CLUSTERS.values(), ids=CLUSTERS.keys())
def test_every_place_that_shortens_text_keeps_its_clusters_whole(cluster):
    for name, cut, limit, source, unquoted in _sites():
        for before in range(limit - 8, limit + 2):
            text = "a" * before + cluster + "b" * 30
            kept = unquoted(cut(text)).removesuffix("…")
            assert source(text).startswith(kept), (name, before)
            assert len(kept) in _boundaries(source(text)), (name, before, kept[-3:])


@pytest.mark.usefixtures("_app_context")
def test_templates_shorten_between_clusters(app):
    from flask import render_template_string

    abstract = "中文" * 100 + "👩🏽\u200d💻" + "中文" * 100
    for limit in range(195, 210):
        shown = render_template_string("{{ t|shorten(n) }}", t=abstract, n=limit)
        kept = shown.removesuffix("…")
        assert abstract.startswith(kept) and len(kept) in _boundaries(abstract), limit


def test_a_link_is_kept_with_an_internationalised_host_in_unicode():
    from planner.text import shown_web_address

    for typed in (
        "https://xn--bcher-kva.example:8443/Folien?a=1",
        "https://XN--BCHER-KVA.EXAMPLE:8443/Folien?a=1",
        "https://Bücher.example:8443/Folien?a=1",
        "https://ＢÜCHER.example:8443/Folien?a=1",  # full-width, as a phone's keyboard may type
    ):
        assert shown_web_address(typed) == "https://bücher.example:8443/Folien?a=1", typed
    # An ASCII host, or an address, as typed; a look-alike as browsers show it.
    for kept in ("https://Example.org/X", "https://[::1]:8080/", "https://xn--pple-43d.com/"):
        assert shown_web_address(kept) == kept
    assert shown_web_address("https://пример.рф/") == "https://пример.рф/"
    # A link stored in the form stays as it is: a migration writing stored links anew (as
    # 3c8e1f5a9b27 does) leaves alone those in it already.
    stored = "https://bücher.example:8443/Folien?a=1"
    assert shown_web_address(stored) == stored


def test_a_host_spelt_wholly_in_letters_that_look_latin_stays_in_xn_form():
    """ "xn--80ak6aa92e.com" is "аррӏе.com" in Cyrillic letters alone, which reads as apple.com:
    browsers show it in its xn-- form (a whole-script look-alike, under a Latin TLD), and so
    does the planner, whichever way it was typed. A Cyrillic word with letters Latin has not
    ("пример"), or under a Cyrillic TLD, is shown as written."""
    from planner.text import shown_web_address

    for typed in ("https://xn--80ak6aa92e.com/slides", "https://аррӏе.com/slides"):
        assert shown_web_address(typed) == "https://xn--80ak6aa92e.com/slides", typed
    assert shown_web_address("https://www.xn--80ak6aa92e.com/") == "https://www.xn--80ak6aa92e.com/"
    for kept in ("https://пример.com/", "https://сорок.рф/", "https://bücher.example/"):
        assert shown_web_address(kept) == kept


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Elise Dupont", "Élise Dupont"),
        ("elise  dupont ", "ÉLISE DUPONT"),
        ("Lukasz Nowak", "Łukasz Nowak"),
        ("Jean Pierre Ndiaye", "Jean-Pierre Ndiaye"),
        ("Sean O'Brien", "Seán O’Brien"),
        ("Nguyen Van An", "Nguyễn Văn An"),
        ("Андреи Петров", "Андрей Петров"),
        ("Ｌｉ Ｗｅｉ", "Li Wei"),
    ],
)
def test_a_name_spelt_more_carefully_is_the_same_name(one, other):
    """helper-313: a co-lead who corrects a presenter's name names the same person."""
    assert same_name(one, other) and same_name(other, one)


@pytest.mark.parametrize("name", ["—", "?", " — ", "..."])
def test_a_name_of_no_letters_is_its_own(name):
    """helper-317: "—" folded to nothing, and was not the same name as itself: the slides its
    presenter added were no longer theirs, neither on the agenda nor in their erasure."""
    assert same_name(name, name) and same_name(name, f" {name.strip()}  ")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Rosa Diaz", "Ben Ortiz"),  # at an office's shared mailbox: someone else
        ("María Quispe", "María Elena Quispe"),  # perhaps her sister, at the same mailbox
        ("Dupont Élise", "Élise Dupont"),
        ("カトウ", "ガトウ"),  # a dakuten is no accent: another name
        ("—", "–"),
        ("", ""),
        (" ", "\u200b"),
        (None, None),
    ],
)
def test_another_name_or_none_is_not_the_same(one, other):
    assert not same_name(one, other)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Élise Dupont-Martin confirmed", "Élise Dupont"),  # helper-319: another's name
        ("Jean-Élise Dupont confirmed", "Élise Dupont"),
        ("Élise Dupont\u2011Martin", "Élise Dupont"),  # a no-break hyphen
        ("Sean O'Brien", "Brien"),
        ("Sean O\u2019Brien", "Brien"),
        ("Evangelina Quispe", "Eva"),
        ("Jose\u0301 Garcia", "Jose"),  # an accent, combining, goes on with its letter
        ("Иван Петров-Водкин", "Иван Петров"),
        ("Николаевна", "Николае"),
        ("张伟明已确认", "张伟"),  # Chinese: a Han letter goes on with a Han name
        ("王张伟", "张伟"),
        ("山田太郎", "山田"),
        ("محمدعلي", "محمد"),
        ("अमितकुमार", "अमित"),
    ],
)
def test_a_name_inside_a_longer_one_is_left(text, name):
    """helper-319: erasing "Élise Dupont" replaced her name in "Élise Dupont-Martin confirmed",
    another presenter's news ("-" is no word character)."""
    assert replace_name(text, name, "X") == text
    assert replace_name(html.escape(text), name, "X", markup=True) == html.escape(text)


@pytest.mark.parametrize(
    ("text", "name", "replaced"),
    [
        ("Élise Dupont confirmed", "Élise Dupont", "X confirmed"),
        ("again: Élise Dupont has confirmed it", "Élise Dupont", "again: X has confirmed it"),
        ("Élise Dupont's slides", "Élise Dupont", "X's slides"),  # possessive: the name whole
        ("«Élise Dupont»", "Élise Dupont", "«X»"),
        ("Élise Dupont-", "Élise Dupont", "X-"),
        ("Иван Петров, AU", "Иван Петров", "X, AU"),
        ("Eva Quispe已确认", "Eva Quispe", "X已确认"),  # a Latin name in Chinese text
        ("张伟 confirmed", "张伟", "X confirmed"),
        ("山田さん", "山田", "Xさん"),  # a Japanese name and its honorific, in another script
        ("محمد علي", "محمد", "X علي"),
        ("अमित कुमार", "अमित", "X कुमार"),
    ],
)
def test_a_name_standing_whole_is_replaced(text, name, replaced):
    assert replace_name(text, name, "X") == replaced
    assert replace_name(html.escape(text), name, "X", markup=True) == html.escape(replaced)


def test_a_name_of_no_letters_is_no_ones_to_replace():
    """An office's unnamed presenter, "—": replacing it would take every dash in the text."""
    assert replace_name("Risk — governance", "—", "X") == "Risk — governance"
