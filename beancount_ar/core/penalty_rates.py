"""The annual rate of each late day under a penalties configuration (regime, contractual rate,
floor) and the rate tables; a day the tables do not know is `Missing` and says the directive to
add.

    rates = Rates(config, tables)
    rates.quote(None, date(2025, 6, 20), date(2025, 7, 1))  # Quote(12.15, 'ECB 2.15 + 10')

FR, EU and DE read their reference on 1 January / 1 July for each half-year; the UK on
31 December / 30 June before the debt, fixed for its life (`core.rates.reference_day`).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from beancount_ar.core.penalty_config import ONE_DAY, PER_DEBT, PenaltyConfig
from beancount_ar.core.rates import (
    FR_LEGAL,
    RateTable,
    half_year_label,
    half_year_start,
    missing_directive,
    reference_day,
)

# -- rates -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quote:
    """The annual rate in percent that applies to a day, and how it was obtained."""

    rate: Decimal
    label: str  # e.g. "ECB 3.15 + 10"
    reference: str | None = None  # the table the rate is built on (None: a contractual rate)
    reference_rate: Decimal | None = None  # its rate on the reference day
    margin: Decimal | None = None  # the points added to it
    contract: Decimal | None = None  # the contractual rate (monthly with the monthly regime)
    legal_floor: Decimal | None = None  # the French legal rate, when 3 x it is the rate


@dataclass(frozen=True, slots=True)
class Missing:
    """A rate the tables do not know: the period it is needed for and the directive to add."""

    table: str
    day: datetime.date
    period: str

    @property
    def message(self) -> str:
        directive = missing_directive(self.table, self.day)
        return (f"no {self.table} rate is known for {self.day} (needed for late-payment "
                f"interest of {self.period}); add it to the ledger: {directive}; penalties are "
                "charged up to the end of the last period with a known rate")


class Rates:
    """The rate of each late day under a configuration and rate tables (results are cached)."""

    def __init__(self, config: PenaltyConfig, tables: Mapping[str, RateTable]) -> None:
        self.config = config
        self.regime = config.regime_rules
        self.reference = config.reference or self.regime.reference
        self.margin = config.margin if config.margin is not None else self.regime.margin
        self.tables = tables
        self._cache: dict[tuple[Any, ...], Quote | Missing] = {}

    def quote(self, contract: Decimal | None, start: datetime.date,
              day: datetime.date) -> Quote | Missing:
        """The rate of late day `day` of a debt whose interest starts the day after `start`;
        `contract` is a contractual rate (the policy's or the configuration's) or None."""
        half = half_year_start(day)
        key = (contract, half, self._debt_day(start) if self.regime.basis == PER_DEBT else None)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._quote(contract, start, half)
        return found

    @staticmethod
    def _debt_day(start: datetime.date) -> datetime.date:
        """The reference day of a debt whose interest starts running the day after `start`."""
        return reference_day(half_year_start(start + ONE_DAY), per_debt=True)

    def _lookup(self, name: str | None, day: datetime.date, period: str) -> Decimal | Missing:
        table = self.tables.get(name) if name is not None else None
        rate = table.rate_on(day) if table is not None else None
        return Missing(name or "", day, period) if rate is None else rate

    def _quote(self, contract: Decimal | None, start: datetime.date,
               half: datetime.date) -> Quote | Missing:
        regime = self.regime
        if contract is None:
            contract = self.config.rate
        ref: Decimal | Missing | None = None
        if contract is not None:
            rate = contract * 12 if regime.monthly else contract
            label = f"{contract} % a month x 12" if regime.monthly else f"contract {contract}"
        elif regime.basis == PER_DEBT:
            day = self._debt_day(start)
            ref = self._lookup(self.reference, day, f"debts late from {start + ONE_DAY}")
            if isinstance(ref, Missing):
                return ref
            rate = ref + self.margin
            label = f"{self.reference} {ref} on {day} + {self.margin}"
        else:
            ref = self._lookup(self.reference, half, half_year_label(half))
            if isinstance(ref, Missing):
                return ref
            rate = ref + self.margin
            label = f"{self.reference} {ref} + {self.margin}"
        floor = None
        if self.config.floor:
            legal = self._lookup(FR_LEGAL, half, half_year_label(half))
            if isinstance(legal, Missing):
                return legal
            if legal * 3 > rate:
                rate = legal * 3
                label = f"3 x legal rate {legal}"
                floor = legal
        if contract is not None:
            return Quote(rate, label, None, None, None, contract, floor)
        assert isinstance(ref, Decimal)
        return Quote(rate, label, self.reference, ref, self.margin, None, floor)
