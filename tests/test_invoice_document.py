"""Invoice documents from the ledger: lines, VAT, credit notes, deposits, load-time checks."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount import loader

from beancount_ar.core.invoice_document import (
    DocumentProblem,
    find_document,
    numbering_gaps,
    read_invoicing,
)
from beancount_ar.core.subledger import subledger

D = Decimal

HEAD = """
plugin "beancount_ar" "{'legal': 'FR', 'default_terms': '2/10 net 30'}"
2025-01-01 custom "ar-company" "{'name': 'Atelier Lumière SARL', 'country': 'FR'}"
  address: "5 rue de la Charité, 69002 Lyon"
  legal_form: "SARL au capital de 20 000 €"
  siren: "732 829 320"
  vat: "FR44732829320"
  iban: "FR76 3000 6000 0112 3456 7890 189"
  bic: "BNPAFRPPXXX"
2025-01-01 open Assets:Receivable:Dupont EUR
  customer: "Boulangerie Dupont SARL"
  address: "12 rue des Lilas, 69003 Lyon"
  siren: "552 100 554"
  vat: "FR88552100554"
2025-01-01 open Assets:Receivable:Brighton USD
  customer: "Brighton Design Inc."
  address: "12 Ship Street, Brighton BN1 1AD"
  country: "GB"
  language: "en"
  vat_exemption: "Exonération de TVA, article 262 I du CGI (exportation)"
2025-01-01 open Income:Goods
2025-01-01 open Income:Services
2025-01-01 open Income:Export
2025-01-01 open Liabilities:Deposits
2025-01-01 open Liabilities:VAT:Standard
2025-01-01 open Liabilities:VAT:Reduced
2025-01-01 open Liabilities:VAT:Other
2025-01-01 open Assets:Bank
"""
SETTINGS = """
2025-01-01 custom "ar-invoicing" "{'vat': {'Liabilities:VAT:Standard': 20, 'Liabilities:VAT:Reduced': 5.5}, 'goods': ['Income:Goods']}"
"""  # noqa: E501

MIXED = """
2025-01-15 * "Dupont" "Four et installation" ^F-1
  invoice: "F-1"
  Assets:Receivable:Dupont   1171.00 EUR
  Income:Goods   -800.00 EUR
    quantity: 2
    vat_rate: 20
    description: "Four à sole"
  Income:Services  -200.00 EUR
    vat_rate: 5.5
    quantity: 4
    unit: "HUR"
  Liabilities:VAT:Standard  -160.00 EUR
  Liabilities:VAT:Reduced  -11.00 EUR
"""


def load(body: str, settings: str = SETTINGS):
    return loader.load_string(HEAD + settings + body)


def document(body: str, number: str, settings: str = SETTINGS):
    entries, errors, options = load(body, settings)
    book = subledger(entries, options).book
    return find_document(book, number, read_invoicing(entries)[0]), errors


def messages(errors) -> list[str]:
    return [e.message for e in errors]


def test_mixed_invoice_lines_and_taxes():
    doc, errors = document(MIXED, "F-1")
    assert errors == []
    assert doc.type_code == "380" and doc.nature == "mixed"
    goods, services = doc.lines
    assert (goods.description, goods.quantity, goods.unit_price, goods.net, goods.vat_rate,
            goods.nature) == ("Four à sole", 2, D("400.0000"), D("800.00"), 20, "goods")
    assert (services.unit, services.unit_price, services.vat_rate) == ("HUR", D("50.0000"),
                                                                       D("5.5"))
    assert [(t.rate, t.base, t.amount) for t in doc.taxes] == [
        (D(20), D("800.00"), D("160.00")), (D("5.5"), D("200.00"), D("11.00"))]
    assert (doc.total_net, doc.total_vat, doc.total) == (D("1000.00"), D("171.00"),
                                                         D("1171.00"))
    assert doc.due == datetime.date(2025, 2, 14)
    assert doc.discount_until == datetime.date(2025, 1, 25) and doc.discount == D("23.42")
    assert doc.buyer.siren == "552100554"


def test_ordinary_invoice_needs_no_metadata():
    doc, errors = document("""
