"""Statements of account in Fava, through Fava's own application (`create_app`, test client).

The ledger is a copy of example-ledger/ (Atelier Lumière SARL, its company details and 15
customers); "today" is pinned to 2026-11-23. Figures checked against `bean-ar aging` of the same
ledger: Restaurant Le Zinc owes 6,061.53 EUR (5,557.53 overdue, late-payment charges included,
504.00 not yet due), Brighton Design 12,050.00 USD, and 14 customers have a balance. PDFs are
read back with pypdf.
"""

from __future__ import annotations

import html
import io
import re
import zipfile

import pypdf
import pytest

from tests.fava_helpers import base, copy_example, make_app

ZINC = "Assets:Receivable:RestaurantLeZinc"
BRIGHTON = "Assets:Receivable:BrightonDesign"










@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(copy_example(tmp_path_factory.mktemp("ledger")))


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def url(app):
    return base(app)


def text_of(body: str) -> str:
    """The page's text: tags, styles and embedded documents removed, entities decoded."""
    body = re.sub(r"<style[^>]*>.*?</style>", " ", body, flags=re.S)
    body = re.sub(r'srcdoc="[^"]*"', " ", body)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def plain(text: str) -> str:
    """Spaces of every kind (French digit groups, no-break spaces) as one space."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def get_page(client, url: str, query: str, status: int = 200) -> str:
    response = client.get(f"{url}?{query}&partial=true")
    assert response.status_code == status
    return response.get_data(as_text=True)


def preview_of(body: str) -> str:
    """The document shown in the page's preview frame (its srcdoc, unescaped)."""
    match = re.search(r'<iframe class="ar-preview"[^>]*srcdoc="([^"]*)"', body)
    assert match, "no preview"
    return html.unescape(match.group(1))


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return plain("\n".join(page.extract_text() for page in reader.pages))


def statements_table(body: str) -> list[tuple[str, str]]:
    table = body.split('id="ar-statements-table"')[1].split("</table>")[0]
    rows = re.findall(r'<tr data-customer="([^"]+)">(.*?)</tr>', table, re.S)
    return [(html.unescape(key), text_of(row)) for key, row in rows]


# -- the page ------------------------------------------------------------------------------


def test_page_lists_customers_with_a_balance_and_the_default_period(client, url):
    body = get_page(client, url, "view=statements")
    text = text_of(body)
    # no time filter: the 12 months to today, activity statements
    assert "Statements of account Activity from 2025-11-24 to 2026-11-23" in text
    assert 'value="2025-11-24"' in body and 'value="2026-11-23"' in body
    rows = dict(statements_table(body))
    assert len(rows) == 14  # as bean-ar aging: every customer with a balance
    assert "Restaurant Le Zinc Assets:Receivable:RestaurantLeZinc 6,061.53 EUR" in rows[ZINC]
    assert "12,050.00 USD" in rows[BRIGHTON]
    assert "Assets:Receivable:BistrotMartin" not in rows  # written off: nothing owed
    assert "Download the 14 statements (ZIP of PDFs)" in text
    # the ZIP and the PDFs are downloads: data-remote, or Fava's router would swallow them
    assert re.search(r'<a href="[^"]*statements_zip\?type=activity&amp;from=2025-11-24&amp;'
                     r'to=2026-11-23[^"]*" data-remote', body)
    assert re.search(r'<a href="[^"]*statement_pdf\?customer=Assets%3AReceivable%3A'
                     r'RestaurantLeZinc[^"]*" data-remote>PDF</a>', body)
    assert re.search(r'<a href="[^"]*view=statements[^"]*" class="active" '
                     r'aria-current="page">Statements</a>', body)


def test_period_follows_fava_time_filter(client, url):
    body = get_page(client, url, "view=statements&time=2026-Q3")
    assert "Activity from 2026-07-01 to 2026-09-30" in text_of(body)
    rows = dict(statements_table(body))
    assert "Customers with a balance on 2026-09-30" in text_of(body)
    assert ZINC in rows
    # and explicit dates win over it
    body = get_page(client, url, "view=statements&time=2026-Q3&from=2026-01-01&to=2026-06-30")
    assert "Activity from 2026-01-01 to 2026-06-30" in text_of(body)


