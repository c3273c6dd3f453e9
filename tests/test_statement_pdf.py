"""Statements rendered for real: HTML, WeasyPrint PDFs read back with pypdf, ZIP and CLI."""

from __future__ import annotations

import argparse
import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
import segno
from beancount import loader
from PIL import Image
from pypdf import PdfReader

from beancount_ar import cli
from beancount_ar.cli.statement import register
from beancount_ar.core.aging import receivable_balances
from beancount_ar.render import documents
from beancount_ar.render.documents import (
    DocumentError,
    css_string,
    render_statement_html,
    render_statement_pdf,
    statements_zip,
)
from beancount_ar.render.epc_qr import make_qr

D = Decimal
PLUGIN = ("{'discount_account': 'Expenses:Discounts', "
          "'writeoff_account': 'Expenses:BadDebts'}")
COMPANY = """
2025-01-01 custom "ar-company" "{'name': 'Atelier Lumière SARL', 'country': 'FR'}"
  address: "5 rue de la Charité, 69002 Lyon"
  siren: "732 829 320"
  vat: "FR44732829320"
  iban: "FR76 3000 6000 0112 3456 7890 189"
  bic: "BNPAFRPPXXX"
  email: "compta@atelier-lumiere.example.fr"
  logo: "logo.png"
"""
HEAD = f"""
plugin "beancount_ar" "{PLUGIN}"
2024-01-01 open Assets:Bank
2024-01-01 open Income:Sales
2024-01-01 open Income:Penalties
2024-01-01 open Expenses:Discounts
2024-01-01 open Expenses:BadDebts
"""
DUPONT = """
2024-01-01 open Assets:Receivable:Dupont EUR
  customer: "Boulangerie Dupont SARL"
  address: "12 rue des Lilas, 69003 Lyon"
  language: "fr"
  reference: "CLI-0042"

2025-12-25 * "Dupont" "Pains spéciaux" ^F-1
  invoice: "F-1"
  Assets:Receivable:Dupont   300.00 EUR
  Income:Sales

2026-01-15 * "Dupont" "Four à sole" ^F-2
  invoice: "F-2"
  terms: "30 % à réception ; 70 % 30 jours"
  Assets:Receivable:Dupont  1000.00 EUR
  Income:Sales

2026-01-20 * "Dupont" "Acompte F-2" ^F-2
  Assets:Bank                300.00 EUR
  Assets:Receivable:Dupont  -300.00 EUR

2026-02-01 * "Dupont" "Chèque sans référence"
  Assets:Bank                300.00 EUR
  Assets:Receivable:Dupont  -300.00 EUR

2026-02-10 * "Dupont" "Avoir sur F-2"
  credit_note: "AV-1"
  invoice: "F-2"
  Assets:Receivable:Dupont  -100.00 EUR
  Income:Sales

2026-03-01 * "Dupont" "Entretien" ^F-3
  invoice: "F-3"
  Assets:Receivable:Dupont   240.00 EUR
  Income:Sales

2026-03-20 * "Dupont" "Pénalités de retard F-2" #ar-penalty ^F-2
  Assets:Receivable:Dupont    12.34 EUR
  Income:Penalties

2026-04-10 * "Dupont" "Virement partiel F-2" ^F-2
  Assets:Bank                200.00 EUR
  Assets:Receivable:Dupont  -200.00 EUR
"""
BRIGHTON = """
2024-01-01 open Assets:Receivable:Brighton USD
  customer: "Brighton Design Inc."
  address: "210 Lafayette Street, New York, NY 10012, USA"
  language: "en"

2026-03-02 * "Brighton" "Lighting concept" ^F-30
  invoice: "F-30"
  Assets:Receivable:Brighton  4250.00 USD
  Income:Sales

2026-04-02 * "Brighton" "Scenography" ^F-31
  invoice: "F-31"
  Assets:Receivable:Brighton  12800.50 USD
  Income:Sales
"""
START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 4, 30)
AMOUNT_FR = "-?\\d{1,3}(?:\u202f\\d{3})*,\\d\\d"
ROW_FR = re.compile(f"({AMOUNT_FR}) ({AMOUNT_FR})(?: [A-Za-z]{{1,2}})?$", re.MULTILINE)


