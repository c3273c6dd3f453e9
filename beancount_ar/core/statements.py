"""Statements of account: what a customer owes, and how it came about, as plain records.

Two types, for one customer, built from a `Settlement` settled as of the statement's date:

- **open items** (``open``): every invoice, instalment, penalty or other debit still open at the
  date, with its due date, days overdue, amount, what was already settled and what is left; then
  any credit not yet applied. The running balance adds up the open amounts.
- **activity** (``activity``, balance forward): the balance the day before the period, then every
  invoice, credit note, payment, discount, write-off and penalty of the period in date order with
  a running balance, then the closing balance.

Both split the closing balance into *not yet due*, *overdue* and *unapplied credits* and age it
(the buckets of `beancount_ar.core.aging`), per currency. Both show the lettrage: a line's
`matches` say which credits settled an invoice, or which invoices a payment settled, and
lines that settle each other share a `letter` (upper case when the group is fully settled,
lower case while something in it is still open). For example, with this ledger:

    2026-09-01 * "Dupont" "Installation" ^F-7
      invoice: "F-7"
      Assets:Receivable:Dupont   1200.00 EUR
      Income:Sales

    2026-10-15 * "Dupont" "Acompte" ^F-7
      Assets:Bank                 500.00 EUR
      Assets:Receivable:Dupont   -500.00 EUR

the activity statement of October 2026 shows an opening balance of 1200.00, the 500.00
payment (matched to F-7, letter ``a``: F-7 is not settled yet) and a closing balance of 700.00,
all of it overdue (F-7 was due on 2026-10-01 with the default terms, net 30).

Everything here is pure: no I/O, no formatting (that is `beancount_ar.render`).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from beancount_ar.core import aging as aging_lib
from beancount_ar.core.allocation import ItemState, Settlement, Unapplied
from beancount_ar.core.customers import find_customer
from beancount_ar.core.model import INVOICE, PENALTY, Allocation, Credit, Customer, Item
from beancount_ar.core.money import ZERO

OPEN_ITEMS = "open"
ACTIVITY = "activity"
TYPES = (OPEN_ITEMS, ACTIVITY)
UNAPPLIED = "unapplied"  # the kind of a Match for the part of a credit applied to nothing


class StatementError(ValueError):
    """Bad input for a statement (unknown customer, empty period...); the message says why."""


@dataclass(frozen=True, slots=True)
class Match:
    """One line of lettrage seen from a statement line: what it was matched with."""

    date: datetime.date
    reference: str  # for an invoice line, the credit's reference; for a credit, the item's
    kind: str  # payment, credit_note, writeoff, discount, or UNAPPLIED
    amount: Decimal
    netted: bool = False  # an unapplied credit set against the item at the statement date


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a statement."""

    date: datetime.date
    kind: str  # invoice, debit, penalty (debits); payment, credit_note, writeoff, discount
    reference: str  # invoice number (with "2/3" for an instalment), credit-note number, or ""
    description: str  # the transaction's narration (untrusted text: escape it)
    amount: Decimal  # positive: charged to the customer; negative: credited
    balance: Decimal  # running balance after this line
    due: datetime.date | None = None
    open: Decimal | None = None  # debits: what is still owed at the statement date
    days_overdue: int = 0
    letter: str = ""
    matches: tuple[Match, ...] = ()
    instalments: tuple[tuple[datetime.date, Decimal], ...] = ()  # of a split invoice
    discount: Decimal = ZERO  # a payment: the part of it booked as an early-payment discount
    invoice: str | None = None  # the invoice a penalty is charged on
    filename: str | None = None
    lineno: int | None = None
    detail: str = ""  # a penalty: how it was computed (its entry's narration; untrusted)
    note: int | None = None  # a penalty: the number of the `Note` that gives `detail`

    @property
    def debit(self) -> Decimal:
        return self.amount if self.amount > 0 else ZERO

    @property
    def credit(self) -> Decimal:
        return -self.amount if self.amount < 0 else ZERO

    @property
    def closed_date(self) -> datetime.date | None:
        """A debit settled in full: the date of the last credit applied to it."""
        if self.open != 0 or self.amount <= 0 or not self.matches:
            return None
        return max(m.date for m in self.matches)

    @property
    def settled(self) -> Decimal:
        """What was already applied to the line (its amount minus what is open)."""
        return self.amount - self.open if self.open is not None else ZERO


