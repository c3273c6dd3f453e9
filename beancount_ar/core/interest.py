"""Late-payment interest on one item: the late days split by base and rate, the dates it is
charged on, and the charges (rounded cumulative amount less what is already charged).

    item_penalties(amount=D("10000.00"), currency="EUR", due=date(2025, 6, 20),
                   payments=[(date(2025, 7, 20), D("10000.00"))], closed=date(2025, 7, 20),
                   as_of=date(2025, 12, 31), policy=base_policy(config), config=config,
                   rates=rates)
    # 2025-06-30: 36.03 + 40.00 indemnity; 2025-07-20: 66.57 (102.60 to date less 36.03)

Interest is simple, on the amount open at the end of the day before, 365 days a year (or 366
in leap years with ``day_count: 'actual'``), rounded once, half-up. See
`beancount_ar.core.penalties` for the whole picture.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from beancount_ar.core.money import ZERO, round_money
from beancount_ar.core.penalty_config import (
    MONTH_END,
    ONE_DAY,
    PERIOD_MONTHS,
    SETTLEMENT,
    PenaltyConfig,
    Policy,
    indemnity_for,
)
from beancount_ar.core.penalty_rates import Missing, Quote, Rates
from beancount_ar.core.rates import half_year_end

# -- interest --------------------------------------------------------------------------------


class Segment(NamedTuple):
    """Late days with the same base, rate and day count (a named tuple, as `Charge`: built by
    the hundred thousand in a penalties run)."""

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
        for moment in (opened, resolved):
            if moment is not None and first < moment <= until:
                breaks.add(moment)
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


# -- schedule --------------------------------------------------------------------------------


def month_ends(first: datetime.date, last: datetime.date, every: int = 1
               ) -> list[datetime.date]:
    """Last days of months in [first, last]; with `every` 3 (or 12), only those of the months
    that end a quarter (a year): March, June, September, December (December)."""
    out: list[datetime.date] = []
    year, month = first.year, first.month
    month += -month % every  # the first month that ends a period
    if month > 12:
        year, month = year + 1, month - 12
    while True:
        day = datetime.date(year, month, calendar.monthrange(year, month)[1])
        if day > last:
            return out
        if day >= first:
            out.append(day)
        month += every
        if month > 12:
            year, month = year + 1, month - 12


def charge_dates(start: datetime.date, closed: datetime.date | None, as_of: datetime.date,
                 schedule: str = MONTH_END) -> list[datetime.date]:
    """When an item late from the day after `start` is charged: at the end of each period of
    the schedule (month, quarter, year) while it is overdue and on the day it is settled, or
    only on that day (or the as-of date while open) under the settlement schedule."""
    settled = closed if closed is not None and closed <= as_of else None
    last = settled or as_of
    if last <= start:
        return []
    if schedule == SETTLEMENT:
        return [last]
    dates = month_ends(start + ONE_DAY, last, PERIOD_MONTHS[schedule])
    if settled is not None and (not dates or dates[-1] != settled):
        dates.append(settled)
    return dates


class Charge(NamedTuple):
    """One entry that charges penalties on an item (a named tuple: one per entry, and the
    month-end schedule makes one per late invoice and month)."""

    date: datetime.date
    interest: Decimal  # interest charged by this entry
    indemnity: Decimal  # indemnity charged by this entry
    interest_to_date: Decimal  # the rounded cumulative interest at `date`
    charged_before: Decimal  # interest counted as charged before this entry
    segments: tuple[Segment, ...]  # the late days since the previous charge date
    settled: bool  # dated on the day the item was settled
    amount: Decimal  # interest + indemnity: what the entry charges (added once, when made)


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
        interest_now = delta - indemnity_now
        charges.append(Charge(day, interest_now, indemnity_now, interest, before, tuple(covered),
                              closed == day, interest_now + indemnity_now))
        charged = due_total
    return ItemPenalties(True, interest, indemnity if dates else ZERO, tuple(charges), missing,
                         no_indemnity_in)
