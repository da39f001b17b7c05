"""The line-up page and the JSON API refuse the same bad rule with the same words and status.

One table: each row is a bad value as a co-lead types it into the page's form and as a script
sends it to the API, with the message both must give."""

import html

import pytest

from tests.lineup.test_pages import FORM
from tests.support import csrf_token

CASES = [
    # (page fields, API body, status, message)
    (
        {"slots": "fifty"},
        {"slots": "fifty"},
        400,
        "Write a whole number with the digits 0 to 9, such as 20.",
    ),
    # int() reads full-width and Arabic-Indic digits too; one spelling of a number is taken.
    ({"slots": "５"}, {"slots": "５"}, 400, "Write the number with the digits 0 to 9."),
    ({"maturity_weight": "٣"}, {"maturity_weight": "٣"}, 400, "with the digits 0 to 9."),
    ({"focus": "１０"}, {"recommendation": "１０"}, 400, "with the digits 0 to 9."),
    # ... and "1_0", the underscore Python allows between digits.
    ({"slots": "1_0"}, {"slots": "1_0"}, 400, "Write the number with the digits 0 to 9."),
    ({"min_small": "1_0"}, {"min_small": "1_0"}, 400, "Write the number with the digits 0 to 9."),
    ({"focus": "ten"}, {"recommendation": "ten"}, 400, "Not a valid choice: choose 1, 2"),
    ({"slots": "0"}, {"slots": 0}, 400, "Number must be between 1 and 20."),
    ({"slots": "21"}, {"slots": 21}, 400, "Number must be between 1 and 20."),
    (
        {"include": "AU, Narnia"},
        {"include": ["AU", "Narnia"]},
        400,
        "No office known here has these codes: Narnia.",
    ),
    ({"exclude": "ZZ"}, {"exclude": ["ZZ"]}, 400, "No office known here has these codes: ZZ."),
    ({"min_small": "-1"}, {"min_small": -1}, 400, "Number must be between 0 and 20."),
    ({"maturity_weight": "6"}, {"maturity_weight": 6}, 400, "Number must be between 0 and 5."),
    ({"extra_4": "6"}, {"secondary": {"4": 6}}, 400, "Number must be between 0 and 5."),
    (
        {"slots": "2", "extra_4": "2"},
        {"slots": 2, "secondary": {"4": 2}},
        400,
        "leave at least one for the focus recommendation",
    ),
    (
        {"min_small": "4"},
        {"min_small": 4},
        422,
        "only 2 smaller offices have projects on these recommendations: HR, IL",
    ),
]


@pytest.mark.parametrize(("page_fields", "body", "status", "message"), CASES)
def test_page_and_api_give_the_same_refusal(
    colead_client, survey, page_fields, body, status, message
):
    form = {**FORM, **page_fields, "csrf_token": csrf_token(colead_client, "/lineups/new")}
    page = colead_client.post("/lineups/new", data=form)
    assert page.status_code == status
    assert message in html.unescape(page.get_data(as_text=True))
    api = colead_client.post("/api/v1/lineups", json={"recommendation": 10, **body})
    assert api.status_code == status, api.get_json()
    assert message in str(api.get_json())
    # The API names the fields it takes ("recommendation", "secondary"), never the page's
    # ("focus", "extra_4").
    fields = api.get_json().get("fields") or {}
    assert "focus" not in fields and not any(name.startswith("extra_") for name in fields)
    if page_fields == {"extra_4": "6"}:
        assert fields["secondary"] == ["Rec 4: Number must be between 0 and 5."], api.get_json()


@pytest.mark.parametrize("value", [5.5, True, "fifty"])
def test_a_value_that_is_no_whole_number_is_said_so_once(colead_client, survey, value):
    """helper-87: 5.5 slots were "Not a valid integer value." and "Number must be between 1
    and 20." at once; the second is not true of a value never read."""
    api = colead_client.post("/api/v1/lineups", json={"recommendation": 10, "slots": value})
    assert api.status_code == 400
    assert api.get_json()["fields"] == {
        "slots": ["Write a whole number with the digits 0 to 9, such as 20."]
    }
    form = {**FORM, "slots": str(value), "csrf_token": csrf_token(colead_client, "/lineups/new")}
    page = html.unescape(colead_client.post("/lineups/new", data=form).get_data(as_text=True))
    assert "such as 20." in page and "Number must be between" not in page
    assert "Not a valid integer value." not in page
