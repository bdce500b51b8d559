"""Thank-you note templates: the ones shipped in resources/templates/thank_you and the rep's own.

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
from relationship_crm.domain.templating import check_template
from relationship_crm.domain.text import clean_line
from relationship_crm.services.common import utcnow
from relationship_crm.storage.schema import NoteTemplate

#: The shipped templates in the order the app lists them.
SHIPPED_ORDER = ("after-meeting", "after-call", "after-lunch", "after-gift", "after-deal")

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


def templates_folder() -> Path:
    """The folder holding the shipped templates."""
    return resource_path("templates", "thank_you")


def _read_shipped(path: Path) -> TemplateInfo:
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    head, sep, body = text.partition("\n\n")
    description = ""
    for line in head.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "description":
            description = value.strip()
    if not sep or not description:
        raise BugError(f"shipped template {path} has no 'Description:' header and blank line")
    return TemplateInfo(path.stem, description, body.strip("\n") + "\n", True, False)


@cache
def shipped_templates() -> Mapping[str, TemplateInfo]:
    """The templates that come with the app, by name, in SHIPPED_ORDER.

    Read from disk once per process: they are part of the installed app and do not change
    while it runs. Callers must not change the mapping.
    """
    folder = templates_folder()
    found = {path.stem: _read_shipped(path) for path in sorted(folder.glob("*.txt"))}
    missing = [name for name in SHIPPED_ORDER if name not in found]
    if missing:
        raise BugError(f"shipped templates missing from {folder}: {', '.join(missing)}")
    ordered = {name: found.pop(name) for name in SHIPPED_ORDER}
    ordered.update(found)
    return ordered


def list_templates(session: Session) -> list[TemplateInfo]:
    """Every template: the shipped ones first (the rep's edited copy where there is one), then
    the rep's own by name."""
    shipped = shipped_templates()
    own = {row.name: row for row in session.scalars(select(NoteTemplate))}
    result: list[TemplateInfo] = []
    for name, info in shipped.items():
        row = own.pop(name, None)
        if row is None:
            result.append(info)
        else:
            description = row.description or info.description
            result.append(TemplateInfo(name, description, row.body, True, True))
    for name in sorted(own):
        row = own[name]
        result.append(TemplateInfo(name, row.description, row.body, False, False))
    return result


def get_template(session: Session, name: str) -> TemplateInfo:
    """The template called `name`; the error lists the names that exist."""
    wanted = name.strip().lower()
    shipped = shipped_templates().get(wanted)
    row = session.get(NoteTemplate, wanted)
    if row is not None:
        if shipped is None:
            return TemplateInfo(wanted, row.description, row.body, False, False)
        description = row.description or shipped.description
        return TemplateInfo(wanted, description, row.body, True, True)
    if shipped is not None:
        return shipped
    known = ", ".join(info.name for info in list_templates(session))
    raise NotFoundError(f"no template called {name!r}; templates: {known}")


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
) -> Changes:
    """Add a template or replace one's text; an unknown placeholder is refused here, by name.

    Saving under a shipped name stores the rep's copy, which replaces the shipped text until
    `delete_template` reverts it.
    """
    now = now or utcnow()
    name = check_name(name)
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    check_template(body)
    description = clean_line(description)
    if len(description) > 200:
        raise InvalidInputError(
            f"the description is too long ({len(description)} characters; at most 200)"
        )
    row = session.get(NoteTemplate, name)
    shipped = shipped_templates().get(name)
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
                name=name, description=description, body=body, created_at=now, updated_at=now
            )
        )
    else:
        row.body = body
        row.description = description
        row.updated_at = now
    return Changes(thanks=True)


def delete_template(session: Session, name: str) -> Changes:
    """Delete one of the rep's templates, or revert an edited shipped one to its shipped text.

    Drafts already written from it keep their text.
    """
    info = get_template(session, name)
    if info.shipped and not info.customised:
        raise InvalidInputError(
            f"{info.name} is shipped with the app and cannot be deleted (it has no changes "
            "to revert)"
        )
    row = session.get(NoteTemplate, info.name)
    if row is not None:
        session.delete(row)
    return Changes(thanks=True)
