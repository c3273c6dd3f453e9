"""Browser tests of the Fava extension: Playwright drives Debian's chromium against `fava`.

`fava` runs on 127.0.0.1 on a free port with a copy of example-ledger/ (the extension's line is
appended if the ledger lacks it). The tests open each page, go from the aging table to a
customer and to an invoice's entry, change Fava's time filter and see the as-of figures change,
sort (by mouse and keyboard, the order kept in the URL) and filter, and check the layout on a
laptop (1366 px) and a phone (390 px). Screenshots go to artifacts/fava/ (light and dark theme,
English and French, both widths).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):  # pragma: no cover - depends on the machine
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example-ledger"
ARTIFACTS = ROOT / "artifacts" / "fava"
EXTENSION_LINE = '2025-01-01 custom "fava-extension" "fava_ar_extension"'
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def fava_url(tmp_path_factory):
    """Start fava on a copy of the example ledger; yield the extension's URL; stop it."""
    ledger = tmp_path_factory.mktemp("ledger")
    for path in EXAMPLE.glob("*.beancount"):
        shutil.copy(path, ledger / path.name)
    main = ledger / "main.beancount"
    text = main.read_text(encoding="utf-8")
    if '"fava_ar_extension"' not in text:
        main.write_text(text.rstrip("\n") + "\n" + EXTENSION_LINE + "\n", encoding="utf-8")
    port = free_port()
    log = (tmp_path_factory.mktemp("log") / "fava.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "fava.cli", "--host", "127.0.0.1", "--port", str(port),
         str(main)],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/", timeout=2) as response:
                    slug = response.geturl().rstrip("/").split("/")[-2]
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(f"fava did not start: {log.read()[-2000:]}")
                time.sleep(0.25)
        yield f"{base}/{slug}/extension/AccountsReceivable/"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == [], errors  # no uncaught error in Fava's or the extension's scripts