2025-02-01 * "Dupont" "Maintenance du four" ^F-2
  invoice: "F-2"
  Assets:Receivable:Dupont   120.00 EUR
  Income:Services  -100.00 EUR
  Liabilities:VAT:Standard  -20.00 EUR
""", "F-2")
    assert errors == []
    (line,) = doc.lines
    assert (line.description, line.quantity, line.unit, line.unit_price) == (
        "Maintenance du four", 1, "C62", D("100.0000"))
    assert doc.nature == "services"


def test_export_without_vat_and_deposit_and_credit_note():
    doc, errors = document("""
2025-03-01 * "Brighton" "Lighting design" ^F-2
  invoice: "F-2"
  Assets:Receivable:Brighton   2150.00 USD
  Income:Export  -2150.00 USD
    vat_category: "G"
2025-03-02 * "Dupont" "Acompte 30 % commande vitrine" ^F-3
  invoice: "F-3"
  invoice_type: "deposit"
  Assets:Receivable:Dupont   360.00 EUR
  Liabilities:Deposits  -300.00 EUR
  Liabilities:VAT:Standard  -60.00 EUR
""" + MIXED + """
2025-03-05 * "Dupont" "Avoir : four rendu" ^F-1
  credit_note: "AV-1"
  Assets:Receivable:Dupont   -480.00 EUR
  Income:Goods   400.00 EUR
    quantity: 1
  Liabilities:VAT:Standard   80.00 EUR
""", "F-2")
    assert errors == []
    assert doc.currency == "USD" and doc.taxes[0].category == "G"
    assert doc.taxes[0].amount == 0 and "262 I" in doc.taxes[0].exemption
    entries, _, options = load("""
2025-03-02 * "Dupont" "Acompte" ^F-2
  invoice: "F-2"
  invoice_type: "deposit"
  Assets:Receivable:Dupont   360.00 EUR
  Liabilities:Deposits  -300.00 EUR
  Liabilities:VAT:Standard  -60.00 EUR
""" + MIXED + """
2025-03-05 * "Dupont" "Avoir : four rendu" ^F-1
  credit_note: "AV-1"
  Assets:Receivable:Dupont   -480.00 EUR
  Income:Goods   400.00 EUR
  Liabilities:VAT:Standard   80.00 EUR
""")
    book = subledger(entries, options).book
    settings = read_invoicing(entries)[0]
    deposit = find_document(book, "F-2", settings)
    assert deposit.type_code == "386" and deposit.total == D("360.00")
    note = find_document(book, "AV-1", settings)
    assert note.type_code == "381" and note.is_credit_note
    assert note.referenced == ("F-1", datetime.date(2025, 1, 15))
    assert (note.total_net, note.total_vat, note.total) == (D("400.00"), D("80.00"),
                                                            D("480.00"))
    assert note.lines[0].net == D("400.00")


def test_no_directive_no_document_and_no_error():
    entries, errors, options = load(MIXED + """
2025-02-01 * "Dupont" "Sans TVA" ^F-2
  invoice: "F-2"
  Assets:Receivable:Dupont   120.00 EUR
  Income:Services  -120.00 EUR
""", settings="")
    assert errors == []
    with pytest.raises(DocumentProblem, match="no ar-invoicing directive"):
        find_document(subledger(entries, options).book, "F-1", read_invoicing(entries)[0])


@pytest.mark.parametrize("body, expected", [
    ("""
2025-02-01 * "Dupont" "Sans TVA" ^F-2
  invoice: "F-2"
  Assets:Receivable:Dupont   120.00 EUR
  Income:Services  -120.00 EUR
""", "F-2: line 1 (Income:Services): no VAT posting to an account of the ar-invoicing"),
    ("""
