"""Late-payment penalties: the rate of each late day, interest on the open amount, the flat
recovery indemnity, and the schedule of entries that charge them.

French B2B law (Code de commerce L441-10) makes penalties and a 40 EUR indemnity due without any
reminder; the EU, Germany and the UK have similar rules. For this ledger:

    plugin "beancount_ar.penalties" "{'regime': 'FR', 'account': 'Income:Penalties'}"

    2025-05-21 * "Dupont" "Facture" ^F-1
      invoice: "F-1"
      due: 2025-06-20
      Assets:Receivable:Dupont   10000.00 EUR
      Income:Sales

    2025-07-20 * "Dupont" "Virement" ^F-1
      Assets:Bank                10000.00 EUR
      Assets:Receivable:Dupont  -10000.00 EUR

F-1 is paid 30 days late: 10 days of 2025 H1 at 13.15 % (the ECB rate in force on 1 January,
3.15, + 10 points) and 20 days of 2025 H2 at 12.15 % on 10,000.00 EUR make 102.6027 EUR of
interest, rounded once to 102.60 EUR, plus the 40 EUR indemnity. The schedule charges 76.03 EUR
at 2025-06-30 (36.03 of interest to date and the indemnity) and 66.57 EUR at 2025-07-20 (102.60
to date less 36.03 already charged).

Rules, all in this module (the plugin in `beancount_ar.plugins.penalties` only adapts them):

- *Interest* is simple: each day from the day after the due date (plus grace days) to the day
  the money arrives counts, on the amount open at the end of the day before (an amount paid on
  day P is late P - due days); the day count is 365, or 366 in leap years with ``day_count:
  'actual'``; no compounding: penalties never bear interest. The cumulative interest is rounded
  once, half-up; each entry charges the rounded cumulative amount less what is already charged.
- *Rates* (annual, in percent) per regime: FR = ECB + 10, EU = ECB + 8, DE = base rate + 9, the
  reference read on 1 January for a first half-year and on 1 July for a second one, so interest
  is split at half-year boundaries; UK = Bank Rate + 8, read on 31 December (interest starting
  January-June) or 30 June (July-December) and fixed for the life of the debt; ``fixed`` = a
  contractual annual rate; ``monthly`` = a monthly rate (1.5 by default) times 12. A contractual
  rate (``rate`` in the configuration, ``penalty_rate`` on a customer or an invoice) replaces the
  reference plus margin; ``floor`` makes 3 x the French legal rate of the half-year a minimum.
- *Indemnity*: once per late item (invoice, or instalment of a split invoice), never split:
  40 EUR (FR, EU, DE), 40/70/100 GBP for items under 1,000 / under 10,000 / from 10,000 GBP (UK),
  none for ``fixed`` and ``monthly``, or the configured amount.
- *Schedule* (``month-end``, the default): an entry at each month end while the item is overdue
  and one on the day it is settled; (``settlement``): one entry on the day it is settled, or at
  the as-of date while it is still open. Only dates up to the as-of date count.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from beancount.core import account as account_lib
from beancount.core.amount import Amount

from beancount_ar.core.allocation import CREDITED, ItemState, Settlement
from beancount_ar.core.config import Checker, read_literal_config
from beancount_ar.core.model import INVOICE, Item
from beancount_ar.core.money import ZERO, round_money
from beancount_ar.core.rates import (
    FR_LEGAL,
    RateTable,
    half_year_end,
    half_year_label,
    half_year_start,
    missing_directive,
)

ONE_DAY = datetime.timedelta(days=1)

HALF_YEARLY = "half-yearly"  # the reference is read on 1 January / 1 July for each half-year
PER_DEBT = "per-debt"  # read on 31 December / 30 June before the debt, fixed for its life
CONTRACT = "contract"  # no reference: a contractual rate

MONTH_END = "month-end"
SETTLEMENT = "settlement"
SCHEDULES = (MONTH_END, SETTLEMENT)

# Override metadata on a customer's `open` or on an invoice.
META_WAIVE = "penalties"  # FALSE: no penalties; TRUE on an invoice: penalties despite the customer
META_RATE = "penalty_rate"  # a contractual rate, in the unit of the regime's `rate`
META_GRACE = "penalty_grace_days"  # days after the due date before penalties start
META_INDEMNITY = "penalty_indemnity"  # the flat indemnity: an amount, or 0 for none
OVERRIDE_KEYS = (META_WAIVE, META_RATE, META_GRACE, META_INDEMNITY)


@dataclass(frozen=True, slots=True)
class Regime:
    """A statutory (or contractual) late-payment regime."""

    name: str
    reference: str | None  # the rate table the rate is built on
    margin: Decimal  # points added to the reference
    basis: str  # HALF_YEARLY, PER_DEBT or CONTRACT
    indemnity: str  # "EUR": 40 EUR per late item; "GBP": the UK bands; "": none
    monthly: bool = False  # the contractual rate is a monthly percentage
    default_rate: Decimal | None = None
    law: str = ""


REGIMES: dict[str, Regime] = {
    "FR": Regime("FR", "ECB", Decimal(10), HALF_YEARLY, "EUR",
                 law="Code de commerce L441-10"),
    "EU": Regime("EU", "ECB", Decimal(8), HALF_YEARLY, "EUR", law="Directive 2011/7/EU"),
    "DE": Regime("DE", "DE-BASE", Decimal(9), HALF_YEARLY, "EUR", law="BGB 288"),
    "UK": Regime("UK", "BOE", Decimal(8), PER_DEBT, "GBP",
                 law="Late Payment of Commercial Debts (Interest) Act 1998"),
    "fixed": Regime("fixed", None, ZERO, CONTRACT, "", law="contract"),
    "monthly": Regime("monthly", None, ZERO, CONTRACT, "", monthly=True,
                      default_rate=Decimal("1.5"), law="contract"),
}

EUR_INDEMNITY = Decimal(40)
UK_BANDS = ((Decimal(1000), Decimal(40)), (Decimal(10000), Decimal(70)))
UK_TOP = Decimal(100)


# -- configuration ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PenaltyConfig:
    """Settings of the penalties plugin (see docs/penalties.md)."""

    account: str
    regime: str = "FR"
    indemnity_account: str | None = None
    rate: Decimal | None = None  # contractual rate: annual %, or monthly % (monthly regime)
    margin: Decimal | None = None  # points over the reference (default: the regime's)
    reference: str | None = None  # rate table (default: the regime's)
    floor: bool = False  # 3 x the French legal rate as a minimum
    indemnity: Decimal | None = None  # None: the regime's; else this amount (0: none)
    indemnity_currency: str | None = None  # the indemnity's currency (None: any)
    grace_days: int = 0
    as_of: datetime.date | None = None  # None: today
    day_count: str = "365"  # "365", or "actual" (366 in leap years)
    schedule: str = MONTH_END
    suspend_disputes: bool = False  # no interest runs while an invoice is in dispute
    language: str = "en"  # of the entries' narrations: "en" or "fr"

    @property
    def regime_rules(self) -> Regime:
        return REGIMES[self.regime]


def _number(value: Any) -> Decimal | None:
    """A Decimal from an int, a float as written (12.15) or a string; None if not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, (float, str)):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _rate(value: Any) -> str | None:
    if value is None:
        return None
    number = _number(value)
    if number is None or number < 0:
        return f"{value!r} is not a rate in percent of zero or more, such as 12.15"
    if number > 100:
        return f"{value!r} is not a plausible rate in percent (write 12.15 for 12.15 %)"
    return None


