"""Printing thank-you notes: which notes, and each one's page with its envelope addresses.

Every note prints its stored text, exactly as shown (`prepare_pages`). A NotePage carries the
letterhead, the date line, the body and both envelope addresses; `services.note_pages` lays it
out and `ui.printing` renders it. Campaign letters print on the same pages
(`services.campaign_letters`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from relationship_crm.domain.changes import Changes, Outcome
from relationship_crm.domain.enums import ThanksStatus
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.text import clean_line
from relationship_crm.services import note_templates, settings
from relationship_crm.services.common import existing_meeting, utcnow
from relationship_crm.services.thanks import ThanksView, existing_notes, list_notes
from relationship_crm.services.thanks_text import (
    RepDetails,
    compose,
    local_today,
    long_date,
    note_values,
    rep_details,
)
from relationship_crm.storage.schema import Contact, ContactAddress, Meeting


@dataclass(frozen=True, slots=True)
class NotePage:
    """Everything printed for one note: letterhead, date, body and the envelope's addresses."""

    note_id: int
    contact_name: str
    date_line: str
    body: str
    rep: RepDetails
    recipient: tuple[str, ...]
    has_address: bool
    return_address: tuple[str, ...] = field(default=())


def notes_to_print(
    session: Session,
    *,
    meeting_id: int | None = None,
    all_drafts: bool = False,
    note_ids: Sequence[int] = (),
) -> list[int]:
    """The ids chosen by one of: a meeting's notes, every draft, or explicit ids (checked)."""
    chosen = sum((meeting_id is not None, all_drafts, bool(note_ids)))
    if chosen != 1:
        raise InvalidInputError("choose the notes to print: a meeting, all drafts, or note ids")
    if meeting_id is not None:
        existing_meeting(session, meeting_id)
        ids = [n.id for n in list_notes(session, meeting_id=meeting_id)]
        if not ids:
            raise InvalidInputError(
                f"meeting {meeting_id} has no thank-you notes; draft them first"
            )
        return ids
    if all_drafts:
        ids = [n.id for n in list_notes(session, status=ThanksStatus.DRAFT)]
        if not ids:
            raise InvalidInputError("there are no thank-you drafts to print")
        return ids
    return [n.id for n in existing_notes(session, note_ids)]


def prepare_pages(
    session: Session,
    note_ids: Sequence[int],
    *,
    template: str | None = None,
    now: datetime | None = None,
) -> Outcome[tuple[list[NotePage], list[int]]]:
    """The pages to print for these notes, and the ids of notes kept as the rep edited them.

    Every note prints its stored text, exactly as shown. Only when the rep picks `template` for
    this printing is a note not edited and not yet sent filled again from it, and stored that
    way, so what is printed is what is kept. A hand-edited note is printed as edited even when
    `template` is given; its id is returned so the caller can say so.
    """
    now = now or utcnow()
    today = local_today(session, now)
    style = settings.date_style(session)
    rep = rep_details(session)
    template_name = note_templates.get_template(session, template).name if template else None
    templates: dict[str, note_templates.TemplateInfo] = {}  # looked up once per name
    notes = existing_notes(session, note_ids)
    contacts = {
        c.id: c
        for c in session.scalars(
            select(Contact)
            .where(Contact.id.in_([n.contact_id for n in notes]))
            .options(selectinload(Contact.addresses), selectinload(Contact.company))
        )
    }
    kept: list[int] = []
    pages: list[NotePage] = []
    refilled = False
    for note in notes:
        contact = contacts[note.contact_id]
        if note.status != ThanksStatus.SENT.value and template_name is not None:
            if note.edited_at is None:
                name = template_name
                meeting = session.get_one(Meeting, note.meeting_id)
                if name not in templates:
                    templates[name] = note_templates.get_template(session, name)
                info = templates[name]
                note.template = info.name
                values = note_values(contact, meeting, rep, today=today, style=style)
                note.body = compose(info.body, values)
                refilled = True
            else:
                kept.append(note.id)
        recipient, has_address = _recipient_lines(contact)
        pages.append(
            NotePage(
                note_id=note.id,
                contact_name=contact.display_name,
                date_line=long_date(today, style),
                body=note.body,
                rep=rep,
                recipient=recipient,
                has_address=has_address,
                return_address=_return_lines(rep),
            )
        )
    session.flush()
    return Outcome((pages, kept), Changes(thanks=refilled))


_US = {"", "us", "usa", "u.s.", "u.s.a.", "united states", "united states of america"}


def format_address(address: ContactAddress) -> list[str]:
    """An address as envelope lines: street lines, then "City, ST 12345" in the US style or
    "12345 City" elsewhere, then the region and country where they add something."""
    lines = [line.strip() for line in address.street.splitlines() if line.strip()]
    city, region, postcode = address.city.strip(), address.region.strip(), address.postcode.strip()
    country = address.country.strip()
    if country.lower() in _US:
        state_zip = " ".join(p for p in (region, postcode) if p)
        town = ", ".join(part for part in (city, state_zip) if part)
        if town:
            lines.append(town)
        if country:
            lines.append(country.upper() if len(country) <= 4 else country)
    else:
        town = " ".join(part for part in (postcode, city) if part)
        if town:
            lines.append(town)
        if region:
            lines.append(region)
        lines.append(country)
    return [clean_line(line) for line in lines if clean_line(line)]


def _recipient_lines(contact: Contact) -> tuple[tuple[str, ...], bool]:
    lines = [clean_line(contact.display_name)]
    if contact.company is not None and contact.company.name:
        lines.append(clean_line(contact.company.name))
    addresses = sorted(contact.addresses, key=lambda a: a.position)
    for address in addresses:
        formatted = format_address(address)
        if formatted:
            return tuple(lines + formatted), True
    return tuple(lines), False


def address_lines(address: str) -> list[str]:
    """The rep's address as envelope lines: its own lines; an old one-line address at commas."""
    parts = address.splitlines() if "\n" in address else address.split(",")
    return [part.strip() for part in parts if part.strip()]


def _return_lines(rep: RepDetails) -> tuple[str, ...]:
    lines = [rep.name, rep.company, *address_lines(rep.address)]
    return tuple(line for line in lines if line)


@dataclass(frozen=True, slots=True)
class PrintJob:
    """What the print dialog shows when it opens, read in one transaction by `load_print_job`."""

    notes: tuple[ThanksView, ...]
    page_size: str


def load_print_job(session: Session, note_ids: Sequence[int]) -> PrintJob:
    """The notes about to print (those that still exist), in the order given, and the default
    paper."""
    found = list_notes(session, note_ids=list(note_ids))
    order = {note_id: i for i, note_id in enumerate(note_ids)}
    found.sort(key=lambda n: order.get(n.id, len(order)))
    return PrintJob(notes=tuple(found), page_size=settings.page_size(session))
