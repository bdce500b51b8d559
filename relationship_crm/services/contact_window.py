"""The app's contact list at any size: the filtered ids in order once, then only the rows shown.

`contact_list.page` reads a page with LIMIT/OFFSET over a join whose subqueries SQLite must work
out for every contact before it can sort (seconds at 100,000 contacts, more for each deeper page).
Here the order is read once as ids (the sort-name index answers it), and a page is the rows of a
slice of those ids: the same cost for the first page and the last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import Session

from relationship_crm.domain.text import words
from relationship_crm.services import contact_search
from relationship_crm.services.common import utcnow
from relationship_crm.services.contact_list import (
    SEARCH_LIMIT,
    ContactFilter,
    ContactRow,
    _base,
    _first_email,
    _last_contact,
    _next_follow_up,
    _row,
)
from relationship_crm.storage.db import fetch_tuples
from relationship_crm.storage.schema import Company, Contact
from relationship_crm.storage.types import read_instant


@dataclass(frozen=True, slots=True)
class ContactWindow:
    """The first rows of the list the filter shows, how many it shows, and how to go on.

    In name order (the usual list) `keyset` is True: `ids` are the first rows' ids only, and
    `rows_after` reads the next page from where the last row is, along the sort-name index.
    Otherwise `ids` are every contact's, in order, and a page is `rows` of a slice of them.
    `more` is True when a search stopped at its quick limit: `ordered_ids` with the full limit
    finds the rest (the ids found here are their first ones, in the same order).
    """

    ids: tuple[int, ...]
    rows: tuple[ContactRow, ...]
    total: int
    more: bool = False
    keyset: bool = False


#: A query of this many letters or fewer matches most of a big book, and ranking every match by
#: BM25 took about 100 ms at 100,000 contacts: a keystroke's budget twice over (issue 18). Such a
#: query lists the names that start with it instead, read along the sort-name index in name
#: order (type "m", see the M's); a longer one is the full search.
SHORT_QUERY = 2


def name_prefix(query: str) -> str | None:
    """The folded start of a name that a one- or two-letter query lists, or None when the
    query is a real search (longer, several words, or nothing)."""
    terms = words(query)
    if len(terms) == 1 and len(terms[0]) <= SHORT_QUERY:
        return terms[0]
    return None


def _base_of(session: Session, flt: ContactFilter) -> Select[Any]:
    """The filter's contacts, narrowed to the names a short query starts (see `name_prefix`)."""
    # Which index SQLite walks (EXPLAIN QUERY PLAN, 100,000 contacts). With a stage, the plain
    # `deleted_at IS NULL` lets it take the partial list-cells index, (stage, sort_name, ...)
    # of live contacts: a page in 0.1 ms. Without one, the deleted_at index would win over the
    # sort-name index and every page would sort the whole book first (30 ms a page, each one a
    # stutter while the list scrolls): that index is hidden from it.
    by_deleted_index = flt.stage is not None
    prefix = name_prefix(flt.query) if flt.query.strip() else None
    if prefix is None:
        return _base(session, flt, by_deleted_index=by_deleted_index)
    # A range of the sort-name index (or of the list cells' within a stage): sort names are
    # folded, so the next code point after the prefix's last one bounds every name that starts
    # with it.
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return _base(session, flt, by_deleted_index=by_deleted_index).where(
        Contact.sort_name >= prefix, Contact.sort_name < after
    )


def _by_name(flt: ContactFilter) -> bool:
    """Whether the list is in name order along the index (no search, or a short one): pages
    are then read from the last row on."""
    plain = not flt.query.strip() or name_prefix(flt.query) is not None
    return plain and flt.sort in ("name", "relevance") and not flt.descending


def ordered_ids(
    session: Session,
    flt: ContactFilter,
    *,
    now: datetime | None = None,
    search_limit: int = SEARCH_LIMIT,
) -> list[int]:
    """The ids of the contacts `flt` shows, in the list's order (as `contact_list.page` sorts)."""
    return _ordered(session, flt, now or utcnow(), search_limit)[0]


