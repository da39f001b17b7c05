"""Quoting what someone sent in a message: as JSON writes it, cut short, printable."""

from planner.text import as_json


def test_values_are_quoted_as_json_writes_them_and_cut_short():
    assert as_json("AU") == '"AU"'
    assert as_json(True) == "true" and as_json(["AU"]) == '["AU"]'
    assert as_json("x" * 50) == '"' + "x" * 40 + '…"'
    assert len(as_json(list(range(1000)))) == 81  # 80 characters and "…"
    assert as_json("bell\x07") == '"bell\\u0007"' and "\u202e" not in as_json("a\u202eb")
