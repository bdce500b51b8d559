"""`sync run`, calendar one way (app -> server), against a real Radicale read back by a second
client (plain CalDAV requests: REPORT with expand, as a phone would see the events)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from icalendar import Calendar
from radicale_server import PASSWORD

from relationship_crm.domain.records import ContactDraft, FollowUpDraft, MeetingDraft
from relationship_crm.scheduling.recurrence import next_occurrence
from relationship_crm.scheduling.zones import localize
from relationship_crm.services import contacts, followups, meetings
from relationship_crm.sync import run as sync_run
from relationship_crm.sync.dav import DavClient

pytestmark = pytest.mark.timeout(180)

NY = "America/New_York"
NOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
HAND_MADE = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Phone//EN\r
BEGIN:VEVENT\r
UID:dentist-1@phone\r
DTSTAMP:20261001T000000Z\r
DTSTART:20261020T150000Z\r
DURATION:PT1H\r
SUMMARY:Dentist\r
END:VEVENT\r
END:VCALENDAR\r
"""


class Phone:
    """The second client: what the server holds, read with plain CalDAV requests."""

    def __init__(self, calendar_url: str, user: str) -> None:
        self.url = calendar_url
        self.auth = (user, PASSWORD)

    def put(self, name: str, body: bytes) -> None:
        answer = requests.put(
            self.url + name,
            data=body,
            auth=self.auth,
            timeout=30,
            headers={"Content-Type": "text/calendar"},
        )
        assert answer.status_code in (201, 204)

    def etags(self) -> dict[str, str]:
        """href -> ETag of every resource in the calendar."""
        answer = requests.request(
            "PROPFIND",
            self.url,
            auth=self.auth,
            timeout=30,
            headers={"Depth": "1"},
            data='<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/>'
            "</d:prop></d:propfind>",
        )
        assert answer.status_code == 207
        found = {}
        for response in ET.fromstring(answer.content).iter("{DAV:}response"):
            href = response.findtext("{DAV:}href") or ""
            etag = response.findtext(".//{DAV:}getetag")
            if etag and not href.endswith("/"):
                found[href.rsplit("/", 1)[-1]] = etag
        return found

    def expanded(self, start: datetime, end: datetime) -> list[tuple[str, datetime]]:
        """(SUMMARY, DTSTART in UTC) of every occurrence in [start, end), expanded by the server."""
        stamp = "%Y%m%dT%H%M%SZ"
        body = f"""<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
  <d:prop><c:calendar-data>
    <c:expand start="{start:{stamp}}" end="{end:{stamp}}"/>
  </c:calendar-data></d:prop>
  <c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">
    <c:time-range start="{start:{stamp}}" end="{end:{stamp}}"/>
  </c:comp-filter></c:comp-filter></c:filter>
</c:calendar-query>"""
        answer = requests.request(
            "REPORT",
            self.url,
            data=body.encode(),
            auth=self.auth,
            timeout=30,
            headers={"Depth": "1", "Content-Type": "application/xml"},
        )
        assert answer.status_code == 207, answer.text
        found = []
        for data in ET.fromstring(answer.content).iter(
            "{urn:ietf:params:xml:ns:caldav}calendar-data"
        ):
            for event in Calendar.from_ical(data.text or "").walk("VEVENT"):
                moment = event.decoded("DTSTART")
                found.append((str(event["SUMMARY"]), moment.astimezone(UTC)))
        return sorted(found, key=lambda item: (item[1], item[0]))


@pytest.fixture
def account(cli, radicale, user, sync_env) -> Phone:
    assert cli("sync", "setup", "--url", radicale.url, "--username", user).code == 0
    return Phone(cli("sync", "status", "--format", "json").json()["calendar_url"], user)


def person(db, name: str) -> int:
    with db.write() as s:
        return contacts.create(s, ContactDraft(name=name), now=NOW).id


