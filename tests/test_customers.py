"""One customer lookup for every command and page (`beancount_ar.core.customers`), and where a
customer's e-mail address comes from, shared accounts included."""

from __future__ import annotations

import datetime

import pytest
from beancount import loader
from fava_helpers import TODAY

from beancount_ar.cli import main
from beancount_ar.core.customers import (
    CustomerError,
    customer_email,
    find_customer,
    find_customers,
    where_email_goes,
)
from beancount_ar.core.subledger import subledger

LEDGER = """\
plugin "beancount_ar" "{'default_terms': 'net 30'}"
2025-01-01 custom "ar-company" "{'name': 'Atelier', 'address': '1 rue A, 69001 Lyon'}"
2025-01-01 open Assets:Bank
2025-01-01 open Income:Sales
2025-01-01 open Assets:Receivable:Dupont
  customer: "Boulangerie Dupont SARL"
  email: "compta@dupont.example"
2025-01-01 open Assets:Receivable:Divers
  shared: TRUE
  email: "nobody@divers.example"

2025-01-10 * "Boulangerie Dupont SARL" "Pain" ^F-1
  invoice: "F-1"
  Assets:Receivable:Dupont   100.00 EUR
  Income:Sales

2025-01-12 * "SCI Bellevue" "Éclairage" ^F-2
  invoice: "F-2"
  Assets:Receivable:Divers   200.00 EUR
  Income:Sales

2025-02-12 * "SCI Bellevue" "Éclairage, suite" ^F-3
  invoice: "F-3"
  email: "gestion@sci-bellevue.example"
  Assets:Receivable:Divers   300.00 EUR
  Income:Sales

2025-01-15 * "Garage Martin" "Lampes" ^F-4
  invoice: "F-4"
  Assets:Receivable:Divers   50.00 EUR
  Income:Sales
"""


@pytest.fixture(scope="module")
def book():
    entries, errors, options = loader.load_string(LEDGER)
    assert errors == []
    return subledger(entries, options, datetime.date(2025, 3, 1)).book


def test_a_customer_by_key_account_or_name_in_any_case(book):
    key = "Assets:Receivable:Dupont"
    for wanted in (key, "boulangerie dupont sarl", "  Boulangerie  Dupont SARL "):
        assert find_customer(book, wanted) == key
    assert find_customer(book, "sci bellevue") == "Assets:Receivable:Divers/SCI Bellevue"


def test_a_shared_account_names_all_its_customers_in_a_list_but_none_alone(book):
    assert find_customers(book, "Assets:Receivable:Divers") == (
        "Assets:Receivable:Divers/Garage Martin", "Assets:Receivable:Divers/SCI Bellevue")
    with pytest.raises(CustomerError, match=r"shared receivable account holding several "
                                            r"customers \(Garage Martin, SCI Bellevue\)"):
        find_customer(book, "Assets:Receivable:Divers")


def test_an_unknown_name_lists_close_matches(book):
    with pytest.raises(CustomerError, match=r"no such customer \(did you mean 'Boulangerie "
                                            r"Dupont SARL'\?\)"):
        find_customer(book, "Boulangerie Dupond SARL")


def test_e_mail_of_a_customer_of_a_shared_account_is_on_its_invoices(book):
    assert customer_email(book, "Assets:Receivable:Dupont") == "compta@dupont.example"
    # not the shared account's, which speaks for no one customer
    assert customer_email(book, "Assets:Receivable:Divers/SCI Bellevue") == \
        "gestion@sci-bellevue.example"
    assert customer_email(book, "Assets:Receivable:Divers/Garage Martin") is None
    hint = where_email_goes(book, "Assets:Receivable:Divers/Garage Martin")
    assert "to its invoice transactions" in hint.text() and \
        "open directive" not in hint.text().split("(")[0]
    # said in French on a French page
    from beancount_ar.i18n import translator
    assert hint.text(translator("fr")).startswith(
        "Garage Martin n'a pas d'adresse e-mail : ajoutez email: \"...\" à ses factures")


def test_the_cli_and_the_statement_look_customers_up_alike(tmp_path, capsys):
    path = tmp_path / "main.beancount"
    path.write_text(LEDGER, encoding="utf-8")
    assert main(["invoices", str(path), "--as-of", "2025-03-01", "--customer",
                 "Assets:Receivable:Divers"]) == 0
    out = capsys.readouterr().out
    assert "SCI Bellevue" in out and "Garage Martin" in out
    assert main(["statement", str(path), "--customer", "Assets:Receivable:Divers", "--to",
                 "2025-03-01", "-o", str(tmp_path / "s.html")]) == 1
    assert "shared receivable account holding several customers" in capsys.readouterr().err
    for command in (["invoices", str(path)], ["statement", str(path), "-o",
                                              str(tmp_path / "x.html")]):
        assert main([*command, "--customer", "Boulangerie Dupond SARL"]) == 1
        assert "did you mean 'Boulangerie Dupont SARL'" in capsys.readouterr().err


def test_the_example_shared_customer_is_told_where_its_email_goes():
    from beancount_ar.mail import MailError
    from beancount_ar.render.letters import email_addresses, prepare_reminders

    entries, errors, options = loader.load_file("example-ledger/main.beancount")
    job = prepare_reminders(entries, options, TODAY)
    bellevue = next(r for r in job.worklist.reminders
                    if r.customer == "Assets:Receivable:Divers/SCI Bellevue")
    with pytest.raises(MailError, match="add email: .* to its invoice transactions"):
        email_addresses(job, bellevue)
