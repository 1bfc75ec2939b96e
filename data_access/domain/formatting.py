"""The one formatter for numbers, percentages and dates as Norwegian readers expect them (pure, no Streamlit).

Numbers come from babel's nb_NO locale (decimal comma, non-breaking space between thousands, the real minus
sign), never from string replacement. Missing values are «–», with the statistics source's reason when the
import saw one of SSB's/FHI's markers. The d3 locales at the bottom give charts (Vega-Lite ``config.locale``)
the same conventions for axes and tooltips.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.numbers import format_decimal

LOCALE = "nb_NO"
MISSING = "–"
# SSB's symbol table (FHI and Udir use the same markers): https://www.ssb.no/a/publikasjoner/symboler
MISSING_REASONS = {
    ".": "lovlig umulig å føre tall",
    "..": "tallgrunnlag mangler",
    "...": "tall kan ikke offentliggjøres",
    ":": "vises ikke av personvernhensyn",
}
UNIT_SUFFIX = {"percent": " %", "per_1000": " per 1\u00a0000"}


def missing(marker: str | None = None) -> str:
    """«–», or «– (tallgrunnlag mangler)» when the source said why."""
    reason = MISSING_REASONS.get((marker or "").strip())
    return f"{MISSING} ({reason})" if reason else MISSING


def number(value: float | int | None, decimals: int | None = None, *, max_decimals: int = 2,
           marker: str | None = None) -> str:
    """5,1 · 1 000 · −0,25. ``decimals`` fixes the decimals; otherwise up to ``max_decimals``, trailing 0 dropped."""
    if value is None or value != value:  # None or NaN
        return missing(marker)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") if decimals is not None \
        else "#,##0" + ("." + "#" * max_decimals if max_decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def signed(value: float | int | None, decimals: int | None = None, *, max_decimals: int = 2) -> str:
    """+0,9 / −1,2 / 0: a change, with its sign always shown."""
    if value is None or value != value:
        return missing()
    text = number(value, decimals, max_decimals=max_decimals)
    return f"+{text}" if value > 0 and text.strip("0,") else text


def percent(value: float | None, decimals: int | None = None, *, marker: str | None = None) -> str:
    """A value already in percent: 12,5 %."""
    return missing(marker) if value is None else f"{number(value, decimals, max_decimals=1)} %"


def points(difference: float | None, decimals: int | None = None) -> str:
    """A difference between two percentages: «+0,9 prosentpoeng», never «+0,9 %»."""
    return missing() if difference is None else f"{signed(difference, decimals, max_decimals=1)} prosentpoeng"


def value(value: float | None, unit: str, *, marker: str | None = None) -> str:
    """An indicator value with its unit (percent, per_1000, count)."""
    if value is None:
        return missing(marker)
    return number(value) + UNIT_SUFFIX.get(unit, "")


def change(difference: float | None, unit: str) -> str:
    """A change in an indicator: percentage points for percentages, else the signed value with its unit."""
    if difference is None:
        return missing()
    if unit == "percent":
        return points(difference)
    return signed(difference) + UNIT_SUFFIX.get(unit, "")


def day(d: date | datetime | None) -> str:
    """dd.mm.åååå, or «–» for no date."""
    return d.strftime("%d.%m.%Y") if d else MISSING


def moment(d: datetime | None) -> str:
    """dd.mm.åååå tt:mm."""
    return d.strftime("%d.%m.%Y %H:%M") if d else MISSING


def year(value: int | None) -> str:
    """A year stays 2026 (no thousands space); «–» when not given."""
    return MISSING if value is None else str(int(value))


def text(value: object) -> str:
    """Any cell value as text a person reads: never «None»; numbers and dates the Norwegian way."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool):
        return "Ja" if value else "Nei"
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return day(value)
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or MISSING
    return str(value)


# d3-format / d3-time-format locales for Vega-Lite's ``config.locale`` (axes, tooltips, legends).
D3_NUMBER = {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0kr"],
             "minus": "\u2212"}
D3_TIME = {
    "dateTime": "%A %e. %B %Y kl. %X", "date": "%d.%m.%Y", "time": "%H:%M:%S", "periods": ["", ""],
    "days": ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
    "shortDays": ["søn", "man", "tir", "ons", "tor", "fre", "lør"],
    "months": ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
               "november", "desember"],
    "shortMonths": ["jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des"],
}
VEGA_LOCALE = {"number": D3_NUMBER, "time": D3_TIME}


# The report's names for the same formatter (one module, one set of rules).
def fmt_number(value: float | int | None, decimals: int = 2, *, sign: bool = False) -> str:
    return signed(value, max_decimals=decimals) if sign else number(value, max_decimals=decimals)


def fmt_int(value: int | None) -> str:
    return number(value, 0)


def fmt_value(value: float | None, unit: str, *, sign: bool = False) -> str:
    """An indicator value with its unit: «5,1 %», «3,2 per 1 000», «12»; ``sign`` for a change, which is
    ``change`` (percentage points for percentages), the same words the screen uses."""
    if sign:
        return change(value, unit)
    if value is None:
        return MISSING
    return number(value) + UNIT_SUFFIX.get(unit, "")


def fmt_date(d: date | datetime | None) -> str:
    return day(d)