def follow_up(db, contact: int, due: datetime, **kw) -> int:
    with db.write() as s:
        return followups.add(s, FollowUpDraft(contact, due, NY, **kw), now=NOW).id


def sync(db, now: datetime = NOW, **kw):
    return sync_run.run(db, PASSWORD, now=now, **kw)


def counts(tally) -> tuple[int, int, int]:
    return tally.events_created, tally.events_updated, tally.events_deleted


def test_a_weekly_cadence_across_dst_expands_on_the_server_as_in_the_app(db, account):
    jane = person(db, "Jane Doe")
    first = datetime(2026, 10, 19, 9, 0)  # New York leaves DST on 1 November
    follow_up(db, jane, first, cadence="FREQ=WEEKLY;COUNT=6", note="Quarterly check-in")
    tally = sync(db)
    assert counts(tally) == (1, 0, 0) and tally.errors == 0
    # The app's own occurrences, as instants.
    ours, moment = [first], first
    while (
        moment := next_occurrence(  # type: ignore[assignment]
            "FREQ=WEEKLY;COUNT=6", anchor_local=first, after_local=moment, tz=NY
        )
    ) is not None:
        ours.append(moment)
    instants = [localize(m, ZoneInfo(NY)).astimezone(UTC) for m in ours]
    assert [i.hour for i in instants] == [13, 13, 14, 14, 14, 14]  # 09:00 wall clock throughout
    seen = account.expanded(NOW, NOW + timedelta(days=120))
    assert [when for _, when in seen] == instants
    assert {summary for summary, _ in seen} == {"Follow up: Jane Doe — Quarterly check-in"}


def test_changes_here_update_and_remove_only_what_the_app_put_there(db, account):
    account.put("dentist.ics", HAND_MADE)
    hand_made = account.etags()["dentist.ics"]
    jane, bob = person(db, "Jane Doe"), person(db, "Bob Stone")
    once = follow_up(db, jane, datetime(2026, 10, 5, 9, 0))
    weekly = follow_up(db, bob, datetime(2026, 10, 6, 10, 0), cadence="weekly")
    gone = follow_up(db, bob, datetime(2026, 10, 7, 11, 0))
    with db.write() as s:
        lunch = meetings.log(
            s, MeetingDraft("Lunch", datetime(2026, 10, 8, 12, 0), NY, (jane,)), now=NOW
        ).id
        later = meetings.log(
            s, MeetingDraft("Review", datetime(2026, 10, 9, 15, 0), NY, (bob,)), now=NOW
        ).id
    assert counts(sync(db)) == (5, 0, 0)
    assert len(account.etags()) == 6
    assert counts(sync(db)) == (0, 0, 0)  # nothing changed: nothing sent
    with db.write() as s:
        followups.complete(s, once, now=NOW)  # done: removed
        followups.complete(s, weekly, now=NOW)  # a series moves on: updated
        followups.cancel(s, gone, now=NOW)  # cancelled: removed
        meetings.update(s, lunch, starts_local=datetime(2026, 10, 8, 13, 0), now=NOW)
        meetings.delete(s, later)
    assert counts(sync(db)) == (0, 2, 3)
    left = account.expanded(NOW, NOW + timedelta(days=20))
    assert ("Meeting: Lunch — Jane Doe", datetime(2026, 10, 8, 17, 0, tzinfo=UTC)) in left
    assert [s for s, _ in left].count("Follow up: Bob Stone") == 2  # 13 and 20 October
    assert datetime(2026, 10, 6, 14, 0, tzinfo=UTC) not in [w for _, w in left]
    assert "Dentist" in [s for s, _ in left]
    assert account.etags()["dentist.ics"] == hand_made  # never touched
    # A meeting that is over stays on the server (the rep's history).
    assert counts(sync(db, now=datetime(2026, 11, 1, tzinfo=UTC))) == (0, 0, 0)
    assert len(account.etags()) == 3


