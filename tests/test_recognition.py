"""Invoices and payments recognised by the conventions real ledgers keep (links, numbers in
narrations, localised account names, shared accounts), through Beancount's loader."""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal

from beancount import loader
from beancount.core import data

from beancount_ar.core.allocation import settle
from beancount_ar.core.book import read_book
from beancount_ar.core.config import config_from_options, parse_config
from beancount_ar.core.recognition import LINK, NARRATION, Recogniser, suggest_pattern
from beancount_ar.core.report import invoice_rows

D = Decimal


def load(text: str):
    return loader.load_string(textwrap.dedent(text))


def table(entries, options_map, as_of):
    """{invoice: (customer name, due, open, status)} as of a date."""
    config, _ = config_from_options(options_map)
    book, _ = read_book(entries, config)
    day = datetime.date.fromisoformat(as_of)
    return {r.invoice: (r.customer_name, r.due, r.open, r.status)
            for r in invoice_rows(settle(book, day), day)}


def messages(errors):
    return [e.message for e in errors]


# Beancount's documentation (Language Syntax, "Links"): one receivable account, the customer in
# the payee, invoice and payment tied by a link, no metadata.
LINKS_ONLY = """
plugin "beancount_ar" "{'receivable_root': 'Assets:AccountsReceivable'}"
2014-01-01 open Assets:AccountsReceivable
2014-01-01 open Assets:BofA:Checking
2014-01-01 open Income:Clients:PepeStudios
2014-01-01 open Income:Clients:Acme

2014-02-05 * "Pepe Studios" "Invoice for January" ^invoice-pepe-studios-jan14
  Income:Clients:PepeStudios   -8450.00 USD
  Assets:AccountsReceivable

2014-02-10 * "Acme" "Invoice for design work" ^invoice-acme-feb14
  terms: "net 15"
  Income:Clients:Acme          -1000.00 USD
  Assets:AccountsReceivable

2014-02-20 * "Check deposit - payment from Pepe" ^invoice-pepe-studios-jan14
  Assets:BofA:Checking          8450.00 USD
  Assets:AccountsReceivable
"""


def test_links_on_a_shared_account_with_payees_are_invoices_with_terms():
    entries, errors, options = load(LINKS_ONLY)
    assert errors == []
    pepe, acme = "invoice-pepe-studios-jan14", "invoice-acme-feb14"
    day0 = table(entries, options, "2014-02-05")
    # Not overdue the day it is issued: due 30 days later (the default terms).
    assert day0 == {pepe: ("Pepe Studios", datetime.date(2014, 3, 7), D("8450.00"), "open")}
    mid = table(entries, options, "2014-02-20")
    assert mid[pepe] == ("Pepe Studios", datetime.date(2014, 3, 7), 0, "paid")
    assert mid[acme] == ("Acme", datetime.date(2014, 2, 25), D("1000.00"), "open")
    late = table(entries, options, "2014-03-01")
    assert late[acme][2:] == (D("1000.00"), "overdue")
    # The plugin says on the invoice what it recognised, for queries and Fava.
    invoice = next(e for e in entries if isinstance(e, data.Transaction) and acme in e.links)
    assert (invoice.meta["invoice"], invoice.meta["ar_recognised"]) == (acme, LINK)
    assert invoice.meta["due"] == datetime.date(2014, 2, 25)


def test_a_payment_without_payee_belongs_to_the_customer_of_the_invoice_it_links():
    entries, _, options = load(LINKS_ONLY)
    config, _ = config_from_options(options)
    book, _ = read_book(entries, config)
    assert sorted(c.name for c in book.customers.values()) == ["Acme", "Pepe Studios"]


def test_a_debit_linked_to_an_existing_invoice_is_not_a_new_invoice():
    entries, errors, options = load(LINKS_ONLY + """
2014-02-25 * "Pepe Studios" "Cheque bounced" ^invoice-pepe-studios-jan14
  Assets:BofA:Checking         -8450.00 USD
  Assets:AccountsReceivable
""")
    assert errors == []
    config, _ = config_from_options(options)
    book, _ = read_book(entries, config)
    assert set(book.invoices) == {"invoice-pepe-studios-jan14", "invoice-acme-feb14"}
    state = settle(book)
    debits = [s for s in state.items if s.item.kind == "debit"]
    assert [(s.item.amount, s.open) for s in debits] == [(D("8450.00"), D("8450.00"))]


