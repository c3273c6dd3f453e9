"""The penalties plugin: charges late-payment interest and the recovery indemnity on late invoices.

    plugin "beancount_ar" "{'default_terms': '30 jours'}"
    plugin "beancount_ar.penalties" "{'regime': 'FR', 'account': 'Income:Penalties'}"

    2025-01-01 open Income:Penalties   EUR      ; PCG 7631

For every invoice (or instalment) paid late, or still open past its due date, it adds
transactions tagged ``#ar-penalty`` and linked to the invoice, dated at each month end while the
item is overdue and on the day it is settled, that debit the customer's receivable and credit
the configured income account; their narration says how the amount was computed:

    2025-06-30 * "Dupont" "Late-payment penalties on F-1: interest 10000.00 EUR x 13.15 % (ECB
    3.15 + 10) x 10/365 (2025-06-21..2025-06-30) = 36.03 EUR; recovery indemnity 40.00 EUR"
      #ar-penalty ^F-1
      instalment: 1
      Assets:Receivable:Dupont   76.03 EUR
        invoice: "F-1"
      Income:Penalties          -76.03 EUR

Penalties already charged on the invoice (transactions with the same tag and link, booked by
hand or written out from an earlier load) count: only what is missing is added, so loading twice,
or loading the generated entries written out as text, never charges twice. Payments naming an
invoice also pay its penalties, so the customers whose matching the new entries may change are
settled again with them until nothing changes; the invoice plugin leaves overpayments to this
plugin, which reports them once the penalties exist. The rules are in
`beancount_ar.core.penalties` (and the rate tables in `beancount_ar.core.rates`); this module
reads the entries, calls them, and writes the entries. See docs/penalties.md.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount

from beancount_ar.core.allocation import Settlement, settle
from beancount_ar.core.book import Book, read_book
from beancount_ar.core.config import ArConfig, config_from_options
from beancount_ar.core.errors import ARError, ConfigError, OverpaymentError
from beancount_ar.core.model import PENALTY_TAG, Customer, Item
from beancount_ar.core.penalties import (
    OVERRIDE_KEYS,
    ItemCharge,
    PenaltyConfig,
    Policy,
    Rates,
    apply_overrides,
    assess,
    base_policy,
    may_shift_allocations,
    parse_penalty_config,
)
from beancount_ar.core.rates import (
    RATE_DIRECTIVE,
    STEP,
    RateError,
    RateTable,
    extend_tables,
    read_rate_directive,
    shipped_tables,
)
from beancount_ar.core.report import penalties_posted
from beancount_ar.plugins.common import GENERATED, guarded, plugin_source

MODULE = "beancount_ar.penalties"
CORE_MODULE = "beancount_ar"
MAX_ROUNDS = 20
GENERATED_KIND = "penalty"  # the `ar_generated` metadata of the entries this plugin adds


# -- reading the ledger ----------------------------------------------------------------------


class _Policies:
    """Each item's policy: the configuration, its account's ``open`` overrides, its invoice's.

    Problems in override metadata are reported once, at the entry that has them."""

    def __init__(self, config: PenaltyConfig, opens: Mapping[str, data.Open]) -> None:
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
            self.errors.extend(ARError(entry.meta, p, entry) for p in problems)
            self.accounts[account] = policy
        return policy

    def invoice(self, entry: Any, account: str) -> Policy:
        policy = self.invoices.get(id(entry))
        if policy is None:
            meta = entry.meta or {}
            customer = self.account(account)
            if any(key in meta for key in OVERRIDE_KEYS):
                policy, problems = apply_overrides(customer, meta, str(meta.get("invoice")))
                self.errors.extend(ARError(entry.meta, p, entry) for p in problems)
            else:
                policy = customer
            self.invoices[id(entry)] = policy
        return policy

    def of(self, book: Book) -> Any:
        def policy_of(item: Item) -> Policy:
            account = book.customers[item.customer].account
            if item.entry is None:
                return self.account(account)
            return self.invoice(item.entry, account)
        return policy_of


def _receivable(account: str, root: str) -> bool:
    return account == root or account.startswith(root + ":")


# -- writing entries -------------------------------------------------------------------------


WORDS = {
    "en": {"none": "no new late days", "interest": "interest", "to_date": "to date less",
           "charged": "charged", "indemnity": "recovery indemnity",
           "penalties": "Late-payment penalties", "only_interest": "Late-payment interest",
           "on": "on", "settled": "settled"},
    "fr": {"none": "aucun nouveau jour de retard", "interest": "intérêts",
           "to_date": "à ce jour moins", "charged": "déjà facturés",
           "indemnity": "indemnité forfaitaire pour frais de recouvrement",
           "penalties": "Pénalités de retard", "only_interest": "Intérêts de retard",
           "on": "sur", "settled": "réglée le"},
}


def narration(charge: ItemCharge, language: str = "en") -> str:
    """How the charge was computed: base x rate x days for each run of days, and the totals,
    in English or French."""
    words = WORDS.get(language, WORDS["en"])
    item, c = charge.item, charge.charge
    cur = item.currency
    parts = []
    if c.interest > 0 or c.segments:
        segments = " + ".join(seg.describe(cur) for seg in c.segments) or words["none"]
        text = f"{words['interest']} {segments}"
        if c.charged_before:
            text += (f"; {c.interest_to_date} {cur} {words['to_date']} {c.charged_before} {cur} "
                     f"{words['charged']} = {c.interest} {cur}")
        else:
            text += f" = {c.interest} {cur}"
        parts.append(text)
    if c.indemnity > 0:
        parts.append(f"{words['indemnity']} {c.indemnity} {cur}")
    what = words["penalties"] if c.indemnity > 0 else words["only_interest"]
    settled = f", {words['settled']} {c.date}" if c.settled else ""
    return f"{what} {words['on']} {item.label}{settled}: {'; '.join(parts)}"


def _lineno(item: Item) -> int:
    """The line number of a charge's entry: its invoice's, so entries sort the same way in the
    plugin's settlements and in the loaded ledger."""
    lineno = item.entry.meta.get("lineno") if item.entry is not None else None
    return lineno if isinstance(lineno, int) else 0


