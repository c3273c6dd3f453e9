"""Reads the receivables subledger out of the entries, in one pass.

Every posting to a receivable account (at or below ``receivable_root``) becomes exactly one
record, so the subledger always adds up to the accounts' balances:

- a debit that `recognition.py` recognises as an invoice (``invoice:`` metadata, a link naming
  no invoice yet, a number in the narration matched by ``invoice_pattern``) is an `Invoice`,
  split into one `Item` per instalment, with due dates from its terms (``due:`` metadata, else
  the invoice's ``terms:``, else the customer's, else the plugin's ``default_terms``);
- a debit tagged ``#ar-penalty`` and linked to an invoice is an `Item` of kind ``penalty``;
- any other debit is an `Item` of kind ``debit`` (a refund, a bounced payment, an opening balance);
- a credit is a `Credit`: a credit note (``credit_note:`` metadata), a write-off (the transaction
  posts to ``writeoff_account``), a discount (it posts to ``discount_account`` and nothing else),
  or a payment (the rest; its own postings to ``discount_account`` are its booked discount).
  A credit names invoices by links, by ``invoice:`` on its receivable posting, by ``invoice:``
  on the transaction (a transaction with ``invoice:`` is an invoice only when it debits a
  receivable), or by numbers of its customer's invoices quoted in its narration or payee.

    2025-01-15 * "Dupont" "Installation" ^F-2025-001
      invoice: "F-2025-001"
      terms: "2/10 net 30"
      Assets:Receivable:Dupont   1200.00 EUR
      Income:Sales              -1000.00 EUR
      Liabilities:VAT            -200.00 EUR

    2025-01-24 * "Dupont" "Virement" ^F-2025-001
      Assets:Bank                1176.00 EUR
      Assets:Receivable:Dupont  -1176.00 EUR

Problems (duplicate numbers, unreadable terms, an invoice over two customers...) are returned as
errors at the entry's file and line; the records are still built, as plain debits where an invoice
cannot be read, so no amount is ever lost.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount

from beancount_ar.core.config import ArConfig
from beancount_ar.core.errors import ARError
from beancount_ar.core.limits import date_problem, transaction_problem, value_problem
from beancount_ar.core.model import (
    CREDIT_NOTE,
    DEBIT,
    DISCOUNT,
    GENERATED,
    INVOICE,
    PAYMENT,
    PENALTY,
    PENALTY_TAG,
    WRITEOFF,
    Credit,
    Customer,
    Dispute,
    Invoice,
    Item,
    PaymentPlan,
    PlanInstalment,
    ReminderRecord,
)
from beancount_ar.core.money import ZERO, quantum
from beancount_ar.core.recognition import METADATA, Recogniser
from beancount_ar.core.sending import reminder_values
from beancount_ar.core.terms import (
    FRENCH_SECTORS,
    Terms,
    TermsError,
    french_limit,
    french_sector,
    next_business_day,
    parse_terms,
)
from beancount_ar.i18n import LANGUAGES

_UNSEEN = object()
GENERATED_IDS = 1 << 48
"""The records of the entries the plugins add (``filename: "<beancount_ar>"``) are numbered from
here, in their own sequence: the other records keep the same ids whether or not a plugin's
entries are in the list (`beancount_ar.core.shared` relies on it), and a generated charge or
discount comes after the user's own records of the same day where ids break ties."""
_new = tuple.__new__  # builds a named tuple without its Python-level __new__ (hot paths only)
_REF_SPLIT = re.compile(r"[\s,;]+")

COMPUTED = "__ar_computed__"
"""Metadata key the invoice plugin sets on invoices whose `due` (etc.) it computed."""

RECOGNISED = "ar_recognised"
"""Metadata key the invoice plugin sets, with the rule, on the invoices it recognised by a
convention (it also sets their ``invoice:``, so that queries and later readers see them)."""


