"""The implementation group's own year: its arena in the calendar and the meetings planned there.

The group's arena is the one flagged ``is_group_arena``; when no arena of the plan is flagged, the arena whose
name mentions «implementeringsgruppe» (the Stange plan's «Implementeringsgruppe for forebyggende plan") is used.
Its planned meetings are the calendar's (frequency plus meetings the SLT coordinator added or moved), minus
cancelled ones, so Møtemodus can propose today's meeting or the next one.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import Engine, select

from data_access.arenas import arenas_frame
from data_access.db import session_scope
from data_access.errors import ConflictError, NotFound
from data_access.meetings import merge_meetings, stored_meetings
from data_access.models import Arena
from data_access.permissions import Actor, Permission
from data_access.uow import UnitOfWork

NAME_HINT = "implementeringsgruppe"


def group_arena(engine: Engine, plan_id: int) -> dict | None:
    """The group's arena (flagged, else found by name), or None."""
    with session_scope(engine) as s:
        rows = s.execute(select(Arena.id, Arena.name, Arena.is_group_arena)
                         .where(Arena.plan_id == plan_id, Arena.retired_at.is_(None))
                         .order_by(Arena.sort_order, Arena.id)).all()
    flagged = [r for r in rows if r.is_group_arena]
    named = [r for r in rows if NAME_HINT in r.name.lower()]
    chosen = (flagged or named or [None])[0]
    return {"id": chosen.id, "name": chosen.name, "flagged": bool(flagged)} if chosen else None


def planned_group_dates(engine: Engine, plan_id: int, *years: int) -> list[date]:
    """The dates the group's arena meets in the given years (cancelled meetings left out), sorted."""
    arena = group_arena(engine, plan_id)
    if arena is None:
        return []
    arenas = arenas_frame(engine, plan_id).filter(pl.col("id") == arena["id"])
    dates: list[date] = []
    for year in years:
        meetings = merge_meetings(arenas, stored_meetings(engine, plan_id, year), year)
        dates += meetings.filter(pl.col("state") != "avlyst")["date"].to_list()
    return sorted(set(dates))


def propose(dates: list[date], today: date) -> date | None:
    """Today's planned meeting, else the next one (None when nothing more is planned)."""
    return next((d for d in sorted(dates) if d >= today), None)


def set_group_arena(engine: Engine, actor: Actor, plan_id: int, arena_id: int) -> None:
    """Mark which arena is the implementation group's (one per plan); logged, version-checked like any arena edit."""
    with UnitOfWork(engine, actor, plan_id, Permission.EDIT_ARENAS) as uow:
        target = uow.s.get(Arena, arena_id)
        if target is None or target.plan_id != plan_id:
            raise NotFound("Fant ikke møtearenaen i denne planen.")
        for arena in uow.s.scalars(select(Arena).where(Arena.plan_id == plan_id)).all():
            want = arena.id == arena_id
            if arena.is_group_arena != want:
                if not uow.compare_and_set(Arena, arena.id, arena.version, {"is_group_arena": want}):
                    raise ConflictError("Møtearenaene ble endret av en annen samtidig. Prøv igjen.")
                uow.log("arena", arena.id, "update", "is_group_arena", not want, want)