def load(text: str):
    entries, errors, options_map = loader.load_string(text)
    # A malformed ar-company is reported by the plugin at load time too; the statement tests
    # check what rendering says of it.
    assert not [e for e in errors if "ar-company" not in e.message], [e.message for e in errors]
    return entries, options_map


def fr(amount: str) -> str:
    """An amount as the French statement prints it ("1 300,00", narrow no-break space)."""
    value = D(amount)
    whole, cents = f"{abs(value):.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", "\u202f")
    return f"{'-' if value < 0 else ''}{groups},{cents}"


def pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def qr_modules(image: Image.Image, size: int) -> list[list[bool]]:
    """Read a QR code's modules back from its image (4 modules of quiet zone each side)."""
    gray = image.convert("L")
    step = gray.size[0] / (size + 8)
    return [[gray.getpixel((int((col + 4.5) * step), int((row + 4.5) * step))) < 128
             for col in range(size)] for row in range(size)]


@pytest.fixture(scope="module")
def ledger_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ledger")
    Image.new("RGB", (300, 80), (255, 190, 40)).save(folder / "logo.png")
    return folder


@pytest.fixture(scope="module")
def dupont(ledger_dir):
    """The Dupont activity statement as PDF, and the data handed to segno on the way."""
    entries, options_map = load(HEAD + COMPANY + DUPONT)
    handed: list[bytes] = []
    real = segno.make_qr

    def spy(content, *args, **kwargs):
        handed.append(content)
        return real(content, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segno, "make_qr", spy)
        warnings: list[str] = []
        pdf = render_statement_pdf(entries, options_map, "Assets:Receivable:Dupont",
                                   kind="activity", start=START, end=END,
                                   ledger_dir=str(ledger_dir), warnings=warnings)
    assert warnings == []
    return entries, pdf, handed


# -- the activity statement, read back -------------------------------------------------------


def test_pdf_lines_running_and_closing_balance_agree_with_the_ledger(dupont):
    entries, pdf, _ = dupont
    (text,) = pdf_text(pdf)
    rows = [(m[1], m[2]) for m in ROW_FR.finditer(text)
            if not text[:m.start()].rsplit("\n", 1)[-1].startswith("Total")]
    # (debit or credit, running balance), line by line, computed by hand from the ledger.
    assert rows == [(fr(a), fr(b)) for a, b in [
        ("1000", "1300"), ("300", "1000"), ("300", "700"), ("100", "600"), ("240", "840"),
        ("12.34", "852.34"), ("200", "652.34")]]
    assert f"Solde au 31/12/2025 {fr('300')}" in text  # the opening balance
    closing = receivable_balances(entries, "Assets:Receivable:Dupont", END)["EUR"]
    assert closing == D("652.34")
    assert f"Solde au 30/04/2026 {fr(str(closing))}\xa0€" in text
    assert f"Total des mouvements de la période {fr('1252.34')} {fr('900')}" in text
    assert f"Échu\xa0: {fr('652.34')}\xa0€" in text
    assert f"Non échu\xa0: {fr('0')}\xa0€" in text


def test_pdf_shows_lettrage_penalties_and_instalments(dupont):
    (text,) = pdf_text(dupont[1])
    assert "Pénalités de retard" in text and "sur la facture F-2" in text
    assert f"Imputé sur\xa0: F-1 {fr('300')}\xa0€" in text  # the cheque settled F-1
    assert "Échéances\xa0: 15/01/2026" in text
    assert re.search(f"{fr('300')} {fr('1000')} a$", text, re.MULTILINE)  # partial: lower case
    assert re.search(f"{fr('300')} {fr('700')} B$", text, re.MULTILINE)  # closed: upper case
    assert "AV-1" in text


