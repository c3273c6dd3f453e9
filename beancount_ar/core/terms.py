"""Payment terms: from a terms string to due dates, instalments and an early-payment discount.

An invoice (or its customer, or the plugin's ``default_terms``) states its payment terms as free
text, in French or English. This module reads that text once and turns it into rules that give
concrete calendar dates for any invoice date:

    2025-01-01 open Assets:Receivable:Dupont  EUR
      terms: "45 jours fin de mois"

    2025-01-15 * "Boulangerie Dupont" "Four à sole" ^F-2025-001
      invoice: "F-2025-001"
      terms: "2/10 net 30"
      Assets:Receivable:Dupont    1200.00 EUR
      Income:Sales

Here the invoice is due on 2025-02-14 and a 2 % discount (24.00 EUR) applies if it is paid by
2025-01-25. Without its own ``terms:`` it would be due on 2025-03-31 (2025-01-15 + 45 days is
2025-03-01, then the end of that month: method B). Accepted forms, for an invoice of 2025-01-15:

    net 30, 30 jours, 30 days, à 30 jours           2025-02-14
    à réception, comptant, due on receipt, net 0    2025-01-15
    45 jours fin de mois (method B)                 2025-03-31
    fin de mois 45 jours, fin de mois + 45 (A)      2025-03-17
    30 jours fin de mois le 10                      2025-03-10
    net 30 EOM, eom + 30                            2025-03-02
    10th prox, le 10 du mois suivant                2025-02-10
    fin de mois, EOM                                2025-01-31
    2/10 net 30, escompte 2 % 10 jours, net 30      2 % off until 2025-01-25, due 2025-02-14
    2/10 EOM net 30                                 2 % off until 2025-02-10, due 2025-03-02
    30 % à la commande ; 70 % 30 jours fin de mois  2025-01-15 and 2025-02-28
    500 à réception ; solde 60 jours                2025-01-15 and 2025-03-16

Case, accents and singular/plural do not matter; a day of the month that the month lacks is
clamped to its last day ("le 31" in February is the 28th or 29th). Instalment amounts are rounded
half-up to the currency's quantum and the rest part (else the last part) takes the difference, so
the parts always add up exactly to the invoice.

Everything here is pure: no I/O, no ledger access. ``parse_terms`` is cached, so a 100,000-invoice
ledger with a handful of distinct terms strings parses each string once.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

__all__ = [
    "ACCEPTED_FORMS",
    "Discount",
    "DueRule",
    "Part",
    "ScheduledPart",
    "Terms",
    "TermsError",
    "FRENCH_SECTORS",
    "LegalLimit",
    "french_legal_limit",
    "french_limit",
    "french_sector",
    "next_business_day",
    "parse_terms",
]

ACCEPTED_FORMS: tuple[str, ...] = (
    "net 30",
    "30 jours",
    "à réception",
    "45 jours fin de mois",
    "30 jours fin de mois le 10",
    "fin de mois 45 jours",
    "fin de mois + 45",
    "net 30 EOM",
    "fin de mois",
    "10th prox",
    "le 10 du mois suivant",
    "2/10 net 30",
    "2/10 EOM net 30",
    "escompte 2 % 10 jours, net 30",
    "30 % à la commande ; 70 % 30 jours fin de mois",
    "500 à réception ; solde 60 jours",
)

_HINT = "accepted forms: " + ", ".join(repr(form) for form in ACCEPTED_FORMS)

_KINDS = frozenset({"days", "eom_then_days", "days_then_eom", "proximo"})
_MAX_DAYS = 3660  # ten years: anything longer is a typing mistake
_HUNDRED = Decimal(100)
_ZERO = Decimal(0)


class TermsError(ValueError):
    """Payment terms that cannot be read or applied.

    The message says what is wrong; unless ``hint`` is false it also lists the accepted forms.
    """

    def __init__(self, message: str, *, hint: bool = True) -> None:
        super().__init__(f"{message}; {_HINT}" if hint else message)


@dataclass(frozen=True, slots=True)
class DueRule:
    """How one date (a due date or the end of a discount window) derives from the invoice date.

    ``kind`` is one of:

    - ``'days'``: invoice date + ``days``;
    - ``'eom_then_days'`` (method A, US "EOM"): end of the invoice month, then + ``days``;
    - ``'days_then_eom'`` (method B): invoice date + ``days``, then the end of that month, then,
      if ``day`` is set, day ``day`` of the following month ("30 jours fin de mois le 10");
    - ``'proximo'``: day ``day`` of the month after the invoice month.

    Days of the month are clamped to the month's length.
    """

    kind: str
    days: int = 0
    day: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"unknown due rule kind {self.kind!r}; one of {sorted(_KINDS)}")
        if self.days < 0:
            raise ValueError(f"a number of days cannot be negative ({self.days})")
        if self.day is not None and not 1 <= self.day <= 31:
            raise ValueError(f"a day of the month must be between 1 and 31, not {self.day}")
        if self.kind == "proximo" and self.day is None:
            raise ValueError("a 'proximo' rule needs a day of the month")

    def due(self, invoice_date: date) -> date:
        """The date this rule gives for an invoice dated `invoice_date`."""
        kind = self.kind
        if kind == "days":
            return invoice_date + timedelta(days=self.days)
        # Month arithmetic by hand rather than dateutil's relativedelta (the same results,
        # tests/test_terms_dates.py): this runs for most invoices of every load.
        if kind == "eom_then_days":
            return _month_end(invoice_date) + timedelta(days=self.days)
        if kind == "days_then_eom":
            end = _month_end(invoice_date + timedelta(days=self.days))
            if self.day is None:
                return end
            return _next_month(end, self.day)
        assert self.day is not None  # checked in __post_init__
        return _next_month(invoice_date, self.day)


def _month_end(day: date) -> date:
    """The last day of `day`'s month (``day + relativedelta(day=31)``)."""
    return day.replace(day=monthrange(day.year, day.month)[1])


