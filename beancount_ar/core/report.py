"""The state of every item as of a date: the rows of ``bean-ar invoices`` and of every list.

One row per item - an invoice, each instalment of a split invoice, a late-payment charge (with
the invoice it is charged on) or another debit - with its kind, status, days overdue, open
amount and the allocations that settled it (the lettrage). Which rows a list shows and in which
order is `beancount_ar.core.selection`:

    2025-01-15 * "Dupont" "Facture" ^F-1
      invoice: "F-1"
      terms: "2/10 net 30"
      Assets:Receivable:Dupont   1000.00 EUR
      Income:Sales

gives, as of 2025-03-01 with nothing paid: ``F-1  2025-01-15  due 2025-02-14  open 1000.00 EUR
overdue 15 days  discount 20.00 until 2025-01-25``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from beancount_ar.core.allocation import ItemState, Settlement
from beancount_ar.core.model import PENALTY, Allocation
from beancount_ar.core.money import ZERO
from beancount_ar.core.selection import ItemQuery, Listed, item_kind, listed_items, select


@dataclass(frozen=True, slots=True)
class Settled:
    """One allocation as seen from the item: when, how much, by what."""

    date: datetime.date
    amount: Decimal
    kind: str  # payment, credit_note, writeoff, discount
    reference: str  # the credit note number, else the credit's narration
    netted: bool
    filename: str | None
    lineno: int | None


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    invoice: str  # the invoice number ("" for a penalty or a debit that is no invoice)
    instalment: str | None  # "1/2" where the invoice is split
    kind: str  # invoice, instalment, penalty or debit (`selection.KINDS`)
    customer: str
    customer_name: str
    date: datetime.date
    due: datetime.date
    currency: str
    amount: Decimal
    open: Decimal
    status: str
    days_overdue: int
    discount_until: datetime.date | None
    discount: Decimal | None
    paid_date: datetime.date | None
    payments: tuple[Settled, ...]
    penalties: Decimal  # late-payment charges posted on the invoice to date (#ar-penalty)
    narration: str
    filename: str | None
    lineno: int | None
    charged_on: str | None = None  # a penalty's invoice
    einvoice: str | None = None  # the invoice's latest e-invoicing platform status

    @property
    def label(self) -> str:
        """What a list names the row by: the invoice number with its instalment, the invoice a
        penalty is charged on, else the narration."""
        if self.charged_on:
            return self.charged_on
        name = self.invoice or self.narration or self.kind
        return f"{name} {self.instalment}" if self.instalment else name


def settled(allocation: Allocation) -> Settled:
    credit = allocation.credit
    entry = credit.entry
    meta = entry.meta if entry is not None else {}
    reference = credit.number or (entry.narration if entry is not None else "") or ""
    return Settled(allocation.date, allocation.amount, allocation.kind, reference,
                   allocation.netted, meta.get("filename"), meta.get("lineno"))


def invoice_row(state: ItemState, settlement: Settlement, as_of: datetime.date,
                penalties: dict[tuple[str | None, int], Decimal] | None = None) -> InvoiceRow:
    item = state.item
    customer = settlement.book.customers[item.customer]
    entry = item.entry
    meta = entry.meta if entry is not None else {}
    penalty = item.kind == PENALTY
    return InvoiceRow(
        invoice="" if penalty else item.invoice or "",
        instalment=f"{item.part}/{item.parts}" if item.parts > 1 else None,
        kind=item_kind(item),
        customer=item.customer,
        customer_name=customer.name,
        date=item.date,
        due=item.due,
        currency=item.currency,
        amount=item.amount,
        open=state.open,
        status=settlement.status(state, as_of),
        days_overdue=state.days_overdue(as_of),
        discount_until=item.discount_until if item.discount else None,
        discount=item.discount if item.discount else None,
        paid_date=state.closed_date,
        payments=tuple(settled(a) for a in state.allocations),
        penalties=(penalties.get((item.invoice, item.part), ZERO)
                   if penalties and not penalty else ZERO),
        narration=(entry.narration if entry is not None else "") or "",
        filename=meta.get("filename"),
        lineno=meta.get("lineno"),
        charged_on=item.invoice if penalty else None,
    )


def penalties_posted(settlement: Settlement) -> dict[tuple[str | None, int], Decimal]:
    """Penalties charged per (invoice, instalment) to the settlement's date.

    A penalty item names its invoice; its instalment is the ``instalment`` metadata of the
    penalty transaction (1 when absent)."""
    totals: dict[tuple[str | None, int], Decimal] = {}
    for state in settlement.items:
        item = state.item
        if item.kind != PENALTY:
            continue
        part = 1
        if item.entry is not None:
            try:
                part = int(item.entry.meta.get("instalment", 1))
            except (TypeError, ValueError):
                part = 1
        key = (item.invoice, part)
        totals[key] = totals.get(key, ZERO) + item.amount
    return totals


def rows_of(listed: Iterable[Listed], settlement: Settlement,
            as_of: datetime.date) -> list[InvoiceRow]:
    """The rows of items a selection keeps (`selection.select`), in its order."""
    penalties = penalties_posted(settlement)
    return [invoice_row(entry.state, settlement, as_of, penalties) for entry in listed]


def invoice_rows(settlement: Settlement, as_of: datetime.date,
                 query: ItemQuery | None = None, sort: str = "date",
                 descending: bool = False) -> list[InvoiceRow]:
    """The rows of every item `query` keeps (all by default, penalties and debits included),
    oldest first; ValueError for an unknown `sort`."""
    listed = select(listed_items(settlement, as_of), query or ItemQuery(), as_of, sort,
                    descending)
    return rows_of(listed, settlement, as_of)
