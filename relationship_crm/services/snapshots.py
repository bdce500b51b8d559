"""Row snapshots for undo: copy a row's stored values, and put the row back as it was.

A snapshot holds plain column values (ids, text, aware datetimes), never ORM objects, so it can
leave the session, wait on the GUI's undo stack, and be written back in a later transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from relationship_crm.storage.schema import Base

RowT = TypeVar("RowT", bound=Base)

#: One row's column values by attribute name, primary key included.
RowValues = Mapping[str, Any]


def row_values(row: Base) -> dict[str, Any]:
    """Every column value of a mapped row (not its relationships), keyed by attribute name."""
    mapper = inspect(row).mapper
    return {attr.key: getattr(row, attr.key) for attr in mapper.column_attrs}


def reinsert(session: Session, model: type[RowT], values: RowValues) -> RowT:
    """Insert a row from a snapshot, under its old id when that id is still free.

    SQLite hands out the highest id plus one, so a row deleted from the end of a table can see
    its id reused by a newer row; the snapshot then comes back under a new id (the returned row
    has it), and the caller relinks whatever pointed to the old one.
    """
    data = dict(values)
    old_id = data.get("id")
    if old_id is not None and session.get(model, old_id) is not None:
        del data["id"]
    row = model(**data)
    session.add(row)
    session.flush()
    return row