@dataclass(frozen=True, slots=True)
class Book:
    """The subledger: customers, invoices, and every item and credit in entry order."""

    config: ArConfig
    customers: Mapping[str, Customer]
    invoices: Mapping[str, Invoice]
    events: tuple[Item | Credit, ...]
    # Invoices carrying a link other than their own number (an invoice's own number is a link
    # to it without an entry here): use `linked`.
    by_link: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    penalties: Mapping[str, tuple[Item, ...]] = field(default_factory=dict)  # by invoice number
    disputes: Mapping[str, tuple[Dispute, ...]] = field(default_factory=dict)  # by invoice number
    plans: tuple[PaymentPlan, ...] = ()
    reminders: tuple[ReminderRecord, ...] = ()
    # How each invoice recognised by a convention other than ``invoice:`` metadata was (a rule
    # of `recognition.RULES`), by invoice number.
    rules: Mapping[str, str] = field(default_factory=dict)

    def linked(self, link: str) -> tuple[str, ...]:
        """The invoices a link names: the invoice of that number, then the others carrying it."""
        extra = self.by_link.get(link, ())
        if link in self.invoices:
            return (link, *(n for n in extra if n != link)) if extra else (link,)
        return extra

    def disputed(self, invoice: str | None, day: datetime.date) -> Dispute | None:
        """The dispute holding `invoice` aside on `day`, if any."""
        for dispute in self.disputes.get(invoice or "", ()):
            if dispute.active(day):
                return dispute
        return None


def split_refs(value: Any) -> tuple[str, ...]:
    """Invoice numbers in an ``invoice:`` value: one, or several separated by spaces or commas."""
    if value is None:
        return ()
    return tuple(ref for ref in _REF_SPLIT.split(str(value).strip()) if ref)


def _meta_str(meta: Mapping[str, Any] | None, key: str) -> str | None:
    if not meta:
        return None
    value = meta.get(key)
    return None if value is None else str(value)


DISPUTE = "ar-dispute"
DISPUTE_RESOLVED = "ar-dispute-resolved"
PLAN = "ar-plan"
REMINDER = "ar-reminder"
DIRECTIVES = (DISPUTE, DISPUTE_RESOLVED, PLAN, REMINDER)


def _values(entry: data.Custom) -> list[Any]:
    return [v.value for v in entry.values or ()]


class _DirectiveReader:
    """Disputes, payment plans and reminder records, read once every invoice is known."""

    customs: list[data.Custom]
    invoices: dict[str, Invoice]
    customers: dict[str, Customer]

    def error(self, entry: Any, message: str) -> None:
        raise NotImplementedError

    def directives(self) -> tuple[dict[str, tuple[Dispute, ...]], tuple[PaymentPlan, ...],
                                  tuple[ReminderRecord, ...]]:
        """Read every ``ar-...`` directive; each bad one is one error at its line, skipped."""
        disputes: dict[str, list[Dispute]] = {}
        plans: list[PaymentPlan] = []
        reminders: list[ReminderRecord] = []
        for entry in self.customs:
            values = _values(entry)
            problem = date_problem(entry.date) or next(
                (p for p in map(value_problem, values) if p), None)
            if problem:
                self.error(entry, f"{entry.type}: {problem}")
                continue
            number = str(values[0]).strip() if values and isinstance(values[0], str) else ""
            if entry.type in (DISPUTE, DISPUTE_RESOLVED, REMINDER) and number not in self.invoices:
                what = str(values[0])[:80] if values else "nothing"
                self.error(entry, f'{entry.type}: {what} is not an invoice number; write custom '
                                  f'"{entry.type}" "F-2026-014" ...')
                continue
            if entry.type == DISPUTE:
                reason = " ".join(str(v) for v in values[1:]) or ""
                open_ = [d for d in disputes.get(number, []) if d.resolved is None]
                if open_:
                    self.error(entry, f"{number}: already in dispute since {open_[0].opened}; "
                                      "resolve it first (custom \"ar-dispute-resolved\")")
                    continue
                disputes.setdefault(number, []).append(Dispute(number, entry.date, reason,
                                                                entry=entry))
            elif entry.type == DISPUTE_RESOLVED:
                open_ = [d for d in disputes.get(number, []) if d.resolved is None]
                if not open_:
                    self.error(entry, f"{number}: no dispute to resolve; open one with "
                                      f'custom "ar-dispute" "{number}" "reason"')
                    continue
                items = disputes[number]
                items[items.index(open_[0])] = Dispute(
                    number, open_[0].opened, open_[0].reason, entry.date,
                    " ".join(str(v) for v in values[1:]) or None, open_[0].entry)
            elif entry.type == REMINDER:
                key, problem = reminder_values(entry.date, values)
                if key is None:
                    self.error(entry, problem or "")
                    continue
                reminders.append(ReminderRecord(entry.date, key.invoice,
                                                self.invoices[key.invoice].customer, key.level,
                                                key.channel, entry))
            else:
                plan = self.plan(entry, values)
                if plan is not None:
                    plans.append(plan)
        return ({k: tuple(v) for k, v in disputes.items()}, tuple(plans),
                tuple(sorted(reminders, key=lambda r: r.date)))

    def plan(self, entry: data.Custom, values: list[Any]) -> PaymentPlan | None:
        usage = ('write custom "ar-plan" "F-2026-010" 2026-05-15 1000.00 EUR 2026-06-15 '
                 '1000.00 EUR (an invoice number or a receivable account, then dates and amounts)')
        target = values[0] if values else None
        currency: str | None
        invoices: tuple[str, ...]
        if isinstance(target, str) and target in self.invoices:
            invoice = self.invoices[target]
            customer, currency, invoices = invoice.customer, invoice.currency, (target,)
        elif isinstance(target, str) and target in self.customers:
            customer, currency, invoices = target, None, ()
        else:
            what = (repr(target) if values else "nothing")[:80]
            self.error(entry, f"ar-plan: {what} is neither an invoice nor a customer; {usage}")
            return None
        rest = values[1:]
        instalments: list[PlanInstalment] = []
        if not rest or len(rest) % 2:
            self.error(entry, f"ar-plan: expected pairs of date and amount; {usage}")
            return None
        for due, amount in zip(rest[::2], rest[1::2], strict=True):
            if not isinstance(due, datetime.date) or not isinstance(amount, Amount) or (
                    not isinstance(amount.number, Decimal) or amount.number <= 0):
                self.error(entry, f"ar-plan: {str(due)[:40]} {str(amount)[:40]} is not a date "
                                  f"and a positive amount; {usage}")
                return None
            if currency is None:
                currency = amount.currency
            if amount.currency != currency:
                self.error(entry, f"ar-plan: every instalment must be in {currency}; {usage}")
                return None
            instalments.append(PlanInstalment(due, amount.number))
        dues = [i.due for i in instalments]
        if dues != sorted(dues) or dues[0] < entry.date:
            self.error(entry, f"ar-plan: instalment dates must follow each other from the plan's "
                              f"date {entry.date}; {usage}")
            return None
        assert currency is not None  # set by the first instalment, and there is one
        return PaymentPlan(entry.date, customer, currency, invoices, tuple(instalments), entry)


