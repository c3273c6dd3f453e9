"""Receivables in Fava: aged receivables, customers, invoices - every figure traced to entries.

Enable it with one line in the ledger (the configuration string is optional; see
`fava_ar_extension.settings`):

    plugin "beancount_ar" "{'default_terms': 'net 30'}"
    2025-01-01 custom "fava-extension" "fava_ar_extension" "{'buckets': (30, 60, 90)}"

Fava then shows "Receivables" in its sidebar. The pages (``?view=aging|customers|customer|
invoices``) are described in `fava_ar_extension.pages`; JSON endpoints ``aging``, ``customers``,
``customer`` and ``invoices`` answer the same with raw figures. ``?view=statements`` (statements
of account, their PDF and a ZIP of all: `fava_ar_extension.statements_page`) and
``?view=reminders`` (today's reminders, their letters, sending and recording them:
`fava_ar_extension.reminders_page`) make and send documents.

The as-of date is the last day of Fava's time filter, today without one; the figures are
computed from all the entries up to that date (never from Fava's filtered entries, which fold
everything before the period into summary entries). The period of the metrics is the time
filter's, or the 12 months to today. Fava's account filter narrows the customers.

This module is an adapter: it reads Fava's request (filters, language), asks `Analysis` (the
core, cached per load of the ledger and as-of date, shared by Fava's threads) and hands plain
data to the templates. No exception reaches the user: a page says what went wrong instead, a
download endpoint answers a short HTML page saying so, an action answers ``{"error": ...}``.
"""

from __future__ import annotations

import datetime
import io
import json
import logging
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import flask
from babel.numbers import is_currency
from dateutil.relativedelta import relativedelta
from fava.beans.funcs import hash_entry
from fava.core.filters import Match, TimeFilter
from fava.ext import FavaExtensionBase, FavaExtensionError, extension_endpoint
from markupsafe import escape

from beancount_ar.core.customers import CustomerError
from beancount_ar.core.einvoicing import latest, read_statuses
from beancount_ar.core.limits import EARLIEST, LATEST
from beancount_ar.core.statements import StatementError
from beancount_ar.dispatch import Dispatcher
from beancount_ar.mail import MailError
from beancount_ar.plugins.common import no_gc
from beancount_ar.render.documents import DocumentError
from beancount_ar.render.invoice import invoice_file
from beancount_ar.render.letters import ReminderJob
from fava_ar_extension.analysis import Analysis
from fava_ar_extension.downloads import export_file, export_links
from fava_ar_extension.i18n import UI
from fava_ar_extension.pages import VIEWS, Links, PageError, Pages, Scope
from fava_ar_extension.reminders_page import (
    EMAIL,
    LETTER,
    ActionError,
    Writing,
    act,
    letter_file,
    reminders_page,
    smtp_sender,
)
from fava_ar_extension.settings import parse_settings
from fava_ar_extension.statements_page import (
    statement_file,
    statements_archive,
    statements_page,
)

log = logging.getLogger(__name__)
MODULE = __name__
DOCUMENT_VIEWS = ("statements", "reminders")
ALL_VIEWS = (*VIEWS, *DOCUMENT_VIEWS)
# The frame of a document shown on its own: its styles and data: images, nothing else.
DOCUMENT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"


def current_language() -> str:
    """Fava's language ('fr' or 'en'): its ``language`` option, else the browser's."""
    try:
        from flask_babel import get_locale

        locale = get_locale()
    except Exception:  # noqa: BLE001 - outside a request: English
        return "en"
    return "fr" if locale is not None and locale.language == "fr" else "en"


def read_only() -> bool:
    """Whether Fava runs with ``--read-only`` (it then answers 401 to every non-GET request
    through a ``before_request`` function of its own, which is how it is recognised here)."""
    try:
        functions = flask.current_app.before_request_funcs.get(None, ())
    except RuntimeError:  # outside a request
        return False
    return any(getattr(f, "__name__", "") == "_read_only" for f in functions)


def incognito() -> bool:
    """Whether Fava hides amounts (``--incognito``)."""
    try:
        return bool(flask.current_app.config.get("INCOGNITO"))
    except RuntimeError:
        return False


def default_begin(as_of: datetime.date) -> datetime.date:
    """The first day of the 12 months that end on `as_of`."""
    return as_of - relativedelta(years=1) + datetime.timedelta(days=1)


