"""CSV and XLSX exports (`beancount_ar.render.exports`): ``bean-ar invoices|aging --format
csv|xlsx`` and the Fava pages' export links, read back with the csv module (in the file's
dialect) and openpyxl (numbers and dates must be numeric and date cells, not text), their totals
compared with the aging's."""

from __future__ import annotations

import csv
import datetime
import html
import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest

from beancount_ar.cli import main
from beancount_ar.render import exports
from tests.conftest import ledger_text
from tests.fava_helpers import base, copy_example, make_app
from tests.test_cli import BODY

ZINC = "Assets:Receivable:RestaurantLeZinc"


@pytest.fixture
def ledger(tmp_path):
    path = tmp_path / "main.beancount"
    path.write_text(ledger_text(BODY))
    return str(path)


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def number(text: str, dialect: exports.Dialect) -> Decimal:
    return Decimal(text.replace(dialect.decimal, ".")) if text else Decimal(0)


def read_csv(content: bytes, dialect: exports.Dialect) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf") == dialect.bom
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")),
                               delimiter=dialect.delimiter))


def read_xlsx(content: bytes) -> list[list[openpyxl.cell.Cell]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(row) for row in book.worksheets[0].iter_rows()]


# -- bean-ar ---------------------------------------------------------------------------------


def test_aging_csv_in_french_reads_back_to_the_aging(capsys, ledger, tmp_path):
    _, out, _ = run(capsys, "aging", ledger, "--as-of", "2025-04-01", "--format", "json")
    aging = json.loads(out)
    target = tmp_path / "aging.csv"
    code, out, err = run(capsys, "aging", ledger, "--as-of", "2025-04-01", "--format", "csv",
                         "--locale", "fr", "-o", str(target))
    assert (code, err) == (0, "") and out.startswith(f"{target}: csv")
    content = target.read_bytes()
    assert b";1000,00\r\n" in content and b"1000.00" not in content
    rows = read_csv(content, exports.FRENCH)
    assert list(rows[0]) == ["customer", "name", "currency", "current", "1-30", "31-60",
                             "61-90", "90+", "unapplied", "total"]
    for currency, total in aging["totals"].items():
        customers = [r for r in rows if r["currency"] == currency and r["customer"] != "TOTAL"]
        assert sum(number(r["total"], exports.FRENCH) for r in customers) == \
            Decimal(total["total"])
        line = next(r for r in rows if r["customer"] == "TOTAL" and r["currency"] == currency)
        assert number(line["total"], exports.FRENCH) == Decimal(total["total"])
    # printed (no -o): the same bytes as text
    _, printed, _ = run(capsys, "aging", ledger, "--as-of", "2025-04-01", "--format", "csv",
                        "--locale", "fr")
    assert printed.rstrip("\n") == content.decode("utf-8").rstrip("\r\n")


def test_invoices_xlsx_has_numbers_and_dates(capsys, ledger, tmp_path):
    target = tmp_path / "invoices.xlsx"
    code, out, err = run(capsys, "invoices", ledger, "--as-of", "2025-03-10", "--format",
                         "xlsx", "-o", str(target))
    assert (code, err) == (0, "") and out.strip() == f"{target}: xlsx, 4 row(s)"
    header, *rows = read_xlsx(target.read_bytes())
    columns = {cell.value: index for index, cell in enumerate(header)}
    assert list(columns)[:3] == ["kind", "invoice", "instalment"]
    assert len(rows) == 4
    for row in rows:
        for name in ("amount", "open", "days_overdue"):
            cell = row[columns[name]]
            assert cell.data_type == "n" and isinstance(cell.value, (int, float)), (name, cell)
        for name in ("date", "due"):
            cell = row[columns[name]]
            assert cell.is_date and isinstance(cell.value, datetime.datetime), (name, cell)
            assert cell.number_format == "yyyy-mm-dd"
        assert row[columns["amount"]].number_format == "#,##0.00"
    f1 = next(r for r in rows if r[columns["invoice"]].value == "F-1")
    assert f1[columns["amount"]].value == 1200 and f1[columns["open"]].value == 0
    assert f1[columns["paid_date"]].value == datetime.datetime(2025, 1, 24)
    assert f1[columns["date"]].value == datetime.datetime(2025, 1, 15)
    # the open amounts add up to the aging's total of the same day
    _, out, _ = run(capsys, "aging", ledger, "--as-of", "2025-03-10", "--format", "json")
    totals = json.loads(out)["totals"]
    by_currency: dict[str, Decimal] = {}
    for row in rows:
        currency = row[columns["currency"]].value
        by_currency[currency] = (by_currency.get(currency, Decimal(0))
                                 + Decimal(str(row[columns["open"]].value)))
    # the aging also holds unapplied credits, which are not items
    assert {c: by_currency.get(c, Decimal(0)) for c in totals} == {
        c: Decimal(t["total"]) - Decimal(t["unapplied"]) for c, t in totals.items()}


