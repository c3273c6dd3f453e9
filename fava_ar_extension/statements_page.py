"""The Statements page and its downloads: statements of account, previewed and as PDF or ZIP.

``?view=statements`` lists the customers with a balance at the statement date and offers the
ZIP of all their statements (the page's script fetches it with the link disabled, saying how
many statements are being made, then done or why it failed);
``&customer=Assets:Receivable:Dupont`` shows that customer's statement embedded as the document
looks, with its PDF. Parameters, all optional:

- ``type``: ``activity`` (balance forward, the default) or ``open`` (open items);
- ``from``, ``to``: the period (activity) and the statement date; by default the period of Fava's
  time filter, else the 12 months that end today;
- ``lang``: ``fr`` or ``en``; by default the customer's language, else the company's.

The endpoints ``statement_pdf``, ``statement_html`` (same parameters) and ``statements_zip``
(the statements of every customer with a balance, narrowed by Fava's account filter) answer the
document, or an HTML page saying what is wrong.

Everything is made by `beancount_ar.render.documents` on the settlement that `Analysis` caches;
this module only reads the request and hands over.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from beancount_ar.core.statements import ACTIVITY, OPEN_ITEMS, TYPES, customers_with_balance
from beancount_ar.i18n import LANGUAGES
from beancount_ar.render.documents import DocumentError, render_statements, statements_zip
from fava_ar_extension.analysis import Analysis
from fava_ar_extension.pages import PageError, Pages

# The preview is the document itself in a sandboxed frame; on screen it is laid out as a sheet.
SCREEN_STYLE = """<style media="screen">
html { background: #e4e4e4; }
body { background: #fff; box-sizing: border-box; max-width: 210mm !important;
       margin: 5mm auto !important; padding: 12mm 13mm; box-shadow: 0 1px 5px rgb(0 0 0 / 30%); }
</style>
"""


def as_sheet(document: str) -> str:
    """An HTML document with a screen style that shows it as a sheet of paper. Inserted before
    the first ``</head>``: ledger text in the head (the title) is escaped, so that is ours."""
    head, found, rest = document.partition("</head>")
    return head + SCREEN_STYLE + found + rest if found else SCREEN_STYLE + document


@dataclass(frozen=True)
class StatementRequest:
    """What a request asks for (see the module docstring)."""

    customer: str | None
    kind: str
    start: datetime.date
    end: datetime.date
    language: str | None

    def params(self, customer: bool = True) -> dict[str, str]:
        values = {"type": self.kind, "from": self.start.isoformat(), "to": self.end.isoformat(),
                  "lang": self.language or ""}
        if customer and self.customer:
            values = {"customer": self.customer, **values}
        return values


def read_request(pages: Pages, need_customer: bool) -> StatementRequest:
    """The statement the request asks for; PageError for a bad parameter."""
    t, args, scope = pages.t, pages.args, pages.scope
    kind = args.get("type") or ACTIVITY
    if kind not in TYPES:
        raise PageError(t("Unknown statement type “{type}”; accepted: {accepted}.",
                          type=kind, accepted=", ".join(TYPES)))
    start = pages.date_arg("from") or scope.begin
    end = pages.date_arg("to") or scope.as_of
    if kind == ACTIVITY and start > end:
        raise PageError(t("The period starts on {begin}, after its end {end}.",
                          begin=start.isoformat(), end=end.isoformat()))
    language = args.get("lang") or None
    if language is not None and language not in LANGUAGES:
        raise PageError(t("Unknown language “{language}”; accepted: {accepted}.",
                          language=language, accepted=", ".join(LANGUAGES)))
    customer = None
    if args.get("customer") or need_customer:
        customer = pages.customer_key()
    return StatementRequest(customer, kind, start, end, language)


def _with_balance(analysis: Analysis, pages: Pages, end: datetime.date) -> list[str]:
    """The customers with a balance at `end` (those Fava's account filter leaves), by name."""
    allowed = pages.scope.customers
    return [key for key in customers_with_balance(analysis.settlement(end))
            if allowed is None or key in allowed]


def _render(analysis: Analysis, request: StatementRequest, customers: Iterable[str] | None,
            fmt: str, warnings: list[str] | None = None) -> list[tuple[str, bytes]]:
    return list(render_statements(
        analysis.entries, analysis.options, customers=customers, kind=request.kind,
        start=request.start, end=request.end, fmt=fmt, language=request.language,
        settlement=analysis.settlement(request.end), warnings=warnings, workers=1))


def statement_file(analysis: Analysis, pages: Pages, fmt: str) -> tuple[str, bytes]:
    """(file name, content) of the requested customer's statement, as ``pdf`` or ``html``.
    DocumentError or PageError when it cannot be made."""
    request = read_request(pages, need_customer=True)
    [(name, content)] = _render(analysis, request, [request.customer or ""], fmt)
    return name, content


def statements_archive(analysis: Analysis, pages: Pages) -> tuple[str, bytes]:
    """(file name, content) of the ZIP of the PDF statements of every customer with a balance
    at the statement date."""
    request = read_request(pages, need_customer=False)
    keys = _with_balance(analysis, pages, request.end)
    if not keys:
        raise PageError(pages.t("No customer has a balance on {date}: there is no statement to "
                                "send.", date=request.end.isoformat()), 404)
    content = statements_zip(
        analysis.entries, analysis.options, customers=keys, kind=request.kind,
        start=request.start, end=request.end, language=request.language,
        settlement=analysis.settlement(request.end))
    return f"statements-{request.kind}-{request.end.isoformat()}.zip", content


def statements_page(analysis: Analysis, pages: Pages) -> dict[str, Any]:
    """The body of the Statements page (see the module docstring)."""
    ui, t, links = pages.ui, pages.t, pages.links
    request = read_request(pages, need_customer=False)
    keys = _with_balance(analysis, pages, request.end)
    report = analysis.aging(request.end, pages.settings.aging_by, pages.settings.buckets,
                            pages.scope.customers)
    balances: dict[str, list[str]] = {}
    for row in report.rows:
        balances.setdefault(row.customer, []).append(ui.amount(row.total, row.currency))
    customers = pages.book.customers
    own = request.params(customer=False)
    rows = [{"key": key, "name": customers[key].name, "account": customers[key].account,
             "balance": balances.get(key, []),
             "url": links.view("statements", customer=key, **own),
             "customer_url": pages.customer_url(key),
             "pdf": links.endpoint("statement_pdf", customer=key, **own)}
            for key in keys]
    body: dict[str, Any] = {
        "request": request,
        "type": request.kind,
        "from": request.start.isoformat(),
        "to": request.end.isoformat(),
        "lang": request.language or "",
        "types": [{"value": ACTIVITY, "label": t("Activity (balance forward)")},
                  {"value": OPEN_ITEMS, "label": t("Open items")}],
        "languages": [{"value": "", "label": t("The customer's language")},
                      {"value": "fr", "label": "Français"}, {"value": "en", "label": "English"}],
        "customers": [{"key": key, "name": customers[key].name}
                      for key in pages.customer_keys()],
        "rows": rows,
        "zip": links.endpoint("statements_zip", **own) if rows else None,
        "zip_text": t("Download the {count} statements (ZIP of PDFs)", count=len(rows)),
        "zip_busy": t.n("Making {count} statement…", "Making {count} statements…", len(rows)),
        "zip_done": t.n("Done: the ZIP of {count} statement is downloaded.",
                        "Done: the ZIP of {count} statements is downloaded.", len(rows)),
        "zip_failed": t("The ZIP could not be made: {message}", message="{message}"),
        "period": (t("Activity from {begin} to {end}", begin=request.start.isoformat(),
                     end=request.end.isoformat()) if request.kind == ACTIVITY else
                   t("Open items on {date}", date=request.end.isoformat())),
        "customer": None,
    }
    if request.customer is not None:
        key = request.customer
        warnings: list[str] = []
        preview, error = None, None
        try:
            [(_, content)] = _render(analysis, request, [key], "html", warnings)
            preview = as_sheet(content.decode("utf-8"))
        except DocumentError as exc:
            error = str(exc)
        params = request.params()
        body["customer"] = {
            "key": key, "name": customers[key].name, "url": pages.customer_url(key),
            "pdf": links.endpoint("statement_pdf", **params),
            "html": links.endpoint("statement_html", **params),
            "preview": preview, "error": error, "warnings": warnings,
            "all": links.view("statements", **own),
        }
    return body
