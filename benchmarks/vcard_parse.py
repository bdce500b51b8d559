"""Prints how fast `parse_vcards` reads a big address book (the import target: 20,000 cards < 2 s).

Usage: .venv/bin/python benchmarks/vcard_parse.py [N]   (default 20000). Builds N realistic
cards in memory: vCard 3.0 with two emails, two phones, an address, ORG, TITLE, NOTE and
CATEGORIES, every fifth one an Outlook-style 2.1 card with quoted-printable values and soft
breaks. Then times the parse (best of five, wall clock and CPU time:
the machine may be shared).
"""

from __future__ import annotations

import binascii
import random
import sys
import time

from relationship_crm.interchange.vcard_import import parse_vcards

GIVEN = ["Ann", "Bob", "Chloé", "Dmitri", "Eva", "Farah", "Günter", "Hiro", "Iñès", "Jon"]
FAMILY = ["Smith", "Ó Briain", "Müller", "Nakamura", "García", "Kowalski", "Nguyen", "Brown"]
FIRMS = ["Acme\\, Inc.", "Globex", "Initech", "Umbrella Corp", "Soylent\\; Co", "Hooli"]
NOTE = "Met at the trade show.\\nLikes golf\\, hates mornings.\\nAsk about the Q3 renewal."


def card_30(rng: random.Random, n: int) -> str:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"N:{family};{given};;;\r\nFN:{given} {family}\r\n"
        f"ORG:{rng.choice(FIRMS)};Sales\r\nTITLE:Account Manager\r\n"
        f"EMAIL;TYPE=INTERNET,WORK,pref:{given.lower()}.{n}@example.com\r\n"
        f"item1.EMAIL;TYPE=INTERNET:{n}@home.example.org\r\nitem1.X-ABLabel:_$!<Other>!$_\r\n"
        f"TEL;TYPE=CELL:+1 555 {n % 1000:03d} {n % 10000:04d}\r\n"
        f"TEL;TYPE=WORK,VOICE:+44 20 7946 {n % 10000:04d}\r\n"
        f"ADR;TYPE=WORK:;Suite {n % 300};{n % 400} Main Street;Springfield;IL;62701;USA\r\n"
        f"NOTE:{NOTE}\r\nCATEGORIES:Customers,Golf,Q3\r\nBDAY:1980-03-14\r\n"
        f"UID:{n:08d}-1234-5678\r\nREV:2024-01-01T00:00:00Z\r\nEND:VCARD\r\n"
    )


def qp(text: str) -> str:
    """Quoted-printable the way Outlook writes it: soft breaks with unindented continuations."""
    encoded = binascii.b2a_qp(text.encode("utf-8"), istext=False)  # line breaks as =0D=0A
    return encoded.decode("ascii").replace("\r\n", "\n").replace("\n", "\r\n")


def card_21(rng: random.Random, n: int) -> str:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    enc = ";CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE"
    note = "Met at the trade show, near the coffee stand.\r\nLikes golf. " * 2
    return (
        "BEGIN:VCARD\r\nVERSION:2.1\r\n"
        f"N{enc}:{qp(family)};{qp(given)};;;\r\nFN{enc}:{qp(given + ' ' + family)}\r\n"
        f"ORG:Initech;Sales\r\nTITLE:Buyer\r\n"
        f"EMAIL;PREF;INTERNET:{n}@example.com\r\nEMAIL;INTERNET;HOME:{n}@home.example.org\r\n"
        f"TEL;CELL;PREF:+1 555 {n % 1000:03d} {n % 10000:04d}\r\nTEL;WORK;VOICE:+1 555 0100\r\n"
        f"ADR;WORK{enc}:;;{qp('12 Rue de la Paix')};Paris;;75002;France\r\n"
        f"NOTE{enc}:{qp(note)}\r\nEND:VCARD\r\n"
    )


def main(count: int) -> None:
    rng = random.Random(7)
    data = "".join(card_21(rng, n) if n % 5 == 0 else card_30(rng, n) for n in range(count)).encode(
        "utf-8"
    )
    best = best_cpu = float("inf")
    for _ in range(5):
        started, started_cpu = time.perf_counter(), time.process_time()
        contacts = parse_vcards(data)
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - started_cpu)
    assert len(contacts) == count
    lines = data.count(b"\n")
    print(
        f"{count} cards ({len(data) / 1e6:.1f} MB, {lines} lines): {best:.3f} s wall "
        f"({count / best:,.0f} cards/s), {best_cpu:.3f} s CPU ({count / best_cpu:,.0f} cards/s)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
