"""Probes of the pages a presenter and a volunteer reach after a decline and a re-invite
(helper-174's states), in every language and with odd `?lang=`: exotic zones, hostile names."""

import re

import pytest

from planner.agenda.models import Slot
from planner.extensions import db
from planner.presenters.operations import answer, invite
from tests.probe.support import World

ZONES = [
    None,
    "America/Argentina/ComodRivadavia",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Antarctica/Troll",
    "UTC",
]
NAMES = ["مريم الحسن", "🙂" * 40, "Ana" * 60, "Zoë O'Brien <b>", "李"]
LANGS = ["", "es", "fr", "pt", "ru", "zh", "zz", "ES", "es-ES", "%00", "en&lang=zh", "x" * 300]
# Every `?lang=` with the first name, two with the others: the names and the languages meet in
# different code (the page's words, the escaped name), so each is tried, not each pair.
pytestmark = pytest.mark.one_database  # many combinations of the same page flows (conftest.py)


@pytest.mark.parametrize("zone", ZONES)
def test_pages_after_a_decline_and_a_reinvite(world: World, app, zone):
    slot = db.session.get(Slot, world.invited)
    answer(slot.invitation, "declined", "Away")
    for n, name in enumerate(NAMES):
        _, token = invite(slot, name=name, email=None, time_zone=zone, by="co-lead")
        db.session.commit()
        visitor = app.test_client(use_cookies=False)
        for lang in LANGS if n == 0 else ["", "zh"]:
            for url in (f"/presenter/{token}", f"/presenter/{token}/availability"):
                got = visitor.get(f"{url}?lang={lang}")
                expected = 400 if lang == "%00" else 200  # a NUL in the address: refused
                assert got.status_code == expected, (zone, name, lang, url, got.status_code)
            got = visitor.get(f"/proposals/{world.token}?lang={lang}")
            assert got.status_code == (400 if lang == "%00" else 200), (lang, got.status_code)
        page = visitor.get(f"/presenter/{token}").get_data(as_text=True)
        seen = re.search(r'name="windows_seen" type="hidden" value="([^"]*)"', page)[1]
        for typed in ("", " ", "Etc/GMT+12", "Mars/Base", "\x00", "Kathmandu", "z" * 500):
            got = visitor.post(
                f"/presenter/{token}/availability",
                data={
                    "windows_seen": seen,
                    "availability_zone": typed,
                    "windows-0-weekdays": ["1"],
                    "windows-0-starts": "02:30",
                    "windows-0-ends": "03:00",
                },
            )
            assert got.status_code < 500, (zone, typed, got.status_code)
            if got.status_code == 302:
                page = visitor.get(f"/presenter/{token}").get_data(as_text=True)
                seen = re.search(r'name="windows_seen" type="hidden" value="([^"]*)"', page)[1]
