"""The dunning policy: levels by days overdue and history, disputes, plans, spacing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from beancount_ar.core.reminders import (
    DEFAULT_LEVELS,
    LATE,
    PUNCTUAL,
    REGULAR,
    ReminderPolicy,
    next_level,
    worklist,
)
from beancount_ar.core.subledger import subledger
from tests.conftest import load

D = Decimal
AS_OF = datetime.date(2026, 11, 23)
OPEN = """
    2024-01-01 open Assets:Receivable:Zinc EUR
      customer: "Le Zinc"
    2024-01-01 open Assets:Receivable:Moreau EUR
      customer: "Cabinet Moreau"
    2024-01-01 open Assets:Receivable:Garnier EUR
      customer: "Menuiserie Garnier"
      reminders: FALSE
"""


def invoice(number, account, date, amount="1000.00", terms="net 30"):
    return f"""
    {date} * "Facture {number}" ^{number}
      invoice: "{number}"
      terms: "{terms}"
      {account}   {amount} EUR
      Income:Sales
"""


def payment(number, account, date, amount="1000.00"):
    return f"""
    {date} * "Règlement {number}" ^{number}
      Assets:Bank   {amount} EUR
      {account}  -{amount} EUR
"""


def history(account, prefix, days_late):
    """Three invoices of 2026 paid `days_late` after their due date."""
    text = ""
    for i, month in enumerate((3, 5, 7)):
        number = f"{prefix}-{i}"
        date = datetime.date(2026, month, 1)
        text += invoice(number, account, date)
        text += payment(number, account, date + datetime.timedelta(days=30 + days_late))
    return text


def work(body, as_of=AS_OF, policy=None):
    policy = policy or ReminderPolicy()
    entries, errors, options = load(OPEN + body)
    assert errors == []
    return worklist(subledger(entries, options, as_of), as_of, policy)


def letter(result, customer):
    found = [r for r in result.reminders if r.customer == customer]
    return found[0] if found else None


@pytest.mark.parametrize("days, last, expected", [
    (-6, None, None), (-5, None, 0), (-1, 0, None), (0, None, None), (6, None, None),
    (7, None, 1), (50, None, 1), (7, 0, 1), (14, 1, None), (15, 1, 2), (100, 1, 2),
    (44, 2, None), (45, 2, 3), (400, 3, None),
])
def test_next_level_never_skips_a_step(days, last, expected):
    assert next_level(DEFAULT_LEVELS, days, last) == expected


def test_regular_payer_steps_up_one_level_per_reminder():
    body = invoice("F-1", "Assets:Receivable:Zinc", "2026-09-01")  # due 2026-10-01: 53 days
    assert letter(work(body), "Assets:Receivable:Zinc").level.number == 1
    body += '\n    2026-10-10 custom "ar-reminder" "F-1" 1 "email"\n'
    assert letter(work(body), "Assets:Receivable:Zinc").level.number == 2
    body += '\n    2026-10-20 custom "ar-reminder" "F-1" 2 "email"\n'
    reminder = letter(work(body), "Assets:Receivable:Zinc")
    assert (reminder.level.number, reminder.level.name) == (3, "final")
    assert reminder.profile.name == REGULAR
    body += '\n    2026-11-10 custom "ar-reminder" "F-1" 3 "letter"\n'
    result = work(body)
    assert result.reminders == ()
    assert [s.reason.split(":")[0] for s in result.skipped] == ["final notice already sent"]


def test_one_letter_per_customer_at_the_most_overdue_level_with_every_overdue_invoice():
    body = (invoice("F-1", "Assets:Receivable:Zinc", "2026-08-01")  # due 08-31: 84 days
            + invoice("F-2", "Assets:Receivable:Zinc", "2026-10-15")  # due 11-14: 9 days
            + invoice("F-3", "Assets:Receivable:Zinc", "2026-11-20")  # not yet due
            + '\n    2026-09-10 custom "ar-reminder" "F-1" 1 "email"\n')
    reminder = letter(work(body), "Assets:Receivable:Zinc")
    assert reminder.level.number == 2
    assert [line.item.invoice for line in reminder.lines] == ["F-1", "F-2"]
    assert reminder.totals == {"EUR": D("2000.00")}
    assert "F-1 is 84 days overdue" in reminder.reason


def test_punctual_payers_get_a_courtesy_reminder_before_the_due_date():
    body = (history("Assets:Receivable:Moreau", "H", 0)
            + invoice("F-9", "Assets:Receivable:Moreau", "2026-10-29"))  # due 11-28
    result = work(body)
    reminder = letter(result, "Assets:Receivable:Moreau")
    assert reminder.profile.name == PUNCTUAL
    assert (reminder.level.number, reminder.level.name) == (0, "courtesy")
    assert [line.days_overdue for line in reminder.lines] == [-5]
    earlier = work(body, AS_OF - datetime.timedelta(days=3))
    assert earlier.reminders == ()
    assert [r.customer for r in earlier.upcoming] == ["Assets:Receivable:Moreau"]


def test_late_payers_get_no_courtesy_and_firmer_steps_sooner():
    body = (history("Assets:Receivable:Zinc", "H", 25)
            + invoice("F-9", "Assets:Receivable:Zinc", "2026-10-20"))  # due 11-19: 4 days
    reminder = letter(work(body), "Assets:Receivable:Zinc")
    assert reminder.profile.name == LATE
    assert "25.0 days late on average" in reminder.profile.reason
    assert reminder.level.number == 1
    body += '\n    2026-11-21 custom "ar-reminder" "F-9" 1 "email"\n'
    later = datetime.date(2026, 11, 29)  # 10 days overdue
    assert letter(work(body, later), "Assets:Receivable:Zinc").level.number == 2
    regular = invoice("F-9", "Assets:Receivable:Zinc", "2026-10-20")
    assert letter(work(regular), "Assets:Receivable:Zinc") is None  # +4: too early for regular


def test_disputed_invoices_and_excluded_customers_are_skipped():
    body = (invoice("F-1", "Assets:Receivable:Zinc", "2026-08-01")
            + invoice("F-2", "Assets:Receivable:Garnier", "2026-08-01")
            + '\n    2026-09-05 custom "ar-dispute" "F-1" "livraison incomplète"\n')
    result = work(body)
    assert result.reminders == ()
    reasons = {(s.customer, s.invoice): s.reason for s in result.skipped}
    assert reasons[("Assets:Receivable:Zinc", "F-1")] == (
        "in dispute since 2026-09-05: livraison incomplète")
    assert "excluded" in reasons[("Assets:Receivable:Garnier", None)]
    body += '\n    2026-11-01 custom "ar-dispute-resolved" "F-1" "livré"\n'
    assert letter(work(body), "Assets:Receivable:Zinc").level.number == 1


def test_a_kept_payment_plan_holds_reminders_and_a_missed_instalment_brings_them_back():
    body = (invoice("F-1", "Assets:Receivable:Zinc", "2026-06-01", "3000.00")
            + '\n    2026-09-01 custom "ar-plan" "F-1" 2026-09-15 1000.00 EUR 2026-10-15 '
              "1000.00 EUR 2026-11-15 1000.00 EUR\n"
            + payment("F-1", "Assets:Receivable:Zinc", "2026-09-14")
            + payment("F-1", "Assets:Receivable:Zinc", "2026-10-15"))
    kept = work(body, datetime.date(2026, 11, 10))
    assert kept.reminders == ()
    assert kept.skipped[0].reason == (
        "payment plan of 2026-09-01 kept; next instalment 1000.00 EUR on 2026-11-15")
    missed = work(body)
    assert letter(missed, "Assets:Receivable:Zinc").lines[0].state.open == D("1000.00")


def test_minimum_spacing_between_two_reminders_to_a_customer():
    body = (invoice("F-1", "Assets:Receivable:Zinc", "2026-09-01")
            + invoice("F-2", "Assets:Receivable:Zinc", "2026-10-10")  # due 11-09: 14 days
            + '\n    2026-11-20 custom "ar-reminder" "F-1" 1 "email"\n')
    result = work(body, policy=ReminderPolicy(min_days_between=7))
    assert result.reminders == ()
    assert [(r.customer, r.ready_on) for r in result.waiting] == [
        ("Assets:Receivable:Zinc", datetime.date(2026, 11, 27))]
    assert work(body, datetime.date(2026, 11, 27)).reminders[0].level.number == 2
