"""Send a reminder and record it, exactly once, whoever sends: the command line, a cron job,
Fava, or two of them at once. The rules are `beancount_ar.core.sending`'s; this module holds the
lock, the journal, and calls the mail server and `beancount_ar.ledger_writer`.

    dispatcher = Dispatcher("main.beancount", options_map["include"])
    dispatcher.check("reminders.beancount")          # WriteError before anything is sent
    done = dispatcher.deliver(record_directives(reminder, as_of, "email"),
                              "reminders.beancount", loaded=book_record_keys,
                              send=lambda: session.send(message))
    done.skipped    # why it did not go out (another sender recorded it meanwhile), or None

For each letter, under the ledger's lock (``flock`` on the ledger's main file; ``flock
main.beancount ...`` waits for it too):

1. an interrupted earlier send is finished first (see below);
2. the ``ar-reminder`` records of every file of the ledger are read again: a letter whose
   invoices got a record since the ledger was loaded is skipped, so a second sender never sends
   what the first one did;
3. the journal (``.main.beancount.ar-sending`` beside the main file) says "claimed", then
   "sending", the message goes to the server, the journal says "sent";
4. the records are appended to the record file (``O_APPEND``, under that file's ``flock``,
   ``fsync``) and the journal is removed.

A run killed at any step leaves the journal; the next sender (any of them) reads it under the
lock: "claimed" - nothing had left, forgotten; "sent" - the records are appended, unless they
already are; "sending" - killed while the server took the message: it is recorded, with a comment
saying it is unconfirmed, and never sent a second time. The record file and the journal's folder
are checked writable before anything is sent.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import signal
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from beancount.core import data
from beancount.parser import parser

from beancount_ar.core import sending
from beancount_ar.core.sending import RecordKey
from beancount_ar.ledger_writer import (
    WriteError,
    append_text,
    check_writable,
    format_entries,
    lock_file,
)
from beancount_ar.mail import MailError

FAULT_ENV = "BEAN_AR_FAULT"  # tests only: the step at which the process kills itself
_CACHE: dict[str, tuple[tuple[int, int, int], list[RecordKey]]] = {}
_CACHE_LOCK = threading.Lock()


def _fault(step: str) -> None:
    if os.environ.get(FAULT_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


class SentNotRecorded(WriteError):
    """The message went out but its records could not be written: the journal keeps them and
    the next run writes them."""


def book_records(reminders: Iterable[Any]) -> list[RecordKey]:
    """The keys of a loaded book's reminder records (`beancount_ar.core.model.ReminderRecord`):
    the records a worklist was decided on."""
    return [RecordKey(r.date, r.invoice, r.level, r.channel) for r in reminders]


def key_of(entry: Any) -> RecordKey | None:
    """The record key of an ``ar-reminder`` directive (parsed or made), else None."""
    if not isinstance(entry, data.Custom) or entry.type != sending.REMINDER:
        return None
    return sending.record_key(entry.date, [v.value for v in entry.values or ()])


def file_records(path: str) -> list[RecordKey]:
    """The ``ar-reminder`` records one file holds now (parsed again only when it changed)."""
    try:
        stat = os.stat(path)
    except OSError:
        return []
    signature = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    with _CACHE_LOCK:
        cached = _CACHE.get(path)
    if cached is not None and cached[0] == signature:
        return cached[1]
    entries, _, _ = parser.parse_file(path)
    keys = [key for key in map(key_of, entries) if key is not None]
    with _CACHE_LOCK:
        _CACHE[path] = (signature, keys)
    return keys


@dataclass
class Delivery:
    """What `Dispatcher.deliver` did with one letter."""

    text: str  # the records, as written
    recipients: list[str] = field(default_factory=list)
    skipped: str | None = None  # why it was neither sent nor recorded
    recovered: list[str] = field(default_factory=list)  # interrupted sends finished first


class Dispatcher:
    """The send-then-record workflow of one ledger (see the module docstring). `guard`: a lock
    of this process also held while writing (Fava's own file lock)."""

    def __init__(self, main_file: str, files: Iterable[str],
                 guard: contextlib.AbstractContextManager | None = None) -> None:
        self.main = os.path.realpath(main_file)  # the same lock and journal via any path
        self.files = list(dict.fromkeys(os.path.abspath(f) for f in files)) or [self.main]
        folder, name = os.path.split(self.main)
        self.journal = os.path.join(folder, f".{name}.ar-sending")
        self.guard = guard

    # -- the lock and the records --------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[int]:
        try:
            fd = os.open(self.main, os.O_RDONLY | os.O_CLOEXEC)
        except OSError as exc:
            raise WriteError(f"{self.main}: cannot open it to take the ledger's lock "
                             f"({exc.strerror or exc})") from None
        try:
            lock_file(fd)
            with self.guard if self.guard is not None else contextlib.nullcontext():
                yield fd
        finally:
            os.close(fd)

    def current_records(self) -> list[RecordKey]:
        """Every ``ar-reminder`` record the ledger's files hold now."""
        out: list[RecordKey] = []
        for path in self.files:
            out.extend(file_records(path))
        return out

    def check(self, record_file: str) -> None:
        """WriteError unless the record file and the journal can be written."""
        check_writable(record_file)
        folder = os.path.dirname(self.journal)
        if os.path.exists(self.journal):
            check_writable(self.journal)
        elif not os.access(folder, os.W_OK | os.X_OK):
            raise WriteError(f"{folder}: the folder of the ledger is not writable, and the "
                             "journal that makes sending safe goes there "
                             f"({os.path.basename(self.journal)}); make it writable")

    # -- the journal ---------------------------------------------------------------------

    def _write_journal(self, record: dict[str, Any], first: bool = False) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC | (os.O_TRUNC if first else os.O_APPEND)
        try:
            fd = os.open(self.journal, flags, 0o644)
            try:
                os.write(fd, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise WriteError(f"{self.journal}: cannot write the sending journal "
                             f"({exc.strerror or exc})") from None

    def _read_journal(self) -> tuple[dict[str, Any] | None, str | None]:
        try:
            with open(self.journal, encoding="utf-8") as handle:
                lines = handle.read().splitlines()
        except FileNotFoundError:
            return None, None
        except OSError as exc:
            raise WriteError(f"{self.journal}: cannot read the sending journal "
                             f"({exc.strerror or exc})") from None
        head: dict[str, Any] | None = None
        step = None
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a line cut short by a crash
            if not isinstance(record, dict) or record.get("step") not in sending.STEPS:
                continue
            if head is None and record["step"] == sending.CLAIMED:
                head = record
            step = record["step"]
        return head, step

    def _remove_journal(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.journal)

    def _recover(self, fd: int) -> list[str]:
        head, step = self._read_journal()
        if head is None:
            self._remove_journal()
            return []
        try:
            keys = [RecordKey(datetime.date.fromisoformat(d), str(i), int(lv),
                              str(c)) for d, i, lv, c in head["keys"]]
            text, record_file = str(head["records"]), str(head["record_file"])
            before, who = int(head.get("before", 0)), str(head.get("who", ""))
        except (KeyError, TypeError, ValueError):
            self._remove_journal()
            return []
        action = sending.recovery(step, keys, before, self.current_records())
        said = []
        if action == sending.RECORD:
            append_text(record_file, text, held=fd)
            said.append(f"an interrupted run had sent the letter to {who} without recording "
                        f"it: recorded now in {record_file}")
        elif action == sending.RECORD_UNCONFIRMED:
            note = ("; bean-ar: the run sending this letter was interrupted while the mail server "
                    "took it: check that it arrived\n")
            append_text(record_file, note + text, held=fd)
            said.append(f"an interrupted run was sending the letter to {who}: it may not have "
                        f"arrived; recorded in {record_file} as unconfirmed - check the mail "
                        "server's log, and send it again by hand if it did not arrive")
        self._remove_journal()
        return said

    def recover(self) -> list[str]:
        """Finish a send an interrupted run left (see the module docstring); what was done."""
        if not os.path.exists(self.journal):
            return []
        with self.locked() as fd:
            return self._recover(fd)

    # -- one letter ----------------------------------------------------------------------

    def deliver(self, records: Sequence[data.Custom], record_file: str,
                loaded: Iterable[RecordKey], send: Callable[[], Sequence[str]] | None = None,
                who: str = "") -> Delivery:
        """Claim, send (when `send` is given: it hands the message to the server and returns the
        recipients; a MailError means it did not leave) and record one letter, `loaded` being
        the records the decision to send it was made on. WriteError when it cannot be recorded
        (nothing sent then, unless the message says so)."""
        record_file = os.path.abspath(record_file)
        text = format_entries(records)
        keys = [key for key in map(key_of, records) if key is not None]
        self.check(record_file)
        loaded = list(loaded)
        with self.locked() as fd:
            recovered = self._recover(fd)
            current = self.current_records()
            decision = sending.may_send(keys, loaded, current)
            if not decision.ok:
                return Delivery(text, skipped=decision.reason, recovered=recovered)
            self.check(record_file)
            counts = Counter(current)
            self._write_journal({
                "step": sending.CLAIMED, "who": who, "record_file": record_file,
                "records": text, "before": sum(counts[k] for k in keys), "pid": os.getpid(),
                "keys": [[k.date.isoformat(), k.invoice, k.level, k.channel] for k in keys],
            }, first=True)
            _fault(sending.CLAIMED)
            recipients: list[str] = []
            if send is not None:
                self._write_journal({"step": sending.SENDING})
                _fault(sending.SENDING)
                try:
                    recipients = list(send())
                except MailError:  # the server refused it or could not be reached: not sent
                    self._remove_journal()
                    raise
                self._write_journal({"step": sending.SENT})
                _fault(sending.SENT)
            try:
                append_text(record_file, text, held=fd)
            except WriteError as exc:
                if send is None:
                    self._remove_journal()
                    raise
                raise SentNotRecorded(f"the letter to {who} was SENT but could not be recorded "
                                 f"({exc}); the journal {self.journal} keeps it and the next "
                                 "run records it once the file is writable - do not send it "
                                 "again") from None
            _fault("recorded")
            self._remove_journal()
        return Delivery(text, recipients, recovered=recovered)


__all__ = ["Dispatcher", "Delivery", "SentNotRecorded", "FAULT_ENV", "book_records",
           "file_records", "key_of"]
