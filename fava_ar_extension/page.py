"""What every page of the extension shares: the request's scope, links that keep Fava's filters,
the one error a page can answer with, and the base of the page classes.

Each page is a module of its own - `aging_page`, `customers_page` (the list and one customer),
`invoices_page`, `statements_page`, `reminders_page` - and `pages.Pages` puts the first three
together. Every figure comes from `beancount_ar.core` (through `Analysis`, which caches it);
pages only pick, label, format and link. For example, with

    2026-01-15 * "Dupont" "Facture" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   1200.00 EUR
      Income:Sales

``Links.view("invoices", customer="Assets:Receivable:Dupont", bucket=1)`` is the URL of the
items behind Dupont's "1-30 days" cell, Fava's time and account filters kept.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import quote_plus, urlencode

from beancount_ar.core import aging as aging_lib
from beancount_ar.core.customers import CustomerError, find_customer
from beancount_ar.core.report import InvoiceRow
from fava_ar_extension.analysis import Analysis
from fava_ar_extension.i18n import UI
from fava_ar_extension.settings import Settings


class PageError(Exception):
    """A problem with the request (an unknown customer, a bad parameter): said on the page."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Scope:
    """What the request asks for: the as-of date, the period, the customers."""

    as_of: datetime.date
    begin: datetime.date
    today: datetime.date
    time: str = ""  # Fava's time filter, "" when none
    time_error: bool = False  # the time filter could not be read (today is used)
    account: str = ""  # Fava's account filter
    customers: frozenset[str] | None = None  # the customers the account filter leaves

    @property
    def days(self) -> int:
        return (self.as_of - self.begin).days + 1


@dataclass(frozen=True)
class Links:
    """URLs of the extension's pages and of Fava's, keeping Fava's filters."""

    report: str  # the extension's page with Fava's filters, e.g. /slug/extension/X/?time=2026
    journal: Callable[[str], str]  # an account's journal
    editor: Callable[[str, int], str]  # a file at a line in Fava's editor
    errors: str  # Fava's Errors page
    entry_hash: Callable[[Any], str]  # Fava's hash of an entry (for #context-<hash>)

    def _split(self) -> tuple[str, str]:
        path, _, query = self.report.partition("?")
        return path, query

    def view(self, view: str, **params: Any) -> str:
        # Called for every cell of the tables: the same few values are quoted again and again.
        path, query = self._split()
        parts = [f"{path}?view={_quote(view)}"]
        for key, value in params.items():
            if value is not None and value != "":
                parts.append(f"{key}={_quote(value if type(value) is str else str(value))}")
        if query:
            parts.append(query)
        return "&".join(parts)

    def endpoint(self, name: str, **params: Any) -> str:
        path, query = self._split()
        own = urlencode([(k, str(v)) for k, v in params.items() if v is not None and v != ""])
        joined = "&".join(part for part in (own, query) if part)
        return f"{path}{name}" + (f"?{joined}" if joined else "")

    def source(self, filename: str | None, lineno: int | None) -> str | None:
        if not filename or filename.startswith("<") or not lineno:
            return None
        return self.editor(filename, lineno)

    def context(self, entry: Any) -> str | None:
        return f"#context-{self.entry_hash(entry)}" if entry is not None else None


@lru_cache(maxsize=4096)
def _quote(value: str) -> str:
    return quote_plus(value)


class Cell(NamedTuple):
    """An amount of a table: its text, its value (for sorting) and the link behind it.

    A named tuple, not a dict: Jinja reads ``cell.text`` as an attribute at once, where a
    dict's key costs it a failed attribute lookup first (a table has thousands of cells)."""

    text: str
    value: Decimal
    url: str | None


