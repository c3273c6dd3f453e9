"""One subledger per load: the book the invoice plugin read, shared by whoever reads it next.

Every load of a ledger runs the invoice plugin, which reads the whole subledger (`read_book`).
The penalties plugin, the Fava extension and every ``bean-ar`` command then need the same book
of the entries *as loaded* - the plugin's input plus what the plugins added (the discounts it
posts, the penalties plugin's charges). Reading it again costs as much as the plugin itself
(half of its time at 100,000 invoices). So the plugin `publish`-es what it read, and `book_for`
answers from it:

    plugin "beancount_ar" "{'discount_account': 'Expenses:Discounts'}"

    entries, errors, options_map = loader.load_file("main.beancount")   # the plugin publishes
    book = book_for(entries, config)      # == read_book(entries, config)[0], without re-reading

`book_for` gives exactly `read_book(entries, config)[0]`, or computes that when it cannot prove
the published reading applies. It applies when the configuration is the same and `entries`
holds every transaction, open and ``ar-...`` custom directive the plugin read - the same objects,
so a reload (new objects) never matches - and nothing else that the book reads except the
plugins' own transactions (``filename: "<beancount_ar>"``): those are read on top, numbered in
their own sequence (`book.GENERATED_IDS`) and put in the order `read_book` would give them. A
transaction another plugin adds that posts to a receivable, a new customer, a new open or
directive: the ledger is read again. One load is kept (the latest published), with its entries
alive so their ids stay unique; the books of the lists asked for are remembered by the list's
identity and length (a penalties pass gives a new list, so a new book). `settlement_for`
settles a book once per as-of date in the same way. `book_with` reads transactions that are
not in the list yet (the penalties plugin's stand-ins for the charges it is about to add) on
top of the published reading, for some customers: what reading the list with them sorted in
would give those customers.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import heapq
import threading
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from beancount.core import data

from beancount_ar.core.allocation import Settlement, settle
from beancount_ar.core.book import Book, _Reader, read, read_book
from beancount_ar.core.config import ArConfig
from beancount_ar.core.model import GENERATED, Credit, Item

_Key = tuple[int, int]  # id() and len() of an entries list


class _Published:
    """What the invoice plugin read, and the books derived from it."""

    def __init__(self, entries: Sequence[Any], reader: _Reader, book: Book) -> None:
        self.entries = entries  # kept alive: the ids below stay unique while this is published
        self.reader = reader
        self.config = reader.config
        self.length = len(entries)  # the list must not change after it was read
        self._known: set[int] | None = None
        self.books: dict[_Key, tuple[Sequence[Any], Book]] = {
            (id(entries), len(entries)): (entries, book)}
        self.book = book

    @property
    def known(self) -> set[int]:
        """id() of every entry the book was read from that `book_for` compares (computed by
        the first reader after the plugin, not in the plugin's own time)."""
        if self._known is None:
            self._known = {id(e) for e in self.entries if type(e) in _READ}
        return self._known


_READ = (data.Transaction, data.Open, data.Custom)
_SPREAD = 1 << 32  # room between two entries' positions for transactions sorted in (book_with)
_lock = threading.Lock()
_published: _Published | None = None
_SettledKey = tuple[datetime.date | None, frozenset[str] | None]  # as of, customers
_settled: tuple[Book, dict[_SettledKey, Settlement]] | None = None


def publish(entries: Sequence[Any], config: ArConfig) -> tuple[Book, list[Any]]:
    """Read `entries` (`read_book`) and keep the reading for `book_for`; the invoice plugin
    calls this on its input."""
    global _published
    reader = read(entries, config)
    book = reader.book()
    with _lock:
        _published = _Published(entries, reader, book)
    return book, reader.errors


def forget() -> None:
    """Drop the published reading (tests; memory)."""
    global _published, _settled
    with _lock:
        _published = _settled = None


def book_for(entries: Sequence[Any], config: ArConfig) -> Book:
    """The subledger of `entries`: exactly ``read_book(entries, config)[0]`` (see the module
    docstring for when it comes from the published reading)."""
    with _lock:
        published = _published
    if published is not None and published.config == config:
        key = (id(entries), len(entries))
        with _lock:
            found = published.books.get(key)
        if found is not None and found[0] is entries:
            return found[1]
        book = _extended(published, entries)
        if book is not None:
            with _lock:
                published.books[key] = (entries, book)
                while len(published.books) > 4:
                    del published.books[next(iter(published.books))]
            return book
    return read_book(entries, config)[0]


def settlement_for(entries: Sequence[Any], config: ArConfig,
                   as_of: datetime.date | None = None,
                   customers: frozenset[str] | None = None) -> Settlement:
    """``settle(book_for(entries, config), as_of)``, computed once per book and date: the
    statements, letters and reports of one load share it (the latest book's settlements are
    kept, a few dates of it).

    With `customers` (keys), only their records are settled: a credit applies only to its own
    customer's items, so their items, allocations, unapplied credits and pending discounts are
    exactly those of the whole settlement (its errors are only theirs, its book's events only
    theirs). One customer's statement costs its own entries, not the ledger's."""
    global _settled
    book = book_for(entries, config)
    key = (as_of, customers)
    with _lock:
        kept = _settled
        if kept is None or kept[0] is not book:
            kept = _settled = (book, {})
        found = kept[1].get(key)
    if found is not None:
        return found
    if customers is not None:
        book = dataclasses.replace(book, events=tuple(
            event for event in book.events if event.customer in customers))
    settlement = settle(book, as_of)
    with _lock:
        dates = kept[1]
        dates[key] = settlement
        while len(dates) > 8:
            del dates[next(iter(dates))]
    return settlement


def _generated(published: _Published, entries: Sequence[Any]) -> list[Any] | None:
    """The plugins' transactions of `entries`, or None when `entries` is not the published
    list plus such transactions."""
    if len(published.entries) != published.length:
        return None  # the list read was changed in place afterwards: never trust it
    known = published.known
    reader = published.reader
    seen = 0
    extras: list[data.Transaction] = []
    for entry in entries:
        kind = type(entry)
        if kind not in _READ:
            continue
        if id(entry) in known:
            seen += 1
        elif kind is not data.Transaction:
            if kind is data.Open or entry.type.startswith("ar-"):
                return None  # a new account or directive: read everything again
        elif (entry.meta or {}).get("filename") == GENERATED:
            extras.append(entry)
        elif any(reader.receivable(p.account) is not None for p in entry.postings):
            return None  # another plugin's (or a reload's) transaction on a receivable
    if seen != len(known):
        return None  # an entry was removed or replaced
    return extras


def _extended(published: _Published, entries: Sequence[Any]) -> Book | None:
    """The published book with the plugins' transactions of `entries` read on top, or None
    when `entries` is not the published list plus such transactions."""
    extras = _generated(published, entries)
    if extras is None:
        return None
    if not extras:
        return published.book
    position = {id(entry): index for index, entry in enumerate(entries)}
    return _read_on_top(published, position, extras)


Spots = tuple[dict[int, int], list[tuple[Any, ...]]]  # see `spots`


def spots(entries: Sequence[Any]) -> Spots:
    """id() of each entry -> its index times _SPREAD, and the entries' sort keys
    (`data.entry_sortkey`, in order): what `book_with` needs of the list, which a caller that
    asks for several books of the same list (the penalties plugin's rounds) makes once and
    passes to each call."""
    return ({id(entry): index * _SPREAD for index, entry in enumerate(entries)},
            [data.entry_sortkey(entry) for entry in entries])


def book_with(entries: Sequence[Any], config: ArConfig, added: Sequence[data.Transaction],
              customers: Collection[str], known: Spots | None = None) -> Book | None:
    """The events of `customers` in ``read_book(entries + added, config)[0]``, `entries` sorted
    as Beancount gives them to a plugin and `added` (the plugins' own transactions, not in the
    list) sorted into it after the entries of an equal `data.entry_sortkey`; from the published
    reading, None when it does not apply (then read the entries again).

    The penalties plugin settles again, with stand-ins for its new charges, the customers whose
    matching the charges may change: their events are the published book's, plus what the
    stand-ins add, read on top - not a new reading of their transactions."""
    with _lock:
        published = _published
    if published is None or published.config != config:
        return None
    extras = _generated(published, entries)
    if extras is None:
        return None
    wanted = set(customers)
    # Positions: the entries' own (`spots`: `known` when the caller made them already), and
    # for each added transaction one between the entry it follows and the next (after the
    # equal keys, as a stable sort puts it).
    if len(added) >= _SPREAD:
        return None
    own, keys = known if known is not None else spots(entries)
    position = dict(own)
    added_keys = [data.entry_sortkey(entry) for entry in added]
    for rank, k in enumerate(sorted(range(len(added)), key=added_keys.__getitem__)):
        at = bisect.bisect_right(keys, added_keys[k])
        position[id(added[k])] = at * _SPREAD - len(added) + rank
    every = sorted([*extras, *added], key=lambda entry: position[id(entry)])
    return _read_on_top(published, position, every, wanted)


def _read_on_top(published: _Published, position: Mapping[int, int], extras: list[Any],
                 customers: Collection[str] | None = None) -> Book | None:
    """Read `extras` (in `position` order) with a copy of the published reader, then put their
    records where one pass over the entries would have: `position` gives each entry's place
    (the published book's events are in that order already). With `customers`, only their
    events are kept."""
    reader = published.reader
    copy = _Reader.__new__(_Reader)
    copy.__dict__.update(reader.__dict__)
    copy.events = []
    copy.errors = []
    for name in ("customers", "accounts", "invoices", "by_link", "rules"):
        setattr(copy, name, dict(getattr(reader, name)))
    copy.penalties = {number: list(items) for number, items in reader.penalties.items()}
    for entry in extras:
        copy.read_charge(entry)  # read_transaction, shorter for the penalties' stand-ins
    if (len(copy.customers), len(copy.invoices), len(copy.by_link)) != (
            len(reader.customers), len(reader.invoices), len(reader.by_link)):
        return None  # the extras made a customer or an invoice: read everything again

    def key(event: Item | Credit) -> tuple[Any, bool, int]:
        return (event.date, isinstance(event, Credit), position[id(event.entry)])

    try:
        added = sorted(copy.events, key=key)  # stable: an entry's postings keep their order
        events: Sequence[Item | Credit] = published.book.events
        merged: list[Item | Credit] = []
        if customers is not None:  # many added to part of the events: one merge of the two
            merged.extend(heapq.merge(
                (event for event in events if event.customer in customers),
                (event for event in added if event.customer in customers), key=key))
        else:  # a few added to every event: where each goes, by bisection
            start = 0
            for event in added:
                end = bisect.bisect_right(events, key(event), lo=start, key=key)
                merged.extend(events[start:end])
                merged.append(event)
                start = end
            merged.extend(events[start:])
        penalties: dict[str, list[Item]] = copy.penalties
        for number, items in penalties.items():
            if len(items) != len(reader.penalties.get(number, ())):
                items.sort(key=lambda item: position[id(item.entry)])
    except KeyError:
        return None  # a record whose entry is not in the list
    return reader.book(merged, penalties)
