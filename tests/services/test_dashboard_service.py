"""The dashboard's figures on hand-made databases, checked against figures worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from relationship_crm.domain.enums import Stage
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.records import ContactDraft, FollowUpDraft, GiftDraft, MeetingDraft
from relationship_crm.services import (
    contacts,
    dashboard,
    followups,
    gifts,
    meetings,
    settings,
    thanks,
    thanks_drafts,
)

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)  # Thursday
NY = "America/New_York"


def person(db, name, stage=Stage.PROSPECT, tags=()):
    with db.write() as s:
        return contacts.create(
            s, ContactDraft(name=name, stage=stage, tags=tuple(tags)), now=NOW - timedelta(days=90)
        ).id


def follow_up(db, cid, when, *, tz="UTC", cadence=None):
    with db.write() as s:
        return followups.add(
            s,
            FollowUpDraft(
                contact_id=cid,
                due_local=datetime.strptime(when, "%Y-%m-%d %H:%M"),
                tz=tz,
                cadence=cadence,
            ),
            now=NOW - timedelta(days=30),
        ).id


def test_funnel_counts_stages_and_conversion(db):
    person(db, "A")
    b = person(db, "B")
    c = person(db, "C")
    person(db, "D", Stage.PARTNER)
    gone = person(db, "Gone")
    with db.write() as s:
        contacts.set_stage(s, b, Stage.LEAD, now=NOW - timedelta(days=20))
        contacts.set_stage(s, c, Stage.LEAD, now=NOW - timedelta(days=20))
        contacts.set_stage(s, c, Stage.CUSTOMER, now=NOW - timedelta(days=10))
        contacts.trash(s, gone, now=NOW)
    with db.read() as s:
        bars = {bar.stage: bar for bar in dashboard.funnel(s, now=NOW)}
    assert [bars[k].contacts for k in ("prospect", "lead", "customer", "partner", "other")] == [
        1,
        1,
        1,
        1,
        0,
    ]
    # The pipeline's conversion (issue 15): of the stays that ended in the last year, the share
    # that moved forward. Prospect: B and C moved on, Gone went to the trash (out): 2 of 3.
    assert bars["prospect"].converted_pct == 66.7
    assert bars["lead"].converted_pct == 100.0  # C moved on; B is still a lead (no stay ended)
    assert bars["customer"].converted_pct is None
    assert bars["partner"].converted_pct is None
    assert all(bar.stuck == 0 for bar in bars.values())  # nobody past the stage's limit yet


def test_funnel_of_an_empty_database(db):
    with db.read() as s:
        bars = dashboard.funnel(s, now=NOW)
    assert [bar.contacts for bar in bars] == [0, 0, 0, 0, 0]
    assert all(bar.converted_pct is None for bar in bars)


def test_due_per_week_counts_each_open_follow_up_once(db):
    a = person(db, "A")
    b = person(db, "B")
    gone = person(db, "Gone")
    follow_up(db, a, "2026-12-01 09:00")  # overdue
    follow_up(db, a, "2026-12-02 23:59")  # overdue: due before today, as in the daily list
    follow_up(db, a, "2026-12-03 14:59")  # past its time, but today's work: this week
    follow_up(db, a, "2026-12-04 09:00", cadence="weekly")  # this week, counted once
    follow_up(db, b, "2026-12-06 23:00")  # Sunday: still this week
    follow_up(db, b, "2026-12-07 00:00")  # Monday: the week of 07 Dec
    follow_up(db, b, "2027-01-24 09:00")  # Sunday of the 8th week (starting 18 Jan)
    follow_up(db, b, "2027-01-25 00:00")  # past the 8 weeks: not counted
    done = follow_up(db, b, "2026-12-05 09:00")
    follow_up(db, gone, "2026-12-04 09:00")
    with db.write() as s:
        followups.complete(s, done, now=NOW)
        contacts.trash(s, gone, now=NOW)
    with db.read() as s:
        weeks = dashboard.due_per_week(s, now=NOW, zone="UTC")
    assert [w.key for w in weeks][:3] == ["overdue", "2026-11-30", "2026-12-07"]
    assert [w.label for w in weeks][:3] == ["Overdue", "This week", "07 Dec"]
    assert len(weeks) == 1 + dashboard.WEEKS_AHEAD
    assert [(w.one_off, w.recurring) for w in weeks] == [
        (2, 0),
        (2, 1),
        (1, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (1, 0),
    ]


def test_due_per_week_follows_the_reps_zone(db):
    a = person(db, "A")
    # Monday 07 Dec 02:00 UTC is still Sunday evening in New York: this week there.
    follow_up(db, a, "2026-12-07 02:00")
    with db.read() as s:
        utc = dashboard.due_per_week(s, now=NOW, zone="UTC")
        ny = dashboard.due_per_week(s, now=NOW, zone=NY)
    assert [w.total for w in utc[:3]] == [0, 0, 1]
    assert [w.total for w in ny[:3]] == [0, 1, 0]


def test_snoozed_follow_up_counts_at_its_snooze_time(db):
    a = person(db, "A")
    fid = follow_up(db, a, "2026-12-01 09:00")
    with db.write() as s:
        followups.snooze(s, fid, until=datetime(2026, 12, 8, 9, tzinfo=UTC), now=NOW)
    with db.read() as s:
        weeks = dashboard.due_per_week(s, now=NOW, zone="UTC")
        items = dashboard.follow_ups_of_week(s, "2026-12-07", now=NOW, zone="UTC")
    assert [w.total for w in weeks[:3]] == [0, 0, 1]
    assert [(i.contact_id, i.due.date()) for i in items] == [(a, date(2026, 12, 8))]


def test_follow_ups_of_a_week_list_the_bar(db):
    a = person(db, "Ann")
    b = person(db, "Bob")
    follow_up(db, a, "2026-12-01 09:00")
    follow_up(db, b, "2026-12-04 10:00", cadence="weekly")
    with db.read() as s:
        overdue = dashboard.follow_ups_of_week(s, "overdue", now=NOW, zone="UTC")
        week = dashboard.follow_ups_of_week(s, "2026-11-30", now=NOW, zone="UTC")
        nothing = dashboard.follow_ups_of_week(s, "bogus", now=NOW, zone="UTC")
    assert [i.contact_name for i in overdue] == ["Ann"]
    assert [(i.contact_name, i.recurring) for i in week] == [("Bob", True)]
    assert nothing == []


@hypothesis_settings(deadline=None, max_examples=20)  # a fresh database per example
@given(
    # Around now as often as anywhere in the 80 days either side: today's earlier hours are where
    # "overdue" could be read two ways.
    hours=st.lists(
        st.one_of(st.integers(-36, 36), st.integers(min_value=-24 * 80, max_value=24 * 80)),
        max_size=12,
    ),
    zone=st.sampled_from(["UTC", NY, "Asia/Tokyo", "Pacific/Chatham"]),
)
def test_every_follow_up_lands_in_at_most_one_bar(tmp_path_factory, hours, zone):
    from relationship_crm.storage.db import open_database

    db = open_database(tmp_path_factory.mktemp("due") / "crm.sqlite3")
    try:
        a = person(db, "A")
        for offset in hours:
            due = (NOW + timedelta(hours=offset)).strftime("%Y-%m-%d %H:%M")
            follow_up(db, a, due)
        today = NOW.astimezone(ZoneInfo(zone)).date()
        with db.read() as s:
            weeks = dashboard.due_per_week(s, now=NOW, zone=zone)
            daily = followups.agenda(s, day=today, tz=zone)
        end = weeks[-1].end
        inside = [h for h in hours if NOW + timedelta(hours=h) < end]
        assert sum(w.total for w in weeks) == len(inside)
        # Overdue is what was due before today in the zone: the daily list's overdue, exactly.
        start_of_today = datetime.combine(today, time(), ZoneInfo(zone))
        assert weeks[0].total == len(
            [h for h in hours if NOW + timedelta(hours=h) < start_of_today]
        )
        assert weeks[0].total == len(daily.overdue)
        for earlier, later in zip(weeks[1:], weeks[2:], strict=False):
            assert earlier.end == later.start
    finally:
        db.close()


def gift(db, cid, day, cost, currency="USD"):
    with db.write() as s:
        gifts.add(
            s,
            GiftDraft(
                contact_id=cid,
                item="Wine",
                given_on=date.fromisoformat(day),
                cost=None if cost is None else Decimal(cost),
                currency=currency,
            ),
            now=NOW,
        )


def test_spend_per_month_per_currency_with_budget_and_top_recipients(db):
    ann = person(db, "Ann")
    bob = person(db, "Bob")
    gone = person(db, "Gone")
    gift(db, ann, "2026-11-15", "40.00")
    gift(db, ann, "2026-12-01", "10.50")
    gift(db, bob, "2026-12-02", "9.50")
    gift(db, bob, "2026-12-02", "5000", "JPY")
    gift(db, bob, "2025-12-31", "999")  # before the 12 months
    gift(db, bob, "2026-12-02", None)  # no cost
    gift(db, gone, "2026-12-02", "77")
    with db.write() as s:
        contacts.trash(s, gone, now=NOW)
        settings.put(s, "gift_budget", "1,200 usd")
    with db.read() as s:
        spend = dashboard.spend_per_month(s, now=NOW, zone="UTC")
    assert spend.months[0] == date(2026, 1, 1) and spend.months[-1] == date(2026, 12, 1)
    assert len(spend.months) == 12
    assert spend.amount(date(2026, 11, 1), "USD") == Decimal("40.00")
    assert spend.amount(date(2026, 12, 1), "USD") == Decimal("20.00")
    assert spend.amount(date(2026, 12, 1), "JPY") == Decimal("5000")
    assert spend.amount(date(2026, 10, 1), "USD") == 0
    assert spend.currencies == ("USD", "JPY")
    assert dict(spend.totals) == {"USD": Decimal("60.00"), "JPY": Decimal("5000")}
    assert spend.budget is not None
    assert (spend.budget.amount, spend.budget.currency) == (Decimal(1200), "USD")
    assert spend.budget.spent == Decimal("60.00")
    assert spend.budget.monthly == Decimal("100.00")
    assert spend.budget.used_pct == 5.0
    assert [(r.name, r.currency, r.amount) for r in spend.top_recipients] == [
        ("Bob", "JPY", Decimal("5000")),
        ("Ann", "USD", Decimal("50.50")),
        ("Bob", "USD", Decimal("9.50")),
    ]


def test_spend_without_gifts_or_budget(db):
    with db.read() as s:
        spend = dashboard.spend_per_month(s, now=NOW, zone="UTC")
    assert spend.spend == () and spend.budget is None and spend.top_recipients == ()


def test_spend_sums_exactly(db):
    ann = person(db, "Ann")
    for _ in range(10):
        gift(db, ann, "2026-12-01", "0.10")
    gift(db, ann, "2026-12-01", "1234567.8912", "CLF")
    with db.read() as s:
        spend = dashboard.spend_per_month(s, now=NOW, zone="UTC")
    assert spend.amount(date(2026, 12, 1), "USD") == Decimal("1.00")
    assert spend.amount(date(2026, 12, 1), "CLF") == Decimal("1234567.8912")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1200 USD", "1200 USD"),
        ("usd 1,200.50", "1200.5 USD"),
        ("1200.00 EUR", "1200 EUR"),
        ("50000 JPY", "50000 JPY"),
    ],
)
def test_gift_budget_setting_is_checked_and_normalised(db, typed, stored):
    with db.write() as s:
        settings.put(s, "gift_budget", typed)
    with db.read() as s:
        assert settings.get(s, "gift_budget") == stored


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("1200", "AMOUNT CURRENCY"),
        ("lots USD", "not an amount"),
        ("-5 USD", "positive"),
        ("0 USD", "positive"),
        ("100 XYZ", "unknown currency"),
        ("10.5 JPY", "decimal"),
        ("1e99 USD", "implausibly large"),
        ("12 USD EUR", "AMOUNT CURRENCY"),
    ],
)
def test_gift_budget_refuses_bad_values_in_one_line(db, typed, says):
    with db.write() as s, pytest.raises(InvalidInputError, match=says) as caught:
        settings.put(s, "gift_budget", typed)
    assert "\n" not in str(caught.value)


def test_gift_budget_cleared_by_an_empty_value(db):
    with db.write() as s:
        settings.put(s, "gift_budget", "100 USD")
        settings.put(s, "gift_budget", "")
    with db.read() as s:
        assert settings.gift_budget(s) is None


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**8), places=2))
def test_gift_budget_round_trips(amount):
    parsed = settings.parse_budget(f"{amount} EUR")
    assert parsed.amount == amount and parsed.currency == "EUR"
    assert settings.parse_budget(parsed.text) == parsed


def meeting_on(db, cids, day):
    with db.write() as s:
        mid = meetings.log(
            s,
            MeetingDraft(
                title=f"Lunch {day}",
                starts_local=datetime.fromisoformat(f"{day} 12:00"),
                tz="UTC",
                attendee_ids=tuple(cids),
            ),
            now=NOW,
        ).id
        ids = thanks_drafts.draft_for_meeting(s, mid).value
    return ids


def test_thanks_outstanding_by_age(db):
    a, b, c, d, e = (person(db, n) for n in "ABCDE")
    meeting_on(db, [a], "2026-12-02")  # draft, 1 day
    (printed,) = meeting_on(db, [b], "2026-11-28")  # printed, 5 days
    meeting_on(db, [c], "2026-10-01")  # draft, 63 days
    (sent,) = meeting_on(db, [d], "2026-11-20")
    meeting_on(db, [e], "2026-11-25")  # 8 days, but trashed
    meeting_on(db, [a], "2026-12-10")  # a meeting to come: fresh
    with db.write() as s:
        thanks.mark_printed(s, [printed], now=NOW)
        thanks.mark_sent(s, [sent], now=NOW)
        contacts.trash(s, e, now=NOW)
    with db.read() as s:
        ages = dashboard.thanks_outstanding(s, now=NOW, zone="UTC")
    assert [(x.key, x.drafts, x.printed) for x in ages] == [
        ("0-1", 2, 0),
        ("2-7", 0, 1),
        ("8-30", 0, 0),
        ("31+", 1, 0),
    ]


def test_thanks_age_bucket_edges(db):
    a = person(db, "A")
    for day in ("2026-12-02", "2026-12-01", "2026-11-26", "2026-11-25", "2026-11-03", "2026-11-02"):
        meeting_on(db, [a], day)  # 1, 2, 7, 8, 30, 31 days
    with db.read() as s:
        ages = dashboard.thanks_outstanding(s, now=NOW, zone="UTC")
    assert [x.drafts for x in ages] == [1, 2, 2, 1]


def test_seams_are_empty_for_now(db):
    person(db, "A", tags=["golf"])
    with db.read() as s:
        assert dashboard.health(s, now=NOW, zone="UTC") == ()
        assert dashboard.health_contacts(s, now=NOW, zone="UTC") == ()
        assert dashboard.campaigns(s, now=NOW) == ()


def test_weekly_review_lists_the_week_by_day_and_the_notes(db):
    ann = person(db, "Ann")
    bob = person(db, "Bob")
    follow_up(db, ann, "2026-12-01 09:00")  # overdue: not in the days
    follow_up(db, ann, "2026-12-03 16:00")
    follow_up(db, bob, "2026-12-09 08:00")  # Wednesday, the 7th day
    follow_up(db, bob, "2026-12-10 08:00")  # the 8th day: not listed
    meeting_on(db, [bob], "2026-11-30")
    with db.write() as s:
        settings.put(s, "timezone", "UTC")
    with db.read() as s:
        review = dashboard.weekly_review(s, now=NOW)
    assert review.first_day == date(2026, 12, 3)
    assert [d.day for d in review.days][0] == date(2026, 12, 3)
    assert len(review.days) == 7
    listed = {d.day: [i.contact_name for i in d.items] for d in review.days if d.items}
    assert listed == {date(2026, 12, 3): ["Ann"], date(2026, 12, 9): ["Bob"]}
    assert review.overdue == 1
    assert [(n.contact_name, n.status) for n in review.notes_to_send] == [("Bob", "draft")]
    assert review.drifting_or_lost == ()
    assert review.dashboard.zone == "UTC"


def test_health_bars_count_the_drifting_and_lost_by_tag(db):
    """Tag "key" has a 10/20-day rhythm, stage lead 30/60. Contacts were added 40 days ago and
    never touched: Ann (key) and Bob (key, vip) are lost under "key" (Bob under "vip" too);
    Cid (lead, no tag) is drifting (40 > 30, < 60) under "(no tag)"; Dee has no rhythm."""
    from relationship_crm.services import health

    then = NOW - timedelta(days=40)
    with db.write() as s:
        ids = {
            name: contacts.create(s, ContactDraft(name=name, stage=stage, tags=tags), now=then).id
            for name, stage, tags in (
                ("Ann", Stage.PROSPECT, ("key",)),
                ("Bob", Stage.PROSPECT, ("key", "vip")),
                ("Cid", Stage.LEAD, ()),
                ("Dee", Stage.PROSPECT, ()),
            )
        }
        health.set_tag_rhythm(s, "key", 10, 20, now=then)
        health.set_stage_rhythm(s, "lead", 30, 60, now=then)
    with db.read() as s:
        bars = dashboard.health(s, now=NOW, zone=NY)
        behind_key = dashboard.health_contacts(s, now=NOW, zone=NY, tag="key")
        drifting = dashboard.health_contacts(s, now=NOW, zone=NY, state="drifting")
    assert [(b.tag, b.drifting, b.lost) for b in bars] == [
        ("key", 0, 2),
        ("vip", 0, 1),
        ("(no tag)", 1, 0),
    ]
    assert sorted(c.contact_id for c in behind_key) == [ids["Ann"], ids["Bob"]]
    assert [c.name for c in drifting] == ["Cid"]


def test_campaign_bars_come_from_the_campaign_results(db):
    from relationship_crm.services import campaign_results, campaigns
    from relationship_crm.services.campaigns import CampaignDraft, Segment

    person(db, "Ann", tags=("spring",))
    with db.write() as s:
        made = campaigns.create(
            s,
            CampaignDraft(
                name="Spring",
                template="campaign-check-in",
                segment=Segment(tags=frozenset({"spring"})),
            ),
            now=NOW - timedelta(days=5),
        ).id
        (member,) = campaign_results.get_campaign(s, made, now=NOW).members
        campaigns.set_outcome(s, made, member.contact_id, "deal", now=NOW)
    with db.read() as s:
        (bar,) = dashboard.campaigns(s, now=NOW)
    assert (bar.campaign_id, bar.name, bar.responses, bar.deals) == (made, "Spring", 1, 1)
