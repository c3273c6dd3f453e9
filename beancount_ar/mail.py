"""E-mail for reminders: a safe MIME message, written as ``.eml`` or sent over SMTP.

A reminder goes out as one message: a plain-text body, the same as HTML, and the letter as a PDF
attachment. The mail server and the sender come from the ledger, the password from the
environment:

    2025-01-01 custom "ar-company" "{'name': 'Atelier Lumière SARL', 'email': 'compta@atelier.fr'}"
    2026-01-01 custom "ar-reminders" "{'smtp_host': 'smtp.example.fr', 'smtp_port': 587,
                                       'smtp_user': 'compta@atelier.fr'}"

    $ BEAN_AR_SMTP_PASSWORD=... bean-ar remind main.beancount --send --record reminders.beancount

Names, addresses and subjects come from the ledger and are never trusted: every header value is
made one line (control characters and line breaks become spaces) and every address must be one
plain ``local@domain`` address, so a customer name or ``email:`` cannot add a header or a
recipient. STARTTLS is required unless the configuration turns it off (``smtp_starttls: False``):
a server that does not offer it gets nothing. Every problem is a `MailError` in one line.
"""

from __future__ import annotations

import datetime
import email.policy
import os
import re
import smtplib
import ssl
from collections.abc import Callable, Mapping, Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from beancount_ar.core.messages import N_, Reason, reason
from beancount_ar.core.reminder_config import SmtpSettings, valid_email

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


class MailError(Exception):
    """A message cannot be made or sent; the message says why and what to do, in any language
    (`text`)."""

    def __init__(self, why: Reason | str) -> None:
        self.why = why if isinstance(why, Reason) else Reason(why)
        super().__init__(self.why.text())

    def text(self, t: Callable[..., str] | None = None) -> str:
        """The message in `t`'s language (see `beancount_ar.core.messages`)."""
        return self.why.text(t)


def one_line(text: str | None, limit: int = 200) -> str:
    """`text` on one line: control characters and line breaks become spaces, runs of spaces one
    space; cut to `limit` characters. For headers and terminal output."""
    cleaned = " ".join(_CONTROL.sub(" ", text or "").split())
    return cleaned if len(cleaned) <= limit else cleaned[:limit - 1] + "…"


def address(addr: str, name: str | None = None) -> Address:
    """A header address from an untrusted address and display name; MailError if `addr` is not
    one plain e-mail address."""
    addr = (addr or "").strip()
    if not valid_email(addr):
        raise MailError(f"{one_line(addr, 80)!r} is not an e-mail address (local@domain)")
    local, domain = addr.rsplit("@", 1)
    return Address(display_name=one_line(name, 78), username=local, domain=domain)


def build_message(*, sender: Address, to: Sequence[Address], subject: str, text: str,
                  html: str | None = None,
                  attachments: Sequence[tuple[str, bytes, str]] = (),
                  reply_to: Sequence[Address] = (), bcc: Sequence[Address] = (),
                  date: datetime.datetime | None = None) -> EmailMessage:
    """A multipart message: `text` (and `html` as its alternative), then the attachments, each
    (file name, content, MIME type such as "application/pdf")."""
    if not to:
        raise MailError("the message has no recipient")
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = sender
    message["To"] = list(to)
    if reply_to:
        message["Reply-To"] = list(reply_to)
    if bcc:
        message["Bcc"] = list(bcc)
    message["Subject"] = one_line(subject, 250)
    message["Date"] = format_datetime(date or datetime.datetime.now(datetime.timezone.utc))
    message["Message-ID"] = make_msgid(domain=sender.domain or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text, charset="utf-8")
    if html is not None:
        message.add_alternative(html, subtype="html", charset="utf-8")
    for filename, content, mime in attachments:
        maintype, _, subtype = mime.partition("/")
        safe_name = re.sub(r"[^A-Za-z0-9._-]+", "-", one_line(filename, 120)) or "attachment"
        message.add_attachment(content, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=safe_name)
    return message


def message_bytes(message: EmailMessage) -> bytes:
    """The message as an ``.eml`` file's bytes (CRLF line ends, Bcc kept for the sender)."""
    return message.as_bytes(policy=email.policy.SMTP)


def recipients(message: EmailMessage) -> list[str]:
    """The envelope recipients of a message built by `build_message`: To, then Bcc."""
    out: list[str] = []
    for name in ("To", "Cc", "Bcc"):
        header = message[name]
        if header is not None:
            out.extend(a.addr_spec for a in header.addresses)
    return out


