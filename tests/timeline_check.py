"""A pytest plugin that checks the timeline against every settlement the test suite makes.

    PYTHONPATH=$PWD:$PWD/tests python -m pytest -p timeline_check tests/test_plugin.py

While it is loaded, every call of `allocation.settle(book, as_of)` - wherever it was imported
from - also builds `Timeline(book)` and fails unless ``timeline.at(as_of)`` equals what settle
returned; every call of `aging.receivable_balances` is checked against `BalanceIndex` the same
way. So every inline ledger of the suite becomes a test of the timeline. (Not loaded by default:
it makes the suite slower.)
"""

from __future__ import annotations

import types
from typing import Any

from beancount_ar.core import aging, allocation
from beancount_ar.core.timeline import BalanceIndex, Timeline

CHECKED = {"settle": 0, "balances": 0}


def _check_settle(book: Any, as_of: Any, result: Any) -> None:
    got = Timeline(book).at(as_of)
    for name in ("as_of", "items", "unapplied", "allocations", "pending_discounts", "errors"):
        assert getattr(got, name) == getattr(result, name), f"timeline differs: {name} {as_of}"
    assert got == result
    CHECKED["settle"] += 1


def _check_balances(entries: Any, root: Any, as_of: Any, accounts: Any, result: Any) -> None:
    got = BalanceIndex(entries, root).at(as_of, accounts)
    assert got == result, f"balance index differs as of {as_of}: {got} != {result}"
    CHECKED["balances"] += 1


def _settle(book, as_of=None):  # type: ignore[no-untyped-def]  # runs as allocation.settle
    result = _timeline_original_settle(book, as_of)  # noqa: F821 - a global of allocation
    _timeline_check_settle(book, as_of, result)  # noqa: F821
    return result


def _balances(entries, root, as_of=None, accounts=None):  # type: ignore[no-untyped-def]
    if not isinstance(entries, (list, tuple)):
        entries = list(entries)
    result = _timeline_original_balances(entries, root, as_of, accounts)  # noqa: F821
    _timeline_check_balances(entries, root, as_of, accounts, result)  # noqa: F821
    return result


def _copy(function: types.FunctionType) -> types.FunctionType:
    return types.FunctionType(function.__code__, function.__globals__, function.__name__,
                              function.__defaults__, function.__closure__)


def pytest_configure(config: Any) -> None:
    # Swap the code of the functions themselves, so that every name bound to them checks.
    settle = allocation.settle
    allocation._timeline_original_settle = _copy(settle)  # type: ignore[attr-defined]
    allocation._timeline_check_settle = _check_settle  # type: ignore[attr-defined]
    settle.__code__ = _settle.__code__
    balances = aging.receivable_balances
    aging._timeline_original_balances = _copy(balances)  # type: ignore[attr-defined]
    aging._timeline_check_balances = _check_balances  # type: ignore[attr-defined]
    balances.__code__ = _balances.__code__


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.write_line(f"timeline_check: {CHECKED['settle']} settlements and "
                                f"{CHECKED['balances']} balances checked")
