"""Availability through the pages and the API: the volunteer's and the presenter's windows are
stored, a slot outside them warns the co-lead (never refuses), every slot shows its presenter's
local time, and fair start times weigh presenters above the audience and never lie in the past."""

import html
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from planner.agenda.models import Slot
from planner.availability.models import AvailabilityWindow
from planner.availability.operations import windows_of
from planner.extensions import db
from planner.presenters.models import Invitation
from planner.presenters.operations import invite
from planner.proposals.models import Proposal
from tests.presenters.support import confirm
from tests.support import csrf_token, publish_as_planned, said_in

VOLUNTEER = {
    "office": "PE",
    "contact_name": "Rosa Example",
    "contact_email": "rosa@indecopi.example",
    "title": "Machine translation of abstracts",
    "abstract": "What we learned translating patent abstracts.",
    "recommendations": ["10"],
    "duration_minutes": "20",
    "availability": "Tuesdays and Thursdays 08:00–11:00 Lima",
    "maturity": "pilot",
}


def next_tuesday() -> date:
    """A Tuesday at least a week ahead: slots there are in nobody's past."""
    day = datetime.now(UTC).date() + timedelta(days=7)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def volunteer(client, headers=None, **changes):
    data = {**VOLUNTEER, "csrf_token": csrf_token(client, "/volunteer"), **changes}
    return client.post("/volunteer", data=data, headers=headers)


@pytest.fixture
def api(colead_client):
    return colead_client


@pytest.fixture
def meeting(api, survey) -> dict:
    """A meeting on a Tuesday at 14:00 UTC (09:00 in Lima), with a presentation by PE."""
    start = datetime.combine(next_tuesday(), time(14), tzinfo=UTC)
    made = api.post(
        "/api/v1/meetings",
        json={"title": "Rec 10 workshop", "starts_at": start.isoformat(), "duration_minutes": 90},
    ).get_json()
    talk = {"title": "Machine translation", "office": "PE", "duration_minutes": 30}
    assert api.post(f"/api/v1/meetings/{made['id']}/slots", json=talk).status_code == 201
    return api.get(f"/api/v1/meetings/{made['id']}").get_json()


