"""Times the dashboard's queries at 100,000 contacts beside an empty database.

Usage: .venv/bin/python benchmarks/bench_dashboard.py [N]   (default 100000). Fills a temp
database with bulk inserts (contacts across the stages with their stage history, two open
follow-ups each, a gift for one in five, a meeting with a thank-you note for one in ten), then
times each figure of `services.dashboard` and the whole load, best of five, on the same database
and on an empty one. The app runs these on its database thread; the view appears at once and
fills in when they answer.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

from relationship_crm.services import dashboard
from relationship_crm.storage.db import Database, open_database
from relationship_crm.storage.schema import (
    Contact,
    FollowUp,
    Gift,
    Meeting,
    StageChange,
    ThankYouNote,
    meeting_attendees,
)

NOW = datetime(2026, 12, 3, 15, tzinfo=UTC)
ZONE = "America/New_York"
STAGES = ("prospect", "prospect", "prospect", "lead", "lead", "customer", "partner", "other")


def fill(db: Database, n: int) -> None:
    rng = random.Random(17)
    with db.write() as s:
        contacts, changes, follow_ups, gifts, meetings, attendees, notes = ([] for _ in range(7))
        for i in range(1, n + 1):
            stage = rng.choice(STAGES)
            contacts.append(
                dict(
                    id=i, display_name=f"Contact {i}", given_name="", family_name="",
                    sort_name=f"contact {i}", title="", stage=stage, notes="",
                    created_at=NOW, updated_at=NOW,
                )
            )  # fmt: skip
            changes.append(dict(contact_id=i, stage="prospect", changed_at=NOW - timedelta(90)))
            if stage != "prospect":
                changes.append(dict(contact_id=i, stage=stage, changed_at=NOW - timedelta(30)))
            for _ in range(2):
                due = NOW + timedelta(hours=rng.randint(-24 * 30, 24 * 70))
                follow_ups.append(
                    dict(
                        contact_id=i, due_at=due, tz=ZONE, due_local=due.replace(tzinfo=None),
                        anchor_local=due.replace(tzinfo=None),
                        rrule="FREQ=WEEKLY" if rng.random() < 0.2 else None, note="",
                        status="open", remind_at=due, created_at=NOW, updated_at=NOW,
                    )
                )  # fmt: skip
            if i % 5 == 0:
                gifts.append(
                    dict(
                        contact_id=i, item="Wine", occasion="",
                        cost=Decimal(rng.randint(1000, 20000)) / 100,
                        currency=rng.choice(("USD", "USD", "EUR")),
                        given_on=date(2026, 12, 3) - timedelta(days=rng.randint(0, 400)),
                        created_at=NOW,
                    )
                )  # fmt: skip
            if i % 10 == 0:
                start = NOW - timedelta(days=rng.randint(0, 60))
                meetings.append(
                    dict(
                        id=i, kind="lunch", title=f"Lunch {i}", starts_at=start, tz=ZONE,
                        starts_local=start.replace(tzinfo=None), duration_minutes=60,
                        location="", notes="", created_at=NOW, updated_at=NOW,
                    )
                )  # fmt: skip
                attendees.append(dict(meeting_id=i, contact_id=i))
                notes.append(
                    dict(
                        meeting_id=i, contact_id=i, template="", body="",
                        status=rng.choice(("draft", "printed", "sent")), drafted_at=start,
                    )
                )  # fmt: skip
        s.execute(insert(Contact), contacts)
        s.execute(insert(StageChange), changes)
        s.execute(insert(FollowUp), follow_ups)
        s.execute(insert(Gift), gifts)
        if meetings:
            s.execute(insert(Meeting), meetings)
            s.execute(insert(meeting_attendees), attendees)
            s.execute(insert(ThankYouNote), notes)


def best_of(db: Database, op: Callable[[Session], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        with db.read() as s:
            t0 = time.perf_counter()
            op(s)
            times.append(time.perf_counter() - t0)
    return min(times) * 1000


QUERIES: dict[str, Callable[[Session], object]] = {
    "funnel": lambda s: dashboard.funnel(s, now=NOW),
    "due_per_week": lambda s: dashboard.due_per_week(s, now=NOW, zone=ZONE),
    "spend_per_month": lambda s: dashboard.spend_per_month(s, now=NOW, zone=ZONE),
    "thanks_outstanding": lambda s: dashboard.thanks_outstanding(s, now=NOW, zone=ZONE),
    "health (seam)": lambda s: dashboard.health(s, now=NOW, zone=ZONE),
    "campaigns (seam)": lambda s: dashboard.campaigns(s, now=NOW),
    "dashboard.load (all)": lambda s: dashboard.load(s, now=NOW, zone=ZONE),
    "weekly_review": lambda s: dashboard.weekly_review(s, now=NOW, zone=ZONE),
}


def main(n: int) -> None:
    folder = Path(tempfile.mkdtemp())
    empty = open_database(folder / "empty.sqlite3")
    full = open_database(folder / "full.sqlite3")
    t0 = time.perf_counter()
    fill(full, n)
    print(f"filled {n:,} contacts in {time.perf_counter() - t0:.1f} s")
    print(f"{'query':<24}{'empty':>10}{f'{n:,}':>12}")
    for name, op in QUERIES.items():
        print(f"{name:<24}{best_of(empty, op):>8.1f}ms{best_of(full, op):>10.1f}ms")
    empty.close()
    full.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
