"""The contact list's email and tag cells on each contact, kept by triggers (issue 18).

`contacts.list_emails` and `contacts.list_tags` hold what the contact table prints, so listing a
stage of 25,000 contacts no longer computes two cells per contact (storage.list_cells). The
covering index that reads a stage's list from the index alone on SQLite is made by 0013, with the
company cell; databases migrated before 0013 existed got a first version of it here, which 0013
replaces.

Revision ID: 0012_list_cells
Revises: 0011_stage_stays
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from relationship_crm.storage import list_cells, stage_stays

revision = "0012_list_cells"
down_revision = "0011_stage_stays"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN, not a batch copy: the stage_stays triggers on contacts stay as they are.
    for column in ("list_emails", "list_tags"):
        op.add_column("contacts", sa.Column(column, sa.Text(), server_default="", nullable=False))
    # The company cell, its triggers and the list's index came in 0013.
    list_cells.rebuild(op, company=False)
    list_cells.create_triggers(op, company=False)


def downgrade() -> None:
    list_cells.drop_triggers(op)
    op.execute(f"DROP INDEX IF EXISTS {list_cells.INDEX}")  # 0013's downgrade made it again
    stage_stays.drop_triggers(op)  # the batch copy of contacts on SQLite
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("list_tags")
        batch.drop_column("list_emails")
    stage_stays.create_triggers(op)
