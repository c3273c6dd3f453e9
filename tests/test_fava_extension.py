"""Tests of the Fava extension through Fava's own application: real requests, real templates.

Each test writes an inline ledger to a temporary directory, builds Fava's app on it with
`fava.application.create_app` and asks its test client for the pages (``?partial=true``, as
Fava's frontend does) and the JSON endpoints.
"""

from __future__ import annotations

import datetime
import html
import json
import os
import re
import textwrap
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from fava.application import create_app

from fava_ar_extension import AccountsReceivable
from fava_ar_extension.settings import parse_settings

EXTENSION = "AccountsReceivable"
BASE = f"/test/extension/{EXTENSION}/"

HEADER = """\
option "title" "Test"
option "operating_currency" "EUR"
plugin "beancount_ar" "{'default_terms': 'net 30', 'writeoff_account': 'Expenses:BadDebts'}"
"""

LEDGER = HEADER + """\
2026-01-01 custom "fava-extension" "fava_ar_extension"
2026-01-01 open Assets:Bank EUR,USD
2026-01-01 open Income:Sales EUR,USD
2026-01-01 open Expenses:BadDebts EUR
2026-01-01 open Assets:Receivable:Dupont EUR
  customer: "Boulangerie Dupont"
  email: "compta@dupont.example"
  address: "12 rue des Lilas, 69003 Lyon"
  language: "fr"
  credit_limit: 800.00 EUR
  siret: "123 456 789 00012"
2026-01-01 open Assets:Receivable:Martin EUR
  customer: "Bistrot Martin"
2026-01-01 open Assets:Receivable:Brighton USD
  customer: "Brighton Design Inc."

2026-01-15 * "Boulangerie Dupont" "Four" ^F-1
  invoice: "F-1"
  Assets:Receivable:Dupont   1200.00 EUR
  Income:Sales

2026-02-01 * "Brighton Design" "Lighting concept" ^F-3
  invoice: "F-3"
  Assets:Receivable:Brighton  1000.00 USD
  Income:Sales

2026-02-20 * "Boulangerie Dupont" "Acompte" ^F-1
  Assets:Bank                 200.00 EUR
  Assets:Receivable:Dupont

2026-03-01 * "Bistrot Martin" "Suspensions" ^F-2
  invoice: "F-2"
  Assets:Receivable:Martin    500.00 EUR
  Income:Sales
"""
# As of 2026-03-31: Dupont owes 1000.00 EUR, due 2026-02-14 (45 days: 31-60), Martin 500.00 EUR
# due 2026-03-31 (current), Brighton 1000.00 USD due 2026-03-03 (28 days: 1-30).


def make_app(tmp_path: Path, text: str = LEDGER, **options):
    path = tmp_path / "main.beancount"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    app = create_app([str(path)], load=True, poll_watcher=True, **options)
    app.testing = True
    return app


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


def extension_of(app) -> AccountsReceivable:
    ledger = app.config["LEDGERS"].ledgers[0]
    return ledger.extensions.get_extension(EXTENSION)


def page(client, query: str = "", status: int = 200, **headers) -> str:
    separator = "&" if query else ""
    response = client.get(f"{BASE}?{query}{separator}partial=true", headers=headers)
    assert response.status_code == status
    return response.get_data(as_text=True)


