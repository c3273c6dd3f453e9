"""What the beancount-ar plugins share: where their ``plugin`` line is, and a safety net.

A plugin error must point at a line of the user's files. Beancount does not keep the line of a
``plugin`` directive, so `plugin_source` finds it by reading the ledger's files (read only).
`guarded` turns an unexpected exception into one error instead of dropping the whole load:

    plugin "beancount_ar" "{'default_terms': 'net 30'}"
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Callable, Iterator
from typing import Any

from beancount.core import data

from beancount_ar.core.errors import ARError
from beancount_ar.core.model import GENERATED

__all__ = ["GENERATED", "guarded", "no_gc", "plugin_source", "without_empty_customs"]


def plugin_source(options_map: dict[str, Any], module: str) -> dict[str, Any]:
    """The metadata (filename, lineno) of the ``plugin "<module>"`` line."""
    pattern = re.compile(r'^\s*plugin\s+"' + re.escape(module) + r'"')
    for filename in options_map.get("include") or [options_map.get("filename")]:
        if not filename or filename.startswith("<"):
            continue
        try:
            with open(filename, encoding="utf-8") as handle:
                for lineno, line in enumerate(handle, 1):
                    if pattern.match(line):
                        return data.new_metadata(filename, lineno)
        except OSError:
            continue
    return data.new_metadata(options_map.get("filename") or "<beancount_ar>", 0)


def without_empty_customs(entries: list) -> list:
    """`entries` with our own ``custom "ar-..."`` directives that have no values at all given an
    empty list of values: Beancount's parser leaves them ``None``, which its own pad plugin (run
    after ours) cannot iterate. The readers then report each one at its line."""
    if not any(isinstance(e, data.Custom) and e.values is None and str(e.type).startswith("ar-")
               for e in entries):
        return entries
    return [e._replace(values=[]) if isinstance(e, data.Custom) and e.values is None
            and str(e.type).startswith("ar-") else e for e in entries]


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector around a heavy pass over the ledger.

    The plugins and the Fava extension allocate many small acyclic records next to the ledger's
    large object graph: each collection would walk that whole graph again (at 100,000 invoices
    it made the plugins several times slower and cost Fava's extension 2.8 s of its 6.0 s).
    Nothing here creates reference cycles; the collector is re-enabled (if it was on) on exit.

    On exit the objects made meanwhile join the oldest generation at once (``gc.freeze()`` then
    ``gc.unfreeze()``, two list splices), rather than through the young ones: otherwise the first
    collections after the pass walk all of them (at 100,000 invoices the collector's time in the
    invoice plugin's load, beyond the load without it, fell from 1.2 s to 0.5 s:
    `benchmarks/bench_gc.py`). A cycle among them is still freed by the next full collection.
    When the program has frozen objects of its own (a server before it forks), they are left
    frozen and this step is skipped.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def guarded(module: str, run: Callable[..., tuple[list, list]]) -> Callable[..., tuple[list, list]]:
    """Wrap a plugin function so an internal failure is one error, never a lost load."""

    def plugin(entries: list, options_map: dict[str, Any], config: str | None = None):
        with no_gc():
            entries = without_empty_customs(entries)
            try:
                return run(entries, options_map, config)
            except Exception as exc:  # noqa: BLE001 - the load must go on
                source = plugin_source(options_map, module)
                return entries, [ARError(source, f"{module}: internal error "
                                                 f"({exc.__class__.__name__}: {exc}); the plugin "
                                                 "was skipped - please report this with the "
                                                 "entry that triggers it", None)]

    plugin.__name__ = run.__name__
    plugin.__doc__ = run.__doc__
    return plugin
