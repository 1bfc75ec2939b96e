"""The year planner's writes: propose a year as draft dates, accept (publish), move or lock them, skoleruta.

This part holds the writes; ``domain/planner.py`` holds the rules and ``reads/planner.py`` the queries.

A proposal is stored as meetings with ``plan_state = "utkast"``: not in the calendar, the .ics or the report
until accepted. Proposing again replaces the untouched drafts of the year and plans around the locked and
moved ones (the coordinator's choices) and around every meeting already in the calendar (published, moved,
held or added). Accepting sets
``plan_state = "publisert"``; from then on the arena's dates that year come from the stored rows, not from its
frequency (``domain/meetings.merge_meetings``). Moving a draft is ``writes.meetings.update_meeting``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, delete, select

from data_access.db.models import Arena, Meeting, SchoolBreak
from data_access.db.uow import UnitOfWork
from data_access.domain.arenas import arena_frequency
from data_access.domain.errors import NotFound, ValidationError
from data_access.domain.permissions import Actor, Permission
from data_access.domain.planner import PlanArena, PlanConflict, plan_arena, plan_year
from data_access.domain.planner import SchoolBreak as Break
from data_access.domain.validation import format_date


@dataclass(frozen=True)
class ProposalResult:
    drafts: int
    kept: int  # locked drafts and meetings already in the calendar, planned around
    conflicts: list[PlanConflict]


def plan_arenas(rows: Sequence[Arena]) -> list[PlanArena]:
    return [plan_arena(a, arena_frequency(a.frequency)) for a in rows]


def propose_year(engine: Engine, actor: Actor, plan_id: int, year: int) -> ProposalResult:
    """Replace the year's unlocked drafts with a new proposal; nothing in the calendar changes."""
    with UnitOfWork(engine, actor, plan_id, Permission.EDIT_ARENAS) as uow:
        arenas = list(uow.s.scalars(select(Arena).where(Arena.plan_id == plan_id, Arena.retired_at.is_(None))
                                    .order_by(Arena.sort_order, Arena.id)))
        ids = [a.id for a in arenas]
        in_year = (Meeting.arena_id.in_(ids), Meeting.planned_date >= date(year, 1, 1),
                   Meeting.planned_date <= date(year, 12, 31))
        uow.s.execute(delete(Meeting).where(*in_year, Meeting.plan_state == "utkast", Meeting.locked.is_(False),
                                            Meeting.date == Meeting.planned_date))
        fixed: dict[int, list[date]] = defaultdict(list)
        keys: dict[int, set[date]] = defaultdict(set)  # a meeting's identity; a new draft cannot reuse it
        for arena_id, planned, day, state in uow.s.execute(
                select(Meeting.arena_id, Meeting.planned_date, Meeting.date, Meeting.state).where(*in_year)).all():
            keys[arena_id].add(planned)
            if state != "avlyst":
                fixed[arena_id].append(day)
        breaks = [Break(b.name, b.start_date, b.end_date) for b in uow.s.scalars(
            select(SchoolBreak).where(SchoolBreak.plan_id == plan_id))]
        proposal = plan_year(plan_arenas(arenas), year, breaks, fixed, avoid=keys)
        taken = {(a, d) for a, ds in fixed.items() for d in ds}
        new = [p for p in proposal.dates if not p.fixed and p.date not in keys[p.arena_id]]
        for p in new:
            uow.s.add(Meeting(arena_id=p.arena_id, planned_date=p.date, date=p.date, state="planlagt", note="",
                              plan_state="utkast", version=1, updated_by=actor.username, updated_at=uow.now))
        uow.log("plan", plan_id, "update", "year_plan", None, f"{year}: {len(new)} forslag")
        return ProposalResult(len(new), len(taken), proposal.conflicts)


def _draft(uow: UnitOfWork, meeting_id: int) -> Meeting:
    row = uow.s.get(Meeting, meeting_id)
    if row is None:
        raise NotFound("Fant ikke datoen; kanskje forslaget er laget på nytt. Last siden på nytt.")
    arena = uow.s.get(Arena, row.arena_id)
    uow.plan_id = arena.plan_id if arena else None
    if row.plan_state != "utkast":
        raise ValidationError(f"Møtet {format_date(row.date)} er allerede publisert.")
    return row


def publish(engine: Engine, actor: Actor, plan_id: int, year: int, meeting_ids: Sequence[int] | None = None) -> int:
    """Accept drafts of the year (all, or the ones given): they go into the calendar; returns how many."""
    with UnitOfWork(engine, actor, plan_id, Permission.EDIT_ARENAS) as uow:
        query = (select(Meeting).join(Arena, Arena.id == Meeting.arena_id)
                 .where(Arena.plan_id == plan_id, Meeting.plan_state == "utkast",
                        Meeting.planned_date >= date(year, 1, 1), Meeting.planned_date <= date(year, 12, 31)))
        if meeting_ids is not None:
            query = query.where(Meeting.id.in_(list(meeting_ids)))
        rows = list(uow.s.scalars(query))
        for row in rows:
            if not uow.compare_and_set(Meeting, row.id, row.version, {"plan_state": "publisert"}):
                raise ValidationError("Forslaget ble endret av en annen samtidig. Last siden på nytt.")
            uow.log("meeting", row.id, "update", "plan_state", "utkast", "publisert")
        if not rows:
            raise ValidationError(f"Det er ingen forslag å publisere for {year}. Trykk «Foreslå møteplan» først.")
        return len(rows)


def set_locked(engine: Engine, actor: Actor, meeting_id: int, version: int, locked: bool) -> None:
    """Lock a draft date so a new proposal keeps it (or unlock it)."""
    with UnitOfWork(engine, actor, None, Permission.EDIT_ARENAS) as uow:
        row = _draft(uow, meeting_id)
        if row.locked == locked:
            return
        if row.version != version or not uow.compare_and_set(Meeting, row.id, version, {"locked": locked}):
            raise ValidationError("Datoen ble endret av en annen samtidig. Last siden på nytt.")
        uow.log("meeting", row.id, "update", "locked", not locked, locked)


def replace_school_breaks(engine: Engine, actor: Actor, plan_id: int, breaks: Sequence[Break], *,
                          example: bool = False) -> int:
    """Store the plan's skoleruta (replacing the old one); the planner keeps meetings out of these days."""
    if not breaks:
        raise ValidationError("Skoleruta har ingen ferieperioder.")
    for b in breaks:
        if b.end < b.start:
            raise ValidationError(f"«{b.name}»: til-dato er før fra-dato.")
    with UnitOfWork(engine, actor, plan_id, Permission.EDIT_ARENAS) as uow:
        uow.s.execute(delete(SchoolBreak).where(SchoolBreak.plan_id == plan_id))
        for b in breaks:
            uow.s.add(SchoolBreak(plan_id=plan_id, name=b.name.strip()[:200] or "Skolefri", start_date=b.start,
                                  end_date=b.end, is_example=example, updated_by=actor.username, updated_at=uow.now))
        uow.log("plan", plan_id, "update", "skoleruta", None, f"{len(breaks)} perioder")
        return len(breaks)
