"""Several reps on one database (issue 20): who created what, whose it is, and edit versions.

`contacts.version` counts saves (SQLAlchemy's version counter), so a save made from an older
copy is refused; `updated_by` names who saved last. `owner` (contacts, follow-ups) is the rep
whose account or reminder it is; `created_by` (follow-ups, gifts, research and thank-you notes)
who wrote it. A rep is the database login on PostgreSQL, the computer's login on SQLite; rows from
before are everyone's (''). `rep_settings` holds a rep's own value of a personal setting (name,
signature, time zone...), which on a server overrides the team's value in `settings`.

Revision ID: 0010_team
Revises: 0008_sync_state
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_team"
down_revision = "0008_sync_state"
branch_labels = None
depends_on = None

_CREATED_BY = ("follow_ups", "gifts", "research_notes", "thank_you_notes")


def _rep_column(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=100), server_default="", nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(_rep_column("updated_by"))
        batch_op.add_column(_rep_column("owner"))
        batch_op.create_index("ix_contacts_owner", ["owner"], unique=False)
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.add_column(_rep_column("owner"))
        batch_op.create_index("ix_follow_ups_owner", ["owner"], unique=False)
    for table in _CREATED_BY:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(_rep_column("created_by"))
    op.create_table(
        "rep_settings",
        sa.Column("rep", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("rep", "key", name=op.f("pk_rep_settings")),
    )


def downgrade() -> None:
    op.drop_table("rep_settings")
    for table in _CREATED_BY:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("created_by")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_ups_owner")
        batch_op.drop_column("owner")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_owner")
        batch_op.drop_column("owner")
        batch_op.drop_column("updated_by")
        batch_op.drop_column("version")
