"""Penalties configuration: the regimes, the plugin's settings, per-customer and per-invoice
overrides, and the flat recovery indemnity each late item bears.

    plugin "beancount_ar.penalties" "{'regime': 'FR', 'account': 'Income:Penalties'}"

    2025-01-01 open Assets:Receivable:Dupont
      penalty_rate: 12.5            ; a contractual rate for this customer
      penalty_indemnity: 0          ; no flat indemnity for it
    2025-01-01 open Assets:Receivable:Martin
      penalties: FALSE              ; waived

`parse_penalty_config` reads the plugin's configuration string (errors name the setting and how
to fix it), `apply_overrides` the metadata of an ``open`` or an invoice, `indemnity_for` the
indemnity rule: 40 EUR (FR, EU, DE), 40/70/100 GBP for items under 1,000 / under 10,000 / from
10,000 GBP (UK), none for ``fixed`` and ``monthly``, or the configured amount. See
`beancount_ar.core.penalties` for the whole picture.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from beancount.core import account as account_lib
from beancount.core.amount import Amount

from beancount_ar.core.config import Checker, read_literal_config
from beancount_ar.core.errors import ARError
from beancount_ar.core.limits import MAX_DAYS, date_problem
from beancount_ar.core.money import ZERO, round_money
from beancount_ar.i18n import LANGUAGES

ONE_DAY = datetime.timedelta(days=1)

HALF_YEARLY = "half-yearly"  # the reference is read on 1 January / 1 July for each half-year
PER_DEBT = "per-debt"  # read on 31 December / 30 June before the debt, fixed for its life
CONTRACT = "contract"  # no reference: a contractual rate

MONTH_END = "month-end"
SETTLEMENT = "settlement"
QUARTER_END = "quarter-end"  # like month-end, at the ends of March, June, September, December
YEAR_END = "year-end"  # like month-end, at each 31 December: one accrual per closing
SCHEDULES = (MONTH_END, SETTLEMENT, QUARTER_END, YEAR_END)
PERIOD_MONTHS = {MONTH_END: 1, QUARTER_END: 3, YEAR_END: 12}  # months between period ends

# Override metadata on a customer's `open` or on an invoice.
META_WAIVE = "penalties"  # FALSE: no penalties; TRUE on an invoice: penalties despite the customer
META_RATE = "penalty_rate"  # a contractual rate, in the unit of the regime's `rate`
META_GRACE = "penalty_grace_days"  # days after the due date before penalties start
META_INDEMNITY = "penalty_indemnity"  # the flat indemnity: an amount, or 0 for none
OVERRIDE_KEYS = (META_WAIVE, META_RATE, META_GRACE, META_INDEMNITY)


@dataclass(frozen=True, slots=True)
class Regime:
    """A statutory (or contractual) late-payment regime."""

    name: str
    reference: str | None  # the rate table the rate is built on
    margin: Decimal  # points added to the reference
    basis: str  # HALF_YEARLY, PER_DEBT or CONTRACT
    indemnity: str  # "EUR": 40 EUR per late item; "GBP": the UK bands; "": none
    monthly: bool = False  # the contractual rate is a monthly percentage
    default_rate: Decimal | None = None
    law: str = ""


REGIMES: dict[str, Regime] = {
    "FR": Regime("FR", "ECB", Decimal(10), HALF_YEARLY, "EUR",
                 law="Code de commerce L441-10"),
    "EU": Regime("EU", "ECB", Decimal(8), HALF_YEARLY, "EUR", law="Directive 2011/7/EU"),
    "DE": Regime("DE", "DE-BASE", Decimal(9), HALF_YEARLY, "EUR", law="BGB 288"),
    "UK": Regime("UK", "BOE", Decimal(8), PER_DEBT, "GBP",
                 law="Late Payment of Commercial Debts (Interest) Act 1998"),
    "fixed": Regime("fixed", None, ZERO, CONTRACT, "", law="contract"),
    "monthly": Regime("monthly", None, ZERO, CONTRACT, "", monthly=True,
                      default_rate=Decimal("1.5"), law="contract"),
}

EUR_INDEMNITY = Decimal(40)
UK_BANDS = ((Decimal(1000), Decimal(40)), (Decimal(10000), Decimal(70)))
UK_TOP = Decimal(100)


# -- configuration ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PenaltyConfig:
    """Settings of the penalties plugin (see docs/penalties.md)."""

    account: str
    regime: str = "FR"
    indemnity_account: str | None = None
    rate: Decimal | None = None  # contractual rate: annual %, or monthly % (monthly regime)
    margin: Decimal | None = None  # points over the reference (default: the regime's)
    reference: str | None = None  # rate table (default: the regime's)
    floor: bool = False  # 3 x the French legal rate as a minimum
    indemnity: Decimal | None = None  # None: the regime's; else this amount (0: none)
    indemnity_currency: str | None = None  # the indemnity's currency (None: any)
    grace_days: int = 0
    as_of: datetime.date | None = None  # None: today
    day_count: str = "365"  # "365", or "actual" (366 in leap years)
    schedule: str = MONTH_END
    suspend_disputes: bool = False  # no interest runs while an invoice is in dispute
    language: str = "en"  # of the entries' narrations: "en" or "fr"

    @property
    def regime_rules(self) -> Regime:
        return REGIMES[self.regime]


def _number(value: Any) -> Decimal | None:
    """A Decimal from an int, a float as written (12.15) or a string; None if not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, (float, str)):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _rate(value: Any) -> str | None:
    if value is None:
        return None
    number = _number(value)
    if number is None or number < 0:
        return f"{value!r} is not a rate in percent of zero or more, such as 12.15"
    if number > 100:
        return f"{value!r} is not a plausible rate in percent (write 12.15 for 12.15 %)"
    return None


