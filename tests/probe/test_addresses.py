"""Every address that answers GET, found in the app's URL map, with awkward values in its path
and its query string, by a co-lead and by anyone: no answer is a server error, and a refusal
says why."""

from urllib.parse import quote, urlencode

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.probe.support import PROBE, STRANGE_IDS, check_answer, nasty_text, row_counts

# The query parameters the pages and the API read, and one no one reads.
PARAMETERS = [
    "survey",
    "recommendation",
    "limit",
    "show",
    "include_plans",
    "status",
    "offices",
    "office",
    "role",
    "question",
    "duration_minutes",
    "from",
    "to",
    "first",
    "last",
    "scope",
    "token",
    "download",
    "zone",
    "page",
    "per_page",
    "unknown",
]
# Values for the variables of an address: ones that name something, and ones that do not.
VARIABLES = {
    "int": st.sampled_from([1, 2, 10, *STRANGE_IDS]).map(str),
    "default": st.one_of(st.sampled_from(["AU", "CWS-13-26", "x"]), nasty_text.filter(bool)),
}


def get_rules(app) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint != "static"
    )


def _address(rule: str, draw) -> str:
    path = rule
    for part in rule.split("<")[1:]:
        variable = part.split(">")[0]
        kind = variable.split(":")[0] if ":" in variable else "default"
        value = draw(VARIABLES.get(kind, VARIABLES["default"]))
        path = path.replace(f"<{variable}>", quote(value, safe=""), 1)
    query = draw(st.lists(st.tuples(st.sampled_from(PARAMETERS), nasty_text), max_size=3))
    return f"{path}?{urlencode(query)}" if query else path


def _probe(app, client, data) -> None:
    rule = data.draw(st.sampled_from(get_rules(app)), label="rule")
    url = _address(rule, data.draw)
    before = row_counts()
    response = client.get(url)
    check_answer(response, before, f"GET {url}")


def test_addresses_as_a_colead(app, colead_client, world):
    @settings(PROBE, max_examples=70)
    @given(data=st.data())
    def probe(data):
        _probe(app, colead_client, data)

    probe()


def test_addresses_as_anyone(app, client, world):
    @settings(PROBE, max_examples=40)
    @given(data=st.data())
    def probe(data):
        _probe(app, client, data)

    probe()
