"""Invoice benchmark: one Factur-X PDF/A-3, and 100 of them in a batch.

    python benchmarks/bench_invoice.py               # the example ledger, 3 repeats
    python benchmarks/bench_invoice.py --repeat 5 --batch 100

Runs on the example ledger (its invoices carry VAT at several rates), loaded once: what
`bean-ar invoice` does after its load. "one PDF" is the median time of `invoice_pdf` for one
invoice (the HTML page, the XML checked against its XSD, WeasyPrint's PDF/A-3b, the XML
embedded); the first one, which imports WeasyPrint and parses the stylesheet, is timed apart.
"batch" is `invoice_pdfs` for the first `--batch` documents in date order, as `bean-ar invoice
--all` makes them: the HTML and XML here, the PDFs in `--workers` processes (default: one per
CPU, at most 4); `--workers 1` renders them all in this process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from beancount import loader  # noqa: E402

from beancount_ar.render.invoice import (  # noqa: E402
    invoice_pdf,
    invoice_pdfs,
    invoice_xml,
    prepare_invoices,
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", default=str(ROOT / "example-ledger" / "main.beancount"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--number", default="F-2026-038")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    entries, errors, options = loader.load_file(args.ledger)
    load = time.perf_counter() - start
    assert not errors, errors[0]
    job = prepare_invoices(entries, options)
    document = job.document(args.number)

    start = time.perf_counter()
    invoice_pdf(job, document)
    first = time.perf_counter() - start
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        pdf = invoice_pdf(job, document)
        times.append(time.perf_counter() - start)
    xml_times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        invoice_xml(job, document)
        xml_times.append(time.perf_counter() - start)

    numbers = job.issued()[:args.batch]
    start = time.perf_counter()
    size = 0
    documents = [job.document(number) for number in numbers]
    for _, content in invoice_pdfs(job, documents, workers=args.workers):
        size += len(content)
    batch = time.perf_counter() - start

    print(f"ledger load (with plugins): {load:.2f} s")
    print(f"first invoice PDF (imports, stylesheet): {first:.2f} s")
    print(f"one invoice PDF ({args.number}, {len(pdf):,} bytes), median of {args.repeat}: "
          f"{statistics.median(times):.2f} s")
    print(f"its XML alone, median of {args.repeat}: {statistics.median(xml_times) * 1000:.0f} ms")
    workers = args.workers or min(4, os.cpu_count() or 1)
    print(f"batch of {len(numbers)} invoice PDFs ({size / 1e6:.1f} MB, {workers} worker(s)): "
          f"{batch:.1f} s "
          f"({batch / len(numbers):.2f} s each)")


if __name__ == "__main__":
    main()
