"""What a service call changed, so front ends refresh only what they show (Anki's OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass


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

    @classmethod
    def everything(cls) -> Changes:
        """Every kind of record (an import of a full copy, a restore, a change from outside)."""
        return cls(**{f: True for f in cls.__dataclass_fields__})

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            **{f: getattr(self, f) or getattr(other, f) for f in self.__dataclass_fields__}
        )
