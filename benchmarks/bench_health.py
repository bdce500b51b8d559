"""Prints how long keep-in-touch health takes at 100,000 contacts, beside an empty database.

Usage: .venv/bin/python benchmarks/bench_health.py [N]   (default 100000). Fills a temp database
with bulk inserts: N contacts (a third customers), 2 meetings per contact on average (one
attendee each), a gift for every fourth contact and a sent thank-you note for every fifth; a
stage rhythm (customer 90/120), a tag rhythm on every tenth contact (30/45) and own rules on
1,000 contacts. Then times `health.health` (the service) and `relationship-crm health --format
json` as a real process (start-up and printing included), on that file and on an empty one.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from relationship_crm.domain.text import fold
from relationship_crm.services import health
from relationship_crm.storage.db import Database, open_database
from relationship_crm.storage.schema import (
    Contact,
    Gift,
    KeepInTouchRhythm,
    Meeting,
    Tag,
    ThankYouNote,
    contact_tags,
    meeting_attendees,
)

TODAY = date(2026, 11, 23)
ZONE = "UTC"
STAGES = ["prospect", "lead", "customer", "customer", "customer", "partner", "other"]


def fill(db: Database, n: int) -> None:
    rng = random.Random(15)
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    created = datetime(2025, 1, 1, 12, tzinfo=UTC)
    people, meetings, attendees, given, notes, tagged = [], [], [], [], [], []
    meeting_id = 0
    for i in range(1, n + 1):
        name = f"Contact {i}"
        people.append(
            dict(
                id=i,
                display_name=name,
                given_name="",
                family_name="",
                sort_name=fold(name),
                title="",
                stage=rng.choice(STAGES),
                notes="",
                created_at=created,
                updated_at=created,
            )
        )
        for _ in range(rng.choice((0, 1, 2, 3, 4))):
            meeting_id += 1
            start = datetime(2025, 6, 1, 9) + timedelta(hours=rng.randrange(0, 24 * 540))
            meetings.append(
                dict(
                    id=meeting_id,
                    kind=rng.choice(("meeting", "call", "lunch", "email")),
                    title="Catch-up",
                    starts_at=start.replace(tzinfo=UTC),
                    tz="UTC",
                    starts_local=start,
                    duration_minutes=30,
                    location="",
                    notes="",
                    created_at=now,
                    updated_at=now,
                )
            )
            attendees.append(dict(meeting_id=meeting_id, contact_id=i))
            if i % 5 == 0:
                notes.append(
                    dict(
                        meeting_id=meeting_id,
                        contact_id=i,
                        template="",
                        body="Thanks",
                        status="sent",
                        drafted_at=now,
                        sent_at=start.replace(tzinfo=UTC) + timedelta(days=2),
                    )
                )
        if i % 4 == 0:
            day = date(2025, 6, 1) + timedelta(days=rng.randrange(0, 540))
            given.append(
                dict(
                    contact_id=i,
                    item="Wine",
                    occasion="",
                    currency="EUR",
                    given_on=day,
                    created_at=now,
                )
            )
        if i % 10 == 0:
            tagged.append(dict(contact_id=i, tag_id=1))
    rules = [
        dict(
            scope="stage", key="customer", ideal_days=90, max_days=120, off=False, pause_reason=""
        ),
        dict(
            scope="tag", key="key clients", ideal_days=30, max_days=45, off=False, pause_reason=""
        ),
    ]
    for i in range(7, min(n, 7_000) + 1, 7):
        rules.append(
            dict(
                scope="contact",
                key=str(i),
                contact_id=i,
                ideal_days=14,
                max_days=60,
                off=i % 2 == 0,
                pause_reason="",
            )
        )
    with db.write() as s:
        s.execute(insert(Contact), people)
        s.execute(insert(Tag), [dict(id=1, name="Key clients", name_key="key clients")])
        s.execute(insert(contact_tags), tagged)
        if meetings:
            s.execute(insert(Meeting), meetings)
            s.execute(insert(meeting_attendees), attendees)
        if notes:
            s.execute(insert(ThankYouNote), notes)
        if given:
            s.execute(insert(Gift), given)
        s.execute(insert(KeepInTouchRhythm), [{**r, "updated_at": now} for r in rules])
    print(
        f"filled {n} contacts, {len(meetings)} meetings, {len(notes)} sent notes, "
        f"{len(given)} gifts, {len(rules)} rules"
    )


def timed_service(label: str, db: Database, repeat: int = 3) -> None:
    best, found = float("inf"), []
    for _ in range(repeat):
        start = time.perf_counter()
        with db.read() as s:
            found = health.health(s, on=TODAY, zone=ZONE)
        best = min(best, time.perf_counter() - start)
    lost = sum(1 for h in found if h.state == "lost")
    print(f"{label:<40} {best * 1000:8.1f} ms  ({len(found)} listed, {lost} lost)")


def timed_process(label: str, path: Path, repeat: int = 3) -> None:
    best = float("inf")
    argv = [sys.executable, "-m", "relationship_crm", "--db", str(path), "health", "--date"]
    argv += [TODAY.isoformat(), "--format", "json"]
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, check=True)
        best = min(best, time.perf_counter() - start)
    print(f"{label:<40} {best * 1000:8.1f} ms  ({len(done.stdout) // 1024} KiB of JSON)")


def main(n: int) -> None:
    folder = Path(tempfile.mkdtemp())
    empty_path, full_path = folder / "empty.sqlite3", folder / "full.sqlite3"
    empty = open_database(empty_path)
    timed_service("service: health, empty database", empty)
    empty.close()
    timed_process("process: health --format json, empty", empty_path)
    full = open_database(full_path)
    t0 = time.perf_counter()
    fill(full, n)
    print(f"fill: {time.perf_counter() - t0:.1f} s")
    timed_service(f"service: health, {n} contacts", full)
    full.close()
    timed_process(f"process: health --format json, {n}", full_path)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
