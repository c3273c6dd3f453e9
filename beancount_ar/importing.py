"""Bank imports linked to invoices: a hook for beangulp (Beancount 3's importer framework).

    import beangulp
    from beangulp.importers.csv import Col, CSVImporter
    from beancount_ar.importing import InvoiceLinker

    importers = [CSVImporter({Col.DATE: "Date", Col.PAYEE: "Tiers", Col.NARRATION: "Libelle",
                              Col.AMOUNT: "Montant"}, "Assets:Bank", "EUR")]
    hooks = [InvoiceLinker("{'invoice_pattern': '(F-[0-9]{4}-[0-9]{3})'}")]
    if __name__ == "__main__":
        beangulp.Ingest(importers, hooks)()

``python import.py extract bank.csv -e main.beancount`` then gives each imported payment (money
in) the link of the invoice it settles: the invoice whose number its narration or payee quotes
(by ``invoice_pattern``), else the one open invoice of the same customer (named by the payee,
or in the payee's or narration's wording, or by a receivable posting the importer added) whose
open amount is the payment's amount. A payment with only its bank posting also gets the
posting that credits that customer's receivable account. A payment that could settle several
invoices is left as it is, with an ``ar_match:`` note saying why. The configuration string is
the one of your ``plugin "beancount_ar"`` line. An imported line becomes:

    2025-02-15 * "VIR SEPA ACME SA" "VIR SEPA ACME SA REGLEMENT FACT F-2025-002" ^F-2025-002
      Assets:Bank                  800.00 EUR
      Assets:Receivable:Acme      -800.00 EUR

The rules are in `beancount_ar.core.recognition` (`match_payment`, `customers_named`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount

from beancount_ar.core.allocation import settle
from beancount_ar.core.config import parse_config
from beancount_ar.core.money import ZERO
from beancount_ar.core.recognition import Recogniser, customers_named, match_payment
from beancount_ar.core.shared import book_for

NOTE = "ar_match"
_LINK = re.compile(r"^[A-Za-z0-9\-_/.]+$")  # what Beancount accepts in a link


class InvoiceLinker:
    """A beangulp hook: ``hook(extracted, existing_entries) -> extracted`` (see the module)."""

    def __init__(self, config: str | None = None) -> None:
        self.config, problems = parse_config(config)
        if problems:
            raise ValueError("; ".join(problems))
        self.recogniser = Recogniser(self.config)

    def __call__(self, extracted: Sequence[tuple], existing_entries: Sequence[Any]) -> list:
        imported = {id(entry) for _, entries, *_ in extracted for entry in entries}
        ledger = [entry for entry in existing_entries if id(entry) not in imported]
        book = book_for(ledger, self.config)
        open_amounts: dict[str, Decimal] = {}
        for state in settle(book).items:
            if state.item.invoice is not None and state.item.kind == "invoice":
                open_amounts[state.item.invoice] = open_amounts.get(
                    state.item.invoice, ZERO) + state.open
        out = []
        for filename, entries, account, importer in extracted:
            entries = [self.link(entry, book, open_amounts)
                       if isinstance(entry, data.Transaction) else entry for entry in entries]
            out.append((filename, entries, account, importer))
        return out

    def link(self, entry: data.Transaction, book: Any,
             open_amounts: dict[str, Decimal]) -> data.Transaction:
        incoming = [p for p in entry.postings
                    if p.units is not None and p.units.number is not None and p.units.number > 0
                    and not self.receivable(p.account)]
        if len(incoming) != 1 or any(book.linked(link) for link in entry.links or ()):
            return entry  # not a payment received, or already linked to an invoice
        units = incoming[0].units
        if units is None or units.number is None:
            return entry
        customers = [key for p in entry.postings if self.receivable(p.account)
                     for key, c in book.customers.items() if c.account == p.account and (
                         not c.shared or c.name.casefold() == (entry.payee or "").casefold())]
        if not customers:
            customers = customers_named(book.customers, entry.payee, entry.narration)
        number, note = match_payment(book, open_amounts, self.recogniser.hints(entry), customers,
                                     units.number, units.currency)
        if number is None or not _LINK.match(number):
            if note is None:
                return entry
            return entry._replace(meta={**entry.meta, NOTE: note})
        open_amounts[number] = open_amounts.get(number, ZERO) - units.number
        invoice = book.invoices[number]
        customer = book.customers[invoice.customer]
        postings = list(entry.postings)
        if len(postings) == 1:  # complete it: the credit to the customer's receivable
            postings.append(data.Posting(
                customer.account, Amount(-units.number, units.currency), None, None, None,
                {"customer": customer.name} if customer.shared else None))
        return entry._replace(links=frozenset({*(entry.links or ()), number}),
                              postings=postings)

    def receivable(self, account: str) -> bool:
        root = self.config.receivable_root
        return account == root or account.startswith(root + ":")


__all__ = ["NOTE", "InvoiceLinker"]
