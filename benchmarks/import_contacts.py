"""Prints how fast a big vCard file imports in-process (issue 18's target, measured end to end by
`bench_cli.py`: 20,000 cards at >= 4,000/s), and with --split where the time goes.

Usage: .venv/bin/python benchmarks/import_contacts.py [N] [--split [RUNS]]   (default 20000).
Writes N realistic,
distinct cards (vCard 3.0 with two emails, two phones, an address, company, title, notes and
categories; every fifth an Outlook-style 2.1 card with quoted-printable values) to a temporary
file, then times, on a fresh database file: reading + parsing + checking + storing (one
transaction, as `relationship-crm import` does), and importing the same file again with
--on-duplicate merge (which must change nothing). Also prints the peak resident memory.

--split: the CPU time of each part per card, median of RUNS (default 5) imports into a fresh
database: parsing, checking (and duplicate matching), inserting, the search index, the commit.
CPU time, because a busy shared machine disturbs wall time far more.
"""

from __future__ import annotations

import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from relationship_crm.services import contacts, import_files, import_insert
from relationship_crm.storage.db import open_database

GIVEN = ["Ann", "Bob", "Chloé", "Dmitri", "Eva", "Farah", "Günter", "Hiro", "Iñès", "Jon"]
FAMILY = ["Smith", "Ó Briain", "Müller", "Nakamura", "García", "Kowalski", "Nguyen", "Brown"]
FIRMS = ["Acme\\, Inc.", "Globex", "Initech", "Umbrella Corp", "Soylent\\; Co", "Hooli"]
NOTE = "Met at the trade show.\\nLikes golf\\, hates mornings.\\nAsk about the Q3 renewal."


def card(rng: random.Random, n: int) -> str:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    if n % 5 == 4:  # Outlook 2.1: quoted-printable with a soft line break
        note = "Met at the trade show=0D=0ALikes golf, hates mor=\r\nnings."
        return (
            "BEGIN:VCARD\r\nVERSION:2.1\r\n"
            f"N;CHARSET=UTF-8:{family};{given}\r\nFN;CHARSET=UTF-8:{given} {family} {n}\r\n"
            f"ORG:{rng.choice(FIRMS)}\r\nTITLE:Buyer\r\n"
            f"EMAIL;PREF;INTERNET:{given.lower()}.{n}@example.com\r\n"
            f"TEL;WORK;VOICE:+1 415 {n // 10000:03d} {n % 10000:04d}\r\n"
            f"NOTE;ENCODING=QUOTED-PRINTABLE:{note}\r\nEND:VCARD\r\n"
        )
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"N:{family};{given};;;\r\nFN:{given} {family} {n}\r\n"
        f"ORG:{rng.choice(FIRMS)};Sales\r\nTITLE:Account Manager\r\n"
        f"EMAIL;TYPE=INTERNET,WORK,pref:{given.lower()}.{n}@example.com\r\n"
        f"item1.EMAIL;TYPE=INTERNET:{n}@home.example.org\r\nitem1.X-ABLabel:_$!<Other>!$_\r\n"
        f"TEL;TYPE=CELL:+1 212 {n // 10000:03d} {n % 10000:04d}\r\n"
        f"TEL;TYPE=WORK,VOICE:+44 20 {n // 10000:04d} {n % 10000:04d}\r\n"
        f"ADR;TYPE=WORK:;Suite {n % 300};{n % 400} Main Street;Springfield;IL;62701;USA\r\n"
        f"NOTE:{NOTE}\r\nCATEGORIES:Customers,Golf,Q3\r\nBDAY:1980-03-14\r\nEND:VCARD\r\n"
    )


def write_cards(source: Path, count: int) -> None:
    """`count` distinct cards into `source` (the same cards for the same count)."""
    rng = random.Random(1)
    source.write_text("".join(card(rng, n) for n in range(count)), encoding="utf-8")


def main(count: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="crm-bench-"))
    source = folder / "contacts.vcf"
    write_cards(source, count)
    db = open_database(folder / "crm.sqlite3")
    for label, rule in (("first import", "skip"), ("same file again, merge", "merge")):
        start = time.perf_counter()
        with db.write() as session:
            result = import_files.import_data(session, import_files.load(source), on_duplicate=rule)
        seconds = time.perf_counter() - start
        print(
            f"{label}: {count:,} cards in {seconds:.2f} s = {count / seconds:,.0f} cards/s "
            f"({result.sentence()})"
        )
    with db.read() as session:
        print(f"contacts in the database: {contacts.count(session):,}")
    db.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:,.0f} MB; file {source.stat().st_size / 1e6:.1f} MB")


def split(count: int, runs: int) -> None:
    """The CPU time per card of each part of the import, median of `runs` fresh imports."""
    folder = Path(tempfile.mkdtemp(prefix="crm-bench-"))
    source = folder / "contacts.vcf"
    write_cards(source, count)
    data = import_files.load(source)
    spent: dict[str, float] = {}
    # The parts are timed by wrapping the import's own steps (what they call is theirs).
    for part, name in (("insert", "insert_new"), ("index", "_index_new")):
        original = getattr(import_insert, name)

        def timed(
            *args: object, _original: object = original, _part: str = part, **kw: object
        ) -> object:
            start = time.process_time()
            try:
                return _original(*args, **kw)  # type: ignore[operator]
            finally:
                spent[_part] = spent.get(_part, 0.0) + time.process_time() - start

        setattr(import_insert, name, timed)
    rows: list[dict[str, float]] = []
    for n in range(runs):
        db = open_database(folder / f"split-{n}.sqlite3")
        spent.clear()
        with db.write() as session:
            start = time.process_time()
            prepared = import_files.prepare(data)
            spent["parse"] = time.process_time() - start
            start = time.process_time()
            import_files.import_prepared(session, prepared)
            stored = time.process_time() - start
            start = time.process_time()
        spent["commit"] = time.process_time() - start
        spent["insert"] -= spent["index"]  # the index rows are written inside insert_new
        spent["check"] = stored - spent["insert"] - spent["index"]
        spent["total"] = spent["parse"] + stored + spent["commit"]
        rows.append(dict(spent))
        db.close()
    for part in ("parse", "check", "insert", "index", "commit", "total"):
        median = statistics.median(r[part] for r in rows)
        print(f"{part:<7} {median / count * 1e6:6.1f} us a card")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    cards = int(arguments[0]) if arguments and arguments[0].isdigit() else 20_000
    if "--split" in arguments:
        after = arguments[arguments.index("--split") + 1 :]
        split(cards, int(after[0]) if after else 5)
    else:
        main(cards)
