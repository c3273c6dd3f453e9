"""Reminder letters (relances): HTML, PDF and the e-mail that carries them.

The policy (`beancount_ar.core.reminders.worklist`) decides who gets which letter today; this
module only writes it. With a company and, optionally, the reminder settings in the ledger:

    2025-01-01 custom "ar-company" "{'name': 'Atelier Lumière SARL', 'country': 'FR',
        'email': 'compta@atelier.fr', 'iban': 'FR76 3000 6000 0112 3456 7890 189'}"
    2026-01-01 custom "ar-reminders" "{'deadline_days': 8, 'signatory': 'Claire Lambert'}"

then, from Python (Fava passes ``ledger.all_entries`` and ``ledger.options``):

    job = prepare_reminders(entries, options_map, as_of=date(2026, 11, 23))
    for reminder in job.worklist.reminders:
        pdf = letter_pdf(job, reminder)
        message = email_message(job, reminder, pdf=pdf)     # an email.message.EmailMessage
        records = record_directives(reminder, job.as_of, "email")   # to append to the ledger

Letters are Jinja2 templates, one per level and language: ``reminders/<lang>/<level>.html``
(``courtesy``, ``friendly``, ``firm``, ``final``; ``fr`` and ``en``), extending
``reminders/letter.html``, which extends the statements' ``base.html`` and uses their
``macros.html`` (letterhead, payment details with the EPC QR code, page footer). The e-mail's
bodies are ``reminders/email.txt`` and ``reminders/email.html`` (a ``reminders/<lang>/email.txt``
or ``reminders/<lang>/<level>.txt`` wins when present), its subject the label ``r_subject``.
Labels are ``reminders/<lang>/labels.html`` on top of the statements' ``<lang>/labels.html``.
Any of them is replaced by a file of the same path in ``<ledger folder>/ar-templates/``.
HTML templates autoescape everything; the plain-text body is not HTML and is not escaped, and
the e-mail's headers are made safe by `beancount_ar.mail`. Every problem is a `DocumentError`
(or a `MailError` for the e-mail) whose message says what to fix.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from email.headerregistry import Address
from email.message import EmailMessage
from functools import lru_cache
from typing import Any

import jinja2

from beancount_ar.core.allocation import Settlement
from beancount_ar.core.charges import LedgerCharges, StatedCharges, item_indemnity, ledger_charges
from beancount_ar.core.charges import stated_charges as charges_of
from beancount_ar.core.company import Company
from beancount_ar.core.customers import (
    CustomerError,
    customer_email,
    find_customer,
    where_email_goes,
)
from beancount_ar.core.messages import N_, reason
from beancount_ar.core.model import INVOICE, PENALTY, Customer
from beancount_ar.core.money import ZERO
from beancount_ar.core.reminder_config import DIRECTIVE as SETTINGS_DIRECTIVE
from beancount_ar.core.reminder_config import (
    ReminderSettings,
    read_reminder_settings,
    split_emails,
)
from beancount_ar.core.reminders import Line, Reminder, Worklist, worklist
from beancount_ar.core.statements import (
    OPEN_ITEMS,
    Statement,
    StatementError,
    build_statements,
)
from beancount_ar.core.subledger import settled_as_of
from beancount_ar.i18n import LANGUAGES
from beancount_ar.ledger_writer import record_directives
from beancount_ar.mail import MailError, address, build_message, one_line
from beancount_ar.render.documents import (
    DocumentError,
    Payment,
    company_of,
    document_locale,
    html_to_pdf,
    labels,
    ledger_dir_of,
    logo_uri,
    payments,
    print_css,
    slug,
    statement_language,
    template_environment,
    template_problem,
)

LEVEL_NAMES = ("courtesy", "friendly", "firm", "final")


# -- the letter's figures --------------------------------------------------------------------


@dataclass(frozen=True)
class LetterPart:
    """The lines of a letter in one currency, and their sums."""

    currency: str
    lines: tuple[Line, ...]
    principal: Decimal  # what is open on the invoices
    penalties: Decimal  # late-payment charges posted on them and still open
    total: Decimal  # principal + penalties: what the letter asks for


@dataclass(frozen=True)
class Indemnity:
    """The flat recovery indemnities a letter claims in one currency."""

    currency: str
    total: Decimal
    count: int  # late items that bear one
    each: Decimal | None  # the amount per item when they are all the same


@dataclass(frozen=True)
class Letter:
    """Everything a reminder template shows (its context ``letter``)."""

    reminder: Reminder
    customer: Customer
    date: datetime.date  # the letter's date
    language: str
    reference: str  # the customer's payment reference
    parts: tuple[LetterPart, ...]
    deadline: datetime.date  # pay by this day (firm and final letters)
    late_items: int  # invoices or instalments past due
    indemnity: Decimal  # flat recovery indemnities for them, all currencies (0: none)
    payments: tuple[Payment, ...]  # how to pay each currency (with the EPC QR code)
    charges: StatedCharges | None = None  # the penalties policy: rate, indemnity (core.charges)
    indemnities: tuple[Indemnity, ...] = ()  # `indemnity` by currency

    @property
    def level(self) -> str:
        """The level's name: courtesy, friendly, firm or final."""
        return self.reminder.level.name

    @property
    def number(self) -> int:
        return self.reminder.level.number

    @property
    def invoices(self) -> list[str]:
        """The numbers of the invoices whose open amounts the letter claims, in its order (of
        the invoices whose late-payment charges alone it claims when there are no others)."""
        lines = [line for part in self.parts for line in part.lines]
        numbers: list[str] = []
        for line in [line for line in lines if not line.paid] or lines:
            if line.item.invoice and line.item.invoice not in numbers:
                numbers.append(line.item.invoice)
        return numbers

    @property
    def penalties(self) -> bool:
        return any(part.penalties for part in self.parts)

    @property
    def last_sent(self) -> datetime.date | None:
        return self.reminder.last_sent


