"""SEPA payment QR codes: the EPC069-12 payload, byte for byte, and the code segno draws."""

from __future__ import annotations

import base64
import io
from decimal import Decimal

import pytest
import segno
from PIL import Image

from beancount_ar.core.identifiers import creditor_reference_valid
from beancount_ar.render.epc_qr import (
    EpcError,
    epc_payload,
    make_qr,
    png_data_uri,
    svg_data_uri,
)

IBAN = "FR76 3000 6000 0112 3456 7890 189"


def test_payload_is_exactly_epc069_12_version_002():
    payload = epc_payload("Atelier Lumière SARL", IBAN, Decimal("5556.52"),
                          text="RestaurantLeZinc F-2026-050 F-2026-054", bic="bnpafrppxxx")
    assert payload == (
        "BCD\n002\n1\nSCT\nBNPAFRPPXXX\nAtelier Lumière SARL\nFR7630006000011234567890189\n"
        "EUR5556.52\n\n\nRestaurantLeZinc F-2026-050 F-2026-054")
    lines = payload.split("\n")
    assert len(lines) == 11  # the 12th line (information to the payer) is left out
    assert lines[:4] == ["BCD", "002", "1", "SCT"]  # tag, version, UTF-8, credit transfer


def test_amount_is_in_cents_with_a_point():
    assert epc_payload("A", IBAN, Decimal("12.3"), text="x").split("\n")[7] == "EUR12.30"
    assert epc_payload("A", IBAN, Decimal("1000000"), text="x").split("\n")[7] == (
        "EUR1000000.00")
    assert epc_payload("A", IBAN, Decimal("0.01"), text="x").split("\n")[7] == "EUR0.01"
    for bad in (Decimal("0"), Decimal("-5.00"), Decimal("1000000000.00"), Decimal("1.005")):
        with pytest.raises(EpcError, match="0.01 to 999999999.99"):
            epc_payload("A", IBAN, bad, text="x")


def test_without_bic_or_text_the_lines_are_empty_or_left_out():
    payload = epc_payload("Atelier", IBAN, Decimal("10.00"))
    assert payload == "BCD\n002\n1\nSCT\n\nAtelier\nFR7630006000011234567890189\nEUR10.00"


def test_creditor_reference_goes_in_the_structured_field():
    payload = epc_payload("Atelier", IBAN, Decimal("10.00"), reference="RF18 5390 0754 7034")
    assert payload.split("\n")[8:] == ["", "RF18539007547034"]
    assert creditor_reference_valid("RF18539007547034")
    assert not creditor_reference_valid("RF19539007547034")
    with pytest.raises(EpcError, match="not an ISO 11649"):
        epc_payload("Atelier", IBAN, Decimal("10.00"), reference="RF00123")
    with pytest.raises(EpcError, match="not both"):
        epc_payload("Atelier", IBAN, Decimal("10.00"), reference="RF18539007547034", text="x")


def test_fields_are_single_lines_and_cut_to_their_length():
    payload = epc_payload("Atelier\nLumière\r\n  SARL" + "x" * 100, IBAN, Decimal("1.00"),
                          text="line one\nline two " + "y" * 200)
    lines = payload.split("\n")
    assert len(lines) == 11
    assert lines[5].startswith("Atelier Lumière SARL") and len(lines[5]) == 70
    assert lines[10].startswith("line one line two") and len(lines[10]) <= 140


def test_bad_inputs():
    with pytest.raises(EpcError, match="euros only, not USD"):
        epc_payload("A", IBAN, Decimal("1.00"), currency="USD")
    with pytest.raises(EpcError, match="is not an IBAN"):
        epc_payload("A", "FR76 30", Decimal("1.00"))
    with pytest.raises(EpcError, match="not a BIC"):
        epc_payload("A", IBAN, Decimal("1.00"), bic="BNPAFR")
    with pytest.raises(EpcError, match="name is empty"):
        epc_payload("  ", IBAN, Decimal("1.00"))
    with pytest.raises(EpcError, match="Decimal"):
        epc_payload("A", IBAN, 1.0)  # type: ignore[arg-type]
    with pytest.raises(EpcError, match="purpose"):
        epc_payload("A", IBAN, Decimal("1.00"), purpose="GD")
    # 70 four-byte characters: the name alone takes the payload beyond 331 bytes.
    with pytest.raises(EpcError, match=r"is \d+ bytes, more than the 331"):
        epc_payload("\N{ELECTRIC LIGHT BULB}" * 70, IBAN, Decimal("1.00"), bic="BNPAFRPPXXX")


def test_text_is_cut_to_keep_the_payload_within_331_bytes():
    payload = epc_payload("é" * 70, IBAN, Decimal("1.00"), text="é" * 140)
    assert len(payload.encode("utf-8")) <= 331
    assert payload.split("\n")[5] == "é" * 70
    text = payload.split("\n")[10]
    assert set(text) == {"é"} and len(text) < 140


def test_qr_code_is_level_m_version_13_at_most_and_carries_the_payload():
    payload = epc_payload("Atelier Lumière SARL", IBAN, Decimal("5556.52"),
                          text="R" * 140, bic="BNPAFRPPXXX")
    qr = make_qr(payload)
    assert qr.error == "M"
    assert qr.version <= 13
    assert qr.mode == "byte"
    reference = segno.make_qr(payload.encode("utf-8"), error="m", boost_error=False)
    assert qr.matrix == reference.matrix


def test_png_data_uri_draws_the_matrix():
    payload = epc_payload("Atelier", IBAN, Decimal("10.00"), text="CLI-1")
    uri = png_data_uri(payload, scale=4, border=4)
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("L")
    matrix = make_qr(payload).matrix
    size = len(matrix)
    assert image.size == ((size + 8) * 4, (size + 8) * 4)
    for row in range(size):
        for col in range(size):
            dark = image.getpixel(((col + 4) * 4 + 2, (row + 4) * 4 + 2)) < 128
            assert dark == bool(matrix[row][col])


def test_svg_data_uri():
    uri = svg_data_uri(epc_payload("Atelier", IBAN, Decimal("10.00")))
    assert uri.startswith("data:image/svg+xml")
