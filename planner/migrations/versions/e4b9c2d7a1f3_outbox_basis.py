"""What a settling update says, stored with it

A co-lead moving a slot four times in a minute sent its presenter four "Changed" messages
(helper-66). A plain update now waits a minute for the next change of the slot, which replaces
it and says what it would have said too (the changes it named, the time told before); that
is kept with the message while it waits.

Revision ID: e4b9c2d7a1f3
Revises: d8f3a1c6e2b7
Create Date: 2026-12-03 08:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e4b9c2d7a1f3"
down_revision = "d8f3a1c6e2b7"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("outbox", sa.Column("basis", sa.JSON(none_as_null=True), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("basis")
