"""The implementation group's own year: its arena in the calendar and the meetings planned there.

This part holds the queries; the module docstring of ``data_access/writes/group_year.py`` tells the rest.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import select

from data_access.db.engine import Source, reading
from data_access.db.models import Arena
from data_access.domain.group_year import NAME_HINT
from data_access.domain.meetings import merge_meetings
from data_access.reads.arenas import arenas_frame
from data_access.reads.meetings import stored_meetings


def group_arena(source: Source, plan_id: int) -> dict | None:
    """The group's arena (flagged, else found by name), or None."""
    with reading(source) as s:
        rows = s.execute(select(Arena.id, Arena.name, Arena.is_group_arena, Arena.leader)
                         .where(Arena.plan_id == plan_id, Arena.retired_at.is_(None))
                         .order_by(Arena.sort_order, Arena.id)).all()
    flagged = [r for r in rows if r.is_group_arena]
    named = [r for r in rows if NAME_HINT in r.name.lower()]
    chosen = (flagged or named or [None])[0]
    return {"id": chosen.id, "name": chosen.name, "flagged": bool(flagged), "leader": chosen.leader or ""} \
        if chosen else None


def planned_group_dates(source: Source, plan_id: int, *years: int) -> list[date]:
    """The dates the group's arena meets in the given years (cancelled meetings left out), sorted."""
    arena = group_arena(source, plan_id)
    if arena is None:
        return []
    arenas = arenas_frame(source, plan_id).filter(pl.col("id") == arena["id"])
    dates: list[date] = []
    for year in years:
        meetings = merge_meetings(arenas, stored_meetings(source, plan_id, year), year)
        dates += meetings.filter(pl.col("state") != "avlyst")["date"].to_list()
    return sorted(set(dates))
