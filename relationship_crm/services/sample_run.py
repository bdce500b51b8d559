"""The sample generator's state and draws: one run's random stream, id counters and rows.

`SampleRun` holds what both passes of `sample_data.generate` share: the seeded `random.Random`
and the quick draws made from it (a whole number, a pick, a weighted pick, an office-hours
instant around `today`), the last id of each table, the pending rows and their batched writing,
and the companies and people made so far. The passes themselves are `sample_people`
(companies and contacts) and `sample_history` (meetings and what follows them).
"""

from __future__ import annotations

import functools
import itertools
import random
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from relationship_crm.domain.enums import ThanksStatus
from relationship_crm.scheduling.zones import as_utc, localize
from relationship_crm.services import sample_rows as writing
from relationship_crm.services import sample_words as words
from relationship_crm.storage.schema import Tag

Row = writing.Row
Progress = Callable[[int, int], None]
_T = TypeVar("_T")


@dataclass
class Firm:
    """A generated company and who works there."""

    id: int
    name: str
    domain: str
    country: words.Country
    address: tuple[str, str, str, str]  # street, city, region, postcode
    members: list[int] = field(default_factory=list)  # indices into SampleRun.people


@dataclass
class Person:
    """What the second pass (meetings and what hangs off them) needs to know about a contact."""

    id: int
    given: str
    firm: Firm | None
    since_days: int  # the first stage change was this many days before `today`
    currency: str


@dataclass(frozen=True)
class Met:
    """A meeting made for a contact, for the follow-ups and gifts that refer to it."""

    id: int
    kind: str
    days_ago: int


class SampleRun:
    """One run of `generate`: the random stream, the id counters and what earlier passes made."""

    def __init__(
        self,
        session: Session,
        count: int,
        seed: int,
        today: date,
        zone: ZoneInfo,
        now: datetime,
        progress: Progress | None,
        follow_up_weights: tuple[int, ...] = words.FU_WEIGHTS,
    ) -> None:
        self.session = session
        self.follow_up_weights = follow_up_weights
        self.count = count
        self.rng = random.Random(seed)
        self.today = today
        self.zone = zone
        self.now = as_utc(now)
        self.progress = progress
        self.last_id = {name: _max_id(session, name) for name in writing.WITH_IDS}
        self.rows: dict[str, list[Row]] = {name: [] for name in writing.TABLES}
        self.firms: list[Firm] = []
        self.people: list[Person] = []
        self.names_used: set[str] = set()
        self.tag_ids = {
            key: tag_id for key, tag_id in session.execute(select(Tag.name_key, Tag.id))
        }
        self.tags = tuple(t.format(year=today.year) for t in words.TAGS)
        self.tally = dict.fromkeys(
            ("contacts", "meetings", "research", "follow_ups", "thanks", "gifts"), 0
        )
        self.thanks_wanted = [ThanksStatus.SENT, ThanksStatus.PRINTED, ThanksStatus.DRAFT]
        self.instants: dict[tuple[int, int], tuple[datetime, datetime]] = {}
        self.memo: writing.Memo = {}

    # --- small helpers ------------------------------------------------------------------------

    def new_id(self, table: str) -> int:
        self.last_id[table] += 1
        return self.last_id[table]

    def add(self, table: str, row: Row) -> None:
        self.rows[table].append(row)

    # random.Random's own randrange/choices cost microseconds each; at a million rows the plain
    # arithmetic on random() below is several times faster (and just as deterministic).
    def between(self, low: int, high: int | None = None) -> int:
        """A whole number in [low, high), or in [0, low) with one argument."""
        if high is None:
            low, high = 0, low
        return low + int(self.rng.random() * (high - low))

    def one(self, items: Sequence[_T]) -> _T:
        return items[int(self.rng.random() * len(items))]

    def weighted(self, items: Sequence[_T], weights: tuple[int, ...]) -> _T:
        cumulative = _cumulative(weights)
        return items[bisect_right(cumulative, self.rng.random() * cumulative[-1])]

    def moment(self, day: int, minute: int) -> tuple[datetime, datetime]:
        """(wall clock, UTC instant) of `minute` past midnight, `day` days after today."""
        # Memoised: a few thousand distinct (day, minute) pairs serve a million rows. Instants
        # are kept in UTC, which is what the rows store (and the cheapest to write).
        found = self.instants.get((day, minute))
        if found is None:
            wall = datetime.combine(self.today + timedelta(days=day), time(minute // 60))
            wall += timedelta(minutes=minute % 60)
            found = self.instants[day, minute] = (wall, localize(wall, self.zone).astimezone(UTC))
        return found

    def past(self, days_ago: int) -> datetime:
        """An office-hours instant `days_ago` days before today, never later than `now`."""
        # On a five-minute grid: realistic enough, and few distinct values to encode.
        noon = self.moment(-days_ago, 12 * 60)[1]
        return min(noon + timedelta(minutes=5 * self.between(-48, 72)), self.now)

    def business_day(self, day: int) -> int:
        """`day` (days from today) moved off a weekend: back to Friday if past, on to Monday."""
        weekday = (self.today + timedelta(days=day)).weekday()
        if weekday < 5 or day == 0:
            return day
        return day + (7 - weekday) if day > 0 else day + (4 - weekday)

    def quarter_hour(self, first_hour: int = 8, last_hour: int = 17) -> int:
        """A minute-of-day on the quarter hour from first_hour:00 to last_hour:45."""
        return first_hour * 60 + 15 * self.between(4 * (last_hour - first_hour + 1))

    def fill(self, pattern: str) -> str:
        """The pattern with each "#" a random digit and each "@" a random capital letter."""
        return "".join(
            str(self.between(10)) if c == "#" else chr(65 + self.between(26)) if c == "@" else c
            for c in pattern
        )

    def flush(self, done: int) -> None:
        """Write the pending rows, parents first, and report progress."""
        connection = self.session.connection()
        if sum(len(known) for known in self.memo.values()) > writing.MEMO_LIMIT:
            self.memo.clear()
        for name, rows in self.rows.items():
            if rows:
                writing.INSERTS[name].run(connection, rows, self.memo)
                rows.clear()
        if self.progress is not None:
            self.progress(done, self.total)

    @property
    def total(self) -> int:
        return 2 * self.count + 1  # two passes over the contacts, then the search index

    # --- research, for both passes ------------------------------------------------------------

    def research(self, subject: str, subject_id: int, source: str, *, recent: bool = False) -> None:
        """A research note about exactly one contact, company or meeting (the schema's CHECK)."""
        rng = self.rng
        row: Row = {
            "id": self.new_id("research_notes"),
            "contact_id": None,
            "company_id": None,
            "meeting_id": None,
            "noted_at": self.past(self.between(1, 5) if recent else self.between(1, 400)),
            "text": self.one(words.RESEARCH_NOTES),
            "source_url": source if rng.random() < 0.6 else "",
        }
        row[subject] = subject_id
        self.add("research_notes", row)
        self.tally["research"] += 1


def _max_id(session: Session, table: str) -> int:
    return session.scalar(select(func.max(writing.TABLES[table].c.id))) or 0


@functools.cache
def _cumulative(weights: tuple[int, ...]) -> tuple[int, ...]:
    """Running totals of the weights, computed once per weight tuple (for bisecting)."""
    return tuple(itertools.accumulate(weights))
