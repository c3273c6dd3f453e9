"""The example ledger issues its invoices as documents: every one is a valid Factur-X, the Fava
pages link to each invoice's PDF, and the figures quoted in docs/invoices.md are the ledger's."""

from __future__ import annotations

import html
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from facturx import xml_check_xsd
from lxml import etree
from pypdf import PdfReader

from beancount_ar.render.invoice import invoice_xml, prepare_invoices
from tests.fava_helpers import EXAMPLE, base, copy_example, make_app

ROOT = Path(__file__).resolve().parent.parent
RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"


@pytest.fixture(scope="module")
def job():
    entries, errors, options = loader.load_file(str(EXAMPLE / "main.beancount"))
    assert errors == []
    return prepare_invoices(entries, options)


def test_every_issued_invoice_and_credit_note_is_valid_factur_x(job):
    numbers = job.issued()
    assert len(numbers) > 150 and "AV-2025-001" in numbers
    assert "F-2024-117" not in numbers  # carried forward against Equity:Opening
    for number in numbers:
        document = job.document(number)
        xml = invoice_xml(job, document)
        assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
        root = etree.fromstring(xml)
        grand = root.find(f".//{RAM}GrandTotalAmount").text
        assert Decimal(grand) == document.total
        if number in job.book.invoices:
            assert document.total == job.book.invoices[number].amount


def test_several_rates_and_export(job):
    bellevue = job.document("F-2026-038")
    assert [(str(t.rate), str(t.base), str(t.amount)) for t in bellevue.taxes] == [
        ("20", "404.17", "80.83"), ("10", "1000.00", "100.00"), ("5.5", "1000.00", "55.00")]
    assert bellevue.total == Decimal("2640.00") and bellevue.nature == "mixed"
    export = job.document("F-2026-071")
    assert export.currency == "USD" and export.taxes[0].category == "G"
    assert "262 I" in export.taxes[0].exemption


def test_docs_quote_the_ledger(job):
    text = (ROOT / "docs" / "invoices.md").read_text(encoding="utf-8")
    assert "bean-ar invoice example-ledger/main.beancount F-2026-038" in text
    for figure in ("404.17 = 80.83", "1000.00 = 100.00", "1000.00 = 55.00", "2,640.00 EUR"):
        assert figure in text
    plain = job.document("F-2025-003")
    (line,) = plain.lines
    assert (line.quantity, line.unit_price, line.vat_rate, line.nature) == (
        1, Decimal("7430"), 20, "services")
    assert (plain.total_vat, plain.total) == (Decimal("1486.00"), Decimal("8916.00"))
    assert "7,430.00, VAT\n20 %" in text and "1,486.00; total 8,916.00" in text
    assert job.document("F-2025-001").nature == "mixed"
    note = job.document("AV-2025-001")
    assert note.referenced[0] == "F-2025-026" and note.total == Decimal("2160.00")


@pytest.fixture(scope="module")
def fava(tmp_path_factory):
    app = make_app(copy_example(tmp_path_factory.mktemp("ledger")))
    return app.test_client(), base(app)


def test_fava_invoices_page_links_each_invoice_pdf(fava):
    client, url = fava
    body = client.get(f"{url}?view=invoices&partial=true").get_data(as_text=True)
    links = [html.unescape(h) for h in re.findall(r'href="([^"]*invoice_pdf[^"]*)"', body)]
    assert links and any("number=F-2026-038" in link for link in links)
    assert re.search(r'ar-einvoice" title="e-invoicing">paid<', body)
    assert re.search(r'ar-einvoice" title="e-invoicing">made_available<', body)
    link = next(link for link in links if "number=F-2026-038" in link)
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert "factur-x.xml" in reader.attachments
    assert "2 640,00" in reader.pages[0].extract_text().replace("\u202f", " ")


def test_fava_customer_page_links_and_bad_number(fava):
    client, url = fava
    body = client.get(f"{url}?view=customer&customer=Assets:Receivable:RestaurantLeZinc"
                      "&partial=true").get_data(as_text=True)
    assert "invoice_pdf?number=F-2026-" in html.unescape(body)
    carried = client.get(f"{url}invoice_pdf?number=F-2024-117")
    assert carried.status_code == 422
    assert "it was not issued from this ledger" in carried.get_data(as_text=True)
    response = client.get(f"{url}invoice_pdf?number=<b>F-9</b>")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "no invoice or credit note of that number" in page and "<b>F-9" not in page


def test_cli_batch_of_pdfs_in_worker_processes(tmp_path, capsys):
    from beancount_ar import cli

    out = tmp_path / "q1"
    assert cli.main(["invoice", str(EXAMPLE / "main.beancount"), "--all", "--from",
                     "2026-01-01", "--to", "2026-02-28", "-o", str(out)]) == 0
    files = sorted(out.iterdir())
    assert len(files) >= 8  # enough for the process pool
    assert f"wrote {len(files)} documents" in capsys.readouterr().out
    for path in files:
        reader = PdfReader(str(path))
        xml = reader.attachments["factur-x.xml"][0]
        number = etree.fromstring(xml).find(
            "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}ExchangedDocument/"
            f"{RAM}ID").text
        assert number == path.stem and number in reader.pages[0].extract_text()


def test_fava_without_ar_invoicing_shows_no_pdf_link(tmp_path):
    main = copy_example(tmp_path)
    ar = tmp_path / "ar.beancount"
    text = ar.read_text(encoding="utf-8")
    assert 'custom "ar-invoicing"' in text
    ar.write_text(text.replace('custom "ar-invoicing"', 'custom "ar-invoicing-off"'),
                  encoding="utf-8")
    app = make_app(main)
    body = app.test_client().get(f"{base(app)}?view=invoices&partial=true").get_data(
        as_text=True)
    assert "ar-invoices-table" in body and "invoice_pdf" not in body


def test_einvoice_status_of_the_example(capsys):
    from beancount_ar import cli

    assert cli.main(["einvoice-status", str(EXAMPLE / "main.beancount"), "--since",
                     "2026-10-01", "--until", "2026-10-10", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[1].startswith("F-2026-059,Assets:Receivable:Divers/Brasserie du Parc,"
                              "Brasserie du Parc,2026-10-02,480.00,EUR,480.00,paid,")
    assert any(r.startswith("F-2026-061,") and ",made_available," in r for r in rows)
