"""The CalDAV/CardDAV sync account and what each sync put on the server (issue 19).

Revision ID: 0008_sync_state
Revises: 0007_campaigns
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_sync_state"
down_revision = "0007_campaigns"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("calendar_url", sa.Text(), nullable=False),
        sa.Column("address_book_url", sa.Text(), nullable=True),
        sa.Column("ca_file", sa.Text(), nullable=True),
        sa.Column("password_saved", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=26), nullable=False),
        sa.Column("last_sync_at", sa.String(length=26), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("contacts_sync_token", sa.Text(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_sync_account_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_account")),
    )
    op.create_table(
        "sync_items",
        sa.Column("collection", sa.String(length=20), nullable=False),
        sa.Column("uid", sa.String(length=200), nullable=False),
        sa.Column("href", sa.Text(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("synced_at", sa.String(length=26), nullable=False),
        sa.PrimaryKeyConstraint("collection", "uid", name=op.f("pk_sync_items")),
    )


def downgrade() -> None:
    op.drop_table("sync_items")
    op.drop_table("sync_account")
