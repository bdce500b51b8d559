"""Thank-you notes: one plain-text draft per meeting attendee, then printed, then sent.

A note belongs to one attendee of one meeting; the database allows at most one per pair, and
`draft_for_meeting` never tries to add a second one. A draft's body is filled from a template
(`services.note_templates`) with the attendee's, the meeting's and the rep's details; the rep can
then edit each note on its own. What is stored is what is shown and what prints: printing never
fills a note again behind the rep's back. Instead, when a detail the templates use changes
(`put_setting`: a signature, say), every draft the rep has not edited is filled again and stored
in the same transaction, so the screen and the paper both show the new text. Bodies are plain
text throughout; names and titles typed by the rep or imported are data, never markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from relationship_crm.domain.bounds import MAX_ID, in_id_range
from relationship_crm.domain.changes import Changes, Outcome
from relationship_crm.domain.enums import ThanksStatus
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.domain.templating import check_template, fill_template
from relationship_crm.domain.text import clean_block, clean_line
from relationship_crm.domain.timefmt import FULL_DAY_NAMES, FULL_MONTH_NAMES
from relationship_crm.scheduling.zones import get_zone
from relationship_crm.services import meetings, note_templates, settings, team
from relationship_crm.services.common import existing_meeting, utcnow
from relationship_crm.services.note_templates import TemplateInfo
from relationship_crm.services.snapshots import RowValues, reinsert, row_values
from relationship_crm.storage.schema import Contact, ContactAddress, Meeting, ThankYouNote

#: Days after its meeting when a note still not sent shows in the Reminders panel.
UNSENT_AFTER_DAYS = 2

#: Longest note body accepted from the editor, in characters.
MAX_BODY_CHARS = 20_000


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


#: Settings the templates' placeholders (or the dates in them) are filled from.
TEMPLATE_SETTINGS = frozenset(
    {"rep_name", "rep_title", "rep_company", "signature", "date_style", "timezone"}
)


def put_setting(
    session: Session, key: str, value: str, *, now: datetime | None = None, for_team: bool = False
) -> Changes:
    """Store a setting (`settings.put`); when the templates use it, fill unedited drafts again.

    In one transaction, so a draft never shows one signature and prints another. `for_team`: the
    team's value of a personal setting, on a server database.
    """
    before = settings.get(session, key)
    changes = settings.put(session, key, value, team=for_team)
    if key in TEMPLATE_SETTINGS and settings.get(session, key) != before:
        changes = Changes.combined([changes, refill_drafts(session, now=now)])
    return changes


def refill_drafts(session: Session, *, now: datetime | None = None) -> Changes:
    """Fill every draft the rep has not edited again from its template with today's details."""
    now = now or utcnow()
    # On a team's server, a rep's details sign that rep's own drafts only.
    own = [ThankYouNote.created_by == team.current_rep(session)] if team.is_shared(session) else []
    notes = list(
        session.scalars(
            select(ThankYouNote).where(
                ThankYouNote.status == ThanksStatus.DRAFT.value,
                ThankYouNote.edited_at.is_(None),
                *own,
            )
        )
    )
    if not notes:
        return Changes()
    today = _today(session, now)
    rep, style = rep_details(session), settings.date_style(session)
    templates: dict[str, TemplateInfo] = {}  # looked up once per name
    changed = False
    for note in notes:
        if note.template not in templates:
            try:
                templates[note.template] = note_templates.get_template(session, note.template)
            except NotFoundError:
                continue  # its template was deleted: the draft keeps its text
        contact = session.get_one(Contact, note.contact_id)
        meeting = session.get_one(Meeting, note.meeting_id)
        values = note_values(contact, meeting, rep, today=today, style=style)
        body = compose(templates[note.template].body, values)
        if body != note.body:
            note.body = body
            changed = True
    session.flush()
    return Changes(thanks=changed)


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


@dataclass(frozen=True, slots=True)
class ThanksView:
    """A thank-you note with its recipient and meeting; instants are aware (UTC)."""

    id: int
    meeting_id: int
    contact_id: int
    contact_name: str
    status: ThanksStatus
    body: str
    drafted_at: datetime
    printed_at: datetime | None
    sent_at: datetime | None
    template: str = ""
    edited: bool = False
    meeting_title: str = ""
    meeting_day: date | None = None
    meeting_kind: str = ""


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


