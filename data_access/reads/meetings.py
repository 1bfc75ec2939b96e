"""Meetings of the arenas: planned dates from the frequency, merged with what the SLT coordinator changed.

This part holds the queries; the module docstring of ``data_access/writes/meetings.py`` tells the rest.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import select

from data_access.db.engine import Source, reading
from data_access.db.models import Arena, Meeting
from data_access.domain.frames import to_frame
from data_access.domain.meetings import MEETING_SCHEMA, merge_meetings


def stored_meetings(source: Source, plan_id: int, year: int) -> pl.DataFrame:
    """The year's stored meetings, without the planner's drafts (they are not in the calendar until accepted)."""
    with reading(source) as s:
        rows = s.execute(select(Meeting.id, Meeting.arena_id, Meeting.planned_date, Meeting.date, Meeting.state,
                                Meeting.note, Meeting.version)
                         .join(Arena, Arena.id == Meeting.arena_id)
                         .where(Arena.plan_id == plan_id, Meeting.plan_state != "utkast",
                                Meeting.planned_date >= date(year, 1, 1),
                                Meeting.planned_date <= date(year, 12, 31))).all()
    return to_frame(rows, MEETING_SCHEMA)


def next_meetings(arenas: pl.DataFrame, stored: pl.DataFrame, today: date, *, per_arena: int = 2,
                  limit: int = 10) -> pl.DataFrame:
    """The coming meetings as they really are (pure): moved ones on their new date, cancelled ones left out,
    extra ones included; at most ``per_arena`` per arena and ``limit`` in all, soonest first.

    ``stored`` holds the stored meetings of this year and the next (``stored_meetings`` for both years)."""
    merged = pl.concat([merge_meetings(arenas, stored.filter(pl.col("planned_date").dt.year() == year), year)
                        for year in (today.year, today.year + 1)])
    return (merged.filter((pl.col("state") != "avlyst") & (pl.col("date") >= today))
            .sort("date", "arena")
            .filter(pl.int_range(pl.len()).over("arena_id") < per_arena)
            .head(limit))


def upcoming_meetings(source: Source, plan_id: int, today: date, *, per_arena: int = 2,
                      limit: int = 10) -> pl.DataFrame:
    """``next_meetings`` read from the database (Oversikt's «Neste møter»)."""
    from data_access.reads.arenas import arenas_frame

    stored = pl.concat([stored_meetings(source, plan_id, year) for year in (today.year, today.year + 1)])
    return next_meetings(arenas_frame(source, plan_id), stored, today, per_arena=per_arena, limit=limit)