class PageBase:
    """The request and the helpers every page uses; each page class adds its views."""

    def __init__(self, analysis: Analysis, scope: Scope, settings: Settings, ui: UI,
                 links: Links, args: Mapping[str, str]) -> None:
        self.analysis = analysis
        self.scope = scope
        self.settings = settings
        self.ui = ui
        self.t = ui.t
        self.links = links
        self.args = args
        self.book = analysis.book
        self._zeros: dict[tuple[str, str], str] = {}

    # -- helpers -----------------------------------------------------------------------------

    def customer_keys(self) -> list[str]:
        """The customers in scope, by name."""
        keys = self.book.customers if self.scope.customers is None else self.scope.customers
        return sorted(keys, key=lambda k: (self.book.customers[k].name.lower(), k))

    def customer_url(self, key: str) -> str:
        return self.links.view("customer", customer=key)

    def cell(self, amount: Decimal, currency: str, url: str | None) -> Cell:
        if amount != 0:
            return Cell(self.ui.money(amount, currency), amount, url)
        # Most cells of a long table are zero: each zero's text is formatted once.
        key = (currency, str(amount))  # 0.00, -0.00, 0E-8: each its own text
        text = self._zeros.get(key)
        if text is None:
            text = self._zeros[key] = self.ui.money(amount, currency)
        return Cell(text, amount, None)

    def view_cell(self, amount: Decimal, currency: str, view: str, /,
                  **params: Any) -> Cell:
        """A cell linked to one of the extension's views (no link, so none built, for zero)."""
        return self.cell(amount, currency,
                         self.links.view(view, **params) if amount != 0 else None)

    def by(self) -> str:
        by = self.args.get("by") or self.settings.aging_by
        if by not in (aging_lib.BY_DUE, aging_lib.BY_INVOICE):
            raise PageError(f"by={by!r}: expected 'due' or 'invoice'")
        return by

    def entry_links(self, entry: Any) -> dict[str, str | None]:
        meta = entry.meta if entry is not None else {}
        return {"context": self.links.context(entry),
                "source": self.links.source(meta.get("filename"), meta.get("lineno"))}

    def invoice_view(self, row: InvoiceRow) -> dict[str, Any]:
        ui, t = self.ui, self.t
        entry = self.entry_of(row)
        label = row.label
        if row.charged_on:
            label = t("{invoice} (penalty)", invoice=row.charged_on)
        return {
            "label": label,
            "invoice": row.invoice, "kind": t(row.kind), "kind_code": row.kind,
            "charged_on": row.charged_on or "",
            "customer": row.customer, "name": row.customer_name,
            "customer_url": self.customer_url(row.customer),
            "date": row.date.isoformat(), "due": row.due.isoformat(),
            "discount_until": row.discount_until.isoformat() if row.discount_until else "",
            "discount": ui.money(row.discount, row.currency) if row.discount else "",
            "status": row.status, "status_label": t(row.status),
            "days": row.days_overdue, "currency": row.currency,
            "amount": ui.money(row.amount, row.currency), "amount_value": row.amount,
            "open": ui.money(row.open, row.currency), "open_value": row.open,
            "penalties": ui.money(row.penalties, row.currency) if row.penalties else "",
            "paid": row.paid_date.isoformat() if row.paid_date else "",
            "settled": "; ".join(f"{p.date.isoformat()} {ui.money(p.amount, row.currency)} "
                                 f"{t(p.kind)}" for p in row.payments),
            "context": self.links.context(entry),
            "source": self.links.source(row.filename, row.lineno),
        }

    def entry_of(self, row: InvoiceRow) -> Any:
        """The transaction of a row (for Fava's entry context)."""
        invoice = self.book.invoices.get(row.invoice) if row.invoice else None
        if invoice is not None and invoice.customer == row.customer:
            return invoice.entry
        return self.analysis.entry_at(row.filename, row.lineno)

    def customer_key(self) -> str:
        """The customer ``?customer=`` names (a key, an account or a name: the core's lookup),
        within Fava's account filter; PageError 404 otherwise."""
        wanted = self.args.get("customer", "")
        if not wanted:
            raise PageError(self.t("Give a customer: ?customer=<receivable account>."))
        try:
            key = find_customer(self.book, wanted)
        except CustomerError:
            raise PageError(self.t("Unknown customer “{customer}”.", customer=wanted),
                            404) from None
        if self.scope.customers is not None and key not in self.scope.customers:
            raise PageError(self.t("Unknown customer “{customer}”.", customer=wanted), 404)
        return key

    def date_arg(self, name: str) -> datetime.date | None:
        text = self.args.get(name, "")
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise PageError(self.t("“{value}” is not a date such as 2026-11-23.",
                                   value=text)) from None


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
