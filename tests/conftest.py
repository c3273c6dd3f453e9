"""Shared test helpers: ledgers are written inline, as in Beancount's own ``load_doc`` tests."""

from __future__ import annotations

import textwrap

import pytest
from beancount import loader

HEADER = """
plugin "beancount_ar" "{config}"
2024-01-01 open Assets:Bank EUR,USD
2024-01-01 open Income:Sales
2024-01-01 open Liabilities:VAT
2024-01-01 open Expenses:Discounts
2024-01-01 open Expenses:BadDebts
"""

DEFAULT_CONFIG = (
    "{'discount_account': 'Expenses:Discounts', 'writeoff_account': 'Expenses:BadDebts'}")


def ledger_text(body: str, config: str | None = DEFAULT_CONFIG, header: bool = True) -> str:
    """A ledger: the usual header (plugin line and common accounts) followed by `body`."""
    body = textwrap.dedent(body)
    if not header:
        return body
    head = HEADER.replace('"{config}"', f'"{config}"' if config is not None else "")
    if config is None:
        head = head.replace('plugin "beancount_ar" ""', 'plugin "beancount_ar"')
    return head + body


def load(body: str, config: str | None = DEFAULT_CONFIG, header: bool = True):
    """Load an inline ledger with the plugin; returns (entries, errors, options_map)."""
    return loader.load_string(ledger_text(body, config, header))


@pytest.fixture
def load_ledger():
    return load
