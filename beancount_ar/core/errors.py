"""Errors reported by beancount-ar, in the form Beancount expects.

An error carries the metadata of the entry at fault as its `source`, so ``bean-check`` prints
``file:line: message`` and Fava lists it on its Errors page. Every message says what is wrong and
how to fix it. For example this invoice:

    2025-01-15 * "Client" "Facture" ^F-1
      invoice: "F-1"
      terms: "net trente"
      Assets:Receivable:Client   120.00 EUR
      Income:Sales

gives ``main.beancount:1: F-1: cannot read payment terms 'net trente': ...``.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class ARError(NamedTuple):
    """An invoice, payment, customer or configuration problem."""

    source: Any
    message: str
    entry: Any


class ConfigError(NamedTuple):
    """A malformed plugin or extension configuration."""

    source: Any
    message: str
    entry: Any


class OverpaymentError(NamedTuple):
    """A credit that names invoices and exceeds what they (and their penalties) still owe.

    Separate from ARError because late-payment charges posted by a later plugin can absorb the
    excess: the invoice plugin leaves this check to the penalties plugin when both run."""

    source: Any
    message: str
    entry: Any
