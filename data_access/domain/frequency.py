"""Meeting frequencies as the plans write them, and their expansion into meeting dates.

Expansion rules (deterministic: the same input always gives the same dates, sorted and unique):

- A meeting never lands on a Saturday, Sunday or Norwegian public holiday (``holidays.Norway``).
- No fixed meetings in the *ferie* periods: July (fellesferie) and 22 December – 2 January (jul og nyttår).
  A rule date in a ferie period is dropped, not moved.
- Weekly ("Ukentlig"): every week on the preferred weekday, default **Tuesday**.
- Every 14 days ("Hver 14. dag"): the preferred weekday of every *even* ISO week.
- Monthly ("Månedlig"): the second preferred weekday of each month (so 11 meetings a year, none in July).
- For these three rules, a date on a public holiday moves to the next working day of the same ISO week, else
  the previous one; if the whole week is closed the meeting is dropped. So the meeting stays in its week and
  never collides with the next one (Kristi himmelfart Thursday -> Friday, Langfredag -> Wednesday).
- "N ganger i året": spread over the school year's two terms, spring 15 January – 15 June and autumn
  20 August – 15 December; spring gets the extra meeting when N is odd (5 -> 3 + 2). Within a term the
  meetings are evenly spaced over the term's school days on the preferred weekday, skipping the usual school
  holidays (vinterferie weeks 8–9, påskeferie Monday of Holy Week – 2. påskedag, høstferie weeks 40–41),
  falling back to any school day when the term has too few of that weekday.
- "Årlig" (N = 1): the middle of the spring term, or the middle of the preferred month (school holidays
  avoided), or the preferred weekday of the preferred ISO week (moved within the week, else to the next open
  working day, if it is closed).
- "Ved behov": no fixed dates. For "N ganger i året og ved behov" only the N fixed meetings are planned.
- An arena's start and end dates clip the result; the spread itself is not recomputed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

import holidays
from dateutil.easter import easter

from data_access.domain.errors import ValidationError

Kind = Literal["weekly", "biweekly", "monthly", "per_year", "as_needed"]
KINDS = ("weekly", "biweekly", "monthly", "per_year", "as_needed")
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag")
MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember")
DEFAULT_WEEKDAY = 1  # Tuesday: clear of Monday holidays (2. påskedag, 2. pinsedag) and of Thursday ones
TERMS = (((1, 15), (6, 15)), ((8, 20), (12, 15)))  # spring and autumn term (month, day)
FERIE_WEEKS = range(28, 31)  # ISO weeks 28–30 are always entirely in July
SCHOOL_BREAK_WEEKS = frozenset({8, 9, 40, 41})  # vinterferie and høstferie, whichever week the kommune uses
HINT = "Skriv f.eks. «Ukentlig», «Hver 14. dag», «Månedlig», «5 ganger i året», «Årlig» eller «Ved behov»."


class FrequencyError(ValidationError):
    """A frequency that cannot be understood or is inconsistent; the message is Norwegian."""


def _check_int(value: object, what: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise FrequencyError(f"{what} må være et heltall.")


@dataclass(frozen=True)
class Frequency:
    """A structured frequency; ``to_dict()`` is what the database stores."""

    kind: Kind
    times: int | None = None
    min_times: int | None = None
    as_needed: bool = False
    weekday: int | None = None
    week: int | None = None
    month: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise FrequencyError(f"Ukjent hyppighet «{self.kind}». {HINT}")
        for value, what in ((self.times, "Antall møter i året"), (self.min_times, "Minste antall møter"),
                            (self.weekday, "Ukedag"), (self.week, "Uke"), (self.month, "Måned")):
            _check_int(value, what)
        if self.kind == "as_needed" and not self.as_needed:
            object.__setattr__(self, "as_needed", True)  # "Ved behov" is as needed by definition
        if self.kind == "per_year":
            if self.times is None or not 1 <= self.times <= 52:
                raise FrequencyError("Antall møter i året må være mellom 1 og 52.")
            if self.min_times is not None and not 1 <= self.min_times <= self.times:
                raise FrequencyError(f"Minste antall møter må være mellom 1 og {self.times}.")
        elif self.times is not None or self.min_times is not None:
            raise FrequencyError("Antall møter i året kan bare oppgis for «N ganger i året».")
        if self.weekday is not None and not 0 <= self.weekday <= 4:
            raise FrequencyError("Foretrukket ukedag må være mandag–fredag.")
        if self.week is not None or self.month is not None:
            if self.kind != "per_year" or self.times != 1:
                raise FrequencyError("Foretrukket uke eller måned kan bare oppgis for årlige møter.")
            if self.week is not None and self.month is not None:
                raise FrequencyError("Oppgi enten foretrukket uke eller foretrukket måned, ikke begge.")
        if self.week is not None and not 1 <= self.week <= 53:
            raise FrequencyError("Foretrukket uke må være mellom 1 og 53.")
        if self.week in FERIE_WEEKS:
            raise FrequencyError(f"Uke {self.week} er fellesferie; Laget legger ingen faste møter da. "
                                 "Velg en annen uke.")
        if self.month is not None and not 1 <= self.month <= 12:
            raise FrequencyError("Foretrukket måned må være mellom 1 og 12.")
        if self.month == 7:
            raise FrequencyError("Juli er fellesferie; Laget legger ingen faste møter i juli. Velg en annen måned.")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Frequency:
        """Read the stored JSON dict back; unknown keys are ignored, missing ones default."""
        if not isinstance(data, dict) or "kind" not in data:
            raise FrequencyError("Lagret hyppighet mangler «kind».")
        keys = ("kind", "times", "min_times", "weekday", "week", "month")
        return cls(**{k: data.get(k) for k in keys}, as_needed=bool(data.get("as_needed")))

    @property
    def is_rule(self) -> bool:
        """Weekly, every 14 days and monthly repeat by a rule (RRULE in iCalendar)."""
        return self.kind in {"weekly", "biweekly", "monthly"}

    def label(self) -> str:
        """The Norwegian text shown in the app; ``parse_frequency(f.label()) == f``."""
        if self.kind == "as_needed":
            text = "Ved behov"
        elif self.kind != "per_year":
            text = {"weekly": "Ukentlig", "biweekly": "Hver 14. dag", "monthly": "Månedlig"}[self.kind]
        elif self.min_times == self.times:
            text = f"Minimum {self.times} {'gang' if self.times == 1 else 'ganger'} i året"
        elif self.min_times:
            text = f"{self.min_times}–{self.times} ganger i året"
        else:
            text = "Årlig" if self.times == 1 else f"{self.times} ganger i året"
        if self.as_needed and self.kind != "as_needed":
            text += " og ved behov"
        prefs = [WEEKDAYS[self.weekday]] if self.weekday is not None else []
        prefs += [MONTHS[self.month - 1]] if self.month is not None else []
        prefs += [f"uke {self.week}"] if self.week is not None else []
        return text + (f" (helst {', '.join(prefs)})" if prefs else "")


# --- parsing ------------------------------------------------------------------------------------------------

NUMBER_WORDS = {"en": 1, "én": 1, "ett": 1, "ei": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6,
                "sju": 7, "syv": 7, "åtte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12}
_NUMBER_WORD = re.compile(rf"\b({'|'.join(NUMBER_WORDS)})\b(?=\s*(?:-|til\b|ganger\b|gang\b|møter?\b|ggr?\b))")
_COUNT = r"(?:ganger|gang|ggr|gg|g|møter|møte)"
_YEAR = r"(?:i året|i år|per år|om året|hvert år|årlig|i løpet av året)"
_TERM = r"(?:i semesteret|per semester|hvert semester|i halvåret|per halvår|hvert halvår)"
_WEEKDAY = re.compile(rf"\b(?:på |helst |fortrinnsvis |om )*({'|'.join(WEEKDAYS)})(?:er|en)?\b")
_MONTH = re.compile(rf"\b(?:i |helst |fortrinnsvis )*({'|'.join(MONTHS)})\b")
_WEEK = re.compile(r"\b(?:i |helst |fortrinnsvis )*uke (\d{1,2})\b")
_AS_NEEDED = re.compile(r"[,;]?\s*(?:(?:og|samt|eller|\+|&)\s+)?(?:ellers\s+|ev(?:en)?t(?:uelt)?\.?\s+|også\s+)?"
                        r"ved behov\b")
_PREF_WORDS = {"weekday": "ukedager", "month": "måneder", "week": "uker"}
_FIXED = [  # (pattern on the remaining text, kind, times)
    (r"ukentlig|hver uke|1 gang (?:i|per) uk(?:a|en|e)", "weekly", None),
    (r"hver 14\.? ?dag|hver fjortende dag|hver 2\.? uke|hver annen uke|hver andre uke|annenhver uke"
     r"|2 ganger (?:i|per) måned(?:en)?", "biweekly", None),
    (r"månedlig|hver måned|1 gang (?:i|per) (?:måned(?:en)?|mnd)", "monthly", None),
    (r"annenhver måned|hver annen måned|hver 2\.? måned", "per_year", 6),
    (r"kvartalsvis|hvert kvartal|1 gang (?:i|per) kvartal(?:et)?", "per_year", 4),
    (r"halvårlig|hvert halvår", "per_year", 2),
    (rf"årlig|hvert år|1 {_COUNT} {_YEAR}", "per_year", 1),
]


def _normalise(text: str) -> str:
    s = text.lower().replace("–", "-").replace("—", "-").replace("\u00a0", " ")
    s = re.sub(r"\bpr\.?(?=\s|$)", "per", s)
    s = re.sub(r"\bmnd\.", "mnd", s)
    s = re.sub(r"[()]", " ", s)
    s = re.sub(r"\s+", " ", s).strip().rstrip(".,;:!? ").strip()
    return _NUMBER_WORD.sub(lambda m: str(NUMBER_WORDS[m.group(1)]), s)


def parse_frequency(text: str) -> Frequency:
    """Read the plan's own wording ("Hver 14. dag", "1-2 ganger pr. år", ...) into a Frequency."""
    original = (text or "").strip()
    s = _normalise(original)
    if not s:
        raise FrequencyError(f"Hyppigheten mangler. {HINT}")
    if re.search(r"\b(?:lørdag|søndag|helg)", s):
        raise FrequencyError(f"Hyppigheten «{original}»: møter legges ikke i helgene. Velg mandag–fredag.")
    days = "|".join(WEEKDAYS)
    s = re.sub(rf"\b(?:annenhver|hver annen|hver andre) ((?:{days})(?:er|en)?)\b", r"annenhver uke \1", s)
    s = re.sub(rf"\bhver ((?:{days})(?:er|en)?)\b", r"hver uke \1", s)
    prefs: dict[str, int | None] = {}
    for key, pattern, value in (("weekday", _WEEKDAY, WEEKDAYS.index),
                                ("month", _MONTH, lambda g: MONTHS.index(g) + 1),
                                ("week", _WEEK, int)):
        found = pattern.findall(s)
        if len(set(found)) > 1:
            raise FrequencyError(f"Hyppigheten «{original}» har flere foretrukne {_PREF_WORDS[key]}; velg én.")
        prefs[key] = value(found[0]) if found else None
        s = pattern.sub(" ", s)
    as_needed = bool(_AS_NEEDED.search(s))
    s = re.sub(r"\s+", " ", _AS_NEEDED.sub(" ", s)).strip(" ,;-")
    s = re.sub(r"^(?:fast|faste|fastsatt|fastsatte)\s+", "", s)

    def make(kind: str, times: int | None = None, min_times: int | None = None) -> Frequency:
        try:
            return Frequency(kind, times, min_times, as_needed, **prefs)  # type: ignore[arg-type]
        except FrequencyError as exc:
            raise FrequencyError(f"Hyppigheten «{original}»: {exc}") from exc

    if not s:
        if as_needed:
            return make("as_needed")
        if prefs["month"] or prefs["week"]:
            return make("per_year", 1)
    for pattern, kind, times in _FIXED:
        if re.fullmatch(pattern, s):
            return make(kind, times)
    if m := re.fullmatch(rf"(?:minimum|minst|min\.?) (\d+) {_COUNT} (?:({_YEAR})|{_TERM})", s):
        n = int(m.group(1)) * (1 if m.group(2) else 2)
        return make("per_year", n, n)
    if m := re.fullmatch(rf"(\d+) ?(?:-|til) ?(\d+) {_COUNT} (?:({_YEAR})|{_TERM})", s):
        factor = 1 if m.group(3) else 2
        low, high = int(m.group(1)) * factor, int(m.group(2)) * factor
        if low > high:
            raise FrequencyError(f"Hyppigheten «{original}» har minste antall større enn største. {HINT}")
        return make("per_year", high, low if low < high else None)
    if m := re.fullmatch(rf"(\d+) {_COUNT} (?:({_YEAR})|{_TERM})", s):
        return make("per_year", int(m.group(1)) * (1 if m.group(2) else 2))
    raise FrequencyError(f"Forstår ikke hyppigheten «{original}». {HINT}")


