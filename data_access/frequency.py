"""Meeting frequencies as the plans write them, and their expansion into dates.

Rules for expansion (deterministic: the same input always gives the same dates):
- Never a Saturday, Sunday or Norwegian public holiday (the ``holidays`` package); a date that falls on one
  moves to the next working day in the same week, else the previous one.
- No fixed meetings in July (fellesferie) or the Christmas break (22 December – 2 January).
- Weekly: every week on the preferred weekday (default Tuesday). Every 14 days: even ISO weeks.
- Monthly: the second preferred weekday of each month except July.
- N times a year: spread over the school year's two terms (15 January – 15 June and 15 August – 15 December),
  spring getting the extra meeting when N is odd, each meeting in the middle of an equal slice of its term.
  Yearly (N = 1) uses the preferred month when given, else the middle of the spring term.
- "Ved behov": no fixed dates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

import holidays

Kind = Literal["weekly", "biweekly", "monthly", "per_year", "as_needed"]
KINDS = ("weekly", "biweekly", "monthly", "per_year", "as_needed")
WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag"]
MONTHS = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember"]
DEFAULT_WEEKDAY = 1  # Tuesday
TERMS = (((1, 15), (6, 15)), ((8, 15), (12, 15)))


class FrequencyError(ValueError):
    """A frequency that cannot be understood or is inconsistent; the message is Norwegian."""


@dataclass(frozen=True)
class Frequency:
    kind: Kind
    times: int | None = None
    min_times: int | None = None
    as_needed: bool = False
    weekday: int | None = None
    week: int | None = None
    month: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise FrequencyError(f"Ukjent hyppighet «{self.kind}».")
        if self.kind == "per_year":
            if self.times is None or not 1 <= self.times <= 52:
                raise FrequencyError("Antall møter i året må være mellom 1 og 52.")
            if self.min_times is not None and not 1 <= self.min_times <= self.times:
                raise FrequencyError("Minste antall møter kan ikke være større enn antall møter i året.")
        if self.weekday is not None and not 0 <= self.weekday <= 4:
            raise FrequencyError("Foretrukket ukedag må være mandag–fredag.")
        if self.week is not None and not 1 <= self.week <= 53:
            raise FrequencyError("Foretrukket uke må være mellom 1 og 53.")
        if self.month is not None and not 1 <= self.month <= 12:
            raise FrequencyError("Foretrukket måned må være mellom 1 og 12.")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Frequency:
        fields = {k: data.get(k) for k in ("kind", "times", "min_times", "weekday", "week", "month")}
        return cls(**fields, as_needed=bool(data.get("as_needed")))

    @property
    def is_rule(self) -> bool:
        """Weekly, every 14 days and monthly repeat by a rule (RRULE in iCalendar)."""
        return self.kind in {"weekly", "biweekly", "monthly"}

    def label(self) -> str:
        if self.kind == "as_needed":
            text = "Ved behov"
        elif self.kind == "weekly":
            text = "Ukentlig"
        elif self.kind == "biweekly":
            text = "Hver 14. dag"
        elif self.kind == "monthly":
            text = "Månedlig"
        elif self.times == 1:
            text = "Årlig"
        elif self.min_times == self.times and self.as_needed:
            text = f"Minimum {self.times} ganger i året"
        elif self.min_times and self.min_times < (self.times or 0):
            text = f"{self.min_times}–{self.times} ganger i året"
        else:
            text = f"{self.times} ganger i året"
        if self.as_needed and self.kind != "as_needed":
            text += " og ved behov"
        prefs = []
        if self.weekday is not None:
            prefs.append(WEEKDAYS[self.weekday])
        if self.month is not None:
            prefs.append(MONTHS[self.month - 1])
        if self.week is not None:
            prefs.append(f"uke {self.week}")
        return text + (f" (helst {', '.join(prefs)})" if prefs else "")


NUMBER_WORDS = {"en": 1, "én": 1, "ett": 1, "ei": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7,
                "syv": 7, "åtte": 8, "ni": 9, "ti": 10, "tolv": 12}
PER_YEAR = r"(?:ganger?|g\.?|møter?)\s*(?:i\s+året|i\s+år|pr\.?\s*år|per\s+år|årlig|i\s+semesteret\s*x\s*2)?"
HINT = ("Skriv f.eks. «Ukentlig», «Hver 14. dag», «Månedlig», «5 ganger i året», «1–2 ganger i året», "
        "«Årlig», «Minimum 4 ganger i året og ved behov» eller «Ved behov».")


def parse_frequency(text: str) -> Frequency:
    """Read the plan's own wording into a Frequency, or raise FrequencyError naming the text."""
    original = (text or "").strip()
    s = original.lower().replace("–", "-").replace("—", "-").rstrip(" .")
    s = re.sub(r"\s+", " ", s)
    for word, n in NUMBER_WORDS.items():
        s = re.sub(rf"\b{word}\b(?= ?(?:-|ganger?|gang))", str(n), s)
    if not s:
        raise FrequencyError(f"Hyppigheten mangler. {HINT}")
    weekday = next((i for i, d in enumerate(WEEKDAYS) if re.search(rf"\b{d}(?:er)?\b", s)), None)
    month = next((i + 1 for i, m in enumerate(MONTHS) if re.search(rf"\b{m}\b", s)), None)
    as_needed = bool(re.search(r"ved behov", s))
    base = re.sub(r"(?:,|\s)*(?:og|samt|\+)?\s*(?:ellers\s+)?ved behov", "", s).strip(" ,")
    base = re.sub(r"^(?:fast|fastsatt|faste)\s+", "", base)
    base = re.sub(r"\(.*?\)", "", base).strip()
    base = re.sub(rf"\b(?:helst |på )?(?:{'|'.join(WEEKDAYS)})(?:er)?\b", "", base).strip(" ,")
    base = re.sub(rf"\b(?:i )?(?:{'|'.join(MONTHS)})\b", "", base).strip(" ,")

    def make(kind: str, times: int | None = None, min_times: int | None = None) -> Frequency:
        return Frequency(kind, times, min_times, as_needed, weekday, None, month)  # type: ignore[arg-type]

    if not base:
        if as_needed:
            return Frequency("as_needed", as_needed=True)
        if month:
            return make("per_year", 1)
    if re.fullmatch(r"(?:ukentlig|hver uke|1 gang (?:i|per|pr\.?) uk[ae]n?|en gang i uka)", base):
        return make("weekly")
    if re.fullmatch(r"(?:hver 14\.? ?dag|hver 14\.? dager|annenhver uke|hver annen uke|hver andre uke|"
                    r"to ganger i måneden|2 ganger i måneden|hver fjortende dag)", base):
        return make("biweekly")
    if re.fullmatch(r"(?:månedlig|hver måned|1 gang (?:i|per|pr\.?) (?:måned(?:en)?|mnd\.?))", base):
        return make("monthly")
    if re.fullmatch(r"(?:årlig|hvert år|1 gang (?:i året|pr\.? ?år|per år|årlig)|1 gang)", base):
        return make("per_year", 1)
    if m := re.fullmatch(rf"(?:minimum|minst) (\d+) {PER_YEAR}", base):
        n = int(m.group(1))
        return make("per_year", n, n)
    if m := re.fullmatch(rf"(\d+) ?- ?(\d+) {PER_YEAR}", base):
        lo, hi = int(m.group(1)), int(m.group(2))
        if lo > hi:
            raise FrequencyError(f"Hyppigheten «{original}» har minste antall større enn største. {HINT}")
        return make("per_year", hi, lo)
    if m := re.fullmatch(rf"(\d+) {PER_YEAR}", base):
        return make("per_year", int(m.group(1)))
    raise FrequencyError(f"Forstår ikke hyppigheten «{original}». {HINT}")


