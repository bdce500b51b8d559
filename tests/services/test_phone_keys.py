"""Phone keys: a number written with spaces, brackets, dashes and dots keys as its digits do."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from relationship_crm.services import contact_fields

REGIONS = [None, "US", "GB", "IT", "DE", "AR", "FR", "BR", "IN", "JP", "MX", "CN", "RU"]

# Written the way address books write them: the parse of the number as typed is the reference.
plain_numbers = st.one_of(
    st.from_regex(r"\+?[0-9 ().\-]{1,30}", fullmatch=True),
    st.builds(
        lambda plus, country, rest, gap: (
            f"{plus}{country}{gap}{gap.join(rest[i : i + 3] for i in range(0, len(rest), 3))}"
        ),
        st.sampled_from(["+", "", "00", "011 "]),
        st.sampled_from(["1", "44", "39", "49", "54", "33", "55", "91", "81", "7", "0", ""]),
        st.from_regex(r"[0-9]{4,12}", fullmatch=True),
        st.sampled_from([" ", "-", ".", ") ", " (0) ", ""]),
    ),
)


@settings(max_examples=400, deadline=None)
@given(plain_numbers, st.sampled_from(REGIONS))
@example("1.0", "DE")  # two digits: libphonenumber reads "10" as a number, "1.0" not (CI)
def test_a_plain_number_keys_as_its_parse_as_typed_does(value, region):
    assert contact_fields.phone_key(value, region) == contact_fields._parsed_phone_key.__wrapped__(
        value, region
    )


@pytest.mark.parametrize(
    "value, region, key",
    [
        ("+1 (415) 555-0100", None, "+14155550100"),
        ("(415) 555-0100", "US", "+14155550100"),
        ("+39 06 1234 5678", None, "+390612345678"),  # Italy keeps its leading zero
        ("+44 (0)20 7946 0000", None, "+442079460000"),  # the national 0 is dropped
        ("020 7946 0000", "GB", "+442079460000"),
        ("011 44 20 7946 0000", "US", "+442079460000"),
        ("555-0100", None, "5550100"),  # no country: its digits
        (
            "+1 800 FLOWERS",
            "US",
            contact_fields._parsed_phone_key.__wrapped__("+1 800 FLOWERS", "US"),
        ),
    ],
)
def test_phone_keys_of_common_spellings(value, region, key):
    assert contact_fields.phone_key(value, region) == key
