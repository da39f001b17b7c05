"""As whom each message addressed its recipient, kept with it

A presenter who is also a contact of the presenting office hears of a slot in both roles, and
what reached them as a contact does not tell them they present it (helper-229, helper-232). That
was read from the message's calendar part (ATTENDEE;ROLE=OPT-PARTICIPANT), which is cleared
RETENTION_DAYS after it went: a contact's message then counted as the presenter's. Each message
now keeps its role (presenter, contact, volunteer, co-lead); this fills it for the rows stored
before, from the kind where that says it, else from the calendar part while it is still there.
An update or cancellation cleared before keeps none (nothing says whom it was for).

Revision ID: 1b6e323605ac
Revises: d4f7a2c9e1b3
Create Date: 2026-12-06 05:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "1b6e323605ac"
down_revision = "d4f7a2c9e1b3"
branch_labels = None
depends_on = None

# The role each kind is written in (`mail.models.MessageRole`, as named when this ran), but an
# update's and a cancellation's, which go to presenters and contacts alike.
ROLE_OF_KIND = {
    "invitation": "presenter",
    "reminder": "presenter",
    "received": "volunteer",
    "decision": "volunteer",
    "answer": "colead",
    "proposal": "colead",
    "feed": "contact",
}

# The ATTENDEE's role in a calendar part, as `mail.imip` writes it: the presenter required, an
# office's contact optional.
ROLE_OF_ATTENDEE = {"ROLE=REQ-PARTICIPANT": "presenter", "ROLE=OPT-PARTICIPANT": "contact"}


def upgrade():
    # Added, not rebuilt: on SQLite a rebuild would lose the table's AUTOINCREMENT.
    op.add_column("outbox", sa.Column("role", sa.String(length=20), nullable=True))
    connection = op.get_bind()
    outbox = sa.table(
        "outbox", sa.column("id"), sa.column("kind"), sa.column("ics"), sa.column("role")
    )
    for kind, role in ROLE_OF_KIND.items():
        connection.execute(sa.update(outbox).where(outbox.c.kind == kind).values(role=role))
    calendars = connection.execute(
        sa.select(outbox.c.id, outbox.c.ics).where(
            outbox.c.kind.in_(("update", "cancellation")), outbox.c.ics.is_not(None)
        )
    )
    for message_id, ics in calendars.all():
        # Its lines unfolded (RFC 5545 3.1): a long ATTENDEE line may break inside the role.
        lines = ics.replace("\r\n ", "").replace("\n ", "")
        role = next((r for said, r in ROLE_OF_ATTENDEE.items() if said in lines), None)
        if role is not None:
            connection.execute(
                sa.update(outbox).where(outbox.c.id == message_id).values(role=role)
            )


def downgrade():
    op.drop_column("outbox", "role")  # SQLite 3.35+ drops a column without a rebuild
