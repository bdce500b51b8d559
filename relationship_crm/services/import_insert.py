"""The import's bulk insert: new contacts with their children, stage and search rows, fast.

New contacts go in with executemany of plain values and ids given, not returned (20,000 cards
in a few seconds), in chunks that also report progress; their companies and tags are found or
created in bulk first. On SQLite the derived tables' triggers are dropped and put back inside
the import's transaction, and the search index rows are folded here; a server keeps its
triggers and builds its own index rows. Used by `services.importing`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import cast

from sqlalchemy import Connection, Table, column, func, insert, select, table, text
from sqlalchemy.orm import Session

from relationship_crm.domain.text import fold
from relationship_crm.services import contacts
from relationship_crm.services.common import utcnow
from relationship_crm.services.contact_fields import CleanContact
from relationship_crm.services.import_merge import ADDRESS_FIELDS
from relationship_crm.services.import_summary import Progress
from relationship_crm.storage import identity, list_cells, portable, stage_stays
from relationship_crm.storage.schema import (
    CONTACT_FTS_TABLE,
    Base,
    Company,
    Contact,
    Tag,
)
from relationship_crm.storage.types import format_instant

_CHUNK = 2000


def insert_new(
    session: Session,
    new: list[CleanContact],
    *,
    now: datetime,
    report: Progress,
    total: int,
) -> list[int]:
    """Bulk-insert new contacts with their emails, phones, addresses, tags, first stage and
    search index rows."""
    if not new:
        return []
    session.flush()
    company_ids = _ids_for(session, Company, {c.company_key: c.company for c in new if c.company})
    tag_ids = _ids_for(session, Tag, {k: n for c in new for n, k in c.tags})
    # Ids are given, not returned: the write transaction (BEGIN IMMEDIATE) holds the lock, so
    # nobody else can take them, and SQLite's RETURNING in parameter order runs one INSERT per
    # row (20,000 statements for 20,000 contacts, measured) where executemany runs a few.
    new_ids = _new_ids(session, Contact, len(new))
    first_id = new_ids[0]
    # The rows go in as plain values (the stamp formatted once for all): SQLAlchemy's per-row
    # parameter processing cost more than SQLite's own work (issue 18).
    if now.tzinfo is None:
        raise ValueError("an import needs an aware `now`")
    stamp = format_instant(now)
    connection = session.connection()
    rep = identity.current_rep(connection)  # whose they are (a team's server: this rep's)
    with _summaries_after(connection, new_ids):
        _insert_rows(connection, new, new_ids, company_ids, tag_ids, stamp, rep, report, total)
    ids = list(new_ids)
    if connection.dialect.name == "sqlite":
        _index_new(session, new, ids, first_id, company_ids, tag_ids)
    else:  # another engine folds in its own SQL: let it build the rows
        contacts.reindex(session, ids)
    return ids


@contextmanager
def _summaries_after(connection: Connection, new_ids: Sequence[int]) -> Iterator[None]:
    """On SQLite, the derived tables' triggers (the pipeline's stays, the list's cells) dropped
    while the new contacts go in, their rows then computed in one statement each, and the
    triggers put back: all in the import's transaction, so no other connection ever sees the
    schema without them, and a failed or killed import rolls the drop back with the rest.

    Per row, the triggers cost more than the rows (about 25 us a contact for its stay, 10-15 us
    for each email and tag), a third of a large import. A server keeps its triggers: several
    reps write at once there, and its transaction's DDL would lock the tables for them all.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    stage_stays.drop_triggers(connection)
    list_cells.drop_triggers(connection)
    try:
        yield
        new = f"BETWEEN {int(new_ids[0])} AND {int(new_ids[-1])}"
        stage_stays.add_stays(connection, f"sc.contact_id {new}")
        list_cells.rebuild(connection, f"id {new}")
    finally:
        stage_stays.create_triggers(connection)
        list_cells.create_triggers(connection)


def _insert_rows(
    connection: Connection,
    new: list[CleanContact],
    new_ids: Sequence[int],
    company_ids: dict[str, int],
    tag_ids: dict[str, int],
    stamp: str,
    rep: str,
    report: Progress,
    total: int,
) -> None:
    for first in range(0, len(new), _CHUNK):
        chunk = new[first : first + _CHUNK]
        chunk_ids = new_ids[first : first + _CHUNK]
        _bulk(
            connection,
            "contacts",
            _CONTACT_COLUMNS,
            [
                (
                    cid,
                    c.name,
                    c.given_name,
                    c.family_name,
                    c.sort_name,
                    company_ids.get(c.company_key),
                    c.title,
                    c.stage,
                    c.birthday,
                    c.notes,
                    stamp,
                    stamp,
                    rep,
                    rep,
                )
                for c, cid in zip(chunk, chunk_ids, strict=True)
            ],
        )
        _insert_children(connection, chunk, chunk_ids, tag_ids, stamp)
        report(total - len(new) + first + len(chunk), total)


_CONTACT_COLUMNS = (
    "id",
    "display_name",
    "given_name",
    "family_name",
    "sort_name",
    "company_id",
    "title",
    "stage",
    "birthday",
    "notes",
    "created_at",
    "updated_at",
    "owner",
    "updated_by",
)
_VALUE_COLUMNS = ("contact_id", "label", "value", "value_key", "position")
_ADDRESS_COLUMNS = ("contact_id", "position", *ADDRESS_FIELDS)


