"""The README stays true: its quick start matches CI, its bean-query cookbook runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import beanquery
import pytest
from beancount import loader

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
QUERIES = re.findall(r"```sql\n(.*?)```", README, re.S)


@pytest.fixture(scope="module")
def example():
    entries, errors, options = loader.load_file(str(ROOT / "example-ledger" / "main.beancount"))
    assert errors == [], [e.message for e in errors]
    return entries, options


def test_quick_start_has_two_commands_and_ci_runs_the_second():
    block = re.search(r"## Quick start\s+```sh\n(.*?)```", README, re.S).group(1)
    commands = [line for line in block.splitlines() if line.strip()]
    assert len(commands) == 2
    assert "fava example-ledger/main.beancount" in commands[0]
    assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("query", QUERIES, ids=[q.split("\n")[0][:40] for q in QUERIES])
def test_cookbook_query_runs_on_the_example_ledger(example, query):
    entries, options = example
    connection = beanquery.connect("beancount:", entries=entries, errors=[], options=options)
    rows = connection.execute(" ".join(query.split())).fetchall()
    assert rows, "the example ledger should give rows for every cookbook query"


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "beancount_ar",
                             "fava_ar_extension", "tests", "benchmarks"],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]


def test_benchmark_figures_are_those_of_the_recorded_run():
    """The README's speed table is the one `benchmarks/bench_table.py` printed, recorded in
    benchmarks/results.md with its machine, versions and commit (figures are not typed in)."""
    recorded = (ROOT / "benchmarks" / "results.md").read_text(encoding="utf-8")
    table = "\n".join(line for line in recorded.splitlines() if line.startswith("|"))
    assert table.count("\n") >= 8, "benchmarks/results.md holds no table"
    assert table in README
    for line in recorded.splitlines():
        if line.startswith(("Machine", "machine", "Python", "Beancount")):
            assert line in README
        if line.startswith("- ") and " = the plugin " in line:  # where the overhead goes
            assert line in README
