"""Which kind a message's one-click unsubscribe stops, stored with the message

The sender added List-Unsubscribe to every update and reminder by its kind, also to the
updates of a presenter's own slot that always go (and carry no unsubscribe footer): a mail
client's "Unsubscribe" button on those unsubscribed the address from office-contact updates.
The message now keeps the kind its footer's link stops, none when it has none; messages queued
before are read by their footer.

Revision ID: a8d3e6f1c2b9
Revises: f3a7c2e9d1b4
Create Date: 2026-12-03 04:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a8d3e6f1c2b9"
down_revision = "f3a7c2e9d1b4"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("outbox", sa.Column("unsubscribe_kind", sa.String(length=20), nullable=True))
    # A message queued before says by its footer whether it offers to stop its kind: a
    # presenter's own update has none, and gets no header now either (helper-59).
    op.execute(
        "UPDATE outbox SET unsubscribe_kind = kind WHERE kind IN ('reminder', 'update') "
        "AND text_body LIKE '%/unsubscribe/%'"
    )


def downgrade():
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("unsubscribe_kind")
