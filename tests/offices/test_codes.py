"""An office's ST.3 code as a person types or pastes it (`typed_code`), read alike everywhere."""

import pytest

from planner.offices.codes import typed_code


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("sg", "SG"),
        (" SG ", "SG"),
        ("SG\u200b", "SG"),  # a zero-width space pasted along
        ("\u200fsg", "SG"),  # a right-to-left mark
        # helper-260: typed full-width, as CJK keyboards do, with an ideographic space along.
        ("ＳＧ", "SG"),
        ("ｓｇ\u3000", "SG"),
        ("Ｓg", "SG"),
        # Another letter is no code: not read as the Latin letter str.upper makes of it.
        ("ıe", None),
        ("ıＥ", None),
        ("ß", None),
        ("S", None),
        ("SGP", None),
        ("ＳＧＰ", None),
        ("S1", None),
        ("", None),
        (None, None),
    ],
)
def test_a_code_is_read_as_typed_or_pasted(typed, read):
    assert typed_code(typed) == read


def test_a_code_typed_full_width_opens_the_office(client, survey):
    """helper-260: "ＥＳ", typed on a CJK keyboard, was no office in an address or a field."""
    opened = client.get("/offices/%EF%BC%A5%EF%BC%B3")  # ＥＳ
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/offices/ES")
    chosen = client.get("/volunteer?office=%EF%BC%A5%EF%BC%B3&recommendation=10").text
    assert '<option selected value="ES">' in chosen
