"""Sample data: a realistic, reproducible book of business for demos, screenshots and load tests.

`generate` fills a database with contacts (names from many cultures, accents included), their
companies, stage histories, tags, emails, phones and offices, then meetings with attendees, research
notes, follow-ups (overdue, due today, upcoming, recurring), thank-you notes and gifts. Everything
comes from `random.Random(seed)` and the `today`/`now` arguments, never the wall clock, so the same
seed and the same day give the same rows, ids included. Dates are placed around `today`, so the
daily list always has something overdue, something due today and something coming.

Rows are written with bulk INSERTs and ids assigned here, after the largest id already in each
table: running it on a database that has data adds to it. The `relationship-crm sample-data`
command and the desktop app's "load sample data" button both call `generate`.

The generator's state and random draws are in `sample_run`, its two passes in `sample_people`
(companies and contacts) and `sample_history` (meetings and what follows them), the words it
draws from in `sample_words` and the writing in `sample_rows`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.errors import InvalidInputError, KnownError
from relationship_crm.scheduling.zones import as_utc, get_zone
from relationship_crm.services import contacts as contact_service
from relationship_crm.services import sample_rows as writing
from relationship_crm.services import sample_words as words
from relationship_crm.services.sample_history import SampleHistory
from relationship_crm.services.sample_people import SamplePeople
from relationship_crm.services.sample_run import Progress
from relationship_crm.storage import portable
from relationship_crm.storage.schema import Contact

__all__ = [
    "DEMO_CONTACTS",
    "MAX_CONTACTS",
    "SampleSummary",
    "check_contact_count",
    "generate",
    "generate_demo",
]

MAX_CONTACTS = 1_000_000

# Contacts handled per batch of INSERTs: keeps memory flat at a million contacts, and is the
# granularity of progress reports.
_CHUNK = 5_000


@dataclass(frozen=True)
class SampleSummary:
    """How many rows of each kind `generate` added."""

    contacts: int
    companies: int
    meetings: int
    research_notes: int
    follow_ups: int
    thank_you_notes: int
    gifts: int

    def describe(self) -> str:
        """One sentence for people: "Added 200 contacts, 41 companies, ... and 95 gifts." """
        parts = [
            _counted(self.contacts, "contact", "contacts"),
            _counted(self.companies, "company", "companies"),
            _counted(self.meetings, "meeting", "meetings"),
            _counted(self.research_notes, "research note", "research notes"),
            _counted(self.follow_ups, "follow-up", "follow-ups"),
            _counted(self.thank_you_notes, "thank-you note", "thank-you notes"),
            _counted(self.gifts, "gift", "gifts"),
        ]
        return f"Added {', '.join(parts[:-1])} and {parts[-1]}."

    @property
    def changes(self) -> Changes:
        """The kinds of records added (the settings are left alone)."""
        return Changes(
            contacts=self.contacts > 0,
            companies=self.companies > 0,
            meetings=self.meetings > 0,
            research=self.research_notes > 0,
            follow_ups=self.follow_ups > 0,
            thanks=self.thank_you_notes > 0,
            gifts=self.gifts > 0,
        )


def _counted(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def check_contact_count(value: int) -> int:
    """The number of contacts to generate: a whole number from 1 to 1,000,000."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CONTACTS:
        raise InvalidInputError(
            f"the number of sample contacts must be from 1 to {MAX_CONTACTS:,}, not {value!r}"
        )
    return value


def generate(
    session: Session,
    *,
    contacts: int,
    seed: int = 0,
    today: date,
    tz: str,
    now: datetime,
    progress: Progress | None = None,
    worst_case: bool = False,
) -> SampleSummary:
    """Add `contacts` sample contacts with their companies, meetings, notes, follow-ups and gifts.

    `today` is the rep's calendar day in zone `tz` (the sample's dates are placed around it) and
    `now` the aware moment of generation (no past timestamp is later). `progress(done, total)` is
    called now and then. The search index is rebuilt at the end. Runs in the caller's transaction.

    However big the book, the daily list holds what a busy rep's does: a few hundred overdue at
    most (`words.FU_CAPS`). `worst_case` keeps a small book's proportions at every size instead
    (a fifth of the follow-ups overdue: tens of thousands at 100,000 contacts), for benchmarks.
    """
    count = check_contact_count(contacts)
    zone = get_zone(tz)
    as_utc(now)  # a naive `now` is a programming error: fail before writing anything
    weights = words.FU_WEIGHTS if worst_case else follow_up_weights(count)
    return _Generator(session, count, seed, today, zone, now, progress, weights).run()


