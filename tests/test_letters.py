"""Reminder letters: per level and language, real WeasyPrint PDFs read back with pypdf, the
e-mail's bodies, user templates, escaping, and the ``custom "ar-reminders"`` settings."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pypdf
import pytest
from beancount import loader

from beancount_ar.core.reminder_config import read_reminder_settings
from beancount_ar.render.documents import DocumentError
from beancount_ar.render.letters import (
    build_letter,
    email_message,
    email_texts,
    letter_html,
    letter_pdf,
    prepare_reminders,
)
from tests.conftest import ledger_text, load

AS_OF = datetime.date(2026, 11, 23)
COMPANY = """
    2024-01-01 open Income:Penalties
    2025-01-01 custom "ar-company" "{'name': 'Atelier Lumière SARL', 'country': 'FR'}"
      address: "5 rue de la Charité, 69002 Lyon"
      siren: "732829320"
      vat: "FR44732829320"
      iban: "FR76 3000 6000 0112 3456 7890 189"
      bic: "BNPAFRPPXXX"
      email: "compta@atelier-lumiere.example.fr"
    2026-01-01 custom "ar-reminders" "{'signatory': 'Claire Lambert, gérante'}"
"""
ZINC = """
    2024-01-01 open Assets:Receivable:Zinc EUR
      customer: "Restaurant Le Zinc"
      email: "lezinc@example.fr"
      address: "2 place Sathonay, 69001 Lyon"
      language: "fr"
    2026-08-01 * "Le Zinc" "Repas" ^F-1
      invoice: "F-1"
      Assets:Receivable:Zinc   1200.00 EUR
      Income:Sales
    2026-10-15 * "Le Zinc" "Luminaires" ^F-2
      invoice: "F-2"
      Assets:Receivable:Zinc   450.00 EUR
      Income:Sales
    2026-10-20 * "Le Zinc" "Pénalités de retard" ^F-1 #ar-penalty
      Assets:Receivable:Zinc   52.30 EUR
      Income:Penalties
"""
FRIENDLY = ZINC  # F-1 84 days late, nothing recorded: level 1
FIRM = ZINC + '    2026-10-01 custom "ar-reminder" "F-1" 1 "email"\n'
FINAL = FIRM + '    2026-10-20 custom "ar-reminder" "F-1" 2 "email"\n'


def job_of(body: str, as_of: datetime.date = AS_OF):
    entries, errors, options = load(COMPANY + body)
    assert errors == []
    return prepare_reminders(entries, options, as_of)


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def only(job):
    [reminder] = job.worklist.reminders
    return reminder


def test_friendly_letter_in_french():
    job = job_of(FRIENDLY)
    reminder = only(job)
    assert reminder.level.name == "friendly"
    text = pdf_text(letter_pdf(job, reminder))
    for expected in ("Relance de paiement", "Atelier Lumière SARL", "Restaurant Le Zinc",
                     "2 place Sathonay", "Objet : Relance de paiement – F-1, F-2",
                     "Sauf erreur ou omission de notre part", "1 200,00", "450,00",
                     "52,30", "Total à régler 1 702,30 €", "FR76 3000 6000 0112 3456 7890 189",
                     "Zinc F-1 F-2", "SIREN 732 829 320"):
        assert expected in text, expected
    assert "mise en demeure" not in text.lower()
    assert "L441-10" not in text  # the friendly tone does not threaten


def test_firm_letter_states_the_rate_the_penalties_and_40_eur_per_invoice():
    job = job_of(FIRM)
    reminder = only(job)
    assert reminder.level.name == "firm"
    text = pdf_text(letter_pdf(job, reminder))
    assert "Deuxième relance" in text
    assert "Malgré notre relance du 1er octobre 2026" in text
    assert "au plus tard le 1er décembre 2026" in text  # 8 days
    assert "article L441-10" in text
    # No penalties plugin: a French company states French law's defaults, for 2026 H2
    assert "des pénalités de retard au taux de 12,40 % (taux de refinancement de la Banque " \
           "centrale européenne de 2,40 % majoré de 10 points)" in text
    assert "taux de taux" not in text
    assert "Les pénalités et indemnités facturées à ce jour, 52,30 €, sont comprises dans la " \
           "somme ci-dessus" in text
    assert "40,00 € par facture payée en retard" in text
    assert "soit 80,00 € (2 × 40,00 €)" in text


def test_final_notice_carries_the_elements_of_a_mise_en_demeure():
    job = job_of(FINAL)
    reminder = only(job)
    assert reminder.level.name == "final"
    letter = build_letter(job, reminder)
    assert (letter.indemnity, letter.late_items, letter.deadline) == (
        Decimal(80), 2, datetime.date(2026, 12, 1))
    assert letter.payments[0].amount == Decimal("1702.30")
    assert "EUR1702.30" in letter.payments[0].payload  # the QR code asks for the letter's total
    text = pdf_text(letter_pdf(job, reminder))
    for expected in (
            "Lettre recommandée avec accusé de réception".upper(),
            "Mise en demeure de payer",
            "émises par Atelier Lumière SARL à l'ordre de Restaurant Le Zinc",
            "nous vous mettons en demeure de nous régler la somme de 1 702,30 € TTC, dont "
            "52,30 € de pénalités et indemnités déjà facturées,",
            "au plus tard le 1er décembre 2026",
            "F-1 01/08/2026 31/08/2026 84 1 200,00 1 200,00 52,30",
            "F-2 15/10/2026 14/11/2026 9 450,00 450,00",
            "articles L441-10 et D441-5",
            "soit 80,00 €",
            "injonction de payer",
            "article 1344 du Code civil",
            "Le 23 novembre 2026",
            "Claire Lambert, gérante",
            "FR76 3000 6000 0112 3456 7890 189"):
        assert expected in text, expected


def test_english_letters_for_english_speaking_customers():
    body = FINAL.replace('language: "fr"', 'language: "en"')
    job = job_of(body)
    text = pdf_text(letter_pdf(job, only(job)))
    assert "Formal notice to pay" in text
    assert "We hereby give you formal notice to pay us €1,702.30 including VAT, of which " \
           "€52.30 of penalties and indemnities already charged" in text
    assert "by 1 December 2026 at the latest" in text
    assert "articles L441-10 and D441-5 of the French Commercial Code" in text
    assert "mise en demeure" in text
    job = job_of(FRIENDLY)
    assert "Overdue invoice reminder" in letter_html(job, only(job), language="en")


def test_courtesy_reminder_before_the_due_date_for_a_punctual_payer():
    history = "".join(f"""
    2026-0{m}-01 * "Facture" ^H-{m}
      invoice: "H-{m}"
      Assets:Receivable:Moreau   100.00 EUR
      Income:Sales
    2026-0{m}-20 * "Règlement" ^H-{m}
      Assets:Bank   100.00 EUR
      Assets:Receivable:Moreau  -100.00 EUR
