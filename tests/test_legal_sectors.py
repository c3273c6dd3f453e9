"""``legal: 'FR'`` with a customer's ``sector:``: the maximum terms of L441-11 II."""

from __future__ import annotations

from datetime import date

import pytest

from beancount_ar.core.terms import FRENCH_SECTORS, french_limit, french_sector
from tests.conftest import load


@pytest.mark.parametrize("sector, invoice_date, limit, article", [
    ("perishable-food", date(2025, 3, 10), date(2025, 4, 9), "L441-11 II 1°"),
    ("live-cattle", date(2025, 3, 10), date(2025, 3, 30), "L441-11 II 2°"),
    ("excise-alcohol", date(2025, 2, 10), date(2025, 3, 30), "L441-11 II 3°"),  # 02-28 + 30
    ("excise-alcohol", date(2025, 3, 31), date(2025, 4, 30), "L441-11 II 3°"),
    ("road-transport", date(2025, 3, 10), date(2025, 4, 9), "L441-11 II 5°"),
])
def test_sector_limits(sector, invoice_date, limit, article):
    found = french_limit(invoice_date, sector)
    assert found.date == limit
    assert article in found.rule and "Code de commerce" in found.rule


def test_sector_names():
    assert set(FRENCH_SECTORS) == {"perishable-food", "live-cattle", "excise-alcohol",
                                   "road-transport"}
    assert french_sector("Freight forwarding") == "road-transport"
    assert french_sector("perishable_food") == "perishable-food"
    assert french_sector("bakery") is None and french_sector(3) is None
    assert french_limit(date(2025, 1, 15)).date == date(2025, 3, 31)  # the general rule


def ledger(sector: str) -> str:
    return f"""
    2024-01-01 open Assets:Receivable:Primeur EUR
      customer: "Primeur SA"
      sector: "{sector}"
    2025-03-10 * "Primeur" "Fruits" ^F-1
      invoice: "F-1"
      terms: "45 jours"
      Assets:Receivable:Primeur   100.00 EUR
      Income:Sales
    2025-03-10 * "Primeur" "Fruits" ^F-2
      invoice: "F-2"
      terms: "30 jours"
      Assets:Receivable:Primeur   100.00 EUR
      Income:Sales
    """


def messages(errors):
    return [" ".join(str(e.message).split()) for e in errors]


def test_legal_fr_applies_the_customer_sector_and_cites_the_article():
    _, errors, _ = load(ledger("perishable-food"), config="{'legal': 'FR'}")
    assert messages(errors) == [
        "F-1: due 2025-04-24 is beyond the French legal maximum (2025-04-09: 30 days after "
        "delivery for perishable food, Code de commerce L441-11 II 1°); shorten the terms"]


def test_without_legal_fr_the_sector_is_not_checked():
    _, errors, _ = load(ledger("perishable-food"), config="{'default_terms': 'net 30'}")
    assert errors == []


def test_an_unknown_sector_is_reported_at_the_open():
    _, errors, _ = load(ledger("bakery"), config="{'legal': 'FR'}")
    (message,) = messages(errors)
    assert message.startswith("Assets:Receivable:Primeur: sector 'bakery' is not a sector")
    assert "'perishable-food', 'live-cattle', 'excise-alcohol', 'road-transport'" in message
    assert errors[0].source["lineno"] > 0
