"""Sending a reminder exactly once: which records a letter makes, whether it may still go out,
and what an interrupted send left to finish. Pure rules; the locking, the files and the mail
server are `beancount_ar.dispatch`'s.

A letter is recorded as one ``ar-reminder`` directive per invoice it lists:

    2026-11-23 custom "ar-reminder" "F-2026-050" 3 "email"
    2026-11-23 custom "ar-reminder" "F-2026-054" 3 "email"

Whoever sends (the command line, a cron job, Fava), a letter goes through these steps, each
written to a journal before it is taken, all under the ledger's lock:

    CLAIMED  - the records read again under the lock hold nothing new for its invoices
    SENDING  - the mail server is being handed the message
    SENT     - the server took it
    (records appended; the journal is removed)

`may_send` is the check of the first step: a letter whose invoices got records since the ledger
was loaded (another sender's) is skipped. `recovery` says what the next run does with a journal
an interrupted run left behind: CLAIMED - nothing had left, forget it; SENT - append the records
(unless they already are in the ledger); SENDING - the message may or may not have left: it is
recorded, never sent a second time, and the records say it is unconfirmed.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from beancount_ar.core.limits import date_problem

REMINDER = "ar-reminder"
LEVELS = (0, 1, 2, 3)  # courtesy, friendly, firm, final: `beancount_ar.core.reminders`
CHANNEL_RE = re.compile(r"[a-z][a-z0-9_-]{0,30}")
CLAIMED, SENDING, SENT = "claimed", "sending", "sent"
STEPS = (CLAIMED, SENDING, SENT)
# recovery actions
FORGET, RECORD, RECORD_UNCONFIRMED, DONE = "forget", "record", "record-unconfirmed", "done"


@dataclass(frozen=True)
class RecordKey:
    """What identifies one ``ar-reminder`` record."""

    date: datetime.date
    invoice: str
    level: int
    channel: str

    def __str__(self) -> str:
        return f'{self.date} "{self.invoice}" level {self.level} ({self.channel})'


def reminder_values(date: datetime.date, values: Sequence[Any]
                    ) -> tuple[RecordKey | None, str | None]:
    """An ``ar-reminder`` directive's date and plain values ("F-1", 2, "email") read: its key,
    or None and what is wrong, with how to write it."""
    usage = 'write custom "ar-reminder" "F-2026-014" 1 "email"'
    problem = date_problem(date)
    if problem:
        return None, f"ar-reminder: {problem}"
    if not values or not isinstance(values[0], str) or not values[0].strip():
        return None, f"ar-reminder: expected an invoice number first; {usage}"
    number = values[0].strip()
    level = values[1] if len(values) > 1 else None
    if not isinstance(level, Decimal) or not level.is_finite() or \
            level != level.to_integral_value() or not LEVELS[0] <= level <= LEVELS[-1]:
        shown = "nothing" if level is None else repr(str(level))[:40]
        return None, (f"ar-reminder: the level must be one of {', '.join(map(str, LEVELS))} "
                      f"(courtesy, friendly, firm, final), not {shown}; {usage}")
    channel = values[2] if len(values) > 2 else "letter"
    if not isinstance(channel, str) or not CHANNEL_RE.fullmatch(channel):
        return None, (f"ar-reminder: the channel must be a short lower-case word such as "
                      f"\"email\", \"letter\" or \"registered\", not {str(channel)[:40]!r}; "
                      f"{usage}")
    if len(values) > 3:
        return None, (f"ar-reminder: {len(values)} values, expected an invoice number, a level "
                      f"and a channel; {usage}")
    return RecordKey(date, number, int(level), channel), None


def record_key(date: datetime.date, values: Sequence[Any]) -> RecordKey | None:
    """The key of a valid ``ar-reminder`` directive, else None (the ledger's reader reports
    it)."""
    return reminder_values(date, values)[0]


@dataclass(frozen=True)
class Decision:
    ok: bool
    reason: str = ""
    conflicts: tuple[RecordKey, ...] = ()


def may_send(letter: Sequence[RecordKey], loaded: Iterable[RecordKey],
             current: Iterable[RecordKey]) -> Decision:
    """Whether a letter whose records are `letter` may still go out, `loaded` being the records
    the decision to send it was made on and `current` those the ledger's files hold now (read
    under the lock). Skipped when any of its invoices got a record since (another sender's),
    or when its very records already exist."""
    invoices = {key.invoice for key in letter}
    new = Counter(current)
    new.subtract(Counter(loaded))
    conflicts = tuple(key for key, count in new.items() if count > 0 and key.invoice in invoices)
    if conflicts:
        return Decision(False, "recorded meanwhile by another run: " + ", ".join(
            str(key) for key in sorted(conflicts, key=str)), conflicts)
    existing = set(current)
    same = tuple(key for key in letter if key in existing)
    if same:
        return Decision(False, "already recorded: " + ", ".join(str(key) for key in same), same)
    return Decision(True)


def recovery(step: str | None, letter: Sequence[RecordKey], before: int,
             current: Iterable[RecordKey]) -> str:
    """What to do with a journal left at `step` for a letter whose records are `letter`,
    `before` being how many of them the files held when it was claimed and `current` the
    records now: FORGET, RECORD, RECORD_UNCONFIRMED or DONE (already recorded)."""
    if step not in (SENDING, SENT):
        return FORGET  # claimed, never handed to the server (or an unreadable journal)
    now = Counter(current)
    if letter and sum(now[key] for key in letter) > before:
        return DONE
    return RECORD if step == SENT else RECORD_UNCONFIRMED


__all__ = ["CLAIMED", "SENDING", "SENT", "STEPS", "FORGET", "RECORD", "RECORD_UNCONFIRMED",
           "DONE", "LEVELS", "CHANNEL_RE", "RecordKey", "Decision", "record_key",
           "reminder_values", "may_send", "recovery"]
