"""``bean-ar invoice``: invoices and credit notes as Factur-X PDF/A-3, CII XML or HTML files.

    bean-ar invoice main.beancount F-2025-001 -o F-2025-001.pdf
    bean-ar invoice main.beancount F-2025-001 AV-2025-001 -o invoices/
    bean-ar invoice main.beancount F-2025-001 --format xml -o F-2025-001.xml
    bean-ar invoice main.beancount --all --from 2026-01-01 --to 2026-03-31 -o invoices/

The ledger needs ``custom "ar-company"`` (the seller) and ``custom "ar-invoicing"`` (its VAT
accounts; see docs/invoices.md). One number and a file name: that file; several numbers or
``--all``: one file per document in a directory (created if needed), named after the number.
The PDF is a PDF/A-3 with its Factur-X (EN 16931) XML embedded as ``factur-x.xml``. This module
parses arguments and writes files; the document is made by `beancount_ar.core` and formatted by
`beancount_ar.render.invoice`. Bad input raises `CliError`: one line, no traceback.
"""

from __future__ import annotations

import argparse
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
from beancount_ar.i18n import LANGUAGES

FORMATS = ("pdf", "xml", "html")


def register(commands: Any) -> None:
    """Add the ``invoice`` command to bean-ar's subparsers."""
    sub = commands.add_parser(
        "invoice", help="invoices and credit notes as Factur-X PDF/A-3, XML or HTML",
        description="Write invoices or credit notes (by number, or --all of a period) as "
                    "Factur-X PDF/A-3 (EN 16931 XML embedded), the XML alone, or HTML.")
    sub.add_argument("ledger", metavar="LEDGER", help="the ledger's main file")
    sub.add_argument("numbers", metavar="NUMBER", nargs="*",
                     help="invoice or credit note numbers (F-2025-001, AV-2025-001...)")
    sub.add_argument("--all", action="store_true",
                     help="every invoice and credit note dated within --from/--to")
    sub.add_argument("--from", dest="start", metavar="DATE", help="with --all: first day")
    sub.add_argument("--to", dest="end", metavar="DATE", help="with --all: last day")
    sub.add_argument("--format", dest="fmt", choices=FORMATS,
                     help="default: from the output's extension, else pdf")
    sub.add_argument("--language", choices=LANGUAGES,
                     help="default: the customer's language: metadata, else the company's")
    sub.add_argument("-o", "--output", metavar="FILE|DIR",
                     help="file to write (several documents: a directory; default: the current "
                          "directory)")
    sub.add_argument("--force", action="store_true",
                     help="overwrite files that exist (never the ledger's own files)")
    sub.add_argument("--ignore-errors", action="store_true",
                     help="write documents even if the ledger has errors")
    sub.set_defaults(run=cmd_invoice)


def _format(args: argparse.Namespace) -> str:
    if args.fmt:
        return args.fmt
    ext = os.path.splitext(args.output or "")[1].lower()
    return {".html": "html", ".htm": "html", ".xml": "xml"}.get(ext, "pdf")


def cmd_invoice(args: argparse.Namespace) -> str:
    """Run ``bean-ar invoice``; returns what to print, CliError for bad input."""
    from beancount_ar.render import invoice as render  # imported late: it loads WeasyPrint
    from beancount_ar.render.documents import DocumentError

    if not args.numbers and not args.all:
        raise CliError("give invoice numbers, or --all (with --from/--to) for a batch")
    if args.numbers and args.all:
        raise CliError("give invoice numbers or --all, not both")
    start, end = optional_date(args.start, "--from"), optional_date(args.end, "--to")
    if (start or end) and not args.all:
        raise CliError("--from and --to select the invoices of --all")
    if start and end and start > end:
        raise CliError(f"empty period: --from {start} is after --to {end}")
    fmt = _format(args)
    single = len(args.numbers) == 1 and not args.all
    output = args.output
    if single and output and not os.path.isdir(output):
        check_file(output)
        check_output(output, "-o", args.ledger, force=args.force)
    else:
        output = output or "."
        check_dir(output)
    entries, options_map = load_ledger(args.ledger, args.ignore_errors)
    job = render.prepare_invoices(entries, options_map)
    if args.all:
        numbers = job.issued(start, end)
    else:
        numbers = list(dict.fromkeys(args.numbers))
    warnings: list[str] = []
    written: list[str] = []
    try:
        documents = [job.document(number) for number in numbers]  # all checked before writing
        if fmt == "pdf":
            rendered = render.invoice_pdfs(job, documents, args.language, warnings)
        elif fmt == "xml":
            rendered = ((d, render.invoice_xml(job, d, args.language)) for d in documents)
        else:
            rendered = ((d, render.invoice_html(job, d, args.language, warnings).encode("utf-8"))
                        for d in documents)
        for document, content in rendered:
            if single and args.output and not os.path.isdir(args.output):
                path = args.output
            else:
                os.makedirs(output, exist_ok=True)
                path = os.path.join(output, render.invoice_filename(document, fmt))
            write_output(path, content, "-o", args.ledger, options_map, args.force)
            written.append(path)
    except DocumentError as exc:
        raise CliError(str(exc)) from None
    for warning in dict.fromkeys(warnings):
        print(f"bean-ar: warning: {warning}", file=sys.stderr)
    if not written:
        return "no invoice in that period: nothing written"
    if len(written) == 1:
        return f"wrote {written[0]}"
    return f"wrote {len(written)} documents to {output}"

