"""A slot holds a link once, and a meeting its own links once: unique indexes of links only

Partial indexes on materials, of the rows with a url: (slot_id, url), and (meeting_id, url) of
those with no slot (the meeting's own: its recording, say).

A link the slot (or the meeting) holds already was refused by a query before saving; two adds at
the same moment (two instances behind the proxy, two tabs) both passed it and both were stored,
so the agenda and the archive listed the link twice. The database now keeps to it, as it does
for files (ed3747f3ddbd).

Links stored twice before are resolved first: of each set of rows with the same slot and address
(or, for the meeting's own, the same meeting and address) the earliest (added_at, then id: the
one every page lists first and the refusal names) is kept, and the later ones are deleted, each
logged with its kind, adder and time. A link has no bytes (no material_files row, no S3 object),
so nothing else goes with it; nothing else refers to a material.

A link is at most 500 characters (the column; the app's check refuses longer ones), at most 2000
bytes in UTF-8: an index entry holds it whole within PostgreSQL's 2704 bytes, and needs no digest.

Downgrade drops the indexes only; the deleted duplicates do not come back.

Revision ID: 7e2cafd3b340
Revises: b9e4c2a7d5f3
Create Date: 2026-12-06 12:00:00

"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "7e2cafd3b340"
down_revision = "b9e4c2a7d5f3"
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

LINKS = "url IS NOT NULL"
MEETINGS_OWN_LINKS = "slot_id IS NULL AND url IS NOT NULL"


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
    for row in rows:
        place = ("slot", row.slot_id) if row.slot_id is not None else ("meeting", row.meeting_id)
        first = kept.setdefault((*place, row.url), row.id)
        if first == row.id:
            continue
        doomed.append(row.id)
        log.warning(
            "%s %s: material %s (%s link %s, added %s by %s) is the same link as material %s; "
            "deleted.",
            place[0].capitalize(),
            place[1],
            row.id,
            row.kind,
            row.url,
            row.added_at,
            row.added_by,
            first,
        )
    for start in range(0, len(doomed), 500):
        connection.execute(sa.delete(materials).where(m.id.in_(doomed[start : start + 500])))
    op.create_index(
        "uq_materials_slot_url",
        "materials",
        ["slot_id", "url"],
        unique=True,
        sqlite_where=sa.text(LINKS),
        postgresql_where=sa.text(LINKS),
    )
    op.create_index(
        "uq_materials_meeting_url",
        "materials",
        ["meeting_id", "url"],
        unique=True,
        sqlite_where=sa.text(MEETINGS_OWN_LINKS),
        postgresql_where=sa.text(MEETINGS_OWN_LINKS),
    )


def downgrade():
    op.drop_index("uq_materials_meeting_url", table_name="materials")
    op.drop_index("uq_materials_slot_url", table_name="materials")