def _insert_children(
    connection: Connection,
    chunk: Sequence[CleanContact],
    ids: Sequence[int],
    tag_ids: dict[str, int],
    stamp: str,
) -> None:
    pairs = list(zip(chunk, ids, strict=True))
    emails = [(cid, e.label, e.value, e.key, i) for c, cid in pairs for i, e in enumerate(c.emails)]
    phones = [(cid, p.label, p.value, p.key, i) for c, cid in pairs for i, p in enumerate(c.phones)]
    addresses = [
        (cid, i, *(a[k] for k in ADDRESS_FIELDS))
        for c, cid in pairs
        for i, a in enumerate(c.addresses)
    ]
    links = [(cid, tag_ids[key]) for c, cid in pairs for _, key in c.tags]
    stages = [(cid, c.stage, stamp) for c, cid in pairs]
    _bulk(connection, "contact_emails", _VALUE_COLUMNS, emails)
    _bulk(connection, "contact_phones", _VALUE_COLUMNS, phones)
    _bulk(connection, "contact_addresses", _ADDRESS_COLUMNS, addresses)
    _bulk(connection, "stage_changes", ("contact_id", "stage", "changed_at"), stages)
    _bulk(connection, "contact_tags", ("contact_id", "tag_id"), links)


def _bulk(
    connection: Connection, name: str, columns: Sequence[str], rows: Sequence[tuple[object, ...]]
) -> None:
    """executemany of rows of plain values (stamps already text) into these columns."""
    if not rows:
        return
    statement = insert(table(name, *(column(c) for c in columns))).compile(
        dialect=connection.dialect, column_keys=list(columns)
    )
    if connection.dialect.positional:
        assert tuple(statement.positiontup or ()) == tuple(columns)
        connection.exec_driver_sql(str(statement), rows)
    else:
        connection.exec_driver_sql(
            str(statement), [dict(zip(columns, r, strict=True)) for r in rows]
        )


def _index_new(
    session: Session,
    new: Sequence[CleanContact],
    ids: Sequence[int],
    first_id: int,
    company_ids: dict[str, int],
    tag_ids: dict[str, int],
) -> None:
    """The search index rows of new contacts, folded here from what was just inserted.

    The same text as `contacts.reindex` builds in SQL, without its per-contact subqueries and
    five calls back into Python per row: the company's and the tags' names as stored (a
    company or tag already there keeps its first spelling), the tags in the order of their ids
    (as the index's join reads them).
    """
    companies = {
        key: fold(name) for key, name in _stored_names(session, Company, company_ids).items()
    }
    tag_names = _stored_names(session, Tag, tag_ids)

    def tag_words(tags: tuple[tuple[str, str], ...]) -> str:
        if len(tags) > 1:
            keys = sorted((key for _, key in tags), key=tag_ids.__getitem__)
            return fold(" ".join(tag_names[key] for key in keys))
        return fold(tag_names[tags[0][1]]) if tags else ""

    rows = [
        (
            cid,
            fold(f"{c.name} {c.given_name} {c.family_name}"),
            fold(" ".join(e.value for e in c.emails)),
            companies.get(c.company_key, "") if c.company else "",
            fold(f"{c.title}\n{c.notes}"),
            tag_words(c.tags),
        )
        for c, cid in zip(new, ids, strict=True)
    ]
    connection = session.connection()
    # Rows a contact deleted without its index row left behind would stand in the way.
    connection.exec_driver_sql(f"DELETE FROM {CONTACT_FTS_TABLE} WHERE rowid >= ?", (first_id,))
    connection.exec_driver_sql(
        f"INSERT INTO {CONTACT_FTS_TABLE} (rowid, name, emails, company, notes, tags) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )


def _stored_names(
    session: Session, model: type[Company] | type[Tag], ids: dict[str, int]
) -> dict[str, str]:
    """The stored name of each company or tag, by its key (`ids`: key -> id)."""
    keys_by_id = {i: key for key, i in ids.items()}
    found: dict[str, str] = {}
    wanted = list(keys_by_id)
    for first in range(0, len(wanted), 500):
        chunk = wanted[first : first + 500]
        for i, name in session.execute(select(model.id, model.name).where(model.id.in_(chunk))):
            found[keys_by_id[i]] = name
    return found


def _ids_for(
    session: Session, model: type[Company] | type[Tag], wanted: dict[str, str]
) -> dict[str, int]:
    """Ids of the companies or tags with these folded keys, creating the missing ones."""
    if not wanted:
        return {}
    found: dict[str, int] = {}
    keys = list(wanted)
    for first in range(0, len(keys), 500):
        chunk = keys[first : first + 500]
        found.update(
            session.execute(select(model.name_key, model.id).where(model.name_key.in_(chunk))).all()
        )
    missing = [k for k in keys if k not in found]
    if missing:
        now = utcnow()
        extra: dict[str, object] = (
            {"website": "", "notes": "", "created_at": now, "updated_at": now}
            if model is Company
            else {}
        )
        new_ids = _new_ids(session, model, len(missing))
        rows = [
            {"id": i, "name": wanted[k], "name_key": k, **extra}
            for k, i in zip(missing, new_ids, strict=True)
        ]
        session.connection().execute(insert(_table(model)), rows)
        found.update(zip(missing, new_ids, strict=True))
    return found


def _new_ids(
    session: Session, model: type[Company] | type[Tag] | type[Contact], count: int
) -> Sequence[int]:
    """`count` ids for new rows of `model`: after the largest on SQLite (the write lock is held),
    from the id sequence on a server (where other reps' rows take theirs from it too)."""
    if portable.dialect_of(session) == portable.POSTGRESQL:
        table = _table(model).name
        return list(
            session.scalars(
                text(
                    f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": count},
            )
        )
    first = (session.scalar(select(func.max(model.id))) or 0) + 1
    return range(first, first + count)


def _table(model: type[Base]) -> Table:
    """The model's Core table: executemany without the ORM's per-row bookkeeping."""
    return cast(Table, model.__table__)
