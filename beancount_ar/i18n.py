"""Languages and translations: the one list of languages, and gettext catalogs as Fava keeps
them (Babel ``.po`` files, compiled when the package is built or, failing that, at import).

Messages are keyed by their English text, with ``{name}`` placeholders (python-brace-format)
and plural forms where a count decides the words:

    from beancount_ar.i18n import translator
    t = translator("fr")
    t("Aging")                                          -> "Balance âgée"
    t.n("{count} day late", "{count} days late", 1)     -> "1 jour de retard"
    t.n("{count} day late", "{count} days late", 3)     -> "3 jours de retard"

The catalogs are ``beancount_ar/locale/<language>/LC_MESSAGES/beancount_ar.po``; the messages
are extracted from the code and the templates with Babel (``scripts/messages.sh``, the same
``pybabel extract`` / ``update`` Fava uses). A message missing from a catalog shows in English.
"""

from __future__ import annotations

import datetime
import gettext
import io
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("fr", "en")  # every language of the pages, documents and messages
DEFAULT_LANGUAGE = "en"
DOMAIN = "beancount_ar"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def language_of(value: Any) -> str | None:
    """One of LANGUAGES from "fr", "fr_FR", "fr-FR", "FR"...; None for anything else."""
    if not isinstance(value, str):
        return None
    code = value.strip().replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else None


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalog of a language: its compiled ``.mo`` when it is newer than the ``.po``, else
    the ``.po`` compiled in memory; no translation for a language without a catalog."""
    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if not po.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo  # only without a compiled catalog
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def format_day(day: datetime.date, style: str, locale: str) -> str:
    """A date in words in the locale (Babel), with French's "1er" for the first of a month:
    ``format_day(date(2026, 12, 1), "long", "fr_FR")`` -> "1er décembre 2026"."""
    from babel.dates import format_date  # imported when a date is written, not at every load

    text = format_date(day, format=style, locale=locale)
    if day.day == 1 and locale.split("_")[0] == "fr" and style in ("long", "full", "medium"):
        text = re.sub(r"(?<!\d)1(?= )", "1er", text, count=1)
    return text


class Translator:
    """``t(message, **values)`` and ``t.n(singular, plural, count, **values)`` in a language;
    ``count`` is also a value of the plural message."""

    def __init__(self, language: str) -> None:
        self.language = language_of(language) or DEFAULT_LANGUAGE
        self._catalog = translations(self.language)

    def __call__(self, message: str, /, **values: Any) -> str:
        text = self._catalog.gettext(message)
        return text.format(**values) if values else text

    def n(self, singular: str, plural: str, count: int, /, **values: Any) -> str:
        text = self._catalog.ngettext(singular, plural, count)
        return text.format(count=count, **values)


def translator(language: str) -> Translator:
    """The translator of a language (English for an unknown one)."""
    return Translator(language)


Translate = Callable[..., str]

__all__ = ["DEFAULT_LANGUAGE", "DOMAIN", "LANGUAGES", "LOCALE_DIR", "Translate", "Translator",
           "format_day", "language_of", "translations", "translator"]
