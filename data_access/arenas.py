"""Queries over møtearenaer and their next planned dates."""

from __future__ import annotations

import json

import polars as pl
from sqlalchemy import Engine, select

from data_access.db import session_scope
from data_access.frames import to_frame
from data_access.frequency import Frequency, FrequencyError
from data_access.models import Arena
from data_access.vocabulary import ARENA_LEVELS

LEVEL_ORDER = {slug: i for i, slug in enumerate(ARENA_LEVELS)}
# "frequency" holds the JSON of Frequency.to_dict(), so frames stay plain (cacheable, picklable)
ARENA_SCHEMA = {
    "id": pl.Int64, "plan_id": pl.Int64, "name": pl.String, "level": pl.String, "purpose": pl.String,
    "leader": pl.String, "participants": pl.List(pl.String), "frequency_text": pl.String,
    "frequency": pl.String, "is_new": pl.Boolean, "start_date": pl.Date, "end_date": pl.Date,
    "retired": pl.Boolean, "version": pl.Int64,
}


def arenas_frame(engine: Engine, plan_id: int, *, include_retired: bool = False) -> pl.DataFrame:
    q = (select(Arena.id, Arena.plan_id, Arena.name, Arena.level, Arena.purpose, Arena.leader, Arena.participants,
                Arena.frequency_text, Arena.frequency, Arena.is_new, Arena.start_date, Arena.end_date,
                Arena.retired_at.is_not(None), Arena.version)
         .where(Arena.plan_id == plan_id).order_by(Arena.sort_order, Arena.id))
    if not include_retired:
        q = q.where(Arena.retired_at.is_(None))
    with session_scope(engine) as s:
        rows = [(*r[:8], json.dumps(r[8] or {}), *r[9:]) for r in s.execute(q).all()]
    frame = to_frame(rows, ARENA_SCHEMA)
    return frame.with_columns(
        pl.col("level").replace_strict(LEVEL_ORDER, default=99, return_dtype=pl.Int64).alias("level_order")
    ).sort("level_order", maintain_order=True)


def arena_frequency(raw: dict | str | None) -> Frequency | None:
    """The structured frequency of an arena (dict or its JSON), or None where missing or unreadable."""
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
        return Frequency.from_dict(data) if data else None
    except (FrequencyError, TypeError, KeyError, ValueError):
        return None


def filter_arenas(frame: pl.DataFrame, *, levels: list[str] | None = None, leaders: list[str] | None = None,
                  participants: list[str] | None = None) -> pl.DataFrame:
    """Pure filtering for the calendar page."""
    if levels:
        frame = frame.filter(pl.col("level").is_in(levels))
    if leaders:
        frame = frame.filter(pl.col("leader").is_in(leaders))
    if participants:
        frame = frame.filter(pl.col("participants").list.eval(pl.element().is_in(participants)).list.any())
    return frame
