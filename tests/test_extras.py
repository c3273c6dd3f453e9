"""``pip install beancount-ar`` gives the plugins and the reports; a feature whose optional
dependency is missing says which extra to install, and the rest keeps working."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter where importing WeasyPrint and segno fails, as when they are not
# installed (a None entry in sys.modules makes `import` raise ImportError).
WITHOUT_PDF = textwrap.dedent("""
    import sys
    sys.modules["weasyprint"] = None
    sys.modules["weasyprint.urls"] = None
    sys.modules["segno"] = None
    from beancount_ar.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def run_without_pdf(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT_PDF, *args], cwd=ROOT,
                          capture_output=True, text=True, check=False)


def test_a_pdf_without_weasyprint_says_which_extra_to_install(tmp_path):
    result = run_without_pdf("statement", "example-ledger/main.beancount", "--customer",
                             "Restaurant Le Zinc", "--to", "2026-11-23", "-o",
                             str(tmp_path / "zinc.pdf"))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "bean-ar: PDF documents need weasyprint, which is not installed: pip install "
        "'beancount-ar[pdf]' (or write HTML with --format html)")
    assert "Traceback" not in result.stderr


def test_reports_and_html_work_without_the_pdf_extra(tmp_path):
    result = run_without_pdf("aging", "example-ledger/main.beancount", "--as-of", "2026-11-23")
    assert result.returncode == 0 and "reconciles" in result.stdout
    html = tmp_path / "zinc.html"
    result = run_without_pdf("statement", "example-ledger/main.beancount", "--customer",
                             "Restaurant Le Zinc", "--to", "2026-11-23", "-o", str(html))
    assert result.returncode == 0, result.stderr
    assert "Restaurant Le Zinc" in html.read_text(encoding="utf-8")
    # the QR code needs segno: the statement says how to pay without it, and warns
    assert "payment QR codes need segno" in result.stderr


def test_dependencies_are_ranges_and_ci_pins_them():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [*project["dependencies"],
                *(d for extra in project["optional-dependencies"].values() for d in extra)]
    assert declared and not [d for d in declared if "==" in d]
    assert {"pdf", "fava", "all", "test"} <= set(project["optional-dependencies"])
    assert not [d for d in project["dependencies"] if d.split(">")[0] in ("fava", "weasyprint")]
    pins = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    assert "fava==" in pins and "weasyprint==" in pins
    assert "-c constraints.txt" in (ROOT / "README.md").read_text(encoding="utf-8")
