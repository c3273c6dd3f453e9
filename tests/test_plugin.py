"""The invoice plugin through Beancount's loader: metadata, discounts, matching and errors."""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal

from beancount import loader
from beancount.core import data
from beancount.parser import printer

from beancount_ar.core.allocation import settle
from beancount_ar.core.book import read_book
from beancount_ar.core.config import config_from_options
from beancount_ar.core.report import invoice_rows
from tests.conftest import ledger_text, load

D = Decimal
CUSTOMER = """
    2024-01-01 open Assets:Receivable:Dupont EUR
      customer: "Dupont SARL"
      terms: "45 jours fin de mois"
"""


def invoices(entries):
    return {e.meta["invoice"]: e for e in entries
            if isinstance(e, data.Transaction) and "invoice" in e.meta and e.meta.get("due")}


def rows(entries, options_map, as_of="2030-01-01"):
    config, _ = config_from_options(options_map)
    book, _ = read_book(entries, config)
    day = datetime.date.fromisoformat(as_of)
    return {(r.invoice, r.instalment): r for r in invoice_rows(settle(book, day), day)}


def messages(errors):
    return [e.message for e in errors]


def test_due_dates_from_invoice_customer_and_default_terms():
    entries, errors, _ = load(CUSTOMER + """
    2024-01-01 open Assets:Receivable:Martin EUR
    2025-01-15 * "Dupont" "Own terms" ^F-1
      invoice: "F-1"
      terms: "net 30"
      Assets:Receivable:Dupont   120.00 EUR
      Income:Sales
    2025-01-15 * "Dupont" "Customer terms" ^F-2
      invoice: "F-2"
      Assets:Receivable:Dupont   120.00 EUR
      Income:Sales
    2025-01-15 * "Martin" "Default terms" ^F-3
      invoice: "F-3"
      Assets:Receivable:Martin   120.00 EUR
      Income:Sales
    2025-01-15 * "Martin" "Explicit due wins" ^F-4
      invoice: "F-4"
      terms: "net 30"
      due: 2025-01-20
      Assets:Receivable:Martin   120.00 EUR
      Income:Sales
    """, config="{'default_terms': 'fin de mois 45 jours'}")
    assert errors == []
    found = invoices(entries)
    assert found["F-1"].meta["due"] == datetime.date(2025, 2, 14)
    assert found["F-2"].meta["due"] == datetime.date(2025, 3, 31)
    assert found["F-3"].meta["due"] == datetime.date(2025, 3, 17)
    assert found["F-4"].meta["due"] == datetime.date(2025, 1, 20)


def test_discount_metadata_and_discount_posted_for_a_payment_inside_the_window():
    entries, errors, options = load(CUSTOMER + """
    2025-01-15 * "Dupont" "Four" ^F-1
      invoice: "F-1"
      terms: "2/10 net 30"
      Assets:Receivable:Dupont   1200.00 EUR
      Income:Sales              -1000.00 EUR
      Liabilities:VAT            -200.00 EUR
    2025-01-24 * "Dupont" "Virement" ^F-1
      Assets:Bank                1176.00 EUR
      Assets:Receivable:Dupont  -1176.00 EUR
    """)
    assert errors == []
    invoice = invoices(entries)["F-1"]
    assert invoice.meta["discount_until"] == datetime.date(2025, 1, 25)
    assert invoice.meta["discount"].number == D("24.00")
    generated = [e for e in entries if isinstance(e, data.Transaction) and "ar-discount" in e.tags]
    assert len(generated) == 1
    discount = generated[0]
    assert discount.meta["filename"] == "<beancount_ar>"
    assert discount.date == datetime.date(2025, 1, 24)
    assert discount.links == {"F-1"}
    assert {(p.account, p.units.number) for p in discount.postings} == {
        ("Expenses:Discounts", D("24.00")), ("Assets:Receivable:Dupont", D("-24.00"))}
    assert invoice.meta["open_amount"].number == 0
    assert invoice.meta["paid_date"] == datetime.date(2025, 1, 24)
    row = rows(entries, options)[("F-1", None)]
    assert (row.status, row.open, row.paid_date) == ("paid", D("0.00"), datetime.date(2025, 1, 24))
    assert [(p.kind, p.amount) for p in row.payments] == [
        ("payment", D("1176.00")), ("discount", D("24.00"))]