2025-02-01 * "Dupont" "Mauvais taux" ^F-2
  invoice: "F-2"
  Assets:Receivable:Dupont   125.00 EUR
  Income:Services  -100.00 EUR
  Liabilities:VAT:Standard  -25.00 EUR
""", "F-2: VAT at 20 %: 25.00 EUR is booked, but 20 % of the lines at that rate (100.00 EUR)"
     " is 20.00 EUR"),
    ("""
2025-02-01 * "Dupont" "Deux taux" ^F-2
  invoice: "F-2"
  Assets:Receivable:Dupont   1171.00 EUR
  Income:Goods   -800.00 EUR
  Income:Services  -200.00 EUR
  Liabilities:VAT:Standard  -160.00 EUR
  Liabilities:VAT:Reduced  -11.00 EUR
""", "say which applies to this line with vat_rate"),
    ("""
2025-02-01 * "Dupont" "Quantités" ^F-2
  invoice: "F-2"
  Assets:Receivable:Dupont   120.00 EUR
  Income:Services  -100.00 EUR
    quantity: 3
    unit_price: 30
  Liabilities:VAT:Standard  -20.00 EUR
""", "quantity 3 x unit_price 30 = 90.00, but the posting is 100.00 EUR"),
])
def test_bad_invoices_are_errors_at_their_line(body, expected):
    _, errors, _ = load(body)
    assert errors and all(e.message.startswith("F-2: ") for e in errors), messages(errors)
    assert expected in errors[0].message
    assert errors[0].source["lineno"] > 0


def test_vat_within_the_standard_rounding_is_accepted():
    _, errors, _ = load("""
2025-02-01 * "Dupont" "Arrondis par ligne" ^F-2
  invoice: "F-2"
  Assets:Receivable:Dupont   120.99 EUR
  Income:Services  -100.00 EUR
  Liabilities:VAT:Standard  -20.99 EUR
""")
    assert errors == []
    _, errors, _ = load("""
2025-02-01 * "Dupont" "Arrondis par ligne" ^F-2
  invoice: "F-2"
  Assets:Receivable:Dupont   121.01 EUR
  Income:Services  -100.00 EUR
  Liabilities:VAT:Standard  -21.01 EUR
""")
    assert len(errors) == 1 and "VAT at 20 %" in errors[0].message


def test_french_mentions_missing_siren_and_gaps():
    text = HEAD.replace('  siren: "732 829 320"\n', "").replace(
        '  siren: "552 100 554"\n', "")
    entries, errors, _ = loader.load_string(text + SETTINGS + MIXED + """
2025-02-01 * "Dupont" "Maintenance" ^F-3
  invoice: "F-3"
  Assets:Receivable:Dupont   120.00 EUR
  Income:Services  -100.00 EUR
  Liabilities:VAT:Standard  -20.00 EUR
""")
    found = messages(errors)
    assert any("seller's SIREN" in m for m in found), found
    assert any("Boulangerie Dupont SARL: its invoices must state the buyer's SIREN" in m
               for m in found), found
    assert any(m.startswith("warning: F-3: numbers are missing in the sequence F-... after F-1")
               for m in found), found
    assert len(found) == 3


def test_carried_forward_invoice_is_not_a_document():
    _, errors, _ = load("""
2025-01-01 open Equity:Opening
2025-01-01 * "Dupont" "Reprise" ^F-2024-9
  invoice: "F-2024-9"
  Assets:Receivable:Dupont   1440.00 EUR
  Equity:Opening  -1440.00 EUR
""")
    assert errors == []


def test_bad_directive_is_an_error_and_the_load_goes_on():
    _, errors, _ = load(MIXED, settings="""
2025-01-01 custom "ar-invoicing" "{'vat': {'Liabilities:VAT:Standard': 'twenty'}}"
""")
    assert any("is not a VAT rate" in m for m in messages(errors))


def test_numbering_gaps():
    assert numbering_gaps(["F-2025-001", "F-2025-002", "F-2025-005", "AV-1", "AV-2"]) == [
        ("F-2025-", "F-2025-002", "F-2025-005")]


