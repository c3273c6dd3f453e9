"""Documents for customers: Jinja2 templates to HTML, WeasyPrint to PDF.

    2025-01-01 custom "ar-company" "{'name': 'Atelier Lumière SARL', 'country': 'FR',
        'iban': 'FR76 3000 6000 0112 3456 7890 189', 'bic': 'BNPAFRPPXXX'}"

With that in the ledger, `render_statement_pdf(entries, options_map, "Assets:Receivable:Dupont")`
returns the customer's statement of account. The rules are in `beancount_ar.core` (statements,
company); this package only formats: `environment` (templates, Babel formatting, company, logo),
`pdf` (WeasyPrint), `statement` (a statement as HTML or PDF), `batches` (many statements, a
ZIP), `letters` (reminders and their e-mails) and `epc_qr` (SEPA payment QR codes);
`documents` names them all. Templates live in ``templates/`` and can be overridden from
``<ledger folder>/ar-templates/``.
"""

from beancount_ar.render.documents import (
    DocumentError,
    render_statement_html,
    render_statement_pdf,
    render_statements,
    statements_zip,
)

__all__ = [
    "DocumentError",
    "render_statement_html",
    "render_statement_pdf",
    "render_statements",
    "statements_zip",
]