def test_invoice_links_off_reads_linked_debits_as_plain_debits():
    entries, errors, options = load(LINKS_ONLY.replace(
        "'receivable_root'", "'invoice_links': False, 'receivable_root'"))
    config, _ = config_from_options(options)
    assert config.invoice_links is False
    book, _ = read_book(entries, config)
    assert book.invoices == {}


def test_several_links_the_one_matching_the_pattern_is_the_number():
    entries, errors, options = load("""
plugin "beancount_ar" "{'invoice_pattern': 'INV-[0-9]+'}"
2024-01-01 open Assets:Receivable:Acme
2024-01-01 open Assets:Bank
2024-01-01 open Income:Sales
2024-03-01 * "Acme" "Project X, March" ^project-x ^INV-12
  Assets:Receivable:Acme   500.00 USD
  Income:Sales
2024-03-02 * "Acme" "Project X, extra" ^project-x
  Assets:Receivable:Acme   100.00 USD
  Income:Sales
""")
    assert errors == []
    config, _ = config_from_options(options)
    book, _ = read_book(entries, config)
    # the second debit carries a link of an invoice: it is not an invoice of its own
    assert list(book.invoices) == ["INV-12"] and book.rules == {"INV-12": LINK}


# A Quebec freelancer's ledger (CompteQC): French root names, one receivable account, the
# invoice number only in the narration.
FRENCH_CONFIG = ("{'receivable_root': 'Actifs:ComptesClients', 'default_terms': '30 jours', "
                 "'invoice_pattern': '(?i)facture ([0-9]{4}-[0-9]{3})'}")
FRENCH = """
option "name_assets" "Actifs"
option "name_liabilities" "Passifs"
option "name_equity" "Capitaux"
option "name_income" "Revenus"
option "name_expenses" "Depenses"
plugin "beancount_ar" "CONFIG"
2024-01-01 open Actifs:ComptesClients CAD
2024-01-01 open Actifs:Banque CAD
2024-01-01 open Revenus:Ventes CAD
2024-01-01 open Passifs:TPS CAD

2024-03-01 * "Groupe Laval" "Facture 2024-017 - Groupe Laval"
  Actifs:ComptesClients       1149.75 CAD
  Revenus:Ventes             -1000.00 CAD
  Passifs:TPS                 -149.75 CAD

2024-03-05 * "Studio Nord" "Facture 2024-018 - Studio Nord"
  terms: "15 jours"
  Actifs:ComptesClients        500.00 CAD
  Revenus:Ventes

2024-03-20 * "Studio Nord" "Facture 2024-019 - Studio Nord"
  Actifs:ComptesClients        300.00 CAD
  Revenus:Ventes

2024-03-25 * "Studio Nord" "Paiement facture 2024-019"
  Actifs:Banque                300.00 CAD
  Actifs:ComptesClients

2024-04-02 * "Groupe Laval" "Virement"
  Actifs:Banque               1149.75 CAD
  Actifs:ComptesClients
""".replace("CONFIG", FRENCH_CONFIG)


def test_numbers_in_narrations_with_french_root_names():
    entries, errors, options = load(FRENCH)
    assert errors == []
    march = table(entries, options, "2024-03-22")
    assert march == {
        "2024-017": ("Groupe Laval", datetime.date(2024, 3, 31), D("1149.75"), "open"),
        "2024-018": ("Studio Nord", datetime.date(2024, 3, 20), D("500.00"), "overdue"),
        "2024-019": ("Studio Nord", datetime.date(2024, 4, 19), D("300.00"), "open"),
    }
    april = table(entries, options, "2024-04-05")
    # The payment quoting 2024-019 pays it, not the older 2024-018.
    assert april["2024-019"][2:] == (0, "paid")
    assert april["2024-018"][2:] == (D("500.00"), "overdue")
    assert april["2024-017"][2:] == (0, "paid")  # oldest first: the only one open


def test_the_default_receivable_root_follows_the_localised_assets_name():
    entries, errors, options = load("""
option "name_assets" "Actifs"
option "name_income" "Revenus"
plugin "beancount_ar"
2024-01-01 open Actifs:Receivable:Laval
2024-01-01 open Revenus:Ventes
2024-03-01 * "Laval" "Travaux" ^F-1
  Actifs:Receivable:Laval   100.00 CAD
  Revenus:Ventes
""")
    assert errors == []
    config, _ = config_from_options(options)
    assert config.receivable_root == "Actifs:Receivable"
    assert table(entries, options, "2024-03-01")["F-1"][1] == datetime.date(2024, 3, 31)


