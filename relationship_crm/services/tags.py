"""Tags as the rep's own labels: the list with how many contacts carry each, and corrections
across the whole book: a tag renamed (or made one with another spelling) and a tag deleted.

A tag is made when a contact is first given it (`contacts.update`, an import); a typo ("vpi")
would otherwise stay on every contact it was given to. The contact list's tag cell follows by the
database's triggers (storage.list_cells), the search index is refreshed for the contacts
concerned, and a keep-in-touch rhythm set for the tag (keyed by its folded name) goes with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import Session

from relationship_crm.domain.text import fold
from relationship_crm.services import contacts
from relationship_crm.services.common import unknown_name
from relationship_crm.services.contact_fields import normalize_tag
from relationship_crm.storage.schema import Contact, KeepInTouchRhythm, Tag, contact_tags


@dataclass(frozen=True, slots=True)
class TagRow:
    """A tag in the list: its contacts (those in the trash counted apart) and whether a
    keep-in-touch rhythm is set for it."""

    name: str
    contacts: int
    trashed: int
    rhythm: bool


@dataclass(frozen=True, slots=True)
class TagChange:
    """What a rename or a deletion did: the tag's name before and after (`None`: deleted),
    whether it was made one with a tag that already had the new name, and how many contacts
    (in the trash too) it concerned."""

    old: str
    new: str | None
    merged: bool
    contacts: int


def list_tags(session: Session) -> list[TagRow]:
    """Every tag by name, with its number of live contacts (and of those in the trash)."""
    counts = (
        select(
            contact_tags.c.tag_id,
            func.count(Contact.id).label("all"),
            func.count(Contact.deleted_at).label("trashed"),
        )
        .join(Contact, Contact.id == contact_tags.c.contact_id)
        .group_by(contact_tags.c.tag_id)
        .subquery()
    )
    rules = set(
        session.scalars(select(KeepInTouchRhythm.key).where(KeepInTouchRhythm.scope == "tag"))
    )
    query = (
        select(
            Tag.name,
            Tag.name_key,
            func.coalesce(counts.c.all, 0),
            func.coalesce(counts.c.trashed, 0),
        )
        .outerjoin(counts, counts.c.tag_id == Tag.id)
        .order_by(Tag.name_key, Tag.id)
    )
    return [
        TagRow(name, int(total) - int(trashed), int(trashed), key in rules)
        for name, key, total, trashed in session.execute(query)
    ]


def _existing(session: Session, name: str) -> Tag:
    """The tag named `name` (any case or accents); an unknown name suggests close ones."""
    clean = normalize_tag(name)
    tag = session.scalar(select(Tag).where(Tag.name_key == fold(clean)))
    if tag is not None:
        return tag
    names = dict(session.execute(select(Tag.name_key, Tag.name)).all())
    raise unknown_name("tag", clean, names, shown_max=60)


def _holders(session: Session, tag_id: int) -> list[int]:
    return list(
        session.scalars(select(contact_tags.c.contact_id).where(contact_tags.c.tag_id == tag_id))
    )


def rename(session: Session, old: str, new: str) -> TagChange:
    """Give a tag a new name on every contact that has it.

    The new name in another case or spacing respells the tag. A name another tag already has
    (in any case or accents) makes the two one: contacts with either keep one tag of that name,
    and a rhythm set for the old tag moves to it unless it has its own.
    """
    tag = _existing(session, old)
    before = tag.name
    clean = normalize_tag(new)
    key = fold(clean)
    holders = _holders(session, tag.id)
    target = session.scalar(select(Tag).where(Tag.name_key == key, Tag.id != tag.id))
    old_rule = session.scalar(
        select(KeepInTouchRhythm).where(
            KeepInTouchRhythm.scope == "tag", KeepInTouchRhythm.key == tag.name_key
        )
    )
    if clean == before:
        return TagChange(before, clean, False, len(holders))  # nothing to change
    if target is None:
        if old_rule is not None and key != tag.name_key:
            old_rule.key = key
        tag.name, tag.name_key = clean, key
        session.flush()  # the triggers write each holder's tag cell
        contacts.reindex(session, holders)
        return TagChange(before, clean, False, len(holders))
    # Made one with `target`: its holders keep it; the others are given it instead.
    both = select(contact_tags.c.contact_id).where(contact_tags.c.tag_id == target.id)
    session.execute(
        update(contact_tags)
        .where(and_(contact_tags.c.tag_id == tag.id, contact_tags.c.contact_id.not_in(both)))
        .values(tag_id=target.id)
    )
    session.execute(delete(contact_tags).where(contact_tags.c.tag_id == tag.id))
    if old_rule is not None:
        has_own = session.scalar(
            select(KeepInTouchRhythm.id).where(
                KeepInTouchRhythm.scope == "tag", KeepInTouchRhythm.key == target.name_key
            )
        )
        if has_own is None:
            old_rule.key = target.name_key
        else:
            session.delete(old_rule)
    session.delete(tag)
    session.flush()
    contacts.reindex(session, holders)
    return TagChange(before, target.name, True, len(holders))


def delete_tag(session: Session, name: str) -> TagChange:
    """Take a tag off every contact and delete it, with a rhythm set for it."""
    tag = _existing(session, name)
    holders = _holders(session, tag.id)
    session.execute(delete(contact_tags).where(contact_tags.c.tag_id == tag.id))
    session.execute(
        delete(KeepInTouchRhythm).where(
            KeepInTouchRhythm.scope == "tag", KeepInTouchRhythm.key == tag.name_key
        )
    )
    change = TagChange(tag.name, None, False, len(holders))
    session.delete(tag)
    session.flush()
    contacts.reindex(session, holders)
    return change
