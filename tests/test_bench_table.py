"""Smoke test of `benchmarks/bench_table.py`: one quick run on a tiny ledger gives the table.

Only the table's shape is checked, never a timing: targets are the benchmark's business.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CELLS = ["row", "without", "with", "overhead", "target", "entries added", "peak MB"]


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def test_quick_table_has_one_row_per_measured_row(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_table.py"), "--quick", "--sizes", "500",
         "--rows", "plugin,floor", "--out", str(tmp_path)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    table = [line for line in proc.stdout.splitlines() if line.startswith("|")]
    assert cells(table[0]) == CELLS
    assert set(cells(table[1])) == {"---"}
    rows = [cells(line) for line in table[2:]]
    assert [row[0] for row in rows] == ["invoice plugin, load, 500", "floor plugin, load, 500"]
    for row in rows:
        assert len(row) == len(CELLS)
        assert re.fullmatch(r"\d+\.\d\d s", row[1]) and re.fullmatch(r"\d+\.\d\d s", row[2])
        assert re.fullmatch(r"[+-]\d+\.\d %", row[3])
        assert re.fullmatch(r"\d[\d,]*", row[5])  # entries added
    assert rows[0][4].startswith("+10 %: ")  # the invoice plugin's target, met or not
    assert rows[1][4] == "(floor)" and rows[1][5] == "0"  # the floor plugin adds nothing
    assert "Beancount 3." in proc.stdout and "median of 1 run(s)" in proc.stdout
    # Each load row's overhead split into the plugin's own time and the rest of the load.
    assert re.search(r"^- invoice plugin, load, 500: [+-]\d+\.\d\d s = the plugin \d+\.\d\d s "
                     r"\+ the rest of the load [+-]\d+\.\d\d s \(\d+ entries added\)$",
                     proc.stdout, re.M), proc.stdout

    results = json.loads((tmp_path / "table_results.json").read_text(encoding="utf-8"))
    assert [fig["key"] for fig in results["rows"]] == ["plugin", "floor"]
    assert results["repeat"] == 1 and results["sizes"] == [500]
    assert results["runs"] == {"load-500": 1}  # --quick: the short rows once too
    measured = results["measures"]["load-500"]
    assert sorted(measured) == ["floor", "none", "plugin"]
    assert all(len(runs) == 1 and runs[0]["errors"] == 0 for runs in measured.values())
    assert results["rows"][0]["plugin_s"] >= 0 and "beancount_ar" in measured["plugin"][0]["phases"]
    # The plugin ran from the snapshot of the code taken at the start, not from the checkout.
    assert Path(measured["plugin"][0]["code"]).is_relative_to(tmp_path / "code-table")


def test_short_rows_run_more_often() -> None:
    """The rows of a few seconds (loads up to 20,000 invoices, the PDF) run --short-factor
    times as often, and the header says so."""
    from benchmarks import bench_table

    assert bench_table._short("load-10000") and bench_table._short("pdf")
    assert not bench_table._short("load-100000") and not bench_table._short("penalties-10000")
    assert not bench_table._short("fava-10000")
    assert bench_table._short_note({"load-100000": 3}, 3) == ""
    assert (bench_table._short_note({"load-10000": 9, "load-100000": 3, "pdf": 9}, 3)
            == " (9 for load-10000, pdf)")


def test_unknown_row_is_refused(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_table.py"), "--rows", "plugin,speed",
         "--out", str(tmp_path)], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2
    assert "speed" in proc.stderr
