"""Note templates: the ones shipped in resources/templates/<kind> and the rep's own.

Two kinds share one engine and one table: thank-you notes (`thanks`, the default everywhere, so
the thank-you code and dialog are unchanged) and campaign letters (`campaign`, with the campaign
fields of `domain.templating.CAMPAIGN_PLACEHOLDERS`). A name belongs to one kind only.

A shipped template is a text file: a `Description:` header line, a blank line, then the template.
The rep can edit a shipped template (the edited copy is stored in the database under the same name
and wins) and revert it, or add templates of their own. Every template is checked when it is saved
(`domain.templating.check_template`), so printing never meets an unknown placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from relationship_crm.bundled import resource_path
from relationship_crm.domain.changes import Changes
from relationship_crm.domain.enums import MeetingKind
from relationship_crm.domain.errors import BugError, InvalidInputError, NotFoundError
from relationship_crm.domain.templating import (
    CAMPAIGN_PLACEHOLDERS,
    PLACEHOLDERS,
    check_template,
)
from relationship_crm.domain.text import clean_line
from relationship_crm.services.common import utcnow
from relationship_crm.storage.schema import NoteTemplate

#: The shipped templates in the order the app lists them.
SHIPPED_ORDER = ("after-meeting", "after-call", "after-lunch", "after-gift", "after-deal")

THANKS = "thanks"
CAMPAIGN = "campaign"

#: The shipped campaign letters in the order they are listed.
CAMPAIGN_SHIPPED_ORDER = ("campaign-check-in", "campaign-invitation", "campaign-offer")

#: Per kind: the folder under resources/templates, the shipped order, the fields it may use.
KINDS: dict[str, tuple[str, tuple[str, ...], Mapping[str, str]]] = {
    THANKS: ("thank_you", SHIPPED_ORDER, PLACEHOLDERS),
    CAMPAIGN: ("campaign", CAMPAIGN_SHIPPED_ORDER, CAMPAIGN_PLACEHOLDERS),
}

#: The template a new draft uses for each kind of meeting.
DEFAULT_FOR_KIND: dict[MeetingKind, str] = {
    MeetingKind.MEETING: "after-meeting",
    MeetingKind.CALL: "after-call",
    MeetingKind.LUNCH: "after-lunch",
    MeetingKind.EVENT: "after-meeting",
    MeetingKind.EMAIL: "after-call",
}

_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,49}")


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    """A template as the app shows it: `shipped` if it came with the app, `customised` if the
    rep's edited copy replaces the shipped text."""

    name: str
    description: str
    body: str
    shipped: bool
    customised: bool
    kind: str = THANKS


def _kind(kind: str) -> tuple[str, tuple[str, ...], Mapping[str, str]]:
    try:
        return KINDS[kind]
    except KeyError:
        raise BugError(f"unknown template kind {kind!r}") from None


def placeholders_of(kind: str) -> Mapping[str, str]:
    """The fields a template of this kind may use."""
    return _kind(kind)[2]


def templates_folder(kind: str = THANKS) -> Path:
    """The folder holding the shipped templates."""
    return resource_path("templates", _kind(kind)[0])


def _read_shipped(path: Path, kind: str) -> TemplateInfo:
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    head, sep, body = text.partition("\n\n")
    description = ""
    for line in head.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "description":
            description = value.strip()
    if not sep or not description:
        raise BugError(f"shipped template {path} has no 'Description:' header and blank line")
    return TemplateInfo(path.stem, description, body.strip("\n") + "\n", True, False, kind)


@cache
def shipped_templates(kind: str = THANKS) -> Mapping[str, TemplateInfo]:
    """The templates that come with the app, by name, in SHIPPED_ORDER.

    Read from disk once per process: they are part of the installed app and do not change
    while it runs. Callers must not change the mapping.
    """
    folder = templates_folder(kind)
    order = _kind(kind)[1]
    found = {path.stem: _read_shipped(path, kind) for path in sorted(folder.glob("*.txt"))}
    missing = [name for name in order if name not in found]
    if missing:
        raise BugError(f"shipped templates missing from {folder}: {', '.join(missing)}")
    ordered = {name: found.pop(name) for name in order}
    ordered.update(found)
    return ordered


