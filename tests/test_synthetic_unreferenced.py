"""The synthetic benchmark ledger with one payment in ten stripped of its reference: no false
overpayment (a payment naming an invoice wins over an oldest-first match made before it)."""

from __future__ import annotations

import random
import re
from decimal import Decimal

from beancount import loader

from beancount_ar.core.aging import receivable_balances
from beancount_ar.core.money import ZERO
from beancount_ar.core.subledger import subledger
from benchmarks.generate import generate

PAYMENT = re.compile(r"Assets:Receivable\S*\s+-")


def unreferenced(text: str, share: float, seed: int) -> tuple[str, int]:
    """`text` with the links of a `share` of its payments removed; and how many."""
    rng = random.Random(seed)
    blocks = text.split("\n\n")
    stripped = 0
    for index, block in enumerate(blocks):
        head, _, rest = block.partition("\n")
        if (" ^" in head and "invoice:" not in block and "credit_note" not in block
                and "Assets:Bank" in block and "Expenses" not in block
                and PAYMENT.search(block) and rng.random() < share):
            blocks[index] = re.sub(r"\s\^\S+", "", head) + "\n" + rest
            stripped += 1
    return "\n\n".join(blocks), stripped


def test_unreferenced_payments_give_no_false_overpayment():
    text, stripped = unreferenced(generate(2000, 20, seed=1), 0.10, seed=7)
    assert stripped > 100
    entries, errors, options = loader.load_string(text)
    assert [e.message for e in errors] == []
    settlement = subledger(entries, options)
    owed: dict[str, Decimal] = {}
    for state in settlement.items:
        owed[state.item.currency] = owed.get(state.item.currency, ZERO) + state.open
    for credit in settlement.unapplied:
        owed[credit.credit.currency] = owed.get(credit.credit.currency, ZERO) - credit.amount
    assert owed == receivable_balances(entries, "Assets:Receivable")
