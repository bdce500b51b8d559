"""Reading a JSON copy: the document parsed and checked, each value made what its column stores.

A copy is checked before anything is written: a broken document, a value of the wrong kind, a
date outside the years the app can store or a stored time that was unreadable where the copy
came from is refused with its place in the document ("contacts[3].emails[0].value: must be
text"). Text is capped as the services cap it, and control characters are dropped.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, cast

from sqlalchemy import Boolean, Date, Integer
from sqlalchemy.orm import DeclarativeBase

from relationship_crm.domain import bounds
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.scheduling.zones import get_zone
from relationship_crm.services.json_copy import FORMAT, UNREADABLE_KEY, VERSION
from relationship_crm.storage.types import DayDate, DecimalText, UTCDateTime, WallClock


def looks_like_copy(data: bytes) -> bool:
    """Whether these bytes start like a JSON document (the importer then expects one of ours)."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_document(data: bytes) -> dict[str, Any]:
    """The JSON document, checked to be one of ours; errors say line and column."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise InvalidInputError(f"the JSON file is not UTF-8 (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise InvalidInputError(
            f"the JSON file is broken at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise InvalidInputError("the JSON file is nested too deeply") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInputError(
            'this JSON file is not a Relationship CRM copy (no "format": "relationship-crm")'
        )
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InvalidInputError('the copy has no valid "version"')
    if version > VERSION:
        raise InvalidInputError(
            f"the copy was written by a newer version of the app (format {version}; this "
            f"version reads up to {VERSION}); update the app to import it"
        )
    return document


@dataclass(slots=True)
class DocPath:
    """Where in the document a value is, for messages: contacts[3].emails[0].value."""

    text: str

    def __truediv__(self, key: str | int) -> DocPath:
        return DocPath(f"{self.text}[{key}]" if isinstance(key, int) else f"{self.text}.{key}")

    def fail(self, problem: str) -> InvalidInputError:
        return InvalidInputError(f"{self.text}: {problem}")


def items_of(document: Mapping[str, Any], key: str) -> Iterator[tuple[DocPath, dict[str, Any]]]:
    values = document.get(key, [])
    if not isinstance(values, list):
        raise DocPath(key).fail("must be a list")
    for i, value in enumerate(values):
        path = DocPath(key) / i
        if not isinstance(value, dict):
            raise path.fail("must be an object")
        yield path, value


def text_of(row: Mapping[str, Any], key: str, path: DocPath, *, default: str = "") -> str:
    value = row.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise (path / key).fail("must be text")
    return value


def optional_id(row: Mapping[str, Any], key: str, path: DocPath) -> int | None:
    value = row.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise (path / key).fail("must be a whole number")
    return value


def column_value(column: Any, raw: object, path: DocPath) -> object:
    """A JSON value turned into what the column stores, or a clear error."""
    kind = column.type
    if raw is None:
        if not column.nullable and column.default is None and not column.primary_key:
            raise path.fail("must not be empty")
        return None
    if isinstance(raw, dict) and UNREADABLE_KEY in raw:
        raise path.fail(f"was unreadable in the database it came from ({raw[UNREADABLE_KEY]!r})")
    try:
        if isinstance(kind, UTCDateTime):
            value = datetime.fromisoformat(cast(str, raw))
            if value.tzinfo is None:
                raise ValueError
            return _in_window(value, path)
        if isinstance(kind, WallClock):
            return _in_window(datetime.fromisoformat(cast(str, raw)).replace(tzinfo=None), path)
        if isinstance(kind, DecimalText):
            if not isinstance(raw, str | int):
                raise ValueError
            return Decimal(str(raw))
        if isinstance(kind, Date | DayDate):
            return _in_window(date.fromisoformat(cast(str, raw)), path)
        if isinstance(kind, Boolean):
            if not isinstance(raw, bool):
                raise ValueError
            return raw
        if isinstance(kind, Integer):
            if not isinstance(raw, int) or isinstance(raw, bool):
                raise ValueError
            if not -bounds.MAX_ID <= raw <= bounds.MAX_ID:
                raise path.fail(f"{raw} is too large")
            return raw
    except (ValueError, TypeError, InvalidOperation):
        raise path.fail(f"{raw!r} is not a valid {_kind_name(kind)}") from None
    if not isinstance(raw, str):
        raise path.fail("must be text")
    # The same caps as the services: a String(n) column holds n characters, free text 100k;
    # control characters other than newline and tab are dropped (as typed text would be).
    cap = getattr(kind, "length", None) or bounds.MAX_NOTES
    if len(raw) > cap:
        raise path.fail(f"is too long ({len(raw)} characters; at most {cap})")
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in raw):
        raw = "".join(c for c in raw if c in "\n\t" or unicodedata.category(c) != "Cc")
    return raw


_Bounded = TypeVar("_Bounded", date, datetime)


def _in_window(value: _Bounded, path: DocPath) -> _Bounded:
    """A date or time from the copy, refused outside the years the app can store and read."""
    try:
        bounds.check_year(value.year, "the date", value.isoformat())
    except InvalidInputError:
        raise path.fail(
            f"{value.isoformat()} is not between {bounds.FIRST_YEAR} and {bounds.LAST_YEAR}"
        ) from None
    return value


def _kind_name(kind: object) -> str:
    if isinstance(kind, UTCDateTime):
        return "instant (ISO 8601 with offset)"
    if isinstance(kind, WallClock):
        return "wall-clock time (YYYY-MM-DDTHH:MM)"
    if isinstance(kind, DecimalText):
        return "decimal number"
    if isinstance(kind, Date | DayDate):
        return "date (YYYY-MM-DD)"
    if isinstance(kind, Boolean):
        return "true or false"
    return "whole number"


def values_of(
    model: type[DeclarativeBase],
    row: Mapping[str, Any],
    path: DocPath,
    *,
    remap: Mapping[str, Callable[[int | None], int | None]] = {},  # noqa: B006
) -> dict[str, object]:
    """The model's column values from a JSON row (id dropped, foreign keys remapped)."""
    values: dict[str, object] = {}
    for column in model.__table__.columns:
        if column.key == "id" or (column.key not in row and column.key not in remap):
            continue
        value = column_value(column, row.get(column.key), path / column.key)
        if column.key in remap:
            value = remap[column.key](cast(int | None, value))
        if column.key == "tz" and value is not None:
            try:
                value = get_zone(cast(str, value)).key
            except InvalidInputError as error:
                raise (path / "tz").fail(str(error)) from None
        values[column.key] = value
    return values


def list_of(row: Mapping[str, Any], key: str, path: DocPath) -> list[Any]:
    value = row.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise (path / key).fail("must be a list")
    return value