def test_the_volunteer_form_stores_windows(client, survey):
    response = volunteer(
        client,
        availability_zone="America/Lima",
        **{
            "windows-0-weekdays": ["1", "3"],
            "windows-0-starts": "08:00",
            "windows-0-ends": "11:00",
            "windows-1-on": str(next_tuesday() + timedelta(days=3)),
            "windows-1-starts": "14:00",
            "windows-1-ends": "16:00",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    proposal = db.session.scalar(select(Proposal))
    assert proposal.availability == VOLUNTEER["availability"]  # what they wrote stays
    windows = windows_of(proposal=proposal)
    assert [(w.time_zone, sorted(w.weekdays), w.on, w.starts, w.ends) for w in windows] == [
        ("America/Lima", [1, 3], None, time(8), time(11)),
        ("America/Lima", [], next_tuesday() + timedelta(days=3), time(14), time(16)),
    ]


def test_more_windows_than_the_form_has_rows_are_refused_not_dropped(client, survey):
    rows = {}
    for n in range(9):
        rows |= {
            f"windows-{n}-weekdays": ["1"],
            f"windows-{n}-starts": f"{8 + n:02d}:00",
            f"windows-{n}-ends": f"{9 + n:02d}:00",
        }
    response = volunteer(client, availability_zone="America/Lima", **rows)
    assert response.status_code == 400
    said = "Give at most 7 windows here (9 were sent); write any others in the text box."
    # About the rows as a whole: in the summary, and under the group.
    page = response.get_data(as_text=True)
    assert page.count(said) == 2
    assert f'<p class="error" id="windows-error">{said}</p>' in page
    assert db.session.scalar(select(Proposal)) is None


def test_the_volunteer_sees_and_edits_their_windows(client, survey):
    """The private page lists the windows given; its edit page shows them filled in, and a
    change there is stored (the co-lead's warnings follow it)."""
    fields = {
        "availability_zone": "America/Lima",
        "windows-0-weekdays": ["1", "3"],
        "windows-0-starts": "08:00",
        "windows-0-ends": "11:00",
    }
    sent = volunteer(client, **fields)
    private = sent.headers["Location"]
    page = client.get(private).get_data(as_text=True)
    assert "Tue, Thu 08:00–11:00 Lima" in page
    edit = client.get(private + "/edit").get_data(as_text=True)
    assert 'name="availability_zone"' in edit and 'value="Lima, Peru"' in edit
    assert 'name="windows-0-starts" type="time" value="08:00"' in edit
    form = {
        **{k: v for k, v in VOLUNTEER.items() if k != "office"},
        "csrf_token": csrf_token(client, private + "/edit"),
        "version": "1",
        "availability_zone": "America/Lima",
        "windows-0-weekdays": ["0"],
        "windows-0-starts": "13:00",
        "windows-0-ends": "15:00",
    }
    saved = client.post(private + "/edit", data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    (window,) = windows_of(proposal=db.session.scalar(select(Proposal)))
    assert (sorted(window.weekdays), window.starts, window.ends) == ([0], time(13), time(15))
    assert "Mon 13:00–15:00 Lima" in client.get(private).get_data(as_text=True)
    edit = client.get(private + "/edit").get_data(as_text=True)
    assert '<input checked id="windows-0-weekdays-0" name="windows-0-weekdays"' in edit


@pytest.mark.parametrize(
    ("lang", "monday", "row"),
    [
        ("en", "Mon", ", window 2"),
        ("es", "lun", ", franja 2"),
        ("fr", "lun.", ", plage 2"),
        ("pt", "seg.", ", faixa 2"),
        ("ru", "пн", ", интервал 2"),
        ("zh", "周一", "，时间段2"),
    ],
)
def test_a_rows_fields_are_named_with_their_row_after_the_words_shown(
    client, survey, lang, monday, row
):
    """Each row's boxes and fields say their row after their label's words, unseen: "Mon,
    window 2", not one more "Mon" to speech control and a screen reader's list of fields (a
    legend joins no field's name in Chromium; helper-314)."""
    page = client.get(f"/volunteer?lang={lang}").get_data(as_text=True)
    said = f'<span class="visually-hidden">{row}</span></label>'
    assert f'<label for="windows-1-weekdays-0">{monday}{said}' in page
    for field in ("on", "starts", "ends"):
        assert re.search(f'<label for="windows-1-{field}">[^<]+{re.escape(said)}', page), field


def test_the_edit_page_reads_windows_from_the_text_without_saving(client, survey):
    private = volunteer(client).headers["Location"]
    form = {
        **{k: v for k, v in VOLUNTEER.items() if k != "office"},
        "csrf_token": csrf_token(client, private + "/edit"),
        "version": "1",
        "read_availability": "1",
    }
    read = client.post(private + "/edit", data=form)
    assert read.status_code == 200
    assert 'name="windows-0-starts" type="time" value="08:00"' in read.get_data(as_text=True)
    assert windows_of(proposal=db.session.scalar(select(Proposal))) == []


def test_windows_without_a_zone_are_in_the_office_zone(client, survey):
    fields = {"windows-0-weekdays": "0", "windows-0-starts": "09:00", "windows-0-ends": "12:00"}
    assert volunteer(client, **fields).status_code == 302
    (window,) = windows_of(proposal=db.session.scalar(select(Proposal)))
    assert window.time_zone == "America/Lima"  # PE's


def test_a_date_that_has_passed_is_refused_but_a_stored_one_may_stay(client, survey):
    """A new window on a day already over in its zone is a mistake (a year typed wrong); a
    window stored before its day passed comes back with the form and does not block an edit."""
    yesterday = str(datetime.now(UTC).date() - timedelta(days=2))
    fields = {
        "availability_zone": "America/Lima",
        "windows-0-on": yesterday,
        "windows-0-starts": "09:00",
        "windows-0-ends": "11:00",
    }
    refused = volunteer(client, **fields)
    assert refused.status_code == 400
    page = html.unescape(refused.get_data(as_text=True))
    assert "has passed (it is " in page and "in Lima): give a later date" in page
    assert f'value="{yesterday}"' in page  # what was typed comes back
    assert db.session.scalar(select(Proposal)) is None

    private = volunteer(client).headers["Location"]
    proposal = db.session.scalar(select(Proposal))
    from planner.availability.operations import replace_windows
    from planner.availability.windows import Window

    passed = date.fromisoformat(yesterday)
    replace_windows(
        [Window("America/Lima", frozenset(), passed, time(9), time(11))], proposal=proposal
    )
    db.session.commit()
    form = {
        **{k: v for k, v in VOLUNTEER.items() if k != "office"},
        "csrf_token": csrf_token(client, private + "/edit"),
        "version": str(proposal.version),
        "title": "A better title",
        **fields,
    }
    saved = client.post(private + "/edit", data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)


def test_a_window_in_other_digits_is_refused_and_nothing_is_stored(client, survey):
    """Full-width digits read as a weekday or a date by Python: one spelling, 0 to 9."""
    response = volunteer(
        client,
        **{"windows-0-weekdays": "１", "windows-0-starts": "09:00", "windows-0-ends": "11:00"},
    )
    assert response.status_code == 400
    assert "Write the number with the digits 0 to 9." in response.get_data(as_text=True)
    assert db.session.scalar(select(Proposal)) is None
    # A day that is no number names the values there are, not the library's "coerced".
    named = volunteer(
        client,
        **{"windows-0-weekdays": "Mon", "windows-0-starts": "09:00", "windows-0-ends": "11:00"},
    )
    assert named.status_code == 400
    assert "Not a valid choice: choose 0, 1, 2, 3, 4, 5 or 6." in named.get_data(as_text=True)


BACKWARDS = {
    "availability_zone": "America/Lima",
    "windows-0-weekdays": "1",
    "windows-0-starts": "12:00",
    "windows-0-ends": "09:00",
}
ASKED = (
    "Window 1, To: 09:00 is before 12:00: this window runs overnight, from 12:00 until 09:00 the "
    "next day. If you meant 21:00, or the two times are the wrong way round, change them; to keep "
    "the window as it is, send the form again."
)


def _overnight_kept(page: str) -> str:
    return re.search(r'name="overnight_kept" type="hidden" value="([^"]*)"', page)[1]


def test_a_window_typed_backwards_is_asked_about_before_it_is_kept(client, survey):
    """helper-160: a row typed from 12:00 to 09:00 was saved without a word as a window from
    noon to 09:00 the next day, 21 hours, when its volunteer most likely swapped the times or
    meant 21:00. The form asks, naming the row, with what was typed kept; sent again as it is,
    the window is kept (a night shift may be meant), and a night's window is not asked about."""
    asked = volunteer(client, **BACKWARDS)
    assert asked.status_code == 400
    page = html.unescape(asked.get_data(as_text=True))
    assert ASKED in page
    # Said in the summary and beside the row's "To", as any field's error is: not a third time
    # under the group (helper-164).
    assert page.count("09:00 is before 12:00: this window runs overnight") == 2
    assert 'id="windows-0-ends-error">09:00 is before 12:00' in page
    assert _rows(page)[:1] == [("1", "12:00", "09:00")]
    assert db.session.scalar(select(Proposal)) is None
    # Corrected, it is kept at once.
    again = volunteer(client, **BACKWARDS, overnight_kept=_overnight_kept(page))
    assert again.status_code == 302, again.get_data(as_text=True)
    (window,) = windows_of(proposal=db.session.scalar(select(Proposal)))
    assert (window.starts, window.ends) == (time(12), time(9))


@pytest.mark.parametrize(
    ("starts", "ends", "said"),
    [
        ("14:00", "13:00", "If the two times are the wrong way round, swap them; to keep"),
        ("12:00", "21:00", None),
        ("22:00", "02:00", None),  # a night's: as typed
    ],
)
def test_only_a_window_across_more_than_half_a_day_of_night_is_asked_about(
    client, survey, starts, ends, said
):
    fields = {**BACKWARDS, "windows-0-starts": starts, "windows-0-ends": ends}
    response = volunteer(client, **fields)
    assert response.status_code == (400 if said else 302)
    if said:
        assert said in html.unescape(response.get_data(as_text=True))


def test_a_window_read_backwards_from_the_text_is_said_to_run_overnight(client, survey):
    """Read from "Tuesdays 12:00-09:00" (a 24-hour clock, as written), the window is said to
    run overnight where it is shown, before the form asks when it is sent."""
    read = volunteer(client, availability="Tuesdays 12:00-09:00 Lima", read_availability="1")
    page = html.unescape(read.get_data(as_text=True))
    assert (
        "Window 1 runs overnight, from 12:00 until 09:00 the next day: check that this is what "
        "you meant."
    ) in page
    night = volunteer(client, availability="Tuesdays 22:00-02:00 Lima", read_availability="1")
    assert "runs overnight" not in night.get_data(as_text=True)


def test_a_wrong_window_is_refused_and_nothing_is_stored(client, survey):
    response = volunteer(
        client,
        **{"windows-0-weekdays": "1", "windows-0-starts": "09:00", "windows-0-ends": "09:00"},
    )
    assert response.status_code == 400
    assert "Window 1, To: The window ends when it starts" in response.get_data(as_text=True)
    assert db.session.scalar(select(Proposal)) is None
    # Neither weekdays nor a date, then both: each said as it is (helper-86: neither read
    # "not both").
    neither = volunteer(client, **{"windows-0-starts": "09:00", "windows-0-ends": "10:00"})
    assert neither.status_code == 400
    assert "tick its weekdays, or give its one date" in neither.get_data(as_text=True)
    both = volunteer(
        client,
        **{"windows-0-weekdays": "1", "windows-0-on": "2027-03-09"}
        | {"windows-0-starts": "09:00", "windows-0-ends": "10:00"},
    )
    assert both.status_code == 400
    assert "Choose weekdays or one date for each window, not both." in both.get_data(as_text=True)


def test_the_free_text_only_prefills_the_form(client, survey):
    response = volunteer(client, read_availability="1")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Read 1 window from your text: check it" in page
    assert '<input checked id="windows-0-weekdays-1" name="windows-0-weekdays"' in page  # Tue
    assert '<input checked id="windows-0-weekdays-3" name="windows-0-weekdays"' in page  # Thu
    assert 'name="windows-0-starts" type="time" value="08:00"' in page
    assert 'value="Lima, Peru"' in page
    # Nothing is stored until the volunteer sends the form.
    assert db.session.scalar(select(Proposal)) is None
    assert db.session.scalar(select(AvailabilityWindow)) is None


def _invited(meeting: dict, zone: str | None = "America/Lima"):
    slot = db.session.get(Slot, meeting["slots"][0]["id"])
    invitation, token = invite(
        slot, name="Rosa Example", email="rosa@indecopi.example", time_zone=zone, by="a co-lead"
    )
    db.session.commit()
    return slot, invitation, token


def test_the_presenter_page_stores_windows(app, api, meeting):
    _, invitation, token = _invited(meeting)
    visitor = app.test_client(use_cookies=False)
    page = visitor.get(f"/presenter/{token}").get_data(as_text=True)
    assert f'action="/presenter/{token}/availability"' in page
    assert 'value="Lima, Peru"' in page
    response = visitor.post(
        f"/presenter/{token}/availability",
        data={
            "windows_seen": _seen(page),
            "availability_zone": "America/Lima",
            "windows-0-weekdays": ["1", "3"],
            "windows-0-starts": "08:00",
            "windows-0-ends": "11:00",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/presenter/{token}#availability")
    windows = windows_of(invitation=invitation)
    assert [(sorted(w.weekdays), w.starts, w.ends) for w in windows] == [
        ([1, 3], time(8), time(11))
    ]
    bad = visitor.post(
        f"/presenter/{token}/availability",
        data={
            "windows_seen": _seen(page),
            "availability_zone": "Mars/Olympus",
            "windows-0-weekdays": "1",
        },
    )
    assert bad.status_code == 400 and "is not a time zone" in bad.get_data(as_text=True)
    assert visitor.post(f"/presenter/{'x' * 43}/availability").status_code == 404


def test_the_presenter_page_lists_the_zones_once(app, api, meeting):
    """Some 470 zones, each by its place, its id and its offsets, are some 45 KB: the page's
    zone picker and its availability's zone field share one list, and a field whose page has
    no picker (the slot cancelled) still has its own."""
    slot, _, token = _invited(meeting)
    visitor = app.test_client(use_cookies=False)

    def lists(page: str) -> tuple[list[str], list[str]]:
        return re.findall(r'<datalist id="([^"]+)"', page), re.findall(r' list="([^"]+)"', page)

    made, used = lists(visitor.get(f"/presenter/{token}").get_data(as_text=True))
    assert made == ["zones"] and used == ["zones", "zones"]
    assert api.delete(f"/api/v1/slots/{slot.id}").status_code in (200, 204)
    made, used = lists(visitor.get(f"/presenter/{token}").get_data(as_text=True))
    assert len(made) <= 1 and set(used) <= set(made)


def test_the_presenter_is_asked_about_a_window_typed_backwards(app, api, meeting):
    _, invitation, token = _invited(meeting)
    visitor = app.test_client(use_cookies=False)
    page = visitor.get(f"/presenter/{token}").get_data(as_text=True)
    fields = {"windows_seen": _seen(page), **BACKWARDS}
    asked = visitor.post(f"/presenter/{token}/availability", data=fields)
    assert asked.status_code == 400
    page = html.unescape(asked.get_data(as_text=True))
    assert ASKED in page and _rows(page)[:1] == [("1", "12:00", "09:00")]
    # In a summary at the top, linked to the row, and beside the row's "To": as on the volunteer
    # form (helper-164: a third time under the group, and no summary).
    assert '<a href="#windows-0-ends">Your availability windows</a>: Window 1, To: ' in page
    assert page.count("09:00 is before 12:00: this window runs overnight") == 2
    assert windows_of(invitation=invitation) == []
    kept = {**fields, "overnight_kept": _overnight_kept(page)}
    assert visitor.post(f"/presenter/{token}/availability", data=kept).status_code == 302
    db.session.expire_all()
    assert [(w.starts, w.ends) for w in windows_of(invitation=invitation)] == [(time(12), time(9))]


def test_a_week_after_the_meeting_the_presenter_page_asks_no_time_and_leads_to_the_archive(
    app, api, meeting
):
    """helper-254: the presenter coming back to their link a week after presenting was still
    asked when they could present (a form that saved windows for a meeting held) and offered
    to change their time zone "for the emails you are sent", though none is sent any more. Their
    page now keeps what still makes sense (their times, the programme, their slides to add),
    says the slides are public now, and leads to what was presented; windows are refused."""
    import time_machine

    slot, invitation, token = _invited(meeting)
    assert publish_as_planned(api, meeting["id"]).status_code == 200
    visitor = app.test_client(use_cookies=False)
    page = visitor.get(f"/presenter/{token}").get_data(as_text=True)
    assert confirm(visitor, f"/presenter/{token}").status_code == 302
    seen = _seen(page)
    windows = {
        "windows_seen": seen,
        "availability_zone": "America/Lima",
        "windows-0-weekdays": ["1", "3"],
        "windows-0-starts": "08:00",
        "windows-0-ends": "11:00",
    }
    with time_machine.travel(slot.meeting.ends_at + timedelta(days=7), tick=True):
        page = html.unescape(visitor.get(f"/presenter/{token}").get_data(as_text=True))
        assert "This meeting has taken place; there is nothing more to answer." in page
        assert f'href="/meetings/{meeting["id"]}/archive#slot-{slot.id}"' in page
        assert "What was presented, with its materials" in page
        assert f'action="/presenter/{token}/availability"' not in page
        assert "When you can present" not in page and "Save my time zone" not in page
        assert "anyone, on the public agenda, now that the meeting is over." in page
        assert f'action="/presenter/{token}/materials"' in page  # slides may still come
        said = "This meeting has taken place: there is no time to choose any more."
        own = visitor.get(f"/presenter/{token}/availability")
        assert said in html.unescape(own.get_data(as_text=True))
        assert "Save when I can present" not in own.get_data(as_text=True)
        refused = visitor.post(f"/presenter/{token}/availability", data=windows)
        assert refused.status_code == 409 and said in html.unescape(refused.text)
        assert 'value="08:00"' in refused.get_data(as_text=True)  # what was typed comes back
        # In their language too.
        spanish = visitor.get(f"/presenter/{token}?lang=es").get_data(as_text=True)
        assert "ahora que la reunión ha terminado" in html.unescape(spanish)
    assert windows_of(invitation=invitation) == []


def _seen(page: str) -> str:
    return re.search(r'name="windows_seen" type="hidden" value="([^"]*)"', page)[1]


def test_a_presenter_elsewhere_than_their_office_gives_hours_in_their_own_zone(app, api, meeting):
    """helper-230: Lima's office, its presenter in Kathmandu (invited so). A slot made without
    a proposal filled their availability form's zone with the office's, "Lima, Peru", under
    times in Kathmandu: Tuesday 09:00-12:00 typed there was saved in Lima, 10 h 45 min later
    on their clocks, and the co-leads were warned against the wrong hours. The form starts in
    their own zone, as the field's hint says (there is no volunteer's text to read in Lima)."""
    _, invitation, token = _invited(meeting, zone="Asia/Kathmandu")
    visitor = app.test_client(use_cookies=False)
    page = visitor.get(f"/presenter/{token}").get_data(as_text=True)
    [zone_field] = re.findall(r'<input[^>]*name="availability_zone"[^>]*>', page)
    assert 'value="Kathmandu, Nepal"' in zone_field
    sent = {
        "windows_seen": _seen(page),
        "availability_zone": "Kathmandu, Nepal",  # as the page filled it in
        "windows-0-weekdays": ["1"],
        "windows-0-starts": "09:00",
        "windows-0-ends": "12:00",
    }
    assert visitor.post(f"/presenter/{token}/availability", data=sent).status_code == 302
    [window] = windows_of(invitation=invitation)
    assert (window.time_zone, window.starts, window.ends) == ("Asia/Kathmandu", time(9), time(12))
    again = visitor.get(f"/presenter/{token}").get_data(as_text=True)
    assert (
        'value="Kathmandu, Nepal"'
        in re.findall(r'<input[^>]*name="availability_zone"[^>]*>', again)[0]
    )


def test_a_second_tab_does_not_silently_replace_the_presenters_windows(app, api, meeting):
    """Two tabs of the presenter's page: the first saves Tuesday mornings; the second, filled
    in before that, is refused with both versions in view, and replaces them when sent again."""
    _, invitation, token = _invited(meeting)
    visitor = app.test_client(use_cookies=False)
    first = visitor.get(f"/presenter/{token}/availability").get_data(as_text=True)
    second = visitor.get(f"/presenter/{token}").get_data(as_text=True)
    tuesday = {
        "windows_seen": _seen(first),
        "availability_zone": "America/Lima",
        "windows-0-weekdays": "1",
        "windows-0-starts": "08:00",
        "windows-0-ends": "11:00",
    }
    assert visitor.post(f"/presenter/{token}/availability", data=tuesday).status_code == 302
    friday = {
        "windows_seen": _seen(second),
        "availability_zone": "America/Lima",
        "windows-0-weekdays": "4",
        "windows-0-starts": "14:00",
        "windows-0-ends": "17:00",
    }
    refused = visitor.post(f"/presenter/{token}/availability", data=friday)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "were changed since you opened this page" in page
    assert "Tue 08:00–11:00 Lima" in page  # what is stored now
    assert '<input checked id="windows-0-weekdays-4" name="windows-0-weekdays"' in page  # theirs
    assert 'name="windows-0-starts" type="time" value="14:00"' in page
    assert [sorted(w.weekdays) for w in windows_of(invitation=invitation)] == [[1]]
    # Sent again from the refused page, it replaces the stored windows.
    again = visitor.post(
        f"/presenter/{token}/availability", data={**friday, "windows_seen": _seen(page)}
    )
    assert again.status_code == 302
    db.session.expire_all()
    assert [sorted(w.weekdays) for w in windows_of(invitation=invitation)] == [[4]]
    # A post that does not say what it was filled in from cannot replace stored windows.
    blind = visitor.post(
        f"/presenter/{token}/availability",
        data={k: v for k, v in tuesday.items() if k != "windows_seen"},
    )
    assert blind.status_code == 409
    db.session.expire_all()
    assert [sorted(w.weekdays) for w in windows_of(invitation=invitation)] == [[4]]


def _accepted_proposal_of_first_slot(meeting: dict, availability: str = "") -> Proposal:
    """An accepted proposal from PE, linked to the meeting's first slot (flushed): Rosa
    Example's, whom `_invited` invites by the name she gave (she is the volunteer by it)."""
    proposal = Proposal(
        office_code="PE",
        title="Machine translation",
        abstract="",
        contact_name="Rosa Example",
        contact_email="rosa@indecopi.example",
        duration_minutes=30,
        availability=availability,
        maturity="pilot",
        status="accepted",
    )
    db.session.add(proposal)
    db.session.flush()
    db.session.get(Slot, meeting["slots"][0]["id"]).proposal = proposal
    return proposal


def _presenter_page_reading(app, meeting: dict, words: str) -> str:
    """The page of the first slot's presenter, invited, whose proposal's availability is
    `words`."""
    _accepted_proposal_of_first_slot(meeting, words)
    db.session.commit()
    _, _, token = _invited(meeting)
    return html.unescape(app.test_client().get(f"/presenter/{token}").get_data(as_text=True))


def test_the_presenter_sees_their_proposal_windows_read_from_text(app, api, meeting, survey):
    page = _presenter_page_reading(app, meeting, "Mon-Fri 9-12 Lima")
    assert "Read from what you wrote when volunteering" in page
    assert 'name="windows-0-starts" type="time" value="09:00"' in page


def test_the_presenter_is_told_an_offset_in_their_text_was_not_read(app, api, meeting, survey):
    page = _presenter_page_reading(app, meeting, "Mon-Fri 9-12 UTC-5")
    # The zone by its place, as the page names it everywhere, not by its id (helper-238: "read
    # in America/Lima", and in Chinese "按America/Lima理解").
    assert "It gives the offset “UTC-5”, not a place: the times are read in Lima;" in page
    assert "choose your own time zone (a city) if that is not it" in page


def test_the_presenter_is_told_a_window_read_from_their_words_runs_overnight(
    app, api, meeting, survey
):
    page = _presenter_page_reading(app, meeting, "Tuesdays 12:00-09:00 Lima")
    assert "Read from what you wrote when volunteering" in page
    assert "Window 1 runs overnight, from 12:00 until 09:00 the next day: check that" in page


def test_outside_the_windows_warns_the_colead_and_the_presenter(app, api, meeting):
    slot, invitation, token = _invited(meeting)
    edit = f"/meetings/{meeting['id']}/edit"
    # No windows yet: nothing to warn about; the presenter's local time is shown.
    page = api.get(edit).get_data(as_text=True)
    assert f"Presenter's time: {next_tuesday():%a %-d %b} 09:00 in Lima (UTC−5)" in page
    assert "outside the presenter's availability" not in page
    body = api.get(f"/api/v1/slots/{slot.id}").get_json()
    assert body["availability"] == {"inside": None, "windows": [], "read_from": None}

    from planner.availability.operations import replace_windows
    from planner.availability.windows import check_window

    # Only afternoons in Lima: the 09:00 slot is outside, and still placed.
    replace_windows(
        [check_window("America/Lima", (1,), None, time(14), time(17))], invitation=invitation
    )
    db.session.commit()
    page = api.get(edit).get_data(as_text=True)
    assert "outside the presenter's availability: Tue 14:00–17:00 Lima" in page
    # The presenter is told on their page too, with what to do about it.
    theirs = html.unescape(app.test_client().get(f"/presenter/{token}").get_data(as_text=True))
    assert "This time is outside the availability you gave (Tue 14:00–17:00 Lima)" in theirs
    assert "answer “another time” below" in theirs
    body = api.get(f"/api/v1/slots/{slot.id}").get_json()
    assert body["availability"]["inside"] is False
    # Once they asked for another time, their page no longer asks them to (helper-150); the
    # co-leads are still warned.
    presenter = app.test_client()
    asked = {"answer": "another_time", "note": "Afternoons, please."}
    assert presenter.post(f"/presenter/{token}/answer", data=asked).status_code == 302
    theirs = html.unescape(presenter.get(f"/presenter/{token}").get_data(as_text=True))
    assert "asks for another time" in theirs and "Afternoons, please." in theirs
    assert "outside the availability you gave" not in theirs
    assert "outside the presenter's availability" in api.get(edit).get_data(as_text=True)
    # Once they confirm this time anyway, neither page warns of it again (helper-81).
    assert confirm(presenter, f"/presenter/{token}").status_code == 302
    theirs = html.unescape(presenter.get(f"/presenter/{token}").get_data(as_text=True))
    assert 'Status: <span class="status status-confirmed">confirmed</span></p>' in theirs
    assert "outside the availability you gave" not in theirs
    assert "outside the presenter's availability" not in api.get(edit).get_data(as_text=True)
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "invited"}).status_code == 200
    assert body["availability"]["windows"][0]["weekdays"] == ["Tue"]
    # Moving the meeting to 14:30 in Lima puts the slot inside: the warning goes.
    later = datetime.combine(next_tuesday(), time(19, 30), tzinfo=UTC).isoformat()
    moved = api.patch(f"/api/v1/meetings/{meeting['id']}", json={"starts_at": later})
    assert moved.status_code == 200
    assert api.get(f"/api/v1/slots/{slot.id}").get_json()["availability"]["inside"] is True
    assert "outside the presenter's availability" not in api.get(edit).get_data(as_text=True)
    theirs = app.test_client().get(f"/presenter/{token}").get_data(as_text=True)
    assert "outside the availability you gave" not in theirs


def test_hours_given_in_a_zone_this_machine_does_not_know_warn_no_one_of_a_time_they_may_fit(
    app, api, meeting
):
    """Rosa gave Tuesdays 09:00-10:00 in her zone, which this machine's time zone database does
    not know (a database copied from one with newer tzdata: here "America/Nowhere"). Read as
    UTC, her 09:00 talk (14:00 UTC) was "outside the availability you gave (Tue 09:00–10:00 UTC
    (America/Nowhere is not known here))" on her page and the agenda editor, her hours named as
    UTC's. Now nothing says whether it fits, and her hours are named in her zone, not known
    here."""
    from sqlalchemy import update

    from planner.availability.operations import replace_windows
    from planner.availability.windows import check_window

    slot, invitation, token = _invited(meeting)
    replace_windows(
        [check_window("America/Lima", (1,), None, time(9), time(10))], invitation=invitation
    )
    db.session.execute(update(AvailabilityWindow).values(time_zone="America/Nowhere"))
    db.session.commit()
    edit = f"/meetings/{meeting['id']}/edit"
    assert "outside the presenter's availability" not in api.get(edit).get_data(as_text=True)
    assert api.get(f"/api/v1/slots/{slot.id}").get_json()["availability"]["inside"] is None
    theirs = html.unescape(app.test_client().get(f"/presenter/{token}").get_data(as_text=True))
    assert "outside the availability you gave" not in theirs
    # Fair start times weigh her hours with none of them placed, and say them as she gave them.
    weighed = html.unescape(api.get(f"/meetings/{meeting['id']}/suggest").get_data(as_text=True))
    assert "available Tue 09:00–10:00 America/Nowhere (not known here)" in weighed
    assert "09:00–10:00 UTC" not in weighed


def test_a_cancelled_slot_warns_of_nothing_and_offers_no_link(app, api, meeting):
    """Cancelled, the slot no longer needs its presenter: neither page warns of their
    availability, the editor offers no presenter link, their page no video link."""
    from planner.availability.operations import replace_windows
    from planner.availability.windows import check_window

    slot, invitation, token = _invited(meeting)
    replace_windows(
        [check_window("America/Lima", (1,), None, time(14), time(17))], invitation=invitation
    )
    db.session.commit()
    video = {"video_url": "https://video.example/rec10"}
    assert api.patch(f"/api/v1/meetings/{meeting['id']}", json=video).status_code == 200
    assert publish_as_planned(api, meeting["id"]).status_code == 200
    theirs = html.unescape(app.test_client().get(f"/presenter/{token}").get_data(as_text=True))
    assert "outside the availability you gave" in theirs and "Video link" in theirs
    assert api.delete(f"/api/v1/slots/{slot.id}").status_code in (200, 204)
    editor = api.get(f"/meetings/{meeting['id']}/edit").get_data(as_text=True)
    assert "outside the presenter's availability" not in editor
    assert f'href="/slots/{slot.id}/invited"' not in editor
    theirs = html.unescape(app.test_client().get(f"/presenter/{token}").get_data(as_text=True))
    assert "This slot is cancelled; there is nothing to answer." in theirs
    # News, not an error: the page's error script would take focus and scroll past the title.
    assert 'class="error-summary"' not in theirs
    assert "outside the availability you gave" not in theirs and "Video link" not in theirs
    # What may come next, and nothing left to set: no zone to pick (helper-81).
    assert "If the co-leads can offer you another slot, they invite you again" in theirs
    assert f'action="/presenter/{token}/zone"' not in theirs


def test_the_public_agenda_shows_the_time_at_the_presenting_office(app, api, meeting):
    """Where the presenter said they are is theirs and the co-leads' (helper-80): anyone else
    reads the time at the presenting office (PE, in Lima), as its public page shows it."""
    _invited(meeting, zone="Atlantic/Reykjavik")
    publish_as_planned(api, meeting["id"])
    page = app.test_client().get(f"/meetings/{meeting['id']}").get_data(as_text=True)
    assert (
        f"At the presenting office: {next_tuesday():%a %-d %b} 09:00 in Lima (UTC−5)" in page
        and "in Reykjavik" not in page
    )
    # Not called the presenter's time: the presenter, in Reykjavik, reads this page too and
    # would take Lima for a zone the co-leads wrongly hold for them (h206).
    assert "Presenter's time" not in page
    assert "availability" not in page.lower().split("<h2>agenda</h2>")[-1]  # no warnings
    for colead_page in (f"/meetings/{meeting['id']}", f"/meetings/{meeting['id']}/edit"):
        assert (
            f"Presenter's time: {next_tuesday():%a %-d %b} 14:00 in Reykjavik (UTC+0)"
            in api.get(colead_page).get_data(as_text=True)
        )


def test_without_an_invitation_the_office_zone_is_the_presenters(api, meeting):
    page = api.get(f"/meetings/{meeting['id']}/edit").get_data(as_text=True)
    # PE's zone, said to be the office's: nobody is invited to present it yet (helper-174).
    assert f"At the presenting office: {next_tuesday():%a %-d %b} 09:00 in Lima (UTC−5)" in page


def test_suggestions_are_never_in_the_past(api, meeting):
    url = f"/api/v1/meetings/{meeting['id']}/suggest-times"
    past = api.get(f"{url}?from=2026-03-01&to=2026-03-07")
    assert past.status_code == 400
    assert "in the past: look from today" in past.get_json()["message"]
    today = datetime.now(UTC).date()
    body = api.get(f"{url}?from={today - timedelta(days=3)}&to={today + timedelta(days=2)}")
    now = datetime.now(UTC)
    starts = [datetime.fromisoformat(c["starts_at_utc"]) for c in body.get_json()["candidates"]]
    assert starts and all(s >= now - timedelta(minutes=1) for s in starts)
    page = api.get(
        f"/meetings/{meeting['id']}/suggest?offices=AU&duration_minutes=60&first=2026-03-01&last=2026-03-07"
    )
    assert page.status_code == 400 and "in the past" in page.get_data(as_text=True)


def test_suggestions_weigh_presenters_and_their_windows(api, meeting):
    _, invitation, _ = _invited(meeting)
    url = f"/api/v1/meetings/{meeting['id']}/suggest-times"
    day = next_tuesday()
    query = f"offices=AU,ES&duration_minutes=90&from={day}&to={day}&limit=100"
    plain = api.get(f"{url}?{query}").get_json()
    assert plain["presenters"]["Rosa Example (presenter)"]["weight"] == 2.0
    best = plain["candidates"][0]
    key = "Rosa Example (presenter)"
    assert best["worst"] == max([*best["penalties"].values(), *best["presenters"].values()])

    from planner.availability.operations import replace_windows
    from planner.availability.windows import check_window

    # Rosa can present only on Tuesdays 07:00–08:00 in Lima: her slot (the meeting's first)
    # must start then, whatever the audience's hours.
    replace_windows(
        [check_window("America/Lima", (1,), None, time(7), time(8))], invitation=invitation
    )
    db.session.commit()
    body = api.get(f"{url}?{query}").get_json()
    first = body["candidates"][0]
    assert first["starts_at_utc"].startswith(f"{day}T12:")  # 07:00 or 07:30 in Lima
    assert first["presenters"][key] < 40
    assert all(c["presenters"][key] >= 40 for c in body["candidates"][2:])
    page = api.get(
        f"/meetings/{meeting['id']}/suggest?offices=AU&offices=ES&duration_minutes=90"
        f"&first={day}&last={day}"
    ).get_data(as_text=True)
    assert "Presenters' hours count more" in page
    assert "Rosa Example (presenter): in Lima, available Tue 07:00–08:00" in page
    assert "counts 2 times" in page


def test_a_presenter_clears_the_windows_their_proposal_gave(app, api, meeting, survey):
    """helper-67: a presenter who removed every window their proposal gave saw them come back,
    still warned of; and a presenter invited in someone else's place inherited their hours."""
    from planner.availability.operations import replace_windows, slot_windows
    from planner.availability.windows import check_window

    proposal = _accepted_proposal_of_first_slot(meeting)
    afternoons = [check_window("America/Lima", (1,), None, time(14), time(17))]
    replace_windows(afternoons, proposal=proposal)
    slot = db.session.get(Slot, meeting["slots"][0]["id"])
    db.session.commit()
    _, invitation, token = _invited(meeting)
    visitor = app.test_client(use_cookies=False)
    page = html.unescape(visitor.get(f"/presenter/{token}").text)
    assert "This time is outside the availability you gave (Tue 14:00–17:00" in page
    cleared = visitor.post(
        f"/presenter/{token}/availability",
        data={"windows_seen": _seen(page), "availability_zone": "America/Lima"},
    )
    assert cleared.status_code == 302
    page = html.unescape(visitor.get(f"/presenter/{token}").text)
    assert "outside the availability you gave" not in page
    assert 'name="windows-0-starts" type="time" value=""' in page  # the rows are empty
    db.session.expire_all()
    assert slot_windows(db.session.get(Slot, slot.id)) == []
    edit = html.unescape(api.get(f"/meetings/{meeting['id']}/edit").text)
    assert "outside the presenter's availability" not in edit
    # Their own windows, then someone else invited in their place: not that person's hours.
    replace_windows(afternoons, invitation=invitation)
    db.session.commit()
    assert slot_windows(db.session.get(Slot, slot.id)) != []
    other = db.session.get(Slot, slot.id)
    invite(other, name="Ana Other", email="ana@indecopi.example", time_zone=None, by="a co-lead")
    db.session.commit()
    db.session.expire_all()
    # Theirs went; nor are the proposal's, the volunteer's, Ana's (helper-174).
    assert slot_windows(db.session.get(Slot, slot.id)) == []
    assert db.session.get(Slot, slot.id).invitation.windows == []


def test_an_offset_is_not_read_as_utc_and_the_volunteer_is_told(client, survey):
    """helper-70: "Tuesdays 9-12 UTC+8" filled 09:00–12:00 UTC, eight hours off. An offset names
    no place: the times are read in the zone the form had (Peru's office, Lima), and the page
    says to choose the zone."""
    response = volunteer(
        client, read_availability="1", availability="Tuesdays 9-12 UTC+8", availability_zone=""
    )
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Your text gives the offset “UTC+8”, not a place: choose your time zone" in page
    assert 'name="windows-0-starts" type="time" value="09:00"' in page
    assert 'name="availability_zone" type="text" value="UTC"' not in page


def _rows(page: str) -> list[tuple[str, str, str]]:
    """Each row of windows as shown: (the days ticked, from, to)."""
    rows = []
    for index in sorted({int(i) for i in re.findall(r'name="windows-(\d+)-starts"', page)}):
        days = re.findall(
            rf'<input checked id="windows-{index}-weekdays-\d+"[^>]*value="(\d)"', page
        )
        times = [
            re.search(rf'name="windows-{index}-{part}" type="time" value="([^"]*)"', page)
            for part in ("starts", "ends")
        ]
        rows.append(("".join(days), *(t[1] if t else "" for t in times)))
    return rows


def _browser_rows(*rows: tuple[str, str, str]) -> dict:
    """Rows of windows as a browser sends them: every row's fields, the empty ones too."""
    sent: dict = {}
    for index, (days, starts, ends) in enumerate(rows):
        row = f"windows-{index}-"
        sent |= {row + "on": "", row + "starts": starts, row + "ends": ends}
        if days:
            sent[row + "weekdays"] = list(days)
    return sent


def test_windows_read_from_the_text_come_after_those_typed_which_stay(client, survey):
    """Filling the windows from the text keeps what was typed in them (a row the person filled
    in, even half of one), adds what the text gives after it, and no window twice."""
    typed = {
        "availability_zone": "America/Lima",
        # The second row left empty; the third half filled in, its hours still to come.
        **_browser_rows(("0", "07:00", "08:00"), ("", "", ""), ("4", "", "")),
    }
    read = volunteer(client, read_availability="1", **typed)
    assert read.status_code == 200
    page = html.unescape(read.get_data(as_text=True))
    assert "Read 1 window from your text and added it after yours" in page
    assert _rows(page) == [
        ("0", "07:00", "08:00"),
        ("4", "", ""),
        ("13", "08:00", "11:00"),  # VOLUNTEER's "Tuesdays and Thursdays 08:00–11:00 Lima"
        ("", "", ""),
    ]
    twice = {**typed, **_browser_rows(("0", "07:00", "08:00"), ("13", "08:00", "11:00"))}
    again = volunteer(client, read_availability="1", **twice)
    page = html.unescape(again.get_data(as_text=True))
    assert "The windows your text gives are already below: nothing was added." in page


def test_windows_the_rows_have_no_room_for_are_said_not_dropped(client, survey):
    """Seven rows at most: what the text gives beyond them is named, to write over a row not
    needed (emptying one and reading the text again would only read the same seven)."""
    eight = "Mon 9-10; Tue 10-11; Wed 11-12; Thu 12-13; Fri 13-14; Sat 14-15; Sun 15-16; Mon 16-17"
    no_room = "No row is left for Mon 16:00–17:00 Lima (7 rows at most)"
    read = volunteer(client, read_availability="1", availability=eight + " Lima")
    page = html.unescape(read.get_data(as_text=True))
    assert "Read 7 windows from your text" in page and no_room in page
    assert len(_rows(page)) == 7
    full = _browser_rows(*[(str(day), "06:00", "07:00") for day in range(7)])
    read = volunteer(client, read_availability="1", availability=eight + " Lima", **full)
    page = html.unescape(read.get_data(as_text=True))
    assert "No row is left for Mon 09:00–10:00 Lima, " in page and "Read " not in page
    assert _rows(page) == [(str(day), "06:00", "07:00") for day in range(7)]


@pytest.mark.parametrize(
    ("text", "said"), [("Tuesdays 9-12 Tokyo time", "Tokyo"), ("Tuesdays 9-12 UTC+8", "UTC+8")]
)
def test_rows_typed_in_one_zone_take_no_times_given_another_way(client, survey, text, said):
    """Times the text gives in another zone than the rows', or as an offset, are not put
    beside them: what was typed stays as it was, its zone too."""
    typed = {"availability_zone": "America/Lima", **_browser_rows(("0", "07:00", "08:00"))}
    page = html.unescape(
        volunteer(client, read_availability="1", availability=text, **typed).get_data(as_text=True)
    )
    assert f"Your text gives its times in {said}, and the windows below are in Lima" in page
    assert _rows(page)[:2] == [("0", "07:00", "08:00"), ("", "", "")]
    assert re.search(r'<input[^>]*name="availability_zone"[^>]*value="Lima, Peru"', page)
    assert db.session.scalar(select(Proposal)) is None


def test_rows_with_no_zone_anywhere_are_named_in_the_zone_they_are_saved_in(client, survey):
    from planner.offices.models import Office

    db.session.get(Office, "PE").time_zone = None
    db.session.commit()
    rows = _browser_rows(("0", "07:00", "08:00"))
    tokyo = volunteer(client, read_availability="1", availability="Tuesdays 9-12 Tokyo", **rows)
    page = html.unescape(tokyo.get_data(as_text=True))
    assert "Your text gives its times in Tokyo, and the windows below are in Geneva" in page


def test_rows_beyond_the_last_a_post_sends_are_said_when_reading_the_text(client, survey):
    """helper-139: nine rows posted (no page shows more than seven) lost the last two without
    a word when the text was read; saving said so."""
    rows = _browser_rows(*[(str(day % 7), f"0{day}:00", f"0{day}:30") for day in range(9)])
    read = volunteer(client, read_availability="1", availability="Sun 15-16 Lima", **rows)
    page = html.unescape(read.get_data(as_text=True))
    assert "Give at most 7 windows here (9 were sent)" in page


MARIA = "Tuesdays and Thursdays 09:00-12:00 Madrid"


def _slot_pages(api, meeting: dict) -> dict[str, str]:
    """The co-leads' pages where a slot is placed and its presenter asked, as read."""
    slot_id = meeting["slots"][0]["id"]
    urls = {
        "editor": f"/meetings/{meeting['id']}/edit",
        "slot": f"/slots/{slot_id}/edit",
        "invite": f"/slots/{slot_id}/invite",
    }
    return {name: html.unescape(api.get(url).get_data(as_text=True)) for name, url in urls.items()}


def test_the_slot_pages_warn_against_the_proposals_words_read(app, api, meeting, survey):
    """A usability tester: María wrote "Tuesdays and Thursdays 09:00-12:00 Madrid" and gave no
    windows; her talk was put at another time and no co-lead page warned, though her own page
    reads those words into windows once she is invited. The co-leads are warned against that
    reading, told it is one (with her words), and not warned once the slot is inside it."""
    _accepted_proposal_of_first_slot(meeting, MARIA)
    db.session.commit()
    said = (
        "outside the presenter's availability: Tue, Thu 09:00–12:00 Madrid (read from the "
        f"proposal's availability: “{MARIA}”; the presenter has given no windows yet)"
    )
    pages = _slot_pages(api, meeting)  # Tuesday 14:00 UTC: the afternoon in Madrid
    assert said in pages["editor"]
    assert f"This slot is {said}." in pages["slot"]
    assert f"This slot is {said}." in pages["invite"]
    slot_id = meeting["slots"][0]["id"]
    availability = api.get(f"/api/v1/slots/{slot_id}").get_json()["availability"]
    assert availability["inside"] is False and availability["read_from"] == MARIA
    # A Tuesday morning in Madrid (08:30 UTC is 09:30 or 10:30 there): inside, no warning.
    morning = datetime.combine(next_tuesday(), time(8, 30), tzinfo=UTC).isoformat()
    moved = api.patch(f"/api/v1/meetings/{meeting['id']}", json={"starts_at": morning})
    assert moved.status_code == 200
    for name, page in _slot_pages(api, meeting).items():
        assert "outside the presenter's availability" not in page, name
    assert api.get(f"/api/v1/slots/{slot_id}").get_json()["availability"]["inside"] is True


def test_words_that_read_as_no_windows_warn_of_nothing(api, meeting, survey):
    _accepted_proposal_of_first_slot(meeting, "whenever suits the Task Force")
    db.session.commit()
    for name, page in _slot_pages(api, meeting).items():
        assert "outside the presenter's availability" not in page, name
    slot_id = meeting["slots"][0]["id"]
    availability = api.get(f"/api/v1/slots/{slot_id}").get_json()["availability"]
    assert availability == {"inside": None, "windows": [], "read_from": None}
    day = next_tuesday()
    page = api.get(
        f"/meetings/{meeting['id']}/suggest?offices=AU&duration_minutes=90&first={day}&last={day}"
    ).get_data(as_text=True)
    assert "PE (presenter): in Lima, no availability given" in page


def test_suggestions_weigh_the_windows_read_from_the_proposal(api, meeting, survey):
    """Before anyone is invited, fair start times put the talk in the hours its volunteer wrote
    (Tuesdays 07:00–08:00 in Lima) and say where those hours come from."""
    _accepted_proposal_of_first_slot(meeting, "Tuesdays 07:00-08:00 Lima")
    db.session.commit()
    day = next_tuesday()
    query = f"offices=AU,ES&duration_minutes=90&from={day}&to={day}&limit=100"
    body = api.get(f"/api/v1/meetings/{meeting['id']}/suggest-times?{query}").get_json()
    assert body["presenters"]["PE (presenter)"]["read_from"] == "Tuesdays 07:00-08:00 Lima"
    assert body["candidates"][0]["starts_at_utc"].startswith(f"{day}T12:")  # 07:00 or 07:30
    assert all(c["presenters"]["PE (presenter)"] >= 40 for c in body["candidates"][2:])
    page = html.unescape(
        api.get(
            f"/meetings/{meeting['id']}/suggest?offices=AU&offices=ES&duration_minutes=90"
            f"&first={day}&last={day}"
        ).get_data(as_text=True)
    )
    assert (
        "PE (presenter): in Lima, available Tue 07:00–08:00 Lima (read from the "
        "proposal's availability: “Tuesdays 07:00-08:00 Lima”; the presenter has given no "
        "windows yet)"
    ) in page


def test_the_presenters_own_windows_win_over_the_proposals_words(app, api, meeting, survey):
    """Read windows stand only until the presenter saves theirs: then theirs are checked, even
    none (a presenter who cleared every window is warned of nothing, nor are the co-leads)."""
    _accepted_proposal_of_first_slot(meeting, "Thursdays 9-12 Lima")
    db.session.commit()
    _, _, token = _invited(meeting)
    assert (
        "(read from the proposal's availability: “Thursdays 9-12 Lima”"
        in (_slot_pages(api, meeting)["slot"])
    )
    visitor = app.test_client(use_cookies=False)
    page = html.unescape(visitor.get(f"/presenter/{token}").get_data(as_text=True))
    # Not windows she gave: her form shows the reading for her to check, and her slot (on a
    # Tuesday) is said to be outside what she wrote, as read, not "the availability you gave".
    assert "Read from what you wrote when volunteering" in page
    assert "outside the availability you gave" not in page
    assert (
        "This time is outside what you wrote about your availability when volunteering "
        "(“Thursdays 9-12 Lima”, read as Thu 09:00–12:00 Lima)."
    ) in page
    tuesday = {
        "windows_seen": _seen(page),
        "availability_zone": "America/Lima",
        "windows-0-weekdays": "1",
        "windows-0-starts": "08:00",
        "windows-0-ends": "11:00",
    }
    assert visitor.post(f"/presenter/{token}/availability", data=tuesday).status_code == 302
    day = next_tuesday()
    suggest = f"/meetings/{meeting['id']}/suggest?offices=AU&duration_minutes=90"
    suggest += f"&first={day}&last={day}"
    for name, page in _slot_pages(api, meeting).items():
        assert "outside the presenter's availability" not in page, name  # 09:00 in Lima
    listed = html.unescape(api.get(suggest).get_data(as_text=True))
    assert "Rosa Example (presenter): in Lima, available Tue 08:00–11:00 Lima<" in (listed)
    # Cleared: no windows of hers, and the proposal's words are not taken back up.
    page = visitor.get(f"/presenter/{token}").get_data(as_text=True)
    cleared = {"windows_seen": _seen(page), "availability_zone": "America/Lima"}
    assert visitor.post(f"/presenter/{token}/availability", data=cleared).status_code == 302
    later = datetime.combine(day, time(20), tzinfo=UTC).isoformat()  # 15:00 in Lima
    moved = api.patch(f"/api/v1/meetings/{meeting['id']}", json={"starts_at": later})
    assert moved.status_code == 200
    for name, page in _slot_pages(api, meeting).items():
        assert "outside the presenter's availability" not in page, name
    listed = html.unescape(api.get(suggest).get_data(as_text=True))
    assert "Rosa Example (presenter): in Lima, no availability given" in listed


def test_the_proposal_page_shows_its_words_as_read(api, meeting, survey):
    """Where co-leads accept and schedule a proposal, they see what its words are read as, and
    nothing more once the volunteer gave windows (those stand) or the words read as none."""
    from planner.availability.operations import replace_windows
    from planner.availability.windows import check_window

    proposal = _accepted_proposal_of_first_slot(meeting, MARIA)
    db.session.commit()
    page = html.unescape(api.get(f"/proposals/{proposal.id}").get_data(as_text=True))
    assert "read from the words above: Tue, Thu 09:00–12:00 Madrid." in page
    # Hers, not the slot's whoever presents it (helper-174).
    assert "someone invited in their place is held to no reading of their words" in page
    replace_windows(
        [check_window("Europe/Madrid", (1,), None, time(9), time(10))], proposal=proposal
    )
    db.session.commit()
    page = api.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "read from the words above" not in page
    replace_windows([], proposal=proposal)
    proposal.availability = "whenever suits"
    db.session.commit()
    assert "read from the words above" not in api.get(f"/proposals/{proposal.id}").text


def test_another_presenter_is_not_held_to_the_volunteers_words(app, api, meeting, survey):
    """Rosa volunteered, writing "Thursdays 9-12"; Olga is invited to give the talk. Her slot
    is not checked against Rosa's words, nor is she told she wrote them (helper-146: "When
    volunteering, you wrote «вторник 9-12»", of another's words); until someone is invited,
    Rosa may be the presenter and the co-leads are warned."""
    _accepted_proposal_of_first_slot(meeting, "Thursdays 9-12")
    db.session.commit()
    assert "read from the proposal's availability" in _slot_pages(api, meeting)["slot"]
    slot = db.session.get(Slot, meeting["slots"][0]["id"])
    _, token = invite(
        slot, name="Olga", email="olga@indecopi.example", time_zone="America/Lima", by="a co-lead"
    )
    db.session.commit()
    for name, page in _slot_pages(api, meeting).items():
        assert "outside the presenter's availability" not in page, name
    theirs = html.unescape(app.test_client().get(f"/presenter/{token}").get_data(as_text=True))
    for said in ("You wrote when volunteering", "Read from what you wrote", "what you wrote"):
        assert said not in theirs
    assert "Thursdays 9-12" not in theirs


def test_the_volunteers_words_are_read_in_their_offices_zone(app, api, meeting, survey):
    """The volunteer form asks for times in the office's zone: "Thursdays 9-12" from Lima stays
    09:00-12:00 in Lima when its volunteer, invited, reads pages in Novosibirsk (helper-146:
    read in theirs, four hours off for a Muscovite who moved their pages to Novosibirsk)."""
    _accepted_proposal_of_first_slot(meeting, "Thursdays 9-12")
    db.session.commit()
    _, _, token = _invited(meeting, zone="Asia/Novosibirsk")
    said = "Thu 09:00–12:00 Lima (read from the proposal's availability"
    assert said in _slot_pages(api, meeting)["slot"]
    theirs = html.unescape(app.test_client().get(f"/presenter/{token}").get_data(as_text=True))
    assert "Read from what you wrote when volunteering (“Thursdays 9-12”)" in theirs
    assert 'value="Lima, Peru"' in theirs and 'value="09:00"' in theirs


def test_another_name_at_the_volunteers_shared_mailbox_does_not_get_their_windows(
    app, api, meeting
):
    """helper-329: Rosa volunteered from her office's shared mailbox (ict@) with Thursday
    mornings in Lima; Ben, invited at that mailbox, got them as his: his page offered them,
    the co-leads were warned against them and fair start times weighed them, as the volunteer
    was whoever the address was. A person is their name (`presenters.models.reinvited`):
    Ben starts from none; Rosa, invited by her name at another address, keeps hers."""
    from planner.availability.operations import replace_windows, slot_windows
    from planner.availability.windows import check_window

    proposal = _accepted_proposal_of_first_slot(meeting)
    proposal.contact_email = "ict@indecopi.example"
    thursdays = [check_window("America/Lima", (3,), None, time(8), time(12))]
    replace_windows(thursdays, proposal=proposal)
    db.session.commit()
    slot_id = meeting["slots"][0]["id"]
    for name, email, hers in (
        ("Ben Other", "ICT@indecopi.example", False),
        ("Rosa Example", "rosa.example@indecopi.example", True),
        ("rosa example", "ict@indecopi.example", True),
    ):
        _, token = invite(
            db.session.get(Slot, slot_id), name=name, email=email, time_zone=None, by="a co-lead"
        )
        db.session.commit()
        db.session.expire_all()
        windows = slot_windows(db.session.get(Slot, slot_id))
        assert [(w.weekdays, w.starts) for w in windows] == (
            [(frozenset({3}), time(8))] if hers else []
        ), name
        page = html.unescape(app.test_client(use_cookies=False).get(f"/presenter/{token}").text)
        assert ('value="08:00"' in page) == hers, name


def test_someone_invited_in_the_volunteers_place_does_not_inherit_their_windows(
    app, api, meeting, survey
):
    """helper-174: Rosa (PE, Lima) volunteered with windows (Thursday mornings in Lima), was
    invited and declined; Ana, in Sydney, was invited in her place. Ana's page offered Rosa's
    windows and zone as hers, the co-leads were warned against Rosa's hours, and fair start
    times weighed them as Ana's. They are the volunteer's: Ana starts from none, in her zone."""
    from planner.availability.operations import presenters, replace_windows
    from planner.availability.windows import check_window
    from planner.presenters.operations import answer

    proposal = _accepted_proposal_of_first_slot(meeting)
    thursdays = [check_window("America/Lima", (3,), None, time(8), time(12))]
    replace_windows(thursdays, proposal=proposal)
    db.session.commit()
    _, rosa, rosas_token = _invited(meeting)
    # Rosa's own page offers her windows, and the co-leads are warned against them.
    page = html.unescape(app.test_client().get(f"/presenter/{rosas_token}").text)
    assert 'name="windows-0-starts" type="time" value="08:00"' in page
    assert "outside the presenter's availability" in _slot_pages(api, meeting)["editor"]
    answer(rosa, "declined", "Away that week.")
    slot = db.session.get(Slot, meeting["slots"][0]["id"])
    _, token = invite(
        slot, name="Ana", email="ana@indecopi.example", time_zone="Australia/Sydney", by="a co-lead"
    )
    db.session.commit()
    page = html.unescape(app.test_client().get(f"/presenter/{token}").text)
    assert 'value="08:00"' not in page and 'value="12:00"' not in page
    [zone_field] = re.findall(r'<input[^>]*name="availability_zone"[^>]*>', page)
    assert 'value="Sydney, Australia"' in zone_field
    assert "outside the availability you gave" not in page
    # Left empty, the zone is the one her page shows times in, as the field's hint says.
    assert 'aria-describedby="availability_zone-hint"' in zone_field
    hint = re.search(r'<p class="hint" id="availability_zone-hint">(.*?)</p>', page, re.S)[1]
    assert hint.startswith("Empty: the time zone this page shows your times in (Sydney)<br>")
    for name, shown in _slot_pages(api, meeting).items():
        assert "outside the presenter's availability" not in shown, name
    db.session.expire_all()
    meeting_row = db.session.get(Slot, meeting["slots"][0]["id"]).meeting
    assert [p.windows for p in presenters(meeting_row)] == [[]]
    slot_id = meeting["slots"][0]["id"]
    availability = api.get(f"/api/v1/slots/{slot_id}").get_json()["availability"]
    assert availability == {"inside": None, "windows": [], "read_from": None}


def test_an_empty_zone_is_checked_in_the_zone_it_is_saved_in(app, api, meeting):
    """helper-176: the presenter's zone field left empty saves the windows in the zone their
    page shows (Sydney here), but the rows were checked in Geneva's: a window on 3 October 2027
    at 02:00-02:30, an hour Sydney's clocks skip that night, passed the check and was refused
    when saved, on a bare error page: the windows typed were lost. Now refused as when typed."""
    _, invitation, token = _invited(meeting, zone="Australia/Sydney")
    visitor = app.test_client(use_cookies=False)
    page = visitor.get(f"/presenter/{token}").get_data(as_text=True)
    skipped = {
        "windows_seen": _seen(page),
        "windows-0-on": "2027-10-03",
        "windows-0-starts": "02:00",
        "windows-0-ends": "02:30",
    }
    url = f"/presenter/{token}/availability"
    typed = visitor.post(url, data={**skipped, "availability_zone": "Australia/Sydney"})
    assert typed.status_code == 400
    empty = visitor.post(url, data={**skipped, "availability_zone": ""})
    assert empty.status_code == 400
    shown = html.unescape(empty.get_data(as_text=True))
    assert 'name="windows-0-on" type="date" value="2027-10-03"' in shown
    assert 'name="windows-0-starts" type="time" value="02:00"' in shown
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).windows == []


def test_a_volunteers_empty_zone_is_checked_in_their_offices(client, survey):
    """helper-176: left empty, a volunteer's windows are saved in their office's zone (IP
    Australia's: Sydney), and are now checked in it rather than Geneva's: an hour Sydney skips
    is refused with the form as typed, not on a bare error page as the proposal was stored."""
    response = volunteer(
        client,
        office="AU",
        availability_zone="",
        **{"windows-0-on": "2027-10-03", "windows-0-starts": "02:00", "windows-0-ends": "02:30"},
    )
    assert response.status_code == 400
    shown = html.unescape(response.get_data(as_text=True))
    assert "There is no 02:00 on 3 October 2027 in Sydney" in shown
    assert 'name="windows-0-starts" type="time" value="02:00"' in shown
    assert db.session.scalar(select(Proposal)) is None


SKIPPED_HOUR = (
    "There is no %(time)s on %(day)s in %(place)s: the clocks skip it when daylight saving time "
    "starts. Choose another time."
)


@pytest.mark.parametrize(
    ("language", "day", "place"),
    [("es", "3 de octubre de 2027", "Sídney"), ("en", "3 October 2027", "Sydney")],
)
def test_an_hour_the_clocks_skip_is_said_as_the_page_says_days_and_zones(
    client, survey, language, day, place
):
    """helper-250: a volunteer reading the form in Spanish typed a window at an hour Sydney's
    clocks skip; the refusal said "2027-10-03 02:00 does not exist in Australia/Sydney", an ISO
    date and a zone id, on a page that writes "3 de octubre de 2027" and "Sídney"."""
    response = volunteer(
        client,
        headers={"Accept-Language": language},
        office="AU",
        availability_zone="",
        **{"windows-0-on": "2027-10-03", "windows-0-starts": "02:00", "windows-0-ends": "02:30"},
    )
    assert response.status_code == 400
    shown = html.unescape(response.get_data(as_text=True))
    said = said_in(language, SKIPPED_HOUR, time="02:00", day=day, place=place)
    assert said in shown
    assert "2027-10-03 02:00" not in shown and "Australia/Sydney" not in shown.split("<form")[0]


def test_an_offices_edit_with_an_empty_zone_is_checked_in_its_zone(client, survey):
    """helper-176, on the office's edit page too: an hour IP Australia's clocks skip, typed with
    the zone left empty, comes back refused with the form as typed."""
    private = volunteer(client, office="AU").headers["Location"]
    form = {
        **{k: v for k, v in VOLUNTEER.items() if k != "office"},
        "csrf_token": csrf_token(client, private + "/edit"),
        "version": "1",
        "availability_zone": "",
        "windows-0-on": "2027-10-03",
        "windows-0-starts": "02:00",
        "windows-0-ends": "02:30",
    }
    refused = client.post(private + "/edit", data=form)
    assert refused.status_code == 400
    shown = html.unescape(refused.get_data(as_text=True))
    assert "There is no 02:00 on 3 October 2027 in Sydney" in shown
    assert 'name="windows-0-on" type="date" value="2027-10-03"' in shown
    assert windows_of(proposal=db.session.scalar(select(Proposal))) == []


@pytest.mark.parametrize(
    ("language", "between"),
    [("zh", "；"), ("fr", "\u00a0; "), ("ru", "; ")],
)
def test_windows_outside_which_a_slot_lies_are_listed_as_the_page_s_language_does(
    app, api, meeting, language, between
):
    """The windows a presenter's slot lies outside are set apart as their language sets a
    list apart with semicolons: in Chinese by its full-width "；", in French with a no-break
    space before it (helper-238: "…利马; 周四…" and "…Lima ; jeu…", as in English); a window
    across midnight says so in Chinese brackets, which carry their own space."""
    from planner.availability.operations import replace_windows
    from planner.availability.windows import check_window
    from planner.languages import show_in
    from tests.support import said_in

    _, invitation, token = _invited(meeting)
    invitation.language = language
    replace_windows(
        [
            check_window("America/Lima", (1,), None, time(22), time(2)),
            check_window("America/Lima", (3,), None, time(14), time(17)),
        ],
        invitation=invitation,
    )
    db.session.commit()
    theirs = html.unescape(app.test_client().get(f"/presenter/{token}").get_data(as_text=True))
    with app.test_request_context():
        show_in(language)
        from planner.availability.views import window_text

        first, second = (window_text(w) for w in windows_of(invitation=invitation))
        next_day = said_in(language, "(to the next day)")
    assert f"{first}{between}{second}" in theirs
    if language == "zh":
        assert f"22:00–02:00{next_day}利马" in first
    else:
        assert f"22:00–02:00 {next_day} " in first


def test_a_chinese_presenter_reads_the_notes_on_their_words_without_spaces_between(
    app, api, meeting, survey
):
    """Sentences the page puts one after another are set apart as the language does: Chinese
    ends each with its full-width "。", and puts no space after it (helper-238: "…保存前请核对。
    文字中给出的…", a space after each)."""
    proposal = _accepted_proposal_of_first_slot(meeting, "Tuesdays 12:00-09:00 UTC-5")
    db.session.commit()
    _, invitation, token = _invited(meeting)
    invitation.language = "zh"
    db.session.commit()
    page = html.unescape(app.test_client().get(f"/presenter/{token}").get_data(as_text=True))
    note = re.search(r'<p class="flash flash-warning" role="status">([^<]*UTC-5[^<]*)</p>', page)
    assert note and proposal.availability in note[1], page
    # Read from their words; an offset, not a place; a window overnight: three sentences.
    assert note[1].count("。") == 3 and "。 " not in note[1], note[1]
    assert "America/Lima" not in note[1] and "利马" in note[1]


def test_two_windows_overnight_are_noted_without_spaces_between_on_a_chinese_page(
    app, api, meeting, survey
):
    """Each row read as running overnight gets its sentence; on a Chinese page they follow
    one another as the other notes do, with no space after the "。" (`sentences`)."""
    _accepted_proposal_of_first_slot(meeting, "Tuesdays 12:00-09:00, Thursdays 13:00-10:00 UTC-5")
    db.session.commit()
    _, invitation, token = _invited(meeting)
    invitation.language = "zh"
    db.session.commit()
    page = html.unescape(app.test_client().get(f"/presenter/{token}").get_data(as_text=True))
    note = re.search(r'<p class="flash flash-warning" role="status">([^<]*UTC-5[^<]*)</p>', page)
    assert note, page
    assert "12:00" in note[1] and "13:00" in note[1], note[1]
    assert "。 " not in note[1], note[1]


def test_the_same_presenter_keeps_their_hours_and_someone_else_does_not_get_them(app, meeting):
    """helper-326: Rosa Example gave her hours on her page. Her address corrected (or taken
    away, the link handed over in person) they went, though by the app's rule
    (`presenters.models.reinvited`) she is the same person; and Ben Other invited at her
    address (an office's shared mailbox), or with none either time, kept hers as his, though
    her slides already left the agenda as someone else's. A person is their name: the same
    name keeps the hours they gave, another starts from none."""
    from planner.availability.operations import slot_windows

    slot, _, token = _invited(meeting)

    def give() -> None:
        visitor = app.test_client(use_cookies=False)
        page = visitor.get(f"/presenter/{token}").get_data(as_text=True)
        given = {
            "windows_seen": _seen(page),
            "availability_zone": "America/Lima",
            "windows-0-weekdays": ["1"],
            "windows-0-starts": "08:00",
            "windows-0-ends": "11:00",
        }
        assert visitor.post(f"/presenter/{token}/availability", data=given).status_code == 302
        db.session.expire_all()

    def hours() -> list:
        db.session.expire_all()
        return [(w.weekdays, w.starts, w.ends) for w in slot_windows(db.session.get(Slot, slot.id))]

    give()
    theirs = hours()
    assert theirs == [(frozenset({1}), time(8), time(11))]
    for name, email, kept in (
        ("Rosa Example", "rosa.example@indecopi.example", True),  # her address corrected
        ("rosa  example", "", True),  # taken away: the link handed over in person
        ("Rosa Example", "rosa.example@indecopi.example", True),  # given again
        ("Ben Other", "rosa.example@indecopi.example", False),  # the office's mailbox
        ("Ben Other", "", True),
        ("Ana Other", "", False),  # no address either time
    ):
        if not hours():
            give()
        _, token = invite(
            db.session.get(Slot, slot.id), name=name, email=email, time_zone=None, by="a co-lead"
        )
        db.session.commit()
        assert hours() == (theirs if kept else []), (name, email)
        # Someone else starts from none: their page offers no one's hours as theirs.
        page = app.test_client(use_cookies=False).get(f"/presenter/{token}").text
        assert ('value="08:00"' in page) == kept, (name, email)
