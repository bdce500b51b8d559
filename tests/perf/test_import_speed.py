"""A tenfold slowdown of the vCard import fails here (issue 18); the figure itself: benchmarks/.

Storing cards (checks, duplicate matching, inserts, the search index) is compared with parsing
the same cards, measured in the same test: both are Python work of the same size, so a busy
machine slows them alike, and a return of per-contact ORM objects, queries or index rebuilds
does not go unnoticed.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from relationship_crm.services import contact_search, import_files
from relationship_crm.storage.db import Database
from tests.perf.timing import best

pytestmark = pytest.mark.perf

CARDS = 2_000
NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)


def cards(count: int) -> bytes:
    """`count` distinct cards, every fifth an Outlook 2.1 card with quoted-printable notes."""
    out = []
    for n in range(count):
        if n % 5 == 4:
            out.append(
                "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8:Müller;Günter\r\n"
                f"FN;CHARSET=UTF-8:Günter Müller {n}\r\nORG:Initech\r\n"
                f"EMAIL;PREF;INTERNET:g.{n}@example.com\r\nTEL;WORK;VOICE:+1 415 555 {n:04d}\r\n"
                "NOTE;ENCODING=QUOTED-PRINTABLE:Met at the fair=0D=0ALikes go=\r\nlf.\r\n"
                "END:VCARD\r\n"
            )
        else:
            out.append(
                "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Smith;Chloé;;;\r\n"
                f"FN:Chloé Smith {n}\r\nORG:Acme\\, Inc.;Sales\r\nTITLE:Buyer\r\n"
                f"EMAIL;TYPE=INTERNET,WORK:chloe.{n}@example.com\r\n"
                f"TEL;TYPE=CELL:+44 20 7946 {n:04d}\r\n"
                f"ADR;TYPE=WORK:;;{n} Main Street;Springfield;IL;62701;USA\r\n"
                "NOTE:Likes golf\\, hates mornings.\r\nCATEGORIES:Customers,Golf\r\n"
                "BDAY:1980-03-14\r\nEND:VCARD\r\n"
            )
    return "".join(out).encode()


def test_storing_cards_costs_a_few_times_parsing_them(db: Database) -> None:
    data = cards(CARDS)
    prepared = import_files.prepare(data)
    assert prepared.count == CARDS

    def store() -> object:
        with db.write() as s:
            result = import_files.import_prepared(s, prepared, now=NOW)
            assert result.contacts.added == CARDS
            assert [c.id for c in contact_search.search(s, "chloe smith 7")] != []
            s.rollback()  # each run stores into the same empty book
        return result

    # Measured 1.3-2.5x on the busy 2-core machine (3.3-3.8x before issue 18's import work).
    assert best(store, runs=3) < 20 * best(lambda: import_files.prepare(data), runs=3)
