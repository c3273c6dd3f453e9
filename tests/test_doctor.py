"""``bean-ar doctor``: run as a user would, following its advice until nothing needs attention."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

LEDGER = textwrap.dedent("""
    2024-01-01 open Assets:AccountsReceivable
    2024-01-01 open Assets:Bank
    2024-01-01 open Income:Sales
    2024-03-01 * "Groupe Laval" "Facture 2024-017 - Groupe Laval"
      Assets:AccountsReceivable   100.00 CAD
      Income:Sales
    2024-03-02 * "Studio Nord" "Facture 2024-018 - Studio Nord"
      Assets:AccountsReceivable   200.00 CAD
      Income:Sales
    2024-03-10 * "Studio Nord" "Virement"
      Assets:Bank   150.00 CAD
      Assets:AccountsReceivable
""")


def doctor(path, *args):
    result = subprocess.run([sys.executable, "-m", "beancount_ar.cli", "doctor", str(path), *args],
                            capture_output=True, text=True, env=dict(os.environ), check=False)
    return result.returncode, result.stdout, result.stderr


def test_doctor_proposes_the_configuration_until_nothing_needs_attention(tmp_path):
    path = tmp_path / "books.beancount"
    path.write_text(LEDGER)
    # 1. No plugin line, receivables not under Assets:Receivable: it finds the account.
    code, out, err = doctor(path)
    assert (code, err) == (3, "")
    assert "Invoices recognised: 0" in out
    line = out.split("use this plugin line:\n")[1].splitlines()[0].strip()
    assert line == """plugin "beancount_ar" "{'receivable_root': 'Assets:AccountsReceivable'}\""""
    # 2. With it: two debits it cannot take as invoices, and a pattern that would read them.
    path.write_text(line + "\n" + LEDGER)
    code, out, _ = doctor(path)
    assert code == 3
    assert "Receivable debits not taken as invoices: 2" in out
    assert f"{path}:6  2024-03-01  Groupe Laval Facture 2024-017 - Groupe Laval" in out
    assert "Credits naming no invoice (matched oldest first): 1" in out
    line = out.split("use this plugin line:\n")[1].splitlines()[0].strip()
    assert "'invoice_pattern': '(?i)([0-9]{4}-[0-9]+)'" in line
    # 3. With that: both invoices recognised by their narration; nothing needs attention.
    path.write_text(line + "\n" + LEDGER)
    code, out, _ = doctor(path)
    assert code == 0, out
    assert "Invoices recognised: 2 (by invoice: metadata 0, by link 0, by narration 2)" in out
    assert "Customers: 2 (Groupe Laval, Studio Nord)" in out
    assert out.rstrip().endswith("Nothing needs attention.")
    code, out, _ = doctor(path, "--format", "json")
    report = json.loads(out)
    assert (code, report["invoices_by_rule"]["narration"], report["errors"]) == (0, 2, [])


def test_doctor_lists_the_errors_the_plugin_adds(tmp_path):
    path = tmp_path / "books.beancount"
    path.write_text('plugin "beancount_ar"\n' + textwrap.dedent("""
        2024-01-01 open Assets:Receivable:Laval
        2024-01-01 open Income:Sales
        2024-03-01 * "Laval" "Travaux" ^F-1
          invoice: "F-1"
          terms: "net trente"
          Assets:Receivable:Laval   100.00 CAD
          Income:Sales
    """))
    code, out, _ = doctor(path)
    assert code == 3
    assert "Errors the plugin adds: 1" in out and f"{path}:5: F-1: " in out


def test_a_missing_ledger_is_one_line_and_status_1(tmp_path):
    code, out, err = doctor(tmp_path / "nothing.beancount")
    assert code == 1 and err.startswith("bean-ar: ") and len(err.splitlines()) == 1
