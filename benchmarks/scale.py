"""Prints how the store behaves at 100,000 contacts: search, the daily list and a list page.

Usage: .venv/bin/python benchmarks/scale.py [N]   (default 100000). Fills a temp database with
bulk inserts (the import path), then times the queries the app and the command line run.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from relationship_crm.domain.text import fold
from relationship_crm.services import contact_list, contact_search, contacts, followups
from relationship_crm.services.contact_list import ContactFilter
from relationship_crm.storage.db import open_database
from relationship_crm.storage.schema import Contact, ContactEmail, FollowUp

GIVEN = ["Ann", "Bob", "Chloé", "Dmitri", "Eva", "Farah", "Günter", "Hiro", "Iñès", "Jon"]
FAMILY = ["Smith", "Ó Briain", "Müller", "Nakamura", "García", "Kowalski", "Nguyen", "Brown"]


def main(n: int) -> None:
    rng = random.Random(7)
    path = Path(tempfile.mkdtemp()) / "crm.sqlite3"
    db = open_database(path)
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    t0 = time.perf_counter()
    with db.write() as s:
        rows, emails, fus = [], [], []
        for i in range(1, n + 1):
            name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {i}"
            rows.append(
                dict(
                    id=i,
                    display_name=name,
                    given_name="",
                    family_name="",
                    sort_name=fold(name),
                    title="",
                    stage="prospect",
                    notes="",
                    created_at=now,
                    updated_at=now,
                )
            )
            emails.append(
                dict(
                    contact_id=i,
                    label="",
                    value=f"c{i}@example.com",
                    value_key=f"c{i}@example.com",
                    position=0,
                )
            )
            due = datetime(2026, 1, 1, 9) + timedelta(hours=rng.randrange(0, 24 * 600))
            fus.append(
                dict(
                    contact_id=i,
                    due_at=due.replace(tzinfo=UTC),
                    tz="UTC",
                    due_local=due,
                    anchor_local=due,
                    note="",
                    status="open",
                    remind_at=due.replace(tzinfo=UTC),
                    created_at=now,
                    updated_at=now,
                )
            )
        s.execute(insert(Contact), rows)
        s.execute(insert(ContactEmail), emails)
        s.execute(insert(FollowUp), fus)
        contacts.rebuild_index(s)
    print(f"fill {n} contacts + {n} follow-ups + index: {time.perf_counter() - t0:.1f} s")

    def timed(label: str, fn, repeat: int = 5) -> None:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            with db.read() as s:
                result = fn(s)
            best = min(best, time.perf_counter() - start)
        print(f"{label:<45} {best * 1000:8.1f} ms  ({result})")

    timed("search 'briain' (top 50)", lambda s: len(contact_search.search(s, "briain")))
    timed(
        "search 'c99999@example.com'", lambda s: len(contact_search.search(s, "c99999@example.com"))
    )
    timed("search 'xyzzy' (no hit, infix scan)", lambda s: len(contact_search.search(s, "xyzzy")))
    timed("search 'ann brown' (every word)", lambda s: len(contact_search.search(s, "ann brown")))
    timed(
        "search '+1 (212) 555-0100' (phone)",
        lambda s: len(contact_search.search(s, "+1 (212) 555-0100")),
    )

    def agenda_size(s) -> int:
        plan = followups.agenda(s, day=date(2026, 3, 1), tz="UTC")
        return len(plan.overdue) + len(plan.today) + len(plan.upcoming)

    timed("agenda for a day (+7 days; ~10k overdue)", agenda_size)
    timed("next wake-up", lambda s: followups.next_wakeup(s, now=now))
    timed(
        "contact list page (100 rows at 50,000)",
        lambda s: len(contacts.list_contacts(s, limit=100, offset=n // 2)),
    )
    timed("contact count", contacts.count)
    for sort in ("name", "company", "last_contact", "next_follow_up"):
        timed(
            f"desktop list: first 200 rows by {sort}",
            lambda s, sort=sort: len(contact_list.page(s, ContactFilter(sort=sort), limit=200)[0]),
        )
    timed(
        "desktop list: rows 50,000-50,199 by name",
        lambda s: len(contact_list.page(s, ContactFilter(), offset=50_000, limit=200)[0]),
    )
    timed(
        "desktop list: search 'briain', first 200",
        lambda s: len(contact_list.page(s, ContactFilter(query="briain", sort="relevance"))[0]),
    )
    db.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