def test_pdf_has_letterhead_how_to_pay_and_french_legal_mentions(dupont):
    (text,) = pdf_text(dupont[1])
    for expected in ("Atelier Lumière SARL", "Relevé de compte", "Boulangerie Dupont SARL",
                     "12 rue des Lilas", "69003 Lyon", "Votre référence client CLI-0042",
                     "SIREN 732 829 320", "FR44732829320", "FR76 3000 6000 0112 3456 7890 189",
                     "BNPAFRPPXXX", "CLI-0042 F-2 F-3", "Coupon à joindre à votre règlement",
                     "1 / 1"):
        assert expected in text, expected
    flat = " ".join(text.split())
    # No penalties plugin: French law's defaults for a French company, for 2026 H1, stated once
    assert ("des pénalités de retard au taux de 12,15 % (taux de refinancement de la Banque "
            "centrale européenne de 2,15 % majoré de 10 points), ainsi que l'indemnité "
            "forfaitaire pour frais de recouvrement de 40,00 € par facture payée en retard "
            "(articles L441-10 et D441-5 du Code de commerce)") in flat
    assert "taux de taux" not in flat
    page = PdfReader(io.BytesIO(dupont[1])).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_epc_payload_handed_to_segno(dupont):
    _, _, handed = dupont
    assert handed == ["BCD\n002\n1\nSCT\nBNPAFRPPXXX\nAtelier Lumière SARL\n"
                      "FR7630006000011234567890189\nEUR652.34\n\n\nCLI-0042 F-2 F-3"
                      .encode()]


def test_qr_code_image_in_the_pdf_encodes_the_payload(dupont):
    _, pdf, handed = dupont
    images = PdfReader(io.BytesIO(pdf)).pages[0].images
    squares = [i.image for i in images if i.image.size[0] == i.image.size[1]]
    assert len(squares) == 1 and len(images) == 2  # the QR code and the logo
    matrix = make_qr(handed[0].decode("utf-8")).matrix
    expected = [[bool(v) for v in row] for row in matrix]
    assert qr_modules(squares[0], len(matrix)) == expected
    logo = [i.image for i in images if i.image.size == (300, 80)]
    assert len(logo) == 1


# -- long statements -------------------------------------------------------------------------


def long_ledger(count: int) -> tuple[str, list[tuple[str, str]]]:
    """A customer with `count` invoices and their payments; the expected (amount, balance)."""
    lines = ["2024-01-01 open Assets:Receivable:Zinc EUR", '  customer: "Restaurant Le Zinc"',
             '  language: "fr"', ""]
    expected = []
    balance = D(0)
    day = datetime.date(2026, 1, 2)
    for number in range(count):
        amount = D(100 + number * 37) + D(number % 100) / 100
        balance += amount
        expected.append((fr(str(amount)), fr(str(balance))))
        lines += [f'{day} * "Le Zinc" "Fournitures n° {number}" ^F-{number}',
                  f'  invoice: "F-{number}"', f"  Assets:Receivable:Zinc  {amount} EUR",
                  "  Income:Sales", ""]
        if number % 3 != 2:  # two in three are paid, in full, 20 days later
            paid = day + datetime.timedelta(days=20)
            balance -= amount
            lines += [f'{paid} * "Le Zinc" "Virement F-{number}" ^F-{number}',
                      f"  Assets:Bank  {amount} EUR", f"  Assets:Receivable:Zinc  -{amount} EUR",
                      ""]
            expected.append((fr(str(amount)), None))
        day += datetime.timedelta(days=3)
    return "\n".join(lines), expected


def test_three_page_statement_repeats_the_header_and_numbers_pages(ledger_dir):
    body, _ = long_ledger(45)
    entries, options_map = load(HEAD + COMPANY + body)
    end = datetime.date(2026, 11, 23)
    pdf = render_statement_pdf(entries, options_map, "Restaurant Le Zinc", start=START,
                               end=end, ledger_dir=str(ledger_dir))
    pages = pdf_text(pdf)
    assert len(pages) >= 3
    header = "Date Pièce Libellé Échéance Débit Crédit Solde Let."
    table_pages = [p for p in pages if ROW_FR.search(p)]
    assert len(table_pages) >= 3
    assert all(header in p for p in table_pages)  # the header is repeated on every page
    for number, page in enumerate(pages, 1):
        assert f"{number} / {len(pages)}" in page
        if number > 1:  # the running title on every page but the first
            assert "Relevé de compte – Restaurant Le Zinc – 23/11/2026" in page
    # The running balance across pages is the ledger's, posting after posting.
    text = "\n".join(pages)
    rows = [(m[1], m[2]) for m in ROW_FR.finditer(text)
            if not text[:m.start()].rsplit("\n", 1)[-1].startswith("Total")]
    postings = []
    for entry in entries:
        for posting in getattr(entry, "postings", ()):
            if posting.account == "Assets:Receivable:Zinc":
                postings.append((entry.date, posting.units.number))
    postings.sort(key=lambda p: (p[0], p[1] < 0))
    balance = D(0)
    expected = []
    for _, number in postings:
        balance += number
        expected.append((fr(str(abs(number))), fr(str(balance))))
    assert rows == expected
    closing = receivable_balances(entries, "Assets:Receivable:Zinc", end)["EUR"]
    assert f"Solde au 23/11/2026 {fr(str(closing))}\xa0€" in text


