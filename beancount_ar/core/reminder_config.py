"""Configuration of reminders (relances): the policy's offsets, the letters, the mail server.

One ``custom "ar-reminders"`` directive configures them. Its settings are a Python-literal dict
(the same reader as the plugin's configuration), or metadata on the directive, or both (a key
given twice takes the metadata's value). The latest directive dated on or before the day of the
reminders wins, so a change of policy is a new dated directive; without one, the defaults apply.

    2026-01-01 custom "ar-reminders" "{'friendly_days': 7, 'firm_days': 15, 'final_days': 45}"
      min_days_between: 7
      deadline_days: 8
      signatory: "Claire Lambert, gérante"
      reply_to: "compta@atelier-lumiere.example.fr"
      smtp_host: "smtp.example.fr"
      smtp_port: 587
      smtp_user: "relances@atelier-lumiere.example.fr"
      smtp_password_env: "BEAN_AR_SMTP_PASSWORD"

| key | default | meaning |
|---|---|---|
| ``courtesy_days`` | -5 | courtesy reminder, days before due (punctual payers only) |
| ``friendly_days``, ``firm_days``, ``final_days`` | 7, 15, 45 | levels 1-3, days past due |
| ``late_friendly_days``, ``late_firm_days``, ``late_final_days`` | 3, 10, 30 | late payers |
| ``courtesy`` | True | send courtesy reminders at all |
| ``min_days_between`` | 7 | days between two reminders to a customer, at least 1 |
| ``punctual_share``, ``late_days``, ``min_history`` | 80, 15, 3 | payment-history profiles |
| ``upcoming_days`` | 7 | how far ahead upcoming courtesy reminders are listed |
| ``deadline_days`` | 8 | the deadline the firm and final letters give, in days |
| ``indemnity`` | - | deprecated, ignored: letters state the penalties policy's indemnity |
| ``signatory`` | None | who signs the letters ("Claire Lambert, gérante") |
| ``reply_to``, ``bcc`` | None | an e-mail address, or a list of them |
| ``smtp_host``, ``smtp_port`` | None, 587 | the mail server (465 with ``smtp_ssl``) |
| ``smtp_starttls``, ``smtp_ssl`` | True, False | STARTTLS required, or TLS from the start |
| ``smtp_user`` | None | log in as this user (no login when None) |
| ``smtp_password_env`` | ``BEAN_AR_SMTP_PASSWORD`` | NAME of the variable holding the password |

``indemnity`` is deprecated: letters claim the indemnity of the penalties policy
(`beancount_ar.core.charges`: the ``beancount_ar.penalties`` plugin's regime, its
``indemnity``, ``penalty_indemnity`` on a customer or an invoice), so that a letter claims what
the ledger posts. A directive that still sets it loads as before; documents made with it carry a
hint (`ReminderSettings.hints`) naming its file and line.

The password itself never goes in the ledger: a ``smtp_password`` key is refused. Every problem
(a misspelt key, a value of the wrong type, offsets out of order) is a `ConfigError` at the
directive's line, and the default is used instead. Pure: reads entries, never the environment.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount.core import data

from beancount_ar.core.config import Checker, read_directive_settings
from beancount_ar.core.errors import ConfigError
from beancount_ar.core.limits import MAX_DAYS
from beancount_ar.core.reminders import (
    COURTESY,
    DEFAULT_LEVELS,
    FINAL,
    FIRM,
    FRIENDLY,
    LATE_PAYER_DAYS,
    Level,
    Reminder,
    ReminderPolicy,
)

DIRECTIVE = "ar-reminders"
DEFAULT_PASSWORD_ENV = "BEAN_AR_SMTP_PASSWORD"
EMAIL_RE = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
_HOST_RE = re.compile(r"[A-Za-z0-9._:\[\]-]+")
_ENV_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """How to reach the mail server. The password is read from the environment variable
    `password_env` by the adapter that sends, never from the ledger."""

    host: str | None = None
    port: int | None = None  # None: 465 with ssl, else 587
    starttls: bool = True
    ssl: bool = False
    user: str | None = None
    password_env: str = DEFAULT_PASSWORD_ENV

    @property
    def effective_port(self) -> int:
        if self.port is not None:
            return self.port
        return 465 if self.ssl else 587


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    """Everything a ``custom "ar-reminders"`` directive sets (see the module docstring)."""

    policy: ReminderPolicy = field(default_factory=ReminderPolicy)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    reply_to: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    deadline_days: int = 8
    indemnity: Decimal = Decimal(40)  # deprecated, unused by letters (see the docstring)
    signatory: str | None = None
    date: datetime.date | None = None  # the directive's date, None for the defaults
    hints: tuple[str, ...] = ()  # deprecations to show with the documents (file:line: ...)

    def deadline(self, day: datetime.date) -> datetime.date:
        """The payment deadline a firm or final letter dated `day` gives."""
        return day + datetime.timedelta(days=self.deadline_days)

    def late_items(self, reminder: Reminder) -> int:
        """The invoices (or instalments) of a letter that are past due."""
        return sum(1 for line in reminder.lines if line.days_overdue > 0)

    def indemnity_due(self, reminder: Reminder) -> Decimal:
        """Deprecated: `indemnity` EUR per late invoice or instalment. Letters state the
        penalties policy's indemnity (`beancount_ar.core.charges.item_indemnity`)."""
        return self.indemnity * self.late_items(reminder)