def test_preview_is_the_document_with_the_right_amounts(client, url):
    body = get_page(client, url, f"view=statements&customer={ZINC}")
    text = text_of(body)
    assert "Restaurant Le Zinc Download the PDF Open the HTML in a new tab" in text
    document = plain(preview_of(body))
    assert document.startswith("<!DOCTYPE html>")
    assert "<title>Relevé de compte – Restaurant Le Zinc – 23/11/2026</title>" in document
    # opening balance (the day before the period), closing balance, its split
    assert "Solde au 23/11/2025" in document and "4 046,52" in document
    assert "6 061,53 €" in document
    assert "5 557,53 €" in document and "504,00 €" in document  # overdue, not yet due
    # shown as a sheet, in a sandboxed frame without scripts
    assert '<style media="screen">' in document
    frame = re.search(r"<iframe [^>]*>", body).group(0)
    assert 'sandbox="allow-same-origin"' in frame and "allow-scripts" not in frame
    # the download links carry the same request
    pdf = re.search(r'<a href="([^"]+)" data-remote class="ar-button ar-pdf">', body).group(1)
    assert "statement_pdf?customer=Assets%3AReceivable%3ARestaurantLeZinc&amp;type=activity" \
           "&amp;from=2025-11-24&amp;to=2026-11-23" in pdf


def test_open_items_and_language(client, url):
    body = get_page(client, url, f"view=statements&customer={ZINC}&type=open&to=2026-11-23")
    assert "Open items on 2026-11-23" in text_of(body)
    document = plain(preview_of(body))
    assert "F-2026-050" in document and "6 061,53 €" in document
    assert "Solde au 23/11/2025" not in document  # no period, no opening balance
    english = plain(preview_of(get_page(
        client, url, f"view=statements&customer={ZINC}&type=open&lang=en")))
    assert "Statement of open items" in english and "€6,061.53" in english
    usd = plain(preview_of(get_page(client, url, f"view=statements&customer={BRIGHTON}")))
    assert "Brighton Design Inc." in usd and "US$12,050.00" in usd


def test_pdf_download_is_a_real_pdf(client, url):
    response = client.get(f"{url}statement_pdf?customer={ZINC}&type=activity"
                          "&from=2026-01-01&to=2026-11-23")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == \
        "attachment; filename=statement-RestaurantLeZinc-2026-11-23.pdf"
    assert response.data.startswith(b"%PDF-")
    text = pdf_text(response.data)
    assert "Restaurant Le Zinc" in text and "Relevé de compte" in text
    assert "6 061,53 €Solde dû au 23 novembre 2026" in text
    assert "Période du 01/01/2026 au 23/11/2026" in text
    english = pdf_text(client.get(f"{url}statement_pdf?customer={BRIGHTON}").data)
    assert "Brighton Design Inc." in english and "US$12,050.00" in english


def test_html_endpoint_is_the_document_locked_down(client, url):
    response = client.get(f"{url}statement_html?customer={ZINC}&type=open")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "6 061,53" in plain(response.get_data(as_text=True))


def test_zip_has_one_pdf_per_customer_with_a_balance(client, url):
    response = client.get(f"{url}statements_zip?type=open&to=2026-11-23")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == \
        "attachment; filename=statements-open-2026-11-23.zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert len(names) == 14 and len(set(names)) == 14
    assert all(n.startswith("statement-") and n.endswith("-2026-11-23.pdf") for n in names)
    assert "statement-RestaurantLeZinc-2026-11-23.pdf" in names
    assert "statement-SCI-Bellevue-2026-11-23.pdf" in names  # a customer of a shared account
    zinc = pdf_text(archive.read("statement-RestaurantLeZinc-2026-11-23.pdf"))
    assert "Restaurant Le Zinc" in zinc and "6 061,53 €" in zinc
    for name in names:
        assert pypdf.PdfReader(io.BytesIO(archive.read(name))).pages


def test_zip_follows_the_account_filter(client, url):
    response = client.get(f"{url}statements_zip?type=open&account=Assets:Receivable:R")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.namelist() == ["statement-RestaurantLeZinc-2026-11-23.pdf"]
    body = get_page(client, url, "view=statements&account=Assets:Receivable:R")
    assert [key for key, _ in statements_table(body)] == [ZINC]


def test_links_from_the_customer_pages(client, url):
    customer = get_page(client, url, f"view=customer&customer={ZINC}")
    link = re.search(r'<a href="([^"]+)" class="ar-statement-link">Statement</a>', customer)
    assert link and "view=statements&amp;customer=Assets%3AReceivable%3ARestaurantLeZinc" \
        in link.group(1)
    customers = get_page(client, url, "view=customers")
    row = re.search(r'<tr data-customer="Assets:Receivable:RestaurantLeZinc">(.*?)</tr>',
                    customers, re.S).group(1)
    assert re.search(r'href="[^"]*view=statements&amp;customer=Assets%3AReceivable%3A'
                     r'RestaurantLeZinc[^"]*" class="ar-icon-link ar-statement-link" '
                     r'title="Statement" aria-label="Statement of Restaurant Le Zinc"', row)