def penalty_entry(charge: ItemCharge, customer: Customer, config: PenaltyConfig) -> Any:
    """The transaction that books one charge."""
    item, c = charge.item, charge.charge
    meta = data.new_metadata(GENERATED, _lineno(item), {
        "ar_generated": GENERATED_KIND,
        "instalment": Decimal(item.part),  # a Decimal: Beancount's printer writes no int
    })
    cur = item.currency
    posting_meta: dict[str, Any] = {"invoice": item.invoice}
    if customer.shared:
        posting_meta["customer"] = customer.name
    postings = [data.Posting(customer.account, Amount(c.amount, cur), None, None, None,
                             posting_meta)]
    if config.indemnity_account and c.indemnity > 0:
        if c.interest > 0:
            postings.append(data.Posting(config.account, Amount(-c.interest, cur),
                                         None, None, None, None))
        postings.append(data.Posting(config.indemnity_account, Amount(-c.indemnity, cur),
                                     None, None, None, None))
    else:
        postings.append(data.Posting(config.account, Amount(-c.amount, cur),
                                     None, None, None, None))
    payee = item.entry.payee if item.entry is not None and item.entry.payee else customer.name
    return data.Transaction(meta, c.date, "*", payee, narration(charge, config.language),
                            frozenset({PENALTY_TAG}), frozenset({item.invoice}), postings)


# -- the plugin ------------------------------------------------------------------------------


def _core_before(options_map: Mapping[str, Any]) -> bool:
    names = [name for name, _ in options_map.get("plugin") or ()]
    return CORE_MODULE in names and MODULE in names and \
        names.index(CORE_MODULE) < names.index(MODULE)


