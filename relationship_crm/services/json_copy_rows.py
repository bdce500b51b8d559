"""Reading a JSON copy into the database: the records that hang off contacts and meetings.

Meetings, research notes, trigger events, follow-ups, thank-you notes, gifts, note templates and
campaigns, each with the copy's ids mapped to the ones given here. A record is skipped when one
with the same natural key was here before the import (two records of one copy are distinct
even when they look alike); `json_copy_import` reads the rest of the copy and calls these.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session

from relationship_crm.services.json_copy_reading import (
    DocPath,
    items_of,
    list_of,
    optional_id,
    values_of,
)
from relationship_crm.storage.schema import (
    Campaign,
    CampaignMember,
    FollowUp,
    FollowUpCompletion,
    Gift,
    Meeting,
    NoteTemplate,
    ResearchNote,
    ThankYouNote,
    TriggerEvent,
    meeting_attendees,
)


class RowImporter:
    """The records that hang off contacts and meetings, with old ids mapped to new ones."""

    def __init__(
        self,
        session: Session,
        contact_ids: dict[int, int],
        company_ids: dict[int, int],
        added: dict[str, int],
        skipped: dict[str, int],
    ) -> None:
        self.session = session
        self.contact_ids = contact_ids
        self.company_ids = company_ids
        self.meeting_ids: dict[int, int] = {}
        self.event_ids: dict[int, int] = {}
        self.follow_up_ids: dict[int, int] = {}
        self.added = added
        self.skipped = skipped
        # Only rows that were here before this import count as "already there": two records of
        # one copy are distinct even when they look alike.
        self.before = {
            model: session.scalar(select(func.max(model.id))) or 0
            for model in (
                Meeting,
                ResearchNote,
                TriggerEvent,
                FollowUp,
                ThankYouNote,
                Gift,
                Campaign,
            )
        }
        self.used: dict[type[DeclarativeBase], set[object]] = {}

    def _map(
        self, ids: dict[int, int], what: str, path: DocPath
    ) -> Callable[[int | None], int | None]:
        def remap(old: int | None) -> int | None:
            if old is None:
                return None
            if old not in ids:
                raise path.fail(f"refers to {what} {old}, which is not in the copy")
            return ids[old]

        return remap

    def _refs(self, path: DocPath, *keys: str) -> dict[str, Callable[[int | None], int | None]]:
        """Remappers for these foreign-key columns (contact_id, company_id, meeting_id)."""
        tables = {
            "contact_id": (self.contact_ids, "contact"),
            "company_id": (self.company_ids, "company"),
            "meeting_id": (self.meeting_ids, "meeting"),
            "trigger_event_id": (self.event_ids, "trigger event"),
        }
        return {k: self._map(tables[k][0], tables[k][1], path / k) for k in keys}

    def _count(self, key: str, added: bool) -> None:
        target = self.added if added else self.skipped
        target[key] = target.get(key, 0) + 1

    def _existing(
        self, model: type[DeclarativeBase], values: Mapping[str, object], keys: Sequence[str]
    ) -> Any:
        query = select(model)
        if model in self.before:
            query = query.where(model.id <= self.before[model])
        for key in keys:
            column = getattr(model, key)
            value = values.get(key)
            query = query.where(column.is_(None) if value is None else column == value)
        # Each row here stands for one record of the copy: look-alikes pair up one to one.
        used = self.used.setdefault(model, set())
        for found in self.session.scalars(query.limit(100)):
            identity = self.session.identity_key(instance=found)
            if identity not in used:
                used.add(identity)
                return found
        return None

    def _add(
        self,
        key: str,
        model: type[DeclarativeBase],
        values: dict[str, object],
        natural: Sequence[str],
        path: DocPath,
    ) -> Any:
        found = self._existing(model, values, natural)
        self._count(key, found is None)
        if found is not None:
            return found
        obj = model(**values)
        self.session.add(obj)
        self._flush(path)
        return obj

    def _flush(self, path: DocPath) -> None:
        try:
            self.session.flush()
        except IntegrityError as error:
            raise path.fail(f"the database refuses it ({error.orig})") from None

    def meetings(self, document: Mapping[str, Any]) -> None:
        for path, row in items_of(document, "meetings"):
            values = values_of(Meeting, row, path)
            values["title"] = " ".join(str(values.get("title", "")).split()) or "(untitled)"
            meeting = self._add(
                "meetings", Meeting, values, ("starts_at", "kind", "title", "created_at"), path
            )
            old = optional_id(row, "id", path)
            if old is not None:
                self.meeting_ids[old] = meeting.id
            attendees = list_of(row, "attendee_ids", path)
            have = set(
                self.session.scalars(
                    select(meeting_attendees.c.contact_id).where(
                        meeting_attendees.c.meeting_id == meeting.id
                    )
                )
            )
            remap = self._map(self.contact_ids, "contact", path / "attendee_ids")
            for old_contact in attendees:
                if not isinstance(old_contact, int) or isinstance(old_contact, bool):
                    raise (path / "attendee_ids").fail("must be a list of whole numbers")
                cid = remap(old_contact)
                if cid is not None and cid not in have:
                    have.add(cid)
                    self.session.execute(
                        insert(meeting_attendees).values(meeting_id=meeting.id, contact_id=cid)
                    )

    def research(self, document: Mapping[str, Any]) -> None:
        for path, row in items_of(document, "research_notes"):
            values = values_of(
                ResearchNote,
                row,
                path,
                remap=self._refs(path, "contact_id", "company_id", "meeting_id"),
            )
            self._add(
                "research_notes",
                ResearchNote,
                values,
                ("contact_id", "company_id", "meeting_id", "noted_at", "text"),
                path,
            )

    def trigger_events(self, document: Mapping[str, Any]) -> None:
        for path, row in items_of(document, "trigger_events"):
            values = values_of(
                TriggerEvent, row, path, remap=self._refs(path, "contact_id", "company_id")
            )
            if (values.get("contact_id") is None) == (values.get("company_id") is None):
                raise path.fail("must be about exactly one company or one contact")
            natural = ("company_id", "contact_id", "kind", "happened_on", "created_at")
            event = self._add("trigger_events", TriggerEvent, values, natural, path)
            old = optional_id(row, "id", path)
            if old is not None:
                self.event_ids[old] = event.id

    def follow_ups(self, document: Mapping[str, Any]) -> None:
        for path, row in items_of(document, "follow_ups"):
            values = values_of(
                FollowUp,
                row,
                path,
                remap=self._refs(path, "contact_id", "meeting_id", "trigger_event_id"),
            )
            if values.get("contact_id") is None:
                raise (path / "contact_id").fail("must name the contact")
            found = self._existing(FollowUp, values, ("contact_id", "created_at", "note"))
            self._count("follow_ups", found is None)
            old = optional_id(row, "id", path)
            if found is not None:
                if old is not None:
                    self.follow_up_ids[old] = found.id
                continue
            follow_up = FollowUp(**values)
            self.session.add(follow_up)
            self._flush(path)
            if old is not None:
                self.follow_up_ids[old] = follow_up.id
            for i, item in enumerate(list_of(row, "completions", path)):
                at = path / "completions" / i
                if not isinstance(item, dict):
                    raise at.fail("must be an object")
                done = values_of(FollowUpCompletion, item, at)
                done["follow_up_id"] = follow_up.id
                self.session.add(FollowUpCompletion(**done))

    def thanks(self, document: Mapping[str, Any]) -> None:
        for path, row in items_of(document, "thank_you_notes"):
            values = values_of(
                ThankYouNote,
                row,
                path,
                remap=self._refs(path, "contact_id", "meeting_id"),
            )
            self._add("thank_you_notes", ThankYouNote, values, ("meeting_id", "contact_id"), path)

    def gifts(self, document: Mapping[str, Any]) -> None:
        for path, row in items_of(document, "gifts"):
            values = values_of(
                Gift,
                row,
                path,
                remap=self._refs(path, "contact_id", "meeting_id"),
            )
            natural = ("contact_id", "given_on", "item", "created_at")
            self._add("gifts", Gift, values, natural, path)

    def templates(self, document: Mapping[str, Any]) -> None:
        for path, row in items_of(document, "note_templates"):
            values = values_of(NoteTemplate, row, path)
            if not str(values.get("name", "")).strip():
                raise (path / "name").fail("must not be empty")
            self._add("note_templates", NoteTemplate, values, ("name",), path)

    def campaigns(self, document: Mapping[str, Any]) -> None:
        """Campaigns with their members; a campaign already here (same name and creation
        instant) is left as it is, members included."""
        for path, row in items_of(document, "campaigns"):
            values = values_of(Campaign, row, path)
            found = self._existing(Campaign, values, ("name", "created_at"))
            self._count("campaigns", found is None)
            if found is not None:
                continue
            campaign = Campaign(**values)
            self.session.add(campaign)
            self._flush(path)
            for i, item in enumerate(list_of(row, "members", path)):
                at = path / "members" / i
                if not isinstance(item, dict):
                    raise at.fail("must be an object")
                member = values_of(
                    CampaignMember,
                    item,
                    at,
                    remap={
                        "contact_id": self._map(self.contact_ids, "contact", at / "contact_id"),
                        "follow_up_id": self._map(
                            self.follow_up_ids, "follow-up", at / "follow_up_id"
                        ),
                    },
                )
                if member.get("contact_id") is None:
                    raise (at / "contact_id").fail("must name the contact")
                member["campaign_id"] = campaign.id
                self.session.add(CampaignMember(**member))
            self._flush(path)
