"""Every form the pages offer, sent with kept, other offered, awkward and missing values, by a
co-lead and by anyone: no answer is a server error, a refusal says why and stores nothing."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.probe.support import (
    PROBE,
    check_answer,
    colead_pages,
    form_submissions,
    public_pages,
    read_forms,
    row_counts,
)

# Forms that end what the probe stands on (the co-lead's session, the world's meeting, slot and
# proposal, the office's link): each is probed with awkward values as a named case instead.
ENDINGS = ("/logout", "/delete", "/withdraw", "/feed/revoke", "/account/password")


def _probed(forms):
    return [f for f in forms if f.method == "post" and not f.action.endswith(ENDINGS)]


def _probe(client, forms, data) -> None:
    # One action at a time, whatever the number of its forms (a matches page has one per pair).
    actions = sorted({f.action.split("?")[0] for f in forms})
    action = data.draw(st.sampled_from(actions), label="action")
    same = [f for f in forms if f.action.split("?")[0] == action]
    if any(name == "version" for name, _ in same[0].fields):
        # Read again: an earlier example may have saved, and the form carries the version shown.
        read = read_forms(client, [same[0].page], strict=False)
        same = [f for f in read if f.action.split("?")[0] == action] or same
    form = data.draw(st.sampled_from(same))
    sent = data.draw(form_submissions(form), label="sent")
    before = row_counts()
    response = client.post(form.action, data=sent)
    check_answer(response, before, f"POST {form.action} (from {form.page}) {sent!r}")


def test_forms_as_a_colead(colead_client, world):
    forms = _probed(read_forms(colead_client, colead_pages(world)))

    @settings(PROBE, max_examples=90)
    @given(data=st.data())
    def probe(data):
        _probe(colead_client, forms, data)

    probe()


def test_forms_as_anyone(client, world):
    forms = _probed(read_forms(client, public_pages(world)))

    @settings(PROBE, max_examples=30)
    @given(data=st.data())
    def probe(data):
        _probe(client, forms, data)

    probe()


def test_every_form_endpoint_is_probed(app, client, colead_client, world):
    """Each endpoint that takes a posted form, from the URL map, is on a page the probe reads."""
    forms = read_forms(colead_client, colead_pages(world)) + read_forms(client, public_pages(world))
    adapter = app.url_map.bind("localhost")
    reached = {
        adapter.match(f.action.split("?")[0], method="POST")[0] for f in forms if f.method == "post"
    }
    posted = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.rule.startswith("/api/")
    }
    assert posted - reached == set()
