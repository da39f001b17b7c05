"""What a request may carry before any view reads it: JSON bodies of bounded depth whose numbers
fit a database column, whole numbers in the query string that fit a column too, and no NUL in the
address, the query or a field's name. Every API reads JSON through `json_object()`.

A NUL in a field's value is left to the field's own check, which names the field (`planner.text`).
"""

import codecs
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Request, abort, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.formparser import FormDataParser, MultiPartParser
from werkzeug.utils import cached_property

from planner.db_types import MAX_INT, db_int
from planner.errors import PlannerError
from planner.text import SURROGATE, as_json, shorten

# No request body of this app nests deeper than a few levels; a limit well above that refuses
# bodies built to exhaust the parser's recursion before they are parsed.
MAX_DEPTH = 32

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
# Half of a surrogate pair, which no database can encode (JSON can spell one as a \u escape).
# Said of a number no field takes, whatever the field (a date, a weight, a count): the bound of
# every number read, not a range to send (helper-87: a date read "send a number from ...").
_NUMBERS = f"no field of the planner takes a number beyond {MAX_INT} either way."


class _BadNumber(str):
    """A number in the body that no column holds, kept as its text to say where it was."""


def _whole(text: str) -> int | _BadNumber:
    try:
        return db_int(text)
    except ValueError:
        return _BadNumber(text)


def _fraction(text: str) -> float | _BadNumber:
    number = float(text)
    return number if math.isfinite(number) and abs(number) <= MAX_INT else _BadNumber(text)


class _NotJsonNumber(_BadNumber):
    """NaN and Infinity: Python's reader takes them, JSON has no such numbers."""


def _constant(name: str) -> _BadNumber:
    return _NotJsonNumber(name)


def _depth(data: bytes) -> int:
    """How deep arrays and objects nest, counted without parsing (strings are skipped)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub(b"", data)):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _problem(value: Any) -> tuple[str, str] | None:
    """What is wrong with a number, a key or a string of the parsed body, and where ("" for
    the body as a whole)."""
    pending: list[tuple[str, Any]] = [("", value)]
    while pending:
        where, item = pending.pop()
        if isinstance(item, _NotJsonNumber):
            said = f"{where or 'The body'} is {item}, which is not a number in JSON."
            return said, where
        if isinstance(item, _BadNumber):
            # A long number is cut, and said to be: its first digits alone are another number.
            shown = item if len(item) <= 20 else f"{shorten(item, 21)} ({len(item)} characters)"
            return f"{where or 'The body'} is {shown}; {_NUMBERS}", where
        if isinstance(item, str):
            if SURROGATE.search(item):
                return f"{where or 'The body'} cannot contain half of a surrogate pair.", where
        elif isinstance(item, dict):
            if any("\x00" in key for key in item):
                return "A name in JSON cannot contain a NUL character.", ""
            pending.extend((f"{where}.{key}" if where else key, v) for key, v in item.items())
        elif isinstance(item, list):
            pending.extend((f"{where}[{index}]", v) for index, v in enumerate(item))
    return None


class JsonRefused(ValueError):
    """JSON that parses but is refused (too deep, a number no column holds, half a surrogate);
    `where` names the value ("duration", "offices[2]"), or is "" for the body as a whole."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.where = where


def _object(pairs: list[tuple[str, Any]]) -> dict:
    value = dict(pairs)
    if len(value) < len(pairs):
        seen: set[str] = set()
        twice = next(name for name, _ in pairs if name in seen or seen.add(name))
        raise JsonRefused(
            f"The JSON names {as_json(twice)} twice in one object: send each name once."
        )
    return value


def parse_json(data: bytes) -> Any:
    """JSON read as every input of the app reads it: at most MAX_DEPTH levels deep, whole
    numbers and fractions a column can hold, no NaN or Infinity, no half of a surrogate pair,
    no name twice in one object (json keeps the last silently: one of two values typed would be
    lost). json.JSONDecodeError when it is not JSON; JsonRefused saying what is wrong otherwise."""
    if _depth(data) > MAX_DEPTH:
        raise JsonRefused(f"The JSON nests deeper than {MAX_DEPTH} levels.")
    try:
        value = json.loads(
            data,
            parse_int=_whole,
            parse_float=_fraction,
            parse_constant=_constant,
            object_pairs_hook=_object,
        )
    except RecursionError:
        raise JsonRefused(f"The JSON nests deeper than {MAX_DEPTH} levels.") from None
    if problem := _problem(value):
        raise JsonRefused(*problem)
    return value


