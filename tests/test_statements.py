"""Statements of account built by the core (no rendering), and the company directive."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount import loader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount_ar.core.aging import receivable_balances
from beancount_ar.core.company import Company, read_company
from beancount_ar.core.customers import CustomerError, find_customer
from beancount_ar.core.identifiers import french_vat_number, iban_problem
from beancount_ar.core.model import CREDIT_NOTE, DISCOUNT, INVOICE, PAYMENT, PENALTY, WRITEOFF
from beancount_ar.core.statements import (
    ACTIVITY,
    OPEN_ITEMS,
    UNAPPLIED,
    StatementError,
    build_statement,
    build_statements,
    customers_with_balance,
    payment_reference,
    remittance_text,
)
from beancount_ar.core.subledger import subledger

D = Decimal
PLUGIN = ("{'discount_account': 'Expenses:Discounts', "
          "'writeoff_account': 'Expenses:BadDebts'}")
HEAD = f"""
plugin "beancount_ar" "{PLUGIN}"
2024-01-01 open Assets:Bank
2024-01-01 open Income:Sales
2024-01-01 open Income:Penalties
2024-01-01 open Expenses:Discounts
2024-01-01 open Expenses:BadDebts
"""

DUPONT = HEAD + """
2024-01-01 open Assets:Receivable:Dupont EUR
  customer: "Boulangerie Dupont SARL"
  address: "12 rue des Lilas, 69003 Lyon"
  language: "fr"
  terms: "30 jours"
  reference: "CLI-0042"

2025-11-10 * "Dupont" "Facture ancienne" ^F-0
  invoice: "F-0"
  Assets:Receivable:Dupont   500.00 EUR
  Income:Sales

2025-12-20 * "Dupont" "Règlement F-0" ^F-0
  Assets:Bank                500.00 EUR
  Assets:Receivable:Dupont  -500.00 EUR

2025-12-25 * "Dupont" "Pains spéciaux" ^F-1
  invoice: "F-1"
  Assets:Receivable:Dupont   300.00 EUR
  Income:Sales

2026-01-15 * "Dupont" "Four à sole" ^F-2
  invoice: "F-2"
  terms: "30 % à réception ; 70 % 30 jours"
  Assets:Receivable:Dupont  1000.00 EUR
  Income:Sales

2026-01-20 * "Dupont" "Acompte F-2" ^F-2
  Assets:Bank                300.00 EUR
  Assets:Receivable:Dupont  -300.00 EUR

2026-02-01 * "Dupont" "Chèque sans référence"
  Assets:Bank                300.00 EUR
  Assets:Receivable:Dupont  -300.00 EUR

2026-02-10 * "Dupont" "Avoir sur F-2 (porte rayée)"
  credit_note: "AV-1"
  invoice: "F-2"
  Assets:Receivable:Dupont  -100.00 EUR
  Income:Sales

2026-03-01 * "Dupont" "Entretien" ^F-3
  invoice: "F-3"
  Assets:Receivable:Dupont   240.00 EUR
  Income:Sales

2026-03-20 * "Dupont" "Pénalités de retard F-2" #ar-penalty ^F-2
  Assets:Receivable:Dupont    12.34 EUR
  Income:Penalties

2026-04-10 * "Dupont" "Virement partiel F-2" ^F-2
  Assets:Bank                200.00 EUR
  Assets:Receivable:Dupont  -200.00 EUR
