"""Receivables metrics: DSO, best possible DSO, average days delinquent, CEI, payment behaviour,
credit-limit use and a risk rating - every figure derived from the settled subledger.

For a period (begin to end, both included, ``days`` long) and one currency:

- **DSO** (days sales outstanding) = closing receivables / credit sales x days;
- **countback DSO**: from the closing receivables take away each month's credit sales going
  backwards (the as-of month counts up to the as-of date), adding that month's days, until what
  is left is less than a month's sales; then add what is left / that month's sales x its days;
- **best possible DSO** = closing receivables not yet due / credit sales x days;
- **average days delinquent** (ADD) = DSO - best possible DSO (of the rounded figures, so the
  figures shown add up);
- **CEI** (collection effectiveness index) = (opening receivables + credit sales - closing
  receivables) / (opening receivables + credit sales - closing receivables not yet due) x 100.

Credit sales are the invoices dated in the period less the credit notes dated in it, including
VAT as the receivables do. Opening receivables are the balance at the end of the day before the
period; closing receivables the balance at its end. Days are rounded half-up to 0.1, CEI to
0.1 %. A figure whose divisor is zero is None (shown as "n/a"). For example, in 30 days:

    2025-11-01 * "Dupont" "Facture" ^F-1
      invoice: "F-1"                        ; net 30: due 2025-12-01
      Assets:Receivable:Dupont   3000.00 EUR
      Income:Sales

    2025-11-20 * "Dupont" "Acompte" ^F-1
      Assets:Bank                1000.00 EUR
      Assets:Receivable:Dupont  -1000.00 EUR

as of 2025-11-30 for November: DSO = 2000 / 3000 x 30 = 20.0 days, all of it not yet due, so
best possible DSO = 20.0 and ADD = 0.0; CEI = (0 + 3000 - 2000) / (0 + 3000 - 2000) = 100.0 %.

The sums over the period come from `PeriodIndex`: the events' sums per day and month (per
customer when some are asked for), made in one pass, so that the figures at another date add
a few dozen months and the days of two or three, not every event of the ledger; they are the
same sums, to the last decimal place (``tests/test_period_index.py``).

**Payment behaviour** of a customer over the 12 calendar months to the as-of date (the as-of
month and the 11 before it), counting each invoice or instalment paid in that window once:
average days to pay (paid date - invoice date), average days late (paid date - due date, 0 when
on time) and the share paid on time, plus the average days late month by month. The paid date
is the date of the last allocation that closed the item; an item closed by credit notes or a
write-off is not a payment.

**Risk rating** (`RiskRule` holds the thresholds): *high* if an amount is more than 60 days past
due, the credit limit is exceeded or something was written off in the window; else *medium* if
an amount is more than 30 days past due, payments were on average more than 15 days late, or
the credit limit is more than 80 % used; else *low*.

**Credit-limit use** = the customer's balance in the limit's currency / the limit x 100.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from beancount.core.amount import Amount

from beancount_ar.core.allocation import OPEN, OVERDUE, PAID, Settlement
from beancount_ar.core.model import CREDIT_NOTE, INVOICE, WRITEOFF, Item
from beancount_ar.core.money import ZERO

TENTH = Decimal("0.1")
HUNDRED = Decimal(100)

LOW = "low"
MEDIUM = "medium"
HIGH = "high"
RISK_LEVELS = (LOW, MEDIUM, HIGH)

# Risk reasons: (code, value).
OVERDUE_DAYS = "overdue_days"  # value: days past due of the oldest open amount
LIMIT_EXCEEDED = "limit_exceeded"  # value: credit-limit use in %
LIMIT_HIGH = "limit_high"  # value: credit-limit use in %
WRITTEN_OFF = "written_off"  # value: amount written off in the window, per currency
PAID_LATE = "paid_late"  # value: average days late


def _tenth(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


# -- the formulas ----------------------------------------------------------------------------


def dso(receivables: Decimal, credit_sales: Decimal, days: int) -> Decimal | None:
    """Days sales outstanding: receivables / credit sales x days (None without sales)."""
    if credit_sales <= 0:
        return None
    return _tenth(receivables / credit_sales * days)


def best_possible_dso(current: Decimal, credit_sales: Decimal, days: int) -> Decimal | None:
    """Best possible DSO: receivables not yet due / credit sales x days."""
    return dso(current, credit_sales, days)


def average_days_delinquent(dso_days: Decimal | None,
                            best_days: Decimal | None) -> Decimal | None:
    """Average days delinquent: DSO - best possible DSO."""
    if dso_days is None or best_days is None:
        return None
    return dso_days - best_days


def collection_effectiveness(opening: Decimal, credit_sales: Decimal, closing: Decimal,
                             closing_current: Decimal) -> Decimal | None:
    """CEI in %: (opening + sales - closing) / (opening + sales - closing current) x 100."""
    denominator = opening + credit_sales - closing_current
    if denominator <= 0:
        return None
    return _tenth((opening + credit_sales - closing) / denominator * HUNDRED)


def countback_dso(closing: Decimal, months: Sequence[tuple[Decimal, int]]) -> Decimal | None:
    """Countback DSO from (credit sales, days) of each month, the most recent first.

    None when the receivables exceed all the sales of `months` (too little history)."""
    if closing <= 0:
        return Decimal("0.0")
    rest = closing
    days = Decimal(0)
    for sales, month_days in months:
        if sales > 0 and rest < sales:
            return _tenth(days + rest / sales * month_days)
        rest -= max(sales, ZERO)
        days += month_days
    return None


def credit_limit_use(balance: Decimal, limit: Decimal) -> Decimal | None:
    """Share of the credit limit in use, in % (None for a limit of zero or less)."""
    if limit <= 0:
        return None
    return _tenth(balance / limit * HUNDRED)


# -- period figures --------------------------------------------------------------------------


def month_start(date: datetime.date, back: int = 0) -> datetime.date:
    """The first day of `date`'s month, `back` months earlier."""
    return _month_first(_month_number(date) - back)


