"""The penalties plugin through Beancount's loader: worked cases, schedule, overrides, errors."""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal

import pytest
from beancount import loader
from beancount.core import data
from beancount.parser import printer

from beancount_ar.core.aging import aging
from beancount_ar.core.penalties import (
    Rates,
    base_policy,
    item_penalties,
    parse_penalty_config,
    penalties_to_date,
)
from beancount_ar.core.rates import shipped_tables
from beancount_ar.core.report import invoice_rows
from beancount_ar.core.subledger import subledger

D = Decimal
AS_OF = "2026-11-23"


def ledger(body: str, config: str = "", core: str = "{'default_terms': 'net 30'}",
           header: bool = True) -> str:
    """A ledger with both plugins (the penalties one configured with `config` merged into
    the FR defaults) and the usual accounts, then `body`."""
    settings = {"regime": "'FR'", "account": "'Income:Penalties'", "as_of": f"'{AS_OF}'"}
    for part in filter(None, (p.strip() for p in config.split(";"))):
        key, value = part.split("=", 1)
        settings[key.strip()] = value.strip()
    text = ", ".join(f"'{k}': {v}" for k, v in settings.items())
    head = textwrap.dedent(f"""\
        plugin "beancount_ar" "{core}"
        plugin "beancount_ar.penalties" "{{{text}}}"
        2024-01-01 open Assets:Bank EUR,GBP,USD
        2024-01-01 open Income:Sales
        2024-01-01 open Income:Penalties
        2024-01-01 open Income:Indemnities
        2024-01-01 open Expenses:Discounts
        2024-01-01 open Assets:Receivable:Dupont EUR
          customer: "Dupont SARL"
        2024-01-01 open Assets:Receivable:Smith GBP
          customer: "Smith Ltd"
        """) if header else ""
    return head + textwrap.dedent(body)


def load(body: str, config: str = "", **kwargs):
    return loader.load_string(ledger(body, config, **kwargs))


def generated(entries) -> list[data.Transaction]:
    return [e for e in entries if isinstance(e, data.Transaction)
            and e.meta.get("filename") == "<beancount_ar>" and "ar-penalty" in e.tags]


def amounts(entries) -> list[tuple[str, Decimal]]:
    return [(str(e.date), e.postings[0].units.number) for e in generated(entries)]


def messages(errors) -> list[str]:
    return [" ".join(str(e.message).split()) for e in errors]


WORKED = """
2025-05-21 * "Dupont" "Facture" ^F-1
  invoice: "F-1"
  due: 2025-06-20
  Assets:Receivable:Dupont   10000.00 EUR
  Income:Sales

2025-07-20 * "Dupont" "Virement" ^F-1
  Assets:Bank                10000.00 EUR
  Assets:Receivable:Dupont  -10000.00 EUR
"""


# -- the worked example of receivables.md section 2 -----------------------------------------


DISPUTE = """
2025-07-01 custom "ar-dispute" "F-1" "goods damaged"
2025-07-11 custom "ar-dispute-resolved" "F-1" "replaced"
"""


def test_narrations_in_french():
    entries, errors, _ = load(WORKED, "language='fr'")
    assert errors == []
    first, second = generated(entries)
    # French words, numbers and dates: "10 000,00", "13,15 %", "BCE", "du 21/06/2025 au ..."
    assert first.narration.startswith("Pénalités de retard sur F-1 : intérêts 10\u202f000,00 EUR "
                                      "x 13,15 % (BCE 3,15 + 10) x 10/365 (du 21/06/2025 au "
                                      "30/06/2025) = 36,03 EUR ; ")
    assert "indemnité forfaitaire pour frais de recouvrement 40,00 EUR" in first.narration
    assert second.narration.startswith("Intérêts de retard sur F-1, réglée le 20/07/2025 :")
    assert "102,60 EUR à ce jour moins 36,03 EUR déjà facturés = 66,57 EUR" in second.narration


def test_a_dispute_suspends_interest_when_configured():
    # Interest runs 06-21..06-30 (10 days at 13.15 %: 36.0274) and, after the dispute,
    # 07-11..07-20 (10 days at 12.15 %: 33.2877): 69.3151, so 69.32 + 40 in all.
    entries, errors, _ = load(WORKED + DISPUTE, "suspend_disputes=True")
    assert errors == []
    assert sum(number for _, number in amounts(entries)) == D("69.32") + D("40.00")
    assert "x 10/365 (2025-07-11 to 2025-07-20)" in generated(entries)[-1].narration
    # without the option, the dispute changes nothing
    entries, errors, _ = load(WORKED + DISPUTE)
    assert sum(number for _, number in amounts(entries)) == D("102.60") + D("40.00")



