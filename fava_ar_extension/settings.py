"""Configuration of the Fava extension, read from its ``custom "fava-extension"`` line.

    2025-01-01 custom "fava-extension" "fava_ar_extension" "{'buckets': (30, 60, 90),
        'aging_by': 'due', 'company': {'name': 'Atelier Lumière SARL'}}"

The string is a Python literal dict (``True``/``None``, not JSON's ``true``/``null``), read by the
same reader as the plugin's configuration; every key is optional:

- ``buckets``: the aging buckets' upper limits in days, e.g. ``(30, 60, 90)`` or ``"15,30,60"``;
- ``aging_by``: ``'due'`` (days past due, the default) or ``'invoice'`` (days since the invoice);
- ``company``: the company's details (``name``, ``address``, ``email``... as for the
  ``custom "ar-company"`` directive), used when the ledger has no such directive;
- ``page_size``: invoices per page on the Invoices page (default 200);
- ``risk``: thresholds of the risk rating, e.g. ``{'high_overdue_days': 90}`` (see
  `beancount_ar.core.metrics.RiskRule`).

A problem is reported on Fava's Errors page at the extension's line and the default is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from beancount_ar.core import aging as aging_lib
from beancount_ar.core import company as company_lib
from beancount_ar.core.config import Checker, read_literal_config
from beancount_ar.core.metrics import RiskRule

WHAT = 'custom "fava-extension" "fava_ar_extension"'


def _buckets(value: Any) -> str | None:
    if isinstance(value, (list, tuple)) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value):
        text = ",".join(str(v) for v in value)
    elif isinstance(value, str):
        text = value
    else:
        return f"{value!r} is not a list of days such as (30, 60, 90)"
    try:
        aging_lib.parse_buckets(text)
    except ValueError as exc:
        return str(exc)
    return None


def _aging_by(value: Any) -> str | None:
    if value not in (aging_lib.BY_DUE, aging_lib.BY_INVOICE):
        return f"{value!r} is not 'due' or 'invoice'"
    return None


def _company(value: Any) -> str | None:
    if not isinstance(value, dict):
        return f"{value!r} is not a dict such as {{'name': 'Atelier Lumière SARL'}}"
    _, problems = read_literal_config(repr(value), company_lib.CHECKS, "company")
    return "; ".join(problems) or None


def _page_size(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 10 <= value <= 10000:
        return f"{value!r} is not a whole number of invoices between 10 and 10000"
    return None


_RISK_KEYS = {f.name for f in fields(RiskRule)}


def _risk(value: Any) -> str | None:
    if not isinstance(value, dict):
        return f"{value!r} is not a dict such as {{'high_overdue_days': 90}}"
    for key, number in value.items():
        if key not in _RISK_KEYS:
            return f"unknown key {key!r}; accepted: {', '.join(sorted(_RISK_KEYS))}"
        if isinstance(number, bool) or not isinstance(number, (int, float)) or number < 0:
            return f"{key}: {number!r} is not a positive number"
    return None


CHECKS: dict[str, Checker] = {
    "buckets": _buckets,
    "aging_by": _aging_by,
    "company": _company,
    "page_size": _page_size,
    "risk": _risk,
}


@dataclass(frozen=True)
class Settings:
    """The extension's settings (see the module docstring)."""

    buckets: tuple[int, ...] = aging_lib.DEFAULT_BUCKETS
    aging_by: str = aging_lib.BY_DUE
    company: Mapping[str, Any] = field(default_factory=dict)
    page_size: int = 200
    risk: RiskRule = RiskRule()


def parse_settings(text: str | None) -> tuple[Settings, list[str]]:
    """The settings of a configuration string, and what is wrong with it (never raises)."""
    good, problems = read_literal_config(text, CHECKS, WHAT)
    values: dict[str, Any] = {}
    if "buckets" in good:
        raw = good["buckets"]
        text_value = ",".join(str(v) for v in raw) if isinstance(raw, (list, tuple)) else raw
        values["buckets"] = aging_lib.parse_buckets(text_value)
    if "aging_by" in good:
        values["aging_by"] = good["aging_by"]
    if "company" in good:
        company, _ = read_literal_config(repr(good["company"]), company_lib.CHECKS, "company")
        values["company"] = company
    if "page_size" in good:
        values["page_size"] = good["page_size"]
    if "risk" in good:
        rule: dict[str, Any] = {key: (Decimal(str(v)) if key in ("late_days", "limit_warning")
                                      else int(v)) for key, v in good["risk"].items()}
        values["risk"] = RiskRule(**rule)
    return Settings(**values), problems
