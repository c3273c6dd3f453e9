"""The subledger at every date from one settlement: as-of dates without settling again.

Settling is chronological: the settlement as of a date is the replay of the events up to that
date, a prefix of the full replay. A `Timeline` replays the book once (the algorithm of
`allocation.settle`, unchanged) and records, at the end of each day, what changed: each item's
allocations and open amount, the allocations taken back, the unapplied credits, the pending
discounts and the errors. ``timeline.at(day)`` then answers `settle(book, day)` - exactly the same
`Settlement`, items, allocations, unapplied credits, pending discounts and errors in the same
order - by a bisection on the dates, rebuilding only the items that changed after that day:

    2025-01-15 * "Dupont" "Installation" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   1000.00 EUR
      Income:Sales

    2025-02-20 * "Dupont" "Virement" ^F-1
      Assets:Bank                1000.00 EUR
      Assets:Receivable:Dupont  -1000.00 EUR

    timeline = Timeline(book)
    timeline.at(datetime.date(2025, 1, 31))   # F-1 open, 1000.00 (== settle(book, 2025-01-31))
    timeline.at(datetime.date(2025, 3, 1))    # F-1 paid on 2025-02-20
    timeline.full                             # == settle(book): everything (as_of None)

What depends on the date itself and not only on the events up to it is worked out again for the
date: the errors of a credit that names an invoice dated after it (as of an earlier date, that
invoice does not exist yet), the check that discounts booked early were earned (done at the end
of the replay) and `Settlement.as_of`.

`BalanceIndex` is the same idea for `aging.receivable_balances`: the receivable accounts'
balances, per account and currency, accumulated once, then read at any date and for any set of
accounts by bisection:

    balances = BalanceIndex(entries, "Assets:Receivable")
    balances.at(datetime.date(2025, 1, 31))                                # {"EUR": 1000.00}
    balances.at(datetime.date(2025, 3, 1), {"Assets:Receivable:Dupont"})   # {"EUR": 0.00}

Both are built from immutable inputs (a `Book` from `book.read_book`, a loaded ledger's
entries) and never change: build them once per load and share them (`at` only reads, from any
thread; `BalanceIndex` makes its per-account series, under a lock, the first time some accounts
are asked for, as the whole receivable's balance is all the aging of every customer needs).
A `Timeline`'s settlements know their open items (`Settlement.open_items`) without a pass over
every item. At 100,000 invoices (``benchmarks/bench_asof.py``) building a timeline costs about 1.2
times one `settle` and 1.4 times its memory, and `at` a few tens of milliseconds where `settle` at
a past date takes seconds. ``tests/timeline_check.py`` checks both against every settlement a
test run makes.
"""

from __future__ import annotations

import datetime
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable
from decimal import Decimal
from itertools import islice
from typing import Any

from beancount.core import data

from beancount_ar.core.allocation import (
    ItemState,
    PendingDiscount,
    Settlement,
    Unapplied,
    _Settler,
)
from beancount_ar.core.book import Book
from beancount_ar.core.errors import ARError
from beancount_ar.core.model import Allocation, Credit, Item
from beancount_ar.core.money import ZERO

_new = tuple.__new__

# A snapshot of a customer's unapplied credits in a currency: (credit, amount) in their order.
_Credits = tuple[tuple[Credit, Decimal], ...]


class _PendingLog(dict[int, PendingDiscount]):
    """The settler's pending discounts, logging every change (in the timeline's replay only)."""

    def __init__(self, log: list[tuple[int, PendingDiscount | None]]) -> None:
        super().__init__()
        self.log = log

    def __setitem__(self, key: int, value: PendingDiscount) -> None:
        dict.__setitem__(self, key, value)
        self.log.append((key, value))

    def __delitem__(self, key: int) -> None:
        dict.__delitem__(self, key)
        self.log.append((key, None))


