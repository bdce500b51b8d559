"""Micro-campaigns: campaigns, members (letter, follow-up, outcome), opt-out, template kinds.

Revision ID: 0007_campaigns
Revises: 0006_stage_funnel
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_campaigns"
down_revision = "0006_stage_funnel"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("template", sa.String(length=50), nullable=False),
        sa.Column("cost", sa.String(length=32), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("follow_up_local", sa.String(length=16), nullable=True),
        sa.Column("follow_up_tz", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.String(length=26), nullable=False),
        sa.CheckConstraint("length(currency) = 3", name=op.f("ck_campaigns_currency")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaigns_created_at"), ["created_at"], unique=False)

    op.create_table(
        "campaign_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("drafted_at", sa.String(length=26), nullable=False),
        sa.Column("printed_at", sa.String(length=26), nullable=True),
        sa.Column("sent_at", sa.String(length=26), nullable=True),
        sa.Column("edited_at", sa.String(length=26), nullable=True),
        sa.Column("follow_up_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("outcome_set_at", sa.String(length=26), nullable=True),
        sa.Column("added_by_hand", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'printed', 'sent')", name=op.f("ck_campaign_members_status")
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN "
            "('no-response', 'replied', 'meeting', 'lead', 'deal', 'opted-out')",
            name=op.f("ck_campaign_members_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_members_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_campaign_members_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["follow_up_id"],
            ["follow_ups.id"],
            name=op.f("fk_campaign_members_follow_up_id_follow_ups"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_members")),
        sa.UniqueConstraint(
            "campaign_id", "contact_id", name="uq_campaign_members_campaign_contact"
        ),
    )
    with op.batch_alter_table("campaign_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_members_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_campaign_members_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_campaign_members_follow_up_id"), ["follow_up_id"], unique=False
        )

    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("campaign_opt_out", sa.Boolean(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("note_templates", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="thanks", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("note_templates", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("campaign_opt_out")
    op.drop_table("campaign_members")
    op.drop_table("campaigns")
