"""The iCalendar export: zones, exact local times, cadences, alarms, what is left out, escaping."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event

from relationship_crm.domain.enums import MeetingKind
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.records import ContactDraft, FollowUpDraft, Labeled, MeetingDraft
from relationship_crm.services import calendar_export, contacts, followups, meetings

NY = "America/New_York"
BERLIN = "Europe/Berlin"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TRICKY_NAME = 'Smith, John; "Jr" \\ test'


def wall(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


def at(text: str, zone: str = NY) -> datetime:
    return wall(text).replace(tzinfo=ZoneInfo(zone))


def person(db, name: str = "Jane Doe", **kw) -> int:
    with db.write() as s:
        return contacts.create(s, ContactDraft(name=name, **kw), now=NOW).id


def follow_up(db, contact_id: int, due: str, tz: str = NY, **kw) -> int:
    with db.write() as s:
        return followups.add(s, FollowUpDraft(contact_id, wall(due), tz, **kw), now=NOW).id


def meeting(db, attendees: list[int], when: str, tz: str = NY, **kw) -> int:
    kw.setdefault("title", "Kick-off")
    with db.write() as s:
        return meetings.log(
            s,
            MeetingDraft(starts_local=wall(when), tz=tz, attendee_ids=tuple(attendees), **kw),
            now=NOW,
        ).id


def export(db, now: datetime = NOW) -> bytes:
    with db.read() as s:
        return calendar_export.calendar_bytes(s, now=now)


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def events(data: bytes) -> dict[str, list[Event]]:
    """VEVENTs by UID (a snoozed series has its moved occurrence under the same UID)."""
    found: dict[str, list[Event]] = {}
    for event in parse(data).walk("VEVENT"):
        found.setdefault(str(event["UID"]), []).append(event)
    return found


def only(data: bytes, uid: str) -> Event:
    (event,) = events(data)[uid]
    return event


def fu_uid(follow_up_id: int) -> str:
    return f"followup-{follow_up_id}@relationship-crm.local"


def mt_uid(meeting_id: int) -> str:
    return f"meeting-{meeting_id}@relationship-crm.local"


def unfolded(data: bytes) -> str:
    return data.decode("utf-8").replace("\r\n ", "")


# ------------------------------------------------------------ the calendar itself


def test_an_empty_database_gives_a_valid_empty_calendar(db):
    data = export(db)
    calendar = parse(data)
    assert calendar.name == "VCALENDAR"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//Relationship CRM//EN"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Relationship CRM"
    assert calendar.walk("VEVENT") == [] and calendar.walk("VTIMEZONE") == []
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")


def test_lines_end_in_crlf_and_fold_at_75_octets(db):
    jane = person(db, "Zoë Ångström-Łukasiewicz " * 4, emails=(Labeled("zoe@example.com"),))
    follow_up(db, jane, "2026-07-01 09:00", note="Très long mot " * 40)
    meeting(db, [jane], "2026-07-02 10:00", notes="日本語のメモ " * 30, location="Straße " * 20)
    data = export(db)
    assert b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")
    assert lines[-1] == b""
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # folding never splits a character
    assert any(line.startswith(b" ") for line in lines)


def test_two_exports_at_the_same_moment_are_identical(db):
    jane, bo = person(db), person(db, "Bo Chen")
    follow_up(db, jane, "2026-07-01 09:00", cadence="weekly")
    follow_up(db, bo, "2026-07-01 09:00", tz=BERLIN)
    meeting(db, [jane, bo], "2026-07-01 09:00")
    assert export(db) == export(db)
    assert export(db) != export(db, now=NOW + timedelta(minutes=1))  # DTSTAMP moves


def test_events_are_sorted_by_start_then_uid(db):
    jane = person(db)
    late = follow_up(db, jane, "2026-09-01 09:00")
    early = follow_up(db, jane, "2026-07-01 09:00")
    same_time = follow_up(db, jane, "2026-07-01 15:00", tz=BERLIN)  # 09:00 New York
    mid = meeting(db, [jane], "2026-08-01 09:00")
    uids = [str(e["UID"]) for e in parse(export(db)).walk("VEVENT")]
    assert uids == [fu_uid(early), fu_uid(same_time), mt_uid(mid), fu_uid(late)]


# ------------------------------------------------------------ zones and exact times


def test_each_zone_gets_exactly_one_vtimezone(db):
    jane = person(db)
    follow_up(db, jane, "2026-07-01 09:00")
    follow_up(db, jane, "2026-12-01 09:00")
    follow_up(db, jane, "2026-07-01 09:00", tz=BERLIN)
    data = export(db)
    calendar = parse(data)
    assert sorted(tz.tz_name for tz in calendar.timezones) == sorted([NY, BERLIN])
    assert len(re.findall(rb"^BEGIN:VTIMEZONE\r$", data, re.M)) == 2
    used = set(re.findall(r"^DTSTART;TZID=([^:;]+):", unfolded(data), re.M))
    assert used == {NY, BERLIN}
    assert calendar.get_missing_tzids() == set()
    # Zones come before the events that use them.
    assert data.index(b"BEGIN:VTIMEZONE") < data.index(b"BEGIN:VEVENT")


def test_the_wall_clock_survives_dst_and_the_vtimezone_gives_the_right_instants(db):
    jane = person(db)
    summer = follow_up(db, jane, "2026-07-15 09:00")
    winter = follow_up(db, jane, "2026-12-15 09:00")
    data = export(db)
    text = unfolded(data)
    assert "DTSTART;TZID=America/New_York:20260715T090000\r\n" in text
    assert "DTSTART;TZID=America/New_York:20261215T090000\r\n" in text
    assert re.search(r"^DTSTART:\d{8}T\d{6}Z", text, re.M) is None  # neither UTC nor floating
    (vtimezone,) = parse(data).timezones
    from_vtimezone = vtimezone.to_tz(lookup_tzid=False)  # built from the VTIMEZONE alone
    expected = {
        summer: datetime(2026, 7, 15, 13, 0, tzinfo=UTC),  # EDT, UTC-4
        winter: datetime(2026, 12, 15, 14, 0, tzinfo=UTC),  # EST, UTC-5
    }
    for fid, instant in expected.items():
        start = only(data, fu_uid(fid)).decoded("DTSTART")
        assert start.replace(tzinfo=None) == datetime(instant.year, instant.month, 15, 9, 0)
        assert start.astimezone(UTC) == instant
        assert start.replace(tzinfo=from_vtimezone).astimezone(UTC) == instant


def test_the_vtimezone_covers_every_change_of_a_series_that_never_ends(db):
    jane = person(db)
    follow_up(db, jane, "2026-07-06 09:00", tz=BERLIN, cadence="weekly")
    (vtimezone,) = parse(export(db)).timezones
    from_vtimezone = vtimezone.to_tz(lookup_tzid=False)
    berlin = ZoneInfo(BERLIN)
    for year in range(2026, 2036):
        for month in (1, 7):
            moment = datetime(year, month, 6, 9, 0)
            assert moment.replace(tzinfo=from_vtimezone).utcoffset() == (
                moment.replace(tzinfo=berlin).utcoffset()
            )


def test_a_follow_up_in_utc_needs_no_vtimezone(db):
    jane = person(db)
    follow_up(db, jane, "2026-07-01 09:00", tz="UTC")
    data = export(db)
    assert b"DTSTART:20260701T090000Z\r\n" in data
    assert parse(data).timezones == []


# ------------------------------------------------------------ follow-ups


def test_a_follow_up_event_has_summary_duration_alarm_and_contact_details(db):
    jane = person(
        db,
        "Jane Doe",
        emails=(Labeled("jane@acme.example"), Labeled("jd@home.example")),
        phones=(Labeled("+1 212 555 0100"),),
        company="Acme",
    )
    fid = follow_up(db, jane, "2026-07-01 09:00", note="Send the proposal\nand the price list")
    data = export(db)
    event = only(data, fu_uid(fid))
    assert str(event["SUMMARY"]) == "Follow up: Jane Doe — Send the proposal"
    assert event.decoded("DURATION") == timedelta(minutes=15)
    assert event.decoded("DTSTAMP") == NOW
    assert [str(c) for c in event["CATEGORIES"].cats] == ["Follow-up"]
    description = str(event["DESCRIPTION"])
    assert description.startswith("Send the proposal\nand the price list\n\n")
    for part in ("Jane Doe", "Acme", "jane@acme.example", "jd@home.example", "+1 212 555 0100"):
        assert part in description
    (alarm,) = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=15)
    assert str(alarm["DESCRIPTION"]) == "Follow up: Jane Doe — Send the proposal"
    assert "TRIGGER:-PT15M\r\n" in data.decode()
    assert "RRULE" not in event


def test_a_long_first_line_is_shortened_in_the_summary_but_kept_in_the_description(db):
    jane = person(db)
    note = "word " * 40
    fid = follow_up(db, jane, "2026-07-01 09:00", note=note)
    event = only(export(db), fu_uid(fid))
    summary = str(event["SUMMARY"])
    assert summary.startswith("Follow up: Jane Doe — word word") and summary.endswith("…")
    assert len(summary) <= len("Follow up: Jane Doe — ") + 60
    assert str(event["DESCRIPTION"]).startswith(note.strip())


def test_uids_are_stable_across_exports_and_edits(db):
    jane = person(db)
    fid = follow_up(db, jane, "2026-07-01 09:00")
    first = export(db)
    with db.write() as s:
        followups.update(s, fid, note="changed", now=NOW)
    assert set(events(first)) == set(events(export(db))) == {fu_uid(fid)}


@pytest.mark.parametrize(
    ("cadence", "due"),
    [
        ("weekly", "2026-07-06 09:00"),
        ("every 2 weeks", "2026-10-26 09:00"),  # crosses the end of DST in New York
        ("every Monday and Thursday", "2026-10-29 09:00"),
        ("monthly", "2026-01-31 09:00"),  # the app's month-end form: Feb 28, Mar 31...
        ("quarterly", "2026-03-08 02:30"),  # a time that does not exist on its first day
        ("FREQ=MONTHLY;BYDAY=2TU", "2026-07-14 09:00"),
        ("FREQ=WEEKLY;BYDAY=MO;UNTIL=20261130", "2026-09-07 09:00"),
    ],
)
def test_a_cadence_expands_to_the_dates_the_app_moves_through(db, cadence, due):
    jane = person(db)
    fid = follow_up(db, jane, due, cadence=cadence)
    data = export(db)
    event = only(data, fu_uid(fid))
    rule = event["RRULE"].to_ical().decode()
    assert re.search(rf"^RRULE:{re.escape(rule)}\r$", unfolded(data), re.M)
    start = event.decoded("DTSTART")
    assert start.replace(tzinfo=None) == wall(due)
    exported = list(rrulestr(rule, dtstart=start, cache=True).xafter(start, count=8, inc=True))
    # What the app says: complete each occurrence just after it falls due, read the next due.
    app = [at(due)]
    while len(app) < len(exported):
        with db.write() as s:
            result = followups.complete(
                s, fid, now=app[-1].astimezone(UTC) + timedelta(hours=2)
            ).value
        if result.next_due is None:
            break
        app.append(result.next_due)
    assert len(app) == len(exported) >= 3
    assert [d.replace(tzinfo=None) for d in exported] == [d.replace(tzinfo=None) for d in app]
    assert [d.astimezone(UTC) for d in exported] == [d.astimezone(UTC) for d in app]


def test_a_series_partly_done_exports_what_is_left_of_its_count(db):
    jane = person(db)
    fid = follow_up(db, jane, "2026-07-06 09:00", cadence="FREQ=WEEKLY;COUNT=4")
    with db.write() as s:
        followups.complete(s, fid, now=at("2026-07-06 10:00").astimezone(UTC))
    event = only(export(db), fu_uid(fid))
    start = event.decoded("DTSTART")
    assert start == at("2026-07-13 09:00")
    rule = event["RRULE"].to_ical().decode()
    assert "COUNT=3" in rule
    assert [d.day for d in rrulestr(rule, dtstart=start)] == [13, 20, 27]


def test_a_first_due_off_the_rule_counts_as_one_occurrence_as_rfc_5545_says(db):
    # Due on a Wednesday, then every Monday twice: the app has three dues (Wed, Mon, Mon), and an
    # RFC 5545 reader counts DTSTART as the first of COUNT.
    jane = person(db)
    fid = follow_up(db, jane, "2026-07-01 09:00", cadence="FREQ=WEEKLY;BYDAY=MO;COUNT=2")
    event = only(export(db), fu_uid(fid))
    assert event["RRULE"]["COUNT"] == [3]
    assert event.decoded("DTSTART") == at("2026-07-01 09:00")


def test_until_becomes_utc_because_dtstart_has_a_tzid(db):
    jane = person(db)
    fid = follow_up(db, jane, "2026-07-06 09:00", tz=BERLIN, cadence="FREQ=WEEKLY;UNTIL=20260803")
    event = only(export(db), fu_uid(fid))
    assert "UNTIL=20260803T215959Z" in event["RRULE"].to_ical().decode()


def test_snoozing_a_one_off_exports_the_snoozed_moment_in_its_zone(db):
    jane = person(db)
    fid = follow_up(db, jane, "2026-07-01 09:00", tz=BERLIN)
    with db.write() as s:
        followups.snooze(s, fid, until=at("2026-07-02 08:30"), now=NOW)  # 14:30 in Berlin
    data = export(db)
    event = only(data, fu_uid(fid))
    assert "DTSTART;TZID=Europe/Berlin:20260702T143000\r\n" in data.decode()
    assert event.decoded("DTSTART").astimezone(UTC) == at("2026-07-02 08:30").astimezone(UTC)
    assert "Snoozed" in str(event["DESCRIPTION"])


def test_snoozing_a_series_moves_only_its_open_occurrence(db):
    jane = person(db)
    fid = follow_up(db, jane, "2026-07-06 09:00", cadence="weekly")
    with db.write() as s:
        followups.snooze(s, fid, until=at("2026-07-07 14:00"), now=NOW)
    master, moved = events(export(db))[fu_uid(fid)]
    assert master.decoded("DTSTART") == at("2026-07-06 09:00")
    assert "FREQ=WEEKLY" in master["RRULE"].to_ical().decode()
    assert moved.decoded("RECURRENCE-ID") == at("2026-07-06 09:00")
    assert moved.decoded("DTSTART") == at("2026-07-07 14:00")
    assert "RRULE" not in moved and "Snoozed" not in str(master["DESCRIPTION"])


def test_done_cancelled_and_trashed_follow_ups_are_left_out(db):
    jane, gone = person(db), person(db, "Trashed Person")
    kept = follow_up(db, jane, "2026-07-01 09:00")
    done = follow_up(db, jane, "2026-07-02 09:00")
    cancelled = follow_up(db, jane, "2026-07-03 09:00")
    follow_up(db, gone, "2026-07-04 09:00")
    overdue = follow_up(db, jane, "2026-05-01 09:00")  # still to do: kept
    with db.write() as s:
        followups.complete(s, done, now=NOW)
        followups.cancel(s, cancelled, now=NOW)
        contacts.trash(s, gone, now=NOW)
    data = export(db)
    assert set(events(data)) == {fu_uid(kept), fu_uid(overdue)}
    assert b"Trashed Person" not in data


# ------------------------------------------------------------ meetings


def test_an_upcoming_meeting_names_its_attendees_without_inviting_them(db):
    ana = person(db, "Ana Silva", emails=(Labeled("ana@example.com"),), company="Acme")
    bo = person(db, "Bo Chen")
    mid = meeting(
        db,
        [bo, ana],
        "2026-07-02 12:30",
        tz=BERLIN,
        title="Q3 review",
        kind=MeetingKind.LUNCH,
        duration_minutes=90,
        location="Café Einstein, Unter den Linden 42",
        notes="Bring the deck",
    )
    data = export(db)
    event = only(data, mt_uid(mid))
    assert str(event["SUMMARY"]) == "Lunch: Q3 review — Ana Silva, Bo Chen"
    assert event.decoded("DTSTART") == at("2026-07-02 12:30", BERLIN)
    assert event.decoded("DTEND") == at("2026-07-02 14:00", BERLIN)
    assert str(event["LOCATION"]) == "Café Einstein, Unter den Linden 42"
    assert str(event["DESCRIPTION"]).startswith("Bring the deck\n\n")
    assert "Ana Silva (Acme)" in str(event["DESCRIPTION"])
    attendee = event["ATTENDEE"]  # only Ana has an address
    assert str(attendee) == "mailto:ana@example.com"
    assert attendee.params["CN"] == "Ana Silva" and attendee.params["RSVP"] == "FALSE"
    assert "ORGANIZER" not in event and b"ORGANIZER" not in data
    assert b"RSVP=TRUE" not in data
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=15)
    assert str(alarm["ACTION"]) == "DISPLAY"


def test_a_meeting_without_a_duration_gets_half_an_hour(db):
    jane = person(db)
    mid = meeting(db, [jane], "2026-07-02 10:00", kind=MeetingKind.CALL)
    event = only(export(db), mt_uid(mid))
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=30)
    assert str(event["SUMMARY"]) == "Call: Kick-off — Jane Doe"


def test_past_meetings_are_left_out_but_one_still_running_is_kept(db):
    jane = person(db)
    past = meeting(db, [jane], "2026-05-31 10:00")
    running = meeting(db, [jane], "2026-06-01 07:30", duration_minutes=60)  # 11:30-12:30 UTC
    ended = meeting(db, [jane], "2026-06-01 07:00", duration_minutes=60)
    coming = meeting(db, [jane], "2026-06-01 08:00")  # starts exactly at NOW
    assert set(events(export(db))) == {mt_uid(running), mt_uid(coming)}
    assert {past, ended}.isdisjoint({running, coming})


def test_trashed_attendees_are_not_named(db):
    jane, gone = person(db), person(db, "Trashed Person", emails=(Labeled("t@example.com"),))
    mid = meeting(db, [jane, gone], "2026-07-02 10:00")
    with db.write() as s:
        contacts.trash(s, gone, now=NOW)
    data = export(db)
    assert str(only(data, mt_uid(mid))["SUMMARY"]) == "Meeting: Kick-off — Jane Doe"
    assert b"Trashed" not in data and b"t@example.com" not in data


def test_many_attendees_are_summarised(db):
    people = [person(db, name) for name in ("Ann A", "Bob B", "Cat C", "Dan D", "Eve E")]
    mid = meeting(db, people, "2026-07-02 10:00")
    event = only(export(db), mt_uid(mid))
    assert str(event["SUMMARY"]) == "Meeting: Kick-off — Ann A, Bob B, Cat C +2"
    assert "Eve E" in str(event["DESCRIPTION"])


# ------------------------------------------------------------ escaping untrusted text


def test_names_and_notes_are_escaped_and_come_back_intact(db):
    tricky = person(db, TRICKY_NAME, emails=(Labeled("john@example.com"),))
    note = 'Line one, with; "quotes" \\ and\nline two\n\nBEGIN:VEVENT\nSUMMARY:injected'
    fid = follow_up(db, tricky, "2026-07-01 09:00", note=note)
    mid = meeting(db, [tricky], "2026-07-02 10:00", title="A; B, C", location="X\\Y")
    data = export(db)
    text = unfolded(data)
    assert 'SUMMARY:Follow up: Smith\\, John\\; "Jr" \\\\ test — Line one\\, with\\; ' in text
    assert "line two\\n\\nBEGIN:VEVENT\\nSUMMARY:injected" in text
    assert len(re.findall(r"^BEGIN:VEVENT\r$", text, re.M)) == 2
    assert "CN=\"Smith, John; ^'Jr^' \\ test\"" in text  # RFC 6868 caret escaping in a param
    event = only(data, fu_uid(fid))
    assert str(event["SUMMARY"]) == f'Follow up: {TRICKY_NAME} — Line one, with; "quotes" \\ and'
    assert str(event["DESCRIPTION"]).startswith(note + "\n\n")
    assert f"Contact: {TRICKY_NAME}\n" in str(event["DESCRIPTION"])
    met = only(data, mt_uid(mid))
    assert str(met["SUMMARY"]) == f"Meeting: A; B, C — {TRICKY_NAME}"
    assert str(met["LOCATION"]) == "X\\Y"
    assert met["ATTENDEE"].params["CN"] == TRICKY_NAME


_UNTRUSTED = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=("Cs",)),
        st.sampled_from([",", ";", "\\", "\n", "\r", '"', ":", "\t", "n", "é", "—", "😀"]),
    ),
    max_size=80,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=_UNTRUSTED, note=_UNTRUSTED, title=_UNTRUSTED)
def test_any_text_comes_back_as_stored(db, name, note, title):
    try:
        with db.write() as s:
            cid = contacts.create(s, ContactDraft(name=name), now=NOW).id
            fid = followups.add(s, FollowUpDraft(cid, wall("2026-07-01 09:00"), NY, note=note)).id
            mid = meetings.log(
                s,
                MeetingDraft(title, wall("2026-07-02 10:00"), NY, (cid,), notes=note),
                now=NOW,
            ).id
    except InvalidInputError:
        assume(False)  # an empty name or title after cleaning
    with db.read() as s:
        stored = followups.get(s, fid)
        stored_title = meetings.get(s, mid).title
    data = export(db)
    assert max(len(line) for line in data.split(b"\r\n")) <= 75
    event = only(data, fu_uid(fid))
    first_line = " ".join(stored.note.split("\n", 1)[0].split())
    expected = f"Follow up: {stored.contact_name}"
    summary = str(event["SUMMARY"])
    if first_line and len(first_line) <= 60:
        assert summary == f"{expected} — {first_line}"
    elif first_line:
        assert summary.startswith(f"{expected} — ") and summary.endswith("…")
    else:
        assert summary == expected
    description = str(event["DESCRIPTION"])
    assert description.startswith(f"{stored.note}\n\n" if stored.note else "Contact: ")
    assert f"Contact: {stored.contact_name}" in description
    met = only(data, mt_uid(mid))
    assert str(met["SUMMARY"]) == f"Meeting: {stored_title} — {stored.contact_name}"
    assert str(met.get("DESCRIPTION", "")).startswith(stored.note)


def test_a_backslash_n_typed_in_a_name_or_note_is_not_a_line_break(db):
    """icalendar reads "\\N" as an escaped line break when escaping; a rep's text is data (found
    by the property test above: a name with a backslash before an N came back split)."""
    with db.write() as s:
        cid = contacts.create(s, ContactDraft(name="Ann \\Nolan"), now=NOW).id
        fid = followups.add(
            s, FollowUpDraft(cid, wall("2026-07-01 09:00"), NY, note="Files in C:\\New\\Q3, ok")
        ).id
    event = only(export(db), fu_uid(fid))
    assert str(event["SUMMARY"]) == "Follow up: Ann \\Nolan — Files in C:\\New\\Q3, ok"
    assert str(event["DESCRIPTION"]).startswith("Files in C:\\New\\Q3, ok\n\n")
