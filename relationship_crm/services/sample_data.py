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
"""

from __future__ import annotations

import functools
import itertools
import random
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.enums import FollowUpStatus, ThanksStatus
from relationship_crm.domain.errors import InvalidInputError, KnownError
from relationship_crm.domain.text import fold
from relationship_crm.scheduling.zones import as_utc, get_zone, localize
from relationship_crm.services import contacts as contact_service
from relationship_crm.services import sample_rows as writing
from relationship_crm.services import sample_words as words
from relationship_crm.storage import portable
from relationship_crm.storage.schema import (
    Company,
    Contact,
    Tag,
)

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

Row = writing.Row
Progress = Callable[[int, int], None]
_T = TypeVar("_T")


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


# --- reference data ---------------------------------------------------------------------------


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


# --- the generator ----------------------------------------------------------------------------


@dataclass
class _Firm:
    """A generated company and who works there."""

    id: int
    name: str
    domain: str
    country: words.Country
    address: tuple[str, str, str, str]  # street, city, region, postcode
    members: list[int] = field(default_factory=list)  # indices into _Generator.people


@dataclass
class _Person:
    """What the second pass (meetings and what hangs off them) needs to know about a contact."""

    id: int
    given: str
    firm: _Firm | None
    since_days: int  # the first stage change was this many days before `today`
    currency: str


@dataclass(frozen=True)
class _Met:
    """A meeting made for a contact, for the follow-ups and gifts that refer to it."""

    id: int
    kind: str
    days_ago: int


class _Generator:
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
        self.firms: list[_Firm] = []
        self.people: list[_Person] = []
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

    # --- companies ----------------------------------------------------------------------------

    def make_companies(self) -> None:
        """About one company per five contacts, with a website, an office and some research."""
        rng = self.rng
        taken = set(self.session.scalars(select(Company.name_key)))
        for _ in range(max(1, round(self.count / 5))):
            country = self.weighted(words.COUNTRY_LIST, words.COUNTRY_WEIGHTS)
            name, base = self.company_name(country, taken)
            city, region, postcode = self.one(country.cities)
            firm = _Firm(
                id=self.new_id("companies"),
                name=name,
                domain=f"{_NOT_ALNUM.sub('', fold(base))}.{country.tld}",
                country=country,
                address=(
                    country.street.format(n=self.between(1, 400)),
                    city,
                    region,
                    self.fill(postcode),
                ),
            )
            self.firms.append(firm)
            since = self.past(self.between(60, 1200))
            self.add(
                "companies",
                {
                    "id": firm.id,
                    "name": name,
                    "name_key": fold(name),
                    "website": f"https://www.{firm.domain}",
                    "notes": self.one(words.COMPANY_NOTES) if rng.random() < 0.4 else "",
                    "created_at": since,
                    "updated_at": since,
                },
            )
            for _ in range(self.one((0, 0, 1, 1, 2))):
                self.research("company_id", firm.id, f"https://www.{firm.domain}/news")

    def company_name(self, country: words.Country, taken: set[str]) -> tuple[str, str]:
        """A name not used yet (in the database or this run) and its base, for the web domain."""
        base = ""
        for attempt in range(12):
            base = f"{self.one(words.COMPANY_WORDS)} {self.one(words.COMPANY_TRADES)}"
            if attempt >= 6:  # a crowded namespace (large samples): qualify with a city
                base = f"{base} {self.one(country.cities)[0]}"
            suffix = self.one(country.suffixes)
            name = f"{base} {suffix}" if suffix else base
            if fold(name) not in taken:
                taken.add(fold(name))
                return name, base
        # Only reached when nearly every combination is taken; a number always ends the search.
        number = 2
        while fold(f"{base} {number}") in taken:
            number += 1
        name = f"{base} {number}"
        taken.add(fold(name))
        return name, name

    # --- contacts -----------------------------------------------------------------------------

    def person_name(self) -> tuple[str, str, str, str]:
        """(display, given, family, sort name): mostly distinct, with a middle initial when the
        pool runs dry."""
        rng = self.rng
        display = given = family = middle = ""
        for attempt in range(8):
            _, givens, families = self.weighted(words.CULTURES, words.CULTURE_WEIGHTS)
            given = self.one(givens)
            # Most family names come from the same culture, some not (marriage, emigration);
            # the mixing also makes many more distinct names.
            family = self.one(families if rng.random() < 0.75 else words.ALL_FAMILY)
            middle = f" {self.one(words.INITIALS)}." if attempt >= 3 else ""
            display = f"{given}{middle} {family}"
            if display not in self.names_used:
                break
        self.names_used.add(display)
        # fold() works letter by letter, so folding the parts is folding the whole (tested).
        return display, given, family, f"{_fold(given)}{middle.lower()} {_fold(family)}"

    def make_contact(self) -> None:
        rng = self.rng
        cid = self.new_id("contacts")
        display, given, family, sort_name = self.person_name()
        firm: _Firm | None = None
        if rng.random() >= 0.08:
            # Skewed towards the first companies: a few big accounts, many with one contact.
            firm = self.firms[int(len(self.firms) * rng.random() ** 1.6)]
        country = firm.country if firm is not None else words.COUNTRIES[0][1]
        final = self.weighted(words.STAGES, words.STAGE_WEIGHTS)
        path = self.one(words.STAGE_PATHS[final])
        since_days = self.between(30, 900)
        # The history: distinct, increasing days from `since_days` ago up to yesterday.
        later = sorted(rng.sample(range(1, since_days), len(path) - 1), reverse=True)
        changed = [self.past(days) for days in (since_days, *later)]
        for stage, at in zip(path, changed, strict=True):
            self.add(
                "stage_changes",
                {
                    "id": self.new_id("stage_changes"),
                    "contact_id": cid,
                    "stage": stage,
                    "changed_at": at,
                },
            )
        self.add(
            "contacts",
            {
                "id": cid,
                "display_name": display,
                "given_name": given,
                "family_name": family,
                "sort_name": sort_name,
                "company_id": firm.id if firm is not None else None,
                "title": self.one(words.TITLES)
                if firm is not None
                else self.one(words.INDEPENDENT_TITLES),
                "stage": final,
                "birthday": self.birthday() if rng.random() < 0.25 else None,
                "notes": " ".join(rng.sample(words.CONTACT_NOTES, self.one((0, 0, 1, 1, 2)))),
                "created_at": changed[0],
                "updated_at": changed[-1],
                "deleted_at": None,
                "campaign_opt_out": False,
            },
        )
        self.reachability(cid, given, family, firm, country)
        tag_count = self.one((0, 0, 1, 1, 1, 2, 2, 3))
        for name in dict.fromkeys(
            self.weighted(self.tags, words.TAG_WEIGHTS) for _ in range(tag_count)
        ):
            key = _fold(name)
            if key not in self.tag_ids:  # tags are shared, and reused from earlier runs
                self.tag_ids[key] = self.new_id("tags")
                self.add("tags", {"id": self.tag_ids[key], "name": name, "name_key": key})
            self.add("contact_tags", {"contact_id": cid, "tag_id": self.tag_ids[key]})
        if firm is not None:
            firm.members.append(len(self.people))
        self.people.append(_Person(cid, given, firm, since_days, country.currency))
        self.tally["contacts"] += 1

    def birthday(self) -> str:
        """ "YYYY-MM-DD", or "--MM-DD" when the rep never learned the year."""
        day = date(2000, 1, 1) + timedelta(days=self.between(366))  # 2000 has a 29 Feb
        year = self.between(1955, 2001)
        if self.rng.random() < 0.3 or ((day.month, day.day) == (2, 29) and year % 4):
            return f"--{day:%m-%d}"
        return f"{year:04d}-{day:%m-%d}"

    def reachability(
        self, cid: int, given: str, family: str, firm: _Firm | None, country: words.Country
    ) -> None:
        """Emails (first.last@company, sometimes a personal one), phones and an office address."""
        rng = self.rng
        local = f"{_NOT_ALNUM.sub('', _fold(given))}.{_NOT_ALNUM.sub('', _fold(family))}"
        emails = []
        if firm is not None:
            emails.append(("work", f"{local}@{firm.domain}"))
        if firm is None or rng.random() < 0.2:
            digits = str(self.between(10, 99)) if rng.random() < 0.5 else ""
            emails.append(("home", f"{local}{digits}@{self.one(words.PERSONAL_DOMAINS)}"))
        for position, (label, value) in enumerate(emails):
            self.add(
                "contact_emails",
                {
                    "id": self.new_id("contact_emails"),
                    "contact_id": cid,
                    "label": label,
                    "value": value,
                    "value_key": value.lower(),
                    "position": position,
                },
            )
        phones = []
        if rng.random() < 0.85:
            phones.append(("work", self.fill(self.one(country.phones))))
        if rng.random() < 0.3:
            phones.append(("mobile", self.fill(self.one(country.mobiles))))
        for position, (label, value) in enumerate(phones):
            # All these formats are valid international numbers whose E.164 form is "+" and the
            # digits, which is what contact_fields.phone_key gives (without a slow parse per row).
            self.add(
                "contact_phones",
                {
                    "id": self.new_id("contact_phones"),
                    "contact_id": cid,
                    "label": label,
                    "value": value,
                    "value_key": "+" + "".join(filter(str.isdigit, value)),
                    "position": position,
                },
            )
        if firm is not None and rng.random() < 0.4:
            street, city, region, postcode = firm.address
            self.add(
                "contact_addresses",
                {
                    "id": self.new_id("contact_addresses"),
                    "contact_id": cid,
                    "label": "work",
                    "street": f"{firm.name}\n{street}",
                    "city": city,
                    "region": region,
                    "postcode": postcode,
                    "country": firm.country.name,
                    "position": 0,
                },
            )

    # --- meetings and what follows them -------------------------------------------------------

    def make_history(self, person: _Person) -> None:
        """A contact's meetings, research, follow-ups and gifts."""
        rng = self.rng
        horizon = min(540, person.since_days)  # ~18 months, and not before we knew them
        met = [
            self.meeting(person, -self.between(1, horizon + 1))
            for _ in range(self.weighted((1, 2, 3, 4), words.MEETINGS_PER_CONTACT))
        ]
        if rng.random() < 0.1:
            upcoming = self.meeting(person, self.between(1, 22))
            if rng.random() < 0.7:
                self.research("meeting_id", upcoming.id, "", recent=True)
        if rng.random() < 0.3:
            source = f"https://www.{person.firm.domain}/news" if person.firm else ""
            for _ in range(self.one((1, 1, 2))):
                self.research("contact_id", person.id, source)
        latest = min(met, key=lambda m: m.days_ago)
        for _ in range(self.weighted((0, 1, 2), words.FOLLOW_UPS_PER_CONTACT)):
            self.follow_up(person, latest.id if rng.random() < 0.4 else None)
        if rng.random() < 0.12:
            lunches = [m for m in met if m.kind == "lunch"]
            for n in range(self.one((1, 1, 2, 3))):
                self.gift(person, lunches[0] if n == 0 and lunches else None)

    def meeting(self, person: _Person, day: int) -> _Met:
        """A meeting `day` days from today (negative: in the past) with 1-3 attendees."""
        rng = self.rng
        upcoming = day > 0
        kind = self.weighted(
            words.KINDS, words.UPCOMING_KIND_WEIGHTS if upcoming else words.KIND_WEIGHTS
        )
        if kind != "event":  # conferences and golf days may fall on a weekend; the rest do not
            day = self.business_day(day)
        minute = self.quarter_hour(12, 13) if kind == "lunch" else self.quarter_hour()
        wall, starts_at = self.moment(day, minute)
        firm = person.firm
        if kind == "lunch":
            location = self.one(words.RESTAURANTS)
            title = f"Lunch at {location}"
        else:
            location = self.one(words.LOCATIONS_BY_KIND[kind])
            title = self.one(words.TITLES_BY_KIND[kind])
            if firm is not None and kind in ("meeting", "call") and rng.random() < 0.5:
                title = f"{title} – {firm.name}"
        attendees = [person.id]
        if firm is not None and len(firm.members) > 1:
            for _ in range(self.weighted((0, 1, 2), words.COLLEAGUES_PER_MEETING)):
                attendees.append(self.people[self.one(firm.members)].id)
        attendees = list(dict.fromkeys(attendees))  # unique, first one stays the main contact
        if len(attendees) < 3 and rng.random() < 0.05:  # someone from elsewhere: an introducer
            attendees = list(dict.fromkeys([*attendees, self.one(self.people).id]))
        low, high = words.DURATIONS[kind]
        created = self.past(self.between(1, 15)) if upcoming else min(starts_at, self.now)
        mid = self.new_id("meetings")
        self.add(
            "meetings",
            {
                "id": mid,
                "kind": kind,
                "title": title,
                "starts_at": starts_at,
                "tz": self.zone.key,
                "starts_local": wall,
                "duration_minutes": 15 * self.between(low // 15, high // 15 + 1) if high else 0,
                "location": location,
                "notes": self.one(words.AGENDAS) if upcoming else self.one(words.MEETING_NOTES),
                "created_at": created,
                "updated_at": created,
            },
        )
        for contact_id in attendees:
            self.add("meeting_attendees", {"meeting_id": mid, "contact_id": contact_id})
        self.tally["meetings"] += 1
        if not upcoming and kind in ("meeting", "lunch", "event") and rng.random() < 0.45:
            self.thank_you_notes(mid, attendees, wall, starts_at, -day, kind)
        return _Met(mid, kind, -day)

    def thank_you_notes(
        self,
        meeting_id: int,
        attendees: list[int],
        wall: datetime,
        starts_at: datetime,
        days_ago: int,
        kind: str,
    ) -> None:
        """One note per attendee; the older the meeting, the further along draft->printed->sent."""
        day = f"{wall.day} {words.MONTHS[wall.month - 1]}"
        for contact_id in attendees:
            if self.thanks_wanted and days_ago >= 10:
                status = self.thanks_wanted.pop(0)  # every status shows up, even in tiny samples
            elif days_ago >= 14:
                status = self.weighted(words.THANKS_STATUSES, (10, 10, 80))
            elif days_ago >= 3:
                status = self.weighted(words.THANKS_STATUSES, (30, 30, 40))
            else:
                status = self.weighted(words.THANKS_STATUSES, (70, 30, 0))
            drafted = starts_at + timedelta(hours=self.between(12, 30))
            printed = drafted + timedelta(hours=self.between(1, 48))
            sent = printed + timedelta(hours=self.between(2, 48))
            # A step that would fall after `now` has not happened yet.
            if status is ThanksStatus.SENT and sent > self.now:
                status = ThanksStatus.PRINTED
            if status is ThanksStatus.PRINTED and printed > self.now:
                status = ThanksStatus.DRAFT
            # Contact ids of this run are consecutive: the offset from the first is the index.
            given = self.people[contact_id - self.people[0].id].given
            body = (
                f"Dear {given},\n\nThank you for {words.THANKS_FOR.get(kind, 'your time')} on "
                f"{day}. {self.one(words.THANKS_LINES)}\n\nBest wishes"
            )
            self.add(
                "thank_you_notes",
                {
                    "id": self.new_id("thank_you_notes"),
                    "meeting_id": meeting_id,
                    "contact_id": contact_id,
                    "template": words.THANKS_TEMPLATES.get(kind, "after-meeting"),
                    "body": body,
                    "status": status.value,
                    "drafted_at": min(drafted, self.now),
                    "printed_at": printed if status is not ThanksStatus.DRAFT else None,
                    "sent_at": sent if status is ThanksStatus.SENT else None,
                    "edited_at": None,
                },
            )
            self.tally["thanks"] += 1

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

    def follow_up(self, person: _Person, meeting_id: int | None) -> None:
        """One follow-up: overdue, today, soon, later, done, cancelled or snoozed; some recur."""
        rng = self.rng
        n = self.tally["follow_ups"]
        situation = (
            words.FU_KINDS[n] if n < 3 else self.weighted(words.FU_KINDS, self.follow_up_weights)
        )
        if situation == "overdue":
            day = -self.between(1, 21)
        elif situation == "today":
            day = 0
        elif situation == "soon":
            day = self.between(1, 15)
        elif situation == "later":
            day = self.between(15, 181)
        elif situation == "done":
            day = -self.between(3, 120)
        elif situation == "cancelled":
            day = self.between(-60, 30)
        else:  # snoozed
            day = -self.between(1, 8)
        wall, due_at = self.moment(self.business_day(day), self.quarter_hour())
        status = FollowUpStatus.OPEN
        if situation == "done":
            status = FollowUpStatus.DONE
        elif situation == "cancelled":
            status = FollowUpStatus.CANCELLED
        rule = None
        if status is FollowUpStatus.OPEN and rng.random() < words.RECURRING_SHARE:
            rule = self.weighted(words.RRULES, words.RRULE_WEIGHTS)
        # Put off until tomorrow 09:00, as the "tomorrow" snooze preset does.
        snoozed = self.moment(1, 9 * 60)[1] if situation == "snoozed" else None
        created = self.past(max(0, -day) + self.between(1, 30))
        fid = self.new_id("follow_ups")
        completed = None
        if status is FollowUpStatus.DONE:
            completed = min(due_at + timedelta(hours=self.between(0, 60)), self.now)
            self.add(
                "follow_up_completions",
                {
                    "id": self.new_id("follow_up_completions"),
                    "follow_up_id": fid,
                    "due_at": due_at,
                    "completed_at": completed,
                },
            )
        self.add(
            "follow_ups",
            {
                "id": fid,
                "contact_id": person.id,
                "meeting_id": meeting_id,
                "trigger_event_id": None,
                "due_at": due_at,
                "tz": self.zone.key,
                "due_local": wall,
                "anchor_local": wall,
                "rrule": rule,
                "note": self.one(words.RECURRING_NOTES if rule else words.FOLLOW_UP_NOTES),
                "status": status.value,
                "snoozed_until": snoozed,
                "remind_at": snoozed or due_at,
                "completed_at": completed,
                "created_at": created,
                "updated_at": completed or created,
            },
        )
        self.tally["follow_ups"] += 1

    def gift(self, person: _Person, lunch: _Met | None) -> None:
        """A gift; for a past lunch meeting, the lunch itself (linked to the meeting)."""
        low: int | None
        high: int | None
        if lunch is not None:
            item, low, high, days_ago = "Lunch for two", 60, 220, lunch.days_ago
        else:
            item, low, high = self.one(words.GIFTS)
            days_ago = self.between(1, 540)
        cost = None
        if low is not None and high is not None:
            # Whole cents from an integer, so the Decimal is exact (45.50, never a float).
            cost = Decimal(5 * self.between(low * 20, high * 20 + 1)).scaleb(-2)
        self.add(
            "gifts",
            {
                "id": self.new_id("gifts"),
                "contact_id": person.id,
                "meeting_id": lunch.id if lunch is not None else None,
                "item": item,
                "occasion": "" if lunch is not None else self.one(words.OCCASIONS),
                "cost": cost,
                "currency": person.currency,
                "given_on": self.today - timedelta(days=days_ago),
                "created_at": min(self.moment(-days_ago, 18 * 60)[1], self.now),
            },
        )
        self.tally["gifts"] += 1


def _max_id(session: Session, table: str) -> int:
    return session.scalar(select(func.max(writing.TABLES[table].c.id))) or 0


@functools.cache
def _cumulative(weights: tuple[int, ...]) -> tuple[int, ...]:
    """Running totals of the weights, computed once per weight tuple (for bisecting)."""
    return tuple(itertools.accumulate(weights))


# Names come from small pools, so their folded forms are worth remembering.
_fold = functools.cache(fold)
