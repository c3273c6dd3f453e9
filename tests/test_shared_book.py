"""One subledger per load (`beancount_ar.core.shared`): the book the invoice plugin read is
reused, with the plugins' own entries read on top, and it is exactly the book of a fresh read of
the entries as loaded; a reload, another plugin's entries or another configuration never reuse
it."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data

from beancount_ar.core import shared
from beancount_ar.core.book import GENERATED_IDS, read_book
from beancount_ar.core.config import config_from_options
from benchmarks.bench_penalties import ledgers

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times `book_for` had to read a whole ledger again."""
    calls: list[int] = []
    original = shared.read_book

    def counted(entries, config):  # type: ignore[no-untyped-def]
        calls.append(len(entries))
        return original(entries, config)

    monkeypatch.setattr(shared, "read_book", counted)
    return calls


def _check(entries: list, options: dict, reads: list[int], reused: bool = True) -> None:
    config, _ = config_from_options(options)
    book = shared.book_for(entries, config)
    assert (len(reads) == 0) is reused
    fresh = read_book(entries, config)[0]
    assert book.events == fresh.events
    assert book == fresh
    assert shared.book_for(entries, config) is book  # once per list


@pytest.mark.parametrize("schedule", [None, "settlement", "month-end"])
def test_generated_ledger_with_discounts_and_penalties(tmp_path: Path, reads: list[int],
                                                       schedule: str | None) -> None:
    without, with_penalties = ledgers(600, 12, 3, schedule or "settlement")
    path = tmp_path / "ar.beancount"
    path.write_text(with_penalties if schedule else without, encoding="utf-8")
    entries, errors, options = loader.load_file(str(path))
    assert not errors
    generated = [e for e in entries if isinstance(e, data.Transaction)
                 and e.meta["filename"] == "<beancount_ar>"]
    assert any("ar-discount" in e.tags for e in generated)
    assert any("ar-penalty" in e.tags for e in generated) is bool(schedule)
    _check(entries, options, reads)
    book = shared.book_for(entries, config_from_options(options)[0])
    assert any(event.id > GENERATED_IDS for event in book.events)


