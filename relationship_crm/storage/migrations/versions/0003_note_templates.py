"""Thank-you templates written in the app, and a note's hand-edited time.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "note_templates",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=26), nullable=False),
        sa.Column("updated_at", sa.String(length=26), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_note_templates")),
    )
    with op.batch_alter_table("thank_you_notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edited_at", sa.String(length=26), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("thank_you_notes", schema=None) as batch_op:
        batch_op.drop_column("edited_at")
    op.drop_table("note_templates")
