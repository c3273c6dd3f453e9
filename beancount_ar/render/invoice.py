"""Invoices and credit notes as documents: HTML, Factur-X XML (EN 16931) and PDF/A-3.

The core makes the document from the ledger (`beancount_ar.core.invoice_document`); this module
formats it. The PDF is a PDF/A-3b page written by WeasyPrint with its Factur-X XML embedded as
``factur-x.xml`` (the `factur-x` library builds the CII XML from the document's fields, checks it
against the Factur-X EN 16931 schema, and attaches it with the PDF/A-3 metadata). A ledger needs
the company (``ar-company``) and the VAT accounts (``ar-invoicing``):

    job = prepare_invoices(entries, options_map)
    pdf = invoice_pdf(job, job.document("F-2025-001"))
    xml = invoice_xml(job, job.document("F-2025-001"))

Templates: ``invoice/invoice.html`` with the labels of ``invoice/<lang>/labels.html`` (added to
the statements' labels); a copy in ``<ledger folder>/ar-templates/`` replaces either. Everything
from the ledger is escaped (HTML autoescape; lxml escapes the XML). Problems are `DocumentError`.
"""

from __future__ import annotations

import datetime
import html
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import jinja2
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from beancount_ar.core.charges import LedgerCharges, StatedCharges, ledger_charges, stated_charges
from beancount_ar.core.company import Company
from beancount_ar.core.config import config_from_options
from beancount_ar.core.invoice_document import (
    DocumentProblem,
    InvoiceDocument,
    InvoicingSettings,
    find_document,
    issued,
    read_invoicing,
)
from beancount_ar.core.money import quantum
from beancount_ar.core.shared import book_for
from beancount_ar.i18n import LANGUAGES
from beancount_ar.render.environment import (
    DocumentError,
    company_of,
    document_locale,
    labels,
    ledger_dir_of,
    logo_uri,
    template_environment,
    template_problem,
)
from beancount_ar.render.epc_qr import EpcError, epc_payload, png_data_uri
from beancount_ar.render.pdf import html_to_pdf, print_css

FORMATS = ("pdf", "xml", "html")
FACTURX_LEVEL = "en16931"
SIREN_SCHEME = "0002"  # ISO 6523 ICD of the French SIREN
SEPA_TRANSFER = "58"  # UNTDID 4461: SEPA credit transfer
TRANSFER = "30"


@dataclass(frozen=True)
class InvoiceJob:
    """What every invoice of a ledger needs, read once."""

    book: Any
    entries: Sequence[Any]
    options_map: Mapping[str, Any]
    ledger_dir: str | None
    ledger_charges: LedgerCharges  # the penalties policy, as letters and statements state it

    def settings(self, day: datetime.date | None = None) -> InvoicingSettings | None:
        return read_invoicing(self.entries, day)[0]

    def document(self, number: str) -> InvoiceDocument:
        """The document of an invoice or credit note; DocumentError says why it cannot be."""
        day = None
        if number in self.book.invoices:
            day = self.book.invoices[number].date
        try:
            return find_document(self.book, number, self.settings(day))
        except DocumentProblem as exc:
            raise DocumentError(str(exc)) from None

    def issued(self, start: datetime.date | None = None,
               end: datetime.date | None = None) -> list[str]:
        """The invoices and credit notes issued from the ledger within the dates, in order."""
        return issued(self.book, self.entries, start, end)

    def company(self, day: datetime.date) -> Company:
        return company_of(self.entries, day)

    def charges(self, document: InvoiceDocument) -> StatedCharges:
        """What late payment of the document costs: the penalties policy of its customer and
        of the invoice itself (`beancount_ar.core.charges`), as of its date."""
        return stated_charges(self.ledger_charges, document.date,
                              account=document.customer.account, invoice=document.entry,
                              currency=document.currency, amount=document.total,
                              due=document.due)


def prepare_invoices(entries: Sequence[Any], options_map: Mapping[str, Any],
                     ledger_dir: str | None = None) -> InvoiceJob:
    """Read the subledger and the penalties policy once for many documents."""
    config, _ = config_from_options(options_map)
    book = book_for(entries, config)
    return InvoiceJob(book, entries, options_map,
                      ledger_dir if ledger_dir is not None else ledger_dir_of(options_map),
                      ledger_charges(entries, options_map))


def language_of(document: InvoiceDocument, company: Company, language: str | None) -> str:
    for candidate in (language, document.customer.language, company.language):
        if candidate in LANGUAGES:
            return candidate
    return "fr" if company.is_french else "en"


