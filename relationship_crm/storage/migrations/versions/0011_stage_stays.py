"""The pipeline's summary of the stage history (issue 18): stage_stays, kept by triggers.

One row per stage change: the stay it starts, when it ended (the next change, or the trash) and
where it went, so today's pipeline reads index ranges instead of the whole history. Built here
from the existing history; triggers (storage.stage_stays) keep it in step from then on. Also a
covering index of each contact's emails in order, for the contact list's email cell.

Revision ID: 0011_stage_stays
Revises: 0010_team
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from relationship_crm.storage import stage_stays

revision = "0011_stage_stays"
down_revision = "0010_team"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stage_stays",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("entered_at", sa.String(length=26), nullable=False),
        sa.Column("left_at", sa.String(length=26), nullable=True),
        sa.Column("next_stage", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_stays")),
    )
    op.create_index("ix_stage_stays_contact_id", "stage_stays", ["contact_id"], unique=False)
    op.create_index(
        "ix_stage_stays_stage_left",
        "stage_stays",
        ["stage", "left_at", "entered_at", "next_stage", "contact_id"],
        unique=False,
    )
    op.create_index(
        "ix_stage_stays_stage_entered",
        "stage_stays",
        ["stage", "entered_at", "contact_id"],
        unique=False,
    )
    op.create_index(
        "ix_contact_emails_contact_order",
        "contact_emails",
        ["contact_id", "position", "id", "value"],
        unique=False,
    )
    stage_stays.rebuild(op)
    stage_stays.create_triggers(op)


def downgrade() -> None:
    stage_stays.drop_triggers(op)
    op.drop_table("stage_stays")
    op.drop_index("ix_contact_emails_contact_order", table_name="contact_emails")
