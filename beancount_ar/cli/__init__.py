"""``bean-ar``: receivables reports from the command line.

    bean-ar invoices main.beancount --as-of 2026-11-23 --status overdue
    bean-ar aging main.beancount --by due --buckets 30,60,90 --format json
    bean-ar statement main.beancount --customer Assets:Receivable:Dupont -o dupont.pdf
    bean-ar remind main.beancount --send --record reminders.beancount

Reads the ledger with its plugins (so the plugin's discounts are there), then asks the core for
the subledger as of the date. Text is an aligned table for people; JSON (amounts as strings, ISO
dates) and CSV are for programs. Bad input is one line on stderr and exit status 1 (2 for a
usage error: an unknown option, a missing argument), never a traceback; a closed pipe
(``bean-ar remind ... | head``) is not an error. This module only parses arguments and
formats; the rules are in `beancount_ar.core`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from beancount_ar.cli import doctor, einvoice, invoice, rates, remind, reports, statement
from beancount_ar.cli.common import CliError, load_ledger, parse_date
from beancount_ar.plugins.common import no_gc

COMMANDS = (reports, statement, remind, invoice, einvoice, doctor, rates)


USAGE_ERROR = 2


class Parser(argparse.ArgumentParser):
    """argparse, with its usage errors in one line (exit status 2) instead of the usage text."""

    def error(self, message: str) -> NoReturn:
        hint = f" (see {self.prog} --help)"
        self.exit(USAGE_ERROR, f"bean-ar: {' '.join(message.split())}{hint}\n")


def _quiet_stdout() -> None:
    """After a closed pipe (``bean-ar ... | head``): send what is left to /dev/null, so that
    Python's flush at exit does not complain either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="bean-ar", description="Accounts receivable reports for a Beancount ledger.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``bean-ar`` console script."""
    args = build_parser().parse_args(argv)
    try:
        # One short-lived pass over a large ledger that makes no reference cycles: the cyclic
        # garbage collector would only walk the ledger again and again (see no_gc).
        with no_gc():
            output = args.run(args)
    except BrokenPipeError:  # the reader went away while a report was printed
        _quiet_stdout()
        return 0
    except CliError as exc:
        print(f"bean-ar: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - no traceback reaches a user
        print(f"bean-ar: internal error ({exc.__class__.__name__}: {exc}); please report it",
              file=sys.stderr)
        return 1
    try:
        print(output, flush=True)
    except BrokenPipeError:  # `bean-ar ... | head`
        _quiet_stdout()
    return 0



__all__ = ["CliError", "build_parser", "load_ledger", "main", "parse_date"]