# Per-customer accounts, payments imported from the bank with the reference in the narration.
BANK = """
plugin "beancount_ar" "{'receivable_root': 'Assets:AccountsReceivable', 'invoice_pattern': 'PAT'}"
2025-01-01 open Assets:AccountsReceivable:Acme
  customer: "ACME SA"
  terms: "30 jours"
2025-01-01 open Assets:AccountsReceivable:Boreal
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Income:Sales

2025-01-10 * "ACME SA" "Facture F-2025-001"
  Assets:AccountsReceivable:Acme     1200.00 EUR
  Income:Sales
2025-01-20 * "ACME SA" "Facture F-2025-002"
  Assets:AccountsReceivable:Acme      800.00 EUR
  Income:Sales
2025-01-25 * "Boreal" "Facture F-2025-003"
  Assets:AccountsReceivable:Boreal    300.00 EUR
  Income:Sales
2025-02-15 * "VIR SEPA ACME SA" "VIR SEPA ACME SA REGLEMENT FACT F-2025-002"
  Assets:Bank:Checking                800.00 EUR
  Assets:AccountsReceivable:Acme
2025-02-20 * "VIR SEPA BOREAL" "VIR SEPA BOREAL REF F-2025-001"
  Assets:Bank:Checking                300.00 EUR
  Assets:AccountsReceivable:Boreal
""".replace("PAT", "(F-[0-9]{4}-[0-9]{3})")


def test_per_customer_accounts_with_bank_imported_payments():
    entries, errors, options = load(BANK)
    assert errors == []
    before = table(entries, options, "2025-02-10")
    assert before["F-2025-001"] == ("ACME SA", datetime.date(2025, 2, 9), D("1200.00"),
                                    "overdue")
    assert before["F-2025-002"][1:] == (datetime.date(2025, 2, 19), D("800.00"), "open")
    after = table(entries, options, "2025-02-28")
    assert after["F-2025-002"][2:] == (0, "paid")  # by the number in the narration
    assert after["F-2025-001"][2:] == (D("1200.00"), "overdue")
    # Boreal's payment quotes another customer's invoice: no error, oldest first.
    assert after["F-2025-003"][2:] == (0, "paid")


def test_adding_the_recognised_number_as_metadata_changes_nothing():
    plain, errors, options = load(FRENCH)
    narration = '"Facture 2024-017 - Groupe Laval"'
    explicit = FRENCH.replace(narration, narration + '\n  invoice: "2024-017"')
    tagged, errors2, options2 = load(explicit)
    assert errors == errors2 == []
    for day in ("2024-03-01", "2024-03-22", "2024-04-05"):
        assert table(plain, options, day) == table(tagged, options2, day)


def test_recognised_invoices_are_never_errors_but_metadata_ones_are():
    entries, errors, _ = load("""
plugin "beancount_ar" "{'invoice_pattern': 'F-[0-9]+'}"
2024-01-01 open Assets:Receivable:A
2024-01-01 open Assets:Receivable:B
2024-01-01 open Income:Sales
2024-03-01 * "A" "F-1"
  Assets:Receivable:A   100.00 EUR
  Income:Sales
2024-03-02 * "A" "F-1 again, re-billed"
  Assets:Receivable:A    10.00 EUR
  Income:Sales
2024-03-03 * "A and B" "F-2"
  Assets:Receivable:A    10.00 EUR
  Assets:Receivable:B    10.00 EUR
  Income:Sales
""")
    assert errors == []


def test_a_bad_invoice_pattern_is_an_error_at_the_plugin_line(tmp_path):
    path = tmp_path / "main.beancount"
    path.write_text(textwrap.dedent("""
        2024-01-01 open Income:Sales
        plugin "beancount_ar" "{'invoice_pattern': 'facture ([0-9]+'}"
    """))
    _, errors, _ = loader.load_file(str(path))
    assert len(errors) == 1
    assert errors[0].source["lineno"] == 3
    assert "invoice_pattern" in errors[0].message and "not a valid regular expression" in (
        errors[0].message)
    config, problems = parse_config("{'invoice_pattern': '.*'}")
    assert config.invoice_pattern is None and "empty text" in problems[0]
    config, problems = parse_config("{'invoice_links': 'yes'}")
    assert config.invoice_links is True and "True or False" in problems[0]