"""

START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 4, 30)


def load(text: str):
    entries, errors, options_map = loader.load_string(text)
    assert not errors, [e.message for e in errors]
    return entries, options_map


def settled(text: str, as_of: datetime.date = END):
    entries, options_map = load(text)
    return entries, options_map, subledger(entries, options_map, as_of)


def ledger_balance(entries, account: str, as_of: datetime.date, currency: str = "EUR"):
    return receivable_balances(entries, account, as_of).get(currency, D(0))


# -- activity --------------------------------------------------------------------------------


def test_activity_statement_lines_and_running_balance():
    entries, _, settlement = settled(DUPONT)
    statement = build_statement(settlement, "Assets:Receivable:Dupont", ACTIVITY, START)
    (part,) = statement.parts
    assert part.currency == "EUR"
    assert part.opening == D("300.00")  # F-1, open at the end of 2025; F-0 was paid
    assert part.opening == ledger_balance(entries, "Assets:Receivable:Dupont",
                                          datetime.date(2025, 12, 31))
    got = [(line.date.isoformat(), line.kind, line.reference, line.amount, line.balance)
           for line in part.lines]
    assert got == [
        ("2026-01-15", INVOICE, "F-2", D("1000.00"), D("1300.00")),
        ("2026-01-20", PAYMENT, "", D("-300.00"), D("1000.00")),
        ("2026-02-01", PAYMENT, "", D("-300.00"), D("700.00")),
        ("2026-02-10", CREDIT_NOTE, "AV-1", D("-100.00"), D("600.00")),
        ("2026-03-01", INVOICE, "F-3", D("240.00"), D("840.00")),
        ("2026-03-20", PENALTY, "F-2", D("12.34"), D("852.34")),
        ("2026-04-10", PAYMENT, "", D("-200.00"), D("652.34")),
    ]
    assert part.closing == D("652.34") == part.lines[-1].balance
    assert part.closing == ledger_balance(entries, "Assets:Receivable:Dupont", END)
    assert part.total_debit == D("1252.34")
    assert part.total_credit == D("900.00")
    assert part.opening + part.total_debit - part.total_credit == part.closing
    assert statement.start == START and statement.end == END
    assert statement.opening_date == datetime.date(2025, 12, 31)


def test_activity_statement_split_invoice_penalty_and_aging():
    _, _, settlement = settled(DUPONT)
    statement = build_statement(settlement, "Boulangerie Dupont SARL", ACTIVITY, START)
    (part,) = statement.parts
    invoice = part.lines[0]
    assert invoice.instalments == ((datetime.date(2026, 1, 15), D("300.00")),
                                   (datetime.date(2026, 2, 14), D("700.00")))
    assert invoice.due == datetime.date(2026, 2, 14)
    assert invoice.open == D("400.00")  # 700 - 100 credit note - 200 payment
    penalty = part.lines[5]
    assert penalty.invoice == "F-2" and penalty.description == "Pénalités de retard F-2"
    # As of 2026-04-30: F-2 2/2 due 02-14 (75 days), the penalty (41 days), F-3 due 03-31 (30).
    assert part.aging_labels == ("current", "1-30", "31-60", "61-90", "90+")
    assert part.aging == (D("0.00"), D("240.00"), D("12.34"), D("400.00"), D("0.00"))
    assert part.not_yet_due == D("0.00")
    assert part.overdue == D("652.34")
    assert part.unapplied == D("0.00")
    assert part.not_yet_due + part.overdue + part.unapplied == part.closing


def test_lettrage_letters_and_matches():
    _, _, settlement = settled(DUPONT)
    statement = build_statement(settlement, "Assets:Receivable:Dupont", ACTIVITY, START)
    lines = statement.parts[0].lines
    letters = [line.letter for line in lines]
    # F-2's group (two payments, the credit note) is still open: lower case. The cheque closed
    # F-1 (dated before the period): upper case. F-3 and the penalty are untouched.
    assert letters == ["a", "a", "B", "a", "", "", "a"]
    cheque = lines[2]
    assert [(m.reference, m.amount, m.kind) for m in cheque.matches] == [
        ("F-1", D("300.00"), PAYMENT)]
    assert [(m.reference, m.amount) for m in lines[1].matches] == [("F-2 1/2", D("300.00"))]
    assert [(m.reference, m.amount, m.kind) for m in lines[3].matches] == [
        ("F-2 2/2", D("100.00"), CREDIT_NOTE)]
    # The invoice line lists what settled it, in date order.
    assert [(m.date.isoformat(), m.reference, m.amount) for m in lines[0].matches] == [
        ("2026-01-20", "Acompte F-2", D("300.00")),
        ("2026-02-10", "AV-1", D("100.00")),
        ("2026-04-10", "Virement partiel F-2", D("200.00")),
    ]
    assert lines[0].closed_date is None
    assert lines[0].settled == D("600.00")


def test_fully_settled_group_is_upper_case_and_has_a_closing_date():
    text = HEAD + """
2024-01-01 open Assets:Receivable:Martin EUR
2026-01-10 * "Martin" "Facture" ^F-9
  invoice: "F-9"
  Assets:Receivable:Martin   100.00 EUR
  Income:Sales
2026-01-20 * "Martin" "Virement" ^F-9
  Assets:Bank                 60.00 EUR
  Assets:Receivable:Martin   -60.00 EUR
2026-02-20 * "Martin" "Virement" ^F-9
  Assets:Bank                 40.00 EUR
  Assets:Receivable:Martin   -40.00 EUR
