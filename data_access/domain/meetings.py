"""Meetings of the arenas: planned dates from the frequency, merged with what the SLT coordinator changed.

This part holds the rules (pure); the module docstring of ``data_access/writes/meetings.py`` tells the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from data_access.domain.arenas import arena_frequency
from data_access.domain.frames import to_frame
from data_access.domain.frequency import expand

STATES = {"planlagt": "Planlagt", "avholdt": "Avholdt", "avlyst": "Avlyst"}
MEETING_SCHEMA = {"meeting_id": pl.Int64, "arena_id": pl.Int64, "planned_date": pl.Date, "date": pl.Date,
                  "state": pl.String, "note": pl.String, "version": pl.Int64}


def merge_meetings(arenas: pl.DataFrame, stored: pl.DataFrame, year: int) -> pl.DataFrame:
    """All meetings of the year: planned dates from each frequency, overridden by stored rows (pure).

    An arena with a published year plan (``planned_years``) takes that year's dates from the stored rows only.
    """
    rows: list[tuple] = []
    planned_years = arenas["planned_years"] if "planned_years" in arenas.columns else pl.Series([None] * arenas.height)
    for (arena_id, raw, start, end), years in zip(
            arenas.select("id", "frequency", "start_date", "end_date").iter_rows(), planned_years, strict=True):
        freq = arena_frequency(raw)
        if freq is None or (years is not None and year in years.to_list()):
            continue
        rows += [(None, arena_id, d, d, "planlagt", "", 0) for d in expand(freq, year, start=start, end=end)]
    planned = to_frame(rows, MEETING_SCHEMA)
    stored = stored.filter(pl.col("arena_id").is_in(arenas["id"].implode()))
    merged = pl.concat([stored, planned.join(stored, on=["arena_id", "planned_date"], how="anti")])
    info = arenas.select(pl.col("id").alias("arena_id"), pl.col("name").alias("arena"), "level", "leader",
                         "participants")
    return merged.join(info, on="arena_id").sort("date", "arena")


def _person(col: pl.Expr) -> pl.Expr:
    """A role as a comparable key: «Ordfører (SLT-koordinator kaller inn)» → «ordfører»."""
    return col.str.replace_all(r"\([^)]*\)", "").str.strip_chars().str.to_lowercase()


def find_conflicts(meetings: pl.DataFrame, leaders: list[str] | None = None) -> pl.DataFrame:
    """Pairs of active meetings on the same day that need the same person (pure).

    A person is an arena's leader. Two meetings collide when one leader is needed in both: the same leader, or
    the leader of one listed among the participants of the other, or a leader role (e.g. SLT-koordinator) among
    the participants of both. A shared participating *service* (Skole, Barnehage) is not a collision: a
    service sends different people. ``leaders``: every arena's leader (also of arenas without meetings this
    year); defaults to the leaders in ``meetings``. Vectorised as a self-join on (date, person). ``shared``
    names the people as the leaders are written (without a parenthesis), not as the comparison keys.
    """
    people = pl.DataFrame({"who": meetings["leader"] if leaders is None else leaders}, schema={"who": pl.String})
    names = (people.select(_person(pl.col("who")).alias("key"), _shown(pl.col("who")).alias("name"))
             .filter(pl.col("key") != "").unique("key", keep="first", maintain_order=True))
    leaders = names.select(pl.col("key").alias("who"))
    active = meetings.filter(pl.col("state") != "avlyst")
    led = active.select("date", "arena_id", "arena", _person(pl.col("leader")).alias("who"))
    joining = (active.select("date", "arena_id", "arena", pl.col("participants").fill_null([]).alias("who"))
               .explode("who").with_columns(_person(pl.col("who")))
               .join(leaders, on="who", how="semi"))
    keys = pl.concat([led, joining]).filter(pl.col("who").is_not_null() & (pl.col("who") != "")).unique()
    keys = keys.join(names, left_on="who", right_on="key", how="left").with_columns(
        pl.col("name").fill_null(pl.col("who")))
    pairs = (keys.join(keys.drop("name"), on=["date", "who"], suffix="_b")
             .filter(pl.col("arena_id") < pl.col("arena_id_b"))
             .group_by("date", "arena_id", "arena", "arena_id_b", "arena_b")
             .agg(pl.col("name").unique().sort().str.join(", ").alias("shared")))
    return (pairs.select("date", pl.col("arena").alias("arena_a"), pl.col("arena_b"), "shared",
                         pl.col("arena_id").alias("arena_id_a"), "arena_id_b")
            .sort("date", "arena_a", "arena_b"))


def _shown(col: pl.Expr) -> pl.Expr:
    """A role as written, without the parenthesis: «Ordfører (SLT-koordinator kaller inn)» → «Ordfører»."""
    return col.str.replace_all(r"\([^)]*\)", "").str.strip_chars()


def default_year(today: date) -> int:
    """The calendar year to open: from 1 November the coordinator is planning next year."""
    return today.year + 1 if today.month >= 11 else today.year


def next_meeting_index(dates: list[date], today: date) -> int:
    """Index of the first meeting on or after today in a sorted list; the last one if all are past."""
    return next((i for i, d in enumerate(dates) if d >= today), max(len(dates) - 1, 0))


def progress(meetings: pl.DataFrame, today: date) -> pl.DataFrame:
    """Per arena: meetings planned up to today, held, cancelled, and planned for the rest of the year."""
    past = pl.col("date") <= today
    return (meetings.group_by("arena_id", "arena", "level")
            .agg((past & (pl.col("state") != "avlyst")).sum().alias("planned_so_far"),
                 (pl.col("state") == "avholdt").sum().alias("held"),
                 (pl.col("state") == "avlyst").sum().alias("cancelled"),
                 (~past & (pl.col("state") == "planlagt")).sum().alias("remaining"))
            .sort("level", "arena"))


@dataclass(frozen=True)
class MeetingUpdate:
    arena_id: int
    planned_date: date
    version: int  # 0 when the meeting was never stored
    date: date | None = None
    state: str | None = None
    note: str | None = None