class _Recorder(_Settler):
    """`allocation._Settler` with no as-of date, noting the allocations it takes back."""

    def __init__(self, book: Book) -> None:
        super().__init__(book, None)
        self.day = 0  # index of the day being replayed
        self.pending_log: list[tuple[int, PendingDiscount | None]] = []
        self.pending = _PendingLog(self.pending_log)
        # The items' states at the end of each day they changed: day, state, and the index of
        # the item's previous state (-1 for none); `latest`: each item's last state.
        self.days: list[int] = []
        self.states: list[ItemState] = []
        self.previous: list[int] = []
        self.latest: dict[int, int] = {}
        # Allocations taken back (by `release` or `give_back`), with the day they were.
        self.dead: list[Allocation] = []
        self.dead_days: list[int] = []

    def release(self, credit: Credit, numbers: list[str]) -> None:
        book = self.book
        allocs = self.allocs
        before: dict[int, list[Allocation]] = {}
        for number in numbers:
            for item in (*book.invoices[number].items, *book.penalties.get(number, ())):
                allocations = allocs.get(item.id)
                if allocations and item.id not in before:
                    before[item.id] = allocations
        super().release(credit, numbers)
        for item_id, allocations in before.items():
            now = allocs[item_id]
            if now is allocations:  # `release` replaces the list of an item it takes from
                continue
            kept = {id(a) for a in now}
            for allocation in allocations:
                if id(allocation) not in kept:
                    self.dead.append(allocation)
                    self.dead_days.append(self.day)

    def give_back(self, allocation: Allocation, amount: Decimal) -> None:
        self.dead.append(allocation)
        self.dead_days.append(self.day)
        super().give_back(allocation, amount)

    def item_states(self) -> tuple[ItemState, ...]:
        """The items' last states, those the replay noted (the same objects)."""
        latest, states = self.latest, self.states
        return tuple(states[latest[item.id]] if item.id in latest
                     else _new(ItemState, (item, (), item.amount)) for item in self.items)


def _names_later(book: Book, credit: Credit) -> bool:
    """Whether the credit names an invoice dated after it.

    `named_invoices` reports such a name (a credit dated before the invoice it names) when
    settling everything, but as of a date before the invoice it reports that no invoice has
    the number, or nothing: the only part of a replay that depends on the as-of date itself
    (always with an error when settling everything)."""
    invoices = book.invoices
    date = credit.date
    for link in credit.links:
        for number in book.linked(link):
            if invoices[number].date > date:
                return True
    for ref in credit.refs:
        invoice = invoices.get(ref)
        if invoice is not None and invoice.date > date:
            return True
    return False


