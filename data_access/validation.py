"""Validation shared by every write: no personal data, sane lengths, Norwegian dates.

Laget works on the system level and must never hold information about an individual child, so every
free-text field refuses a Norwegian fødselsnummer or D-nummer (11 digits whose control digits are valid).
"""

from __future__ import annotations

import re
from datetime import date, datetime

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# 11 digits, optionally "DDMMYY NNNNN", not part of a longer run of digits
CANDIDATE = re.compile(r"(?<!\d)(\d{6}) ?(\d{5})(?!\d)")


class ValidationError(ValueError):
    """Bad input; ``field`` names the field so the UI can show the message next to it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _control(digits: list[int], weights: tuple[int, ...]) -> int | None:
    k = 11 - sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
    if k == 11:
        return 0
    return None if k == 10 else k


def is_personal_number(number: str) -> bool:
    """True for a fødselsnummer, D-nummer (day + 40) or H-nummer (month + 40) with valid control digits."""
    if not re.fullmatch(r"\d{11}", number):
        return False
    d = [int(c) for c in number]
    k1 = _control(d[:9], W1)
    k2 = _control(d[:10], W2)
    if k1 != d[9] or k2 != d[10]:
        return False
    day, month = int(number[:2]), int(number[2:4])
    day = day - 40 if day > 40 else day
    month = month - 40 if month > 40 else month
    return 1 <= day <= 31 and 1 <= month <= 12


def find_personal_number(text: str) -> str | None:
    for m in CANDIDATE.finditer(text or ""):
        number = m.group(1) + m.group(2)
        if is_personal_number(number):
            return number
    return None


def check_free_text(text: str | None, field_label: str, *, max_length: int) -> None:
    """Refuse personal numbers and over-long text, with a Norwegian message naming the field."""
    text = text or ""
    if len(text) > max_length:
        raise ValidationError(f"«{field_label}» kan være høyst {max_length} tegn (nå {len(text)}).",
                              field=field_label)
    if find_personal_number(text):
        raise ValidationError(
            f"«{field_label}» ser ut til å inneholde et fødselsnummer eller D-nummer. Laget skal aldri inneholde "
            "opplysninger om enkeltbarn – fjern nummeret og prøv igjen.", field=field_label)


def parse_norwegian_date(text: str) -> date:
    """Read dd.mm.åååå (also d.m.åååå) or ISO åååå-mm-dd; anything else is a Norwegian error."""
    value = (text or "").strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValidationError(f"Kan ikke lese datoen «{value}». Bruk dd.mm.åååå.", field="date")


def format_date(d: date | datetime | None) -> str:
    return d.strftime("%d.%m.%Y") if d else ""
