"""The Invoices page: every item - invoice, instalment, late-payment charge, other debit - with
its kind, status and open amount, filtered, sorted and paged.

Which items it keeps and how it sorts them is the core's rule (`beancount_ar.core.selection`),
the same as ``bean-ar invoices`` and a customer's open items: the open total of the page for a
customer, or for an aging cell's bucket, is that cell's amount. With

    2026-01-15 * "Dupont" "Facture" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   1200.00 EUR
      Income:Sales

``?view=invoices&customer=Assets:Receivable:Dupont&status=unpaid&kind=invoice,penalty`` lists
F-1 and any late-payment charge on it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from beancount_ar.core import aging as aging_lib
from beancount_ar.core.allocation import STATUSES
from beancount_ar.core.money import ZERO
from beancount_ar.core.report import rows_of
from beancount_ar.core.selection import (
    KINDS,
    SORT_KEYS,
    UNPAID,
    ItemQuery,
    Listed,
    parse_kinds,
    parse_statuses,
    select,
)
from beancount_ar.serialize import invoice_record
from fava_ar_extension.page import PageBase, PageError

FILTERS = ("status", "kind", "customer", "currency", "from", "to", "bucket", "by", "sort",
           "order")


class InvoicesPage(PageBase):
    """``?view=invoices`` and its JSON endpoint."""

    def query(self) -> ItemQuery:
        """The request's filters as the core's query; PageError names a bad parameter."""
        args, scope, t = self.args, self.scope, self.t
        try:
            statuses = parse_statuses(args.get("status"))
        except ValueError:
            raise PageError(t("Unknown status “{status}”; accepted: {accepted}.",
                              status=args.get("status"),
                              accepted=", ".join((UNPAID, *STATUSES)))) from None
        try:
            kinds = parse_kinds(args.get("kind"))
        except ValueError:
            raise PageError(t("Unknown kind “{kind}”; accepted: {accepted}.",
                              kind=args.get("kind"), accepted=", ".join(KINDS))) from None
        customers = scope.customers
        if args.get("customer"):
            key = self.customer_key()
            customers = frozenset({key})
        text = args.get("bucket", "")
        buckets = None
        if text:
            try:
                buckets = frozenset(int(part) for part in text.split(","))
            except ValueError:
                raise PageError(f"bucket={text!r}: expected bucket numbers such as 0 or "
                                "1,2") from None
        return ItemQuery(customers=customers, currency=args.get("currency") or None,
                         kinds=kinds, statuses=statuses, begin=self.date_arg("from"),
                         end=self.date_arg("to"), buckets=buckets, by=self.by(),
                         limits=self.settings.buckets)

    def sort(self) -> tuple[str, str]:
        sort = self.args.get("sort") or "date"
        if sort not in SORT_KEYS:
            raise PageError(f"sort={sort!r}: expected one of {', '.join(SORT_KEYS)}")
        order = self.args.get("order") or ("desc" if sort == "date" else "asc")
        if order not in ("asc", "desc"):
            raise PageError(f"order={order!r}: expected 'asc' or 'desc'")
        return sort, order

    def selected(self) -> list[Listed]:
        """The items the request's filters keep, sorted as asked (the core's selection)."""
        sort, order = self.sort()
        as_of = self.scope.as_of
        return select(self.analysis.listed(as_of), self.query(), as_of, sort, order == "desc")

    def invoices(self) -> dict[str, Any]:
        ui, t, links, args = self.ui, self.t, self.links, self.args
        listed = self.selected()
        size = self.settings.page_size
        pages = max(1, -(-len(listed) // size))
        try:
            page = min(max(1, int(args.get("page") or 1)), pages)
        except ValueError:
            raise PageError(f"page={args.get('page')!r}: expected a page number") from None
        as_of = self.scope.as_of
        shown = rows_of(listed[(page - 1) * size: page * size], self.analysis.settlement(as_of),
                        as_of)
        kept = {k: v for k, v in args.items() if k in FILTERS}

        def url(**changes: Any) -> str:
            return links.view("invoices", **{**kept, **changes})

        sort, order = self.sort()
        headers = {}
        for key in SORT_KEYS:
            next_order = "desc" if key == sort and order == "asc" else "asc"
            headers[key] = {"url": url(sort=key, order=next_order, page=None),
                            "active": order if key == sort else ""}
        totals: dict[str, list[Decimal]] = {}
        for entry in listed:
            total = totals.setdefault(entry.item.currency, [ZERO, ZERO, Decimal(0)])
            total[0] += entry.item.amount
            total[1] += entry.state.open
            total[2] += 1
        filters = []
        if args.get("from") or args.get("to"):
            filters.append(t("Dated from {begin} to {end}", begin=args.get("from") or "…",
                             end=args.get("to") or "…"))
        query = self.query()
        if query.buckets is not None:
            labels = aging_lib.bucket_labels(self.settings.buckets, self.by())
            names = [ui.bucket(labels[i]) for i in sorted(query.buckets)
                     if 0 <= i < len(labels)]
            filters.append(t("In the bucket “{bucket}”", bucket=", ".join(names)))
        customers = [{"key": key, "name": self.book.customers[key].name}
                     for key in self.customer_keys()]
        status_options = [{"value": "", "label": t("All")},
                          {"value": UNPAID, "label": t("Unpaid (open and overdue)")}]
        status_options += [{"value": s, "label": t(s)} for s in STATUSES]
        kind_options = [{"value": "", "label": t("All kinds")}]
        kind_options += [{"value": k, "label": t(k)} for k in KINDS]
        return {
            "rows": [self.invoice_view(row) for row in shown],
            "has_discounts": any(row.discount for row in shown),
            "has_penalties": any(row.penalties for row in shown),
            "count": t.n("{count} row", "{count} rows", len(listed)),
            "total_rows": len(listed),
            "complete": pages == 1,
            "page": page, "pages": pages,
            "page_label": t("Page {page} of {pages}", page=page, pages=pages),
            "previous": url(page=page - 1) if page > 1 else None,
            "next": url(page=page + 1) if page < pages else None,
            "headers": headers,
            "status": args.get("status", ""), "status_options": status_options,
            "kind": args.get("kind", ""), "kind_options": kind_options,
            "customer": args.get("customer", ""), "customers": customers,
            "currency": args.get("currency", ""), "currencies": self.analysis.currencies(),
            "filters": filters,
            "reset": links.view("invoices"),
            "totals": [{"currency": c, "amount": ui.money(v[0], c), "open": ui.money(v[1], c),
                        "count": int(v[2])} for c, v in sorted(totals.items())],
            "json": links.endpoint("invoices", **dict(kept)),
        }

    def invoices_json(self) -> list[dict[str, Any]]:
        as_of = self.scope.as_of
        return [invoice_record(row) for row in
                rows_of(self.selected(), self.analysis.settlement(as_of), as_of)]
