"""``bean-ar rates``: rates in force by half-year, their origin, and a warning for a missing one."""

from __future__ import annotations

import json

import pytest

from beancount_ar.cli import main


def run(capsys, *args):
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_shipped_french_rates_with_sources(capsys):
    status, out, err = run(capsys, "rates", "--as-of", "2026-11-23", "--from", "2026-01-01")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "FR: ECB + 10 (Code de commerce L441-10)"
    h2 = next(line for line in lines if line.startswith("2026 H2  2026-07-01"))
    assert "2.40  12.40  shipped" in h2 and "unverified at the ECB" in h2
    # the French legal rate of 2026 H2 is not shipped: the warning names the directive
    assert 'warning: no FR-LEGAL rate for 2026 H2 (in force on 2026-07-01) yet' in out
    assert '2026-07-01 custom "ar-rate" "FR-LEGAL" <rate in percent>' in out


def test_current_period_without_a_rate_warns_with_the_directive(capsys):
    status, out, _ = run(capsys, "rates", "--regime", "eu", "--as-of", "2027-02-01")
    assert status == 0
    assert "2027 H1  2027-01-01          -      -  MISSING" in out
    assert ('warning: no ECB rate for 2027 H1 (in force on 2027-01-01) yet: penalties are '
            'charged only up to the day before it; add it to the ledger once published: '
            '2027-01-01 custom "ar-rate" "ECB" <rate in percent>') in out
    assert "FR-LEGAL" not in out  # only with the French regime


def test_ledger_rows_win_and_say_where_they_are(capsys, tmp_path):
    path = tmp_path / "main.beancount"
    path.write_text(
        'plugin "beancount_ar" "{}"\n'
        "plugin \"beancount_ar.penalties\" \"{'regime': 'UK', 'account': 'Income:P'}\"\n"
        "2020-01-01 open Income:P\n"
        '2026-12-31 custom "ar-rate" "BOE" 4.00\n', encoding="utf-8")
    status, out, _ = run(capsys, "rates", str(path), "--as-of", "2027-03-01", "--format", "json")
    assert status == 0
    report = json.loads(out)
    assert report["regime"] == "UK" and report["warnings"] == []
    rows = {r["period"]: r for r in report["tables"][0]["rows"]}
    assert rows["2027 H1"] == {
        "period": "2027 H1", "reference_day": "2026-12-31", "table": "BOE", "reference": "4.00",
        "margin": "8", "rate": "12.00", "origin": "ledger", "source": f"ledger {path}:4"}
    assert rows["2026 H2"]["origin"] == "shipped" and rows["2026 H2"]["rate"] == "11.75"


@pytest.mark.parametrize("args, message", [
    (("--regime", "XX"), "--regime 'XX': use one of FR, EU, DE, UK, fixed, monthly"),
    (("--as-of", "2026-13-01"), "--as-of '2026-13-01': expected a date"),
    (("--from", "2027-01-01", "--as-of", "2026-01-01"), "--from 2027-01-01 is after --as-of"),
    (("--from", "01/01/2026",), "--from '01/01/2026': expected a date such as 2026-01-01"),
])
def test_bad_input_is_one_line(capsys, args, message):
    status, out, err = run(capsys, "rates", *args)
    assert status == 1 and out == "" and message in err and len(err.splitlines()) == 1
