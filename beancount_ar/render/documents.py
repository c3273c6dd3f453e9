"""Documents for customers: statements of account as HTML and PDF, one or a ZIP of many.

The core builds the statement (`beancount_ar.core.statements`) and reads the company
(`beancount_ar.core.company`); this module only formats it. A ledger needs the company:

    2025-01-01 custom "ar-company" "{'name': 'Atelier Lumière SARL', 'country': 'FR',
        'iban': 'FR76 3000 6000 0112 3456 7890 189', 'bic': 'BNPAFRPPXXX'}"

then, from Python (Fava passes ``ledger.all_entries`` and ``ledger.options``):

    pdf = render_statement_pdf(entries, options_map, "Assets:Receivable:Dupont",
                               kind="activity", start=date(2026, 1, 1), end=date(2026, 11, 23))

Templates are Jinja2 with autoescaping everywhere (names, addresses and narrations come from the
ledger and are never trusted). A template in ``<ledger folder>/ar-templates/`` replaces the one
of the same name shipped in ``beancount_ar/render/templates/`` (``statement.html``,
``macros.html``, ``base.html``, ``print.css``, ``fr/labels.html``, ``en/labels.html``;
``fr/statement.html`` replaces the statement in French only). Numbers and dates are formatted for
the language with Babel. PDFs are made by WeasyPrint, which may read ``data:`` URIs and files
inside the ledger's folder or the package's templates, and nothing else (no network).
Every problem is a `DocumentError` whose message says what to fix.
"""

from __future__ import annotations

import base64
import datetime
import io
import os
import re
import sys
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency
from markupsafe import Markup

from beancount_ar.core.allocation import Settlement
from beancount_ar.core.company import DIRECTIVE, Company, read_company
from beancount_ar.core.money import quantum
from beancount_ar.core.statements import (
    ACTIVITY,
    OPEN_ITEMS,
    TYPES,
    Statement,
    StatementError,
    build_statements,
    customers_with_balance,
    find_customer,
    remittance_text,
)
from beancount_ar.core.subledger import subledger
from beancount_ar.render.epc_qr import EpcError, epc_payload, png_data_uri

TEMPLATE_DIR = "ar-templates"
PACKAGE_TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
LANGUAGES = ("fr", "en")
FORMATS = ("pdf", "html")
MAX_LOGO_BYTES = 2_000_000
_LOGO_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}
_LOCALE_COUNTRIES = {"fr": ("FR", "BE", "CH", "LU", "CA", "MC"),
                     "en": ("GB", "US", "IE", "CA", "AU", "NZ")}
_DEFAULT_LOCALE = {"fr": "fr_FR", "en": "en_GB"}


class DocumentError(Exception):
    """A document cannot be made; the message says why and what to do."""


# -- formatting ------------------------------------------------------------------------------


def document_locale(language: str, company: Company | None) -> str:
    """The Babel locale of a document: the language, in the company's country where it is
    spoken (fr_BE, en_US...), else fr_FR or en_GB."""
    country = company.country if company else None
    if country and country in _LOCALE_COUNTRIES.get(language, ()):
        candidate = f"{language}_{country}"
        try:
            Locale.parse(candidate)
            return candidate
        except (UnknownLocaleError, ValueError):  # pragma: no cover - all are in CLDR
            pass
    return _DEFAULT_LOCALE.get(language, "en_GB")


@jinja2.pass_context
def _money(context: Any, value: Decimal | None, currency: str) -> str:
    if value is None:
        return ""
    return format_currency(value, currency, locale=context.get("locale", "en_GB"))


@jinja2.pass_context
def _amount(context: Any, value: Decimal | None, currency: str) -> str:
    """An amount in the currency's precision, without the currency symbol (for table cells)."""
    if value is None:
        return ""
    digits = max(0, -quantum(currency).as_tuple().exponent)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_currency(value, currency, format=pattern, currency_digits=False,
                           locale=context.get("locale", "en_GB"))


@jinja2.pass_context
def _date(context: Any, value: datetime.date | None, style: str = "short") -> str:
    if value is None:
        return ""
    return format_date(value, format=style, locale=context.get("locale", "en_GB"))