@dataclass(frozen=True, slots=True)
class Note:
    """How a late-payment charge was computed (the narration of its entry), printed once below
    the lines so that each charge takes one line of the statement."""

    number: int
    date: datetime.date
    invoice: str
    text: str  # untrusted text: escape it


@dataclass(frozen=True, slots=True)
class Part:
    """The statement in one currency."""

    currency: str
    opening: Decimal  # activity: balance the day before the period; open items: zero
    lines: tuple[Line, ...]
    closing: Decimal  # the balance at the statement date
    not_yet_due: Decimal
    overdue: Decimal
    unapplied: Decimal  # credits applied to nothing, zero or negative
    aging_labels: tuple[str, ...]  # ('current', '1-30', ...)
    aging: tuple[Decimal, ...]  # open amounts per bucket, by days past due
    notes: tuple[Note, ...] = ()  # how each late-payment charge of the lines was computed

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)

    @property
    def amount_due(self) -> Decimal:
        """What the customer is asked to pay: the closing balance, if positive."""
        return self.closing if self.closing > 0 else ZERO


@dataclass(frozen=True, slots=True)
class Statement:
    """A statement of account of one customer (see the module docstring)."""

    kind: str  # OPEN_ITEMS or ACTIVITY
    customer: Customer
    start: datetime.date | None  # first day of the period (None for open items)
    end: datetime.date  # the statement date: balances, aging and lettrage are as of this day
    parts: tuple[Part, ...]  # one per currency, by currency code
    reference: str  # the customer's payment reference

    @property
    def opening_date(self) -> datetime.date | None:
        """The date of the opening balance: the day before the period."""
        return self.start - datetime.timedelta(days=1) if self.start else None

    def balances(self) -> dict[str, Decimal]:
        return {part.currency: part.closing for part in self.parts}


# -- customers -------------------------------------------------------------------------------


def payment_reference(customer: Customer) -> str:
    """What the customer should write on a payment: ``reference:`` metadata on its ``open``,
    else the last component of its account (its name within a shared account)."""
    reference = customer.meta.get("reference") if customer.meta else None
    if isinstance(reference, str) and reference.strip():
        return " ".join(reference.split())
    return customer.name if customer.shared else customer.account.rsplit(":", 1)[-1]


def remittance_text(statement: Statement, part: Part, limit: int = 140) -> str:
    """The payment's remittance text: the customer's reference, then the open invoice numbers
    while they fit in `limit` characters (140 for a SEPA transfer)."""
    text = statement.reference[:limit]
    numbers: list[str] = []
    for line in part.lines:
        if line.open and line.open > 0 and line.kind == INVOICE:
            number = line.reference.split(" ")[0]
            if number and number not in numbers:
                numbers.append(number)
    for number in numbers:
        if len(text) + 1 + len(number) > limit:
            break
        text = f"{text} {number}"
    return text


# -- index -----------------------------------------------------------------------------------


class _Index:
    """The settlement sorted by customer, built once for any number of statements."""

    def __init__(self, settlement: Settlement) -> None:
        if settlement.as_of is None:
            raise StatementError("a statement needs a settlement as of a date")
        self.settlement = settlement
        self.book = settlement.book
        self.as_of = settlement.as_of
        self.states: dict[str, list[ItemState]] = {}
        self.state_of: dict[int, ItemState] = {}
        for state in settlement.items:
            self.states.setdefault(state.item.customer, []).append(state)
            self.state_of[state.item.id] = state
        self.events: dict[str, list[Item | Credit]] = {}
        for event in self.book.events:
            if event.date > self.as_of:
                break
            self.events.setdefault(event.customer, []).append(event)
        self.by_credit: dict[int, list[Allocation]] = {}
        for allocation in settlement.allocations:
            self.by_credit.setdefault(allocation.credit.id, []).append(allocation)
        self.unapplied: dict[str, list[Unapplied]] = {}
        self.unapplied_of: dict[int, Decimal] = {}
        for left in settlement.unapplied:
            self.unapplied.setdefault(left.credit.customer, []).append(left)
            self.unapplied_of[left.credit.id] = (
                self.unapplied_of.get(left.credit.id, ZERO) + left.amount)

    def balances(self, customer: str) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for state in self.states.get(customer, ()):
            currency = state.item.currency
            totals[currency] = totals.get(currency, ZERO) + state.open
        for left in self.unapplied.get(customer, ()):
            currency = left.credit.currency
            totals[currency] = totals.get(currency, ZERO) - left.amount
        return totals


