"""The contact list's company cell on each contact, kept by triggers (issue 18).

`contacts.list_company` holds the name of the contact's company, so listing a stage of 25,000
contacts no longer looks up a company a row; on SQLite the list's covering index carries the cell
instead of `company_id` (storage.list_cells).

Revision ID: 0013_list_company
Revises: 0012_list_cells
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from relationship_crm.storage import list_cells
from relationship_crm.storage.portable import POSTGRESQL, dialect_of

revision = "0013_list_company"
down_revision = "0012_list_cells"
branch_labels = None
depends_on = None

_COMPANY_TRIGGERS = {
    "list_cells_company_given": "contacts",
    "list_cells_company_changed": "contacts",
    "list_cells_company_renamed": "companies",
}
# The list's index as 0012 made it.
_INDEX_0012 = (
    f"CREATE INDEX IF NOT EXISTS {list_cells.INDEX} ON contacts "
    "(stage, sort_name, id, display_name, company_id, list_emails, list_tags) "
    "WHERE deleted_at IS NULL"
)


def upgrade() -> None:
    # ADD COLUMN, not a batch copy: the other triggers on contacts stay as they are.
    op.add_column(
        "contacts", sa.Column("list_company", sa.Text(), server_default="", nullable=False)
    )
    op.execute(
        "UPDATE contacts SET list_company = coalesce((SELECT name FROM companies "
        "WHERE id = contacts.company_id), '') WHERE company_id IS NOT NULL"
    )
    op.execute(f"DROP INDEX IF EXISTS {list_cells.INDEX}")  # SQLite's: it carried company_id
    list_cells.create_triggers(op)  # the new ones, and on SQLite the index again


def downgrade() -> None:
    postgresql = dialect_of(op) == POSTGRESQL
    for name, table in _COMPANY_TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}{f' ON {table}' if postgresql else ''}")
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS crm_list_cells_company()")
        op.execute("DROP FUNCTION IF EXISTS crm_list_cells_company_renamed()")
    op.execute(f"DROP INDEX IF EXISTS {list_cells.INDEX}")
    # SQLite (3.35+) drops a column in place once no index or trigger names it.
    op.execute("ALTER TABLE contacts DROP COLUMN list_company")
    if not postgresql:
        op.execute(_INDEX_0012)
