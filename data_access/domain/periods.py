"""Periods of indicator values in every form the sources use, sorted correctly together.

Calendar year "2021", school year "2019/20" (also "2019-2020", "2019–2020", Skoleporten "2015-2016"),
multi-year span "2016–2022" (also FHI "2020_2022"). Periods sort by their end year, then start year, so a
school year 2019/20 sorts with 2020 and a three-year average 2020–2022 sorts at 2022, after 2021/22.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from data_access.domain.errors import ValidationError


class PeriodError(ValidationError):
    """A period we cannot read; the message is Norwegian."""


@dataclass(frozen=True, order=True)
class Period:
    end_year: int
    start_year: int
    kind: str = field(compare=False)  # year | school_year | span

    @property
    def label(self) -> str:
        if self.kind == "year":
            return str(self.start_year)
        if self.kind == "school_year":
            return f"{self.start_year}/{str(self.end_year)[-2:]}"
        return f"{self.start_year}–{self.end_year}"


YEAR = re.compile(r"^(\d{4})$")
SCHOOL_SHORT = re.compile(r"^(\d{4})\s*/\s*(\d{2})$")
RANGE = re.compile(r"^(\d{4})\s*(?:/|-|–|—|_)\s*(\d{4})$")


def parse_period(text: str) -> Period:
    value = str(text).strip().strip('"')
    if m := YEAR.match(value):
        year = int(m.group(1))
        return Period(year, year, "year")
    if m := SCHOOL_SHORT.match(value):
        start = int(m.group(1))
        end = start // 100 * 100 + int(m.group(2))
        if end != start + 1:
            raise PeriodError(f"Skoleåret «{value}» må være to år etter hverandre, f.eks. 2019/20.")
        return Period(end, start, "school_year")
    if m := RANGE.match(value):
        start, end = int(m.group(1)), int(m.group(2))
        if end <= start:
            raise PeriodError(f"Perioden «{value}» slutter før den starter.")
        kind = "school_year" if end == start + 1 and "_" not in value else "span"
        return Period(end, start, kind)
    raise PeriodError(f"Forstår ikke perioden «{value}». Bruk f.eks. 2021, 2019/20 eller 2016–2022.")


def sort_key(label: str) -> tuple[int, int, str]:
    """Key for sorting period labels of mixed forms; unreadable labels go last."""
    try:
        p = parse_period(label)
        return (p.end_year, p.start_year, label)
    except PeriodError:
        return (9999, 9999, label)
