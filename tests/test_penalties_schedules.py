"""The penalties plugin's period schedules (`quarter-end`, `year-end`) and its fast output.

    plugin "beancount_ar.penalties" "{'account': 'Income:Penalties', 'schedule': 'year-end'}"

A late invoice is charged at each period end while it is overdue and on the day it is settled;
each entry charges the rounded cumulative amount less what is already charged, so the total on
an invoice is the same whatever the schedule. Also: the narrations' numbers are Babel's text
(made without Babel).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from beancount import loader
from beancount.parser import printer

from beancount_ar.core.interest import charge_dates, month_ends
from beancount_ar.plugins import penalties as plugin
from tests.test_penalties import WORKED, amounts, generated, ledger, load

D = Decimal

OPEN = """
2025-10-16 * "Dupont" "Facture" ^F-9
  invoice: "F-9"
  due: 2025-11-15
  Assets:Receivable:Dupont   1000.00 EUR
  Income:Sales
"""


def test_year_end_charges_once_when_settled_within_the_year():
    entries, errors, _ = load(WORKED, "schedule='year-end'")
    assert errors == []
    # the whole 102.60 of interest (rounded once) and the indemnity, on the day of payment
    assert amounts(entries) == [("2025-07-20", D("142.60"))]
    assert "settled 2025-07-20" in generated(entries)[0].narration


def test_quarter_end_charges_at_30_june_then_at_settlement():
    entries, errors, _ = load(WORKED, "schedule='quarter-end'")
    assert errors == []
    assert amounts(entries) == [("2025-06-30", D("76.03")), ("2025-07-20", D("66.57"))]


def test_open_invoice_is_charged_at_each_period_end_up_to_the_as_of_date():
    # 1000.00 EUR late from 2025-11-16: 46 days at 12.15 % to 31 December (15.3123), then
    # 181 days at 12.15 % in 2026 H1 and 31 + 31 + 30 at 12.40 % in 2026 H2 (as of 2026-11-23).
    year, errors, _ = load(OPEN, "schedule='year-end'")
    assert errors == []
    assert amounts(year) == [("2025-12-31", D("15.31") + 40)]
    quarter, errors, _ = load(OPEN, "schedule='quarter-end'")
    assert errors == []
    assert [day for day, _ in amounts(quarter)] == [
        "2025-12-31", "2026-03-31", "2026-06-30", "2026-09-30"]
    month, errors, _ = load(OPEN)
    assert errors == []
    # Each schedule charges the same rounded cumulative amount at a date they share.
    for schedule in (year, quarter):
        for day, _ in amounts(schedule):
            assert sum(n for d, n in amounts(schedule) if d <= day) == \
                sum(n for d, n in amounts(month) if d <= day)


@pytest.mark.parametrize("schedule", ["year-end", "quarter-end"])
def test_period_schedules_never_charge_twice(schedule):
    text = ledger(WORKED + OPEN, f"schedule='{schedule}'")
    first = [printer.format_entry(e) for e in generated(loader.load_string(text)[0])]
    second = [printer.format_entry(e) for e in generated(loader.load_string(text)[0])]
    assert first == second and first
    entries, errors, _ = loader.load_string(text + "\n" + "\n".join(first))
    assert errors == [] and generated(entries) == []
    # written out as of an earlier date, only the rest is charged later
    early = ledger(WORKED + OPEN, f"schedule='{schedule}'; as_of='2026-01-15'")
    written = "\n".join(printer.format_entry(e) for e in generated(loader.load_string(early)[0]))
    entries, errors, _ = loader.load_string(text + "\n" + written)
    assert errors == []
    assert sum(n for _, n in amounts(entries)) + sum(
        n for _, n in amounts(loader.load_string(early)[0])) == sum(
        n for _, n in amounts(loader.load_string(text)[0]))


def test_an_unknown_schedule_names_the_choices():
    _, errors, _ = load(WORKED, "schedule='weekly'")
    message = " ".join(str(errors[0].message).split())
    assert "'weekly' is not one of" in message and "'year-end'" in message


def test_period_ends():
    first, last = datetime.date(2024, 11, 15), datetime.date(2026, 5, 3)
    assert [str(d) for d in month_ends(first, last, 3)] == [
        "2024-12-31", "2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31", "2026-03-31"]
    assert [str(d) for d in month_ends(first, last, 12)] == ["2024-12-31", "2025-12-31"]
    assert len(month_ends(first, last)) == 18
    # settled on a period end: one entry that day, not two
    settled = datetime.date(2026, 3, 31)
    assert charge_dates(first, settled, last, "quarter-end")[-2:] == [
        datetime.date(2025, 12, 31), settled]
    assert charge_dates(first, None, last, "year-end") == [
        datetime.date(2024, 12, 31), datetime.date(2025, 12, 31)]


@pytest.mark.parametrize("language,locale", [("en", "en_GB"), ("fr", "fr_FR")])
def test_narration_numbers_are_babels_text(language, locale):
    number = plugin._numbers(language)
    rng = random.Random(7)
    values = [D("-0.00"), D("0"), D("1E+3"), D("5E+1"), D("12.150"), D("0.0001"), D("1E-7"),
              D("-1234567.891")]
    values += [D(rng.randint(-10**12, 10**12)).scaleb(-rng.randint(0, 6)) for _ in range(3000)]
    for value in values:
        exponent = value.as_tuple().exponent
        digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        assert number(value) == format_decimal(value, format=pattern, locale=locale), value
    assert number(7) == "7"


def test_positional_messages_fill_as_keywords():
    """The narration's messages are numbered once (`_positional`) and filled with positional
    arguments: the same text as filling the message with keywords, literal braces, conversions
    and format specs kept, in every language's catalog."""
    message = "{{x}} {b!r:>6} {a:03d} {c} {a}"
    numbered = plugin._positional(message, ("a", "b", "c"))
    assert numbered == "{{x}} {1!r:>6} {0:03d} {2} {0}"
    assert numbered.format(7, "q", "z") == message.format(a=7, b="q", c="z") == \
        "{x}    'q' 007 z 7"
    assert plugin._positional("no fields", ("a",)).format("ignored") == "no fields"
    from beancount_ar.i18n import LANGUAGES, translator
    for language in LANGUAGES:
        t = translator(language)
        narration = plugin._Narration(language)
        segment = t("{base} {currency} x {rate} % ({label}) x {days}/{year} ({span})")
        values = dict(base="1", currency="EUR", rate="2", label="L", days=3, year=365, span="s")
        assert narration.labelled.format(*values.values()) == segment.format(**values)
        totals = dict(segments="S", to_date="T", charged="C", interest="I", currency="EUR")
        less = t("interest {segments}; {to_date} {currency} to date less {charged} {currency} "
                 "charged = {interest} {currency}")
        assert narration.less.format(*totals.values()) == less.format(**totals)
