"""beancount-ar: accounts receivable for Beancount and Fava.

Add the invoice plugin to a ledger with one line::

    plugin "beancount_ar" "{'default_terms': 'net 30'}"

`beancount_ar.core` holds the rules (terms, matching, aging...), pure functions over immutable
records; `beancount_ar.plugins` adapts them to Beancount, `beancount_ar.cli` is ``bean-ar``.
"""

from beancount_ar.plugins.invoices import ar_invoices

__plugins__ = ("ar_invoices",)
__all__ = ["ar_invoices"]