Row = tuple[data.Posting, str, str, Decimal]  # a receivable posting: customer, currency, number
# An invoice's items, its terms text, discount deadline and discount amount.
Schedule = tuple[tuple[Item, ...], str, datetime.date | None, Decimal]


class _Reader(_DirectiveReader):
    """Mutable state of the single pass; `read_book` wraps it."""

    def __init__(self, config: ArConfig) -> None:
        self.config = config
        self.root = config.receivable_root
        self.prefix = config.receivable_root + ":"
        self.accounts: dict[str, bool | None] = {}  # account -> shared? (None: not receivable)
        self.customers: dict[str, Customer] = {}
        self.invoices: dict[str, Invoice] = {}
        self.by_link: dict[str, list[str]] = {}
        self.penalties: dict[str, list[Item]] = {}
        self.customs: list[data.Custom] = []
        self.date_cache: dict[str, dict[datetime.date, tuple[Any, ...]]] = {}  # terms, date
        self.customer_terms: dict[str, Terms] = {}
        self.events: list[Item | Credit] = []
        self.errors: list[ARError] = []
        self.next_id = 0
        self.generated_id = GENERATED_IDS
        self.read_directives: tuple[dict[str, tuple[Dispute, ...]], tuple[PaymentPlan, ...],
                                    tuple[ReminderRecord, ...]] | None = None
        self.bad_customer_terms: set[str] = set()
        self.shared_meta: dict[str, dict[str, Any]] = {}
        self.legal_limit = config.legal == "FR"
        self.recogniser = Recogniser(config)
        self.recognise = config.invoice_links or config.invoice_pattern is not None
        self.pattern = self.recogniser.pattern
        self.rules: dict[str, str] = {}
        try:
            self.default_terms = parse_terms(config.default_terms)
        except TermsError:  # parse_config already reported it
            self.default_terms = parse_terms("net 30")

    # -- the pass ----------------------------------------------------------------------------

    def read_transaction(self, entry: data.Transaction) -> None:
        """Read one transaction (in the entries' order); the plugins' own entries are numbered
        in their own sequence (GENERATED_IDS)."""
        problem = transaction_problem(entry)
        if problem is not None:  # beyond what can be computed: one error, left out
            if any(self.receivable(p.account) is not None for p in entry.postings):
                self.error(entry, problem)
            return
        meta = entry.meta
        if meta and meta.get("filename") == GENERATED:
            self.generated(self.transaction, entry)
        else:
            self.transaction(entry)

    def generated(self, read: Callable[..., None], *args: Any) -> None:
        """`read(*args)` with the records it makes numbered in the plugins' own sequence
        (GENERATED_IDS)."""
        self.next_id, self.generated_id = self.generated_id, self.next_id
        try:
            read(*args)
        finally:
            self.next_id, self.generated_id = self.generated_id, self.next_id

    def book(self, events: Iterable[Item | Credit] | None = None,
             penalties: Mapping[str, Iterable[Item]] | None = None) -> Book:
        """The Book of what was read (with `events` and `penalties` in place of the reader's,
        already in order, when given)."""
        if self.read_directives is None:  # once: reading them reports their errors
            self.read_directives = self.directives()
        disputes, plans, reminders = self.read_directives
        return Book(
            config=self.config,
            customers=self.customers,
            invoices=self.invoices,
            # Within a day, debits come before credits: a payment dated on its invoice's day may
            # stand before it in the files.
            events=tuple(sorted(self.events, key=lambda e: (e.date, isinstance(e, Credit))))
            if events is None else tuple(events),
            by_link={link: tuple(dict.fromkeys(numbers))
                     for link, numbers in self.by_link.items()},
            penalties={number: tuple(items) for number, items in
                       (self.penalties if penalties is None else penalties).items()},
            disputes=disputes,
            plans=plans,
            reminders=reminders,
            rules=self.rules,
        )

    # -- helpers -----------------------------------------------------------------------------

    def error(self, entry: Any, message: str) -> None:
        self.errors.append(ARError(entry.meta, message, entry))

    def receivable(self, account: str) -> bool | None:
        """None if `account` is not a receivable account, else whether it is shared."""
        try:
            return self.accounts[account]
        except KeyError:
            pass
        shared = (account == self.root) if (
            account == self.root or account.startswith(self.prefix)
        ) else None
        self.accounts[account] = shared
        return shared

    # -- directives --------------------------------------------------------------------------

    def open(self, entry: data.Open) -> None:
        shared = self.receivable(entry.account)
        if shared is None:
            return
        meta = entry.meta or {}
        if meta.get("shared") is True:
            shared = True
            self.accounts[entry.account] = True
        if shared:  # its metadata are defaults for the customers it holds
            self.shared_meta[entry.account] = dict(meta)
        limit = meta.get("credit_limit")
        if limit is not None and not isinstance(limit, Amount):
            self.error(entry, f"{entry.account}: credit_limit must be an amount such as "
                              f"'15000.00 EUR', not {limit!r}")
            limit = None
        language = _meta_str(meta, "language")
        if language is not None and language not in LANGUAGES:
            self.error(entry, f"{entry.account}: language {language!r} is not supported; "
                              "use \"fr\" or \"en\"")
            language = None
        sector = meta.get("sector")
        if sector is not None and self.legal_limit and french_sector(sector) is None:
            self.error(entry, f"{entry.account}: sector {sector!r} is not a sector with its own "
                              "legal maximum term (Code de commerce L441-11 II); use one of "
                              f"{', '.join(repr(k) for k in FRENCH_SECTORS)}, or remove it for "
                              "the general maximum (L441-10)")
        terms = _meta_str(meta, "terms")
        if terms is not None:
            try:
                parse_terms(terms)
            except TermsError as exc:
                self.error(entry, f"{entry.account}: {exc}; the default terms are used")
                self.bad_customer_terms.add(entry.account)
        if shared:
            if terms is not None and entry.account in self.bad_customer_terms:
                self.shared_meta[entry.account].pop("terms", None)
            if language is None:
                self.shared_meta[entry.account].pop("language", None)
            return
        self.customers[entry.account] = Customer(
            key=entry.account,
            account=entry.account,
            name=_meta_str(meta, "customer") or entry.account.rsplit(":", 1)[-1],
            shared=False,
            email=_meta_str(meta, "email"),
            address=_meta_str(meta, "address"),
            language=language,
            terms=terms if entry.account not in self.bad_customer_terms else None,
            credit_limit=limit,
            meta=dict(meta),
        )

    def sector_of(self, customer: str) -> str | None:
        """The L441-11 II sector of a customer (``sector:`` on its ``open`` or its shared
        account's), None for the general rule."""
        known = self.customers.get(customer)
        if known is None:
            return None
        value = (known.meta or {}).get("sector")
        if value is None:
            value = self.shared_meta.get(known.account, {}).get("sector")
        return french_sector(value)

    def customer_of(self, entry: data.Transaction, posting: data.Posting, shared: bool) -> str:
        """The customer key of a receivable posting."""
        account = posting.account
        if not shared:
            if account not in self.customers:  # an account opened without metadata
                self.customers[account] = Customer(account, account, account.rsplit(":", 1)[-1])
            return account
        name = _meta_str(posting.meta, "customer") or _meta_str(entry.meta, "customer")
        units = posting.units
        if not name and units is not None and units.number is not None and units.number < 0:
            # A credit that names an invoice of this account is that invoice's customer's,
            # whatever its payee says (a bank's wording: "VIR SEPA ACME SA").
            named = self.named_customer(entry, posting, account)
            if named is not None:
                return named
        name = name or (entry.payee or "").strip() or self.client_account(entry)
        if not name:
            self.error(entry, f"{account} is a shared receivable account: say whose posting this "
                              "is with customer: metadata or a payee")
            name = "(unknown customer)"
        key = f"{account}/{name}"
        if key not in self.customers:
            defaults = self.shared_meta.get(account, {})
            self.customers[key] = Customer(
                key, account, name, shared=True,
                language=_meta_str(defaults, "language"), terms=_meta_str(defaults, "terms"))
        return key

    def client_account(self, entry: data.Transaction) -> str | None:
        """The customer an account per client names, as in Beancount's documentation
        (``Income:Clients:PepeStudios``): the last component of the one other posting's
        account, three components deep or more, outside the receivables' root type."""
        root = self.root.split(":", 1)[0] + ":"
        found = {p.account for p in entry.postings
                 if not p.account.startswith(root) and p.account.count(":") >= 2}
        return found.pop().rsplit(":", 1)[-1] if len(found) == 1 else None

    def known(self, name: str) -> bool:
        """Whether an invoice has this number or carries this link."""
        return name in self.invoices or name in self.by_link

    def named_customer(self, entry: data.Transaction, posting: data.Posting,
                       account: str) -> str | None:
        """The customer of the invoice a credit on a shared account names, if just one."""
        names: list[str] = []
        for meta in (posting.meta, entry.meta):
            if meta and "invoice" in meta:
                names.extend(split_refs(meta["invoice"]))
        names.extend(entry.links or ())
        names.extend(self.recogniser.hints(entry))
        invoices = self.invoices
        found = set()
        for name in names:
            for number in (name, *self.by_link.get(name, ())):
                invoice = invoices.get(number)
                if invoice is not None and self.customers[invoice.customer].account == account:
                    found.add(invoice.customer)
        return found.pop() if len(found) == 1 else None

    def transaction(self, entry: data.Transaction) -> None:
        # The hot loop of the plugin, run for every transaction of the ledger: a plain dict
        # look-up per posting for the accounts seen before, and no list for the (many)
        # transactions that touch no receivable.
        rows: list[tuple[data.Posting, str, str, Decimal]] | None = None
        accounts = self.accounts
        for posting in entry.postings:
            account = posting.account
            shared = accounts.get(account, _UNSEEN)
            if shared is None:
                continue
            if shared is _UNSEEN:
                shared = self.receivable(account)
                if shared is None:
                    continue
            units = posting.units
            if units is None or units.number is None:
                continue
            key = account if shared is False and account in self.customers else (
                self.customer_of(entry, posting, shared is True))
            if rows is None:
                rows = [(posting, key, units.currency, units.number)]
            else:
                rows.append((posting, key, units.currency, units.number))
        meta = entry.meta
        if rows is None:
            if meta and "invoice" in meta and "credit_note" not in meta:
                self.error(entry, f"{meta['invoice']}: the invoice posts to no receivable account "
                                  f"(under {self.root}); debit the customer's account, e.g. "
                                  f"{self.prefix}<Customer>")
            return
        if meta and "credit_note" in meta:
            pass
        elif meta and "invoice" in meta:
            if (rows[0][3] > 0 if len(rows) == 1 else any(row[3] > 0 for row in rows)) and (
                    self.invoice(entry, rows, str(meta["invoice"]).strip(),
                                 meta.get(RECOGNISED, METADATA))):
                return
        elif self.recognise and (rows[0][3] > 0 if len(rows) == 1 else
                                 any(row[3] > 0 for row in rows)) and not (
                entry.tags and PENALTY_TAG in entry.tags):
            number, rule = self.recogniser.invoice_number(entry, self.known)
            if number is not None and self.invoice(entry, rows, number, rule):
                return
        self.plain(entry, rows)

    # -- invoices ----------------------------------------------------------------------------

    def invoice(self, entry: data.Transaction, rows: list[Row], number: str, rule: str) -> bool:
        """Record an invoice; False (after reporting why) when it must be read as plain debits.

        An invoice recognised by a convention (not ``invoice:`` metadata) that cannot be one (a
        debit over two customers...) is read as plain debits without an error: the user never
        said it was an invoice."""
        strict = rule == METADATA or RECOGNISED in entry.meta
        if not number:
            self.error(entry, "invoice: metadata is empty; give the invoice its number, "
                              "e.g. invoice: \"F-2025-001\"")
            return False
        if len(rows) == 1:  # the usual invoice: one receivable posting
            _, customer, currency, amount = rows[0]
        else:
            customers = {row[1] for row in rows}
            currencies = {row[2] for row in rows}
            if (len(customers) > 1 or len(currencies) > 1) and not strict:
                return False
            if len(customers) > 1:
                names = ", ".join(sorted(customers))
                self.error(entry, f"{number}: the invoice debits the receivables of several "
                                  f"customers ({names}); make one invoice per customer")
                return False
            if len(currencies) > 1:
                self.error(entry, f"{number}: the invoice is in several currencies "
                                  f"({', '.join(sorted(currencies))}); make one invoice per "
                                  "currency")
                return False
            customer, currency = rows[0][1], rows[0][2]
            amount = sum((row[3] for row in rows), ZERO)
        if amount <= 0:
            if not strict:
                return False
            self.error(entry, f"{number}: the invoice does not debit the receivable (amount "
                              f"{amount}); a credit is a credit note: use credit_note: metadata")
            return False
        invoices = self.invoices
        if number in invoices:
            if not strict:
                return False
            first = invoices[number].entry.meta
            self.error(entry, f"{number}: duplicate invoice number (first used at "
                              f"{first.get('filename')}:{first.get('lineno')}); give each "
                              "invoice its own number")
            return False
        items, terms_text, discount_until, discount = self.schedule(
            entry, number, customer, currency, amount)
        due = items[0].due if len(items) == 1 else max(item.due for item in items)
        if self.legal_limit and terms_text:
            limit = french_limit(entry.date, self.sector_of(customer))
            if due > limit.date:
                self.error(entry, f"{number}: due {due} is beyond the French legal maximum "
                                  f"({limit.date}: {limit.rule}); shorten the terms")
        invoices[number] = _new(Invoice, (number, customer, currency, entry.date, amount,
                                          terms_text, due, items, discount_until, discount,
                                          entry))
        for link in entry.links or ():
            if link != number:
                self.by_link.setdefault(link, []).append(number)
        if rule != METADATA:
            self.rules[number] = rule
        if self.pattern is not None:  # the number its narration quotes names it too
            alias = self.recogniser.number_in(entry.narration)
            if alias is not None and alias != number and alias not in entry.links:
                self.by_link.setdefault(alias, []).append(number)
        if len(items) == 1:
            self.events.append(items[0])
        else:
            self.events.extend(items)
        return True

    def terms_for(self, entry: data.Transaction, number: str, customer: str) -> Terms:
        text = entry.meta.get("terms")
        if text is not None:
            try:
                return parse_terms(str(text))
            except TermsError as exc:
                self.error(entry, f"{number}: {exc}; the default terms are used")
                return self.default_terms
        terms = self.customer_terms.get(customer)
        if terms is None:
            text = self.customers[customer].terms
            terms = self.customer_terms[customer] = (
                parse_terms(text) if text else self.default_terms)
        return terms

    def schedule(self, entry: data.Transaction, number: str, customer: str, currency: str,
                 amount: Decimal) -> Schedule:
        """The invoice's items, its terms text, discount deadline and discount amount."""
        date = entry.date
        meta = entry.meta
        # A `due` the invoice plugin computed (marked COMPUTED) is not the user's: recompute.
        due_meta = meta.get("due") if "due" in meta and not meta.get(COMPUTED) else None
        if due_meta is not None and not isinstance(due_meta, datetime.date):
            self.error(entry, f"{number}: due: must be a date such as 2025-02-14 (no quotes), "
                              f"not {due_meta!r}; the terms are used")
            due_meta = None
        if due_meta is not None and due_meta < date:
            self.error(entry, f"{number}: due date {due_meta} is before the invoice date {date}; "
                              "correct due: or remove it to use the terms")
            due_meta = None
        if due_meta is not None:
            self.next_id += 1
            item = _new(Item, (self.next_id, INVOICE, customer, currency, date, due_meta, amount,
                               number, 1, 1, None, ZERO, entry))
            return (item,), "", None, ZERO
        terms = self.terms_for(entry, number, customer)
        if len(terms.parts) > 1:
            return self.instalments(entry, number, customer, currency, amount, terms)
        dues, discount_until = self.dates(terms, date)
        discount = terms.discount_amount(amount, quantum(currency)) if discount_until else ZERO
        self.next_id += 1
        item = _new(Item, (self.next_id, INVOICE, customer, currency, date, dues[0], amount,
                           number, 1, 1, discount_until, discount, entry))
        return (item,), terms.text, discount_until, discount

    def instalments(self, entry: data.Transaction, number: str, customer: str, currency: str,
                    amount: Decimal, terms: Terms) -> Schedule:
        """`schedule` for terms that split the invoice into instalments."""
        date = entry.date
        q = quantum(currency)
        try:
            amounts = [part.amount for part in terms.schedule(date, amount, q)]
        except TermsError as exc:
            self.error(entry, f"{number}: {exc}; the default terms are used")
            terms = self.default_terms
            amounts = [part.amount for part in terms.schedule(date, amount, q)]
        dues, discount_until = self.dates(terms, date)
        discount = terms.discount_amount(amount, q) if discount_until else ZERO
        count = len(amounts)
        items = []
        for index, (due, part_amount) in enumerate(zip(dues, amounts, strict=True), 1):
            self.next_id += 1
            items.append(_new(Item, (self.next_id, INVOICE, customer, currency, date, due,
                                     part_amount, number, index, count, discount_until,
                                     discount, entry)))
        return tuple(items), terms.text, discount_until, discount

    def dates(self, terms: Terms, date: datetime.date
              ) -> tuple[tuple[datetime.date, ...], datetime.date | None]:
        """Due dates of the parts and the discount deadline, cached per terms and date."""
        by_date = self.date_cache.get(terms.text)
        if by_date is None:
            by_date = self.date_cache[terms.text] = {}
        cached = by_date.get(date)
        if cached is None:
            dues = tuple(part.rule.due(date) for part in terms.parts)
            shift = self.config.business_days
            if shift:
                dues = tuple(next_business_day(due, shift) for due in dues)
            cached = by_date[date] = (dues, terms.discount_until(date))
        return cached

    # -- everything else ---------------------------------------------------------------------

    def plain(self, entry: data.Transaction, rows: list[Row]) -> None:
        """Credits and non-invoice debits of a transaction."""
        meta = entry.meta or {}
        config = self.config
        links = tuple(entry.links) if entry.links else ()
        kind = PAYMENT
        credit_note = _meta_str(meta, "credit_note")
        booked: dict[str, Decimal] | None = None
        if credit_note is not None:
            kind = CREDIT_NOTE
        elif config.writeoff_account or config.discount_account:
            writeoff_account, discount_account = config.writeoff_account, config.discount_account
            accounts = self.accounts
            writeoff = discount = other = False
            for p in entry.postings:
                account = p.account
                if accounts.get(account) is not None:  # a receivable posting
                    continue
                if account == writeoff_account:
                    writeoff = True
                elif account == discount_account:
                    discount = True
                    if p.units is not None:
                        if booked is None:
                            booked = {}
                        booked[p.units.currency] = booked.get(p.units.currency, ZERO) + (
                            p.units.number or ZERO)
                else:
                    other = True
            if writeoff:
                kind = WRITEOFF
                booked = None
            elif discount and not other:
                kind = DISCOUNT
                booked = None
        txn_refs = split_refs(meta["invoice"]) if "invoice" in meta else ()
        penalty_of = None
        if entry.tags and PENALTY_TAG in entry.tags:
            penalty_of = next((ref for ref in txn_refs + links if ref in self.invoices), None)
        hints: list[str] | None = None
        if self.pattern is not None and not txn_refs and not any(
                self.known(link) for link in links):
            hints = [h for h in self.recogniser.hints(entry) if self.known(h)] or None
        events = self.events
        for posting, customer, currency, number in rows:
            if number > 0:
                if kind == CREDIT_NOTE:
                    self.error(entry, f"{credit_note}: a credit note credits the receivable; "
                                      f"this posting debits {posting.account}: check its sign")
                self.debit(entry, customer, currency, number, penalty_of)
                continue
            if number == 0:
                continue
            posting_meta = posting.meta
            refs = split_refs(posting_meta["invoice"]) if (
                posting_meta and "invoice" in posting_meta) else ()
            amount = -number
            discount_part = ZERO
            if booked and booked.get(currency, ZERO) > 0:
                discount_part = min(booked[currency], amount)
                booked[currency] -= discount_part
            names = links
            if hints and not refs:  # numbers its narration or payee quotes, of this customer
                names = links + tuple(h for h in hints if self.hint_fits(h, customer, currency))
            self.next_id += 1
            events.append(_new(Credit, (self.next_id, kind, customer, currency, entry.date,
                                        amount, refs or txn_refs, names, discount_part,
                                        credit_note, entry)))

    def debit(self, entry: data.Transaction, customer: str, currency: str, number: Decimal,
              penalty_of: str | None) -> None:
        """A debit that is not an invoice: an item due on its date, a penalty charged on the
        invoice `penalty_of` when the transaction is tagged #ar-penalty and names it."""
        self.next_id += 1
        item = _new(Item, (self.next_id, PENALTY if penalty_of else DEBIT, customer, currency,
                           entry.date, entry.date, number, penalty_of, 1, 1, None, ZERO, entry))
        self.events.append(item)
        if penalty_of:
            self.penalties.setdefault(penalty_of, []).append(item)

    def read_charge(self, entry: data.Transaction) -> None:
        """Read a penalty charge the plugins made: their own transaction (``filename:
        "<beancount_ar>"``), tagged #ar-penalty, linked to its invoice, whose one posting debits
        a customer (the penalties plugin's stand-ins, read by the hundred thousand). What
        `read_transaction` makes of it, without the steps that cannot apply; any other
        transaction is read by `read_transaction`."""
        postings = entry.postings
        links = entry.links
        meta = entry.meta
        if (len(postings) != 1 or not entry.tags or PENALTY_TAG not in entry.tags
                or not links or len(links) != 1 or not meta
                or meta.get("filename") != GENERATED or "invoice" in meta
                or "credit_note" in meta):
            self.read_transaction(entry)
            return
        posting = postings[0]
        units = posting.units
        shared = self.receivable(posting.account)
        invoice = next(iter(links))
        if (shared is None or units is None or units.number is None or units.number <= 0
                or invoice not in self.invoices or transaction_problem(entry) is not None):
            self.read_transaction(entry)
            return
        customer = posting.account if shared is False and posting.account in self.customers \
            else self.customer_of(entry, posting, shared)
        self.generated(self.debit, entry, customer, units.currency, units.number, invoice)

    def hint_fits(self, name: str, customer: str, currency: str) -> bool:
        """Whether an invoice number quoted in a credit's text names an invoice it can pay."""
        invoices = self.invoices
        for number in (name, *self.by_link.get(name, ())):
            invoice = invoices.get(number)
            if invoice is not None and invoice.customer == customer and (
                    invoice.currency == currency):
                return True
        return False


def read_book(entries: Iterable[Any], config: ArConfig) -> tuple[Book, list[ARError]]:
    """Build the subledger from (sorted) entries; see the module docstring."""
    reader = read(entries, config)
    return reader.book(), reader.errors


def read(entries: Iterable[Any], config: ArConfig) -> _Reader:
    """The reader's state after one pass over `entries` (`read_book` builds the Book from it;
    `beancount_ar.core.shared` keeps it to read entries a plugin adds later)."""
    reader = _Reader(config)
    for entry in entries:
        if isinstance(entry, data.Transaction):
            reader.read_transaction(entry)
        elif isinstance(entry, data.Open):
            reader.open(entry)
        elif isinstance(entry, data.Custom) and entry.type in DIRECTIVES:
            reader.customs.append(entry)
    return reader
