"""The Aging page (the extension's landing page): per customer and currency, the open amounts per
bucket, the totals and their check against the receivable accounts' balance, a chart of the
buckets, and the period's metrics (DSO, best possible DSO, average days delinquent, CEI).

Every cell, bar and metric links to the items that make it up (`invoices_page`), so that the
figure can be checked line by line. With

    2026-01-15 * "Dupont" "Facture" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   1200.00 EUR
      Income:Sales

the page as of 2026-03-01 shows 1,200.00 EUR for Dupont in "1-30 days" (due 2026-02-14, 15 days
past due), linked to ``?view=invoices&customer=Assets:Receivable:Dupont&currency=EUR&bucket=1``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from beancount_ar.core import aging as aging_lib
from beancount_ar.core import metrics
from beancount_ar.core.money import ZERO
from beancount_ar.core.selection import UNPAID
from beancount_ar.serialize import aging_record
from fava_ar_extension.page import PageBase, _plain


class AgingPage(PageBase):
    """``?view=aging``."""

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
                "cells": [self.view_cell(amount, currency, "invoices", customer=key,
                                         currency=currency, bucket=index, by=by)
                          for index, amount in enumerate(row.buckets)],
                "unapplied": self.view_cell(row.unapplied, currency, "customer", customer=key),
                "total": self.view_cell(row.total, currency, "invoices", customer=key,
                                        currency=currency, status=UNPAID),
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
                 "url": links.view("invoices", currency=currency, kind="invoice,instalment",
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


def figures_record(f: metrics.PeriodFigures) -> dict[str, Any]:
    return _plain({
        "opening": f.opening, "invoiced": f.invoiced, "credit_notes": f.credit_notes,
        "credit_sales": f.credit_sales, "closing": f.closing, "not_yet_due": f.current,
        "days": f.days, "dso": f.dso, "countback_dso": f.countback_dso,
        "best_possible_dso": f.best_possible_dso,
        "average_days_delinquent": f.average_days_delinquent, "cei": f.cei,
    })