# -- English, open items, other currencies ---------------------------------------------------


def test_english_open_items_statement_in_usd():
    entries, options_map = load(HEAD + COMPANY + BRIGHTON)
    handed: list = []
    pdf = render_statement_pdf(entries, options_map, "Brighton Design Inc.", kind="open",
                               end=END)
    (text,) = pdf_text(pdf)
    for expected in ("Statement of open items", "Document Date Description Due Days late "
                     "Amount Settled Open Match", "Balance at 30/04/2026", "Overdue: US$4,250.00",
                     "Not yet due: US$12,800.50", "Balance due at 30 April 2026",
                     "4,250.00", "17,050.50", "How to pay – by bank transfer", "Reference to quote",
                     "Brighton F-30 F-31",
                     "late-payment penalties at 12.15% (the European Central Bank's main "
                     "refinancing rate of 2.15% plus 10 percentage points) (article L441-10 of "
                     "the French Commercial Code)"):
        assert expected in " ".join(text.split()) or expected in text, expected
    # The 40 EUR indemnity is not charged on a USD debt (the penalties plugin posts none):
    # the statement does not claim it.
    assert "recovery costs" not in " ".join(text.split())
    # A SEPA QR code carries euros only: none here.
    assert not [i for i in PdfReader(io.BytesIO(pdf)).pages[0].images]
    assert handed == []
    assert "Relevé" not in text


def test_two_currencies_two_tables_one_qr_code():
    euros = """
2026-04-03 * "Brighton" "Fittings bought in Lyon" ^F-32
  invoice: "F-32"
  Assets:Receivable:Brighton   300.00 EUR
  Income:Sales
"""
    text = HEAD + COMPANY + BRIGHTON.replace("Assets:Receivable:Brighton USD",
                                             "Assets:Receivable:Brighton") + euros
    entries, options_map = load(text)
    handed: list[bytes] = []
    real = segno.make_qr
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segno, "make_qr", lambda data, *a, **k: handed.append(data) or real(
            data, *a, **k))
        pdf = render_statement_pdf(entries, options_map, "Brighton Design Inc.", end=END)
    flat = " ".join(" ".join(pdf_text(pdf)).split())
    assert "Balance at 30/04/2026 €300.00" in flat
    assert "Balance at 30/04/2026 US$17,050.50" in flat
    assert "Amount €300.00" in flat and "Amount US$17,050.50" in flat
    assert [p.split(b"\n")[7] for p in handed] == [b"EUR300.00"]
    images = {i.name for page in PdfReader(io.BytesIO(pdf)).pages for i in page.images}
    assert len(images) == 1  # no logo in this ledger's folder: the QR code only


def test_language_can_be_forced():
    entries, options_map = load(HEAD + COMPANY + DUPONT)
    html = render_statement_html(entries, options_map, "Assets:Receivable:Dupont",
                                 kind="open", end=END, language="en")
    assert 'lang="en"' in html and "Statement of open items" in html
    assert ">400.00<" in html and "€652.34" in html  # en_GB: an open amount, the balance


def test_missing_optional_details_still_render():
    company = '2025-01-01 custom "ar-company" "{\'name\': \'Solo\'}"\n'
    entries, options_map = load(HEAD + company + DUPONT.replace('  language: "fr"\n', ""))
    pdf = render_statement_pdf(entries, options_map, "Assets:Receivable:Dupont", end=END)
    (text,) = pdf_text(pdf)
    assert "Solo" in text
    assert "Please contact us for our bank details." in text  # no language, no country: en
    assert "L441-10" not in text  # not a French company: no French legal mention
    assert not PdfReader(io.BytesIO(pdf)).pages[0].images  # no logo, no QR code