def test_worked_example_102_60_interest_and_40_indemnity():
    entries, errors, _ = load(WORKED)
    assert errors == []
    assert amounts(entries) == [("2025-06-30", D("76.03")), ("2025-07-20", D("66.57"))]
    first, second = generated(entries)
    # 36.03 of interest (10 days at 13.15 %) and the indemnity at the month end...
    assert [p.units.number for p in first.postings] == [D("76.03"), D("-76.03")]
    assert "10,000.00 EUR x 13.15 % (ECB 3.15 + 10) x 10/365 (2025-06-21 to 2025-06-30)" in \
        first.narration
    assert "= 36.03 EUR" in first.narration and "recovery indemnity 40.00 EUR" in first.narration
    # ...then the rounded cumulative 102.60 less the 36.03 charged, on the payment date.
    assert "10,000.00 EUR x 12.15 % (ECB 2.15 + 10) x 20/365 (2025-07-01 to 2025-07-20)" in \
        second.narration
    assert "102.60 EUR to date less 36.03 EUR charged = 66.57 EUR" in second.narration
    assert sum(a for _, a in amounts(entries)) == D("142.60")  # 102.60 + 40, not 102.61
    for entry in (first, second):
        assert entry.tags == {"ar-penalty"} and entry.links == {"F-1"}
        assert entry.meta["instalment"] == 1 and entry.meta["ar_generated"] == "penalty"
        assert entry.postings[0].account == "Assets:Receivable:Dupont"
        assert entry.postings[0].meta["invoice"] == "F-1"
        assert entry.postings[1].account == "Income:Penalties"
        assert entry.payee == "Dupont"


def test_worked_example_pure_function():
    config, problems = parse_penalty_config("{'account': 'Income:Penalties'}")
    assert problems == [] and config is not None
    result = item_penalties(
        amount=D("10000.00"), currency="EUR", due=datetime.date(2025, 6, 20),
        payments=[(datetime.date(2025, 7, 20), D("10000.00"))],
        closed=datetime.date(2025, 7, 20), as_of=datetime.date(2026, 11, 23),
        policy=base_policy(config), config=config, rates=Rates(config, shipped_tables()))
    assert result.interest == D("102.60") and result.indemnity == D("40.00")
    assert [(c.interest, c.indemnity) for c in result.charges] == [
        (D("36.03"), D("40.00")), (D("66.57"), D("0"))]


def test_penalties_in_invoice_rows_and_aging():
    entries, errors, options = load(WORKED)
    day = datetime.date(2026, 11, 23)
    settlement = subledger(entries, options, day)
    row, *charges = invoice_rows(settlement, day)
    assert row.invoice == "F-1" and row.status == "paid" and row.penalties == D("142.60")
    # The charges are items of their own, shown with the invoice they are charged on.
    assert [(c.kind, c.charged_on, c.invoice, c.open) for c in charges] == [
        ("penalty", "F-1", "", D("76.03")), ("penalty", "F-1", "", D("66.57"))]
    report = aging(settlement, day)
    assert report.totals["EUR"].total == D("142.60")  # the penalties are still owed
    assert sum(c.open for c in charges) == report.totals["EUR"].total


def test_penalties_are_paid_by_a_payment_naming_the_invoice():
    entries, errors, options = load(WORKED + """
2025-08-10 * "Dupont" "Pénalités" ^F-1
  Assets:Bank                142.60 EUR
  Assets:Receivable:Dupont  -142.60 EUR
""")
    assert errors == []
    day = datetime.date(2026, 11, 23)
    settlement = subledger(entries, options, day)
    assert sum(s.open for s in settlement.items) == 0
    assert amounts(entries) == [("2025-06-30", D("76.03")), ("2025-07-20", D("66.57"))]


def test_overpayments_are_checked_once_the_penalties_exist(tmp_path):
    text = ledger(WORKED + """
2025-08-10 * "Dupont" "Pénalités" ^F-1
  Assets:Bank                200.00 EUR
  Assets:Receivable:Dupont  -200.00 EUR
""")
    entries, errors, path = load_file(tmp_path, text)
    (error,) = errors
    assert "overpayment: 57.40 EUR more than the open amount of F-1" in error.message
    assert where(error) == (path, text.splitlines().index(
        '2025-08-10 * "Dupont" "Pénalités" ^F-1') + 1)
    # Also when the plugin cannot run (here: an unknown regime).
    _, errors, _ = load_file(tmp_path, text.replace("'regime': 'FR'", "'regime': 'XX'"))
    assert any("overpayment: 200.00 EUR" in m for m in messages(errors))
    assert any("is not a known regime" in m for m in messages(errors))


# -- the other regimes -----------------------------------------------------------------------


def uk_invoice(amount: str, number: str = "UK-1") -> str:
    return f"""
2025-02-01 * "Smith" "Invoice" ^{number}
  invoice: "{number}"
  due: 2025-03-01
  Assets:Receivable:Smith   {amount} GBP
  Income:Sales

2025-03-31 * "Smith" "Payment" ^{number}
  Assets:Bank               {amount} GBP
  Assets:Receivable:Smith  -{amount} GBP
"""


