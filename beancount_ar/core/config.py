"""Configuration of the invoice plugin, read from the ``plugin`` line's Python-literal string.

    plugin "beancount_ar" "{'receivable_root': 'Assets:Receivable', 'default_terms': 'net 30',
                            'discount_account': 'Expenses:Discounts',
                            'writeoff_account': 'Expenses:BadDebts', 'legal': 'FR',
                            'invoice_pattern': '(?i)facture ([0-9]{4}-[0-9]{3})'}"

``receivable_root`` defaults to ``<assets>:Receivable``, where ``<assets>`` is the ledger's own
name for its assets root (``option "name_assets" "Actifs"`` gives ``Actifs:Receivable``).

`parse_config` never raises: a malformed string, a misspelt key or a value of the wrong type gives
a message naming the problem and the accepted keys, and the default is used instead. The same
reader (`read_literal_config`) serves the other plugins and the Fava extension.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from beancount.core import account as account_lib

from beancount_ar.core.terms import TermsError, parse_terms


@dataclass(frozen=True, slots=True)
class ArConfig:
    """Settings of the invoice plugin (see the README, "Ledger conventions")."""

    receivable_root: str = "Assets:Receivable"
    default_terms: str = "net 30"
    discount_account: str | None = None
    writeoff_account: str | None = None
    legal: str | None = None
    business_days: str | None = None
    invoice_links: bool = True  # a link on a receivable debit naming no invoice is its number
    invoice_pattern: str | None = None  # a regular expression finding invoice numbers in text


Checker = Callable[[Any], str | None]
"""Returns None when the value is acceptable, else what is wrong with it."""


def _account(value: Any) -> str | None:
    if not isinstance(value, str) or not account_lib.is_valid(value):
        return f"{value!r} is not an account name such as 'Assets:Receivable'"
    return None


def _optional_account(value: Any) -> str | None:
    return None if value is None else _account(value)


def _terms(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"{value!r} is not a string of payment terms such as 'net 30'"
    try:
        parse_terms(value)
    except TermsError as exc:
        return str(exc)
    return None


def _legal(value: Any) -> str | None:
    if value not in (None, "FR"):
        return f"{value!r} is not a supported legal regime (use 'FR' or None)"
    return None


def _country(value: Any) -> str | None:
    if value is None:
        return None
    import holidays  # imported here: only needed when the option is set

    if not isinstance(value, str) or value.upper() not in holidays.list_supported_countries():
        return f"{value!r} is not a country code known to the holidays package (e.g. 'FR', 'DE')"
    return None


def _bool(value: Any) -> str | None:
    if not isinstance(value, bool):
        return f"{value!r} is not True or False"
    return None


def _pattern(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        return (f"{value!r} is not a regular expression such as "
                "'(?i)facture ([0-9]{4}-[0-9]{3})'")
    try:
        compiled = re.compile(value)
    except re.error as exc:
        return (f"{value!r} is not a valid regular expression ({exc}); for example "
                "'(?i)facture ([0-9]{4}-[0-9]{3})' (group 1, if any, is the invoice number)")
    if compiled.search("") is not None:
        return f"{value!r} matches an empty text: it must match the invoice number itself"
    return None


AR_CHECKS: dict[str, Checker] = {
    "receivable_root": _account,
    "default_terms": _terms,
    "discount_account": _optional_account,
    "writeoff_account": _optional_account,
    "legal": _legal,
    "business_days": _country,
    "invoice_links": _bool,
    "invoice_pattern": _pattern,
}


def read_literal_config(
    text: str | None, checks: Mapping[str, Checker], what: str
) -> tuple[dict[str, Any], list[str]]:
    """Read a Python-literal dict and check each key; return the good values and the problems.

    `what` names the configuration in messages (e.g. "plugin beancount_ar").
    """
    if text is None or not str(text).strip():
        return {}, []
    accepted = ", ".join(sorted(checks))
    try:
        value = ast.literal_eval(str(text))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
        hint = " (Python literals: True, False, None - not true/false/null)" if any(
            word in str(text) for word in ("true", "false", "null")
        ) else ""
        return {}, [
            f"{what}: the configuration is not a Python literal dict ({exc.__class__.__name__})"
            f"{hint}; write it like \"{{'key': 'value'}}\" with keys among: {accepted}"
        ]
    if not isinstance(value, dict):
        return {}, [f"{what}: the configuration must be a dict such as \"{{'key': 'value'}}\""]
    good: dict[str, Any] = {}
    problems: list[str] = []
    for key, val in value.items():
        if key not in checks:
            close = difflib.get_close_matches(str(key), list(checks), n=1)
            guess = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(
                f"{what}: unknown configuration key {key!r}{guess}; accepted: {accepted}")
            continue
        problem = checks[key](val)
        if problem:
            problems.append(f"{what}: {key}: {problem}; the default is used")
        else:
            good[key] = val
    return good, problems


def parse_config(text: str | None, options_map: Mapping[str, Any] | None = None
                 ) -> tuple[ArConfig, list[str]]:
    """Parse the invoice plugin's configuration; see the module docstring.

    `options_map` (the ledger's options) gives the default receivable root its assets name."""
    good, problems = read_literal_config(text, AR_CHECKS, "plugin beancount_ar")
    if "business_days" in good and good["business_days"] is not None:
        good["business_days"] = good["business_days"].upper()
    if "receivable_root" not in good:
        assets = (options_map or {}).get("name_assets") or "Assets"
        if assets != "Assets":
            good["receivable_root"] = f"{assets}:Receivable"
    known = {f.name for f in fields(ArConfig)}
    return ArConfig(**{k: v for k, v in good.items() if k in known}), problems


def config_from_options(options_map: Mapping[str, Any]) -> tuple[ArConfig, list[str]]:
    """The invoice plugin's configuration as the ledger's ``plugin`` line gives it.

    Reports and the Fava extension read the subledger with the same settings as the plugin.
    """
    for name, text in options_map.get("plugin") or ():
        if name == "beancount_ar":
            return parse_config(text, options_map)
    return parse_config(None, options_map)


def read_directive_settings(
    entry: Any, checks: Mapping[str, Checker], example: str,
    meta_value: Callable[[str, Any], tuple[Any, str | None]],
) -> tuple[dict[str, Any], list[str]]:
    """The settings of a ``custom "<type>" "{...}"`` directive: its one string, a Python-literal
    dict, then its metadata (which win), each key checked; and what is wrong.

    `meta_value(key, value)` turns a metadata value into what the literal reader expects, or
    says why it cannot; `example` is a literal dict shown in the message about a bad shape."""
    what = f'custom "{entry.type}"'
    values: dict[str, Any] = {}
    problems: list[str] = []
    literal = [v.value for v in entry.values or () if isinstance(v.value, str)]
    if len(literal) != len(entry.values or ()) or len(literal) > 1:
        problems.append(f"{what}: expected one string holding a Python dict such as "
                        f"\"{example}\" (or metadata), not {len(entry.values)} values")
    if literal:
        good, bad = read_literal_config(literal[0], checks, what)
        values.update(good)
        problems.extend(bad)
    meta: dict[str, Any] = {}
    for key, value in (entry.meta or {}).items():
        if key in ("filename", "lineno") or key.startswith("__"):
            continue
        converted, problem = meta_value(key, value)
        if problem:
            problems.append(f"{what}: {key}: {problem}")
        else:
            meta[key] = converted
    if meta:
        good, bad = read_literal_config(repr(meta), checks, what)
        values.update(good)
        problems.extend(bad)
    return values, problems