# -- what can go wrong ---------------------------------------------------------------------


def test_unknown_customer_is_a_page_saying_so(client, url):
    body = get_page(client, url, "view=statements&customer=Assets:Receivable:Nobody")
    assert "Unknown customer “Assets:Receivable:Nobody”." in text_of(body)
    assert 'role="alert"' in body
    for endpoint in ("statement_pdf", "statement_html"):
        response = client.get(f"{url}{endpoint}?customer=Assets:Receivable:Nobody")
        assert response.status_code == 404
        assert response.mimetype == "text/html"
        text = text_of(response.get_data(as_text=True))
        assert "This document cannot be made Unknown customer “Assets:Receivable:Nobody”." \
            in text
        assert "Back to the receivables" in text
    missing = client.get(f"{url}statement_pdf")
    assert missing.status_code == 400 and "Give a customer" in missing.get_data(as_text=True)


@pytest.mark.parametrize(("query", "message"), [
    ("type=monthly", "Unknown statement type “monthly”; accepted: open, activity."),
    ("from=yesterday", "“yesterday” is not a date such as 2026-11-23."),
    ("from=2026-06-01&to=2026-05-01", "The period starts on 2026-06-01, after its end "
                                      "2026-05-01."),
    ("lang=de", "Unknown language “de”; accepted: fr, en."),
])
def test_bad_parameters_say_so(client, url, query, message):
    assert message in text_of(get_page(client, url, f"view=statements&{query}"))
    response = client.get(f"{url}statement_pdf?customer={ZINC}&{query}")
    assert response.status_code == 400
    assert message in text_of(response.get_data(as_text=True))


def test_ledger_without_company_says_what_to_add(tmp_path):
    main = copy_example(tmp_path)
    ar = tmp_path / "ar.beancount"
    ar.write_text(ar.read_text(encoding="utf-8").replace('custom "ar-company"',
                                                          'custom "ar-company-old"'),
                  encoding="utf-8")
    app = make_app(main)
    client, url = app.test_client(), base(app)
    body = get_page(client, url, f"view=statements&customer={ZINC}")
    assert "The statement cannot be made: no company details: add a custom \"ar-company\"" \
        in text_of(body)
    assert "<iframe" not in body and "Download the PDF" not in body
    response = client.get(f"{url}statement_pdf?customer={ZINC}")
    assert response.status_code == 422
    assert "no company details" in response.get_data(as_text=True)
    zipped = client.get(f"{url}statements_zip")
    assert zipped.status_code == 422


def test_untrusted_names_are_escaped(tmp_path):
    main = copy_example(tmp_path)
    customers = tmp_path / "customers.beancount"
    text = customers.read_text(encoding="utf-8")
    assert 'customer: "Restaurant Le Zinc"' in text
    customers.write_text(text.replace('customer: "Restaurant Le Zinc"',
                                      'customer: "<script>alert(1)</script> Zinc & Co"'),
                         encoding="utf-8")
    app = make_app(main)
    client, url = app.test_client(), base(app)
    for query in ("view=statements", f"view=statements&customer={ZINC}"):
        body = get_page(client, url, query)
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Zinc &amp; Co" in body
        # the embedded document is escaped twice: once in it, once in the attribute
        if "srcdoc" in body:
            document = preview_of(body)
            assert "<script>" not in document
            assert "&lt;script&gt;alert(1)&lt;/script&gt; Zinc &amp; Co" in document
        scripts = re.findall(r"<script(?![^>]*application/json)[^>]*>", body)
        assert scripts == []


def test_incognito_hides_the_preview(tmp_path):
    app = make_app(copy_example(tmp_path), incognito=True)
    body = get_page(app.test_client(), base(app), f"view=statements&customer={ZINC}")
    assert "Previews are hidden in incognito mode." in text_of(body)
    assert "srcdoc" not in body and "6,061.53" not in body


def test_french(client, url):
    body = client.get(f"{url}?view=statements&customer={ZINC}&partial=true",
                      headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    text = text_of(body)
    assert "Relevés de compte Mouvements du 2025-11-24 au 2026-11-23" in text
    assert "Télécharger le PDF" in text and "Clients ayant un solde au 2026-11-23" in text