def css_string(value: Any) -> Markup:
    """A CSS string literal of any text: everything but letters, digits and spaces is a hex
    escape (ended by a space, which CSS consumes), so ledger text cannot end the string, the
    rule or the <style> element."""
    text = value.striptags() if isinstance(value, Markup) else str(value or "")
    out = []
    for ch in " ".join(text.split()):
        out.append(ch if (ch.isascii() and ch.isalnum()) or ch == " " else f"\\{ord(ch):06x} ")
    return Markup('"' + "".join(out) + '"')


@lru_cache(maxsize=16)
def template_environment(ledger_dir: str | None) -> jinja2.Environment:
    """Templates from ``<ledger_dir>/ar-templates/`` first, then the package's own."""
    loaders: list[jinja2.BaseLoader] = []
    if ledger_dir:  # searched even before the folder exists: Fava picks it up when created
        loaders.append(jinja2.FileSystemLoader(os.path.join(ledger_dir, TEMPLATE_DIR)))
    loaders.append(jinja2.FileSystemLoader(PACKAGE_TEMPLATES))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=_money, amount=_amount, date=_date, css_string=css_string)
    return env


def template_problem(exc: Exception) -> DocumentError:
    name = getattr(exc, "filename", None) or getattr(exc, "name", None) or ""
    line = getattr(exc, "lineno", None)
    where = f" ({name}{':' + str(line) if line else ''})" if name else ""
    return DocumentError(f"template error{where}: {exc}; fix the template in {TEMPLATE_DIR}/ "
                         "or remove it to use the default")


def labels(env: jinja2.Environment, language: str) -> Mapping[str, Any]:
    """The labels (``L``) of a language, from ``<language>/labels.html``."""
    try:
        module = env.get_template(f"{language}/labels.html").module
        value = getattr(module, "L", None)
    except jinja2.TemplateError as exc:
        raise template_problem(exc) from None
    if not isinstance(value, Mapping):
        raise DocumentError(f"{language}/labels.html must set L to a dict of labels "
                            "({% set L = {...} %})")
    return value


# -- inputs ----------------------------------------------------------------------------------


def ledger_dir_of(options_map: Mapping[str, Any]) -> str | None:
    """The directory of the ledger's main file (None for a ledger loaded from a string)."""
    filename = options_map.get("filename")
    if not filename or str(filename).startswith("<"):
        return None
    return os.path.dirname(os.path.abspath(filename))


def company_of(entries: Sequence[Any], as_of: datetime.date) -> Company:
    """The company for documents dated `as_of`; DocumentError when missing or malformed."""
    company, errors = read_company(entries, as_of)
    if errors:
        first = errors[0]
        source = first.source or {}
        where = f"{source.get('filename', '?')}:{source.get('lineno', 0)}: "
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise DocumentError(f"{where}{first.message}{more}")
    if company is None:
        raise DocumentError(
            f"no company details: add a custom \"{DIRECTIVE}\" directive to the ledger, e.g. "
            f"2025-01-01 custom \"{DIRECTIVE}\" \"{{'name': 'Atelier Lumière SARL', "
            "'address': '5 rue de la Charité, 69002 Lyon', 'iban': 'FR76 3000 6000 0112 3456 "
            "7890 189', 'bic': 'BNPAFRPPXXX', 'country': 'FR'}\" (see docs/statements.md)")
    return company


def logo_uri(company: Company, warnings: list[str] | None,
              ledger_dir: str | None = None) -> str | None:
    """The logo as a data: URI (None, with a warning, when it cannot be read)."""
    path = company.logo_path
    if not path:
        return None
    if not os.path.isabs(path) and ledger_dir:  # a ledger loaded from a string
        path = os.path.join(ledger_dir, path)
    mime = _LOGO_MIME.get(os.path.splitext(path)[1].lower())
    try:
        size = os.path.getsize(path)
        if size > MAX_LOGO_BYTES:
            raise OSError(f"{size} bytes; at most {MAX_LOGO_BYTES} are embedded")
        with open(path, "rb") as handle:
            content = handle.read()
    except OSError as exc:
        if warnings is not None:
            warnings.append(f"logo {company.logo!r} cannot be read ({path}: "
                            f"{getattr(exc, 'strerror', None) or exc}); the documents have no "
                            "logo")
        return None
    return f"data:{mime};base64," + base64.b64encode(content).decode("ascii")


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


