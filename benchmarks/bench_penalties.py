"""Benchmark: what the penalties plugin adds to Beancount's load time.

    python benchmarks/bench_penalties.py --invoices 100000 --customers 1000 --repeat 3

generates one synthetic ledger with `benchmarks.generate` (the invoice plugin on), then loads it
(with ``loader.load_string``, so Beancount's pickle cache plays no part) twice per round: as it
is, and with ``plugin "beancount_ar.penalties"`` added after the invoice plugin. Both texts hold
the same ``custom "ar-rate"`` directive (the ECB rate for 2026 H2, 2.40, as the shipped table
has it: the figures do not depend on the package's tables), so the only difference is the
plugin. It prints the best time of each, the overhead,
the plugin's own time (Beancount's per-plugin timings) and the number of entries it adds:

    invoices 100000, customers 1000: load 61.2 s, with penalties 75.9 s (+24.0 %) ...

``--only base`` or ``--only penalties`` loads one of the two once and prints the process's peak
memory (run each in its own process to compare them); ``--schedule`` takes every schedule of
the plugin (``month-end``, ``settlement``, ``quarter-end``, ``year-end``).
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from beancount import loader  # noqa: E402

from beancount_ar.core.penalty_config import SCHEDULES  # noqa: E402
from benchmarks.generate import PLUGIN_LINE, generate  # noqa: E402

AS_OF = "2026-11-23"
RATE = '2026-07-01 custom "ar-rate" "ECB" 2.40\n'


def penalties_line(schedule: str, regime: str = "FR") -> str:
    config = (f"{{'regime': '{regime}', 'account': 'Income:Penalties', 'as_of': '{AS_OF}', "
              f"'schedule': '{schedule}', 'indemnity': 40}}")
    return f'plugin "beancount_ar.penalties" "{config}"'


def ledgers(invoices: int, customers: int, seed: int, schedule: str) -> tuple[str, str]:
    """The ledger without and with the penalties plugin (same entries otherwise)."""
    text = generate(invoices, customers, seed, plugin=True)
    opening = re.search(r"^(\d{4}-\d{2}-\d{2}) open ", text, re.M)
    day = opening.group(1) if opening else "2000-01-01"
    text += f"\n{day} open Income:Penalties\n{RATE}"
    with_plugin = text.replace(PLUGIN_LINE, PLUGIN_LINE + "\n" + penalties_line(schedule), 1)
    assert with_plugin != text, "the generated ledger has no invoice plugin line"
    return text, with_plugin


def timed_load(text: str) -> tuple[float, float, int, list]:
    """Seconds to load, seconds in the penalties plugin, entries, errors."""
    timings: list[str] = []
    start = time.perf_counter()
    entries, errors, _ = loader.load_string(text, log_timings=timings.append)
    elapsed = time.perf_counter() - start
    plugin = 0.0
    for line in timings:
        found = re.search(r"'beancount_ar\.penalties'\s+Time:\s+([0-9.]+) ms", line)
        if found:
            plugin += float(found.group(1)) / 1000
    return elapsed, plugin, len(entries), errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100000)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1, help="rounds; the best time counts")
    parser.add_argument("--schedule", default="month-end", choices=SCHEDULES)
    parser.add_argument("--only", choices=("base", "penalties"),
                        help="load only this ledger once and print its peak memory (each in its "
                             "own process, for comparing memory)")
    args = parser.parse_args(argv)
    base, penal = ledgers(args.invoices, args.customers, args.seed, args.schedule)
    if args.only:
        seconds, plugin, count, errors = timed_load(base if args.only == "base" else penal)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"invoices {args.invoices}, customers {args.customers}, schedule {args.schedule}, "
              f"{args.only}: load {seconds:.1f} s, penalties plugin {plugin:.1f} s, {count} "
              f"entries, {len(errors)} error(s), peak memory {peak:.0f} MiB")
        return 0
    best_base = best_penal = best_plugin = float("inf")
    n_base = n_penal = 0
    errors: list = []
    for _ in range(args.repeat):
        seconds, _, n_base, _ = timed_load(base)
        best_base = min(best_base, seconds)
        seconds, plugin, n_penal, errors = timed_load(penal)
        best_penal = min(best_penal, seconds)
        best_plugin = min(best_plugin, plugin)
    overhead = (best_penal - best_base) / best_base * 100
    print(f"invoices {args.invoices}, customers {args.customers}, seed {args.seed}, schedule "
          f"{args.schedule}: load {best_base:.1f} s, with penalties {best_penal:.1f} s "
          f"({overhead:+.1f} %); penalties plugin {best_plugin:.1f} s "
          f"({best_plugin / best_base * 100:.1f} % of the load); entries {n_base} -> "
          f"{n_penal} (+{n_penal - n_base} penalty transactions); {len(errors)} error(s)")
    for error in errors[:5]:
        print(f"  error: {' '.join(str(error.message).split())[:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
