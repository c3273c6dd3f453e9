"""The Reminders page in Fava, through Fava's own application (`create_app`, test client), with a
real SMTP server on 127.0.0.1 (aiosmtpd) for "send" and the records read back from the files.

The ledger is a copy of example-ledger/ (its `ar-reminders` settings point at 127.0.0.1; the
copy points them at the test's server, without STARTTLS); "today" is pinned to 2026-11-23. As
`bean-ar remind` says for that day: six letters - Restaurant Le Zinc at level 3 (5,557.53 EUR,
its statement's overdue amount: F-2026-050, F-2026-054, F-2026-063 and the late-payment charges
still open on its invoices, paid ones included), SCI Bellevue at level 2 (no e-mail address),
Menuiserie Garnier, the Mairie de Villefranche, Brighton Design (7,800.00 USD) and Boulangerie
Dupont at level 1 - a courtesy reminder for Optique Renard on 2026-11-25, and Fondation
Verlaine skipped (F-2026-045 in dispute).
"""

from __future__ import annotations

import email
import email.policy
import html
import io
import re
import threading
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from beancount_ar.core.reminders import ReminderPolicy, policy_statement
from tests.fava_helpers import base, copy_example, make_app
from tests.test_mail import free_port, smtp_server  # noqa: F401 - the fixture

ZINC = "Assets:Receivable:RestaurantLeZinc"
GARNIER = "Assets:Receivable:MenuiserieGarnier"
BELLEVUE = "Assets:Receivable:Divers/SCI Bellevue"
# Le Zinc's letter claims three open invoices and the charges still open on ten paid ones: each
# is recorded at the letter's level.
ZINC_NUMBERS = ("F-2025-004", "F-2025-017", "F-2025-040", "F-2025-052", "F-2025-064",
                "F-2025-087", "F-2026-002", "F-2026-012", "F-2026-019", "F-2026-030",
                "F-2026-050", "F-2026-054", "F-2026-063")
ZINC_LIST = ", ".join(ZINC_NUMBERS)
ZINC_RECORDS = [f'2026-11-23 custom "ar-reminder" "{number}" 3 "email"'
                for number in sorted(ZINC_NUMBERS)]










def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


class Fava:
    """A Fava app on a copy of the example ledger (changed by `edit` before Fava loads it), its
    test client and its URLs."""

    def __init__(self, folder: Path, smtp_port: int | None = None,
                 edit: Callable[[Path], None] | None = None, **options) -> None:
        self.folder = folder
        self.main = copy_example(folder, smtp_port)
        if edit is not None:
            edit(folder)
        self.app = make_app(self.main, **options)
        self.client = self.app.test_client()
        self.url = base(self.app)

    def page(self, query: str = "", **headers) -> str:
        response = self.client.get(f"{self.url}?view=reminders&{query}&partial=true",
                                   headers=headers)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def post(self, action: str, customer: str, **kwargs):
        return self.client.post(f"{self.url}{action}", json={"customer": customer}, **kwargs)

    def records(self, path: str = "main.beancount") -> list[str]:
        text = (self.folder / path).read_text(encoding="utf-8")
        return re.findall(r'^2026-11-23 custom "ar-reminder" .*$', text, re.M)


@pytest.fixture
def fava(tmp_path):
    return Fava(tmp_path)