def test_no_discount_after_the_window_or_on_a_partial_payment():
    entries, errors, options = load(CUSTOMER + """
    2025-01-15 * "Dupont" "Late" ^F-1
      invoice: "F-1"
      terms: "2/10 net 30"
      Assets:Receivable:Dupont   1000.00 EUR
      Income:Sales
    2025-01-15 * "Dupont" "Partial" ^F-2
      invoice: "F-2"
      terms: "2/10 net 30"
      Assets:Receivable:Dupont   1000.00 EUR
      Income:Sales
    2025-01-26 * "Dupont" "Too late for a discount" ^F-1
      Assets:Bank                 980.00 EUR
      Assets:Receivable:Dupont   -980.00 EUR
    2025-01-18 * "Dupont" "Half" ^F-2
      Assets:Bank                 500.00 EUR
      Assets:Receivable:Dupont   -500.00 EUR
    2025-01-20 * "Dupont" "Rest less a discount" ^F-2
      Assets:Bank                 480.00 EUR
      Assets:Receivable:Dupont   -480.00 EUR
    """)
    assert errors == []
    assert not [e for e in entries if isinstance(e, data.Transaction) and "ar-discount" in e.tags]
    found = rows(entries, options, "2025-03-01")
    assert found[("F-1", None)].open == D("20.00")
    assert found[("F-1", None)].status == "overdue"
    assert found[("F-2", None)].open == D("20.00")


def test_discount_booked_by_the_payment_itself_adds_nothing():
    entries, errors, options = load(CUSTOMER + """
    2025-01-15 * "Dupont" "Four" ^F-1
      invoice: "F-1"
      terms: "2/10 net 30"
      Assets:Receivable:Dupont   1000.00 EUR
      Income:Sales
    2025-01-20 * "Dupont" "Virement avec escompte" ^F-1
      Assets:Bank                 980.00 EUR
      Expenses:Discounts           20.00 EUR
      Assets:Receivable:Dupont  -1000.00 EUR
    """)
    assert errors == []
    assert not [e for e in entries if isinstance(e, data.Transaction) and "ar-discount" in e.tags]
    row = rows(entries, options)[("F-1", None)]
    assert row.status == "paid"
    assert [(p.kind, p.amount) for p in row.payments] == [
        ("payment", D("980.00")), ("discount", D("20.00"))]


def test_discount_the_terms_do_not_allow_is_an_error():
    entries, errors, options = load(CUSTOMER + """
    2025-01-15 * "Dupont" "No discount terms" ^F-1
      invoice: "F-1"
      terms: "net 30"
      Assets:Receivable:Dupont   1000.00 EUR
      Income:Sales
    2025-01-20 * "Dupont" "Virement avec escompte" ^F-1
      Assets:Bank                 980.00 EUR
      Expenses:Discounts           20.00 EUR
      Assets:Receivable:Dupont  -1000.00 EUR
    """)
    assert len(errors) == 1
    assert "discount of 20.00 EUR is booked but the terms allow none" in errors[0].message
    assert errors[0].source["lineno"] == 18
    assert rows(entries, options)[("F-1", None)].open == 0


