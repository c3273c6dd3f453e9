"""Matching credits to invoices (lettrage), as of any date.

`settle` replays the subledger in date order up to an as-of date. Each credit is applied:

1. to the invoices it names - by a link it shares with them or by ``invoice:`` metadata on its
   receivable posting - instalments and late-payment charges in due-date order (a credit of
   exactly what the invoices themselves owe settles them and leaves the charges open);
2. else to the customer's oldest open items (by due date, then date) in the same currency -
   softly: a later credit that names one of those invoices and would otherwise pay more than it
   owes takes the place of this credit, which moves on to the customer's next open item (as an
   unapplied credit, netted as below). So a customer who pays 400.00 on account and later pays
   that invoice in full by name owes 400.00 less on the next one, and no overpayment is
   reported;
3. what is left is an unapplied credit of the customer, set against its oldest open items as
   soon as there are any (``netted`` allocations: a customer who deducts an overpayment from
   the next invoice owes nothing more). A netted allocation is soft: a later credit that names
   the invoice takes it back, and the credit goes on to the next open item. So open items
   minus unapplied credits always equal the receivable balance, and unapplied credits remain
   only while nothing is open.

An early-payment discount is taken when a payment inside the window is exactly the open amount
minus the discount of a run of untouched items (the invoices it names, or the oldest ones):

    2025-01-15 * "Dupont" "Installation" ^F-1
      invoice: "F-1"
      terms: "2/10 net 30"
      Assets:Receivable:Dupont   1000.00 EUR
      Income:Sales

    2025-01-20 * "Dupont" "Virement" ^F-1
      Assets:Bank                 980.00 EUR
      Assets:Receivable:Dupont   -980.00 EUR

closes F-1 with a 980.00 payment and a 20.00 discount: booked by the payment itself if it posts
to the discount account, else left *pending* for the invoice plugin to post. Results as of a
date depend on nothing dated after it.
"""

from __future__ import annotations

import datetime
from bisect import insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from beancount_ar.core.book import Book
from beancount_ar.core.errors import ARError, OverpaymentError
from beancount_ar.core.model import (
    CREDIT_NOTE,
    DISCOUNT,
    PAYMENT,
    WRITEOFF,
    Allocation,
    Credit,
    Item,
)
from beancount_ar.core.money import ZERO

_new = tuple.__new__  # builds a named tuple without its Python-level __new__ (hot paths only)

# Item statuses.
OPEN = "open"
OVERDUE = "overdue"
PAID = "paid"
CREDITED = "credited"
WRITTEN_OFF = "written_off"
DISPUTED = "disputed"  # open, and put aside by an ar-dispute directive
STATUSES = (OPEN, OVERDUE, PAID, CREDITED, WRITTEN_OFF, DISPUTED)


class ItemState(NamedTuple):
    """An item and what was applied to it, as of the settlement's date."""

    item: Item
    allocations: tuple[Allocation, ...]
    open: Decimal

    @property
    def closed_date(self) -> datetime.date | None:
        """The date of the allocation that closed the item, None while it is open."""
        allocations = self.allocations
        if self.open != 0 or not allocations:
            return None
        if len(allocations) == 1:  # the usual case: paid at once
            return allocations[0].date
        return max(a.date for a in allocations)

    def status(self, as_of: datetime.date) -> str:
        """One of STATUSES. Closed items: written_off if a write-off took part, credited if
        credit notes alone closed it, paid otherwise."""
        if self.open > 0:
            return OVERDUE if as_of > self.item.due else OPEN
        kinds = {a.kind for a in self.allocations}
        if WRITEOFF in kinds:
            return WRITTEN_OFF
        if kinds == {CREDIT_NOTE}:
            return CREDITED
        return PAID

    def days_overdue(self, as_of: datetime.date) -> int:
        """Days past due of the open amount (0 when not overdue or closed)."""
        if self.open <= 0:
            return 0
        return max(0, (as_of - self.item.due).days)


