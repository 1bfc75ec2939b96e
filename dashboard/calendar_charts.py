"""Year wheel (årshjul) and month view of the meetings: altair, built without Streamlit.

Level is shown by colour **and** by shape, ring and text label, never by colour alone.
"""

from __future__ import annotations

import calendar
import math
from datetime import date

import altair as alt
import polars as pl

from data_access.domain import formatting as fmt
from data_access.domain.frequency import norwegian_holidays
from data_access.domain.vocabulary import ARENA_LEVELS
from data_access.formats.chart_specs import norsk

LEVEL_COLORS = {"Kommunenivå": "#1565c0", "Tjenestenivå": "#ef6c00", "Individnivå": "#6a1b9a"}
LEVEL_SHAPES = {"Kommunenivå": "circle", "Tjenestenivå": "square", "Individnivå": "triangle-up"}
RING = {"kommune": 3.0, "tjeneste": 2.25, "individ": 1.5}
MONTHS = ["jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des"]
WEEKDAYS = ["Man", "Tir", "Ons", "Tor", "Fre", "Lør", "Søn"]


def _level_scale(field: str) -> alt.Color:
    return alt.Color(f"{field}:N", title="Nivå", scale=alt.Scale(domain=list(LEVEL_COLORS),
                                                                 range=list(LEVEL_COLORS.values())))


def _polar(day_of_year: float, days: int, radius: float) -> tuple[float, float]:
    angle = 2 * math.pi * day_of_year / days
    return radius * math.sin(angle), radius * math.cos(angle)


def wheel_data(meetings: pl.DataFrame, year: int) -> pl.DataFrame:
    """One mark per day and level (not per meeting), so a thousand arenas still draw quickly."""
    days = 366 if calendar.isleap(year) else 365
    grouped = (meetings.group_by("date", "level").agg(pl.len().alias("n"), pl.col("arena").sort().alias("names"))
               .sort("date", "level"))
    rows = []
    for d, level, n, names in grouped.iter_rows():
        x, y = _polar(d.timetuple().tm_yday - 0.5, days, RING.get(level, 1.0))
        shown = ", ".join(names[:3]) + (f" og {n - 3} til" if n > 3 else "")
        rows.append({"x": x, "y": y, "Nivå": ARENA_LEVELS.get(level, level), "Møter": n, "Møtearena": shown,
                     "Dato": fmt.day(d)})
    return pl.DataFrame(rows, schema={"x": pl.Float64, "y": pl.Float64, "Nivå": pl.String, "Møter": pl.Int64,
                                      "Møtearena": pl.String, "Dato": pl.String})


def year_wheel(meetings: pl.DataFrame, year: int) -> alt.LayerChart:
    """Months around the clock, one ring per level (kommune outermost), a mark per meeting."""
    days = 366 if calendar.isleap(year) else 365
    spokes, labels, rings = [], [], []
    for month in range(12):
        start = date(year, month + 1, 1).timetuple().tm_yday - 1
        mid = start + calendar.monthrange(year, month + 1)[1] / 2
        for r in (0.9, 3.5):
            x, y = _polar(start, days, r)
            spokes.append({"x": x, "y": y, "spoke": month})
        x, y = _polar(mid, days, 3.85)
        labels.append({"x": x, "y": y, "text": MONTHS[month]})
    for level, r in RING.items():
        for i in range(121):
            x, y = _polar(i * days / 120, days, r)
            rings.append({"x": x, "y": y, "ring": level, "i": i})
        lx, ly = _polar(0, days, r)
        labels.append({"x": lx + 0.08, "y": ly + 0.13, "text": ARENA_LEVELS[level].replace("nivå", "")})
    scale = alt.Scale(domain=[-4.2, 4.2])
    xy = {"x": alt.X("x:Q", axis=None, scale=scale), "y": alt.Y("y:Q", axis=None, scale=scale)}
    ring_layer = alt.Chart(pl.DataFrame(rings)).mark_line(color="#cfd8dc").encode(**xy, detail="ring:N", order="i:Q")
    spoke_layer = alt.Chart(pl.DataFrame(spokes)).mark_line(color="#eceff1").encode(**xy, detail="spoke:N")
    text_layer = alt.Chart(pl.DataFrame(labels)).mark_text(fontSize=12, color="#455a64").encode(**xy, text="text:N")
    points = alt.Chart(wheel_data(meetings, year)).mark_point(filled=True, opacity=0.85).encode(
        **xy, color=_level_scale("Nivå"), size=alt.Size("Møter:Q", legend=None, scale=alt.Scale(range=[60, 260])),
        shape=alt.Shape("Nivå:N", scale=alt.Scale(domain=list(LEVEL_SHAPES), range=list(LEVEL_SHAPES.values()))),
        tooltip=["Dato:N", "Nivå:N", "Møter:Q", "Møtearena:N"])
    return norsk((spoke_layer + ring_layer + text_layer + points).properties(width=560, height=560))