# --- calendar of one year -----------------------------------------------------------------------------------

@lru_cache(maxsize=64)
def norwegian_holidays(year: int) -> dict[date, str]:
    """Public holidays (helligdager) by Norwegian name, without ordinary Sundays. Shared: do not mutate."""
    return dict(holidays.Norway(years=year, include_sundays=False, language="no"))


def is_working_day(d: date) -> bool:
    """Monday–Friday and not a public holiday (July and Christmas week are working days, just not planned)."""
    return d.weekday() < 5 and d not in norwegian_holidays(d.year)


def is_ferie(d: date) -> bool:
    """July or 22 December – 2 January: no fixed meetings are planned then."""
    return d.month == 7 or (d.month == 12 and d.day >= 22) or (d.month == 1 and d.day <= 2)


@dataclass
class _Year:
    """Everything expansion needs about one year, computed once (the speed of ``expand_many``)."""

    open_days: frozenset[date]  # working days outside the ferie periods
    school_days: frozenset[date]  # open days outside the school holidays
    term_days: tuple[tuple[tuple[date, ...], ...], ...]  # [term][weekday] -> school days, sorted
    term_all: tuple[tuple[date, ...], ...]  # [term] -> every school day, sorted
    expanded: dict[Frequency, tuple[date, ...]] = field(default_factory=dict)