def follow_up_weights(contacts: int) -> tuple[int, ...]:
    """`words.FU_WEIGHTS` for a book of `contacts`, with the overdue, due-today and snoozed
    shares cut so that their expected counts stay under `words.FU_CAPS` (the rest is done)."""
    per_contact = sum(n * w for n, w in enumerate(words.FOLLOW_UPS_PER_CONTACT))
    expected = contacts * per_contact / sum(words.FOLLOW_UPS_PER_CONTACT)
    total = sum(words.FU_WEIGHTS)
    # In thousandths, so a share a thousand times smaller still has a whole weight.
    weights = {k: w * 1000 for k, w in zip(words.FU_KINDS, words.FU_WEIGHTS, strict=True)}
    for kind, cap in words.FU_CAPS.items():
        allowed = max(1, int(1000 * total * cap / expected)) if expected else weights[kind]
        if allowed < weights[kind]:
            weights["done"] += weights[kind] - allowed
            weights[kind] = allowed
    if weights["done"] == words.FU_WEIGHTS[words.FU_KINDS.index("done")] * 1000:
        return words.FU_WEIGHTS  # a small book: the same draws as ever
    return tuple(weights[k] for k in words.FU_KINDS)


#: How many contacts the desktop app's "Load sample data" invents.
DEMO_CONTACTS = 200


def generate_demo(session: Session, *, today: date, tz: str, now: datetime) -> SampleSummary:
    """The desktop app's sample book (200 contacts, seed 1), into an EMPTY database only.

    Invented contacts must never mix with a rep's real ones (issue 13): a database that holds any
    contact, in the trash or not, is refused with one line and nothing is written. The command
    line's `sample-data` still adds to any database on purpose (demos, benchmarks).
    """
    held = session.scalar(select(func.count()).select_from(Contact)) or 0
    if held:
        noun = "contact" if held == 1 else "contacts"
        raise KnownError(
            f"sample data goes only into an empty database, and this one has {held} {noun}: "
            "open a new database file to try the app with sample data"
        )
    return generate(session, contacts=DEMO_CONTACTS, seed=1, today=today, tz=tz, now=now)


# --- the generator ----------------------------------------------------------------------------


class _Generator(SamplePeople, SampleHistory):
    """One run of `generate`: the companies and contacts, then their histories, in batches."""

    # --- the run ------------------------------------------------------------------------------

    def run(self) -> SampleSummary:
        self.make_companies()
        self.flush(0)
        for start in range(0, self.count, _CHUNK):
            end = min(start + _CHUNK, self.count)
            for _ in range(start, end):
                self.make_contact()
            self.flush(end)
        # Second pass once every contact exists: a meeting can bring in colleagues from anywhere.
        for start in range(0, self.count, _CHUNK):
            end = min(start + _CHUNK, self.count)
            for person in self.people[start:end]:
                self.make_history(person)
            self.flush(self.count + end)
        # The rows carry their ids: a server's id sequences must move past them.
        portable.ids_written(self.session, writing.TABLES.values())
        contact_service.rebuild_index(self.session)
        if self.progress is not None:
            self.progress(self.total, self.total)
        return SampleSummary(
            contacts=self.tally["contacts"],
            companies=len(self.firms),
            meetings=self.tally["meetings"],
            research_notes=self.tally["research"],
            follow_ups=self.tally["follow_ups"],
            thank_you_notes=self.tally["thanks"],
            gifts=self.tally["gifts"],
        )