@pytest.mark.parametrize("amount, interest, fee", [
    ("500.00", "5.24", "40.00"),  # under 1,000 GBP
    ("999.99", "10.48", "40.00"),
    ("1000.00", "10.48", "70.00"),  # 1,000 up to 10,000
    ("5000.00", "52.40", "70.00"),
    ("10000.00", "104.79", "100.00"),  # 10,000 and more
])
def test_uk_fixed_sums_by_debt_size(amount, interest, fee):
    # 30 days late from 2025-03-02: Bank Rate on 2024-12-31 (4.75) + 8 = 12.75 %.
    entries, errors, _ = load(uk_invoice(amount), "regime='UK'")
    assert errors == []
    (entry,) = generated(entries)  # one month end (03-31) that is also the payment day
    assert entry.postings[0].units.number == D(interest) + D(fee)
    assert entry.postings[0].units.currency == "GBP"
    assert f"recovery indemnity {fee} GBP" in entry.narration
    assert "12.75 % (BOE 4.75 on 2024-12-31 + 8)" in entry.narration


def test_uk_reference_rate_is_fixed_for_the_life_of_the_debt():
    # Late from 2025-06-21 (a first half-year debt): Bank Rate on 2024-12-31, even in July.
    entries, errors, _ = load("""
2025-05-21 * "Smith" "Invoice" ^UK-2
  invoice: "UK-2"
  due: 2025-06-20
  Assets:Receivable:Smith   10000.00 GBP
  Income:Sales
2025-08-19 * "Smith" "Payment" ^UK-2
  Assets:Bank               10000.00 GBP
  Assets:Receivable:Smith  -10000.00 GBP
""", "regime='UK'")
    assert errors == []
    # 60 days x 12.75 % = 209.589... -> 209.59, plus 100 GBP.
    assert sum(a for _, a in amounts(entries)) == D("209.59") + D("100")
    assert all("12.75 %" in e.narration for e in generated(entries))


def test_de_base_rate_plus_nine_split_at_1_july():
    entries, errors, _ = load(WORKED, "regime='DE'")
    assert errors == []
    # 10 days at 2.27 + 9 = 11.27 % (30.8767) + 20 days at 1.27 + 9 = 10.27 % (56.2740).
    assert amounts(entries) == [("2025-06-30", D("30.88") + 40), ("2025-07-20", D("56.27"))]
    assert "11.27 % (DE-BASE 2.27 + 9)" in generated(entries)[0].narration


def test_eu_reference_plus_eight():
    entries, errors, _ = load(WORKED, "regime='EU'")
    assert errors == []
    # 10 days at 11.15 % + 20 days at 10.15 % = 30.5479 + 55.6164 = 86.1643
    assert sum(a for _, a in amounts(entries)) == D("86.16") + 40


def test_fixed_contractual_rate_without_indemnity():
    entries, errors, _ = load(WORKED, "regime='fixed'; rate=12")
    assert errors == []
    # 30 days x 12 % = 98.6301
    assert sum(a for _, a in amounts(entries)) == D("98.63")


def test_monthly_rate_us_style():
    entries, errors, _ = load("""
2024-01-01 open Assets:Receivable:Acme USD
2025-01-01 * "Acme" "Invoice" ^US-1
  invoice: "US-1"
  due: 2025-01-31
  Assets:Receivable:Acme   1000.00 USD
  Income:Sales
2025-03-02 * "Acme" "Payment" ^US-1
  Assets:Bank              1000.00 USD
  Assets:Receivable:Acme  -1000.00 USD
""", "regime='monthly'")
    assert errors == []
    # 1.5 % a month = 18 % a year: 30 days -> 14.7945
    assert sum(a for _, a in amounts(entries)) == D("14.79")
    assert "18.0 % (1.5 % a month x 12)" in generated(entries)[0].narration


def test_floor_three_times_the_legal_rate():
    entries, errors, _ = load("""
2024-01-10 * "Dupont" "Facture" ^F-9
  invoice: "F-9"
  due: 2024-02-10
  Assets:Receivable:Dupont   10000.00 EUR
  Income:Sales
2024-03-11 * "Dupont" "Virement" ^F-9
  Assets:Bank                10000.00 EUR
  Assets:Receivable:Dupont  -10000.00 EUR
""", "floor=True")
    assert errors == []
    # S1 2024: ECB + 10 = 14.50 %, below 3 x 5.07 = 15.21 %: 30 days x 15.21 % = 125.0137
    assert sum(a for _, a in amounts(entries)) == D("125.01") + 40
    assert "15.21 % (3 x legal rate 5.07)" in generated(entries)[0].narration


