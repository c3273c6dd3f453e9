"""How an invoice, and the invoices a payment pays, are recognised in a ledger as users keep it.

A debit to a receivable account is an invoice, by the first of these rules that applies
(``RULES``; `Recogniser.invoice_number`):

1. ``metadata``: the transaction has ``invoice:`` metadata - its value is the number;
2. ``link`` (``invoice_links``, on by default): the transaction has a link that names no invoice
   seen so far - the link is the number (with several links, the one `invoice_pattern` matches);
3. ``narration`` (``invoice_pattern`` set): the pattern matches the narration - its group 1, or
   else the whole match, is the number (unless an invoice already has that number).

A credit names the invoices it pays by a link, by ``invoice:`` metadata or, with
``invoice_pattern`` set, by invoice numbers found in its narration or payee (`Recogniser.hints`).
For example, with ``'invoice_pattern': '(?i)(?:facture|fact) ([0-9]{4}-[0-9]{3})'``:

    2025-01-15 * "Groupe Laval" "Facture 2025-017"            ; invoice 2025-017 (narration)
      Actifs:ComptesClients      1200.00 CAD
      Revenus:Ventes

    2025-01-20 * "ACME SA" "Travaux de janvier" ^invoice-acme-jan25   ; invoice invoice-acme-jan25
      Actifs:ComptesClients       500.00 CAD
      Revenus:Ventes

    2025-02-14 * "Groupe Laval" "VIR SEPA REGLEMENT FACT 2025-017"   ; pays 2025-017
      Actifs:Banque              1200.00 CAD
      Actifs:ComptesClients

The rules are plain functions of an entry and of the invoices already known, so the reader
(`book.py`) and ``bean-ar doctor`` (`doctor.py`) apply exactly the same ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from beancount_ar.core.config import ArConfig

METADATA = "metadata"
LINK = "link"
NARRATION = "narration"
RULES = (METADATA, LINK, NARRATION)

# Why a receivable debit is not an invoice (for `bean-ar doctor`).
NAMES_INVOICE = "names an existing invoice"  # a refund, a re-billing, a bounced payment...
AMBIGUOUS_LINKS = "several links, none singled out by invoice_pattern"
NO_RULE = "no invoice: metadata, no link, no number in the narration"


class Recogniser:
    """The recognition rules under one configuration (the pattern compiled once)."""

    def __init__(self, config: ArConfig) -> None:
        self.links = config.invoice_links
        self.pattern = re.compile(config.invoice_pattern) if config.invoice_pattern else None

    def number_in(self, text: str | None) -> str | None:
        """The first invoice number `invoice_pattern` finds in `text`."""
        if not text or self.pattern is None:
            return None
        match = self.pattern.search(text)
        if match is None:
            return None
        number = (match.group(1) if self.pattern.groups else match.group(0)) or ""
        return number.strip() or None

    def numbers_in(self, *texts: str | None) -> list[str]:
        """Every invoice number `invoice_pattern` finds in the texts, in order, once each."""
        pattern = self.pattern
        if pattern is None:
            return []
        found: dict[str, None] = {}
        for text in texts:
            if not text:
                continue
            for match in pattern.finditer(text):
                number = (match.group(1) if pattern.groups else match.group(0)) or ""
                if number.strip():
                    found[number.strip()] = None
        return list(found)

    def invoice_number(self, entry: Any, known: Callable[[str], bool]
                       ) -> tuple[str | None, str]:
        """(number, rule) of a receivable debit without ``invoice:`` metadata, or (None, why not).

        `known(name)` says whether an invoice already has that number or carries that link."""
        links = entry.links
        if self.links and links:
            if any(known(link) for link in links):
                return None, NAMES_INVOICE
            if len(links) == 1:
                return next(iter(links)), LINK
            pattern = self.pattern
            matching = [link for link in links if pattern is not None and pattern.search(link)]
            if len(matching) == 1:
                return matching[0], LINK
            number = self.number_in(entry.narration)
            if number is not None and number in links:
                return number, LINK
            if number is None:
                return None, AMBIGUOUS_LINKS
        number = self.number_in(entry.narration)
        if number is None:
            return None, NO_RULE
        if known(number):
            return None, NAMES_INVOICE
        return number, NARRATION

    def hints(self, entry: Any) -> list[str]:
        """Invoice numbers a credit's narration or payee quotes (by `invoice_pattern`)."""
        if self.pattern is None:
            return []
        return self.numbers_in(entry.narration, entry.payee)


