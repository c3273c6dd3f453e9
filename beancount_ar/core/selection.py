"""Which items a list shows, in which order, and under which status: one rule for every view.

Every list of items - ``bean-ar invoices``, Fava's Invoices page and a customer's open items,
the lines behind an aging cell - is the settlement's items filtered by an `ItemQuery` and
sorted by one of `SORT_KEYS`. Items are of four kinds: an ``invoice``, an ``instalment`` of a
split invoice, a ``penalty`` (late-payment interest or indemnity charged on an invoice, shown
with the invoice it is charged on) and a ``debit`` (any other debit to a receivable). Nothing is
left out by default, so the open amounts of a list add up to the aging and to the balance:

    2026-01-15 * "Dupont" "Facture" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   1200.00 EUR
      Income:Sales

    2026-03-31 * "Dupont" "Pénalités de retard F-1" ^F-1 #ar-penalty
      Assets:Receivable:Dupont     52.00 EUR
      Income:Penalties

as of 2026-04-01 lists F-1 (invoice, overdue 46 days) and its 52.00 charge (penalty, charged on
F-1); ``ItemQuery(kinds={"invoice"})`` keeps F-1 alone, ``ItemQuery(statuses=parse_statuses(
"unpaid"))`` both, and ``ItemQuery(buckets={2})`` what the aging puts in "31-60".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from beancount_ar.core import aging as aging_lib
from beancount_ar.core.allocation import DISPUTED, OPEN, OVERDUE, STATUSES, ItemState, Settlement
from beancount_ar.core.model import DEBIT, INVOICE, PENALTY, Item

# Kinds of the items a list shows.
INSTALMENT = "instalment"
KINDS = (INVOICE, INSTALMENT, PENALTY, DEBIT)

# Status groups a filter accepts besides the statuses themselves.
UNPAID = "unpaid"  # everything with an open amount: open, overdue and disputed
STATUS_GROUPS: dict[str, frozenset[str]] = {UNPAID: frozenset({OPEN, OVERDUE, DISPUTED})}


def item_kind(item: Item) -> str:
    """One of KINDS: an invoice item of a split invoice is an instalment."""
    if item.kind == INVOICE and item.parts > 1:
        return INSTALMENT
    return item.kind


def _words(text: str | Iterable[str] | None) -> list[str]:
    if text is None:
        return []
    parts = text.split(",") if isinstance(text, str) else list(text)
    return [part.strip() for part in parts if part and part.strip()]


def parse_statuses(text: str | Iterable[str] | None) -> frozenset[str] | None:
    """The statuses a filter such as "unpaid" or "overdue,disputed" keeps; None for all.
    ValueError names the accepted values."""
    words = _words(text)
    if not words:
        return None
    wanted: set[str] = set()
    for word in words:
        if word in STATUS_GROUPS:
            wanted |= STATUS_GROUPS[word]
        elif word in STATUSES:
            wanted.add(word)
        else:
            raise ValueError(f"status {word!r}: expected one of "
                             f"{', '.join((*STATUS_GROUPS, *STATUSES))}")
    return frozenset(wanted)


def parse_kinds(text: str | Iterable[str] | None) -> frozenset[str] | None:
    """The kinds a filter such as "invoice,instalment" keeps; None for all. ValueError names
    the accepted values."""
    words = _words(text)
    if not words:
        return None
    unknown = [word for word in words if word not in KINDS]
    if unknown:
        raise ValueError(f"kind {unknown[0]!r}: expected one of {', '.join(KINDS)}")
    return frozenset(words)


@dataclass(frozen=True, slots=True)
class Listed:
    """An item as a list shows it: its state, status, days overdue, kind and customer name."""

    state: ItemState
    status: str
    days: int
    kind: str
    name: str

    @property
    def item(self) -> Item:
        return self.state.item


def listed_items(settlement: Settlement, as_of: datetime.date) -> list[Listed]:
    """Every item of the settlement as a list shows it, by date then invoice (the default
    order of every list)."""
    customers = settlement.book.customers
    listed = [Listed(state, settlement.status(state, as_of), state.days_overdue(as_of),
                     item_kind(state.item), customers[state.item.customer].name)
              for state in settlement.items]
    listed.sort(key=SORT_KEYS["date"])
    return listed


@dataclass(frozen=True, slots=True)
class ItemQuery:
    """What a list keeps; every criterion left None keeps everything."""

    customers: Collection[str] | None = None  # customer keys
    currency: str | None = None
    kinds: Collection[str] | None = None  # of KINDS
    statuses: Collection[str] | None = None  # of STATUSES (see parse_statuses for groups)
    begin: datetime.date | None = None  # item date from...
    end: datetime.date | None = None  # ... to (inclusive)
    buckets: Collection[int] | None = None  # aging bucket numbers: open items in them
    by: str = aging_lib.BY_DUE  # how buckets age items
    limits: Sequence[int] = aging_lib.DEFAULT_BUCKETS  # the aging's bucket limits

    def keeps(self, listed: Listed, as_of: datetime.date) -> bool:
        item = listed.state.item
        if self.customers is not None and item.customer not in self.customers:
            return False
        if self.currency is not None and item.currency != self.currency:
            return False
        if self.kinds is not None and listed.kind not in self.kinds:
            return False
        if self.statuses is not None and listed.status not in self.statuses:
            return False
        if (self.begin is not None and item.date < self.begin) or (
                self.end is not None and item.date > self.end):
            return False
        if self.buckets is not None:
            if listed.state.open == 0:
                return False
            age = aging_lib.item_age(item, as_of, self.by)
            if aging_lib.bucket_index(age, self.limits, self.by) not in self.buckets:
                return False
        return True


SORT_KEYS: dict[str, Callable[[Listed], Any]] = {
    "date": lambda p: (p.item.date, p.item.invoice or "", p.item.part, p.item.id),
    "due": lambda p: (p.item.due, p.item.date, p.item.id),
    "invoice": lambda p: (p.item.invoice or "", p.item.part, p.item.id),
    "customer": lambda p: (p.name.casefold(), p.item.date, p.item.id),
    "kind": lambda p: (KINDS.index(p.kind), p.item.date, p.item.id),
    "status": lambda p: (p.status, p.item.date, p.item.id),
    "days": lambda p: (p.days, p.item.date, p.item.id),
    "amount": lambda p: (p.item.currency, p.item.amount, p.item.id),
    "open": lambda p: (p.item.currency, p.state.open, p.item.id),
    "currency": lambda p: (p.item.currency, p.item.date, p.item.id),
}
DEFAULT_ORDER = {"date": "desc"}  # newest first; every other key ascending


def select(listed: Iterable[Listed], query: ItemQuery, as_of: datetime.date,
           sort: str = "date", descending: bool | None = None) -> list[Listed]:
    """The items `query` keeps, sorted by `sort` (one of SORT_KEYS; ValueError otherwise),
    descending by default for "date" only. `listed` must be in `listed_items` order."""
    if sort not in SORT_KEYS:
        raise ValueError(f"sort {sort!r}: expected one of {', '.join(SORT_KEYS)}")
    if descending is None:
        descending = DEFAULT_ORDER.get(sort) == "desc"
    kept = [entry for entry in listed if query.keeps(entry, as_of)]
    if sort == "date":  # listed_items' order already
        return kept[::-1] if descending else kept
    kept.sort(key=SORT_KEYS[sort], reverse=descending)
    return kept


__all__ = ["INSTALMENT", "KINDS", "UNPAID", "STATUS_GROUPS", "ItemQuery", "Listed", "SORT_KEYS",
           "item_kind", "listed_items", "parse_kinds", "parse_statuses", "select"]
