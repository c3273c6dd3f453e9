"""Property tests of late-payment penalties: never negative, growing with lateness, nothing for
invoices paid on time, and no second copy when the generated entries are written out."""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount import loader
from beancount.core import data
from beancount.parser import printer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount_ar.core.penalties import Rates, base_policy, item_penalties, parse_penalty_config
from beancount_ar.core.rates import shipped_tables

D = Decimal
ZERO = Decimal(0)
AS_OF = datetime.date(2026, 6, 30)  # every shipped table knows its rates up to here

CONFIGS = {
    "FR": "{'regime': 'FR', 'account': 'Income:P'}",
    "DE": "{'regime': 'DE', 'account': 'Income:P'}",
    "EU": "{'regime': 'EU', 'account': 'Income:P', 'floor': True}",
    "fixed": "{'regime': 'fixed', 'rate': 9.5, 'account': 'Income:P', 'indemnity': 40}",
    "monthly": "{'regime': 'monthly', 'account': 'Income:P', 'day_count': 'actual'}",
    "FR-settlement": "{'account': 'Income:P', 'schedule': 'settlement', 'grace_days': 7}",
}
RATES = {name: Rates(parse_penalty_config(text)[0], shipped_tables())
         for name, text in CONFIGS.items()}

amounts = st.decimals(min_value=D("0.01"), max_value=D("250000"), places=2)
dues = st.dates(min_value=datetime.date(2023, 1, 1), max_value=datetime.date(2026, 5, 31))


def total(name: str, amount: Decimal, due: datetime.date,
          payments: list[tuple[datetime.date, Decimal]], posted: Decimal = ZERO) -> Decimal:
    config = parse_penalty_config(CONFIGS[name])[0]
    paid = sum((a for _, a in payments), D(0))
    closed = max(d for d, _ in payments) if payments and paid >= amount else None
    result = item_penalties(amount=amount, currency="EUR", due=due, payments=payments,
                            closed=closed, as_of=AS_OF, policy=base_policy(config),
                            config=config, rates=RATES[name], posted=posted)
    assert result.missing is None
    for charge in result.charges:
        assert charge.amount > 0 and charge.interest >= 0 and charge.indemnity >= 0
    return sum((c.amount for c in result.charges), D(0))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(CONFIGS)), amounts, dues, st.integers(0, 400),
       st.integers(0, 400), st.integers(1, 99))
def test_never_negative_and_growing_with_lateness(name, amount, due, late, more, percent):
    first = due + datetime.timedelta(days=late)
    if first > AS_OF:
        return
    part = (amount * percent / 100).quantize(D("0.01"))
    # A partial payment after `late` days and the rest `more` days later.
    later = min(first + datetime.timedelta(days=more), AS_OF)
    early = total(name, amount, due, [(first, part), (later, amount - part)])
    assert early >= 0
    # Paying the same amounts one day later never costs less.
    one = datetime.timedelta(days=1)
    if later + one <= AS_OF:
        assert total(name, amount, due, [(first + one, part), (later + one, amount - part)]) \
            >= early
    # Paying everything at once on the later date costs at least as much as paying part sooner.
    assert total(name, amount, due, [(later, amount)]) >= early


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(CONFIGS)), amounts, dues, st.integers(0, 60), st.integers(1, 99))
def test_nothing_for_invoices_paid_on_time(name, amount, due, early, percent):
    part = (amount * percent / 100).quantize(D("0.01"))
    day = due - datetime.timedelta(days=early)
    assert total(name, amount, due, [(day, part), (due, amount - part)]) == 0


@settings(max_examples=200, deadline=None)
@given(amounts, dues, st.integers(1, 500), st.decimals(min_value=0, max_value=500, places=2))
def test_what_is_posted_already_is_never_charged_again(amount, due, late, posted):
    pay = min(due + datetime.timedelta(days=late), AS_OF)
    full = total("FR", amount, due, [(pay, amount)])
    again = total("FR", amount, due, [(pay, amount)], posted=posted)
    assert again == max(D(0), full - posted)


# -- whole ledgers ---------------------------------------------------------------------------

HEADER = """\
plugin "beancount_ar" "{'default_terms': 'net 30'}"
plugin "beancount_ar.penalties" "{'regime': 'FR', 'account': 'Income:Penalties', \
'as_of': '2026-06-30'}"
2024-01-01 open Assets:Bank EUR
2024-01-01 open Income:Sales
2024-01-01 open Income:Penalties
2024-01-01 open Assets:Receivable:A EUR
2024-01-01 open Assets:Receivable:B EUR
"""


@st.composite
def ledgers(draw) -> str:
    """Invoices of two customers (some in two instalments) and their payments: full or partial,
    on time or late, naming their invoice or not (then matched oldest first, and maybe to
    penalties first)."""
    lines = [HEADER]
    for number in range(draw(st.integers(1, 5))):
        customer = draw(st.sampled_from("AB"))
        date = draw(st.dates(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)))
        due = date + datetime.timedelta(days=draw(st.sampled_from((0, 30, 45))))
        amount = draw(st.decimals(min_value=D("10"), max_value=D("20000"), places=2))
        when = draw(st.sampled_from((f"due: {due}", 'terms: "30 % à réception ; 70 % 30 jours"')))
        lines.append(f'{date} * "{customer}" "Facture" ^F-{number}\n  invoice: "F-{number}"\n'
                     f"  {when}\n  Assets:Receivable:{customer}  {amount} EUR\n"
                     "  Income:Sales\n")
        rest = amount
        for _ in range(draw(st.integers(0, 2))):
            if rest <= 0:
                break
            pay = due + datetime.timedelta(days=draw(st.integers(-20, 200)))
            pay = max(pay, date)
            part = rest if draw(st.booleans()) else (rest / 2).quantize(D("0.01"))
            link = f" ^F-{number}" if draw(st.booleans()) else ""
            lines.append(f'{pay} * "{customer}" "Paiement"{link}\n  Assets:Bank  {part} EUR\n'
                         f"  Assets:Receivable:{customer}  -{part} EUR\n")
            rest -= part
    return "\n".join(lines)


def generated(entries) -> list[data.Transaction]:
    return [e for e in entries if isinstance(e, data.Transaction)
            and e.meta.get("filename") == "<beancount_ar>" and "ar-penalty" in e.tags]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_generated_entries_written_out_yield_no_second_copy(text):
    entries, errors, _ = loader.load_string(text)
    penalty_errors = [e for e in errors if "penalties" in str(e.message)]
    assert penalty_errors == []
    first = generated(entries)
    assert all(e.postings[0].units.number > 0 for e in first)
    # Deterministic: the same ledger gives the same entries.
    assert [printer.format_entry(e) for e in generated(loader.load_string(text)[0])] == \
        [printer.format_entry(e) for e in first]
    written = "\n".join(printer.format_entry(e) for e in first)
    again, errors, _ = loader.load_string(text + "\n" + written)
    assert generated(again) == []
