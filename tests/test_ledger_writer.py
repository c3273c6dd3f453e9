"""Reminder records: the directives, and their atomic, locked append to a ledger file."""

from __future__ import annotations

import datetime
import multiprocessing
import os
from decimal import Decimal

import pytest
from beancount import loader
from beancount.core import data

from beancount_ar.core.reminders import worklist
from beancount_ar.core.subledger import subledger
from beancount_ar.ledger_writer import (
    WriteError,
    append_entries,
    append_text,
    format_entries,
    record_directives,
)
from tests.conftest import ledger_text, load

AS_OF = datetime.date(2026, 11, 23)
BODY = """
    2024-01-01 open Assets:Receivable:Zinc EUR
      customer: "Le Zinc"
    2026-08-01 * "Facture" ^F-1
      invoice: "F-1"
      terms: "30 % à réception ; 70 % 30 jours"
      Assets:Receivable:Zinc   1000.00 EUR
      Income:Sales
    2026-09-01 * "Facture" ^F-2
      invoice: "F-2"
      Assets:Receivable:Zinc   500.00 EUR
      Income:Sales
"""


def reminder_of(body: str = BODY):
    entries, errors, options = load(body)
    assert errors == []
    return worklist(subledger(entries, options, AS_OF), AS_OF).reminders[0]


def test_one_record_per_invoice_at_the_letter_level():
    reminder = reminder_of()
    assert [line.item.label for line in reminder.lines] == ["F-1 1/2", "F-1 2/2", "F-2"]
    records = record_directives(reminder, AS_OF, "email")
    assert [(r.date, r.type, [v.value for v in r.values]) for r in records] == [
        (AS_OF, "ar-reminder", ["F-1", Decimal(1), "email"]),
        (AS_OF, "ar-reminder", ["F-2", Decimal(1), "email"]),
    ]
    assert format_entries(records) == (
        '2026-11-23 custom "ar-reminder" "F-1" 1 "email"\n'
        '2026-11-23 custom "ar-reminder" "F-2" 1 "email"\n')
    with pytest.raises(WriteError, match="channel 'e mail'"):
        record_directives(reminder, AS_OF, "e mail")


def test_records_appended_to_an_included_file_raise_the_next_level(tmp_path):
    main = tmp_path / "main.beancount"
    main.write_text(ledger_text(BODY) + '\ninclude "records.beancount"\n', encoding="utf-8")
    records = tmp_path / "records.beancount"
    records.write_text("; reminders sent\n", encoding="utf-8")
    entries, errors, options = loader.load_file(str(main))
    assert errors == []
    reminder = worklist(subledger(entries, options, AS_OF), AS_OF).reminders[0]
    text = append_entries(str(records), record_directives(reminder, AS_OF, "email"))
    assert records.read_text(encoding="utf-8") == "; reminders sent\n\n" + text
    entries, errors, options = loader.load_file(str(main))
    assert errors == []
    later = datetime.date(2026, 12, 10)
    again = worklist(subledger(entries, options, later), later).reminders[0]
    assert again.level.number == 2
    assert again.last_sent == AS_OF


def test_a_missing_file_is_created_and_content_without_final_newline_is_kept(tmp_path):
    path = tmp_path / "new.beancount"
    append_text(str(path), "2026-11-23 note Assets:Bank \"x\"\n")
    assert path.read_text(encoding="utf-8") == "2026-11-23 note Assets:Bank \"x\"\n"
    other = tmp_path / "old.beancount"
    other.write_bytes(b"; no newline at the end")
    os.chmod(other, 0o600)
    append_text(str(other), "; two\n")
    assert other.read_bytes() == b"; no newline at the end\n\n; two\n"
    assert os.stat(other).st_mode & 0o777 == 0o600  # permissions kept across the rename
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.beancount", "old.beancount"]


