"""A follow-up's own local time beside the rep's ("09:00 in New York · 15:00 here")."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from relationship_crm.scheduling.zones import (
    get_zone,
    here_and_there,
    localize,
    place_name,
    zone_names,
)

ZONES = st.sampled_from(
    [
        "America/New_York",
        "Europe/Paris",
        "Europe/Berlin",
        "Asia/Tokyo",
        "Asia/Kolkata",
        "Australia/Lord_Howe",
        "Pacific/Chatham",
        "America/St_Johns",
        "UTC",
    ]
)
WALLS = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0)
)


def test_the_examples_a_rep_sees():
    nine = datetime(2026, 12, 4, 9, 0)
    assert here_and_there(nine, "America/New_York", "Europe/Paris") == (
        "09:00 in New York · 15:00 here"
    )
    assert here_and_there(nine, "Asia/Tokyo", "America/New_York") == (
        "Fri 09:00 in Tokyo · Thu 19:00 here"
    )
    assert here_and_there(nine, "Europe/Paris", "Europe/Paris") is None
    # Another zone at the same offset that day: both clocks read the same, nothing to say.
    assert here_and_there(nine, "Europe/Berlin", "Europe/Paris") is None


def test_place_names():
    assert place_name("America/New_York") == "New York"
    assert place_name("America/Argentina/Buenos_Aires") == "Buenos Aires"
    assert place_name("UTC") == "UTC"


def test_the_picker_offers_each_place_once_and_every_name_is_a_zone():
    names = zone_names()
    assert "America/New_York" in names and "UTC" in names and "Asia/Kolkata" in names
    assert "America/Buenos_Aires" not in names  # an alias of America/Argentina/Buenos_Aires
    assert "US/Eastern" not in names
    assert list(names) == sorted(set(names))
    for name in names:
        assert get_zone(name).key == name


@given(wall=WALLS, there=ZONES, here=ZONES)
def test_here_is_the_same_instant_on_the_reps_clock(wall, there, here):
    text = here_and_there(wall, there, here)
    moment = localize(wall, there)
    local = moment.astimezone(ZoneInfo(here))
    if local.replace(tzinfo=None) == moment.replace(tzinfo=None):
        assert text is None
        return
    assert text is not None
    there_part, here_part = text.split(" · ")
    assert there_part.endswith(f" in {place_name(there)}")
    assert here_part.endswith(" here")
    assert f"{moment:%H:%M}" in there_part and f"{local:%H:%M}" in here_part
    # The day is named exactly when the two clocks are on different dates.
    named = there_part[:3].isalpha()
    assert named == (local.date() != moment.date())
