"""Setting up the sync account: discovery (RFC 6764, RFC 5397, RFC 4791/6352), collections, login.

`discover` finds the rep's principal from the address they typed (the server root, a well-known
URL, the principal or a collection), then its calendar and address-book homes, and the collections
named (by display name or last path segment); the default "Relationship CRM" ones are created when
missing, any other name must exist unless `create` is set. The account (address, username,
collection URLs) is saved in the database; the password never is: it goes to the system keyring
where one exists, otherwise it is asked for at each sync.
"""

from __future__ import annotations

import os
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from sqlalchemy import delete
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.errors import InvalidInputError, KnownError
from relationship_crm.services.system_keyring import usable_keyring
from relationship_crm.storage.db import Database
from relationship_crm.storage.schema import SyncAccount, SyncItem
from relationship_crm.sync.dav import (
    CALDAV,
    CARDDAV,
    DAV,
    DavClient,
    LoginRefused,
    Resource,
    Unreachable,
    check_url,
)

PASSWORD_ENV = "RELATIONSHIP_CRM_SYNC_PASSWORD"
DEFAULT_NAME = "Relationship CRM"
KEYRING_SERVICE = "relationship-crm-sync"
MAX_USERNAME = 200
MAX_NAME = 100

_PRINCIPAL = f"{{{DAV}}}current-user-principal"
_CAL_HOME = f"{{{CALDAV}}}calendar-home-set"
_CARD_HOME = f"{{{CARDDAV}}}addressbook-home-set"
_NAME = f"{{{DAV}}}displayname"
_TYPE = f"{{{DAV}}}resourcetype"
_CALENDAR = f"{{{CALDAV}}}calendar"
_ADDRESS_BOOK = f"{{{CARDDAV}}}addressbook"


@dataclass(frozen=True, slots=True)
class AccountInfo:
    """The saved account, as `sync status` shows it."""

    url: str
    username: str
    calendar_url: str
    address_book_url: str | None
    ca_file: str | None
    password_saved: bool
    last_sync_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class Found:
    """What discovery found (and created) on the server."""

    principal_url: str
    calendar_url: str
    address_book_url: str | None
    created: tuple[str, ...]


def check_username(username: str) -> str:
    username = username.strip()
    if not username or len(username) > MAX_USERNAME or any(ord(c) < 32 for c in username):
        raise InvalidInputError("the username must be 1 to 200 printable characters")
    return username


def check_ca_file(path: str | None, what: str = "--ca-file") -> str | None:
    """The absolute path of a company certificate authority file, or None when none is given."""
    if path is None or not path.strip():
        return None
    found = Path(path.strip()).expanduser()
    if not found.is_file():
        raise InvalidInputError(f"{what}: no such file: {path.strip()}")
    return str(found.resolve())


