"""Benchmark: the subledger at a new as-of date, settled again or read from a `Timeline`.

    python benchmarks/bench_asof.py                          # 10,000 and 100,000 invoices
    python benchmarks/bench_asof.py --sizes 10000 --repeat 5 --dates 2025-06-30

For each size it writes a ledger with `generate.py` (the ``plugin "beancount_ar"`` line; as
many customers as `bench_fava.py` gives it: 1,000 at 100,000 invoices) into ``benchmarks/out/``,
loads it with ``beancount.loader.load_file`` (Beancount's pickle cache makes later runs quicker),
reads the `Book`, then times, best of ``--repeat`` (wall clock, and the process's CPU time,
which other processes on the machine disturb less):

- ``settle(book)`` and ``Timeline(book)`` (the one replay a load would pay for; the ratio is
  what the timeline costs on top of settling once);
- for each date: ``settle(book, date)`` against ``timeline.at(date)`` (checked equal), and the
  aging page's work at a new date, ``aging(settlement, date, balances=...)``, both ways;
- ``receivable_balances(entries, root, date)`` (all accounts, and 10 customers' accounts)
  against ``BalanceIndex(entries, root)`` (built once) and its ``at(date, accounts)``.

It prints one table per size, times in milliseconds::

    invoices 100000, customers 1000, events 217,000
    what                                     wall ms     cpu ms
    settle(book)                              2210.3     2104.9
    ...
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from beancount import loader  # noqa: E402

from beancount_ar.core import aging as aging_lib  # noqa: E402
from beancount_ar.core.allocation import settle  # noqa: E402
from beancount_ar.core.book import read_book  # noqa: E402
from beancount_ar.core.config import config_from_options  # noqa: E402
from beancount_ar.core.timeline import BalanceIndex, Timeline  # noqa: E402
from benchmarks.generate import generate  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
DATES = ("2024-06-30", "2025-12-31", "2026-11-23")


def customers_for(invoices: int) -> int:
    return max(20, min(1000, invoices // 30))


def ledger(invoices: int) -> Path:
    """The ledger of that size, written once."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"asof_{invoices}.beancount"
    if not path.exists():
        path.write_text(generate(invoices, customers_for(invoices), seed=1), encoding="utf-8")
    return path


def best(function: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(wall ms, cpu ms, result) of the fastest of `repeat` calls."""
    walls, cpus = [], []
    result = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return min(walls) * 1000, min(cpus) * 1000, result


def bench(invoices: int, dates: list[datetime.date], repeat: int) -> list[tuple[str, float, float]]:
    path = ledger(invoices)
    start = time.perf_counter()
    entries, errors, options = loader.load_file(str(path))
    loaded = time.perf_counter() - start
    config, _ = config_from_options(options)
    book, _ = read_book(entries, config)
    root = config.receivable_root
    print(f"invoices {invoices}, customers {customers_for(invoices)}, events "
          f"{len(book.events):,} (loaded in {loaded:.1f} s, {len(errors)} errors)", flush=True)
    rows: list[tuple[str, float, float]] = []

    def row(what: str, function: Callable[[], Any]) -> Any:
        wall, cpu, result = best(function, repeat)
        rows.append((what, wall, cpu))
        return result

    full = row("settle(book)", lambda: settle(book))
    timeline = row("Timeline(book)", lambda: Timeline(book))
    if timeline.full != full:
        raise SystemExit("Timeline(book).full differs from settle(book)")
    index = row("BalanceIndex(entries, root)", lambda: BalanceIndex(entries, root))
    some = sorted({c.account for c in book.customers.values()})[:10]
    for day in dates:
        settled = row(f"settle(book, {day})", lambda day=day: settle(book, day))
        read = row(f"timeline.at({day})", lambda day=day: timeline.at(day))
        if read != settled:
            raise SystemExit(f"timeline.at({day}) differs from settle(book, {day})")
        row(f"  aging {day}, settled again", lambda day=day: aging_lib.aging(
            settle(book, day), day, balances=aging_lib.receivable_balances(entries, root, day)))
        row(f"  aging {day}, from the timeline", lambda day=day: aging_lib.aging(
            timeline.at(day), day, balances=index.at(day)))
        want = row(f"receivable_balances({day})",
                   lambda day=day: aging_lib.receivable_balances(entries, root, day))
        got = row(f"index.at({day})", lambda day=day: index.at(day))
        want_some = row(f"receivable_balances({day}, 10 accounts)",
                        lambda day=day: aging_lib.receivable_balances(entries, root, day, some))
        got_some = row(f"index.at({day}, 10 accounts)", lambda day=day: index.at(day, some))
        if got != want or got_some != want_some:
            raise SystemExit(f"BalanceIndex.at({day}) differs from receivable_balances")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        metavar="N", help="invoices per ledger (default: 10000 100000)")
    parser.add_argument("--dates", nargs="+", default=list(DATES), metavar="YYYY-MM-DD",
                        help="as-of dates (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (the best counts)")
    args = parser.parse_args(argv)
    dates = [datetime.date.fromisoformat(text) for text in args.dates]
    for size in args.sizes:
        rows = bench(size, dates, max(1, args.repeat))
        width = max(len(what) for what, _, _ in rows)
        print(f"{'what':<{width}}  {'wall ms':>9}  {'cpu ms':>9}")
        for what, wall, cpu in rows:
            print(f"{what:<{width}}  {wall:9.2f}  {cpu:9.2f}")
        settle_cpu = next(cpu for what, _, cpu in rows if what == "settle(book)")
        timeline_cpu = next(cpu for what, _, cpu in rows if what == "Timeline(book)")
        print(f"Timeline(book) / settle(book), cpu: {timeline_cpu / settle_cpu:.2f}\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
