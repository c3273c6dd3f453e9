"""Reminders go out exactly once, whoever sends: the rules (`beancount_ar.core.sending`) and real
runs of ``bean-ar remind --send --record`` (separate processes, two at once, killed with
SIGKILL at each step, read-only files) against a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import datetime
import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from beancount_ar.core.sending import (
    DONE,
    FORGET,
    RECORD,
    RECORD_UNCONFIRMED,
    SENDING,
    SENT,
    RecordKey,
    may_send,
    recovery,
)
from tests.test_cli_remind import AS_OF, RECORDS, write_ledger
from tests.test_mail import free_port, smtp_server  # noqa: F401 - the fixture

DAY = datetime.date(2026, 11, 23)
ZINC = [RecordKey(DAY, "F-1", 3, "email"), RecordKey(DAY, "F-2", 3, "email")]
DUPONT = [RecordKey(DAY, "F-10", 1, "email")]
ZINC_LINES = ['2026-11-23 custom "ar-reminder" "F-1" 3 "email"',
              '2026-11-23 custom "ar-reminder" "F-2" 3 "email"']
DUPONT_LINES = ['2026-11-23 custom "ar-reminder" "F-10" 1 "email"']
ROOT = Path(__file__).resolve().parent.parent


# -- the rules -------------------------------------------------------------------------------


def test_a_letter_whose_invoices_got_records_since_the_load_is_skipped():
    old = [RecordKey(datetime.date(2026, 9, 10), "F-1", 1, "email")]
    assert may_send(ZINC, old, old).ok
    assert may_send(ZINC, old, old + DUPONT).ok  # another customer's letter: no conflict
    decision = may_send(ZINC, old, [*old, RecordKey(DAY, "F-2", 3, "letter")])
    assert not decision.ok and decision.conflicts == (RecordKey(DAY, "F-2", 3, "letter"),)
    assert "recorded meanwhile by another run" in decision.reason
    # the very same records, already there (in the load too): never twice
    assert not may_send(ZINC, old + ZINC, old + ZINC).ok


def test_records_the_ledger_does_not_count_never_block_a_letter():
    from beancount_ar.core.sending import record_key

    assert record_key(datetime.date(9999, 12, 20), ["F-1", Decimal(3), "email"]) is None
    assert record_key(DAY, ["F-1", Decimal(22), Decimal(42)]) is None
    assert record_key(DAY, ["F-1", Decimal(3)]) == RecordKey(DAY, "F-1", 3, "letter")


def test_what_an_interrupted_send_leaves_is_finished_once():
    assert recovery("claimed", ZINC, 0, []) == FORGET
    assert recovery(None, ZINC, 0, []) == FORGET
    assert recovery(SENT, ZINC, 0, []) == RECORD
    assert recovery(SENDING, ZINC, 0, []) == RECORD_UNCONFIRMED
    assert recovery(SENT, ZINC, 0, ZINC) == DONE  # appended, killed before the journal went
    assert recovery(SENT, ZINC, 2, ZINC) == RECORD  # those two were there before the claim


# -- real runs -------------------------------------------------------------------------------


def remind(folder: Path, port: int, *extra: str, env: dict | None = None,
           wrap: list[str] | None = None) -> subprocess.Popen:
    argv = [sys.executable, "-m", "beancount_ar.cli", "remind", str(folder / "main.beancount"),
            "--as-of", AS_OF, "--send", "--smtp", f"127.0.0.1:{port}", "--record",
            str(folder / "reminders.beancount"), *extra]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    environment.pop("BEAN_AR_FAULT", None)
    environment.update(env or {})
    return subprocess.Popen((wrap or []) + argv, cwd=folder, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def recipients(server) -> Counter:
    return Counter(r.rcpt_tos[0] for r in server.received)


def records(folder: Path) -> list[str]:
    text = (folder / "reminders.beancount").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.startswith("2026-11-23")]


def test_two_runs_at_once_send_each_letter_once(tmp_path, smtp_server):  # noqa: F811
    write_ledger(tmp_path)
    first, second = remind(tmp_path, smtp_server.port), remind(tmp_path, smtp_server.port)
    results = [finish(first), finish(second)]
    assert [code for code, _, _ in results] == [0, 0], results
    assert recipients(smtp_server) == {"lezinc@example.fr": 1,
                                       "accounts@dupont.example.co.uk": 1}
    assert sorted(records(tmp_path)) == sorted(ZINC_LINES + DUPONT_LINES)
    assert not list(tmp_path.glob(".*"))  # no journal, no temporary file left


@pytest.mark.parametrize(("step", "zinc_received"), [
    ("claimed", 1),    # killed before the message left: the next run sends it
    ("sending", 0),    # killed while the server took it: recorded unconfirmed, not resent
    ("sent", 1),       # killed after the server took it: the next run records it
    ("recorded", 1),   # killed after the records: nothing left to do
])
def test_a_run_killed_at_any_step_sends_nothing_twice_and_loses_no_record(
        tmp_path, smtp_server, step, zinc_received):  # noqa: F811
    write_ledger(tmp_path)
    code, out, err = finish(remind(tmp_path, smtp_server.port, env={"BEAN_AR_FAULT": step}))
    assert code == -signal.SIGKILL, (out, err)
    assert list(tmp_path.glob(".main.beancount.ar-sending")) or step == "recorded"

    code, out, err = finish(remind(tmp_path, smtp_server.port))
    assert code == 0, err
    assert recipients(smtp_server) == Counter({"accounts@dupont.example.co.uk": 1,
                                               "lezinc@example.fr": zinc_received})
    assert sorted(records(tmp_path)) == sorted(ZINC_LINES + DUPONT_LINES)
    text = (tmp_path / "reminders.beancount").read_text(encoding="utf-8")
    assert ("interrupted while the mail server took it" in text) == (step == "sending")
    if step in ("sending", "sent"):
        assert "Interrupted sends:" in out
    assert not list(tmp_path.glob(".*"))
    # and a third run has nothing left to do
    code, out, _ = finish(remind(tmp_path, smtp_server.port))
    assert code == 0 and "Nothing to send today." in out
    assert sum(recipients(smtp_server).values()) == 1 + zinc_received


def read_only_mount(path: Path) -> list[str]:
    """A command prefix running the rest with `path` read-only (root ignores file modes: a
    read-only bind mount in a mount namespace of its own)."""
    if os.geteuid() != 0:
        path.chmod(0o555 if path.is_dir() else 0o444)
        return []
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare(1) to make a file read-only for root")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("no mount namespace here")
    return ["unshare", "-m", "sh", "-c",
            f'mount --bind -o ro "{path}" "{path}" && exec "$@"', "sh"]


@pytest.mark.parametrize("target", ["file", "folder"])
def test_an_unwritable_record_file_or_folder_stops_the_run_before_anything_is_sent(
        tmp_path, smtp_server, target):  # noqa: F811
    folder = tmp_path / "books"
    folder.mkdir()
    write_ledger(folder)
    path = folder / "reminders.beancount" if target == "file" else folder
    code, out, err = finish(remind(folder, smtp_server.port, wrap=read_only_mount(path)))
    if os.geteuid() != 0:
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert code == 1, (out, err)
    assert smtp_server.received == []
    assert err.startswith("bean-ar: nothing was sent: ") and len(err.splitlines()) == 1, err
    assert (folder / "reminders.beancount").read_text(encoding="utf-8") == RECORDS