def _account(value: Any) -> str | None:
    if not isinstance(value, str) or not account_lib.is_valid(value):
        return f"{value!r} is not an account name such as 'Income:Penalties'"
    return None


def parse_amount(value: Any) -> tuple[Decimal, str | None] | None:
    """An amount from 40, '40', '40 EUR', Decimal or a Beancount Amount; None if unreadable."""
    if isinstance(value, Amount):
        return (value.number, value.currency) if value.number is not None else None
    if isinstance(value, str) and len(value.split()) == 2:
        number_text, currency = value.split()
        number = _number(number_text)
        if number is None or not currency.isupper():
            return None
        return number, currency
    number = _number(value)
    return None if number is None else (number, None)


def _indemnity(value: Any) -> str | None:
    if value is None or value is False:
        return None
    parsed = parse_amount(value)
    if parsed is None or parsed[0] < 0:
        return (f"{value!r} is not an indemnity: give an amount such as 40 or '40 EUR', 0 or "
                "False for none, or None for the regime's")
    return None


def _grace(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return f"{value!r} is not a number of days (a whole number, 0 or more)"
    return None


def _as_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            datetime.date.fromisoformat(value)
            return None
        except ValueError:
            pass
    return f"{value!r} is not a date such as '2026-11-23' (or None for today)"


def _regime_name(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    for name in REGIMES:
        if name.lower() == value.strip().lower():
            return name
    return None


def _choice(*allowed: Any) -> Checker:
    def check(value: Any) -> str | None:
        if value not in allowed:
            return f"{value!r} is not one of {', '.join(repr(a) for a in allowed)}"
        return None
    return check


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"{value!r} is not True or False"


def _table_name(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        return f"{value!r} is not a rate table name such as 'ECB'"
    return None


def _anything(value: Any) -> str | None:
    return None  # checked by parse_penalty_config, which has no default to fall back on


PENALTY_CHECKS: dict[str, Checker] = {
    "regime": _anything,
    "account": _anything,
    "indemnity_account": lambda v: None if v is None else _account(v),
    "rate": _rate,
    "margin": _rate,
    "reference": _table_name,
    "floor": _bool,
    "indemnity": _indemnity,
    "grace_days": _grace,
    "as_of": _as_of,
    "day_count": _choice("365", 365, "actual"),
    "schedule": _choice(*SCHEDULES),
    "suspend_disputes": _bool,
    "language": _choice("en", "fr"),
}

EXAMPLE = "\"{'regime': 'FR', 'account': 'Income:Penalties'}\""


def parse_penalty_config(text: str | None, what: str = "plugin beancount_ar.penalties"
                         ) -> tuple[PenaltyConfig | None, list[str]]:
    """The plugin's configuration, and its problems (messages naming `what`).

    None when the plugin cannot run: no configuration, no valid income `account`, an unknown
    `regime`, a ``fixed`` regime without `rate`. Other bad values are reported and their
    default is used, as for the invoice plugin."""
    if text is None or not str(text).strip():
        return None, [f"{what}: needs a configuration naming at least the income account, "
                      f"e.g. {EXAMPLE}"]
    good, problems = read_literal_config(text, PENALTY_CHECKS, what)
    if not good and problems:
        return None, problems  # not a dict, or nothing usable in it
    regime = _regime_name(good.get("regime", "FR"))
    if regime is None:
        problems.append(f"{what}: regime: {good['regime']!r} is not a known regime; use one of "
                        f"{', '.join(repr(name) for name in REGIMES)}; no penalties are "
                        "computed until it is corrected")
        return None, problems
    if "account" not in good:
        problems.append(f"{what}: 'account' is required: the income account penalties are "
                        f"credited to (PCG 7631), e.g. {EXAMPLE}")
        return None, problems
    problem = _account(good["account"])
    if problem:
        problems.append(f"{what}: account: {problem}; no penalties are computed until it is "
                        "corrected")
        return None, problems
    rules = REGIMES[regime]
    rate = _number(good["rate"]) if good.get("rate") is not None else rules.default_rate
    if rules.basis == CONTRACT and rate is None:
        problems.append(f"{what}: the {regime!r} regime needs 'rate' (the contractual annual "
                        "rate in percent, e.g. 'rate': 12.0)")
        return None, problems
    indemnity: Decimal | None = None
    currency: str | None = None
    value = good.get("indemnity")
    if value is False:
        indemnity = ZERO
    elif value is not None:
        indemnity, currency = parse_amount(value) or (None, None)
    margin = good.get("margin")
    return PenaltyConfig(
        account=good["account"],
        regime=regime,
        indemnity_account=good.get("indemnity_account"),
        rate=rate,
        margin=_number(margin) if margin is not None else None,
        reference=good["reference"].strip().upper() if good.get("reference") else None,
        floor=good.get("floor", False),
        indemnity=indemnity,
        indemnity_currency=currency,
        grace_days=good.get("grace_days", 0),
        as_of=datetime.date.fromisoformat(good["as_of"]) if good.get("as_of") else None,
        day_count="actual" if good.get("day_count") == "actual" else "365",
        schedule=good.get("schedule", MONTH_END),
        suspend_disputes=good.get("suspend_disputes", False),
        language=good.get("language", "en"),
    ), problems


# -- per-customer and per-invoice overrides --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Policy:
    """What applies to one item: the configuration with its customer's and invoice's overrides."""

    waived: bool = False
    rate: Decimal | None = None  # contractual rate (None: the regime's)
    grace_days: int = 0
    indemnity: Decimal | None = None  # None: the configuration's / regime's
    indemnity_currency: str | None = None


def base_policy(config: PenaltyConfig) -> Policy:
    return Policy(False, None, config.grace_days, None, None)


def apply_overrides(policy: Policy, meta: Mapping[str, Any] | None,
                    what: str) -> tuple[Policy, list[str]]:
    """`policy` with the override metadata of an ``open`` or an invoice; problems name `what`."""
    if not meta:
        return policy, []
    problems: list[str] = []
    waived, rate, grace = policy.waived, policy.rate, policy.grace_days
    indemnity, currency = policy.indemnity, policy.indemnity_currency
    if META_WAIVE in meta:
        value = meta[META_WAIVE]
        if isinstance(value, bool):
            waived = not value
        else:
            problems.append(f"{what}: {META_WAIVE}: must be TRUE or FALSE (FALSE waives late "
                            f"penalties), not {value!r}")
    if META_RATE in meta:
        value = meta[META_RATE]
        problem = _rate(value) if isinstance(value, (int, Decimal)) and not isinstance(
            value, bool) else f"{value!r} is not a number"
        if problem:
            problems.append(f"{what}: {META_RATE}: {problem}; write a rate in percent such as "
                            f"{META_RATE}: 12.5")
        else:
            rate = Decimal(value)
    if META_GRACE in meta:
        value = meta[META_GRACE]
        number = _number(value) if isinstance(value, (int, Decimal)) else None
        if number is None or number < 0 or number != number.to_integral_value():
            problems.append(f"{what}: {META_GRACE}: must be a whole number of days, such as "
                            f"{META_GRACE}: 10, not {value!r}")
        else:
            grace = int(number)
    if META_INDEMNITY in meta:
        value = meta[META_INDEMNITY]
        parsed = parse_amount(value) if isinstance(value, (int, Decimal, Amount)) else None
        if parsed is None or parsed[0] < 0:
            problems.append(f"{what}: {META_INDEMNITY}: must be an amount such as 40.00 EUR "
                            f"(or 0 for none), not {value!r}")
        else:
            indemnity, currency = parsed
    return Policy(waived, rate, grace, indemnity, currency), problems


# -- rates -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quote:
    """The annual rate in percent that applies to a day, and how it was obtained."""

    rate: Decimal
    label: str  # e.g. "ECB 3.15 + 10"


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
        self._cache: dict[tuple, Quote | Missing] = {}

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
        first = start + ONE_DAY
        if first.month <= 6:
            return datetime.date(first.year - 1, 12, 31)
        return datetime.date(first.year, 6, 30)

    def _lookup(self, name: str, day: datetime.date, period: str) -> Decimal | Missing:
        table = self.tables.get(name)
        rate = table.rate_on(day) if table is not None else None
        return Missing(name, day, period) if rate is None else rate

    def _quote(self, contract: Decimal | None, start: datetime.date,
               half: datetime.date) -> Quote | Missing:
        regime = self.regime
        if contract is None:
            contract = self.config.rate
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
        if self.config.floor:
            legal = self._lookup(FR_LEGAL, half, half_year_label(half))
            if isinstance(legal, Missing):
                return legal
            if legal * 3 > rate:
                rate = legal * 3
                label = f"3 x legal rate {legal}"
        return Quote(rate, label)


# -- interest --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """Late days with the same base, rate and day count."""

    first: datetime.date
    last: datetime.date
    base: Decimal
    rate: Decimal
    year_days: int
    label: str = ""

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def numerator(self) -> Decimal:
        """base x rate x days: the interest times 100 x year_days, exact."""
        return self.base * self.rate * self.days

    @property
    def interest(self) -> Decimal:
        """The segment's interest, unrounded."""
        return self.numerator / (100 * self.year_days)

    def describe(self, currency: str) -> str:
        rate = f"{self.rate} % ({self.label})" if self.label else f"{self.rate} %"
        span = str(self.first) if self.days == 1 else f"{self.first}..{self.last}"
        return f"{self.base} {currency} x {rate} x {self.days}/{self.year_days} ({span})"


def _boundaries(first: datetime.date, last: datetime.date) -> Iterable[datetime.date]:
    """1 January and 1 July in (first, last]."""
    for year in range(first.year, last.year + 1):
        for month in (1, 7):
            day = datetime.date(year, month, 1)
            if first < day <= last:
                yield day


def interest_segments(amount: Decimal, start: datetime.date,
                      payments: Sequence[tuple[datetime.date, Decimal]],
                      until: datetime.date, quote: Callable[[datetime.date], Quote | Missing],
                      actual_days: bool = False, cuts: Iterable[datetime.date] = (),
                      suspended: Sequence[tuple[datetime.date, datetime.date | None]] = ()
                      ) -> tuple[list[Segment], Missing | None]:
    """The late days start+1..until split into segments of constant base, rate and day count.

    `payments` are (date, amount) reductions of the debt (payments, credit notes...): an amount
    paid on day P stops bearing interest after day P. `quote(day)` gives the rate of a day; the
    first day it cannot give ends the segments and is returned as Missing. `cuts` are extra days
    after which a segment ends (the dates of the entries that charge the interest). `suspended`
    are (first day, day it ends or None) spans in which no interest runs (a dispute)."""
    first = start + ONE_DAY
    if first > until:
        return [], None
    breaks = set(_boundaries(first, until))
    for day, _ in payments:
        if first < day + ONE_DAY <= until:
            breaks.add(day + ONE_DAY)
    for day in cuts:
        if first < day + ONE_DAY <= until:
            breaks.add(day + ONE_DAY)
    for opened, resolved in suspended:
        for day in (opened, resolved):
            if day is not None and first < day <= until:
                breaks.add(day)
    ordered = sorted(payments)
    paid = ZERO
    index = 0
    segments: list[Segment] = []
    begin = first
    half_end = datetime.date(1, 1, 1)  # the quote holds until this day (one half-year)
    found: Quote | Missing | None = None
    for end_next in [*sorted(breaks), until + ONE_DAY]:
        while index < len(ordered) and ordered[index][0] < begin:
            paid += ordered[index][1]
            index += 1
        base = amount - paid
        if base > 0 and any(opened <= begin and (resolved is None or begin < resolved)
                            for opened, resolved in suspended):
            base = ZERO  # in dispute: no interest
        if base > 0:
            if begin > half_end:
                found = quote(begin)
                half_end = half_year_end(begin)
            if isinstance(found, Missing):
                return segments, found
            assert found is not None
            year_days = 366 if actual_days and calendar.isleap(begin.year) else 365
            segments.append(Segment(begin, end_next - ONE_DAY, base, found.rate, year_days,
                                    found.label))
        begin = end_next
    return segments, None


# -- indemnity -------------------------------------------------------------------------------


def indemnity_for(config: PenaltyConfig, policy: Policy, currency: str,
                  amount: Decimal) -> tuple[Decimal, str | None]:
    """The flat indemnity of a late item, and the currency it could not be charged in (if any).

    The policy's override wins, then the configuration's amount, then the regime's rule."""
    fee, missed = _indemnity_rule(config, policy, currency, amount)
    return round_money(fee, currency), missed


def _indemnity_rule(config: PenaltyConfig, policy: Policy, currency: str,
                    amount: Decimal) -> tuple[Decimal, str | None]:
    for value, cur in ((policy.indemnity, policy.indemnity_currency),
                       (config.indemnity, config.indemnity_currency)):
        if value is not None:
            if value == 0 or cur in (None, currency):
                return value, None
            return ZERO, currency
    rule = config.regime_rules.indemnity
    if rule == "EUR":
        return (EUR_INDEMNITY, None) if currency == "EUR" else (ZERO, currency)
    if rule == "GBP":
        if currency != "GBP":
            return ZERO, currency
        for limit, fee in UK_BANDS:
            if amount < limit:
                return fee, None
        return UK_TOP, None
    return ZERO, None


# -- schedule --------------------------------------------------------------------------------


def month_ends(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Last days of months in [first, last]."""
    out = []
    year, month = first.year, first.month
    while True:
        day = datetime.date(year, month, calendar.monthrange(year, month)[1])
        if day > last:
            return out
        if day >= first:
            out.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def charge_dates(start: datetime.date, closed: datetime.date | None, as_of: datetime.date,
                 schedule: str = MONTH_END) -> list[datetime.date]:
    """When an item late from the day after `start` is charged (see the module docstring)."""
    settled = closed if closed is not None and closed <= as_of else None
    last = settled or as_of
    if last <= start:
        return []
    if schedule == SETTLEMENT:
        return [last]
    dates = month_ends(start + ONE_DAY, last)
    if settled is not None and (not dates or dates[-1] != settled):
        dates.append(settled)
    return dates


@dataclass(frozen=True, slots=True)
class Charge:
    """One entry that charges penalties on an item."""

    date: datetime.date
    interest: Decimal  # interest charged by this entry
    indemnity: Decimal  # indemnity charged by this entry
    interest_to_date: Decimal  # the rounded cumulative interest at `date`
    charged_before: Decimal  # interest counted as charged before this entry
    segments: tuple[Segment, ...]  # the late days since the previous charge date
    settled: bool  # dated on the day the item was settled

    @property
    def amount(self) -> Decimal:
        return self.interest + self.indemnity


@dataclass(frozen=True, slots=True)
class ItemPenalties:
    """What an item owes in penalties as of a date, and the entries still to make."""

    late: bool
    interest: Decimal  # rounded interest to the last charge date
    indemnity: Decimal
    charges: tuple[Charge, ...]
    missing: Missing | None = None
    no_indemnity_in: str | None = None  # a currency the regime's indemnity cannot be charged in


NOTHING = ItemPenalties(False, ZERO, ZERO, ())


def item_penalties(*, amount: Decimal, currency: str, due: datetime.date,
                   payments: Sequence[tuple[datetime.date, Decimal]],
                   closed: datetime.date | None, as_of: datetime.date, policy: Policy,
                   config: PenaltyConfig, rates: Rates,
                   posted: Decimal = ZERO,
                   suspended: Sequence[tuple[datetime.date, datetime.date | None]] = ()
                   ) -> ItemPenalties:
    """Penalties of one item (an invoice or an instalment) as of `as_of`.

    `payments` are the (date, amount) allocations that reduced it, `closed` the day it was
    settled (None while open) and `posted` what is already charged on it (entries booked by hand
    or written out earlier, whatever their date): each charge is the rounded cumulative amount
    (interest + indemnity) at its date less what is charged before it, when that is positive."""
    if policy.waived:
        return NOTHING
    start = due + datetime.timedelta(days=policy.grace_days)
    if start >= as_of:
        return NOTHING
    paid_by_start = sum((a for d, a in payments if d <= start), ZERO)
    if amount - paid_by_start <= 0:
        return NOTHING
    dates = charge_dates(start, closed, as_of, config.schedule)
    if not dates:
        return NOTHING
    contract = policy.rate
    segments, missing = interest_segments(
        amount, start, payments, dates[-1],
        lambda day: rates.quote(contract, start, day),
        actual_days=config.day_count == "actual", cuts=dates, suspended=suspended)
    if missing is not None:
        dates = [d for d in dates if d < missing.day]
    indemnity, no_indemnity_in = indemnity_for(config, policy, currency, amount)
    charges: list[Charge] = []
    charged = posted
    common = leap = ZERO  # sums of base x rate x days over 365-day and 366-day years
    index = 0
    interest = ZERO
    for day in dates:
        covered = []
        while index < len(segments) and segments[index].last <= day:
            seg = segments[index]
            if seg.year_days == 365:
                common += seg.numerator
            else:
                leap += seg.numerator
            covered.append(seg)
            index += 1
        interest = round_money(common / 36500 + leap / 36600 if leap else common / 36500,
                               currency)
        due_total = interest + indemnity
        delta = due_total - charged
        if delta <= 0:
            continue
        indemnity_now = indemnity - min(charged, indemnity)
        before = charged - min(charged, indemnity)
        charges.append(Charge(day, delta - indemnity_now, indemnity_now, interest, before,
                              tuple(covered), closed == day))
        charged = due_total
    return ItemPenalties(True, interest, indemnity if dates else ZERO, tuple(charges), missing,
                         no_indemnity_in)


# -- the whole subledger ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemCharge:
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
           memo: dict[tuple, ItemPenalties] | None = None) -> Assessment:
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
        key = (item.invoice, item.part, item.amount, item.currency, due, tuple(payments),
               state.closed_date, policy,
               owed, suspended) if memo is not None else None
        result = memo.get(key) if memo is not None else None
        if result is None:
            result = item_penalties(
                amount=item.amount, currency=item.currency, due=due, payments=payments,
                closed=state.closed_date, as_of=as_of, policy=policy, config=config,
                rates=rates, posted=owed, suspended=suspended)
            if memo is not None:
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
    by_credit: dict[int, list] = {}
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
    per_customer: dict[str, list] = {}
    for credit in credits.values():
        if credit.customer in new:
            per_customer.setdefault(credit.customer, []).append(credit)
    for customer, penalties in new.items():
        if any((customer, currency) in unapplied_customers for currency, _, _ in penalties):
            flagged.add(customer)
            continue
        for credit in per_customer.get(customer, ()):
            if _credit_may_shift(book, credit, by_credit.get(credit.id, ()),
                                 credit.id in leftover, penalties):
                flagged.add(customer)
                break
    return flagged


def _credit_may_shift(book: Any, credit: Any, allocations: Sequence[Any], has_leftover: bool,
                      penalties: Sequence[tuple[str, datetime.date, str | None]]) -> bool:
    names: set[str] = set(credit.refs)
    for link in credit.links:
        names.update(book.linked(link))
    named_validly = any(a.item.invoice in names for a in allocations if a.item.invoice)
    for currency, day, invoice in penalties:
        if credit.currency != currency or credit.date < day:
            continue
        if named_validly and invoice not in names:
            continue  # its pool is the invoices it names: the penalty is not in it
        if has_leftover or any(a.item.due >= day for a in allocations):
            return True
    return False


__all__ = [
    "CONTRACT", "HALF_YEARLY", "MONTH_END", "META_GRACE", "META_INDEMNITY", "META_RATE",
    "META_WAIVE", "OVERRIDE_KEYS", "PER_DEBT", "REGIMES", "SCHEDULES", "SETTLEMENT",
    "Assessment", "Charge", "ItemCharge", "ItemPenalties", "Missing", "PenaltyConfig", "Policy",
    "Quote", "Rates", "Regime", "Segment", "apply_overrides", "assess", "base_policy",
    "charge_dates", "indemnity_for", "interest_segments", "item_penalties",
    "may_shift_allocations", "month_ends", "parse_amount", "parse_penalty_config",
    "penalties_to_date",
]
