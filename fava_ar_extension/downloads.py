"""CSV and XLSX downloads of the Receivables pages' tables, with the page's filters.

Every table page links to ``export?table=<view>&format=csv|xlsx`` followed by the page's own
parameters (and Fava's filters), so the file holds the rows the page selects, in its order:

- ``aging``: the aged receivables (the page's ``by``, buckets and account filter), with one
  total line per currency;
- ``customers``: one line per customer and currency, as on the Customers page;
- ``invoices``: the items the Invoices page selects (`InvoicesPage.selected`, the core's
  `selection`), all pages of it, in its sort;
- ``customer``: a customer's open items (``&customer=...``).

The CSV follows the page's language (``;`` and a decimal comma in French); the XLSX has numbers
and dates as such. The layout is `beancount_ar.render.exports`; this module only picks the rows.
For example ``export?table=invoices&format=xlsx&status=overdue&time=2026`` is the workbook of
the overdue items as of the end of 2026.
"""

from __future__ import annotations

from collections.abc import Mapping

from beancount_ar.core.report import rows_of
from beancount_ar.render import exports
from fava_ar_extension.page import Links, PageError
from fava_ar_extension.pages import Pages

TABLES = ("aging", "customers", "invoices", "customer")
# Parameters of the pages that choose their rows (Fava's filters are kept by `Links`).
KEPT = ("customer", "status", "kind", "currency", "from", "to", "bucket", "by", "sort", "order")


def export_links(links: Links, view: str, args: Mapping[str, str]) -> list[dict[str, str]]:
    """The CSV and XLSX links of a page (none for a page without a table to export)."""
    if view not in TABLES:
        return []
    kept = {k: v for k, v in args.items() if k in KEPT and v}
    return [{"format": fmt, "label": fmt.upper(),
             "url": links.endpoint("export", table=view, format=fmt, **kept)}
            for fmt in exports.FORMATS]


def export_file(pages: Pages, lang: str, incognito: bool = False) -> tuple[str, bytes, str]:
    """(file name, content, mimetype) of the table ``?table=`` in ``?format=``; PageError
    names a bad parameter, or says that Fava hides its amounts (``--incognito``)."""
    args, t = pages.args, pages.t
    if incognito:
        raise PageError(t("Fava hides the amounts (--incognito): nothing is exported."), 403)
    table_name = args.get("table", "")
    fmt = args.get("format", "")
    if table_name not in TABLES:
        raise PageError(f"table={table_name!r}: expected one of {', '.join(TABLES)}")
    if fmt not in exports.FORMATS:
        raise PageError(f"format={fmt!r}: expected one of {', '.join(exports.FORMATS)}")
    dialect = exports.dialect_for(lang)
    scope = pages.scope
    as_of = scope.as_of
    name = table_name
    if table_name == "aging":
        report = pages.analysis.aging(as_of, pages.by(), pages.settings.buckets,
                                      scope.customers)
        table = exports.aging_table(report, [pages.ui.bucket(label) for label in report.labels],
                                    translate=t)
    elif table_name == "customers":
        table = exports.customers_table(pages.profiles(), pages.book.customers,
                                        pages.customer_keys(), translate=t)
    elif table_name == "invoices":
        rows = rows_of(pages.selected(), pages.analysis.settlement(as_of), as_of)
        table = exports.invoices_table(rows, translate=t, dialect=dialect)
    else:
        key = pages.customer_key()
        rows = [row for row in pages.analysis.rows(as_of, key) if row.open != 0]
        table = exports.invoices_table(rows, translate=t, dialect=dialect)
        table.title = "Open items"
        name = "open-items-" + "".join(c if c.isalnum() else "-" for c in key.split(":")[-1])
    content, mimetype, extension = exports.export([table], fmt, dialect, translate=t)
    return f"{name}-{as_of.isoformat()}.{extension}", content, mimetype

