"""``bean-ar invoices`` and ``bean-ar aging``: the state of every item, and the aged receivables.

    bean-ar invoices main.beancount --as-of 2026-11-23 --status overdue
    bean-ar aging main.beancount --by due --buckets 30,60,90 --format json

Each command loads the ledger, asks the core for the settlement as of the date and formats it:
text (an aligned table for people), JSON (amounts as strings, ISO dates) or CSV.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from beancount_ar.cli.common import (
    CliError,
    _text,
    customers_named,
    load_ledger,
    parse_date,
    table,
)
from beancount_ar.core import aging as aging_lib
from beancount_ar.core.allocation import STATUSES
from beancount_ar.core.config import config_from_options
from beancount_ar.core.report import InvoiceRow, invoice_rows
from beancount_ar.core.selection import KINDS, STATUS_GROUPS, ItemQuery, parse_kinds, parse_statuses
from beancount_ar.core.subledger import subledger
from beancount_ar.serialize import aging_record, invoice_record

CSV_INVOICE_FIELDS = ("kind", "invoice", "instalment", "charged_on", "customer", "customer_name",
                      "date", "due", "currency", "amount", "open", "status", "days_overdue",
                      "discount_until", "discount", "paid_date", "penalties", "payments")


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
    headers = ("item", "kind", "customer", "date", "due", "amount", "open", "cur", "status",
               "days", "discount until", "paid")
    body = [(r.label[:24], r.kind, r.customer_name, r.date, r.due, r.amount, r.open, r.currency,
             r.status, r.days_overdue or "", r.discount_until, r.paid_date) for r in rows]
    if not body:
        return "no invoices"
    out = [table(headers, body, right={5, 6, 9})]
    totals: dict[str, list[Decimal]] = {}
    for r in rows:
        total = totals.setdefault(r.currency, [Decimal(0), Decimal(0)])
        total[0] += r.amount
        total[1] += r.open
    for currency, (amount, open_) in sorted(totals.items()):
        count = sum(1 for r in rows if r.currency == currency)
        out.append(f"{count} item(s) in {currency}: amount {_text(amount)}, open {_text(open_)}")
    return "\n".join(out)


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
    try:
        statuses = parse_statuses(args.status)
        kinds = parse_kinds(args.kind)
    except ValueError as exc:
        raise CliError(f"--{exc}") from None
    entries, options_map = load_ledger(args.ledger, args.ignore_errors)
    settlement = subledger(entries, options_map, as_of)
    customers = customers_named(settlement, args.customer) if args.customer else None
    query = ItemQuery(customers=customers, kinds=kinds, statuses=statuses)
    return render_invoices(invoice_rows(settlement, as_of, query), args.format)


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



def register(commands: Any) -> None:
    """Add the ``invoices`` and ``aging`` commands to bean-ar's subparsers."""
    def common(sub: argparse.ArgumentParser, formats: Sequence[str]) -> None:
        sub.add_argument("ledger", metavar="LEDGER", help="the ledger's main file")
        sub.add_argument("--as-of", metavar="DATE",
                         help="report as of this date (YYYY-MM-DD; default: today)")
        sub.add_argument("--format", choices=formats, default="text")
        sub.add_argument("--ignore-errors", action="store_true",
                         help="report even if the ledger has errors")

    sub = commands.add_parser("invoices", help="every invoice, instalment, penalty and other debit "
                                               "with its status")
    common(sub, ("text", "json", "csv"))
    sub.add_argument("--customer", metavar="ACCOUNT",
                     help="only this customer (receivable account or name)")
    sub.add_argument("--status", metavar="STATUS",
                     help="only these statuses, comma-separated: "
                          f"{', '.join((*STATUS_GROUPS, *STATUSES))}")
    sub.add_argument("--kind", metavar="KIND",
                     help=f"only these kinds, comma-separated: {', '.join(KINDS)}")
    sub.set_defaults(run=cmd_invoices)

    sub = commands.add_parser("aging", help="aged receivables per customer and currency")
    common(sub, ("text", "json", "csv"))
    sub.add_argument("--by", choices=(aging_lib.BY_DUE, aging_lib.BY_INVOICE),
                     default=aging_lib.BY_DUE, help="age by due date (default) or invoice date")
    sub.add_argument("--buckets", default="30,60,90", metavar="30,60,90",
                     help="bucket limits in days")
    sub.set_defaults(run=cmd_aging)

