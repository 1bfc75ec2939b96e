"""Meetings of the arenas: planned dates from the frequency, merged with what the SLT coordinator changed.

This part holds the writes; its siblings in ``domain/`` and ``reads/`` hold the rest.

Only meetings someone touched (moved, cancelled, marked as held, or added for an arena "ved behov") are
stored; everything else is computed from the arena's frequency, so changing a frequency re-plans the year
without stale rows. A stored meeting keeps its ``planned_date`` as identity, which also keeps its iCalendar
UID stable after a move.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select

from data_access.db.models import Arena, Meeting
from data_access.db.uow import Conflict, UnitOfWork
from data_access.domain.errors import NotFound, ValidationError
from data_access.domain.fields import MEETING
from data_access.domain.frequency import is_working_day
from data_access.domain.meetings import MeetingUpdate
from data_access.domain.permissions import Actor, Permission
from data_access.domain.validation import format_date


def _check(update: MeetingUpdate, today: date | None) -> dict:
    year = update.planned_date.year
    raw = {k: v for k, v in (("date", update.date), ("state", update.state), ("note", update.note)) if v is not None}
    values = MEETING.clean_or_raise(raw)
    if update.date is not None:
        if update.date.year != year:
            raise ValidationError(f"Møtet kan bare flyttes innenfor {year}. {format_date(update.date)} er "
                                  "utenfor året.", field="date")
        if not is_working_day(update.date):
            raise ValidationError(f"{format_date(update.date)} er en helg- eller helligdag. Velg en arbeidsdag.",
                                  field="date")
    if update.state == "avholdt" and (update.date or update.planned_date) > (today or date.today()):
        raise ValidationError("Et møte kan ikke merkes som avholdt før datoen.", field="state")
    return values


def update_meeting(engine: Engine, actor: Actor, update: MeetingUpdate, *, today: date | None = None) -> None:
    """Move, cancel, mark as held or annotate one meeting; ``ConflictError`` if someone saved it meanwhile.

    A meeting nobody touched is not stored (version 0): saving it INSERTs the row, and a concurrent first save
    of the same meeting loses on the unique (arena, planned date) instead of overwriting.
    """
    values = _check(update, today)
    with UnitOfWork(engine, actor, None, Permission.EDIT_ARENAS) as uow:
        arena = uow.s.get(Arena, update.arena_id)
        if arena is None:
            raise NotFound("Fant ikke møtearenaen.")
        uow.plan_id = arena.plan_id
        row = uow.s.scalar(select(Meeting).where(Meeting.arena_id == update.arena_id,
                                                 Meeting.planned_date == update.planned_date))
        current = row or Meeting(arena_id=update.arena_id, planned_date=update.planned_date,
                                 date=update.planned_date, state="planlagt", note="")
        changes = {k: v for k, v in values.items() if v != getattr(current, k)}
        if not changes:
            return
        seen_ok = (row.version if row else 0) == update.version
        before = {k: getattr(current, k) for k in changes}
        if row is None:
            current.date, current.state, current.note = (changes.get("date", current.date),
                                                          changes.get("state", current.state),
                                                          changes.get("note", current.note))
            ok = seen_ok and uow.insert_new(current)
        else:
            ok = seen_ok and uow.compare_and_set(Meeting, row.id, update.version, changes)
        if not ok:
            raise _conflict(uow, arena, update, values).error()
        for name, value in changes.items():
            uow.log("meeting", current.id, "update", name, before[name], value)


def _conflict(uow: UnitOfWork, arena: Arena, update: MeetingUpdate, yours: dict) -> Conflict:
    row = uow.s.scalar(select(Meeting).where(Meeting.arena_id == update.arena_id,
                                             Meeting.planned_date == update.planned_date)
                       .execution_options(populate_existing=True))
    theirs = {k: getattr(row, k) if row else {"date": update.planned_date, "state": "planlagt", "note": ""}[k]
              for k in yours}
    name = f"{arena.name} {format_date(update.planned_date)}"
    return Conflict("meeting", row.id if row else 0, name, yours, theirs, row.updated_by if row else None,
                    row.updated_at if row else None, row.version if row else 0)


def add_meeting(engine: Engine, actor: Actor, arena_id: int, day: date, note: str = "") -> None:
    """Register an extra meeting, e.g. for an arena that meets "ved behov"."""
    values = MEETING.clean_or_raise({"date": day, "note": note})
    if not is_working_day(day):
        raise ValidationError(f"{format_date(day)} er en helg- eller helligdag. Velg en arbeidsdag.", field="date")
    with UnitOfWork(engine, actor, None, Permission.EDIT_ARENAS) as uow:
        arena = uow.s.get(Arena, arena_id)
        if arena is None:
            raise NotFound("Fant ikke møtearenaen.")
        uow.plan_id = arena.plan_id
        row = Meeting(arena_id=arena_id, planned_date=day, date=day, state="planlagt", note=values["note"])
        if not uow.insert_new(row):
            raise ValidationError(f"{arena.name} har allerede et møte {format_date(day)}.", field="date")
        uow.log("meeting", row.id, "create", "date", None, day)
