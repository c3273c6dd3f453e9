"""The core's results for one loaded ledger, computed once and shared between Fava's threads.

The subledger (`Book`) is the one the invoice plugin read during the load
(`beancount_ar.core.shared`); the settlement, aging, invoice rows
and metrics once per as-of date (and period, and set of customers), then served from a small
cache until the ledger is reloaded. Nothing here decides a rule: it only calls
`beancount_ar.core` and remembers the answers. With the ledger

    plugin "beancount_ar" "{'default_terms': 'net 30'}"
    2026-01-01 custom "fava-extension" "fava_ar_extension"

the Aging page as of 2026-11-23 replays the book once (`beancount_ar.core.timeline.Timeline`);
the Customers and Invoices pages as of the same date reuse that settlement, and a page as of
another date (Fava's time filter) reads it from the same replay, as it reads the receivable
balances from one index (`BalanceIndex`).
"""

from __future__ import annotations

import datetime
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from beancount.core import data

from beancount_ar.core import aging as aging_lib
from beancount_ar.core import metrics, statements
from beancount_ar.core.allocation import Settlement
from beancount_ar.core.company import Company, read_company
from beancount_ar.core.config import config_from_options
from beancount_ar.core.report import InvoiceRow, invoice_rows
from beancount_ar.core.selection import ItemQuery, Listed, listed_items
from beancount_ar.core.shared import book_for
from beancount_ar.core.timeline import BalanceIndex, Timeline
from beancount_ar.plugins.common import no_gc
from beancount_ar.render.letters import ReminderJob, prepare_reminders

T = TypeVar("T")
PLUGIN = "beancount_ar"


