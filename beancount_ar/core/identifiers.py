"""Checks of the identifiers documents carry - IBAN, BIC, SIREN, VAT number, ISO 11649 creditor
reference - by python-stdnum, the maintained reference, each with a message that says what is
wrong and what a right one looks like:

    2025-01-01 custom "ar-company" "{'name': 'Atelier Lumière SARL', 'siren': '732 829 320',
        'vat': 'FR44732829320', 'iban': 'FR76 3000 6000 0112 3456 7890 189',
        'bic': 'BNPAFRPPXXX'}"

``iban_problem("FR76 3000 6000 0112 3456 7890 188")`` says the check digits are wrong;
``vat_problem("FR45732829320")`` that its key does not match its SIREN.
"""

from __future__ import annotations

from stdnum import bic, iban, iso11649
from stdnum.eu import vat
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.fr import siren


def iban_problem(value: str) -> str | None:
    """Why `value` is not a valid IBAN (ISO 13616: country format and check digits), or None."""
    try:
        iban.validate(value)
    except ValidationError as exc:
        number = iban.compact(value)
        # stdnum checks the digits first: say "format" when right digits would not help either
        fixed = number[:2] + iban.calc_check_digits(number) + number[4:] if len(number) > 4 \
            and number[:2].isalpha() and number[4:].isalnum() else ""
        if isinstance(exc, InvalidChecksum) and fixed and iban.is_valid(fixed):
            return f"{value!r}: the IBAN's check digits are wrong; copy it from a bank statement"
        return (f"{value!r} is not a valid IBAN (wrong length or format for its country); copy "
                "it from a bank statement, e.g. 'FR76 3000 6000 0112 3456 7890 189'")
    return None


def bic_problem(value: str) -> str | None:
    """Why `value` is not a BIC (ISO 9362), or None."""
    try:
        bic.validate(value)
    except ValidationError:
        return f"{value!r} is not a BIC (8 or 11 letters and digits, e.g. 'BNPAFRPPXXX')"
    return None


def siren_problem(value: str) -> str | None:
    """Why `value` is not a SIREN (9 digits with a Luhn key), or None."""
    try:
        siren.validate(value)
    except InvalidChecksum:
        return f"{value!r}: the SIREN's check digit is wrong (Luhn key); check the number"
    except ValidationError:
        return f"{value!r} is not a SIREN (9 digits, e.g. '732 829 320')"
    return None


def vat_problem(value: str) -> str | None:
    """Why `value` is not an EU VAT number (country code, then the number with its country's
    check digits), or None."""
    try:
        vat.validate(value)
    except InvalidChecksum:
        number = vat.compact(value)
        if number.startswith("FR") and number[4:].isdigit() and siren.is_valid(number[4:]):
            expected = french_vat_number(number[4:])
            return (f"{value!r} does not match the SIREN {number[4:]} (expected {expected}); "
                    "check both numbers")
        return f"{value!r}: the VAT number's check digits are wrong; check the number"
    except ValidationError:
        return f"{value!r} is not a VAT number (country code then digits, e.g. 'FR44732829320')"
    return None


def french_vat_number(siren_number: str) -> str:
    """The French VAT number of a SIREN (its key computed as the tax authorities do)."""
    return "FR" + siren.to_tva(siren.compact(siren_number))


def creditor_reference_valid(reference: str) -> bool:
    """ISO 11649 ("RF", two check digits, up to 21 letters and digits)."""
    return iso11649.is_valid(reference)


def compact(kind: str, value: str) -> str:
    """The identifier without spaces, dots and dashes, as stored (kind: iban, bic, siren, vat)."""
    module = {"iban": iban, "bic": bic, "siren": siren, "vat": vat}[kind]
    return str(module.compact(value))


__all__ = ["bic_problem", "compact", "creditor_reference_valid", "french_vat_number",
           "iban_problem", "siren_problem", "vat_problem"]
