"""The code type-checks: mypy over the package and the extension (pyproject's [tool.mypy]), and
`mypy --strict` over the core, as CI runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def mypy(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mypy", *args], cwd=ROOT, capture_output=True,
                          text=True, check=False)


def test_mypy_is_clean():
    result = mypy()
    assert result.returncode == 0, result.stdout[-4000:]


def test_the_core_is_mypy_strict_clean():
    result = mypy("--strict", "--follow-imports=silent", "--exclude", "penalty_run",
                  "beancount_ar/core")
    assert result.returncode == 0, result.stdout[-4000:]
