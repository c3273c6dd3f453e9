"""Optional dependencies: what a feature needs beyond ``pip install beancount-ar``, and the one
message that says how to get it.

The plugins and the ``bean-ar`` reports need nothing more. PDF documents need WeasyPrint and
segno (``beancount-ar[pdf]``), the Fava pages need Fava (``beancount-ar[fava]``);
``beancount-ar[all]`` brings both. For example, without WeasyPrint,

    bean-ar statement main.beancount --customer Dupont -o dupont.pdf

says ``bean-ar: PDF documents need weasyprint, which is not installed: pip install
'beancount-ar[pdf]' (or write HTML with --format html)``.
"""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingExtra(ImportError):
    """A feature's optional dependency is not installed; the message says what to install."""


def need(module: str, extra: str, feature: str, instead: str = "") -> ModuleType:
    """Import `module`, or raise MissingExtra naming the extra of beancount-ar that has it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".")[0]
        hint = f" ({instead})" if instead else ""
        raise MissingExtra(f"{feature} need {top}, which is not installed: pip install "
                           f"'beancount-ar[{extra}]'{hint}") from None


__all__ = ["MissingExtra", "need"]
