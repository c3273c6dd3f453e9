"""``bean-ar einvoice-status``: the payment data to report to the e-invoicing platform.

    bean-ar einvoice-status main.beancount --since 2026-09-01 --format csv > encaissements.csv

One row per payment received on an invoice since the date (and up to ``--until``): invoice,
customer, date and amount received, the invoice's total and its latest platform status
(``custom "ar-einvoice"`` directives, see docs/invoices.md). The payment matching decides which
invoice a payment pays; this module only formats `beancount_ar.core.einvoicing`'s rows.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from typing import Any

from beancount_ar.cli.common import CliError, load_ledger, table

FIELDS = ("invoice", "customer", "customer_name", "date", "amount", "currency", "invoice_total",
          "status", "reference")


def register(commands: Any) -> None:
    """Add the ``einvoice-status`` command to bean-ar's subparsers."""
    sub = commands.add_parser(
        "einvoice-status", help="payments received per invoice, to report to the platform",
        description="List the payments received on each invoice since a date (the 'paid' / "
                    "encaissée data of French e-invoicing), with each invoice's platform "
                    "status.")
    sub.add_argument("ledger", metavar="LEDGER", help="the ledger's main file")
    sub.add_argument("--since", required=True, metavar="DATE", help="first day (included)")
    sub.add_argument("--until", metavar="DATE", help="last day (included; default: no limit)")
    sub.add_argument("--format", dest="fmt", choices=("text", "csv", "json"), default="text")
    sub.add_argument("--ignore-errors", action="store_true",
                     help="report even if the ledger has errors")
    sub.set_defaults(run=cmd_status)


def _date(text: str | None, option: str):
    import datetime

    if text is None:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{option} {text!r}: expected a date such as 2026-09-01") from None


def cmd_status(args: argparse.Namespace) -> str:
    from beancount_ar.core import einvoicing
    from beancount_ar.core.invoice_document import credit_notes
    from beancount_ar.core.subledger import subledger

    since, until = _date(args.since, "--since"), _date(args.until, "--until")
    if until is not None and until < since:
        raise CliError(f"empty period: --since {since} is after --until {until}")
    entries, options_map = load_ledger(args.ledger, args.ignore_errors)
    settlement = subledger(entries, options_map, until)
    book = settlement.book
    statuses, _ = einvoicing.read_statuses(entries, set(book.invoices) | set(credit_notes(book)))
    rows = einvoicing.payments_received(settlement, since, until, statuses)
    records = [{"invoice": r.invoice, "customer": r.customer, "customer_name": r.customer_name,
                "date": r.date.isoformat(), "amount": str(r.amount), "currency": r.currency,
                "invoice_total": str(r.invoice_total), "status": r.status or "",
                "reference": r.reference} for r in rows]
    if args.fmt == "json":
        return json.dumps(records, indent=2, ensure_ascii=False)
    if args.fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        return out.getvalue().rstrip("\n")
    if not rows:
        return f"no payment received on an invoice since {since}"
    return table(["invoice", "customer", "date", "amount", "cur", "status"],
                 [(r.invoice, r.customer_name, r.date, r.amount, r.currency, r.status or "")
                  for r in rows], right={3})
