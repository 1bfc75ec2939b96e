"""Validation shared by every write: no personal data, sane lengths, Norwegian dates.

Laget works on the system level and must never hold information about an individual child, so every
free-text field refuses a Norwegian identity number: 11 digits (also written "DDMMYY NNNNN" with one space)
whose two mod-11 control digits are valid and whose first six digits are a possible date, where
- fødselsnummer: day 01–31, month 01–12;
- D-nummer: day + 40 (41–71);
- H-nummer (helsevesenets hjelpenummer): month + 40 (41–52), the form NAV's synthetic test numbers also use;
- synthetic test numbers from Skatteetaten (Tenor): month + 80 (81–92). They are not personal data, but a
  user cannot tell them from real ones, and one simple rule ("no identity numbers") is easier to follow.
Eleven digits whose control digits do not add up (an order number, an account number) are accepted.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from data_access.errors import ValidationError

__all__ = ["ValidationError", "check_free_text", "find_personal_number", "format_date", "parse_norwegian_date"]

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # century unknown: allow 29 February
# 11 digits, optionally "DDMMYY NNNNN" (one space, also non-breaking), not part of a longer run of digits
CANDIDATE = re.compile(r"(?<!\d)(\d{6})[ \u00a0]?(\d{5})(?!\d)")
DATE_FORMATS = (re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})"),
                re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"))



def control_digit(digits: list[int] | tuple[int, ...], weights: tuple[int, ...]) -> int | None:
    """The mod-11 control digit for ``digits``; None when no digit is valid (the remainder gives 10)."""
    k = 11 - sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    if k == 11:
        return 0
    return None if k == 10 else k


def is_personal_number(number: str) -> bool:
    """True for a fødselsnummer, D-nummer, H-nummer or synthetic test number (see the module docstring)."""
    if not re.fullmatch(r"\d{11}", number or ""):
        return False
    d = [int(c) for c in number]
    if control_digit(d[:9], W1) != d[9] or control_digit(d[:10], W2) != d[10]:
        return False
    day, month = int(number[:2]), int(number[2:4])
    if day > 40:
        day -= 40
    if month > 80:
        month -= 80
    elif month > 40:
        month -= 40
    return 1 <= month <= 12 and 1 <= day <= DAYS_IN_MONTH[month - 1]


def find_personal_number(text: str | None) -> str | None:
    """The first identity number in ``text`` (its 11 digits), or None."""
    for m in CANDIDATE.finditer(text or ""):
        number = m.group(1) + m.group(2)
        if is_personal_number(number):
            return number
    return None


def check_free_text(text: str | None, field_label: str, *, max_length: int) -> None:
    """Refuse identity numbers and over-long text, with a Norwegian message naming the field."""
    text = text or ""
    if find_personal_number(text):
        raise ValidationError(
            f"«{field_label}» ser ut til å inneholde et fødselsnummer eller D-nummer. Laget skal aldri inneholde "
            "opplysninger om enkeltbarn – fjern nummeret og prøv igjen.", field=field_label)
    if len(text) > max_length:
        raise ValidationError(f"«{field_label}» kan være høyst {max_length} tegn (nå {len(text)}).",
                              field=field_label)


def parse_norwegian_date(text: str | None, field_label: str | None = None) -> date:
    """Read dd.mm.åååå (also d.m.åååå) or ISO åååå-mm-dd (a time part, as grids send it, is ignored)."""
    value = (text or "").strip()
    for pattern in DATE_FORMATS:
        if m := pattern.fullmatch(value):
            try:
                return date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                break
    prefix = f"«{field_label}»: " if field_label else ""
    raise ValidationError(f"{prefix}Kan ikke lese datoen «{value}». Bruk dd.mm.åååå.", field=field_label or "date")


def format_date(d: date | datetime | None) -> str:
    """dd.mm.åååå, or "" for no date."""
    from data_access.formatting import day

    return day(d) if d else ""
