"""Survey files kept to check before importing them

A co-lead sees what a file would import (its offices' names as read, a few answers, what a
replaced round changes) before importing it; the "Import" that follows may reach another
instance behind the proxy, so the file waits in the database, not in a process or on a disk.

Revision ID: b3e7d2a9c5f1
Revises: c1d5e8f2a7b4
Create Date: 2026-12-06 09:00:00

"""

import sqlalchemy as sa
from alembic import op

from planner.db_types import UTCDateTime

revision = "b3e7d2a9c5f1"
down_revision = "c1d5e8f2a7b4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "survey_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.String(length=255), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=True),
        sa.Column("aliases", sa.String(length=500), nullable=False),
        sa.Column("replace_stored", sa.Boolean(), nullable=False),
        sa.Column("encoding", sa.String(length=20), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=True),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("said", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_uploads_survey_id_surveys"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_survey_uploads_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_uploads")),
        sqlite_autoincrement=True,  # ids never handed out twice (migration c7a4e2f9b1d6)
    )
    op.create_index(op.f("ix_survey_uploads_expires_at"), "survey_uploads", ["expires_at"])
    op.create_index(op.f("ix_survey_uploads_user_id"), "survey_uploads", ["user_id"])


def downgrade():
    op.drop_index(op.f("ix_survey_uploads_user_id"), table_name="survey_uploads")
    op.drop_index(op.f("ix_survey_uploads_expires_at"), table_name="survey_uploads")
    op.drop_table("survey_uploads")
