"""Keep-in-touch health: rules (most specific wins, off, pause), the derived last touch, states."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relationship_crm.domain import bounds
from relationship_crm.domain.enums import MeetingKind, Stage
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.domain.records import ContactDraft, GiftDraft, MeetingDraft
from relationship_crm.services import (
    contacts,
    gifts,
    health,
    json_copy,
    json_copy_import,
    meetings,
    thanks,
    thanks_drafts,
)

NY = "America/New_York"
# Everyone is created on 2026-01-01 (New York); "today" is 2026-03-01 unless said otherwise.
CREATED = datetime(2026, 1, 1, 15, 0, tzinfo=UTC)
TODAY = date(2026, 3, 1)


def add(db, name: str, **kw) -> int:
    with db.write() as s:
        return contacts.create(s, ContactDraft(name=name, **kw), now=CREATED).id


def late(db, on: date = TODAY) -> dict[int, str]:
    with db.read() as s:
        return {h.contact_id: h.state for h in health.health(s, on=on, zone=NY)}


def one(db, cid: int, on: date = TODAY) -> health.ContactHealth:
    with db.read() as s:
        return health.contact_health(s, cid, on=on, zone=NY)


def meet(db, cid: int, day: date, kind: MeetingKind = MeetingKind.MEETING) -> int:
    with db.write() as s:
        return meetings.log(
            s,
            MeetingDraft("Catch-up", datetime(day.year, day.month, day.day, 10), NY, (cid,), kind),
            now=CREATED,
        ).id


def test_no_rhythm_means_not_listed(db) -> None:
    jane = add(db, "Jane")
    assert late(db) == {}
    h = one(db, jane)
    assert (h.state, h.rhythm.source, h.last_touch, h.days_since_contact) == (
        "none",
        "none",
        None,
        59,
    )


@pytest.mark.parametrize("few", [0, 2_000], ids=["table-wide", "by-id"])
def test_states_move_as_meetings_notes_and_gifts_are_recorded(db, monkeypatch, few) -> None:
    # Many ruled contacts: touches are read table-wide; a few: by id. Both say the same.
    monkeypatch.setattr(health, "_FEW", few)
    bystander = add(db, "Bystander")  # touched, but has no rhythm
    meet(db, bystander, date(2026, 2, 28))
    jane = add(db, "Jane")
    with db.write() as s:
        health.set_contact_rhythm(s, jane, 30, 45)
    # No touch: counted from creation (2026-01-01): 59 days > 45 -> lost.
    assert late(db) == {jane: "lost"}
    assert one(db, jane).last_touch is None
    # A call on 2026-01-20: 40 days -> drifting (past 30, within 45).
    meet(db, jane, date(2026, 1, 20), MeetingKind.CALL)
    assert late(db) == {jane: "drifting"}
    assert one(db, jane).last_touch == date(2026, 1, 20)
    # A gift on 2026-02-10: 19 days -> within the ideal, not listed.
    with db.write() as s:
        gifts.add(s, GiftDraft(contact_id=jane, item="Book", given_on=date(2026, 2, 10)))
    assert late(db) == {}
    assert one(db, jane).last_touch == date(2026, 2, 10)
    # Weeks later it drifts again, until a thank-you note is marked sent.
    assert late(db, date(2026, 3, 20)) == {jane: "drifting"}
    lunch = meet(db, jane, date(2026, 1, 25), MeetingKind.LUNCH)  # older: changes nothing
    with db.write() as s:
        note_ids = thanks_drafts.draft_for_meeting(s, lunch, now=CREATED).value
    assert late(db, date(2026, 3, 20)) == {jane: "drifting"}  # a draft is no touch
    with db.write() as s:
        thanks.mark_sent(s, note_ids, now=datetime(2026, 3, 15, 3, 0, tzinfo=UTC))
    # Sent at 03:00 UTC = 2026-03-14 in New York: the day is the rep's.
    assert one(db, jane, date(2026, 3, 20)).last_touch == date(2026, 3, 14)
    assert late(db, date(2026, 3, 20)) == {}


def test_every_meeting_kind_is_a_touch_but_not_a_future_one(db) -> None:
    for kind in MeetingKind:
        cid = add(db, f"P {kind.value}")
        with db.write() as s:
            health.set_contact_rhythm(s, cid, 10, 20)
        meet(db, cid, date(2026, 2, 25), kind)
        assert one(db, cid).last_touch == date(2026, 2, 25)
    ahead = add(db, "Ahead")
    with db.write() as s:
        health.set_contact_rhythm(s, ahead, 10, 20)
    meet(db, ahead, date(2026, 3, 5))
    assert one(db, ahead).last_touch is None  # booked, not yet happened
    assert late(db) == {ahead: "lost"}


def test_most_specific_rule_wins(db) -> None:
    customer = add(db, "Cus", stage=Stage.CUSTOMER)
    tagged = add(db, "Tagged", stage=Stage.CUSTOMER, tags=("key clients", "golf"))
    own = add(db, "Own", stage=Stage.CUSTOMER, tags=("key clients",))
    prospect = add(db, "Pro", stage=Stage.PROSPECT)
    with db.write() as s:
        health.set_stage_rhythm(s, "customer", 90, 120)
        health.set_tag_rhythm(s, "Key Clients", 30, 45)
        health.set_tag_rhythm(s, "golf", 50, 55)
        health.set_contact_rhythm(s, own, 100, 200)
    assert one(db, customer).rhythm == health.ContactRhythm("stage", "customer", 90, 120)
    # Two tags with rhythms: the tightest ideal applies.
    assert one(db, tagged).rhythm == health.ContactRhythm("tag", "key clients", 30, 45)
    assert one(db, own).rhythm == health.ContactRhythm("contact", "", 100, 200)
    assert one(db, prospect).rhythm.source == "none"
    # 59 days since creation: the tag says lost, the stage and own rules say fine.
    assert late(db) == {tagged: "lost"}


def test_off_beats_tag_and_stage_and_clear_brings_them_back(db) -> None:
    jane = add(db, "Jane", stage=Stage.CUSTOMER, tags=("vip",))
    with db.write() as s:
        health.set_stage_rhythm(s, "CUSTOMER", 30, 45)
        health.set_tag_rhythm(s, "vip", 20, 40)
        health.set_contact_off(s, jane)
    assert one(db, jane).state == "off"
    assert late(db) == {}
    with db.write() as s:
        health.clear_contact_rhythm(s, jane)
    assert one(db, jane).rhythm.source == "tag"
    with db.write() as s:
        health.set_tag_rhythm(s, "vip", None, None)
    assert one(db, jane).rhythm.source == "stage"
    with db.write() as s:
        health.set_stage_rhythm(s, "customer", None, None)
    assert one(db, jane).state == "none"


def test_pause_suppresses_until_its_day_and_a_past_pause_is_ignored(db) -> None:
    jane = add(db, "Jane", tags=("vip",))
    with db.write() as s:
        health.set_tag_rhythm(s, "vip", 30, 45)
        health.pause_contact(s, jane, date(2026, 3, 10), "parental leave")
    h = one(db, jane)
    assert (h.state, h.rhythm.paused_until, h.rhythm.pause_reason) == (
        "paused",
        date(2026, 3, 10),
        "parental leave",
    )
    assert "paused until 2026-03-10 (parental leave)" in health.describe(h)
    assert late(db) == {}
    assert late(db, date(2026, 3, 10)) == {}  # the day itself is still paused
    assert late(db, date(2026, 3, 11)) == {jane: "lost"}
    with db.write() as s:
        health.pause_contact(s, jane, date(2026, 2, 1), "old")
    assert late(db) == {jane: "lost"}
    with db.write() as s:
        health.pause_contact(s, jane, None)
    assert one(db, jane).rhythm.paused_until is None


def test_setting_own_rhythm_keeps_the_pause(db) -> None:
    jane = add(db, "Jane")
    with db.write() as s:
        health.pause_contact(s, jane, date(2026, 4, 1), "")
        health.set_contact_rhythm(s, jane, 5, 10)
    assert one(db, jane).state == "paused"


def test_worst_first_relative_to_the_rhythm(db) -> None:
    a, b, c = add(db, "A"), add(db, "B"), add(db, "C")
    with db.write() as s:
        health.set_contact_rhythm(s, a, 50, 100)  # 59 days: (59-50)/50 = 0.18
        health.set_contact_rhythm(s, b, 10, 100)  # (59-10)/10 = 4.9
        health.set_contact_rhythm(s, c, 30, 40)  # (59-30)/30 = 0.97, lost
    with db.read() as s:
        found = health.health(s, on=TODAY, zone=NY)
    assert [(h.contact_id, h.state) for h in found] == [
        (b, "drifting"),
        (c, "lost"),
        (a, "drifting"),
    ]


def test_trashed_contacts_are_not_listed(db) -> None:
    jane = add(db, "Jane", stage=Stage.LEAD)
    with db.write() as s:
        health.set_stage_rhythm(s, "lead", 1, 2)
    assert late(db) == {jane: "lost"}
    with db.write() as s:
        contacts.trash(s, jane)
    assert late(db) == {}


def test_bad_input_is_one_clear_error(db) -> None:
    jane = add(db, "Jane")
    with db.write() as s:
        with pytest.raises(InvalidInputError, match="ideal .* must not be longer"):
            health.set_contact_rhythm(s, jane, 50, 40)
        with pytest.raises(InvalidInputError, match="between 1 and"):
            health.set_contact_rhythm(s, jane, 0, 40)
        with pytest.raises(InvalidInputError, match="between 1 and"):
            health.set_contact_rhythm(s, jane, 1, 10**12)
        with pytest.raises(NotFoundError):
            health.set_contact_rhythm(s, 999, 1, 2)
        with pytest.raises(NotFoundError, match="no tag named 'nope'"):
            health.set_tag_rhythm(s, "nope", 1, 2)
        with pytest.raises(InvalidInputError, match="unknown stage"):
            health.set_stage_rhythm(s, "shopping", 1, 2)
        with pytest.raises(InvalidInputError, match="both"):
            health.set_stage_rhythm(s, "lead", 1, None)
        with pytest.raises(InvalidInputError, match="between 1900"):
            health.pause_contact(s, jane, date(1, 1, 1))


@given(ideal=st.integers(1, bounds.MAX_RHYTHM_DAYS), extra=st.integers(0, 100))
def test_parse_rhythm_reads_what_it_is_given(ideal: int, extra: int) -> None:
    most = min(ideal + extra, bounds.MAX_RHYTHM_DAYS)
    assert health.parse_rhythm(f"{ideal}/{most}") == (ideal, most)
    assert health.parse_rhythm(f" {ideal} / {most} ") == (ideal, most)


@given(st.text(max_size=20))
def test_parse_rhythm_never_fails_badly(text: str) -> None:
    try:
        result = health.parse_rhythm(text)
    except InvalidInputError as error:
        assert "\n" not in str(error)
    else:
        assert result is None or 1 <= result[0] <= result[1] <= bounds.MAX_RHYTHM_DAYS


def test_parse_rhythm_none_and_errors() -> None:
    assert health.parse_rhythm("none") is None
    assert health.parse_rhythm("OFF") is None
    for bad in ("30", "30/", "45/30", "0/5", "a/b", "30-45"):
        with pytest.raises(InvalidInputError):
            health.parse_rhythm(bad)


@given(
    days=st.integers(0, 400),
    ideal=st.integers(1, 200),
    extra=st.integers(0, 200),
)
def test_state_follows_the_days(days: int, ideal: int, extra: int) -> None:
    rhythm = health.ContactRhythm("contact", "", ideal, ideal + extra)
    state = health._state(rhythm, days)
    expected = "lost" if days > ideal + extra else "drifting" if days > ideal else "ok"
    assert state == expected


def test_json_copy_round_trips_rhythms(db, tmp_path) -> None:
    from relationship_crm.storage.db import open_database

    jane = add(db, "Jane", tags=("vip",))
    bob = add(db, "Bob")
    with db.write() as s:
        health.set_contact_rhythm(s, jane, 20, 30)
        health.pause_contact(s, jane, date(2026, 5, 1), "travelling")
        health.set_contact_off(s, bob)
        health.set_tag_rhythm(s, "vip", 40, 50)
        health.set_stage_rhythm(s, "partner", 60, 90)
    with db.read() as s:
        before = health.list_rules(s)
        data = json_copy.export_json(s)
    other = open_database(tmp_path / "other.sqlite3")
    try:
        with other.write() as s:
            json_copy_import.import_document(s, data)
        with other.read() as s:
            after = health.list_rules(s)
            names = {c.name: c.id for c in contacts.list_contacts(s)}
            jane_there = health.contact_health(s, names["Jane"], on=TODAY, zone=NY)
        assert [
            (r.scope, r.ideal_days, r.max_days, r.off, r.paused_until, r.pause_reason)
            for r in after
        ] == [
            (r.scope, r.ideal_days, r.max_days, r.off, r.paused_until, r.pause_reason)
            for r in before
        ]
        assert jane_there.rhythm.ideal_days == 20 and jane_there.state == "paused"
        # Importing the copy again doubles nothing.
        with other.write() as s:
            json_copy_import.import_document(s, data)
        with other.read() as s:
            assert len(health.list_rules(s)) == len(before)
    finally:
        other.close()


def test_a_contact_deleted_for_good_takes_its_rule_along(db) -> None:
    from relationship_crm.services import trash

    jane = add(db, "Jane")
    with db.write() as s:
        health.set_contact_rhythm(s, jane, 5, 10)
        contacts.trash(s, jane)
        trash.empty_trash(s)
    with db.read() as s:
        assert health.list_rules(s) == []
    # A new contact never inherits the old one's rule, even if SQLite hands out the same id.
    again = add(db, "Bob")
    assert one(db, again).rhythm.source == "none"
