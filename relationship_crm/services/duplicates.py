"""Duplicate contacts already in the database: finding them, and merging them into one.

Two contacts are duplicates by the import's rules: the same email address, the same phone number
(E.164 form), or the same full name and company (folded). Duplicates chain: if A shares an email
with B and B a phone with C, the three are one group.

Merging keeps one contact and folds the others into it: their emails, phones, addresses and tags
are added, empty fields filled, notes appended; their meetings, follow-ups, gifts, research and
thank-you notes move to the kept contact. The others then go to the trash (restorable), so
nothing the rep wrote is lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.domain.records import ContactView
from relationship_crm.services import contacts
from relationship_crm.services.common import live_contact, utcnow
from relationship_crm.services.import_merge import clean_from_contact, combine, store_merge
from relationship_crm.storage.schema import (
    CampaignMember,
    Company,
    Contact,
    ContactEmail,
    ContactPhone,
    FollowUp,
    Gift,
    KeepInTouchRhythm,
    ResearchNote,
    ThankYouNote,
    TriggerEvent,
    meeting_attendees,
)


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Contacts that look like one person, oldest first, and why ("same email a@b.com")."""

    contact_ids: tuple[int, ...]
    names: tuple[str, ...]
    reason: str


def find_duplicates(session: Session) -> list[DuplicateGroup]:
    """Every group of two or more live contacts that match, biggest groups first."""
    live = Contact.deleted_at.is_(None)
    parent: dict[int, int] = {}
    why: dict[int, str] = {}

    def root(cid: int) -> int:
        while parent.setdefault(cid, cid) != cid:
            parent[cid] = parent[parent[cid]]
            cid = parent[cid]
        return cid

    def join(ids: list[int], reason: str) -> None:
        first = root(ids[0])
        for other in ids[1:]:
            top = root(other)
            if top != first:
                low, high = sorted((first, top))
                parent[high] = low
                why.setdefault(low, why.get(high, reason))
                first = low

    def by_key(rows: Sequence[tuple[str, int]], describe: str) -> None:
        groups: dict[str, list[int]] = {}
        for key, cid in rows:
            if key:
                groups.setdefault(key, []).append(cid)
        for key, ids in groups.items():
            unique = sorted(set(ids))
            if len(unique) > 1:
                join(unique, describe.format(key))

    by_key(
        session.execute(
            select(ContactEmail.value_key, ContactEmail.contact_id)
            .join(Contact, Contact.id == ContactEmail.contact_id)
            .where(live)
        ).all(),
        "same email {}",
    )
    by_key(
        session.execute(
            select(ContactPhone.value_key, ContactPhone.contact_id)
            .join(Contact, Contact.id == ContactPhone.contact_id)
            .where(live)
        ).all(),
        "same phone {}",
    )
    identities = session.execute(
        select(Contact.sort_name, Company.name_key, Contact.id)
        .outerjoin(Company, Company.id == Contact.company_id)
        .where(live)
    ).all()
    by_key(
        [(f"{name}\x00{company or ''}", cid) for name, company, cid in identities],
        "same name and company",
    )
    members: dict[int, list[int]] = {}
    for cid in list(parent):
        members.setdefault(root(cid), []).append(cid)
    wanted = [sorted(ids) for ids in members.values() if len(ids) > 1]
    names = dict(
        session.execute(
            select(Contact.id, Contact.display_name).where(
                Contact.id.in_([cid for ids in wanted for cid in ids][:30_000])
            )
        ).all()
    )
    found = [
        DuplicateGroup(
            contact_ids=tuple(ids),
            names=tuple(names.get(cid, "") for cid in ids),
            reason=why.get(ids[0], "same details").replace("\x00", " "),
        )
        for ids in wanted
    ]
    found.sort(key=lambda g: (-len(g.contact_ids), g.contact_ids[0]))
    return found


