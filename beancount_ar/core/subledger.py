"""The subledger of a loaded ledger as of a date: the entry point for reports and adapters.

    from beancount import loader
    from beancount_ar.core.subledger import subledger
    entries, errors, options_map = loader.load_file("main.beancount")
    settlement = subledger(entries, options_map, as_of=datetime.date(2026, 11, 23))

reads the plugin's configuration from the ledger's ``plugin "beancount_ar" "..."`` line, takes
the `Book` the plugin read during the load and settles it as of the date (everything dated
later is ignored), once per load and date (`beancount_ar.core.shared`).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from beancount_ar.core.allocation import Settlement
from beancount_ar.core.config import config_from_options
from beancount_ar.core.shared import settlement_for


def settled_as_of(entries: Sequence[Any], options_map: Mapping[str, Any], as_of: datetime.date,
                  settlement: Settlement | None, what: str,
                  customers: Collection[str] | None = None) -> Settlement:
    """`settlement` if given (it must be as of `as_of`: ValueError otherwise, naming `what`
    the date is of), else the subledger settled as of `as_of` (of `customers` only, when
    given: see `subledger`)."""
    if settlement is None:
        return subledger(entries, options_map, as_of, customers)
    if settlement.as_of != as_of:
        raise ValueError(f"the settlement is as of {settlement.as_of}, {what} as of {as_of}: "
                         f"settle the subledger as of {what}'s date")
    return settlement


def subledger(entries: Sequence[Any], options_map: Mapping[str, Any],
              as_of: datetime.date | None = None,
              customers: Collection[str] | None = None) -> Settlement:
    """Settle the receivables of `entries` as of `as_of` (all of them when None); of the
    customers (keys) `customers` only when given - their items, allocations and unapplied
    credits are those of the whole settlement, at the cost of their own entries
    (`beancount_ar.core.shared.settlement_for`)."""
    config, _ = config_from_options(options_map)
    return settlement_for(entries, config, as_of,
                          None if customers is None else frozenset(customers))
