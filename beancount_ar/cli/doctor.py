"""``bean-ar doctor LEDGER``: how the invoice plugin reads this ledger, before you change it.

    $ bean-ar doctor books.beancount
    Receivable root: Assets:AccountsReceivable (1 account)
    Invoices recognised: 12 (by invoice: metadata 0, by link 12, by narration 0)
    ...

Prints the invoices recognised and by which rule, receivable debits not taken as invoices (with
file:line), credits that name no invoice, the customers, the ``plugin`` line that would
recognise more, and the errors the plugin adds (it runs the plugin if the ledger has no
``plugin "beancount_ar"`` line yet). Exit status 0 when nothing needs attention, 3 when
something does (errors, debits that may be invoices, a better configuration, no invoice at
all), 1 when the ledger cannot be read. The analysis is `beancount_ar.core.doctor`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from beancount_ar.cli.common import CliError
from beancount_ar.core.doctor import Diagnosis, diagnose

ATTENTION = 3  # exit status when something needs attention


def render(d: Diagnosis) -> str:
    out = [f"Receivable root: {d.receivable_root} ({len(d.receivable_accounts)} account"
           f"{'s' if len(d.receivable_accounts) != 1 else ''})"]
    rules = ", ".join(f"by {'invoice: ' if rule == 'metadata' else ''}{rule} {count}"
                      for rule, count in d.invoices_by_rule.items())
    out.append(f"Invoices recognised: {d.invoices} ({rules})")
    names = ", ".join(d.customers[:10]) + (" ..." if len(d.customers) > 10 else "")
    out.append(f"Customers: {len(d.customers)}" + (f" ({names})" if names else ""))
    out.append(f"Receivable debits not taken as invoices: {d.debits}")
    out.extend(f"  {f.where}  {f.date}  {f.text}  - {f.why}" for f in d.debit_sample)
    out.append(f"Credits naming no invoice (matched oldest first): {d.unmatched}")
    out.extend(f"  {f.where}  {f.date}  {f.text}" for f in d.unmatched_sample)
    out.append(f"Errors the plugin adds: {len(d.errors)}")
    out.extend(f"  {f.where}: {f.text}" for f in d.errors)
    if d.suggested_line:
        out.append("To recognise more, use this plugin line:")
        out.append(f"  {d.suggested_line}")
    out.append("Nothing needs attention." if not d.needs_attention else "Needs attention.")
    return "\n".join(out)


def as_json(d: Diagnosis) -> str:
    def findings(items: Any) -> list[dict[str, Any]]:
        return [{"filename": f.filename, "lineno": f.lineno,
                 "date": f.date.isoformat() if f.date else None, "text": f.text, "why": f.why}
                for f in items]
    return json.dumps({
        "receivable_root": d.receivable_root, "receivable_accounts": list(d.receivable_accounts),
        "invoices": d.invoices, "invoices_by_rule": dict(d.invoices_by_rule),
        "customers": list(d.customers), "debits": d.debits,
        "debit_sample": findings(d.debit_sample), "unmatched": d.unmatched,
        "unmatched_sample": findings(d.unmatched_sample), "errors": findings(d.errors),
        "suggestions": dict(d.suggestions), "suggested_line": d.suggested_line,
        "needs_attention": d.needs_attention}, indent=2, ensure_ascii=False)


def cmd_doctor(args: argparse.Namespace) -> str:
    if not os.path.isfile(args.ledger):
        raise CliError(f"{args.ledger}: no such ledger file")
    from beancount import loader

    from beancount_ar.core.config import config_from_options
    from beancount_ar.core.errors import ARError, ConfigError, OverpaymentError
    from beancount_ar.plugins.invoices import MODULE, ar_invoices

    entries, errors, options_map = loader.load_file(args.ledger)
    ours = (ARError, ConfigError, OverpaymentError)
    if any(name == MODULE for name, _ in options_map.get("plugin") or ()):
        plugin_errors = [e for e in errors if isinstance(e, ours)]
    else:  # what the plugin would say once added
        entries, plugin_errors = ar_invoices(entries, options_map, None)
    config, _ = config_from_options(options_map)
    diagnosis = diagnose(entries, options_map, config, plugin_errors)
    text = as_json(diagnosis) if args.format == "json" else render(diagnosis)
    if diagnosis.needs_attention:
        try:
            print(text)
        except BrokenPipeError:
            pass
        sys.stdout.flush()
        raise SystemExit(ATTENTION)
    return text


def register(commands: Any) -> None:
    """Add the ``doctor`` command to bean-ar's subparsers."""
    sub = commands.add_parser(
        "doctor", help="how the plugin reads this ledger: invoices recognised, what it missed")
    sub.add_argument("ledger", metavar="LEDGER", help="the ledger's main file")
    sub.add_argument("--format", choices=("text", "json"), default="text")
    sub.set_defaults(run=cmd_doctor)
