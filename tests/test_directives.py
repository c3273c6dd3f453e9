"""One bad entry, one error: every ``custom "ar-..."`` directive, and entries beyond the dates and
amounts that can be computed, are each one error at their line; the plugins go on for the rest.
A hypothesis fuzz test builds ledgers from the project's own directives with values missing,
extra, of the wrong type or out of range."""

from __future__ import annotations

import datetime
import os
import tempfile
import textwrap
from decimal import Decimal

from beancount import loader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount_ar.core.reminders import COURTESY, FINAL
from beancount_ar.core.sending import LEVELS
from beancount_ar.core.subledger import subledger
from beancount_ar.render.documents import DocumentError
from beancount_ar.render.letters import prepare_reminders

HEAD = """\
option "operating_currency" "EUR"
plugin "beancount_ar" "{'default_terms': 'net 30'}"
plugin "beancount_ar.penalties" "{'regime': 'FR', 'account': 'Income:Penalties'}"
2024-01-01 open Assets:Receivable:Zinc EUR
  customer: "Le Zinc"
2024-01-01 open Income:Sales
2024-01-01 open Income:Penalties
2024-01-01 open Assets:Bank
2024-01-01 custom "ar-rate" "ECB" 2.15
2026-01-01 custom "ar-rate" "ECB" 2.15
2026-07-01 custom "ar-rate" "ECB" 2.15
2026-08-01 * "Le Zinc" "Repas" ^F-1
  invoice: "F-1"
  Assets:Receivable:Zinc   1200.00 EUR
  Income:Sales
"""
AS_OF = datetime.date(2026, 11, 23)


