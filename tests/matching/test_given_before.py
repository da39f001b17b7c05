"""Matches and line-ups say what the meetings that took place gave on the recommendation: an
office that presented on it, and an audience that took part in a meeting where it did (helper-272:
six months after the Rec 10 workshop, nothing on the matches, the API, the line-up or an office's
page said AU had presented there, nor which offices were already served). Context, not a score."""

import html
import json
import re

from sqlalchemy import select

from planner.agenda.models import Meeting, Slot
from planner.agenda.queries import offices_by_code
from planner.extensions import db
from tests.support import csrf_token, held_workshop


def _au_presented_to_one_audience(client) -> tuple[str, str]:
    """A Rec 10 workshop that took place, where AU presented to an office that ranks it (ticked
    as taking part), and one audience of AU's that did not take part: (served, not served)."""
    matches = client.get("/api/v1/matches?recommendation=10&limit=all&per_page=500").get_json()
    audiences = sorted(
        m["audience"] for m in matches["matches"] if m["presenter"] == "AU" and m["rank"] <= 3
    )
    assert len(audiences) >= 2, "AU is among the best three of several offices on Rec 10"
    served, waiting = audiences[0], audiences[1]
    workshop = held_workshop(
        client,
        [{"title": "IP Australia's AI trade mark search", "office": "AU", "recommendations": [10]}],
        recommendation=10,
    )
    db.session.get(Meeting, workshop).offices = offices_by_code(["AU", served])
    db.session.commit()
    return served, waiting


def test_api_matches_say_who_presented_before_and_who_took_part(survey, colead_client):
    before = colead_client.get("/api/v1/matches?recommendation=10&limit=all&per_page=500")
    scores = {(m["audience"], m["presenter"]): m["score"] for m in before.get_json()["matches"]}
    served, waiting = _au_presented_to_one_audience(colead_client)
    after = colead_client.get("/api/v1/matches?recommendation=10&limit=all&per_page=500")
    found = {(m["audience"], m["presenter"]): m for m in after.get_json()["matches"]}
    # The same scores: it is context, not a change of relevance.
    assert {pair: m["score"] for pair, m in found.items()} == scores
    pair = found[(served, "AU")]
    assert pair["presented_before"]["title"] == "IP Australia's AI trade mark search"
    assert pair["presented_before"]["meeting"] == "Workshop on Recommendation 10"
    assert pair["presented_before"]["archive"].endswith(
        f"#slot-{pair['presented_before']['slot_id']}"
    )
    assert pair["audience_took_part"] == pair["presented_before"]
    # Its day as the meeting's own answer gives it, in the meeting's home zone (Zurich, +01:00
    # in January), not in UTC: a script comparing the two finds the same meeting.
    meeting = colead_client.get(f"/api/v1/meetings/{pair['presented_before']['meeting_id']}")
    assert pair["presented_before"]["starts_at"] == meeting.get_json()["starts_at"]
    assert pair["presented_before"]["starts_at"] == "2026-01-20T13:00:00+01:00"
    other = found[(waiting, "AU")]
    assert other["presented_before"]["title"] == "IP Australia's AI trade mark search"
    assert other["audience_took_part"] is None
    assert all(m["presented_before"] is None for (_, p), m in found.items() if p != "AU")


def test_the_matches_and_a_pairs_page_say_so(survey, colead_client):
    served, waiting = _au_presented_to_one_audience(colead_client)
    talk = db.session.scalars(select(Slot).where(Slot.office_code == "AU")).one()
    archive = f"/meetings/{talk.meeting_id}/archive"
    page = colead_client.get(f"/recommendations/10/matches?office={served}&role=audience")
    text = html.unescape(page.get_data(as_text=True))
    # Each row says the short fact, with a link naming the office and the talk's day ...
    link = f'<a href="#talk-{talk.id}">AU\'s talk of 20 January 2026</a>'
    assert f"<strong>Already presented to {served}:</strong> {link}, at a meeting" in text
    assert (
        f'Already served: <a href="#held-{talk.meeting_id}">{served} took part in 1 meeting '
        "where Rec 10 was presented</a>, the latest on 20 January 2026." in text
    )
    # ... and the talk is said once, under a section of its own, which the links lead to.
    assert '<h2 id="talks-given">Talks given on Rec 10</h2>' in text
    assert (
        f'<li id="held-{talk.meeting_id}"><a href="{archive}">Workshop on Recommendation 10</a>, '
        f'20 January 2026 <span class="muted">(of the offices above, {served} took part)</span>'
        in text
    )
    assert (
        f'<li id="talk-{talk.id}">AU: <a href="{archive}#slot-{talk.id}">'
        "“IP Australia's AI trade mark search”</a></li>" in text
    )
    assert text.count("IP Australia's AI trade mark search") == 1
    assert text.count(f'href="{archive}') == 2
    for target in re.findall(r'href="#((?:talk|held)-\d+)"', text):
        assert f'id="{target}"' in text
    text = colead_client.get(f"/recommendations/10/matches?office={waiting}&role=audience")
    text = html.unescape(text.get_data(as_text=True))
    assert f"Presented before: {link}; {waiting} did not take part." in text
    assert f'Already served: <a href="#held-{talk.meeting_id}">{waiting}' not in text
    assert text.count("IP Australia's AI trade mark search") == 1
    # On every match's page, the talk is still said once, however many rows it concerns.
    every = colead_client.get("/recommendations/10/matches?show=all").get_data(as_text=True)
    every = html.unescape(every)
    assert every.count(link) > 1
    assert every.count("IP Australia's AI trade mark search") == 1
    # A pair's own page says it in full, as before.
    mark = colead_client.get(f"/recommendations/10/matches/marks?audience={served}&presenter=AU")
    assert f"Already presented to {served}:" in mark.get_data(as_text=True)
    # Its office page says what it was offered.
    office = colead_client.get(f"/offices/{served}").get_data(as_text=True)
    assert f"{served} took part in talks on" in office
    assert "AU's “IP Australia" in office


