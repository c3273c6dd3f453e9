"""Issue 16's table, measured side by side in one run: each row without and with, medians.

    python benchmarks/bench_table.py                          # 10k and 100k, 3 repeats
    python benchmarks/bench_table.py --rows plugin,fava --repeat 5
    python benchmarks/bench_table.py --sizes 10000 --repeat 1 # rows at 10k only
    python benchmarks/bench_table.py --quick                  # 10k, 1 repeat: a smoke test

The "with" side of a row is the same synthetic ledger with one more line, for example

    plugin "beancount_ar" "{'default_terms': 'net 30', 'discount_account': 'Expenses:Discounts'}"
    plugin "beancount_ar.penalties" "{'regime': 'FR', 'account': 'Income:Penalties',
                                      'as_of': '2026-11-23', 'schedule': 'settlement'}"
    2020-01-01 custom "fava-extension" "fava_ar_extension"

The rows (``--rows``, comma-separated; default all), each a pair of measurements:

- ``plugin``: Beancount's load of a synthetic ledger (`generate.py`) without any plugin, and
  with ``plugin "beancount_ar"``; at each size of ``--sizes``. Target +10 %;
- ``floor``: the same load without plugin, and with ``plugin "benchmarks.floor_plugin"``, a plugin
  that only reads every posting and one metadata key: the pure-Python floor;
- ``penalties``: the load with the invoice plugin, and with the penalties plugin added
  (`bench_penalties.py`'s line, ``settlement`` schedule, fixed ``as_of``), at the largest
  size. Target +10 %;
- ``month-end``: the same with the ``month-end`` schedule. Target +20 %;
- ``fava``: ``fava.core.FavaLedger(path)`` of `bench_fava.py`'s ledger with the invoice plugin,
  without and with ``custom "fava-extension" "fava_ar_extension"``, at the largest size.
  Target +12 %;
- ``aging``: in the process that loaded the ledger with the extension, through Fava's Flask
  test client (server time): the extension's aging page again after a first warm request
  (without), and the same page at a new as-of date, a ``time=`` filter (with). Target 0.3 s;
- ``pdf``: one statement PDF (`bench_statements.py`'s ledger and median customer), warm (a first
  PDF as of the day before), given the settlement as of the statement's date (without) and as
  a command calls it, with entries only (with). Target 0.6 s.

Every measurement runs in a fresh Python process (Beancount's pickle cache off); the variants of
a row run in alternation (their order rotates from one repeat to the next) and the table gives
the medians over ``--repeat`` (times ``--short-factor``, 3, for the rows of a few seconds: the
loads of at most 20,000 invoices and the PDF) of the CPU time (``--clock wall`` for wall
time), the overhead, the target and whether it is met, the entries added and the peak memory.
The code measured is a copy of the checkout taken at the start (``benchmarks/out/code-table/``).
The JSON of the run goes to ``benchmarks/out/table_results.json``; ``--check`` exits with
status 1 when a target is missed.
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
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from importlib import metadata  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:  # run as a script from a checkout: find `benchmarks`
    sys.path.append(str(REPO))

from benchmarks import bench_load  # noqa: E402 - standard library only at import

OUT = HERE / "out"
FLOOR_LINE = 'plugin "benchmarks.floor_plugin"'
EXTENSION_LINE = '\n2020-01-01 custom "fava-extension" "fava_ar_extension"\n'
STATEMENT_INVOICES, STATEMENT_CUSTOMERS = 6000, 120  # bench_statements.py's defaults


# -- workers (each in a fresh process) -------------------------------------------------------


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> dict[str, float]:
    return {"wall": time.perf_counter() - start[0], "cpu": time.process_time() - start[1]}


def worker_load(path: str) -> dict[str, Any]:
    """Beancount's load of `path` (`bench_load.worker_with`): time, entries, peak memory."""
    result = bench_load.worker_with(path)
    return {"wall": result["load_s"], "cpu": result["load_cpu_s"], "rss_mb": result["rss_mb"],
            "entries": result["entries"], "errors": result["errors"],
            "error_sample": result["error_sample"], "code": result["code"],
            "phases": result["phases"]}


