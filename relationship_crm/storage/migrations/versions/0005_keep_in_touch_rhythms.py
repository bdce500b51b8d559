"""Keep-in-touch rhythms per contact, tag or stage, with pauses (issue 15).

Revision ID: 0005_keep_in_touch
Revises: 0004_trigger_events
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from relationship_crm.storage import portable

revision = "0005_keep_in_touch"
down_revision = "0004_trigger_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "keep_in_touch_rhythms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("ideal_days", sa.Integer(), nullable=True),
        sa.Column("max_days", sa.Integer(), nullable=True),
        sa.Column("off", sa.Boolean(), nullable=False),
        sa.Column("paused_until", sa.Date(), nullable=True),
        sa.Column("pause_reason", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.String(length=26), nullable=False),
        sa.CheckConstraint(
            "scope IN ('contact', 'tag', 'stage')", name=op.f("ck_keep_in_touch_rhythms_scope")
        ),
        sa.CheckConstraint(
            "(scope = 'contact') = (contact_id IS NOT NULL)",
            name=op.f("ck_keep_in_touch_rhythms_contact_scope"),
        ),
        sa.CheckConstraint(
            "(ideal_days IS NULL AND max_days IS NULL) OR "
            "(ideal_days >= 1 AND max_days >= ideal_days)",
            name=op.f("ck_keep_in_touch_rhythms_days"),
        ),
        sa.CheckConstraint(
            portable.boolean_check(op, "off"), name=op.f("ck_keep_in_touch_rhythms_off")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_keep_in_touch_rhythms_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_keep_in_touch_rhythms")),
        sa.UniqueConstraint("scope", "key", name="uq_keep_in_touch_rhythms_scope_key"),
    )
    with op.batch_alter_table("keep_in_touch_rhythms", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_keep_in_touch_rhythms_contact_id"), ["contact_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("keep_in_touch_rhythms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_keep_in_touch_rhythms_contact_id"))
    op.drop_table("keep_in_touch_rhythms")