def json_body(hint: str = "Send a JSON object with Content-Type: application/json.") -> Any:
    """The request's JSON body, or 400 with `hint` (or the reason) when it cannot be read; 415
    when a body came as something else (a form, text), whose type is then what is wrong."""
    if not request.is_json:
        came = as_json(request.mimetype, 60) if request.mimetype else None
        if came is None and request.get_data(cache=True):
            came = "no Content-Type"
        if came is not None:
            abort(
                415, f"Send the body with Content-Type: application/json; this one came as {came}."
            )
        abort(400, hint)
    data = request.get_data(cache=True)
    try:
        return parse_json(data)
    except JsonRefused as refused:
        said = str(refused).replace("The JSON nests", "The JSON body nests")
        if not refused.where:
            abort(400, said)
        # Named as a field's own problem is (`field`, and `fields` for form-like bodies;
        # helper-84: a number no column holds said neither).
        error = PlannerError(said, field=refused.where)
        error.errors = {refused.where: [said]}
        raise error from None
    except ValueError:
        abort(400, f"The body is not valid JSON (UTF-8). {hint}")


def json_object(hint: str = "Send a JSON object with Content-Type: application/json.") -> dict:
    """The request's JSON body, which must be an object; 400 with `hint` otherwise."""
    value = json_body(hint)
    if not isinstance(value, dict):
        abort(400, hint)
    return value


def scalar_fields(payload: Mapping, names: Mapping[str, str]) -> tuple[MultiDict, list[str]]:
    """A JSON object's text and number fields as form data for a WTForms form (JSON name: form
    name), and the JSON names whose values are neither (a list, an object, true or false): those
    are refused by the caller, never turned into their Python text. Absent and null are left out.
    """
    data, wrong = MultiDict(), []
    for json_name, form_name in names.items():
        value = payload.get(json_name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int):
            wrong.append(json_name)
        else:
            data[form_name] = str(value)
    return data, wrong


def query_int(name: str, default: int | None = None) -> int | None:
    """?name= as a whole number a column can hold: `default` when absent or blank, 400 when it
    is anything else."""
    return _whole_number(request.args, name, default)


def form_int(name: str, default: int | None = None) -> int | None:
    """A posted field outside any form class (a select's value) read as `query_int` reads ?name=."""
    return _whole_number(request.form, name, default)


def _whole_number(values, name: str, default: int | None) -> int | None:
    text = values.get(name, "").strip()
    if not text:
        return default
    try:
        return db_int(text)
    except ValueError:
        abort(400, f"{name} must be a whole number between {-MAX_INT} and {MAX_INT}.")


NOT_UTF8 = "The form was not sent as UTF-8 text, so nothing was saved: send it again."
# A UTF-8 decoder that refuses what it cannot read, whatever error handling its caller asks for:
# the multipart parser decodes each field "replace", which would store U+FFFD for the bytes.
_STRICT_UTF8 = "planner_strict_utf_8"


def _strict_utf8(name: str) -> codecs.CodecInfo | None:
    if name != _STRICT_UTF8:
        return None
    return codecs.CodecInfo(
        codecs.utf_8_encode,
        lambda data, errors="strict": codecs.utf_8_decode(data, "strict", True),
        name=_STRICT_UTF8,
    )


codecs.register(_strict_utf8)


class _StrictMultiPartParser(MultiPartParser):
    def get_part_charset(self, headers) -> str:
        # ASCII is UTF-8's first half: a part said to be ASCII is read as UTF-8 too, strictly
        # (werkzeug would replace every byte above 127). Latin-1 reads any byte.
        charset = super().get_part_charset(headers)
        return _STRICT_UTF8 if charset in ("utf-8", "ascii", "us-ascii") else charset


