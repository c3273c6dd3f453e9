"""Statements of account as documents: the core's statement (`beancount_ar.core.statements`)
formatted as HTML or PDF in the customer's language, with how to pay (IBAN, remittance text,
EPC QR code) and the remittance slip. With

    2025-01-01 custom "ar-company" "{'name': 'Atelier Lumière SARL', 'country': 'FR',
        'iban': 'FR76 3000 6000 0112 3456 7890 189', 'bic': 'BNPAFRPPXXX'}"

``render_statement_pdf(entries, options_map, "Assets:Receivable:Dupont", kind="activity",
start=date(2026, 1, 1), end=date(2026, 11, 23))`` is Dupont's statement for 2026 as a PDF.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import jinja2

from beancount_ar.core.allocation import Settlement
from beancount_ar.core.charges import LedgerCharges, StatedCharges, ledger_charges, stated_charges
from beancount_ar.core.company import Company
from beancount_ar.core.config import config_from_options
from beancount_ar.core.customers import CustomerError, find_customer, find_customers
from beancount_ar.core.shared import book_for
from beancount_ar.core.statements import (
    ACTIVITY,
    TYPES,
    Statement,
    StatementError,
    build_statements,
    remittance_text,
)
from beancount_ar.core.subledger import settled_as_of
from beancount_ar.i18n import LANGUAGES
from beancount_ar.render.environment import (
    DocumentError,
    company_of,
    document_locale,
    labels,
    ledger_dir_of,
    logo_uri,
    slug,
    template_environment,
    template_problem,
)
from beancount_ar.render.epc_qr import EpcError, epc_payload, png_data_uri
from beancount_ar.render.pdf import html_to_pdf, print_css


def statement_language(statement: Statement, company: Company,
                       language: str | None = None) -> str:
    """The language asked for, else the customer's, else the company's, else by country."""
    for candidate in (language, statement.customer.language, company.language):
        if candidate in LANGUAGES:
            return candidate
    return "fr" if company.is_french else "en"


@dataclass(frozen=True)
class Payment:
    """How to pay one currency of a statement (the context of the ``how_to_pay`` macro)."""

    currency: str
    amount: Decimal
    reference: str  # the customer's reference
    remittance: str  # the text to quote on the transfer
    payload: str | None  # the EPC QR payload, when one can be made
    qr: str | None  # the QR code as a data: URI


def payments(statement: Statement, company: Company,
             warnings: list[str] | None = None) -> list[Payment]:
    out = []
    for part in statement.parts:
        remittance = remittance_text(statement, part)
        payload = qr = None
        if company.iban and part.currency == "EUR" and part.amount_due > 0:
            try:
                payload = epc_payload(company.name, company.iban, part.amount_due,
                                      text=remittance, bic=company.bic)
                qr = png_data_uri(payload)
            except EpcError as exc:
                if warnings is not None:
                    warnings.append(f"{statement.customer.name}: no payment QR code ({exc})")
                payload = qr = None
        out.append(Payment(part.currency, part.amount_due, statement.reference, remittance,
                           payload, qr))
    return out


# -- statements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementJob:
    """Everything needed to render statements of one ledger, prepared once."""

    settlement: Settlement
    company: Company
    kind: str
    start: datetime.date | None
    end: datetime.date
    ledger_dir: str | None
    charges: LedgerCharges | None = None  # the ledger's penalties policy (core.charges)


def prepare(entries: Sequence[Any], options_map: Mapping[str, Any], *, kind: str = ACTIVITY,
            start: datetime.date | None = None, end: datetime.date | None = None,
            ledger_dir: str | None = None, settlement: Settlement | None = None,
            customer: str | None = None) -> StatementJob:
    """Check the inputs, read the company and settle the subledger as of `end` (default:
    today); an activity statement's period starts on `start` (default: 1 January of `end`'s
    year). A given `settlement` must be settled as of `end`. For the statement of one
    `customer` only, only its entries are settled."""
    if kind not in TYPES:
        raise DocumentError(f"statement type {kind!r}: expected one of {', '.join(TYPES)}")
    end = end or (settlement.as_of if settlement is not None and settlement.as_of else None) \
        or datetime.date.today()
    if kind == ACTIVITY:
        start = start or datetime.date(end.year, 1, 1)
    else:
        start = None
    if start is not None and start > end:
        raise DocumentError(f"empty period: it starts on {start}, after its end {end}; give a "
                            "start date on or before the end date")
    company = company_of(entries, end)
    try:
        settlement = settled_as_of(entries, options_map, end, settlement, "the statement",
                                   _customers_of(entries, options_map, customer))
    except ValueError as exc:
        raise DocumentError(str(exc)) from None
    if ledger_dir is None:
        ledger_dir = ledger_dir_of(options_map)
    charges = ledger_charges(entries, options_map, company.is_french)
    return StatementJob(settlement, company, kind, start, end, ledger_dir, charges)


def _customers_of(entries: Sequence[Any], options_map: Mapping[str, Any],
                  customer: str | None) -> tuple[str, ...] | None:
    """The keys `customer` names (None: all customers, when it names none - the statement
    then says so)."""
    if customer is None:
        return None
    try:
        return find_customers(book_for(entries, config_from_options(options_map)[0]), customer)
    except CustomerError:
        return None


def _statements(job: StatementJob, customers: Iterable[str]) -> list[Statement]:
    book = job.settlement.book
    try:
        keys = [find_customer(book, c) for c in customers]
        return build_statements(job.settlement, keys, job.kind, job.start)
    except (CustomerError, StatementError) as exc:
        raise DocumentError(str(exc)) from None


def statement_charges(job: StatementJob, statement: Statement) -> StatedCharges | None:
    """What the statement's legal mention states late payment costs its customer (the
    penalties policy, `beancount_ar.core.charges`), in its first currency."""
    if job.charges is None:
        return None
    currency = statement.parts[0].currency if statement.parts else "EUR"
    return stated_charges(job.charges, job.end, account=statement.customer.account,
                          currency=currency)


def statement_html(job: StatementJob, statement: Statement, language: str | None = None,
                   warnings: list[str] | None = None, inline_css: bool = True) -> str:
    """The HTML of one statement: a whole document, with its print CSS unless `inline_css` is
    false (for `html_to_pdf`, given `print_css` apart)."""
    company = job.company
    if language is not None and language not in LANGUAGES:
        raise DocumentError(f"language {language!r}: expected one of {', '.join(LANGUAGES)}")
    language = statement_language(statement, company, language)
    env = template_environment(job.ledger_dir)
    if warnings is not None:
        warnings.extend(hint for hint in company.hints if hint not in warnings)
    context = {
        "statement": statement,
        "charges": statement_charges(job, statement),
        "company": company,
        "logo": logo_uri(company, warnings, job.ledger_dir),
        "payments": payments(statement, company, warnings),
        "lang": language,
        "locale": document_locale(language, company),
        "L": labels(env, language),
        "today": datetime.date.today(),
        "inline_css": inline_css,
    }
    try:
        template = env.select_template([f"{language}/statement.html", "statement.html"])
        return template.render(context)
    except jinja2.TemplateError as exc:
        raise template_problem(exc) from None


# -- PDF -------------------------------------------------------------------------------------



def statement_pdf(job: StatementJob, statement: Statement, language: str | None = None,
                  warnings: list[str] | None = None) -> bytes:
    """The PDF of one statement."""
    html = statement_html(job, statement, language, warnings, inline_css=False)
    return html_to_pdf(html, job.ledger_dir, print_css(job.ledger_dir))


# -- public API ------------------------------------------------------------------------------


def render_statement_html(entries: Sequence[Any], options_map: Mapping[str, Any],
                          customer: str, *, kind: str = ACTIVITY,
                          start: datetime.date | None = None, end: datetime.date | None = None,
                          language: str | None = None, ledger_dir: str | None = None,
                          settlement: Settlement | None = None,
                          warnings: list[str] | None = None) -> str:
    """The statement of `customer` (account, key or name) as an HTML document.

    `kind` is "activity" (period `start`..`end`) or "open" (open items at `end`); `end`
    defaults to today, `start` to 1 January of `end`'s year; `language` ("fr"/"en") to the
    customer's. Problems that do not stop the document (an unreadable logo) are appended to
    `warnings`. DocumentError for bad input.
    """
    job = prepare(entries, options_map, kind=kind, start=start, end=end,
                  ledger_dir=ledger_dir, settlement=settlement, customer=customer)
    statement = _statements(job, [customer])[0]
    return statement_html(job, statement, language, warnings)


def render_statement_pdf(entries: Sequence[Any], options_map: Mapping[str, Any],
                         customer: str, *, kind: str = ACTIVITY,
                         start: datetime.date | None = None, end: datetime.date | None = None,
                         language: str | None = None, ledger_dir: str | None = None,
                         settlement: Settlement | None = None,
                         warnings: list[str] | None = None) -> bytes:
    """The statement of `customer` as PDF bytes; arguments as `render_statement_html`."""
    job = prepare(entries, options_map, kind=kind, start=start, end=end,
                  ledger_dir=ledger_dir, settlement=settlement, customer=customer)
    statement = _statements(job, [customer])[0]
    return statement_pdf(job, statement, language, warnings)



def statement_filename(statement: Statement, fmt: str = "pdf") -> str:
    """E.g. ``statement-RestaurantLeZinc-2026-11-23.pdf``."""
    return f"statement-{slug(statement.reference)}-{statement.end.isoformat()}.{fmt}"


