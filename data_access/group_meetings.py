"""Møtemodus: meetings of the implementation group, their agenda and their minutes (referat).

A meeting is started with a date and participants; every change saved while it is open carries its id,
so the minutes can say exactly what was decided. Ending the meeting stores the minutes with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import polars as pl
from sqlalchemy import Engine, select, update

from data_access.changelog import FIELD_LABELS, log_frame, readable
from data_access.db import session_scope
from data_access.errors import NotFound, ValidationError
from data_access.fields import GROUP_MEETING
from data_access.frames import to_frame
from data_access.models import GroupMeeting
from data_access.permissions import Actor, Permission
from data_access.uow import UnitOfWork
from data_access.validation import format_date

MEETING_SCHEMA = {"id": pl.Int64, "plan_id": pl.Int64, "meeting_date": pl.Date, "participants": pl.String,
                  "started_by": pl.String, "started_at": pl.Datetime, "ended_at": pl.Datetime,
                  "minutes_md": pl.String}


def _select():
    return select(GroupMeeting.id, GroupMeeting.plan_id, GroupMeeting.meeting_date, GroupMeeting.participants,
                  GroupMeeting.started_by, GroupMeeting.started_at, GroupMeeting.ended_at, GroupMeeting.minutes_md)


def meetings_frame(engine: Engine, plan_id: int) -> pl.DataFrame:
    with session_scope(engine) as s:
        rows = s.execute(_select().where(GroupMeeting.plan_id == plan_id)
                         .order_by(GroupMeeting.started_at.desc())).all()
    return to_frame(rows, MEETING_SCHEMA)


def open_meeting(engine: Engine, plan_id: int) -> dict | None:
    """The plan's meeting that is running now, shared by everyone in the room."""
    frame = meetings_frame(engine, plan_id).filter(pl.col("ended_at").is_null())
    return frame.row(0, named=True) if frame.height else None


def start_meeting(engine: Engine, actor: Actor, plan_id: int, meeting_date: date, participants: str) -> int:
    """Open the plan's meeting; the database's partial unique index makes a second open meeting impossible."""
    values = GROUP_MEETING.clean_or_raise({"meeting_date": meeting_date, "participants": participants})
    with UnitOfWork(engine, actor, plan_id, Permission.RUN_GROUP_MEETING) as uow:
        row = GroupMeeting(plan_id=plan_id, started_by=actor.username, started_at=uow.now, **values)
        if uow.group_meeting_id is not None or not uow.insert_new(row):
            raise ValidationError("Et møte pågår allerede for denne planen. Avslutt det før du starter et nytt.",
                                  field="meeting")
        return row.id


def end_meeting(engine: Engine, actor: Actor, meeting_id: int, tiltak_names: dict[int, str],
                summary: str = "") -> str:
    """Close the meeting and store its minutes, in one transaction; returns the Markdown."""
    summary = GROUP_MEETING.clean_or_raise({"summary": summary})["summary"]
    with UnitOfWork(engine, actor, None, Permission.RUN_GROUP_MEETING) as uow:
        row = uow.s.get(GroupMeeting, meeting_id)
        if row is None:
            raise NotFound("Fant ikke møtet.")
        closed = uow.s.execute(update(GroupMeeting).where(GroupMeeting.id == meeting_id,
                                                          GroupMeeting.ended_at.is_(None))
                               .values(ended_at=uow.now).execution_options(synchronize_session=False))
        if closed.rowcount != 1:
            raise ValidationError("Møtet er allerede avsluttet.", field="meeting")
        meeting = {"id": row.id, "plan_id": row.plan_id, "meeting_date": row.meeting_date,
                   "participants": row.participants, "started_by": row.started_by,
                   "started_at": row.started_at, "ended_at": uow.now}
        minutes = build_minutes(meeting, log_frame(uow.s, group_meeting_id=meeting_id), tiltak_names, summary)
        uow.s.execute(update(GroupMeeting).where(GroupMeeting.id == meeting_id).values(minutes_md=minutes))
        return minutes


