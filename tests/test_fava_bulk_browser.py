"""Bulk work in a real browser: Playwright drives Debian's chromium against `fava` on a copy of
example-ledger/ whose mail server is a real SMTP server of this test (aiosmtpd on 127.0.0.1,
slowed down so that Cancel can be pressed while a letter goes out).

On the Reminders page, *Send all by e-mail* shows "n of N" and per customer what was sent,
skipped or failed; *Cancel* stops after the current letter; a second run goes on where the
first stopped (the letter already sent says so and is not sent again); a second tab's run,
on the page as it was before, sends nothing. On the Statements page, the ZIP link is busy while
the ZIP is made, then says it is done. The letters are picked from the page, so the test holds
whatever day it runs. Screenshots go to artifacts/fava/.
"""

from __future__ import annotations

import asyncio
import io
import re
import zipfile
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Page, expect

# skips this module too when chromium is missing
from tests.test_fava_browser import browser, free_port, open_report, page, shoot  # noqa: F401
from tests.test_fava_reminders_browser import open_reminders, start_fava, stop


class SlowHandler:
    """Keeps the messages it receives, each after `delay` seconds."""

    def __init__(self) -> None:
        self.received: list[list[str]] = []
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        await asyncio.sleep(self.delay)
        self.received.append(list(envelope.rcpt_tos))
        return "250 OK"


@pytest.fixture(scope="module")
def mail():
    handler = SlowHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def ledger(tmp_path_factory, mail):
    _, port = mail

    def edit(folder: Path) -> None:
        ar = folder / "ar.beancount"
        text = ar.read_text(encoding="utf-8")
        assert "smtp_port: 2525" in text
        ar.write_text(text.replace("smtp_port: 2525",
                                   f"smtp_port: {port}\n  smtp_starttls: FALSE"),
                      encoding="utf-8")

    folder = tmp_path_factory.mktemp("bulk")
    process, url = start_fava(folder, edit=edit)
    try:
        yield folder, url
    finally:
        stop(process)


def outcomes(tab: Page) -> dict[str, str]:
    items = tab.locator(".ar-bulk-results li")
    return {items.nth(i).get_attribute("data-customer"): items.nth(i).get_attribute("data-outcome")
            for i in range(items.count())}


def test_send_all_with_progress_cancel_and_no_double_send(browser, page, ledger, mail):  # noqa: F811
    handler, _ = mail
    folder, url = ledger
    page.on("dialog", lambda dialog: dialog.accept())
    open_reminders(page, url)
    rows = page.locator("#ar-reminders-table tbody tr")
    keys = [rows.nth(i).get_attribute("data-customer") for i in range(rows.count())]
    emailable = [rows.nth(i).get_attribute("data-customer") for i in range(rows.count())
                 if rows.nth(i).get_attribute("data-ar-bulk-skip") is None]
    if len(emailable) < 2:
        pytest.skip("fewer than two letters can be e-mailed today")
    total = len(keys)
    # a second tab, on the page as it is before anything is sent
    stale = page.context.new_page()
    stale.on("dialog", lambda dialog: dialog.accept())
    open_reminders(stale, url)

    # send all, cancelled while the first e-mailable letter goes out
    handler.delay = 1.5
    send_all = page.locator("button.ar-bulk-send")
    expect(send_all).to_have_text(f"Send all {len(emailable)} letters by e-mail")
    send_all.click()
    count = page.locator(".ar-bulk-count")
    expect(count).to_contain_text(f" of {total} letters")
    expect(send_all).to_be_disabled()
    expect(page.locator("button.ar-bulk-mark")).to_be_disabled()
    page.locator("button.ar-bulk-cancel").click()
    # The letter in flight finishes first (1.5 s at the mail server, then recorded into the
    # ledger, which Fava reloads): on a busy machine that takes longer than expect's 5 s.
    expect(count).to_have_text(re.compile(rf"Cancelled after \d+ of {total} letters; "
                                          "the others were not sent\\."), timeout=60_000)
    expect(page.locator("button.ar-bulk-cancel")).to_be_hidden()
    first = outcomes(page)
    assert list(first) == keys
    assert [k for k, o in first.items() if o == "sent"] == [emailable[0]]
    after = keys.index(emailable[0])
    assert all(o == "cancelled" for o in list(first.values())[after + 1:]), first
    assert len(handler.received) == 1
    expect(page.locator(".ar-bulk-results li[data-outcome=sent]")).to_contain_text("sent – Sent to")
    shoot(page, "reminders-bulk-cancelled")

    # again: the letter already sent is not sent twice, the others go, progress to the end
    handler.delay = 0
    expect(send_all).to_be_enabled()
    send_all.click()
    expect(count).to_have_text(f"Finished: {total} of {total} letters.", timeout=60_000)
    second = outcomes(page)
    assert second[emailable[0]] == "already"
    assert [k for k, o in second.items() if o == "sent"] == emailable[1:]
    assert all(second[k] == "skipped" for k in keys if k not in emailable)
    expect(page.locator(".ar-bulk-results li[data-outcome=already]")).to_contain_text(
        # found in the loaded ledger, or under the lock if Fava has not reloaded the file yet
        re.compile("already sent: nothing sent again – Already recorded (today )?for .*"
                   "Nothing was sent or recorded again"))
    expect(page.locator(".ar-bulk-progress progress")).to_have_attribute("value", str(total))
    expect(page.locator(".ar-bulk-reload")).to_be_visible()
    assert len(handler.received) == len(emailable)
    shoot(page, "reminders-bulk-done")

    # the stale tab (a reload or a double click elsewhere): nothing is sent again
    stale.locator("button.ar-bulk-send").click()
    expect(stale.locator(".ar-bulk-count")).to_have_text(
        f"Finished: {total} of {total} letters.", timeout=60_000)
    third = outcomes(stale)
    assert all(third[k] == "already" for k in emailable), third
    assert len(handler.received) == len(emailable)
    text = (folder / "main.beancount").read_text(encoding="utf-8")
    assert len(set(re.findall(r'custom "ar-reminder" "([^"]+)" \d "email"', text))) == len(
        re.findall(r'custom "ar-reminder" "[^"]+" \d "email"', text))  # each once
    stale.close()

    # reloaded, the page has only the letters that could not be e-mailed left
    page.locator(".ar-bulk-reload a").click()
    expect(page.locator("#ar-reminders-table tbody tr")).to_have_count(total - len(emailable))


def test_statements_zip_shows_progress(page, ledger):  # noqa: F811
    _, url = ledger
    open_report(page, url)
    page.locator(".ar-tabs a", has_text="Statements").click()
    page.wait_for_url(re.compile(r"view=statements"))
    count = page.locator("#ar-statements-table tbody tr").count()
    link = page.locator("a.ar-zip")
    with page.expect_download(timeout=120_000) as info:  # WeasyPrint, one PDF per customer
        link.click()
        expect(page.locator(".ar-zip-status")).to_have_text(
            f"Making {count} statements…" if count > 1 else f"Making {count} statement…")
        expect(link).to_have_attribute("aria-disabled", "true")
    download = info.value
    assert re.fullmatch(r"statements-activity-\d{4}-\d\d-\d\d\.zip", download.suggested_filename)
    with zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes())) as archive:
        assert len(archive.namelist()) == count
    expect(page.locator(".ar-zip-status")).to_have_text(
        f"Done: the ZIP of {count} statements is downloaded.")
    expect(link).not_to_have_attribute("aria-disabled", "true")
    shoot(page, "statements-zip-done")
