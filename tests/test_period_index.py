"""`metrics.PeriodIndex`: the period figures from monthly sums equal, to the decimal place,
the sums of the events themselves, at any period, for all customers or some."""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from beancount_ar.core import metrics
from beancount_ar.core.model import (
    CREDIT_NOTE,
    DEBIT,
    INVOICE,
    PAYMENT,
    PENALTY,
    WRITEOFF,
    Credit,
    Item,
)
from beancount_ar.core.money import ZERO

START = datetime.date(2024, 11, 20)
CUSTOMERS = ("a", "b", "c")

amounts = st.decimals(min_value=Decimal("-500"), max_value=Decimal("5000"), places=3,
                      allow_nan=False, allow_infinity=False).map(
    lambda d: d.quantize(Decimal("0.01")) if d.as_tuple().digits[-1] % 2 else d)
events = st.lists(st.tuples(
    st.integers(0, 500),  # days after START
    st.sampled_from(CUSTOMERS),
    st.sampled_from(("EUR", "USD", "JPY")),
    st.sampled_from((INVOICE, DEBIT, PENALTY, PAYMENT, CREDIT_NOTE, WRITEOFF)),
    amounts | st.just(Decimal("0.00")) | st.just(Decimal("1E+2")),
), max_size=60)


def build(raw: list[tuple]) -> list[Item | Credit]:
    out: list[Item | Credit] = []
    for index, (days, customer, currency, kind, amount) in enumerate(
            sorted(raw, key=lambda r: r[0])):
        day = START + datetime.timedelta(days=days)
        if kind in (INVOICE, DEBIT, PENALTY):
            out.append(Item(index, kind, customer, currency, day, day, amount))
        else:
            out.append(Credit(index, kind, customer, currency, day, amount))
    return out


def brute(events: list, begin: datetime.date, end: datetime.date, wanted: set[str] | None,
          first_month: datetime.date) -> tuple:
    """The definitions, event by event."""
    opening: dict = {}
    invoiced: dict = {}
    credited: dict = {}
    monthly: dict = {}
    for e in events:
        if e.date > end or (wanted is not None and e.customer not in wanted):
            continue
        change = e.amount if isinstance(e, Item) else -e.amount
        if e.date < begin:
            opening[e.currency] = opening.get(e.currency, ZERO) + change
        sale = (e.amount if isinstance(e, Item) and e.kind == INVOICE else
                -e.amount if isinstance(e, Credit) and e.kind == CREDIT_NOTE else None)
        if not sale:
            continue
        if e.date >= begin:
            if sale > 0:
                invoiced[e.currency] = invoiced.get(e.currency, ZERO) + sale
            else:
                credited[e.currency] = credited.get(e.currency, ZERO) - sale
        if e.date >= first_month:
            key = (e.currency, e.date.replace(day=1))
            monthly[key] = monthly.get(key, ZERO) + sale
    return opening, invoiced, credited, monthly


def exact(sums: tuple) -> tuple:
    """Values with their decimal places (Decimal('1.0') == Decimal('1.00') but prints apart)."""
    return tuple({key: str(value) for key, value in part.items()} for part in sums)


@settings(max_examples=300, deadline=None)
@given(events, st.integers(-40, 540), st.integers(0, 400),
       st.sampled_from((None, {"a"}, {"a", "c"}, {"zz"})), st.integers(1, 14))
def test_index_sums_equal_the_events_sums(raw, begin_days, length, wanted, history):
    items = build(raw)
    index = metrics.PeriodIndex(items)
    begin = START + datetime.timedelta(days=begin_days)
    end = begin + datetime.timedelta(days=length)
    first_month = metrics.month_start(end, history - 1)
    assert exact(index.sums(begin, end, wanted, first_month)) == exact(
        brute(items, begin, end, wanted, first_month))
    expected = sorted({e.currency for e in items if e.date <= end
                       and (wanted is None or e.customer in wanted)})
    assert index.currencies(end, wanted) == expected


def test_a_period_that_starts_after_its_end_counts_the_opening_to_the_end():
    items = build([(0, "a", "EUR", INVOICE, Decimal("10.00")),
                   (40, "a", "EUR", INVOICE, Decimal("5.00"))])
    index = metrics.PeriodIndex(items)
    opening, invoiced, _, _ = index.sums(START + datetime.timedelta(days=60),
                                         START + datetime.timedelta(days=10), None,
                                         datetime.date(2024, 1, 1))
    assert opening == {"EUR": Decimal("10.00")} and invoiced == {}
