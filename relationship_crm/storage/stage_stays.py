"""The pipeline's summary of the stage history: one stay per stage change, kept by the database.

`stage_stays` holds, for every stage change of an existing contact, the stay it starts: the
stage, when it was entered, when it was left (the contact's next change, or the trash for its
last stay) and the stage it went to (None when it was not left for another stage). Today's
pipeline figures then read index ranges of this table instead of the whole history
(services.stages.pipeline).

Triggers write it in the same transaction as the change, whoever makes it (a stage change, an
undo, a trash, a restore, a purge, a merge, an import, the JSON copy, sample data, a script):

- after any insert, update or delete of a `stage_changes` row, the contact's stays are computed
  again from its history (a few rows: a contact has a handful of changes);
- after `contacts.deleted_at` changes, the contact's last stay takes it as its end (or reopens);
- after a contact is deleted, its stays go.

The same SELECT (`stays_select`) builds the table in the migration, rebuilds it in `check
--repair`, and is what `check` compares the table with.

A later migration that makes Alembic's batch mode copy `contacts` or `stage_changes` on SQLite
(dropping a constraint, changing a column) must call `drop_triggers(op)` before and
`create_triggers(op)` after it: SQLite drops a table's triggers with the table, and refuses to
rename the copy while a trigger names the missing table. `tests/storage/test_stage_stays.py`
fails when the triggers are missing at the head revision.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import text

from relationship_crm.storage.portable import POSTGRESQL, dialect_of

TABLE: Final = "stage_stays"
COLUMNS: Final = "id, contact_id, stage, entered_at, left_at, next_stage"

# SQLite allows no WITH inside a trigger: a subquery in FROM instead.
_SELECT = """SELECT ch.id, ch.contact_id, ch.stage, ch.changed_at,
       COALESCE(ch.next_at, c.deleted_at), ch.next_stage
FROM (SELECT sc.id, sc.contact_id, sc.stage, sc.changed_at,
             LEAD(sc.stage) OVER (PARTITION BY sc.contact_id ORDER BY sc.changed_at, sc.id)
                 AS next_stage,
             LEAD(sc.changed_at) OVER (PARTITION BY sc.contact_id ORDER BY sc.changed_at, sc.id)
                 AS next_at
      FROM stage_changes sc WHERE {where}) ch