@dataclass(frozen=True)
class ReminderJob:
    """A ledger's reminders as of a day, with what their letters need, prepared once."""

    as_of: datetime.date
    settlement: Settlement
    company: Company
    settings: ReminderSettings
    worklist: Worklist
    ledger_dir: str | None
    charges: LedgerCharges | None = None  # the ledger's penalties policy (core.charges)

    def find(self, customer: str) -> Reminder:
        """The reminder of a customer (account, key or name): ready today, held back by the
        spacing, or an upcoming courtesy reminder. DocumentError if there is none."""
        try:
            key = find_customer(self.settlement.book, customer)
        except CustomerError as exc:
            raise DocumentError(str(exc)) from None
        lists = (self.worklist.reminders, self.worklist.waiting, self.worklist.upcoming)
        for reminder in (r for group in lists for r in group):
            if reminder.customer == key:
                return reminder
        name = self.settlement.book.customers[key].name
        raise DocumentError(f"no reminder for {name} as of {self.as_of}: nothing of theirs is "
                            "due for one (see the worklist)")


def settings_of(entries: Sequence[Any], as_of: datetime.date) -> ReminderSettings:
    """The reminder settings as of `as_of`; DocumentError when the directive is malformed."""
    settings, errors = read_reminder_settings(entries, as_of)
    if errors:
        first = errors[0]
        source = first.source or {}
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise DocumentError(f"{source.get('filename', '?')}:{source.get('lineno', 0)}: "
                            f"{first.message}{more}; fix the custom \"{SETTINGS_DIRECTIVE}\" "
                            "directive")
    return settings


