"""Statements and reminders in a real browser: Playwright drives Debian's chromium against `fava`.

`fava` runs on 127.0.0.1 on a free port with a copy of example-ledger/ (the walk records a
reminder into it), and a second one with ``--read-only``. The tests walk the Reminders page
(open it, preview a letter, download its PDF, mark it as sent, find it in the customer's
history; a second tab's click on the same letter is refused) and the Statements page (choose a
customer, the preview, the type and period, the PDF). They pick their letters from the page
itself, so they hold whatever day they run. Screenshots go to artifacts/fava/.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import Page, expect

# skips this module too when chromium is missing
from tests.test_fava_browser import (  # noqa: F401 - fixtures and helpers shared
    ARTIFACTS,
    EXAMPLE,
    browser,
    free_port,
    open_report,
    page,
    shoot,
)

ZINC = "Assets:Receivable:RestaurantLeZinc"


def start_fava(folder: Path, *options: str, edit=None):
    """Start fava on a copy of the example ledger in `folder` (changed by `edit(folder)` first);
    (process, extension URL)."""
    for path in EXAMPLE.iterdir():
        if path.is_file():
            shutil.copy(path, folder / path.name)
    if edit is not None:
        edit(folder)
    port = free_port()
    log = (folder / "fava.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "fava.cli", "--host", "127.0.0.1", "--port", str(port), *options,
         str(folder / "main.beancount")],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{base}/", timeout=2) as response:
                slug = response.geturl().rstrip("/").split("/")[-2]
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                stop(process)
                pytest.fail(f"fava did not start: {log.read()[-2000:]}")
            time.sleep(0.25)
    return process, f"{base}/{slug}/extension/AccountsReceivable/"


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover
        process.kill()


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    """Fava on a ledger this module writes to: (folder, extension URL)."""
    folder = tmp_path_factory.mktemp("ledger")
    process, url = start_fava(folder)
    try:
        yield folder, url
    finally:
        stop(process)


@pytest.fixture(scope="module")
def read_only_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("read-only")
    process, url = start_fava(folder, "--read-only")
    try:
        yield url
    finally:
        stop(process)


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def download(tab: Page, link) -> tuple[str, bytes]:
    """Click a download link; its file name and content."""
    with tab.expect_download() as info:
        link.click()
    item = info.value
    return item.suggested_filename, Path(item.path()).read_bytes()


def open_reminders(tab: Page, url: str) -> None:
    open_report(tab, url)
    tab.locator(".ar-tabs a", has_text="Reminders").click()
    tab.wait_for_url(re.compile(r"view=reminders"))
    expect(tab.locator(".ar-reminders")).to_be_visible()


def test_walk_the_reminders_page(browser, page, ledger):  # noqa: F811
    folder, url = ledger
    open_reminders(page, url)
    rows = page.locator("#ar-reminders-table tbody tr")
    expect(rows.first).to_be_visible()
    expect(page.locator("#ar-policy-table")).to_contain_text("final")
    shoot(page, "reminders")

    # a second tab shows the same worklist (to click the same letter later)
    other = page.context.new_page()
    open_reminders(other, url)

    row = rows.filter(has=page.locator("button.ar-mark:enabled")).first
    key = row.get_attribute("data-customer")
    name = row.locator("a.ar-customer").inner_text()
    invoices = row.locator("td").nth(2).inner_text().split("\n")
    first_invoice = invoices[0].split(" ")[0]

    # the preview: the letter itself, sized to its page
    row.locator("a.ar-preview-link").click()
    page.wait_for_url(re.compile(r"preview="))
    preview = page.locator("#ar-letter-preview")
    expect(preview).to_contain_text(f"Letter to {name}")
    letter = page.frame_locator("#ar-letter-preview iframe")
    expect(letter.locator("body")).to_contain_text(name)
    expect(letter.locator("body")).to_contain_text(first_invoice)
    height = page.locator("#ar-letter-preview iframe").evaluate("f => f.offsetHeight")
    assert height > 900, height  # grown to the document (an A4 page and more)
    shoot(page, "reminder-preview")

    # its PDF
    filename, content = download(page, preview.locator("a.ar-pdf"))
    assert re.fullmatch(r"reminder-\d-\w+-.+-\d{4}-\d\d-\d\d\.pdf", filename), filename
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert name in text and first_invoice in text

    # mark it as sent: recorded, gone from today's letters, listed as recorded today
    row = page.locator(f'#ar-reminders-table tr[data-customer="{key}"]')
    row.locator("button.ar-mark").click()
    page.wait_for_url(re.compile(r"recorded="))
    expect(page.locator(".ar-recorded")).to_contain_text(f"Recorded for {name}")
    expect(page.locator(f'#ar-reminders-table tr[data-customer="{key}"]')).to_have_count(0)
    recorded = page.locator(f'#ar-recorded-table tr[data-customer="{key}"]')
    expect(recorded).to_contain_text("letter")
    expect(recorded).to_contain_text(first_invoice)
    shoot(page, "reminder-recorded")
    text = (folder / "main.beancount").read_text(encoding="utf-8")
    assert re.search(rf'^\d{{4}}-\d\d-\d\d custom "ar-reminder" "{re.escape(first_invoice)}" '
                     rf'\d "letter"$', text, re.M)

    # the other tab still offers the letter: its click is refused, and says why
    stale = other.locator(f'#ar-reminders-table tr[data-customer="{key}"]')
    stale.locator("button.ar-mark").click()
    status = stale.locator(".ar-action-status")
    expect(status).to_contain_text(f"Already recorded today for {name}")
    expect(stale.locator("button.ar-mark")).to_be_disabled()
    shoot(other, "reminder-refused")
    assert len(re.findall(rf'"ar-reminder" "{re.escape(first_invoice)}" \d "letter"',
                          (folder / "main.beancount").read_text(encoding="utf-8"))) == 1
    other.close()

    # and in the customer's history
    recorded.locator("a").first.click()
    page.wait_for_url(re.compile(r"view=customer"))
    sent = page.locator("#ar-reminders-sent tbody tr").first
    expect(sent).to_contain_text(datetime.date.today().isoformat())
    expect(sent).to_contain_text("letter")
    expect(sent).to_contain_text(first_invoice)
    page.locator("#ar-reminders-sent").scroll_into_view_if_needed()
    shoot(page, "customer-reminders-sent")


def test_read_only_fava_says_so(page, read_only_url):  # noqa: F811
    open_reminders(page, read_only_url)
    expect(page.locator(".ar-read-only")).to_contain_text("Fava runs in read-only mode")
    buttons = page.locator("#ar-reminders-table button")
    assert buttons.count() > 0
    for index in range(buttons.count()):
        expect(buttons.nth(index)).to_be_disabled()
    # Fava refuses a POST with 401 itself: should a button be clicked anyway, the page says so
    row = page.locator("#ar-reminders-table tbody tr").first
    row.locator("button.ar-mark").evaluate("b => { b.disabled = false; }")
    row.locator("button.ar-mark").click()
    expect(row.locator(".ar-action-status")).to_contain_text(
        "Fava runs in read-only mode: it refuses to send or record anything.")
    shoot(page, "reminders-read-only")


def test_statements_in_the_browser(page, ledger):  # noqa: F811
    _, url = ledger
    open_report(page, url)
    # from the customers list, a customer's statement
    page.locator(".ar-tabs a", has_text="Customers").click()
    page.locator(f'#ar-customers-table tr[data-customer="{ZINC}"] a.ar-statement-link').click()
    page.wait_for_url(re.compile(r"view=statements&customer="))
    document = page.frame_locator("#ar-statement iframe")
    expect(document.locator("h1")).to_have_text("Relevé de compte")
    expect(document.locator("body")).to_contain_text("Restaurant Le Zinc")
    shoot(page, "statement-preview")

    # open items, and a period chosen with the date fields
    page.locator("select[data-ar-param=type]").select_option("open")
    page.wait_for_url(re.compile(r"type=open"))
    expect(document.locator("h1")).to_contain_text("factures ouvertes")
    page.locator("select[data-ar-param=type]").select_option("activity")
    page.wait_for_url(re.compile(r"type=activity"))
    page.locator("input[data-ar-param=from]").fill("2026-01-01")
    page.wait_for_url(re.compile(r"from=2026-01-01"))
    expect(document.locator("body")).to_contain_text("01/01/2026")

    filename, content = download(page, page.locator("#ar-statement a.ar-pdf"))
    assert re.fullmatch(r"statement-RestaurantLeZinc-\d{4}-\d\d-\d\d\.pdf", filename)
    text = pdf_text(content)
    assert "Restaurant Le Zinc" in text and "Relevé de compte" in text

    # every customer with a balance, and the ZIP link
    page.locator("#ar-statement a", has_text="All customers").click()
    page.wait_for_url(re.compile(r"view=statements(?!.*customer=)"))
    expect(page.locator("#ar-statements-table tbody tr").first).to_be_visible()
    expect(page.locator("a.ar-zip")).to_have_attribute("data-remote", "")
    shoot(page, "statements")
    assert ARTIFACTS.is_dir()


def test_dark_theme_and_french(browser, ledger):  # noqa: F811
    _, url = ledger
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  color_scheme="dark", locale="fr-FR")
    tab = context.new_page()
    open_report(tab, url)
    tab.locator(".ar-tabs a", has_text="Relances").click()
    tab.wait_for_url(re.compile(r"view=reminders"))
    expect(tab.locator(".ar-reminders h3")).to_contain_text("Relances au")
    expect(tab.locator("#ar-policy-table")).to_contain_text("mise en demeure")
    background = tab.evaluate(
        "getComputedStyle(document.querySelector('.ar-button')).backgroundColor")
    channels = [int(c) for c in re.findall(r"\d+", background)[:3]]
    assert max(channels) < 100, background  # Fava's dark colours
    shoot(tab, "reminders-dark-fr")
    context.close()
