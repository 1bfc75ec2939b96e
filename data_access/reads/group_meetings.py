"""Møtemodus: meetings of the implementation group, their agenda and their minutes (referat).

This part holds the queries; the module docstring of ``data_access/writes/group_meetings.py`` tells the rest.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
from sqlalchemy import select

from data_access.db.changelog import FIELD_LABELS, log_frame, readable
from data_access.db.engine import Source, reading
from data_access.db.models import GroupMeeting, Plan, User
from data_access.domain.errors import NotFound
from data_access.domain.frames import to_frame
from data_access.domain.group_meetings import MEETING_SCHEMA, _action_rows
from data_access.domain.net_changes import created, net_changes
from data_access.domain.plans import kommune_title
from data_access.domain.validation import format_date


def _select():
    return select(GroupMeeting.id, GroupMeeting.plan_id, GroupMeeting.meeting_date, GroupMeeting.participants,
                  GroupMeeting.chair, GroupMeeting.started_by, GroupMeeting.started_at, GroupMeeting.ended_at,
                  GroupMeeting.minutes_md, GroupMeeting.minutes_json)


def meetings_frame(source: Source, plan_id: int) -> pl.DataFrame:
    with reading(source) as s:
        rows = s.execute(_select().where(GroupMeeting.plan_id == plan_id)
                         .order_by(GroupMeeting.started_at.desc())).all()
    return to_frame(rows, MEETING_SCHEMA)


def open_meeting(source: Source, plan_id: int) -> dict | None:
    """The plan's meeting that is running now, shared by everyone in the room."""
    frame = meetings_frame(source, plan_id).filter(pl.col("ended_at").is_null())
    return frame.row(0, named=True) if frame.height else None


def minutes_for(source: Source, meeting_id: int, summary: str = "", *,
                ended_at: datetime | None = None) -> list:
    """The minutes of one meeting as blocks, from the database; also the preview before ending."""
    from data_access.reads.actions import actions_frame
    from data_access.reads.group_year import planned_group_dates
    from data_access.reads.tiltak import tiltak_frame

    with reading(source) as s:  # one snapshot; inside «Avslutt møtet» the unit of work's own transaction
        row = s.get(GroupMeeting, meeting_id)
        if row is None:
            raise NotFound("Fant ikke møtet.")
        meeting = {"id": row.id, "plan_id": row.plan_id, "meeting_date": row.meeting_date,
                   "participants": row.participants, "started_by": row.started_by,
                   "started_at": row.started_at, "ended_at": ended_at or row.ended_at}
        plan = s.get(Plan, row.plan_id)
        kommune, plan_name = plan.kommune, plan.name
        leader = (row.chair or "").strip() or s.scalar(select(User.name).where(User.username == row.started_by)) \
            or row.started_by
        tiltak = tiltak_frame(s, meeting["plan_id"], include_archived=True)
        info = {r["id"]: (r["name"], r["level_label"], r["level_order"]) for r in tiltak.iter_rows(named=True)}
        actions = actions_frame(s, meeting["plan_id"])
        planned = planned_group_dates(s, meeting["plan_id"], meeting["meeting_date"].year)
        log = log_frame(s, group_meeting_id=meeting_id)
    return build_minutes(meeting, log, info, summary, kommune=kommune, plan_name=plan_name, leader=leader,
                         opened=actions.filter(pl.col("opened_meeting_id") == meeting_id),
                         closed=actions.filter(pl.col("closed_meeting_id") == meeting_id),
                         planned_dates=planned)


def changed_since_last_meeting(source: Source, plan_id: int) -> set[int]:
    """Tiltak changed outside any meeting since the last one ended (all changes if none has been held)."""
    ended = meetings_frame(source, plan_id).filter(pl.col("ended_at").is_not_null())
    since = ended["ended_at"].max() if ended.height else None
    log = log_frame(source, plan_id=plan_id, entity="tiltak", since=since)
    return set(log.filter(pl.col("group_meeting_id").is_null())["entity_id"].to_list())


OTHER_ENTITIES = {"arena": "Møtearena", "meeting": "Møte i kalenderen", "indicator": "Indikator",
                  "indicator_value": "Indikatorverdi", "service": "Tjeneste", "plan": "Plan",
                  "tiltak_contact": "Kontaktperson for tiltak", "service_contact": "Kontaktperson for tjeneste",
                  "action": "Oppfølgingspunkt", "tiltak": "Tiltak"}


