"""How the invoice plugin reads a ledger, before the user changes anything (``bean-ar doctor``).

`diagnose` reads the subledger with the ledger's configuration and tells: how many invoices it
recognised and by which rule (`recognition.RULES`), the receivable debits it did not take as
invoices and why (with their file:line), the credits that name no invoice (matched oldest
first), the customers found, the ``plugin`` line that would recognise more, and the errors the
plugin adds. For example, on a ledger keeping its receivables in ``Assets:AccountsReceivable``
with the number only in narrations ("Facture 2024-017 - Groupe Laval"), it proposes

    plugin "beancount_ar" "{'receivable_root': 'Assets:AccountsReceivable',
                            'invoice_pattern': '(?i)\\b([0-9]{4}\\-[0-9]+)\\b'}"

Pure: entries, options and errors in, a `Diagnosis` out; `cli/doctor.py` loads and prints.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from beancount.core import data

from beancount_ar.core.config import ArConfig
from beancount_ar.core.model import CREDIT_NOTE, DEBIT, PAYMENT, Credit, Item
from beancount_ar.core.recognition import (
    AMBIGUOUS_LINKS,
    METADATA,
    NAMES_INVOICE,
    NO_RULE,
    RULES,
    suggest_pattern,
)
from beancount_ar.core.shared import book_for

SAMPLE = 10
_RECEIVABLE_WORDS = re.compile(
    r"(?i)(receivable|clients?|customers?|debtors?|cr[eé]ances?|d[eé]biteurs?|forderungen|"
    r"debitoren|comptesclients)")


@dataclass(frozen=True, slots=True)
class Finding:
    """One entry worth a look: where it is, and what about it."""

    filename: str | None
    lineno: int | None
    date: Any
    text: str
    why: str

    @property
    def where(self) -> str:
        return f"{self.filename}:{self.lineno}"


@dataclass(frozen=True, slots=True)
class Diagnosis:
    receivable_root: str
    receivable_accounts: tuple[str, ...]
    invoices_by_rule: Mapping[str, int]
    customers: tuple[str, ...]
    debits: int  # receivable debits not taken as invoices
    debit_sample: tuple[Finding, ...]
    unmatched: int  # credits that name no invoice (matched oldest first)
    unmatched_sample: tuple[Finding, ...]
    errors: tuple[Finding, ...]
    suggestions: Mapping[str, Any] = field(default_factory=dict)
    suggested_line: str | None = None

    @property
    def invoices(self) -> int:
        return sum(self.invoices_by_rule.values())

    @property
    def needs_attention(self) -> bool:
        """Errors, debits that might be invoices, or a configuration that would read more.

        Credits that name no invoice are only information: oldest first is a rule, not a
        problem."""
        unexplained = [f for f in self.debit_sample if f.why != NAMES_INVOICE]
        return bool(self.errors or unexplained or self.suggestions or not self.invoices)


def _finding(entry: Any, why: str) -> Finding:
    meta = entry.meta or {}
    text = " ".join(part for part in (entry.payee, entry.narration) if part)
    return Finding(meta.get("filename"), meta.get("lineno"), entry.date, text, why)


def _why_not_invoice(entry: Any, book: Any) -> str:
    links = entry.links or ()
    if any(book.linked(link) for link in links):
        return NAMES_INVOICE
    if len(links) > 1 and book.config.invoice_links:
        return AMBIGUOUS_LINKS
    return NO_RULE


def diagnose(entries: Sequence[Any], options_map: Mapping[str, Any], config: ArConfig,
             errors: Sequence[Any]) -> Diagnosis:
    """Read `entries` as the plugin does under `config`; `errors` are the plugin's errors."""
    book = book_for(entries, config)
    by_rule = dict.fromkeys(RULES, 0)
    for number in book.invoices:
        by_rule[book.rules.get(number, METADATA)] += 1
    debits: list[Finding] = []
    unmatched: list[Finding] = []
    for event in book.events:
        if isinstance(event, Item):
            if event.kind == DEBIT:
                debits.append(_finding(event.entry, _why_not_invoice(event.entry, book)))
        elif isinstance(event, Credit) and event.kind in (PAYMENT, CREDIT_NOTE):
            if not event.refs and not any(book.linked(link) for link in event.links):
                unmatched.append(_finding(event.entry, "names no invoice: matched oldest first"))
    debits.sort(key=lambda f: f.why == NAMES_INVOICE)  # the ones that might be invoices first

    accounts = tuple(sorted({c.account for c in book.customers.values()}))
    suggestions: dict[str, Any] = {}
    if not accounts:
        assets = options_map.get("name_assets") or "Assets"
        candidates = sorted({
            entry.account for entry in entries
            if isinstance(entry, data.Open) and entry.account.startswith(assets + ":")
            and _RECEIVABLE_WORDS.search(entry.account.split(":", 1)[1])})
        # the shortest common root of the candidates
        roots = sorted({":".join(a.split(":")[:2]) for a in candidates})
        if len(roots) == 1:
            suggestions["receivable_root"] = roots[0]
    if config.invoice_pattern is None and debits:
        pattern = suggest_pattern(
            f.text for f in debits if f.why == NO_RULE)
        if pattern:
            suggestions["invoice_pattern"] = pattern
    line = None
    if suggestions:
        settings: dict[str, Any] = {}
        for name, text in options_map.get("plugin") or ():
            if name == "beancount_ar" and text:
                try:
                    settings.update(ast.literal_eval(text))
                except (ValueError, SyntaxError, TypeError):
                    pass
        settings.update(suggestions)
        # Beancount reads backslashes in strings as escapes: double them.
        line = 'plugin "beancount_ar" "' + repr(settings).replace("\\", "\\\\") + '"'
    found_errors = tuple(
        Finding((e.source or {}).get("filename"), (e.source or {}).get("lineno"), None,
                " ".join(str(e.message).split()), type(e).__name__)
        for e in errors)
    return Diagnosis(
        receivable_root=config.receivable_root,
        receivable_accounts=accounts,
        invoices_by_rule=by_rule,
        customers=tuple(sorted(c.name for c in book.customers.values())),
        debits=len(debits),
        debit_sample=tuple(debits[:SAMPLE]),
        unmatched=len(unmatched),
        unmatched_sample=tuple(unmatched[:SAMPLE]),
        errors=found_errors,
        suggestions=suggestions,
        suggested_line=line,
    )


__all__ = ["Diagnosis", "Finding", "diagnose"]
