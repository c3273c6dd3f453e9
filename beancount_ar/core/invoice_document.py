"""Invoices as documents: the lines, VAT and legal mentions of an invoice, from its transaction.

An invoice transaction as it is gives its document: the postings that are neither the receivable
nor VAT are its lines, and its VAT postings are its tax. One directive says which accounts hold
VAT, at which rate (and, optionally, which income accounts sell goods):

    2025-01-01 custom "ar-invoicing" "{'vat': {'Liabilities:TVA:Collectee': 20,
                                              'Liabilities:TVA:Reduite': 5.5},
                                      'goods': ['Income:Ventes:Marchandises']}"

    2025-03-04 * "Agence Nordik" "Éclairage de l'open space" ^F-2025-002
      invoice: "F-2025-002"
      Assets:Receivable:AgenceNordik   4992.00 EUR
      Income:Ventes:Prestations       -1660.00 EUR   ; a line, "services"
        quantity: 16
        unit: "HUR"                                   ; UN/ECE rec. 20 code (C62 one, HUR hour...)
      Income:Ventes:Marchandises      -2500.00 EUR   ; a line, "goods"
        description: "Suspensions LED"
      Liabilities:TVA:Collectee        -832.00 EUR   ; the VAT at 20 %

Optional posting metadata refine a line: ``description``, ``quantity``, ``unit``,
``unit_price``, ``vat_rate`` (needed when the invoice has several rates), ``vat_exemption`` (the
reason a line bears no VAT, e.g. "Exonération de TVA, article 262 I du CGI"; also on the
transaction or the customer's ``open``) and ``vat_category`` (``E`` exempt, ``G`` export, ``K``
intra-EU, ``AE`` reverse charge, ``Z`` zero rate; also on the transaction or the customer's
``open``, for its lines without VAT). A credit note (``credit_note:`` metadata) is a
document of type 381 naming the invoice it credits; ``invoice_type: "deposit"`` makes a deposit
invoice (386). The directive's optional keys: ``vat_on_debits`` (True: the French "option pour le
paiement de la taxe d'après les débits" is printed) and ``unit`` (the default unit code, C62).

The checks (`document_problems`): each rate's VAT equals its base times the rate within the one
currency unit the EN 16931 rule BR-CO-17 allows; lines and VAT add up to the receivable; with
``legal: 'FR'`` the mentions the law requires (seller's SIREN, VAT number, address, legal form;
buyer's address and SIREN) are there. Transactions without any line or VAT posting that is
income or VAT (an invoice carried forward against ``Equity:Opening``) were issued elsewhere: they
are not documents. This module is pure: it reads entries and returns records and messages.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from beancount.core import data

from beancount_ar.core.company import Company
from beancount_ar.core.config import Checker, read_directive_settings
from beancount_ar.core.errors import ARError
from beancount_ar.core.identifiers import siren_problem
from beancount_ar.core.model import CREDIT_NOTE, Credit, Customer, Invoice
from beancount_ar.core.money import ZERO, quantum, round_money

DIRECTIVE = "ar-invoicing"
SKIPPED = "ar-invoice-skipped"  # a number left out of a sequence, and why
INVOICE_TYPE = "380"
CREDIT_NOTE_TYPE = "381"
DEPOSIT_TYPE = "386"
GOODS, SERVICES, MIXED = "goods", "services", "mixed"
STANDARD = "S"
EXEMPT_CATEGORIES = ("E", "G", "K", "AE", "Z", "O")
DEFAULT_UNIT = "C62"  # UN/ECE recommendation 20: "one" (a unit)
HUNDRED = Decimal(100)
PRICE_QUANTUM = Decimal("0.0001")
ONE = Decimal(1)
LINE_KEYS = ("description", "quantity", "unit", "unit_price", "vat_rate", "vat_exemption",
             "vat_category")


class DocumentProblem(Exception):
    """An invoice cannot be made into a document; the message says what to fix."""


# -- settings --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InvoicingSettings:
    """The ``ar-invoicing`` directive in force (see the module docstring)."""

    vat: Mapping[str, Decimal]  # VAT account -> rate in percent
    goods: tuple[str, ...] = ()  # accounts (and their children) whose lines are goods
    vat_on_debits: bool = False
    unit: str = DEFAULT_UNIT
    date: datetime.date = datetime.date.min  # the directive's date
    entry: Any = field(default=None, compare=False, repr=False)

    def is_goods(self, account: str) -> bool:
        return any(account == a or account.startswith(a + ":") for a in self.goods)


def _rate_value(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        return None
    try:
        rate = Decimal(str(value))
    except InvalidOperation:
        return None
    return rate if 0 <= rate < 100 else None


def _vat_map(value: Any) -> str | None:
    if not isinstance(value, dict) or not value:
        return ("must be a dict of VAT accounts and rates in percent, such as "
                "{'Liabilities:VAT:Collected': 20}")
    for account, rate in value.items():
        if not isinstance(account, str) or not re.fullmatch(r"[A-Z][\w-]*(:[\w-]+)+", account):
            return f"{account!r} is not an account name such as 'Liabilities:VAT:Collected'"
        if _rate_value(rate) is None:
            return f"{account}: {rate!r} is not a VAT rate in percent (0 to 99, e.g. 20 or 5.5)"
    return None


def _accounts(value: Any) -> str | None:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        return "must be a list of account names such as ['Income:Sales:Goods']"
    return None


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"{value!r} is not True or False"


def _unit(value: Any) -> str | None:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z0-9]{2,3}", value):
        return f"{value!r} is not a UN/ECE unit code such as 'C62' (one), 'HUR' (hour)"
    return None


CHECKS: dict[str, Checker] = {"vat": _vat_map, "goods": _accounts, "vat_on_debits": _bool,
                              "unit": _unit}
EXAMPLE = "{'vat': {'Liabilities:VAT:Collected': 20}}"


def _meta_value(key: str, value: Any) -> tuple[Any, str | None]:
    return value, None


def read_invoicing(entries: Iterable[Any], as_of: datetime.date | None = None
                   ) -> tuple[InvoicingSettings | None, list[ARError]]:
    """The ``ar-invoicing`` directive in force on `as_of` (the latest one; None when the ledger
    has none: invoices are then not documents), and the problems of every such directive."""
    chosen: InvoicingSettings | None = None
    errors: list[ARError] = []
    for entry in entries:
        if type(entry) is not data.Custom or entry.type != DIRECTIVE:
            continue
        settings, problems = settings_of(entry)
        errors.extend(ARError(entry.meta, p, entry) for p in problems)
        if settings is not None and (as_of is None or entry.date <= as_of) and (
                chosen is None or entry.date >= chosen.date):
            chosen = settings
    return chosen, errors


def settings_of(entry: data.Custom) -> tuple[InvoicingSettings | None, list[str]]:
    values, problems = read_directive_settings(entry, CHECKS, EXAMPLE, _meta_value)
    if "vat" not in values:
        problems.append(f'custom "{DIRECTIVE}": needs \'vat\', the VAT accounts and their rates,'
                        f' e.g. "{EXAMPLE}"')
        return None, problems
    vat: dict[str, Decimal] = {}
    for account, rate in values["vat"].items():
        value = _rate_value(rate)
        if value is not None:  # the directive's check reported any bad rate
            vat[account] = value
    return InvoicingSettings(vat, tuple(values.get("goods", ())),
                             bool(values.get("vat_on_debits", False)),
                             values.get("unit", DEFAULT_UNIT), entry.date, entry), problems


def settings_at(entries: Iterable[Any]) -> list[InvoicingSettings]:
    """Every valid ``ar-invoicing`` directive, by date (for checking each invoice at its date)."""
    out = []
    for entry in entries:
        if type(entry) is data.Custom and entry.type == DIRECTIVE:
            settings, _ = settings_of(entry)
            if settings is not None:
                out.append(settings)
    return sorted(out, key=lambda s: s.date)


def in_force(all_settings: Sequence[InvoicingSettings], day: datetime.date
             ) -> InvoicingSettings | None:
    chosen = None
    for settings in all_settings:
        if settings.date <= day:
            chosen = settings
    return chosen


# -- the document ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    """One line of an invoice: one posting of its transaction."""

    number: int
    account: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    net: Decimal  # excluding VAT; positive on invoices and on credit notes
    vat_rate: Decimal
    vat_category: str  # EN 16931 code: S standard, E exempt, G export, K intra-EU...
    exemption: str | None
    nature: str  # GOODS or SERVICES


@dataclass(frozen=True, slots=True)
class Tax:
    """The VAT of one rate (and category): base, amount, exemption reason."""

    rate: Decimal
    category: str
    base: Decimal
    amount: Decimal
    exemption: str | None = None


@dataclass(frozen=True, slots=True)
class Party:
    """The buyer as the document names it."""

    name: str
    address: str | None
    country: str | None
    siren: str | None
    vat: str | None
    delivery_address: str | None
    individual: bool = False


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    """An invoice, deposit invoice or credit note, ready to render (HTML, PDF, Factur-X)."""

    type_code: str  # 380, 381 or 386
    number: str
    date: datetime.date
    delivery_date: datetime.date  # date of the sale or of the service
    currency: str
    buyer: Party
    customer: Customer
    lines: tuple[Line, ...]
    taxes: tuple[Tax, ...]
    total_net: Decimal
    total_vat: Decimal
    total: Decimal  # including VAT: the receivable amount
    due: datetime.date | None
    terms: str  # the payment terms text ("" when the due date is explicit)
    discount_until: datetime.date | None
    discount: Decimal
    discount_percent: Decimal | None
    instalments: tuple[tuple[datetime.date, Decimal], ...]
    referenced: tuple[str, datetime.date | None] | None  # the invoice a credit note credits
    vat_on_debits: bool
    narration: str
    entry: Any = field(default=None, compare=False, repr=False)

    @property
    def nature(self) -> str:
        natures = {line.nature for line in self.lines}
        return MIXED if len(natures) > 1 else (natures.pop() if natures else SERVICES)

    @property
    def is_credit_note(self) -> bool:
        return self.type_code == CREDIT_NOTE_TYPE


def _text(meta: Mapping[str, Any] | None, key: str) -> str | None:
    value = (meta or {}).get(key)
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _number(value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise DocumentProblem(f"{what} must be a number, not {value!r}")
    return Decimal(value)


def buyer_of(customer: Customer, entry_meta: Mapping[str, Any] | None = None) -> Party:
    """The buyer: the customer's ``open`` metadata (``address``, ``siren``, ``vat``,
    ``country``, ``individual``, ``delivery_address``), each overridden by the transaction's
    ``buyer_<key>`` (the way to describe a customer of a shared account)."""
    meta = dict(customer.meta or {})
    for key, value in (entry_meta or {}).items():
        if isinstance(key, str) and key.startswith("buyer_"):
            meta[key[6:]] = value
    country = _text(meta, "country")
    siren = _text(meta, "siren")
    return Party(
        name=customer.name, address=_text(meta, "address") if "address" in meta
        else customer.address, country=country.upper() if country else None,
        siren=re.sub(r"\s", "", siren) if siren else None,
        vat=re.sub(r"\s", "", _text(meta, "vat") or "") or None,
        delivery_address=_text(entry_meta, "delivery_address") or _text(meta, "delivery_address"),
        individual=meta.get("individual") is True)


def is_document(entry: data.Transaction, settings: InvoicingSettings | None,
                receivable: Any) -> bool:
    """Whether the transaction was issued from this ledger: it posts to income or VAT."""
    if settings is None:
        return False
    for posting in entry.postings:
        if receivable(posting.account) is not None:
            continue
        if posting.account in settings.vat or posting.account.split(":", 1)[0] == "Income":
            return True
    return False


def build_lines(entry: data.Transaction, currency: str, settings: InvoicingSettings,
                receivable: Any, sign: int, customer: Customer
                ) -> tuple[list[Line], dict[Decimal, Decimal], list[str]]:
    """The lines, the VAT booked per rate, and the problems (as messages)."""
    problems: list[str] = []
    vat_booked: dict[Decimal, Decimal] = {}
    raw: list[tuple[data.Posting, Decimal]] = []
    for posting in entry.postings:
        if receivable(posting.account) is not None:
            continue
        units = posting.units
        if units is None or units.number is None:
            continue
        if units.currency != currency:
            problems.append(f"{posting.account}: {units} is not in the invoice's currency "
                            f"{currency}; an invoice document has one currency")
            continue
        amount = -units.number * sign
        if posting.account in settings.vat:
            rate = settings.vat[posting.account]
            vat_booked[rate] = vat_booked.get(rate, ZERO) + amount
        else:
            raw.append((posting, amount))
    rates = sorted(r for r in vat_booked if r)
    lines: list[Line] = []
    exemption_default = _text(entry.meta, "vat_exemption") or _text(customer.meta,
                                                                      "vat_exemption")
    narration = " ".join((entry.narration or "").split())
    goods = settings.is_goods
    for index, (posting, net) in enumerate(raw, 1):
        meta = posting.meta or {}
        if len(rates) == 1 and len(meta) <= 2 and not any(k in meta for k in LINE_KEYS):
            # The common case, a line without metadata on a one-rate invoice: the fast path.
            lines.append(Line(
                index, posting.account,
                narration if len(raw) == 1 else _description(narration, posting.account),
                ONE if net >= 0 else -ONE, settings.unit, abs(net), net, rates[0], STANDARD, None,
                GOODS if goods(posting.account) else SERVICES))
            continue
        where = f"line {index} ({posting.account})"
        try:
            rate_meta = meta.get("vat_rate")
            if rate_meta is not None:
                rate = _number(rate_meta, f"{where}: vat_rate")
            elif len(rates) == 1:
                rate = rates[0]
            elif not rates:
                rate = ZERO
            else:
                raise DocumentProblem(
                    f"{where}: the invoice has VAT at {', '.join(f'{r} %' for r in rates)}: say "
                    f"which applies to this line with vat_rate: metadata on the posting")
            category = _text(meta, "vat_category") or (
                None if rate else _text(entry.meta, "vat_category")
                or _text(customer.meta, "vat_category"))
            exemption = _text(meta, "vat_exemption") or exemption_default
            if rate:
                category = category or STANDARD
                if category != STANDARD:
                    raise DocumentProblem(f"{where}: vat_category {category!r} is for lines "
                                          "without VAT; remove it or set vat_rate: 0")
                exemption = None
            else:
                category = category or "E"
                if category not in EXEMPT_CATEGORIES:
                    raise DocumentProblem(f"{where}: vat_category {category!r}: expected one of"
                                          f" {', '.join(EXEMPT_CATEGORIES)}")
                if not exemption and category != "Z":
                    if not vat_booked:
                        raise DocumentProblem(
                            f"{where}: no VAT posting to an account of the {DIRECTIVE} directive"
                            " and no reason for the exemption: add the VAT posting, or "
                            "vat_exemption: \"Exonération de TVA, article 262 I du CGI\" (on "
                            "the posting, the transaction or the customer)")
                    raise DocumentProblem(f"{where}: no VAT on this line: give the reason with "
                                          "vat_exemption: metadata")
            quantity = meta.get("quantity")
            unit_price = meta.get("unit_price")
            if quantity is not None:
                quantity = _number(quantity, f"{where}: quantity")
                if quantity == 0:
                    raise DocumentProblem(f"{where}: quantity must not be 0")
            if unit_price is not None:
                unit_price = _number(unit_price, f"{where}: unit_price")
            if quantity is None:
                quantity = ((net / unit_price).quantize(PRICE_QUANTUM) if unit_price
                            else Decimal(1 if net >= 0 else -1))
                if unit_price and round_money(quantity * unit_price, currency) != net:
                    raise DocumentProblem(f"{where}: {net} {currency} is not a whole number of "
                                          f"unit_price {unit_price}: give quantity: too")
            if unit_price is None:
                unit_price = (net / quantity).quantize(PRICE_QUANTUM, ROUND_HALF_UP)
            elif round_money(quantity * unit_price, currency) != net:
                raise DocumentProblem(
                    f"{where}: quantity {quantity} x unit_price {unit_price} = "
                    f"{round_money(quantity * unit_price, currency)}, but the posting is "
                    f"{net} {currency}; correct the metadata or the amount")
            if unit_price < 0:
                raise DocumentProblem(f"{where}: a negative line ({net} {currency}); book a "
                                      "discount as a line with a negative quantity")
        except DocumentProblem as exc:
            problems.append(str(exc))
            continue
        description = _text(meta, "description") or (
            narration if len(raw) == 1 else _description(narration, posting.account))
        lines.append(Line(index, posting.account, description, quantity,
                          _text(meta, "unit") or settings.unit, unit_price, net, rate, category,
                          exemption, GOODS if settings.is_goods(posting.account) else SERVICES))
    for rate in vat_booked:
        if rate == 0 and vat_booked[rate]:
            problems.append(f"a VAT posting at rate 0 carries {vat_booked[rate]} {currency}")
    return lines, vat_booked, problems


def _description(narration: str, account: str) -> str:
    """A line's default text among several: the narration and the account's last part."""
    leaf = account.rsplit(":", 1)[-1]
    return f"{narration} - {leaf}" if narration else leaf


def vat_tolerance(currency: str) -> Decimal:
    """The difference EN 16931 (BR-CO-17, CII rule) allows between a rate's VAT and its base
    times the rate: one unit of the currency."""
    return Decimal(1)


def build_taxes(lines: Sequence[Line], vat_booked: Mapping[Decimal, Decimal], currency: str
                ) -> tuple[list[Tax], list[str]]:
    """One tax per rate and category; problems where the VAT does not match its base."""
    problems: list[str] = []
    groups: dict[tuple[Decimal, str], list[Line]] = {}
    for line in lines:
        groups.setdefault((line.vat_rate, line.vat_category), []).append(line)
    taxes = []
    for (rate, category), members in sorted(groups.items(), key=lambda kv: -kv[0][0]):
        base = sum((line.net for line in members), ZERO)
        amount = vat_booked.get(rate, ZERO) if rate else ZERO
        expected = round_money(base * rate / HUNDRED, currency)
        if rate and abs(amount - expected) > vat_tolerance(currency):
            problems.append(f"VAT at {rate} %: {amount} {currency} is booked, but {rate} % of "
                            f"the lines at that rate ({base} {currency}) is {expected} "
                            f"{currency}; correct the VAT posting or the lines' vat_rate")
        exemption = next((line.exemption for line in members if line.exemption), None)
        taxes.append(Tax(rate, category, base, amount, exemption))
    for rate, amount in vat_booked.items():
        if rate and amount and not any(t.rate == rate for t in taxes):
            problems.append(f"VAT at {rate} % ({amount} {currency}) is booked but no line is at "
                            f"that rate; set vat_rate: {rate} on the lines it applies to")
    return taxes, problems


def _document(*, type_code: str, number: str, entry: data.Transaction, currency: str,
              amount: Decimal, customer: Customer, settings: InvoicingSettings, receivable: Any,
              sign: int, due: datetime.date | None = None, terms: str = "",
              discount_until: datetime.date | None = None, discount: Decimal = ZERO,
              discount_percent: Decimal | None = None,
              instalments: tuple[Any, ...] = (), referenced: tuple[Any, ...] | None = None
              ) -> tuple[InvoiceDocument | None, list[str]]:
    lines, vat_booked, problems = build_lines(entry, currency, settings, receivable, sign,
                                              customer)
    if not lines and not problems:
        problems.append("the transaction has no line: post the amount excluding VAT to an "
                        "income account")
    if problems:  # the VAT cannot be checked against lines that are wrong
        return None, problems
    taxes, tax_problems = build_taxes(lines, vat_booked, currency)
    problems.extend(tax_problems)
    if problems:
        return None, problems
    total_net = sum((line.net for line in lines), ZERO)
    total_vat = sum((tax.amount for tax in taxes), ZERO)
    if total_net + total_vat != amount:
        return None, [f"the lines ({total_net} {currency}) and the VAT ({total_vat} {currency}) "
                      f"add up to {total_net + total_vat} {currency}, not to the "
                      f"{amount} {currency} of the receivable"]
    delivery = entry.meta.get("delivery_date")
    if not isinstance(delivery, datetime.date):
        delivery = entry.date
    return InvoiceDocument(
        type_code=type_code, number=number, date=entry.date, delivery_date=delivery,
        currency=currency, buyer=buyer_of(customer, entry.meta), customer=customer,
        lines=tuple(lines), taxes=tuple(taxes), total_net=total_net, total_vat=total_vat,
        total=amount, due=due, terms=terms, discount_until=discount_until, discount=discount,
        discount_percent=discount_percent, instalments=instalments, referenced=referenced,
        vat_on_debits=settings.vat_on_debits,
        narration=" ".join((entry.narration or "").split()), entry=entry), []


def _receivable_of(book: Any) -> Callable[[str], bool | None]:
    root = book.config.receivable_root
    prefix = root + ":"
    return lambda account: True if account == root or account.startswith(prefix) else None


def _discount_percent(invoice: Invoice) -> Decimal | None:
    if not invoice.discount or not invoice.amount:
        return None
    return (invoice.discount * HUNDRED / invoice.amount).quantize(Decimal("0.01"))


def invoice_document(book: Any, invoice: Invoice, settings: InvoicingSettings
                     ) -> tuple[InvoiceDocument | None, list[str]]:
    """The document of an invoice of the book (or why it cannot be made)."""
    entry = invoice.entry
    kind = str(entry.meta.get("invoice_type") or "invoice").lower()
    if kind not in ("invoice", "deposit"):
        return None, [f"invoice_type: {kind!r}: expected \"invoice\" or \"deposit\""]
    instalments = tuple((item.due, item.amount) for item in invoice.items) if len(
        invoice.items) > 1 else ()
    return _document(
        type_code=DEPOSIT_TYPE if kind == "deposit" else INVOICE_TYPE, number=invoice.number,
        entry=entry, currency=invoice.currency, amount=invoice.amount,
        customer=book.customers[invoice.customer], settings=settings,
        receivable=_receivable_of(book), sign=1, due=invoice.due, terms=invoice.terms,
        discount_until=invoice.discount_until, discount=invoice.discount,
        discount_percent=_discount_percent(invoice), instalments=instalments)


def credit_notes(book: Any) -> dict[str, list[Credit]]:
    """The credit notes of the book by number (a credit note may credit several postings)."""
    out: dict[str, list[Credit]] = {}
    for event in book.events:
        if isinstance(event, Credit) and event.kind == CREDIT_NOTE and event.number:
            out.setdefault(event.number, []).append(event)
    return out


def credit_note_document(book: Any, credits: Sequence[Credit], settings: InvoicingSettings
                         ) -> tuple[InvoiceDocument | None, list[str]]:
    """The document (381) of a credit note: its credits share one transaction."""
    first = credits[0]
    if len({c.customer for c in credits}) > 1 or len({c.currency for c in credits}) > 1:
        return None, [f"{first.number}: a credit note document is for one customer and one "
                      "currency"]
    refs = [ref for ref in first.refs if ref in book.invoices]
    for link in first.links:
        refs.extend(book.linked(link))
    referenced = None
    if refs:
        invoice = book.invoices[refs[0]]
        referenced = (invoice.number, invoice.date)
    amount = sum((c.amount for c in credits), ZERO)
    return _document(type_code=CREDIT_NOTE_TYPE, number=first.number or "", entry=first.entry,
                     currency=first.currency, amount=amount,
                     customer=book.customers[first.customer], settings=settings,
                     receivable=_receivable_of(book), sign=-1, referenced=referenced)


def find_document(book: Any, number: str, settings: InvoicingSettings | None
                  ) -> InvoiceDocument:
    """The document of an invoice or credit note number; DocumentProblem says why not."""
    if settings is None:
        raise DocumentProblem(f"no {DIRECTIVE} directive: say which accounts hold VAT, e.g. "
                              f"2025-01-01 custom \"{DIRECTIVE}\" \"{EXAMPLE}\"")
    if number in book.invoices:
        invoice = book.invoices[number]
        if not is_document(invoice.entry, settings, _receivable_of(book)):
            raise DocumentProblem(f"{number}: no income or VAT posting (carried forward from "
                                  "another system?): it was not issued from this ledger")
        document, problems = invoice_document(book, invoice, settings)
    else:
        notes = credit_notes(book).get(number)
        if not notes:
            raise DocumentProblem(f"{number}: no invoice or credit note of that number")
        document, problems = credit_note_document(book, notes, settings)
    if document is None:
        entry = (book.invoices[number].entry if number in book.invoices
                 else credit_notes(book)[number][0].entry)
        where = f"{entry.meta.get('filename')}:{entry.meta.get('lineno')}"
        raise DocumentProblem(f"{where}: {number}: {problems[0]}"
                              + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    return document


def issued(book: Any, entries: Iterable[Any], start: datetime.date | None = None,
           end: datetime.date | None = None) -> list[str]:
    """The invoices and credit notes issued from the ledger (`is_document` under the
    ``ar-invoicing`` directive of their date), dated from `start` to `end`, in date order."""
    all_settings = settings_at(e for e in entries if type(e) is data.Custom)
    receivable = _receivable_of(book)
    dated = [(inv.entry, n) for n, inv in book.invoices.items()]
    dated += [(credits[0].entry, n) for n, credits in credit_notes(book).items()]
    out = []
    for entry, number in sorted(dated, key=lambda pair: pair[0].date):
        if (start and entry.date < start) or (end and entry.date > end):
            continue
        if is_document(entry, in_force(all_settings, entry.date), receivable):
            out.append(number)
    return out


# -- French mandatory mentions ---------------------------------------------------------------


def seller_missing(company: Company | None) -> list[str]:
    """What the seller's details lack for a French invoice (L441-9 C. com., CGI 242 nonies A)."""
    if company is None:
        return ["the company's details (a custom \"ar-company\" directive)"]
    missing = []
    for attr, what in (("address", "address"), ("siren", "SIREN"), ("vat", "VAT number (vat)"),
                       ("legal_form", "legal form and share capital (legal_form)")):
        if not getattr(company, attr):
            missing.append(what)
    return missing