def test_day_count_366_in_leap_years_as_an_option():
    body = """
2024-01-29 * "Dupont" "Facture" ^F-8
  invoice: "F-8"
  due: 2024-02-28
  Assets:Receivable:Dupont   10000.00 EUR
  Income:Sales
2024-03-29 * "Dupont" "Virement" ^F-8
  Assets:Bank                10000.00 EUR
  Assets:Receivable:Dupont  -10000.00 EUR
"""
    entries, _, _ = load(body, "indemnity=0")
    assert sum(a for _, a in amounts(entries)) == D("119.18")  # 30 x 14.50 % / 365
    entries, _, _ = load(body, "indemnity=0; day_count='actual'")
    assert sum(a for _, a in amounts(entries)) == D("118.85")  # 30 x 14.50 % / 366


# -- partial payments, grace, schedule -------------------------------------------------------


def test_partial_payment_reduces_the_base_from_its_date():
    entries, errors, _ = load("""
2025-01-01 * "Dupont" "Facture" ^F-2
  invoice: "F-2"
  due: 2025-01-31
  Assets:Receivable:Dupont   10000.00 EUR
  Income:Sales
2025-02-15 * "Dupont" "Acompte" ^F-2
  Assets:Bank                4000.00 EUR
  Assets:Receivable:Dupont  -4000.00 EUR
2025-03-31 * "Dupont" "Solde" ^F-2
  Assets:Bank                6000.00 EUR
  Assets:Receivable:Dupont  -6000.00 EUR
""")
    assert errors == []
    # 15 days on 10,000 and 44 days on 6,000 at 13.15 %: 149.1534 -> 149.15, plus 40 once.
    # At 02-28: 15 days on 10,000 + 13 days on 6,000 = 82.1425 -> 82.14.
    assert amounts(entries) == [("2025-02-28", D("82.14") + 40), ("2025-03-31", D("67.01"))]
    first = generated(entries)[0]
    assert ("10,000.00 EUR x 13.15 % (ECB 3.15 + 10) x 15/365 (2025-02-01 to 2025-02-15) + "
            "6,000.00 EUR x 13.15 % (ECB 3.15 + 10) x 13/365 (2025-02-16 to 2025-02-28)") in \
        first.narration


def test_paid_inside_the_grace_period_gives_nothing():
    body = """
2025-05-21 * "Dupont" "Facture" ^F-3
  invoice: "F-3"
  due: 2025-06-20
  Assets:Receivable:Dupont   10000.00 EUR
  Income:Sales
2025-06-28 * "Dupont" "Virement" ^F-3
  Assets:Bank                10000.00 EUR
  Assets:Receivable:Dupont  -10000.00 EUR
"""
    entries, errors, _ = load(body, "grace_days=10")
    assert errors == [] and generated(entries) == []
    entries, _, _ = load(body)  # without grace: 8 days late
    assert amounts(entries) == [("2025-06-28", D("28.82") + 40)]


def test_interest_starts_after_the_grace_period():
    entries, errors, _ = load(WORKED, "grace_days=10")
    assert errors == []
    # Late from 2025-07-01 to 2025-07-20: 20 days at 12.15 % = 66.5753
    assert amounts(entries) == [("2025-07-20", D("66.58") + 40)]


def test_paid_on_time_gives_nothing():
    entries, errors, _ = load("""
2025-05-21 * "Dupont" "Facture" ^F-4
  invoice: "F-4"
  due: 2025-06-20
  Assets:Receivable:Dupont   10000.00 EUR
  Income:Sales
2025-06-20 * "Dupont" "Virement" ^F-4
  Assets:Bank                10000.00 EUR
  Assets:Receivable:Dupont  -10000.00 EUR
""")
    assert errors == [] and generated(entries) == []


def test_open_invoice_accrues_at_each_month_end_up_to_the_as_of_date():
    entries, errors, _ = load("""
2025-05-21 * "Dupont" "Facture" ^F-5
  invoice: "F-5"
  due: 2025-06-20
  Assets:Receivable:Dupont   1000.00 EUR
  Income:Sales
""", "as_of='2025-09-15'")
    assert errors == []
    # 10 days at 13.15 % (3.6027), then 31 + 31 days at 12.15 % (10.3192 each)
    assert amounts(entries) == [("2025-06-30", D("3.60") + 40), ("2025-07-31", D("10.32")),
                                ("2025-08-31", D("10.32"))]


def test_settlement_schedule_one_entry_per_item():
    entries, errors, _ = load(WORKED, "schedule='settlement'")
    assert errors == []
    assert amounts(entries) == [("2025-07-20", D("142.60"))]
    entries, errors, _ = load(WORKED.split("2025-07-20")[0], "schedule='settlement'; "
                              "as_of='2025-07-20'")
    assert amounts(entries) == [("2025-07-20", D("142.60"))]  # still open: at the as-of date