def worker_fava(path: str, pages: str, new_time: str) -> dict[str, Any]:
    """``FavaLedger(path)``; with `pages` "1", then the aging page's server times."""
    from fava.core import FavaLedger

    gc.collect()
    start = _clock()
    ledger = FavaLedger(path)
    result: dict[str, Any] = {**_since(start), "rss_mb": bench_load._maxrss_mb(),
                              "entries": len(ledger.all_entries), "errors": len(ledger.errors),
                              "error_sample": [str(e.message)[:200] for e in ledger.errors[:3]]}
    if pages != "1":
        return result
    from fava.application import create_app

    from benchmarks.bench_fava import EXTENSION

    app = create_app([path], load=False)
    ledgers = app.config["LEDGERS"]
    if hasattr(ledgers, "_ledgers"):
        ledgers._ledgers = [ledger]  # the ledger just loaded, not a second load
    else:  # another Fava: let it load its own
        app = create_app([path], load=True)
        ledgers = app.config["LEDGERS"]
    client = app.test_client()
    slug = ledgers.first_slug()
    base = f"/{slug}/extension/{EXTENSION}/"

    def get(url: str) -> dict[str, float]:
        start = _clock()
        response = client.get(url)
        spent = _since(start)
        body = response.get_data(as_text=True)
        if response.status_code != 200 or "could not be built" in body:
            raise SystemExit(f"{url}: status {response.status_code}: {body[:300]}")
        return spent

    get(f"/{slug}/income_statement/")  # Fava's first request: the extension's templates
    get(f"{base}?partial=true")  # the first aging page: the warm-up
    result["aging_warm"] = get(f"{base}?partial=true")
    result["aging_new"] = get(f"{base}?time={new_time}&partial=true")
    result["new_time"] = new_time
    return result