def test_unreadable_logo_is_a_warning(tmp_path):
    entries, options_map = load(HEAD + COMPANY + DUPONT)
    warnings: list[str] = []
    html = render_statement_html(entries, options_map, "Assets:Receivable:Dupont", end=END,
                                 ledger_dir=str(tmp_path), warnings=warnings)
    assert "Boulangerie Dupont SARL" in html
    assert len(warnings) == 1 and "logo 'logo.png' cannot be read" in warnings[0]


# -- untrusted text ---------------------------------------------------------------------------


HOSTILE = """
2024-01-01 open Assets:Receivable:Evil EUR
  customer: "Evil & <b>Co</b></style><script>alert(1)</script>"
  address: "<img src=x onerror=alert(2)>, 1 rue"
2026-02-01 * "Evil" "<script>alert('narration')</script> {{ 7*7 }}" ^F-66
  invoice: "F-66"
  Assets:Receivable:Evil   10.00 EUR
  Income:Sales
"""


def test_ledger_text_is_escaped_in_html_and_pdf():
    entries, options_map = load(HEAD + COMPANY + HOSTILE)
    html = render_statement_html(entries, options_map, "Assets:Receivable:Evil", end=END)
    assert "<script>" not in html and "<img src=x" not in html and "<b>Co" not in html
    assert "Evil &amp; &lt;b&gt;Co&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(&#39;narration&#39;)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html  # ledger text is never evaluated as a template
    # The page rules carry the customer's name in a CSS string, escaped.
    page_rules = html.split("<style>")[2].split("</style>")[0]
    assert "@page" in page_rules and "Evil" in page_rules
    assert "<" not in page_rules and 'Evil \\000026  \\00003c b' in page_rules
    pdf = render_statement_pdf(entries, options_map, "Assets:Receivable:Evil", end=END)
    text = "\n".join(pdf_text(pdf))
    assert "<script>alert('narration')</script>" in text


def test_css_string():
    assert css_string('a"b</style>\\\n') == '"a\\000022 b\\00003c \\00002f style\\00003e ' \
                                             '\\00005c "'
    assert css_string("Relevé – Zinc") == '"Relev\\0000e9  \\002013  Zinc"'


def test_fetcher_reads_data_and_ledger_files_only(tmp_path):
    fetcher = documents._fetcher(documents._allowed_roots(str(tmp_path)))
    (tmp_path / "sig.png").write_bytes(b"x")
    with pytest.raises(ValueError, match="no network"):
        fetcher.fetch("https://example.com/logo.png")
    with pytest.raises(ValueError, match="outside the ledger's folder"):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.fetch(f"file://{tmp_path}/sig.png").read() == b"x"
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"


# -- templates --------------------------------------------------------------------------------


def test_user_templates_override_the_package_ones(tmp_path):
    entries, options_map = load(HEAD + COMPANY + DUPONT + BRIGHTON)
    custom = tmp_path / "ar-templates"
    (custom / "fr").mkdir(parents=True)
    (custom / "fr" / "statement.html").write_text(
        "<p>Mon relevé pour {{ statement.customer.name }} : "
        "{{ statement.parts[0].closing|money('EUR') }}</p>", encoding="utf-8")
    (custom / "en").mkdir()
    with open(f"{documents.PACKAGE_TEMPLATES}/en/labels.html", encoding="utf-8") as handle:
        labels = handle.read()
    (custom / "en" / "labels.html").write_text(
        labels.replace("Statement of open items", "Open items, as we see them"),
        encoding="utf-8")
    documents.template_environment.cache_clear()
    french = render_statement_html(entries, options_map, "Assets:Receivable:Dupont", end=END,
                                   ledger_dir=str(tmp_path))
    assert french == "<p>Mon relevé pour Boulangerie Dupont SARL : 652,34\xa0€</p>"
    english = render_statement_html(entries, options_map, "Brighton Design Inc.", end=END,
                                    kind="open", ledger_dir=str(tmp_path))
    assert "Open items, as we see them" in english  # the shared statement.html, new labels