@dataclass(frozen=True, slots=True)
class ThanksDue:
    """A note still not sent some days after its meeting (for the Reminders panel)."""

    note_id: int
    contact_id: int
    contact_name: str
    meeting_id: int
    meeting_title: str
    meeting_day: date
    status: ThanksStatus
    days_since: int


def _today(session: Session, now: datetime) -> date:
    return now.astimezone(get_zone(settings.zone(session))).date()


def _fill(
    session: Session, template_name: str, contact: Contact, meeting: Meeting, today: date
) -> str:
    template = note_templates.get_template(session, template_name)
    values = note_values(
        contact, meeting, rep_details(session), today=today, style=settings.date_style(session)
    )
    return compose(template.body, values)


def draft_for_meeting(
    session: Session,
    meeting_id: int,
    *,
    now: datetime | None = None,
    contact_ids: Iterable[int] | None = None,
    template: str | None = None,
) -> Outcome[list[int]]:
    """Draft a thank-you note to each attendee of a meeting (or to the given attendees only).

    The text comes from `template`, else the template for the meeting's kind (after-lunch for
    a lunch...). Attendees who already have a note for this meeting (in any status) and
    attendees in the trash are skipped, so running this twice creates nothing the second time.
    Returns the ids of the new drafts, in attendee order. A contact in `contact_ids` who did not
    attend is an error.
    """
    now = now or utcnow()
    meeting = existing_meeting(session, meeting_id)
    chosen = note_templates.get_template(
        session, template or note_templates.default_template_name(meeting.kind)
    )
    attendees = [c for c in meeting.attendees if c.deleted_at is None]
    if contact_ids is not None:
        wanted = list(dict.fromkeys(contact_ids))
        present = {c.id for c in meeting.attendees}
        strangers = [cid for cid in wanted if cid not in present]
        if strangers:
            listed = ", ".join(str(cid) for cid in strangers)
            raise InvalidInputError(f"contact {listed} did not attend meeting {meeting_id}")
        attendees = [c for c in attendees if c.id in set(wanted)]
    already = set(
        session.scalars(
            select(ThankYouNote.contact_id).where(ThankYouNote.meeting_id == meeting_id)
        )
    )
    today = _today(session, now)
    # Settings are read once for all attendees, not once per note.
    rep, style = rep_details(session), settings.date_style(session)
    notes = [
        ThankYouNote(
            meeting_id=meeting_id,
            contact_id=contact.id,
            template=chosen.name,
            body=compose(chosen.body, note_values(contact, meeting, rep, today=today, style=style)),
            status=ThanksStatus.DRAFT.value,
            drafted_at=now,
            printed_at=None,
            sent_at=None,
            edited_at=None,
        )
        for contact in attendees
        if contact.id not in already
    ]
    session.add_all(notes)
    session.flush()
    return Outcome([n.id for n in notes], Changes(thanks=bool(notes)))


def parse_status(value: str | ThanksStatus) -> ThanksStatus:
    """A ThanksStatus from its name; the error lists the valid ones."""
    try:
        return ThanksStatus(str(value).strip().lower())
    except ValueError:
        valid = ", ".join(s.value for s in ThanksStatus)
        raise InvalidInputError(
            f"unknown note status {str(value)!r}; use one of: {valid}"
        ) from None


def list_notes(
    session: Session,
    *,
    status: str | ThanksStatus | None = None,
    meeting_id: int | None = None,
    contact_id: int | None = None,
    note_ids: Sequence[int] | None = None,
    statuses: Iterable[str | ThanksStatus] | None = None,
) -> list[ThanksView]:
    """Thank-you notes, oldest draft first; optionally filtered by status (or any of `statuses`),
    meeting, contact and ids.

    Notes to contacts in the trash are left out, as everywhere else.
    """
    query = (
        select(ThankYouNote, Contact.display_name, Meeting)
        .join(Contact, Contact.id == ThankYouNote.contact_id)
        .join(Meeting, Meeting.id == ThankYouNote.meeting_id)
        .where(Contact.deleted_at.is_(None))
    )
    if status is not None:
        query = query.where(ThankYouNote.status == parse_status(status).value)
    if statuses is not None:
        query = query.where(ThankYouNote.status.in_([parse_status(v).value for v in statuses]))
    if meeting_id is not None:
        query = query.where(ThankYouNote.meeting_id == min(meeting_id, MAX_ID))
    if contact_id is not None:
        query = query.where(ThankYouNote.contact_id == min(contact_id, MAX_ID))
    if note_ids is not None:
        query = query.where(ThankYouNote.id.in_([i for i in note_ids if in_id_range(i)]))
    query = query.order_by(ThankYouNote.drafted_at, ThankYouNote.id)
    return [
        ThanksView(
            id=note.id,
            meeting_id=note.meeting_id,
            contact_id=note.contact_id,
            contact_name=name,
            status=ThanksStatus(note.status),
            body=note.body,
            drafted_at=note.drafted_at,
            printed_at=note.printed_at,
            sent_at=note.sent_at,
            template=note.template,
            edited=note.edited_at is not None,
            meeting_title=meeting.title,
            meeting_day=meeting.starts_local.date(),
            meeting_kind=meeting.kind,
        )
        for note, name, meeting in session.execute(query)
    ]


