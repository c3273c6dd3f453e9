"""The pages of the extension's Receivables report, selected by ``?view=``:

- ``aging`` (the landing page, `aging_page`): open amounts per customer, currency and bucket,
  checked against the receivable accounts' balance, with the period's metrics;
- ``customers`` and ``customer`` (`customers_page`): every customer's balance, overdue amount,
  credit-limit use and risk; one customer's open items, history, behaviour and reminders;
- ``invoices`` (`invoices_page`): every item with its kind and status, filtered and sorted.

The Statements and Reminders pages are `statements_page` and `reminders_page`. What the pages
share (scope, links, errors) is `page`. With

    2026-01-01 custom "fava-extension" "fava_ar_extension"

``/<ledger>/extension/AccountsReceivable/?view=customers`` shows the Customers page.
"""

from __future__ import annotations

from fava_ar_extension.aging_page import AgingPage, figures_record
from fava_ar_extension.customers_page import CustomersPage, profile_record
from fava_ar_extension.invoices_page import InvoicesPage
from fava_ar_extension.page import Links, PageError, Scope

VIEWS = ("aging", "customers", "customer", "invoices")


class Pages(AgingPage, CustomersPage, InvoicesPage):
    """Builds the pages of one request: ``getattr(pages, view)()`` for each of VIEWS."""


__all__ = ["VIEWS", "Links", "PageError", "Pages", "Scope", "figures_record", "profile_record"]
