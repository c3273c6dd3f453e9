"""Invoices rendered for real: Factur-X PDF/A-3 read back with pypdf, the embedded XML parsed,
checked against the library's EN 16931 schema and compared with the ledger; the CLI."""

from __future__ import annotations

import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from beancount import loader
from facturx import xml_check_xsd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from pypdf import PdfReader

from beancount_ar import cli
from beancount_ar.render.documents import DocumentError
from beancount_ar.render.invoice import (
    invoice_html,
    invoice_pdf,
    invoice_xml,
    prepare_invoices,
    split_address,
)

D = Decimal
NS = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
      "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
      "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}

LEDGER = """
plugin "beancount_ar" "{'legal': 'FR', 'default_terms': '30 jours'}"
plugin "beancount_ar.penalties" "{'regime': 'FR', 'account': 'Income:Penalties', 'as_of': '2025-01-01'}"
2025-01-01 custom "ar-company" "{'name': 'Atelier Lumière SARL', 'country': 'FR'}"
  address: "5 rue de la Charité, 69002 Lyon"
  legal_form: "SARL au capital de 20 000 €"
  registration: "RCS Lyon 732 829 320"
  siren: "732 829 320"
  vat: "FR44732829320"
  iban: "FR76 3000 6000 0112 3456 7890 189"
  bic: "BNPAFRPPXXX"
2025-01-01 custom "ar-invoicing" "{'vat': {'Liabilities:VAT:Standard': 20, 'Liabilities:VAT:Intermediate': 10, 'Liabilities:VAT:Reduced': 5.5}, 'goods': ['Income:Goods'], 'vat_on_debits': True}"
2025-01-01 open Assets:Receivable:Dupont EUR
  customer: "Boulangerie <b>Dupont</b> SARL"
  address: "12 rue des Lilas, 69003 Lyon"
  siren: "552 100 554"
  vat: "FR88552100554"
  terms: "2/10 net 30"
  delivery_address: "Boutique, 3 place Bellecour, 69002 Lyon"
2025-01-01 open Assets:Receivable:Brighton USD
  customer: "Brighton Design Inc."
  address: "12 Ship Street, Brighton BN1 1AD"
  country: "GB"
  language: "en"
  vat_exemption: "Exonération de TVA, article 262 I du CGI (exportation)"
2025-01-01 open Income:Goods
2025-01-01 open Income:Services
2025-01-01 open Income:Export
2025-01-01 open Income:Penalties
2025-01-01 open Liabilities:Deposits
2025-01-01 open Liabilities:VAT:Standard
2025-01-01 open Liabilities:VAT:Intermediate
2025-01-01 open Liabilities:VAT:Reduced
2025-01-01 open Assets:Bank

2025-01-10 * "Dupont" "Luminaires" ^F-1
  invoice: "F-1"
  Assets:Receivable:Dupont   1200.00 EUR
  Income:Goods   -1000.00 EUR
    description: "Suspensions LED"
    quantity: 4
  Liabilities:VAT:Standard  -200.00 EUR

2025-01-11 * "Dupont" "Maintenance" ^F-2
  invoice: "F-2"
  Assets:Receivable:Dupont   660.00 EUR
  Income:Services   -600.00 EUR
    quantity: 8
    unit: "HUR"
  Liabilities:VAT:Intermediate  -60.00 EUR

2025-01-12 * "Dupont" "Vitrine et pose" ^F-3
  invoice: "F-3"
  delivery_date: 2025-01-09
  Assets:Receivable:Dupont   1381.00 EUR
  Income:Goods   -800.00 EUR
    vat_rate: 20
  Income:Services   -200.00 EUR
    vat_rate: 5.5
  Income:Services   -200.00 EUR
    vat_rate: 10
  Liabilities:VAT:Standard  -160.00 EUR
  Liabilities:VAT:Reduced   -11.00 EUR
  Liabilities:VAT:Intermediate  -20.00 EUR
  Liabilities:VAT:Standard  -190.00 EUR
  Income:Goods   -950.00 EUR
    vat_rate: 20
    description: "Four"

2025-01-13 * "Brighton" "Lighting design" ^F-4
  invoice: "F-4"
  Assets:Receivable:Brighton   2150.00 USD
  Income:Export  -2150.00 USD
    vat_category: "G"

2025-01-14 * "Dupont" "Acompte 30 % vitrine" ^F-5
  invoice: "F-5"
  invoice_type: "deposit"
  terms: "à réception"
  Assets:Receivable:Dupont   360.00 EUR
  Liabilities:Deposits  -300.00 EUR
  Liabilities:VAT:Standard  -60.00 EUR

2025-01-20 * "Dupont" "Avoir : une suspension rendue" ^F-1
  credit_note: "AV-1"
  Assets:Receivable:Dupont   -300.00 EUR
  Income:Goods   250.00 EUR
    description: "Suspension LED rendue"
  Liabilities:VAT:Standard   50.00 EUR
"""  # noqa: E501

