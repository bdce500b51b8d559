"""Contacts, two ways: every contact to the address book as vCard, phone-side edits back.

Push: each contact not in the trash as its own vCard (the export's writer), recorded per contact
like the calendar's events; a contact trashed here is removed from the server. Pull, before the
push: what changed since the last sync (an RFC 6578 sync-collection REPORT from the saved token;
the full listing of ETags the first time or when the server lost the token), compared with the
ETags the app recorded, shows what the phone changed. A
changed card goes through the import's merge rule (`services.import_merge.combine`: a second
phone or email is added, empty fields filled); a field that can hold one value (job title, company,
birthday) takes the phone's value when only the phone changed it, and when both sides changed
since the last sync the app's value is kept and the phone's is written into the contact's notes,
so nothing is lost. A card deleted on the phone sends the contact to the trash (restorable).
A card created on the phone goes through the import (`services.importing.import_contacts`:
a duplicate of a contact here is merged into it, anyone else becomes a new contact); the push
then puts the contact's own card on the server in its place.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime
from urllib.parse import unquote, urljoin, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from relationship_crm.domain import bounds
from relationship_crm.domain.errors import KnownError
from relationship_crm.interchange.vcard_export import card
from relationship_crm.interchange.vcard_import import parse_vcards
from relationship_crm.services import (
    contact_fields,
    contacts,
    import_merge,
    importing,
    settings,
    stages,
)
from relationship_crm.services.import_summary import OnDuplicate
from relationship_crm.storage.schema import Contact, SyncItem
from relationship_crm.sync.calendar import Known, Tally
from relationship_crm.sync.dav import DAV, DavClient, parse_multistatus

COLLECTION = "contacts"
#: Fields that hold one value: the phone's wins unless the app changed it too.
SINGLE = (("title", "Job title"), ("company", "Company"), ("birthday", "Birthday"))

Record = Callable[[str, str | None, str | None, str | None], None]
#: The file names the push gives cards (`contact-12.vcf`): a card so named that the app has no
#: record of is one of ours from an interrupted run, never one the phone made.
_OURS = re.compile(r"contact-\d+\.vcf")


def uid_of(contact_id: int) -> str:
    return f"contact-{contact_id}"


def contact_id_of(uid: str) -> int | None:
    number = uid.removeprefix("contact-")
    return int(number) if number.isdigit() else None


def wanted_cards(session: Session) -> dict[str, tuple[bytes, str]]:
    """uid -> (vCard bytes, digest) of every contact not in the trash."""
    ids = session.scalars(
        select(Contact.id).where(Contact.deleted_at.is_(None)).order_by(Contact.id)
    )
    found = {}
    for contact_id in ids:
        body = card(contacts.get(session, contact_id)).encode("utf-8")
        found[uid_of(contact_id)] = (body, hashlib.sha256(body).hexdigest())
    return found


def known_cards(session: Session) -> dict[str, Known]:
    rows = session.scalars(select(SyncItem).where(SyncItem.collection == COLLECTION))
    return {r.uid: Known(r.uid, r.href, r.etag, r.digest) for r in rows}


def server_etags(client: DavClient, book_url: str) -> dict[str, str]:
    """Absolute URL -> ETag of every card in the address book."""
    found = client.propfind(book_url, [f"{{{DAV}}}getetag"], depth=1)
    return {r.url: r.text(f"{{{DAV}}}getetag") or "" for r in found if not r.url.endswith("/")}


def changes_since(
    client: DavClient, book_url: str, token: str | None
) -> tuple[dict[str, str | None], str | None] | None:
    """RFC 6578: the cards changed (URL -> ETag) or removed (URL -> None) since `token`, and
    the new token; None when the server cannot say (no token yet, expired, or unsupported)."""
    if not token:
        return None
    root = ET.Element(f"{{{DAV}}}sync-collection")
    ET.SubElement(root, f"{{{DAV}}}sync-token").text = token
    ET.SubElement(root, f"{{{DAV}}}sync-level").text = "1"
    ET.SubElement(ET.SubElement(root, f"{{{DAV}}}prop"), f"{{{DAV}}}getetag")
    answer = client.request(
        "REPORT",
        book_url,
        body=ET.tostring(root, xml_declaration=True, encoding="utf-8"),
        headers={"Depth": "0", "Content-Type": "application/xml; charset=utf-8"},
        allow=(403,),  # RFC 6578 3.2: 403 or 409 valid-sync-token for a token it lost
    )
    if answer.status_code != 207:
        return None  # 403/409 valid-sync-token: start again from the full listing
    changed: dict[str, str | None] = {}
    for item in parse_multistatus(answer.content, answer.url):
        if item.url.rstrip("/") == book_url.rstrip("/"):
            continue
        changed[item.url] = None if item.status == 404 else item.text(f"{{{DAV}}}getetag")
    try:
        new = ET.fromstring(answer.content).findtext(f"{{{DAV}}}sync-token")
    except ET.ParseError:
        new = None
    return changed, new


def current_token(client: DavClient, book_url: str) -> str | None:
    found = client.propfind(book_url, [f"{{{DAV}}}sync-token"])
    return found[0].text(f"{{{DAV}}}sync-token") if found else None


def merge_phone_card(
    session: Session, contact_id: int, data: bytes, *, changed_here: bool, now: datetime
) -> bool:
    """Bring one card edited on the phone into the contact; True when values clashed."""
    contact = session.get(Contact, contact_id)
    if contact is None or contact.deleted_at is not None:
        return False
    try:
        read = parse_vcards(data)
    except KnownError:
        return False  # a card the phone broke: the next push writes ours again
    if len(read) != 1:
        return False
    region = settings.get(session, "phone_region")
    try:
        phone = contact_fields.clean_draft(read[0].draft, phone_region=region)
    except KnownError:
        return False
    stored = import_merge.clean_from_contact(contact)
    merged = import_merge.combine(stored, phone)
    clashes: list[str] = []
    for field, label in SINGLE:
        ours, theirs = getattr(stored, field), getattr(phone, field)
        if not theirs or theirs == ours:
            continue
        if changed_here and ours:
            clashes.append(f"{label}: {theirs}")
            continue
        merged = dataclasses.replace(merged, **{field: theirs})
        if field == "company":
            merged = dataclasses.replace(merged, company_key=phone.company_key)
    if clashes:
        stamp = now.strftime("%Y-%m-%d %H:%M UTC")
        extra = f"From the phone ({stamp}), not applied: " + "; ".join(clashes)
        notes = f"{merged.notes}\n\n{extra}" if merged.notes else extra
        merged = dataclasses.replace(merged, notes=notes[: bounds.MAX_NOTES])
    if merged != stored:
        import_merge.store_merge(session, contact, stored, merged, now=now)
        session.flush()
        contacts.reindex(session, [contact_id])
    return bool(clashes)


def pull(
    client: DavClient,
    book_url: str,
    known: dict[str, Known],
    wanted: dict[str, tuple[bytes, str]],
    apply: Callable[[Callable[[Session], object]], object],
    record: Record,
    tally: Tally,
    now: datetime,
    token: str | None = None,
) -> str | None:
    """Phone-side edits and deletions of the cards the app put on the server; returns the
    sync-token to save once the push is done (incremental from `token` where the server can)."""
    since = changes_since(client, book_url, token)
    if since is None:
        new_token = current_token(client, book_url)
        etags: dict[str, str | None] = dict(server_etags(client, book_url))
    else:
        changes, new_token = since
        # Unchanged cards keep the ETag recorded; removed ones are absent.
        etags = {k.href: k.etag for k in known.values()}
        for url, etag in changes.items():
            if etag is None:
                etags.pop(url, None)
            else:
                etags[url] = etag
    for uid, before in sorted(known.items()):
        contact_id = contact_id_of(uid)
        if contact_id is None:
            continue
        if before.href not in etags:  # deleted on the phone: to the trash here
            if uid in wanted:

                def to_trash(session: Session, cid: int = contact_id) -> object:
                    return contacts.trash(session, cid, now=now)

                apply(to_trash)
                tally.contacts_pulled += 1
            record(uid, None, None, None)
            continue
        if etags[before.href] == before.etag:
            continue
        answer = client.request("GET", before.href)
        if answer.status_code != 200:
            tally.errors += 1
            continue
        changed_here = uid in wanted and wanted[uid][1] != before.digest

        def merge(
            session: Session,
            cid: int = contact_id,
            body: bytes = answer.content,
            both: bool = changed_here,
        ) -> object:
            return merge_phone_card(session, cid, body, changed_here=both, now=now)

        if apply(merge):
            tally.conflicts += 1
        tally.contacts_pulled += 1
        # The server's card is now the base: the push sends the merged one over it.
        record(uid, before.href, answer.headers.get("ETag") or etags[before.href], "")
    recorded = {k.href for k in known.values()}
    for url, etag in sorted(etags.items()):
        if url in recorded or etag is None or url.endswith("/") or is_ours(url):
            continue
        _pull_new(client, url, etag, apply, tally, now)
    return new_token


def is_ours(url: str) -> bool:
    return bool(_OURS.fullmatch(unquote(urlsplit(url).path.rsplit("/", 1)[-1])))


def _pull_new(
    client: DavClient,
    url: str,
    etag: str,
    apply: Callable[[Callable[[Session], object]], object],
    tally: Tally,
    now: datetime,
) -> None:
    """A card the phone created: imported, and marked for removal in the same transaction."""
    answer = client.request("GET", url)
    if answer.status_code in (404, 410):
        return  # deleted again since the listing
    if answer.status_code != 200:
        tally.errors += 1
        return
    tag = answer.headers.get("ETag") or etag

    def take(session: Session, body: bytes = answer.content) -> object:
        return import_phone_card(session, body, url, tag, now=now)

    if apply(take):
        tally.contacts_pulled += 1


def import_phone_card(
    session: Session, data: bytes, href: str, etag: str | None, *, now: datetime
) -> bool:
    """Import one card made on the phone through the import's rules (a duplicate is merged into
    the contact it matches); False when it holds nothing the import can read (left alone).

    The card is recorded under a UID that names no contact, so the push removes it from the
    server: the contact's own card replaces it. A server keeps a card's UID for good (RFC 6352
    no-uid-conflict), and the app's cards carry the app's. Recorded in the import's own
    transaction, so a sync stopped before the removal never imports the card twice."""
    try:
        read = parse_vcards(data, strict=False, stages=stages.stage_keys(session))
    except KnownError:
        return False
    if len(read) != 1:
        return False
    summary = importing.import_contacts(
        session,
        read,
        on_duplicate=OnDuplicate.MERGE,
        strict=False,
        within_file=False,
        source="phone",
        now=now,
    )
    if not summary.record_ids:
        return False
    marker = "phone-card-" + hashlib.sha256(href.encode("utf-8")).hexdigest()[:40]
    if session.get(SyncItem, (COLLECTION, marker)) is None:
        session.add(
            SyncItem(
                collection=COLLECTION, uid=marker, href=href, etag=etag, digest="", synced_at=now
            )
        )
    return True


def push(
    client: DavClient,
    book_url: str,
    wanted: dict[str, tuple[bytes, str]],
    known: dict[str, Known],
    record: Record,
    tally: Tally,
) -> None:
    base = book_url if book_url.endswith("/") else book_url + "/"
    for uid, (body, digest) in sorted(wanted.items()):
        before = known.get(uid)
        if before is not None and before.digest == digest:
            continue
        href = before.href if before is not None else urljoin(base, f"{uid}.vcf")
        headers = {"Content-Type": "text/vcard; charset=utf-8"}
        if before is not None and before.etag:
            headers["If-Match"] = before.etag
        elif before is None:
            headers["If-None-Match"] = "*"
        answer = client.request("PUT", href, body=body, headers=headers)
        if answer.status_code in (404, 412):
            # Edited on the phone since the pull, or ours from an interrupted run: ours now.
            headers.pop("If-Match", None)
            headers.pop("If-None-Match", None)
            answer = client.request("PUT", href, body=body, headers=headers)
        if answer.status_code not in (200, 201, 204):
            tally.errors += 1
            continue
        record(uid, href, answer.headers.get("ETag"), digest)
        tally.contacts_pushed += 1
    for uid, before in sorted(known.items()):
        if uid in wanted:
            continue
        answer = client.request("DELETE", before.href)
        if answer.status_code not in (200, 204, 404, 410):
            tally.errors += 1
            continue
        record(uid, None, None, None)
