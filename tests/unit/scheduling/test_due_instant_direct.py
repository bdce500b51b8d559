"""The daily list's direct due instant (issue 18) is localize()'s, in every zone and at DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from relationship_crm.domain.followups import FollowUpSpec
from relationship_crm.scheduling.reminders import due_instant
from relationship_crm.scheduling.zones import localize

ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Pacific/Chatham", "UTC"]


def _spec(wall: datetime, tz: str) -> FollowUpSpec:
    return FollowUpSpec(id=1, contact_id=1, contact_name="A", due_local=wall, tz=tz)


@given(
    wall=st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1)),
    tz=st.sampled_from(ZONES),
)
@example(wall=datetime(2026, 3, 8, 2, 30), tz="America/New_York")  # skipped at spring forward
@example(wall=datetime(2026, 11, 1, 1, 30), tz="America/New_York")  # repeated at fall back
@example(wall=datetime(2026, 4, 5, 1, 45), tz="Australia/Lord_Howe")  # a half-hour change
def test_the_due_instant_is_the_localized_wall_clock(wall, tz):
    wall = wall.replace(second=0, microsecond=0)
    assert due_instant(_spec(wall, tz)) == localize(wall, tz).astimezone(UTC)
    assert due_instant(_spec(wall, tz)).tzinfo is UTC


def test_an_aware_due_is_a_programming_error():
    with pytest.raises(ValueError):
        due_instant(_spec(datetime(2026, 1, 1, tzinfo=UTC) + timedelta(0), "UTC"))