def _ordered(
    session: Session, flt: ContactFilter, now: datetime, search_limit: int
) -> tuple[list[int], int]:
    """The ordered ids, and how many contacts the search found (0 without a search)."""
    base = _base_of(session, flt)
    sort = flt.sort
    found = 0
    if flt.query.strip() and name_prefix(flt.query) is not None:
        sort = "name" if sort == "relevance" else sort  # names that start with it: no ranking
    elif flt.query.strip():
        ranked = contact_search.search_ids(session, flt.query, limit=search_limit)
        found = len(ranked)
        if not ranked:
            return [], 0
        if sort == "relevance":
            narrowed = flt.stage or flt.tag or flt.ids is not None or flt.mine
            if not narrowed:
                return ranked, found
            kept = set(session.scalars(base.where(Contact.id.in_(ranked))))
            return [i for i in ranked if i in kept], found
        base = base.where(Contact.id.in_(ranked))
    if sort not in ("company", "stage", "last_contact", "next_follow_up"):
        sort = "name"
    query = base
    if sort == "company":
        key: Any = func.coalesce(Company.name_key, "\uffff")
        query = query.outerjoin(Company, Company.id == Contact.company_id)
    else:
        key = {
            "name": Contact.sort_name,
            "stage": Contact.stage,
            "last_contact": _last_contact(now),
            "next_follow_up": _next_follow_up(),
        }[sort]
    order = key.desc() if flt.descending else key.asc()
    if sort in ("last_contact", "next_follow_up"):
        # Contacts with no date go last either way.
        query = query.order_by(key.is_(None), order, Contact.sort_name, Contact.id)
    elif sort == "name":
        # Along the sort-name index (which ends in the rowid): no sorting of 100,000 rows.
        query = query.order_by(order, Contact.id)
    else:
        query = query.order_by(order, Contact.sort_name, Contact.id)
    return list(session.scalars(query)), found


def rows(session: Session, ids: Sequence[int], *, now: datetime | None = None) -> list[ContactRow]:
    """The list rows of these contacts, in the order given (a contact gone since is left out)."""
    if not ids:
        return []
    now = now or utcnow()
    first_email = _first_email()
    query = (
        select(
            Contact.id,
            Contact.display_name,
            Company.name,
            Contact.stage,
            first_email,
            _last_contact(now),
            _next_follow_up(),
        )
        .outerjoin(Company, Company.id == Contact.company_id)
        .where(Contact.id.in_(list(ids)), Contact.deleted_at.is_(None))
    )
    # Straight from the driver (issue 18): SQLAlchemy's rows cost 3.5 ms of a 200-row page's
    # Python, which holds the GIL the GUI thread's paint needs while the list scrolls.
    found = {r[0]: r for r in fetch_tuples(session, query)}
    return [_row(_read(found[i])) for i in ids if i in found]


def _read(row: Any) -> tuple[Any, ...]:
    """A row read past SQLAlchemy, with its two instants as UTCDateTime gives them."""
    cid, name, company, stage, email, last, nxt = row
    return cid, name, company, stage, email, read_instant(last), read_instant(nxt)


def first_window(
    session: Session,
    flt: ContactFilter,
    *,
    limit: int,
    now: datetime | None = None,
    search_limit: int = SEARCH_LIMIT,
) -> ContactWindow:
    """The first `limit` rows of `flt`'s list and how to read the rest, in one read.

    A search asks first for `search_limit` matches (set it low to answer a keystroke fast) and
    says `more` when there may be others.
    """
    now = now or utcnow()
    if _by_name(flt):
        base = _base_of(session, flt)
        total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
        first = list(session.scalars(base.order_by(Contact.sort_name, Contact.id).limit(limit)))
        return ContactWindow(tuple(first), tuple(rows(session, first, now=now)), total, keyset=True)
    ids, found = _ordered(session, flt, now, search_limit)
    more = search_limit < SEARCH_LIMIT and found >= search_limit
    return ContactWindow(tuple(ids), tuple(rows(session, ids[:limit], now=now)), len(ids), more)


def rows_after(
    session: Session,
    flt: ContactFilter,
    after_id: int,
    *,
    limit: int,
    now: datetime | None = None,
) -> list[ContactRow]:
    """The `limit` rows after contact `after_id` in name order (a `keyset` window's next page)."""
    sort_name = session.scalar(select(Contact.sort_name).where(Contact.id == after_id))
    if sort_name is None:
        return []  # the contact was purged: the list reloads on that change anyway
    ids = list(
        session.scalars(
            _base_of(session, flt)
            .where(tuple_(Contact.sort_name, Contact.id) > tuple_(sort_name, after_id))
            .order_by(Contact.sort_name, Contact.id)
            .limit(limit)
        )
    )
    return rows(session, ids, now=now)
