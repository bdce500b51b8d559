"""Campaign letters after they are written: a hand edit, printing, sending, address labels.

What is stored is what prints: a member's letter is printed exactly as it stands, with the rep's
letterhead and the member's envelope address (as thank-you notes are,
`services.thanks_printing`). A letter goes draft -> printed -> sent; a printed one edited
afterwards is a draft again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from relationship_crm.domain import bounds
from relationship_crm.domain.changes import Changes, Outcome
from relationship_crm.domain.enums import ThanksStatus
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.text import clean_block, clean_line
from relationship_crm.scheduling.zones import get_zone
from relationship_crm.services import settings
from relationship_crm.services.campaigns import SegmentMember, campaign_row, member_row
from relationship_crm.services.common import utcnow
from relationship_crm.services.thanks_printing import NotePage, address_lines, format_address
from relationship_crm.services.thanks_text import long_date, rep_details
from relationship_crm.storage.schema import CampaignMember, Contact

#: Longest letter, in characters.
MAX_LETTER_CHARS = 20_000


def update_letter(
    session: Session,
    campaign_id: int,
    contact_id: int,
    body: str,
    *,
    now: datetime | None = None,
) -> Changes:
    """Replace a member's letter with the rep's text (printed exactly so, never re-filled).

    A sent letter cannot change; a printed one edited afterwards is a draft again.
    """
    member = member_row(session, campaign_id, contact_id)
    if member.status == ThanksStatus.SENT.value:
        raise InvalidInputError(f"the letter to contact {contact_id} was already sent")
    text = clean_block(body)
    if not text:
        raise InvalidInputError("a letter needs some text")
    bounds.check_length(text, "the letter", MAX_LETTER_CHARS)
    if text == member.body:
        return Changes()
    member.body = text
    member.edited_at = now or utcnow()
    member.status = ThanksStatus.DRAFT.value
    return Changes(campaigns=True)


def member_letter(session: Session, campaign_id: int, contact_id: int) -> str:
    """A member's letter text, as it prints."""
    return member_row(session, campaign_id, contact_id).body


# --- letters: print and send -------------------------------------------------------------------


def recipient_lines(contact: Contact) -> tuple[tuple[str, ...], bool]:
    lines = [clean_line(contact.display_name)]
    if contact.company is not None and contact.company.name:
        lines.append(clean_line(contact.company.name))
    for address in sorted(contact.addresses, key=lambda a: a.position):
        formatted = format_address(address)
        if formatted:
            return tuple(lines + formatted), True
    return tuple(lines), False


def members_with_contacts(
    session: Session, campaign_id: int
) -> list[tuple[CampaignMember, Contact]]:
    campaign_row(session, campaign_id)
    rows = session.execute(
        select(CampaignMember, Contact)
        .join(Contact, Contact.id == CampaignMember.contact_id)
        .where(CampaignMember.campaign_id == campaign_id)
        .options(selectinload(Contact.addresses), selectinload(Contact.company))
        .order_by(Contact.sort_name, Contact.id)
    )
    return [(member, contact) for member, contact in rows]


def letter_pages(
    session: Session, campaign_id: int, *, now: datetime | None = None
) -> list[NotePage]:
    """Every member's letter as printed: the stored text exactly, with letterhead and envelope.

    `note_id` of each page is the member's contact id.
    """
    now = now or utcnow()
    rep = rep_details(session)
    today = now.astimezone(get_zone(settings.zone(session))).date()
    date_line = long_date(today, settings.date_style(session))
    back = tuple(line for line in (rep.name, rep.company, *address_lines(rep.address)) if line)
    pages = []
    for member, contact in members_with_contacts(session, campaign_id):
        recipient, has_address = recipient_lines(contact)
        pages.append(
            NotePage(
                note_id=contact.id,
                contact_name=contact.display_name,
                date_line=date_line,
                body=member.body,
                rep=rep,
                recipient=recipient,
                has_address=has_address,
                return_address=back,
            )
        )
    return pages


def mark_printed(session: Session, campaign_id: int, *, now: datetime | None = None) -> Changes:
    """Record that the campaign's letters were printed; a sent letter stays sent."""
    now = now or utcnow()
    for member in campaign_row(session, campaign_id).members:
        member.printed_at = now
        if member.status == ThanksStatus.DRAFT.value:
            member.status = ThanksStatus.PRINTED.value
    return Changes(campaigns=True)


def mark_sent(session: Session, campaign_id: int, *, now: datetime | None = None) -> Outcome[int]:
    """Move the printed letters to sent; returns how many moved."""
    now = now or utcnow()
    moved = 0
    for member in campaign_row(session, campaign_id).members:
        if member.status == ThanksStatus.PRINTED.value:
            member.status = ThanksStatus.SENT.value
            member.sent_at = now
            moved += 1
    return Outcome(moved, Changes(campaigns=moved > 0))


@dataclass(frozen=True, slots=True)
class Label:
    """One address label: the member and the lines printed on it."""

    contact_id: int
    contact_name: str
    lines: tuple[str, ...]


def labels(session: Session, campaign_id: int) -> tuple[list[Label], list[SegmentMember]]:
    """Address labels for the members with a postal address, and the members without one."""
    found: list[Label] = []
    skipped: list[SegmentMember] = []
    for _member_row, contact in members_with_contacts(session, campaign_id):
        lines, has_address = recipient_lines(contact)
        if has_address:
            found.append(Label(contact.id, contact.display_name, lines))
        else:
            company = contact.company.name if contact.company is not None else ""
            skipped.append(SegmentMember(contact.id, contact.display_name, company, "", False))
    return found, skipped