def buyer_missing(buyer: Party, seller_country: str | None = "FR") -> list[str]:
    """What the buyer's details lack: the address, and the SIREN of a business in France."""
    missing = []
    if not buyer.address:
        missing.append("address")
    french = (buyer.country or seller_country or "FR") == "FR"
    if french and not buyer.individual:
        if not buyer.siren:
            missing.append("SIREN (siren:, or individual: TRUE for a consumer)")
        elif siren_problem(buyer.siren):
            missing.append(f"a valid SIREN ({buyer.siren!r} is not 9 digits with a valid key)")
    return missing


# -- numbering -------------------------------------------------------------------------------

_SEQUENCE = re.compile(r"^(.*?)(\d+)$")


def numbering_gaps(numbers: Iterable[str], skipped: Iterable[str] = ()
                   ) -> list[tuple[str, str, str]]:
    """Gaps in each sequence of numbers (same prefix, e.g. "F-2025-"): (prefix, after, before)
    for every missing run. `skipped` numbers (``custom "ar-invoice-skipped" "F-2026-067"
    "why"``) are known gaps, explained in the ledger."""
    sequences: dict[str, list[tuple[int, str]]] = {}
    for number in [*numbers, *skipped]:
        match = _SEQUENCE.match(number)
        if match:
            sequences.setdefault(match.group(1), []).append((int(match.group(2)), number))
    gaps = []
    for prefix, members in sequences.items():
        members.sort()
        for (a, name_a), (b, name_b) in zip(members, members[1:], strict=False):
            if b > a + 1:
                gaps.append((prefix, name_a, name_b))
    return gaps