@lru_cache(maxsize=16)
def _year_table(year: int) -> _Year:
    closed = set(norwegian_holidays(year))
    easter_monday = easter(year) + timedelta(days=1)
    open_days, school = set(), set()
    d = date(year, 1, 1)
    while d.year == year:
        if d.weekday() < 5 and d not in closed and not is_ferie(d):
            open_days.add(d)
            in_easter = easter_monday - timedelta(days=7) <= d <= easter_monday
            if d.isocalendar().week not in SCHOOL_BREAK_WEEKS and not in_easter:
                school.add(d)
        d += timedelta(days=1)
    term_all, term_days = [], []
    for (m1, d1), (m2, d2) in TERMS:
        days = tuple(sorted(x for x in school if date(year, m1, d1) <= x <= date(year, m2, d2)))
        term_all.append(days)
        term_days.append(tuple(tuple(x for x in days if x.weekday() == wd) for wd in range(5)))
    return _Year(frozenset(open_days), frozenset(school), tuple(term_days), tuple(term_all))


_blocked = _year_table  # old name; benchmarks/bench_calendar.py clears it with _blocked.cache_clear()


def rule_dates(freq: Frequency, year: int) -> list[date]:
    """The dates a weekly/biweekly/monthly rule gives in ``year`` before ferie and holidays are applied.

    This is exactly what the iCalendar RRULE written by ``ics.py`` expands to, so EXDATEs can be computed.
    """
    weekday = DEFAULT_WEEKDAY if freq.weekday is None else freq.weekday
    first = _first_weekday(date(year, 1, 1), weekday)
    if freq.kind == "weekly":
        return [d for d in (first + timedelta(weeks=i) for i in range(54)) if d.year == year]
    if freq.kind == "biweekly":
        days = (first + timedelta(weeks=i) for i in range(54))
        return [d for d in days if d.year == year and d.isocalendar().week % 2 == 0]
    if freq.kind == "monthly":
        return [_first_weekday(date(year, m, 1), weekday) + timedelta(weeks=1) for m in range(1, 13)]
    return []


