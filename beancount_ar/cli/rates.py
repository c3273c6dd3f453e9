"""``bean-ar rates``: the late-payment rates in force by half-year, and where each comes from.

    bean-ar rates                                   # the shipped tables, French regime
    bean-ar rates main.beancount --as-of 2027-02-01 # with the ledger's ar-rate directives
    bean-ar rates --regime UK --format json

For each half-year from ``--from`` (default: 1 January of the year before ``--as-of``) to the
half-year of ``--as-of`` (default: today): the reference rate in force on the day that governs
it (`beancount_ar.core.rates.reference_day`), the statutory rate (reference + the regime's
margin), and its origin: ``shipped`` (the package's table, with the row's source) or
``ledger`` (an ``ar-rate`` directive, with its file and line). When the current half-year has
no rate yet, a warning gives the directive to add. The regime is ``--regime``, else the ledger's
penalties plugin's, else FR. The rules are in `beancount_ar.core.rates`.
"""

from __future__ import annotations

import argparse
import datetime
import json
from typing import Any

from beancount_ar.cli.common import CliError, load_ledger, parse_date, table
from beancount_ar.core.charges import ledger_charges
from beancount_ar.core.penalty_config import PER_DEBT, REGIMES
from beancount_ar.core.rates import (
    FR_LEGAL,
    FR_LEGAL_INDIVIDUAL,
    PeriodRate,
    RateTable,
    missing_now,
    period_rates,
    shipped_tables,
    tables_from_entries,
)


def _tables(path: str | None, regime: str | None) -> tuple[dict[str, RateTable], str, str,
                                                           list[str]]:
    """The rate tables (shipped, or extended by the ledger), the regime, the reference table
    (the plugin's own 'reference' if any) and problems of the ledger's directives."""
    if path is None:
        return dict(shipped_tables()), regime or "FR", "", []
    entries, options_map = load_ledger(path, ignore_errors=True)
    policy = ledger_charges(entries, options_map)
    config = policy.config
    reference = config.reference or "" if config is not None else ""
    tables, problems = tables_from_entries(entries, [reference])
    messages = [f"{(e.meta or {}).get('filename', '?')}:{(e.meta or {}).get('lineno', 0)}: "
                f"{message}" for e, message in problems]
    return tables, regime or (config.regime if config is not None else "FR"), reference, \
        messages


def rate_sections(tables: dict[str, RateTable], regime: str, reference: str,
                  first: datetime.date, last: datetime.date) -> list[tuple[str, list[PeriodRate]]]:
    """(title, rows) for the regime's reference table, and the French legal rates with FR."""
    rules = REGIMES[regime]
    sections: list[tuple[str, list[PeriodRate]]] = []
    name = reference or rules.reference
    if name is not None:
        if name not in tables:
            raise CliError(f"no rate table {name!r}: add ar-rate directives for it to the ledger")
        title = f"{regime}: {name} + {rules.margin} ({rules.law})"
        sections.append((title, period_rates(tables[name], first, last, rules.margin,
                                             per_debt=rules.basis == PER_DEBT)))
    if regime == "FR":
        for legal, what in ((FR_LEGAL, "3 x this rate is the floor of a contractual rate"),
                            (FR_LEGAL_INDIVIDUAL, "creditors who are individuals")):
            sections.append((f"{legal}: {tables[legal].description} ({what})",
                             period_rates(tables[legal], first, last)))
    return sections


EFFECT = {FR_LEGAL: "the plugin's 'floor' stops before it",
          FR_LEGAL_INDIVIDUAL: "shown for reference only"}


def _warnings(sections: list[tuple[str, list[PeriodRate]]], as_of: datetime.date) -> list[str]:
    out = []
    for _, rows in sections:
        gap = missing_now(rows, as_of)
        if gap is not None:
            effect = EFFECT.get(gap.table, "penalties are charged only up to the day before it")
            out.append(f"no {gap.table} rate for {gap.period} (in force on {gap.day}) yet: "
                       f"{effect}; add it to the ledger once published: {gap.directive}")
    return out


def _record(row: PeriodRate) -> dict[str, Any]:
    return {"period": row.period, "reference_day": row.day.isoformat(), "table": row.table,
            "reference": None if row.reference is None else str(row.reference),
            "margin": str(row.margin), "rate": None if row.rate is None else str(row.rate),
            "origin": row.origin, "source": row.source or None}


def cmd_rates(args: argparse.Namespace) -> str:
    as_of = parse_date(args.as_of)
    first = datetime.date(as_of.year - 1, 1, 1)
    if args.start:
        try:
            first = datetime.date.fromisoformat(args.start)
        except ValueError:
            raise CliError(f"--from {args.start!r}: expected a date such as 2026-01-01") from None
    if first > as_of:
        raise CliError(f"--from {first} is after --as-of {as_of}")
    regime = None
    if args.regime:
        regime = next((name for name in REGIMES if name.lower() == args.regime.lower()), None)
        if regime is None:
            raise CliError(f"--regime {args.regime!r}: use one of {', '.join(REGIMES)}")
    tables, regime, reference, problems = _tables(args.ledger, regime)
    rules = REGIMES[regime]
    sections = rate_sections(tables, regime, reference, first, as_of)
    warnings = problems + _warnings(sections, as_of)
    if rules.reference is None and not reference:
        warnings.append(f"the {regime} regime uses a contractual rate (the plugin's 'rate', or "
                        "penalty_rate on a customer or an invoice): no reference table")
    if args.format == "json":
        return json.dumps({"regime": regime, "as_of": as_of.isoformat(), "tables": [
            {"title": title, "rows": [_record(r) for r in rows]} for title, rows in sections],
            "warnings": warnings}, indent=2, ensure_ascii=False)
    out = []
    for title, rows in sections:
        out.append(title)
        out.append(table(("period", "day", "reference", "rate", "origin", "source"),
                         [(r.period, r.day, "-" if r.reference is None else r.reference,
                           "-" if r.rate is None else r.rate, r.origin or "MISSING",
                           r.source if r.reference is not None else r.directive)
                          for r in rows], right={2, 3}))
        out.append("")
    out.extend(f"warning: {w}" for w in warnings)
    return "\n".join(out).rstrip("\n")


def register(commands: Any) -> None:
    """Add the ``rates`` command to bean-ar's subparsers."""
    sub = commands.add_parser("rates", help="late-payment rates in force by half-year, and "
                                            "where each comes from")
    sub.add_argument("ledger", metavar="LEDGER", nargs="?",
                     help="the ledger's main file (its ar-rate directives extend the tables)")
    sub.add_argument("--regime", metavar="REGIME",
                     help="FR, EU, DE or UK (default: the ledger's penalties plugin's, or FR)")
    sub.add_argument("--as-of", metavar="DATE",
                     help="the last half-year shown is this date's (default: today)")
    sub.add_argument("--from", dest="start", metavar="DATE",
                     help="the first half-year shown is this date's (default: 1 January of "
                          "the year before --as-of)")
    sub.add_argument("--format", choices=("text", "json"), default="text")
    sub.set_defaults(run=cmd_rates)


__all__ = ["cmd_rates", "rate_sections", "register"]