def test_generated_discount_written_out_as_text_is_not_posted_twice():
    body = CUSTOMER + """
    2025-01-15 * "Dupont" "Four" ^F-1
      invoice: "F-1"
      terms: "2/10 net 30"
      Assets:Receivable:Dupont   1000.00 EUR
      Income:Sales
    2025-01-20 * "Dupont" "Virement" ^F-1
      Assets:Bank                 980.00 EUR
      Assets:Receivable:Dupont   -980.00 EUR
    """
    entries, errors, _ = load(body)
    generated = [e for e in entries if isinstance(e, data.Transaction) and "ar-discount" in e.tags]
    text = printer.format_entry(generated[0])
    again, errors2, options = load(body + "\n" + textwrap.indent(text, "    "))
    assert errors == errors2 == []
    posted = [e for e in again if isinstance(e, data.Transaction) and "ar-discount" in e.tags]
    assert len(posted) == 1
    assert rows(again, options)[("F-1", None)].status == "paid"


def test_instalments_are_items_with_their_own_due_dates():
    entries, errors, options = load(CUSTOMER + """
    2025-01-15 * "Dupont" "Projet" ^F-1
      invoice: "F-1"
      terms: "30 % à la commande ; 70 % 30 jours fin de mois"
      Assets:Receivable:Dupont   1000.01 EUR
      Income:Sales
    2025-01-16 * "Dupont" "Acompte" ^F-1
      Assets:Bank                 300.00 EUR
      Assets:Receivable:Dupont   -300.00 EUR
    """)
    assert errors == []
    invoice = invoices(entries)["F-1"]
    assert invoice.meta["instalments"] == "2025-01-15 300.00 EUR; 2025-02-28 700.01 EUR"
    assert invoice.meta["open_amount"].number == D("700.01")
    assert "paid_date" not in invoice.meta
    assert invoice.meta["due"] == datetime.date(2025, 2, 28)
    found = rows(entries, options, "2025-03-10")
    assert found[("F-1", "1/2")].status == "paid"
    assert found[("F-1", "2/2")].status == "overdue"
    assert found[("F-1", "2/2")].days_overdue == 10
    assert found[("F-1", "2/2")].open == D("700.01")


def test_credit_notes_and_write_offs_close_invoices_with_their_status():
    entries, errors, options = load(CUSTOMER + """
    2025-01-15 * "Dupont" "A" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   600.00 EUR
      Income:Sales
    2025-01-15 * "Dupont" "B" ^F-2
      invoice: "F-2"
      Assets:Receivable:Dupont   600.00 EUR
      Income:Sales
    2025-01-15 * "Dupont" "C" ^F-3
      invoice: "F-3"
      Assets:Receivable:Dupont   600.00 EUR
      Income:Sales
    2025-02-01 * "Dupont" "Avoir total"
      credit_note: "AV-1"
      invoice: "F-1"
      Assets:Receivable:Dupont  -600.00 EUR
      Income:Sales
    2025-02-01 * "Dupont" "Avoir partiel" ^F-2
      credit_note: "AV-2"
      Assets:Receivable:Dupont  -100.00 EUR
      Income:Sales
    2025-02-10 * "Dupont" "Solde" ^F-2
      Assets:Bank                 500.00 EUR
      Assets:Receivable:Dupont   -500.00 EUR
    2025-06-30 * "Dupont" "Irrécouvrable" ^F-3
      Assets:Receivable:Dupont   -600.00 EUR
      Expenses:BadDebts           500.00 EUR
      Liabilities:VAT             100.00 EUR
    """)
    assert errors == []
    found = rows(entries, options)
    assert found[("F-1", None)].status == "credited"
    assert found[("F-1", None)].payments[0].reference == "AV-1"
    assert found[("F-2", None)].status == "paid"
    assert found[("F-3", None)].status == "written_off"
    assert found[("F-3", None)].paid_date == datetime.date(2025, 6, 30)