def prepare(entries: Sequence[Any], options_map: Mapping[str, Any], *, kind: str = ACTIVITY,
            start: datetime.date | None = None, end: datetime.date | None = None,
            ledger_dir: str | None = None, settlement: Settlement | None = None
            ) -> StatementJob:
    """Check the inputs, read the company and settle the subledger as of `end` (default:
    today); an activity statement's period starts on `start` (default: 1 January of `end`'s
    year). A given `settlement` must be settled as of `end`."""
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
    if settlement is None:
        settlement = subledger(entries, options_map, end)
    elif settlement.as_of != end:
        raise DocumentError(f"the settlement is as of {settlement.as_of}, the statement as of "
                            f"{end}: settle the subledger as of the statement date")
    if ledger_dir is None:
        ledger_dir = ledger_dir_of(options_map)
    return StatementJob(settlement, company, kind, start, end, ledger_dir)


def _statements(job: StatementJob, customers: Iterable[str]) -> list[Statement]:
    book = job.settlement.book
    try:
        keys = [find_customer(book, c) for c in customers]
        return build_statements(job.settlement, keys, job.kind, job.start)
    except StatementError as exc:
        raise DocumentError(str(exc)) from None


def statement_html(job: StatementJob, statement: Statement, language: str | None = None,
                   warnings: list[str] | None = None, inline_css: bool = True) -> str:
    """The HTML of one statement: a whole document, with its print CSS unless `inline_css` is
    false (for `html_to_pdf`, given `print_css` apart)."""
    company = job.company
    if language is not None and language not in LANGUAGES:
        raise DocumentError(f"language {language!r}: expected one of {', '.join(LANGUAGES)}")
    language = statement_language(statement, company, language)
    env = template_environment(job.ledger_dir)
    context = {
        "statement": statement,
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


def _allowed_roots(ledger_dir: str | None) -> tuple[str, ...]:
    roots = [os.path.realpath(PACKAGE_TEMPLATES)]
    if ledger_dir:
        roots.append(os.path.realpath(ledger_dir))
    return tuple(roots)


def _fetcher(roots: tuple[str, ...]):
    """A WeasyPrint URL fetcher for data: URIs and files under `roots`, nothing else."""
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None):  # noqa: D102
            scheme = url.split(":", 1)[0].lower()
            if scheme == "file":
                path = os.path.realpath(unquote(urlsplit(url).path))
                if not any(path == root or path.startswith(root + os.sep) for root in roots):
                    raise ValueError(f"{path} is outside the ledger's folder")
            elif scheme != "data":
                raise ValueError(f"{scheme}: URLs are not fetched (no network)")
            return super().fetch(url, headers)

    return LocalFetcher(timeout=5, allowed_protocols=("data", "file"))


def print_css(ledger_dir: str | None) -> str:
    """The print stylesheet (``print.css``, the user's if any)."""
    try:
        return template_environment(ledger_dir).get_template("print.css").render()
    except jinja2.TemplateError as exc:
        raise template_problem(exc) from None


def _base_url(ledger_dir: str | None) -> str:
    user = os.path.join(ledger_dir, TEMPLATE_DIR) if ledger_dir else None
    return (user if user and os.path.isdir(user) else PACKAGE_TEMPLATES) + os.sep


@lru_cache(maxsize=8)
def _stylesheet(css: str, ledger_dir: str | None) -> Any:
    """The stylesheet parsed once: WeasyPrint compiles its selectors, which is slow."""
    from weasyprint import CSS

    return CSS(string=css, base_url=_base_url(ledger_dir),
               url_fetcher=_fetcher(_allowed_roots(ledger_dir)))


def html_to_pdf(html: str, ledger_dir: str | None = None, css: str | None = None,
                pdf_variant: str | None = None) -> bytes:
    """An A4 PDF of a document's HTML (WeasyPrint), styled by `css` if given; `pdf_variant`
    is WeasyPrint's (``"pdf/a-3b"`` for invoices)."""
    from weasyprint import HTML  # imported late: it takes about a second

    try:
        stylesheets = [_stylesheet(css, ledger_dir)] if css else None
        variant = {"pdf_variant": pdf_variant} if pdf_variant else {}
        return HTML(string=html, base_url=_base_url(ledger_dir),
                    url_fetcher=_fetcher(_allowed_roots(ledger_dir))
                    ).write_pdf(stylesheets=stylesheets, **variant)
    except Exception as exc:  # noqa: BLE001 - WeasyPrint raises many kinds
        raise DocumentError(f"the PDF could not be made ({exc.__class__.__name__}: {exc})"
                            ) from None


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
                  ledger_dir=ledger_dir, settlement=settlement)
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
                  ledger_dir=ledger_dir, settlement=settlement)
    statement = _statements(job, [customer])[0]
    return statement_pdf(job, statement, language, warnings)


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")
    return slug[:60] or "customer"


