"""Prints how long creating a campaign over 5,000 members takes (one transaction, as the CLI does).

Usage: .venv/bin/python benchmarks/bench_campaign.py [N]   (default 5000). Fills a fresh database
with the sample data (N contacts plus a tenth more, all tagged "bench" but the extra ones, so the
segment takes exactly N), then times: the segment preview (count and member list), creating the
campaign (N letters from `campaign-offer` and N follow-ups), reading its results (`campaign
list`), and the address labels' data. Prints the peak resident memory too.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, select

from relationship_crm.services import campaign_letters, campaign_results, campaigns, sample_data
from relationship_crm.services.campaigns import CampaignDraft, Segment
from relationship_crm.storage.db import open_database
from relationship_crm.storage.schema import Contact, Tag, contact_tags

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def main(count: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="crm-bench-"))
    db = open_database(folder / "crm.sqlite3")
    with db.write() as s:
        sample_data.generate(
            s, contacts=count + count // 10, seed=1, today=date(2026, 11, 23), tz="UTC", now=NOW
        )
        tag = Tag(name="bench", name_key="bench")
        s.add(tag)
        s.flush()
        ids = list(
            s.scalars(select(Contact.id).where(Contact.deleted_at.is_(None)).order_by(Contact.id))
        )[:count]
        s.execute(insert(contact_tags), [{"contact_id": i, "tag_id": tag.id} for i in ids])
    segment = Segment(tags=frozenset({"bench"}))
    with db.read() as s:
        started = time.perf_counter()
        preview = campaigns.preview_segment(s, segment)
        took = time.perf_counter() - started
    print(f"segment preview: {preview.count} members in {took:.2f} s")
    draft = CampaignDraft(
        name="Bench",
        template="campaign-offer",
        segment=segment,
        topic="A winter service check, free for our closest customers.",
        cost=Decimal("250"),
        follow_up_local=datetime(2026, 12, 7, 9, 0),
        follow_up_tz="Europe/Paris",
    )
    started = time.perf_counter()
    with db.write() as s:
        campaign_id = campaigns.create(s, draft, now=NOW).id
    took = time.perf_counter() - started
    print(f"create: {preview.count} letters and follow-ups in {took:.2f} s (one transaction)")
    with db.read() as s:
        started = time.perf_counter()
        (results,) = campaign_results.list_campaigns(s, now=NOW)
        took = time.perf_counter() - started
        print(f"results: {results.members} members read in {took:.2f} s")
        started = time.perf_counter()
        found, skipped = campaign_letters.labels(s, campaign_id)
        took = time.perf_counter() - started
        print(f"labels: {len(found)} labels, {len(skipped)} skipped, in {took:.2f} s")
    db.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