WRAP = 17  # characters per line in a day cell (with «K: » at most ~135 px at 10 px type)


def wrap_name(text: str, width: int = WRAP) -> list[str]:
    """The whole name over as many lines as it needs, broken between words (a long word is split)."""
    lines: list[str] = []
    for word in text.split():
        while len(word) > width + 2:  # only a very long word is split
            lines.append(word[:width - 1] + "-")
            word = word[width - 1:]
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def month_data(meetings: pl.DataFrame, year: int, month: int, per_day: int = 4) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Cells (one per day) and text lines (day number, then up to ``per_day`` meetings, each with its whole name
    wrapped over several lines) for the month grid. A week is as tall as its fullest day; y counts lines."""
    holidays = norwegian_holidays(year)
    first_weekday, ndays = calendar.monthrange(year, month)
    in_month = meetings.filter((pl.col("date").dt.month() == month) & (pl.col("date").dt.year() == year))
    days: list[tuple[date, int, int, list[dict]]] = []
    for day in range(1, ndays + 1):
        d = date(year, month, day)
        todays = in_month.filter(pl.col("date") == d).sort("level", "arena")
        text: list[dict] = [{"text": str(day), "Nivå": "", "bold": True, "Møtearena": "", "Dato": fmt.day(d)}]
        for i, m in enumerate(todays.iter_rows(named=True)):
            if i == per_day - 1 and todays.height > per_day:
                text.append({"text": f"+{todays.height - i} til (se «Liste»)", "Nivå": "", "bold": False,
                             "Møtearena": ", ".join(todays["arena"][i:].to_list()), "Dato": fmt.day(d)})
                break
            prefix = "✕ " if m["state"] == "avlyst" else ("✓ " if m["state"] == "avholdt" else "")
            level = ARENA_LEVELS[m["level"]]
            for j, part in enumerate(wrap_name(m["arena"])):
                text.append({"text": f"{prefix}{level[0]}: {part}" if j == 0 else f"  {part}", "Nivå": level,
                             "bold": False,
                             "Møtearena": m["arena"], "Dato": fmt.day(d)})
        days.append((d, d.weekday(), (day + first_weekday - 1) // 7, text))
    heights: dict[int, int] = {}
    for _, _, week, text in days:
        heights[week] = max(heights.get(week, per_day + 1), len(text) + 1)
    tops = {w: sum(heights[v] for v in range(w)) for w in heights}
    cells, lines = [], []
    for d, col, week, text in days:
        free = d.weekday() >= 5 or d in holidays
        cells.append({"x": col, "x2": col + 1, "y": tops[week], "y2": tops[week] + heights[week],
                      "fill": "#f5f5f5" if free else "white", "tip": holidays.get(d, "")})
        for i, line in enumerate(text):
            lines.append({"x": col + 0.05, "y": tops[week] + i + 0.6 + (0.4 if i else 0), **line})
    return pl.DataFrame(cells), pl.DataFrame(lines)


def month_grid(meetings: pl.DataFrame, year: int, month: int) -> alt.LayerChart:
    cells, lines = month_data(meetings, year, month)
    total = int(cells["y2"].max())
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[total, 0]))
    x = alt.X("x:Q", scale=alt.Scale(domain=[0, 7]),
              axis=alt.Axis(values=[i + 0.5 for i in range(7)], labelExpr=f"{WEEKDAYS}[floor(datum.value)]",
                            title=None, orient="top", grid=False, ticks=False, domain=False))
    rects = alt.Chart(cells).mark_rect(stroke="#cfd8dc").encode(
        x=x, x2="x2:Q", y=y, y2="y2:Q", color=alt.Color("fill:N", scale=None),
        tooltip=alt.Tooltip("tip:N", title="Helligdag"))
    day_numbers = alt.Chart(lines.filter(pl.col("bold"))).mark_text(align="left", fontWeight="bold").encode(
        x=x, y=y, text="text:N")
    meeting_lines = alt.Chart(lines.filter(~pl.col("bold"))).mark_text(align="left", fontSize=10).encode(
        x=x, y=y, text="text:N", tooltip=[alt.Tooltip("Dato:N"), alt.Tooltip("Møtearena:N")],
        color=alt.Color("Nivå:N", title="Nivå", legend=alt.Legend(values=list(LEVEL_COLORS)),
                        scale=alt.Scale(domain=[*LEVEL_COLORS, ""], range=[*LEVEL_COLORS.values(), "#555555"])))
    # svg: the names are real text in the page (screen readers, search, the browser tests), not canvas pixels
    return norsk((rects + day_numbers + meeting_lines).properties(
        height=total * 15, usermeta={"embedOptions": {"renderer": "svg"}}))
