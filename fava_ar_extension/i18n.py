"""The pages' language: labels from the gettext catalogs of `beancount_ar.i18n`, and
locale-aware formatting of numbers and dates.

The language follows Fava's: its ``language`` option, else the browser's preferred language
(Flask-Babel's ``get_locale``). French for ``fr``, English for anything else:

    2025-01-01 custom "fava-option" "language" "fr"

shows "Créances clients", "Balance âgée", amounts as ``1 234,56``. Messages are keyed by their
English text (``t("Aging")``, ``t.n("{count} row", "{count} rows", count)``); one missing from
the catalog shows in English. Numbers and dates are formatted with Babel; tables keep ISO
dates, as Fava does.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

from beancount_ar.core.money import currency_places, places
from beancount_ar.i18n import DEFAULT_LANGUAGE, LANGUAGES, format_day, language_of, translator


class UI:
    """Labels and formatting in one language (see the module docstring)."""

    def __init__(self, lang: str,
                 money_format: Callable[[Decimal, str], str] | None = None) -> None:
        self.lang = language_of(lang) or DEFAULT_LANGUAGE
        # Fava's own number format (its `locale` option and the ledger's precision per
        # currency) when the ledger sets one; else the page language's, with Babel.
        self.money_format = money_format
        self.locale = Locale.parse(self.lang)
        self.t = translator(self.lang)
        self._symbols = (get_decimal_symbol(self.locale), get_group_symbol(self.locale),
                         get_minus_sign_symbol(self.locale))

    def _format(self, value: Decimal | int, digits: int) -> str:
        # The locale's symbols (Babel) on Python's grouping by thousands, which is English's
        # and French's; Babel's format_decimal is ten times slower on long tables.
        decimal, group, minus = self._symbols
        if isinstance(value, Decimal):  # rounded half-up, as money is, not half-even
            value = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        text = f"{abs(value):,.{digits}f}"
        text = text.replace(",", "\0").replace(".", decimal).replace("\0", group)
        return minus + text if value < 0 else text

    # -- numbers -----------------------------------------------------------------------------

    def money(self, amount: Decimal | None, currency: str) -> str:
        """An amount with its currency's decimals (more if the amount has them)."""
        if amount is None:
            return ""
        if self.money_format is not None:
            return self.money_format(amount, currency)
        return self._format(amount, max(currency_places(currency), places(amount)))

    def amount(self, amount: Decimal | None, currency: str) -> str:
        """An amount followed by its currency."""
        return f"{self.money(amount, currency)}\u00a0{currency}" if amount is not None else ""

    def number(self, value: Decimal | int | None, digits: int = 1) -> str:
        if value is None:
            return self.t("n/a")
        return self._format(value, digits)

    # -- dates -------------------------------------------------------------------------------

    def long_date(self, date: datetime.date) -> str:
        return format_day(date, "long", str(self.locale))

    def month(self, date: datetime.date) -> str:
        return format_skeleton("yMMM", date, locale=self.locale)

    def short_month(self, date: datetime.date) -> str:
        return format_date(date, "MMM yy", locale=self.locale)

    # -- codes -------------------------------------------------------------------------------

    def bucket(self, label: str) -> str:
        """The label of an aging bucket from the core's ('current', '1-30', '90+')."""
        if label == "current":
            return self.t("Current")
        if label.endswith("+"):
            return self.t("over {days} days", days=label[:-1])
        low, _, high = label.partition("-")
        return self.t("{low}–{high} days", low=low, high=high)

    def code(self, code: str) -> str:
        """A status, kind or risk level."""
        return self.t(code)


__all__ = ["LANGUAGES", "UI", "translator"]