class Analysis:
    """Cached core results for one list of entries (one load of the ledger)."""

    def __init__(self, entries: Sequence[Any], options: Mapping[str, Any],
                 cache_size: int = 24) -> None:
        self.entries = entries
        self.options = options
        self.config, _ = config_from_options(options)
        self.plugin_enabled = any(name == PLUGIN for name, _ in options.get("plugin") or ())
        # The book the invoice plugin read during this load, with what the plugins added
        # (`beancount_ar.core.shared`): the ledger is not read a second time.
        self.book = book_for(entries, self.config)
        self._lock = threading.RLock()
        # Two least-recently-used caches: whole-ledger results (settlements, all invoice rows),
        # and small ones (one customer's rows), so that browsing customers evicts no settlement.
        self._caches: dict[bool, OrderedDict[tuple, Any]] = {True: OrderedDict(),
                                                             False: OrderedDict()}
        self._sizes = {True: cache_size, False: cache_size * 10}
        self._hashes: dict[int, str] = {}
        self._timeline: Timeline | None = None
        self._balances: BalanceIndex | None = None
        self._period_index: metrics.PeriodIndex | None = None

    def _memo(self, key: tuple, compute: Callable[[], T], large: bool = True) -> T:
        # One lock: a second request for the same figures waits for the first instead of
        # computing them again. Computations call _memo again, hence the RLock.
        cache = self._caches[large]
        with self._lock:
            try:
                cache.move_to_end(key)
                return cache[key]
            except KeyError:
                pass
            if large:  # a pass over the whole subledger: see no_gc
                with no_gc():
                    value = compute()
            else:
                value = compute()
            cache[key] = value
            while len(cache) > self._sizes[large]:
                cache.popitem(last=False)
            return value

    # -- the core's results ------------------------------------------------------------------

    def timeline(self) -> Timeline:
        """The subledger at every date, from one replay of the book (built once per load)."""
        with self._lock:
            if self._timeline is None:
                with no_gc():
                    self._timeline = Timeline(self.book)
            return self._timeline

    def settlement(self, as_of: datetime.date) -> Settlement:
        """The settlement as of the date (a prefix of the one replay: `Timeline.at`)."""
        return self._memo(("settlement", as_of), lambda: self.timeline().at(as_of))

    def rows(self, as_of: datetime.date, customer: str | None = None) -> list[InvoiceRow]:
        """Every invoice, instalment and other debit as of the date (of one customer), in date
        order."""
        query = ItemQuery(customers=None if customer is None else (customer,))
        return self._memo(("rows", as_of, customer),
                          lambda: invoice_rows(self.settlement(as_of), as_of, query),
                          large=customer is None)

    def listed(self, as_of: datetime.date) -> list[Listed]:
        """Every item as lists show it as of the date, in the core's default order."""
        return self._memo(("listed", as_of),
                          lambda: listed_items(self.settlement(as_of), as_of))

    def currencies(self) -> list[str]:
        """The currencies of the receivables."""
        return self._memo(("currencies",),
                          lambda: sorted({e.currency for e in self.book.events}), large=False)

    def aging(self, as_of: datetime.date, by: str, limits: tuple[int, ...],
              customers: frozenset[str] | None) -> aging_lib.Aging:
        def compute() -> aging_lib.Aging:
            return aging_lib.aging(self.settlement(as_of), as_of, by, limits,
                                   self.balances(as_of, customers), customers)
        return self._memo(("aging", as_of, by, limits, customers), compute)

    def figures(self, as_of: datetime.date, begin: datetime.date,
                customers: frozenset[str] | None) -> dict[str, metrics.PeriodFigures]:
        return self._memo(("figures", as_of, begin, customers),
                          lambda: metrics.period_figures(self.settlement(as_of), begin,
                                                         customers, index=self.period_index()))

    def period_index(self) -> metrics.PeriodIndex:
        """The book's monthly sums (built once per load): the figures at a new date add
        months rather than every event."""
        with self._lock:
            if self._period_index is None:
                with no_gc():
                    self._period_index = metrics.PeriodIndex(self.book.events)
            return self._period_index

    def profiles(self, as_of: datetime.date, customers: frozenset[str] | None,
                 rule: metrics.RiskRule) -> dict[str, metrics.CustomerProfile]:
        return self._memo(("profiles", as_of, customers, rule),
                          lambda: metrics.customer_profiles(self.settlement(as_of), customers,
                                                            rule))

    def statement(self, as_of: datetime.date, customer: str) -> statements.Statement | None:
        """The customer's activity statement from its first entry to the date (None when it
        has no entry by then)."""
        def compute() -> statements.Statement | None:
            first = next((e.date for e in self.book.events if e.customer == customer), None)
            if first is None or first > as_of:
                return None
            return statements.build_statements(self.settlement(as_of), [customer],
                                               statements.ACTIVITY, first)[0]
        return self._memo(("statement", as_of, customer), compute, large=False)

    def reminder_job(self, as_of: datetime.date) -> ReminderJob:
        """The reminders as of the date (`beancount_ar.render.letters.prepare_reminders` on the
        settlement of that date); DocumentError when the company or the reminder settings are
        missing or malformed (not cached: the page says so until the ledger is fixed)."""
        return self._memo(("reminders", as_of), lambda: prepare_reminders(
            self.entries, self.options, as_of, settlement=self.settlement(as_of)), large=False)

    def company(self, as_of: datetime.date) -> Company | None:
        return self._memo(("company", as_of), lambda: read_company(self.customs(), as_of)[0],
                          large=False)

    def customs(self) -> list[Any]:
        """The ledger's custom directives (read once per load, not for each as-of date)."""
        return self._memo(("customs",), lambda: [
            e for e in self.entries if isinstance(e, data.Custom)], large=False)

    # -- the receivable accounts' balance, straight from the postings ------------------------

    def balances(self, as_of: datetime.date,
                 customers: frozenset[str] | None) -> dict[str, Decimal]:
        """The balance per currency of the receivable accounts (of `customers`' accounts)."""
        with self._lock:
            if self._balances is None:
                with no_gc():
                    self._balances = BalanceIndex(self.entries, self.config.receivable_root)
            index = self._balances
        if customers is None:
            return index.at(as_of)
        return index.at(as_of, frozenset(self.book.customers[key].account for key in customers))

    def entry_hash(self, entry: Any, hasher: Callable[[Any], str]) -> str:
        """Fava's hash of an entry of this load, computed once (the entries never change)."""
        key = id(entry)  # stable: self.entries keeps every entry alive
        try:
            return self._hashes[key]
        except KeyError:
            value = self._hashes[key] = hasher(entry)
            return value

    def entry_at(self, filename: str | None, lineno: int | None) -> Any:
        """The transaction of the subledger at a file and line, if any."""
        def index() -> dict[tuple[Any, Any], Any]:
            return {(e.entry.meta.get("filename"), e.entry.meta.get("lineno")): e.entry
                    for e in self.book.events if e.entry is not None and e.entry.meta}
        return self._memo(("entries-by-line",), index).get((filename, lineno))

    def customers_of_accounts(self, match: Callable[[str], bool]) -> frozenset[str]:
        """The customers whose receivable account `match` accepts."""
        return frozenset(key for key, customer in self.book.customers.items()
                         if match(customer.account))
