"""Møtemodus: meetings of the implementation group, their agenda and their minutes (referat).

This part holds the writes; its siblings in ``domain/`` and ``reads/`` hold the rest.

A meeting is started with a date and participants; every change saved while it is open carries its id,
so the minutes can say exactly what was decided. Ending the meeting stores the minutes with it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, update

from data_access.db.models import GroupMeeting
from data_access.db.uow import UnitOfWork
from data_access.domain.errors import NotFound, ValidationError
from data_access.domain.fields import GROUP_MEETING
from data_access.domain.permissions import Actor, Permission
from data_access.formats.minutes import to_json, to_markdown
from data_access.reads.group_meetings import minutes_for


def start_meeting(engine: Engine, actor: Actor, plan_id: int, meeting_date: date, participants: str,
                  chair: str = "") -> int:
    """Open the plan's meeting; the database's partial unique index makes a second open meeting impossible.

    ``chair`` is who leads the meeting (the SLT coordinator leads the group), named in the minutes; when empty
    the minutes name the person who started it."""
    values = GROUP_MEETING.clean_or_raise({"meeting_date": meeting_date, "participants": participants,
                                           "chair": chair})
    with UnitOfWork(engine, actor, plan_id, Permission.RUN_GROUP_MEETING) as uow:
        row = GroupMeeting(plan_id=plan_id, started_by=actor.username, started_at=uow.now, **values)
        if uow.group_meeting_id is not None or not uow.insert_new(row):
            raise ValidationError("Et møte pågår allerede for denne planen. Avslutt det før du starter et nytt.",
                                  field="meeting")
        return row.id


def end_meeting(engine: Engine, actor: Actor, meeting_id: int, tiltak_names: dict[int, str] | None = None,
                summary: str = "") -> str:
    """Close the meeting and store its minutes (Markdown and blocks), in one transaction; returns the Markdown.

    ``tiltak_names`` is no longer needed (names and levels are read from the database) and kept for callers.
    """
    summary = GROUP_MEETING.clean_or_raise({"summary": summary})["summary"]
    with UnitOfWork(engine, actor, None, Permission.RUN_GROUP_MEETING) as uow:
        row = uow.s.get(GroupMeeting, meeting_id)
        if row is None:
            raise NotFound("Fant ikke møtet.")
        uow.plan_id = row.plan_id
        closed = uow.s.execute(update(GroupMeeting).where(GroupMeeting.id == meeting_id,
                                                          GroupMeeting.ended_at.is_(None))
                               .values(ended_at=uow.now).execution_options(synchronize_session=False))
        if closed.rowcount != 1:
            raise ValidationError("Møtet er allerede avsluttet.", field="meeting")
        # Every change of the meeting is committed already; the minutes are read in this same transaction.
        blocks = minutes_for(uow.s, meeting_id, summary, ended_at=uow.now)
        markdown = to_markdown(blocks)
        uow.s.execute(update(GroupMeeting).where(GroupMeeting.id == meeting_id)
                      .values(minutes_md=markdown, minutes_json=to_json(blocks)))
        return markdown