def _next_month(day: date, day_of_month: int) -> date:
    """That day of the next month, clamped to its length
    (``day + relativedelta(months=1, day=day_of_month)``)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day_of_month, monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class Discount:
    """An early-payment discount: ``percent`` off if paid by ``rule.due(invoice_date)``."""

    percent: Decimal
    rule: DueRule


@dataclass(frozen=True, slots=True)
class Part:
    """One instalment: a percentage of the invoice, a fixed amount, or the rest."""

    percent: Decimal | None
    fixed: Decimal | None
    rest: bool
    rule: DueRule


@dataclass(frozen=True, slots=True)
class ScheduledPart:
    """One instalment of one invoice: its 1-based index, rounded amount and due date."""

    index: int
    amount: Decimal
    due: date


def _round(value: Decimal, quantum: Decimal) -> Decimal:
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Terms:
    """Parsed payment terms: the original text, its instalments and its discount."""

    text: str
    parts: tuple[Part, ...]
    discount: Discount | None

    @property
    def is_split(self) -> bool:
        """True if the invoice is payable in more than one instalment."""
        return len(self.parts) > 1

    def schedule(
        self, invoice_date: date, amount: Decimal, quantum: Decimal
    ) -> tuple[ScheduledPart, ...]:
        """The instalments of an invoice of `amount` dated `invoice_date`, in written order.

        Percent and fixed parts are rounded half-up to `quantum` ("500" is 500.00 EUR), and the
        rest part (else the last part) takes the difference, so the amounts add up exactly to
        `amount`. A negative amount (a credit) gives negative parts. Raises TermsError if the
        fixed parts (with the percent parts) exceed the amount.
        """
        parts = self.parts
        negative = amount < 0
        total = -amount if negative else amount
        target = next((i for i, part in enumerate(parts) if part.rest), len(parts) - 1)
        amounts = [_ZERO] * len(parts)
        has_fixed = False
        for i, part in enumerate(parts):
            if i == target:
                continue
            if part.fixed is not None:
                has_fixed = True
                amounts[i] = _round(part.fixed, quantum)
            elif part.percent is not None:
                amounts[i] = _round(total * part.percent / _HUNDRED, quantum)
        remainder = total - sum(amounts, _ZERO)
        if remainder < 0:
            if has_fixed:
                raise TermsError(
                    f"payment terms {self.text!r}: the instalments before the rest add up to "
                    f"{sum(amounts, _ZERO)}, more than the invoice amount {total}",
                    hint=False,
                )
            # Only percent parts, each rounded up: a tiny amount of a few quanta. Round the
            # running total instead, so no part turns negative.
            done = cumulative = _ZERO
            for i, part in enumerate(parts):
                if i == target or part.percent is None:
                    continue
                cumulative += part.percent
                upto = _round(total * cumulative / _HUNDRED, quantum)
                amounts[i] = upto - done
                done = upto
            remainder = total - done
        amounts[target] = remainder
        return tuple(
            ScheduledPart(i + 1, -value if negative else value, part.rule.due(invoice_date))
            for i, (part, value) in enumerate(zip(parts, amounts, strict=True))
        )

    def discount_until(self, invoice_date: date) -> date | None:
        """The last day on which the early-payment discount applies, or None."""
        return None if self.discount is None else self.discount.rule.due(invoice_date)

    def discount_amount(self, amount: Decimal, quantum: Decimal) -> Decimal:
        """The discount on `amount`, rounded half-up to `quantum`; 0 without a discount."""
        if self.discount is None:
            return Decimal(0)
        return _round(amount * self.discount.percent / _HUNDRED, quantum)

    def max_due(self, invoice_date: date) -> date:
        """The due date of the last instalment."""
        return max(part.rule.due(invoice_date) for part in self.parts)


# --------------------------------------------------------------------------------------------
# Parsing.


class _Bad(Exception):
    """Why a terms string cannot be read (becomes a TermsError naming the string)."""


_NUM = r"(\d+)"
_DEC = r"\d+(?:\.\d+)?"
_UNIT = r"(?:jours?|j|days?|d)"
_EOM_WORDS = r"(?:fin d[eu] mois|end of (?:the )?month)"
_EOM_ABBR = r"(?:eom|e\.o\.m\.?)"
_EOM_ANY = rf"(?:{_EOM_WORDS}|{_EOM_ABBR})"
_ORD = r"(?:st|nd|rd|th|er|eme|e)?"
_NEXT_MONTH = r"(?:du mois (?:suivant|prochain)|of (?:the )?(?:following|next) month)"
_ON_DAY = rf"(?:le|on the|on|the) (\d+){_ORD}(?: {_NEXT_MONTH})?"
_FROM_INVOICE = (
    r"(?:(?:a compter de (?:la )?|de (?:la )?|from (?:the )?|after (?:the )?)?"
    r"(?:date de (?:la )?facture|date facture|invoice date|date of invoice|invoice))"
)
_NET = r"(?:net ?|n/)"

# Leading words that carry no meaning: "payable à 30 jours", "due in 30 days", "à réception".
_FILLER = re.compile(
    r"(?:(?:payable|paiement|reglement|payment|paid|due) )?(?:(?:a|at|in|within|sous|dans) )?"
)

# (pattern, rule kind, group of the days, group of the day of month); the first match wins.
_DUE_FORMS: tuple[tuple[re.Pattern[str], str, int | None, int | None], ...] = tuple(
    (re.compile(pattern), kind, days, day)
    for pattern, kind, days, day in (
        (
            r"(?:(?:on|upon|at) )?(?:reception|receipt)"
            r"(?: (?:de (?:la )?facture|of (?:the )?invoice))?"
            r"|comptant|cash|immediate(?:ly)?|immediat(?:ement)?"
            r"|la commande|(?:on|with|upon) order",
            "days",
            None,
            None,
        ),
        (rf"(?:net )?{_NUM} ?{_UNIT} {_EOM_WORDS}(?: {_ON_DAY})?", "days_then_eom", 1, 2),
        (rf"{_EOM_ANY} ?(?:\+ ?)?{_NUM}(?: ?{_UNIT})?(?: net)?", "eom_then_days", 1, None),
        (rf"{_NET}?{_NUM}(?: ?{_UNIT})? {_EOM_ABBR}", "eom_then_days", 1, None),
        (rf"{_EOM_ANY}(?: {_ON_DAY})?", "days_then_eom", None, 1),
        (rf"{_NUM}{_ORD} prox(?:imo)?\.?(?: {_NEXT_MONTH})?", "proximo", None, 1),
        (rf"(?:le |on the |the )?{_NUM}{_ORD} {_NEXT_MONTH}", "proximo", None, 1),
        (rf"{_NET}{_NUM}(?: ?{_UNIT})?(?: {_FROM_INVOICE})?", "days", 1, None),
        (rf"{_NUM} ?{_UNIT}(?: net)?(?: {_FROM_INVOICE})?", "days", 1, None),
    )
)


def _due_rule(clause: str) -> DueRule | None:
    """The rule of a due clause ("30 jours fin de mois"), None if it is not one.

    Raises _Bad for a clause of a known form with an impossible number in it.
    """
    clause = " ".join(clause.replace(",", " ").split()).rstrip(".")
    clause = clause[_FILLER.match(clause).end() :]  # type: ignore[union-attr]
    for pattern, kind, days_group, day_group in _DUE_FORMS:
        match = pattern.fullmatch(clause)
        if match is None:
            continue
        days = int(match[days_group]) if days_group else 0
        day = match[day_group] if day_group else None
        if days > _MAX_DAYS:
            raise _Bad(f"{days} days is more than {_MAX_DAYS} days")
        if day is not None and not 1 <= int(day) <= 31:
            raise _Bad(f"day {int(day)} of the month is not between 1 and 31")
        return DueRule(kind, days, None if day is None else int(day))
    return None


# "2/10 net 30", "1.5/15 net 45", "2/10 EOM net 30" (US: EOM applies to both periods).
_US_DISCOUNT = re.compile(rf"({_DEC}) ?%? ?/ ?{_NUM}( {_EOM_ABBR})?(?: ?,)? (.+)")
# "escompte 2 % 10 jours, 30 jours fin de mois", "escompte 2 % à 10 jours, net 30".
_KEYWORD_DISCOUNT = re.compile(
    rf"(?:escompte|discount)(?: de| of)? ({_DEC}) ?%(?: (?:pour|si|if) (?:paiement|paid|payment))?"
    rf"(?: (?:a|at|in|within|sous|dans))? {_NUM} ?{_UNIT}(?: ?,)? (.+)"
)
# "2% 10 days, net 30", "2 % 10 jours net 30" (a comma or 'net' must follow the window).
_PLAIN_DISCOUNT = re.compile(
    rf"({_DEC}) ?% (?:(?:a|at|in|within|sous|dans) )?{_NUM} ?{_UNIT}(?: ?, ?| (?=net|n/))(.+)"
)


def _discount(text: str) -> tuple[Decimal, DueRule, DueRule] | None:
    """(percent, discount window, due rule) of a single-payment discount clause, or None.

    Raises _Bad for a discount clause that cannot stand: its due clause is unreadable or split
    into instalments, or its percentage is out of range.
    """
    explicit = True
    match = _US_DISCOUNT.fullmatch(text)
    if match is not None:
        percent, window, eom, rest = match.groups()
    else:
        match = _KEYWORD_DISCOUNT.fullmatch(text)
        if match is None:
            match = _PLAIN_DISCOUNT.fullmatch(text)
            explicit = False
        if match is None:
            return None
        percent, window, rest = match.groups()
        eom = None
    rule = _due_rule(rest)
    if rule is None:
        if not explicit:
            return None
        if _looks_split(rest):
            raise _Bad(_DISCOUNT_SPLIT)
        raise _Bad(f"cannot read the due date {rest.strip()!r} after the discount")
    days = int(window)
    if days > _MAX_DAYS:
        raise _Bad(f"{days} days is more than {_MAX_DAYS} days")
    if eom is not None or (match.re is _US_DISCOUNT and rule.kind == "eom_then_days"):
        # US EOM dating: both periods start at the end of the invoice month.
        window_rule = DueRule("eom_then_days", days)
        if rule.kind == "days":
            rule = DueRule("eom_then_days", rule.days)
    else:
        window_rule = DueRule("days", days)
    pct = Decimal(percent)
    if not 0 < pct < 100:
        raise _Bad(f"a discount of {pct} % must be more than 0 % and less than 100 %")
    if window_rule.kind == rule.kind and window_rule.days > rule.days:
        raise _Bad(
            f"the discount period ({window_rule.days} days) is longer than the payment term "
            f"({rule.days} days)"
        )
    return pct, window_rule, rule


_DISCOUNT_SPLIT = (
    "an early-payment discount applies to a single-payment invoice, not to instalments"
)
_DISCOUNT_HINT = re.compile(r"\b(?:escompte|discount)\b|\d ?%? ?/ ?\d")
_REST = r"(?:(?:le |the )?(?:solde|reste|balance|rest|remainder))"
_CURRENCY = r"(?: ?(?:eur|usd|gbp|chf|cad|€|\$|£))"
_PART = re.compile(
    rf"(?:(?P<pct>{_DEC}) ?%|(?P<rest>{_REST})\b|(?P<fixed>{_DEC}){_CURRENCY}?(?= |$)) ?(?P<due>.*)"
)
_PART_START = re.compile(rf"(?:{_DEC} ?%|{_REST}\b)")
_SEPARATOR = re.compile(r"([+,])")


def _looks_split(text: str) -> bool:
    return ";" in text or "%" in text or re.search(rf"\b{_REST}\b", text) is not None


def _starts_part(piece: str) -> bool:
    """True if `piece` (after a '+' or ',') begins a new instalment rather than continuing."""
    piece = piece.strip()
    if _PART_START.match(piece):
        return True
    match = _PART.fullmatch(piece)
    if match is None or match["fixed"] is None:
        return False
    try:
        return _due_rule(match["due"]) is not None
    except _Bad:
        return True


def _split(text: str) -> list[str]:
    """Instalment texts: split on ';', and on '+' or ',' where a new instalment starts."""
    pieces: list[str] = []
    for chunk in text.split(";"):
        tokens = _SEPARATOR.split(chunk)
        current = tokens[0]
        for separator, token in zip(tokens[1::2], tokens[2::2], strict=True):
            if _starts_part(token):
                pieces.append(current)
                current = token
            else:
                current += separator + token
        pieces.append(current)
    return [piece.strip() for piece in pieces if piece.strip()]


def _part(piece: str, single: bool) -> Part:
    match = _PART.fullmatch(piece)
    if match is None:
        if single:
            raise _Bad("this is not a form of payment terms I know")
        raise _Bad(f"cannot read the instalment {piece!r}")
    due = match["due"].strip()
    rule = _due_rule(due)
    if single and match["fixed"] is not None and rule is None:
        raise _Bad("this is not a form of payment terms I know")
    if not due:
        raise _Bad(
            f"the instalment {piece!r} has no due date (write it as e.g. "
            f"'{piece} à réception' or '{piece} 30 jours')"
        )
    if rule is None:
        if _DISCOUNT_HINT.search(due):
            raise _Bad(_DISCOUNT_SPLIT)
        raise _Bad(f"cannot read the due date {due!r} of the instalment {piece!r}")
    percent = None if match["pct"] is None else Decimal(match["pct"])
    fixed = None if match["fixed"] is None else Decimal(match["fixed"])
    if percent is not None and percent <= 0:
        raise _Bad(f"the instalment {piece!r} is {percent} %: it must be more than 0 %")
    if fixed is not None and fixed <= 0:
        raise _Bad(f"the instalment {piece!r} is {fixed}: it must be more than 0")
    return Part(percent, fixed, match["rest"] is not None, rule)


def _parse(text: str) -> tuple[tuple[Part, ...], Discount | None]:
    discount = _discount(text)
    if discount is not None:
        percent, window, discount_rule = discount
        return (Part(_HUNDRED, None, False, discount_rule),), Discount(percent, window)
    rule = _due_rule(text)
    if rule is not None:
        return (Part(_HUNDRED, None, False, rule),), None
    pieces = _split(text)
    if len(pieces) > 1 and _DISCOUNT_HINT.search(text):
        raise _Bad(_DISCOUNT_SPLIT)
    parts = tuple(_part(piece, len(pieces) == 1) for piece in pieces)
    if not parts:
        raise _Bad("no instalment in it")
    rests = sum(part.rest for part in parts)
    if rests > 1:
        raise _Bad(f"{rests} 'solde' parts: only one instalment can take the rest")
    percents = sum((part.percent for part in parts if part.percent is not None), _ZERO)
    if percents > _HUNDRED:
        raise _Bad(f"the percentages add up to {percents} %, more than 100 %")
    if not rests:
        if any(part.fixed is not None for part in parts):
            raise _Bad("an instalment of a fixed amount needs a 'solde' part to take the rest")
        if percents != _HUNDRED:
            raise _Bad(
                f"the percentages add up to {percents} %, not 100 % "
                "(or add a 'solde' part to take the rest)"
            )
    return parts, None


_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")


def _normalize(text: str) -> str:
    """Lowercase, without accents, one space between words, '.' as the decimal separator."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    text = _DECIMAL_COMMA.sub(".", text)
    return " ".join(text.split())