"""
    _, _, settlement = settled(text)
    statement = build_statement(settlement, "Assets:Receivable:Martin", ACTIVITY, START)
    lines = statement.parts[0].lines
    assert [line.letter for line in lines] == ["A", "A", "A"]
    assert lines[0].closed_date == datetime.date(2026, 2, 20)
    assert statement.parts[0].closing == D("0.00")


def test_discount_writeoff_and_credit_kinds():
    text = HEAD + """
2024-01-01 open Assets:Receivable:Moreau EUR
2026-01-10 * "Moreau" "Étude" ^F-10
  invoice: "F-10"
  terms: "2/10 net 30"
  Assets:Receivable:Moreau  1000.00 EUR
  Income:Sales
2026-01-15 * "Moreau" "Virement" ^F-10
  Assets:Bank                980.00 EUR
  Assets:Receivable:Moreau  -980.00 EUR
2026-02-01 * "Moreau" "Petite fourniture" ^F-11
  invoice: "F-11"
  Assets:Receivable:Moreau   500.00 EUR
  Income:Sales
2026-04-01 * "Moreau" "Créance irrécouvrable" ^F-11
  Assets:Receivable:Moreau  -500.00 EUR
  Expenses:BadDebts          500.00 EUR
"""
    entries, _, settlement = settled(text)
    statement = build_statement(settlement, "Assets:Receivable:Moreau", ACTIVITY, START)
    (part,) = statement.parts
    kinds = [(line.kind, line.amount) for line in part.lines]
    assert kinds == [(INVOICE, D("1000.00")), (PAYMENT, D("-980.00")),
                     (DISCOUNT, D("-20.00")), (INVOICE, D("500.00")),
                     (WRITEOFF, D("-500.00"))]
    assert part.closing == D("0.00") == ledger_balance(entries, "Assets:Receivable:Moreau", END)
    assert {line.letter for line in part.lines[:3]} == {"A"}
    assert {line.letter for line in part.lines[3:]} == {"B"}


def test_period_without_movement_keeps_the_balance():
    _, _, settlement = settled(DUPONT)
    statement = build_statement(settlement, "Assets:Receivable:Dupont", ACTIVITY,
                                datetime.date(2026, 4, 11))
    (part,) = statement.parts
    assert part.lines == ()
    assert part.opening == part.closing == D("652.34")


def test_customer_without_anything_has_no_parts():
    text = DUPONT + "\n2024-01-01 open Assets:Receivable:Nouveau EUR\n"
    _, _, settlement = settled(text)
    statement = build_statement(settlement, "Assets:Receivable:Nouveau", ACTIVITY, START)
    assert statement.parts == ()


# -- open items ------------------------------------------------------------------------------


def test_open_items_statement():
    entries, _, settlement = settled(DUPONT)
    statement = build_statement(settlement, "Assets:Receivable:Dupont", OPEN_ITEMS)
    assert statement.start is None
    (part,) = statement.parts
    got = [(line.reference, line.due.isoformat(), line.amount, line.settled, line.open,
            line.days_overdue, line.balance) for line in part.lines]
    assert got == [
        ("F-2 2/2", "2026-02-14", D("700.00"), D("300.00"), D("400.00"), 75, D("400.00")),
        ("F-2", "2026-03-20", D("12.34"), D("0.00"), D("12.34"), 41, D("412.34")),
        ("F-3", "2026-03-31", D("240.00"), D("0.00"), D("240.00"), 30, D("652.34")),
    ]
    assert part.lines[1].kind == PENALTY
    assert part.lines[0].letter == "a"
    assert part.closing == D("652.34") == ledger_balance(entries, "Assets:Receivable:Dupont",
                                                         END)
    assert sum(line.open for line in part.lines) == part.closing


def test_open_items_not_yet_due_and_unapplied_credit():
    text = HEAD + """
2024-01-01 open Assets:Receivable:Petit EUR
2026-04-01 * "Petit" "Facture" ^F-20
  invoice: "F-20"
  Assets:Receivable:Petit   100.00 EUR
  Income:Sales
2026-04-05 * "Petit" "Virement trop élevé"
  Assets:Bank               150.00 EUR
  Assets:Receivable:Petit  -150.00 EUR
