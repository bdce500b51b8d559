"""Several reps on one PostgreSQL database (issue 20): versions, who wrote what, "mine".

Against the session's throw-away PostgreSQL cluster (tests/pg_cluster.py), with two logins of the
`crm_reps` role made as README.md tells an admin to: alice and bob.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from relationship_crm.domain.errors import EditConflictError
from relationship_crm.domain.records import ContactDraft, FollowUpDraft, GiftDraft, MeetingDraft
from relationship_crm.services import (
    contacts,
    followups,
    gifts,
    meetings,
    research,
    settings,
    team,
    thanks,
    thanks_drafts,
)
from relationship_crm.storage.db import Database, open_database
from relationship_crm.storage.schema import Contact

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


@pytest.fixture
def alice(team) -> Database:
    db = open_database(team.url("alice"))
    yield db
    db.close()


@pytest.fixture
def bob(team) -> Database:
    db = open_database(team.url("bob"))
    yield db
    db.close()


def _add(db: Database, name: str) -> int:
    with db.write() as s:
        return contacts.create(s, ContactDraft(name=name), now=NOW).id


def test_the_rep_is_the_database_login(alice, bob) -> None:
    with alice.read() as s:
        assert team.current_rep(s) == "alice"
    with bob.read() as s:
        assert team.current_rep(s) == "bob"


def test_the_second_of_two_saves_from_the_same_version_is_refused(alice, bob) -> None:
    jane = _add(alice, "Jane Doe")
    with alice.read() as s:
        seen_by_alice = contacts.get(s, jane)
    with bob.read() as s:
        seen_by_bob = contacts.get(s, jane)
    assert seen_by_alice.version == seen_by_bob.version == 1
    later = NOW + timedelta(minutes=5)
    with bob.write() as s:
        contacts.replace_details(
            s, jane, ContactDraft(name="Jane Doe", title="CEO"), now=later,
            expected_version=seen_by_bob.version,
        )  # fmt: skip
    with pytest.raises(EditConflictError) as refused, alice.write() as s:
        contacts.replace_details(
            s, jane, ContactDraft(name="Jane Doe", title="CFO"), now=later,
            expected_version=seen_by_alice.version,
        )  # fmt: skip
    # In the rep's zone (America/New_York here): 15:05 UTC is 10:05 EST.
    assert str(refused.value) == (
        "Jane Doe was changed by bob at 2026-12-03 10:05 EST — reload to see the changes, "
        "then save again"
    )
    with alice.read() as s:
        now_seen = contacts.get(s, jane)
    assert (now_seen.title, now_seen.updated_by) == ("CEO", "bob")
    assert now_seen.version > seen_by_bob.version
    with alice.write() as s:  # after a reload, alice's save goes through
        contacts.replace_details(
            s, jane, ContactDraft(name="Jane Doe", title="CFO"), now=later,
            expected_version=now_seen.version,
        )  # fmt: skip
    with bob.read() as s:
        assert contacts.get(s, jane).updated_by == "alice"


def test_two_concurrent_writers_of_one_contact_one_wins_one_is_told(alice, bob) -> None:
    jane = _add(alice, "Jane Doe")
    inside = threading.Event()
    release = threading.Event()
    outcome: dict[str, object] = {}

    def bob_saves() -> None:
        try:
            with bob.write() as s:
                s.connection()  # the transaction begins: bob holds the write lock now
                inside.set()
                assert release.wait(30)
                contacts.update(s, jane, title="bob's", expected_version=1, now=NOW)
            outcome["bob"] = "saved"
        except Exception as exc:  # reported below, in the test's thread
            outcome["bob"] = exc

    writer = threading.Thread(target=bob_saves)
    writer.start()
    assert inside.wait(30)

    def alice_saves() -> None:
        try:
            with alice.write() as s:
                contacts.update(s, jane, title="alice's", expected_version=1, now=NOW)
            outcome["alice"] = "saved"
        except Exception as exc:
            outcome["alice"] = exc

    second = threading.Thread(target=alice_saves)
    second.start()
    release.set()  # alice queues on the lock (or comes after bob): either way she is second
    writer.join(30)
    second.join(30)
    assert outcome["bob"] == "saved"
    assert isinstance(outcome["alice"], EditConflictError)
    assert "changed by bob" in str(outcome["alice"])
    with alice.read() as s:
        assert contacts.get(s, jane).title == "bob's"


def test_the_version_counter_refuses_a_stale_update_even_without_the_lock(alice, bob) -> None:
    jane = _add(alice, "Jane Doe")
    # Plain sessions (no write lock): both read version 1, the first commit moves it to 2.
    first = Session(alice.engine.execution_options(crm_read_only=True))
    second = Session(bob.engine.execution_options(crm_read_only=True))
    try:
        a = first.scalars(select(Contact).where(Contact.id == jane)).one()
        b = second.scalars(select(Contact).where(Contact.id == jane)).one()
        a.title = "first"
        first.commit()
        b.title = "second"
        with pytest.raises(StaleDataError):
            second.commit()
    finally:
        first.close()
        second.close()


def test_follow_ups_gifts_and_notes_say_who_created_them(alice, bob) -> None:
    jane = _add(alice, "Jane Doe")
    with bob.write() as s:
        due = datetime(2026, 12, 10, 9, 0)
        fu = followups.add(
            s, FollowUpDraft(contact_id=jane, due_local=due, tz="Europe/London"), now=NOW
        ).id
        gift = gifts.add(
            s, GiftDraft(contact_id=jane, item="Wine", given_on=date(2026, 12, 1)), now=NOW
        ).id
        note = research.add(s, "Likes sailing", contact_id=jane, now=NOW).id
    with alice.read() as s:
        assert contacts.get(s, jane).owner == "alice"
        (view,) = followups.list_follow_ups(s, contact_id=jane)
        assert view.id == fu
        from relationship_crm.storage.schema import FollowUp, Gift, ResearchNote

        row = s.get(FollowUp, fu)
        assert row is not None and (row.created_by, row.owner) == ("bob", "bob")
        assert s.get(Gift, gift).created_by == "bob"  # type: ignore[union-attr]
        assert s.get(ResearchNote, note).created_by == "bob"  # type: ignore[union-attr]


def test_a_follow_up_rings_only_for_its_rep_and_lists_filter_mine(alice, bob) -> None:
    jane = _add(alice, "Jane Doe")
    bobs_client = _add(bob, "Bob's Client")
    due = datetime(2026, 12, 3, 9, 0)
    with bob.write() as s:
        followups.add(s, FollowUpDraft(contact_id=jane, due_local=due, tz="UTC"), now=NOW)
    with alice.read() as s:
        everyone = followups.agenda(s, day=date(2026, 12, 3), tz="UTC", horizon_days=0)
        mine = followups.agenda(s, day=date(2026, 12, 3), tz="UTC", horizon_days=0, mine=True)
        assert [r.spec.contact_id for r in everyone.today] == [jane]
        assert mine.today == () and mine.overdue == ()
        assert followups.next_wakeup(s, now=NOW - timedelta(hours=8), mine=True) is None
        load = followups.load_agenda(s, now=NOW - timedelta(hours=8), tz="UTC")
        assert load.next_wakeup is None  # the app's wake-up is always the rep's own
        assert [c.id for c in contacts.list_contacts(s, mine=True)] == [jane]
        assert {c.id for c in contacts.list_contacts(s)} == {jane, bobs_client}
    with bob.read() as s:
        assert followups.next_wakeup(s, now=NOW - timedelta(hours=8), mine=True) is not None
        mine = followups.agenda(s, day=date(2026, 12, 3), tz="UTC", horizon_days=0, mine=True)
        assert [r.spec.contact_id for r in mine.overdue + mine.today] == [jane]
        assert [c.id for c in contacts.list_contacts(s, mine=True)] == [bobs_client]


def test_on_a_laptop_file_everything_is_mine(tmp_path) -> None:
    db = open_database(tmp_path / "crm.sqlite3")
    try:
        jane = _add(db, "Jane Doe")
        with db.write() as s:
            s.get(Contact, jane).owner = "somebody-else"  # type: ignore[union-attr]
        with db.read() as s:
            assert team.mine(s) is None
            assert [c.id for c in contacts.list_contacts(s, mine=True)] == [jane]
    finally:
        db.close()


def test_a_writer_kept_waiting_too_long_is_told_busy(team, monkeypatch) -> None:
    from relationship_crm.domain.errors import KnownError
    from relationship_crm.storage import server

    monkeypatch.setattr(server, "BUSY_TIMEOUT_MS", 300)
    holder, waiter = open_database(team.url("alice")), open_database(team.url("bob"))
    try:
        with holder.write() as s:
            s.connection()  # alice's write transaction holds the write lock
            with pytest.raises(KnownError, match="is busy .* nothing was changed, try again"):
                with waiter.write() as other:
                    contacts.create(other, ContactDraft(name="Waited Too Long"), now=NOW)
        with waiter.read() as s:
            assert contacts.count(s) == 0
    finally:
        holder.close()
        waiter.close()


def _drafts_after_a_meeting(db: Database, name: str) -> list[int]:
    with db.write() as s:
        contact = contacts.create(s, ContactDraft(name=name), now=NOW).id
        meeting = meetings.log(
            s,
            MeetingDraft(
                title="Kick-off",
                starts_local=datetime(2026, 11, 20, 10, 0),
                tz="America/New_York",
                attendee_ids=(contact,),
            ),
            now=NOW,
        ).id
        return list(thanks_drafts.draft_for_meeting(s, meeting, now=NOW).value)


def test_a_reps_signature_signs_their_own_drafts_only(alice, bob) -> None:
    with alice.write() as s:
        settings.put(s, "signature", "The Acme team", team=True)
    (alices,) = _drafts_after_a_meeting(alice, "Jane Doe")
    (bobs,) = _drafts_after_a_meeting(bob, "John Roe")
    with alice.write() as s:
        thanks_drafts.put_setting(s, "signature", "Alice", now=NOW)
    with alice.read() as s:
        bodies = {n.id: n.body for n in thanks.list_notes(s)}
        assert settings.get(s, "signature") == "Alice"
    with bob.read() as s:
        assert settings.get(s, "signature") == "The Acme team"
    assert bodies[alices].rstrip().endswith("Alice")
    assert bodies[bobs].rstrip().endswith("The Acme team")
