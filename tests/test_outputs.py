"""Outputs cannot destroy input: every ``-o``/``--out`` of ``bean-ar`` refuses a file of the
ledger and the ``.beancount`` files beside it, and overwrites nothing without ``--force``."""

from __future__ import annotations

import pytest

from beancount_ar import cli
from tests.test_cli_remind import AS_OF, write_ledger
from tests.test_statement_pdf import COMPANY, DUPONT, HEAD


@pytest.fixture
def books(tmp_path):
    main = tmp_path / "main.beancount"
    main.write_text(HEAD + COMPANY + 'include "2026.beancount"\n', encoding="utf-8")
    (tmp_path / "2026.beancount").write_text(DUPONT, encoding="utf-8")
    return main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def statement(main, *argv):
    return ["statement", str(main), "--customer", "Assets:Receivable:Dupont", "--to",
            "2026-04-30", *argv]


@pytest.mark.parametrize("target", ["main.beancount", "2026.beancount", "new.beancount",
                                    "link.pdf"])
def test_statement_never_writes_over_a_file_of_the_ledger(capsys, books, target):
    folder = books.parent
    (folder / "link.pdf").symlink_to(folder / "2026.beancount")
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    for force in ((), ("--force",)):
        status, out, err = run(capsys, *statement(books, "-o", str(folder / target), *force))
        assert status == 1 and out == "", err
        assert err.startswith("bean-ar: -o ") and err.count("\n") == 1
        assert "of the ledger" in err or "beside the ledger's files" in err
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    assert not (folder / "new.beancount").exists()


def test_statement_overwrites_an_existing_file_only_with_force(capsys, books):
    out = books.parent / "dupont.pdf"
    out.write_bytes(b"mine")
    status, _, err = run(capsys, *statement(books, "-o", str(out)))
    assert status == 1 and "the file exists; give another name, or --force" in err
    assert out.read_bytes() == b"mine"
    status, stdout, err = run(capsys, *statement(books, "-o", str(out), "--force"))
    assert status == 0 and out.read_bytes().startswith(b"%PDF"), err


def test_remind_out_overwrites_letters_only_with_force(capsys, tmp_path):
    main = write_ledger(tmp_path)
    letters = tmp_path / "letters"
    argv = ["remind", str(main), "--as-of", AS_OF, "--out", str(letters)]
    assert run(capsys, *argv)[0] == 0
    first = {p.name: p.read_bytes() for p in letters.iterdir()}
    status, _, err = run(capsys, *argv)
    assert status == 1 and "--out " in err and "the file exists" in err
    assert {p.name: p.read_bytes() for p in letters.iterdir()} == first
    assert run(capsys, *argv, "--force")[0] == 0