def test_recogniser_rules():
    config, _ = parse_config("{'invoice_pattern': '(?i)facture ([0-9]{4}-[0-9]{3})'}")
    recogniser = Recogniser(config)
    assert recogniser.number_in("Facture 2024-017 - Laval") == "2024-017"
    assert recogniser.numbers_in("factures 2024-001 et facture 2024-002", "Facture 2024-001") \
        == ["2024-002", "2024-001"]
    entry = data.Transaction({}, datetime.date(2024, 1, 1), "*", None, "Facture 2024-003",
                             data.EMPTY_SET, data.EMPTY_SET, [])
    assert recogniser.invoice_number(entry, lambda name: False) == ("2024-003", NARRATION)
    assert recogniser.invoice_number(entry, lambda name: True)[0] is None
    assert suggest_pattern(["Facture 2024-017 - Laval", "Payment for INV-12",
                            "facture 2024-018"]) == "(?i)([0-9]{4}-[0-9]+)"
    assert suggest_pattern(["Invoice 12", "invoice #13"]) == "(?i)invoice ([0-9]+)"


def test_shared_account_customer_is_customer_metadata_else_payee():
    entries, errors, options = load("""
plugin "beancount_ar"
2024-01-01 open Assets:Receivable
2024-01-01 open Assets:Bank
2024-01-01 open Income:Sales
2024-03-01 * "Atelier Nord" "Travaux" ^A-1
  customer: "Atelier Nord SARL"
  Assets:Receivable   100.00 EUR
  Income:Sales
2024-03-02 * "Studio Sud" "Travaux" ^S-1
  Assets:Receivable   200.00 EUR
  Income:Sales
2024-03-10 * "VIR SEPA ATELIER NORD" "Virement" ^A-1
  Assets:Bank   100.00 EUR
  Assets:Receivable
2024-03-11 * "Studio Sud" "Acompte"
  Assets:Bank    50.00 EUR
  Assets:Receivable
""")
    assert errors == []
    assert table(entries, options, "2024-03-20") == {
        "A-1": ("Atelier Nord SARL", datetime.date(2024, 3, 31), 0, "paid"),
        "S-1": ("Studio Sud", datetime.date(2024, 4, 1), D("150.00"), "open"),
    }
    config, _ = config_from_options(options)
    book, _ = read_book(entries, config)
    assert sorted(c.name for c in book.customers.values()) == ["Atelier Nord SARL", "Studio Sud"]


def test_without_payee_the_customer_is_the_client_income_account():
    # Beancount's documentation exactly: no payee, income per client.
    entries, errors, options = load("""
plugin "beancount_ar" "{'receivable_root': 'Assets:AccountsReceivable'}"
2014-01-01 open Assets:AccountsReceivable
2014-01-01 open Assets:BofA:Checking
2014-01-01 open Income:Clients:PepeStudios
2014-02-05 * "Invoice for January" ^invoice-pepe-studios-jan14
  Income:Clients:PepeStudios   -8450.00 USD
  Assets:AccountsReceivable
2014-02-20 * "Check deposit - payment from Pepe" ^invoice-pepe-studios-jan14
  Assets:BofA:Checking          8450.00 USD
  Assets:AccountsReceivable
2014-02-21 * "Check deposit, no reference"
  Assets:BofA:Checking           100.00 USD
  Assets:AccountsReceivable
""")
    assert [e.message for e in errors] == [
        "Assets:AccountsReceivable is a shared receivable account: say whose posting this is "
        "with customer: metadata or a payee"]  # the last one: nothing says whose it is
    assert table(entries, options, "2014-02-20") == {
        "invoice-pepe-studios-jan14": ("PepeStudios", datetime.date(2014, 3, 7), 0, "paid")}


def test_a_number_in_the_payee_names_the_invoice_paid():
    entries, errors, options = load("""
plugin "beancount_ar" "{'invoice_pattern': 'INV-[0-9]+'}"
2024-01-01 open Assets:Receivable:Acme
2024-01-01 open Assets:Bank
2024-01-01 open Income:Sales
2024-03-01 * "Acme" "Consulting" ^INV-11
  Assets:Receivable:Acme   100.00 USD
  Income:Sales
2024-03-05 * "Acme" "Consulting" ^INV-12
  Assets:Receivable:Acme   250.00 USD
  Income:Sales
2024-03-20 * "Payment for INV-12" "Wire"
  Assets:Bank              250.00 USD
  Assets:Receivable:Acme
""")
    assert errors == []
    got = table(entries, options, "2024-03-20")
    assert (got["INV-12"][2:], got["INV-11"][2:]) == ((0, "paid"), (D("100.00"), "open"))
