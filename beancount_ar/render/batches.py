"""Statements in batches: one file per customer with a balance, written to a folder or a ZIP,
rendered in worker processes when there are many (``bean-ar statement --all``, Fava's ZIP):

    for name, pdf in render_statements(entries, options_map, end=date(2026, 11, 30)):
        ...   # ("statement-RestaurantLeZinc-2026-11-30.pdf", b"%PDF...")
"""

from __future__ import annotations

import datetime
import io
import os
import sys
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from beancount_ar.core.allocation import Settlement
from beancount_ar.core.statements import (
    ACTIVITY,
    OPEN_ITEMS,
    TYPES,
    customers_with_balance,
)
from beancount_ar.render.environment import (
    FORMATS,
    DocumentError,
    company_of,
    document_locale,
    ledger_dir_of,
    template_environment,
)
from beancount_ar.render.pdf import html_to_pdf, print_css
from beancount_ar.render.statement import (
    Payment,
    StatementJob,
    _statements,
    prepare,
    render_statement_html,
    render_statement_pdf,
    statement_filename,
    statement_html,
)


def _can_spawn() -> bool:
    """Whether worker processes can start: "spawn" re-imports the main script, which must
    exist (it does not for ``python - < script``)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    return path is None or os.path.isfile(path)


def render_statements(entries: Sequence[Any], options_map: Mapping[str, Any], *,
                      customers: Iterable[str] | None = None, kind: str = ACTIVITY,
                      start: datetime.date | None = None, end: datetime.date | None = None,
                      fmt: str = "pdf", language: str | None = None,
                      ledger_dir: str | None = None, settlement: Settlement | None = None,
                      warnings: list[str] | None = None, workers: int | None = None
                      ) -> Iterator[tuple[str, bytes]]:
    """(file name, content) of the statements of `customers` (default: every customer with a
    balance at `end`), in customer-name order. PDFs are made by `workers` processes (default:
    one per CPU, at most 4; 1 renders in this process)."""
    if fmt not in FORMATS:
        raise DocumentError(f"format {fmt!r}: expected one of {', '.join(FORMATS)}")
    job = prepare(entries, options_map, kind=kind, start=start, end=end,
                  ledger_dir=ledger_dir, settlement=settlement)
    wanted = customers_with_balance(job.settlement) if customers is None else list(customers)
    statements = _statements(job, wanted)
    names: list[str] = []
    seen: set[str] = set()
    for statement in statements:
        name = statement_filename(statement, fmt)
        stem, ext = os.path.splitext(name)
        number = 2
        while name in seen:
            name = f"{stem}-{number}{ext}"
            number += 1
        seen.add(name)
        names.append(name)
    if fmt == "html":
        for name, statement in zip(names, statements, strict=True):
            yield name, statement_html(job, statement, language, warnings).encode("utf-8")
        return
    css = print_css(job.ledger_dir)
    workers = workers if workers is not None else min(4, os.cpu_count() or 1)
    if workers <= 1 or len(statements) < 8 or not _can_spawn():
        for name, statement in zip(names, statements, strict=True):
            page = statement_html(job, statement, language, warnings, inline_css=False)
            yield name, html_to_pdf(page, job.ledger_dir, css)
        return
    import multiprocessing

    # "spawn": a fresh interpreter, safe from a threaded parent such as Fava's server. The
    # workers start (importing WeasyPrint) while this process writes the HTML.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(min(workers, len(statements)), mp_context=context) as pool:
        futures = [
            (name, pool.submit(html_to_pdf, statement_html(job, statement, language, warnings,
                                                           inline_css=False),
                               job.ledger_dir, css))
            for name, statement in zip(names, statements, strict=True)
        ]
        for name, future in futures:
            yield name, future.result()


def statements_zip(entries: Sequence[Any], options_map: Mapping[str, Any], *,
                   customers: Iterable[str] | None = None, kind: str = ACTIVITY,
                   start: datetime.date | None = None, end: datetime.date | None = None,
                   fmt: str = "pdf", language: str | None = None,
                   ledger_dir: str | None = None, settlement: Settlement | None = None,
                   warnings: list[str] | None = None, workers: int | None = None) -> bytes:
    """A ZIP of the statements of every customer with a balance (or of `customers`)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in render_statements(
                entries, options_map, customers=customers, kind=kind, start=start, end=end,
                fmt=fmt, language=language, ledger_dir=ledger_dir, settlement=settlement,
                warnings=warnings, workers=workers):
            archive.writestr(name, content)
    return buffer.getvalue()


__all__ = [
    "ACTIVITY", "OPEN_ITEMS", "TYPES", "FORMATS", "DocumentError", "StatementJob", "Payment",
    "prepare", "statement_html", "html_to_pdf", "render_statement_html", "render_statement_pdf",
    "render_statements", "statements_zip", "statement_filename", "template_environment",
    "document_locale", "company_of", "ledger_dir_of",
]

