"""Figures about rates quoted in docs/penalties.md and docs/statements.md, checked."""

from __future__ import annotations

import datetime
import html
import re
from decimal import Decimal
from pathlib import Path

from beancount import loader

from beancount_ar.cli import main
from beancount_ar.core.penalties import Quote, Rates, parse_penalty_config
from beancount_ar.core.rates import shipped_tables
from beancount_ar.render.documents import render_statement_html

DOCS = Path(__file__).resolve().parent.parent / "docs"


def flat(text: str) -> str:
    return " ".join(text.split())


def test_rates_sample_output_is_what_the_command_prints(capsys):
    text = (DOCS / "penalties.md").read_text(encoding="utf-8")
    block = text.split("$ bean-ar rates ")[1].split("```")[0]
    command, *sample = block.splitlines()
    assert main(["rates", *command.split()]) == 0
    output = capsys.readouterr().out.splitlines()
    for line in sample:
        if line.strip() and line != "...":
            assert line in output, line


def test_statutory_rates_of_2026_h2():
    text = flat((DOCS / "penalties.md").read_text(encoding="utf-8"))
    found = re.search(r"FR ([\d.]+) % \(ECB ([\d.]+) \+ 10\), EU ([\d.]+) %, DE ([\d.]+) % and, "
                      r"for UK debts late from July 2026, ([\d.]+) %", text)
    assert found, "the sentence on 2026 H2 rates moved"
    french, ecb, eu, de, uk = (Decimal(g) for g in found.groups())

    def rate(regime: str, day: datetime.date) -> Decimal:
        config, _ = parse_penalty_config(f"{{'account': 'Income:P', 'regime': '{regime}'}}")
        quote = Rates(config, shipped_tables()).quote(None, day - datetime.timedelta(days=1),
                                                      day)
        assert isinstance(quote, Quote)
        return quote.rate

    july = datetime.date(2026, 7, 2)
    assert shipped_tables()["ECB"].rate_on(datetime.date(2026, 7, 1)) == ecb
    assert (rate("FR", july), rate("EU", july), rate("DE", july), rate("UK", july)) == (
        french, eu, de, uk)


def test_statement_legal_mention_quoted_in_the_docs():
    text = flat((DOCS / "statements.md").read_text(encoding="utf-8"))
    quoted = re.search(r'at 2026-04-30: "(.+?)"; from 1 July', text).group(1)
    entries, errors, options = loader.load_string("""
plugin "beancount_ar" "{}"
2024-01-01 open Income:Sales
2025-01-01 custom "ar-company" "{'name': 'Atelier Lumière SARL', 'country': 'FR'}"
2024-01-01 open Assets:Receivable:Dupont
  language: "fr"
2026-03-02 * "Dupont" "Facture" ^F-1
  invoice: "F-1"
  Assets:Receivable:Dupont   100.00 EUR
  Income:Sales
""")
    assert errors == []
    page = render_statement_html(entries, options, "Assets:Receivable:Dupont",
                                 end=datetime.date(2026, 4, 30))
    assert quoted in flat(html.unescape(re.sub(r"<[^>]+>", " ", page)))
