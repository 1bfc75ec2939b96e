"""Møtemodus: meetings of the implementation group, their agenda and their minutes (referat).

A meeting is started with a date and participants; every change saved while it is open carries its id,
so the minutes can say exactly what was decided. Ending the meeting stores the minutes with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import polars as pl
from sqlalchemy import Engine, select

from data_access.changelog import FIELD_LABELS, log_frame, readable
from data_access.db import session_scope
from data_access.frames import to_frame
from data_access.markup import escape_markdown
from data_access.models import GroupMeeting
from data_access.permissions import Actor, Permission, require
from data_access.validation import ValidationError, check_free_text, format_date

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
    require(actor, Permission.RUN_GROUP_MEETING)
    check_free_text(participants, "Deltakere", max_length=1000)
    if open_meeting(engine, plan_id):
        raise ValidationError("Et møte pågår allerede for denne planen. Avslutt det før du starter et nytt.",
                              field="meeting")
    with session_scope(engine) as s:
        row = GroupMeeting(plan_id=plan_id, meeting_date=meeting_date, participants=participants.strip(),
                           started_by=actor.username, started_at=datetime.now())
        s.add(row)
        s.flush()
        return row.id


def end_meeting(engine: Engine, actor: Actor, meeting_id: int, tiltak_names: dict[int, str],
                summary: str = "") -> str:
    """Close the meeting and store its minutes; returns the Markdown."""
    require(actor, Permission.RUN_GROUP_MEETING)
    check_free_text(summary, "Oppsummering", max_length=4000)
    with session_scope(engine) as s:
        row = s.get(GroupMeeting, meeting_id)
        if row is None:
            raise ValidationError("Fant ikke møtet.", field="meeting")
        if row.ended_at is not None:
            raise ValidationError("Møtet er allerede avsluttet.", field="meeting")
        row.ended_at = datetime.now()
        meeting = {"id": row.id, "plan_id": row.plan_id, "meeting_date": row.meeting_date,
                   "participants": row.participants, "started_by": row.started_by,
                   "started_at": row.started_at, "ended_at": row.ended_at}
    changes = log_frame(engine, group_meeting_id=meeting_id)
    minutes = build_minutes(meeting, changes, tiltak_names, summary)
    with session_scope(engine) as s:
        s.get(GroupMeeting, meeting_id).minutes_md = minutes
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


def md(text: object) -> str:
    """User text inside a line of the minutes, escaped so it is shown literally."""
    return escape_markdown(text, inline=True)


def build_minutes(meeting: dict, changes: pl.DataFrame, tiltak_names: dict[int, str], summary: str = "") -> str:
    """A readable referat: who met, then every decision grouped per tiltak, oldest first.

    Everything a user typed (participants, summary, names, values) is escaped, so the Markdown shows it literally
    in Laget, in any Markdown viewer and in the PDF: no links, images or HTML from user input."""
    lines = [f"# Referat fra implementeringsgruppa {format_date(meeting['meeting_date'])}", ""]
    lines.append(f"**Deltakere:** {md(meeting['participants']) or 'ikke registrert'}  ")
    lines.append(f"**Møteleder:** {md(meeting['started_by'])}  ")
    start, end = meeting.get("started_at"), meeting.get("ended_at")
    if start:
        lines.append(f"**Tid:** {start:%H:%M}–{end:%H:%M}" if end else f"**Startet:** {start:%H:%M}")
    lines.append("")
    if summary.strip():
        lines += ["## Oppsummering", "", escape_markdown(summary.strip()), ""]
    tiltak_changes = changes.filter(pl.col("entity") == "tiltak").sort("at", "id")
    lines.append(f"## Vedtak og endringer ({tiltak_changes.height})")
    lines.append("")
    if tiltak_changes.is_empty():
        lines.append("Ingen tiltak ble endret i møtet.")
    for (tiltak_id,), part in tiltak_changes.group_by("entity_id", maintain_order=True):
        lines.append(f"### {md(tiltak_names.get(tiltak_id, f'Tiltak {tiltak_id}'))}")
        for r in part.iter_rows(named=True):
            label = md(FIELD_LABELS.get(r["field"] or "", r["field"] or ""))
            who = md(r["name"] or r["username"])
            if r["action"] == "create":
                lines.append(f"- Nytt tiltak opprettet ({who}).")
            elif r["action"] in {"archive", "restore"}:
                lines.append(f"- {'Arkivert' if r['action'] == 'archive' else 'Gjenopprettet'} ({who}).")
            else:
                verb = "Angret: " if r["action"] == "undo" else ""
                old, new = (md(readable(r["field"], v, "(tomt)")) for v in (r["old_value"], r["new_value"]))
                lines.append(f"- {verb}{label}: {old} → **{new}** ({who}, {r['at']:%H:%M})")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