def test_a_line_up_flags_who_presented_on_it_and_can_leave_them_out(survey, colead_client):
    served, _ = _au_presented_to_one_audience(colead_client)
    form = {
        "focus": "10",
        "slots": "5",
        "one_per_office": "y",
        "min_small": "0",
        "max_per_region": "",
        "maturity_weight": "0.5",
        "csrf_token": csrf_token(colead_client, "/lineups/new"),
    }
    page = colead_client.post("/lineups/new", data=form, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "<dt>Already served</dt>" in text
    assert re.search(rf">{served}</a> \(Rec 10: took part in", text)
    assert "<dt>Presented on Rec 10 before</dt><dd>AU" in text
    left = colead_client.post(
        "/lineups/new", data={**form, "leave_out": "presented"}, follow_redirects=True
    )
    assert "must exclude AU" in left.get_data(as_text=True)
    # Invited back for a follow-up ("Must include"), AU is flagged in its row, and stays.
    back = {**form, "include": "AU", "leave_out": "presented"}
    text = colead_client.post("/lineups/new", data=back, follow_redirects=True)
    result = text.get_data(as_text=True).split('id="result-heading"', 1)[1]
    assert ">AU · " in result
    assert "<strong>Presented on Rec 10 before</strong>: “IP Australia" in result
    # Said once: its last talk is that one, not a second line above it (helper-274).
    row = result.split(">AU · ", 1)[1].split("</tr>", 1)[0]
    assert row.count("Workshop on Recommendation 10</a>, 20 January 2026") == 1
    assert "Presented Rec 10 at" not in row
    assert "must exclude AU" not in result


def test_the_command_line_gives_the_same(cli, survey, colead_client):
    served, _ = _au_presented_to_one_audience(colead_client)
    result = cli.invoke(args=["match", "--recommendation", "10", "--all", "--format", "json"])
    assert result.exit_code == 0, result.output
    pair = next(
        m for m in json.loads(result.stdout) if (m["audience"], m["presenter"]) == (served, "AU")
    )
    assert pair["audience_took_part"]["archive"].startswith("http")


def test_a_talk_of_no_office_is_named_as_such(survey, colead_client):
    """A talk given by no office (a guest speaker's) is no office's: not flagged as presented
    before by an office "" nor said to be by "None"."""
    served, _ = _au_presented_to_one_audience(colead_client)
    workshop = held_workshop(
        colead_client,
        [{"title": "A guest on AI search", "recommendations": [10]}],
        title="Second workshop on Recommendation 10",
        starts_at="2026-03-10T13:00:00+01:00",
    )
    db.session.get(Meeting, workshop).offices = offices_by_code([served])
    db.session.commit()
    office = colead_client.get(f"/offices/{served}").get_data(as_text=True)
    assert "“A guest on AI search” (no office)" in office
    assert "None" not in office
    matches = colead_client.get(f"/recommendations/10/matches?office={served}&role=audience")
    text = matches.get_data(as_text=True)
    assert re.search(
        r'>A speaker of no office: <a href="[^"]+#slot-\d+">“A guest on AI search”', text
    )
    assert "None presented" not in text
    page = colead_client.post(
        "/lineups/new",
        data={
            "focus": "10",
            "slots": "5",
            "one_per_office": "y",
            "min_small": "0",
            "maturity_weight": "0.5",
            "csrf_token": csrf_token(colead_client, "/lineups/new"),
        },
        follow_redirects=True,
    )
    assert "<dt>Presented on Rec 10 before</dt><dd>AU <button" in page.get_data(as_text=True)
