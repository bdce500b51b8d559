"""Sample data: the `sample-data` command and `services.sample_data.generate` on real databases."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from relationship_crm.domain.errors import InvalidInputError, KnownError
from relationship_crm.domain.records import ContactDraft
from relationship_crm.domain.text import fold
from relationship_crm.scheduling.recurrence import parse_cadence
from relationship_crm.scheduling.zones import localize
from relationship_crm.services import contact_fields, contacts, sample_data, sample_rows
from relationship_crm.storage.schema import (
    Company,
    Contact,
    ContactEmail,
    ContactPhone,
    FollowUp,
    FollowUpCompletion,
    Gift,
    Meeting,
    ResearchNote,
    StageChange,
    Tag,
    ThankYouNote,
    meeting_attendees,
)
from relationship_crm.storage.types import DecimalText, UTCDateTime, WallClock

DAY = "2026-11-23"  # a Monday
TODAY = date(2026, 11, 23)
ZONE = "Europe/Dublin"
NOW = datetime(2026, 11, 23, 12, 30, tzinfo=ZoneInfo(ZONE))


def generate(db, contacts: int = 150, seed: int = 3, today: date = TODAY, **kw):
    now = kw.pop("now", datetime.combine(today, NOW.timetz()))
    with db.write() as s:
        return sample_data.generate(
            s, contacts=contacts, seed=seed, today=today, tz=kw.pop("tz", ZONE), now=now, **kw
        )


def count(s: Session, model) -> int:
    return s.scalar(select(func.count()).select_from(model)) or 0


def sample(cli, n: int = 80, *extra: str, db=None) -> str:
    result = cli("sample-data", "--contacts", str(n), "--today", DAY, *extra, db=db)
    assert result.code == 0, result.err
    assert result.err == ""
    return result.out


# --- through the command line -----------------------------------------------------------------


def test_prints_one_summary_line(cli):
    out = sample(cli, 60)
    assert re.fullmatch(
        r"Added 60 contacts, \d+ companies, \d+ meetings, \d+ research notes, \d+ follow-ups, "
        r"\d+ thank-you notes and \d+ gifts\.\n",
        out,
    ), out
    assert len(cli("contact", "list", "--format", "json").json()) == 60


def test_same_seed_and_day_give_the_same_data_another_seed_does_not(cli, tmp_path):
    dbs = {name: tmp_path / f"{name}.sqlite3" for name in ("a", "b", "c")}
    sample(cli, 70, "--seed", "5", db=dbs["a"])
    sample(cli, 70, "--seed", "5", db=dbs["b"])
    sample(cli, 70, "--seed", "6", db=dbs["c"])

    def dump(name: str) -> list[str]:
        views = [
            ("contact", "list", "--format", "json"),
            ("today", "--date", DAY, "--upcoming", "14", "--format", "json"),
            ("meeting", "list", "--format", "json"),
            ("gift", "list", "--format", "json"),
            ("followup", "list", "--status", "all", "--format", "json"),
        ]
        outputs = [cli(*argv, db=dbs[name]) for argv in views]
        assert all(o.code == 0 for o in outputs)
        return [o.out for o in outputs]

    first = dump("a")
    assert dump("b") == first
    other = dump("c")
    assert all(mine != theirs for mine, theirs in zip(first, other, strict=True))


def test_the_daily_list_has_overdue_today_and_upcoming_rows(cli):
    sample(cli, 80)
    rows = cli("today", "--date", DAY, "--format", "json").json()
    overdue = [r for r in rows if r["overdue"]]
    due_today = [r for r in rows if not r["overdue"]]
    assert overdue and due_today
    assert all(r["due"] < f"{DAY}T00:00" for r in overdue)
    assert all(r["due"].startswith(DAY) for r in due_today)
    # ...and the days after it have their share too.
    ahead = cli("today", "--date", DAY, "--upcoming", "14", "--format", "json").json()
    assert len(ahead) > len(rows)
    assert "Overdue" in cli("today", "--date", DAY).out


def test_some_follow_ups_recur_with_valid_rules(cli):
    sample(cli, 200)
    rows = cli("followup", "list", "--format", "json").json()
    rules = [r["recurrence"] for r in rows if r["recurrence"]]
    assert 0.05 < len(rules) / len(rows) < 0.3
    assert "FREQ=MONTHLY;INTERVAL=3" in rules
    for rule in set(rules):  # stored exactly as `followup add --every RULE` would store it
        assert parse_cadence(rule, start_local=datetime(2026, 1, 31, 9)) == rule
    statuses = Counter(
        r["status"] for r in cli("followup", "list", "--status", "all", "--format", "json").json()
    )
    assert statuses["done"] and statuses["cancelled"] and statuses["open"]


def test_search_finds_accented_names_typed_without_accents(cli):
    sample(cli, 200)
    people = cli("contact", "list", "--format", "json").json()
    accented = [p for p in people if not p["family_name"].isascii()]
    assert len(accented) >= 5
    for person in accented[:5]:
        query = fold(person["family_name"])  # "Müller" typed as "muller"
        assert query.isascii()
        found = cli("search", query, "--limit", "500", "--format", "json").json()
        assert person["id"] in [f["id"] for f in found], query


def test_gifts_have_costs_currencies_and_past_dates(cli):
    sample(cli, 200)
    gifts = cli("gift", "list", "--format", "json").json()
    assert gifts
    costs = [g["cost"] for g in gifts if g["cost"] is not None]
    assert len(costs) > len(gifts) / 2
    assert all(re.fullmatch(r"\d+\.\d{2}", c) for c in costs)
    assert {g["currency"] for g in gifts} <= {"USD", "EUR", "GBP"}
    assert all(g["date"] < DAY for g in gifts)


def test_running_twice_adds_rather_than_clashes(cli, db):
    first = sample(cli, 50)
    second = sample(cli, 50)
    assert first.startswith("Added 50 contacts") and second.startswith("Added 50 contacts")
    people = cli("contact", "list", "--format", "json").json()
    assert len(people) == 100 and len({p["id"] for p in people}) == 100
    with db.read() as s:
        assert count(s, Tag) == len(set(s.scalars(select(Tag.name_key))))  # tags reused
        if not db.on_server:  # a server keeps its own foreign keys and pages sound
            assert s.execute(text("PRAGMA foreign_key_check")).all() == []
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert contacts.count(s) == 100
        assert s.scalar(text("SELECT count(*) FROM contacts_fts")) == 100


@pytest.mark.parametrize("value", ["0", "abc", "-5", "1000001", "2.5", ""])
def test_a_bad_count_is_one_line_on_stderr_and_writes_nothing(cli, value):
    result = cli("sample-data", "--contacts", value, "--today", DAY)
    assert result.code == 1
    assert result.out == ""
    assert result.err.count("\n") == 1 and "--contacts" in result.err
    assert "1 to 1,000,000" in result.err
    assert cli("contact", "list", "--format", "json").json() == []


def test_contacts_is_required_and_seed_must_be_a_number(cli):
    assert cli("sample-data").code == 1
    result = cli("sample-data", "--contacts", "5", "--seed", "x")
    assert result.code == 1 and result.err.count("\n") == 1
    assert cli("contact", "list", "--format", "json").json() == []


def test_without_today_it_uses_the_configured_zone(cli):
    assert cli("config", "set", "timezone", "Asia/Kolkata").code == 0
    assert cli("sample-data", "--contacts", "20").code == 0
    (meeting, *_) = cli("meeting", "list", "--format", "json").json()
    assert meeting["tz"] == "Asia/Kolkata"


# --- through the service ----------------------------------------------------------------------


def test_summary_matches_the_rows_and_the_database_is_sound(db):
    summary = generate(db)
    with db.read() as s:
        assert summary == sample_data.SampleSummary(
            contacts=count(s, Contact),
            companies=count(s, Company),
            meetings=count(s, Meeting),
            research_notes=count(s, ResearchNote),
            follow_ups=count(s, FollowUp),
            thank_you_notes=count(s, ThankYouNote),
            gifts=count(s, Gift),
        )
        assert summary.contacts == 150
        assert 20 <= summary.companies <= 40
        assert 150 <= summary.meetings <= 600
        assert summary.follow_ups >= 120 and summary.research_notes and summary.gifts
        if not db.on_server:  # a server keeps its own foreign keys and pages sound
            assert s.execute(text("PRAGMA foreign_key_check")).all() == []
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def test_derived_keys_are_what_the_contact_service_computes(db):
    generate(db)
    with db.read() as s:
        people = s.scalars(select(Contact)).all()
        assert all(c.sort_name == fold(c.display_name) for c in people)
        assert all(c.display_name.startswith(c.given_name) for c in people)
        assert all(c.display_name.endswith(c.family_name) for c in people)
        assert len({c.display_name for c in people}) >= 0.95 * len(people)
        assert all(co.name_key == fold(co.name) for co in s.scalars(select(Company)))
        assert all(t.name_key == fold(t.name) for t in s.scalars(select(Tag)))
        emails = s.scalars(select(ContactEmail)).all()
        assert all(e.value_key == e.value.lower() for e in emails)
        assert all(contact_fields.check_email(e.value) == e.value for e in emails)
        assert {e.label for e in emails} == {"work", "home"}
        phones = s.scalars(select(ContactPhone)).all()
        assert all(p.value_key == contact_fields.phone_key(p.value, None) for p in phones)
        assert {p.label for p in phones} == {"work", "mobile"}
        assert all(contact_fields.check_birthday(c.birthday) for c in people if c.birthday)


def test_work_emails_are_first_dot_last_at_the_company_domain(db):
    generate(db)
    with db.read() as s:
        for person in s.scalars(select(Contact).where(Contact.company_id.is_not(None))):
            work = [e.value for e in person.emails if e.label == "work"]
            assert person.company is not None
            domain = person.company.website.removeprefix("https://www.")
            assert work and work[0].endswith(f"@{domain}")
            assert re.fullmatch(r"[a-z0-9]+\.[a-z0-9]+@[a-z0-9.]+", work[0]), work[0]


def test_stage_histories_have_one_to_three_increasing_entries(db):
    generate(db)
    with db.read() as s:
        people = s.scalars(select(Contact)).all()
        assert {c.stage for c in people} == {"prospect", "lead", "customer", "partner", "other"}
        for person in people:
            history = person.stage_changes
            assert 1 <= len(history) <= 3
            assert history[-1].stage == person.stage
            times = [h.changed_at for h in history]
            assert times == sorted(times) and len(set(times)) == len(times)
            assert times[-1] < NOW
        assert count(s, StageChange) > len(people)


def test_meetings_are_stored_in_the_zone_with_a_few_attendees(db):
    generate(db)
    zone = ZoneInfo(ZONE)
    with db.read() as s:
        meetings = s.scalars(select(Meeting)).all()
        assert {m.kind for m in meetings} == {"meeting", "call", "lunch", "event", "email"}
        for m in meetings:
            assert m.tz == ZONE
            assert m.starts_at == localize(m.starts_local, zone)
            assert 1 <= len(m.attendees) <= 3
        starts = [m.starts_local.date() for m in meetings]
        assert min(starts) >= TODAY - timedelta(days=550)
        upcoming = [d for d in starts if d > TODAY]
        assert upcoming and max(upcoming) <= TODAY + timedelta(days=25)
        assert len(upcoming) < len(starts) / 5
        # Meetings with several people are mostly with colleagues from one company.
        groups = [{c.company_id for c in m.attendees} for m in meetings if len(m.attendees) > 1]
        assert groups
        assert sum(len(g) == 1 for g in groups) > len(groups) / 2


def test_research_notes_cover_contacts_companies_and_upcoming_meetings(db):
    generate(db)
    with db.read() as s:
        notes = s.scalars(select(ResearchNote)).all()
        assert all(
            sum(x is not None for x in (n.contact_id, n.company_id, n.meeting_id)) == 1
            for n in notes
        )
        assert all(n.noted_at < NOW for n in notes)
        meeting_ids = [n.meeting_id for n in notes if n.meeting_id is not None]
        assert any(n.contact_id for n in notes) and any(n.company_id for n in notes)
        assert meeting_ids
        for mid in meeting_ids:
            meeting = s.get(Meeting, mid)
            assert meeting is not None and meeting.starts_local.date() > TODAY


def test_follow_ups_rows_are_consistent(db):
    generate(db, contacts=300)
    with db.read() as s:
        rows = s.scalars(select(FollowUp)).all()
        for f in rows:
            assert f.due_at == localize(f.due_local, f.tz)
            assert f.anchor_local == f.due_local and f.tz == ZONE
            assert f.remind_at == (f.snoozed_until or f.due_at)
            if f.rrule:
                assert f.status == "open"
            if f.status == "done":
                assert f.completed_at is not None and f.completed_at <= NOW
            else:
                assert f.completed_at is None
        assert any(f.snoozed_until for f in rows)
        done = [f.id for f in rows if f.status == "done"]
        completions = s.scalars(select(FollowUpCompletion.follow_up_id)).all()
        assert sorted(completions) == sorted(done)
        # Overdue ones are 1-20 days late and nothing lands on a weekend except today's.
        open_days = [(f.due_local.date() - TODAY).days for f in rows if f.status == "open"]
        assert min(open_days) >= -22
        assert all(f.due_local.weekday() < 5 for f in rows if f.due_local.date() != TODAY)


def test_thank_you_notes_have_every_status_with_matching_dates(db):
    generate(db)
    with db.read() as s:
        notes = s.scalars(select(ThankYouNote)).all()
        assert {n.status for n in notes} == {"draft", "printed", "sent"}
        for n in notes:
            assert (n.printed_at is not None) == (n.status in ("printed", "sent"))
            assert (n.sent_at is not None) == (n.status == "sent")
            steps = [t for t in (n.drafted_at, n.printed_at, n.sent_at) if t is not None]
            assert steps == sorted(steps) and steps[-1] <= NOW
            assert n.body.startswith("Dear ") and "Thank you for" in n.body
        attended = {(m, c) for m, c in s.execute(select(meeting_attendees))}
        assert all((n.meeting_id, n.contact_id) in attended for n in notes)
        past = {m.id for m in s.scalars(select(Meeting)) if m.starts_local.date() < TODAY}
        assert {n.meeting_id for n in notes} <= past


def test_gifts_rows(db):
    generate(db, contacts=300)
    with db.read() as s:
        gifts = s.scalars(select(Gift)).all()
        assert gifts and all(g.given_on < TODAY for g in gifts)
        assert all(g.cost is None or (g.cost > 0 and g.cost == round(g.cost, 2)) for g in gifts)
        assert any(isinstance(g.cost, Decimal) for g in gifts)
        lunches = [g for g in gifts if g.meeting_id is not None]
        for g in lunches:
            meeting = s.get(Meeting, g.meeting_id)
            assert meeting is not None and meeting.kind == "lunch"
            assert meeting.starts_local.date() == g.given_on


def test_dates_move_with_today(tmp_path):
    # Four weeks later, the same seed gives the same sample four weeks later (same weekdays).
    from relationship_crm.storage.db import open_database

    shift = timedelta(days=28)
    walls = []
    for day, name in ((date(2026, 3, 2), "a"), (date(2026, 3, 2) + shift, "b")):
        database = open_database(tmp_path / f"{name}.sqlite3")
        try:
            generate(database, contacts=40, today=day, tz="America/New_York")
            with database.read() as s:
                walls.append(
                    (
                        s.scalars(select(FollowUp.due_local).order_by(FollowUp.id)).all(),
                        s.scalars(select(Meeting.starts_local).order_by(Meeting.id)).all(),
                        s.scalars(select(Contact.display_name).order_by(Contact.id)).all(),
                    )
                )
        finally:
            database.close()
    (fa, ma, na), (fb, mb, nb) = walls
    assert na == nb
    assert [d + shift for d in fa] == fb
    assert [d + shift for d in ma] == mb


def test_progress_is_reported_up_to_the_total(db, monkeypatch):
    monkeypatch.setattr(sample_data, "_CHUNK", 40)  # several batches from a small sample
    calls: list[tuple[int, int]] = []
    generate(db, contacts=150, progress=lambda done, total: calls.append((done, total)))
    assert len(calls) >= 4
    totals = {total for _, total in calls}
    assert len(totals) == 1
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[0] == 0 and done[-1] == totals.pop()


@pytest.mark.parametrize("bad", [0, -1, 1_000_001, True])
def test_the_service_refuses_a_bad_count_and_writes_nothing(db, bad):
    with pytest.raises(InvalidInputError, match="from 1 to 1,000,000"):
        generate(db, contacts=bad)
    with db.read() as s:
        assert count(s, Contact) == 0 and count(s, Company) == 0


def test_the_service_refuses_a_naive_now(db):
    with pytest.raises(ValueError):
        generate(db, contacts=5, now=datetime(2026, 11, 23, 12))


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 11, 23, 9, 15, tzinfo=ZoneInfo("America/New_York")),
        datetime(2026, 3, 29, 1, 30, 5, 120, tzinfo=ZoneInfo("Europe/Dublin")),
        datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ],
)
def test_fast_writer_encodes_exactly_like_the_column_types(value):
    # generate() writes through the driver for speed; its text must be what the ORM writes.
    assert sample_rows.utc_text(value) == UTCDateTime().process_bind_param(value, None)
    wall = value.replace(tzinfo=None)
    assert sample_rows.wall_text(wall) == WallClock().process_bind_param(wall, None)
    amount = Decimal("1157.30")
    assert str(amount) == DecimalText().process_bind_param(amount, None)
    with pytest.raises(ValueError):
        sample_rows.utc_text(wall)


def test_the_apps_sample_goes_only_into_an_empty_database(db):
    """Invented contacts never mix with real ones: a database with a contact is refused whole."""
    now = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    with db.write() as s:
        contacts.create(s, ContactDraft(name="Real Client"), now=now)
    with pytest.raises(KnownError, match="only into an empty database, and this one has 1 contact"):
        with db.write() as s:
            sample_data.generate_demo(s, today=date(2026, 11, 23), tz="UTC", now=now)
    with db.read() as s:
        assert contacts.count(s) == 1


def test_the_apps_sample_fills_an_empty_database(db):
    now = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    with db.write() as s:
        summary = sample_data.generate_demo(s, today=date(2026, 11, 23), tz="UTC", now=now)
    assert summary.contacts == sample_data.DEMO_CONTACTS
    with db.read() as s:
        assert contacts.count(s) == sample_data.DEMO_CONTACTS
