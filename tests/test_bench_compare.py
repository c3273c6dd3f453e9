"""The canonical dumps of `benchmarks/compare_outputs.py` (``bench_load.py --compare REV``).

They must show every change of an output and nothing else: not the order of the entries, not
the order in which a plugin writes metadata keys.
"""

from __future__ import annotations

import re
from pathlib import Path

from benchmarks import compare_outputs
from tests.conftest import load

LEDGER = """
2024-01-01 open Assets:Receivable:Dupont
  customer: "Dupont SARL"
2024-03-01 * "Dupont" "Travaux" ^F-1
  invoice: "F-1"
  Assets:Receivable:Dupont  120.00 EUR
  Income:Sales
2024-04-15 * "Dupont" "Acompte" ^F-1
  Assets:Bank  50.00 EUR
  Assets:Receivable:Dupont
2026-01-10 * "Dupont" "Solde" ^F-1
  Assets:Bank  70.00 EUR
  Assets:Receivable:Dupont
"""


def dump() -> tuple[list, list[str]]:
    entries, errors, options_map = load(LEDGER)
    assert not errors
    return entries, compare_outputs.records(entries, errors, options_map)


def test_records_cover_entries_metadata_and_settlements_at_three_dates() -> None:
    entries, lines = dump()
    sections = compare_outputs.summarize(lines)
    assert set(sections) == {"count", "entry", "settle@2024-06-30", "settle@2025-12-31",
                             "settle@full"}
    assert sections["entry"][0] == len(entries)
    invoice = next(line for line in lines if line.startswith("entry") and "Travaux" in line)
    text = compare_outputs.unescape(invoice.split("\t", 1)[1])
    assert re.fullmatch(r"<string>:\d+", text.splitlines()[0])  # its line in the ledger
    assert "  invoice: \"F-1\"" in text and "  open_amount: 0.00 EUR" in text
    assert "__" not in text  # internal markers are not outputs
    mid = [line for line in lines if line.startswith("settle@2025-12-31\titem")]
    assert len(mid) == 1 and "open 70.00" in mid[0] and "overdue" in mid[0]
    full = [line for line in lines if line.startswith("settle@full\titem")]
    assert len(full) == 1 and "open 0.00" in full[0] and "paid" in full[0]
    assert lines == sorted(lines)


def test_records_ignore_entry_order_and_metadata_order_but_not_values() -> None:
    entries, lines = dump()
    _, _, options_map = load(LEDGER)
    shuffled = list(reversed(entries))
    reordered = []
    for entry in shuffled:
        reordered.append(entry._replace(meta=dict(reversed(list(entry.meta.items())))))
    assert compare_outputs.records(reordered, [], options_map) == lines

    index = next(i for i, e in enumerate(entries) if e.meta.get("invoice") == "F-1")
    changed = list(entries)
    meta = dict(entries[index].meta)
    meta["paid_date"] = meta["paid_date"].replace(day=11)
    changed[index] = entries[index]._replace(meta=meta)
    other = compare_outputs.records(changed, [], options_map)
    assert compare_outputs.summarize(other)["entry"] != compare_outputs.summarize(lines)["entry"]
    assert compare_outputs.summarize(other)["settle@full"] == (
        compare_outputs.summarize(lines)["settle@full"])


def test_report_shows_the_records_only_before_and_only_after(tmp_path: Path) -> None:
    before = ["count\t2", "entry\ta\\nb", "entry\tc", "settle@full\tx"]
    after = ["count\t2", "entry\ta\\nB", "entry\tc", "settle@full\tx"]
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("".join(f"{line}\n" for line in before), encoding="utf-8")
    new.write_text("".join(f"{line}\n" for line in after), encoding="utf-8")
    lines = compare_outputs.report(old, new, compare_outputs.summarize(before),
                                   compare_outputs.summarize(after))
    assert lines[0] == "section entry: 2 records before, 2 after"
    assert "  + a\n      B" in lines and "  - a\n      b" in lines
    assert lines[-1] == "  (1 records only before, 1 only after)"
    assert compare_outputs.report(old, old, compare_outputs.summarize(before),
                                  compare_outputs.summarize(before)) == []


def test_canonical_values_do_not_depend_on_order() -> None:
    assert compare_outputs.canonical({"b": 1, "a": {2, 1}}) == (
        compare_outputs.canonical({"a": {1, 2}, "b": 1}))
    assert compare_outputs.canonical(object()).startswith("object:<object object>")
    assert compare_outputs.unescape(compare_outputs.escape("a\\n\tb\nc")) == "a\\n\tb\nc"
