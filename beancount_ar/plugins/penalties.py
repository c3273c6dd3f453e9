"""The penalties plugin: charges late-payment interest and the recovery indemnity on late invoices.

    plugin "beancount_ar" "{'default_terms': '30 jours'}"
    plugin "beancount_ar.penalties" "{'regime': 'FR', 'account': 'Income:Penalties'}"

    2025-01-01 open Income:Penalties   EUR      ; PCG 7631

For every invoice (or instalment) paid late, or still open past its due date, it adds
transactions tagged ``#ar-penalty`` and linked to the invoice, dated at each month end while the
item is overdue and on the day it is settled (or at quarter or year ends only, or only when it
is settled: the ``schedule`` setting), that debit the customer's receivable and credit
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
settled again with them until nothing changes (`beancount_ar.core.penalty_run`); the invoice
plugin leaves overpayments to this plugin, which reports them once the penalties exist. The
rules are in the core (`beancount_ar.core.penalties` lists the modules, the rate tables are in
`beancount_ar.core.rates`); this module reads the configuration, runs the core, writes the
entries and the errors, and keeps Beancount's load cache to the day when the as-of date is
today (`DatedPath`). See docs/penalties.md.
"""

from __future__ import annotations

import datetime
import functools
import re
import string
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
from beancount.core import data
from beancount.core.amount import Amount

from beancount_ar.core.allocation import settle
from beancount_ar.core.book import read_book
from beancount_ar.core.config import config_from_options
from beancount_ar.core.errors import ARError, ConfigError, OverpaymentError
from beancount_ar.core.model import PENALTY_TAG, Customer
from beancount_ar.core.penalty_assessment import ItemCharge
from beancount_ar.core.penalty_config import PenaltyConfig, Policies, parse_penalty_config
from beancount_ar.core.penalty_rates import Rates
from beancount_ar.core.penalty_run import PenaltyRun, entry_lineno, invoice_links, receivable
from beancount_ar.core.rates import tables_from_entries
from beancount_ar.i18n import translator
from beancount_ar.plugins.common import GENERATED, guarded, plugin_source

MODULE = "beancount_ar.penalties"
CORE_MODULE = "beancount_ar"
GENERATED_KIND = "penalty"  # the `ar_generated` metadata of the entries this plugin adds


# -- writing entries -------------------------------------------------------------------------


@functools.cache
def _symbols(locale: str) -> tuple[str, str, str]:
    """The decimal, group and minus symbols of a locale (Babel's, read once)."""
    return get_decimal_symbol(locale), get_group_symbol(locale), get_minus_sign_symbol(locale)


@functools.cache
def _numbers(language: str) -> Callable[[Any], str]:
    """Numbers as the narration's language writes them: 3408.00 / 3 408,00 (Babel's symbols),
    with the decimals the value has. The same text as Babel's ``format_decimal`` with the
    pattern ``#,##0.00`` (as many zeros as the value has decimals), made by Python's own
    formatting: Babel's took most of the plugin's time."""
    decimal_symbol, group, minus = _symbols("fr_FR" if language == "fr" else "en_GB")
    table = str.maketrans({",": group, ".": decimal_symbol, "-": minus})
    same = (decimal_symbol, group, minus) == (".", ",", "-")  # Python's own: nothing to swap
    # Swapping one symbol after the other gives what `translate` gives (four times faster)
    # unless a symbol put in is one still to be swapped.
    in_turn = "." not in group and "-" not in group + decimal_symbol

    def number(value: Any) -> str:
        if not isinstance(value, Decimal):
            return str(value)
        text = format(value, ",f")  # "f": the decimals the value has
        if same:
            return text
        if in_turn:
            text = text.replace(",", group).replace(".", decimal_symbol)
            return text if minus == "-" else text.replace("-", minus)
        return text.translate(table)

    return number


def _positional(message: str, names: tuple[str, ...]) -> str:
    """`message` (a translated ``str.format`` message with named fields) with each field
    numbered by its place in `names`: filled with positional arguments, about twice as fast as
    with keywords. A field the message leaves out is an argument it ignores."""
    pieces = []
    for literal, field, spec, conversion in string.Formatter().parse(message):
        pieces.append(literal.replace("{", "{{").replace("}", "}}"))
        if field is not None:
            pieces.append("{" + str(names.index(field)) + (f"!{conversion}" if conversion else "")
                          + (f":{spec}" if spec else "") + "}")
    return "".join(pieces)