def merge_contacts(
    session: Session, keep_id: int, other_ids: Sequence[int], *, now: datetime | None = None
) -> Changes:
    """Fold `other_ids` into `keep_id` (see the module text); the others go to the trash."""
    now = now or utcnow()
    others = [cid for cid in dict.fromkeys(other_ids) if cid != keep_id]
    if not others:
        raise InvalidInputError("choose at least one other contact to merge into this one")
    keep = live_contact(session, keep_id)
    loaded = []
    for cid in others:
        try:
            loaded.append(live_contact(session, cid))
        except NotFoundError:
            raise NotFoundError(f"no contact with id {cid} to merge") from None
    before = clean_from_contact(keep)
    after = before
    for other in loaded:
        after = combine(after, clean_from_contact(other))
    if after != before:
        store_merge(session, keep, before, after, now=now)
    _move_records(session, keep_id, others)
    for other in loaded:
        other.deleted_at = now
        other.updated_at = now
    keep.updated_at = now
    session.flush()
    contacts.reindex(session, [keep_id, *others])
    return replace(Changes.everything(), settings=False)  # all but the settings


def _move_records(session: Session, keep_id: int, others: list[int]) -> None:
    """Meetings, follow-ups, gifts, research, notes and trigger events of `others` now belong to
    `keep_id`."""
    session.flush()
    attended = set(
        session.scalars(
            select(meeting_attendees.c.meeting_id).where(meeting_attendees.c.contact_id == keep_id)
        )
    )
    for meeting_id, contact_id in session.execute(
        select(meeting_attendees.c.meeting_id, meeting_attendees.c.contact_id).where(
            meeting_attendees.c.contact_id.in_(others)
        )
    ).all():
        condition = (meeting_attendees.c.meeting_id == meeting_id) & (
            meeting_attendees.c.contact_id == contact_id
        )
        if meeting_id in attended:
            session.execute(delete(meeting_attendees).where(condition))
        else:
            attended.add(meeting_id)
            session.execute(update(meeting_attendees).where(condition).values(contact_id=keep_id))
    # One thank-you note per meeting and person: the kept contact's own note wins a clash.
    noted = set(
        session.scalars(select(ThankYouNote.meeting_id).where(ThankYouNote.contact_id == keep_id))
    )
    for note in session.scalars(select(ThankYouNote).where(ThankYouNote.contact_id.in_(others))):
        if note.meeting_id in noted:
            session.delete(note)
        else:
            noted.add(note.meeting_id)
            note.contact_id = keep_id
    for model in (FollowUp, Gift, ResearchNote, TriggerEvent):
        session.execute(
            update(model).where(model.contact_id.in_(others)).values(contact_id=keep_id)
        )
    _move_campaign_ties(session, keep_id, others)
    session.expire_all()


def _move_campaign_ties(session: Session, keep_id: int, others: list[int]) -> None:
    """Campaign memberships, the campaign opt-out and the keep-in-touch rule of `others` go to
    `keep_id` (issues 15 and 16). One membership per campaign: on a clash the kept contact's
    stays and the other's stays with the merged contact in the trash, nothing deleted. An
    opt-out by any of them holds for the kept contact; the kept contact's own rhythm wins."""
    member_of = set(
        session.scalars(
            select(CampaignMember.campaign_id).where(CampaignMember.contact_id == keep_id)
        )
    )
    for member in session.scalars(
        select(CampaignMember).where(CampaignMember.contact_id.in_(others))
    ):
        if member.campaign_id not in member_of:
            member_of.add(member.campaign_id)
            member.contact_id = keep_id
    opted_out = session.scalar(
        select(func.count())
        .select_from(Contact)
        .where(Contact.id.in_(others), Contact.campaign_opt_out.is_(True))
    )
    if opted_out:
        session.execute(update(Contact).where(Contact.id == keep_id).values(campaign_opt_out=True))
    rules = session.scalars(
        select(KeepInTouchRhythm).where(KeepInTouchRhythm.contact_id.in_([keep_id, *others]))
    ).all()
    if rules and not any(rule.contact_id == keep_id for rule in rules):
        moved = rules[0]
        moved.contact_id = keep_id
        moved.key = str(keep_id)
    session.flush()


def load_group(session: Session, ids: Sequence[int]) -> tuple[ContactView, ...]:
    """Every contact of a group, in the group's order (oldest first); NotFoundError when one
    is gone."""
    return tuple(contacts.get(session, cid) for cid in ids)