def test_broken_user_template_is_a_clear_error(tmp_path):
    entries, options_map = load(HEAD + COMPANY + DUPONT)
    (tmp_path / "ar-templates").mkdir()
    (tmp_path / "ar-templates" / "statement.html").write_text("{% if %}", encoding="utf-8")
    documents.template_environment.cache_clear()
    with pytest.raises(DocumentError, match=r"template error \(.*statement.html:1\).*"
                                            r"ar-templates/"):
        render_statement_html(entries, options_map, "Assets:Receivable:Dupont", end=END,
                              ledger_dir=str(tmp_path))


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("company, customer, options, message", [
    ("", "Assets:Receivable:Dupont", {}, "no company details: add a custom \"ar-company\""),
    ('2025-01-01 custom "ar-company" "{\'name\': \'X\', \'iban\': \'FR00 1234\'}"\n',
     "Assets:Receivable:Dupont", {}, r"<string>:\d+: .*iban: 'FR00 1234' is not a valid IBAN"),
    (COMPANY, "Dupond", {}, "customer 'Dupond': no such customer"),
    (COMPANY, "Assets:Receivable:Dupont", {"start": datetime.date(2026, 5, 1)},
     "empty period: it starts on 2026-05-01, after its end 2026-04-30"),
    (COMPANY, "Assets:Receivable:Dupont", {"kind": "monthly"}, "statement type 'monthly'"),
    (COMPANY, "Assets:Receivable:Dupont", {"language": "de"}, "language 'de': expected one of "
                                                              "fr, en"),
])
def test_bad_input_is_a_document_error(company, customer, options, message):
    entries, options_map = load(HEAD + company + DUPONT)
    with pytest.raises(DocumentError, match=message):
        render_statement_html(entries, options_map, customer, end=END, **options)


# -- many statements --------------------------------------------------------------------------


def test_zip_has_the_statement_of_every_customer_with_a_balance():
    settled_customer = """
2024-01-01 open Assets:Receivable:Paid EUR
2026-01-05 * "Paid" "Facture" ^F-90
  invoice: "F-90"
  Assets:Receivable:Paid   50.00 EUR
  Income:Sales
2026-01-06 * "Paid" "Virement" ^F-90
  Assets:Bank   50.00 EUR
  Assets:Receivable:Paid  -50.00 EUR
"""
    entries, options_map = load(HEAD + COMPANY + DUPONT + BRIGHTON + settled_customer)
    content = statements_zip(entries, options_map, kind="open", end=END, workers=1)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert names == ["statement-CLI-0042-2026-04-30.pdf",
                         "statement-Brighton-2026-04-30.pdf"]
        texts = {name: pdf_text(archive.read(name)) for name in names}
    assert "Boulangerie Dupont SARL" in texts[names[0]][0]
    assert "Brighton Design Inc." in texts[names[1]][0]
    html_zip = statements_zip(entries, options_map, fmt="html", end=END)
    with zipfile.ZipFile(io.BytesIO(html_zip)) as archive:
        assert [n.endswith(".html") for n in archive.namelist()] == [True, True]


def test_zip_in_worker_processes():
    customers = []
    for number in range(8):
        customers.append(f"""
2024-01-01 open Assets:Receivable:C{number} EUR
  customer: "Client {number}"
2026-02-0{number + 1} * "Client {number}" "Facture" ^F-{number}
  invoice: "F-{number}"
  Assets:Receivable:C{number}   {100 + number}.00 EUR
  Income:Sales
""")
    entries, options_map = load(HEAD + COMPANY + "".join(customers))
    content = statements_zip(entries, options_map, end=END, workers=2)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert len(names) == 8
        for number, name in enumerate(names):
            (text,) = pdf_text(archive.read(name))
            assert f"Client {number}" in text
            assert f"{100 + number},00\xa0€" in text


# -- command line -----------------------------------------------------------------------------


