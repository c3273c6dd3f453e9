"""What every ``bean-ar`` command shares: the one-line error, loading the ledger, dates, tables.

    entries, options_map = load_ledger("main.beancount")   # CliError if it has errors
    as_of = parse_date("2026-11-23")                       # CliError naming the option

Bad input raises `CliError`, which `beancount_ar.cli.main` prints as one line with exit status
1 (2 for usage errors): no traceback reaches a user.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from beancount_ar.core.allocation import Settlement
from beancount_ar.core.customers import CustomerError, find_customers


class CliError(Exception):
    """A problem to report in one line."""


# -- loading ---------------------------------------------------------------------------------


def load_ledger(path: str, ignore_errors: bool = False) -> tuple[list, dict]:
    """Load a ledger with its plugins; CliError if it cannot be read or has errors."""
    if not os.path.isfile(path):
        raise CliError(f"{path}: no such ledger file")
    from beancount import loader  # imported late: keeps `bean-ar --help` fast

    entries, errors, options_map = loader.load_file(path)
    if errors and not ignore_errors:
        first = errors[0]
        source = first.source or {}
        where = f"{source.get('filename', path)}:{source.get('lineno', 0)}"
        message = " ".join(str(first.message).split())
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise CliError(f"the ledger has errors{more}; first: {where}: {message} - fix them "
                       "(bean-check lists them all) or pass --ignore-errors")
    return entries, options_map


def parse_date(text: str | None) -> datetime.date:
    if text is None:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CliError(f"--as-of {text!r}: expected a date such as 2026-11-23") from None


def customers_named(settlement: Settlement, wanted: str) -> tuple[str, ...]:
    """The customer keys `--customer` names (`beancount_ar.core.customers.find_customers`)."""
    try:
        return find_customers(settlement.book, wanted)
    except CustomerError as exc:
        raise CliError(f"--customer: {exc}") from None


# -- formatting ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.{max(0, -value.as_tuple().exponent)}f}"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], right: set[int]) -> str:
    cells = [[_text(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if i in right else v.ljust(w)
                         for i, (v, w) in enumerate(zip(values, widths, strict=False))).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out.extend(line(r) for r in cells)
    return "\n".join(out)


