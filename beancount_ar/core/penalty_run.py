"""The penalties run over a whole ledger: assess, add the charges, settle again the customers
whose matching they may change, until nothing changes (a fixed point).

    run = PenaltyRun(entries, ar_config, config, Rates(config, tables), policies, as_of)
    result = run.run()
    result.charges    # {receivable account: [ItemCharge...]} to write as entries
    result.customers  # {customer key: Customer} of the charges' items
    result.missing    # rates the tables lack (Missing: the ar-rate directive to add)

The first settlement, of the whole subledger, is of the book the invoice plugin published
(`core.shared.book_for`). Payments naming an invoice also pay its penalties, so a new penalty
item can change what a credit pays; the customers where it may (`may_shift_allocations`) are
settled again with stand-ins for the new charges until their charges stop changing, at most
MAX_ROUNDS times: their events are the published book's with the stand-ins read on top
(`core.shared.book_with`), not a new reading of their transactions. The penalties plugin
(`beancount_ar.plugins.penalties`) only turns the result into entries and errors.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount

from beancount_ar.core.allocation import Settlement, settle
from beancount_ar.core.book import Book, read_book
from beancount_ar.core.config import ArConfig
from beancount_ar.core.errors import OverpaymentError
from beancount_ar.core.interest import ItemPenalties
from beancount_ar.core.model import GENERATED, PENALTY_TAG, Customer, Item
from beancount_ar.core.penalty_assessment import ItemCharge, assess, may_shift_allocations
from beancount_ar.core.penalty_config import PenaltyConfig, Policies
from beancount_ar.core.penalty_rates import Missing, Rates
from beancount_ar.core.report import penalties_posted
from beancount_ar.core.shared import Spots, book_for, book_with, spots

MAX_ROUNDS = 20
ChargeKey = tuple[str | None, int, datetime.date, Decimal]  # invoice, part, date, amount
Charges = dict[str, tuple[list[ItemCharge], Book]]  # by receivable account


def receivable(account: str, root: str) -> bool:
    return account == root or account.startswith(root + ":")


def invoice_links(item: Item) -> frozenset[str]:
    """The links of a charge's entry: its invoice (an invoice item always has its number)."""
    return frozenset({item.invoice}) if item.invoice else frozenset()


def entry_lineno(item: Item) -> int:
    """The line number of a charge's entry: its invoice's, so entries sort the same way in the
    settlements here and in the loaded ledger."""
    lineno = item.entry.meta.get("lineno") if item.entry is not None else None
    return lineno if isinstance(lineno, int) else 0


@dataclass(frozen=True, slots=True)
class RunResult:
    """What a run found."""

    charges: dict[str, list[ItemCharge]]  # by receivable account, sorted
    customers: Mapping[str, Customer]  # the customer of each charge's item, by its key
    missing: tuple[Missing, ...]  # rates the tables lack, one per (table, day)
    no_indemnity_in: tuple[str, ...]  # currencies the regime's indemnity cannot be charged in
    problems: tuple[str, ...]


