"""``bean-ar``: receivables reports from the command line.

    bean-ar invoices main.beancount --as-of 2026-11-23 --status overdue
    bean-ar aging main.beancount --by due --buckets 30,60,90 --format json
    bean-ar statement main.beancount --customer Assets:Receivable:Dupont -o dupont.pdf
    bean-ar remind main.beancount --send --record reminders.beancount

Reads the ledger with its plugins (so the plugin's discounts are there), then asks the core for
the subledger as of the date. Text is an aligned table for people; JSON (amounts as strings, ISO
dates) and CSV are for programs. Bad input is one line on stderr and exit status 1, never a
traceback. This module only parses arguments and formats; the rules are in `beancount_ar.core`.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import os
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from beancount_ar.core import aging as aging_lib
from beancount_ar.core.allocation import STATUSES, Settlement
from beancount_ar.core.config import config_from_options
from beancount_ar.core.report import InvoiceRow, invoice_rows
from beancount_ar.core.subledger import subledger
from beancount_ar.serialize import aging_record, invoice_record


class CliError(Exception):
    """A problem to report in one line."""


# -- loading ---------------------------------------------------------------------------------


def load_ledger(path: str, ignore_errors: bool = False) -> tuple[list, dict]:
    """Load a ledger with its plugins; CliError if it cannot be read or has errors."""
    if not os.path.isfile(path):
        raise CliError(f"{path}: no such ledger file")
    from beancount import loader  # imported late: keeps `bean-ar --help` fast

    entries, errors, options_map = loader.load_file(path)
    if errors and not ignore_errors:
        first = errors[0]
        source = first.source or {}
        where = f"{source.get('filename', path)}:{source.get('lineno', 0)}"
        message = " ".join(str(first.message).split())
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise CliError(f"the ledger has errors{more}; first: {where}: {message} - fix them "
                       "(bean-check lists them all) or pass --ignore-errors")
    return entries, options_map


def parse_date(text: str | None) -> datetime.date:
    if text is None:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CliError(f"--as-of {text!r}: expected a date such as 2026-11-23") from None


def match_customers(settlement: Settlement, wanted: str) -> set[str]:
    """Customer keys matching an account, a customer key or a display name."""
    customers = settlement.book.customers
    lowered = wanted.lower()
    keys = {key for key, c in customers.items()
            if wanted in (key, c.account) or c.name.lower() == lowered}
    if not keys:
        known = ", ".join(sorted(customers)[:5]) or "none"
        raise CliError(f"--customer {wanted!r}: no such customer (give a receivable account or a"
                       f" customer name; known: {known}{'...' if len(customers) > 5 else ''})")
    return keys


# -- formatting ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.{max(0, -value.as_tuple().exponent)}f}"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], right: set[int]) -> str:
    cells = [[_text(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if i in right else v.ljust(w)
                         for i, (v, w) in enumerate(zip(values, widths, strict=False))).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out.extend(line(r) for r in cells)
    return "\n".join(out)


CSV_INVOICE_FIELDS = ("invoice", "instalment", "customer", "customer_name", "date", "due",
                      "currency", "amount", "open", "status", "days_overdue", "discount_until",
                      "discount", "paid_date", "penalties", "payments")


def render_invoices(rows: list[InvoiceRow], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([invoice_record(r) for r in rows], indent=2, ensure_ascii=False)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_INVOICE_FIELDS)
        for row in rows:
            record = invoice_record(row)
            record["payments"] = "; ".join(f"{p['date']} {p['amount']} {p['kind']}"
                                           for p in record["payments"])
            writer.writerow(["" if record[f] is None else record[f] for f in CSV_INVOICE_FIELDS])
        return buffer.getvalue().rstrip("\n")
    headers = ("invoice", "customer", "date", "due", "amount", "open", "cur", "status", "days",
               "discount until", "paid")
    body = [(f"{r.invoice or r.narration[:20]}{' ' + r.instalment if r.instalment else ''}",
             r.customer_name, r.date, r.due, r.amount, r.open, r.currency, r.status,
             r.days_overdue or "", r.discount_until, r.paid_date) for r in rows]
    if not body:
        return "no invoices"
    return table(headers, body, right={4, 5, 8})


def render_aging(report: aging_lib.Aging, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(aging_record(report), indent=2, ensure_ascii=False)
    headers = ("customer", "cur", *report.labels, "unapplied", "total")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(("customer", "name", "currency", *report.labels, "unapplied", "total"))
        for r in report.rows:
            writer.writerow((r.customer, r.name, r.currency, *r.buckets, r.unapplied, r.total))
        for currency, r in sorted(report.totals.items()):
            writer.writerow(("TOTAL", "", currency, *r.buckets, r.unapplied, r.total))
        return buffer.getvalue().rstrip("\n")
    body: list[tuple] = [(r.name, r.currency, *r.buckets, r.unapplied, r.total)
                         for r in report.rows]
    for currency, r in sorted(report.totals.items()):
        body.append(("TOTAL", currency, *r.buckets, r.unapplied, r.total))
    right = set(range(2, len(headers)))
    lines = [f"Aged receivables as of {report.as_of} (by {report.by} date)", ""]
    lines.append(table(headers, body, right) if report.rows else "nothing is owed")
    lines.append("")
    for currency in report.currencies:
        balance = report.balances.get(currency, Decimal(0))
        difference = report.difference(currency)
        verdict = "reconciles" if difference == 0 else f"DIFFERS by {_text(difference)}"
        lines.append(f"Receivable balance {currency}: {_text(balance)} - {verdict}")
    return "\n".join(lines)


# -- commands --------------------------------------------------------------------------------


def cmd_invoices(args: argparse.Namespace) -> str:
    as_of = parse_date(args.as_of)
    if args.status and args.status not in STATUSES:
        raise CliError(f"--status {args.status!r}: expected one of {', '.join(STATUSES)}")
    entries, options_map = load_ledger(args.ledger, args.ignore_errors)
    settlement = subledger(entries, options_map, as_of)
    customers = match_customers(settlement, args.customer) if args.customer else None
    rows = invoice_rows(settlement, as_of, customers,
                        [args.status] if args.status else None)
    return render_invoices(rows, args.format)


def cmd_aging(args: argparse.Namespace) -> str:
    as_of = parse_date(args.as_of)
    try:
        limits = aging_lib.parse_buckets(args.buckets)
    except ValueError as exc:
        raise CliError(f"--{exc}") from None
    entries, options_map = load_ledger(args.ledger, args.ignore_errors)
    settlement = subledger(entries, options_map, as_of)
    config, _ = config_from_options(options_map)
    balances = aging_lib.receivable_balances(entries, config.receivable_root, as_of)
    report = aging_lib.aging(settlement, as_of, args.by, limits, balances)
    return render_aging(report, args.format)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bean-ar", description="Accounts receivable reports for a Beancount ledger.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(sub: argparse.ArgumentParser, formats: Sequence[str]) -> None:
        sub.add_argument("ledger", metavar="LEDGER", help="the ledger's main file")
        sub.add_argument("--as-of", metavar="DATE",
                         help="report as of this date (YYYY-MM-DD; default: today)")
        sub.add_argument("--format", choices=formats, default="text")
        sub.add_argument("--ignore-errors", action="store_true",
                         help="report even if the ledger has errors")

    sub = commands.add_parser("invoices", help="every invoice and instalment with its status")
    common(sub, ("text", "json", "csv"))
    sub.add_argument("--customer", metavar="ACCOUNT",
                     help="only this customer (receivable account or name)")
    sub.add_argument("--status", metavar="STATUS", help=f"only this status: {', '.join(STATUSES)}")
    sub.set_defaults(run=cmd_invoices)

    sub = commands.add_parser("aging", help="aged receivables per customer and currency")
    common(sub, ("text", "json", "csv"))
    sub.add_argument("--by", choices=(aging_lib.BY_DUE, aging_lib.BY_INVOICE),
                     default=aging_lib.BY_DUE, help="age by due date (default) or invoice date")
    sub.add_argument("--buckets", default="30,60,90", metavar="30,60,90",
                     help="bucket limits in days")
    sub.set_defaults(run=cmd_aging)

    # Commands in modules of their own; imported here because they import this module.
    from beancount_ar import cli_remind, cli_statement

    cli_statement.register(commands)
    cli_remind.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``bean-ar`` console script."""
    args = build_parser().parse_args(argv)
    try:
        output = args.run(args)
    except CliError as exc:
        print(f"bean-ar: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - no traceback reaches a user
        print(f"bean-ar: internal error ({exc.__class__.__name__}: {exc}); please report it",
              file=sys.stderr)
        return 1
    try:
        print(output)
    except BrokenPipeError:  # `bean-ar ... | head`
        return 0
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
