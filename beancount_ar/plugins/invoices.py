"""The invoice plugin: validates invoices, computes due dates, matches credits, posts discounts.

    plugin "beancount_ar" "{'default_terms': 'net 30', 'discount_account': 'Expenses:Discounts'}"

For each invoice it adds the computed ``due`` date (and ``discount_until`` and ``discount``
where the terms offer an early-payment discount, ``instalments`` where they split it), its
``open_amount`` after every entry and, once settled, its ``paid_date`` to the transaction's
metadata, so bean-query can use them; to an invoice recognised by a convention (a link, a number
in its narration: `beancount_ar.core.recognition`) it also adds ``invoice:`` (its number) and
``ar_recognised:`` (the rule)::

    SELECT entry_meta('invoice'), date(entry_meta('due')) WHERE entry_meta('invoice') != NULL

For each early-payment discount a payment earned and no entry books, it adds a transaction on
the payment's date, tagged ``#ar-discount`` and linked to the invoice, debiting the discount
account and crediting the receivable. Every problem is an error at the entry's file and line.
The rules themselves live in `beancount_ar.core`; this module only adapts them to Beancount.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount

from beancount_ar.core.allocation import ItemState, PendingDiscount, Settlement, settle
from beancount_ar.core.book import COMPUTED, RECOGNISED, Book
from beancount_ar.core.company import read_company
from beancount_ar.core.config import ArConfig, parse_config
from beancount_ar.core.errors import ARError, ConfigError, OverpaymentError
from beancount_ar.core.invoice_document import load_checks
from beancount_ar.core.model import INVOICE, Customer, Invoice
from beancount_ar.core.money import ZERO, round_money
from beancount_ar.core.reminder_config import read_reminder_settings
from beancount_ar.core.shared import publish
from beancount_ar.plugins.common import GENERATED, guarded, plugin_source

MODULE = "beancount_ar"
PENALTIES_MODULE = "beancount_ar.penalties"
_new = tuple.__new__  # builds an Amount without its Python-level checks (hot path only)


def invoice_meta(invoice: Invoice, states: Iterable[ItemState],
                 posted: dict[int, PendingDiscount]) -> dict[str, Any]:
    """The metadata the plugin adds to an invoice transaction, from its items' states.

    ``open_amount`` and ``paid_date`` describe the invoice after every entry of the ledger (they
    do not depend on today's date, so Beancount's load cache cannot make them stale)."""
    currency = invoice.currency
    open_amount = ZERO
    paid = None
    closed = True
    for state in states:
        discount = posted.get(state.item.id) if posted else None
        if discount is None:  # else the discount the plugin posts closes the item
            open_amount += state.open
            day = state.closed_date
        else:
            open_amount += state.open - discount.amount
            day = discount.payment.date
        if day is None:
            closed = False
        elif paid is None or day > paid:
            paid = day
    meta: dict[str, Any] = {
        "due": invoice.due, COMPUTED: True,
        "open_amount": _new(Amount, (round_money(open_amount, currency), currency)),
    }
    if open_amount == 0 and closed and paid is not None:
        meta["paid_date"] = paid
    if invoice.discount_until is not None and invoice.discount:
        meta["discount_until"] = invoice.discount_until
        meta["discount"] = _new(Amount, (invoice.discount, currency))
    if len(invoice.items) > 1:
        meta["instalments"] = "; ".join(
            f"{item.due} {item.amount} {item.currency}" for item in invoice.items)
    return meta


def invoices_meta(book: Book, settlement: Settlement, posted: dict[int, PendingDiscount]
                  ) -> Iterator[tuple[Invoice, dict[str, Any]]]:
    """Each invoice with `invoice_meta`, in one pass over the settled items."""
    invoices = book.invoices
    split: dict[str, list[ItemState]] = {}
    for state in settlement.items:
        item = state.item
        number = item.invoice
        if item.kind != INVOICE or number is None:
            continue
        if item.parts == 1:
            yield invoices[number], invoice_meta(invoices[number], (state,), posted)
            continue
        states = split.setdefault(number, [])
        states.append(state)
        if len(states) == item.parts:
            yield invoices[number], invoice_meta(invoices[number], states, posted)


def discount_entry(pending: PendingDiscount, config: ArConfig, customer: Customer) -> Any:
    """The transaction that books a discount a payment earned."""
    item, payment = pending.item, pending.payment
    assert item.invoice is not None and config.discount_account is not None  # see `settle`
    source = payment.entry.meta
    meta = data.new_metadata(GENERATED, int(source.get("lineno") or 0), {
        "ar_generated": "discount",
        "invoice": item.invoice,
    })
    narration = (f"Early-payment discount on {item.invoice} ({pending.amount} {item.currency},"
                 f" paid {payment.date}, window until {item.discount_until})")
    amount = pending.amount
    return data.Transaction(
        meta, payment.date, "*", payment.entry.payee, narration,
        frozenset({"ar-discount"}), frozenset({item.invoice}),
        [
            data.Posting(config.discount_account, Amount(amount, item.currency),
                         None, None, None, None),
            data.Posting(customer.account, Amount(-amount, item.currency), None, None, None,
                         {"customer": customer.name} if customer.shared else None),
        ],
    )


def _ar_invoices(entries: list, options_map: dict[str, Any], config_text: str | None = None):
    config, problems = parse_config(config_text, options_map)
    errors: list = []
    if problems:
        source = plugin_source(options_map, MODULE)
        errors.extend(ConfigError(source, message, None) for message in problems)
    book, book_errors = publish(entries, config)  # kept for the readers after this plugin
    settlement = settle(book)
    errors.extend(book_errors)
    # With the penalties plugin after this one, a payment may cover charges that do not exist
    # yet: that plugin checks overpayments once they do.
    penalties_follow = any(name == PENALTIES_MODULE for name, _ in options_map.get("plugin", ()))
    errors.extend(e for e in settlement.errors
                  if not (penalties_follow and isinstance(e, OverpaymentError)))

    posted = {p.item.id: p for p in settlement.pending_discounts} if config.discount_account else {}
    # The computed metadata go into each invoice's own metadata dict: the entries are this load's
    # (the files are never touched), and copying 100,000 transactions would cost more than the
    # rest of the plugin's output.
    rules = book.rules
    for invoice, extra in invoices_meta(book, settlement, posted):
        meta = invoice.entry.meta
        if "due" in meta and not meta.get(COMPUTED):  # the user's own due date stays
            del extra["due"], extra[COMPUTED]
        if rules and invoice.number in rules:  # recognised by a convention: say so
            extra["invoice"] = invoice.number
            extra[RECOGNISED] = rules[invoice.number]
        meta.update(extra)
    out = list(entries)
    customs = [entry for entry in entries if type(entry) is data.Custom]

    # The company and reminder directives are checked here so that bean-check and Fava's Errors
    # page show their mistakes, not only the statement or reminder that needs them.
    errors.extend(read_company(customs)[1])
    errors.extend(read_reminder_settings(customs)[1])
    errors.extend(load_checks(book, customs, config.legal))  # invoice documents (ar-invoicing)

    for pending in settlement.pending_discounts:
        if not config.discount_account:
            errors.append(ARError(pending.payment.entry.meta,
                                  f"{pending.item.invoice}: this payment earns an early-payment "
                                  f"discount of {pending.amount} {pending.item.currency}; set "
                                  "'discount_account' in the plugin configuration to post it, "
                                  "or book it in the payment", pending.payment.entry))
            continue
        out.append(discount_entry(pending, config, book.customers[pending.item.customer]))
    return out, errors


ar_invoices = guarded(MODULE, _ar_invoices)