def net_text(r: dict) -> str:
    """One net change as the minutes say it: «Status: I gang → Avsluttet»; archiving in words."""
    if r["field"] == "archived":
        return "Arkivert" if r["new_value"] == "ja" else "Gjenopprettet fra arkivet"
    label = FIELD_LABELS.get(r["field"] or "", r["field"] or "")
    return (f"{label}: {readable(r['field'], r['old_value'], '(tomt)')} → "
            f"{readable(r['field'], r['new_value'], '(tomt)')}")


def build_minutes(meeting: dict, changes: pl.DataFrame, tiltak: dict[int, str | tuple], summary: str = "", *,
                  kommune: str = "", plan_name: str = "", leader: str = "", opened: pl.DataFrame | None = None,
                  closed: pl.DataFrame | None = None, planned_dates: list[date] | None = None) -> list:
    """A readable referat as blocks (see ``data_access.formats.minutes``): who met and who chaired, what was
    decided per tiltak grouped by level (the net change per field, see ``domain.net_changes``: a mistake that
    was undone is not there), other changes, and the actions opened and closed.

    ``tiltak`` maps id to name, or to (name, level label, level order) for grouping by level.
    """
    blocks: list = [["h1", f"Referat fra implementeringsgruppa {format_date(meeting['meeting_date'])}"]]
    if kommune:
        blocks.append(["meta", "Kommune", kommune_title(kommune)])
    if plan_name:
        blocks.append(["meta", "Plan", plan_name])
    blocks.append(["meta", "Møteleder", leader or meeting.get("chair") or meeting["started_by"]])
    blocks.append(["meta", "Deltakere", meeting["participants"] or "ikke registrert"])
    start, end = meeting.get("started_at"), meeting.get("ended_at")
    if start:
        blocks.append(["meta", "Tid", f"{start:%H:%M}–{end:%H:%M}" if end else f"startet {start:%H:%M}"])
    if planned_dates and meeting["meeting_date"] not in planned_dates:
        blocks.append(["meta", "Merknad", "Møtet ble holdt på en annen dag enn gruppas planlagte møter."])
    if summary.strip():
        blocks += [["h2", "Oppsummering"], ["p", summary.strip()]]
    info = {i: (v, "", 0) if isinstance(v, str) else tuple(v) for i, v in tiltak.items()}
    on_tiltak = changes.filter(pl.col("entity") == "tiltak")
    new_ids = created(on_tiltak)
    net = net_changes(on_tiltak)
    lines: dict[int, list[str]] = {i: ["Nytt tiltak opprettet"] for i in new_ids}
    for r in net.iter_rows(named=True):
        lines.setdefault(r["entity_id"], []).append(net_text(r))
    blocks.append(["h2", f"Vedtak og endringer ({sum(len(v) for v in lines.values())})"])
    if not lines:
        blocks.append(["p", "Ingen tiltak ble endret i møtet."])
    ids = sorted(lines, key=lambda i: info.get(i, ("", "", 99))[2])
    level = None
    for tiltak_id in ids:
        name, level_label, _ = info.get(tiltak_id, (f"Tiltak {tiltak_id}", "", 99))
        if level_label and level_label != level:
            level = level_label
            blocks.append(["h3", level_label])
        blocks.append(["h4" if level_label else "h3", name])
        blocks += [["li", text] for text in lines[tiltak_id]]
    rest = changes.filter(~pl.col("entity").is_in(["tiltak", "action"]))
    other = [f"{OTHER_ENTITIES.get(r['entity'], r['entity'])} {r['entity_id']}: opprettet"
             for r in rest.filter(pl.col("action").is_in(["create", "import"])).sort("at", "id").iter_rows(named=True)]
    other += [f"{OTHER_ENTITIES.get(r['entity'], r['entity'])} {r['entity_id']}: {net_text(r)}"
              for r in net_changes(rest).iter_rows(named=True)]
    if other:
        blocks.append(["h2", f"Andre endringer ({len(other)})"])
        blocks += [["li", text] for text in other]
    headers = ["Frist", "Oppfølgingspunkt", "Ansvarlig", "Tiltak"]
    for title, frame in (("Oppfølgingspunkter åpnet", opened), ("Oppfølgingspunkter lukket", closed)):
        rows = _action_rows(frame)
        blocks.append(["h2", f"{title} ({len(rows)})"])
        blocks.append(["table", headers, rows] if rows else ["p", "Ingen."])
    return blocks
