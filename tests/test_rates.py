"""Rate tables: the shipped data files, the ledger's ``ar-rate`` directives, each regime's rate."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from beancount_ar.core.penalties import Missing, Quote, Rates, parse_penalty_config
from beancount_ar.core.rates import (
    HALF_YEAR,
    STEP,
    RateError,
    RateRow,
    extend_tables,
    half_year_end,
    half_year_label,
    half_year_start,
    parse_table,
    read_rate_directive,
    shipped_tables,
)

D = Decimal
day = datetime.date


def rates(config: str = "") -> Rates:
    parsed, problems = parse_penalty_config("{'account': 'Income:P'" + config + "}")
    assert problems == [] and parsed is not None
    return Rates(parsed, shipped_tables())


def annual(r: Rates, when: datetime.date, start: datetime.date | None = None) -> Decimal:
    quote = r.quote(None, start or when - datetime.timedelta(days=1), when)
    assert isinstance(quote, Quote), quote
    return quote.rate


def test_shipped_tables():
    tables = shipped_tables()
    assert set(tables) == {"ECB", "BOE", "DE-BASE", "FR-LEGAL", "FR-LEGAL-INDIVIDUAL"}
    ecb = tables["ECB"]
    assert ecb.kind == STEP and ecb.rate_on(day(2025, 1, 1)) == D("3.15")
    assert ecb.rate_on(day(2024, 7, 1)) == D("4.25")  # not the September 3.65
    assert ecb.rate_on(day(2022, 12, 21)) == D("2.50")
    assert ecb.rate_on(day(2022, 12, 20)) is None  # before the table
    assert ecb.rate_on(day(2026, 1, 1)) == D("2.15") and ecb.known_until == day(2026, 7, 1)
    assert ecb.rate_on(day(2026, 6, 16)) == D("2.15")
    assert ecb.rate_on(day(2026, 6, 17)) == ecb.rate_on(day(2026, 7, 1)) == D("2.40")
    assert ecb.rate_on(day(2026, 7, 2)) is None  # a rate may change any day: unknown
    de = tables["DE-BASE"]
    assert de.kind == HALF_YEAR and de.rate_on(day(2025, 3, 15)) == D("2.27")
    assert de.rate_on(day(2026, 7, 1)) == D("1.52")  # derived: 1.27 + (2.40 - 2.15)
    assert de.known_until == day(2026, 12, 31) and de.rate_on(day(2027, 1, 1)) is None
    boe = tables["BOE"]
    assert boe.rate_on(day(2024, 12, 31)) == D("4.75")
    assert boe.rate_on(day(2025, 6, 30)) == D("4.25")
    assert boe.rate_on(day(2025, 12, 17)) == D("4.00")
    assert boe.rate_on(day(2025, 12, 31)) == boe.rate_on(day(2026, 6, 30)) == D("3.75")
    assert boe.rate_on(day(2026, 7, 1)) is None


@pytest.mark.parametrize("start, french, floor", [
    (day(2023, 1, 1), "12.50", "6.18"),
    (day(2023, 7, 1), "14.00", "12.66"),
    (day(2024, 1, 1), "14.50", "15.21"),
    (day(2024, 7, 1), "14.25", "14.76"),
    (day(2025, 1, 1), "13.15", "11.13"),
    (day(2025, 7, 1), "12.15", "8.28"),
    (day(2026, 1, 1), "12.15", "7.86"),
])
def test_french_rate_and_floor_by_half_year(start, french, floor):
    """receivables.md section 2: ECB + 10 per half-year, and 3 x the legal rate."""
    middle = start + datetime.timedelta(days=90)
    assert annual(rates(), start) == annual(rates(), middle) == D(french)
    assert 3 * shipped_tables()["FR-LEGAL"].rate_on(middle) == D(floor)
    assert annual(rates(", 'floor': True"), middle) == max(D(french), D(floor))


def test_2026_h2_follows_the_june_2026_ecb_raise():
    assert annual(rates(), day(2026, 7, 1)) == annual(rates(), day(2026, 12, 31)) == D("12.40")
    assert annual(rates(", 'regime': 'EU'"), day(2026, 9, 1)) == D("10.40")
    assert annual(rates(", 'regime': 'DE'"), day(2026, 9, 1)) == D("10.52")
    # UK: late from 2026-07-02, Bank Rate of 2026-06-30; from 2026-01-02, of 2025-12-31.
    uk = rates(", 'regime': 'UK'")
    assert annual(uk, day(2026, 7, 2), day(2026, 7, 1)) == D("11.75")
    assert annual(uk, day(2026, 1, 2), day(2026, 1, 1)) == D("11.75")


def test_eu_de_uk_fixed_monthly_rates():
    assert annual(rates(", 'regime': 'EU'"), day(2025, 8, 1)) == D("10.15")
    assert annual(rates(", 'regime': 'DE'"), day(2025, 2, 1)) == D("11.27")
    assert annual(rates(", 'regime': 'DE'"), day(2025, 8, 1)) == D("10.27")
    assert annual(rates(", 'regime': 'EU', 'margin': 9"), day(2025, 8, 1)) == D("11.15")
    uk = rates(", 'regime': 'UK'")
    # Late from 2025-03-02 (January-June): Bank Rate of 2024-12-31, for the life of the debt.
    start = day(2025, 3, 1)
    assert annual(uk, day(2025, 3, 2), start) == annual(uk, day(2025, 9, 1), start) == D("12.75")
    # Late from 2025-07-02: Bank Rate of 2025-06-30.
    assert annual(uk, day(2025, 7, 2), day(2025, 7, 1)) == D("12.25")
    assert annual(rates(", 'regime': 'fixed', 'rate': 11.5"), day(2025, 1, 1)) == D("11.5")
    assert annual(rates(", 'regime': 'monthly'"), day(2025, 1, 1)) == D("18.0")
    assert annual(rates(", 'regime': 'monthly', 'rate': 2"), day(2025, 1, 1)) == D("24")
    # A contractual rate replaces reference + margin, the floor still applies.
    contract = rates(", 'rate': 10, 'floor': True")
    assert contract.quote(None, day(2024, 1, 31), day(2024, 2, 1)).rate == D("15.21")
    assert contract.quote(None, day(2025, 1, 31), day(2025, 2, 1)).rate == D("11.13")
    assert contract.quote(D(12), day(2025, 1, 31), day(2025, 2, 1)).rate == D(12)


def test_unknown_period_names_the_table_and_the_directive():
    assert isinstance(rates().quote(None, day(2026, 6, 30), day(2026, 7, 1)), Quote)
    found = rates().quote(None, day(2026, 12, 31), day(2027, 1, 1))
    assert isinstance(found, Missing)
    assert (found.table, found.day, found.period) == ("ECB", day(2027, 1, 1), "2027 H1")
    assert '2027-01-01 custom "ar-rate" "ECB" <rate in percent>' in found.message
    found = rates(", 'regime': 'UK'").quote(None, day(2027, 1, 4), day(2027, 1, 5))
    assert isinstance(found, Missing) and found.day == day(2026, 12, 31)
    found = rates(", 'floor': True").quote(D(12), day(2026, 6, 30), day(2026, 7, 1))
    assert isinstance(found, Missing) and found.table == "FR-LEGAL"


def test_ledger_rows_extend_and_override_the_shipped_tables():
    tables = extend_tables(shipped_tables(), [RateRow("ECB", day(2027, 1, 1), D("2.65")),
                                              RateRow("ECB", day(2025, 6, 11), D("2.20")),
                                              RateRow("DE-BASE", day(2027, 1, 1), D("1.50"))])
    assert tables["ECB"].rate_on(day(2027, 1, 1)) == D("2.65")
    assert tables["ECB"].rate_on(day(2025, 7, 1)) == D("2.20")  # the ledger's row wins
    assert tables["DE-BASE"].known_until == day(2027, 6, 30)
    assert shipped_tables()["ECB"].rate_on(day(2027, 1, 1)) is None  # shipped ones untouched


class V:  # a Beancount ValueType stand-in
    def __init__(self, value):
        self.value = value


def test_read_rate_directive():
    known = shipped_tables()
    row = read_rate_directive(day(2026, 7, 1), [V("ecb"), V(D("2.15"))], known)
    assert row == RateRow("ECB", day(2026, 7, 1), D("2.15"))
    assert read_rate_directive(day(2026, 7, 1), ["DE-BASE", D("0")], known).rate == 0


@pytest.mark.parametrize("values, when, expected", [
    (["ECB"], day(2026, 7, 1), "expected a table name and a rate in percent"),
    (["ECB", "2.15"], day(2026, 7, 1), "expected a table name and a rate in percent"),
    ([D("2.15"), "ECB"], day(2026, 7, 1), "expected a table name and a rate in percent"),
    (["ECB", D("-0.5")], day(2026, 7, 1), "a percentage of zero or more, not -0.5"),
    (["ECB", D("215")], day(2026, 7, 1), "not a plausible annual rate"),
    (["EBC", D("2.15")], day(2026, 7, 1), "unknown rate table 'EBC'; known tables: BOE"),
    (["DE-BASE", D("1.27")], day(2026, 7, 15), "set per half-year: date it 2026-07-01"),
])
def test_malformed_rate_directives(values, when, expected):
    with pytest.raises(RateError, match=None) as info:
        read_rate_directive(when, values, shipped_tables())
    assert expected in str(info.value)


@pytest.mark.parametrize("text, expected", [
    ("when,rate\n2025-01-01,2.00", "the first row must be the header"),
    ("date,rate\n2025-13-01,2.00", "row 2: expected 'YYYY-MM-DD,rate'"),
    ("date,rate\n2025-01-01,deux", "row 2: expected 'YYYY-MM-DD,rate'"),
    ("# comment\ndate,rate\n2025-01-01,2.00\n2025-02-01,-1", "row 3: the rate must be"),
])
def test_malformed_tables(text, expected):
    with pytest.raises(RateError) as info:
        parse_table(text, "X", STEP)
    assert expected in str(info.value)


def test_half_years():
    assert half_year_start(day(2025, 6, 30)) == day(2025, 1, 1)
    assert half_year_start(day(2025, 7, 1)) == day(2025, 7, 1)
    assert half_year_end(day(2025, 2, 1)) == day(2025, 6, 30)
    assert half_year_end(day(2025, 12, 1)) == day(2025, 12, 31)
    assert half_year_label(day(2025, 7, 1)) == "2025 H2"
