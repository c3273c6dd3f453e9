"""Money rounding: the one place where amounts are rounded.

Amounts are ``Decimal`` everywhere. They are rounded once, half-up, to the precision of their
currency (ISO 4217 minor units from Babel: 2 for EUR and USD, 0 for JPY; 2 for any currency Babel
does not know, such as a commodity in a Beancount ledger). For example a 2 % discount on
``1234.5 EUR`` is ``24.69 EUR``:

    2025-01-15 * "Client" "Facture" ^F-1
      invoice: "F-1"
      terms: "2/10 net 30"
      Assets:Receivable:Client   1234.50 EUR
      Income:Sales
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.numbers import UnknownCurrencyError, get_currency_precision

ZERO = Decimal(0)


@cache
def quantum(currency: str) -> Decimal:
    """The smallest unit of `currency`, e.g. Decimal('0.01') for EUR, Decimal('1') for JPY."""
    try:
        digits = get_currency_precision(currency)
    except (UnknownCurrencyError, ValueError):  # pragma: no cover - Babel falls back to 2
        digits = 2
    return Decimal(1).scaleb(-digits)


def places(value: Decimal) -> int:
    """How many decimal places `value` is written with: 2 for 12.50, 0 for 12 or 1E+2."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def currency_places(currency: str) -> int:
    """The decimal places of `currency`: 2 for EUR, 0 for JPY."""
    return places(quantum(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round `amount` half-up to the precision of `currency`."""
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)
