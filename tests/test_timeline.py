"""The timeline answers every as-of date exactly as settling again would.

`Timeline(book).at(day)` must be `settle(book, day)` - the same items, allocations, unapplied
credits, pending discounts and errors, in the same order - and `BalanceIndex(entries,
root).at(day, accounts)` must be `receivable_balances(entries, root, day, accounts)`, for every
date: before the first entry, on each entry's date, the days around it, long after the last, and
None. Checked on a ledger with every kind of event (penalties, discounts booked, pending and
taken early, credit notes, write-offs, unreferenced payments taken back by a named one, netted
overpayments released, credits naming later invoices or other customers' invoices), on
generated ledgers, and on the example ledger.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from decimal import Decimal
from pathlib import Path

from beancount import loader
from beancount.core import data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import CUSTOMERS, render
from test_properties import ledgers as operations

from beancount_ar.core.aging import receivable_balances
from beancount_ar.core.allocation import Settlement, settle
from beancount_ar.core.book import read_book
from beancount_ar.core.config import config_from_options
from beancount_ar.core.timeline import BalanceIndex, Timeline
from tests.conftest import load

D = Decimal
ONE = datetime.timedelta(days=1)
EXAMPLE = Path(__file__).resolve().parent.parent / "example-ledger" / "main.beancount"


def probe_dates(days) -> list[datetime.date | None]:
    """Every date that can tell a difference: each day given, the days around it, one before
    the first and long after the last, and None."""
    days = sorted(set(days))
    if not days:
        return [datetime.date(2025, 1, 1), None]
    probes = {days[0] - datetime.timedelta(days=365), days[-1] + datetime.timedelta(days=400)}
    for day in days:
        probes.update((day - ONE, day, day + ONE))
    return [*sorted(probes), None]


def assert_same(got: Settlement, want: Settlement, day) -> None:
    """Field by field (the first difference is the message), then as a whole, amounts written
    out (Decimal equality does not see 100.0 versus 100.00)."""
    for field in dataclasses.fields(Settlement):
        if not field.compare:  # open_states: checked below
            continue
        assert getattr(got, field.name) == getattr(want, field.name), (day, field.name)
    assert got == want, day
    assert [str(s.open) for s in got.items] == [str(s.open) for s in want.items], day
    assert [str(u.amount) for u in got.unapplied] == [str(u.amount) for u in want.unapplied], day
    assert [e.message for e in got.errors] == [e.message for e in want.errors], day
    # the open items, known to the timeline without a pass, are the ones a pass finds
    assert list(got.open_items()) == [s for s in want.items if s.open != 0], day
    assert [id(s) for s in got.open_items()] == [id(s) for s in got.items if s.open != 0], day


def check_balances(entries, root: str, days, accounts: list[str]) -> None:
    index = BalanceIndex(entries, root)
    subsets = [None, set(accounts), set(), {"Assets:Bank"}, {root + ":Nobody"},
               *({account} for account in accounts)]
    if len(accounts) > 1:
        subsets.append(set(accounts[1:]))
    for day in days:
        for subset in subsets:
            want = receivable_balances(entries, root, day, subset)
            got = index.at(day, subset)
            assert got == want, (day, subset)
            # The same currencies in the same order, the same amounts to the last digit.
            assert [(c, str(v)) for c, v in got.items()] == \
                [(c, str(v)) for c, v in want.items()], (day, subset)


def without_generated_discounts(entries):
    """The entries less the discounts the invoice plugin posts: their payments' discounts are
    then pending, as they are for the plugin itself."""
    return [e for e in entries
            if not (isinstance(e, data.Transaction) and "ar-discount" in e.tags)]


def check(entries, options) -> Timeline:
    """Timeline against settle and BalanceIndex against receivable_balances at every date;
    the timeline of the entries less the discounts the plugin generated, returned."""
    config, _ = config_from_options(options)
    accounts = sorted({p.account for e in entries if isinstance(e, data.Transaction)
                       for p in e.postings if p.account.startswith(config.receivable_root)})
    timeline = None
    for subset in (entries, without_generated_discounts(entries)):
        book, _ = read_book(subset, config)
        timeline = Timeline(book)
        assert_same(timeline.full, settle(book), None)
        assert timeline.at(None) is timeline.full
        days = probe_dates(event.date for event in book.events)
        for day in days:
            assert_same(timeline.at(day), settle(book, day), day)
        check_balances(subset, config.receivable_root, days, accounts)
    assert timeline is not None
    return timeline


SCENARIO = """
    2024-01-01 open Income:Penalties
    2024-01-01 open Assets:Receivable:Dupont
      customer: "Dupont SARL"
    2024-01-01 open Assets:Receivable:Martin
      customer: "Martin SA"

    2025-01-05 * "Martin" "Acompte avant toute facture"
      Assets:Bank                  10.00 EUR
      Assets:Receivable:Martin    -10.00 EUR

    2025-01-15 * "Dupont" "Four" ^F-1
      invoice: "F-1"
      terms: "2/10 net 30"
      Assets:Receivable:Dupont   1000.00 EUR
      Income:Sales
    2025-01-20 * "Dupont" "Virement net d'escompte" ^F-1
      Assets:Bank                 980.00 EUR
      Assets:Receivable:Dupont   -980.00 EUR

    2025-01-16 * "Dupont" "Pompe" ^F-2
      invoice: "F-2"
      terms: "2/10 net 30"
      Assets:Receivable:Dupont    500.00 EUR
      Income:Sales
    2025-01-22 * "Dupont" "Virement avec escompte" ^F-2
      Assets:Bank                 490.00 EUR
      Expenses:Discounts           10.00 EUR
      Assets:Receivable:Dupont   -500.00 EUR

    2025-01-17 * "Dupont" "Robinet" ^F-3
      invoice: "F-3"
      terms: "2/10 net 30"
      Assets:Receivable:Dupont    200.00 EUR
      Income:Sales
    2025-01-19 * "Dupont" "Escompte accordé d'avance" ^F-3
      Expenses:Discounts            4.00 EUR
      Assets:Receivable:Dupont     -4.00 EUR
    2025-02-20 * "Dupont" "Reste, payé tard" ^F-3
      Assets:Bank                 196.00 EUR
      Assets:Receivable:Dupont   -196.00 EUR

    2025-02-01 * "Martin" "Chaudière" ^F-4
      invoice: "F-4"
      terms: "net 30"
      Assets:Receivable:Martin   3000.00 EUR
      Income:Sales
    2025-03-20 * "Martin" "Pénalités de retard" ^F-4 #ar-penalty
      Assets:Receivable:Martin     40.00 EUR
      Income:Penalties
    2025-03-25 * "Martin" "Virement" ^F-4
      Assets:Bank                2500.00 EUR
      Assets:Receivable:Martin  -2500.00 EUR
    2025-04-05 * "Martin" "Pénalités" ^F-4
      Assets:Bank                  40.00 EUR
      Assets:Receivable:Martin    -40.00 EUR

    2025-02-03 * "Martin" "Radiateur" ^F-5
      invoice: "F-5"
      terms: "net 30"
      Assets:Receivable:Martin    600.00 EUR
      Income:Sales
    2025-02-10 * "Martin" "Avoir radiateur" ^F-5
      credit_note: "AV-1"
      Income:Sales                100.00 EUR
      Assets:Receivable:Martin   -100.00 EUR
    2025-06-30 * "Martin" "Irrécouvrable" ^F-5
      Expenses:BadDebts           500.00 EUR
      Assets:Receivable:Martin   -500.00 EUR

    2025-03-01 * "Martin" "Ballon" ^F-6
      invoice: "F-6"
      terms: "net 30"
      Assets:Receivable:Martin   1000.00 EUR
      Income:Sales
    2025-03-05 * "Martin" "Acompte sans référence"
      Assets:Bank                 400.00 EUR
      Assets:Receivable:Martin   -400.00 EUR
    2025-03-06 * "Martin" "Deuxième acompte sans référence"
      Assets:Bank                 300.00 EUR
      Assets:Receivable:Martin   -300.00 EUR
    2025-03-10 * "Martin" "Ballon" ^F-7
      invoice: "F-7"
      terms: "net 30"
      Assets:Receivable:Martin    800.00 EUR
      Income:Sales
    2025-03-15 * "Martin" "Ballon payé en entier" ^F-6
      Assets:Bank                 900.00 EUR
      Assets:Receivable:Martin   -900.00 EUR
    2025-03-18 * "Martin" "F-7 payé en entier" ^F-7
      Assets:Bank                 800.00 EUR
      Assets:Receivable:Martin   -800.00 EUR

    2025-04-01 * "Dupont" "Chauffe-eau" ^F-8
      invoice: "F-8"
      terms: "net 30"
      Assets:Receivable:Dupont    700.00 EUR
      Income:Sales
    2025-04-10 * "Dupont" "Trop payé" ^F-8
      Assets:Bank                 900.00 EUR
      Assets:Receivable:Dupont   -900.00 EUR
    2025-04-20 * "Dupont" "Vanne" ^F-9
      invoice: "F-9"
      terms: "net 30"
      Assets:Receivable:Dupont    150.00 EUR
      Income:Sales
    2025-04-21 * "Dupont" "Joint" ^F-10
      invoice: "F-10"
      terms: "net 30"
      Assets:Receivable:Dupont    120.00 EUR
      Income:Sales
    2025-05-02 * "Dupont" "Vanne payée" ^F-9
      Assets:Bank                 150.00 EUR
      Assets:Receivable:Dupont   -150.00 EUR

    2025-05-10 * "Dupont" "Paie une facture future"
      Assets:Bank                 250.00 EUR
      Assets:Receivable:Dupont   -250.00 EUR
        invoice: "F-11"
    2025-05-11 * "Dupont" "Lien vers une facture future" ^F-12
      Assets:Bank                  60.00 EUR
      Assets:Receivable:Dupont    -60.00 EUR
    2025-05-12 * "Dupont" "Paie la facture de Martin" ^F-7
      Assets:Bank                  30.00 EUR
      Assets:Receivable:Dupont    -30.00 EUR
    2025-06-01 * "Dupont" "Compresseur" ^F-11
      invoice: "F-11"
      terms: "net 30"
      Assets:Receivable:Dupont    250.00 EUR
      Income:Sales
    2025-06-15 * "Dupont" "Filtre" ^F-12
      invoice: "F-12"
      terms: "net 30"
      Assets:Receivable:Dupont     60.00 EUR
      Income:Sales
    2025-07-01 * "Dupont" "Filtre en dollars" ^F-13
      invoice: "F-13"
      terms: "net 30"
      Assets:Receivable:Dupont     80.00 USD
      Income:Sales
    2025-07-05 * "Dupont" "Filtre en dollars, payé" ^F-13
      Assets:Bank                  80.00 USD
      Assets:Receivable:Dupont    -80.00 USD
    2025-07-10 * "Martin" "Acompte, rien d'ouvert"
      Assets:Bank                  25.00 EUR
      Assets:Receivable:Martin    -25.00 EUR