@functools.lru_cache(maxsize=4096)
def parse_terms(text: str) -> Terms:
    """Read payment terms such as "net 30" or "30 % à la commande ; 70 % 30 jours fin de mois".

    Raises TermsError, naming the text and listing the accepted forms, if it cannot be read.
    """
    if not isinstance(text, str):
        raise TermsError(f"payment terms must be a string such as 'net 30', not {text!r}")
    normalized = _normalize(text)
    if not normalized:
        raise TermsError(f"cannot read payment terms {text!r}: they are empty")
    try:
        parts, discount = _parse(normalized)
    except _Bad as exc:
        raise TermsError(f"cannot read payment terms {text!r}: {exc}") from None
    return Terms(text, parts, discount)


# --------------------------------------------------------------------------------------------
# Calendars.


@functools.lru_cache(maxsize=512)
def _holidays(country: str, year: int) -> frozenset[date]:
    # Imported here: the holidays package takes a tenth of a second to import, and every load
    # of a ledger imports this module while few terms count business days.
    import holidays

    code, _, subdivision = country.partition("-")
    try:
        calendar = holidays.country_holidays(code, subdiv=subdivision or None, years=year)
    except NotImplementedError as exc:
        raise ValueError(
            f"{country!r} is not a country code known to the holidays package (e.g. 'FR', 'DE')"
        ) from exc
    return frozenset(calendar)