def _rate_tables(entries: Iterable[Any], config: PenaltyConfig,
                 errors: list) -> dict[str, RateTable]:
    known: dict[str, RateTable] = dict(shipped_tables())
    if config.reference and config.reference not in known:
        known[config.reference] = RateTable(config.reference, STEP, (), (), "from the ledger")
    rows = []
    for entry in entries:
        if isinstance(entry, data.Custom) and entry.type == RATE_DIRECTIVE:
            try:
                rows.append(read_rate_directive(entry.date, entry.values, known))
            except RateError as exc:
                errors.append(ARError(entry.meta, str(exc), entry))
    return extend_tables(known, rows)


class _Run:
    """One run of the plugin over a ledger."""

    def __init__(self, entries: list, ar_config: ArConfig, config: PenaltyConfig,
                 rates: Rates, policies: _Policies, as_of: datetime.date,
                 allowed: set[str] | None = None) -> None:
        self.entries = entries
        self.allowed = allowed  # the currencies the income accounts accept (None: any)
        self.refused: set[str] = set()
        self.ar_config = ar_config
        self.config = config
        self.rates = rates
        self.policies = policies
        self.as_of = as_of
        self.memo: dict[tuple, Any] = {}  # item_penalties results, shared by the rounds
        self.common: list[int] = []  # positions of the opens and custom directives
        self.by_account: dict[str, list[int]] = {}  # positions of each account's transactions
        root = ar_config.receivable_root
        for position, entry in enumerate(entries):
            if isinstance(entry, (data.Open, data.Custom)):
                self.common.append(position)
            elif isinstance(entry, data.Transaction):
                for account in {p.account for p in entry.postings
                                if _receivable(p.account, root)}:
                    self.by_account.setdefault(account, []).append(position)

    def settle(self, accounts: set[str], extra: Sequence[Any] = ()) -> Settlement:
        """The settlement of `accounts` (their customers' matching does not depend on others)."""
        positions = set(self.common)
        for account in accounts:
            positions.update(self.by_account.get(account, ()))
        subset = [self.entries[i] for i in sorted(positions)]
        if extra:
            subset.extend(extra)
            subset.sort(key=data.entry_sortkey)
        book, _ = read_book(subset, self.ar_config)  # the invoice plugin reports its errors
        return settle(book, self.as_of)

    def assess(self, settlement: Settlement, posted: Mapping,
               accounts: set[str]) -> dict[str, tuple[list[ItemCharge], Book]]:
        customers = {key for key, c in settlement.book.customers.items() if c.account in accounts}
        result = assess(settlement, self.as_of, self.config, self.rates,
                        self.policies.of(settlement.book), posted, customers, self.memo)
        self.missing.extend(result.missing)
        self.currencies |= result.no_indemnity_in
        book = settlement.book
        out: dict[str, tuple[list[ItemCharge], Book]] = {}
        for charge in result.charges:
            if self.allowed is not None and charge.item.currency not in self.allowed:
                self.refused.add(charge.item.currency)
                continue
            account = book.customers[charge.item.customer].account
            out.setdefault(account, ([], book))[0].append(charge)
        return out

    def entries_for(self, charges: Sequence[ItemCharge], book: Book) -> list:
        """The entries that book `charges` (of customers of `book`)."""
        return [penalty_entry(c, book.customers[c.item.customer], self.config) for c in charges]

    def may_shift(self, settlement: Settlement, before: Mapping[str, tuple],
                  after: Mapping[str, tuple]) -> set[str]:
        """Accounts whose matching may change when the charges in `settlement` (`before`, by
        account) are replaced by `after`: a charge that is new may take money from credits; one
        that goes away may give some back, if a credit paid it."""
        removed: set[tuple] = set()
        for charges, _ in before.values():
            removed.update(_key(charges))
        for charges, _ in after.values():
            removed.difference_update(_key(charges))
        accounts: set[str] = set()
        if removed:
            for allocation in settlement.allocations:
                item = allocation.item
                entry = item.entry
                if entry is not None and entry.meta.get("filename") == GENERATED and (
                        item.invoice, int(entry.meta.get("instalment", 1)), item.date,
                        item.amount) in removed:
                    accounts.add(settlement.book.customers[item.customer].account)
        kept = {key for charges, _ in before.values() for key in _key(charges)}
        new: dict[str, list] = {}
        for charges, _ in after.values():
            for charge in charges:
                key = (charge.item.invoice, charge.item.part, charge.charge.date,
                       charge.charge.amount)
                if key not in kept:
                    new.setdefault(charge.item.customer, []).append(
                        (charge.item.currency, charge.charge.date, charge.item.invoice))
        book = settlement.book
        accounts.update(book.customers[c].account for c in may_shift_allocations(settlement, new))
        return accounts

    def stand_in(self, charge: ItemCharge, book: Book) -> Any:
        """What settling needs of a charge's entry (made without its narration)."""
        item = charge.item
        customer = book.customers[item.customer]
        meta = data.new_metadata(GENERATED, _lineno(item), {"instalment": Decimal(item.part)})
        amount = Amount(charge.charge.amount, item.currency)
        posting_meta = {"customer": customer.name} if customer.shared else None
        return data.Transaction(meta, charge.charge.date, "*", None, "", frozenset({PENALTY_TAG}),
                                frozenset({item.invoice}), [
                                    data.Posting(customer.account, amount, None, None, None,
                                                 posting_meta)])

    def overpayments(self, settlement: Settlement, accounts: set[str]) -> None:
        """Keep the overpayments of `accounts` found by `settlement` (the latest of them)."""
        for account in accounts:
            self.overpaid[account] = []
        root = self.ar_config.receivable_root
        for error in settlement.errors:
            if isinstance(error, OverpaymentError) and error.entry is not None:
                for posting in error.entry.postings:
                    if posting.account in accounts and _receivable(posting.account, root):
                        self.overpaid[posting.account].append(error)
                        break

    def run(self) -> tuple[list, list[str], list[str], list[str]]:
        """The entries to add, the missing rates, the currencies that got no indemnity, and
        problems (overpayments are in `overpaid` afterwards)."""
        self.missing: list = []
        self.currencies: set[str] = set()
        self.overpaid: dict[str, list] = {}
        accounts = set(self.by_account)
        settlement = self.settle(accounts)
        self.overpayments(settlement, accounts)
        posted = penalties_posted(settlement)  # booked by hand or written out earlier
        charges = self.assess(settlement, posted, accounts)
        # Penalty items take part in matching (a payment naming an invoice also pays its
        # penalties): settle again, with the new entries in, the customers where they may change
        # what credits do, until nothing changes (a fixed point; each round fixes later dates).
        pending = self.may_shift(settlement, {}, charges)
        problems: list[str] = []
        rounds = 0
        while pending:
            rounds += 1
            if rounds > MAX_ROUNDS:
                problems.append(f"{MODULE}: penalties of {', '.join(sorted(pending))} did not "
                                f"settle after {MAX_ROUNDS} rounds; please report this")
                break
            extra = [self.stand_in(charge, charges[account][1]) for account in sorted(pending)
                     if account in charges for charge in charges[account][0]]
            again = self.settle(pending, extra)
            self.overpayments(again, pending)
            fresh = self.assess(again, posted, pending)
            before = {account: charges[account] for account in pending if account in charges}
            changed = {account for account in pending if _key(before.get(account, ([],))[0])
                       != _key(fresh.get(account, ([],))[0])}
            for account in changed:
                if account in fresh:
                    charges[account] = fresh[account]
                else:
                    charges.pop(account, None)
            # `again` holds the charges of `before`: settle again only where going from them to
            # the new ones may change what credits do.
            pending = self.may_shift(again, {a: before[a] for a in changed if a in before},
                                     {a: charges[a] for a in changed if a in charges})
        out = [entry for account in sorted(charges)
               for entry in self.entries_for(*charges[account])]
        unique = {(m.table, m.day): m for m in self.missing}
        return out, [unique[k].message for k in sorted(unique)], sorted(self.currencies), problems