def get_note(session: Session, note_id: int) -> ThanksView:
    """One note, or NotFoundError."""
    found = list_notes(session, note_ids=[note_id])
    if not found:
        raise NotFoundError(f"no thank-you note with id {note_id}")
    return found[0]


def _notes(session: Session, note_ids: Iterable[int]) -> list[ThankYouNote]:
    """The notes with these ids, in the order given; every missing id is named in one error."""
    wanted = list(dict.fromkeys(note_ids))
    if not wanted:
        raise InvalidInputError("no thank-you notes given")
    rows = {
        n.id: n
        for n in session.scalars(
            select(ThankYouNote)
            .join(Contact, Contact.id == ThankYouNote.contact_id)
            .where(
                ThankYouNote.id.in_([i for i in wanted if in_id_range(i)]),
                Contact.deleted_at.is_(None),
            )
        )
    }
    missing = [i for i in wanted if i not in rows]
    if missing:
        listed = ", ".join(str(i) for i in missing)
        raise NotFoundError(f"no thank-you note with id {listed}")
    return [rows[i] for i in wanted]


def update_body(
    session: Session, note_id: int, body: str, *, now: datetime | None = None
) -> Changes:
    """Replace a note's text with the rep's own (kept from then on; never re-filled).

    A sent note is history and cannot change. A printed note edited afterwards is a draft
    again, because the printed copy no longer matches it.
    """
    (note,) = _notes(session, [note_id])
    if note.status == ThanksStatus.SENT.value:
        raise InvalidInputError(f"thank-you note {note_id} was already sent; it cannot change")
    text = clean_block(body)
    if not text:
        raise InvalidInputError("a thank-you note needs some text")
    if len(text) > MAX_BODY_CHARS:
        raise InvalidInputError(
            f"the note is too long ({len(text)} characters; at most {MAX_BODY_CHARS})"
        )
    if text == note.body:
        return Changes()
    note.body = text
    note.edited_at = now or utcnow()
    note.status = ThanksStatus.DRAFT.value
    return Changes(thanks=True)


def redraft(
    session: Session,
    note_id: int,
    *,
    template: str | None = None,
    now: datetime | None = None,
) -> Changes:
    """Fill a note again from a template (its own when none is given), dropping hand edits."""
    now = now or utcnow()
    (note,) = _notes(session, [note_id])
    if note.status == ThanksStatus.SENT.value:
        raise InvalidInputError(f"thank-you note {note_id} was already sent; it cannot change")
    name = note_templates.get_template(session, template or note.template).name
    contact = session.get_one(Contact, note.contact_id)
    meeting = session.get_one(Meeting, note.meeting_id)
    note.template = name
    note.body = _fill(session, name, contact, meeting, _today(session, now))
    note.edited_at = None
    note.status = ThanksStatus.DRAFT.value
    return Changes(thanks=True)


def preview_template(
    session: Session, template_text: str, note_id: int | None = None, *, now: datetime | None = None
) -> str:
    """A template's text filled for one note's attendee and meeting (or made-up example data),
    for the template editor. Unknown placeholders are reported as on saving."""
    check_template(template_text)
    now = now or utcnow()
    today = _today(session, now)
    style = settings.date_style(session)
    rep = rep_details(session)
    if note_id is not None:
        (note,) = _notes(session, [note_id])
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


