"""The floor of a load-time plugin: read every posting and one metadata key, change nothing.

    plugin "benchmarks.floor_plugin"
    2026-01-01 open Assets:Receivable:Dupont
    2026-03-02 * "Dupont" "Travaux"
      invoice: "F-1"
      Assets:Receivable:Dupont  120.00 EUR
      Income:Sales

The invoice plugin must at least look at every transaction's postings (which ones touch a
receivable account) and at its ``invoice:`` metadata. This plugin does only that, in a plain
Python loop, and returns the entries unchanged: the overhead it adds to a Beancount load is the
pure-Python floor the targets of `benchmarks/bench_table.py` are set against. Beancount's own
work around any plugin (calling it, sorting its entries again) is part of that floor too.
"""

from __future__ import annotations

from typing import Any

from beancount.core.data import Transaction

__plugins__ = ("floor",)

RECEIVABLE = "Assets:Receivable"


def floor(entries: list[Any], options_map: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """Read every posting's account and every transaction's ``invoice`` key; return the entries
    as they are (CPython does not optimise the loop away, the counts are simply dropped)."""
    invoices = receivable = 0
    for entry in entries:
        if type(entry) is not Transaction:
            continue
        if entry.meta.get("invoice") is not None:
            invoices += 1
        for posting in entry.postings:
            if posting.account.startswith(RECEIVABLE):
                receivable += 1
    del invoices, receivable
    return entries, []