# -- checks at load --------------------------------------------------------------------------


def document_problems(book: Any, entries: Sequence[Any], company: Company | None = None,
                      legal: str | None = None) -> list[ARError]:
    """Every invoice and credit note that cannot be a right document, as errors at its line.

    Nothing when the ledger has no ``ar-invoicing`` directive (its invoices are not
    documents). With ``legal == 'FR'``: the seller's and buyers' mandatory mentions (one error
    per directive or customer, at its line) and the gaps in numbering."""
    all_settings = settings_at(e for e in entries if type(e) is data.Custom)
    if not all_settings:
        return []
    errors: list[ARError] = []
    receivable = _receivable_of(book)
    issued: list[str] = []
    buyers: list[tuple[Any, InvoiceDocument]] = []
    for invoice in book.invoices.values():
        settings = in_force(all_settings, invoice.date)
        if settings is None or not is_document(invoice.entry, settings, receivable):
            continue
        issued.append(invoice.number)
        document, problems = invoice_document(book, invoice, settings)
        errors.extend(ARError(invoice.entry.meta, f"{invoice.number}: {p}", invoice.entry)
                      for p in problems)
        if document is not None:
            buyers.append((invoice.entry, document))
    for number, credits in credit_notes(book).items():
        entry = credits[0].entry
        settings = in_force(all_settings, entry.date)
        if settings is None or not is_document(entry, settings, receivable):
            continue
        issued.append(number)
        document, problems = credit_note_document(book, credits, settings)
        errors.extend(ARError(entry.meta, f"{number}: {p}", entry) for p in problems)
        if document is not None:
            buyers.append((entry, document))
    if legal != "FR":
        return errors
    missing = seller_missing(company)
    if missing:
        source = all_settings[0].entry
        errors.append(ARError(source.meta, "invoices issued under French law must state the "
                                           f"seller's {', '.join(missing)}: add them to the "
                                           "custom \"ar-company\" directive", source))
    reported: set[str] = set()
    seller_country = company.country if company else "FR"
    for entry, document in buyers:
        customer = document.customer
        if customer.key in reported:
            continue
        problems = buyer_missing(document.buyer, seller_country)
        if not problems:
            continue
        if customer.shared:  # each invoice describes its buyer
            errors.append(ARError(entry.meta, f"{document.number}: the invoice must state the "
                                              f"buyer's {', '.join(problems)} (French law): add "
                                              "buyer_address:, buyer_siren: (or buyer_individual:"
                                              " TRUE) to the transaction", entry))
            continue
        reported.add(customer.key)
        source = customer.meta if customer.meta.get("filename") else entry.meta
        errors.append(ARError(source, f"{customer.name}: its invoices must state the buyer's "
                                      f"{', '.join(problems)} (French law): add it to the "
                                      "customer's open directive", entry))
    skipped = [str(e.values[0].value) for e in entries if type(e) is data.Custom
               and e.type == SKIPPED and e.values and isinstance(e.values[0].value, str)]
    for prefix, after, before in numbering_gaps(issued, skipped):
        entry = (book.invoices[before].entry if before in book.invoices
                 else credit_notes(book)[before][0].entry)
        errors.append(ARError(entry.meta, f"warning: {before}: numbers are missing in the "
                                          f"sequence {prefix}... after {after}; French law "
                                          "wants invoices numbered without gaps (a cancelled "
                                          "invoice stays, credited by a credit note)", entry))
    return errors


def load_checks(book: Any, customs: Sequence[Any], legal: str | None) -> list[ARError]:
    """What the invoice plugin reports at load: the ``ar-invoicing`` directives' problems and
    `document_problems` (nothing at all for a ledger without that directive), and the
    ``ar-einvoice`` lifecycle directives that cannot be read."""
    from beancount_ar.core import einvoicing

    errors: list[ARError] = []
    if any(entry.type == einvoicing.DIRECTIVE for entry in customs):
        numbers = set(book.invoices) | set(credit_notes(book))
        errors.extend(einvoicing.read_statuses(customs, numbers)[1])
    if not any(entry.type == DIRECTIVE for entry in customs):
        return errors
    from beancount_ar.core.company import read_company

    errors.extend(read_invoicing(customs)[1])
    company = read_company(customs)[0]
    errors.extend(document_problems(book, customs, company, legal))
    return errors


__all__ = [
    "DIRECTIVE", "DocumentProblem", "InvoiceDocument", "InvoicingSettings",
    "Line", "Party", "Tax", "buyer_missing", "credit_note_document", "credit_notes",
    "document_problems", "find_document", "invoice_document", "issued",
    "load_checks",
    "numbering_gaps", "quantum", "read_invoicing", "seller_missing",
]
