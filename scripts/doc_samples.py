"""The sample outputs that README.md and docs/*.md quote, regenerated from the example ledger.

A sample is a fenced block whose first line is a ``bean-ar`` command run from the repository's
root, and the rest its output:

    ```
    $ bean-ar aging example-ledger/main.beancount --as-of 2026-11-23
    Aged receivables as of 2026-11-23 (by due date)
    ...
    ```

``python3 scripts/doc_samples.py`` rewrites every sample with the command's real output;
``tests/test_doc_samples.py`` fails while a sample differs from it, so a figure in the docs is
never typed by hand.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SAMPLE = re.compile(r"^```\n\$ (bean-ar [^\n]*)\n(.*?)^```$", re.M | re.S)


def run(command: str) -> str:
    """The output of a ``bean-ar ...`` command, run in this process from the root."""
    from beancount_ar.cli import main

    argv = shlex.split(command)[1:]
    out = io.StringIO()
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out):
            code = main(argv)
    finally:
        os.chdir(here)
    if code != 0:
        raise RuntimeError(f"{command}: exit status {code}")
    return out.getvalue()


def samples(text: str) -> list[tuple[str, str]]:
    """(command, quoted output) of each sample of a document."""
    return [(match.group(1), match.group(2)) for match in SAMPLE.finditer(text)]


def updated(text: str) -> str:
    """The document with every sample's output regenerated."""
    return SAMPLE.sub(lambda m: f"```\n$ {m.group(1)}\n{run(m.group(1))}```", text)


def main() -> int:
    for path in DOCUMENTS:
        text = path.read_text(encoding="utf-8")
        new = updated(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
