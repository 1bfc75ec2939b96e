"""Writes to møtearenaer by the SLT coordinator, through the one write path (``uow``, ``fields.ARENA``).

This part holds the writes; its siblings in ``domain/`` hold the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, select

from data_access.db import changelog
from data_access.db.models import Arena
from data_access.db.uow import Conflict, UnitOfWork
from data_access.domain.arenas import normalize_arena
from data_access.domain.errors import NotFound, ValidationError
from data_access.domain.permissions import Actor, Permission


def create_arena(engine: Engine, actor: Actor, plan_id: int, **fields: Any) -> int:
    values = normalize_arena({"participants": [], "frequency_text": "", **fields})
    if "name" not in values or "level" not in values:
        raise ValidationError("Navn og nivå må fylles ut.", field="name")
    with UnitOfWork(engine, actor, plan_id, Permission.EDIT_ARENAS) as uow:
        uow.require_free_name(Arena, values["name"], plan_id=plan_id, noun="en møtearena")
        order = uow.s.scalar(select(Arena.sort_order).where(Arena.plan_id == plan_id)
                             .order_by(Arena.sort_order.desc()).limit(1)) or 0
        row = Arena(plan_id=plan_id, sort_order=order + 1, version=1, updated_by=actor.username,
                    updated_at=uow.now, **values)
        uow.s.add(row)
        uow.s.flush()
        uow.log("arena", row.id, "create", "name", None, row.name)
        return row.id


def _load(uow: UnitOfWork, arena_id: int) -> Arena:
    row = uow.s.get(Arena, arena_id)
    if row is None:
        raise NotFound("Fant ikke møtearenaen.")
    uow.plan_id = row.plan_id
    return row


def _conflict(uow: UnitOfWork, row: Arena, yours: Mapping[str, Any]) -> Conflict:
    uow.s.refresh(row)
    theirs = {k: (row.retired_at is not None) if k == "retired" else getattr(row, k) for k in yours}
    return Conflict("arena", row.id, row.name, dict(yours), theirs, row.updated_by, row.updated_at, row.version)


def update_arena(engine: Engine, actor: Actor, arena_id: int, version: int, fields: Mapping[str, Any]) -> int:
    """Save changed fields if nobody else saved since ``version``; returns the number of fields changed."""
    values = normalize_arena(fields)
    with UnitOfWork(engine, actor, None, Permission.EDIT_ARENAS) as uow:
        row = _load(uow, arena_id)
        start = values.get("start_date", row.start_date)
        end = values.get("end_date", row.end_date)
        if start and end and end < start:
            raise ValidationError("Sluttdato kan ikke være før startdato.", field="end_date")
        changed = {k: v for k, v in values.items()
                   if k != "frequency" and changelog.as_text(v) != changelog.as_text(getattr(row, k))}
        if not changed:
            return 0
        if row.version != version:
            raise _conflict(uow, row, {k: values[k] for k in values if k != "frequency"}).error()
        if "name" in changed:
            uow.require_free_name(Arena, changed["name"], plan_id=row.plan_id, noun="en møtearena", except_id=row.id)
        old = {k: getattr(row, k) for k in changed}
        if "frequency_text" in changed:
            changed["frequency"] = values["frequency"]
        if not uow.compare_and_set(Arena, row.id, version, changed):
            raise _conflict(uow, row, {k: v for k, v in changed.items() if k != "frequency"}).error()
        for name, before in old.items():
            uow.log("arena", row.id, "update", name, before, changed[name])
        return len(old)


def set_retired(engine: Engine, actor: Actor, arena_id: int, version: int, retired: bool) -> None:
    """Retire (never delete) an arena, or bring it back."""
    with UnitOfWork(engine, actor, None, Permission.EDIT_ARENAS) as uow:
        row = _load(uow, arena_id)
        if (row.retired_at is not None) == retired:
            return
        if row.version != version or not uow.compare_and_set(Arena, row.id, version,
                                                             {"retired_at": uow.now if retired else None}):
            raise _conflict(uow, row, {"retired": retired}).error()
        uow.log("arena", row.id, "archive" if retired else "restore", "retired", not retired, retired)