def test_an_interrupted_sync_carries_on(db, account, monkeypatch):
    jane = person(db, "Jane Doe")
    for day in range(5, 10):
        follow_up(db, jane, datetime(2026, 10, day, 9, 0))
    real = DavClient.request
    puts = 0

    def flaky(self, method, url, **kw):
        nonlocal puts
        if method == "PUT" and url.endswith(".ics"):
            puts += 1
            if puts == 3:  # the connection dies after two events went through
                raise KeyboardInterrupt
        return real(self, method, url, **kw)

    monkeypatch.setattr(DavClient, "request", flaky)
    with pytest.raises(KeyboardInterrupt):
        sync(db)
    monkeypatch.setattr(DavClient, "request", real)
    assert len(account.etags()) == 2
    assert counts(sync(db)) == (3, 0, 0)
    assert len(account.etags()) == 5
    assert counts(sync(db)) == (0, 0, 0)


def test_a_sync_killed_between_the_server_and_the_record_does_not_duplicate(db, account):
    jane = person(db, "Jane Doe")
    follow_up(db, jane, datetime(2026, 10, 5, 9, 0))
    assert counts(sync(db)) == (1, 0, 0)
    with db.write() as s:  # as if killed after the PUT, before its record was written
        from sqlalchemy import delete

        from relationship_crm.storage.schema import SyncItem

        s.execute(delete(SyncItem))
    assert counts(sync(db)) == (1, 0, 0)
    assert len(account.etags()) == 1
    with db.read() as s:  # its card, unrecorded, is known as the app's own: not imported again
        assert contacts.count(s) == 1
    assert counts(sync(db)) == (0, 0, 0)


def test_sync_run_prints_the_counts(cli, db, account):
    jane = person(db, "Jane Doe")
    follow_up(db, jane, datetime(2099, 1, 5, 9, 0))
    result = cli("sync", "run", "--format", "json")
    assert result.code == 0, result.err
    assert result.json() == {
        "events_created": 1,
        "events_updated": 0,
        "events_deleted": 0,
        "contacts_pushed": 1,
        "contacts_pulled": 0,
        "conflicts": 0,
        "errors": 0,
    }
    text = cli("sync", "run")
    assert text.code == 0 and "Events created: 0" in text.out
    assert cli("sync", "status", "--format", "json").json()["last_sync_at"] is not None


def test_a_snoozed_occurrence_is_an_override_with_its_zone_and_an_alarm(db, account):
    jane = person(db, "Jane Doe")
    weekly = follow_up(db, jane, datetime(2026, 10, 19, 9, 0), cadence="FREQ=WEEKLY;COUNT=3")
    assert counts(sync(db)) == (1, 0, 0)
    put_off = datetime(2026, 10, 20, 16, 30, tzinfo=ZoneInfo(NY))
    with db.write() as s:
        followups.snooze(s, weekly, until=put_off, now=NOW)
    assert counts(sync(db)) == (0, 1, 0)
    (name,) = account.etags()
    stored = Calendar.from_ical(
        requests.get(account.url + name, auth=account.auth, timeout=30).content
    )
    assert [str(z["TZID"]) for z in stored.walk("VTIMEZONE")] == [NY]
    master, moved = stored.walk("VEVENT")
    assert master["DTSTART"].params["TZID"] == NY and "RRULE" in master
    assert moved.decoded("RECURRENCE-ID") == datetime(2026, 10, 19, 9, 0, tzinfo=ZoneInfo(NY))
    assert [a["ACTION"] for e in (master, moved) for a in e.walk("VALARM")] == ["DISPLAY"] * 2
    # The phone's expansion: the first occurrence moved to the snooze, the others in place.
    seen = [when for _, when in account.expanded(NOW, NOW + timedelta(days=60))]
    assert seen == [
        put_off.astimezone(UTC),
        datetime(2026, 10, 26, 13, 0, tzinfo=UTC),
        datetime(2026, 11, 2, 14, 0, tzinfo=UTC),
    ]
