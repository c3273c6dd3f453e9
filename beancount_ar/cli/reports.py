"""``bean-ar invoices`` and ``bean-ar aging``: the state of every item, and the aged receivables.

    bean-ar invoices main.beancount --as-of 2026-11-23 --status overdue
    bean-ar aging main.beancount --by due --buckets 30,60,90 --format json

    bean-ar aging main.beancount --format csv --locale fr -o aging.csv
    bean-ar invoices main.beancount --format xlsx -o invoices.xlsx

Each command loads the ledger, asks the core for the settlement as of the date and formats it:
text (an aligned table for people), JSON (amounts as strings, ISO dates), CSV (``--locale en``:
``,`` and ``1200.00``, the default, for programs; ``--locale fr``: ``;`` and ``1200,00`` for a
French spreadsheet) or XLSX (numbers and dates as such; a binary file, so it needs ``-o FILE``).
The files are laid out by `beancount_ar.render.exports`.
"""

from __future__ import annotations

import argparse
import json
import os
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
from beancount_ar.core.einvoicing import read_statuses, with_statuses
from beancount_ar.core.report import InvoiceRow, invoice_rows
from beancount_ar.core.selection import KINDS, STATUS_GROUPS, ItemQuery, parse_kinds, parse_statuses
from beancount_ar.core.subledger import subledger
from beancount_ar.render import exports
from beancount_ar.serialize import aging_record, invoice_record

CSV_INVOICE_FIELDS = tuple(c.key for c in exports.INVOICE_COLUMNS)
FORMATS = ("text", "json", *exports.FORMATS)


def _csv(table: exports.Table, dialect: exports.Dialect = exports.ENGLISH) -> str:
    return exports.to_csv(table, dialect).decode("utf-8").rstrip("\r\n")


def output(args: argparse.Namespace, text: str | None, table: exports.Table | None) -> str:
    """What the command prints: `text` (text, JSON) or the table as CSV in ``--locale``; with
    ``-o FILE`` the file is written instead (XLSX needs it) and a line says so."""
    content: bytes | None = None
    if args.format in exports.FORMATS and table is not None:
        dialect = exports.DIALECTS[args.locale]
        if args.format == "xlsx":
            if not args.output:
                raise CliError("--format xlsx writes a binary file: give -o FILE.xlsx")
            content = exports.to_xlsx([table])
        elif args.output:
            content = exports.to_csv(table, dialect)
        else:
            return _csv(table, dialect)
    elif text is not None and args.output:
        content = (text + "\n").encode("utf-8")
    if content is None:
        return text or ""
    path = args.output
    temporary = f"{path}.tmp{os.getpid()}"
    try:
        with open(temporary, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except OSError as exc:
        raise CliError(f"-o {path}: cannot write the file ({exc.strerror or exc}); "
                       "check that its folder exists and is writable") from None
    rows = f", {len(table.rows)} row(s)" if table is not None else ""
    return f"{path}: {args.format}{rows}"


def render_invoices(rows: list[InvoiceRow], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([invoice_record(r) for r in rows], indent=2, ensure_ascii=False)
    if fmt == "csv":
        return _csv(exports.invoices_table(rows))
    headers: tuple[str, ...] = ("item", "kind", "customer", "date", "due", "amount", "open",
                                "cur", "status", "days", "discount until", "paid")
    body: list[tuple[Any, ...]] = [
        (r.label[:24], r.kind, r.customer_name, r.date, r.due, r.amount, r.open, r.currency,
         r.status, r.days_overdue or "", r.discount_until, r.paid_date) for r in rows]
    if not body:
        return "no invoices"
    if any(r.einvoice for r in rows):  # the e-invoicing platform's status, where the ledger has
        headers += ("e-invoice",)
        body = [(*line, r.einvoice or "") for line, r in zip(body, rows, strict=True)]
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
        return _csv(exports.aging_table(report))
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
    rows = with_statuses(invoice_rows(settlement, as_of, query), read_statuses(entries)[0], as_of)
    if args.format in exports.FORMATS:
        return output(args, None, exports.invoices_table(rows,
                                                         dialect=exports.DIALECTS[args.locale]))
    return output(args, render_invoices(rows, args.format), None)


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
    if args.format in exports.FORMATS:
        return output(args, None, exports.aging_table(report))
    return output(args, render_aging(report, args.format), None)



def register(commands: Any) -> None:
    """Add the ``invoices`` and ``aging`` commands to bean-ar's subparsers."""
    def common(sub: argparse.ArgumentParser, formats: Sequence[str]) -> None:
        sub.add_argument("ledger", metavar="LEDGER", help="the ledger's main file")
        sub.add_argument("--as-of", metavar="DATE",
                         help="report as of this date (YYYY-MM-DD; default: today)")
        sub.add_argument("--format", choices=formats, default="text",
                         help="text (default), json, csv or xlsx (needs -o)")
        sub.add_argument("--locale", choices=tuple(exports.DIALECTS), default="en",
                         help="CSV dialect: en (',' and 1200.00, default) or fr (';' and "
                              "1200,00, for a French spreadsheet)")
        sub.add_argument("-o", "--output", metavar="FILE",
                         help="write to FILE instead of the standard output")
        sub.add_argument("--ignore-errors", action="store_true",
                         help="report even if the ledger has errors")

    sub = commands.add_parser("invoices", help="every invoice, instalment, penalty and other debit "
                                               "with its status")
    common(sub, FORMATS)
    sub.add_argument("--customer", metavar="ACCOUNT",
                     help="only this customer (receivable account or name)")
    sub.add_argument("--status", metavar="STATUS",
                     help="only these statuses, comma-separated: "
                          f"{', '.join((*STATUS_GROUPS, *STATUSES))}")
    sub.add_argument("--kind", metavar="KIND",
                     help=f"only these kinds, comma-separated: {', '.join(KINDS)}")
    sub.set_defaults(run=cmd_invoices)

    sub = commands.add_parser("aging", help="aged receivables per customer and currency")
    common(sub, FORMATS)
    sub.add_argument("--by", choices=(aging_lib.BY_DUE, aging_lib.BY_INVOICE),
                     default=aging_lib.BY_DUE, help="age by due date (default) or invoice date")
    sub.add_argument("--buckets", default="30,60,90", metavar="30,60,90",
                     help="bucket limits in days")
    sub.set_defaults(run=cmd_aging)