# -- checks ----------------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _int_in(low: int | None, high: int | None, example: int) -> Checker:
    def check(value: Any) -> str | None:
        if not _is_int(value) or (low is not None and value < low) or (
                high is not None and value > high):
            if _is_int(value) and low is not None and value < low:
                bounds = f"at least {low}"
            elif _is_int(value) and high is not None and value > high:
                bounds = f"at most {high}"
            else:
                bounds = (f"from {low} to {high}" if low is not None and high is not None
                          else f"at least {low}" if low is not None else f"at most {high}")
            return f"{value!r} is not a whole number of days {bounds} (e.g. {example})"
        return None
    return check


def _number_in(low: int, high: int | None) -> Checker:
    def check(value: Any) -> str | None:
        if not _is_number(value) or not math.isfinite(value) or value < low or (
                high is not None and value > high):
            bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
            return f"{value!r} is not a number {bounds}"
        return None
    return check


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"{value!r} is not True or False"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or "\n" in value or "\r" in value:
        return f"{value!r} is not a one-line text"
    return None


def _emails(value: Any) -> str | None:
    if value is None:
        return None
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, (list, tuple)) or not values:
        return f"{value!r} is not an e-mail address or a list of them"
    for one in values:
        if not isinstance(one, str) or not EMAIL_RE.fullmatch(one.strip()):
            return f"{one!r} is not an e-mail address"
    return None