def list_templates(session: Session, kind: str = THANKS) -> list[TemplateInfo]:
    """Every template of a kind: the shipped ones first (the rep's edited copy where there is
    one), then the rep's own by name."""
    shipped = shipped_templates(kind)
    own = {
        row.name: row
        for row in session.scalars(select(NoteTemplate).where(NoteTemplate.kind == kind))
    }
    result: list[TemplateInfo] = []
    for name, info in shipped.items():
        row = own.pop(name, None)
        if row is None:
            result.append(info)
        else:
            description = row.description or info.description
            result.append(TemplateInfo(name, description, row.body, True, True, kind))
    for name in sorted(own):
        row = own[name]
        result.append(TemplateInfo(name, row.description, row.body, False, False, kind))
    return result


def get_template(session: Session, name: str, kind: str = THANKS) -> TemplateInfo:
    """The template of this kind called `name`; the error lists the names that exist."""
    wanted = name.strip().lower()
    shipped = shipped_templates(kind).get(wanted)
    row = session.get(NoteTemplate, wanted)
    if row is not None and row.kind == kind:
        if shipped is None:
            return TemplateInfo(wanted, row.description, row.body, False, False, kind)
        description = row.description or shipped.description
        return TemplateInfo(wanted, description, row.body, True, True, kind)
    if shipped is not None:
        return shipped
    known = ", ".join(info.name for info in list_templates(session, kind))
    what = "campaign template" if kind == CAMPAIGN else "template"
    raise NotFoundError(f"no {what} called {name!r}; templates: {known}")


def _kind_taken(session: Session, name: str, kind: str) -> str | None:
    """The other kind that already uses `name`, if any (a name belongs to one kind)."""
    for other in KINDS:
        if other != kind and name in shipped_templates(other):
            return other
    row = session.get(NoteTemplate, name)
    if row is not None and row.kind != kind:
        return row.kind
    return None


def default_template_name(kind: MeetingKind | str) -> str:
    """The template a draft for this kind of meeting starts from."""
    try:
        return DEFAULT_FOR_KIND[MeetingKind(str(kind))]
    except ValueError:
        return "after-meeting"


def check_name(name: str) -> str:
    """A template name: lower-case letters, digits and hyphens, e.g. "after-conference"."""
    cleaned = clean_line(name).lower().replace(" ", "-")
    if not _NAME.fullmatch(cleaned):
        raise InvalidInputError(
            f"a template name uses lower-case letters, digits and hyphens (at most 50), "
            f"such as after-conference; {name!r} does not"
        )
    return cleaned


def save_template(
    session: Session,
    name: str,
    body: str,
    *,
    description: str = "",
    now: datetime | None = None,
    kind: str = THANKS,
) -> Changes:
    """Add a template or replace one's text; an unknown placeholder is refused here, by name.

    Saving under a shipped name stores the rep's copy, which replaces the shipped text until
    `delete_template` reverts it.
    """
    now = now or utcnow()
    name = check_name(name)
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    check_template(body, placeholders_of(kind))
    taken = _kind_taken(session, name, kind)
    if taken is not None:
        label = "a campaign letter" if taken == CAMPAIGN else "a thank-you note"
        raise InvalidInputError(f"{name} is already the name of {label} template; pick another")
    description = clean_line(description)
    if len(description) > 200:
        raise InvalidInputError(
            f"the description is too long ({len(description)} characters; at most 200)"
        )
    row = session.get(NoteTemplate, name)
    shipped = shipped_templates(kind).get(name)
    if (
        shipped is not None
        and body.strip("\n") == shipped.body.strip("\n")
        and description in ("", shipped.description)
    ):
        # The shipped text itself: keep no copy, so the template shows as not edited.
        if row is not None:
            session.delete(row)
        return Changes(thanks=True)
    if row is None:
        session.add(
            NoteTemplate(
                name=name,
                kind=kind,
                description=description,
                body=body,
                created_at=now,
                updated_at=now,
            )
        )
    else:
        row.body = body
        row.description = description
        row.updated_at = now
    return Changes(thanks=True)


def delete_template(session: Session, name: str, kind: str = THANKS) -> Changes:
    """Delete one of the rep's templates, or revert an edited shipped one to its shipped text.

    Drafts already written from it keep their text.
    """
    info = get_template(session, name, kind)
    if info.shipped and not info.customised:
        raise InvalidInputError(
            f"{info.name} is shipped with the app and cannot be deleted (it has no changes "
            "to revert)"
        )
    row = session.get(NoteTemplate, info.name)
    if row is not None:
        session.delete(row)
    return Changes(thanks=True)
