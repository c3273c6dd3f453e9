"""`core.charges`: what documents state a late payment costs, from the ledger's penalties policy."""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal

from beancount import loader

from beancount_ar.core.charges import (
    FRENCH_LAW,
    FROM_PLUGIN,
    NONE,
    item_indemnity,
    ledger_charges,
    stated_charges,
)

D = Decimal
AS_OF = datetime.date(2026, 11, 23)


def ledger(plugin: str | None, body: str = "") -> tuple[list, dict]:
    line = f'plugin "beancount_ar.penalties" "{plugin}"' if plugin else ""
    text = textwrap.dedent(f"""
        plugin "beancount_ar" "{{'default_terms': 'net 30'}}"
        {line}
        2020-01-01 open Income:Sales
        2020-01-01 open Income:Penalties
        2020-01-01 open Assets:Receivable:Dupont
        2020-01-01 open Assets:Receivable:Waived
          penalties: FALSE
        2020-01-01 open Assets:Receivable:Special
          penalty_rate: 15
          penalty_indemnity: 60.00 EUR
          penalty_grace_days: 5
    """) + textwrap.dedent(body)
    entries, errors, options = loader.load_string(text)
    assert errors == [], errors
    return entries, options


FR = "{'regime': 'FR', 'account': 'Income:Penalties', 'as_of': '2026-11-23'}"


def test_french_regime_states_ecb_plus_ten_and_40_eur():
    policy = ledger_charges(*ledger(FR))
    assert policy.origin == FROM_PLUGIN
    stated = stated_charges(policy, AS_OF, account="Assets:Receivable:Dupont")
    assert stated.applies and stated.regime == "FR" and stated.period == "2026 H2"
    assert stated.rate == D("12.40")
    assert (stated.quote.reference, stated.quote.reference_rate, stated.quote.margin) == \
        ("ECB", D("2.40"), D(10))
    assert stated.indemnity == D(40) and stated.law == "Code de commerce L441-10"
    earlier = stated_charges(policy, datetime.date(2026, 3, 1), account="Assets:Receivable:Dupont")
    assert earlier.rate == D("12.15")


def test_waiver_and_overrides_of_the_customer_and_the_invoice():
    policy = ledger_charges(*ledger(FR))
    waived = stated_charges(policy, AS_OF, account="Assets:Receivable:Waived")
    assert not waived.applies and waived.waived
    special = stated_charges(policy, AS_OF, account="Assets:Receivable:Special")
    assert special.rate == D(15) and special.contractual
    assert special.indemnity == D(60) and special.grace_days == 5

    class Invoice:  # an invoice entry's metadata
        meta = {"penalties": True, "penalty_indemnity": D(0)}
    on_invoice = stated_charges(policy, AS_OF, account="Assets:Receivable:Waived",
                                invoice=Invoice())
    assert on_invoice.applies and on_invoice.indemnity == 0


def test_uk_bands_by_the_size_of_the_debt():
    policy = ledger_charges(*ledger("{'regime': 'UK', 'account': 'Income:Penalties'}"))
    fees = [stated_charges(policy, AS_OF, account="Assets:Receivable:Dupont", currency="GBP",
                           amount=D(amount)).indemnity for amount in ("999.99", "1000", "10000")]
    assert fees == [D(40), D(70), D(100)]
    stated = stated_charges(policy, AS_OF, account="Assets:Receivable:Dupont", currency="GBP",
                            due=datetime.date(2026, 8, 1))
    assert stated.uk_bands and stated.rate == D("11.75")  # Bank Rate 3.75 on 2026-06-30 + 8
    assert stated_charges(policy, AS_OF, account="Assets:Receivable:Dupont",
                          currency="EUR").indemnity == 0  # no GBP band for a EUR debt


def test_fixed_regime_has_no_indemnity_unless_configured():
    fixed = ledger_charges(*ledger(
        "{'regime': 'fixed', 'rate': 11, 'account': 'Income:Penalties'}"))
    stated = stated_charges(fixed, AS_OF, account="Assets:Receivable:Dupont")
    assert stated.rate == D(11) and stated.indemnity == 0
    fee = ledger_charges(*ledger(
        "{'regime': 'fixed', 'rate': 11, 'indemnity': 25, 'account': 'Income:Penalties'}"))
    assert stated_charges(fee, AS_OF, account="Assets:Receivable:Dupont").indemnity == D(25)


def test_without_the_plugin_french_law_is_assumed_only_for_a_french_company():
    entries, options = ledger(None)
    none = ledger_charges(entries, options)  # no ar-company: not known to be French
    assert none.origin == NONE and not stated_charges(none, AS_OF).applies
    company, _, _ = loader.load_string(
        '2025-01-01 custom "ar-company" "{\'name\': \'A\', \'country\': \'FR\'}"')
    assert ledger_charges(entries + company, options).origin == FRENCH_LAW
    french = ledger_charges(entries, options, french_company=True)
    assert french.origin == FRENCH_LAW and french.assumed and "French law" in french.note
    stated = stated_charges(french, AS_OF, account="Assets:Receivable:Dupont")
    assert stated.rate == D("12.40") and stated.indemnity == D(40)


def test_a_period_the_tables_do_not_know_names_the_directive():
    policy = ledger_charges(*ledger(FR))
    stated = stated_charges(policy, datetime.date(2027, 2, 1), account="Assets:Receivable:Dupont")
    assert stated.applies and stated.rate is None
    assert '2027-01-01 custom "ar-rate" "ECB" <rate in percent>' in stated.missing


def test_the_stated_indemnity_is_what_the_plugin_posts():
    """Late invoices of every kind of customer: each posted indemnity equals item_indemnity."""
    body = """
    2026-01-05 * "Dupont" "Facture" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   500.00 EUR
      Income:Sales
    2026-01-05 * "Special" "Facture" ^F-2
      invoice: "F-2"
      Assets:Receivable:Special   500.00 EUR
      Income:Sales
    2026-01-05 * "Waived" "Facture" ^F-3
      invoice: "F-3"
      Assets:Receivable:Waived   500.00 EUR
      Income:Sales
    2026-01-05 * "Dupont" "Facture" ^F-4
      invoice: "F-4"
      penalty_indemnity: 0
      Assets:Receivable:Dupont   500.00 EUR
      Income:Sales
    """
    entries, options = ledger(FR, body)
    policy = ledger_charges(entries, options)
    posted: dict[str, Decimal] = {}
    for entry in entries:
        if "ar-penalty" in getattr(entry, "tags", ()):
            invoice = next(iter(entry.links))
            # the indemnity is in the narration's "recovery indemnity 40.00 EUR"
            if "recovery indemnity" in entry.narration:
                fee = entry.narration.split("recovery indemnity ")[1].split(" ")[0]
                posted[invoice] = posted.get(invoice, D(0)) + D(fee)
    invoices = {e.meta["invoice"]: e for e in entries if "invoice" in getattr(e, "meta", {})
                and getattr(e, "postings", None) and "ar-penalty" not in e.tags}
    accounts = {"F-1": "Assets:Receivable:Dupont", "F-2": "Assets:Receivable:Special",
                "F-3": "Assets:Receivable:Waived", "F-4": "Assets:Receivable:Dupont"}
    stated = {number: item_indemnity(policy, account=accounts[number], invoice=invoices[number],
                                     currency="EUR", amount=D(500)) for number in accounts}
    assert stated == {"F-1": D(40), "F-2": D(60), "F-3": D(0), "F-4": D(0)}
    assert {k: posted.get(k, D(0)) for k in stated} == stated