def test_unreferenced_payments_go_to_the_oldest_due_item_and_excess_is_kept():
    entries, errors, options = load(CUSTOMER + """
    2025-01-15 * "Dupont" "Later due" ^F-1
      invoice: "F-1"
      terms: "60 jours"
      Assets:Receivable:Dupont   100.00 EUR
      Income:Sales
    2025-01-20 * "Dupont" "Earlier due" ^F-2
      invoice: "F-2"
      terms: "à réception"
      Assets:Receivable:Dupont   100.00 EUR
      Income:Sales
    2025-02-01 * "Dupont" "Chèque sans référence"
      Assets:Bank                 150.00 EUR
      Assets:Receivable:Dupont   -150.00 EUR
    2025-05-01 * "Dupont" "Trop-perçu"
      Assets:Bank                 100.00 EUR
      Assets:Receivable:Dupont   -100.00 EUR
    """)
    assert errors == []
    config, _ = config_from_options(options)
    book, _ = read_book(entries, config)
    state = settle(book, datetime.date(2025, 3, 1))
    by_invoice = {s.item.invoice: s for s in state.items}
    assert by_invoice["F-2"].open == 0
    assert by_invoice["F-1"].open == D("50.00")
    final = settle(book, datetime.date(2025, 6, 1))
    assert [(u.credit.entry.narration, u.amount) for u in final.unapplied] == [
        ("Trop-perçu", D("50.00"))]
    assert all(s.open == 0 for s in final.items)


def test_a_refund_uses_up_the_unapplied_credit():
    entries, errors, options = load(CUSTOMER + """
    2025-01-15 * "Dupont" "A" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   100.00 EUR
      Income:Sales
    2025-02-01 * "Dupont" "Paid twice" ^F-1
      Assets:Bank                 200.00 EUR
      Assets:Receivable:Dupont   -200.00 EUR
    2025-02-10 * "Dupont" "Refund"
      Assets:Bank                -100.00 EUR
      Assets:Receivable:Dupont    100.00 EUR
    """)
    assert messages(errors) == [
        "overpayment: 100.00 EUR more than the open amount of F-1 it names; the excess is kept "
        "as an unapplied credit of the customer"]
    config, _ = config_from_options(options)
    state = settle(read_book(entries, config)[0], datetime.date(2025, 3, 1))
    assert state.unapplied == ()
    assert all(s.open == 0 for s in state.items)


def test_as_of_ignores_later_entries():
    entries, _, options = load(CUSTOMER + """
    2025-01-15 * "Dupont" "A" ^F-1
      invoice: "F-1"
      terms: "net 30"
      Assets:Receivable:Dupont   100.00 EUR
      Income:Sales
    2025-03-01 * "Dupont" "Paid late" ^F-1
      Assets:Bank                 100.00 EUR
      Assets:Receivable:Dupont   -100.00 EUR
    """)
    before = rows(entries, options, "2025-02-28")[("F-1", None)]
    assert (before.status, before.open, before.days_overdue) == ("overdue", D("100.00"), 14)
    after = rows(entries, options, "2025-03-01")[("F-1", None)]
    assert (after.status, after.paid_date) == ("paid", datetime.date(2025, 3, 1))


def test_shared_receivable_account_uses_customer_metadata_then_payee():
    entries, errors, options = load("""
    2024-01-01 open Assets:Receivable EUR
    2025-01-15 * "Café du Port" "Traiteur" ^F-1
      invoice: "F-1"
      Assets:Receivable          100.00 EUR
      Income:Sales
    2025-01-16 * "Someone" "Traiteur" ^F-2
      invoice: "F-2"
      customer: "Hôtel Bellevue"
      Assets:Receivable          200.00 EUR
      Income:Sales
    2025-01-20 * "Café du Port" "Règlement"
      Assets:Bank                100.00 EUR
      Assets:Receivable         -100.00 EUR
    """)
    assert errors == []
    found = rows(entries, options, "2025-01-31")
    assert found[("F-1", None)].customer_name == "Café du Port"
    assert found[("F-1", None)].status == "paid"
    assert found[("F-2", None)].customer_name == "Hôtel Bellevue"
    assert found[("F-2", None)].open == D("200.00")