def _month_number(day: datetime.date) -> int:
    """Months since year 0 (January of year 0 is 0): months compare and subtract as ints."""
    return day.year * 12 + day.month - 1


def _month_first(number: int) -> datetime.date:
    """The first day of month `number` (`_month_number`'s inverse)."""
    return datetime.date(number // 12, number % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """The figures of one currency over a period, and the metrics derived from them."""

    currency: str
    begin: datetime.date
    end: datetime.date  # included: the as-of date
    opening: Decimal  # receivables at the end of the day before `begin`
    invoiced: Decimal  # invoices dated in the period
    credit_notes: Decimal  # credit notes dated in the period
    closing: Decimal  # receivables at `end`
    current: Decimal  # the part of `closing` not yet due at `end`
    # (month's first day, credit sales, days counted) from the as-of month backwards
    months: tuple[tuple[datetime.date, Decimal, int], ...] = field(default=())

    @property
    def days(self) -> int:
        return (self.end - self.begin).days + 1

    @property
    def credit_sales(self) -> Decimal:
        return self.invoiced - self.credit_notes

    @property
    def overdue(self) -> Decimal:
        return self.closing - self.current

    @property
    def dso(self) -> Decimal | None:
        return dso(self.closing, self.credit_sales, self.days)

    @property
    def best_possible_dso(self) -> Decimal | None:
        return best_possible_dso(self.current, self.credit_sales, self.days)

    @property
    def average_days_delinquent(self) -> Decimal | None:
        return average_days_delinquent(self.dso, self.best_possible_dso)

    @property
    def cei(self) -> Decimal | None:
        return collection_effectiveness(self.opening, self.credit_sales, self.closing,
                                        self.current)

    @property
    def countback_dso(self) -> Decimal | None:
        return countback_dso(self.closing, [(sales, days) for _, sales, days in self.months])


# The four sums of one month (per currency): the change of the receivables (items less
# credits, every event counted), sales (invoices, credit notes negative), invoiced (the positive
# sales) and credited (the negative ones, as positive amounts). None: no event added to it.
_CHANGE, _SALES, _INVOICED, _CREDITED = range(4)
_Sums = list[Any]  # [change, sales, invoiced, credited], each Decimal | None


def _change_and_sale(event: Item | Any) -> tuple[Decimal, Decimal | None]:
    """What one event does to the receivables, and to credit sales: an invoice is a sale, a
    credit note a negative one, anything else (payments, write-offs, other debits) none."""
    amount = event.amount
    if isinstance(event, Item):
        return amount, (amount if event.kind == INVOICE else None)
    return -amount, (-amount if event.kind == CREDIT_NOTE else None)


def _one(event: Item | Any) -> _Sums:
    """The sums of one event."""
    change, sale = _change_and_sale(event)
    if not sale:  # a zero sale is none, as `period_figures` counts it
        return [change, None, None, None]
    if sale > 0:
        return [change, sale, sale, None]
    return [change, sale, None, -sale]


def _add_event(table: dict[Any, _Sums], key: Any, event: Item | Any) -> None:
    """Add the event's sums (`_one`) to the table's at the key (written out: once per event
    of the ledger)."""
    sums = table.get(key)
    if sums is None:
        table[key] = _one(event)
        return
    change, sale = _change_and_sale(event)
    sums[_CHANGE] += change
    if not sale:
        return
    sums[_SALES] = sale if sums[_SALES] is None else sums[_SALES] + sale
    if sale > 0:
        sums[_INVOICED] = sale if sums[_INVOICED] is None else sums[_INVOICED] + sale
    else:
        sums[_CREDITED] = -sale if sums[_CREDITED] is None else sums[_CREDITED] - sale


def _merge(sums: _Sums, more: _Sums) -> None:
    for slot, value in enumerate(more):
        if value is not None:
            sums[slot] = value if sums[slot] is None else sums[slot] + value


class PeriodIndex:
    """Monthly sums of a book's events, per customer and currency, from one pass over the
    events, so that `period_figures` at any date adds a few dozen months instead of going
    through every event again (Fava's time filter asks for a new date at each click).

    The figures are the sums of the same events as a pass over them would add, so equal to the
    cent and to the decimal place (Decimal addition is exact at these sizes). The sums per
    customer are made at the first question about some customers: share an index between
    threads under a lock (Fava's `Analysis` computes figures under its own)."""

    def __init__(self, events: Sequence[Item | Any]) -> None:
        self.events = events
        # month number -> (first, end) positions of its events in `events` (in date order)
        self._slices: dict[int, tuple[int, int]] = {}
        # month number -> (day, currency) -> every customer's sums of that day
        self._daily: dict[int, dict[tuple[datetime.date, str], _Sums]] = {}
        # (currency, month number) -> every customer's sums of the month
        every: dict[tuple[str, int], _Sums] = {}
        # customer (None: any) -> currency -> the day of its first event
        firsts: dict[str, datetime.date] = {}
        self._first_day: dict[str | None, dict[str, datetime.date]] = {None: firsts}
        # customer -> (currency, month number) -> sums: made at the first question about some
        # customers only (Fava's account filter), in a pass of its own
        self._sums: dict[str | None, dict[tuple[str, int], _Sums]] = {None: every}
        self._per_customer = False
        current_day: datetime.date | None = None
        month, first, daily = -1, 0, {}
        for position, event in enumerate(events):
            day = event.date
            if day != current_day:
                current_day = day
                number = _month_number(day)
                if number != month:
                    if month >= 0:
                        self._slices[month] = (first, position)
                    month, first = number, position
                    daily = self._daily[month] = {}
            currency = event.currency
            if currency not in firsts:
                firsts[currency] = day
            _add_event(daily, (day, currency), event)
        if month >= 0:
            self._slices[month] = (first, len(events))
        for number, days in self._daily.items():  # the months from their days
            for (_, currency), sums in days.items():
                found = every.get((currency, number))
                if found is None:
                    every[(currency, number)] = list(sums)
                else:
                    _merge(found, sums)

    def _customers(self) -> None:
        """The sums and first days per customer (one pass, the first time they are needed)."""
        if self._per_customer:
            return
        for event in self.events:
            customer, currency, day = event.customer, event.currency, event.date
            own = self._sums.get(customer)
            if own is None:
                own = self._sums[customer] = {}
                self._first_day[customer] = {}
            firsts = self._first_day[customer]
            if currency not in firsts:
                firsts[currency] = day
            _add_event(own, (currency, _month_number(day)), event)
        self._per_customer = True

    def currencies(self, end: datetime.date,
                   customers: Collection[str] | None = None) -> list[str]:
        """The currencies of the events up to `end` (of `customers`' events)."""
        if customers is not None:
            self._customers()
        found: set[str] = set()
        for who in ([None] if customers is None else customers):
            found.update(c for c, day in self._first_day.get(who, {}).items() if day <= end)
        return sorted(found)

    def _tables(self, wanted: Collection[str] | None) -> list[dict[tuple[str, int], _Sums]]:
        if wanted is None:
            return [self._sums[None]]
        self._customers()
        return [self._sums[key] for key in wanted if key in self._sums]

    def _months(self, tables: list[dict[tuple[str, int], _Sums]], slot: int, first: int,
                last: int) -> dict[tuple[str, int], Decimal]:
        """Per (currency, month), the sums of the whole months first..last (numbers)."""
        found: dict[tuple[str, int], Decimal] = {}
        if first > last:
            return found
        for table in tables:
            for (currency, month), sums in table.items():
                value = sums[slot]
                if value is not None and first <= month <= last:
                    key = (currency, month)
                    found[key] = found.get(key, ZERO) + value
        return found

    def _days(self, month: int, low: datetime.date, high: datetime.date,
              wanted: Collection[str] | None) -> Iterable[tuple[str, _Sums]]:
        """(currency, sums) of each day low..high of the month: every customer's from the
        day table, else the wanted customers' events one by one."""
        if wanted is None:
            for (day, currency), sums in self._daily.get(month, {}).items():
                if low <= day <= high:
                    yield currency, sums
            return
        first, end = self._slices.get(month, (0, 0))
        for event in self.events[first:end]:
            if low <= event.date <= high and event.customer in wanted:
                yield event.currency, _one(event)

    def sums(self, begin: datetime.date, end: datetime.date,
             customers: Collection[str] | None, first_month: datetime.date,
             ) -> tuple[dict[str, Decimal], dict[str, Decimal], dict[str, Decimal],
                        dict[tuple[str, datetime.date], Decimal]]:
        """(opening, invoiced, credited, monthly sales) as `period_figures` defines them:
        opening before `begin`, invoiced and credited from `begin` to `end`, the sales of each
        month from `first_month` (a month's first day) to `end`."""
        wanted = set(customers) if customers is not None else None
        tables = self._tables(wanted)
        low_month, high_month = _month_number(begin), _month_number(end)
        opening: dict[str, Decimal] = {}
        invoiced: dict[str, Decimal] = {}
        credited: dict[str, Decimal] = {}
        monthly: dict[tuple[str, int], Decimal] = {}

        def add(found: dict[str, Decimal], currency: str, value: Decimal | None) -> None:
            if value is not None:
                found[currency] = found.get(currency, ZERO) + value

        # opening: the events before begin (and not after end): whole months, then the days
        # of the month of the last day counted
        if begin > datetime.date.min:
            last = min(begin - datetime.timedelta(days=1), end)
            last_month = _month_number(last)
            for (currency, _), value in self._months(tables, _CHANGE, 0,
                                                     last_month - 1).items():
                add(opening, currency, value)
            for currency, sums in self._days(last_month, datetime.date.min, last, wanted):
                add(opening, currency, sums[_CHANGE])
        # invoiced and credited: whole months strictly inside, the days of the two ends
        for slot, found in ((_INVOICED, invoiced), (_CREDITED, credited)):
            for (currency, _), value in self._months(tables, slot, low_month + 1,
                                                     high_month - 1).items():
                add(found, currency, value)
        for month in ([low_month] if low_month == high_month else [low_month, high_month]):
            for currency, sums in self._days(month, begin, end, wanted):
                add(invoiced, currency, sums[_INVOICED])
                add(credited, currency, sums[_CREDITED])
        # monthly sales: whole months from first_month to the month before end's, then end's
        start = _month_number(first_month)
        monthly.update(self._months(tables, _SALES, start, high_month - 1))
        if high_month >= start:
            for currency, sums in self._days(high_month, first_month, end, wanted):
                value = sums[_SALES]
                if value is not None:
                    key = (currency, high_month)
                    monthly[key] = monthly.get(key, ZERO) + value
        by_start = {(currency, _month_first(m)): value for (currency, m), value in monthly.items()}
        return opening, invoiced, credited, by_start


def period_figures(settlement: Settlement, begin: datetime.date,
                   customers: Collection[str] | None = None,
                   history_months: int = 36,
                   index: PeriodIndex | None = None) -> dict[str, PeriodFigures]:
    """Per currency, the figures of the period from `begin` to the settlement's as-of date.

    `customers` narrows to those customer keys; `history_months` bounds the countback; `index`
    (`PeriodIndex` of the settlement's book, built here when not given) lets a caller that asks
    for many dates build it once."""
    end = settlement.as_of
    if end is None:
        raise ValueError("period_figures needs a settlement as of a date")
    if index is None:
        index = PeriodIndex(settlement.book.events)
    wanted = set(customers) if customers is not None else None
    first_month = month_start(end, history_months - 1)
    opening, invoiced, credited, monthly = index.sums(begin, end, wanted, first_month)
    currencies = index.currencies(end, wanted)
    closing: dict[str, Decimal] = {}
    current: dict[str, Decimal] = {}
    for state in settlement.open_items():
        item = state.item
        if wanted is not None and item.customer not in wanted:
            continue
        closing[item.currency] = closing.get(item.currency, ZERO) + state.open
        if state.status(end) == OPEN:
            current[item.currency] = current.get(item.currency, ZERO) + state.open
    for left in settlement.unapplied:
        credit = left.credit
        if wanted is not None and credit.customer not in wanted:
            continue
        closing[credit.currency] = closing.get(credit.currency, ZERO) - left.amount
    result: dict[str, PeriodFigures] = {}
    for currency in currencies:
        months = []
        for back in range(history_months):
            start = month_start(end, back)
            if back == 0:
                days = end.day
            else:
                days = (month_start(end, back - 1) - start).days
            months.append((start, monthly.get((currency, start), ZERO), days))
        result[currency] = PeriodFigures(
            currency, begin, end, opening.get(currency, ZERO), invoiced.get(currency, ZERO),
            credited.get(currency, ZERO), closing.get(currency, ZERO),
            current.get(currency, ZERO), tuple(months))
    return result


# -- customers -------------------------------------------------------------------------------


def _mean(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    return _tenth(Decimal(sum(values)) / len(values))


@dataclass(frozen=True, slots=True)
class MonthBehaviour:
    month: datetime.date  # the month's first day
    paid: int  # items paid that month
    average_days_late: Decimal | None


@dataclass(frozen=True, slots=True)
class Behaviour:
    """How a customer paid over the window (see the module docstring)."""

    customer: str
    since: datetime.date  # first day of the window
    paid: int
    average_days_to_pay: Decimal | None
    average_days_late: Decimal | None
    on_time: Decimal | None  # share of the items paid on time, in %
    trend: tuple[MonthBehaviour, ...]  # oldest month first


def payment_behaviour(settlement: Settlement, customers: Collection[str] | None = None,
                      months: int = 12) -> dict[str, Behaviour]:
    """Payment behaviour of each customer (of `customers`, else all) as of the settlement."""
    as_of = settlement.as_of
    if as_of is None:
        raise ValueError("payment_behaviour needs a settlement as of a date")
    since = month_start(as_of, months - 1)
    keys = list(customers) if customers is not None else list(settlement.book.customers)
    wanted = set(keys)
    to_pay: dict[str, list[int]] = {key: [] for key in keys}
    late: dict[str, list[int]] = {key: [] for key in keys}
    by_month: dict[tuple[str, datetime.date], list[int]] = {}
    for state in settlement.items:
        item = state.item
        if item.kind != INVOICE or item.customer not in wanted or state.open != 0:
            continue
        paid = state.closed_date
        if paid is None or paid < since or state.status(as_of) != PAID:
            continue
        days_late = max(0, (paid - item.due).days)
        to_pay[item.customer].append((paid - item.date).days)
        late[item.customer].append(days_late)
        by_month.setdefault((item.customer, month_start(paid)), []).append(days_late)
    result = {}
    for key in keys:
        lates = late[key]
        trend = tuple(
            MonthBehaviour(start, len(values), _mean(values))
            for start in (month_start(as_of, back) for back in range(months - 1, -1, -1))
            for values in [by_month.get((key, start), [])]
        )
        on_time = (_tenth(Decimal(sum(1 for d in lates if d == 0)) / len(lates) * HUNDRED)
                   if lates else None)
        result[key] = Behaviour(key, since, len(lates), _mean(to_pay[key]), _mean(lates),
                                on_time, trend)
    return result


@dataclass(frozen=True, slots=True)
class RiskRule:
    """Thresholds of the risk rating (see the module docstring)."""

    high_overdue_days: int = 60
    medium_overdue_days: int = 30
    late_days: Decimal = Decimal(15)
    limit_warning: Decimal = Decimal(80)


@dataclass(frozen=True, slots=True)
class Risk:
    level: str  # LOW, MEDIUM or HIGH
    reasons: tuple[tuple[str, Any], ...]  # (code, value): why the level is not lower


def risk_rating(oldest_overdue_days: int, average_days_late: Decimal | None,
                limit_use: Decimal | None, written_off: dict[str, Decimal] | None = None,
                rule: RiskRule = RiskRule()) -> Risk:
    """The risk level of a customer and the reasons for it (see the module docstring)."""
    high: list[tuple[str, Any]] = []
    medium: list[tuple[str, Any]] = []
    if oldest_overdue_days > rule.high_overdue_days:
        high.append((OVERDUE_DAYS, oldest_overdue_days))
    elif oldest_overdue_days > rule.medium_overdue_days:
        medium.append((OVERDUE_DAYS, oldest_overdue_days))
    if limit_use is not None and limit_use > HUNDRED:
        high.append((LIMIT_EXCEEDED, limit_use))
    elif limit_use is not None and limit_use > rule.limit_warning:
        medium.append((LIMIT_HIGH, limit_use))
    if written_off:
        high.append((WRITTEN_OFF, dict(written_off)))
    if average_days_late is not None and average_days_late > rule.late_days:
        medium.append((PAID_LATE, average_days_late))
    if high:
        return Risk(HIGH, tuple(high + medium))
    if medium:
        return Risk(MEDIUM, tuple(medium))
    return Risk(LOW, ())


@dataclass(frozen=True, slots=True)
class CustomerProfile:
    """A customer as of a date: balances, overdue amounts, credit-limit use, behaviour, risk."""

    customer: str  # Customer.key
    balances: dict[str, Decimal]  # per currency: open items less unapplied credits
    overdue: dict[str, Decimal]  # per currency
    unapplied: dict[str, Decimal]  # per currency, a positive amount
    open_items: int
    oldest_overdue_days: int
    credit_limit: Amount | None
    limit_use: Decimal | None
    written_off: dict[str, Decimal]  # written off in the behaviour window, per currency
    behaviour: Behaviour
    risk: Risk
    oldest_overdue: Item | None = None  # the item `oldest_overdue_days` is about

    @property
    def limit_exceeded(self) -> bool:
        return self.limit_use is not None and self.limit_use > HUNDRED


def customer_profiles(settlement: Settlement, customers: Collection[str] | None = None,
                      rule: RiskRule = RiskRule(), months: int = 12,
                      ) -> dict[str, CustomerProfile]:
    """The profile of each customer (of `customers`, else all) as of the settlement's date."""
    as_of = settlement.as_of
    if as_of is None:
        raise ValueError("customer_profiles needs a settlement as of a date")
    book = settlement.book
    keys = list(customers) if customers is not None else list(book.customers)
    wanted = set(keys)
    behaviours = payment_behaviour(settlement, keys, months)
    since = month_start(as_of, months - 1)
    balances: dict[str, dict[str, Decimal]] = {key: {} for key in keys}
    overdue: dict[str, dict[str, Decimal]] = {key: {} for key in keys}
    unapplied: dict[str, dict[str, Decimal]] = {key: {} for key in keys}
    written_off: dict[str, dict[str, Decimal]] = {key: {} for key in keys}
    open_items = dict.fromkeys(keys, 0)
    oldest = dict.fromkeys(keys, 0)
    oldest_item: dict[str, Item] = {}
    for state in settlement.items:
        item = state.item
        key = item.customer
        if key not in wanted:
            continue
        currency = item.currency
        balance = balances[key]
        balance[currency] = balance.get(currency, ZERO) + state.open
        for allocation in state.allocations:
            if allocation.kind == WRITEOFF and allocation.date >= since:
                written = written_off[key]
                written[currency] = written.get(currency, ZERO) + allocation.amount
        if state.open == 0:
            continue
        open_items[key] += 1
        if state.status(as_of) == OVERDUE:
            overdue[key][currency] = overdue[key].get(currency, ZERO) + state.open
            days = state.days_overdue(as_of)
            if days > oldest[key]:
                oldest[key] = days
                oldest_item[key] = item
    for left in settlement.unapplied:
        credit = left.credit
        if credit.customer not in wanted:
            continue
        balance = balances[credit.customer]
        balance[credit.currency] = balance.get(credit.currency, ZERO) - left.amount
        extra = unapplied[credit.customer]
        extra[credit.currency] = extra.get(credit.currency, ZERO) + left.amount
    result = {}
    for key in keys:
        limit = book.customers[key].credit_limit if key in book.customers else None
        use = None
        if limit is not None and limit.number is not None:
            use = credit_limit_use(balances[key].get(limit.currency, ZERO), limit.number)
        behaviour = behaviours[key]
        risk = risk_rating(oldest[key], behaviour.average_days_late, use, written_off[key], rule)
        result[key] = CustomerProfile(key, balances[key], overdue[key], unapplied[key],
                                      open_items[key], oldest[key], limit, use, written_off[key],
                                      behaviour, risk, oldest_item.get(key))
    return result
