"""Load-time benchmark of the invoice plugin: Beancount alone against Beancount with the plugin.

    python benchmarks/bench_load.py                        # 10,000 and 100,000 invoices, 3 runs
    python benchmarks/bench_load.py --sizes 2000 --repeat 1 --no-aging
    python benchmarks/bench_load.py --sizes 100000 --repeat 1 --profile

For each size it writes two synthetic ledgers into ``benchmarks/out/`` (`generate.py`, same
seed, identical entries; one without and one with the ``plugin "beancount_ar"`` line), then, in
one run and side by side, measures each in a fresh subprocess so that runs do not pollute each
other (memory, garbage collector, caches):

- ``base``: `beancount.loader.load_file` of the ledger without the plugin line (Beancount's own
  load), then, in the same process, the plugin function alone (``read_book`` + ``settle`` +
  output) on the loaded entries, as Beancount would call it;
- ``with``: `load_file` of the ledger with the plugin line; Beancount's own ``log_timings``
  give the plugin's share of that load.

Beancount's pickle load cache is off: ``BEANCOUNT_DISABLE_LOAD_CACHE`` is set before Beancount
is imported (the loader reads it at import; with it set, ``load_file`` also deletes any stale
``.<name>.picklecache``), and the workers call ``loader.initialize(use_cache=False)``. Peak
memory is the worker's ``ru_maxrss``. The minimum over the repeats is reported, in wall and
CPU time, then the wall time of ``bean-ar aging`` on each ledger (with the plugin). Results also
go to ``benchmarks/out/load_results.json``.

On a shared machine: every measurement records how busy the CPUs were just before it, and
``--quiet-wait S`` waits up to S seconds for them to calm down. The code measured is a copy of
``beancount_ar/`` taken at the start (``benchmarks/out/code/``, first on the workers'
PYTHONPATH), so that edits to the checkout during a run cannot mix two versions.
"""

from __future__ import annotations

import os

# Before anything imports beancount.loader: it decides on the pickle cache at import time.
os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"

import argparse  # noqa: E402
import datetime  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:  # run as a script from a checkout: find `benchmarks`
    sys.path.append(str(REPO))

OUT = HERE / "out"
AS_OF = "2026-11-23"
_TIMING = re.compile(r"Operation: '(?P<name>[^']+)'\s+Time:\s+(?P<ms>[\d.]+) ms")


# -- workers (run in a fresh subprocess each) ------------------------------------------------


def _maxrss_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _loader() -> Any:
    from beancount import loader

    loader.initialize(use_cache=False)
    return loader


def _count(entries: Sequence[Any]) -> dict[str, int]:
    from beancount.core import data

    transactions = [e for e in entries if isinstance(e, data.Transaction)]
    return {
        "entries": len(entries),
        "transactions": len(transactions),
        "discounts_posted": sum(1 for e in transactions if "ar-discount" in (e.tags or ())),
    }


def _phases(lines: list[str]) -> dict[str, float]:
    """Seconds per operation from Beancount's ``log_timings`` lines."""
    phases: dict[str, float] = {}
    for line in lines:
        match = _TIMING.search(line)
        if match:
            phases[match["name"]] = float(match["ms"]) / 1000
    return phases


def _timed(store: dict[str, float], name: str, function: Callable) -> Callable:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            store[name] = store.get(name, 0.0) + time.perf_counter() - start

    return wrapper


def worker_base(path: str, config: str) -> dict[str, Any]:
    """Beancount's own load of `path` (no plugin line), then the plugin function alone."""
    loader = _loader()
    lines: list[str] = []
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    entries, errors, options_map = loader.load_file(path, log_timings=lines.append)
    load_s, load_cpu_s = time.perf_counter() - start, time.process_time() - cpu
    result: dict[str, Any] = {"load_s": load_s, "load_cpu_s": load_cpu_s,
                              "rss_mb": _maxrss_mb(), "errors": len(errors),
                              "phases": _phases(lines), **_count(entries)}

    start = time.perf_counter()
    from beancount_ar.plugins import invoices

    result["import_s"] = time.perf_counter() - start
    # Time the plugin's two core calls by wrapping the names its module calls them by.
    parts: dict[str, float] = {}
    for name in ("read_book", "settle"):
        if callable(getattr(invoices, name, None)):
            setattr(invoices, name, _timed(parts, name, getattr(invoices, name)))
    start, cpu = time.perf_counter(), time.process_time()
    out, plugin_errors = invoices.ar_invoices(entries, options_map, config)
    plugin_s = time.perf_counter() - start
    result.update({
        "plugin_s": plugin_s,
        "plugin_cpu_s": time.process_time() - cpu,
        "read_book_s": parts.get("read_book"),
        "settle_s": parts.get("settle"),
        "output_s": (plugin_s - sum(parts.values())) if len(parts) == 2 else None,
        "plugin_errors": len(plugin_errors),
        "plugin_error_sample": [str(e.message)[:200] for e in plugin_errors[:3]],
        "plugin_added": len(out) - len(entries),
        "rss_after_plugin_mb": _maxrss_mb(),
        "code": invoices.__file__,
    })
    return result


