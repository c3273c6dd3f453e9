"""Tests of beancount_ar.core.terms: payment terms, due dates, instalments, discounts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beancount_ar.core.terms import (
    ACCEPTED_FORMS,
    Discount,
    DueRule,
    Part,
    ScheduledPart,
    Terms,
    TermsError,
    french_legal_limit,
    next_business_day,
    parse_terms,
)

D = Decimal
CENT = D("0.01")
JAN15 = date(2025, 1, 15)


def due(text: str, invoice_date: date = JAN15) -> date:
    terms = parse_terms(text)
    assert not terms.is_split
    return terms.max_due(invoice_date)


# --- the terms table of the README and receivables.md section 1 (invoice 2025-01-15) --------

TABLE = [
    ("net 30", date(2025, 2, 14)),
    ("30 jours", date(2025, 2, 14)),
    ("30 days", date(2025, 2, 14)),
    ("à réception", date(2025, 1, 15)),
    ("comptant", date(2025, 1, 15)),
    ("due on receipt", date(2025, 1, 15)),
    ("à la commande", date(2025, 1, 15)),
    ("2/10 net 30", date(2025, 2, 14)),
    ("escompte 2 % 10 jours, 30 jours", date(2025, 2, 14)),
    ("2% 10 days, net 30", date(2025, 2, 14)),
    ("45 jours fin de mois", date(2025, 3, 31)),
    ("fin de mois 45 jours", date(2025, 3, 17)),
    ("fin de mois + 45", date(2025, 3, 17)),
    ("30 jours fin de mois le 10", date(2025, 3, 10)),
    ("net 30 EOM", date(2025, 3, 2)),
    ("2/10 EOM net 30", date(2025, 3, 2)),
    ("10th prox", date(2025, 2, 10)),
    ("le 10 du mois suivant", date(2025, 2, 10)),
    ("fin de mois", date(2025, 1, 31)),
    ("EOM", date(2025, 1, 31)),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_table(text: str, expected: date) -> None:
    assert due(text) == expected


@pytest.mark.parametrize(
    ("text", "until"),
    [
        ("2/10 net 30", date(2025, 1, 25)),
        ("escompte 2 % 10 jours, 30 jours", date(2025, 1, 25)),
        ("2% 10 days, net 30", date(2025, 1, 25)),
        ("2/10 EOM net 30", date(2025, 2, 10)),
    ],
)
def test_table_discount_window(text: str, until: date) -> None:
    terms = parse_terms(text)
    assert terms.discount is not None
    assert terms.discount.percent == D(2)
    assert terms.discount_until(JAN15) == until


@pytest.mark.parametrize("text", [text for text, _ in TABLE if "/" not in text and "%" not in text])
def test_table_no_discount(text: str) -> None:
    terms = parse_terms(text)
    assert terms.discount is None
    assert terms.discount_until(JAN15) is None
    assert terms.discount_amount(D("100.00"), CENT) == 0


# --- more worked cases -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("invoice_date", "text", "expected"),
    [
        (date(2025, 1, 15), "30 jours fin de mois", date(2025, 2, 28)),
        (date(2025, 1, 15), "fin de mois 30 jours", date(2025, 3, 2)),
        (date(2024, 1, 15), "45 jours fin de mois", date(2024, 2, 29)),
        (date(2024, 1, 15), "fin de mois 45 jours", date(2024, 3, 16)),
        (date(2025, 1, 15), "0 jours fin de mois", date(2025, 1, 31)),
        (date(2025, 1, 31), "0 jours fin de mois", date(2025, 1, 31)),
        (date(2025, 1, 31), "fin de mois", date(2025, 1, 31)),
        (date(2025, 12, 20), "30 jours", date(2026, 1, 19)),
        (date(2025, 12, 20), "fin de mois + 45", date(2026, 2, 14)),
        (date(2025, 12, 20), "45 jours fin de mois", date(2026, 2, 28)),
        (date(2025, 12, 20), "10th prox", date(2026, 1, 10)),
        (date(2025, 11, 20), "30 jours fin de mois le 10", date(2026, 1, 10)),
        (date(2025, 1, 15), "0 jours fin de mois le 10", date(2025, 2, 10)),
        (date(2025, 1, 15), "fin de mois le 10", date(2025, 2, 10)),
    ],
)
def test_more_worked_cases(invoice_date: date, text: str, expected: date) -> None:
    assert due(text, invoice_date) == expected


@pytest.mark.parametrize(
    ("invoice_date", "text", "expected"),
    [
        (date(2025, 1, 15), "le 31 du mois suivant", date(2025, 2, 28)),
        (date(2024, 1, 15), "le 31 du mois suivant", date(2024, 2, 29)),
        (date(2025, 1, 15), "31st prox", date(2025, 2, 28)),
        (date(2024, 1, 31), "31st prox", date(2024, 2, 29)),
        (date(2025, 3, 31), "31st prox", date(2025, 4, 30)),
        (date(2025, 3, 31), "30th prox", date(2025, 4, 30)),
        (date(2025, 1, 31), "1st prox", date(2025, 2, 1)),
        (date(2024, 12, 15), "30 jours fin de mois le 31", date(2025, 2, 28)),
        (date(2024, 1, 10), "0 jours fin de mois le 31", date(2024, 2, 29)),
        (date(2025, 1, 15), "le 30 du mois prochain", date(2025, 2, 28)),
    ],
)
def test_day_of_month_is_clamped(invoice_date: date, text: str, expected: date) -> None:
    assert due(text, invoice_date) == expected


# --- variants ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "net 30",
        "Net 30",
        "NET 30",
        "net30",
        "n/30",
        "30 jours",
        "30 Jours",
        "30 jour",
        "30 j",
        "30j",
        "30 days",
        "30 day",
        "30 DAYS",
        "net 30 days",
        "30 jours net",
        "à 30 jours",
        "a 30 jours",
        "À 30 JOURS",
        "30 jours date de facture",
        "30 jours à compter de la date de facture",
        "30 days from invoice date",
        "payable à 30 jours",
        "due in 30 days",
        "  net   30  ",
        "net\u00a030",
    ],
)
def test_net_30_variants(text: str) -> None:
    assert parse_terms(text).parts[0].rule == DueRule("days", 30)
    assert due(text) == date(2025, 2, 14)


@pytest.mark.parametrize(
    "text",
    [
        "à réception",
        "a reception",
        "A RÉCEPTION",
        "à réception de facture",
        "à réception de la facture",
        "réception de facture",
        "comptant",
        "Comptant",
        "due on receipt",
        "Due on Receipt",
        "on receipt",
        "upon receipt",
        "payable on receipt",
        "immediate",
        "immédiat",
        "immediat",
        "immédiatement",
        "à la commande",
        "a la commande",
        "on order",
        "net 0",
        "0 jours",
        "0 jour",
        "0 days",
        "cash",
    ],
)
def test_on_receipt_variants(text: str) -> None:
    assert due(text) == JAN15


@pytest.mark.parametrize(
    "text",
    [
        "45 jours fin de mois",
        "45 jour fin de mois",
        "45 JOURS FIN DE MOIS",
        "45 j fin de mois",
        "45 jours fin du mois",
        "45 days end of month",
        "45 days end of the month",
        "45 day end of month",
        "à 45 jours fin de mois",
        "net 45 jours fin de mois",
    ],
)
def test_method_b_variants(text: str) -> None:
    assert parse_terms(text).parts[0].rule == DueRule("days_then_eom", 45)
    assert due(text) == date(2025, 3, 31)


@pytest.mark.parametrize(
    "text",
    [
        "30 jours fin de mois le 10",
        "30 jours fin de mois le 10 du mois suivant",
        "30 jours fin de mois, le 10",
        "30 days end of month on the 10th",
        "30 days end of month the 10th of the following month",
    ],
)
def test_method_b_with_day(text: str) -> None:
    assert parse_terms(text).parts[0].rule == DueRule("days_then_eom", 30, 10)
    assert due(text) == date(2025, 3, 10)


@pytest.mark.parametrize(
    "text",
    [
        "fin de mois 45 jours",
        "fin de mois 45 jour",
        "Fin de Mois 45 Jours",
        "fin de mois + 45",
        "fin de mois +45",
        "fin de mois+45",
        "fin de mois +45 jours",
        "fin de mois + 45 jours",
        "end of month + 45",
        "end of month 45 days",
        "eom + 45",
        "EOM 45",
        "eom+45",
        "net 45 eom",
        "net 45 EOM",
        "45 days eom",
        "45 jours EOM",
    ],
)
def test_method_a_variants(text: str) -> None:
    assert parse_terms(text).parts[0].rule == DueRule("eom_then_days", 45)
    assert due(text) == date(2025, 3, 17)


@pytest.mark.parametrize(
    "text", ["fin de mois", "Fin de mois", "fin du mois", "eom", "EOM", "end of month", "E.O.M."]
)
def test_end_of_month_alone(text: str) -> None:
    assert due(text) == date(2025, 1, 31)
    assert due(text, date(2024, 2, 1)) == date(2024, 2, 29)


@pytest.mark.parametrize(
    "text",
    [
        "10th prox",
        "10 prox",
        "10th proximo",
        "10th prox.",
        "le 10 du mois suivant",
        "le 10 du mois prochain",
        "Le 10 du Mois Suivant",
        "the 10th of the following month",
        "10th of next month",
    ],
)
def test_proximo_variants(text: str) -> None:
    assert parse_terms(text).parts[0].rule == DueRule("proximo", 0, 10)
    assert due(text) == date(2025, 2, 10)


def test_le_1er_du_mois_suivant() -> None:
    assert due("le 1er du mois suivant") == date(2025, 2, 1)


def test_ordinary_terms_are_one_part_of_100_percent() -> None:
    terms = parse_terms("net 30")
    assert terms == Terms("net 30", (Part(D(100), None, False, DueRule("days", 30)),), None)
    assert not terms.is_split
    assert terms.schedule(JAN15, D("1200.00"), CENT) == (
        ScheduledPart(1, D("1200.00"), date(2025, 2, 14)),
    )


def test_text_is_kept_as_written() -> None:
    assert parse_terms("Net 30 EOM").text == "Net 30 EOM"


def test_parse_terms_is_cached() -> None:
    assert parse_terms("45 jours fin de mois") is parse_terms("45 jours fin de mois")


@pytest.mark.parametrize("form", ACCEPTED_FORMS)
def test_every_accepted_form_parses(form: str) -> None:
    parse_terms(form)


# --- discounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "percent", "until", "due_date"),
    [
        ("2/10 net 30", D(2), date(2025, 1, 25), date(2025, 2, 14)),
        ("2/10, net 30", D(2), date(2025, 1, 25), date(2025, 2, 14)),
        ("2/10 n/30", D(2), date(2025, 1, 25), date(2025, 2, 14)),
        ("1.5/15 net 45", D("1.5"), date(2025, 1, 30), date(2025, 3, 1)),
        ("1,5/15 net 45", D("1.5"), date(2025, 1, 30), date(2025, 3, 1)),
        ("2/10 eom net 30", D(2), date(2025, 2, 10), date(2025, 3, 2)),
        ("2/10 net 30 eom", D(2), date(2025, 2, 10), date(2025, 3, 2)),
        ("escompte 2 % 10 jours, 30 jours fin de mois", D(2), date(2025, 1, 25), date(2025, 2, 28)),
        ("escompte 2 % à 10 jours, net 30", D(2), date(2025, 1, 25), date(2025, 2, 14)),
        ("Escompte 1,5 % à 10 jours, net 30", D("1.5"), date(2025, 1, 25), date(2025, 2, 14)),
        ("escompte 3 % 8 jours, 45 jours fin de mois", D(3), date(2025, 1, 23), date(2025, 3, 31)),
        ("2% 10 days, net 30", D(2), date(2025, 1, 25), date(2025, 2, 14)),
        ("2 % 10 jours net 30", D(2), date(2025, 1, 25), date(2025, 2, 14)),
        ("2 % 10 jours, 30 jours", D(2), date(2025, 1, 25), date(2025, 2, 14)),
        ("discount 2 % within 10 days, net 30", D(2), date(2025, 1, 25), date(2025, 2, 14)),
    ],
)
def test_discounts(text: str, percent: Decimal, until: date, due_date: date) -> None:
    terms = parse_terms(text)
    assert terms.discount is not None
    assert terms.discount.percent == percent
    assert terms.discount_until(JAN15) == until
    assert terms.max_due(JAN15) == due_date
    assert not terms.is_split


def test_discount_rules() -> None:
    assert parse_terms("2/10 net 30").discount == Discount(D(2), DueRule("days", 10))
    eom = parse_terms("2/10 EOM net 30")
    assert eom.discount == Discount(D(2), DueRule("eom_then_days", 10))
    assert eom.parts[0].rule == DueRule("eom_then_days", 30)


@pytest.mark.parametrize(
    ("text", "amount", "quantum", "expected"),
    [
        ("2/10 net 30", D("1200.00"), CENT, D("24.00")),
        ("2/10 net 30", D("1234.50"), CENT, D("24.69")),
        ("2/10 net 30", D("1234.25"), CENT, D("24.69")),  # 24.685 rounds half up
        ("2/10 net 30", D("-1234.25"), CENT, D("-24.69")),
        ("1.5/15 net 45", D("1000.00"), CENT, D("15.00")),
        ("1.5/15 net 45", D("333.00"), CENT, D("5.00")),  # 4.995
        ("2/10 net 30", D("1234"), D(1), D(25)),  # 24.68 in a currency without cents
        ("net 30", D("1200.00"), CENT, D(0)),
    ],
)
def test_discount_amount(text: str, amount: Decimal, quantum: Decimal, expected: Decimal) -> None:
    result = parse_terms(text).discount_amount(amount, quantum)
    assert result == expected
    assert isinstance(result, Decimal)


# --- instalments -------------------------------------------------------------------------------


def amounts(text: str, amount: str, quantum: Decimal = CENT) -> list[Decimal]:
    return [part.amount for part in parse_terms(text).schedule(JAN15, D(amount), quantum)]


@pytest.mark.parametrize(
    ("text", "dues"),
    [
        (
            "30 % à la commande ; 70 % 30 jours fin de mois",
            [date(2025, 1, 15), date(2025, 2, 28)],
        ),
        ("30% on receipt; 70% net 30 eom", [date(2025, 1, 15), date(2025, 3, 2)]),
        ("30 % à la commande ; 70 % fin de mois + 45", [date(2025, 1, 15), date(2025, 3, 17)]),
        ("500 à réception ; solde 60 jours", [date(2025, 1, 15), date(2025, 3, 16)]),
        ("50 % à 30 jours + 50 % à 60 jours", [date(2025, 2, 14), date(2025, 3, 16)]),
        ("50 % fin de mois + 45 + 50 % fin de mois + 75", [date(2025, 3, 17), date(2025, 4, 16)]),
        ("30 % à la commande, le solde à 60 jours", [date(2025, 1, 15), date(2025, 3, 16)]),
        ("500 à réception + solde 60 jours", [date(2025, 1, 15), date(2025, 3, 16)]),
        ("500 30 jours + le solde 60 jours", [date(2025, 2, 14), date(2025, 3, 16)]),
        (
            "40 % à réception ; 30 % 30 jours ; reste 10th prox",
            [date(2025, 1, 15), date(2025, 2, 14), date(2025, 2, 10)],
        ),
    ],
)
def test_instalment_due_dates(text: str, dues: list[date]) -> None:
    terms = parse_terms(text)
    assert terms.is_split
    schedule = terms.schedule(JAN15, D("1000.00"), CENT)
    assert [part.due for part in schedule] == dues
    assert [part.index for part in schedule] == list(range(1, len(dues) + 1))
    assert terms.max_due(JAN15) == max(dues)
    assert terms.discount is None


def test_instalment_parts() -> None:
    terms = parse_terms("30 % à la commande ; 70 % 30 jours fin de mois")
    assert terms.parts == (
        Part(D(30), None, False, DueRule("days", 0)),
        Part(D(70), None, False, DueRule("days_then_eom", 30)),
    )
    assert parse_terms("500 à réception ; solde 60 jours").parts == (
        Part(None, D(500), False, DueRule("days", 0)),
        Part(None, None, True, DueRule("days", 60)),
    )


@pytest.mark.parametrize(
    ("text", "amount", "expected"),
    [
        ("30 % à la commande ; 70 % 30 jours", "1000.01", ["300.00", "700.01"]),
        ("30 % à la commande ; 70 % 30 jours", "1200.00", ["360.00", "840.00"]),
        ("30 % à la commande ; 70 % 30 jours", "0.05", ["0.02", "0.03"]),  # 0.015 -> 0.02
        (
            "33.33 % à réception ; 33.33 % 30 jours ; 33.34 % 60 jours",
            "100.00",
            ["33.33", "33.33", "33.34"],
        ),
        (
            "33.33 % à réception ; 33.33 % 30 jours ; 33.34 % 60 jours",
            "100.05",
            ["33.35", "33.35", "33.35"],
        ),
        (
            "33,33 % à réception ; 33,33 % 30 jours ; solde 60 jours",
            "1000.00",
            ["333.30", "333.30", "333.40"],
        ),
        (
            "25 % à réception ; 25 % 30 jours ; 25 % 60 jours ; 25 % 90 jours",
            "0.02",
            ["0.01", "0.00", "0.01", "0.00"],
        ),  # never a negative instalment
        ("500 à réception ; solde 60 jours", "1200.00", ["500", "700.00"]),
        ("500 à réception ; solde 60 jours", "500.00", ["500", "0.00"]),
        (
            "500.00 à réception ; 20 % 30 jours ; solde 60 jours",
            "1000.00",
            ["500.00", "200.00", "300.00"],
        ),
        ("solde 60 jours ; 500 à réception", "1200.00", ["700.00", "500"]),
        (
            "30 % à réception ; 70 % 30 jours ; solde 60 jours",
            "1000.00",
            ["300.00", "700.00", "0.00"],
        ),
        ("30 % à la commande ; 70 % 30 jours", "-1000.01", ["-300.00", "-700.01"]),
        ("500 à réception ; solde 60 jours", "-1200.00", ["-500", "-700.00"]),
        ("30 % à la commande ; 70 % 30 jours", "0", ["0", "0"]),
        ("50 % à réception ; 50 % 30 jours", "1001", ["501", "500"]),  # quantum 1 below
    ],
)
def test_schedule_amounts(text: str, amount: str, expected: list[str]) -> None:
    quantum = D(1) if amount == "1001" else CENT
    result = amounts(text, amount, quantum)
    assert result == [D(value) for value in expected]
    assert sum(result) == D(amount)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("500 à réception ; solde 60 jours", "400.00"),
        ("500 à réception ; solde 60 jours", "-400.00"),
        ("500 à réception ; 60 % 30 jours ; solde 60 jours", "1000.00"),
        ("500 à réception ; 300 30 jours ; solde 60 jours", "700.00"),
    ],
)
def test_schedule_fixed_parts_beyond_the_invoice(text: str, amount: str) -> None:
    with pytest.raises(TermsError, match="more than the invoice amount") as info:
        parse_terms(text).schedule(JAN15, D(amount), CENT)
    assert text in str(info.value)


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("xyz", "not a form"),
        ("net trente", "not a form"),
        ("30", "not a form"),
        ("30 semaines", "not a form"),
        ("30 %", "no due date"),
        ("30 % ; 70 % 30 jours", "no due date"),
        ("30 % à la commande ; 60 % 30 jours", "add up to 90 %, not 100 %"),
        ("30 % à la commande ; 70 % 30 jours ; 10 % 60 jours", "more than 100 %"),
        ("50 % à la commande ; 60 % 30 jours ; solde 60 jours", "more than 100 %"),
        ("150 % 30 jours", "more than 100 %"),
        ("solde à réception ; reste 60 jours", "only one instalment can take the rest"),
        ("500 à réception ; 500 30 jours", "needs a 'solde' part"),
        ("500 à réception", "needs a 'solde' part"),
        ("0 % à réception ; 100 % 30 jours", "more than 0 %"),
        ("0/10 net 30", "more than 0 % and less than 100 %"),
        ("100/10 net 30", "more than 0 % and less than 100 %"),
        ("escompte 0 % 10 jours, net 30", "more than 0 % and less than 100 %"),
        ("2/40 net 30", "longer than the payment term"),
        ("2/10 net 30 ; 50 % 60 jours", "single-payment invoice"),
        ("30 % 2/10 net 30 ; 70 % 60 jours", "single-payment invoice"),
        ("escompte 2 % 10 jours, 30 % à réception ; 70 % 30 jours", "single-payment invoice"),
        ("escompte 2 % 10 jours, 30 % à réception + solde 30 jours", "single-payment invoice"),
        ("2/10 net trente", "after the discount"),
        ("le 32 du mois suivant", "between 1 and 31"),
        ("le 0 du mois suivant", "between 1 and 31"),
        ("32nd prox", "between 1 and 31"),
        ("30 jours fin de mois le 40", "between 1 and 31"),
        ("99999 jours", "more than 3660 days"),
        ("30 % à la commande ; 70 % dans la semaine", "cannot read the due date"),
    ],
)
def test_errors(text: str, reason: str) -> None:
    with pytest.raises(TermsError) as info:
        parse_terms(text)
    message = str(info.value)
    assert f"cannot read payment terms {text!r}" in message
    assert reason in message
    for form in ("net 30", "45 jours fin de mois", "10th prox", "2/10 net 30", "solde 60 jours"):
        assert form in message


def test_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_terms("xyz")


def test_not_a_string() -> None:
    with pytest.raises(TermsError, match="must be a string"):
        parse_terms(30)  # type: ignore[arg-type]


def test_bad_due_rule() -> None:
    with pytest.raises(ValueError):
        DueRule("weeks", 2)
    with pytest.raises(ValueError):
        DueRule("proximo", 0, 32)
    with pytest.raises(ValueError):
        DueRule("days", -1)


# --- business days and the French legal limit -------------------------------------------------


@pytest.mark.parametrize(
    ("day", "country", "expected"),
    [
        (date(2025, 12, 25), "FR", date(2025, 12, 26)),  # Christmas, a Thursday
        (date(2025, 12, 26), "FR", date(2025, 12, 26)),  # not a holiday in France
        (date(2025, 12, 26), "DE", date(2025, 12, 29)),  # 2. Weihnachtstag, then a weekend
        (date(2025, 2, 15), "FR", date(2025, 2, 17)),  # Saturday -> Monday
        (date(2025, 2, 16), "FR", date(2025, 2, 17)),  # Sunday -> Monday
        (date(2025, 2, 17), "FR", date(2025, 2, 17)),  # a Monday
        (date(2025, 5, 1), "FR", date(2025, 5, 2)),  # Fête du travail
        (date(2025, 5, 1), "fr", date(2025, 5, 2)),
        (date(2025, 12, 31), "FR", date(2025, 12, 31)),
        (date(2026, 1, 1), "FR", date(2026, 1, 2)),
        (date(2025, 12, 27), "GB", date(2025, 12, 29)),
        (date(2025, 11, 27), "US", date(2025, 11, 28)),  # Thanksgiving
        (date(2025, 1, 6), "DE-BY", date(2025, 1, 7)),  # Heilige Drei Könige in Bavaria
        (date(2025, 1, 6), "DE", date(2025, 1, 6)),  # ...but not in all of Germany
    ],
)
def test_next_business_day(day: date, country: str, expected: date) -> None:
    assert next_business_day(day, country) == expected


def test_next_business_day_crosses_years() -> None:
    # Saturday 2022-12-31, Sunday 2023-01-01 (a holiday anyway), Monday 2023-01-02.
    assert next_business_day(date(2022, 12, 31), "FR") == date(2023, 1, 2)


def test_next_business_day_unknown_country() -> None:
    with pytest.raises(ValueError, match="'XX'"):
        next_business_day(date(2025, 12, 25), "XX")


@pytest.mark.parametrize(
    ("invoice_date", "expected"),
    [
        (date(2025, 1, 15), date(2025, 3, 31)),  # B: 2025-03-01 -> 03-31
        (date(2025, 1, 1), date(2025, 3, 17)),  # A: 01-31 + 45; B: 02-15 -> 02-28; +60: 03-02
        (date(2025, 1, 31), date(2025, 4, 1)),  # +60 = 04-01; A = 03-17; B = 03-31
        (date(2024, 12, 31), date(2025, 3, 1)),  # +60 = 03-01; A = 02-14; B = 02-28
        (date(2024, 1, 15), date(2024, 3, 16)),  # +60 = 03-15; A = 03-16; B = 02-29
    ],
)
def test_french_legal_limit(invoice_date: date, expected: date) -> None:
    candidates = {
        invoice_date + timedelta(days=60),
        DueRule("days_then_eom", 45).due(invoice_date),
        DueRule("eom_then_days", 45).due(invoice_date),
    }
    assert french_legal_limit(invoice_date) == max(candidates)
    assert french_legal_limit(invoice_date) == expected


def test_french_legal_limit_allows_45_jours_fin_de_mois() -> None:
    for day in range(0, 366, 7):
        invoice_date = date(2025, 1, 1) + timedelta(days=day)
        limit = french_legal_limit(invoice_date)
        for text in ("net 60", "45 jours fin de mois", "fin de mois 45 jours"):
            assert parse_terms(text).max_due(invoice_date) <= limit
        assert parse_terms("net 76").max_due(invoice_date) > limit


# --- properties --------------------------------------------------------------------------------

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
day_counts = st.integers(min_value=0, max_value=400)
days_of_month = st.integers(min_value=1, max_value=31)
rules = st.one_of(
    st.builds(DueRule, st.just("days"), day_counts),
    st.builds(DueRule, st.just("eom_then_days"), day_counts),
    st.builds(DueRule, st.just("days_then_eom"), day_counts),
    st.builds(DueRule, st.just("days_then_eom"), day_counts, days_of_month),
    st.builds(DueRule, st.just("proximo"), st.just(0), days_of_month),
)
quanta = st.sampled_from([D(1), D("0.01"), D("0.001")])


@st.composite
def percent_splits(draw: st.DrawFn) -> list[Decimal]:
    """2 to 5 positive percentages with 2 decimals adding up to 100."""
    count = draw(st.integers(min_value=2, max_value=5))
    cuts = sorted(draw(st.sets(st.integers(1, 9999), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, 10000]
    return [D(high - low) / 100 for low, high in zip(bounds, bounds[1:], strict=False)]


@settings(max_examples=150, deadline=None)
@given(
    split=percent_splits(),
    cents=st.integers(min_value=-(10**9), max_value=10**9),
    quantum=quanta,
    rest=st.booleans(),
)
def test_schedule_adds_up(split: list[Decimal], cents: int, quantum: Decimal, rest: bool) -> None:
    amount = D(cents) * quantum
    written = [f"{percent} % {10 * i} jours" for i, percent in enumerate(split)]
    if rest:
        written[-1] = "solde 90 jours"
    terms = parse_terms(" ; ".join(written))
    schedule = terms.schedule(date(2025, 1, 15), amount, quantum)
    assert sum(part.amount for part in schedule) == amount
    assert [part.index for part in schedule] == list(range(1, len(split) + 1))
    for part in schedule:
        assert part.amount == part.amount.quantize(quantum)
        assert part.amount * amount >= 0  # same sign as the invoice, or zero
    negative = terms.schedule(date(2025, 1, 15), -amount, quantum)
    assert [part.amount for part in negative] == [-part.amount for part in schedule]


@settings(max_examples=100, deadline=None)
@given(
    fixed=st.integers(min_value=1, max_value=10**6),
    cents=st.integers(min_value=0, max_value=10**8),
)
def test_schedule_fixed_and_rest(fixed: int, cents: int) -> None:
    amount = D(cents) / 100
    terms = parse_terms(f"{fixed} à réception ; solde 30 jours")
    if fixed > amount:
        with pytest.raises(TermsError):
            terms.schedule(JAN15, amount, CENT)
    else:
        first, second = terms.schedule(JAN15, amount, CENT)
        assert first.amount == fixed
        assert first.amount + second.amount == amount


@settings(max_examples=150, deadline=None)
@given(rule=rules, invoice_date=dates)
def test_due_is_never_before_the_invoice(rule: DueRule, invoice_date: date) -> None:
    assert rule.due(invoice_date) >= invoice_date


@settings(max_examples=150, deadline=None)
@given(days=day_counts, invoice_date=dates)
def test_method_b_is_a_month_end(days: int, invoice_date: date) -> None:
    result = parse_terms(f"{days} jours fin de mois").max_due(invoice_date)
    assert (result + timedelta(days=1)).day == 1
    assert result >= invoice_date + timedelta(days=days)
    assert (result - invoice_date).days < days + 31


@settings(max_examples=100, deadline=None)
@given(days=day_counts, day=days_of_month, invoice_date=dates)
def test_method_b_le_d(days: int, day: int, invoice_date: date) -> None:
    result = parse_terms(f"{days} jours fin de mois le {day}").max_due(invoice_date)
    month_end = parse_terms(f"{days} jours fin de mois").max_due(invoice_date)
    assert result > month_end
    assert (result.year, result.month) == (
        (month_end + timedelta(days=1)).year,
        (month_end + timedelta(days=1)).month,
    )
    assert result.day == day or (result + timedelta(days=1)).day == 1 and result.day < day


@settings(max_examples=100, deadline=None)
@given(days=day_counts, invoice_date=dates)
def test_method_a_is_month_end_plus_days(days: int, invoice_date: date) -> None:
    result = parse_terms(f"fin de mois + {days}").max_due(invoice_date)
    month_end = result - timedelta(days=days)
    assert (month_end + timedelta(days=1)).day == 1
    assert (month_end.year, month_end.month) == (invoice_date.year, invoice_date.month)


@settings(max_examples=100, deadline=None)
@given(day=days_of_month, invoice_date=dates)
def test_proximo_is_next_month(day: int, invoice_date: date) -> None:
    result = parse_terms(f"{day}th prox").max_due(invoice_date)
    month = invoice_date.month % 12 + 1
    assert result.month == month
    assert result.day == day or ((result + timedelta(days=1)).day == 1 and result.day < day)
