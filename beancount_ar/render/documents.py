"""Documents for customers, one module per job; this module names them all in one place.

- `beancount_ar.render.environment`: templates, Babel formatting, labels, company and logo;
- `beancount_ar.render.pdf`: HTML to PDF with WeasyPrint, reading nothing outside the ledger;
- `beancount_ar.render.statement`: a statement of account as HTML or PDF;
- `beancount_ar.render.batches`: the statements of every customer, to a folder or a ZIP;
- `beancount_ar.render.letters`: reminder letters and their e-mails.

With a company in the ledger,

    2025-01-01 custom "ar-company" "{'name': 'Atelier Lumière SARL', 'country': 'FR',
        'iban': 'FR76 3000 6000 0112 3456 7890 189', 'bic': 'BNPAFRPPXXX'}"

``render_statement_pdf(entries, options_map, "Assets:Receivable:Dupont")`` is a statement as a
PDF. Every problem is a `DocumentError` whose message says what to fix.
"""

from __future__ import annotations

from beancount_ar.i18n import LANGUAGES
from beancount_ar.render.batches import render_statements, statements_zip
from beancount_ar.render.environment import (
    FORMATS,
    PACKAGE_TEMPLATES,
    TEMPLATE_DIR,
    DocumentError,
    company_of,
    css_string,
    document_locale,
    labels,
    ledger_dir_of,
    logo_uri,
    slug,
    template_environment,
    template_problem,
)
from beancount_ar.render.pdf import _allowed_roots, _fetcher, html_to_pdf, print_css
from beancount_ar.render.statement import (
    Payment,
    StatementJob,
    payments,
    prepare,
    render_statement_html,
    render_statement_pdf,
    statement_filename,
    statement_html,
    statement_language,
    statement_pdf,
)

__all__ = [
    "FORMATS", "LANGUAGES", "PACKAGE_TEMPLATES", "TEMPLATE_DIR", "DocumentError", "Payment",
    "StatementJob", "_allowed_roots", "_fetcher", "company_of", "css_string", "document_locale",
    "html_to_pdf", "labels", "ledger_dir_of", "logo_uri", "payments", "prepare", "print_css",
    "render_statement_html", "render_statement_pdf", "render_statements", "slug",
    "statement_filename", "statement_html", "statement_language", "statement_pdf",
    "statements_zip", "template_environment", "template_problem",
]
