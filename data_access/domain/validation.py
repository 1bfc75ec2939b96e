"""Validation shared by every write: no personal data, sane lengths, Norwegian dates.

Laget works on the system level and must never hold information about an individual child, so every
free-text field refuses a Norwegian identity number in any spelling: 11 digits, possibly split into groups by
separators or whitespace (dash, dots, slash, tab, newline, two spaces, thin, non-breaking or zero-width space),
full-width or other Unicode digits included, whose two control digits are valid and whose first six digits are
a possible date. The control digits and the ordinary fødselsnummer, D-nummer (day + 40) and H-nummer
(month + 40) are checked by python-stdnum (``stdnum.no.fodselsnummer``). stdnum refuses a few numbers that a
guard must still treat as identity numbers, so for those only the date is checked here:
- synthetic test numbers from Skatteetaten (Tenor): month + 80. They are not personal data, but a user cannot
  tell them from real ones, and one simple rule ("no identity numbers") is easier to follow;
- FH-numbers (felles hjelpenummer, first digit 8 or 9): no date by design;
- numbers whose birth century stdnum cannot place, or that it places in the future (a typo is still refused).
Eleven digits whose control digits do not add up (an order number, an account number) are accepted.

A list field (Ansvar, Deltakere) is also checked as one text, its items joined with every separator between them
removed (``check_list_text``): a number typed as «130725, 61354» in «Deltakere (skilt med komma)» or split over
two lines of a grid cell arrives as two harmless items. For that joined text only python-stdnum's own
fødselsnummer/D-nummer/H-nummer check counts (no Tenor, FH or date-only leniency), so ordinary lists of services,
years and phone numbers stay accepted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from stdnum.no import fodselsnummer

from data_access.domain.errors import ValidationError

__all__ = ["ValidationError", "check_free_text", "check_list_text", "find_personal_number", "format_date",
           "name_key",
           "parse_norwegian_date"]

DATE_FORMATS = (re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})"),
                re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"))
LENGTH = 11
MAX_GAP = 3  # separator characters between two digit groups (a run of whitespace counts as one): "010190 - 12345"


def _control_digits_ok(number: str) -> bool:
    return (fodselsnummer.calc_check_digit1(number[:9]) == number[9]
            and fodselsnummer.calc_check_digit2(number[:10]) == number[10])


def _date_possible(number: str) -> bool:
    """Day and month are a date (any century, 29 February allowed) after the D/H/Tenor offsets; FH has none."""
    day, month = int(number[:2]), int(number[2:4])
    if day >= 80:  # FH-nummer
        return True
    day -= 40 if day > 40 else 0
    month -= 80 if month > 80 else 40 if month > 40 else 0
    try:
        date(2000, month, day)
    except ValueError:
        return False
    return True


def is_personal_number(number: str) -> bool:
    """True for a fødselsnummer, D-, H- or FH-nummer or synthetic test number (11 ASCII digits)."""
    if not re.fullmatch(r"\d{11}", number or ""):
        return False
    if fodselsnummer.is_valid(number):
        return True
    return _control_digits_ok(number) and _date_possible(number)


def _digit_groups(text: str) -> Iterator[list[str]]:
    """Runs of digit groups that may be one spelled-out number: groups split by at most MAX_GAP separators.

    NFKC turns full-width digits and exotic spaces into plain ones, other decimal digits are read by value,
    invisible format characters (zero-width space, soft hyphen, BOM) are dropped, and a letter ends a run.
    """
    groups: list[str] = []
    digits, gap, last_space = "", 0, False
    for ch in unicodedata.normalize("NFKC", text):
        if unicodedata.category(ch) == "Cf":
            continue
        value = unicodedata.decimal(ch, None)
        if value is not None:
            if not digits and groups and gap > MAX_GAP:
                yield groups
                groups = []
            digits += str(value)
            gap, last_space = 0, False
            continue
        if digits:
            groups.append(digits)
            digits = ""
        if ch.isalnum():  # a letter: the number (if any) has ended
            if groups:
                yield groups
            groups, gap = [], 0
        elif not (ch.isspace() and last_space):
            gap += 1
        last_space = ch.isspace()
    if digits:
        groups.append(digits)
    if groups:
        yield groups


def _candidates(text: str) -> Iterator[str]:
    """Every run of whole consecutive digit groups that holds exactly 11 digits."""
    for groups in _digit_groups(text):
        for i in range(len(groups)):
            total = ""
            for group in groups[i:]:
                total += group
                if len(total) >= LENGTH:
                    break
            if len(total) == LENGTH:
                yield total


def find_personal_number(text: str | None) -> str | None:
    """The first identity number in ``text`` (its 11 digits), or None."""
    for number in _candidates(text or ""):
        if is_personal_number(number):
            return number
    return None


def find_personal_number_in_list(items: Iterable[object]) -> str | None:
    """The first identity number in the list's items read as one text with no separator between them, or None;
    only numbers python-stdnum itself accepts count here (see the module docstring)."""
    joined = "".join("" if item is None else str(item) for item in items)
    for number in _candidates(joined):
        if fodselsnummer.is_valid(number):
            return number
    return None


def _refuse(field_label: str) -> ValidationError:
    return ValidationError(
        f"«{field_label}» ser ut til å inneholde et fødselsnummer eller D-nummer. Laget skal aldri inneholde "
        "opplysninger om enkeltbarn – fjern nummeret og prøv igjen.", field=field_label)


def check_list_text(items: Iterable[object], field_label: str) -> None:
    """Refuse a list whose items, joined, spell an identity number (each item is checked on its own by
    ``check_free_text``)."""
    if find_personal_number_in_list(items):
        raise _refuse(field_label)


def check_free_text(text: str | None, field_label: str, *, max_length: int) -> None:
    """Refuse identity numbers and over-long text, with a Norwegian message naming the field."""
    text = text or ""
    if find_personal_number(text):
        raise _refuse(field_label)
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
    from data_access.domain.formatting import day

    return day(d) if d else ""


def name_key(name: str | None) -> str:
    """A name as Laget compares names: case and runs of whitespace ignored («Tett  OPPFØLGING» = «tett oppfølging»).

    The plan import matches rows by it, and the schema keeps it unique (``models.UniqueName``), so two names that
    the import would take for one can never both be stored. ``casefold`` (not SQL ``lower``, which SQLite applies
    to ASCII only) folds Æ, Ø, Å and ß too; the migration 0008 has its own frozen copy of this rule."""
    return " ".join(str(name or "").split()).casefold()
