"""The documents' templates: the Jinja2 environment, Babel formatting of money and dates for
the document's language, the labels of each language, the company's details and its logo.

Templates autoescape everything (names, addresses and narrations come from the ledger and are
never trusted). A template in ``<ledger folder>/ar-templates/`` replaces the one of the same
name in ``beancount_ar/render/templates/``; ``fr/statement.html`` replaces a template in French
only. With

    2025-01-01 custom "ar-company" "{'name': 'Atelier Lumière SARL', 'country': 'FR'}"

``template_environment(ledger_dir)`` renders ``{{ 1234.5|money("EUR") }}`` as ``1 234,50 €`` in
a French document and ``€1,234.50`` in an English one. Every problem is a `DocumentError`.
"""

from __future__ import annotations

import base64
import datetime
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

import jinja2
from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency
from markupsafe import Markup

from beancount_ar.core.company import DIRECTIVE, Company, read_company
from beancount_ar.core.money import currency_places
from beancount_ar.i18n import format_day

TEMPLATE_DIR = "ar-templates"
PACKAGE_TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
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
    digits = currency_places(currency)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_currency(value, currency, format=pattern, currency_digits=False,
                           locale=context.get("locale", "en_GB"))


@jinja2.pass_context
def _date(context: Any, value: datetime.date | None, style: str = "short") -> str:
    if value is None:
        return ""
    return format_day(value, style, context.get("locale", "en_GB"))


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



def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")
    return slug[:60] or "customer"


