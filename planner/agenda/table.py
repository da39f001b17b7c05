"""A meeting's agenda as a table, one row a slot, as its public page shows it: what the
Secretariat puts into a meeting document (the agenda's CSV download)."""

from collections.abc import Mapping

from planner.agenda.models import Meeting
from planner.agenda.operations import layout
from planner.availability.operations import presenter_time
from planner.timezones import clock_span, local_time, place_name, utc_offset


def _time_heading(meeting: Meeting, zone: str) -> str:
    """ "Tue 9 Mar 2027, time in Geneva (UTC+1)": the day and the zone the column's times are
    read in, which its cells ("13:00–13:20") do not repeat."""
    if meeting.starts_at is None:
        return f"Time in {place_name(zone)}"
    start = local_time(zone, meeting.starts_at)
    return f"{start:%a %-d %b %Y}, time in {place_name(zone)} ({utc_offset(start)})"


def agenda_table(
    meeting: Meeting, zone: str, materials: Mapping[int, list[str]] | None = None
) -> list[list[str]]:
    """The heading row, then a row for each slot: its time in `zone` and, when that is another,
    in the meeting's home zone; its title, kind, status, presenting office (name and code), when
    it starts at that office, recommendations, abstract and `materials` (by slot id: the ones
    the public page shows, each as a line). Only what the public page shows."""
    materials = materials or {}
    zones = [zone] if zone == meeting.time_zone else [zone, meeting.time_zone]
    rows = [
        [
            *(_time_heading(meeting, z) for z in zones),
            "Slot",
            "Kind",
            "Status",
            "Presenting office",
            "Office code",
            "At the presenting office",
            "Recommendations",
            "Abstract",
            "Materials",
        ]
    ]
    for slot, t in layout(meeting):
        times = (
            [clock_span(z, t.starts_at, t.ends_at, meeting.starts_at) for z in zones]
            if t.starts_at
            else [f"+{t.offset_minutes} min", *([""] * (len(zones) - 1))]
        )
        rows.append(
            [
                *times,
                slot.title,
                slot.kind,
                slot.agenda_status,
                slot.office.name if slot.office else "",
                slot.office_code or "",
                (presenter_time(slot, private=False) or "") if slot.kind == "presentation" else "",
                ", ".join(f"Rec {r.number}" for r in slot.recommendations),
                slot.abstract,
                "\n".join(materials.get(slot.id, [])),
            ]
        )
    return rows