EXPECTED = {  # number: (type, net, vat, total, {rate: (base, amount)})
    "F-1": ("380", "1000.00", "200.00", "1200.00", {"20": ("1000.00", "200.00")}),
    "F-2": ("380", "600.00", "60.00", "660.00", {"10": ("600.00", "60.00")}),
    "F-3": ("380", "2150.00", "381.00", "2531.00", {"20": ("1750.00", "350.00"),
                                                     "10": ("200.00", "20.00"),
                                                     "5.5": ("200.00", "11.00")}),
    "F-4": ("380", "2150.00", "0.00", "2150.00", {"0": ("2150.00", "0.00")}),
    "F-5": ("386", "300.00", "60.00", "360.00", {"20": ("300.00", "60.00")}),
    "AV-1": ("381", "250.00", "50.00", "300.00", {"20": ("250.00", "50.00")}),
}


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    path = tmp_path_factory.mktemp("ledger") / "main.beancount"
    path.write_text(LEDGER.replace("1381.00 EUR", "2531.00 EUR"), encoding="utf-8")
    entries, errors, options = loader.load_file(str(path))
    assert errors == [], [e.message for e in errors]
    return path, entries, options


@pytest.fixture(scope="module")
def pdfs(ledger):
    _, entries, options = ledger
    job = prepare_invoices(entries, options)
    return job, {n: invoice_pdf(job, job.document(n)) for n in EXPECTED}


def one(node, path):
    found = node.xpath(path, namespaces=NS)
    assert len(found) == 1, path
    return found[0].text


