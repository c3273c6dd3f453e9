"""beancount-ar: accounts receivable for Beancount and Fava.

Add the invoice plugin to a ledger with one line::

    plugin "beancount_ar" "{'default_terms': 'net 30'}"

`beancount_ar.core` holds the rules (terms, matching, aging...), pure functions over immutable
records; `beancount_ar.plugins` adapts them to Beancount, `beancount_ar.cli` is ``bean-ar``.
"""

import datetime

from beancount_ar.plugins.invoices import ar_invoices

# The day this version is released (set with the version in pyproject.toml). The shipped rate
# tables (beancount_ar/data) must know the rates of this day's half-year:
# tests/test_rates_current.py fails otherwise, so a release cannot ship stale tables unnoticed.
RELEASE_DATE = datetime.date(2026, 12, 1)

__plugins__ = ("ar_invoices",)
__all__ = ["RELEASE_DATE", "ar_invoices"]