def _account(value: Any) -> str | None:
    if not isinstance(value, str) or not account_lib.is_valid(value):
        return f"{value!r} is not an account name such as 'Income:Penalties'"
    return None


def parse_amount(value: Any) -> tuple[Decimal, str | None] | None:
    """An amount from 40, '40', '40 EUR', Decimal or a Beancount Amount; None if unreadable."""
    if isinstance(value, Amount):
        return (value.number, value.currency) if value.number is not None else None
    if isinstance(value, str) and len(value.split()) == 2:
        number_text, currency = value.split()
        number = _number(number_text)
        if number is None or not currency.isupper():
            return None
        return number, currency
    number = _number(value)
    return None if number is None else (number, None)


def _indemnity(value: Any) -> str | None:
    if value is None or value is False:
        return None
    parsed = parse_amount(value)
    if parsed is None or parsed[0] < 0:
        return (f"{value!r} is not an indemnity: give an amount such as 40 or '40 EUR', 0 or "
                "False for none, or None for the regime's")
    return None


def _grace(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return f"{value!r} is not a number of days (a whole number, 0 or more)"
    if value > MAX_DAYS:
        return f"{value!r} days is more than the {MAX_DAYS} days (ten years) a grace may last"
    return None


def _as_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return date_problem(datetime.date.fromisoformat(value))
        except ValueError:
            pass
    return f"{value!r} is not a date such as '2026-11-23' (or None for today)"


def _regime_name(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    for name in REGIMES:
        if name.lower() == value.strip().lower():
            return name
    return None


def _choice(*allowed: Any) -> Checker:
    def check(value: Any) -> str | None:
        if value not in allowed:
            return f"{value!r} is not one of {', '.join(repr(a) for a in allowed)}"
        return None
    return check


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"{value!r} is not True or False"


def _table_name(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        return f"{value!r} is not a rate table name such as 'ECB'"
    return None


def _anything(value: Any) -> str | None:
    return None  # checked by parse_penalty_config, which has no default to fall back on


PENALTY_CHECKS: dict[str, Checker] = {
    "regime": _anything,
    "account": _anything,
    "indemnity_account": lambda v: None if v is None else _account(v),
    "rate": _rate,
    "margin": _rate,
    "reference": _table_name,
    "floor": _bool,
    "indemnity": _indemnity,
    "grace_days": _grace,
    "as_of": _as_of,
    "day_count": _choice("365", 365, "actual"),
    "schedule": _choice(*SCHEDULES),
    "suspend_disputes": _bool,
    "language": _choice(*LANGUAGES),
}

EXAMPLE = "\"{'regime': 'FR', 'account': 'Income:Penalties'}\""


def parse_penalty_config(text: str | None, what: str = "plugin beancount_ar.penalties"
                         ) -> tuple[PenaltyConfig | None, list[str]]:
    """The plugin's configuration, and its problems (messages naming `what`).

    None when the plugin cannot run: no configuration, no valid income `account`, an unknown
    `regime`, a ``fixed`` regime without `rate`. Other bad values are reported and their
    default is used, as for the invoice plugin."""
    if text is None or not str(text).strip():
        return None, [f"{what}: needs a configuration naming at least the income account, "
                      f"e.g. {EXAMPLE}"]
    good, problems = read_literal_config(text, PENALTY_CHECKS, what)
    if not good and problems:
        return None, problems  # not a dict, or nothing usable in it
    regime = _regime_name(good.get("regime", "FR"))
    if regime is None:
        problems.append(f"{what}: regime: {good['regime']!r} is not a known regime; use one of "
                        f"{', '.join(repr(name) for name in REGIMES)}; no penalties are "
                        "computed until it is corrected")
        return None, problems
    if "account" not in good:
        problems.append(f"{what}: 'account' is required: the income account penalties are "
                        f"credited to (PCG 7631), e.g. {EXAMPLE}")
        return None, problems
    problem = _account(good["account"])
    if problem:
        problems.append(f"{what}: account: {problem}; no penalties are computed until it is "
                        "corrected")
        return None, problems
    rules = REGIMES[regime]
    rate = _number(good["rate"]) if good.get("rate") is not None else rules.default_rate
    if rules.basis == CONTRACT and rate is None:
        problems.append(f"{what}: the {regime!r} regime needs 'rate' (the contractual annual "
                        "rate in percent, e.g. 'rate': 12.0)")
        return None, problems
    indemnity: Decimal | None = None
    currency: str | None = None
    value = good.get("indemnity")
    if value is False:
        indemnity = ZERO
    elif value is not None:
        indemnity, currency = parse_amount(value) or (None, None)
    margin = good.get("margin")
    return PenaltyConfig(
        account=good["account"],
        regime=regime,
        indemnity_account=good.get("indemnity_account"),
        rate=rate,
        margin=_number(margin) if margin is not None else None,
        reference=good["reference"].strip().upper() if good.get("reference") else None,
        floor=good.get("floor", False),
        indemnity=indemnity,
        indemnity_currency=currency,
        grace_days=good.get("grace_days", 0),
        as_of=datetime.date.fromisoformat(good["as_of"]) if good.get("as_of") else None,
        day_count="actual" if good.get("day_count") == "actual" else "365",
        schedule=good.get("schedule", MONTH_END),
        suspend_disputes=good.get("suspend_disputes", False),
        language=good.get("language", "en"),
    ), problems


# -- per-customer and per-invoice overrides --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Policy:
    """What applies to one item: the configuration with its customer's and invoice's overrides."""

    waived: bool = False
    rate: Decimal | None = None  # contractual rate (None: the regime's)
    grace_days: int = 0
    indemnity: Decimal | None = None  # None: the configuration's / regime's
    indemnity_currency: str | None = None


def base_policy(config: PenaltyConfig) -> Policy:
    return Policy(False, None, config.grace_days, None, None)


def apply_overrides(policy: Policy, meta: Mapping[str, Any] | None,
                    what: str) -> tuple[Policy, list[str]]:
    """`policy` with the override metadata of an ``open`` or an invoice; problems name `what`."""
    if not meta:
        return policy, []
    problems: list[str] = []
    waived, rate, grace = policy.waived, policy.rate, policy.grace_days
    indemnity, currency = policy.indemnity, policy.indemnity_currency
    if META_WAIVE in meta:
        value = meta[META_WAIVE]
        if isinstance(value, bool):
            waived = not value
        else:
            problems.append(f"{what}: {META_WAIVE}: must be TRUE or FALSE (FALSE waives late "
                            f"penalties), not {value!r}")
    if META_RATE in meta:
        value = meta[META_RATE]
        problem = _rate(value) if isinstance(value, (int, Decimal)) and not isinstance(
            value, bool) else f"{value!r} is not a number"
        if problem:
            problems.append(f"{what}: {META_RATE}: {problem}; write a rate in percent such as "
                            f"{META_RATE}: 12.5")
        else:
            rate = Decimal(value)
    if META_GRACE in meta:
        value = meta[META_GRACE]
        number = _number(value) if isinstance(value, (int, Decimal)) else None
        if number is None or number < 0 or number != number.to_integral_value():
            problems.append(f"{what}: {META_GRACE}: must be a whole number of days, such as "
                            f"{META_GRACE}: 10, not {value!r}")
        else:
            grace = int(number)
    if META_INDEMNITY in meta:
        value = meta[META_INDEMNITY]
        parsed = parse_amount(value) if isinstance(value, (int, Decimal, Amount)) else None
        if parsed is None or parsed[0] < 0:
            problems.append(f"{what}: {META_INDEMNITY}: must be an amount such as 40.00 EUR "
                            f"(or 0 for none), not {value!r}")
        else:
            indemnity, currency = parsed
    return Policy(waived, rate, grace, indemnity, currency), problems


# -- indemnity -------------------------------------------------------------------------------


def indemnity_for(config: PenaltyConfig, policy: Policy, currency: str,
                  amount: Decimal) -> tuple[Decimal, str | None]:
    """The flat indemnity of a late item, and the currency it could not be charged in (if any).

    The policy's override wins, then the configuration's amount, then the regime's rule."""
    fee, missed = _indemnity_rule(config, policy, currency, amount)
    return round_money(fee, currency), missed


def _indemnity_rule(config: PenaltyConfig, policy: Policy, currency: str,
                    amount: Decimal) -> tuple[Decimal, str | None]:
    for value, cur in ((policy.indemnity, policy.indemnity_currency),
                       (config.indemnity, config.indemnity_currency)):
        if value is not None:
            if value == 0 or cur in (None, currency):
                return value, None
            return ZERO, currency
    rule = config.regime_rules.indemnity
    if rule == "EUR":
        return (EUR_INDEMNITY, None) if currency == "EUR" else (ZERO, currency)
    if rule == "GBP":
        if currency != "GBP":
            return ZERO, currency
        for limit, fee in UK_BANDS:
            if amount < limit:
                return fee, None
        return UK_TOP, None
    return ZERO, None


# -- policies of a ledger ----------------------------------------------------------------------


class Policies:
    """Each item's policy: the configuration, its account's ``open`` overrides, its invoice's.

    Problems in override metadata are reported once, at the entry that has them."""

    def __init__(self, config: PenaltyConfig, opens: Mapping[str, Any]) -> None:
        self.base = base_policy(config)
        self.opens = opens
        self.accounts: dict[str, Policy] = {}
        self.invoices: dict[int, Policy] = {}
        self.errors: list[ARError] = []

    def account(self, account: str) -> Policy:
        policy = self.accounts.get(account)
        if policy is None:
            entry = self.opens.get(account)
            meta = entry.meta if entry is not None else None
            policy, problems = apply_overrides(self.base, meta, account)
            self.errors.extend(ARError(meta, p, entry) for p in problems)
            self.accounts[account] = policy
        return policy

    def invoice(self, entry: Any, account: str) -> Policy:
        policy = self.invoices.get(id(entry))
        if policy is None:
            meta = entry.meta or {}
            customer = self.account(account)
            if any(key in meta for key in OVERRIDE_KEYS):
                policy, problems = apply_overrides(customer, meta, str(meta.get("invoice")))
                self.errors.extend(ARError(meta, p, entry) for p in problems)
            else:
                policy = customer
            self.invoices[id(entry)] = policy
        return policy

    def of(self, book: Any) -> Callable[[Any], Policy]:
        """The policy of each item of `book` (a `core.book.Book`)."""
        def policy_of(item: Any) -> Policy:
            account = book.customers[item.customer].account
            if item.entry is None:
                return self.account(account)
            return self.invoice(item.entry, account)
        return policy_of
