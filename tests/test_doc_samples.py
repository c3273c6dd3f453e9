"""Every figure README.md and docs/ quote from the example ledger is generated, not typed:
the ``$ bean-ar ...`` samples are the commands' real output (``scripts/doc_samples.py``
rewrites them), and the figures the Fava guide quotes are those Fava shows."""

from __future__ import annotations

import re
import sys

import pytest
from fava_helpers import base, copy_example, make_app

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent / "scripts"))
import doc_samples  # noqa: E402

ALL = [(path, command, output) for path in doc_samples.DOCUMENTS
       for command, output in doc_samples.samples(path.read_text(encoding="utf-8"))]


def test_the_docs_have_samples():
    assert any("bean-ar aging" in command for _, command, _ in ALL)
    assert any("bean-ar invoices" in command for _, command, _ in ALL)


@pytest.mark.parametrize(("path", "command", "output"), ALL,
                         ids=[f"{p.name}:{c[8:40]}" for p, c, _ in ALL])
def test_sample_is_the_real_output(path, command, output):
    assert output == doc_samples.run(command), (
        f"{path.name}: the sample of `{command}` is stale; run python3 scripts/doc_samples.py")


def test_fava_guide_quotes_what_the_aging_page_shows(tmp_path):
    guide = (doc_samples.ROOT / "docs" / "fava.md").read_text(encoding="utf-8")
    quoted = re.search(r'"(Total [\d,.]+ EUR equals the receivable\s+accounts\' balance '
                       r'[\d,.]+ EUR)"', guide)
    assert quoted, "docs/fava.md quotes the aging's check sentence"
    app = make_app(copy_example(tmp_path))
    body = app.test_client().get(f"{base(app)}?partial=true").get_data(as_text=True)
    sentence = " ".join(quoted.group(1).split())
    assert sentence.replace("'", "&#39;") in body or sentence in body, sentence
