"""SEPA payment QR codes (EPC069-12, "GiroCode"): the customer's banking app scans and pays.

The payload is twelve lines (version 002, UTF-8, SEPA credit transfer); empty trailing lines are
left out:

    BCD
    002
    1
    SCT
    BNPAFRPPXXX                       <- BIC (optional in version 002)
    Atelier Lumière SARL              <- beneficiary, at most 70 characters
    FR7630006000011234567890189       <- IBAN
    EUR1234.50                        <- amount: EUR, then 0.01 to 999999999.99
                                      <- purpose code (none)
                                      <- structured creditor reference (none)
    RestaurantLeZinc F-2026-050       <- unstructured remittance text, at most 140 characters

It is drawn by segno with error correction level M, at most QR version 13 and 331 bytes, as the
standard requires. Only EUR transfers can be encoded; a statement in another currency shows the
bank details without a code. Used for a company configured with, for example:

    2025-01-01 custom "ar-company" "{'name': 'Atelier Lumière SARL', 'iban': 'FR76...'}"
"""

from __future__ import annotations

import base64
import io
import re
from decimal import Decimal

from beancount_ar.core.identifiers import creditor_reference_valid
from beancount_ar.extras import MissingExtra, need

MAX_AMOUNT = Decimal("999999999.99")
MIN_AMOUNT = Decimal("0.01")
MAX_BYTES = 331


class EpcError(ValueError):
    """The payment cannot be encoded (say why); the document then shows no QR code."""


def _field(value: str | None) -> str:
    """One payload field: a single line, inner whitespace collapsed."""
    return " ".join((value or "").split())


def epc_payload(name: str, iban: str, amount: Decimal, text: str | None = None,
                bic: str | None = None, reference: str | None = None,
                purpose: str | None = None, currency: str = "EUR") -> str:
    """The EPC069-12 payload (see the module docstring); EpcError if it cannot be made.

    Give either `text` (unstructured remittance, up to 140 characters: longer text is cut, and
    so is text that would take the payload beyond 331 bytes) or `reference` (an ISO 11649
    creditor reference such as ``RF18539007547034``).
    """
    if currency != "EUR":
        raise EpcError(f"a SEPA QR code carries euros only, not {currency}")
    name = _field(name)[:70]
    if not name:
        raise EpcError("the beneficiary's name is empty")
    iban = re.sub(r"\s", "", iban or "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", iban):
        raise EpcError(f"{iban!r} is not an IBAN")
    bic = re.sub(r"\s", "", bic or "").upper()
    if bic and len(bic) not in (8, 11):
        raise EpcError(f"{bic!r} is not a BIC (8 or 11 characters)")
    if not isinstance(amount, Decimal):
        raise EpcError("the amount must be a Decimal")
    if not MIN_AMOUNT <= amount <= MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise EpcError(f"amount {amount}: a SEPA QR code carries 0.01 to 999999999.99 EUR in "
                       "cents")
    purpose = _field(purpose).upper()
    if purpose and not re.fullmatch(r"[A-Z]{4}", purpose):
        raise EpcError(f"purpose {purpose!r} is not a four-letter SEPA purpose code")
    reference = _field(reference).replace(" ", "").upper()
    text = _field(text)[:140].rstrip()
    if reference and text:
        raise EpcError("give a creditor reference or a remittance text, not both")
    if reference and not creditor_reference_valid(reference):
        raise EpcError(f"{reference!r} is not an ISO 11649 creditor reference (RF...)")
    fields = ["BCD", "002", "1", "SCT", bic, name, iban, f"EUR{amount:.2f}", purpose,
              reference]
    room = MAX_BYTES - len("\n".join(fields).encode("utf-8")) - 1
    while text and len(text.encode("utf-8")) > room:  # a long text is cut to fit
        text = text[:-1].rstrip()
    fields.append(text)
    while fields[-1] == "":
        fields.pop()
    payload = "\n".join(fields)
    if len(payload.encode("utf-8")) > MAX_BYTES:
        raise EpcError(f"the payment data is {len(payload.encode('utf-8'))} bytes, more than "
                       f"the {MAX_BYTES} an EPC QR code may carry; shorten the name or text")
    return payload


def make_qr(payload: str):
    """The segno QR code of an EPC payload: level M, no ECI, version 13 at most."""
    try:  # imported here: only documents with a QR code need it
        segno = need("segno", "pdf", "payment QR codes")
    except MissingExtra as exc:
        raise EpcError(str(exc)) from None
    qr = segno.make_qr(payload.encode("utf-8"), error="m", boost_error=False)
    if qr.version > 13:  # pragma: no cover - 331 bytes always fit in version 13 at level M
        raise EpcError(f"the payment data needs QR version {qr.version}; at most 13 is allowed")
    return qr


def png_data_uri(payload: str, scale: int = 8, border: int = 4) -> str:
    """The QR code as a PNG ``data:`` URI (each module `scale` pixels: sharp when printed)."""
    qr = make_qr(payload)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=border)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def svg_data_uri(payload: str, scale: int = 4, border: int = 4) -> str:
    """The QR code as an SVG ``data:`` URI (for HTML previews)."""
    return make_qr(payload).svg_data_uri(scale=scale, border=border)
