"""Links kept in one form, an internationalised host in Unicode: materials' and video links

A link typed as `https://xn--bcher-kva.example/` and one typed as `https://bücher.example/` are
one link, but were stored as typed: a slot took it twice (the unique indexes compare the text),
and the pages showed the xn-- spelling to people. Links are now kept as
`planner.text.shown_web_address` writes them; the links stored before are written so here.

Links that are now one on a slot (or among a meeting's own) are resolved as 7e2cafd3b340
resolved the same link stored twice: the earliest (added_at, then id: the one every page lists
first) is kept, the later ones are deleted, each logged. A link has no bytes, and nothing else
refers to a material.

The links are written by the app's `shown_web_address`, not a copy of it held here: the upgrade
leaves them in the form the release running it compares links in. A release that changes that
form brings its own migration for the links stored since (which finds these in it already); one
that renames or drops the function copies today's into this file.

Downgrade changes nothing: the release before reads a link with a Unicode host as it reads one
typed so.

Revision ID: 3c8e1f5a9b27
Revises: a9d3c5e7f208
Create Date: 2026-12-06 09:00:00

"""

import logging

import sqlalchemy as sa
from alembic import op

from planner.text import shown_web_address

revision = "3c8e1f5a9b27"
down_revision = "a9d3c5e7f208"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.materials")

materials = sa.table(
    "materials",
    sa.column("id"),
    sa.column("meeting_id"),
    sa.column("slot_id"),
    sa.column("kind"),
    sa.column("url"),
    sa.column("added_at"),
    sa.column("added_by"),
)
meetings = sa.table("meetings", sa.column("id"), sa.column("video_url"))


def _shown(url: str) -> str:
    try:
        return shown_web_address(url)
    except ValueError:  # stored before the checks refused it: left as it is
        return url


def upgrade():
    connection = op.get_bind()
    m = materials.c
    rows = connection.execute(
        sa.select(m.id, m.meeting_id, m.slot_id, m.kind, m.url, m.added_at, m.added_by)
        .where(m.url.is_not(None))
        .order_by(m.added_at, m.id)
    ).all()
    kept: dict[tuple[str, int, str], int] = {}
    doomed: list[int] = []
    renamed: list[tuple[int, str]] = []
    for row in rows:
        place = ("slot", row.slot_id) if row.slot_id is not None else ("meeting", row.meeting_id)
        shown = _shown(row.url)
        first = kept.setdefault((*place, shown), row.id)
        if first != row.id:
            doomed.append(row.id)
            log.warning(
                "%s %s: material %s (%s link %s, added %s by %s) is the same link as material "
                "%s; deleted.",
                place[0].capitalize(),
                place[1],
                row.id,
                row.kind,
                row.url,
                row.added_at,
                row.added_by,
                first,
            )
        elif shown != row.url:
            renamed.append((row.id, shown))
    # The duplicates go first: a link written anew must not meet its twin in the unique index.
    for start in range(0, len(doomed), 500):
        connection.execute(sa.delete(materials).where(m.id.in_(doomed[start : start + 500])))
    for row_id, shown in renamed:
        connection.execute(sa.update(materials).where(m.id == row_id).values(url=shown))
    videos = connection.execute(
        sa.select(meetings.c.id, meetings.c.video_url).where(meetings.c.video_url.is_not(None))
    ).all()
    for row_id, url in videos:
        if (shown := _shown(url)) != url:
            connection.execute(
                sa.update(meetings).where(meetings.c.id == row_id).values(video_url=shown)
            )


def downgrade():
    pass
