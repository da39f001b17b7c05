"""The proposal a message is about, stored with the message

The volunteer's page said whether its private link had been emailed by looking for any message
of that kind to the same address: a second proposal from the same person, or a new link made
by a co-lead, made it say what was not so (helper-67). The message of a proposal's link now
names its proposal; messages written before are matched by their address and time, as before.

Revision ID: c5e2b7a9d4f1
Revises: a8d3e6f1c2b9
Create Date: 2026-12-03 07:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c5e2b7a9d4f1"
down_revision = "a8d3e6f1c2b9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposal_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_proposal_id"), ["proposal_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_proposal_id_proposals"),
            "proposals",
            ["proposal_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_proposal_id_proposals"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_proposal_id"))
        batch_op.drop_column("proposal_id")