def customers_with_balance(settlement: Settlement) -> list[str]:
    """Keys of the customers whose balance is not zero (in some currency), by name."""
    index = _Index(settlement)
    customers = settlement.book.customers
    keys = [key for key in customers if any(v != 0 for v in index.balances(key).values())]
    return sorted(keys, key=lambda k: (customers[k].name.lower(), k))


# -- lettrage --------------------------------------------------------------------------------


Node = tuple[str, "str | int | None"]  # in the lettrage graph: an invoice, an item, a credit


def _item_node(item: Item) -> Node:
    return ("invoice", item.invoice) if item.kind == INVOICE else ("item", item.id)


def _credit_node(credit: Credit) -> Node:
    return ("credit", credit.id)


class _Letters:
    """Groups of items and credits matched together; letters in order of first appearance."""

    def __init__(self, index: _Index, customer: str) -> None:
        self.parent: dict[Node, Node] = {}
        self.closed: dict[Node, bool] = {}
        for state in index.states.get(customer, ()):
            node = _item_node(state.item)
            self.closed[node] = self.closed.get(node, True) and state.open == 0
            for allocation in state.allocations:
                credit = _credit_node(allocation.credit)
                self.closed[credit] = index.unapplied_of.get(allocation.credit.id, ZERO) == 0
                self.union(node, credit)
        self.group_closed: dict[Node, bool] = {}
        for node in list(self.parent):  # only nodes that took part in an allocation
            root = self.find(node)
            self.group_closed[root] = self.group_closed.get(root, True) and self.closed[node]
        self.letters: dict[Node, str] = {}

    def find(self, node: Node) -> Node:
        parent = self.parent.setdefault(node, node)
        while parent != node:
            grand = self.parent.setdefault(parent, parent)
            self.parent[node] = grand
            node, parent = parent, grand
        return node

    def union(self, a: Node, b: Node) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[root_b] = root_a

    def letter(self, node: Node) -> str:
        if node not in self.parent:
            return ""
        root = self.find(node)
        if root not in self.letters:
            self.letters[root] = _letter_code(len(self.letters))
        code = self.letters[root]
        return code if self.group_closed[root] else code.lower()


def _letter_code(number: int) -> str:
    """A, B, ..., Z, AA, AB, ..."""
    code = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        code = chr(ord("A") + rest) + code
    return code


# -- building --------------------------------------------------------------------------------


def _meta(entry: object) -> tuple[str | None, int | None]:
    meta = getattr(entry, "meta", None) or {}
    return meta.get("filename"), meta.get("lineno")


def _narration(entry: object) -> str:
    return (getattr(entry, "narration", None) or "").strip()


def _credit_reference(credit: Credit) -> str:
    return credit.number or _narration(credit.entry) or credit.kind.replace("_", " ")


def _item_reference(item: Item) -> str:
    if item.kind == INVOICE:
        return item.label
    if item.kind == PENALTY:
        return item.invoice or ""
    return ""


def _item_matches(states: Sequence[ItemState]) -> tuple[Match, ...]:
    matches = [Match(a.date, _credit_reference(a.credit), a.kind, a.amount, a.netted)
               for state in states for a in state.allocations]
    return tuple(sorted(matches, key=lambda m: m.date))


def _credit_matches(index: _Index, credit: Credit) -> tuple[Match, ...]:
    matches = [Match(a.date, _item_reference(a.item) or _narration(a.item.entry), a.kind,
                     a.amount, a.netted)
               for a in index.by_credit.get(credit.id, ())]
    left = index.unapplied_of.get(credit.id, ZERO)
    if left:
        matches.append(Match(credit.date, "", UNAPPLIED, left))
    return tuple(matches)


