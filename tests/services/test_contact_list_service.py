"""The desktop list's data: last contact, next follow-up, sorting, filters, search ranking."""

from __future__ import annotations

from datetime import UTC, datetime

from relationship_crm.domain.enums import MeetingKind, Stage
from relationship_crm.domain.records import ContactDraft, FollowUpDraft, MeetingDraft
from relationship_crm.services import (
    contact_list,
    contact_search,
    contacts,
    followups,
    meetings,
    timeline,
)
from relationship_crm.services.contact_list import ContactFilter

NOW = datetime(2026, 11, 23, 15, tzinfo=UTC)
NY = "America/New_York"


def test_last_contact_ignores_meetings_still_to_come(db):
    with db.write() as s:
        ann = contacts.create(s, ContactDraft(name="Ann")).id
        meetings.log(s, MeetingDraft("Past", datetime(2026, 11, 2, 10), NY, (ann,)))
        meetings.log(s, MeetingDraft("Future", datetime(2026, 12, 14, 10), NY, (ann,)))
        followups.add(s, FollowUpDraft(ann, datetime(2026, 12, 1, 9), NY))
    with db.read() as s:
        (row,), total = contact_list.page(s, ContactFilter(), now=NOW)
    assert total == 1
    assert row.last_contact == datetime(2026, 11, 2, 15, tzinfo=UTC)
    assert row.next_follow_up == datetime(2026, 12, 1, 14, tzinfo=UTC)


def test_sort_by_dates_puts_contacts_without_one_last(db):
    with db.write() as s:
        a = contacts.create(s, ContactDraft(name="A None")).id
        b = contacts.create(s, ContactDraft(name="B Late")).id
        c = contacts.create(s, ContactDraft(name="C Early")).id
        followups.add(s, FollowUpDraft(b, datetime(2026, 12, 9, 9), NY))
        followups.add(s, FollowUpDraft(c, datetime(2026, 12, 1, 9), NY))
    for descending, expected in ((False, [c, b, a]), (True, [b, c, a])):
        flt = ContactFilter(sort="next_follow_up", descending=descending)
        with db.read() as s:
            rows, _ = contact_list.page(s, flt, now=NOW)
        assert [r.id for r in rows] == expected


def test_search_with_filters_and_paging(db):
    with db.write() as s:
        for i in range(30):
            contacts.create(
                s,
                ContactDraft(name=f"Smith {i:02d}", stage=Stage.LEAD if i % 2 else Stage.PROSPECT),
            )
    flt = ContactFilter(query="smith", stage=Stage.LEAD, sort="relevance")
    with db.read() as s:
        first, total = contact_list.page(s, flt, offset=0, limit=10, now=NOW)
        rest, _ = contact_list.page(s, flt, offset=10, limit=10, now=NOW)
    assert total == 15 and len(first) == 10 and len(rest) == 5
    assert {r.stage for r in first + rest} == {Stage.LEAD}
    assert len({r.id for r in first + rest}) == 15


def test_trashed_contacts_leave_the_list_and_come_back(db):
    with db.write() as s:
        cid = contacts.create(s, ContactDraft(name="Gone Soon", tags=("x",))).id
        contacts.trash(s, cid)
    with db.read() as s:
        assert contact_list.page(s, ContactFilter(), now=NOW) == ([], 0)
        assert contact_search.search(s, "gone") == []
        assert contact_list.tags_in_use(s) == []
    with db.write() as s:
        contacts.restore(s, cid)
    with db.read() as s:
        assert [c.id for c in contact_search.search(s, "gone")] == [cid]


def test_timeline_is_newest_first_and_brief_gathers_each_attendee(db):
    with db.write() as s:
        ann = contacts.create(s, ContactDraft(name="Ann", company="Acme")).id
        bob = contacts.create(s, ContactDraft(name="Bob")).id
        old = meetings.log(
            s, MeetingDraft("Old lunch", datetime(2026, 1, 5, 12), NY, (ann,), MeetingKind.LUNCH)
        ).id
        upcoming = meetings.log(
            s, MeetingDraft("Review", datetime(2026, 12, 5, 12), NY, (ann, bob), research="Q3")
        ).id
        followups.add(s, FollowUpDraft(ann, datetime(2026, 6, 1, 9), NY, note="ping"))
    with db.read() as s:
        entries = timeline.timeline(s, ann)
        brief = timeline.brief(s, upcoming)
    whens = [e.when for e in entries]
    assert whens == sorted(whens, reverse=True)
    assert [e.ref_id for e in entries if e.kind == "lunch"] == [old]
    assert {b.name for b in brief} == {"Ann", "Bob"}
    ann_brief = next(b for b in brief if b.name == "Ann")
    assert any(e.title == "Old lunch" for e in ann_brief.entries)
    assert ann_brief.company == "Acme"


def test_the_desktop_search_narrows_and_finds_phones_and_research(db):
    from relationship_crm.domain.records import Labeled
    from relationship_crm.services import research

    with db.write() as s:
        raj = contacts.create(s, ContactDraft(name="Raj Patel", company="Acme")).id
        zoe = contacts.create(
            s, ContactDraft(name="Zoe Quinn", company="Acme", phones=(Labeled("212-555-0100"),))
        ).id
        contacts.create(s, ContactDraft(name="Raj Kumar", company="Globex"))
        research.add(s, "Moving the team to Lisbon", contact_id=raj, now=NOW)

    def found(query: str) -> list[int]:
        with db.read() as s:
            rows, total = contact_list.page(s, ContactFilter(query=query, sort="relevance"))
        assert total == len(rows)
        return [r.id for r in rows]

    assert found("raj acme") == [raj]
    assert found("+1 (212) 555-0100") == [zoe]
    assert found("lisbon") == [raj]
    with db.read() as s:  # the same service as the command line's `search`
        assert [c.id for c in contact_search.search(s, "raj acme")] == [raj]