def text_of(body: str) -> str:
    body = re.sub(r"<style[^>]*>.*?</style>", " ", body, flags=re.S)
    body = re.sub(r'srcdoc="[^"]*"', " ", body)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def plain(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return plain("\n".join(page.extract_text() for page in reader.pages))


def table_html(body: str, table_id: str) -> str:
    """The inside of the table with that id."""
    return body.split(f'id="{table_id}"')[1].split(">", 1)[1].split("</table>")[0]


def row_html(body: str, key: str) -> str:
    """The first row of a customer (``<tr data-customer=...>``)."""
    return re.search(rf'<tr data-customer="{re.escape(key)}"[^>]*>(.*?)</tr>', body,
                     re.S).group(1)


def table(body: str, table_id: str) -> dict[str, str]:
    """The rows of a table by their customer key: their text."""
    part = table_html(body, table_id)
    return {html.unescape(key): text_of(row) for key, row in
            re.findall(r'<tr data-customer="([^"]+)"[^>]*>(.*?)</tr>', part, re.S)}


# -- the page ------------------------------------------------------------------------------


def test_worklist_of_the_day(fava):
    body = fava.page()
    text = text_of(body)
    assert "Reminders as of November 23, 2026 (today: Fava's time filter does not apply)" in text
    rows = table(body, "ar-reminders-table")
    assert list(rows)[:3] == [ZINC, BELLEVUE, GARNIER]  # most urgent first
    assert len(rows) == 6
    zinc = rows[ZINC]
    assert zinc.startswith("Restaurant Le Zinc lezinc.gerance@example.fr 3 – final Late payer")
    # the amount includes the late-payment charges the penalties plugin posted on its invoices,
    # paid ones included: what its statement shows overdue
    assert "F-2025-004 (paid; charges of 94.02 EUR open) " in zinc
    assert "F-2026-050 (82 days late) F-2026-054 (44 days late) F-2026-063 (16 days late) " \
           "5,557.53 EUR" in zinc
    assert "F-2026-050 is 82 days overdue; level 3 (final) applies from +30 days for a late " \
           "payer, last level sent 2 last reminder 2026-11-02" in zinc
    assert "preview PDF .eml Send Mark as sent" in zinc
    assert "2 – firm" in rows[BELLEVUE] and "no e-mail address" in rows[BELLEVUE]
    assert "7,800.00 USD" in rows["Assets:Receivable:BrightonDesign"]
    # SCI Bellevue cannot be e-mailed: no .eml, Send disabled with the reason; post is possible
    bellevue = row_html(body, BELLEVUE)
    assert ".eml" not in bellevue
    assert re.search(r'class="ar-button ar-send"[^>]* disabled title="SCI Bellevue has no '
                     r'e-mail address', bellevue)
    assert re.search(r'class="ar-button ar-mark"(?![^>]*disabled)', bellevue)
    # upcoming, skipped
    upcoming = table(body, "ar-upcoming-table")
    assert upcoming == {"Assets:Receivable:OptiqueRenard":
                        "Optique Renard F-2026-065 (due in 7 days) 1,704.00 EUR 2026-11-25 "
                        "preview PDF"}
    skipped = text_of(table_html(body, "ar-skipped-table"))
    assert "Fondation Verlaine F-2026-045 in dispute since 2026-09-20: Heures de démontage " \
           "contestées (courrier du 18/09)" in skipped
    # where the records go, the mail server
    assert "are appended to main.beancount, the file where Fava inserts entries" in text
    assert "Mail server: 127.0.0.1:2525." in text


def test_the_policy_is_stated(fava):
    body = fava.page()
    policy = text_of(table_html(body, "ar-policy-table"))
    assert "0 – courtesy -5 days — —" in policy
    assert "1 – friendly +7 days +7 days +3 days" in policy
    assert "3 – final +45 days +45 days +30 days" in policy
    assert "At least 7 days between two reminders to a customer" in text_of(body)
    # the rule in full: the core's sentences, with this ledger's settings, in the page's language
    rule = text_of(re.search(r'<ul class="ar-rule-text">(.*?)</ul>', body, re.S).group(1))
    assert rule == " ".join(reason.text() for reason in policy_statement(ReminderPolicy()))
    assert "At least 7 days between two reminders to the same customer." in rule
    french = text_of(fava.client.get(f"{fava.url}?view=reminders&partial=true", headers={
        "Accept-Language": "fr-FR"}).get_data(as_text=True))
    assert "Au moins 7 jours entre deux relances au même client." in french
    assert "**" not in french


def test_waiting_letters_show_when_they_become_due(tmp_path):
    def edit(folder: Path) -> None:
        with (folder / "reminders.beancount").open("a", encoding="utf-8") as handle:
            handle.write('2026-11-20 custom "ar-reminder" "F-2026-010" 1 "email"\n')

    fava = Fava(tmp_path, edit=edit)
    body = fava.page()
    assert GARNIER not in table(body, "ar-reminders-table")
    waiting = table(body, "ar-waiting-table")
    assert waiting[GARNIER] == ("Menuiserie Garnier 2 – firm F-2026-010 (226 days late) "
                                "5,000.00 EUR 2026-11-20 2026-11-27 preview PDF")
    assert "Held by the minimum spacing 7 days between two reminders" in text_of(body)
    # a held letter can be previewed, not sent
    response = fava.post("reminder_send", GARNIER)
    assert response.status_code == 409
    assert response.get_json()["error"] == ("The letter to Menuiserie Garnier is held by the "
                                            "minimum spacing between two reminders until "
                                            "2026-11-27.")


def test_preview_is_the_letter(fava):
    body = fava.page(f"preview={ZINC}")
    assert "Letter to Restaurant Le Zinc level 3 – final Download the PDF Close the preview" \
        in text_of(body)
    frame = re.search(r'<iframe class="ar-preview"[^>]*srcdoc="([^"]*)"', body)
    letter = plain(html.unescape(frame.group(1)))
    assert "Mise en demeure de payer" in letter
    assert "F-2026-050" in letter and "5 557,53 €" in letter
    assert "Claire Lambert, gérante" in letter
    assert 'sandbox="allow-same-origin"' in frame.group(0)
    # of an upcoming courtesy reminder too
    renard = fava.page("preview=Assets:Receivable:OptiqueRenard")
    assert "Letter to Optique Renard level 0 – courtesy" in text_of(renard)
    # and a customer without a letter today, or unknown, says so
    nordik = text_of(fava.page("preview=Assets:Receivable:AgenceNordik"))
    assert "No reminder for Agence Nordik today: nothing of theirs is due for one." in nordik
    assert "Unknown customer “Nobody”." in text_of(fava.page("preview=Nobody"))
    assert "To send today 6" in nordik  # the rest of the page is there


def test_letter_pdf_and_eml(fava):
    response = fava.client.get(f"{fava.url}reminder_pdf?customer={ZINC}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == \
        "attachment; filename=reminder-3-final-RestaurantLeZinc-2026-11-23.pdf"
    text = pdf_text(response.data)
    assert "Restaurant Le Zinc" in text and "Mise en demeure de payer" in text
    assert "5 557,53 €" in text

    response = fava.client.get(f"{fava.url}reminder_eml?customer={ZINC}")
    assert response.status_code == 200 and response.mimetype == "message/rfc822"
    assert response.headers["Content-Disposition"] == \
        "attachment; filename=reminder-3-final-RestaurantLeZinc-2026-11-23.eml"
    message = email.message_from_bytes(response.data, policy=email.policy.default)
    assert message["To"] == "Restaurant Le Zinc <lezinc.gerance@example.fr>"
    assert message["From"] == "Atelier Lumière SARL <compta@atelier-lumiere.example.fr>"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "reminder-3-final-RestaurantLeZinc-2026-11-23.pdf"
    assert "5 557,53 €" in pdf_text(attachment.get_content())

    response = fava.client.get(f"{fava.url}reminder_html?customer={ZINC}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "Mise en demeure de payer" in response.get_data(as_text=True)

    # a customer without an e-mail address has no .eml: the page says why
    response = fava.client.get(f"{fava.url}reminder_eml?customer={BELLEVUE}")
    assert response.status_code == 422
    assert "SCI Bellevue has no e-mail address" in text_of(response.get_data(as_text=True))
    for query in ("customer=Assets:Receivable:Nobody", "customer=Assets:Receivable:AgenceNordik",
                  ""):
        response = fava.client.get(f"{fava.url}reminder_pdf?{query}")
        assert response.status_code in (400, 404)
        assert "This document cannot be made" in response.get_data(as_text=True)


# -- send and record -----------------------------------------------------------------------


def test_send_emails_the_letter_and_records_it_once(tmp_path, smtp_server):  # noqa: F811
    fava = Fava(tmp_path, smtp_port=smtp_server.port)
    before = (tmp_path / "main.beancount").read_text(encoding="utf-8")
    response = fava.post("reminder_send", ZINC)
    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["ok"] and answer["channel"] == "email" and answer["level"] == 3
    assert answer["message"] == ("Sent to lezinc.gerance@example.fr and recorded in "
                                 f"main.beancount: {ZINC_LIST}.")
    # one message, with the letter as a PDF
    [received] = smtp_server.received
    assert received.rcpt_tos == ["lezinc.gerance@example.fr"]
    assert received.mail_from == "compta@atelier-lumiere.example.fr"
    message = received.message
    assert message["Subject"] == ("Mise en demeure de payer – F-2026-050, F-2026-054, "
                                  "F-2026-063 – Atelier Lumière SARL")
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert "5 557,53 €" in pdf_text(attachment.get_content())
    # the records, appended by Fava to the file where it inserts entries
    after = (tmp_path / "main.beancount").read_text(encoding="utf-8")
    assert after.startswith(before)
    assert fava.records() == ZINC_RECORDS
    assert fava.records("reminders.beancount") == []

    # a second send (a double click, another tab) is refused: nothing sent, nothing written
    again = fava.post("reminder_send", ZINC)
    assert again.status_code == 409
    assert again.get_json()["error"] == (
        f"Already recorded today for Restaurant Le Zinc: {ZINC_LIST} (level 3, email). "
        "Nothing was sent or recorded again.")
    assert len(smtp_server.received) == 1
    assert (tmp_path / "main.beancount").read_text(encoding="utf-8") == after
    assert fava.post("reminder_record", ZINC).status_code == 409

    # the letter left today's worklist; the page lists it as recorded today
    body = fava.page(f"recorded={ZINC}")
    assert ZINC not in table(body, "ar-reminders-table")
    assert table(body, "ar-recorded-table")[ZINC] == (
        f"Restaurant Le Zinc 3 – final email {ZINC_LIST}")
    assert (f"Recorded for Restaurant Le Zinc on 2026-11-23: {ZINC_LIST} (level 3, email), "
            "in main.beancount.") in text_of(body)
    # and the customer's history shows it, with the earlier ones
    customer = fava.client.get(f"{fava.url}?view=customer&customer={ZINC}&partial=true")
    sent = text_of(table_html(customer.get_data(as_text=True), "ar-reminders-sent"))
    assert sent.startswith(f"Date Level Channel Invoices 2026-11-23 3 – final email {ZINC_LIST} "
                           "entry source 2026-11-02 2 – firm "
                           "email F-2026-050, F-2026-054")
    assert "2026-10-20 1 – friendly email F-2026-050" in sent


def test_mark_as_sent_records_with_channel_letter(fava):
    response = fava.post("reminder_record", BELLEVUE)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["message"] == ("Recorded as sent by post in main.beancount: "
                                              "F-2026-038.")
    assert fava.records() == ['2026-11-23 custom "ar-reminder" "F-2026-038" 2 "letter"']
    again = fava.post("reminder_record", BELLEVUE)
    assert again.status_code == 409 and "Already recorded today for SCI Bellevue" in \
        again.get_json()["error"]
    assert len(fava.records()) == 1
    body = fava.page()
    assert BELLEVUE not in table(body, "ar-reminders-table")
    assert table(body, "ar-recorded-table")[BELLEVUE] == "SCI Bellevue 2 – firm letter F-2026-038"
    customer = fava.client.get(f"{fava.url}?view=customer&customer={BELLEVUE}&partial=true")
    sent = text_of(table_html(customer.get_data(as_text=True), "ar-reminders-sent"))
    assert "2026-11-23 2 – firm letter F-2026-038" in sent
    assert "2026-10-25 1 – friendly letter F-2026-038" in sent


def test_double_click_records_once(fava):
    results: list[int] = []

    def click() -> None:
        results.append(fava.app.test_client().post(
            f"{fava.url}reminder_record", json={"customer": GARNIER}).status_code)

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409, 409, 409]
    assert fava.records() == ['2026-11-23 custom "ar-reminder" "F-2026-010" 1 "letter"']


def test_records_go_to_fava_default_file(tmp_path):
    def edit(folder: Path) -> None:
        with (folder / "main.beancount").open("a", encoding="utf-8") as handle:
            handle.write('\n2025-01-01 custom "fava-option" "default-file" '
                         '"reminders.beancount"\n')

    fava = Fava(tmp_path, edit=edit)
    assert "are appended to reminders.beancount" in text_of(fava.page())
    response = fava.post("reminder_record", GARNIER)
    assert response.status_code == 200
    assert "in reminders.beancount" in response.get_json()["message"]
    assert fava.records("reminders.beancount") == [
        '2026-11-23 custom "ar-reminder" "F-2026-010" 1 "letter"']
    assert fava.records("main.beancount") == []


def test_a_mail_server_failure_records_nothing(tmp_path, smtp_server):  # noqa: F811
    # The example's settings require STARTTLS, which this local server does not offer.
    fava = Fava(tmp_path, edit=lambda folder: replace_in(
        folder / "ar.beancount", "smtp_port: 2525", f"smtp_port: {smtp_server.port}"))
    response = fava.post("reminder_send", ZINC)
    assert response.status_code == 502
    error = response.get_json()["error"]
    assert error.startswith("The e-mail was not sent and nothing was recorded: the mail server "
                            f"127.0.0.1:{smtp_server.port} does not offer STARTTLS")
    assert smtp_server.received == [] and fava.records() == []
    assert ZINC in table(fava.page(), "ar-reminders-table")


def test_missing_smtp_password_is_said_before_sending(tmp_path, monkeypatch):
    monkeypatch.delenv("BEAN_AR_FAVA_TEST_PASSWORD", raising=False)
    fava = Fava(tmp_path, edit=lambda folder: replace_in(
        folder / "ar.beancount", 'smtp_password_env: "BEAN_AR_SMTP_PASSWORD"',
        'smtp_user: "relances@atelier-lumiere.example.fr"\n'
        '  smtp_password_env: "BEAN_AR_FAVA_TEST_PASSWORD"'))
    body = fava.page()
    assert "the environment variable BEAN_AR_FAVA_TEST_PASSWORD holding its password is not " \
           "set" in text_of(body)
    zinc = row_html(body, ZINC)
    assert re.search(r'class="ar-button ar-send"[^>]* disabled', zinc)
    response = fava.post("reminder_send", ZINC)
    assert response.status_code == 502 and fava.records() == []


def test_read_only_fava_refuses_the_actions(tmp_path):
    fava = Fava(tmp_path, read_only=True)
    before = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.beancount")}
    for action in ("reminder_send", "reminder_record"):
        assert fava.post(action, ZINC).status_code == 401  # Fava's own answer
    assert {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.beancount")} \
        == before
    body = fava.page()
    assert "Fava runs in read-only mode: letters can be previewed and downloaded, but not sent " \
           "or recorded from here." in text_of(body)
    buttons = re.findall(r'<button [^>]*class="ar-button ar-(?:send|mark)"[^>]*>', body)
    assert buttons and all('disabled title="Fava runs in read-only mode."' in b for b in buttons)
    # the message the page's script shows when Fava answers 401 anyway
    assert 'data-ar-read-only-text="Fava runs in read-only mode: it refuses to send or record' \
        in body
    # downloads still work
    assert fava.client.get(f"{fava.url}reminder_pdf?customer={ZINC}").status_code == 200


@pytest.mark.parametrize(("kwargs", "status", "message"), [
    ({"data": "customer=x", "content_type": "application/x-www-form-urlencoded"}, 415,
     "Expected a JSON body naming the customer."),
    ({"json": {"who": "x"}}, 400, "Expected a JSON body naming the customer."),
    ({"json": {"customer": "Assets:Receivable:Nobody"}}, 404,
     "Unknown customer “Assets:Receivable:Nobody”."),
    ({"json": {"customer": "Assets:Receivable:AgenceNordik"}}, 409,
     "No reminder for Agence Nordik today: nothing of theirs is due for one."),
    ({"json": {"customer": "Assets:Receivable:OptiqueRenard"}}, 409,
     "No reminder for Optique Renard today: nothing of theirs is due for one."),
])
def test_bad_actions_are_answered(fava, kwargs, status, message):
    response = fava.client.post(f"{fava.url}reminder_record", **kwargs)
    assert response.status_code == status
    # a letter not due today is "skipped" for a bulk run; a malformed request has no outcome
    outcome = {"outcome": "skipped"} if status == 409 else {}
    assert response.get_json() == {"error": message, **outcome}
    assert fava.records() == []


def test_actions_are_post_only(fava):
    # Fava matches extension endpoints by method: a GET finds none
    assert fava.client.get(f"{fava.url}reminder_record?customer={ZINC}").status_code in (404,
                                                                                          405)
    assert fava.records() == []


# -- unusual ledgers -----------------------------------------------------------------------


def test_ledger_without_company_says_so(tmp_path):
    fava = Fava(tmp_path, edit=lambda folder: replace_in(
        folder / "ar.beancount", 'custom "ar-company"', 'custom "ar-company-old"'))
    text = text_of(fava.page())
    assert "The reminders cannot be prepared: no company details: add a custom " \
           "\"ar-company\" directive" in text
    response = fava.post("reminder_record", ZINC)
    assert response.status_code == 422 and "no company details" in response.get_json()["error"]


def test_untrusted_names_are_escaped(tmp_path):
    fava = Fava(tmp_path, edit=lambda folder: replace_in(
        folder / "customers.beancount", 'customer: "Restaurant Le Zinc"',
        'customer: "<script>alert(1)</script> Zinc & Co"'))
    for query in ("", f"preview={ZINC}"):
        body = fava.page(query)
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Zinc &amp; Co" in body
        assert re.findall(r"<script(?![^>]*application/json)[^>]*>", body) == []
    customer = fava.client.get(f"{fava.url}?view=customer&customer={ZINC}&partial=true")
    assert "<script>alert(1)</script>" not in customer.get_data(as_text=True)


def test_french(fava):
    text = text_of(fava.page(**{"Accept-Language": "fr-FR"}))
    assert "Relances au 23 novembre 2026" in text
    assert "À envoyer aujourd'hui 6" in text
    assert "3 – mise en demeure Mauvais payeur" in text
    assert "Envoyer Marquer comme envoyée" in text
    assert "La politique de relance" in text


def test_account_filter_narrows_the_worklist(fava):
    body = fava.page("account=Assets:Receivable:R")
    assert list(table(body, "ar-reminders-table")) == [ZINC]
    assert "ar-skipped-table" not in body and "ar-upcoming-table" not in body
    assert "Customers narrowed by the account filter “Assets:Receivable:R”." in text_of(body)


# -- one workflow, whoever sends ---------------------------------------------------------------


def _blocked_on(path: Path) -> int:
    """How many processes or threads wait for the flock of `path` (from /proc/locks)."""
    inode = f":{path.stat().st_ino} "
    with open("/proc/locks", encoding="utf-8") as handle:
        return sum(1 for line in handle if "->" in line and inode in line)


def test_fava_and_the_command_line_sending_at_once_send_once(tmp_path, smtp_server):  # noqa: F811
    import fcntl
    import os
    import subprocess
    import sys

    fava = Fava(tmp_path, smtp_port=smtp_server.port)
    main = tmp_path / "main.beancount"
    root = Path(__file__).resolve().parent.parent
    holder = os.open(main, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)  # both senders queue behind the ledger's lock
    try:
        cli = subprocess.Popen(
            [sys.executable, "-m", "beancount_ar.cli", "remind", str(main), "--as-of",
             "2026-11-23", "--send", "--record", str(tmp_path / "reminders.beancount")],
            env={**os.environ, "PYTHONPATH": str(root)}, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        answers: list = []
        click = threading.Thread(target=lambda: answers.append(fava.post("reminder_send", ZINC)))
        click.start()
        for _ in range(1200):  # until both wait for the lock (or the command line is done)
            if _blocked_on(main) >= 2 or cli.poll() is not None:
                break
            threading.Event().wait(0.05)
    finally:
        os.close(holder)
    click.join(120)
    out, err = cli.communicate(timeout=120)
    assert cli.returncode in (0, 1), err  # 1: SCI Bellevue has no e-mail address
    zinc = [r for r in smtp_server.received if r.rcpt_tos[0] == "lezinc.gerance@example.fr"]
    assert len(zinc) == 1
    both = fava.records() + fava.records("reminders.beancount")
    assert sorted(r for r in both if '" 3 "email"' in r) == ZINC_RECORDS
    [answer] = answers
    assert answer.status_code in (200, 409)
    if answer.status_code == 409:
        assert "Nothing was sent or recorded again." in answer.get_json()["error"]


def test_fava_finishes_what_a_killed_command_line_run_left(tmp_path, smtp_server):  # noqa: F811
    import os
    import signal
    import subprocess
    import sys

    fava = Fava(tmp_path, smtp_port=smtp_server.port)
    root = Path(__file__).resolve().parent.parent
    killed = subprocess.run(
        [sys.executable, "-m", "beancount_ar.cli", "remind", str(tmp_path / "main.beancount"),
         "--as-of", "2026-11-23", "--send", "--record", str(tmp_path / "reminders.beancount")],
        env={**os.environ, "PYTHONPATH": str(root), "BEAN_AR_FAULT": "sent"},
        capture_output=True, text=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    [first] = smtp_server.received  # the most urgent letter left, then the run was killed
    assert first.rcpt_tos == ["lezinc.gerance@example.fr"]
    assert fava.records("reminders.beancount") == []
    assert (tmp_path / ".main.beancount.ar-sending").exists()

    again = fava.post("reminder_send", ZINC)  # Fava finishes the run first: nothing twice
    assert again.status_code == 409, again.get_data(as_text=True)
    assert "Nothing was sent or recorded again." in again.get_json()["error"]
    assert len(smtp_server.received) == 1
    assert fava.records("reminders.beancount") == ZINC_RECORDS
    assert not (tmp_path / ".main.beancount.ar-sending").exists()


def test_a_record_file_that_cannot_be_written_stops_the_send_before_the_mail(
        tmp_path, smtp_server):  # noqa: F811
    def edit(folder: Path) -> None:
        with (folder / "main.beancount").open("a", encoding="utf-8") as handle:
            handle.write('\n2025-01-01 custom "fava-option" "default-file" '
                         '"missing/reminders.beancount"\n')

    fava = Fava(tmp_path, smtp_port=smtp_server.port, edit=edit)
    response = fava.post("reminder_send", ZINC)
    assert response.status_code == 503
    assert response.get_json()["error"].startswith("Nothing was sent or recorded: ")
    assert smtp_server.received == []
    assert not (tmp_path / ".main.beancount.ar-sending").exists()
