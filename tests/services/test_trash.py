"""Undoable deletes and the trash: a meeting or thank-you note comes back exactly as it was, and
contacts trashed for more than 30 days are deleted for good with everything that was theirs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.domain.records import ContactDraft, FollowUpDraft, GiftDraft, MeetingDraft
from relationship_crm.services import (
    contact_search,
    contacts,
    followups,
    gifts,
    meetings,
    research,
    thanks,
    thanks_drafts,
    timeline,
    trash,
)
from tests.database_files import connect_file

NY = "America/New_York"
T0 = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)


def table(db, sql: str) -> list[tuple]:
    """Raw rows, read beside the app's connections (what is really stored)."""
    if db.on_server:
        with db.engine.connect() as conn:
            return [tuple(row) for row in conn.exec_driver_sql(sql)]
    conn = connect_file(db.path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def world(db) -> dict[str, int]:
    """Jane and Bob met at the kick-off (research, two notes, a follow-up and a gift from it);
    Bob also had a lunch on his own."""
    with db.write() as s:
        jane = contacts.create(s, ContactDraft(name="Jane Doe", company="Acme"), now=T0).id
        bob = contacts.create(s, ContactDraft(name="Bob Stone", notes="likes golf"), now=T0).id
        kickoff = meetings.log(
            s,
            MeetingDraft(
                "Kick-off",
                datetime(2026, 11, 20, 10, 0),
                NY,
                (jane, bob),
                location="Acme HQ",
                notes="went well",
                research="Acme is hiring",
            ),
            now=T0,
        ).id
        lunch = meetings.log(s, MeetingDraft("Lunch", datetime(2026, 11, 21, 12), NY, (bob,))).id
        thanks_drafts.draft_for_meeting(s, kickoff, now=T0)
        notes = {n.contact_id: n.id for n in thanks.list_notes(s)}
        follow_up = followups.add(
            s,
            FollowUpDraft(jane, datetime(2026, 12, 1, 9, 0), NY, "send deck", meeting_id=kickoff),
            now=T0,
        ).id
        gift = gifts.add(
            s,
            GiftDraft(jane, "Wine", date(2026, 11, 20), Decimal("30"), "EUR", meeting_id=kickoff),
            now=T0,
        ).id
    return {
        "jane": jane,
        "bob": bob,
        "kickoff": kickoff,
        "lunch": lunch,
        "jane_note": notes[jane],
        "bob_note": notes[bob],
        "follow_up": follow_up,
        "gift": gift,
    }


MEETING_ROWS = {
    "meetings": "SELECT * FROM meetings ORDER BY id",
    "attendees": "SELECT * FROM meeting_attendees ORDER BY meeting_id, contact_id",
    "research": "SELECT * FROM research_notes ORDER BY id",
    "thanks": "SELECT * FROM thank_you_notes ORDER BY id",
    "follow_ups": "SELECT id, meeting_id FROM follow_ups ORDER BY id",
    "gifts": "SELECT id, meeting_id FROM gifts ORDER BY id",
}


def snapshot_tables(db) -> dict[str, list[tuple]]:
    return {name: table(db, sql) for name, sql in MEETING_ROWS.items()}


# --- meetings ---------------------------------------------------------------------------------


def test_deleting_a_meeting_takes_its_notes_and_unlinks_follow_ups_and_gifts(db, world):
    with db.write() as s:
        deleted = meetings.delete(s, world["kickoff"])
    assert deleted.id == world["kickoff"]
    assert deleted.title == "Kick-off"
    assert deleted.attendee_ids == (world["jane"], world["bob"])
    assert sorted(n["id"] for n in deleted.thanks) == sorted(
        [world["jane_note"], world["bob_note"]]
    )
    assert [r["text"] for r in deleted.research] == ["Acme is hiring"]
    assert deleted.follow_up_ids == (world["follow_up"],)
    assert deleted.gift_ids == (world["gift"],)
    changes = deleted.changes
    assert changes.meetings and changes.thanks and changes.research
    assert changes.follow_ups and changes.gifts
    with db.read() as s:
        with pytest.raises(NotFoundError):
            meetings.get(s, world["kickoff"])
        assert thanks.list_notes(s) == []
        assert research.list_notes(s, meeting_id=world["kickoff"]) == []
        assert [m.title for m in meetings.list_meetings(s)] == ["Lunch"]
    # The follow-up and the gift stay, no longer pointing at a meeting.
    assert table(db, "SELECT id, meeting_id FROM follow_ups") == [(world["follow_up"], None)]
    assert table(db, "SELECT id, meeting_id FROM gifts") == [(world["gift"], None)]


def test_undeleting_a_meeting_restores_every_row_exactly(db, world):
    before = snapshot_tables(db)
    with db.write() as s:
        deleted = meetings.delete(s, world["kickoff"])
    assert snapshot_tables(db) != before
    with db.write() as s:
        changes = meetings.undelete(s, deleted)
    assert changes == deleted.changes
    assert snapshot_tables(db) == before
    with db.read() as s:
        kinds = [e.kind for e in timeline.timeline(s, world["jane"])]
    assert kinds.count("meeting") == 1 and "thanks" in kinds and "research" in kinds


@pytest.mark.sqlite_only  # PostgreSQL's sequences never hand an id out twice
def test_a_meeting_whose_id_was_reused_comes_back_under_a_new_one(db, world):
    with db.write() as s:
        deleted = meetings.delete(s, world["lunch"])  # the newest: SQLite reuses its id
        newer = meetings.log(
            s, MeetingDraft("Call", datetime(2026, 11, 22, 9), NY, (world["jane"],))
        ).id
    assert newer == world["lunch"]
    with db.write() as s:
        meetings.undelete(s, deleted)
    with db.read() as s:
        titles = {m.id: m.title for m in meetings.list_meetings(s)}
        bob_meetings = [m.title for m in meetings.list_meetings(s, contact_id=world["bob"])]
    assert titles[newer] == "Call"
    assert sorted(titles.values()) == ["Call", "Kick-off", "Lunch"]
    assert sorted(bob_meetings) == ["Kick-off", "Lunch"]


def test_undelete_leaves_out_attendees_deleted_for_good_since(db, world):
    with db.write() as s:
        deleted = meetings.delete(s, world["kickoff"])
        contacts.trash(s, world["bob"], now=T0)
        trash.empty_trash(s)
        meetings.undelete(s, deleted)
    with db.read() as s:
        kickoff = meetings.get(s, world["kickoff"])
        notes = thanks.list_notes(s)
    assert kickoff.attendees == ((world["jane"], "Jane Doe"),)
    assert [n.contact_name for n in notes] == ["Jane Doe"]


def test_deleting_a_missing_meeting_says_so(db):
    with db.write() as s, pytest.raises(NotFoundError, match="no meeting with id 99"):
        meetings.delete(s, 99)


# --- thank-you notes --------------------------------------------------------------------------


def test_a_deleted_note_comes_back_as_it_was(db, world):
    with db.write() as s:
        thanks_drafts.update_body(s, world["jane_note"], "Dear Jane, thanks!", now=T0)
        thanks.mark_printed(s, [world["jane_note"]], now=T0)
    before = table(db, "SELECT * FROM thank_you_notes ORDER BY id")
    with db.write() as s:
        deleted = thanks.delete_note(s, world["jane_note"])
    assert (deleted.id, deleted.contact_name, deleted.meeting_title) == (
        world["jane_note"],
        "Jane Doe",
        "Kick-off",
    )
    assert deleted.changes.thanks
    assert len(table(db, "SELECT * FROM thank_you_notes")) == 1
    with db.write() as s:
        assert thanks.undelete_note(s, deleted).thanks
    assert table(db, "SELECT * FROM thank_you_notes ORDER BY id") == before


def test_a_note_redrafted_since_blocks_the_undelete(db, world):
    with db.write() as s:
        deleted = thanks.delete_note(s, world["jane_note"])
        (newer,) = thanks_drafts.draft_for_meeting(s, world["kickoff"], now=T0).value
    with db.write() as s, pytest.raises(InvalidInputError, match="newer thank-you note to Jane"):
        thanks.undelete_note(s, deleted)
    with db.read() as s:
        assert thanks.get_note(s, newer).contact_name == "Jane Doe"


def test_a_note_whose_meeting_is_gone_cannot_come_back(db, world):
    with db.write() as s:
        deleted = thanks.delete_note(s, world["jane_note"])
        meetings.delete(s, world["kickoff"])
    with db.write() as s, pytest.raises(NotFoundError, match="meeting of the note to Jane Doe"):
        thanks.undelete_note(s, deleted)


# --- the trash --------------------------------------------------------------------------------


def test_trash_lists_deleted_contacts_newest_first(db, world):
    with db.write() as s:
        contacts.trash(s, world["jane"], now=T0 - timedelta(days=2))
        contacts.trash(s, world["bob"], now=T0)
    with db.read() as s:
        listed = trash.list_trash(s)
        assert trash.count(s) == 2
    assert [(t.id, t.name, t.company) for t in listed] == [
        (world["bob"], "Bob Stone", ""),
        (world["jane"], "Jane Doe", "Acme"),
    ]
    assert listed[1].deleted_at == T0 - timedelta(days=2)
    assert listed[1].purge_at() == T0 + timedelta(days=28)


def test_restore_brings_a_contact_back_and_refuses_one_not_in_the_trash(db, world):
    with db.write() as s:
        contacts.trash(s, world["jane"], now=T0)
    with db.write() as s:
        trash.restore(s, world["jane"])
    with db.read() as s:
        assert [c.name for c in contact_search.search(s, "jane")] == ["Jane Doe"]
        assert trash.list_trash(s) == []
    with db.write() as s, pytest.raises(InvalidInputError, match="not in the trash"):
        trash.restore(s, world["jane"])
    with db.write() as s, pytest.raises(NotFoundError):
        trash.restore(s, 999)


def test_purge_deletes_only_contacts_trashed_more_than_30_days_ago(db, world):
    with db.write() as s:
        contacts.trash(s, world["jane"], now=T0 - timedelta(days=31))
        contacts.trash(s, world["bob"], now=T0 - timedelta(days=29))
    with db.write() as s:
        assert trash.purge(s, now=T0).value == 1
    with db.read() as s:
        assert [t.name for t in trash.list_trash(s)] == ["Bob Stone"]
    assert table(db, "SELECT id FROM contacts") == [(world["bob"],)]
    # Everything that was Jane's alone went with her; the kick-off stays for Bob.
    for sql in (
        "SELECT * FROM follow_ups",
        "SELECT * FROM gifts",
        f"SELECT * FROM thank_you_notes WHERE contact_id = {world['jane']}",
        f"SELECT * FROM meeting_attendees WHERE contact_id = {world['jane']}",
        f"SELECT * FROM contact_emails WHERE contact_id = {world['jane']}",
        f"SELECT * FROM stage_changes WHERE contact_id = {world['jane']}",
        f"SELECT * FROM contacts_fts WHERE rowid = {world['jane']}",
    ):
        assert table(db, sql) == [], sql
    assert table(db, "SELECT title FROM meetings ORDER BY id") == [("Kick-off",), ("Lunch",)]
    with db.write() as s:
        assert trash.purge(s, now=T0 + timedelta(days=1)).value == 0  # Bob: 30 days exactly
        assert trash.purge(s, now=T0 + timedelta(days=1, seconds=1)).value == 1


def test_meetings_nobody_else_attended_go_with_the_last_attendee(db, world):
    with db.write() as s:
        contacts.trash(s, world["bob"], now=T0)
        assert trash.empty_trash(s).value == 1
    assert table(db, "SELECT title FROM meetings") == [("Kick-off",)]
    with db.read() as s:
        assert meetings.get(s, world["kickoff"]).attendees == ((world["jane"], "Jane Doe"),)


def test_the_search_index_stays_consistent_after_emptying_the_trash(db, world):
    with db.write() as s:
        contacts.trash(s, world["bob"], now=T0)
        trash.empty_trash(s)
        assert contacts.rebuild_index(s) == 1
    with db.read() as s:
        assert [c.name for c in contact_search.search(s, "golf")] == []
        assert [c.name for c in contact_search.search(s, "acme")] == ["Jane Doe"]
    assert table(db, "SELECT rowid FROM contacts_fts") == [(world["jane"],)]


def test_nothing_to_purge(db, world):
    with db.write() as s:
        assert trash.purge(s, now=T0).value == 0
        assert trash.empty_trash(s).value == 0