def worker_with(path: str) -> dict[str, Any]:
    """`load_file` of `path`, whose plugin line runs the invoice plugin."""
    loader = _loader()
    lines: list[str] = []
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    entries, errors, _ = loader.load_file(path, log_timings=lines.append)
    load_s, load_cpu_s = time.perf_counter() - start, time.process_time() - cpu
    phases = _phases(lines)
    return {"load_s": load_s, "load_cpu_s": load_cpu_s,
            "rss_mb": _maxrss_mb(), "errors": len(errors),
            "error_sample": [str(e.message)[:200] for e in errors[:3]],
            "plugin_in_load_s": phases.get("beancount_ar"), "phases": phases,
            "code": getattr(sys.modules.get("beancount_ar"), "__file__", None),
            **_count(entries)}


def worker_profile(path: str, config: str, out: str) -> dict[str, Any]:
    """cProfile of the plugin function on the entries of `path` (no plugin line)."""
    import cProfile
    import io
    import pstats

    loader = _loader()
    entries, _, options_map = loader.load_file(path)
    from beancount_ar.plugins import invoices

    profiler = cProfile.Profile()
    profiler.enable()
    invoices.ar_invoices(entries, options_map, config)
    profiler.disable()
    profiler.dump_stats(out)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(20)
    stats.sort_stats("cumulative").print_stats(25)
    return {"profile": out, "report": text.getvalue()}


WORKERS: dict[str, Callable[..., dict[str, Any]]] = {
    "base": worker_base, "with": worker_with, "profile": worker_profile,
}


def machine_busy(seconds: float = 1.0) -> float:
    """How busy the machine's CPUs are (0 to 1, from /proc/stat) over `seconds`; -1 if unknown.

    Measured just before a worker starts, it is the load from other processes: on a shared
    machine a measurement taken while it is high is slower for reasons outside the plugin.
    """
    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as handle:
            values = [int(v) for v in handle.readline().split()[1:]]
        idle = values[3] + (values[4] if len(values) > 4 else 0)
        return sum(values), idle

    try:
        total1, idle1 = sample()
        time.sleep(seconds)
        total2, idle2 = sample()
    except (OSError, ValueError, IndexError):
        return -1.0
    return 1 - (idle2 - idle1) / max(1, total2 - total1)


def wait_for_quiet(max_wait: float, threshold: float = 0.25) -> float:
    """Wait (up to `max_wait` seconds) until the machine is less busy than `threshold`."""
    deadline = time.monotonic() + max_wait
    busy = machine_busy()
    while busy > threshold and time.monotonic() < deadline:
        time.sleep(4)
        busy = machine_busy()
    return busy


SNAPSHOT = OUT / "code"


def snapshot_code() -> None:
    """Copy `beancount_ar/` so that every measurement of a run uses the same code.

    Others may edit the checkout during a run of several minutes; the workers and ``bean-ar``
    import the copy (it comes first on their PYTHONPATH).
    """
    target = SNAPSHOT / "beancount_ar"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(REPO / "beancount_ar", target,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def snapshot_tree(target: Path, packages: Sequence[str] = ("beancount_ar", "fava_ar_extension"),
                  ) -> Path:
    """Copy the checkout's `packages` into `target` (emptied first); returns `target`."""
    for package in packages:
        destination = target / package
        if destination.exists():
            shutil.rmtree(destination)
        if (REPO / package).is_dir():
            shutil.copytree(REPO / package, destination,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def worker_env() -> dict[str, str]:
    """Environment of the measured processes: no load cache, the snapshot of the code first."""
    env = dict(os.environ, BEANCOUNT_DISABLE_LOAD_CACHE="1")
    if (SNAPSHOT / "beancount_ar").is_dir():
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(SNAPSHOT), os.environ.get("PYTHONPATH")]))
    return env