def test_shared_account_metadata_are_defaults_for_its_customers():
    entries, errors, _ = load("""
    2024-01-01 open Assets:Receivable:Divers EUR
      shared: TRUE
      terms: "à réception"
    2025-06-02 * "Café du Port" "Traiteur" ^F-1
      invoice: "F-1"
      Assets:Receivable:Divers   100.00 EUR
      Income:Sales
    """)
    assert errors == []
    assert invoices(entries)["F-1"].meta["due"] == datetime.date(2025, 6, 2)


def test_every_problem_is_one_error_at_its_line_and_the_load_goes_on():
    entries, errors, options = load(CUSTOMER + """
    2024-01-01 open Assets:Receivable:Martin EUR,USD
    2025-01-15 * "Dupont" "ok" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   100.00 EUR
      Income:Sales
    2025-01-16 * "Dupont" "duplicate" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   100.00 EUR
      Income:Sales
    2025-01-17 * "Dupont" "no receivable"
      invoice: "F-3"
      Assets:Bank                100.00 EUR
      Income:Sales
    2025-01-18 * "Two customers"
      invoice: "F-4"
      Assets:Receivable:Dupont   100.00 EUR
      Assets:Receivable:Martin   100.00 EUR
      Income:Sales
    2025-01-19 * "Two currencies"
      invoice: "F-5"
      Assets:Receivable:Martin   100.00 EUR
      Assets:Receivable:Martin   100.00 USD
      Income:Sales              -100.00 EUR
      Income:Sales              -100.00 USD
    2025-01-20 * "Bad terms"
      invoice: "F-6"
      terms: "net trente"
      Assets:Receivable:Dupont   100.00 EUR
      Income:Sales
    2025-01-21 * "Due before date"
      invoice: "F-7"
      due: 2025-01-01
      Assets:Receivable:Dupont   100.00 EUR
      Income:Sales
    2025-01-22 * "Pays an unknown invoice"
      Assets:Bank                 10.00 EUR
      Assets:Receivable:Dupont   -10.00 EUR
        invoice: "F-99"
    2025-01-10 * "Pays before the invoice" ^F-8
      Assets:Bank                 10.00 EUR
      Assets:Receivable:Dupont   -10.00 EUR
    2025-01-23 * "Later invoice" ^F-8
      invoice: "F-8"
      Assets:Receivable:Dupont   100.00 EUR
      Income:Sales
    2025-01-24 * "Overpays" ^F-8
      Assets:Bank                200.00 EUR
      Assets:Receivable:Dupont  -200.00 EUR
    """)
    got = sorted((e.source["lineno"], e.message.split(":")[0]) for e in errors)
    assert got == [
        (18, "F-1"), (22, "F-3"), (26, "F-4"), (31, "F-5"), (37, "F-6"), (42, "F-7"),
        (47, "F-99"), (51, "F-8"), (58, "overpayment")]
    text = " | ".join(messages(errors))
    for words in ("duplicate invoice number (first used at <string>:14)",
                  "posts to no receivable account", "several customers", "several currencies",
                  "cannot read payment terms 'net trente'", "accepted forms",
                  "before the invoice date", "no invoice has this number",
                  "before the invoice it names"):
        assert words in text
    # the load went on: F-6 fell back to the default terms, every amount is accounted for
    found = rows(entries, options, "2025-12-31")
    assert found[("F-6", None)].due == datetime.date(2025, 2, 19)
    assert all(e.source["filename"] == "<string>" for e in errors)


def test_malformed_configuration_is_an_error_at_the_plugin_line(tmp_path):
    entries, errors, _ = load(CUSTOMER + """
    2025-01-15 * "Dupont" "ok" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   100.00 EUR
      Income:Sales
    """, config="{'defualt_terms': 'net 30', 'discount_account': 'nope', 'legal': true}")
    assert len(errors) == 1
    assert "not a Python literal" in errors[0].message and "True" in errors[0].message
    path = tmp_path / "main.beancount"
    path.write_text(ledger_text(CUSTOMER, config="{'defualt_terms': 'net 30', 'legal': 'XX'}"))
    entries, errors, _ = loader.load_file(str(path))
    assert sorted(e.message.split(";")[0] for e in errors) == [
        "plugin beancount_ar: legal: 'XX' is not a supported legal regime (use 'FR' or None)",
        "plugin beancount_ar: unknown configuration key 'defualt_terms' (did you mean "
        "'default_terms'?)"]
    assert {e.source["lineno"] for e in errors} == {2}


