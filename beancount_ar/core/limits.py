"""What beancount-ar computes with: the range of dates and the size of amounts it accepts.

Python's dates end on 9999-12-31 and Decimal keeps 28 digits: a due date 60 days after
9999-12-20, or interest on 10^26 EUR, cannot be computed. Rather than fail half-way (and lose a
whole plugin's checks), an entry beyond these limits is one error at its line, and is left out of
the receivables:

    9999-12-20 * "Le Zinc" "Repas" ^F-2        ; error: the date is out of range
      invoice: "F-2"
      Assets:Receivable:Zinc   100000000000000000000000000.00 EUR   ; error: too large
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount

EARLIEST = datetime.date(1000, 1, 1)
LATEST = datetime.date(8999, 12, 31)
LARGEST = Decimal(10) ** 15  # a thousand million million: Decimal keeps 28 digits of headroom
MAX_DAYS = 3650  # settings in days (terms, offsets, spacing): ten years at most


def date_problem(day: Any) -> str | None:
    """Why a date is out of range, or None."""
    if isinstance(day, datetime.date) and not EARLIEST <= day <= LATEST:
        return (f"the date {day} is out of range: beancount-ar reads dates from {EARLIEST} to "
                f"{LATEST}; fix the date")
    return None


def number_problem(number: Any) -> str | None:
    """Why an amount's number is beyond what can be computed exactly, or None."""
    if isinstance(number, Decimal) and (not number.is_finite() or abs(number) >= LARGEST):
        return (f"the amount {number} is too large: beancount-ar computes amounts below 10^15 "
                "exactly; fix the amount")
    return None


def value_problem(value: Any) -> str | None:
    """Why a directive or metadata value (a date, a number, an amount) is out of range."""
    if isinstance(value, Amount):
        return number_problem(value.number)
    if isinstance(value, Decimal):
        return number_problem(value)
    return date_problem(value)


def transaction_problem(entry: data.Transaction) -> str | None:
    """Why a transaction cannot be read into the receivables (its date, an amount), or None."""
    # Run for every transaction of every load: comparisons only, no new Decimal (abs()).
    day = entry.date
    if not EARLIEST <= day <= LATEST:
        problem = date_problem(day)
        if problem:
            return problem
    for posting in entry.postings:
        units = posting.units
        if units is None:
            continue
        number = units.number
        if isinstance(number, Decimal) and not (number.is_finite()
                                                 and -LARGEST < number < LARGEST):
            return f"{posting.account}: " + (number_problem(number) or "")
    return None


__all__ = ["EARLIEST", "LATEST", "LARGEST", "MAX_DAYS", "date_problem", "number_problem",
           "value_problem", "transaction_problem"]
