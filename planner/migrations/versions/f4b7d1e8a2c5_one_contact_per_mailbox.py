"""One office contact per mailbox: a unique index on (office_code, mailbox)

Two co-leads adding the same person at the same moment, spelt with other capitals (ÉLISE@ and
élise@), both passed the check made before saving, and the database's rule, on the address as
typed, let both in (helper-83). The rule is now on the mailbox too. Contacts stored twice
before keep their rows: the later ones' mailbox is marked as a duplicate of the first, so the
first is the one every lookup finds, as it was; a co-lead can delete the others.

Revision ID: f4b7d1e8a2c5
Revises: e9a4c6b2d8f1
Create Date: 2026-12-03 17:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f4b7d1e8a2c5"
down_revision = "e9a4c6b2d8f1"
branch_labels = None
depends_on = None


def upgrade():
    connection = op.get_bind()
    contacts = sa.table(
        "office_contacts", sa.column("id"), sa.column("office_code"), sa.column("mailbox")
    )
    seen: set[tuple[str, str]] = set()
    rows = connection.execute(
        sa.select(contacts.c.id, contacts.c.office_code, contacts.c.mailbox).order_by(
            contacts.c.id
        )
    ).all()
    for contact_id, office, mailbox in rows:
        if (office, mailbox) in seen:
            connection.execute(
                sa.update(contacts)
                .where(contacts.c.id == contact_id)
                .values(mailbox=f"{mailbox} (duplicate #{contact_id})"[:254])
            )
        seen.add((office, mailbox))
    op.create_index(
        "uq_office_contacts_office_mailbox",
        "office_contacts",
        ["office_code", "mailbox"],
        unique=True,
    )


def downgrade():
    op.drop_index("uq_office_contacts_office_mailbox", table_name="office_contacts")
