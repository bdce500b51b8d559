"""Prints how fast `pipeline` and the Pipeline board run at 100,000 contacts, and on an empty one.

Usage: .venv/bin/python benchmarks/bench_pipeline.py [N]   (default 100000). Fills a temp database
with bulk inserts: N contacts over the five shipped stages and a stage of the rep's own, each with a
history of one to four stage changes spread over two years (about 2.5 per contact), a few in the
trash. Then times, on it and on an empty database: the service (`stages.pipeline`), the whole
`relationship-crm pipeline --format json` process, and what the board reads (the column counts and
the first page of the biggest column, and a page deep in it).
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from relationship_crm.domain.text import fold
from relationship_crm.services import settings, stages
from relationship_crm.storage.db import Database, open_database
from relationship_crm.storage.schema import Contact, StageChange

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
FUNNEL = ("prospect", "lead", "qualified", "customer", "partner", "other")


def fill(db: Database, n: int) -> None:
    rng = random.Random(15)
    with db.write() as s:
        settings.put(s, "timezone", "UTC")
        stages.add_stage(s, "qualified", label="Qualified", after="lead", stuck_after_days=21)
        people: list[dict[str, Any]] = []
        history: list[dict[str, Any]] = []
        for i in range(1, n + 1):
            at = NOW - timedelta(days=rng.randrange(1, 730), hours=rng.randrange(24))
            created = at
            stage = rng.choice(FUNNEL[:2])
            steps = [(stage, at)]
            for _ in range(rng.randrange(0, 4)):
                at = at + timedelta(days=rng.randrange(1, 120))
                if at >= NOW:
                    break
                stage = rng.choice([k for k in FUNNEL if k != stage])
                steps.append((stage, at))
            name = f"Contact {i}"
            people.append(
                dict(
                    id=i,
                    display_name=name,
                    given_name="",
                    family_name="",
                    sort_name=fold(name),
                    title="",
                    stage=stage,
                    notes="",
                    created_at=created,
                    updated_at=at,
                    deleted_at=NOW - timedelta(days=3) if i % 97 == 0 else None,
                )
            )
            history += [dict(contact_id=i, stage=k, changed_at=t) for k, t in steps]
        s.execute(insert(Contact), people)
        s.execute(insert(StageChange), history)
    print(f"filled {n:,} contacts with {len(history):,} stage changes")


def timed(db: Database, label: str, fn: Callable[[Any], object], repeat: int = 3) -> None:
    # CPU time beside wall time: on a busy machine the wall clock mostly measures the others.
    best = best_cpu = float("inf")
    result: object = None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        with db.read() as s:
            result = fn(s)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    print(f"  {label:<44} {best * 1000:9.1f} ms  cpu {best_cpu * 1000:8.1f} ms  ({result})")


def timed_process(path: Path, label: str, repeat: int = 3) -> None:
    best = best_cpu = float("inf")
    argv = [sys.executable, "-m", "relationship_crm", "--db", str(path), "pipeline"]
    argv += ["--date", TODAY.isoformat(), "--format", "json"]
    env = {**os.environ, "RELATIONSHIP_CRM_DEBUG": "1"}
    for _ in range(repeat):
        start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best = min(best, time.perf_counter() - start)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        best_cpu = min(best_cpu, cpu)
    size = f"{len(done.stdout):,} bytes of JSON"
    print(f"  {label:<44} {best * 1000:9.1f} ms  cpu {best_cpu * 1000:8.1f} ms  ({size})")


def measure(path: Path, db: Database) -> None:
    timed(db, "stages.pipeline (service)", lambda s: len(stages.pipeline(s, today=TODAY)))
    timed_process(path, "relationship-crm pipeline --format json")
    timed(
        db,
        "board: column counts",
        lambda s: sum(c.count for c in stages.board_columns(s, today=TODAY)),
    )
    timed(
        db,
        "board: first 100 cards of 'prospect'",
        lambda s: len(stages.board_cards(s, "prospect", today=TODAY, limit=100)),
    )
    timed(
        db,
        "board: cards 10,000-10,099 of 'prospect'",
        lambda s: len(stages.board_cards(s, "prospect", today=TODAY, limit=100, offset=10_000)),
    )


def main(n: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="crm-bench-"))
    for label, count in (("empty database", 0), (f"{n:,} contacts", n)):
        path = folder / f"crm-{count}.sqlite3"
        db = open_database(path)
        try:
            if count:
                fill(db, count)
            print(f"{label}:")
            measure(path, db)
        finally:
            db.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
