"""The one Norwegian number and date formatter: 5,1 · 1 000 · 01.02.2025 · «–» for missing.

Used by the pages and by the report, so screen and paper write numbers the same way.
"""

from __future__ import annotations

from datetime import date, datetime

MISSING = "–"


def fmt_number(value: float | int | None, decimals: int = 2, *, sign: bool = False) -> str:
    """Space as thousands separator, comma as decimal mark, trailing zeros dropped; None → «–»."""
    if value is None:
        return MISSING
    text = f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    if text in {"-0", ""}:
        text = "0"
    if sign and value > 0:
        text = "+" + text
    return text


def fmt_int(value: int | None) -> str:
    return fmt_number(value, 0)


def fmt_value(value: float | None, unit: str, *, sign: bool = False) -> str:
    """An indicator value with its unit: «5,1 %», «3,2 per 1 000», «12»."""
    if value is None:
        return MISSING
    text = fmt_number(value, 2, sign=sign)
    return {"percent": f"{text} %", "per_1000": f"{text} per 1 000"}.get(unit, text)


def fmt_date(d: date | datetime | None) -> str:
    """dd.mm.åååå (``validation.format_date``), or «–» for no date."""
    from data_access.validation import format_date

    return format_date(d) or MISSING