def prepare_reminders(entries: Sequence[Any], options_map: Mapping[str, Any],
                      as_of: datetime.date | None = None, *, ledger_dir: str | None = None,
                      settlement: Settlement | None = None) -> ReminderJob:
    """Read the company and the reminder settings, settle the subledger as of `as_of` (default:
    today; a given `settlement` must be as of that day) and ask the policy for the worklist."""
    as_of = as_of or (settlement.as_of if settlement is not None else None) \
        or datetime.date.today()
    company = company_of(entries, as_of)
    settings = settings_of(entries, as_of)
    try:
        settlement = settled_as_of(entries, options_map, as_of, settlement, "the reminders")
    except ValueError as exc:
        raise DocumentError(str(exc)) from None
    if ledger_dir is None:
        ledger_dir = ledger_dir_of(options_map)
    work = worklist(settlement, as_of, settings.policy)
    charges = ledger_charges(entries, options_map, company.is_french)
    return ReminderJob(as_of, settlement, company, settings, work, ledger_dir, charges)


def _parts(reminder: Reminder) -> tuple[LetterPart, ...]:
    by_currency: dict[str, list[Line]] = {}
    for line in reminder.lines:
        by_currency.setdefault(line.item.currency, []).append(line)
    parts = []
    for currency in sorted(by_currency):
        lines = tuple(by_currency[currency])
        principal = sum((line.principal for line in lines), ZERO)
        penalties = sum((line.penalties for line in lines), ZERO)
        parts.append(LetterPart(currency, lines, principal, penalties,
                                reminder.totals.get(currency, principal + penalties)))
    return tuple(parts)


def _payment_statement(statement: Statement, parts: Sequence[LetterPart],
                       numbers: set[str]) -> Statement:
    """The customer's open-items statement cut down to the letter: its invoices (and their
    penalties), and the letter's totals as the amounts to pay. The statements' `payments`
    then gives the bank details, remittance text and EPC QR code of exactly that amount."""
    cut = []
    for part in statement.parts:
        mine = next((p for p in parts if p.currency == part.currency), None)
        if mine is None:
            continue
        lines = tuple(line for line in part.lines
                      if (line.kind == INVOICE and line.reference.split(" ")[0] in numbers)
                      or (line.kind == PENALTY and line.invoice in numbers))
        cut.append(dataclasses.replace(part, lines=lines, closing=mine.total))
    return dataclasses.replace(statement, parts=tuple(cut))


def _indemnities(job: ReminderJob, reminder: Reminder) -> tuple[Indemnity, ...]:
    """The indemnity each late invoice (or instalment) of the letter bears under the penalties
    policy, as the penalties plugin posts it, summed by currency."""
    if job.charges is None:
        return ()
    fees: dict[str, list[Decimal]] = {}
    customers = job.settlement.book.customers
    for line in reminder.lines:
        item = line.item
        if line.days_overdue <= 0 or item.kind != INVOICE:
            continue
        fee = item_indemnity(job.charges, account=customers[item.customer].account,
                             invoice=item.entry, currency=item.currency, amount=item.amount)
        if fee > 0:
            fees.setdefault(item.currency, []).append(fee)
    return tuple(Indemnity(currency, sum(found, ZERO), len(found),
                           found[0] if len(set(found)) == 1 else None)
                 for currency, found in sorted(fees.items()))


def _stated(job: ReminderJob, reminder: Reminder) -> StatedCharges | None:
    if job.charges is None:
        return None
    customer = job.settlement.book.customers[reminder.customer]
    first = reminder.lines[0].item if reminder.lines else None
    return charges_of(job.charges, job.as_of, account=customer.account,
                      currency=first.currency if first else "EUR",
                      due=first.due if first else None)