def test_example_ledger(reads: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    # Beancount's pickle cache would give a load without running the plugins (then nothing is
    # published and `book_for` reads the ledger: tested below).
    monkeypatch.setattr(loader, "_load_file", loader._uncached_load_file)
    entries, errors, options = loader.load_file(str(ROOT / "example-ledger" / "main.beancount"))
    assert not [e for e in errors if "beancount_ar" in str(e.message)]
    _check(entries, options, reads)


LEDGER = """
    plugin "beancount_ar" "{'discount_account': 'Expenses:Discounts', 'invoice_links': True}"
    2025-01-01 open Assets:Receivable:Dupont
    2025-01-01 open Assets:Bank
    2025-01-01 open Income:Sales
    2025-01-01 open Expenses:Discounts
    2025-01-15 * "Dupont" "Installation" ^F-1
      terms: "2/10 net 30"
      Assets:Receivable:Dupont   1000.00 EUR
      Income:Sales
    2025-01-20 * "Dupont" "Virement" ^F-1
      Assets:Bank                 980.00 EUR
      Assets:Receivable:Dupont   -980.00 EUR
"""


def test_recognised_invoice_and_posted_discount(reads: list[int]) -> None:
    entries, errors, options = loader.load_string(textwrap.dedent(LEDGER))
    assert not errors
    assert any(isinstance(e, data.Transaction) and e.tags == {"ar-discount"} for e in entries)
    _check(entries, options, reads)


def test_never_stale(reads: list[int]) -> None:
    entries, _, options = loader.load_string(textwrap.dedent(LEDGER))
    config, _ = config_from_options(options)
    # A reload: new objects, so the published reading of the first load does not apply.
    again, _, _ = loader.load_string(textwrap.dedent(LEDGER).replace("980.00", "500.00"))
    shared.book_for(entries, config)
    assert len(reads) == 1
    assert shared.book_for(entries, config) == read_book(entries, config)[0]
    reads.clear()
    # Another plugin's payment on a receivable: read again.
    payment = next(e for e in again if isinstance(e, data.Transaction)
                   and e.narration == "Virement")
    other = sorted([*again, payment._replace(meta=data.new_metadata("other.beancount", 1))],
                   key=data.entry_sortkey)
    book = shared.book_for(other, config)
    assert reads and book == read_book(other, config)[0]
    reads.clear()
    # A different configuration: read again.
    shared.book_for(again, dataclasses.replace(config, default_terms="net 45"))
    assert reads
    # An entry removed: read again.
    reads.clear()
    fewer = [e for e in again if not (isinstance(e, data.Transaction)
                                      and e.narration == "Virement")]
    assert shared.book_for(fewer, config) == read_book(fewer, config)[0]
    assert reads


def test_settlement_once_per_book_and_date(reads: list[int]) -> None:
    import datetime

    from beancount_ar.core.allocation import settle
    from beancount_ar.core.subledger import subledger

    entries, _, options = loader.load_string(textwrap.dedent(LEDGER))
    config, _ = config_from_options(options)
    day = datetime.date(2025, 1, 18)
    first = subledger(entries, options, day)
    assert subledger(entries, options, day) is first
    assert first == settle(read_book(entries, config)[0], day)
    assert subledger(entries, options) == settle(read_book(entries, config)[0])
    assert not reads
    # A new load: its own book, its own settlements.
    again, _, _ = loader.load_string(textwrap.dedent(LEDGER).replace("980.00", "500.00"))
    later = subledger(again, options, day)
    assert later is not first and later == settle(read_book(again, config)[0], day)
    assert later.items[0].open == 1000  # the 500.00 payment is dated after the as-of date


def test_one_customers_settlement_is_its_part_of_the_whole(tmp_path: Path) -> None:
    """A statement of one customer from its own entries only is the statement of the whole
    settlement: for every customer of a ledger with discounts, instalments, credit notes,
    write-offs, shared accounts and penalties."""
    import datetime

    from beancount_ar.core.allocation import settle
    from beancount_ar.core.statements import ACTIVITY, OPEN_ITEMS, build_statements
    from beancount_ar.core.subledger import subledger

    path = tmp_path / "ar.beancount"
    path.write_text(ledgers(800, 15, 5, "month-end")[1], encoding="utf-8")
    entries, errors, options = loader.load_file(str(path))
    assert not errors
    config, _ = config_from_options(options)
    book = read_book(entries, config)[0]
    for day in (datetime.date(2024, 6, 30), datetime.date(2026, 11, 23)):
        whole = settle(book, day)
        for key in book.customers:
            part = subledger(entries, options, day, [key])
            assert [s for s in part.items] == [s for s in whole.items if s.item.customer == key]
            assert part.unapplied == tuple(u for u in whole.unapplied
                                           if u.credit.customer == key)
            assert part.pending_discounts == tuple(
                p for p in whole.pending_discounts if p.item.customer == key)
            for kind, start in ((ACTIVITY, datetime.date(day.year, 1, 1)), (OPEN_ITEMS, None)):
                assert build_statements(part, [key], kind, start) == build_statements(
                    whole, [key], kind, start)


def test_book_with_added_transactions_is_a_fresh_reading_of_its_customers(
        tmp_path: Path, reads: list[int]) -> None:
    """`book_with`: the published book, the plugins' transactions of the list and stand-ins for
    new penalties read on top, kept to some customers, is what a reading of the whole list with
    the stand-ins sorted in gives for those customers - ids, order, penalties and all - with
    stand-ins on the same day and line as other entries and as each other."""
    import datetime
    import random
    from decimal import Decimal

    from beancount.core.amount import Amount

    from beancount_ar.core.model import GENERATED, PENALTY_TAG

    path = tmp_path / "ar.beancount"
    path.write_text(ledgers(600, 12, 3, "settlement")[0], encoding="utf-8")
    entries, errors, options = loader.load_file(str(path))
    assert not errors
    config, _ = config_from_options(options)
    book = shared.book_for(entries, config)
    assert not reads
    chance = random.Random(7)
    invoices = sorted(book.invoices.values(), key=lambda invoice: invoice.number)
    added = []
    for invoice in chance.sample(invoices, 80):
        customer = book.customers[invoice.customer]
        lineno = invoice.entry.meta["lineno"]
        for day in {invoice.date, invoice.date + datetime.timedelta(days=chance.choice(
                (0, 1, 31, 45, 400)))}:
            meta = data.new_metadata(GENERATED, lineno, {"instalment": Decimal(1)})
            amount = Amount(Decimal(chance.randint(1, 9000)) / 100, invoice.currency)
            added.append(data.Transaction(
                meta, day, "*", None, "", frozenset({PENALTY_TAG}), frozenset({invoice.number}),
                [data.Posting(customer.account, amount, None, None, None,
                              {"customer": customer.name} if customer.shared else None)]))
    chance.shuffle(added)
    whole = read_book(sorted([*entries, *added], key=data.entry_sortkey), config)[0]
    keys = sorted(book.customers)
    for customers in ([keys[0]], keys[1:5], keys):
        got = shared.book_with(entries, config, added, customers)
        assert got is not None
        want = dataclasses.replace(whole, events=tuple(
            event for event in whole.events if event.customer in customers))
        assert got.events == want.events
        assert got == want
    assert not reads  # the published reading served every one


@pytest.mark.parametrize("schedule", ["settlement", "month-end"])
def test_penalties_settled_again_from_the_published_book_as_from_their_entries(
        monkeypatch: pytest.MonkeyPatch, schedule: str) -> None:
    """The penalties plugin's second rounds read the stand-ins on top of the published book
    (`book_with`); reading the customers' transactions again gives the same entries."""
    from beancount.parser import printer

    from beancount_ar.core import penalty_run

    text = ledgers(700, 14, 11, schedule)[1]
    calls: list[object] = []
    real = penalty_run.book_with

    def counted(*args: object, **kwargs: object) -> object:
        found = real(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(found)
        return found

    monkeypatch.setattr(penalty_run, "book_with", counted)
    entries, errors, _ = loader.load_string(text)
    assert calls and all(found is not None for found in calls)  # the rounds took this path
    monkeypatch.setattr(penalty_run, "book_with", lambda *args, **kwargs: None)
    again, errors_again, _ = loader.load_string(text)
    assert [printer.format_entry(e) for e in entries] == [printer.format_entry(e) for e in again]
    assert [str(e.message) for e in errors] == [str(e.message) for e in errors_again]


def test_read_charge_reads_as_read_transaction() -> None:
    """`_Reader.read_charge`, the short path for the penalties' stand-ins, makes what
    `read_transaction` makes of any transaction: the stand-ins themselves (one customer's own
    account, a shared one) and every shape it must leave to `read_transaction` (two postings, an
    unknown or second link, a credit, no tag, not the plugins' own, an amount out of range)."""
    import datetime
    from decimal import Decimal

    from beancount.core.amount import Amount

    from beancount_ar.core.book import read
    from beancount_ar.core.model import GENERATED, PENALTY, PENALTY_TAG

    ledger = textwrap.dedent("""
        2025-01-01 open Assets:Receivable:Dupont
        2025-01-01 open Assets:Receivable:Shared
          shared: TRUE
        2025-01-01 open Income:Sales
        2025-01-10 * "Dupont" "Invoice" ^F-1
          invoice: "F-1"
          Assets:Receivable:Dupont   100.00 EUR
          Income:Sales
        2025-01-11 * "Martin" "Invoice" ^F-2
          invoice: "F-2"
          Assets:Receivable:Shared   200.00 EUR
            customer: "Martin"
          Income:Sales
    """)
    entries, errors, options = loader.load_string(ledger)
    assert not errors
    config, _ = config_from_options(options)
    day = datetime.date(2025, 3, 31)

    def txn(account: str, number: str, *, links: frozenset[str] = frozenset({"F-1"}),
            tags: frozenset[str] = frozenset({PENALTY_TAG}), filename: str = GENERATED,
            posting_meta: dict | None = None, extra: bool = False) -> data.Transaction:
        meta = data.new_metadata(filename, 5, {"instalment": Decimal(1)})
        postings = [data.Posting(account, Amount(Decimal(number), "EUR"), None, None, None,
                                 posting_meta)]
        if extra:
            postings.append(data.Posting("Income:Penalties", Amount(-Decimal(number), "EUR"),
                                         None, None, None, None))
        return data.Transaction(meta, day, "*", None, "", tags, links, postings)

    shapes = [
        txn("Assets:Receivable:Dupont", "12.34"),
        txn("Assets:Receivable:Shared", "5.00", links=frozenset({"F-2"}),
            posting_meta={"customer": "Martin"}),
        txn("Assets:Receivable:Shared", "5.00", links=frozenset({"F-2"})),  # no customer
        txn("Assets:Receivable:Dupont", "12.34", extra=True),
        txn("Assets:Receivable:Dupont", "12.34", links=frozenset({"F-9"})),
        txn("Assets:Receivable:Dupont", "12.34", links=frozenset({"F-1", "F-2"})),
        txn("Assets:Receivable:Dupont", "-12.34"),
        txn("Assets:Receivable:Dupont", "12.34", tags=frozenset()),
        txn("Assets:Receivable:Dupont", "12.34", filename="main.beancount"),
        txn("Assets:Receivable:Dupont", "1e30"),
        txn("Income:Sales", "12.34"),
    ]
    for shape in shapes:
        one, other = read(entries, config), read(entries, config)
        one.read_transaction(shape)
        other.read_charge(shape)
        assert one.events == other.events, shape
        assert one.penalties == other.penalties, shape
        assert [e.message for e in one.errors] == [e.message for e in other.errors], shape
        assert one.customers == other.customers, shape
        assert (one.next_id, one.generated_id) == (other.next_id, other.generated_id), shape
    reader = read(entries, config)
    reader.read_charge(shapes[0])
    reader.read_charge(shapes[1])
    charged = [(e.kind, e.customer, e.invoice, e.amount) for e in reader.events[2:]]
    assert charged == [(PENALTY, "Assets:Receivable:Dupont", "F-1", Decimal("12.34")),
                       (PENALTY, "Assets:Receivable:Shared/Martin", "F-2", Decimal("5.00"))]
    assert [e.id for e in reader.events[2:]] == [GENERATED_IDS + 1, GENERATED_IDS + 2]
