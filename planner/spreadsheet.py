"""CSV cells that a spreadsheet shows as text, never runs (OWASP's CSV injection advice): a cell
that would start a formula is written with a leading apostrophe, which spreadsheets read as "this
is text". `written`/`read_back` are inverses, for files the planner reads again (a survey's CSV).
"""

import re

# What a spreadsheet would run as a formula when a cell starts with it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Where a cell starts within a value: at its start, and after each ";", the separator Excel cuts
# a CSV at where the comma is the decimal sign (French, Spanish, German): there a comma-separated
# file opens cut at every ";" its cells hold, so "Ana ;=1+1;" would give a cell "=1+1".
_STARTS = "".join(re.escape(start) for start in (*FORMULA_STARTS, "'"))
_UNSAFE = re.compile(rf"(?:^|(?<=;))(?=[{_STARTS}])")
_WRITTEN = re.compile(rf"(?:^|(?<=;))'(?=[{_STARTS}])")


def written(value: str) -> str:
    """A cell a spreadsheet shows as text: where a cell would start a formula (see `_UNSAFE`) a '
    goes before it, and before one that already starts with ', so that `read_back` can tell the
    two apart: "=1" is written '=1, "'=1" is written ''=1, "a;=1" a;'=1."""
    return _UNSAFE.sub("'", value)


def read_back(value: str) -> str:
    """A cell as `written` had it: the apostrophes it added are taken off. A cell a person typed
    with a leading apostrophe before a formula sign ('=1) reads as the text after it, as a
    spreadsheet shows it."""
    return _WRITTEN.sub("", value)