def suggest_pattern(texts: Iterable[str]) -> str | None:
    """An ``invoice_pattern`` for the numbers quoted in these narrations, if they share a shape.

    Looks for words such as "Facture 2024-017", "Invoice INV-12", "FACT F-2025-001" and returns
    a pattern matching the commonest shape, for `bean-ar doctor` to propose (without
    backslashes, so that it can be pasted into a ``plugin`` line as it is)."""
    word = r"(factures?|fact|fac|invoices?|inv|rechnung|bill|payment for|paiement|r[eè]glement)"
    probe = re.compile(r"(?i)\b" + word + r"[.:]?\s*(?:n[o°º]\.?\s*|#\s*)?"
                       r"([A-Z0-9][A-Z0-9./_-]*[0-9])")
    shapes: dict[str, int] = {}
    for text in texts:
        for match in probe.finditer(text or ""):
            shape = _shape(match.group(2))
            if shape is None:
                continue
            if match.group(2).isdigit():
                shape = f"{match.group(1).lower()} ({shape})"  # a bare number: keep its word
            else:
                shape = f"({shape})"
            shapes[shape] = shapes.get(shape, 0) + 1
    if not shapes:
        return None
    return "(?i)" + max(shapes, key=lambda s: (shapes[s], s))


def _shape(number: str) -> str | None:
    """A regular expression for numbers shaped like `number` (letters kept, digits counted)."""
    parts = re.findall(r"[A-Za-z]+|[0-9]+|[^A-Za-z0-9]", number)
    if not any(p.isdigit() for p in parts):
        return None
    out = []
    for part in parts:
        if part.isdigit():
            out.append(f"[0-9]{{{len(part)}}}" if len(part) >= 4 else "[0-9]+")
        elif part.isalpha():
            out.append(part.upper())
        else:
            out.append(part if part in "-/_" else f"[{part}]")
    return "".join(out)




def match_payment(book: Any, open_amounts: dict[str, Any], numbers: Iterable[str],
                  customers: Iterable[str], amount: Any, currency: str
                  ) -> tuple[str | None, str | None]:
    """The invoice an incoming payment settles: (number, None), or (None, why not).

    By the invoice numbers its text quotes (`numbers`, from `Recogniser.hints`) that name an
    open invoice; else by the one open invoice of one of `customers` (customer keys) in
    `currency` whose open amount is exactly `amount`. `open_amounts` maps invoice numbers to
    what they still owe. Used by the bank-import hook (`beancount_ar.importing`)."""
    quoted = [n for name in numbers for n in (name, *book.by_link.get(name, ()))
              if n in book.invoices and book.invoices[n].currency == currency]
    quoted = list(dict.fromkeys(quoted))
    open_quoted = [n for n in quoted if open_amounts.get(n, 0) > 0]
    if len(open_quoted) == 1:
        return open_quoted[0], None
    if len(open_quoted) > 1:
        return None, f"ambiguous: quotes several open invoices ({', '.join(open_quoted)})"
    wanted = set(customers)
    same = [n for n, invoice in book.invoices.items()
            if invoice.customer in wanted and invoice.currency == currency
            and open_amounts.get(n) == amount]
    if len(same) == 1:
        return same[0], None
    if len(same) > 1:
        return None, (f"ambiguous: several open invoices of {amount} {currency} "
                      f"({', '.join(same)})")
    return None, None



def customers_named(customers: Mapping[str, Any], payee: str | None,
                    narration: str | None) -> list[str]:
    """The customer keys a payment's payee names: a customer's name exactly (case aside), else
    the one customer whose name (4 characters or more) the payee or narration contains as
    words - a bank's wording, "VIR SEPA ACME SA" for ACME SA."""
    by_name: dict[str, list[str]] = {}
    for key, customer in customers.items():
        by_name.setdefault(customer.name.casefold(), []).append(key)
    if payee and payee.strip().casefold() in by_name:
        return by_name[payee.strip().casefold()]
    text = f"{payee or ''} {narration or ''}".casefold()
    named = [keys for name, keys in by_name.items()
             if len(name) >= 4 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)]
    return named[0] if len(named) == 1 else []

__all__ = ["AMBIGUOUS_LINKS", "LINK", "METADATA", "NAMES_INVOICE", "NARRATION", "NO_RULE",
           "RULES", "Recogniser", "customers_named", "match_payment", "suggest_pattern"]
