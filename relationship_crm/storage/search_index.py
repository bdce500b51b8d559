"""The contact search index on either engine: one interface, SQLite FTS5 or PostgreSQL full text.

Both keep the table `contacts_fts` (rowid = contact id) with the folded text of five columns:
name, emails, company, notes, tags, filled by one INSERT ... SELECT through `crm_fold` (a Python
function registered on every SQLite connection; on PostgreSQL an SQL function over `unaccent`
and `lower`, created by the first migration). Word-prefix search ranks name hits first:

- SQLite: an FTS5 virtual table, ``MATCH '"word"*'``, ranked by bm25 with column weights.
- PostgreSQL: a stored tsvector with weights A (name), B (emails), C (company, tags), D (notes),
  ``@@ 'word':*``, ranked by ts_rank; trigram (pg_trgm) indexes serve the substring LIKEs.

The substring search (``f.name LIKE '%onal%'``) is the same SQL on both.
"""

from __future__ import annotations

from typing import Any

from relationship_crm.storage.portable import POSTGRESQL, dialect_of
from relationship_crm.storage.schema import CONTACT_FTS_DDL, CONTACT_FTS_TABLE

# The words of a text as FTS5's unicode61 tokenizer splits them (punctuation separates words,
# "jane.doe@example.com" is four), which PostgreSQL's own parser does not do for emails and URLs.
_PG_WORDS = "regexp_replace(coalesce({0}, ''), '[^[:alnum:]]+', ' ', 'g')"


def _weighted(column: str, weight: str) -> str:
    return f"setweight(to_tsvector('simple', {_PG_WORDS.format(column)}), '{weight}')"


_PG_DOCUMENT = " || ".join(
    _weighted(column, weight)
    for column, weight in (
        ("name", "A"),
        ("emails", "B"),
        ("company", "C"),
        ("tags", "C"),
        ("notes", "D"),
    )
)

POSTGRESQL_DDL: tuple[str, ...] = (
    # Both are "trusted" extensions (PostgreSQL 13+): the database owner may create them.
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # The search folding of domain.text.fold in SQL (case and accents; the final sigma as
    # Python's casefold writes it). SET search_path pins the unaccent dictionary whatever the
    # caller's path. Letters beyond unaccent's rules may fold differently from Python's NFKD:
    # those are then found by the query's other words, or not at all.
    "CREATE OR REPLACE FUNCTION crm_fold(text) RETURNS text LANGUAGE sql IMMUTABLE "
    "PARALLEL SAFE SET search_path FROM CURRENT "
    "AS $$ SELECT translate(lower(unaccent('unaccent', coalesce($1, ''))), 'ς', 'σ') $$",
    # SQLite's julianday for the stored texts ("2026-12-03 09:00:00.000000", "2026-12-03").
    "CREATE OR REPLACE FUNCTION julianday(text) RETURNS double precision LANGUAGE sql "
    "IMMUTABLE PARALLEL SAFE "
    "AS $$ SELECT (extract(epoch FROM CAST($1 AS timestamp)) / 86400 + 2440587.5)::float8 $$",
    f"CREATE TABLE {CONTACT_FTS_TABLE} (rowid integer PRIMARY KEY, name text, emails text, "
    f"company text, notes text, tags text, "
    f"document tsvector GENERATED ALWAYS AS ({_PG_DOCUMENT}) STORED)",
    f"CREATE INDEX ix_{CONTACT_FTS_TABLE}_document ON {CONTACT_FTS_TABLE} USING gin (document)",
    *(
        f"CREATE INDEX ix_{CONTACT_FTS_TABLE}_{column}_trgm ON {CONTACT_FTS_TABLE} "
        f"USING gin ({column} gin_trgm_ops)"
        for column in ("name", "emails", "company", "notes", "tags")
    ),
)


def create(op: Any) -> None:
    """Create the index in a migration (`op` is alembic.op)."""
    if dialect_of(op.get_bind()) == POSTGRESQL:
        for statement in POSTGRESQL_DDL:
            op.execute(statement)
    else:
        op.execute(CONTACT_FTS_DDL)


def drop(op: Any) -> None:
    op.execute(f"DROP TABLE {CONTACT_FTS_TABLE}")
    if dialect_of(op.get_bind()) == POSTGRESQL:
        op.execute("DROP FUNCTION IF EXISTS crm_fold(text)")
        op.execute("DROP FUNCTION IF EXISTS julianday(text)")


SQLITE_ROWS = f"""
INSERT INTO {CONTACT_FTS_TABLE} (rowid, name, emails, company, notes, tags)
SELECT c.id,
       crm_fold(c.display_name || ' ' || c.given_name || ' ' || c.family_name),
       crm_fold((SELECT group_concat(e.value, ' ') FROM contact_emails e
                 WHERE e.contact_id = c.id)),
       crm_fold((SELECT co.name FROM companies co WHERE co.id = c.company_id)),
       crm_fold(c.title || char(10) || c.notes),
       crm_fold((SELECT group_concat(t.name, ' ') FROM contact_tags ct
                 JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = c.id))
FROM contacts c WHERE c.deleted_at IS NULL"""

POSTGRESQL_ROWS = SQLITE_ROWS.replace("group_concat(", "string_agg(").replace("char(10)", "chr(10)")


def rows_sql(bind: Any) -> str:
    """INSERT ... SELECT of the index rows of every live contact (append ``AND c.id IN (...)``)."""
    return POSTGRESQL_ROWS if dialect_of(bind) == POSTGRESQL else SQLITE_ROWS


def prefix_search(bind: Any, terms: list[str]) -> tuple[str, dict[str, object]]:
    """SQL and parameters (plus :n, the limit) of the contacts having every term as a word
    prefix, best first: name hits weigh most, then emails, company and tags, then notes."""
    if dialect_of(bind) == POSTGRESQL:
        # Terms are \\w+ runs of folded text; quoted, so no tsquery operator can hide in one.
        query = " & ".join("'" + t.replace("'", "''").replace("\\", "\\\\") + "':*" for t in terms)
        sql = (
            f"SELECT f.rowid FROM {CONTACT_FTS_TABLE} f JOIN contacts c ON c.id = f.rowid "
            "WHERE f.document @@ to_tsquery('simple', :q) AND c.deleted_at IS NULL "
            "ORDER BY ts_rank('{0.1, 0.25, 0.5, 1.0}', f.document, "
            "to_tsquery('simple', :q)) DESC, c.sort_name LIMIT :n"
        )
        return sql, {"q": query}
    expression = " AND ".join(f'"{t}"*' for t in terms)
    sql = (
        f"SELECT f.rowid FROM {CONTACT_FTS_TABLE} f JOIN contacts c ON c.id = f.rowid "
        f"WHERE {CONTACT_FTS_TABLE} MATCH :q AND c.deleted_at IS NULL "
        f"ORDER BY bm25({CONTACT_FTS_TABLE}, 10.0, 5.0, 3.0, 1.0, 2.0), c.sort_name "
        "LIMIT :n"
    )
    return sql, {"q": expression}