@lru_cache(maxsize=64)
def norwegian_holidays(year: int) -> dict[date, str]:
    """Public holidays (helligdager) only; Sundays are weekends anyway."""
    return dict(holidays.country_holidays("NO", years=year, language="no"))


@lru_cache(maxsize=64)
def _blocked(year: int) -> frozenset[date]:
    """Every day of ``year`` on which no meeting may be placed."""
    days = set(norwegian_holidays(year))
    d = date(year, 1, 1)
    while d.year == year:
        if d.weekday() >= 5 or d.month == 7 or (d.month == 12 and d.day >= 22) or (d.month == 1 and d.day <= 2):
            days.add(d)
        d += timedelta(days=1)
    return frozenset(days)


def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in norwegian_holidays(d.year)


def _settle(d: date) -> date | None:
    """Move a blocked date to the next free day of its week, else the previous one, else give up."""
    blocked = _blocked(d.year)
    if d not in blocked:
        return d
    monday = d - timedelta(days=d.weekday())
    for candidate in [d + timedelta(days=i) for i in range(1, 5 - d.weekday())] + \
                     [d - timedelta(days=i) for i in range(1, d.weekday() + 1)]:
        if monday <= candidate and candidate.year == d.year and candidate not in blocked:
            return candidate
    return None


def _on_weekday(d: date, weekday: int) -> date:
    """The preferred weekday nearest to ``d`` (same or following days)."""
    return d + timedelta(days=(weekday - d.weekday()) % 7)


def _raw_dates(freq: Frequency, year: int) -> list[date]:
    weekday = DEFAULT_WEEKDAY if freq.weekday is None else freq.weekday
    if freq.kind in {"weekly", "biweekly"}:
        first = _on_weekday(date(year, 1, 1), weekday)
        days = [first + timedelta(weeks=i) for i in range(54)]
        days = [d for d in days if d.year == year]
        if freq.kind == "biweekly":
            days = [d for d in days if d.isocalendar().week % 2 == 0]
        return days
    if freq.kind == "monthly":
        return [_on_weekday(date(year, m, 1), weekday) + timedelta(weeks=1) for m in range(1, 13) if m != 7]
    if freq.kind == "per_year":
        n = freq.times or 1
        if n == 1 and (freq.month or freq.week):
            if freq.week:
                return [date.fromisocalendar(year, min(freq.week, 52), weekday + 1)]
            return [_on_weekday(date(year, freq.month, 10), weekday)]  # type: ignore[arg-type]
        spring = (n + 1) // 2
        out = []
        for (start_md, end_md), k in zip(TERMS, (spring, n - spring), strict=True):
            start, end = date(year, *start_md), date(year, *end_md)
            length = (end - start).days
            out += [_on_weekday(start + timedelta(days=int(length * (i + 0.5) / k)), weekday) for i in range(k)]
        return out
    return []


def expand(freq: Frequency, year: int, *, start: date | None = None, end: date | None = None) -> list[date]:
    """The planned dates of ``freq`` in ``year``, clipped to an arena's start and end dates."""
    if start and end and end < start:
        raise FrequencyError(f"Sluttdato {end:%d.%m.%Y} er før startdato {start:%d.%m.%Y}.")
    dates = set()
    for d in _raw_dates(freq, year):
        settled = _settle(d)
        if settled and (start is None or settled >= start) and (end is None or settled <= end):
            dates.add(settled)
    return sorted(dates)


def expand_many(freqs: Sequence[Frequency], year: int) -> list[list[date]]:
    """Expand many arenas at once; equal frequencies are expanded once."""
    cache: dict[Frequency, list[date]] = {}
    out = []
    for f in freqs:
        if f not in cache:
            cache[f] = expand(f, year)
        out.append(cache[f])
    return out