def smtp_password(settings: SmtpSettings,
                  environ: Mapping[str, str] | None = None) -> str | None:
    """The password from the environment variable the configuration names; None when no user
    logs in. MailError when a user is configured and the variable is not set."""
    if not settings.user:
        return None
    environ = os.environ if environ is None else environ
    password = environ.get(settings.password_env)
    if not password:
        raise MailError(reason(N_("smtp_user is {user} but the environment variable {variable} "
                                  "holding its password is not set; export it (the password "
                                  "never goes in the ledger)"), user=repr(settings.user),
                               variable=settings.password_env))
    return password


def _decoded(detail: object) -> str:
    return detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {one_line(_decoded(exc.smtp_error), 160)}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "recipients refused: " + ", ".join(
            f"{addr} ({code} {one_line(_decoded(msg), 80)})"
            for addr, (code, msg) in exc.recipients.items())
    return one_line(f"{exc.__class__.__name__}: {exc}", 200)


class SmtpSession:
    """One connection to the mail server, for several messages:

        with SmtpSession(settings, password) as session:
            session.send(message)

    Connects, upgrades with STARTTLS (or starts with TLS), logs in when a user is configured.
    `context` is the TLS context (default: the system's trusted certificates, host checked).
    """

    def __init__(self, settings: SmtpSettings, password: str | None = None, *,
                 context: ssl.SSLContext | None = None, timeout: float = 30) -> None:
        if not settings.host:
            raise MailError(N_("no mail server: set smtp_host in the ledger's custom "
                               "\"ar-reminders\" directive, or give --smtp HOST:PORT"))
        self.settings = settings
        self.password = password
        self.context = context
        self.timeout = timeout
        self.smtp: smtplib.SMTP | None = None

    @property
    def where(self) -> str:
        return f"{self.settings.host}:{self.settings.effective_port}"

    def __enter__(self) -> SmtpSession:
        settings = self.settings
        context = self.context or ssl.create_default_context()
        host = settings.host or ""  # checked by the callers: no host, no session
        try:
            if settings.ssl:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, settings.effective_port,
                                                      timeout=self.timeout, context=context)
            else:
                smtp = smtplib.SMTP(host, settings.effective_port,
                                    timeout=self.timeout)
            self.smtp = smtp
            smtp.ehlo()
            if settings.starttls:
                if not smtp.has_extn("starttls"):
                    raise MailError(reason(N_(
                        "the mail server {server} does not offer STARTTLS: nothing is sent in "
                        "clear; use a server that does, or set smtp_starttls: False (only for a "
                        "server on this machine)"), server=self.where))
                smtp.starttls(context=context)
                smtp.ehlo()
            if settings.user:
                if self.password is None:
                    raise MailError(reason(N_("smtp_user {user} needs a password: set the "
                                              "environment variable {variable}"),
                                           user=repr(settings.user),
                                           variable=settings.password_env))
                smtp.login(settings.user, self.password)
        except MailError:
            self.close()
            raise
        except smtplib.SMTPAuthenticationError as exc:
            self.close()
            raise MailError(reason(N_("the mail server {server} refused the login of {user} "
                                      "({error}); check the user and the password in "
                                      "{variable}"), server=self.where,
                                   user=repr(settings.user), error=_reason(exc),
                                   variable=settings.password_env)) from None
        except (smtplib.SMTPException, OSError) as exc:  # timeouts are OSErrors
            self.close()
            raise MailError(reason(N_("cannot use the mail server {server}: {error}"),
                                   server=self.where, error=_reason(exc))) from None
        return self

    def send(self, message: EmailMessage) -> list[str]:
        """Send one message; the recipients it went to. MailError if the server refuses it."""
        if self.smtp is None:
            raise MailError("not connected to the mail server")
        to = recipients(message)
        sender = message["From"].addresses[0].addr_spec
        try:
            refused = self.smtp.send_message(message, from_addr=sender, to_addrs=to)
        except (smtplib.SMTPException, OSError) as exc:
            raise MailError(reason(N_("the mail server {server} did not take the message to "
                                      "{recipients}: {error}"), server=self.where,
                                   recipients=", ".join(to), error=_reason(exc))) from None
        return [addr for addr in to if addr not in refused]

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["MailError", "one_line", "address", "build_message", "message_bytes", "recipients",
           "smtp_password", "SmtpSession"]
