"""`sync run`: one sync of the saved account, each server change recorded as soon as it is made."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from relationship_crm.domain.errors import KnownError
from relationship_crm.storage.db import Database
from relationship_crm.storage.schema import SyncAccount, SyncItem
from relationship_crm.sync import account, calendar, contacts
from relationship_crm.sync.dav import DavClient


def _recorder(db: Database, collection: str) -> calendar.Record:
    """Records one server change at once, in its own transaction (so a stop loses nothing)."""

    def record(uid: str, href: str | None, etag: str | None, digest: str | None) -> None:
        with db.write() as session:
            if href is None or digest is None:
                session.execute(
                    delete(SyncItem).where(SyncItem.collection == collection, SyncItem.uid == uid)
                )
                return
            row = session.get(SyncItem, (collection, uid))
            if row is None:
                row = SyncItem(collection=collection, uid=uid)
                session.add(row)
            row.href, row.etag, row.digest = href, etag, digest
            row.synced_at = datetime.now(UTC)

    return record


def _contacts(
    db: Database, client: DavClient, book_url: str, tally: calendar.Tally, now: datetime
) -> None:
    record = _recorder(db, contacts.COLLECTION)

    def apply(change: Callable[[Session], object]) -> object:
        with db.write() as session:
            return change(session)

    with db.read() as session:
        wanted = contacts.wanted_cards(session)
        known = contacts.known_cards(session)
        saved = session.get(SyncAccount, 1)
        token = saved.contacts_sync_token if saved is not None else None
    token = contacts.pull(client, book_url, known, wanted, apply, record, tally, now, token)
    with db.read() as session:
        wanted = contacts.wanted_cards(session)
        known = contacts.known_cards(session)
    contacts.push(client, book_url, wanted, known, record, tally)
    # Saved only now: an interrupted run starts again from the older token (a superset).
    with db.write() as session:
        row = session.get(SyncAccount, 1)
        if row is not None:
            row.contacts_sync_token = token


class PasswordNeeded(KnownError):
    """No password was given and none is saved (no system keyring)."""


def password_for(info: account.AccountInfo, given: str | None) -> str:
    """The password given, else the keyring's; one clear line when there is neither."""
    if given:
        return given
    saved = account.saved_password(info.url, info.username) if info.password_saved else None
    if saved:
        return saved
    raise PasswordNeeded(
        "the sync password is not saved on this computer (no system keyring); pass "
        f"--password-stdin or set {account.PASSWORD_ENV}"
    )


def run(
    db: Database,
    password: str | None,
    *,
    now: datetime | None = None,
) -> calendar.Tally:
    """Sync once: contacts (both ways), then the calendar (app -> server), so that a contact
    deleted on the phone takes its follow-ups off the calendar in the same run.

    Raises KnownError when the server cannot be used (what was done so far stays recorded)."""
    with db.read() as session:
        info = account.require(session)
    secret = password_for(info, password)
    moment = now or datetime.now(UTC)
    tally = calendar.Tally()
    try:
        with DavClient(info.username, secret, ca_file=info.ca_file) as client:
            calendar.check_collection(client, info.calendar_url)
            if info.address_book_url:
                calendar.check_collection(client, info.address_book_url, "address book")
            if info.address_book_url:
                _contacts(db, client, info.address_book_url, tally, moment)
            with db.read() as session:
                wanted = calendar.wanted_events(session, moment)
                known = calendar.known_events(session)
                kept = {
                    uid
                    for uid in known
                    if uid not in wanted and calendar.meeting_exists(session, uid)
                }

            calendar.push(
                client,
                info.calendar_url,
                wanted,
                known,
                kept.__contains__,
                _recorder(db, calendar.COLLECTION),
                tally,
            )
    except KnownError as exc:
        with db.write() as session:
            account.record_run(session, now=moment, error=str(exc))
        raise
    with db.write() as session:
        account.record_run(session, now=moment, error=None)
    return tally