def _first_weekday(d: date, weekday: int) -> date:
    return d + timedelta(days=(weekday - d.weekday()) % 7)


def _within_week(d: date, open_days: frozenset[date]) -> date | None:
    """``d`` if open, else the next open day of its ISO week, else the previous one, else None."""
    if d in open_days:
        return d
    wd = d.weekday()
    later = [d + timedelta(days=i) for i in range(1, 5 - wd)]
    for candidate in later + [d - timedelta(days=i) for i in range(1, wd + 1)]:
        if candidate in open_days:
            return candidate
    return None


def _spread(days: Sequence[date], count: int) -> list[date]:
    """``count`` evenly spaced picks from ``days``: the middle of each of ``count`` equal slices."""
    n = len(days)
    return [days[int((i + 0.5) * n / count)] for i in range(min(count, n))]


def _per_year(freq: Frequency, year: int, table: _Year) -> list[date]:
    weekday = DEFAULT_WEEKDAY if freq.weekday is None else freq.weekday
    n = freq.times or 1
    if n == 1 and freq.week is not None:
        week = min(freq.week, date(year, 12, 28).isocalendar().week)
        target = date.fromisocalendar(year, week, weekday + 1)
        found = _within_week(target, table.open_days)
        if found is None:  # closed week: the next open working day, else the last one before it
            later = [d for d in table.open_days if d > target]
            found = min(later) if later else max(d for d in table.open_days if d < target)
        return [found]
    if n == 1 and freq.month is not None:
        in_month = sorted(d for d in table.school_days if d.month == freq.month)
        preferred = [d for d in in_month if d.weekday() == weekday]
        if not in_month:  # the whole month is school holiday: any open day
            in_month = sorted(d for d in table.open_days if d.month == freq.month)
        return _spread(preferred or in_month, 1)
    out: list[date] = []
    for term, count in enumerate(((n + 1) // 2, n // 2)):
        if count:
            preferred = table.term_days[term][weekday]
            out += _spread(preferred if len(preferred) >= count else table.term_all[term], count)
    return out


def _expand_year(freq: Frequency, year: int) -> tuple[date, ...]:
    table = _year_table(year)
    cached = table.expanded.get(freq)
    if cached is not None:
        return cached
    if freq.kind == "per_year":
        dates = set(_per_year(freq, year, table))
    elif freq.is_rule:
        moved = (_within_week(d, table.open_days) for d in rule_dates(freq, year) if not is_ferie(d))
        dates = {d for d in moved if d is not None}
    else:
        dates = set()
    result = tuple(sorted(dates))
    table.expanded[freq] = result
    return result


def expand(freq: Frequency, year: int, *, start: date | None = None, end: date | None = None) -> list[date]:
    """The planned dates of ``freq`` in ``year`` (see the module docstring), clipped to ``start``–``end``."""
    if start is not None and end is not None and end < start:
        raise FrequencyError(f"Sluttdato {end:%d.%m.%Y} er før startdato {start:%d.%m.%Y}.")
    dates = _expand_year(freq, year)
    if start is None and end is None:
        return list(dates)
    return [d for d in dates if (start is None or d >= start) and (end is None or d <= end)]


def expand_many(freqs: Sequence[Frequency], year: int) -> list[list[date]]:
    """Expand many arenas for one year; the year's calendar and equal frequencies are computed once."""
    return [list(_expand_year(f, year)) for f in freqs]