def mark_printed(
    session: Session, note_ids: Iterable[int], *, now: datetime | None = None
) -> Changes:
    """Record that these notes were printed (again); a sent note stays sent."""
    now = now or utcnow()
    for note in _notes(session, note_ids):
        note.printed_at = now
        if note.status == ThanksStatus.DRAFT.value:
            note.status = ThanksStatus.PRINTED.value
    return Changes(thanks=True)


def mark_sent(session: Session, note_ids: Iterable[int], *, now: datetime | None = None) -> Changes:
    """Record that these notes were sent (a handwritten note may skip printing).

    A note already sent keeps its first sent date.
    """
    now = now or utcnow()
    for note in _notes(session, note_ids):
        if note.status != ThanksStatus.SENT.value:
            note.status = ThanksStatus.SENT.value
            note.sent_at = now
    return Changes(thanks=True)


@dataclass(frozen=True, slots=True)
class DeletedNote:
    """A deleted thank-you note as it was stored, for `undelete_note`; names for messages."""

    values: RowValues
    contact_name: str
    meeting_title: str

    @property
    def id(self) -> int:
        return int(self.values["id"])

    @property
    def changes(self) -> Changes:
        return Changes(thanks=True)


def delete_note(session: Session, note_id: int) -> DeletedNote:
    """Delete a note (drafting the meeting again would write a new one); returns a snapshot
    that `undelete_note` puts back."""
    (note,) = _notes(session, [note_id])
    contact = session.get_one(Contact, note.contact_id)
    meeting = session.get_one(Meeting, note.meeting_id)
    snapshot = DeletedNote(row_values(note), contact.display_name, meeting.title)
    session.delete(note)
    session.flush()
    return snapshot


def undelete_note(session: Session, snapshot: DeletedNote) -> Changes:
    """Put a deleted note back as it was (same id when still free, same text and dates).

    Fails when its meeting or recipient is gone for good, or when a new note to the same
    attendee of the same meeting was drafted since (there is one note per attendee).
    """
    values = snapshot.values
    name = snapshot.contact_name
    if session.get(Meeting, values["meeting_id"]) is None:
        raise NotFoundError(f"the meeting of the note to {name} no longer exists")
    if session.get(Contact, values["contact_id"]) is None:
        raise NotFoundError(f"{name} no longer exists, so the note cannot come back")
    newer = session.scalar(
        select(ThankYouNote.id).where(
            ThankYouNote.meeting_id == values["meeting_id"],
            ThankYouNote.contact_id == values["contact_id"],
        )
    )
    if newer is not None:
        raise InvalidInputError(
            f"a newer thank-you note to {name} for this meeting exists (note {newer}); "
            "the deleted one was not brought back"
        )
    reinsert(session, ThankYouNote, values)
    return Changes(thanks=True)


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
    return [n.id for n in _notes(session, note_ids)]


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
    today = _today(session, now)
    style = settings.date_style(session)
    rep = rep_details(session)
    template_name = note_templates.get_template(session, template).name if template else None
    templates: dict[str, note_templates.TemplateInfo] = {}  # looked up once per name
    notes = _notes(session, note_ids)
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


def unsent_due(
    session: Session, *, now: datetime | None = None, zone: str | None = None
) -> list[ThanksDue]:
    """Notes not yet sent whose meeting was at least UNSENT_AFTER_DAYS days ago (local days).

    A meeting on Monday shows its unsent notes from Wednesday morning. Oldest meeting first.
    """
    now = now or utcnow()
    today = now.astimezone(get_zone(zone or settings.zone(session))).date()
    # Meetings store their own local wall-clock day; comparing with the rep's day is what a rep
    # means by "two days after".
    cutoff = today - timedelta(days=UNSENT_AFTER_DAYS)
    before = datetime.combine(cutoff + timedelta(days=1), datetime.min.time())
    rows = session.execute(
        select(ThankYouNote, Contact.display_name, Meeting)
        .join(Contact, Contact.id == ThankYouNote.contact_id)
        .join(Meeting, Meeting.id == ThankYouNote.meeting_id)
        .where(
            Contact.deleted_at.is_(None),
            ThankYouNote.status != ThanksStatus.SENT.value,
            # WallClock text sorts in time order; the day after the cutoff starts at midnight.
            Meeting.starts_local < before,
        )
        .order_by(Meeting.starts_local, Contact.sort_name, ThankYouNote.id)
    )
    return [
        ThanksDue(
            note_id=note.id,
            contact_id=note.contact_id,
            contact_name=name,
            meeting_id=meeting.id,
            meeting_title=meeting.title,
            meeting_day=meeting.starts_local.date(),
            status=ThanksStatus(note.status),
            days_since=(today - meeting.starts_local.date()).days,
        )
        for note, name, meeting in rows
    ]


