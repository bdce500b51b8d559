"""The Repeats presets: each one's words read, in recurrence's parser, as the rule it names."""

from __future__ import annotations

from datetime import datetime

import pytest

from relationship_crm.scheduling.cadences import PRESETS, Cadence, preset, preset_for_rule
from relationship_crm.scheduling.recurrence import describe, parse_cadence

ORDINARY_START = datetime(2026, 1, 5, 9, 0)  # a Monday, not a month end
MONTH_END_STARTS = [datetime(2026, 1, 31, 9, 0), datetime(2024, 2, 29, 9, 0)]
REPEATING = [p for p in PRESETS if p.cadence is not Cadence.NONE]


def test_one_preset_per_cadence_in_menu_order() -> None:
    assert [p.cadence for p in PRESETS] == list(Cadence)
    assert PRESETS[0].cadence is Cadence.NONE and PRESETS[0].words == PRESETS[0].rrule == ""
    assert len({p.label for p in PRESETS}) == len(PRESETS)
    assert [p.label for p in PRESETS] == [
        "Does not repeat",
        "Every week",
        "Every 2 weeks",
        "Every month",
        "Every 3 months",
        "Every 6 months",
        "Every year",
    ]
    for p in PRESETS:
        assert preset(p.cadence) is p


@pytest.mark.parametrize("choice", REPEATING, ids=lambda p: p.cadence.value)
def test_the_words_parse_to_the_rule(choice) -> None:
    assert parse_cadence(choice.words, start_local=ORDINARY_START) == choice.rrule
    # What the rep sees for the rule reads as the same rule again.
    assert parse_cadence(describe(choice.rrule), start_local=ORDINARY_START) == choice.rrule


@pytest.mark.parametrize("choice", REPEATING, ids=lambda p: p.cadence.value)
@pytest.mark.parametrize("start", [ORDINARY_START, *MONTH_END_STARTS], ids=str)
def test_a_stored_rule_is_recognised_as_its_preset(choice, start) -> None:
    rule = parse_cadence(choice.words, start_local=start)  # month-end forms included
    assert preset_for_rule(rule) is choice


def test_no_rule_is_does_not_repeat_and_other_rules_are_no_preset() -> None:
    assert preset_for_rule(None) is preset(Cadence.NONE)
    assert preset_for_rule("") is preset(Cadence.NONE)
    for rule in ("FREQ=MONTHLY;BYDAY=1MO", "FREQ=WEEKLY;BYDAY=MO", "FREQ=DAILY"):
        assert preset_for_rule(rule) is None
