"""Tables for spreadsheets: the invoice rows, the aged receivables and the customers as CSV in
the user's locale or as XLSX with real numbers and dates.

An adapter, not a rule: the rows come from the core (`beancount_ar.core.report.InvoiceRow`,
`beancount_ar.core.aging.Aging`, `beancount_ar.core.metrics.CustomerProfile`), already selected
and sorted; this module only lays them out. ``bean-ar invoices|aging --format csv|xlsx`` and the
CSV/XLSX links of every table page in Fava call it. With

    2025-01-15 * "Dupont" "Four" ^F-1
      invoice: "F-1"
      Assets:Receivable:Dupont   1200.00 EUR
      Income:Sales

``to_csv(invoices_table(rows), FRENCH)`` gives ``...;2025-01-15;2025-02-14;EUR;1200,00;...``
(UTF-8 with a byte-order mark, so that Excel reads the accents) and ``to_xlsx(...)`` a sheet whose
amount cells are numbers formatted ``#,##0.00`` and whose date cells are dates.

CSV dialects (`DIALECTS`): ``en`` separates fields with ``,`` and writes ``1200.00`` (what
programs expect: no byte-order mark, the same columns as before); ``fr`` separates with ``;`` and
writes ``1200,00``, as a French spreadsheet reads a CSV file. Dates are ISO (``2025-01-15``) in
both: LibreOffice and Excel read it as a date in every locale, where ``15/01/2025`` would be
read as text (or as 1 May) in an English one. Amounts carry no thousands separator, so that they
stay numbers when read back.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount_ar.core.aging import Aging
from beancount_ar.core.money import ZERO, currency_places
from beancount_ar.core.report import InvoiceRow

TEXT = "text"
DATE = "date"
MONEY = "money"  # an amount in the row's currency (column "currency")
INTEGER = "integer"
NUMBER = "number"  # a figure with one decimal (days, %)

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Dialect:
    """How a CSV file is written for a locale."""

    name: str
    delimiter: str
    decimal: str
    bom: bool  # a UTF-8 byte-order mark first (Excel then reads the file as UTF-8)


ENGLISH = Dialect("en", ",", ".", False)
FRENCH = Dialect("fr", ";", ",", True)
DIALECTS = {"en": ENGLISH, "fr": FRENCH}


def dialect_for(language: str | None) -> Dialect:
    """The dialect of a language code such as "fr" or "fr_FR" (English otherwise)."""
    return FRENCH if (language or "").lower().startswith("fr") else ENGLISH


@dataclass(frozen=True)
class Column:
    key: str  # the CSV header for programs, e.g. "days_overdue"
    label: str  # the header for people, in English (a message to translate)
    kind: str = TEXT


@dataclass
class Table:
    """Rows of plain values (str, int, Decimal, date or None) under columns; `currency` is the
    index of the column giving each row's currency (for MONEY cells' decimals in XLSX)."""

    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    currency: int | None = None

    def headers(self, translate: Callable[[str], str] | None = None) -> list[str]:
        """The keys (for programs), or the labels through `translate` (for people)."""
        if translate is None:
            return [c.key for c in self.columns]
        return [translate(c.label) for c in self.columns]


# -- the tables ------------------------------------------------------------------------------

INVOICE_COLUMNS = (
    Column("kind", "Kind"), Column("invoice", "Invoice"), Column("instalment", "Instalment"),
    Column("charged_on", "Charged on"), Column("customer", "Account"),
    Column("customer_name", "Customer"), Column("date", "Date", DATE),
    Column("due", "Due", DATE), Column("currency", "Currency"),
    Column("amount", "Amount", MONEY), Column("open", "Open", MONEY),
    Column("status", "Status"), Column("days_overdue", "Days overdue", INTEGER),
    Column("discount_until", "Discount until", DATE), Column("discount", "Discount", MONEY),
    Column("paid_date", "Paid on", DATE), Column("penalties", "Penalties", MONEY),
    Column("payments", "Settled by"),
)


def _plain_number(value: Decimal, dialect: Dialect) -> str:
    text = f"{value:f}"
    return text.replace(".", dialect.decimal) if dialect.decimal != "." else text


def invoices_table(rows: Iterable[InvoiceRow], translate: Callable[[str], str] | None = None,
                   dialect: Dialect = ENGLISH) -> Table:
    """One line per item. `translate` turns kinds and statuses into words (codes without it);
    the settlements column is text, its amounts written in `dialect`."""
    word = translate or (lambda text: text)
    table = Table("Invoices", INVOICE_COLUMNS, currency=8)
    for row in rows:
        payments = "; ".join(f"{p.date.isoformat()} {_plain_number(p.amount, dialect)} "
                             f"{word(p.kind)}" for p in row.payments)
        table.rows.append((
            word(row.kind), row.invoice, row.instalment or "", row.charged_on or "",
            row.customer, row.customer_name, row.date, row.due, row.currency, row.amount,
            row.open, word(row.status), row.days_overdue, row.discount_until, row.discount,
            row.paid_date, row.penalties, payments))
    return table


def aging_table(report: Aging, labels: Sequence[str] | None = None,
                translate: Callable[[str], str] | None = None) -> Table:
    """One line per customer and currency, then one TOTAL line per currency: the aging's own
    figures, so the file's totals are the aging's. `labels` name the buckets (the report's own,
    such as "1-30", by default)."""
    names = list(labels) if labels is not None else list(report.labels)
    total = (translate or (lambda text: text))("Total").upper()
    columns = (Column("customer", "Account"), Column("name", "Customer"),
               Column("currency", "Currency"),
               *(Column(label, name, MONEY) for label, name in zip(report.labels, names,
                                                                    strict=True)),
               Column("unapplied", "Unapplied credits", MONEY), Column("total", "Total", MONEY))
    table = Table("Aging", columns, currency=2)
    for r in report.rows:
        table.rows.append((r.customer, r.name, r.currency, *r.buckets, r.unapplied, r.total))
    for currency, r in sorted(report.totals.items()):
        table.rows.append((total, "", currency, *r.buckets, r.unapplied, r.total))
    return table


CUSTOMER_COLUMNS = (
    Column("customer", "Account"), Column("name", "Customer"), Column("currency", "Currency"),
    Column("balance", "Balance", MONEY), Column("overdue", "Overdue", MONEY),
    Column("oldest_overdue_days", "Oldest overdue", INTEGER),
    Column("open_items", "Open items", INTEGER),
    Column("credit_limit", "Credit limit", MONEY),
    Column("credit_limit_use", "Limit used", NUMBER),
    Column("average_days_late", "Average days late", NUMBER), Column("risk", "Risk"),
)


def customers_table(profiles: Mapping[str, Any], customers: Mapping[str, Any],
                    keys: Iterable[str],
                    translate: Callable[[str], str] | None = None) -> Table:
    """One line per customer (`keys`, in that order) and currency of its balance, as on the
    Customers page: `profiles` are `core.metrics.CustomerProfile`s, `customers` the book's
    customers (their names)."""
    word = translate or (lambda text: text)
    table = Table("Customers", CUSTOMER_COLUMNS, currency=2)
    for key in keys:
        profile = profiles[key]
        limit = profile.credit_limit
        for currency in sorted(profile.balances) or [""]:
            on_limit = limit is not None and limit.currency == currency
            table.rows.append((
                key, customers[key].name, currency, profile.balances.get(currency, ZERO),
                profile.overdue.get(currency, ZERO), profile.oldest_overdue_days,
                profile.open_items, limit.number if on_limit else None,
                profile.limit_use if on_limit else None,
                profile.behaviour.average_days_late, word(profile.risk.level)))
    return table


# -- CSV -------------------------------------------------------------------------------------


def _csv_cell(value: Any, kind: str, dialect: Dialect) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        if kind == NUMBER:
            value = value.quantize(Decimal("0.1"))
        return _plain_number(value, dialect)
    if isinstance(value, float):  # pragma: no cover - the core gives Decimals
        return _plain_number(Decimal(str(value)), dialect)
    return str(value)


def to_csv(table: Table, dialect: Dialect = ENGLISH,
           translate: Callable[[str], str] | None = None) -> bytes:
    """The table as CSV bytes (UTF-8) in `dialect`; headers are the columns' keys, or their
    labels through `translate`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator="\r\n"
                        if dialect.bom else "\n")
    writer.writerow(table.headers(translate))
    kinds = [c.kind for c in table.columns]
    for row in table.rows:
        writer.writerow([_csv_cell(v, k, dialect) for v, k in zip(row, kinds, strict=True)])
    return (("\ufeff" if dialect.bom else "") + buffer.getvalue()).encode("utf-8")