def test_legal_fr_reports_terms_beyond_the_french_maximum():
    _, errors, _ = load(CUSTOMER + """
    2025-01-15 * "Dupont" "Too long" ^F-1
      invoice: "F-1"
      terms: "90 jours"
      Assets:Receivable:Dupont   100.00 EUR
      Income:Sales
    2025-01-15 * "Dupont" "Fine" ^F-2
      invoice: "F-2"
      terms: "45 jours fin de mois"
      Assets:Receivable:Dupont   100.00 EUR
      Income:Sales
    """, config="{'legal': 'FR'}")
    assert messages(errors) == [
        "F-1: due 2025-04-15 is beyond the French legal maximum (2025-03-31: 60 days, or 45 days "
        "end of month, L441-10); shorten the terms"]


def test_business_days_moves_a_weekend_due_date():
    entries, errors, _ = load(CUSTOMER + """
    2025-11-21 * "Dupont" "Due on a Sunday" ^F-1
      invoice: "F-1"
      terms: "net 30"
      Assets:Receivable:Dupont   100.00 EUR
      Income:Sales
    """, config="{'business_days': 'FR'}")
    assert errors == []
    assert invoices(entries)["F-1"].meta["due"] == datetime.date(2025, 12, 22)


def test_disputes_put_an_invoice_aside_until_resolved():
    entries, errors, options = load(CUSTOMER + """
    2025-01-15 * "Dupont" "A" ^F-1
      invoice: "F-1"
      terms: "net 30"
      Assets:Receivable:Dupont   100.00 EUR
      Income:Sales
    2025-02-20 custom "ar-dispute" "F-1" "livraison incomplète"
    2025-03-10 custom "ar-dispute-resolved" "F-1" "livré le 9 mars"
    2025-03-11 custom "ar-dispute" "F-404" "typo"
    2025-03-12 custom "ar-dispute-resolved" "F-1" "twice"
    """)
    assert [e.source["lineno"] for e in errors] == [20, 21]
    assert "F-404 is not an invoice number" in errors[0].message
    assert "no dispute to resolve" in errors[1].message
    assert rows(entries, options, "2025-02-19")[("F-1", None)].status == "overdue"
    assert rows(entries, options, "2025-03-01")[("F-1", None)].status == "disputed"
    assert rows(entries, options, "2025-03-10")[("F-1", None)].status == "overdue"


def test_payment_plans_and_reminder_records_are_read():
    entries, errors, options = load(CUSTOMER + """
    2025-01-15 * "Dupont" "A" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   3000.00 EUR
      Income:Sales
    2025-04-01 custom "ar-reminder" "F-1" 1 "email"
    2025-05-01 custom "ar-plan" "F-1" 2025-05-15 1000.00 EUR 2025-06-15 2000.00 EUR
    2025-05-01 custom "ar-plan" "Assets:Receivable:Dupont" 2025-06-15 3000.00 EUR
    2025-05-02 custom "ar-plan" "F-1" 2025-05-15 1000.00 EUR 2025-06-15
    2025-05-03 custom "ar-reminder" "F-1" "two"
    """)
    assert [e.source["lineno"] for e in errors] == [20, 21]
    config, _ = config_from_options(options)
    book, _ = read_book(entries, config)
    assert [(p.invoices, p.total, p.currency) for p in book.plans] == [
        (("F-1",), D("3000.00"), "EUR"), ((), D("3000.00"), "EUR")]
    assert [(r.invoice, r.level, r.channel) for r in book.reminders] == [("F-1", 1, "email")]