"""
    _, _, settlement = settled(text)
    statement = build_statement(settlement, "Assets:Receivable:Petit", OPEN_ITEMS)
    (part,) = statement.parts
    (line,) = part.lines
    assert line.kind == PAYMENT and line.amount == line.open == D("-50.00")
    assert [(m.reference, m.kind, m.amount) for m in line.matches] == [
        ("F-20", PAYMENT, D("100.00")), ("", UNAPPLIED, D("50.00"))]
    assert part.closing == D("-50.00") == part.unapplied
    assert part.amount_due == D("0")
    assert part.not_yet_due + part.overdue + part.unapplied == part.closing


def test_not_yet_due_split():
    _, _, settlement = settled(DUPONT, datetime.date(2026, 3, 5))
    statement = build_statement(settlement, "Assets:Receivable:Dupont", OPEN_ITEMS)
    (part,) = statement.parts
    assert part.not_yet_due == D("240.00")  # F-3, due 03-31
    assert part.overdue == D("600.00")  # F-2 2/2 after the credit note, due 02-14
    assert part.closing == D("840.00")


def test_several_currencies_give_several_parts():
    text = HEAD + """
2024-01-01 open Assets:Receivable:Brighton
  customer: "Brighton Design Inc."
2026-02-01 * "Brighton" "Lighting concept" ^F-30
  invoice: "F-30"
  Assets:Receivable:Brighton  4250.00 USD
  Income:Sales
2026-02-02 * "Brighton" "Fittings" ^F-31
  invoice: "F-31"
  Assets:Receivable:Brighton   300.00 EUR
  Income:Sales
"""
    _, _, settlement = settled(text)
    statement = build_statement(settlement, "Brighton Design Inc.", ACTIVITY, START)
    assert [(p.currency, p.closing) for p in statement.parts] == [
        ("EUR", D("300.00")), ("USD", D("4250.00"))]
    assert statement.balances() == {"EUR": D("300.00"), "USD": D("4250.00")}


# -- customers, references, errors -----------------------------------------------------------


SHARED = HEAD + """
2024-01-01 open Assets:Receivable:Divers EUR
  shared: TRUE
2026-02-01 * "SCI Bellevue" "Dépannage" ^F-40
  invoice: "F-40"
  Assets:Receivable:Divers   90.00 EUR
  Income:Sales
2026-02-03 * "M. Andrieux" "Ampoules" ^F-41
  invoice: "F-41"
  Assets:Receivable:Divers   30.00 EUR
  Income:Sales
2026-02-05 * "M. Andrieux" "Espèces" ^F-41
  Assets:Bank                30.00 EUR
  Assets:Receivable:Divers  -30.00 EUR
"""


def test_shared_account_customers_and_balances():
    _, _, settlement = settled(SHARED)
    key = find_customer(settlement.book, "sci bellevue")
    assert key == "Assets:Receivable:Divers/SCI Bellevue"
    assert customers_with_balance(settlement) == [key]
    statement = build_statement(settlement, key, ACTIVITY, START)
    assert statement.reference == "SCI Bellevue"
    assert statement.parts[0].closing == D("90.00")


def test_find_customer_errors():
    _, _, settlement = settled(DUPONT + SHARED.replace(HEAD, ""))
    with pytest.raises(CustomerError, match=r"no such customer \(did you mean "
                                             r"'Boulangerie Dupont SARL'"):
        find_customer(settlement.book, "Boulangerie Dupond SARL")
    with pytest.raises(CustomerError, match="no such customer"):
        find_customer(settlement.book, "Nobody at all")
    # The shared account holds several customers: name one.
    with pytest.raises(CustomerError, match=r"shared receivable account holding several "
                                             r"customers \(M. Andrieux, SCI Bellevue\)"):
        find_customer(settlement.book, "Assets:Receivable:Divers")


def test_empty_period_and_bad_type():
    _, _, settlement = settled(DUPONT)
    with pytest.raises(StatementError, match="empty period: it starts on 2026-05-01, after "
                                             "its end 2026-04-30"):
        build_statement(settlement, "Assets:Receivable:Dupont", ACTIVITY,
                        datetime.date(2026, 5, 1))
    with pytest.raises(StatementError, match="statement type 'weekly'"):
        build_statement(settlement, "Assets:Receivable:Dupont", "weekly", START)
    with pytest.raises(StatementError, match="needs the first day"):
        build_statement(settlement, "Assets:Receivable:Dupont", ACTIVITY)
    with pytest.raises(StatementError, match="no such customer"):
        build_statements(settlement, ["Assets:Receivable:Ghost"], OPEN_ITEMS)


def test_payment_reference_and_remittance_text():
    _, _, settlement = settled(DUPONT)
    statement = build_statement(settlement, "Assets:Receivable:Dupont", OPEN_ITEMS)
    assert statement.reference == "CLI-0042"  # reference: metadata on the open
    assert remittance_text(statement, statement.parts[0]) == "CLI-0042 F-2 F-3"
    assert remittance_text(statement, statement.parts[0], limit=14) == "CLI-0042 F-2"
    customer = settlement.book.customers["Assets:Receivable:Dupont"]
    bare = type(customer)(customer.key, customer.account, customer.name)
    assert payment_reference(bare) == "Dupont"


def test_statement_as_of_ignores_later_entries():
    _, _, early = settled(DUPONT, datetime.date(2026, 1, 31))
    statement = build_statement(early, "Assets:Receivable:Dupont", ACTIVITY, START)
    assert [line.date.isoformat() for line in statement.parts[0].lines] == [
        "2026-01-15", "2026-01-20"]
    assert statement.parts[0].closing == D("1000.00")


# -- the same, for any ledger ----------------------------------------------------------------


@st.composite
def histories(draw):
    """A customer's invoices and payments over 2026 (some linked, some not, some too much)."""
    events = []
    for number in range(draw(st.integers(1, 6))):
        day = draw(st.integers(0, 300))
        cents = draw(st.integers(1, 500_000))
        events.append(("invoice", day, cents, f"F-{number}"))
        for _ in range(draw(st.integers(0, 2))):
            later = min(day + draw(st.integers(0, 60)), 330)
            paid = draw(st.integers(1, cents + 20_000))
            link = draw(st.booleans())
            events.append(("payment", later, paid, f"F-{number}" if link else None))
    start = draw(st.integers(0, 330))
    end = draw(st.integers(start, 340))
    return events, start, end


