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
from beancount_ar.core.limits import EARLIEST, LATEST
from beancount_ar.core.money import places


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


def parse_date(text: str | None, option: str = "--as-of") -> datetime.date:
    """The date an option gives (today when None); CliError naming the option when it is not a
    date, or one beyond the range beancount-ar computes with (`beancount_ar.core.limits`)."""
    if text is None:
        return datetime.date.today()
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{option} {text!r}: expected a date such as 2026-11-23") from None
    if not EARLIEST <= day <= LATEST:
        raise CliError(f"{option} {text}: out of range; give a date from {EARLIEST} to "
                       f"{LATEST}")
    return day


def optional_date(text: str | None, option: str) -> datetime.date | None:
    """`parse_date` for an option whose absence means "no limit"."""
    return None if text is None else parse_date(text, option)


def check_file(path: str) -> None:
    """CliError unless `path` can be written (checked before the slow part)."""
    if os.path.isdir(path):
        raise CliError(f"-o {path}: is a directory; give a file name (or use --all to write "
                       "one file per customer into a directory)")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise CliError(f"-o {path}: the directory {parent} does not exist")
    if not os.access(parent, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise CliError(f"-o {path}: cannot write there (permission denied)")


def check_dir(path: str) -> None:
    """CliError unless `path` is, or can become, a directory to write files into."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise CliError(f"-o {path}: is a file; with --all give a directory, or a name ending "
                       "in .zip")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(path) and not os.path.isdir(parent):
        raise CliError(f"-o {path}: the directory {parent} does not exist")
    target = path if os.path.isdir(path) else parent
    if not os.access(target, os.W_OK):
        raise CliError(f"-o {path}: cannot write there (permission denied)")


def customers_named(settlement: Settlement, wanted: str) -> tuple[str, ...]:
    """The customer keys `--customer` names (`beancount_ar.core.customers.find_customers`)."""
    try:
        return find_customers(settlement.book, wanted)
    except CustomerError as exc:
        raise CliError(f"--customer: {exc}") from None


# -- output files ----------------------------------------------------------------------------


def _ledger_files(ledger: str, options_map: dict | None) -> list[str]:
    files = [ledger, *((options_map or {}).get("include") or ())]
    return list(dict.fromkeys(os.path.realpath(f) for f in files))


def check_output(path: str, option: str, ledger: str, options_map: dict | None = None,
                 force: bool = False) -> None:
    """CliError when writing `path` (given as `option`) could destroy input: a file of the
    ledger (its main file, an included file - known once `options_map` is loaded), a
    ``.beancount`` file in the folder of one, or, without `force`, any file that exists."""
    real = os.path.realpath(path)
    files = _ledger_files(ledger, options_map)
    if real in files:
        raise CliError(f"{option} {path}: is a file of the ledger; writing there would destroy "
                       "it - give another file name")
    folders = {os.path.dirname(f) for f in files}
    if real.lower().endswith(".beancount") and os.path.dirname(real) in folders:
        raise CliError(f"{option} {path}: a .beancount file beside the ledger's files is not "
                       "an output; give another file name")
    if os.path.lexists(path) and not os.path.isdir(path) and not force:
        raise CliError(f"{option} {path}: the file exists; give another name, or --force to "
                       "overwrite it")


def write_output(path: str, content: bytes, option: str, ledger: str,
                 options_map: dict | None = None, force: bool = False) -> str:
    """Write an output file after `check_output`; without `force` it is created only if it does
    not exist at that very moment (no race with another program creating it)."""
    check_output(path, option, ledger, options_map, force)
    try:
        with open(path, "wb" if force else "xb") as handle:
            handle.write(content)
    except FileExistsError:
        raise CliError(f"{option} {path}: the file exists; give another name, or --force to "
                       "overwrite it") from None
    except OSError as exc:
        raise CliError(f"{option} {path}: cannot write it ({exc.strerror or exc})") from None
    return path


# -- formatting ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.{places(value)}f}"
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


