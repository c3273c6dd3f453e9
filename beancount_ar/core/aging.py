"""Aged receivables: open amounts per customer and currency in buckets of days, as of a date.

By due date (the collections view) the buckets are Current (not yet due), 1-30, 31-60, 61-90
and over 90 days past due; by invoice date they are 0-30, 31-60, 61-90 and over 90 days old.
Bucket limits are configurable (``30,60,90``). Unapplied credits have a column of their own, so
that each row adds up to the customer's balance and the grand total to the receivable accounts'
balance, which `receivable_balances` computes straight from the postings as a cross-check:

    2025-01-15 * "Dupont" "Facture" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   1200.00 EUR     ; as of 2025-03-01: 16 days past due -> 1-30
      Income:Sales
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from beancount.core import data

from beancount_ar.core.allocation import Settlement
from beancount_ar.core.model import Item
from beancount_ar.core.money import ZERO, quantum

DEFAULT_BUCKETS = (30, 60, 90)
BY_DUE = "due"
BY_INVOICE = "invoice"


def parse_buckets(text: str) -> tuple[int, ...]:
    """Bucket limits from text such as "30,60,90"; ValueError says what is expected."""
    try:
        limits = tuple(int(part) for part in text.replace(" ", "").split(",") if part)
    except ValueError:
        raise ValueError(f"buckets {text!r}: expected increasing whole numbers of days such as "
                         "30,60,90") from None
    if not limits or any(b <= 0 for b in limits) or list(limits) != sorted(set(limits)):
        raise ValueError(f"buckets {text!r}: expected increasing positive numbers of days such "
                         "as 30,60,90")
    return limits


def bucket_labels(limits: Sequence[int], by: str = BY_DUE) -> tuple[str, ...]:
    """Labels of the buckets, e.g. ('current', '1-30', '31-60', '61-90', '90+')."""
    labels = ["current"] if by == BY_DUE else []
    low = 1 if by == BY_DUE else 0
    for limit in limits:
        labels.append(f"{low}-{limit}")
        low = limit + 1
    labels.append(f"{limits[-1]}+")
    return tuple(labels)


def item_age(item: Item, as_of: datetime.date, by: str = BY_DUE) -> int:
    """Days past due (by due date) or days since the invoice (by invoice date) on `as_of`."""
    return (as_of - (item.due if by == BY_DUE else item.date)).days


def bucket_index(days: int, limits: Sequence[int], by: str = BY_DUE) -> int:
    """Which bucket an age in days falls into (days past due, or days since the invoice)."""
    if by == BY_DUE:
        if days <= 0:
            return 0
        offset = 1
    else:
        offset = 0
    for index, limit in enumerate(limits):
        if days <= limit:
            return index + offset
    return len(limits) + offset


@dataclass(frozen=True, slots=True)
class AgingRow:
    customer: str
    name: str
    currency: str
    buckets: tuple[Decimal, ...]
    unapplied: Decimal  # unapplied credits, a negative amount or zero
    total: Decimal


@dataclass(frozen=True, slots=True)
class Aging:
    as_of: datetime.date
    by: str
    labels: tuple[str, ...]
    rows: tuple[AgingRow, ...]
    totals: dict[str, AgingRow]  # per currency; customer and name are ""
    balances: dict[str, Decimal]  # the receivable accounts' balance per currency

    def difference(self, currency: str) -> Decimal:
        """Aging total minus the receivable balance (zero when they reconcile)."""
        total = self.totals[currency].total if currency in self.totals else ZERO
        return total - self.balances.get(currency, ZERO)

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.totals) | set(self.balances)))


def _zero(currency: str) -> Decimal:
    return ZERO.quantize(quantum(currency))


def receivable_balances(entries: Iterable[Any], root: str,
                        as_of: datetime.date | None = None,
                        accounts: Collection[str] | None = None) -> dict[str, Decimal]:
    """Balance per currency of every account at or under `root` (of exactly `accounts` when
    given), straight from the postings."""
    prefix = root + ":"
    wanted = set(accounts) if accounts is not None else None
    balances: dict[str, Decimal] = {}
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        if as_of is not None and entry.date > as_of:
            break
        for posting in entry.postings:
            account = posting.account
            if wanted is not None and account not in wanted:
                continue
            if (account == root or account.startswith(prefix)) and posting.units is not None:
                currency = posting.units.currency
                number = posting.units.number
                if number is not None:
                    balances[currency] = balances.get(currency, ZERO) + number
    return balances


def aging(settlement: Settlement, as_of: datetime.date, by: str = BY_DUE,
          limits: Sequence[int] = DEFAULT_BUCKETS,
          balances: dict[str, Decimal] | None = None,
          customers: Collection[str] | None = None) -> Aging:
    """The aged receivables of a settlement (which must be settled as of `as_of`)."""
    labels = bucket_labels(limits, by)
    width = len(labels)
    cells: dict[tuple[str, str], list[Decimal]] = {}
    unapplied: dict[tuple[str, str], Decimal] = {}
    # The bucket of each due (or invoice) date, worked out once per date: thousands of items
    # share a few hundred dates.
    bucket_of: dict[datetime.date, int] = {}
    by_due = by == BY_DUE
    for state in settlement.open_items():
        item = state.item
        if customers is not None and item.customer not in customers:
            continue
        key = (item.customer, item.currency)
        cell = cells.get(key)
        if cell is None:  # not setdefault: a zero quantized for each of thousands of items
            cell = cells[key] = [_zero(item.currency)] * width
        day = item.due if by_due else item.date
        index = bucket_of.get(day)
        if index is None:
            index = bucket_of[day] = bucket_index(item_age(item, as_of, by), limits, by)
        cell[index] += state.open
    for left in settlement.unapplied:
        key = (left.credit.customer, left.credit.currency)
        if customers is not None and key[0] not in customers:
            continue
        cells.setdefault(key, [_zero(key[1])] * width)
        unapplied[key] = unapplied.get(key, _zero(key[1])) - left.amount
    book = settlement.book
    rows = []
    for (customer, currency), amounts in sorted(
            cells.items(), key=lambda kv: (book.customers[kv[0][0]].name.lower(), kv[0][1])):
        credit = unapplied.get((customer, currency), _zero(currency))
        rows.append(AgingRow(customer, book.customers[customer].name, currency, tuple(amounts),
                             credit, sum(amounts, ZERO) + credit))
    sums: dict[str, list[Decimal]] = {}  # per currency: the buckets, unapplied, total
    for row in rows:
        found = sums.get(row.currency)
        if found is None:
            sums[row.currency] = [*row.buckets, row.unapplied, row.total]
        else:
            for index, amount in enumerate((*row.buckets, row.unapplied, row.total)):
                found[index] += amount
    totals = {currency: AgingRow("", "", currency, tuple(found[:width]), found[width],
                                 found[width + 1]) for currency, found in sums.items()}
    return Aging(as_of, by, labels, tuple(rows), totals, dict(balances or {}))
