"""``bean-ar remind``: today's reminders, for a daily cron job.

    bean-ar remind main.beancount                       # what would be sent today, and why
    bean-ar remind main.beancount --out letters/        # ... and write each letter (PDF, .eml)
    BEAN_AR_SMTP_PASSWORD=... bean-ar remind main.beancount --send --record reminders.beancount

The policy (`beancount_ar.core.reminders.worklist`) decides who gets which letter; this command
only shows, writes, sends and records them. Without ``--send`` nothing is sent and nothing is
written to the ledger. With ``--send`` each letter is e-mailed (the company's ``email`` is the
sender; the server comes from the ``custom "ar-reminders"`` directive, or ``--smtp HOST:PORT``)
and recorded in the ``--record`` file, which the ledger must include, exactly once through
`beancount_ar.dispatch` (claimed under the ledger's lock, so a second run or Fava sending at the
same moment skips it; a run killed half-way is finished by the next one):

    ; main.beancount
    include "reminders.beancount"

    ; reminders.beancount, after a run
    2026-11-23 custom "ar-reminder" "F-2026-050" 2 "email"

The next run reads them, so running twice the same day sends and records nothing twice (the
minimum spacing between two reminders holds the second one back). Bad input is a `CliError`:
one line, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import os
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

from beancount_ar.cli.common import CliError, load_ledger, parse_date, write_output
from beancount_ar.core.customers import customer_email
from beancount_ar.core.reminders import Reminder
from beancount_ar.dispatch import Dispatcher, book_records
from beancount_ar.ledger_writer import WriteError, record_directives
from beancount_ar.mail import MailError, SmtpSession, message_bytes, one_line, smtp_password
from beancount_ar.render.documents import DocumentError
from beancount_ar.render.letters import (
    ReminderJob,
    email_addresses,
    email_message,
    letter_filename,
    letter_pdf,
    prepare_reminders,
)

CHANNEL = "email"


def parse_smtp(text: str) -> tuple[str, int | None]:
    """``HOST``, ``HOST:PORT`` or ``[IPv6]:PORT``; CliError when malformed."""
    match = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\](?::(\d+))?|([A-Za-z0-9._-]+)(?::(\d+))?",
                         text.strip())
    if not match:
        raise CliError(f"--smtp {text!r}: expected HOST:PORT, e.g. smtp.example.fr:587")
    host = match.group(1) or match.group(3)
    port_text = match.group(2) or match.group(4)
    port = int(port_text) if port_text else None
    if port is not None and not 0 < port < 65536:
        raise CliError(f"--smtp {text!r}: the port must be from 1 to 65535")
    return host, port


def _included(path: str, options_map: dict[str, Any]) -> bool:
    real = os.path.realpath(path)
    return any(os.path.realpath(name) == real for name in options_map.get("include") or ())


def _money(totals: dict[str, Decimal]) -> str:
    return " + ".join(f"{amount:,} {currency}" for currency, amount in sorted(totals.items()))


@dataclasses.dataclass
class _Outcome:
    reminder: Reminder
    name: str
    to: str
    message: EmailMessage | None = None
    problem: str | None = None  # why it cannot be e-mailed
    files: list[str] = dataclasses.field(default_factory=list)
    status: str = ""


def _describe(job: ReminderJob, outcome: _Outcome) -> list[str]:
    reminder = outcome.reminder
    level = reminder.level
    lines = [f"  {outcome.name} – level {level.number} ({level.name}) – "
             f"{_money(reminder.totals)} – to {outcome.to}"]
    invoices = ", ".join(
        one_line(line.item.label, 40) + (f" ({line.days_overdue} days late)"
                                         if line.days_overdue > 0
                                         else f" (due in {-line.days_overdue} days)")
        for line in reminder.lines)
    lines.append(f"    invoices: {invoices}")
    lines.append(f"    why: {one_line(reminder.reason, 300)}")
    if outcome.files:
        lines.append(f"    files: {', '.join(outcome.files)}")
    lines.append(f"    -> {outcome.status}")
    return lines


def _report(job: ReminderJob, outcomes: Sequence[_Outcome], header: str) -> str:
    book = job.settlement.book
    work = job.worklist

    def name(key: str) -> str:
        return one_line(book.customers[key].name, 60)

    out = [header, ""]
    if outcomes:
        out.append(f"{len(outcomes)} letter(s) for today:")
        for outcome in outcomes:
            out.extend(_describe(job, outcome))
    else:
        out.append("Nothing to send today.")
    if work.waiting:
        out += ["", f"Held back by the minimum spacing "
                    f"({job.settings.policy.min_days_between} days):"]
        out += [f"  {name(r.customer)} – level {r.level.number} ({r.level.name}) – last sent "
                f"{r.last_sent}, ready on {r.ready_on}" for r in work.waiting]
    if work.upcoming:
        out += ["", f"Upcoming courtesy reminders (next {job.settings.policy.upcoming_days} "
                    "days):"]
        out += [f"  {name(r.customer)} – "
                + ", ".join(f"{one_line(line.item.label, 40)} due {line.item.due}"
                            for line in r.lines)
                + f" – on {r.ready_on}" for r in work.upcoming]
    if work.skipped:
        out += ["", "Skipped:"]
        out += [f"  {name(s.customer)}{' – ' + one_line(s.invoice, 40) if s.invoice else ''}: "
                f"{one_line(s.reason, 200)}" for s in work.skipped]
    return "\n".join(out)


def _prepare(job: ReminderJob, reminders: Sequence[Reminder], out_dir: str | None,
             need_pdf: bool, warnings: list[str],
             write: Callable[[str, bytes], str]) -> list[_Outcome]:
    outcomes = []
    book = job.settlement.book
    for reminder in reminders:
        customer = book.customers[reminder.customer]
        outcome = _Outcome(reminder, one_line(customer.name, 60),
                           one_line(customer_email(book, reminder.customer), 120)
                           or "(no e-mail address)")
        try:
            email_addresses(job, reminder)
        except MailError as exc:
            outcome.problem = str(exc)
        try:
            pdf = letter_pdf(job, reminder, warnings=warnings) if need_pdf or out_dir else None
            if out_dir and pdf is not None:
                outcome.files.append(write(os.path.join(out_dir, letter_filename(job, reminder)),
                                           pdf))
            if pdf is not None and outcome.problem is None:
                outcome.message = email_message(job, reminder, pdf=pdf, warnings=warnings)
                if out_dir:
                    outcome.files.append(write(
                        os.path.join(out_dir, letter_filename(job, reminder, "eml")),
                        message_bytes(outcome.message)))
        except (DocumentError, MailError) as exc:
            raise CliError(str(exc)) from None
        outcomes.append(outcome)
    return outcomes


def _send(job: ReminderJob, outcomes: Sequence[_Outcome], args: argparse.Namespace,
          record: str, dispatcher: Dispatcher, notes: list[str]) -> list[_Outcome]:
    """Send each message and record it, exactly once (`beancount_ar.dispatch`); the outcomes
    that failed. A letter another sender recorded meanwhile is skipped, not a failure."""
    settings = job.settings.smtp
    if args.smtp:
        host, port = parse_smtp(args.smtp)
        settings = dataclasses.replace(settings, host=host, port=port)
    failed: list[_Outcome] = []
    sendable: list[tuple[_Outcome, EmailMessage]] = []
    for outcome in outcomes:
        if outcome.message is None:
            outcome.status = f"NOT SENT: {outcome.problem}"
            failed.append(outcome)
        else:
            sendable.append((outcome, outcome.message))
    if not sendable:
        return failed
    loaded = book_records(job.settlement.book.reminders)
    try:
        with SmtpSession(settings, smtp_password(settings)) as session:
            for outcome, message in sendable:
                directives = record_directives(outcome.reminder, job.as_of, CHANNEL)
                try:
                    done = dispatcher.deliver(
                        directives, record, loaded, who=outcome.name,
                        send=functools.partial(session.send, message))
                except MailError as exc:
                    outcome.status = f"NOT SENT: {exc}"
                    failed.append(outcome)
                    continue
                notes.extend(done.recovered)
                if done.skipped:
                    outcome.status = f"not sent: {done.skipped}"
                else:
                    outcome.status = f"sent, recorded in {args.record}"
    except (MailError, WriteError) as exc:
        raise CliError(str(exc)) from None
    return failed


def cmd_remind(args: argparse.Namespace) -> str:
    """Run ``bean-ar remind`` (see the module docstring); the report to print."""
    as_of = parse_date(args.as_of)
    record = os.path.abspath(args.record) if args.record else None
    if args.send and record is None:
        raise CliError("--send needs --record FILE (a file the ledger includes): without the "
                       "records, the next run would send the same reminders again")
    if args.smtp:
        parse_smtp(args.smtp)  # a bad --smtp is reported before anything else happens
    if record is not None:
        if os.path.isdir(record):
            raise CliError(f"--record {args.record}: is a directory; give a .beancount file")
        if not os.path.isdir(os.path.dirname(record)):
            raise CliError(f"--record {args.record}: its folder does not exist")
    out_dir = args.out
    if out_dir:
        try:
            os.makedirs(out_dir, exist_ok=True)
        except OSError as exc:
            raise CliError(f"--out {out_dir}: cannot create it ({exc.strerror or exc})"
                           ) from None
    created = False
    keep = False
    if record is not None and not os.path.exists(record):
        # An `include` of a file that does not exist is a load error: create the file first
        # (empty, so it changes nothing) and remove it again unless this run sends.
        try:
            os.close(os.open(record, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            created = True
        except OSError as exc:
            raise CliError(f"--record {args.record}: cannot create it "
                           f"({exc.strerror or exc})") from None
    try:
        entries, options_map = load_ledger(args.ledger, args.ignore_errors)
        if record is not None and not _included(record, options_map):
            raise CliError(f"--record {args.record}: the ledger does not include this file, so "
                           "the next run would not see the records and would send the same "
                           f"reminders again; add include \"{os.path.basename(record)}\" (its "
                           f"path relative to {args.ledger}) to the ledger")
        keep = bool(args.send)
        notes: list[str] = []
        dispatcher = Dispatcher(args.ledger, options_map.get("include") or ())
        if args.send:
            try:
                dispatcher.check(record or "")
                notes = dispatcher.recover()  # an interrupted run's send, finished first
            except WriteError as exc:
                raise CliError(f"nothing was sent: {exc}") from None
            if notes:  # the records it wrote change today's worklist
                entries, options_map = load_ledger(args.ledger, args.ignore_errors)
        elif os.path.exists(dispatcher.journal):
            notes.append(f"an interrupted run left {dispatcher.journal}: the next run with "
                         "--send finishes it (records what it sent) before anything else")
        try:
            job = prepare_reminders(entries, options_map, as_of)
        except DocumentError as exc:
            raise CliError(str(exc)) from None
        warnings: list[str] = []

        def write(path: str, content: bytes) -> str:
            return write_output(path, content, "--out", args.ledger, options_map, args.force)

        outcomes = _prepare(job, job.worklist.reminders, out_dir, args.send, warnings, write)
        if args.send:
            header = f"Reminders as of {as_of}: sending"
            failed = _send(job, outcomes, args, record or "", dispatcher, notes)
        else:
            header = f"Reminders as of {as_of} – dry run: nothing is sent (--send sends them)"
            failed = []
            for outcome in outcomes:
                outcome.status = ("would send" if outcome.problem is None
                                  else f"cannot be e-mailed: {outcome.problem}")
        report = _report(job, outcomes, header)
        if notes:
            report += "\n\nInterrupted sends:\n" + "\n".join(f"  {one_line(n, 400)}"
                                                             for n in notes)
        if warnings:
            report += "\n\nWarnings:\n" + "\n".join(f"  {one_line(w, 300)}"
                                                    for w in dict.fromkeys(warnings))
        if failed:
            print(report, flush=True)
            raise CliError(f"{len(failed)} of {len(outcomes)} reminder(s) not sent; first: "
                           f"{failed[0].name}: {failed[0].status.removeprefix('NOT SENT: ')}")
        return report
    finally:
        if created and not keep:
            try:
                if os.path.getsize(record or "") == 0:
                    os.unlink(record or "")
            except OSError:
                pass


def register(commands: Any) -> None:
    """Add the ``remind`` command to bean-ar's subparsers."""
    sub = commands.add_parser(
        "remind", help="today's reminders: say what would be sent, or send and record them",
        description="Today's payment reminders (see docs/reminders.md). Without --send, only "
                    "says what would be sent.")
    sub.add_argument("ledger", metavar="LEDGER", help="the ledger's main file")
    sub.add_argument("--as-of", metavar="DATE",
                     help="the letters' date, and the records' (YYYY-MM-DD; default: today)")
    sub.add_argument("--send", action="store_true",
                     help="send the reminders by e-mail (needs --record)")
    sub.add_argument("--smtp", metavar="HOST:PORT",
                     help="the mail server, instead of the ledger's smtp_host/smtp_port")
    sub.add_argument("--record", metavar="FILE",
                     help="append a record of each reminder sent to FILE, a file the ledger "
                          "includes (created if missing)")
    sub.add_argument("--out", metavar="DIR",
                     help="also write each letter to DIR as PDF and .eml")
    sub.add_argument("--ignore-errors", action="store_true",
                     help="go on even if the ledger has errors (bean-check lists them)")
    sub.add_argument("--force", action="store_true",
                     help="with --out: overwrite letters that exist (never a file of the "
                          "ledger)")
    sub.set_defaults(run=cmd_remind)


__all__ = ["register", "cmd_remind", "parse_smtp"]
