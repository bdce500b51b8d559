"""Trigger events (news about an account) and the link from the follow-ups they created.

Revision ID: 0004_trigger_events
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from relationship_crm.storage import portable

revision = "0004_trigger_events"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trigger_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=2000), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.String(length=26), nullable=False),
        sa.Column("updated_at", sa.String(length=26), nullable=False),
        sa.CheckConstraint(
            "kind IN ('merger', 'acquisition', 'layoff', 'new-executive', 'funding', "
            "'expansion', 'job-change', 'award', 'other')",
            name=op.f("ck_trigger_events_kind"),
        ),
        sa.CheckConstraint(
            portable.exactly_one_set(op, "contact_id", "company_id"),
            name=op.f("ck_trigger_events_one_subject"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_trigger_events_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_trigger_events_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trigger_events")),
    )
    with op.batch_alter_table("trigger_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_trigger_events_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_trigger_events_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_trigger_events_happened_on"), ["happened_on"], unique=False
        )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trigger_event_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_follow_ups_trigger_event_id"), ["trigger_event_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_follow_ups_trigger_event_id_trigger_events"),
            "trigger_events",
            ["trigger_event_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_follow_ups_trigger_event_id_trigger_events"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_follow_ups_trigger_event_id"))
        batch_op.drop_column("trigger_event_id")
    with op.batch_alter_table("trigger_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trigger_events_happened_on"))
        batch_op.drop_index(batch_op.f("ix_trigger_events_contact_id"))
        batch_op.drop_index(batch_op.f("ix_trigger_events_company_id"))
    op.drop_table("trigger_events")
