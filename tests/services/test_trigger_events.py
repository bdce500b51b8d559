"""Trigger events on a real database: fan-out to a company's live contacts, defaults, edits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relationship_crm.domain.enums import TriggerKind
from relationship_crm.domain.errors import InvalidInputError, KnownError, NotFoundError
from relationship_crm.domain.records import ContactDraft
from relationship_crm.services import companies, contacts, followups, settings, timeline
from relationship_crm.services import trigger_events as events
from relationship_crm.services.trigger_events import FollowUpTime, TriggerEventDraft
from relationship_crm.storage.schema import FollowUp, TriggerEvent

NY = "America/New_York"
# Friday 4 December 2026, 15:00 in New York.
FRIDAY = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)


@pytest.fixture
def acme(db) -> dict[str, int]:
    with db.write() as s:
        settings.put(s, "timezone", NY)
        ids = {
            name: contacts.create(s, ContactDraft(name=name, company=company)).id
            for name, company in (
                ("Ann Acme", "Acme"),
                ("Bob Acme", "Acme"),
                ("Tom Trashed", "Acme"),
                ("Olga Other", "Globex"),
            )
        }
        contacts.trash(s, ids["Tom Trashed"])
        ids["company"] = companies.id_named(s, "acme")
        ids["globex"] = companies.id_named(s, "Globex")
    return ids


def test_a_company_event_gives_each_live_contact_a_follow_up_next_working_day(db, acme):
    with db.write() as s:
        assert [r.name for r in events.preview(s, company_id=acme["company"])] == [
            "Ann Acme",
            "Bob Acme",
        ]
        added = events.add(
            s,
            TriggerEventDraft(
                "funding", date(2026, 12, 3), note="Series B", company_id=acme["company"]
            ),
            now=FRIDAY,
        )
    assert added.changes.trigger_events and added.changes.follow_ups
    result = added.value
    assert len(result.followup_ids) == 2
    assert result.due_local == datetime(2026, 12, 7, 9, 0) and result.tz == NY  # Monday
    with db.read() as s:
        made = [followups.get(s, fid) for fid in result.followup_ids]
        view = events.get(s, result.event_id)
    assert sorted(f.contact_name for f in made) == ["Ann Acme", "Bob Acme"]
    assert all(f.due.replace(tzinfo=None) == datetime(2026, 12, 7, 9, 0) for f in made)
    assert all("Funding at Acme" in f.note and "Series B" in f.note for f in made)
    assert all(f"trigger event #{result.event_id}" in f.note for f in made)
    assert view.followup_ids == result.followup_ids and view.company == "Acme"
    assert view.kind is TriggerKind.FUNDING and view.contact_id is None


def test_the_given_wall_time_and_zone_are_used(db, acme):
    with db.write() as s:
        result = events.add(
            s,
            TriggerEventDraft("layoff", date(2026, 12, 1), company_id=acme["company"]),
            follow_up=FollowUpTime(datetime(2026, 12, 10, 14, 30), "Europe/Paris"),
            now=FRIDAY,
        ).value
        made = followups.get(s, result.followup_ids[0])
    assert made.tz == "Europe/Paris" and made.due.hour == 14 and made.due.minute == 30


def test_no_follow_up_when_asked_and_contact_events_reach_one_contact(db, acme):
    with db.write() as s:
        quiet = events.add(
            s,
            TriggerEventDraft("merger", date(2026, 12, 1), company_id=acme["company"]),
            follow_up=None,
            now=FRIDAY,
        ).value
        personal = events.add(
            s,
            TriggerEventDraft("job-change", date(2026, 12, 2), contact_id=acme["Olga Other"]),
            now=FRIDAY,
        ).value
        assert s.query(FollowUp).count() == 1
    assert quiet.followup_ids == ()
    assert len(personal.followup_ids) == 1


def test_an_error_mid_way_leaves_nothing_behind(db, acme):
    with pytest.raises(KnownError), db.write() as s:
        events.add(
            s,
            TriggerEventDraft("funding", date(2026, 12, 3), company_id=acme["company"]),
            follow_up=FollowUpTime(datetime(2300, 1, 1, 9, 0)),  # out of the window
            now=FRIDAY,
        )
    with db.read() as s:
        assert s.query(TriggerEvent).count() == 0 and s.query(FollowUp).count() == 0


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        (TriggerEventDraft("rumour", date(2026, 1, 1), company_id=1), "unknown event kind"),
        (TriggerEventDraft("award", date(1800, 1, 1), company_id=1), "between 1900 and 2200"),
        (TriggerEventDraft("award", date(2026, 1, 1)), "exactly one company or one contact"),
        (
            TriggerEventDraft("award", date(2026, 1, 1), company_id=1, contact_id=1),
            "exactly one company or one contact",
        ),
        (TriggerEventDraft("award", date(2026, 1, 1), company_id=999), "no company with id 999"),
        (TriggerEventDraft("award", date(2026, 1, 1), contact_id=3), "no contact with id 3"),
        (TriggerEventDraft("award", date(2026, 1, 1), company_id=1, source="x" * 2001), "source"),
    ],
)
def test_bad_input_is_one_clear_line(db, acme, draft, message):
    with pytest.raises(KnownError, match=message), db.write() as s:
        events.add(s, draft, now=FRIDAY)


def test_list_filters_edit_and_delete_keeps_follow_ups_unlinked(db, acme):
    with db.write() as s:
        old = events.add(
            s,
            TriggerEventDraft("award", date(2026, 1, 5), company_id=acme["company"]),
            now=FRIDAY,
        ).value
        new = events.add(
            s,
            TriggerEventDraft("new executive", date(2026, 11, 5), contact_id=acme["Ann Acme"]),
            now=FRIDAY,
        ).value
        events.add(
            s,
            TriggerEventDraft("expansion", date(2026, 11, 6), company_id=acme["globex"]),
            now=FRIDAY,
        )
    with db.read() as s:
        assert [e.id for e in events.list_events(s, company_id=acme["company"])] == [
            new.event_id,
            old.event_id,
        ]
        about_bob = events.list_events(s, contact_id=acme["Bob Acme"])
        assert [e.id for e in about_bob] == [old.event_id]
        recent = events.list_events(s, since=date(2026, 11, 5))
        assert [e.kind for e in recent] == [TriggerKind.EXPANSION, TriggerKind.NEW_EXECUTIVE]
        assert recent[1].subject == "Ann Acme (Acme)"
    with db.write() as s:
        events.update_event(s, old.event_id, kind="other", note="  Best employer  ", source="FT")
    with db.read() as s:
        edited = events.get(s, old.event_id)
    assert (edited.kind, edited.note, edited.source) == (TriggerKind.OTHER, "Best employer", "FT")
    with db.write() as s:
        changes = events.delete(s, old.event_id)
    assert changes.follow_ups
    with db.read() as s:
        kept = [s.get(FollowUp, fid) for fid in old.followup_ids]
        with pytest.raises(NotFoundError, match="no trigger event with id"):
            events.get(s, old.event_id)
    assert all(f is not None and f.trigger_event_id is None for f in kept)


def test_company_events_appear_on_every_contacts_timeline_and_in_the_brief(db, acme):
    from relationship_crm.domain.records import MeetingDraft
    from relationship_crm.services import meetings

    with db.write() as s:
        eid = events.add(
            s,
            TriggerEventDraft("merger", date(2026, 11, 30), "With Initech", company_id=1),
            follow_up=None,
            now=FRIDAY,
        ).value.event_id
        mid = meetings.log(
            s,
            MeetingDraft(
                title="Intro",
                starts_local=datetime(2026, 12, 8, 10, 0),
                tz=NY,
                attendee_ids=(acme["Bob Acme"], acme["Olga Other"]),
            ),
        ).id
    with db.read() as s:
        for name in ("Ann Acme", "Bob Acme"):
            found = [e for e in timeline.timeline(s, acme[name]) if e.kind == "trigger"]
            assert [(e.ref_id, e.title) for e in found] == [(eid, "Merger (Acme)")]
            assert found[0].detail == "With Initech"
        assert not [e for e in timeline.timeline(s, acme["Olga Other"]) if e.kind == "trigger"]
        brief = timeline.load_brief(s, mid)
    by_name = {b.name: b for b in brief.attendees}
    assert [e.id for e in by_name["Bob Acme"].events] == [eid]
    assert by_name["Olga Other"].events == ()


def test_unknown_company_names_suggest_close_ones(db, acme):
    with db.read() as s, pytest.raises(NotFoundError, match="did you mean 'Acme'"):
        companies.id_named(s, "Acne")
    with db.read() as s, pytest.raises(NotFoundError, match="no company named 'Zzz'$"):
        companies.id_named(s, "Zzz")


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2199, 1, 1)))
def test_the_next_working_day_is_the_first_weekday_after(today):
    day = events.next_working_day(today)
    assert day > today and day.weekday() < 5
    assert all((today + timedelta(days=n)).weekday() >= 5 for n in range(1, (day - today).days))


@given(st.text(max_size=30))
def test_any_kind_text_is_a_kind_or_one_clear_error(text):
    try:
        kind = events.parse_kind(text)
    except InvalidInputError as error:
        assert "unknown event kind" in str(error)
    else:
        assert kind in TriggerKind


def test_merging_duplicates_moves_a_contacts_own_events_to_the_kept_one(db, acme):
    from relationship_crm.services import duplicates

    with db.write() as s:
        eid = events.add(
            s,
            TriggerEventDraft("job-change", date(2026, 11, 1), contact_id=acme["Bob Acme"]),
            follow_up=None,
            now=FRIDAY,
        ).value.event_id
        changes = duplicates.merge_contacts(s, acme["Ann Acme"], [acme["Bob Acme"]], now=FRIDAY)
    assert changes.trigger_events
    with db.read() as s:
        assert events.get(s, eid).contact_id == acme["Ann Acme"]


def test_events_of_a_contact_in_the_trash_are_hidden_with_them(db, acme):
    with db.write() as s:
        events.add(
            s,
            TriggerEventDraft("award", date(2026, 11, 1), contact_id=acme["Bob Acme"]),
            follow_up=None,
            now=FRIDAY,
        )
        events.add(
            s,
            TriggerEventDraft("award", date(2026, 11, 2), company_id=acme["company"]),
            follow_up=None,
            now=FRIDAY,
        )
        contacts.trash(s, acme["Bob Acme"])
    with db.read() as s:
        assert [e.company_id for e in events.list_events(s)] == [acme["company"]]
        assert len(events.list_events(s, company_id=acme["company"])) == 1
    with db.write() as s:
        contacts.restore(s, acme["Bob Acme"])
    with db.read() as s:
        assert len(events.list_events(s)) == 2
