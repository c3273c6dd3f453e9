"""The company that sends statements and reminders: letterhead, legal identifiers, bank details.

One ``custom "ar-company"`` directive describes the company. Its details are a Python-literal
dict (the same reader as the plugin's configuration), or metadata on the directive, or both (a
key given twice takes the metadata's value). The latest directive dated on or before the
document's date wins, so a change of address or bank is a new dated directive:

    2025-01-01 custom "ar-company" "{'name': 'Atelier Lumière SARL', 'country': 'FR'}"
      address: "5 rue de la Charité
    69002 Lyon"
      siren: "732829320"
      vat: "FR44732829320"
      iban: "FR76 3000 4000 0312 3456 7890 143"
      bic: "BNPAFRPPXXX"
      email: "compta@atelier-lumiere.example.fr"
      logo: "logo.png"                 ; relative to the file that holds the directive

Only ``name`` is required. Identifiers are checked (IBAN check digits, BIC shape, SIREN key, the
French VAT number's key against the SIREN): a document must not carry a mistyped IBAN. A bad
value is an error at the directive's line and is left out, so the document still renders without
it. This module reads entries only; it never opens a file (the logo is read by the renderer).

``penalty_rate_text`` is deprecated: documents state the rate of the penalties policy
(`beancount_ar.core.charges`), written once per language. A directive that still sets it loads
as before; documents made with it carry a hint (`Company.hints`) naming its file and line.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from beancount.core import data

from beancount_ar.core.config import Checker, read_directive_settings
from beancount_ar.core.errors import ConfigError
from beancount_ar.core.identifiers import (
    bic_problem,
    french_vat_number,
    iban_problem,
    siren_problem,
    vat_problem,
)
from beancount_ar.i18n import LANGUAGES

DIRECTIVE = "ar-company"
_LOGO_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


@dataclass(frozen=True, slots=True)
class Company:
    """The sender of statements and reminders (see the module docstring)."""

    name: str
    address: str | None = None
    country: str | None = None  # ISO 3166 code, e.g. "FR": French legal mentions when "FR"
    legal_form: str | None = None  # e.g. "SARL au capital de 20 000 €"
    siren: str | None = None  # 9 digits
    registration: str | None = None  # e.g. "RCS Lyon 732 829 320"
    vat: str | None = None  # e.g. "FR44732829320"
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    bank: str | None = None  # the bank's name
    iban: str | None = None  # normalised: upper case, no spaces
    bic: str | None = None
    logo: str | None = None  # as written in the directive
    penalty_rate_text: str | None = None  # deprecated, unused by documents (see the docstring)
    language: str | None = None  # documents' language when the customer has none
    footer: str | None = None  # free text printed at the foot of every page
    date: datetime.date | None = None  # the directive's date
    base_dir: str | None = None  # directory of the file holding the directive
    hints: tuple[str, ...] = ()  # deprecations to show with the documents (file:line: ...)

    @property
    def is_french(self) -> bool:
        """Whether French legal mentions (L441-10, D441-5 Code de commerce) apply."""
        return self.country == "FR"

    @property
    def iban_display(self) -> str | None:
        """The IBAN in groups of four characters, as printed on documents."""
        if not self.iban:
            return None
        return " ".join(self.iban[i:i + 4] for i in range(0, len(self.iban), 4))

    @property
    def siren_display(self) -> str | None:
        """The SIREN as "732 829 320"."""
        if not self.siren:
            return None
        return " ".join(self.siren[i:i + 3] for i in range(0, 9, 3))

    @property
    def logo_path(self) -> str | None:
        """The logo's path, relative paths taken from the directive's directory."""
        if not self.logo:
            return None
        if os.path.isabs(self.logo) or not self.base_dir:
            return self.logo
        return os.path.normpath(os.path.join(self.base_dir, self.logo))


# -- checks ----------------------------------------------------------------------------------


def _compact(value: Any) -> str:
    return re.sub(r"[\s.\-]", "", str(value)).upper()


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return f"{value!r} is not a non-empty string"
    return None


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _iban(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return (f"{value!r} is not a valid IBAN; copy it from a bank statement, e.g. "
                "'FR76 3000 6000 0112 3456 7890 189'")
    return iban_problem(value)


def _bic(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return f"{value!r} is not a BIC (8 or 11 letters and digits, e.g. 'BNPAFRPPXXX')"
    return bic_problem(value)


def _siren(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and value == int(value):
        value = f"{int(value):09d}"
    if not isinstance(value, str):
        return f"{value!r} is not a SIREN (9 digits, e.g. '732 829 320')"
    return siren_problem(value)


def _vat(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return f"{value!r} is not a VAT number (country code then digits, e.g. 'FR44732829320')"
    return vat_problem(value)


def _country(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{2}", value.strip()):
        return f"{value!r} is not a two-letter country code such as 'FR'"
    return None


def _email(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value.strip()):
        return f"{value!r} is not an e-mail address"
    return None


def _logo(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.lower().endswith(_LOGO_TYPES):
        return (f"{value!r} is not an image file name (a path ending in "
                f"{', '.join(_LOGO_TYPES)}, relative to the ledger file)")
    return None


def _language(value: Any) -> str | None:
    if value is None or value in LANGUAGES:
        return None
    return f"{value!r} is not a supported language; use 'fr' or 'en'"


CHECKS: dict[str, Checker] = {
    "name": _text,
    "address": _optional_text,
    "country": _country,
    "legal_form": _optional_text,
    "siren": _siren,
    "registration": _optional_text,
    "vat": _vat,
    "email": _email,
    "phone": _optional_text,
    "website": _optional_text,
    "bank": _optional_text,
    "iban": _iban,
    "bic": _bic,
    "logo": _logo,
    "penalty_rate_text": _optional_text,
    "language": _language,
    "footer": _optional_text,
}

_NORMALISE: dict[str, Callable[[Any], str]] = {
    "iban": _compact,
    "bic": _compact,
    "vat": _compact,
    "siren": lambda v: _compact(v if isinstance(v, str) else f"{int(v):09d}"),
    "country": lambda v: v.strip().upper(),
    "email": lambda v: v.strip(),
}


# -- reading ---------------------------------------------------------------------------------


def _directives(entries: Iterable[Any]) -> list[data.Custom]:
    return [entry for entry in entries
            if isinstance(entry, data.Custom) and entry.type == DIRECTIVE]


def _meta_value(key: str, value: Any) -> tuple[Any, str | None]:
    if isinstance(value, Decimal):
        value = str(value)
    if value is not None and not isinstance(value, str):
        return None, f"write the value as a string in quotes, not {value!r}"
    return value, None


def _settings(entry: data.Custom) -> tuple[dict[str, Any], list[str]]:
    """The key/values of one directive (literal dict, then metadata), and what is wrong."""
    return read_directive_settings(entry, CHECKS, "{'name': 'Atelier Lumière SARL'}",
                                   _meta_value)


def read_company(entries: Iterable[Any], as_of: datetime.date | None = None
                 ) -> tuple[Company | None, list[ConfigError]]:
    """The company as of a date, and the problems of the directive used.

    The latest ``custom "ar-company"`` dated on or before `as_of` wins (the latest of all when
    `as_of` is None; the earliest when every directive is dated later). None when there is no
    directive, or when the one used has no valid ``name``.
    """
    directives = _directives(entries)
    if not directives:
        return None, []
    directives.sort(key=lambda e: e.date)
    chosen = directives[0]
    for entry in directives:
        if as_of is None or entry.date <= as_of:
            chosen = entry
    values, problems = _settings(chosen)
    errors = [ConfigError(chosen.meta, message, chosen) for message in problems]
    for key, normalise in _NORMALISE.items():
        if values.get(key) is not None:
            values[key] = normalise(values[key])
    vat, siren = values.get("vat"), values.get("siren")
    if vat and siren and vat.startswith("FR") and vat[2:].isdigit():
        expected = french_vat_number(siren)
        if vat != expected:
            errors.append(ConfigError(chosen.meta, f'custom "{DIRECTIVE}": vat {vat!r} does not '
                                      f"match the SIREN {siren} (expected {expected}); check "
                                      "both numbers", chosen))
            del values["vat"]
    if "name" not in values:
        if not any(e.message.startswith(f'custom "{DIRECTIVE}": name:') for e in errors):
            errors.append(ConfigError(chosen.meta, f'custom "{DIRECTIVE}": the company has no '
                                      "'name'; add it, e.g. \"{'name': 'Atelier Lumière "
                                      "SARL'}\"", chosen))
        return None, errors
    filename = (chosen.meta or {}).get("filename")
    base_dir = os.path.dirname(filename) if filename and not filename.startswith("<") else None
    hints: tuple[str, ...] = ()
    if values.get("penalty_rate_text"):
        meta = chosen.meta or {}
        hints = (f"{meta.get('filename', '?')}:{meta.get('lineno', 0)}: custom \"{DIRECTIVE}\": "
                 "penalty_rate_text is no longer used: documents state the rate of the "
                 "penalties policy (plugin beancount_ar.penalties, or French law by default); "
                 "remove it",)
    return Company(**values, date=chosen.date, base_dir=base_dir, hints=hints), errors
