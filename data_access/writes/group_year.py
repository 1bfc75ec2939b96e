"""The implementation group's own year: its arena in the calendar and the meetings planned there.

This part holds the writes; its siblings in ``domain/`` and ``reads/`` hold the rest.

The group's arena is the one flagged ``is_group_arena``; when no arena of the plan is flagged, the arena whose
name mentions «implementeringsgruppe» (the Stange plan's «Implementeringsgruppe for forebyggende plan") is used.
Its planned meetings are the calendar's (frequency plus meetings the SLT coordinator added or moved), minus
cancelled ones, so Møtemodus can propose today's meeting or the next one.
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from data_access.db.models import Arena
from data_access.db.uow import UnitOfWork
from data_access.domain.errors import ConflictError, NotFound
from data_access.domain.permissions import Actor, Permission


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
