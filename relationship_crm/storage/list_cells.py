"""The contact list's email and tag cells, kept on each contact by the database (issue 18).

`contacts.list_emails` is the contact's addresses in their order, `contacts.list_tags` its tag
names in name order, each joined by ", " ("" for none): what the command line's contact table
prints. A stage lists a quarter of a heavy rep's book (25,000 contacts of 100,000); computing the
two cells per contact at read time was most of the command's time. On SQLite a partial covering
index (`INDEX`) then reads a stage's list in name order from the index alone.

Triggers write the cells in the same transaction as the change, whoever makes it (the editor, a
merge, an import, sync, the JSON copy, a tag renamed or deleted, a script):

- after an email is added, changed, moved to another contact or removed, the contact's email
  cell is computed again (from the covering index `ix_contact_emails_contact_order`);
- after a tag is given or taken, the contact's tag cell; after a tag is renamed, the cells of
  its contacts (a tag's deletion removes its `contact_tags` rows, which fire the first).

The same cell SELECTs serve the triggers, the migration's fill and `check --repair`'s
(`rebuild`), and what `check` compares the cells with (`differences_sql`).

A later migration that makes Alembic's batch mode copy `contacts`, `contact_emails`,
`contact_tags` or `tags` on SQLite must call `drop_triggers(op)` before and `create_triggers(op)`
after it (storage.stage_stays explains why).
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import text

from relationship_crm.storage.portable import POSTGRESQL, dialect_of

#: SQLite only: a stage's list in name order, read from the index alone. (PostgreSQL refuses
#: B-tree entries over about 2.7 kB, which a contact with many addresses could pass.)
INDEX: Final = "ix_contacts_list_cells"
CREATE_INDEX: Final = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON contacts "
    "(stage, sort_name, id, display_name, company_id, list_emails, list_tags) "
    "WHERE deleted_at IS NULL"
)

# SQLite (3.40) has no ORDER BY inside an aggregate: group_concat follows an ordered subquery.
_SQLITE_EMAILS = (
    "coalesce((SELECT group_concat(e.value, ', ') FROM (SELECT value FROM contact_emails e "
    "WHERE e.contact_id = {id} ORDER BY e.position, e.id) e), '')"
)
_SQLITE_TAGS = (
    "coalesce((SELECT group_concat(t.name, ', ') FROM (SELECT tags.name FROM contact_tags ct "
    "JOIN tags ON tags.id = ct.tag_id WHERE ct.contact_id = {id} ORDER BY tags.name_key) t), '')"
)
_POSTGRESQL_EMAILS = (
    "coalesce((SELECT string_agg(e.value, ', ' ORDER BY e.position, e.id) FROM contact_emails e "
    "WHERE e.contact_id = {id}), '')"
)
_POSTGRESQL_TAGS = (
    "coalesce((SELECT string_agg(tags.name, ', ' ORDER BY tags.name_key) FROM contact_tags ct "
    "JOIN tags ON tags.id = ct.tag_id WHERE ct.contact_id = {id}), '')"
)


def _cells(bind: Any) -> tuple[str, str]:
    if dialect_of(bind) == POSTGRESQL:
        return _POSTGRESQL_EMAILS, _POSTGRESQL_TAGS
    return _SQLITE_EMAILS, _SQLITE_TAGS


def _set_emails(bind: Any, contact: str) -> str:
    emails = _cells(bind)[0].format(id=contact)
    return f"UPDATE contacts SET list_emails = {emails} WHERE id = {contact}"


def _set_tags(bind: Any, contact: str) -> str:
    tags = _cells(bind)[1].format(id=contact)
    return f"UPDATE contacts SET list_tags = {tags} WHERE id = {contact}"


def _set_tag_holders(bind: Any, tag: str) -> str:
    tags = _cells(bind)[1].format(id="contacts.id")
    return (
        f"UPDATE contacts SET list_tags = {tags} "
        f"WHERE id IN (SELECT contact_id FROM contact_tags WHERE tag_id = {tag})"
    )


#: The trigger names, with their tables.
TRIGGER_TABLES: Final = {
    "list_cells_email_added": "contact_emails",
    "list_cells_email_changed": "contact_emails",
    "list_cells_email_removed": "contact_emails",
    "list_cells_tag_given": "contact_tags",
    "list_cells_tag_changed": "contact_tags",
    "list_cells_tag_taken": "contact_tags",
    "list_cells_tag_renamed": "tags",
}
TRIGGERS: Final = tuple(TRIGGER_TABLES)


def _sqlite_triggers(bind: Any) -> list[str]:
    emails = "AFTER {event} ON contact_emails"
    tags = "AFTER {event} ON contact_tags"

    def trigger(name: str, when: str, body: list[str]) -> str:
        statements = "".join(f"{statement};\n" for statement in body)
        return f"CREATE TRIGGER IF NOT EXISTS {name} {when} BEGIN\n{statements}END"

    return [
        trigger(
            "list_cells_email_added",
            emails.format(event="INSERT"),
            [_set_emails(bind, "NEW.contact_id")],
        ),
        trigger(
            "list_cells_email_changed",
            emails.format(event="UPDATE OF contact_id, value, position"),
            [_set_emails(bind, "OLD.contact_id"), _set_emails(bind, "NEW.contact_id")],
        ),
        trigger(
            "list_cells_email_removed",
            emails.format(event="DELETE"),
            [_set_emails(bind, "OLD.contact_id")],
        ),
        trigger(
            "list_cells_tag_given", tags.format(event="INSERT"), [_set_tags(bind, "NEW.contact_id")]
        ),
        trigger(
            "list_cells_tag_changed",
            tags.format(event="UPDATE"),
            [_set_tags(bind, "OLD.contact_id"), _set_tags(bind, "NEW.contact_id")],
        ),
        trigger(
            "list_cells_tag_taken", tags.format(event="DELETE"), [_set_tags(bind, "OLD.contact_id")]
        ),
        trigger(
            "list_cells_tag_renamed",
            "AFTER UPDATE OF name, name_key ON tags",
            [_set_tag_holders(bind, "NEW.id")],
        ),
    ]


def _postgresql_triggers(bind: Any) -> list[str]:
    def function(name: str, body: str) -> str:
        return (
            f"CREATE OR REPLACE FUNCTION crm_{name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n{body}\n  RETURN NULL;\nEND $$"
        )

    def trigger(name: str, when: str, table: str, run: str) -> list[str]:
        return [
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION crm_{run}()",
        ]

    return [
        function(
            "list_cells_emails",
            f"  IF TG_OP <> 'INSERT' THEN {_set_emails(bind, 'OLD.contact_id')}; END IF;\n"
            f"  IF TG_OP <> 'DELETE' THEN {_set_emails(bind, 'NEW.contact_id')}; END IF;",
        ),
        function(
            "list_cells_tags",
            f"  IF TG_OP <> 'INSERT' THEN {_set_tags(bind, 'OLD.contact_id')}; END IF;\n"
            f"  IF TG_OP <> 'DELETE' THEN {_set_tags(bind, 'NEW.contact_id')}; END IF;",
        ),
        function("list_cells_tag_renamed", f"  {_set_tag_holders(bind, 'NEW.id')};"),
        *trigger("list_cells_email_added", "AFTER INSERT", "contact_emails", "list_cells_emails"),
        *trigger(
            "list_cells_email_changed",
            "AFTER UPDATE OF contact_id, value, position",
            "contact_emails",
            "list_cells_emails",
        ),
        *trigger("list_cells_email_removed", "AFTER DELETE", "contact_emails", "list_cells_emails"),
        *trigger("list_cells_tag_given", "AFTER INSERT", "contact_tags", "list_cells_tags"),
        *trigger("list_cells_tag_changed", "AFTER UPDATE", "contact_tags", "list_cells_tags"),
        *trigger("list_cells_tag_taken", "AFTER DELETE", "contact_tags", "list_cells_tags"),
        *trigger(
            "list_cells_tag_renamed",
            "AFTER UPDATE OF name, name_key",
            "tags",
            "list_cells_tag_renamed",
        ),
    ]


def _execute(bind: Any, statement: str) -> None:
    # alembic.op, a Session and a Connection all take text(); none of this SQL has a ':name'.
    bind.execute(text(statement))


def create_triggers(bind: Any) -> None:
    """Create (or re-create) the triggers that keep the cells, and on SQLite the list's index
    (`bind`: alembic.op, a Session or a Connection)."""
    if dialect_of(bind) == POSTGRESQL:
        statements = _postgresql_triggers(bind)
    else:
        statements = [*_sqlite_triggers(bind), CREATE_INDEX]
    for statement in statements:
        _execute(bind, statement)


def drop_triggers(bind: Any) -> None:
    """Drop the triggers (before a batch migration copies one of their tables)."""
    postgresql = dialect_of(bind) == POSTGRESQL
    for name, table in TRIGGER_TABLES.items():
        on = f" ON {table}" if postgresql else ""
        _execute(bind, f"DROP TRIGGER IF EXISTS {name}{on}")
    if postgresql:
        for function in ("emails", "tags", "tag_renamed"):
            _execute(bind, f"DROP FUNCTION IF EXISTS crm_list_cells_{function}()")


def rebuild(bind: Any, where: str = "1 = 1") -> None:
    """Compute the cells again of every contact, or of those that match `where` (SQL on
    `contacts`: a bulk import's new ids, written while the triggers were dropped)."""
    emails, tags = (cell.format(id="contacts.id") for cell in _cells(bind))
    _execute(bind, f"UPDATE contacts SET list_emails = {emails}, list_tags = {tags} WHERE {where}")


def differences_sql(*, postgresql: bool = False) -> str:
    """The ids of the contacts whose cells are not what their emails and tags make."""
    cells = (_POSTGRESQL_EMAILS, _POSTGRESQL_TAGS) if postgresql else (_SQLITE_EMAILS, _SQLITE_TAGS)
    emails, tags = (cell.format(id="contacts.id") for cell in cells)
    differ = "IS DISTINCT FROM" if postgresql else "IS NOT"
    return (
        f"SELECT id FROM contacts WHERE list_emails {differ} {emails} "
        f"OR list_tags {differ} {tags} ORDER BY id"
    )


def missing_triggers(bind: Any) -> list[str]:
    """The names of the triggers (and, on SQLite, the list's index) not in the database."""
    if dialect_of(bind) == POSTGRESQL:
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
        wanted: tuple[str, ...] = TRIGGERS
    else:
        sql = "SELECT name FROM sqlite_master WHERE type IN ('trigger', 'index')"
        wanted = (*TRIGGERS, INDEX)
    present = {row[0] for row in bind.execute(text(sql))}
    return [name for name in wanted if name not in present]
