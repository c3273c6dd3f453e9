"""Server time of the Fava extension's pages on synthetic ledgers.

    python benchmarks/bench_fava.py                           # 10,000 and 100,000 invoices
    python benchmarks/bench_fava.py --sizes 10000 --repeat 5

For each size it writes a ledger with `generate.py` (the ``plugin "beancount_ar"`` line and
``custom "fava-extension" "fava_ar_extension"``) into ``benchmarks/out/``, lets Fava load it
(`fava.application.create_app(..., load=True)`: Beancount, the plugin, and the extension's
``after_load_file``, which prepares today's figures), then requests the pages through Fava's
application with its test client - server time only, no network. As a user would, it first
opens Fava's default page (the extension compiles its templates at Fava's first request); then
for each page it reports the first request and the fastest of the repeats:

- ``aging``: the landing page as of today (no time filter), the page the budget is about:
  at most 0.5 s at 10,000 invoices, 3 s at 100,000;
- ``aging, new as-of``: the first request with a time filter whose end is another date, which
  settles the subledger again (later requests for that date are served from the cache);
- ``customers``, ``invoices`` (first page), ``customer`` (the customer with most invoices).

Fava's load is timed too, with the extension's share of it. The run writes
``benchmarks/out/fava_results.json`` and exits with status 1 if the aging page misses its budget.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import END, generate  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
BUDGETS = {10_000: 0.5, 100_000: 3.0}  # seconds for the aging page
EXTENSION = "AccountsReceivable"


def customers_for(invoices: int) -> int:
    return max(20, min(1000, invoices // 30))


def write_ledger(invoices: int) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"fava_{invoices}.beancount"
    text = generate(invoices, customers_for(invoices), seed=1)
    text += '\n2020-01-01 custom "fava-extension" "fava_ar_extension"\n'
    path.write_text(text, encoding="utf-8")
    return path


def timed(client, url: str, repeat: int) -> tuple[float, float]:
    """(first, best) server time of a GET, in seconds; fails loudly on an error page."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        body = response.get_data(as_text=True)
        if response.status_code != 200 or "could not be built" in body:
            raise SystemExit(f"{url}: status {response.status_code}: {body[:300]}")
    return times[0], min(times)


def bench(invoices: int, repeat: int) -> dict:
    from fava.application import create_app

    from fava_ar_extension import AccountsReceivable

    path = write_ledger(invoices)
    spent = {"after_load_file": 0.0}
    original = AccountsReceivable.after_load_file

    def measured(self) -> None:
        start = time.perf_counter()
        original(self)
        spent["after_load_file"] += time.perf_counter() - start

    AccountsReceivable.after_load_file = measured  # type: ignore[method-assign]
    try:
        start = time.perf_counter()
        app = create_app([str(path)], load=True)
        load = time.perf_counter() - start
    finally:
        AccountsReceivable.after_load_file = original  # type: ignore[method-assign]
    client = app.test_client()
    ledger = app.config["LEDGERS"].ledgers[0]
    slug = app.config["LEDGERS"].first_slug()
    extension = ledger.extensions.get_extension(EXTENSION)
    base = f"/{slug}/extension/{EXTENSION}/"
    book = extension.analysis().book
    busiest = Counter(i.customer for i in book.invoices.values()).most_common(1)[0][0]
    today = extension.today()
    other = (END - datetime.timedelta(days=150)).strftime("%Y-%m")
    start = time.perf_counter()
    client.get(f"/{slug}/income_statement/")
    landing = time.perf_counter() - start
    pages = {
        "aging": f"{base}?partial=true",
        "aging, new as-of": f"{base}?time={other}&partial=true",
        "customers": f"{base}?view=customers&partial=true",
        "invoices": f"{base}?view=invoices&partial=true",
        "customer": f"{base}?view=customer&customer={busiest}&partial=true",
        "aging JSON": f"{base}aging",
    }
    results = {"invoices": invoices, "customers": customers_for(invoices),
               "entries": len(ledger.all_entries), "errors": len(ledger.errors),
               "as_of": today.isoformat(), "fava_load_s": round(load, 2),
               "extension_load_s": round(spent["after_load_file"], 2),
               "fava_first_page_s": round(landing, 3), "pages": {}}
    for name, url in pages.items():
        first, best = timed(client, url, repeat)
        results["pages"][name] = {"first_s": round(first, 3), "best_s": round(best, 3)}
    budget = BUDGETS.get(invoices)
    aging = results["pages"]["aging"]["first_s"]
    results["budget_s"] = budget
    results["within_budget"] = budget is None or aging <= budget
    return results


def report(results: dict) -> str:
    lines = [f"{results['invoices']:,} invoices, {results['customers']} customers, "
             f"{results['entries']:,} entries ({results['errors']} errors): Fava load "
             f"{results['fava_load_s']} s, of which the extension {results['extension_load_s']} s;"
             f" Fava's first page {results['fava_first_page_s']} s",
             f"  {'page':<18} {'first':>8} {'best':>8}"]
    for name, figures in results["pages"].items():
        lines.append(f"  {name:<18} {figures['first_s']:>7.3f}s {figures['best_s']:>7.3f}s")
    if results["budget_s"] is not None:
        verdict = "within" if results["within_budget"] else "OVER"
        lines.append(f"  aging page {results['pages']['aging']['first_s']} s: {verdict} the "
                     f"budget of {results['budget_s']} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Server time of the Fava extension's pages.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        metavar="N", help="numbers of invoices (default: 10000 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="requests per page (default 3)")
    args = parser.parse_args(argv)
    all_results = []
    for size in args.sizes:
        results = bench(size, max(1, args.repeat))
        all_results.append(results)
        print(report(results), flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "fava_results.json").write_text(json.dumps(all_results, indent=2), encoding="utf-8")
    return 0 if all(r["within_budget"] for r in all_results) else 1


if __name__ == "__main__":
    sys.exit(main())
