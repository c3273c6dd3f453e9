"""Property tests on generated ledgers: the subledger is exact at every date.

For every customer, currency and date: open items minus unapplied credits equal the balance of
the customer's receivable postings; every credit is fully accounted for (allocated or
unapplied); and results as of a date do not depend on entries dated after it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from beancount import loader
from beancount.core import data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount_ar.core.allocation import settle
from beancount_ar.core.book import read_book
from beancount_ar.core.config import config_from_options
from beancount_ar.core.report import invoice_rows

START = datetime.date(2025, 1, 1)
CUSTOMERS = ("Assets:Receivable:Alpha", "Assets:Receivable:Beta")
TERMS = ("net 30", "2/10 net 30", "45 jours fin de mois", "30 % à réception ; 70 % 30 jours",
         "à réception", "fin de mois + 45")

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)
operation = st.one_of(
    st.tuples(st.just("invoice"), st.sampled_from(CUSTOMERS), st.sampled_from(("EUR", "USD")),
              amounts, st.sampled_from(TERMS)),
    st.tuples(st.just("payment"), st.sampled_from(CUSTOMERS), st.sampled_from(("EUR", "USD")),
              amounts, st.integers(min_value=-1, max_value=30)),
    st.tuples(st.just("exact"), st.sampled_from(CUSTOMERS), st.integers(0, 30),
              st.booleans(), st.booleans()),
    st.tuples(st.just("credit_note"), st.sampled_from(CUSTOMERS), st.sampled_from(("EUR",)),
              amounts, st.integers(min_value=-1, max_value=30)),
    st.tuples(st.just("refund"), st.sampled_from(CUSTOMERS), st.sampled_from(("EUR", "USD")),
              amounts),
    st.tuples(st.just("writeoff"), st.integers(0, 30)),
    # a payment on account without reference, then, later, the invoice paid in full by name
    st.tuples(st.just("unreferenced_then_named"), st.integers(0, 30), amounts,
              st.integers(0, 5)),
)
ledgers = st.lists(st.tuples(st.integers(min_value=0, max_value=5), operation),
                   min_size=1, max_size=25)


STYLES = ("metadata", "link", "narration")


def render(ops, style: str = "metadata") -> str:
    """A ledger for a list of (days after the previous entry, operation).

    `style` says how invoices are told and how credits name them: ``metadata`` (``invoice:`` on
    the invoice, links), ``link`` (links only) or ``narration`` (the number in narrations only,
    read with ``invoice_pattern``)."""
    pattern = ", 'invoice_pattern': 'F-[0-9]+'" if style == "narration" else ""
    lines = [
        "plugin \"beancount_ar\" \"{'discount_account': 'Expenses:Discounts', "
        f"'writeoff_account': 'Expenses:BadDebts'{pattern}}}\"",
        "2024-01-01 open Assets:Bank",
        "2024-01-01 open Income:Sales",
        "2024-01-01 open Expenses:Discounts",
        "2024-01-01 open Expenses:BadDebts",
    ]
    lines += [f"2024-01-01 open {c}" for c in CUSTOMERS]
    day = START
    invoices: list[tuple[str, str, str, Decimal]] = []  # number, customer, currency, amount
    for gap, op in ops:
        day += datetime.timedelta(days=gap)
        kind = op[0]

        def ref(index: int) -> str | None:
            return invoices[index % len(invoices)][0] if invoices and index >= 0 else None

        def naming(number: str | None, what: str) -> str:
            """`what` as a narration, naming the invoice in the ledger's style."""
            if not number:
                return f'"{what}"'
            return f'"{what} {number}"' if style == "narration" else f'"{what}" ^{number}'

        if kind == "invoice":
            _, customer, currency, amount, terms = op
            number = f"F-{len(invoices) + 1}"
            invoices.append((number, customer, currency, amount))
            lines += [f'{day} * "Invoice {number}"' + ("" if style == "narration" else
                                                        f" ^{number}")]
            if style == "metadata":
                lines.append(f'  invoice: "{number}"')
            lines += [f'  terms: "{terms}"', f"  {customer}  {amount} {currency}",
                      f"  Income:Sales  -{amount} {currency}"]
        elif kind in ("payment", "credit_note"):
            _, customer, currency, amount, index = op
            number = ref(index)
            lines.append(f"{day} * {naming(number, kind)}")
            if kind == "credit_note":
                lines.append(f'  credit_note: "AV-{day}-{len(lines)}"')
            lines += [f"  {customer}  -{amount} {currency}",
                      f"  {'Assets:Bank' if kind == 'payment' else 'Income:Sales'}"
                      f"  {amount} {currency}"]
        elif kind == "exact" and invoices:
            # pays an invoice in full, or net of a 2 % discount, by link or posting metadata
            _, _, index, net, by_meta = op
            number, customer, currency, amount = invoices[index % len(invoices)]
            paid = (amount - (amount * 2 / 100).quantize(Decimal("0.01"))) if net else amount
            lines.append(f'{day} * "exact"' if by_meta else f"{day} * {naming(number, 'exact')}")
            lines.append(f"  {customer}  -{paid} {currency}")
            if by_meta:
                lines.append(f'    invoice: "{number}"')
            lines.append(f"  Assets:Bank  {paid} {currency}")
        elif kind == "refund":
            _, customer, currency, amount = op
            lines += [f'{day} * "refund"', f"  {customer}  {amount} {currency}",
                      f"  Assets:Bank  -{amount} {currency}"]
        elif kind == "writeoff" and invoices:
            number, customer, currency, amount = invoices[op[1] % len(invoices)]
            lines += [f"{day} * {naming(number, 'write-off')}",
                      f"  {customer}  -{amount} {currency}",
                      f"  Expenses:BadDebts  {amount} {currency}"]
        elif kind == "unreferenced_then_named" and invoices:
            _, index, amount, later = op
            number, customer, currency, total = invoices[index % len(invoices)]
            lines += [f'{day} * "on account"', f"  {customer}  -{amount} {currency}",
                      f"  Assets:Bank  {amount} {currency}"]
            day += datetime.timedelta(days=later)
            lines += [f"{day} * {naming(number, 'in full')}",
                      f"  {customer}  -{total} {currency}", f"  Assets:Bank  {total} {currency}"]
    return "\n".join(lines) + "\n"