class PenaltyRun:
    """One run of the penalties over a ledger's entries (see the module docstring)."""

    def __init__(self, entries: list[data.Directive], ar_config: ArConfig, config: PenaltyConfig,
                 rates: Rates, policies: Policies, as_of: datetime.date,
                 allowed: set[str] | None = None) -> None:
        self.entries = entries
        self.allowed = allowed  # the currencies the income accounts accept (None: any)
        self.refused: set[str] = set()
        self.ar_config = ar_config
        self.config = config
        self.rates = rates
        self.policies = policies
        self.as_of = as_of
        # item_penalties results, shared by the rounds
        self.memo: dict[tuple[Any, ...], ItemPenalties] = {}
        # Positions of the opens and custom directives, and of each receivable account's
        # transactions: made only when nothing is published (`positions`).
        self._positions: tuple[list[int], dict[str, list[int]]] | None = None
        self._spots: Spots | None = None  # what book_with needs of the entries, for every round

    def positions(self) -> tuple[list[int], dict[str, list[int]]]:
        """The positions of the opens and custom directives in the entries, and of each
        receivable account's transactions (a pass over every entry, made once)."""
        if self._positions is None:
            common: list[int] = []
            by_account: dict[str, list[int]] = {}
            root = self.ar_config.receivable_root
            for position, entry in enumerate(self.entries):
                if isinstance(entry, (data.Open, data.Custom)):
                    common.append(position)
                elif isinstance(entry, data.Transaction):
                    for account in {p.account for p in entry.postings
                                    if receivable(p.account, root)}:
                        by_account.setdefault(account, []).append(position)
            self._positions = common, by_account
        return self._positions

    def settle(self, accounts: set[str] | None,
               extra: Sequence[data.Transaction] = ()) -> Settlement:
        """The settlement of `accounts` (their customers' matching does not depend on others),
        of the whole subledger when None.

        The whole subledger's is settled from the book the invoice plugin read and published
        (`core.shared.book_for`: the same book as reading it again)."""
        book = book_for(self.entries, self.ar_config)
        if accounts is None:
            return settle(book, self.as_of)
        # Their customers' events, with what `extra` adds, read on top of the published book
        # (`core.shared.book_with`); their transactions read again where it does not apply.
        customers = {key for key, customer in book.customers.items()
                     if customer.account in accounts}
        if self._spots is None:
            self._spots = spots(self.entries)
        found = book_with(self.entries, self.ar_config, extra, customers, self._spots)
        if found is not None:
            return settle(found, self.as_of)
        common, by_account = self.positions()
        positions = set(common)
        for account in accounts:
            positions.update(by_account.get(account, ()))
        subset = [self.entries[i] for i in sorted(positions)]
        if extra:
            subset.extend(extra)
            subset.sort(key=data.entry_sortkey)
        book, _ = read_book(subset, self.ar_config)  # the invoice plugin reports its errors
        return settle(book, self.as_of)

    def assess(self, settlement: Settlement, posted: Mapping[tuple[str | None, int], Decimal],
               accounts: set[str] | None) -> Charges:
        customers = None if accounts is None else {
            key for key, c in settlement.book.customers.items() if c.account in accounts}
        result = assess(settlement, self.as_of, self.config, self.rates,
                        self.policies.of(settlement.book), posted, customers, self.memo)
        self.missing.extend(result.missing)
        self.currencies |= result.no_indemnity_in
        book = settlement.book
        out: Charges = {}
        for charge in result.charges:
            if self.allowed is not None and charge.item.currency not in self.allowed:
                self.refused.add(charge.item.currency)
                continue
            account = book.customers[charge.item.customer].account
            out.setdefault(account, ([], book))[0].append(charge)
        return out

    def may_shift(self, settlement: Settlement,
                  before: Mapping[str, tuple[list[ItemCharge], Book]],
                  after: Mapping[str, tuple[list[ItemCharge], Book]]) -> set[str]:
        """Accounts whose matching may change when the charges in `settlement` (`before`, by
        account) are replaced by `after`: a charge that is new may take money from credits; one
        that goes away may give some back, if a credit paid it."""
        removed: set[ChargeKey] = set()
        for charges, _ in before.values():
            removed.update(_key(charges))
        for charges, _ in after.values():
            removed.difference_update(_key(charges))
        accounts: set[str] = set()
        if removed:
            for allocation in settlement.allocations:
                item = allocation.item
                entry = item.entry
                if entry is not None and entry.meta.get("filename") == GENERATED and (
                        item.invoice, int(entry.meta.get("instalment", 1)), item.date,
                        item.amount) in removed:
                    accounts.add(settlement.book.customers[item.customer].account)
        kept = {key for charges, _ in before.values() for key in _key(charges)}
        new: dict[str, list[tuple[str, datetime.date, str | None]]] = {}
        for charges, _ in after.values():
            for item, found in charges:
                if kept and (item.invoice, item.part, found.date, found.amount) in kept:
                    continue
                new.setdefault(item.customer, []).append((item.currency, found.date,
                                                          item.invoice))
        book = settlement.book
        accounts.update(book.customers[c].account for c in may_shift_allocations(settlement, new))
        return accounts

    def stand_in(self, charge: ItemCharge, book: Book) -> data.Transaction:
        """What settling needs of a charge's entry (made without its narration)."""
        item = charge.item
        customer = book.customers[item.customer]
        meta = data.new_metadata(GENERATED, entry_lineno(item), {"instalment": Decimal(item.part)})
        amount = Amount(charge.charge.amount, item.currency)
        posting_meta = {"customer": customer.name} if customer.shared else None
        return data.Transaction(meta, charge.charge.date, "*", None, "", frozenset({PENALTY_TAG}),
                                invoice_links(item), [
                                    data.Posting(customer.account, amount, None, None, None,
                                                 posting_meta)])

    def overpayments(self, settlement: Settlement, accounts: set[str] | None) -> None:
        """Keep the overpayments of `accounts` (every account when None) found by `settlement`
        (the latest of them)."""
        for account in accounts or ():
            self.overpaid[account] = []
        root = self.ar_config.receivable_root
        for error in settlement.errors:
            if isinstance(error, OverpaymentError) and error.entry is not None:
                for posting in error.entry.postings:
                    if (accounts is None or posting.account in accounts) and receivable(
                            posting.account, root):
                        self.overpaid.setdefault(posting.account, []).append(error)
                        break

    def run(self) -> RunResult:
        """The charges to make by receivable account, the missing rates, the currencies that
        got no indemnity, and problems (overpayments are in `overpaid` afterwards)."""
        self.missing: list[Missing] = []
        self.currencies: set[str] = set()
        self.overpaid: dict[str, list[OverpaymentError]] = {}
        settlement = self.settle(None)  # every account
        self.overpayments(settlement, None)
        posted = penalties_posted(settlement)  # booked by hand or written out earlier
        charges = self.assess(settlement, posted, None)
        # Penalty items take part in matching (a payment naming an invoice also pays its
        # penalties): settle again, with the new entries in, the customers where they may change
        # what credits do, until nothing changes (a fixed point; each round fixes later dates).
        pending = self.may_shift(settlement, {}, charges)
        del settlement  # the whole subledger's matching: not needed any more (memory)
        problems: list[str] = []
        rounds = 0
        while pending:
            rounds += 1
            if rounds > MAX_ROUNDS:
                problems.append(f"beancount_ar.penalties: penalties of "
                                f"{', '.join(sorted(pending))} did not settle after {MAX_ROUNDS} "
                                "rounds; please report this")
                break
            extra = [self.stand_in(charge, charges[account][1]) for account in sorted(pending)
                     if account in charges for charge in charges[account][0]]
            again = self.settle(pending, extra)
            self.overpayments(again, pending)
            fresh = self.assess(again, posted, pending)
            before = {account: charges[account] for account in pending if account in charges}
            changed = {account for account in pending if _key(before.get(account, ([],))[0])
                       != _key(fresh.get(account, ([],))[0])}
            for account in changed:
                if account in fresh:
                    charges[account] = fresh[account]
                else:
                    charges.pop(account, None)
            # `again` holds the charges of `before`: settle again only where going from them to
            # the new ones may change what credits do.
            pending = self.may_shift(again, {a: before[a] for a in changed if a in before},
                                     {a: charges[a] for a in changed if a in charges})
        unique = {(m.table, m.day): m for m in self.missing}
        # Only the customers of the books are kept, so the books can go before the entries are
        # made (memory).
        customers = {charge.item.customer: book.customers[charge.item.customer]
                     for found, book in charges.values() for charge in found}
        return RunResult({a: charges[a][0] for a in sorted(charges)}, customers,
                         tuple(unique[k] for k in sorted(unique)), tuple(sorted(self.currencies)),
                         tuple(problems))


def _key(charges: Sequence[ItemCharge]) -> tuple[ChargeKey, ...]:
    return tuple((item.invoice, item.part, charge.date, charge.amount) for item, charge in charges)