def test_aging_xlsx_totals_are_numbers(capsys, ledger, tmp_path):
    target = tmp_path / "aging.xlsx"
    assert run(capsys, "aging", ledger, "--as-of", "2025-04-01", "--format", "xlsx", "-o",
               str(target))[0] == 0
    header, *rows = read_xlsx(target.read_bytes())
    assert [c.value for c in header][-2:] == ["unapplied", "total"]
    totals = {r[2].value: r[-1].value for r in rows if r[0].value == "TOTAL"}
    assert totals == {"EUR": 1000, "USD": -100}
    assert all(r[-1].data_type == "n" for r in rows)


def test_xlsx_needs_a_file_and_csv_in_english_is_unchanged(capsys, ledger):
    code, out, err = run(capsys, "invoices", ledger, "--format", "xlsx")
    assert code == 1 and out == "" and "give -o FILE.xlsx" in err
    code, out, _ = run(capsys, "invoices", ledger, "--as-of", "2025-03-10", "--format", "csv",
                       "--locale", "en")
    rows = read_csv(out.encode("utf-8"), exports.ENGLISH)
    assert rows[0]["amount"] == "1200.00" and rows[0]["date"] == "2025-01-15"
    code, _, err = run(capsys, "aging", ledger, "--format", "csv", "-o", "/nonexistent/x.csv")
    assert code == 1 and "cannot write the file" in err


def test_numbers_keep_their_decimals_and_sign():
    dialect = exports.FRENCH
    table = exports.Table("T", (exports.Column("c", "C"), exports.Column("a", "A",
                                                                          exports.MONEY),
                                exports.Column("d", "D", exports.DATE)), currency=0)
    table.rows.append(("JPY", Decimal("-1234"), datetime.date(2026, 1, 2)))
    table.rows.append(("EUR", Decimal("-0.05"), None))
    assert exports.to_csv(table, dialect).decode("utf-8-sig").splitlines() == [
        "c;a;d", "JPY;-1234;2026-01-02", "EUR;-0,05;"]
    _, jpy, eur = read_xlsx(exports.to_xlsx([table]))
    assert (jpy[1].value, jpy[1].number_format) == (-1234, "#,##0")
    assert (eur[1].value, eur[1].number_format) == (-0.05, "#,##0.00")
    assert eur[2].value is None


# -- Fava ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(copy_example(tmp_path_factory.mktemp("ledger")))


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def url(app):
    return base(app)


def get(client, url: str, query: str, language: str = "en"):
    response = client.get(f"{url}{query}", headers={"Accept-Language": language})
    return response


def export_links(client, url: str, query: str) -> dict[str, str]:
    body = get(client, url, f"?{query}").get_data(as_text=True)
    return {fmt: html.unescape(href) for href, fmt in
            re.findall(r'<a href="([^"]+)" data-remote download class="ar-export" '
                       r'data-format="(\w+)"', body)}


