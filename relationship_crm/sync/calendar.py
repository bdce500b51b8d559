"""Calendar sync, one way (app -> server): open follow-ups and upcoming meetings as VEVENTs.

The events are those of the iCalendar export (`services.calendar_export`), one resource per UID
with the VTIMEZONEs it names. The app only ever changes or deletes resources it recorded in
`sync_items`, and each one is recorded right after the server accepted it, so an interrupted run
carries on at the next. A meeting that is over stays on the server (the rep's history); it is
removed only when the meeting is deleted here. A follow-up done, cancelled or deleted is removed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urljoin

from icalendar import Calendar, Component
from sqlalchemy import select
from sqlalchemy.orm import Session

from relationship_crm.domain.errors import KnownError
from relationship_crm.services.calendar_export import PRODID, UID_DOMAIN, calendar_bytes
from relationship_crm.storage.schema import Meeting, SyncItem
from relationship_crm.sync.dav import DavClient

COLLECTION = "calendar"


@dataclass(frozen=True, slots=True)
class Wanted:
    """One resource as the app wants it on the server."""

    uid: str
    body: bytes
    digest: str


@dataclass(frozen=True, slots=True)
class Known:
    """What the app recorded of one resource it put on the server."""

    uid: str
    href: str
    etag: str | None
    digest: str


@dataclass
class Tally:
    """The counts `sync run` prints."""

    events_created: int = 0
    events_updated: int = 0
    events_deleted: int = 0
    contacts_pushed: int = 0
    contacts_pulled: int = 0
    conflicts: int = 0
    errors: int = 0


def wanted_events(session: Session, now: datetime) -> dict[str, Wanted]:
    """Every event the server should hold, by UID, each as its own VCALENDAR."""
    whole = Calendar.from_ical(calendar_bytes(session, now=now))
    zones = {str(tz["TZID"]): tz for tz in whole.walk("VTIMEZONE")}
    grouped: dict[str, list[Component]] = {}
    for event in whole.walk("VEVENT"):
        grouped.setdefault(str(event["UID"]), []).append(event)
    wanted: dict[str, Wanted] = {}
    for uid, events in grouped.items():
        calendar = Calendar()
        calendar.add("PRODID", PRODID)
        calendar.add("VERSION", "2.0")
        used: set[str] = set()
        for event in events:
            for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
                value = event.get(name)
                tzid = value.params.get("TZID") if value is not None else None
                if tzid:
                    used.add(str(tzid))
        for tzid in sorted(used):
            if tzid in zones:
                calendar.add_component(zones[tzid])
        for event in events:
            calendar.add_component(event)
        body: bytes = calendar.to_ical()
        wanted[uid] = Wanted(uid, body, _digest(body))
    return wanted


def _digest(body: bytes) -> str:
    """SHA-256 of the resource without DTSTAMP, which changes at every run."""
    lines = [line for line in body.split(b"\r\n") if not line.startswith(b"DTSTAMP")]
    return hashlib.sha256(b"\r\n".join(lines)).hexdigest()


def known_events(session: Session) -> dict[str, Known]:
    rows = session.scalars(select(SyncItem).where(SyncItem.collection == COLLECTION))
    return {r.uid: Known(r.uid, r.href, r.etag, r.digest) for r in rows}


def meeting_exists(session: Session, uid: str) -> bool:
    """Whether the meeting behind a `meeting-N@...` UID is still in the database."""
    prefix, _, rest = uid.partition("-")
    number = rest.split("@", 1)[0]
    if prefix != "meeting" or not number.isdigit():
        return False
    return session.get(Meeting, int(number)) is not None


def href_for(calendar_url: str, uid: str) -> str:
    base = calendar_url if calendar_url.endswith("/") else calendar_url + "/"
    name = uid.removesuffix(f"@{UID_DOMAIN}")
    return urljoin(base, quote(name, safe="") + ".ics")


# Called after each server change: (uid, href, etag, digest) to record, or (uid, None...) to drop.
Record = Callable[[str, str | None, str | None, str | None], None]


def push(
    client: DavClient,
    calendar_url: str,
    wanted: dict[str, Wanted],
    known: dict[str, Known],
    keep: Callable[[str], bool],
    record: Record,
    tally: Tally,
) -> None:
    """Bring the server in line with `wanted`; `keep(uid)` says to leave a vanished one there."""
    for uid, item in sorted(wanted.items()):
        before = known.get(uid)
        if before is not None and before.digest == item.digest:
            continue
        href = before.href if before is not None else href_for(calendar_url, uid)
        headers = {"Content-Type": "text/calendar; charset=utf-8"}
        if before is not None and before.etag:
            headers["If-Match"] = before.etag
        elif before is None:
            headers["If-None-Match"] = "*"
        response = client.request("PUT", href, body=item.body, headers=headers)
        if response.status_code == 412:
            if before is not None:
                tally.conflicts += 1  # changed on the server: the app's copy wins (one way)
            # Ours from an interrupted run (no record yet), or edited on the server: overwrite.
            headers.pop("If-Match", None)
            headers.pop("If-None-Match", None)
            response = client.request("PUT", href, body=item.body, headers=headers)
        elif response.status_code == 404 and before is not None:
            headers.pop("If-Match", None)
            response = client.request("PUT", href, body=item.body, headers=headers)
        if response.status_code not in (200, 201, 204):
            tally.errors += 1
            continue
        record(uid, href, response.headers.get("ETag"), item.digest)
        if before is None:
            tally.events_created += 1
        else:
            tally.events_updated += 1
    for uid, before in sorted(known.items()):
        if uid in wanted:
            continue
        if keep(uid):
            continue
        headers = {"If-Match": before.etag} if before.etag else {}
        response = client.request("DELETE", before.href, headers=headers)
        if response.status_code == 412:
            response = client.request("DELETE", before.href)
        if response.status_code not in (200, 204, 404, 410):
            tally.errors += 1
            continue
        record(uid, None, None, None)
        tally.events_deleted += 1


def check_collection(client: DavClient, url: str, what: str = "calendar") -> None:
    """A one-line error when the calendar (or address book) was removed from the server."""
    response = client.request("PROPFIND", url, headers={"Depth": "0"})
    if response.status_code in (404, 410):
        raise KnownError(f"the {what} {url} is no longer on the server; run `sync setup` again")
