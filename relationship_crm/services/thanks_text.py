"""What a thank-you note says: the rep's details, dates written out, and a template filled in.

`note_values` is the value of every placeholder for one attendee of one meeting
(`example_values` made-up ones, for the template editor's preview) and `compose` fills a
template with them. Bodies are plain text throughout; names and titles typed by the rep or
imported are data, never markup. Campaign letters (`services.campaign_merge`) are written with
the same details, dates and closing line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from relationship_crm.domain.templating import check_template, fill_template
from relationship_crm.domain.text import clean_line
from relationship_crm.domain.timefmt import FULL_DAY_NAMES, FULL_MONTH_NAMES
from relationship_crm.scheduling.zones import get_zone
from relationship_crm.services import settings
from relationship_crm.services.common import utcnow
from relationship_crm.services.thanks import existing_notes
from relationship_crm.storage.schema import Contact, Meeting


def long_date(day: date, style: str, *, with_year: bool = True) -> str:
    """A date written out: "November 20, 2026" (us) or "20 November 2026" (international)."""
    month = FULL_MONTH_NAMES[day.month - 1]
    if style == "us":
        return f"{month} {day.day}, {day.year}" if with_year else f"{month} {day.day}"
    return f"{day.day} {month} {day.year}" if with_year else f"{day.day} {month}"


@dataclass(frozen=True, slots=True)
class RepDetails:
    """Who the notes are from, as set in Settings (any of it may be empty)."""

    name: str = ""
    title: str = ""
    company: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    signature: str = ""

    @property
    def sign_off(self) -> str:
        """How the rep signs: the signature setting, else the rep's name."""
        return self.signature or self.name


def rep_details(session: Session) -> RepDetails:
    """The rep's details from Settings."""
    stored = settings.all_settings(session)
    return RepDetails(
        name=stored.get("rep_name", ""),
        title=stored.get("rep_title", ""),
        company=stored.get("rep_company", ""),
        address=stored.get("rep_address", ""),
        phone=stored.get("rep_phone", ""),
        email=stored.get("rep_email", ""),
        signature=stored.get("signature", ""),
    )


# A closing line such as "Warm regards," or "With best wishes,".
_CLOSING = re.compile(
    r"[^\n,]{0,30}\b(regards|wishes|thanks|thank you|sincerely|best|cheers|yours|faithfully|"
    r"truly|warmly|cordially)\b[^\n,]{0,20},",
    re.IGNORECASE,
)


def compose(template_body: str, values: dict[str, str]) -> str:
    """A template filled with `values`; a signature that brings its own closing ("Warm regards,
    Sam") replaces the template's closing line instead of following it."""
    body = fill_template(template_body, values)
    signature = values.get("signature", "").strip()
    if not signature or not _CLOSING.match(signature):
        return body
    at = body.rfind(signature)
    if at < 0:
        return body
    before = body[:at].rstrip()
    head, _, last = before.rpartition("\n")
    if _CLOSING.fullmatch(last.strip()):
        return head.rstrip() + "\n\n" + body[at:]
    return body


def note_values(
    contact: Contact, meeting: Meeting, rep: RepDetails, *, today: date, style: str
) -> dict[str, str]:
    """The value of every template placeholder for one attendee of one meeting.

    Fallbacks: no first name -> the full name; no signature -> the rep's name. The meeting's date
    leaves out the year when it is this year.
    """
    full_name = clean_line(contact.display_name)
    meeting_day = meeting.starts_local.date()
    return {
        "first_name": clean_line(contact.given_name) or full_name,
        "last_name": clean_line(contact.family_name),
        "full_name": full_name,
        "company": clean_line(contact.company.name) if contact.company is not None else "",
        "job_title": clean_line(contact.title),
        "meeting_title": clean_line(meeting.title),
        "meeting_date": long_date(meeting_day, style, with_year=meeting_day.year != today.year),
        "meeting_weekday": FULL_DAY_NAMES[meeting_day.weekday()],
        "meeting_kind": meeting.kind,
        "meeting_location": clean_line(meeting.location),
        "rep_name": rep.name,
        "rep_title": rep.title,
        "rep_company": rep.company,
        "signature": rep.sign_off,
        "date": long_date(today, style),
    }


def local_today(session: Session, now: datetime) -> date:
    """The rep's day (in the time zone set in Settings) at the instant `now`."""
    return now.astimezone(get_zone(settings.zone(session))).date()


def preview_template(
    session: Session, template_text: str, note_id: int | None = None, *, now: datetime | None = None
) -> str:
    """A template's text filled for one note's attendee and meeting (or made-up example data),
    for the template editor. Unknown placeholders are reported as on saving."""
    check_template(template_text)
    now = now or utcnow()
    today = local_today(session, now)
    style = settings.date_style(session)
    rep = rep_details(session)
    if note_id is not None:
        (note,) = existing_notes(session, [note_id])
        contact = session.get_one(Contact, note.contact_id)
        meeting = session.get_one(Meeting, note.meeting_id)
        values = note_values(contact, meeting, rep, today=today, style=style)
    else:
        values = example_values(rep, today=today, style=style)
    return compose(template_text, values)


def example_values(rep: RepDetails, *, today: date, style: str) -> dict[str, str]:
    """Made-up attendee and meeting details for previewing a template without a real note."""
    meeting_day = today - timedelta(days=1)
    return {
        "first_name": "Jane",
        "last_name": "Doe",
        "full_name": "Jane Doe",
        "company": "Acme Corp",
        "job_title": "Head of Operations",
        "meeting_title": "Q3 planning",
        "meeting_date": long_date(meeting_day, style, with_year=False),
        "meeting_weekday": FULL_DAY_NAMES[meeting_day.weekday()],
        "meeting_kind": "meeting",
        "meeting_location": "Acme's offices",
        "rep_name": rep.name,
        "rep_title": rep.title,
        "rep_company": rep.company,
        "signature": rep.sign_off,
        "date": long_date(today, style),
    }
