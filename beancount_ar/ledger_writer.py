"""What beancount-ar writes into a ledger: reminder records, appended atomically to a file.

Each reminder sent is recorded as one dated directive per invoice the letter lists, with the
letter's level and how it went out:

    2026-11-23 custom "ar-reminder" "F-2026-050" 2 "email"
    2026-11-23 custom "ar-reminder" "F-2026-054" 2 "email"

The core reads them back (`beancount_ar.core.book`): the next level of each invoice and the
minimum spacing between two reminders derive from them, so the ledger is the only record. The
file must be one the ledger includes (``include "reminders.beancount"``), or the next run would
not see the records and would send the same letters again.

`append_entries` adds entries to a file without ever losing what it holds: it takes an exclusive
lock (``fcntl.flock``) on the file, reads it, writes the old content plus the new lines to a
temporary file in the same folder, syncs it to disk and renames it over the file (``os.replace``),
so a reader sees the old file or the new one, never half of one; two writers take turns. The text
written is Beancount's own printer's, checked to parse back to the same directives.
"""

from __future__ import annotations

import datetime
import fcntl
import os
import re
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from beancount.core import data
from beancount.parser import parser, printer
from beancount.parser.grammar import ValueType

from beancount_ar.core.book import REMINDER
from beancount_ar.core.reminders import Reminder

CHANNELS_RE = re.compile(r"[a-z][a-z0-9_-]{0,30}")
GENERATED = "<beancount_ar>"


class WriteError(Exception):
    """Entries cannot be written; the message says why and what to do."""


def record_directives(reminder: Reminder, date: datetime.date,
                      channel: str) -> list[data.Custom]:
    """The ``custom "ar-reminder"`` directives recording that `reminder` went out on `date` by
    `channel` ("email", "letter", "registered"...): one per invoice it lists, at its level."""
    if not isinstance(channel, str) or not CHANNELS_RE.fullmatch(channel):
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


def _locked(path: str) -> int:
    """An open descriptor of `path` (created if missing) holding its exclusive lock, once the
    lock is on the file that `path` names now (another writer may have replaced it)."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.path.samestat(os.fstat(fd), os.stat(path)):
                return fd
        except FileNotFoundError:  # replaced and gone between our open and stat: retry
            pass
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def append_text(path: str, text: str) -> None:
    """Append `text` to the file at `path` atomically (see the module docstring)."""
    path = os.path.abspath(path)
    folder = os.path.dirname(path)
    try:
        fd = _locked(path)
    except OSError as exc:
        raise WriteError(f"{path}: cannot open it for writing ({exc.strerror or exc})") from None
    temp = None
    try:
        with os.fdopen(os.dup(fd), "rb") as handle:
            old = handle.read()
        mode = os.fstat(fd).st_mode & 0o7777
        if old and not old.endswith(b"\n"):
            old += b"\n"
        separator = b"\n" if old and not old.endswith(b"\n\n") else b""
        handle_fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.",
                                           suffix=".tmp")
        with os.fdopen(handle_fd, "wb") as out:
            out.write(old + separator + text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
        temp = None
    except OSError as exc:
        raise WriteError(f"{path}: cannot write it ({exc.strerror or exc}); nothing was "
                         "changed") from None
    finally:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass
        os.close(fd)  # releases the lock
    try:  # make the rename itself durable; the file is already complete either way
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError:
        pass


def append_entries(path: str, entries: Sequence[Any]) -> str:
    """Append `entries` to the file at `path` (created if missing), atomically and under an
    exclusive lock; returns the text appended. WriteError if it cannot be done."""
    if not entries:
        return ""
    text = format_entries(entries)
    append_text(path, text)
    return text


__all__ = ["WriteError", "record_directives", "format_entries", "append_text", "append_entries"]