def test_indemnity_per_late_instalment():
    entries, errors, options = load("""
2025-01-15 * "Dupont" "Facture" ^F-6
  invoice: "F-6"
  terms: "30 % à réception ; 70 % 30 jours"
  Assets:Receivable:Dupont   1000.00 EUR
  Income:Sales
""", "indemnity_account='Income:Indemnities'; as_of='2025-03-10'")
    assert errors == []
    parts = {(e.meta["instalment"], str(e.date)): e for e in generated(entries)}
    assert set(parts) == {(1, "2025-01-31"), (1, "2025-02-28"), (2, "2025-02-28")}
    assert all(e.links == {"F-6"} for e in parts.values())
    first = parts[(1, "2025-01-31")]  # 300.00 late 16 days, with its own 40 EUR
    assert [(p.account, p.units.number) for p in first.postings] == [
        ("Assets:Receivable:Dupont", D("41.73")), ("Income:Penalties", D("-1.73")),
        ("Income:Indemnities", D("-40.00"))]
    assert "F-6 1/2" in first.narration
    day = datetime.date(2025, 3, 10)
    rows = {r.instalment: r for r in invoice_rows(subledger(entries, options, day), day)}
    # 300.00 for 44 days (4.7556) and 700.00 for 14 days (3.5307) at 13.15 %
    assert rows["1/2"].penalties == D("4.76") + 40
    assert rows["2/2"].penalties == D("3.53") + 40


def test_a_payment_of_exactly_the_invoice_settles_it_and_leaves_the_charges_open():
    # The core's matching: the 1000.00 pays instalment 1, then its penalties (due at their
    # dates), then instalment 2, which is left short by them and becomes late in turn.
    entries, errors, options = load("""
2025-01-15 * "Dupont" "Facture" ^F-6
  invoice: "F-6"
  terms: "30 % à réception ; 70 % 30 jours"
  Assets:Receivable:Dupont   1000.00 EUR
  Income:Sales
2025-02-10 * "Dupont" "Virement" ^F-6
  Assets:Bank                1000.00 EUR
  Assets:Receivable:Dupont  -1000.00 EUR
""", "as_of='2025-03-31'")
    assert errors == []
    # instalment 1: 300.00 late 16 days (1.73) + 40, charged at 01-31; paid 02-10 (10 more days:
    # 1.08 more). The 1000.00 is exactly the invoice: it settles both instalments (the customer's
    # intent) and the 42.81 of charges stay open; instalment 2 is never late.
    assert [(e.meta["instalment"], str(e.date)) for e in generated(entries)] == [
        (1, "2025-01-31"), (1, "2025-02-10")]
    day = datetime.date(2025, 3, 31)
    settlement = subledger(entries, options, day)
    rows = {r.instalment: r for r in invoice_rows(settlement, day)}
    assert rows["1/2"].status == rows["2/2"].status == "paid"
    assert rows["1/2"].penalties == D("42.81")
    assert sum(s.open for s in settlement.items) == D("42.81")


def test_credit_note_cancelling_the_invoice_gives_nothing():
    entries, errors, _ = load("""
2025-05-21 * "Dupont" "Facture" ^F-7
  invoice: "F-7"
  due: 2025-06-20
  Assets:Receivable:Dupont   1000.00 EUR
  Income:Sales
2025-07-20 * "Dupont" "Avoir" ^F-7
  credit_note: "AV-1"
  Assets:Receivable:Dupont  -1000.00 EUR
  Income:Sales
""")
    assert errors == [] and generated(entries) == []


def test_prepayment_netted_against_the_invoice_is_not_late():
    entries, errors, _ = load("""
2025-05-01 * "Dupont" "Acompte"
  Assets:Bank                1000.00 EUR
  Assets:Receivable:Dupont  -1000.00 EUR
2025-05-21 * "Dupont" "Facture" ^F-7
  invoice: "F-7"
  due: 2025-06-20
  Assets:Receivable:Dupont   1000.00 EUR
  Income:Sales
""")
    assert errors == [] and generated(entries) == []


def test_shared_account_penalty_names_the_customer():
    entries, errors, _ = load("""
2024-01-01 open Assets:Receivable:Divers EUR
  shared: TRUE
2025-05-21 * "Bellevue" "Facture" ^F-11
  invoice: "F-11"
  customer: "SCI Bellevue"
  due: 2025-06-20
  Assets:Receivable:Divers   1000.00 EUR
  Income:Sales
""", "as_of='2025-06-30'")
    assert errors == []
    (entry,) = generated(entries)
    assert entry.postings[0].meta["customer"] == "SCI Bellevue"


# -- overrides -------------------------------------------------------------------------------


WAIVED = """
2024-01-01 open Assets:Receivable:Ami EUR
  customer: "Ami SARL"
  penalties: FALSE
2025-05-21 * "Ami" "Facture" ^A-1
  invoice: "A-1"
  due: 2025-06-20
  Assets:Receivable:Ami   10000.00 EUR
  Income:Sales
2025-05-21 * "Ami" "Facture" ^A-2
  invoice: "A-2"
  due: 2025-06-20
  penalties: TRUE
  Assets:Receivable:Ami   1000.00 EUR
  Income:Sales
2025-07-20 * "Ami" "Virement" ^A-1 ^A-2
  Assets:Bank             11000.00 EUR
  Assets:Receivable:Ami  -11000.00 EUR
"""


