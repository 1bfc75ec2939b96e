"""Meetings of the arenas: planned dates from the frequency, merged with what the SLT coordinator changed.

Only meetings someone touched (moved, cancelled, marked as held, or added for an arena "ved behov") are
stored; everything else is computed from the arena's frequency, so changing a frequency re-plans the year
without stale rows. A stored meeting keeps its ``planned_date`` as identity, which also keeps its iCalendar
UID stable after a move.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Engine, select

from data_access.arenas import arena_frequency
from data_access.db import session_scope
from data_access.errors import NotFound, ValidationError
from data_access.fields import MEETING
from data_access.frames import to_frame
from data_access.frequency import expand, is_working_day
from data_access.models import Arena, Meeting
from data_access.permissions import Actor, Permission
from data_access.uow import Conflict, UnitOfWork
from data_access.validation import format_date

STATES = {"planlagt": "Planlagt", "avholdt": "Avholdt", "avlyst": "Avlyst"}
MEETING_SCHEMA = {"meeting_id": pl.Int64, "arena_id": pl.Int64, "planned_date": pl.Date, "date": pl.Date,
                  "state": pl.String, "note": pl.String, "version": pl.Int64}


def stored_meetings(engine: Engine, plan_id: int, year: int) -> pl.DataFrame:
    with session_scope(engine) as s:
        rows = s.execute(select(Meeting.id, Meeting.arena_id, Meeting.planned_date, Meeting.date, Meeting.state,
                                Meeting.note, Meeting.version)
                         .join(Arena, Arena.id == Meeting.arena_id)
                         .where(Arena.plan_id == plan_id, Meeting.planned_date >= date(year, 1, 1),
                                Meeting.planned_date <= date(year, 12, 31))).all()
    return to_frame(rows, MEETING_SCHEMA)


def merge_meetings(arenas: pl.DataFrame, stored: pl.DataFrame, year: int) -> pl.DataFrame:
    """All meetings of the year: planned dates from each frequency, overridden by stored rows (pure)."""
    rows: list[tuple] = []
    for arena_id, raw, start, end in arenas.select("id", "frequency", "start_date", "end_date").iter_rows():
        freq = arena_frequency(raw)
        if freq is None:
            continue
        rows += [(None, arena_id, d, d, "planlagt", "", 0) for d in expand(freq, year, start=start, end=end)]
    planned = to_frame(rows, MEETING_SCHEMA)
    stored = stored.filter(pl.col("arena_id").is_in(arenas["id"].implode()))
    merged = pl.concat([stored, planned.join(stored, on=["arena_id", "planned_date"], how="anti")])
    info = arenas.select(pl.col("id").alias("arena_id"), pl.col("name").alias("arena"), "level", "leader",
                         "participants")
    return merged.join(info, on="arena_id").sort("date", "arena")


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


def upcoming_meetings(engine: Engine, plan_id: int, today: date, *, per_arena: int = 2,
                      limit: int = 10) -> pl.DataFrame:
    """``next_meetings`` read from the database (Oversikt's «Neste møter»)."""
    from data_access.arenas import arenas_frame

    stored = pl.concat([stored_meetings(engine, plan_id, year) for year in (today.year, today.year + 1)])
    return next_meetings(arenas_frame(engine, plan_id), stored, today, per_arena=per_arena, limit=limit)


def _person(col: pl.Expr) -> pl.Expr:
    """A role as a comparable key: «Ordfører (SLT-koordinator kaller inn)» → «ordfører»."""
    return col.str.replace_all(r"\([^)]*\)", "").str.strip_chars().str.to_lowercase()


def find_conflicts(meetings: pl.DataFrame, leaders: list[str] | None = None) -> pl.DataFrame:
    """Pairs of active meetings on the same day that need the same person (pure).

    A person is an arena's leader. Two meetings collide when one leader is needed in both: the same leader, or
    the leader of one listed among the participants of the other, or a leader role (e.g. SLT-koordinator) among
    the participants of both. A shared participating *service* (Skole, Barnehage) is not a collision: a
    service sends different people. ``leaders``: every arena's leader (also of arenas without meetings this
    year); defaults to the leaders in ``meetings``. Vectorised as a self-join on (date, person).
    """
    people = pl.DataFrame({"who": meetings["leader"] if leaders is None else leaders}, schema={"who": pl.String})
    leaders = people.select(_person(pl.col("who"))).unique()
    active = meetings.filter(pl.col("state") != "avlyst")
    led = active.select("date", "arena_id", "arena", _person(pl.col("leader")).alias("who"))
    joining = (active.select("date", "arena_id", "arena", pl.col("participants").fill_null([]).alias("who"))
               .explode("who").with_columns(_person(pl.col("who")))
               .join(leaders, on="who", how="semi"))
    keys = pl.concat([led, joining]).filter(pl.col("who").is_not_null() & (pl.col("who") != "")).unique()
    pairs = (keys.join(keys, on=["date", "who"], suffix="_b").filter(pl.col("arena_id") < pl.col("arena_id_b"))
             .group_by("date", "arena", "arena_b")
             .agg(pl.col("who").unique().sort().str.join(", ").alias("shared")))
    return (pairs.select("date", pl.col("arena").alias("arena_a"), pl.col("arena_b"), "shared")
            .sort("date", "arena_a", "arena_b"))


def default_year(today: date) -> int:
    """The calendar year to open: from 1 November the coordinator is planning next year."""
    return today.year + 1 if today.month >= 11 else today.year


def next_meeting_index(dates: list[date], today: date) -> int:
    """Index of the first meeting on or after today in a sorted list; the last one if all are past."""
    return next((i for i, d in enumerate(dates) if d >= today), max(len(dates) - 1, 0))


def progress(meetings: pl.DataFrame, today: date) -> pl.DataFrame:
    """Per arena: meetings planned up to today, held, cancelled, and planned for the rest of the year."""
    past = pl.col("date") <= today
    return (meetings.group_by("arena_id", "arena", "level")
            .agg((past & (pl.col("state") != "avlyst")).sum().alias("planned_so_far"),
                 (pl.col("state") == "avholdt").sum().alias("held"),
                 (pl.col("state") == "avlyst").sum().alias("cancelled"),
                 (~past & (pl.col("state") == "planlagt")).sum().alias("remaining"))
            .sort("level", "arena"))


@dataclass(frozen=True)
class MeetingUpdate:
    arena_id: int
    planned_date: date
    version: int  # 0 when the meeting was never stored
    date: date | None = None
    state: str | None = None
    note: str | None = None


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
