"""Reference rate tables for late-payment interest: the shipped data files and the ledger's own.

Statutory late-payment rates are a central bank rate plus some points (see `core.penalties`).
The package ships the rates it knows as CSV files in ``beancount_ar/data`` (one row per date the
rate took effect); a ledger extends or corrects them with dated directives, so a new rate never
needs a new release of the package:

    2027-01-01 custom "ar-rate" "ECB" 2.40        ; the ECB rate in force from 2027-01-01
    2026-07-01 custom "ar-rate" "FR-LEGAL" 2.50   ; the French legal rate of 2026 H2 (example)

Tables, by name (case does not matter in directives):

- ``ECB``: ECB main refinancing operations rate (FR and EU regimes), a *step* table;
- ``BOE``: Bank of England Bank Rate (UK regime), a *step* table;
- ``DE-BASE``: the German Basiszinssatz (DE regime), a *half-year* table;
- ``FR-LEGAL``: the French legal interest rate for professionals (the 3 x floor), *half-year*;
- ``FR-LEGAL-INDIVIDUAL``: the French legal interest rate for individual creditors, *half-year*
  (shown by ``bean-ar rates``; no regime uses it).

Every row of a data file says where it comes from (its ``source`` column: the publication and
its date, or "derived"/"unverified"); a ledger row's source is its file and line.

`reference_day` says which day's reference rate governs a half-year (its first day, or the
day before it for the UK's per-debt rule) and `period_rates` lists, half-year by half-year, the
rate in force and where it comes from (used by ``bean-ar rates``).

A step table knows the rate in force from its first row to its last row's date: a rate changes
on any day, so nothing is known after the last published change. A half-year table has one row
per half-year (dated 1 January or 1 July) and knows each row's whole half-year. Asking for a day
outside what a table knows gives None: the caller reports the directive to add
(`missing_directive`). Everything here is pure except `shipped_tables`, which reads the package's
data files once.
"""

from __future__ import annotations

import csv
import datetime
import io
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

STEP = "step"
HALF_YEAR = "half-year"

RATE_DIRECTIVE = "ar-rate"

ECB = "ECB"
BOE = "BOE"
DE_BASE = "DE-BASE"
FR_LEGAL = "FR-LEGAL"
FR_LEGAL_INDIVIDUAL = "FR-LEGAL-INDIVIDUAL"

# name -> (data file, kind, what it is)
SHIPPED: dict[str, tuple[str, str, str]] = {
    ECB: ("ecb_mro.csv", STEP, "ECB main refinancing operations rate"),
    BOE: ("boe_bank_rate.csv", STEP, "Bank of England Bank Rate"),
    DE_BASE: ("de_basiszinssatz.csv", HALF_YEAR, "German base rate (Basiszinssatz)"),
    FR_LEGAL: ("fr_taux_legal.csv", HALF_YEAR, "French legal interest rate (professionals)"),
    FR_LEGAL_INDIVIDUAL: ("fr_taux_legal_particuliers.csv", HALF_YEAR,
                          "French legal interest rate (individual creditors)"),
}
SHIPPED_ORIGIN = "shipped"
LEDGER_ORIGIN = "ledger"


class RateError(ValueError):
    """A malformed rate table row or ``ar-rate`` directive; the message says how to fix it."""


def half_year_start(day: datetime.date) -> datetime.date:
    """1 January or 1 July: the start of the half-year containing `day`."""
    return datetime.date(day.year, 1 if day.month <= 6 else 7, 1)


def half_year_end(day: datetime.date) -> datetime.date:
    """30 June or 31 December: the last day of the half-year containing `day`."""
    return datetime.date(day.year, 6, 30) if day.month <= 6 else datetime.date(day.year, 12, 31)


def half_year_label(day: datetime.date) -> str:
    """'2025 H2' for any day of July-December 2025."""
    return f"{day.year} H{1 if day.month <= 6 else 2}"


@dataclass(frozen=True, slots=True)
class RateTable:
    """Rates in percent by the date they took effect, and how far the table is known."""

    name: str
    kind: str  # STEP or HALF_YEAR
    dates: tuple[datetime.date, ...]  # increasing
    rates: tuple[Decimal, ...]
    description: str = ""
    sources: tuple[str, ...] = ()  # per row: where it comes from ("" when unknown)

    @property
    def known_until(self) -> datetime.date | None:
        """The last day whose rate the table knows (None for an empty table)."""
        if not self.dates:
            return None
        last = self.dates[-1]
        return half_year_end(last) if self.kind == HALF_YEAR else last

    def rate_on(self, day: datetime.date) -> Decimal | None:
        """The rate in force on `day`, None where the table does not know it."""
        known = self.known_until
        if known is None or day < self.dates[0] or day > known:
            return None
        return self.rates[bisect_right(self.dates, day) - 1]

    def row_on(self, day: datetime.date) -> int | None:
        """The index of the row in force on `day`, None where the table does not know it."""
        known = self.known_until
        if known is None or day < self.dates[0] or day > known:
            return None
        return bisect_right(self.dates, day) - 1

    def source(self, index: int) -> str:
        return self.sources[index] if index < len(self.sources) else ""

    def extended(self, rows: Iterable[tuple[Any, ...]]) -> RateTable:
        """The table with `rows` added, (date, rate) or (date, rate, source); a row on a date
        the table has replaces it."""
        merged = {d: (r, self.source(i)) for i, (d, r) in enumerate(
            zip(self.dates, self.rates, strict=True))}
        for row in rows:
            merged[row[0]] = (row[1], row[2] if len(row) > 2 else "")
        dates = tuple(sorted(merged))
        return RateTable(self.name, self.kind, dates, tuple(merged[d][0] for d in dates),
                         self.description, tuple(merged[d][1] for d in dates))