def text_of(body: str) -> str:
    """The page's text, tags removed and entities decoded, spaces collapsed."""
    body = re.sub(r"<style>.*?</style>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def endpoint(client, name: str, query: str = "", status: int = 200):
    response = client.get(f"{BASE}{name}?{query}")
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def aging_row(body: str, name: str) -> list[str]:
    """The cells of the aging table's row of a customer (texts)."""
    table = body[body.index('id="ar-aging-table"'):]
    for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S):
        if f">{name}<" in row:
            return [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    raise AssertionError(f"no row for {name}")


# -- the report and its pages ----------------------------------------------------------------


def test_sidebar_lists_the_report(client):
    body = client.get("/test/income_statement/").get_data(as_text=True)
    data = json.loads(re.search(r'id="ledger-data">(.*?)</script>', body, re.S).group(1))
    assert {"name": EXTENSION, "report_title": "Receivables", "has_js_module": True} in \
        data["extensions"]


def test_full_page_renders_in_fava_layout(client):
    response = client.get(BASE)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<title>Receivables - Test</title>" in body
    assert 'class="ar"' in body


def test_aging_page_as_of_the_end_of_the_time_filter(client):
    body = page(client, "time=2026-03")
    text = text_of(body)
    assert "As of March 31, 2026 (the end of the time filter)" in text
    # Dupont: current, 1-30, 31-60, 61-90, 90+, unapplied, total
    assert aging_row(body, "Boulangerie Dupont") == [
        "Boulangerie Dupont", "EUR", "", "", "1,000.00", "", "", "", "1,000.00"]
    assert aging_row(body, "Bistrot Martin")[2] == "500.00"
    assert aging_row(body, "Brighton Design Inc.")[3] == "1,000.00"
    assert "Total 1,500.00 EUR equals the receivable accounts' balance 1,500.00 EUR." in text
    assert "Total 1,000.00 USD equals the receivable accounts' balance 1,000.00 USD." in text
    # the chart: one SVG per currency, bars linked to their invoices
    assert body.count('<figure class="ar-chart"') == 2
    assert re.search(r'<a href="[^"]*view=invoices[^"]*bucket=2[^"]*" class="ar-bar">', body)


def test_aging_says_by_how_much_it_differs_from_the_balance(app, client, monkeypatch):
    # The subledger is built from the same postings, so only a defect could part them: force one.
    from fava_ar_extension.analysis import Analysis

    balances = Analysis.balances
    monkeypatch.setattr(Analysis, "balances", lambda self, as_of, customers: {
        **balances(self, as_of, customers), "EUR": Decimal("1499.99")})
    body = page(client, "time=2026-03")
    assert ("Total 1,500.00 EUR differs from the receivable accounts' balance 1,499.99 EUR by "
            "0.01 EUR.") in text_of(body)
    assert 'class="ar-check ar-bad"' in body


def test_aging_uses_all_entries_up_to_the_as_of_date(client):
    # Fava's time filter folds January into summary entries: F-1 must still be aged.
    march = page(client, "time=2026-03")
    assert "Boulangerie Dupont" in march
    february = page(client, "time=2026-02")
    assert "As of February 28, 2026" in text_of(february)
    # on 2026-02-28 F-1 is 14 days past due (1-30), F-2 does not exist yet
    assert aging_row(february, "Boulangerie Dupont")[3] == "1,000.00"
    assert "Bistrot Martin" not in february.split('id="ar-aging-table"')[1]
    january = page(client, "time=2026-01")
    # on 2026-01-31 F-1 is not yet due and the deposit not yet paid
    assert aging_row(january, "Boulangerie Dupont")[2] == "1,200.00"


def test_metrics_of_the_period_with_definitions_and_links(client):
    body = page(client, "time=2026-03")
    eur = body.split('class="ar-cards" data-currency="EUR"')[1].split('class="ar-cards"')[0]
    cards = dict(re.findall(r'data-metric="(\w+)">.*?class="ar-value"><a [^>]*>([^<]+)</a>',
                            eur, re.S))
    # EUR, March (31 days): opening 1000.00, credit sales 500.00, closing 1500.00, current 500.00
    assert cards["dso"] == "93.0"  # 1500 / 500 x 31
    assert cards["best"] == "31.0"  # 500 / 500 x 31
    assert cards["add"] == "62.0"
    assert cards["cei"] == "0.0"  # (1000 + 500 - 1500) / (1000 + 500 - 500)
    assert "Days sales outstanding: closing receivables / credit sales" in body
    assert "1,500.00 / 500.00 × 31" in body
    # USD had no credit sales in March
    assert "No credit sales in the period: DSO cannot be computed." in body
    # each figure links to the invoices behind it
    links = re.findall(r'data-metric="dso">.*?<a href="([^"]+)"', body, re.S)
    assert "status=unpaid" in html.unescape(links[0])


def test_metrics_figures_in_json(client):
    data = endpoint(client, "aging", "time=2026-03")
    assert data["as_of"] == "2026-03-31"
    assert data["period"] == {"begin": "2026-03-01", "end": "2026-03-31", "days": 31}
    eur = data["metrics"]["EUR"]
    assert (eur["opening"], eur["credit_sales"], eur["closing"], eur["not_yet_due"]) == (
        "1000.00", "500.00", "1500.00", "500.00")
    assert (eur["dso"], eur["best_possible_dso"], eur["average_days_delinquent"], eur["cei"]) \
        == ("93.0", "31.0", "62.0", "0.0")
    assert data["receivable_balance"] == {"EUR": "1500.00", "USD": "1000.00"}
    assert data["difference"] == {"EUR": "0.00", "USD": "0.00"}
    rows = {(r["name"], r["currency"]): r["buckets"] for r in data["rows"]}
    assert rows[("Boulangerie Dupont", "EUR")]["31-60"] == "1000.00"


def test_no_time_filter_means_today(app, client):
    extension_of(app).today = lambda: datetime.date(2026, 3, 31)
    text = text_of(page(client))
    assert "As of March 31, 2026 (today: no time filter)" in text
    assert "Period April 1, 2025 to March 31, 2026 (365 days)" in text
    assert endpoint(client, "aging")["as_of"] == "2026-03-31"


def test_aging_by_invoice_date(client):
    body = page(client, "time=2026-03&by=invoice")
    text = text_of(body)
    assert "by invoice date" in text
    # F-1 is 75 days old on 2026-03-31: 61-90 (buckets 0-30, 31-60, 61-90, 90+)
    assert aging_row(body, "Boulangerie Dupont")[4] == "1,000.00"
    assert "Age by due date" in text


def test_account_filter_narrows_customers(client):
    body = page(client, "time=2026-03&account=Assets:Receivable:Dupont")
    table = body.split('id="ar-aging-table"')[1]
    assert "Boulangerie Dupont" in table and "Bistrot Martin" not in table
    text = text_of(body)
    assert "Customers narrowed by the account filter “Assets:Receivable:Dupont”." in text
    assert "Total 1,000.00 EUR equals the receivable accounts' balance 1,000.00 EUR." in text
    assert "USD" not in table
    # a regular expression, as in Fava
    names = {r["name"] for r in endpoint(client, "customers", "account=D.*t$")}
    assert names == {"Boulangerie Dupont"}
    nothing = text_of(page(client, "account=Liabilities"))
    assert "No receivable account matches the account filter “Liabilities”." in nothing


def test_customers_page(client):
    body = page(client, "time=2026-03&view=customers")
    text = text_of(body)
    row = re.search(r'<tr data-customer="Assets:Receivable:Dupont">(.*?)</tr>', body, re.S)
    cells = [text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]
    # customer, currency, balance, overdue, oldest overdue, open items, limit, use, late, risk
    assert cells == ["Boulangerie Dupont Assets:Receivable:Dupont", "EUR", "1,000.00", "1,000.00",
                     "45 days", "1", "800.00 EUR", "125.0 %", "n/a", "high"]
    assert 'title="credit limit exceeded (125.0 %); F-1 is 45 days past due"' in body
    assert "Risk rating rule" in text
    assert "High: an amount more than 60 days past due" in text
    data = {r["name"]: r for r in endpoint(client, "customers", "time=2026-03")}
    dupont = data["Boulangerie Dupont"]
    assert dupont["credit_limit_use"] == "125.0" and dupont["credit_limit_exceeded"]
    assert dupont["risk"]["level"] == "high"
    assert data["Bistrot Martin"]["risk"] == {"level": "low", "reasons": []}


def test_customer_page(client):
    body = page(client, "time=2026-03&view=customer&customer=Assets:Receivable:Dupont")
    text = text_of(body)
    assert "Boulangerie Dupont Assets:Receivable:Dupont" in text
    # contact details from the open directive, other metadata too
    assert 'href="mailto:compta@dupont.example"' in body
    assert "12 rue des Lilas, 69003 Lyon" in text and "siret 123 456 789 00012" in text
    assert "Credit limit exceeded: 1,000.00 EUR owed for a limit of 800.00 EUR (125.0 %)." in text
    assert 'role="alert"' in body
    # risk and its rule
    assert "Why: credit limit exceeded (125.0 %); F-1 is 45 days past due" in text
    # Fava's journal of the account
    assert 'href="/test/account/Assets:Receivable:Dupont/?time=2026-03"' in body
    # history: the invoice, then the deposit that settles part of it
    history = body.split('id="ar-history"')[1]
    lines = text_of(history)
    # the invoice: due date, amount, balance, what settled it, and its letter (lower case: open)
    assert "2026-01-15 invoice F-1 Four a 2026-02-14 1,200.00 1,200.00 2026-02-20 Acompte " \
        "200.00 (payment)" in lines
    # the deposit: the invoice it settled
    assert "2026-02-20 payment Acompte a 200.00 1,000.00 2026-02-20 F-1 200.00 (payment)" in lines
    # every line links to its entry in Fava (#context-<hash>) and to its source
    assert re.search(r'href="#context-[0-9a-f]+" title="Entry"', history)
    assert re.search(r'href="/test/editor/\?[^"]*file_path=[^"]*main.beancount[^"]*line=\d+',
                     html.unescape(history))
    # payment behaviour is stated with its rule
    assert "Payment behaviour" in text and "Days to pay: from the invoice date" in body


def test_customer_json(client):
    data = endpoint(client, "customer", "time=2026-03&customer=Assets:Receivable:Dupont")
    assert data["balances"] == {"EUR": "1000.00"}
    assert [i["invoice"] for i in data["invoices"]] == ["F-1"]
    assert data["invoices"][0]["payments"][0]["amount"] == "200.00"


def test_customer_payment_behaviour(tmp_path):
    app = make_app(tmp_path, LEDGER + """
2026-03-20 * "Boulangerie Dupont" "Solde" ^F-1
  Assets:Bank                1000.00 EUR
  Assets:Receivable:Dupont
""")
    body = page(app.test_client(), "time=2026-03&view=customer&customer=Assets:Receivable:Dupont")
    cards = re.findall(r'class="ar-value">([^<]+)<', body)
    # F-1: 2026-01-15, due 2026-02-14, paid 2026-03-20: 64 days to pay, 34 days late
    assert [c.strip() for c in cards[:3]] == ["64.0", "34.0", "0.0"]
    assert "1 invoice(s) or instalment(s) paid" in text_of(body)


def test_unknown_customer(client):
    assert "Unknown customer “Assets:Receivable:Nobody”." in text_of(
        page(client, "view=customer&customer=Assets:Receivable:Nobody"))
    assert "Give a customer" in page(client, "view=customer")
    data = endpoint(client, "customer", "customer=Assets:Receivable:Nobody", status=404)
    assert "Unknown customer" in data["error"]


def test_invoices_page(client):
    body = page(client, "time=2026-03&view=invoices")
    text = text_of(body)
    assert "3 rows" in text
    table = body.split('id="ar-invoices-table"')[1]
    # newest first
    assert [m for m in re.findall(r'class="ar-invoice">([^<]+)<', table)] == ["F-2", "F-3", "F-1"]
    rows = re.findall(r'<tr data-status="(\w+)">', table)
    assert rows == ["open", "overdue", "overdue"]
    assert "45" in text_of(table.split("F-1")[1])  # days overdue
    # totals per currency, never summed across currencies
    totals = text_of(body.split('id="ar-invoice-totals"')[1])
    assert "EUR 2 1,700.00 1,500.00" in totals and "USD 1 1,000.00 1,000.00" in totals


def test_invoices_filters_and_sort(client):
    def labels(query: str) -> list[str]:
        body = page(client, "time=2026-03&view=invoices&" + query)
        if "No invoices match." in body:
            return []
        return re.findall(r'class="ar-invoice">([^<]+)<', body.split('id="ar-invoices-table"')[1])

    assert labels("status=overdue") == ["F-3", "F-1"]
    assert labels("status=open") == ["F-2"]
    assert labels("status=paid") == []
    assert labels("status=unpaid&sort=invoice&order=asc") == ["F-1", "F-2", "F-3"]
    assert labels("customer=Assets:Receivable:Martin") == ["F-2"]
    assert labels("currency=USD") == ["F-3"]
    assert labels("sort=open&order=desc&currency=EUR") == ["F-1", "F-2"]
    assert labels("bucket=2&by=due") == ["F-1"]  # 31-60 days past due
    assert labels("bucket=0") == ["F-2"]
    assert labels("from=2026-02-01&to=2026-02-28") == ["F-3"]
    body = page(client, "time=2026-03&view=invoices&bucket=2")
    assert "In the bucket “31–60 days”" in text_of(body)
    assert [r["invoice"] for r in endpoint(client, "invoices", "time=2026-03&status=overdue")] \
        == ["F-3", "F-1"]


def test_invoices_bad_parameters_say_so(client):
    assert "Unknown status “late”" in text_of(page(client, "view=invoices&status=late"))
    assert "is not a date such as 2026-11-23" in text_of(page(client, "view=invoices&from=x"))
    assert "sort='price'" in html.unescape(page(client, "view=invoices&sort=price"))
    assert "expected a page number" in page(client, "view=invoices&page=two")
    data = endpoint(client, "invoices", "status=late", status=400)
    assert "accepted: unpaid, open, overdue" in data["error"]
    assert "view='nope'" in html.unescape(page(client, "view=nope"))


def test_invoices_pages(tmp_path):
    invoices = "".join(f"""
2026-02-{day:02d} * "Bistrot Martin" "Invoice" ^G-{day}
  invoice: "G-{day}"
  Assets:Receivable:Martin    {day}.00 EUR
  Income:Sales
""" for day in range(1, 26))
    text = LEDGER.replace('"fava_ar_extension"', '"fava_ar_extension" "{\'page_size\': 10}"')
    client = make_app(tmp_path, text + invoices).test_client()
    body = page(client, "time=2026-03&view=invoices&customer=Assets:Receivable:Martin")
    assert "Page 1 of 3" in text_of(body)
    assert 'data-ar-complete="false"' in body
    assert len(re.findall(r'class="ar-invoice"', body)) == 10
    last = page(client, "time=2026-03&view=invoices&customer=Assets:Receivable:Martin&page=3")
    assert "Page 3 of 3" in text_of(last)
    assert len(re.findall(r'class="ar-invoice"', last)) == 6
    assert 'rel="prev"' in last and 'rel="next"' not in last
    # a long history shows its latest lines, and all of them on demand
    customer = "time=2026-03&view=customer&customer=Assets:Receivable:Martin"
    body = page(client, customer)
    assert "The last 10 of 26 lines. Show all" in text_of(body)
    history = body.split('id="ar-history"')[1]
    assert history.count("<tr class=") == 10 and "G-25" in history and "G-1<" not in history
    # the running balance counts the lines not shown: 1 + 2 + ... + 25 + 500 (F-2)
    assert "2026-03-01 invoice F-2 Suspensions 2026-03-31 500.00 825.00" in text_of(history)
    every = page(client, customer + "&history=all").split('id="ar-history"')[1]
    assert every.count("<tr class=") == 26


# -- language ------------------------------------------------------------------------------


def test_french_follows_fava_language_option(tmp_path):
    text = LEDGER + '2026-01-01 custom "fava-option" "language" "fr"\n'
    client = make_app(tmp_path, text).test_client()
    body = page(client, "time=2026-03")
    words = text_of(body)
    assert "Balance âgée" in words and "Au 31 mars 2026 (fin du filtre de période)" in words
    assert "1\u202f000,00" in body  # French digit grouping and decimal comma
    assert "31 à 60 jours" in words
    full = client.get("/test/income_statement/").get_data(as_text=True)
    data = json.loads(re.search(r'id="ledger-data">(.*?)</script>', full, re.S).group(1))
    assert data["extensions"][0]["report_title"] == "Créances clients"
    customers = text_of(page(client, "time=2026-03&view=customers"))
    assert "Règle de notation du risque" in customers and "élevé" in customers


def test_french_follows_the_browser(client):
    words = text_of(page(client, "time=2026-03&view=invoices", **{"Accept-Language": "fr-FR"}))
    assert "Factures" in words and "en retard" in words


# -- unusual ledgers -----------------------------------------------------------------------


def test_empty_ledger(tmp_path):
    client = make_app(tmp_path, 'option "title" "Test"\n'
                                '2026-01-01 custom "fava-extension" "fava_ar_extension"\n'
                      ).test_client()
    for view in ("aging", "customers", "invoices"):
        text = text_of(page(client, f"view={view}"))
        assert "No customers yet: open a receivable account under Assets:Receivable" in text
    assert "Nothing is owed as of this date." in text_of(page(client))
    assert "No invoices match." in text_of(page(client, "view=invoices"))
    assert 'no plugin "beancount_ar" line' in html.unescape(page(client))
    assert endpoint(client, "aging")["rows"] == []
    assert endpoint(client, "customers") == []
    assert endpoint(client, "invoices") == []


def test_ledger_with_errors_says_so_and_plugin_errors_show_on_fava_errors_page(tmp_path):
    text = LEDGER + """
2026-03-05 * "Bistrot Martin" "Duplicate" ^F-2
  invoice: "F-2"
  Assets:Receivable:Martin    10.00 EUR
  Income:Sales

2026-03-06 * "Nobody" "Unbalanced"
  Assets:Bank   5.00 EUR
  Income:Sales  -4.00 EUR

this is not beancount
"""
    client = make_app(tmp_path, text).test_client()
    body = page(client, "time=2026-03")
    words = text_of(body)
    assert re.search(r"The ledger has \d+ errors: see the Errors page\. Errors", words)
    assert 'href="/test/errors/?time=2026-03"' in body
    errors = client.get("/test/api/errors").get_json()["data"]
    messages = " ".join(e["message"] for e in errors)
    assert "F-2: duplicate invoice number" in messages
    # the page still shows the receivables
    assert "Boulangerie Dupont" in body


def test_unknown_currency(tmp_path):
    text = LEDGER.replace("EUR,USD", "EUR,USD,XBT") + """
2026-01-01 open Assets:Receivable:Satoshi XBT
  customer: "Satoshi"
2026-03-10 * "Satoshi" "Consulting" ^F-9
  invoice: "F-9"
  Assets:Receivable:Satoshi  0.00312345 XBT
  Income:Sales
"""
    client = make_app(tmp_path, text).test_client()
    body = page(client, "time=2026-03")
    assert aging_row(body, "Satoshi")[2] == "0.00312345"
    assert "Total 0.00312345 XBT equals the receivable accounts' balance" in text_of(body)
    assert "Not an ISO 4217 currency: XBT" in text_of(body)
    for view in ("customers", "invoices", "customer&customer=Assets:Receivable:Satoshi"):
        assert "could not be built" not in page(client, f"time=2026-03&view={view}")


def test_no_plugin_line(tmp_path):
    client = make_app(tmp_path, LEDGER.replace(
        "plugin \"beancount_ar\" \"{'default_terms': 'net 30', 'writeoff_account': "
        "'Expenses:BadDebts'}\"\n", "")).test_client()
    body = page(client, "time=2026-03")
    assert 'The ledger has no plugin "beancount_ar" line' in html.unescape(body)
    assert aging_row(body, "Boulangerie Dupont")[4] == "1,000.00"  # due dates from the terms


def test_untrusted_names_are_escaped(tmp_path):
    text = LEDGER.replace('customer: "Bistrot Martin"',
                          'customer: "<script>alert(1)</script> & Co"')
    client = make_app(tmp_path, text).test_client()
    for query in ("time=2026-03", "time=2026-03&view=customers", "time=2026-03&view=invoices",
                  "time=2026-03&view=customer&customer=Assets:Receivable:Martin"):
        body = page(client, query)
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in body


def test_no_inline_script_in_pages(client):
    for view in ("aging", "customers", "invoices", "customer&customer=Assets:Receivable:Dupont"):
        body = page(client, f"view={view}")
        scripts = re.findall(r"<script(?![^>]*application/json)[^>]*>", body)
        assert scripts == [], view


def test_time_filter_that_cannot_be_read(client):
    text = text_of(page(client, "time=not-a-date"))
    assert "The time filter “not-a-date” cannot be read; today is used." in text


def test_future_as_of_date_is_noted(client):
    assert "The as-of date is in the future" in text_of(page(client, "time=2099"))


def test_incognito_mode_hides_amounts(tmp_path):
    client = make_app(tmp_path, incognito=True).test_client()
    body = page(client, "time=2026-03")
    assert "1,000.00" not in body and "X,XXX.XX" in body


# -- configuration -------------------------------------------------------------------------


def test_configuration_buckets_and_aging_by(tmp_path):
    text = LEDGER.replace('"fava_ar_extension"',
                          '"fava_ar_extension" "{\'buckets\': (15, 45), \'aging_by\': \'due\'}"')
    client = make_app(tmp_path, text).test_client()
    body = page(client, "time=2026-03")
    assert [text_of(h) for h in re.findall(r'<th class="num" data-sort="num"[^>]*>(.*?)</th>',
                                           body)][:4] == ["Current", "1–15 days", "16–45 days",
                                                          "over 45 days"]
    assert aging_row(body, "Boulangerie Dupont")[4] == "1,000.00"  # 45 days: 16-45


@pytest.mark.parametrize(("config", "message"), [
    ("{'buckets': 'soon'}", "buckets"),
    ("{'aging_by': 'payment'}", "aging_by"),
    ("{'page_size': true}", "not a Python literal dict"),
    ("{'colour': 'red'}", "unknown configuration key 'colour'"),
    ("[1, 2]", "must be a dict"),
])
def test_configuration_errors_show_on_fava_errors_page(tmp_path, config, message):
    text = LEDGER.replace('"fava_ar_extension"', f'"fava_ar_extension" "{config}"')
    client = make_app(tmp_path, text).test_client()
    errors = client.get("/test/api/errors").get_json()["data"]
    ours = [e for e in errors if "fava_ar_extension" in e["message"]]
    assert ours and message in ours[0]["message"]
    assert ours[0]["type"] == "FavaExtensionError"
    assert ours[0]["source"]["lineno"] == 4
    # the defaults are used and the page works
    assert "Boulangerie Dupont" in page(client, "time=2026-03")


def test_parse_settings():
    settings, problems = parse_settings(
        "{'buckets': [10, 20], 'aging_by': 'invoice', 'page_size': 50, "
        "'company': {'name': 'Atelier'}, 'risk': {'high_overdue_days': 90, 'late_days': 7.5}}")
    assert problems == []
    assert settings.buckets == (10, 20) and settings.aging_by == "invoice"
    assert settings.page_size == 50 and settings.company == {"name": "Atelier"}
    assert settings.risk.high_overdue_days == 90 and settings.risk.late_days == Decimal("7.5")
    _, problems = parse_settings("{'risk': {'hi': 1}, 'company': {'email': 'x'}}")
    assert len(problems) == 2


def test_company_from_the_configuration(tmp_path):
    text = LEDGER.replace('"fava_ar_extension"',
                          '"fava_ar_extension" "{\'company\': {\'name\': \'Atelier Lumière\'}}"')
    assert "Atelier Lumière" in page(make_app(tmp_path, text).test_client())


# -- endpoints, caching, threads -----------------------------------------------------------


def test_js_module_is_served(client):
    response = client.get(f"/test/extension_js_module/{EXTENSION}.js")
    assert response.status_code == 200
    source = response.get_data(as_text=True)
    assert "export default" in source and "onExtensionPageLoad" in source


def test_figures_are_computed_once_per_as_of_date(app, client):
    page(client, "time=2026-03")
    analysis = extension_of(app).analysis()
    settlement = analysis.settlement(datetime.date(2026, 3, 31))
    page(client, "time=2026-03&view=customers")
    page(client, "time=2026-03&view=invoices")
    assert extension_of(app).analysis() is analysis
    assert analysis.settlement(datetime.date(2026, 3, 31)) is settlement


def test_a_change_to_the_ledger_is_picked_up(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    assert "Nouveau" not in page(client, "time=2026-03")
    path = tmp_path / "main.beancount"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("""
2026-01-01 open Assets:Receivable:Nouveau EUR
2026-03-02 * "Nouveau" "Invoice" ^F-10
  invoice: "F-10"
  Assets:Receivable:Nouveau  70.00 EUR
  Income:Sales
""")
    later = path.stat().st_mtime + 5
    os.utime(path, (later, later))
    body = page(client, "time=2026-03")
    assert aging_row(body, "Nouveau")[2] == "70.00"


def test_concurrent_requests(app):
    results: list[int] = []

    def worker(query: str) -> None:
        client = app.test_client()
        for _ in range(3):
            response = client.get(f"{BASE}?{query}&partial=true")
            results.append(response.status_code)

    queries = ["time=2026-03", "time=2026-02&view=customers", "view=invoices",
               "time=2026-01&view=customer&customer=Assets:Receivable:Dupont"] * 2
    threads = [threading.Thread(target=worker, args=(q,)) for q in queries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 24


def test_an_internal_failure_is_a_message_not_a_500(app, client, monkeypatch):
    from fava_ar_extension import pages as pages_module

    def broken(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(pages_module.Pages, "aging", broken)
    monkeypatch.setattr(pages_module.Pages, "aging_json", broken)
    body = page(client)
    assert "This page could not be built: RuntimeError: boom" in text_of(body)
    response = client.get(f"{BASE}aging")
    assert response.status_code == 500  # a JSON message, never Fava's HTML page nor a 200
    assert response.get_json() == {"error": "internal error (RuntimeError: boom)"}
