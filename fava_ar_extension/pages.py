"""What each page of the extension shows, as plain data for its template and its JSON endpoint.

Every figure comes from `beancount_ar.core` (through `Analysis`, which caches it); this module
only picks, labels, formats and links. The pages, selected by ``?view=``:

- ``aging`` (the landing page): per customer and currency, the open amounts per bucket, the
  totals and the check against the receivable accounts' balance, a chart of the buckets and
  the period's metrics (DSO, best possible DSO, average days delinquent, CEI);
- ``customers``: balance, overdue amount, credit-limit use and risk of every customer;
- ``customer`` (``&customer=Assets:Receivable:Dupont``): contact details, open items, the full
  history with the lettrage, payment behaviour, credit-limit use and risk;
- ``invoices``: every invoice and instalment with its status, filtered and sorted.

The Statements and Reminders pages are `fava_ar_extension.statements_page` and
`fava_ar_extension.reminders_page`; the customer pages link to them.

For example, with

    2026-01-15 * "Dupont" "Facture" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   1200.00 EUR
      Income:Sales

the Aging page as of 2026-03-01 shows 1,200.00 EUR for Dupont in "1-30 days" (due 2026-02-14,
15 days past due), linked to the invoices behind it:
``?view=invoices&customer=Assets:Receivable:Dupont&currency=EUR&bucket=1&by=due``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus, urlencode

from beancount_ar.core import aging as aging_lib
from beancount_ar.core import metrics
from beancount_ar.core.allocation import DISPUTED, OPEN, OVERDUE, STATUSES
from beancount_ar.core.money import ZERO
from beancount_ar.core.reminders import DEFAULT_LEVELS
from beancount_ar.core.report import InvoiceRow, invoice_row
from beancount_ar.serialize import aging_record, invoice_record
from fava_ar_extension.analysis import Analysis, Pick
from fava_ar_extension.i18n import UI
from fava_ar_extension.settings import Settings

VIEWS = ("aging", "customers", "customer", "invoices")
UNPAID = "unpaid"  # open, overdue and disputed: everything with an open amount
SORT_KEYS: dict[str, Callable[[Pick], Any]] = {
    "date": lambda p: (p.item.date, p.item.invoice or ""),
    "due": lambda p: (p.item.due, p.item.date),
    "invoice": lambda p: (p.item.invoice or "", p.item.part),
    "customer": lambda p: (p.name.lower(), p.item.date),
    "status": lambda p: (p.status, p.item.date),
    "days": lambda p: (p.days, p.item.date),
    "amount": lambda p: (p.item.currency, p.item.amount),
    "open": lambda p: (p.item.currency, p.state.open),
    "currency": lambda p: (p.item.currency, p.item.date),
}


class PageError(Exception):
    """A problem with the request (an unknown customer, a bad parameter): said on the page."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Scope:
    """What the request asks for: the as-of date, the period, the customers."""

    as_of: datetime.date
    begin: datetime.date
    today: datetime.date
    time: str = ""  # Fava's time filter, "" when none
    time_error: bool = False  # the time filter could not be read (today is used)
    account: str = ""  # Fava's account filter
    customers: frozenset[str] | None = None  # the customers the account filter leaves

    @property
    def days(self) -> int:
        return (self.as_of - self.begin).days + 1


@dataclass(frozen=True)
class Links:
    """URLs of the extension's pages and of Fava's, keeping Fava's filters."""

    report: str  # the extension's page with Fava's filters, e.g. /slug/extension/X/?time=2026
    journal: Callable[[str], str]  # an account's journal
    editor: Callable[[str, int], str]  # a file at a line in Fava's editor
    errors: str  # Fava's Errors page
    entry_hash: Callable[[Any], str]  # Fava's hash of an entry (for #context-<hash>)

    def _split(self) -> tuple[str, str]:
        path, _, query = self.report.partition("?")
        return path, query

    def view(self, view: str, **params: Any) -> str:
        # Called for every cell of the tables: the same few values are quoted again and again.
        path, query = self._split()
        own = "&".join(f"{key}={_quote(str(value))}" for key, value in
                       (("view", view), *params.items()) if value is not None and value != "")
        return f"{path}?{own}" + (f"&{query}" if query else "")

    def endpoint(self, name: str, **params: Any) -> str:
        path, query = self._split()
        own = urlencode([(k, str(v)) for k, v in params.items() if v is not None and v != ""])
        joined = "&".join(part for part in (own, query) if part)
        return f"{path}{name}" + (f"?{joined}" if joined else "")

    def source(self, filename: str | None, lineno: int | None) -> str | None:
        if not filename or filename.startswith("<") or not lineno:
            return None
        return self.editor(filename, lineno)

    def context(self, entry: Any) -> str | None:
        return f"#context-{self.entry_hash(entry)}" if entry is not None else None