@dataclass(frozen=True)
class Agenda:
    overdue: pl.DataFrame
    stale: pl.DataFrame
    changed: pl.DataFrame

    @property
    def ids(self) -> list[int]:
        seen: list[int] = []
        for part in (self.overdue, self.stale, self.changed):
            seen += [i for i in part["id"].to_list() if i not in seen]
        return seen


def propose_agenda(tiltak: pl.DataFrame, changed_ids: set[int], today: date, stale_months: int) -> Agenda:
    """Tiltak to walk through: evaluation passed, untouched for N months, changed since the last meeting."""
    open_ = tiltak.filter(pl.col("status") != "avsluttet")
    limit = datetime.combine(today - timedelta(days=round(stale_months * 30.44)), datetime.min.time())
    return Agenda(
        overdue=open_.filter(pl.col("next_evaluation").is_not_null() & (pl.col("next_evaluation") < today))
        .sort("next_evaluation"),
        stale=open_.filter(pl.col("updated_at").is_null() | (pl.col("updated_at") < limit)).sort("updated_at"),
        changed=tiltak.filter(pl.col("id").is_in(sorted(changed_ids))),
    )


def changed_since_last_meeting(engine: Engine, plan_id: int) -> set[int]:
    """Tiltak changed outside any meeting since the last one ended (all changes if none has been held)."""
    ended = meetings_frame(engine, plan_id).filter(pl.col("ended_at").is_not_null())
    since = ended["ended_at"].max() if ended.height else None
    log = log_frame(engine, plan_id=plan_id, entity="tiltak", since=since)
    return set(log.filter(pl.col("group_meeting_id").is_null())["entity_id"].to_list())


def build_minutes(meeting: dict, changes: pl.DataFrame, tiltak_names: dict[int, str], summary: str = "") -> str:
    """A readable referat: who met, then every decision grouped per tiltak, oldest first."""
    lines = [f"# Referat fra implementeringsgruppa {format_date(meeting['meeting_date'])}", ""]
    lines.append(f"**Deltakere:** {meeting['participants'] or 'ikke registrert'}  ")
    lines.append(f"**Møteleder:** {meeting['started_by']}  ")
    start, end = meeting.get("started_at"), meeting.get("ended_at")
    if start:
        lines.append(f"**Tid:** {start:%H:%M}–{end:%H:%M}" if end else f"**Startet:** {start:%H:%M}")
    lines.append("")
    if summary.strip():
        lines += ["## Oppsummering", "", summary.strip(), ""]
    tiltak_changes = changes.filter(pl.col("entity") == "tiltak").sort("at", "id")
    lines.append(f"## Vedtak og endringer ({tiltak_changes.height})")
    lines.append("")
    if tiltak_changes.is_empty():
        lines.append("Ingen tiltak ble endret i møtet.")
    for (tiltak_id,), part in tiltak_changes.group_by("entity_id", maintain_order=True):
        lines.append(f"### {tiltak_names.get(tiltak_id, f'Tiltak {tiltak_id}')}")
        for r in part.iter_rows(named=True):
            label = FIELD_LABELS.get(r["field"] or "", r["field"] or "")
            who = r["name"] or r["username"]
            if r["action"] == "create":
                lines.append(f"- Nytt tiltak opprettet ({who}).")
            elif r["action"] in {"archive", "restore"}:
                lines.append(f"- {'Arkivert' if r['action'] == 'archive' else 'Gjenopprettet'} ({who}).")
            else:
                verb = "Angret: " if r["action"] == "undo" else ""
                lines.append(f"- {verb}{label}: {readable(r['field'], r['old_value'], '(tomt)')} → "
                             f"**{readable(r['field'], r['new_value'], '(tomt)')}** ({who}, {r['at']:%H:%M})")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