def _item_line(index: _Index, letters: _Letters, states: Sequence[ItemState],
               balance: Decimal, amount: Decimal | None = None) -> Line:
    """A line for an item, or for an invoice and all its instalments (`states`)."""
    item = states[0].item
    filename, lineno = _meta(item.entry)
    open_amount = sum((s.open for s in states), ZERO)
    split = item.kind == INVOICE and item.parts > 1 and len(states) > 1
    reference = item.invoice if split else _item_reference(item)
    # A charge the penalties plugin computed: its narration is the computation, for a note.
    generated_charge = (item.kind == PENALTY and item.entry is not None
                        and bool(item.entry.meta.get("ar_generated")))
    return Line(
        date=item.date,
        kind=item.kind,
        reference=reference or "",
        description="" if generated_charge else _narration(item.entry),
        detail=_narration(item.entry) if generated_charge else "",
        amount=item.amount if amount is None else amount,
        balance=balance,
        due=max(s.item.due for s in states) if split else item.due,
        open=open_amount,
        days_overdue=max(s.days_overdue(index.as_of) for s in states),
        letter=letters.letter(_item_node(item)),
        matches=_item_matches(states),
        instalments=tuple((s.item.due, s.item.amount) for s in states) if split else (),
        invoice=item.invoice if item.kind == PENALTY else None,
        filename=filename,
        lineno=lineno,
    )


def _credit_line(index: _Index, letters: _Letters, credit: Credit, amount: Decimal,
                 balance: Decimal) -> Line:
    filename, lineno = _meta(credit.entry)
    # A discount the invoice plugin posted says what it is by its kind and lettrage; its
    # narration (in the plugin's words) would be English in a French statement.
    generated = credit.entry is not None and bool(credit.entry.meta.get("ar_generated"))
    return Line(
        date=credit.date,
        kind=credit.kind,
        reference=credit.number or "",
        description="" if generated else _narration(credit.entry),
        amount=amount,
        balance=balance,
        letter=letters.letter(_credit_node(credit)),
        matches=_credit_matches(index, credit),
        discount=credit.discount,
        filename=filename,
        lineno=lineno,
    )


def _activity_lines(index: _Index, letters: _Letters, customer: str, currency: str,
                    start: datetime.date, opening: Decimal) -> list[Line]:
    lines: list[Line] = []
    balance = opening
    seen: set[str] = set()
    for event in index.events.get(customer, ()):
        if event.currency != currency or event.date < start:
            continue
        if isinstance(event, Credit):
            balance -= event.amount
            lines.append(_credit_line(index, letters, event, -event.amount, balance))
            continue
        if event.kind == INVOICE and event.invoice is not None:
            if event.invoice in seen:
                continue
            seen.add(event.invoice)
            invoice = index.book.invoices[event.invoice]
            states = [index.state_of[i.id] for i in invoice.items if i.id in index.state_of]
            balance += invoice.amount
            lines.append(_item_line(index, letters, states, balance, invoice.amount))
            continue
        balance += event.amount
        lines.append(_item_line(index, letters, [index.state_of[event.id]], balance))
    return lines


def _open_lines(index: _Index, letters: _Letters, customer: str, currency: str) -> list[Line]:
    states = [s for s in index.states.get(customer, ())
              if s.item.currency == currency and s.open != 0]
    states.sort(key=lambda s: (s.item.due, s.item.date, s.item.id))
    lines: list[Line] = []
    balance = ZERO
    for state in states:
        balance += state.open
        lines.append(_item_line(index, letters, [state], balance))
    for left in index.unapplied.get(customer, ()):
        if left.credit.currency != currency:
            continue
        balance -= left.amount
        line = _credit_line(index, letters, left.credit, -left.amount, balance)
        lines.append(dataclasses.replace(line, open=-left.amount))
    return lines