def postings_balance(entries, as_of):
    """Receivable balance per (account, currency) from the raw postings."""
    balance: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for entry in entries:
        if isinstance(entry, data.Transaction) and entry.date <= as_of:
            for posting in entry.postings:
                if posting.account.startswith("Assets:Receivable"):
                    balance[(posting.account, posting.units.currency)] += posting.units.number
    return balance


def subledger_balance(settlement):
    balance: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for state in settlement.items:
        assert state.open >= 0
        balance[(state.item.customer, state.item.currency)] += state.open
    for credit in settlement.unapplied:
        assert credit.amount > 0
        balance[(credit.credit.customer, credit.credit.currency)] -= credit.amount
    return balance


def dates_of(entries):
    days = sorted({e.date for e in entries if isinstance(e, data.Transaction)})
    return days + [days[-1] + datetime.timedelta(days=400)] if days else [START]


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(ledgers)
def test_open_items_minus_unapplied_credits_equal_the_balance_at_every_date(ops):
    entries, errors, options = loader.load_string(render(ops))
    assert not [e for e in errors if "internal error" in e.message]
    config, _ = config_from_options(options)
    book, _ = read_book(entries, config)
    for day in dates_of(entries):
        expected = {k: v for k, v in postings_balance(entries, day).items() if v}
        got = {k: v for k, v in subledger_balance(settle(book, day)).items() if v}
        assert got == expected, day


@SETTINGS
@given(ledgers)
def test_allocations_conserve_money(ops):
    entries, _, options = loader.load_string(render(ops))
    config, _ = config_from_options(options)
    book, _ = read_book(entries, config)
    settlement = settle(book)
    applied: dict[int, Decimal] = defaultdict(Decimal)
    for allocation in settlement.allocations:
        assert allocation.amount > 0
        applied[allocation.credit.id] += allocation.amount
    for credit in settlement.unapplied:
        applied[credit.credit.id] += credit.amount
    credits = [e for e in book.events if not hasattr(e, "due")]
    assert {c.id: c.amount for c in credits} == dict(applied)
    for state in settlement.items:
        assert state.item.amount - sum(a.amount for a in state.allocations) == state.open


@SETTINGS
@given(ledgers, st.integers(min_value=0, max_value=80))
def test_results_as_of_a_date_do_not_depend_on_later_entries(ops, cut):
    text = render(ops)
    entries, _, options = loader.load_string(text)
    config, _ = config_from_options(options)
    as_of = START + datetime.timedelta(days=cut)
    full = invoice_rows(settle(read_book(entries, config)[0], as_of), as_of)
    earlier = [e for e in entries if getattr(e, "date", START) <= as_of]
    cut_rows = invoice_rows(settle(read_book(earlier, config)[0], as_of), as_of)
    assert full == cut_rows


def figures(entries, options, day):
    """Every figure of the invoices as of `day`, without the lines they are written on."""
    config, _ = config_from_options(options)
    settlement = settle(read_book(entries, config)[0], day)
    return [(r.invoice, r.instalment, r.kind, r.customer, r.date, r.due, r.amount, r.open,
             r.status, r.discount_until, r.discount, r.paid_date,
             tuple((p.date, p.amount, p.kind, p.netted) for p in r.payments))
            for r in invoice_rows(settlement, day)], sorted(
        (u.credit.date, u.amount) for u in settlement.unapplied)


@SETTINGS
@given(ledgers)
def test_invoices_told_by_links_or_narrations_give_the_same_figures_as_metadata(ops):
    """Recognising an invoice by its link or by a number in its narration is the same as
    giving it ``invoice:`` metadata: no figure changes, and no error appears or goes."""
    loaded = {style: loader.load_string(render(ops, style)) for style in STYLES}
    base_entries, base_errors, base_options = loaded["metadata"]
    for style in ("link", "narration"):
        if style == "narration" and base_errors:
            # A link naming an invoice of another customer or currency is an error; the same
            # number quoted in a narration is only a hint, silently passed over.
            continue
        entries, errors, options = loaded[style]
        assert [e.message for e in errors] == [e.message for e in base_errors], style
        for day in dates_of(base_entries):
            assert figures(entries, options, day) == figures(base_entries, base_options, day), (
                style, day)
