"""Helpers shared by the tests that run Fava's app on a copy of the example ledger."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

from fava.application import create_app

from fava_ar_extension import AccountsReceivable

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example-ledger"
EXTENSION = "AccountsReceivable"
TODAY = datetime.date(2026, 11, 23)  # the example ledger's "today"


def copy_example(folder: Path, smtp_port: int | None = None) -> Path:
    """Copy example-ledger/ into `folder` (pointing its SMTP settings at `smtp_port`)."""
    for path in EXAMPLE.iterdir():
        # Not Beancount's pickle cache of the example (a load of it elsewhere may write one):
        # it names the example's own files.
        if path.is_file() and not path.name.endswith(".picklecache"):
            shutil.copy(path, folder / path.name)
    if smtp_port is not None:
        ar = folder / "ar.beancount"
        text = ar.read_text(encoding="utf-8")
        assert "smtp_port: 2525" in text
        ar.write_text(text.replace("smtp_port: 2525",
                                   f"smtp_port: {smtp_port}\n  smtp_starttls: FALSE"),
                      encoding="utf-8")
    return folder / "main.beancount"


def make_app(main: Path, **options):
    """Fava's app on `main`, in testing mode, with the extension's today pinned to TODAY."""
    app = create_app([str(main)], load=True, poll_watcher=True, **options)
    app.testing = True
    extension_of(app).today = lambda: TODAY
    return app


def extension_of(app) -> AccountsReceivable:
    return app.config["LEDGERS"].ledgers[0].extensions.get_extension(EXTENSION)


def base(app) -> str:
    """The extension's URL (Fava redirects / to the ledger's slug)."""
    slug = app.test_client().get("/").headers["Location"].split("/")[1]
    return f"/{slug}/extension/{EXTENSION}/"
