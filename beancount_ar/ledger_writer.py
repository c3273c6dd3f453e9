"""What beancount-ar writes into a ledger: reminder records, appended atomically to a file.

Each reminder sent is recorded as one dated directive per invoice the letter lists, with the
letter's level and how it went out:

    2026-11-23 custom "ar-reminder" "F-2026-050" 2 "email"
    2026-11-23 custom "ar-reminder" "F-2026-054" 2 "email"

The core reads them back (`beancount_ar.core.book`): the next level of each invoice and the
minimum spacing between two reminders derive from them, so the ledger is the only record. The
file must be one the ledger includes (``include "reminders.beancount"``), or the next run would
not see the records and would send the same letters again.

`append_entries` adds entries to a file without ever losing what it or anyone else writes: it
opens the file for appending (``O_APPEND``, following a symlink to its target; created if
missing), takes its exclusive advisory lock (``fcntl.flock``, the lock ``flock(1)`` takes, so
``flock reminders.beancount my-script`` waits its turn), makes sure the new text starts on a line
of its own, writes it in one ``write`` and ``fsync``s it. No temporary file, no rename: a line
another program appends meanwhile is never lost. A write that fails half-way (a full disk) is cut
back under the lock, so the file never ends with half a directive. The text written is
Beancount's own printer's, checked to parse back to the same directives.

Fava does not take this lock: it rewrites a file under a lock of its own process. The Fava
extension takes both when it appends (`beancount_ar.dispatch`).
"""

from __future__ import annotations

import datetime
import fcntl
import os
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from beancount.core import data
from beancount.parser import parser, printer
from beancount.parser.grammar import ValueType

from beancount_ar.core.book import REMINDER
from beancount_ar.core.model import GENERATED
from beancount_ar.core.reminders import Reminder
from beancount_ar.core.sending import CHANNEL_RE


class WriteError(Exception):
    """Entries cannot be written; the message says why and what to do."""


def record_directives(reminder: Reminder, date: datetime.date,
                      channel: str) -> list[data.Custom]:
    """The ``custom "ar-reminder"`` directives recording that `reminder` went out on `date` by
    `channel` ("email", "letter", "registered"...): one per invoice it lists, at its level."""
    if not isinstance(channel, str) or not CHANNEL_RE.fullmatch(channel):
        raise WriteError(f"channel {channel!r}: expected a short lower-case word such as "
                         "'email' or 'letter'")
    numbers: list[str] = []
    for line in reminder.lines:
        number = line.item.invoice
        if number and number not in numbers:
            numbers.append(number)
    level = Decimal(reminder.level.number)
    return [data.Custom(data.new_metadata(GENERATED, 0), date, REMINDER,
                        [ValueType(number, str), ValueType(level, Decimal),
                         ValueType(channel, str)])
            for number in numbers]


def _comparable(entry: Any) -> tuple:
    return (type(entry).__name__, entry.date, getattr(entry, "type", None),
            tuple((v.value, v.dtype) for v in getattr(entry, "values", ()) or ()))


def format_entries(entries: Sequence[Any]) -> str:
    """Beancount text for `entries`, one directive after the other; WriteError if the text would
    not parse back to the same directives (a value holding a quote or a line break)."""
    text = "".join(printer.format_entry(entry) for entry in entries)
    parsed, errors, _ = parser.parse_string(text)
    if errors or [_comparable(e) for e in parsed] != [_comparable(e) for e in entries]:
        raise WriteError("these directives cannot be written safely (a value holds a quote, a "
                         "backslash or a line break): " + " | ".join(
                             " ".join(printer.format_entry(e).split())[:120] for e in entries))
    return text


def lock_file(fd: int) -> None:
    """Take the exclusive advisory lock (``flock``) on an open file: the lock `flock(1)`
    takes (``flock reminders.beancount cmd``), shared by every writer of beancount-ar."""
    fcntl.flock(fd, fcntl.LOCK_EX)


def check_writable(path: str) -> None:
    """WriteError unless text can be appended to `path` (or the file created in its folder):
    said before anything that must be recorded happens."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
    except FileNotFoundError:
        folder = os.path.dirname(os.path.abspath(path)) or "."
        if not os.path.isdir(folder):
            raise WriteError(f"{path}: cannot open it for writing (its folder does not "
                             "exist)") from None
        if not os.access(folder, os.W_OK | os.X_OK):
            raise WriteError(f"{path}: cannot create it (its folder {folder} is not "
                             "writable)") from None
        return
    except OSError as exc:
        raise WriteError(f"{path}: cannot open it for writing ({exc.strerror or exc}); make it "
                         "writable") from None
    os.close(fd)


def append_text(path: str, text: str, *, held: int | None = None) -> None:
    """Append `text` to the file at `path` (see the module docstring). `held`: a descriptor
    whose lock the caller already holds; when it is this same file, no second lock is taken
    (a second ``flock`` on the same file from the same process would wait for ever)."""
    payload = text.encode("utf-8")
    try:  # O_APPEND: every write lands at the end, whoever else appends; symlinks followed
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise WriteError(f"{path}: cannot open it for writing ({exc.strerror or exc})") from None
    try:
        if held is None or not os.path.samestat(os.fstat(held), os.fstat(fd)):
            lock_file(fd)
        size = os.fstat(fd).st_size
        tail = os.pread(fd, 2, size - 2) if size >= 2 else os.pread(fd, size, 0)
        if tail and not tail.endswith(b"\n"):  # a last line without its end (or cut short)
            payload = b"\n\n" + payload
        elif tail and not tail.endswith(b"\n\n") and tail != b"\n":
            payload = b"\n" + payload
        try:
            written = 0
            while written < len(payload):
                written += os.write(fd, payload[written:])
            os.fsync(fd)
        except OSError as exc:
            try:  # under the lock nobody else appended: cut back what was half written
                os.ftruncate(fd, size)
            except OSError:
                pass
            raise WriteError(f"{path}: cannot write it ({exc.strerror or exc}); nothing was "
                             "changed") from None
    finally:
        os.close(fd)  # releases the lock


def append_entries(path: str, entries: Sequence[Any]) -> str:
    """Append `entries` to the file at `path` (created if missing), atomically and under an
    exclusive lock; returns the text appended. WriteError if it cannot be done."""
    if not entries:
        return ""
    text = format_entries(entries)
    append_text(path, text)
    return text


__all__ = ["WriteError", "record_directives", "format_entries", "append_text", "append_entries",
           "check_writable", "lock_file"]