def test_company_and_reminder_directives_are_checked_at_load_time():
    _, errors, _ = load("""
    2025-01-01 custom "ar-company" "{'name': 'Atelier', 'iban': 'FR76 0000 0000 0000'}"
    2025-01-01 custom "ar-reminders" "{'min_days_betwen': 7}"
    """)
    assert sorted(e.source["lineno"] for e in errors) == [9, 10]
    assert any("iban" in e.message.lower() for e in errors)
    assert any("min_days_betwen" in e.message for e in errors)


OVERPAID = CUSTOMER + """
    2025-01-15 * "Dupont" "A" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   1800.00 EUR
      Income:Sales
    2025-02-01 * "Dupont" "Paid 200 too much, no reference"
      Assets:Bank                2000.00 EUR
      Assets:Receivable:Dupont  -2000.00 EUR
    2025-03-01 * "Dupont" "B" ^F-2
      invoice: "F-2"
      terms: "net 30"
      Assets:Receivable:Dupont   3600.00 EUR
      Income:Sales
"""


def test_a_customer_who_deducts_an_overpayment_owes_nothing_more():
    entries, errors, options = load(OVERPAID + """
    2025-03-31 * "Dupont" "B less the 200 overpaid" ^F-2
      Assets:Bank                3400.00 EUR
      Assets:Receivable:Dupont  -3400.00 EUR
    """)
    assert errors == []
    f2 = rows(entries, options, "2025-04-30")[("F-2", None)]
    assert (f2.status, f2.open, f2.paid_date) == ("paid", 0, datetime.date(2025, 3, 31))
    assert sorted((p.amount, p.netted) for p in f2.payments) == [
        (D("200.00"), True), (D("3400.00"), False)]
    # before the payment, the overpayment already covers part of F-2
    before = rows(entries, options, "2025-03-15")[("F-2", None)]
    assert before.open == D("3400.00")


def test_a_full_payment_naming_the_invoice_takes_back_the_netted_credit():
    entries, errors, options = load(OVERPAID + """
    2025-03-31 * "Dupont" "B in full" ^F-2
      Assets:Bank                3600.00 EUR
      Assets:Receivable:Dupont  -3600.00 EUR
    """)
    assert errors == []  # not an overpayment of F-2: the 200 goes back to being unapplied
    config, _ = config_from_options(options)
    state = settle(read_book(entries, config)[0], datetime.date(2025, 4, 30))
    f2 = next(s for s in state.items if s.item.invoice == "F-2")
    assert [(a.amount, a.netted) for a in f2.allocations] == [(D("3600.00"), False)]
    assert [(u.credit.entry.narration, u.amount) for u in state.unapplied] == [
        ("Paid 200 too much, no reference", D("200.00"))]


def test_two_overpayments_net_against_a_later_invoice_in_order():
    # The first credit closes F-1; the second must not get a zero allocation on it.
    entries, errors, options = load(CUSTOMER + """
    2025-01-10 * "Dupont" "Acompte sans facture"
      Assets:Bank                100.00 EUR
      Assets:Receivable:Dupont  -100.00 EUR
    2025-01-12 * "Dupont" "Second acompte"
      Assets:Bank                 50.00 EUR
      Assets:Receivable:Dupont   -50.00 EUR
    2025-02-01 * "Dupont" "Facture" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont    80.00 EUR
      Income:Sales
    """)
    assert errors == []
    config, _ = config_from_options(options)
    state = settle(read_book(entries, config)[0])
    f1 = next(s for s in state.items if s.item.invoice == "F-1")
    assert [(a.amount, a.netted) for a in f1.allocations] == [(D("80.00"), True)]
    assert sorted(u.amount for u in state.unapplied) == [D("20.00"), D("50.00")]


