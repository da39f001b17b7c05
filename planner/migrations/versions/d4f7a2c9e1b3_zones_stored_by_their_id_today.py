"""Time zones stored by the id they go by today

Zones typed or sent by a browser were stored as given, old ids too: Chromium reports India's
zone as "Asia/Calcutta" and Nepal's as "Asia/Katmandu", which IANA keeps as links to
"Asia/Kolkata" and "Asia/Kathmandu". Forms and the API now store a zone by today's id
(`timezones.current_id`, helper-230); this gives the rows stored before the same id, so that a
presenter's zone and their meeting's compare equal ("Your time (Kolkata)" beside "Meeting's
time (Kolkata)" was shown for one zone spelt two ways). The instants and the places shown do
not change. Downgrade leaves the ids as they are: both name the same rules.

Revision ID: d4f7a2c9e1b3
Revises: b3e7d2a9c5f1
Create Date: 2026-12-06 03:10:00

"""

from zoneinfo import available_timezones

import sqlalchemy as sa
from alembic import op
from babel.core import get_global

revision = "d4f7a2c9e1b3"
down_revision = "b3e7d2a9c5f1"
branch_labels = None
depends_on = None

# Every column that holds a zone a person chose.
ZONE_COLUMNS = (
    ("meetings", "time_zone"),
    ("offices", "time_zone"),
    ("invitations", "time_zone"),
    ("availability_windows", "time_zone"),
)


def upgrade():
    connection = op.get_bind()
    # As `timezones.current_id` reads it then, written here so that the migration stays as it
    # ran whatever becomes of the app's code: CLDR's aliases, to a zone this machine has.
    aliases, known = get_global("zone_aliases"), available_timezones()

    def current_id(zone: str) -> str:
        newer = aliases.get(zone)
        return newer if newer in known else zone

    for table_name, column_name in ZONE_COLUMNS:
        column = sa.column(column_name, sa.String())
        table = sa.table(table_name, column)
        stored = connection.execute(sa.select(column).distinct().where(column.is_not(None)))
        for (zone,) in stored.all():
            today = current_id(zone)
            if today != zone:
                connection.execute(
                    table.update().where(column == zone).values({column_name: today})
                )


def downgrade():
    pass