def run_worker(mode: str, *args: str) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return what it printed (JSON)."""
    env = worker_env()
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", mode, *args]
    proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO)
    if proc.returncode != 0:
        raise RuntimeError(f"worker {mode} {args} failed ({proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- driver ----------------------------------------------------------------------------------


def write_ledgers(size: int, customers: int, seed: int,
                  out: Path = OUT) -> tuple[Path, Path, dict[str, int]]:
    """The ledger without and with the plugin line (identical entries), and what they hold."""
    # Imported here, not at the top: the workers must not import the core before measuring.
    from benchmarks.generate import PLUGIN_LINE, generate_with_stats

    out.mkdir(parents=True, exist_ok=True)
    text, stats = generate_with_stats(size, customers, seed, plugin=True)
    with_plugin = out / f"ar-{size}-plugin.beancount"
    without = out / f"ar-{size}.beancount"
    with_plugin.write_text(text, encoding="utf-8")
    without.write_text(text.replace(PLUGIN_LINE + "\n\n", "", 1), encoding="utf-8")
    return without, with_plugin, dict(stats)


def time_aging(ledger: Path) -> dict[str, Any]:
    """Wall time of ``bean-ar aging`` (a fresh process: imports, load with plugin, report)."""
    exe = shutil.which("bean-ar")
    command = ([exe] if exe else [sys.executable, "-m", "beancount_ar.cli"]) + [
        "aging", str(ledger), "--as-of", AS_OF]
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, env=worker_env(), cwd=REPO)
    wall = time.perf_counter() - start
    return {"wall_s": wall, "status": proc.returncode,
            "reconciles": "DIFFERS" not in proc.stdout and "reconciles" in proc.stdout,
            "stderr": proc.stderr.strip()[:300]}


def code_version() -> str:
    """The commit of the checkout and whether `beancount_ar/` differs from it (read-only git)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, cwd=REPO, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "beancount_ar"],
                               capture_output=True, text=True, cwd=REPO, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"commit {head}" + (" + uncommitted changes in beancount_ar/" if dirty.strip() else "")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def _min(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return min(values) if values else None


PHASES = ("parse", "booking", "run_transformations", "beancount.ops.validate")


def _min_phase(runs: list[dict[str, Any]], phase: str) -> float | None:
    values = [r["phases"][phase] for r in runs if phase in r.get("phases", {})]
    return min(values) if values else None


def _f(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def summarize(results: list[dict[str, Any]]) -> str:
    main_rows, cpu_rows, detail_rows, phase_rows, memory_rows = [], [], [], [], []
    for res in results:
        base, with_ = res["base"], res["with"]
        b, w = _min(base, "load_s"), _min(with_, "load_s")
        plugin = _min(base, "plugin_s")
        main_rows.append([
            f"{res['invoices']:,}", f"{base[0]['transactions']:,}", _f(b), _f(w),
            _f(100 * (w - b) / b, 1) if b and w else "-", _f(plugin),
            _f(1000 * plugin / res["invoices"], 3) if plugin else "-",
            _f(res["aging"]["wall_s"]) if res.get("aging") else "-",
        ])
        bc, wc = _min(base, "load_cpu_s"), _min(with_, "load_cpu_s")
        plugin_cpu = _min(base, "plugin_cpu_s")
        loads = [100 * r["busy"] for r in base + with_ if r.get("busy", -1) >= 0]
        cpu_rows.append([
            f"{res['invoices']:,}", _f(bc), _f(wc),
            _f(100 * (wc - bc) / bc, 1) if bc and wc else "-",
            _f(plugin_cpu), _f(1000 * plugin_cpu / res["invoices"], 3) if plugin_cpu else "-",
            f"{min(loads):.0f}-{max(loads):.0f}" if loads else "-",
        ])
        detail_rows.append([
            f"{res['invoices']:,}", _f(_min(with_, "plugin_in_load_s")),
            _f(_min(base, "read_book_s")), _f(_min(base, "settle_s")),
            _f(_min(base, "output_s")), _f(_min(base, "import_s")),
            str(with_[0]["discounts_posted"]), str(with_[0]["errors"]),
        ])
        phase_row = [f"{res['invoices']:,}"]
        for phase in PHASES:
            low = [_min_phase(runs, phase) for runs in (base, with_)]
            phase_row.append(f"{_f(low[0])} / {_f(low[1])}")
        phase_rows.append(phase_row)
        rb, rw = _min(base, "rss_mb"), _min(with_, "rss_mb")
        after = _min(base, "rss_after_plugin_mb")
        memory_rows.append([
            f"{res['invoices']:,}", _f(rb, 0), _f(rw, 0),
            _f(rw - rb, 0) if rb and rw else "-",
            _f(100 * (rw - rb) / rb, 1) if rb and rw else "-",
            _f(after - rb, 0) if after and rb else "-",
        ])
    return "\n\n".join([
        "Load time, seconds (minimum over the repeats)",
        table(["invoices", "transactions", "beancount load s", "with plugin s", "overhead %",
               "plugin alone s", "plugin s /1,000 inv", "bean-ar aging s"], main_rows),
        "CPU time of the same runs, seconds (less sensitive to other processes on the machine;"
        " busy %: how busy the CPUs were just before each measurement)",
        table(["invoices", "beancount load", "with plugin", "overhead %", "plugin alone",
               "plugin /1,000 inv", "busy %"], cpu_rows),
        "Plugin breakdown, wall seconds",
        table(["invoices", "plugin in load s", "read_book s", "settle s", "output s",
               "import s", "discounts posted", "load errors"], detail_rows),
        "Beancount's load phases, seconds, without / with the plugin (the plugin runs within"
        " run_transformations)",
        table(["invoices", *PHASES], phase_rows),
        "Peak memory (ru_maxrss), MB",
        table(["invoices", "beancount load", "with plugin", "plugin extra", "extra %",
               "plugin alone growth"], memory_rows),
    ])


# -- --compare REV: the outputs of two versions of the code ----------------------------------

COMPARE = OUT / "compare"
VARIANTS = ("plugin", "penalties-settlement", "penalties-month-end")
PACKAGES = ("beancount_ar", "fava_ar_extension")


def _git(*args: str, data: bool = False) -> Any:
    proc = subprocess.run(["git", *args], capture_output=True, cwd=REPO, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"git {' '.join(args)}: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout if data else proc.stdout.decode().strip()


def extract_revision(rev: str) -> tuple[str, Path]:
    """The commit `rev` names and a directory holding its packages (extracted once per commit:
    a commit never changes, so an earlier extraction is reused)."""
    commit = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    target = OUT / f"code-{commit[:12]}"
    if not (target / "beancount_ar" / "__init__.py").exists():
        present = [p for p in PACKAGES if _git("ls-tree", "--name-only", commit, p)]
        if "beancount_ar" not in present:
            raise SystemExit(f"{rev} ({commit[:12]}) has no beancount_ar/")
        partial = OUT / f"code-{commit[:12]}.partial"
        if partial.exists():
            shutil.rmtree(partial)
        partial.mkdir(parents=True)
        archive = _git("archive", "--format=tar", commit, *present, data=True)
        subprocess.run(["tar", "-x", "-C", str(partial)], input=archive, check=True)
        if target.exists():
            shutil.rmtree(target)
        partial.rename(target)
    return commit, target


def compare_ledger(size: int, customers: int, seed: int, variant: str) -> Path:
    """Write the ledger of `variant` for `size` invoices (deterministic) and return its path."""
    if variant == "plugin":
        return write_ledgers(size, customers, seed)[1]
    from benchmarks.bench_penalties import ledgers

    schedule = variant.removeprefix("penalties-")
    COMPARE.mkdir(parents=True, exist_ok=True)
    path = COMPARE / f"ar-{size}-{variant}.beancount"
    path.write_text(ledgers(size, customers, seed, schedule)[1], encoding="utf-8")
    return path


def run_dump(code: Path, ledger: Path, out: Path, dates: Sequence[str]) -> dict[str, Any]:
    """Dump the outputs of `ledger` loaded with the code in `code` (a fresh process)."""
    env = dict(os.environ, BEANCOUNT_DISABLE_LOAD_CACHE="1", PYTHONPATH=str(code))
    command = [sys.executable, str(HERE / "compare_outputs.py"), "--dump", str(ledger),
               str(out), str(code), ",".join(dates)]
    proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=COMPARE)
    if proc.returncode != 0:
        return {"failed": f"exit {proc.returncode}: {proc.stderr.strip()[-2000:]}"}
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def compare(rev: str, sizes: Sequence[int], seed: int, per_customer: int,
            variants: Sequence[str], dates: Sequence[str], cache: bool = True) -> int:
    """Compare the outputs of `rev` and of the checkout; 0 when identical, 1 otherwise."""
    import hashlib

    from benchmarks.compare_outputs import FORMAT, report

    started = time.perf_counter()

    def note(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f}s] {message}", file=sys.stderr, flush=True)

    commit, old_code = extract_revision(rev)
    current = snapshot_tree(OUT / "code-current")
    version = code_version()
    print(f"Outputs of {rev} (commit {commit[:12]}) against the checkout ({version}); "
          f"seed {seed}; settlements as of {', '.join(dates)}\n")
    COMPARE.mkdir(parents=True, exist_ok=True)
    failures = 0
    for size in sizes:
        customers = max(20, size // per_customer)
        for variant in variants:
            ledger = compare_ledger(size, customers, seed, variant)
            digest = hashlib.sha256(ledger.read_bytes()).hexdigest()
            key = {"commit": commit, "ledger": digest, "dates": list(dates), "format": FORMAT}
            label = f"{size:,} invoices, {variant}"
            old_out = COMPARE / f"old-{commit[:12]}-{size}-{variant}.txt"
            old_json = old_out.with_suffix(".json")
            old: dict[str, Any] | None = None
            if cache and old_out.exists() and old_json.exists():
                stored = json.loads(old_json.read_text())
                if stored.get("key") == key:
                    old = stored
                    note(f"{label}: {rev} dump reused from {old_out.name}")
            if old is None:
                note(f"{label}: loading and dumping with {rev}")
                old = run_dump(old_code, ledger, old_out, dates)
                if "failed" not in old:
                    old_json.write_text(json.dumps({**old, "key": key}, indent=1))
            note(f"{label}: loading and dumping with the checkout")
            new_out = COMPARE / f"new-{size}-{variant}.txt"
            new = run_dump(current, ledger, new_out, dates)
            if "failed" in old or "failed" in new:
                failures += 1
                for side, result in (("old", old), ("new", new)):
                    if "failed" in result:
                        print(f"{label}: FAILED ({side} code): {result['failed']}")
                continue
            counts = ", ".join(f"{name} {count:,}" for name, (count, _) in
                               new["sections"].items())
            if old["sections"] == new["sections"]:
                print(f"{label}: identical ({counts}; load {old['load_s']} s before, "
                      f"{new['load_s']} s after)", flush=True)
                continue
            failures += 1
            print(f"{label}: DIFFERENT (before: {old_out}, after: {new_out})")
            for line in report(old_out, new_out, old["sections"], new["sections"]):
                print(f"  {line}")
            sys.stdout.flush()
    print("\nidentical" if not failures else f"\n{failures} comparison(s) differ or failed")
    note("done")
    return 1 if failures else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(description="Benchmark the invoice plugin's load time.")
    parser.add_argument("--sizes", default="10000,100000", help="invoice counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (minimum reported)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--invoices-per-customer", type=int, default=100, metavar="K",
                        help="customers = invoices / K (at least 20)")
    parser.add_argument("--aging", action=argparse.BooleanOptionalAction, default=True,
                        help="also time `bean-ar aging` on each ledger (default: yes)")
    parser.add_argument("--quiet-wait", type=float, default=0, metavar="SECONDS",
                        help="before each measurement, wait up to this long for the machine's "
                             "CPUs to be under 25%% busy (a shared machine); default: 0")
    parser.add_argument("--profile", action="store_true",
                        help="then cProfile the plugin on the largest ledger")
    parser.add_argument("--compare", metavar="REV",
                        help="instead of timing: compare the outputs of git revision REV and of "
                             "the checkout on each size (exit 1 on any difference)")
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help="with --compare: ledgers to compare (default: %(default)s)")
    parser.add_argument("--dates", default="2024-06-30,2025-12-31,full",
                        help="with --compare: as-of dates of the settlements compared "
                             "(full: no date); default: %(default)s")
    parser.add_argument("--no-cache", action="store_true",
                        help="with --compare: dump REV again even if a dump of the same commit "
                             "and ledger is in benchmarks/out/compare/")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        mode, *rest = args.worker
        print(json.dumps(WORKERS[mode](*rest)))
        return 0

    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes {args.sizes!r}: expected numbers such as 10000,100000")
    if not sizes or min(sizes) <= 0 or args.repeat < 1:
        parser.error("--sizes and --repeat must be positive")

    if args.compare:
        variants = [v.strip() for v in args.variants.split(",") if v.strip()]
        unknown = sorted(set(variants) - set(VARIANTS))
        if unknown or not variants:
            parser.error(f"--variants: unknown {unknown}; choose from {', '.join(VARIANTS)}")
        dates = [d.strip() for d in args.dates.split(",") if d.strip()]
        for day in dates:
            if day != "full":
                try:
                    datetime.date.fromisoformat(day)
                except ValueError:
                    parser.error(f"--dates: {day!r} is neither a date nor 'full'")
        return compare(args.compare, sizes, args.seed, args.invoices_per_customer, variants,
                       dates, cache=not args.no_cache)

    from benchmarks.generate import PLUGIN_CONFIG

    version = code_version()
    snapshot_code()
    started = time.perf_counter()

    def note(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f}s] {message}", file=sys.stderr, flush=True)

    results: list[dict[str, Any]] = []
    for size in sizes:
        customers = max(20, size // args.invoices_per_customer)
        without, with_plugin, stats = write_ledgers(size, customers, args.seed)
        note(f"{size:,} invoices, {customers:,} customers: {stats['transactions']:,} "
             f"transactions written to {without.name} and {with_plugin.name}")
        res: dict[str, Any] = {"invoices": size, "customers": customers, "generated": stats,
                               "base": [], "with": []}
        for run in range(args.repeat):
            # Alternate the order so that neither side always runs on a warmer machine.
            order = ("base", "with") if run % 2 == 0 else ("with", "base")
            for mode in order:
                ledger = without if mode == "base" else with_plugin
                busy = wait_for_quiet(args.quiet_wait)
                measure = run_worker(mode, str(ledger),
                                     *([PLUGIN_CONFIG] if mode == "base" else []))
                measure["busy"] = busy
                res[mode].append(measure)
                extra = (f", plugin alone {measure['plugin_s']:.2f}s" if mode == "base"
                         else f", plugin in load {_f(measure['plugin_in_load_s'])}s, "
                              f"{measure['errors']} errors")
                note(f"  run {run + 1}/{args.repeat} {mode}: load {measure['load_s']:.2f}s"
                     f" (cpu {measure['load_cpu_s']:.2f}s){extra}, machine {100 * busy:.0f}%"
                     " busy before")
        if args.aging:
            res["aging"] = time_aging(with_plugin)
            note(f"  bean-ar aging: {res['aging']['wall_s']:.2f}s (exit {res['aging']['status']})")
        results.append(res)
        for name in (without, with_plugin):  # the cache is off: no pickle may appear
            stale = name.parent / f".{name.name}.picklecache"
            if stale.exists():
                note(f"warning: {stale} exists: the load cache was not disabled")

    report = summarize(results)
    print(f"beancount-ar load benchmark, {datetime.datetime.now():%Y-%m-%d %H:%M}, Python "
          f"{platform.python_version()}, {os.cpu_count()} CPUs, repeat {args.repeat}, seed "
          f"{args.seed}; code: {version}\n")
    print(report)
    for res in results:
        for key in ("base", "with"):
            for measure in res[key]:
                for sample in measure.get("plugin_error_sample", []) + measure.get(
                        "error_sample", []):
                    print(f"error ({res['invoices']:,}, {key}): {sample}")
        aging = res.get("aging")
        if aging and (aging["status"] or not aging["reconciles"]):
            print(f"bean-ar aging on {res['invoices']:,}: exit {aging['status']}, "
                  f"reconciles={aging['reconciles']} {aging['stderr']}")
    (OUT / "load_results.json").write_text(json.dumps({"code": version, "results": results},
                                                 indent=1, default=str))

    if args.profile:
        size = max(sizes)
        prof = OUT / f"plugin-{size}.prof"
        note(f"profiling the plugin on {size:,} invoices")
        profile = run_worker("profile", str(OUT / f"ar-{size}.beancount"), PLUGIN_CONFIG,
                             str(prof))
        print(f"\ncProfile of the plugin on {size:,} invoices ({prof}):\n")
        print(profile["report"])
    note("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