def statement_filename(statement: Statement, fmt: str = "pdf") -> str:
    """E.g. ``statement-RestaurantLeZinc-2026-11-23.pdf``."""
    return f"statement-{slug(statement.reference)}-{statement.end.isoformat()}.{fmt}"


def _can_spawn() -> bool:
    """Whether worker processes can start: "spawn" re-imports the main script, which must
    exist (it does not for ``python - < script``)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    return path is None or os.path.isfile(path)


def render_statements(entries: Sequence[Any], options_map: Mapping[str, Any], *,
                      customers: Iterable[str] | None = None, kind: str = ACTIVITY,
                      start: datetime.date | None = None, end: datetime.date | None = None,
                      fmt: str = "pdf", language: str | None = None,
                      ledger_dir: str | None = None, settlement: Settlement | None = None,
                      warnings: list[str] | None = None, workers: int | None = None
                      ) -> Iterator[tuple[str, bytes]]:
    """(file name, content) of the statements of `customers` (default: every customer with a
    balance at `end`), in customer-name order. PDFs are made by `workers` processes (default:
    one per CPU, at most 4; 1 renders in this process)."""
    if fmt not in FORMATS:
        raise DocumentError(f"format {fmt!r}: expected one of {', '.join(FORMATS)}")
    job = prepare(entries, options_map, kind=kind, start=start, end=end,
                  ledger_dir=ledger_dir, settlement=settlement)
    wanted = customers_with_balance(job.settlement) if customers is None else list(customers)
    statements = _statements(job, wanted)
    names: list[str] = []
    seen: set[str] = set()
    for statement in statements:
        name = statement_filename(statement, fmt)
        stem, ext = os.path.splitext(name)
        number = 2
        while name in seen:
            name = f"{stem}-{number}{ext}"
            number += 1
        seen.add(name)
        names.append(name)
    if fmt == "html":
        for name, statement in zip(names, statements, strict=True):
            yield name, statement_html(job, statement, language, warnings).encode("utf-8")
        return
    css = print_css(job.ledger_dir)
    workers = workers if workers is not None else min(4, os.cpu_count() or 1)
    if workers <= 1 or len(statements) < 8 or not _can_spawn():
        for name, statement in zip(names, statements, strict=True):
            page = statement_html(job, statement, language, warnings, inline_css=False)
            yield name, html_to_pdf(page, job.ledger_dir, css)
        return
    import multiprocessing

    # "spawn": a fresh interpreter, safe from a threaded parent such as Fava's server. The
    # workers start (importing WeasyPrint) while this process writes the HTML.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(min(workers, len(statements)), mp_context=context) as pool:
        futures = [
            (name, pool.submit(html_to_pdf, statement_html(job, statement, language, warnings,
                                                           inline_css=False),
                               job.ledger_dir, css))
            for name, statement in zip(names, statements, strict=True)
        ]
        for name, future in futures:
            yield name, future.result()


def statements_zip(entries: Sequence[Any], options_map: Mapping[str, Any], *,
                   customers: Iterable[str] | None = None, kind: str = ACTIVITY,
                   start: datetime.date | None = None, end: datetime.date | None = None,
                   fmt: str = "pdf", language: str | None = None,
                   ledger_dir: str | None = None, settlement: Settlement | None = None,
                   warnings: list[str] | None = None, workers: int | None = None) -> bytes:
    """A ZIP of the statements of every customer with a balance (or of `customers`)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in render_statements(
                entries, options_map, customers=customers, kind=kind, start=start, end=end,
                fmt=fmt, language=language, ledger_dir=ledger_dir, settlement=settlement,
                warnings=warnings, workers=workers):
            archive.writestr(name, content)
    return buffer.getvalue()


__all__ = [
    "ACTIVITY", "OPEN_ITEMS", "TYPES", "FORMATS", "DocumentError", "StatementJob", "Payment",
    "prepare", "statement_html", "html_to_pdf", "render_statement_html", "render_statement_pdf",
    "render_statements", "statements_zip", "statement_filename", "template_environment",
    "document_locale", "company_of", "ledger_dir_of",
]
