"""The garbage collector's share of a load, with and without the plugin's `no_gc`.

    python benchmarks/bench_gc.py                          # 100,000 invoices, 3 runs each
    python benchmarks/bench_gc.py --sizes 10000 --repeat 5

Python's cyclic collector runs during every Beancount load (about a quarter of the load's time
on the synthetic ledgers). The plugins pause it around their pass (`plugins.common.no_gc`); on
exit, what the pass made joins the oldest generation at once. This script measures, each in a
fresh process, the seconds spent in the collector (``gc.callbacks``) and the CPU seconds of
`loader.load_file` for three variants of the same ledger (`bench_load.py`'s, `generate.py`):

- ``none``: without the plugin line;
- ``plugin``: with ``plugin "beancount_ar"``, as shipped;
- ``re-enabled``: the same, with `no_gc` as it was before (the collector paused, then only
  re-enabled): the young collections after the plugin then walk everything it made.

It prints one table per size: medians over ``--repeat`` (variants in alternation), the
collections per generation, and the collector's seconds beyond the load without the plugin.
"""

from __future__ import annotations

import os

os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"  # before anything imports beancount.loader

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:
    sys.path.append(str(REPO))

VARIANTS = ("none", "plugin", "re-enabled")


def worker(variant: str, path: str) -> dict[str, Any]:
    """Load `path` in this fresh process; the collector's seconds and collections."""
    if variant == "re-enabled":
        # `no_gc` skips the move to the oldest generation when the program has frozen objects
        # of its own: told so, it only re-enables the collector, as it did before.
        gc.get_freeze_count = lambda: 1
    seconds = [0.0]
    collections = [0, 0, 0]
    started = [0.0]

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            seconds[0] += time.perf_counter() - started[0]
            collections[info["generation"]] += 1

    from beancount import loader

    loader.initialize(use_cache=False)
    gc.collect()
    gc.callbacks.append(watch)
    cpu = time.process_time()
    entries, errors, _ = loader.load_file(path)
    cpu = time.process_time() - cpu
    gc.callbacks.remove(watch)
    return {"cpu": cpu, "gc": seconds[0], "collections": collections, "errors": len(errors),
            "entries": len(entries)}


def run_worker(variant: str, path: Path) -> dict[str, Any]:
    env = dict(os.environ, BEANCOUNT_DISABLE_LOAD_CACHE="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO),
                                                        os.environ.get("PYTHONPATH")])))
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", variant,
                           str(path)], capture_output=True, text=True, env=env, cwd=REPO)
    if proc.returncode != 0:
        raise RuntimeError(f"worker {variant} failed ({proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def table(size: int, runs: dict[str, list[dict[str, Any]]]) -> str:
    """One size's figures as a Markdown table (medians)."""
    median = {v: {k: statistics.median(r[k] for r in rs) for k in ("cpu", "gc")}
              for v, rs in runs.items()}
    lines = [f"{size:,} invoices, medians of {len(runs['none'])} run(s):", "",
             "| variant | load CPU s | in the collector s | collections (gen 0/1/2) "
             "| collector beyond `none` |", "|---|---|---|---|---|"]
    for variant, figures in median.items():
        counts = "/".join(str(n) for n in runs[variant][0]["collections"])
        beyond = figures["gc"] - median["none"]["gc"]
        lines.append(f"| {variant} | {figures['cpu']:.2f} | {figures['gc']:.2f} | {counts} | "
                     + ("-" if variant == "none" else f"{beyond:+.2f} s") + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--worker", nargs=2, metavar=("VARIANT", "LEDGER"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return 0
    from benchmarks import bench_load

    sizes = [int(s) for s in args.sizes.replace("_", "").split(",") if s.strip()]
    if not sizes or min(sizes) <= 0 or args.repeat < 1:
        parser.error("--sizes and --repeat must be positive")
    args.out.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        without, with_plugin, _ = bench_load.write_ledgers(size, max(20, size // 100),
                                                           args.seed, args.out)
        paths = {"none": without, "plugin": with_plugin, "re-enabled": with_plugin}
        runs: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
        for repeat in range(args.repeat):
            shift = repeat % len(VARIANTS)
            for variant in VARIANTS[shift:] + VARIANTS[:shift]:
                result = run_worker(variant, paths[variant])
                if result["errors"]:
                    raise SystemExit(f"{variant}: {result['errors']} errors in the load")
                runs[variant].append(result)
                print(f"{size} {variant} run {repeat + 1}: {result['cpu']:.2f} s, collector "
                      f"{result['gc']:.2f} s", file=sys.stderr, flush=True)
        print(table(size, runs) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
