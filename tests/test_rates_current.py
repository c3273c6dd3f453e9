"""The shipped rate tables are current at release: each knows the rate that governs the
half-year of `beancount_ar.RELEASE_DATE` (the rule of `core.rates.reference_day`), every row says
where it comes from, and half-year tables have no hole."""

from __future__ import annotations

import pytest

from beancount_ar import RELEASE_DATE
from beancount_ar.core.rates import (
    BOE,
    HALF_YEAR,
    half_year_label,
    half_year_start,
    half_years,
    reference_day,
    shipped_tables,
)

# Rates not published (or not found) when this release was made, for its half-year only: each
# needs a reason, and `bean-ar rates` warns about it with the directive to add. A new release
# date makes the entry stale: the table must then have the rate.
KNOWN_GAPS = {
    ("FR-LEGAL", "2026 H2"): "the arrete fixing the French legal rates for 2026 H2 could not be "
                             "found from the release machine; users add it with ar-rate",
    ("FR-LEGAL-INDIVIDUAL", "2026 H2"): "same arrete as FR-LEGAL",
}


@pytest.mark.parametrize("name", sorted(shipped_tables()))
def test_table_knows_the_rate_of_the_release_half_year(name):
    table = shipped_tables()[name]
    period = half_year_label(RELEASE_DATE)
    day = reference_day(half_year_start(RELEASE_DATE), per_debt=name == BOE)
    if (name, period) in KNOWN_GAPS:
        assert table.rate_on(day) is None, f"{name} now has {period}: remove it from KNOWN_GAPS"
        return
    assert table.rate_on(day) is not None, (
        f"{name} has no rate for {day} ({period}, the half-year of the release date "
        f"{RELEASE_DATE}): add the published rate to beancount_ar/data with its source")


@pytest.mark.parametrize("name", sorted(shipped_tables()))
def test_every_row_has_a_source(name):
    table = shipped_tables()[name]
    assert len(table.sources) == len(table.dates)
    for day, source in zip(table.dates, table.sources, strict=True):
        assert len(source) > 10, f"{name} {day}: no source (publication and date)"


@pytest.mark.parametrize("name", sorted(n for n, t in shipped_tables().items()
                                        if t.kind == HALF_YEAR))
def test_half_year_tables_have_no_hole(name):
    table = shipped_tables()[name]
    expected = half_years(table.dates[0], table.dates[-1])
    assert list(table.dates) == expected