def shoot(page: Page, name: str, width: int = 1400, height: int = 1000) -> Path:
    """A screenshot of the whole report (Fava's <article> scrolls, so grow the viewport)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    full = page.evaluate("document.querySelector('article').scrollHeight")
    page.set_viewport_size({"width": width, "height": min(max(height, full + 80), 8000)})
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": height})
    assert path.stat().st_size > 10_000
    return path


def open_report(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator(".ar .ar-tabs")).to_be_visible(timeout=30_000)


def as_of(page: Page) -> str:
    return page.locator(".ar-asof").inner_text()


def test_each_page_opens(page, fava_url):
    open_report(page, fava_url)
    expect(page.locator("#ar-aging-table tbody tr").first).to_be_visible()
    assert page.locator("#ar-aging-table tbody tr").count() >= 10
    expect(page.locator(".ar-card[data-metric=dso]").first).to_be_visible()
    expect(page.locator(".ar-check.ar-ok").first).to_contain_text("equals the receivable")
    expect(page.locator(".ar-chart svg rect").first).to_be_attached()
    shoot(page, "aging")
    # a metric's definition is a hover away
    definition = page.locator(".ar-card[data-metric=dso] .ar-def").first
    expect(definition).to_be_hidden()
    page.locator(".ar-card[data-metric=dso]").first.hover()
    expect(definition).to_be_visible()
    expect(definition).to_contain_text("Days sales outstanding")
    page.screenshot(path=str(ARTIFACTS / "metric-definition.png"))

    page.locator(".ar-tabs a", has_text="Customers").click()
    expect(page.locator("#ar-customers-table")).to_be_visible()
    expect(page.locator(".ar-tabs a.active")).to_have_text("Customers")
    assert page.locator("#ar-customers-table tbody tr").count() >= 15
    expect(page.locator(".ar-rule")).to_contain_text("High: an amount more than 60 days")
    shoot(page, "customers")

    page.locator(".ar-tabs a", has_text="Invoices").click()
    expect(page.locator("#ar-invoices-table")).to_be_visible()
    assert page.locator("#ar-invoices-table tbody tr").count() > 50
    shoot(page, "invoices")


def test_dark_theme(browser, fava_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  color_scheme="dark", locale="en-US")
    page = context.new_page()
    open_report(page, fava_url)
    expect(page.locator("#ar-aging-table")).to_be_visible()
    background = page.evaluate(
        "getComputedStyle(document.querySelector('.ar-card')).backgroundColor")
    channels = [int(c) for c in re.findall(r"\d+", background)[:3]]
    assert max(channels) < 100, background  # Fava's dark background, not a light one
    shoot(page, "aging-dark")
    page.goto(fava_url + "?view=customer&customer=Assets:Receivable:RestaurantLeZinc")
    expect(page.locator("#ar-history")).to_be_visible(timeout=30_000)
    shoot(page, "customer-dark")
    context.close()


def test_from_aging_to_customer_to_invoice_entry(page, fava_url):
    open_report(page, fava_url)
    page.locator("#ar-aging-table a.ar-customer", has_text="Restaurant Le Zinc").click()
    page.wait_for_url(re.compile(r"view=customer&customer=Assets(%3A|:)Receivable"))
    expect(page.locator(".ar h3").first).to_contain_text("Restaurant Le Zinc")
    expect(page.locator("#ar-open-items")).to_be_visible()
    expect(page.locator("#ar-history")).to_contain_text("payment")
    expect(page.locator(".ar-journal")).to_have_attribute(
        "href", re.compile(r"/account/Assets:Receivable:RestaurantLeZinc/"))
    shoot(page, "customer")

    first = page.locator("#ar-open-items tbody tr[data-kind=invoice]").first
    invoice = first.locator("td").first.inner_text()
    first.locator("a.ar-entry").click()
    dialog = page.locator("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(invoice)  # Fava's entry context of the invoice
    expect(dialog).to_contain_text("Assets:Receivable:RestaurantLeZinc")
    shoot(page, "invoice-entry")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # and on to the account's journal in Fava
    page.locator(".ar-journal").click()
    page.wait_for_url(re.compile(r"/account/Assets:Receivable:RestaurantLeZinc/"))


def test_time_filter_changes_the_as_of_figures(page, fava_url):
    open_report(page, fava_url)
    assert "(today: no time filter)" in page.locator(".ar-scope").inner_text()
    today_total = page.locator("tr.ar-total[data-currency=EUR] td").last.inner_text()
    time_filter = page.get_by_placeholder("Time")
    time_filter.fill("2025-12")
    time_filter.press("Enter")
    page.wait_for_url(re.compile(r"time=2025-12"))
    expect(page.locator(".ar-asof")).to_have_text("As of December 31, 2025")
    december_total = page.locator("tr.ar-total[data-currency=EUR] td").last.inner_text()
    assert december_total != today_total
    expect(page.locator(".ar-check.ar-ok").first).to_contain_text(december_total)
    expect(page.locator(".ar h3").first).to_contain_text("December 1, 2025 to December 31, 2025")
    shoot(page, "aging-2025-12")

    # the filter follows to the other pages
    page.locator(".ar-tabs a", has_text="Invoices").click()
    page.wait_for_url(re.compile(r"view=invoices.*time=2025-12|time=2025-12.*view=invoices"))
    expect(page.locator(".ar-asof")).to_have_text("As of December 31, 2025")
    dates = page.locator("#ar-invoices-table tbody tr td:nth-child(3)").all_inner_texts()
    assert dates and max(dates) <= "2025-12-31"


def test_sort_and_filter_in_the_browser(page, fava_url):
    open_report(page, fava_url)
    header = page.locator("#ar-aging-table thead th", has_text="Total")
    header.click()
    values = [float(v) for v in page.locator("#ar-aging-table tbody tr td:last-child")
              .evaluate_all("cells => cells.map(c => c.dataset.value)")]
    assert values == sorted(values)
    header.click()
    values = [float(v) for v in page.locator("#ar-aging-table tbody tr td:last-child")
              .evaluate_all("cells => cells.map(c => c.dataset.value)")]
    assert values == sorted(values, reverse=True)
    expect(header).to_have_attribute("aria-sort", "descending")

    page.get_by_placeholder("Filter the table").fill("zinc")
    visible = page.locator("#ar-aging-table tbody tr:visible")
    expect(visible).to_have_count(1)

    page.locator(".ar-tabs a", has_text="Invoices").click()
    expect(page.locator("#ar-invoices-table")).to_be_visible()
    page.locator("select[data-ar-param=status]").select_option("overdue")
    page.wait_for_url(re.compile(r"status=overdue"))
    statuses = page.locator("#ar-invoices-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.status)")
    assert statuses and set(statuses) == {"overdue"}
    shoot(page, "invoices-overdue")


def test_chart_bar_leads_to_its_invoices(page, fava_url):
    open_report(page, fava_url)
    page.locator(".ar-chart[data-currency=EUR] a.ar-bar").nth(4).click()
    page.wait_for_url(re.compile(r"view=invoices.*bucket=4"))
    expect(page.locator(".ar-filters")).to_contain_text("over 90 days")
    days = page.locator("#ar-invoices-table tbody td.ar-days").all_inner_texts()
    assert days and all(int(d) > 90 for d in days)


def test_french(browser, fava_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    page = context.new_page()
    open_report(page, fava_url)
    expect(page.locator(".ar-tabs a.active")).to_have_text("Balance âgée")
    expect(page.locator(".ar-asof")).to_contain_text("Au ")
    expect(page.locator(".ar-check").first).to_contain_text("est égal au solde")
    shoot(page, "aging-fr")
    page.locator(".ar-tabs a", has_text="Clients").click()
    expect(page.locator("#ar-customers-table")).to_be_visible()
    shoot(page, "customers-fr")
    context.close()


def column_values(page: Page, table: str, index: int) -> list[float]:
    return [float(v) for v in page.locator(f"{table} tbody tr td:nth-child({index})")
            .evaluate_all("cells => cells.map(c => c.dataset.value)")]


def test_sort_by_keyboard_is_kept_in_the_url(page, fava_url):
    open_report(page, fava_url)
    total = page.locator("#ar-aging-table th[data-sort-key=total]")
    before = page.locator("#ar-aging-table th[data-sort-key=unapplied] button")
    before.focus()
    page.keyboard.press("Tab")  # the next header's button is the next stop
    button = total.locator("button")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(total).to_have_attribute("aria-sort", "ascending")
    expect(total).to_have_attribute("data-order", "asc")  # Fava's arrow
    count = page.locator("#ar-aging-table thead th").count()
    values = column_values(page, "#ar-aging-table", count)
    assert values == sorted(values)
    page.wait_for_url(re.compile(r"sort=total&order=asc"))
    page.keyboard.press("Space")
    expect(total).to_have_attribute("aria-sort", "descending")
    page.wait_for_url(re.compile(r"sort=total&order=desc"))
    assert page.locator("#ar-aging-table th[aria-sort]").count() == 1
    expected = sorted(values, reverse=True)
    assert column_values(page, "#ar-aging-table", count) == expected

    page.reload()  # the order survives a reload...
    expect(page.locator("#ar-aging-table th[data-sort-key=total]")).to_have_attribute(
        "aria-sort", "descending")
    assert column_values(page, "#ar-aging-table", count) == expected
    page.locator(".ar-tabs a", has_text="Customers").click()
    expect(page.locator("#ar-customers-table")).to_be_visible()
    page.go_back()  # ...and going back to the page
    page.wait_for_url(re.compile(r"sort=total&order=desc"))
    expect(page.locator("#ar-aging-table th[data-sort-key=total]")).to_have_attribute(
        "aria-sort", "descending")
    assert column_values(page, "#ar-aging-table", count) == expected


def test_invoices_are_sorted_by_the_server_from_the_keyboard(page, fava_url):
    page.goto(fava_url + "?view=invoices")
    expect(page.locator("#ar-invoices-table")).to_be_visible(timeout=30_000)
    date = page.locator("#ar-invoices-table th[data-sort-key=date]")
    expect(date).to_have_attribute("aria-sort", "descending")  # the default order
    page.locator("#ar-invoices-table th[data-sort-key=open] a").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"sort=open&order=asc"))
    opened = page.locator("#ar-invoices-table th[data-sort-key=open]")
    expect(opened).to_have_attribute("aria-sort", "ascending")
    expect(date).not_to_have_attribute("aria-sort", re.compile("."))
    index = page.locator("#ar-invoices-table thead th").evaluate_all(
        "ths => ths.findIndex(th => th.dataset.sortKey === 'open')") + 1
    values = column_values(page, "#ar-invoices-table", index)
    assert values == sorted(values)


LAYOUT = """() => {
  const box = document.querySelector('.ar-scroll');  // the page's first table's box
  const right = box.getBoundingClientRect().right;
  const tabs = document.querySelector('.ar-tabs');
  const ar = document.querySelector('.ar');
  return {
    table: [box.scrollWidth, box.clientWidth, box.clientHeight],
    hidden: Array.from(box.querySelectorAll('thead th'))
      .filter(th => th.getBoundingClientRect().right > right + 1).map(th => th.textContent),
    tabs: [tabs.scrollWidth, tabs.clientWidth],
    report: [ar.scrollWidth, ar.clientWidth],
    height: window.innerHeight,
  };
}"""


def test_invoices_fit_a_laptop_screen(browser, fava_url):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
    page = context.new_page()
    page.goto(fava_url + "?view=invoices")
    expect(page.locator("#ar-invoices-table")).to_be_visible(timeout=30_000)
    layout = page.evaluate(LAYOUT)
    scroll_width, width, height = layout["table"]
    assert scroll_width <= width, layout  # no column cut off, "Paid on" and links included
    assert layout["hidden"] == [], layout
    assert height < layout["height"], layout  # the table's box fits the window
    page.screenshot(path=str(ARTIFACTS / "invoices-1366.png"))
    context.close()


@pytest.mark.parametrize("view", ["aging", "invoices", "reminders"])
def test_tabs_and_tables_on_a_phone(browser, fava_url, view):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{fava_url}?view={view}")
    expect(page.locator(".ar .ar-tabs")).to_be_visible(timeout=30_000)
    layout = page.evaluate(LAYOUT)
    tabs_scroll, tabs_width = layout["tabs"]
    assert tabs_scroll <= tabs_width, layout  # the tabs wrap, all of them on screen
    for tab in page.locator(".ar-tabs a").all():
        box = tab.bounding_box()
        assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= 390, layout
    report_scroll, report_width = layout["report"]
    assert report_scroll <= report_width, layout  # only the tables' own boxes scroll sideways
    if view != "reminders":
        scroll_width, width, height = layout["table"]
        assert scroll_width > width and height < layout["height"], layout
    shoot(page, f"{view}-390", width=390, height=844)
    context.close()


def test_actions_go_through_the_extension_api_with_favas_filters(page, fava_url):
    """Marking a letter as sent is a JSON POST to the extension's endpoint through Fava's
    `ctx.api` (which leaves Fava's filters out: the module forwards them), answered and followed
    by the page's reload. The last test here: it writes to the ledger copy."""
    page.goto(fava_url + "?view=reminders&time=2026")
    expect(page.locator(".ar .ar-tabs")).to_be_visible(timeout=30_000)
    button = page.locator("#ar-reminders-table button.ar-mark:enabled").first
    with page.expect_request(lambda r: "/reminder_record" in r.url) as request_info:
        button.click()
    request = request_info.value
    assert request.method == "POST"
    assert "/extension/AccountsReceivable/reminder_record?" in request.url
    assert "time=2026" in request.url
    assert request.header_value("content-type") == "application/json"
    assert request.response().status == 200
    page.wait_for_url(re.compile(r"recorded="))
    expect(page.locator(".ar-recorded")).to_be_visible()
