"""Penalties of a whole subledger: the charges to make on every late invoice item of a
settlement, and which customers' matching penalty items may change (`may_shift_allocations`).

    result = assess(settlement, as_of, config, rates, policy_of, posted)
    result.charges   # ItemCharge(item, charge) for each entry to make
    result.missing   # rates the tables lack (each says the ar-rate directive to add)

Only items of kind invoice bear penalties, never penalties themselves. The repeat-until-stable
loop that settles customers again with the new charges in is `core.penalty_run`.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from beancount_ar.core.allocation import CREDITED, ItemState, Settlement
from beancount_ar.core.interest import Charge, ItemPenalties, item_penalties
from beancount_ar.core.model import INVOICE, Item
from beancount_ar.core.money import ZERO
from beancount_ar.core.penalty_config import SETTLEMENT, PenaltyConfig, Policy
from beancount_ar.core.penalty_rates import Missing, Rates

# -- the whole subledger ---------------------------------------------------------------------


class ItemCharge(NamedTuple):
    """A charge and the invoice item it is on."""

    item: Item
    charge: Charge


@dataclass(frozen=True, slots=True)
class Assessment:
    """Penalties to charge for a settlement, and the rates that were missing."""

    charges: tuple[ItemCharge, ...]
    missing: tuple[Missing, ...]
    no_indemnity_in: frozenset[str] = field(default_factory=frozenset)


def dispute_spans(settlement: Settlement, item: Item
                  ) -> tuple[tuple[datetime.date, datetime.date | None], ...]:
    """The spans an invoice spent in dispute (``ar-dispute`` to ``ar-dispute-resolved``)."""
    return tuple((d.opened, d.resolved)
                 for d in settlement.book.disputes.get(item.invoice or "", ()))


def penalty_base(state: ItemState) -> list[tuple[datetime.date, Decimal]]:
    """The (date, amount) reductions of an item: its allocations."""
    return [(a.date, a.amount) for a in state.allocations]


def penalties_to_date(state: ItemState, as_of: datetime.date, config: PenaltyConfig,
                      rates: Rates, policy: Policy) -> ItemPenalties:
    """Interest and indemnity an invoice item owes as of `as_of` itself, whatever the schedule
    (for a statement or a formal notice: "penalties computed to date")."""
    item = state.item
    return item_penalties(
        amount=item.amount, currency=item.currency, due=item.due,
        payments=penalty_base(state), closed=state.closed_date, as_of=as_of, policy=policy,
        config=dataclasses.replace(config, schedule=SETTLEMENT), rates=rates)


def assess(settlement: Settlement, as_of: datetime.date, config: PenaltyConfig, rates: Rates,
           policy_of: Callable[[Item], Policy],
           posted: Mapping[tuple[str | None, int], Decimal],
           customers: set[str] | None = None,
           memo: dict[tuple[Any, ...], ItemPenalties] | None = None) -> Assessment:
    """The charges to make on every invoice item of `settlement` (settled as of `as_of`).

    Only items of kind invoice bear penalties (never penalties themselves: no compounding); an
    item closed by credit notes alone (a cancelled invoice) bears none. `posted` gives what is
    already charged per (invoice, instalment); `customers` restricts the items considered.
    `memo`, kept by the caller between calls with the same configuration, rates and as-of
    date, spares recomputing items whose payments did not change."""
    charges: list[ItemCharge] = []
    missing: dict[tuple[str, datetime.date], Missing] = {}
    no_indemnity: set[str] = set()
    for state in settlement.items:
        item = state.item
        if item.kind != INVOICE or (customers is not None and item.customer not in customers):
            continue
        # Most items were paid on time: `item_penalties` would find nothing (grace days are
        # never negative, so nothing starts before the due date). Skip them cheaply.
        due = item.due
        if due >= as_of:
            continue
        if state.open == 0:
            paid_by_due = ZERO
            for allocation in state.allocations:
                if allocation.date <= due:
                    paid_by_due += allocation.amount
            if paid_by_due >= item.amount or state.status(as_of) == CREDITED:
                continue
        payments = penalty_base(state)
        policy = policy_of(item)
        owed = posted.get((item.invoice, item.part), ZERO)
        suspended = dispute_spans(settlement, item) if config.suspend_disputes else ()
        key: tuple[Any, ...] | None = None
        result = None
        if memo is not None:
            key = (item.invoice, item.part, item.amount, item.currency, due, tuple(payments),
                   state.closed_date, policy, owed, suspended)
            result = memo.get(key)
        if result is None:
            result = item_penalties(
                amount=item.amount, currency=item.currency, due=due, payments=payments,
                closed=state.closed_date, as_of=as_of, policy=policy, config=config,
                rates=rates, posted=owed, suspended=suspended)
            if memo is not None and key is not None:
                memo[key] = result
        if not result.late:
            continue
        charges.extend(ItemCharge(item, charge) for charge in result.charges)
        if result.missing is not None:
            missing.setdefault((result.missing.table, result.missing.day), result.missing)
        if result.no_indemnity_in:
            no_indemnity.add(result.no_indemnity_in)
    return Assessment(tuple(charges), tuple(missing[k] for k in sorted(missing)),
                      frozenset(no_indemnity))


def may_shift_allocations(settlement: Settlement,
                          new: Mapping[str, Sequence[tuple[str, datetime.date, str | None]]],
                          ) -> set[str]:
    """Customers whose allocations could change if penalty items were added.

    `new` maps a customer to (currency, date, invoice) of its new penalty items. A penalty item
    dated D (and due D) sits among the customer's open items; it can only change what a credit
    of the same customer and currency dated D or later does, and only if that credit's pool may
    hold it (the credit names the penalty's invoice, or may have matched oldest first) and the
    credit went past it (paid an item due D or later, or left money unapplied). Unapplied money
    set against open items at the end may reach it too. Conservative: a customer it cannot rule
    out is returned, and the caller settles it again with the penalties in."""
    if not new:
        return set()
    book = settlement.book
    by_credit: dict[int, list[Any]] = {}
    leftover: set[int] = set()
    for allocation in settlement.allocations:
        by_credit.setdefault(allocation.credit.id, []).append(allocation)
        if allocation.netted:
            leftover.add(allocation.credit.id)
    credits = {}
    for allocation in settlement.allocations:
        credits[allocation.credit.id] = allocation.credit
    for unapplied in settlement.unapplied:
        leftover.add(unapplied.credit.id)
        credits[unapplied.credit.id] = unapplied.credit
    unapplied_customers = {(u.credit.customer, u.credit.currency) for u in settlement.unapplied}
    unapplied_customers |= {(credits[c].customer, credits[c].currency) for c in leftover}
    flagged: set[str] = set()
    per_customer: dict[str, list[Any]] = {}
    for credit in credits.values():
        if credit.customer in new:
            per_customer.setdefault(credit.customer, []).append(credit)
    for customer, penalties in new.items():
        if any((customer, currency) in unapplied_customers for currency, _, _ in penalties):
            flagged.add(customer)
            continue
        earliest = _earliest(penalties)
        for credit in per_customer.get(customer, ()):
            if _credit_may_shift(book, credit, by_credit.get(credit.id, ()),
                                 credit.id in leftover, earliest):
                flagged.add(customer)
                break
    return flagged


Earliest = dict[str, tuple[datetime.date, dict[str | None, datetime.date]]]


def _earliest(penalties: Sequence[tuple[str, datetime.date, str | None]]) -> Earliest:
    """The first day of a customer's new penalties per currency, overall and per invoice: a
    credit can only reach a penalty dated on or before a bound, so the first one decides."""
    out: Earliest = {}
    for currency, day, invoice in penalties:
        found = out.get(currency)
        if found is None:
            out[currency] = (day, {invoice: day})
            continue
        first, by_invoice = found
        if day < first:
            out[currency] = (day, by_invoice)
        if invoice not in by_invoice or day < by_invoice[invoice]:
            by_invoice[invoice] = day
    return out


def _credit_may_shift(book: Any, credit: Any, allocations: Sequence[Any], has_leftover: bool,
                      earliest: Earliest) -> bool:
    """Whether a new penalty (of `earliest`, see `_earliest`) may change what `credit` does: one
    in its currency dated on or before the credit, that its pool may hold (it names the
    penalty's invoice, or names no invoice validly), that it went past (it left money unapplied,
    or paid an item due on or after the penalty's date)."""
    found = earliest.get(credit.currency)
    if found is None:
        return False
    first, by_invoice = found
    bound = credit.date
    if not has_leftover:
        if not allocations:
            return False
        bound = min(bound, max(a.item.due for a in allocations))
    if first > bound:
        return False
    names: set[str] = set(credit.refs)
    for link in credit.links:
        names.update(book.linked(link))
    if not any(a.item.invoice in names for a in allocations if a.item.invoice):
        return True  # it may have matched oldest first: any penalty is in its pool
    return any(day <= bound for invoice, day in by_invoice.items() if invoice in names)