def _aging(index: _Index, customer: str, currency: str) -> tuple[tuple[str, ...],
                                                                  tuple[Decimal, ...], Decimal]:
    """Aging buckets and unapplied credits of one customer and currency, by due date."""
    settlement = dataclasses.replace(
        index.settlement,
        items=tuple(index.states.get(customer, ())),
        unapplied=tuple(index.unapplied.get(customer, ())),
    )
    report = aging_lib.aging(settlement, index.as_of, aging_lib.BY_DUE,
                             customers={customer})
    for row in report.rows:
        if row.currency == currency:
            return report.labels, row.buckets, row.unapplied
    return report.labels, tuple(ZERO for _ in report.labels), ZERO


def _build(index: _Index, customer: str, kind: str, start: datetime.date | None) -> Statement:
    book = index.book
    end = index.as_of
    events = index.events.get(customer, ())
    currencies = sorted({event.currency for event in events})
    letters = _Letters(index, customer)
    closing_of = index.balances(customer)
    parts: list[Part] = []
    for currency in currencies:
        closing = closing_of.get(currency, ZERO)
        if kind == ACTIVITY and start is not None:
            opening = sum((e.amount if isinstance(e, Item) else -e.amount
                           for e in events if e.currency == currency and e.date < start), ZERO)
            lines = _activity_lines(index, letters, customer, currency, start, opening)
            if not lines and opening == 0 and closing == 0:
                continue
        else:
            opening = ZERO
            lines = _open_lines(index, letters, customer, currency)
            if not lines and closing == 0:
                continue
        labels, buckets, unapplied = _aging(index, customer, currency)
        lines, notes = _with_notes(lines)
        parts.append(Part(
            currency=currency,
            opening=opening,
            lines=tuple(lines),
            notes=notes,
            closing=closing,
            not_yet_due=buckets[0],
            overdue=sum(buckets[1:], ZERO),
            unapplied=unapplied,
            aging_labels=labels,
            aging=buckets,
        ))
    customer_record = book.customers[customer]
    return Statement(kind, customer_record, start if kind == ACTIVITY else None, end,
                     tuple(parts), payment_reference(customer_record))


def _with_notes(lines: list[Line]) -> tuple[list[Line], tuple[Note, ...]]:
    """Number the late-payment charges of `lines`: each keeps one short line, and how it was
    computed becomes a note."""
    notes: list[Note] = []
    out = []
    for line in lines:
        if line.detail:
            notes.append(Note(len(notes) + 1, line.date, line.invoice or "", line.detail))
            line = dataclasses.replace(line, note=len(notes))
        out.append(line)
    return out, tuple(notes)


def _check(kind: str, start: datetime.date | None, end: datetime.date) -> None:
    if kind not in TYPES:
        raise StatementError(f"statement type {kind!r}: expected one of {', '.join(TYPES)}")
    if kind == ACTIVITY and start is None:
        raise StatementError("an activity statement needs the first day of its period")
    if start is not None and start > end:
        raise StatementError(f"empty period: it starts on {start}, after its end {end}; give a "
                             "start date on or before the end date")


def build_statements(settlement: Settlement, customers: Iterable[str], kind: str,
                     start: datetime.date | None = None) -> list[Statement]:
    """Statements of several customers (keys) as of the settlement's date, in the given order.

    `settlement` must be settled as of the statement date (with unapplied credits netted, as
    `beancount_ar.core.subledger.subledger` does); `start` is the first day of an activity
    statement's period.
    """
    if settlement.as_of is None:
        raise StatementError("a statement needs a settlement as of a date")
    _check(kind, start, settlement.as_of)
    index = _Index(settlement)
    out = []
    for key in customers:
        if key not in settlement.book.customers:
            raise StatementError(f"customer {key!r}: no such customer")
        out.append(_build(index, key, kind, start))
    return out


def build_statement(settlement: Settlement, customer: str, kind: str,
                    start: datetime.date | None = None) -> Statement:
    """The statement of one customer (a key, account or name: see `find_customer`)."""
    key = find_customer(settlement.book, customer)
    return build_statements(settlement, [key], kind, start)[0]


__all__ = [
    "OPEN_ITEMS", "ACTIVITY", "TYPES", "UNAPPLIED", "StatementError", "Match", "Line", "Part",
    "Statement", "find_customer", "payment_reference", "remittance_text",
    "customers_with_balance", "build_statements", "build_statement",
]
