"""Thank-you drafts: one per attendee after a meeting, then the rep's edits and re-drafts.

A note belongs to one attendee of one meeting; the database allows at most one per pair, and
`draft_for_meeting` never tries to add a second one. A draft's body is filled from a template
(`services.note_templates`, filled in by `services.thanks_text`) with the attendee's, the
meeting's and the rep's details; the rep can then edit each note on its own. What is stored is
what is shown and what prints: printing never fills a note again behind the rep's back. Instead,
when a detail the templates use changes (`put_setting`: a signature, say), every draft the rep
has not edited is filled again and stored in the same transaction, so the screen and the paper
both show the new text.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes, Outcome
from relationship_crm.domain.enums import ThanksStatus
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.domain.text import clean_block
from relationship_crm.services import note_templates, settings, team
from relationship_crm.services.common import existing_meeting, utcnow
from relationship_crm.services.note_templates import TemplateInfo
from relationship_crm.services.thanks import existing_notes
from relationship_crm.services.thanks_text import compose, local_today, note_values, rep_details
from relationship_crm.storage.schema import Contact, Meeting, ThankYouNote

#: Longest note body accepted from the editor, in characters.
MAX_BODY_CHARS = 20_000


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
    today = local_today(session, now)
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
    today = local_today(session, now)
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


def update_body(
    session: Session, note_id: int, body: str, *, now: datetime | None = None
) -> Changes:
    """Replace a note's text with the rep's own (kept from then on; never re-filled).

    A sent note is history and cannot change. A printed note edited afterwards is a draft
    again, because the printed copy no longer matches it.
    """
    (note,) = existing_notes(session, [note_id])
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
    (note,) = existing_notes(session, [note_id])
    if note.status == ThanksStatus.SENT.value:
        raise InvalidInputError(f"thank-you note {note_id} was already sent; it cannot change")
    name = note_templates.get_template(session, template or note.template).name
    contact = session.get_one(Contact, note.contact_id)
    meeting = session.get_one(Meeting, note.meeting_id)
    note.template = name
    note.body = _fill(session, name, contact, meeting, local_today(session, now))
    note.edited_at = None
    note.status = ThanksStatus.DRAFT.value
    return Changes(thanks=True)
