"""Smoke test of `benchmarks/bench_gc.py`: a tiny run prints the collector's table with its three
variants (never a timing: figures are the benchmark's business)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_tiny_run_prints_the_three_variants(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_gc.py"), "--sizes", "300",
         "--repeat", "1", "--out", str(tmp_path)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=180)
    assert proc.returncode == 0, proc.stderr
    rows = [line for line in proc.stdout.splitlines() if line.startswith("| ")]
    assert [row.split("|")[1].strip() for row in rows[1:]] == ["none", "plugin", "re-enabled"]
    for row in rows[1:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert re.fullmatch(r"\d+\.\d\d", cells[1]) and re.fullmatch(r"\d+\.\d\d", cells[2])
        assert re.fullmatch(r"\d+/\d+/\d+", cells[3])
    assert rows[1].rstrip().endswith("| - |")
    assert re.search(r"\| [+-]\d+\.\d\d s \|$", rows[2].rstrip())
