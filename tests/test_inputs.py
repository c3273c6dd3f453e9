"""Every CLI and HTTP input validated: one-line CLI errors (exit 2 for usage errors), dates out
of range, a closed pipe; Fava's endpoints answer 400 naming the parameter, 405 for a wrong
method, 413 for an oversized or too deeply nested body, 403 for a POST from another site -
never "internal error" with 200. Through real processes and Fava's real application."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fava_helpers import base, copy_example, make_app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "example-ledger" / "main.beancount")
ZINC = "Assets:Receivable:RestaurantLeZinc"


def bean_ar(*argv: str, shell_tail: str = "") -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if shell_tail:
        command = " ".join(f"'{a}'" for a in [sys.executable, "-m", "beancount_ar.cli", *argv])
        done = subprocess.run(["bash", "-c", f"set -o pipefail; {command} {shell_tail}"],
                              capture_output=True, text=True, env=env, timeout=300)
    else:
        done = subprocess.run([sys.executable, "-m", "beancount_ar.cli", *argv],
                              capture_output=True, text=True, env=env, timeout=300)
    return done.returncode, done.stdout, done.stderr


# -- the command line ------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["statement", EXAMPLE, "--customer", ZINC, "--from", "0001-01-01", "-o", "/tmp/x.pdf"],
    ["remind", EXAMPLE, "--as-of", "0001-01-01"],
    ["aging", EXAMPLE, "--as-of", "9999-12-31"],
    ["invoices", EXAMPLE, "--as-of", "0001-01-01"],
])
def test_dates_out_of_range_are_one_line(argv):
    status, out, err = bean_ar(*argv)
    assert status == 1 and out == ""
    assert err.startswith("bean-ar: ") and err.count("\n") == 1, err
    assert "out of range; give a date from 1000-01-01 to 8999-12-31" in err


@pytest.mark.parametrize("argv", [
    ["remind", EXAMPLE, "--bogus"],
    ["statement", EXAMPLE],
    ["aging"],
    ["nonsense"],
])
def test_usage_errors_are_one_line_with_status_2(argv):
    status, out, err = bean_ar(*argv)
    assert status == 2 and out == ""
    assert err.startswith("bean-ar: ") and err.count("\n") == 1, err
    assert "--help" in err


def test_a_closed_pipe_is_not_an_error():
    status, _, err = bean_ar("remind", EXAMPLE, "--as-of", "2026-11-23", shell_tail="| true")
    assert "internal error" not in err and "Traceback" not in err and "Broken pipe" not in err
    assert err == "" and status == 0


# -- Fava ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fava(tmp_path_factory):
    app = make_app(copy_example(tmp_path_factory.mktemp("ledger")))
    return app.test_client(), base(app)


@pytest.mark.parametrize(("query", "parameter"), [
    ("aging?account=(", "account='('"),
    ("customers?account=[a-", "account='[a-'"),
    ("invoices?time=0001-01-01", "time=0001-01-01"),
    ("customer?customer=" + ZINC + "&time=9999", "time=9999"),
    ("invoices?from=0001-01-01", "from=0001-01-01"),
    ("invoices?to=2026-13-01", "to=2026-13-01"),
])
def test_bad_json_parameters_are_400_naming_them(fava, query, parameter):
    client, url = fava
    response = client.get(url + query)
    assert response.status_code == 400
    assert response.get_json()["error"].startswith(parameter)


@pytest.mark.parametrize("query", [
    "statements_zip?from=0001-01-01", f"statement_pdf?customer={ZINC}&from=0001-01-01",
    f"statement_pdf?customer={ZINC}&to=9999-12-31", f"reminder_pdf?customer={ZINC}&account=(",
])
def test_bad_document_parameters_are_400(fava, query):
    client, url = fava
    response = client.get(url + query)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "This document cannot be made" in text and "internal error" not in text
    assert query.split("&")[-1].split("?")[-1].split("=")[0] + "=" in text


def test_the_page_says_what_is_wrong(fava):
    client, url = fava
    for query in ("view=customers&time=0001-01-01", "view=aging&account=(",
                  "view=statements&from=0001-01-01"):
        response = client.get(f"{url}?{query}&partial=true")
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and "internal error" not in text
        assert "out of range" in text or "not a valid account filter" in text, query


def test_actions_take_post_only(fava):
    client, url = fava
    for action in ("reminder_send", "reminder_record"):
        response = client.get(f"{url}{action}?customer={ZINC}")
        assert response.status_code == 405 and response.headers["Allow"] == "POST"


def test_oversized_or_deeply_nested_bodies_are_413(fava):
    client, url = fava
    deep = "[" * 100000 + "]" * 100000
    for body in (deep, '{"customer": "' + "x" * 20000 + '"}', '{"a":' * 50 + "1" + "}" * 50):
        response = client.post(f"{url}reminder_record", data=body,
                               content_type="application/json")
        assert response.status_code == 413, body[:20]
        assert "internal error" not in response.get_data(as_text=True)


def test_state_changing_posts_come_from_favas_own_pages(tmp_path):
    app = make_app(copy_example(tmp_path))
    client, url = app.test_client(), base(app)
    main = tmp_path / "main.beancount"
    before = main.read_text(encoding="utf-8")
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"},
                    {"Referer": "http://evil.example/page"},
                    {"Origin": "http://localhost.evil.example"}):
        response = client.post(f"{url}reminder_record", headers=headers,
                               json={"customer": "Assets:Receivable:MenuiserieGarnier"})
        assert response.status_code == 403, headers
    assert main.read_text(encoding="utf-8") == before
    response = client.post(f"{url}reminder_record", headers={"Origin": "http://localhost"},
                           json={"customer": "Assets:Receivable:MenuiserieGarnier"})
    assert response.status_code == 200, response.get_data(as_text=True)


def test_every_command_takes_ignore_errors_as_its_error_says(tmp_path):
    main = tmp_path / "main.beancount"
    text = Path(EXAMPLE).parent
    for path in text.iterdir():
        if path.is_file():
            (tmp_path / path.name).write_bytes(path.read_bytes())
    with main.open("a", encoding="utf-8") as handle:
        handle.write('\n2026-11-01 custom "ar-reminder" "F-404" 1 "email"\n')
    for command in (["remind", str(main), "--as-of", "2026-11-23"],
                    ["invoices", str(main)], ["aging", str(main)]):
        status, _, err = bean_ar(*command)
        assert status == 1 and "--ignore-errors" in err
        status, out, err = bean_ar(*command, "--ignore-errors")
        assert status == 0, err