def build_letter(job: ReminderJob, reminder: Reminder, language: str | None = None,
                 warnings: list[str] | None = None) -> Letter:
    """The figures of one letter (see `Letter`)."""
    if language is not None and language not in LANGUAGES:
        raise DocumentError(f"language {language!r}: expected 'fr' or 'en'")
    try:
        statement = build_statements(job.settlement, [reminder.customer], OPEN_ITEMS)[0]
    except StatementError as exc:
        raise DocumentError(str(exc)) from None
    parts = _parts(reminder)
    numbers = {line.item.invoice for line in reminder.lines if line.item.invoice}
    pays = payments(_payment_statement(statement, parts, numbers), job.company, warnings)
    indemnities = _indemnities(job, reminder)
    if warnings is not None:
        warnings.extend(h for h in (*job.company.hints, *job.settings.hints) if h not in warnings)
    return Letter(
        reminder=reminder,
        customer=statement.customer,
        date=job.as_of,
        language=statement_language(statement, job.company, language),
        reference=statement.reference,
        parts=parts,
        deadline=job.settings.deadline(job.as_of),
        late_items=job.settings.late_items(reminder),
        indemnity=sum((i.total for i in indemnities), ZERO),
        payments=tuple(pays),
        charges=_stated(job, reminder),
        indemnities=indemnities,
    )


# -- templates -------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _text_environment(ledger_dir: str | None) -> jinja2.Environment:
    """The documents' environment without HTML escaping, for plain-text e-mail bodies."""
    return template_environment(ledger_dir).overlay(autoescape=False)


def letter_labels(env: jinja2.Environment, language: str) -> dict[str, Any]:
    """The statements' labels of `language` with the reminders' on top."""
    merged = dict(labels(env, language))
    try:
        module = env.get_template(f"reminders/{language}/labels.html").module
    except jinja2.TemplateError as exc:
        raise template_problem(exc) from None
    extra = getattr(module, "L", None)
    if not isinstance(extra, Mapping):
        raise DocumentError(f"reminders/{language}/labels.html must set L to a dict of labels "
                            "({% set L = {...} %})")
    merged.update(extra)
    return merged


def _context(job: ReminderJob, letter: Letter, env: jinja2.Environment,
             warnings: list[str] | None, inline_css: bool = True) -> dict[str, Any]:
    company = job.company
    return {
        "letter": letter,
        "reminder": letter.reminder,
        "customer": letter.customer,
        "company": company,
        "settings": job.settings,
        "logo": logo_uri(company, warnings, job.ledger_dir),
        "payments": list(letter.payments),
        "lang": letter.language,
        "locale": document_locale(letter.language, company),
        "L": letter_labels(env, letter.language),
        "inline_css": inline_css,
    }


def _render(env: jinja2.Environment, names: Sequence[str], context: Mapping[str, Any]) -> str:
    try:
        return env.select_template(list(names)).render(context)
    except jinja2.TemplateError as exc:
        raise template_problem(exc) from None


def letter_html(job: ReminderJob, reminder: Reminder, language: str | None = None,
                warnings: list[str] | None = None, inline_css: bool = True) -> str:
    """The letter of `reminder` as an HTML document, with the print CSS unless `inline_css` is
    false (for `letter_pdf`, which hands it to WeasyPrint apart)."""
    letter = build_letter(job, reminder, language, warnings)
    env = template_environment(job.ledger_dir)
    return _render(env, [f"reminders/{letter.language}/{letter.level}.html"],
                   _context(job, letter, env, warnings, inline_css))


def letter_pdf(job: ReminderJob, reminder: Reminder, language: str | None = None,
               warnings: list[str] | None = None) -> bytes:
    """The letter of `reminder` as PDF bytes (WeasyPrint, A4)."""
    html = letter_html(job, reminder, language, warnings, inline_css=False)
    return html_to_pdf(html, job.ledger_dir, print_css(job.ledger_dir))


def letter_filename(job: ReminderJob, reminder: Reminder, ext: str = "pdf") -> str:
    """E.g. ``reminder-2-firm-RestaurantLeZinc-2026-11-23.pdf``."""
    customer = job.settlement.book.customers[reminder.customer]
    name = customer.name if customer.shared else customer.account.rsplit(":", 1)[-1]
    return (f"reminder-{reminder.level.number}-{reminder.level.name}-{slug(name)}-"
            f"{job.as_of.isoformat()}.{ext}")