def test_waived_customer_and_invoice_that_opts_back_in():
    entries, errors, _ = load(WAIVED)
    assert errors == []
    assert {next(iter(e.links)) for e in generated(entries)} == {"A-2"}


def test_customer_rate_grace_and_indemnity_overrides():
    entries, errors, _ = load("""
2024-01-01 open Assets:Receivable:Contrat EUR
  penalty_rate: 15
  penalty_grace_days: 5
  penalty_indemnity: 0
2025-05-21 * "Contrat" "Facture" ^C-1
  invoice: "C-1"
  due: 2025-06-20
  Assets:Receivable:Contrat   10000.00 EUR
  Income:Sales
2025-07-20 * "Contrat" "Virement" ^C-1
  Assets:Bank                  10000.00 EUR
  Assets:Receivable:Contrat   -10000.00 EUR
2025-05-21 * "Contrat" "Facture" ^C-2
  invoice: "C-2"
  due: 2025-06-20
  penalty_rate: 10
  penalty_grace_days: 0
  penalty_indemnity: 25.00 EUR
  Assets:Receivable:Contrat   10000.00 EUR
  Income:Sales
2025-07-20 * "Contrat" "Virement" ^C-2
  Assets:Bank                  10000.00 EUR
  Assets:Receivable:Contrat   -10000.00 EUR
""")
    assert errors == []
    totals: dict[str, Decimal] = {}
    for entry in generated(entries):
        number = next(iter(entry.links))
        totals[number] = totals.get(number, D(0)) + entry.postings[0].units.number
    assert totals == {"C-1": D("102.74"),  # 25 days x 15 % (grace 5), no indemnity
                      "C-2": D("82.19") + 25}  # 30 days x 10 %, 25 EUR


# -- what is already charged -----------------------------------------------------------------


def test_hand_booked_penalties_are_not_charged_twice():
    entries, errors, _ = load(WORKED + """
2025-07-20 * "Dupont" "Pénalités L441-10" #ar-penalty ^F-1
  Assets:Receivable:Dupont   142.60 EUR
  Income:Penalties
""")
    assert errors == [] and generated(entries) == []


def test_hand_booked_indemnity_is_counted_first():
    entries, errors, _ = load(WORKED + """
2025-07-05 * "Dupont" "Indemnité forfaitaire" #ar-penalty ^F-1
  Assets:Receivable:Dupont   40.00 EUR
  Income:Penalties
""")
    assert errors == []
    assert amounts(entries) == [("2025-06-30", D("36.03")), ("2025-07-20", D("66.57"))]
    assert "indemnity" not in generated(entries)[0].narration


def test_loading_twice_gives_the_same_entries():
    text = ledger(WORKED)
    first = [printer.format_entry(e) for e in generated(loader.load_string(text)[0])]
    second = [printer.format_entry(e) for e in generated(loader.load_string(text)[0])]
    assert first == second and len(first) == 2


def test_generated_entries_written_out_are_not_charged_again():
    text = ledger(WORKED)
    written = "\n".join(printer.format_entry(e) for e in generated(loader.load_string(text)[0]))
    entries, errors, _ = loader.load_string(text + "\n" + written)
    assert errors == [] and generated(entries) == []
    # Written out as of an earlier date, only the rest is charged later.
    early = ledger(WORKED, "as_of='2025-07-10'")
    written = "\n".join(printer.format_entry(e) for e in generated(loader.load_string(early)[0]))
    entries, errors, _ = loader.load_string(text + "\n" + written)
    assert errors == [] and amounts(entries) == [("2025-07-20", D("66.57"))]


def test_unreferenced_payments_paying_penalties_first_reach_a_fixed_point():
    # F-2's payment comes after F-1's penalties: paid oldest first, it pays them before F-2.
    text = ledger("""
2025-01-01 * "Dupont" "Facture" ^F-1
  invoice: "F-1"
  due: 2025-01-31
  Assets:Receivable:Dupont   1000.00 EUR
  Income:Sales
2025-02-10 * "Dupont" "Facture" ^F-2
  invoice: "F-2"
  due: 2025-03-12
  Assets:Receivable:Dupont   1000.00 EUR
  Income:Sales
2025-02-20 * "Dupont" "Chèque"
  Assets:Bank                1000.00 EUR
  Assets:Receivable:Dupont  -1000.00 EUR
2025-03-12 * "Dupont" "Chèque"
  Assets:Bank                1000.00 EUR
  Assets:Receivable:Dupont  -1000.00 EUR
""", "as_of='2025-05-31'")
    entries, errors, options = loader.load_string(text)
    assert errors == []
    links = [next(iter(e.links)) for e in generated(entries)]
    assert "F-2" in links  # F-2 came out short by F-1's penalties, so it is late too
    written = "\n".join(printer.format_entry(e) for e in generated(entries))
    again, errors, _ = loader.load_string(text + "\n" + written)
    assert errors == [] and generated(again) == []