def invoice_labels(env: jinja2.Environment, language: str) -> dict[str, Any]:
    """The statements' labels with the invoices' own (``invoice/<lang>/labels.html``)."""
    merged = dict(labels(env, language))
    try:
        module = env.get_template(f"invoice/{language}/labels.html").module
    except jinja2.TemplateError as exc:
        raise template_problem(exc) from None
    merged.update(getattr(module, "L", {}) or {})
    return merged


# -- texts shared by the page and the XML ---------------------------------------------------


def _format(value: Decimal, currency: str) -> str:
    return f"{value.quantize(quantum(currency))}"


def num(value: Decimal) -> str:
    """A quantity or rate without trailing zeros and without exponent: 20, 5.5, 2.25."""
    text = f"{value.normalize():f}"
    return text


def _plain(markup: Any) -> str:
    """A macro's output as plain text (for the XML and the notes): tags and spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", str(markup))).split())


def charges_macros(env: jinja2.Environment, L: Mapping[str, Any], language: str,
                   locale: str) -> Any:
    """The macros that say the penalties policy in words (``macros.html``: one wording for
    letters, statements and invoices)."""
    try:
        return env.get_template("macros.html").make_module(
            {"L": L, "lang": language, "locale": locale})
    except jinja2.TemplateError as exc:
        raise template_problem(exc) from None


def notes(document: InvoiceDocument, company: Company, charges: StatedCharges,
          L: Mapping[str, Any], locale: str = "fr_FR", language: str = "fr",
          macros: Any = None) -> dict[str, str]:
    """The legal texts printed on the page and carried by the XML (BG-1 notes): payment terms,
    early-payment discount, late-payment penalties and indemnity (the penalties policy in the
    words of `macros`, see `charges_macros`), VAT option, legal form."""
    out: dict[str, str] = {}
    currency = document.currency
    if document.is_credit_note:
        return out
    if document.discount_until and document.discount and document.discount_percent:
        out["AAB"] = L["discount_terms"].format(
            percent=num(document.discount_percent),
            date=format_date(document.discount_until, "long", locale=locale),
            amount=format_currency(document.discount, currency, locale=locale))
    else:
        out["AAB"] = L["no_discount"]
    if charges.applies and macros is not None:
        out["PMD"] = _plain(macros.charges_sentence(charges, False))
        if charges.indemnity or charges.uk_bands:
            out["PMT"] = L["indemnity"].format(amount=_plain(macros.charges_indemnity(charges)))
    if document.vat_on_debits:
        out["TXD"] = L["vat_on_debits"]
    return out


# -- Factur-X --------------------------------------------------------------------------------


def split_address(address: str | None, country: str | None) -> dict[str, str]:
    """A free-text address as EN 16931 address fields: lines, postcode and city when the last
    part reads "69002 Lyon" (else the last part is the city)."""
    fields = {"country_code": (country or "FR").upper()}
    if not address:
        return fields
    parts = [p.strip() for p in re.split(r"[\n,]", address) if p.strip()]
    if not parts:
        return fields
    last = parts.pop()
    match = re.fullmatch(r"(\d{4,5}|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\s+(.+)", last) or \
        re.fullmatch(r"(.+?)\s+([A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})", last)
    if match and match.group(1)[0].isdigit():
        fields["postcode"], fields["city"] = match.group(1), match.group(2)
    elif match:
        fields["city"], fields["postcode"] = match.group(1), match.group(2)
    else:
        fields["city"] = last
    for key, value in zip(("addr_l1", "addr_l2", "addr_l3"), parts, strict=False):
        fields[key] = value[:200]
    return fields


def factur_x_data(document: InvoiceDocument, company: Company,
                  texts: Mapping[str, str]) -> dict[str, Any]:
    """The EN 16931 fields of the document, keyed by business term, for `facturx.generate_xml`."""
    cur = document.currency

    def money(value: Decimal) -> str:
        return _format(value, cur)

    seller: dict[str, Any] = {"name": company.name,
                              **split_address(company.address, company.country)}
    if company.siren:
        seller["legal_identifier"] = company.siren
        seller["legal_identifier_schemeid"] = SIREN_SCHEME
    if company.vat:
        seller["vat_identifier"] = company.vat
    legal = " - ".join(x for x in (company.legal_form, company.registration) if x)
    if legal:
        seller["legal_info"] = legal
    buyer_party = document.buyer
    buyer: dict[str, Any] = {"name": buyer_party.name,
                             **split_address(buyer_party.address,
                                             buyer_party.country or company.country)}
    if buyer_party.siren:
        buyer["legal_identifier"] = buyer_party.siren
        buyer["legal_identifier_schemeid"] = SIREN_SCHEME
    if buyer_party.vat:
        buyer["vat_identifier"] = buyer_party.vat
    data: dict[str, Any] = {
        "BT-1": document.number,
        "BT-2": document.date,
        "BT-3": document.type_code,
        "BT-5": cur,
        "BT-24": None,
        "BG-4": seller,
        "BG-7": buyer,
        "BT-72": document.delivery_date,
        "BT-106": money(document.total_net),
        "BT-109": money(document.total_net),
        "BT-110": money(document.total_vat),
        "BT-112": money(document.total),
        "BT-115": money(document.total),
        "BG-1": [{"BT-21": code, "BT-22": text} for code, text in texts.items()],
        "BG-23": [],
        "BG-25": [],
    }
    del data["BT-24"]  # set by the level
    if document.due and not document.is_credit_note:
        data["BT-9"] = document.due
    if document.terms and not document.is_credit_note:
        data["BT-20"] = document.terms
    if document.vat_on_debits:
        data["BT-8"] = "invoice"
    if document.buyer.delivery_address:
        data["BG-13"] = {"name": buyer_party.name,
                         **split_address(buyer_party.delivery_address,
                                         buyer_party.country or company.country)}
    if company.iban and not document.is_credit_note:
        data["BT-81"] = SEPA_TRANSFER if cur == "EUR" else TRANSFER
        data["BT-83"] = document.number
        data["BT-84"] = company.iban
        if company.bic:
            data["BT-86"] = company.bic
    if document.referenced:
        number, day = document.referenced
        data["BG-3"] = [{"BT-25": number, **({"BT-26": day} if day else {})}]
    for tax in document.taxes:
        entry = {"BT-116": money(tax.base), "BT-117": money(tax.amount), "BT-118": tax.category,
                 "BT-119": f"{tax.rate:f}"}
        if tax.exemption:
            entry["BT-120"] = tax.exemption
        data["BG-23"].append(entry)
    for line in document.lines:
        data["BG-25"].append({
            "BT-126": str(line.number),
            "BT-129": f"{line.quantity:f}",
            "BT-130": line.unit,
            "BT-131": money(line.net),
            "BT-146": f"{line.unit_price:f}",
            "BT-151": line.vat_category,
            "BT-152": f"{line.vat_rate:f}",
            "BT-153": line.description[:200] or "-",
        })
    return data


def xml_bytes(data: dict[str, Any]) -> bytes:
    """The Factur-X (CII, EN 16931) XML of `factur_x_data`, checked against its XSD."""
    from facturx import generate_xml  # imported late: only invoices need it

    logging.getLogger("factur-x").setLevel(logging.ERROR)
    try:
        return generate_xml(data, flavor="factur-x", level=FACTURX_LEVEL, check_xsd=True,
                            check_schematron=False)
    except Exception as exc:  # noqa: BLE001 - the library raises many kinds
        raise DocumentError(f"{data.get('BT-1')}: the Factur-X XML could not be made "
                            f"({exc.__class__.__name__}: {exc})") from None


# -- rendering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    """One document in every form it is asked for."""

    number: str
    language: str
    html: str
    xml: bytes


def _context(job: InvoiceJob, document: InvoiceDocument, language: str | None,
             warnings: list[str] | None, inline_css: bool) -> tuple[dict[str, Any], dict]:
    company = job.company(document.date)
    if language is not None and language not in LANGUAGES:
        raise DocumentError(f"language {language!r}: expected one of {', '.join(LANGUAGES)}")
    lang = language_of(document, company, language)
    env = template_environment(job.ledger_dir)
    L = invoice_labels(env, lang)
    charges = job.charges(document)
    locale = document_locale(lang, company)
    texts = notes(document, company, charges, L, locale, lang,
                  charges_macros(env, L, lang, locale))
    qr = None
    if company.iban and document.currency == "EUR" and not document.is_credit_note:
        try:
            qr = png_data_uri(epc_payload(company.name, company.iban, document.total,
                                          text=document.number, bic=company.bic))
        except EpcError as exc:
            if warnings is not None:
                warnings.append(f"{document.number}: no payment QR code ({exc})")
    context = {
        "doc": document, "company": company, "logo": logo_uri(company, warnings, job.ledger_dir),
        "lang": lang, "locale": locale, "L": L, "notes": texts,
        "num": lambda value: format_decimal(value.normalize(), locale=locale),
        "qr": qr, "inline_css": inline_css, "charges": charges,
    }
    return context, factur_x_data(document, company, texts)


def invoice_html(job: InvoiceJob, document: InvoiceDocument, language: str | None = None,
                 warnings: list[str] | None = None, inline_css: bool = True) -> str:
    """The HTML page of an invoice or credit note."""
    context, _ = _context(job, document, language, warnings, inline_css)
    return _render(job, context)


def _render(job: InvoiceJob, context: Mapping[str, Any]) -> str:
    env = template_environment(job.ledger_dir)
    try:
        return env.get_template("invoice/invoice.html").render(context)
    except jinja2.TemplateError as exc:
        raise template_problem(exc) from None


def invoice_xml(job: InvoiceJob, document: InvoiceDocument, language: str | None = None
                ) -> bytes:
    """The Factur-X XML alone (for platforms that take CII)."""
    _, data = _context(job, document, language, None, True)
    return xml_bytes(data)


def _parts(job: InvoiceJob, document: InvoiceDocument, language: str | None,
           warnings: list[str] | None) -> tuple[str, bytes, str | None, str, str, str]:
    """What a PDF is made of: its HTML and XML (made here), then what `pdf_of` needs."""
    context, data = _context(job, document, language, warnings, False)
    return (_render(job, context), xml_bytes(data), job.ledger_dir, context["lang"],
            context["company"].name, document.number)


def pdf_of(html: str, xml: bytes, ledger_dir: str | None, lang: str, author: str,
           number: str) -> bytes:
    """The PDF/A-3b page of `html` with `xml` embedded as factur-x.xml (a worker's job)."""
    page = _pdf_a3(html, ledger_dir, lang)
    from facturx import generate_from_binary

    logging.getLogger("factur-x").setLevel(logging.ERROR)
    try:
        return generate_from_binary(page, xml, flavor="factur-x", level=FACTURX_LEVEL,
                                    check_xsd=False, lang=lang,
                                    pdf_metadata={"author": author,
                                                  "keywords": "Factur-X, Invoice",
                                                  "title": number, "subject": number})
    except Exception as exc:  # noqa: BLE001
        raise DocumentError(f"{number}: the XML could not be embedded in the PDF "
                            f"({exc.__class__.__name__}: {exc})") from None


def invoice_pdf(job: InvoiceJob, document: InvoiceDocument, language: str | None = None,
                warnings: list[str] | None = None) -> bytes:
    """The Factur-X PDF/A-3 of an invoice or credit note, its XML embedded as factur-x.xml."""
    return pdf_of(*_parts(job, document, language, warnings))


def invoice_pdfs(job: InvoiceJob, documents: Sequence[InvoiceDocument],
                 language: str | None = None, warnings: list[str] | None = None,
                 workers: int | None = None):
    """(document, PDF) of many documents, in order; the PDFs are made by `workers` processes
    (default: one per CPU, at most 4; 1 renders in this process), as the statements' ZIP."""
    import os

    from beancount_ar.render.batches import _can_spawn

    workers = workers if workers is not None else min(4, os.cpu_count() or 1)
    if workers <= 1 or len(documents) < 8 or not _can_spawn():
        for document in documents:
            yield document, invoice_pdf(job, document, language, warnings)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")  # safe from a threaded parent (Fava)
    with ProcessPoolExecutor(min(workers, len(documents)), mp_context=context) as pool:
        futures = [(document, pool.submit(pdf_of, *_parts(job, document, language, warnings)))
                   for document in documents]
        for document, future in futures:
            yield document, future.result()


def _pdf_a3(html: str, ledger_dir: str | None, lang: str) -> bytes:
    """A PDF/A-3b page of the HTML (WeasyPrint), styled by the print stylesheet."""
    return html_to_pdf(html, ledger_dir, print_css(ledger_dir), pdf_variant="pdf/a-3b")


def invoice_filename(document: InvoiceDocument, fmt: str = "pdf") -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", document.number).strip("._") or "invoice"
    return f"{safe}.{fmt}"


def invoice_file(entries: Sequence[Any], options_map: Mapping[str, Any], number: str,
                 fmt: str = "pdf") -> tuple[str, bytes, str]:
    """One document as (file name, content, MIME type), for a download (Fava)."""
    if fmt not in FORMATS:
        raise DocumentError(f"format {fmt!r}: expected one of {', '.join(FORMATS)}")
    number = (number or "").strip()
    if not number:
        raise DocumentError("no invoice number given (?number=F-2025-001)")
    job = prepare_invoices(entries, options_map)
    document = job.document(number)
    if fmt == "pdf":
        return invoice_filename(document, "pdf"), invoice_pdf(job, document), "application/pdf"
    if fmt == "xml":
        return invoice_filename(document, "xml"), invoice_xml(job, document), "application/xml"
    return (invoice_filename(document, "html"), invoice_html(job, document).encode("utf-8"),
            "text/html")
