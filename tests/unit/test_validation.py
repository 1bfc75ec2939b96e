"""The no-personal-data validator and date parsing."""

from datetime import date, datetime

import pytest

from data_access.domain.validation import (
    ValidationError,
    check_free_text,
    find_personal_number,
    format_date,
    is_personal_number,
    parse_norwegian_date,
)


def control(digits: str, weights: tuple[int, ...]) -> int | None:
    k = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return 0 if k == 11 else None if k == 10 else k


def make_number(birth: str, individual: str) -> str | None:
    """An 11-digit number with valid mod-11 control digits (None when no valid one exists for these 9 digits)."""
    k1 = control(birth + individual, (3, 7, 6, 1, 8, 9, 4, 5, 2))
    if k1 is None:
        return None
    k2 = control(birth + individual + str(k1), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
    return None if k2 is None else f"{birth}{individual}{k1}{k2}"


def numbers(birth: str, count: int) -> list[str]:
    found = (make_number(birth, f"{i:03d}") for i in range(100, 500))
    return [n for n in found if n][:count]


FODSELSNUMMER = numbers("010100", 3) + numbers("290284", 2) + numbers("311299", 2)
D_NUMMER = numbers("410190", 2) + numbers("710575", 2)  # day + 40
H_NUMMER = numbers("154190", 2)  # month + 40 (also NAV's synthetic test numbers)
SYNTHETIC = numbers("158190", 2)  # month + 80 (Skatteetaten's Tenor test numbers)
PUBLISHED = ["01010012356", "15076500565", "21075417753", "13097248022"]  # example numbers seen in docs
MESSAGE = ("«Neste steg» ser ut til å inneholde et fødselsnummer eller D-nummer. Laget skal aldri inneholde "
           "opplysninger om enkeltbarn – fjern nummeret og prøv igjen.")


@pytest.mark.parametrize("number", FODSELSNUMMER + D_NUMMER + H_NUMMER + SYNTHETIC + PUBLISHED)
def test_identity_numbers_are_refused_with_and_without_the_space(number):
    assert is_personal_number(number)
    spaced = f"{number[:6]} {number[6:]}"
    for text in (number, f"Gjelder {number}.", f"Gjelder {spaced}, se sak", f"nr:{number[:6]}\u00a0{number[6:]}"):
        assert find_personal_number(text) == number
        with pytest.raises(ValidationError) as err:
            check_free_text(text, "Neste steg", max_length=500)
        assert str(err.value) == MESSAGE and err.value.field == "Neste steg"


def wrong_control(number: str, position: int) -> str:
    digit = (int(number[position]) + 1) % 10
    return number[:position] + str(digit) + number[position + 1:]


@pytest.mark.parametrize("number", FODSELSNUMMER + D_NUMMER)
def test_wrong_control_digits_are_accepted(number):
    for position in (9, 10):
        other = wrong_control(number, position)
        assert not is_personal_number(other)
        assert find_personal_number(f"Ordre {other}") is None
        check_free_text(f"Ordre {other}", "Statusnotat", max_length=500)


@pytest.mark.parametrize("text", [
    "01010012357",  # wrong second control digit
    "01010012366",  # wrong first control digit
    "Ordrenummer 12345678901",
    "Kontonummer 1234.56.78903",
    "Telefon 22 33 44 55, budsjett 1000000",
    "123456789012",  # 12 digits: not a personal number
    "Tiltaket gjelder 30 barn i 5 klasser",
    "",
])
def test_other_text_is_accepted(text):
    assert find_personal_number(text) is None
    check_free_text(text, "Statusnotat", max_length=500)


@pytest.mark.parametrize("text", ["0101001235 6", "010100  12356", "010100-12356", "01.01.00.123.56", "0101 0012 356",
                                  "010100/12356", "010100\t12356", "010100\n12356", "010100\u200b12356",
                                  "010100\u200912356", "０１０１００１２３５６", "010100 - 12356"])
def test_any_spelling_of_a_valid_number_is_refused(text):
    assert find_personal_number(f"Gjelder {text}.") == "01010012356"


def test_valid_control_digits_but_impossible_date_is_not_a_personal_number():
    for birth in ("320190", "300290", "011390", "720190", "019390"):  # day 32, 30 Feb, month 13, day 72, month 93
        candidates = numbers(birth, 3)
        assert candidates and not any(is_personal_number(n) for n in candidates), birth


def test_too_long_text_names_field_and_length():
    with pytest.raises(ValidationError) as err:
        check_free_text("x" * 812, "Statusnotat", max_length=500)
    assert str(err.value) == "«Statusnotat» kan være høyst 500 tegn (nå 812)."
    assert err.value.field == "Statusnotat"
    check_free_text("x" * 500, "Statusnotat", max_length=500)
    check_free_text(None, "Statusnotat", max_length=500)


@pytest.mark.parametrize("text, expected", [
    ("05.03.2027", date(2027, 3, 5)), ("5.3.2027", date(2027, 3, 5)), ("2027-03-05", date(2027, 3, 5)),
    (" 29.02.2028 ", date(2028, 2, 29)), ("2027-03-05T00:00:00", date(2027, 3, 5)),
    ("2027-03-05 00:00:00", date(2027, 3, 5)),
])
def test_dates(text, expected):
    assert parse_norwegian_date(text) == expected


@pytest.mark.parametrize("text", ["31.02.2026", "29.02.2027", "neste uke", "2026/03/05", "5.3.27", "05.03.202",
                                  "2026-3-5", "", None])
def test_unreadable_dates(text):
    with pytest.raises(ValidationError) as err:
        parse_norwegian_date(text)
    assert str(err.value) == f"Kan ikke lese datoen «{(text or '').strip()}». Bruk dd.mm.åååå."


def test_unreadable_date_names_the_field_when_given():
    with pytest.raises(ValidationError) as err:
        parse_norwegian_date("i morgen", "Neste evaluering")
    assert err.value.field == "Neste evaluering"
    assert str(err.value) == "«Neste evaluering»: Kan ikke lese datoen «i morgen». Bruk dd.mm.åååå."


def test_format_date():
    assert format_date(date(2027, 3, 5)) == "05.03.2027"
    assert format_date(datetime(2027, 12, 24, 18, 0)) == "24.12.2027"
    assert format_date(None) == ""
    assert parse_norwegian_date(format_date(date(2026, 1, 9))) == date(2026, 1, 9)
