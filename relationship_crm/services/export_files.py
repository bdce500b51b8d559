"""Exports as files: the bytes of each format, and a write that never leaves half a file.

The command line (`export --format ... OUT`) and the app's File → Export share this, so both
write the same bytes the same way: to a private temporary file beside the target, renamed into
place when complete.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from relationship_crm.domain.errors import InvalidInputError, KnownError
from relationship_crm.interchange.csv_export import write_contacts_csv
from relationship_crm.interchange.vcard_export import write_vcards
from relationship_crm.services import calendar_export, contacts, json_copy

FORMATS: dict[str, str] = {
    "vcf": "vCard (.vcf): contacts for phones, Outlook, Google and Apple",
    "csv": "CSV (.csv): one row per contact for spreadsheets",
    "ics": "iCalendar (.ics): open follow-ups and upcoming meetings for calendars",
    "json": "JSON (.json): everything, a full copy this app can import again",
}
VCARD_VERSIONS = ("4.0", "3.0")


@dataclass(frozen=True, slots=True)
class Export:
    """An export's bytes and a phrase for what it holds ("12 contacts")."""

    data: bytes
    what: str


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def export(
    session: Session, fmt: str, *, vcard_version: str = "4.0", now: datetime | None = None
) -> Export:
    """The bytes of an export in format `fmt` (a key of FORMATS)."""
    if fmt == "ics":
        data = calendar_export.calendar_bytes(session, now=now)
        return Export(data, _count(data.count(b"BEGIN:VEVENT"), "event"))
    if fmt == "json":
        data = json_copy.export_json(session, now=now)
        return Export(data, f"a full copy ({_count(contacts.count(session), 'contact')})")
    if fmt not in ("vcf", "csv"):
        raise InvalidInputError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if vcard_version not in VCARD_VERSIONS:
        raise InvalidInputError(f"vCard version must be 4.0 or 3.0, not {vcard_version!r}")
    found = contacts.list_contacts(session)
    text = io.StringIO(newline="")
    if fmt == "csv":
        written = write_contacts_csv(found, text)
        # UTF-8 with a byte-order mark: Excel then reads accents correctly.
        return Export(text.getvalue().encode("utf-8-sig"), _count(written, "contact"))
    written = write_vcards(found, text, vcard_version)
    return Export(text.getvalue().encode("utf-8"), _count(written, "contact"))


@contextmanager
def replacing(target: Path, *, prefix: str = ".export-", suffix: str = "") -> Iterator[Path]:
    """A private (0600) temporary file beside `target`, renamed onto it when the block ends
    without error and removed otherwise: an existing file is never left half-overwritten."""
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise KnownError(f"cannot write {target}: folder {folder} does not exist")
    if target.is_dir():
        raise KnownError(f"cannot write {target}: it is a folder")
    try:
        handle, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)  # mode 0600
    except OSError as exc:
        raise KnownError(f"cannot write {target}: {exc.strerror or exc}") from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise KnownError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_atomic(target: Path, data: bytes) -> None:
    """Write `data` to `target` via a private temporary file renamed into place."""
    with replacing(target) as temporary, temporary.open("wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