def _history_ledger(events) -> str:
    base = datetime.date(2026, 1, 1)
    out = [HEAD, "2024-01-01 open Assets:Receivable:Client EUR\n"]
    for kind, day, cents, ref in events:
        date = base + datetime.timedelta(days=day)
        amount = D(cents).scaleb(-2)
        if kind == "invoice":
            out.append(f'{date} * "Client" "Facture" ^{ref}\n  invoice: "{ref}"\n'
                       f"  Assets:Receivable:Client  {amount} EUR\n  Income:Sales\n")
        else:
            link = f" ^{ref}" if ref else ""
            out.append(f'{date} * "Client" "Virement"{link}\n  Assets:Bank  {amount} EUR\n'
                       f"  Assets:Receivable:Client  -{amount} EUR\n")
    return "\n".join(out)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_statements_always_agree_with_the_ledger(history):
    events, start_day, end_day = history
    entries, errors, options_map = loader.load_string(_history_ledger(events))
    base = datetime.date(2026, 1, 1)
    start = base + datetime.timedelta(days=start_day)
    end = base + datetime.timedelta(days=end_day)
    settlement = subledger(entries, options_map, end)
    expected = receivable_balances(entries, "Assets:Receivable", end).get("EUR", D(0))
    opening = receivable_balances(entries, "Assets:Receivable",
                                  start - datetime.timedelta(days=1)).get("EUR", D(0))
    activity, open_items = (build_statement(settlement, "Assets:Receivable:Client", kind, start)
                            for kind in (ACTIVITY, OPEN_ITEMS))
    for statement in (activity, open_items):
        for part in statement.parts:
            assert part.closing == expected
            assert sum(part.aging, D(0)) + part.unapplied == part.closing
            assert part.not_yet_due + part.overdue + part.unapplied == part.closing
            if part.lines:
                assert part.lines[-1].balance == part.closing
    if activity.parts:
        (part,) = activity.parts
        assert part.opening == opening
        balance = part.opening
        for line in part.lines:
            balance += line.amount
            assert line.balance == balance
            assert start <= line.date <= end
        dates = [line.date for line in part.lines]
        assert dates == sorted(dates)
    if open_items.parts:
        (part,) = open_items.parts
        assert sum((line.open for line in part.lines), D(0)) == part.closing
        assert all(line.open != 0 for line in part.lines)


# -- company ---------------------------------------------------------------------------------


COMPANY = """
2025-01-01 custom "ar-company" "{'name': 'Atelier Lumière SARL', 'country': 'fr'}"
  bic: "bnpafrppxxx"
  address: "5 rue de la Charité
69002 Lyon"
  siren: "732 829 320"
  vat: "FR 44 732829320"
  iban: "FR76 3000 6000 0112 3456 7890 189"
  email: "compta@atelier-lumiere.example.fr"
  logo: "images/logo.png"
  penalty_rate_text: "12,15 %"
"""


