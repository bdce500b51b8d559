"""`sync run`: one sync of the saved account, each server change recorded as soon as it is made."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import delete

from relationship_crm.domain.errors import KnownError
from relationship_crm.storage.db import Database
from relationship_crm.storage.schema import SyncItem
from relationship_crm.sync import account, calendar
from relationship_crm.sync.dav import DavClient


def password_for(info: account.AccountInfo, given: str | None) -> str:
    """The password given, else the keyring's; one clear line when there is neither."""
    if given:
        return given
    saved = account.saved_password(info.url, info.username) if info.password_saved else None
    if saved:
        return saved
    raise KnownError(
        "the sync password is not saved on this computer (no system keyring); pass "
        f"--password-stdin or set {account.PASSWORD_ENV}"
    )


def run(
    db: Database,
    password: str | None,
    *,
    now: datetime | None = None,
    client_factory: Callable[[account.AccountInfo, str], DavClient] | None = None,
) -> calendar.Tally:
    """Sync once: the calendar (app -> server). Raises KnownError when the server cannot be used."""
    with db.read() as session:
        info = account.require(session)
    secret = password_for(info, password)
    moment = now or datetime.now(UTC)
    make = client_factory or (lambda i, p: DavClient(i.username, p, ca_file=i.ca_file))
    tally = calendar.Tally()
    try:
        with make(info, secret) as client:
            calendar.check_collection(client, info.calendar_url)
            with db.read() as session:
                wanted = calendar.wanted_events(session, moment)
                known = calendar.known_events(session)
                kept = {
                    uid
                    for uid in known
                    if uid not in wanted and calendar.meeting_exists(session, uid)
                }

            def record(uid: str, href: str | None, etag: str | None, digest: str | None) -> None:
                with db.write() as session:
                    if href is None or digest is None:
                        session.execute(
                            delete(SyncItem).where(
                                SyncItem.collection == calendar.COLLECTION, SyncItem.uid == uid
                            )
                        )
                        return
                    row = session.get(SyncItem, (calendar.COLLECTION, uid))
                    if row is None:
                        row = SyncItem(collection=calendar.COLLECTION, uid=uid)
                        session.add(row)
                    row.href, row.etag, row.digest = href, etag, digest
                    row.synced_at = datetime.now(UTC)

            calendar.push(
                client, info.calendar_url, wanted, known, kept.__contains__, record, tally
            )
    except KnownError as exc:
        with db.write() as session:
            account.record_run(session, now=moment, error=str(exc))
        raise
    with db.write() as session:
        account.record_run(session, now=moment, error=None)
    return tally