def _host(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _HOST_RE.fullmatch(value.strip()):
        return f"{value!r} is not a host name such as 'smtp.example.fr'"
    return None


def _port(value: Any) -> str | None:
    if value is None or (_is_int(value) and 0 < value < 65536):
        return None
    return f"{value!r} is not a port number (1-65535, e.g. 587)"


def _env_name(value: Any) -> str | None:
    if not isinstance(value, str) or not _ENV_RE.fullmatch(value):
        return (f"{value!r} is not the name of an environment variable (letters, digits and _, "
                f"e.g. '{DEFAULT_PASSWORD_ENV}')")
    return None


def _no_password(value: Any) -> str | None:  # never echo the value: it is a password
    return ("a password never goes in the ledger: put it in an environment variable and give "
            "that variable's name with 'smtp_password_env'")


CHECKS: dict[str, Checker] = {
    "courtesy_days": _int_in(-MAX_DAYS, -1, -5),
    "friendly_days": _int_in(1, MAX_DAYS, 7),
    "firm_days": _int_in(1, MAX_DAYS, 15),
    "final_days": _int_in(1, MAX_DAYS, 45),
    "late_friendly_days": _int_in(1, MAX_DAYS, 3),
    "late_firm_days": _int_in(1, MAX_DAYS, 10),
    "late_final_days": _int_in(1, MAX_DAYS, 30),
    "courtesy": _bool,
    "min_days_between": _int_in(1, MAX_DAYS, 7),
    "punctual_share": _number_in(0, 100),
    "late_days": _number_in(0, MAX_DAYS),
    "min_history": _int_in(1, 10000, 3),
    "upcoming_days": _int_in(0, MAX_DAYS, 7),
    "deadline_days": _int_in(1, 60, 8),
    "indemnity": _number_in(0, 1000000),
    "signatory": _text,
    "reply_to": _emails,
    "bcc": _emails,
    "smtp_host": _host,
    "smtp_port": _port,
    "smtp_starttls": _bool,
    "smtp_ssl": _bool,
    "smtp_user": _text,
    "smtp_password_env": _env_name,
    "smtp_password": _no_password,
}


# -- reading ---------------------------------------------------------------------------------


def _meta_value(key: str, value: Any) -> tuple[Any, str | None]:
    """A metadata value as the literal reader would see it (numbers as int or float)."""
    if isinstance(value, Decimal):
        return (int(value) if value == value.to_integral_value() else float(value)), None
    return value, None


def _settings(entry: data.Custom) -> tuple[dict[str, Any], list[str]]:
    """The key/values of one directive (literal dict, then metadata), and what is wrong."""
    return read_directive_settings(entry, CHECKS, "{'min_days_between': 7}", _meta_value)


def _emails_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(one.strip() for one in ([value] if isinstance(value, str) else value))


def _levels(values: dict[str, Any], problems: list[str]) -> tuple[tuple[Level, ...],
                                                                  dict[int, int]]:
    defaults = {level.number: level for level in DEFAULT_LEVELS}
    names = {COURTESY: "courtesy", FRIENDLY: "friendly", FIRM: "firm", FINAL: "final"}
    days = {number: values.get(f"{names[number]}_days", defaults[number].days)
            for number in names}
    late = {number: values.get(f"late_{names[number]}_days", LATE_PAYER_DAYS[number])
            for number in (FRIENDLY, FIRM, FINAL)}
    what = f'custom "{DIRECTIVE}"'
    if not days[FRIENDLY] < days[FIRM] < days[FINAL]:
        problems.append(f"{what}: friendly_days < firm_days < final_days is required (got "
                        f"{days[FRIENDLY]}, {days[FIRM]}, {days[FINAL]}); the default levels "
                        "are used")
        days = {number: level.days for number, level in defaults.items()}
    if not late[FRIENDLY] < late[FIRM] < late[FINAL]:
        problems.append(f"{what}: late_friendly_days < late_firm_days < late_final_days is "
                        f"required (got {late[FRIENDLY]}, {late[FIRM]}, {late[FINAL]}); the "
                        "defaults are used")
        late = dict(LATE_PAYER_DAYS)
    numbers = [n for n in names if n != COURTESY or values.get("courtesy", True)]
    return tuple(Level(n, names[n], days[n]) for n in numbers), late


def _build(values: dict[str, Any], problems: list[str],
           date: datetime.date | None) -> ReminderSettings:
    levels, late = _levels(values, problems)
    base = ReminderPolicy()
    policy = ReminderPolicy(
        levels=levels,
        late_payer_days=late,
        min_days_between=values.get("min_days_between", base.min_days_between),
        punctual_share=Decimal(str(values.get("punctual_share", base.punctual_share))),
        late_days=Decimal(str(values.get("late_days", base.late_days))),
        min_history=values.get("min_history", base.min_history),
        upcoming_days=values.get("upcoming_days", base.upcoming_days),
    )
    starttls = values.get("smtp_starttls", True)
    ssl = values.get("smtp_ssl", False)
    if ssl and values.get("smtp_starttls"):
        problems.append(f'custom "{DIRECTIVE}": smtp_ssl and smtp_starttls are exclusive (TLS '
                        "from the start, or upgraded by STARTTLS); smtp_ssl is used")
    if ssl:
        starttls = False
    smtp = SmtpSettings(
        host=values["smtp_host"].strip() if values.get("smtp_host") else None,
        port=values.get("smtp_port"),
        starttls=starttls,
        ssl=ssl,
        user=str(values["smtp_user"]).strip() if values.get("smtp_user") else None,
        password_env=values.get("smtp_password_env", DEFAULT_PASSWORD_ENV),
    )
    return ReminderSettings(
        policy=policy,
        smtp=smtp,
        reply_to=_emails_tuple(values.get("reply_to")),
        bcc=_emails_tuple(values.get("bcc")),
        deadline_days=values.get("deadline_days", 8),
        indemnity=Decimal(str(values.get("indemnity", 40))),
        signatory=str(values["signatory"]).strip() if values.get("signatory") else None,
        date=date,
    )


def read_reminder_settings(entries: Iterable[Any], as_of: datetime.date | None = None
                           ) -> tuple[ReminderSettings, list[ConfigError]]:
    """The reminder settings as of a date, and the problems of the directive used.

    The latest ``custom "ar-reminders"`` dated on or before `as_of` wins (the latest of all when
    `as_of` is None); without one, the defaults, and no problem.
    """
    directives = sorted((entry for entry in entries
                         if isinstance(entry, data.Custom) and entry.type == DIRECTIVE),
                        key=lambda e: e.date)
    chosen = None
    for entry in directives:
        if as_of is None or entry.date <= as_of:
            chosen = entry
    if chosen is None:
        return ReminderSettings(), []
    values, problems = _settings(chosen)
    settings = _build(values, problems, chosen.date)
    if "indemnity" in values:
        meta = chosen.meta or {}
        settings = dataclasses.replace(settings, hints=(
            f"{meta.get('filename', '?')}:{meta.get('lineno', 0)}: custom \"{DIRECTIVE}\": "
            "'indemnity' is no longer used: letters claim the indemnity of the penalties "
            "policy (plugin beancount_ar.penalties 'indemnity', or penalty_indemnity on a "
            "customer's open or an invoice); remove it",))
    return settings, [ConfigError(chosen.meta, message, chosen) for message in problems]


def valid_email(address: str | None) -> bool:
    """Whether `address` is one plain e-mail address (no name, no spaces, no line break)."""
    return address is not None and EMAIL_RE.fullmatch(address) is not None


def split_emails(value: str | None) -> tuple[list[str], list[str]]:
    """The addresses of an ``email:`` value (several separated by commas or semicolons): the
    valid ones, and the parts that are not an address."""
    good: list[str] = []
    bad: list[str] = []
    for part in re.split(r"[,;]", value or ""):
        part = part.strip()
        if not part:
            continue
        (good if valid_email(part) else bad).append(part)
    return good, bad


__all__ = ["DIRECTIVE", "DEFAULT_PASSWORD_ENV", "SmtpSettings", "ReminderSettings",
           "read_reminder_settings", "valid_email", "split_emails"]
