"""Queries for the year planner: the plan's skoleruta and the year's draft dates.

This part holds the queries; the module docstring of ``data_access/writes/planner.py`` tells the rest.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import select

from data_access.db.engine import Source, reading
from data_access.db.models import Arena, Meeting, SchoolBreak
from data_access.domain.frames import to_frame

BREAK_SCHEMA = {"id": pl.Int64, "name": pl.String, "start_date": pl.Date, "end_date": pl.Date,
                "is_example": pl.Boolean}
DRAFT_SCHEMA = {"meeting_id": pl.Int64, "arena_id": pl.Int64, "arena": pl.String, "planned_date": pl.Date,
                "date": pl.Date, "locked": pl.Boolean, "version": pl.Int64}


def school_breaks_frame(source: Source, plan_id: int) -> pl.DataFrame:
    with reading(source) as s:
        rows = s.execute(select(SchoolBreak.id, SchoolBreak.name, SchoolBreak.start_date, SchoolBreak.end_date,
                                SchoolBreak.is_example).where(SchoolBreak.plan_id == plan_id)
                         .order_by(SchoolBreak.start_date, SchoolBreak.id)).all()
    return to_frame(rows, BREAK_SCHEMA)


def draft_frame(source: Source, plan_id: int, year: int) -> pl.DataFrame:
    """The year's proposed (not yet published) dates, by date."""
    with reading(source) as s:
        rows = s.execute(select(Meeting.id, Meeting.arena_id, Arena.name, Meeting.planned_date, Meeting.date,
                                Meeting.locked, Meeting.version).join(Arena, Arena.id == Meeting.arena_id)
                         .where(Arena.plan_id == plan_id, Meeting.plan_state == "utkast",
                                Meeting.planned_date >= date(year, 1, 1), Meeting.planned_date <= date(year, 12, 31))
                         .order_by(Meeting.date, Arena.name)).all()
    return to_frame(rows, DRAFT_SCHEMA)
