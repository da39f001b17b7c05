"""A published meeting as c3voc "frab" schedule JSON (https://c3voc.de/schedule/schema.json),
which conference apps such as Giggity or the c3voc tools read. Pure: no Flask, no database.

The meeting is one conference, its video call the one room; cancelled slots are left out, as
the format has no status. A talk's public materials are its `links` and, files, its
`attachments` (as pretalx gives them), the meeting's own in the conference's `meta`, each as the
read API gives it with the `title` frab readers show. The schedule's version is a digest of its
content: it changes with any change a reader could see, and only then.
"""

import json
import re
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from hashlib import sha256

from planner.timezones import zone_info

SCHEMA = "https://c3voc.de/schedule/schema.json"
ROOM = "Video call"
KIND_TYPES = {"presentation": "talk", "discussion": "discussion", "break": "other"}


@dataclass(frozen=True)
class TalkInfo:
    id: int
    uid: str
    title: str
    kind: str
    start: datetime
    minutes: int
    abstract: str
    presenter: str | None
    track: str | None
    url: str
    cancelled: bool = False
    # Its public materials as the read API gives them: links, and files.
    links: tuple[dict, ...] = ()
    attachments: tuple[dict, ...] = ()


@dataclass(frozen=True)
class ScheduleInfo:
    id: int
    title: str
    description: str
    time_zone: str
    start: datetime
    end: datetime
    url: str
    base_url: str
    materials: tuple[dict, ...] = ()  # the whole meeting's own (a recording), as talks' links


def _guid(uid: str) -> str:
    """A UUID for an item: its UID's UUID part, or one derived from the whole UID."""
    head = uid.split("@", 1)[0]
    try:
        return str(uuid.UUID(head))
    except ValueError:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, uid))


def _hours(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _slug(meeting_id: int, talk: TalkInfo) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", talk.title.lower()).strip("-")[:60].strip("-")
    return f"cws-{meeting_id}-{talk.id}" + (f"-{words}" if words else "")


def _titled(material: dict) -> dict:
    """A material as the read API gives it, and titled as frab's links and attachments are."""
    return {**material, "title": material["name"]}


def schedule(info: ScheduleInfo, talks: Sequence[TalkInfo], generator_version: str) -> dict:
    zone = zone_info(info.time_zone)
    start, end = info.start.astimezone(zone), info.end.astimezone(zone)
    # A meeting ending at local midnight ends on the day before: it has no talks on the next.
    last_day = (end - timedelta(microseconds=1)).date() if end > start else end.date()
    days_count = (last_day - start.date()).days + 1
    by_day: dict = defaultdict(list)
    shown = (t for t in talks if not t.cancelled)
    for talk in sorted(shown, key=lambda t: (t.start, t.id)):
        local = talk.start.astimezone(zone)
        by_day[local.date()].append(
            {
                "id": talk.id,
                "guid": _guid(talk.uid),
                "date": local.isoformat(),
                "start": local.strftime("%H:%M"),
                "duration": _hours(talk.minutes),
                "room": ROOM,
                "slug": _slug(info.id, talk),
                "url": talk.url,
                "title": talk.title,
                "subtitle": None,
                "track": talk.track,
                "type": KIND_TYPES.get(talk.kind, "other"),
                "language": "en",
                "abstract": talk.abstract or None,
                "description": None,
                "persons": [{"name": talk.presenter, "guid": _guid(f"office:{talk.presenter}")}]
                if talk.presenter
                else [],
                "links": [_titled(m) for m in talk.links],
                "attachments": [_titled(m) for m in talk.attachments],
            }
        )
    days = []
    for index in range(days_count):
        day = start.date() + timedelta(days=index)
        day_start = start if index == 0 else datetime.combine(day, time.min, zone)
        day_end = (
            end
            if index == days_count - 1
            else datetime.combine(day + timedelta(days=1), time.min, zone)
        )
        days.append(
            {
                "index": index + 1,
                "date": day.isoformat(),
                "day_start": day_start.isoformat(),
                "day_end": day_end.isoformat(),
                "rooms": {ROOM: by_day.get(day, [])},
            }
        )
    conference = {
        "acronym": f"cws_ict_meeting_{info.id}",
        "title": info.title,
        "description": info.description,
        "start": start.isoformat(),
        "end": last_day.isoformat(),
        "daysCount": days_count,
        "timeslot_duration": "00:05",
        "time_zone_name": info.time_zone,
        "url": info.url,
        "rooms": [{"name": ROOM, "guid": _guid(f"room:{info.url}")}],
        "days": days,
        # The conference takes no links of its own; `meta` is where the schema lets more in.
        "meta": {"materials": [_titled(m) for m in info.materials]},
    }
    return {
        "$schema": SCHEMA,
        "generator": {"name": "cws-ict-planner", "version": generator_version},
        "schedule": {
            "version": sha256(encode(conference)).hexdigest()[:16],
            "base_url": info.base_url,
            "conference": conference,
        },
    }


def encode(document: dict) -> bytes:
    """JSON bytes, the same for the same content (keys sorted)."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
