"""Contact search: every word of a query, in any field, a contact's research or a phone number.

Words are looked up in the full-text index (services.contacts keeps it current) as word
prefixes first, ranked, then anywhere inside a field; a query written like a phone number is
matched by its digits, whatever punctuation either side used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from sqlalchemy import select, text
from sqlalchemy.orm import Session, selectinload

from relationship_crm.domain.records import ContactView
from relationship_crm.domain.text import words
from relationship_crm.services import contacts, settings
from relationship_crm.services.contact_fields import phone_key
from relationship_crm.storage import search_index
from relationship_crm.storage.schema import CONTACT_FTS_TABLE, Contact

# A phone number as typed in a search box: digits and the punctuation numbers are written with.
_PHONE_QUERY = re.compile(r"[\d\s+().\-/]+")
# Fewer digits than this is more likely a year or a house number than part of a phone number.
MIN_PHONE_DIGITS = 4
# A stored number this long is a whole number: found inside a query that adds a country code.
MIN_WHOLE_NUMBER_DIGITS = 7


def _sql_digits(column: str) -> str:
    """SQL for `column` with the usual phone punctuation removed (SQLite has no regex replace)."""
    expression = column
    for mark in (" ", "-", "(", ")", ".", "/", "+"):
        expression = f"replace({expression}, '{mark}', '')"
    return expression


def search(session: Session, query: str, *, limit: int = 50) -> list[ContactView]:
    """Contacts matching every word of the query, best match first (see `search_ids`)."""
    ranked = search_ids(session, query, limit=limit)
    by_id = {c.id: c for c in _load(session, ranked)}
    return [contacts.view_of(by_id[i]) for i in ranked if i in by_id]


def _load(session: Session, ids: Sequence[int]) -> list[Contact]:
    found: list[Contact] = []
    # SQLite limits bound parameters per statement; chunk long id lists.
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.extend(
            session.scalars(
                select(Contact)
                .where(Contact.id.in_(chunk), Contact.deleted_at.is_(None))
                .options(
                    selectinload(Contact.emails),
                    selectinload(Contact.phones),
                    selectinload(Contact.tags),
                    selectinload(Contact.company),
                    selectinload(Contact.addresses),
                )
            )
        )
    return found


def search_ids(session: Session, query: str, *, limit: int = 50) -> list[int]:
    """The ids of the contacts matching every word of the query, best match first.

    The app's list reads only the ids (and then the few rows it shows), not whole contacts.

    Each word must be found somewhere: in the name, emails, company, title, notes or tags, in the
    text of the contact's own research notes, or (a word of digits) in a phone number. Matching
    ignores case and accents ("briain" finds "Ó Briain"). Contacts with every word as a word
    prefix come first (ranked by BM25, name hits weigh most), then those with a word inside a
    longer word ("donald" in "McDonald") or in their research. A query that is a phone number
    ("+1 (212) 555-0100") finds it by digits whatever the format, and those contacts lead.
    """
    terms = list(dict.fromkeys(words(query)))[:20]
    phone_digits = _phone_query_digits(query)
    if not terms and not phone_digits:
        return []
    ranked: list[int] = []
    seen: set[int] = set()  # the list can hold thousands of ids (the desktop list asks for 2000)

    def add(ids: Iterable[int]) -> None:
        for i in ids:
            if i not in seen and len(ranked) < limit:
                seen.add(i)
                ranked.append(i)

    if phone_digits:
        add(_phone_matches(session, query, phone_digits, limit))
    if terms and len(ranked) < limit:
        # Every word as a word prefix: the full-text index answers and ranks.
        sql, found = search_index.prefix_search(session, terms)
        add(session.execute(text(sql), {**found, "n": limit}).scalars())
    if terms and len(ranked) < limit:
        # Every word anywhere: inside a longer word, in research notes, in a phone's digits.
        # The IN subqueries are not correlated, so SQLite runs each once per search.
        clauses = []
        params: dict[str, object] = {}
        for i, term in enumerate(terms):
            params[f"t{i}"] = f"%{_like_escape(term)}%"
            where = [
                f"f.{column} LIKE :t{i} ESCAPE '\\'"
                for column in ("name", "emails", "company", "notes", "tags")
            ]
            if _research_mentions(session, params[f"t{i}"]):
                where.append(
                    f"c.id IN (SELECT r.contact_id FROM research_notes r WHERE {_CONTACT_RESEARCH} "
                    f"AND crm_fold(r.text) LIKE :t{i} ESCAPE '\\')"
                )
            if term.isdigit():
                where.append(
                    "c.id IN (SELECT p.contact_id FROM contact_phones p "
                    f"WHERE {_sql_digits('p.value')} LIKE :t{i})"
                )
            clauses.append("(" + " OR ".join(where) + ")")
        params["n"] = limit + len(ranked)  # what was found above comes back too
        add(
            session.execute(
                text(
                    f"SELECT f.rowid FROM {CONTACT_FTS_TABLE} f JOIN contacts c ON c.id = f.rowid "
                    f"WHERE {' AND '.join(clauses)} AND c.deleted_at IS NULL "
                    "ORDER BY c.sort_name LIMIT :n"
                ),
                params,
            ).scalars()
        )
    return ranked


# Research about a contact (not a company or a meeting) is what a contact search looks in.
_CONTACT_RESEARCH = "r.contact_id IS NOT NULL"


def _research_mentions(session: Session, pattern: object) -> bool:
    """Whether any contact's research note matches the LIKE `pattern`.

    Asked first so the common case (no research mentions the word) leaves the research clause
    out of the scan over every contact.
    """
    sql = (
        f"SELECT EXISTS (SELECT 1 FROM research_notes r WHERE {_CONTACT_RESEARCH} "
        "AND crm_fold(r.text) LIKE :p ESCAPE '\\')"
    )
    return bool(session.execute(text(sql), {"p": pattern}).scalar())


def _phone_query_digits(query: str) -> str:
    """The digits of a query that is a phone number (at least MIN_PHONE_DIGITS), else ""."""
    stripped = query.strip()
    if not stripped or not _PHONE_QUERY.fullmatch(stripped):
        return ""
    digits = "".join(c for c in stripped if c.isdigit())
    return digits if len(digits) >= MIN_PHONE_DIGITS else ""


def _phone_matches(session: Session, query: str, digits: str, limit: int) -> list[int]:
    """Contacts with a phone whose digits contain the query's, or are contained in them.

    Both ways, and on the stored E.164 key too, so "+1 (212) 555-0100" finds "212-555-0100"
    (typed without the country code) and "212 555 0100" finds "+1 212 555 0100".
    """
    key_digits = "".join(
        c for c in phone_key(query, settings.get(session, "phone_region")) if c.isdigit()
    )
    stored = _sql_digits("p.value")
    stored_key = _sql_digits("p.value_key")
    sql = (
        "SELECT p.contact_id FROM contact_phones p JOIN contacts c ON c.id = p.contact_id "
        "WHERE c.deleted_at IS NULL AND ("
        f"{stored} LIKE :inside OR {stored_key} LIKE :inside OR {stored_key} LIKE :key_inside "
        f"OR (length({stored}) >= :whole AND :digits LIKE '%' || {stored} || '%') "
        f"OR (length({stored_key}) >= :whole AND :key LIKE '%' || {stored_key} || '%')) "
        "GROUP BY p.contact_id ORDER BY min(c.sort_name) LIMIT :n"
    )
    params = {
        "inside": f"%{digits}%",
        "key_inside": f"%{key_digits or digits}%",
        "digits": digits,
        "key": key_digits or digits,
        "whole": MIN_WHOLE_NUMBER_DIGITS,
        "n": limit,
    }
    return list(session.execute(text(sql), params).scalars())


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