@dataclass(frozen=True)
class EmailTexts:
    subject: str
    text: str
    html: str


def email_texts(job: ReminderJob, reminder: Reminder, language: str | None = None,
                warnings: list[str] | None = None) -> EmailTexts:
    """The subject, plain-text and HTML bodies of the e-mail carrying a letter."""
    letter = build_letter(job, reminder, language, warnings)
    env = template_environment(job.ledger_dir)
    context = _context(job, letter, env, warnings)
    context["logo"] = None  # mail clients block data: images; the PDF has the logo
    label = context["L"]
    try:
        subject = str(label["r_subject"]).format(
            title=label["r_title"][letter.level], company=job.company.name,
            invoices=", ".join(letter.invoices), customer=letter.customer.name)
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise DocumentError(f"label r_subject or r_title of reminders/{letter.language}/"
                            f"labels.html is malformed ({exc.__class__.__name__}: {exc})"
                            ) from None
    lang, level = letter.language, letter.level
    text = _render(_text_environment(job.ledger_dir),
                   [f"reminders/{lang}/{level}.txt", f"reminders/{lang}/email.txt",
                    "reminders/email.txt"], context)
    html = _render(env, [f"reminders/{lang}/{level}.email.html",
                         f"reminders/{lang}/email.html", "reminders/email.html"], context)
    return EmailTexts(subject, text, html)


def email_addresses(job: ReminderJob, reminder: Reminder) -> tuple[Address, list[Address]]:
    """The sender (the company's ``email``) and the recipients (the customer's ``email:``, one
    address or several separated by commas) of a letter's e-mail; MailError when one is
    missing or is not a plain e-mail address."""
    book = job.settlement.book
    customer = book.customers[reminder.customer]
    good, bad = split_emails(customer_email(book, reminder.customer))
    if bad:
        raise MailError(reason(N_("{name}: email {address} is not an e-mail address; correct the "
                                  "email: metadata of {account}"), name=one_line(customer.name, 60),
                               address=repr(one_line(bad[0], 80)), account=customer.account))
    if not good:
        raise MailError(where_email_goes(book, reminder.customer))
    if not job.company.email:
        raise MailError(N_("the company has no e-mail address to send from: add 'email' to the "
                           "custom \"ar-company\" directive"))
    return (address(job.company.email, job.company.name),
            [address(addr, customer.name) for addr in good])


def email_message(job: ReminderJob, reminder: Reminder, *, pdf: bytes | None = None,
                  language: str | None = None,
                  warnings: list[str] | None = None) -> EmailMessage:
    """The e-mail of a letter: from the company to the customer (`email_addresses`), with the
    reminder settings' reply-to and bcc; plain text, HTML, and the letter as a PDF attachment
    (`pdf`, rendered here when not given). MailError when an address is missing or malformed,
    DocumentError when a template fails."""
    sender, to = email_addresses(job, reminder)
    texts = email_texts(job, reminder, language, warnings)
    if pdf is None:
        pdf = letter_pdf(job, reminder, language, warnings)
    return build_message(
        sender=sender,
        to=to,
        subject=texts.subject,
        text=texts.text,
        html=texts.html,
        attachments=[(letter_filename(job, reminder), pdf, "application/pdf")],
        reply_to=[address(addr) for addr in job.settings.reply_to],
        bcc=[address(addr) for addr in job.settings.bcc],
    )


__all__ = [
    "LEVEL_NAMES", "Letter", "LetterPart", "ReminderJob", "EmailTexts", "prepare_reminders",
    "settings_of", "build_letter", "letter_labels", "letter_html", "letter_pdf",
    "letter_filename", "email_texts", "email_addresses", "email_message", "record_directives",
]