JOIN contacts c ON c.id = ch.contact_id"""


def stays_select(where: str = "1 = 1") -> str:
    """The stays of the contacts whose stage changes (`sc`) match `where`, as the table holds
    them (COLUMNS, in order)."""
    return _SELECT.format(where=where)


def _refresh(contact: str) -> str:
    return (
        f"DELETE FROM {TABLE} WHERE contact_id = {contact};\n"
        f"INSERT INTO {TABLE} ({COLUMNS})\n{stays_select(f'sc.contact_id = {contact}')};"
    )


# A change after every other of its contact (the usual case: a move, a new contact, an import in
# time order) only closes the contact's last stay and opens one: no recomputation.
_LATER = (
    "SELECT 1 FROM stage_changes l WHERE l.contact_id = NEW.contact_id"
    " AND (l.changed_at > NEW.changed_at OR (l.changed_at = NEW.changed_at AND l.id > NEW.id))"
)
_APPEND = (
    f"UPDATE {TABLE} SET left_at = NEW.changed_at, next_stage = NEW.stage"
    " WHERE contact_id = NEW.contact_id AND next_stage IS NULL AND id <> NEW.id;\n"
    f"INSERT INTO {TABLE} ({COLUMNS})"
    " SELECT NEW.id, NEW.contact_id, NEW.stage, NEW.changed_at, c.deleted_at, NULL"
    " FROM contacts c WHERE c.id = NEW.contact_id;"
)

_TRASH = (
    f"UPDATE {TABLE} SET left_at = NEW.deleted_at WHERE contact_id = NEW.id AND next_stage IS NULL"
)
_PURGE = f"DELETE FROM {TABLE} WHERE contact_id = OLD.id"

#: The trigger names (on PostgreSQL one function serves both inserts: no "appended").
TRIGGERS: Final = (
    "stage_stays_appended",
    "stage_stays_inserted",
    "stage_stays_updated",
    "stage_stays_deleted",
    "stage_stays_trash",
    "stage_stays_purge",
)

SQLITE_TRIGGERS: Final = (
    "CREATE TRIGGER IF NOT EXISTS stage_stays_appended AFTER INSERT ON stage_changes "
    f"WHEN NOT EXISTS ({_LATER}) BEGIN\n{_APPEND}\nEND",
    "CREATE TRIGGER IF NOT EXISTS stage_stays_inserted AFTER INSERT ON stage_changes "
    f"WHEN EXISTS ({_LATER}) BEGIN\n{_refresh('NEW.contact_id')}\nEND",
    "CREATE TRIGGER IF NOT EXISTS stage_stays_updated "
    "AFTER UPDATE OF contact_id, stage, changed_at ON stage_changes BEGIN\n"
    f"{_refresh('OLD.contact_id')}\n{_refresh('NEW.contact_id')}\nEND",
    "CREATE TRIGGER IF NOT EXISTS stage_stays_deleted AFTER DELETE ON stage_changes BEGIN\n"
    f"{_refresh('OLD.contact_id')}\nEND",
    "CREATE TRIGGER IF NOT EXISTS stage_stays_trash AFTER UPDATE OF deleted_at ON contacts "
    f"WHEN OLD.deleted_at IS NOT NEW.deleted_at BEGIN\n{_TRASH};\nEND",
    "CREATE TRIGGER IF NOT EXISTS stage_stays_purge AFTER DELETE ON contacts BEGIN\n"
    f"{_PURGE};\nEND",
)

POSTGRESQL_TRIGGERS: Final = (
    "CREATE OR REPLACE FUNCTION crm_stage_stays_refresh(cid integer) RETURNS void "
    f"LANGUAGE plpgsql AS $$ BEGIN\n{_refresh('cid')}\nEND $$",
    "CREATE OR REPLACE FUNCTION crm_stage_stays_history() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    "  IF TG_OP <> 'INSERT' THEN PERFORM crm_stage_stays_refresh(OLD.contact_id); END IF;\n"
    f"  IF TG_OP = 'INSERT' AND NOT EXISTS ({_LATER}) THEN\n    {_APPEND}\n"
    "  ELSIF TG_OP <> 'DELETE' THEN PERFORM crm_stage_stays_refresh(NEW.contact_id); END IF;\n"
    "  RETURN NULL;\n"
    "END $$",
    "CREATE OR REPLACE FUNCTION crm_stage_stays_contact() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    f"  IF TG_OP = 'DELETE' THEN {_PURGE}; ELSE {_TRASH}; END IF;\n"
    "  RETURN NULL;\n"
    "END $$",
    "DROP TRIGGER IF EXISTS stage_stays_appended ON stage_changes",
    "DROP TRIGGER IF EXISTS stage_stays_inserted ON stage_changes",
    "CREATE TRIGGER stage_stays_inserted AFTER INSERT ON stage_changes "
    "FOR EACH ROW EXECUTE FUNCTION crm_stage_stays_history()",
    "DROP TRIGGER IF EXISTS stage_stays_updated ON stage_changes",
    "CREATE TRIGGER stage_stays_updated AFTER UPDATE OF contact_id, stage, changed_at "
    "ON stage_changes FOR EACH ROW EXECUTE FUNCTION crm_stage_stays_history()",
    "DROP TRIGGER IF EXISTS stage_stays_deleted ON stage_changes",
    "CREATE TRIGGER stage_stays_deleted AFTER DELETE ON stage_changes "
    "FOR EACH ROW EXECUTE FUNCTION crm_stage_stays_history()",
    "DROP TRIGGER IF EXISTS stage_stays_trash ON contacts",
    "CREATE TRIGGER stage_stays_trash AFTER UPDATE OF deleted_at ON contacts FOR EACH ROW "
    "WHEN (OLD.deleted_at IS DISTINCT FROM NEW.deleted_at) "
    "EXECUTE FUNCTION crm_stage_stays_contact()",
    "DROP TRIGGER IF EXISTS stage_stays_purge ON contacts",
    "CREATE TRIGGER stage_stays_purge AFTER DELETE ON contacts "
    "FOR EACH ROW EXECUTE FUNCTION crm_stage_stays_contact()",
)

_TRIGGER_TABLES: Final = {
    "stage_stays_appended": "stage_changes",
    "stage_stays_inserted": "stage_changes",
    "stage_stays_updated": "stage_changes",
    "stage_stays_deleted": "stage_changes",
    "stage_stays_trash": "contacts",
    "stage_stays_purge": "contacts",
}

REBUILD: Final = (f"DELETE FROM {TABLE}", f"INSERT INTO {TABLE} ({COLUMNS}) {stays_select()}")


def _execute(bind: Any, statement: str) -> None:
    # alembic.op, a Session and a Connection all take text(); none of this SQL has a ':name'.
    bind.execute(text(statement))


def create_triggers(bind: Any) -> None:
    """Create (or re-create) the triggers that keep the table (`bind`: alembic.op, a Session or a
    Connection)."""
    statements = POSTGRESQL_TRIGGERS if dialect_of(bind) == POSTGRESQL else SQLITE_TRIGGERS
    for statement in statements:
        _execute(bind, statement)


def drop_triggers(bind: Any) -> None:
    """Drop the triggers (before a batch migration copies `contacts` or `stage_changes`)."""
    postgresql = dialect_of(bind) == POSTGRESQL
    for name in TRIGGERS:
        on = f" ON {_TRIGGER_TABLES[name]}" if postgresql else ""
        _execute(bind, f"DROP TRIGGER IF EXISTS {name}{on}")
    if postgresql:
        for function in ("history()", "contact()", "refresh(integer)"):
            _execute(bind, f"DROP FUNCTION IF EXISTS crm_stage_stays_{function}")


def rebuild(bind: Any) -> None:
    """Compute the whole table again from the stage history and the trash."""
    for statement in REBUILD:
        _execute(bind, statement)


def add_stays(bind: Any, where: str) -> None:
    """Add the stays of the stage changes that match `where` (SQL on `sc`, the changes), whose
    contacts have none yet: a bulk import's new contacts, written while the triggers were
    dropped."""
    _execute(bind, f"INSERT INTO {TABLE} ({COLUMNS}) {stays_select(where)}")


def missing_triggers(bind: Any) -> list[str]:
    """The names of the triggers that are not in the database."""
    if dialect_of(bind) == POSTGRESQL:
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    present = {row[0] for row in bind.execute(text(sql))}
    if dialect_of(bind) == POSTGRESQL:
        present.add("stage_stays_appended")
    return [name for name in TRIGGERS if name not in present]


#: The stays the table lacks or has wrong (by stage change), and those it has in excess.
DIFFERENCES_SQL: Final = (
    f"SELECT w.id FROM ({stays_select()} EXCEPT SELECT {COLUMNS} FROM {TABLE}) AS w ORDER BY 1",
    f"SELECT s.id FROM (SELECT {COLUMNS} FROM {TABLE} EXCEPT {stays_select()}) AS s ORDER BY 1",
)
