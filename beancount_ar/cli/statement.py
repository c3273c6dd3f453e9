"""``bean-ar statement``: statements of account as PDF or HTML files.

    bean-ar statement main.beancount --customer Assets:Receivable:Dupont -o dupont.pdf
    bean-ar statement main.beancount --customer "Boulangerie Dupont SARL" --type open \\
        --to 2026-11-23 --format html -o dupont.html
    bean-ar statement main.beancount --all --from 2026-01-01 --to 2026-11-23 -o statements/
    bean-ar statement main.beancount --all -o statements.zip

The company's letterhead and bank details come from the ledger's ``custom "ar-company"``
directive (see docs/statements.md). ``--all`` writes one file per customer with a balance at
``--to`` into a directory (created if needed), or a ZIP when the output ends in ``.zip``. This
module parses arguments and writes files; the statement is built by `beancount_ar.core` and
formatted by `beancount_ar.render`. Bad input raises `CliError`: one line, no traceback.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from typing import Any

from beancount_ar.cli.common import (
    CliError,
    check_dir,
    check_file,
    check_output,
    load_ledger,
    optional_date,
    write_output,
)
from beancount_ar.core.statements import ACTIVITY, OPEN_ITEMS, TYPES
from beancount_ar.i18n import LANGUAGES


def register(commands: Any) -> None:
    """Add the ``statement`` command to bean-ar's subparsers (``parser.add_subparsers()``)."""
    sub = commands.add_parser(
        "statement", help="statement of account of a customer, as PDF or HTML",
        description="Write the statement of account of one customer (--customer) or of every "
                    "customer with a balance (--all).")
    sub.add_argument("ledger", metavar="LEDGER", help="the ledger's main file")
    who = sub.add_mutually_exclusive_group(required=True)
    who.add_argument("--customer", metavar="ACCOUNT",
                     help="the customer: receivable account or customer name")
    who.add_argument("--all", action="store_true",
                     help="every customer with a balance at --to (-o is then a directory or a "
                          ".zip file)")
    sub.add_argument("--from", dest="start", metavar="DATE",
                     help="first day of an activity statement's period (default: 1 January of "
                          "--to's year)")
    sub.add_argument("--to", dest="end", metavar="DATE",
                     help="statement date, last day of the period (default: today)")
    sub.add_argument("--type", dest="kind", choices=TYPES, default=ACTIVITY,
                     help="activity: balance forward with every movement of the period "
                          "(default); open: the items still open at --to")
    sub.add_argument("--format", dest="fmt", choices=("pdf", "html"),
                     help="default: from the output's extension, else pdf")
    sub.add_argument("--language", choices=LANGUAGES,
                     help="default: the customer's language: metadata, else the company's")
    sub.add_argument("-o", "--output", required=True, metavar="FILE",
                     help="file to write (with --all: a directory, or a .zip file)")
    sub.add_argument("--force", action="store_true",
                     help="overwrite output files that exist (never a file of the ledger)")
    sub.add_argument("--ignore-errors", action="store_true",
                     help="write statements even if the ledger has errors")
    sub.set_defaults(run=cmd_statement)


def _format(args: argparse.Namespace, zipped: bool) -> str:
    if args.fmt:
        return args.fmt
    if not zipped and os.path.splitext(args.output)[1].lower() in (".html", ".htm"):
        return "html"
    return "pdf"


def cmd_statement(args: argparse.Namespace) -> str:
    """Run ``bean-ar statement``; returns what to print, CliError for bad input."""
    from beancount_ar.render import documents  # imported late: keeps `bean-ar --help` fast

    start = optional_date(args.start, "--from")
    end = optional_date(args.end, "--to") or datetime.date.today()
    if args.kind == OPEN_ITEMS and start is not None:
        raise CliError("--from is for activity statements; an open-items statement shows what "
                       "is open at --to")
    if start is not None and start > end:
        raise CliError(f"empty period: --from {start} is after --to {end}")
    zipped = bool(args.all) and args.output.lower().endswith(".zip")
    fmt = _format(args, zipped)
    if args.all and not zipped:
        check_dir(args.output)
    else:
        check_file(args.output)
        check_output(args.output, "-o", args.ledger, force=args.force)
    entries, options_map = load_ledger(args.ledger, args.ignore_errors)

    def _write(path: str, content: bytes) -> None:
        write_output(path, content, "-o", args.ledger, options_map, args.force)

    warnings: list[str] = []
    common = dict(kind=args.kind, start=start, end=end, language=args.language,
                  warnings=warnings)
    written: list[str] = []
    try:
        if args.customer:
            render = (documents.render_statement_html if fmt == "html"
                      else documents.render_statement_pdf)
            content = render(entries, options_map, args.customer, **common)
            _write(args.output, content.encode("utf-8") if isinstance(content, str) else content)
            written.append(args.output)
        elif zipped:
            content = documents.statements_zip(entries, options_map, fmt=fmt, **common)
            _write(args.output, content)
            written.append(args.output)
        else:
            os.makedirs(args.output, exist_ok=True)
            for name, content in documents.render_statements(entries, options_map, fmt=fmt,
                                                             **common):
                path = os.path.join(args.output, name)
                _write(path, content)
                written.append(path)
    except documents.DocumentError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"{args.output}: cannot write ({exc.strerror or exc})") from None
    for warning in warnings:
        print(f"bean-ar: warning: {warning}", file=sys.stderr)
    if args.all and not zipped and not written:
        return f"no customer has a balance at {end}: nothing written"
    if len(written) == 1:
        return f"wrote {written[0]}"
    return f"wrote {len(written)} statements to {args.output}"
