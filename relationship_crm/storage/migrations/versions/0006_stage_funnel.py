"""Stages as an agreed funnel: a stages table (labels, definitions, stuck limits, order).

The five shipped stages are seeded; contacts.stage loses its CHECK list so the rep can add
stages of their own (the services check a stage against this table instead).

Revision ID: 0006_stage_funnel
Revises: 0005_keep_in_touch
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_stage_funnel"
down_revision = "0005_keep_in_touch"
branch_labels = None
depends_on = None

# Frozen here on purpose: a migration must seed the same rows whatever the code says later.
SHIPPED = (
    (
        "prospect",
        "Prospect",
        "May need us some day: fits who we sell to, but is not shopping now. "
        "Entry: a plausible buyer we know by name.",
        180,
        10,
    ),
    (
        "lead",
        "Lead",
        "Actively shopping, or open to shopping now (agreed with marketing). "
        "Entry: a stated need, a budget or a timeline, or a request to talk.",
        30,
        20,
    ),
    (
        "customer",
        "Customer",
        "Has bought from us and is a client now. Entry: a signed order or contract.",
        None,
        30,
    ),
    (
        "partner",
        "Partner",
        "Works with us rather than buying: a reseller, an integrator, a referral source. "
        "Entry: an agreement to work together.",
        None,
        40,
    ),
    (
        "other",
        "Other",
        "Outside the funnel: a colleague, a supplier, a friend of the business.",
        None,
        50,
    ),
)


def upgrade() -> None:
    stages = op.create_table(
        "stages",
        sa.Column("key", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=50), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("stuck_after_days", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_stages")),
    )
    op.bulk_insert(
        stages,
        [
            {
                "key": key,
                "label": label,
                "definition": definition,
                "stuck_after_days": stuck,
                "position": position,
            }
            for key, label, definition, stuck, position in SHIPPED
        ],
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_contacts_stage"), type_="check")
    with op.batch_alter_table("stage_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stage_changes_contact_time", ["contact_id", "changed_at", "stage"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("stage_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_stage_changes_contact_time")
    # The old CHECK list knows only the shipped stages: contacts in the rep's own become prospects.
    op.execute(
        "UPDATE contacts SET stage = 'prospect'"
        " WHERE stage NOT IN ('prospect', 'lead', 'customer', 'partner', 'other')"
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_contacts_stage"),
            "stage IN ('prospect', 'lead', 'customer', 'partner', 'other')",
        )
    op.drop_table("stages")