@dataclass(frozen=True, slots=True)
class Unapplied:
    """What is left of a credit after it was applied to every item it could be."""

    credit: Credit
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PendingDiscount:
    """A discount earned by a payment that no entry books yet (the plugin posts it)."""

    item: Item
    payment: Credit
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Settlement:
    """The subledger as of a date: every item's state, unapplied credits, allocations."""

    as_of: datetime.date | None
    book: Book
    items: tuple[ItemState, ...]
    unapplied: tuple[Unapplied, ...]
    allocations: tuple[Allocation, ...]
    pending_discounts: tuple[PendingDiscount, ...]
    errors: tuple[ARError, ...]
    # The states of `items` with an open amount, in their order, when whoever built the
    # settlement knows them without a pass (`timeline.Timeline.at`); not part of its value.
    open_states: tuple[ItemState, ...] | None = field(default=None, compare=False, repr=False)

    def open_items(self) -> Iterable[ItemState]:
        """The items with an open amount, in order."""
        if self.open_states is not None:
            return self.open_states
        return (state for state in self.items if state.open != 0)

    def status(self, state: ItemState, as_of: datetime.date) -> str:
        """The item's status, `disputed` while an open item's invoice is in dispute."""
        if state.open > 0 and self.book.disputed(state.item.invoice, as_of) is not None:
            return DISPUTED
        return state.status(as_of)


def _order(item: Item) -> tuple[datetime.date, datetime.date, int]:
    return (item.due, item.date, item.id)


