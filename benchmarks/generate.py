"""Synthetic receivables ledgers for benchmarking the invoice plugin, deterministic for a seed.

    python benchmarks/generate.py --invoices 10000 --customers 300 --out /tmp/ar.beancount
    python benchmarks/generate.py --invoices 10000 --customers 300 --out b.beancount --no-plugin

writes one self-contained ledger: options, the chart of accounts, one receivable account per
customer (with ``customer``, ``email``, ``language``, ``terms``, ``credit_limit`` metadata; a
shared ``Assets:Receivable:Divers`` for walk-in customers) and, over several years, invoices and
what settles them, in a realistic mix (about two transactions per invoice)::

    2025-01-15 * "Boulangerie Dupont SARL" "Facture F-2025-000123" ^F-2025-000123
      invoice: "F-2025-000123"
      Assets:Receivable:Dupont0001     1200.00 EUR
      Income:Sales                    -1000.00 EUR
      Liabilities:VAT:Collected        -200.00 EUR

    2025-02-14 * "Boulangerie Dupont SARL" "Virement F-2025-000123" ^F-2025-000123
      Assets:Bank:EUR                  1200.00 EUR
      Assets:Receivable:Dupont0001    -1200.00 EUR

- invoices: the customer's terms (``30 jours``, ``45 jours fin de mois``, ``2/10 net 30``,
  ``30 % à la commande ; 70 % 30 jours fin de mois``...), some with their own ``terms:`` or an
  explicit ``due:``;
- payments, mostly linked to their invoice; grouped payments naming several invoices in
  ``invoice:`` posting metadata; unreferenced payments (for the customers who never quote an
  invoice number, paid in due order so that oldest-first matching lands on the right invoice);
  partial payments; early-payment discounts taken inside the window, booked by the payment
  itself or left for the plugin to post;
- credit notes (about 3 %), a few write-offs, old invoices never paid, and the invoices of the
  last weeks still open.

Due dates and discounts come from `beancount_ar.core.terms`, so the ledger loads with the plugin
without errors. `generate` returns the text; tests can import it (``benchmarks`` is a package).
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import math
import random
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `beancount_ar` importable from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from beancount_ar.core.terms import Terms, parse_terms  # noqa: E402

CENT = Decimal("0.01")
ZERO = Decimal(0)
VAT_RATE = Decimal("0.20")
END = datetime.date(2026, 11, 20)  # the last day with entries (the "today" of the project)
YEARS = 4
ROOT = "Assets:Receivable"
SHARED_ACCOUNT = f"{ROOT}:Divers"
DISCOUNT_ACCOUNT = "Expenses:Discounts"
WRITEOFF_ACCOUNT = "Expenses:BadDebts"
PLUGIN_CONFIG = (f"{{'default_terms': 'net 30', 'discount_account': '{DISCOUNT_ACCOUNT}', "
                 f"'writeoff_account': '{WRITEOFF_ACCOUNT}'}}")
PLUGIN_LINE = f'plugin "beancount_ar" "{PLUGIN_CONFIG}"'

# (terms, weight): customers' terms, French customers (EUR). None: the plugin's default terms.
EUR_TERMS: tuple[tuple[str | None, int], ...] = (
    ("30 jours", 26),
    ("45 jours fin de mois", 18),
    ("net 30", 8),
    ("60 jours", 6),
    ("2/10 net 30", 10),
    ("escompte 2 % 10 jours, 30 jours", 3),
    ("30 % à la commande ; 70 % 30 jours fin de mois", 6),
    ("30 jours fin de mois le 10", 5),
    ("fin de mois + 45", 3),
    ("à réception", 4),
    ("le 10 du mois suivant", 3),
    (None, 8),
)
USD_TERMS: tuple[tuple[str | None, int], ...] = (
    ("net 30", 40),
    ("2/10 net 30", 20),
    ("net 30 EOM", 15),
    ("10th prox", 10),
    ("30% on receipt; 70% net 30 EOM", 10),
    ("due on receipt", 5),
)
# Terms an invoice may carry itself, overriding its customer's.
INVOICE_TERMS = ("à réception", "net 15", "30 jours", "45 jours fin de mois", "2/10 net 30",
                 "30 % à la commande ; 70 % 30 jours fin de mois",
                 "500 à réception ; solde 60 jours")

TRADES = ("Boulangerie", "Garage", "Cabinet", "Pharmacie", "Librairie", "Hôtel", "Restaurant",
          "Atelier", "Menuiserie", "Imprimerie", "Fromagerie", "Clinique", "Agence", "Studio",
          "Brasserie", "Domaine", "Laboratoire", "Transports", "Bureau d'études", "Camping")
NAMES = ("Dupont", "Martin", "Bernard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
         "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent",
         "Fournier", "Morel", "Girard", "André", "Mercier", "Blanc", "Guérin", "Boyer",
         "Chevalier", "Faure", "Rousseau", "Lambert", "Bonnet", "François", "Muller", "Legrand")
FORMS = ("SARL", "SAS", "SA", "EURL", "& Fils", "SCI", "")
US_NAMES = ("Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay",
            "Wonka", "Cyberdyne", "Soylent", "Tyrell")
CITIES = ("69003 Lyon", "75011 Paris", "13006 Marseille", "33000 Bordeaux", "31000 Toulouse",
          "44000 Nantes", "67000 Strasbourg", "59000 Lille", "35000 Rennes", "06000 Nice")
WALK_IN = tuple(f"{first} {last}" for first in ("Jean", "Marie", "Luc", "Anne", "Paul", "Claire",
                                                 "Hugo", "Léa") for last in NAMES[:8])


@dataclass
class CustomerSpec:
    """A generated customer and how it pays."""

    account: str
    name: str
    currency: str
    terms: str | None
    language: str
    weight: float
    referencing: bool = True  # quotes invoice numbers on its payments
    shared: bool = False


@dataclass(order=True)
class _Event:
    date: datetime.date
    seq: int
    text: str = field(compare=False)


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _fmt(value: Decimal) -> str:
    return f"{value:.2f}"


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Generator:
    """The state of one generation run."""

    def __init__(self, invoices: int, customers: int, seed: int, end: datetime.date,
                 years: int) -> None:
        if invoices < 0 or customers < 1:
            raise ValueError("need at least one customer and a non-negative number of invoices")
        self.rng = random.Random(seed)
        self.n_invoices = invoices
        self.n_customers = customers
        self.seed = seed
        self.end = end
        self.start = datetime.date(end.year - years + 1, 1, 1)
        self.events: list[_Event] = []
        self.seq = 0
        self.stats: Counter[str] = Counter()
        self.numbers: Counter[tuple[str, int]] = Counter()
        self.groups: dict[str, list[tuple[str, Decimal, datetime.date, datetime.date]]] = {}
        self.customers = self.make_customers()

    # -- helpers -----------------------------------------------------------------------------

    def emit(self, date: datetime.date, text: str, kind: str) -> None:
        self.seq += 1
        self.events.append(_Event(date, self.seq, text))
        self.stats[kind] += 1

    def number(self, prefix: str, date: datetime.date) -> str:
        self.numbers[(prefix, date.year)] += 1
        return f"{prefix}-{date.year}-{self.numbers[(prefix, date.year)]:06d}"

    def pick(self, table: tuple[tuple[str | None, int], ...]) -> str | None:
        return self.rng.choices([t for t, _ in table], weights=[w for _, w in table])[0]

    def delay(self) -> int:
        """Days between a due date and its payment: most pay around it, some are late."""
        r = self.rng.random()
        if r < 0.55:
            return self.rng.randint(-10, 5)
        if r < 0.90:
            return self.rng.randint(6, 45)
        return self.rng.randint(46, 150)

    # -- customers ---------------------------------------------------------------------------

    def make_customers(self) -> list[CustomerSpec]:
        rng = self.rng
        out: list[CustomerSpec] = []
        shared = self.n_customers >= 20
        regular = self.n_customers - 1 if shared else self.n_customers
        for index in range(regular):
            usd = rng.random() < 0.05
            if usd:
                base = rng.choice(US_NAMES)
                name = f"{base} {rng.choice(('Inc.', 'LLC', 'Corp.', 'Ltd'))}"
                terms = self.pick(USD_TERMS)
            else:
                base = rng.choice(NAMES)
                name = " ".join(filter(None, (rng.choice(TRADES), base, rng.choice(FORMS))))
                terms = self.pick(EUR_TERMS)
            plain = unicodedata.normalize("NFKD", base)
            slug = "".join(ch for ch in plain if ch.isascii() and ch.isalnum())
            # A few customers never quote an invoice number: paid in due order, on the due date.
            parsed = parse_terms(terms) if terms else None
            referencing = not (rng.random() < 0.12 and parsed is not None
                               and parsed.discount is None and not parsed.is_split)
            out.append(CustomerSpec(
                account=f"{ROOT}:{slug}{index + 1:05d}",
                name=name,
                currency="USD" if usd else "EUR",
                terms=terms,
                language="en" if usd else "fr",
                weight=1.0 / (index + 1) ** 0.8,
                referencing=referencing,
            ))
        rng.shuffle(out)  # activity does not follow the account number
        for rank, spec in enumerate(out):
            spec.weight = 1.0 / (rank + 1) ** 0.8
        if shared:
            # A shared account's open metadata names no customer: its invoices use default_terms.
            out.append(CustomerSpec(SHARED_ACCOUNT, "Clients divers", "EUR", None, "fr",
                                    out[0].weight * 0.3, shared=True))
        return out

    def header(self, plugin: bool) -> list[str]:
        lines = [
            ";; Synthetic receivables ledger written by benchmarks/generate.py",
            f";; invoices={self.n_invoices} customers={self.n_customers} seed={self.seed}",
            "",
            f'option "title" "Synthetic receivables ({self.n_invoices} invoices)"',
            'option "operating_currency" "EUR"',
            "",
        ]
        if plugin:
            lines += [PLUGIN_LINE, ""]
        day = self.start - datetime.timedelta(days=1)
        for account, currencies in (
            ("Assets:Bank:EUR", "EUR"), ("Assets:Bank:USD", "USD"), ("Income:Sales", ""),
            ("Income:Sales:Export", ""), ("Liabilities:VAT:Collected", "EUR"),
            (DISCOUNT_ACCOUNT, ""), (WRITEOFF_ACCOUNT, ""), ("Equity:Opening-Balances", ""),
        ):
            lines.append(f"{day} open {account}  {currencies}".rstrip())
        lines.append("")
        for spec in self.customers:
            lines.append(f"{day} open {spec.account}  {spec.currency}")
            if spec.shared:
                lines.append("  shared: TRUE")
                lines.append("")
                continue
            lines.append(f"  customer: {_q(spec.name)}")
            slug = spec.account.rsplit(":", 1)[-1].lower()
            lines.append(f'  email: "compta@{slug}.example"')
            if spec.currency == "EUR":
                street = self.rng.randint(1, 120)
                lines.append(f'  address: "{street} rue du Commerce, {self.rng.choice(CITIES)}"')
            lines.append(f'  language: "{spec.language}"')
            if spec.terms:
                lines.append(f"  terms: {_q(spec.terms)}")
            if self.rng.random() < 0.4:
                limit = self.rng.choice((5000, 10000, 15000, 25000, 50000))
                lines.append(f"  credit_limit: {limit}.00 {spec.currency}")
            lines.append("")
        return lines

    # -- entries -----------------------------------------------------------------------------

    def invoice_dates(self) -> list[datetime.date]:
        span = (self.end - self.start).days
        return sorted(self.start + datetime.timedelta(days=self.rng.randint(0, span))
                      for _ in range(self.n_invoices))

    def run(self, plugin: bool) -> str:
        rng = self.rng
        cumulative = list(itertools.accumulate(c.weight for c in self.customers))
        for date in self.invoice_dates():
            spec = rng.choices(self.customers, cum_weights=cumulative)[0]
            self.invoice(spec, date)
        for account in list(self.groups):
            self.flush_group(account)
        self.events.sort()
        lines = self.header(plugin)
        lines.extend(event.text for event in self.events)
        self.stats["transactions"] = len(self.events)
        return "\n".join(lines) + "\n"

    def invoice(self, spec: CustomerSpec, date: datetime.date) -> None:
        rng = self.rng
        number = self.number("F", date)
        payee = rng.choice(WALK_IN) if spec.shared else spec.name
        net = _money(Decimal(str(math.exp(rng.uniform(math.log(40), math.log(20000))))))
        vat = _money(net * VAT_RATE) if spec.currency == "EUR" else ZERO
        amount = net + vat
        meta = [f"  invoice: {_q(number)}"]
        terms_text = spec.terms or "net 30"
        due_meta = None
        r = rng.random()
        if spec.referencing and not spec.shared and r < 0.03:
            due_meta = date + datetime.timedelta(days=rng.choice((15, 20, 30, 45, 60, 75)))
            meta.append(f"  due: {due_meta}")
        elif spec.referencing and spec.currency == "EUR" and r < 0.11:
            terms_text = rng.choice(INVOICE_TERMS)
            if terms_text.startswith("500 ") and amount <= 1000:
                terms_text = "30 jours"  # a 500 deposit on a small invoice is an error
            meta.append(f"  terms: {_q(terms_text)}")
        if rng.random() < 0.1:
            meta.append(f'  order: "BC-{rng.randint(1000, 99999)}"')
        sales = "Income:Sales" if spec.currency == "EUR" else "Income:Sales:Export"
        lines = [f"{date} * {_q(payee)} {_q('Facture ' + number)} ^{number}", *meta,
                 f"  {spec.account}  {_fmt(amount)} {spec.currency}",
                 f"  {sales}  {_fmt(-net)} {spec.currency}"]
        if vat:
            lines.append(f"  Liabilities:VAT:Collected  {_fmt(-vat)} EUR")
        self.emit(date, "\n".join(lines) + "\n", "invoice")

        if due_meta is not None:
            terms: Terms | None = None
            parts = [(amount, due_meta)]
        else:
            terms = parse_terms(terms_text)
            parts = [(p.amount, p.due) for p in terms.schedule(date, amount, CENT)]
        self.settle(spec, payee, number, date, amount, net, parts, terms)

    def settle(self, spec: CustomerSpec, payee: str, number: str, date: datetime.date,
               amount: Decimal, net: Decimal, parts: list[tuple[Decimal, datetime.date]],
               terms: Terms | None) -> None:
        """Emit what happens to an invoice after it is sent."""
        rng = self.rng
        end = self.end
        due = max(d for _, d in parts)
        if not spec.referencing:
            # Paid on the due date, in due order, quoting nothing: oldest-first matching works.
            if due <= end:
                self.payment(spec, payee, due, amount, link=None, narration="Virement reçu")
            return
        r = rng.random()
        if r < 0.03:  # a credit note, full or partial
            cn_date = date + datetime.timedelta(days=rng.randint(2, 40))
            if cn_date > end:
                return
            share = Decimal(1) if rng.random() < 0.5 else Decimal(rng.randint(10, 50)) / 100
            credited = amount if share == 1 else _money(amount * share)
            self.credit_note(spec, payee, number, cn_date, credited, spec.currency)
            rest = amount - credited
            if rest > 0:
                pay = max(due + datetime.timedelta(days=self.delay()),
                          cn_date + datetime.timedelta(days=1))
                if pay <= end:
                    self.payment(spec, payee, pay, rest, link=number)
            return
        if r < 0.045:  # a bad debt: maybe a part paid, then written off a year later, or not
            paid = ZERO
            if rng.random() < 0.5:
                paid = _money(amount * Decimal(rng.randint(20, 60)) / 100)
                pay = due + datetime.timedelta(days=rng.randint(10, 60))
                if pay > end:
                    return
                self.payment(spec, payee, pay, paid, link=number)
            when = due + datetime.timedelta(days=rng.randint(180, 420))
            if when <= end and rng.random() < 0.7:
                self.writeoff(spec, payee, number, when, amount - paid)
            else:
                self.stats["unpaid_old"] += 1
            return
        if terms is not None and terms.discount is not None and rng.random() < 0.55:
            until = terms.discount_until(date)
            pay = date + datetime.timedelta(days=rng.randint(0, (until - date).days))
            if pay <= end:
                discount = terms.discount_amount(amount, CENT)
                self.payment(spec, payee, pay, amount - discount, link=number,
                             booked_discount=discount if rng.random() < 0.35 else ZERO)
                self.stats["discounts"] += 1
            return
        if len(parts) > 1:  # instalments, each paid around its due date
            paid_to = date
            for part_amount, part_due in parts:
                pay = max(part_due + datetime.timedelta(days=self.delay()), paid_to)
                if pay > end:
                    return
                self.payment(spec, payee, pay, part_amount, link=number)
                paid_to = pay
            return
        if rng.random() < 0.08:  # paid in two goes, sometimes never in full
            first = _money(amount * Decimal(rng.randint(25, 70)) / 100)
            pay = max(due + datetime.timedelta(days=self.delay()), date)
            if pay > end:
                return
            self.payment(spec, payee, pay, first, link=number, narration="Acompte " + number)
            if rng.random() < 0.8:
                pay2 = pay + datetime.timedelta(days=rng.randint(10, 90))
                if pay2 <= end:
                    self.payment(spec, payee, pay2, amount - first, link=number,
                                 narration="Solde " + number)
            return
        if not spec.shared and (terms is None or terms.discount is None) and rng.random() < 0.12:
            group = self.groups.setdefault(spec.account, [])
            group.append((number, amount, date, due))
            if len(group) >= rng.randint(2, 4):
                self.flush_group(spec.account)
            return
        pay = max(due + datetime.timedelta(days=self.delay()), date)
        if pay <= end:
            self.payment(spec, payee, pay, amount, link=number)

    def flush_group(self, account: str) -> None:
        """One payment settling several invoices, naming them in ``invoice:`` metadata."""
        group = self.groups.pop(account, [])
        if not group:
            return
        spec = next(c for c in self.customers if c.account == account)
        pay = max(d for _, _, _, d in group) + datetime.timedelta(days=self.rng.randint(0, 20))
        if pay > self.end:
            return
        bank = f"Assets:Bank:{spec.currency}"
        total = sum((a for _, a, _, _ in group), ZERO)
        numbers = [n for n, _, _, _ in group]
        lines = [f"{pay} * {_q(spec.name)} {_q('Virement groupé')}",
                 f"  {bank}  {_fmt(total)} {spec.currency}"]
        if self.rng.random() < 0.5:
            lines.append(f"  {spec.account}  {_fmt(-total)} {spec.currency}")
            lines.append(f"    invoice: {_q(' '.join(numbers))}")
        else:
            for number, amount, _, _ in group:
                lines.append(f"  {spec.account}  {_fmt(-amount)} {spec.currency}")
                lines.append(f"    invoice: {_q(number)}")
        self.emit(pay, "\n".join(lines) + "\n", "grouped_payment")

    def payment(self, spec: CustomerSpec, payee: str, date: datetime.date, amount: Decimal,
                link: str | None, narration: str | None = None,
                booked_discount: Decimal = ZERO) -> None:
        bank = f"Assets:Bank:{spec.currency}"
        head = f"{date} * {_q(payee)} {_q(narration or 'Virement ' + (link or ''))}"
        if link:
            head += f" ^{link}"
        lines = [head]
        if booked_discount:
            lines.append(f"  {bank}  {_fmt(amount)} {spec.currency}")
            lines.append(f"  {DISCOUNT_ACCOUNT}  {_fmt(booked_discount)} {spec.currency}")
            lines.append(f"  {spec.account}  {_fmt(-amount - booked_discount)} {spec.currency}")
        elif self.rng.random() < 0.15:  # the bank leg left for Beancount to interpolate
            lines.append(f"  {spec.account}  {_fmt(-amount)} {spec.currency}")
            lines.append(f"  {bank}")
        else:
            lines.append(f"  {bank}  {_fmt(amount)} {spec.currency}")
            lines.append(f"  {spec.account}  {_fmt(-amount)} {spec.currency}")
        self.emit(date, "\n".join(lines) + "\n", "payment")

    def credit_note(self, spec: CustomerSpec, payee: str, number: str, date: datetime.date,
                    amount: Decimal, currency: str) -> None:
        cn = self.number("AV", date)
        vat = _money(amount * VAT_RATE / (1 + VAT_RATE)) if currency == "EUR" else ZERO
        sales = "Income:Sales" if currency == "EUR" else "Income:Sales:Export"
        lines = [f"{date} * {_q(payee)} {_q(f'Avoir {cn} sur {number}')} ^{number}",
                 f"  credit_note: {_q(cn)}",
                 f"  invoice: {_q(number)}",
                 f"  {spec.account}  {_fmt(-amount)} {currency}",
                 f"  {sales}  {_fmt(amount - vat)} {currency}"]
        if vat:
            lines.append(f"  Liabilities:VAT:Collected  {_fmt(vat)} EUR")
        self.emit(date, "\n".join(lines) + "\n", "credit_note")

    def writeoff(self, spec: CustomerSpec, payee: str, number: str, date: datetime.date,
                 amount: Decimal) -> None:
        currency = spec.currency
        vat = _money(amount * VAT_RATE / (1 + VAT_RATE)) if currency == "EUR" else ZERO
        lines = [f"{date} * {_q(payee)} {_q('Créance irrécouvrable ' + number)} ^{number}",
                 f"  {spec.account}  {_fmt(-amount)} {currency}",
                 f"  {WRITEOFF_ACCOUNT}  {_fmt(amount - vat)} {currency}"]
        if vat:
            lines.append(f"  Liabilities:VAT:Collected  {_fmt(vat)} EUR")
        self.emit(date, "\n".join(lines) + "\n", "writeoff")


def generate_with_stats(invoices: int, customers: int, seed: int = 0, plugin: bool = True, *,
                        end: datetime.date = END, years: int = YEARS) -> tuple[str, Counter]:
    """The ledger text and counts of what it holds (transactions, payments, credit notes...)."""
    generator = _Generator(invoices, customers, seed, end, years)
    text = generator.run(plugin)
    return text, generator.stats


def generate(invoices: int, customers: int, seed: int = 0, plugin: bool = True, *,
             end: datetime.date = END, years: int = YEARS) -> str:
    """A synthetic ledger with `invoices` invoices of `customers` customers, the same for a seed.

    With `plugin`, the ledger has the ``plugin "beancount_ar"`` line (see `PLUGIN_LINE`).
    """
    return generate_with_stats(invoices, customers, seed, plugin, end=end, years=years)[0]


def main(argv: list[str] | None = None) -> int:
    """Command line: write one ledger and print what it holds."""
    parser = argparse.ArgumentParser(description="Write a synthetic receivables ledger.")
    parser.add_argument("--invoices", type=int, required=True, metavar="N")
    parser.add_argument("--customers", type=int, required=True, metavar="C")
    parser.add_argument("--out", required=True, metavar="FILE")
    parser.add_argument("--seed", type=int, default=0, metavar="S")
    parser.add_argument("--plugin", action=argparse.BooleanOptionalAction, default=True,
                        help="include the plugin \"beancount_ar\" line (default: yes)")
    parser.add_argument("--years", type=int, default=YEARS, help="years of history")
    args = parser.parse_args(argv)
    try:
        text, stats = generate_with_stats(args.invoices, args.customers, args.seed, args.plugin,
                                          years=args.years)
    except ValueError as exc:
        parser.error(str(exc))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    summary = ", ".join(f"{key} {value}" for key, value in sorted(stats.items()))
    print(f"{out}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
