"""The Customers page (balance, overdue amount, credit-limit use and risk of every customer) and
one customer's page (contact details, open items, history with the lettrage, payment
behaviour, credit-limit use, risk and the reminders sent).

A customer's open items are the same items as the Invoices page lists for it (penalties and
other debits included), so they add up to its balance. With

    2026-01-01 open Assets:Receivable:Dupont
      customer: "Boulangerie Dupont SARL"
      credit_limit: 5000.00 EUR

``?view=customer&customer=Assets:Receivable:Dupont`` (or the customer's name) shows its page.
"""

from __future__ import annotations

import datetime
from typing import Any

from beancount_ar.core import metrics
from beancount_ar.core.allocation import OVERDUE
from beancount_ar.core.model import PENALTY, Item
from beancount_ar.core.money import ZERO
from beancount_ar.core.reminders import DEFAULT_LEVELS
from beancount_ar.core.selection import UNPAID, item_kind
from beancount_ar.serialize import invoice_record
from fava_ar_extension.page import PageBase, _plain


class CustomersPage(PageBase):
    """``?view=customers`` and ``?view=customer&customer=...``."""

    def risk_rule(self) -> str:
        rule = self.settings.risk
        return self.t(
            "High: an amount more than {high} days past due, the credit limit exceeded, or a "
            "write-off in the last 12 months. Medium: an amount more than {medium} days past "
            "due, payments more than {late} days late on average over the last 12 months, or "
            "more than {limit} % of the credit limit used. Low: otherwise.",
            high=rule.high_overdue_days, medium=rule.medium_overdue_days,
            late=self.ui.number(rule.late_days, 0), limit=self.ui.number(rule.limit_warning, 0))

    def reason(self, code: str, value: Any, oldest: Item | None = None) -> str:
        ui, t = self.ui, self.t
        if code == metrics.OVERDUE_DAYS:
            if oldest is None:
                return t.n("{count} day past due", "{count} days past due", value)
            if oldest.kind == PENALTY:
                return t.n("a late-payment charge on {invoice} of {date} is {count} day past due",
                           "a late-payment charge on {invoice} of {date} is {count} days past due",
                           value, invoice=oldest.invoice, date=oldest.date.isoformat())
            return t.n("{item} is {count} day past due", "{item} is {count} days past due", value,
                       item=oldest.label)
        if code == metrics.LIMIT_EXCEEDED:
            return t("credit limit exceeded ({use} %)", use=ui.number(value))
        if code == metrics.LIMIT_HIGH:
            return t("{use} % of the credit limit used", use=ui.number(value))
        if code == metrics.WRITTEN_OFF:
            amounts = ", ".join(ui.amount(v, c) for c, v in sorted(value.items()))
            return t("written off in the last 12 months: {amounts}", amounts=amounts)
        return t("paid {days} days late on average", days=ui.number(value))

    def risk(self, profile: metrics.CustomerProfile) -> dict[str, Any]:
        risk = profile.risk
        return {"level": risk.level, "label": self.t(risk.level),
                "reasons": [self.reason(code, value, profile.oldest_overdue)
                            for code, value in risk.reasons]}

    def profiles(self) -> dict[str, metrics.CustomerProfile]:
        return self.analysis.profiles(self.scope.as_of, self.scope.customers, self.settings.risk)

    def customers(self) -> dict[str, Any]:
        ui = self.ui
        profiles = self.profiles()
        rows = []
        for key in self.customer_keys():
            customer = self.book.customers[key]
            profile = profiles[key]
            risk = self.risk(profile)
            limit = profile.credit_limit
            currencies: list[str | None] = [*sorted(profile.balances)] or [None]
            for currency in currencies:
                shown = limit if limit is not None and limit.currency == currency else None
                on_limit = shown is not None
                rows.append({
                    "customer": key, "name": customer.name, "url": self.customer_url(key),
                    "statement_url": self.links.view("statements", customer=key),
                    "account": customer.account, "currency": currency or "",
                    "balance": self.view_cell(profile.balances.get(currency or "", ZERO),
                                              currency or "", "invoices", customer=key,
                                              currency=currency, status=UNPAID),
                    "overdue": self.view_cell(profile.overdue.get(currency or "", ZERO),
                                              currency or "", "invoices", customer=key,
                                              currency=currency, status=OVERDUE),
                    "oldest": profile.oldest_overdue_days,
                    "open_items": profile.open_items,
                    "limit": ui.amount(shown.number, shown.currency) if shown else "",
                    "limit_value": shown.number if shown else None,
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
            "risk": self.risk(profile), "rule": self.risk_rule(),
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

def profile_record(profile: metrics.CustomerProfile, customer: Any) -> dict[str, Any]:
    behaviour = profile.behaviour
    limit = profile.credit_limit
    return _plain({
        "customer": profile.customer, "name": customer.name, "account": customer.account,
        "balances": profile.balances, "overdue": profile.overdue,
        "unapplied": profile.unapplied, "open_items": profile.open_items,
        "oldest_overdue_days": profile.oldest_overdue_days,
        "oldest_overdue": ({"kind": item_kind(profile.oldest_overdue),
                            "invoice": profile.oldest_overdue.invoice,
                            "date": profile.oldest_overdue.date,
                            "due": profile.oldest_overdue.due}
                           if profile.oldest_overdue is not None else None),
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