@lru_cache(maxsize=4096)
def _quote(value: str) -> str:
    return quote_plus(value)


class Pages:
    """Builds the pages of one request."""

    def __init__(self, analysis: Analysis, scope: Scope, settings: Settings, ui: UI,
                 links: Links, args: Mapping[str, str]) -> None:
        self.analysis = analysis
        self.scope = scope
        self.settings = settings
        self.ui = ui
        self.t = ui.t
        self.links = links
        self.args = args
        self.book = analysis.book

    # -- helpers -----------------------------------------------------------------------------

    def customer_keys(self) -> list[str]:
        """The customers in scope, by name."""
        keys = self.book.customers if self.scope.customers is None else self.scope.customers
        return sorted(keys, key=lambda k: (self.book.customers[k].name.lower(), k))

    def customer_url(self, key: str) -> str:
        return self.links.view("customer", customer=key)

    def cell(self, amount: Decimal, currency: str, url: str | None) -> dict[str, Any]:
        return {"text": self.ui.money(amount, currency), "value": amount,
                "url": url if amount != 0 else None}

    def by(self) -> str:
        by = self.args.get("by") or self.settings.aging_by
        if by not in (aging_lib.BY_DUE, aging_lib.BY_INVOICE):
            raise PageError(f"by={by!r}: expected 'due' or 'invoice'")
        return by

    def entry_links(self, entry: Any) -> dict[str, str | None]:
        meta = entry.meta if entry is not None else {}
        return {"context": self.links.context(entry),
                "source": self.links.source(meta.get("filename"), meta.get("lineno"))}

    # -- aging -------------------------------------------------------------------------------

    def aging(self) -> dict[str, Any]:
        scope, ui, t, links = self.scope, self.ui, self.t, self.links
        by = self.by()
        report = self.analysis.aging(scope.as_of, by, self.settings.buckets, scope.customers)
        labels = [ui.bucket(label) for label in report.labels]
        rows = []
        for row in report.rows:
            key, currency = row.customer, row.currency
            rows.append({
                "customer": key, "name": row.name, "url": self.customer_url(key),
                "currency": currency,
                "cells": [self.cell(amount, currency, links.view(
                    "invoices", customer=key, currency=currency, bucket=index, by=by))
                    for index, amount in enumerate(row.buckets)],
                "unapplied": self.cell(row.unapplied, currency, self.customer_url(key)),
                "total": self.cell(row.total, currency, links.view(
                    "invoices", customer=key, currency=currency, status=UNPAID)),
            })
        totals = []
        for currency in report.currencies:
            total = report.totals.get(currency)
            buckets = total.buckets if total else tuple(ZERO for _ in labels)
            amount = total.total if total else ZERO
            balance = report.balances.get(currency, ZERO)
            difference = report.difference(currency)
            values = {"total": ui.money(amount, currency), "balance": ui.money(balance, currency),
                      "difference": ui.money(difference, currency), "currency": currency}
            totals.append({
                "currency": currency,
                "cells": [self.cell(a, currency, links.view(
                    "invoices", currency=currency, bucket=index, by=by))
                    for index, a in enumerate(buckets)],
                "unapplied": self.cell(total.unapplied if total else ZERO, currency, None),
                "total": self.cell(amount, currency, links.view(
                    "invoices", currency=currency, status=UNPAID)),
                "balance": balance,
                "reconciles": difference == 0,
                "check": t("Total {total} {currency} equals the receivable accounts' balance "
                           "{balance} {currency}.", **values) if difference == 0 else
                t("Total {total} {currency} differs from the receivable accounts' balance "
                  "{balance} {currency} by {difference} {currency}.", **values),
                "chart": self.chart(labels, buckets, currency, by),
            })
        other = aging_lib.BY_INVOICE if by == aging_lib.BY_DUE else aging_lib.BY_DUE
        return {
            "by": by,
            "by_label": t("by due date") if by == aging_lib.BY_DUE else t("by invoice date"),
            "other_by": {"url": links.view("aging", by=other),
                         "label": t("Age by invoice date") if other == aging_lib.BY_INVOICE
                         else t("Age by due date")},
            "labels": labels,
            "rows": rows,
            "totals": totals,
            "metrics": self.metrics(),
            "empty": not rows,
        }

    def chart(self, labels: list[str], amounts: Iterable[Decimal], currency: str,
              by: str) -> dict[str, Any]:
        """An SVG bar chart of the buckets: geometry only, colours from green to red."""
        amounts = list(amounts)
        width, height, top, bottom, left = 480, 220, 24, 36, 4
        inner = height - top - bottom
        step = (width - 2 * left) / max(1, len(amounts))
        peak = max([a for a in amounts if a > 0], default=Decimal(1))
        bars = []
        for index, (label, amount) in enumerate(zip(labels, amounts, strict=True)):
            share = float(amount / peak) if amount > 0 else 0.0
            bar_height = round(inner * share, 1)
            hue = 130 - round(130 * index / max(1, len(amounts) - 1))
            bars.append({
                "label": label, "text": self.ui.money(amount, currency),
                "x": round(left + index * step + step * 0.15, 1), "width": round(step * 0.7, 1),
                "y": round(top + inner - bar_height, 1), "height": bar_height,
                "center": round(left + index * step + step / 2, 1),
                "color": f"hsl({hue}, 55%, 48%)",
                "url": self.links.view("invoices", currency=currency, bucket=index, by=by),
            })
        return {"width": width, "height": height, "base": top + inner, "bars": bars,
                "title": self.t("Receivables by age, {currency}", currency=currency),
                "label_y": height - bottom + 20}

    def metrics(self) -> list[dict[str, Any]]:
        scope, ui, t, links = self.scope, self.ui, self.t, self.links
        figures = self.analysis.figures(scope.as_of, scope.begin, scope.customers)
        overdue_buckets = ",".join(str(i) for i in range(1, len(self.settings.buckets) + 2))
        result = []
        for currency, f in figures.items():
            def money(value: Decimal, currency: str = currency) -> str:
                return ui.money(value, currency)

            days = t("days")
            base = {"closing": money(f.closing), "sales": money(f.credit_sales)}
            cards = [
                {"name": "dso", "label": t("DSO"), "value": ui.number(f.dso), "unit": days,
                 "definition": t("Days sales outstanding: closing receivables / credit sales of "
                                 "the period × days in the period."),
                 "detail": f"{base['closing']} / {base['sales']} × {f.days}",
                 "url": links.view("invoices", currency=currency, status=UNPAID)},
                {"name": "best", "label": t("Best possible DSO"),
                 "value": ui.number(f.best_possible_dso), "unit": days,
                 "definition": t("Best possible DSO: receivables not yet due / credit sales × "
                                 "days: the DSO if every customer paid on time."),
                 "detail": f"{money(f.current)} / {base['sales']} × {f.days}",
                 "url": links.view("invoices", currency=currency, bucket=0,
                                   by=aging_lib.BY_DUE)},
                {"name": "add", "label": t("Average days delinquent"),
                 "value": ui.number(f.average_days_delinquent), "unit": days,
                 "definition": t("Average days delinquent: DSO − best possible DSO, the days "
                                 "that late payments add."),
                 "detail": f"{ui.number(f.dso)} − {ui.number(f.best_possible_dso)}",
                 "url": links.view("invoices", currency=currency, bucket=overdue_buckets,
                                   by=aging_lib.BY_DUE)},
                {"name": "cei", "label": t("CEI"), "value": ui.number(f.cei), "unit": "%",
                 "definition": t("Collection effectiveness index: (opening receivables + credit "
                                 "sales − closing receivables) / (opening receivables + credit "
                                 "sales − closing receivables not yet due) × 100."),
                 "detail": t("opening {opening}, closing {closing}, not yet due {current}",
                             opening=money(f.opening), closing=money(f.closing),
                             current=money(f.current)),
                 "url": links.view("invoices", currency=currency,
                                   **{"from": scope.begin.isoformat()},
                                   to=scope.as_of.isoformat())},
                {"name": "countback", "label": t("Countback DSO"),
                 "value": ui.number(f.countback_dso), "unit": days,
                 "definition": t("Countback DSO: the closing receivables are matched against "
                                 "each month's credit sales, going back from the as-of month, "
                                 "counting each month's days."),
                 "detail": f"{base['closing']}",
                 "url": links.view("invoices", currency=currency, status=UNPAID)},
                {"name": "sales", "label": t("Credit sales"), "value": money(f.credit_sales),
                 "unit": currency,
                 "definition": t("Credit sales: invoices dated in the period less credit notes "
                                 "dated in it, VAT included."),
                 "detail": t("invoiced {invoiced} − credit notes {credit_notes}",
                             invoiced=money(f.invoiced), credit_notes=money(f.credit_notes)),
                 "url": links.view("invoices", currency=currency,
                                   **{"from": scope.begin.isoformat()},
                                   to=scope.as_of.isoformat())},
            ]
            result.append({"currency": currency, "cards": cards, "figures": f,
                           "no_sales": f.credit_sales <= 0})
        return result

    def aging_json(self) -> dict[str, Any]:
        scope = self.scope
        report = self.analysis.aging(scope.as_of, self.by(), self.settings.buckets,
                                     scope.customers)
        record = aging_record(report)
        figures = self.analysis.figures(scope.as_of, scope.begin, scope.customers)
        record["period"] = {"begin": scope.begin.isoformat(), "end": scope.as_of.isoformat(),
                            "days": scope.days}
        record["metrics"] = {currency: figures_record(f) for currency, f in figures.items()}
        return record

    # -- customers ---------------------------------------------------------------------------

    def risk_rule(self) -> str:
        rule = self.settings.risk
        return self.t(
            "High: an amount more than {high} days past due, the credit limit exceeded, or a "
            "write-off in the last 12 months. Medium: an amount more than {medium} days past "
            "due, payments more than {late} days late on average over the last 12 months, or "
            "more than {limit} % of the credit limit used. Low: otherwise.",
            high=rule.high_overdue_days, medium=rule.medium_overdue_days,
            late=self.ui.number(rule.late_days, 0), limit=self.ui.number(rule.limit_warning, 0))

    def reason(self, code: str, value: Any) -> str:
        ui, t = self.ui, self.t
        if code == metrics.OVERDUE_DAYS:
            return t("{days} days past due", days=value)
        if code == metrics.LIMIT_EXCEEDED:
            return t("credit limit exceeded ({use} %)", use=ui.number(value))
        if code == metrics.LIMIT_HIGH:
            return t("{use} % of the credit limit used", use=ui.number(value))
        if code == metrics.WRITTEN_OFF:
            amounts = ", ".join(ui.amount(v, c) for c, v in sorted(value.items()))
            return t("written off in the last 12 months: {amounts}", amounts=amounts)
        return t("paid {days} days late on average", days=ui.number(value))

    def risk(self, risk: metrics.Risk) -> dict[str, Any]:
        return {"level": risk.level, "label": self.t(risk.level),
                "reasons": [self.reason(code, value) for code, value in risk.reasons]}

    def profiles(self) -> dict[str, metrics.CustomerProfile]:
        return self.analysis.profiles(self.scope.as_of, self.scope.customers, self.settings.risk)

    def customers(self) -> dict[str, Any]:
        ui = self.ui
        profiles = self.profiles()
        rows = []
        for key in self.customer_keys():
            customer = self.book.customers[key]
            profile = profiles[key]
            risk = self.risk(profile.risk)
            limit = profile.credit_limit
            currencies = sorted(profile.balances) or [None]
            for currency in currencies:
                on_limit = limit is not None and limit.currency == currency
                rows.append({
                    "customer": key, "name": customer.name, "url": self.customer_url(key),
                    "statement_url": self.links.view("statements", customer=key),
                    "account": customer.account, "currency": currency or "",
                    "balance": self.cell(profile.balances.get(currency, ZERO), currency or "",
                                         self.links.view("invoices", customer=key,
                                                         currency=currency, status=UNPAID)),
                    "overdue": self.cell(profile.overdue.get(currency, ZERO), currency or "",
                                         self.links.view("invoices", customer=key,
                                                         currency=currency, status=OVERDUE)),
                    "oldest": profile.oldest_overdue_days,
                    "open_items": profile.open_items,
                    "limit": ui.amount(limit.number, limit.currency) if on_limit else "",
                    "limit_value": limit.number if on_limit else None,
                    "limit_use": ui.number(profile.limit_use) if on_limit else "",
                    "limit_use_value": profile.limit_use if on_limit else None,
                    "limit_exceeded": on_limit and profile.limit_exceeded,
                    "late": ui.number(profile.behaviour.average_days_late),
                    "late_value": profile.behaviour.average_days_late,
                    "risk": risk,
                    "risk_rank": metrics.RISK_LEVELS.index(profile.risk.level),
                })
        return {"rows": rows, "rule": self.risk_rule(), "empty": not rows}

    def customers_json(self) -> list[dict[str, Any]]:
        profiles = self.profiles()
        return [profile_record(profiles[key], self.book.customers[key])
                for key in self.customer_keys()]

    # -- one customer ------------------------------------------------------------------------

    def customer_key(self) -> str:
        key = self.args.get("customer", "")
        if not key:
            raise PageError(self.t("Give a customer: ?customer=<receivable account>."))
        if key not in self.book.customers:
            raise PageError(self.t("Unknown customer “{customer}”.", customer=key), 404)
        if self.scope.customers is not None and key not in self.scope.customers:
            raise PageError(self.t("Unknown customer “{customer}”.", customer=key), 404)
        return key

    def customer(self) -> dict[str, Any]:
        ui, t, links = self.ui, self.t, self.links
        key = self.customer_key()
        customer = self.book.customers[key]
        profile = self.profiles()[key]
        as_of = self.scope.as_of
        contact = [{"label": t(label), "value": value, "mailto": label == "E-mail"}
                   for label, value in (("E-mail", customer.email),
                                        ("Address", customer.address),
                                        ("Language", customer.language),
                                        ("Terms", customer.terms)) if value]
        shown = {"customer", "email", "address", "language", "terms", "credit_limit",
                 "filename", "lineno", "shared"}
        extra = [(name, str(value)) for name, value in customer.meta.items()
                 if name not in shown and not name.startswith("__")]
        limit = profile.credit_limit
        limit_text = t("No credit limit (credit_limit: on the account's open directive).")
        if limit is not None:
            balance = profile.balances.get(limit.currency, ZERO)
            values = {"balance": ui.money(balance, limit.currency),
                      "limit": ui.money(limit.number, limit.currency),
                      "currency": limit.currency, "use": ui.number(profile.limit_use)}
            limit_text = (t("Credit limit exceeded: {balance} {currency} owed for a limit of "
                            "{limit} {currency} ({use} %).", **values)
                          if profile.limit_exceeded else
                          t("{use} % of the credit limit of {limit} {currency} is used.",
                            **values))
        rows = self.analysis.rows(as_of, key)
        behaviour = profile.behaviour
        peak = max([m.average_days_late or 0 for m in behaviour.trend] + [1])
        trend = [{
            "month": ui.short_month(m.month), "paid": m.paid,
            "late": ui.number(m.average_days_late) if m.paid else "",
            "height": round(52 * float((m.average_days_late or 0) / peak), 1),
            "title": ui.month(m.month) + ": " + (
                t("{count} paid, {days} days late on average", count=m.paid,
                  days=ui.number(m.average_days_late)) if m.paid else t("nothing paid")),
        } for m in behaviour.trend]
        return {
            "key": key, "name": customer.name, "account": customer.account,
            "journal": links.journal(customer.account), "shared": customer.shared,
            "contact": contact, "extra": extra,
            "balances": [{"currency": c, "balance": ui.money(v, c),
                          "overdue": ui.money(profile.overdue.get(c, ZERO), c),
                          "unapplied": ui.money(profile.unapplied.get(c, ZERO), c)}
                         for c, v in sorted(profile.balances.items())],
            "limit": ui.amount(limit.number, limit.currency) if limit else "",
            "limit_text": limit_text, "limit_exceeded": profile.limit_exceeded,
            "risk": self.risk(profile.risk), "rule": self.risk_rule(),
            "behaviour": {
                "since": behaviour.since.isoformat(),
                "summary": t("Over the 12 months from {since}: {count} invoice(s) or "
                             "instalment(s) paid; each counts once.",
                             since=behaviour.since.isoformat(), count=behaviour.paid),
                "to_pay": ui.number(behaviour.average_days_to_pay),
                "late": ui.number(behaviour.average_days_late),
                "on_time": ui.number(behaviour.on_time),
                "trend": trend,
            },
            "open_items": [self.invoice_view(row) for row in rows if row.open != 0],
            **self.history_page(key),
            "invoices_url": links.view("invoices", customer=key),
            "statement_url": links.view("statements", customer=key),
            "reminders_url": links.view("reminders"),
            "reminders_sent": self.reminders_sent(key),
        }

    def reminders_sent(self, key: str) -> list[dict[str, Any]]:
        """The reminders recorded for the customer up to the as-of date (``custom
        "ar-reminder"``), newest first, one line per letter (its day, level and channel)."""
        t = self.t
        names = {level.number: level.name for level in DEFAULT_LEVELS}
        letters: dict[tuple[datetime.date, int, str], list[Any]] = {}
        for record in self.book.reminders:
            if record.customer == key and record.date <= self.scope.as_of:
                letters.setdefault((record.date, record.level, record.channel),
                                   []).append(record)
        out = []
        for (date, level, channel), records in sorted(letters.items(), key=lambda kv: kv[0],
                                                      reverse=True):
            first = records[0].entry
            meta = first.meta if first is not None else {}
            out.append({
                "date": date.isoformat(),
                "level": t("{number} – {name}", number=level,
                           name=t(names[level])) if level in names else str(level),
                "channel": t(channel),
                "invoices": ", ".join(r.invoice for r in records),
                "context": self.links.context(first),
                "source": self.links.source(meta.get("filename"), meta.get("lineno")),
            })
        return out

    def history_page(self, key: str) -> dict[str, Any]:
        """The customer's activity statement from its first entry (`statements.py`): per
        currency, every line with its running balance and lettrage; a long one shows its
        latest lines (``&history=all`` for all)."""
        ui, t = self.ui, self.t
        statement = self.analysis.statement(self.scope.as_of, key)
        size = self.settings.page_size
        show_all = self.args.get("history") == "all"
        parts = []
        note = None
        for part in statement.parts if statement is not None else ():
            lines = part.lines
            if len(lines) > size and not show_all:
                note = {"text": t("The last {shown} of {count} lines.", shown=size,
                                  count=len(lines)),
                        "url": self.links.view("customer", customer=key, history="all"),
                        "label": t("Show all")}
                lines = lines[-size:]
            currency = part.currency
            parts.append({
                "currency": currency,
                "closing": ui.money(part.closing, currency),
                "lines": [self.history_line(line, currency) for line in lines],
            })
        return {"history": parts, "history_note": note}

    def history_line(self, line: Any, currency: str) -> dict[str, Any]:
        ui, t = self.ui, self.t
        matches = []
        for match in line.matches:
            what = f"{match.reference} " if match.reference else ""
            kind = t(match.kind) + (f", {t('netted')}" if match.netted else "")
            matches.append(f"{match.date.isoformat()} {what}{ui.money(match.amount, currency)}"
                           f" ({kind})")
        entry = self.analysis.entry_at(line.filename, line.lineno)
        return {
            "date": line.date.isoformat(), "kind": t(line.kind), "kind_code": line.kind,
            "reference": line.reference, "letter": line.letter, "narration": line.description,
            "debit": ui.money(line.debit, currency) if line.debit else "",
            "credit": ui.money(line.credit, currency) if line.credit else "",
            "balance": ui.money(line.balance, currency),
            "due": line.due.isoformat() if line.due and line.amount > 0 else "",
            "matches": matches,
            "context": self.links.context(entry),
            "source": self.links.source(line.filename, line.lineno),
        }

    def customer_json(self) -> dict[str, Any]:
        key = self.customer_key()
        profile = self.profiles()[key]
        record = profile_record(profile, self.book.customers[key])
        record["invoices"] = [invoice_record(row)
                              for row in self.analysis.rows(self.scope.as_of, key)]
        return record

    # -- invoices ----------------------------------------------------------------------------

    def invoice_view(self, row: InvoiceRow) -> dict[str, Any]:
        ui, t = self.ui, self.t
        entry = self.entry_of(row)
        label = row.invoice or row.narration or t(row.kind)
        return {
            "label": f"{label} {row.instalment}" if row.instalment else label,
            "invoice": row.invoice, "kind": t(row.kind), "kind_code": row.kind,
            "customer": row.customer, "name": row.customer_name,
            "customer_url": self.customer_url(row.customer),
            "date": row.date.isoformat(), "due": row.due.isoformat(),
            "discount_until": row.discount_until.isoformat() if row.discount_until else "",
            "discount": ui.money(row.discount, row.currency) if row.discount else "",
            "status": row.status, "status_label": t(row.status),
            "days": row.days_overdue, "currency": row.currency,
            "amount": ui.money(row.amount, row.currency), "amount_value": row.amount,
            "open": ui.money(row.open, row.currency), "open_value": row.open,
            "penalties": ui.money(row.penalties, row.currency) if row.penalties else "",
            "paid": row.paid_date.isoformat() if row.paid_date else "",
            "settled": "; ".join(f"{p.date.isoformat()} {ui.money(p.amount, row.currency)} "
                                 f"{t(p.kind)}" for p in row.payments),
            "context": self.links.context(entry),
            "source": self.links.source(row.filename, row.lineno),
        }

    def entry_of(self, row: InvoiceRow) -> Any:
        """The transaction of a row (for Fava's entry context)."""
        invoice = self.book.invoices.get(row.invoice) if row.invoice else None
        if invoice is not None and invoice.customer == row.customer:
            return invoice.entry
        return self.analysis.entry_at(row.filename, row.lineno)

    def statuses(self) -> set[str] | None:
        text = self.args.get("status", "")
        if not text:
            return None
        wanted: set[str] = set()
        for status in text.split(","):
            if status == UNPAID:
                wanted |= {OPEN, OVERDUE, DISPUTED}
            elif status in STATUSES:
                wanted.add(status)
            else:
                raise PageError(self.t("Unknown status “{status}”; accepted: {accepted}.",
                                       status=status,
                                       accepted=", ".join((UNPAID, *STATUSES))))
        return wanted

    def date_arg(self, name: str) -> datetime.date | None:
        text = self.args.get(name, "")
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise PageError(self.t("“{value}” is not a date such as 2026-11-23.",
                                   value=text)) from None

    def buckets_arg(self) -> set[int] | None:
        text = self.args.get("bucket", "")
        if not text:
            return None
        try:
            return {int(part) for part in text.split(",")}
        except ValueError:
            raise PageError(f"bucket={text!r}: expected bucket numbers such as 0 or 1,2") from None

    def picks(self) -> list[Pick]:
        """The items the request's filters keep (as `invoice_rows` would list them: invoices,
        instalments and other debits, not penalties), sorted as asked."""
        scope, args = self.scope, self.args
        statuses = self.statuses()
        customer = args.get("customer") or None
        if customer is not None and (customer not in self.book.customers or (
                scope.customers is not None and customer not in scope.customers)):
            raise PageError(self.t("Unknown customer “{customer}”.", customer=customer), 404)
        currency = args.get("currency") or None
        begin, end = self.date_arg("from"), self.date_arg("to")
        buckets = self.buckets_arg()
        by = self.by()
        sort = args.get("sort") or "date"
        if sort not in SORT_KEYS:
            raise PageError(f"sort={sort!r}: expected one of {', '.join(SORT_KEYS)}")
        limits = self.settings.buckets
        allowed = scope.customers
        as_of = scope.as_of
        picks = []
        for pick in self.analysis.picks(as_of):
            item = pick.state.item
            if customer is not None and item.customer != customer:
                continue
            if allowed is not None and item.customer not in allowed:
                continue
            if currency is not None and item.currency != currency:
                continue
            if (begin is not None and item.date < begin) or (end is not None and item.date > end):
                continue
            if statuses is not None and pick.status not in statuses:
                continue
            if buckets is not None:
                if pick.state.open == 0:
                    continue
                age = aging_lib.item_age(item, as_of, by)
                if aging_lib.bucket_index(age, limits, by) not in buckets:
                    continue
            picks.append(pick)
        descending = (args.get("order") or ("desc" if sort == "date" else "asc")) == "desc"
        if sort == "date":  # the cached order already
            return picks[::-1] if descending else picks
        picks.sort(key=SORT_KEYS[sort], reverse=descending)
        return picks

    def rows_of(self, picks: list[Pick]) -> list[InvoiceRow]:
        as_of = self.scope.as_of
        settlement = self.analysis.settlement(as_of)
        penalties = self.analysis.penalties(as_of)
        return [invoice_row(pick.state, settlement, as_of, penalties) for pick in picks]

    def invoices(self) -> dict[str, Any]:
        ui, t, links, args = self.ui, self.t, self.links, self.args
        picks = self.picks()
        size = self.settings.page_size
        pages = max(1, -(-len(picks) // size))
        try:
            page = min(max(1, int(args.get("page") or 1)), pages)
        except ValueError:
            raise PageError(f"page={args.get('page')!r}: expected a page number") from None
        shown = self.rows_of(picks[(page - 1) * size: page * size])
        kept = {k: v for k, v in args.items()
                if k in ("status", "customer", "currency", "from", "to", "bucket", "by",
                         "sort", "order")}

        def url(**changes: Any) -> str:
            return links.view("invoices", **{**kept, **changes})

        sort = args.get("sort") or "date"
        order = args.get("order") or ("desc" if sort == "date" else "asc")
        headers = {}
        for key in SORT_KEYS:
            next_order = "desc" if key == sort and order == "asc" else "asc"
            headers[key] = {"url": url(sort=key, order=next_order, page=None),
                            "active": order if key == sort else ""}
        totals: dict[str, list[Decimal]] = {}
        for pick in picks:
            total = totals.setdefault(pick.item.currency, [ZERO, ZERO, Decimal(0)])
            total[0] += pick.item.amount
            total[1] += pick.state.open
            total[2] += 1
        filters = []
        if args.get("from") or args.get("to"):
            filters.append(t("Dated from {begin} to {end}", begin=args.get("from") or "…",
                             end=args.get("to") or "…"))
        if args.get("bucket"):
            labels = aging_lib.bucket_labels(self.settings.buckets, self.by())
            names = [ui.bucket(labels[i]) for i in sorted(self.buckets_arg() or ())
                     if 0 <= i < len(labels)]
            filters.append(t("In the bucket “{bucket}”", bucket=", ".join(names)))
        customers = [{"key": key, "name": self.book.customers[key].name}
                     for key in self.customer_keys()]
        currencies = self.analysis.currencies()
        status_options = [{"value": "", "label": t("All")},
                          {"value": UNPAID, "label": t("Unpaid (open and overdue)")}]
        status_options += [{"value": s, "label": t(s)} for s in STATUSES]
        return {
            "rows": [self.invoice_view(row) for row in shown],
            "has_discounts": any(row.discount for row in shown),
            "has_penalties": any(row.penalties for row in shown),
            "count": t("{count} row(s)", count=len(picks)),
            "total_rows": len(picks),
            "complete": pages == 1,
            "page": page, "pages": pages,
            "page_label": t("Page {page} of {pages}", page=page, pages=pages),
            "previous": url(page=page - 1) if page > 1 else None,
            "next": url(page=page + 1) if page < pages else None,
            "headers": headers,
            "status": args.get("status", ""), "status_options": status_options,
            "customer": args.get("customer", ""), "customers": customers,
            "currency": args.get("currency", ""), "currencies": currencies,
            "filters": filters,
            "reset": links.view("invoices"),
            "totals": [{"currency": c, "amount": ui.money(v[0], c), "open": ui.money(v[1], c),
                        "count": int(v[2])} for c, v in sorted(totals.items())],
            "json": links.endpoint("invoices", **{k: v for k, v in kept.items()}),
        }

    def invoices_json(self) -> list[dict[str, Any]]:
        return [invoice_record(row) for row in self.rows_of(self.picks())]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def figures_record(f: metrics.PeriodFigures) -> dict[str, Any]:
    return _plain({
        "opening": f.opening, "invoiced": f.invoiced, "credit_notes": f.credit_notes,
        "credit_sales": f.credit_sales, "closing": f.closing, "not_yet_due": f.current,
        "days": f.days, "dso": f.dso, "countback_dso": f.countback_dso,
        "best_possible_dso": f.best_possible_dso,
        "average_days_delinquent": f.average_days_delinquent, "cei": f.cei,
    })


def profile_record(profile: metrics.CustomerProfile, customer: Any) -> dict[str, Any]:
    behaviour = profile.behaviour
    limit = profile.credit_limit
    return _plain({
        "customer": profile.customer, "name": customer.name, "account": customer.account,
        "balances": profile.balances, "overdue": profile.overdue,
        "unapplied": profile.unapplied, "open_items": profile.open_items,
        "oldest_overdue_days": profile.oldest_overdue_days,
        "credit_limit": {"number": limit.number, "currency": limit.currency} if limit else None,
        "credit_limit_use": profile.limit_use,
        "credit_limit_exceeded": profile.limit_exceeded,
        "risk": {"level": profile.risk.level,
                 "reasons": [{"code": code, "value": value}
                             for code, value in profile.risk.reasons]},
        "behaviour": {
            "since": behaviour.since, "paid": behaviour.paid,
            "average_days_to_pay": behaviour.average_days_to_pay,
            "average_days_late": behaviour.average_days_late,
            "on_time": behaviour.on_time,
            "trend": [{"month": m.month, "paid": m.paid,
                       "average_days_late": m.average_days_late} for m in behaviour.trend],
        },
    })
