"""Repeat presets offered by the follow-up forms: a named value, its label, words and rule."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from relationship_crm.scheduling.recurrence import describe

__all__ = ["PRESETS", "Cadence", "CadencePreset", "preset", "preset_for_rule"]


class Cadence(Enum):
    """How often a follow-up repeats, as the forms offer it."""

    NONE = "none"
    WEEKLY = "weekly"
    EVERY_2_WEEKS = "every_2_weeks"
    MONTHLY = "monthly"
    EVERY_3_MONTHS = "every_3_months"
    EVERY_6_MONTHS = "every_6_months"
    YEARLY = "yearly"


@dataclass(frozen=True, slots=True)
class CadencePreset:
    """One choice of the Repeats box.

    `words` go to `recurrence.parse_cadence` ("" for no repeat); `rrule` is the rule they make
    for a start that is not a month end (a month-end start adds BYMONTHDAY/BYSETPOS so no month
    is skipped, and `describe` still says the same words).
    """

    cadence: Cadence
    label: str
    words: str
    rrule: str


#: In menu order.
PRESETS: tuple[CadencePreset, ...] = (
    CadencePreset(Cadence.NONE, "Does not repeat", "", ""),
    CadencePreset(Cadence.WEEKLY, "Every week", "weekly", "FREQ=WEEKLY"),
    CadencePreset(
        Cadence.EVERY_2_WEEKS, "Every 2 weeks", "every 2 weeks", "FREQ=WEEKLY;INTERVAL=2"
    ),
    CadencePreset(Cadence.MONTHLY, "Every month", "monthly", "FREQ=MONTHLY"),
    CadencePreset(
        Cadence.EVERY_3_MONTHS, "Every 3 months", "every 3 months", "FREQ=MONTHLY;INTERVAL=3"
    ),
    CadencePreset(
        Cadence.EVERY_6_MONTHS, "Every 6 months", "every 6 months", "FREQ=MONTHLY;INTERVAL=6"
    ),
    CadencePreset(Cadence.YEARLY, "Every year", "yearly", "FREQ=YEARLY"),
)
_BY_CADENCE = {p.cadence: p for p in PRESETS}


def preset(cadence: Cadence) -> CadencePreset:
    """The preset of `cadence`."""
    return _BY_CADENCE[cadence]


def preset_for_rule(rule: str | None) -> CadencePreset | None:
    """The preset a stored rule is (its month-end forms included: they read the same in
    `describe`), or None when it is none of them. No rule is `Cadence.NONE`'s."""
    if not rule:
        return _BY_CADENCE[Cadence.NONE]
    described = describe(rule)
    return next((p for p in PRESETS[1:] if describe(p.rrule) == described), None)