def test_values_that_would_not_parse_back_are_refused_and_nothing_is_written(tmp_path):
    path = tmp_path / "records.beancount"
    path.write_text("; keep me\n", encoding="utf-8")
    bad = data.Custom(data.new_metadata("<test>", 0), AS_OF, "ar-reminder",
                      record_directives(reminder_of(), AS_OF, "email")[0].values)
    values = list(bad.values)
    values[0] = values[0]._replace(value='F-1" 3 "letter')
    with pytest.raises(WriteError, match="cannot be written safely"):
        append_entries(str(path), [bad._replace(values=values)])
    assert path.read_text(encoding="utf-8") == "; keep me\n"


def test_a_file_in_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(WriteError, match="cannot open it for writing"):
        append_text(str(tmp_path / "nowhere" / "records.beancount"), "; x\n")


def _writer(args: tuple[str, int]) -> None:
    path, worker = args
    for number in range(25):
        append_text(path, f"; writer {worker} line {number}\n")


def test_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "records.beancount"
    path.write_text("; start\n", encoding="utf-8")
    context = multiprocessing.get_context("spawn")
    with context.Pool(6) as pool:
        pool.map(_writer, [(str(path), worker) for worker in range(6)])
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert lines[0] == "; start"
    assert sorted(lines[1:]) == sorted(f"; writer {w} line {n}"
                                       for w in range(6) for n in range(25))
    assert [p.name for p in tmp_path.iterdir()] == ["records.beancount"]  # no temp file left


def _appender(path: str, count: int) -> None:
    for number in range(count):
        append_text(path, f"; python line {number}\n")


def test_lines_other_writers_append_meanwhile_are_never_lost(tmp_path):
    """A `flock(1)` appender, a plain unlocked `>>` appender and append_text at once."""
    import shutil
    import subprocess

    if shutil.which("flock") is None:
        pytest.skip("needs flock(1)")
    path = tmp_path / "records.beancount"
    path.write_text("; start\n", encoding="utf-8")
    count = 300
    script = ('for i in $(seq 0 {last}); do {lock} sh -c \'echo "; {name} line $1" >> "$0"\' '
              '"$1" "$i"; done')
    locked = subprocess.Popen(["sh", "-c", script.format(last=count - 1, lock='flock "$1"',
                                                         name="flock"), "sh", str(path)])
    plain = subprocess.Popen(["sh", "-c", script.format(last=count - 1, lock="", name="plain"),
                              "sh", str(path)])
    context = multiprocessing.get_context("spawn")
    writer = context.Process(target=_appender, args=(str(path), count))
    writer.start()
    writer.join(300)
    assert locked.wait(300) == 0 and plain.wait(300) == 0 and writer.exitcode == 0
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line]
    expected = ["; start"] + [f"; {name} line {n}" for name in ("flock", "plain", "python")
                              for n in range(count)]
    assert sorted(lines) == sorted(expected)
    assert [p.name for p in tmp_path.iterdir()] == ["records.beancount"]


def test_a_symlinked_record_file_stays_a_link_and_its_target_gets_the_lines(tmp_path):
    target = tmp_path / "books" / "reminders.beancount"
    target.parent.mkdir()
    target.write_text("; kept\n", encoding="utf-8")
    link = tmp_path / "reminders.beancount"
    link.symlink_to(target)
    append_text(str(link), '2026-11-23 custom "ar-reminder" "F-1" 1 "email"\n')
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == (
        '; kept\n\n2026-11-23 custom "ar-reminder" "F-1" 1 "email"\n')
    assert sorted(p.name for p in tmp_path.iterdir()) == ["books", "reminders.beancount"]


def test_a_last_line_cut_short_never_swallows_the_next_record(tmp_path):
    path = tmp_path / "records.beancount"
    path.write_bytes(b'2026-11-22 custom "ar-reminder" "F-1" 1 "email"\n2026-11-22 custom "ar-')
    append_text(str(path), '2026-11-23 custom "ar-reminder" "F-2" 1 "email"\n')
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[-1] == '2026-11-23 custom "ar-reminder" "F-2" 1 "email"'
    assert lines[1] == '2026-11-22 custom "ar-'
