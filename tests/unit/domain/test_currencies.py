"""ISO 4217 codes and their minor units (issue 13)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from relationship_crm.domain.currencies import (
    MINOR_UNITS,
    check_amount_places,
    check_code,
    places_of,
)
from relationship_crm.domain.errors import InvalidInputError


def test_known_codes_are_upper_cased_and_unknown_ones_refused():
    assert check_code(" eur ") == "EUR"
    with pytest.raises(InvalidInputError, match="unknown currency 'XYZ'"):
        check_code("XYZ")
    with pytest.raises(InvalidInputError, match="three-letter"):
        check_code("EURO")


def test_minor_units():
    assert (MINOR_UNITS["USD"], MINOR_UNITS["JPY"], MINOR_UNITS["KWD"], MINOR_UNITS["CLF"]) == (
        2,
        0,
        3,
        4,
    )
    assert all(len(code) == 3 and code.isupper() for code in MINOR_UNITS)


def test_amounts_finer_than_the_currency_are_refused():
    with pytest.raises(InvalidInputError, match="^cost 10.123 has 3 decimals; EUR takes at most 2"):
        check_amount_places(Decimal("10.123"), "EUR")
    with pytest.raises(InvalidInputError, match="^cost 5.5 has 1 decimal; JPY takes no decimals$"):
        check_amount_places(Decimal("5.5"), "JPY")
    check_amount_places(Decimal("5.00"), "JPY")  # trailing zeros are not decimals
    check_amount_places(Decimal("10.125"), "KWD")
    check_amount_places(Decimal("1200"), "JPY")
    assert places_of(Decimal("1E+2")) == 0 and places_of(Decimal("0.10")) == 1
