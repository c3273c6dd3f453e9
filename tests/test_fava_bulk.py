"""Bulk work on the Reminders page, through Fava's own application and a real SMTP server: the
page names the letters a "send all" takes (and why it leaves one out), and sending them all -
what the page's script does, one letter's action at a time - sends each due e-mailable letter
once; a second run (a reload, a double click) sends and records nothing, each letter answering
"already". The example ledger on 2026-11-23 has six letters due: five can be e-mailed, SCI
Bellevue has no address (see tests/test_fava_reminders.py).
"""

from __future__ import annotations

import html
import re

from tests.test_fava_reminders import BELLEVUE, ZINC, Fava, table, text_of
from tests.test_mail import smtp_server  # noqa: F401 - the fixture


def bulk_rows(body: str) -> list[tuple[str, str | None]]:
    """The letters of the table in order: (customer, why a "send all" leaves it out)."""
    part = body.split('id="ar-reminders-table"')[1].split("</table>")[0]
    rows = []
    for attributes in re.findall(r"<tr (data-customer=[^>]*)>", part):
        key = html.unescape(re.search(r'data-customer="([^"]*)"', attributes).group(1))
        skip = re.search(r'data-ar-bulk-skip="([^"]*)"', attributes)
        rows.append((key, html.unescape(skip.group(1)) if skip else None))
    return rows


def run(fava: Fava, action: str, rows: list[tuple[str, str | None]], email: bool
        ) -> dict[str, tuple[int, str]]:
    """What the page's script does: each letter's action in turn; (status, outcome) each."""
    outcomes = {}
    for key, skip in rows:
        if email and skip:
            outcomes[key] = (0, "skipped")
            continue
        response = fava.post(action, key)
        outcomes[key] = (response.status_code, response.get_json().get("outcome"))
    return outcomes


def test_send_all_sends_each_letter_once(tmp_path, smtp_server):  # noqa: F811
    fava = Fava(tmp_path, smtp_port=smtp_server.port)
    body = fava.page()
    text = text_of(body)
    assert "Send all 5 letters by e-mail" in text
    assert "Mark all 6 letters as sent by post" in text
    rows = bulk_rows(body)
    assert len(rows) == 6 and rows[0] == (ZINC, None)
    skipped = dict(rows)[BELLEVUE]
    assert skipped is not None and skipped.startswith("SCI Bellevue has no e-mail address")
    assert [key for key, skip in rows if skip] == [BELLEVUE]
    # the page carries the outcomes' words for the script
    assert 'data-ar-outcome-already="already sent: nothing sent again"' in body
    assert 'data-ar-progress-text="{done} of {total} letters"' in body

    first = run(fava, "reminder_send", rows, email=True)
    assert first == {key: ((0, "skipped") if key == BELLEVUE else (200, "sent"))
                     for key, _ in rows}
    assert len(smtp_server.received) == 5
    assert len({tuple(m.rcpt_tos) for m in smtp_server.received}) == 5  # one per customer
    records = fava.records()
    main = (tmp_path / "main.beancount").read_text(encoding="utf-8")

    # a second "send all" (the page reloaded before it, or a double click): nothing again
    again = run(fava, "reminder_send", rows, email=True)
    assert again == {key: ((0, "skipped") if key == BELLEVUE else (409, "already"))
                     for key, _ in rows}
    assert len(smtp_server.received) == 5
    assert (tmp_path / "main.beancount").read_text(encoding="utf-8") == main
    assert fava.records() == records

    # "mark all as sent" then records only the letter that was left: SCI Bellevue's
    marked = run(fava, "reminder_record", rows, email=False)
    assert marked == {key: ((200, "recorded") if key == BELLEVUE else (409, "already"))
                      for key, _ in rows}
    assert fava.records()[len(records):] == [
        '2026-11-23 custom "ar-reminder" "F-2026-038" 2 "letter"']
    assert len(smtp_server.received) == 5
    # the reloaded page has nothing left to send
    after = fava.page()
    assert "ar-reminders-table" not in after and "Nothing to send today." in text_of(after)
    assert len(table(after, "ar-recorded-table")) == 6


def test_french_bulk_words(tmp_path):
    fava = Fava(tmp_path)
    body = fava.page("", **{"Accept-Language": "fr"})
    text = text_of(body)
    assert "Envoyer les 5 lettres par e-mail" in text, text[:500]
    assert 'data-ar-progress-text="{done} sur {total} lettres"' in body


def test_read_only_fava_offers_no_bulk_action(tmp_path):
    body = Fava(tmp_path, read_only=True).page()
    for kind in ("send", "mark"):
        button = re.search(rf'<button [^>]*class="ar-button ar-bulk-{kind}"[^>]*>', body).group(0)
        assert " disabled " in button and 'title="Fava runs in read-only mode."' in button
