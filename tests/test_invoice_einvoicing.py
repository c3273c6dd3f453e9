"""E-invoicing lifecycle directives and the payment data (encaissements) per invoice."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from beancount import loader

from beancount_ar import cli
from beancount_ar.core.einvoicing import latest, payments_received, read_statuses, status_name
from beancount_ar.core.subledger import subledger

LEDGER = """
plugin "beancount_ar" "{'default_terms': '30 % à réception ; 70 % 30 jours'}"
2025-01-01 open Assets:Receivable:Dupont EUR
  customer: "Boulangerie Dupont"
2025-01-01 open Income:Services
2025-01-01 open Liabilities:VAT
2025-01-01 open Assets:Bank
2025-01-10 * "Dupont" "Maintenance" ^F-1
  invoice: "F-1"
  Assets:Receivable:Dupont   1200.00 EUR
  Income:Services   -1000.00 EUR
  Liabilities:VAT  -200.00 EUR
2025-01-11 custom "ar-einvoice" "F-1" "déposée"
2025-01-12 custom "ar-einvoice" "F-1" "approved" "OK"
2025-01-20 * "Dupont" "Virement" ^F-1
  Assets:Bank   1000.00 EUR
  Assets:Receivable:Dupont   -1000.00 EUR
2025-02-20 * "Dupont" "Virement"
  Assets:Bank   200.00 EUR
  Assets:Receivable:Dupont   -200.00 EUR
"""


def test_statuses_and_payments_received():
    entries, errors, options = loader.load_string(LEDGER)
    assert errors == []
    settlement = subledger(entries, options)
    statuses, problems = read_statuses(entries, settlement.book.invoices)
    assert problems == []
    assert [s.status for s in statuses["F-1"]] == ["deposited", "approved"]
    assert latest(statuses, "F-1", datetime.date(2025, 1, 11)).status == "deposited"
    rows = payments_received(settlement, datetime.date(2025, 1, 1), statuses=statuses)
    # one payment across both instalments is one row; the second payment is another
    assert [(r.date, r.amount, r.status) for r in rows] == [
        (datetime.date(2025, 1, 20), Decimal("1000.00"), "approved"),
        (datetime.date(2025, 2, 20), Decimal("200.00"), "approved")]
    assert payments_received(settlement, datetime.date(2025, 2, 1))[0].amount == Decimal(
        "200.00")


def test_status_names():
    assert status_name("Encaissée") == "paid" and status_name("rejetée") == "rejected"
    assert status_name("made available") == "made_available" and status_name("nope") is None


def test_bad_directives_are_errors_at_their_line():
    _, errors, _ = loader.load_string(LEDGER + """
2025-03-01 custom "ar-einvoice" "F-9" "paid"
2025-03-01 custom "ar-einvoice" "F-1" "lost"
""")
    assert [e.message.split(";")[0] for e in errors] == [
        "ar-einvoice: 'F-9' is not an invoice or credit note number",
        "ar-einvoice: F-1: unknown status 'lost'"]
    assert all(e.source["lineno"] > 0 for e in errors)


def test_cli_json_and_csv(tmp_path, capsys):
    path = tmp_path / "main.beancount"
    path.write_text(LEDGER, encoding="utf-8")
    assert cli.main(["einvoice-status", str(path), "--since", "2025-02-01", "--format",
                     "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["invoice"], row["date"], row["amount"], row["status"]) == (
        "F-1", "2025-02-20", "200.00", "approved")
    assert cli.main(["einvoice-status", str(path), "--since", "2025-01-01", "--format",
                     "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("invoice,customer") and len(lines) == 3
    assert cli.main(["einvoice-status", str(path), "--since", "yesterday"]) == 1
    assert "--since 'yesterday'" in capsys.readouterr().err


def test_bean_ar_invoices_shows_the_platform_status_as_of_its_date(capsys):
    import json

    from beancount_ar.cli import main

    def status(as_of: str) -> str | None:
        assert main(["invoices", "example-ledger/main.beancount", "--as-of", as_of,
                     "--format", "json", "--kind", "invoice"]) == 0
        rows = {r["invoice"]: r for r in json.loads(capsys.readouterr().out)}
        return rows["F-2026-059"]["einvoice"]

    assert status("2026-09-24") == "deposited"
    assert status("2026-09-30") == "approved"
    assert status("2026-11-23") == "paid"
    assert main(["invoices", "example-ledger/main.beancount", "--as-of", "2026-11-23",
                 "--kind", "invoice"]) == 0
    assert "e-invoice" in capsys.readouterr().out.splitlines()[0]