def next_business_day(d: date, country: str) -> date:
    """`d` if it is a business day in `country` ('FR', 'DE', 'DE-BY'...), else the next one.

    Saturdays, Sundays and the country's public holidays are not business days.
    """
    country = country.strip().upper()
    while d.weekday() >= 5 or d in _holidays(country, d.year):
        d += timedelta(days=1)
    return d


_LEGAL_B = DueRule("days_then_eom", 45)
_LEGAL_A = DueRule("eom_then_days", 45)


def french_legal_limit(invoice_date: date) -> date:
    """The latest due date French law allows for an invoice (Code de commerce L441-10).

    60 days from the invoice date, or 45 days end of month (whichever method gives the later
    date: +45 days then end of month, or end of month then +45 days).
    """
    return max(
        invoice_date + timedelta(days=60), _LEGAL_B.due(invoice_date), _LEGAL_A.due(invoice_date)
    )


@dataclass(frozen=True)
class LegalLimit:
    """The latest due date French law allows an invoice, and the rule that sets it."""

    date: date
    rule: str  # e.g. "30 days after delivery for perishable food, Code de commerce L441-11 II 1°"


# Sector maxima of Code de commerce L441-11 II, by the value of ``sector:`` on a customer's
# ``open``: (rule, article). They replace the general maximum of L441-10 for that customer. The
# invoice date stands for the delivery date (an invoice is issued on delivery, L441-9).
FRENCH_SECTORS: dict[str, tuple[str, str]] = {
    "perishable-food": ("30 days after delivery for perishable food", "L441-11 II 1°"),
    "live-cattle": ("20 days after delivery for live cattle and fresh meat", "L441-11 II 2°"),
    "excise-alcohol": ("30 days after the end of the delivery month for alcoholic drinks under "
                       "excise duty", "L441-11 II 3°"),
    "road-transport": ("30 days from the invoice date for road haulage, vehicle hire and "
                       "freight forwarding", "L441-11 II 5°"),
}
FRENCH_SECTOR_ALIASES = {"freight-forwarding": "road-transport"}


def french_sector(value: object) -> str | None:
    """The sector key of a ``sector:`` value ('perishable-food'...), None if it is not one."""
    if not isinstance(value, str):
        return None
    key = value.strip().lower().replace("_", "-").replace(" ", "-")
    key = FRENCH_SECTOR_ALIASES.get(key, key)
    return key if key in FRENCH_SECTORS else None


def french_limit(invoice_date: date, sector: str | None = None) -> LegalLimit:
    """The latest due date French law allows, for a customer of `sector` (a FRENCH_SECTORS key)
    or in general (L441-10: 60 days, or 45 days end of month)."""
    if sector is None:
        return LegalLimit(french_legal_limit(invoice_date),
                          "60 days, or 45 days end of month, L441-10")
    rule, article = FRENCH_SECTORS[sector]
    if sector == "live-cattle":
        limit = invoice_date + timedelta(days=20)
    elif sector == "excise-alcohol":
        limit = invoice_date + relativedelta(day=31) + timedelta(days=30)
    else:
        limit = invoice_date + timedelta(days=30)
    return LegalLimit(limit, f"{rule}, Code de commerce {article}")
