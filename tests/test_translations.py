"""Every message of the pages and of the policy's reasons is in the French catalog: the messages
are extracted by Babel (as ``pybabel extract`` does, with babel.cfg's keywords), not by regular
expressions, and a French page shows no English message of ours."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from beancount_ar.core import metrics
from beancount_ar.core.allocation import STATUSES
from beancount_ar.core.model import (
    CREDIT_NOTE,
    DEBIT,
    DISCOUNT,
    INVOICE,
    PAYMENT,
    PENALTY,
    WRITEOFF,
)
from beancount_ar.core.selection import KINDS
from beancount_ar.i18n import LANGUAGES, translations

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"t": None, "n": (1, 2), "N_": None}
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
# Labels translated through a variable: the core's codes, levels, channels, profiles, tabs.
CODES = {*STATUSES, *KINDS, *metrics.RISK_LEVELS, CREDIT_NOTE, DEBIT, DISCOUNT, INVOICE, PAYMENT,
         PENALTY, WRITEOFF, "unapplied", "Aging", "Customers", "Invoices", "E-mail", "Address",
         "Language", "Terms", "courtesy", "friendly", "firm", "final", "email", "letter",
         "registered", "punctual", "regular", "late", "Punctual payer", "Regular payer",
         "Late payer", "Statements", "Reminders"}


def messages() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for folder in (ROOT / "fava_ar_extension", ROOT / "beancount_ar"):
        for _, _, message, _, _ in extract_from_dir(str(folder), METHODS, keywords=KEYWORDS):
            found.add(message if isinstance(message, str) else tuple(message))
    found.discard("")
    return found


def test_babel_finds_the_messages():
    found = messages()
    assert len(found) > 200
    assert "Statement" in found and "{item} is {days} days overdue; level {level} ({name}) " \
        "applies from {offset} days for a {profile} payer" in found


def catalog(language: str):
    path = ROOT / "beancount_ar" / "locale" / language / "LC_MESSAGES" / "beancount_ar.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def test_every_message_has_a_french_translation():
    french = catalog("fr")
    missing = []
    for message in sorted(messages() | CODES, key=str):
        key = message[0] if isinstance(message, tuple) else message
        entry = french.get(key)
        translated = entry is not None and (all(entry.string) if entry.pluralizable
                                            else bool(entry.string))
        if not translated:
            missing.append(message)
    assert not missing, missing
    # and the compiled catalog answers with them, plural forms included
    assert translations("fr").ngettext("{count} day late", "{count} days late", 1) == \
        "{count} jour de retard"
    assert translations("fr").ngettext("{count} day late", "{count} days late", 2) == \
        "{count} jours de retard"


def test_one_language_list():
    assert LANGUAGES == ("fr", "en")
    for language in LANGUAGES:
        assert (ROOT / "beancount_ar" / "locale" / language / "LC_MESSAGES" /
                "beancount_ar.po").is_file()


def english_fragments() -> list[str]:
    """Pieces of our English messages that a French page must not contain: the text between
    placeholders, long enough not to be a French word too, of messages French says otherwise."""
    french = catalog("fr")
    pieces = set()
    for message in french:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if ids == tuple(strings):
            continue
        for text in ids:
            for piece in re.split(r"\{[^}]*\}", text):
                piece = piece.strip(" .:;,()–-")
                if len(piece) >= 14 and not any(piece in s for s in strings):
                    pieces.add(piece)
    return sorted(pieces)


def test_french_pages_show_no_english_message_of_ours(tmp_path):
    from fava_helpers import base, copy_example, make_app

    pieces = english_fragments()
    assert len(pieces) > 150
    app = make_app(copy_example(tmp_path))
    client = app.test_client()
    url = base(app)
    zinc = "Assets:Receivable:RestaurantLeZinc"
    for query in ("", "view=customers", f"view=customer&customer={zinc}", "view=invoices",
                  "view=invoices&status=overdue&kind=penalty", "view=statements",
                  f"view=statements&customer={zinc}", "view=reminders",
                  "view=invoices&status=late", "time=2026-06"):
        body = client.get(f"{url}?{query}&partial=true",
                          headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
        text = " ".join(re.sub(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", " ", body,
                               flags=re.S).split())
        english = [piece for piece in pieces if piece in text]
        assert not english, (query, english)


def test_french_dates_say_1er_and_pages_give_periods_in_words():
    import datetime

    from beancount_ar.i18n import format_day
    from fava_ar_extension.i18n import UI

    first = datetime.date(2026, 12, 1)
    assert format_day(first, "long", "fr_FR") == "1er décembre 2026"
    assert format_day(datetime.date(2026, 12, 11), "long", "fr_FR") == "11 décembre 2026"
    assert format_day(first, "long", "en_GB") == "1 December 2026"
    assert UI("fr").t("As of {date}", date=UI("fr").long_date(first)) == "Au 1er décembre 2026"


def test_fava_locale_option_formats_the_amounts(tmp_path):
    """With Fava's ``locale`` option the pages format numbers as Fava does (its locale, the
    ledger's precision); without it, as the page's language does."""
    from fava_helpers import base, copy_example, make_app

    main = copy_example(tmp_path)
    plain = make_app(main)
    body = plain.test_client().get(f"{base(plain)}?partial=true").get_data(as_text=True)
    assert "71,931.53" in body
    with main.open("a", encoding="utf-8") as handle:
        handle.write('\n2025-01-01 custom "fava-option" "locale" "de_DE"\n')
    german = make_app(main)
    body = german.test_client().get(f"{base(german)}?partial=true").get_data(as_text=True)
    assert "71.931,53" in body
