"""Late-payment penalties: the rate of each late day, interest on the open amount, the flat
recovery indemnity, and the schedule of entries that charge them.

French B2B law (Code de commerce L441-10) makes penalties and a 40 EUR indemnity due without any
reminder; the EU, Germany and the UK have similar rules. For this ledger:

    plugin "beancount_ar.penalties" "{'regime': 'FR', 'account': 'Income:Penalties'}"

    2025-05-21 * "Dupont" "Facture" ^F-1
      invoice: "F-1"
      due: 2025-06-20
      Assets:Receivable:Dupont   10000.00 EUR
      Income:Sales

    2025-07-20 * "Dupont" "Virement" ^F-1
      Assets:Bank                10000.00 EUR
      Assets:Receivable:Dupont  -10000.00 EUR

F-1 is paid 30 days late: 10 days of 2025 H1 at 13.15 % (the ECB rate in force on 1 January,
3.15, + 10 points) and 20 days of 2025 H2 at 12.15 % on 10,000.00 EUR make 102.6027 EUR of
interest, rounded once to 102.60 EUR, plus the 40 EUR indemnity. The schedule charges 76.03 EUR
at 2025-06-30 (36.03 of interest to date and the indemnity) and 66.57 EUR at 2025-07-20 (102.60
to date less 36.03 already charged).

Where the rules live (the plugin in `beancount_ar.plugins.penalties` only adapts them; this
module re-exports them for existing imports):

- `core.penalty_config`: regimes, the plugin's configuration, overrides, the indemnity rule;
- `core.penalty_rates`: the rate of each late day (`Rates`), from `core.rates`' tables;
- `core.interest`: interest segments, charge dates, one item's penalties (`item_penalties`);
- `core.penalty_assessment`: every item of a settlement (`assess`, `may_shift_allocations`);
- `core.penalty_run`: the repeat-until-stable run the plugin calls (`PenaltyRun`);
- `core.charges`: what a letter, statement or invoice states (`stated_charges`).

The rules:

- *Interest* is simple: each day from the day after the due date (plus grace days) to the day
  the money arrives counts, on the amount open at the end of the day before (an amount paid on
  day P is late P - due days); the day count is 365, or 366 in leap years with ``day_count:
  'actual'``; no compounding: penalties never bear interest. The cumulative interest is rounded
  once, half-up; each entry charges the rounded cumulative amount less what is already charged.
- *Rates* (annual, in percent) per regime: FR = ECB + 10, EU = ECB + 8, DE = base rate + 9, the
  reference read on 1 January for a first half-year and on 1 July for a second one, so interest
  is split at half-year boundaries; UK = Bank Rate + 8, read on 31 December (interest starting
  January-June) or 30 June (July-December) and fixed for the life of the debt; ``fixed`` = a
  contractual annual rate; ``monthly`` = a monthly rate (1.5 by default) times 12. A contractual
  rate (``rate`` in the configuration, ``penalty_rate`` on a customer or an invoice) replaces the
  reference plus margin; ``floor`` makes 3 x the French legal rate of the half-year a minimum.
- *Indemnity*: once per late item (invoice, or instalment of a split invoice), never split:
  40 EUR (FR, EU, DE), 40/70/100 GBP for items under 1,000 / under 10,000 / from 10,000 GBP (UK),
  none for ``fixed`` and ``monthly``, or the configured amount.
- *Schedule* (``month-end``, the default): an entry at each month end while the item is overdue
  and one on the day it is settled; ``quarter-end`` and ``year-end`` do the same at the ends of
  quarters or years only; (``settlement``): one entry on the day it is settled, or at the as-of
  date while it is still open. Only dates up to the as-of date count.
"""

from __future__ import annotations

from beancount_ar.core.interest import (
    NOTHING,
    Charge,
    ItemPenalties,
    Segment,
    charge_dates,
    interest_segments,
    item_penalties,
    month_ends,
)
from beancount_ar.core.penalty_assessment import (
    Assessment,
    ItemCharge,
    assess,
    dispute_spans,
    may_shift_allocations,
    penalties_to_date,
    penalty_base,
)
from beancount_ar.core.penalty_config import (
    CONTRACT,
    EUR_INDEMNITY,
    HALF_YEARLY,
    META_GRACE,
    META_INDEMNITY,
    META_RATE,
    META_WAIVE,
    MONTH_END,
    OVERRIDE_KEYS,
    PER_DEBT,
    PERIOD_MONTHS,
    QUARTER_END,
    REGIMES,
    SCHEDULES,
    SETTLEMENT,
    UK_BANDS,
    UK_TOP,
    YEAR_END,
    PenaltyConfig,
    Policy,
    Regime,
    apply_overrides,
    base_policy,
    indemnity_for,
    parse_amount,
    parse_penalty_config,
)
from beancount_ar.core.penalty_rates import Missing, Quote, Rates

__all__ = [
    "CONTRACT", "HALF_YEARLY", "MONTH_END", "META_GRACE", "META_INDEMNITY", "META_RATE",
    "META_WAIVE", "OVERRIDE_KEYS", "PER_DEBT", "PERIOD_MONTHS", "QUARTER_END", "REGIMES",
    "SCHEDULES", "SETTLEMENT", "YEAR_END",
    "Assessment", "Charge", "ItemCharge", "ItemPenalties", "Missing", "PenaltyConfig", "Policy",
    "Quote", "Rates", "Regime", "Segment", "apply_overrides", "assess", "base_policy",
    "charge_dates", "dispute_spans", "indemnity_for", "NOTHING", "EUR_INDEMNITY", "UK_BANDS",
    "UK_TOP", "penalty_base", "interest_segments", "item_penalties",
    "may_shift_allocations", "month_ends", "parse_amount", "parse_penalty_config",
    "penalties_to_date",
]