"""


def test_every_kind_of_event_at_every_date():
    entries, errors, options = load(SCENARIO)
    assert [e.message.split(":")[0] for e in errors] == [
        "overpayment", "F-11", "F-12", "F-7", "F-3"]
    timeline = check(entries, options)
    # The ledger takes allocations back both ways: an unreferenced payment's, partly (leaving
    # a rest) then wholly, by a payment naming the invoice; and netted overpayments, by a
    # payment naming the invoice they were set against.
    taken = timeline._dead
    assert any(not a.netted for a in taken) and any(a.netted for a in taken)
    rests = [a for a in timeline._every for t in taken
             if a is not t and (a.credit, a.item, a.kind) == (t.credit, t.item, t.kind)
             and a.amount < t.amount]
    assert rests
    # Two credits name invoices dated after them: their errors depend on the as-of date.
    assert len(timeline._segments) == 2
    before = timeline.at(datetime.date(2025, 5, 20))
    assert [e.message for e in before.errors if "F-11" in e.message] == [
        "F-11: no invoice has this number (named by invoice: metadata); correct the number or "
        "remove it"]
    assert not [e for e in before.errors if "F-12" in e.message]
    assert [e.message for e in timeline.full.errors if "F-12" in e.message] == [
        "F-12: this payment is dated 2025-05-11, before the invoice it names (2025-06-15); "
        "check both dates"]
    # The discount taken in advance on F-3 is an error only once its window is over.
    window = timeline.at(datetime.date(2025, 1, 27))
    assert not [e for e in window.errors if "F-3" in e.message]
    assert [e for e in timeline.at(datetime.date(2025, 1, 28)).errors if "F-3" in e.message]
    # The 980.00 paid net of F-1's discount leaves its 20.00 pending (the plugin posts it).
    assert [(p.item.invoice, p.amount) for p in before.pending_discounts] == [
        ("F-1", D("20.00"))]
    # Unapplied credits come and go: Dupont's overpayment of F-8 is netted against F-9 and
    # F-10, released when F-9 is paid by name, netted again against F-10.
    def unapplied(month, day):
        settlement = timeline.at(datetime.date(2025, month, day))
        return [(u.credit.date, u.amount) for u in settlement.unapplied]

    assert unapplied(4, 15) == [(datetime.date(2025, 4, 10), D("200.00"))]
    assert unapplied(4, 21) == []
    assert unapplied(5, 2) == [(datetime.date(2025, 4, 10), D("80.00"))]
    assert unapplied(5, 20) == [
        (datetime.date(2025, 4, 10), D("80.00")), (datetime.date(2025, 5, 10), D("230.00")),
        (datetime.date(2025, 5, 11), D("60.00")), (datetime.date(2025, 5, 12), D("30.00"))]
    # Martin's unapplied credits came before Dupont's then went: his new one comes last.
    assert [u.credit.customer for u in timeline.at(datetime.date(2025, 7, 10)).unapplied
            ][-1] == "Assets:Receivable:Martin"
    netted = [(a.item.invoice, a.amount)
              for a in timeline.at(datetime.date(2025, 4, 21)).allocations if a.netted]
    assert ("F-9", D("150.00")) in netted
    assert ("F-9", D("150.00")) not in [(a.item.invoice, a.amount) for a in before.allocations
                                         if a.netted]
    penalty = [s for s in timeline.at(datetime.date(2025, 3, 30)).items
               if s.item.kind == "penalty"]
    assert [(s.item.invoice, s.open) for s in penalty] == [("F-4", D("40.00"))]


def test_a_settlement_built_again_from_the_timeline_is_a_new_object_equal_to_settle():
    entries, _, options = load(SCENARIO)
    config, _ = config_from_options(options)
    book, _ = read_book(without_generated_discounts(entries), config)
    timeline = Timeline(book)
    day = datetime.date(2025, 3, 16)
    first = timeline.at(day)
    assert first == timeline.at(day) == settle(book, day)
    assert first.as_of == day and first.book is book
    assert timeline.at(datetime.date(2024, 1, 1)) == settle(book, datetime.date(2024, 1, 1))
    assert timeline.at(datetime.date(2024, 1, 1)).items == ()


def test_the_example_ledger_at_every_date():
    entries, _, options = loader.load_file(str(EXAMPLE))
    check(entries, options)


def test_an_empty_book():
    entries, _, options = load("""
    2024-01-01 open Assets:Receivable:Dupont
    """)
    timeline = check(entries, options)
    assert timeline.full == settle(timeline.book)
    assert BalanceIndex(entries, "Assets:Receivable").at(None) == {}


def test_balances_of_entries_out_of_date_order_stop_where_receivable_balances_stops():
    """`receivable_balances` stops at the first transaction dated after the date; so does the
    index, whatever the order of the entries."""
    entries, _, options = load(SCENARIO)
    shuffled = list(reversed(entries[len(entries) // 2:])) + entries[:len(entries) // 2]
    accounts = ["Assets:Receivable:Dupont", "Assets:Receivable:Martin"]
    days = probe_dates(e.date for e in entries if isinstance(e, data.Transaction))
    check_balances(shuffled, "Assets:Receivable", days, accounts)


# -- generated ledgers --------------------------------------------------------------------

INVOICE = re.compile(r'^(\d{4}-\d\d-\d\d) \* "Invoice (F-\d+)".*?\n  (Assets:Receivable:\w+)'
                     r'  ([\d.]+) (\w+)$', re.M | re.S)
amounts = st.decimals(min_value=D("0.01"), max_value=D("3000"), places=2)
# Entries added around the generated invoices: (kind, invoice index, days from the invoice
# (negative: before it), amount).
extras = st.lists(st.tuples(
    st.sampled_from(("penalty", "discount", "booked", "named_by_meta", "other_customer",
                     "overpaid", "on_account")),
    st.integers(0, 30), st.integers(-10, 40), amounts), max_size=8)


def with_extras(ops, more) -> str:
    text = render(ops)
    invoices = INVOICE.findall(text)
    lines = [text, "2024-01-01 open Income:Penalties"]
    for kind, index, days, amount in more:
        if not invoices:
            break
        date, number, account, total, currency = invoices[index % len(invoices)]
        day = datetime.date.fromisoformat(date) + datetime.timedelta(days=days)
        if kind == "penalty":
            lines += [f'{day} * "Penalty" ^{number} #ar-penalty', f"  {account}  {amount} "
                      f"{currency}", f"  Income:Penalties  -{amount} {currency}"]
        elif kind == "discount":  # a discount on its own (posts to the discount account only)
            lines += [f'{day} * "Discount" ^{number}', f"  {account}  -{amount} {currency}",
                      f"  Expenses:Discounts  {amount} {currency}"]
        elif kind == "booked":  # a payment booking 2 % of the invoice as a discount
            discount = (D(total) * 2 / 100).quantize(D("0.01"))
            paid = D(total) - discount
            lines += [f'{day} * "Paid net" ^{number}', f"  {account}  -{total} {currency}",
                      f"  Expenses:Discounts  {discount} {currency}",
                      f"  Assets:Bank  {paid} {currency}"]
        elif kind == "named_by_meta":  # often dated before the invoice it names
            lines += [f'{day} * "By metadata"', f"  {account}  -{amount} {currency}",
                      f'    invoice: "{number}"', f"  Assets:Bank  {amount} {currency}"]
        elif kind == "other_customer":
            other = next(c for c in CUSTOMERS if c != account)
            lines += [f'{day} * "Wrong customer" ^{number}', f"  {other}  -{amount} {currency}",
                      f"  Assets:Bank  {amount} {currency}"]
        elif kind == "overpaid":
            paid = D(total) + amount
            lines += [f'{day} * "Overpaid" ^{number}', f"  {account}  -{paid} {currency}",
                      f"  Assets:Bank  {paid} {currency}"]
        else:
            lines += [f'{day} * "On account"', f"  {account}  -{amount} {currency}",
                      f"  Assets:Bank  {amount} {currency}"]
    return "\n".join(lines) + "\n"


SETTINGS = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(operations, extras)
def test_generated_ledgers_at_every_date(ops, more):
    entries, errors, options = loader.load_string(with_extras(ops, more))
    assert not [e for e in errors if "internal error" in e.message]
    check(entries, options)


def test_the_module_docstring_example():
    entries, errors, options = load("""
    2024-01-01 open Assets:Receivable:Dupont
    2025-01-15 * "Dupont" "Installation" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   1000.00 EUR
      Income:Sales

    2025-02-20 * "Dupont" "Virement" ^F-1
      Assets:Bank                1000.00 EUR
      Assets:Receivable:Dupont  -1000.00 EUR
    """)
    assert errors == []
    config, _ = config_from_options(options)
    book, _ = read_book(entries, config)
    timeline = Timeline(book)
    january = timeline.at(datetime.date(2025, 1, 31))
    assert [(s.item.invoice, s.open) for s in january.items] == [("F-1", D("1000.00"))]
    march = timeline.at(datetime.date(2025, 3, 1))
    assert [(s.item.invoice, s.open, s.closed_date) for s in march.items] == [
        ("F-1", 0, datetime.date(2025, 2, 20))]
    assert january == settle(book, datetime.date(2025, 1, 31)) and timeline.full == settle(book)
    balances = BalanceIndex(entries, "Assets:Receivable")
    assert balances.at(datetime.date(2025, 1, 31)) == {"EUR": D("1000.00")}
    assert balances.at(datetime.date(2025, 3, 1), {"Assets:Receivable:Dupont"}) == {
        "EUR": D("0.00")}
