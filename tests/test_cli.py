"""``bean-ar`` end to end: real ledgers on disk, the console script and its outputs."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from beancount_ar.cli import main
from tests.conftest import ledger_text

BODY = """
    2024-01-01 open Assets:Receivable:Dupont EUR
      customer: "Dupont SARL"
    2024-01-01 open Assets:Receivable:Acme USD
      customer: "Acme Inc."
      language: "en"
    2025-01-15 * "Dupont" "Four" ^F-1
      invoice: "F-1"
      terms: "2/10 net 30"
      Assets:Receivable:Dupont   1200.00 EUR
      Income:Sales
    2025-01-20 * "Dupont" "Projet" ^F-2
      invoice: "F-2"
      terms: "30 % à réception ; 70 % 30 jours fin de mois"
      Assets:Receivable:Dupont   1000.00 EUR
      Income:Sales
    2025-01-24 * "Dupont" "Virement" ^F-1
      Assets:Bank                1176.00 EUR
      Assets:Receivable:Dupont  -1176.00 EUR
    2025-02-01 * "Acme" "Consulting" ^F-3
      invoice: "F-3"
      terms: "net 30"
      Assets:Receivable:Acme      500.00 USD
      Income:Sales
    2025-03-20 * "Acme" "Wire, no reference: the excess is an unapplied credit"
      Assets:Bank                 600.00 USD
      Assets:Receivable:Acme     -600.00 USD
"""


@pytest.fixture
def ledger(tmp_path):
    path = tmp_path / "main.beancount"
    path.write_text(ledger_text(BODY))
    return str(path)


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_invoices_json_has_every_field_with_strings_for_amounts(capsys, ledger):
    code, out, err = run(capsys, "invoices", ledger, "--as-of", "2025-03-10", "--format", "json")
    assert (code, err) == (0, "")
    records = {(r["invoice"], r["instalment"]): r for r in json.loads(out)}
    assert set(records) == {("F-1", None), ("F-2", "1/2"), ("F-2", "2/2"), ("F-3", None)}
    f1 = records[("F-1", None)]
    for key in ("invoice", "customer", "date", "due", "currency", "amount", "open", "status",
                "days_overdue", "discount_until", "discount", "paid_date", "payments"):
        assert key in f1
    assert f1 == f1 | {"status": "paid", "amount": "1200.00", "open": "0.00",
                       "discount_until": "2025-01-25", "discount": "24.00",
                       "paid_date": "2025-01-24", "date": "2025-01-15", "due": "2025-02-14"}
    assert [(p["date"], p["amount"], p["kind"]) for p in f1["payments"]] == [
        ("2025-01-24", "1176.00", "payment"), ("2025-01-24", "24.00", "discount")]
    assert records[("F-2", "1/2")] | {} == records[("F-2", "1/2")] | {
        "status": "overdue", "due": "2025-01-20", "open": "300.00", "days_overdue": 49}
    assert records[("F-2", "2/2")]["due"] == "2025-02-28"
    assert records[("F-3", None)]["status"] == "overdue"


def test_invoices_as_of_is_real_history(capsys, ledger):
    _, before, _ = run(capsys, "invoices", ledger, "--as-of", "2025-03-19", "--format", "json",
                       "--customer", "Acme Inc.")
    _, after, _ = run(capsys, "invoices", ledger, "--as-of", "2025-03-20", "--format", "json",
                      "--customer", "Assets:Receivable:Acme")
    assert [(r["status"], r["open"]) for r in json.loads(before)] == [("overdue", "500.00")]
    assert [(r["status"], r["open"]) for r in json.loads(after)] == [("paid", "0.00")]


def test_invoices_text_table_and_status_filter(capsys, ledger):
    code, out, _ = run(capsys, "invoices", ledger, "--as-of", "2025-03-10", "--status",
                       "overdue")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["item", "kind", "customer", "date", "due"]
    assert len(lines) == 2 + 3 + 2  # header, rule, three rows, a total per currency
    assert all("overdue" in line for line in lines[2:5])
    assert lines[5:] == ["2 item(s) in EUR: amount 1,000.00, open 1,000.00",
                         "1 item(s) in USD: amount 500.00, open 500.00"]
    assert "F-2 2/2" in out and "F-1 " not in out


def test_invoices_csv(capsys, ledger):
    code, out, _ = run(capsys, "invoices", ledger, "--as-of", "2025-03-10", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 4
    assert rows[0]["invoice"] == "F-1" and rows[0]["payments"].startswith("2025-01-24 1176.00")


def test_aging_reconciles_to_the_receivable_balance(capsys, ledger):
    code, out, _ = run(capsys, "aging", ledger, "--as-of", "2025-04-01", "--format", "json")
    report = json.loads(out)
    assert code == 0
    assert report["buckets"] == ["current", "1-30", "31-60", "61-90", "90+"]
    rows = {(r["name"], r["currency"]): r for r in report["rows"]}
    assert rows[("Dupont SARL", "EUR")]["buckets"] == {
        "current": "0.00", "1-30": "0.00", "31-60": "700.00", "61-90": "300.00", "90+": "0.00"}
    assert rows[("Acme Inc.", "USD")]["unapplied"] == "-100.00"
    assert rows[("Acme Inc.", "USD")]["total"] == "-100.00"
    assert report["totals"]["EUR"]["total"] == "1000.00"
    assert report["receivable_balance"] == {"EUR": "1000.00", "USD": "-100.00"}
    assert report["difference"] == {"EUR": "0.00", "USD": "0.00"}
    _, text, _ = run(capsys, "aging", ledger, "--as-of", "2025-04-01")
    assert "Receivable balance EUR: 1,000.00 - reconciles" in text


def test_aging_by_invoice_date_with_custom_buckets(capsys, ledger):
    code, out, _ = run(capsys, "aging", ledger, "--as-of", "2025-04-01", "--by", "invoice",
                       "--buckets", "45,90", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0
    assert rows[0] == ["customer", "name", "currency", "0-45", "46-90", "90+", "unapplied",
                       "total"]
    dupont = next(r for r in rows if r[1] == "Dupont SARL")
    assert dupont[3:] == ["0.00", "1000.00", "0.00", "0.00", "1000.00"]


@pytest.mark.parametrize("args, message", [
    (("invoices", "/nonexistent/main.beancount"), "no such ledger file"),
    (("invoices", "{ledger}", "--as-of", "2025-13-01"), "expected a date such as"),
    (("invoices", "{ledger}", "--customer", "Nobody"), "no such customer"),
    (("invoices", "{ledger}", "--status", "late"), "expected one of unpaid, open, overdue"),
    (("invoices", "{ledger}", "--kind", "fee"), "--kind 'fee': expected one of invoice"),
    (("aging", "{ledger}", "--buckets", "60,30"), "increasing"),
    (("aging", "{broken}"), "the ledger has errors"),
])
def test_bad_input_is_one_line_and_exit_1(capsys, ledger, tmp_path, args, message):
    broken = tmp_path / "broken.beancount"
    broken.write_text(ledger_text(BODY + """
    2025-05-01 * "Dupont" "dup" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   10.00 EUR
      Income:Sales
    """))
    args = [a.format(ledger=ledger, broken=broken) for a in args]
    code, out, err = run(capsys, *args)
    assert code == 1 and out == ""
    assert err.startswith("bean-ar: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_console_script_runs(ledger):
    result = subprocess.run([sys.executable, "-m", "beancount_ar.cli", "aging", ledger,
                             "--as-of", "2025-04-01"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "Aged receivables as of 2025-04-01" in result.stdout