class Timeline:
    """Every as-of settlement of a book from one replay: ``at(day) == settle(book, day)``."""

    def __init__(self, book: Book) -> None:
        self.book = book
        recorder = _Recorder(book)
        events = book.events
        allocations = recorder.allocations
        allocs, open_, unapplied, dead = recorder.allocs, recorder.open, recorder.unapplied, \
            recorder.dead
        add_item, credit, errors = recorder.add_item, recorder.credit, recorder.errors
        # Day d is the d-th distinct value of the running maximum of the events' dates:
        # `settle` stops at the first event dated after its as-of date, so the events it
        # replays as of a date are those whose running maximum is not after it.
        self._days: list[datetime.date] = []
        # At the end of each day: how many items, allocations, errors, pending-discount
        # changes and early discounts there are.
        self._items: list[int] = []
        self._allocations: list[int] = []
        self._errors: list[int] = []
        self._pending: list[int] = []
        self._discounts: list[int] = []
        snap_days, snap_states, snap_previous, latest = \
            recorder.days, recorder.states, recorder.previous, recorder.latest
        # Each customer's unapplied credits in a currency at the end of the days they changed:
        # (days, [(when the key last entered `unapplied`, or -1 when it is not in it; credits)]).
        self._unapplied: dict[tuple[str, str], tuple[list[int], list[tuple[int, _Credits]]]] = {}
        inserted: dict[tuple[str, str], int] = {}
        # The errors `named_invoices` gives a credit naming a later invoice (see `_names_later`):
        # (day, start, end, credit), worked out again at each as-of date.
        self._segments: list[tuple[int, int, int, Credit]] = []
        count = len(events)
        day = -1
        index = 0
        while index < count:
            date = events[index].date
            day += 1
            recorder.day = day
            self._days.append(date)
            start_allocations = len(allocations)
            start_dead = len(dead)
            keys: set[tuple[str, str]] | None = None
            while index < count:
                event = events[index]
                if event.date > date:
                    break
                index += 1
                if isinstance(event, Item):
                    add_item(event)
                else:
                    start = len(errors)
                    credit(event)
                    if len(errors) != start and _names_later(book, event):
                        probe = _Settler(book, None)  # its errors come first
                        probe.named_invoices(event)
                        self._segments.append((day, start, start + len(probe.errors), event))
                if unapplied or inserted:
                    key = (event.customer, event.currency)
                    if key in unapplied:
                        if key not in inserted:
                            inserted[key] = index
                    elif key in inserted:
                        del inserted[key]
                    else:
                        continue
                    if keys is None:
                        keys = {key}
                    else:
                        keys.add(key)
            # The items whose allocations changed today, as they are tonight.
            changed = {a.item.id: a.item for a in allocations[start_allocations:]}
            if len(dead) > start_dead:
                for allocation in dead[start_dead:]:
                    changed[allocation.item.id] = allocation.item
            for item_id, item in changed.items():
                snap_previous.append(latest.get(item_id, -1))
                latest[item_id] = len(snap_days)
                snap_days.append(day)
                snap_states.append(_new(ItemState, (item, tuple(allocs[item_id]),
                                                    open_[item_id])))
            if keys is not None:
                for key in keys:
                    credits = unapplied.get(key)
                    snapshot = (inserted.get(key, -1),
                                tuple((c, a) for c, a in credits) if credits is not None else ())
                    log = self._unapplied.get(key)
                    if log is None:
                        self._unapplied[key] = ([day], [snapshot])
                    else:
                        log[0].append(day)
                        log[1].append(snapshot)
            self._items.append(len(recorder.items))
            self._allocations.append(len(allocations))
            self._errors.append(len(errors))
            self._pending.append(len(recorder.pending_log))
            self._discounts.append(len(recorder.discount_first))
        recorder.check_early_discounts()
        self.full: Settlement = recorder.result()
        """The settlement of everything (as of None), the same as `settle(book)`."""
        # What `at` reads of the replay (the rest of the recorder's state is let go): every
        # allocation made, in order, those taken back and when, every error (those of the end
        # of the replay last), the changes of the pending discounts, the early discounts.
        self._every = allocations
        self._dead, self._dead_days = dead, recorder.dead_days
        self._all_errors = errors
        self._pending_log = recorder.pending_log
        self._early = list(recorder.discount_first.values())
        self._snap_days, self._snap_states, self._snap_previous = \
            snap_days, snap_states, snap_previous
        self._latest = latest
        # The last day each item changed, by position in the items (-1: never after its own).
        self._last = [snap_days[latest[item.id]] if item.id in latest else -1
                      for item in recorder.items]
        # The positions of the items open after every event.
        self._open_full = [i for i, state in enumerate(self.full.items) if state.open != 0]
        # Where each allocation taken back stands in the list of every allocation made.
        if dead:
            ids = {id(a) for a in dead}
            where = {id(a): i for i, a in enumerate(allocations) if id(a) in ids}
            self._dead_positions = [where[id(a)] for a in dead]
        else:
            self._dead_positions = []

    # -- the state at the end of a day -------------------------------------------------------

    def _day_count(self, as_of: datetime.date | None) -> int:
        """How many days of events `settle(book, as_of)` replays."""
        return len(self._days) if as_of is None else bisect_right(self._days, as_of)

    def _state(self, item: Item, days: int) -> ItemState:
        """The item as of the end of day `days - 1` (it exists by then)."""
        index = self._latest.get(item.id, -1)
        snap_days, previous = self._snap_days, self._snap_previous
        while index >= 0 and snap_days[index] >= days:
            index = previous[index]
        return self._snap_states[index] if index >= 0 else _new(ItemState, (item, (), item.amount))

    def _item_states(self, days: int) -> tuple[tuple[ItemState, ...], tuple[ItemState, ...]]:
        """The items' states and, among them, the open ones."""
        full = self.full.items
        count = self._items[days - 1]
        last = self._last
        states = list(full[:count])
        changed = [i for i in range(count) if last[i] >= days]
        for index in changed:
            states[index] = self._state(full[index].item, days)
        # open: the ones open at the end that did not change after the day, and the ones that
        # changed and were open on the day
        open_full = self._open_full
        positions = [i for i in open_full[:bisect_left(open_full, count)] if last[i] < days]
        positions.extend(i for i in changed if states[i].open != 0)
        positions.sort()
        return tuple(states), tuple(states[i] for i in positions)

    def _allocations_at(self, days: int) -> tuple[Allocation, ...]:
        every = self._every
        count = self._allocations[days - 1]
        taken = sorted(self._dead_positions[:bisect_left(self._dead_days, days)])
        if not taken:
            return tuple(every[:count])
        kept: list[Allocation] = []
        start = 0
        for position in taken:
            kept.extend(every[start:position])
            start = position + 1
        kept.extend(every[start:count])
        return tuple(kept)

    def _unapplied_at(self, days: int) -> tuple[Unapplied, ...]:
        found: list[tuple[int, _Credits]] = []
        for log_days, snapshots in self._unapplied.values():
            at = bisect_left(log_days, days)
            if at:
                order, credits = snapshots[at - 1]
                if order >= 0:
                    found.append((order, credits))
        found.sort(key=lambda pair: pair[0])
        return tuple(Unapplied(c, a) for _, credits in found for c, a in credits)

    def _pending_at(self, days: int) -> tuple[PendingDiscount, ...]:
        pending: dict[int, PendingDiscount] = {}
        for key, value in islice(self._pending_log, self._pending[days - 1]):
            if value is None:
                del pending[key]
            else:
                pending[key] = value
        return tuple(pending.values())

    def _errors_at(self, days: int, as_of: datetime.date) -> tuple[ARError, ...]:
        book = self.book
        errors = self._all_errors
        count = self._errors[days - 1]
        result: list[Any] = []
        start = 0
        for day, begin, end, credit in self._segments:
            if day >= days:
                break
            result.extend(errors[start:begin])
            probe = _Settler(book, as_of)
            probe.named_invoices(credit)
            result.extend(probe.errors)
            start = end
        result.extend(errors[start:count])
        early = self._discounts[days - 1]
        if early:
            probe = _Settler(book, as_of)
            for item in self._early[:early]:
                state = self._state(item, days)
                probe.discount_first[item.id] = item
                probe.open[item.id] = state.open
                probe.allocs[item.id] = list(state.allocations)
            probe.check_early_discounts()
            result.extend(probe.errors)
        return tuple(result)

    def at(self, as_of: datetime.date | None) -> Settlement:
        """The settlement as of `as_of` (everything when None): equal to `settle(book, as_of)`."""
        if as_of is None:
            return self.full
        days = self._day_count(as_of)
        if days == 0:
            return Settlement(as_of=as_of, book=self.book, items=(), unapplied=(),
                              allocations=(), pending_discounts=(), errors=())
        full = self.full
        if days == len(self._days):
            items = full.items
            open_states = tuple(items[i] for i in self._open_full)
            allocations = full.allocations
            unapplied = full.unapplied
            pending = full.pending_discounts
        else:
            items, open_states = self._item_states(days)
            allocations = self._allocations_at(days)
            unapplied = self._unapplied_at(days)
            pending = self._pending_at(days)
        return Settlement(as_of=as_of, book=self.book, items=items, unapplied=unapplied,
                          allocations=allocations, pending_discounts=pending,
                          errors=self._errors_at(days, as_of), open_states=open_states)