def test_a_payment_linked_to_an_invoice_number_pays_the_invoices_carrying_that_link():
    entries, errors, options = load(CUSTOMER + """
    2025-01-05 * "Dupont" "Plus ancienne" ^F-0
      invoice: "F-0"
      Assets:Receivable:Dupont   150.00 EUR
      Income:Sales
    2025-01-10 * "Dupont" "Commande" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   100.00 EUR
      Income:Sales
    2025-01-20 * "Dupont" "Complément de la commande F-1" ^F-2 ^F-1
      invoice: "F-2"
      Assets:Receivable:Dupont    50.00 EUR
      Income:Sales
    2025-02-01 * "Dupont" "Règlement" ^F-1
      Assets:Bank                150.00 EUR
      Assets:Receivable:Dupont  -150.00 EUR
    """)
    assert errors == []
    config, _ = config_from_options(options)
    book = read_book(entries, config)[0]
    assert book.linked("F-1") == ("F-1", "F-2") and book.linked("F-2") == ("F-2",)
    assert book.linked("nothing") == ()
    closed = {s.item.invoice: s.open for s in settle(book).items}
    assert closed == {"F-0": D("150.00"), "F-1": 0, "F-2": 0}  # not the oldest first


UNREFERENCED_THEN_NAMED = CUSTOMER + """
    2025-01-10 * "Dupont" "Facture A" ^F-A
      invoice: "F-A"
      terms: "net 30"
      Assets:Receivable:Dupont  1000.00 EUR
      Income:Sales
    2025-02-01 * "Dupont" "Facture B" ^F-B
      invoice: "F-B"
      terms: "net 30"
      Assets:Receivable:Dupont   500.00 EUR
      Income:Sales
    2025-02-20 * "Dupont" "Virement sans référence"
      Assets:Bank                400.00 EUR
      Assets:Receivable:Dupont  -400.00 EUR
    2025-03-05 * "Dupont" "Règlement de F-A" ^F-A
      Assets:Bank               1000.00 EUR
      Assets:Receivable:Dupont -1000.00 EUR
"""


def test_a_payment_naming_an_invoice_wins_over_an_earlier_oldest_first_payment():
    entries, errors, options = load(UNREFERENCED_THEN_NAMED)
    assert errors == []  # was: overpayment: 400.00 EUR more than the open amount of F-A
    # Real history: before the named payment, the 400 paid the oldest invoice.
    feb = rows(entries, options, "2025-02-28")
    assert (feb[("F-A", None)].open, feb[("F-A", None)].status) == (D("600.00"), "overdue")
    assert feb[("F-B", None)].open == D("500.00")
    march = rows(entries, options, "2025-03-15")
    assert (march[("F-A", None)].open, march[("F-A", None)].status) == (0, "paid")
    assert [(p.amount, p.netted) for p in march[("F-A", None)].payments] == [
        (D("1000.00"), False)]
    # the 400 moved on to F-B, dated when it was paid
    b = march[("F-B", None)]
    assert (b.open, b.status) == (D("100.00"), "overdue")
    assert [(p.date, p.amount, p.netted) for p in b.payments] == [
        (datetime.date(2025, 2, 20), D("400.00"), True)]


def test_a_real_overpayment_after_an_unreferenced_payment_is_still_reported():
    entries, errors, options = load(UNREFERENCED_THEN_NAMED.replace(
        "Assets:Bank               1000.00 EUR", "Assets:Bank               1600.00 EUR").replace(
        "Assets:Receivable:Dupont -1000.00 EUR", "Assets:Receivable:Dupont -1600.00 EUR"))
    # 1600 for F-A, which is of 1000: the customer's credits (2000) exceed what it owes (1500).
    assert messages(errors) == [
        "overpayment: 600.00 EUR more than the open amount of F-A it names; the excess is kept "
        "as an unapplied credit of the customer"]
    config, _ = config_from_options(options)
    state = settle(read_book(entries, config)[0])
    assert sum(u.amount for u in state.unapplied) == D("500.00")
