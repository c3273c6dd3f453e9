"""Tests of beancount_ar.core.metrics: every formula against figures computed by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount import loader

from beancount_ar.core import metrics
from beancount_ar.core.subledger import subledger

D = Decimal
NOV = datetime.date(2025, 11, 1)
AS_OF = datetime.date(2025, 11, 30)

LEDGER = """
plugin "beancount_ar" "{'default_terms': 'net 30', 'writeoff_account': 'Expenses:BadDebts'}"
2024-01-01 open Assets:Bank EUR
2024-01-01 open Income:Sales EUR
2024-01-01 open Expenses:BadDebts EUR
2024-01-01 open Assets:Receivable:A EUR
  customer: "Alpha"
  credit_limit: 5000.00 EUR
2024-01-01 open Assets:Receivable:B EUR
  customer: "Beta"
2024-01-01 open Assets:Receivable:C EUR
  customer: "Gamma"
2024-01-01 open Assets:Receivable:D EUR
  customer: "Delta"
  credit_limit: 1000.00 EUR
2024-01-01 open Assets:Receivable:E EUR
  customer: "Epsilon"

; A: paid on time in June (20 days), 5 days late in October; A-2 overdue since 11-09
2025-06-01 * "Alpha" "Invoice" ^A-3
  invoice: "A-3"
  Assets:Receivable:A   1000.00 EUR
  Income:Sales
2025-06-21 * "Alpha" "Payment" ^A-3
  Assets:Bank           1000.00 EUR
  Assets:Receivable:A
2025-09-15 * "Alpha" "Invoice" ^A-1
  invoice: "A-1"
  Assets:Receivable:A   1000.00 EUR
  Income:Sales
2025-10-10 * "Alpha" "Invoice" ^A-2
  invoice: "A-2"
  Assets:Receivable:A   2000.00 EUR
  Income:Sales
2025-10-20 * "Alpha" "Payment" ^A-1
  Assets:Bank           1000.00 EUR
  Assets:Receivable:A
2025-11-10 * "Alpha" "Credit note" ^A-2
  credit_note: "CN-1"
  Assets:Receivable:A   -300.00 EUR
  Income:Sales

; B: invoiced in November, not yet due, partly paid
2025-11-01 * "Beta" "Invoice" ^B-1
  invoice: "B-1"
  Assets:Receivable:B   3000.00 EUR
  Income:Sales
2025-11-20 * "Beta" "Deposit" ^B-1
  Assets:Bank           1000.00 EUR
  Assets:Receivable:B

; C: a write-off in August, and 600.00 91 days past due
2025-05-01 * "Gamma" "Invoice" ^C-1
  invoice: "C-1"
  Assets:Receivable:C   1200.00 EUR
  Income:Sales
2025-08-01 * "Gamma" "Invoice" ^C-2
  invoice: "C-2"
  Assets:Receivable:C    600.00 EUR
  Income:Sales
2025-08-31 * "Gamma" "Bad debt" ^C-1
  Assets:Receivable:C  -1200.00 EUR
  Expenses:BadDebts

; D: 90 % of its credit limit in use
2025-11-15 * "Delta" "Invoice" ^D-1
  invoice: "D-1"
  Assets:Receivable:D    900.00 EUR
  Income:Sales

; E: a payment for nothing: an unapplied credit
2025-11-25 * "Epsilon" "Payment"
  Assets:Bank            500.00 EUR
  Assets:Receivable:E
