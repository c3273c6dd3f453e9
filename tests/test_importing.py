"""The beangulp hook on a CSV bank statement, run through beangulp itself (its CSV importer and
its ``extract`` command), as a user's import script would."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from beancount import loader
from beancount.core import data

LEDGER = """
plugin "beancount_ar" "{'invoice_pattern': '(F-[0-9]{4}-[0-9]{3})'}"
2025-01-01 open Assets:Bank EUR
2025-01-01 open Income:Sales
2025-01-01 open Assets:Receivable:Acme
  customer: "ACME SA"
2025-01-01 open Assets:Receivable:Boreal
2025-01-10 * "ACME SA" "Facture F-2025-001"
  Assets:Receivable:Acme     1200.00 EUR
  Income:Sales
2025-01-20 * "ACME SA" "Facture F-2025-002"
  Assets:Receivable:Acme      800.00 EUR
  Income:Sales
2025-01-21 * "Boreal" "Facture F-2025-003"
  Assets:Receivable:Boreal    300.00 EUR
  Income:Sales
2025-01-22 * "Boreal" "Facture F-2025-004"
  Assets:Receivable:Boreal    300.00 EUR
  Income:Sales
"""

CSV = """\
Date,Tiers,Libelle,Montant
2025-02-15,VIR SEPA ACME SA,VIR SEPA ACME SA REGLEMENT FACT F-2025-002,800.00
2025-02-16,VIR SEPA ACME SA,VIREMENT RECU,1200.00
2025-02-17,Boreal,VIREMENT RECU,300.00
2025-02-18,Papeterie,CARTE 1234,-50.00
"""

SCRIPT = """
import beangulp
from beangulp.importers.csv import Col, CSVImporter
from beancount_ar.importing import InvoiceLinker

importers = [CSVImporter({Col.DATE: "Date", Col.PAYEE: "Tiers", Col.NARRATION: "Libelle",
                          Col.AMOUNT: "Montant"}, "Assets:Bank", "EUR", regexps="Libelle")]
hooks = [InvoiceLinker("{'invoice_pattern': '(F-[0-9]{4}-[0-9]{3})'}")]
if __name__ == "__main__":
    beangulp.Ingest(importers, hooks)()
"""


def test_a_csv_bank_statement_imported_through_beangulp_gets_invoice_links(tmp_path):
    (tmp_path / "main.beancount").write_text(textwrap.dedent(LEDGER))
    (tmp_path / "bank.csv").write_text(CSV)
    (tmp_path / "import.py").write_text(SCRIPT)
    out = tmp_path / "imported.beancount"
    result = subprocess.run(
        [sys.executable, "import.py", "extract", "bank.csv", "-e", "main.beancount", "-o",
         str(out)], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    imported = [e for e in loader.load_string(out.read_text())[0]
                if isinstance(e, data.Transaction)]
    by_day = {e.date.day: e for e in imported}
    # the reference in the narration, though the payee is the bank's wording
    assert by_day[15].links == {"F-2025-002"}
    assert [p.account for p in by_day[15].postings] == ["Assets:Bank", "Assets:Receivable:Acme"]
    # no reference: the one open invoice of ACME SA (in the bank's wording) for 1200.00
    assert by_day[16].links == {"F-2025-001"}
    # Boreal has two open invoices of 300.00: left alone, with a note
    assert not by_day[17].links and len(by_day[17].postings) == 1
    assert by_day[17].meta["ar_match"] == (
        "ambiguous: several open invoices of 300.00 EUR (F-2025-003, F-2025-004)")
    assert not by_day[18].links and "ar_match" not in by_day[18].meta  # money out
    # The ledger with the two linked payments appended loads clean, those invoices paid.
    linked = out.read_text().split("\n2025-02-17")[0]
    (tmp_path / "main.beancount").write_text(textwrap.dedent(LEDGER) + linked + "\n")
    entries, errors, _ = loader.load_file(str(tmp_path / "main.beancount"))
    assert errors == []
    paid = {e.meta["invoice"]: e.meta.get("paid_date") for e in entries
            if isinstance(e, data.Transaction) and "invoice" in e.meta and "due" in e.meta}
    assert paid["F-2025-001"] and paid["F-2025-002"] and not paid["F-2025-003"]