def missing_directive(name: str, day: datetime.date) -> str:
    """The directive that gives table `name` its rate on `day` (for error messages)."""
    return f'{day} custom "{RATE_DIRECTIVE}" "{name}" <rate in percent>'


def parse_table(text: str, name: str, kind: str, description: str = "") -> RateTable:
    """Read a rate table: ``date,rate[,source]`` rows after a header; ``#`` lines are comments.
    A source with commas is the rest of the row."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip()
             .startswith("#")]
    rows: dict[datetime.date, Decimal] = {}
    sources: dict[datetime.date, str] = {}
    reader = csv.reader(io.StringIO("\n".join(lines)))
    header = next(reader, None)
    if not header or [h.strip().lower() for h in header[:2]] != ["date", "rate"]:
        raise RateError(f"rate table {name}: the first row must be the header "
                        "'date,rate,source'")
    for number, row in enumerate(reader, 2):
        if not row:
            continue
        try:
            day = datetime.date.fromisoformat(row[0].strip())
            rate = Decimal(row[1].strip())
        except (IndexError, ValueError, InvalidOperation):
            raise RateError(f"rate table {name}, row {number}: expected 'YYYY-MM-DD,rate' such "
                            f"as '2025-06-11,2.15', not {','.join(row)!r}") from None
        problem = check_row(name, kind, day, rate)
        if problem:
            raise RateError(f"rate table {name}, row {number}: {problem}")
        rows[day] = rate
        sources[day] = ",".join(row[2:]).strip()
    dates = tuple(sorted(rows))
    return RateTable(name, kind, dates, tuple(rows[d] for d in dates), description,
                     tuple(sources[d] for d in dates))


def check_row(name: str, kind: str, day: datetime.date, rate: Decimal) -> str | None:
    """What is wrong with a rate row (None when it is fine)."""
    if not rate.is_finite() or rate < 0:
        return f"the rate must be a percentage of zero or more, not {rate}"
    if rate > 100:
        return f"{rate} is not a plausible annual rate in percent (write 2.15 for 2.15 %)"
    if kind == HALF_YEAR and (day.day != 1 or day.month not in (1, 7)):
        return (f"the {name} rate is set per half-year: date it {half_year_start(day)} "
                f"(1 January or 1 July), not {day}")
    return None


@cache
def shipped_tables() -> Mapping[str, RateTable]:
    """The tables shipped in ``beancount_ar/data``, read once."""
    folder = resources.files("beancount_ar") / "data"
    tables = {}
    for name, (filename, kind, description) in SHIPPED.items():
        text = (folder / filename).read_text(encoding="utf-8")
        tables[name] = parse_table(text, name, kind, description)
    return tables


@dataclass(frozen=True, slots=True)
class RateRow:
    """One ``custom "ar-rate"`` directive, read."""

    name: str
    date: datetime.date
    rate: Decimal
    source: str = ""  # e.g. "ledger main.beancount:12"


def read_rate_directive(date: datetime.date, values: Iterable[Any],
                        known: Mapping[str, RateTable], source: str = "") -> RateRow:
    """Read ``custom "ar-rate" "NAME" RATE``; RateError says what is wrong and how to fix it.

    `values` are the directive's values (Beancount's ``ValueType(value, dtype)`` or plain values);
    `known` the tables a name may refer to (a name not in it starts a step table of its own only
    if the caller puts it there, e.g. the penalties plugin's ``reference``)."""
    plain = [getattr(v, "value", v) for v in values]
    example = f'{date} custom "{RATE_DIRECTIVE}" "ECB" 2.15'
    if len(plain) != 2 or not isinstance(plain[0], str) or isinstance(plain[1], bool) or \
            not isinstance(plain[1], (Decimal, int)):
        raise RateError(f"ar-rate: expected a table name and a rate in percent, such as "
                        f"{example} (got {len(plain)} value(s): "
                        f"{', '.join(repr(v) for v in plain) or 'none'})")
    name = plain[0].strip().upper()
    rate = Decimal(plain[1])
    if name not in known:
        raise RateError(f"ar-rate: unknown rate table {plain[0]!r}; known tables: "
                        f"{', '.join(sorted(known))} (or name your own with the penalties "
                        "plugin's 'reference')")
    problem = check_row(name, known[name].kind, date, rate)
    if problem:
        raise RateError(f"ar-rate {name}: {problem}")
    return RateRow(name, date, rate, source)


def extend_tables(tables: Mapping[str, RateTable],
                  rows: Iterable[RateRow]) -> dict[str, RateTable]:
    """The tables with the ledger's rows added (a ledger row wins over a shipped one)."""
    by_name: dict[str, list[tuple[datetime.date, Decimal, str]]] = {}
    for row in rows:
        by_name.setdefault(row.name, []).append((row.date, row.rate, row.source))
    out = dict(tables)
    for name, extra in by_name.items():
        out[name] = out[name].extended(extra)
    return out


# -- the ledger's tables ----------------------------------------------------------------------

LEDGER_PREFIX = "ledger "


def ledger_source(meta: Mapping[str, Any] | None) -> str:
    """The source of a ledger row: 'ledger main.beancount:12'."""
    meta = meta or {}
    return f"{LEDGER_PREFIX}{meta.get('filename', '?')}:{meta.get('lineno', 0)}"


def tables_from_entries(entries: Iterable[Any], own: Iterable[str] = ()
                        ) -> tuple[dict[str, RateTable], list[tuple[Any, str]]]:
    """The shipped tables extended with the ledger's ``ar-rate`` directives, and the problems
    as (entry, message). `own` names step tables of the ledger's own (a penalties plugin's
    ``reference``) that start empty."""
    known: dict[str, RateTable] = dict(shipped_tables())
    for name in own:
        if name and name not in known:
            known[name] = RateTable(name, STEP, (), (), "from the ledger")
    rows = []
    problems: list[tuple[Any, str]] = []
    for entry in entries:
        if getattr(entry, "type", None) == RATE_DIRECTIVE and hasattr(entry, "values"):
            try:
                rows.append(read_rate_directive(entry.date, entry.values, known,
                                                ledger_source(entry.meta)))
            except RateError as exc:
                problems.append((entry, str(exc)))
    return extend_tables(known, rows), problems


# -- rates in force by half-year ---------------------------------------------------------------


def reference_day(period_start: datetime.date, per_debt: bool = False) -> datetime.date:
    """The day whose reference rate governs the late days of the half-year starting on
    `period_start`: that day itself (FR, EU, DE: the rate in force on 1 January / 1 July), or
    the day before it (UK: the rate on 31 December / 30 June, fixed for debts whose interest
    starts running in the half-year)."""
    return period_start - datetime.timedelta(days=1) if per_debt else period_start


@dataclass(frozen=True, slots=True)
class PeriodRate:
    """The reference rate governing one half-year, and where it comes from."""

    period: str  # "2026 H2"
    start: datetime.date
    table: str
    day: datetime.date  # the reference day (see `reference_day`)
    reference: Decimal | None  # None: the table does not know it
    margin: Decimal = Decimal(0)
    source: str = ""

    @property
    def rate(self) -> Decimal | None:
        """Reference + margin, the statutory rate of the period (None when unknown)."""
        return None if self.reference is None else self.reference + self.margin

    @property
    def origin(self) -> str | None:
        """'ledger' (an ``ar-rate`` directive), 'shipped' (the package's table) or None."""
        if self.reference is None:
            return None
        return LEDGER_ORIGIN if self.source.startswith(LEDGER_PREFIX) else SHIPPED_ORIGIN

    @property
    def directive(self) -> str:
        """The directive that gives the missing rate (for warnings)."""
        return missing_directive(self.table, self.day)


def half_years(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Starts of the half-years from the one containing `first` to the one containing `last`."""
    out = []
    day = half_year_start(first)
    while day <= last:
        out.append(day)
        day = datetime.date(day.year, 7, 1) if day.month == 1 else datetime.date(day.year + 1, 1, 1)
    return out


def period_rates(table: RateTable, first: datetime.date, last: datetime.date,
                 margin: Decimal = Decimal(0), per_debt: bool = False) -> list[PeriodRate]:
    """Half-year by half-year from `first` to `last`, the reference rate of `table` in force
    (read on `reference_day`), plus `margin`, and where it comes from."""
    out = []
    for start in half_years(first, last):
        day = reference_day(start, per_debt)
        index = table.row_on(day)
        out.append(PeriodRate(half_year_label(start), start, table.name, day,
                              None if index is None else table.rates[index], margin,
                              "" if index is None else table.source(index)))
    return out


def missing_now(rows: Iterable[PeriodRate], as_of: datetime.date) -> PeriodRate | None:
    """The row of `as_of`'s half-year when its rate is not known yet (else None)."""
    label = half_year_label(as_of)
    for row in rows:
        if row.period == label and row.reference is None:
            return row
    return None


__all__ = [
    "BOE", "DE_BASE", "ECB", "FR_LEGAL", "FR_LEGAL_INDIVIDUAL", "HALF_YEAR", "LEDGER_ORIGIN",
    "RATE_DIRECTIVE", "SHIPPED", "SHIPPED_ORIGIN", "STEP",
    "PeriodRate", "RateError", "RateRow", "RateTable",
    "check_row", "extend_tables", "half_year_end", "half_year_label", "half_year_start",
    "half_years", "ledger_source", "missing_directive", "missing_now", "parse_table",
    "period_rates", "read_rate_directive", "reference_day", "shipped_tables",
    "tables_from_entries",
]
