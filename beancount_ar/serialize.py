"""JSON-ready records of the reports, shared by ``bean-ar --format json`` and Fava's endpoints.

Amounts are strings (exact decimals, never floats) and dates ISO strings, so a program reading
``bean-ar invoices main.beancount --format json`` gets, for an invoice such as

    2025-01-15 * "Dupont" "Four" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   1200.00 EUR
      Income:Sales

``{"invoice": "F-1", "date": "2025-01-15", "amount": "1200.00", "currency": "EUR", ...}``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from beancount_ar.core import aging as aging_lib
from beancount_ar.core.report import InvoiceRow


def json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def invoice_record(row: InvoiceRow) -> dict[str, Any]:
    record = {
        "invoice": row.invoice,
        "instalment": row.instalment,
        "kind": row.kind,
        "charged_on": row.charged_on,
        "einvoice": row.einvoice,
        "customer": row.customer,
        "customer_name": row.customer_name,
        "date": row.date,
        "due": row.due,
        "currency": row.currency,
        "amount": row.amount,
        "open": row.open,
        "status": row.status,
        "days_overdue": row.days_overdue,
        "discount_until": row.discount_until,
        "discount": row.discount,
        "paid_date": row.paid_date,
        "penalties": row.penalties,
        "payments": [
            {"date": json_value(p.date), "amount": str(p.amount), "kind": p.kind,
             "reference": p.reference, "netted": p.netted}
            for p in row.payments
        ],
        "source": f"{row.filename}:{row.lineno}" if row.filename else None,
    }
    return {key: json_value(value) for key, value in record.items()}


def aging_record(report: aging_lib.Aging) -> dict[str, Any]:
    def row_record(row: aging_lib.AgingRow) -> dict[str, Any]:
        return {
            "customer": row.customer,
            "name": row.name,
            "currency": row.currency,
            "buckets": dict(zip(report.labels, (str(a) for a in row.buckets), strict=False)),
            "unapplied": str(row.unapplied),
            "total": str(row.total),
        }

    return {
        "as_of": report.as_of.isoformat(),
        "by": report.by,
        "buckets": list(report.labels),
        "rows": [row_record(r) for r in report.rows],
        "totals": {c: {k: v for k, v in row_record(r).items() if k not in ("customer", "name")}
                   for c, r in report.totals.items()},
        "receivable_balance": {c: str(b) for c, b in sorted(report.balances.items())},
        "difference": {c: str(report.difference(c)) for c in report.currencies},
    }


