"""The receivables subledger as immutable records, built from the entries in one pass.

A customer's receivable account is the union of its debit *items* (invoices, or each instalment
of a split invoice, and other debits such as refunds) and its *credits* (payments, credit notes,
write-offs, discounts). Settling (see `allocation.py`) matches credits to items and gives
*allocations* - the lettrage. For example:

    2025-01-15 * "Dupont" "Facture" ^F-1
      invoice: "F-1"
      terms: "30 % à réception ; 70 % 30 jours"
      Assets:Receivable:Dupont   1000.00 EUR      ; two items: 300.00 due 01-15, 700.00 due 02-14
      Income:Sales

    2025-01-20 * "Dupont" "Acompte" ^F-1
      Assets:Bank                300.00 EUR
      Assets:Receivable:Dupont  -300.00 EUR      ; a credit, allocated to item 1 of F-1
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from beancount.core.amount import Amount

# Item kinds.
INVOICE = "invoice"
DEBIT = "debit"  # a debit to a receivable that is not an invoice (refund, opening balance...)
PENALTY = "penalty"  # late-payment interest or indemnity charged on an invoice (#ar-penalty)
PENALTY_TAG = "ar-penalty"
GENERATED = "<beancount_ar>"  # the file name in the metadata of the entries the plugins add

# Credit kinds.
PAYMENT = "payment"
CREDIT_NOTE = "credit_note"
WRITEOFF = "writeoff"
DISCOUNT = "discount"


@dataclass(frozen=True, slots=True)
class Customer:
    """A customer: a receivable account, or a name within a shared receivable account."""

    key: str  # the account name, or "Account/Name" within a shared account
    account: str
    name: str
    shared: bool = False
    email: str | None = None
    address: str | None = None
    language: str | None = None
    terms: str | None = None
    credit_limit: Amount | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


class Item(NamedTuple):
    """Something the customer owes: one invoice, one instalment of an invoice, or another debit.

    Items, credits and allocations are named tuples: immutable, and cheap to build by the
    hundred thousand at every load."""

    id: int
    kind: str  # INVOICE, DEBIT or PENALTY
    customer: str  # Customer.key
    currency: str
    date: datetime.date
    due: datetime.date
    amount: Decimal
    invoice: str | None = None  # invoice number (for a penalty: the invoice it is charged on)
    part: int = 1  # instalment number, 1-based
    parts: int = 1  # number of instalments of the invoice
    discount_until: datetime.date | None = None
    discount: Decimal = Decimal(0)
    entry: Any = None

    @property
    def label(self) -> str:
        """The invoice number, with the instalment ("F-1 2/3") where the invoice is split."""
        name = self.invoice or (self.entry.narration if self.entry is not None else "") or "debit"
        return f"{name} {self.part}/{self.parts}" if self.parts > 1 else name


class Invoice(NamedTuple):
    """An invoice transaction and the items (instalments) it is split into."""

    number: str
    customer: str
    currency: str
    date: datetime.date
    amount: Decimal
    terms: str  # the terms text the due dates derive from ("" when `due:` is explicit)
    due: datetime.date  # the last instalment's due date
    items: tuple[Item, ...]
    discount_until: datetime.date | None = None
    discount: Decimal = Decimal(0)
    entry: Any = None


class Credit(NamedTuple):
    """A credit to a customer's receivable: a payment, credit note, write-off or discount."""

    id: int
    kind: str  # PAYMENT, CREDIT_NOTE, WRITEOFF or DISCOUNT
    customer: str
    currency: str
    date: datetime.date
    amount: Decimal  # positive: how much the receivable is credited
    refs: tuple[str, ...] = ()  # invoice numbers its invoice: metadata names
    links: tuple[str, ...] = ()  # its transaction's links (matched against invoices' links)
    discount: Decimal = Decimal(0)  # part of `amount` the same transaction books as a discount
    number: str | None = None  # the credit note's number
    entry: Any = None


class Allocation(NamedTuple):
    """Part of a credit applied to an item (one line of lettrage)."""

    credit: Credit
    item: Item
    date: datetime.date
    amount: Decimal
    kind: str  # the credit's kind, or DISCOUNT for the discount part of a payment
    netted: bool = False  # an unapplied credit set against the item at the reporting date


@dataclass(frozen=True, slots=True)
class Dispute:
    """An invoice put aside: ``custom "ar-dispute" "F-1" "reason"`` until
    ``custom "ar-dispute-resolved" "F-1" "how"``."""

    invoice: str
    opened: datetime.date
    reason: str
    resolved: datetime.date | None = None
    resolution: str | None = None
    entry: Any = field(default=None, compare=False, hash=False, repr=False)

    def active(self, day: datetime.date) -> bool:
        return self.opened <= day and (self.resolved is None or day < self.resolved)


@dataclass(frozen=True, slots=True)
class PlanInstalment:
    due: datetime.date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PaymentPlan:
    """A rescheduling agreed with a customer:
    ``custom "ar-plan" "F-1" 2026-05-15 1000.00 EUR 2026-06-15 1000.00 EUR`` (an invoice), or
    with a receivable account instead of an invoice number (the customer's whole open amount)."""

    date: datetime.date
    customer: str
    currency: str
    invoices: tuple[str, ...]  # the invoices it covers; () for all of the customer's
    instalments: tuple[PlanInstalment, ...]
    entry: Any = field(default=None, compare=False, hash=False, repr=False)

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.instalments), Decimal(0))


@dataclass(frozen=True, slots=True)
class ReminderRecord:
    """A reminder sent: ``custom "ar-reminder" "F-1" 2 "email"``."""

    date: datetime.date
    invoice: str
    customer: str
    level: int
    channel: str
    entry: Any = field(default=None, compare=False, hash=False, repr=False)