@functools.lru_cache(maxsize=256)
def _label(label: str, language: str) -> str:
    """A rate's label ("ECB 3.15 + 10") in the narration's language ("BCE 3,15 + 10")."""
    if language != "fr":
        return label
    return re.sub(r"(\d)\.(\d)", r"\1,\2", label).replace("ECB", "BCE")


@functools.lru_cache(maxsize=4096)
def _day(day: datetime.date, language: str) -> str:
    """A day as the narration's language writes it (Babel's short French date, read once per
    day: month ends recur in every entry)."""
    return format_date(day, "short", locale="fr_FR") if language == "fr" else day.isoformat()


class _Narration:
    """The narration's messages in one language, translated once (`beancount_ar.i18n`, the
    gettext catalogs): the plugin writes the same dozen messages in every entry, so each is
    looked up once and filled with ``str.format`` - the text `Translator` gives, without a
    call per piece."""

    def __init__(self, language: str) -> None:
        t: Callable[..., str] = translator(language)
        self.language = language
        self.number = _numbers(language)
        self.span = _positional(t("{first} to {last}"), ("first", "last"))
        segment = ("base", "currency", "rate", "label", "days", "year", "span")
        self.labelled = _positional(
            t("{base} {currency} x {rate} % ({label}) x {days}/{year} ({span})"), segment)
        self.plain = _positional(t("{base} {currency} x {rate} % x {days}/{year} ({span})"),
                                 segment)
        self.none = t("no new late days")
        totals = ("segments", "to_date", "charged", "interest", "currency")
        self.less = _positional(t("interest {segments}; {to_date} {currency} to date less "
                                  "{charged} {currency} charged = {interest} {currency}"), totals)
        self.interest = _positional(t("interest {segments} = {interest} {currency}"), totals)
        self.indemnity = _positional(t("recovery indemnity {amount} {currency}"),
                                     ("amount", "currency"))
        head = ("item", "date")
        self.penalties_settled = _positional(t("Late-payment penalties on {item}, settled "
                                               "{date}"), head)
        self.penalties = _positional(t("Late-payment penalties on {item}"), head)
        self.interest_settled = _positional(t("Late-payment interest on {item}, settled {date}"),
                                            head)
        self.interest_only = _positional(t("Late-payment interest on {item}"), head)
        self.whole = _positional(t("{head}: {parts}"), ("head", "parts"))
        self.separator = t("; ")

    def __call__(self, charge: ItemCharge) -> str:
        language, number = self.language, self.number
        item, c = charge.item, charge.charge
        cur = item.currency
        pieces = []
        for seg in c.segments:
            days = seg.days
            span = (_day(seg.first, language) if days == 1 else
                    self.span.format(_day(seg.first, language), _day(seg.last, language)))
            # (a message without the label ignores that argument)
            pieces.append((self.labelled if seg.label else self.plain).format(
                number(seg.base), cur, number(seg.rate), _label(seg.label, language), days,
                seg.year_days, span))
        parts = []
        if c.interest > 0 or c.segments:
            segments = " + ".join(pieces) or self.none
            if c.charged_before:
                parts.append(self.less.format(segments, number(c.interest_to_date),
                                              number(c.charged_before), number(c.interest), cur))
            else:
                parts.append(self.interest.format(segments, None, None, number(c.interest),
                                                  cur))
        if c.indemnity > 0:
            parts.append(self.indemnity.format(number(c.indemnity), cur))
            head = self.penalties_settled if c.settled else self.penalties
        else:
            head = self.interest_settled if c.settled else self.interest_only
        return self.whole.format(head.format(item.label, _day(c.date, language)),
                                 self.separator.join(parts))


@functools.cache
def _narration(language: str) -> _Narration:
    return _Narration(language)


def narration(charge: ItemCharge, language: str = "en") -> str:
    """How the charge was computed: base x rate x days for each run of days, and the totals,
    in the ledger's language (the gettext catalogs of `beancount_ar.i18n`), numbers and dates
    written as that language writes them."""
    return _narration(language)(charge)


