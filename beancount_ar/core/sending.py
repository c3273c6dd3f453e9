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
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

REMINDER = "ar-reminder"
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


def record_key(date: datetime.date, values: Sequence[Any]) -> RecordKey | None:
    """The key of an ``ar-reminder`` directive from its date and plain values ("F-1", 2,
    "email"); None when they do not make a valid record (the ledger's reader reports it)."""
    if not values or not isinstance(values[0], str) or not values[0].strip():
        return None
    level = values[1] if len(values) > 1 else None
    if not isinstance(level, Decimal) or not level.is_finite() or level != level.to_integral() \
            or not 0 <= level <= 99:
        return None
    channel = values[2] if len(values) > 2 else "letter"
    if not isinstance(channel, str):
        return None
    return RecordKey(date, values[0].strip(), int(level), channel)


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
           "DONE", "RecordKey", "Decision", "record_key", "may_send", "recovery"]