# -- rates the tables do not know ------------------------------------------------------------


OPEN_2026 = """
2026-05-21 * "Dupont" "Facture" ^F-12
  invoice: "F-12"
  due: 2026-06-20
  Assets:Receivable:Dupont   1000.00 EUR
  Income:Sales
"""


LATER = "as_of='2027-02-28'"  # the shipped tables stop at 2026 H2


def test_a_period_without_a_known_rate_is_an_error_naming_the_directive():
    entries, errors, _ = load(OPEN_2026, LATER)
    (message,) = messages(errors)
    assert "no ECB rate is known for 2027-01-01" in message
    assert "2027 H1" in message
    assert '2027-01-01 custom "ar-rate" "ECB" <rate in percent>' in message
    charged = amounts(entries)
    assert charged[0] == ("2026-06-30", D("3.33") + 40)
    assert charged[-1][0] == "2026-12-31"  # up to the known period


def test_a_rate_directive_in_the_ledger_extends_the_table():
    entries, errors, _ = load(OPEN_2026 + """
2027-01-01 custom "ar-rate" "ECB" 2.40
""", LATER)
    assert errors == []
    assert [d for d, _ in amounts(entries)][-1] == "2027-02-28"


# -- errors at file:line ---------------------------------------------------------------------


def load_file(tmp_path, text: str):
    path = tmp_path / "main.beancount"
    path.write_text(text, encoding="utf-8")
    entries, errors, _ = loader.load_file(str(path))
    return entries, errors, str(path)


def where(error) -> tuple[str, int]:
    return error.source["filename"], error.source["lineno"]


@pytest.mark.parametrize("config, expected", [
    ("regime='XX'", "regime: 'XX' is not a known regime; use one of 'FR', 'EU', 'DE', 'UK'"),
    ("rate=-2", "rate: -2 is not a rate in percent of zero or more"),
    ("acount='Income:Penalties'", "unknown configuration key 'acount' (did you mean 'account'?)"),
    ("grace_day=10", "unknown configuration key 'grace_day' (did you mean 'grace_days'?)"),
    ("as_of='23/11/2026'", "as_of: '23/11/2026' is not a date such as '2026-11-23'"),
    ("regime='fixed'", "the 'fixed' regime needs 'rate'"),
    ("account='Income:Nowhere'", "the account Income:Nowhere is not open"),
])
def test_configuration_errors_at_the_plugin_line(tmp_path, config, expected):
    _, errors, path = load_file(tmp_path, ledger(WORKED, config))
    found = [e for e in errors if expected in " ".join(str(e.message).split())]
    assert found, messages(errors)
    assert where(found[0]) == (path, 2)


def test_json_style_literal_is_explained(tmp_path):
    text = ledger(WORKED).replace("'as_of': '2026-11-23'", "'floor': true")
    _, errors, path = load_file(tmp_path, text)
    assert any("Python literals: True, False, None" in m for m in messages(errors))
    assert where(errors[0]) == (path, 2)


@pytest.mark.parametrize("directive, expected", [
    ('custom "ar-rate" "ECB" "2.15"', "expected a table name and a rate in percent"),
    ('custom "ar-rate" "ECB"', "expected a table name and a rate in percent"),
    ('custom "ar-rate" "ECB" -1.00', "the rate must be a percentage of zero or more"),
    ('custom "ar-rate" "EBC" 2.15', "unknown rate table 'EBC'"),
])
def test_malformed_rate_directive_at_its_line(tmp_path, directive, expected):
    text = ledger(WORKED) + f"\n2026-07-01 {directive}\n"
    _, errors, path = load_file(tmp_path, text)
    (error,) = errors
    assert expected in error.message
    assert where(error) == (path, len(text.rstrip("\n").splitlines()))


def test_half_year_table_directive_must_be_dated_1_january_or_1_july(tmp_path):
    text = ledger(WORKED, "regime='DE'") + '\n2026-07-15 custom "ar-rate" "DE-BASE" 1.27\n'
    _, errors, _ = load_file(tmp_path, text)
    assert any("date it 2026-07-01" in m for m in messages(errors))


def test_bad_override_metadata_at_the_open_line(tmp_path):
    text = ledger("""
2024-01-01 open Assets:Receivable:Bad EUR
  penalty_rate: "douze"
  penalties: "non"
2025-05-21 * "Bad" "Facture" ^B-1
  invoice: "B-1"
  due: 2025-06-20
  penalty_grace_days: 2.5
  Assets:Receivable:Bad   100.00 EUR
  Income:Sales
""", "as_of='2025-12-31'")
    _, errors, path = load_file(tmp_path, text)
    lines = text.splitlines()
    keys = ("penalty_rate", "penalties", "penalty_grace_days")
    found = {next(k for k in keys if f": {k}: " in m): e
             for m, e in zip(messages(errors), errors, strict=True)}
    assert set(found) == {"penalty_rate", "penalties", "penalty_grace_days"}
    assert where(found["penalty_rate"]) == (path, lines.index(
        "2024-01-01 open Assets:Receivable:Bad EUR") + 1)
    assert where(found["penalty_grace_days"])[1] == lines.index(
        '2025-05-21 * "Bad" "Facture" ^B-1') + 1