""" for m in (3, 5, 7))
    body = """
    2024-01-01 open Assets:Receivable:Moreau EUR
      customer: "Cabinet Moreau"
      email: "moreau@example.fr"
    2026-10-29 * "Facture" ^F-9
      invoice: "F-9"
      Assets:Receivable:Moreau   2400.00 EUR
      Income:Sales
""" + history
    job = job_of(body)
    reminder = only(job)
    assert reminder.level.name == "courtesy"
    text = pdf_text(letter_pdf(job, reminder))
    assert "Rappel d'échéance" in text
    assert "la facture ci-dessous arrive prochainement à échéance" in text
    assert "F-9 29/10/2026 28/11/2026 dans 5 j 2 400,00 2 400,00" in text
    texts = email_texts(job, reminder)
    assert "merci de ne pas tenir compte de ce message" in texts.text


def test_the_email_bodies_and_subject():
    job = job_of(FINAL)
    reminder = only(job)
    texts = email_texts(job, reminder)
    assert texts.subject == "Mise en demeure de payer – F-1, F-2 – Atelier Lumière SARL"
    assert "- F-1 du 01/08/2026, échéance 31/08/2026 : 1 200,00 € (84 jours de retard)" in (
        texts.text.replace("\u202f", " ").replace("\xa0", " "))
    assert "au plus tard le 1er décembre 2026" in texts.text
    assert "référence à indiquer : Zinc F-1 F-2" in texts.text
    assert "<td>F-2</td>" in texts.html
    message = email_message(job, reminder, pdf=b"%PDF-1.4")
    assert message["To"] == "Restaurant Le Zinc <lezinc@example.fr>"
    assert message["From"] == "Atelier Lumière SARL <compta@atelier-lumiere.example.fr>"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "reminder-3-final-Zinc-2026-11-23.pdf"


def test_markup_from_the_ledger_is_escaped_everywhere():
    body = FRIENDLY.replace('"Restaurant Le Zinc"',
                            '"<script>alert(1)</script> Zinc & <b>Co</b>"')
    job = job_of(body)
    reminder = only(job)
    html = letter_html(job, reminder)
    assert "<script>" not in html and "<b>Co</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Zinc &amp; &lt;b&gt;Co&lt;/b&gt;" in html
    assert "<script>alert(1)</script> Zinc & <b>Co</b>" in pdf_text(letter_pdf(job, reminder))
    texts = email_texts(job, reminder)
    assert "<script>" not in texts.html
    assert texts.text.count("<script>") == 0  # the text body does not repeat the name


def test_a_template_in_the_ledger_folder_replaces_the_shipped_one(tmp_path):
    main = tmp_path / "main.beancount"
    main.write_text(ledger_text(COMPANY + FRIENDLY), encoding="utf-8")
    folder = tmp_path / "ar-templates" / "reminders" / "fr"
    folder.mkdir(parents=True)
    (folder / "friendly.html").write_text(
        '{% extends "reminders/letter.html" %}{% block body %}<p>Petit rappel amical pour '
        "{{ r.numbers() }} : {{ r.total() }}.</p>{% endblock %}", encoding="utf-8")
    (folder / "email.txt").write_text('{% import "reminders/macros.html" as r with context %}'
                                      "Bonjour {{ customer.name }}, {{ r.total() }}",
                                      encoding="utf-8")
    entries, errors, options = loader.load_file(str(main))
    assert errors == []
    job = prepare_reminders(entries, options, AS_OF)
    text = pdf_text(letter_pdf(job, only(job)))
    assert "Petit rappel amical pour F-1, F-2 : 1 702,30 €." in text
    assert "Sauf erreur" not in text
    assert email_texts(job, only(job)).text.replace("\u202f", " ").replace(
        "\xa0", " ") == "Bonjour Restaurant Le Zinc, 1 702,30 €"
    (folder / "friendly.html").write_text("{% block body %}{{ nope( }}", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"template error \(.*friendly\.html:1\)"):
        letter_html(prepare_reminders(entries, options, AS_OF), only(job))


def test_missing_company_or_bad_settings_are_clear_errors():
    entries, errors, options = load(FRIENDLY)
    with pytest.raises(DocumentError, match="no company details: add a custom \"ar-company\""):
        prepare_reminders(entries, options, AS_OF)
    entries, errors, options = load(COMPANY + FRIENDLY + """
    2026-06-01 custom "ar-reminders" "{'firm_day': 15}"
    """)
    with pytest.raises(DocumentError, match=r"<string>:\d+: .*unknown configuration key "
                                            r"'firm_day' \(did you mean 'firm_days'\?\)"):
        prepare_reminders(entries, options, AS_OF)


def test_reminder_settings_give_the_policy():
    entries, _, _ = load("""
    2026-01-01 custom "ar-reminders" "{'friendly_days': 5, 'firm_days': 20, 'final_days': 40}"
      courtesy: FALSE
      min_days_between: 10
      late_firm_days: 8
      deadline_days: 15
      indemnity: 0
    """)
    settings, problems = read_reminder_settings(entries)
    assert problems == []
    policy = settings.policy
    assert [(lv.name, lv.days) for lv in policy.levels] == [
        ("friendly", 5), ("firm", 20), ("final", 40)]
    assert policy.late_payer_days == {1: 3, 2: 8, 3: 30}
    assert (policy.min_days_between, settings.deadline_days, settings.indemnity) == (
        10, 15, Decimal(0))
    default, problems = read_reminder_settings([])
    assert (problems, default.policy.min_days_between, default.deadline_days) == ([], 7, 8)


@pytest.mark.parametrize("config, message", [
    ("{'firm_days': 50}", "friendly_days < firm_days < final_days is required (got 7, 50, 45)"),
    ("{'min_days_between': 0}", "min_days_between: 0 is not a whole number of days at least 1"),
    ("{'courtesy_days': 3}", "courtesy_days: 3 is not a whole number of days at most -1"),
    ("{'reply_to': 'nobody'}", "reply_to: 'nobody' is not an e-mail address"),
    ("{'smtp_port': 99999}", "smtp_port: 99999 is not a port number"),
    ("{'signatory': 'A\\\\nB'}", "signatory: 'A\\nB' is not a one-line text"),
    ("{'smtp_starttls': true}", "not a Python literal dict"),
])
def test_bad_settings_name_the_problem_and_keep_the_default(config, message):
    entries, _, _ = load(f'2026-01-01 custom "ar-reminders" "{config}"\n')
    settings, problems = read_reminder_settings(entries)
    assert len(problems) == 1
    assert message in problems[0].message
    assert re.search(r"custom \"ar-reminders\"", problems[0].message)
    assert settings.policy.levels[1].days == 7 and settings.policy.min_days_between == 7
