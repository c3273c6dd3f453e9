"""Due-date month arithmetic (`beancount_ar.core.terms.DueRule.due`) gives exactly what
dateutil's relativedelta gives, for every rule kind and any date beancount-ar reads."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from beancount_ar.core.limits import EARLIEST, LATEST
from beancount_ar.core.terms import DueRule

dates = st.dates(min_value=EARLIEST, max_value=LATEST - datetime.timedelta(days=4000))


@given(dates, st.integers(0, 3650), st.one_of(st.none(), st.integers(1, 31)))
def test_month_arithmetic_matches_relativedelta(day: datetime.date, days: int,
                                                 day_of_month: int | None) -> None:
    month_end = day + relativedelta(day=31)
    assert DueRule("eom_then_days", days).due(day) == month_end + datetime.timedelta(days=days)
    end = day + datetime.timedelta(days=days) + relativedelta(day=31)
    expected = end if day_of_month is None else end + relativedelta(months=1, day=day_of_month)
    assert DueRule("days_then_eom", days, day_of_month).due(day) == expected
    if day_of_month is not None:
        assert DueRule("proximo", 0, day_of_month).due(day) == day + relativedelta(
            months=1, day=day_of_month)


def test_year_end_and_leap_years() -> None:
    assert DueRule("proximo", 0, 31).due(datetime.date(2024, 1, 15)) == datetime.date(2024, 2, 29)
    assert DueRule("proximo", 0, 10).due(datetime.date(2025, 12, 31)) == datetime.date(2026, 1, 10)
    assert DueRule("eom_then_days", 45).due(datetime.date(2025, 2, 3)) == datetime.date(2025, 4, 14)
