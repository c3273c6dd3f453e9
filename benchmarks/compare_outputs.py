"""Canonical dumps of what the plugins produce, to prove that a change leaves the outputs alone.

    python benchmarks/bench_load.py --compare main --sizes 10000     # the driver (bench_load.py)
    python benchmarks/compare_outputs.py --dump LEDGER OUT.txt CODE_DIR   # one dump (a worker)

A dump is a text file of one record a line, sorted, each record starting with its section:

- ``entry``: every entry of the loaded ledger (the ledger's own and those the plugins add),
  printed by `beancount.parser.printer.format_entry` without its metadata, followed by its
  metadata and every posting's, keys sorted (so the order in which a plugin writes them does
  not count; internal keys, ``__name__``, are left out as Beancount's printer leaves them out:
  they are markers, not outputs), and preceded by its source ``file:line``
  (``<beancount_ar>:line`` for generated entries). Sorting the records makes the order of the
  entry list irrelevant: a plugin may return its entries in another order, the outputs are the
  same;
- ``error``: every load error, ``file:line`` and message;
- ``settle@DATE`` (and ``settle@full``): `beancount_ar.core.subledger.subledger` as of the date:
  each item (customer, kind, invoice, part, dates, amount, discount, source line) with its open
  amount, status and allocations (date, amount, kind, the credit's kind, date, amount, number and
  source line), each unapplied credit, each pending discount, each error;
- ``count``: the number of entries, errors and allocations.

Nothing in a record depends on ``id()``, on the order of a dict or of a list that may
legitimately change, or on an absolute path. Newlines and tabs inside a record are escaped.

For example, the invoice of this ledger

    plugin "beancount_ar" "{'default_terms': 'net 30'}"
    2026-01-01 open Assets:Receivable:Dupont
      customer: "Dupont SARL"
    2026-01-01 open Income:Sales
    2026-03-02 * "Dupont" "Travaux" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont  120.00 EUR
      Income:Sales

gives records such as ``entry\\tledger.beancount:5\\n2026-03-02 * "Dupont" "Travaux" ^F-1\\n...
\\n  due: 2026-04-01\\n  invoice: "F-1"\\n  open_amount: 120.00 EUR`` and ``settle@full\\titem\\t
Assets:Receivable:Dupont\\tinvoice\\tF-1\\t1/1\\t...\\topen 120.00\\t...``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"

DATES = ("2024-06-30", "2025-12-31", "full")  # the as-of dates of the settlements dumped
STATUS_DATE = datetime.date(2026, 11, 23)  # the date the statuses of the full settlement use
FORMAT = 2  # bump when the dump's format changes (cached dumps of older formats are ignored)
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


# -- canonical text ------------------------------------------------------------------------


def escape(text: str) -> str:
    """One line: backslashes, newlines and tabs escaped (`unescape` reverses it)."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def unescape(text: str) -> str:
    out, chars = [], iter(text)
    for char in chars:
        if char == "\\":
            nxt = next(chars, "")
            out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
        else:
            out.append(char)
    return "".join(out)


def canonical(value: Any) -> str:
    """A text for a metadata value that does not depend on dict or set order or on ``id()``."""
    from beancount.core.amount import Amount

    if value is None:
        return "None"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (Decimal, datetime.date, Amount, int, float)):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(sorted(f"{canonical(k)}: {canonical(v)}"
                                      for k, v in value.items())) + "}"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(canonical(v) for v in value)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(canonical(v) for v in value) + "]"
    return f"{type(value).__name__}:{_ADDRESS.sub('', repr(value))}"


def location(meta: Any) -> str:
    """``file:line`` of an entry's or error's metadata (the file's base name only)."""
    if not isinstance(meta, dict):
        return "-"
    return f"{os.path.basename(str(meta.get('filename')))}:{meta.get('lineno')}"


def entry_location(entry: Any) -> str:
    return location(getattr(entry, "meta", None)) if entry is not None else "-"


def _meta_lines(meta: Any, prefix: str) -> list[str]:
    if not meta:
        return []
    return sorted(f"{prefix}{key}: {canonical(value)}" for key, value in meta.items()
                  if key not in ("filename", "lineno") and not key.startswith("__"))


def entry_text(entry: Any) -> str:
    """The entry as `format_entry` prints it, without metadata, then its metadata sorted."""
    from beancount.core import data
    from beancount.parser.printer import format_entry

    bare = entry._replace(meta={})
    lines = _meta_lines(entry.meta, "  ")
    if isinstance(entry, data.Transaction):
        bare = bare._replace(postings=[p._replace(meta=None) for p in entry.postings])
        for index, posting in enumerate(entry.postings):
            lines += _meta_lines(posting.meta, f"    posting {index + 1} ")
    return "\n".join([entry_location(entry), format_entry(bare).rstrip("\n"), *lines])


def error_text(error: Any) -> str:
    return f"{location(getattr(error, 'source', None))} {getattr(error, 'message', error)}"


def _credit(credit: Any) -> str:
    return (f"{credit.kind} {credit.customer} {credit.date} {credit.amount} {credit.currency}"
            f" no={credit.number} @{entry_location(credit.entry)}")