# -- XLSX ------------------------------------------------------------------------------------


def _money_format(currency: str) -> str:
    digits = currency_places(currency) if currency else 2
    return "#,##0" + ("." + "0" * digits if digits > 0 else "")


FORMAT_DATE = "yyyy-mm-dd"
FORMAT_INTEGER = "0"
FORMAT_NUMBER = "0.0"


def to_xlsx(tables: Sequence[Table], translate: Callable[[str], str] | None = None) -> bytes:
    """A workbook with one sheet per table: amounts and figures are numeric cells with a
    number format (the currency's decimals), dates are date cells, headers bold and frozen,
    with an autofilter. Headers are labels through `translate` (keys without it)."""
    from openpyxl import Workbook  # imported late: only exports need it
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        title = (translate(table.title) if translate else table.title)[:31]
        sheet = book.create_sheet(title)
        headers = table.headers(translate)
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(h) for h in headers]
        for row in table.rows:
            currency = str(row[table.currency]) if table.currency is not None else ""
            sheet.append(list(row))
            cells = sheet[sheet.max_row]
            for index, (cell, column, value) in enumerate(
                    zip(cells, table.columns, row, strict=True)):
                if value is None or value == "":
                    continue
                if column.kind == MONEY:
                    cell.number_format = _money_format(currency)
                elif column.kind == DATE:
                    cell.number_format = FORMAT_DATE
                elif column.kind == INTEGER:
                    cell.number_format = FORMAT_INTEGER
                elif column.kind == NUMBER:
                    cell.number_format = FORMAT_NUMBER
                widths[index] = max(widths[index], len(str(value)) + 2)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(max(8, width + 2), 60)
        sheet.freeze_panes = "A2"
        if table.rows:
            sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export(tables: Sequence[Table], fmt: str, dialect: Dialect = ENGLISH,
           translate: Callable[[str], str] | None = None) -> tuple[bytes, str, str]:
    """(content, mimetype, file extension) of `tables` as "csv" (the first table) or "xlsx";
    ValueError for another format."""
    if fmt == "csv":
        mimetype = f"{CSV_MIMETYPE}; charset=utf-8"
        return to_csv(tables[0], dialect, translate), mimetype, "csv"
    if fmt == "xlsx":
        return to_xlsx(tables, translate), XLSX_MIMETYPE, "xlsx"
    raise ValueError(f"format {fmt!r}: expected one of {', '.join(FORMATS)}")
