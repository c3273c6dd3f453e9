"""``bean-ar remind`` end to end: a ledger on disk, a real SMTP server on 127.0.0.1 (aiosmtpd),
real PDFs read back with pypdf, records appended to a file the ledger includes."""

from __future__ import annotations

import argparse
import email
import email.policy
import io

import pypdf
import pytest

from beancount_ar.cli import CliError
from beancount_ar.cli.remind import cmd_remind, parse_smtp, register
from tests.conftest import ledger_text
from tests.test_mail import free_port, smtp_server  # noqa: F401 - the fixture

AS_OF = "2026-11-23"
COMPANY = """
    2025-01-01 custom "ar-company" "{'name': 'Atelier Lumière SARL', 'country': 'FR'}"
      address: "5 rue de la Charité, 69002 Lyon"
      iban: "FR76 3000 6000 0112 3456 7890 189"
      bic: "BNPAFRPPXXX"
      email: "compta@atelier-lumiere.example.fr"
    2026-01-01 custom "ar-reminders" "{'smtp_host': 'smtp.invalid', 'smtp_starttls': False}"
      bcc: "archive@atelier-lumiere.example.fr"
"""
CUSTOMERS = """
    2024-01-01 open Assets:Receivable:Zinc EUR
      customer: "Restaurant Le Zinc"
      email: "lezinc@example.fr"
      language: "fr"
    2026-08-01 * "Le Zinc" "Repas" ^F-1
      invoice: "F-1"
      Assets:Receivable:Zinc   1200.00 EUR
      Income:Sales
    2026-10-15 * "Le Zinc" "Luminaires" ^F-2
      invoice: "F-2"
      Assets:Receivable:Zinc   450.00 EUR
      Income:Sales
    2024-01-01 open Assets:Receivable:Dupont EUR
      customer: "Dupont Ltd"
      email: "accounts@dupont.example.co.uk"
      language: "en"
    2026-10-01 * "Dupont" "Lamps" ^F-10
      invoice: "F-10"
      Assets:Receivable:Dupont   1000.00 EUR
      Income:Sales
"""
RECORDS = """; reminders sent (bean-ar remind --record)
2026-09-10 custom "ar-reminder" "F-1" 1 "email"
2026-10-01 custom "ar-reminder" "F-1" 2 "letter"
"""


def write_ledger(folder, body=CUSTOMERS, records=RECORDS, company=COMPANY):
    main = folder / "main.beancount"
    main.write_text(ledger_text(company + body) + '\ninclude "reminders.beancount"\n',
                    encoding="utf-8")
    if records is not None:
        (folder / "reminders.beancount").write_text(records, encoding="utf-8")
    return main


def run(*argv: str) -> str:
    parser = argparse.ArgumentParser(prog="bean-ar")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["remind", *argv])
    assert args.run is cmd_remind
    return args.run(args)


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def parsed(received):
    return email.message_from_bytes(received.content, policy=email.policy.default)