def _add(series: dict[str, tuple[list[datetime.date], list[Decimal]]], currency: str,
         day: datetime.date, number: Decimal) -> bool:
    """Add `number` to the balance in `currency` on `day` (the last day of the series or a
    later one); True when it is the currency's first."""
    line = series.get(currency)
    if line is None:
        series[currency] = ([day], [ZERO + number])
        return True
    if line[0][-1] == day:
        line[1][-1] = line[1][-1] + number
    else:
        line[0].append(day)
        line[1].append(line[1][-1] + number)
    return False


class BalanceIndex:
    """`aging.receivable_balances` at any date and for any accounts, from one pass over the
    entries: ``at(day, accounts) == receivable_balances(entries, root, day, accounts)``."""

    def __init__(self, entries: Iterable[Any], root: str) -> None:
        self.root = root
        prefix = root + ":"
        # Per account and currency: the days (running maximum of the transactions' dates, as
        # `receivable_balances` stops at the first transaction dated after its date) and the
        # balance at the end of each; and the order currencies first appear in.
        self._accounts: dict[str, dict[str, tuple[list[datetime.date], list[Decimal]]]] = {}
        self._total: dict[str, tuple[list[datetime.date], list[Decimal]]] = {}
        self._first: dict[tuple[str, str], int] = {}  # (account, currency) -> first posting
        self._first_total: dict[str, int] = {}
        running: datetime.date | None = None
        seen = 0
        receivable: dict[str, bool] = {}  # account -> under the root (one test per account)
        total = self._total
        # (account, currency, day, number) of each receivable posting, until `_by_account`
        self._postings: list[tuple[str, str, datetime.date, Decimal]] | None = []
        postings = self._postings
        self._building = threading.Lock()
        for entry in entries:
            if not isinstance(entry, data.Transaction):
                continue
            if running is None or entry.date > running:
                running = entry.date
            for posting in entry.postings:
                account = posting.account
                wanted = receivable.get(account)
                if wanted is None:
                    wanted = receivable[account] = account == root or account.startswith(prefix)
                if not wanted:
                    continue
                units = posting.units
                if units is None:
                    continue
                number = units.number
                if number is None:
                    continue
                currency = units.currency
                seen += 1
                postings.append((account, currency, running, number))
                if _add(total, currency, running, number):
                    self._first_total[currency] = seen

    def _by_account(self) -> dict[str, dict[str, tuple[list[datetime.date], list[Decimal]]]]:
        """The series per account, from the postings kept (the first time an account is asked
        for: the aging of every customer needs only the total)."""
        with self._building:
            if self._postings is not None:
                accounts = self._accounts
                for seen, (account, currency, day, number) in enumerate(self._postings, 1):
                    series = accounts.get(account)
                    if series is None:
                        series = accounts[account] = {}
                    if _add(series, currency, day, number):
                        self._first[(account, currency)] = seen
                self._postings = None
            return self._accounts

    @staticmethod
    def _read(line: tuple[list[datetime.date], list[Decimal]],
              as_of: datetime.date | None) -> Decimal | None:
        days, balances = line
        if as_of is None:
            return balances[-1]
        at = bisect_right(days, as_of)
        return balances[at - 1] if at else None

    def at(self, as_of: datetime.date | None = None,
           accounts: Collection[str] | None = None) -> dict[str, Decimal]:
        """Balance per currency of every account at or under the root (of exactly `accounts`
        when given) as of `as_of` (everything when None)."""
        if accounts is None:
            found: list[tuple[int, str, Decimal]] = []
            for currency, line in self._total.items():
                balance = self._read(line, as_of)
                if balance is not None:
                    found.append((self._first_total[currency], currency, balance))
            found.sort(key=lambda row: row[0])
            return {currency: balance for _, currency, balance in found}
        totals: dict[str, Decimal] = {}
        first: dict[str, int] = {}
        by_account = self._by_account()
        for account in set(accounts):
            for currency, line in by_account.get(account, {}).items():
                balance = self._read(line, as_of)
                if balance is None:
                    continue
                order = self._first[(account, currency)]
                if currency in totals:
                    totals[currency] = totals[currency] + balance
                    first[currency] = min(first[currency], order)
                else:
                    totals[currency] = ZERO + balance
                    first[currency] = order
        return {currency: totals[currency] for currency in sorted(totals, key=first.__getitem__)}


__all__ = ["BalanceIndex", "Timeline"]
