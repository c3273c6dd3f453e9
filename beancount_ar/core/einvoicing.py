"""E-invoicing lifecycle: the platform statuses of each invoice, and the payment data to report.

An approved platform (Plateforme Agréée) returns statuses for every invoice it carries; the
ledger records them with dated directives, the optional text being the platform's message:

    2026-09-02 custom "ar-einvoice" "F-2026-061" "deposited"
    2026-09-03 custom "ar-einvoice" "F-2026-061" "rejected" "BR-FR-05: SIREN de l'acheteur absent"
    2026-09-20 custom "ar-einvoice" "F-2026-061" "paid"

The four statuses French law makes mandatory are ``deposited`` (déposée), ``rejected``
(rejetée), ``refused`` (refusée) and ``paid`` (encaissée); the others of the lifecycle are
accepted too (`STATUSES`), and French names are read as their English ones. For services taxed
on receipts the seller reports the payment data, date and amount of each payment received per
invoice: `payments_received` takes them from the payment matching (lettrage). Pure: entries and
a settlement in, records out.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount.core import data

from beancount_ar.core.errors import ARError
from beancount_ar.core.model import INVOICE, PAYMENT

DIRECTIVE = "ar-einvoice"
MANDATORY = ("deposited", "rejected", "refused", "paid")
STATUSES = ("deposited", "issued", "received", "made_available", "in_hand", "approved",
            "partially_approved", "disputed", "suspended", "completed", "refused", "rejected",
            "payment_sent", "paid")
FRENCH = {"deposee": "deposited", "déposée": "deposited", "emise": "issued",
          "émise": "issued", "recue": "received", "reçue": "received",
          "mise_a_disposition": "made_available", "mise à disposition": "made_available",
          "prise_en_charge": "in_hand", "prise en charge": "in_hand",
          "approuvee": "approved", "approuvée": "approved",
          "approuvee_partiellement": "partially_approved",
          "approuvée partiellement": "partially_approved",
          "en_litige": "disputed", "en litige": "disputed", "suspendue": "suspended",
          "completee": "completed", "complétée": "completed", "refusee": "refused",
          "refusée": "refused", "rejetee": "rejected", "rejetée": "rejected",
          "paiement_transmis": "payment_sent", "paiement transmis": "payment_sent",
          "encaissee": "paid", "encaissée": "paid"}


@dataclass(frozen=True, slots=True)
class Status:
    """One platform status of an invoice."""

    date: datetime.date
    invoice: str
    status: str
    message: str | None = None
    entry: Any = field(default=None, compare=False, repr=False)


def status_name(text: str) -> str | None:
    """The English status of `text` (English or French, any case), None if unknown."""
    key = " ".join(str(text).strip().lower().split())
    if key.replace(" ", "_") in STATUSES:
        return key.replace(" ", "_")
    return FRENCH.get(key) or FRENCH.get(key.replace(" ", "_"))


def read_statuses(entries: Iterable[Any],
                  numbers: Mapping[str, Any] | Iterable[str] | None = None
                  ) -> tuple[dict[str, tuple[Status, ...]], list[ARError]]:
    """Every invoice's statuses in date order, and the directives that cannot be read (with
    `numbers`, those naming no invoice among them too)."""
    known = set(numbers) if numbers is not None else None
    out: dict[str, list[Status]] = {}
    errors: list[ARError] = []
    usage = f'write custom "{DIRECTIVE}" "F-2026-061" "deposited" ("message")'
    for entry in entries:
        if type(entry) is not data.Custom or entry.type != DIRECTIVE:
            continue
        values = [v.value for v in entry.values or ()]
        if len(values) < 2 or not all(isinstance(v, str) for v in values[:2]):
            errors.append(ARError(entry.meta, f"{DIRECTIVE}: expected an invoice number and a "
                                              f"status; {usage}", entry))
            continue
        number, status = values[0].strip(), status_name(values[1])
        if known is not None and number not in known:
            errors.append(ARError(entry.meta, f"{DIRECTIVE}: {number!r} is not an invoice or "
                                              f"credit note number; {usage}", entry))
            continue
        if status is None:
            errors.append(ARError(entry.meta, f"{DIRECTIVE}: {number}: unknown status "
                                              f"{values[1]!r}; use one of {', '.join(STATUSES)}",
                                  entry))
            continue
        message = " ".join(str(v) for v in values[2:]) or None
        out.setdefault(number, []).append(Status(entry.date, number, status, message, entry))
    return {k: tuple(sorted(v, key=lambda s: s.date)) for k, v in out.items()}, errors


def latest(statuses: Mapping[str, tuple[Status, ...]], number: str,
           as_of: datetime.date | None = None) -> Status | None:
    """The invoice's last status on or before `as_of`."""
    found = None
    for status in statuses.get(number, ()):
        if as_of is None or status.date <= as_of:
            found = status
    return found


def with_statuses(rows: Sequence[Any], statuses: Mapping[str, tuple[Status, ...]],
                  as_of: datetime.date) -> list[Any]:
    """The invoice rows (`beancount_ar.core.report.InvoiceRow`) with the latest platform status
    of their invoice as of `as_of`."""
    out = []
    for row in rows:
        status = latest(statuses, row.invoice, as_of) if row.invoice else None
        out.append(dataclasses.replace(row, einvoice=status.status) if status else row)
    return out


@dataclass(frozen=True, slots=True)
class PaymentReceived:
    """One payment received on an invoice: what a platform needs for "paid" (encaissée)."""

    invoice: str
    customer: str
    customer_name: str
    date: datetime.date  # the day the payment was received
    amount: Decimal
    currency: str
    invoice_total: Decimal
    reference: str  # file:line of the payment
    status: str | None  # the invoice's latest platform status


def payments_received(settlement: Any, since: datetime.date,
                      until: datetime.date | None = None,
                      statuses: Mapping[str, tuple[Status, ...]] | None = None
                      ) -> list[PaymentReceived]:
    """Each payment (not credit note, discount or write-off) applied to an invoice and received
    from `since` to `until`, in date order: the payment matching says which invoice it pays."""
    book = settlement.book
    rows = []
    for state in settlement.items:
        item = state.item
        if item.kind != INVOICE:
            continue
        invoice = book.invoices[item.invoice]
        for allocation in state.allocations:
            credit = allocation.credit
            if allocation.kind != PAYMENT or credit.date < since or (
                    until is not None and credit.date > until):
                continue
            meta = credit.entry.meta if credit.entry is not None else {}
            status = latest(statuses or {}, invoice.number)
            rows.append(PaymentReceived(
                invoice.number, invoice.customer, book.customers[invoice.customer].name,
                credit.date, allocation.amount, item.currency, invoice.amount,
                f"{meta.get('filename')}:{meta.get('lineno')}",
                status.status if status else None))
    merged: dict[tuple[Any, ...], PaymentReceived] = {}
    for row in rows:  # instalments of one invoice paid by one payment: one row
        key = (row.invoice, row.date, row.reference)
        if key in merged:
            old = merged[key]
            row = PaymentReceived(old.invoice, old.customer, old.customer_name, old.date,
                                  old.amount + row.amount, old.currency, old.invoice_total,
                                  old.reference, old.status)
        merged[key] = row
    return sorted(merged.values(), key=lambda r: (r.date, r.invoice))