def test_dry_run_send_and_a_second_run_that_sends_nothing(tmp_path, smtp_server):  # noqa: F811
    main = write_ledger(tmp_path)
    records = tmp_path / "reminders.beancount"
    smtp = f"127.0.0.1:{smtp_server.port}"

    report = run(str(main), "--as-of", AS_OF, "--smtp", smtp, "--record", str(records))
    assert "dry run: nothing is sent" in report
    assert "Restaurant Le Zinc – level 3 (final) – 1,650.00 EUR – to lezinc@example.fr" in report
    assert "Dupont Ltd – level 1 (friendly) – 1,000.00 EUR" in report
    assert "invoices: F-1 (84 days late), F-2 (9 days late)" in report
    assert "why: F-1 is 84 days overdue; level 3 (final) applies from +45 days" in report
    assert report.count("-> would send") == 2
    assert smtp_server.received == []
    assert records.read_text(encoding="utf-8") == RECORDS

    report = run(str(main), "--as-of", AS_OF, "--send", "--smtp", smtp,
                 "--record", str(records))
    assert report.count(f"-> sent, recorded in {records}") == 2
    assert len(smtp_server.received) == 2
    by_to = {tuple(r.rcpt_tos): r for r in smtp_server.received}
    zinc = by_to[("lezinc@example.fr", "archive@atelier-lumiere.example.fr")]
    dupont = by_to[("accounts@dupont.example.co.uk", "archive@atelier-lumiere.example.fr")]
    assert zinc.mail_from == "compta@atelier-lumiere.example.fr"

    message = parsed(zinc)
    assert message["To"] == "Restaurant Le Zinc <lezinc@example.fr>"
    assert message["From"] == "Atelier Lumière SARL <compta@atelier-lumiere.example.fr>"
    assert message["Subject"] == "Mise en demeure de payer – F-1, F-2 – Atelier Lumière SARL"
    assert message["Bcc"] is None
    text = message.get_body(("plain",)).get_content()
    assert "F-1 du 01/08/2026, échéance 31/08/2026" in text
    assert "au plus tard le 1er décembre 2026" in text
    assert "<td>F-2</td>" in message.get_body(("html",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "reminder-3-final-Zinc-2026-11-23.pdf"
    letter = pdf_text(attachment.get_content())
    assert "Mise en demeure de payer" in letter
    assert "nous vous mettons en demeure de nous régler la somme de 1 650,00 € TTC" in letter

    message = parsed(dupont)
    assert message["Subject"] == "Overdue invoice reminder – F-10 – Atelier Lumière SARL"
    assert "F-10 of 01/10/2026, due 31/10/2026: €1,000.00 (23 days late)" in (
        message.get_body(("plain",)).get_content())
    [attachment] = list(message.iter_attachments())
    assert "According to our records, the invoice below is past due" in pdf_text(
        attachment.get_content())

    assert records.read_text(encoding="utf-8") == RECORDS + (  # most urgent first
        "\n"
        '2026-11-23 custom "ar-reminder" "F-1" 3 "email"\n'
        '2026-11-23 custom "ar-reminder" "F-2" 3 "email"\n'
        "\n"
        '2026-11-23 custom "ar-reminder" "F-10" 1 "email"\n'
    )

    again = run(str(main), "--as-of", AS_OF, "--send", "--smtp", smtp,
                "--record", str(records))
    assert "Nothing to send today." in again
    assert "final notice already sent: the next step is legal action" in again
    assert len(smtp_server.received) == 2
    recorded = records.read_text(encoding="utf-8")
    assert recorded.count("2026-11-23") == 3


def test_names_and_addresses_from_the_ledger_cannot_inject_headers_or_markup(
        tmp_path, smtp_server, capsys):  # noqa: F811
    body = """
    2024-01-01 open Assets:Receivable:Evil EUR
      customer: "Evil <script>alert(1)</script>
    Bcc: victim@evil.example"
      email: "evil@example.org"
    2026-10-01 * "Evil" "Lamps" ^F-20
      invoice: "F-20"
      Assets:Receivable:Evil   100.00 EUR
      Income:Sales
    2024-01-01 open Assets:Receivable:Sneaky EUR
      customer: "Sneaky"
      email: "ok@example.org
    Bcc: victim@evil.example"
    2026-10-01 * "Sneaky" "Lamps" ^F-21
      invoice: "F-21"
      Assets:Receivable:Sneaky   100.00 EUR
      Income:Sales
    2024-01-01 open Assets:Receivable:Garnier EUR
      customer: "Menuiserie Garnier"
    2026-10-01 * "Garnier" "Lamps" ^F-22
      invoice: "F-22"
      Assets:Receivable:Garnier   100.00 EUR
      Income:Sales
"""
    main = write_ledger(tmp_path, body, records="")
    records = tmp_path / "reminders.beancount"
    with pytest.raises(CliError, match=r"2 of 3 reminder\(s\) not sent; first: "):
        run(str(main), "--as-of", AS_OF, "--send", "--smtp", f"127.0.0.1:{smtp_server.port}",
            "--record", str(records))
    report = capsys.readouterr().out
    assert "Evil <script>alert(1)</script> Bcc: victim@evil.example – level 1" in report
    assert "NOT SENT: Sneaky: email 'ok@example.org Bcc: victim@evil.example' is not an " \
           "e-mail address" in report
    assert "NOT SENT: Menuiserie Garnier has no e-mail address" in report

    [received] = smtp_server.received
    assert received.rcpt_tos == ["evil@example.org", "archive@atelier-lumiere.example.fr"]
    assert b"victim@evil.example>" not in received.content
    message = parsed(received)
    assert message["Bcc"] is None
    assert [a.addr_spec for a in message["To"].addresses] == ["evil@example.org"]
    assert "\n" not in message["To"].addresses[0].display_name
    html = message.get_body(("html",)).get_content()
    assert "<script>" not in html
    assert records.read_text(encoding="utf-8") == (
        '2026-11-23 custom "ar-reminder" "F-20" 1 "email"\n')


def test_out_writes_each_letter_as_pdf_and_eml(tmp_path):
    main = write_ledger(tmp_path)
    out = tmp_path / "letters"
    report = run(str(main), "--as-of", AS_OF, "--out", str(out))
    names = sorted(p.name for p in out.iterdir())
    assert names == ["reminder-1-friendly-Dupont-2026-11-23.eml",
                     "reminder-1-friendly-Dupont-2026-11-23.pdf",
                     "reminder-3-final-Zinc-2026-11-23.eml",
                     "reminder-3-final-Zinc-2026-11-23.pdf"]
    assert f"files: {out / names[3]}, {out / names[2]}" in report
    assert "Overdue invoice reminder" in pdf_text((out / names[1]).read_bytes())
    eml = email.message_from_bytes((out / names[2]).read_bytes(), policy=email.policy.default)
    assert eml["Bcc"] == "archive@atelier-lumiere.example.fr"  # kept for the sender's client
    assert "Mise en demeure" in pdf_text(list(eml.iter_attachments())[0].get_content())
    assert (tmp_path / "reminders.beancount").read_text(encoding="utf-8") == RECORDS


def test_a_record_file_the_ledger_does_not_include_is_refused(tmp_path, smtp_server):  # noqa: F811
    main = write_ledger(tmp_path)
    other = tmp_path / "elsewhere.beancount"
    with pytest.raises(CliError, match=r"--record .*elsewhere\.beancount: the ledger does not "
                                       r"include this file, so the next run would not see"):
        run(str(main), "--as-of", AS_OF, "--send", "--smtp", f"127.0.0.1:{smtp_server.port}",
            "--record", str(other))
    assert not other.exists()  # created for the check, removed again
    assert smtp_server.received == []


def test_a_missing_record_file_the_ledger_includes_is_created(tmp_path, smtp_server):  # noqa: F811
    main = write_ledger(tmp_path, records=None)
    records = tmp_path / "reminders.beancount"
    report = run(str(main), "--as-of", AS_OF, "--record", str(records))
    assert "dry run" in report and not records.exists()
    run(str(main), "--as-of", AS_OF, "--send", "--smtp", f"127.0.0.1:{smtp_server.port}",
        "--record", str(records))
    assert records.read_text(encoding="utf-8").count('custom "ar-reminder"') == 3


def test_a_mail_server_that_does_not_answer_sends_and_records_nothing(tmp_path):
    main = write_ledger(tmp_path)
    records = tmp_path / "reminders.beancount"
    with pytest.raises(CliError, match=r"cannot use the mail server 127\.0\.0\.1:\d+"):
        run(str(main), "--as-of", AS_OF, "--send", "--smtp", f"127.0.0.1:{free_port()}",
            "--record", str(records))
    assert records.read_text(encoding="utf-8") == RECORDS


@pytest.mark.parametrize("argv, message", [
    (["--send"], "--send needs --record FILE"),
    (["--smtp", "host:port:x", "--record", "R"], "--smtp 'host:port:x': expected HOST:PORT"),
    (["--smtp", "host:0", "--record", "R"], "the port must be from 1 to 65535"),
    (["--as-of", "23/11/2026"], "--as-of '23/11/2026': expected a date such as 2026-11-23"),
    (["--record", "."], "is a directory"),
])
def test_bad_input_is_one_clear_line(tmp_path, argv, message):
    main = write_ledger(tmp_path)
    argv = [str(tmp_path / a) if a in ("R", ".") else a for a in argv]
    with pytest.raises(CliError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(str(main), *argv)


def test_a_ledger_with_errors_or_no_company_is_refused(tmp_path):
    with pytest.raises(CliError, match="no such ledger file"):
        run(str(tmp_path / "missing.beancount"))
    main = write_ledger(tmp_path, body=CUSTOMERS + "\n2026-11-01 open Assets:Bank EUR\n")
    with pytest.raises(CliError, match="the ledger has errors"):
        run(str(main), "--as-of", AS_OF)
    main = write_ledger(tmp_path, company="")
    with pytest.raises(CliError, match="no company details"):
        run(str(main), "--as-of", AS_OF)


def test_parse_smtp():
    assert parse_smtp("smtp.example.fr") == ("smtp.example.fr", None)
    assert parse_smtp("127.0.0.1:2525") == ("127.0.0.1", 2525)
    assert parse_smtp("[::1]:25") == ("::1", 25)