def penalty_entry(charge: ItemCharge, customer: Customer, config: PenaltyConfig
                  ) -> data.Transaction:
    """The transaction that books one charge."""
    item, c = charge.item, charge.charge
    meta = data.new_metadata(GENERATED, entry_lineno(item), {
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
                            frozenset({PENALTY_TAG}), invoice_links(item), postings)


# -- the plugin ------------------------------------------------------------------------------


def _core_before(options_map: Mapping[str, Any]) -> bool:
    names = [name for name, _ in options_map.get("plugin") or ()]
    return CORE_MODULE in names and MODULE in names and \
        names.index(CORE_MODULE) < names.index(MODULE)


def _penalties(entries: list[data.Directive], options_map: dict[str, Any],
               config_text: str | None) -> tuple[list[data.Directive], list[Any]]:
    source = plugin_source(options_map, MODULE)
    config, problems = parse_penalty_config(config_text)
    errors: list[Any] = [ConfigError(source, message, None) for message in problems]
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
        accepted = opens[account].currencies if account else None
        if accepted:
            allowed = set(accepted) if allowed is None else allowed & set(accepted)
    tables, rate_problems = tables_from_entries(entries, [config.reference or ""])
    errors.extend(ARError(entry.meta, message, entry) for entry, message in rate_problems)
    ar_config, _ = config_from_options(options_map)
    as_of = config.as_of or today()
    if config.as_of is None:
        date_the_cache(options_map)
    policies = Policies(config, opens)
    for account in opens:
        if receivable(account, ar_config.receivable_root):
            policies.account(account)  # reports bad overrides on any customer's open
    run = PenaltyRun(entries, ar_config, config, Rates(config, tables), policies, as_of, allowed)
    result = run.run()
    added = [penalty_entry(charge, result.customers[charge.item.customer], config)
             for charges in result.charges.values() for charge in charges]
    missing = [m.message for m in result.missing]
    no_indemnity_in, run_problems = result.no_indemnity_in, result.problems
    for currency in sorted(run.refused):
        errors.append(ConfigError(
            source, f"{MODULE}: late invoices in {currency} get no penalties: "
                    f"{config.account} accepts only {', '.join(sorted(allowed or ()))}; add "
                    f"{currency} to its open directive, or waive those customers with "
                    "penalties: FALSE on their open", None))
    errors.extend(policies.errors)
    errors.extend(ConfigError(source, f"{MODULE}: {message}", None) for message in missing)
    for currency in no_indemnity_in:
        if currency in run.refused:
            continue
        fee = "40/70/100 GBP" if config.regime_rules.indemnity == "GBP" else "40 EUR"
        errors.append(ConfigError(
            source, f"{MODULE}: late invoices in {currency} get no recovery indemnity (the "
                    f"{config.regime} regime's is {fee}); give their customers' open "
                    f"penalty_indemnity: 0 (none) or an amount in {currency}, e.g. "
                    f"penalty_indemnity: 40.00 {currency}, or set 'indemnity' in the "
                    "configuration", None))
    errors.extend(ARError(source, problem, None) for problem in run_problems)
    errors.extend(error for account in sorted(run.overpaid) for error in run.overpaid[account])
    return entries + added, errors


# -- Beancount's load cache ------------------------------------------------------------------


def today() -> datetime.date:
    """Today: the as-of date of a plugin configured without 'as_of' (one place, for tests)."""
    return datetime.date.today()


class DatedPath(str):
    """A ledger file name that, for Beancount's load cache, is also today's date.

    bean-check, bean-query and bean-ar reuse a pickled load while the ledger's files are
    unchanged: `beancount.loader.needs_refresh` compares a hash of the names (``.encode()``)
    and the times of the files listed in ``options_map["include"]`` with the one stored with
    the load. When the plugin computes penalties as of today, it puts the top-level file name
    there as a DatedPath, whose ``encode`` adds the date of the day it is called: the stored
    hash then holds only on the day of the load, and a later day loads the ledger afresh.
    Everywhere else (``os.stat``, Fava's file watcher, file lists) it is the plain file name.
    """

    __slots__ = ()

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        return str.encode(self, encoding, errors) + f"\0as-of {today()}".encode()

    def __reduce__(self) -> tuple[type[DatedPath], tuple[str]]:
        return (DatedPath, (str(self),))


def date_the_cache(options_map: dict[str, Any]) -> None:
    """Make Beancount's load cache of this ledger valid only today (see DatedPath)."""
    include = options_map.get("include")
    if isinstance(include, list) and include and not isinstance(include[0], DatedPath):
        include[0] = DatedPath(include[0])


def overpayments(entries: list[data.Directive], options_map: dict[str, Any]
                 ) -> list[ARError]:
    """The overpayments of the ledger as it is (when no penalties can be computed): the invoice
    plugin leaves them to this plugin, since charges it adds may absorb them."""
    ar_config, _ = config_from_options(options_map)
    book, _ = read_book(entries, ar_config)
    return [e for e in settle(book).errors if isinstance(e, OverpaymentError)]


ar_penalties = guarded(MODULE, _penalties)  # guarded pauses the GC (plugins.common.no_gc)
