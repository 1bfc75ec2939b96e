"""The no-personal-data validator and date parsing."""

from datetime import date

import pytest

from data_access.validation import (
    ValidationError,
    check_free_text,
    find_personal_number,
    format_date,
    is_personal_number,
    parse_norwegian_date,
)


def make_number(birth: str, individual: str) -> str | None:
    """Build an 11-digit number with valid mod-11 control digits (None when no valid one exists)."""
    digits = [int(c) for c in birth + individual]
    k1 = 11 - sum(d * w for d, w in zip(digits, (3, 7, 6, 1, 8, 9, 4, 5, 2), strict=True)) % 11
    k1 = 0 if k1 == 11 else k1
    if k1 == 10:
        return None
    digits.append(k1)
    k2 = 11 - sum(d * w for d, w in zip(digits, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11
    k2 = 0 if k2 == 11 else k2
    return None if k2 == 10 else birth + individual + str(k1) + str(k2)


VALID = [n for n in (make_number("010100", f"{i:03d}") for i in range(100, 140)) if n][:5]
D_NUMBERS = [n for n in (make_number("410190", f"{i:03d}") for i in range(100, 140)) if n][:3]


@pytest.mark.parametrize("number", VALID + D_NUMBERS + ["01010012356"])
def test_valid_numbers_are_found_with_and_without_space(number):
    assert is_personal_number(number)
    assert find_personal_number(f"Gjelder {number}.") == number
    assert find_personal_number(f"Gjelder {number[:6]} {number[6:]}") == number
    with pytest.raises(ValidationError, match="fødselsnummer eller D-nummer"):
        check_free_text(f"notat {number}", "Statusnotat", max_length=500)


@pytest.mark.parametrize("text", [
    "01010012357",  # wrong second control digit
    "01010012366",  # wrong first control digit
    "Ordrenummer 12345678901",
    "Telefon 22 33 44 55, budsjett 1000000",
    "123456789012",  # 12 digits: not a personal number
    "Tiltaket gjelder 30 barn i 5 klasser",
])
def test_other_numbers_are_accepted(text):
    assert find_personal_number(text) is None
    check_free_text(text, "Statusnotat", max_length=500)


def test_invalid_date_part_is_not_a_personal_number():
    number = make_number("329900", "123") or make_number("329900", "124")
    assert number is None or not is_personal_number(number)


def test_too_long_text_names_field_and_length():
    with pytest.raises(ValidationError) as err:
        check_free_text("x" * 812, "Statusnotat", max_length=500)
    assert str(err.value) == "«Statusnotat» kan være høyst 500 tegn (nå 812)."
    assert err.value.field == "Statusnotat"


@pytest.mark.parametrize("text, expected", [
    ("05.03.2027", date(2027, 3, 5)), ("5.3.2027", date(2027, 3, 5)), ("2027-03-05", date(2027, 3, 5)),
])
def test_dates(text, expected):
    assert parse_norwegian_date(text) == expected
    assert format_date(expected) == "05.03.2027"


@pytest.mark.parametrize("text", ["31.02.2026", "neste uke", "2026/03/05", ""])
def test_unreadable_dates(text):
    with pytest.raises(ValidationError, match="Kan ikke lese datoen"):
        parse_norwegian_date(text)