def worker_pick(path: str) -> dict[str, Any]:
    """The statement ledger's median customer by activity lines (as `bench_statements.py`)."""
    from beancount_ar.core.statements import ACTIVITY, build_statements
    from beancount_ar.core.subledger import subledger
    from benchmarks import bench_statements as bs

    entries, _, options_map = bench_load._loader().load_file(path)
    settlement = subledger(entries, options_map, bs.END)
    statements = build_statements(settlement, list(settlement.book.customers), ACTIVITY,
                                  bs.START)
    statements.sort(key=lambda s: sum(len(p.lines) for p in s.parts))
    return {"customer": statements[len(statements) // 2].customer.key}


def worker_pdf(path: str, customer: str, mode: str) -> dict[str, Any]:
    """One statement PDF of `customer` as of `bench_statements.END`, warm; `mode` "given": with
    the settlement as of that date, computed beforehand (not timed); else from the entries.

    The warm-up renders the statement as of the day before, so that no settlement as of the
    measured date exists before the measurement unless `mode` is "given"."""
    from beancount_ar.core.statements import ACTIVITY
    from beancount_ar.core.subledger import subledger
    from benchmarks import bench_statements as bs

    entries, errors, options_map = bench_load._loader().load_file(path)

    def render(end: datetime.date, settlement: Any = None) -> bytes:
        return bs.render_statement_pdf(entries, options_map, customer, kind=ACTIVITY,
                                       start=bs.START, end=end, settlement=settlement)

    render(bs.END - datetime.timedelta(days=1))  # WeasyPrint's imports and fonts, templates
    settlement = subledger(entries, options_map, bs.END) if mode == "given" else None
    gc.collect()
    start = _clock()
    pdf = render(bs.END, settlement)
    return {**_since(start), "rss_mb": bench_load._maxrss_mb(), "bytes": len(pdf),
            "customer": customer, "errors": len(errors)}


WORKERS: dict[str, Callable[..., dict[str, Any]]] = {
    "load": worker_load, "fava": worker_fava, "pdf": worker_pdf, "pick": worker_pick,
}


# -- the plan: groups of variants measured in alternation, rows made of two variants ----------


@dataclass
class Row:
    key: str  # the --rows name
    label: str
    group: str
    without: str  # variant names in the group (for "aging": measures of the "ext" variant)
    with_: str
    target: tuple[str, float] | None  # ("ratio", 0.10) or ("seconds", 0.3); None: the floor


def _size(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else f"{size:,}"


ROW_KEYS = ("plugin", "floor", "penalties", "month-end", "fava", "aging", "pdf")
LEGEND = {
    "plugin": "Beancount load without plugin / with `plugin \"beancount_ar\"`",
    "floor": "Beancount load without plugin / with `benchmarks/floor_plugin.py` (reads every "
             "posting and the `invoice` key)",
    "penalties": "load with the invoice plugin / with the penalties plugin too, `settlement` "
                 "schedule",
    "month-end": "load with the invoice plugin / with the penalties plugin too, `month-end` "
                 "schedule",
    "fava": "`FavaLedger(path)` with the invoice plugin / with the extension too",
    "aging": "the aging page again after a warm request / at a new as-of date (`time=` "
             "filter); server time through Fava's test client",
    "pdf": "one statement PDF given the settlement / from the entries alone, as a command "
           "makes it (warm)",
}


def plan(rows: Sequence[str], sizes: Sequence[int]) -> list[Row]:
    big = max(sizes)
    out: list[Row] = []
    for key in rows:
        if key in ("plugin", "floor"):
            for size in sizes:
                name = "invoice plugin" if key == "plugin" else "floor plugin"
                out.append(Row(key, f"{name}, load, {_size(size)}", f"load-{size}", "none",
                               key, ("ratio", 0.10) if key == "plugin" else None))
        elif key in ("penalties", "month-end"):
            schedule = "settlement" if key == "penalties" else "month-end"
            out.append(Row(key, f"penalties plugin, `{schedule}`, {_size(big)}",
                           f"penalties-{big}", "invoice", schedule,
                           ("ratio", 0.10 if key == "penalties" else 0.20)))
        elif key == "fava":
            out.append(Row(key, f"Fava load with the extension, {_size(big)}", f"fava-{big}",
                           "plain", "ext", ("ratio", 0.12)))
        elif key == "aging":
            out.append(Row(key, f"Fava aging at a new as-of date, {_size(big)}",
                           f"fava-{big}", "aging_warm", "aging_new", ("seconds", 0.3)))
        elif key == "pdf":
            out.append(Row(key, f"one statement PDF ({_size(STATEMENT_INVOICES)} invoices)",
                           "pdf", "given", "settle", ("seconds", 0.6)))
    return out


def prepare(rows: list[Row], seed: int, per_customer: int, out: Path,
            code: Path) -> dict[str, dict[str, tuple[str, ...]]]:
    """Write the ledgers; per group, its variants as worker commands (mode, args...)."""
    groups: dict[str, dict[str, tuple[str, ...]]] = {}
    wanted = {(row.group, v) for row in rows for v in (row.without, row.with_)}
    pages = any(row.key == "aging" for row in rows)
    for row in rows:
        if row.group in groups:
            continue
        kind, _, size_text = row.group.partition("-")
        size = int(size_text) if size_text else 0
        customers = max(20, size // per_customer)
        variants: dict[str, tuple[str, ...]] = {}
        if kind == "load":
            without, with_plugin, _ = bench_load.write_ledgers(size, customers, seed, out)
            floor = out / f"ar-{size}-floor.beancount"
            floor.write_text(FLOOR_LINE + "\n\n" + without.read_text(encoding="utf-8"),
                             encoding="utf-8")
            variants = {"none": ("load", str(without)), "plugin": ("load", str(with_plugin)),
                        "floor": ("load", str(floor))}
        elif kind == "penalties":
            from benchmarks.bench_penalties import ledgers

            for schedule in ("settlement", "month-end"):
                if (row.group, schedule) not in wanted:
                    continue
                base, penalties = ledgers(size, customers, seed, schedule)
                for name, text in (("invoice", base), (schedule, penalties)):
                    path = out / f"ar-{size}-penalties-{name}.beancount"
                    path.write_text(text, encoding="utf-8")
                    variants[name] = ("load", str(path))
        elif kind == "fava":
            from benchmarks import bench_fava

            with_ext = Path(bench_fava.write_ledger(size))
            text = with_ext.read_text(encoding="utf-8")
            plain = out / f"fava_{size}-plain.beancount"
            plain.write_text(text.replace(EXTENSION_LINE, "\n"), encoding="utf-8")
            new_time = (bench_fava.END - datetime.timedelta(days=150)).strftime("%Y-%m")
            variants = {"plain": ("fava", str(plain), "0", new_time),
                        "ext": ("fava", str(with_ext), "1" if pages else "0", new_time)}
        elif kind == "pdf":
            from benchmarks import bench_statements

            path = bench_statements.ledger(STATEMENT_INVOICES, STATEMENT_CUSTOMERS)
            customer = run_worker(("pick", str(path)), code)["customer"]
            variants = {"given": ("pdf", str(path), customer, "given"),
                        "settle": ("pdf", str(path), customer, "settle")}
        if kind == "fava":  # the aging page is measured in the "ext" process
            used = {v for g, v in wanted if g == row.group}
            keep = {"plain"} & used
            if used & {"ext", "aging_warm", "aging_new"}:
                keep.add("ext")
        else:
            keep = {v for g, v in wanted if g == row.group}
        groups[row.group] = {name: cmd for name, cmd in variants.items() if name in keep}
    return groups


def run_worker(command: tuple[str, ...], code: Path) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter (the snapshot of the code first on its path)."""
    env = dict(os.environ, BEANCOUNT_DISABLE_LOAD_CACHE="1",
               PYTHONPATH=os.pathsep.join([str(code), str(REPO)]))
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", *command],
                          capture_output=True, text=True, env=env, cwd=REPO)
    if proc.returncode != 0:
        raise RuntimeError(f"worker {command} failed ({proc.returncode}):\n{proc.stderr}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


# -- the table ---------------------------------------------------------------------------------


def _values(measures: list[dict[str, Any]], variant: str, clock: str) -> list[float]:
    if variant in ("aging_warm", "aging_new"):
        return [m[variant][clock] for m in measures if variant in m]
    return [m[clock] for m in measures]


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def row_figures(row: Row, measures: dict[str, dict[str, list[dict[str, Any]]]],
                clock: str) -> dict[str, Any]:
    group = measures[row.group]
    source = "ext" if row.key == "aging" else None
    without_runs = group.get(source or row.without, [])
    with_runs = group.get(source or row.with_, [])
    without = _median(_values(without_runs, row.without, clock))
    with_ = _median(_values(with_runs, row.with_, clock))
    figures: dict[str, Any] = {"row": row.label, "key": row.key, "without": without,
                               "with": with_, "target": row.target, "runs": len(with_runs)}
    if without is not None and with_ is not None:
        figures["overhead_ratio"] = (with_ - without) / without if without else None
        figures["overhead_s"] = with_ - without
    met = None
    if row.target and with_ is not None:
        kind, value = row.target
        met = (with_ <= value if kind == "seconds"
               else figures.get("overhead_ratio") is not None
               and figures["overhead_ratio"] <= value)
    figures["met"] = met
    phase = PLUGIN_PHASES.get(row.key)
    if phase and with_runs and all(phase in m.get("phases", {}) for m in with_runs):
        # The plugin's own seconds (Beancount's log_timings, wall time, in the same runs): the
        # rest of the overhead is the load's other work on what the plugin added (sorting,
        # the pad, balance and validation passes, the collector), and noise.
        figures["plugin_s"] = _median([m["phases"][phase] for m in with_runs])
    if row.key != "aging":
        entries = [m.get("entries") for m in without_runs + with_runs]
        if (row.group.startswith(("load", "penalties")) and without_runs and with_runs
                and all(isinstance(e, int) for e in entries)):
            figures["entries_added"] = with_runs[0]["entries"] - without_runs[0]["entries"]
        rss = [_median([m["rss_mb"] for m in runs if "rss_mb" in m])
               for runs in (without_runs, with_runs)]
        figures["peak_mb"] = rss
    return figures


PLUGIN_PHASES = {"plugin": "beancount_ar", "floor": "benchmarks.floor_plugin",
                 "penalties": "beancount_ar.penalties", "month-end": "beancount_ar.penalties"}


def split_lines(figures: list[dict[str, Any]]) -> list[str]:
    """Per load row: its overhead as the plugin's own time plus the rest of the load."""
    out = []
    for fig in figures:
        plugin, overhead = fig.get("plugin_s"), fig.get("overhead_s")
        if plugin is None or overhead is None:
            continue
        added = fig.get("entries_added")
        out.append(f"- {fig['row']}: {overhead:+.2f} s = the plugin {plugin:.2f} s "
                   f"+ the rest of the load {overhead - plugin:+.2f} s"
                   + (f" ({added:,} entries added)" if added else ""))
    return out


def _cell_seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def markdown(figures: list[dict[str, Any]]) -> str:
    lines = ["| row | without | with | overhead | target | entries added | peak MB |",
             "|---|---|---|---|---|---|---|"]
    for fig in figures:
        target = fig["target"]
        if target is None:
            overhead = (f"{100 * fig['overhead_ratio']:+.1f} %"
                        if fig.get("overhead_ratio") is not None else "-")
            target_text = "(floor)"
        elif target[0] == "ratio":
            overhead = (f"{100 * fig['overhead_ratio']:+.1f} %"
                        if fig.get("overhead_ratio") is not None else "-")
            target_text = f"+{100 * target[1]:.0f} %"
        else:
            overhead = f"{fig['overhead_s']:+.2f} s" if fig.get("overhead_s") is not None else "-"
            target_text = f"{target[1]} s"
        if fig["met"] is not None:
            target_text += ": met" if fig["met"] else ": **missed**"
        added = fig.get("entries_added")
        peak = fig.get("peak_mb") or [None, None]
        peak_text = ("-" if None in peak else
                     f"{peak[0]:,.0f} / {peak[1]:,.0f} (x{peak[1] / peak[0]:.2f})")
        lines.append(f"| {fig['row']} | {_cell_seconds(fig['without'])} | "
                     f"{_cell_seconds(fig['with'])} | {overhead} | {target_text} | "
                     f"{'-' if added is None else f'{added:,}'} | {peak_text} |")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    info: dict[str, Any] = {"python": platform.python_version(), "cpus": os.cpu_count(),
                            "platform": platform.platform()}
    for name in ("beancount", "fava"):
        try:
            info[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            info[name] = None
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            models = [line.split(":", 1)[1].strip() for line in handle
                      if line.startswith("model name")]
        info["cpu_model"] = models[0] if models else None
        with open("/proc/meminfo", encoding="utf-8") as handle:
            total = next(line for line in handle if line.startswith("MemTotal"))
        info["memory_gb"] = round(int(total.split()[1]) / 1024 / 1024, 1)
    except (OSError, StopIteration, IndexError, ValueError):
        pass
    return info


def _short(group: str) -> bool:
    """A group whose runs take a few seconds: the loads of at most 20,000 invoices, the PDF."""
    kind, _, size = group.partition("-")
    return kind == "pdf" or (kind == "load" and size.isdigit() and int(size) <= 20_000)


def _short_note(counts: dict[str, int], repeat: int) -> str:
    """" (9 for ...)" when some groups ran more often than `repeat`."""
    more = sorted({n for n in counts.values() if n != repeat})
    if not more:
        return ""
    names = [group for group, n in counts.items() if n != repeat]
    return f" ({'/'.join(map(str, more))} for {', '.join(names)})"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(description="Issue 16's table, measured side by side.")
    parser.add_argument("--sizes", default=None,
                        help="invoice counts, comma-separated (default 10000,100000; --quick: "
                             "10000); rows other than plugin and floor use the largest")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs of each variant, the median counts (default 3; --quick: 1)")
    parser.add_argument("--rows", default=",".join(ROW_KEYS),
                        help="rows to measure, comma-separated (default: %(default)s)")
    parser.add_argument("--quick", action="store_true", help="a smoke test: 10k only, 1 run")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="the time the table shows (default cpu: less disturbed by other "
                             "processes on a shared machine); the JSON has both")
    parser.add_argument("--short-factor", type=int, default=None, metavar="F",
                        help="the loads of at most 20,000 invoices and the PDF row, a few seconds "
                             "each, run F times --repeat: their noise is larger for their time "
                             "(default 3; --quick: 1)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--invoices-per-customer", type=int, default=100, metavar="K",
                        help="customers = invoices / K (at least 20), as bench_load.py")
    parser.add_argument("--quiet-wait", type=float, default=0, metavar="SECONDS",
                        help="before each measurement wait up to this long for the CPUs to be "
                             "under 25%% busy (bench_load.py's option)")
    parser.add_argument("--out", type=Path, default=OUT,
                        help="folder of the ledgers, the snapshot of the code and the JSON "
                             "(default: benchmarks/out)")
    parser.add_argument("--check", action="store_true",
                        help="exit with status 1 when a target is missed")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        mode, *rest = args.worker
        print(json.dumps(WORKERS[mode](*rest)))
        return 0

    try:
        sizes = [int(s.replace("_", "")) for s in
                 (args.sizes or ("10000" if args.quick else "10000,100000")).split(",")
                 if s.strip()]
    except ValueError:
        parser.error(f"--sizes {args.sizes!r}: expected numbers such as 10000,100000")
    repeat = args.repeat if args.repeat is not None else 1 if args.quick else 3
    short_factor = (args.short_factor if args.short_factor is not None
                    else 1 if args.quick else 3)
    keys = [k.strip() for k in args.rows.split(",") if k.strip()]
    unknown = sorted(set(keys) - set(ROW_KEYS))
    if unknown or not keys:
        parser.error(f"--rows: unknown {unknown}; choose from {', '.join(ROW_KEYS)}")
    if not sizes or min(sizes) <= 0 or repeat < 1 or short_factor < 1:
        parser.error("--sizes, --repeat and --short-factor must be positive")

    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    def note(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f}s] {message}", file=sys.stderr, flush=True)

    version = bench_load.code_version()
    code = bench_load.snapshot_tree(out / "code-table")
    rows = plan([k for k in ROW_KEYS if k in keys], sizes)
    note(f"writing the ledgers of {len(rows)} rows")
    groups = prepare(rows, args.seed, args.invoices_per_customer, out, code)
    measures: dict[str, dict[str, list[dict[str, Any]]]] = {}
    busy: list[float] = []
    counts: dict[str, int] = {}
    for group, variants in groups.items():
        names = list(variants)
        measures[group] = {name: [] for name in names}
        counts[group] = runs = repeat * (short_factor if _short(group) else 1)
        for run in range(runs):
            shift = run % len(names)  # rotate: no variant always runs first
            for name in names[shift:] + names[:shift]:
                busy.append(bench_load.wait_for_quiet(args.quiet_wait))
                measure = run_worker(variants[name], code)
                code_file = measure.get("code")
                if code_file and not Path(code_file).resolve().is_relative_to(code.resolve()):
                    note(f"warning: {group} {name} ran {code_file}, not the snapshot")
                measures[group][name].append(measure)
                extra = "".join(f", {k} {measure[k]['cpu']:.3f}s cpu" for k in
                                ("aging_warm", "aging_new") if k in measure)
                note(f"{group} {name} run {run + 1}/{runs}: {measure['cpu']:.2f}s cpu, "
                     f"{measure['wall']:.2f}s wall{extra}")

    figures = [row_figures(row, measures, args.clock) for row in rows]
    info = machine()
    load_average = os.getloadavg()
    busy_known = [100 * b for b in busy if b >= 0]
    now = datetime.datetime.now(datetime.timezone.utc)
    header = (f"beancount-ar, issue 16's table, {now:%Y-%m-%d %H:%M} UTC; code: {version}\n"
              f"Machine: {info.get('cpu_model') or platform.machine()}, {info['cpus']} CPUs, "
              f"{info.get('memory_gb', '?')} GB; Python {info['python']}, Beancount "
              f"{info['beancount']}, Fava {info['fava']}; load average {load_average[0]:.1f} "
              f"at the end" + (f", CPUs {min(busy_known):.0f}-{max(busy_known):.0f} % busy "
                               "before the measurements" if busy_known else "") + "\n"
              f"{'CPU' if args.clock == 'cpu' else 'Wall'} seconds, median of {repeat} "
              f"run(s) per variant{_short_note(counts, repeat)}, each in a fresh process, "
              f"variants in alternation; sizes "
              f"{', '.join(f'{s:,}' for s in sizes)} invoices")
    print(header + "\n")
    print(markdown(figures))
    print("\nwithout / with:")
    for key in dict.fromkeys(row.key for row in rows):
        print(f"- {key}: {LEGEND[key]}")
    split = split_lines(figures)
    if split:
        print("\nwhere the overhead goes (the plugin's own seconds from Beancount's log_timings "
              "in the same runs, medians; the rest is the load's other work on what the plugin "
              "added - sorting, the pad, balance and validation passes, the garbage collector - "
              "and noise):")
        print("\n".join(split))
    for group_name, by_variant in measures.items():
        for name, runs in by_variant.items():
            for sample in (runs[0].get("error_sample") or [] if runs else []):
                print(f"error ({group_name}, {name}): {sample}")
    (out / "table_results.json").write_text(json.dumps({
        "header": header, "machine": info, "code": version, "clock": args.clock,
        "repeat": repeat, "runs": counts, "sizes": sizes, "rows": figures, "measures": measures,
        "commands": groups}, indent=1, default=str), encoding="utf-8")
    note(f"done; JSON in {out / 'table_results.json'}")
    missed = [fig["row"] for fig in figures if fig["met"] is False]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