def test_company_from_literal_and_metadata():
    entries, errors, _ = loader.load_string(COMPANY)
    assert not errors
    company, problems = read_company(entries)
    assert problems == []
    assert company == Company(
        name="Atelier Lumière SARL", address="5 rue de la Charité\n69002 Lyon", country="FR",
        siren="732829320", vat="FR44732829320", email="compta@atelier-lumiere.example.fr",
        iban="FR7630006000011234567890189", bic="BNPAFRPPXXX", logo="images/logo.png",
        penalty_rate_text="12,15 %", date=datetime.date(2025, 1, 1), base_dir=None,
        hints=('<string>:2: custom "ar-company": penalty_rate_text is no longer used: documents '
               "state the rate of the penalties policy (plugin beancount_ar.penalties, or French "
               "law by default); remove it",))
    assert company.is_french
    assert company.iban_display == "FR76 3000 6000 0112 3456 7890 189"
    assert company.siren_display == "732 829 320"
    assert company.logo_path == "images/logo.png"


def test_company_latest_directive_on_or_before_the_date_wins():
    text = COMPANY + """
2026-06-01 custom "ar-company" "{'name': 'Atelier Lumière SAS'}"
  iban: "DE89 3704 0044 0532 0130 00"
"""
    entries, _, _ = loader.load_string(text)
    assert read_company(entries, datetime.date(2026, 5, 31))[0].name == "Atelier Lumière SARL"
    company, problems = read_company(entries, datetime.date(2026, 6, 1))
    assert (company.name, company.iban, company.country) == (
        "Atelier Lumière SAS", "DE89370400440532013000", None)
    assert read_company(entries)[0].name == "Atelier Lumière SAS"
    # Dated after every directive: the earliest one.
    assert read_company(entries, datetime.date(2020, 1, 1))[0].name == "Atelier Lumière SARL"


@pytest.mark.parametrize("setting, message", [
    ("'iban': 'FR76 3000 6000 0112 3456 7890 188'", "the IBAN's check digits are wrong"),
    ("'bic': 'BNPA'", "is not a BIC"),
    ("'siren': '732 829 321'", "the SIREN's check digit is wrong"),
    ("'siren': '7328'", "is not a SIREN"),
    ("'siren': '732829320', 'vat': 'FR45732829320'", "does not match the SIREN 732829320 "
                                                     "(expected FR44732829320)"),
    ("'country': 'France'", "is not a two-letter country code"),
    ("'email': 'compta'", "is not an e-mail address"),
    ("'logo': 'logo.pdf'", "is not an image file name"),
    ("'language': 'de'", "is not a supported language"),
    ("'adress': 'x'", "unknown configuration key 'adress' (did you mean 'address'?)"),
])
def test_company_bad_values_are_errors_at_the_directive(setting, message):
    text = f"""2025-01-01 custom "ar-company" "{{'name': 'ACME', {setting}}}"\n"""
    entries, _, _ = loader.load_string(text)
    company, problems = read_company(entries)
    assert company is not None and company.name == "ACME"  # the rest still renders
    assert len(problems) == 1
    assert message in problems[0].message
    assert problems[0].source["lineno"] == 1


def test_company_missing_name_or_directive():
    entries, _, _ = loader.load_string('2025-01-01 custom "ar-company" "{\'iban\': \'x\'}"\n')
    company, problems = read_company(entries)
    assert company is None
    assert any("the company has no 'name'" in p.message for p in problems)
    entries, _, _ = loader.load_string('2025-01-01 custom "ar-company" "{name: 1}"\n')
    company, problems = read_company(entries)
    assert company is None and "not a Python literal dict" in problems[0].message
    assert read_company([]) == (None, [])


def test_company_metadata_must_be_text():
    text = '2025-01-01 custom "ar-company" "{\'name\': \'ACME\'}"\n  phone: 2025-01-01\n'
    entries, _, _ = loader.load_string(text)
    company, problems = read_company(entries)
    assert company.phone is None
    assert "phone: write the value as a string" in problems[0].message


def test_identifier_checks():
    assert iban_problem("GB82 WEST 1234 5698 7654 32") is None
    assert "check digits are wrong" in iban_problem("GB82 WEST 1234 5698 7654 33")
    assert "is not a valid IBAN" in iban_problem("not an iban")
    assert french_vat_number("732 829 320") == "FR44732829320"
