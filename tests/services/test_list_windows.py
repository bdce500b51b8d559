"""The app's long lists read in windows (issue 18): the same rows, in the same order, as whole."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from relationship_crm.domain.bounds import unreadable_text
from relationship_crm.domain.enums import Stage
from relationship_crm.domain.followups import Bucket
from relationship_crm.domain.records import ContactDraft, FollowUpDraft, Labeled, MeetingDraft
from relationship_crm.services import (
    agenda_window,
    contact_list,
    contact_window,
    contacts,
    followups,
    meetings,
)
from relationship_crm.services.contact_list import ContactFilter

NY = "America/New_York"
NOW = datetime(2026, 11, 23, 19, tzinfo=UTC)  # 14:00 in New York


def _agenda_db(db) -> dict[str, int]:
    """Forty follow-ups over the three sections, each at its own minute; one contact trashed."""
    ids: dict[str, int] = {}
    with db.write() as s:
        people = [contacts.create(s, ContactDraft(name=f"Person {i}")).id for i in range(8)]
        start = datetime(2026, 11, 10, 9)
        for i in range(40):
            due = start + timedelta(hours=9 * i, minutes=i)  # 10 Nov .. 25 Nov
            fid = followups.add(s, FollowUpDraft(people[i % 8], due, NY, note=f"n{i}"), now=NOW).id
            ids[f"f{i}"] = fid
        ids["trashed"] = people[7]
        contacts.trash(s, people[7], now=NOW)
    return ids


def _full(db):
    with db.read() as s:
        return followups.agenda(s, day=datetime(2026, 11, 23).date(), tz=NY)


def test_a_windowed_agenda_has_the_full_agendas_counts_and_order(db) -> None:
    _agenda_db(db)
    whole = _full(db)
    with db.read() as s:
        loaded = agenda_window.load(s, now=NOW, tz=NY, page=3, full_limit=5)
        assert not loaded.complete
        assert loaded.counts == {
            Bucket.OVERDUE: len(whole.overdue),
            Bucket.TODAY: len(whole.today),
            Bucket.UPCOMING: len(whole.upcoming),
        }
        for bucket, expected in (
            (Bucket.OVERDUE, whole.overdue),
            (Bucket.TODAY, whole.today),
            (Bucket.UPCOMING, whole.upcoming),
        ):
            assert [r.spec.id for r in loaded.first[bucket]] == [r.spec.id for r in expected[:3]]
            pages = [
                agenda_window.window(
                    s, span=loaded.span, tz=NY, bucket=bucket, offset=offset, limit=4
                )
                for offset in range(0, len(expected) + 4, 4)
            ]
            got = [r for page in pages for r in page]
            assert [(r.spec.id, r.due, r.bucket) for r in got] == [
                (r.spec.id, r.due, r.bucket) for r in expected
            ]
    assert whole.overdue and whole.today and whole.upcoming


def test_a_short_agenda_is_read_whole(db) -> None:
    _agenda_db(db)
    whole = _full(db)
    with db.read() as s:
        loaded = agenda_window.load(s, now=NOW, tz=NY)
    assert loaded.complete
    assert loaded.agenda() == whole


def test_the_reminders_due_since_a_moment_come_with_the_load(db) -> None:
    _agenda_db(db)
    since = NOW - timedelta(hours=20)
    whole = _full(db)
    every = (*whole.overdue, *whole.today, *whole.upcoming)
    expected = [r.spec.id for r in every if since < r.due <= NOW]
    assert expected
    with db.read() as s:
        windowed = agenda_window.load(s, now=NOW, tz=NY, since=since, page=1, full_limit=1)
        read_whole = agenda_window.load(s, now=NOW, tz=NY, since=since)
    assert sorted(r.spec.id for r in windowed.due) == sorted(expected)
    assert sorted(r.spec.id for r in read_whole.due) == sorted(expected)


def _contacts_db(db) -> None:
    with db.write() as s:
        for i in range(45):
            stage = Stage.LEAD if i % 3 == 0 else Stage.PROSPECT
            name = f"{'Smith' if i % 2 else 'Jones'} {44 - i:02d}"
            cid = contacts.create(s, ContactDraft(name=name, stage=stage, company=f"Co {i % 7}")).id
            if i % 4 == 0:
                followups.add(s, FollowUpDraft(cid, datetime(2026, 12, 1 + i % 20, 9), NY))
        contacts.trash(s, 3, now=NOW)


def _page_ids(db, flt: ContactFilter) -> list[int]:
    with db.read() as s:
        rows, total = contact_list.page(s, flt, offset=0, limit=1000, now=NOW)
    assert total == len(rows)
    return [r.id for r in rows]


def test_the_contact_windows_list_what_the_pages_list(db) -> None:
    _contacts_db(db)
    filters = [
        ContactFilter(),
        ContactFilter(stage=Stage.LEAD),
        ContactFilter(descending=True),
        ContactFilter(sort="company"),
        ContactFilter(sort="stage", descending=True),
        ContactFilter(sort="next_follow_up"),
        ContactFilter(sort="last_contact"),
        ContactFilter(query="smith", sort="relevance"),
        ContactFilter(query="smith", stage=Stage.LEAD, sort="relevance"),
        ContactFilter(query="smith", sort="name"),
    ]
    for flt in filters:
        expected = _page_ids(db, flt)
        with db.read() as s:
            first = contact_window.first_window(s, flt, limit=10, now=NOW)
            assert first.total == len(expected), flt
            assert [r.id for r in first.rows] == expected[:10], flt
            if first.keyset:
                got = [r.id for r in first.rows]
                while len(got) < first.total:
                    page = contact_window.rows_after(s, flt, got[-1], limit=7, now=NOW)
                    assert page, flt
                    got += [r.id for r in page]
            else:
                got = [r.id for r in contact_window.rows(s, first.ids, now=NOW)]
        assert got == expected, flt


def test_the_windows_rows_are_the_pages_rows_field_for_field(db) -> None:
    """Read straight from the driver on SQLite: the same texts and instants as SQLAlchemy gives,
    a date another program left unreadable included (a marker, never an error)."""
    _contacts_db(db)
    with db.write() as s:
        met = meetings.log(s, MeetingDraft("Lunch", datetime(2026, 11, 20, 12), NY, (1, 2))).id
        meetings.log(s, MeetingDraft("Call", datetime(2026, 11, 21, 9), NY, (2,)))
        meetings.log(s, MeetingDraft("Later", datetime(2026, 12, 21, 9), NY, (4,)))  # not yet
        mails = (Labeled("zed@example.com"), Labeled("amy@example.com"))
        two = contacts.create(s, ContactDraft(name="Two Mails", emails=mails)).id
        s.execute(text("UPDATE meetings SET starts_at = '20 Nov 2026' WHERE id = :id"), {"id": met})
    with db.read() as s:
        whole, _total = contact_list.page(s, ContactFilter(), offset=0, limit=1000, now=NOW)
        window = contact_window.rows(s, [r.id for r in whole], now=NOW)
    assert window == whole
    by_id = {r.id: r for r in window}
    assert unreadable_text(by_id[1].last_contact) == "20 Nov 2026"
    assert by_id[2].last_contact == datetime(2026, 11, 21, 14, tzinfo=UTC)
    assert by_id[4].last_contact is None
    assert by_id[1].next_follow_up == datetime(2026, 12, 1, 14, tzinfo=UTC)
    assert by_id[two].email == "zed@example.com"  # the first, not the least


def test_a_quick_search_says_there_may_be_more(db) -> None:
    _contacts_db(db)
    flt = ContactFilter(query="smith", sort="relevance")
    with db.read() as s:
        quick = contact_window.first_window(s, flt, limit=5, now=NOW, search_limit=5)
        whole = contact_window.ordered_ids(s, flt, now=NOW)
    assert quick.more and quick.total == 5
    assert list(quick.ids) == whole[:5] and len(whole) > 5


def _names_db(db) -> dict[str, int]:
    names = [
        "Sam Stone",
        "Ómar Smith",
        "Sabine Bauer",
        "sara lowe",
        "Olga Sanz",
        "Smita Rao",
        "Saoirse Ní Bhriain",
        "Oona Ó Sé",
        "Zed Sm",
        "Seán Ó Briain",
    ]
    with db.write() as s:
        ids = {n: contacts.create(s, ContactDraft(name=n, stage=Stage.LEAD)).id for n in names}
        contacts.trash(s, ids["Sabine Bauer"], now=NOW)
    return ids


def _window_names(db, flt: ContactFilter, page: int = 2) -> tuple[list[str], int]:
    """Every name the list shows for `flt`, read as the app reads them (first rows, then pages
    after the last one), and the total it says."""
    with db.read() as s:
        first = contact_window.first_window(s, flt, limit=page, now=NOW, search_limit=200)
        assert first.keyset and not first.more
        rows = list(first.rows)
        while len(rows) < first.total:
            more = contact_window.rows_after(s, flt, rows[-1].id, limit=page, now=NOW)
            assert more
            rows += more
        return [r.name for r in rows], first.total


def test_a_one_or_two_letter_search_lists_the_names_that_start_with_it(db) -> None:
    _names_db(db)
    # Case and accents folded, in name order, a trashed contact left out, read in pages.
    assert _window_names(db, ContactFilter(query="s", sort="relevance")) == (
        ["Sam Stone", "Saoirse Ní Bhriain", "sara lowe", "Seán Ó Briain", "Smita Rao"],
        5,
    )
    assert _window_names(db, ContactFilter(query="Ó", sort="relevance")) == (
        ["Olga Sanz", "Ómar Smith", "Oona Ó Sé"],
        3,
    )
    assert _window_names(db, ContactFilter(query="SM ", sort="relevance")) == (["Smita Rao"], 1)
    assert _window_names(db, ContactFilter(query="sa", sort="name")) == (
        ["Sam Stone", "Saoirse Ní Bhriain", "sara lowe"],
        3,
    )
    assert _window_names(db, ContactFilter(query="q")) == ([], 0)


def test_a_short_search_keeps_the_filters_and_sorts_by_any_column(db) -> None:
    ids = _names_db(db)
    with db.write() as s:
        contacts.set_stage(s, ids["Sam Stone"], Stage.CUSTOMER.value, now=NOW)
    flt = ContactFilter(query="s", stage=Stage.LEAD, sort="relevance")
    leads = ["Saoirse Ní Bhriain", "sara lowe", "Seán Ó Briain", "Smita Rao"]
    assert _window_names(db, flt) == (leads, 4)
    only = ContactFilter(query="s", ids=(ids["Smita Rao"], ids["Zed Sm"]))
    assert _window_names(db, only) == (["Smita Rao"], 1)
    with db.read() as s:
        backwards = contact_window.ordered_ids(s, ContactFilter(query="s", descending=True))
        window = contact_window.first_window(s, ContactFilter(query="s", sort="stage"), limit=9)
    by_name = ["Sam Stone", "Saoirse Ní Bhriain", "sara lowe", "Seán Ó Briain", "Smita Rao"]
    assert backwards == [ids[n] for n in reversed(by_name)]
    assert not window.keyset and window.total == 5 and set(window.ids) == set(backwards)


def test_three_letters_are_a_full_search(db) -> None:
    ids = _names_db(db)
    with db.read() as s:
        found = contact_window.first_window(
            s, ContactFilter(query="smi", sort="relevance"), limit=10, search_limit=200
        )
    # Any word of the name (and the other fields) again, best match first.
    assert not found.keyset
    assert set(found.ids) == {ids["Ómar Smith"], ids["Smita Rao"]}
    assert contact_window.name_prefix("smi") is None
    assert contact_window.name_prefix("s m") is None  # two words: a search
    assert contact_window.name_prefix("  É ") == "e"
