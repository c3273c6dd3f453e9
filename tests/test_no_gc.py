"""The cyclic garbage collector is paused around the heavy passes (plugins.common.no_gc): both
plugins, and Fava's whole-subledger computations; it is on again afterwards, and stays off when
it was off; what the pass made then skips the young generations."""

from __future__ import annotations

import gc
import sys
import textwrap

import pytest
from beancount import loader

from beancount_ar.core import shared
from beancount_ar.plugins.common import no_gc

PENALTIES = ("{'regime': 'FR', 'account': 'Income:Penalties', 'as_of': '2025-06-30', "
             "'indemnity': 40}")
LEDGER = textwrap.dedent(f"""
    plugin "beancount_ar" "{{'default_terms': 'net 30'}}"
    plugin "beancount_ar.penalties" "{PENALTIES}"
    2025-01-01 open Assets:Receivable:Dupont
    2025-01-01 open Income:Sales
    2025-01-01 open Income:Penalties
    2025-01-01 custom "ar-rate" "ECB" 2.40
    2025-01-15 * "Dupont" "Installation" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   1000.00 EUR
      Income:Sales
""")


def test_no_gc_restores_the_collector() -> None:
    assert gc.isenabled()
    with no_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with no_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_what_the_pass_made_skips_the_young_generations() -> None:
    """The records made during the pass join the oldest generation on exit: the next young
    collections do not walk them (one walk of a large load's records cost seconds)."""
    gc.collect()
    with no_gc():
        made = [[index] for index in range(20_000)]
    assert gc.get_count()[0] < 1_000, gc.get_count()
    assert not any(item is made[0] for item in gc.get_objects(generation=0))
    if sys.version_info < (3, 13):  # three generations; later Pythons arrange them otherwise
        oldest = gc.get_objects(generation=2)
        assert any(item is made[0] for item in oldest)
        assert any(item is made[-1] for item in oldest)


def test_a_programs_frozen_objects_stay_frozen() -> None:
    """A server that froze its objects before forking keeps them frozen; the pass's records
    then age as usual."""
    gc.collect()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with no_gc():
            made = [[index] for index in range(5_000)]
        assert gc.get_freeze_count() == frozen
        if sys.version_info < (3, 13):
            assert not any(item is made[0] for item in gc.get_objects(generation=2))
            assert any(item is made[0] for item in gc.get_objects(generation=0)
                       + gc.get_objects(generation=1))
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("where", ["publish", "penalties"])
def test_both_plugins_run_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch,
                                                   where: str) -> None:
    import beancount_ar.core.penalty_run as penalty_run
    import beancount_ar.plugins.invoices as invoices

    seen: list[bool] = []
    if where == "publish":
        original = invoices.publish

        def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(gc.isenabled())
            return original(*args, **kwargs)

        monkeypatch.setattr(invoices, "publish", spy)
    else:
        run = penalty_run.PenaltyRun.run

        def spy_run(self):  # type: ignore[no-untyped-def]
            seen.append(gc.isenabled())
            return run(self)

        monkeypatch.setattr(penalty_run.PenaltyRun, "run", spy_run)
    entries, errors, _ = loader.load_string(LEDGER)
    assert seen == [False]
    assert gc.isenabled()
    assert any("ar-penalty" in getattr(e, "tags", ()) for e in entries), errors
    shared.forget()
