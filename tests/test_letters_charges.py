"""Letters state the charges of the penalties policy (`core.charges`): the rate and the indemnity a
letter claims are the ones the penalties plugin posts (regime, UK bands, waivers, overrides)."""

from __future__ import annotations

import datetime
import html
import io
import re
from decimal import Decimal

import pypdf
from beancount import loader

from beancount_ar.render.letters import build_letter, letter_html, letter_pdf, prepare_reminders

AS_OF = datetime.date(2026, 11, 23)


def ledger(penalties: str, customer_meta: tuple[str, ...] = (), currency: str = "GBP",
           country: str = "GB", invoice_meta: tuple[str, ...] = ()) -> str:
    lines = [
        "plugin \"beancount_ar\" \"{'default_terms': 'net 30'}\"",
        f"plugin \"beancount_ar.penalties\" \"{penalties}\"",
        "2024-01-01 open Income:Sales",
        "2024-01-01 open Income:Penalties",
        f"2025-01-01 custom \"ar-company\" \"{{'name': 'Brighton Lamps Ltd', "
        f"'country': '{country}'}}\"",
        "  email: \"accounts@brighton.example\"",
        "2024-01-01 open Assets:Receivable:Smith",
        "  customer: \"Smith & Co\"",
        "  email: \"smith@example.com\"",
        "  language: \"en\"",
        *(f"  {m}" for m in customer_meta),
        "2026-08-01 * \"Smith\" \"Lamps\" ^F-1",
        "  invoice: \"F-1\"",
        *(f"  {m}" for m in invoice_meta),
        f"  Assets:Receivable:Smith   2500.00 {currency}",
        "  Income:Sales",
        "2026-09-15 * \"Smith\" \"Shades\" ^F-2",
        "  invoice: \"F-2\"",
        f"  Assets:Receivable:Smith   600.00 {currency}",
        "  Income:Sales",
        "2026-10-01 custom \"ar-reminder\" \"F-1\" 1 \"email\"",
    ]
    return "\n".join(lines) + "\n"


def job_of(text: str):
    entries, errors, options = loader.load_string(text)
    assert errors == [], [e.message for e in errors]
    return prepare_reminders(entries, options, AS_OF), entries


def posted_indemnities(entries) -> Decimal:
    total = Decimal(0)
    for entry in entries:
        if "ar-penalty" in getattr(entry, "tags", ()) and "recovery indemnity" in entry.narration:
            total += Decimal(entry.narration.split("recovery indemnity ")[1].split(" ")[0])
    return total


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


UK = "{'regime': 'UK', 'account': 'Income:Penalties', 'as_of': '2026-11-23'}"


def test_uk_letter_claims_the_bands_and_the_rate_the_plugin_posts():
    job, entries = job_of(ledger(UK))
    [reminder] = job.worklist.reminders
    letter = build_letter(job, reminder)
    # F-1 (2,500 GBP: the 70 GBP band) and F-2 (600 GBP: 40 GBP) are late
    assert letter.indemnity == posted_indemnities(entries) == Decimal(110)
    assert letter.charges.rate == Decimal("11.75")  # Bank Rate 3.75 on 2026-06-30 + 8
    reader = pypdf.PdfReader(io.BytesIO(letter_pdf(job, reminder)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "interest at 11.75% (the Bank of England Bank Rate of 3.75% plus 8 percentage " \
           "points)" in text
    assert "Late Payment of Commercial Debts (Interest) Act 1998" in text
    assert "recovery costs of £110.00" in text
    assert "40 EUR" not in text and "€" not in text and "L441-10" not in text


def test_a_waived_customer_gets_no_claim_of_charges():
    job, entries = job_of(ledger(UK, customer_meta=("penalties: FALSE",)))
    [reminder] = job.worklist.reminders
    letter = build_letter(job, reminder)
    assert letter.indemnity == posted_indemnities(entries) == 0
    assert not letter.charges.applies
    text = text_of(letter_html(job, reminder))
    assert "interest at" not in text and "recovery costs" not in text


def test_overrides_of_the_customer_and_the_invoice():
    job, entries = job_of(ledger(
        "{'regime': 'FR', 'account': 'Income:Penalties', 'as_of': '2026-11-23'}",
        customer_meta=("penalty_rate: 15", "penalty_indemnity: 60.00 EUR"),
        currency="EUR", country="FR", invoice_meta=("penalty_indemnity: 0",)))
    [reminder] = job.worklist.reminders
    letter = build_letter(job, reminder)
    assert letter.indemnity == posted_indemnities(entries) == Decimal(60)  # F-2 only
    text = text_of(letter_html(job, reminder))
    assert "au taux contractuel de 15 %" in text or "at the contractual rate of 15%" in text
    assert "60,00" in text or "€60.00" in text
    assert "40,00" not in text and "€40.00" not in text


def test_deprecated_settings_are_hints_not_errors():
    text = ledger(UK) + "2025-01-01 custom \"ar-reminders\" \"{'indemnity': 40}\"\n"
    text = text.replace("email: \"accounts@brighton.example\"",
                        "email: \"accounts@brighton.example\"\n  penalty_rate_text: \"x\"")
    job, _ = job_of(text)
    [reminder] = job.worklist.reminders
    warnings: list[str] = []
    build_letter(job, reminder, warnings=warnings)
    assert any("penalty_rate_text is no longer used" in w and "<string>:" in w
               for w in warnings), warnings
    assert any("'indemnity' is no longer used" in w for w in warnings), warnings
