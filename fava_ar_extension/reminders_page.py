"""The Reminders page: today's dunning worklist, its letters, sending and recording them.

``?view=reminders`` shows, as of today (Fava's time filter does not apply: reminders go out
today and are recorded today), what `beancount_ar.core.reminders.worklist` decides:

- the letters due today: customer, level, invoices, amount, why, recipient; for each a preview
  (``&preview=<customer>``), the PDF and the ``.eml``, and two actions, *Send* (e-mail it over
  the configured server, then record it with channel ``email``) and *Mark as sent* (record it
  with channel ``letter``, for a letter printed and posted);
- the letters held back by the minimum spacing, with the day they become due;
- the courtesy reminders coming up, and what is skipped (disputes, plans kept, exclusions);
- the letters recorded today, and the policy's rule with the offsets in force.

The actions are POST endpoints (``reminder_send``, ``reminder_record``, with a JSON body
``{"customer": "<key>"}``); Fava answers 401 to them itself when it runs read-only. A record is
``custom "ar-reminder" "<invoice>" <level> "<channel>"`` per invoice of the letter, appended to
the file where Fava inserts entries by the same workflow as ``bean-ar remind``
(`beancount_ar.dispatch`: claimed under the ledger's lock, Fava's own file lock held too). An
action is refused when the letter's records already exist for today, so a double click, a second
browser tab or a cron job sending at the same moment, records and sends nothing twice.

Bulk work: *Send all by e-mail* and *Mark all as sent* (AccountsReceivable.js) post the same
per-letter actions one letter at a time, showing "n of N" and, per customer, what was sent,
skipped or failed; *Cancel* stops after the current letter. Which letters a bulk run takes
(`bulk_skip`) and how each outcome reads (`outcome_labels`, the ``outcome`` of each answer:
``sent``, ``recorded``, ``already``, ``skipped``, ``failed``) are decided here; a reload or a
second run sends nothing twice, since each letter already recorded today answers ``already``.

Letters, e-mails and records are made by `beancount_ar.render.letters`, `beancount_ar.mail` and
`beancount_ar.ledger_writer`; this module only reads the request, checks and hands over.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from beancount_ar.core.model import ReminderRecord
from beancount_ar.core.reminders import (
    LATE,
    PUNCTUAL,
    REGULAR,
    Reminder,
    ReminderPolicy,
    policy_statement,
)
from beancount_ar.dispatch import Dispatcher, SentNotRecorded, book_records
from beancount_ar.ledger_writer import WriteError, record_directives
from beancount_ar.mail import MailError, SmtpSession, message_bytes, smtp_password
from beancount_ar.render.documents import DocumentError
from beancount_ar.render.letters import (
    ReminderJob,
    email_addresses,
    email_message,
    letter_filename,
    letter_html,
    letter_pdf,
)
from fava_ar_extension.analysis import Analysis
from fava_ar_extension.i18n import UI
from fava_ar_extension.pages import PageError, Pages
from fava_ar_extension.statements_page import as_sheet

EMAIL, LETTER = "email", "letter"
READY, WAITING, UPCOMING = "ready", "waiting", "upcoming"
PROFILES = {PUNCTUAL: "Punctual payer", REGULAR: "Regular payer", LATE: "Late payer"}


class ActionError(Exception):
    """An action refused or failed; the message is for the user, `status` for HTTP."""

    def __init__(self, message: str, status: int, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.extra = extra


@dataclass(frozen=True)
class Writing:
    """Where and whether the page can record: Fava's file for new entries, its mode."""

    record_file: str  # shown to the user: relative to the ledger's folder when inside it
    read_only: bool


def rule_text(policy: ReminderPolicy, t: Callable[..., str]) -> list[str]:
    """The policy in words, in the page's language (`beancount_ar.core.reminders`)."""
    return [reason.text(t) for reason in policy_statement(policy)]


