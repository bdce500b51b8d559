"""ISO 4217 currency codes in use, with their minor units (how many decimals an amount may have)."""

from __future__ import annotations

from decimal import Decimal

from relationship_crm.domain.errors import InvalidInputError

__all__ = ["MINOR_UNITS", "check_amount_places", "check_code", "places_of"]

# Current ISO 4217 codes (fund codes included, precious metals and test codes left out: a gift is
# not priced in XAU). Most have 2 decimals; the exceptions are listed by count. A small table kept
# here rather than a dependency: it changes a few times a decade.
_ZERO = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE = "BHD IQD JOD KWD LYD OMR TND"
_FOUR = "CLF UYW"
_TWO = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN "
    "BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP "
    "GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK "
    "LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK "
    "NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD "
    "SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG "
    "YER ZAR ZMW ZWG ZWL"
)

MINOR_UNITS: dict[str, int] = {
    **{code: 2 for code in _TWO.split()},
    **{code: 0 for code in _ZERO.split()},
    **{code: 3 for code in _THREE.split()},
    **{code: 4 for code in _FOUR.split()},
}


def check_code(code: str) -> str:
    """A known ISO 4217 code, upper-cased; InvalidInputError (one line) for anything else."""
    cleaned = code.strip().upper()
    if len(cleaned) != 3 or not cleaned.isascii() or not cleaned.isalpha():
        raise InvalidInputError(
            f"currency must be a three-letter code such as USD or EUR, not {cleaned!r}"
        )
    if cleaned not in MINOR_UNITS:
        raise InvalidInputError(
            f"unknown currency {cleaned!r}; use an ISO 4217 code such as USD, EUR or JPY"
        )
    return cleaned


def places_of(amount: Decimal) -> int:
    """How many decimals `amount` really has: trailing zeros do not count (5.50 has 1)."""
    if not amount.is_finite() or amount == 0:
        return 0
    exponent = amount.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def check_amount_places(amount: Decimal, currency: str) -> None:
    """Refuse an amount finer than the currency's minor unit (10.123 EUR, 5.5 JPY)."""
    allowed = MINOR_UNITS.get(currency.upper())
    if allowed is None:
        return  # the code is checked on its own; an old stored code is not re-judged here
    places = places_of(amount)
    if places > allowed:
        unit = "no decimals" if allowed == 0 else f"at most {_decimals(allowed)}"
        raise InvalidInputError(f"cost {amount} has {_decimals(places)}; {currency} takes {unit}")


def _decimals(count: int) -> str:
    return f"{count} decimal" + ("s" if count != 1 else "")
