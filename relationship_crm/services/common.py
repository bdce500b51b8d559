"""Helpers shared by the services: the clock default, lookups that fail clearly, input checks."""

from __future__ import annotations

import difflib
import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Final

from sqlalchemy.orm import Session

from relationship_crm.domain.bounds import check_id
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.domain.text import clean_line, fold
from relationship_crm.storage.schema import Contact, Meeting


class Unset:
    """Marks an argument that was not given, where None means something (no limit, no cost)."""


UNSET: Final = Unset()


def unknown_name(
    what: str, typed: str, names: Mapping[str, str], *, shown_max: int
) -> NotFoundError:
    """ "no WHAT named 'x'; did you mean 'a' or 'b'?": up to three close names from `names`
    (folded key -> name); `typed` is cut to `shown_max` characters."""
    close = difflib.get_close_matches(fold(typed), list(names), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(names[k]) for k in close)}?" if close else ""
    shown = typed if len(typed) <= shown_max else typed[: shown_max - 1] + "…"
    return NotFoundError(f"no {what} named {shown!r}{hint}")


def utcnow() -> datetime:
    """The current instant; services take `now=` so tests can fix it."""
    return datetime.now(UTC)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's automatic cyclic garbage collection off while a bulk job runs (an import).

    Such a job makes hundreds of thousands of objects that live until it ends and hold no
    cycles; each full collection walks all of them again, which cost an import of 20,000 cards
    about a quarter of its time (issue 18). Collection is switched back on afterwards, unless
    it was off already (the app collects on its GUI thread: ui/garbage.py).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def live_contact(session: Session, contact_id: int) -> Contact:
    """The contact with this id, unless it does not exist or is in the trash."""
    check_id(contact_id, "contact")
    contact = session.get(Contact, contact_id)
    if contact is None or contact.deleted_at is not None:
        raise NotFoundError(f"no contact with id {contact_id}")
    return contact


def existing_meeting(session: Session, meeting_id: int) -> Meeting:
    """The meeting with this id, or a NotFoundError."""
    check_id(meeting_id, "meeting")
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFoundError(f"no meeting with id {meeting_id}")
    return meeting


def required_line(value: str, what: str, *, max_length: int) -> str:
    """A one-line field that must not be empty (names, titles, items)."""
    cleaned = clean_line(value)
    if not cleaned:
        raise InvalidInputError(f"{what} must not be empty")
    return optional_line(cleaned, what, max_length=max_length)


def optional_line(value: str, what: str, *, max_length: int) -> str:
    """A one-line field that may be empty but not overlong."""
    cleaned = clean_line(value)
    if len(cleaned) > max_length:
        raise InvalidInputError(
            f"{what} is too long ({len(cleaned)} characters; at most {max_length})"
        )
    return cleaned