def test_plugin_before_the_invoice_plugin_is_an_error():
    text = ledger(WORKED)
    lines = text.splitlines()
    lines[0], lines[1] = lines[1], lines[0]
    _, errors, _ = loader.load_string("\n".join(lines))
    assert any('place this plugin after plugin "beancount_ar"' in m for m in messages(errors))


def test_missing_configuration_is_an_error():
    text = ledger(WORKED).replace(
        ledger(WORKED).splitlines()[1], 'plugin "beancount_ar.penalties"')
    entries, errors, _ = loader.load_string(text)
    assert any("needs a configuration naming at least the income account" in m
               for m in messages(errors))
    assert generated(entries) == []


def test_indemnity_in_another_currency_is_reported_once():
    entries, errors, _ = load("""
2024-01-01 open Assets:Receivable:Acme USD
2025-05-21 * "Acme" "Invoice" ^US-2
  invoice: "US-2"
  due: 2025-06-20
  Assets:Receivable:Acme   1000.00 USD
  Income:Sales
""", "as_of='2025-08-31'")
    (message,) = messages(errors)
    assert "late invoices in USD get no recovery indemnity" in message
    assert "penalty_indemnity: 0" in message
    assert all("indemnity" not in e.narration for e in generated(entries))


def test_income_account_currency_constraint_is_respected():
    entries, errors, _ = load("""
2024-01-01 open Income:PenalitesRetard EUR
2024-01-01 open Assets:Receivable:Acme USD
2025-05-21 * "Acme" "Invoice" ^US-3
  invoice: "US-3"
  due: 2025-06-20
  Assets:Receivable:Acme   1000.00 USD
  Income:Sales
""" + WORKED, "account='Income:PenalitesRetard'; as_of='2025-08-31'")
    (message,) = messages(errors)  # one error, and no invalid entry for Beancount to reject
    assert "late invoices in USD get no penalties: Income:PenalitesRetard accepts only EUR" in \
        message
    assert {next(iter(e.links)) for e in generated(entries)} == {"F-1"}


def test_penalties_to_date_for_statements():
    entries, errors, options = load(WORKED.split("2025-07-20")[0])
    day = datetime.date(2025, 7, 15)
    settlement = subledger(entries, options, day)
    config, _ = parse_penalty_config("{'account': 'Income:Penalties'}")
    state = next(s for s in settlement.items if s.item.kind == "invoice")
    result = penalties_to_date(state, day, config, Rates(config, shipped_tables()),
                               base_policy(config))
    # 10 days at 13.15 % + 15 days at 12.15 % = 36.0274 + 49.9315 = 85.9589
    assert (result.interest, result.indemnity) == (D("85.96"), D("40.00"))


def test_a_missing_rate_is_reported_once_for_all_the_items_that_need_it():
    body = "".join(OPEN_2026.replace("F-12", f"F-1{n}").replace("1000.00", f"{n}00.00")
                   for n in range(3, 7))
    entries, errors, _ = load(body, LATER)
    assert len([e for e in generated(entries)]) > 4  # every item is charged up to 2026-12-31
    (message,) = messages(errors)
    assert '2027-01-01 custom "ar-rate" "ECB" <rate in percent>' in message


def test_out_of_range_settings_are_errors_at_the_plugin_line_not_a_skipped_plugin(tmp_path):
    text = """\
plugin "beancount_ar" "{'default_terms': 'net 30'}"
plugin "beancount_ar.penalties" "{'account': 'Income:Penalties', 'grace_days': 1000000000, \
'as_of': '9999-06-01'}"
2025-01-01 open Assets:Bank
2025-01-01 open Income:Sales
2025-01-01 open Income:Penalties
2025-01-01 open Assets:Receivable:A
2025-01-10 * "A" "Facture" ^F-1
  invoice: "F-1"
  Assets:Receivable:A   100.00 EUR
  Income:Sales
"""
    path = tmp_path / "main.beancount"
    path.write_text(text, encoding="utf-8")
    entries, errors, _ = loader.load_file(str(path))
    messages = [e.message for e in errors]
    assert not [m for m in messages if "internal error" in m], messages
    assert any("grace_days: 1000000000 days is more than the 3650 days" in m for m in messages)
    assert any("as_of: the date 9999-06-01 is out of range" in m for m in messages)
    assert all(e.source["lineno"] == 2 for e in errors)
