"""What a service call changed, so front ends refresh only what they show (Anki's OpChanges)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Changes:
    """Flags naming the kinds of records a write touched."""

    contacts: bool = False
    companies: bool = False
    meetings: bool = False
    research: bool = False
    follow_ups: bool = False
    thanks: bool = False
    gifts: bool = False
    settings: bool = False
    trigger_events: bool = False
    campaigns: bool = False

    @classmethod
    def everything(cls) -> Changes:
        """Every kind of record (an import of a full copy, a restore, a change from outside)."""
        return cls(**{f: True for f in cls.__dataclass_fields__})

    @classmethod
    def combined(cls, items: Iterable[Changes]) -> Changes:
        """What several writes changed together (nothing for none)."""
        result = cls()
        for item in items:
            result |= item
        return result

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            **{f: getattr(self, f) or getattr(other, f) for f in self.__dataclass_fields__}
        )

    def __bool__(self) -> bool:
        return any(getattr(self, f) for f in self.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class Created:
    """A creator's result: the new record's id and what the write changed (OpChangesWithId)."""

    id: int
    changes: Changes


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """A writer's result that is not a new id (a count, a completion), with its changes."""

    value: T
    changes: Changes