def test_every_table_page_links_to_its_csv_and_xlsx(client, url):
    for query in ("view=aging", "view=customers", "view=invoices&status=overdue",
                  f"view=customer&customer={ZINC}"):
        links = export_links(client, url, query + "&time=2026")
        assert set(links) == {"csv", "xlsx"}, query
        for fmt, link in links.items():
            assert "time=2026" in link and f"format={fmt}" in link
    assert "status=overdue" in export_links(client, url, "view=invoices&status=overdue")["csv"]
    assert export_links(client, url, "view=statements") == {}


def test_invoices_xlsx_is_the_pages_selection(client, url):
    query = "status=overdue&sort=open&order=desc"
    records = get(client, url, f"invoices?{query}").get_json()
    links = export_links(client, url, f"view=invoices&{query}")
    response = client.get(links["xlsx"])
    assert response.status_code == 200
    assert response.mimetype == exports.XLSX_MIMETYPE
    assert "attachment" in response.headers["Content-Disposition"]
    header, *rows = read_xlsx(response.data)
    columns = {cell.value: index for index, cell in enumerate(header)}
    assert len(rows) == len(records) > 5
    opens = [row[columns["Open"]].value for row in rows]
    assert opens == [float(r["open"]) for r in records]  # the page's sort, all its pages
    assert all(row[columns["Due"]].is_date for row in rows)
    assert all(row[columns["Status"]].value == "overdue" for row in rows)


def test_aging_csv_in_french_adds_up_to_the_aging(client, url):
    aging = get(client, url, "aging").get_json()
    links = export_links(client, url, "view=aging")
    response = client.get(links["csv"], headers={"Accept-Language": "fr"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = read_csv(response.data, exports.FRENCH)
    assert list(rows[0])[:3] == ["Compte", "Client", "Devise"]
    for currency, total in aging["totals"].items():
        line = next(r for r in rows if r["Compte"] == "TOTAL" and r["Devise"] == currency)
        assert number(line["Total"], exports.FRENCH) == Decimal(total["total"])
        customers = [r for r in rows if r["Compte"] != "TOTAL" and r["Devise"] == currency]
        assert sum(number(r["Total"], exports.FRENCH) for r in customers) == \
            Decimal(total["total"])


def test_customers_and_open_items_exports(client, url):
    aging = get(client, url, "aging").get_json()
    response = client.get(export_links(client, url, "view=customers")["xlsx"])
    header, *rows = read_xlsx(response.data)
    columns = {cell.value: index for index, cell in enumerate(header)}
    eur = sum(Decimal(str(r[columns["Balance"]].value)) for r in rows
              if r[columns["Currency"]].value == "EUR")
    assert eur == Decimal(aging["totals"]["EUR"]["total"])

    customer = get(client, url, f"customer?customer={ZINC}").get_json()
    response = client.get(export_links(client, url, f"view=customer&customer={ZINC}")["csv"])
    assert "open-items-RestaurantLeZinc" in response.headers["Content-Disposition"]
    rows = read_csv(response.data, exports.ENGLISH)
    opens = sum(number(r["Open"], exports.ENGLISH) for r in rows)
    unapplied = Decimal(customer["unapplied"].get("EUR", "0"))
    assert opens + unapplied == Decimal(customer["balances"]["EUR"])


def test_bad_export_requests_say_why(client, url, tmp_path):
    response = client.get(f"{url}export?table=journal&format=csv")
    assert response.status_code == 400 and b"table=" in response.data
    response = client.get(f"{url}export?table=aging&format=ods")
    assert response.status_code == 400 and b"format=" in response.data
    app = make_app(copy_example(tmp_path), incognito=True)
    hidden = app.test_client()
    assert b'class="ar-export"' not in hidden.get(f"{base(app)}?view=aging").data
    response = hidden.get(f"{base(app)}export?table=aging&format=csv")
    assert response.status_code == 403 and b"incognito" in response.data