def letter_of(job: ReminderJob, key: str, t: Callable[..., str]) -> tuple[Reminder, str]:
    """The letter of a customer (ready, waiting or upcoming) and which of those it is."""
    for state, group in ((READY, job.worklist.reminders), (WAITING, job.worklist.waiting),
                         (UPCOMING, job.worklist.upcoming)):
        for reminder in group:
            if reminder.customer == key:
                return reminder, state
    customers = job.settlement.book.customers
    if key not in customers:
        raise PageError(t("Unknown customer “{customer}”.", customer=key), 404)
    raise PageError(t("No reminder for {name} today: nothing of theirs is due for one.",
                      name=customers[key].name), 404)


def bulk_skip(state: str, mail_blocked: str | None, t: Callable[..., str]) -> str | None:
    """Why *Send all by e-mail* leaves a letter out (None: it takes it): only the letters due
    today go, and only those that can be e-mailed (a server, a password, an address)."""
    if state != READY:
        return t("not due today")
    return mail_blocked


# The outcome of one letter in a bulk run, as each action answers it (its JSON ``outcome``).
SENT, RECORDED, ALREADY, SKIPPED, FAILED, CANCELLED = (
    "sent", "recorded", "already", "skipped", "failed", "cancelled")


def outcome_labels(t: Callable[..., str]) -> dict[str, str]:
    """How a bulk run reports each outcome, per customer, in the page's language."""
    return {SENT: t("sent"), RECORDED: t("recorded as sent by post"),
            ALREADY: t("already sent: nothing sent again"), SKIPPED: t("skipped"),
            FAILED: t("failed"), CANCELLED: t("not sent: cancelled")}


def records_on(job: ReminderJob, day: datetime.date,
               customer: str | None = None) -> list[ReminderRecord]:
    return [record for record in job.settlement.book.reminders
            if record.date == day and (customer is None or record.customer == customer)]


# -- the page --------------------------------------------------------------------------------