class _FormParser(FormDataParser):
    """Werkzeug's form parser, except that a multipart field that is not UTF-8 is refused (400),
    as `refuse_undecodable_form` refuses a urlencoded one, rather than kept with U+FFFD in place
    of what it could not read."""

    def _parse_multipart(self, stream, mimetype, content_length, options):
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        parser = _StrictMultiPartParser(
            stream_factory=self.stream_factory,
            max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts,
            cls=self.cls,
        )
        try:
            form, files = parser.parse(stream, boundary, content_length)
        except UnicodeDecodeError:
            raise BadRequest(NOT_UTF8) from None
        return stream, form, files


class _OneValueEach(ImmutableMultiDict):
    """An API request's query: a parameter read (`args.get`, `args[name]`) that was given twice
    with different values (?per_page=1&per_page=500, ?office=AU&office=JP) is refused, naming
    it, rather than its first value read and the other left out without a word (helper-163).
    No API address reads a list from its query (suggest-times takes offices=AU,PE); a name no
    one reads may come as often as it likes, and is kept in the pages' links."""

    def __getitem__(self, name):
        values = self.getlist(name)
        if len(set(values)) > 1:
            times = "twice" if len(values) == 2 else f"{len(values)} times"
            shown = ", ".join(as_json(value, 20) for value in values[:3])
            more = ", …" if len(values) > 3 else ""
            raise PlannerError(f"{name} is given {times} ({shown}{more}): give it once.", name)
        return super().__getitem__(name)


class PlannerRequest(Request):
    form_data_parser_class = _FormParser

    @cached_property
    def args(self) -> ImmutableMultiDict:
        parsed = super().args
        return _OneValueEach(parsed.items(multi=True)) if self.path.startswith("/api/") else parsed

    def get_data(self, cache=True, as_text=False, parse_form_data=False):  # type: ignore[override]
        """The body, refused (413) when it was sent in chunks, with no Content-Length, and runs
        past `max_content_length`: Werkzeug then hands over its first `max_content_length` bytes
        without a word, and a JSON body cut there read as "not valid JSON", a form's fields
        after the cut as never sent (helper-163). A body that says its length is refused before
        it is read; one that comes to exactly the limit in chunks cannot be told from a longer
        one without reading on, and is refused too."""
        data = super().get_data(cache=cache, parse_form_data=parse_form_data)
        limit = self.max_content_length
        if self.content_length is None and limit is not None and len(data) >= limit:
            raise RequestEntityTooLarge()
        return data.decode(errors="replace") if as_text else data


def refuse_undecodable_form() -> None:
    """A before-request hook: a form whose percent-escapes are not UTF-8 ("%FF%FE", half of a
    surrogate pair) is refused, not stored as the escapes' letters (how the form parser keeps
    bytes it cannot read). Read before anything parses the form; the parser reads the same bytes
    after it."""
    if request.mimetype != "application/x-www-form-urlencoded":
        return
    try:
        unquote_to_bytes(request.get_data(cache=True)).decode("utf-8")
    except UnicodeDecodeError:
        abort(400, NOT_UTF8)


def refuse_nul() -> None:
    """A before-request hook: a NUL in the address, the query or a form field's name is refused
    outright, so that no view passes one to the database (PostgreSQL refuses it, SQLite would
    store it)."""
    # Every value of a name given twice ("?q=a&q=%00"), not the first alone.
    texts = [request.path, *request.args.keys()]
    texts += [value for values in request.args.listvalues() for value in values]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        texts += request.form.keys()
    if any("\x00" in text for text in texts):
        abort(400, "The request contains a NUL character, which no field can hold.")


def unknown_fields(given: Iterable[str], known: Sequence[str], what: str) -> str | None:
    """Why a request's fields are refused: the ones not among `known` (a few, each cut short,
    never a pasted page back), and the `what`s there are; None when every one is known. A field
    misspelt or named as a page names it is refused by name, never silently left out."""
    unknown = sorted(set(given) - set(known))
    if not unknown:
        return None
    names = ", ".join(shorten(name, 41) for name in unknown[:5])
    more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
    return f"Unknown {what}(s): {names}{more}. The {what}s are: {', '.join(known)}."