MAX_BODY = 16 * 1024  # an action's JSON body names one customer: a few hundred bytes
MAX_DEPTH = 8  # {"customer": "..."} is one level deep


def check_args(args: Any) -> None:
    """PageError (400) naming the first query parameter that cannot be used: ``from`` and
    ``to`` must be dates within what beancount-ar computes with, ``account`` a regular
    expression (Fava's account filter)."""
    for name in ("from", "to"):
        text = args.get(name, "").strip()
        if not text:
            continue
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            raise PageError(f"{name}={text[:40]}: “{text[:40]}” is not a date such as "
                            "2026-11-23.", 400) from None
        if not EARLIEST <= day <= LATEST:
            raise PageError(f"{name}={text}: out of range; give a date from {EARLIEST} to "
                            f"{LATEST}", 400)
    account = args.get("account", "").strip()
    if account:
        try:
            re.compile(account)
        except re.error as exc:
            raise PageError(f"account={account[:60]!r}: not a valid account filter (a regular "
                            f"expression: {exc})", 400) from None


def json_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (strings skipped), without parsing it
    (Python's parser recurses, and a deep enough body exhausts its stack)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def same_origin(request: Any) -> bool:
    """Whether a state-changing request comes from a page of this Fava: its ``Origin`` header
    (else its ``Referer``) names the host the request was sent to. A request with neither (a
    script, curl) is let through: browsers send ``Origin`` with every cross-site POST."""
    origin = request.headers.get("Origin")
    if origin == "null":  # a sandboxed frame, a file:// page
        return False
    source = origin or request.headers.get("Referer")
    if not source:
        return True
    return urlsplit(source).netloc.lower() == (request.host or "").lower()


class AccountsReceivable(FavaExtensionBase):
    """The Receivables report (see the module docstring)."""

    has_js_module = True

    def __init__(self, ledger: Any, config: str | None = None) -> None:
        # Fava's base class would raise on a malformed string (and crash the load on a JSON
        # `true`): the configuration is read here instead, its problems go to the Errors page.
        super().__init__(ledger, None)
        self.config = config
        self.settings, self.config_problems = parse_settings(config)
        self.today: Callable[[], datetime.date] = datetime.date.today
        self._lock = threading.Lock()
        self._record_lock = threading.Lock()  # one action (send, record) at a time
        self._analysis: Analysis | None = None
        self._templates_compiled = False

    @property
    def report_title(self) -> str:  # the sidebar entry, in Fava's language
        return self.ui().t("Receivables")

    # -- Fava's hooks ------------------------------------------------------------------------

    def ui(self) -> UI:
        """The request's language, and Fava's number format when the ledger sets Fava's
        ``locale`` option (``custom "fava-option" "locale" "fr_FR"``)."""
        money = self.ledger.format_decimal if self.ledger.fava_options.locale else None
        return UI(current_language(), money)

    def after_load_file(self) -> None:
        """Report configuration problems on the Errors page; prepare today's figures."""
        source = self._directive_meta()
        for message in self.config_problems:
            self.ledger.extensions.errors.append(FavaExtensionError(source, message, None))
        try:
            with no_gc():  # many small records next to the ledger's graph: see no_gc
                analysis = self.analysis()
                today = self.today()
                analysis.aging(today, self.settings.aging_by, self.settings.buckets, None)
                analysis.figures(today, default_begin(today), None)
        except Exception:  # noqa: BLE001 - the page will say what is wrong
            log.exception("fava_ar_extension: cannot analyse the ledger")

    def before_request(self) -> None:
        """At Fava's first request (whatever the page), compile the templates once."""
        if self._templates_compiled:
            return
        self._templates_compiled = True
        try:
            for path in sorted((self.extension_dir / "templates").glob("*.html")):
                self.jinja_env.get_template(path.name)
        except Exception:  # noqa: BLE001 - the page will compile (and report) them itself
            log.exception("fava_ar_extension: cannot compile the templates")

    def _directive_meta(self) -> dict[str, Any] | None:
        for entry in self.ledger.all_entries_by_type.Custom:
            if (entry.type == "fava-extension" and entry.values
                    and entry.values[0].value == MODULE):
                return entry.meta
        return None

    # -- state -------------------------------------------------------------------------------

    def analysis(self) -> Analysis:
        """The core's results for the ledger as loaded now (rebuilt after each reload)."""
        entries = self.ledger.all_entries
        with self._lock:
            current = self._analysis
            if current is None or current.entries is not entries:
                current = Analysis(entries, self.ledger.options)
                self._analysis = current
            return current

    def scope(self, analysis: Analysis) -> Scope:
        """The as-of date, period and customers of the current request; PageError (400,
        naming the parameter) for a parameter that cannot be used."""
        args = flask.request.args
        check_args(args)
        today = self.today()
        time = args.get("time", "").strip()
        as_of, begin, time_error = today, None, False
        if time:
            try:
                date_range = TimeFilter(self.ledger.options, self.ledger.fava_options,
                                        time).date_range
                as_of, begin = date_range.end_inclusive, date_range.begin
            except Exception:  # noqa: BLE001 - Fava reports it too; today is used
                time_error = True
            if not time_error and not (EARLIEST <= as_of <= LATEST and (
                    begin is None or EARLIEST <= begin)):
                raise PageError(f"time={time}: out of range; give dates from {EARLIEST} to "
                                f"{LATEST}", 400)
        account = args.get("account", "").strip()
        customers = None
        if account:
            match = Match(account)
            wrapped = f":{account}:"
            customers = analysis.customers_of_accounts(
                lambda name: wrapped in f":{name}:" or match(name))
        return Scope(as_of=as_of, begin=begin or default_begin(as_of), today=today,
                     time=time if not time_error else "", time_error=time_error,
                     account=account, customers=customers)

    def links(self, analysis: Analysis | None = None) -> Links:
        url_for = flask.url_for
        editor = url_for("report", report_name="editor")  # with Fava's filters

        def source(filename: str, line: int) -> str:
            joiner = "&" if "?" in editor else "?"
            return f"{editor}{joiner}{urlencode({'file_path': filename, 'line': line})}"

        return Links(
            report=url_for("extension_report", extension_name=self.name),
            journal=lambda name: url_for("account", name=name),
            editor=source,
            errors=url_for("report", report_name="errors"),
            entry_hash=(hash_entry if analysis is None else
                        lambda entry: analysis.entry_hash(entry, hash_entry)),
        )

    def pages(self, ui: UI) -> tuple[Pages, Scope]:
        analysis = self.analysis()
        scope = self.scope(analysis)
        return Pages(analysis, scope, self.settings, ui, self.links(analysis),
                     flask.request.args), scope

    # -- the page ----------------------------------------------------------------------------

    def page(self) -> dict[str, Any]:
        """Everything the page template shows. Never raises: a problem becomes `error`."""
        ui = self.ui()
        t = ui.t
        view = flask.request.args.get("view") or "aging"
        result: dict[str, Any] = {"ui": ui, "t": t, "view": view, "error": None, "notes": [],
                                  "nav": [], "body": None, "scope": None, "company": None,
                                  "incognito": incognito(), "read_only": read_only()}
        try:
            links = self.links()
            result["nav"] = [{"view": name, "label": t(label), "url": links.view(name),
                              "active": view == name or (view == "customer"
                                                         and name == "customers")}
                             for name, label in (("aging", "Aging"), ("customers", "Customers"),
                                                 ("invoices", "Invoices"),
                                                 ("statements", "Statements"),
                                                 ("reminders", "Reminders"))]
            pages, scope = self.pages(ui)
            analysis = pages.analysis
            result["scope"] = {
                "as_of": t("As of {date}", date=ui.long_date(scope.as_of)),
                "source": t("the end of the time filter") if scope.time
                else t("today: no time filter"),
                "period": t("Period {begin} to {end} ({days} days)",
                            begin=ui.long_date(scope.begin), end=ui.long_date(scope.as_of),
                            days=scope.days),
            }
            result["company"] = self._company(analysis, scope)
            result["notes"] = self._notes(analysis, scope, ui, links)
            if view not in ALL_VIEWS:
                raise PageError(f"view={view!r}: expected one of {', '.join(ALL_VIEWS)}")
            if not analysis.book.customers:
                result["empty"] = t(
                    "No customers yet: open a receivable account under {root} (one per "
                    "customer), then record invoices with invoice: metadata.",
                    root=analysis.config.receivable_root)
            if view == "statements":
                result["body"] = statements_page(analysis, pages)
            elif view == "reminders":
                result["body"] = reminders_page(analysis, pages, self.today(), self.writing())
            else:
                result["body"] = getattr(pages, view)()
            if not result["incognito"]:
                result["exports"] = export_links(links, view, flask.request.args)
        except PageError as exc:
            result["error"] = str(exc)
        except Exception as exc:  # noqa: BLE001 - no traceback reaches the user
            log.exception("fava_ar_extension: %s page", view)
            result["error"] = t("This page could not be built: {message}",
                                message=f"{exc.__class__.__name__}: {exc}")
        return result

    def _company(self, analysis: Analysis, scope: Scope) -> dict[str, Any] | None:
        company = analysis.company(scope.as_of)
        if company is not None:
            return {"name": company.name, "address": company.address, "email": company.email,
                    "phone": company.phone}
        details = self.settings.company
        return dict(details) if details.get("name") else None

    def _notes(self, analysis: Analysis, scope: Scope, ui: UI,
               links: Links) -> list[dict[str, Any]]:
        t = ui.t
        notes = []
        errors = len(self.ledger.errors)
        if errors:
            notes.append({"level": "warning", "url": links.errors, "link": t("Errors"),
                          "text": t.n("The ledger has {count} error: see the Errors page.",
                                      "The ledger has {count} errors: see the Errors page.",
                                      errors)})
        if scope.time_error:
            notes.append({"level": "warning", "text": t(
                "The time filter “{filter}” cannot be read; today is used.",
                filter=flask.request.args.get("time", ""))})
        if not analysis.plugin_enabled:
            notes.append({"level": "info", "text": t(
                "The ledger has no plugin \"beancount_ar\" line: due dates are computed from "
                "the terms here, but the plugin's checks and discount entries are missing.")})
        unknown = [c for c in analysis.currencies() if not is_currency(c)]
        if unknown:
            notes.append({"level": "info", "text": t(
                "Not an ISO 4217 currency: {currencies}; amounts in it show with all their "
                "decimals (at least 2).", currencies=", ".join(unknown))})
        if scope.as_of > scope.today:
            notes.append({"level": "info", "text": t(
                "The as-of date is in the future: amounts falling due before it show as "
                "overdue.")})
        if scope.customers is not None:
            message = ("Customers narrowed by the account filter “{filter}”." if scope.customers
                       else "No receivable account matches the account filter “{filter}”.")
            notes.append({"level": "info", "text": t(message, filter=scope.account)})
        return notes

    # -- JSON endpoints ----------------------------------------------------------------------

    def _json(self, build: Callable[[Pages], Any]) -> Any:
        try:
            pages, _ = self.pages(UI("en"))
            return flask.jsonify(build(pages))
        except PageError as exc:
            return flask.jsonify({"error": str(exc)}), exc.status
        except Exception as exc:  # noqa: BLE001 - an answer, never a traceback
            log.exception("fava_ar_extension: JSON endpoint")
            return flask.jsonify({"error": f"internal error ({exc.__class__.__name__}: {exc})"}
                                 ), 500

    @extension_endpoint("aging")
    def aging_json(self) -> Any:
        """The aged receivables, the balance check and the metrics."""
        return self._json(lambda pages: pages.aging_json())

    @extension_endpoint("customers")
    def customers_json(self) -> Any:
        """Every customer's balances, overdue amounts, credit-limit use, behaviour and risk."""
        return self._json(lambda pages: pages.customers_json())

    @extension_endpoint("customer")
    def customer_json(self) -> Any:
        """One customer (``?customer=<key>``) with its invoices."""
        return self._json(lambda pages: pages.customer_json())

    @extension_endpoint("invoices")
    def invoices_json(self) -> Any:
        """The invoices, filtered like the Invoices page."""
        return self._json(lambda pages: pages.invoices_json())

    @extension_endpoint("export")
    def export(self) -> Any:
        """A page's table as CSV or XLSX (``?table=aging|customers|invoices|customer&format=
        csv|xlsx`` and the page's filters: `fava_ar_extension.downloads`)."""
        return self._download(lambda pages: export_file(pages, current_language(),
                                                        incognito()))

    # -- documents: statements and reminder letters -----------------------------------------

    def record_path(self) -> str:
        """The file where Fava inserts new entries: its ``default-file``, else the main file."""
        return str(self.ledger.fava_options.default_file or self.ledger.beancount_file_path)

    def dispatcher(self) -> Dispatcher:
        """The send-then-record workflow on this ledger, holding Fava's own file lock too."""
        return Dispatcher(self.ledger.beancount_file_path,
                          self.ledger.options.get("include") or (),
                          guard=getattr(self.ledger.file, "_lock", None))

    def _notify(self, path: str) -> None:
        """Tell Fava's watcher the file changed (as its own insert_entries does)."""
        try:
            self.ledger.watcher.notify(Path(path))
        except Exception:  # noqa: BLE001 - the next request notices the change anyway
            log.debug("fava_ar_extension: watcher notify failed", exc_info=True)

    def writing(self) -> Writing:
        """Where Fava inserts new entries (its ``default-file`` option, else the main file),
        shown relative to the main file's folder; and whether Fava runs read-only."""
        main = self.ledger.beancount_file_path
        path = self.ledger.fava_options.default_file or main
        relative = os.path.relpath(path, os.path.dirname(main))
        return Writing(path if relative.startswith("..") else relative, read_only())

    def _problem(self, message: str, status: int) -> flask.Response:
        """A short HTML page saying why a document cannot be made (a download's answer)."""
        ui = self.ui()
        t = ui.t
        try:
            back = self.links().report
        except Exception:  # noqa: BLE001 - outside Fava's routing: no link back
            back = ""
        link = f'<p><a href="{escape(back)}">{escape(t("Back to the receivables"))}</a></p>' \
            if back else ""
        page = (f'<!DOCTYPE html><html lang="{ui.lang}"><head><meta charset="utf-8">'
                f"<title>{escape(t('This document cannot be made'))}</title></head>"
                '<body style="font-family: sans-serif; max-width: 50rem; margin: 2rem auto">'
                f"<h1>{escape(t('This document cannot be made'))}</h1>"
                f'<p style="white-space: pre-line">{escape(message)}</p>{link}</body></html>')
        return flask.Response(page, status=status, mimetype="text/html")

    def _download(self, build: Callable[[Pages], tuple[str, bytes, str]],
                  inline: bool = False) -> flask.Response:
        """Answer a document built by `build`, or a page saying why it cannot be made."""
        try:
            pages, _ = self.pages(self.ui())
            name, content, mimetype = build(pages)
        except PageError as exc:
            return self._problem(str(exc), exc.status)
        except (DocumentError, StatementError, CustomerError, MailError) as exc:
            return self._problem(str(exc), 422)
        except Exception as exc:  # noqa: BLE001 - an answer, never a traceback
            log.exception("fava_ar_extension: document")
            return self._problem(f"internal error ({exc.__class__.__name__}: {exc})", 500)
        response = flask.send_file(io.BytesIO(content), mimetype=mimetype,
                                   as_attachment=not inline, download_name=name, etag=False,
                                   max_age=0)
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        if mimetype == "text/html":
            response.headers["Content-Security-Policy"] = DOCUMENT_CSP
        return response

    def _job(self, pages: Pages) -> ReminderJob:
        try:
            return pages.analysis.reminder_job(self.today())
        except DocumentError as exc:
            raise PageError(pages.t("The reminders cannot be prepared: {message}",
                                    message=str(exc)), 422) from None

    def _letter(self, fmt: str) -> flask.Response:
        def build(pages: Pages) -> tuple[str, bytes, str]:
            key = pages.customer_key()
            return letter_file(self._job(pages), key, fmt, pages.t)
        return self._download(build, inline=fmt == "html")

    @extension_endpoint("statement_pdf")
    def statement_pdf(self) -> Any:
        """A customer's statement as PDF (``?customer=...&type=...&from=...&to=...``)."""
        return self._download(lambda pages: (*statement_file(pages.analysis, pages, "pdf"),
                                             "application/pdf"))

    @extension_endpoint("statement_html")
    def statement_html(self) -> Any:
        """A customer's statement as an HTML document (shown in the browser)."""
        return self._download(lambda pages: (*statement_file(pages.analysis, pages, "html"),
                                             "text/html"), inline=True)

    @extension_endpoint("statements_zip")
    def statements_zip(self) -> Any:
        """The PDF statements of every customer with a balance, in one ZIP."""
        return self._download(lambda pages: (*statements_archive(pages.analysis, pages),
                                             "application/zip"))

    @extension_endpoint("reminder_pdf")
    def reminder_pdf(self) -> Any:
        """Today's letter to a customer (``?customer=...``) as PDF."""
        return self._letter("pdf")

    @extension_endpoint("reminder_html")
    def reminder_html(self) -> Any:
        """Today's letter to a customer as an HTML document."""
        return self._letter("html")

    @extension_endpoint("reminder_eml")
    def reminder_eml(self) -> Any:
        """Today's letter to a customer as an e-mail (``.eml``, the PDF attached)."""
        return self._letter("eml")

    def invoice_pdf_url(self, number: str) -> str:
        """The URL of an invoice's PDF; "" when the ledger has no ``ar-invoicing`` directive."""
        customs = self.ledger.all_entries_by_type.Custom
        if getattr(self, "_invoicing", (None,))[0] is not customs:
            self._invoicing = (customs, any(e.type == "ar-invoicing" for e in customs))
        return self.links().endpoint("invoice_pdf", number=number) if self._invoicing[1] else ""

    def einvoice_status(self, number: str, as_of: datetime.date | None = None) -> str:
        """The invoice's latest e-invoicing platform status (``ar-einvoice``), "" if none."""
        customs = self.ledger.all_entries_by_type.Custom
        if getattr(self, "_einvoice", (None,))[0] is not customs:
            self._einvoice = (customs, read_statuses(customs)[0])
        found = latest(self._einvoice[1], number, as_of)
        return found.status if found else ""

    @extension_endpoint("invoice_pdf")
    def invoice_pdf(self) -> Any:
        """An invoice or credit note as a Factur-X PDF/A-3 (``?number=F-2025-001``)."""
        number = flask.request.args.get("number", "")
        return self._download(lambda pages: invoice_file(
            self.ledger.all_entries, self.ledger.options, number, "pdf"))

    def _action(self, channel: str) -> Any:
        """Send (channel "email") or record (channel "letter") today's letter to the customer
        the JSON body names; JSON answer (see `fava_ar_extension.reminders_page.act`)."""
        ui = self.ui()
        t = ui.t
        request = flask.request
        try:
            if not same_origin(request):
                raise ActionError(t("Refused: this request does not come from a page of this "
                                    "Fava (its Origin or Referer names another site)."), 403)
            if not request.is_json:
                raise ActionError(t("Expected a JSON body naming the customer."), 415)
            if (request.content_length or 0) > MAX_BODY:
                raise ActionError(t("The request body is too large."), 413)
            raw = request.stream.read(MAX_BODY + 1)
            if len(raw) > MAX_BODY or json_depth(raw) > MAX_DEPTH:
                raise ActionError(t("The request body is too large."), 413)
            try:
                payload = json.loads(raw)
            except (ValueError, RecursionError):
                payload = None
            key = payload.get("customer") if isinstance(payload, dict) else None
            if not isinstance(key, str) or not key:
                raise ActionError(t("Expected a JSON body naming the customer."), 400)
            with self._record_lock:
                self.ledger.changed()  # reload: an action just before this one wrote records
                job = self.analysis().reminder_job(self.today())
                path = self.record_path()
                result = act(job, key, channel, self.dispatcher(), path, t,
                             self.writing().record_file,
                             smtp_sender(job) if channel == EMAIL else None)
                self._notify(path)
            return flask.jsonify(result)
        except ActionError as exc:
            return flask.jsonify({"error": str(exc), **exc.extra}), exc.status
        except DocumentError as exc:
            return flask.jsonify({"error": t("The letter cannot be made: {message}",
                                             message=str(exc))}), 422
        except MailError as exc:
            return flask.jsonify({"error": t("The e-mail was not sent and nothing was "
                                             "recorded: {message}", message=exc.text(t))}), 502
        except Exception as exc:  # noqa: BLE001 - an answer, never a traceback
            log.exception("fava_ar_extension: %s action", channel)
            return flask.jsonify({"error": f"internal error ({exc.__class__.__name__}: {exc})"}
                                 ), 500

    @extension_endpoint("reminder_send", ["POST"])
    def reminder_send(self) -> Any:
        """E-mail today's letter to a customer, then record it (channel "email")."""
        return self._action(EMAIL)

    @extension_endpoint("reminder_record", ["POST"])
    def reminder_record(self) -> Any:
        """Record today's letter to a customer as sent by post (channel "letter")."""
        return self._action(LETTER)

    @staticmethod
    def _post_only() -> Any:
        return (flask.jsonify({"error": "this endpoint takes POST only"}), 405,
                {"Allow": "POST"})

    @extension_endpoint("reminder_send", ["GET", "PUT", "DELETE"])
    def reminder_send_other(self) -> Any:
        """405: sending takes POST only."""
        return self._post_only()

    @extension_endpoint("reminder_record", ["GET", "PUT", "DELETE"])
    def reminder_record_other(self) -> Any:
        """405: recording takes POST only."""
        return self._post_only()
