"""What late payment costs a customer, as documents state it: the rate, the indemnity, the grace.

Letters, statements and invoices state the charges of the ledger's penalties policy, so they
claim what the penalties plugin posts, whatever the regime, waiver or override:

    plugin "beancount_ar.penalties" "{'regime': 'UK', 'account': 'Income:Penalties'}"
    2025-01-01 open Assets:Receivable:Smith
      penalty_indemnity: 0

    policy = ledger_charges(entries, options_map)   # the plugin's, or French law's by default
    stated = stated_charges(policy, date(2026, 11, 23), account="Assets:Receivable:Smith",
                            currency="GBP", amount=Decimal("2500.00"))
    stated.rate          # 11.75: Bank Rate 3.75 on 2026-06-30 + 8
    stated.indemnity     # 0: the customer's override (else 70 GBP for a 2,500 GBP debt)

`ledger_charges` reads the policy of a whole ledger: the ``beancount_ar.penalties`` plugin's
configuration and rate tables (shipped, extended by ``ar-rate`` directives) and the customers'
overrides. Without that plugin, a French company (``ar-company`` with ``country: 'FR'``) is
taken to apply what French law says by default (ECB + 10 points, 40 EUR per late invoice:
Code de commerce L441-10 and D441-5), flagged by ``origin == FRENCH_LAW``; any other ledger
states no charges. `stated_charges` answers for one customer or invoice as of a date, with the
same rules the plugin computes with (`Policies`, `Rates.quote`, `indemnity_for`), so the two
cannot disagree.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from beancount.core import data

from beancount_ar.core.company import read_company
from beancount_ar.core.penalty_config import (
    EUR_INDEMNITY,
    PenaltyConfig,
    Policies,
    Policy,
    indemnity_for,
    parse_penalty_config,
)
from beancount_ar.core.penalty_rates import Missing, Quote, Rates
from beancount_ar.core.rates import RateTable, half_year_label, tables_from_entries

PLUGIN = "beancount_ar.penalties"
FROM_PLUGIN = "plugin"  # the ledger's penalties plugin
FRENCH_LAW = "french-law"  # no penalties plugin: the French legal defaults (flagged)
NONE = "none"  # no penalties plugin and not a French company, or an unusable configuration


@dataclass(frozen=True)
class LedgerCharges:
    """The penalties policy of a ledger (see `ledger_charges`)."""

    origin: str  # FROM_PLUGIN, FRENCH_LAW or NONE
    config: PenaltyConfig | None = None
    rates: Rates | None = None
    policies: Policies | None = None
    note: str = ""  # how the policy was found, for people

    @property
    def assumed(self) -> bool:
        """True when no plugin is configured and French law is assumed."""
        return self.origin == FRENCH_LAW


@dataclass(frozen=True)
class StatedCharges:
    """The charges a late payment bears, for one customer or invoice as of a date."""

    origin: str  # FROM_PLUGIN, FRENCH_LAW or NONE (see LedgerCharges)
    applies: bool  # False: no penalties (waived, no policy)
    waived: bool = False  # ``penalties: FALSE`` on the customer's open or the invoice
    regime: str | None = None  # 'FR', 'EU', 'DE', 'UK', 'fixed', 'monthly'
    law: str = ""  # e.g. "Code de commerce L441-10"
    period: str = ""  # the half-year the rate is for, e.g. "2026 H2"
    rate: Decimal | None = None  # the annual rate in percent (None: not known, see `missing`)
    quote: Quote | None = None  # how `rate` is built (reference + margin, contract, floor)
    missing: str | None = None  # the rate is not known: the message naming the directive
    indemnity: Decimal = Decimal(0)  # flat recovery indemnity per late item (0: none)
    indemnity_currency: str = "EUR"
    uk_bands: bool = False  # the UK indemnity: 40/70/100 GBP by the size of the debt
    grace_days: int = 0
    reference: str | None = None  # the rate table the rate is built on (None: contractual)
    margin: Decimal | None = None  # the points added to the reference
    contract: Decimal | None = None  # the contractual rate (a month, with the monthly regime)

    @property
    def contractual(self) -> bool:
        return self.contract is not None

    @property
    def monthly(self) -> bool:
        return self.regime == "monthly"


def _plugin_config(options_map: Mapping[str, Any]) -> tuple[bool, str | None]:
    for name, config in options_map.get("plugin") or ():
        if name == PLUGIN:
            return True, config
    return False, None


def ledger_charges(entries: Iterable[Any], options_map: Mapping[str, Any],
                   french_company: bool | None = None) -> LedgerCharges:
    """The penalties policy of a ledger: its ``beancount_ar.penalties`` plugin's, or, without
    one, French law's defaults when `french_company` (None: when the latest ``ar-company``
    says ``country: 'FR'``), else none. Configuration errors are the plugin's to report
    (bean-check)."""
    entries = list(entries)
    present, text = _plugin_config(options_map)
    if not present and french_company is None:
        company, _ = read_company(entries)
        french_company = company is not None and company.is_french
    if present:
        config, _ = parse_penalty_config(text)
        if config is None:
            return LedgerCharges(NONE, note=f"plugin {PLUGIN} is not usable (see bean-check): "
                                            "no charges are stated")
        origin, note = FROM_PLUGIN, f"plugin {PLUGIN} ({config.regime} regime)"
    elif french_company:
        config = PenaltyConfig(account="", regime="FR")
        origin = FRENCH_LAW
        note = (f"no plugin {PLUGIN}: French law by default for a French company (ECB + 10 "
                "points, 40 EUR per late invoice, Code de commerce L441-10 and D441-5)")
    else:
        return LedgerCharges(NONE, note=f"no plugin {PLUGIN}: no charges are stated")
    tables, _ = tables_from_entries(entries, [config.reference or ""])
    opens = {e.account: e for e in entries if isinstance(e, data.Open)}
    return LedgerCharges(origin, config, Rates(config, tables), Policies(config, opens), note)


def policy_of(ledger: LedgerCharges, account: str | None = None,
              invoice: Any | None = None) -> Policy:
    """The policy of a customer's receivable `account`, with `invoice`'s overrides (an entry
    whose ``meta`` may hold ``penalties``, ``penalty_rate``, ``penalty_grace_days``,
    ``penalty_indemnity``)."""
    assert ledger.policies is not None
    if invoice is not None and account is not None:
        return ledger.policies.invoice(invoice, account)
    if account is not None:
        return ledger.policies.account(account)
    return ledger.policies.base


def stated_charges(ledger: LedgerCharges, as_of: datetime.date, *,
                   account: str | None = None, invoice: Any | None = None,
                   currency: str = "EUR", amount: Decimal | None = None,
                   due: datetime.date | None = None) -> StatedCharges:
    """The charges a late payment bears as of `as_of`, for the customer of receivable
    `account` (its ``open`` overrides) and `invoice` (its overrides), in `currency`.

    The rate is the one of `as_of`'s half-year (UK: of the debt, fixed from its `due` date,
    else from `as_of`); the indemnity is per late item, for an item of `amount` (the UK bands
    depend on it: without `amount`, the lowest band is stated and `uk_bands` says so)."""
    if ledger.config is None or ledger.rates is None:
        return StatedCharges(ledger.origin, False)
    config = ledger.config
    policy = policy_of(ledger, account, invoice)
    regime = config.regime_rules
    if policy.waived:
        return StatedCharges(ledger.origin, False, True, config.regime, regime.law)
    late = (due + datetime.timedelta(days=policy.grace_days)) if due is not None else None
    start = late if late is not None and late < as_of else as_of - datetime.timedelta(days=1)
    found = ledger.rates.quote(policy.rate, start, as_of)
    quote = found if isinstance(found, Quote) else None
    missing = found.message if isinstance(found, Missing) else None
    fee, missed = indemnity_for(config, policy, currency, amount if amount is not None
                                else Decimal(0))
    uk = (regime.indemnity == "GBP" and policy.indemnity is None and config.indemnity is None)
    contract = policy.rate if policy.rate is not None else config.rate
    reference = None if contract is not None else (config.reference or regime.reference)
    margin = None if contract is not None else (
        config.margin if config.margin is not None else regime.margin)
    return StatedCharges(
        origin=ledger.origin, applies=True, waived=False, regime=config.regime, law=regime.law,
        period=half_year_label(as_of), rate=quote.rate if quote else None, quote=quote,
        missing=missing, indemnity=Decimal(0) if missed else fee, indemnity_currency=currency,
        uk_bands=uk, grace_days=policy.grace_days, reference=reference, margin=margin,
        contract=contract)


def item_indemnity(ledger: LedgerCharges, *, account: str, invoice: Any | None,
                   currency: str, amount: Decimal) -> Decimal:
    """The flat indemnity one late item bears (0 when waived or none), as the plugin posts."""
    if ledger.config is None:
        return Decimal(0)
    policy = policy_of(ledger, account, invoice)
    if policy.waived:
        return Decimal(0)
    fee, missed = indemnity_for(ledger.config, policy, currency, amount)
    return Decimal(0) if missed else fee


def rate_tables(ledger: LedgerCharges) -> Mapping[str, RateTable]:
    return ledger.rates.tables if ledger.rates is not None else {}


__all__ = [
    "EUR_INDEMNITY", "FRENCH_LAW", "FROM_PLUGIN", "NONE", "PLUGIN",
    "LedgerCharges", "StatedCharges",
    "item_indemnity", "ledger_charges", "policy_of", "rate_tables", "stated_charges",
]
