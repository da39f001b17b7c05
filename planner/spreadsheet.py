"""CSV cells that a spreadsheet shows as text, never runs (OWASP's CSV injection advice): a cell
that would start a formula is written with a leading apostrophe, which spreadsheets read as "this
is text". `written`/`read_back` are inverses, for files the planner reads again (a survey's CSV).
"""

# What a spreadsheet would run as a formula when a cell starts with it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def written(value: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading ', and
    one that already starts with ' gets one more, so that `read_back` can tell the two apart:
    "=1" is written '=1, "'=1" is written ''=1."""
    return "'" + value if value.startswith((*FORMULA_STARTS, "'")) else value


def read_back(value: str) -> str:
    """A cell as `written` had it: the apostrophe it added is taken off. A cell a person typed
    with a leading apostrophe before a formula sign ('=1) reads as the text after it, as a
    spreadsheet shows it."""
    rest = value[1:]
    return rest if value.startswith("'") and rest.startswith((*FORMULA_STARTS, "'")) else value
