"""Queries over møtearenaer and their next planned dates.

This part holds the queries; the module docstring of ``data_access/writes/arenas.py`` tells the rest.
"""

from __future__ import annotations

import json
from collections import defaultdict

import polars as pl
from sqlalchemy import select

from data_access.db.engine import Source, reading
from data_access.db.models import Arena, Meeting
from data_access.domain.arenas import ARENA_SCHEMA, LEVEL_ORDER
from data_access.domain.frames import to_frame


def arenas_frame(source: Source, plan_id: int, *, include_retired: bool = False) -> pl.DataFrame:
    q = (select(Arena.id, Arena.plan_id, Arena.name, Arena.level, Arena.purpose, Arena.leader, Arena.participants,
                Arena.frequency_text, Arena.frequency, Arena.is_new, Arena.start_date, Arena.end_date,
                Arena.retired_at.is_not(None), Arena.version, Arena.pref_weekday, Arena.pref_week_of_month,
                Arena.pref_time)
         .where(Arena.plan_id == plan_id).order_by(Arena.sort_order, Arena.id))
    if not include_retired:
        q = q.where(Arena.retired_at.is_(None))
    published = (select(Meeting.arena_id, Meeting.planned_date).join(Arena, Arena.id == Meeting.arena_id)
                 .where(Arena.plan_id == plan_id, Meeting.plan_state == "publisert"))
    with reading(source) as s:
        years: dict[int, set[int]] = defaultdict(set)
        for arena_id, day in s.execute(published).all():
            years[arena_id].add(day.year)
        rows = [(*r[:8], json.dumps(r[8] or {}), *r[9:], sorted(years.get(r[0], ()))) for r in s.execute(q).all()]
    frame = to_frame(rows, ARENA_SCHEMA)
    return frame.with_columns(
        pl.col("level").replace_strict(LEVEL_ORDER, default=99, return_dtype=pl.Int64).alias("level_order")
    ).sort("level_order", maintain_order=True)