"""


@pytest.fixture(scope="module")
def settlement():
    entries, errors, options = loader.load_string(LEDGER)
    assert not errors, errors
    return subledger(entries, options, AS_OF)


A, B, C, DD, E = (f"Assets:Receivable:{x}" for x in "ABCDE")


# -- the formulas on their own ---------------------------------------------------------------


def test_dso_is_receivables_over_sales_times_days():
    assert metrics.dso(D(2000), D(3000), 30) == D("20.0")
    assert metrics.dso(D(1), D(3), 10) == D("3.3")  # 3.333...
    assert metrics.dso(D(1), D(6), 1) == D("0.2")  # 0.1666... rounds half-up
    assert metrics.dso(D(1), D(8), 1) == D("0.1")  # 0.125
    assert metrics.dso(D(1000), D(0), 30) is None
    assert metrics.dso(D(1000), D(-5), 30) is None


def test_best_possible_dso_and_add():
    assert metrics.best_possible_dso(D(2000), D(2700), 30) == D("22.2")
    assert metrics.average_days_delinquent(D("41.1"), D("22.2")) == D("18.9")
    assert metrics.average_days_delinquent(None, D(1)) is None


def test_cei():
    # (10000 + 50000 - 15000) / (10000 + 50000 - 9000) = 45000 / 51000 = 88.235...
    assert metrics.collection_effectiveness(D(10000), D(50000), D(15000), D(9000)) == D("88.2")
    # everything collected: 100 %
    assert metrics.collection_effectiveness(D(0), D(1000), D(0), D(0)) == D("100.0")
    assert metrics.collection_effectiveness(D(0), D(0), D(0), D(0)) is None


def test_countback_dso():
    # 25000 - 10000 (30 days) - 8000 (31 days) = 7000 < 12000: 61 + 7000/12000 x 30 = 78.5
    months = [(D(10000), 30), (D(8000), 31), (D(12000), 30)]
    assert metrics.countback_dso(D(25000), months) == D("78.5")
    # less than the latest month's sales: 5000 / 10000 x 30
    assert metrics.countback_dso(D(5000), months) == D("15.0")
    # a month without sales only adds its days
    assert metrics.countback_dso(D(5000), [(D(0), 31), (D(10000), 30)]) == D("46.0")
    assert metrics.countback_dso(D(0), months) == D("0.0")
    assert metrics.countback_dso(D(40000), months) is None  # more than the whole history


def test_credit_limit_use():
    assert metrics.credit_limit_use(D(12000), D(15000)) == D("80.0")
    assert metrics.credit_limit_use(D(16000), D(15000)) == D("106.7")
    assert metrics.credit_limit_use(D(100), D(0)) is None


def test_month_start():
    assert metrics.month_start(datetime.date(2025, 3, 31)) == datetime.date(2025, 3, 1)
    assert metrics.month_start(datetime.date(2025, 3, 31), 3) == datetime.date(2024, 12, 1)
    assert metrics.month_start(datetime.date(2025, 1, 15), 12) == datetime.date(2024, 1, 1)


@pytest.mark.parametrize(("days", "late", "use", "written", "level", "codes"), [
    (0, None, None, None, metrics.LOW, ()),
    (30, D(15), D(80), {}, metrics.LOW, ()),  # thresholds are exclusive
    (31, None, None, None, metrics.MEDIUM, (metrics.OVERDUE_DAYS,)),
    (0, D("15.1"), None, None, metrics.MEDIUM, (metrics.PAID_LATE,)),
    (0, None, D("80.1"), None, metrics.MEDIUM, (metrics.LIMIT_HIGH,)),
    (61, None, None, None, metrics.HIGH, (metrics.OVERDUE_DAYS,)),
    (0, None, D("100.1"), None, metrics.HIGH, (metrics.LIMIT_EXCEEDED,)),
    (0, None, None, {"EUR": D(10)}, metrics.HIGH, (metrics.WRITTEN_OFF,)),
    (45, D(20), None, {"EUR": D(10)}, metrics.HIGH,
     (metrics.WRITTEN_OFF, metrics.OVERDUE_DAYS, metrics.PAID_LATE)),
])
def test_risk_rating(days, late, use, written, level, codes):
    risk = metrics.risk_rating(days, late, use, written)
    assert risk.level == level
    assert tuple(code for code, _ in risk.reasons) == codes


def test_risk_rule_thresholds_are_settable():
    rule = metrics.RiskRule(high_overdue_days=10, medium_overdue_days=5)
    assert metrics.risk_rating(11, None, None, rule=rule).level == metrics.HIGH
    assert metrics.risk_rating(6, None, None, rule=rule).level == metrics.MEDIUM


# -- figures read from a ledger --------------------------------------------------------------


def test_period_figures_of_two_customers(settlement):
    figures = metrics.period_figures(settlement, NOV, customers={A, B})
    eur = figures["EUR"]
    assert eur.days == 30
    assert eur.opening == D(2000)  # A-2; A-1 was paid in October
    assert eur.invoiced == D(3000)  # B-1
    assert eur.credit_notes == D(300)  # CN-1
    assert eur.credit_sales == D(2700)
    assert eur.closing == D(3700)  # A-2 1700 + B-1 2000
    assert eur.current == D(2000)  # B-1 is due 2025-12-01
    assert eur.overdue == D(1700)
    assert eur.dso == D("41.1")  # 3700 / 2700 x 30 = 41.11
    assert eur.best_possible_dso == D("22.2")  # 2000 / 2700 x 30 = 22.22
    assert eur.average_days_delinquent == D("18.9")
    assert eur.cei == D("37.0")  # (2000 + 2700 - 3700) / (2000 + 2700 - 2000) = 37.04
    # 3700 - 2700 (November, 30 days) = 1000 < 2000 (October): 30 + 1000/2000 x 31 = 45.5
    assert eur.countback_dso == D("45.5")
    assert eur.months[0] == (NOV, D(2700), 30)
    assert eur.months[1] == (datetime.date(2025, 10, 1), D(2000), 31)


def test_period_figures_with_a_past_due_customer(settlement):
    eur = metrics.period_figures(settlement, NOV, customers={A, B, C})["EUR"]
    assert (eur.opening, eur.closing, eur.current) == (D(2600), D(4300), D(2000))
    assert eur.dso == D("47.8")  # 4300 / 2700 x 30 = 47.78
    assert eur.average_days_delinquent == D("25.6")  # 47.8 - 22.2
    assert eur.cei == D("30.3")  # 1000 / 3300
    assert eur.countback_dso == D("54.8")  # 30 + 1600 / 2000 x 31


def test_period_figures_count_unapplied_credits_in_the_balance(settlement):
    eur = metrics.period_figures(settlement, NOV)["EUR"]
    # A 1700 + B 2000 + C 600 + D 900 - E 500
    assert eur.closing == D(4700)
    assert eur.closing == sum(p for p in (D(1700), D(2000), D(600), D(900), D(-500)))
    assert eur.invoiced == D(3900)


def test_period_figures_without_sales_give_none(settlement):
    eur = metrics.period_figures(settlement, NOV, customers={C})["EUR"]
    assert eur.credit_sales == 0
    assert eur.dso is None and eur.best_possible_dso is None
    assert eur.average_days_delinquent is None
    assert eur.cei == D("0.0")  # (600 + 0 - 600) / (600 + 0 - 0): nothing was collected


def test_payment_behaviour(settlement):
    behaviour = metrics.payment_behaviour(settlement)
    alpha = behaviour[A]
    assert alpha.since == datetime.date(2024, 12, 1)
    assert alpha.paid == 2
    assert alpha.average_days_to_pay == D("27.5")  # (20 + 35) / 2
    assert alpha.average_days_late == D("2.5")  # (0 + 5) / 2
    assert alpha.on_time == D("50.0")
    assert len(alpha.trend) == 12
    assert alpha.trend[0].month == datetime.date(2024, 12, 1)
    assert alpha.trend[6] == metrics.MonthBehaviour(datetime.date(2025, 6, 1), 1, D("0.0"))
    assert alpha.trend[10] == metrics.MonthBehaviour(datetime.date(2025, 10, 1), 1, D("5.0"))
    assert alpha.trend[11] == metrics.MonthBehaviour(NOV, 0, None)
    # a write-off is no payment; a partial payment closes nothing
    assert behaviour[C].paid == 0 and behaviour[C].average_days_late is None
    assert behaviour[B].paid == 0


def test_customer_profiles(settlement):
    profiles = metrics.customer_profiles(settlement)
    alpha = profiles[A]
    assert alpha.balances == {"EUR": D(1700)}
    assert alpha.overdue == {"EUR": D(1700)}
    assert alpha.oldest_overdue_days == 21  # due 2025-11-09
    assert alpha.limit_use == D("34.0")  # 1700 / 5000
    assert alpha.risk == metrics.Risk(metrics.LOW, ())

    gamma = profiles[C]
    assert gamma.oldest_overdue_days == 91  # C-2 due 2025-08-31
    assert gamma.written_off == {"EUR": D(1200)}
    assert gamma.risk.level == metrics.HIGH
    assert dict(gamma.risk.reasons) == {metrics.OVERDUE_DAYS: 91,
                                        metrics.WRITTEN_OFF: {"EUR": D(1200)}}

    delta = profiles[DD]
    assert delta.limit_use == D("90.0")
    assert delta.risk == metrics.Risk(metrics.MEDIUM, ((metrics.LIMIT_HIGH, D("90.0")),))
    assert not delta.limit_exceeded

    epsilon = profiles[E]
    assert epsilon.balances == {"EUR": D(-500)}
    assert epsilon.unapplied == {"EUR": D(500)}
    assert epsilon.open_items == 0

    assert profiles[B].overdue == {} and profiles[B].open_items == 1
    assert set(metrics.customer_profiles(settlement, [A])) == {A}


def test_exceeded_limit_is_high_risk(settlement):
    rule = metrics.RiskRule()
    later = subledger(*_load_with("""
2025-11-28 * "Delta" "Invoice" ^D-2
  invoice: "D-2"
  Assets:Receivable:D    200.00 EUR
  Income:Sales
"""), AS_OF)
    delta = metrics.customer_profiles(later, [DD], rule)[DD]
    assert delta.limit_use == D("110.0")
    assert delta.limit_exceeded
    assert delta.risk.level == metrics.HIGH


def _load_with(extra: str):
    entries, errors, options = loader.load_string(LEDGER + extra)
    assert not errors, errors
    return entries, options


def test_metrics_need_an_as_of_date(settlement):
    entries, options = _load_with("")
    undated = subledger(entries, options, None)
    with pytest.raises(ValueError):
        metrics.period_figures(undated, NOV)
    with pytest.raises(ValueError):
        metrics.customer_profiles(undated)
