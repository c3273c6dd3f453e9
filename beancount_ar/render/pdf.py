"""HTML to PDF with WeasyPrint, reading nothing but ``data:`` URIs, the ledger's folder and the
package's templates (no network):

    pdf = html_to_pdf(statement_html(...), ledger_dir="/home/me/compta")

The print stylesheet is ``templates/print.css``, which ``<ledger folder>/ar-templates/print.css``
replaces.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2

from beancount_ar.extras import MissingExtra, need
from beancount_ar.render.environment import (
    PACKAGE_TEMPLATES,
    TEMPLATE_DIR,
    DocumentError,
    template_environment,
    template_problem,
)


def _allowed_roots(ledger_dir: str | None) -> tuple[str, ...]:
    roots = [os.path.realpath(PACKAGE_TEMPLATES)]
    if ledger_dir:
        roots.append(os.path.realpath(ledger_dir))
    return tuple(roots)


def _fetcher(roots: tuple[str, ...]):
    """A WeasyPrint URL fetcher for data: URIs and files under `roots`, nothing else."""
    urls = need("weasyprint.urls", "pdf", "PDF documents", "or write HTML with --format html")

    class LocalFetcher(urls.URLFetcher):  # type: ignore[name-defined]  # imported at run time
        def fetch(self, url: str, headers: Any = None):  # noqa: D102
            scheme = url.split(":", 1)[0].lower()
            if scheme == "file":
                path = os.path.realpath(unquote(urlsplit(url).path))
                if not any(path == root or path.startswith(root + os.sep) for root in roots):
                    raise ValueError(f"{path} is outside the ledger's folder")
            elif scheme != "data":
                raise ValueError(f"{scheme}: URLs are not fetched (no network)")
            return super().fetch(url, headers)

    return LocalFetcher(timeout=5, allowed_protocols=("data", "file"))


def print_css(ledger_dir: str | None) -> str:
    """The print stylesheet (``print.css``, the user's if any)."""
    try:
        return template_environment(ledger_dir).get_template("print.css").render()
    except jinja2.TemplateError as exc:
        raise template_problem(exc) from None


def _base_url(ledger_dir: str | None) -> str:
    user = os.path.join(ledger_dir, TEMPLATE_DIR) if ledger_dir else None
    return (user if user and os.path.isdir(user) else PACKAGE_TEMPLATES) + os.sep


@lru_cache(maxsize=8)
def _stylesheet(css: str, ledger_dir: str | None) -> Any:
    """The stylesheet parsed once: WeasyPrint compiles its selectors, which is slow."""
    weasyprint = need("weasyprint", "pdf", "PDF documents")
    return weasyprint.CSS(string=css, base_url=_base_url(ledger_dir),
                          url_fetcher=_fetcher(_allowed_roots(ledger_dir)))


def html_to_pdf(html: str, ledger_dir: str | None = None, css: str | None = None,
                pdf_variant: str | None = None) -> bytes:
    """An A4 PDF of a document's HTML (WeasyPrint), styled by `css` if given; `pdf_variant`
    is WeasyPrint's (``"pdf/a-3b"`` for invoices)."""
    try:  # imported late: it takes about a second
        weasyprint = need("weasyprint", "pdf", "PDF documents",
                          "or write HTML with --format html")
    except MissingExtra as exc:
        raise DocumentError(str(exc)) from None
    try:
        stylesheets = [_stylesheet(css, ledger_dir)] if css else None
        variant = {"pdf_variant": pdf_variant} if pdf_variant else {}
        return weasyprint.HTML(string=html, base_url=_base_url(ledger_dir),
                               url_fetcher=_fetcher(_allowed_roots(ledger_dir))
                               ).write_pdf(stylesheets=stylesheets, **variant)
    except Exception as exc:  # noqa: BLE001 - WeasyPrint raises many kinds
        raise DocumentError(f"the PDF could not be made ({exc.__class__.__name__}: {exc})"
                            ) from None