class ReminderView:
    """Builds the Reminders page of one request."""

    def __init__(self, analysis: Analysis, pages: Pages, job: ReminderJob,
                 writing: Writing) -> None:
        self.analysis = analysis
        self.pages = pages
        self.job = job
        self.writing = writing
        self.ui: UI = pages.ui
        self.t = pages.t
        self.links = pages.links
        self.customers = job.settlement.book.customers

    def shown(self, key: str) -> bool:
        """Whether Fava's account filter leaves the customer on the page."""
        allowed = self.pages.scope.customers
        return allowed is None or key in allowed

    def level(self, reminder: Reminder) -> str:
        return self.t("{number} – {name}", number=reminder.level.number,
                      name=self.t(reminder.level.name))

    def amounts(self, reminder: Reminder) -> list[str]:
        return [self.ui.amount(amount, currency)
                for currency, amount in sorted(reminder.totals.items())]

    def lines(self, reminder: Reminder) -> list[str]:
        t = self.t
        out = []
        for line in reminder.lines:
            days = line.days_overdue
            when = (t("paid; charges of {amount} open",
                      amount=self.ui.amount(line.penalties, line.item.currency)) if line.paid else
                    t.n("{count} day late", "{count} days late", days) if days > 0 else
                    t("due today") if days == 0 else
                    t.n("due in {count} day", "due in {count} days", -days))
            out.append(f"{line.item.label} ({when})")
        return out

    def recipient(self, reminder: Reminder) -> tuple[str, str | None]:
        """The addresses the e-mail goes to, or why it cannot be e-mailed."""
        try:
            _, to = email_addresses(self.job, reminder)
        except MailError as exc:
            return "", exc.text(self.t)
        return ", ".join(a.addr_spec for a in to), None

    def row(self, reminder: Reminder, state: str, mail_problem: str | None) -> dict[str, Any]:
        t, links = self.t, self.links
        key = reminder.customer
        customer = self.customers[key]
        recipient, no_mail = self.recipient(reminder)
        blocked = mail_problem or no_mail
        return {
            "key": key, "name": customer.name, "url": self.pages.customer_url(key),
            "state": state, "level": self.level(reminder), "level_number": reminder.level.number,
            "profile": t(PROFILES.get(reminder.profile.name, reminder.profile.name)),
            "profile_reason": reminder.profile.why.text(t),
            "lines": self.lines(reminder), "amounts": self.amounts(reminder),
            "reason": reminder.why.text(t),
            "last_sent": reminder.last_sent.isoformat() if reminder.last_sent else "",
            "ready_on": reminder.ready_on.isoformat(),
            "recipient": recipient, "no_mail": no_mail,
            "preview": links.view("reminders", preview=key),
            "pdf": links.endpoint("reminder_pdf", customer=key),
            "eml": links.endpoint("reminder_eml", customer=key) if not no_mail else None,
            "send": links.endpoint("reminder_send") if state == READY else None,
            "record": links.endpoint("reminder_record") if state == READY else None,
            "send_blocked": blocked,
            "bulk_skip": bulk_skip(state, blocked, t),
            "confirm": t("Send the letter to {name} ({to}) by e-mail now, and record it?",
                         name=customer.name, to=recipient),
        }

    def schedule(self) -> list[dict[str, Any]]:
        """The offsets in force, per level and payment profile (`ReminderPolicy.schedule`)."""
        policy = self.job.settings.policy
        profiles = [policy.schedule(name) for name in (PUNCTUAL, REGULAR, LATE)]
        out = []
        for level in policy.levels:
            cells = []
            for schedule in profiles:
                days = next((lv.days for lv in schedule if lv.number == level.number), None)
                cells.append("—" if days is None else self.t("{days:+d} days", days=days))
            out.append({"level": f"{level.number} – {self.t(level.name)}", "cells": cells})
        return out

    def mail_problem(self) -> str | None:
        """Why nothing can be e-mailed from here (no server, no password), if so."""
        smtp = self.job.settings.smtp
        if not smtp.host:
            return self.t("No mail server: set smtp_host in the custom \"ar-reminders\" "
                          "directive to send from here.")
        try:
            smtp_password(smtp)
        except MailError as exc:
            return exc.text(self.t)
        return None

    def recorded_today(self) -> list[dict[str, Any]]:
        groups: dict[tuple[str, int, str], list[str]] = {}
        for record in records_on(self.job, self.job.as_of):
            groups.setdefault((record.customer, record.level, record.channel),
                              []).append(record.invoice)
        out = []
        for (key, level, channel), invoices in groups.items():
            customer = self.customers.get(key)
            out.append({"key": key, "name": customer.name if customer else key,
                        "url": self.pages.customer_url(key) if customer else None,
                        "level": self.level_name(level), "channel": self.t(channel),
                        "invoices": ", ".join(invoices)})
        return sorted(out, key=lambda r: r["name"].lower())

    def level_name(self, number: int) -> str:
        level = next((lv for lv in self.job.settings.policy.levels if lv.number == number),
                     None)
        return self.t("{number} – {name}", number=number, name=self.t(level.name)) \
            if level else str(number)

    def body(self) -> dict[str, Any]:
        t, job, args = self.t, self.job, self.pages.args
        work = job.worklist
        smtp = job.settings.smtp
        mail_problem = self.mail_problem()
        shown = self.shown
        body: dict[str, Any] = {
            "as_of": self.ui.long_date(job.as_of),
            "rows": [self.row(r, READY, mail_problem) for r in work.reminders
                     if shown(r.customer)],
            "waiting": [self.row(r, WAITING, mail_problem) for r in work.waiting
                        if shown(r.customer)],
            "upcoming": [self.row(r, UPCOMING, mail_problem) for r in work.upcoming
                         if shown(r.customer)],
            "skipped": [{"name": self.customers[s.customer].name,
                         "url": self.pages.customer_url(s.customer),
                         "invoice": s.invoice or t("all invoices"), "reason": s.why.text(t)}
                        for s in work.skipped if shown(s.customer)],
            "recorded": [r for r in self.recorded_today() if shown(r["key"])],
            "schedule": self.schedule(),
            "min_days": job.settings.policy.min_days_between,
            "upcoming_days": job.settings.policy.upcoming_days,
            "rule": rule_text(job.settings.policy, t),
            "server": f"{smtp.host}:{smtp.effective_port}" if smtp.host else "",
            "mail_problem": mail_problem,
            "record_file": self.writing.record_file,
            "read_only": self.writing.read_only,
            "preview": None,
            "notice": None,
        }
        body["bulk"] = self.bulk(body["rows"])
        wanted = args.get("preview")
        if wanted:
            body["preview"] = self.preview(wanted)
        recorded = args.get("recorded")
        if recorded:
            body["notice"] = self.notice(recorded)
        return body

    def bulk(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        """The bulk actions' counts and words: how many letters each takes, its progress line
        (``{done}`` and ``{total}`` filled in by the page's script) and the outcomes' labels."""
        t = self.t
        emailable = sum(1 for row in rows if row["bulk_skip"] is None)
        return {
            "email": emailable, "letter": len(rows),
            "email_text": t.n("Send the {count} letter by e-mail",
                              "Send all {count} letters by e-mail", emailable),
            "letter_text": t.n("Mark the {count} letter as sent by post",
                               "Mark all {count} letters as sent by post", len(rows)),
            "email_confirm": t.n("E-mail {count} letter now and record it? Letters that cannot "
                                 "be e-mailed are skipped.",
                                 "E-mail {count} letters now and record them? Letters that "
                                 "cannot be e-mailed are skipped.", emailable),
            "letter_confirm": t.n("Record {count} letter as sent by post?",
                                  "Record {count} letters as sent by post?", len(rows)),
            "progress": t("{done} of {total} letters", done="{done}", total="{total}"),
            "done": t("Finished: {done} of {total} letters.", done="{done}",
                      total="{total}"),
            "cancelled": t("Cancelled after {done} of {total} letters; the others were not "
                           "sent.", done="{done}", total="{total}"),
            "cancelling": t("Stopping after the current letter…"),
            "reload": t("Reload the page to see the worklist as it is now."),
            "reload_url": self.links.view("reminders"),
            "outcomes": outcome_labels(t),
        }

    def preview(self, key: str) -> dict[str, Any]:
        customer = self.customers.get(key)
        name = customer.name if customer else key
        try:
            reminder, state = letter_of(self.job, key, self.t)
            warnings: list[str] = []
            document = as_sheet(letter_html(self.job, reminder, warnings=warnings))
        except (PageError, DocumentError) as exc:
            return {"name": name, "error": str(exc), "close": self.links.view("reminders")}
        return {"name": name, "key": key, "level": self.level(reminder), "state": state,
                "document": document, "warnings": warnings, "error": None,
                "pdf": self.links.endpoint("reminder_pdf", customer=key),
                "close": self.links.view("reminders"),
                "filename": letter_filename(self.job, reminder)}

    def notice(self, key: str) -> str | None:
        """What was recorded today for the customer (after an action), from the ledger."""
        records = records_on(self.job, self.job.as_of, key)
        customer = self.customers.get(key)
        if not records or customer is None:
            return None
        last = records[-1]
        return self.t("Recorded for {name} on {date}: {invoices} (level {level}, {channel}), "
                      "in {file}.", name=customer.name, date=last.date.isoformat(),
                      invoices=", ".join(r.invoice for r in records), level=last.level,
                      channel=self.t(last.channel), file=self.writing.record_file)


def reminders_page(analysis: Analysis, pages: Pages, today: datetime.date,
                   writing: Writing) -> dict[str, Any]:
    """The body of the Reminders page (see the module docstring)."""
    try:
        job = analysis.reminder_job(today)
    except DocumentError as exc:
        raise PageError(pages.t("The reminders cannot be prepared: {message}",
                                message=str(exc)), 422) from None
    return ReminderView(analysis, pages, job, writing).body()


# -- downloads -------------------------------------------------------------------------------


def letter_file(job: ReminderJob, key: str, fmt: str, t: Callable[..., str]
                ) -> tuple[str, bytes, str]:
    """(file name, content, MIME type) of a customer's letter: ``pdf``, ``html`` or ``eml``
    (the e-mail with the PDF attached, for a mail program)."""
    reminder, _ = letter_of(job, key, t)
    if fmt == "html":
        return (letter_filename(job, reminder, "html"),
                letter_html(job, reminder).encode("utf-8"), "text/html")
    pdf = letter_pdf(job, reminder)
    if fmt == "pdf":
        return letter_filename(job, reminder), pdf, "application/pdf"
    message = email_message(job, reminder, pdf=pdf)
    return letter_filename(job, reminder, "eml"), message_bytes(message), "message/rfc822"


# -- actions ---------------------------------------------------------------------------------


def act(job: ReminderJob, key: str, channel: str, dispatcher: Dispatcher, record_path: str,
        t: Callable[..., str], record_file: str,
        send: Callable[[EmailMessage], Sequence[str]] | None = None) -> dict[str, Any]:
    """Record (and first e-mail, when `send` is given) today's letter to a customer, through
    the one send-then-record workflow (`beancount_ar.dispatch`): claimed under the ledger's
    lock, so the command line or another Fava sending at the same moment never send it twice.

    Refused (`ActionError`) when the letter's records already exist for today (in the loaded
    ledger, or written meanwhile by another sender), or when the customer has no letter due
    today. A message the server refuses records nothing; a record that cannot be written after
    the message went out is said, and the next send (here or from the command line) writes it."""
    customers = job.settlement.book.customers
    if key not in customers:
        raise ActionError(t("Unknown customer “{customer}”.", customer=key), 404)
    name = customers[key].name
    done = records_on(job, job.as_of, key)
    if done:
        raise ActionError(t("Already recorded today for {name}: {invoices} (level {level}, "
                            "{channel}). Nothing was sent or recorded again.", name=name,
                            invoices=", ".join(r.invoice for r in done), level=done[-1].level,
                            channel=t(done[-1].channel)), 409, outcome=ALREADY)
    reminder = next((r for r in job.worklist.reminders if r.customer == key), None)
    if reminder is None:
        held = next((r for r in job.worklist.waiting if r.customer == key), None)
        if held is not None:
            raise ActionError(t("The letter to {name} is held by the minimum spacing between "
                                "two reminders until {date}.", name=name,
                                date=held.ready_on.isoformat()), 409, outcome=SKIPPED)
        raise ActionError(t("No reminder for {name} today: nothing of theirs is due for one.",
                            name=name), 409, outcome=SKIPPED)
    records = record_directives(reminder, job.as_of, channel)
    numbers = [str(r.values[0].value) for r in records]
    deliver: Callable[[], Sequence[str]] | None = None
    if send is not None:
        message = email_message(job, reminder, pdf=letter_pdf(job, reminder))
        deliver = lambda: send(message)  # noqa: E731
    try:
        result = dispatcher.deliver(records, record_path,
                                    book_records(job.settlement.book.reminders),
                                    send=deliver, who=name)
    except SentNotRecorded as exc:
        raise ActionError(t("The e-mail was sent, but the record could not be written: "
                            "{message}", message=str(exc)), 503, sent=True,
                          outcome=FAILED) from None
    except WriteError as exc:
        raise ActionError(t("Nothing was sent or recorded: {message}", message=str(exc)),
                          503) from None
    if result.skipped:
        raise ActionError(t("Already recorded for {name} by another sender ({reason}). "
                            "Nothing was sent or recorded again.", name=name,
                            reason=result.skipped), 409, outcome=ALREADY)
    recipients = result.recipients
    invoices = ", ".join(numbers)
    if send is not None:
        message_text = t("Sent to {to} and recorded in {file}: {invoices}.",
                         to=", ".join(recipients), file=record_file, invoices=invoices)
    else:
        message_text = t("Recorded as sent by post in {file}: {invoices}.", file=record_file,
                         invoices=invoices)
    return {"ok": True, "message": message_text, "customer": key, "channel": channel,
            "outcome": SENT if send is not None else RECORDED,
            "level": reminder.level.number, "recipients": recipients,
            "records": result.text.splitlines(), "file": record_file,
            "recovered": result.recovered}


def smtp_sender(job: ReminderJob) -> Callable[[EmailMessage], Sequence[str]]:
    """A function sending one message over the configured server (password from the
    environment); MailError when it cannot."""
    settings = job.settings.smtp

    def send(message: EmailMessage) -> Sequence[str]:
        with SmtpSession(settings, smtp_password(settings)) as session:
            return session.send(message)

    return send