class _Settler:
    def __init__(self, book: Book, as_of: datetime.date | None) -> None:
        self.book = book
        self.as_of = as_of
        self.open: dict[int, Decimal] = {}
        self.allocs: dict[int, list[Allocation]] = {}
        self.items: list[Item] = []
        # Each customer's and currency's items in due order. Items that close stay in the list
        # until it is next read (`open_list`): removing them one by one cost quadratic time for
        # customers with many open items.
        self.open_lists: dict[tuple[str, str], list[Item]] = {}
        self.stale: set[tuple[str, str]] = set()  # keys whose list may hold closed items
        self.unapplied: dict[tuple[str, str], list[list[Any]]] = {}
        self.pending: dict[int, PendingDiscount] = {}
        self.discount_first: dict[int, Item] = {}
        self.allocations: list[Allocation] = []
        self.released: set[int] = set()  # id() of soft allocations taken back
        self.netted_keys: set[tuple[str, str]] = set()  # (customer, currency) ever netted
        # Payments and credit notes matched oldest first (they named no invoice): their
        # allocations give way to a later credit naming the invoice (`take_back`).
        self.unnamed: set[int] = set()  # credit ids
        self.unnamed_keys: set[tuple[str, str]] = set()
        self.errors: list[ARError] = []

    def error(self, credit: Credit, kind_or_message: Any, message: str | None = None) -> None:
        """Report a problem with `credit` (as an ARError unless another class is given)."""
        kind = ARError if message is None else kind_or_message
        entry = credit.entry
        self.errors.append(kind(entry.meta if entry is not None else None,
                                kind_or_message if message is None else message, entry))

    # -- bookkeeping -------------------------------------------------------------------------

    def allocate(self, credit: Credit, item: Item, amount: Decimal, kind: str,
                 date: datetime.date, netted: bool = False) -> None:
        allocation = _new(Allocation, (credit, item, date, amount, kind, netted))
        item_id = item.id
        self.allocs[item_id].append(allocation)
        self.allocations.append(allocation)
        left = self.open[item_id] - amount
        self.open[item_id] = left
        if netted:
            self.netted_keys.add((item.customer, item.currency))
        if left == 0:
            self.stale.add((item.customer, item.currency))

    def add_item(self, item: Item) -> None:
        self.items.append(item)
        item_id = item.id
        self.open[item_id] = item.amount
        self.allocs[item_id] = []
        key = (item.customer, item.currency)
        items = self.open_lists.get(key)
        if items is None:
            self.open_lists[key] = [item]
        elif not items:
            items.append(item)
        else:
            last = items[-1]
            if last.due < item.due or (last.due == item.due and (last.date, last.id) <= (
                    item.date, item_id)):
                items.append(item)  # the usual case: a new item is due after those open
            else:
                insort(items, item, key=_order)
        if key in self.unapplied:
            self.net_unapplied(key)

    def open_list(self, key: tuple[str, str]) -> list[Item]:
        """The open items of a customer in a currency, in due order (the list itself)."""
        items = self.open_lists.get(key)
        if items is None:
            items = self.open_lists[key] = []
        elif key in self.stale:
            self.stale.discard(key)
            open_ = self.open
            items[:] = [item for item in items if open_[item.id] != 0]
        return items

    def spread(self, credit: Credit, pool: list[Item], amount: Decimal, kind: str) -> Decimal:
        """Apply `amount` to the items of `pool` in order; return what is left."""
        for item in pool:
            if amount <= 0:
                break
            available = self.open[item.id]
            if available <= 0:
                continue
            applied = min(available, amount)
            self.allocate(credit, item, applied, kind, credit.date)
            amount -= applied
        return amount

    def keep_unapplied(self, credit: Credit, amount: Decimal) -> None:
        if amount > 0:
            self.unapplied.setdefault((credit.customer, credit.currency), []).append(
                [credit, amount])

    def net_unapplied(self, key: tuple[str, str]) -> None:
        """Set the customer's unapplied credits against its oldest open items.

        These allocations are *soft* (``netted``): a later credit naming the invoice takes them
        back (`release`), so a customer who deducts an overpayment from the next invoice and
        one who pays that invoice in full are both read right."""
        credits = self.unapplied.get(key)
        items = self.open_list(key)
        if not credits or not items:
            return
        for entry in credits:
            for item in items:
                if entry[1] == 0:
                    break
                available = self.open[item.id]
                if available == 0 or item.id in self.pending:  # closed, or its rest is a
                    continue  # discount the plugin posts
                applied = min(entry[1], available)
                self.allocate(entry[0], item, applied, entry[0].kind,
                              max(entry[0].date, item.date), netted=True)
                entry[1] -= applied
        remaining = [e for e in credits if e[1] > 0]
        if remaining:
            self.unapplied[key] = remaining
        else:
            del self.unapplied[key]

    def release(self, credit: Credit, numbers: list[str]) -> None:
        """Take back the soft allocations on the invoices a credit names, to unapplied.

        Only customers in `netted_keys` have any: the caller checks that first."""
        key = (credit.customer, credit.currency)
        book = self.book
        for number in numbers:
            for item in (*book.invoices[number].items, *book.penalties.get(number, ())):
                allocations = self.allocs.get(item.id)
                if not allocations or not any(a.netted for a in allocations):
                    continue
                soft = [a for a in allocations if a.netted]
                self.allocs[item.id] = [a for a in allocations if not a.netted]
                if self.open[item.id] == 0:
                    insort(self.open_list(key), item, key=_order)
                for allocation in soft:
                    self.released.add(id(allocation))
                    self.open[item.id] += allocation.amount
                    credits = self.unapplied.setdefault(key, [])
                    entry = next((e for e in credits if e[0] is allocation.credit), None)
                    if entry is None:
                        credits.append([allocation.credit, allocation.amount])
                        credits.sort(key=lambda e: (e[0].date, e[0].id))
                    else:
                        entry[1] += allocation.amount

    # -- matching ----------------------------------------------------------------------------

    def named_invoices(self, credit: Credit) -> list[str]:
        """The invoices the credit names (reporting the names that cannot be right)."""
        book = self.book
        invoices = book.invoices
        as_of = self.as_of
        refs, links = credit.refs, credit.links
        if not refs and len(links) == 1:  # the usual case: one link
            numbers: Any = book.linked(links[0])
        else:
            numbers = []
            for ref in refs:
                if ref not in invoices or (as_of and invoices[ref].date > as_of):
                    self.error(credit, f"{ref}: no invoice has this number (named by invoice: "
                                       "metadata); correct the number or remove it")
                    continue
                numbers.append(ref)
            for link in links:
                numbers.extend(book.linked(link))
            if len(numbers) > 1:
                numbers = dict.fromkeys(numbers)
        if not numbers:
            return []
        valid: list[str] = []
        for number in numbers:
            invoice = invoices[number]
            if as_of and invoice.date > as_of:
                continue
            if (invoice.customer == credit.customer and invoice.currency == credit.currency
                    and invoice.date <= credit.date):
                valid.append(number)
                continue
            what = credit.kind.replace("_", " ")
            if invoice.customer != credit.customer:
                self.error(credit, f"{number}: this {what} credits {credit.customer} but names "
                                   f"an invoice of {invoice.customer}; correct the link or the "
                                   "account")
            elif invoice.currency != credit.currency:
                self.error(credit, f"{number}: the invoice is in {invoice.currency}, this {what} "
                                   f"in {credit.currency}; pay each currency separately")
            else:
                self.error(credit, f"{number}: this {what} is dated {credit.date}, before the "
                                   f"invoice it names ({invoice.date}); check both dates")
        return valid

    def open_items_of(self, numbers: list[str], amount: Decimal) -> list[Item]:
        """The open items of these invoices and their late-payment charges, in due order.

        A credit of exactly what the invoices themselves still owe settles them and leaves the
        charges open: that is what the customer meant."""
        open_ = self.open
        book = self.book
        if len(numbers) == 1 and numbers[0] not in book.penalties:  # the usual case
            return [item for item in book.invoices[numbers[0]].items
                    if open_.get(item.id, ZERO) > 0]
        items: list[Item] = []
        charges: list[Item] = []
        for number in numbers:
            items.extend(item for item in book.invoices[number].items
                         if open_.get(item.id, ZERO) > 0)
            if number in book.penalties:
                charges.extend(item for item in book.penalties[number]
                               if open_.get(item.id, ZERO) > 0)
        if charges and amount != sum((open_[item.id] for item in items), ZERO):
            items.extend(charges)
        if len(items) > 1:
            items.sort(key=_order)
        return items

    def eligible_discount(self, item: Item, date: datetime.date) -> Decimal:
        if (
            item.discount > 0
            and item.discount_until is not None
            and date <= item.discount_until
            and not any(not a.netted for a in self.allocs[item.id])
            and item.id not in self.discount_first
        ):
            return item.discount
        return ZERO

    def discount_run(self, pool: list[Item], cash: Decimal,
                     date: datetime.date) -> list[tuple[Item, Decimal]] | None:
        """The leading items of `pool` that `cash` pays exactly net of their discounts."""
        total = ZERO
        run: list[tuple[Item, Decimal]] = []
        discounted = False
        open_ = self.open
        for item in pool:
            # eligible_discount, inlined: this runs for every payment.
            discount = self.eligible_discount(item, date) if item.discount else ZERO
            total += open_[item.id] - discount
            if discount:
                discounted = True
            if total == cash and discounted:
                run.append((item, discount))
                return run
            if total > cash:
                return None
            run.append((item, discount))
        return None

    def take_back(self, credit: Credit, numbers: list[str]) -> None:
        """Make room on the invoices `credit` names by taking back what credits that named no
        invoice put there (latest first), to unapplied: the named credit wins.

        Only as much as the credit would otherwise pay beyond what the invoices owe (first
        beyond the invoices themselves, then beyond their late-payment charges)."""
        book = self.book
        open_ = self.open
        invoice_items = [item for number in numbers for item in book.invoices[number].items]
        charges = [item for number in numbers for item in book.penalties.get(number, ())
                   if item.id in open_]
        for group, scope in ((invoice_items, invoice_items), (charges, invoice_items + charges)):
            need = credit.amount - sum((open_[item.id] for item in scope), ZERO)
            if need <= 0:
                return
            soft = [a for item in group for a in self.allocs[item.id]
                    if a.credit.id in self.unnamed and not a.netted and a.kind == a.credit.kind]
            soft.sort(key=lambda a: (a.credit.date, a.credit.id), reverse=True)
            for allocation in soft:
                if need <= 0:
                    break
                taken = min(allocation.amount, need)
                self.give_back(allocation, taken)
                need -= taken

    def give_back(self, allocation: Allocation, amount: Decimal) -> None:
        """Take `amount` of an allocation back from its item, to its credit's unapplied rest."""
        item = allocation.item
        credit = allocation.credit
        key = (credit.customer, credit.currency)
        allocations = self.allocs[item.id]
        index = next(i for i, a in enumerate(allocations) if a is allocation)
        self.released.add(id(allocation))
        if amount < allocation.amount:
            rest = allocation._replace(amount=allocation.amount - amount)
            allocations[index] = rest
            self.allocations.append(rest)
        else:
            del allocations[index]
        if self.open[item.id] == 0:
            insort(self.open_list(key), item, key=_order)
        self.open[item.id] += amount
        credits = self.unapplied.setdefault(key, [])
        entry = next((e for e in credits if e[0] is credit), None)
        if entry is None:
            credits.append([credit, amount])
            credits.sort(key=lambda e: (e[0].date, e[0].id))
        else:
            entry[1] += amount

    def credit(self, credit: Credit) -> None:
        key = (credit.customer, credit.currency)
        named = self.named_invoices(credit)
        if named:
            if key in self.netted_keys:
                self.release(credit, named)
            if key in self.unnamed_keys:
                self.take_back(credit, named)
            pool = self.open_items_of(named, credit.amount - credit.discount)
        else:
            pool = list(self.open_list(key))
            if credit.kind == PAYMENT or credit.kind == CREDIT_NOTE:
                self.unnamed.add(credit.id)
                self.unnamed_keys.add(key)
        if credit.kind == DISCOUNT:
            self.discount_credit(credit, pool)
        else:
            self.settle_credit(credit, named, pool)
        if key in self.unapplied:
            self.net_unapplied(key)

    def settle_credit(self, credit: Credit, named: list[str], pool: list[Item]) -> None:
        amount = credit.amount - credit.discount
        booked = credit.discount
        if credit.kind == PAYMENT and (not named or any(item.discount for item in pool)):
            run = self.discount_run(pool, amount, credit.date)
            if run is not None:
                self.unnamed.discard(credit.id)  # a discount taken stays where it was taken
                for item, discount in run:
                    self.allocate(credit, item, self.open[item.id] - discount, PAYMENT,
                                  credit.date)
                    if discount == 0:
                        continue
                    if booked >= discount:
                        self.allocate(credit, item, discount, DISCOUNT, credit.date)
                        booked -= discount
                    else:
                        self.pending[item.id] = PendingDiscount(item, credit, discount)
                amount = ZERO
        left = self.spread(credit, pool, amount, credit.kind)
        if booked > 0:
            self.error(credit, f"a discount of {booked} {credit.currency} is booked but the "
                               "terms allow none here (discounts need terms such as '2/10 net "
                               "30' and one payment of the rest inside the window)")
            left += self.spread(credit, pool, booked, DISCOUNT)
        if left > 0 and named:
            names = ", ".join(dict.fromkeys(named))
            self.error(credit, OverpaymentError,
                       f"overpayment: {left} {credit.currency} more than the open amount of "
                       f"{names} it names; the excess is kept as an unapplied credit of the "
                       "customer")
        self.keep_unapplied(credit, left)

    def discount_credit(self, credit: Credit, pool: list[Item]) -> None:
        left = credit.amount
        for item in pool:
            pending = self.pending.get(item.id)
            if pending is not None and pending.amount <= left:
                self.allocate(credit, item, pending.amount, DISCOUNT, credit.date)
                del self.pending[item.id]
                left -= pending.amount
                continue
            discount = self.eligible_discount(item, credit.date)
            if discount > 0 and discount <= left:
                self.allocate(credit, item, discount, DISCOUNT, credit.date)
                self.discount_first[item.id] = item
                left -= discount
        if left > 0:
            self.error(credit, f"a discount of {left} {credit.currency} is booked but the terms "
                               "allow none here (no invoice it names is inside its discount "
                               "window and untouched)")
            left = self.spread(credit, pool, left, DISCOUNT)
            self.keep_unapplied(credit, left)

    # -- end of the replay -------------------------------------------------------------------

    def check_early_discounts(self) -> None:
        for item in self.discount_first.values():
            until = item.discount_until
            assert until is not None  # only items with a discount window are listed here
            if self.as_of is not None and self.as_of <= until:
                continue
            closed = self.open[item.id] == 0 and max(
                a.date for a in self.allocs[item.id]) <= until
            if not closed:
                allocation = next(a for a in self.allocs[item.id] if a.kind == DISCOUNT)
                self.error(allocation.credit, f"{item.invoice}: a discount is booked but the "
                                              f"invoice was not paid in full by {until}, the "
                                              "end of its discount window")

    def item_states(self) -> tuple[ItemState, ...]:
        """Every item's state, in the order the items came (`timeline.Timeline` has them
        already)."""
        allocs, open_ = self.allocs, self.open
        return tuple(_new(ItemState, (item, tuple(allocs[item.id]), open_[item.id]))
                     for item in self.items)

    def result(self) -> Settlement:
        return Settlement(
            as_of=self.as_of,
            book=self.book,
            items=self.item_states(),
            unapplied=tuple(Unapplied(c, a) for credits in self.unapplied.values()
                            for c, a in credits),
            allocations=tuple(a for a in self.allocations if id(a) not in self.released)
            if self.released else tuple(self.allocations),
            pending_discounts=tuple(self.pending.values()),
            errors=tuple(self.errors),
        )


def settle(book: Book, as_of: datetime.date | None = None) -> Settlement:
    """Replay the subledger up to `as_of` (everything when None); see the module docstring."""
    settler = _Settler(book, as_of)
    for event in book.events:
        if as_of is not None and event.date > as_of:
            break
        if isinstance(event, Item):
            settler.add_item(event)
        else:
            settler.credit(event)
    settler.check_early_discounts()
    return settler.result()


__all__ = [
    "CREDIT_NOTE", "DISPUTED", "OPEN", "OVERDUE", "PAID", "CREDITED", "WRITTEN_OFF", "STATUSES",
    "ItemState", "Unapplied", "PendingDiscount", "Settlement", "settle",
]
