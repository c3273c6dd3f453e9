"""Messages said in the reader's language: a message in English with ``{name}`` placeholders
and its values, translated where it is shown (the gettext catalogs of `beancount_ar.i18n`).

The core decides *what* to say - why a reminder goes, why an e-mail cannot - and the pages,
documents and commands say it in their language:

    why = Reason(N_("in dispute since {date}: {reason}"), (("date", day), ("reason", text)))
    why.text()            -> "in dispute since 2026-09-20: Heures contestées"
    why.text(translator("fr"))  -> "en litige depuis le 2026-09-20 : Heures contestées"

`N_` marks a message for Babel's extraction where it is written (``-k N_``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def N_(message: str) -> str:
    """Marks a message for translation where it is written (gettext's ``N_``): the adapters
    translate it when they show it (`Reason.text`)."""
    return message


@dataclass(frozen=True, slots=True)
class Reason:
    """A message (English, with ``{name}`` placeholders) and its values, so that each page or
    document can say it in its language; `codes` names the values that are codes to translate
    too (a level's or a profile's name)."""

    message: str
    values: tuple[tuple[str, Any], ...] = ()
    codes: tuple[str, ...] = ()

    def text(self, t: Callable[..., str] | None = None) -> str:
        """The message in `t`'s language (a translator of `beancount_ar.i18n`), else English."""
        values = dict(self.values)
        if t is None:
            return self.message.format(**values) if values else self.message
        for key in self.codes:
            values[key] = t(str(values[key]))
        return t(self.message, **values)

    def __str__(self) -> str:
        return self.text()


def reason(message: str, codes: tuple[str, ...] = (), **values: Any) -> Reason:
    """`Reason` from keyword values: ``reason(N_("{count} open"), count=3)``."""
    return Reason(message, tuple(values.items()), codes)


__all__ = ["N_", "Reason", "reason"]
