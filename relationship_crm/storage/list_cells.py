"""The contact list's company, email and tag cells, kept on each contact by the database.

`contacts.list_company` is the name of the contact's company ("" for none), `list_emails` the
contact's addresses in their order, `list_tags` its tag names in name order, each joined by ", "
("" for none): what the command line's contact table prints. A stage lists a quarter of a heavy
rep's book (25,000 contacts of 100,000, issue 18); computing the cells per contact at read time
was most of the command's time (the company's name alone, a look-up a row, a fifth of it). On
SQLite a partial covering index (`INDEX`) then reads a stage's list in name order from the index
alone.

Triggers write the cells in the same transaction as the change, whoever makes it (the editor, a
merge, an import, sync, the JSON copy, a tag renamed or deleted, a script):

- after an email is added, changed, moved to another contact or removed, the contact's email
  cell is computed again (from the covering index `ix_contact_emails_contact_order`);
- after a tag is given or taken, the contact's tag cell; after a tag is renamed, the cells of
  its contacts (a tag's deletion removes its `contact_tags` rows, which fire the first);
- after a contact is added or moved to another company, its company cell; after a company is
  renamed, the cells of its contacts (a company's deletion sets their `company_id` to NULL, which
  is such a move).

The same cell SELECTs serve the triggers, the migrations' fill and `check --repair`'s
(`rebuild`), and what `check` compares the cells with (`differences_sql`).

A later migration that makes Alembic's batch mode copy `contacts`, `companies`,
`contact_emails`, `contact_tags` or `tags` on SQLite must call `drop_triggers(op)` before and
`create_triggers(op)` after it (storage.stage_stays explains why).
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
    "(stage, sort_name, id, display_name, list_company, list_emails, list_tags) "
    "WHERE deleted_at IS NULL"
)

#: A contact's company cell, on both engines.
_COMPANY: Final = "coalesce((SELECT name FROM companies WHERE id = {company}), '')"

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


def _set_company(contact: str) -> str:
    company = _COMPANY.format(company=f"{contact}.company_id")
    return f"UPDATE contacts SET list_company = {company} WHERE id = {contact}.id"


def _set_company_holders(company: str) -> str:
    return f"UPDATE contacts SET list_company = {company}.name WHERE company_id = {company}.id"


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
    "list_cells_company_given": "contacts",
    "list_cells_company_changed": "contacts",
    "list_cells_company_renamed": "companies",
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


def _sqlite_company_triggers() -> list[str]:
    def trigger(name: str, when: str, body: str) -> str:
        return f"CREATE TRIGGER IF NOT EXISTS {name} {when} BEGIN\n{body};\nEND"

    # The UPDATE the first two make names only list_company, so it fires neither again.
    return [
        trigger("list_cells_company_given", "AFTER INSERT ON contacts", _set_company("NEW")),
        trigger(
            "list_cells_company_changed",
            "AFTER UPDATE OF company_id ON contacts",
            _set_company("NEW"),
        ),
        trigger(
            "list_cells_company_renamed",
            "AFTER UPDATE OF name ON companies",
            _set_company_holders("NEW"),
        ),
    ]


def _function(name: str, body: str, *, returns: str = "NULL") -> str:
    return (
        f"CREATE OR REPLACE FUNCTION crm_{name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n{body}\n  RETURN {returns};\nEND $$"
    )


def _trigger(name: str, when: str, table: str, run: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION crm_{run}()",
    ]


def _postgresql_triggers(bind: Any) -> list[str]:
    function, trigger = _function, _trigger
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


def _postgresql_company_triggers() -> list[str]:
    # BEFORE the contact's row is written: it takes its cell with it, no second UPDATE.
    company = _COMPANY.format(company="NEW.company_id")
    return [
        _function("list_cells_company", f"  NEW.list_company := {company};", returns="NEW"),
        _function("list_cells_company_renamed", f"  {_set_company_holders('NEW')};"),
        *_trigger("list_cells_company_given", "BEFORE INSERT", "contacts", "list_cells_company"),
        *_trigger(
            "list_cells_company_changed",
            "BEFORE UPDATE OF company_id",
            "contacts",
            "list_cells_company",
        ),
        *_trigger(
            "list_cells_company_renamed",
            "AFTER UPDATE OF name",
            "companies",
            "list_cells_company_renamed",
        ),
    ]


def _execute(bind: Any, statement: str) -> None:
    # alembic.op, a Session and a Connection all take text(); none of this SQL has a ':name'.
    bind.execute(text(statement))


def create_triggers(bind: Any, *, company: bool = True) -> None:
    """Create (or re-create) the triggers that keep the cells, and on SQLite the list's index
    (`bind`: alembic.op, a Session or a Connection).

    `company=False` (migration 0012, before the company cell was added by 0013): only the
    email and tag triggers, no index.
    """
    if dialect_of(bind) == POSTGRESQL:
        statements = _postgresql_triggers(bind)
        if company:
            statements += _postgresql_company_triggers()
    else:
        statements = _sqlite_triggers(bind)
        if company:
            statements += [*_sqlite_company_triggers(), CREATE_INDEX]
    for statement in statements:
        _execute(bind, statement)


def drop_triggers(bind: Any) -> None:
    """Drop the triggers (before a batch migration copies one of their tables)."""
    postgresql = dialect_of(bind) == POSTGRESQL
    for name, table in TRIGGER_TABLES.items():
        on = f" ON {table}" if postgresql else ""
        _execute(bind, f"DROP TRIGGER IF EXISTS {name}{on}")
    if postgresql:
        for function in ("emails", "tags", "tag_renamed", "company", "company_renamed"):
            _execute(bind, f"DROP FUNCTION IF EXISTS crm_list_cells_{function}()")


def rebuild(bind: Any, where: str = "1 = 1", *, company: bool = True) -> None:
    """Compute the cells again of every contact, or of those that match `where` (SQL on
    `contacts`: a bulk import's new ids, written while the triggers were dropped).

    `company=False`: the email and tag cells only (migration 0012, before there was a company
    cell)."""
    emails, tags = (cell.format(id="contacts.id") for cell in _cells(bind))
    cells = f"list_emails = {emails}, list_tags = {tags}"
    if company:
        cells = f"list_company = {_COMPANY.format(company='contacts.company_id')}, {cells}"
    _execute(bind, f"UPDATE contacts SET {cells} WHERE {where}")


def differences_sql(*, postgresql: bool = False) -> str:
    """The ids of the contacts whose cells are not what their company, emails and tags make."""
    cells = (_POSTGRESQL_EMAILS, _POSTGRESQL_TAGS) if postgresql else (_SQLITE_EMAILS, _SQLITE_TAGS)
    emails, tags = (cell.format(id="contacts.id") for cell in cells)
    company = _COMPANY.format(company="contacts.company_id")
    differ = "IS DISTINCT FROM" if postgresql else "IS NOT"
    return (
        f"SELECT id FROM contacts WHERE list_company {differ} {company} "
        f"OR list_emails {differ} {emails} OR list_tags {differ} {tags} ORDER BY id"
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