def check_name(name: str, what: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise InvalidInputError(f"the {what} name must be 1 to {MAX_NAME} characters")
    return name


def discover(
    client: DavClient,
    url: str,
    *,
    calendar: str = DEFAULT_NAME,
    address_book: str | None = DEFAULT_NAME,
    create: bool = False,
) -> Found:
    """The principal and collections behind `url`, logging in (a refused login raises)."""
    url = check_url(url)
    principal = _principal(client, url)
    homes = client.propfind(principal, [_CAL_HOME, _CARD_HOME])
    home = homes[0] if homes else Resource(principal)
    cal_homes = home.hrefs(_CAL_HOME)
    if not cal_homes:
        raise KnownError("the server has no calendars for this account (no calendar-home-set)")
    cal_home = urljoin(principal, cal_homes[0])
    created: list[str] = []
    calendar_url = _collection(client, cal_home, _CALENDAR, calendar)
    if calendar_url is None:
        if not (create or calendar == DEFAULT_NAME):
            raise KnownError(_missing("calendar", calendar, client, cal_home, _CALENDAR))
        calendar_url = _make_calendar(client, cal_home, calendar)
        created.append(f"calendar {calendar!r}")
    book_url: str | None = None
    if address_book is not None:
        card_homes = [urljoin(principal, h) for h in home.hrefs(_CARD_HOME)]
        if not card_homes:
            # Some providers keep contacts on a CardDAV host of their own (RFC 6764 section 5).
            card_homes = card_homes_via_well_known(client, url)
        if not card_homes:
            raise KnownError(
                "the server has no address books for this account (no addressbook-home-set)"
            )
        card_home = card_homes[0]
        book_url = _collection(client, card_home, _ADDRESS_BOOK, address_book)
        if book_url is None:
            if not (create or address_book == DEFAULT_NAME):
                raise KnownError(
                    _missing("address book", address_book, client, card_home, _ADDRESS_BOOK)
                )
            book_url = _make_address_book(client, card_home, address_book)
            created.append(f"address book {address_book!r}")
    return Found(principal, calendar_url, book_url, tuple(created))


def card_homes_via_well_known(client: DavClient, url: str) -> list[str]:
    """The address-book homes found through `/.well-known/carddav` of `url`'s host, or []."""
    parts = urlsplit(url)
    try:
        found = client.propfind(
            f"{parts.scheme}://{parts.netloc}/.well-known/carddav", [_PRINCIPAL]
        )
        principals = [urljoin(r.url, h) for r in found for h in r.hrefs(_PRINCIPAL)]
        if not principals:
            return []
        homes = client.propfind(principals[0], [_CARD_HOME])
    except KnownError as exc:
        if isinstance(exc, LoginRefused):
            raise
        return []
    return [urljoin(principals[0], h) for r in homes for h in r.hrefs(_CARD_HOME)]


def _principal(client: DavClient, url: str) -> str:
    """current-user-principal at `url`, else through /.well-known/caldav (RFC 6764 section 5)."""
    tried: list[str] = [url]
    parts = urlsplit(url)
    well_known = f"{parts.scheme}://{parts.netloc}/.well-known/caldav"
    if well_known != url:
        tried.append(well_known)
    for candidate in tried:
        try:
            found = client.propfind(candidate, [_PRINCIPAL])
        except (LoginRefused, Unreachable):
            raise
        except KnownError as exc:
            if "certificate" in str(exc):
                raise
            continue
        for resource in found:
            hrefs = resource.hrefs(_PRINCIPAL)
            if hrefs:
                return urljoin(resource.url, hrefs[0])
    raise KnownError(
        f"no CalDAV account found at {url}; give the server's CalDAV address "
        "(for example https://cloud.example.com/remote.php/dav)"
    )


def _collections(client: DavClient, home: str, kind: str) -> list[Resource]:
    found = client.propfind(home, [_TYPE, _NAME], depth=1)
    return [r for r in found if kind in r.types()]


def _collection(client: DavClient, home: str, kind: str, name: str) -> str | None:
    for resource in _collections(client, home, kind):
        segment = urlsplit(resource.url).path.rstrip("/").rsplit("/", 1)[-1]
        if name in (resource.text(_NAME), segment):
            return resource.url
    return None


def _missing(what: str, name: str, client: DavClient, home: str, kind: str) -> str:
    names = sorted(
        r.text(_NAME) or urlsplit(r.url).path.rstrip("/").rsplit("/", 1)[-1]
        for r in _collections(client, home, kind)
    )
    listed = ", ".join(repr(n) for n in names) or "none"
    return f"no {what} named {name!r} on the server (there: {listed}); pass --create to make it"


def _new_url(home: str) -> str:
    return urljoin(home if home.endswith("/") else home + "/", f"relationship-crm-{uuid.uuid4()}/")


def _make_calendar(client: DavClient, home: str, name: str) -> str:
    url = _new_url(home)
    root = ET.Element(f"{{{CALDAV}}}mkcalendar")
    prop = ET.SubElement(ET.SubElement(root, f"{{{DAV}}}set"), f"{{{DAV}}}prop")
    ET.SubElement(prop, _NAME).text = name
    components = ET.SubElement(prop, f"{{{CALDAV}}}supported-calendar-component-set")
    ET.SubElement(components, f"{{{CALDAV}}}comp", {"name": "VEVENT"})
    response = client.request(
        "MKCALENDAR",
        url,
        body=ET.tostring(root, xml_declaration=True, encoding="utf-8"),
        headers={"Content-Type": "application/xml; charset=utf-8"},
    )
    if response.status_code not in (200, 201):
        raise KnownError(
            f"the server did not create the calendar {name!r} ({response.status_code})"
        )
    return url


def _make_address_book(client: DavClient, home: str, name: str) -> str:
    url = _new_url(home)
    root = ET.Element(f"{{{DAV}}}mkcol")
    prop = ET.SubElement(ET.SubElement(root, f"{{{DAV}}}set"), f"{{{DAV}}}prop")
    kinds = ET.SubElement(prop, _TYPE)
    ET.SubElement(kinds, f"{{{DAV}}}collection")
    ET.SubElement(kinds, _ADDRESS_BOOK)
    ET.SubElement(prop, _NAME).text = name
    response = client.request(
        "MKCOL",
        url,
        body=ET.tostring(root, xml_declaration=True, encoding="utf-8"),
        headers={"Content-Type": "application/xml; charset=utf-8"},
    )
    if response.status_code not in (200, 201):
        raise KnownError(
            f"the server did not create the address book {name!r} ({response.status_code})"
        )
    return url


@dataclass(frozen=True, slots=True)
class SetUp:
    """What `set_up` did: the collections found (and created), and whether the keyring has
    the password."""

    url: str
    username: str
    found: Found
    password_saved: bool


def set_up(
    db: Database,
    *,
    url: str,
    username: str,
    password: str,
    calendar: str | None = None,
    address_book: str | None = None,
    create: bool = False,
    ca_file: str | None = None,
    now: datetime,
) -> SetUp:
    """`sync setup` and the app's Sync account dialog: check what was typed, find (or create)
    the collections while logging in, keep the password in the keyring and the rest in the
    database. Nothing is saved unless the server accepted the login."""
    url = check_url(url)
    username = check_username(username)
    calendar = check_name(calendar or DEFAULT_NAME, "calendar")
    book = check_name(address_book or DEFAULT_NAME, "address book")
    if not password:
        raise InvalidInputError("no password: type the password of the account")
    with DavClient(username, password, ca_file=ca_file) as client:
        found = discover(client, url, calendar=calendar, address_book=book, create=create)
    with db.read() as session:
        before = load(session)
    saved = store_password(url, username, password)
    with db.write() as session:
        save(
            session,
            url=url,
            username=username,
            found=found,
            ca_file=ca_file,
            password_saved=saved,
            now=now,
        )
    if (
        before is not None
        and before.password_saved
        and (before.url, before.username)
        != (
            url,
            username,
        )
    ):
        delete_password(before.url, before.username)  # the old account's, no longer used
    return SetUp(url, username, found, saved)


def forget_account(db: Database) -> bool:
    """`sync forget`: the account and its saved password removed; False when there was none."""
    with db.read() as session:
        before = load(session)
    if before is None:
        return False
    if before.password_saved:
        delete_password(before.url, before.username)
    with db.write() as session:
        forget(session)
    return True


# ------------------------------------------------------------ the saved account


def load(session: Session) -> AccountInfo | None:
    row = session.get(SyncAccount, 1)
    if row is None:
        return None
    return AccountInfo(
        url=row.url,
        username=row.username,
        calendar_url=row.calendar_url,
        address_book_url=row.address_book_url,
        ca_file=row.ca_file,
        password_saved=bool(row.password_saved),
        last_sync_at=row.last_sync_at,
        last_error=row.last_error,
    )


def require(session: Session) -> AccountInfo:
    info = load(session)
    if info is None:
        raise KnownError("no sync account is set up; run `relationship-crm sync setup` first")
    return info


def save(
    session: Session,
    *,
    url: str,
    username: str,
    found: Found,
    ca_file: str | None,
    password_saved: bool,
    now: datetime,
) -> Changes:
    """Save the account, replacing any other; a different server or collection starts afresh."""
    row = session.get(SyncAccount, 1)
    if row is not None and row.calendar_url != found.calendar_url:
        session.execute(delete(SyncItem).where(SyncItem.collection == "calendar"))
    if row is not None and row.address_book_url != found.address_book_url:
        session.execute(delete(SyncItem).where(SyncItem.collection == "contacts"))
        row.contacts_sync_token = None
    if row is None:
        row = SyncAccount(id=1, created_at=now)
        session.add(row)
    row.url = url
    row.username = username
    row.calendar_url = found.calendar_url
    row.address_book_url = found.address_book_url
    row.ca_file = ca_file
    row.password_saved = int(password_saved)
    row.last_error = None
    return Changes(settings=True)


def forget(session: Session) -> Changes:
    """Remove the account and what the app knows of the server (the server is not touched)."""
    session.execute(delete(SyncItem))
    session.execute(delete(SyncAccount))
    return Changes(settings=True)


def record_run(session: Session, *, now: datetime, error: str | None) -> Changes:
    row = session.get(SyncAccount, 1)
    if row is not None:
        if error is None:
            row.last_sync_at = now
        row.last_error = error
    return Changes(settings=True)


# ------------------------------------------------------------ the password


def keyring_key(url: str, username: str) -> str:
    return f"{username}@{url}"


def store_password(url: str, username: str, password: str) -> bool:
    """Put the password in the system keyring; False when there is none (asked at each sync)."""
    if usable_keyring() is None:
        return False
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, keyring_key(url, username), password)
    except (KeyringError, OSError):
        return False
    return True


def saved_password(url: str, username: str) -> str | None:
    if usable_keyring() is None:
        return None
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_key(url, username))
    except (KeyringError, OSError):
        return None


def delete_password(url: str, username: str) -> None:
    if usable_keyring() is None:
        return
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.delete_password(KEYRING_SERVICE, keyring_key(url, username))
    except (KeyringError, OSError):
        pass


def given_password(from_stdin: str | None) -> str | None:
    """The password from --password-stdin (its first line) or the environment variable."""
    if from_stdin is not None:
        line = from_stdin.splitlines()[0] if from_stdin else ""
        if not line:
            raise InvalidInputError("--password-stdin read no password")
        return line
    value = os.environ.get(PASSWORD_ENV)
    return value or None