def check_xml(xml: bytes, number: str, entries) -> etree._Element:
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    root = etree.fromstring(xml)
    kind, net, vat, total, taxes = EXPECTED[number]
    settle = "//ram:ApplicableHeaderTradeSettlement"
    sums = settle + "/ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
    assert one(root, "//rsm:ExchangedDocument/ram:ID") == number
    assert one(root, "//rsm:ExchangedDocument/ram:TypeCode") == kind
    assert one(root, sums + "ram:LineTotalAmount") == net
    assert one(root, sums + "ram:TaxBasisTotalAmount") == net
    assert one(root, sums + "ram:TaxTotalAmount") == vat
    assert one(root, sums + "ram:GrandTotalAmount") == total
    assert one(root, sums + "ram:DuePayableAmount") == total
    breakdown = {
        one(t, "ram:RateApplicablePercent"): (one(t, "ram:BasisAmount"),
                                              one(t, "ram:CalculatedAmount"))
        for t in root.xpath(settle + "/ram:ApplicableTradeTax", namespaces=NS)}
    assert breakdown == taxes
    lines = root.xpath("//ram:IncludedSupplyChainTradeLineItem", namespaces=NS)
    assert sum(D(one(line, ".//ram:LineTotalAmount")) for line in lines) == D(net)
    assert one(root, "//ram:SellerTradeParty/ram:Name") == "Atelier Lumière SARL"
    assert one(root, "//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == \
        "732829320"
    assert one(root, "//ram:SellerTradeParty//ram:PostcodeCode") == "69002"
    return root


@pytest.mark.parametrize("number", list(EXPECTED))
def test_pdf_embeds_valid_factur_x_matching_the_ledger(pdfs, ledger, number):
    job, rendered = pdfs
    reader = PdfReader(io.BytesIO(rendered[number]))
    assert list(reader.attachments) == ["factur-x.xml"]
    xml = reader.attachments["factur-x.xml"][0]
    root = check_xml(xml, number, ledger[1])
    text = " ".join(page.extract_text() for page in reader.pages)
    assert number in text
    metadata = reader.xmp_metadata
    assert metadata is not None and metadata.pdfaid_part == "3"
    document = job.document(number)
    if document.due and not document.is_credit_note:
        assert one(root, "//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/"
                         "udt:DateTimeString") == document.due.strftime("%Y%m%d")
        terms = {"F-1": "2/10 net 30", "F-2": "2/10 net 30", "F-3": "2/10 net 30",
                 "F-4": "30 jours", "F-5": "à réception"}[number]
        assert one(root, "//ram:SpecifiedTradePaymentTerms/ram:Description") == terms
        assert one(root, "//ram:SpecifiedTradeSettlementPaymentMeans/"
                         "ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == \
            "FR7630006000011234567890189"
    buyer = "Brighton Design Inc." if number == "F-4" else "Boulangerie <b>Dupont</b> SARL"
    assert one(root, "//ram:BuyerTradeParty/ram:Name") == buyer
    if number != "F-4":
        assert one(root, "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == \
            "552100554"
        assert one(root, "//ram:BuyerTradeParty//ram:ID[@schemeID='VA']") == "FR88552100554"
    else:
        assert one(root, "//ram:BuyerTradeParty//ram:CountryID") == "GB"


def test_french_page_mentions(pdfs):
    _, rendered = pdfs
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(rendered["F-3"])).pages)
    flat = " ".join(text.split())
    for mention in ("Facture", "SIREN 552100554", "FR88552100554", "Total HT", "Total TTC",
                    "2 531,00", "TVA 5,5 %", "Livraison de biens et prestation de services",
                    "Adresse de livraison", "40,00 €",
                    "des pénalités de retard au taux de 13,15 % (taux de refinancement de la "
                    "Banque centrale européenne de 3,15 % majoré de 10 points)",
                    "Escompte de 2 %", "d'après les débits", "SARL au capital de 20 000",
                    "Boulangerie <b>Dupont</b> SARL", "9 janvier 2025", "FR76 3000"):
        assert mention in flat, mention


def test_english_export_credit_note_and_deposit(pdfs):
    _, rendered = pdfs
    text = " ".join(PdfReader(io.BytesIO(rendered["F-4"])).pages[0].extract_text().split())
    assert "Invoice" in text and "262 I du CGI" in text and "Supply of services" in text
    assert "$2,150.00" in text
    xml = PdfReader(io.BytesIO(rendered["F-4"])).attachments["factur-x.xml"][0]
    root = etree.fromstring(xml)
    assert one(root, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"
                     "ram:CategoryCode") == "G"
    assert "262 I" in one(root, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"
                                "ram:ExemptionReason")
    note = PdfReader(io.BytesIO(rendered["AV-1"]))
    root = etree.fromstring(note.attachments["factur-x.xml"][0])
    assert one(root, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == "F-1"
    assert "Avoir" in note.pages[0].extract_text()
    deposit = " ".join(PdfReader(io.BytesIO(rendered["F-5"])).pages[0].extract_text().split())
    assert "Facture d'acompte" in deposit


def test_html_escapes_ledger_text(ledger):
    _, entries, options = ledger
    job = prepare_invoices(entries, options)
    html = invoice_html(job, job.document("F-1"))
    assert "Boulangerie &lt;b&gt;Dupont&lt;/b&gt; SARL" in html
    assert "<b>Dupont" not in html
    xml = invoice_xml(job, job.document("F-1"))
    assert b"Boulangerie &lt;b&gt;Dupont&lt;/b&gt; SARL" in xml


def test_split_address():
    assert split_address("5 rue de la Charité, 69002 Lyon", "FR") == {
        "country_code": "FR", "addr_l1": "5 rue de la Charité", "postcode": "69002",
        "city": "Lyon"}
    assert split_address("12 Ship Street, Brighton BN1 1AD", "GB")["postcode"] == "BN1 1AD"
    assert split_address(None, None) == {"country_code": "FR"}


# -- the CLI ---------------------------------------------------------------------------------


def test_cli_writes_pdf_xml_html_and_batch(ledger, tmp_path, capsys):
    path = str(ledger[0])
    out = tmp_path / "F-1.pdf"
    assert cli.main(["invoice", path, "F-1", "-o", str(out)]) == 0
    assert "factur-x.xml" in PdfReader(str(out)).attachments
    assert cli.main(["invoice", path, "F-2", "-o", str(tmp_path / "f2.xml")]) == 0
    assert xml_check_xsd((tmp_path / "f2.xml").read_bytes(), flavor="factur-x",
                         level="en16931")
    batch = tmp_path / "batch"
    assert cli.main(["invoice", path, "--all", "--from", "2025-01-12", "--to", "2025-01-14",
                     "--format", "html", "-o", str(batch)]) == 0
    assert sorted(p.name for p in batch.iterdir()) == ["F-3.html", "F-4.html", "F-5.html"]
    assert "wrote 3 documents" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["F-99"], "F-99: no invoice or credit note of that number"),
    ([], "give invoice numbers, or --all"),
    (["F-1", "--from", "2025-01-01"], "--from and --to select the invoices of --all"),
    (["--all", "--from", "2025-13-01"], "--from '2025-13-01': expected a date"),
])
def test_cli_bad_input_is_one_line(ledger, tmp_path, capsys, args, message):
    assert cli.main(["invoice", str(ledger[0]), *args, "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def test_cli_document_error_names_file_and_line(tmp_path, capsys):
    path = tmp_path / "bad.beancount"
    path.write_text(LEDGER.replace("1381.00 EUR", "2531.00 EUR").replace(
        "  Liabilities:VAT:Intermediate  -60.00 EUR\n", ""), encoding="utf-8")
    assert cli.main(["invoice", str(path), "F-2", "--ignore-errors", "-o",
                     str(tmp_path / "x.pdf")]) == 1
    err = capsys.readouterr().err
    assert f"{path}:" in err and "F-2: line 1 (Income:Services): no VAT posting" in err
    with pytest.raises(DocumentError):
        entries, _, options = loader.load_file(str(path))
        job = prepare_invoices(entries, options)
        job.document("F-2")


# -- property: XML totals equal the ledger to the cent ---------------------------------------

RATES = [D(20), D(10), D("5.5"), D("2.1")]


@st.composite
def invoices(draw):
    lines = draw(st.lists(st.tuples(st.integers(1, 10_000_00), st.sampled_from(RATES + [D(0)]),
                                    st.integers(1, 50)), min_size=1, max_size=6))
    terms = draw(st.sampled_from(["net 30", "2/10 net 30", "3% 15 days, net 45",
                                  "30 % à réception ; 70 % 30 jours"]))
    return lines, terms


def _half_up(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(invoices())
def test_generated_invoices_keep_xml_totals_equal_to_the_ledger(case):
    lines, terms = case
    accounts = {D(20): "Standard", D(10): "Intermediate", D("5.5"): "Reduced",
                D("2.1"): "Super"}
    postings, bases = [], {}
    for cents, rate, quantity in lines:
        net = _half_up(D(cents) / 100 * quantity)
        bases[rate] = bases.get(rate, D(0)) + net
        meta = f"\n    quantity: {quantity}\n    vat_rate: {rate}"
        if rate == 0:
            meta += '\n    vat_exemption: "Exonération, article 261 CGI"'
        postings.append(f"  Income:Services  -{net} EUR{meta}")
    vat = {rate: _half_up(base * rate / 100) for rate, base in bases.items() if rate}
    for rate, amount in vat.items():
        if amount:
            postings.append(f"  Liabilities:VAT:{accounts[rate]}  -{amount} EUR")
    total = sum(bases.values()) + sum(vat.values())
    text = (LEDGER.split("\n2025-01-10")[0].replace(
        "'Liabilities:VAT:Reduced': 5.5}", "'Liabilities:VAT:Reduced': 5.5, "
        "'Liabilities:VAT:Super': 2.1}") + "\n2025-01-01 open Liabilities:VAT:Super\n"
        f'2025-02-01 * "Dupont" "Generated" ^G-1\n  invoice: "G-1"\n  terms: "{terms}"\n'
        f"  Assets:Receivable:Dupont  {total} EUR\n" + "\n".join(postings) + "\n")
    entries, errors, options = loader.load_string(text)
    assert errors == [], [e.message for e in errors]
    job = prepare_invoices(entries, options)
    xml = invoice_xml(job, job.document("G-1"))
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    root = etree.fromstring(xml)
    sums = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
    assert D(one(root, sums + "ram:GrandTotalAmount")) == total
    assert D(one(root, sums + "ram:TaxBasisTotalAmount")) == sum(bases.values())
    assert D(one(root, sums + "ram:TaxTotalAmount")) == sum(vat.values())
    lines_total = sum(D(one(n, ".//ram:LineTotalAmount")) for n in root.xpath(
        "//ram:IncludedSupplyChainTradeLineItem", namespaces=NS))
    assert lines_total == sum(bases.values())
    for tax in root.xpath("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax",
                          namespaces=NS):
        rate = D(one(tax, "ram:RateApplicablePercent"))
        assert D(one(tax, "ram:BasisAmount")) == bases[rate]
        assert D(one(tax, "ram:CalculatedAmount")) == vat.get(rate, D(0))
    assert datetime.date(2025, 2, 1).strftime("%Y%m%d") in xml.decode()


def test_final_invoice_deducts_the_deposit_as_a_negative_line(ledger):
    _, entries, options = ledger
    text = LEDGER.replace("1381.00 EUR", "2531.00 EUR") + """
2025-02-10 * "Dupont" "Vitrine : solde" ^F-6
  invoice: "F-6"
  Assets:Receivable:Dupont   840.00 EUR
  Income:Goods   -1000.00 EUR
    description: "Vitrine réfrigérée"
  Liabilities:Deposits   300.00 EUR
    description: "Acompte facturé (F-5)"
  Liabilities:VAT:Standard  -140.00 EUR
"""
    entries, errors, options = loader.load_string(text)
    assert errors == [], [e.message for e in errors]
    job = prepare_invoices(entries, options)
    document = job.document("F-6")
    deposit = document.lines[1]
    assert (deposit.quantity, deposit.unit_price, deposit.net) == (-1, D("300.00"), D("-300.00"))
    xml = invoice_xml(job, document)
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    root = etree.fromstring(xml)
    sums = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
    assert (one(root, sums + "ram:TaxBasisTotalAmount"), one(root, sums + "ram:TaxTotalAmount"),
            one(root, sums + "ram:GrandTotalAmount")) == ("700.00", "140.00", "840.00")