def check(text: str) -> list:
    """Load `text`: no internal error, no plugin skipped, every error at a line of the text;
    the valid invoice F-1 still has its computed due date; the errors."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "main.beancount")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        entries, errors, options = loader.load_file(path)
    lines = text.count("\n") + 1
    for error in errors:
        message = str(error.message)
        assert "internal error" not in message and "Traceback" not in message, message
        assert "skipped" not in message or "plugin" not in message, message
        assert error.source and 0 < error.source.get("lineno", 0) <= lines, error
    [invoice] = [e for e in entries if getattr(e, "meta", {}).get("invoice") == "F-1"
                 and hasattr(e, "postings")]
    assert invoice.meta["due"] == datetime.date(2026, 8, 31)
    # the adapters' entry points go on too
    subledger(entries, options, AS_OF)
    try:
        prepare_reminders(entries, options, AS_OF)
    except DocumentError:  # a clear message for the user (no company...): fine
        pass
    return errors


def lines_of(errors) -> list[int]:
    return sorted(e.source["lineno"] for e in errors)


def test_the_levels_are_the_policys():
    assert LEVELS == tuple(range(COURTESY, FINAL + 1))


def test_empty_directives_are_one_error_each_and_pad_does_not_break():
    body = "".join(f'2026-08-02 custom "{kind}"\n' for kind in (
        "ar-reminder", "ar-plan", "ar-dispute", "ar-dispute-resolved", "ar-company", "ar-rate"))
    errors = check(HEAD + body)
    first = HEAD.count("\n") + 1
    assert lines_of(errors) == list(range(first, first + 6)), [e.message for e in errors]
    assert not any("pad" in str(e.message) for e in errors)


def test_a_reminder_record_needs_a_valid_level_and_channel():
    body = textwrap.dedent("""\
        2026-09-10 custom "ar-reminder" "F-1" 22 42
        2026-09-11 custom "ar-reminder" "F-1" 1 42
        2026-09-12 custom "ar-reminder" "F-1" 1.5 "email"
        2026-09-13 custom "ar-reminder" "F-1" 1 "email" "extra"
        2026-09-14 custom "ar-reminder" "F-1" 1 "email"
    """)
    errors = check(HEAD + body)
    first = HEAD.count("\n") + 1
    assert lines_of(errors) == [first, first + 1, first + 2, first + 3]
    assert "the level must be one of 0, 1, 2, 3" in errors[0].message
    assert "the channel must be a short lower-case word" in errors[1].message


def test_dates_and_amounts_beyond_what_can_be_computed_are_one_error_each():
    body = textwrap.dedent("""\
        9999-12-20 * "Le Zinc" "Repas" ^F-2
          invoice: "F-2"
          Assets:Receivable:Zinc   1200.00 EUR
          Income:Sales
        2026-08-01 * "Le Zinc" "Repas" ^F-3
          invoice: "F-3"
          Assets:Receivable:Zinc   100000000000000000000000000.00 EUR
          Income:Sales            -100000000000000000000000000.00 EUR
        2026-08-05 custom "ar-plan" "F-1" 2026-09-01 100000000000000000000000000.00 EUR
        2026-08-05 custom "ar-dispute" "F-1" 9999-12-20
    """)
    errors = check(HEAD + body)
    first = HEAD.count("\n") + 1
    assert lines_of(errors) == [first, first + 4, first + 8, first + 9], [
        e.message for e in errors]
    assert "out of range" in errors[0].message or "out of range" in errors[1].message


def test_reminder_settings_out_of_range_are_errors():
    body = ('2026-01-01 custom "ar-reminders" "{\'min_days_between\': 1000000000, '
            "'indemnity': 1e999, 'friendly_days': 1000000000}\"\n")
    errors = check(HEAD + body)
    assert lines_of(errors) == [HEAD.count("\n") + 1] * 3


# -- fuzz ------------------------------------------------------------------------------------

TEXT = st.text(alphabet="abcF-0123456789 é", min_size=0, max_size=12)
DATES = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31))
NUMBERS = st.one_of(
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=2,
                min_value=Decimal("-1e28"), max_value=Decimal("1e28")).map(str),
    st.sampled_from(["0", "1", "2", "3", "22", "-1", "1.5", "1000000000"]))
VALUES = st.one_of(
    st.sampled_from(['"F-1"', '"F-404"', '"Assets:Receivable:Zinc"', '"email"', '"letter"',
                     "TRUE", "FALSE", "Assets:Receivable:Zinc", '"ECB"', '""']),
    TEXT.map(lambda t: f'"{t}"'),
    NUMBERS,
    NUMBERS.map(lambda n: f"{n} EUR"),
    DATES.map(str),
)
SETTING_VALUES = st.sampled_from(["0", "-1", "7", "10**9", "1e999", "True", "None", "'x'",
                                  "'a@b.fr'", "(1, 2)", "[]", "{}", "-10**9"])
SETTING_KEYS = st.sampled_from(["min_days_between", "friendly_days", "firm_days", "final_days",
                                "courtesy_days", "deadline_days", "indemnity", "late_days",
                                "upcoming_days", "punctual_share", "smtp_port", "name",
                                "country", "iban", "email", "language", "unknown"])
SETTINGS = st.dictionaries(SETTING_KEYS, SETTING_VALUES, max_size=4).map(
    lambda d: '"{' + ", ".join(f"'{k}': {v}" for k, v in d.items()) + '}"')
KINDS = ["ar-reminder", "ar-plan", "ar-dispute", "ar-dispute-resolved", "ar-rate"]


@st.composite
def directive(draw) -> str:
    day = draw(st.one_of(st.dates(min_value=datetime.date(2025, 1, 1),
                                  max_value=datetime.date(2027, 12, 31)), DATES))
    kind = draw(st.sampled_from([*KINDS, "ar-company", "ar-reminders"]))
    if kind in ("ar-company", "ar-reminders"):
        values = draw(st.lists(st.one_of(SETTINGS, VALUES), max_size=2))
    else:
        values = draw(st.lists(VALUES, max_size=6))
    return f'{day} custom "{kind}" {" ".join(values)}'.rstrip() + "\n"


@st.composite
def invoice(draw) -> str:
    day = draw(st.one_of(st.dates(min_value=datetime.date(2025, 1, 1),
                                  max_value=datetime.date(2026, 11, 1)), DATES))
    number = draw(st.sampled_from(["F-2", "F-3"]))
    amount = draw(NUMBERS)
    return (f'{day} * "Le Zinc" "x" ^{number}\n  invoice: "{number}"\n'
            f"  Assets:Receivable:Zinc  {amount} EUR\n  Income:Sales  -{amount} EUR\n"
            ).replace("--", "")


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.one_of(directive(), invoice()), min_size=1, max_size=6))
def test_fuzz_no_traceback_no_plugin_skipped_every_error_at_a_line(parts):
    check(HEAD + "".join(parts))