def count_notes(session: Session, *, statuses: Iterable[str | ThanksStatus] | None = None) -> int:
    """How many notes to live contacts have one of `statuses` (all when None): a count of what
    `list_notes` lists, without reading the notes."""
    query = (
        select(func.count())
        .select_from(ThankYouNote)
        .join(Contact, Contact.id == ThankYouNote.contact_id)
        .where(Contact.deleted_at.is_(None))
    )
    if statuses is not None:
        query = query.where(ThankYouNote.status.in_([parse_status(v).value for v in statuses]))
    return int(session.scalar(query) or 0)


def unsent_due_first(
    session: Session, *, limit: int, now: datetime | None = None, zone: str | None = None
) -> tuple[list[ThanksDue], int]:
    """The first `limit` of `unsent_due` (same order) and how many there are in all.

    What the Reminders panel's box shows: a rep with thousands of late notes sees the oldest and
    the count, read as plain rows, not every note.
    """
    now = now or utcnow()
    today = now.astimezone(get_zone(zone or settings.zone(session))).date()
    cutoff = today - timedelta(days=UNSENT_AFTER_DAYS)
    before = datetime.combine(cutoff + timedelta(days=1), datetime.min.time())
    conditions = (
        Contact.deleted_at.is_(None),
        # "Not sent" as the statuses it is: SQLite then starts from the status index (the
        # unsent few) rather than from every contact.
        ThankYouNote.status.in_([v.value for v in ThanksStatus if v is not ThanksStatus.SENT]),
        Meeting.starts_local < before,
    )
    total = session.scalar(
        select(func.count())
        .select_from(ThankYouNote)
        .join(Contact, Contact.id == ThankYouNote.contact_id)
        .join(Meeting, Meeting.id == ThankYouNote.meeting_id)
        .where(*conditions)
    )
    rows = session.execute(
        select(
            ThankYouNote.id,
            ThankYouNote.contact_id,
            Contact.display_name,
            Meeting.id,
            Meeting.title,
            Meeting.starts_local,
            ThankYouNote.status,
        )
        .join(Contact, Contact.id == ThankYouNote.contact_id)
        .join(Meeting, Meeting.id == ThankYouNote.meeting_id)
        .where(*conditions)
        .order_by(Meeting.starts_local, Contact.sort_name, ThankYouNote.id)
        .limit(max(limit, 0))
    )
    first = [
        ThanksDue(
            note_id=note_id,
            contact_id=contact_id,
            contact_name=name,
            meeting_id=meeting_id,
            meeting_title=title,
            meeting_day=starts.date(),
            status=ThanksStatus(status),
            days_since=(today - starts.date()).days,
        )
        for note_id, contact_id, name, meeting_id, title, starts, status in rows
    ]
    return first, int(total or 0)


# --- what the thank-you windows show, each read in one transaction ---------------------------


def _window_order(note: ThanksView) -> tuple[date, int, str, int]:
    """Oldest meeting first; a meeting's notes by recipient."""
    return (note.meeting_day or date.min, note.meeting_id, note.contact_name.casefold(), note.id)


@dataclass(frozen=True, slots=True)
class NotesLoad:
    """What one refresh of the notes window shows, read in one transaction by `load_notes`."""

    notes: tuple[ThanksView, ...]
    templates: tuple[TemplateInfo, ...]
    meeting_title: str | None = None  # None without a meeting filter or when it was deleted


def load_notes(
    session: Session, statuses: frozenset[ThanksStatus] | None, meeting_id: int | None
) -> NotesLoad:
    """The notes with one of `statuses` (all when None), of one meeting when given, oldest
    meeting first; the templates; and the meeting's title."""
    found = list_notes(session, meeting_id=meeting_id, statuses=statuses)
    found.sort(key=_window_order)
    title: str | None = None
    if meeting_id is not None:
        try:
            title = meetings.get(session, meeting_id).title
        except NotFoundError:
            title = None
    return NotesLoad(tuple(found), tuple(note_templates.list_templates(session)), title)


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