def _item(item: Any) -> str:
    return "\t".join(str(v) for v in (
        item.customer, item.kind, item.invoice, f"{item.part}/{item.parts}", item.currency,
        item.date, item.due, item.amount, f"discount {item.discount} until {item.discount_until}",
        f"@{entry_location(item.entry)}"))


def settlement_records(settlement: Any, as_of: datetime.date | None) -> Iterator[str]:
    """One record per item, unapplied credit, pending discount and error of a settlement."""
    status_date = as_of or STATUS_DATE
    for state in settlement.items:
        allocations = sorted(
            f"{a.date} {a.kind} {a.amount} netted={a.netted} <- {_credit(a.credit)}"
            for a in state.allocations)
        yield "\t".join(["item", _item(state.item), f"open {state.open}",
                         settlement.status(state, status_date), "; ".join(allocations)])
    for unapplied in settlement.unapplied:
        yield f"unapplied\t{_credit(unapplied.credit)}\t{unapplied.amount}"
    for pending in settlement.pending_discounts:
        yield f"pending\t{_item(pending.item)}\t{_credit(pending.payment)}\t{pending.amount}"
    for error in settlement.errors:
        yield f"error\t{error_text(error)}"
    yield f"allocations\t{len(settlement.allocations)}"


def records(entries: Sequence[Any], errors: Sequence[Any], options_map: Any,
            dates: Iterable[str] = DATES) -> list[str]:
    """Every record of the dump of a loaded ledger, sorted."""
    from beancount_ar.core.subledger import subledger

    out = [f"entry\t{escape(entry_text(entry))}" for entry in entries]
    out += [f"error\t{escape(error_text(error))}" for error in errors]
    out.append(f"count\tentries {len(entries)} errors {len(errors)}")
    for name in dates:
        as_of = None if name == "full" else datetime.date.fromisoformat(name)
        settlement = subledger(entries, options_map, as_of)
        out += [f"settle@{name}\t{escape(record)}"
                for record in settlement_records(settlement, as_of)]
    out.sort()
    return out


def section(line: str) -> str:
    return line.split("\t", 1)[0]


def summarize(lines: Iterable[str]) -> dict[str, list[Any]]:
    """Per section: [number of records, sha256 of them]."""
    sums: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for line in lines:
        name = section(line)
        if name not in sums:
            sums[name] = hashlib.sha256()
            counts[name] = 0
        sums[name].update(line.encode("utf-8") + b"\n")
        counts[name] += 1
    return {name: [counts[name], sums[name].hexdigest()] for name in sorted(sums)}


# -- the worker: load, dump --------------------------------------------------------------


def dump(ledger: str, out: str, code_dir: str, dates: Sequence[str] = DATES) -> dict[str, Any]:
    """Load `ledger` with the code in `code_dir` (which must be what Python imports), write the
    sorted records to `out`, and return the summary of each section."""
    import beancount_ar

    imported = Path(beancount_ar.__file__).resolve()
    if not imported.is_relative_to(Path(code_dir).resolve()):
        raise SystemExit(f"beancount_ar comes from {imported}, not from {code_dir}")
    from beancount import loader

    loader.initialize(use_cache=False)
    start = time.perf_counter()
    entries, errors, options_map = loader.load_file(ledger)
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    lines = records(entries, errors, options_map, dates)
    Path(out).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return {"code": str(imported.parent), "load_s": round(load_s, 2),
            "dump_s": round(time.perf_counter() - start, 2), "sections": summarize(lines),
            "format": FORMAT}


# -- comparing two dumps -------------------------------------------------------------------


def _read(path: Path, name: str) -> Iterator[str]:
    prefix = name + "\t"
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith(prefix):
                yield line.rstrip("\n")


def differences(old: Path, new: Path, name: str) -> Iterator[tuple[str, str]]:
    """("-", record) for the records of section `name` only in `old`, ("+", record) only in
    `new` (both files sorted), in order."""
    left, right = _read(old, name), _read(new, name)
    a, b = next(left, None), next(right, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a < b):
            yield "-", a  # type: ignore[misc]
            a = next(left, None)
        elif a is None or b < a:
            yield "+", b
            b = next(right, None)
        else:
            a, b = next(left, None), next(right, None)


def report(old: Path, new: Path, old_summary: dict[str, Any], new_summary: dict[str, Any],
           limit: int = 6) -> list[str]:
    """Lines describing how two dumps differ (empty when they are identical)."""
    lines: list[str] = []
    sections = sorted(set(old_summary) | set(new_summary))
    for name in sections:
        if old_summary.get(name) == new_summary.get(name):
            continue
        count_old = (old_summary.get(name) or [0])[0]
        count_new = (new_summary.get(name) or [0])[0]
        lines.append(f"section {name}: {count_old} records before, {count_new} after")
        shown = {"-": 0, "+": 0}
        total = {"-": 0, "+": 0}
        for sign, record in differences(old, new, name):
            total[sign] += 1
            if shown[sign] < limit:
                shown[sign] += 1
                text = unescape(record.split("\t", 1)[1]).replace("\n", "\n      ")
                lines.append(f"  {sign} {text}")
        lines.append(f"  ({total['-']} records only before, {total['+']} only after)")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) >= 4 and args[0] == "--dump":
        dates = args[4].split(",") if len(args) > 4 else DATES
        print(json.dumps(dump(args[1], args[2], args[3], dates)))
        return 0
    print(__doc__.strip().splitlines()[2], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