@pytest.fixture
def bean_ar(monkeypatch, capsys):
    """Run ``bean-ar`` with the statement command registered (as the lead will do in cli.py);
    returns (exit status, stdout, stderr)."""
    build = cli.build_parser

    def build_with_statement() -> argparse.ArgumentParser:
        parser = build()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction) and "statement" not in (
                    action.choices):
                register(action)
        return parser

    monkeypatch.setattr(cli, "build_parser", build_with_statement)

    def run(*argv: str) -> tuple[int, str, str]:
        status = cli.main(list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture
def ledger_file(tmp_path):
    path = tmp_path / "main.beancount"
    path.write_text(HEAD + COMPANY + DUPONT + BRIGHTON, encoding="utf-8")
    Image.new("RGB", (300, 80), (29, 53, 87)).save(tmp_path / "logo.png")
    return path


def test_cli_statement_pdf_and_html(bean_ar, ledger_file, tmp_path):
    out = tmp_path / "dupont.pdf"
    status, stdout, stderr = bean_ar("statement", str(ledger_file), "--customer",
                                     "Assets:Receivable:Dupont", "--from", "2026-01-01",
                                     "--to", "2026-04-30", "-o", str(out))
    assert (status, stderr) == (0, "")
    assert stdout.strip() == f"wrote {out}"
    (text,) = pdf_text(out.read_bytes())
    assert f"Solde au 30/04/2026 {fr('652.34')}\xa0€" in text
    assert len(PdfReader(str(out)).pages[0].images) == 2  # logo next to the ledger, QR code
    page = tmp_path / "brighton.html"
    status, stdout, _ = bean_ar("statement", str(ledger_file), "--customer", "Brighton Design "
                                "Inc.", "--type", "open", "--to", "2026-04-30", "-o", str(page))
    assert status == 0
    assert "<!DOCTYPE html>" in page.read_text(encoding="utf-8")


def test_cli_all_to_a_directory_and_a_zip(bean_ar, ledger_file, tmp_path):
    folder = tmp_path / "out"
    status, stdout, _ = bean_ar("statement", str(ledger_file), "--all", "--to", "2026-04-30",
                                "--type", "open", "-o", str(folder))
    assert status == 0 and stdout.strip() == f"wrote 2 statements to {folder}"
    assert sorted(p.name for p in folder.iterdir()) == [
        "statement-Brighton-2026-04-30.pdf", "statement-CLI-0042-2026-04-30.pdf"]
    archive = tmp_path / "all.zip"
    status, stdout, _ = bean_ar("statement", str(ledger_file), "--all", "--to", "2026-04-30",
                                "--format", "html", "-o", str(archive))
    assert status == 0
    with zipfile.ZipFile(archive) as zipped:
        assert len(zipped.namelist()) == 2


@pytest.mark.parametrize("args, message", [
    (["--customer", "Nobody"], "customer 'Nobody': no such customer"),
    (["--customer", "Assets:Receivable:Dupont", "--from", "2026-05-01", "--to", "2026-04-30"],
     "empty period: --from 2026-05-01 is after --to 2026-04-30"),
    (["--customer", "Assets:Receivable:Dupont", "--to", "30/04/2026"],
     "--to '30/04/2026': expected a date such as 2026-11-23"),
    (["--customer", "Assets:Receivable:Dupont", "--type", "open", "--from", "2026-01-01"],
     "--from is for activity statements"),
    (["--customer", "Assets:Receivable:Dupont", "-o", "/nonexistent/dir/x.pdf"],
     "the directory /nonexistent/dir does not exist"),
])
def test_cli_bad_input_is_one_line(bean_ar, ledger_file, tmp_path, args, message):
    if "-o" not in args:
        args = [*args, "-o", str(tmp_path / "x.pdf")]
    status, stdout, stderr = bean_ar("statement", str(ledger_file), *args)
    assert status == 1 and stdout == ""
    assert stderr.startswith("bean-ar: ") and message in stderr
    assert "Traceback" not in stderr and stderr.count("\n") == 1


def test_cli_output_problems(bean_ar, ledger_file, tmp_path):
    status, _, stderr = bean_ar("statement", str(ledger_file), "--customer", "Brighton Design "
                                "Inc.", "-o", str(tmp_path))
    assert status == 1 and "is a directory" in stderr
    status, _, stderr = bean_ar("statement", str(ledger_file), "--all", "-o", str(ledger_file))
    assert status == 1 and "is a file; with --all give a directory" in stderr
    bare = tmp_path / "bare.beancount"
    bare.write_text(HEAD + DUPONT, encoding="utf-8")
    status, _, stderr = bean_ar("statement", str(bare), "--customer", "Assets:Receivable:Dupont",
                                "-o", str(tmp_path / "x.pdf"))
    assert status == 1 and "no company details" in stderr
    status, _, stderr = bean_ar("statement", str(tmp_path / "missing.beancount"), "--customer",
                                "X", "-o", str(tmp_path / "x.pdf"))
    assert status == 1 and "no such ledger file" in stderr