def _key(charges: Sequence[ItemCharge]) -> tuple:
    return tuple((c.item.invoice, c.item.part, c.charge.date, c.charge.amount) for c in charges)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pause Python's cycle collector: the plugin allocates many small acyclic objects, and each
    collection walks the whole ledger in memory (about a third of the plugin's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _ar_penalties(entries: list, options_map: dict[str, Any], config_text: str | None = None):
    with _no_gc():
        return _penalties(entries, options_map, config_text)


def _penalties(entries: list, options_map: dict[str, Any], config_text: str | None):
    source = plugin_source(options_map, MODULE)
    config, problems = parse_penalty_config(config_text)
    errors: list = [ConfigError(source, message, None) for message in problems]
    if config is None:
        return entries, errors + overpayments(entries, options_map)
    if not _core_before(options_map):
        errors.append(ConfigError(source, f"{MODULE}: place this plugin after plugin "
                                          f"\"{CORE_MODULE}\" (it reads the invoices that plugin "
                                          "validates and annotates)", None))
    opens = {e.account: e for e in entries if isinstance(e, data.Open)}
    for account in (config.account, config.indemnity_account):
        if account and account not in opens:
            errors.append(ConfigError(source, f"{MODULE}: the account {account} is not open; "
                                              f"add e.g. '2000-01-01 open {account}' to the "
                                              "ledger", None))
            return entries, errors + overpayments(entries, options_map)
    allowed: set[str] | None = None
    for account in (config.account, config.indemnity_account):
        currencies = opens[account].currencies if account else None
        if currencies:
            allowed = set(currencies) if allowed is None else allowed & set(currencies)
    tables = _rate_tables(entries, config, errors)
    ar_config, _ = config_from_options(options_map)
    as_of = config.as_of or datetime.date.today()
    policies = _Policies(config, opens)
    for account in opens:
        if _receivable(account, ar_config.receivable_root):
            policies.account(account)  # reports bad overrides on any customer's open
    run = _Run(entries, ar_config, config, Rates(config, tables), policies, as_of, allowed)
    added, missing, currencies, problems = run.run()
    for currency in sorted(run.refused):
        errors.append(ConfigError(
            source, f"{MODULE}: late invoices in {currency} get no penalties: "
                    f"{config.account} accepts only {', '.join(sorted(allowed or ()))}; add "
                    f"{currency} to its open directive, or waive those customers with "
                    "penalties: FALSE on their open", None))
    errors.extend(policies.errors)
    errors.extend(ConfigError(source, f"{MODULE}: {message}", None) for message in missing)
    for currency in currencies:
        if currency in run.refused:
            continue
        fee = "40/70/100 GBP" if config.regime_rules.indemnity == "GBP" else "40 EUR"
        errors.append(ConfigError(
            source, f"{MODULE}: late invoices in {currency} get no recovery indemnity (the "
                    f"{config.regime} regime's is {fee}); give their customers' open "
                    f"penalty_indemnity: 0 (none) or an amount in {currency}, e.g. "
                    f"penalty_indemnity: 40.00 {currency}, or set 'indemnity' in the "
                    "configuration", None))
    errors.extend(ARError(source, problem, None) for problem in problems)
    errors.extend(error for account in sorted(run.overpaid) for error in run.overpaid[account])
    return entries + added, errors


def overpayments(entries: list, options_map: dict[str, Any]) -> list:
    """The overpayments of the ledger as it is (when no penalties can be computed): the invoice
    plugin leaves them to this plugin, since charges it adds may absorb them."""
    ar_config, _ = config_from_options(options_map)
    book, _ = read_book(entries, ar_config)
    return [e for e in settle(book).errors if isinstance(e, OverpaymentError)]


ar_penalties = guarded(MODULE, _ar_penalties)
